"""The command line end to end, as a user runs it."""

import json

import polars as pl
import pytest
from click.testing import CliRunner

from anomaly.cli import main
from datasets.synthetic import generate_corpus

UNITS = [
    "unit_id",
    "source_path",
    "unit_name",
    "year",
    "parse_status",
    "parse_error",
    "total_budget_yuan",
    "staff_authorized",
    "staff_actual",
    "retirees",
    "vehicles",
    "sangong_total_yuan",
    "sangong_prior_yuan",
]
FINDINGS = [
    "unit_id",
    "source_path",
    "rule",
    "family",
    "severity",
    "message",
    "evidence",
    "line",
    "page",
    "stated",
    "expected",
]
RANKING = ["rank", "unit_id", "source_path", "unit_name", "score", "outlier_score", "errors", "warnings", "reasons"]
FAMILIES = {"ARI", "XTB", "NAR", "YOY", "PCT", "UNT", "PLH", "CMP", "STF", "SAN", "PRF", "CPY", "OUT", "XYR", "EXE"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    generate_corpus(root, units=60, seed=5)
    (root / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    (root / "empty.md").write_text("", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def screened(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["screen", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_screen_writes_every_output_per_contract(screened):
    out, output = screened
    for name in (
        "units.parquet",
        "findings.parquet",
        "findings.csv",
        "coverage.parquet",
        "ranking.csv",
        "report.html",
        "report.xlsx",
        "manifest.json",
    ):
        assert (out / name).is_file(), name
    units = pl.read_parquet(out / "units.parquet")
    assert units.columns[: len(UNITS)] == UNITS
    assert units.height == 62  # every input file, the broken ones included
    findings = pl.read_parquet(out / "findings.parquet")
    assert findings.columns[: len(FINDINGS)] == FINDINGS
    assert set(findings["family"]) <= FAMILIES and findings.height > 0
    assert findings["rule"].str.contains(r"^[A-Z]{3}\d{3}$").all()
    ranking = pl.read_csv(out / "ranking.csv")
    assert ranking.columns[: len(RANKING)] == RANKING
    assert ranking["rank"].to_list() == list(range(1, 63))
    assert set(ranking["unit_id"]) == set(units["unit_id"])
    coverage = pl.read_parquet(out / "coverage.parquet")
    assert set(coverage["outcome"]) <= {"pass", "fail", "not_applicable", "insufficient_data", "error"}
    assert "report.html" in output or str(out) in output


def test_manifest_accounts_for_every_file(screened):
    out, _ = screened
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["inputs_seen"] == 62
    assert m["ok"] + m["partial"] + m["failed"] == m["inputs_seen"]
    assert m["failed"] >= 2
    assert {f["parse_status"] for f in m["files"]} <= {"ok", "partial", "failed"}
    assert m["version"] and m["options"]["lang"] == "zh"


def test_same_input_gives_byte_identical_ranking(corpus, screened, tmp_path):
    out, _ = screened
    again = tmp_path / "again"
    assert CliRunner().invoke(main, ["screen", str(corpus), "--out", str(again)]).exit_code == 0
    assert (again / "ranking.csv").read_bytes() == (out / "ranking.csv").read_bytes()


def test_select_ignore_and_english(corpus, tmp_path):
    out = tmp_path / "sel"
    r = CliRunner().invoke(
        main, ["screen", str(corpus), "--out", str(out), "--select", "PCT,YOY", "--ignore", "PCT002", "--lang", "en"]
    )
    assert r.exit_code == 0, r.output
    findings = pl.read_parquet(out / "findings.parquet")
    assert set(findings["family"]) <= {"PCT", "YOY"} and "PCT002" not in set(findings["rule"])
    assert findings.height > 0
    # English sentences (they may quote the disclosure's Chinese labels).
    assert findings["message"].str.contains(r"[A-Za-z]{3,} [A-Za-z]{2,}").all()


def test_exit_status(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00binary")
    r = CliRunner().invoke(main, ["screen", str(bad), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1  # not a single input could be read
    assert (tmp_path / "o" / "manifest.json").is_file()
    r = CliRunner().invoke(main, ["screen", str(tmp_path / "nothing-here"), "--out", str(tmp_path / "o2")])
    assert r.exit_code == 1
    r = CliRunner().invoke(main, ["screen", "--lang", "fr"])
    assert r.exit_code == 2


def test_a_mistyped_rule_code_is_a_usage_error(tmp_path):
    r = CliRunner().invoke(main, ["screen", str(tmp_path), "--out", str(tmp_path / "o"), "--select", "PTC"])
    assert r.exit_code == 2 and "PTC" in r.output and "未知" in r.output
    r = CliRunner().invoke(main, ["screen", str(tmp_path), "--out", str(tmp_path / "o"), "--ignore", "PCT002,UNT9"])
    assert r.exit_code == 2 and "UNT9" in r.output and "PCT002" not in r.output.split("：")[-1]
    assert not (tmp_path / "o").exists()


def test_a_night_that_reads_nothing_is_not_kept_in_the_history(corpus, tmp_path):
    out = tmp_path / "night"
    first = CliRunner().invoke(main, ["screen", str(corpus), "--out", str(out), "--workers", "1"])
    assert first.exit_code == 0, first.output
    missing = tmp_path / "share-not-mounted"
    r = CliRunner().invoke(main, ["screen", str(missing), "--out", str(out), "--workers", "1"])
    assert r.exit_code == 1 and "输入路径不存在" in r.output and str(missing) in r.output
    assert "未计入历史" in r.output
    assert len(list((out / "history").iterdir())) == 1  # the first night only
    night1 = (out / "history").iterdir().__next__().name
    again = CliRunner().invoke(main, ["screen", str(corpus), "--out", str(out), "--workers", "1"])
    assert again.exit_code == 0, again.output
    findings = pl.read_parquet(out / "findings.parquet")
    assert findings.height and not findings["is_new"].fill_null(False).any()  # not all "new" after the empty night
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["changes"]["same_files_as"] == night1  # the empty night is no run to compare with


def test_rules_catalog_lists_every_family():
    r = CliRunner().invoke(main, ["rules"])
    assert r.exit_code == 0
    families = {line.split()[0][:3] for line in r.output.splitlines() if line.strip()}
    assert families == FAMILIES
    r = CliRunner().invoke(main, ["rules", "NOPE999"])
    assert r.exit_code == 2
