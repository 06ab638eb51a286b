"""CMP: completeness — the tables the 目录 promises, reasons for empty tables, the required narrative parts."""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.money import plural
from anomaly.rules.common import hit, tables_read
from datasets.roles import role_of

_TOC = """目 录

序号	内 容	是否空表	公开空表理由
表1	2024年单位综合预算收支总表	否	
表9	2024年单位综合预算政府性基金收支表	是	{r9}
表15	2024年专项资金整体绩效目标表	是	不涉及
"""

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


def _role(e: pl.Expr) -> pl.Expr:
    """The role a table's title names (datasets.roles), null when it names none."""
    # Each distinct title once: a county's tables share a few dozen titles.
    return e.map_batches(_roles, return_dtype=pl.String).alias("role")


def _roles(titles: pl.Series) -> pl.Series:
    distinct = titles.drop_nulls().unique().to_list()
    return titles.replace_strict(distinct, [role_of(t) for t in distinct], default=None, return_dtype=pl.String)


# Cells only a performance table prints: its indicator columns, the first-level
# indicators in its rows, the 整体支出 table's task columns. A piece of one (cut from it
# by a page break) is no missing 收支 table.
_PERFORMANCE_CELLS = ["一级指标", "二级指标", "三级指标", "指标值", "产出指标", "效益指标", "满意度指标", "任务名称"]
_PERFORMANCE_ROLES = ("project_perf", "overall_perf", "fund_perf")


def _kind(role: pl.Expr) -> pl.Expr:
    """A table's role, the performance tables' as one: a piece cannot tell which it is."""
    return pl.when(role.is_in(_PERFORMANCE_ROLES)).then(pl.lit("performance")).otherwise(role)


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

    查什么：目录中“是否空表”标为“否”的报表，正文中却没有。报表按编号（表13以表13-1等形式出现即算）或按标题
    （如未标“表14”的整体支出绩效目标表）识别，只读取了部分内容的文件中正文印有其编号和标题也算；
    每个单位只报一条，列出全部缺失报表，便于一次性要求补充；文中有无法识别名称的报表且数量与缺失数相当时，
    判为数据不足而不报。为什么重要：目录是单位自己对公开内容的声明，目录有而正文无，即为应公开而未公开。

    Catches: tables that the 目录 (the table of contents, which marks each table as empty or not)
    declares non-empty (否) but that the document does not contain. A table counts as present under its
    number (表13 is present as 表13-1 …), under its title (the whole-unit performance table,
    整体支出绩效目标表, printed without its number 表14), or, in a document that could be read only in
    part, by its number and title printed in the body even though its cells could not be read. One
    finding per unit lists every missing table, so that an analyst can ask for all of them in one
    request; a real disclosure we studied lacked eight declared tables (表2, 表3, 表5, 表6, 表7, 表8,
    表10 and 表12). If the document holds tables whose name could not be identified, as many as are
    missing, the unit is reported as insufficient data rather than as a finding (an unnamed table that
    looks like part of a performance table can stand only for a missing performance table). Why it
    matters: the 目录 is the unit's own statement of what it publishes; a table listed there but absent
    was due and was not disclosed.
    """
    toc = ctx["toc"].filter(~pl.col("declared_empty").fill_null(False))
    # The 目录 names tables as printed (表七, 附表1-3): match them by the printed id.
    present = (
        tables_read(ctx)
        .select("unit_id", pl.coalesce("table_printed", "table_id").alias("table_id"), "table_title")
        .unique()
    )
    ids = present.with_columns(
        pl.col("table_id").str.replace(r"-\d+$", "").alias("tid"), _role(pl.col("table_title"))
    ).select("unit_id", "tid", "role")
    # In a document the reader could not wholly read (partial: the parser marks the
    # printed headings of those only), a table whose id and title are printed is there,
    # though its cells were not read (a converter's reading order jumbled them).
    # Elsewhere a heading without cells is a table printed empty.
    headings = ctx["marks"].filter(pl.col("kind") == "table_heading")
    ids = pl.concat(
        [
            ids,
            headings.select("unit_id", pl.col("key").str.replace(r"-\d+$", "").alias("tid"), _role(pl.col("text"))),
        ]
    ).unique()
    titles = present.select("unit_id", _title_key(pl.col("table_title")).alias("tkey")).unique()
    t = toc.with_columns(_title_key(pl.col("title")).alias("tkey"), _role(pl.col("title")).alias("toc_role"))
    # Present under the number, unless its title names another table (a workbook's sheet
    # 附表2 整体支出绩效目标表 is not the 目录's 表2 收入总表).
    by_id = (
        t.join(ids, left_on=["unit_id", "table_id"], right_on=["unit_id", "tid"])
        .filter(pl.col("role").is_null() | pl.col("toc_role").is_null() | (pl.col("role") == pl.col("toc_role")))
        .select("unit_id", "table_id")
        .unique()
    )
    missing = t.join(by_id, on=["unit_id", "table_id"], how="anti").join(titles, on=["unit_id", "tkey"], how="anti")
    # Tables the parser could not number may be the missing ones, unless their title
    # names another table (a performance table is not the 收入总表), or their cells are
    # a performance table's (its indicator rows, cut from it by a wrapped sentence or a
    # page break).
    indicators = (
        ctx["cells"]
        .filter(pl.col("table_id").str.starts_with("表?"))
        .filter(pl.col("text").str.replace_all(r"\s+", "").is_in(_PERFORMANCE_CELLS))
        .select("unit_id", "table_id", pl.lit("performance").alias("by_cells"))
        .unique()
    )
    nameless = (
        present.filter(pl.col("table_id").str.starts_with("表?"))
        .with_columns(_role(pl.col("table_title")))
        .join(indicators, on=["unit_id", "table_id"], how="left")
        .with_columns(pl.coalesce(_kind(pl.col("role")), "by_cells").alias("role"))
        .drop("by_cells")
    )
    missing_roles = missing.select("unit_id", _kind(pl.col("toc_role")).alias("role")).drop_nulls().unique()
    unnamed = (
        pl.concat(
            [
                nameless.filter(pl.col("role").is_null()).select("unit_id", "table_id"),
                nameless.join(missing_roles, on=["unit_id", "role"]).select("unit_id", "table_id"),
            ]
        )
        .unique()
        .group_by("unit_id")
        .agg(pl.len().alias("n_unnamed"))
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
                (f"目录声明非空：{ids_s}", f"declared non-empty in the contents: {ids_s}"),
                ("报表应公开", "the tables published"),
                f"目录声明{ids_s}（共{len(r['ids'])}张）不是空表，但正文中没有这些报表。",
                f"The contents declare {ids_s} ({plural(len(r['ids']), 'table')}) non-empty, but the document does not contain "
                + ("it." if len(r["ids"]) == 1 else "them."),
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

    查什么：目录中声明为空表（“是”）的报表，“公开空表理由”一栏却为空。为什么重要：空表只有在说明理由（如
    “不涉及”“无此项支出”）时才允许公开；没有理由，空表本身就无从解释。

    Catches: a table that the 目录 (the table of contents) declares empty (是) while its column for the
    reason an empty table is published (公开空表理由) is left blank. Why it matters: publishing an empty
    table is allowed only with a reason, such as 不涉及 (does not apply to this unit) or 无此项支出 (no
    such spending); without one, the emptiness itself is unexplained.
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
            ("是否空表：是；理由：（空）", "declared empty; reason: (blank)"),
            ("填写公开空表理由", "a reason for publishing the table empty"),
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

    查什么：单位预算公开说明缺少规定部分——人员情况、收支说明、“三公”经费、国有资产占有使用、政府采购、
    绩效目标、公用经费——全文既无该部分标题，也找不到相应数字。仅对结构可辨识（至少具备其中三个部分）的文件判断，
    片段或其他类型的文件不报。为什么重要：公开规定要求这些部分必须披露，缺少某一部分即为应公开而未公开的信息。

    Catches: a required part of the unit's budget disclosure statement (单位预算公开说明) that has
    neither a heading nor its figures anywhere in the document. The required parts are: staff
    (人员情况), income and expenditure (收支说明), the 三公 expenses (“三公”经费: official travel
    abroad, official vehicles and official receptions), state assets held and used (国有资产占有使用),
    government procurement (政府采购), performance targets (绩效目标) and running costs (公用经费).
    Judged only for documents that have a recognisable structure (at least three of these parts), so a
    fragment or a different kind of document is not reported. Why it matters: the disclosure (公开)
    rules make these parts mandatory; a missing part is information the unit did not disclose.
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
                ("（无此部分）", "(no such part)"),
                (zh, en),
                f"说明中缺少规定的部分：{zh}。",
                f"The disclosure lacks required parts: {en}.",
            )
        )
    return Result(hits, ctx.status(structured["unit_id"], "pass"))
