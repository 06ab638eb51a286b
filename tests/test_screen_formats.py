"""Screening web pages, Word files, workbooks and 说明 + 报表 bundles end to end: the same
labelled units as in text give the same figures and the same findings; broken files
of every format are accounted for and the run goes on."""

from __future__ import annotations

import io
import json
import re

import polars as pl
import pytest
from click.testing import CliRunner

from anomaly.cli import main
from datasets.accuracy import extraction_report
from datasets.synthetic import generate_corpus

UNITS = 10
SEED = 44
FORMATS = ("html", "docx", "xlsx", "bundle")


def _screen(folder, out):
    result = CliRunner().invoke(main, ["screen", str(folder), "--out", str(out), "--no-cache", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    outs = {}
    for fmt in ("txt", *FORMATS):
        generate_corpus(root / fmt, units=UNITS, seed=SEED, fmt=fmt)
        outs[fmt] = (root / fmt, _screen(root / fmt, tmp_path_factory.mktemp(f"out-{fmt}")))
    return outs


def _findings_by_unit(out) -> set:
    units = pl.read_parquet(out / "units.parquet").select("unit_id", "unit_name")
    f = pl.read_parquet(out / "findings.parquet").filter(~pl.col("family").is_in(["OUT", "CPY"]))
    f = f.join(units, on="unit_id")

    def clean(s):  # messages that list items quote line numbers, which differ by format
        return re.sub(r"第[\d–]+行", "", s or "")

    return {(r["unit_name"], r["rule"], clean(r["stated"]), clean(r["expected"])) for r in f.iter_rows(named=True)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_labelled_figure_is_read(screened, fmt):
    corpus, out = screened[fmt]
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    units = pl.read_parquet(out / "units.parquet")
    report = extraction_report(labels, corpus, units)
    assert report["share"] == 1.0, report["misses"]
    assert units.height == UNITS  # bundles: one disclosure each, not two
    assert units["source_files"].list.len().sum() == sum(len(d.get("files", [d["file"]])) for d in labels["documents"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_findings_as_the_text(screened, fmt):
    assert _findings_by_unit(screened[fmt][1]) == _findings_by_unit(screened["txt"][1])


def test_bundle_findings_name_the_file_their_evidence_is_in(screened):
    _, out = screened["bundle"]
    f = pl.read_parquet(out / "findings.parquet")
    tables = f.filter(pl.col("family").is_in(["ARI", "XTB"]))  # seed 44 plants both: evidence in the 报表
    assert tables.height and tables["source_path"].str.ends_with(".xlsx").all()
    # ... at the sheet and row an analyst opens: the row holds the evidence's figures.
    from python_calamine import CalamineWorkbook

    for r in tables.filter(pl.col("place").str.contains(r"!\d+$")).iter_rows(named=True):
        sheet, row = r["place"].rsplit("!", 1)
        cells = CalamineWorkbook.from_path(r["source_path"]).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        printed = " ".join(str(v) for v in cells[int(row) - 1])
        figures = re.findall(r"\d[\d,]*\.\d+", r["evidence"] or "")
        assert any(x.replace(",", "").rstrip("0").rstrip(".") in printed for x in figures), (r["place"], r["evidence"])
    assert tables["place"].str.contains(r"!\d+$").sum() >= 1
    narrative = f.filter(pl.col("family") == "UNT")  # in the 说明
    assert narrative.height and not narrative["source_path"].str.ends_with(".xlsx").any()


def test_broken_files_of_every_format_are_accounted_for(screened, tmp_path):
    import docx

    folder = tmp_path / "in"
    folder.mkdir()
    good = next((screened["html"][0]).rglob("*.html"))
    (folder / "good.html").write_bytes(good.read_bytes())
    workbook = next((screened["xlsx"][0]).rglob("*.xlsx")).read_bytes()
    (folder / "cut.xlsx").write_bytes(workbook[:3000])
    (folder / "really-a-csv.xlsx").write_text("项目,预算数\n合计,100.00\n", encoding="utf-8")
    (folder / "no-table.html").write_text("<html><body><p>通知：系统维护。</p></body></html>", encoding="utf-8")
    buf = io.BytesIO()
    docx.Document().save(buf)
    (folder / "empty.docx").write_bytes(buf.getvalue())
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    out = _screen(folder, tmp_path / "out")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs_seen"] == 6 == len(manifest["files"])
    assert manifest["ok"] + manifest["partial"] + manifest["failed"] == 6
    status = {f["source_path"].rsplit("/", 1)[-1]: f for f in manifest["files"]}
    assert status["good.html"]["parse_status"] == "ok"
    for name in ("cut.xlsx", "really-a-csv.xlsx", "no-table.html", "empty.docx", "old.doc"):
        assert status[name]["parse_status"] == "failed" and status[name]["parse_error"], name


def test_show_points_into_the_workbook_and_pictures_the_pdf_of_a_bundle(screened, tmp_path):
    _, out = screened["bundle"]
    f = pl.read_parquet(out / "findings.parquet")
    in_book = f.filter(pl.col("place").str.contains(r"!\d+$")).row(0, named=True)
    result = CliRunner().invoke(
        main, ["show", in_book["finding_id"], "--out-dir", str(out), "--out", str(tmp_path / "a.png")]
    )
    assert result.exit_code == 1 and "工作簿" in result.output and in_book["place"].split("!")[0] in result.output
    on_page = f.filter(pl.col("page").is_not_null() & pl.col("source_path").str.ends_with(".pdf"))
    assert on_page.height  # seed 44 has one, in a 说明 PDF: not "changed since the screen"
    for row in on_page.head(1).iter_rows(named=True):
        result = CliRunner().invoke(
            main, ["show", row["finding_id"], "--out-dir", str(out), "--out", str(tmp_path / "b.png")]
        )
        assert result.exit_code == 0, result.output


def test_the_report_numbers_a_workbook_findings_source_by_its_sheet_row(screened, tmp_path):
    # Its rows were read as lines of text, whose numbers an analyst cannot find in the book.
    import html as html_lib
    import shutil

    from conftest import chromium_dom

    if not shutil.which("chromium"):
        pytest.skip("needs chromium")
    _, out = screened["bundle"]
    f = pl.read_parquet(out / "findings.parquet")
    in_book = f.filter(pl.col("place").str.contains(r"!\d+$")).row(0, named=True)
    sheet, row = in_book["place"].rsplit("!", 1)
    dom = chromium_dom((out / "report.html").as_uri() + "#unit=" + in_book["unit_id"], tmp_path / "profile")
    dom = html_lib.unescape(dom)
    assert f"工作表「{sheet}」第 {row} 行及其上下" in dom
    assert re.search(rf'<tr class="hit"><td class="ln">{row}</td>', dom), dom[-3000:]
