"""Tables flattened to one cell per line rebuilt as tab rows (datasets/read/flat.py)."""

import re

import pytest

from datasets.read.flat import flat_tables
from datasets.read.layout import tab_separated

RAW = """表3

                 2024年单位综合预算支出总表

单位：元

科目编码
科目名称
合计
基本支出
项目支出
合计
300.00
200.00
100.00
2010301
行政运行
200.00
200.00
2010350
事业运行
100.00
100.00
"""


def test_short_rows_follow_the_column_totals():
    lines, problems = flat_tables(RAW.split("\n"))
    assert problems == []
    rows = [ln.split("\t") for ln in lines if "\t" in ln]
    assert rows[0] == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    assert rows[1] == ["", "合计", "300.00", "200.00", "100.00"]
    # 200 = 基本 (the 基本 column adds up to 200 only so), 100 = 项目.
    assert rows[2] == ["2010301", "行政运行", "200.00", "200.00", ""]
    assert rows[3] == ["2010350", "事业运行", "100.00", "", "100.00"]
    assert len(lines) == len(RAW.split("\n"))  # line for line


def test_tab_tables_are_left_alone():
    text = "表3\n\n科目编码\t科目名称\t合计\n2010301\t行政运行\t1.00\n"
    assert tab_separated(text) == text


UNPLACED = """表3

                 2024年单位综合预算支出总表

单位：元

科目编码
科目名称
合计
基本支出
项目支出
2010301
行政运行
200.00
200.00
2010350
事业运行
100.00
100.00
"""


def test_a_table_no_identity_places_is_left_out():
    # No 合计 row: 200 may be 基本 or 项目, nothing says which; a wrong reading would
    # raise false alarms, so only the header is kept and the reason is given.
    lines, problems = flat_tables(UNPLACED.split("\n"))
    assert problems and "表3" in problems[0]
    rows = [ln for ln in lines if "\t" in ln]
    assert rows == ["科目编码\t科目名称\t合计\t基本支出\t项目支出"]
    assert not any(ln.strip() in ("200.00", "100.00") for ln in lines)


def test_a_table_left_unread_is_no_missing_table_but_one_not_printed_is():
    from anomaly.engine import frames_from_text, run_rules

    toc = "目 录\n序号\t内 容\t是否空表\t公开空表理由\n" + "".join(
        f"表{k}\t2024年单位综合预算{t}\t否\t\n" for k, t in ((1, "收入总表"), (3, "支出总表"), (5, "收支总表"))
    )
    table1 = "表1\n2024年单位综合预算收入总表\n单位：元\n项 目\t合计\n合计\t300.00\n\n"
    filler = "\n".join(f"{k}.00" for k in range(25))  # a text that prints amounts one a line
    frames = frames_from_text(toc + "\n" + table1 + UNPLACED + "\n" + filler + "\n")
    assert frames["units"]["parse_status"].to_list() == ["partial"]  # 表3 left unread
    findings, _ = run_rules(frames, select=["CMP001"])
    assert findings["stated"].to_list() == ["目录声明非空：表5"]  # 表3 is printed, 表5 is not


SANGONG = """表12

 2025年单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表

单位：元

合计
因公出国（境）
费
公务接待费
公务用车购置及
运行维护费小计
公务用车购置费
公务用车运行维
护费
会议费
培训费
117200
58600
35800
22800
0
22800
42400
27800
"""


def test_wrapped_header_read_so_that_the_parts_add_up():
    # Whole-number amounts in 元 are amounts (not 科目 codes); the wrapped header is
    # read in the one way that gives eight columns and 合计 = 出国 + 接待 + 用车小计.
    lines, problems = flat_tables(SANGONG.split("\n"))
    assert problems == []
    rows = [ln.split("\t") for ln in lines if "\t" in ln]
    assert rows[0][3] == "公务用车购置及运行维护费小计" and rows[0][5] == "公务用车运行维护费"
    assert rows[1] == ["117200", "58600", "35800", "22800", "0", "22800", "42400", "27800"]


def test_read_document_says_what_it_left_out():
    from datasets.read import read_document

    filler = "\n".join(f"{k}.00" for k in range(25))  # a text that prints amounts one a line
    doc = read_document((UNPLACED + "\n" + filler + "\n").encode("utf-8"), "x.txt")
    assert any("表3" in p for p in doc.problems)


# A project table (表13-1) printed one cell a line, its cells wrapped at 14 columns and
# its 项目名称/主管部门 lines printed again after a page break; then the 整体支出 table.
PROJECT = """表13-1

                 2024年单位专项业务经费绩效目标表（1）

项目名称
档案数字化加工
项目
主管部门
某县档案馆
资金金额（万元
）
年度资金总额：
30.00
其中：财政拨款
30.00
其他资金
总体目标
年度目标
目标1：完成馆藏
档案数字化加工
，提升利用效率
。
绩效指标
一级指标
二级指标
指标内容
指标值

项目名称
档案数字化加工
项目
主管部门
某县档案馆
产出指标
数量指标
指标1：完成数字
化加工的档案
≥3000卷
指标2：新增目录
条目
待填
效益指标
社会效益指标
档案利用效率提
升
≥90%
满意度指标
服务对象满意度
指标
服务对象满意度
≥120%

                 2024年单位整体支出绩效目标表

单位：万元

部门（单位）名称
某县档案馆
任务名称
主要内容
总额
财政拨款
其他资金
人员经费
保障在职人员工
资福利
80.00
70.00
10.00
专项业务经费
完成年度专项工
作任务
30.00
30.00
金额合计
110.00
100.00
10.00
年度总体目标
保障单位正常运
转。
一级指标
二级指标
指标内容
指标值
产出指标
数量指标
按时发放工资
≥100%
"""


def _tab_rows(lines):
    return [ln.split("\t") for ln in lines if "\t" in ln]


def test_performance_tables_are_rebuilt_as_their_tab_rows():
    lines, problems = flat_tables(PROJECT.split("\n"))
    assert problems == [] and len(lines) == len(PROJECT.split("\n"))
    assert _tab_rows(lines) == [
        ["项目名称", "", "档案数字化加工项目", "", ""],
        ["主管部门", "", "某县档案馆", "", ""],
        ["资金金额（万元）", "年度资金总额：", "", "30.00", ""],
        ["", "其中：财政拨款", "", "30.00", ""],
        ["", "其他资金", "", "", ""],
        ["总体目标", "年度目标", "", "", ""],
        ["", "目标1：完成馆藏档案数字化加工，提升利用效率。", "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "指标内容", "指标值"],
        ["", "产出指标", "数量指标", "指标1：完成数字化加工的档案", "≥3000卷"],
        ["", "", "", "指标2：新增目录条目", "待填"],  # a second indicator under 数量指标
        ["", "效益指标", "社会效益指标", "档案利用效率提升", "≥90%"],
        ["", "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥120%"],
        ["部门（单位）名称", "某县档案馆", "", "", ""],
        ["任务名称", "主要内容", "总额", "财政拨款", "其他资金"],
        ["人员经费", "保障在职人员工资福利", "80.00", "70.00", "10.00"],
        ["专项业务经费", "完成年度专项工作任务", "30.00", "30.00", ""],
        ["金额合计", "", "110.00", "100.00", "10.00"],
        ["年度总体目标", "保障单位正常运转。", "", "", ""],
        ["一级指标", "二级指标", "指标内容", "指标值", ""],
        ["产出指标", "数量指标", "按时发放工资", "≥100%", ""],
    ]


def test_rebuilt_performance_tables_are_checked():
    # The impossible target (满意度 ≥120%) and the placeholder in a 指标值 cell are seen.
    from anomaly.engine import run_rules
    from datasets.corpus import parse_files

    lines, _ = flat_tables(PROJECT.split("\n"))
    text = "\n".join(lines)
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.txt"
        path.write_text(text, encoding="utf-8")
        rules = set(run_rules(parse_files([path]))[0]["rule"].to_list())
    assert any(r.startswith("PRF") for r in rules) and any(r.startswith("PLH") for r in rules)


def test_a_project_table_of_another_shape_leaves_every_project_table_as_printed():
    # 表13-2 has no 一级指标 header: it is not read, and neither is 表13-1, whose
    # 年度资金总额 alone would be summed against 表1 as if it were all the projects.
    other = (
        PROJECT.split("                 2024年单位整体支出绩效目标表")[0]
        .replace("表13-1", "表13-2")
        .replace("（1）", "（2）")
    )
    other = other.replace("绩效指标\n一级指标\n二级指标\n指标内容\n指标值\n", "年度绩效指标\n")
    text = PROJECT.split("                 2024年单位整体支出绩效目标表")[0] + other
    lines, _ = flat_tables(text.split("\n"))
    assert not any(len(r) > 2 for r in _tab_rows(lines))


def test_a_task_row_whose_amounts_no_identity_places_is_not_read():
    # Two different amounts on a task row: 总额 and 财政拨款, or 财政拨款 and 其他资金.
    text = PROJECT.replace("80.00\n70.00\n10.00\n", "80.00\n70.00\n")
    lines, _ = flat_tables(text.split("\n"))
    assert not any(r[0] == "金额合计" and len(r) > 2 for r in _tab_rows(lines))


@pytest.mark.parametrize("template", ["county15", "mof"])
def test_generated_raw_performance_tables_read_as_their_text(template):
    from datasets.read import read_document
    from datasets.synthetic.generate import iter_documents

    def rows(data: bytes) -> list[list[str]]:
        out = []
        for ln in read_document(data, "x.txt").text.split("\n"):
            cells = [c.strip() for c in (ln.strip().strip("|").split("|") if ln.startswith("|") else ln.split("\t"))]
            if len(cells) == 5 and re.search(
                r"指标|资金|项目名称|主管部门|目标|任务|金额合计|经费", cells[0] + cells[1]
            ):
                out.append(cells)
        return out

    for (_, data_t, _), (name, data_r, _) in zip(
        iter_documents(10, 16, anomaly_share=1.0, fmt="txt", template=template),
        iter_documents(10, 16, anomaly_share=1.0, fmt="raw", template=template),
    ):
        want = rows(data_t)
        assert want and rows(data_r) == want, name


PAIR = """表1

                 2024年单位收支总表

单位：万元

收入
支出
项目
预算数
项目
预算数
一、一般公共预算拨款收入
300.00
一、一般公共服务支出
250.00
二、事业收入
100.00
二、教育支出
150.00
本年收入合计
400.00
本年支出合计
400.00
"""


def test_pair_table_labels_find_their_group_by_vocabulary_and_numbering():
    # The beam search of flat._pair_rows: income labels to the 收入 pair, 支出 labels to
    # the other, each numbering running on within its own group.
    lines, problems = flat_tables(PAIR.split("\n"))
    assert problems == []
    rows = [ln.split("\t") for ln in lines if "\t" in ln]
    assert rows[2:] == [
        ["一、一般公共预算拨款收入", "300.00", "一、一般公共服务支出", "250.00"],
        ["二、事业收入", "100.00", "二、教育支出", "150.00"],
        ["本年收入合计", "400.00", "本年支出合计", "400.00"],
    ]


# pdftotext's default reading order (no -layout): the 目录's reason column printed after
# the others, a flag between a wrapped title's two pieces.
PLAIN_TOC = """目录
序号

内容

是否空表

表1

2024 年收支总表

否

表5

2024 年一般公共预算支出明细
否
表（按功能分类科目）

表9

2024 年政府性基金收支表

是

表 11

2024 年政府采购（资产配置、
是
购买服务）预算表

公开空表理由

无此项预算

不涉及

"""


def _toc_rows(text: str) -> list[list[str]]:
    lines, _ = flat_tables(text.split("\n"))
    return [ln.split("\t") for ln in lines if "\t" in ln]


PLAIN_ROWS = [
    ["表1", "2024 年收支总表", "否", ""],
    ["表5", "2024 年一般公共预算支出明细表（按功能分类科目）", "否", ""],
    ["表9", "2024 年政府性基金收支表", "是", "无此项预算"],
    ["表 11", "2024 年政府采购（资产配置、购买服务）预算表", "是", "不涉及"],
]


def test_a_reason_column_printed_after_the_others_gives_the_empty_tables_their_reasons():
    assert _toc_rows(PLAIN_TOC)[1:] == PLAIN_ROWS


def test_reasons_not_as_many_as_the_empty_tables_are_given_to_none():
    rows = _toc_rows(PLAIN_TOC.replace("不涉及\n", ""))
    assert [r[3] for r in rows[1:]] == ["", "", "", ""]  # which table's reason it is, nothing says


# The same 目录 over a page break: a title's line run into its row's 否, the first
# page's reason column (one reason) after its rows, then the column names printed again
# in pieces among the next page's rows, whose reason heading comes before its flag.
PAGED_TOC = PLAIN_TOC.replace(
    "公开空表理由",
    "\n\n".join(["表 12", "2024 年一般公共预算拨“三 否", "公开空表理由"]),
).rstrip() + "\n\n".join(
    [
        "",
        "序号",
        "内 容",
        "是否空表",
        "公开空表理由",
        "公”经费支出预算表",
        "表 15",
        "是否空表",
        "2024 年专项资金绩效目标表",
        "公开空表理由",
        "是",
        "不涉及",
        "",
    ]
)
PAGED_ROWS = [
    ["表 12", "2024 年一般公共预算拨“三公”经费支出预算表", "否", ""],
    ["表 15", "2024 年专项资金绩效目标表", "是", "不涉及"],
]


def test_a_paged_reason_column_gives_each_page_s_empty_tables_their_reasons():
    assert _toc_rows(PAGED_TOC)[1:] == PLAIN_ROWS + PAGED_ROWS


def test_a_page_s_reason_heading_without_reasons_gives_its_tables_none():
    """The first page's reason column empty: the next page's cells are not its reasons."""
    rows = _toc_rows(PAGED_TOC.replace("无此项预算\n\n不涉及\n\n", ""))
    assert [r[3] for r in rows[1:]] == ["", "", "", "", "", "不涉及"]
    assert rows[-2] == PAGED_ROWS[0]


def test_placeholder_reasons_of_a_page_without_empty_tables_go_to_no_row():
    """A reason column of dashes for a page of non-empty tables: no row's text."""
    text = PLAIN_TOC.replace("\n是\n", "\n否\n").replace("无此项预算", "/").replace("不涉及", "/")
    rows = _toc_rows(text)
    assert [r[3] for r in rows[1:]] == ["", "", "", ""]
    assert [r[1] for r in rows[1:]] == [r[1] for r in PLAIN_ROWS]
