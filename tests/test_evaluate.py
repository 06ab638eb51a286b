"""evaluate() on a tiny hand-made output folder and labels."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from anomaly.evaluate import evaluate, format_report


def test_evaluate_tiny(tmp_path):
    ids = ["u1", "u2", "u3", "u4", "u5"]
    paths = [f"/data/corpus/县A/{i}.txt" for i in ids]
    pl.DataFrame({"unit_id": ids, "source_path": paths}).write_parquet(tmp_path / "units.parquet")
    pl.DataFrame(
        {
            "unit_id": ["u1", "u2", "u4", "u4"],
            "source_path": [paths[0], paths[1], paths[3], paths[3]],
            "rule": ["ARI001", "OUT001", "CPY001", "PCT001"],
            "family": ["ARI", "OUT", "CPY", "PCT"],
            "severity": ["error", "warning", "warning", "error"],
        }
    ).write_parquet(tmp_path / "findings.parquet")
    pl.DataFrame({"rank": [1, 2, 3, 4, 5], "unit_id": ids, "outlier_score": [0.5, 0.9, 0.8, 0.4, 0.3]}).write_csv(
        tmp_path / "ranking.csv"
    )
    labels = {
        "documents": [
            {
                "file": "县A/u1.txt",
                "clean": False,
                "anomalies": [
                    {"family": "ARI", "kind": "t", "line": 3, "detail": ""},
                    {"family": "YOY", "kind": "word", "line": 4, "detail": ""},
                ],
            },
            {
                "file": "县A/u2.txt",
                "clean": False,
                "anomalies": [{"family": "OUT", "kind": "sangong_share", "line": None, "detail": ""}],
            },
            {
                "file": "县A/u3.txt",
                "clean": False,
                "anomalies": [{"family": "OUT", "kind": "budget_per_staff", "line": None, "detail": ""}],
            },
            {"file": "县A/u4.txt", "clean": True, "anomalies": []},
            {"file": "县A/u5.txt", "clean": True, "anomalies": []},
            {"file": "县B/missing.txt", "clean": True, "anomalies": []},
        ]
    }
    m = evaluate(labels, tmp_path)
    assert m["matched"] == 5 and m["unmatched_labels"] == ["县B/missing.txt"]
    assert m["recall"]["ARI"]["recall"] == 1.0
    assert m["recall"]["YOY"] == {"labelled": 1, "found": 0, "recall": 0.0, "missed_kinds": {"word": 1}}
    assert m["recall"]["OUT"]["found"] == 1
    assert m["clean"]["documents"] == 2 and m["clean"]["flagged"] == 1 and m["clean"]["share"] == 0.5
    assert m["clean"]["rules"] == {"CPY001": 1, "PCT001": 1}
    assert m["out"]["labelled"] == 2
    assert m["out"]["average_precision"] == pytest.approx(1.0)  # u2, u3 have the top two scores
    assert m["out"]["precision_at"]["2"] == 1.0
    text = format_report(m)
    assert "OUT" in text and "average precision of outlier_score 1.000" in text and "YOY" in text


def test_ecod_puts_the_extreme_row_first_and_ignores_missing_cells():
    from anomaly.outlier_eval import ecod_scores

    rng = np.random.default_rng(1)
    X = rng.lognormal(size=(300, 3))
    X[5] = [500.0, 500.0, 500.0]
    X[6, 0] = np.nan
    s = ecod_scores(X)
    assert s.argmax() == 5 and np.isfinite(s).all()


def test_outlier_metrics_per_strength_and_alarm():
    from anomaly.outlier_eval import format_outliers, outlier_metrics

    ids = [f"u{i:02d}" for i in range(20)]
    matched = pl.DataFrame({"unit_id": ids, "clean": [True] * 20})
    outs = pl.DataFrame(
        {"unit_id": ["u00", "u01", "u02"], "strength": [5.0, 2.0, 1.5], "kind": ["reception"] * 3},
        schema={"unit_id": pl.String, "strength": pl.Float64, "kind": pl.String},
    )
    # u00 (5x) first, u01 (2x) behind one clean unit, u02 (1.5x) last.
    peer = {"u00": 0.9, "u03": 0.6, "u01": 0.5, "u02": 0.0}
    ranking = pl.DataFrame({"unit_id": ids, "peer_score": [peer.get(i, 0.1) for i in ids], "outlier_score": [0.5] * 20})
    findings = pl.DataFrame({"unit_id": ["u00", "u03"], "rule": ["OUT001", "OUT001"]})
    m = outlier_metrics(matched, outs, ranking, None, findings)
    t = m["scorers"]["peer_score"]
    assert t["5x"] == {"n": 1, "ap": 1.0, "p_at_k": 1.0}
    assert t["2x"]["ap"] == pytest.approx(0.5) and t["2x"]["p_at_k"] == 0.0
    assert t["≥2x"]["n"] == 2 and t["1.5x"]["p_at_k"] == 0.0
    assert m["alarm"]["clean"] == 17 and m["alarm"]["clean_alarmed"] == 1
    assert m["alarm"]["recall"]["5x"] == 1.0 and m["alarm"]["recall"]["2x"] == 0.0
    text = "\n".join(format_outliers(m))
    assert "peer_score" in text and "forest" in text and "OUT001 on clean documents: 1 of 17" in text
