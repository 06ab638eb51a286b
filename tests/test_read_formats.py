"""Workbooks, web pages and Word files read into the text files' shape (fixtures made here)."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import docx
import polars as pl
import pytest
import xlsxwriter
from docx.oxml import OxmlElement

from datasets.corpus import document_frames
from datasets.parse import parse_bytes, parse_document
from datasets.read import UnreadableFile, read_document
from datasets.read.cells import table_id
from datasets.read.workbook import number_format

# 表1 as the text conversions write it: what every format below must read into.
TABLE1 = [
    "表1",
    "2024年单位综合预算收支总表",
    "单位：元",
    "收 入\t\t支 出\t",
    "项 目\t预算数\t支出功能科目\t预算数",
    "一、部门预算\t6106713.00\t1、一般公共服务支出\t4967678.00",
    "1、财政拨款\t6106713.00\t2、卫生健康支出\t1139035.00",
    "\t\t3、外交支出\t",
    "本年收入合计\t6106713.00\t本年支出合计\t6106713.00",
]
NARRATIVE = ["某某县某某局2024年单位预算公开说明", "2024年收入预算6106713.00元，支出预算6106713.00元。"]


def _rows(doc) -> list[str]:
    return [ln for ln in doc.text.split("\n") if ln]


def _finds_table1_total(doc) -> None:
    frames = document_frames(parse_document(doc))
    cells = frames["cells"]
    totals = cells.filter((pl.col("table_id") == "表1") & (pl.col("row_head") == "本年收入合计"))["value"].drop_nulls()
    assert totals.len() and totals[0] == 6106713.0
    assert frames["units"]["total_budget_yuan"].item() == 6106713.0


# --- workbooks ---------------------------------------------------------------------


def _workbook(no_cached_value: bool = False) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    two = wb.add_format({"num_format": "0.00"})
    thousands = wb.add_format({"num_format": "#,##0.00_);[Red](#,##0.00)"})
    ws = wb.add_worksheet("表一")  # the id comes from the sheet's name
    ws.merge_range("A1:D1", "2024年单位综合预算收支总表")
    ws.write("D2", "单位：元")
    ws.merge_range("A3:B3", "收 入")
    ws.merge_range("C3:D3", "支 出")
    ws.write_row("A4", ["项 目", "预算数", "支出功能科目", "预算数"])
    ws.write_row("A5", ["一、部门预算", 6106713, "1、一般公共服务支出"])
    ws.write("B5", 6106713, two)
    ws.write("D5", 4967678, two)
    ws.write_row("A6", ["1、财政拨款", "6106713.00", "2、卫生健康支出"])  # a number stored as text
    ws.write("D6", 1139035, thousands)
    ws.write_row("A7", ["（隐藏）调整数", 99, "隐藏", 99])
    ws.set_row(6, None, None, {"hidden": True})
    ws.write("C8", "3、外交支出")
    ws.write_row("A9", ["本年收入合计"])
    ws.write("B9", 6106713, two)
    ws.write("C9", "本年支出合计")
    ws.write_formula("D9", "=D5+D6", two, 6106713)
    ws.write("F5", "内部备注")
    ws.set_column("F:F", None, None, {"hidden": True})
    ws.write_formula("B10", "=B5-B9", two, "" if no_cached_value else 0)
    hidden = wb.add_worksheet("底稿")
    hidden.write("A1", "内部底稿")
    hidden.hide()
    wb.add_worksheet("Sheet3")  # empty: skipped
    wb.close()
    return buf.getvalue()


def test_workbook_sheet_reads_like_the_text_table():
    doc = read_document(_workbook(), "报表.xlsx")
    assert doc.format == "xlsx"
    assert _rows(doc) == TABLE1
    problems, notes = " ".join(doc.problems), " ".join(doc.notes)
    # What the publisher hid is said, but does not make the file partial.
    assert "隐藏行" in notes and "第 7 行" in notes
    assert "隐藏列" in notes and "F" in notes
    assert "隐藏的工作表「底稿」" in notes
    assert "隐藏" not in problems
    # xlsxwriter caches 0 for every formula and asks for recalculation on opening: the
    # 0 in B10 is no value, D9's given cached value is one.
    assert "公式无计算结果" in problems and "B10" in problems and "D9" not in problems
    _finds_table1_total(doc)


def test_formula_without_a_cached_value_is_reported_not_read_as_zero():
    doc = read_document(_workbook(no_cached_value=True), "报表.xlsx")
    assert any("B10" in p for p in doc.problems)
    assert "0.00" not in doc.text.split("本年收入合计")[1]
    parsed = parse_document(doc)
    assert parsed["unit"]["parse_status"] == "partial" and "B10" in parsed["unit"]["parse_error"]


def test_several_tables_on_one_sheet_are_split_at_their_captions():
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Sheet1")
    for r, row in enumerate(
        [
            ["表1"],
            ["2024年单位综合预算收支总表"],
            ["单位：元"],
            ["项 目", "预算数", "支出功能科目", "预算数"],
            ["本年收入合计", "6106713.00", "本年支出合计", "6106713.00"],
            [],
            ["表2 2024年单位综合预算收入总表"],
            ["编制单位：某某局", None, "单位：万元"],
            ["项 目", "合计"],
            ["合计", "610.67"],
        ]
    ):
        ws.write_row(r, 0, row)
    wb.close()
    lines = _rows(read_document(buf.getvalue(), "x.xlsx"))
    assert lines == [
        "表1",
        "2024年单位综合预算收支总表",
        "单位：元",
        "项 目\t预算数\t支出功能科目\t预算数",
        "本年收入合计\t6106713.00\t本年支出合计\t6106713.00",
        "编制单位：某某局",
        "表2",
        "2024年单位综合预算收入总表",
        "单位：万元",
        "项 目\t合计",
        "合计\t610.67",
    ]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("General", (None, False, "")),
        ("0", (0, False, "")),
        ("0.00", (2, False, "")),
        ("#,##0.00_);[Red](#,##0.00)", (2, False, "")),
        ("0.0%", (1, True, "")),
        ('0.00"万元"', (2, False, "万元")),
        ('"￥"#,##0.000;"￥"-#,##0.000', (3, False, "")),
        ("yyyy-mm-dd", (None, False, "")),
        ('yyyy"年"m"月"d"日"', (None, False, "")),
        ("@", (None, False, "")),
    ],
)
def test_number_formats_give_the_printed_decimals(code, expected):
    assert number_format(code) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("表1", ("表1", "")),
        ("表一", ("表1", "")),
        ("表十二 2024年政府采购表", ("表12", "2024年政府采购表")),
        ("附表1-1", ("表1-1", "")),
        ("表 13-2：绩效目标表", ("表13-2", "绩效目标表")),
        ("表一般公共预算支出表", None),
        ("Sheet1", None),
    ],
)
def test_table_ids_from_sheet_names_and_title_rows(text, expected):
    assert table_id(text) == expected


def _soffice_xls(xlsx: bytes, tmp_path) -> bytes:
    return _soffice_as(xlsx, tmp_path, "t.xlsx", "xls")


def _soffice_as(data: bytes, tmp_path, source: str, target: str) -> bytes:
    """A file LibreOffice saved in a legacy format (.xls, .doc): no package here writes one."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(f"no LibreOffice to make a .{target} with")
    src = tmp_path / source
    src.write_bytes(data)
    try:
        subprocess.run(
            [soffice, "--headless", "--convert-to", target, "--outdir", str(tmp_path), str(src)],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("LibreOffice did not convert in time")
    out = src.with_suffix("." + target)
    if not out.exists():
        pytest.skip(f"this LibreOffice cannot write .{target}")
    return out.read_bytes()


def test_legacy_xls_reads_its_tables(tmp_path):
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("表1")
    ws.merge_range("A1:D1", "2024年单位综合预算收支总表")
    ws.write("D2", "单位：元")
    ws.merge_range("A3:B3", "收 入")
    ws.merge_range("C3:D3", "支 出")
    ws.write_row("A4", ["项 目", "预算数", "支出功能科目", "预算数"])
    ws.write_row("A5", ["本年收入合计", 6106713.5, "本年支出合计", 6106713.5])
    wb.close()
    doc = read_document(_soffice_xls(buf.getvalue(), tmp_path), "报表.xls")
    assert doc.format == "xls"
    assert _rows(doc) == [*TABLE1[:5], "本年收入合计\t6106713.5\t本年支出合计\t6106713.5"]  # .xls: as stored


def test_a_legacy_xls_leaves_out_its_hidden_rows_and_columns(tmp_path):
    # The same workbook as the .xlsx above, saved as .xls by LibreOffice: calamine gives
    # no hidden flags for BIFF; they come from its ROW and COLINFO records.
    doc = read_document(_soffice_xls(_workbook(), tmp_path), "报表.xls")
    notes = " ".join(doc.notes)
    assert "隐藏行" in notes and "第 7 行" in notes and "隐藏列" in notes and "F" in notes
    assert "调整数" not in doc.text and "内部备注" not in doc.text and "内部底稿" not in doc.text


def test_a_legacy_xls_made_elsewhere_leaves_out_its_hidden_rows_and_columns():
    # A fixture LibreOffice wrote (from an .xlsx with column C and row 6 hidden), read
    # without LibreOffice: a hidden helper column of numbers had been read as figures.
    data = (Path(__file__).parent / "fixtures" / "hidden_rows_columns.xls").read_bytes()
    doc = read_document(data, "报表.xls")
    assert doc.format == "xls"
    assert _rows(doc)[2:] == ["项目\t预算数", "一、财政拨款\t1200", "二、事业收入\t300", "合计\t1500", "备注"]
    assert "第 6 行" in " ".join(doc.notes) and "C 列" in " ".join(doc.notes)


def test_a_stray_value_far_away_does_not_take_the_run_down():
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet("表1").write_row("A1", ["本年收入合计", "6106713.00"])
    stray = wb.add_worksheet("表2")
    stray.write_row("A1", ["合计", "1.00"])
    stray.write("XFD1048576", "x")  # calamine would ask for half a terabyte: Rust aborts on that
    wb.close()
    doc = read_document(buf.getvalue(), "x.xlsx")
    assert "本年收入合计\t6106713.00" in doc.text and "合计\t1.00" not in doc.text
    assert any("XFD1048576" in p for p in doc.problems)


def test_a_reader_that_dies_or_hangs_in_its_child_process_makes_the_file_unreadable(monkeypatch):
    from datasets.read import workbook
    from datasets.read.document import Document

    assert workbook._in_child(lambda data: Document(text=data.decode(), format="xls"), "表1".encode()).text == "表1"
    with pytest.raises(UnreadableFile, match="崩溃"):
        workbook._in_child(lambda data: os.kill(os.getpid(), signal.SIGKILL), b"")
    with pytest.raises(UnreadableFile, match="不是"):
        workbook._in_child(lambda data: workbook._read_workbook(b"not a workbook"), b"")
    monkeypatch.setattr(workbook, "MAX_SECONDS", 0.2)
    with pytest.raises(UnreadableFile, match="超时"):
        workbook._in_child(lambda data: time.sleep(5), b"")


# --- web pages ---------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>预算公开</title><style>td {{ font-size: 9pt }}</style><script>document.write("表9")</script>
</head><body>
<div class="top"><nav><a href="/">首页</a> &gt; <a>信息公开</a></nav></div>
{body}
<footer>主办单位：某某县人民政府 版权所有</footer><script>var a = "表9";</script>
</body></html>"""
BODY = """<h1>某某县某某局2024年单位预算公开说明</h1>
<p style="display:none">隐藏的文字</p>
<p>2024年收入预算6106713.00元，<br>
支出预算6106713.00元。</p>
<p><b>表1</b></p><p align="center">2024年单位综合预算收支总表</p><p align="right">单位：元</p>
<table border="1">
<tr><th colspan="2">收 入</th><th colspan="2">支 出</th></tr>
<tr><td>项 目</td><td>预算数</td><td>支出功能科目</td><td>预算数</td></tr>
<tr><td>一、部门预算</td><td>6106713.00</td><td>1、一般公共服务支出</td><td>4967678.00</td></tr>
<tr><td rowspan="2">1、财政拨款</td><td rowspan="2">6106713.00</td><td>2、卫生健康支出</td><td>1139035.00</td></tr>
<tr><td>3、外交支出</td><td>&nbsp;</td></tr>
<tr><td>本年收入合计</td><td>6106713.00</td><td>本年支出合计</td><td>6106713.00</td></tr>
</table>"""


def test_gbk_page_with_spans_reads_like_the_text():
    data = PAGE.format(body=BODY).encode("gbk")
    doc = read_document(data, "公开.htm")
    assert doc.format == "html" and doc.encoding == "gb18030" and not doc.problems
    lines = _rows(doc)
    assert lines == [NARRATIVE[0], "2024年收入预算6106713.00元，", "支出预算6106713.00元。", *TABLE1]
    _finds_table1_total(doc)


def test_page_laid_out_in_a_table_reads_the_table_inside_it():
    layout = f'<table width="980"><tr><td width="200">栏目导航</td><td>{BODY}</td></tr></table>'
    doc = read_document(PAGE.format(body=layout).encode("utf-8"), "x.html")
    lines = _rows(doc)
    assert lines[0] == "栏目导航" and lines[-len(TABLE1) :] == TABLE1
    _finds_table1_total(doc)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("\ufeff<html><body><p>表1 预算</p></body></html>".encode(), "utf-8"),
        ('<html><head><meta charset="GBK"></head><body><p>表1 预算</p></body></html>'.encode("gbk"), "gb18030"),
        ("<html><body><p>表1 预算</p></body></html>".encode(), "utf-8"),
        ("<html><body><p>表1 预算</p></body></html>".encode("gb18030"), "gb18030"),
        ('<html><head><meta charset="utf-8"></head><body><p>表1 预算</p></body></html>'.encode("gbk"), "gb18030"),
    ],
    ids=["bom", "meta-gbk", "utf8", "undeclared-gb", "declared-wrong"],
)
def test_page_encodings(data, encoding):
    doc = read_document(data, "x.html")
    assert doc.text == "表1 预算" and doc.encoding == encoding


def test_page_without_a_table_reads_its_narrative():
    page = PAGE.format(body=f"<h1>{NARRATIVE[0]}</h1><div>{NARRATIVE[1]}</div>")
    assert _rows(read_document(page.encode("gbk"), "x.html")) == NARRATIVE


# --- Word files --------------------------------------------------------------------


def _word(nested: bool = False) -> bytes:
    d = docx.Document()
    for text in NARRATIVE + TABLE1[:3]:
        d.add_paragraph(text)
    host = d
    if nested:  # the whole table inside a one-cell frame table
        frame = d.add_table(rows=1, cols=1)
        host = frame.cell(0, 0)
    t = host.add_table(rows=6, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "收 入"  # gridSpan
    t.cell(0, 2).merge(t.cell(0, 3)).text = "支 出"
    for r, line in enumerate(TABLE1[4:], start=1):
        for j, text in enumerate(line.split("\t")):
            if text:
                t.cell(r, j).text = text
    t.cell(3, 0).merge(t.cell(4, 0))  # vMerge: 1、财政拨款 over two rows
    t.cell(3, 1).merge(t.cell(4, 1))
    if nested:
        host.add_paragraph("以上数据经审核。")
    d.add_paragraph("注：本表无政府性基金。")
    p = d.add_paragraph("第二行\t按了制表键")
    run = p.add_run("隐藏文字")
    vanish = OxmlElement("w:vanish")
    run._r.get_or_add_rPr().append(vanish)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_word_paragraphs_and_merged_cells_in_document_order():
    doc = read_document(_word(), "说明.docx")
    assert doc.format == "docx" and not doc.problems
    assert _rows(doc) == [*NARRATIVE, *TABLE1, "注：本表无政府性基金。", "第二行 按了制表键"]
    _finds_table1_total(doc)


def test_word_table_inside_a_table_is_read_as_a_table():
    doc = read_document(_word(nested=True), "说明.docx")
    lines = _rows(doc)
    assert lines[: len(TABLE1) + 3] == [*NARRATIVE, *TABLE1, "以上数据经审核。"]
    _finds_table1_total(doc)


def test_a_legacy_doc_reads_its_text_and_table_rows():
    # A fixture LibreOffice wrote from a Word file made here (read without LibreOffice):
    # paragraphs, a table with an empty cell and a cell of two paragraphs, a ten-column
    # table whose row properties Word keeps outside their page (sprmPHugePapx).
    data = (Path(__file__).parent / "fixtures" / "legacy_word.doc").read_bytes()
    doc = read_document(data, "说明.doc")
    assert doc.format == "doc"
    assert _rows(doc) == [
        "2024年单位预算公开说明",
        "本单位预算收入476.95万元，比上年增长25.30万元(5.60%)。",
        "表1",
        "项目\t预算数\t备注",
        "一、财政拨款\t476.95\t",
        "二、事业收入\t0.00\t本单位无事业收入",
        "合计\t476.95\t说明",
        "\t".join(f"列{c}" for c in range(1, 11)),
        "\t".join(f"{c}.00" for c in range(1, 11)),
        "注：本表金额单位为万元。",
    ]


def test_a_word_file_saved_as_legacy_doc_reads_like_it(tmp_path):
    doc = read_document(_soffice_as(_word(), tmp_path, "t.docx", "doc"), "说明.doc")
    lines = _rows(doc)
    assert lines[:2] == NARRATIVE and "注：本表无政府性基金。" in lines
    _finds_table1_total(doc)


# --- dispatch and broken inputs -----------------------------------------------------


def test_content_decides_before_the_name():
    assert read_document(_word(), "misnamed.txt").format == "docx"
    assert read_document(_workbook(), "misnamed.docx").format == "xlsx"
    assert read_document(PAGE.format(body=BODY).encode("gbk"), "export.xls").format == "html"


def test_a_text_under_a_documents_name_is_read_as_text_and_said():
    text = "单位名称：某县财政局\n2024年单位预算公开说明\n本单位2024年收入预算610.67万元。\n"
    for name, encoding in (("renamed.docx", "utf-8"), ("saved.doc", "gbk"), ("saved.pdf", "utf-8-sig")):
        doc = read_document(text.encode(encoding), name)
        assert "610.67" in doc.text and doc.format == "txt"
        assert any("按文本读取" in note for note in doc.notes)
    # Bytes that are no text stay unreadable under the name they claim.
    noise = bytes(range(1, 256)) * 40
    with pytest.raises(UnreadableFile, match="不是 PDF"):
        read_document(noise, "scan.pdf")


def _ole(*streams: str) -> bytes:
    """The first bytes of an OLE container whose directory names these streams."""
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return head + b"".join(s.encode("utf-16-le").ljust(64, b"\x00") for s in ("Root Entry", *streams)) + b"\x00" * 512


def _empty_docx() -> bytes:
    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def _workbook_without_sheets_content() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet("表1")
    wb.close()
    return buf.getvalue()


def _zip(name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, "x")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("make", "name", "reason"),
    [
        (lambda: _workbook()[:3000], "cut.xlsx", "损坏或不完整"),
        (lambda: _ole("EncryptionInfo", "EncryptedPackage"), "locked.xlsx", "已加密"),
        (lambda: "项目,预算数\n合计,6106713.00\n".encode("gbk"), "really.xlsx", "CSV"),
        (lambda: b"\x00\x01\x02binary", "odd.xls", "不是 Excel"),
        (_workbook_without_sheets_content, "empty.xlsx", "空的"),
        (lambda: _zip("data.txt"), "other.xlsx", "没有工作簿"),
        (lambda: b"", "empty.xlsx", "空文件"),
        (lambda: b"<html><body><script>var a=1;</script>\n</body></html>", "blank.html", "没有文字"),
        (_empty_docx, "empty.docx", "没有文字"),
        (lambda: _word()[:2000], "cut.docx", "损坏或不完整"),
        (lambda: _ole("WordDocument", "1Table"), "broken.doc", "另存为 .docx"),
        (lambda: _ole("EncryptionInfo", "EncryptedPackage"), "locked.docx", "已加密"),
        (lambda: b"{\\rtf1\\ansi hello}", "rich.doc", "RTF"),
    ],
    ids=[
        "truncated-xlsx",
        "encrypted-xlsx",
        "csv-named-xlsx",
        "binary-named-xls",
        "empty-workbook",
        "zip-without-workbook",
        "empty-file",
        "html-without-text",
        "empty-docx",
        "truncated-docx",
        "broken-legacy-doc",
        "encrypted-docx",
        "rtf-named-doc",
    ],
)
def test_broken_inputs_say_why(make, name, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_document(make(), name)
    parsed = parse_bytes(make(), name)
    assert parsed["unit"]["parse_status"] == "failed" and reason in parsed["unit"]["parse_error"]


def test_truncated_files_of_every_format_fail_or_read_never_raise():
    for data, name in ((_workbook(), "x.xlsx"), (_word(), "x.docx"), (PAGE.format(body=BODY).encode("gbk"), "x.html")):
        for cut in range(0, len(data), max(1, len(data) // 23)):
            assert parse_bytes(data[:cut], name)["unit"]["parse_status"] in ("ok", "partial", "failed")


def test_word_rows_laid_out_with_tab_stops_read_as_table_rows():
    # What a text file saved as Word gives: every row a paragraph of tab-separated cells,
    # the first columns of some rows empty; after a heading, a paragraph indented by a tab.
    rows = [
        "项目\t预算数\t支出功能科目\t预算数",
        "一、部门预算\t120.00\t一、部门预算\t120.00",
        "\t\t2、外交支出",
        "本年收入合计\t120.00",
    ]
    d = docx.Document()
    d.add_paragraph("表1")
    for r in rows:
        d.add_paragraph(r)
    d.add_paragraph("二、说明")
    d.add_paragraph("\t本单位收入预算120.00元。")
    d.add_paragraph("第二行\t按了制表键")
    buf = io.BytesIO()
    d.save(buf)
    lines = read_document(buf.getvalue(), "x.docx").text.split("\n")
    assert [ln for ln in lines if "\t" in ln] == rows
    assert "本单位收入预算120.00元。" in lines and "第二行 按了制表键" in lines
