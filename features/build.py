"""Per-unit features from the parsed frames, as Polars expressions (no row loops).

Where figures come from (first source that has the figure wins):

- total budget: ``units.total_budget_yuan``
- staff and vehicles: ``units.staff_authorized`` / ``staff_actual`` / ``vehicles``
- 三公: ``units.sangong_total_yuan`` / ``sangong_prior_yuan``, else the ``sangong`` claim;
  sangong_share and sangong_per_staff use recurring 三公 (less 公务用车购置, a one-off)
- shares (reception, 三公, project) above 1 are impossible → null (a slip for the checks)
- 三公 parts, 会议费, 培训费, 公用经费: the first claim of the item (claims.item)
- personnel cost (工资福利支出): 表1 部门经济 column (group 2) rows ``工资福利支出``
  summed, else the narrative 301 item, else 501
- 公用经费 fallback: 表1 group 2 ``商品和服务支出`` above the ``专项业务经费支出`` row
- project share: 表1 group 2 ``专项业务经费支出`` (or 项目支出) / total
- total change: the first of income_total / expenditure_total / gpb_expenditure /
  fiscal_income claims stating a prior or a change: signed change / prior
- error rates: PCT findings per stated percentage (claims.pct), and failed
  ARI/YOY/SAN/XTB/NAR checks per such check run (coverage plus findings)

A figure that is missing, or a denominator that is missing or zero, gives a null
feature; the unit keeps its other features.
"""

from __future__ import annotations

import polars as pl

from features.labels import DISPUTED, FEATURES, SIZE
from features.peers import LEVELS, MIN_PEERS, choose_group, unit_levels

ARITH_FAMILIES = ("ARI", "YOY", "SAN", "XTB", "NAR")
TOTAL_ITEMS = ("income_total", "expenditure_total", "gpb_expenditure", "fiscal_income")
CLAIM_ITEMS = (
    "reception",
    "vehicle_running",
    "vehicle_purchase",
    "sangong_abroad",
    "meeting",
    "training",
    "public_funds",
    "sangong",
)


# Which features rest on the figures a failed check disputes: a unit whose 三公 parts do
# not add up, or whose staff parts differ from the total, has no reliable 三公 or per-head
# figure to compare with its peers (its finding is the lead; compared after correction).
PER_HEAD = (
    "budget_per_staff",
    "personnel_cost_per_staff",
    "sangong_per_staff",
    "reception_per_staff",
    "public_funds_per_staff",
)
SANGONG = ("sangong_per_staff", "reception_per_staff", "vehicle_cost_per_vehicle", "sangong_share", "reception_share")
TOTAL = ("budget_per_staff", "project_share", "sangong_share")
ECONOMIC = ("personnel_cost_per_staff", "project_share")
DISPUTES: dict[str, tuple[str, ...]] = {
    "STF001": PER_HEAD,
    "STF002": PER_HEAD,
    "SAN001": SANGONG,
    "NAR008": SANGONG,
    "NAR005": ("public_funds_per_staff",),
    "NAR007": ("public_funds_per_staff",),
    "NAR001": TOTAL,
    "NAR010": TOTAL,
    "NAR011": TOTAL,
    "ARI001": TOTAL,
    "XTB001": TOTAL,
    "XTB003": TOTAL,
    "PRF002": TOTAL,
    "ARI002": ECONOMIC,
    "NAR003": ECONOMIC,
    "NAR004": ECONOMIC,
    "NAR009": ECONOMIC,
    "NAR012": ECONOMIC,
    "UNT001": tuple(dict.fromkeys(PER_HEAD + SANGONG + TOTAL)),  # an amount in the wrong unit: any of them
}


def _disputed(findings: pl.DataFrame | None) -> pl.LazyFrame | None:
    """unit_id, disputed: the features (comma-separated, sorted) resting on figures the
    unit's failed checks dispute."""
    if findings is None or findings.height == 0:
        return None
    pairs = pl.DataFrame(
        [(rule, f) for rule, fs in DISPUTES.items() for f in fs], schema=["rule", "feature"], orient="row"
    )
    return (
        findings.lazy()
        .select("unit_id", "rule")
        .unique()
        .join(pairs.lazy(), on="rule")
        .group_by("unit_id")
        .agg(pl.col("feature").unique().sort().str.join(",").alias(DISPUTED))
    )


def _ratio(num: str | pl.Expr, den: str | pl.Expr) -> pl.Expr:
    """num / den, null where the denominator is null or not positive."""
    n = pl.col(num) if isinstance(num, str) else num
    d = pl.col(den) if isinstance(den, str) else den
    return pl.when(d > 0).then(n / d).otherwise(None)


def _share(part: str | pl.Expr, whole: str | pl.Expr) -> pl.Expr:
    """part / whole, null where it exceeds 1: a part larger than its whole is a unit slip
    or a misread figure (the UNT/SAN checks' business), not a peer comparison."""
    r = _ratio(part, whole)
    return pl.when(r <= 1.0 + 1e-9).then(r)


def _claim_figures(claims: pl.LazyFrame) -> pl.LazyFrame:
    """unit_id + one column per item in CLAIM_ITEMS (first stated current amount, 元)."""
    firsts = (
        claims.filter(pl.col("item").is_in(CLAIM_ITEMS) & pl.col("current_yuan").is_not_null())
        .sort("unit_id", "claim_id")
        .group_by("unit_id", "item", maintain_order=True)
        .agg(pl.col("current_yuan").first())
    )
    return firsts.group_by("unit_id").agg(
        [pl.col("current_yuan").filter(pl.col("item") == it).first().alias(it) for it in CLAIM_ITEMS]
    )


def _code_figures(claims: pl.LazyFrame) -> pl.LazyFrame:
    """unit_id, econ_301, econ_501: the narrative 工资福利支出 items."""
    return (
        claims.filter(pl.col("code").is_in(["301", "501"]) & pl.col("current_yuan").is_not_null())
        .sort("unit_id", "claim_id")
        .group_by("unit_id")
        .agg(
            econ_301=pl.col("current_yuan").filter(pl.col("code") == "301").first(),
            econ_501=pl.col("current_yuan").filter(pl.col("code") == "501").first(),
        )
    )


def _table1_figures(cells: pl.LazyFrame) -> pl.LazyFrame:
    """unit_id, t1_personnel, t1_project, t1_public from 表1's 部门经济 column (group 2)."""
    g2 = cells.filter(
        (pl.col("table_id") == "表1") & (pl.col("group_index") == 2) & pl.col("value_yuan").is_not_null()
    ).with_columns(label=pl.col("row_label").fill_null("").str.replace_all(r"\s", ""))
    is_project = pl.col("label").str.contains(r"专项业务经费支出|^[0-9一二三四五六七八九十]+[、.．]?项目支出")
    project_row = pl.col("row").filter(is_project).min().over("unit_id")
    g2 = g2.with_columns(project_row=project_row)
    personnel = pl.col("label").str.contains(r"工资福利支出$") & ~pl.col("label").str.contains("机关")
    goods = pl.col("label").str.contains(r"商品和服务支出$") & ~pl.col("label").str.contains("机关")
    basic = pl.col("project_row").is_null() | (pl.col("row") < pl.col("project_row"))
    return g2.group_by("unit_id").agg(
        t1_personnel=pl.when(personnel.any()).then(pl.col("value_yuan").filter(personnel).sum()),
        t1_project=pl.col("value_yuan").filter(is_project).first(),
        t1_public=pl.col("value_yuan").filter(goods & basic).first(),
    )


def _total_change(claims: pl.LazyFrame) -> pl.LazyFrame:
    """unit_id, total_yoy: signed change / prior of the first stated total with a comparison."""
    prio = {k: i for i, k in enumerate(TOTAL_ITEMS)}
    sign = pl.col("direction").replace_strict(
        {"increase": 1.0, "decrease": -1.0, "flat": 0.0}, default=None, return_dtype=pl.Float64
    )
    signed = pl.when(pl.col("direction") == "flat").then(0.0).otherwise(pl.col("change_yuan") * sign)
    prior = pl.coalesce(pl.col("prior_yuan"), pl.col("current_yuan") - signed)
    change = pl.coalesce(signed, pl.col("current_yuan") - pl.col("prior_yuan"))
    return (
        claims.filter(pl.col("item").is_in(TOTAL_ITEMS) & pl.col("current_yuan").is_not_null())
        .with_columns(prio=pl.col("item").replace_strict(prio, return_dtype=pl.Int64), prior_=prior, change_=change)
        .filter(pl.col("prior_").is_not_null() & pl.col("change_").is_not_null())
        .sort("unit_id", "prio", "claim_id")
        .group_by("unit_id", maintain_order=True)
        .agg(total_yoy=_ratio(pl.col("change_").first(), pl.col("prior_").first()))
    )


def _error_rates(
    claims: pl.LazyFrame, findings: pl.DataFrame | None, coverage: pl.DataFrame | None
) -> pl.LazyFrame | None:
    """unit_id, pct_error_rate, arith_error_rate (null where nothing was checked)."""
    if findings is None and coverage is None:
        return None
    if findings is None:
        findings = pl.DataFrame(schema={"unit_id": pl.String, "rule": pl.String, "family": pl.String})
    f = findings.lazy().select(
        "unit_id",
        "rule",
        family=pl.col("rule").str.slice(0, 3) if "family" not in findings.columns else pl.col("family"),
    )
    stated = claims.filter(pl.col("pct").is_not_null()).group_by("unit_id").agg(n_pct=pl.len())
    pct_err = f.filter(pl.col("family") == "PCT").group_by("unit_id").agg(n_pct_err=pl.len())
    pct = stated.join(pct_err, on="unit_id", how="full", coalesce=True).select(
        "unit_id",
        pct_error_rate=_ratio(pl.col("n_pct_err").fill_null(0), pl.col("n_pct").cast(pl.Float64)).clip(upper_bound=1.0),
    )
    if coverage is None:
        return pct.with_columns(arith_error_rate=pl.lit(None, dtype=pl.Float64))
    cov = coverage.lazy().filter(pl.col("rule").str.slice(0, 3).is_in(ARITH_FAMILIES))
    n_pass = pl.col("count").sum() if "count" in coverage.columns else pl.len()
    passes = cov.filter(pl.col("outcome") == "pass").group_by("unit_id").agg(n_pass=n_pass)
    failed = (
        pl.concat(
            [
                cov.filter(pl.col("outcome") == "fail").select("unit_id", "rule"),
                f.filter(pl.col("family").is_in(ARITH_FAMILIES)).select("unit_id", "rule"),
            ]
        )
        .unique()
        .group_by("unit_id")
        .agg(n_fail=pl.len())
    )
    arith = passes.join(failed, on="unit_id", how="full", coalesce=True).select(
        "unit_id",
        arith_error_rate=_ratio(
            pl.col("n_fail").fill_null(0).cast(pl.Float64),
            (pl.col("n_pass").fill_null(0) + pl.col("n_fail").fill_null(0)).cast(pl.Float64),
        ),
    )
    return pct.join(arith, on="unit_id", how="full", coalesce=True)


def build(
    frames: dict[str, pl.DataFrame],
    findings: pl.DataFrame | None = None,
    coverage: pl.DataFrame | None = None,
    *,
    min_peers: int = MIN_PEERS,
    kind_rules: list[tuple[str, str]] | None = None,
) -> pl.DataFrame:
    """Wide per-unit features: unit_id, one column per FEATURES name, peer_group
    (plus peer_kind, peer_class and the fallback levels peer_l0..peer_l4).

    Every unit of ``frames["units"]`` has a row (failed ones with null features).
    """
    return assign_peers(unit_features(frames, findings, coverage, kind_rules=kind_rules), min_peers=min_peers)


def assign_peers(wide: pl.DataFrame, min_peers: int = MIN_PEERS) -> pl.DataFrame:
    """unit_features' rows (of every unit of the run) with their peer_group chosen."""
    out = choose_group(wide, min_peers)
    return out.select("unit_id", *FEATURES, SIZE, DISPUTED, "peer_group", "peer_kind", "peer_class", *LEVELS)


def unit_features(
    frames: dict[str, pl.DataFrame],
    findings: pl.DataFrame | None = None,
    coverage: pl.DataFrame | None = None,
    *,
    kind_rules: list[tuple[str, str]] | None = None,
) -> pl.DataFrame:
    """Per-unit features and peer levels: what one unit's document decides, so a run
    can compute it batch by batch and choose peer groups once over all units."""
    units = frames["units"]
    claims = frames["claims"].lazy()
    cells = frames["cells"].lazy()

    base = units.lazy().select(
        "unit_id",
        "total_budget_yuan",
        "sangong_total_yuan",
        "sangong_prior_yuan",
        pl.col("staff_authorized", "staff_actual", "vehicles").cast(pl.Float64),
    )
    wide = (
        base.join(_claim_figures(claims), on="unit_id", how="left")
        .join(_code_figures(claims), on="unit_id", how="left")
        .join(_table1_figures(cells), on="unit_id", how="left")
        .join(_total_change(claims), on="unit_id", how="left")
    )
    disputed = _disputed(findings)
    if disputed is not None:
        wide = wide.join(disputed, on="unit_id", how="left")
    else:
        wide = wide.with_columns(pl.lit(None, dtype=pl.String).alias(DISPUTED))
    rates = _error_rates(claims, findings, coverage)
    if rates is not None:
        wide = wide.join(rates, on="unit_id", how="left")
    else:
        wide = wide.with_columns(
            pct_error_rate=pl.lit(None, dtype=pl.Float64), arith_error_rate=pl.lit(None, dtype=pl.Float64)
        )

    total, actual, auth = pl.col("total_budget_yuan"), pl.col("staff_actual"), pl.col("staff_authorized")
    sangong = pl.coalesce("sangong_total_yuan", "sangong")
    # Recurring 三公 (出国 + 接待 + 用车运行): a car purchase is a one-off capital item
    # that makes 三公 jump in the year it happens; peers are compared without it.
    recurring = sangong - pl.col("vehicle_purchase").fill_null(0.0)
    personnel = pl.coalesce("t1_personnel", "econ_301", "econ_501")
    public = pl.coalesce("public_funds", "t1_public")
    wide = wide.with_columns(
        budget_per_authorized=_ratio(total, auth),
        budget_per_staff=_ratio(total, actual),
        personnel_cost_per_staff=_ratio(personnel, actual),
        vacancy_rate=pl.when(auth > 0).then(1.0 - actual / auth),
        sangong_share=_share(recurring, total),
        sangong_per_staff=_ratio(recurring, actual),
        vehicle_cost_per_vehicle=_ratio("vehicle_running", "vehicles"),
        reception_share=_share("reception", sangong),
        reception_per_staff=_ratio("reception", actual),
        public_funds_per_staff=_ratio(public, actual),
        meeting_per_staff=_ratio("meeting", actual),
        training_per_staff=_ratio("training", actual),
        project_share=_share("t1_project", total),
        sangong_yoy=_ratio(sangong - pl.col("sangong_prior_yuan"), "sangong_prior_yuan"),
    )
    levels = unit_levels(units, frames["cells"], frames["claims"], kind_rules=kind_rules)
    return (
        wide.select("unit_id", *[pl.col(f).cast(pl.Float64) for f in FEATURES], pl.col(SIZE).cast(pl.Float64), DISPUTED)
        .collect()
        .with_columns(pl.all().exclude("unit_id", DISPUTED).fill_nan(None))
        .join(levels, on="unit_id", how="left", maintain_order="left")
    )
