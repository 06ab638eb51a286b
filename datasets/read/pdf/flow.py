"""A document's flow from its pages' blocks: running headers and footers dropped,
paragraphs joined across wrapped lines and page breaks, tables continued on the next
page joined to their first part."""

from __future__ import annotations

import re

from datasets.read.cells import name_ends
from datasets.read.pdf.page import _NUMERIC, _STARTS_BLOCK, Block, Line
from datasets.text import HEADING, running_key

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–_\s]*\d{1,4}[-—–_\s]*|第\s*\d+\s*页\s*(?:[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
_ENDS = "。；;！!？?：:"


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
                out.add(running_key(ln.text))
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
            if _PAGE_NUMBER.match(t) or running_key(t) in running:
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
    r"^\s*(?:表\s*[\d一二三四五六七八九十]|(?:指标|目标)\s*\d|[(（]?\s*[\d一二三四五六七八九十]+\s*[)）、.]|其中|合计|小计|总计|本年|上年|[0-9]{3,})"
)


# An amount cut by a page break: its pieces make one amount with decimals, or (only in
# a table of numbered or coded rows, where a row of its own starts like one or prints its
# code) a whole number.
_CUT_AMOUNT = re.compile(r"\d[\d,]*\.\d+")
_CUT_INTEGER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")  # grouped by thousands, or not at all
_CODE = re.compile(r"\d{3,7}")  # a 功能 or 经济 class code, never wrapped
_YEAR = re.compile(r"(?:19|20)\d\d")
_BROKEN = re.compile(r"\d{1,3}(?:,\d{3})*,\d{1,2}|\d[\d,]*\.")  # a last group short of three digits, or a bare point


def _split_row(row: list[str], above: list[str]) -> bool:
    """Whether `row`, first on a page, is the rest of the row `above` that the page
    break cut (its wrapped cells continue there; word processors break a table's rows
    across pages unless told not to): each piece under a cell of the row above, text
    under text, not starting like a row of its own (1、 (2) 其中 合计 …), and an amount's
    piece only where the two pieces make one amount: with decimals (8831 | 20.00, 79400. |
    00), or in a table of numbered or coded rows a whole one (8082 | 111, 4,51 | 8,200)."""
    cells = [(c, a) for c, a in zip(row, above) if c]
    if not cells or len(row) != len(above):
        return False
    cut = [(c, a) for c, a in cells if _NUMERIC.match(c) and _NUMERIC.match(a)]  # an amount's pieces
    text = [(c, a) for c, a in cells if not (_NUMERIC.match(c) and _NUMERIC.match(a))]
    # (A label's year may stay above the break: 2023 | 年预算数.)
    if not all(a and not _NUMERIC.match(c) and (not _NUMERIC.match(a) or _cut_year(c, a)) for c, a in text):
        return False
    # Numbered rows: a label that starts like a row, or a code of its own (302 商品和服务支出),
    # which a row's rest leaves empty (an amount cut as 3830 | 0.00 is no code).
    lead = next((k for k, a in enumerate(above) if a), 0)
    head, rest = above[lead], row[lead]
    coded = bool(_CODE.fullmatch(head)) and not _cut_year(rest, head) and not _CUT_AMOUNT.fullmatch(head + rest)
    if coded and rest:
        return False
    numbered = coded or any(_ROW_START.match(a) for _, a in text)
    if not all(_CUT_AMOUNT.fullmatch(a + c) or (numbered and _CUT_INTEGER.fullmatch(a + c)) for c, a in cut):
        return False
    if not text or any(_BROKEN.fullmatch(a) for _, a in cut):
        # Amounts alone (a one-row 三公 table): two whole amounts with decimals never make
        # one. An amount no one prints (5,299,48 or 79400.) was cut: its row goes on,
        # whatever the rest's label (本年收入 | 合计).
        return True
    # The row's label decides where it has one: （一） may end a wrapped label elsewhere.
    starts = [c for c, a in text if _ROW_START.match(c) and not name_ends(a, c)]
    return not starts or bool(row[0] and not (_ROW_START.match(row[0]) and not name_ends(above[0], row[0])))


def _cut_year(rest: str, head: str) -> bool:
    return rest.startswith("年") and bool(_YEAR.fullmatch(head))


def _without_repeated_header(rows: list[list[str]], first: list[list[str]]) -> list[list[str]]:
    k = 0
    while k < len(rows) and k < len(first) and rows[k] == first[k] and not any(_NUMERIC.match(c) for c in rows[k] if c):
        k += 1
    return rows[k:]
