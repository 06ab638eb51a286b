"""Nightly runs: what is new since the last run, and analysts' decisions that survive re-flowed text."""

import json
import re

import polars as pl
import pytest
from click.testing import CliRunner

from anomaly.cli import main
from datasets.read import decode
from datasets.synthetic import generate_corpus


def rewrite(path, change):
    """Apply `change` to the file's lines, keeping its encoding and line endings."""
    text, encoding = decode(path.read_bytes())
    lines = text.split("\n")
    change(lines)
    path.write_bytes("\n".join(lines).encode(encoding))


def screen(inputs, out):
    r = CliRunner().invoke(main, ["screen", str(inputs), "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture()
def corpus(tmp_path):
    generate_corpus(tmp_path / "in", units=30, seed=4)
    return tmp_path / "in"


def a_finding_with_a_line(out):
    """A finding whose evidence is quoted word for word from its line."""
    f = pl.read_parquet(out / "findings.parquet").filter(pl.col("line").is_not_null()).sort("finding_id")
    for row in f.iter_rows(named=True):
        from pathlib import Path

        text, _ = decode(Path(row["source_path"]).read_bytes())
        if row["evidence"].split(" … ")[0][:6] in text.split("\n")[row["line"] - 1]:
            return row
    pytest.skip("no finding quotes its line in this corpus")


def test_second_run_reports_changes_and_nothing_new(corpus, tmp_path):
    out = tmp_path / "out"
    screen(corpus, out)
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert first["changes"]["previous_run"] is None
    target = next(iter(sorted(corpus.rglob("*.txt"))))
    rewrite(target, lambda lines: lines.append("（本说明已于次日更正。）"))  # the next night: one file changed
    output = screen(corpus, out)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["changes"]["new_findings"] == 0 and m["changes"]["gone_findings"] == 0
    assert "与上次运行" in output
    assert len(list((out / "history").iterdir())) == 2
    assert not pl.read_parquet(out / "findings.parquet")["is_new"].any()


def test_a_run_of_the_same_files_keeps_what_is_new_since_last_night(corpus, tmp_path):
    # Run again the same day (to apply analysts' decisions), the night's new leads stay new.
    out = tmp_path / "out"
    screen(corpus, out)
    night1 = sorted((out / "history").iterdir())[-1].name
    victim = sorted(corpus.rglob("*.txt"))[0]
    rewrite(
        victim, lambda lines: lines.append("本单位2024年培训费预算支出1.50万元，较上年2.00万元减少0.50万元（40.0%）。")
    )
    screen(corpus, out)
    new = pl.read_parquet(out / "findings.parquet").filter("is_new")["finding_id"].to_list()
    assert new  # the PCT finding the night brought
    output = screen(corpus, out)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["changes"]["previous_run"] == night1 and m["changes"]["same_files_as"]
    assert pl.read_parquet(out / "findings.parquet").filter("is_new")["finding_id"].to_list() == new
    assert "完全相同" in output


def test_dismissed_finding_leaves_the_ranking_but_not_the_report(corpus, tmp_path):
    out = tmp_path / "out"
    screen(corpus, out)
    target = a_finding_with_a_line(out)
    before = pl.read_csv(out / "ranking.csv").filter(pl.col("unit_id") == target["unit_id"]).row(0, named=True)
    r = CliRunner().invoke(
        main, ["triage", str(out), target["finding_id"], "--dismiss", "--note", "口径差异", "--by", "审计一科"]
    )
    assert r.exit_code == 0, r.output

    # Re-flow the source: break the evidence line in two. The decision must still apply.
    path = next(p for p in corpus.rglob("*.txt") if str(p) == target["source_path"])
    rewrite(path, lambda lines: lines.insert(0, ""))  # every line moves down by one
    output = screen(corpus, out)
    # The terminal counts the findings as the report does: the dismissed one apart.
    n = pl.read_parquet(out / "findings.parquet").filter(pl.col("triage").is_null()).height
    assert f"问题：共 {n} 条" in output and "已排除（分析人员标记为非问题）：1 条" in output

    f = (
        pl.read_parquet(out / "findings.parquet")
        .filter(pl.col("finding_id") == target["finding_id"])
        .row(0, named=True)
    )
    assert f["line"] == target["line"] + 1
    assert (f["triage"], f["triage_note"], f["triage_by"]) == ("dismissed", "口径差异", "审计一科")
    after = pl.read_csv(out / "ranking.csv").filter(pl.col("unit_id") == target["unit_id"]).row(0, named=True)
    key = "errors" if target["severity"] == "error" else "warnings"
    assert after[key] == before[key] - 1
    assert target["finding_id"] in (out / "report.html").read_text(encoding="utf-8")


def test_a_decision_expires_when_the_evidence_changes(corpus, tmp_path):
    out = tmp_path / "out"
    screen(corpus, out)
    target = a_finding_with_a_line(out)
    CliRunner().invoke(main, ["triage", str(out), target["finding_id"], "--dismiss"])
    # Change the evidence line itself (a different figure in the quoted text).
    path = next(p for p in corpus.rglob("*.txt") if str(p) == target["source_path"])
    line = target["line"] - 1
    quote = target["evidence"].split(" … ")[0][:6]

    def edit(lines):
        at = lines[line].find(quote)
        assert at >= 0, (quote, lines[line])
        lines[line] = lines[line][: at + 2] + "调整" + lines[line][at + 2 :]  # inside the quoted words

    rewrite(path, edit)
    screen(corpus, out)
    now = pl.read_parquet(out / "findings.parquet").filter(
        (pl.col("unit_id") == target["unit_id"]) & (pl.col("rule") == target["rule"])
    )
    assert (now["triage"] == "dismissed").sum() == 0  # the old decision no longer applies


def test_triage_rejects_unknown_ids(corpus, tmp_path):
    out = tmp_path / "out"
    screen(corpus, out)
    r = CliRunner().invoke(main, ["triage", str(out), "nope", "--dismiss"])
    assert r.exit_code == 2 and "nope" in r.output


def test_triage_list_prints_finding_ids(corpus, tmp_path):
    out = tmp_path / "out"
    screen(corpus, out)
    target = a_finding_with_a_line(out)
    CliRunner().invoke(main, ["triage", str(out), target["finding_id"], "--dismiss", "--note", "口径差异"])
    listed = CliRunner().invoke(main, ["triage", str(out), "--list"])
    head, first = listed.output.splitlines()[:2]
    assert listed.exit_code == 0 and head.startswith("问题编号") and first.startswith(target["finding_id"])
    assert "已排除" in first and "口径差异" in first and "T" not in first.split()[1]  # local date and time, not ISO


def test_one_decision_at_a_time_and_the_same_decision_keeps_its_note(corpus, tmp_path):
    out = tmp_path / "out"
    screen(corpus, out)
    fid = a_finding_with_a_line(out)["finding_id"]
    both = CliRunner().invoke(main, ["triage", str(out), fid, "--confirm", "--dismiss"])
    assert both.exit_code == 2 and "--dismiss" in both.output
    CliRunner().invoke(main, ["triage", str(out), fid, "--dismiss", "--note", "口径差异"])
    CliRunner().invoke(main, ["triage", str(out), fid, "--dismiss"])  # again, by someone who adds no note
    assert "口径差异" in CliRunner().invoke(main, ["triage", str(out), "--list"]).output
    CliRunner().invoke(main, ["triage", str(out), fid, "--confirm"])  # the dismissal's reason no longer applies
    listed = CliRunner().invoke(main, ["triage", str(out), "--list"]).output
    assert "已确认" in listed and "口径差异" not in listed


def test_a_night_names_the_units_gone_and_the_files_read_twice(corpus, tmp_path):
    out = tmp_path / "out"
    screen(corpus, out)
    units = pl.read_parquet(out / "units.parquet")
    gone, twice = sorted(corpus.rglob("*.txt"))[:2]
    gone_name = units.filter(pl.col("source_path") == str(gone))["unit_name"][0]
    gone.unlink()
    (twice.parent / ("副本-" + twice.name)).write_bytes(twice.read_bytes())
    (twice.parent / "空.txt").write_bytes(b"")  # not read: no new unit
    output = screen(corpus, out)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["changes"]["new_units"] == 1 and "空.txt" not in m["changes"]["new_unit_names"]
    assert m["changes"]["gone_units"] == 1 and m["changes"]["gone_unit_names"] == [gone_name]
    assert f"消失的单位（1，本次未读到其文件）：{gone_name}" in output
    assert m["duplicate_files"] == [sorted([str(twice), str(twice.parent / ("副本-" + twice.name))])]
    assert "内容相同的文件（重复读入）" in output and "副本-" + twice.name in output
    assert re.search(r"与上次运行（\d{4}-\d\d-\d\d \d\d:\d\d）相比", output)  # local time, not the folder's UTC name
