"""NAR: the narrative against itself, so a mistake is caught where no table is read.

A disclosure states its totals and then what they are made of: 预算收入 and its 其中
sources (一般公共预算拨款收入、政府性基金拨款收入、事业收入 …), 预算支出 beside it, and each
一般公共预算 total broken down by coded items (功能 7-digit, 经济 30x / 50x). These rules
are NAR (a figure of the text that differs from the figure it must equal), not ARI
(tables) or YOY (changes). Where 表1 or 表5/表6 can be compared, the table rules name
the wrong figure better; these rules then leave that figure to them (no double report).
"""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.rules.common import fig, hit, money_claims, plural, wan_both
from anomaly.rules.nar import nar001, nar002, nar003, nar004
from anomaly.rules.nar_detail import code_comparison
from anomaly.rules.yoy import item_groups
from datasets.narrative import PARTIAL_LIST_WORDS
from datasets.vocabulary import SOURCE_LABEL, TOTAL_ITEMS

_T = 1e-6


def _meet(a_lo: str, a_hi: str, b_lo: str, b_hi: str) -> pl.Expr:
    return (pl.col(a_lo) <= pl.col(b_hi) + _T) & (pl.col(b_lo) <= pl.col(a_hi) + _T)


def _flagged_lines(result: Result) -> pl.DataFrame:
    return pl.DataFrame(
        {"unit_id": [h["unit_id"] for h in result.hits], "line": [h["line"] for h in result.hits]},
        schema={"unit_id": pl.String, "line": pl.Int64},
    )


def _flagged_units(*results: Result) -> pl.DataFrame:
    ids = [h["unit_id"] for r in results for h in r.hits]
    return pl.DataFrame({"unit_id": ids}, schema={"unit_id": pl.String}).unique()


def source_lists(ctx: Context) -> pl.DataFrame:
    """Per total (预算收入, 预算支出, 财政拨款收入/支出) followed by 其中 and its sources:
    the total's interval, the parts' interval sum and count, quotes and line."""

    def build():
        c = money_claims(ctx).filter(pl.col("current").is_not_null()).sort("unit_id", "claim_id")
        part = (
            pl.col("code").is_null()
            & ~pl.col("item").fill_null("").is_in(list(TOTAL_ITEMS))
            & pl.col("label").fill_null("").str.contains(SOURCE_LABEL.pattern)
            # a new subject (本单位当年一般公共预算拨款支出 …) is not a part of the one before
            & ~pl.col("label").fill_null("").str.contains("^(?:本单位|本部门|单位|部门|当年)")
            & pl.col("section").eq_missing(pl.col("section").shift(1).over("unit_id"))
        )
        cur = fig("current")
        c = c.with_columns(
            part.alias("part"),
            cur.lo.alias("lo"),
            cur.hi.alias("hi"),
            (~part).cast(pl.Int32).cum_sum().over("unit_id").alias("run"),
        )
        # A run is a head (the first claim that is no source) and the sources after it,
        # which must follow one another (claim ids without a gap).
        c = c.with_columns((pl.col("claim_id") - pl.col("claim_id").first().over("unit_id", "run")).alias("k"))
        c = c.with_columns((pl.col("k") == pl.int_range(pl.len()).over("unit_id", "run")).alias("adjacent"))
        heads = c.filter(~pl.col("part") & pl.col("item").is_in(list(TOTAL_ITEMS)) & (pl.col("list_word") == "其中"))
        parts = (
            c.filter(pl.col("part") & pl.col("adjacent"))
            .group_by("unit_id", "run")
            .agg(
                pl.col("lo").sum().alias("p_lo"),
                pl.col("hi").sum().alias("p_hi"),
                pl.col("current_yuan").sum().alias("p_val"),
                pl.len().alias("n"),
                pl.col("text").str.join("、").alias("p_text"),
            )
        )
        return heads.join(parts, on=["unit_id", "run"])

    return ctx.cached("source_lists", build)


_INC = """2024年本单位预算收入{t}万元，其中一般公共预算拨款收入300.00万元、政府性基金拨款收入100.00万元、事业收入50.00万元、上年结转0.00万元；2024年本单位预算支出450.00万元。"""


@rule(
    "NAR010",
    "error",
    "文中收支总额与其中所列各来源之和不符",
    "A narrative total differs from the sum of the sources listed under it",
    bad=_INC.format(t="460.00"),
    good=_INC.format(t="450.00"),
)
def nar010(ctx: Context) -> Result:
    """文中“预算收入（支出）××万元，其中一般公共预算拨款收入××万元、政府性基金拨款收入××万元、事业收入××万元……”所列各来源之和应等于该总额。

    查什么：说明中“预算收入（支出）”“财政拨款收入（支出）”之后以“其中”列出两个及以上来源（一般公共预算拨款、
    政府性基金拨款、上级补助、事业收入、上年结转等），各来源之和与总额不符；按每个印刷数字的舍入区间比较，
    舍入差异不报；只列一个来源的，仅在其超过总额时报告（可能只是部分列举）。本规则不依赖报表，
    报表缺失的文件同样可以核对；已由表1核对（NAR001）标记的总额不重复报告。为什么重要：
    来源构成说明预算靠哪些资金安排，合不上说明总额或某一来源未随之更新。

    Catches: a total in the narrative — budget income or expenditure (预算收入, 预算支出), or fiscal
    appropriation income or expenditure (财政拨款收入, 财政拨款支出) — followed by 其中 ("of which") and
    two or more sources (一般公共预算拨款 general public budget appropriation, 政府性基金拨款 government
    fund appropriation, 上级补助 subsidies from a higher-level unit, 事业收入 income from the unit's own
    services, 上年结转 carry-over from last year …) whose sum does not meet the total, allowing for the
    rounding of every printed figure. A single listed source is judged only if it exceeds the total: a
    part larger than its whole is impossible, while fewer parts may be a partial list. A total that
    NAR001 flags against 表1 (the summary table of income and expenditure) is left to NAR001. Works
    without any table, so a disclosure whose tables (报表) are missing is still checked. Why it matters:
    the sources are how the budget is funded; when they do not add up, either the total or a source was
    not updated.
    """
    s = source_lists(ctx)
    s = s.join(_flagged_lines(nar001(ctx)), on=["unit_id", "line"], how="anti")
    bad = ((pl.col("n") >= 2) & ~_meet("lo", "hi", "p_lo", "p_hi")) | (pl.col("p_lo") > pl.col("hi") + _T)
    s = s.with_columns(bad.alias("bad"))
    hits = []
    for r in s.filter("bad").iter_rows(named=True):
        (c_zh, c_en), (p_zh, p_en) = wan_both(r["current_yuan"], r["p_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{r['text']}，{r['p_text']}",
                (f"{r['label']} {c_zh}", f"{r['label']} {c_en}"),
                (f"其中各项之和 {p_zh}", f"sum of the sources listed {p_en}"),
                f"文中{r['label']}为{c_zh}，其中所列{r['n']}项来源之和为{p_zh}。",
                f"The text gives {r['label']} as {c_en}, but the {plural(r['n'], 'source')} listed under it add up to {p_en}.",
            )
        )
    return Result(hits, ctx.status(s.filter(~pl.col("bad"))["unit_id"], "pass"))


_BAL = """2024年本单位预算收入450.00万元，较上年减少10.00万元。2024年本单位预算支出{e}万元，较上年减少10.00万元。"""


@rule(
    "NAR011",
    "error",
    "文中预算收入与预算支出不符",
    "The narrative's budget income differs from its budget expenditure",
    bad=_BAL.format(e="440.00"),
    good=_BAL.format(e="450.00"),
)
def nar011(ctx: Context) -> Result:
    """预算收支平衡：文中本单位预算收入应等于本单位预算支出（差额为上年结转时除外）。

    查什么：在无法读取表1的文件中，说明所列本单位预算收入与预算支出不相等（如预算收入450.00万元、
    预算支出440.00万元）；差额恰好等于文中所述上年结转的，视为正常（部分文件只在一方计入结转）。能读取表1时，
    由NAR001分别与表1比较并指出哪一个有误。为什么重要：预算必须收支平衡，出现两个不同的总额说明其中一个未更新，
    而没有报表时别无其他线索可以判断。

    Catches: budget income and budget expenditure stated in the narrative that differ
    (预算收入450.00万元 … 预算支出440.00万元), in a document where 表1 (the summary table of income and
    expenditure) cannot be read; where it can, NAR001 compares each with the table and names the wrong
    one. A difference equal to a carry-over from last year (上年结转) stated in the text is accepted,
    since some disclosures count the carry-over on one side only. Why it matters: a budget balances; two
    totals mean one was not updated, and without tables nothing else shows which.
    """
    c = money_claims(ctx).filter(pl.col("current").is_not_null()).sort("claim_id")
    cur = fig("current")
    c = c.with_columns(cur.lo.alias("lo"), cur.hi.alias("hi"))
    first = c.filter(pl.col("item").is_in(["income_total", "expenditure_total"])).unique(
        ["unit_id", "item"], keep="first", maintain_order=True
    )
    inc = first.filter(pl.col("item") == "income_total").select("unit_id", "line", "text", "current_yuan", "lo", "hi")
    exp = first.filter(pl.col("item") == "expenditure_total").select(
        "unit_id",
        pl.col("text").alias("e_text"),
        pl.col("current_yuan").alias("e_val"),
        pl.col("lo").alias("e_lo"),
        pl.col("hi").alias("e_hi"),
    )
    carry = (
        c.filter((pl.col("item") == "carryover") & (pl.col("current_yuan") > 0))
        .group_by("unit_id")
        .agg(pl.col("lo").max().alias("k_lo"), pl.col("hi").max().alias("k_hi"))
    )
    # Where 表1 is read, NAR001 compares each total with it (and names the wrong one).
    by_table = nar001(ctx)
    judged = pl.concat([_flagged_units(by_table), by_table.status.select("unit_id")]).unique()
    j = inc.join(exp, on="unit_id").join(judged, on="unit_id", how="anti")
    j = j.join(carry, on="unit_id", how="left").with_columns(
        (
            _meet("lo", "hi", "e_lo", "e_hi")
            | (
                ((pl.col("lo") - pl.col("e_hi")).abs() <= pl.col("k_hi") + _T)
                & ((pl.col("hi") - pl.col("e_lo")).abs() >= pl.col("k_lo") - _T)
            ).fill_null(False)
        ).alias("ok")
    )
    hits = []
    for r in j.filter(~pl.col("ok")).iter_rows(named=True):
        (i_zh, i_en), (e_zh, e_en) = wan_both(r["current_yuan"], r["e_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{r['text']} | {r['e_text']}",
                (f"预算收入 {i_zh}", f"budget income {i_en}"),
                (f"预算支出 {e_zh}", f"budget expenditure {e_en}"),
                f"文中预算收入为{i_zh}，预算支出为{e_zh}，收支不平衡。",
                f"The text gives budget income as {i_en} but budget expenditure as {e_en}.",
            )
        )
    return Result(hits, ctx.status(j.filter("ok")["unit_id"], "pass"))


_LIST = """2、支出按功能科目分类的明细情况。

2024 年本单位当年一般公共预算支出 {t} 万元，其中：

(1) 行政运行（2010301）200.00 万元，较上年减少 30.00 万元。

(2) 机关服务（2010303）60.00 万元，较上年增加 10.00 万元。

(3) 住房公积金(2210201) 40.00 万元，较上年无变动。
"""

# Totals a list of coded items breaks down.
_LIST_TOTALS = ["gpb_expenditure", "gov_fund_expenditure", "expenditure_total", "fiscal_expenditure"]


@rule(
    "NAR012",
    "error",
    "科目明细金额之和与所分解的总额不符",
    "Coded items listed under a total do not add up to it",
    bad=_LIST.format(t="310.00"),
    good=_LIST.format(t="300.00"),
)
def nar012(ctx: Context) -> Result:
    """文中总额（如“当年一般公共预算支出××万元，其中：”）之后按功能科目或经济分类科目逐项列出的金额，其和应等于该总额。

    查什么：说明中总额（如“当年一般公共预算支出××万元，其中：”）之后逐项列出的功能科目或经济分类科目金额
    （含政府性基金部分），其和与该总额不符。是否完整列举按措辞判断：“其中”之后或无引导词时，
    同一分类的科目列表视为对总额的完整分解，须等于总额；“主要用于”“包括”“重点”之后只列主要用途，
    仅在其和超过总额时报告；已由表1、表5、表6核对规则标记的科目不重复报告。为什么重要：在未能读取报表时，
    这是发现科目金额或总额录入错误的主要手段。

    Catches: a total followed by a run of coded items (行政运行（2010301）…, 工资福利支出(301) …,
    机关商品和服务支出(502) …, also in the government fund section, 政府性基金) whose amounts do not add
    up to it. Whether the list claims to be complete is read from its wording: after 其中 ("of which"),
    or with no such word, a list of items coded in one classification is a breakdown of the whole (every
    yuan has both a functional, 功能, and an economic, 经济, code) and must equal the total; after
    主要用于 ("mainly used for"), 包括 ("including") or 重点 ("chiefly") it names the main uses only,
    and is judged only if it exceeds the total (a part larger than its whole is impossible in any case).
    Items that a table check flags (NAR002 to NAR004 against 表1, the summary table; NAR006 / NAR009
    against the detail tables 表5 / 表6) are left to that check. Why it matters: where no table is read,
    this is what catches a mistyped item or total.
    """
    g = item_groups(ctx)
    c = money_claims(ctx).filter(pl.col("item").is_in(_LIST_TOTALS) & pl.col("current").is_not_null())
    cur = fig("current")
    heads = c.select(
        "unit_id",
        (pl.col("claim_id") + 1).alias("first_id"),
        pl.col("label").alias("t_label"),
        pl.col("text").alias("t_text"),
        pl.col("line").alias("t_line"),
        pl.col("current_yuan").alias("t_val"),
        cur.lo.alias("t_lo"),
        cur.hi.alias("t_hi"),
        pl.col("list_word"),
    )
    j = g.join(heads, on=["unit_id", "first_id"])
    # Left to the table rules: a unit whose items they flag.
    flagged = pl.concat(
        [code_comparison(ctx, k).filter(~pl.col("ok")).select("unit_id") for k in ("t5", "t6")]
        + [_flagged_units(nar002(ctx), nar003(ctx), nar004(ctx))]
    ).unique()
    j = j.join(flagged, on="unit_id", how="anti")
    complete = ~pl.col("list_word").fill_null("").is_in(list(PARTIAL_LIST_WORDS))
    bad = (complete & ~_meet("c_lo", "c_hi", "t_lo", "t_hi")) | (pl.col("c_lo") > pl.col("t_hi") + _T)
    j = j.with_columns(bad.alias("bad"))
    hits = []
    for r in j.filter("bad").iter_rows(named=True):
        (c_zh, c_en), (t_zh, t_en) = wan_both(r["c_val"], r["t_val"])
        lines = f"{r['first_line']}–{r['last_line']}"
        hits.append(
            hit(
                r["unit_id"],
                r["t_line"],
                f"{r['t_text']} … {r['all_text']}",
                (
                    f"各项之和 {c_zh}（{r['n']}项，第{lines}行）",
                    f"sum of the items {c_en} ({plural(r['n'], 'item')}, lines {lines})",
                ),
                (f"{r['t_label']} {t_zh}", f"{r['t_label']} {t_en}"),
                f"{r['t_label']}{t_zh}之下逐项列出的{r['n']}项科目金额之和为{c_zh}，与总额不符。",
                f"The {plural(r['n'], 'coded item')} listed under {r['t_label']} ({t_en}) add up to {c_en}.",
            )
        )
    return Result(hits, ctx.status(j.filter(~pl.col("bad"))["unit_id"], "pass"))
