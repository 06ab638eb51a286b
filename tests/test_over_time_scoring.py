"""Features over time in the peer scoring: a unit spending far under its budget in one
year is found by OUT001 naming its execution; a run without 决算 is scored as before."""

from __future__ import annotations

import polars as pl
import pytest

from anomaly.scoring import SCORING_FEATURES, score_features, score_wide, scored_ids


@pytest.fixture(scope="module")
def executed_run(tmp_path_factory):
    from anomaly.pipeline import Options, screen
    from datasets.synthetic import generate_corpus

    tmp = tmp_path_factory.mktemp("executed")
    # Seed 12: one execution outlier among 60 units, spending 38% of its 2024 budget.
    labels = generate_corpus(
        tmp / "c", units=60, seed=12, years=[2023, 2024, 2025], anomaly_share=0.0, outlier_share=0.0, finals=True
    )
    run = screen(sorted((tmp / "c").rglob("*.txt")), tmp / "out", Options())
    return labels, run


def test_execution_outlier_found_by_out001(executed_run):
    labels, run = executed_run
    planted = [d["file"] for d in labels["documents"] if any(a["kind"] == "execution" for a in d["anomalies"])]
    assert len(planted) == 1 and "/2024/" in planted[0]
    by_path = {p.split("/c/")[-1]: i for p, i in run.units.select("source_path", "unit_id").iter_rows()}
    out = run.findings.filter(pl.col("rule") == "OUT001")
    # (60 units make small peer groups: a few per-head alarms of the budgets' own figures
    # come with them, as before; no other unit is alarmed on its execution.)
    executed = out.filter(pl.col("message").str.contains("执行率"))
    assert executed["unit_id"].to_list() == [by_path[planted[0]]]
    row = executed.row(0, named=True)
    assert "相比明显偏离" in row["message"] and "预算执行率偏低" in row["message"]
    assert "同类中位数" in row["expected"]


def _town_wide(exec_total: list[float] | None = None):
    import features as feats
    from tests.test_features import build_many
    from tests.test_scoring import town_specs

    fr = build_many(town_specs(60, outlier="car"))
    wide = feats.build(fr)
    if exec_total is not None:
        rates = pl.DataFrame({"unit_id": [f"u{i:03d}" for i in range(60)], "exec_total": exec_total})
        wide = wide.join(rates, on="unit_id", how="left")
    return wide, fr["units"]


def test_under_execution_named_in_both_languages():
    rates = [0.95 + 0.001 * (i % 40) for i in range(60)]
    rates[3] = 0.3
    wide, units = _town_wide(rates)
    _, _, out = score_wide(wide, units)
    row = out.filter(pl.col("unit_id") == "u003").row(0, named=True)
    assert "相比明显偏离" in row["message"] and "预算执行率偏低(决算/预算)" in row["message"]
    assert row["stated"].startswith("预算执行率偏低(决算/预算) 30.0%")
    # The car outlier, above its peers, keeps its message.
    assert "相比明显偏高" in out.filter(pl.col("unit_id") == "u007")["message"].item()
    _, _, out_en = score_wide(wide, units, lang="en")
    msg = out_en.filter(pl.col("unit_id") == "u003")["message"].item()
    assert msg.startswith("Far from its peers") and "budget execution low" in msg


def test_a_few_points_off_tight_peers_is_not_an_alarm():
    """Peers all at 95-99%: 85% or 106% is no lead (TIMED_MIN_SCALE)."""
    rates = [0.95 + 0.001 * (i % 40) for i in range(60)]
    rates[3], rates[4] = 0.85, 1.06
    wide, units = _town_wide(rates)
    _, _, out = score_wide(wide, units)
    assert out["unit_id"].to_list() == ["u007"]


def test_unit_without_final_scored_on_what_it_has(executed_run):
    """Every budget is scored; the execution features exist only where a 决算 was read."""
    _, run = executed_run
    budgets = run.units.filter(pl.col("doc_kind") == "budget")
    feats = run.features.filter(pl.col("feature") == "exec_total")
    assert feats["value"].null_count() == 0 and feats.height == budgets.height
    # Features over time are shown and scored on the budgets; 决算 have no score of their own.
    finals = run.ranking.join(run.units.filter(pl.col("doc_kind") == "final"), on="unit_id", how="semi")
    assert finals["outlier_score"].null_count() == finals.height
    assert run.ranking.join(budgets, on="unit_id", how="semi")["outlier_score"].null_count() == 0


def test_single_year_scored_as_before():
    """Without features over time (no 决算, one year) the scores are those of the
    scoring's own features alone, as before they existed; all-null timed columns
    change nothing either."""
    from anomaly.scoring import SCORE_MIN_PEERS, calibrated, deviations
    from features import long_form

    wide, units = _town_wide()
    scores, _, out = score_wide(wide, units)
    dev_long = calibrated(long_form(deviations(wide), min_peers=SCORE_MIN_PEERS))
    before = score_features(dev_long, scored_ids(units), columns=SCORING_FEATURES)
    cols = ["unit_id", "outlier_score", "peer_score"]
    assert scores.select(cols).sort("unit_id").equals(before.select(cols).sort("unit_id"))

    nulls = wide.with_columns(
        [pl.lit(None, dtype=pl.Float64).alias(c) for c in ("exec_total", "exec_sangong", "exec_public_funds")]
    )
    again, _, out_again = score_wide(nulls, units)
    assert again.select(cols).equals(scores.select(cols))
    assert out_again.select("unit_id", "message").equals(out.select("unit_id", "message"))


def test_growth_far_above_peers_named_and_ordinary_growth_not():
    """Peers growing 0-12%: a total tripled is OUT001's (总预算增幅偏高), +40% is not; a run
    without last year's budgets (no staff_yoy) does not score growth."""
    growth = [0.003 * (i % 40) for i in range(60)]
    growth[3], growth[4] = 2.0, 0.4
    wide, units = _town_wide()
    ids = pl.DataFrame({"unit_id": [f"u{i:03d}" for i in range(60)], "total_yoy": growth})
    single = wide.drop("total_yoy").join(ids, on="unit_id", how="left")
    timed = single.with_columns(staff_yoy=pl.lit(0.0))
    _, _, out = score_wide(timed, units)
    assert sorted(out["unit_id"].to_list()) == ["u003", "u007"]
    row = out.filter(pl.col("unit_id") == "u003").row(0, named=True)
    assert "相比明显偏高" in row["message"] and "总预算增幅偏高" in row["message"]
    assert row["stated"].startswith("总预算增幅偏高 +200.0%")
    # The multiple is of the levels (3.0 / 1.06), said so: not +200% as 2.9 times the peers' +6%.
    assert "变动后的水平为同类的 2.9 倍" in row["stated"] and "变动后的水平为同类的" in row["evidence"]
    _, _, out_en = score_wide(timed, units, lang="en")
    assert "budget growth far above peers" in out_en.filter(pl.col("unit_id") == "u003")["message"].item()
    assert "the peers' level after the change" in out_en.filter(pl.col("unit_id") == "u003")["stated"].item()
    _, _, out_single = score_wide(single, units)
    assert out_single["unit_id"].to_list() == ["u007"]
