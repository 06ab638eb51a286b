"""ARI: a table total differs from the sum of its parts."""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule, statuses
from anomaly.money import amount, decimals_apart
from anomaly.rules.common import grid, hit, wan

_T1 = """表1

2024年单位综合预算收支总表

单位：元

收 入		支 出			
项 目	预算数	支出功能科目（按大类）	预算数	部门预算支出经济分类科目（按大类）	预算数
一、部门预算	1000000.00	一、部门预算	1000000.00	一、部门预算	1000000.00
1、财政拨款	1000000.00	1、一般公共服务支出	{f1}	1、人员经费和公用经费支出	{e1}
(1)一般公共预算拨款	1000000.00	2、教育支出	300000.00	(1)工资福利支出	500000.00
其中：专项资金列入部门预算的项目	200000.00	3、住房保障支出		(2)商品和服务支出	{e12}
2、事业收入				2、专项业务经费支出	400000.00
本年收入合计	1000000.00	本年支出合计	1000000.00	本年支出合计	1000000.00
"""


def _sum_check(parts: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Sum intervals of parts per key: n parts carry n half units."""
    return parts.group_by(keys).agg(
        pl.col("lo").sum().alias("s_lo"),
        pl.col("hi").sum().alias("s_hi"),
        pl.col("value_yuan").sum().alias("s_val"),
        pl.len().alias("n_parts"),
        pl.col("label").str.join("+").alias("part_labels"),
    )


def _overlap(a_lo: str, a_hi: str, b_lo: str, b_hi: str) -> pl.Expr:
    tol = 1e-6 + 1e-9 * pl.max_horizontal(pl.col(a_hi).abs(), pl.col(b_hi).abs())
    return (pl.col(a_lo) <= pl.col(b_hi) + tol) & (pl.col(b_lo) <= pl.col(a_hi) + tol)


@rule(
    "ARI001",
    "error",
    "收支总表合计与各类之和不符",
    "Summary table total differs from the sum of its classes",
    bad=_T1.format(f1="800000.00", e1="600000.00", e12="100000.00"),
    good=_T1.format(f1="700000.00", e1="600000.00", e12="100000.00"),
)
def ari001(ctx: Context) -> Result:
    """表1/表4 每个栏目组（收入、支出功能分类、部门经济分类、政府经济分类）的一级类别
    （1、2、… 或 一、二、…）之和应等于该组的本年收入合计/本年支出合计。

    查什么：表1（收支总表）和表4（财政拨款收支总表）中，收入、支出功能分类、部门经济分类、
    政府经济分类各栏目组的一级类别之和，与该组的本年收入合计或本年支出合计不符。只汇总一级类别，(1)(2)等明细和
    “其中”行不重复计入，空格按0计；按印刷位数的舍入区间比较，n项之和允许n个半位的舍入差，舍入差异不报。
    为什么重要：收支总表是核对其他所有数字的基准，合计不等于各类之和，说明某一类填错或漏填。

    Catches: in 表1 (the summary table of income and expenditure) and 表4 (the same summary for fiscal
    appropriations only), the numbered top-level classes of a column group do not add up to that group's
    total of the year (本年收入合计 for income, 本年支出合计 for expenditure). The column groups are
    income; expenditure by function; expenditure by departmental (部门) economic class; and expenditure
    by government (政府) economic class. Only one level is summed: sub-items (1)(2) and 其中 ("of
    which") rows are parts of parts and are not added again. Empty cells count as 0. Each printed figure
    may be off by half a unit of its last printed digit, so a sum of n parts may be off by n such half
    units; differences within that rounding margin are not reported. Why it matters: the summary table
    is the backbone every other figure is read against; a total that is not the sum of its classes means
    a class was mistyped or left out.
    """
    g = grid(ctx).filter(pl.col("table_id").is_in(["表1", "表4"]))
    valued = g.filter(pl.col("value_yuan").is_not_null())
    keys = ["unit_id", "table_id", "group_index"]
    n0 = valued.filter(pl.col("level") == 0).group_by(keys).agg(pl.len().alias("n0"))
    n1 = valued.filter(pl.col("level") == 1).group_by(keys).agg(pl.len().alias("n1"))
    totals = (
        valued.filter(pl.col("level") == 9)
        .unique(keys, keep="first")
        .select(
            *keys,
            pl.col("lo").alias("t_lo"),
            pl.col("hi").alias("t_hi"),
            pl.col("value_yuan").alias("t_val"),
            pl.col("text").alias("t_text"),
            pl.col("line").alias("t_line"),
            "label",
            "kind",
            "col_group",
        )
    )
    choice = (
        totals.join(n0, on=keys, how="left")
        .join(n1, on=keys, how="left")
        .with_columns(
            pl.when((pl.col("n0").fill_null(0) >= 2) | (pl.col("n1").fill_null(0) == 0))
            .then(0)
            .otherwise(1)
            .alias("part_level")
        )
    )
    parts = valued.join(choice.select(*keys, "part_level"), on=keys).filter(pl.col("level") == pl.col("part_level"))
    sums = _sum_check(parts, keys)
    cmp = choice.join(sums, on=keys, how="inner").with_columns(_overlap("s_lo", "s_hi", "t_lo", "t_hi").alias("ok"))
    bad = cmp.filter(~pl.col("ok"))
    hits = []
    for r in bad.iter_rows(named=True):
        grp = r["col_group"] or ""
        d = decimals_apart(r["t_val"], r["s_val"])
        t_zh, s_zh, t_en, s_en = (wan(r[k], d, lang) for lang in ("zh", "en") for k in ("t_val", "s_val"))
        hits.append(
            hit(
                r["unit_id"],
                r["t_line"],
                f"{r['table_id']} {grp}：{r['t_text']}",
                (f"{r['label']} {t_zh}", f"{r['label']} {t_en}"),
                (f"各类之和 {s_zh}（{r['n_parts']}项）", f"sum of classes {s_en} ({r['n_parts']} items)"),
                f"{r['table_id']}“{grp}”栏的{r['label']}为{t_zh}，但各一级类别之和为{s_zh}。",
                f"In {r['table_id']} ({grp}) the {r['label']} is {t_en} but its top-level classes add up to {s_en}.",
            )
        )
    status = ctx.status(cmp.filter(pl.col("ok"))["unit_id"], "pass")
    return Result(hits, status)


_T1_SUB = """表1

2024年单位综合预算收支总表

单位：元

收 入		支 出			
项 目	预算数	支出功能科目（按大类）	预算数	部门预算支出经济分类科目（按大类）	预算数
一、部门预算	1000000.00	一、部门预算	1000000.00	一、部门预算	1000000.00
1、财政拨款	1000000.00	1、一般公共服务支出	1000000.00	1、人员经费和公用经费支出	600000.00
(1)一般公共预算拨款	1000000.00			(1)工资福利支出	500000.00
其中：专项资金列入部门预算的项目	400000.00			(2)商品和服务支出	{e12}
				(3)对个人和家庭的补助	
				2、专项业务经费支出	400000.00
				(2)商品和服务支出	400000.00
本年收入合计	1000000.00	本年支出合计	1000000.00	本年支出合计	1000000.00
"""


@rule(
    "ARI002",
    "error",
    "收支总表类别与其明细之和不符",
    "A class of the summary table differs from the sum of its sub-items",
    bad=_T1_SUB.format(e12="10000.00"),
    good=_T1_SUB.format(e12="100000.00"),
)
def ari002(ctx: Context) -> Result:
    """表1/表4 中一级类别（1、…）的金额应等于其下 (1)(2)… 明细之和（“其中”行不计）。

    查什么：表1、表4中一级类别（如“1、人员经费和公用经费支出”）的金额，与其下(1)(2)……明细之和不符。
    仅在类别和至少一项明细都有金额时比较（只列类别、未列明细不算错），“其中”行为备注项，不计入；
    同一栏目组有多个“一、”级标题时，标题与其下“1、”级类别之和也一并核对。为什么重要：小计与自身明细相互矛盾，
    说明有单元格录入错误，而总计层面可能把它掩盖。

    Catches: a numbered class of 表1 or 表4 (the summary tables of income and expenditure, the second
    for fiscal appropriations only), e.g. 1、人员经费和公用经费支出 (staff and running costs), whose
    sub-items (1)(2)… do not add up to it. Compared only where the class and at least one sub-item carry
    an amount (a class shown without a breakdown is not an error); 其中 ("of which") rows are memo items
    and are not summed. Where a column group has several top-level heads numbered 一、二、…, each head
    is also compared with the sum of the classes numbered 1、2、… under it. Why it matters: a subtotal
    that its own items contradict points at a mistyped cell that the grand total may hide.
    """
    g = grid(ctx).filter(pl.col("table_id").is_in(["表1", "表4"]) & (pl.col("level") >= 0))
    keys = ["unit_id", "table_id", "group_index"]
    n0 = g.filter((pl.col("level") == 0) & pl.col("value_yuan").is_not_null()).group_by(keys).agg(pl.len().alias("n0"))
    g = g.join(n0, on=keys, how="left").sort(*keys, "row")
    frames = []
    for k in (0, 1):
        parent_row = (
            (
                pl.when(pl.col("level") == k)
                .then(pl.col("row"))
                .when((pl.col("level") < k) | (pl.col("level") >= 8))
                .then(-1)
                .otherwise(None)
            )
            .forward_fill()
            .over(keys, order_by="row")
        )
        gk = g.with_columns(parent_row.alias("parent"))
        if k == 0:
            gk = gk.filter(pl.col("n0").fill_null(0) >= 2)
        parents = gk.filter((pl.col("level") == k) & pl.col("value_yuan").is_not_null()).select(
            *keys,
            pl.col("row").alias("parent"),
            pl.col("lo").alias("t_lo"),
            pl.col("hi").alias("t_hi"),
            pl.col("value_yuan").alias("t_val"),
            pl.col("text").alias("t_text"),
            pl.col("line").alias("t_line"),
            pl.col("label").alias("p_label"),
            "col_group",
        )
        kids = gk.filter((pl.col("level") == k + 1) & (pl.col("parent") >= 0) & pl.col("value_yuan").is_not_null())
        sums = _sum_check(kids, [*keys, "parent"])
        frames.append(parents.join(sums, on=[*keys, "parent"], how="inner"))
    cmp = pl.concat(frames).with_columns(_overlap("s_lo", "s_hi", "t_lo", "t_hi").alias("ok"))
    hits = []
    for r in cmp.filter(~pl.col("ok")).iter_rows(named=True):
        d = decimals_apart(r["t_val"], r["s_val"])
        t_zh, s_zh, t_en, s_en = (wan(r[k], d, lang) for lang in ("zh", "en") for k in ("t_val", "s_val"))
        hits.append(
            hit(
                r["unit_id"],
                r["t_line"],
                f"{r['table_id']} {r['col_group'] or ''}：{r['t_text']}",
                (f"{r['p_label']} {t_zh}", f"{r['p_label']} {t_en}"),
                (f"明细之和 {s_zh}（{r['part_labels']}）", f"sum of sub-items {s_en} ({r['part_labels']})"),
                f"{r['table_id']}中“{r['p_label']}”为{t_zh}，但其明细之和为{s_zh}。",
                f"In {r['table_id']} '{r['p_label']}' is {t_en} but its sub-items add up to {s_en}.",
            )
        )
    return Result(hits, ctx.status(cmp.filter(pl.col("ok"))["unit_id"], "pass"))


_PROJECT = """表13-1

2024年单位专项业务经费绩效目标表（1）

项目名称		档案数字化经费		
主管部门		某某局		
资金金额 (万元)		年度资金总额:		{total}
		其中: 财政拨款		86.40
		其他资金		{other}
总体目标	年度目标			
"""


@rule(
    "ARI003",
    "error",
    "项目绩效表资金总额与来源之和不符",
    "Project table: annual funds differ from fiscal + other funds",
    bad=_PROJECT.format(total="86.40", other="3.60"),
    good=_PROJECT.format(total="90.00", other="3.60"),
)
def ari003(ctx: Context) -> Result:
    """项目（专项业务经费）绩效目标表中，年度资金总额应等于“其中：财政拨款”加“其他资金”。

    查什么：项目（专项业务经费）绩效目标表（表13-x等）中，年度资金总额不等于同一列的“其中：财政拨款”加
    “其他资金”（“其他资金”空白按0计）；表中只有一个年度资金总额时，不论其位于哪一列都核对
    （跨页续表的单元格可能错列）。为什么重要：年度资金总额是设定绩效目标的依据，它与自身资金来源对不上，
    说明金额或资金来源必有一处填错。

    Catches: in a project performance table (表13-1, 表13-2 … and similar tables that set the targets of
    one project), the total annual funds (年度资金总额) differ from the fiscal appropriations (财政拨款)
    plus other funds (其他资金) printed in the same column; an empty 其他资金 counts as 0. Where a table
    has a single 年度资金总额, it is checked whichever column it stands in, since a table continued on
    the next page may come back with its cells in other columns. Why it matters: the project's amount is
    what its performance targets are set for; when its own sources disagree, either the amount or the
    funding is wrong.
    """
    # (A label holding none of 额, 款, 金 cannot name a role: the regexes below skip it.)
    cells = ctx["cells"].filter(pl.col("value").is_not_null() & pl.col("row_label").str.contains("[额款金]"))
    lab = pl.col("row_label").str.replace_all(r"\s+", "")
    cells = cells.with_columns(
        pl.when(lab.str.contains("年度资金总额"))
        .then(pl.lit("total"))
        .when(lab.str.contains("财政拨款") & lab.str.len_chars().lt(12))
        .then(pl.lit("fiscal"))
        .when(lab.str.contains("其他资金") & lab.str.len_chars().lt(12))
        .then(pl.lit("other"))
        .otherwise(None)
        .alias("role")
    ).filter(pl.col("role").is_not_null())
    from anomaly.intervals import printed

    iv = printed(pl.col("value"), pl.col("decimals").fill_null(0))
    cells = cells.with_columns(iv.lo.alias("lo"), iv.hi.alias("hi"))
    keys = ["unit_id", "table_id", "col"]
    # A table with one 年度资金总额 (a form, as most templates print it) takes its parts
    # from any column: continued on the next page, it may come back with other columns.
    lone = (
        cells.filter(pl.col("role") == "total")
        .group_by("unit_id", "table_id")
        .agg(pl.col("col").first().alias("lone_col"), pl.len().alias("n_totals"))
        .filter(pl.col("n_totals") == 1)
        .drop("n_totals")
    )
    cells = (
        cells.join(lone, on=["unit_id", "table_id"], how="left", maintain_order="left")
        .with_columns(pl.coalesce("lone_col", "col").alias("col"))
        .drop("lone_col")
    )
    tot = (
        cells.filter(pl.col("role") == "total")
        .unique(keys, keep="first")
        .select(
            *keys,
            pl.col("lo").alias("t_lo"),
            pl.col("hi").alias("t_hi"),
            pl.col("value").alias("t_val"),
            pl.col("decimals").alias("t_dec"),
            pl.col("text").alias("t_text"),
            pl.col("line").alias("t_line"),
            pl.col("unit"),
        )
    )
    parts = (
        cells.filter(pl.col("role") != "total")
        .unique([*keys, "role"], keep="first")
        .group_by(keys)
        .agg(
            pl.col("lo").sum().alias("s_lo"),
            pl.col("hi").sum().alias("s_hi"),
            pl.col("value").sum().alias("s_val"),
            (pl.col("role") == "fiscal").any().alias("has_fiscal"),
        )
    )
    cmp = (
        tot.join(parts, on=keys, how="inner")
        .filter("has_fiscal")
        .with_columns(_overlap("s_lo", "s_hi", "t_lo", "t_hi").alias("ok"))
    )
    hits = []
    for r in cmp.filter(~pl.col("ok")).iter_rows(named=True):
        u = r["unit"] or ""
        d = r["t_dec"] or 0
        # Quoted in the table's own unit and decimals.
        t_zh, s_zh, t_en, s_en = (amount(r[k], u, d, lang) for lang in ("zh", "en") for k in ("t_val", "s_val"))
        hits.append(
            hit(
                r["unit_id"],
                r["t_line"],
                f"{r['table_id']} 年度资金总额：{r['t_text']}",
                (f"年度资金总额 {t_zh}", f"annual funds (年度资金总额) {t_en}"),
                (f"财政拨款+其他资金 {s_zh}", f"fiscal + other funds {s_en}"),
                f"{r['table_id']}年度资金总额为{t_zh}，但财政拨款与其他资金之和为{s_zh}。",
                f"{r['table_id']}: annual funds {t_en}, but fiscal + other funds add up to {s_en}.",
            )
        )
    return Result(hits, ctx.status(cmp.filter(pl.col("ok"))["unit_id"], "pass"))


__all__ = ["ari001", "ari002", "ari003", "statuses"]
