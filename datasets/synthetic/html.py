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

``render_page(text, style)`` is the page as the corpus publishes it (``--format html``):
encoded in UTF-8, GBK or GB2312 as its ``<meta>`` declares (``<meta charset>`` or the
``http-equiv`` form; characters the encoding lacks as character references, as an
editor saves them), and in some documents inside a county website's frame: a site
header with navigation and a breadcrumb, a publication line under the title, a footer
with the site's registration numbers and an analytics script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Site:
    """A county website's frame around the disclosure."""

    name: str  # 华溪县人民政府
    source: str  # the publishing unit
    published: str  # 2024-02-08 10:31
    views: int
    code: int  # 网站标识码 and ICP 备案 number, digits

    def header(self) -> str:
        nav = "".join(
            f'<li><a href="/{href}/">{label}</a></li>'
            for href, label in (("index", "首页"), ("zwgk", "政务公开"), ("czyjs", "财政预决算"), ("hdjl", "互动交流"))
        )
        return (
            f'<div class="top">\n<div class="logo">{escape(self.name)}</div>\n<ul class="nav">{nav}</ul>\n</div>\n'
            '<div class="crumb">当前位置：<a href="/index/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            '<a href="/czyjs/">财政预决算</a></div>\n<div class="article">'
        )

    def info(self) -> str:
        return (
            f'<div class="info">发布时间：{self.published}　来源：{escape(self.source)}　'
            f"浏览次数：{self.views}　【字体：大 中 小】</div>"
        )

    def footer(self) -> str:
        return (
            f'</div>\n<div class="footer">\n<p>主办单位：{escape(self.name)}办公室　'
            f"网站标识码：{self.code}</p>\n<p>备案号：ICP备{self.code % 100000000:08d}号　"
            '<a href="/sitemap/">网站地图</a>　<a href="/contact/">联系我们</a></p>\n</div>\n'
            "<script>var _hmt = _hmt || []; (function () { var hm = document.createElement('script'); "
            "hm.src = '/stat.js'; document.body.appendChild(hm); })();</script>"
        )


def render_html(text: str, charset: str = "utf-8", meta: str = "charset", site: Site | None = None) -> str:
    """The HTML page for one disclosure's text; charset is only declared (the caller
    encodes), meta "charset" or "http-equiv" its form; site: a website's frame."""
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
                if site:
                    body.append(site.info())
            else:
                body.append(_paragraph("".join(lines)))
            first = False
    if site:
        body = [site.header()] + body + [site.footer()]
        title = f"{title}-{site.name}"
    if meta == "charset":
        declared = f'<meta charset="{charset}">'
    else:
        declared = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{declared}\n'
        f"<title>{escape(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


@dataclass(frozen=True)
class PageStyle:
    charset: str  # "utf-8" | "gbk" | "gb2312": the encoding, as declared
    meta: str  # "charset" | "http-equiv"
    site: Site | None

    def describe(self) -> dict:
        """The page's style as recorded in labels.json."""
        return {"charset": self.charset, "meta": self.meta, "site": self.site is not None}


def draw_page_style(rng, county: str, unit_name: str, year: int) -> PageStyle:
    """A web page's encoding and frame, drawn from rng (shares in docs/labels.md)."""
    r = rng.random()
    charset = "utf-8" if r < 0.55 else "gbk" if r < 0.85 else "gb2312"
    meta = "charset" if rng.random() < 0.5 else "http-equiv"
    site = None
    if rng.random() < 0.5:
        published = f"{year}-{rng.choice((1, 2, 2, 3)):02d}-{rng.randint(1, 28):02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
        site = Site(
            f"{county}人民政府", unit_name, published, rng.randint(20, 3000), rng.randint(6100000000, 6199999999)
        )
    return PageStyle(charset, meta, site)


def render_page(text: str, style: PageStyle) -> bytes:
    """The page as published: render_html in the style, encoded as it declares."""
    page = render_html(text, style.charset, style.meta, style.site)
    return page.encode(style.charset, errors="xmlcharrefreplace")
