"""Cross-unit outlier scoring: an isolation forest on peer-normalised features.

Pipeline (``score_units``):

1. ``features.build`` → wide per-unit features; ``features.long_form`` → robust z
   within peer groups (median / MAD, see features.normalize).
2. Matrix X: one row per parsed unit (sorted by unit_id, so the input order never
   matters), one column per feature in ``SCORING_FEATURES``; a missing figure is
   imputed as z = 0 (at the peer median) and z is clipped to ±``Z_CLIP``, so one
   absurd figure cannot dominate the geometry.
3. ``PeerOutlierScorer`` (IsolationForest, 200 trees, fixed random_state):
   ``outlier_score`` = −score_samples, the original paper's anomaly score s(x) in
   (0, 1]: ≈0.5 for ordinary units, towards 1 for units isolated in few splits.
   Same input, same scores, every night.
4. Explanation: the features with the largest |robust_z| (≥ ``EXPLAIN_MIN_Z``), each
   with the unit's value and the peer median.
5. OUT001 (warning) for strong outliers: ``outlier_score`` among the top
   ``OUT_TOP_SHARE`` (3%) of parsed units AND at least one feature with
   |robust_z| ≥ ``OUT_MIN_Z`` (4), and only when at least ``OUT_MIN_UNITS`` units are
   scored (a handful of units has no meaningful "normal").

Which features the forest sees (``SCORING_FEATURES``): one per dimension of the
budget's structure — money per head, personnel cost per head, recurring 三公 (share
and per head), vehicle running cost per vehicle, reception's share of 三公, 公用经费
per head, project share. Every feature is still computed, normalised and shown (the
long frame, the report's peer charts), but these are left out of the forest:

- total_yoy, sangong_yoy: year-over-year changes follow one-off events (a new
  project, a car bought, a small base) and are checked by the YOY rules; as forest
  inputs they dominated the ranking with ordinary volatility (OUT AP 0.51 → 0.91 on
  the 2,000-unit synthetic corpus without them and the others below).
- budget_per_authorized, vacancy_rate: restate budget_per_staff and the staff
  figures (a redundant column gets extra weight in the forest's random splits);
  impossible staffing is the STF rules' business.
- meeting_per_staff, training_per_staff: small amounts with a fixed part, so their
  per-head ratio mostly measures the unit's size.
- pct_error_rate, arith_error_rate: errors rank a unit through its findings already;
  counting them again would make the outlier score a second error count.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.ensemble import IsolationForest

import features as feats
from anomaly.engine import FINDING_COLUMNS
from features.labels import FEATURE_INFO, format_expr

RULE = "OUT001"
FAMILY = "OUT"
TITLE = {"zh": "与同类单位相比明显异常", "en": "Far from its peer units"}
# One feature per dimension of the budget's structure (see the module docstring).
SCORING_FEATURES = [
    "budget_per_staff",
    "personnel_cost_per_staff",
    "sangong_share",
    "sangong_per_staff",
    "vehicle_cost_per_vehicle",
    "reception_share",
    "public_funds_per_staff",
    "project_share",
]
Z_CLIP = 10.0
OUT_TOP_SHARE = 0.03
OUT_MIN_Z = 4.0
OUT_MIN_UNITS = 20
EXPLAIN_TOP = 3
EXPLAIN_MIN_Z = 2.0
RANGE_Z = 2.0  # "expected" range: peer median ± 2 robust standard deviations

SCORE_COLUMNS = {
    "unit_id": pl.String,
    "outlier_score": pl.Float64,
    "peer_group": pl.String,
    "explanation": pl.String,
    "max_abs_z": pl.Float64,
    "top_feature": pl.String,
}


class PeerOutlierScorer(OutlierMixin, BaseEstimator):
    """IsolationForest on robust z features (nulls → 0, clipped to ±clip).

    ``score_samples`` follows scikit-learn (lower = more abnormal);
    ``outlier_score`` is its negation, in (0, 1], higher = more unusual.
    """

    def __init__(
        self,
        n_estimators: int = 200,
        max_samples="auto",
        contamination="auto",
        clip: float = Z_CLIP,
        random_state: int = 0,
        n_jobs: int | None = None,
    ):
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.contamination = contamination
        self.clip = clip
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _prepare(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(-1, 1)
        X = np.where(np.isfinite(X), X, 0.0)
        return np.clip(X, -self.clip, self.clip)

    def fit(self, X, y=None):
        self.forest_ = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=self.max_samples,
            contamination=self.contamination,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        ).fit(self._prepare(X))
        self.n_features_in_ = self.forest_.n_features_in_
        return self

    def score_samples(self, X) -> np.ndarray:
        return self.forest_.score_samples(self._prepare(X))

    def decision_function(self, X) -> np.ndarray:
        return self.forest_.decision_function(self._prepare(X))

    def predict(self, X) -> np.ndarray:
        return self.forest_.predict(self._prepare(X))

    def outlier_score(self, X) -> np.ndarray:
        return -self.score_samples(X)


def _matrix(long: pl.DataFrame, unit_ids: list[str], columns: list[str]) -> np.ndarray:
    """Units × features matrix of robust z (NaN where missing), rows in unit_ids order."""
    z = (
        long.filter(pl.col("feature").is_in(columns))
        .select("unit_id", "feature", "robust_z")
        .pivot(on="feature", index="unit_id", values="robust_z")
    )
    for c in columns:
        if c not in z.columns:
            z = z.with_columns(pl.lit(None, dtype=pl.Float64).alias(c))
    order = pl.DataFrame({"unit_id": unit_ids})
    z = order.join(z, on="unit_id", how="left", maintain_order="left")
    return z.select(columns).to_numpy().astype(np.float64)


def _explain(long: pl.DataFrame, lang: str) -> pl.DataFrame:
    """unit_id, explanation, max_abs_z, top_feature (+ the top rows for OUT findings)."""
    labels = {k: (v[1] if lang == "en" else v[0]) for k, v in FEATURE_INFO.items()}
    sep = "; " if lang == "en" else "；"
    template = "{} {} (peer median {})" if lang == "en" else "{} {}（同类中位数 {}）"
    ranked = (
        long.filter(pl.col("robust_z").is_not_null())
        .with_columns(abs_z=pl.col("robust_z").abs())
        .sort(["unit_id", "abs_z", "feature"], descending=[False, True, False])
    )
    top = ranked.group_by("unit_id", maintain_order=True).agg(
        max_abs_z=pl.col("abs_z").first(), top_feature=pl.col("feature").first()
    )
    shown = (
        ranked.filter(pl.col("abs_z") >= EXPLAIN_MIN_Z)
        .group_by("unit_id", maintain_order=True)
        .head(EXPLAIN_TOP)
        .with_columns(
            text=pl.format(
                template,
                pl.col("feature").replace_strict(labels, default=pl.col("feature")),
                format_expr(pl.col("value"), pl.col("feature"), lang),
                format_expr(pl.col("peer_median"), pl.col("feature"), lang),
            )
        )
        .group_by("unit_id", maintain_order=True)
        .agg(explanation=pl.col("text").str.join(sep))
    )
    return top.join(shown, on="unit_id", how="left").with_columns(pl.col("explanation").fill_null(""))


def _out_findings(units: pl.DataFrame, long: pl.DataFrame, scores: pl.DataFrame, lang: str) -> pl.DataFrame:
    scored = scores.filter(pl.col("outlier_score").is_not_null())
    n = scored.height
    if n < OUT_MIN_UNITS:
        return pl.DataFrame(schema=FINDING_COLUMNS)
    k = max(1, math.ceil(OUT_TOP_SHARE * n))
    cutoff = scored["outlier_score"].sort(descending=True)[k - 1]
    strong = scored.filter((pl.col("outlier_score") >= cutoff) & (pl.col("max_abs_z") >= OUT_MIN_Z)).select("unit_id")
    if strong.height == 0:
        return pl.DataFrame(schema=FINDING_COLUMNS)
    labels = {f: (v[1] if lang == "en" else v[0]) for f, v in FEATURE_INFO.items()}
    nonneg = [f for f, v in FEATURE_INFO.items() if v[2] != "change"]
    rows = (
        long.join(strong, on="unit_id", how="semi")
        .filter(pl.col("robust_z").abs() >= OUT_MIN_Z)
        .with_columns(
            abs_z=pl.col("robust_z").abs(), name=pl.col("feature").replace_strict(labels, default=pl.col("feature"))
        )
        .sort(["unit_id", "abs_z", "feature"], descending=[False, True, False])
        .group_by("unit_id", maintain_order=True)
        .head(EXPLAIN_TOP)
    )
    spread = RANGE_Z * pl.col("peer_scale").fill_null(0.0)
    lo = pl.col("peer_median") - spread
    lo = pl.when(pl.col("feature").is_in(nonneg)).then(lo.clip(lower_bound=0.0)).otherwise(lo)
    hi = pl.col("peer_median") + spread
    fmt = lambda e: format_expr(e, pl.col("feature"), lang)  # noqa: E731
    if lang == "en":
        ev = pl.format("{} = {} (peer median {})", pl.col("name"), fmt(pl.col("value")), fmt(pl.col("peer_median")))
        exp = pl.format("{}: {} – {} (median {})", pl.col("name"), fmt(lo), fmt(hi), fmt(pl.col("peer_median")))
        msg_head, sep = "Far from its peers ({}): ", "; "
    else:
        ev = pl.format("{} = {} (同类中位数 {})", pl.col("name"), fmt(pl.col("value")), fmt(pl.col("peer_median")))
        exp = pl.format("{}：{} – {}（中位数 {}）", pl.col("name"), fmt(lo), fmt(hi), fmt(pl.col("peer_median")))
        msg_head, sep = "与同类单位（{}）相比明显异常：", "、"
    agg = (
        rows.with_columns(
            ev=ev,
            exp=exp,
            st=pl.format("{} {}", pl.col("name"), fmt(pl.col("value"))),
            key=pl.format("{}={}", pl.col("feature"), pl.col("value").round(6)),
        )
        .group_by("unit_id", maintain_order=True)
        .agg(
            peer_group=pl.col("peer_group").first(),
            names=pl.col("name").str.join(sep),
            evidence=pl.col("ev").str.join("; " if lang == "en" else "；"),
            stated=pl.col("st").first(),
            expected=pl.col("exp").first(),
            key=pl.col("key").str.join("|"),
        )
    )
    out = agg.join(units.select("unit_id", "source_path"), on="unit_id", how="left").with_columns(
        rule=pl.lit(RULE),
        family=pl.lit(FAMILY),
        severity=pl.lit("warning"),
        message=pl.format(msg_head + "{}", pl.col("peer_group"), pl.col("names")),
        line=pl.lit(None, dtype=pl.Int64),
        page=pl.lit(None, dtype=pl.Int64),
        place=pl.lit(None, dtype=pl.String),
        title=pl.lit(TITLE.get(lang, TITLE["zh"])),
        fingerprint=pl.format("{}|{}|{}", pl.lit(RULE), pl.col("unit_id"), pl.col("key")).map_elements(
            lambda s: hashlib.sha1(s.encode()).hexdigest()[:16], return_dtype=pl.String
        ),
    )
    return out.select(list(FINDING_COLUMNS)).sort("unit_id")


def score_features(
    long: pl.DataFrame,
    unit_ids: list[str],
    lang: str = "zh",
    *,
    columns: list[str] | None = None,
    random_state: int = 0,
) -> pl.DataFrame:
    """Scores (unit_id, outlier_score, peer_group, explanation, max_abs_z, top_feature)
    for ``unit_ids`` from a long feature frame."""
    columns = SCORING_FEATURES if columns is None else columns
    ids = sorted(unit_ids)
    if ids:
        X = _matrix(long, ids, columns)
        scorer = PeerOutlierScorer(n_estimators=200, contamination="auto", random_state=random_state).fit(X)
        outlier = np.round(scorer.outlier_score(X), 6)  # rounded: stable text across platforms
    else:
        outlier = np.zeros(0)
    frame = pl.DataFrame(
        {"unit_id": ids, "outlier_score": outlier}, schema={"unit_id": pl.String, "outlier_score": pl.Float64}
    )
    return frame


def score_units(
    frames: dict[str, pl.DataFrame],
    findings: pl.DataFrame | None = None,
    coverage: pl.DataFrame | None = None,
    lang: str = "zh",
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(scores, features_long, out_findings) for every unit of frames["units"].

    scores: unit_id, outlier_score (null for failed files), peer_group, explanation,
    max_abs_z, top_feature. features_long: see features.long_form. out_findings: OUT001
    rows with the findings columns (+ title, fingerprint).
    """
    return score_wide(feats.build(frames, findings, coverage), frames["units"], lang)


def score_wide(
    wide: pl.DataFrame, units: pl.DataFrame, lang: str = "zh"
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """score_units from the wide features (features.build or assign_peers) of every unit."""
    long = feats.long_form(wide)
    parsed = units.filter(pl.col("parse_status") != "failed")["unit_id"].to_list()
    outlier = score_features(long, parsed, lang)
    scored_long = long.filter(pl.col("feature").is_in(SCORING_FEATURES))  # explanations name these
    scores = (
        wide.select("unit_id", "peer_group")
        .join(outlier, on="unit_id", how="left")
        .join(_explain(scored_long, lang), on="unit_id", how="left")
        .with_columns(pl.col("explanation").fill_null(""))
        .select(list(SCORE_COLUMNS))
        .sort("unit_id")
    )
    out = _out_findings(units, scored_long, scores, lang)
    return scores, long, out
