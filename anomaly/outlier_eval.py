"""How well the peer scoring finds planted outliers, per strength and per feature,
next to simple baselines (``anomaly evaluate``; corpora from ``anomaly generate
--outliers graded``).

Positives are the documents labelled OUT; negatives every other matched document
(clean or with other planted mistakes). A group (a strength, a feature) is scored
against all negatives with the other outliers left out, so a 2x group is not
helped or hurt by the 5x ones. Precision at k takes k = the group's size.

Scorers compared on the same units:

- ``peer_score``: what the ranking uses (anomaly.scoring: the largest upper deviation
  plus the forest's score);
- ``forest``: the isolation forest's ``outlier_score`` alone;
- ``max_robust_z``: the largest |robust z| (median / MAD of the raw ratios) over the
  scored features, the plain baseline;
- ``ecod``: ECOD (Li et al. 2022, as in PyOD) on the raw scored features: per
  feature the empirical tail probability on the side its skewness points to,
  summed as −log over features.
"""

from __future__ import annotations

import numpy as np
import polars as pl

STRENGTH_GROUPS = (("≥2x", 2.0), ("≥3x", 3.0))


def ecod_scores(matrix: np.ndarray) -> np.ndarray:
    """ECOD outlier scores (higher = more unusual) of the rows of ``matrix``; NaN
    cells add nothing."""
    n, d = matrix.shape
    total = np.zeros(n)
    for j in range(d):
        x = matrix[:, j]
        ok = np.isfinite(x)
        m = int(ok.sum())
        if m < 3:
            continue
        v = x[ok]
        order = np.argsort(v, kind="stable")
        ranks = np.empty(m)
        ranks[order] = np.arange(1, m + 1)
        left, right = ranks / m, (m - ranks + 1) / m
        skew = float(np.mean((v - v.mean()) ** 3)) / max(float(np.std(v)) ** 3, 1e-12)
        tail = right if skew >= 0 else left
        total[ok] += -np.log(tail)
    return total


def _baselines(features: pl.DataFrame, ids: list[str], scored: list[str]) -> dict[str, np.ndarray]:
    wide = (
        features.filter(pl.col("feature").is_in(scored))
        .pivot(on="feature", index="unit_id", values="value")
        .join(pl.DataFrame({"unit_id": ids}), on="unit_id", how="right")
    )
    for f in scored:
        if f not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(f))
    matrix = wide.select(scored).to_numpy().astype(np.float64)
    maxz = (
        features.filter(pl.col("feature").is_in(scored))
        .group_by("unit_id")
        .agg(m=pl.col("robust_z").abs().max())
        .join(pl.DataFrame({"unit_id": ids}), on="unit_id", how="right")["m"]
        .fill_null(0.0)
        .to_numpy()
    )
    order = wide["unit_id"].to_list()
    ecod = dict(zip(order, ecod_scores(matrix)))
    return {"max_robust_z": maxz, "ecod": np.array([ecod[i] for i in ids])}


def _ap_at(y: np.ndarray, s: np.ndarray, ids: np.ndarray) -> tuple[float | None, float | None]:
    from sklearn.metrics import average_precision_score

    k = int(y.sum())
    if k == 0 or k == len(y):
        return None, None
    order = np.lexsort((ids, -s))  # ties broken by unit_id, as the ranking does
    return float(average_precision_score(y, s)), float(y[order][:k].mean())


def outlier_metrics(
    matched: pl.DataFrame,
    outs: pl.DataFrame,
    ranking: pl.DataFrame,
    features: pl.DataFrame | None,
    findings: pl.DataFrame,
) -> dict:
    """matched: unit_id, clean of every matched document; outs: unit_id, strength,
    kind of each OUT label; ranking: ranking.csv; features: features.parquet."""
    from anomaly.scoring import SCORING_FEATURES

    base = (
        matched.select("unit_id", "clean")
        .join(outs, on="unit_id", how="left")
        .join(
            ranking.select("unit_id", *[c for c in ("peer_score", "outlier_score") if c in ranking.columns]),
            on="unit_id",
            how="left",
        )
        .sort("unit_id")
    )
    ids = base["unit_id"].to_list()
    scorers: dict[str, np.ndarray] = {}
    if "peer_score" in base.columns:
        scorers["peer_score"] = base["peer_score"].fill_null(0.0).to_numpy()
    scorers["forest"] = base["outlier_score"].fill_null(0.0).to_numpy()
    if features is not None and features.height:
        scorers.update(_baselines(features, ids, SCORING_FEATURES))

    is_out = base["kind"].is_not_null().to_numpy()
    strength = base["strength"].fill_null(np.nan).to_numpy().astype(float)
    uid = np.array(ids)
    groups: dict[str, np.ndarray] = {"all": is_out}
    for name, lo in STRENGTH_GROUPS:
        if np.isfinite(strength[is_out]).any():
            groups[name] = is_out & (strength >= lo)
    for s in sorted({x for x in strength[is_out] if np.isfinite(x)}):
        groups[f"{s:g}x"] = is_out & (strength == s)
    if is_out.any() and not np.isfinite(strength[is_out]).any():
        groups["blatant"] = is_out

    table: dict[str, dict[str, dict]] = {}
    for name, score in scorers.items():
        table[name] = {}
        for g, pos in groups.items():
            keep = pos | ~is_out
            ap, pk = _ap_at(pos[keep], score[keep], uid[keep])
            table[name][g] = {"n": int(pos.sum()), "ap": ap, "p_at_k": pk}

    # Per planted feature (the shipped scorer, outliers at 2x and above or blatant).
    kinds = base["kind"].fill_null("").to_numpy()
    strong = is_out & ~(np.isfinite(strength) & (strength < 2.0))
    by_feature = {}
    lead = scorers.get("peer_score", scorers["forest"])
    for k in sorted({k for k in kinds[is_out]}):
        pos = strong & (kinds == k)
        keep = pos | ~is_out
        ap, pk = _ap_at(pos[keep], lead[keep], uid[keep])
        by_feature[k] = {"n": int(pos.sum()), "ap": ap, "p_at_k": pk}

    # The alarm: OUT001 on clean documents, and per strength.
    alarmed = set(findings.filter(pl.col("rule") == "OUT001")["unit_id"].to_list())
    flag = np.array([i in alarmed for i in ids])
    clean = base["clean"].fill_null(False).to_numpy() & ~is_out
    alarm = {"clean": int(clean.sum()), "clean_alarmed": int((flag & clean).sum())}
    alarm["clean_share"] = alarm["clean_alarmed"] / alarm["clean"] if alarm["clean"] else None
    alarm["recall"] = {g: float(flag[pos].mean()) if pos.any() else None for g, pos in groups.items()}
    lead_name = "peer_score" if "peer_score" in scorers else "forest"
    return {"scorers": table, "by_feature": by_feature, "lead": lead_name, "alarm": alarm}


def _num(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "—"
    return f"{x * 100:.1f}%" if pct else f"{x:.3f}"


def format_outliers(m: dict) -> list[str]:
    """Text lines: a table of AP / precision@k per scorer and group, per feature, the alarm."""
    table = m["scorers"]
    groups = list(next(iter(table.values())).keys()) if table else []
    n = next(iter(table.values())) if table else {}
    lines = ["OUT scorers: average precision / precision@k (k = group size)"]
    lines.append(f"{'scorer':<14}" + "".join(f"{g + ' n' + str(n[g]['n']):>18}" for g in groups))
    for name, row in table.items():
        cells = "".join(f"{_num(row[g]['ap']) + ' / ' + _num(row[g]['p_at_k']):>18}" for g in groups)
        lines.append(f"{name:<14}{cells}")
    if m["by_feature"]:
        lines.append(
            f"{m.get('lead', 'peer_score')} per planted feature (strength ≥2x): "
            + ", ".join(f"{k} {_num(v['ap'])} (n {v['n']})" for k, v in m["by_feature"].items())
        )
    a = m["alarm"]
    lines.append(
        f"OUT001 on clean documents: {a['clean_alarmed']} of {a['clean']} ({_num(a['clean_share'], True)}); "
        "OUT001 recall: " + ", ".join(f"{g} {_num(v, True)}" for g, v in a["recall"].items())
    )
    return lines
