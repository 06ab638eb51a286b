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
  pages) are dropped; wrapped lines of a paragraph are joined, also across a page
  break, so a footer never cuts a sentence; a table continued on the next page is
  joined to its first part, a repeated header dropped.

Coordinates are display coordinates (pages with /Rotate are turned upright), with y
growing downwards.
"""

from __future__ import annotations

import ctypes
import gc
import re
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from datasets.read.document import Document, UnreadableFile
from datasets.text import HEADING

MAX_PAGES = 500  # a disclosure has tens of pages; past this the rest is not read
MAX_SECONDS = 60.0  # per file, so that a pathological PDF cannot hold up a nightly run
_TOL = 2.0  # points: drawn lines closer than this are one
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–_\s]*\d{1,4}[-—–_\s]*|第\s*\d+\s*页\s*(?:[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
_DIGITS = re.compile(r"\d+")
_NUMERIC = re.compile(r"^[-+]?[\d,，.]+%?$")
_STARTS_BLOCK = re.compile(r"^\s*(?:表\s*[\d一二三四五六七八九十]|附表|目\s*录|单位\s*[:：]|注\s*[:：])")
_ENDS = "。；;！!？?：:"
_PIECE = re.compile(r"\S+")
_GARBLED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd]")


@dataclass
class Line:
    """A line of text outside ruled tables: its runs (x0, x1, text) left to right."""

    top: float
    bottom: float
    runs: list[tuple[float, float, str]]
    page: int
    height: float = 0.0
    pieces: list = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.runs[0][0]

    @property
    def x1(self) -> float:
        return self.runs[-1][1]

    @property
    def text(self) -> str:
        return "".join(r[2] for r in self.runs)


@dataclass
class Block:
    """What a page holds, top to bottom: a paragraph (lines) or a table (rows)."""

    kind: str  # "text" | "table"
    top: float
    page: int
    lines: list[Line] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    margin: bool = False  # a text line in the page's top or bottom margin
    cols: list | None = None  # a table without rules: its columns' x-ranges


_LAST_RESORT = Path(__file__).with_name("last_resort.ttf")
_FONT_INFO = None  # kept alive while pdfium holds it


def last_resort_fonts() -> None:
    """Give pdfium one tiny font (scripts/make_last_resort_font.py) for every font a PDF
    does not embed, instead of a search of the system's fonts. Reading text needs only
    the PDF's own character maps and widths; the search costs 5-8 ms a page where CJK
    fonts are installed, and where none are, pdfium drops rotated lines whose glyphs it
    cannot find. Rendering (anomaly show) wants real glyphs: call system_fonts() first."""
    global _FONT_INFO
    if _FONT_INFO is not None:
        return
    data = _LAST_RESORT.read_bytes()
    buffer = ctypes.create_string_buffer(data, len(data))

    def font_data(this, font, table, out, size):
        if table:
            return 0  # pdfium asks for the whole file (table 0)
        if out and size >= len(data):
            ctypes.memmove(out, buffer, len(data))
        return len(data)

    kinds = dict(raw.FPDF_SYSFONTINFO._fields_)
    info = raw.FPDF_SYSFONTINFO()
    info.version = 1
    callbacks = {
        "Release": lambda *a: None,
        "EnumFonts": lambda *a: None,
        "MapFont": lambda *a: 1,
        "GetFont": lambda *a: 1,
        "GetFontData": font_data,
        "GetFaceName": lambda *a: 0,
        "GetFontCharset": lambda *a: 0,
        "DeleteFont": lambda *a: None,
    }
    for name, fn in callbacks.items():
        setattr(info, name, kinds[name](fn))
    _FONT_INFO = (info, buffer, callbacks)
    raw.FPDF_SetSystemFontInfo(ctypes.byref(info))


def system_fonts() -> None:
    """pdfium's own search of the system's fonts again (for rendering pages)."""
    global _FONT_INFO
    if _FONT_INFO is not None:
        raw.FPDF_SetSystemFontInfo(raw.FPDF_GetDefaultSystemFontInfo())
        _FONT_INFO = None


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
                page_blocks = _page_blocks(grids, chars, k + 1, _exploder(page, tp), prior)
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


def _pages_text(pages: list[int]) -> str:
    return ", ".join(map(str, pages[:10])) + (" …" if len(pages) > 10 else "")


# --- characters and drawn lines ------------------------------------------------


def _pieces(
    page: pdfium.PdfPage, tp: pdfium.PdfTextPage, cuts: list[tuple[float, float, float]]
) -> tuple[list, bool, bool]:
    """(pieces of text as (text, x0, top, x1, bottom) in display coordinates, garbled,
    has images; a piece also says whether white space preceded it in the text layer).
    A piece is a run of characters without white space; its box comes
    from its first and last character (two pdfium calls, not one per character),
    except where a piece crosses one of the `cuts` (the vertical lines of ruled
    tables: cells printed without a gap) or does not run left to right: then each
    character is a piece of its own."""
    out: list[tuple] = []
    if True:
        h = tp.raw
        n = raw.FPDFText_CountChars(h)
        text = tp.get_text_range() if n else ""
        bad = len(_GARBLED.findall(text))
        if text:
            to_display = _display(page)
            rect = raw.FS_RECTF()
            box = raw.FPDFText_GetLooseCharBox
            generated = raw.FPDFText_IsGenerated

            def char_box(i: int) -> tuple[float, float, float, float]:
                box(h, i, rect)
                return to_display(rect.left, rect.top, rect.right, rect.bottom)

            cut_xs = [c[0] for c in cuts]
            for m in _PIECE.finditer(text):
                a, b = m.span()
                piece = m.group()
                # Printed apart from what precedes it (pdfium's own inserted spaces do not count).
                spaced = a > 0 and text[a - 1] in " \u3000" and not generated(h, a - 1)
                first = char_box(a)
                if b - a == 1:
                    out.append((piece, *first, spaced, a, b))
                    continue
                last = char_box(b - 1)
                x0, top, x1, bottom = first[0], min(first[1], last[1]), last[2], max(first[3], last[3])
                mid, height = (top + bottom) / 2, bottom - top
                straight = last[0] >= first[0] - 1 and abs((last[1] + last[3]) - (first[1] + first[3])) < height
                if straight and not _crosses(cuts, cut_xs, x0, x1, mid):
                    out.append((piece, x0, top, x1, bottom, spaced, a, b))
                    continue
                for i in range(a, b):  # the rare piece that needs every character
                    out.append((text[i], *char_box(i), spaced and i == a, i, i + 1))
        garbled = bad > 20 and bad > 0.2 * len(text)
        if bad:
            out = [(_GARBLED.sub("", p[0]), *p[1:]) for p in out if _GARBLED.sub("", p[0])]
    handle = page.raw
    images = not out and any(
        raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(handle, k)) == raw.FPDF_PAGEOBJ_IMAGE
        for k in range(raw.FPDFPage_CountObjects(handle))
    )
    return out, garbled, images


def _exploder(page: pdfium.PdfPage, tp: pdfium.PdfTextPage):
    """A function from a piece to its characters, each a piece of its own."""
    to_display = _display(page)
    rect = raw.FS_RECTF()
    h = tp.raw

    def explode(piece: tuple) -> list[tuple]:
        text, a, b = piece[0], piece[6], piece[7]
        if b - a <= 1 or len(text) != b - a:
            return [piece]
        out = []
        for i in range(a, b):
            raw.FPDFText_GetLooseCharBox(h, i, rect)
            out.append(
                (text[i - a], *to_display(rect.left, rect.top, rect.right, rect.bottom), piece[5] and i == a, i, i + 1)
            )
        return out

    return explode


def _crosses(cuts, cut_xs: list[float], x0: float, x1: float, mid: float) -> bool:
    """Whether a vertical cut lies inside (x0, x1) at height `mid`."""
    k = bisect_right(cut_xs, x0 + 1)
    while k < len(cuts) and cuts[k][0] < x1 - 1:
        if cuts[k][1] <= mid <= cuts[k][2]:
            return True
        k += 1
    return False


def _display(page: pdfium.PdfPage):
    """A function from a PDF box (left, top, right, bottom; y up) to display coordinates
    (x0, top, x1, bottom; y down), honouring the page's /Rotate."""
    w, h = page.get_width(), page.get_height()
    rot = page.get_rotation() % 360
    # get_width/height are of the displayed page: for 90/270 the media box is h x w.
    if rot == 0:
        return lambda left, top, right, bottom: (left, h - top, right, h - bottom)
    if rot == 90:  # shown turned clockwise: user x runs down, user y runs left to right
        return lambda left, top, right, bottom: (bottom, left, top, right)
    if rot == 180:
        return lambda left, top, right, bottom: (w - right, bottom, w - left, top)
    return lambda left, top, right, bottom: (w - top, h - right, w - bottom, h - left)  # 270


def _rulings(page: pdfium.PdfPage) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Drawn horizontal lines (y, x0, x1) and vertical lines (x, y0, y1), display coordinates.

    Lines come as stroked paths, thin filled rectangles, or rectangle outlines (a cell
    border drawn with `re`): all three are reduced to segments."""
    transform = _display(page)
    hs, vs = [], []
    x, y = ctypes.c_float(), ctypes.c_float()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    matrix = raw.FS_MATRIX()
    # The raw API: pypdfium2's object wrappers cost more than the rest of the page.
    page_handle = page.raw
    for k in range(raw.FPDFPage_CountObjects(page_handle)):
        handle = raw.FPDFPage_GetObject(page_handle, k)
        if raw.FPDFPageObj_GetType(handle) != raw.FPDF_PAGEOBJ_PATH:
            continue
        raw.FPDFPageObj_GetBounds(handle, left, bottom, right, top)
        x0, t, x1, b = transform(left.value, top.value, right.value, bottom.value)
        w, hgt = x1 - x0, b - t
        if w < 0.5 and hgt < 0.5:
            continue
        if hgt <= 3 and w > 3:
            hs.append(((t + b) / 2, x0, x1))
            continue
        if w <= 3 and hgt > 3:
            vs.append(((x0 + x1) / 2, t, b))
            continue
        # A larger path: its straight segments (cell outlines, polylines, a whole grid).
        raw.FPDFPageObj_GetMatrix(handle, matrix)
        _path_segments(handle, matrix, transform, hs, vs, x, y)
    return _joined(hs), _joined(vs)


def _joined(segments: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear segments that touch or overlap merged into one (a producer that draws
    every cell's border separately gives thousands of short ones). Segments within half
    a point of each other are on one line; along it they merge where they meet."""
    out: list[tuple[float, float, float]] = []
    line: list[tuple[float, float, float]] = []
    for seg in sorted(segments) + [(float("inf"), 0.0, 0.0)]:
        if line and seg[0] - line[0][0] > 0.5:  # a new line: merge the last one's pieces
            pos = sum(s[0] for s in line) / len(line)
            lo = hi = None
            for _, a, b in sorted(line, key=lambda s: s[1]):
                if hi is not None and a <= hi + _TOL:
                    hi = max(hi, b)
                    continue
                if hi is not None:
                    out.append((pos, lo, hi))
                lo, hi = a, b
            out.append((pos, lo, hi))
            line = []
        line.append(seg)
    return out


_MOVETO, _LINETO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO


def _path_segments(handle, m, transform, hs, vs, x, y) -> None:
    """The straight horizontal and vertical segments of a path (one producer draws a
    whole grid as one path of a thousand segments: this loop is kept lean). Segments
    are found in the page's own coordinates and turned to display ones at the end."""
    get_segment, get_point = raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint
    get_type, get_close = raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetClose
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    found: list[tuple[float, float, float, float]] = []
    start = prev = last = None
    for k in range(raw.FPDFPath_CountSegments(handle)):
        seg = get_segment(handle, k)
        get_point(seg, x, y)
        u, v = x.value, y.value
        px, py = a * u + c * v + e, b * u + d * v + f
        if get_type(seg) == _MOVETO:
            if last is not None and get_close(last):  # the subpath before was closed (a rectangle)
                found.append((*prev, *start))
            start = prev = (px, py)
            last = None
            continue
        if prev is not None:
            found.append((prev[0], prev[1], px, py))
            last = seg
        prev = (px, py)
    if last is not None and start is not None and get_close(last):
        found.append((*prev, *start))
    for x0, y0, x1, y1 in found:
        if abs(y1 - y0) <= 1 and abs(x1 - x0) > 3 or abs(x1 - x0) <= 1 and abs(y1 - y0) > 3:
            _segment((x0, y0), (x1, y1), transform, hs, vs)


def _segment(a, b, transform, hs, vs) -> None:
    x0, t, x1, bt = transform(min(a[0], b[0]), max(a[1], b[1]), max(a[0], b[0]), min(a[1], b[1]))
    if abs(bt - t) <= 1 and x1 - x0 > 3:
        hs.append(((t + bt) / 2, x0, x1))
    elif abs(x1 - x0) <= 1 and bt - t > 3:
        vs.append(((x0 + x1) / 2, t, bt))


# --- ruled tables ----------------------------------------------------------------


@dataclass
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    hs: list[tuple[float, float, float]]
    vs: list[tuple[float, float, float]]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def _grids(hs, vs) -> list[Grid]:
    """Connected sets of horizontal and vertical lines that make a table (at least 2
    of each)."""
    n_h = len(hs)
    parent = list(range(n_h + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for j, (vx, vy0, vy1) in enumerate(vs):
        for i, (hy, hx0, hx1) in enumerate(hs):
            if hx0 - _TOL <= vx <= hx1 + _TOL and vy0 - _TOL <= hy <= vy1 + _TOL:
                a, b = find(i), find(n_h + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list, list]] = {}
    for i in range(n_h + len(vs)):
        g = groups.setdefault(find(i), ([], []))
        (g[0].append(hs[i]) if i < n_h else g[1].append(vs[i - n_h]))
    out = []
    for g_h, g_v in groups.values():
        xs = _cluster([v[0] for v in g_v])
        ys = _cluster([h[0] for h in g_h])
        if len(xs) >= 2 and len(ys) >= 2:
            out.append(Grid(xs, ys, g_h, g_v))
    return out


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= _TOL:
            continue
        out.append(v)
    return out


def _at(segments, positions: list[float]) -> list[list[tuple[float, float]]]:
    """For each boundary position, the extents (a, b) of the segments lying on it."""
    out: list[list[tuple[float, float]]] = [[] for _ in positions]
    for pos, a, b in segments:
        k = bisect_right(positions, pos + _TOL) - 1
        if k >= 0 and abs(positions[k] - pos) <= _TOL:
            out[k].append((a, b))
    return out


def _crossed(extents: list[tuple[float, float]], mids: list[float]) -> set[int]:
    """Indices of the `mids` that one of the segments' extents covers."""
    out: set[int] = set()
    for a, b in extents:
        out.update(range(bisect_left(mids, a - _TOL), bisect_right(mids, b + _TOL)))
    return out


def _grid_rows(grid: Grid, chars: list) -> list[list[str]]:
    """The grid's rows of cell texts; a merged cell's text sits in its first cell."""
    xs, ys = grid.xs, grid.ys
    n_r, n_c = len(ys) - 1, len(xs) - 1
    # anchor[r][c]: the cell whose text this grid cell shows (itself unless merged).
    anchor = [[(r, c) for c in range(n_c)] for r in range(n_r)]
    # Which cells each grid line separates: the rows a vertical line crosses the middle
    # of, the columns a horizontal one does.
    row_mid = [(ys[r] + ys[r + 1]) / 2 for r in range(n_r)]
    col_mid = [(xs[c] + xs[c + 1]) / 2 for c in range(n_c)]
    v_cut = [_crossed(extents, row_mid) for extents in _at(grid.vs, xs)]
    h_cut = [_crossed(extents, col_mid) for extents in _at(grid.hs, ys)]
    for r in range(n_r):
        for c in range(n_c):
            if c > 0 and r not in v_cut[c]:
                anchor[r][c] = anchor[r][c - 1]
            if r > 0 and c not in h_cut[r] and anchor[r][c] == (r, c):
                anchor[r][c] = anchor[r - 1][c]
    buckets: dict[tuple[int, int], list] = {}
    for ch in chars:
        cx, cy = (ch[1] + ch[3]) / 2, (ch[2] + ch[4]) / 2
        r, c = bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1
        if 0 <= r < n_r and 0 <= c < n_c:
            buckets.setdefault(anchor[r][c], []).append(ch)
    rows = [[""] * n_c for _ in range(n_r)]
    for (r, c), cell in buckets.items():
        rows[r][c] = _cell_text(cell)
    return [row for row in rows if any(row)]


def _cell_text(pieces: list) -> str:
    """The pieces of one cell in reading order (wrapped lines joined)."""
    if len(pieces) == 1:
        return pieces[0][0]
    out = []
    for line in _group_lines(pieces):
        text, x1 = line[0][0], line[0][3]
        for p in line[1:]:
            text += (" " if p[5] or p[1] - x1 > 0.4 * (p[4] - p[2]) else "") + p[0]
            x1 = p[3]
        out.append(text)
    return "".join(out)


def _group_lines(chars: list) -> list[list]:
    """Characters grouped into lines (by vertical overlap), each sorted left to right."""
    out: list[list] = []
    last_mid = last_h = None
    for ch in sorted(chars, key=lambda c: ((c[2] + c[4]) / 2, c[1])):
        mid, h = (ch[2] + ch[4]) / 2, ch[4] - ch[2]
        if out and abs(mid - last_mid) <= 0.45 * max(h, last_h):
            out[-1].append(ch)
        else:
            out.append([ch])
            last_mid, last_h = mid, h
    for line in out:
        line.sort(key=lambda c: c[1])
    return out


# --- lines, runs and tables without rules -----------------------------------------


def _lines(pieces: list, page: int) -> list[Line]:
    out = []
    for group in _group_lines(pieces):
        heights = sorted(p[4] - p[2] for p in group)
        h = heights[len(heights) // 2] or 1.0
        runs: list[tuple[float, float, str]] = []
        x0, x1, text = group[0][1], group[0][3], group[0][0]
        for p in group[1:]:
            gap = p[1] - x1
            if gap > 0.9 * h:  # a wide gap: a new run (a table cell)
                runs.append((x0, x1, text))
                x0, text = p[1], p[0]
            else:
                text += (" " if p[5] or gap > 0.4 * h else "") + p[0]
            x1 = max(x1, p[3])
        runs.append((x0, x1, text))
        out.append(Line(min(p[2] for p in group), max(p[4] for p in group), runs, page, h, group))
    return out


def _micro_runs(line: Line, explode) -> list[tuple[float, float, str]]:
    """The line's runs split wherever characters stand apart without a space between
    them: cells of a table without rules may be printed only a few points apart
    (表10 | 2024年…), closer than the gap that separates runs of prose."""
    chars = sorted((c for p in line.pieces for c in explode(p)), key=lambda c: c[1])
    h = line.height
    runs: list[list] = []
    for c in chars:
        if runs:
            gap = c[1] - runs[-1][1]
            if gap <= 0.9 * h and (c[5] or gap <= 0.3 * h):
                runs[-1][2] += (" " if c[5] or gap > 0.4 * h else "") + c[0]
                runs[-1][1] = max(runs[-1][1], c[3])
                continue
        runs.append([c[1], c[3], c[0]])
    return [tuple(r) for r in runs]


def _unruled_rows(lines: list[Line], explode, prior: list | None = None) -> tuple[list[list[str]], list]:
    """Rows of a table without rules, and its columns. Columns come from the fullest
    lines' runs (a run that spans several columns, a merged header, goes to the first),
    or from the part of the table on the page before (`prior`) where its rows fit them:
    a continuation may have whole columns empty. Lines closer together than the table's
    usual row pitch are one row whose cells wrapped."""
    runs = [_micro_runs(ln, explode) for ln in lines]
    full = max(len(r) for r in runs)
    spans = sorted([a, b] for r in runs if len(r) == full for a, b, _ in r)
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1] + 1:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    cols = _alternatives_merged(cols, runs)
    if prior and len(prior) > len(cols) and _fits(prior, runs):
        cols = prior
    step = _row_break(lines)
    rows: list[list[str]] = []
    last_top = None
    for ln, line_runs in zip(lines, runs):
        if last_top is None or ln.top - last_top >= step:
            rows.append([""] * len(cols))
        last_top = ln.top
        row = rows[-1]
        for a, b, text in line_runs:
            c = _column_of(cols, a, b)
            row[c] = (row[c] + text) if row[c] else text
    return rows, cols


def _fits(cols: list, runs: list[list]) -> bool:
    """Whether every run of the lines with figures overlaps one of the columns, no two
    runs of a line the same one (headers, centred, may not)."""
    for line_runs in runs:
        if not any(_NUMERIC.match(t) for _, _, t in line_runs):
            continue
        seen = set()
        for a, b, _ in line_runs:
            c = next((k for k, (ca, cb) in enumerate(cols) if a <= cb + 1 and b >= ca - 1), None)
            if c is None or c in seen:
                return False
            seen.add(c)
    return True


def _column_of(cols: list[list[float]], a: float, b: float) -> int:
    """The first column a run [a, b] overlaps, else the nearest on its left."""
    c = next((k for k, (ca, cb) in enumerate(cols) if a <= cb + 1 and b >= ca - 1), None)
    if c is None:
        c = max((k for k, (ca, _) in enumerate(cols) if ca <= a), default=0)
    return c


def _alternatives_merged(cols: list[list[float]], runs: list[list]) -> list[list[float]]:
    """Neighbouring columns that no line fills both of are one column printed at two
    places (a centred header over left-aligned labels)."""
    k = 0
    while k + 1 < len(cols):
        used = [{_column_of(cols, a, b) for a, b, _ in r} for r in runs]
        if not any(k in u and k + 1 in u for u in used):
            cols[k : k + 2] = [[cols[k][0], max(cols[k][1], cols[k + 1][1])]]
        else:
            k += 1
    return cols


def _table_spans(lines: list[Line]) -> list[tuple[int, int]]:
    """Line ranges that are tables without rules: lines of several runs; between, before
    and after them, lines of a single cell (a row whose other cells are empty) that keep
    the row pitch and line up with a column; and the lines of a first or last row whose
    cells wrapped (closer together than the row pitch)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not _is_row(lines[i]):
            i += 1
            continue
        j, last_row = i + 1, i
        edges = _edges(lines[i])
        while j < len(lines):
            ln = lines[j]
            # A row apart at most (a header of wrapped cells has a shorter pitch than the body).
            pitch = _pitch(lines[i : last_row + 1]) if last_row > i else 0.0
            if ln.top - lines[j - 1].top > max(1.3 * pitch, 2.6 * ln.height):
                break
            if _is_row(ln):
                last_row = j
                edges |= _edges(ln)
            elif not _one_cell(ln, edges) or j - last_row > 40:
                break
            j += 1
        j = last_row + 1
        if j - i >= 2:
            pitch, step = _pitch(lines[i:j]), _row_break(lines[i:j])
            lo = spans[-1][1] if spans else 0
            while i > lo and (
                lines[i].top - lines[i - 1].top < step
                or (lines[i].top - lines[i - 1].top < 1.3 * pitch and _one_cell(lines[i - 1], edges))
            ):
                i -= 1
            first_col = min(ln.x0 for ln in lines[i:j])
            while j < len(lines) and (
                lines[j].top - lines[j - 1].top < step
                or (  # single cells of the last rows: in an inner column (prose starts at the first)
                    lines[j].top - lines[j - 1].top < 1.3 * pitch
                    and lines[j].x0 > first_col + 1
                    and _one_cell(lines[j], edges)
                )
            ):
                j += 1
            spans.append((i, j))
        i = j
    return spans


def _edges(line: Line) -> set[int]:
    """Where the line's runs start and end (to the point): the columns' alignment."""
    return {round(x) for a, b, _ in line.runs for x in (a, b)}


def _one_cell(line: Line, edges: set[int]) -> bool:
    """A line of one run that starts or ends where the table's cells do (a centred
    title or a paragraph does not)."""
    if len(line.runs) != 1 or _STARTS_BLOCK.match(line.text):
        return False
    a, b, _ = line.runs[0]
    return any(round(x) + d in edges for x in (a, b) for d in (-1, 0, 1))


def _pitch(lines: list[Line]) -> float:
    """The usual distance from one line's top to the next's (the lines of a header whose
    cells wrapped, centred at half steps, do not count where there are others)."""
    h = min((ln.height for ln in lines), default=0.0)
    steps = sorted(b.top - a.top for a, b in zip(lines, lines[1:]))
    steps = [x for x in steps if x >= 0.8 * h] or steps
    return steps[len(steps) // 2] if steps else 0.0


def _row_break(lines: list[Line]) -> float:
    """The step from one line to the next at which a new row starts. Lines of a wrapped
    cell follow each other at the leading; rows add the cells' padding. Where both
    steps recur, the break lies between them; else rows are single lines, and a
    shorter step than three quarters of the usual one is a wrapped line."""
    h = min((ln.height for ln in lines), default=0.0)
    steps = [round(b.top - a.top, 1) for a, b in zip(lines, lines[1:])]
    common = sorted({x for x in steps if x >= 0.8 * h and steps.count(x) >= 2})
    if common:
        rows = [x for x in common if x >= 1.15 * common[0]]
        if rows:
            return (common[0] + rows[0]) / 2
    return 0.75 * _pitch(lines)


def _is_row(line: Line) -> bool:
    return len(line.runs) >= 2


def _page_blocks(grids: list[Grid], chars: list, number: int, explode, prior: list | None = None) -> list[Block]:
    """The page's blocks. `prior`: the columns of a table without rules that ended the
    page before, for a continuation at the top of this one."""
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
    spans = _table_spans(lines)
    starts = dict(spans)
    i = 0
    while i < len(lines):
        if i in starts:
            rows, cols = _unruled_rows(lines[i : starts[i]], explode, prior if i <= 2 and i == spans[0][0] else None)
            blocks.append(Block("table", lines[i].top, number, rows=rows, cols=cols))
            i = starts[i]
            continue
        blocks.append(Block("text", lines[i].top, number, lines=[lines[i]]))
        i += 1
    blocks.sort(key=lambda b: b.top)
    return blocks


# --- running headers and footers, paragraphs, continued tables ------------------------


def _edge_texts(blocks: list[Block], height: float) -> set[str]:
    """Texts in the top and bottom margins of a page, digits removed (page numbers vary);
    their blocks are marked as in the margin."""
    out = set()
    zone = max(0.09 * height, 54.0)  # page margins are rarely under 2 cm
    for b in blocks:
        if b.kind == "text":
            ln = b.lines[0]
            if (ln.bottom < zone or ln.top > height - zone) and not _STARTS_BLOCK.match(ln.text):
                b.margin = True
                out.add(_DIGITS.sub("#", ln.text.replace(" ", "")))
    return out


def _drop_running_text(blocks: list[Block], edges: list[set[str]]) -> list[Block]:
    """Blocks without page numbers and without text repeated in the margins of most
    pages (the same text elsewhere on a page, a cover's title, stays)."""
    counts: dict[str, int] = {}
    for e in edges:
        for t in e:
            counts[t] = counts.get(t, 0) + 1
    n = len(edges)
    running = {t for t, k in counts.items() if n >= 2 and k >= max(2, (n + 1) // 2)}
    out = []
    for b in blocks:
        if b.margin:
            t = b.lines[0].text.replace(" ", "")
            if _PAGE_NUMBER.match(t) or _DIGITS.sub("#", t) in running:
                continue
        out.append(b)
    return out


def _emit(blocks: list[Block], widths: dict[int, float]) -> tuple[list[str], list[int]]:
    """Text lines and their pages: paragraphs joined across wrapped lines and page
    breaks, tables as tab-separated rows, continued tables joined."""
    lines: list[str] = []
    pages: list[int] = []
    # Body margins per page, from the text lines.
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    for b in blocks:
        if b.kind == "text":
            ln = b.lines[0]
            left[b.page] = min(left.get(b.page, ln.x0), ln.x0)
            right[b.page] = max(right.get(b.page, ln.x1), ln.x1)
    for page, x in left.items():  # margins are symmetric: a page of short lines is not narrow
        right[page] = max(right[page], widths[page] - x)
    prev: Block | None = None
    open_line: Line | None = None  # the last text line, if a paragraph may continue
    last_table: list[list[str]] | None = None
    last_page_of_table = None
    titled = False  # a 表N, 单位 or title line since the last table
    last_page = None
    for b in blocks:
        if b.page != last_page and last_page is not None:
            lines.append("\f")
            pages.append(b.page)
        last_page = b.page
        if b.kind == "table":
            width = len(b.rows[0]) if b.rows else 0
            if (
                last_table
                and len(last_table[0]) == width
                and b.page != last_page_of_table
                and (
                    (prev is not None and prev.kind == "table" and prev.page != b.page)
                    or (not titled and b.rows[0] == last_table[0] and len(b.rows) > 1 and b.rows[1] == last_table[1])
                )
            ):  # first on its page after a table of as many columns, or repeating its header untitled
                rows = _without_repeated_header(b.rows, last_table)  # a table continued from the last page
                if lines and lines[-1] == "\f":
                    lines.pop()
                    pages.pop()
                if rows and _split_row(rows[0], lines[-1].split("\t")):  # a row broken by the page
                    lines[-1] = "\t".join(a + b for a, b in zip(lines[-1].split("\t"), rows[0]))
                    rows = rows[1:]
            else:
                rows = b.rows
                last_table = b.rows
            last_page_of_table, titled = b.page, False
            for row in rows:
                lines.append("\t".join(row))
                pages.append(b.page)
            open_line = None
            prev = b
            continue
        ln = b.lines[0]
        text = ln.text.strip()
        titled = titled or bool(_STARTS_BLOCK.match(text)) or text.endswith("表")
        if open_line is not None and _continues(open_line, ln, right, left):
            if lines and lines[-1] == "\f":  # a paragraph running on over a page break
                lines.pop()
                pages.pop()
            lines[-1] += text
        else:
            lines.append(text)
            pages.append(b.page)
        open_line = ln
        prev = b
    return lines, pages


def _continues(prev: Line, nxt: Line, right: dict[int, float], left: dict[int, float]) -> bool:
    """Whether `nxt` is the wrapped continuation of the paragraph line `prev`."""
    t = nxt.text.strip()
    if not t or HEADING.match(t) or _STARTS_BLOCK.match(t) or prev.text.rstrip()[-1:] in _ENDS:
        return False
    h = max(prev.height, nxt.height)
    if h > 1.15 * min(prev.height, nxt.height):
        return False  # a title above body text
    lo, hi = left.get(prev.page, prev.x0), right.get(prev.page, prev.x1)
    close = nxt.page != prev.page or nxt.top - prev.bottom <= 1.2 * h
    middle = (lo + hi) / 2
    if nxt.x0 > lo + 2.5 * h and abs((nxt.x0 + nxt.x1) / 2 - middle) < h:  # a long title wraps centred
        centred = abs((prev.x0 + prev.x1) / 2 - middle) < h
        return centred and prev.x1 - prev.x0 > 0.7 * (hi - lo) and nxt.page == prev.page and close
    if prev.x0 > lo + 2.5 * h:
        return False  # a centred line above body text
    full = prev.x1 >= hi - 2.5 * h  # prev ran to the right margin
    flush = nxt.x0 <= left.get(nxt.page, nxt.x0) + 0.5 * h  # nxt is not indented
    return full and flush and close


_ROW_START = re.compile(
    r"^\s*(?:表\s*\d|(?:指标|目标)\s*\d|[(（]?\s*[\d一二三四五六七八九十]+\s*[)）、.]|其中|合计|小计|总计|本年|上年|[0-9]{3,})"
)


def _split_row(row: list[str], above: list[str]) -> bool:
    """Whether `row`, first on a page, is the rest of the row `above` that the page
    break cut (its wrapped cells continue there): only text, each piece under a text
    cell of the row above, not starting like a row of its own (1、 (2) 其中 合计 …)."""
    cells = [(c, a) for c, a in zip(row, above) if c]
    if not cells or len(row) != len(above):
        return False
    if not all(a and not _NUMERIC.match(c) and not _NUMERIC.match(a) for c, a in cells):
        return False
    # The row's label decides where it has one: （一） may end a wrapped label elsewhere.
    starts = [c for c, _ in cells if _ROW_START.match(c)]
    return not starts or bool(row[0] and not _ROW_START.match(row[0]))


def _without_repeated_header(rows: list[list[str]], first: list[list[str]]) -> list[list[str]]:
    k = 0
    while k < len(rows) and k < len(first) and rows[k] == first[k] and not any(_NUMERIC.match(c) for c in rows[k] if c):
        k += 1
    return rows[k:]
