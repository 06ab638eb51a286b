"""Render a disclosure's text as a plain HTML page, as a county website publishes it.

The input is the final text of one disclosure (what the generator writes, or a real
one): paragraphs separated by blank lines, soft line breaks inside a paragraph,
headings, the 目录, and tables as tab-separated rows or markdown ``|`` pipe rows. The
page keeps every character of that text; only the layout changes:

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
import re
from html import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PIPE_SEP = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")
_AMOUNT = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?$")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
_CONTENTS = re.compile(r"^目\s*录$")
_TABLE_NO = re.compile(r"^表\s*\d+(?:-\d+)?$")
_TABLE_TITLE = re.compile(r"^(?:19|20)\d{2}\s*年.*表\s*(?:[（(][^）)]*[）)])?$")
_UNIT = re.compile(r"^单位\s*[:：]")
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


def header_rows(rows: list[list[str]]) -> int:
    """How many leading rows are header rows: no amount in them, ending with the first
    row whose every cell is filled."""
    n = 0
    for r in rows:
        if any(_AMOUNT.match(c) for c in r):
            break
        n += 1
        if all(r):
            break
    return n


def _header_cells(row: list[str]) -> list[tuple[str, int]]:
    """(text, colspan): an empty cell widens the filled cell on its left."""
    out: list[tuple[str, int]] = []
    for c in row:
        if c or not out or not out[-1][0]:
            out.append((c, 1))
        else:
            out[-1] = (out[-1][0], out[-1][1] + 1)
    return out


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
        amounts = [len(c) for c in cells if _AMOUNT.match(c)]
        if amounts:  # digits are about 0.65 em wide; 12 pt for padding and rules
            amount_pct[j] = math.ceil(100 * (max(amounts) * 0.65 * font_pt + 12) / _TABLE_PT)
        else:
            text_weight[j] = max([min(_display_width(c), 16) for c in cells] + [4])
    left = max(100 - sum(amount_pct.values()), 5 * len(text_weight))
    total = sum(text_weight.values()) or 1
    return [amount_pct[j] if j in amount_pct else max(5, left * text_weight[j] // total) for j in range(len(rows[0]))]


def table_html(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
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
                for c, span in _header_cells(r)
            )
        else:
            cells = "".join(
                f'<td align="right">{escape(c)}</td>' if _AMOUNT.match(c) else f"<td>{escape(c)}</td>" for c in r
            )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody>\n</table>" if nh < len(rows) else "</thead>\n</table>")
    return "\n".join(out)


def _heading(s: str) -> bool:
    return bool(_SECTION.match(s)) and len(s) <= 40 and not re.search(r"[。，,；;]", s)


def _standalone(s: str) -> bool:
    """A line that is never part of a running paragraph."""
    return bool(
        _PART.match(s)
        or _CONTENTS.match(s)
        or _heading(s)
        or _TABLE_NO.match(s)
        or (_TABLE_TITLE.match(s) and len(s) <= 80)
        or _UNIT.match(s)
        or s.startswith("- ")
    )


def _paragraph(text: str) -> str:
    s = text.strip()
    e = escape(s)
    if _PART.match(s) or _CONTENTS.match(s):
        return f"<h2>{e}</h2>"
    if _heading(s):
        return f"<h3>{e}</h3>"
    if _TABLE_NO.match(s):
        return f'<p class="tabno"><b>{e}</b></p>'
    if _TABLE_TITLE.match(s) and len(s) <= 80:
        return f'<p class="caption">{e}</p>'
    if _UNIT.match(s):
        return f'<p class="unit">{e}</p>'
    if s.startswith("- "):
        return f'<p class="toc">{e}</p>'
    return f"<p>{e}</p>"


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """("table", rows) and ("text", lines) blocks; blank lines separate text blocks but
    not the rows of one table."""
    out: list[tuple[str, list[str]]] = []
    pending_blank = prev_alone = False
    for line in lines:
        if not line.strip():
            pending_blank = True
            continue
        kind = "table" if is_table_row(line) else "text"
        alone = kind == "text" and _standalone(line.strip())
        same = out and out[-1][0] == kind and (kind == "table" or not (pending_blank or alone or prev_alone))
        if same:
            out[-1][1].append(line)
        else:
            out.append((kind, [line]))
        pending_blank, prev_alone = False, alone
    return out


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    return _CONTROL.sub("", text.lstrip("\ufeff")).split("\n")


def tables(text: str) -> list[list[list[str]]]:
    """The tables of the text, each a list of rows of cells, as the page shows them."""
    out = []
    for kind, lines in _blocks(_lines(text)):
        rows = [r for r in map(split_row, lines) if r is not None] if kind == "table" else []
        if rows:
            out.append(rows)
    return out


def table_figures(text: str) -> list[str]:
    """Every amount printed in a table cell of the text, in order."""
    return [c for rows in tables(text) for r in rows for c in r if _AMOUNT.match(c)]


def render_html(text: str) -> str:
    """The HTML page for one disclosure's text."""
    blocks = _blocks(_lines(text))
    body: list[str] = []
    title = ""
    for i, (kind, lines) in enumerate(blocks):
        if kind == "table":
            rows = [r for r in map(split_row, lines) if r is not None]
            if rows:
                body.append(table_html(rows))
        elif i == 0:
            title = " ".join(s.strip() for s in lines)
            body.append("<h1>" + "<br>".join(escape(s.strip()) for s in lines) + "</h1>")
        else:
            body.append(_paragraph("".join(lines)))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
