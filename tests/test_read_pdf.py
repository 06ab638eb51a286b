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
    # A total's name cut by the break before its last word (本年支出 | 合计): no row of its own.
    total = ["本年收入", "2,365.64", "本年支出", "2,365.64", "本年支出", "2,455.85", "本年支出", "2,365.64"]
    assert _split_row(["合计", "", "合计", "", "合计", "", "合计", ""], total)
    assert not _split_row(["合计", "", "合计", "", "合计", "", "合计", ""], above)
    assert not _split_row(["", "1,000.00", "", "", "", "", "", ""], above)
    toc_above = ["表13", "2024年单位专项业务经费绩效目标表", "否", ""]
    assert not _split_row(["表14", "2024年单位整体支出绩效目标表", "否", ""], toc_above)
    assert not _split_row(["表七", "2024年单位“三公”经费支出表"], ["表六", "2024年单位基本支出表"])


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


def _browser_printed() -> bytes:
    """Two A4 pages as a browser prints a web page's table: the date and title above each
    page and the address and page number below, in a smaller type, inside the margins;
    a row broken by the page break, its cells' sides drawn to the page's edge with no
    line under them, the header rows repeated on the next page (Chromium's print to PDF)."""
    w, h = A4
    xs = [30, 150, 250, 380, 480, 565]
    header = ["项 目", "预算数", "支出功能分类科目", "预算数", "经济分类"]
    first = [["1、财政拨款", "7923174.00", "1、一般公共服务支出", "4889275.00", "1、机关工资福利支出"]]
    first += [[f"({i})一般公共预算拨款{i}", f"{i}23.00", f"{i + 1}、外交支出", "", ""] for i in range(1, 4)]
    rest = [
        ["(2)政府性基金拨款", "", "4、公共安全支出", "", "4、机关资本性支出"],
        ["本年收入合计", "9.00", "本年支出合计", "9.00", ""],
    ]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)

    def margins(page: int) -> None:
        c.setFont(FONT, 7)
        c.drawString(20, h - 14, f"2026/12/{page} 07:08")
        c.drawString(250, h - 14, "某某县某某局2024年单位预算公开说明")
        c.drawString(20, 10, "file:///tmp/in/000018.html")
        c.drawString(540, 10, f"{page}/2")

    def grid(top: float, rows: list[list[str]], open_bottom: float | None = None) -> float:
        """Rows 20 pt apart from `top` (from the page's top); returns the bottom."""
        ys = [top + 20 * k for k in range(len(rows) + 1)]
        c.setFont(FONT, 9)
        for k, row in enumerate(rows):
            for x, text in zip(xs, row):
                c.drawString(x + 3, h - ys[k] - 14, text)
        for y in ys:
            c.line(xs[0], h - y, xs[-1], h - y)
        for x in xs:
            c.line(x, h - ys[0], x, h - (open_bottom or ys[-1]))
        return ys[-1]

    margins(1)
    c.setFont(FONT, 11)
    c.drawString(30, h - 60, "表1")
    bottom = grid(80, [header, *first])
    # The row's first lines above the break, its cells open to the edge.
    c.setFont(FONT, 9)
    for x, text in zip(xs, ["其中：专项资", "", "3、国防支出", "439700.00", "3、机关资本性"]):
        c.drawString(x + 3, h - bottom - 14, text)
    c.drawString(xs[0] + 3, h - bottom - 27, "金列入部门预")
    c.drawString(xs[4] + 3, h - bottom - 27, "支出（一）")
    grid(bottom, [], open_bottom=h - 28)
    c.showPage()
    margins(2)
    top = grid(28, [header])
    c.setFont(FONT, 9)
    c.drawString(xs[0] + 3, h - top - 14, "算的项目")
    top = grid(top, [[""] * 5])
    grid(top, rest)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_browser_printed_table_keeps_its_row_cut_by_the_page_and_leaves_out_the_margins():
    lines = _lines(read_document(_browser_printed(), "x.pdf"))
    assert [ln for ln in lines if "\t" in ln] == [
        "项 目\t预算数\t支出功能分类科目\t预算数\t经济分类",  # once: repeated on page 2
        "1、财政拨款\t7923174.00\t1、一般公共服务支出\t4889275.00\t1、机关工资福利支出",
        *(f"({i})一般公共预算拨款{i}\t{i}23.00\t{i + 1}、外交支出\t\t" for i in range(1, 4)),
        "其中：专项资金列入部门预算的项目\t\t3、国防支出\t439700.00\t3、机关资本性支出（一）",
        "(2)政府性基金拨款\t\t4、公共安全支出\t\t4、机关资本性支出",
        "本年收入合计\t9.00\t本年支出合计\t9.00\t",
    ]
    assert not any("07:08" in ln or "公开说明" in ln or "file:" in ln for ln in lines)  # the margins' lines


def test_a_page_frame_opens_no_row_and_a_spaced_contents_heading_makes_no_table_of_the_prose():
    from datasets.read.pdf.page import Line
    from datasets.read.pdf.ruled import _open_ends
    from datasets.read.pdf.unruled import _table_spans

    ys = [100.0, 120.0, 140.0]
    columns = [(x, 100.0, 815.0) for x in (30, 150, 250, 380)]  # cut by the page: open below
    assert _open_ends(ys, columns, 3) == [*ys, 815.0]
    frame = [(20, 20.0, 820.0), (575, 20.0, 820.0)] + [(x, 100.0, 140.0) for x in (30, 150, 250, 380)]
    assert _open_ends(ys, frame, 5) == ys

    def line(top: float, *runs: tuple) -> Line:
        return Line(top, top + 13, list(runs), 1, 13.0)

    lines = [
        line(31.3, (34, 164, "八、绩效目标情况说明")),
        line(62.2, (58, 552, "2024年本单位绩效目标管理全覆盖，涉及当年一般公共预算拨款")),
        line(79.4, (34, 520, "预算拨款0.00万元，当年国有资本经营预算拨款0.00万元。")),
        line(110.8, (34, 164, "九、公用经费情况说明")),
        line(141.7, (58, 562, "本单位当年公用经费预算安排30.38万元，主要用于保障办公费、")),
        line(158.9, (34, 298, "公费、印刷费、邮电费、差旅费等日常运转支出。")),
        line(189.6, (58, 238, "单位名称：某某县某某局")),
        line(220.5, (36, 47, "目"), (64, 79, "录")),
        line(253.4, (34, 57, "表一"), (70, 180, "2024年部门收支总表")),
        line(274.4, (34, 57, "表二"), (70, 180, "2024年部门收入总表")),
        line(295.4, (34, 180, "表三 2024年部门支出总表")),  # one run: the reader's text has a space
        line(316.4, (34, 228, "表四 2024年部门财政拨款收支总表")),
        line(337.4, (34, 57, "表一")),
        line(358.4, (242, 354, "2024年部门收支总表")),
    ]
    assert _table_spans(lines) == [(8, 10)]  # the contents' entries of two cells only
