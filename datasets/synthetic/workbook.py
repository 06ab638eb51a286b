"""The tables of a disclosure as the county's 报表 workbook (.xlsx), written with xlsxwriter.

``render_workbook(text, style, unit_name)`` takes the text of one disclosure (what the
generator writes) and returns the workbook of its 公开报表 part (from
``blocks.report_start``): the 目录 with the cover lines above it as the first sheet, then
one sheet per table, as counties publish them:

* sheet names 表1, 表2 … 表13-1, or 附表1 …, or the table's short title (收支总表);
  a table printed without its number (the 整体支出绩效目标表) takes the number the 目录
  gives its title;
* a merged title row (the table's title), in some documents the 表N in a row of its own
  above it, and the ``单位：元`` line merged across the table or in its last cell, in some
  documents with ``单位名称：…`` in its first cell;
* header rows (``blocks.header_rows``) with merged cells (``merge_range``) where the text
  leaves a header cell empty (``blocks.header_cells``);
* amounts as numbers whose number format prints the decimals and thousands separators
  of the text (``#,##0.00``, ``0.00``, ``0`` …), or in some documents stored as text as
  printed; subject codes (编码 columns) always text;
* in some documents a hidden helper column (row numbers) before or after the table.

Every cell of a table holds exactly the text's cell (a number's value is the printed
figure). Output is deterministic: the creation date is the style's, and xlsxwriter
writes its zip entries with a fixed timestamp.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

import xlsxwriter

from datasets.synthetic.blocks import (
    AMOUNT,
    NUMBERED_TITLE,
    blocks,
    header_cells,
    header_rows,
    pad,
    paragraphs,
    report_start,
    role,
)

_CODE_HEADER = re.compile(r"编码|代码|编号")
_NOTE = re.compile(r"^(?:注|备注)\s*\d*\s*[:：]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
WIDE_COLUMNS = 7


@dataclass(frozen=True)
class BookStyle:
    sheet_names: str  # "table_no" (表1) | "appendix" (附表1) | "title" (收支总表)
    table_no_row: bool  # 表N in a row of its own above the title
    unit_line: str  # "merged" (across the table) | "cell" (the table's last cell)
    unit_name: bool  # 单位名称：… in the first cell of the 单位 row
    amounts: str  # "number" | "text" (stored as printed)
    hidden_column: str | None  # None | "first" | "last": a hidden helper column
    font: str
    created: datetime
    author: str

    def describe(self) -> dict:
        """The style as recorded in labels.json."""
        return {
            "sheet_names": self.sheet_names,
            "table_no_row": self.table_no_row,
            "unit_line": self.unit_line,
            "unit_name": self.unit_name,
            "amounts": self.amounts,
            "hidden_column": self.hidden_column,
        }


def draw_book_style(rng, year: int) -> BookStyle:
    """A workbook's style, drawn from rng (shares in docs/labels.md)."""
    r = rng.random()
    names = "table_no" if r < 0.55 else "appendix" if r < 0.75 else "title"
    table_no_row = rng.random() < 0.4
    unit_line = "merged" if rng.random() < 0.6 else "cell"
    unit_name = rng.random() < 0.35
    amounts = "text" if rng.random() < 0.2 else "number"
    r = rng.random()
    hidden = "first" if r < 0.05 else "last" if r < 0.12 else None
    font = rng.choice(("宋体", "宋体", "仿宋_GB2312", "Arial"))
    created = datetime(year, rng.choice((1, 1, 2)), rng.randint(1, 28), rng.randint(8, 18), rng.randint(0, 59))
    author = rng.choice(("Administrator", "admin", "财务室", "微软用户", ""))
    return BookStyle(names, table_no_row, unit_line, unit_name, amounts, hidden, font, created, author)


@dataclass
class BookResult:
    data: bytes
    sheets: list[str]  # sheet names in order
    rows: dict[int, tuple[str, int]]  # text line -> (sheet, 1-based row) of what it became


@dataclass
class _Sheet:
    lead: list[tuple[int, str, str]]  # (line, role, text) of the paragraphs above the table
    table: list[tuple[int, list[str]]]  # (line, cells)
    notes: list[tuple[int, str]]  # paragraphs below the last table


def _sheets(text: str) -> list[_Sheet]:
    start = report_start(text)
    if start is None:
        return []
    out: list[_Sheet] = []
    lead: list[tuple[int, str, str]] = []
    for b in blocks(text):
        if b.items[0][0] < start:
            continue
        if b.kind == "table":
            out.append(_Sheet(lead, b.items, []))
            lead = []
            continue
        for para in paragraphs(b.items):
            s = "".join(line for _, line in para).strip()
            if out and not lead and _NOTE.match(s):  # 注：… under a table stays on its sheet
                out[-1].notes.append((para[0][0], s))
                continue
            lead.append((para[0][0], role(s), s))
    if out and lead:
        out[-1].notes = [(no, s) for no, _, s in lead]
    return out


def _short_title(title: str) -> str:
    """收支总表 for 2024年单位综合预算收支总表."""
    s = re.sub(r"^(?:19|20)\d{2}\s*年", "", title)
    s = re.sub(r"^单位(?:综合预算)?", "", s)
    return s or title


def _sheet_name(sheet: _Sheet, style: BookStyle, numbers: dict[str, str], taken: set[str]) -> str:
    roles = {r: s for _, r, s in sheet.lead}
    tid = roles.get("table_no")
    title = roles.get("caption", "")
    heading = next((s for _, r, s in reversed(sheet.lead) if r == "entry" and NUMBERED_TITLE.match(s)), None)
    if tid is None and heading:  # 表一　2024年部门收支总表 on one line, right above the table
        tid, title = re.split(r"[\s\u3000]+", heading, maxsplit=1)
    if "contents" in roles and tid is None:
        name = "目录"
    else:
        tid = tid or numbers.get(title)
        if style.sheet_names == "title" or tid is None:
            name = _short_title(title) if title else f"Sheet{len(taken) + 1}"
        elif style.sheet_names == "appendix":
            name = tid if tid.startswith("附") else "附" + tid
        else:
            name = tid
    name = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or f"Sheet{len(taken) + 1}"
    base, k = name, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f"({k})"
        name = base[: 31 - len(suffix)] + suffix
        k += 1
    taken.add(name)
    return name


def _display_width(s: str) -> int:
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in s)


def number_format(printed: str) -> str:
    """The Excel number format that prints a figure as the text does."""
    decimals = len(printed.split(".", 1)[1]) if "." in printed else 0
    return ("#,##0" if "," in printed else "0") + ("." + "0" * decimals if decimals else "")


def _value(printed: str) -> float:
    return float(printed.replace(",", "").replace("−", "-"))


class _Formats:
    """The workbook's cell formats, made once and reused (xlsxwriter keeps each)."""

    def __init__(self, book, font: str):
        self.book, self.font = book, font
        base = {"font_name": font, "font_size": 10}
        border = {**base, "border": 1, "valign": "vcenter"}
        self.title = book.add_format({**base, "bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.line = book.add_format({**base, "align": "left", "valign": "vcenter"})
        self.table_no = book.add_format({**base, "bold": True, "align": "left"})
        self.unit_right = book.add_format({**base, "align": "right"})
        self.unit_left = book.add_format({**base, "align": "left"})
        self.header = book.add_format({**border, "bold": True, "align": "center", "text_wrap": True})
        self.text = book.add_format({**border, "align": "left", "text_wrap": True})
        self.amount_text = book.add_format({**border, "align": "right"})
        self.blank = book.add_format(border)
        self.helper = book.add_format(base)
        self._numbers: dict[str, object] = {}

    def number(self, fmt: str):
        if fmt not in self._numbers:
            self._numbers[fmt] = self.book.add_format(
                {"font_name": self.font, "font_size": 10, "border": 1, "valign": "vcenter", "num_format": fmt}
            )
        return self._numbers[fmt]


def _merge(ws, row: int, c0: int, c1: int, text: str, fmt) -> None:
    if c1 > c0:
        ws.merge_range(row, c0, row, c1, text, fmt)
    else:
        ws.write_string(row, c0, text, fmt)


def _write_sheet(ws, sheet: _Sheet, style: BookStyle, unit_name: str | None, fm: _Formats, rows_out: dict, name: str):
    rows = pad([cells for _, cells in sheet.table])
    lines = [no for no, _ in sheet.table]
    width = len(rows[0])
    x0 = 1 if style.hidden_column == "first" else 0  # first column of the table
    x1 = x0 + width - 1
    r = 0
    for no, kind, s in sheet.lead:
        if kind == "part":
            continue  # 第四部分 公开报表 is the document's heading, not the workbook's
        if kind == "table_no":
            if style.table_no_row:
                ws.write_string(r, x0, s, fm.table_no)
                rows_out[no] = (name, r + 1)
                r += 1
            continue
        if kind == "unit":
            if style.unit_name and unit_name and width >= 2:
                left = f"单位名称：{unit_name}"
                if style.unit_line == "merged" and width >= 4:
                    _merge(ws, r, x0, x0 + width // 2 - 1, left, fm.unit_left)
                    _merge(ws, r, x0 + width // 2, x1, s, fm.unit_right)
                else:
                    ws.write_string(r, x0, left, fm.unit_left)
                    ws.write_string(r, x1, s, fm.unit_right)
            elif style.unit_line == "merged":
                _merge(ws, r, x0, x1, s, fm.unit_right)
            else:
                ws.write_string(r, x1, s, fm.unit_right)
        elif kind in ("caption", "contents"):
            _merge(ws, r, x0, x1, s, fm.title)
            ws.set_row(r, 30)
        else:
            _merge(ws, r, x0, x1, s, fm.line)
        rows_out[no] = (name, r + 1)
        r += 1
    nh = header_rows(rows)
    codes = {j for j in range(width) for row in rows[:nh] if _CODE_HEADER.search(row[j])}
    top = r
    for i, (no, row) in enumerate(zip(lines, rows)):
        if i < nh:
            for j, text, span in header_cells(row):
                if text:
                    _merge(ws, r, x0 + j, x0 + j + span - 1, text, fm.header)
                else:
                    ws.write_blank(r, x0 + j, None, fm.header)
        else:
            for j, text in enumerate(row):
                if not text:
                    ws.write_blank(r, x0 + j, None, fm.blank)
                elif j in codes or not AMOUNT.match(text):
                    ws.write_string(r, x0 + j, text, fm.text)
                elif style.amounts == "text":
                    ws.write_string(r, x0 + j, text, fm.amount_text)
                else:
                    ws.write_number(r, x0 + j, _value(text), fm.number(number_format(text)))
            if style.hidden_column:
                ws.write_number(r, 0 if x0 else x1 + 1, i - nh + 1, fm.helper)
        rows_out[no] = (name, r + 1)
        r += 1
    for no, s in sheet.notes:
        _merge(ws, r, x0, x1, s, fm.line)
        rows_out[no] = (name, r + 1)
        r += 1
    for j in range(width):
        cells = [row[j] for row in rows[nh:]] or [""]
        w = max(_display_width(c) for c in cells)
        ws.set_column(x0 + j, x0 + j, min(max(w * 1.1 + 2, 8), 44))
    if style.hidden_column:
        ws.set_column(0 if x0 else x1 + 1, 0 if x0 else x1 + 1, 6, None, {"hidden": True})
    ws.set_paper(9)  # A4
    if width >= WIDE_COLUMNS:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if nh:
        ws.repeat_rows(top, top + nh - 1)


def render_workbook(text: str, style: BookStyle, unit_name: str | None = None) -> BookResult:
    """The 报表 workbook of one disclosure's text (see the module's description)."""
    sheets = _sheets(text)
    numbers: dict[str, str] = {}  # table title -> 表N, from the 目录
    for sheet in sheets[:1]:
        for _, cells in sheet.table:
            if len(cells) >= 2 and re.fullmatch(r"表\s*\d+(?:-\d+)?", cells[0]):
                numbers[cells[1]] = cells[0]
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "default_date_format": "yyyy-mm-dd"})
    book.set_properties({"created": style.created, "author": style.author, "title": ""})
    fm = _Formats(book, style.font)
    names: list[str] = []
    taken: set[str] = set()
    rows_out: dict[int, tuple[str, int]] = {}
    for sheet in sheets:
        name = _sheet_name(sheet, style, numbers, taken)
        names.append(name)
        _write_sheet(book.add_worksheet(name), sheet, style, unit_name, fm, rows_out, name)
    if not sheets:
        book.add_worksheet("Sheet1")
    book.close()
    return BookResult(buf.getvalue(), names, rows_out)
