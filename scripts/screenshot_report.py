"""Render report.html with headless Chromium and save screenshots (overview and one unit).

    python scripts/screenshot_report.py [REPORT_HTML] [--out DIR] [--unit UNIT_ID] [--lang en] [--units N]

Without REPORT_HTML a fake run (reports.model.fake_report_input) is written first.
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


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("chromium not found: apt-get update && apt-get install -y chromium fonts-noto-cjk")


def screenshot(browser: str, url: str, png: Path, size: str = "1400,1000") -> None:
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
            f"--screenshot={png}",
            f"--window-size={size}",
            url,
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    print(f"{png}  <- {url}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", nargs="?", type=Path, help="an existing report.html (default: write a fake one)")
    ap.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for the PNGs")
    ap.add_argument("--unit", help="unit_id for the unit screenshot (default: the top lead)")
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--units", type=int, default=40, help="size of the fake run")
    ap.add_argument("--height", type=int, default=1000, help="window height in pixels")
    args = ap.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    report = args.report
    unit = args.unit
    if report is None:
        run = fake_report_input(args.units, lang=args.lang)
        report = args.out / f"report_{args.lang}.html"
        write_html(report, run)
        unit = unit or run.ranking["unit_id"][0]
    url = report.resolve().as_uri()
    browser = find_chromium()
    size = f"1400,{args.height}"
    screenshot(browser, url, args.out / f"overview_{args.lang}.png", size)
    if unit:
        screenshot(browser, f"{url}#unit={unit}", args.out / f"unit_{args.lang}.png", size)


if __name__ == "__main__":
    main()
