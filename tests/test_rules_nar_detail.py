"""NAR006–NAR009: narrative figures against the detail tables (表5–表8, 表12), their
outcomes, rounding, and no double reporting with NAR002/NAR003/NAR005 and UNT001."""

import polars as pl
import pytest

from anomaly.engine import frames_from_text, run_rules

T1_MIXED = """表1

2024年单位综合预算收支总表

单位：元

收 入		支 出			
项 目	预算数	支出功能科目（按大类）	预算数	部门预算支出经济分类科目（按大类）	预算数
1、财政拨款	1000000.00	1、一般公共服务支出	1200000.00	1、人员经费和公用经费支出	1000000.00
(1)一般公共预算拨款	1000000.00	2、住房保障支出	300000.00	(1)工资福利支出	800000.00
2、事业收入	500000.00			(2)商品和服务支出	200000.00
				2、专项业务经费支出	500000.00
				(2)商品和服务支出	500000.00
本年收入合计	1500000.00	本年支出合计	1500000.00	本年支出合计	1500000.00
"""

T1_FISCAL = """表1

2024年单位综合预算收支总表

单位：元

收 入		支 出			
项 目	预算数	支出功能科目（按大类）	预算数	部门预算支出经济分类科目（按大类）	预算数
1、财政拨款	1000000.00	1、一般公共服务支出	700000.00	1、人员经费和公用经费支出	800000.00
(1)一般公共预算拨款	1000000.00	2、住房保障支出	300000.00	(1)工资福利支出	700000.00
				(2)商品和服务支出	100000.00
				2、专项业务经费支出	200000.00
				(2)商品和服务支出	200000.00
本年收入合计	1000000.00	本年支出合计	1000000.00	本年支出合计	1000000.00
"""

ITEMS = """
2024 年本单位当年一般公共预算支出 100.00 万元，其中：

(1) 行政运行（2010301）{a} 万元，较上年减少 5.00 万元。

(2) 住房公积金（2210201）30.00 万元，较上年减少 5.00 万元。
"""

T5 = """
表5

2024年单位综合预算一般公共预算支出明细表（按支出功能分类科目）

单位：{unit}

| 科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出 |
|---|---|---|---|---|
|  | 合计 | {tot} | | |
| 2010301 | 行政运行 | {a} | | |
| 2210201 | 住房公积金 | {b} | | |
"""

T5_YUAN = T5.format(unit="元", tot="1,000,000", a="700,000", b="300,000")


def run(text, select):
    return run_rules(frames_from_text(text), select=select)


def outcome(cov, rule):
    return cov.filter(pl.col("rule") == rule)["outcome"].to_list()


def test_a_code_read_as_a_rows_only_cell_is_no_amount():
    # pdftotext's default order leaves a 表5 without its header, each 科目编码 a row's
    # only cell: 2010301 is the row's name, not 2,010,301 元.
    t5 = "\n表5\n\n2024年单位综合预算一般公共预算支出明细表（按支出功能分类科目）\n\n单位：元\n\n2010301\t\n2210201\t\n"
    f, _ = run(ITEMS.format(a="70.00") + t5, ["NAR006"])
    assert f.height == 0


def test_unit_with_shiye_income_is_judged_against_table5():
    # NAR002 cannot judge (事业收入: 表1's classes are not 一般公共预算), NAR006 can.
    f, cov = run(T1_MIXED + ITEMS.format(a="61.12") + T5_YUAN, ["NAR002", "NAR006"])
    assert outcome(cov, "NAR002") == ["not_applicable"]
    assert outcome(cov, "NAR006") == ["fail"]
    (r,) = f.rows(named=True)
    assert r["rule"] == "NAR006" and r["stated"] == "2010301 61.12万元" and r["expected"] == "表5 2010301 70.00万元"
    assert "行政运行（2010301）61.12" in r["evidence"] and r["line"] is not None
    assert r["line"] == next(i for i, s in enumerate((T1_MIXED + ITEMS).splitlines(), 1) if "2010301" in s)


def test_no_double_report_with_nar002():
    # All 财政拨款: NAR002 would flag class 201 against 表1; NAR006 reports the item instead.
    f, cov = run(T1_FISCAL + ITEMS.format(a="61.12") + T5_YUAN, ["NAR002", "NAR006"])
    assert f["rule"].to_list() == ["NAR006"]
    assert outcome(cov, "NAR002") == ["pass"]  # class 221 judged and consistent; class 201 left to NAR006
    f, cov = run(
        T1_FISCAL
        + ITEMS.format(a="61.12").replace("(2) 住房公积金（2210201）30.00 万元，较上年减少 5.00 万元。", "")
        + T5_YUAN,
        ["NAR002", "NAR006"],
    )
    assert f["rule"].to_list() == ["NAR006"]
    assert outcome(cov, "NAR002") == ["not_applicable"]  # its only class is reported by NAR006
    # Without 表5, NAR002 still reports it.
    f, cov = run(T1_FISCAL + ITEMS.format(a="61.12"), ["NAR002", "NAR006"])
    assert f["rule"].to_list() == ["NAR002"]
    assert outcome(cov, "NAR006") == ["not_applicable"]


@pytest.mark.parametrize(
    "a, flagged",
    [
        ("70.00", False),
        ("70.004", False),
        ("69.99", False),
        ("70.01", False),
        ("69.98", True),
        ("70.02", True),
        ("70.006", True),
    ],
)
def test_rounding_of_a_wan_table(a, flagged):
    # 表5 in 万元 with 2 decimals: 70.00 stands for [69.995, 70.005]; 69.99 for
    # [69.985, 69.995], which meets it; 70.006 (3 decimals) for [70.0055, 70.0065], which does not.
    t5 = T5.format(unit="万元", tot="100.00", a="70.00", b="30.00")
    f, cov = run(ITEMS.format(a=a) + t5, ["NAR006"])
    assert outcome(cov, "NAR006") == (["fail"] if flagged else ["pass"])


def test_rounding_of_the_narrative():
    # 70.00万元 stands for [699950, 700050]元: 700,049 is consistent, 700,051 is not.
    for a, out in (("700,049", "pass"), ("700,051", "fail")):
        t5 = T5.format(unit="元", tot="1,000,049", a=a, b="300,000")
        _, cov = run(ITEMS.format(a="70.00") + t5, ["NAR006"])
        assert outcome(cov, "NAR006") == [out], a


def test_missing_row_is_insufficient_data():
    t5 = (
        T5.format(unit="元", tot="1,000,000", a="700,000", b="300,000")
        .replace("2010301", "2010399")
        .replace("2210201", "2210299")
    )
    f, cov = run(ITEMS.format(a="61.12") + t5, ["NAR006"])
    assert f.height == 0 and outcome(cov, "NAR006") == ["insufficient_data"]


T78 = """
表7

2024年单位综合预算一般公共预算基本支出明细表（按支出功能分类科目）

单位：元

| 科目编码 | 科目名称 | 合计 | 人员经费 | 公用经费 |
|---|---|---|---|---|
|  | 合计 | 800,000 | 700,000 | 100,000 |
| 2010301 | 行政运行 | 800,000 | 700,000 | 100,000 |
"""

T8 = """
表8

2024年单位综合预算一般公共预算基本支出明细表（按支出经济分类科目）

单位：元

| 科目编码 | 科目名称 | 合计 |
|---|---|---|
|  | 合计 | 800,000 |
| 301 | 工资福利支出 | 700,000 |
| 302 | 商品和服务支出 | {g} |
"""

PF = "\n本单位当年公用经费预算安排{pf}万元，较上年预算无变动。\n"


def test_public_funds_against_table8_only():
    f, cov = run(PF.format(pf="13.58") + T8.format(g="100,000"), ["NAR007"])
    assert outcome(cov, "NAR007") == ["fail"]
    assert f["expected"].to_list() == ["表8 302 商品和服务支出 10.00万元"]
    _, cov = run(PF.format(pf="10.00") + T8.format(g="100,000"), ["NAR007"])
    assert outcome(cov, "NAR007") == ["pass"]


def test_public_funds_either_table_suffices():
    # 表7 says 10.00, 表8 says 12.00 (a table discrepancy, not the narrative's): pass.
    _, cov = run(PF.format(pf="10.00") + T78 + T8.format(g="120,000"), ["NAR007"])
    assert outcome(cov, "NAR007") == ["pass"]


def test_public_funds_no_double_report_with_nar005():
    text = T1_FISCAL + PF.format(pf="12.50") + T78
    f, cov = run(text, ["NAR005", "NAR007"])
    assert f["rule"].to_list() == ["NAR007"]
    assert outcome(cov, "NAR005") == ["not_applicable"]
    f, _ = run(T1_FISCAL + PF.format(pf="12.50"), ["NAR005", "NAR007"])
    assert f["rule"].to_list() == ["NAR005"]


def test_public_funds_without_tables_is_not_applicable():
    _, cov = run(T1_FISCAL + PF.format(pf="12.50"), ["NAR006", "NAR007", "NAR008", "NAR009"])
    assert set(cov["outcome"]) == {"not_applicable"}


T12 = """
表12

2024年单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表

单位：元

| 合计 | 因公出国（境）费 | 公务接待费 | 公务用车购置及运行维护费小计 | 公务用车购置费 | 公务用车运行维护费 | 会议费 | 培训费 |
|---|---|---|---|---|---|---|---|
| 39,200 | 0 | 16,700 | 22,500 | 0 | 22,500 | 29,200 | 45,000 |
"""

SG = (
    "2024年本单位当年一般公共预算“三公”经费预算支出{tot}万元，较上年预算3.59万元增加0.33万元。其中：因公出国（境）经费0.00万元，"
    "较上年预算无变动；公务接待费{rec}，较上年预算1.41万元增加0.26万元；公务用车运行维护费2.25万元，较上年预算2.18万元增加0.07万元；"
    "公务用车购置费0.00万元，较上年预算无变动。本单位当年一般公共预算会议费预算支出2.92万元，较上年预算3.06万元减少0.14万元。\n"
)


def test_sangong_total_and_parts():
    f, cov = run(SG.format(tot="3.92", rec="1.67万元") + T12, ["NAR008"])
    assert outcome(cov, "NAR008") == ["pass"]
    f, cov = run(SG.format(tot="4.92", rec="1.67万元") + T12, ["NAR008"])
    assert f["stated"].to_list() == ["“三公”经费合计 4.92万元"] and f["expected"].to_list() == [
        "表12 “三公”经费合计 3.92万元"
    ]


# A header read with its names apart from their columns (pdftotext -raw prints them in
# pieces): the last name carried over the figures it does not head.
T12_MISPLACED = """
表12

2024年单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表

单位：元

| 会议费 | 培训费 |  |  |  |  |  |  |
|---|---|---|---|---|---|---|---|
| 39,200 | 0 | 16,700 | 22,500 | 0 | 22,500 | 29,200 | 45,000 |
"""


def test_names_heading_two_figures_of_a_row_place_none():
    f, cov = run(SG.format(tot="3.92", rec="1.67万元") + T12_MISPLACED, ["NAR008"])
    assert f.height == 0 and outcome(cov, "NAR008") != ["fail"]


def test_sangong_unit_slip_reported_once_by_unt001():
    f, _ = run(SG.format(tot="3.92", rec="1.67元") + T12, ["NAR008", "UNT001"])
    assert f["rule"].to_list() == ["UNT001"]


def test_combined_vehicle_figure_is_compared_with_the_subtotal():
    text = (
        "2024年本单位当年一般公共预算“三公”经费预算支出3.92万元。其中：公务接待费1.67万元；"
        "公务用车购置及运行维护费2.25万元，较上年预算无变动。\n"
    ) + T12
    f, cov = run(text, ["NAR008"])
    assert f.height == 0 and outcome(cov, "NAR008") == ["pass"]


def test_economic_classes_against_table6():
    t6 = """
表6

2024年单位综合预算一般公共预算支出明细表（按支出经济分类科目）

单位：元

| 科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出 |
|---|---|---|---|---|
|  | 合计 | 1,000,000 | 800,000 | 200,000 |
| 301 | 工资福利支出 | 700,000 | 700,000 |  |
| 302 | 商品和服务支出 | 300,000 | 100,000 | 200,000 |
"""
    text = (
        T1_FISCAL
        + "\n2024 年本单位当年一般公共预算支出 100.00 万元。其中：工资福利支出（301）70.00 万元，较上年减少 5.00 万元。\n\n商品和服务支出（302）35.00 万元，较上年减少 5.00 万元。\n"
        + t6
    )
    f, cov = run(text, ["NAR003", "NAR009"])
    assert f["rule"].to_list() == ["NAR009"]  # NAR003 leaves the flagged class to NAR009
    assert f["stated"].to_list() == ["302 35.00万元"] and f["expected"].to_list() == ["表6 302 30.00万元"]


def test_seed_has_no_detail_tables(seed_frames):
    _, cov = run_rules(seed_frames, select=["NAR006", "NAR007", "NAR008", "NAR009"])
    assert cov["outcome"].to_list() == ["not_applicable"] * 4
