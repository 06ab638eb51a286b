"""PDF files into the Document shape: narrative in reading order, tables as rows.

Built on pdfium (pypdfium2: Apache-2.0/BSD wheels, no system packages): its text layer
gives every character with its box, and the page objects give the drawn lines. From
those, per page:

- Ruled tables come from the drawn lines: the distinct line positions make a grid,
  and a grid line missing between two cells makes them one merged cell, written as the
  text files write it (the text in the first cell of the span, empty cells after it).
- Everything else is grouped into lines of text; a line made of runs separated by wide
  gaps is a row of a table without rules, its columns found from the fullest rows.
- Page headers and footers (page numbers, text repeated at the same place on most
  pages) are dropped, and never read as a row of the table beside them (a browser
  prints the date and title above a page's table); wrapped lines of a paragraph are
  joined, also across a page break, so a footer never cuts a sentence; a table
  continued on the next page is joined to its first part, a repeated header dropped,
  a row the page break cut (its cells left open, as a browser draws them) made whole.

Coordinates are display coordinates (pages with /Rotate are turned upright), with y
growing downwards.
"""

from __future__ import annotations

import gc
import re
import time

import pypdfium2 as pdfium

from datasets.read.document import Document, UnreadableFile
from datasets.read.pdf.flow import _drop_running_text, _edge_texts, _emit
from datasets.read.pdf.fonts import last_resort_fonts, system_fonts
from datasets.read.pdf.page import _NUMERIC, Block, _exploder, _lines, _pieces, _rulings
from datasets.read.pdf.ruled import Grid, _grid_rows, _grids
from datasets.read.pdf.unruled import _fits, _table_spans, _unruled_rows
from datasets.text import running_key

__all__ = ["read_pdf", "last_resort_fonts", "system_fonts"]

_TABLE_HEADING = re.compile(r"^\s*附?表\s*[\d一二三四五六七八九十]")
MAX_PAGES = 500  # a disclosure has tens of pages; past this the rest is not read
MAX_SECONDS = 60.0  # per file, so that a pathological PDF cannot hold up a nightly run


def read_pdf(data: bytes) -> Document:
    last_resort_fonts()
    if not data.strip():
        raise UnreadableFile("空文件 / empty file")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise UnreadableFile("不是 PDF 文件（文件头缺少 %PDF）/ not a PDF (no %PDF header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            raise UnreadableFile("PDF 已加密，需要密码 / encrypted PDF: a password is required") from None
        raise UnreadableFile(f"PDF 已损坏，无法打开 / corrupt PDF, cannot be opened ({exc})") from None
    # Reading makes tens of thousands of short-lived tuples and no reference cycles; the
    # collector's passes over them cost 15% of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(pdf)
    finally:
        pdf.close()
        if collecting:
            gc.enable()


def _read(pdf: pdfium.PdfDocument) -> Document:
    n_pages = len(pdf)
    problems: list[str] = []
    if n_pages == 0:
        raise UnreadableFile("PDF 没有页面 / PDF has no pages")
    started = time.perf_counter()
    blocks: list[Block] = []
    image_pages, garbled_pages, edges = [], [], []
    widths: dict[int, float] = {}
    prior = None  # columns of a table without rules that ended the last page
    seen: set[str] = set()  # first and last lines of earlier pages that were text (running_key)
    read = 0
    for k in range(min(n_pages, MAX_PAGES)):
        if time.perf_counter() - started > MAX_SECONDS:
            problems.append(f"读取超时，只读了前 {k} 页 / time limit: read the first {k} pages only")
            break
        page = pdf[k]
        try:
            hs, vs = _rulings(page)
            grids = _grids(hs, vs) if hs and vs else []
            tp = page.get_textpage()
            try:
                chars, garbled, images = _pieces(page, tp, sorted(v for g in grids for v in g.vs))
                if garbled:
                    garbled_pages.append(k + 1)
                    continue
                if not chars:
                    if images:
                        image_pages.append(k + 1)
                    continue
                page_blocks = _page_blocks(grids, chars, k + 1, _exploder(page, tp), prior, seen)
            finally:
                tp.close()
            edges.append(_edge_texts(page_blocks, page.get_height()))  # of the page as shown
            body = [b for b in page_blocks if not b.margin]
            prior = body[-1].cols if body and body[-1].kind == "table" else None
            widths[k + 1] = page.get_width()
            blocks.extend(page_blocks)
            read += 1
        finally:
            page.close()
    if n_pages > MAX_PAGES:
        problems.append(f"共 {n_pages} 页，只读取前 {MAX_PAGES} 页 / {n_pages} pages: read the first {MAX_PAGES} only")
    if not read:
        if garbled_pages:
            raise UnreadableFile("字体缺少 Unicode 映射，文字为乱码 / fonts without a usable Unicode map: garbled text")
        if image_pages:
            raise UnreadableFile("扫描件，无文字层（需先OCR）/ scanned, no text layer (needs OCR)")
        raise UnreadableFile("PDF 没有文字内容（空白页）/ no text in the PDF (blank pages)")
    if image_pages:
        problems.append(
            f"第 {_pages_text(image_pages)} 页为扫描图像，无文字层，未读取 / page {_pages_text(image_pages)}: scanned image, no text layer, not read"
        )
    if garbled_pages:
        problems.append(
            f"第 {_pages_text(garbled_pages)} 页字体无法转为文字（乱码），未读取 / page {_pages_text(garbled_pages)}: garbled font, not read"
        )
    blocks = _drop_running_text(blocks, edges)
    lines, pages = _emit(blocks, widths)
    return Document(text="\n".join(lines), format="pdf", line_pages=pages, pages=n_pages, problems=problems)


def _lone_continuation(lines: list, spans: list[tuple[int, int]], prior: list) -> list[tuple[int, int]]:
    """A table's last row alone at the top of the next page (收入总计 … 支出总计 …): one
    line of cells that fit the columns of the table that ended the page before (a single
    line is no table of its own)."""
    for k, ln in enumerate(lines[:3]):
        if spans and spans[0][0] <= k or _TABLE_HEADING.match(ln.text):
            return []
        if len(ln.runs) >= 2 and any(_NUMERIC.match(t) for _, _, t in ln.runs) and _fits(prior, [ln.runs]):
            return [(k, k + 1)]
    return []


def _pages_text(pages: list[int]) -> str:
    return ", ".join(map(str, pages[:10])) + (" …" if len(pages) > 10 else "")


def _page_blocks(
    grids: list[Grid], chars: list, number: int, explode, prior: list | None, seen: set[str]
) -> list[Block]:
    """The page's blocks. `prior`: the columns of a table without rules that ended the
    page before, for a continuation at the top of this one. `seen`: the running_key of the
    first and last lines of earlier pages that were text; a line first or last here
    whose key is among them is a running header or footer (a browser prints the date
    and title, the address and page number) and no row of a table beside it. Updated
    with this page's."""
    blocks: list[Block] = []
    free = chars
    for g in grids:
        x0, y0, x1, y1 = g.box
        inside, rest = [], []
        for ch in free:
            cx, cy = (ch[1] + ch[3]) / 2, (ch[2] + ch[4]) / 2
            (inside if x0 <= cx <= x1 and y0 <= cy <= y1 else rest).append(ch)
        free = rest
        rows = _grid_rows(g, inside)
        if rows:
            blocks.append(Block("table", y0, number, rows=rows))
    lines = _lines(free, number)
    a, b = 0, len(lines)
    if lines and running_key(lines[0].text) in seen:
        a = 1
    if b > a and running_key(lines[-1].text) in seen:
        b -= 1
    body = lines[a:b]
    spans = _table_spans(body)
    if prior:
        spans = _lone_continuation(body, spans, prior) + spans
    spans = [(i + a, j + a) for i, j in spans]
    for k in {0, len(lines) - 1} if lines else ():
        if not any(i <= k < j for i, j in spans):
            seen.add(running_key(lines[k].text))
    starts = dict(spans)
    i = 0
    while i < len(lines):
        if i in starts:
            # A table under its own heading (表三 …) continues nothing from the page before.
            headed = any(_TABLE_HEADING.match(ln.text) for ln in lines[:i])
            carried = prior if i <= 2 and i == spans[0][0] and not headed else None
            rows, cols = _unruled_rows(lines[i : starts[i]], explode, carried)
            blocks.append(Block("table", lines[i].top, number, rows=rows, cols=cols))
            i = starts[i]
            continue
        blocks.append(Block("text", lines[i].top, number, lines=[lines[i]]))
        i += 1
    blocks.sort(key=lambda b: b.top)
    return blocks
