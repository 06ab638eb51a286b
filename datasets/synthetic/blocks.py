"""A disclosure's text split into paragraphs and tables: the one splitting every renderer
(pdf, html, workbook, word) draws from.

The text is what the generator writes (or a real disclosure's text): paragraphs separated
by blank lines, soft line breaks inside a paragraph, headings, the 目录, and tables as
tab-separated rows or markdown pipe rows (``| a | b |``, a ``|---|`` separator row after
the first). The rules:

* ``normalise``: a leading BOM dropped, CRLF and CR made LF, a form feed a blank line,
  control characters other than tab and line ends dropped;
* ``blocks``: ("text", [(line no, line)]) and ("table", [(line no, cells)]) blocks, line
  numbers 1-based in the normalised text. A table row holds a tab or starts with ``|``
  and holds two; consecutive rows form one table, blank lines between them included; the
  separator row is dropped. Blank lines separate text blocks; text lines are right-stripped;
* ``paragraphs``: a text block cut where a line stands alone (a 第N部分 or 一、 heading,
  目录, 表N, a table title, a 单位 line, a ``- `` entry of the contents list), for
  renderers that give each such line a paragraph of its own (web pages, Word);
* ``header_rows``: a table's header is its leading rows that hold no amount, up to and
  including the first row with every cell filled; ``header_cells``: in a header row an
  empty cell continues the merged cell on its left.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PIPE_SEP = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")
AMOUNT = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?$")
PART = re.compile(r"^第[一二三四五六七八九十]+部分")
SECTION = re.compile(r"^[一二三四五六七八九十]+、")
CONTENTS = re.compile(r"^目\s*录$")
TABLE_NO = re.compile(r"^(?:附)?表\s*(?:\d+(?:-\d+)?|[一二三四五六七八九十]+)$")
# A table's number and title on one line (表一　2024年部门收支总表), as a 目录 entry of a
# plain list or a table's heading prints them.
NUMBERED_TITLE = re.compile(r"^(?:附)?表\s*(?:\d+(?:-\d+)?|[一二三四五六七八九十]+)[\s\u3000]+(?:19|20)\d{2}\s*年.*表")
TABLE_TITLE = re.compile(r"^(?:19|20)\d{2}\s*年.*表\s*(?:[（(][^）)]*[）)])?$")
UNIT = re.compile(r"^单位\s*[:：]")


class Block(NamedTuple):
    kind: str  # "text" | "table"
    items: list  # text: (line no, line); table: (line no, cells)

    @property
    def rows(self) -> list[list[str]]:
        """A table's rows of cells."""
        return [cells for _, cells in self.items]


def normalise(text: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    return _CONTROL.sub("", text)


def is_table_row(line: str) -> bool:
    s = line.strip()
    return bool(s) and ("\t" in line or (s.startswith("|") and s.count("|") >= 2))


def split_row(line: str) -> list[str] | None:
    """The cells of a table row; None for a markdown separator row (|---|---|)."""
    s = line.strip()
    if "\t" not in line and s.startswith("|"):
        if _PIPE_SEP.match(s):
            return None
        s = s[1:-1] if s.endswith("|") and len(s) > 1 else s[1:]
        return [c.strip() for c in s.split("|")]
    return [c.strip() for c in line.rstrip("\n").split("\t")]


def blocks(text: str) -> list[Block]:
    """The text as text and table blocks (see the module's rules)."""
    out: list[Block] = []
    blank = False
    for no, line in enumerate(normalise(text).split("\n"), 1):
        if not line.strip():
            blank = True
            continue
        if is_table_row(line):
            cells = split_row(line)
            if not (out and out[-1].kind == "table"):
                out.append(Block("table", []))
            if cells is not None:
                out[-1].items.append((no, cells))
        elif out and out[-1].kind == "text" and not blank:
            out[-1].items.append((no, line.rstrip()))
        else:
            out.append(Block("text", [(no, line.rstrip())]))
        blank = False
    return [b for b in out if b.items]


def is_heading(s: str) -> bool:
    """A short 一、… section heading (not a sentence that starts so)."""
    return bool(SECTION.match(s)) and len(s) <= 40 and not re.search(r"[。，,；;]", s)


def role(s: str) -> str:
    """What a stripped paragraph is: part (第N部分), contents (目录), section (一、…),
    table_no (表N, 表一, 附表1-1), caption (a table's title), unit (单位：…), entry (a
    ``- `` contents entry, or a table's number and title on one line) or body."""
    if PART.match(s):
        return "part"
    if CONTENTS.match(s):
        return "contents"
    if is_heading(s):
        return "section"
    if TABLE_NO.match(s):
        return "table_no"
    if TABLE_TITLE.match(s) and len(s) <= 80:
        return "caption"
    if UNIT.match(s):
        return "unit"
    if s.startswith("- ") or (NUMBERED_TITLE.match(s) and len(s) <= 80):
        return "entry"
    return "body"


def paragraphs(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """A text block cut into paragraphs: a line that stands alone is one of its own."""
    out: list[list[tuple[int, str]]] = []
    prev_alone = False
    for item in lines:
        alone = role(item[1].strip()) != "body"
        if out and not (alone or prev_alone):
            out[-1].append(item)
        else:
            out.append([item])
        prev_alone = alone
    return out


def pad(rows: list[list[str]]) -> list[list[str]]:
    """Rows padded with empty cells to the table's width."""
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def header_rows(rows: list[list[str]]) -> int:
    """How many leading rows are header rows: no amount in them, ending with the first
    row whose every cell is filled."""
    n = 0
    for r in rows:
        if any(AMOUNT.match(c) for c in r):
            break
        n += 1
        if all(r):
            break
    return n


def header_cells(row: list[str]) -> list[tuple[int, str, int]]:
    """(column, text, span) of a header row's cells: an empty cell widens the filled cell
    on its left (an empty cell with no filled cell on its left is a cell of its own)."""
    out: list[tuple[int, str, int]] = []
    for j, c in enumerate(row):
        if c or not out or not out[-1][1]:
            out.append((j, c, 1))
        else:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + 1)
    return out


def tables(text: str) -> list[list[list[str]]]:
    """The tables of the text, each a list of rows of cells."""
    return [b.rows for b in blocks(text) if b.kind == "table"]


def table_figures(text: str) -> list[str]:
    """Every amount printed in a table cell of the text, in order."""
    return [c for rows in tables(text) for r in rows for c in r if AMOUNT.match(c)]


def report_start(text: str) -> int | None:
    """1-based line where the 公开报表 part starts (the 目录 of the tables and the tables):
    the last 第N部分 heading before the first table, else the title lines right above
    that table; None for a text without tables. The lines before it are the narrative."""
    part = caption = None
    for b in blocks(text):
        if b.kind == "table":
            return part or caption or b.items[0][0]
        for para in paragraphs(b.items):
            r = role("".join(line for _, line in para).strip())
            if r == "part":
                part = para[0][0]
            caption = (caption or para[0][0]) if r in ("table_no", "caption", "unit", "contents") else None
    return None
