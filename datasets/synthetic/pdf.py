"""Render disclosure text as a PDF laid out the way county budget disclosures are published.

``render_pdf(text, layout)`` takes the final text of one disclosure (what the generator
writes as .txt, or any such text: narrative paragraphs separated by blank lines, tables as
tab-separated or markdown pipe rows) and returns PDF bytes. ``draw_layout(rng)`` picks the
layout of one document: ruled, half-ruled or unruled tables, wide tables on landscape pages
(sometimes portrait pages carrying /Rotate 90) or in a smaller font, headers repeated or not
when a table runs over a page, page footers, a running header, first-line indents and
sometimes an image-only "scanned" page with a seal.

The text is drawn exactly as given: every character of every line, one visual line per
soft line break, paragraphs and tables as datasets.synthetic.blocks splits them. Lines
are broken to the page with a small CJK line breaker (never inside a number, no closing
punctuation at a line start). Paragraphs and tables are small platypus
flowables that write their text straight into the page's content stream: reportlab's
Paragraph and Table are about three times slower on these documents.

Fonts: reportlab's built-in CID font STSong-Light, so no system font is needed. It has no
bold face; headings are drawn with fill and stroke (text render mode 2), as office
software does for a missing bold.
"""

from __future__ import annotations

import io
import math
import random
import re
from dataclasses import dataclass
from functools import partial
from itertools import repeat

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Flowable, Frame, PageBreak, PageTemplate, Spacer
from reportlab.platypus.doctemplate import NextPageTemplate

from datasets.synthetic.blocks import CONTENTS, PART, SECTION, TABLE_NO, blocks, header_cells, header_rows

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
_WIDTHS = pdfmetrics.getFont(FONT).unicodeWidths  # char -> width in 1/1000 em (default 1000)

PORTRAIT = A4
LANDSCAPE = landscape(A4)
WIDE_COLUMNS = 7  # a table with this many columns or more is "wide"


@dataclass(frozen=True)
class Layout:
    ruled: str  # tables: "grid" (every cell ruled) | "rules" (top and bottom rule only) | "none"
    wide: str  # tables of >= 7 columns: "landscape" | "rotated" (portrait + /Rotate 90) | "shrink"
    repeat_header: bool  # repeat a table's header rows after a page break
    footer: str  # "dash" (- N -) | "total" (第 N 页 共 M 页)
    running_header: bool  # the unit name above a rule at the top of every page
    indent: bool  # first-line indent of two characters in body paragraphs
    font_size: float  # body text size in points
    leading: float  # line height as a multiple of the font size
    table_break: bool  # every table starts on a new page (else tables flow with the text)
    scanned_page: str | None  # None | "first" | "last": one image-only page with a seal

    def describe(self) -> dict:
        """The layout as recorded in labels.json."""
        return {
            "ruled": self.ruled,
            "landscape": self.wide != "shrink",
            "rotated": self.wide == "rotated",
            "repeat_header": self.repeat_header,
            "footer": "- N -" if self.footer == "dash" else "第 N 页 共 M 页",
            "running_header": self.running_header,
            "indent": self.indent,
            "font_size": self.font_size,
            "table_page_break": self.table_break,
            "scanned_page": self.scanned_page,
        }


def draw_layout(rng) -> Layout:
    """A document's layout, drawn from rng (shares in docs/labels.md)."""
    r = rng.random()
    ruled = "grid" if r < 0.7 else "rules" if r < 0.85 else "none"
    r = rng.random()
    wide = "landscape" if r < 0.4 else "rotated" if r < 0.55 else "shrink"
    repeat_header = rng.random() < 0.5
    footer = "dash" if rng.random() < 0.6 else "total"
    running_header = rng.random() < 0.3
    indent = rng.random() < 0.6
    font_size = rng.choice((10.5, 12.0, 12.0))
    leading = rng.choice((1.5, 1.75))
    table_break = rng.random() < 0.5
    r = rng.random()
    scanned = "last" if r < 0.05 else "first" if r < 0.08 else None
    return Layout(ruled, wide, repeat_header, footer, running_header, indent, font_size, leading, table_break, scanned)


@dataclass
class PdfResult:
    data: bytes
    pages: int
    anchor_pages: dict[str, int]  # anchor name -> 1-based page where that spot of the text was drawn
    landscape_pages: list[int]  # landscape pages, whether drawn so or as portrait + /Rotate 90
    split_tables: int  # tables drawn over more than one page


# --- line breaking ------------------------------------------------------------------------

_CLOSE = "，。、；：？！）》」』】〕”’％,.;:?!)]%"
# A token is a run of Latin letters/digits (a number is never broken) or one other
# character, with any closing punctuation after it (so none starts a line).
_TOKEN = re.compile(rf"(?:[0-9A-Za-z.,%+\-_/\\$#@&=*']+|.)[{re.escape(_CLOSE)}]*", re.S)


def _width(s: str) -> float:
    """Width of s at size 1."""
    return sum(map(_WIDTHS.get, s, repeat(1000))) / 1000.0


def _hex(s: str) -> str:
    """s as a PDF hex string in the font's encoding (UniGB-UCS2-H: UTF-16BE code units)."""
    return "<" + s.encode("utf-16-be").hex() + ">"


def _break(s: str, width: float) -> list[tuple[int, int]]:
    """(start, end) of each line of s broken to width (in size-1 units)."""
    if _width(s) <= width:
        return [(0, len(s))]
    out, start, x = [], 0, 0.0
    for m in _TOKEN.finditer(s):
        w = _width(m.group())
        if x + w > width and m.start() > start:
            out.append((start, m.start()))
            start, x = m.start(), 0.0
        if w > width:  # a token wider than the line: cut it by characters
            for i in range(m.start(), m.end()):
                cw = _WIDTHS.get(s[i], 1000) / 1000.0
                if x + cw > width and i > start:
                    out.append((start, i))
                    start, x = i, 0.0
                x += cw
        else:
            x += w
    out.append((start, len(s)))
    return out


# --- flowables ----------------------------------------------------------------------------


class _Tracker:
    """Collects, while the document is drawn, the page of each anchor and of each table."""

    def __init__(self) -> None:
        self.anchor_pages: dict[str, int] = {}
        self.table_pages: dict[int, set[int]] = {}
        self.page_kinds: dict[int, str] = {}
        self.pages = 0


class TextBlock(Flowable):
    """Lines of text (one paragraph, heading or caption) broken to the frame width.

    lines: (line number, text) of the source lines; each starts a new visual line.
    anchors: (name, line number, column): the page where that character lands is recorded.
    """

    def __init__(self, lines, size, leading, tracker, indent=0.0, align="left", bold=False, anchors=()):
        super().__init__()
        self.lines, self.size, self.lead = lines, size, leading
        self.tracker, self.indent, self.align, self.bold = tracker, indent, align, bold
        length = dict(lines)
        self.anchors = [(name, line, min(col, len(length[line]) - 1)) for name, line, col in anchors]
        self.caption = len(lines) == 1 and len(lines[0][1]) <= 60
        self._vis = None  # visual lines: (line number, start, end, text, x offset)
        self._aw = None

    def _layout(self, aw: float) -> list:
        vis = []
        for k, (no, text) in enumerate(self.lines):
            first = self.indent * self.size if k == 0 else 0.0
            spans = _break(text, (aw - first) / self.size)
            if first and len(spans) > 1:  # the lines after an indented one get the full width
                a = spans[0][1]
                spans = spans[:1] + [(a + x, a + y) for x, y in _break(text[a:], aw / self.size)]
            for j, (a, b) in enumerate(spans):
                vis.append((no, a, b, text[a:b], first if j == 0 else 0.0))
        return vis

    @classmethod
    def _part(cls, other: TextBlock, vis: list) -> TextBlock:
        """A piece of a split block: its visual lines are fixed (it has no source lines)."""
        t = cls([], other.size, other.lead, other.tracker, other.indent, other.align, other.bold)
        t.anchors, t._vis, t._aw = other.anchors, vis, other._aw
        return t

    def wrap(self, aw, ah):
        if self._vis is None or (self.lines and aw != self._aw):
            self._vis, self._aw = self._layout(aw), aw
        self.width = aw
        self.height = len(self._vis) * self.lead
        return aw, self.height

    def split(self, aw, ah):
        self.wrap(aw, ah)
        k = int(ah // self.lead)
        if k < 1 or k >= len(self._vis):
            return []
        return [self._part(self, self._vis[:k]), self._part(self, self._vis[k:])]

    def draw(self):
        canv, size = self.canv, self.size
        canv.setFont(FONT, size)  # puts the font in the page's resources
        font = canv._doc.getInternalFontName(FONT)
        ops = []
        if self.bold:
            ops.append(f"2 Tr {size * 0.035:.2f} w")
        ops.append(f"BT {font} {size:g} Tf")
        y = self.height - size * 0.88
        page = canv.getPageNumber()
        for no, a, b, text, x in self._vis:
            if self.align != "left":
                w = _width(text) * size
                x = (self.width - w) / 2 if self.align == "center" else self.width - w
            ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm {_hex(text)} Tj")
            y -= self.lead
            for name, line, col in self.anchors:
                if line == no and a <= col < b:
                    self.tracker.anchor_pages[name] = page
        ops.append("ET")
        canv.addLiteral("\n".join(ops))


_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[%％]?")
_CODE_HEADER = re.compile(r"编码|代码|序号|编号")


class TableBlock(Flowable):
    """A table: header rows (empty cells continue the cell on their left as one span), body
    rows, text cells left, amounts right; ruled as a grid, by a top and bottom rule, or not.

    rows: the cells of each row (padded to one width); lines: the source line of each row;
    anchors: (name, line number). A table splits between rows, and inside a row only when
    that row alone is taller than MAX_ROW.
    """

    PAD = 3.0
    MAX_ROW = 400.0  # points; less than the shortest frame

    def __init__(self, rows, lines, size, layout, tracker, anchors=()):
        super().__init__()
        self.rows, self.lines, self.size = rows, lines, size
        self.layout, self.tracker, self.anchors = layout, tracker, list(anchors)
        self.ncols = len(rows[0])
        # at most two header rows (the ones repeated over a page break), and a body row
        hdr = min(header_rows(rows), 2, len(rows) - 1)
        self.header = hdr
        self.spans = {(r, c): n for r in range(hdr) for c, _, n in header_cells(rows[r]) if n > 1}
        code_cols = {c for c in range(self.ncols) if _CODE_HEADER.search(rows[0][c])}
        self.right = [
            [r >= hdr and c not in code_cols and bool(_NUMBER.fullmatch(v)) for c, v in enumerate(row)]
            for r, row in enumerate(rows)
        ]
        self.id = id(self)
        self.part = None  # the visual rows this piece draws (None: all of them)
        self._geom = None  # (width, size, column widths, cell lines, visual rows, their heights)

    # layout -------------------------------------------------------------------------
    def _columns(self, aw: float, size: float) -> list[float] | None:
        """Column widths filling aw, or None when even wrapped text cannot fit."""
        pad = 2 * self.PAD
        nat, need = [pad + 6.0] * self.ncols, [pad + 6.0] * self.ncols
        for r, row in enumerate(self.rows):
            for c, v in enumerate(row):
                if not v or (r, c) in self.spans:
                    continue
                w = _width(v) * size + pad
                nat[c] = max(nat[c], w)
                if self.right[r][c] or len(v) <= 4:
                    need[c] = max(need[c], w)
                else:
                    need[c] = max(need[c], min(w, 4 * size + pad))
        if sum(nat) <= aw:
            k = aw / sum(nat)
            return [w * k for w in nat]
        if sum(need) > aw:
            return None
        extra = [n - m for n, m in zip(nat, need)]
        k = (aw - sum(need)) / sum(extra)
        return [m + e * k for m, e in zip(need, extra)]

    def _layout(self, aw: float):
        size = self.size
        cols = self._columns(aw, size)
        while cols is None and size > 5.0:
            size -= 0.5
            cols = self._columns(aw, size)
        if cols is None:
            cols = [aw / self.ncols] * self.ncols
        lead, pad = size * 1.25, self.PAD
        most = max(1, int((self.MAX_ROW - 2 * pad) // lead))  # lines in one visual row
        cells, vrows, heights = [], [], []
        for r, row in enumerate(self.rows):
            out, n = [], 1
            for c, v in enumerate(row):
                w = sum(cols[c : c + self.spans.get((r, c), 1)]) - 2 * pad
                parts = [v[a:b] for a, b in _break(v, w / size)] if v else []
                out.append(parts)
                n = max(n, len(parts))
            cells.append(out)
            for lo in range(0, n, most):
                hi = min(n, lo + most)
                vrows.append((r, lo, hi))
                heights.append((hi - lo) * lead + 2 * pad)
        return aw, size, cols, cells, vrows, heights

    def wrap(self, aw, ah):
        if self._geom is None or (self.part is None and self._geom[0] != aw):
            self._geom = self._layout(aw)
        heights = self._geom[5]
        self.width = aw
        self.height = sum(heights) if self.part is None else sum(heights[v] for v in self.part)
        return aw, self.height

    def split(self, aw, ah):
        self.wrap(aw, ah)
        vrows, heights = self._geom[4], self._geom[5]
        part = list(range(len(vrows))) if self.part is None else self.part
        used, k = 0.0, 0
        while k < len(part) and used + heights[part[k]] <= ah:
            used += heights[part[k]]
            k += 1
        if k == len(part):
            return [self]
        if k == 0 or vrows[part[k - 1]][0] < self.header:  # not even one body row fits here
            return []
        rest = part[k:]
        if self.layout.repeat_header and self.header:
            rest = [v for v, (r, _, _) in enumerate(vrows) if r < self.header] + rest
        return [self._piece(part[:k]), self._piece(rest)]

    def _piece(self, part: list[int]) -> TableBlock:
        t = TableBlock.__new__(TableBlock)
        t.__dict__.update(self.__dict__)
        t.__dict__.pop("_postponed", None)  # platypus's "already moved once" flag is not the piece's
        t.part = part
        return t

    # drawing ------------------------------------------------------------------------
    def draw(self):
        canv = self.canv
        _, size, cols, cells, vrows, heights = self._geom
        canv.setFont(FONT, size)
        font = canv._doc.getInternalFontName(FONT)
        page = canv.getPageNumber()
        self.tracker.table_pages.setdefault(self.id, set()).add(page)
        xs = [0.0]
        for w in cols:
            xs.append(xs[-1] + w)
        lead, pad = size * 1.25, self.PAD
        grid = self.layout.ruled == "grid"
        text = [f"BT {font} {size:g} Tf"]
        rules = ["0.6 w"]
        top = y = self.height
        for v in range(len(vrows)) if self.part is None else self.part:
            r, lo, hi = vrows[v]
            h = heights[v]
            header = r < self.header
            for c, lines in enumerate(cells[r]):
                span = self.spans.get((r, c), 1)
                if c and header and self.rows[r][c] == "" and self._covered(r, c):
                    continue
                x0, x1 = xs[c], xs[c + span]
                lines = lines[lo:hi]
                ty = y - pad - size * 0.88
                if header:  # centred both ways
                    ty -= (h - 2 * pad - len(lines) * lead) / 2
                for s in lines:
                    w = _width(s) * size
                    if header:
                        x = (x0 + x1 - w) / 2
                    elif self.right[r][c]:
                        x = x1 - pad - w
                    else:
                        x = x0 + pad
                    text.append(f"1 0 0 1 {x:.2f} {ty:.2f} Tm {_hex(s)} Tj")
                    ty -= lead
                if grid and c:
                    rules.append(f"{x0:.2f} {y:.2f} m {x0:.2f} {y - h:.2f} l")
            if grid:
                rules.append(f"0 {y:.2f} m {xs[-1]:.2f} {y:.2f} l")
            if lo == 0:
                for name, line in self.anchors:
                    if line == self.lines[r]:
                        self.tracker.anchor_pages[name] = page
            y -= h
        if grid:
            rules.append(f"0 {y:.2f} m {xs[-1]:.2f} {y:.2f} l")
            rules.append(f"0 {top:.2f} m 0 {y:.2f} l {xs[-1]:.2f} {top:.2f} m {xs[-1]:.2f} {y:.2f} l")
        elif self.layout.ruled == "rules":
            rules.append(f"1 w 0 {top:.2f} m {xs[-1]:.2f} {top:.2f} l 0 {y:.2f} m {xs[-1]:.2f} {y:.2f} l")
        text.append("ET")
        ops = text + ([" ".join(rules) + " S"] if len(rules) > 1 else [])
        canv.addLiteral("\n".join(ops))

    def _covered(self, r: int, c: int) -> bool:
        """Whether header cell (r, c) lies inside a span starting on its left."""
        for c0 in range(c - 1, -1, -1):
            n = self.spans.get((r, c0))
            if n:
                return c0 + n > c
        return False


# --- styles of text blocks ---------------------------------------------------------------

_SUBSECTION = re.compile(r"[（(][一二三四五六七八九十]+[）)]")
_TABLE_TITLE = re.compile(r"\d{4}\s*年.*表(?:[（(].*[）)])?")
_LIST = re.compile(r"\s*(?:[-*•·]\s|\d+[.、]\s*\S{1,30}$)")
_UNIT_LINE = re.compile(r"(?:金额)?单位[：:].{0,8}")


def _style(lines: list[tuple[int, str]], first: bool) -> tuple[float, str, bool, bool]:
    """(size step, alignment, bold, indent) of a text block, judged from its wording."""
    if first and len(lines) <= 3 and all(len(t) <= 40 for _, t in lines):
        return 6, "center", True, False
    if all(_LIST.match(t) for _, t in lines):
        return 0, "left", False, False
    if len(lines) > 1:
        return 0, "left", False, True
    t = lines[0][1].strip()
    if len(t) > 40:
        return 0, "left", False, True
    if CONTENTS.match(t) or PART.match(t):
        return 4, "center", True, False
    if _TABLE_TITLE.fullmatch(t):
        return 2, "center", True, False
    if SECTION.match(t) and len(t) <= 30:
        return 1, "left", True, False
    if _SUBSECTION.match(t) and len(t) <= 30:
        return 0, "left", True, False
    if TABLE_NO.match(t):
        return 0, "left", True, False
    if _UNIT_LINE.fullmatch(t):
        return -1.5, "right", False, False
    return 0, "left", False, True


# --- pages --------------------------------------------------------------------------------


class _PagedCanvas(Canvas):
    """Keeps every page until the end so footers can say 第 N 页 共 M 页."""

    def __init__(self, *args, layout: Layout, head: str, tracker: _Tracker, **kw):
        super().__init__(*args, **kw)
        self._layout, self._head, self._kept = layout, head, []
        self._tracker = tracker
        self._kind = "portrait"

    def showPage(self):
        self._kept.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = self._tracker.pages = len(self._kept)
        for state in self._kept:
            self.__dict__.update(state)
            self._decorate(total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _decorate(self, total: int) -> None:
        if self._kind == "scan":
            return
        w, h = LANDSCAPE if self._kind != "portrait" else PORTRAIT
        n = self._pageNumber
        lay = self._layout
        text = f"- {n} -" if lay.footer == "dash" else f"第 {n} 页 共 {total} 页"
        self.setFont(FONT, 9)
        self.drawCentredString(w / 2, 34, text)
        if lay.running_header and self._head:
            self.drawCentredString(w / 2, h - 40, self._head)
            self.setLineWidth(0.5)
            self.line(60, h - 46, w - 60, h - 46)


_SCANS: dict[int, bytes] = {}


def scan_image(variant: int) -> bytes:
    """JPEG of a scanned signature page: lines of 'text', a signature and a red seal."""
    if variant in _SCANS:
        return _SCANS[variant]
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(f"scan:{variant}")
    img = Image.new("RGB", (827, 1169), (246, 245, 240))
    d = ImageDraw.Draw(img)
    d.rectangle((250, 120, 577, 150), fill=(60, 60, 60))  # a title
    y = 230
    for _ in range(rng.randint(8, 14)):
        x = 110 + (40 if rng.random() < 0.3 else 0)
        d.rectangle((x, y, rng.randint(480, 720), y + 14), fill=(90, 90, 90))
        y += 42
    y += 60
    for k in range(3):  # a handwritten signature: a few strokes
        pts = [(480 + i * 14 + k * 5, y + 20 + rng.randint(-14, 14)) for i in range(12)]
        d.line(pts, fill=(30, 30, 80), width=3)
    cx, cy, r = 560 + rng.randint(-30, 30), y + 30, 95
    red = (205, 30, 35)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=7)
    d.ellipse((cx - r + 14, cy - r + 14, cx + r - 14, cy + r - 14), outline=red, width=2)
    star = []
    for i in range(10):
        a = math.pi / 2 + i * math.pi / 5
        rr = 30 if i % 2 == 0 else 12
        star.append((cx + rr * math.cos(a), cy - rr * math.sin(a)))
    d.polygon(star, fill=red)
    for i in range(14):  # the seal's ring of characters, as blocks
        a = math.pi * (0.15 + 0.7 * i / 13) + math.pi
        px, py = cx + 62 * math.cos(a), cy + 62 * math.sin(a)
        d.rectangle((px - 7, py - 7, px + 7, py + 7), fill=red)
    img = img.rotate(rng.uniform(-0.8, 0.8), fillcolor=(246, 245, 240)).filter(ImageFilter.GaussianBlur(0.6))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60)
    _SCANS[variant] = buf.getvalue()
    return _SCANS[variant]


def _templates(layout: Layout, scan_variant: int, tracker: _Tracker) -> dict[str, PageTemplate]:
    pw, ph = PORTRAIT
    lw, lh = LANDSCAPE
    top = 78 if layout.running_header else 66

    def begin(kind):
        def on_page(canv, doc):
            canv._kind = kind
            tracker.page_kinds[canv.getPageNumber()] = kind
            if kind == "rotated":  # landscape content on a portrait page shown with /Rotate 90
                canv.translate(pw, 0)
                canv.rotate(90)
            elif kind == "scan":
                canv.drawImage(ImageReader(io.BytesIO(scan_image(scan_variant))), 0, 0, pw, ph)

        return on_page

    def frame(kind):
        if kind == "portrait":
            return Frame(72, 60, pw - 144, ph - 60 - top, 0, 0, 0, 0, id=kind)
        if kind == "scan":
            return Frame(0, 0, pw, ph, 0, 0, 0, 0, id=kind)
        return Frame(54, 56, lw - 108, lh - 50 - top, 0, 0, 0, 0, id=kind)

    # reportlab takes the displayed size and writes a portrait MediaBox for /Rotate 90
    sizes = {"portrait": PORTRAIT, "landscape": LANDSCAPE, "rotated": LANDSCAPE, "scan": PORTRAIT}
    out = {}
    for kind, size in sizes.items():
        t = PageTemplate(kind, [frame(kind)], begin(kind), pagesize=size)
        t.rotation = 90 if kind == "rotated" else 0
        out[kind] = t
    return out


def _new_page(story: list, template: str) -> None:
    """Continue on a new page of the given template, without ever leaving an empty page."""
    if len(story) >= 2 and isinstance(story[-1], PageBreak) and isinstance(story[-2], NextPageTemplate):
        story[-2] = NextPageTemplate(template)
    else:
        story += [NextPageTemplate(template), PageBreak()]


def render_pdf(text: str, layout: Layout, anchors: dict[str, tuple[int, int]] | None = None) -> PdfResult:
    """Render disclosure text as a PDF with the given layout.

    anchors: name -> (1-based line, 0-based column) of spots in the text whose page is
    wanted (a table row is found by its line alone).
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    tracker = _Tracker()
    by_line: dict[int, list[tuple[str, int, int]]] = {}
    for name, (line, col) in (anchors or {}).items():
        by_line.setdefault(line, []).append((name, line, col))
    size = layout.font_size
    lead = size * layout.leading
    story: list = []
    head = ""
    for i, (kind, block) in enumerate(blocks(text)):
        marks = [a for no, _ in block for a in by_line.get(no, ())]
        if kind == "text":
            if i == 0:
                head = block[0][1].strip()[:40]
            step, align, bold, body = _style(block, i == 0)
            s = size + step
            indent = 2.0 if body and layout.indent else 0.0
            if step >= 2 and story:
                story.append(Spacer(1, lead * 0.3))
            story.append(TextBlock(block, s, s * layout.leading, tracker, indent, align, bold, marks))
            continue
        rows = [cells for _, cells in block]
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        wide = width >= WIDE_COLUMNS
        tsize = 7.0 if wide and layout.wide == "shrink" else min(size - 1.5, 9.5)
        lines = [no for no, _ in block]
        table = TableBlock(rows, lines, tsize, layout, tracker, [(n, line) for n, line, _ in marks])
        captions = []
        n = 0
        while story and n < 3 and isinstance(story[-1], TextBlock) and story[-1].caption:
            captions.insert(0, story.pop())
            n += 1
            if story and isinstance(story[-1], Spacer):
                captions.insert(0, story.pop())
        started = any(isinstance(f, (TextBlock, TableBlock)) for f in story)
        if wide and layout.wide != "shrink" and started:
            _new_page(story, layout.wide)
            story += captions + [table]
            _new_page(story, "portrait")
            continue
        if captions and story and isinstance(story[-1], TableBlock):
            captions.insert(0, Spacer(1, lead * 0.6))
        if story and isinstance(story[-1], PageBreak):
            pass
        elif layout.table_break and any(isinstance(f, TableBlock) for f in story):
            story.append(PageBreak())
        else:
            story.append(CondPageBreak(len(captions) * lead + 4 * tsize * 1.9))
        story += captions + [table]
    if layout.scanned_page == "last":
        _new_page(story, "scan")
        story.append(Spacer(1, 1))
    elif layout.scanned_page == "first":
        story[:0] = [Spacer(1, 1), NextPageTemplate("portrait"), PageBreak()]
    while story and isinstance(story[-1], (PageBreak, NextPageTemplate)):
        story.pop()
    if not story:  # no text at all: still one (empty) page
        story.append(Spacer(1, 1))

    templates = _templates(layout, len(text) % 4, tracker)
    first = "scan" if layout.scanned_page == "first" else "portrait"
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=PORTRAIT, invariant=1, title=head, author="", creator="", subject="")
    doc.addPageTemplates([templates[first]] + [t for k, t in templates.items() if k != first])
    canvas = partial(_PagedCanvas, layout=layout, head=head if layout.running_header else "", tracker=tracker)
    a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: ASCII85 in pure Python is slow
    try:
        doc.build(story, canvasmaker=canvas)
    finally:
        rl_config.useA85 = a85
    kinds = tracker.page_kinds
    return PdfResult(
        data=buf.getvalue(),
        pages=tracker.pages,
        anchor_pages=tracker.anchor_pages,
        landscape_pages=sorted(p for p, k in kinds.items() if k in ("landscape", "rotated")),
        split_tables=sum(1 for pages in tracker.table_pages.values() if len(pages) > 1),
    )
