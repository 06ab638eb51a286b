"""The 财政部 template's tables as workbooks, web pages, Word files and PDFs print them."""

from __future__ import annotations

from datasets.parse import parse_text
from datasets.read.cells import table_lines


def test_a_maker_and_unit_line_above_a_sheets_table_governs_its_amounts():
    # 编制单位：… 单位：万元 on one line (one merged cell) must stay below the id and the
    # title, where the parser looks for a table's 单位.
    rows = [
        ["表一", "", ""],
        ["2024年部门收支总表", "", ""],
        ["编制单位：某某局 单位：万元", "", ""],
        ["项 目", "预算数", ""],
        ["本年收入合计", "1524.49", ""],
    ]
    lines = table_lines(rows)
    assert lines[:3] == ["表1", "2024年部门收支总表", "编制单位：某某局 单位：万元"]
    cells = parse_text("\n".join(lines))["cells"]
    assert 15244900.0 in cells["value_yuan"]
