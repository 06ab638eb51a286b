"""`anomaly show` (reports/evidence.py) and the page links and crops of the report."""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import html as html_lib
import io
import json
import re
import shutil
import urllib.parse
import zipfile
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from conftest import chromium_dom
from PIL import Image, ImageChops
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

import reports.html
from anomaly.cli import main
from reports.evidence import figure_of, locate, normalize, report_crops
from reports.excel import write_xlsx
from reports.files import write_tables
from reports.html import render_html, write_html
from reports.model import FINDINGS_COLUMNS, ReportInput, fake_report_input

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
SIZE = 12
X, Y = 72, 600  # where the sentence stands on page 2
PREFIX = "会议费12.50万元，较上年15.00万元减少"
SENTENCE = PREFIX + "2.50万元（16.7%）。"
STATED = "减少2.50万元"
SCALE = 2  # anomaly show renders at 144 dpi
FID = "f00000000a"


def make_pdf(path: Path, rotated: bool = False) -> Path:
    """Two pages; page 2 holds the sentence, a table row with 2.50 in it too, and a footer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, SIZE)
    c.drawString(72, 780, "一、部门预算说明")
    c.showPage()
    dy = 0
    if rotated:  # a landscape page stored as a portrait one turned by /Rotate 90, drawn upright
        c.setPageSize(landscape(A4))
        c.setPageRotation(90)
        c.rotate(90)
        c.translate(0, -A4[0])
        dy = -250
    c.setFont(FONT, SIZE)
    c.drawString(72, 760 + dy, "二、收支预算总体情况")
    c.drawString(X, Y + dy, SENTENCE)
    c.drawString(72, 500 + dy, "支出总计")
    c.drawString(300, 500 + dy, "2.50")
    c.drawString(400, 500 + dy, "1,234.00")
    c.drawCentredString(200, 30, "- 2 -")
    c.showPage()
    c.save()
    return path


def figure_x() -> tuple[float, float]:
    """Left and right of "2.50" in the sentence, in PDF points."""
    x0 = X + pdfmetrics.stringWidth(PREFIX, FONT, SIZE)
    return x0, x0 + pdfmetrics.stringWidth("2.50", FONT, SIZE)


def write_screen(out: Path, pdf: Path | str, evidence: str, stated: str | None, page: int | None = 2, line=7) -> Path:
    """A screen's output folder with one finding (and its unit's content hash)."""
    out.mkdir(parents=True, exist_ok=True)
    row = {
        "unit_id": "u1",
        "source_path": str(pdf),
        "rule": "YOY001",
        "family": "YOY",
        "severity": "error",
        "message": "本年减上年与所述增减额不符",
        "evidence": evidence,
        "line": line,
        "page": page,
        "stated": stated,
        "expected": "减少3.00万元",
    }
    pl.DataFrame([row], schema=FINDINGS_COLUMNS).with_columns(finding_id=pl.lit(FID)).write_parquet(
        out / "findings.parquet"
    )
    sha = hashlib.sha1(Path(pdf).read_bytes()).hexdigest() if Path(pdf).is_file() else None
    pl.DataFrame({"unit_id": ["u1"], "source_path": [str(pdf)], "content_sha1": [sha]}).write_parquet(
        out / "units.parquet"
    )
    return out


def show(*args: str):
    return CliRunner().invoke(main, ["show", *args])


def red_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    r, g, b = image.convert("RGB").split()
    mask = ImageChops.multiply(
        r.point(lambda v: 255 if v > 200 else 0),
        ImageChops.multiply(g.point(lambda v: 255 if v < 80 else 0), b.point(lambda v: 255 if v < 80 else 0)),
    )
    return mask.getbbox()


def has_text_inside(image: Image.Image, box: tuple[int, int, int, int], border: int = 5) -> bool:
    x0, y0, x1, y1 = box
    inner = image.convert("RGB").crop((x0 + border, y0 + border, x1 - border, y1 - border))
    r, g, b = inner.split()
    return r.getextrema()[0] < 100 and g.getextrema()[0] < 100  # dark (black) glyphs, not red


@pytest.fixture
def pdf(tmp_path) -> Path:
    return make_pdf(tmp_path / "in" / "清河县财政局.pdf")


# ---------------------------------------------------------------- locating


def test_normalize_folds_width_and_space():
    assert normalize("（16.7％）， 较上年\t\u3000“三公”") == '(16.7%), 较上年 "三公"'


def test_figure_is_the_stated_number_in_the_evidence():
    assert figure_of("减少2.50万元", "会议费12.50万元，减少2.50万元") == "2.50"
    assert figure_of("表2 合计 1,967.11万元", "表2 合计：1967.11") == "1967.11"
    assert figure_of("3.5%", "增长13.5%") is None
    assert figure_of("待填", "指标\t工作任务完成合格率\t待填") == "待填"  # no number: the stated text
    # A table cell in 元 stated in 万元: the cell, not the "1" of 表1 or of 1、.
    assert figure_of("1、人员经费和公用经费支出 1,210.00万元", "表1：1、人员经费和公用经费支出\t12100036") == "12100036"


def test_locate_prefers_the_figure_inside_the_evidence():
    hay = normalize("支出总计 2.50 1,234.00 会议费12.50万元,较上年15.00万元减少2.50万元")
    what, (start, end), _ = locate(hay, "会议费 12.50万元，较上年15.00 万元减少2.50万元", STATED)
    assert what == "figure" and hay[start:end] == "2.50" and start > hay.index("会议费")
    # A table row read apart: the value after its label, not the same figure elsewhere.
    hay = normalize("本年收入合计 971.55 本年支出合计 971.55 支出总计 971.55")
    what, (start, end), _ = locate(hay, "表1 收支总表：本年支出合计\t971.55", "971.55万元")
    assert hay[start:end] == "971.55" and hay[:start].endswith("本年支出合计 ")
    assert locate(hay, "完全不同的文字", None) is None


def test_locate_boxes_the_percentage_of_the_change_not_a_rate_before_it():
    evidence = "培训费支出决算为1.68万元，完成年初预算的41.90%，比年初预算4.01万元减少2.33万元（41.90%）"
    hay = normalize("二、" + evidence + "。")
    what, (start, end), _ = locate(hay, evidence, "41.90%")
    assert what == "figure" and hay[start:end] == "41.90%" and hay[start - 1] == "("


# ---------------------------------------------------------------- anomaly show


def test_show_boxes_the_figure(pdf, tmp_path):
    out = write_screen(tmp_path / "out", pdf, SENTENCE, STATED)
    png = tmp_path / "memo" / "x.png"
    result = show(FID, "--out-dir", str(out), "--out", str(png))
    assert result.exit_code == 0, result.output
    assert "第 2 页" in result.output and str(png) in result.output
    image = Image.open(png)
    assert image.width == round(A4[0] * SCALE)
    assert 40 < image.height < 300  # the line and a margin, not the page
    box = red_box(image)
    assert box is not None
    x0, x1 = figure_x()
    assert abs(box[0] - x0 * SCALE) < 12 and abs(box[2] - x1 * SCALE) < 12  # the sentence's 2.50, not the table's
    assert box[3] - box[1] < 60 and has_text_inside(image, box)


def test_show_tolerates_spacing_and_width(pdf, tmp_path):
    evidence = "会议费 12.50 万元,较上年15.00万元\n减少 2.50万元(16.7%)。"  # half-width, spaced, broken
    out = write_screen(tmp_path / "out", pdf, evidence, STATED)
    png = tmp_path / "x.png"
    result = show(FID, "--out-dir", str(out), "--out", str(png), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "page 2" in result.output and "stated value" in result.output
    box = red_box(Image.open(png))
    assert box is not None and abs(box[0] - figure_x()[0] * SCALE) < 12


def test_show_table_row_and_rotated_page(tmp_path):
    pdf = make_pdf(tmp_path / "rotated.pdf", rotated=True)
    out = write_screen(tmp_path / "out", pdf, "支出总计\t2.50\t1,234.00", "1,234.00万元")
    png = tmp_path / "x.png"
    assert show(FID, "--out-dir", str(out), "--out", str(png)).exit_code == 0
    image = Image.open(png)
    assert image.width == round(A4[1] * SCALE)  # shown as the reader sees it: landscape
    box = red_box(image)
    assert box is not None and box[3] - box[1] < 60 and has_text_inside(image, box)
    assert abs(box[0] - 400 * SCALE) < 12  # the cell of 1,234.00


def test_show_whole_page_when_evidence_not_found(pdf, tmp_path):
    out = write_screen(tmp_path / "out", pdf, "本年度无此项支出", None)
    png = tmp_path / "x.png"
    result = show(FID, "--out-dir", str(out), "--out", str(png))
    assert result.exit_code == 0
    assert "没有找到证据原文" in result.output and "整页" in result.output
    image = Image.open(png)
    assert image.size == (round(A4[0] * SCALE), round(A4[1] * SCALE)) and red_box(image) is None


def test_show_unknown_id_and_no_screen(pdf, tmp_path):
    out = write_screen(tmp_path / "out", pdf, SENTENCE, STATED)
    result = show("0123456789", "--out-dir", str(out))
    assert result.exit_code == 2 and "未找到问题编号 0123456789" in result.output
    result = show(FID, "--out-dir", str(tmp_path / "nowhere"), "--lang", "en")
    assert result.exit_code == 2 and "no findings.parquet" in result.output


def test_show_text_input_points_to_the_line(tmp_path):
    text = tmp_path / "in" / "disclosure.txt"
    text.parent.mkdir()
    text.write_text(SENTENCE, encoding="utf-8")
    out = write_screen(tmp_path / "out", text, SENTENCE, STATED, page=None, line=12)
    png = tmp_path / "x.png"
    result = show(FID, "--out-dir", str(out), "--out", str(png))
    assert result.exit_code == 1 and not png.exists()
    assert "不分页的文件" in result.output and "第 12 行" in result.output and str(text) in result.output
    result = show(FID, "--out-dir", str(out), "--out", str(png), "--lang", "en")
    assert "see line 12 of the text read from" in result.output


def test_show_finding_without_a_place(pdf, tmp_path):
    out = write_screen(tmp_path / "out", pdf, "缺少：政府采购", None, page=None, line=None)
    result = show(FID, "--out-dir", str(out))
    assert result.exit_code == 1 and "整份文件" in result.output and "YOY001" in result.output


def test_show_moved_changed_and_broken_files(pdf, tmp_path):
    out = write_screen(tmp_path / "out", pdf, SENTENCE, STATED)
    png = tmp_path / "x.png"
    moved = tmp_path / "archive" / pdf.name
    moved.parent.mkdir()
    shutil.move(pdf, moved)
    result = show(FID, "--out-dir", str(out), "--out", str(png))
    assert result.exit_code == 1 and "找不到源文件" in result.output and "--source" in result.output
    assert show(FID, "--out-dir", str(out), "--out", str(png), "--source", str(moved)).exit_code == 0

    moved.write_bytes(moved.read_bytes() + b"\n% edited\n")
    result = show(FID, "--out-dir", str(out), "--out", str(png), "--source", str(moved))
    assert result.exit_code == 1 and "改动" in result.output

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    out = write_screen(tmp_path / "out2", broken, SENTENCE, STATED)
    result = show(FID, "--out-dir", str(out), "--out", str(png), "--lang", "en")
    assert result.exit_code == 1 and "cannot open source file" in result.output

    out = write_screen(tmp_path / "out3", make_pdf(tmp_path / "p.pdf"), SENTENCE, STATED, page=9)
    result = show(FID, "--out-dir", str(out), "--out", str(png))
    assert result.exit_code == 1 and "没有第 9 页" in result.output


# ---------------------------------------------------------------- the report

HOSTILE_DIR = 'a"b<c>#?:x'
HOSTILE_NAME = "javascript:alert(1)%20 #page=9.pdf"
EVIL = "支出</script><img src=x onerror=alert(1)>"


def paged_run(tmp_path) -> tuple[ReportInput, Path]:
    """A fake run whose top unit's findings sit on page 2 of a PDF with a hostile path;
    the second unit's PDF is missing."""
    pdf = make_pdf(tmp_path / "in" / HOSTILE_DIR / HOSTILE_NAME)
    run = fake_report_input(30)
    first, second = run.ranking["unit_id"][0], run.ranking["unit_id"][1]
    paths = {first: str(pdf), second: str(tmp_path / "in" / "gone.pdf")}
    path = pl.col("unit_id").replace_strict(paths, default=pl.col("source_path"))
    findings = run.findings.filter(~pl.col("unit_id").is_in([first, second]))
    extra = pl.DataFrame(
        [
            {"unit_id": first, "rule": "YOY001", "evidence": SENTENCE, "stated": STATED},
            {"unit_id": first, "rule": "PLH001", "evidence": EVIL, "stated": None},
            {"unit_id": second, "rule": "YOY001", "evidence": SENTENCE, "stated": STATED},
        ]
    ).with_columns(family=pl.lit("YOY"), severity=pl.lit("error"), message=pl.lit("不符"), line=7, page=2)
    findings = pl.concat([findings, extra], how="diagonal_relaxed").with_columns(source_path=path)
    run = ReportInput(
        run.units.with_columns(source_path=path),
        findings,
        run.ranking.with_columns(source_path=path),
        run.coverage,
        run.features,
        run.manifest,
        run.lang,
    )
    return run, pdf


def embedded_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_report_links_the_page_safely_and_embeds_crops(tmp_path):
    run, pdf = paged_run(tmp_path)
    out = tmp_path / "out"
    write_html(out / "report.html", run)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.lower().count("</script>") == 2 and "<img src=x" not in page
    data = embedded_json(page)
    ucols, fcols = data["units"]["cols"], data["findings"]["cols"]
    top = data["units"]["rows"][0]
    href = top[ucols.index("source_href")]
    assert href.startswith("./") and not set(href[2:]) & set("\"'<>#?: \\")
    assert (out / urllib.parse.unquote(href)).resolve() == pdf.resolve()
    assert data["units"]["rows"][2][ucols.index("source_href")] is None  # no paged findings, no link

    rows = data["findings"]["rows"]
    mine = [k for k, r in enumerate(rows) if r[fcols.index("uidx")] == 0]
    assert {rows[k][fcols.index("page")] for k in mine} == {2}
    assert EVIL in {rows[k][fcols.index("evidence")] for k in mine}
    crops = data["crops"]
    found = [k for k in mine if rows[k][fcols.index("evidence")] == SENTENCE]
    assert list(crops) == [str(k) for k in found]  # not for unfound evidence, nor for the missing PDF
    uri = crops[str(found[0])]
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert abs(image.width - 800) <= 1 and image.height < 200 and red_box(image) is not None
    assert len(uri) < 12_000

    # Without crops the report is the same but for them.
    bare = embedded_json(render_html(run, base=out, crop_units=0))
    assert bare["crops"] == {} and bare["findings"] == data["findings"]


def test_report_keeps_its_crops_for_the_next_run(tmp_path, monkeypatch):
    run, pdf = paged_run(tmp_path)
    run = dataclasses.replace(run, source_cache=tmp_path / "kept")
    first = embedded_json(render_html(run, base=tmp_path))
    assert first["crops"]
    # The next night, the same PDF: its crop is not rendered again (what was not found,
    # the unquotable evidence and the missing PDF's, is looked for again).
    asked: list[tuple] = []
    monkeypatch.setattr(reports.html, "report_crops", lambda rows: asked.extend(rows) or [None] * len(rows))
    assert embedded_json(render_html(run, base=tmp_path)) == first
    assert asked and (str(pdf), 2, SENTENCE, STATED) not in asked
    # The PDF replaced: its crops are made afresh (here: none, the file is no PDF).
    pdf.write_bytes(b"not a pdf at all")
    monkeypatch.setattr(reports.html, "report_crops", lambda rows: [None] * len(rows))
    assert embedded_json(render_html(run, base=tmp_path))["crops"] == {}


def test_report_crop_never_fails_the_run(tmp_path):
    run, pdf = paged_run(tmp_path)
    assert report_crops([(str(pdf), 2, SENTENCE, STATED)], budget_s=0) == [None]  # time spent: no crop
    pdf.write_bytes(b"not a pdf at all")
    data = embedded_json(render_html(run, base=tmp_path))
    assert data["crops"] == {}


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium")
def test_report_page_link_in_chromium(tmp_path):
    run, _ = paged_run(tmp_path)
    report = tmp_path / "out" / "report.html"
    write_html(report, run)
    dom = chromium_dom(report.as_uri() + "#unit=" + run.ranking["unit_id"][0], tmp_path / "profile")
    links = re.findall(r'<a href="([^"]*)"[^>]*>第 2 页</a>', dom)
    assert links and all(html_lib.unescape(h).endswith("#page=2") for h in links)
    assert all(html_lib.unescape(h).startswith("./../in/a%22b%3Cc%3E%23%3F%3Ax/") for h in links)
    assert dom.count('src="data:image/png;base64,') == 1
    assert "<img src=x" not in dom and EVIL.replace("<", "&lt;").replace(">", "&gt;") in dom


# ---------------------------------------------------------------- tables


def test_tables_keep_page_after_line(tmp_path):
    run, _ = paged_run(tmp_path)
    write_tables(tmp_path / "out", run)
    with open(tmp_path / "out" / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header.index("page") == header.index("line") + 1
    assert pl.read_parquet(tmp_path / "out" / "findings.parquet")["page"].drop_nulls().to_list() == [2, 2, 2]
    write_xlsx(tmp_path / "out" / "report.xlsx", run)
    with zipfile.ZipFile(tmp_path / "out" / "report.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet3.xml").decode("utf-8")  # after 概况 and 排名
    assert sheet.index("<t>行号</t>") < sheet.index("<t>页码</t>")


def test_show_boxes_a_total_in_the_column_group_the_finding_names(tmp_path):
    # A 收支总表 prints its 本年支出合计 in every group of a row: the box goes on the one under
    # the group the evidence names, not on the first.
    pdf = tmp_path / "in" / "总表.pdf"
    pdf.parent.mkdir(parents=True)
    c = canvas.Canvas(str(pdf), pagesize=landscape(A4))
    c.setFont(FONT, 10)
    for x, name in ((40, "支出功能分类科目"), (300, "部门预算支出经济分类科目"), (560, "政府预算支出经济分类科目")):
        c.drawString(x, 500, name)
        c.drawString(x, 460, "本年支出合计")
        c.drawString(x + 120, 460, "545.25")
    c.showPage()
    c.save()
    evidence = "表4 部门预算支出经济分类科目(按大类)：本年支出合计 545.25"
    out = write_screen(tmp_path / "out", pdf, evidence, "本年支出合计 545.25万元", page=1)
    png = tmp_path / "box.png"
    assert show(FID, "--out-dir", str(out), "--out", str(png)).exit_code == 0
    x0, _, x1, _ = red_box(Image.open(png))
    left = (300 + 120) * SCALE
    assert left - 10 <= x0 and x1 <= left + pdfmetrics.stringWidth("545.25", FONT, 10) * SCALE + 10
