"""The engine's contract: columns, coverage rows, select/ignore, errors contained."""

import polars as pl
import pytest

from anomaly import engine
from anomaly.engine import COVERAGE_COLUMNS, FINDING_COLUMNS, Result, frames_from_text, run_rules, selected

TEXT = "公务接待费3.74元，较上年5.12减少1.39万元（73.05%）。"


def _two_units():
    a = frames_from_text(TEXT, unit_id="a", source_path="a.txt")
    b = frames_from_text("本年度公用经费安排6.30万元，比上年8.15万元减少1.85万元。", unit_id="b", source_path="b.txt")
    failed = pl.DataFrame({"unit_id": ["c"], "source_path": ["c.txt"], "parse_status": ["failed"]})
    units = pl.concat([a["units"], b["units"], failed], how="diagonal_relaxed")
    return {k: (units if k == "units" else pl.concat([a[k], b[k]])) for k in a}


def test_columns_and_coverage():
    frames = _two_units()
    findings, coverage = run_rules(frames)
    assert findings.columns[:10] == list(FINDING_COLUMNS)[:10]
    assert {"title", "fingerprint"} <= set(findings.columns)
    assert coverage.columns == list(COVERAGE_COLUMNS)
    n_rules = len([r for r in selected() if r.check is not None])
    assert coverage.height == 3 * n_rules
    assert coverage.group_by("unit_id", "rule").len()["len"].max() == 1
    assert set(coverage["outcome"]) <= {"pass", "fail", "not_applicable", "insufficient_data", "error"}
    assert set(coverage.filter(pl.col("unit_id") == "c")["outcome"]) == {"insufficient_data"}
    fails = coverage.filter(pl.col("outcome") == "fail").select("unit_id", "rule").unique().sort("unit_id", "rule")
    assert fails.equals(findings.select("unit_id", "rule").unique().sort("unit_id", "rule"))
    assert set(findings["unit_id"]) == {"a"}
    assert set(findings["source_path"]) == {"a.txt"}


def test_select_ignore_and_lang():
    frames = _two_units()
    f, cov = run_rules(frames, select=["PCT", "UNT"], ignore=["UNT002"])
    assert set(cov["rule"]) == {"PCT001", "PCT002", "PCT003", "UNT001"}
    assert set(f["rule"]) == {"PCT002", "UNT001"}
    en, _ = run_rules(frames, select=["PCT002"], lang="en")
    assert "current/prior" in en["message"][0]


def test_a_final_accounts_percentage_is_measured_against_the_initial_budget():
    text = "培训费支出决算为1.68万元，比年初预算4.01万元减少2.33万元（41.90%）。"
    f, _ = run_rules(frames_from_text(text), select=["PCT002"])
    assert "决算数与年初预算数之比" in f["message"][0] and "上年" not in f["message"][0]
    assert f["expected"][0] == "58.10%（减少额/上年数）"  # as before: the fingerprint hashes it
    en, _ = run_rules(frames_from_text(text), select=["PCT002"], lang="en")
    assert "actual/initial budget" in en["message"][0]
    budget, _ = run_rules(frames_from_text(TEXT), select=["PCT002"])
    assert "本年数与上年数之比" in budget["message"][0]


def test_a_percentage_cut_off_is_a_note_and_one_off_by_more_a_warning():
    def pct001(pct):
        text = f"公务用车运行维护费31.77万元，较上年31.89万元减少0.12万元（{pct}）。"
        f, _ = run_rules(frames_from_text(text), select=["PCT001"])
        return f.select("severity", "message").rows()

    assert pct001("0.4%") == []  # 0.376% rounded
    ((severity, message),) = pct001("0.3%")  # cut off
    assert severity == "info" and "截去尾数" in message
    assert [s for s, _ in pct001("0.2%")] == ["warning"]


def test_fingerprint_ignores_unit_and_line():
    a = run_rules(frames_from_text(TEXT, unit_id="x"), select=["PCT002"])[0]
    b = run_rules(frames_from_text("\n\n\n" + TEXT, unit_id="y"), select=["PCT002"])[0]
    assert a["line"][0] != b["line"][0]
    assert a["fingerprint"][0] == b["fingerprint"][0]


def test_a_failing_rule_is_contained(monkeypatch):
    def boom(ctx):
        raise RuntimeError("broken")

    rule = engine.get("PCT001")
    monkeypatch.setattr(rule, "check", boom)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f, cov = run_rules(frames_from_text(TEXT), select=["PCT"])
    assert cov.filter(pl.col("rule") == "PCT001")["outcome"].to_list() == ["error"]
    assert "PCT002" in set(f["rule"])


def test_findings_come_in_one_order_whatever_order_a_rule_gives(monkeypatch):
    # Several findings of one rule on one line (XTB002 names each item) come from joins
    # whose order varies between runs and processes; the outputs must not.
    hits = [
        {"unit_id": "a", "line": 1, "evidence": f"表4：{item}", "stated": item, "message_zh": item, "message_en": item}
        for item in ("教育支出", "一般公共服务支出", "机关工资福利支出")
    ]
    rule = engine.get("XTB002")
    frames = frames_from_text(TEXT, unit_id="a", source_path="a.txt")
    runs = []
    for order in (hits, hits[::-1], hits[1:] + hits[:1]):
        monkeypatch.setattr(rule, "check", lambda ctx, order=order: Result(hits=list(order)))
        runs.append(run_rules(frames, select=["XTB002"])[0])
    assert runs[0].height == 3 and runs[0].equals(runs[1]) and runs[0].equals(runs[2])


def test_the_same_statement_printed_twice_is_one_finding():
    # A paragraph repeated (or a text pasted twice) says the same wrong thing twice:
    # one lead, at its first place, not one a copy with a shared fingerprint.
    twice = run_rules(frames_from_text(TEXT + "\n\n" + TEXT), select=["PCT", "UNT"])[0]
    once = run_rules(frames_from_text(TEXT), select=["PCT", "UNT"])[0]
    assert twice.height == once.height > 0
    assert twice["fingerprint"].is_unique().all() and set(twice["line"]) == {1}


def test_empty_frames():
    from datasets import frames as schemas

    f, cov = run_rules({k: schemas.empty(k) for k in schemas.SCHEMAS})
    assert f.height == 0 and cov.height == 0


def test_result_default():
    assert Result().hits == []


def test_cmp001_a_performance_tables_indicator_part_is_not_a_missing_table():
    # A 绩效目标表 cut in two by a wrapped sentence leaves its 指标 rows a table without
    # a number: that part cannot be the missing 表2, so CMP001 still says 表2 is absent.
    from anomaly.rules.cmp import _CMP_TABLES

    part = "\n\n注：目标1：保障日常运转，提升服务水平，按期完成年度工作任务。\n\n一级指标\t二级指标\t指标内容\t指标值\n产出指标\t数量指标\t完成任务数\t≥5项\n"
    other = "\n\n注：另附一表。\n\n项 目\t合计\n合计\t100.00\n"
    found = run_rules(frames_from_text(_CMP_TABLES.format(t2=part)), select=["CMP001"])[0]
    assert found["rule"].to_list() == ["CMP001"] and "表2" in found["message"][0]
    # A nameless table of figures may be the missing one: insufficient data, no finding.
    assert run_rules(frames_from_text(_CMP_TABLES.format(t2=other)), select=["CMP001"])[0].height == 0


def test_cmp001_a_page_of_a_performance_table_is_not_a_missing_table():
    # A 整体支出绩效目标表 continued on a page its reader did not join it to: its task
    # columns and indicator rows, without a number, are no missing 收入总表 (表2 is still
    # reported) but may be a missing performance table (表14: insufficient data).
    from anomaly.rules.cmp import _CMP_TABLES

    piece = (
        "\n\n注：本单位履行职责，保障正常运转。\n\n任务名称\t主要内容\t总额\t财政拨款\t其他资金\n"
        "效益指标\t社会效益指标\t单位履职能力提升\t≥90%\t\n满意度指标\t服务对象满意度指标\t满意度\t≥90%\t\n"
    )
    found = run_rules(frames_from_text(_CMP_TABLES.format(t2=piece)), select=["CMP001"])[0]
    assert found["rule"].to_list() == ["CMP001"] and "表2" in found["message"][0]
    toc_14 = _CMP_TABLES.replace("表2\t2024年单位综合预算收入总表", "表14\t2024年单位整体支出绩效目标表")
    findings, coverage = run_rules(frames_from_text(toc_14.format(t2=piece)), select=["CMP001"])
    assert findings.height == 0 and coverage["outcome"].to_list() == ["insufficient_data"]


def test_ari003_a_form_continued_on_the_next_page_in_other_columns():
    # A PDF reader's next page gave 其他资金 a column of its own: a table with one
    # 年度资金总额 takes its parts from any column (the same form with 90.00 adds up).
    from anomaly.rules.ari import _PROJECT

    def moved(total: str) -> str:
        text = _PROJECT.format(total=total, other="3.60")
        return text.replace("\t\t其他资金\t\t3.60", "\f\n项目名称\t\t\t档案数字化经费\n\t\t其他资金\t\t\t3.60")

    assert "\t\t\t3.60" in moved("90.00")
    for total, outcome in (("90.00", "pass"), ("86.40", "fail")):
        coverage = run_rules(frames_from_text(moved(total)), select=["ARI003"])[1]
        assert coverage["outcome"].to_list() == [outcome]


@pytest.mark.parametrize(
    "target, flagged",
    [("≥１２０％", True), ("≥١٢٠%", True), ("≥120\x1f%（不低于95%）", True), ("≥99.5%", False), ("≤120%", False)],
)
def test_prf003_reads_a_target_as_python_does(target, flagged):
    """Digits of other scripts and spaces Rust's regex does not know count as Python's do."""
    from anomaly.rules.prf import _TARGET

    findings, coverage = run_rules(frames_from_text(_TARGET.format(v=target)), select=["PRF003"])
    assert findings.height == flagged and coverage["outcome"].to_list() == ["fail" if flagged else "pass"]


def test_a_performance_tables_indicators_cut_from_it_stay_its_rows():
    """A text conversion whose 绩效目标表 a page break cut under its 年度目标, that cell's
    rest spilt between the parts as lines of text: the indicators, a table of neither id
    nor title under their header (一级指标 二级指标 …), are the rest of 表13-1, their rows
    numbered on (before: an unnamed 表?1, which PRF003 does not read)."""
    text = "\n".join(
        [
            "表13-1",
            "2025年单位专项业务经费绩效目标表（1）",
            "项目名称\t乡村道路养护经费",
            "资金金额（万元）\t年度资金总额：\t88.40",
            "总体目标\t年度目标",
            "目标1：\t",
            "保障道路",
            "养护顺利实施。",
            "",
            "绩效指标\t一级指标\t二级指标\t指标内容\t指标值",
            "\t产出指标\t数量指标\t完成养护里程\t≥12公里",
            "\t满意度指标\t服务对象满意度指标\t群众满意度\t≥120%",
        ]
    )
    frames = frames_from_text(text)
    cells = frames["cells"]
    assert set(cells["table_id"]) == {"表13-1"}
    assert cells.filter(pl.col("text") == "≥120%")["row"].item() == cells["row"].max() > 3
    findings, _ = run_rules(frames, select=["PRF003"])
    assert findings["stated"].to_list() == ["≥120%"]


@pytest.mark.parametrize("b, outcome", [("20.00", "pass"), ("15.00", "fail")])
def test_prf001_reads_a_funds_cell_wrapped_beside_its_unit(b, outcome):
    """A text conversion of a narrow project table reads the cell 年度资金 / 总额: with
    资金金额 / （万元） beside it as one label, the unit between its lines: still the
    project's annual funds."""
    from anomaly.rules.prf import _PRJ_SUM

    text = _PRJ_SUM.format(b=b).replace(
        "资金金额 (万元)\t\t年度资金总额:\t\t" + b, "资金金额 年度资金（万元） 总额:\t\t\t" + b
    )
    assert "年度资金（万元）" in text
    findings, coverage = run_rules(frames_from_text(text), select=["PRF001"])
    assert coverage["outcome"].to_list() == [outcome]


@pytest.mark.parametrize("b", ["20.00", "15.00"])
def test_prf001_leaves_projects_alone_when_a_tables_total_label_was_cut(b):
    """A project table whose 年度资金总额 label a page break cut (年度资金 beside its
    figure, 总额: on the next page): the other tables' sum is not the projects', so
    nothing is compared."""
    from anomaly.rules.prf import _PRJ_SUM

    text = _PRJ_SUM.format(b=b).replace("年度资金总额:\t\t" + b, "年度资金\t\t" + b)
    assert text.count("年度资金总额") == 1
    findings, coverage = run_rules(frames_from_text(text), select=["PRF001"])
    assert findings.height == 0 and coverage["outcome"].to_list() == ["insufficient_data"]


@pytest.mark.parametrize("third", ["年度资金总额:\t\t-", "年度资金总额:\t\t"])
def test_prf001_a_project_without_its_amount_is_still_a_shortfall(third):
    """A third project table printing no amount for its 年度资金总额 is not a cut label:
    the two others' 45.00 against 表1's 50.00 is still a shortfall."""
    from anomaly.rules.prf import _PRJ_SUM

    text = (
        _PRJ_SUM.format(b="15.00")
        + "\n表13-3\n\n2024年单位专项业务经费绩效目标表（3）\n\n项目名称\t\t设备维护\n"
        + third
        + "\n"
    )
    findings, coverage = run_rules(frames_from_text(text), select=["PRF001"])
    assert coverage["outcome"].to_list() == ["fail"]


def test_income_and_expenditure_changes_are_compared_in_budgets_only():
    body = (
        "2024年本单位预算收入493.22万元，较上年增加37.94万元。2024年本单位预算支出493.22万元，较上年增加47.94万元。\n"
    )
    budget = frames_from_text("清河县示例局\n2024年单位预算公开说明\n\n四、收支说明\n" + body)
    final = frames_from_text("清河县示例局\n2024年单位决算公开说明\n\n四、收支说明\n" + body)
    assert final["units"]["doc_kind"][0] == "final"
    assert run_rules(budget, select=["YOY004"])[0]["stated"].to_list() == ["预算支出增减 +47.94万元"]
    assert run_rules(final, select=["YOY004"])[0].height == 0  # a 决算's income and expenditure need not be equal
