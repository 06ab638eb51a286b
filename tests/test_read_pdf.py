"""The PDF reader on small PDFs made here with reportlab (no files shipped)."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("reportlab")

from pypdfium2 import PdfDocument  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle  # noqa: E402

from datasets.parse import parse_bytes  # noqa: E402
from datasets.read import UnreadableFile, read_document  # noqa: E402

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK")
HEADER = [["收 入", "", "支 出", "", "", ""], ["项 目", "预算数", "支出功能科目", "预算数", "经济分类", "预算数"]]
ROWS = [[f"{i}、事项", f"{1000 + i}.50", f"功能{i}", "33.00", "", "9.5"] for i in range(1, 41)]


def _build(story, pagesize=A4, footer=True) -> bytes:
    buf = io.BytesIO()

    def page_footer(c, doc):
        if footer:
            c.setFont(FONT, 9)
            c.drawCentredString(pagesize[0] / 2, 20, f"- {doc.page} -")
            c.drawString(60, pagesize[1] - 30, "某某县某某局")  # a running header

    SimpleDocTemplate(buf, pagesize=pagesize, invariant=1).build(
        story, onFirstPage=page_footer, onLaterPages=page_footer
    )
    return buf.getvalue()


def _table(rows, ruled=True, repeat=2) -> Table:
    t = Table(rows, repeatRows=repeat)
    style = [("FONT", (0, 0), (-1, -1), FONT, 9), ("ALIGN", (1, 2), (-1, -1), "RIGHT")]
    if ruled:
        style += [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("SPAN", (0, 0), (1, 0)), ("SPAN", (2, 0), (5, 0))]
    t.setStyle(TableStyle(style))
    return t


def _lines(doc) -> list[str]:
    return doc.text.split("\n")


def test_ruled_table_keeps_merged_header_cells_as_spans_and_joins_pages():
    doc = read_document(_build([Paragraph("表1", BODY), _table(HEADER + ROWS)]), "x.pdf")
    lines = _lines(doc)
    assert doc.format == "pdf" and doc.pages >= 2 and len(doc.line_pages) == len(lines)
    assert "收 入\t\t支 出\t\t\t" in lines
    assert lines.count("项 目\t预算数\t支出功能科目\t预算数\t经济分类\t预算数") == 1  # repeated header dropped
    data = [ln for ln in lines if "、事项" in ln]
    assert data == ["\t".join(r) for r in ROWS]  # every row once, in order, across the page break
    assert not any(ln.strip() in ("- 1 -", "- 2 -") for ln in lines)  # footers gone
    assert "某某县某某局" not in lines  # the running header gone
    assert doc.line_pages[lines.index("\t".join(ROWS[-1]))] == doc.pages


def test_unruled_table_is_read_from_word_positions():
    rows = [["项 目", "预算数", "上年预算数"]] + [[f"{i}、支出", f"{i * 11}.25", f"{i * 10}.00"] for i in range(1, 9)]
    doc = read_document(_build([Paragraph("表2", BODY), _table(rows, ruled=False, repeat=1)], footer=False), "x.pdf")
    lines = _lines(doc)
    assert [ln for ln in lines if "\t" in ln] == ["\t".join(r) for r in rows]


def test_a_wrapped_cells_last_line_keeps_a_table_without_rules_whole():
    # The geometry of a generated 收支总表 (ruled top and bottom only): a right-aligned
    # amount and the next column's label run together into one run, so a label's
    # wrapped last line lines up with no column; closer than a row, it is that row's.
    from datasets.read.pdf.page import Line
    from datasets.read.pdf.unruled import _table_spans

    def line(top: float, *runs: tuple) -> Line:
        return Line(top, top + 8, list(runs), 1, 8.0)

    lines = [
        line(0.0, (75, 140, "项 目"), (190, 227, "预算数"), (300, 350, "用 途")),
        line(14.7, (75, 130, "一、人员经费"), (190, 262, "111.00 日常")),
        line(29.4, (75, 130, "二、公用经费"), (190, 300, "222.00 用于保障日常")),
        line(38.2, (240, 255, "运转")),
        line(52.9, (75, 130, "三、项目支出"), (190, 262, "333.00 日常")),
        line(67.6, (75, 130, "四、其他支出"), (190, 262, "444.00 日常")),
    ]
    assert _table_spans(lines) == [(0, 6)]


def test_paragraph_running_over_a_page_break_and_a_footer_is_one_line():
    sentence = "，".join(f"第{i}项支出{i}.5万元较上年预算减少{i}.25万元" for i in range(1, 12)) + "。"
    for n in range(8, 30):  # enough filler that the sentence starts on page 1 and ends on page 2
        filler = [Paragraph("一、说明", BODY)] + [Paragraph("这是填充的段落文字。" * 6, BODY) for _ in range(n)]
        data = _build([*filler, Paragraph(sentence, BODY)])
        pdf = PdfDocument(data)
        texts = [page.get_textpage().get_text_range() for page in pdf]
        if len(texts) == 2 and "第1项支出" in texts[0] and "第11项" in texts[1]:
            break
    else:
        pytest.fail("no filler length splits the sentence over two pages")
    doc = read_document(data, "x.pdf")
    assert [ln for ln in _lines(doc) if "项支出" in ln] == [sentence]
    assert doc.line_pages[_lines(doc).index(sentence)] == 1


def test_rotated_landscape_page_reads_upright():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setPageRotation(90)
    # Drawn so that the page, shown turned by 90 degrees, reads upright.
    c.translate(A4[0], 0)
    c.rotate(90)
    c.setFont(FONT, 11)
    c.drawString(60, A4[0] - 80, "表3 横排页面")
    for i, (label, value) in enumerate([("工资福利支出", "1,234.56"), ("商品和服务支出", "78.90")]):
        c.drawString(60, A4[0] - 120 - 20 * i, label)
        c.drawRightString(400, A4[0] - 120 - 20 * i, value)
    c.save()
    lines = _lines(read_document(buf.getvalue(), "x.pdf"))
    assert lines[0] == "表3 横排页面"
    assert lines[1:3] == ["工资福利支出\t1,234.56", "商品和服务支出\t78.90"]


def test_landscape_page_size_is_read_like_any_other():
    doc = read_document(_build([_table(HEADER + ROWS[:5])], pagesize=landscape(A4)), "x.pdf")
    assert "\t".join(ROWS[4]) in _lines(doc)


def _encrypted() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.setFont(FONT, 12)
    c.drawString(100, 700, "2025年单位预算公开说明")
    c.save()
    return buf.getvalue()


def _image_only(pages: int = 2) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    img = Image.new("RGB", (200, 280), "white")
    for _ in range(pages):
        c.drawInlineImage(img, 50, 100, 400, 560)
        c.showPage()
    c.save()
    return buf.getvalue()


def _blank(pages: int) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for _ in range(pages):
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: b"", "空文件"),
        (lambda: b"PK\x03\x04 this is a zip, not a PDF", "不是 PDF"),
        (lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<", "损坏"),
        (_encrypted, "加密"),
        (_image_only, "扫描件"),
        (lambda: _blank(2000), "没有文字"),
    ],
    ids=["empty", "not-a-pdf", "truncated", "encrypted", "image-only", "2000-blank-pages"],
)
def test_unreadable_pdfs_say_why(make, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_document(make(), "broken.pdf")
    parsed = parse_bytes(make(), "broken.pdf")
    assert parsed["unit"]["parse_status"] == "failed" and reason in parsed["unit"]["parse_error"]


def test_truncated_real_pdf_is_failed_or_partial_never_an_exception():
    data = _build([Paragraph("表1", BODY), _table(HEADER + ROWS)])
    for cut in (len(data) // 3, len(data) // 2, len(data) - 200):
        parsed = parse_bytes(data[:cut], "cut.pdf")
        assert parsed["unit"]["parse_status"] in ("failed", "partial")


def test_a_scanned_page_inside_a_text_pdf_makes_it_partial_and_says_which():
    text_pdf = PdfDocument(_build([Paragraph("人员编制30人，实有人员26人。", BODY)], footer=False))
    text_pdf.import_pages(PdfDocument(_image_only(1)))
    buf = io.BytesIO()
    text_pdf.save(buf)
    doc = read_document(buf.getvalue(), "x.pdf")
    assert doc.pages == 2 and any("第 2 页" in p and "扫描" in p for p in doc.problems)


def test_a_row_cut_by_a_page_break_is_joined_and_a_row_of_its_own_is_not():
    from datasets.read.pdf.flow import _split_row

    above = [
        "其中:专项资金列入",
        "",
        "3、国防支出",
        "",
        "(2)商品和服务支出",
        "178,800.00",
        "3、机关资本性支出",
        "254,000.00",
    ]
    assert _split_row(["部门预算的项目", "", "", "", "", "", "（一）", ""], above)
    assert not _split_row(["(2)政府性基金拨款", "", "4、公共安全支出", "", "", "", "", ""], above)
    assert not _split_row(["上年结转", "", "结转下年", "", "", "", "", ""], above)
    assert not _split_row(["", "1,000.00", "", "", "", "", "", ""], above)
    toc_above = ["表13", "2024年单位专项业务经费绩效目标表", "否", ""]
    assert not _split_row(["表14", "2024年单位整体支出绩效目标表", "否", ""], toc_above)


def test_an_amount_cut_by_a_page_break_is_joined_where_its_pieces_make_one():
    # Word and LibreOffice break a table's rows across pages: a narrow cell's wrapped
    # amount leaves its head above the break (as printed in PDFs LibreOffice made from
    # Word files).
    from datasets.read.pdf.flow import _split_row

    above = ["", "", "8、社", "8831", "(2)商", "7349", "8、对", ""]
    assert _split_row(["", "", "会保障和就业支出", "20.00", "品和服务支出", "00.00", "企业资本性支出", ""], above)
    assert not _split_row(["", "", "9、社会保险基金支出", "20.00", "", "", "9、对个人", ""], above)
    # Whole numbers only where rows are numbered (a row of its own starts like one) …
    numbered = ["(1)一", "8082", "2、外", "", "(1)工", "5079", "2、机", "2832"]
    assert _split_row(["般公共预算拨款", "111", "交支出", "", "资福利支出", "978", "关商品和服务支出", "600"], numbered)
    assert _split_row(["收入合计", "65,719", "支出合计", "65,719"], ["本年", "15,2", "本年", "15,2"])
    assert not _split_row(["收入合计", "5,719", "支出合计", "65,719"], ["本年", "15,2", "本年", "15,2"])
    # A head no one prints (5,299,48) was cut, whatever the rest's label (合计 starts rows too).
    assert _split_row(["合计", "9", "合计", "9"], ["本年收入", "5,299,48", "本年支出", "5,299,48"])
    assert not _split_row(["合计", "9", "合计", "9"], ["本年收入", "5,299,489", "本年支出", "5,299,489"])
    assert not _split_row(["公务用车运行维护费", "500"], ["公务接待费", "19300"])
    # … or coded: a row of its own prints its code.
    coded = ["302", "商品和服", "2,548,70", "367,400", "2,181,30"]
    assert _split_row(["", "务支出", "0", "", "0"], coded)
    assert _split_row(["", "", "4", "4", ""], ["2010301", "行政运行", "4,490,76", "4,490,76", ""])
    assert not _split_row(["303", "对个人和家庭的补助", "5,916", "5,916", ""], coded)
    # Amounts alone: only pieces that make amounts with decimals.
    assert _split_row(["00", "", "0", "00"], ["79400.", "0.00", "8500.0", "70900."])
    assert _split_row(["0.00", "", "0.00", "0.00"], ["3830", "0.00", "3830", "2840"])  # 3830 is no code
    assert not _split_row(["5.00", "", "1.00", "2.00"], ["100.00", "0.00", "20.00", "80.00"])
    # A label's year stays above the break.
    assert _split_row(["年预算数", "0.00", "", "0.00"], ["2023", "19,40", "0.00", "19,40"])
