"""PCT: stated percentages of a change — wrong value, ratio stated as change, wrong base.

All three rules share one classification of every claim that prints a percentage after
增加/减少, so a claim gets at most one PCT finding: consistent (change/prior) → pass;
else current/prior → PCT002; else change/current → PCT003; else PCT001.
"""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.intervals import Interval, magnitude, overlaps, printed, ratio, signed
from anomaly.rules.common import fig, fmt, hit, money_claims

# A percentage that is a share (占…%), not a change, is not judged.
_SHARE = r"(?:增加|减少|增长|下降|降低|上升)[^%％]*(?:占|比重|比例)[^%％]*[%％]"


def _prior(rd: str) -> Interval:
    """Prior as printed, else derived from current and the signed change."""
    p = fig("prior", rd)
    sign = pl.when(pl.col("direction") == "decrease").then(1.0).otherwise(-1.0)
    derived = fig("current", rd) + signed(fig("change", rd), sign)
    has = pl.col("prior").is_not_null()
    return Interval(pl.when(has).then(p.lo).otherwise(derived.lo), pl.when(has).then(p.hi).otherwise(derived.hi))


def _column(frame: pl.DataFrame, name: str, iv: Interval) -> tuple[pl.DataFrame, Interval]:
    """The interval stored as columns name_lo, name_hi, and an Interval referring to them."""
    frame = frame.with_columns(iv.lo.alias(f"{name}_lo"), iv.hi.alias(f"{name}_hi"))
    return frame, Interval(pl.col(f"{name}_lo"), pl.col(f"{name}_hi"))


def classified(ctx: Context) -> pl.DataFrame:
    def build():
        c = money_claims(ctx).filter(
            pl.col("pct").is_not_null()
            & pl.col("direction").is_in(["increase", "decrease"])
            & ~pl.col("text").fill_null("").str.contains(_SHARE)
        )
        # Intervals are materialised as columns step by step: one nested expression for
        # everything costs polars ~0.4 s of planning per call, whatever the data size.
        c, q = _column(c, "q", printed(pl.col("pct"), pl.col("pct_dec").fill_null(0)))
        # The same percentage cut off rather than rounded (0.376% printed 0.3%): [0.3, 0.4).
        unit = pl.lit(10.0).pow(-pl.col("pct_dec").fill_null(0).cast(pl.Float64))
        c, cut = _column(c, "cut", Interval(pl.col("pct"), pl.col("pct") + unit * (1 - 1e-9)))
        tests = {"ok": [], "ratio": [], "base": [], "cut": []}
        for rd in ("yuan", "ctx"):
            c, pri = _column(c, f"pri_{rd}", _prior(rd))
            c, cur = _column(c, f"cur_{rd}", fig("current", rd))
            c, chg = _column(c, f"chg_{rd}", fig("change", rd))
            c, prv = _column(c, f"prv_{rd}", fig("prior", rd))
            c, diff = _column(c, f"diff_{rd}", magnitude(cur - prv))
            pos_p = pri.lo > 0
            pos_c = cur.lo > 0
            has_chg = pl.col("change").is_not_null()
            has_both = pl.col("current").is_not_null() & pl.col("prior").is_not_null()
            # Where the stated change agrees with current − prior, the true change lies in
            # both intervals: judge against their intersection (0.15 and 24.21 − 24.06 give
            # [0.145, 0.155], so 0.7% is wrong although 0.16/24.205 alone would round to 0.7).
            c, joint = _column(
                c, f"joint_{rd}", Interval(pl.max_horizontal(chg.lo, diff.lo), pl.min_horizontal(chg.hi, diff.hi))
            )
            agree = has_chg & has_both & (joint.lo <= joint.hi + 1e-9)
            either = (has_chg & overlaps(q, ratio(chg, pri).scale(100.0))) | (
                has_both & overlaps(q, ratio(diff, pri).scale(100.0))
            )
            tests["ok"].append(
                (pos_p & pl.when(agree).then(overlaps(q, ratio(joint, pri).scale(100.0))).otherwise(either)).fill_null(
                    False
                )
            )
            cut_either = (has_chg & overlaps(cut, ratio(chg, pri).scale(100.0))) | (
                has_both & overlaps(cut, ratio(diff, pri).scale(100.0))
            )
            tests["cut"].append(
                (
                    pos_p & pl.when(agree).then(overlaps(cut, ratio(joint, pri).scale(100.0))).otherwise(cut_either)
                ).fill_null(False)
            )
            tests["ratio"].append(
                (pos_p & pl.col("current").is_not_null() & overlaps(q, ratio(cur, pri).scale(100.0))).fill_null(False)
            )
            # Wrong base is named only where the change it divides is sound: the joint
            # change where stated and computed agree, else current − prior, else as stated.
            base_chg = Interval(
                pl.when(agree).then(joint.lo).when(has_both).then(diff.lo).otherwise(chg.lo),
                pl.when(agree).then(joint.hi).when(has_both).then(diff.hi).otherwise(chg.hi),
            )
            tests["base"].append(
                (pos_c & (has_chg | has_both) & overlaps(q, ratio(base_chg, cur).scale(100.0))).fill_null(False)
            )
        judgeable = (_prior("yuan").lo > 0).fill_null(False) & (
            pl.col("change").is_not_null() | pl.col("prior").is_not_null()
        )
        c = c.with_columns(
            judgeable.alias("judgeable"),
            pl.any_horizontal(tests["ok"]).alias("t_ok"),
            pl.any_horizontal(tests["ratio"]).alias("t_ratio"),
            pl.any_horizontal(tests["base"]).alias("t_base"),
            pl.any_horizontal(tests["cut"]).alias("t_cut"),
        )
        verdict = (
            pl.when(~pl.col("judgeable"))
            .then(pl.lit("insufficient_data"))
            .when(pl.col("t_ok"))
            .then(pl.lit("pass"))
            .when(pl.col("t_ratio"))
            .then(pl.lit("PCT002"))
            .when(pl.col("t_base"))
            .then(pl.lit("PCT003"))
            .otherwise(pl.lit("PCT001"))
        )
        # What the percentage should be, in the sentence's own unit (context reading).
        pri, cur, chg = _prior("ctx"), fig("current", "ctx"), fig("change", "ctx")
        chg_or_diff = (
            pl.when(pl.col("change").is_not_null()).then(chg.mid).otherwise(magnitude(cur - fig("prior", "ctx")).mid)
        )
        return c.with_columns(
            verdict.alias("verdict"),
            (100 * chg_or_diff / pri.mid).alias("exp_pct"),
            (100 * cur.mid / pri.mid).alias("ratio_pct"),
            (100 * chg.mid / cur.mid).alias("base_pct"),
            (100 * magnitude(cur - fig("prior", "ctx")).mid / pri.mid).alias("diff_pct"),
            (pri.mid / pl.col("ctx_fac")).alias("prior_shown"),
        )

    return ctx.cached("pct_classified", build)


def _status(ctx: Context, c: pl.DataFrame, code: str) -> pl.DataFrame:
    judged = c.filter(pl.col("verdict") != "insufficient_data")
    return pl.concat(
        [
            ctx.status(judged.filter(pl.col("verdict") != code)["unit_id"], "pass"),
            ctx.status(c["unit_id"], "insufficient_data"),
        ]
    )


def _verdict_result(ctx: Context, code: str, words) -> Result:
    """Findings for the claims classified as `code`; words(row, decimals) gives
    ((Chinese, English) expected, Chinese message, English message)."""
    c = classified(ctx)
    hits = []
    for r in c.filter(pl.col("verdict") == code).iter_rows(named=True):
        expected, zh, en = words(r, r["pct_dec"] or 0)
        h = hit(r["unit_id"], r["change_line"] or r["line"], r["text"], _stated(r), expected, zh, en)
        if code == "PCT001" and r["t_cut"]:  # cut off, not rounded: worth a note, not an analyst's time
            h["severity"] = "info"
            h["message_zh"] = h["message_zh"].removesuffix("。") + "；按截去尾数（而非四舍五入）计则与文中相符。"
            h["message_en"] = h["message_en"].removesuffix(".") + "; it matches if cut off rather than rounded."
        hits.append(h)
    return Result(hits, _status(ctx, c, code))


def _pct(v: float, d: int) -> str:
    return f"{v:.{max(1, d)}f}%"


def _stated(r: dict) -> str:
    return f"{fmt(r['pct'], r['pct_dec'])}%"


def _changeword(r: dict) -> str:
    return "减少额" if r["direction"] == "decrease" else "增加额"


def _against(r: dict) -> tuple[str, str, str, str, str]:
    """What the claim measures against what, for its message: (zh figure, zh base, en
    figure, en base, en base's): a 决算's 比年初预算 is the year's spending against its
    initial budget, not against last year. (The expected column keeps 上年数: the
    findings' fingerprints, which analysts' decisions are kept by, hash it.)"""
    if "年初" in (r.get("basis") or ""):
        return "决算数", "年初预算数", "actual", "initial budget", "the initial budget's"
    return "本年数", "上年数", "current", "prior", "last year's"


_SG = "本年度一般公共预算“三公”经费安排47.20万元，比上年预算49.05万元下降1.85万元（{pct}）。"


@rule(
    "PCT001",
    "warning",
    "增减百分比数值错误",
    "Percentage change has the wrong value",
    bad="公务用车运行维护费24.06万元，较上年24.21万元减少0.15万元（0.7%）。",
    good="公务用车运行维护费24.06万元，较上年24.21万元减少0.15万元（0.6%）。",
)
def pct001(ctx: Context) -> Result:
    """增减百分比应等于增减额除以上年数（按印刷位数的舍入区间比较）。

    查什么：“增加/减少”后所印百分比不等于增减额除以上年数，且不属于已单独列名的两类错误（本年数/上年数见PCT002，
    增减额/本年数见PCT003）。按印刷位数的舍入区间比较，如印一位小数的0.7%代表[0.65%, 0.75%]，
    实际0.62%不在区间内即报告；所述增减额本身有误（YOY001）时，百分比与所述增减额或本年数减上年数之一相符即通过。
    为什么重要：百分比是各类汇总材料最常引用的数字。

    Catches: a percentage printed after 增加/减少 (increase/decrease) that is not the change divided by
    last year's figure, and is not one of the mistakes named separately, PCT002 (current/prior) or
    PCT003 (change/current). E.g. 公务用车运行维护费 减少0.15万元（0.7%） (vehicle running costs down
    0.15, 0.7%) where 0.15/24.21 = 0.62%: 0.7 printed with one decimal stands for anything from 0.65 to
    0.75, which 0.62 does not meet. A real disclosure we studied has such a case in its paragraph on
    三公 (the three official expenses: travel abroad, official vehicles, official receptions). Where the
    stated change is itself wrong (YOY001), a percentage matching either the stated change or current −
    prior passes. Why it matters: percentages are what summaries quote.
    """

    def words(r: dict, d: int) -> tuple[str, str, str]:
        also = also_en = ""
        if r["change"] is not None and r["diff_pct"] is not None and abs(r["diff_pct"] - r["exp_pct"]) > 0.5:
            also = f"；按本年与上年之差为{_pct(r['diff_pct'], d)}"
            also_en = f"; on current − prior, {_pct(r['diff_pct'], d)}"
        return (
            (
                f"{_pct(r['exp_pct'], d)}（{_changeword(r)}/上年数{also}）",
                f"{_pct(r['exp_pct'], d)} (change/prior{also_en})",
            ),
            f"{r['label']}的增减百分比应为{_pct(r['exp_pct'], d)}（{_changeword(r)}÷{_against(r)[1]}{fmt(r['prior_shown'], 2)}），文中为{_stated(r)}。",
            f"{r['label']}: the change is {_pct(r['exp_pct'], d)} of {_against(r)[4]} {fmt(r['prior_shown'], 2)}, but the text prints {_stated(r)}.",
        )

    return _verdict_result(ctx, "PCT001", words)


@rule(
    "PCT002",
    "error",
    "把本年/上年比率当作增减百分比",
    "Ratio current/prior stated as the percentage change",
    bad=_SG.format(pct="96.2%"),
    good=_SG.format(pct="3.8%"),
)
def pct002(ctx: Context) -> Result:
    """增减后括注的百分比等于本年数/上年数（如下降1.85万元却写96.2%），而增减率应为增减额/上年数。

    查什么：增减后括注的百分比实为本年数/上年数（两年之比），而非增减额/上年数，如“47.20万元，
    比上年预算49.05万元下降1.85万元（96.2%）”，96.2%=47.20/49.05，正确降幅应为3.8%。
    这是对增减率概念的系统性误解，常在同一单位的多段文字及套用同一模板的多个单位中重复出现，
    故与一般数值错误分开列示。为什么重要：“96.2%”会被读成“压减了96.2%”，传达的信息严重失真。

    Catches: 三公…47.20万元，比上年预算49.05万元下降1.85万元（96.2%） (the three official expenses at
    47.20, down 1.85 from last year's budget of 49.05, "96.2%"): 96.2% is 47.20/49.05, the ratio of the
    two years, printed where the change (1.85/49.05 = 3.8%) belongs. A real disclosure we studied makes
    this mistake in its 三公 total. Named separately from a plain wrong value because it is a systematic
    misunderstanding, often repeated across a unit's paragraphs and across units that filled in one
    template. Why it matters: 96.2% reads as "cut by 96.2%", a wildly wrong message.
    """

    def words(r: dict, d: int) -> tuple[str, str, str]:
        return (
            (f"{_pct(r['exp_pct'], d)}（{_changeword(r)}/上年数）", f"{_pct(r['exp_pct'], d)} (change/prior)"),
            f"{r['label']}括注的{_stated(r)}是{_against(r)[0]}与{_against(r)[1]}之比（{_pct(r['ratio_pct'], d)}），增减率应为{_pct(r['exp_pct'], d)}。",
            f"{r['label']}: {_stated(r)} is {_against(r)[2]}/{_against(r)[3]} ({_pct(r['ratio_pct'], d)}); the percentage change is {_pct(r['exp_pct'], d)}.",
        )

    return _verdict_result(ctx, "PCT002", words)


@rule(
    "PCT003",
    "warning",
    "增减百分比以本年数为基数",
    "Percentage change computed on the wrong base (change/current)",
    bad="培训费预算支出20.00万元，较上年25.00万元减少5.00万元（25.0%）。",
    good="培训费预算支出20.00万元，较上年25.00万元减少5.00万元（20.0%）。",
)
def pct003(ctx: Context) -> Result:
    """增减率应以上年数为基数；以本年数为基数（增减额/本年数）是常见错误。

    查什么：增减百分比等于增减额/本年数，而不是增减额/上年数（如由25.00减少5.00至20.00，应写20.0%却写成25.0%）。
    为什么重要：基数决定所报增减幅度的大小；基数用错，降幅会被夸大，增幅会被缩小。

    Catches: a percentage equal to change / current instead of change / prior, e.g. a decrease (减少) of
    5.00 from 25.00 to 20.00 printed as 25.0% instead of 20.0%. Why it matters: the base decides the
    size of the reported cut or growth; on the wrong base decreases look larger and increases smaller.
    """

    def words(r: dict, d: int) -> tuple[str, str, str]:
        return (
            (f"{_pct(r['exp_pct'], d)}（{_changeword(r)}/上年数）", f"{_pct(r['exp_pct'], d)} (change/prior)"),
            f"{r['label']}的{_stated(r)}是以{_against(r)[0]}为基数（{_pct(r['base_pct'], d)}），以{_against(r)[1]}为基数应为{_pct(r['exp_pct'], d)}。",
            f"{r['label']}: {_stated(r)} is change/{_against(r)[2]} ({_pct(r['base_pct'], d)}); on {_against(r)[4]} base it is {_pct(r['exp_pct'], d)}.",
        )

    return _verdict_result(ctx, "PCT003", words)
