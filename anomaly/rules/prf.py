"""PRF: performance tables — project amounts against 表1, the 整体支出 table against the budget, impossible or missing targets."""

from __future__ import annotations

import re

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.intervals import printed
from anomaly.rules.common import PROJECT_TABLE, factor, grid, hit, last_in_row, plural, wan_both

_PRJ_SUM = """表1

2024年单位综合预算收支总表

单位：元

收 入		支 出	
项 目	预算数	部门预算支出经济分类科目（按大类）	预算数
1、财政拨款	1500000.00	1、人员经费和公用经费支出	1000000.00
		2、专项业务经费支出	500000.00
本年收入合计	1500000.00	本年支出合计	1500000.00

表13-1

2024年单位专项业务经费绩效目标表（1）

项目名称		档案数字化经费		
资金金额 (万元)		年度资金总额:		30.00
		其中: 财政拨款		30.00

表13-2

2024年单位专项业务经费绩效目标表（2）

项目名称		业务培训补助		
资金金额 (万元)		年度资金总额:		{b}
		其中: 财政拨款		{b}
"""


_TOTAL_LABEL = r"年度资金(?:\([千万亿]?元\))?总额"


def _projects(ctx: Context) -> pl.DataFrame:
    cells = (
        ctx["cells"]
        .filter(pl.col("value").is_not_null() & pl.col("row_label").str.contains("额", literal=True))
        # On those rows only. A cell wrapped beside 资金金额（万元） may be read with the unit
        # between its lines: 资金金额 年度资金(万元) 总额: (normalised: half-width brackets).
        .filter(pl.col("row_label").str.replace_all(r"\s+", "").str.contains(_TOTAL_LABEL))
    )
    cells = cells.filter(
        ~pl.col("table_title").fill_null("").str.contains("整体") & ~pl.col("table_id").is_in(["表14", "表15"])
    )
    cells = cells.sort("col").unique(["unit_id", "table_id"], keep="first")
    fac = (
        pl.col("unit")
        .fill_null("万元")
        .replace_strict({"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}, default=1e4, return_dtype=pl.Float64)
    )
    iv = printed(pl.col("value"), pl.col("decimals").fill_null(0), fac)
    return cells.with_columns(iv.lo.alias("lo"), iv.hi.alias("hi"), (pl.col("value") * fac).alias("yuan"))


@rule(
    "PRF001",
    "warning",
    "项目绩效表金额之和与专项业务经费不符",
    "Project tables do not add up to the project funds of 表1",
    bad=_PRJ_SUM.format(b="15.00"),
    good=_PRJ_SUM.format(b="20.00"),
)
def prf001(ctx: Context) -> Result:
    """各项目（专项业务经费）绩效目标表的年度资金总额之和，应等于表1的专项业务经费支出。

    查什么：各项目（专项业务经费）绩效目标表（表13-1、表13-2……）的年度资金总额之和，
    与表1的专项业务经费支出不符。n张表之和允许n个半位的舍入差，例如5张表以0.01万元印出、合计173.31万元，
    与1,733,186元一致，不报。为什么重要：每个项目都应设定绩效目标；合计不足说明有项目未设目标，
    超出说明有项目金额不在预算之内。

    Catches: the total annual funds (年度资金总额) of the project performance tables (表13-1, 表13-2 …,
    one per project) not adding up to the project funds (专项业务经费支出) in 表1, the summary table of
    income and expenditure. Each table's figure may be off by half a unit of its last printed digit, so
    n tables may be off by n half units: five project tables printed to 0.01万元 (100 yuan) that add up
    to 173.31万元 are consistent with 1,733,186元. Why it matters: every project must carry performance
    targets; a shortfall means projects without targets, an excess means project amounts that the budget
    does not contain.
    """
    p = _projects(ctx)
    # A project table whose total's label a page break cut (年度资金 / 总额: apart, in a text
    # conversion): the others' sum is not the projects', and is not compared.
    label = pl.col("row_label").str.replace_all(r"\s+", "")
    cut = (
        ctx["cells"]
        .filter(pl.col("table_id").str.starts_with("表13") & pl.col("value").is_not_null())
        .filter(~pl.col("table_title").fill_null("").str.contains("整体"))
        .filter(label.str.contains("年度资金") & ~label.str.contains(_TOTAL_LABEL))
        .select("unit_id")
    )
    sums = p.group_by("unit_id").agg(
        pl.col("lo").sum(),
        pl.col("hi").sum(),
        pl.col("yuan").sum(),
        pl.len().alias("n"),
        pl.col("table_id").sort().str.join("、").alias("ids"),
        pl.col("line").min(),
    )
    g = grid(ctx).filter(
        (pl.col("table_id") == "表1") & (pl.col("level") == 1) & pl.col("base").str.contains("专项业务经费|项目支出")
    )
    g = g.select(
        "unit_id",
        pl.col("lo").alias("t_lo"),
        pl.col("hi").alias("t_hi"),
        pl.col("value_yuan").alias("t_val"),
        pl.col("text").alias("t_text"),
        pl.col("line").alias("t_line"),
    )
    # A 收支总表 without a 专项 row (the 财政部 template's): the 支出总表's 合计·项目支出.
    c = (
        ctx["cells"]
        .filter(
            (pl.col("table_id") == "表3")
            & ~pl.col("header").fill_null(False)
            & pl.col("value").is_not_null()
            & (pl.col("col_header") == "项目支出")
        )
        .filter(pl.col("row_label").str.replace_all(r"\s+", "") == "合计")  # the regex on those rows only
    )
    iv = printed(pl.col("value"), pl.col("decimals").fill_null(0), factor(pl.col("unit").fill_null("元")))
    t3 = c.select(
        "unit_id",
        iv.lo.alias("t_lo"),
        iv.hi.alias("t_hi"),
        pl.col("value_yuan").alias("t_val"),
        ("合计·项目支出\t" + pl.col("text")).alias("t_text"),
        pl.col("line").alias("t_line"),
    )
    g = pl.concat([g, t3]).unique("unit_id", keep="first", maintain_order=True)
    sums = sums.join(cut, on="unit_id", how="anti")
    j = sums.join(g, on="unit_id").with_columns(
        ((pl.col("lo") <= pl.col("t_hi") + 1e-6) & (pl.col("t_lo") <= pl.col("hi") + 1e-6)).alias("ok")
    )
    hits = []
    for r in j.filter(~pl.col("ok")).iter_rows(named=True):
        (y_zh, y_en), (t_zh, t_en) = wan_both(r["yuan"], r["t_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{r['ids']} 年度资金总额 | 表1：{r['t_text']}",
                (f"项目合计 {y_zh}（{r['n']}个项目）", f"projects' total {y_en} ({plural(r['n'], 'project')})"),
                (f"表1专项业务经费 {t_zh}", f"表1 专项业务经费 {t_en}"),
                f"{r['n']}个项目绩效目标表的年度资金总额合计{y_zh}，与表1专项业务经费支出{t_zh}不符。",
                f"The {plural(r['n'], 'project table')} add up to {y_en}, but 表1's 专项业务经费支出 is {t_en}.",
            )
        )
    return Result(hits, ctx.status(j.filter("ok")["unit_id"], "pass"))


_OVERALL = """表1

2024年单位综合预算收支总表

单位：元

项 目	预算数	项 目	预算数
本年收入合计	5873362.00	本年支出合计	5873362.00

2024年单位整体支出绩效目标表

部门（单位）名称		某某局			
年度 主要 任务	任务名称	主要内容	预算金额（万元）		
			总额	财政拨款	其他资金
	保障单位正常运转	人员支出、日常公用支出及项目支出	{v}	{v}	
	金额合计		{v}	{v}	
"""


@rule(
    "PRF002",
    "warning",
    "整体支出绩效目标表金额与单位预算总额不符",
    "Whole-unit performance table total differs from the unit's budget",
    bad=_OVERALL.format(v="173.32"),
    good=_OVERALL.format(v="587.34"),
)
def prf002(ctx: Context) -> Result:
    """整体支出绩效目标表覆盖单位全部支出，其金额合计应等于表1的本年支出合计。

    查什么：整体支出绩效目标表的金额合计与单位预算总额（表1本年支出合计）不符，例如只填了专项业务经费173.32万元，
    而预算总额为587.34万元。取合计行上最大的金额比较（该表的列在格式转换中常发生错位）。为什么重要：
    整体绩效目标必须覆盖全部预算，只覆盖项目支出的表会使其余大部分资金没有绩效目标。

    Catches: the total amount (金额合计) of the whole-unit performance table (整体支出绩效目标表,
    usually 表14) that differs from the unit's total budget (本年支出合计, the total expenditure of the
    year in 表1, the summary table of income and expenditure), e.g. 173.32万元, only the project funds
    (专项业务经费), against a budget of 587.34万元; a real disclosure we studied has this defect. The
    largest amount on the total (合计) row is taken, since the columns of this table are often shifted
    when a document is converted. Why it matters: the whole-unit targets must cover the whole budget; a
    table covering only projects leaves much of the money (two thirds in this example) without targets.
    """
    cells = ctx["cells"].filter(
        pl.col("value").is_not_null()
        & (pl.col("table_id").eq("表14") | pl.col("table_title").fill_null("").str.contains("整体支出"))
    )
    lab = pl.col("row_label").fill_null("").str.replace_all(r"\s+", "")
    tot_rows = cells.filter(lab.str.contains("合计|总计"))
    fac = (
        pl.col("unit")
        .fill_null("万元")
        .replace_strict({"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}, default=1e4, return_dtype=pl.Float64)
    )
    tot_rows = tot_rows.with_columns(
        (pl.col("value") * fac).alias("yuan"),
        printed(pl.col("value"), pl.col("decimals").fill_null(0), fac).lo.alias("lo"),
        printed(pl.col("value"), pl.col("decimals").fill_null(0), fac).hi.alias("hi"),
    )
    best = tot_rows.sort("yuan", descending=True).unique("unit_id", keep="first")
    t = grid(ctx).filter((pl.col("table_id") == "表1") & (pl.col("level") == 9) & (pl.col("kind") != "income"))
    t = (
        pl.concat([t, grid(ctx).filter((pl.col("table_id") == "表1") & (pl.col("level") == 9))])
        .unique("unit_id", keep="first")
        .select("unit_id", pl.col("lo").alias("t_lo"), pl.col("hi").alias("t_hi"), pl.col("value_yuan").alias("t_val"))
    )
    j = best.join(t, on="unit_id").with_columns(
        ((pl.col("lo") <= pl.col("t_hi") + 1e-6) & (pl.col("t_lo") <= pl.col("hi") + 1e-6)).alias("ok")
    )
    hits = []
    for r in j.filter(~pl.col("ok")).iter_rows(named=True):
        (y_zh, y_en), (t_zh, t_en) = wan_both(r["yuan"], r["t_val"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"{r['table_id']} {r['row_label']}：{r['text']}",
                (f"金额合计 {y_zh}", f"table total {y_en}"),
                (f"单位预算总额 {t_zh}", f"the unit's budget {t_en}"),
                f"整体支出绩效目标表金额合计{y_zh}，与单位本年支出合计{t_zh}不符。",
                f"The whole-unit performance table totals {y_en}, but the unit's budget is {t_en}.",
            )
        )
    return Result(hits, ctx.status(j.filter("ok")["unit_id"], "pass"))


_RATE_WORDS = "满意度|满意率|合格率|覆盖率|完成率|达标率|到位率|准确率|知晓率|参保率|入学率|出勤率|及时率|执行率|发放率|正确率|通过率|使用率|利用率|普及率|治愈率|知情率"
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:\\?%|％)")
_TARGET = """表13-1

2024年单位专项业务经费绩效目标表（1）

项目名称		档案数字化经费		
资金金额 (万元)		年度资金总额:		86.40
绩效指标	一级指标	二级指标	指标内容	指标值
	满意度指标	服务对象满意度指标	指标1: 群众满意度	{v}
"""


@rule(
    "PRF003",
    "warning",
    "绩效指标值不可能（如满意度超过100%）",
    "Impossible performance target (e.g. satisfaction above 100%)",
    bad=_TARGET.format(v="≥120%"),
    good=_TARGET.format(v="≥100%"),
)
def prf003(ctx: Context) -> Result:
    """满意度、合格率、覆盖率等比率型指标的目标值不可能超过100%。

    查什么：满意度、合格率、覆盖率、完成率、到位率等“部分占整体”的比率型指标，目标值超过100%（如满意度≥120%）；
    ≥100%不报，增长率等可以超过100%的比率不判断。指标名称须能从表中读出，读不出的判为数据不足。为什么重要：
    不可能实现的目标说明绩效目标未经认真研究，也无法评价。

    Catches: a target above 100% for an indicator that is a share of a whole (满意度 satisfaction,
    合格率 pass rate, 覆盖率 coverage, 完成率 completion rate, 到位率 rate of funds in place …), e.g.
    满意度 ≥120%. ≥100% is fine; growth rates (增长率) and other ratios that can exceed 100% are not
    judged. The indicator's name must be readable from the table: for now the tool reads an indicator's
    label only when it holds a number (指标1: …), so a row such as 服务对象满意度 | ≥200% is reported as
    insufficient data. Why it matters: an impossible target shows the targets were not thought through,
    and cannot be evaluated.
    """
    cells = ctx["cells"]
    perf = cells.filter(
        pl.col("table_id").str.starts_with("表13")
        | pl.col("table_id").is_in(["表14", "表15"])
        | pl.col("table_title").fill_null("").str.contains("绩效")
    )
    # The indicator's words are the target cell's row_label (the nearest text to its left).
    # The parser keeps a text cell only when it holds a digit, %, ≥ …, and a text cell's
    # row_label is itself; so the words are the row's other kept cells (指标1: …满意度).
    pct = r"\d\s*(?:\\?%|％)"
    has_pct = pl.col("text").str.contains(pct)
    targets = perf.filter(has_pct)
    keys = ["unit_id", "table_id", "row"]
    # Only the rows that hold a target need their words: the group-by is the rule's cost.
    others = (
        perf.filter(~has_pct)
        .join(targets.select(keys).unique(), on=keys, how="semi", maintain_order="left")
        .group_by(keys)
        .agg(pl.col("text").str.join(" ").alias("row_words"))
    )
    targets = targets.join(others, on=keys, how="left").with_columns(
        pl.concat_str(
            [pl.when(pl.col("row_label") != pl.col("text")).then(pl.col("row_label")), pl.col("row_words")],
            separator=" ",
            ignore_nulls=True,
        )
        .fill_null("")
        .alias("words")
    )
    judged = targets.filter(
        pl.col("words").str.contains(_RATE_WORDS) & ~pl.col("words").str.contains("增长率|增长|提升率|提高率|增幅")
    )
    # A target above 100 has three digits in a row once $ is taken out (digits of any
    # script: \d is Unicode's in both regex dialects): the few such rows are judged here.
    three = pl.col("text").str.replace_all("$", "", literal=True).str.contains(r"\d{3}")
    hits = []
    for r in judged.filter(three).iter_rows(named=True):
        target = r["text"]
        norm = target.replace("\\geq", "≥").replace("\\leq", "≤").replace("$", "")
        m = _PCT.search(norm)
        if not m or re.search(r"[≤<]|\\le|以下|以内", norm):
            continue
        if float(m.group(1)) > 100:
            words = r["words"].strip()
            hits.append(
                hit(
                    r["unit_id"],
                    r["line"],
                    f"{r['table_id']}：{words}\t{target.strip()}",
                    target.strip(),
                    "≤100%",  # the same in both languages
                    f"{r['table_id']}中比率型指标“{words[:30]}”的目标值{target.strip()}超过100%。",
                    f"{r['table_id']}: the rate indicator '{words[:30]}' has an impossible target {target.strip()}.",
                )
            )
    has_perf = perf.select("unit_id").unique()
    na_units = ctx.units.join(has_perf, on="unit_id", how="anti")["unit_id"]
    return Result(
        hits,
        pl.concat(
            [
                ctx.status(judged["unit_id"], "pass"),
                ctx.status(has_perf["unit_id"], "insufficient_data"),
                ctx.status(na_units, "not_applicable"),
            ]
        ),
    )


_INDICATOR = r"^\s*指标\s*\d+\s*[:：]\s*\S"


@rule(
    "PRF004",
    "warning",
    "绩效指标缺少指标值",
    "Performance indicator without a target value",
    bad=PROJECT_TABLE.format(row="指标1: 档案借阅服务。\t"),
    good=PROJECT_TABLE.format(row="指标1: 档案借阅服务。\t≥300人次"),
)
def prf004(ctx: Context) -> Result:
    """绩效目标表中写了指标内容（指标1: …）却没有填写指标值。

    查什么：绩效目标表（表13-x、整体支出及其他绩效表，未声明为空表）中，某行写了指标内容（“指标N:……”）
    且该内容位于该行最后一格，即未填写指标值。每张表报一条，注明行数。为什么重要：没有指标值的指标在年终无法考核，
    而这正是绩效目标表的意义所在。

    Catches: a row of a performance table (the project tables 表13-x, the whole-unit 整体支出 table and
    other performance, 绩效, tables not declared empty) whose indicator (指标N: text) is the last cell
    of its row: no target value was given. One finding per table, naming how many rows. Why it matters:
    an indicator without a target cannot be assessed at the end of the year, which is the point of the
    performance table.
    """
    cells = ctx["cells"]
    perf = cells.filter(
        pl.col("table_id").str.contains(r"^表1[345]") | pl.col("table_title").fill_null("").str.contains("绩效")
    )
    # Not the goals rows (年度总体目标: 指标1：… 指标2：…), which carry no values.
    rows = last_in_row(
        perf,
        pl.col("text").str.contains(_INDICATOR)
        & (pl.col("text").str.count_matches(r"指标\s*\d") == 1)
        & ~pl.col("row_head").fill_null("").str.contains("目标"),
    )
    declared = ctx["toc"].filter(pl.col("declared_empty").fill_null(False)).select("unit_id", "table_id")
    rows = rows.join(declared, on=["unit_id", "table_id"], how="anti")
    per = (
        rows.sort("line")
        .group_by("unit_id", "table_id", maintain_order=True)
        .agg(pl.len().alias("n"), pl.col("line").first(), pl.col("text").first())
    )
    hits = [
        hit(
            r["unit_id"],
            r["line"],
            f"{r['table_id']}：{r['text'].strip()}",
            (f"{r['n']}项指标无指标值", f"{plural(r['n'], 'indicator')} without a target value"),
            ("每项指标填写可考核的指标值", "a measurable target for every indicator"),
            f"{r['table_id']}有{r['n']}项绩效指标（如“{r['text'].strip()[:30]}”）没有填写指标值。",
            f"{r['table_id']} has {plural(r['n'], 'indicator')} (e.g. '{r['text'].strip()[:30]}') without a target value.",
        )
        for r in per.iter_rows(named=True)
    ]
    return Result(hits, ctx.status(perf.select("unit_id").unique()["unit_id"], "pass"))


_COST = """表13-1

2024年单位专项业务经费绩效目标表（1）

项目名称		公车运行经费		
资金金额 (万元)		年度资金总额:		45.00
绩效指标	一级指标	二级指标	指标内容	指标值
	产出指标	时效指标	指标1: 本年度完成支出。	≥45万元
		成本指标	指标1: 公车燃油及过路过桥费。	{v}
			指标2: 公车维修费。	≤8.65万元
	效益指标	经济效益指标	指标1: 节约运行成本。	≥10万元
"""
# A 二级指标 other than cost: a row naming one is no longer in the 成本指标 block.
_OTHER_KIND = "数量指标|质量指标|时效指标|效益指标|满意度指标|影响指标"
_AT_LEAST = r"≥|\\geq|>=|不低于|不少于|以上|大于"


@rule(
    "PRF005",
    "warning",
    "成本指标以下限（≥）表示",
    "Cost indicator set as a minimum (≥) instead of a ceiling",
    bad=_COST.format(v="≥23.12万元"),
    good=_COST.format(v="≤23.12万元"),
)
def prf005(ctx: Context) -> Result:
    """绩效目标表中成本指标是花费的上限，应写“≤”；写成“≥X万元”是把控制成本写成了至少要花多少。

    查什么：专项业务经费绩效目标表、整体支出绩效目标表中，二级指标“成本指标”下的指标值写成下限，
    即以“≥”“不低于”“以上”等给出的金额（如“≥23.12万元”）；同一指标块延续到下一个二级指标为止。
    比率（%）不判断。每张表报告一次，列出各项。为什么重要：成本指标用于约束花费，写成下限等于要求
    至少花到该数，既无法据以控制成本，也说明绩效目标照抄模板、未经思考。

    Catches: in a performance table (绩效目标表), the targets under the second-level indicator 成本指标
    (cost) given as a minimum amount, with ≥, 不低于 (not less than) or 以上 (or more): ≥23.12万元 (万元:
    ten thousand yuan). The cost block runs down the table until the next second-level indicator.
    Rates (%) are not judged. One finding per table, listing the rows. Why it matters: a cost
    indicator caps spending; as a minimum it asks the project to spend at least that much, which
    controls nothing and shows a target copied without thought.
    """
    cells = ctx["cells"]
    perf = cells.filter(
        pl.col("table_id").str.starts_with("表13")
        | pl.col("table_id").is_in(["表14", "表15"])
        | pl.col("table_title").fill_null("").str.contains("绩效")
    )
    keys = ["unit_id", "table_id"]
    heads = perf.filter(pl.col("text").str.contains("成本指标")).select(*keys, "col").unique(keys, keep="first")
    # The second-level indicators down the cost head's column: each target takes the last
    # one at or above its row, as the merged cell reads.
    kinds = perf.join(heads, on=[*keys, "col"], how="semi").select(*keys, "row", kind=pl.col("text")).sort(*keys, "row")
    targets = (
        perf.join(heads.select(keys), on=keys, how="semi")
        .filter(
            pl.col("text").str.contains(_AT_LEAST)
            & pl.col("text").str.contains("元")
            & ~pl.col("text").str.contains(r"≤|\\leq|<|以下|以内|不超过|不高于|%|％")
        )
        .sort(*keys, "row")
    )
    # A row that names another kind of indicator anywhere is out of the cost block.
    other_rows = perf.filter(pl.col("text").str.contains(_OTHER_KIND)).select(*keys, "row").unique()
    found = (
        # (Both sorted by table and row above: polars cannot check it within groups, and says so.)
        targets.join_asof(kinds, on="row", by=keys, strategy="backward", check_sortedness=False)
        .filter(pl.col("kind").fill_null("").str.contains("成本指标"))
        .join(other_rows, on=[*keys, "row"], how="anti")
    )
    hits = []
    for (uid, tid), rows in found.sort(*keys, "row").group_by(keys, maintain_order=True):
        values = rows["text"].str.strip_chars().to_list()
        listed = "、".join(values)
        hits.append(
            hit(
                uid,
                rows["line"][0],
                f"{tid} 成本指标：{listed}",
                # In English the amounts stay in the evidence, as printed (万元).
                (f"成本指标 {listed}", f"{plural(len(values), 'cost indicator')} as a minimum (≥)"),
                ("成本指标应为上限（≤）", "a cost indicator is a ceiling (≤)"),
                f"{tid}的{len(values)}项成本指标以下限给出（{listed}）：成本指标应是花费的上限（≤）。",
                f"{tid}: {plural(len(values), 'cost indicator')} set as a minimum (≥, see the evidence); "
                "a cost indicator caps spending (≤).",
            )
        )
    judged = perf.join(heads.select(keys), on=keys, how="semi").select("unit_id").unique()
    has_perf = perf.select("unit_id").unique()
    return Result(
        hits,
        pl.concat(
            [
                ctx.status(judged["unit_id"], "pass"),
                ctx.status(has_perf["unit_id"], "insufficient_data"),
                ctx.status(ctx.units.join(has_perf, on="unit_id", how="anti")["unit_id"], "not_applicable"),
            ]
        ),
    )
