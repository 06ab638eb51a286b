"""UNT: unit slips (元 for 万元) and amounts printed without a unit."""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.intervals import magnitude, overlaps
from anomaly.rules.common import FIGS, MONEY, UNIT_FACTOR, amount, fig, fmt, hit, money_claims

UNIT_NAME_EN = {"元": "yuan", "千元": "thousand yuan", "万元": "wan", "亿元": "yi"}
_NAMES = {"current": ("本年数", "current"), "prior": ("上年数", "prior"), "change": ("增减额", "change")}


@rule(
    "UNT001",
    "error",
    "金额单位错误（如万元误写为元）",
    "Unit slip: an amount in the wrong unit (yuan for wan)",
    bad="公务接待费3.74元，较上年5.12万元减少1.39万元。",
    good="公务接待费3.74万元，较上年5.12万元减少1.39万元。",
)
def unt001(ctx: Context) -> Result:
    """同一句中各金额单位不一致、且只有按上下文单位理解时数字才自洽，说明单位写错。

    查什么：金额所印单位与同句内容矛盾，如“公务接待费3.74元，较上年5.12万元减少1.39万元”——按万元理解，
    5.12−3.74=1.38，在舍入范围内与1.39相符，按所印单位则相差一万倍。没有增减额印证时也报告：
    同一事项的两个数字数值大小相当而单位相差千倍以上，或一行中同量级的万元数字之间夹着一个仅几元的金额（如
    “会议费3.05元，较上年持平”）；按所印单位本就正确的混合单位（5000元……0.80万元）不报。为什么重要：
    万元与元混淆，会使该项目及由其汇总的每个合计放大或缩小一万倍。

    Catches: a figure printed in a unit that its own sentence contradicts, e.g.
    公务接待费3.74元，较上年5.12万元减少1.39万元 (reception costs of 3.74 yuan, 1.39 万元 less than last
    year's 5.12 万元; 万元 = 10,000 yuan): read in 万元, 5.12 − 3.74 = 1.38 ≈ 1.39 holds within
    rounding; read as printed, 3.74元 is 10^4 off. A real disclosure we studied has this slip in its
    reception costs. Also flagged without a change to confirm it: two figures of one subject whose
    printed numbers are of the same size but whose units put them 1,000× or more apart; and a lone
    amount of a few 元 (会议费3.05元，较上年持平: meeting costs of 3.05 yuan, unchanged) among
    same-sized 万元 figures on its line. Mixed units that are right as printed (5000元 … 0.80万元 …
    0.30万元) pass. Why it matters: a 万元/元 slip understates or overstates the item 10,000-fold in
    every total built from it.
    """
    c = money_claims(ctx).filter(pl.col("mixed"))
    n_present = sum(pl.col(f).is_not_null().cast(pl.Int32) for f in FIGS)
    c = c.filter(n_present >= 2)
    full = pl.col("current").is_not_null() & pl.col("prior").is_not_null() & pl.col("change").is_not_null()
    ctx_ok = overlaps(magnitude(fig("current", "ctx") - fig("prior", "ctx")), fig("change", "ctx"))
    yuan_ok = overlaps(magnitude(fig("current", "yuan") - fig("prior", "yuan")), fig("change", "yuan"))
    # Same-size printed numbers whose units put them >= 1000x apart (two figures of one subject).
    apart = pl.lit(False)
    for a, b in (("current", "prior"), ("current", "change"), ("prior", "change")):
        both = pl.col(a).is_not_null() & pl.col(b).is_not_null() & (pl.col(a) > 0) & (pl.col(b) > 0)
        printed_ratio = pl.col(a) / pl.col(b)
        yuan_ratio = (pl.col(a) * pl.col(f"{a}_fac")) / (pl.col(b) * pl.col(f"{b}_fac"))
        near = (printed_ratio > 0.05) & (printed_ratio < 20)
        far = (yuan_ratio > 1000) | (yuan_ratio < 1e-3)
        if b == "change":  # a decrease's change can be far below both figures legitimately; only flag change far ABOVE
            far = yuan_ratio < 1e-3
        apart = apart | (both & near & far)
    c = c.with_columns(
        pl.when(full).then(ctx_ok & ~yuan_ok).otherwise(apart).fill_null(False).alias("slip"),
    )
    hits = _lone_yuan(ctx)
    for r in c.filter("slip").iter_rows(named=True):
        bad = [f for f in FIGS if r[f"{f}_unit"] in MONEY and r[f"{f}_unit"] != r["ctx_unit"]]
        if not bad:
            continue
        f = bad[0]
        zh, en = _NAMES[f]
        line = r["current_line"] if f == "current" else r["change_line"] if f == "change" else r["line"]
        v, d, u, cu = r[f], r[f + "_dec"], r[f + "_unit"], r["ctx_unit"]
        hits.append(
            hit(
                r["unit_id"],
                line or r["line"],
                r["text"],
                (amount(v, u, d), amount(v, u, d, "en")),
                (
                    f"{amount(v, cu, d)}（同句其他金额的单位）",
                    f"{amount(v, cu, d, 'en')} (the unit of the sentence's other amounts)",
                ),
                f"{r['label']}的{zh}写作{amount(v, u, d)}，但同句金额以{cu}计且只有按{cu}理解才自洽，疑为单位错误。",
                f"{r['label']}: the {en} is printed as {amount(v, u, d, 'en')}, but the sentence's figures are in {UNIT_NAME_EN.get(cu, cu)} and only agree when read so: a unit slip.",
            )
        )
    judged = money_claims(ctx)
    return Result(hits, ctx.status(judged["unit_id"], "pass"))


def _lone_yuan(ctx: Context) -> list[dict]:
    """A claim whose only amount is a few 元 (0 < v < 100, e.g. 会议费3.05元，较上年持平)
    among neighbouring claims printed in 万元 at the same printed size: a budget
    line of a few yuan is not plausible, a few 万元 is."""
    c = money_claims(ctx)
    n_money = sum(pl.col(f"{f}_unit").is_in(MONEY).fill_null(False).cast(pl.Int32) for f in FIGS)
    lone = c.filter(
        (n_money == 1) & (pl.col("current_unit") == "元") & (pl.col("current") > 0) & (pl.col("current") < 100)
    )
    wan = c.filter((pl.col("ctx_unit") == "万元") & pl.col("current").is_not_null() & (pl.col("current") > 0)).select(
        "unit_id",
        pl.col("line").alias("w_line"),
        pl.col("claim_id").alias("w_claim"),
        pl.col("section").alias("w_section"),
        pl.col("current").alias("w_cur"),
    )
    # Neighbours: within two lines, or among the four claims either side in the same
    # section (a text wrapped at the page width puts them on other lines).
    near = ((pl.col("w_line") - pl.col("line")).abs() <= 2) | (
        ((pl.col("w_claim") - pl.col("claim_id")).abs() <= 4) & (pl.col("w_section") == pl.col("section"))
    )
    j = lone.join(wan, on="unit_id").filter(near & (pl.col("w_cur") / pl.col("current")).is_between(0.05, 20))
    j = j.group_by("unit_id", "claim_id", maintain_order=True).agg(pl.all().first(), pl.len().alias("n_near"))
    hits = []
    for r in j.filter(pl.col("n_near") >= 2).iter_rows(named=True):
        v, d = r["current"], r["current_dec"]
        hits.append(
            hit(
                r["unit_id"],
                r["current_line"] or r["line"],
                r["text"],
                (amount(v, "元", d), amount(v, "元", d, "en")),
                (
                    f"{amount(v, '万元', d)}（相邻金额的单位）",
                    f"{amount(v, '万元', d, 'en')} (the unit of the neighbouring amounts)",
                ),
                f"{r['label']}写作{amount(v, '元', d)}，而相邻同类金额均以万元计、数量级相同，疑为万元误写为元。",
                f"{r['label']} is printed as {amount(v, '元', d, 'en')} among neighbouring figures of the same size in wan: a unit slip.",
            )
        )
    return hits


@rule(
    "UNT002",
    "info",
    "金额缺少单位",
    "Amount printed without a unit",
    bad="公务接待费3.74万元，较上年5.12减少1.38万元。",
    good="公务接待费3.74万元，较上年5.12万元减少1.38万元。",
)
def unt002(ctx: Context) -> Result:
    """与带单位的金额同句出现、自身却没有单位的金额（如“较上年5.12减少1.38万元”）。

    查什么：金额句中其他金额都带“元/万元”，某个数字却未标单位（如“较上年5.12减少1.38万元”）。
    核对时按该句的单位理解，因此属于表述缺陷，以低严重程度提示。为什么重要：没有单位的数字正是万元/元混淆的诱因，
    读者无法判断其所指。

    Catches: a figure in a sentence about money printed without 元 (yuan) or 万元 (10,000 yuan) while
    the others carry one, e.g. 较上年5.12减少1.38万元 ("1.38万元 less than last year's 5.12"); a real
    disclosure we studied has one in its paragraph on 三公 (the three official expenses: travel abroad,
    official vehicles, official receptions). The other checks read such a figure in the sentence's unit,
    so this is a presentation defect, reported at low severity. Why it matters: a bare number invites
    exactly the 元/万元 confusion UNT001 catches, and a reader cannot tell which is meant.
    """
    c = money_claims(ctx)
    bare = pl.lit(False)
    for f in FIGS:
        bare = bare | (pl.col(f).is_not_null() & pl.col(f"{f}_unit").is_null())
    hits = []
    for r in c.filter(bare).iter_rows(named=True):
        for f in FIGS:
            if r[f] is not None and r[f"{f}_unit"] is None:
                zh, en = _NAMES[f]
                line = r["current_line"] if f == "current" else r["change_line"] if f == "change" else r["line"]
                hits.append(
                    hit(
                        r["unit_id"],
                        line or r["line"],
                        r["text"],
                        fmt(r[f], r[f + "_dec"]),
                        (
                            amount(r[f], r["ctx_unit"], r[f + "_dec"]),
                            amount(r[f], r["ctx_unit"], r[f + "_dec"], "en"),
                        ),
                        f"{r['label']}的{zh}{fmt(r[f], r[f + '_dec'])}没有写单位（同句按{r['ctx_unit']}计）。",
                        f"{r['label']}: the {en} {fmt(r[f], r[f + '_dec'])} has no unit (the sentence uses {UNIT_NAME_EN.get(r['ctx_unit'], r['ctx_unit'])}).",
                    )
                )
                break
    return Result(hits, ctx.status(c["unit_id"], "pass"))


__all__ = ["unt001", "unt002", "UNIT_FACTOR"]
