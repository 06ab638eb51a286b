"""anomaly serve in a real browser: Playwright driving Debian's Chromium.

Alice signs in, filters to the undecided findings, dismisses one with a note, reloads
and sees it dismissed; Bob, signed in next, finds it under "decided by others" with
Alice's name on it. On each store backend.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

pytest.importorskip("starlette", reason="pip install 'anomaly[serve]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)", allow_module_level=True)


@pytest.fixture()
def server(served_run, store_db):
    import uvicorn

    from anomaly import store
    from anomaly.server import create_app

    engine = store.engine_for(store_db)
    store.set_user(engine, "alice", "alice-password", "analyst")
    store.set_user(engine, "bob", "bob-password", "analyst")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(served_run, db=store_db, login_delay=0.1)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def sign_in(page, base: str, name: str) -> None:
    page.goto(base + "/")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", f"{name}-password")
    page.click("button[type=submit]")
    page.wait_for_selector("#ranking table.list tbody tr.lead")


def test_dismiss_in_the_browser_then_a_colleague_sees_it(server):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            alice = browser.new_context().new_page()
            sign_in(alice, server, "alice")
            assert "alice" in alice.inner_text("header.top .session")
            alice.select_option("select[data-filter=who]", "undecided")
            assert "who=undecided" in alice.url
            alice.click("#ranking tbody tr.lead a")
            finding = alice.locator(".finding[data-finding]").first
            fid = finding.get_attribute("data-finding")
            finding.locator("textarea.triage-note").fill("口径差异，已核实 <b>x</b>")
            finding.locator("button[data-act=dismissed]").click()
            done = alice.locator(f'.finding[data-finding="{fid}"].dismissed')
            done.wait_for()
            alice.reload()
            done = alice.locator(f'.finding[data-finding="{fid}"].dismissed')
            done.wait_for()
            assert "口径差异，已核实 <b>x</b>" in done.locator(".decided").inner_text()  # as text, not markup
            assert done.locator("button[data-act=reopen]").count() == 1

            bob = browser.new_context().new_page()
            sign_in(bob, server, "bob")
            bob.select_option("select[data-filter=who]", "others")
            rows = bob.locator("#ranking tbody tr.lead")
            assert rows.count() == 1
            rows.first.locator("a").first.click()
            theirs = bob.locator(f'.finding[data-finding="{fid}"].dismissed')
            theirs.wait_for()
            assert "alice" in theirs.locator(".decided").inner_text()
        finally:
            browser.close()


def test_a_colleagues_decision_shows_without_a_reload(server):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            bob = browser.new_context().new_page()
            bob.clock.install()  # the page's timers, moved on below by hand
            sign_in(bob, server, "bob")
            bob.click("#ranking tbody tr.lead a")
            finding = bob.locator(".finding[data-finding]").first
            fid = finding.get_attribute("data-finding")
            typed = bob.locator(".finding[data-finding]").nth(1).locator("textarea.triage-note")

            alice = browser.new_context().new_page()
            sign_in(alice, server, "alice")
            alice.goto(bob.url)
            alice.wait_for_selector(f'.finding[data-finding="{fid}"]')
            alice.locator(f'.finding[data-finding="{fid}"] button[data-act=confirmed]').click()
            alice.locator(f'.finding[data-finding="{fid}"].confirmed').wait_for()

            typed.fill("写了一半")  # bob is typing: his page waits
            bob.clock.run_for(31_000)
            bob.wait_for_timeout(500)
            assert bob.locator(f'.finding[data-finding="{fid}"].confirmed').count() == 0
            typed.fill("")
            bob.locator("body").click(position={"x": 5, "y": 5})
            bob.clock.run_for(31_000)
            bob.locator(f'.finding[data-finding="{fid}"].confirmed').wait_for(timeout=5000)
            assert "alice" in bob.locator(f'.finding[data-finding="{fid}"] .decided').inner_text()
        finally:
            browser.close()


def test_a_page_of_an_older_run_says_a_newer_one_landed(server, served_run):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            alice = browser.new_context().new_page()
            alice.clock.install()
            sign_in(alice, server, "alice")
            assert alice.locator("#newer-run").count() == 0
            manifest = served_run / "manifest.json"  # a new screen writes it last (the shared run's bytes kept)
            st = manifest.stat()
            os.utime(manifest, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
            alice.clock.run_for(31_000)
            alice.locator("#newer-run").wait_for(timeout=5000)
            assert "上一次" in alice.inner_text("#newer-run")
        finally:
            browser.close()
