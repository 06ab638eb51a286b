"""EXE: execution. A 决算 (final accounts) against the same year's budget as published,
and the completion rates it states.

EXE001 is cross-document, computed on the client by anomaly/execution.py from each
disclosure's compact statements (not by run_rules); its example is two disclosures,
the budget first, split by EXAMPLE_SPLIT. EXE002 reads one 决算 on its own.
"""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.intervals import Interval, overlaps, printed, ratio
from anomaly.rules.common import fig, fmt, hit, money_claims

EXAMPLE_SPLIT = "\n=====\n"
_BUDGET = "凤县人民政府办公室\n2024年单位预算公开说明\n\n2024年本单位会议费预算支出2.70万元，比2023年预算2.50万元增加0.20万元。\n"
_FINAL = "凤县政府办公室\n2024年度单位决算公开说明\n\n2024年度本单位会议费年初预算为{b}万元，支出决算为2.16万元，完成年初预算的{r}%。\n"
_SG = (
    "凤县人民政府办公室\n2024年度单位决算公开说明\n\n"
    "2024年度“三公”经费财政拨款支出决算为30.56万元，完成年初预算的{r}，比年初预算35.38万元减少4.82万元。\n"
)


@rule(
    "EXE001",
    "error",
    "决算所列年初预算数与当年预算公开说明不符",
    "The final accounts' original budget differs from the budget as published",
    bad=_BUDGET + EXAMPLE_SPLIT + _FINAL.format(b="3.20", r="67.50"),
    good=_BUDGET + EXAMPLE_SPLIT + _FINAL.format(b="2.70", r="80.00"),
    metadata_only=True,
)
def exe001(ctx: Context) -> Result:
    """决算中写明的年初预算数（收支总额、一般公共预算财政拨款支出及各功能科目、“三公”经费及各项、会议费、培训费、公用经费）应等于同一单位当年预算公开说明所列的预算数。

    查什么：决算中写明或隐含的年初预算数（收支总额、一般公共预算财政拨款支出及各功能科目、“三公”经费及各项、
    会议费、培训费、公用经费），与同一单位当年预算公开说明所列的预算数不符；隐含的年初预算数由“支出决算Y万元，
    比年初预算减少Z万元”推得。按两份文件各自印刷位数的舍入区间比较，舍入差异不报；
    任一文件自身核对已标记的数字不参与比较。为什么重要：决算若以不同于已公开预算的数字作对照，
    会使预算执行情况显得比实际更好（或更差），而单看任何一份文件都发现不了。

    Catches: final accounts (决算, the report of what was actually spent) that give an original budget
    figure (年初预算数) other than the one the same unit's budget disclosure of that year published.
    Found by comparing the unit's two documents once all files are read, not by checking one file. The
    final accounts are paired with the budget of the same unit and year, the unit's name matched
    allowing for the usual printed variations (凤县人民政府办公室 and 凤县政府办公室 are one unit);
    where two disclosures of one year and kind carry the same name, neither is paired. Each original
    budget figure the final accounts print (年初预算为X万元, "the original budget was X";
    比年初预算X万元减少…, "less than the original budget of X") or imply
    (支出决算Y万元，比年初预算减少Z万元: spending of Y, Z less than the original budget, which was
    therefore Y + Z) is compared with the figure the budget states for the same item, within the
    rounding of both documents' printed digits. The items are the income and expenditure totals, general
    public budget spending and its functional items, 三公 (the three official expenses: travel abroad,
    official vehicles, official receptions) and its parts, meeting and training costs, and running costs
    (公用经费). A figure on a line that either document's own checks flag is left out. The finding
    quotes the sentence of the final accounts and gives the budget's file and line. Why it matters:
    final accounts measured against a budget other than the one published make the unit's execution look
    better (or worse) than it was, and no single document shows it.

    Fails: 2024 决算: 会议费年初预算为3.20万元 — the 2024 budget said 2.70万元.
    Passes: 会议费年初预算为2.70万元 (the unit printed as 凤县政府办公室 in its 决算).
    """
    return Result()


def _completion(ctx: Context) -> pl.DataFrame:
    """Claims stating a completion rate against a printed (or implied) 年初预算数, with
    the rate's interval, the ratio 决算数/年初预算数 and the change |决算−预算|/预算, in %."""
    c = money_claims(ctx).filter(
        pl.col("completion").is_not_null()
        & pl.col("current").is_not_null()
        & pl.col("basis").fill_null("").str.contains("年初")
    )
    if c.height == 0:
        return c
    cur, chg, pri = fig("current"), fig("change"), fig("prior")
    down = pl.col("direction") == "decrease"
    # 年初预算数 as printed, else implied: 决算数 plus (less) the stated shortfall (excess).
    p_lo = (
        pl.when(pl.col("prior").is_not_null()).then(pri.lo).when(down).then(cur.lo + chg.lo).otherwise(cur.lo - chg.hi)
    )
    p_hi = (
        pl.when(pl.col("prior").is_not_null()).then(pri.hi).when(down).then(cur.hi + chg.hi).otherwise(cur.hi - chg.lo)
    )
    c = c.with_columns(p_lo=p_lo, p_hi=p_hi, c_lo=cur.lo, c_hi=cur.hi).filter(
        pl.col("p_lo").is_not_null() & (pl.col("p_lo") > 0)
    )
    p, cu = Interval(pl.col("p_lo"), pl.col("p_hi")), Interval(pl.col("c_lo"), pl.col("c_hi"))
    r = ratio(cu, p).scale(100.0)
    q = printed(pl.col("completion"), pl.col("completion_dec").fill_null(0))
    diff = cu - p
    d_lo = pl.when((diff.lo <= 0) & (diff.hi >= 0)).then(0.0).otherwise(pl.min_horizontal(diff.lo.abs(), diff.hi.abs()))
    d_hi = pl.max_horizontal(diff.lo.abs(), diff.hi.abs())
    d = ratio(Interval(d_lo, d_hi), p).scale(100.0)
    return c.with_columns(
        r_lo=r.lo,
        r_hi=r.hi,
        d_lo=d.lo,
        d_hi=d.hi,
        q_lo=q.lo,
        q_hi=q.hi,
    ).with_columns(
        ok=overlaps(Interval(pl.col("r_lo"), pl.col("r_hi")), Interval(pl.col("q_lo"), pl.col("q_hi"))),
        slip=overlaps(Interval(pl.col("d_lo"), pl.col("d_hi")), Interval(pl.col("q_lo"), pl.col("q_hi"))),
    )


@rule(
    "EXE002",
    "error",
    "完成年初预算的百分比数值错误",
    "Completion rate against the original budget has the wrong value",
    bad=_SG.format(r="13.62%"),
    good=_SG.format(r="86.38%"),
)
def exe002(ctx: Context) -> Result:
    """决算中“完成年初预算的XX%”应等于决算数除以年初预算数（按印刷位数的舍入区间比较）。

    查什么：决算中“完成年初预算的XX%”不等于决算数除以年初预算数，按印刷位数的舍入区间比较，舍入差异不报；
    年初预算数取同一分句所印的数字（“年初预算为X万元”“比年初预算X万元”），或由所述增减额推得。
    常见的错误——把增减额占年初预算的比例（如4.82/35.38=13.62%）写在完成率的位置——单独点明。为什么重要：
    完成率是人大和审计引用决算时最常用的数字。

    Catches: in final accounts (决算, the report of what was actually spent), a completion rate
    (完成年初预算的X%, "X% of the original budget achieved") that is not the final figure (决算数)
    divided by the original budget figure (年初预算数). For example,
    “三公”经费支出决算为30.56万元，完成年初预算的13.62%，比年初预算35.38万元减少4.82万元 (三公 spending
    of 30.56, said to be 13.62% of the original budget, and 4.82 less than that budget of 35.38) should
    give 30.56/35.38 = 86.38%. The usual slip is named separately: the change against the budget
    (4.82/35.38 = 13.62%) printed where the completion rate belongs. The original budget is the one
    printed in the same clause (年初预算为X万元 or 比年初预算X万元), or implied by the stated
    difference. Figures are compared within the rounding of their printed digits. Why it matters: the
    completion rate is the figure the people's congress (人大) and the auditors (审计) quote from final
    accounts.

    Fails: 完成年初预算的13.62% where 30.56/35.38 = 86.38%.
    Passes: 完成年初预算的86.38%.
    """
    c = _completion(ctx)
    if c.height == 0:
        return Result()
    hits = []
    for r in c.filter(~pl.col("ok")).iter_rows(named=True):
        exp = (r["r_lo"] + r["r_hi"]) / 2
        d = r["completion_dec"] or 0
        stated = f"{fmt(r['completion'], d)}%"
        if r["slip"]:
            zh = f"{r['label']}的完成率应为{fmt(exp, 2)}%（决算数÷年初预算数），文中{stated}是比年初预算的增减幅度。"
            en = f"{r['label']}: the completion rate is {fmt(exp, 2)}% (final/budget); the {stated} printed is the change against the budget."
        else:
            zh = f"{r['label']}的完成率应为{fmt(exp, 2)}%（决算数÷年初预算数），文中为{stated}。"
            en = f"{r['label']}: the completion rate is {fmt(exp, 2)}% (final/budget), but the text prints {stated}."
        hits.append(hit(r["unit_id"], r["line"], r["text"], stated, (f"{fmt(exp, 2)}%", f"{fmt(exp, 2)}%"), zh, en))
    return Result(hits, ctx.status(c["unit_id"], "pass"))
