"""Ranking order, score, reasons and every unit exactly once."""

from __future__ import annotations

import polars as pl

from anomaly.ranking import RANKING_COLUMNS, rank
from datasets import frames as F

CONTRACT = ["rank", "unit_id", "source_path", "unit_name", "score", "outlier_score", "errors", "warnings", "reasons"]


def units(rows):
    cols = {k: [r.get(k) for r in rows] for k in F.UNITS}
    return F.from_columns("units", cols)


def finding(uid, rule, severity, title=None):
    return {
        "unit_id": uid,
        "source_path": f"/c/{uid}.txt",
        "rule": rule,
        "family": rule[:3],
        "severity": severity,
        "message": "m",
        "evidence": "e",
        "line": 1,
        "stated": None,
        "expected": None,
        "title": title,
    }


def make():
    u = units(
        [
            {"unit_id": "plain", "source_path": "/c/plain.txt", "unit_name": "丙局", "parse_status": "ok"},
            {"unit_id": "outl", "source_path": "/c/outl.txt", "unit_name": "丁局", "parse_status": "ok"},
            {"unit_id": "warn2", "source_path": "/c/warn2.txt", "unit_name": "戊局", "parse_status": "ok"},
            {"unit_id": "warn1", "source_path": "/c/warn1.txt", "unit_name": "己局", "parse_status": "ok"},
            {"unit_id": "err1", "source_path": "/c/err1.txt", "unit_name": "庚局", "parse_status": "ok"},
            {
                "unit_id": "err2",
                "source_path": "/c/err2.txt",
                "unit_name": "辛局",
                "parse_status": "partial",
                "parse_error": "表1 unreadable",
            },
            {"unit_id": "tieb", "source_path": "/c/b.txt", "unit_name": "甲局", "parse_status": "ok"},
            {"unit_id": "tiea", "source_path": "/c/a.txt", "unit_name": "甲局", "parse_status": "ok"},
            {
                "unit_id": "failed",
                "source_path": "/c/failed.txt",
                "unit_name": None,
                "parse_status": "failed",
                "parse_error": "cannot decode",
            },
        ]
    )
    f = pl.DataFrame(
        [
            finding("err1", "ARI001", "error", "表1合计不符"),
            finding("err1", "PCT002", "warning"),
            finding("err2", "ARI001", "error", "表1合计不符"),
            finding("err2", "ARI001", "error", "表1合计不符"),
            finding("warn2", "UNT001", "warning"),
            finding("warn2", "PLH001", "warning"),
            finding("warn1", "CPY001", "warning", "主要数字与其他单位完全相同"),
            finding("warn1", "CMP001", "info"),
        ]
    )
    s = pl.DataFrame(
        {
            "unit_id": ["plain", "outl", "warn2", "warn1", "err1", "err2", "tiea", "tieb", "failed"],
            "outlier_score": [0.45, 0.80, 0.5, 0.9, 0.4, 0.4, 0.5, 0.5, None],
            "peer_group": ["g"] * 8 + [None],
            "explanation": ["", "公务用车运行维护费/车辆 11万元（同类中位数 1.5万元）", "", "", "", "", "", "", ""],
        }
    )
    return u, f, s


def test_order_errors_warnings_outliers_failed():
    u, f, s = make()
    r = rank(u, f, s)
    assert r.columns[:9] == CONTRACT and r.columns == RANKING_COLUMNS
    assert r["unit_id"].to_list() == ["err2", "err1", "warn2", "warn1", "outl", "tiea", "tieb", "plain", "failed"]
    assert r["rank"].to_list() == list(range(1, 10))
    scores = r["score"].to_list()
    assert all(a >= b for a, b in zip(scores, scores[1:]))
    row = r.row(1, named=True)
    assert (row["errors"], row["warnings"]) == (1, 1)
    assert r.filter(pl.col("unit_id") == "warn1")["infos"].item() == 1


def test_ties_are_deterministic():
    u, f, s = make()
    r1 = rank(u, f, s).write_csv()
    r2 = rank(u.reverse(), f.reverse(), s.reverse()).write_csv()
    assert r1 == r2


def test_reasons():
    u, f, s = make()
    r = {row["unit_id"]: row["reasons"] for row in rank(u, f, s).iter_rows(named=True)}
    assert "2个错误" in r["err2"] and "表1合计不符(ARI001)×2" in r["err2"] and "表1 unreadable" in r["err2"]
    assert "主要数字与其他单位完全相同(CPY001)" in r["warn1"]
    assert r["outl"].startswith("偏离同类：公务用车运行维护费/车辆")
    assert "解析失败" in r["failed"] and "cannot decode" in r["failed"]
    en = {row["unit_id"]: row["reasons"] for row in rank(u, f, s, lang="en").iter_rows(named=True)}
    assert "2 errors" in en["err2"] and "could not be parsed" in en["failed"]
    # A reader's bilingual reason in the run's language only.
    u = u.with_columns(
        parse_error=pl.when(pl.col("unit_id") == "failed")
        .then(pl.lit("旧版 Word (.doc)，请另存为 .docx 或 PDF / legacy Word .doc: save as .docx or PDF"))
        .otherwise(pl.col("parse_error"))
    )
    zh = {row["unit_id"]: row["reasons"] for row in rank(u, f, s).iter_rows(named=True)}
    en = {row["unit_id"]: row["reasons"] for row in rank(u, f, s, lang="en").iter_rows(named=True)}
    assert "请另存为" in zh["failed"] and "legacy" not in zh["failed"]
    assert "save as .docx" in en["failed"] and "请另存为" not in en["failed"]


def test_failed_unit_with_findings_is_not_last():
    u, f, s = make()
    f = pl.concat([f, pl.DataFrame([finding("failed", "CMP003", "error")])])
    r = rank(u, f, s)
    assert r["unit_id"].to_list().index("failed") < r["unit_id"].to_list().index("outl")


def test_without_findings_or_scores():
    u, _, _ = make()
    r = rank(u, None, None)
    assert r.height == u.height and r["unit_id"].n_unique() == u.height


def test_each_row_says_which_year_and_kind_of_disclosure_it_is():
    # A unit's budgets and final accounts of several years are rows apart; the contract's
    # columns keep their places, year and doc_kind come after them.
    u = units(
        [
            {"unit_id": "b24", "source_path": "/c/b24.txt", "unit_name": "甲局", "parse_status": "ok", "year": 2024},
            {"unit_id": "f23", "source_path": "/c/f23.txt", "unit_name": "甲局", "parse_status": "ok", "year": 2023},
        ]
    ).with_columns(doc_kind=pl.Series(["budget", "final"]))
    r = rank(u, None, None)
    assert r.columns[: len(CONTRACT)] == CONTRACT and r.columns[-2:] == ["year", "doc_kind"]
    assert dict(zip(r["unit_id"], zip(r["year"], r["doc_kind"]))) == {"b24": (2024, "budget"), "f23": (2023, "final")}
