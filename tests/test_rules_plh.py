"""PLH002 beyond its catalog examples (those are tested with every rule's)."""

from anomaly.engine import frames_from_text, run_rules
from anomaly.rules.common import PROJECT_TABLE


def _plh002(row: str):
    frames = frames_from_text("某县档案馆\n2024年单位预算公开说明\n\n" + PROJECT_TABLE.format(row=row))
    assert frames["units"]["parse_status"].to_list() == ["partial"]  # no 目录, no 表1 …
    return run_rules(frames, select=["PLH002"])[0]


def test_a_template_cell_whose_sentence_goes_on_in_the_next_row_is_a_wrapped_cell():
    # pdftotext -raw prints a wrapped 目标 cell's pieces one a line, each read as a row.
    assert _plh002("目标 1：\t\n保障档案数字化\t\n顺利实施。\t").height == 0


def test_template_rows_one_after_another_are_still_template_rows():
    found = _plh002("目标 1：\t\n目标 2：\t")
    assert found["stated"].to_list() == ["2行仅有模板文字"]


def test_a_placeholders_quote_is_quoted_as_the_window_it_is():
    text = "截止上年底，本单位共有车辆22辆，单价20万元以上的设备XX台（套）。当年部门预算安排购置车辆0辆。\n"
    findings, _ = run_rules(frames_from_text(text), select=["PLH001"])
    (message,) = findings["message"].to_list()
    assert message.startswith("留有模板占位符“XX”：“") and message.endswith("”")  # the line is the finding's own
    assert "设备XX台" in message and not message.endswith("。")
