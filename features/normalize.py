"""Robust normalisation of features within peer groups (median and MAD).

For each feature and unit, the peer group is the finest level (peer_l0 … peer_l4,
see features.peers) in which at least ``min_peers`` units state that feature; the
coarsest level (all units) is the last resort whatever its size.

    robust_z = (value − peer_median) / scale
    scale    = 1.4826 · MAD                                (MAD = median |x − median|)
             → 1.2533 · mean |x − median|    where MAD = 0  (most peers identical)
             → z = 0                         where both are 0 (all peers identical)

``peer_mad`` is the unscaled MAD as computed (it may be 0); ``peer_scale`` is the
divisor actually used.

``upper_z`` measures only how far *above* its peers a unit is, on the scale of the
group's own upper half: (value − median) / ((q90 − median) / 1.2816), the distance
from the median to the 90th percentile read as 1.28 standard deviations (falling back
to ``peer_scale`` where that distance is 0). Overspending is what oversight looks for,
and costs are skewed: a group whose upper tail is short (every unit spends about the
same) makes a unit beyond it stand out, one whose tail is long does not.
"""

from __future__ import annotations

import polars as pl

from features.labels import DISPUTED, FEATURES, SIZE
from features.peers import ALL_GROUP, LEVELS, MIN_PEERS

MAD_SCALE = 1.4826  # MAD of a normal distribution → its standard deviation
MEAN_AD_SCALE = 1.2533  # mean absolute deviation of a normal → its standard deviation
_EPS = 1e-12

LONG_COLUMNS = [
    "unit_id",
    "feature",
    "value",
    "peer_group",
    "peer_median",
    "peer_mad",
    "robust_z",
    "peer_n",
    "peer_scale",
    "peer_q90",
    "upper_z",
]
Q90_Z = 1.2816  # the 90th percentile of a standard normal


def robust_z(value: pl.Expr, median: pl.Expr, mad: pl.Expr, mean_ad: pl.Expr) -> pl.Expr:
    """The guarded robust z of ``value`` (expressions)."""
    scale = (
        pl.when(mad * MAD_SCALE > _EPS)
        .then(mad * MAD_SCALE)
        .when(mean_ad * MEAN_AD_SCALE > _EPS)
        .then(mean_ad * MEAN_AD_SCALE)
    )
    return pl.when(value.is_null()).then(None).when(scale.is_null()).then(0.0).otherwise((value - median) / scale)


def long_form(wide: pl.DataFrame, min_peers: int = MIN_PEERS) -> pl.DataFrame:
    """Long features: unit_id, feature, value, peer_group, peer_median, peer_mad, robust_z
    (+ peer_n: units in the group stating the feature; peer_scale: the divisor used;
    peer_q90: the group's 90th percentile; upper_z, see above).

    ``wide`` is ``features.build``'s output. Without the peer_l* columns (a hand-made
    frame), ``peer_group`` alone defines the groups.
    """
    feats = [f for f in FEATURES if f in wide.columns] + [
        c
        for c in wide.columns
        if c not in FEATURES and c not in ("unit_id", "peer_group", "peer_kind", "peer_class", SIZE, DISPUTED, *LEVELS)
    ]
    levels = [lvl for lvl in LEVELS if lvl in wide.columns]
    if not levels:
        wide = wide.with_columns(peer_l0=pl.col("peer_group").fill_null(ALL_GROUP))
        levels = ["peer_l0"]
    # Units with the same peer groups at every level form a cell (a few thousand): the
    # groups' statistics are chosen per cell and feature, and the long frame (units x
    # features rows) carries a cell number, not five group names.
    cells = (
        wide.select(levels)
        .unique(maintain_order=True)
        .with_row_index("_cell")
        .with_columns(pl.col(lvl).rank("dense").cast(pl.UInt32).alias(f"_g{i}") for i, lvl in enumerate(levels))
    )
    feature = pl.Enum(feats)
    values = (
        wide.select(*levels, "unit_id", *[pl.col(f).cast(pl.Float64) for f in feats])
        .join(cells.select("_cell", *levels), on=levels, how="left", nulls_equal=True)
        .lazy()
        # By unit_id, then feature: the units sorted once, their rows by place (an
        # integer sort of units x features rows, not a string sort).
        .sort("unit_id", maintain_order=True)
        .with_row_index("_unit")
        .select("_unit", "unit_id", "_cell", *feats)
        .unpivot(index=["_unit", "unit_id", "_cell"], on=feats, variable_name="feature", value_name="value")
        .with_columns(pl.col("feature").cast(feature))
        .sort("_unit", "feature")
        .drop("_unit")
        .collect()
    )
    stated = values.lazy().filter(pl.col("value").is_not_null()).select("_cell", "feature", "value")
    stats = []
    for i in range(len(levels)):
        g = f"_g{i}"
        by = stated.join(cells.lazy().select("_cell", g), on="_cell").filter(pl.col(g).is_not_null())
        # The spread about the group's median in the same pass (a nested aggregation).
        # A mean's last bits depend on how polars chunks the sum (a cluster's results
        # arrive in other chunks than a local run's): rounded, runs agree byte for byte.
        d = (pl.col("value") - pl.col("value").median()).abs()
        stats.append(
            by.group_by(g, "feature").agg(
                **{
                    f"n{i}": pl.len(),
                    f"med{i}": pl.col("value").median(),
                    f"q90{i}": pl.col("value").quantile(0.9, "linear"),
                    f"mad{i}": d.median(),
                    f"mean{i}": d.mean().round_sig_figs(12),
                }
            )
        )
    # Per cell and feature: the finest level with enough peers; the coarsest one regardless.
    combos = cells.lazy().join(pl.LazyFrame({"feature": pl.Series(feats, dtype=feature)}), how="cross")
    for i in range(len(levels)):
        combos = combos.join(stats[i], on=[f"_g{i}", "feature"], how="left")
    picked = {
        "peer_group": "grp",
        "peer_median": "med",
        "peer_mad": "mad",
        "mean_ad": "mean",
        "peer_n": "n",
        "peer_q90": "q90",
    }
    last = len(levels) - 1
    choice = {name: pl.col(levels[last]) if col == "grp" else pl.col(f"{col}{last}") for name, col in picked.items()}
    for i in reversed(range(last)):
        ok = pl.col(levels[i]).is_not_null() & (pl.col(f"n{i}").fill_null(0) >= min_peers)
        here = {name: pl.col(levels[i]) if col == "grp" else pl.col(f"{col}{i}") for name, col in picked.items()}
        choice = {name: pl.when(ok).then(here[name]).otherwise(expr) for name, expr in choice.items()}
    combos = combos.select("_cell", "feature", **choice).with_columns(pl.col("peer_n").cast(pl.Int64)).collect()
    scale = (
        pl.when(pl.col("peer_mad") * MAD_SCALE > _EPS)
        .then(pl.col("peer_mad") * MAD_SCALE)
        .when(pl.col("mean_ad") * MEAN_AD_SCALE > _EPS)
        .then(pl.col("mean_ad") * MEAN_AD_SCALE)
    )
    upper = (pl.col("peer_q90") - pl.col("peer_median")) / Q90_Z
    upper = pl.when(upper > _EPS).then(upper).otherwise(pl.col("peer_scale"))
    return (
        values.lazy()
        .join(combos.lazy(), on=["_cell", "feature"], how="left", maintain_order="left")
        .with_columns(peer_scale=scale)
        .with_columns(
            robust_z=robust_z(pl.col("value"), pl.col("peer_median"), pl.col("peer_mad"), pl.col("mean_ad")),
            upper_z=pl.when(pl.col("value").is_null())
            .then(None)
            .when(upper.is_null())
            .then(0.0)
            .otherwise((pl.col("value") - pl.col("peer_median")) / upper),
            feature=pl.col("feature").cast(pl.String),
        )
        .select(LONG_COLUMNS)
        .collect()
    )
