"""Cross-unit outlier scoring: how far above its peers each unit spends.

Pipeline (``score_wide``):

1. Deviations. For each dimension of the budget in ``SCORING_FEATURES`` (money per
   head, personnel cost per head, recurring 三公 per head, vehicle running cost per
   vehicle, reception per head, 公用经费 per head, project share), the log of the
   unit's ratio: costs are skewed and compared as multiples ("twice the peers"), not
   differences. Reception and 三公 have a fixed part (every office receives some
   visitors), so per head they fall as units grow; for these (``SIZE_ADJUSTED``) the
   log ratio is corrected by a slope on log staff fitted once over all units within
   their peer groups (a trimmed least-squares fit of group-centred logs), i.e. they are
   compared on the scale they grow with.
2. ``upper_z`` within peer groups (features.normalize: the finest group with at least
   ``SCORE_MIN_PEERS`` units stating the figure; median and the distance to the 90th
   percentile), each feature then rescaled so that its 95th percentile over the run is
   a normal's (``calibrated``). Only the upper side counts: spending little is not a
   lead. A figure the unit's own checks dispute is left out (features.build.DISPUTES).
3. The isolation forest (``PeerOutlierScorer``: 200 trees, fixed random_state) on those
   upper deviations, clipped to [0, ``Z_CLIP``]: ``outlier_score`` = −score_samples,
   the original paper's s(x) in (0, 1], ≈0.5 for ordinary units.
4. ``peer_score`` combines them: deviation = the largest upper_z (a unit far out on one
   feature is not diluted by ten ordinary ones) + ``FOREST_WEIGHT``·10·(outlier_score −
   0.5) (units unusual on several features at once move up); peer_score = 1 −
   2^(−deviation / ``ALARM``), in [0, 1), 0.5 exactly at the alarm. It orders the pure
   outliers in the ranking. On the graded corpus a larger forest weight lowered
   average precision at every strength (see README, "Peer outliers").
5. OUT001 (warning) where deviation ≥ ``ALARM``, a threshold chosen on generated
   corpora for at most 0.5% of clean documents alarmed (README); named features are
   those with upper_z ≥ ``FEATURE_MIN``, each with the unit's value, the peer median,
   how many times the median that is and the peer group with its size.

With 决算 in the run, execution (features.over_time) is scored too (``TIMED_SCORING``:
the total's on both sides, 三公 and 公用经费 above), its deviation capped at the log
distance from the peer median over ``TIMED_MIN_SCALE``; without, the scores are as before.
With other years' budgets in the run, growth too (``GROWTH``: the total's and recurring
三公's change on last year, above only, floored the same way).

Left out of the scoring (still computed and shown): staff and plain 三公 year-over-year
changes (a few people in a small unit, a car bought: one-off events), shares that restate a scored dimension (三公 share of
the budget, reception share of 三公, budget per post, vacancy), small amounts with a
fixed part measured per head (meetings, training), and the error rates (errors rank a
unit through its findings already).
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl

import features as feats
from anomaly.engine import FINDING_COLUMNS
from features.labels import DISPUTED, FEATURE_INFO, SCORED_NAMES, SIZE, format_expr
from features.peers import LEVELS

RULE = "OUT001"


def __getattr__(name: str):
    """PeerOutlierScorer, imported on first use (anomaly.forest: scikit-learn and scipy
    take a second or more to import, which a run starts on a thread while it reads)."""
    if name == "PeerOutlierScorer":
        from anomaly.forest import PeerOutlierScorer

        return PeerOutlierScorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


FAMILY = "OUT"
TITLE = {"zh": "与同类单位相比明显偏高", "en": "Far above its peer units"}
SCORING_FEATURES = [
    "budget_per_staff",
    "personnel_cost_per_staff",
    "sangong_per_staff",
    "vehicle_cost_per_vehicle",
    "reception_per_staff",
    "public_funds_per_staff",
    "project_share",
]
# Features over time (features.over_time), scored when the run has them (a 决算 beside the
# budget): name → (feature of the wide frame, side). Execution of the total is two-sided,
# a unit spending far less than its budget as much a lead as one spending far more;
# 三公 and 公用经费 count only above (spending less of them is the rule, not a lead).
TIMED_SCORING = {
    "exec_total": ("exec_total", 1.0),
    "exec_total_under": ("exec_total", -1.0),
    "exec_sangong": ("exec_sangong", 1.0),
    "exec_public_funds": ("exec_public_funds", 1.0),
    "total_yoy": ("total_yoy", 1.0),
    "sangong_recurring_yoy": ("sangong_recurring_yoy", 1.0),
}
# Growth, above only: the year-over-year change of the total and 三公 (features.build, from
# the figures each budget states for last year; 三公 less 公务用车购置, a one-off), scored
# as log(1 + change) and only in a run holding other years' budgets of its units
# (features.over_time's staff_yoy): a single-year run is scored as before. Staff growth is left out: a few
# people more in a small unit is a large change and no lead.
GROWTH = ("total_yoy", "sangong_recurring_yoy")
UNDER = ("exec_total_under",)
# Peers' execution can be tight (most spend 95-100%): a rate a few points off is not a
# lead however tight they are. A timed feature's upper_z is at most its log distance
# from the peer median over this floor: the alarm (ALARM) then needs about 1.26x the
# median's rate above, or 0.55x below (normal units on generated corpora: 0.64-1.18).
TIMED_MIN_SCALE = {
    "exec_total": 0.07,
    "exec_total_under": 0.18,
    "exec_sangong": 0.07,
    "exec_public_funds": 0.07,
    # Peers growing 0-15% make 40% look far off; 2.5x the median's growth is an alarm.
    "total_yoy": 0.25,
    "sangong_recurring_yoy": 0.25,
}
SIZE_ADJUSTED = ("sangong_per_staff", "reception_per_staff")
SCORE_MIN_PEERS = 12  # a 90th percentile needs more peers than a median
Q95_NORMAL = 1.645
Z_CLIP = 10.0
FOREST_WEIGHT = 0.5
ALARM = 3.3  # deviation at which OUT001 fires (chosen on generated corpora, README)
OUT_MIN_UNITS = 20  # fewer scored units have no meaningful "normal"
FEATURE_MIN = 2.0  # a feature is named from this upper_z up
EXPLAIN_TOP = 3

SCORE_COLUMNS = {
    "unit_id": pl.String,
    "outlier_score": pl.Float64,
    "peer_score": pl.Float64,
    "deviation": pl.Float64,
    "peer_group": pl.String,
    "explanation": pl.String,
    "max_upper_z": pl.Float64,
    "top_feature": pl.String,
}


def _size_slope(dev: pl.DataFrame, feature: str) -> float:
    """Slope of log(feature) on log(staff) within peer groups (group-centred least
    squares, three times refitted without points beyond 2.5 robust sd)."""
    d = (
        dev.select("peer_group", y=pl.col(feature), x=pl.col("log_size"))
        .drop_nulls()
        .with_columns(
            y=pl.col("y") - pl.col("y").median().over("peer_group"),
            x=pl.col("x") - pl.col("x").median().over("peer_group"),
        )
    )
    x, y = d["x"].to_numpy(), d["y"].to_numpy()
    keep = np.ones(len(x), dtype=bool)
    slope = 0.0
    for _ in range(4):
        xx = float(x[keep] @ x[keep])
        if len(x) < OUT_MIN_UNITS or xx <= 1e-12:
            return 0.0
        slope = float(x[keep] @ y[keep]) / xx
        r = y - slope * x
        mad = float(np.median(np.abs(r - np.median(r))))
        keep = np.abs(r - np.median(r)) <= 2.5 * 1.4826 * max(mad, 1e-12)
    return round(slope, 6)


def deviations(wide: pl.DataFrame) -> pl.DataFrame:
    """The scorer's wide frame: unit_id, the peer columns and, per SCORING_FEATURES,
    the log of the unit's value (size-adjusted for SIZE_ADJUSTED); null where the
    value is missing or not positive, or rests on figures the unit's own checks
    dispute (features.build.DISPUTES). With features over time in ``wide``, the
    TIMED_SCORING features too."""
    disputed = (
        pl.col(DISPUTED).fill_null("").str.split(",") if DISPUTED in wide.columns else pl.lit([], pl.List(pl.String))
    )
    logs = [
        pl.when((pl.col(f) > 0) & ~disputed.list.contains(pl.lit(f))).then(pl.col(f).log()).alias(f)
        for f in SCORING_FEATURES
    ]
    # Over time: the log of the rate, negated for the lower side (upper_z then measures it).
    # Growth only in a run holding some unit's last-year budget (a history to break from).
    timed = "staff_yoy" in wide.columns and wide["staff_yoy"].is_not_null().any()
    rate = lambda f, col: pl.col(col) + 1.0 if f in GROWTH else pl.col(col)  # noqa: E731
    logs += [
        (side * pl.when((rate(f, col) > 0) & ~disputed.list.contains(pl.lit(col))).then(rate(f, col).log())).alias(f)
        for f, (col, side) in TIMED_SCORING.items()
        if col in wide.columns and (timed or f not in GROWTH)
    ]
    size = pl.when(pl.col(SIZE) > 0).then(pl.col(SIZE).log()) if SIZE in wide.columns else pl.lit(None)
    peers = [c for c in ("peer_group", *LEVELS) if c in wide.columns]
    dev = wide.select("unit_id", *peers, *logs, log_size=size.cast(pl.Float64))
    slopes = {f: _size_slope(dev, f) for f in SIZE_ADJUSTED}
    return dev.with_columns(
        [(pl.col(f) - slopes[f] * pl.col("log_size")).alias(f) for f in SIZE_ADJUSTED if slopes[f]]
    ).drop("log_size")


def calibrated(dev_long: pl.DataFrame) -> pl.DataFrame:
    """dev_long with each feature's upper_z rescaled so that its 95th percentile over
    the run's units is a normal's (1.645): a feature whose peer groups are loose (budget
    per head, with its one-off projects) has longer tails everywhere than a tight one
    (vehicle running cost per vehicle), and the largest deviation must not be the loose
    feature's by habit. The factor is kept within [0.5, 2]."""
    q95 = (
        dev_long.filter(pl.col("upper_z").is_not_null())
        .group_by("feature")
        .agg(factor=(Q95_NORMAL / pl.col("upper_z").quantile(0.95, "linear")).clip(0.5, 2.0))
    )
    return (
        dev_long.join(q95, on="feature", how="left")
        .with_columns(upper_z=pl.col("upper_z") * pl.col("factor").fill_null(1.0))
        .drop("factor")
    )


def floored(dev_long: pl.DataFrame) -> pl.DataFrame:
    """dev_long with each TIMED_SCORING feature's upper_z capped at its log distance from
    the peer median over TIMED_MIN_SCALE (the other features as they are)."""
    floor = pl.col("feature").replace_strict(TIMED_MIN_SCALE, default=None, return_dtype=pl.Float64)
    cap = (pl.col("value") - pl.col("peer_median")) / floor
    return dev_long.with_columns(
        upper_z=pl.when(floor.is_not_null() & pl.col("upper_z").is_not_null())
        .then(pl.min_horizontal("upper_z", cap))
        .otherwise(pl.col("upper_z"))
    )


def _matrix(long: pl.DataFrame, unit_ids: list[str], columns: list[str], value: str = "upper_z") -> np.ndarray:
    """Units × features matrix of ``value`` (NaN where missing), rows in unit_ids order."""
    z = (
        long.filter(pl.col("feature").is_in(columns))
        .select("unit_id", "feature", value)
        .pivot(on="feature", index="unit_id", values=value)
    )
    for c in columns:
        if c not in z.columns:
            z = z.with_columns(pl.lit(None, dtype=pl.Float64).alias(c))
    order = pl.DataFrame({"unit_id": unit_ids})
    z = order.join(z, on="unit_id", how="left", maintain_order="left")
    return z.select(columns).to_numpy().astype(np.float64)


def scored_ids(units: pl.DataFrame) -> list[str]:
    """The units the forest scores (those read), by content, not by unit_id (a hash of
    the file's path): the same files screened from another folder or machine get the
    same scores."""
    order = [c for c in ("content_sha1", "unit_id") if c in units.columns]
    return units.filter(pl.col("parse_status") != "failed").sort(order, nulls_last=True)["unit_id"].to_list()


def score_features(
    long: pl.DataFrame,
    unit_ids: list[str],
    *,
    columns: list[str] | None = None,
    value: str = "upper_z",
    random_state: int = 0,
) -> pl.DataFrame:
    """unit_id, outlier_score (the forest's), max_upper_z, deviation and peer_score of
    ``unit_ids`` from a long frame of deviations (features.long_form of ``deviations``).
    The forest reads the units in the order given (its samples are drawn by position):
    score_wide gives them in an order that does not depend on where the files are."""
    columns = SCORING_FEATURES if columns is None else columns
    ids = list(unit_ids)
    schema = {"unit_id": pl.String, "outlier_score": pl.Float64, "max_upper_z": pl.Float64}
    if not ids:
        frame = pl.DataFrame(schema=schema)
    else:
        X = np.clip(np.nan_to_num(_matrix(long, ids, columns, value), nan=0.0), 0.0, Z_CLIP)
        from anomaly.forest import PeerOutlierScorer

        scorer = PeerOutlierScorer(n_estimators=200, contamination="auto", random_state=random_state).fit(X)
        outlier = np.round(scorer.outlier_score(X), 6)  # rounded: stable text across platforms
        frame = pl.DataFrame({"unit_id": ids, "outlier_score": outlier, "max_upper_z": X.max(axis=1)}, schema=schema)
    deviation = (pl.col("max_upper_z") + FOREST_WEIGHT * 10 * (pl.col("outlier_score") - 0.5)).clip(lower_bound=0.0)
    return frame.with_columns(deviation=deviation.round(6)).with_columns(
        peer_score=(1 - (2.0 ** (-pl.col("deviation") / ALARM))).round(6)
    )


def _named(dev_long: pl.DataFrame, long: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The features behind each unit's deviation (upper_z ≥ FEATURE_MIN and above the
    peer median as printed, largest first, at most EXPLAIN_TOP), with the display figures of ``long``: unit_id, feature,
    upper_z, name, value, peer_median, times, peer_group, peer_n, text."""
    plain = {k: (v[1] if lang == "en" else v[0]) for k, v in FEATURE_INFO.items()}
    labels = plain | {k: (v[1] if lang == "en" else v[0]) for k, v in SCORED_NAMES.items()}
    named = dev_long.filter(pl.col("upper_z") >= FEATURE_MIN).select("unit_id", "feature", "upper_z")
    # Only the named units' display figures (a few in a hundred): a join with every unit's
    # would hash a province's long frame. A lower-side feature is shown as the rate it is
    # scored from (its value, median).
    shown = long.join(named.select("unit_id").unique(), on="unit_id", how="semi").select(
        "unit_id", "feature", "value", "peer_median", "peer_q90", "peer_group", "peer_n"
    )
    shown = pl.concat(
        [
            shown,
            *(shown.filter(pl.col("feature") == TIMED_SCORING[f][0]).with_columns(feature=pl.lit(f)) for f in UNDER),
        ]
    )
    under = pl.col("feature").is_in(UNDER)
    rows = (
        named.join(shown, on=["unit_id", "feature"], how="left")
        # A size-corrected cost can stand out while its plain per-head figure is below
        # the median (a large unit): naming it "above its peers" would read as false.
        .filter(
            pl.when(under)
            .then(pl.col("value") < pl.col("peer_median"))
            .otherwise(pl.col("value") > pl.col("peer_median"))
        )
        .sort(["unit_id", "upper_z", "feature"], descending=[False, True, False])
        .group_by("unit_id", maintain_order=True)
        .head(EXPLAIN_TOP)
        .with_columns(
            name=pl.col("feature").replace_strict(labels, default=pl.col("feature")),
            # What the peers' figures are of, without the direction the name gives.
            plain=pl.col("feature")
            .replace(TIMED_SCORING_COLUMNS)
            .replace_strict(plain, default=pl.col("feature").replace_strict(labels, default=pl.col("feature"))),
            # A change is compared as the level it leads to (+200% against +5%: 2.9×).
            times=pl.when(pl.col("feature").is_in(GROWTH))
            .then(((1 + pl.col("value")) / (1 + pl.col("peer_median"))).round(1))
            .when(pl.col("peer_median") > 0)
            .then((pl.col("value") / pl.col("peer_median")).round(1)),
        )
    )
    fmt = lambda e: format_expr(e, pl.col("feature").replace(TIMED_SCORING_COLUMNS), lang)  # noqa: E731
    value, median = fmt(pl.col("value")), fmt(pl.col("peer_median"))
    # A change's multiple is of the levels it leads to (+265.8% against +1.3%: 3.6×), not
    # of the two percentages: said so, lest 3.6× read as a rate 3.6 times the peers'.
    growth = pl.col("feature").is_in(GROWTH)

    def said(template: str) -> pl.Expr:  # each template: name, value, median, times, group, its size
        return pl.format(template, "name", value, median, "times", "peer_group", "peer_n")

    plain, changed = {
        "en": (
            "{} {}: the peer median {}, {}× it ({}, {} units)",
            "{} {}: the peer median {}, {}× the peers' level after the change ({}, {} units)",
        ),
        "zh": (
            "{} {}，为同类中位数 {} 的 {} 倍（{}，{} 个单位）",
            "{} {}，同类中位数 {}：变动后的水平为同类的 {} 倍（{}，{} 个单位）",
        ),
    }["en" if lang == "en" else "zh"]
    text = pl.when(growth).then(said(changed)).otherwise(said(plain))
    return rows.with_columns(text=text)


_TYPICAL = (pl.col("peer_median"), pl.col("peer_q90"))
TIMED_SCORING_COLUMNS = {f: col for f, (col, _side) in TIMED_SCORING.items()}


def _out_findings(units: pl.DataFrame, named: pl.DataFrame, scores: pl.DataFrame, lang: str) -> pl.DataFrame:
    scored = scores.filter(pl.col("deviation").is_not_null())
    if scored.height < OUT_MIN_UNITS:
        return pl.DataFrame(schema=FINDING_COLUMNS)
    alarmed = scored.filter(pl.col("deviation") >= ALARM).select("unit_id")
    rows = named.join(alarmed, on="unit_id", how="semi")
    if rows.height == 0:
        return pl.DataFrame(schema=FINDING_COLUMNS)
    fmt = lambda e: format_expr(e, pl.col("feature").replace(TIMED_SCORING_COLUMNS), lang)  # noqa: E731
    # A unit far below its peers on a lower-side feature is "far from" them, not "above".
    if lang == "en":
        msg = ("Far above its peers ({}, {} units): {}", "Far from its peers ({}, {} units): {}")
        st = (
            pl.when(pl.col("feature").is_in(GROWTH))
            .then(pl.format("{} {} ({}× the peers' level after the change)", "name", fmt(pl.col("value")), "times"))
            .otherwise(pl.format("{} {} ({}× the peer median)", "name", fmt(pl.col("value")), "times"))
        )
        exp = pl.format("{}: peer median {}, 90% of peers at most {}", "plain", *map(fmt, _TYPICAL))
        exp_under = pl.format("{}: peer median {}", "plain", fmt(pl.col("peer_median")))
        sep, ev_sep = ", ", "; "
    else:
        msg = ("与同类单位（{}，{} 个）相比明显偏高：{}", "与同类单位（{}，{} 个）相比明显偏离：{}")
        st = (
            pl.when(pl.col("feature").is_in(GROWTH))
            .then(pl.format("{} {}（变动后的水平为同类的 {} 倍）", "name", fmt(pl.col("value")), "times"))
            .otherwise(pl.format("{} {}（同类中位数的 {} 倍）", "name", fmt(pl.col("value")), "times"))
        )
        exp = pl.format("{}：同类中位数 {}，九成同类不超过 {}", "plain", *map(fmt, _TYPICAL))
        exp_under = pl.format("{}：同类中位数 {}", "plain", fmt(pl.col("peer_median")))
        sep, ev_sep = "、", "；"
    exp = pl.when(pl.col("feature").is_in(UNDER)).then(exp_under).otherwise(exp)
    agg = (
        rows.with_columns(st=st, exp=exp, key=pl.format("{}={}", pl.col("feature"), pl.col("value").round(6)))
        .group_by("unit_id", maintain_order=True)
        .agg(
            peer_group=pl.col("peer_group").first(),
            peer_n=pl.col("peer_n").first(),
            names=pl.col("name").str.join(sep),
            evidence=pl.col("text").str.join(ev_sep),
            stated=pl.col("st").first(),
            expected=pl.col("exp").first(),
            key=pl.col("key").str.join("|"),
            under=pl.col("feature").is_in(UNDER).any(),
        )
    )
    out = agg.join(units.select("unit_id", "source_path"), on="unit_id", how="left").with_columns(
        rule=pl.lit(RULE),
        family=pl.lit(FAMILY),
        severity=pl.lit("warning"),
        message=pl.when(pl.col("under"))
        .then(pl.format(msg[1], "peer_group", "peer_n", "names"))
        .otherwise(pl.format(msg[0], "peer_group", "peer_n", "names")),
        line=pl.lit(None, dtype=pl.Int64),
        page=pl.lit(None, dtype=pl.Int64),
        place=pl.lit(None, dtype=pl.String),
        title=pl.lit(TITLE.get(lang, TITLE["zh"])),
        fingerprint=pl.format("{}|{}|{}", pl.lit(RULE), pl.col("unit_id"), pl.col("key")).map_elements(
            lambda s: hashlib.sha1(s.encode()).hexdigest()[:16], return_dtype=pl.String
        ),
    )
    return out.select(list(FINDING_COLUMNS)).sort("unit_id")


def score_units(
    frames: dict[str, pl.DataFrame],
    findings: pl.DataFrame | None = None,
    coverage: pl.DataFrame | None = None,
    lang: str = "zh",
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(scores, features_long, out_findings) for every unit of frames["units"].

    scores: SCORE_COLUMNS (outlier_score and peer_score null for failed files).
    features_long: see features.long_form. out_findings: OUT001 rows with the findings
    columns (+ title, fingerprint).
    """
    return score_wide(feats.build(frames, findings, coverage), frames["units"], lang)


def score_wide(
    wide: pl.DataFrame, units: pl.DataFrame, lang: str = "zh"
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """score_units from the wide features (features.build or assign_peers) of every unit."""
    long = feats.long_form(wide)
    dev_long = floored(calibrated(feats.long_form(deviations(wide), min_peers=SCORE_MIN_PEERS)))
    parsed = scored_ids(units)
    named = _named(dev_long, long, lang)
    # Features over time enter the forest only when the run has them: a run without 决算
    # fits the very forest it fitted before.
    timed = dev_long.filter(pl.col("feature").is_in(list(TIMED_SCORING)) & pl.col("upper_z").is_not_null())
    columns = SCORING_FEATURES + [f for f in TIMED_SCORING if f in set(timed["feature"].unique())]
    explained = named.group_by("unit_id", maintain_order=True).agg(
        explanation=pl.col("text").str.join("; " if lang == "en" else "；"), top_feature=pl.col("feature").first()
    )
    scores = (
        wide.select("unit_id", "peer_group")
        .join(score_features(dev_long, parsed, columns=columns), on="unit_id", how="left")
        .join(explained, on="unit_id", how="left")
        .with_columns(pl.col("explanation").fill_null(""))
        .select(list(SCORE_COLUMNS))
        .sort("unit_id")
    )
    return scores, long, _out_findings(units, named, scores, lang)
