"""Across years: unit_key, the per-file statements and XYR, from the catalog's examples
and a generated multi-year corpus."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import cross_inputs

from anomaly.engine import catalog
from anomaly.rules.xyr import EXAMPLE_SPLIT
from anomaly.years import unit_key_expr, xyr_findings

XYR_RULES = [r for r in catalog() if r.family == "XYR"]


def _screen_pair(text: str, lang: str = "zh") -> tuple[pl.DataFrame, pl.DataFrame]:
    return xyr_findings(*cross_inputs(text, EXAMPLE_SPLIT, "y"), lang=lang)


@pytest.mark.parametrize("rule", XYR_RULES, ids=[r.code for r in XYR_RULES])
def test_bad_example_is_flagged(rule):
    findings, coverage = _screen_pair(rule.bad.text)
    hit = findings.filter(pl.col("rule") == rule.code)
    assert hit.height == 1, findings
    row = hit.row(0, named=True)
    assert row["unit_id"] == "u1" and row["other_path"] == "y0.txt" and row["other_year"] == 2023
    assert "y0.txt" in row["expected"] and row["line"] is not None and row["other_line"] is not None
    assert coverage.filter((pl.col("unit_id") == "u1") & (pl.col("rule") == rule.code))["outcome"].to_list() == ["fail"]


@pytest.mark.parametrize("rule", XYR_RULES, ids=[r.code for r in XYR_RULES])
def test_good_example_passes(rule):
    findings, coverage = _screen_pair(rule.good.text)
    assert findings.height == 0, findings
    assert coverage.filter((pl.col("unit_id") == "u1") & (pl.col("rule") == rule.code))["outcome"].to_list() == ["pass"]
    # The first year has no year before it: nothing to compare.
    assert coverage.filter(pl.col("unit_id") == "u0")["outcome"].unique().to_list() == ["insufficient_data"]


def test_english_message():
    findings, _ = _screen_pair(XYR_RULES[0].bad.text, lang="en")
    assert "2023 disclosure states" in findings["message"][0]


@pytest.mark.parametrize(
    "a,b",
    [
        ("凤县人民政府办公室", "凤县政府办公室"),
        ("凤县人民政府办公室（本级）", "凤县人民政府办公室"),
        ("凤县人力资源和社会保障局", "凤县人力资源社会保障局"),
        ("凤县城关街道办事处", "凤县城关街道办"),
        ("凤县 文化和旅游局", "凤县文化旅游局"),
        ("和谷县发展和改革局", "和谷县发展改革局"),  # a place's own 和 is not the one dropped
        ("清和县住房和城乡建设局（本级）", "清和县住房城乡建设局"),
    ],
)
def test_unit_key_variants_match(a, b):
    keys = pl.select(unit_key_expr(pl.Series([a, b]))).to_series().to_list()
    assert keys[0] == keys[1]


@pytest.mark.parametrize(
    "a,b",
    [
        ("凤县文化和旅游局", "凤县文化广电和旅游局"),  # renamed: a new name, not a variant
        ("凤县卫生健康局", "凤县卫生健康委员会"),
        ("凤县和平镇人民政府", "凤县平镇人民政府"),  # 和 in a place name stays
        ("和谷县发展改革局", "谷县发展改革局"),
    ],
)
def test_unit_key_renamed_not_matched(a, b):
    keys = pl.select(unit_key_expr(pl.Series([a, b]))).to_series().to_list()
    assert keys[0] != keys[1]


def test_default_corpus_unchanged():
    """The single-year generator writes what it wrote before --years existed."""
    import hashlib

    from datasets.synthetic.generate import iter_documents

    h = hashlib.sha1()
    for rel, data, _ in iter_documents(40, 5, template="mixed"):
        h.update(rel.encode())
        h.update(data if isinstance(data, bytes) else b"".join(data.values()))
    assert h.hexdigest() == "0bcce6ad0d645146d8a4ee06ba5f86ce25bf73f3"


def test_years_corpus(tmp_path):
    """Each unit once a year; a clean corpus agrees with itself across years (no XYR),
    and a planted XYR is found, naming last year's document."""
    from anomaly.pipeline import Options, screen
    from datasets.synthetic import generate_corpus

    labels = generate_corpus(tmp_path / "c", units=40, seed=3, years=[2023, 2024, 2025], anomaly_share=0.0)
    docs = labels["documents"]
    assert len(docs) == 120 and {d["year"] for d in docs} == {2023, 2024, 2025}
    assert all(len([d for d in docs if d["unit_key"] == k]) == 3 for k in {d["unit_key"] for d in docs})
    planted = [(d, a) for d in docs for a in d["anomalies"] if a["family"] == "XYR"]
    assert planted and all(a["other_file"] in {d["file"] for d in docs} for _, a in planted)
    run = screen(sorted((tmp_path / "c").rglob("*.txt")), tmp_path / "out", Options())
    units = run.units
    assert units["doc_kind"].unique().to_list() == ["budget"]
    assert units["unit_key"].n_unique() >= 40
    xyr = run.findings.filter(pl.col("family") == "XYR")
    flagged = {p.split("/c/")[-1] for p in xyr["source_path"]}
    planted_files = {d["file"] for d, _ in planted}
    assert flagged == planted_files


# Last year's line: a unit slip in 会议费 (UNT), 培训费 beside it right.
_SLIP_2023 = (
    "2023年本单位会议费预算支出2.70元，比2022年预算2.50万元增加0.20万元；"
    "培训费预算支出3.10万元，比2022年预算3.00万元增加0.10万元。"
)
_SLIP_2024 = (
    "2024年本单位会议费预算支出2.68万元，比2023年预算2.70万元减少0.02万元；"
    "培训费预算支出3.40万元，比2023年预算{pri}万元{word}{chg}万元。"
)


@pytest.mark.parametrize("pri,word,chg,flagged", [("3.10", "增加", "0.30", False), ("3.60", "减少", "0.20", True)])
def test_finding_disputes_its_own_clause_only(pri, word, chg, flagged):
    """A finding about one clause of a line (the 会议费 unit slip) leaves the other
    clauses of that line comparable: the 培训费 restated wrongly is still found."""
    from anomaly.rules.xyr import _pair

    findings, _ = _screen_pair(_pair(_SLIP_2023, _SLIP_2024.format(pri=pri, word=word, chg=chg)))
    assert findings["message"].str.contains("培训费").to_list() == ([True] if flagged else [])
    assert not findings["message"].str.contains("会议费").any()


# Last year's stated change is not current minus prior (YOY001): 2.70 or 2.50 + 0.52 = 3.02.
_CHANGE_2023 = "2023年本单位会议费预算支出2.70万元，比2022年预算2.50万元增加0.52万元。"
_CHANGE_2024 = "2024年本单位会议费预算支出2.68万元，比2023年预算{pri}万元减少{chg}万元。"


@pytest.mark.parametrize("pri,chg,flagged", [("2.70", "0.02", False), ("3.02", "0.34", False), ("3.20", "0.52", True)])
def test_wrong_change_leaves_two_readings(pri, chg, flagged):
    """A figure whose own document's change disagrees (YOY001) is compared under both
    readings (as printed, and as its prior and change imply): meeting neither, the
    restated figure is found."""
    from anomaly.rules.xyr import _pair

    findings, _ = _screen_pair(_pair(_CHANGE_2023, _CHANGE_2024.format(pri=pri, chg=chg)))
    assert findings["rule"].to_list() == (["XYR001"] if flagged else [])


# Last year's 公务接待费 misprinted (4.74 for 3.74): its 三公 parts do not add up (SAN001).
_SAN_2023 = (
    "2023年本单位“三公”经费预算47.20万元，比2022年预算49.05万元减少1.85万元。其中：公务用车购置费0.00万元，比上年无变动；"
    "公务用车运行维护费43.46万元，比2022年预算43.93万元减少0.47万元；公务接待费4.74万元，比2022年预算5.12万元减少0.38万元；"
    "因公出国（境）经费0.00万元，比上年无变动。"
)
_SAN_2024 = (
    "2024年本单位“三公”经费预算48.00万元，比2023年预算{tp}万元增加{tc}万元。其中：公务用车购置费0.00万元，比上年无变动；"
    "公务用车运行维护费44.00万元，比2023年预算{rp}万元增加{rc}万元；公务接待费4.00万元，比2023年预算3.74万元增加0.26万元；"
    "因公出国（境）经费0.00万元，比上年无变动。"
)


@pytest.mark.parametrize(
    "tp,tc,rp,rc,flagged", [("47.20", "0.80", "43.46", "0.54", False), ("47.70", "0.30", "43.96", "0.04", True)]
)
def test_sangong_disputed_last_year_keeps_two_readings(tp, tc, rp, rc, flagged):
    """Last year's 三公 figures, disputed by its SAN finding, are compared as printed and as
    the others imply (接待费 = total less the other parts = 3.74): the right restatement of
    the misprinted part is not found, a restated 运行维护费 and total that match neither are."""
    from anomaly.rules.xyr import _pair

    findings, _ = _screen_pair(_pair(_SAN_2023, _SAN_2024.format(tp=tp, tc=tc, rp=rp, rc=rc)))
    assert findings["rule"].to_list() == (["XYR001"] if flagged else [])


def test_cross_document_findings_keep_their_ids_whatever_path_names_the_files(tmp_path):
    # Copies, last year's disclosure and the year's budget are named in the evidence by
    # path; analysts' decisions, kept by finding id, must hold when the same files are
    # named relative or absolute (a cron line rewritten, a share mounted elsewhere).
    import subprocess
    import sys

    from datasets.synthetic import generate_corpus

    generate_corpus(tmp_path / "c" / "years", units=20, seed=7, years=[2024, 2025], finals=True)
    generate_corpus(tmp_path / "c" / "copies", units=40, seed=3)
    run = [sys.executable, "-m", "anomaly.cli", "screen"]
    subprocess.run([*run, "c", "--out", "o1", "--workers", "1"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run(
        [*run, str(tmp_path / "c"), "--out", str(tmp_path / "o2"), "--workers", "1"],
        cwd="/",
        check=True,
        capture_output=True,
    )
    a, b = (pl.read_parquet(tmp_path / o / "findings.parquet") for o in ("o1", "o2"))
    assert {"CPY", "XYR", "EXE"} <= set(a["family"])
    assert a["source_path"][0] != b["source_path"][0]  # the paths differ ...
    assert sorted(a["finding_id"]) == sorted(b["finding_id"])  # ... the ids do not
