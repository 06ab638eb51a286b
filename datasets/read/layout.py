"""Text conversions of paged documents back into the one document shape.

What ``pdftotext -layout`` and most "copy text" paths give: pages separated by form
feeds, each closed by a footer (``- 4 -``, ``第 4 页 共 23 页``, a bare ``4``, a
browser's address and ``4/12``) and often opened by a running header (a browser's date
and title); tables whose columns are aligned with runs of
spaces (sometimes a single space between two cells, an empty cell only a wider gap),
long cells wrapped onto continuation lines. ``tab_separated`` gives the same text with
the page furniture blanked and every such table as tab-separated rows, line for line:
a row sits on the line where it starts and its continuation lines become blank, so
line numbers stay those of the file.

Columns come from the page, not from a template: every chunk of text has a display
position (a CJK character is two columns wide, as printed), the body rows' chunks
cover the columns, and the gutters between them are the positions (almost) no body row
covers. A header cell spanning several columns is a merged cell; a line with no amount
whose text sits under cells that filled their columns continues the row above, and so
does the line that brings a numbered item's figure into the row beside its label (a
browser centres a row's cells in its height).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from itertools import accumulate, combinations

from datasets.read.cells import TOTAL as _TOTAL
from datasets.read.cells import name_ends
from datasets.read.contents import contents_rows
from datasets.read.identities import groups_adding_up, is_pair_table, pair_sums_hold
from datasets.text import running_key, squashed

_FOOTER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$"
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
_PAGE_NUMBER_AT_END = re.compile(r"\s(?:\d{1,4}\s*/\s*\d{1,4}|第\s*\d{1,4}\s*页.*|[-—–]\s*\d{1,4}\s*[-—–]|\d{1,4})\s*$")
# Lines that may be a footer (a superset of _FOOTER and _BARE_NUMBER), and markdown
# table rows: found over the whole text at once.
# A line start written as a newline (searched for in "\n" + text): the regex engine
# then skips from newline to newline instead of trying every position.
_MAYBE_FURNITURE = re.compile(r"\n[ \t]*(?:[-—–][ \t]*\d|第[ \t]*\d|\d{1,4}[ \t]*(?:/[ \t]*\d|\r?$)|[Pp]age)", re.M)
_PIPE_ROW = re.compile(r"^[ \t]*\|[^\n]*\|", re.M)
# An amount, or one a wrap cut after its point (6039964. / 00).
_AMOUNT = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+|(?<=\d\d\d)\.)?$")
# A numbered item's label (1、 (2) 一、 其中), not a code or a figure.
_ITEM_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}、|[(（][\d一二三四五六七八九十]{1,2}[)）]|其中)")
# An amount as tables print one (thousands grouped, or decimals): no year, no count.
_PRINTED_AMOUNT = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-−]?\d+\.\d+$")
# … or, in a table without decimals, a whole 元 amount of five digits or more printed
# ungrouped (a web page's 6439654).
_ROW_FIGURE = re.compile(rf"{_PRINTED_AMOUNT.pattern}|^[-−]?\d{{5,}}$")
_INDICATOR = re.compile(r"^指标\s*\d+\s*[:：]")
_TARGET = re.compile(r"^(?:[≥≤><=＝]|\$\\[gl]eq?)?\s*\d[\d,.]*\s*(?:%|％|[\u4e00-\u9fff]{1,3})?\$?$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_DASH = re.compile(r"^[-－—–]+$")  # an empty amount printed as a dash
_CELL_EDGE = re.compile(
    r"^(?:[-−]?\d[\d,]*(?:\.\d+|(?<=\d\d\d)\.)?|附?表[\d一二三四五六七八九十]+(?:-\d+)?|\d+[、.]?)$"
)  # a cell of its own
_GAP = re.compile(r"\S {2,}\S")
_STOP = re.compile(
    r"^\s*(?:附?表\s*[\d一二三四五六七八九十]+(?:\s*-\s*\d+)?(?:\s+\S*表\s*(?:[(（][^)）]*[)）])?)?\s*$"
    r"|第[一二三四五六七八九十]+部分|目\s*录\s*$"
    r"|(?:19|20)\d{2}\s*年\S*表\s*(?:[(（][^)）]*[)）])?\s*$)"  # a table's title on its own line
    r"|(?<!编制)单位\s*[:：]\s*(?:亿元|万元|千元|元)(?![\u4e00-\u9fff])"
)
_NAME_PIECES = re.compile(r"^ {4,}[\u4e00-\u9fff()（）]{2,6}(?: +[\u4e00-\u9fff()（）]{2,6}){1,3}\s*$")
_SENTENCE_END = re.compile(r"[。；;]\s*$")
_DIGITS = re.compile(r"^[\d,.]{1,4}$")
# A figure cut by a wrap: a thousands group short of three digits, or fewer than two
# decimals (the rest, digits alone, is on the line below).
_CUT_AMOUNT = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})*(?:,\d{0,2}|\.\d?)$|^[-−]?\d+(?:\.\d?)?$")
_LABEL_START = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]|\d+、|[(（][\d一二三四五六七八九十]+[)）]")
_FIGURE_NAME = re.compile(r"^(?:预算数|预算|金额|合计|小计|总计|决算数|本年预算|上年预算|预算金额|数额|总额)$")
_WHOLE = re.compile(r"^\d{4,}$")
_DECIMAL_REST = re.compile(r"^\d{1,3}\.\d{2}$")  # the rest of a cut figure, decimals whole (14.00)
_SURELY_CUT = re.compile(r"^[-−]?\d[\d,]*(?:,\d{0,2}|\.\d?)$")
# A numbered item (5、教育支出, (2)商品和服务支出): the next one of its column follows it.
_NUMBERED = re.compile(r"^(?:(\d{1,2})、|[(（](\d{1,2})[)）])")
_BARE_NUMBER_IN_BRACKETS = re.compile(r"^[(（][\d一二三四五六七八九十]+[)）]$")
_BUDGET_FIGURE = re.compile(r"^(?:(?:19|20)\d{2}年|本年|上年)?(?:预算数|预算|决算数|执行数)$")
_OUT_OF_SEQUENCE = 40  # grid characters: more than a cell's drift, less than a wrong kind
_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d+[、.]|[(（][\d一二三四五六七八九十]+[)）]|其中|合计|总计|小计|表\s*\d|\d{3,}"
    r"|本年|上年|年初|结转|.*(?:合计|总计)$)"
)


def width_of(s: str, cjk: int = 2) -> int:
    """Display columns of s: a CJK character takes two as printed; pdftotext puts one
    character in each column of its grid, whatever its width (cjk=1)."""
    return sum(cjk if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def has_tab_tables(text: str) -> bool:
    """Whether the text prints its tables as tab-separated or markdown pipe rows (then
    no table of it is laid out by spaces or one cell a line)."""
    return _has_tabs(text, 6) or sum(1 for _ in zip(range(3), _PIPE_ROW.finditer(text))) == 3


def _has_tabs(text: str, n: int) -> bool:
    """Whether text has n tabs or more: found up to the nth, not all counted."""
    at = -1
    for _ in range(n):
        at = text.find("\t", at + 1)
        if at < 0:
            return False
    return True


def tab_separated(text: str, tabbed: bool | None = None) -> str:
    """The text with page furniture blanked and space-aligned tables as tab rows (see
    the module's doc); a text that already has tab or pipe tables keeps them. `tabbed`:
    has_tab_tables(text), when the caller knows it."""
    lines = tab_separated_lines(text, tabbed)
    return text if lines is None else "\n".join(lines)


def tab_separated_lines(text: str, tabbed: bool | None = None, unread: list[str] | None = None) -> list[str] | None:
    """tab_separated's lines (line ends kept), or None when the text is left as it is.
    `unread` gets a message for each table left unread (see _rebuild)."""
    if tabbed is None:
        tabbed = has_tab_tables(text)
    if tabbed and "\f" not in text and not _MAYBE_FURNITURE.search("\n" + text):
        return None  # the common text conversion: nothing to do, and quickly
    lines = text.split("\n")
    ends = ["\r" if ln.endswith("\r") else "" for ln in lines]
    lines = [ln[:-1] if e else ln for ln, e in zip(lines, ends)]
    pages = [i for i, ln in enumerate(lines) if "\f" in ln]
    lines = _without_furniture(lines)
    if not tabbed:
        contents = contents_rows(lines)  # the 目录, read by its entries (datasets.read.contents)
        for k, row in contents.items():
            lines[k] = row
        before = list(lines)
        # A table's block stops where the contents' rows are (never read again).
        blocks = [(a, min([b, *(k for k in contents if a <= k < b)])) for a, b in _table_blocks(lines)]
        read = [(start, stop, _rebuild(lines, start, stop, pages)) for start, stop in blocks if stop > start]
        ways = [how.split()[0] for *_, how in read if how]
        if ways.count("grid") > ways.count("display"):
            # pdftotext's grid (most tables read so; a converter's layout has a few at
            # most, measured: 38% of one document's at most, pdftotext's 54% at least):
            # the tables read by display widths are read again, the grid preferred.
            for n, (start, stop, how) in enumerate(read):
                if how == "display":
                    lines[start:stop] = before[start:stop]
                    read[n] = (start, stop, _rebuild(lines, start, stop, pages, grid_doc=True))
        if unread is not None:
            unread.extend(_unread_message(before, start) for start, _, how in read if how and "unread" in how)
    return [ln + e for ln, e in zip(lines, ends)]


# --- pages --------------------------------------------------------------------


def _without_furniture(lines: list[str]) -> list[str]:
    """Form feeds dropped; page footers and running headers blanked."""
    out = list(lines)
    page_starts = [0]
    for i, ln in enumerate(lines):
        if "\f" in ln:
            out[i] = ln.replace("\f", "")
            page_starts.append(i)
    last = None  # the last bare page number taken as a footer
    for i, ln in enumerate(out):
        if _FOOTER.match(ln):
            out[i] = ""
            continue
        m = _BARE_NUMBER.match(ln)
        if not m:
            continue
        nxt = next((out[k] for k in range(i + 1, min(i + 4, len(out))) if out[k].strip() or k in page_starts), None)
        before_break = any(k in page_starts for k in range(i + 1, min(i + 4, len(out)))) or nxt is None
        blank_before = i > 0 and not out[i - 1].strip()
        n = int(m.group(1))
        if blank_before and (before_break or (last is not None and n == last + 1)):
            out[i] = ""
            last = n
    # A running header: the first line of a page, the same on several pages. Apart by
    # a wide gap (a browser's date and title) it may be a table's header repeated on
    # each page, unless prose follows it on one of them.
    bounds = [*page_starts, len(out)]
    firsts = []
    for a, b in zip(bounds, bounds[1:]):
        k = next((k for k in range(a, min(a + 3, b)) if out[k].strip()), None)
        if k is not None:
            firsts.append(k)
    # The text's first page, unless a form feed opens it too, may start with the title,
    # which a header may repeat: it counts only with others.
    cover = 1 if len(page_starts) < 2 or page_starts[1] > 0 else 0
    keys = {k: running_key(out[k]) for k in firsts}
    counts = Counter(keys[k] for k in firsts[cover:])
    prose_after = set()
    for k in firsts:
        nxt = next((ln for ln in out[k + 1 : k + 4] if ln.strip()), "")
        if not _tabular(nxt):
            prose_after.add(keys[k])
    for n, k in enumerate(firsts):
        s = out[k].strip()
        if n < cover and not _GAP.search(s):
            continue
        if (
            counts[keys[k]] >= max(2, (len(firsts) - cover) / 2)
            and not _STOP.search(s)
            and (not _GAP.search(s) or keys[k] in prose_after)
        ):
            out[k] = ""
    # A running footer with the page number in it (an address or a title before n/m),
    # the same on most pages but for its digits.
    lasts = []
    for a, b in zip(bounds, bounds[1:]):
        k = next((k for k in range(b - 1, max(a, b - 4) - 1, -1) if out[k].strip()), None)
        if k is not None and _PAGE_NUMBER_AT_END.search(out[k]):
            lasts.append(k)
    keys = {k: running_key(out[k]) for k in lasts}
    counts = Counter(keys.values())
    for k in lasts:
        if counts[keys[k]] >= max(2, (len(bounds) - 1) / 2):
            out[k] = ""
    return out


# --- finding the tables -----------------------------------------------------


def _chunks(line: str, cjk: int = 2) -> list[tuple[int, int, str]]:
    """(start, end, text) in display columns: text split at runs of two or more spaces,
    and at a single space after an amount or a table id or before an amount (``表1
    2024年…``, ``拨款 1,283.09``); other single spaces stay inside a cell (``收 入``,
    ``$\\geq 27项$``)."""
    out: list[tuple[int, int, str]] = []
    x, prev = 0, ""
    for m in re.finditer(r"\S+| +", line):
        s = m.group()
        w = width_of(s, cjk)
        if s[0] == " ":
            nxt = line[m.end() :].split(" ", 1)[0]
            apart = len(s) > 1 or not out or _CELL_EDGE.match(prev) or _AMOUNT.match(nxt)
            if apart:
                out.append((x + w, x + w, ""))  # a boundary marker, dropped below
            else:
                out[-1] = (out[-1][0], x + w, out[-1][2] + " ")
        elif out and out[-1][2].endswith(" "):
            out[-1] = (out[-1][0], x + w, out[-1][2] + s)
        else:
            out.append((x, x + w, s))
        if s[0] != " ":
            prev = s
        x += w
    return [c for c in out if c[2]]


def _tabular(line: str) -> bool:
    """A line with two or more chunks (a table row), or a lone amount."""
    s = line.strip()
    if not s or _STOP.search(line):
        return False
    if _GAP.search(s):
        return True
    parts = s.split(" ")
    if len(parts) >= 3 and all(0 < len(p) <= 10 and not re.search(r"[\d，,。；;：:]", p) for p in parts):
        return True  # a header row of short column names one space apart
    # Amounts one space from their labels: two or more, or one not ending the line (a
    # sentence wrapped after a figure, 万元 on the next line, is not a row).
    # An amount before its unit cut by the wrap (43.75 万 | 元，比…) is a sentence's, and
    # a year before quote marks (2024 “ ”, 三公's set apart by pdftotext -raw) no amount.
    amounts = sum(
        1
        for p, q in zip(parts, [*parts[1:], ""])
        if _AMOUNT.match(p) and q not in ("万", "亿", "千") and not (_YEAR.match(p) and q[:1] in ("“", "”", '"'))
    )
    # (A comma of a thousands group is no punctuation; a figure with its unit and 、 after
    # it, 0.00 万元、, is a sentence's, as a narrow page wraps it.)
    return (amounts >= 2 or (amounts == 1 and not _AMOUNT.match(parts[-1]))) and not re.search(
        r"[，。；;]|,(?!\d{3})|\d\s*(?:亿元|万元|元)、", s
    )


def _table_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last+1) line ranges of space-aligned tables: from a tabular line on, the
    lines of two or more chunks, the blank lines between them and the continuation
    lines right below a row; at least two tabular lines."""
    out = []
    n = len(lines)
    i = 0
    while i < n:
        if not _tabular(lines[i]):
            i += 1
            continue
        j, last, rows = i + 1, i, 1
        while j < n:
            s = lines[j]
            if not s.strip():
                j += 1
                continue
            if _STOP.search(s) or (_SENTENCE_END.search(s) and width_of(s.strip()) > 40):
                break  # a heading, or a paragraph of prose
            if _tabular(s) or len(_chunks(s)) >= 2:
                last, rows = j, rows + (1 if _tabular(s) else 0)
            elif lines[j - 1].strip() and (s.startswith(" ") or width_of(s.strip()) <= 40):
                last = j  # a wrapped cell's continuation, right below its row
            elif _rows_follow(lines, j + 1) or _TOTAL.match(s):
                last = j  # a row of one cell or a long text cell, more rows below (or an empty table's 合计)
            else:
                break
            j += 1
        # Two rows, or a header and its lines (an empty table printed as a skeleton).
        skeleton = last > i and len(lines[i].split()) >= 3 and not any(_AMOUNT.match(p) for p in lines[i].split())
        if rows >= 2 or skeleton:
            # The top lines of a header of wrapped names, two or more a space apart (上缴上级 事业单位),
            # right above it: its names' first pieces.
            top = i
            while (
                top > 0 and top > i - 3 and top - 1 >= (out[-1][1] if out else 0) and _NAME_PIECES.match(lines[top - 1])
            ):
                top -= 1
            out.append((top, last + 1))
        i = last + 1
    return out


def _rows_follow(lines: list[str], j: int) -> bool:
    """Whether a tabular line comes within the next few lines of text, before prose.
    Narrow pieces (a row of one cell wrapped in a narrow column, its figure alone on a
    line) count as a quarter of a line."""
    seen = 0.0
    for s in lines[j:]:
        if not s.strip():
            continue
        if _tabular(s):
            return True
        seen += 0.25 if s.startswith(" ") and width_of(s.strip()) <= 12 else 1
        if seen > 8 or _STOP.search(s):
            return False
        # A wrapped cell's last piece (作任务。) may end a sentence; a paragraph of prose is
        # long and starts at the margin.
        if not (s.startswith(" ") and width_of(s.strip()) <= 40) and (
            _SENTENCE_END.search(s) or width_of(s) > 30 or re.search(r"[，,。]", s)
        ):
            return False
    return False


# --- one table ----------------------------------------------------------------


def _cover(rows: list[list[tuple[int, int, str]]], cjk: int = 2) -> list[int]:
    """How many rows print a chunk at each display position. A chunk of four or more
    columns counts without its outer columns: a converter puts a cell a column off now
    and then, and a one-space gutter must survive that."""
    cover = [0] * (max((c[1] for row in rows for c in row), default=0) + 1)
    for row in rows:
        for a, b, _ in (p for c in row for p in _split_at_gutters(c, None, cjk)):  # spaces print nothing
            if b - a >= 4:
                a, b = a + 1, b - 1
            for x in range(a, b):
                cover[x] += 1
    return cover


def _columns(cover: list[int], floor: int) -> list[tuple[int, int]]:
    """(start, end) of each column: the runs of positions printed by more than `floor`
    lines, cut again at a deep valley (cells a column off now and then fill a narrow
    gutter in a few rows only)."""
    runs, start = [], None
    for x, c in enumerate(cover + [0]):
        if c > floor and start is None:
            start = x
        elif c <= floor and start is not None:
            runs.append((start, x))
            start = None
    cols: list[tuple[int, int]] = []
    while runs:
        a, b = runs.pop(0)
        cut = _valley(cover, a, b)
        if cut is None:
            cols.append((a, b))
        else:
            runs[:0] = [(a, cut), (cut + 1, b)]
    return cols


def _valley(cover: list[int], a: int, b: int) -> int | None:
    """The lowest position inside [a, b) if it is at most a third of the peaks on both
    of its sides (each side two columns wide or more), else None."""
    seg = cover[a:b]
    left = list(accumulate(seg, max))
    right = list(accumulate(reversed(seg), max))[::-1]
    best = None
    for i in range(2, len(seg) - 2):
        if seg[i] * 3 <= min(left[i - 1], right[i + 1]) and (best is None or seg[i] < seg[best]):
            best = i
    return None if best is None else a + best


def _with_header_columns(cols: list[tuple[int, int]], heads: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The body's columns and those only the header shows (a column empty in every body
    row): header cells outside every body column."""
    extra: list[tuple[int, int]] = []

    def outside(c: tuple[int, int, str]) -> bool:
        return not any(min(c[1], e) > max(c[0], s) for s, e in cols)

    # Header cells one space apart (政府性基 国有资本 …, 财政拨款 其他资金) are a cell each;
    # a letter-spaced name (收 入, 项 目) is one.
    pieces = []
    for c in heads:
        split = _split_at_gutters(c, None)
        apart = len(split) >= 3 or all(p[1] - p[0] >= 6 for p in split)
        pieces += split if apart else [c] if outside(c) else []
    pieces = [p for p in pieces if outside(p)]
    for a, b, _ in sorted(pieces):
        if extra and a < extra[-1][1]:
            extra[-1] = (extra[-1][0], max(b, extra[-1][1]))
        else:
            extra.append((a, b))
    return sorted(cols + extra)


def _split_across_columns(
    chunk: tuple[int, int, str], cols: list[tuple[int, int]], cjk: int = 2
) -> list[tuple[int, int, str]]:
    """A chunk cut at the single spaces whose two sides sit in different columns (a
    header cell one space from the next); a letter-spaced word (收 入, 项 目) stays whole."""
    pieces = _split_at_gutters(chunk, None, cjk)
    if all(len(p[2]) == 1 for p in pieces):
        return [chunk]
    out = [pieces[0]]
    for p in pieces[1:]:
        if _column_of(p, cols) == _column_of(out[-1], cols):
            out[-1] = (out[-1][0], p[1], out[-1][2] + " " + p[2])
        else:
            out.append(p)
    return out


def _split_at_gutters(chunk: tuple[int, int, str], gutter: set[int] | None, cjk: int = 2) -> list[tuple[int, int, str]]:
    """A chunk cut at its single spaces that fall in a gutter (two cells one space
    apart), or at every single space (gutter None)."""
    a, b, t = chunk
    if " " not in t:
        return [chunk]
    out, x, piece_start, piece = [], a, a, ""
    for ch in t:
        w = width_of(ch, cjk)
        if ch == " " and (gutter is None or x in gutter):
            if piece:
                out.append((piece_start, x, piece))
            piece, piece_start = "", x + 1
        else:
            piece += ch
        x += w
    if piece:
        out.append((piece_start, b, piece))
    return out


def _split_between_cjk(chunk: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    """A chunk of pdftotext's grid (a character a column) cut at each single space after a
    CJK character and before a CJK character or an item's number (1、, (1)): where a
    figure pushed a label against the next one (or a 目录's title its 否). A
    letter-spaced word (收 入) stays whole."""
    a, _, t = chunk
    cuts = [
        i
        for i in range(2, len(t) - 1)
        if t[i] == " "
        and _wide(t[i - 1])
        and t[i - 2] != " "
        and (i + 2 == len(t) or t[i + 2] != " ")
        and _LABEL_START.match(t, i + 1)
    ]
    if not cuts:
        return [chunk]
    out, start = [], 0
    for i in cuts + [len(t)]:
        out.append((a + start, a + i, t[start:i]))
        start = i + 1
    return out


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _column_of(chunk: tuple[int, int, str], cols: list[tuple[int, int]]) -> int:
    """The column a chunk overlaps most (the nearest one when it falls in a gutter)."""
    a, b, _ = chunk
    best = max(range(len(cols)), key=lambda j: min(b, cols[j][1]) - max(a, cols[j][0]))
    if min(b, cols[best][1]) - max(a, cols[best][0]) > 0:
        return best
    return min(range(len(cols)), key=lambda j: min(abs(cols[j][0] - b), abs(cols[j][1] - a)))


def _join(a: str, b: str) -> str:
    """Two pieces of a wrapped cell: a space between them only between ASCII letters."""
    if not a:
        return b
    return a + (" " if a[-1].isascii() and a[-1].isalnum() and b[:1].isascii() and b[:1].isalnum() else "") + b


def _collisions(chunks: dict, head: list[int], body: list[int], cols: list[tuple[int, int]]) -> int:
    """How many body rows put two cells in one column."""
    n = 0
    for k in body:
        js = [_column_of(c, cols) for c in chunks[k]]
        n += len(js) != len(set(js))
    return n


def _reading(lines: list[str], idx: list[int], cjk: int, pages: list[int] = ()):
    """(cjk, chunks, header lines, body lines, columns) of a block measured so, or None.
    `pages`: the page starts, where the header printed again may sit elsewhere."""
    chunks = {k: _chunks(lines[k], cjk) for k in idx}
    first_data = next((n for n, k in enumerate(idx) if any(_AMOUNT.match(c[2]) for c in chunks[k])), None)
    if first_data is None:  # a table without amounts (the 目录): its rows start with an item
        first_data = next((n for n, k in enumerate(idx) if n and _ITEM.match(chunks[k][0][2])), 1)
    # A row's cells centred in its height, the rows set apart by blank lines: its numbered
    # label's first line (一、部门预 / 算) comes after the blank line, before its figures;
    # so does any label whose last line follows them, alone in the row (年度资金总 / 额：).
    if first_data > 1 and idx[first_data - 1] == idx[first_data] - 1 and not lines[idx[first_data - 1] - 1].strip():
        k = idx[first_data]
        above, below = chunks[k - 1], chunks.get(k + 1, [])
        if _ITEM_LABEL.match(above[0][2]) or (
            len(above) == len(below) == 1
            and not "".join(lines[k + 2 : k + 3]).strip()
            and abs(above[0][0] - below[0][0]) <= 2
            and not _AMOUNT.match(below[0][2])
        ):
            first_data -= 1
    head, body = idx[:first_data], idx[first_data:]
    # The header printed again after a page break is no body row (it is dropped below).
    bare = {k: squashed(lines[k]) for k in idx}
    head_texts = {bare[k]: k for k in head}
    again = [(head_texts[bare[k]], k) for k in body if bare[k] in head_texts]
    if again and pages:
        _onto_first_page(chunks, idx, again, pages)
    body = [k for k in body if bare[k] not in head_texts]
    cover = _cover([chunks[k] for k in body or idx], cjk)
    floor = len(body or idx) // 20
    cols = _columns(cover, floor)
    gutter = {x for x, c in enumerate(cover) if c <= floor}
    # Body cells one space apart are cut at the gutters (a header's at its columns, below).
    for k in body or idx:
        chunks[k] = [p for c in chunks[k] for p in _split_at_gutters(c, gutter, cjk)]
    if cjk == 1:  # pdftotext's grid: one space between two CJK labels parts two cells
        for k in idx:
            chunks[k] = [p for c in chunks[k] for p in _split_between_cjk(c)]
    cols = _columns(_cover([chunks[k] for k in body or idx], cjk), floor)
    # A column no cell falls in mostly is the overhang of a long cell: not a column.
    used = {_column_of(c, cols) for k in body or idx for c in chunks[k]}
    cols = [c for j, c in enumerate(cols) if j in used]
    # Only header lines that name columns, not a group line (收入 … 支出) over several.
    named = [k for k in head if sum(len(w) > 1 for w in lines[k].split()) >= max(2, len(cols) - 1)]
    cols = _with_header_columns(cols, [c for k in named for c in chunks[k]])
    if len(cols) < 2:
        # In pdftotext's grid, cells one space apart drifting from row to row leave no
        # gutter; read in order, its rows still give the columns (see _in_order).
        return (cjk, chunks, head, body, cols) if cjk == 1 and cols else None
    chunks = {k: [p for c in chunks[k] for p in _split_across_columns(c, cols, cjk)] for k in idx}
    return cjk, chunks, head, body, cols


def _onto_first_page(chunks: dict, idx: list[int], again: list[tuple[int, int]], pages: list[int]) -> None:
    """Chunks of the pages whose header, printed again at the page's top (`again`: pairs
    of a first-page header line and the same line printed again), sits elsewhere (a page
    printed narrower or wider), moved in place to the first page's positions, so that one
    set of columns reads every page: an amount (flush right) by the shift of the nearest
    figure's name (预算数) at its end, a label (flush left) by the nearest other name at
    its start."""
    shifts: dict[int, tuple[dict[int, int], dict[int, int]]] = {}  # page start -> (amounts', labels')
    for first, k in again:
        page = max((p for p in pages if p <= k), default=None)
        was, now = chunks[first], chunks[k]
        # Only a header naming its figures (预算数) at the top of its page: a 绩效目标表's
        # header over its 指标 rows, in other columns, says nothing of where they are.
        if (
            page is None
            or len(was) != len(now)
            or not any(_header_again(chunks[m]) for _, m in again if page <= m)
            or any(_AMOUNT.match(c[2]) for j in idx if page <= j < k for c in chunks[j])
        ):
            continue
        figures, labels = shifts.setdefault(page, ({}, {}))
        for x, y in zip(now, was):
            if _BUDGET_FIGURE.match(x[2]) or _FIGURE_NAME.match(x[2]):
                figures[x[1]] = y[1] - x[1]
            else:
                labels[x[0]] = y[0] - x[0]
    for page, (figures, labels) in shifts.items():
        if not any(figures.values()) and not any(labels.values()):
            continue
        nxt = min((p for p in pages if p > page), default=None)
        for k in idx:
            if k >= page and (nxt is None or k < nxt):
                chunks[k] = [_moved(c, figures or labels, labels or figures) for c in chunks[k]]


def _moved(c: tuple[int, int, str], figures: dict[int, int], labels: dict[int, int]) -> tuple[int, int, str]:
    """A chunk shifted as the header edge nearest its own edge (see _onto_first_page)."""
    edge, shift = (c[1], figures) if _AMOUNT.match(c[2]) else (c[0], labels)
    by = shift[min(shift, key=lambda e: (abs(e - edge), e))]
    return c[0] + by, c[1] + by, c[2]


def _rebuild(lines: list[str], start: int, stop: int, pages: list[int] = (), grid_doc: bool = False) -> str | None:
    """The block's lines as tab rows, in place (see the module's doc). Positions are
    display columns (a CJK character two wide, as printed) or, for pdftotext's grid of
    one character a column, character counts: the grid is pdftotext's when display
    widths put two cells of a row in one column, read in order (see _in_order) or, failing
    that, by its columns when they are clean. `grid_doc`: the document is pdftotext's
    grid (another of its tables needed it), so the grid read in order is preferred even
    where display widths do not collide (a header's centred names do not sit over
    their figures in display widths). Which reading was used: "grid", "display" or
    None (no table read); "grid unread" or "display unread" for a table left unread,
    whose rows cannot be told apart (_too_narrow, or a reading that joined two amounts'
    pieces), by the reading it needed."""
    idx = [k for k in range(start, stop) if lines[k].strip()]
    reading = _reading(lines, idx, 2, pages)
    order = grid = built = None  # built: the rows, where a choice of readings built them
    collide = reading is None or _collisions(*reading[1:])
    if _too_narrow(lines, idx):
        return _unread(lines, idx, collide)
    if collide or grid_doc:
        grid = _reading(lines, idx, 1, pages)
        if grid is not None:  # the grid read in order (poppler's), else by its columns
            # A table without figures (a 目录) in order only where its columns collide.
            order = _in_order(grid[1], grid[2], grid[3], pages, figures=not _collisions(*grid[1:]), grid=True)
            # Read in order by display widths too (a text converter's layout): the
            # reading whose cells sit nearer their columns; in a document of
            # pdftotext's grid, the grid's.
            shown = _in_order(reading[1], reading[2], reading[3], pages, True) if collide and reading else None
            if order is not None and shown is not None:
                first, built = _shown_first(lines, idx, reading, shown, grid, order)
                order, reading = (shown, reading) if first else (order, grid)
            elif order is not None or (collide and not _collisions(*grid[1:])):
                reading = grid
            elif collide and _parts(lines, start, stop, pages):
                reading = None  # cells collide in either reading: each part on its own
    more = order is None and not collide and len(reading[4]) > max((len(reading[1][k]) for k in reading[3]), default=0)
    if order is None and not collide and not more and len(reading[3]) <= 3 and len(reading[2]) >= 2:
        # A table of a row or two whose header, in pdftotext's grid, names more columns
        # than display widths found (a one-row 表2 under wrapped names they run together).
        grid = grid or _reading(lines, idx, 1, pages)
        more = grid is not None and len(_header_spans(grid[1], grid[2])) > len(reading[4])
    if more:
        # More columns than any row prints cells, and a header naming as many cells as
        # the fullest row or more: columns split where a grid's cells drift (a one-row
        # 表12), or sparse rows under a header that names the columns (表2).
        grid = grid or _reading(lines, idx, 1, pages)
        n = max((len(grid[1][k]) for k in grid[3]), default=0) if grid else 0
        heads = grid[2] if grid is not None else []
        widest = max(heads, key=lambda k: len(grid[1][k]), default=None)
        # A header wrapped as a converter prints a text (top-aligned, its first line the
        # fullest) is read by its columns as before; poppler centres a PDF's.
        centred = len(heads) == 1 or (len(heads) > 1 and widest != heads[0])
        if grid is not None and n >= 2 and centred and len(grid[1][widest]) >= n:
            order = _in_order(grid[1], grid[2], grid[3], pages, grid=True)
            reading = grid if order is not None else reading
    if reading is None:
        # No one set of columns fits the block: a table whose part on the next page, or
        # under a second header, has other columns (a 绩效目标表's 指标 rows), each part
        # read on its own.
        breaks = _parts(lines, start, stop, pages)
        for a, b in zip([start, *breaks], [*breaks, stop]):
            if len(breaks) and any(lines[k].strip() for k in range(a, b)):
                _rebuild(lines, a, b, (), grid_doc)
        return None
    rows = built or _rows(lines, idx, reading, order)
    if reading[0] == 2 and not (built or order or collide or grid_doc) and _unnamed(rows):
        # A header centred over its columns may sit, in display widths, over the next
        # column (合计 over 基本支出), leaving a column of figures unnamed: pdftotext's
        # grid read in order, its cells apart too, where it names every one (a sign of
        # pdftotext's grid: the table counts so in the document's vote).
        grid = grid or _reading(lines, idx, 1, pages)
        apart = grid is not None and not _collisions(*grid[1:])
        in_order = _in_order(grid[1], grid[2], grid[3], pages, figures=True, grid=True) if apart else None
        if in_order is not None:
            other = _rows(lines, idx, grid, in_order)
            wide = max((len(cells) for _, cells in rows), default=0)
            if _unnamed(other) == 0 and max((len(cells) for _, cells in other), default=0) == wide:
                rows, reading, order = other, grid, in_order
    if reading[0] == 2 and not (built or order or collide or grid_doc) and _stepped(figures := _figure_columns(rows)):
        # Figures printed in one column, one a row, after labels of other lengths step
        # into columns of their own in display widths (年度资金总额 / 其中：财政拨款 /
        # 其他资金), and a row that finds its column empty joins the row above: pdftotext's
        # grid by its columns, where they are clean and hold the figures in fewer columns.
        grid = grid or _reading(lines, idx, 1, pages)
        if grid is not None and not _collisions(*grid[1:]):
            other = _rows(lines, idx, grid, None)
            if len(_figure_columns(other)) < len(figures):
                rows, reading = other, grid
    if order is None and len(reading[3]) <= 3:
        rows = _under_their_names(rows)
    npair = _npair(rows)
    if npair and is_pair_table(rows, npair):
        if not pair_sums_hold(rows, npair):
            # A 收支总表 whose rows did not come out whole: each column group read on its
            # own, or pdftotext's grid by its columns where they are clean (a browser's
            # wrapped names push no cell of its grid, but collide in display widths and
            # mislead the reading in order); kept where more of its groups add up.
            others = [(_by_groups(rows, reading, order), reading)]
            if collide and (order is not None or reading[0] != 1):
                grid = grid or _reading(lines, idx, 1, pages)
                if grid is not None and len(grid[4]) == 2 * npair and not _collisions(*grid[1:]):
                    others.append((_rows(lines, idx, grid, None), grid))
            best = groups_adding_up(rows, npair)
            for other, source in others:
                n = groups_adding_up(other, npair) if other is not None else -1
                if n > best:
                    rows, reading, best = other, source, n
        rows = _one_header(rows)
    if any(_PIECES_OF_TWO.match(c) for _, cells in rows for c in cells):
        # An amount with two decimal points (6077653.653.): pieces of two figures joined,
        # so the rows were not told apart (cells too narrow for _too_narrow to see).
        return _unread(lines, idx, reading[0] == 1)
    for k in range(start, stop):
        lines[k] = ""
    for k, cells in rows:
        lines[k] = "\t".join(cells) if any(cells) else ""
    return "grid" if reading[0] == 1 else "display"


def _unread(lines: list[str], idx: list[int], grid: bool) -> str:
    """The table's lines (idx) as its header alone, so that the table is seen and no
    figure of it is read (a guess misreads them into false alarms); what _rebuild returns."""
    top = idx[0]
    head = "\t".join(c for *_, c in _chunks(lines[top]))
    for k in idx:
        lines[k] = ""
    lines[top] = head if "\t" in head else ""
    return "grid unread" if grid else "display unread"  # (which reading it needed)


_NUMERIC = re.compile(r"^[\d,.]+$")
_PIECES_OF_TWO = re.compile(r"^(?=(?:\D*\d){6})[\d,]*\.[\d,]*\.[\d.,]*$")  # six digits or more, two points
_GROUP_CUT = re.compile(r",\d{0,2}$")
_GROUP_OPEN = re.compile(r"^\d{1,3}(?:,\d{3})*,(\d{1,2})$")  # 32,239,1: its last group cut
_CUT_PIECE = re.compile(rf"^\d+[.,]$|{_GROUP_OPEN.pattern}|^0[\d.]")  # 653. 45,9 00
_WHOLE_AMOUNT = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d\d)?$|^[1-9]\d*\.\d\d$")


_POINT_REST = re.compile(r"^\.\d{1,2}$")
_RATE_COLUMN = re.compile(r"[%％率]|占比|比重")  # a column of rates: its decimals are cells
_LAST_DIGITS = re.compile(r"^(?:[1-9]|\d\d)$")  # not a lone 0: a cell of its own


def _cut_below(line: str, below: str, rates: bool = False) -> bool:
    """Whether `below`, alone on its line under `line` alone on its own, at its start,
    is the rest of line's amount: one or two digits, but a lone 0, after four or more
    (105272 / 22; whole 万元 amounts a cell a line, 1200 / 34, are taken so too), its
    last digits with the decimals after four or more (112615 / 81.00; not 0.00, a cell of
    its own), neither in a table with a column of `rates` (5074000 / 45.20 or / 45: a
    share), its decimals cut at the point (5074000 / .00, 467200. / 00), or the digits a
    cut thousands group lacks (32,239,1 / 66; 1,781,00 / 0)."""
    a, b = line.strip(), below.strip()
    if abs((len(line) - len(line.lstrip())) - (len(below) - len(below.lstrip()))) > 2:
        return False  # (a page number, centred, is none)
    if _DECIMAL_REST.match(b) and b[0] != "0":
        return not rates and bool(_WHOLE.match(a))
    if _POINT_REST.match(b) or (a.endswith(".") and b.isdigit() and len(b) <= 2):
        return bool(_WHOLE.match(a.removesuffix(".")))
    if not b.isdigit() or len(b) > 2:
        return False
    group = _GROUP_OPEN.match(a)
    whole = not rates and _WHOLE.match(a) and _LAST_DIGITS.match(b)
    return bool(group and len(group.group(1)) + len(b) == 3) or bool(whole)


def _too_narrow(lines: list[str], idx: list[int]) -> bool:
    """Whether the table's cells are so narrow (a Word table of eight columns on a
    portrait page) that its rows cannot be told apart for sure: three numbered items
    cut after two characters or fewer (1、财 / 政拨 / 款) where no amount is printed
    wider than five characters and some are cut (1028 / 6872, 2161 / 00), or two
    amounts printed over three lines
    (6077 / 653. / 00, 45,9 / 14,0 / 66). Which line a piece of a label or of a figure
    belongs to is then a guess. (Names cut so beside whole amounts are read.) Or, a cell
    a line (pdftotext -raw, or its default order), two amounts whose last digits are
    alone on the next line (105272 / 22, 112615 / 81.00, 5074000 / .00, 32,239,1 / 66)."""
    rates = any(_RATE_COLUMN.search(lines[k]) for k in idx)
    if sum(_cut_below(lines[a], lines[b], rates) for a, b in zip(idx, idx[1:])) >= 2:
        return True
    chunks = {k: _chunks(lines[k]) for k in idx}
    pieces = {k: [(a, t) for a, _, t in chunks[k] if _NUMERIC.match(t)] for k in idx}
    cut = 0
    # (Amounts none of them cut, however short (45.91 in a 万元 table), tell rows apart.)
    if max((len(t) for k in idx for _, t in pieces[k]), default=0) <= 5 and any(
        _CUT_PIECE.match(t) for k in idx for _, t in pieces[k]
    ):
        for k in idx:
            for a, b, t in chunks[k]:
                if b - a <= 6 and _ITEM_LABEL.match(t) and len(t) > 2:
                    below = next((u for c, d, u in chunks.get(k + 1, ()) if abs(a - c) <= 2), "")
                    if 0 < len(below) <= 2 and all(_wide(ch) for ch in below):
                        cut += 1
                        if cut == 3:
                            return True
    found = 0
    for k in idx:
        for a, top in pieces[k]:
            if "." in top or not 3 <= len(top) <= 6:
                continue
            mid = next((t for b, t in pieces.get(k + 1, ()) if abs(a - b) <= 2 and len(t) == len(top)), None)
            low = next((t for b, t in pieces.get(k + 2, ()) if abs(a - b) <= 2 and len(t) <= len(top)), None)
            # The middle piece, or the top's end, cannot end or start a figure (653.,
            # 00.0, 45,9): a cut, not short figures of rows one under the other.
            broken = mid and (mid.endswith((".", ",")) or mid[0] in "0.," or _GROUP_CUT.search(top))
            if broken and low and _WHOLE_AMOUNT.match(top + mid + low):
                found += 1
                if found == 2:
                    return True
    return False


def _unread_message(lines: list[str], start: int) -> str:
    """The message for a table left unread, named by its id and title above it."""
    above = sorted(k for k in range(start - 1, max(-1, start - 9), -1) if lines[k].strip())[-4:]
    named = [lines[k].strip() for k in above if re.match(r"^\s*附?表", lines[k]) or lines[k].rstrip().endswith("表")]
    zh, en = (" ".join(named),) * 2 if named else ("（标题未识别）", "(title not found)")
    return (
        f"表格未能可靠读取 {zh}：单元格过窄，名称和金额折行，无法分清各行，请查阅 PDF 原件"
        f" / table {en} not read: its cells are so narrow that names and amounts wrap and its rows cannot be"
        " told apart (check the PDF itself)"
    )


def _runs_of_one_row(lines: list[str], body: list[int], placed_of: dict[int, list]) -> bool:
    """Whether the body's runs of lines between blank lines hold a row each: in four of
    five runs or more, no column starts two items or two figures."""
    runs: list[list[int]] = []
    for k in body:
        if runs and not any(not lines[m].strip() for m in range(runs[-1][-1] + 1, k)):
            runs[-1].append(k)
        else:
            runs.append([k])
    one = 0
    for run in runs:
        starts = [j for k in run for j, c in placed_of[k] if _starts_row(c[2])]
        one += len(starts) == len(set(starts))
    return one >= 0.8 * len(runs)


def _one_header(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """A 收支总表's header lines, its column names wrapped over them and stepping down a
    line a group where a browser centred them, as one row on its first line (each
    column's pieces joined), under the line of group names (收入 … 支出) if there is
    one: the row that names every column group. As read where the pieces joined do not
    name a label and a figure (预算数) in each pair."""
    first = _first_figure_row(rows) or 0
    start = 1 if first and _group_names([c for c in rows[0][1] if c]) else 0
    if first - start < 2:
        return rows
    cells = [""] * len(rows[start][1])
    for _, row in rows[start:first]:
        cells = [_join(a, b) for a, b in zip(cells, row)]
    # Only where it names every pair: a label's name, then a figure's (预算数) alone.
    if not all(
        (j % 2 == 0 and c and not _FIGURE_NAME.match(c))
        or (j % 2 == 1 and (_FIGURE_NAME.match(c) or _BUDGET_FIGURE.match(c)))
        for j, c in enumerate(cells)
    ):
        return rows
    return [*rows[:start], (rows[start][0], cells), *rows[first:]]


def _shown_first(lines: list[str], idx: list[int], shown_reading, shown, grid_reading, grid):
    """Whether the display-width reading of a block read in order (`shown`) is taken
    over pdftotext's grid read in order (`grid`): the one in which more of a 收支总表's
    column groups add up (a browser's rows, their cells centred in the row's height, step
    down a line a column group, and one reading may put a step in the wrong columns),
    else, in a pair table, the one that leaves fewer pieces of wrapped names on rows of
    their own (_loose_rows), else the one whose cells sit nearer their columns. With the
    rows of the reading taken, where they were built to choose (else None)."""
    if len(shown[0]) == len(grid[0]) and len(shown[0]) >= 4 and len(shown[0]) % 2 == 0:
        both = [_rows(lines, idx, shown_reading, shown), _rows(lines, idx, grid_reading, grid)]
        npair = len(shown[0]) // 2
        adding_up = [groups_adding_up(rows, npair) for rows in both]
        loose = [_loose_rows(rows) for rows in both]
        if adding_up[0] != adding_up[1]:
            first = adding_up[0] > adding_up[1]
        elif loose[0] != loose[1] and all(is_pair_table(rows, npair) for rows in both):
            first = loose[0] < loose[1]  # a wrapped name's last piece, alone, went to the wrong column
        else:
            first = shown[2] < grid[2]
        return first, both[0] if first else both[1]
    if len(shown[0]) % 2 and len(grid[0]) == len(shown[0]) + 1 and len(grid[0]) >= 4:
        # Display widths ran two columns into one (LibreOffice's narrow label column beside
        # its amounts, one space apart): the grid's label/amount pairs, where they add up.
        rows = _rows(lines, idx, grid_reading, grid)
        if groups_adding_up(rows, len(grid[0]) // 2) >= 2:
            return False, rows
    return shown[2] < grid[2], None


def _first_figure_row(rows: list[tuple[int, list[str]]], default: int | None = None) -> int | None:
    """The index of the first row that holds a figure (the rows above are the header)."""
    return next((n for n, (_, cells) in enumerate(rows) if any(_AMOUNT.match(c) for c in cells)), default)


def _unnamed(rows: list[tuple[int, list[str]]]) -> int:
    """How many columns holding figures the header (its last line of two names or more
    above the first figure) leaves without a name."""
    first = _first_figure_row(rows)
    head = next((cells for _, cells in reversed(rows[:first]) if sum(map(bool, cells)) >= 2), None) if first else None
    if head is None:
        return 0
    return sum(j >= len(head) or not head[j] for j in _figure_columns(rows[first:]))


def _figure_columns(rows: list[tuple[int, list[str]]]) -> dict[int, list[int]]:
    """The columns that hold figures, each with the rows (their places) it holds them in."""
    out: dict[int, list[int]] = {}
    for n, (_, cells) in enumerate(rows):
        for j, c in enumerate(cells):
            if _AMOUNT.match(c):
                out.setdefault(j, []).append(n)
    return out


def _stepped(columns: dict[int, list[int]]) -> bool:
    """Whether, of a table's figure columns (_figure_columns), two or more hold a figure
    each, and only one, on two rows or more (a figure a row, stepping right or left from
    row to row)."""
    return (
        len(columns) >= 2
        and all(len(at) == 1 for at in columns.values())
        and len({at[0] for at in columns.values()}) >= 2
    )


_LABEL_NAME = re.compile(r"名称|项目|科目|编码|类别|单位$")


def _under_their_names(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """A table of three body lines or fewer whose cells and column names the columns set
    apart (a browser centres 单位名称 over a wide column, its name flush left; a figure
    flush right under 合计): each column of cells without a name moved into the one
    column beside it that has a name and no cells, where every such column has one, and
    no figure goes under a label's name (…名称, 项目, 科目…); as read otherwise."""
    first = _first_figure_row(rows)
    if not first:
        return rows
    ncol = len(rows[0][1])
    named = [any(cells[j] for _, cells in rows[:first]) for j in range(ncol)]
    filled = [any(cells[j] for _, cells in rows[first:]) for j in range(ncol)]
    into = {}
    for j in (j for j in range(ncol) if filled[j] and not named[j]):
        beside = [i for i in (j - 1, j + 1) if 0 <= i < ncol and named[i] and not filled[i] and i not in into.values()]
        if len(beside) != 1:
            return rows
        figures = any(_AMOUNT.match(cells[j]) for _, cells in rows[first:])
        name = "".join(cells[beside[0]] for _, cells in rows[:first])
        if figures and _LABEL_NAME.search(name):
            return rows
        into[j] = beside[0]
    if not into:
        return rows
    out = []
    for n, (k, cells) in enumerate(rows):
        cells = list(cells)
        for j, i in into.items():
            if n >= first:
                cells[i], cells[j] = cells[j], ""
        out.append((k, [c for j, c in enumerate(cells) if j not in into]))
    return out


def _loose_rows(rows: list[tuple[int, list[str]]]) -> int:
    """How many rows from the first figure's on hold neither a figure nor an item's
    start: pieces of wrapped names that joined no row (their column misjudged). (A row
    of short figures only, 100 or 0, counts too, alike in either reading.)"""
    first = _first_figure_row(rows, len(rows))
    return sum(not any(_starts_row(c) for c in cells if c) for _, cells in rows[first:] if any(cells))


def _npair(rows: list[tuple[int, list[str]]]) -> int:
    """How many label/amount column pairs the rows could hold (0: not a pair table)."""
    ncol = len(rows[0][1]) if rows else 0
    return ncol // 2 if ncol >= 4 and ncol % 2 == 0 else 0


def _placed(reading, order, ks: list[int]) -> dict[int, list]:
    """Each line's pieces with their columns: as read in order (`order`), else by the
    reading's columns."""
    chunks, cols = reading[1], reading[4]
    if order is None:
        return {k: [(_column_of(c, cols), c) for c in chunks[k]] for k in ks}
    cols, of_body, _ = order
    return {k: of_body.get(k) or [(_column_of(c, cols), c) for c in chunks[k]] for k in ks}


def _rows(lines: list[str], idx: list[int], reading, order) -> list[tuple[int, list[str]]]:
    """The block's rows (the line each starts on, its cells) in a reading (see _reading),
    its cells placed in order (`order`, see _in_order) or by its columns (None)."""
    cjk, chunks, head, body, cols = reading
    cols = order[0] if order is not None else cols
    placed_of = _placed(reading, order, idx)
    merged: set[int] = set()
    if cjk == 1 and len(head) >= 2:
        # In pdftotext's grid, a header row printed with its cells centred in its height: the pieces of its
        # wrapped cells above and below the line of its one-line cells. Its lines are one
        # row, below a line of group names (收入 … 支出) if there is one.
        # Up to the header printed again after a page break (its lines are skipped below).
        once: list[int] = []
        for k in head:
            if any(squashed(lines[k]) == squashed(lines[m]) for m in once):
                break
            once.append(k)
        first = once[0]
        groups = _group_names([c[2] for _, c in placed_of[first]])
        rest = once[1:] if groups else once
        # Centred, not top-aligned: the line of one-line cells, with the most, is not the first.
        if len(rest) >= 2 and max(rest, key=lambda k: len(placed_of[k])) != rest[0]:
            placed_of[rest[0]] = [p for k in rest for p in placed_of[k]]
            merged |= set(rest[1:])
    head_texts = {squashed(lines[k]) for k in head}
    ncol = len(cols)
    widest = [0] * ncol
    for k in body or idx:
        if _header_again(chunks[k]):
            continue  # its names are no cells: the header printed again, wrapped otherwise
        for j, c in placed_of[k]:
            widest[j] = max(widest[j], c[1] - c[0] if cjk == 2 else width_of(c[2]))

    # A line starts a row, unless it has no amount and every piece of it sits under a
    # cell that filled its column (a wrapped cell), or the table puts blank lines
    # between its rows and this line follows its row directly.
    # A cell wraps at its printed width, so pieces are measured as printed; in pdftotext's
    # grid only a character's room short of the widest (a display width's columns drift).
    slack = 4 if cjk == 2 else 2
    # Whole 元 ungrouped (6439654) are figures where the table prints no decimals; beside
    # 1951872.92, a bare 1998194 is a figure cut.
    decimals = any("." in c[2] for k in body for c in chunks[k] if _AMOUNT.match(c[2]))
    with_decimals = {j for k in body for j, c in placed_of[k] if "." in c[2] and _PRINTED_AMOUNT.match(c[2])}
    figure = _PRINTED_AMOUNT if decimals else _ROW_FIGURE
    # Rows set apart by blank lines: one line each, or runs of lines that each hold one
    # row (cells wrapped and centred in the row's height, as LibreOffice prints a table:
    # no column starts two items or two figures in a run).
    apart = sum(1 for k in body[1:] if not lines[k - 1].strip())
    gapped = apart >= 0.6 * max(1, len(body) - 1) or (apart >= 3 and _runs_of_one_row(lines, body, placed_of))
    rows: list[tuple[int, list[str]]] = []
    seen_head: set[str] = set()
    last_piece: list[str] = [""] * ncol
    last_at: list[int] = [0] * ncol  # where each column's last piece starts
    broken = False  # the header printed again after a page break was just passed, below a body row
    body_lines = set(body)
    for n, k in enumerate(idx):
        in_body = n >= len(head)
        bare = squashed(lines[k])
        if k in merged:
            seen_head.add(bare)
            continue
        if bare in head_texts and (in_body or bare in seen_head):
            broken = bool(rows) and rows[-1][0] in body_lines
            continue  # the header repeated after a page break
        seen_head.add(bare)
        placed = placed_of[k]
        completes = False  # the line holds the rests of every figure the row above cut
        if rows and in_body:
            # A figure's rest sits anywhere under its cell (in the grid, and in a
            # display-width reading of it): the cut figures above take the line's digit
            # pieces in order, and the pieces of wrapped labels between two rests go to
            # a column between theirs.
            # In a column that prints decimals, a whole number as wide as the column's
            # widest piece is cut too (1035511 / 4.00), and its rest may carry the
            # decimals whole (not in a code column: 2080505; not a short 1000 above 12.50).
            cut = [
                j
                for j in range(ncol)
                if _SURELY_CUT.match(c := rows[-1][1][j])
                or (j in with_decimals and _WHOLE.match(c) and width_of(c) >= widest[j] - 1)
            ]
            digits = [c for _, c in placed if _DIGITS.match(c[2]) or (with_decimals and _DECIMAL_REST.match(c[2]))]
            if cut and len(digits) == len(cut):
                completes = True
                at = {c: cut[m] for m, c in enumerate(digits)}
                placed = [(at[c], c) if c in at else (j, c) for j, c in placed]
                placed = [(j if c in at else _between(j, c, at, ncol), c) for j, c in placed]
        if rows and cjk == 1 and not any(_AMOUNT.match(c[2]) for _, c in placed):
            # A wrapped cell's piece drifts left in the grid, under the cell before it:
            # a table id or an item number is never continued, the text beside it is.
            taken = {j for j, _ in placed}
            placed = [
                (j + 1, c)
                if j + 1 < ncol and _CELL_EDGE.match(last_piece[j]) and last_piece[j + 1] and j + 1 not in taken
                else (j, c)
                for j, c in placed
            ]
        if rows and in_body and cjk == 1:
            if not any(_AMOUNT.match(c[2]) and not _DIGITS.match(c[2]) for _, c in placed):
                # A wrapped label's piece sits at its cell's printed start, which the piece
                # above (pushed right by a figure before it, never left) is at or right of.
                placed = _under_their_cells(placed, last_piece, last_at)
            # The rest of figures a narrow cell wrapped (14,764,51 / 0): digits under a
            # cut figure; the pieces of labels wrapped in the same row may share the line.
            placed = _under_figures(placed, rows[-1][1], last_piece, last_at)
        rests = [
            (j, c)
            for j, c in placed
            if rows
            and in_body
            and (_DIGITS.match(c[2]) or (completes and _DECIMAL_REST.match(c[2])))
            and _CUT_AMOUNT.match(rows[-1][1][j])
        ]
        others = [(j, c) for j, c in placed if (j, c) not in rests]
        wraps = [
            bool(last_piece[j])
            and (
                width_of(last_piece[j]) >= widest[j] - slack or (cjk == 1 and _no_room(last_piece[j], c[2], widest[j]))
            )
            and not _opens_item(c[2])
            and not _AMOUNT.match(c[2])
            for j, c in others
        ]
        filled = all(wraps)
        # Cells centred in a row's height (a browser's): a numbered item's figure lands
        # on a later line of the row than its label (beside the label's wrapped rest, or
        # under a label's first line standing alone); the line's other cells go to
        # columns the row left empty, one each, or wrap on.
        wrapped = {j for w, (j, _) in zip(wraps, others) if w and width_of(last_piece[j]) >= widest[j] - slack}
        staggered = (
            bool(rows)
            and in_body
            and not gapped
            and all(j in wrapped or not rows[-1][1][j] for j, _ in others)
            and len({j for j, _ in others}) == len(others)
            and (
                _its_figure(others, rows[-1][1], wrapped, figure)
                or (
                    all(_ITEM_LABEL.match(c[2]) for _, c in others)
                    and n + 1 < len(idx)
                    and _its_figure(placed_of[idx[n + 1]], rows[-1][1], set(), figure)
                )
            )
        )
        # Rows set apart by blank lines: a line right below another is the same row's,
        # unless it opens a second item or brings a second figure to a column (its cells
        # centred in the row's height, a label's first line may come after another
        # column's, and a figure beside a label's middle line).
        cont = (
            bool(rows)
            and (n != len(head) or not head)
            and (
                staggered
                or (
                    (
                        lines[k - 1].strip() != ""
                        # a row cut by a page break: its cells' rests below the header printed
                        # again (a bare (一) is the end of a name, 机关资本性支出 / (一))
                        or (
                            broken
                            and all(
                                rows[-1][1][j] and (not _starts_row(c[2]) or _BARE_NUMBER_IN_BRACKETS.match(c[2]))
                                for j, c in others
                            )
                        )
                    )
                    and not any(
                        (_AMOUNT.match(c[2]) or (_opens_item(c[2]) and not name_ends(rows[-1][1][j], c[2])))
                        and rows[-1][1][j]
                        for j, c in others
                    )
                    if gapped and in_body
                    else not any(_AMOUNT.match(c[2]) for _, c in others) and filled
                )
            )
        )
        if (
            not cont
            and rows
            and in_body
            and not gapped
            and others
            and all(_TARGET.match(c[2]) and not _AMOUNT.match(c[2]) and not rows[-1][1][j] for j, c in others)
            and not any(_TARGET.match(c) for c in rows[-1][1])
        ):
            # A target alone on a line, its row's other cells wrapped above and below it
            # (centred in the row's height, as Word prints a 绩效目标表): the row's, whose
            # target cell is still empty.
            cont = True
        broken = False
        if rests and (not others or cont or completes):
            for j, c in rests:
                rows[-1][1][j] += c[2]
            placed = others
        elif not cont:
            rows.append((k, [""] * ncol))
            last_piece = [""] * ncol
            last_at = [0] * ncol
        cells = rows[-1][1]
        for j, c in placed:
            cells[j] = _join(cells[j], c[2])
            last_piece[j] = c[2]
            last_at[j] = c[0]
    _by_identities(rows)
    return rows


def _by_groups(rows: list[tuple[int, list[str]]], reading, order) -> list[tuple[int, list[str]]] | None:
    """A table of label/amount column pairs (a 收支总表's income, function, 部门 and 政府
    economic classes side by side) read one pair at a time, from where its pieces were
    placed: a label that opens an item (1、 (1) 其中 本年收入合计 …) starts one, other
    pieces continue the one above, and an amount goes to the item whose lines it is on
    (else the nearest). Where a browser centres each cell in its row's height, an item
    of one group may start a line above or below its row's other items; only within a
    group does the order of items matter to the sums. The rows before the first amount
    (`rows`, as read) are kept. None when an amount has no item of its own. A dash
    (－, —) for an empty amount is left empty."""
    chunks, body = reading[1], reading[3]
    first = next((k for k, cells in rows if any(_AMOUNT.match(c) for c in cells)), None)
    if first is None:
        return None
    lines = [k for k in body if k >= first and not _header_again(chunks[k])]
    placed = _placed(reading, order, lines)
    out: dict[int, list[str]] = {}
    ncol = len(rows[0][1])
    for g in range(ncol // 2):
        items: list[list] = []  # [first line, last line, label, amount]
        amounts = []
        for k in lines:
            for j, c in placed[k]:
                if _DASH.match(c[2]) and j in (2 * g, 2 * g + 1):
                    continue
                if j == 2 * g + 1 or (j == 2 * g and _AMOUNT.match(c[2])):
                    amounts.append((k, c[2]))
                elif j == 2 * g:
                    if not items or (_ITEM.match(c[2]) and not _BARE_NUMBER_IN_BRACKETS.match(c[2])):
                        items.append([k, k, c[2], ""])
                    else:
                        items[-1][1], items[-1][2] = k, _join(items[-1][2], c[2])
        for k, text in amounts:
            if not _AMOUNT.match(text) or not items:
                return None
            far = [max(it[0] - k, k - it[1], 0) for it in items]
            least = min(far)
            near = [it for it, d in zip(items, far) if d == least]
            if len(near) != 1 or near[0][3]:
                return None
            near[0][3] = text
        for k, _, label, amount in items:
            cells = out.setdefault(k, [""] * ncol)
            cells[2 * g], cells[2 * g + 1] = label, amount
    return [(k, cells) for k, cells in rows if k < first] + sorted(out.items())


def _header_again(line: list[tuple[int, int, str]]) -> bool:
    """Whether a body line is the header printed again after a page break (names, one a
    budget figure's, 预算数, and another, and no amount), whose names a narrower page
    may wrap otherwise."""
    words = [w for c in line for w in c[2].split()]
    return (
        len(words) >= 2 and not any(_AMOUNT.match(c[2]) for c in line) and any(_BUDGET_FIGURE.match(w) for w in words)
    )


def _its_figure(placed: list, row: list[str], wrapped: set[int], figure: re.Pattern) -> bool:
    """Whether a printed amount of the line (`figure`: what the table prints as one) goes
    to a column the row left empty, beside a numbered item's label in the row whose rest,
    if any, wraps on this line."""
    return any(
        0 < j < len(row)
        and not row[j]
        and (
            (figure.match(c[2]) and _ITEM_LABEL.match(row[j - 1]))
            # a performance table's target beside its indicator (指标1: … / ≥90%)
            or (_TARGET.match(c[2]) and _INDICATOR.match(row[j - 1]))
        )
        and (j - 1 in wrapped or not any(i == j - 1 for i, _ in placed))
        for j, c in placed
    )


def _by_identities(rows: list[tuple[int, list[str]]]) -> None:
    """A 合计 column and its parts (合计 | 基本支出 | 项目支出, or 本年预算数 | 基本支出 |
    项目支出 after a 上年预算数 column): where a row's 合计 is not the sum of its parts or
    a column does not add up to the table's 合计 row, the rows' figures moved (in order)
    to the columns where every identity holds, when exactly one such reading exists (a
    reading cannot tell whether a figure a wrap pushed right belongs to 基本支出 or
    项目支出; the sums can). In place."""
    head = next((n for n, (_, c) in enumerate(rows) if not any(_AMOUNT.match(x) for x in c)), None)
    if head is None:
        return
    names = [squashed(x) for x in rows[head][1]]
    t = next((j for j, x in enumerate(names) if _TOTAL.match(x)), None)
    if t is None:  # the figure column right before 基本支出
        t = next(
            (j - 1 for j, x in enumerate(names) if j and x == "基本支出" and _BUDGET_FIGURE.match(names[j - 1])), None
        )
    if t is None:
        return
    group = [t]
    while group[-1] + 1 < len(names) and names[group[-1] + 1] and not _TOTAL.match(names[group[-1] + 1]):
        group.append(group[-1] + 1)
    # Figure columns before it (上年预算数) take figures too, outside the identity.
    span = list(group)
    while span[0] > 0 and _BUDGET_FIGURE.match(names[span[0] - 1]):
        span.insert(0, span[0] - 1)
    if len(group) < 3:
        return
    total_row, body = None, []
    for n in range(head + 1, len(rows)):
        cells = rows[n][1]
        vals = [(j, _cents(cells[j])) for j in span if cells[j].strip()]
        if any(v is None for _, v in vals):
            return  # text or a cut figure among the amounts: not this shape
        if any(_TOTAL.match(x) for x in cells[: span[0]]):
            total_row = total_row if total_row is not None else dict(vals)
        elif vals:
            body.append((n, vals, cells[0].strip()))
    codes = [c for _, _, c in body if c.isdigit()]
    # Column sums over the most detailed rows: a 类 or 款 row repeats its 项 rows' sums.
    leaves = {
        n
        for n, _, code in body
        if not codes or (code.isdigit() and not any(c != code and c.startswith(code) for c in codes))
    }
    if total_row is None or len(leaves) > 40:
        return

    def holds(cols: tuple[int, ...], vals) -> bool:
        v = dict(zip(cols, (x for _, x in vals)))
        return t in v and abs(v[t] - sum(v.get(j, 0) for j in group[1:])) <= len(group) - 1

    now = [tuple(j for j, _ in vals) for _, vals, _ in body]
    # Each row's readings: as read first, if its 合计 holds; else those where it does.
    options = []
    for cols, (_, vals, _) in zip(now, body):
        fits = [c for c in combinations(span, len(vals)) if holds(c, vals)]
        options.append([cols] + [c for c in fits if c != cols] if holds(cols, vals) or not fits else fits)

    as_read = [[c] for c in now]
    if all(o[0] == c for o, c in zip(options, now)) and _readings_that_add_up(body, as_read, leaves, span, total_row):
        return
    good = _readings_that_add_up(body, options, leaves, span, total_row)
    if len(good) != 1:
        return
    for (n, vals, _), cols in zip(body, good[0]):
        cells = rows[n][1]
        texts = [cells[j] for j, _ in vals]
        for j in span:
            cells[j] = ""
        for j, x in zip(cols, texts):
            cells[j] = x


def _readings_that_add_up(body: list, options: list, leaves: set, group: list[int], total: dict) -> list:
    """Up to two choices of a reading per row (options) whose part columns add up to
    the 合计 row (total) over the leaf rows: a search that drops a partial choice as
    soon as a column passes its total (amounts are not negative; with a negative one,
    no search)."""
    if any(x < 0 for _, vals, _ in body for _, x in vals) or any(x < 0 for x in total.values()):
        return []
    slack = len(leaves)
    found: list = []
    sums = dict.fromkeys(group, 0)
    steps = [0]

    def walk(r: int, chosen: list) -> None:
        steps[0] += 1
        if len(found) > 1 or steps[0] > 100_000:
            return
        if r == len(body):
            if all(abs(sums[j] - total.get(j, 0)) <= slack for j in group):
                found.append(list(chosen))
            return
        n, vals, _ = body[r]
        for cols in options[r]:
            if n in leaves:
                for j, (_, x) in zip(cols, vals):
                    sums[j] += x
            if all(sums[j] <= total.get(j, 0) + slack for j in group):
                chosen.append(cols)
                walk(r + 1, chosen)
                chosen.pop()
            if n in leaves:
                for j, (_, x) in zip(cols, vals):
                    sums[j] -= x

    walk(0, [])
    return found if steps[0] <= 100_000 else []


def _cents(text: str) -> int | None:
    """A whole amount in hundredths of its printed unit, or None (text, a cut figure)."""
    s = text.replace(",", "").replace("−", "-")
    if not re.fullmatch(r"-?\d+(?:\.\d{1,2})?", s):
        return None
    return round(float(s) * 100)


def _under_their_cells(placed: list, last_piece: list[str], last_at: list[int]) -> list:
    """placed with each label piece that continues no item moved to the column whose
    last piece in the row starts nearest it, right of it or a few columns left (a
    hanging indent), when that keeps the line's columns in order."""
    moved = []
    for j, c in placed:
        if not _DIGITS.match(c[2]) and not _opens_item(c[2]):
            # (A figure, a table id or an item number is never continued.)
            above = [i for i, t in enumerate(last_piece) if t and not _CELL_EDGE.match(t) and last_at[i] >= c[0] - 3]
            if above:
                j = min(above, key=lambda i: abs(last_at[i] - c[0]))
        moved.append((j, c))
    js = [j for j, _ in moved]
    return moved if all(a < b for a, b in zip(js, js[1:])) else placed


def _under_figures(placed: list, cells: list[str], last_piece: list[str], last_at: list[int]) -> list:
    """placed with each digit piece under a whole figure of the row above that it may
    end (cut where no point or comma shows it) in that figure's column. Both are
    right-aligned in the cell, so the figure ends where its rest ends, or right of it
    when the text before pushed it: in order, each piece to the next figure whose end
    is nearest at or right of its own."""
    ends = [
        (last_at[i] + width_of(t), i)
        for i, t in enumerate(last_piece)
        if t and t == cells[i] and _CUT_AMOUNT.match(t) and not _SURELY_CUT.match(t)
    ]
    out, after = [], -1
    for j, c in placed:
        if _DIGITS.match(c[2]) and not _SURELY_CUT.match(cells[j]):
            right = [(end, i) for end, i in ends if i > after and end >= c[1] - 1]
            if right:
                j = after = min(right)[1]
        out.append((j, c))
    return out


def _between(j: int, chunk: tuple, at: dict, ncol: int) -> int:
    """The column nearest j between those of the rests (chunk: column) left and right
    of chunk on its line."""
    lo = max((col for c, col in at.items() if c[0] < chunk[0]), default=-1)
    hi = min((col for c, col in at.items() if c[0] > chunk[0]), default=ncol)
    return j if lo < j < hi or hi - lo < 2 else min(range(lo + 1, hi), key=lambda x: abs(x - j))


def _parts(lines: list[str], start: int, stop: int, pages: list[int]) -> list[int]:
    """Where a block's parts of other columns may start: page starts with text after
    them, and a second header (three names or more, no figure) below rows of figures."""
    out = {p for p in pages if start < p < stop and any(lines[k].strip() for k in range(p, stop))}
    seen_figures = False
    for k in range(start, stop):
        pieces = lines[k].split()
        if any(_AMOUNT.match(x) for x in pieces):
            seen_figures = True
        elif seen_figures and len(pieces) >= 3 and all(_LABEL_START.match(x) and len(x) <= 8 for x in pieces):
            out.add(k)
    return sorted(out)


def _no_room(piece: str, nxt: str, room: int) -> bool:
    """Whether the first word of nxt would not have fit after piece in a cell `room` wide
    (as printed): piece was wrapped there (``$\\geq`` / ``150\\%$``)."""
    first = re.match(r"[!-~]+|.", nxt)
    word = first.group() if first else ""
    return width_of(piece) + (1 if piece[-1:].isascii() and word[:1].isascii() else 0) + width_of(word) > room


def _in_order(
    chunks: dict, head: list[int], body: list[int], pages: list[int] = (), figures: bool = False, grid: bool = False
) -> tuple[list[tuple[int, int]], dict, float] | None:
    """pdftotext's grid as poppler fills it: each piece of text at its printed x over the
    grid pitch, one character a column, a space past the text before it. Figures overrun
    their printed width and push the next cell right, so a column's cells start a few
    characters apart from row to row and gutters fill up; but the order of the cells
    holds. Columns come from the rows that print the most cells, each a text column
    (where its cells start) or an amount column (where they end, right-aligned); every
    body line's cells go to columns in order, each as near its column's edge as it can,
    an amount in an amount column; a header's cells each go to the column whose middle
    is nearest theirs. When a header line names more columns than any row fills (a
    one-row 表2), its cells are the columns, and every cell goes to the nearest middle.
    Poppler lays out each page on its own: a table's rows on the next page (`pages`: the
    lines that start one) take their edges from the fullest rows of that page, if any.
    (columns, {line: [(column, chunk)]}), or None when a line has more cells than
    columns or an amount no amount column takes."""
    n = max((len(chunks[k]) for k in body), default=0)
    names = max(
        (k for k in head if not any(_AMOUNT.match(c[2]) for c in chunks[k])), key=lambda k: len(chunks[k]), default=None
    )
    placed = {}
    spent: list = []  # each body line's distance from its columns
    stacked = _header_spans(chunks, head)
    if len(stacked) > n:  # more columns named than any row has cells
        chunks = chunks | {k: _lone_ends_joined(chunks[k]) for k in head}
        stacked = _header_spans(chunks, head)
    if names is not None and max(len(chunks[names]), len(stacked)) > n:
        cols = stacked if len(stacked) > len(chunks[names]) else [(a, b) for a, b, _ in chunks[names]]
        kinds: list[bool | None] = [None] * len(cols)
        middles = [a + b for a, b in cols]
        lines = body
    else:
        full = [chunks[k] for k in body if len(chunks[k]) == n]
        if n < 2:
            return None
        kinds = [2 * sum(bool(_AMOUNT.match(r[i][2])) for r in full) > len(full) for i in range(n)]
        if figures and not any(kinds):
            return None  # no figures to align on (a 目录): read by its columns

        def edges_of(rows: list) -> list[int]:
            return [sorted(r[i][1] if kinds[i] else r[i][0] for r in rows)[len(rows) // 2] for i in range(n)]

        page_of = {k: bisect_right(pages, k) for k in body}
        edges = {None: edges_of(full)}
        for pg in set(page_of.values()):
            on_page = [chunks[k] for k in body if page_of[k] == pg and len(chunks[k]) == n]
            edges[pg] = (
                edges_of(on_page)
                if on_page
                else _shifted(edges[None], kinds, [chunks[k] for k in body if page_of[k] == pg])
            )
        # Full rows are mostly pushed; the cells a wider gap from the one before sit where
        # they were printed: their edges, once placed, are the columns' (twice over).
        for _ in range(3):
            spent.clear()
            last: list[dict[str, int]] = [{} for _ in range(n)]  # each column's last item number
            for k in body:
                js = _nearest_in_order(chunks[k], kinds, edges[page_of[k]], pushed=True, spent=spent, last=last)
                if js is None:
                    return None
                placed[k] = list(zip(js, chunks[k]))
                for j, c in placed[k]:
                    if number := _number_of(c[2]):
                        last[j][number[0]] = number[1]
            # Cells of lines that start a row only (an amount or an item in them), and
            # no figure's rest: a wrapped cell's rest sits anywhere under its cell.
            starts = {k for k in body if any(_starts_row(c[2]) for c in chunks[k])}
            free_of: dict = {}  # each page's free cells' edges, by column
            for pg in set(page_of.values()):
                free: list[list[int]] = free_of.setdefault(pg, [[] for _ in range(n)])
                for k in body:
                    if page_of[k] == pg and k in starts:
                        for m, (j, c) in enumerate(placed[k]):
                            if _DIGITS.match(c[2]):
                                continue
                            if m == 0 or c[0] - placed[k][m - 1][1][1] > 1:
                                free[j].append(c[1] if kinds[j] else c[0])
                edges[pg] = [sorted(f)[len(f) // 2] if f else e for f, e in zip(free, edges[pg])]
        cols = [(min(r[i][0] for r in full), max(r[i][1] for r in full)) for i in range(n)]
        # The header's middles: its page's columns, from their edges by their cells' widths.
        top = edges.get(bisect_right(pages, head[-1]) if head else None, edges[None])
        # A column with no free cell on the header's page (all pushed, or no row on
        # it) takes its edge from the free cells of the table's other pages.
        free_all = [sorted(x for f in free_of.values() for x in f[j]) for j in range(n)]
        top_free = free_of.get(bisect_right(pages, head[-1]) if head else None, [[]] * n)
        top = [e if f or not a else a[len(a) // 2] for e, f, a in zip(top, top_free, free_all)]
        widths: list[list[int]] = [[] for _ in range(n)]
        for k in body:
            for j, c in placed[k]:
                widths[j].append(c[1] - c[0])
        w = [sorted(x)[len(x) // 2] if x else 0 for x in widths]
        if grid:  # a figure printed in about 0.6 of the columns it takes, from its start
            top = [e - round(0.4 * x) if amount else e for e, x, amount in zip(top, w, kinds)]
            w = [round(0.6 * x) if amount else x for x, amount in zip(w, kinds)]
        # Where one printed cell ends and the next begins: before a text column's start,
        # after an amount column's end, else halfway from the text's end to the figures'.
        bounds = [top[0] - w[0] - 1 if kinds[0] else top[0] - 1]
        for i in range(n - 1):
            if not kinds[i + 1]:
                bounds.append(top[i + 1] - 1)
            elif kinds[i]:
                bounds.append(top[i] + 1)
            else:
                bounds.append((top[i] + w[i] + top[i + 1] - w[i + 1]) // 2)
        bounds.append(top[-1] + 1 if kinds[-1] else top[-1] + w[-1] + 1)
        middles = [bounds[i] + bounds[i + 1] for i in range(n)]
        lines = []
    # A header that names its amount columns 预算数 (表1) names the others' labels; one
    # that names them by what they hold (因公出国（境）费) puts its names over figures.
    named_figures = any(_FIGURE_NAME.match(c[2]) and not _TOTAL.match(c[2]) for k in head for c in chunks[k])
    # In the grid, a header naming as many columns as there are, its wrapped names
    # stacked: each piece in its name's column (the pieces of one name stay together,
    # wherever figures pushed the rows' cells).
    spans = _header_spans(chunks, head) if grid and not lines else []
    if len(spans) == len(middles) - 1:
        spans = _split_widest_gap(spans, [c for k in head for c in chunks[k]])
    for k in head if len(spans) == len(middles) else ():
        at = [next((i for i, (a, b) in enumerate(spans) if a <= c[0] and c[1] <= b), None) for c in chunks[k]]
        if None not in at:
            placed[k] = list(zip(at, chunks[k]))
    for k in lines + [k for k in head if k not in placed]:
        # In half columns: a middle. In pdftotext's grid a figure takes a column a
        # character but printed in about half as many (pitch 1.5 to 2): its printed
        # middle is nearer its start.
        row = [
            (m, m, t)
            for a, b, t in chunks[k]
            for m in [2 * a + round(0.6 * (b - a)) if grid and _AMOUNT.match(t) and k not in head else a + b]
        ]
        moved = [m > 0 and c[0] - chunks[k][m - 1][1] <= 1 for m, c in enumerate(chunks[k])]
        js = _nearest_in_order(
            row,
            kinds if k not in head or named_figures else [None] * len(kinds),
            middles,
            pushed=k not in head,
            header=k in head,
            moved=moved,
            spent=None if k in head else spent,
        )
        if js is not None:
            placed[k] = list(zip(js, chunks[k]))
        elif k in body:
            return None
    return cols, placed, sum(spent) / max(1, sum(len(chunks[k]) for k in body))


def _group_names(pieces: list[str]) -> bool:
    """Whether a header's first line is a few names of column groups (收 入 … 支 出):
    short, or letter-spaced; not the top line of wrapped column names (上缴上级)."""
    return len(pieces) <= 2 and all(len(t.replace(" ", "")) <= 2 or " " in t.strip() for t in pieces)


def _header_spans(chunks: dict, head: list[int]) -> list[tuple[int, int]]:
    """The columns the header names: its cells, those of its lines stacked (a wrapped
    name's pieces) as one; a first line of a few short group names (收入 … 支出) apart.
    A header printed again after a page break counts once."""
    once = {"".join(c[2] for c in chunks[k]).replace(" ", ""): k for k in reversed(head)}
    named = [k for k in head if once["".join(c[2] for c in chunks[k]).replace(" ", "")] == k]
    named = [k for k in named if not any(_AMOUNT.match(c[2]) for c in chunks[k])]
    if named and _group_names([c[2] for c in chunks[named[0]]]):
        named = named[1:]
    stacked: list[tuple[int, int]] = []
    for a, b in sorted((c[0], c[1]) for k in named for c in chunks[k]):
        if stacked and a < stacked[-1][1]:
            stacked[-1] = (stacked[-1][0], max(b, stacked[-1][1]))
        else:
            stacked.append((a, b))
    return stacked


def _lone_ends_joined(line: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A header line's pieces with a character standing alone right after a piece
    joined to it: a narrow name's last line printed beside the line above's pieces
    (公务用 / 车购置 / 费 as "车购置 费"), no name of its own."""
    out: list[tuple[int, int, str]] = []
    for a, b, t in line:
        if len(t) == 1 and out and a - out[-1][1] <= 1:
            out[-1] = (out[-1][0], b, out[-1][2] + t)
        else:
            out.append((a, b, t))
    return out


def _split_widest_gap(spans: list[tuple[int, int]], pieces: list) -> list[tuple[int, int]]:
    """One column short: the span whose pieces' centres lie furthest apart (two names a
    grid column apart stacked as one: 合计 over 因公出国) cut there; the pieces of one
    wrapped name are centred alike."""
    best = None
    for i, (a, b) in enumerate(spans):
        inside = sorted(((c[0] + c[1]) / 2, c[0], c[1]) for c in pieces if a <= c[0] and c[1] <= b)
        for m1, m2 in zip([x[0] for x in inside], [x[0] for x in inside[1:]]):
            if best is None or m2 - m1 > best[0]:
                end1 = max(x[2] for x in inside if x[0] <= m1)
                best = (m2 - m1, i, min(x[1] for x in inside if x[0] >= m2), end1)
    if best is None or best[0] < 1.5:
        return spans
    _, i, start2, end1 = best
    a, b = spans[i]
    return [*spans[:i], (a, end1), (start2, b), *spans[i + 1 :]]


def _shifted(edges: list[int], kinds: list[bool | None], rows: list) -> list[int]:
    """The edges moved left as far as a page's rows sit: poppler starts each page's grid
    at its leftmost text, so a page whose first columns are empty (a 表1 continued
    with expenditure only) starts further left. The shift that puts the rows nearest."""
    shifts = {0} | {e - r[0][0] for r in rows for e, amount in zip(edges, kinds) if not amount and e >= r[0][0]}

    def cost(s: int) -> float:
        spent: list = []
        for r in rows:
            _nearest_in_order(r, kinds, [e - s for e in edges], pushed=True, spent=spent)
        return sum(spent) + 1000 * (len(rows) - len(spent))

    best = min(sorted(shifts), key=cost, default=0)
    return [e - best for e in edges]


def _opens_item(text: str) -> bool:
    """Whether a piece opens an item: not a bare (一) or (2), the end of a wrapped name
    (机关资本性支出 / (一))."""
    return bool(_ITEM.match(text)) and not _BARE_NUMBER_IN_BRACKETS.match(text)


def _starts_row(text: str) -> bool:
    """Whether a cell is one only a row's first line holds: an item or an amount, not
    the few digits a wrapped figure leaves on the next line."""
    return bool(_ITEM.match(text) or (_AMOUNT.match(text) and not _DIGITS.match(text)))


def _number_of(text: str) -> tuple[str, int] | None:
    """(style, number) of a numbered item's label, or None."""
    m = _NUMBERED.match(text)
    return None if m is None else ("、", int(m[1])) if m[1] else ("()", int(m[2]))


def _nearest_in_order(
    row: list[tuple[int, int, str]],
    kinds: list[bool | None],
    edges: list[int],
    pushed: bool = False,
    header: bool = False,
    moved: list[bool] | None = None,
    spent: list | None = None,
    last: list[dict[str, int]] | None = None,
) -> list[int] | None:
    """The columns of a line's cells, increasing, that put each nearest its column's
    edge (for an amount column, kinds True, its right edge; a cell of the other kind far
    off; kinds None: any cell, by its start), or None when the line has more cells than
    columns or an amount lands in a text column. `pushed`: a cell one space after the one
    before was pushed right by it (poppler), so it may sit anywhere right of its edge.
    `header`: the cells name columns; a figure's name (预算数) goes over an amount column,
    another name rather over a text column (in the grid a header's place says little).
    `last`: each column's last item number by style; an item numbered N goes rather to a
    column whose last was N - 1 (a total table's rows where the first columns are empty
    sit left of where the full rows' cells were pushed)."""
    m, n = len(row), len(edges)
    if m > n:
        return None
    far = 1000
    # cost[j]: the least distance of the cells so far with the last one in column j.
    cost, back = [0] * n, []
    for i, (a, b, t) in enumerate(row):
        is_amount = bool((_FIGURE_NAME if header else _AMOUNT).match(t))
        right = pushed and i > 0 and (moved[i] if moved is not None else a - row[i - 1][1] <= 1)
        d = [
            (max(0, edges[j] - x) + max(0, x - edges[j]) / 4 if right else abs(x - edges[j]))
            + (0 if kinds[j] in (None, is_amount) else 20 if header and not is_amount else far)
            for j in range(n)
            for x in [b if kinds[j] else a]
        ]
        number = _number_of(t) if last is not None else None
        if number and number[1] > 1:
            follows = [last[j].get(number[0]) == number[1] - 1 for j in range(n)]
            if any(follows):
                d = [x + (0 if f else _OUT_OF_SEQUENCE) for x, f in zip(d, follows)]
        prev_best, prev_at, new, pick = None, -1, [far * far] * n, [-1] * n
        for j in range(n):
            if i == 0:
                new[j] = d[j]
            elif prev_best is not None:
                new[j], pick[j] = prev_best + d[j], prev_at
            if i > 0 and (prev_best is None or cost[j] < prev_best):
                prev_best, prev_at = cost[j], j
        cost = new
        back.append(pick)
    j = min(range(n), key=cost.__getitem__)
    if spent is not None:
        spent.append(cost[j])
    js = [j]
    for i in range(m - 1, 0, -1):
        j = back[i][j]
        js.append(j)
    js.reverse()
    if any(_AMOUNT.match(c[2]) and kinds[j] is False for j, c in zip(js, row)):
        return None
    return js
