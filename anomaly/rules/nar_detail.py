"""NAR: narrative figures against the detail tables (表5–表8 by code, 表12 by column).

表1 only has class totals, and only for units funded entirely by 一般公共预算拨款 are they
comparable with the narrative's 一般公共预算 items (NAR002–NAR005). The detail tables are
一般公共预算 tables, so they are comparable for every unit that prints them:

* 表5 一般公共预算支出明细表（按支出功能分类科目）: one row per 功能 code → NAR006;
* 表6 一般公共预算支出明细表（按支出经济分类科目）: one row per 经济 code → NAR009;
* 表7 一般公共预算基本支出明细表（按功能）: 合计 row × 公用经费 column → NAR007;
* 表8 一般公共预算基本支出明细表（按经济）: 302 商品和服务支出 row → NAR007;
* 表12 “三公”经费及会议费、培训费支出预算表: one column per item → NAR008.

Tables are recognised by their title (the numbering differs between regions); the
table id (表5 …) is used only for a table printed without a title.

Outcomes: ``not_applicable`` when the unit prints no such table (or prints it empty),
``insufficient_data`` when it does but no narrative figure finds its row or column,
``pass`` / ``fail`` otherwise.

No double reporting: when a narrative item is flagged here, the coarser 表1 check of the
same claim (NAR002 for its class, NAR003 for its economic class, NAR005 for 公用经费)
leaves that class / claim to this rule (see ``deferred`` below, used by nar.py).
"""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.intervals import printed
from anomaly.rules.common import amount, factor, fig, hit, money_claims, norm_label, tables_read, wan, wan_en

# Kinds of detail table by the words of the title; the first match wins.
_KIND_BY_TITLE = [
    ("t7", r"基本支出.*功能"),
    ("t8", r"基本支出.*经济"),
    ("t5", r"一般公共预算.*支出.*功能"),
    ("t6", r"一般公共预算.*支出.*经济"),
    ("t12", r"三公"),
]
_KIND_BY_ID = {"表5": "t5", "表6": "t6", "表7": "t7", "表8": "t8", "表12": "t12"}
# Column headers of a row's amount, in order of preference.
TOTAL_HEADERS = ["合计", "小计", "总计", "预算数", "本年预算数", "本年预算", "预算金额", "金额"]
_TOTAL_ROW = r"^(?:合计|总计|支出合计|本年支出合计)$"
_CODE = r"^\d{3}(?:\d{2}){0,2}$"
_T = 1e-6


def _kind(title: pl.Expr, table_id: pl.Expr) -> pl.Expr:
    t = norm_label(title.fill_null(""))
    e = pl.lit(None, dtype=pl.String)
    for k, pat in reversed(_KIND_BY_TITLE):
        e = pl.when(t.str.contains(pat)).then(pl.lit(k)).otherwise(e)
    # The parser's table_id is the table's role (datasets.roles), known from its title
    # whatever the template calls it; the words of the title decide only without one.
    by_id = table_id.replace_strict(_KIND_BY_ID, default=None, return_dtype=pl.String)
    # A 决算's tables (roles 决1-决9) hold 年初预算数 beside 决算数: not a budget's detail table.
    final = table_id.fill_null("").str.starts_with("决")
    return pl.when(final).then(pl.lit(None, dtype=pl.String)).otherwise(pl.coalesce(by_id, e))


def detail_cells(ctx: Context) -> pl.DataFrame:
    """Value cells of the detail tables: unit_id, kind (t5 t6 t7 t8 t12), table_id, row,
    col, code (the row's 科目编码, null when not a code), lab (row label), hdr (column
    header), is_total_row, the cell's interval in 元 under two readings (lo1/hi1 in the
    table's unit, lo2/hi2 the same but a table without a unit line read in 万元; equal
    when the unit is known), val (in 元), text, line."""

    def build():
        c = ctx["cells"].filter(~pl.col("header").fill_null(False) & pl.col("value").is_not_null())
        # Classify each distinct (title, id) once, not every cell.
        kinds = (
            tables_read(ctx)
            .select("table_title", "table_id")
            .unique()
            .with_columns(_kind(pl.col("table_title"), pl.col("table_id")).alias("kind"))
        )
        c = c.join(kinds.filter(pl.col("kind").is_not_null()), on=["table_title", "table_id"], nulls_equal=True)
        code = pl.col("row_head").fill_null("").str.replace_all(r"\s+", "")
        c = c.with_columns(
            pl.when(code.str.contains(_CODE)).then(code).otherwise(None).alias("code"),
            norm_label(pl.col("row_label").fill_null("")).alias("lab"),
            # 2024年预算数 heads this year's column as 预算数 does (last year's sits to its right).
            norm_label(pl.col("col_header").fill_null("")).str.replace(r"^(?:19|20)\d{2}年度?", "").alias("hdr"),
            factor(pl.col("unit")).alias("_fac"),
        )
        # A 科目 table row's 编码 is its name, never its amount (a header lost with the
        # converter's reading order leaves the code column unnamed). 表12 has no codes:
        # its first cell is the 合计.
        is_code = (pl.col("kind") != "t12") & (pl.col("text").str.replace_all(r"\s+", "") == pl.col("code"))
        c = c.filter(~is_code.fill_null(False))
        one = printed(pl.col("value"), pl.col("decimals").fill_null(0), pl.col("_fac").fill_null(1.0))
        two = printed(pl.col("value"), pl.col("decimals").fill_null(0), pl.col("_fac").fill_null(1e4))
        return c.with_columns(
            (pl.col("code").is_null() & pl.col("lab").str.contains(_TOTAL_ROW)).alias("is_total_row"),
            one.lo.alias("lo1"),
            one.hi.alias("hi1"),
            two.lo.alias("lo2"),
            two.hi.alias("hi2"),
            pl.coalesce(pl.col("value_yuan"), pl.col("value") * pl.col("_fac").fill_null(1.0)).alias("val"),
        ).drop("_fac")

    return ctx.cached("detail_cells", build)


def _present(ctx: Context, kinds: list[str]) -> pl.DataFrame:
    """unit_id of units printing (with figures) at least one table of the kinds."""
    d = detail_cells(ctx)
    return d.filter(pl.col("kind").is_in(kinds)).select("unit_id").unique()


def row_amounts(ctx: Context, kind: str) -> pl.DataFrame:
    """One amount per row of the tables of `kind`: the cell under the table's 合计 (小计,
    预算数 …) column, or the only value column of a one-column table."""

    def build():
        d = detail_cells(ctx).filter(pl.col("kind") == kind)
        key = ["unit_id", "table_id"]
        named = d.filter(pl.col("hdr").is_in(TOTAL_HEADERS)).group_by(key).agg(pl.col("col").min().alias("tcol"))
        single = (
            d.group_by(key)
            .agg(pl.col("col").n_unique().alias("n"), pl.col("col").min().alias("c0"))
            .filter(pl.col("n") == 1)
            .select(*key, pl.col("c0").alias("tcol"))
        )
        tcol = pl.concat([named, single.join(named, on=key, how="anti")])
        return d.join(tcol, on=key).filter(pl.col("col") == pl.col("tcol")).drop("tcol")

    return ctx.cached("row_amounts:" + kind, build)


def _meets(a_lo: str, a_hi: str, b_lo: str, b_hi: str) -> pl.Expr:
    return ((pl.col(a_lo) <= pl.col(b_hi) + _T) & (pl.col(b_lo) <= pl.col(a_hi) + _T)).fill_null(False)


def _narrative(ctx: Context, c: pl.DataFrame) -> pl.DataFrame:
    """Claims with the current figure's interval in 元 under both readings (yuan, context)."""
    y, x = fig("current"), fig("current", "ctx")
    a, b = (
        printed(pl.col("current"), pl.col("current_dec").fill_null(0), 1.0),
        printed(pl.col("current"), pl.col("current_dec").fill_null(0), 1e4),
    )
    slips = unit_slips(ctx)
    c = c.join(slips.with_columns(pl.lit(True).alias("slip")), on=["unit_id", "text"], how="left")
    return c.with_columns(
        y.lo.alias("n_lo"),
        y.hi.alias("n_hi"),
        x.lo.alias("x_lo"),
        x.hi.alias("x_hi"),
        a.lo.alias("a_lo"),
        a.hi.alias("a_hi"),
        b.lo.alias("b_lo"),
        b.hi.alias("b_hi"),
        pl.col("slip").fill_null(False),
    )


def unit_slips(ctx: Context) -> pl.DataFrame:
    """(unit_id, text) of the claims UNT001 reports as a unit slip (元 for 万元 …). Such a
    figure is compared with the table in either unit, so the slip is reported once, by
    UNT001, and a slip UNT001 does not see is still reported here."""

    def build():
        from anomaly.rules.unt import unt001

        hits = unt001(ctx).hits
        return pl.DataFrame(
            {"unit_id": [h["unit_id"] for h in hits], "text": [h["evidence"] for h in hits]},
            schema={"unit_id": pl.String, "text": pl.String},
        ).unique()

    return ctx.cached("unit_slips", build)


def _consistent(lo: str, hi: str) -> pl.Expr:
    """The narrative figure (either reading) meets the table interval [lo, hi]."""
    slip = pl.col("slip") & (_meets("a_lo", "a_hi", lo, hi) | _meets("b_lo", "b_hi", lo, hi))
    return _meets("n_lo", "n_hi", lo, hi) | _meets("x_lo", "x_hi", lo, hi) | slip


def _cell_ok(prefix: str = "") -> pl.Expr:
    """Narrative meets the table cell under either of its readings (元 / 万元 when the
    table prints no unit)."""
    return _consistent(f"{prefix}lo1", f"{prefix}hi1") | _consistent(f"{prefix}lo2", f"{prefix}hi2")


def _stated(r: dict, lang: str = "zh") -> str:
    return amount(r["current"], r["current_unit"], r["current_dec"], lang)


# ----------------------------------------------------------------- by code (表5, 表6)


def code_comparison(ctx: Context, kind: str) -> pl.DataFrame:
    """Per narrative claim with a code found in a table of `kind`: the claim, the table
    row(s) with that code, and ok (the claim meets one of them)."""

    def build():
        first = {"t5": "2", "t6": "[35]"}[kind]
        c = money_claims(ctx).filter(
            pl.col("code").is_not_null()
            & pl.col("current").is_not_null()
            & pl.col("code").str.contains(f"^{first}")
            & pl.col("code").str.contains(_CODE)
        )
        # A 功能 item of the 政府性基金 / 国有资本 part is not in the 一般公共预算 table.
        c = c.filter(~pl.col("section").fill_null("").str.contains("政府性基金|国有资本"))
        c = _narrative(ctx, c)
        rows = (
            row_amounts(ctx, kind)
            .filter(pl.col("code").is_not_null())
            .select(
                "unit_id",
                "code",
                "table_id",
                "lo1",
                "hi1",
                "lo2",
                "hi2",
                pl.col("val").alias("t_val"),
                pl.col("lab").alias("t_lab"),
                pl.col("text").alias("t_text"),
                pl.col("line").alias("t_line"),
                pl.col("row").alias("t_row"),
            )
        )
        j = c.join(rows, on=["unit_id", "code"]).with_columns(_cell_ok().alias("ok"))
        return (
            j.sort("unit_id", "claim_id", "t_row")
            .group_by("unit_id", "claim_id", maintain_order=True)
            .agg(pl.col("ok").any(), pl.all().exclude("ok").first())
        )

    return ctx.cached("code_comparison:" + kind, build)


def _code_rule(ctx: Context, kind: str, name_zh: str, name_en: str) -> Result:
    cmp = code_comparison(ctx, kind)
    hits = []
    for r in cmp.filter(~pl.col("ok")).sort("unit_id", "line").iter_rows(named=True):
        t_zh, t_en = wan(r["t_val"]), wan_en(r["t_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                r["text"],
                (f"{r['code']} {_stated(r)}", f"{r['code']} {_stated(r, 'en')}"),
                (f"{r['table_id']} {r['code']} {t_zh}", f"{r['table_id']} {r['code']} {t_en}"),
                f"文中{r['label']}（{r['code']}）为{_stated(r)}，{r['table_id']}{name_zh}同一科目编码行（{r['t_lab']}）合计为{t_zh}。",
                f"The text gives {r['label']} ({r['code']}) as {_stated(r, 'en')}, but the row of {r['table_id']} ({name_en}) "
                f"with the same code totals {t_en}.",
            )
        )
    present = _present(ctx, [kind])
    absent = ctx.unit_ids.filter(~ctx.unit_ids.is_in(present["unit_id"].implode()))
    return Result(hits, pl.concat([ctx.status(cmp["unit_id"], "pass"), ctx.status(absent, "not_applicable")]))


_HEAD = """2024 年本单位当年一般公共预算支出 100.00 万元，其中：

(1) 行政运行（2010301）{a} 万元，较上年减少 5.00 万元。

(2) 住房公积金（2210201）30.00 万元，较上年减少 5.00 万元。

表5

2024年单位综合预算一般公共预算支出明细表（按支出功能分类科目）

单位：元

| 科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出 |
|---|---|---|---|---|
|  | 合计 | 1,000,000 | 800,000 | 200,000 |
| 2010301 | 行政运行 | 700,000 | 500,000 | 200,000 |
| 2210201 | 住房公积金 | 300,000 | 300,000 |  |
"""


@rule(
    "NAR006",
    "warning",
    "功能科目明细与一般公共预算支出明细表（按功能）不符",
    "A functional item differs from its row in the functional detail table (表5)",
    bad=_HEAD.format(a="61.12"),
    good=_HEAD.format(a="70.00"),
)
def nar006(ctx: Context) -> Result:
    """文中按功能科目列出的金额（如“事业单位医疗（2101102）61.12万元”）应等于表5（一般公共预算支出明细表（按支出功能分类科目））中同一科目编码行的合计。

    查什么：说明中按功能科目列出的金额（万元，按所印位数），与表5中同一7位编码行的合计（元或万元，按其自身位数）
    不符。表5只含一般公共预算，对所有单位都可比，包括有事业收入、不适用表1类级核对的单位；
    表5中没有该编码的不判断，没有表5的不适用，政府性基金和国有资本经营部分的科目跳过。为什么重要：
    说明是对报表的逐行解释，某一科目与其所在行不符，即错报了资金投向。

    Catches: a functional item of the narrative (功能 classification: what the money is for, with a
    7-digit code) whose figure, in 万元 (10,000 yuan) to its printed decimals, does not meet the total
    (合计) of the row with the same code in 表5 (general public budget spending by function), read in 元
    (yuan) or 万元 to its own decimals. 表5 covers the general public budget (一般公共预算) only, so it
    is comparable for every unit, including those with income from their own services (事业收入), for
    which the class check against 表1, the summary table (NAR002), does not apply. A code absent from
    表5 is not judged (insufficient data); a unit without 表5 is not applicable; items of the government
    fund (政府性基金) and state capital (国有资本) parts of the narrative are skipped. When this rule
    flags an item, NAR002 does not report its class again. Why it matters: the narrative explains the
    table line by line; an item that differs from its row misreports where the money goes.
    """
    return _code_rule(ctx, "t5", "（按功能分类）", "by function")


_ECON6 = """2024 年本单位当年一般公共预算支出 100.00 万元。其中：工资福利支出（301）80.00 万元，较上年减少 5.00 万元。

商品和服务支出（302）{b} 万元，较上年减少 5.00 万元。

表6

2024年单位综合预算一般公共预算支出明细表（按支出经济分类科目）

单位：元

| 科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出 |
|---|---|---|---|---|
|  | 合计 | 1,000,000 | 800,000 | 200,000 |
| 301 | 工资福利支出 | 800,000 | 800,000 |  |
| 302 | 商品和服务支出 | 200,000 |  | 200,000 |
"""


@rule(
    "NAR009",
    "warning",
    "经济分类科目金额与一般公共预算支出明细表（按经济）不符",
    "An economic class differs from its row in the economic detail table (表6)",
    bad=_ECON6.format(b="25.00"),
    good=_ECON6.format(b="20.00"),
)
def nar009(ctx: Context) -> Result:
    """文中经济分类类级科目（301、302、303…或501、502…）的金额应等于表6（一般公共预算支出明细表（按支出经济分类科目））中同一编码行的合计。

    查什么：说明中经济分类类级科目的金额（如“商品和服务支出（302）25.00万元”），与表6中同一编码行的合计
    （如200,000元，即20.00万元）不符。表6只含一般公共预算，凡列出表6的单位均可比；表6中没有该编码的不判断，
    没有表6的不适用；本规则已标记的类，NAR003、NAR004不再重复报告。为什么重要：经济分类反映钱花在什么上，
    说明与明细表不一致，必有一方错报了资金用途。

    Catches: an economic class in the text that differs from its row in 表6 (general public budget
    spending by economic class), e.g. 商品和服务支出（302）25.00万元 (goods and services, 25.00 万元 =
    250,000 yuan) while the 表6 row 302 totals 200,000元 (20.00万元). The classes are those of the
    departmental (301, 302, 303 …) and government (501, 502 …) economic classifications. Comparable for
    every unit that prints 表6, since it covers the general public budget (一般公共预算) only. A code
    absent from 表6 is not judged; a unit without 表6 is not applicable. When this rule flags a class,
    NAR003 / NAR004 do not report it again. Why it matters: the economic classes tell what the money
    buys; when the text and the detail table disagree, one of them misreports it.
    """
    return _code_rule(ctx, "t6", "（按经济分类）", "by economic class")


# ------------------------------------------------------------- 公用经费 (表7, 表8)


def public_funds_comparison(ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(per unit comparison, units with a 表7/表8 but no usable figure) for the first
    公用经费 claim. Candidates: 表7 合计 row × 公用经费 column (or the sum of its 7-digit
    rows), 表8 合计 row × 公用经费 column, 表8 row 302 (and 302 + 310, capital items that
    some units count as 公用经费)."""

    def build():
        d = detail_cells(ctx).filter(pl.col("kind").is_in(["t7", "t8"]))
        cols = ["lo1", "hi1", "lo2", "hi2", "val"]

        def agg(df: pl.DataFrame, src: str) -> pl.DataFrame:
            return (
                df.group_by("unit_id")
                .agg(
                    *[pl.col(c).sum() for c in cols],
                    pl.col("table_id").first(),
                    pl.col("text").str.join("+").alias("t_text"),
                    pl.col("line").min().alias("t_line"),
                )
                .with_columns(pl.lit(src).alias("src"))
            )

        pf = d.filter(pl.col("hdr") == "公用经费")
        tot = pf.filter(pl.col("is_total_row")).sort("row").unique(["unit_id", "kind"], keep="first")
        leaves = pf.filter(pl.col("code").str.len_chars() == 7).join(
            tot.select("unit_id", "kind"), on=["unit_id", "kind"], how="anti"
        )
        r8 = row_amounts(ctx, "t8").filter(pl.col("code").is_in(["302", "310"]))
        cands = [
            agg(tot.filter(pl.col("kind") == "t7"), "表7 合计·公用经费"),
            agg(leaves.filter(pl.col("kind") == "t7"), "表7 公用经费（各科目之和）"),
            agg(tot.filter(pl.col("kind") == "t8"), "表8 合计·公用经费"),
            agg(r8.filter(pl.col("code") == "302"), "表8 302 商品和服务支出"),
            agg(r8, "表8 302+310"),
        ]
        cand = pl.concat([c.with_columns(pl.lit(i).alias("pref")) for i, c in enumerate(cands)], how="vertical_relaxed")
        c = (
            money_claims(ctx)
            .filter((pl.col("item") == "public_funds") & pl.col("current").is_not_null())
            .sort("claim_id")
            .unique("unit_id", keep="first")
        )
        c = _narrative(ctx, c)
        j = c.join(cand, on="unit_id").with_columns(_cell_ok().alias("ok"))
        per = (
            j.sort("unit_id", "pref")
            .group_by("unit_id", maintain_order=True)
            .agg(pl.col("ok").any(), pl.all().exclude("ok").first())
        )
        return per

    return ctx.cached("public_funds_comparison", build)


# The 公用经费 figure's source, in English (table labels stay as printed).
_SRC_EN = {
    "表7 合计·公用经费": "表7 total · public funds",
    "表7 公用经费（各科目之和）": "表7 public funds (sum of its items)",
    "表8 合计·公用经费": "表8 total · public funds",
    "表8 302 商品和服务支出": "表8 302 goods and services",
    "表8 302+310": "表8 302+310",
}

_PF7 = """本单位当年公用经费预算安排{pf}万元，较上年预算无变动。

表7

2024年单位综合预算一般公共预算基本支出明细表（按支出功能分类科目）

单位：元

| 科目编码 | 科目名称 | 合计 | 人员经费 | 公用经费 |
|---|---|---|---|---|
|  | 合计 | 800,000 | 700,000 | 100,000 |
| 2010301 | 行政运行 | 800,000 | 700,000 | 100,000 |

表8

2024年单位综合预算一般公共预算基本支出明细表（按支出经济分类科目）

单位：元

| 科目编码 | 科目名称 | 合计 |
|---|---|---|
|  | 合计 | 800,000 |
| 301 | 工资福利支出 | 700,000 |
| 302 | 商品和服务支出 | 100,000 |
"""


@rule(
    "NAR007",
    "warning",
    "公用经费与基本支出明细表不符",
    "Public funds differ from the basic-spending tables (表7/表8)",
    bad=_PF7.format(pf="12.50"),
    good=_PF7.format(pf="10.00"),
)
def nar007(ctx: Context) -> Result:
    """文中公用经费应等于表7（一般公共预算基本支出明细表（按功能））合计行的公用经费，或表8（按经济分类）中302商品和服务支出行的金额。

    查什么：说明中的公用经费（如“本单位当年公用经费预算安排13.58万元”）与以下任一数字都不相符：
    表7合计行的公用经费（或其7位编码行之和）、表8合计行的公用经费、表8中302商品和服务支出行、302加310资本性支出。
    表7、表8为一般公共预算基本支出，凡列出这两张表的单位均判断；没有表7和表8的不适用，
    表中没有上述数字的判为数据不足。为什么重要：公用经费是单位的日常运转经费和横向比较的重点，
    说明与基本支出明细表不一致，说明其中一方填错或未随之更新。

    Catches: running costs (公用经费) in the text (e.g. 本单位当年公用经费预算安排13.58万元, "this
    year's running costs are budgeted at 13.58万元") that match none of: the total (合计) row of 表7
    (general public budget basic spending by function) in the 公用经费 column, or the sum of its 7-digit
    rows; the 合计 row of 表8 (basic spending by economic class) in a 公用经费 column; 表8's row 302
    商品和服务支出 (goods and services); or 302 plus 310 资本性支出 (capital spending). These tables
    cover general public budget (一般公共预算) basic spending, so every unit that prints them is judged
    (NAR005, against 表1, the summary table, applies only to units funded entirely by general public
    budget appropriation, and does not repeat a claim this rule flags). A unit without 表7 and 表8 is
    not applicable; one whose tables have none of these figures is insufficient data. Why it matters:
    running costs are the unit's day-to-day operating money and a focus of comparison across units; when
    the text and the basic spending tables disagree, one of them is wrong or was not updated.
    """
    per = public_funds_comparison(ctx)
    hits = []
    for r in per.filter(~pl.col("ok")).iter_rows(named=True):
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                r["text"],
                (_stated(r), _stated(r, "en")),
                (f"{r['src']} {wan(r['val'])}", f"{_SRC_EN.get(r['src'], r['src'])} {wan_en(r['val'])}"),
                f"文中公用经费为{_stated(r)}，{r['src']}为{wan(r['val'])}。",
                f"The text gives public funds (公用经费) as {_stated(r, 'en')}, but {_SRC_EN.get(r['src'], r['src'])} is {wan_en(r['val'])}.",
            )
        )
    present = _present(ctx, ["t7", "t8"])
    absent = ctx.unit_ids.filter(~ctx.unit_ids.is_in(present["unit_id"].implode()))
    return Result(hits, pl.concat([ctx.status(per["unit_id"], "pass"), ctx.status(absent, "not_applicable")]))


# ------------------------------------------------------------------------ 三公 (表12)

# Item of a 表12 column header / row label, and of a narrative label. The combined
# vehicle column (购置及运行 / 小计) comes first: it contains the words of both parts.
_SG_KEYS = [
    ("vehicle_both", r"购置及运行|购置和运行|购置及运维|小计"),
    ("sangong_abroad", r"因公出国|出国\(境\)"),
    ("reception", r"公务接待"),
    ("vehicle_purchase", r"公务用车购置|车辆购置"),
    ("vehicle_running", r"运行维护|运行费|车辆运行"),
    ("meeting", r"会议费"),
    ("training", r"培训费"),
    ("sangong", r"三公|^合计$|^总计$"),
]
SG_NAMES = {
    "sangong": "“三公”经费合计",
    "sangong_abroad": "因公出国（境）费",
    "reception": "公务接待费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_running": "公务用车运行维护费",
    "vehicle_both": "公务用车购置及运行维护费",
    "meeting": "会议费",
    "training": "培训费",
}
SG_NAMES_EN = {
    "sangong": "sangong total",
    "sangong_abroad": "travel abroad",
    "reception": "official reception",
    "vehicle_purchase": "vehicle purchase",
    "vehicle_running": "vehicle running costs",
    "vehicle_both": "vehicle purchase and running",
    "meeting": "meeting costs",
    "training": "training costs",
}


def _sg_key(e: pl.Expr) -> pl.Expr:
    t = norm_label(e.fill_null(""))
    out = pl.lit(None, dtype=pl.String)
    for k, pat in reversed(_SG_KEYS):
        out = pl.when(t.str.contains(pat)).then(pl.lit(k)).otherwise(out)
    return out


def sangong_comparison(ctx: Context) -> pl.DataFrame:
    """Per unit and item: the first narrative claim of the item and the 表12 cell of the
    item (its column, or its row in a table laid out as rows), ok when they meet."""

    def build():
        d = detail_cells(ctx).filter(pl.col("kind") == "t12").with_columns(_sg_key(pl.col("hdr")).alias("by_hdr"))
        # A column name heading two figures of one row was carried over columns it does
        # not name (a converter printed the header's pieces apart from their columns):
        # that row's column names place no figure.
        misplaced = (pl.len().over("unit_id", "table_id", "row", "by_hdr") > 1) & pl.col("by_hdr").is_not_null()
        by_hdr = pl.when(~misplaced.any().over("unit_id", "table_id", "row")).then(pl.col("by_hdr"))
        d = d.with_columns(pl.coalesce(by_hdr, _sg_key(pl.col("lab"))).alias("key"))
        d = d.filter(pl.col("key").is_not_null() & ~pl.col("lab").str.contains("上年"))
        t = (
            d.sort("row", "col")
            .unique(["unit_id", "key"], keep="first")
            .select(
                "unit_id",
                "key",
                "table_id",
                "lo1",
                "hi1",
                "lo2",
                "hi2",
                "val",
                pl.col("text").alias("t_text"),
                pl.col("line").alias("t_line"),
            )
        )
        items = list(SG_NAMES)
        c = money_claims(ctx).filter(pl.col("item").is_in(items) & pl.col("current").is_not_null())
        c = c.with_columns(
            pl.coalesce(
                pl.when(pl.col("item").is_in(["vehicle_purchase", "vehicle_running"])).then(_sg_key(pl.col("label"))),
                pl.col("item"),
            ).alias("key")
        )
        c = c.sort("claim_id").unique(["unit_id", "key"], keep="first")
        c = _narrative(ctx, c)
        return c.join(t, on=["unit_id", "key"]).with_columns(_cell_ok().alias("ok")).sort("unit_id", "claim_id")

    return ctx.cached("sangong_comparison", build)


_SG12 = """2024年本单位当年一般公共预算“三公”经费预算支出3.92万元，较上年预算3.59万元增加0.33万元。其中：因公出国（境）经费0.00万元，较上年预算无变动；公务接待费{rec}万元，较上年预算1.41万元增加0.26万元；公务用车运行维护费2.25万元，较上年预算2.18万元增加0.07万元；公务用车购置费0.00万元，较上年预算无变动。

表12

2024年单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表

单位：元

| 合计 | 因公出国（境）费 | 公务接待费 | 公务用车购置及运行维护费小计 | 公务用车购置费 | 公务用车运行维护费 | 会议费 | 培训费 |
|---|---|---|---|---|---|---|---|
| 39,200 | 0 | 16,700 | 22,500 | 0 | 22,500 | 29,200 | 45,000 |
"""


@rule(
    "NAR008",
    "warning",
    "“三公”经费与“三公”经费预算表不符",
    "Sangong figures differ from the sangong table (表12)",
    bad=_SG12.format(rec="1.76"),
    good=_SG12.format(rec="1.67"),
)
def nar008(ctx: Context) -> Result:
    """文中“三公”经费合计及因公出国（境）费、公务接待费、公务用车购置费、公务用车运行维护费（及会议费、培训费）应等于表12对应栏目的金额。

    查什么：说明中的“三公”经费数字（如公务接待费1.76万元）与表12同名栏目的金额（如公务接待费16,700元）不符。
    表12按标题中的“三公”识别，栏目（竖排表为行）按名称匹配，合并列示的
    “公务用车购置及运行维护费”与表中小计比较；没有表12的不适用，栏目与说明各项都对不上的判为数据不足，
    各项之和与合计的核对由SAN001负责。为什么重要：“三公”经费是公开中最受关注的数字，
    而表12的数字是汇入本级政府“三公”经费总数的口径。

    Catches: a 三公 figure of the text (the three official expenses: travel abroad, official vehicles,
    official receptions; e.g. 公务接待费1.76万元, reception costs) that differs from the column of the
    same name in 表12, the 三公 table (公务接待费 16,700元). The 三公 total, its parts, and meeting
    (会议费) and training (培训费) costs are compared. The table is recognised by 三公 in its title; its
    columns (or rows, for a table laid out vertically) by their names; a combined vehicle figure
    (公务用车购置及运行维护费, purchase and running) is compared with the table's subtotal (小计). A
    unit without 表12 is not applicable; a 表12 whose columns match no narrative item is insufficient
    data. Whether the parts add up to the total is checked by SAN001; this rule compares each figure
    with the table. Why it matters: 三公 is the most scrutinised figure of a disclosure, and the table
    is what is compiled into the government's totals.
    """
    cmp = sangong_comparison(ctx)
    hits = []
    for r in cmp.filter(~pl.col("ok")).iter_rows(named=True):
        name, name_en = SG_NAMES[r["key"]], SG_NAMES_EN[r["key"]]
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                r["text"],
                (f"{name} {_stated(r)}", f"{name_en} {_stated(r, 'en')}"),
                (f"{r['table_id']} {name} {wan(r['val'])}", f"{r['table_id']} {name_en} {wan_en(r['val'])}"),
                f"文中{name}为{_stated(r)}，{r['table_id']}对应栏目为{wan(r['val'])}。",
                f"The text gives the {name_en} as {_stated(r, 'en')}, but {r['table_id']} shows {wan_en(r['val'])}.",
            )
        )
    present = _present(ctx, ["t12"])
    absent = ctx.unit_ids.filter(~ctx.unit_ids.is_in(present["unit_id"].implode()))
    return Result(hits, pl.concat([ctx.status(cmp["unit_id"], "pass"), ctx.status(absent, "not_applicable")]))


# ------------------------------------------------------------------- deduplication


def deferred(ctx: Context, which: str) -> pl.DataFrame:
    """What the 表1 checks leave to the detail-table checks (the claim was flagged there):

    * ``function``: unit_id, cls (3-digit class) of 功能 items NAR006 flags (for NAR002);
    * ``econ``: unit_id, cls (code) of economic classes NAR009 flags (for NAR003/NAR004);
    * ``public_funds``: unit_id of units whose 公用经费 NAR007 flags (for NAR005).
    """
    if which == "function":
        f = code_comparison(ctx, "t5").filter(~pl.col("ok"))
        return f.select("unit_id", pl.col("code").str.slice(0, 3).alias("cls")).unique()
    if which == "econ":
        f = code_comparison(ctx, "t6").filter(~pl.col("ok"))
        return f.select("unit_id", pl.col("code").alias("cls")).unique()
    if which == "public_funds":
        return public_funds_comparison(ctx).filter(~pl.col("ok")).select("unit_id").unique()
    raise ValueError(which)
