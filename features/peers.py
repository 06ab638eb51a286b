"""Peer groups: which units a unit is compared with.

A unit's peers share its dominant 功能 class (the 类 with the largest amount in 表1's
支出功能科目 column, e.g. 一般公共服务支出, 教育支出, 卫生健康支出) and its kind, read
from the unit name (镇/乡 → town, 街道 → subdistrict, 学校 → school, 医院 → health,
局/委/办/中心 → bureau), and within schools and health units their sort (幼儿园, 小学,
中学; 医院, 卫生院, 疾控): a kindergarten's costs per head are not a high school's.
Where such a group is too small to say what is normal, the unit falls back to coarser
groups, in this order:

    class·sort  →  class·kind  →  kind  →  class  →  全部 (all units)

Everything here is configurable: pass your own ``kind_rules`` / ``min_peers``.
"""

from __future__ import annotations

import polars as pl

# (kind, regular expression searched in the unit name with parentheses removed).
# Order matters: the first match wins (镇中心小学 is a school, 镇卫生院 a clinic,
# 街道办事处 a subdistrict, 乡村振兴局 a bureau).
KIND_RULES: list[tuple[str, str]] = [
    ("school", r"学校|中学|小学|幼儿园|学院|职业中专|职教中心|完小|教学点"),
    ("health", r"医院|卫生院|疾控|疾病预防控制|卫生服务中心|妇幼保健|卫生室"),
    ("subdistrict", r"街道"),
    ("town", r"[镇乡](?:人民政府|政府|党委|党政办公室)?$"),
    ("bureau", r"局|委|办|中心"),
]
OTHER_KIND = "other"

# kind -> (Chinese, English) label; the Chinese label is used in peer group keys.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "school": ("学校", "school"),
    "health": ("医疗卫生", "health"),
    "subdistrict": ("街道", "subdistrict"),
    "town": ("乡镇", "town"),
    "bureau": ("局委办", "bureau"),
    "other": ("其他", "other"),
}

# (kind, sort, regular expression): the sort of a school or health unit, first match wins.
SORT_RULES: list[tuple[str, str, str]] = [
    ("school", "幼儿园", r"幼儿园"),
    ("school", "小学", r"小学|完小|教学点"),
    ("school", "中学", r"中学|高中|初中"),
    ("school", "职业学校", r"职业|职教|中专"),
    ("health", "医院", r"医院"),
    ("health", "卫生院", r"卫生院|卫生室|社区卫生服务"),
    ("health", "公共卫生", r"疾控|疾病预防控制|妇幼|卫生监督|血站"),
]

ALL_GROUP = "全部"
MIN_PEERS = 8  # a group needs this many units (with the figure) to define "normal"
LEVELS = ["peer_l0", "peer_l1", "peer_l2", "peer_l3", "peer_l4"]  # finest to coarsest

# The standard 功能 classes (类), to name a class from a 7-digit item code when 表1 is missing.
FUNC_CLASS_NAME: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "229": "其他支出",
}

_NUMBERED = r"^\s*\d+\s*[、.．]\s*"


def _bare(name: pl.Expr) -> pl.Expr:
    return name.fill_null("").str.replace_all(r"[(（][^)）]*[)）]", "").str.strip_chars()


def kind_expr(name: pl.Expr, kind_rules: list[tuple[str, str]] | None = None) -> pl.Expr:
    """The kind of unit read from its name (an expression over the name column)."""
    rules = KIND_RULES if kind_rules is None else kind_rules
    clean = _bare(name)
    expr = pl.lit(OTHER_KIND)
    for kind, pattern in reversed(rules):
        expr = pl.when(clean.str.contains(pattern)).then(pl.lit(kind)).otherwise(expr)
    return expr


def sort_expr(name: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """The sort of a school or health unit read from its name (null for other kinds)."""
    clean = _bare(name)
    expr = pl.lit(None, dtype=pl.String)
    for k, sort, pattern in reversed(SORT_RULES):
        expr = pl.when((kind == k) & clean.str.contains(pattern)).then(pl.lit(sort)).otherwise(expr)
    return expr


def dominant_class(cells: pl.DataFrame, claims: pl.DataFrame) -> pl.DataFrame:
    """unit_id, peer_class: the 功能 class with the largest amount.

    From 表1's 支出功能科目 column (group 1, numbered rows like ``1、一般公共服务支出``);
    where a unit has no such rows, from its narrative 7-digit 功能 items summed by class.
    """
    t1 = (
        cells.lazy()
        .filter(
            (pl.col("table_id") == "表1")
            & (pl.col("group_index") == 1)
            & pl.col("value_yuan").is_not_null()
            & pl.col("row_label").str.contains(_NUMBERED)
        )
        .with_columns(cls=pl.col("row_label").str.replace(_NUMBERED, "").str.replace_all(r"\s", ""))
        .filter(pl.col("cls").str.ends_with("支出"))
        .group_by("unit_id", "cls")
        .agg(pl.col("value_yuan").sum())
    )
    items = (
        claims.lazy()
        .filter(pl.col("code").str.contains(r"^\d{7}$") & pl.col("current_yuan").is_not_null())
        .with_columns(
            cls=pl.col("code").str.slice(0, 3).replace_strict(FUNC_CLASS_NAME, default=None, return_dtype=pl.String)
        )
        .filter(pl.col("cls").is_not_null())
        .group_by("unit_id", "cls")
        .agg(pl.col("current_yuan").sum().alias("value_yuan"))
    )

    def top(lf: pl.LazyFrame) -> pl.LazyFrame:
        return (
            lf.filter(pl.col("value_yuan") > 0)
            .sort(["unit_id", "value_yuan", "cls"], descending=[False, True, False])
            .group_by("unit_id", maintain_order=True)
            .agg(pl.col("cls").first().alias("peer_class"))
        )

    from_table = top(t1)
    from_items = top(items).join(from_table.select("unit_id"), on="unit_id", how="anti")
    return pl.concat([from_table, from_items]).collect()


def unit_levels(
    units: pl.DataFrame, cells: pl.DataFrame, claims: pl.DataFrame, kind_rules: list[tuple[str, str]] | None = None
) -> pl.DataFrame:
    """unit_id, parse_status, peer_kind, peer_class and the levels peer_l0..peer_l4:
    everything about a unit's peers that the unit's own document decides."""
    zh = {k: v[0] for k, v in KIND_LABELS.items()}
    return (
        units.select("unit_id", "unit_name", "parse_status")
        .join(dominant_class(cells, claims), on="unit_id", how="left")
        .with_columns(peer_kind=kind_expr(pl.col("unit_name"), kind_rules))
        .with_columns(
            kind_zh=pl.col("peer_kind").replace_strict(zh, default=pl.col("peer_kind"), return_dtype=pl.String)
        )
        .with_columns(sort=sort_expr(pl.col("unit_name"), pl.col("peer_kind")))
        .with_columns(
            peer_l1=pl.when(pl.col("peer_class").is_not_null()).then(
                pl.format("{}·{}", pl.col("peer_class"), pl.col("kind_zh"))
            ),
            peer_l2=pl.col("kind_zh"),
            peer_l3=pl.col("peer_class"),
            peer_l4=pl.lit(ALL_GROUP),
        )
        .with_columns(
            peer_l0=pl.when(pl.col("sort").is_not_null() & pl.col("peer_class").is_not_null())
            .then(pl.format("{}·{}", pl.col("peer_class"), pl.col("sort")))
            .otherwise(pl.col("peer_l1"))
        )
        .select("unit_id", "parse_status", "peer_kind", "peer_class", *LEVELS)
    )


def choose_group(levels: pl.DataFrame, min_peers: int = MIN_PEERS) -> pl.DataFrame:
    """``levels`` (as unit_levels gives, over all units) with peer_group: the finest
    level with at least ``min_peers`` parsed units. The normalisation (features.long_form)
    may still fall back further for a figure that few units of the group state."""
    parsed = pl.col("parse_status") != "failed"
    choice = pl.lit(ALL_GROUP)
    for lvl in reversed(LEVELS[:-1]):
        n = parsed.sum().over(lvl)
        choice = pl.when(pl.col(lvl).is_not_null() & (n >= min_peers)).then(pl.col(lvl)).otherwise(choice)
    return levels.with_columns(peer_group=choice)


def peer_levels(
    units: pl.DataFrame,
    cells: pl.DataFrame,
    claims: pl.DataFrame,
    kind_rules: list[tuple[str, str]] | None = None,
    min_peers: int = MIN_PEERS,
) -> pl.DataFrame:
    """unit_id, peer_kind, peer_class, peer_l0..peer_l4 and peer_group."""
    levels = choose_group(unit_levels(units, cells, claims, kind_rules), min_peers)
    return levels.select("unit_id", "peer_kind", "peer_class", *LEVELS, "peer_group")


def within_year(wide: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """``wide`` with its peer levels keyed by the budget year when the run holds several
    years: a unit is compared with the units of its own year, never with its own other
    years (a persistent outlier would otherwise be its own peer, once a year). A run of
    one year is returned as it is."""
    w = wide.join(units.select("unit_id", "year"), on="unit_id", how="left")
    if w["year"].drop_nulls().n_unique() <= 1:
        return wide
    year = pl.col("year").cast(pl.String).fill_null("—")
    return w.with_columns(
        [pl.when(pl.col(lvl).is_not_null()).then(pl.format("{}年·{}", year, pl.col(lvl))).alias(lvl) for lvl in LEVELS]
    ).drop("year")
