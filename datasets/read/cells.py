"""Grids of cells into the lines of a Document: the part the workbook, web page and Word
readers share.

A table is written the way the text conversions write it: its id line (表1), its title
line and its 单位 line above the rows, then one line per row with the cells separated by
tabs, every row as wide as the table (a merged cell's text in the first cell of its span,
empty cells after it). Leading rows that are really the table's caption (a title merged
across the table, 单位：万元, 编制单位：…) are written as those context lines, not as rows;
trailing one-cell rows (注：…) as text lines below it.
"""

from __future__ import annotations

import re

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009\u200b]+")
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]*[\r\n][\s\u00a0\u3000]*(?=[{_CJK}])")
_NUMERALS = "零一二三四五六七八九"
# 表1, 表 1-2, 表一, 附表1-1, 表十二; followed by the end, a separator or the title.
_ID = re.compile(
    r"^\s*(附)?表\s*(?:(\d+)(?:\s*[-－—–]\s*(\d+))?(?!\d)|([一二三四五六七八九十]+)(?:\s*[-－—–]\s*([一二三四五六七八九十\d]+))?"
    r"(?=$|[\s:：、.．(（]))\s*[:：、.．]?\s*(.*?)\s*$"
)
_TITLE = re.compile(r"表\s*(?:[(（][^)）]{0,12}[)）])?\s*$|一览表|明细表|总表|情况表")
_UNIT = re.compile(r"(?<!编制)(?:金额)?单位\s*[:：]\s*(?:人民币)?\s*(?:亿元|万元|千元|元)(?![\u4e00-\u9fff])")
_KEY_VALUE = re.compile(
    r"^\s*(?:编制单位|填报单位|部门名称|单位名称|预算单位|主管部门|部门\s*[(（]单位[)）]名称)\s*[:：]"
)
_NOTE = re.compile(r"^\s*(?:注|备注|说明|附注)\s*\d*\s*[:：]")


TOTAL = re.compile(r"^\s*(?:合\s*计|总\s*计)\s*$")


def name_ends(above: str, piece: str) -> bool:
    """Whether a 合计 or 总计 below a cell is the end of its wrapped name (本年支出 / 合计,
    a narrow column's or a page break's), not a row of its own."""
    return bool(TOTAL.match(piece)) and above.startswith(("本年", "上年")) and not above.endswith("计")


def clean(text: str) -> str:
    """A cell's or a line's text on one line: a line break between two Chinese characters
    (a wrapped cell) disappears, other white space runs become one space."""
    if "\n" in text or "\r" in text:
        text = _CJK_BREAK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def chinese_number(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 九十九 → 99; None for anything else."""
    if not s or any(ch not in _NUMERALS + "十" for ch in s):
        return None
    if "十" not in s:
        return _NUMERALS.index(s) if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_NUMERALS.index(tens) if tens else 1) * 10 + (_NUMERALS.index(ones) if ones else 0)


def table_id(text: str) -> tuple[str, str] | None:
    """("表1-1", the rest of the text) when the text starts with a table id such as 表1,
    表一, 附表1-1 (Chinese numerals as digits, 附表 as 表, the parser's form)."""
    m = _ID.match(text)
    if not m:
        return None
    if m.group(2):
        major, minor = m.group(2), m.group(3)
    else:
        major = chinese_number(m.group(4))
        if major is None:
            return None
        minor = m.group(5)
        if minor and not minor.isdigit():
            minor = chinese_number(minor)
            if minor is None:
                return None
    tid = f"表{int(major)}" + (f"-{int(minor)}" if minor else "")
    return tid, m.group(6)


def is_title(text: str) -> bool:
    return bool(_TITLE.search(text)) and len(text) <= 80 and not _UNIT.search(text)


def _context_cell(text: str) -> bool:
    return bool(table_id(text) or is_title(text) or _UNIT.search(text) or _KEY_VALUE.match(text))


def _context_row(row: list[str]) -> bool:
    """A caption row: one cell with the id, title or 单位 line, or only 单位-like cells
    (编制单位：… 单位：元). A 目录 row (表1, its title, 否) is not one."""
    filled = [c for c in row if c]
    if len(filled) == 1:
        return _context_cell(filled[0])
    return all(_UNIT.search(c) or _KEY_VALUE.match(c) for c in filled)


def table_lines(rows: list[list[str]], name_hint: str = "") -> list[str]:
    """The lines of the tables in a grid: each its context (id, title, unit), its tab
    rows, then its notes. A grid holds several tables when caption rows follow the
    rows of a table (a sheet with all the tables one under another).

    `rows` are cleaned cell texts, merged cells already blank after their first cell.
    `name_hint` is where the grid may carry its first table's id or title besides its
    own rows (a workbook's sheet name)."""
    rows = [r for r in rows if any(r)]
    segments: list[list[list[str]]] = []
    caption = False
    for r in rows:
        is_caption = _context_row(r)
        if not segments or (is_caption and not caption):
            segments.append([])
        segments[-1].append(r)
        caption = is_caption
    out: list[str] = []
    for k, segment in enumerate(segments):
        if out:
            out.append("")
        out.extend(_table_lines(segment, name_hint if k == 0 else ""))
    return out


def _table_lines(rows: list[list[str]], name_hint: str) -> list[str]:
    head: list[str] = []
    while len(rows) > 1 and _context_row(rows[0]):
        head.extend(c for c in rows.pop(0) if c)
    tail: list[str] = []
    while len(rows) > 1 and sum(1 for c in rows[-1] if c) == 1 and _NOTE.match(next(c for c in rows[-1] if c)):
        tail.insert(0, next(c for c in rows.pop() if c))
    # The table's columns: those with text in some row (a merged cell's span shrinks
    # by the columns that are empty throughout, which hold nothing).
    width = max(len(r) for r in rows)
    keep = [j for j in range(width) if any(j < len(r) and r[j] for r in rows)]
    rows = [[r[j] if j < len(r) else "" for j in keep] for r in rows]
    tid = title = None
    unit: list[str] = []
    other: list[str] = []
    for text in head:
        found = table_id(text)
        if found and tid is None:
            tid, rest = found
            if rest:
                title = title or rest
        elif _UNIT.search(text):  # 单位：万元, also 编制单位：… 单位：万元 on one line
            unit.append(text)
        elif is_title(text) and title is None:
            title = text
        else:
            other.append(text)
    hint = clean(name_hint)
    if hint:
        found = table_id(hint)
        if found:
            tid = tid or found[0]
            if found[1] and title is None and is_title(found[1]):
                title = found[1]
        elif title is None and is_title(hint):
            title = hint
    out = other + ([tid] if tid else []) + ([title] if title else []) + unit
    if all(sum(1 for c in r if c) <= 1 for r in rows):
        # No row with two cells: text laid out in a grid (a 说明 sheet), not a table.
        return out + [next(c for c in r if c) for r in rows] + tail
    return out + ["\t".join(r) for r in rows] + tail


def column_letters(i: int) -> str:
    """A spreadsheet's column letters: 0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out
