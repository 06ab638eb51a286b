"""datasets.synthetic.html: a disclosure's text as the HTML page a county website shows."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from datasets import synthetic
from datasets.synthetic.html import header_rows, render_html, table_figures, tables

VOID = {"meta", "br", "col", "hr", "img", "input", "link"}
PARENT = {"tr": {"thead", "tbody", "table"}, "td": {"tr"}, "th": {"tr"}, "thead": {"table"}, "tbody": {"table"}}


class Page(HTMLParser):
    """Checks nesting while collecting the text, the tables and every tag seen."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: Counter = Counter()
        self.text: list[str] = []
        self.tables: list[list[list[tuple[str, int, str]]]] = []  # rows of (tag, colspan, text)
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        if tag in PARENT:
            assert self.stack and self.stack[-1] in PARENT[tag], (tag, self.stack)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
            self.tables[-1][-1].append((tag, int(dict(attrs).get("colspan", 1)), ""))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()
        if tag in ("td", "th"):
            t, span, _ = self.tables[-1][-1][-1]
            self.tables[-1][-1][-1] = (t, span, "".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if "style" in self.stack or "title" in self.stack:
            return
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    assert p.stack == [], p.stack
    return p


def chars(s: str) -> Counter:
    return Counter("".join(s.split()))


def visible(text: str) -> Counter:
    """The characters of the text without whitespace and without table syntax (tabs,
    pipes, markdown separator rows)."""
    out = Counter()
    for line in text.splitlines():
        s = line.strip()
        if "\t" not in line and not (s.startswith("|") and s.count("|") >= 2):
            out += chars(line)
    for t in tables(text):
        out += chars("".join(c for r in t for c in r))
    return out


DOC = """清河县测试局
2024年单位预算公开说明

第一部分 单位概况

一、主要职责及机构设置

本单位人员编制10人，较上年减少
2.00万元（3.5%）。

表1

2024年单位综合预算收支总表

单位：元

收 入		支 出			
项 目	预算数	项 目	预算数	项 目	预算数
一、财政拨款	1,500,000.00	一、一般公共服务支出	1,200,000.00	工资福利支出	900000
		二、教育支出	300,000.00		
本年收入合计	1,500,000.00	本年支出合计	1,500,000.00	本年支出合计	1500000
"""


def test_page_shape_headings_and_merged_header():
    page = parse(render_html(DOC))
    assert page.tags["h1"] == 1 and page.tags["h2"] == 1 and page.tags["h3"] == 1
    assert page.tags["table"] == 1 and page.tags["thead"] == 1 and page.tags["tbody"] == 1
    assert '<meta charset="utf-8">' in render_html(DOC)
    (table,) = page.tables
    assert [(t, span, text) for t, span, text in table[0]] == [("th", 2, "收 入"), ("th", 4, "支 出")]
    assert [c[2] for c in table[1]] == ["项 目", "预算数", "项 目", "预算数", "项 目", "预算数"]
    # Body rows keep their empty cells in place, one cell per column.
    assert [c[2] for c in table[3]] == ["", "", "二、教育支出", "300,000.00", "", ""]
    assert all(sum(span for _, span, _ in r) == 6 for r in table)
    # A soft line break inside a sentence is joined; the 单位 line stands above the table.
    text = "".join(page.text)
    assert "较上年减少2.00万元（3.5%）。" in text
    assert "单位：元" in text


def test_pipe_rows_read_like_tab_rows():
    tab = "表2\n\n单位：元\n\n项目\t合计\t\n合计\t12.00\t\n一、人员\t\t3.00\n"
    pipe = "表2\n\n单位：元\n\n| 项目 | 合计 | |\n|---|---|---|\n| 合计 | 12.00 | |\n| 一、人员 | | 3.00 |\n"
    assert tables(tab) == tables(pipe) == [[["项目", "合计", ""], ["合计", "12.00", ""], ["一、人员", "", "3.00"]]]
    a, b = parse(render_html(tab)), parse(render_html(pipe))
    assert a.tables == b.tables
    assert "---" not in "".join(b.text)
    # A header row whose last cell is empty: that cell widens 合计.
    assert a.tables[0][0] == [("th", 1, "项目"), ("th", 2, "合计")]


def test_hostile_text_is_escaped():
    hostile = (
        "<script>alert('x')</script>单位\n\n"
        "A & B <b>粗</b> \"引号\" '单' &amp; &lt;p&gt; </table></p>\x00\x1e\x7f\n\n"
        "<td>1</td>\t</tr><tr>\t&nbsp;\n合计\t<img src=x onerror=alert(1)>\t9.00\n"
    )
    page_html = render_html(hostile)
    assert "<script" not in page_html and "<b>" not in page_html and "<img" not in page_html
    page = parse(page_html)
    assert set(page.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "p"} | {
        "table",
        "col",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    # What was typed is what the page shows, character for character (controls dropped).
    clean = hostile.replace("\x00", "").replace("\x1e", "").replace("\x7f", "")
    assert chars("".join(page.text)) == visible(clean)
    assert [c[2] for c in page.tables[0][-1]] == ["合计", "<img src=x onerror=alert(1)>", "9.00"]


def test_crlf_bom_and_form_feed():
    text = "\ufeff某单位\r\n2024年单位预算公开说明\r\n\r\n第一部分 单位概况\f一、概况\r\n"
    page = parse(render_html(text))
    assert page.tags["h1"] == 1 and page.tags["h2"] == 1 and page.tags["h3"] == 1
    assert "\ufeff" not in "".join(page.text)


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_documents_keep_every_character_and_figure(seed):
    n = 0
    for _rel, data, label in synthetic.iter_documents(12, seed, anomaly_share=0.5):
        text = data.decode(label["encoding"])
        page = parse(render_html(text))
        # Every character of the text is on the page, nothing else.
        assert chars("".join(page.text)) == visible(text), label["file"]
        # Every table figure is a cell of its own, as often as the text prints it.
        cells = Counter(c[2] for t in page.tables for r in t for c in r)
        figures = Counter(table_figures(text))
        assert figures and not figures - cells, label["file"]
        # One HTML table per text table, each row spanning the table's width.
        assert len(page.tables) == len(tables(text))
        for t_html, t_text in zip(page.tables, tables(text)):
            width = max(len(r) for r in t_text)
            assert len(t_html) == len(t_text)
            assert all(sum(span for _, span, _ in r) == width for r in t_html)
            nh = header_rows(t_text)
            assert all(c[0] == "th" for r in t_html[:nh] for c in r)
            assert all(c[0] == "td" for r in t_html[nh:] for c in r)
        n += 1
    assert n == 12
