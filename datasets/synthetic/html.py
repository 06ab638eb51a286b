"""Render a disclosure's text as a plain HTML page, as a county website publishes it.

The input is the final text of one disclosure (what the generator writes, or a real
one): paragraphs separated by blank lines, soft line breaks inside a paragraph,
headings, the 目录, and tables as tab-separated rows or markdown ``|`` pipe rows, split
into paragraphs and tables by datasets.synthetic.blocks. The page keeps every character
of that text; only the layout changes:

* the first block is the page title (``<h1>``); 第N部分 and 目录 are ``<h2>``, short
  一、… headings ``<h3>``; 表N, the table's title and its 单位 line are paragraphs of
  their own above the table;
* lines of a paragraph are joined as the browser would show them (Chinese has no
  spaces to restore); a heading, 表N, a table title, a 单位 line or a ``- `` entry of
  the contents list is a paragraph of its own even without blank lines around it;
* consecutive table rows, blank lines between them included, form one
  ``<table border=1>``. The header is the leading rows that hold no amount, up to and
  including the first row with every cell filled; in a header row an empty cell
  continues the merged cell on its left (``colspan``). The header rows are the
  ``<thead>`` (LibreOffice repeats them on every page the table runs over). Body rows
  keep empty cells in their columns; amounts are right-aligned in columns wide enough
  that a figure never wraps.

All text is escaped; control characters other than tab and line ends are dropped.
Used by scripts/second_producer.py to make PDFs with LibreOffice, a second producer
besides the generator's own PDF renderer.
"""

from __future__ import annotations

import math
from html import escape

from datasets.synthetic.blocks import (
    AMOUNT,
    blocks,
    header_cells,
    header_rows,
    is_table_row,
    pad,
    paragraphs,
    role,
    split_row,
    table_figures,
    tables,
)

__all__ = ["header_rows", "is_table_row", "render_html", "split_row", "table_figures", "tables"]

_TABLE_PT = 480  # width of a full-width table on an A4 page, in points

_STYLE = """body, p, h1, h2, h3, td, th { font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; }
body, p { font-size: 12pt; }
h1 { text-align: center; font-size: 18pt; }
h2 { font-size: 15pt; }
h3 { font-size: 13pt; }
p { text-indent: 2em; margin: 0.3em 0; }
p.toc, p.tabno, p.caption, p.unit { text-indent: 0; }
p.caption { text-align: center; font-weight: bold; }
p.unit { text-align: right; }
table { border-collapse: collapse; }
td, th { font-size: 9pt; padding: 2px; }
table.wide td, table.wide th { font-size: 8pt; }"""


def _display_width(s: str) -> int:
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in s)


def column_widths(rows: list[list[str]], nh: int, font_pt: float) -> list[int]:
    """Column widths in percent, as an editor would set them: an amount column wide
    enough for its longest figure on one line, the rest shared by the text columns
    after their text (long text wraps)."""
    body = rows[nh:] or rows
    amount_pct, text_weight = {}, {}
    for j in range(len(rows[0])):
        cells = [r[j] for r in body]
        amounts = [len(c) for c in cells if AMOUNT.match(c)]
        if amounts:  # digits are about 0.65 em wide; 12 pt for padding and rules
            amount_pct[j] = math.ceil(100 * (max(amounts) * 0.65 * font_pt + 12) / _TABLE_PT)
        else:
            text_weight[j] = max([min(_display_width(c), 16) for c in cells] + [4])
    left = max(100 - sum(amount_pct.values()), 5 * len(text_weight))
    total = sum(text_weight.values()) or 1
    return [amount_pct[j] if j in amount_pct else max(5, left * text_weight[j] // total) for j in range(len(rows[0]))]


def table_html(rows: list[list[str]]) -> str:
    rows = pad(rows)
    width = len(rows[0])
    nh = header_rows(rows)
    size = 8 if width >= 7 else 9
    wide = ' class="wide"' if width >= 7 else ""
    out = [f'<table{wide} border="1" cellspacing="0" cellpadding="2" width="100%">']
    out += [f'<col width="{w}%">' for w in column_widths(rows, nh, size)]
    for i, r in enumerate(rows):
        if i == 0 and nh:
            out.append("<thead>")
        if i == nh:
            out.append("</thead>\n<tbody>" if nh else "<tbody>")
        if i < nh:
            cells = "".join(
                f'<th colspan="{span}">{escape(c)}</th>' if span > 1 else f"<th>{escape(c)}</th>"
                for _, c, span in header_cells(r)
            )
        else:
            cells = "".join(
                f'<td align="right">{escape(c)}</td>' if AMOUNT.match(c) else f"<td>{escape(c)}</td>" for c in r
            )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody>\n</table>" if nh < len(rows) else "</thead>\n</table>")
    return "\n".join(out)


_TAGS = {
    "part": "<h2>{}</h2>",
    "contents": "<h2>{}</h2>",
    "section": "<h3>{}</h3>",
    "table_no": '<p class="tabno"><b>{}</b></p>',
    "caption": '<p class="caption">{}</p>',
    "unit": '<p class="unit">{}</p>',
    "entry": '<p class="toc">{}</p>',
    "body": "<p>{}</p>",
}


def _paragraph(text: str) -> str:
    s = text.strip()
    return _TAGS[role(s)].format(escape(s))


def render_html(text: str) -> str:
    """The HTML page for one disclosure's text."""
    body: list[str] = []
    title = ""
    first = True
    for block in blocks(text):
        if block.kind == "table":
            body.append(table_html(block.rows))
            first = False
            continue
        for para in paragraphs(block.items):
            lines = [line for _, line in para]
            if first:
                title = " ".join(s.strip() for s in lines)
                body.append("<h1>" + "<br>".join(escape(s.strip()) for s in lines) + "</h1>")
            else:
                body.append(_paragraph("".join(lines)))
            first = False
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
