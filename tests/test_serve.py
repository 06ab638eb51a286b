"""anomaly serve and its triage store, the same tests on SQLite and on PostgreSQL.

The store: optimistic writes (a stale version is refused with the current decision),
the audit trail, accounts, an old triage.sqlite upgraded, the nightly run reading the
same store. The server: sign-in, CSRF on every write, the reviewer's read-only role, a
wrong password answered late, hostile text escaped, the proxy header mode.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import threading
import time

import polars as pl
import pytest
from click.testing import CliRunner

pytest.importorskip("starlette", reason="pip install 'anomaly[serve]'")
from starlette.testclient import TestClient  # noqa: E402

from anomaly import store  # noqa: E402
from anomaly.cli import main  # noqa: E402
from anomaly.server import create_app  # noqa: E402

KEY = ("清河县财政局", 2024, "PCT001", "abc123")
HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_stale_write_is_refused_with_the_current_decision(store_db):
    engine = store.engine_for(store_db)
    first = store.decide(engine, KEY, "dismissed", "口径差异", "alice", seen_version=0)
    assert first["version"] == 1
    with pytest.raises(store.Conflict) as exc:  # bob saw no decision yet
        store.decide_with_retry(engine, KEY, "confirmed", None, "bob", seen_version=0)
    assert (exc.value.current["decision"], exc.value.current["decided_by"]) == ("dismissed", "alice")
    second = store.decide(engine, KEY, "confirmed", "确有错误", "bob", seen_version=1)  # he has seen it, and chooses
    assert second["version"] == 2
    trail = store.audit(engine)
    assert trail.select("actor", "before", "after", "after_note", "version").rows() == [
        ("alice", None, "dismissed", "口径差异", 1),
        ("bob", "dismissed", "confirmed", "确有错误", 2),
    ]


def test_reopening_keeps_the_version_and_drops_the_decision(store_db):
    engine = store.engine_for(store_db)
    store.decide(engine, KEY, "dismissed", None, "alice", seen_version=0)
    store.decide(engine, KEY, None, None, "alice", seen_version=1)
    assert store.decisions(engine).height == 0
    assert store.decisions(engine, include_reopened=True)["version"].to_list() == [2]
    with pytest.raises(store.Conflict):  # a page that still shows version 1 cannot write
        store.decide_with_retry(engine, KEY, "confirmed", None, "bob", seen_version=1)


def test_concurrent_writers_on_one_finding_one_wins(store_db):
    engine = store.engine_for(store_db)
    results: list[str] = []

    def write(who: str) -> None:
        try:
            store.decide(engine, KEY, "confirmed", None, who, seen_version=0)
            results.append("ok")
        except store.Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=write, args=(f"a{i}",)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["conflict"] * 7 + ["ok"]
    assert store.audit(engine).height == 1


def test_accounts_hash_and_check_passwords(store_db):
    engine = store.engine_for(store_db)
    assert store.set_user(engine, "alice", "correct horse", "analyst")
    assert store.check_password(engine, "alice", "correct horse") == "analyst"
    assert store.check_password(engine, "alice", "wrong") is None
    assert store.check_password(engine, "nobody", "correct horse") is None
    assert not store.set_user(engine, "alice", "another one", "reviewer")  # updated
    assert store.check_password(engine, "alice", "another one") == "reviewer"
    with engine.connect() as conn:
        stored = conn.execute(store.sa.select(store.USERS.c.password_hash)).scalar()
    assert stored.startswith("$argon2") and "another" not in stored


def test_accounts_are_made_in_the_store_serve_reads(tmp_path, monkeypatch):
    monkeypatch.delenv("ANOMALY_DB", raising=False)
    out = tmp_path / "night"
    out.mkdir()
    r = CliRunner().invoke(main, ["users", "add", "alice", str(out), "--password-stdin"], input="alice-password\n")
    assert r.exit_code == 0, r.output
    assert [u["name"] for u in store.users(store.engine_for(store.default_db(out)))] == ["alice"]
    listed = CliRunner().invoke(main, ["users", "list", str(out)])
    assert listed.exit_code == 0 and listed.output.startswith("alice  analyst")
    missing = CliRunner().invoke(
        main, ["users", "add", "bob", str(tmp_path / "nowhere"), "--password-stdin"], input="x" * 9
    )
    assert missing.exit_code == 2 and "不存在" in missing.output and "Traceback" not in missing.output


def test_an_old_triage_file_is_upgraded_in_place(tmp_path):
    path = tmp_path / "triage.sqlite"
    with sqlite3.connect(path) as db:  # the schema before the store
        db.execute(
            "CREATE TABLE decisions (unit_key TEXT NOT NULL, year INTEGER NOT NULL, rule TEXT NOT NULL, "
            "fingerprint TEXT NOT NULL, decision TEXT NOT NULL CHECK (decision IN ('dismissed', 'confirmed')), "
            "note TEXT, decided_by TEXT, decided_at TEXT NOT NULL, PRIMARY KEY (unit_key, year, rule, fingerprint))"
        )
        db.execute("INSERT INTO decisions VALUES (?, ?, ?, ?, 'dismissed', 'old', 'carol', '2024-01-01')", KEY)
    engine = store.engine_for(path)
    assert store.decisions(engine).select("decided_by", "version").rows() == [("carol", 1)]
    store.decide(engine, KEY, None, None, "alice", seen_version=1)  # a reopen: decision may be null now
    assert store.decisions(engine).height == 0


def test_the_nightly_run_reads_the_same_store(served_run, store_db, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(served_run, out)
    target = pl.read_parquet(out / "findings.parquet").row(0, named=True)
    cli = CliRunner()
    r = cli.invoke(
        main, ["triage", str(out), target["finding_id"], "--dismiss", "--note", "口径差异", "--db", store_db]
    )
    assert r.exit_code == 0, r.output
    corpus = served_run.parent / "corpus"
    r = cli.invoke(main, ["screen", str(corpus), "--out", str(out), "--workers", "1", "--triage-db", store_db])
    assert r.exit_code == 0, r.output
    f = (
        pl.read_parquet(out / "findings.parquet")
        .filter(pl.col("finding_id") == target["finding_id"])
        .row(0, named=True)
    )
    assert (f["triage"], f["triage_note"]) == ("dismissed", "口径差异")
    # The audit trail: as CSV, and as a sheet of the workbook.
    csv = tmp_path / "decisions.csv"
    r = cli.invoke(main, ["triage", str(out), "--db", store_db, "--export", str(csv)])
    assert r.exit_code == 0, r.output
    rows = pl.read_csv(csv)
    assert rows.select("finding_id", "action", "after", "after_note").rows() == [
        (target["finding_id"], "decide", "dismissed", "口径差异")
    ]
    import zipfile

    with zipfile.ZipFile(out / "report.xlsx") as z:
        names = z.read("xl/workbook.xml").decode()
        assert "处理记录" in names
        sheets = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        last = max(sheets, key=lambda n: int(n.rsplit("sheet", 1)[1].split(".")[0]))  # the audit sheet is last
        sheet = z.read(last).decode()
        assert "口径差异" in sheet and "已排除" in sheet and ">dismissed<" not in sheet  # in the workbook's language


def test_the_export_keeps_formulas_as_text(tmp_path):
    db = tmp_path / "triage.sqlite"
    store.decide(store.engine_for(db), KEY, "dismissed", '=HYPERLINK("http://x")', "alice", seen_version=0)
    from anomaly.triage import export_audit

    export_audit(db, tmp_path / "d.csv")
    assert pl.read_csv(tmp_path / "d.csv")["after_note"][0].startswith("'=")


# ---- the server --------------------------------------------------------------------


DELAY = 0.3


@pytest.fixture()
def app_for(served_run, store_db):
    def make(**options):
        engine = store.engine_for(store_db)
        store.set_user(engine, "alice", "alice-password", "analyst")
        store.set_user(engine, "bob", "bob-password", "analyst")
        store.set_user(engine, "rita", "rita-password", "reviewer")
        return TestClient(
            create_app(served_run, db=store_db, login_delay=DELAY, **options), base_url="https://testserver"
        )

    return make


def login(client: TestClient, name: str, password: str):
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False)


def config(client: TestClient) -> dict:
    page = client.get("/").text
    return json.loads(re.search(r'<script type="application/json" id="serve-config">(.*?)</script>', page).group(1))


def a_finding(served_run) -> str:
    return pl.read_parquet(served_run / "findings.parquet")["finding_id"][0]


def test_sign_in_then_decide_then_see_it(app_for, served_run):
    client = app_for()
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    r = login(client, "alice", "alice-password")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
    cfg = config(client)
    assert (cfg["user"], cfg["role"]) == ("alice", "analyst")
    fid = a_finding(served_run)
    body = {"finding_id": fid, "decision": "dismissed", "note": "口径差异", "version": 0}
    r = client.post("/api/decide", json=body, headers={"X-CSRF-Token": cfg["csrf"]})
    assert r.status_code == 200 and r.json()["version"] == 1
    assert [fid, "dismissed", "口径差异", "alice"] == config(client)["decisions"][0][:4]


def test_a_new_screen_is_served_without_a_restart(store_db, served_run, tmp_path):
    # The server stays up from night to night: the next screen into its folder is what it serves.
    corpus, out = served_run.parent / "corpus", tmp_path / "out"
    first = CliRunner().invoke(main, ["screen", str(corpus), "--out", str(out), "--workers", "1", "--select", "PCT"])
    assert first.exit_code == 0, first.output
    engine = store.engine_for(store_db)
    store.set_user(engine, "alice", "alice-password", "analyst")
    client = TestClient(create_app(out, db=store_db, login_delay=DELAY), base_url="https://testserver")
    login(client, "alice", "alice-password")
    before = set(pl.read_parquet(out / "findings.parquet")["finding_id"])
    again = CliRunner().invoke(main, ["screen", str(corpus), "--out", str(out), "--workers", "1"])
    assert again.exit_code == 0, again.output
    new = [f for f in pl.read_parquet(out / "findings.parquet")["finding_id"] if f not in before]
    assert new
    cfg = config(client)
    assert new[0] in client.get("/").text
    body = {"finding_id": new[0], "decision": "confirmed", "note": None, "version": 0}
    assert client.post("/api/decide", json=body, headers={"X-CSRF-Token": cfg["csrf"]}).status_code == 200


def test_no_write_without_a_session_or_a_csrf_token(app_for, served_run):
    client = app_for()
    body = {"finding_id": a_finding(served_run), "decision": "dismissed", "note": None, "version": 0}
    assert client.post("/api/decide", json=body).status_code == 401
    login(client, "alice", "alice-password")
    cfg = config(client)
    assert client.post("/api/decide", json=body).status_code == 403
    assert client.post("/api/decide", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    # A form post (what another site could make a browser send) is not a write either.
    r = client.post("/api/decide", data=body, headers={"X-CSRF-Token": cfg["csrf"]})
    assert r.status_code == 415
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert config(client)["decisions"] == []


def test_a_reviewer_reads_but_cannot_write(app_for, served_run):
    client = app_for()
    login(client, "rita", "rita-password")
    cfg = config(client)
    assert cfg["role"] == "reviewer"
    body = {"finding_id": a_finding(served_run), "decision": "confirmed", "note": None, "version": 0}
    assert client.post("/api/decide", json=body, headers={"X-CSRF-Token": cfg["csrf"]}).status_code == 403
    unit = pl.read_parquet(served_run / "units.parquet")["unit_id"][0]
    body = {"unit_id": unit, "assignee": "rita", "version": 0}
    assert client.post("/api/assign", json=body, headers={"X-CSRF-Token": cfg["csrf"]}).status_code == 403


def test_a_wrong_password_is_refused_late(app_for):
    client = app_for()
    t0 = time.perf_counter()
    r = login(client, "alice", "not-her-password")
    assert r.status_code == 401 and time.perf_counter() - t0 >= DELAY
    t0 = time.perf_counter()
    assert login(client, "mallory", "anything").status_code == 401 and time.perf_counter() - t0 >= DELAY
    assert client.get("/", follow_redirects=False).status_code == 303  # still signed out


def test_hostile_text_is_escaped(app_for, served_run):
    client = app_for()
    r = login(client, HOSTILE, "x")
    assert HOSTILE not in r.text and "&lt;/script&gt;" in r.text
    login(client, "alice", "alice-password")
    cfg = config(client)
    body = {"finding_id": a_finding(served_run), "decision": "dismissed", "note": HOSTILE, "version": 0}
    assert client.post("/api/decide", json=body, headers={"X-CSRF-Token": cfg["csrf"]}).status_code == 200
    page = client.get("/").text
    assert "alert" in page and HOSTILE not in page and "</script><script>alert" not in page
    assert config(client)["decisions"][0][2] == HOSTILE  # kept as written, shown as text


def test_two_analysts_on_one_finding_the_later_sees_the_earlier(app_for, served_run):
    alice, bob = app_for(), app_for()
    # one app each would hold a session secret each: use one app, two clients
    bob = TestClient(alice.app, base_url="https://testserver")
    login(alice, "alice", "alice-password")
    login(bob, "bob", "bob-password")
    ca, cb = config(alice), config(bob)
    fid = a_finding(served_run)
    ok = alice.post(
        "/api/decide",
        json={"finding_id": fid, "decision": "dismissed", "note": "a", "version": 0},
        headers={"X-CSRF-Token": ca["csrf"]},
    )
    assert ok.status_code == 200
    late = bob.post(
        "/api/decide",
        json={"finding_id": fid, "decision": "confirmed", "note": "b", "version": 0},
        headers={"X-CSRF-Token": cb["csrf"]},
    )
    assert late.status_code == 409
    assert late.json()["current"] | {"decided_at": None} == {
        "decision": "dismissed",
        "note": "a",
        "decided_by": "alice",
        "decided_at": None,
        "version": 1,
    }


def test_assignments_are_optimistic_too(app_for, served_run):
    client = app_for()
    login(client, "alice", "alice-password")
    cfg = config(client)
    unit = pl.read_parquet(served_run / "units.parquet")["unit_id"][0]
    h = {"X-CSRF-Token": cfg["csrf"]}
    assert client.post("/api/assign", json={"unit_id": unit, "assignee": "bob", "version": 0}, headers=h).json() == [
        "bob",
        1,
    ]
    r = client.post("/api/assign", json={"unit_id": unit, "assignee": "alice", "version": 0}, headers=h)
    assert r.status_code == 409 and r.json()["current"] == ["bob", 1]
    assert config(client)["assignments"][unit] == ["bob", 1]


def test_leads_are_assigned_to_analysts_only(app_for, served_run):
    client = app_for()
    login(client, "alice", "alice-password")
    h = {"X-CSRF-Token": config(client)["csrf"]}
    unit = pl.read_parquet(served_run / "units.parquet")["unit_id"][0]
    for who in ("bobb", "rita"):  # a typo; a reviewer, who cannot decide
        r = client.post("/api/assign", json={"unit_id": unit, "assignee": who, "version": 0}, headers=h)
        assert r.status_code == 422
    assert unit not in config(client)["assignments"]
    assert (
        client.post("/api/assign", json={"unit_id": unit, "assignee": "bob", "version": 0}, headers=h).status_code
        == 200
    )


def test_a_trusted_proxy_header_names_the_user(app_for, served_run):
    client = app_for(trust_header="X-Remote-User")
    assert client.get("/").status_code == 401  # the proxy sent no name
    h = {"X-Remote-User": "rita"}
    assert config_with(client, h)["role"] == "reviewer"  # an account's role holds
    h = {"X-Remote-User": "dora"}
    cfg = config_with(client, h)
    assert cfg["role"] == "analyst"
    body = {"finding_id": a_finding(served_run), "decision": "confirmed", "note": None, "version": 0}
    assert client.post("/api/decide", json=body, headers=h).status_code == 403  # no CSRF token
    r = client.post("/api/decide", json=body, headers=h | {"X-CSRF-Token": cfg["csrf"]})
    assert r.status_code == 200 and r.json()["decided_by"] == "dora"
    # Another name through the same browser session cannot reuse dora's token.
    assert (
        client.post("/api/decide", json=body, headers={"X-Remote-User": "eve", "X-CSRF-Token": cfg["csrf"]}).status_code
        == 403
    )


def config_with(client: TestClient, headers: dict) -> dict:
    page = client.get("/", headers=headers).text
    return json.loads(re.search(r'id="serve-config">(.*?)</script>', page).group(1))
