"""Derived frames and helpers shared by the rules (built once per run, vectorised)."""

from __future__ import annotations

import re

import polars as pl

from anomaly.engine import Context
from anomaly.intervals import Interval, printed
from anomaly.money import amount, decimals_apart, number, plural, wan, wan_en  # noqa: F401  (re-exported for the rules)

UNIT_FACTOR = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
MONEY = list(UNIT_FACTOR)
FIGS = ("current", "prior", "change")
_CN_DIGITS = "一二三四五六七八九十"


def factor(col: str | pl.Expr) -> pl.Expr:
    e = pl.col(col) if isinstance(col, str) else col
    return e.replace_strict(UNIT_FACTOR, default=None, return_dtype=pl.Float64)


def fmt(v: float | None, d: int | None = 2) -> str:
    return "—" if v is None else number(v, d)


def hit(unit_id, line, evidence, stated, expected, zh, en, **extra) -> dict:
    """A finding's row. ``stated`` and ``expected`` are (Chinese, English) pairs, or one
    string where the text is a quote of the disclosure (the same in both languages)."""
    stated_zh, stated_en = stated if isinstance(stated, tuple) else (stated, stated)
    expected_zh, expected_en = expected if isinstance(expected, tuple) else (expected, expected)
    return {
        "unit_id": unit_id,
        "line": line,
        "evidence": evidence,
        "stated": stated_zh,
        "expected": expected_zh,
        "stated_en": stated_en,
        "expected_en": expected_en,
        "message_zh": zh,
        "message_en": en,
        **extra,
    }


# --------------------------------------------------------------------------- claims


def money_claims(ctx: Context) -> pl.DataFrame:
    """Claims with at least one money figure, with two readings of their figures:

    * yuan reading (``{f}_fac``): every figure in its printed unit, a unit-less figure
      in the claim's context unit (what the parser's ``*_yuan`` does);
    * context reading (``ctx_fac``): every figure in the claim's context unit, i.e. the
      printed numbers compared as they stand, which is how a reader understands
      ``公务接待费3.74元，较上年5.12减少1.39万元`` (a unit slip, reported by UNT).

    A check is consistent when either reading is; so a unit slip is never reported
    twice, and mixed but correct units (5000元 … 0.80万元) never alarm.
    """

    def build():
        c = ctx["claims"]
        money = pl.lit(False)
        for f in FIGS:
            money = money | pl.col(f"{f}_unit").is_in(MONEY)
        c = c.filter(money)
        same = (pl.col("current_unit") == pl.col("prior_unit")) & pl.col("current_unit").is_in(MONEY)
        ctx_unit = (
            pl.when(same)
            .then(pl.col("current_unit"))
            .otherwise(
                pl.coalesce(
                    [
                        pl.when(pl.col(f"{f}_unit").is_in(MONEY)).then(pl.col(f"{f}_unit"))
                        for f in ("change", "current", "prior")
                    ]
                )
            )
        )
        c = c.with_columns(ctx_unit.alias("ctx_unit"))
        c = c.with_columns(
            factor("ctx_unit").alias("ctx_fac"),
            *[
                factor(
                    pl.when(pl.col(f"{f}_unit").is_in(MONEY)).then(pl.col(f"{f}_unit")).otherwise(pl.col("ctx_unit"))
                ).alias(f"{f}_fac")
                for f in FIGS
            ],
        )
        mixed = pl.lit(False)
        for f in FIGS:
            mixed = mixed | (pl.col(f"{f}_unit").is_in(MONEY) & (pl.col(f"{f}_unit") != pl.col("ctx_unit")))
        return c.with_columns(mixed.alias("mixed"))

    return ctx.cached("money_claims", build)


def fig(f: str, reading: str = "yuan") -> Interval:
    """Interval of figure `f` (current/prior/change) in 元 under a reading."""
    fac = pl.col("ctx_fac") if reading == "ctx" else pl.col(f"{f}_fac")
    return printed(pl.col(f), pl.col(f"{f}_dec").fill_null(0), fac)


# --------------------------------------------------------------------------- tables

_L0 = re.compile(rf"^[{_CN_DIGITS}]+、")
_L1 = re.compile(r"^\d+(?:、|\.[^\d])")
_L2 = re.compile(r"^\(\d+\)")
TOTAL_LABELS = ["本年收入合计", "本年支出合计", "收入合计", "支出合计"]
GRAND_LABELS = ["收入总计", "支出总计"]


def norm_label(e: pl.Expr) -> pl.Expr:
    return e.str.replace_all(r"\s+", "").str.replace_many(["（", "）", "："], ["(", ")", ":"])  # one pass


def strip_number(e: pl.Expr) -> pl.Expr:
    """A label without its enumerator: 1、 (1) 一、."""
    return e.str.replace(rf"^(?:[{_CN_DIGITS}]+、|\d+[、.]|\(\d+\))", "")


def group_kind(col_group: pl.Expr, group_index: pl.Expr) -> pl.Expr:
    cg = col_group.fill_null("")
    return (
        pl.when(cg.str.contains("功能"))
        .then(pl.lit("function"))
        .when(cg.str.contains("部门") & cg.str.contains("经济"))
        .then(pl.lit("dept_econ"))
        .when(cg.str.contains("政府") & cg.str.contains("经济"))
        .then(pl.lit("gov_econ"))
        .when(cg.str.contains("经济"))
        .then(pl.lit("econ"))
        .when(cg.str.contains("收入") | (group_index == 0))
        .then(pl.lit("income"))
        .otherwise(pl.lit("other"))
    )


def grid(ctx: Context, table_prefixes: tuple[str, ...] = ("表1", "表4")) -> pl.DataFrame:
    """Label/amount pairs of the summary tables (表1, 表4 …): one row per (unit, table,
    column group, row) that has a label cell, with the amount to its right in the same
    group (null when the amount cell is empty: empty counts as 0, a label is never 0).

    Columns: unit_id, table_id, group_index, kind, row, label, base (label without its
    enumerator), level (0 一、 / 1 1、 / 2 (1) / 9 total / 8 grand total / -1 other),
    value_yuan, lo, hi (rounding interval in 元), text, line. Only rows with an amount.
    """

    def build():
        # Label cells are kept by the parser only as the row_label of the amounts beside
        # them, so a row is known by its amount: an empty amount is 0 and has no row here.
        cells = ctx["cells"].filter(
            pl.col("table_id").is_in(list(table_prefixes))
            & ~pl.col("header").fill_null(False)
            & pl.col("value").is_not_null()
            & pl.col("group_index").is_not_null()
        )
        g = (
            cells.sort("col")
            .group_by("unit_id", "table_id", "group_index", "row", maintain_order=True)
            .agg(
                pl.col("row_label").first().alias("label_raw"),
                pl.col("col_group").first(),
                pl.col("value").first(),
                pl.col("decimals").first(),
                pl.col("unit").first(),
                pl.col("value_yuan").first(),
                pl.col("text").first().alias("value_text"),
                pl.col("line").first(),
            )
        )
        lab = norm_label(pl.col("label_raw"))
        g = g.with_columns(lab.alias("label"))
        g = g.with_columns(
            strip_number(pl.col("label")).alias("base"),
            pl.when(pl.col("label").is_in(TOTAL_LABELS))
            .then(9)
            .when(pl.col("label").is_in(GRAND_LABELS))
            .then(8)
            .when(pl.col("label").str.contains(_L0.pattern))
            .then(0)
            .when(pl.col("label").str.contains(_L1.pattern))
            .then(1)
            .when(pl.col("label").str.contains(_L2.pattern))
            .then(2)
            .otherwise(-1)
            .alias("level"),
            group_kind(pl.col("col_group"), pl.col("group_index")).alias("kind"),
            factor(pl.col("unit").fill_null("元")).alias("_fac"),
        )
        iv = printed(pl.col("value"), pl.col("decimals").fill_null(0), pl.col("_fac"))
        g = g.with_columns(iv.lo.alias("lo"), iv.hi.alias("hi"))
        # Label + amount as an analyst reads the row.
        g = g.with_columns((pl.col("label_raw").fill_null("") + "\t" + pl.col("value_text")).alias("text"))
        return g.drop("_fac").sort("unit_id", "table_id", "group_index", "row")

    return ctx.cached("grid:" + ",".join(table_prefixes), build)


def table_total(ctx: Context, table_id: str = "表1", kinds: tuple[str, ...] | None = None) -> pl.DataFrame:
    """Per unit, the 本年收入合计/本年支出合计 of a summary table: unit_id, kind, value_yuan,
    lo, hi, text, line (one row per column group)."""
    g = grid(ctx)
    t = g.filter((pl.col("table_id") == table_id) & (pl.col("level") == 9) & pl.col("value_yuan").is_not_null())
    if kinds:
        t = t.filter(pl.col("kind").is_in(list(kinds)))
    return t.unique(["unit_id", "group_index"], keep="first")


_FISCAL = "财政拨款|部门预算|预算拨款|政府性基金|国有资本|合计|总计"


def all_fiscal(ctx: Context) -> pl.DataFrame:
    """Units whose 表1 income is all 财政拨款 (so 表4 should repeat 表1), with columns
    `all_fiscal` (bool) and `all_gpb` (all of it 一般公共预算拨款, no 政府性基金 or 国有资本:
    only then are 表1's amounts the narrative's 一般公共预算 figures). Units without a
    readable 表1 income group are absent."""

    def build():
        g = grid(ctx).filter((pl.col("table_id") == "表1") & (pl.col("kind") == "income"))
        tot = (
            g.filter(pl.col("level") == 9)
            .group_by("unit_id")
            .agg(pl.col("lo").first().alias("t_lo"), pl.col("hi").first().alias("t_hi"))
        )
        fiscal = (
            g.filter(
                pl.col("level").is_in([0, 1])
                & pl.col("base").str.contains("财政拨款|一般公共预算拨款")
                & pl.col("value_yuan").is_not_null()
            )
            .group_by("unit_id")
            .agg(pl.col("lo").max().alias("f_lo"), pl.col("hi").max().alias("f_hi"))
        )
        other = (
            g.filter(
                pl.col("level").is_in([0, 1])
                & ~pl.col("base").str.contains(_FISCAL)
                & (pl.col("value_yuan").fill_null(0) > 0)
            )
            .group_by("unit_id")
            .agg(pl.len().alias("n_other"))
        )
        # 政府性基金 and 国有资本 are 财政拨款 but not 一般公共预算 (the narrative's items).
        fund = (
            g.filter(
                pl.col("level").is_in([0, 1, 2])
                & pl.col("base").str.contains("政府性基金|国有资本")
                & (pl.col("value_yuan").fill_null(0) > 0)
            )
            .group_by("unit_id")
            .agg(pl.len().alias("n_fund"))
        )
        out = (
            tot.join(fiscal, on="unit_id", how="left")
            .join(other, on="unit_id", how="left")
            .join(fund, on="unit_id", how="left")
        )
        return out.with_columns(
            (
                (pl.col("f_lo") <= pl.col("t_hi") + 1e-6)
                & (pl.col("t_lo") <= pl.col("f_hi") + 1e-6)
                & pl.col("n_other").is_null()
            )
            .fill_null(False)
            .alias("all_fiscal")
        ).select("unit_id", "all_fiscal", (pl.col("all_fiscal") & pl.col("n_fund").is_null()).alias("all_gpb"))

    return ctx.cached("all_fiscal", build)


def tables_read(ctx: Context) -> pl.DataFrame:
    """One row per table with cells: unit_id, table_id, table_printed, table_title."""

    def build():
        cols = ["unit_id", "table_id", "table_printed", "table_title"]
        # A table's cells come together: a row like the one before it is a duplicate
        # (dropped cheaply), and the unique() after it has few rows left to hash.
        new = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift(1)) for c in cols) | (pl.int_range(pl.len()) == 0)
        return ctx["cells"].select(cols).filter(new).unique()

    return ctx.cached("tables_read", build)


def units_with(df: pl.DataFrame) -> pl.Series:
    return df["unit_id"].unique() if df.height else pl.Series([], dtype=pl.String)


# A project performance table (表13-1); examples fill in one indicator row.
PROJECT_TABLE = """表13-1

2024年单位专项业务经费绩效目标表（1）

项目名称		档案数字化经费		
资金金额 (万元)		年度资金总额:		86.40
绩效指标	一级指标	二级指标	指标内容	指标值
	产出指标	数量指标	{row}
"""


def last_in_row(cells: pl.DataFrame, which: pl.Expr) -> pl.DataFrame:
    """Cells matching `which` that are the last non-empty cell of their table row."""
    keys = ["unit_id", "table_id", "row"]
    found = cells.filter(which)
    # The last column of the rows found only: a group-by of every row costs the most.
    last = (
        cells.join(found.select(keys).unique(), on=keys, how="semi")
        .group_by(keys)
        .agg(pl.col("col").max().alias("_last"))
    )
    return found.join(last, on=keys).filter(pl.col("col") == pl.col("_last")).drop("_last")


def wan_both(*yuan: float | None) -> list[tuple[str, str]]:
    """Each amount in 万元 as (Chinese, English), with the decimals that tell them apart."""
    d = decimals_apart(*yuan)
    return [(wan(v, d), wan(v, d, "en")) for v in yuan]
