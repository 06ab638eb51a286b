"""Features over time: a unit's execution of its budget and its growth, from the
disclosures of other years and kinds (DESIGN.md §11).

Per budget disclosure (unit_id), from the units frame (unit_key, year, doc_kind and
the headline figures) and the compact statements (anomaly.years.STATEMENTS):

- exec_total, exec_sangong, exec_public_funds: what the year's 决算 says was spent
  over what the budget planned (决算数 / 预算数) for the total, 三公 and 公用经费;
- staff_yoy: actual staff against last year's budget disclosure (the total's and
  三公's year-over-year changes are total_yoy and sangong_yoy, from the figures each
  budget states for last year, which XYR checks against last year's disclosure);
- sangong_recurring_yoy: 三公 less 公务用车购置 against the same stated for last year
  (a car bought makes 三公 jump in its year: a one-off, not a break in the pattern).

A unit with one year only, or no 决算, has nulls here and is scored on what it has.
Only pairs whose keys are unique in their year and kind are used (as XYR and EXE).
"""

from __future__ import annotations

import polars as pl

OVER_TIME = ("exec_total", "exec_sangong", "exec_public_funds", "staff_yoy", "sangong_recurring_yoy")


def _first_current(statements: pl.DataFrame, key: str, kind: str = "current", name: str | None = None) -> pl.DataFrame:
    """unit_id → the first figure a disclosure states for `key` this year (or, kind "prior",
    for last year) (interval mid, 元), as printed (not a second reading implied by its
    other figures)."""
    return (
        statements.filter((pl.col("kind") == kind) & (pl.col("key") == key) & ~pl.col("disputed") & ~pl.col("implied"))
        .sort("unit_id", "line")
        .unique("unit_id", keep="first", maintain_order=True)
        .select("unit_id", pl.mean_horizontal("lo", "hi").alias(name or key))
    )


def _recurring_sangong_yoy(statements: pl.DataFrame) -> pl.DataFrame:
    """unit_id, sangong_recurring_yoy: 三公 less 公务用车购置 this year against the same
    stated for last year, minus one (a purchase not stated counts as none)."""
    parts = [
        _first_current(statements, key, kind, name)
        for key, kind, name in (
            ("sangong", "current", "s"),
            ("vehicle_purchase", "current", "v"),
            ("sangong", "prior", "ps"),
            ("vehicle_purchase", "prior", "pv"),
        )
    ]
    out = parts[0]
    for p in parts[1:]:
        out = out.join(p, on="unit_id", how="left")
    cur = pl.col("s") - pl.col("v").fill_null(0.0)
    pri = pl.col("ps") - pl.col("pv").fill_null(0.0)
    return out.select("unit_id", sangong_recurring_yoy=pl.when(pri > 0).then(cur / pri - 1.0))


def over_time(units: pl.DataFrame, statements: pl.DataFrame) -> pl.DataFrame:
    """unit_id (budgets) and the OVER_TIME features; empty without unit_key."""
    schema = {"unit_id": pl.String, **{f: pl.Float64 for f in OVER_TIME}}
    if "unit_key" not in units.columns or units.height == 0:
        return pl.DataFrame(schema=schema)
    ok = units.filter(
        (pl.col("parse_status") != "failed") & pl.col("unit_key").is_not_null() & pl.col("year").is_not_null()
    ).filter(pl.len().over("unit_key", "year", "doc_kind") == 1)
    pf = _first_current(statements, "public_funds")
    figs = ok.join(pf, on="unit_id", how="left").select(
        "unit_id",
        "unit_key",
        "year",
        "doc_kind",
        total="total_budget_yuan",
        sangong="sangong_total_yuan",
        staff=pl.col("staff_actual").cast(pl.Float64),
        public_funds="public_funds",
    )
    budgets = figs.filter(pl.col("doc_kind") == "budget")
    finals = figs.filter(pl.col("doc_kind") == "final").select(
        "unit_key", "year", f_total="total", f_sangong="sangong", f_public_funds="public_funds"
    )
    last = budgets.select("unit_key", pl.col("year") + 1, p_staff="staff")

    def rate(num: str, den: str) -> pl.Expr:
        return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).otherwise(None)

    out = (
        budgets.join(finals, on=["unit_key", "year"], how="left")
        .join(last, on=["unit_key", "year"], how="left")
        .select(
            "unit_id",
            exec_total=rate("f_total", "total"),
            exec_sangong=rate("f_sangong", "sangong"),
            exec_public_funds=rate("f_public_funds", "public_funds"),
            staff_yoy=rate("staff", "p_staff") - 1.0,
        )
        .join(_recurring_sangong_yoy(statements), on="unit_id", how="left")
    )
    return out.cast(schema).sort("unit_id")


def unit_years(units: pl.DataFrame) -> pl.DataFrame:
    """Every disclosure of each unit_key: unit_key, year, doc_kind, unit_id, source_path,
    total, sangong, staff (for the report's years side by side)."""
    if "unit_key" not in units.columns:
        return pl.DataFrame()
    return (
        units.filter(pl.col("unit_key").is_not_null() & pl.col("year").is_not_null())
        .select(
            "unit_key",
            "year",
            "doc_kind",
            "unit_id",
            "source_path",
            total="total_budget_yuan",
            sangong="sangong_total_yuan",
            staff="staff_actual",
        )
        .sort("unit_key", "year", "doc_kind")
    )
