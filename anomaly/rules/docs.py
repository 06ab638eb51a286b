"""PLH (placeholders), CMP (completeness), PRF (performance tables), and the
metadata-only entries OUT and CPY (computed by the scoring / copy modules)."""

from __future__ import annotations

import re

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.intervals import printed
from anomaly.rules.common import grid, hit, wan

_TOC = """目 录

序号	内 容	是否空表	公开空表理由
表1	2024年单位综合预算收支总表	否	
表9	2024年单位综合预算政府性基金收支表	是	{r9}
表15	2024年专项资金整体绩效目标表	是	不涉及
"""


def _empty_table_lines(ctx: Context) -> pl.DataFrame:
    """Line ranges (unit_id, lo, hi) of the tables the 目录 declares empty."""
    toc = ctx["toc"].filter(pl.col("declared_empty").fill_null(False)).select("unit_id", "table_id")
    cells = (
        ctx["cells"]
        .group_by("unit_id", "table_id")
        .agg(pl.col("line").min().alias("lo"), pl.col("line").max().alias("hi"))
    )
    return cells.join(toc, on=["unit_id", "table_id"])


def _outside_empty_tables(ctx: Context, df: pl.DataFrame) -> pl.DataFrame:
    rng = _empty_table_lines(ctx)
    if not rng.height or not df.height:
        return df
    inside = (
        df.join(rng, on="unit_id")
        .filter((pl.col("line") >= pl.col("lo") - 4) & (pl.col("line") <= pl.col("hi")))
        .select("unit_id", "line")
        .unique()
    )
    return df.join(inside, on=["unit_id", "line"], how="anti")


@rule(
    "PLH001",
    "warning",
    "占位符未替换（XX、××、待填）",
    "Placeholder left in (XX, ××, 待填)",
    bad="至上年末，单位登记在册的公务车辆3辆，单价超过50万元的专用设备XX套。",
    good="至上年末，单位登记在册的公务车辆3辆，单价超过50万元的专用设备1套。",
)
def plh001(ctx: Context) -> Result:
    """文中或表中留有模板占位符：XX、××、待填、请填写、连续下划线等。

    Catches: template residue such as an equipment count left as XX (seed line 194),
    ××个内设机构, 待填 as a target value. Placeholders inside a table the 目录 declares empty (a blank
    skeleton) are not reported. Why it matters: an unfilled template means a figure was
    never supplied; whatever stands there is not a disclosure.
    """
    m = ctx["marks"].filter(pl.col("kind") == "placeholder")
    m = _outside_empty_tables(ctx, m).sort("unit_id", "line")
    hits = [
        hit(
            r["unit_id"],
            r["line"],
            r["text"],
            r["key"],
            "实际数字或内容",
            f"第{r['line']}行留有模板占位符“{r['key']}”：{r['text']}。",
            f"Line {r['line']} still holds the template placeholder '{r['key']}': {r['text']}.",
        )
        for r in m.iter_rows(named=True)
    ]
    return Result(hits, ctx.status(ctx.units["unit_id"], "pass"))


_TEMPLATE_ROW = r"^\s*(?:(?:指标|目标)\s*\d+\s*[:：]\s*)+$"
_PRJ = """表13-1

2024年单位专项业务经费绩效目标表（1）

项目名称		档案数字化经费		
资金金额 (万元)		年度资金总额:		86.40
绩效指标	一级指标	二级指标	指标内容	指标值
	产出指标	数量指标	{row}
"""


@rule(
    "PLH002",
    "warning",
    "绩效表留有未填写的模板行",
    "Unfilled template rows in a table",
    bad=_PRJ.format(row="指标1:	"),
    good=_PRJ.format(row="指标1: 完成档案扫描数量	≥12000卷"),
)
def plh002(ctx: Context) -> Result:
    """未声明为空表的表格中出现只有“指标1:”“目标1:”而无内容的模板行。

    Catches: a row of a performance table that is just the template's 指标1: / 目标1:
    with nothing after it, in a table the 目录 does not declare empty (a declared-empty
    skeleton such as the seed's 表15 passes). One finding per table, naming how many
    rows. Why it matters: targets that were never written cannot be assessed.
    """
    cells = ctx["cells"]
    # A template cell (指标1: / 目标1: 目标2:) with nothing to its right in its row.
    tmpl = _last_in_row(cells, pl.col("text").str.contains(_TEMPLATE_ROW)).select(
        "unit_id", "table_id", "row", pl.col("text").alias("row_text"), "line"
    )
    declared = ctx["toc"].filter(pl.col("declared_empty").fill_null(False)).select("unit_id", "table_id")
    tmpl = tmpl.join(declared, on=["unit_id", "table_id"], how="anti")
    per = (
        tmpl.sort("line")
        .group_by("unit_id", "table_id", maintain_order=True)
        .agg(pl.len().alias("n"), pl.col("line").first(), pl.col("row_text").first())
    )
    hits = [
        hit(
            r["unit_id"],
            r["line"],
            f"{r['table_id']}：{r['row_text'].strip()}",
            f"{r['n']}行仅有模板文字",
            "填写指标内容与指标值，或在目录中声明空表",
            f"{r['table_id']}有{r['n']}行只有“{r['row_text'].strip()}”之类的模板文字，未填写内容，且目录未声明为空表。",
            f"{r['table_id']} has {r['n']} template rows such as '{r['row_text'].strip()}' left unfilled, and the contents do not declare it empty.",
        )
        for r in per.iter_rows(named=True)
    ]
    has_tables = cells.select("unit_id").unique()
    return Result(hits, ctx.status(has_tables["unit_id"], "pass"))


def _last_in_row(cells: pl.DataFrame, which: pl.Expr) -> pl.DataFrame:
    """Cells matching `which` that are the last non-empty cell of their table row."""
    last = cells.group_by("unit_id", "table_id", "row").agg(pl.col("col").max().alias("_last"))
    return (
        cells.filter(which)
        .join(last, on=["unit_id", "table_id", "row"])
        .filter(pl.col("col") == pl.col("_last"))
        .drop("_last")
    )


# ------------------------------------------------------------------------------- CMP

_CMP_TABLES = """目 录

序号	内 容	是否空表	公开空表理由
表1	2024年单位综合预算收支总表	否	
表2	2024年单位综合预算收入总表	否	
表15	2024年专项资金整体绩效目标表	是	不涉及

表1

2024年单位综合预算收支总表

单位：元

项 目	预算数	项 目	预算数
本年收入合计	100.00	本年支出合计	100.00
{t2}"""
_T2 = """
表2

2024年单位综合预算收入总表

单位：元

项 目	合计	财政拨款
合计	100.00	100.00
"""


def _title_key(e: pl.Expr) -> pl.Expr:
    return (
        e.fill_null("").str.replace_all(r"(?:19|20)\d{2}\s*年度?|\s+|[()（）\d]", "").str.replace_all("单位|部门", "")
    )


@rule(
    "CMP001",
    "error",
    "目录声明非空的报表未公开",
    "Tables the contents declare non-empty are absent",
    bad=_CMP_TABLES.format(t2=""),
    good=_CMP_TABLES.format(t2=_T2),
)
def cmp001(ctx: Context) -> Result:
    """目录中“是否空表”为“否”的报表，正文中应当出现。

    Catches: tables the 目录 declares non-empty (否) that the document does not contain.
    A table counts as present under its number (表13 is present as 表13-1 …) or by its
    title (the 整体支出绩效目标表 printed without 表14). One finding per unit listing
    every missing table — an analyst asks for the missing tables in one request. Seed:
    表2, 表3, 表5, 表6, 表7, 表8, 表10, 表12. If the document has tables the parser could
    not name, as many as are missing, the unit is insufficient data, not a finding.
    Why it matters: the 目录 is the unit's own statement of what it publishes.
    """
    toc = ctx["toc"].filter(~pl.col("declared_empty").fill_null(False))
    present = ctx["cells"].select("unit_id", "table_id", "table_title").unique()
    ids = (
        present.select("unit_id", "table_id")
        .with_columns(pl.col("table_id").str.replace(r"-\d+$", "").alias("tid"))
        .select("unit_id", "tid")
        .unique()
    )
    titles = present.select("unit_id", _title_key(pl.col("table_title")).alias("tkey")).unique()
    unnamed = (
        present.filter(pl.col("table_id").str.starts_with("表?")).group_by("unit_id").agg(pl.len().alias("n_unnamed"))
    )
    t = toc.with_columns(_title_key(pl.col("title")).alias("tkey"))
    missing = t.join(ids.rename({"tid": "table_id"}), on=["unit_id", "table_id"], how="anti").join(
        titles, on=["unit_id", "tkey"], how="anti"
    )
    per = (
        missing.sort("line")
        .group_by("unit_id", maintain_order=True)
        .agg(pl.col("table_id").alias("ids"), pl.col("line").first(), pl.col("title").first())
        .join(unnamed, on="unit_id", how="left")
    )
    hits, insufficient = [], []
    for r in per.iter_rows(named=True):
        if (r["n_unnamed"] or 0) >= len(r["ids"]):
            insufficient.append(r["unit_id"])
            continue
        ids_s = "、".join(r["ids"])
        hits.append(
            hit(
                r["unit_id"],
                r["line"],
                f"目录：{r['ids'][0]}\t{r['title']}\t否",
                f"目录声明非空：{ids_s}",
                "报表应公开",
                f"目录声明{ids_s}（共{len(r['ids'])}张）不是空表，但正文中没有这些报表。",
                f"The contents declare {ids_s} ({len(r['ids'])} tables) non-empty, but the document does not contain them.",
            )
        )
    failing = {h["unit_id"] for h in hits} | set(insufficient)
    judged = (
        toc.select("unit_id")
        .unique()
        .filter(~pl.col("unit_id").is_in(pl.Series(sorted(failing), dtype=pl.String).implode()))
    )
    return Result(
        hits, pl.concat([ctx.status(judged["unit_id"], "pass"), ctx.status(insufficient, "insufficient_data")])
    )


@rule(
    "CMP002",
    "warning",
    "空表未说明理由",
    "Empty table declared without a reason",
    bad=_TOC.format(r9=""),
    good=_TOC.format(r9="不涉及"),
)
def cmp002(ctx: Context) -> Result:
    """目录声明为空表（是）的报表，应在“公开空表理由”中说明原因。

    Catches: a table declared empty (是) in the 目录 with the 公开空表理由 column left
    blank. Why it matters: publishing an empty table is allowed only with a reason
    (不涉及, 无此项支出); without one, the emptiness itself is unexplained.
    """
    toc = ctx["toc"]
    bad = toc.filter(
        pl.col("declared_empty").fill_null(False) & (pl.col("reason").fill_null("").str.strip_chars() == "")
    ).sort("unit_id", "line")
    hits = [
        hit(
            r["unit_id"],
            r["line"],
            f"{r['table_id']}\t{r['title']}\t是",
            "是否空表：是；理由：（空）",
            "填写公开空表理由",
            f"目录声明{r['table_id']}为空表，但未说明理由。",
            f"The contents declare {r['table_id']} empty without giving a reason.",
        )
        for r in bad.iter_rows(named=True)
    ]
    return Result(hits, ctx.status(toc["unit_id"], "pass"))


REQUIRED_SECTIONS = [
    ("staff", "人员情况", "staff"),
    ("budget", "收支说明", "income and expenditure"),
    ("sangong", "“三公”经费", "三公 expenses"),
    ("assets", "国有资产占有使用", "state assets"),
    ("procurement", "政府采购", "procurement"),
    ("performance", "绩效目标", "performance targets"),
    ("public_funds", "公用经费", "public funds"),
]
# A section also counts as present when its figures are there under another heading.
_SECTION_ITEMS = {
    "staff": ["staff_authorized", "staff_actual"],
    "budget": ["income_total", "expenditure_total", "fiscal_income", "gpb_expenditure"],
    "sangong": ["sangong"],
    "public_funds": ["public_funds"],
    "assets": ["vehicles"],
}

_SECTIONS_DOC = """第一部分 单位概况

三、人员情况说明

截止上年底，本单位人员编制 10 人，其中行政编制 8 人、事业编制 2 人。

第二部分 收支情况

四、收支说明

2024 年本单位预算收入 100.00 万元，较上年减少 10.00 万元。

第三部分 其他情况

五、“三公”经费及会议费、培训费情况说明

2024年本单位当年一般公共预算“三公”经费预算支出3.00万元，较上年无变动。

六、国有资产占有使用及资产购置情况说明

截止上年底，本单位共有车辆1辆。
{procurement}
八、绩效目标情况说明

2024年本单位绩效目标管理全覆盖。

九、公用经费情况说明

本单位当年公用经费预算安排6.30万元，较上年无变动。
"""


@rule(
    "CMP003",
    "warning",
    "缺少规定的说明部分",
    "A required narrative section is missing",
    bad=_SECTIONS_DOC.format(procurement=""),
    good=_SECTIONS_DOC.format(procurement="\n七、政府采购情况说明\n\n本单位2024年无政府采购预算。\n"),
)
def cmp003(ctx: Context) -> Result:
    """预算公开说明应包含人员情况、收支说明、“三公”经费、国有资产、政府采购、绩效目标、公用经费等部分。

    Catches: a required part of the 单位预算公开说明 that has neither a heading nor its
    figures anywhere: 人员情况, 收支说明, “三公”经费, 国有资产占有使用, 政府采购, 绩效目标,
    公用经费. Judged only for documents that have a recognisable structure (at least
    three of these parts), so a fragment or a different kind of document is not
    reported. Why it matters: the 公开 rules make these parts mandatory; a missing part
    is information the unit did not disclose.
    """
    marks = ctx["marks"].filter(pl.col("kind") == "section").select("unit_id", pl.col("key")).unique()
    extra = []
    for key, items in _SECTION_ITEMS.items():
        extra.append(
            ctx["claims"]
            .filter(pl.col("item").is_in(items))
            .select("unit_id")
            .unique()
            .with_columns(pl.lit(key).alias("key"))
        )
    have = pl.concat([marks, *extra]).unique()
    req = pl.DataFrame({"key": [k for k, _, _ in REQUIRED_SECTIONS]})
    have = have.join(req, on="key")
    counts = have.group_by("unit_id").agg(pl.len().alias("n"))
    structured = counts.filter(pl.col("n") >= 3).select("unit_id")
    missing = structured.join(req, how="cross").join(have, on=["unit_id", "key"], how="anti")
    names = {k: (zh, en) for k, zh, en in REQUIRED_SECTIONS}
    per = missing.group_by("unit_id", maintain_order=True).agg(pl.col("key"))
    hits = []
    for r in per.iter_rows(named=True):
        zh = "、".join(names[k][0] for k in r["key"])
        en = ", ".join(names[k][1] for k in r["key"])
        hits.append(
            hit(
                r["unit_id"],
                None,
                f"缺少：{zh}",
                "（无此部分）",
                zh,
                f"说明中缺少规定的部分：{zh}。",
                f"The disclosure lacks required parts: {en}.",
            )
        )
    return Result(hits, ctx.status(structured["unit_id"], "pass"))


# ------------------------------------------------------------------------------- PRF

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


def _projects(ctx: Context) -> pl.DataFrame:
    cells = ctx["cells"].filter(
        pl.col("value").is_not_null() & pl.col("row_label").str.replace_all(r"\s+", "").str.contains("年度资金总额")
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
    "Project tables do not add up to 专项业务经费",
    bad=_PRJ_SUM.format(b="15.00"),
    good=_PRJ_SUM.format(b="20.00"),
)
def prf001(ctx: Context) -> Result:
    """各项目（专项业务经费）绩效目标表的年度资金总额之和，应等于表1的专项业务经费支出。

    Catches: the 年度资金总额 of the project tables (表13-1, 表13-2 …) not adding up to
    表1's 专项业务经费支出 (n tables carry n half units: five project tables printed to
    0.01万元 that add up to 173.31万元 are consistent with 1,733,186元, as the seed's five
    are with its 表1). Why it matters: every project must carry performance targets; a
    shortfall means projects without targets, an excess means project amounts that the
    budget does not contain.
    """
    p = _projects(ctx)
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
    g = g.unique("unit_id", keep="first").select(
        "unit_id",
        pl.col("lo").alias("t_lo"),
        pl.col("hi").alias("t_hi"),
        pl.col("value_yuan").alias("t_val"),
        pl.col("text").alias("t_text"),
        pl.col("line").alias("t_line"),
    )
    j = sums.join(g, on="unit_id").with_columns(
        ((pl.col("lo") <= pl.col("t_hi") + 1e-6) & (pl.col("t_lo") <= pl.col("hi") + 1e-6)).alias("ok")
    )
    hits = [
        hit(
            r["unit_id"],
            r["line"],
            f"{r['ids']} 年度资金总额 | 表1：{r['t_text']}",
            f"项目合计 {wan(r['yuan'])}（{r['n']}个项目）",
            f"表1专项业务经费 {wan(r['t_val'])}",
            f"{r['n']}个项目绩效目标表的年度资金总额合计{wan(r['yuan'])}，与表1专项业务经费支出{wan(r['t_val'])}不符。",
            f"The {r['n']} project tables add up to {wan(r['yuan'])}, but 表1's 专项业务经费支出 is {wan(r['t_val'])}.",
        )
        for r in j.filter(~pl.col("ok")).iter_rows(named=True)
    ]
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
    "整体支出 performance table total differs from the unit's budget",
    bad=_OVERALL.format(v="173.32"),
    good=_OVERALL.format(v="587.34"),
)
def prf002(ctx: Context) -> Result:
    """整体支出绩效目标表覆盖单位全部支出，其金额合计应等于表1的本年支出合计。

    Catches: the 整体支出绩效目标表's 金额合计 that differs from the unit's total budget
    (e.g. 173.32万元, only the 专项业务经费, against a budget of 587.34万元; the seed's
    表14 has this defect). The largest amount on the 合计 row is taken (columns of this
    table are often shifted in conversion). Why it matters: the whole-unit targets must cover the whole budget; a
    table covering only projects leaves two thirds of the money without targets.
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
    hits = [
        hit(
            r["unit_id"],
            r["line"],
            f"{r['table_id']} {r['row_label']}：{r['text']}",
            f"金额合计 {wan(r['yuan'])}",
            f"单位预算总额 {wan(r['t_val'])}",
            f"整体支出绩效目标表金额合计{wan(r['yuan'])}，与单位本年支出合计{wan(r['t_val'])}不符。",
            f"The 整体支出 performance table totals {wan(r['yuan'])}, but the unit's budget is {wan(r['t_val'])}.",
        )
        for r in j.filter(~pl.col("ok")).iter_rows(named=True)
    ]
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

    Catches: a target above 100% for an indicator that is a share of a whole (满意度,
    合格率, 覆盖率, 完成率, 到位率 …), e.g. 满意度 ≥120%. ≥100% is fine; growth rates
    (增长率) and other ratios that can exceed 100% are not judged. Why it matters: an
    impossible target shows the targets were not thought through, and cannot be
    evaluated. The indicator's words must be readable from the table: the parser keeps a
    label cell only when it holds a digit (指标1: …), so rows such as 服务对象满意度 | ≥200%
    are insufficient data until it keeps every label.
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
    targets = perf.filter(pl.col("text").str.contains(pct))
    others = (
        perf.filter(~pl.col("text").str.contains(pct))
        .group_by("unit_id", "table_id", "row")
        .agg(pl.col("text").str.join(" ").alias("row_words"))
    )
    targets = targets.join(others, on=["unit_id", "table_id", "row"], how="left").with_columns(
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
    hits = []
    for r in judged.iter_rows(named=True):
        target = r["text"]
        norm = target.replace("\\geq", "≥").replace("\\leq", "≤").replace("$", "")
        m = _PCT.search(norm)
        if not m or re.search(r"[≤<]|\\le|以下|以内", norm):
            continue
        v = float(m.group(1))
        if v > 100:
            words = r["words"].strip()
            hits.append(
                hit(
                    r["unit_id"],
                    r["line"],
                    f"{r['table_id']}：{words}\t{target.strip()}",
                    target.strip(),
                    "≤100%",
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


# ------------------------------------------------------------------ metadata only

_INDICATOR = r"^\s*指标\s*\d+\s*[:：]\s*\S"


@rule(
    "PRF004",
    "warning",
    "绩效指标缺少指标值",
    "Performance indicator without a target value",
    bad=_PRJ.format(row="指标1: 档案借阅服务。\t"),
    good=_PRJ.format(row="指标1: 档案借阅服务。\t≥300人次"),
)
def prf004(ctx: Context) -> Result:
    """绩效目标表中写了指标内容（指标1: …）却没有填写指标值。

    Catches: a row of a performance table (表13-x, 整体支出 and other 绩效 tables, not
    declared empty) whose indicator (指标N: text) is the last cell of its row: no target
    value was given. One finding per table, naming how many rows. Why it matters: an
    indicator without a target cannot be assessed at the end of the year, which is the
    point of the performance table.
    """
    cells = ctx["cells"]
    perf = cells.filter(
        pl.col("table_id").str.contains(r"^表1[345]") | pl.col("table_title").fill_null("").str.contains("绩效")
    )
    # Not the goals rows (年度总体目标: 指标1：… 指标2：…), which carry no values.
    rows = _last_in_row(
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
            f"{r['n']}项指标无指标值",
            "每项指标填写可考核的指标值",
            f"{r['table_id']}有{r['n']}项绩效指标（如“{r['text'].strip()[:30]}”）没有填写指标值。",
            f"{r['table_id']} has {r['n']} indicators (e.g. '{r['text'].strip()[:30]}') without a target value.",
        )
        for r in per.iter_rows(named=True)
    ]
    return Result(hits, ctx.status(perf.select("unit_id").unique()["unit_id"], "pass"))


@rule("OUT001", "warning", "与同类单位相比明显异常", "Unit far from its peers on named features", metadata_only=True)
def out001(ctx: Context) -> Result:
    """单位在若干特征（人均预算、“三公”占比、车均运行费等）上远离同类单位。

    Computed by the scoring module (features/, anomaly/scoring.py), not by run_rules:
    each unit is compared with its peers (same dominant 功能 class and kind of unit) on
    robust (median/MAD) scales and scored with an isolation forest; the message names
    the features furthest from the peers. Why it matters: a figure can be internally
    consistent and still implausible — a car running cost five times the peers'.
    """
    return Result()


@rule("CPY001", "warning", "数字向量与其他单位雷同", "Figure vector repeats another unit's", metadata_only=True)
def cpy001(ctx: Context) -> Result:
    """单位的主要数字（收支、人员、“三公”等）与另一单位完全相同。

    Computed by the cross-unit copy module, not by run_rules. Catches a disclosure that
    repeats another unit's figures: a template copied without updating. Why it matters:
    a unit's budget that is another unit's cannot be its own.
    """
    return Result()


@rule(
    "CPY002",
    "warning",
    "含数字的段落与其他单位逐字相同",
    "Paragraphs with figures repeat another unit's verbatim",
    metadata_only=True,
)
def cpy002(ctx: Context) -> Result:
    """单位说明中含数字的段落与另一单位逐字相同（仅单位名称不同）。

    Computed by the cross-unit copy module from the paragraph fingerprints in marks, not
    by run_rules. Why it matters: verbatim figures and reasons across units mean the text
    was copied, and its figures are likely not this unit's.
    """
    return Result()
