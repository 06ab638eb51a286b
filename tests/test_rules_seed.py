"""The rules on the real disclosure in ../shared/seed: every mistake a careful reader
finds is reported once, at its line; what rounding explains is not."""

import polars as pl
import pytest

from anomaly.engine import run_rules


@pytest.fixture(scope="module")
def result(seed_frames):
    return run_rules(seed_frames)


@pytest.fixture(scope="module")
def findings(result):
    return result[0]


def _rows(findings, rule):
    return findings.filter(pl.col("rule") == rule).select("line", "stated", "expected").rows()


EXPECTED = {
    # (rule, line, stated) for every real mistake
    ("PCT002", 190, "96%"),  # 33.96/35.38 printed as the change
    ("PCT002", 190, "62.84%"),  # 公务接待 2.19/3.49 printed as the change
    ("PCT001", 190, "0.3%"),  # 0.12/31.89 = 0.38%
    ("PCT001", 190, "7.3%"),  # 0.19/2.70 = 7.0% (and 2.70 − 2.68 = 0.02)
    ("UNT001", 190, "2.19元"),
    ("UNT002", 190, "3.49"),
    ("YOY001", 190, "减少0.19万元"),  # 会议费 2.70 − 2.68 = 0.02
    ("YOY001", 190, "减少0.10万元"),  # 培训费 0.37 − 0.36 = 0.01
    ("PLH001", 194, "XX"),
    ("PRF002", 484, "金额合计 199.82万元"),
    ("NAR003", 164, "302 205.22万元"),  # 表1's 商品和服务支出 rows add up to 200.59万元
    ("PRF004", 392, "3项指标无指标值"),  # 表13-2 成本指标 指标1-3 have no target value
    ("PRF005", 420, "成本指标 ≥5万元"),  # 表13-3: a cost indicator as a minimum (the 时效 row above it is not one)
    ("PRF005", 446, "成本指标 ≥23.12万元、≥8.65万元、≥13.23万元"),  # 表13-4: the three cost rows
}


def test_expected_findings(findings):
    got = set(findings.select("rule", "line", "stated").rows())
    assert EXPECTED <= got, EXPECTED - got


def test_a_percentage_cut_off_rather_than_rounded_is_a_note(findings):
    severity = dict(findings.filter(pl.col("rule") == "PCT001").select("stated", "severity").rows())
    assert severity == {"0.3%": "info", "7.3%": "warning"}  # 0.376% cut to 0.3%; 7.04% is no 7.3%


def test_itemised_changes(findings):
    severity = dict(findings.filter(pl.col("rule") == "YOY003").select("line", "severity").rows())
    assert severity == {138: "warning", 162: "error"}  # three of the nine 功能 codes are new: codes may have moved
    rows = _rows(findings, "YOY003")
    lines = sorted(r[0] for r in rows)
    assert lines == [138, 162]  # 功能 items +97.32 vs −84.61; 部门经济 items −77.65 vs −84.61
    assert any("+97.32" in r[1] and "-84.61" in r[2] for r in rows)


def test_missing_tables(findings):
    rows = _rows(findings, "CMP001")
    assert len(rows) == 1  # one finding per unit, listing the tables
    line, stated, _ = rows[0]
    assert line == 228
    for t in ("表2", "表3", "表5", "表6", "表7", "表8", "表10", "表12"):
        assert t in stated
    assert "表13" not in stated and "表14" not in stated and "表9" not in stated


def test_exactly_these_findings(findings):
    # Nothing else: no second PCT finding per claim, no SAN for the 2.19元 slip,
    # no YOY for 三公 1.41 (rounding), no ARI/XTB on the consistent 表1/表4.
    assert findings.height == len(EXPECTED) + 2 + 1, findings.select("rule", "line", "stated").rows()
    pct = findings.filter(pl.col("family") == "PCT")
    assert pct.height == pct.select("evidence", "stated").unique().height


@pytest.mark.parametrize(
    "rule",
    [
        "ARI001",
        "ARI002",
        "ARI003",
        "XTB001",
        "XTB002",
        "NAR001",
        "NAR002",
        "NAR004",
        "NAR005",
        "SAN001",
        "STF001",
        "STF002",
        "STF003",
        "PRF001",
        "YOY002",
        "CMP002",
        "PLH002",
    ],
)
def test_consistent_parts_pass(result, rule):
    cov = result[1]
    assert cov.filter(pl.col("rule") == rule)["outcome"].to_list() == ["pass"]


def test_rounding_is_not_flagged(findings):
    ev = findings.filter(pl.col("family").is_in(["YOY", "PCT"]))
    # 三公 35.38 − 33.96 = 1.42 vs stated 1.41: consistent within rounding.
    assert not ev.filter((pl.col("rule") == "YOY001") & pl.col("stated").str.contains("1.41")).height
    # 培训费 26.7% = 0.10/0.37 within rounding (its change is YOY's finding, not PCT's).
    assert not ev.filter(pl.col("stated") == "26.7%").height
    # 公用经费 7.20 − 5.40 = 1.80 and 公务用车 31.89 − 31.77 = 0.12 are right.
    assert not findings.filter(pl.col("stated").str.contains("1.80|0.12万元")).height


def test_every_finding_quotes_its_line(seed_file, findings):
    lines = seed_file.read_text(encoding="utf-8").splitlines()
    for r in findings.filter(pl.col("line").is_not_null()).iter_rows(named=True):
        assert r["message"] and r["evidence"] and r["fingerprint"]
        assert 1 <= r["line"] <= len(lines)
