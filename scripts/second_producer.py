"""A second PDF producer: a generated corpus as LibreOffice would print it from HTML or Word,
or as a browser prints a web page.

    python scripts/second_producer.py CORPUS_DIR OUT_DIR [--from html|docx] [--jobs N] [--batch B] [--check]
    python scripts/second_producer.py CORPUS_DIR OUT_DIR --with chromium

For every document of CORPUS_DIR (written by ``anomaly generate``; its labels.json
lists them), writes the page a county website would publish
(datasets.synthetic.html), or with ``--from docx`` the Word file a unit would write
(datasets.synthetic.word: tables as Word tables, whose rows Word and LibreOffice break
across pages), and converts it to PDF with LibreOffice headless
(``soffice --headless --convert-to pdf``, B files per soffice call, N calls at a
time, each with its own profile). OUT_DIR gets the same folders and file stems as
CORPUS_DIR with .pdf for .txt, and a labels.json whose ``file`` entries name the PDFs;
each document keeps its text file in ``text_file``. The anomalies' ``line`` numbers
refer to that text version, not to the PDF (a PDF has pages, not lines); figures
(``truth``) are the same in both. ``--keep-html DIR`` also keeps the HTML pages (outside
OUT_DIR, so a screen of OUT_DIR sees only the PDFs). Documents that are not .txt (a
corpus generated in another format) are skipped.

``--check`` reads every PDF back with pypdfium2 and reports documents whose text is
not exactly the characters of the text version (whitespace, tab and pipe syntax
aside; the order inside tables may differ; header rows repeat on each page a table
runs over) or lacks a table figure whole on one line (from Word files most do: their
narrow cells wrap figures, which the reader joins). (For LibreOffice's PDFs: a browser
adds its header and footer, which --check would count as added characters.)

``--with chromium`` prints the web pages with headless Chromium instead (Playwright's
``page.pdf``, as a user's 打印 → 另存为 PDF does with the browser's defaults: A4, 1 cm
margins, the date and title printed above each page and the address and page number
below). Chromium breaks a table row across pages, leaves the cut cells' borders open
and repeats the table's header rows on the next page.

Needs LibreOffice (Debian: libreoffice-writer-nogui) and a CJK font (fonts-noto-cjk);
``--with chromium`` needs /usr/bin/chromium (Debian: chromium) and playwright (the
test extra).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Queue

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datasets.synthetic.html import header_rows, is_table_row, render_html, table_figures, tables  # noqa: E402
from datasets.synthetic.word import draw_word_style, render_docx  # noqa: E402


def read_text(path: Path, encoding: str | None) -> str:
    data = path.read_bytes()
    for enc in ([encoding] if encoding else []) + ["utf-8-sig", "gb18030"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


def soffice_version(soffice: str) -> str:
    out = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=120)
    return out.stdout.strip()


def convert(soffice: str, inputs: list[Path], outdir: Path, profile: Path) -> None:
    """One soffice call for a batch of HTML or Word files (its own profile, so calls run side by side)."""
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *map(str, inputs),
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60 + 30 * len(inputs))


def print_with_chromium(inputs: list[Path], outdir: Path) -> None:
    """Each web page printed to PDF by headless Chromium with the print dialog's defaults."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            page = browser.new_page()
            for h in inputs:
                page.goto(h.as_uri())
                page.pdf(
                    path=str(outdir / h.with_suffix(".pdf").name),
                    format="A4",
                    margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"},
                    display_header_footer=True,  # Chromium's own: date and title, address and page number
                    print_background=True,
                )
        finally:
            browser.close()


def pdf_text(path: Path) -> tuple[str, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        texts = []
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range())
            tp.close()
            page.close()
        return "\n".join(texts), len(pdf)
    finally:
        pdf.close()


_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")


def visible_chars(text: str) -> tuple[Counter, set[str]]:
    """The characters a reader should see (the text without whitespace, tables reduced
    to their cells), and the characters of the tables' header rows, which LibreOffice
    repeats on every page a table runs over."""
    chars = Counter()
    for line in text.lstrip("\ufeff").splitlines():
        if not is_table_row(line):
            chars.update("".join(line.split()))
    header = set()
    for t in tables(text):
        for k, r in enumerate(t):
            cells = "".join("".join(c.split()) for c in r)
            chars.update(cells)
            if k < header_rows(t):
                header.update(cells)
    return chars, header


def check(docs: list[dict], corpus: Path, out: Path) -> None:
    """Every character of the text version in the PDF (tables may read in another order),
    nothing added but repeated header rows, and every table figure as a whole number on one line (as often as the
    tables print it: a figure wrapped inside its cell is counted missing)."""
    bad, pages, figures = [], 0, 0
    for d in docs:
        text = read_text(corpus / d["text_file"], d.get("encoding"))
        got, n = pdf_text(out / d["file"])
        pages += n
        figs = Counter(table_figures(text))
        figures += figs.total()
        numbers = Counter(_NUMBER.findall(got))
        missing = sorted((figs - numbers).elements())
        want, header = visible_chars(text)
        have = Counter("".join(got.split()))
        lost, extra = want - have, have - want
        extra = Counter({ch: n for ch, n in extra.items() if ch not in header})
        if missing or lost or extra:
            bad.append((d["file"], missing, lost, extra))
    print(f"checked {len(docs)} PDFs ({pages} pages, {figures} table figures)")
    for f, missing, lost, extra in bad:
        print(f"  {f}: {len(missing)} figures not found whole on a line {missing[:5]}")
        print(f"    characters lost {dict(lost.most_common(8))}, added {dict(extra.most_common(8))}")
    if not bad:
        print("every PDF holds the characters of its text version (and repeated headers) and every table figure whole")
    else:
        print(f"{len(bad)} PDFs differ")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--jobs", type=int, default=1, help="soffice processes at a time (default 1)")
    ap.add_argument("--batch", type=int, default=50, help="files per soffice call (default 50)")
    ap.add_argument("--soffice", default=shutil.which("soffice") or "soffice")
    ap.add_argument("--from", dest="source", choices=("html", "docx"), default="html", help="what LibreOffice prints")
    ap.add_argument(
        "--with",
        dest="producer",
        choices=("libreoffice", "chromium"),
        default="libreoffice",
        help="what prints the PDFs",
    )
    ap.add_argument("--keep-html", type=Path, metavar="DIR", help="also write the HTML pages (or Word files) under DIR")
    ap.add_argument("--check", action="store_true", help="read the PDFs back with pypdfium2")
    args = ap.parse_args()
    jobs = max(1, args.jobs)

    labels_path = args.corpus / "labels.json"
    if labels_path.exists():
        labels = json.loads(labels_path.read_text(encoding="utf-8"))
    else:  # any folder of .txt files: no labels to carry
        files = sorted(p.relative_to(args.corpus).as_posix() for p in args.corpus.rglob("*.txt"))
        labels = {"documents": [{"file": f} for f in files]}
    skipped = [d["file"] for d in labels["documents"] if not d["file"].endswith(".txt")]
    if skipped:
        print(f"skipped {len(skipped)} documents that are not .txt (e.g. {skipped[0]})", file=sys.stderr)
    docs = [d for d in labels["documents"] if d["file"].endswith(".txt")]
    args.out.mkdir(parents=True, exist_ok=True)
    if args.producer == "chromium" and args.source != "html":
        ap.error("--with chromium prints web pages (--from html)")
    version = (
        soffice_version(args.soffice) if args.producer == "libreoffice" else "Chromium (headless, Playwright page.pdf)"
    )

    with tempfile.TemporaryDirectory(prefix="second-producer-") as tmp:
        tmp = Path(tmp)
        input_dir, pdf_dir = tmp / "in", tmp / "pdf"
        input_dir.mkdir()
        pdf_dir.mkdir()
        t0 = time.perf_counter()
        inputs = []
        for i, d in enumerate(docs):  # flat names: soffice writes every PDF into one folder
            text = read_text(args.corpus / d["file"], d.get("encoding"))
            if args.source == "docx":
                h = input_dir / f"{i:06d}.docx"
                h.write_bytes(render_docx(text, draw_word_style(random.Random(d["file"]), 2024, tables=True)))
            else:
                h = input_dir / f"{i:06d}.html"
                h.write_text(render_html(text), encoding="utf-8")
            inputs.append(h)
        t_write = time.perf_counter() - t0

        profiles: Queue[Path] = Queue()
        for k in range(jobs):
            profiles.put(tmp / f"profile{k}")

        def run(batch: list[Path]) -> None:
            profile = profiles.get()
            try:
                convert(args.soffice, batch, pdf_dir, profile)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
                print(f"soffice failed on {batch[0].name}…{batch[-1].name}: {e}", file=sys.stderr)
            finally:
                profiles.put(profile)

        t1 = time.perf_counter()
        if args.producer == "chromium":
            print_with_chromium(inputs, pdf_dir)
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                list(pool.map(run, [inputs[i : i + args.batch] for i in range(0, len(inputs), args.batch)]))
        t_pdf = time.perf_counter() - t1

        done = []
        for i, d in enumerate(docs):
            rel = Path(d["file"]).with_suffix(".pdf")
            src = pdf_dir / f"{i:06d}.pdf"
            if not src.exists():
                print(f"no PDF for {d['file']}", file=sys.stderr)
                continue
            (args.out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(src, args.out / rel)
            if args.keep_html:
                (args.keep_html / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(inputs[i], args.keep_html / rel.with_suffix(inputs[i].suffix))
            d["text_file"], d["file"] = d["file"], rel.as_posix()
            for a in d.get("anomalies", []):  # a copy names its source file last
                if a.get("family") == "CPY" and str(a.get("detail", "")).endswith(".txt"):
                    a["detail"] = a["detail"][: -len(".txt")] + ".pdf"
            done.append(d)

    labels["documents"] = done
    labels["producer"] = {
        "pdf": f"{version} ({'Word files from datasets.synthetic.word' if args.source == 'docx' else 'HTML from datasets.synthetic.html'}, printed headless)",
        "lines": "anomalies' line numbers refer to text_file, the text version",
    }
    (args.out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    n = len(done)
    print(
        f"{n} PDFs from {len(docs)} documents: {args.source} {t_write:.1f}s, {args.producer} {t_pdf:.1f}s "
        f"({t_pdf / max(n, 1):.2f}s per document)"
    )
    if args.check:
        check(done, args.corpus, args.out)
    return 0 if n == len(docs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
