"""report.xlsx in analysts' habits (issue #12), and every string of the reports in both languages."""

from __future__ import annotations

import re
import string
import zipfile

import polars as pl
import pytest
from test_reports import read_xlsx

from anomaly.engine import catalog
from reports.excel import FINDINGS_SHEET, RANKING_SHEET, RULES_SHEET, UNITS_SHEET, write_xlsx
from reports.i18n import COLUMNS, FAMILIES, LANGS, STRINGS
from reports.model import ReportInput, fake_report_input

CJK = re.compile(r"[\u3400-\u9fff]")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", [STRINGS, COLUMNS, FAMILIES], ids=["strings", "columns", "families"])
def test_every_report_string_has_both_languages(table):
    zh, en = (table[lang] for lang in LANGS)
    assert set(zh) == set(en), set(zh) ^ set(en)
    for key in zh:
        assert zh[key].strip() and en[key].strip(), key
        # The same placeholders, so that either language formats with the same values.
        assert fields(zh[key]) == fields(en[key]), key
        # English strings are English (a Chinese term may stand in parentheses, e.g. wan (万)).
        assert not CJK.search(re.sub(r"（.*?）|\(.*?\)", "", en[key])), (key, en[key])


def test_every_workbook_header_has_both_languages():
    for name in {*RANKING_SHEET, *FINDINGS_SHEET, *UNITS_SHEET, *RULES_SHEET}:
        for lang in LANGS:
            assert name in COLUMNS[lang], (lang, name)
        assert CJK.search(COLUMNS["zh"][name]) and not CJK.search(COLUMNS["en"][name]), name


def analysts_run(lang: str) -> ReportInput:
    """The fake run with what a real screen adds: triage decisions, is_new, unit_key."""
    run = fake_report_input(30)
    f = run.findings.with_row_index("i").with_columns(
        title=pl.lit("规则名称"),
        fingerprint=pl.lit("0123456789abcdef"),
        finding_id=pl.lit("abcdef1234"),
        unit_key=pl.lit("key"),
        is_new=(pl.col("i") % 2 == 0),
        triage=pl.when(pl.col("i") == 0).then(pl.lit("dismissed")).otherwise(None),
        triage_note=pl.when(pl.col("i") == 0).then(pl.lit("口径差异")).otherwise(None),
        triage_by=pl.when(pl.col("i") == 0).then(pl.lit("王")).otherwise(None),
        triage_at=pl.when(pl.col("i") == 0).then(pl.lit("2025-03-02T08:30:00+00:00")).otherwise(None),
    )
    ranking = run.ranking.with_columns(infos=pl.lit(0), peer_score=pl.lit(0.25))
    return ReportInput(run.units, f.drop("i"), ranking, run.coverage, run.features, run.manifest, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_workbook_speaks_the_runs_language(lang, tmp_path):
    path = tmp_path / "report.xlsx"
    write_xlsx(path, analysts_run(lang))
    sheets = read_xlsx(path)
    names = [k for k in sheets if "#" not in k]
    for name in names[1:]:
        header = sheets[name][0]
        assert all(h in COLUMNS[lang].values() for h in header), (name, header)
    findings = sheets[names[2]]
    values = {c for row in findings[1:] for c in row}
    assert STRINGS[lang]["dismissed"] in values and STRINGS[lang]["error"] in values
    if lang == "zh":
        assert not values & {"dismissed", "error", "warning", "info"}
    xml = sheets[names[2] + "#xml"]
    assert 't="b"' in xml  # is_new: real booleans, not "false"
    assert "false" not in {c for row in findings for c in row}
    if lang == "en":
        # Coded values spelled out in English; no Chinese in what the tool writes around them.
        units = sheets[names[3]]
        assert {"ok"} <= {c for row in units[1:] for c in row}


def test_findings_in_rank_order_with_the_rank(tmp_path):
    run = analysts_run("zh")
    path = tmp_path / "report.xlsx"
    write_xlsx(path, run)
    rows = read_xlsx(path)["问题清单"]
    ranks = [int(r[0]) for r in rows[1:]]
    assert ranks == sorted(ranks)
    rank_of = dict(run.ranking.select("unit_id", "rank").iter_rows())
    col = rows[0].index("单位编号") - len(rows[0])  # ids come last; count from the end (empty cells are skipped)
    assert all(rank_of[r[col]] == int(r[0]) for r in rows[1:])


def test_workbook_prints_and_explains(tmp_path):
    path = tmp_path / "report.xlsx"
    write_xlsx(path, analysts_run("zh"))
    sheets = read_xlsx(path)
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
    for i in range(1, 5):
        assert f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">' in book
    for name in ("排名", "问题清单", "单位数据", "规则说明"):
        xml = sheets[name + "#xml"]
        assert 'orientation="landscape"' in xml and 'fitToWidth="1"' in xml and 'fitToPage="1"' in xml
    assert 'wrapText="1"' in z_styles(path)
    summary = {row[0]: row[1:] for row in sheets["概况"] if row}
    assert summary["文件数"] == ["30"] and "错误" in summary and "金额单位" in summary
    assert float(summary["开始时间"][0]) > 45000  # a date serial, not text
    rules = sheets["规则说明"]
    assert {r[0] for r in rules[1:]} == {r.code for r in catalog()}


def z_styles(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/styles.xml").decode()
