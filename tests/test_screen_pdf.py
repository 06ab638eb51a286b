"""Screening PDFs end to end: the same labelled units as text and as PDF give the same
figures and the same findings; broken PDFs are accounted for and the run goes on."""

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

UNITS = 24
SEED = 31


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    generate_corpus(root / "txt", units=UNITS, seed=SEED)
    generate_corpus(root / "pdf", units=UNITS, seed=SEED, fmt="pdf")
    return root


def _screen(folder, out):
    result = CliRunner().invoke(main, ["screen", str(folder), "--out", str(out), "--no-cache", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def screened(corpora, tmp_path_factory):
    return {fmt: _screen(corpora / fmt, tmp_path_factory.mktemp(f"out-{fmt}")) for fmt in ("txt", "pdf")}


def _by_file(out, name):
    frame = pl.read_parquet(out / name)
    return frame.with_columns(
        pl.col("source_path").str.replace(r"\.(txt|pdf)$", "").str.replace(r".*/", "").alias("doc")
    )


def test_every_labelled_figure_is_read_from_the_pdfs(corpora, screened):
    labels = json.loads((corpora / "pdf" / "labels.json").read_text(encoding="utf-8"))
    units = pl.read_parquet(screened["pdf"] / "units.parquet")
    report = extraction_report(labels, corpora / "pdf", units)
    assert report["share"] == 1.0, report["misses"]
    assert set(units["format"]) == {"pdf"} and units["pages"].min() > 1


def test_pdfs_give_the_same_findings_as_their_text(screened):
    # Line numbers differ between a text file and the text read from a PDF; what is
    # found, stated and expected must not (messages quote line numbers of lists).
    def keyed(out):
        f = _by_file(out, "findings.parquet").filter(pl.col("family") != "OUT")
        return {
            (
                r["doc"],
                r["rule"],
                re.sub(r"第[\d–]+行", "", r["stated"] or ""),
                re.sub(r"第[\d–]+行", "", r["expected"] or ""),
            )
            for r in f.iter_rows(named=True)
        }

    assert keyed(screened["pdf"]) == keyed(screened["txt"])


def test_findings_on_pdfs_are_located_on_their_page(screened):
    f = pl.read_parquet(screened["pdf"] / "findings.parquet").filter(pl.col("line").is_not_null())
    assert f.height > 0 and f["page"].null_count() == 0
    units = pl.read_parquet(screened["pdf"] / "units.parquet").select("unit_id", "pages")
    assert f.join(units, on="unit_id").filter(pl.col("page") > pl.col("pages")).height == 0


def test_broken_pdfs_are_accounted_for_and_the_run_goes_on(corpora, tmp_path):
    from reportlab.pdfgen import canvas

    folder = tmp_path / "in"
    folder.mkdir()
    good = sorted((corpora / "pdf").rglob("*.pdf"))[0]
    (folder / "good.pdf").write_bytes(good.read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "not-a-pdf.pdf").write_text("这不是PDF", encoding="utf-8")
    (folder / "truncated.pdf").write_bytes(good.read_bytes()[:2000])
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.drawString(100, 700, "2025")
    c.save()
    (folder / "encrypted.pdf").write_bytes(buf.getvalue())
    out = _screen(folder, tmp_path / "out")
    units = pl.read_parquet(out / "units.parquet")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert units.height == manifest["inputs_seen"] == 5
    assert manifest["ok"] + manifest["partial"] + manifest["failed"] == 5
    status = dict(zip(units["source_path"].str.replace(r".*/", ""), units["parse_status"]))
    assert status["good.pdf"] in ("ok", "partial")
    errors = dict(zip(units["source_path"].str.replace(r".*/", ""), units["parse_error"]))
    assert "空文件" in errors["empty.pdf"] and "不是 PDF" in errors["not-a-pdf.pdf"]
    assert "加密" in errors["encrypted.pdf"]
    assert status["truncated.pdf"] in ("failed", "partial") and errors["truncated.pdf"]
