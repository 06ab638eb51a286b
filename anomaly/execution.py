"""Final accounts (决算) against the same year's budget as published: family EXE.

A unit publishes its budget before the year and its 决算 after it; the 决算 states the
年初预算数 it was measured against beside what was spent. ``exe_findings`` pairs each
决算 with the budget disclosure of the same unit_key and year (unique on both sides,
as XYR pairs budgets) and compares every 年初预算数 the 决算 states (its compact
statements of kind ``budget``, printed or implied by the stated difference) with what
the budget states for the same item, with rounding intervals (DESIGN.md §4, §11).

``budget_pairs`` gives the pairing itself (final → budget), which the features over
time and the report use too.
"""

from __future__ import annotations

import polars as pl

from anomaly.engine import file_name
from anomaly.years import _wan, cross_findings, item_name, judged, midpoints

TITLES = {
    "EXE001": (
        "决算所列年初预算数与当年预算公开说明不符",
        "The final accounts' original budget differs from the budget as published",
    ),
}


def budget_pairs(units: pl.DataFrame) -> pl.DataFrame:
    """unit_id of each 决算 → budget_id, budget_path of the same unit's budget of that
    year (null where none, or where either key is held twice in that year and kind)."""
    ok = units.filter(
        (pl.col("parse_status") != "failed") & pl.col("unit_key").is_not_null() & pl.col("year").is_not_null()
    ).filter(pl.len().over("unit_key", "year", "doc_kind") == 1)
    budgets = ok.filter(pl.col("doc_kind") == "budget").select(
        "unit_key", "year", budget_id="unit_id", budget_path="source_path"
    )
    return (
        ok.filter(pl.col("doc_kind") == "final")
        .select("unit_id", "unit_key", "year")
        .join(budgets, on=["unit_key", "year"], how="left")
    )


def exe_findings(units: pl.DataFrame, stated: pl.DataFrame, lang: str = "zh") -> tuple[pl.DataFrame, pl.DataFrame]:
    """EXE001 findings (FINDING_COLUMNS + other_path, other_line, other_year) and their
    coverage (unit_id, rule, outcome) for every disclosure: budgets not applicable."""
    pairs = budget_pairs(units)
    st = stated.filter(~pl.col("disputed"))
    said = st.filter(pl.col("kind") == "budget").join(pairs.filter(pl.col("budget_id").is_not_null()), on="unit_id")
    published = st.filter(pl.col("kind") == "current").select(
        budget_id="unit_id", key="key", o_lo="lo", o_hi="hi", o_line="line"
    )
    compared = judged(said, published, ["budget_id", "key"])
    bad = compared.filter(~pl.col("meets")).sort("unit_id", "line")
    name, mid, o_mid = item_name(lang), *midpoints()
    more = pl.col("n") > 1
    if lang == "en":
        how = pl.when(pl.col("implied")).then(pl.lit(" (implied by the stated difference)")).otherwise(pl.lit(""))
        msg = pl.format(
            "The final accounts give the original budget for {} as {}{}, but the {} budget disclosure states {}{}",
            name,
            _wan(mid, lang),
            how,
            pl.col("year"),
            _wan(o_mid, lang),
            pl.when(more).then(pl.format(" ({} more figures differ)", pl.col("n") - 1)).otherwise(pl.lit("")),
        )
        expected = pl.format("{} ({}, line {}, {})", _wan(o_mid, lang), "budget_path", "o_line", "year")
    else:
        how = pl.when(pl.col("implied")).then(pl.lit("（由决算数与增减额推得）")).otherwise(pl.lit(""))
        msg = pl.format(
            "决算所列{}年初预算数 {}{}，与{}年预算公开说明所列 {} 不符{}",
            name,
            _wan(mid, lang),
            how,
            pl.col("year"),
            _wan(o_mid, lang),
            pl.when(more).then(pl.format("（另有 {} 项不符）", pl.col("n") - 1)).otherwise(pl.lit("")),
        )
        expected = pl.format("{}（{}年预算：{} 第{}行）", _wan(o_mid, lang), "year", "budget_path", "o_line")
    out = (
        bad.with_columns(n=pl.len().over("unit_id"))
        .unique("unit_id", keep="first", maintain_order=True)
        .join(units.select("unit_id", "source_path"), on="unit_id")
        .with_columns(
            rule=pl.lit("EXE001"),
            family=pl.lit("EXE"),
            severity=pl.lit("error"),
            message=msg,
            evidence=pl.col("text"),
            stated=_wan(mid, lang),
            expected=expected,
            title=pl.lit(TITLES["EXE001"][1 if lang == "en" else 0]),
            place=pl.lit(None, dtype=pl.String),
            other_path=pl.col("budget_path"),
            other_line=pl.col("o_line"),
            other_year=pl.col("year"),
        )
    )
    findings = cross_findings(
        out, pl.format("EXE001|{}|{}|{}", file_name("source_path"), "key", file_name("budget_path"))
    )
    # Coverage: fail / pass where a 年初预算数 was compared; insufficient_data for a 决算
    # with no budget of its year (or nothing comparable); budgets: not applicable.
    r = compared.group_by("unit_id").agg(fail=(~pl.col("meets")).any())
    r = r.select("unit_id", outcome=pl.when(pl.col("fail")).then(pl.lit("fail")).otherwise(pl.lit("pass")))
    finals = units.filter(pl.col("doc_kind") == "final").select("unit_id")
    rest = finals.join(r, on="unit_id", how="anti").with_columns(outcome=pl.lit("insufficient_data"))
    na = units.filter(pl.col("doc_kind") != "final").select("unit_id").with_columns(outcome=pl.lit("not_applicable"))
    coverage = pl.concat([r, rest, na]).with_columns(rule=pl.lit("EXE001")).select("unit_id", "rule", "outcome")
    return findings, coverage
