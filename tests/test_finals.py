"""决算 disclosures: read, checked on their own (EXE002 and the families that fit) and
against the same year's budget (EXE001), from the catalog's examples and a generated
corpus with finals."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import cross_inputs

from anomaly.engine import catalog, frames_from_text, run_rules
from anomaly.execution import budget_pairs, exe_findings
from anomaly.rules.exe import EXAMPLE_SPLIT
from anomaly.years import statements

EXE001 = next(r for r in catalog() if r.code == "EXE001")


def _screen_pair(text: str, lang: str = "zh") -> tuple[pl.DataFrame, pl.DataFrame]:
    return exe_findings(*cross_inputs(text, EXAMPLE_SPLIT, "d"), lang=lang)


def test_exe001_bad_example_is_flagged():
    findings, coverage = _screen_pair(EXE001.bad.text)
    assert findings.height == 1, findings
    row = findings.row(0, named=True)
    assert row["unit_id"] == "u1" and row["other_path"] == "d0.txt" and row["other_year"] == 2024
    assert "3.20" in row["stated"] and "2.70" in row["expected"] and "d0.txt" in row["expected"]
    assert row["line"] is not None and row["other_line"] is not None
    out = dict(coverage.filter(pl.col("rule") == "EXE001").select("unit_id", "outcome").iter_rows())
    assert out == {"u0": "not_applicable", "u1": "fail"}


def test_exe001_good_example_passes():
    findings, coverage = _screen_pair(EXE001.good.text)
    assert findings.height == 0, findings
    assert coverage.filter(pl.col("unit_id") == "u1")["outcome"].to_list() == ["pass"]


def test_exe001_english_message():
    findings, _ = _screen_pair(EXE001.bad.text, lang="en")
    assert "2024 budget disclosure states" in findings["message"][0]


def test_final_without_its_budget_is_insufficient_data():
    final = EXE001.bad.text.split(EXAMPLE_SPLIT)[1]
    findings, coverage = _screen_pair(final)
    assert findings.height == 0 and coverage["outcome"].to_list() == ["insufficient_data"]


def test_final_read():
    """A 决算's 年初预算为X，支出决算为Y，完成年初预算的Z% is one claim: Y against X, rate Z."""
    text = (
        "凤县政府办公室\n2024年度单位决算公开说明\n\n"
        "1、行政运行（2010301）：年初预算为120.40万元，支出决算为118.20万元，完成年初预算的98.17%。\n\n"
        "“三公”经费财政拨款支出决算为30.56万元，完成年初预算的86.38%，比年初预算35.38万元减少4.82万元（13.62%）。\n"
    )
    frames = frames_from_text(text)
    assert frames["units"]["doc_kind"].to_list() == ["final"]
    c = frames["claims"].select("code", "item", "current", "prior", "change", "pct", "completion").rows()
    assert c == [
        ("2010301", None, 118.2, 120.4, None, None, 98.17),
        (None, "sangong", 30.56, 35.38, 4.82, 13.62, 86.38),
    ]
    findings, _ = run_rules(frames)
    assert findings.filter(pl.col("severity") != "info").height == 0, findings.select("rule", "message").rows()
    st = statements(frames, findings)
    assert sorted(st.filter(pl.col("kind") == "budget")["key"].to_list()) == ["code:2010301", "sangong"]


@pytest.fixture(scope="module")
def finals_run(tmp_path_factory):
    from anomaly.pipeline import Options, screen
    from datasets.synthetic import generate_corpus

    tmp = tmp_path_factory.mktemp("finals")
    labels = generate_corpus(tmp / "c", units=40, seed=11, years=[2023, 2024], anomaly_share=0.0, finals=True)
    run = screen(sorted((tmp / "c").rglob("*.txt")), tmp / "out", Options())
    return labels, run, tmp


def test_a_multi_year_run_is_reproduced_byte_for_byte(finals_run):
    """The cross-document outcomes (XYR, EXE coverage) come from joins and group-bys
    whose row order polars does not fix: a second run must still write the same bytes."""
    from anomaly.pipeline import Options, screen

    _, _, tmp = finals_run
    screen(sorted((tmp / "c").rglob("*.txt")), tmp / "again", Options(workers=2, cache_dir=tmp / "cache2"))
    for name in ("coverage.parquet", "findings.parquet", "features.parquet", "ranking.csv"):
        assert (tmp / "out" / name).read_bytes() == (tmp / "again" / name).read_bytes(), name


def test_finals_corpus(finals_run):
    labels, run, _ = finals_run
    docs = labels["documents"]
    finals = [d for d in docs if d["doc_kind"] == "final"]
    assert len(finals) == 80 and labels["generator"]["finals"] is True
    assert all(d["budget_file"] in {b["file"] for b in docs} for d in finals)
    units = run.units
    assert units.group_by("doc_kind").len().sort("doc_kind").rows() == [("budget", 80), ("final", 80)]
    # Every 决算 paired with its unit's budget of the year.
    pairs = budget_pairs(units)
    assert pairs.height == 80 and pairs["budget_id"].null_count() == 0


def test_finals_planted_found_and_clean_not_alarmed(finals_run):
    labels, run, _ = finals_run
    by_path = {p.split("/c/")[-1]: i for p, i in run.units.select("source_path", "unit_id").iter_rows()}
    alarmed = run.findings.filter(pl.col("severity").is_in(["error", "warning"]))
    for d in labels["documents"]:
        if d["doc_kind"] != "final":
            continue
        got = set(alarmed.filter(pl.col("unit_id") == by_path[d["file"]])["family"])
        want = {a["family"] for a in d["anomalies"]}
        assert got == want, (d["file"], d["anomalies"], got)
    exe = alarmed.filter(pl.col("rule") == "EXE001")
    assert exe["other_path"].drop_nulls().len() == exe.height


def test_over_time_features(finals_run):
    """Execution (决算/预算) for every budget with its 决算; staff growth from the year before."""
    from features.over_time import over_time
    from reports.html import _unit_years

    _, run, _ = finals_run
    budgets = run.units.filter(pl.col("doc_kind") == "budget")
    feats = run.features.filter(pl.col("feature").is_in(["exec_total", "exec_sangong", "staff_yoy"]))
    counts = dict(feats.group_by("feature").len().iter_rows())
    # (a unit renamed in its second year has no year before under its new name)
    assert (
        counts["exec_total"] == budgets.height and budgets.height // 2 - 3 <= counts["staff_yoy"] <= budgets.height // 2
    )
    assert feats.filter(pl.col("feature") == "exec_total")["value"].is_between(0.3, 1.3).all()
    # Features over time are scored on the budgets: 决算 have no score of their own.
    finals = run.ranking.join(run.units.filter(pl.col("doc_kind") == "final"), on="unit_id", how="semi")
    assert finals.height == 80 and finals["outlier_score"].null_count() == 80
    assert over_time(run.units.drop("unit_key"), pl.DataFrame()).height == 0
    uidx = run.units.select("unit_id", uidx=pl.int_range(pl.len()))
    years = _unit_years(run.units, uidx)
    first = years[0]
    assert len(first) == 4 and {r[1] for r in first} == {"budget", "final"} and 0 in {r[5] for r in first}


def test_finals_as_published_bundles_join_their_own_narrative(tmp_path):
    """A unit's 预算 and 决算 of one year, each a 说明 + 报表 bundle, side by side in a
    folder: each workbook joins its own kind's narrative, and each 决算 pairs with its
    budget (before: every workbook was left alone as an ambiguous join)."""
    from anomaly.pipeline import Options, screen
    from datasets.read import discover
    from datasets.synthetic import generate_corpus

    labels = generate_corpus(
        tmp_path / "c", units=6, seed=3, years=[2024], anomaly_share=0.0, fmt="bundle", finals=True
    )
    finals = [d for d in labels["documents"] if d["doc_kind"] == "final"]
    assert len(finals) == 6 and all(d["format"].endswith("+xlsx") for d in finals)
    run = screen(discover([tmp_path / "c"]), tmp_path / "out", Options(workers=1))
    units = run.units
    assert units.height == 12 and (units["source_files"].list.len() == 2).all()
    assert not units["parse_error"].fill_null("").str.contains("无法确定所属说明文件").any()
    kinds = units.select(
        pl.col("doc_kind"), pl.col("source_files").list.get(1).str.contains("决算").alias("final_book")
    )
    assert kinds.filter((pl.col("doc_kind") == "final") != pl.col("final_book")).height == 0
    assert budget_pairs(units)["budget_id"].null_count() == 0


def _final_text(kind: str | None, n: int) -> tuple[str, dict | None]:
    """A generated unit's 决算 for 2024 with the table mistake `kind` planted (None: clean)."""
    import random

    from datasets.synthetic import finals as fin
    from datasets.synthetic.kinds import county_roster
    from datasets.synthetic.model import build_unit

    name, unit_kind = county_roster("凤县", 12, random.Random(f"roster:{n}"))[n % 12]
    rng = random.Random(f"final-table:{n}")
    u = build_unit(rng, "凤县", name, unit_kind, 2024)
    sp = fin.Spent(rng, u)
    mistake = fin.plant_table(rng, u, sp, kind) if kind else None
    text, _, _ = fin.render_final(u, sp, fin.final_style(rng, 2024), mistake, f"render:{n}")
    return text, mistake


@pytest.mark.parametrize(
    "kind", ["final_class_total", "final_basic_total", "final_sangong_total", "final_gpb_vs_summary"]
)
def test_final_table_mistake_found(kind):
    """Each planted 决算 table mistake is found by its family (ARI004 / XTB004), and the
    same units' clean 决算 raise neither."""
    from datasets.synthetic.finals import TABLE_KINDS

    found = 0
    for n in range(6):
        text, mistake = _final_text(kind, n)
        if mistake is None:
            continue
        findings, _ = run_rules(frames_from_text(text))
        assert TABLE_KINDS[kind] in set(findings["family"]), (n, mistake)
        found += 1
        clean, _ = run_rules(frames_from_text(_final_text(None, n)[0]))
        assert clean.filter(pl.col("rule").is_in(["ARI004", "XTB004"])).height == 0
    assert found >= 3
