"""The 财政部 template's tables as workbooks, web pages, Word files and PDFs print them."""

from __future__ import annotations

import json

import polars as pl
import pytest
from click.testing import CliRunner

from anomaly.cli import main
from anomaly.engine import frames_from_text
from datasets.accuracy import extraction_report
from datasets.parse import parse_text
from datasets.read.cells import table_lines
from datasets.synthetic import generate_corpus
from tests.test_screen_formats import _findings_by_unit

UNITS = 16
SEED = 3
FORMATS = ("pdf", "html", "docx", "xlsx", "bundle")


def test_a_maker_and_unit_line_above_a_sheets_table_governs_its_amounts():
    # 编制单位：… 单位：万元 on one line (one merged cell) must stay below the id and the
    # title, where the parser looks for a table's 单位.
    rows = [
        ["表一", "", ""],
        ["2024年部门收支总表", "", ""],
        ["编制单位：某某局 单位：万元", "", ""],
        ["项 目", "预算数", ""],
        ["本年收入合计", "1524.49", ""],
    ]
    lines = table_lines(rows)
    assert lines[:3] == ["表1", "2024年部门收支总表", "编制单位：某某局 单位：万元"]
    cells = frames_from_text("\n".join(lines))["cells"]
    assert 15244900.0 in cells["value_yuan"]


_PLAIN_TOC = """第四部分 公开报表

目　录

表一　2024年部门收支总表
表二　2024年部门收入总表
表八　2024年部门政府性基金预算支出表

表一　2024年部门收支总表
编制单位：某某局\t单位：万元
项 目\t预算数\t项 目\t预算数
本年收入合计\t100.00\t本年支出合计\t100.00

表二　2024年部门收入总表
单位：万元
单位编码\t单位名称\t合计
\t合计\t100.00

表八　2024年部门政府性基金预算支出表
单位：万元
科目编码科目名称合计基本支出项目支出
合计
注：本部门2024年没有使用政府性基金预算拨款安排的支出，故本表无数据。
"""


def test_an_empty_table_read_without_cells_is_declared_empty_by_its_note():
    # A PDF runs an empty table's header cells together: no row to read, but the table
    # is there, under its heading, with the 注 that says why it is empty.
    toc = {d["table_id"]: d for d in parse_text(_PLAIN_TOC)["toc"]}
    assert set(toc) == {"表一", "表二", "表八"}
    assert toc["表八"]["declared_empty"] and "本表无数据" in toc["表八"]["reason"]
    assert not toc["表一"]["declared_empty"] and not toc["表二"]["declared_empty"]


def test_a_maker_and_unit_row_is_the_tables_caption_not_its_first_row():
    cells = frames_from_text(_PLAIN_TOC)["cells"]
    assert 1000000.0 in cells["value_yuan"]  # 100.00 万元
    assert not any("编制单位" in (t or "") for t in cells["text"])


def test_a_plain_list_with_a_paragraph_per_entry_is_the_contents():
    # Web pages and Word files give each entry a paragraph: blank lines between them.
    spaced = _PLAIN_TOC.replace("总表\n表二", "总表\n\n表二").replace("总表\n表八", "总表\n\n表八")
    assert [d["table_id"] for d in parse_text(spaced)["toc"]] == ["表一", "表二", "表八"]


@pytest.mark.parametrize("heading", ["目\t录", "目录\t"])
def test_the_contents_and_headings_as_a_pdf_of_a_word_file_gives_them(heading):
    # LibreOffice's PDF of a Word file: the wide space after 表一 is a cell break in the
    # 目录 (its heading run into the first entry, or split itself) and lost in the
    # headings (表二2024年…).
    pdf_like = (
        _PLAIN_TOC.replace("目　录\n\n表一　", "目录表一\t")
        .replace("第四部分 公开报表\n", f"第四部分 公开报表\n\n{heading}\n")
        .replace("\n表二　2024年部门收入总表\n表八", "\n表二\t2024年部门收入总表\n表八")
        .replace("\n表八　2024年部门政府性基金预算支出表\n\n表一", "\n表八\t2024年部门政府性基金预算支出表\n\n表一")
        .replace("\n\n表二　2024年", "\n\n表二2024年")
    )
    assert "目录表一\t" in pdf_like and "\n表二2024年部门收入总表" in pdf_like
    out = parse_text(pdf_like)
    toc = {d["table_id"]: d for d in out["toc"]}
    assert set(toc) == {"表一", "表二", "表八"} and toc["表八"]["declared_empty"]
    assert not toc["表一"]["declared_empty"] and not toc["表二"]["declared_empty"]
    assert set(out["tables"]["table_printed"]) == {"表一", "表二"}


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    """The same 财政部-template units as text and in every published format, screened."""
    root = tmp_path_factory.mktemp("mof-formats")
    outs = {}
    for fmt in ("txt", *FORMATS):
        generate_corpus(root / fmt, units=UNITS, seed=SEED, fmt=fmt, template="mof")
        out = tmp_path_factory.mktemp(f"out-{fmt}")
        args = ["screen", str(root / fmt), "--out", str(out), "--no-cache", "--workers", "1"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        outs[fmt] = (root / fmt, out)
    return outs


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_labelled_figure_is_read_from_every_format(screened, fmt):
    corpus, out = screened[fmt]
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    report = extraction_report(labels, corpus, pl.read_parquet(out / "units.parquet"))
    assert report["share"] == 1.0, report["misses"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_the_findings_of_the_text(screened, fmt):
    assert _findings_by_unit(screened[fmt][1]) == _findings_by_unit(screened["txt"][1])


def test_an_empty_table_read_without_cells_and_without_a_note_is_empty_without_a_reason():
    text = _PLAIN_TOC.replace("注：本部门2024年没有使用政府性基金预算拨款安排的支出，故本表无数据。\n", "")
    toc = {d["table_id"]: d for d in parse_text(text)["toc"]}
    assert toc["表八"]["declared_empty"] and toc["表八"]["reason"] is None  # CMP002's case
    assert not toc["表一"]["declared_empty"]


def test_a_table_under_another_tables_number_does_not_stand_for_it():
    # A workbook reads sheet 附表2 (整体支出绩效目标表) as 表2: not the 目录's 表2 收入总表.
    from anomaly.engine import frames_from_text, run_rules
    from anomaly.rules.cmp import _CMP_TABLES

    perf = "\n表2\n\n2024年部门整体支出绩效目标表\n\n单位：元\n\n项 目\t合计\n合计\t100.00\n"
    findings, _ = run_rules(frames_from_text(_CMP_TABLES.format(t2=perf)), select=["CMP001"])
    assert findings.height == 1 and "表2" in findings["message"][0]


def test_an_unnumbered_table_named_for_another_role_does_not_excuse_a_missing_one():
    # Sheets named by title leave the performance tables without a number: they cannot
    # be the missing 表2 收入总表, so CMP001 still judges (not insufficient data).
    from anomaly.engine import frames_from_text, run_rules
    from anomaly.rules.cmp import _CMP_TABLES

    perf = "\n2024年部门整体支出绩效目标表\n\n单位：元\n\n项 目\t合计\n合计\t100.00\n"
    findings, _ = run_rules(frames_from_text(_CMP_TABLES.format(t2=perf)), select=["CMP001"])
    assert findings.height == 1 and "表2" in findings["message"][0]
