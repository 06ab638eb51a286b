"""Web pages printed by a browser and converted by poppler's pdftotext -layout: text the
generator did not lay out. A browser centres each cell in its row's height, so a 收支总表's
rows step down a line a column group; the reader must read them whole, and a clean
document must not alarm. Skips where Chromium, Playwright or pdftotext are missing."""

import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from anomaly.engine import run_rules
from datasets.corpus import parse_files
from datasets.synthetic.generate import iter_documents
from datasets.synthetic.html import render_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _printed_and_converted(folder: Path, units: int, seed: int) -> list[Path]:
    """Clean generated disclosures as web pages, printed to PDF by headless Chromium with
    its own header and footer, and converted by pdftotext -layout."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() or shutil.which("pdftotext") is None:
        pytest.skip("needs Chromium (apt-get install chromium) and pdftotext (poppler-utils)")
    out = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            for n, (_, data, label) in enumerate(iter_documents(units, seed, anomaly_share=0.0, fmt="txt")):
                html, pdf, txt = (folder / f"{n:02d}{ext}" for ext in (".html", ".pdf", ".txt"))
                text = data.decode(label.get("encoding") or "utf-8-sig", errors="replace")
                html.write_text(render_html(text), encoding="utf-8")
                page.goto(html.as_uri())
                page.pdf(path=str(pdf), format="A4", display_header_footer=True, print_background=True)
                subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), str(txt)], check=True)
                out.append(txt)
        finally:
            browser.close()
    return out


def test_browser_printed_pages_through_pdftotext_do_not_alarm(tmp_path):
    frames = parse_files(_printed_and_converted(tmp_path, 16, 71))
    findings = run_rules(frames)[0]
    alarms = findings.filter(pl.col("severity").is_in(["error", "warning"]) & (pl.col("family") != "CPY"))
    assert alarms.select("rule", "message").rows() == []
    assert frames["units"]["total_budget_yuan"].null_count() == 0
