"""ARI and XTB on a 决算's tables (roles 决1-决9, datasets/roles.py).

The budget's table checks read the budget template's tables (表1, 表4 …) and never a
决算 table; these read the 决算 template's: every amount column of the coded tables
(一般公共预算财政拨款支出决算表, 基本支出决算表, 政府性基金 and 国有资本经营 决算表: 年初预算数,
调整预算数, 决算数 alike) adds up from 项 to 款 to 类 to 合计, a 合计 column (the “三公”
经费支出决算表's) is the sum of the columns to its right, the 收入支出决算总表's
本年收入合计 and 本年支出合计 add up from their rows, and the 总表's 一般公共预算财政拨款收入 is
the 一般公共预算财政拨款支出决算表's 合计.
"""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.intervals import printed
from anomaly.rules.common import factor, hit, wan_both

_TOTAL = r"^(?:合计|总计|本年收入合计|本年支出合计)$"
_CODE = r"^\d{3}(?:\d{2}){0,2}$"


def _final_cells(ctx: Context) -> pl.DataFrame:
    """The valued body cells of 决算 tables with their intervals in 元: unit_id,
    table_id, printed (the id as printed), col, row, code (科目编码 or null), label,
    is_total, col_header, value_yuan, lo, hi, text, line."""

    def build():
        cells = ctx["cells"].filter(
            pl.col("table_id").str.starts_with("决")
            & ~pl.col("header").fill_null(False)
            & pl.col("value").is_not_null()
        )
        fac = factor(pl.col("unit").fill_null("元")).fill_null(1.0)
        iv = printed(pl.col("value"), pl.col("decimals").fill_null(0), fac)
        head = pl.col("row_head").fill_null("").str.strip_chars()
        label = pl.col("row_label").fill_null("").str.replace_all(r"\s+", "")
        return cells.select(
            "unit_id",
            "table_id",
            pl.col("table_printed").fill_null(pl.col("table_id")).alias("printed"),
            "col",
            "row",
            code=pl.when(head.str.contains(_CODE)).then(head).otherwise(None),
            label=label,
            is_total=label.str.contains(_TOTAL) & ~head.str.contains(_CODE),
            col_header=pl.col("col_header").fill_null("").str.replace_all(r"\s+", ""),
            value_yuan=pl.col("value") * fac,
            lo=iv.lo,
            hi=iv.hi,
            text=pl.col("text"),
            line=pl.col("line"),
        )

    return ctx.cached("final_cells", build)


def _meets(a_lo: str, a_hi: str, b_lo: str, b_hi: str) -> pl.Expr:
    tol = 1e-6 + 1e-9 * pl.max_horizontal(pl.col(a_hi).abs(), pl.col(b_hi).abs())
    return (pl.col(a_lo) <= pl.col(b_hi) + tol) & (pl.col(b_lo) <= pl.col(a_hi) + tol)


def _parent_sums(cells: pl.DataFrame) -> pl.DataFrame:
    """Each total of a 决算 table against the sum of its parts, per column: unit_id,
    printed, col_header, p_label, p_text, line, t_val, s_val, n, parts, ok.

    Coded tables: a 7-digit 项 adds up to its 款 (5 digits) or, without one, its 类 (3
    digits); a 款 to its 类; the top codes to the 合计 row. Uncoded tables (the 收入支出
    决算总表): the rows above a 合计 row of a column add up to it."""
    keys = ["unit_id", "table_id", "col"]
    coded = cells.filter(pl.col("code").is_not_null())
    present = coded.select("unit_id", "table_id", "code").unique()
    c = coded.with_columns(
        p5=pl.when(pl.col("code").str.len_chars() == 7).then(pl.col("code").str.slice(0, 5)),
        p3=pl.when(pl.col("code").str.len_chars() > 3).then(pl.col("code").str.slice(0, 3)),
    )
    for p in ("p5", "p3"):
        c = c.join(
            present.rename({"code": p}).with_columns(pl.lit(True).alias(f"{p}_ok")),
            on=["unit_id", "table_id", p],
            how="left",
        )
    c = c.with_columns(
        parent=pl.when(pl.col("p5_ok")).then("p5").when(pl.col("p3_ok")).then("p3").otherwise(pl.lit("合计"))
    )
    kids_coded = c.select(*keys, "parent", "label", "lo", "hi", "value_yuan")
    # Uncoded tables: the rows above the column's first 合计 row.
    first_total = cells.filter(pl.col("is_total")).group_by(keys).agg(pl.col("row").min().alias("t_row"))
    uncoded_tables = cells.group_by("unit_id", "table_id").agg(pl.col("code").is_null().all().alias("uncoded"))
    kids_plain = (
        cells.join(uncoded_tables.filter("uncoded"), on=["unit_id", "table_id"])
        .join(first_total, on=keys)
        .filter(pl.col("row") < pl.col("t_row"))
        .select(*keys, parent=pl.lit("合计"), label="label", lo="lo", hi="hi", value_yuan="value_yuan")
    )
    kids = pl.concat([kids_coded, kids_plain])
    sums = kids.group_by(*keys, "parent").agg(
        s_lo=pl.col("lo").sum(),
        s_hi=pl.col("hi").sum(),
        s_val=pl.col("value_yuan").sum(),
        n=pl.len(),
        parts=pl.col("label").str.join("+"),
    )
    parents = pl.concat(
        [
            coded.select(
                *keys,
                "printed",
                "col_header",
                parent="code",
                p_label="label",
                p_text="text",
                line="line",
                t_lo="lo",
                t_hi="hi",
                t_val="value_yuan",
                row="row",
            ),
            cells.filter(pl.col("is_total"))
            .sort("row")
            .unique(keys, keep="first")
            .select(
                *keys,
                "printed",
                "col_header",
                parent=pl.lit("合计"),
                p_label="label",
                p_text="text",
                line="line",
                t_lo="lo",
                t_hi="hi",
                t_val="value_yuan",
                row="row",
            ),
        ]
    )
    by_rows = parents.join(sums, on=[*keys, "parent"])
    return pl.concat([by_rows, _row_sums(cells)], how="diagonal_relaxed").with_columns(
        ok=_meets("s_lo", "s_hi", "t_lo", "t_hi")
    )


def _row_sums(cells: pl.DataFrame) -> pl.DataFrame:
    """A 合计 column against the sum of the amount columns to its right in each row (其中
    columns are parts of a part, not summed)."""
    keys = ["unit_id", "table_id", "row"]
    total_col = (
        cells.filter(pl.col("col_header") == "合计").group_by("unit_id", "table_id").agg(t_col=pl.col("col").min())
    )
    c = cells.join(total_col, on=["unit_id", "table_id"])
    parents = c.filter(pl.col("col") == pl.col("t_col")).select(
        *keys,
        "printed",
        col_header=pl.lit("合计"),
        parent=pl.lit("合计"),
        p_label="label",
        p_text="text",
        line="line",
        t_lo="lo",
        t_hi="hi",
        t_val="value_yuan",
    )
    sums = (
        c.filter((pl.col("col") > pl.col("t_col")) & ~pl.col("col_header").str.starts_with("其中"))
        .group_by(keys)
        .agg(
            s_lo=pl.col("lo").sum(),
            s_hi=pl.col("hi").sum(),
            s_val=pl.col("value_yuan").sum(),
            n=pl.len(),
            parts=pl.col("col_header").str.join("+"),
        )
    )
    return parents.join(sums, on=keys).drop("row")


_GPB_TABLE = """表2

2024年度一般公共预算财政拨款支出决算表

单位：元

科目编码	科目名称	年初预算数	调整预算数	决算数
	合计	1500000.00	1560000.00	1480000.00
201	一般公共服务支出	1200000.00	1250000.00	{cls}
2010301	行政运行	900000.00	930000.00	880000.00
2010350	事业运行	300000.00	320000.00	310000.00
208	社会保障和就业支出	300000.00	310000.00	290000.00
2080505	机关事业单位基本养老保险缴费支出	300000.00	310000.00	290000.00
"""


@rule(
    "ARI004",
    "error",
    "决算表合计或类别与其明细之和不符",
    "A 决算 table's total or class differs from the sum of its items",
    bad=_GPB_TABLE.format(cls="1290000.00"),
    good=_GPB_TABLE.format(cls="1190000.00"),
)
def ari004(ctx: Context) -> Result:
    """决算报表中，各列（年初预算数、调整预算数、决算数）的类、款应等于其下各项之和，合计应等于各类之和；收入支出决算总表的本年收入合计、本年支出合计应等于其上各行之和。

    查什么：决算各编码报表（一般公共预算财政拨款支出决算表、基本支出决算表、
    政府性基金和国有资本经营预算支出决算表）中，类、款行某列金额不等于其下各项之和（按科目编码归属，
    如2010301在列有20103时归入20103，否则归入201），或合计不等于各类之和；
    “三公”经费支出决算表的合计列不等于其右侧各列之和（“其中”列不计）；收入支出决算总表的本年收入合计、
    本年支出合计不等于其上各行之和。n项之和允许n个半位的舍入差，空格按0计。为什么重要：
    决算表是反映全年实际支出的依据，类款与其明细矛盾，说明有单元格填错。

    Catches: in the coded tables of the final accounts (决算, the report of what was actually received
    and spent in the year) — the general public budget spending table (一般公共预算财政拨款支出决算表),
    the basic spending table (基本支出决算表), and the tables for government funds (政府性基金) and
    state capital operations (国有资本经营) — a class (类) or section (款) row whose amount in a column
    is not the sum of its items (项). Items belong to a row by their classification code (科目编码):
    2010301 belongs to 20103 where that row is printed, otherwise to 201. Also caught: a total (合计)
    that is not the sum of the top-level codes; a 合计 column, as in the 三公 table of the final
    accounts (“三公”经费支出决算表; 三公 being the three official expenses: travel abroad, official
    vehicles and official receptions), that is not the sum of the columns to its right (其中 "of which"
    columns are not counted); and, in the overall income and expenditure table (收入支出决算总表), a
    total income or expenditure of the year (本年收入合计 / 本年支出合计) that is not the sum of the
    rows above it. Each printed figure may be off by half a unit of its last printed digit, so a sum of
    n parts may be off by n half units; an empty cell counts as 0. Why it matters: the final accounts
    tables are what the year's spending is read from; a class that its items contradict means a mistyped
    cell.

    Fails: 201 一般公共服务支出 决算数 1,290,000.00 while 行政运行 880,000.00 + 事业运行 310,000.00 = 1,190,000.00.
    Passes: the same with 1,190,000.00.
    """
    cells = _final_cells(ctx)
    cmp = _parent_sums(cells)
    hits = []
    for r in cmp.filter(~pl.col("ok")).sort("unit_id", "line", "col").iter_rows(named=True):
        (t_zh, t_en), (s_zh, s_en) = wan_both(r["t_val"], r["s_val"])
        col = r["col_header"] or "金额"
        name = r["p_label"] or r["parent"]
        if r["parent"] != "合计":
            name = f"{r['parent']} {name}".strip()
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{r['printed']} {name}：{r['p_text']}",
                (f"{col} {t_zh}", f"{col} {t_en}"),
                (f"明细之和 {s_zh}（{r['n']}项）", f"sum of its items {s_en} ({r['n']} items)"),
                f"{r['printed']}中“{name}”的{col}为{t_zh}，但其明细之和为{s_zh}。",
                f"In {r['printed']} the {col} of '{name}' is {t_en}, but its items add up to {s_en}.",
            )
        )
    status = ctx.status(cmp.filter("ok")["unit_id"], "pass")
    return Result(hits, pl.concat([status, _not_final(ctx)]))


def _not_final(ctx: Context) -> pl.DataFrame:
    """not_applicable for the units without 决算 tables (budgets)."""
    finals = ctx["cells"].filter(pl.col("table_id").str.starts_with("决"))["unit_id"].unique()
    return ctx.status(ctx.unit_ids.filter(~ctx.unit_ids.is_in(finals.implode())), "not_applicable")


# The summary over the ARI004 example's 表2 (its items adding up).
_SUMMARY_AND_GPB = """表1

2024年度收入支出决算总表

单位：元

收入项目	决算数	支出项目	决算数
一、一般公共预算财政拨款收入	{gpb}	一般公共服务支出	1190000.00
二、事业收入	100000.00	社会保障和就业支出	390000.00
本年收入合计	{total}	本年支出合计	1580000.00

""" + _GPB_TABLE.format(cls="1190000.00")


@rule(
    "XTB004",
    "error",
    "决算总表的一般公共预算财政拨款与支出决算表合计不符",
    "决算 summary's general budget income differs from the general budget spending table's total",
    bad=_SUMMARY_AND_GPB.format(gpb="1580000.00", total="1680000.00"),
    good=_SUMMARY_AND_GPB.format(gpb="1480000.00", total="1580000.00"),
)
def xtb004(ctx: Context) -> Result:
    """收入支出决算总表中的一般公共预算财政拨款收入应等于一般公共预算财政拨款支出决算表的决算数合计。

    查什么：收入支出决算总表中“一般公共预算财政拨款收入”行的决算数，
    与一般公共预算财政拨款支出决算表决算数列的合计不符（按决算模板，当年一般公共预算拨款全额列支，
    未支出部分予以收回，不在本表结转）。为什么重要：两张表依据同一账簿填列，数字不同说明更正后有一张表未同步更新。

    Catches: in final accounts (决算, the report of what was actually received and spent), the final
    figure (决算数) of the general public budget appropriation income row (一般公共预算财政拨款收入) in
    the overall income and expenditure table (收入支出决算总表) differs from the total (合计) of the
    决算数 column in the general public budget spending table (一般公共预算财政拨款支出决算表). The
    final accounts template treats the year's general public budget allocation as spent in full: what is
    not spent is returned, not carried over in this table. Why it matters: the two tables are filled
    from the same ledger; a different figure means one was not updated after a correction.

    Fails: 总表 一般公共预算财政拨款收入 1,580,000.00 against the 支出决算表 合计 1,480,000.00.
    Passes: the same with 1,480,000.00.
    """
    cells = _final_cells(ctx)
    income = (
        cells.filter(
            (pl.col("table_id") == "决1")
            & pl.col("label").str.contains("一般公共预算财政拨款")
            & ~pl.col("label").str.contains("支出")
        )
        .sort("row", "col")
        .unique("unit_id", keep="first")
        .select("unit_id", "printed", "lo", "hi", "value_yuan", "text", "line")
    )
    total = (
        cells.filter((pl.col("table_id") == "决5") & pl.col("is_total") & (pl.col("col_header").str.contains("决算数")))
        .sort("row", "col")
        .unique("unit_id", keep="first")
        .select("unit_id", o_printed="printed", o_lo="lo", o_hi="hi", o_val="value_yuan", o_line="line")
    )
    cmp = income.join(total, on="unit_id").with_columns(ok=_meets("lo", "hi", "o_lo", "o_hi"))
    hits = []
    for r in cmp.filter(~pl.col("ok")).iter_rows(named=True):
        (a_zh, a_en), (b_zh, b_en) = wan_both(r["value_yuan"], r["o_val"])
        p, o = r["printed"], r["o_printed"]
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{p} 一般公共预算财政拨款收入：{r['text']}",
                (f"{p} {a_zh}", f"{p} {a_en}"),
                (f"{o} 合计 {b_zh}（第{r['o_line']}行）", f"{o} total {b_en} (line {r['o_line']})"),
                f"{p}一般公共预算财政拨款收入为{a_zh}，与{o}决算数合计{b_zh}不符。",
                f"{p}'s general budget income is {a_en}, but {o}'s 决算数 total is {b_en}.",
            )
        )
    status = ctx.status(cmp.filter("ok")["unit_id"], "pass")
    return Result(hits, pl.concat([status, _not_final(ctx)]))
