"""YOY: stated changes against current − prior; direction words; itemised changes."""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.intervals import magnitude, overlaps, printed, signed
from anomaly.rules.common import amount, fig, fmt, hit, money_claims, plural

_MEETING = "本年度会议费安排{cur}万元，比上年{pri}万元下降{chg}万元。"


# What the tool writes for a direction; the disclosure's own word is quoted beside it.
_WORD_EN = {
    **dict.fromkeys(("增加", "增长", "上升", "提高"), "increase"),
    **dict.fromkeys(("减少", "下降", "降低"), "decrease"),
    **dict.fromkeys(("无变动", "持平", "不变"), "no change"),
}


def _u(r: dict, f: str) -> str:
    return r.get(f"{f}_unit") or r.get("ctx_unit") or ""


def change_consistent() -> pl.Expr:
    """|current − prior| meets the printed change, in either reading (see money_claims)."""
    return pl.any_horizontal(
        [overlaps(magnitude(fig("current", rd) - fig("prior", rd)), fig("change", rd)) for rd in ("yuan", "ctx")]
    )


@rule(
    "YOY001",
    "error",
    "增减额与本年数、上年数之差不符",
    "Stated change differs from current − prior",
    bad=_MEETING.format(cur="3.15", pri="3.42", chg="0.72"),
    good=_MEETING.format(cur="3.15", pri="3.42", chg="0.27"),
)
def yoy001(ctx: Context) -> Result:
    """文中写明本年数、上年数和增减额时，增减额应等于两者之差（按印刷位数的舍入区间比较）。

    查什么：同一句中写明本年数、上年数和增减额时，增减额不等于本年数减上年数，如“会议费3.15万元，
    比上年3.42万元下降0.72万元”（应为0.27）。按印刷位数的舍入区间比较（47.20与49.05、增减1.84视为一致），
    数字按该句自身单位理解，单位写错（万元中夹着3.74元）的留给单位核对规则（UNT）报告。为什么重要：
    增减额是读者和审核人员引用的数字，增减额错误会误述当年的预算安排。

    Catches: a sentence that gives this year's figure, last year's figure and the change, where the
    change is not current − prior: 会议费3.15万元，比上年3.42万元下降0.72万元 (meeting costs of 3.15,
    down 0.72 from 3.42 last year, while 3.42 − 3.15 = 0.27). Compared within rounding (47.20 against
    49.05 with a change of 1.84 is consistent), and with the figures read in the sentence's own unit, so
    a unit slip (3.74元, yuan, among figures in 万元, 10,000 yuan) is left to UNT001. Why it matters:
    the change is what readers and reviewers quote; a wrong change misstates the year's decision.
    """
    c = money_claims(ctx).filter(
        pl.col("current").is_not_null() & pl.col("prior").is_not_null() & pl.col("change").is_not_null()
    )
    c = c.with_columns(change_consistent().alias("ok"))
    hits = []
    for r in c.filter(~pl.col("ok")).iter_rows(named=True):
        d = max(r["current_dec"] or 0, r["prior_dec"] or 0)
        diff = abs(r["current"] - r["prior"])
        word = r["direction_word"] or "变动"
        u = _u(r, "change")
        terms = (r["prior"], r["current"]) if r["prior"] >= r["current"] else (r["current"], r["prior"])
        decs = (r["prior_dec"], r["current_dec"]) if r["prior"] >= r["current"] else (r["current_dec"], r["prior_dec"])
        minus = f"{fmt(terms[0], decs[0])} − {fmt(terms[1], decs[1])}"
        hits.append(
            hit(
                r["unit_id"],
                r["change_line"] or r["line"],
                r["text"],
                (
                    f"{word}{amount(r['change'], u, r['change_dec'])}",
                    f"{_WORD_EN.get(word, 'change')} {amount(r['change'], u, r['change_dec'], 'en')} ({word})",
                ),
                (f"{amount(diff, u, d)}（{minus}）", f"{amount(diff, u, d, 'en')} ({minus})"),
                f"{r['label']}本年{fmt(r['current'], r['current_dec'])}、上年{fmt(r['prior'], r['prior_dec'])}，相差{fmt(diff, d)}，但文中写{word}{fmt(r['change'], r['change_dec'])}。",
                f"{r['label']}: current {fmt(r['current'], r['current_dec'])} and prior {fmt(r['prior'], r['prior_dec'])} differ by {fmt(diff, d)}, but the text states a change of {fmt(r['change'], r['change_dec'])}.",
            )
        )
    return Result(hits, ctx.status(c.filter(pl.col("ok"))["unit_id"], "pass"))


_DIR = "本年度公用经费安排6.30万元，比上年8.15万元{word}1.85万元。"


@rule(
    "YOY002",
    "error",
    "增减方向与数字相反",
    "Direction word contradicts the figures",
    bad=_DIR.format(word="增加"),
    good=_DIR.format(word="减少"),
)
def yoy002(ctx: Context) -> Result:
    """“增加/减少/无变动”应与本年数、上年数的大小关系一致。

    查什么：本年数低于上年数却写“增加”，高于上年数却写“减少”，或两者之差超出舍入范围仍写“无变动/持平”。
    为什么重要：增减用语是读者最直接获取的结论，实为增加却写“减少”，会掩盖支出增长。

    Catches: 增加 (increase) where this year's figure is below last year's, 减少 (decrease) where it is
    above, 无变动/持平 (unchanged) where the two differ by more than rounding. Why it matters: the word
    is what a reader takes away; a 减少 that is really an increase hides growth.
    """
    c = money_claims(ctx).filter(
        pl.col("current").is_not_null() & pl.col("prior").is_not_null() & pl.col("direction").is_not_null()
    )
    conds = []
    for rd in ("yuan", "ctx"):
        cur, pri = fig("current", rd), fig("prior", rd)
        basic = (
            pl.when(pl.col("direction") == "increase")
            .then(cur.hi >= pri.lo)
            .when(pl.col("direction") == "decrease")
            .then(cur.lo <= pri.hi)
            .otherwise(overlaps(cur, pri))
        )
        # With a stated change, the signed difference must meet it for the stated
        # direction (0.60 vs 0.61 "增加0.01" is a decrease, although 0.605 = 0.605).
        chg = fig("change", rd)
        up, down = overlaps(cur - pri, chg), overlaps(pri - cur, chg)
        contra = (
            pl.col("change").is_not_null()
            & (pl.col("change") > 0)
            & (((pl.col("direction") == "increase") & ~up & down) | ((pl.col("direction") == "decrease") & ~down & up))
        ).fill_null(False)
        conds.append(basic & ~contra)
    c = c.with_columns(pl.any_horizontal(conds).alias("ok"))
    hits = []
    for r in c.filter(~pl.col("ok")).iter_rows(named=True):
        rel = "低于" if r["current"] < r["prior"] else "高于" if r["current"] > r["prior"] else "等于"
        rel_en = "below" if r["current"] < r["prior"] else "above" if r["current"] > r["prior"] else "equal to"
        expect = "减少" if r["current"] < r["prior"] else "增加" if r["current"] > r["prior"] else "无变动"
        cur, pri = fmt(r["current"], r["current_dec"]), fmt(r["prior"], r["prior_dec"])
        hits.append(
            hit(
                r["unit_id"],
                r["change_line"] or r["line"],
                r["text"],
                r["direction_word"],
                (
                    f"{expect}（本年{cur} {rel}上年{pri}）",
                    f"{_WORD_EN[expect]} (current {cur} {rel_en} prior {pri})",
                ),
                f"{r['label']}本年{fmt(r['current'], r['current_dec'])}{rel}上年{fmt(r['prior'], r['prior_dec'])}，文中却写“{r['direction_word']}”。",
                f"{r['label']}: current {fmt(r['current'], r['current_dec'])} is {rel_en} prior {fmt(r['prior'], r['prior_dec'])}, but the text says '{r['direction_word']}'.",
            )
        )
    return Result(hits, ctx.status(c.filter(pl.col("ok"))["unit_id"], "pass"))


_ITEMS = """2、支出按功能科目分类的明细情况。

2024 年本单位当年一般公共预算拨款支出 300.00 万元，较上年减少 20.00 万元，主要原因是人员变动。

2024 年本单位当年一般公共预算支出 300.00 万元，其中：

(1) 行政运行（2010301）200.00 万元，较上年减少 30.00 万元，原因是人员变动。

(2) 机关服务（2010303）60.00 万元，较上年增加 {chg} 万元，原因是业务增加。

(3) 住房公积金(2210201) 40.00 万元，较上年无变动。
"""

TOTAL_ITEMS = ["gpb_expenditure", "expenditure_total", "fiscal_expenditure"]


def item_groups(ctx: Context) -> pl.DataFrame:
    """Runs of consecutive coded items (7-digit 功能, 30x 部门经济, 50x 政府经济) with the
    interval sums of their current figures and signed changes, in 元 (n: items in the run)."""

    def build():
        c = money_claims(ctx).filter(pl.col("code").is_not_null() & pl.col("current").is_not_null())
        c = (
            c.with_columns(
                pl.when(pl.col("code").str.len_chars() == 7)
                .then(pl.lit("function"))
                .when(pl.col("code").str.len_chars() == 3)
                .then(pl.lit("econ") + pl.col("code").str.slice(0, 1))
                .otherwise(pl.lit("other"))
                .alias("family_key")
            )
            .filter(pl.col("family_key") != "other")
            .sort("unit_id", "claim_id")
        )
        # A new run starts where the family changes or claims of another kind intervene.
        c = c.with_columns(
            (
                (pl.col("family_key") != pl.col("family_key").shift(1).over("unit_id"))
                | (pl.col("claim_id") - pl.col("claim_id").shift(1).over("unit_id") > 2)
            )
            .fill_null(True)
            .cum_sum()
            .over("unit_id")
            .alias("run")
        )
        cur = fig("current")
        sign = pl.when(pl.col("direction") == "decrease").then(-1.0).otherwise(1.0)
        chg = signed(fig("change"), sign)
        zero = pl.col("direction") == "flat"
        c = c.with_columns(
            cur.lo.alias("c_lo"),
            cur.hi.alias("c_hi"),
            pl.when(zero).then(0.0).otherwise(chg.lo).alias("d_lo"),
            pl.when(zero).then(0.0).otherwise(chg.hi).alias("d_hi"),
            pl.when(zero).then(0.0).otherwise(sign * pl.col("change_yuan")).alias("d_val"),
            (  # (an item with no direction word is null here, which all() would skip: no change)
                (pl.col("direction") == "flat") | (pl.col("direction").is_not_null() & pl.col("change").is_not_null())
            )
            .fill_null(False)
            .alias("has_change"),
        )
        return c.group_by("unit_id", "run", "family_key").agg(
            pl.col("claim_id").min().alias("first_id"),
            pl.col("line").min().alias("first_line"),
            pl.col("line").max().alias("last_line"),
            pl.len().alias("n"),
            pl.col("c_lo").sum(),
            pl.col("c_hi").sum(),
            pl.col("current_yuan").sum().alias("c_val"),
            pl.col("d_lo").sum(),
            pl.col("d_hi").sum(),
            pl.col("d_val").sum(),
            pl.col("has_change").all().alias("all_changes"),
            # Items new this year (上年度无预算: the change is the whole amount).
            ((pl.col("direction") == "increase") & ((pl.col("change_yuan") - pl.col("current_yuan")).abs() < 0.5))
            .sum()
            .alias("n_new"),
            pl.col("text").first().alias("first_text"),
            pl.col("text").str.join(" … ").alias("all_text"),
        )

    return ctx.cached("item_groups", build)


@rule(
    "YOY003",
    "error",
    "分项增减额之和与总增减额不符",
    "Itemised changes do not add up to the total change",
    bad=_ITEMS.format(chg="5.00"),
    good=_ITEMS.format(chg="10.00"),
)
def yoy003(ctx: Context) -> Result:
    """按功能科目（7位编码）或经济科目（30x、50x）逐项列出的增减额，其代数和应等于
    一般公共预算支出的总增减额。

    查什么：按功能科目（7位编码）、部门经济分类（30x）或政府经济分类（50x）逐项列出的增减额，
    其代数和不等于所分解总额的增减额（如各项合计为增加，总额却为减少）。仅在各项本年数之和等于该总额（即分解完整）、
    且每一项都写明增减（“无变动”按0计）时判断。列出的科目中有本年新增的（上年为0）时只作警告：科目调整后，
    上年另有科目本年未列出，同样会对不上。为什么重要：分项增减与总增减对不上，说明至少有一项（或总额）
    的增减额有误，对年度变化的解释也就不可信。

    Catches: the items of a breakdown — functional items with 7-digit codes (功能), departmental
    economic classes 30x (部门经济) or government economic classes 50x (政府经济) — whose changes on
    last year, with their signs, do not add up to the stated change of the total they break down; in a
    real disclosure we studied, nine functional items add up to an increase while the total fell.
    Compared only where the items' current figures add up to that total, i.e. the breakdown is complete,
    and every item states its change (无变动, unchanged, counts as 0). Where some listed items are new
    this year (nothing last year), it is a warning: after codes were reorganised, last year's codes that
    are not listed this year leave the same gap. Why it matters: an itemisation
    that does not reconcile means at least one item's change (or the total's) is wrong, and the
    explanation of the year's change cannot be trusted.
    """
    groups = item_groups(ctx).filter(pl.col("n") >= 2)
    mc = money_claims(ctx)
    cur, chg = fig("current"), fig("change")
    sign = pl.when(pl.col("direction") == "decrease").then(-1.0).otherwise(1.0)
    sch = signed(chg, sign)
    totals = mc.filter(
        pl.col("item").is_in(TOTAL_ITEMS)
        & pl.col("current").is_not_null()
        & pl.col("change").is_not_null()
        & pl.col("direction").is_in(["increase", "decrease"])
    ).select(
        "unit_id",
        pl.col("claim_id").alias("t_id"),
        cur.lo.alias("t_lo"),
        cur.hi.alias("t_hi"),
        sch.lo.alias("tc_lo"),
        sch.hi.alias("tc_hi"),
        (sign * pl.col("change_yuan")).alias("tc_val"),
        pl.col("text").alias("t_text"),
        pl.col("change_line").alias("t_line"),
        pl.col("label").alias("t_label"),
    )
    tol = 1e-6
    cand = groups.join(totals, on="unit_id").filter(
        (pl.col("t_id") < pl.col("first_id"))
        & (pl.col("c_lo") <= pl.col("t_hi") + tol)
        & (pl.col("t_lo") <= pl.col("c_hi") + tol)
    )
    best = cand.sort("t_id").group_by("unit_id", "run", maintain_order=True).last()
    judged = best.filter(pl.col("all_changes")).with_columns(
        ((pl.col("d_lo") <= pl.col("tc_hi") + tol) & (pl.col("tc_lo") <= pl.col("d_hi") + tol)).alias("ok")
    )
    names = {
        "function": ("功能科目", "functional"),
        "econ3": ("部门经济分类科目", "economic (30x)"),
        "econ5": ("政府经济分类科目", "economic (50x)"),
    }
    hits = []
    for r in judged.filter(~pl.col("ok")).iter_rows(named=True):
        zh, en = names.get(r["family_key"], ("分项", "itemised"))
        s, t = r["d_val"] / 1e4, r["tc_val"] / 1e4
        s_en, t_en = (("+" if v >= 0 else "") + amount(v, "万元", 2, "en") for v in (s, t))
        lines = f"{r['first_line']}–{r['last_line']}"
        # Codes new this year suggest a reorganisation: last year's codes not listed this
        # year (their amount 0 now) would leave the same gap without a wrong figure.
        maybe = r["n_new"] > 0
        note_zh = f"其中{r['n_new']}项为本年新增科目；若上年另有科目本年未列出，也会如此，请核对。" if maybe else ""
        note_en = (
            f" {plural(r['n_new'], 'item')} new this year: codes of last year not listed this year would"
            " leave the same gap; check."
            if maybe
            else ""
        )
        hits.append(
            hit(
                r["unit_id"],
                r["first_line"],
                f"{r['t_text']} … {r['first_text']}",
                (
                    f"分项增减合计 {s:+.2f}万元（{r['n']}项，第{lines}行）",
                    f"items' changes {s_en} ({plural(r['n'], 'item')}, lines {lines})",
                ),
                (f"总增减 {t:+.2f}万元（第{r['t_line']}行）", f"total change {t_en} (line {r['t_line']})"),
                f"按{zh}列出的{r['n']}项增减额合计{s:+.2f}万元，与{r['t_label']}的增减额{t:+.2f}万元不符。{note_zh}",
                f"The {plural(r['n'], en + ' item')}' changes add up to {s_en}, but {r['t_label']} changed by {t_en}.{note_en}",
                **({"severity": "warning"} if maybe else {}),
            )
        )
    status = pl.concat(
        [ctx.status(judged.filter(pl.col("ok"))["unit_id"], "pass"), ctx.status(groups["unit_id"], "insufficient_data")]
    )
    return Result(hits, status)


_BALANCED = "2024年本单位预算收入493.22万元，较上年增加37.94万元。2024年本单位预算支出493.22万元，较上年增加{chg}万元。"


@rule(
    "YOY004",
    "error",
    "预算收入与预算支出的增减额不一致",
    "Budget income and budget expenditure changed by different amounts",
    bad=_BALANCED.format(chg="47.94"),
    good=_BALANCED.format(chg="37.94"),
)
def yoy004(ctx: Context) -> Result:
    """预算收支平衡：本单位预算收入与预算支出相等时，二者较上年的增减额也应相同。

    查什么：预算公开说明中，本单位预算收入与预算支出本年数相等（按舍入区间），且二者都写明了较上年的增减，
    但增减额（连同方向）不同，如收入、支出均为493.22万元，收入较上年增加37.94万元，支出却增加47.94万元。
    预算每年都收支平衡，上年的收入与支出也相等，两个增减额必然相同；比较基数不同（如一为上年预算、一为上年决算）的不比，
    决算（收支不必相等）不比。为什么重要：两个增减额中至少一个有误，对外说明的预算变化因而自相矛盾。

    Catches: a budget disclosure whose budget income and budget expenditure are equal this year (within
    rounding) and both state their change on last year, but by different amounts or directions: both
    493.22万元 (万元: ten thousand yuan), income up 37.94 and expenditure up 47.94. A budget balances every
    year, so last year's income and expenditure were equal too and the two changes must be the same.
    Changes measured against different bases (last year's budget against last year's final accounts) are
    not compared, nor are final accounts (决算), whose income and expenditure need not be equal. Why it
    matters: at least one of the two changes is wrong, and the published account of how the budget
    changed contradicts itself.
    """
    budgets = ctx.units.filter(pl.col("doc_kind").fill_null("budget") != "final").select("unit_id")
    c = (
        money_claims(ctx)
        .filter(
            pl.col("item").is_in(["income_total", "expenditure_total"])
            & pl.col("current").is_not_null()
            & (
                (pl.col("direction") == "flat")
                | (pl.col("direction").is_in(["increase", "decrease"]) & pl.col("change").is_not_null())
            )
        )
        .join(budgets, on="unit_id", how="semi")
    )
    cur = fig("current")
    sign = pl.when(pl.col("direction") == "decrease").then(-1.0).otherwise(1.0)
    chg = signed(fig("change"), sign)
    flat = pl.col("direction") == "flat"
    c = (
        c.sort("claim_id")
        .unique(["unit_id", "item"], keep="first", maintain_order=True)
        .select(
            "unit_id",
            "item",
            "line",
            "text",
            pl.col("basis").fill_null(""),
            cur.lo.alias("lo"),
            cur.hi.alias("hi"),
            pl.when(flat).then(0.0).otherwise(chg.lo).alias("d_lo"),
            pl.when(flat).then(0.0).otherwise(chg.hi).alias("d_hi"),
            pl.when(flat).then(0.0).otherwise(sign * pl.col("change_yuan")).alias("d"),
            pl.col("change_line").fill_null(pl.col("line")).alias("d_line"),
        )
    )
    inc = c.filter(pl.col("item") == "income_total").drop("item")
    exp = c.filter(pl.col("item") == "expenditure_total").drop("item")
    tol = 1e-6
    j = inc.join(exp, on="unit_id", suffix="_e").filter(
        (pl.col("lo") <= pl.col("hi_e") + tol)
        & (pl.col("lo_e") <= pl.col("hi") + tol)
        & (pl.col("basis") == pl.col("basis_e"))
    )
    j = j.with_columns(
        ((pl.col("d_lo") <= pl.col("d_hi_e") + tol) & (pl.col("d_lo_e") <= pl.col("d_hi") + tol)).alias("ok")
    )
    hits = []
    for r in j.filter(~pl.col("ok")).iter_rows(named=True):
        (i_zh, i_en), (e_zh, e_en) = (
            (f"{v / 1e4:+.2f}万元", ("+" if v >= 0 else "") + amount(v, "万元", 2, "en")) for v in (r["d"], r["d_e"])
        )
        hits.append(
            hit(
                r["unit_id"],
                r["d_line_e"],
                f"{r['text']} | {r['text_e']}",
                (f"预算支出增减 {e_zh}", f"budget expenditure changed by {e_en}"),
                (
                    f"预算收入增减 {i_zh}（收支相等，增减应相同）",
                    f"budget income changed by {i_en} (equal totals, equal changes)",
                ),
                f"本单位预算收入与预算支出本年相等，但收入较上年增减{i_zh}，支出增减{e_zh}：预算收支每年平衡，二者应相同，其中至少一个有误。",
                f"Budget income and expenditure are equal this year, but income changed by {i_en} and expenditure "
                f"by {e_en}: a budget balances every year, so the two changes must be the same; one is wrong.",
            )
        )
    return Result(hits, ctx.status(j.filter("ok")["unit_id"], "pass"))


__all__ = ["yoy001", "yoy002", "yoy003", "yoy004", "printed"]
