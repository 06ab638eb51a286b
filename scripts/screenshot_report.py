"""Render report.html with headless Chromium and save screenshots, and print it to PDF.

    python scripts/screenshot_report.py [REPORT_HTML] [--out DIR] [--unit UNIT_ID] [--lang en] [--units N]
                                        [--filter "fam=PCT&sev=error"] [--print]

Without REPORT_HTML a fake run (reports.model.fake_report_input) is written first.
Writes, in DIR: start_LANG.png (the first screen at 1024x700), list_LANG.png (the list
under --filter), unit_LANG.png (the top lead), why_LANG.png (its first finding
expanded), peers_LANG.png (its peer charts) and, with --print, print_list_LANG.pdf and
print_unit_LANG.pdf with their first pages as PNGs (needs pdftoppm, poppler-utils).
Needs /usr/bin/chromium (apt-get install -y chromium) and, for Chinese text,
fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports.html import write_html  # noqa: E402
from reports.model import fake_report_input  # noqa: E402

# Run after the page rendered: open the first finding's explanation, or scroll to the charts.
# (Scrolling a headless screenshot leaves the top blank: what is above is hidden instead.)
EXPAND = (
    "document.querySelector('.unithead').style.display = 'none';"
    "var d = document.querySelector('details.why'); if (d) d.open = true;"
)
PEERS = "document.querySelector('.unithead').style.display = 'none';"
PEERS += "document.getElementById('unit-findings').style.display = 'none';"


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("chromium not found: apt-get update && apt-get install -y chromium fonts-noto-cjk")


def with_script(report: Path, js: str | None) -> Path:
    """``report`` itself, or a copy beside it (links stay relative) that runs ``js`` once rendered."""
    if not js:
        return report
    copy = report.with_name(f".{report.stem}.shot.html")
    page = report.read_text(encoding="utf-8")
    copy.write_text(page.replace("</body>", f"<script>{js}</script>\n</body>"), encoding="utf-8")
    return copy


def chromium(browser: str, url: str, *args: str) -> None:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            *args,
            url,
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)


def screenshot(browser: str, report: Path, png: Path, size: str, hash_: str = "", js: str | None = None) -> None:
    page = with_script(report, js)
    url = page.resolve().as_uri() + (f"#{hash_}" if hash_ else "")
    chromium(browser, url, f"--screenshot={png}", f"--window-size={size}")
    print(f"{png}  <- {url}")


def print_pdf(browser: str, report: Path, pdf: Path, hash_: str = "") -> None:
    """Print to PDF as the browser prints (A4, the page's print stylesheet), and picture page 1."""
    url = report.resolve().as_uri() + (f"#{hash_}" if hash_ else "")
    chromium(browser, url, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    n = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
    print(f"{pdf}  <- {url}  ({n} pages)")
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(pdf.with_suffix(""))]
        )
        print(f"{pdf.with_suffix('.png')}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", nargs="?", type=Path, help="an existing report.html (default: write a fake one)")
    ap.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for the PNGs")
    ap.add_argument("--unit", help="unit_id for the unit screenshots (default: the top lead)")
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--units", type=int, default=40, help="size of the fake run")
    ap.add_argument("--filter", default="sev=error", help="the list's filters, as in the address (fam=PCT&sev=error)")
    ap.add_argument("--print", action="store_true", help="also print the filtered list and the unit to PDF (A4)")
    args = ap.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    report = args.report
    unit = args.unit
    if report is None:
        run = fake_report_input(args.units, lang=args.lang)
        report = args.out / f"report_{args.lang}.html"
        write_html(report, run)
        unit = unit or run.ranking["unit_id"][0]
    if not unit:
        import polars as pl

        ranking = pl.read_csv(report.parent / "ranking.csv", infer_schema_length=0)
        unit = ranking.sort(pl.col("rank").cast(pl.Int64))["unit_id"][0]
    browser = find_chromium()
    lang = args.lang
    unit_hash = f"unit={unit}"
    screenshot(browser, report, args.out / f"start_{lang}.png", "1024,700")
    screenshot(browser, report, args.out / f"list_{lang}.png", "1280,900", args.filter)
    screenshot(browser, report, args.out / f"unit_{lang}.png", "1280,1000", unit_hash)
    screenshot(browser, report, args.out / f"why_{lang}.png", "1280,1000", unit_hash, EXPAND)
    screenshot(browser, report, args.out / f"peers_{lang}.png", "1280,900", unit_hash, PEERS)
    if args.print:
        print_pdf(browser, report, args.out / f"print_list_{lang}.pdf", args.filter)
        print_pdf(browser, report, args.out / f"print_unit_{lang}.pdf", unit_hash)
    for extra in report.parent.glob(f".{report.stem}.shot.html"):
        extra.unlink()


if __name__ == "__main__":
    main()
