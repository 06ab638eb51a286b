"""Which figures must agree (政府性基金 units), and the narrative checked against itself."""

import pytest

from anomaly.engine import frames_from_text, run_rules
from datasets import synthetic


def _findings(text: str, select: list[str]):
    findings, _ = run_rules(frames_from_text(text), select=select)
    return findings


def test_clean_fund_units_have_no_narrative_alarm():
    """A unit with 政府性基金拨款: its 一般公共预算 items fall short of 表1 by the fund, rightly."""
    seen = 0
    for _rel, data, label in synthetic.iter_documents(120, 5, anomaly_share=0.0):
        text = data.decode(label["encoding"])
        if "当年政府性基金预算拨款支出" not in text:
            continue
        seen += 1
        f = _findings(text, ["NAR", "XTB", "ARI"])
        assert f.height == 0, (label["file"], f.select("rule", "message").rows())
    assert seen >= 3


def test_fund_income_is_not_all_gpb():
    from anomaly.engine import Context
    from anomaly.rules.common import all_fiscal

    for _rel, data, label in synthetic.iter_documents(120, 5, anomaly_share=0.0):
        text = data.decode(label["encoding"])
        if "当年政府性基金预算拨款支出" in text:
            row = all_fiscal(Context(frames_from_text(text))).row(0, named=True)
            if row["all_fiscal"]:  # 财政拨款 only: 表4 repeats 表1, but the narrative is 一般公共预算
                assert not row["all_gpb"]
                return
    pytest.fail("no unit funded by 一般公共预算 and 政府性基金 only")


_USES = "2024 年本单位当年一般公共预算支出 300.00 万元，主要用于：\n\n(1) 行政运行（2010301）{a} 万元，较上年减少 30.00 万元。\n\n(2) 机关服务（2010303）60.00 万元，较上年增加 10.00 万元。\n"


def test_a_list_of_main_uses_need_not_add_up_but_never_exceeds():
    assert _findings(_USES.format(a="200.00"), ["NAR012"]).height == 0
    assert _findings(_USES.format(a="250.00"), ["NAR012"]).height == 1


_STAFF = "截至上年末，本单位人员编制 {t} 人，其中{part}；实有人员 10 人，其中行政 10 人。"


@pytest.mark.parametrize(
    ("total", "part", "flagged"),
    [
        (12, "行政编制 12 人", False),
        (12, "行政编制 14 人", True),
        (12, "行政编制 11 人", True),  # a 其中 list is complete: the only category named
        (30, "较上年增加 2 人", False),  # no category: judged only above the total
    ],
)
def test_staff_one_part(total, part, flagged):
    f = _findings(_STAFF.format(t=total, part=part), ["STF001"])
    assert f.height == int(flagged), f.rows()


def test_headline_total_without_tables_is_the_confirmed_one():
    text = (
        "2024年本单位预算收入512.00万元，其中一般公共预算拨款收入400.00万元、事业收入100.00万元、上年结转0.00万元；"
        "2024年本单位预算支出500.00万元，其中一般公共预算拨款支出400.00万元、事业收入安排支出100.00万元。"
    )
    assert frames_from_text(text)["units"]["total_budget_yuan"].item() == 5_000_000
    assert _findings(text, ["NAR010"]).height == 1
    assert _findings(text, ["NAR011"]).height == 1
