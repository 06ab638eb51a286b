"""NAR: narrative figures against 表1 (the detail tables are in nar_detail); XTB: the same figure in two tables."""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.rules.common import all_fiscal, fig, grid, hit, money_claims, table_total, wan_both
from anomaly.rules.nar_detail import deferred

# 功能 classes (类, the first 3 digits of a 7-digit code) by the words of their name.
FUNCTION_CLASSES = [
    ("201", "一般公共服务"),
    ("202", "外交"),
    ("203", "国防"),
    ("204", "公共安全"),
    ("205", "教育"),
    ("206", "科学技术"),
    ("207", "文化旅游体育与传媒|文化体育与传媒|文化旅游"),
    ("208", "社会保障和就业"),
    ("209", "社会保险基金"),
    ("210", "卫生健康|医疗卫生"),
    ("211", "节能环保"),
    ("212", "城乡社区"),
    ("213", "农林水"),
    ("214", "交通运输"),
    ("215", "资源勘探"),
    ("216", "商业服务业"),
    ("217", "金融"),
    ("219", "援助其他地区"),
    ("220", "自然资源海洋气象|国土海洋气象"),
    ("221", "住房保障"),
    ("222", "粮油物资储备"),
    ("223", "国有资本经营预算"),
    ("224", "灾害防治及应急管理"),
    ("227", "预备费"),
    ("229", "^其他支出$"),
    ("230", "转移性"),
    ("231", "债务还本"),
    ("232", "债务付息"),
    ("233", "债务发行费用"),
]
# 部门预算支出经济分类 classes (the (1)(2)… sub-items of 表1's 部门经济 group).
DEPT_ECON = [
    ("301", "^工资福利支出$"),
    ("302", "^商品和服务支出$"),
    ("303", "^对个人和家庭补助$"),
    ("307", "^债务利息及费用支出$"),
    ("309", r"^资本性支出\(基本建设\)$"),
    ("310", "^资本性支出$"),
    ("311", r"^对企业补助\(基本建设\)$"),
    ("312", "^对企业补助$"),
    ("313", "^对社会保障基金补助$"),
    ("399", "^其他支出$"),
]
# 政府预算支出经济分类 classes (the 1、2、… classes of 表1's 政府经济 group).
GOV_ECON = [
    ("501", "^机关工资福利支出$"),
    ("502", "^机关商品和服务支出$"),
    ("503", r"^机关资本性支出(?:\(一\))?$"),
    ("504", r"^机关资本性支出(?:\(基本建设\)|\(二\))$"),
    ("505", "^对事业单位经常性补助$"),
    ("506", "^对事业单位资本性补助$"),
    ("507", "^对企业补助$"),
    ("508", "^对企业资本性支出$"),
    ("509", "^对个人和家庭补助$"),
    ("510", "^对社会保障基金补助$"),
    ("511", "^债务利息及费用支出$"),
    ("599", "^其他支出$"),
]


def _code_of(base: pl.Expr, table: list[tuple[str, str]]) -> pl.Expr:
    b = base.str.replace_all("的", "")
    e = pl.lit(None, dtype=pl.String)
    for code, pat in reversed(table):
        e = pl.when(b.str.contains(pat)).then(pl.lit(code)).otherwise(e)
    return e


def _tol(a_lo, a_hi, b_lo, b_hi) -> pl.Expr:
    t = 1e-6
    return (pl.col(a_lo) <= pl.col(b_hi) + t) & (pl.col(b_lo) <= pl.col(a_hi) + t)


def _table_classes(ctx: Context, kind: str, level: int, table: list[tuple[str, str]]) -> pl.DataFrame:
    """Per unit and class code: the interval sum of 表1's rows of that class in group
    `kind` at `level`, for units whose mapped rows add up to the group total (so the
    table's vocabulary is understood and an absent class really is 0)."""
    g = grid(ctx).filter((pl.col("table_id") == "表1") & (pl.col("kind") == kind))
    rows = g.filter(pl.col("level") == level).with_columns(_code_of(pl.col("base"), table).alias("cls"))
    mapped = rows.filter(pl.col("cls").is_not_null())
    cover = mapped.group_by("unit_id").agg(pl.col("lo").sum().alias("m_lo"), pl.col("hi").sum().alias("m_hi"))
    tot = (
        g.filter(pl.col("level") == 9)
        .unique("unit_id", keep="first")
        .select("unit_id", pl.col("lo").alias("t_lo"), pl.col("hi").alias("t_hi"))
    )
    good = cover.join(tot, on="unit_id").filter(_tol("m_lo", "m_hi", "t_lo", "t_hi")).select("unit_id")
    sums = (
        mapped.join(good, on="unit_id")
        .group_by("unit_id", "cls")
        .agg(
            pl.col("lo").sum().alias("tb_lo"),
            pl.col("hi").sum().alias("tb_hi"),
            pl.col("value_yuan").sum().alias("tb_val"),
            pl.col("text").str.join("；").alias("tb_text"),
            pl.col("line").min().alias("tb_line"),
        )
    )
    return good, sums


def _narrative_vs_table(
    ctx: Context,
    claims: pl.DataFrame,
    key: pl.Expr,
    kind: str,
    level: int,
    table: list[tuple[str, str]],
    what_zh: str,
    what_en: str,
    defer: pl.DataFrame | None = None,
) -> Result:
    """`defer`: (unit_id, cls) flagged item by item by a detail-table rule (NAR006 /
    NAR009); those classes are not reported again here (outcome not_applicable when
    nothing else of the unit is judged)."""
    fiscal = all_fiscal(ctx).filter("all_gpb").select("unit_id")
    good, sums = _table_classes(ctx, kind, level, table)
    cur = fig("current")
    items = claims.with_columns(key.alias("cls"), cur.lo.alias("n_lo"), cur.hi.alias("n_hi")).filter(
        pl.col("cls").is_not_null()
    )
    items = items.join(fiscal, on="unit_id").join(good, on="unit_id")
    per = items.group_by("unit_id", "cls").agg(
        pl.col("n_lo").sum(),
        pl.col("n_hi").sum(),
        pl.col("current_yuan").sum().alias("n_val"),
        pl.col("text").str.join(" … ").alias("n_text"),
        pl.col("line").min().alias("n_line"),
        pl.len().alias("n_items"),
    )
    cmp = per.join(sums, on=["unit_id", "cls"], how="left").with_columns(
        pl.col("tb_lo").fill_null(0.0), pl.col("tb_hi").fill_null(0.0), pl.col("tb_val").fill_null(0.0)
    )
    cmp = cmp.with_columns(_tol("n_lo", "n_hi", "tb_lo", "tb_hi").alias("ok"))
    left = cmp.clear().select("unit_id")
    if defer is not None and defer.height:
        drop = cmp.filter(~pl.col("ok")).join(defer, on=["unit_id", "cls"], how="semi").select("unit_id", "cls")
        left = drop.select("unit_id")
        cmp = cmp.join(drop, on=["unit_id", "cls"], how="anti")
        per = per.join(drop, on=["unit_id", "cls"], how="anti")
    hits = []
    for r in cmp.filter(~pl.col("ok")).iter_rows(named=True):
        tb = r["tb_text"] or "（表1无此类金额）"
        (n_zh, n_en), (t_zh, t_en) = wan_both(r["n_val"], r["tb_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["n_line"],
                f"{r['n_text']} | 表1：{tb}",
                (f"{r['cls']} {n_zh}", f"{r['cls']} {n_en}"),
                (f"表1 {t_zh}", f"表1 {t_en}"),
                f"文中{what_zh}{r['cls']}为{n_zh}，表1对应金额为{t_zh}。",
                f"The text gives {what_en} {r['cls']} as {n_en}, but 表1 shows {t_en}.",
            )
        )
    judged = per.select("unit_id")
    na = pl.concat([all_fiscal(ctx).filter(~pl.col("all_gpb")).select("unit_id"), left])
    return Result(hits, pl.concat([ctx.status(judged["unit_id"], "pass"), ctx.status(na["unit_id"], "not_applicable")]))


_T1 = """2024 年本单位预算收入 {inc} 万元，较上年减少 10.00 万元。

表1

2024年单位综合预算收支总表

单位：元

收 入		支 出			
项 目	预算数	支出功能科目（按大类）	预算数	部门预算支出经济分类科目（按大类）	预算数
1、财政拨款	1000000.00	1、一般公共服务支出	700000.00	1、人员经费和公用经费支出	600000.00
(1)一般公共预算拨款	1000000.00	2、住房保障支出	300000.00	(1)工资福利支出	500000.00
				(2)商品和服务支出	100000.00
				2、专项业务经费支出	400000.00
				(2)商品和服务支出	400000.00
本年收入合计	1000000.00	本年支出合计	1000000.00	本年支出合计	1000000.00
"""


@rule(
    "NAR001",
    "error",
    "文中收支总额与收支总表不符",
    "Narrative budget total differs from 表1",
    bad=_T1.format(inc="110.00"),
    good=_T1.format(inc="100.00"),
)
def nar001(ctx: Context) -> Result:
    """文中“本单位预算收入/支出”总额应等于表1的本年收入合计/本年支出合计（或收入总计）。

    查什么：说明中“本单位预算收入/预算支出”总额，与表1的本年收入合计（本年支出合计）和收入总计（支出总计）
    均不相符。按印刷位数的舍入区间比较（如587.34万元代表[587.335, 587.345]万元，可与5873362.00元相符），
    舍入差异不报。为什么重要：说明中的总额是整份公开的首要数字，必须与报表一致，不一致说明其中一方未随之更新。

    Catches: the unit's budget income or expenditure stated in the narrative (本单位预算收入 / 预算支出)
    that matches neither the total of the year in 表1, the summary table of income and expenditure
    (本年收入合计 / 本年支出合计), nor its grand total, which also counts carry-overs (收入总计 /
    支出总计). Figures are compared through their printed decimals: 587.34万元 (万元 = 10,000 yuan)
    stands for anything from 587.335 to 587.345万元, and so agrees with 5873362.00元; rounding
    differences are not reported. Why it matters: the headline figure of the disclosure must be the
    table's; a mismatch means one of them is stale.
    """
    c = money_claims(ctx).filter(
        pl.col("item").is_in(["income_total", "expenditure_total"]) & pl.col("current").is_not_null()
    )
    c = c.sort("claim_id").unique(["unit_id", "item"], keep="first")
    g = grid(ctx).filter((pl.col("table_id") == "表1") & pl.col("level").is_in([8, 9]))
    g = g.with_columns(
        pl.when(pl.col("kind") == "income")
        .then(pl.lit("income_total"))
        .otherwise(pl.lit("expenditure_total"))
        .alias("item")
    )
    cur = fig("current")
    c = c.with_columns(cur.lo.alias("n_lo"), cur.hi.alias("n_hi"))
    j = c.join(
        g.select("unit_id", "item", "lo", "hi", "value_yuan", pl.col("text").alias("t_text"), pl.col("level")),
        on=["unit_id", "item"],
    )
    j = j.with_columns(_tol("n_lo", "n_hi", "lo", "hi").alias("ok"))
    per = j.group_by("unit_id", "claim_id", maintain_order=True).agg(
        pl.col("ok").any(),
        pl.col("value_yuan").filter(pl.col("level") == 9).first().alias("t_val"),
        pl.col("value_yuan").first().alias("any_val"),
        pl.col("t_text").first(),
        pl.col("text").first(),
        pl.col("line").first(),
        pl.col("current_yuan").first(),
        pl.col("label").first(),
    )
    hits = []
    for r in per.filter(~pl.col("ok")).iter_rows(named=True):
        t = r["t_val"] if r["t_val"] is not None else r["any_val"]
        (c_zh, c_en), (t_zh, t_en) = wan_both(r["current_yuan"], t)
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{r['text']} | 表1：{r['t_text']}",
                (c_zh, c_en),
                (f"表1 {t_zh}", f"表1 {t_en}"),
                f"文中{r['label']}为{c_zh}，表1合计为{t_zh}。",
                f"The text gives {r['label']} as {c_en}, but 表1's total is {t_en}.",
            )
        )
    return Result(hits, ctx.status(per.filter("ok")["unit_id"], "pass"))


_FUNC = (
    _T1.format(inc="100.00")
    + """
2024 年本单位当年一般公共预算支出 100.00 万元，其中：

(1) 行政运行（2010301）{a} 万元，较上年减少 5.00 万元。

(2) 住房公积金（2210201）{b} 万元，较上年减少 5.00 万元。
"""
)


@rule(
    "NAR002",
    "warning",
    "功能科目明细与收支总表类级金额不符",
    "Functional items differ from 表1's functional classes",
    bad=_FUNC.format(a="60.00", b="40.00"),
    good=_FUNC.format(a="70.00", b="30.00"),
)
def nar002(ctx: Context) -> Result:
    """文中按功能科目（7位编码）列出的金额，按类（前3位）汇总后应等于表1支出功能分类对应类级金额。

    查什么：说明中按功能科目（7位编码）列出的金额按类（前3位，如201一般公共服务支出）汇总后，
    与表1支出功能分类的类级金额不符。仅在可比时判断：单位收入全部为一般公共预算拨款（否则表1还含政府性基金、
    事业收入等，说明中的一般公共预算数字本应小于表1），且表1各类之和等于合计；已由表5逐行核对（NAR006）
    标记的科目，其所在类不再重复报告。为什么重要：说明是对报表的解释，两者不一致，必有一方错报了资金投向。

    Catches: the narrative's functional items (功能 classification: what the money is for, e.g.
    行政运行（2010301）… 万元, 住房公积金（2210201）…), summed by class (the first three digits of the
    code, e.g. 201 一般公共服务, general public services), that differ from the class amounts of 表1
    (the summary table of income and expenditure). Judged only where the two are comparable. First, the
    unit's income must be all general public budget appropriation (一般公共预算拨款): the narrative
    items are general public budget figures, while 表1 also holds government funds (政府性基金), income
    from the unit's own services (事业收入) and so on; urban and rural community items (城乡社区支出) of
    2,490.95万元 rightly fall short of a 表1 class of 4,170.95万元 that includes 1,680万元 of fund
    money. Second, 表1's recognised classes must add up to its total. A class with an item that NAR006
    flags against its row in 表5 (general public budget spending by function) is left to NAR006 (one
    finding per wrong claim). Why it matters: the narrative explains the tables; if they disagree, one
    of them misreports where the money goes.
    """
    c = money_claims(ctx).filter((pl.col("code").str.len_chars() == 7) & pl.col("current").is_not_null())
    return _narrative_vs_table(
        ctx,
        c,
        pl.col("code").str.slice(0, 3),
        "function",
        1,
        FUNCTION_CLASSES,
        "功能科目（类）",
        "functional class",
        defer=deferred(ctx, "function"),
    )


_ECON = (
    _T1.format(inc="100.00")
    + """
2024 年本单位当年一般公共预算支出 100.00 万元。其中：工资福利支出(301) 50.00 万元，较上年减少 5.00 万元。

商品和服务支出(302) {b} 万元，较上年减少 5.00 万元。
"""
)


@rule(
    "NAR003",
    "warning",
    "部门经济分类科目金额与收支总表不符",
    "Economic class (30x) differs from 表1",
    bad=_ECON.format(b="55.00"),
    good=_ECON.format(b="50.00"),
)
def nar003(ctx: Context) -> Result:
    """文中部门预算经济分类类级科目（301、302、303…）的金额应等于表1部门经济分类各明细之和。

    查什么：说明中部门经济分类类级科目（如302商品和服务支出）的金额，与表1中相应明细行（人员经费和公用经费、
    专项业务经费下的“(2)商品和服务支出”等）之和不符，常见情形是把资本性支出（基本建设）的金额并入302。
    仅在单位收入全部为一般公共预算拨款、且表1明细之和等于该组合计时判断；已由表6核对（NAR009）标记的类不重复报告。
    为什么重要：经济分类反映钱花在什么上，302正是公用经费所在的科目。

    Catches: a narrative figure for goods and services (商品和服务支出, departmental economic class 302)
    that differs from the sum of the (2)商品和服务支出 rows of 表1 (the summary table of income and
    expenditure), under staff and running costs (人员经费和公用经费) and under project funds
    (专项业务经费). A common cause, seen in a real disclosure we studied: the text folds the capital
    spending on construction (资本性支出（基本建设）) into 302. Judged only where the unit's income is
    all general public budget appropriation (一般公共预算拨款; no government funds, 政府性基金, as for
    NAR002) and 表1's recognised sub-items add up to the group total. A class that NAR009 flags against
    its row in 表6 (general public budget spending by economic class) is left to NAR009. Why it matters:
    the economic classes tell what the money buys; 302 is where running costs (公用经费) sit.
    """
    c = money_claims(ctx).filter(
        (pl.col("code").str.len_chars() == 3) & pl.col("code").str.starts_with("3") & pl.col("current").is_not_null()
    )
    return _narrative_vs_table(
        ctx,
        c,
        pl.col("code"),
        "dept_econ",
        2,
        DEPT_ECON,
        "部门经济分类科目",
        "economic class",
        defer=deferred(ctx, "econ"),
    )


_GOV = """2024 年本单位预算收入 100.00 万元，较上年减少 10.00 万元。

表1

2024年单位综合预算收支总表

单位：元

收 入		支 出	
项 目	预算数	政府预算支出经济分类科目（按大类）	预算数
1、财政拨款	1000000.00	1、机关工资福利支出	500000.00
(1)一般公共预算拨款	1000000.00	2、机关商品和服务支出	500000.00
本年收入合计	1000000.00	本年支出合计	1000000.00

2024 年本单位当年一般公共预算支出 100.00 万元。其中：机关工资福利支出(501) 50.00 万元，较上年减少 5.00 万元。

机关商品和服务支出(502) {b} 万元，较上年减少 5.00 万元。
"""


@rule(
    "NAR004",
    "warning",
    "政府经济分类科目金额与收支总表不符",
    "Government economic class (50x) differs from 表1",
    bad=_GOV.format(b="55.00"),
    good=_GOV.format(b="50.00"),
)
def nar004(ctx: Context) -> Result:
    """文中政府预算经济分类类级科目（501、502、504…）的金额应等于表1政府经济分类对应类级金额。

    查什么：说明中政府经济分类类级科目（如502机关商品和服务支出）的金额，与表1同名类级金额不符
    （504机关资本性支出（二）在表1中印作“机关资本性支出（基本建设）”）。仅在单位收入全部为一般公共预算拨款、
    且表1各类之和等于该组合计时判断；已由表6核对（NAR009）标记的类不重复报告。为什么重要：
    政府经济分类反映资金的经济性质，说明与报表不一致，说明其中一方填错或未随之更新。

    Catches: an item of the government economic classification (政府经济分类, codes 50x) in the
    narrative, e.g. 机关商品和服务支出(502) … 万元 (goods and services of government bodies), that
    differs from the class of the same name in 表1, the summary table of income and expenditure
    (2、机关商品和服务支出 … 元). 504 is 机关资本性支出（二） (capital spending of government bodies,
    part two), printed in 表1 as 机关资本性支出（基本建设） (capital spending on construction). Judged
    only where the unit's income is all general public budget appropriation (一般公共预算拨款, as for
    NAR002) and 表1's recognised classes add up to the group total. A class that NAR009 flags against
    its row in 表6 (general public budget spending by economic class) is left to NAR009. Why it matters:
    the government economic classes show the economic nature of the money; when the narrative and the
    table disagree, one of them is wrong or was not updated.
    """
    c = money_claims(ctx).filter(
        (pl.col("code").str.len_chars() == 3) & pl.col("code").str.starts_with("5") & pl.col("current").is_not_null()
    )
    return _narrative_vs_table(
        ctx,
        c,
        pl.col("code"),
        "gov_econ",
        1,
        GOV_ECON,
        "政府经济分类科目",
        "government economic class",
        defer=deferred(ctx, "econ"),
    )


_PF = _T1.format(inc="100.00") + "\n本单位当年公用经费预算安排{pf}万元，较上年{pr}万元减少2.00万元。\n"


@rule(
    "NAR005",
    "warning",
    "公用经费与收支总表不符",
    "Public funds differ from 表1's goods and services (商品和服务支出)",
    bad=_PF.format(pf="12.00", pr="14.00"),
    good=_PF.format(pf="10.00", pr="12.00"),
)
def nar005(ctx: Context) -> Result:
    """文中公用经费应等于表1“人员经费和公用经费支出”下的商品和服务支出（可含其资本性支出）。

    查什么：说明中的公用经费，既不等于表1“1、人员经费和公用经费支出”（基本支出）下的“(2)商品和服务支出”，
    也不等于其与该类资本性支出之和。仅在单位收入全部为一般公共预算拨款时判断（说明中的公用经费是一般公共预算口径）；
    已由表7/表8核对（NAR007）标记的，不重复报告。为什么重要：公用经费是单位的日常运转经费，
    是监督部门在单位之间横向比较的重点。

    Catches: running costs (公用经费) stated in the text that match neither the (2)商品和服务支出 (goods
    and services) row of 表1, the summary table of income and expenditure, under
    1、人员经费和公用经费支出 (staff and running costs, i.e. basic spending, 基本支出), nor that amount
    plus the same class's capital spending (资本性支出). Judged only where the unit's income is all
    general public budget appropriation (一般公共预算拨款), since the narrative figure is a general
    public budget figure. A claim that NAR007 flags against 表7/表8 (the basic spending tables) is left
    to NAR007 and reported as not applicable here. Why it matters: 公用经费 is the running-cost line
    that oversight compares across units.
    """
    fiscal = all_fiscal(ctx).filter("all_gpb").select("unit_id")
    g = grid(ctx).filter(
        (pl.col("table_id") == "表1") & (pl.col("kind") == "dept_econ") & pl.col("level").is_in([1, 2])
    )
    g = g.sort("unit_id", "row").with_columns(
        pl.when(pl.col("level") == 1)
        .then(pl.col("base"))
        .otherwise(None)
        .forward_fill()
        .over("unit_id", order_by="row")
        .alias("parent")
    )
    basic = g.filter((pl.col("level") == 2) & pl.col("parent").str.contains("人员经费|基本支出"))
    basic = basic.with_columns(pl.col("base").str.replace_all("的", "").alias("b"))
    goods = (
        basic.filter(pl.col("b") == "商品和服务支出")
        .group_by("unit_id")
        .agg(
            pl.col("lo").sum().alias("g_lo"),
            pl.col("hi").sum().alias("g_hi"),
            pl.col("value_yuan").sum().alias("g_val"),
            pl.col("text").first().alias("g_text"),
        )
    )
    capital = (
        basic.filter(pl.col("b").str.starts_with("资本性支出"))
        .group_by("unit_id")
        .agg(pl.col("lo").sum().alias("k_lo"), pl.col("hi").sum().alias("k_hi"))
    )
    parents = (
        g.filter((pl.col("level") == 1) & pl.col("base").str.contains("人员经费|基本支出")).select("unit_id").unique()
    )
    c = (
        money_claims(ctx)
        .filter((pl.col("item") == "public_funds") & pl.col("current").is_not_null())
        .sort("claim_id")
        .unique("unit_id", keep="first")
    )
    cur = fig("current")
    c = (
        c.with_columns(cur.lo.alias("n_lo"), cur.hi.alias("n_hi"))
        .join(fiscal, on="unit_id")
        .join(parents, on="unit_id")
    )
    j = (
        c.join(goods, on="unit_id", how="left")
        .join(capital, on="unit_id", how="left")
        .with_columns(
            pl.col("g_lo").fill_null(0.0),
            pl.col("g_hi").fill_null(0.0),
            pl.col("g_val").fill_null(0.0),
            pl.col("k_lo").fill_null(0.0),
            pl.col("k_hi").fill_null(0.0),
        )
    )
    j = j.with_columns(
        (pl.col("g_lo") + pl.col("k_lo")).alias("gk_lo"), (pl.col("g_hi") + pl.col("k_hi")).alias("gk_hi")
    )
    j = j.with_columns((_tol("n_lo", "n_hi", "g_lo", "g_hi") | _tol("n_lo", "n_hi", "gk_lo", "gk_hi")).alias("ok"))
    # A 公用经费 claim NAR007 flags against 表7/表8 is reported there only.
    left = j.filter(~pl.col("ok")).join(deferred(ctx, "public_funds"), on="unit_id", how="semi").select("unit_id")
    j = j.join(left, on="unit_id", how="anti")
    hits = []
    for r in j.filter(~pl.col("ok")).iter_rows(named=True):
        (c_zh, c_en), (g_zh, g_en) = wan_both(r["current_yuan"], r["g_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{r['text']} | 表1：{r['g_text'] or '（无商品和服务支出）'}",
                (c_zh, c_en),
                (f"表1 {g_zh}", f"表1 {g_en}"),
                f"文中公用经费为{c_zh}，表1人员经费和公用经费支出中的商品和服务支出为{g_zh}。",
                f"The text gives public funds (公用经费) as {c_en}, but 表1's 商品和服务支出 under 人员经费和公用经费 is {g_en}.",
            )
        )
    na = pl.concat([all_fiscal(ctx).filter(~pl.col("all_gpb")).select("unit_id"), left])
    return Result(
        hits, pl.concat([ctx.status(j.filter("ok")["unit_id"], "pass"), ctx.status(na["unit_id"], "not_applicable")])
    )


# ------------------------------------------------------------------------------- XTB

_X1 = """表1

2024年单位综合预算收支总表

单位：元

收 入		支 出			
项 目	预算数	支出功能科目（按大类）	预算数	部门预算支出经济分类科目（按大类）	预算数
1、财政拨款	1000000.00	1、一般公共服务支出	1000000.00	1、人员经费和公用经费支出	{e}
本年收入合计	1000000.00	本年支出合计	1000000.00	本年支出合计	{e}
"""


@rule(
    "XTB001",
    "error",
    "收支总表各栏合计不一致",
    "表1's column groups have different totals",
    bad=_X1.format(e="900000.00"),
    good=_X1.format(e="1000000.00"),
)
def xtb001(ctx: Context) -> Result:
    """表1（及表4）的本年收入合计与各支出栏的本年支出合计应彼此相等。

    查什么：收支总表（表1、表4）的四个栏目组——收入、支出功能分类、部门经济分类、
    政府经济分类——的合计彼此不一致。为什么重要：各种支出口径反映的是同一笔钱，某一组合计不同，
    说明有金额遗漏或重复计算。

    Catches: a summary table (表1 for all income and expenditure, or 表4 for fiscal appropriations)
    whose four column groups — income; expenditure by function; by departmental (部门) economic class;
    and by government (政府) economic class — do not share one total. Why it matters: each expenditure
    view must account for the same money; a group with a different total has lost or double-counted an
    amount.
    """
    g = grid(ctx).filter(pl.col("table_id").is_in(["表1", "表4"]) & (pl.col("level") == 9))
    g = g.unique(["unit_id", "table_id", "group_index"], keep="first")
    inc = g.filter(pl.col("kind") == "income").select(
        "unit_id",
        "table_id",
        pl.col("lo").alias("i_lo"),
        pl.col("hi").alias("i_hi"),
        pl.col("value_yuan").alias("i_val"),
    )
    j = (
        g.filter(pl.col("kind") != "income")
        .join(inc, on=["unit_id", "table_id"])
        .with_columns(_tol("lo", "hi", "i_lo", "i_hi").alias("ok"))
    )
    hits = []
    for r in j.filter(~pl.col("ok")).iter_rows(named=True):
        (v_zh, v_en), (i_zh, i_en) = wan_both(r["value_yuan"], r["i_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{r['table_id']} {r['col_group'] or ''}：{r['text']}",
                (f"{r['label']} {v_zh}", f"{r['label']} {v_en}"),
                (f"本年收入合计 {i_zh}", f"income total {i_en}"),
                f"{r['table_id']}“{r['col_group'] or ''}”栏的{r['label']}为{v_zh}，与本年收入合计{i_zh}不一致。",
                f"In {r['table_id']} the {r['label']} of '{r['col_group'] or ''}' is {v_en}, not the income total {i_en}.",
            )
        )
    return Result(hits, ctx.status(j.filter("ok")["unit_id"], "pass"))


_X2 = (
    _X1.format(e="1000000.00")
    + """
表4

2024年单位综合预算财政拨款收支总表

单位：元

收 入		支 出			
项 目	预算数	支出功能分类科目（按大类）	预算数	部门预算支出经济分类科目（按大类）	预算数
1、财政拨款	1000000.00	1、一般公共服务支出	{f}	1、人员经费和公用经费支出	1000000.00
		2、住房保障支出	{h}		
本年收入合计	1000000.00	本年支出合计	1000000.00	本年支出合计	1000000.00
"""
)


@rule(
    "XTB002",
    "warning",
    "财政拨款收支总表与收支总表不符",
    "表4 differs from 表1 for a unit funded only by fiscal appropriations",
    bad=_X2.format(f="900000.00", h="100000.00"),
    good=_X2.format(f="1000000.00", h=""),
)
def xtb002(ctx: Context) -> Result:
    """单位收入全部为财政拨款时，表4（财政拨款收支总表）的合计与各类金额应与表1相同。

    查什么：表1收入全部为财政拨款的单位，其表4（财政拨款收支总表）的合计及各编号类别与表1不同；
    有事业收入或上级补助收入的单位两表本应不同，不适用。类别在同类栏目组内按名称匹配，缺少的金额按0计。
    为什么重要：同一笔钱在两张表中印出两个数，说明有一张表未更新。

    Catches: totals and numbered classes of 表4 (the summary table of fiscal appropriations,
    财政拨款收支总表) that differ from those of 表1 (the summary table of all income and expenditure),
    for a unit whose 表1 income is all fiscal appropriations (财政拨款). A unit with income from its own
    services (事业收入) or subsidies from a higher-level unit (上级补助) rightly differs and is not
    applicable. Classes are matched by name within the same kind of column group; an absent amount
    counts as 0. Why it matters: the same money printed twice with two values means one table was not
    updated.
    """
    fiscal = all_fiscal(ctx)
    g = grid(ctx).filter(pl.col("table_id").is_in(["表1", "表4"]) & (pl.col("kind") != "income"))
    # The classes are the 1、 rows, or the 一、 rows of a table without 1、 rows (the
    # 财政部 template's 支出 column lists 一、一般公共服务支出 … directly).
    n1 = (pl.col("level") == 1).sum().over("unit_id", "table_id", "kind")
    g = g.filter(pl.col("level").is_in([1, 9]) | ((pl.col("level") == 0) & (n1 == 0)))
    key = ["unit_id", "kind", "level", "base"]
    g = g.unique(["unit_id", "table_id", "kind", "level", "base"], keep="first")
    t1 = g.filter(pl.col("table_id") == "表1").select(
        *key,
        pl.col("lo").alias("a_lo"),
        pl.col("hi").alias("a_hi"),
        pl.col("value_yuan").alias("a_val"),
        pl.col("text").alias("a_text"),
        pl.col("line").alias("a_line"),
    )
    t4 = g.filter(pl.col("table_id") == "表4").select(
        *key,
        pl.col("lo").alias("b_lo"),
        pl.col("hi").alias("b_hi"),
        pl.col("value_yuan").alias("b_val"),
        pl.col("text").alias("b_text"),
        pl.col("line").alias("b_line"),
    )
    # Only groups both tables print a total for.
    both = (
        t1.filter(pl.col("level") == 9)
        .select("unit_id", "kind")
        .join(t4.filter(pl.col("level") == 9).select("unit_id", "kind"), on=["unit_id", "kind"])
        .unique()
    )
    units = both.join(fiscal.filter("all_fiscal").select("unit_id"), on="unit_id").select("unit_id", "kind").unique()
    j = t1.join(units, on=["unit_id", "kind"]).join(
        t4.join(units, on=["unit_id", "kind"]), on=key, how="full", coalesce=True
    )
    j = j.with_columns(*[pl.col(c).fill_null(0.0) for c in ("a_lo", "a_hi", "a_val", "b_lo", "b_hi", "b_val")])
    j = j.with_columns(_tol("a_lo", "a_hi", "b_lo", "b_hi").alias("ok"))
    hits = []
    for r in j.filter(~pl.col("ok")).sort("unit_id", "b_line").iter_rows(named=True):
        (b_zh, b_en), (a_zh, a_en) = wan_both(r["b_val"], r["a_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["b_line"] or r["a_line"],
                f"表4：{r['b_text'] or '（空）'} | 表1：{r['a_text'] or '（空）'}",
                (f"表4 {r['base']} {b_zh}", f"表4 {r['base']} {b_en}"),
                (f"表1 {a_zh}", f"表1 {a_en}"),
                f"单位收入全部为财政拨款，但表4“{r['base']}”为{b_zh}，表1为{a_zh}。",
                f"All income is fiscal appropriations, yet 表4 '{r['base']}' is {b_en} while 表1 shows {a_en}.",
            )
        )
    na = fiscal.filter(~pl.col("all_fiscal")).select("unit_id")
    return Result(
        hits, pl.concat([ctx.status(j.filter("ok")["unit_id"], "pass"), ctx.status(na["unit_id"], "not_applicable")])
    )


__all__ = ["table_total"]


_X3 = (
    _X1.format(e="1000000.00")
    + """
表2

2024年单位综合预算收入总表

单位：元

| 单位名称 | 合计 | 一般公共预算拨款 | 事业收入 |
|---|---|---|---|
| 某某局 | {v} | {v} |  |
"""
)


@rule(
    "XTB003",
    "error",
    "收入总表合计与收支总表收入不符",
    "表2 income total differs from 表1's income",
    bad=_X3.format(v="1100000.00"),
    good=_X3.format(v="1000000.00"),
)
def xtb003(ctx: Context) -> Result:
    """表2（收入总表）的合计应等于表1的本年收入合计（或收入总计）。

    查什么：表2（收入总表）合计列的金额（取合计行，只有一个单位行时取该行），
    与表1的本年收入合计和收入总计均不相符。为什么重要：表2是按来源对同一收入的分解，合计不同说明有一张表未更新。

    Catches: the total (合计) column of 表2 (income by source, 收入总表), read on its 合计 row or on its
    single unit row, that matches neither the total income of the year (本年收入合计) in 表1, the
    summary table of income and expenditure, nor its grand total (收入总计). Why it matters: 表2 breaks
    the same income down by source; a different total means one table was not updated.
    """
    cells = ctx["cells"].filter(pl.col("table_id") == "表2")
    head = (
        cells.filter(pl.col("header").fill_null(False) & (pl.col("text").str.replace_all(r"\s+", "") == "合计"))
        .group_by("unit_id")
        .agg(pl.col("col").min().alias("sum_col"))
    )
    vals = (
        cells.filter(~pl.col("header").fill_null(False) & pl.col("value").is_not_null())
        .join(head, on="unit_id")
        .filter(pl.col("col") == pl.col("sum_col"))
    )
    vals = vals.with_columns(
        pl.col("row_label").fill_null("").str.replace_all(r"\s+", "").str.contains("^(?:合计|总计)$").alias("is_total")
    )
    n_rows = vals.group_by("unit_id").agg(pl.len().alias("n"), pl.col("is_total").any().alias("has_total"))
    vals = vals.join(n_rows, on="unit_id").filter(pl.col("is_total") | ((pl.col("n") == 1) & ~pl.col("has_total")))
    vals = vals.sort("row").unique("unit_id", keep="first")
    fac = (
        pl.col("unit")
        .fill_null("元")
        .replace_strict({"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}, default=1.0, return_dtype=pl.Float64)
    )
    from anomaly.intervals import printed

    iv = printed(pl.col("value"), pl.col("decimals").fill_null(0), fac)
    vals = vals.select(
        "unit_id",
        iv.lo.alias("a_lo"),
        iv.hi.alias("a_hi"),
        (pl.col("value") * fac).alias("a_val"),
        pl.col("text").alias("a_text"),
        "line",
    )
    g = grid(ctx).filter((pl.col("table_id") == "表1") & (pl.col("kind") == "income") & pl.col("level").is_in([8, 9]))
    j = vals.join(g.select("unit_id", "lo", "hi", "value_yuan", "level"), on="unit_id").with_columns(
        _tol("a_lo", "a_hi", "lo", "hi").alias("ok")
    )
    per = j.group_by("unit_id", maintain_order=True).agg(
        pl.col("ok").any(),
        pl.col("a_val").first(),
        pl.col("a_text").first(),
        pl.col("line").first(),
        pl.col("value_yuan").sort_by("level", descending=True).first().alias("t_val"),
    )
    hits = []
    for r in per.filter(~pl.col("ok")).iter_rows(named=True):
        (a_zh, a_en), (t_zh, t_en) = wan_both(r["a_val"], r["t_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"表2 合计：{r['a_text']}",
                (f"表2 合计 {a_zh}", f"表2 total {a_en}"),
                (f"表1 本年收入合计 {t_zh}", f"表1 income total {t_en}"),
                f"表2收入合计为{a_zh}，与表1本年收入合计{t_zh}不符。",
                f"表2's income total is {a_en}, but 表1's income total is {t_en}.",
            )
        )
    return Result(hits, ctx.status(per.filter("ok")["unit_id"], "pass"))
