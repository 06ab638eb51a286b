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
