"""Tables flattened to one cell per line rebuilt as tab rows (datasets/read/flat.py)."""

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
