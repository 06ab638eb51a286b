"""A disclosure's text as a Word file (.docx), written with python-docx.

``render_docx(text, style)`` takes the text of one disclosure (what the generator writes)
and returns the .docx: the narrative (说明), and with ``style.tables`` the 公开报表 part
too (the 目录 and every table); without it the text stops where the 报表 part starts
(``blocks.report_start``), as the 说明 of a unit whose tables are a separate workbook.

Paragraphs and tables as ``datasets.synthetic.blocks`` splits them: the title lines in the
Title style, 第N部分 and 目录 as Heading 1, 一、… as Heading 2, short （一）… as Heading 3,
表N, table titles (centred) and 单位 lines (right) as paragraphs of their own; a
paragraph's soft line breaks are joined (Chinese has no spaces to restore), so a
paragraph holds no line break. Tables are Word tables with every cell of the text's row,
header cells merged where the text leaves a header cell empty, amounts right-aligned.

Deterministic bytes: the core properties (author, dates, revision) are the style's, and
the zip is rewritten with a fixed timestamp on every entry (python-docx stamps them with
the time of writing).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from datasets.synthetic.blocks import AMOUNT, blocks, header_cells, header_rows, pad, paragraphs, report_start, role

_SUBSECTION = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class WordStyle:
    tables: bool  # the 报表 part too (the whole disclosure), else the narrative only
    font: str  # East Asian font of the body
    size: float  # body size in points
    indent: bool  # two-character first-line indent of body paragraphs
    created: datetime
    author: str

    def describe(self) -> dict:
        """The style as recorded in labels.json."""
        return {"tables": self.tables, "font": self.font, "font_size": self.size, "indent": self.indent}


def draw_word_style(rng, year: int, tables: bool) -> WordStyle:
    """A Word file's style, drawn from rng."""
    font, size = rng.choice((("仿宋_GB2312", 16.0), ("仿宋", 16.0), ("宋体", 12.0), ("宋体", 10.5)))
    indent = rng.random() < 0.8
    created = datetime(year, rng.choice((1, 1, 2)), rng.randint(1, 28), rng.randint(8, 18), rng.randint(0, 59))
    author = rng.choice(("Administrator", "admin", "Lenovo", "微软用户", "User"))
    return WordStyle(tables, font, size, indent, created.replace(tzinfo=UTC), author)


def _set_font(style, name: str, size: float | None = None) -> None:
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        style.font.size = Pt(size)


def _table(document, rows: list[list[str]]) -> None:
    rows = pad(rows)
    nh = header_rows(rows)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table._tbl.tblPr.style = "TableGrid"  # by id: python-docx's lookup by name is slow
    for i, (row, cells) in enumerate(zip(table.rows, rows)):
        if i < nh:
            spans = header_cells(cells)
            for j, _, span in spans:
                if span > 1:
                    row.cells[j].merge(row.cells[j + span - 1])
            grid = row.cells
            for j, text, _ in spans:
                if text:
                    p = grid[j].paragraphs[0]
                    p.add_run(text)
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        for cell, text in zip(row.cells, cells):
            if text:
                p = cell.paragraphs[0]
                p.add_run(text)
                if AMOUNT.match(text):
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _paragraph(document, s: str, style: WordStyle) -> None:
    kind = role(s)
    p = document.add_paragraph(s)
    if kind in ("part", "contents"):
        p._p.style = "Heading1"  # style ids (python-docx's lookup by name is slow)
    elif kind == "section":
        p._p.style = "Heading2"
    elif _SUBSECTION.match(s) and len(s) <= 30:
        p._p.style = "Heading3"
    else:
        if kind == "body" and style.indent:
            p.paragraph_format.first_line_indent = Pt(style.size * 2)
        elif kind in ("table_no", "caption"):
            p.runs[0].bold = True
            if kind == "caption":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "unit":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with a fixed timestamp on every entry."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info))
    return out.getvalue()


def render_docx(text: str, style: WordStyle) -> bytes:
    """The .docx of one disclosure's text (see the module's description)."""
    document = docx.Document()
    _set_font(document.styles["Normal"], style.font, style.size)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _set_font(document.styles[name], "黑体")
    end = None if style.tables else report_start(text)
    title = ""
    first = True
    for block in blocks(text):
        if end is not None and block.items[0][0] >= end:
            break
        if block.kind == "table":
            _table(document, block.rows)
            first = False
            continue
        for para in paragraphs(block.items):
            if end is not None and para[0][0] >= end:
                break
            if first:
                for _, line in para:
                    p = document.add_paragraph(line.strip())
                    p._p.style = "Title"
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                title = "".join(line.strip() for _, line in para)
                first = False
                continue
            _paragraph(document, "".join(line for _, line in para).strip(), style)
    props = document.core_properties
    props.author = props.last_modified_by = style.author
    props.created = props.modified = props.last_printed = style.created
    props.revision = 1
    props.title = title
    props.comments = ""
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue())
