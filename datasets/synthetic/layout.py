"""Text conversions of a paged disclosure, in the shapes converters give.

* ``layout`` (what ``pdftotext -layout`` and most "copy text" paths give): paragraphs
  wrapped at the page width; tables with their columns aligned by runs of spaces
  (amounts right-aligned, text left-aligned), sometimes a single space between two
  cells, empty cells left as a wider gap, long labels and headers wrapped onto
  continuation lines, often a blank line between rows; pages cut anywhere (in a
  sentence, in a table: the continuation has no 表N above it, its header repeated or
  not), each page ending with a footer (``- 4 -``, ``第 4 页 共 23 页``, ``4``) and the
  next one starting with a form feed and, in some documents, a running header (the unit
  or the document title).
* ``raw`` (raw ``pdftotext``, pdfminer): the same pages, but a table printed one cell per
  line, row by row, empty cells left out, a wrapped label continued on the next line.
* ``pdftotext``: ``layout`` as poppler's ``pdftotext -layout`` prints a PDF: the page is
  laid out as printed (a CJK character two columns wide; labels and figures wrapped in
  their cells by that width), then each piece of text is put at its printed position
  divided by poppler's grid pitch (1.5 to 2 printed columns), one character a column, a
  space past the text before it on the line. So a CJK label takes about as many grid
  columns as it printed, while figures overrun theirs and push the next cell right: a
  column's cells start a few characters apart from row to row, only amounts of one
  length line up, and a wrapped label's last piece and a wrapped figure's rest share
  the next line; a header's one-line cells sit on the middle line of a wrapped one's.
  In half the documents figures wrap in cells too narrow for them.

Widths are display widths: a CJK character takes two columns, as on the page.
Everything is drawn from the rng given, so a seed gives the same bytes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

from datasets.synthetic.blocks import AMOUNT, blocks, header_cells, header_rows, pad, role


@dataclass
class TextLayout:
    shape: str  # "layout" | "raw"
    width: int  # page width of a paragraph line, in display columns
    page_lines: int  # lines of body text per page
    gap: int  # spaces between two table columns at their closest
    label_cap: int  # a text cell wider than this wraps onto continuation lines
    row_gap: bool  # a blank line between table rows
    footer: str  # "dash" (- 4 -) | "of" (第 4 页 共 23 页) | "number" (4)
    running_header: str  # "" | "unit" | "title": repeated at the top of each page
    repeat_header: bool  # a table's header rows printed again after a page break
    indent: int  # spaces before a paragraph's first line
    jitter: bool  # cells off their column by a column now and then (converter rounding)
    grid: str = "display"  # "display": a CJK character two columns wide; "char": one (pdftotext's grid)
    wrap_figures: bool = False  # a figure wider than its cell goes on on the next line (14,764,51 / 0)
    pitch: float = 0.0  # >0: pdftotext's grid, text put at its printed x / pitch, one character a column

    def describe(self) -> dict:
        return asdict(self)


def draw_text_layout(rng, shape: str) -> TextLayout:
    """The layout of one document; shape "pdftotext" is "layout" as poppler's pdftotext
    -layout gives it: one character a column whatever its width, and in half the
    documents figures wrapped in cells too narrow for them."""
    lay = TextLayout(
        shape="layout" if shape == "pdftotext" else shape,
        width=rng.choice((72, 80, 84, 96)),
        page_lines=rng.randint(38, 56),
        gap=rng.choice((1, 1, 2, 3)),
        label_cap=rng.choice((14, 18, 24, 32)),
        row_gap=rng.random() < 0.5,
        footer=rng.choice(("dash", "of", "of", "number")),
        running_header=rng.choice(("", "", "unit", "title")),
        repeat_header=rng.random() < 0.5,
        indent=rng.choice((0, 4, 4, 8)),
        jitter=rng.random() < 0.4,
    )
    if shape == "pdftotext":  # drawn last: the other shapes' draws stay as they were
        lay.grid, lay.wrap_figures = "char", rng.random() < 0.5
        lay.pitch = rng.choice((1.5, 1.75, 2.0))
    return lay


# The width of a CJK character in the grid being drawn: 2 as printed, 1 in pdftotext's
# grid (set by render_text_layout while it draws one document).
_CJK = [2]


def width_of(s: str) -> int:
    return sum(_CJK[0] if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def wrap(s: str, width: int) -> list[str]:
    """s cut into pieces of at most `width` display columns, never inside a run of
    ASCII letters and digits (a number or a word stays whole, as a PDF line breaks)."""
    out, cur, w = [], "", 0
    i = 0
    while i < len(s):
        j = i + 1
        if s[i].isascii() and s[i].isalnum():
            while j < len(s) and s[j].isascii() and (s[j].isalnum() or s[j] in ".,%"):
                j += 1
        piece = s[i:j]
        pw = width_of(piece)
        if cur and w + pw > width:
            out.append(cur)
            cur, w = "", 0
        cur += piece
        w += pw
        i = j
    if cur or not out:
        out.append(cur)
    return out


class _Pages:
    """Body lines cut into pages, each closed by its footer, the next opened by a form
    feed and the running header."""

    def __init__(self, lay: TextLayout, head: str) -> None:
        self.lay, self.head = lay, head
        self.pages: list[list[str]] = [[]]

    @property
    def left(self) -> int:
        return self.lay.page_lines - len(self.pages[-1])

    def add(self, line: str) -> int:
        """Add a line (a new page first when this one is full); its page index."""
        if self.left <= 0:
            self.pages.append([])
        self.pages[-1].append(line)
        return len(self.pages) - 1

    def new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])

    def text(self) -> tuple[str, list[int]]:
        """The document, and the 1-based output line of every page's first body line."""
        n, lay = len(self.pages), self.lay
        out: list[str] = []
        starts = []
        for k, body in enumerate(self.pages, 1):
            first = "\f" if k > 1 else ""
            if lay.running_header and k > 1:
                out.append(first + self.head.center(lay.width).rstrip())
                out.append("")
                first = ""
            starts.append(len(out) + 1)
            if first:
                body = [first + (body[0] if body else "")] + body[1:]
            out.extend(body)
            foot = {"dash": f"- {k} -", "of": f"第 {k} 页 共 {n} 页", "number": str(k)}[lay.footer]
            out += ["", "", " " * ((lay.width - width_of(foot)) // 2) + foot]
        return "\n".join(out) + "\n", starts


def _table_lines(rows: list[list[str]], lay: TextLayout, rng) -> tuple[list[list[str]], int]:
    """Each row's printed lines (space-aligned), and how many leading rows are header."""
    rows = pad(rows)
    nh = header_rows(rows)
    ncol = len(rows[0])
    body = rows[nh:] or rows
    amount = [any(AMOUNT.match(r[j]) for r in body) for j in range(ncol)]
    widths = []
    for j in range(ncol):
        cells = [r[j] for r in body]
        natural = max([width_of(c) for c in cells] + [4])
        if amount[j] and lay.wrap_figures:
            natural = max(4, natural - 2)  # the longest figures wrap
        widths.append(natural if amount[j] else min(natural, lay.label_cap))
    for r in rows[:nh]:  # a header wraps in its span, widening a span narrower than 4 characters
        for j, c, span in header_cells(r):
            room = sum(widths[j : j + span]) + lay.gap * (span - 1)
            need = min(width_of(c), 8)
            if need > room:
                widths[j + span - 1] += need - room
    starts = []
    x = 0
    for w in widths:
        starts.append(x)
        x += w + lay.gap
    printed = []
    for i, r in enumerate(rows):
        cells = header_cells(r) if i < nh else [(j, c, 1) for j, c in enumerate(r)]
        placed = []  # (start column, lines, right-aligned)
        for j, c, span in cells:
            room = sum(widths[j : j + span]) + lay.gap * (span - 1)
            if not c:
                continue
            if AMOUNT.match(c) and i >= nh and width_of(c) > room:  # wrapped in its cell
                placed.append((starts[j], [c[:room], c[room:]], room))
            elif AMOUNT.match(c) and i >= nh:
                placed.append((starts[j], [c.rjust(room - width_of(c) + len(c))], room))
            else:
                parts = wrap(c, room)
                if i < nh:  # headers centred in their span
                    parts = [" " * ((room - width_of(p)) // 2) + p for p in parts]
                placed.append((starts[j], parts, room))
        height = max([len(p[1]) for p in placed] + [1])
        if lay.pitch and i < nh and height > 1:
            # A header's cells centred in its height, as printed: on half lines, so a
            # one-line cell beside a two-line one gets a line of its own between them.
            spread = []
            for x0, parts, room in placed:
                half = [""] * (2 * height - 1)
                half[height - len(parts) : height + len(parts) - 1 : 2] = parts
                spread.append((x0, half, room))
            keep = [k for k in range(2 * height - 1) if any(p[k] for _, p, _ in spread)]
            placed = [(x0, [half[k] for k in keep], room) for x0, half, room in spread]
            height = len(keep)
        lines = []
        for k in range(height):
            line, used = "", 0
            for x0, parts, _room in placed:
                if k >= len(parts) or not parts[k]:
                    continue
                shift = rng.choice((-1, 0, 0, 0, 1)) if lay.jitter else 0
                if lay.pitch:  # poppler: the printed x on its grid, one character a column
                    s = parts[k].lstrip(" ")
                    pos = max(round((x0 + len(parts[k]) - len(s) + shift) / lay.pitch), used + (1 if line else 0))
                    line += " " * (pos - used) + s
                    used = pos + len(s)
                    continue
                pos = max(x0 + shift, used + (1 if line else 0))
                line += " " * (pos - used) + parts[k]
                used = pos + width_of(parts[k])
            lines.append(line.rstrip())
        printed.append(lines)
    return printed, nh


def _raw_lines(rows: list[list[str]], lay: TextLayout) -> tuple[list[list[str]], int]:
    """Each row's cells one per line, empty cells left out, a long label wrapped."""
    nh = header_rows(pad(rows))
    printed = []
    for r in rows:
        lines = []
        for c in r:
            if c:
                lines += [c] if AMOUNT.match(c) else wrap(c, lay.label_cap)
        printed.append(lines)
    return printed, nh


def render_text_layout(text: str, lay: TextLayout, rng, unit_name: str, year: int) -> tuple[str, dict[int, int]]:
    """The text in the layout's shape, and where each source line went: source line ->
    1-based output line (of a wrapped line, the piece holding its start)."""
    _CJK[0] = 1 if lay.grid == "char" and not lay.pitch else 2  # poppler's grid: laid out as printed first
    try:
        return _render(text, lay, rng, unit_name, year)
    finally:
        _CJK[0] = 2


def _render(text: str, lay: TextLayout, rng, unit_name: str, year: int) -> tuple[str, dict[int, int]]:
    head = unit_name if lay.running_header == "unit" else f"{unit_name}{year}年单位预算公开说明"
    pages = _Pages(lay, head)
    where: dict[int, tuple[int, int]] = {}  # source line -> (page index, line in page)

    def put(no: int | None, line: str) -> None:
        page = pages.add(line)
        if no is not None and no not in where:
            where[no] = (page, len(pages.pages[page]) - 1)

    for b in blocks(text):
        if b.kind == "text":
            ended = True  # the line before ended a sentence: this one starts a paragraph
            for no, line in b.items:
                s = line.strip()
                r = role(s)
                if r in ("part", "caption", "contents"):
                    put(None, "")
                    put(no, " " * max(0, (lay.width - width_of(s)) // 2) + s)
                    put(None, "")
                    continue
                first = " " * (lay.indent if r == "body" and ended else 0)
                for k, piece in enumerate(wrap(s, lay.width - len(first))):
                    put(no if k == 0 else None, (first if k == 0 else "") + piece.strip())
                ended = s.endswith(("。", "；", ";", "：", ":"))
            put(None, "")
            continue
        rows = [cells for _, cells in b.items]
        nos = [no for no, _ in b.items]
        printed, nh = _raw_lines(rows, lay) if lay.shape == "raw" else _table_lines(rows, lay, rng)
        header = [ln for p in printed[:nh] for ln in p]
        for i, lines in enumerate(printed):
            need = len(lines) + (1 if lay.row_gap and lay.shape == "layout" else 0)
            if i >= nh and need <= lay.page_lines and pages.left < need:
                pages.new_page()  # the row moves to the next page whole; no 表N above it
                if lay.repeat_header:
                    for ln in header:
                        put(None, ln)
            for k, ln in enumerate(lines):
                put(nos[i] if k == 0 else None, ln)
            if lay.row_gap and lay.shape == "layout" and i < len(printed) - 1:
                put(None, "")
        put(None, "")
    out, starts = pages.text()
    return out, {no: starts[p] + k for no, (p, k) in where.items()}
