"""PLH: template placeholders left in the text or in a table (XX, ××, 待填, 指标1: with nothing after it)."""

from __future__ import annotations

import polars as pl

from anomaly.engine import Context, Result, rule
from anomaly.rules.common import PROJECT_TABLE, hit, last_in_row, plural, tables_read


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
    "占位符未替换（XX、××、**、□□、待填等）",
    "Placeholder left in (XX, ××, **, □□, 待填 …)",
    bad="本单位设×个内设机构。至上年末，单位登记在册的公务车辆3辆，单价超过50万元的专用设备**套。",
    good="本单位设4个内设机构。至上年末，单位登记在册的公务车辆3辆，单价超过50万元的专用设备1套。"
    "**公用经费**：按在编人数×定额标准核定。",
)
def plh001(ctx: Context) -> Result:
    """文中或表中留有模板占位符：XX、××、□□、待填、待定、请填写、下划线空格，以及数字位置上的X、×、**、＿＿、0000。

    查什么：文中或表中残留的各类模板占位符，如“设×个内设机构”“设备**台”“政府采购预算XXX万元”
    “设备0000台”“＿＿万元”，指标值写“待填”“待定”，或表格单元格只有X、**、□□。单个X或×、**、
    下划线和0000只在数字应出现的位置（计量单位或量词之前，或单独成格）才计，因此加粗标记、
    公式中的乘号和表格分隔线不会误报；目录声明为空表的表格骨架中的占位符不报。为什么重要：
    模板未填写意味着该数字从未提供，占位处的内容不构成公开。

    Catches: template residue in every form clerks leave: an equipment count left as XX (as in a real
    disclosure we studied), 设×个内设机构 ("× internal departments"), 设备**台 ("** pieces of
    equipment"), 政府采购预算XXX万元 (procurement budget XXX), 设备0000台, ＿＿万元, 待填 (to be filled
    in) or 待定 (to be decided) as a target value, a table cell that is only X, ** or □□. A single X or
    ×, **, __ and 0000 count only where a figure stands (before a unit or measure word, or as a whole
    cell), so markdown bold (**公用经费**), a formula's × (人数×定额, $\\times$) and table pipes never
    raise an alarm. Placeholders inside a table that the 目录 (table of contents) declares empty, i.e. a
    blank skeleton, are not reported. Why it matters: an unfilled template means a figure was never
    supplied; whatever stands there is not a disclosure.
    """
    m = ctx["marks"].filter(pl.col("kind") == "placeholder")
    m = _outside_empty_tables(ctx, m).sort("unit_id", "line")
    hits = [
        hit(
            r["unit_id"],
            r["line"],
            r["text"],
            r["key"],
            ("实际数字或内容", "the actual figure or text"),
            # The quote is a window of the line, cut anywhere: quoted as such, not ended as a
            # sentence. No line number: the finding's own names the file's line, page or sheet
            # row (the parser's line is another in a disclosure read from several files).
            f"留有模板占位符“{r['key']}”：“{r['text']}”",
            f"The template placeholder '{r['key']}' is still there: \"{r['text']}\"",
        )
        for r in m.iter_rows(named=True)
    ]
    return Result(hits, ctx.status(ctx.units["unit_id"], "pass"))


_TEMPLATE_ROW = r"^\s*(?:(?:指标|目标)\s*\d+\s*[:：]\s*)+$"


@rule(
    "PLH002",
    "warning",
    "绩效表留有未填写的模板行",
    "Unfilled template rows in a table",
    bad=PROJECT_TABLE.format(row="指标1:	"),
    good=PROJECT_TABLE.format(row="指标1: 完成档案扫描数量	≥12000卷"),
)
def plh002(ctx: Context) -> Result:
    """未声明为空表的表格中出现只有“指标1:”“目标1:”而无内容的模板行。

    查什么：未声明为空表的绩效表中，出现只有模板文字“指标1:”“目标1:”而其后没有任何内容的行；
    目录声明为空表的表格骨架不报，只读取了部分内容的文件中，文字延续到下一行的“目标1:”视为折行单元格。
    每张表报一条，注明行数。为什么重要：从未填写的目标无法考核。

    Catches: a row of a performance table that is just the template's 指标1: / 目标1: ("indicator 1:" /
    "target 1:") with nothing after it, in a table that the 目录 (table of contents) does not declare
    empty. A declared-empty skeleton, such as a blank 表15, passes; in a document that could be read
    only in part, a 目标1: whose sentence goes on in the next line's row is a wrapped cell, not an empty
    one. One finding per table, naming how many rows. Why it matters: targets that were never written
    cannot be assessed.
    """
    cells = ctx["cells"]
    # A template cell (指标1: / 目标1: 目标2:) with nothing to its right in its row.
    tmpl = last_in_row(cells, pl.col("text").str.contains(_TEMPLATE_ROW)).select(
        "unit_id", "table_id", "row", pl.col("text").alias("row_text"), "line"
    )
    declared = ctx["toc"].filter(pl.col("declared_empty").fill_null(False)).select("unit_id", "table_id")
    tmpl = tmpl.join(declared, on=["unit_id", "table_id"], how="anti")
    # In a document read in part, a 目标1: whose sentence goes on in the next line's one
    # cell (a converter printed a wrapped cell's pieces as rows) is no template row.
    partial = ctx.units.filter(pl.col("parse_status") == "partial").select("unit_id")
    keys = ["unit_id", "table_id", "row"]
    after = tmpl.join(partial, on="unit_id", how="semi").select("unit_id", "table_id", pl.col("row") + 1)
    rest = (
        cells.join(after, on=keys, how="semi")  # the rows after the template cells only
        .group_by(keys)
        .agg(pl.len().alias("n"), pl.col("text").first().alias("rest"), pl.col("line").min().alias("rest_line"))
        .filter((pl.col("n") == 1) & ~pl.col("rest").str.contains(r"指标|目标\s*\d"))
        .select("unit_id", "table_id", (pl.col("row") - 1).alias("row"), "rest_line")
    )
    tmpl = (
        tmpl.join(rest, on=keys, how="left")
        .filter(pl.col("rest_line").ne_missing(pl.col("line") + 1))
        .drop("rest_line")
    )
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
            (f"{r['n']}行仅有模板文字", f"{plural(r['n'], 'row')} of template text only"),
            (
                "填写指标内容与指标值，或在目录中声明空表",
                "the indicators and their targets filled in, or the table declared empty in the contents",
            ),
            f"{r['table_id']}有{r['n']}行只有“{r['row_text'].strip()}”之类的模板文字，未填写内容，且目录未声明为空表。",
            f"{r['table_id']} has {plural(r['n'], 'template row')} such as '{r['row_text'].strip()}' left unfilled, and the contents do not declare it empty.",
        )
        for r in per.iter_rows(named=True)
    ]
    has_tables = tables_read(ctx).select("unit_id").unique()
    return Result(hits, ctx.status(has_tables["unit_id"], "pass"))
