"""SAN: the 三公 total against the sum of its parts; STF: staff counts."""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.rules.common import amount, hit, money_claims, plural

PARTS = ["sangong_abroad", "reception", "vehicle_purchase", "vehicle_running"]

_SAN = (
    "本年度一般公共预算“三公”经费安排47.20万元，比上年预算49.05万元下降1.85万元（3.8%）。"
    "分项为：公务用车购置费0.00万元，与上年持平；公务用车运行维护费43.46万元，比上年43.93万元下降0.47万元（1.1%）；"
    "公务接待费{rec}万元，比上年5.12万元下降1.38万元（27.0%）；因公出国（境）经费0.00万元，与上年持平。"
)


def _half(dec: pl.Expr) -> pl.Expr:
    return 0.5 * pl.lit(10.0).pow(-dec.fill_null(0).cast(pl.Float64))


@rule(
    "SAN001",
    "error",
    "“三公”经费合计与各项之和不符",
    "Sangong total differs from the sum of its four parts",
    bad=_SAN.format(rec="4.74"),
    good=_SAN.format(rec="3.74"),
)
def san001(ctx: Context) -> Result:
    """“三公”经费合计应等于因公出国（境）费、公务接待费、公务用车购置费、公务用车运行维护费之和（本年与上年分别核对）。

    查什么：本年（以及各项均列明上年数或写明“无变动”时的上年）“三公”经费合计，不等于因公出国（境）费、
    公务接待费、公务用车购置费、公务用车运行维护费四项之和；按舍入区间比较，n项允许n个半位的舍入差，舍入差异不报。
    单位写错的项目（如万元段落中公务接待费写成元）按段落单位理解，该错误只由UNT001报告一次；合并列示的
    “公务用车购置及运行费”代表两项车辆费用；缺项时仅在现有各项之和超过合计时报告。为什么重要：
    “三公”经费是公开中最受关注的数字，各项合不上说明至少有一项错报。

    Catches: the 三公 total (the three official expenses: travel abroad, official vehicles, official
    receptions) of the year, and of last year where every part states it or says 无变动 (unchanged),
    that is not the sum of its four parts — travel abroad (因公出国（境）费), receptions (公务接待费),
    vehicle purchase (公务用车购置费) and vehicle running (公务用车运行维护费) — within rounding (n
    parts may be off by n half units of their last printed digit). A part printed in the wrong unit
    (公务接待费 in 元, yuan, among figures in 万元, 10,000 yuan) is read in the paragraph's unit here,
    so the slip is reported once, by UNT001. A combined 公务用车购置及运行费 stands for both vehicle
    parts. If a part is missing, only a sum of the present parts above the total is flagged. Why it
    matters: 三公 is the most scrutinised figure of a disclosure; parts that do not add up mean one is
    misreported.
    """
    c = money_claims(ctx)
    tot = (
        c.filter((pl.col("item") == "sangong") & pl.col("current").is_not_null())
        .sort("claim_id")
        .unique("unit_id", keep="first")
        .select(
            "unit_id",
            pl.col("claim_id").alias("t_id"),
            pl.col("section").alias("t_section"),
            pl.col("ctx_fac").alias("t_fac"),
            pl.col("ctx_unit").alias("t_unit"),
            "current",
            "current_dec",
            "prior",
            "prior_dec",
            "text",
            "line",
            "change_line",
            pl.col("direction").alias("t_dir"),
        )
    )
    parts = c.filter(pl.col("item").is_in(PARTS) & pl.col("current").is_not_null()).join(
        tot.select("unit_id", "t_id", "t_fac"), on="unit_id"
    )
    parts = parts.filter((pl.col("claim_id") > pl.col("t_id")) & (pl.col("claim_id") <= pl.col("t_id") + 12))
    combined = pl.col("label").str.contains("购置及运行|购置和运行|购置及运维")
    parts = parts.with_columns(pl.when(combined).then(pl.lit("vehicle_both")).otherwise(pl.col("item")).alias("part"))
    parts = parts.sort("claim_id").unique(["unit_id", "part"], keep="first")
    # Each part in the total's unit where its own unit disagrees (see UNT001), with
    # prior = current for a part that says 无变动.
    flat = pl.col("direction") == "flat"
    cols, aggs = [], [pl.col("part").alias("parts")]
    for rd, fac in (("t", pl.col("t_fac")), ("y", pl.col("current_fac"))):
        pfac = pl.col("t_fac") if rd == "t" else pl.col("prior_fac")
        cols += [
            (pl.col("current") * fac).alias(f"p_cur_{rd}"),
            (_half(pl.col("current_dec")) * fac).alias(f"p_cur_h_{rd}"),
            pl.when(pl.col("prior").is_not_null())
            .then(pl.col("prior") * pfac)
            .when(flat)
            .then(pl.col("current") * fac)
            .alias(f"p_pri_{rd}"),
            pl.when(pl.col("prior").is_not_null())
            .then(_half(pl.col("prior_dec")) * pfac)
            .when(flat)
            .then(_half(pl.col("current_dec")) * fac)
            .alias(f"p_pri_h_{rd}"),
        ]
        sep = pl.col("part") != "vehicle_both"
        comb = ~pl.col("part").is_in(["vehicle_purchase", "vehicle_running"])
        aggs += [
            pl.col(f"p_cur_{rd}").filter(sep).sum().alias(f"sep_cur_{rd}"),
            pl.col(f"p_cur_h_{rd}").filter(sep).sum().alias(f"sep_cur_h_{rd}"),
            pl.col(f"p_cur_{rd}").filter(comb).sum().alias(f"comb_cur_{rd}"),
            pl.col(f"p_cur_h_{rd}").filter(comb).sum().alias(f"comb_cur_h_{rd}"),
            pl.col(f"p_pri_{rd}").filter(sep).sum().alias(f"sep_pri_{rd}"),
            pl.col(f"p_pri_h_{rd}").filter(sep).sum().alias(f"sep_pri_h_{rd}"),
        ]
    aggs.append(pl.col("p_pri_t").filter(pl.col("part") != "vehicle_both").is_null().any().alias("sep_pri_missing"))
    parts = parts.with_columns(cols)
    agg = parts.group_by("unit_id").agg(aggs)
    j = tot.join(agg, on="unit_id", how="inner").with_columns(
        (pl.col("current") * pl.col("t_fac")).alias("t_cur"),
        (_half(pl.col("current_dec")) * pl.col("t_fac")).alias("t_cur_h"),
        (pl.col("prior") * pl.col("t_fac")).alias("t_pri"),
        (_half(pl.col("prior_dec")) * pl.col("t_fac")).alias("t_pri_h"),
    )
    rows = j.to_dicts()
    hits, passed, insufficient = [], [], []
    for r in rows:
        ps = set(r["parts"])
        complete_sep = {"sangong_abroad", "reception", "vehicle_purchase", "vehicle_running"} <= ps
        complete_comb = {"sangong_abroad", "reception", "vehicle_both"} <= ps
        tol = 1e-6
        readings = []
        for rd in ("t", "y"):
            if complete_sep:
                readings.append((r[f"sep_cur_{rd}"], r[f"sep_cur_h_{rd}"]))
            if complete_comb:
                readings.append((r[f"comb_cur_{rd}"], r[f"comb_cur_h_{rd}"]))
        if readings:
            ok_cur = any(abs(v - r["t_cur"]) <= h + r["t_cur_h"] + tol for v, h in readings)
        elif (
            "vehicle_both" not in ps
            and min(r["sep_cur_t"] - r["sep_cur_h_t"], r["sep_cur_y"] - r["sep_cur_h_y"])
            > r["t_cur"] + r["t_cur_h"] + tol
        ):
            readings, ok_cur = [(r["sep_cur_t"], 0.0)], False  # the present parts alone exceed the total
        else:
            insufficient.append(r["unit_id"])
            continue
        ok_pri = True
        if complete_sep and r["t_pri"] is not None and not r["sep_pri_missing"] and ok_cur:
            ok_pri = any(
                abs(r[f"sep_pri_{rd}"] - r["t_pri"]) <= r[f"sep_pri_h_{rd}"] + r["t_pri_h"] + tol for rd in ("t", "y")
            )
        if ok_cur and ok_pri:
            passed.append(r["unit_id"])
            continue
        unit, f = r["t_unit"] or "", r["t_fac"] or 1.0
        # Quoted in the sentence's own unit and decimals.
        if not ok_cur:
            s = readings[0][0] / f
            t_zh, s_zh, t_en, s_en = (
                amount(v, unit, r["current_dec"], lang) for lang in ("zh", "en") for v in (r["current"], s)
            )
            hits.append(
                hit(
                    r["unit_id"],
                    r["line"],
                    r["text"],
                    (f"合计 {t_zh}", f"total {t_en}"),
                    (f"各项之和 {s_zh}", f"sum of the parts {s_en}"),
                    f"“三公”经费本年合计{t_zh}，但各项之和为{s_zh}。",
                    f"The sangong (三公) total this year is {t_en}, but its parts add up to {s_en}.",
                )
            )
        else:
            s = r["sep_pri_t"] / f
            t_zh, s_zh, t_en, s_en = (
                amount(v, unit, r["prior_dec"], lang) for lang in ("zh", "en") for v in (r["prior"], s)
            )
            hits.append(
                hit(
                    r["unit_id"],
                    r["line"],
                    r["text"],
                    (f"上年合计 {t_zh}", f"last year's total {t_en}"),
                    (f"上年各项之和 {s_zh}", f"sum of last year's parts {s_en}"),
                    f"“三公”经费上年合计{t_zh}，但各项上年数之和为{s_zh}。",
                    f"The sangong (三公) total last year is {t_en}, but its parts' prior figures add up to {s_en}.",
                )
            )
    status = pl.concat([ctx.status(passed, "pass"), ctx.status(insufficient, "insufficient_data")])
    return Result(hits, status)


_STAFF = (
    "截至上年末，本单位人员编制 42 人，其中行政编制 {a} 人、事业编制 11 人；实有人员 38 人，其中行政 29 人、事业 9 人。"
)
_STAFF2 = (
    "截至上年末，本单位人员编制 42 人，其中行政编制 31 人、事业编制 11 人；实有人员 38 人，其中行政 {a} 人、事业 9 人。"
)
_STAFF3 = "截至上年末，本单位人员编制 42 人，其中行政编制 31 人、事业编制 11 人；实有人员 {n} 人。"


def _staff(ctx: Context) -> pl.DataFrame:
    def build():
        c = ctx["claims"].filter(pl.col("section") == "staff").filter(pl.col("current").is_not_null())
        c = c.sort("claim_id").unique(["unit_id", "item"], keep="first")
        return (
            c.pivot(on="item", index="unit_id", values="current", aggregate_function="first")
            .join(
                c.pivot(on="item", index="unit_id", values="line", aggregate_function="first"),
                on="unit_id",
                suffix="_line",
            )
            .join(
                c.pivot(on="item", index="unit_id", values="text", aggregate_function="first"),
                on="unit_id",
                suffix="_text",
            )
        )

    return ctx.cached("staff", build)


_PART_NAMES = {"admin": "行政", "inst": "事业", "worker": "工勤", "other": "其他"}
_PART_NAMES_EN = {"admin": "administrative", "inst": "public service", "worker": "workers", "other": "other"}


def _parts_rule(ctx: Context, total: str, zh: str, en: str) -> Result:
    """The total against every part listed after it (其中行政…、事业…、工勤…). One part
    alone is judged when it is a known category (其中行政编制 12 人: the only one the unit
    has) or, whatever it is, when it exceeds the total (impossible in any case)."""
    s = _staff(ctx)
    parts = [f"{total}_{k}" for k in _PART_NAMES if f"{total}_{k}" in s.columns]
    if total not in s.columns or not parts:
        return Result([], None)
    listed = pl.sum_horizontal([pl.col(p).is_not_null().cast(pl.Int32) for p in parts])
    other = f"{total}_other"
    known_one = (listed == 1) & (pl.col(other).is_null() if other in s.columns else pl.lit(True))
    s = s.filter(pl.col(total).is_not_null() & (listed >= 1)).with_columns(
        pl.sum_horizontal([pl.col(p).fill_null(0) for p in parts]).alias("sum")
    )
    judged = (listed >= 2) | known_one | (pl.col("sum") > pl.col(total))
    s = s.filter(judged)
    hits = []
    for r in s.filter(pl.col("sum") != pl.col(total)).iter_rows(named=True):
        present = [p for p in parts if r[p] is not None]
        terms = " + ".join(f"{_PART_NAMES[p.rsplit('_', 1)[1]]} {int(r[p])}" for p in present)
        terms_en = " + ".join(f"{_PART_NAMES_EN[p.rsplit('_', 1)[1]]} {int(r[p])}" for p in present)
        hits.append(
            hit(
                r["unit_id"],
                r[f"{total}_line"],
                r[f"{total}_text"],
                (f"{zh} {int(r[total])}人", f"{en.lower()} {plural(int(r[total]), 'person', 'people')}"),
                (f"{terms} = {int(r['sum'])}人", f"{terms_en} = {plural(int(r['sum']), 'person', 'people')}"),
                f"{zh}{int(r[total])}人，但其中各项之和为{terms} = {int(r['sum'])}人。",
                f"{en} is {int(r[total])}, but its parts add up to {terms_en} = {int(r['sum'])}.",
            )
        )
    return Result(hits, ctx.status(s.filter(pl.col("sum") == pl.col(total))["unit_id"], "pass"))


@rule(
    "STF001",
    "error",
    "编制数与所列各类编制之和不符",
    "Authorised staff differs from the sum of its parts",
    bad=_STAFF.format(a="34"),
    good=_STAFF.format(a="31"),
)
def stf001(ctx: Context) -> Result:
    """人员编制总数应等于行政编制与事业编制之和。

    查什么：人员编制总数不等于其后所列各类编制之和，如“编制42人，其中行政编制34人、事业编制11人”（34+11=45≠42）；
    按惯例“其中”所列视为完整，行政、事业、工勤及下一个总数之前的其他人数均计入。只列一类时，若为行政、
    事业或工勤编制（即单位唯一类别）也比较，任何一类大于总数均报告。为什么重要：编制人数是核定人均预算的依据。

    Catches: authorised staff (编制, the posts a unit is allowed) that differ from the sum of their
    parts, e.g. 编制 42 人，其中行政编制 34 人、事业编制 11 人 (42 posts, of which 34 civil-service and
    11 public-institution posts: 34 + 11 = 45 ≠ 42). Every part listed after the total counts (行政
    civil service, 事业 public institution, 工勤 support staff, and any other 人 "persons" figure before
    the next total), since a 其中 ("of which") list is complete by convention. A single part is judged
    when it is 行政, 事业 or 工勤, being then the unit's only category (编制 12 人，其中行政编制 14 人),
    and any single part larger than the total is flagged (impossible in any case). Why it matters: staff
    numbers drive per-capita budgets.
    """
    return _parts_rule(ctx, "staff_authorized", "人员编制", "Authorised staff")


@rule(
    "STF002",
    "error",
    "实有人数与所列各类人数之和不符",
    "Actual staff differs from the sum of its parts",
    bad=_STAFF2.format(a="32"),
    good=_STAFF2.format(a="29"),
)
def stf002(ctx: Context) -> Result:
    """实有人员总数应等于行政与事业实有人员之和。

    查什么：实有人员总数不等于其后所列各类实有人数之和，如“实有人员38人，其中行政32人、事业9人”（32+9=41≠38），
    各类人数的计入方式与编制核对（STF001）相同。为什么重要：实有人数是单位之间各项人均指标比较的基数。

    Catches: actual staff (实有人员, the people actually employed) that differ from the sum of their
    parts, e.g. 实有人员 38 人，其中行政 32 人、事业 9 人 (38 people, of which 32 civil service and 9
    public institution: 32 + 9 = 41 ≠ 38); parts are counted as for STF001 (authorised staff). Why it
    matters: actual staff is the base of every per-staff comparison between units.
    """
    return _parts_rule(ctx, "staff_actual", "实有人员", "Actual staff")


@rule(
    "STF003",
    "warning",
    "实有人数超过编制数",
    "Actual staff above authorised staff",
    bad=_STAFF3.format(n="47"),
    good=_STAFF3.format(n="38"),
)
def stf003(ctx: Context) -> Result:
    """实有人员多于人员编制（超编），或数字填反。

    查什么：实有人员多于人员编制（超编）。为什么重要：超编本身就是预算审核应关注的问题，
    而更常见的情况是两个数字填反或录错。

    Catches: actual staff (实有人员) above authorised staff (人员编制), i.e. over-staffing (超编). Why
    it matters: over-staffing is itself a finding for budget review, and more often the two numbers are
    swapped or mistyped.
    """
    s = _staff(ctx)
    if "staff_actual" not in s.columns or "staff_authorized" not in s.columns:
        return Result([], None)
    s = s.filter(pl.col("staff_actual").is_not_null() & pl.col("staff_authorized").is_not_null())
    hits = []
    for r in s.filter(pl.col("staff_actual") > pl.col("staff_authorized")).iter_rows(named=True):
        hits.append(
            hit(
                r["unit_id"],
                r["staff_actual_line"],
                f"{r['staff_authorized_text']} … {r['staff_actual_text']}",
                (f"实有 {int(r['staff_actual'])}人", f"actual staff {int(r['staff_actual'])}"),
                (f"≤ 编制 {int(r['staff_authorized'])}人", f"≤ authorised staff {int(r['staff_authorized'])}"),
                f"实有人员{int(r['staff_actual'])}人多于人员编制{int(r['staff_authorized'])}人。",
                f"Actual staff ({int(r['staff_actual'])}) exceeds authorised staff ({int(r['staff_authorized'])}).",
            )
        )
    return Result(hits, ctx.status(s.filter(pl.col("staff_actual") <= pl.col("staff_authorized"))["unit_id"], "pass"))
