"""The 目录 of a text conversion read whole however its entries wrap (datasets.read.contents),
and a table's title wrapped over two lines read whole (datasets.tables.context_of): the
CMP checks need both. The shapes are those pdftotext -layout gives of PDFs printed by
LibreOffice (cells centred in a row's height, rows set apart by blank lines), by Word
files (titles wrapped under their entry) and by a browser (a title run into its 是/否)."""

import polars as pl

from anomaly.engine import run_rules
from datasets.corpus import parsed_frames
from datasets.read.contents import contents_rows

TITLES = {
    "表1": "2024年单位综合预算收支总表",
    "表2": "2024年单位综合预算收入总表",
    "表3": "2024年单位综合预算一般公共预算支出明细表（按支出功能分类科目）",
    "表4": "2024年单位综合预算政府采购（资产配置、购买服务）预算表",
}

# LibreOffice: a long title wrapped above and below the line of the row's one-line
# cells (id, 是/否), the rows apart; the id printed 表 4 in a narrow cell.
CENTRED = """\
目录
       序号              内容                 是否空表     公开空表理由


表1          2024 年单位综合预算收支总表          否


表2          2024 年单位综合预算收入总表          否


            2024 年单位综合预算一般公共
表3         预算支出明细表（按支出功能        否
            分类科目）


            2024 年单位综合预算政府采购（资产配置、购
表 4                                   是          不涉及
            买服务）预算表


表1
"""

# A Word file: the title wraps under its entry, no blank lines; the column names
# wrapped too; a flag one space from the title.
TOP_ALIGNED = """\
目录
     序号      内容          是否空表   公开空表
                                        理由
表1        2024 年单位   否
          综合预算收支
          总表
表2        2024 年单位 否
          综合预算收入
          总表
表3        2024 年单位   否
          综合预算一般
          公共预算支出
          明细表（按支
          出功能分类科
          目）
表 4       2024 年单位   是   不涉及
          综合预算政府
          采购（资产配
          置、购买服
          务）预算表
表1
"""

# A browser: a title that fills its cell runs into the 是/否 beside it; a page break
# repeats the column names.
RUN_TOGETHER = """\
  目录
        序号                 内容                              是否空表     公开空表理由
  表1      2024年单位综合预算收支总表                  否
  表2      2024年单位综合预算收入总表                  否
        序号                 内容                              是否空表     公开空表理由
  表3      2024年单位综合预算一般公共预算支出明细表（按支出功能分类科目）否
  表4      2024年单位综合预算政府采购（资产配置、购买服务）预算表    是          不涉及
  表1
"""


# LibreOffice again, a page break inside 表3's row: the line with its id and the first
# part of its title ends one page, the rest of the title follows the column names the
# next page prints again.
CENTRED_ACROSS_PAGES = """\
目录
       序号              内容                 是否空表     公开空表理由


表1          2024 年单位综合预算收支总表          否


表2          2024 年单位综合预算收入总表          否


表3         2024 年单位综合预算一般公共预算支出明  否
\f       序号              内容                 是否空表     公开空表理由


            细表（按支出功能分类科目）


            2024 年单位综合预算政府采购（资产配置、购
表 4                                   是          不涉及
            买服务）预算表


表1
"""


def _entries(text: str) -> list[list[str]]:
    lines = text.split("\n")
    rows = contents_rows(lines)
    return [rows[k].split("\t") for k in sorted(rows) if rows[k].startswith("表")]


def _squashed(s: str) -> str:
    return "".join(s.split())


def test_every_shape_gives_each_entry_its_whole_title_flag_and_reason():
    for text in (CENTRED, TOP_ALIGNED, RUN_TOGETHER, CENTRED_ACROSS_PAGES):
        got = _entries(text)
        assert [_squashed(e[0]) for e in got] == list(TITLES), text
        assert [_squashed(e[1]) for e in got] == list(TITLES.values()), text
        assert [e[2] for e in got] == ["否", "否", "否", "是"], text
        assert [e[3] for e in got] == ["", "", "", "不涉及"], text


def test_the_rows_stay_on_their_lines_and_the_wrapped_text_is_blanked():
    lines = CENTRED.split("\n")
    rows = contents_rows(lines)
    entry = next(k for k, s in enumerate(lines) if s.startswith("表3"))
    assert rows[entry].startswith("表3\t") and rows[entry - 1] == rows[entry + 1] == ""
    assert max(rows) < len(lines) - 2  # the first table's heading below is no entry


def test_text_below_the_contents_is_left_as_printed():
    for text in (TOP_ALIGNED, CENTRED):
        below = ["   一、部门主要职责", "   二、机构设置", "", "          2024年单位预算公开说明", "第一部分"]
        lines = text.replace("\n表1\n", "\n").split("\n") + below
        rows = contents_rows(lines)
        assert not any(k >= len(lines) - len(below) for k in rows), text
        last = max(k for k, row in rows.items() if row.startswith("表"))
        assert _squashed(rows[last].split("\t")[1]) == _squashed(TITLES["表4"]), text


def test_an_id_in_digits_runs_into_a_title_in_chinese_numerals():
    lines = ["目录", "表1一般公共预算收支总表   否", "表2一般公共预算支出表   否", "表3三公经费支出表   是   不涉及"]
    got = [r.split("\t")[:2] for r in contents_rows(lines).values() if r]
    assert got == [["表1", "一般公共预算收支总表"], ["表2", "一般公共预算支出表"], ["表3", "三公经费支出表"]]


def test_no_contents_table_without_three_flagged_entries():
    outline = "目录\n\n第一部分 单位概况\n  一、主要职责\n第二部分 收支情况\n"
    assert contents_rows(outline.split("\n")) == {}
    plain_list = "目录\n表一  2024年部门收支总表\n表二  2024年部门收入总表\n表三  2024年部门支出总表\n"
    assert contents_rows(plain_list.split("\n")) == {}
    two = "目录\n表1  2024年收支总表  否\n表2  2024年收入总表  否\n表3  2024年支出总表\n"
    assert contents_rows(two.split("\n")) == {}


DOCUMENT = """\
东城县测试局
2024年单位预算公开说明

{contents}
表1
2024 年单位综合预算收支总表
单位：万元
项 目        预算数      支出功能分类科目        预算数
本年收入合计     10.00      本年支出合计          10.00

表3
2024 年单位综合预算一般公共预算支出明细表（按支出
功能分类科目）
单位：万元
科目编码     科目名称           合计      基本支出     项目支出
2010101     行政运行          10.00      10.00
"""


def test_a_table_under_a_wrapped_title_is_not_taken_for_missing():
    """表3's title wraps after 按支出: read whole, its role is 表3's, not 表2's; and 表2,
    declared non-empty and not printed, is the one table CMP001 names."""
    frames = parsed_frames(DOCUMENT.format(contents=CENTRED.replace("\n表1\n", "\n")).encode(), "t.txt")
    toc = frames["toc"]
    assert toc["table_id"].to_list() == ["表1", "表2", "表3", "表4"]
    titles = frames["cells"].filter(pl.col("table_printed") == "表3")["table_title"].unique().to_list()
    assert [_squashed(t) for t in titles] == [_squashed(TITLES["表3"]).replace("（", "(").replace("）", ")")]
    findings, _ = run_rules(frames, select=["CMP001"])
    assert findings["stated"].to_list() == ["目录声明非空：表2"]


def test_a_title_wrapped_either_way_is_read_whole():
    from datasets.tables import context_of

    wrapped_short = ["表12", "2024 年一般公共预算拨款“三公”经费及会议", "    费、培训费支出预算表", "单位：万元", "x"]
    wrapped_to_one_character = [
        "表 11",
        "2024 年单位综合预算政府采购(资产配置、购买服务)预算",
        "   表",
        "单位：万元",
        "x",
    ]
    assert context_of(wrapped_short, 4, 0) == (
        "表12",
        "2024 年一般公共预算拨款“三公”经费及会议费、培训费支出预算表",
        "万元",
    )
    assert context_of(wrapped_to_one_character, 4, 0) == (
        "表11",
        "2024 年单位综合预算政府采购(资产配置、购买服务)预算表",
        "万元",
    )
    # A heading of the page above a title's tail is no part of it: the table's id is not above it.
    heading = ["2024年东城县教育局部门预算公开", "收支预算总表", "单位：万元", "x"]
    assert context_of(heading, 3, 0)[1] == "收支预算总表"
    # A title whole on its line takes nothing from the line below it.
    whole = ["表2", "2024 年单位综合预算收入总表", "注：本表为示例", "单位：万元", "x"]
    assert context_of(whole, 4, 0)[1] == "2024 年单位综合预算收入总表"
