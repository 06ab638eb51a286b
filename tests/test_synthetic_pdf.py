"""The synthetic corpus rendered as PDF (datasets.synthetic.pdf and the fmt option).

Every PDF is opened with pypdfium2, the reader the project builds on, and checked for
what the layout promised: the text and every table figure extractable, a footer on
every page, landscape and rotated pages, the image-only page without text.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from anomaly.cli import main
from datasets import synthetic
from datasets.synthetic.pdf import Layout, blocks, draw_layout, render_pdf

BASE = Layout(
    ruled="grid",
    wide="landscape",
    repeat_header=True,
    footer="dash",
    running_header=False,
    indent=True,
    font_size=12.0,
    leading=1.5,
    table_break=False,
    scanned_page=None,
)
FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def text() -> str:
    """One generated disclosure with its wide 表1/表4 and a dozen other tables."""
    for _rel, data, label in synthetic.iter_documents(3, 21):
        if label["encoding"] == "utf-8":
            return data.decode("utf-8").replace("\r\n", "\n")
    raise AssertionError("no utf-8 document")


def pages_text(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def table_figures(text: str) -> list[str]:
    return [c for kind, b in blocks(text) if kind == "table" for _, row in b for c in row if FIGURE.fullmatch(c)]


@pytest.mark.parametrize(
    "layout",
    [
        BASE,
        replace(BASE, ruled="rules", wide="rotated", footer="total", running_header=True, repeat_header=False),
        replace(BASE, ruled="none", wide="shrink", indent=False, font_size=10.5, table_break=True),
    ],
    ids=["grid-landscape", "rules-rotated", "none-shrink"],
)
def test_text_figures_and_footers(text, layout):
    out = render_pdf(text, layout)
    pages = pages_text(out.data)
    assert len(pages) == out.pages > 1
    joined = "\n".join(pages)
    found = set(FIGURE.findall(joined))
    figures = table_figures(text)
    assert len(figures) > 100 and all(f in found for f in figures)
    flat = re.sub(r"\s", "", joined)
    for line in text.split("\n"):  # narrative too: every line's characters, in order
        if line.strip() and "\t" not in line and not line.startswith("|"):
            assert re.sub(r"\s", "", line)[:12] in flat, line
    for n, page in enumerate(pages, 1):
        footer = f"- {n} -" if layout.footer == "dash" else f"第 {n} 页 共 {len(pages)} 页"
        assert footer in page, n
        assert text.split("\n")[0] in page or not layout.running_header


def test_landscape_and_rotated_pages(text):
    doc = pdfium.PdfDocument(render_pdf(text, BASE).data)
    out = render_pdf(text, BASE)
    assert out.landscape_pages
    for i in out.landscape_pages:
        assert doc[i - 1].get_mediabox() == pytest.approx((0, 0, 841.89, 595.28), abs=0.01)
        assert doc[i - 1].get_rotation() == 0
    rotated = render_pdf(text, replace(BASE, wide="rotated"))
    doc = pdfium.PdfDocument(rotated.data)
    assert rotated.landscape_pages == out.landscape_pages
    for i in range(len(doc)):
        assert doc[i].get_mediabox() == pytest.approx((0, 0, 595.28, 841.89), abs=0.01)
        assert doc[i].get_rotation() == (90 if i + 1 in rotated.landscape_pages else 0)
    shrunk = render_pdf(text, replace(BASE, wide="shrink"))
    assert shrunk.landscape_pages == [] and shrunk.pages < out.pages


@pytest.mark.parametrize("where", ["first", "last"])
def test_scanned_page_is_image_only(text, where):
    out = render_pdf(text, replace(BASE, scanned_page=where))
    doc = pdfium.PdfDocument(out.data)
    scan = 0 if where == "first" else len(doc) - 1
    assert doc[scan].get_textpage().get_text_range().strip() == ""
    kinds = {obj.type for obj in doc[scan].get_objects()}
    assert kinds == {pdfium.raw.FPDF_PAGEOBJ_IMAGE}
    assert all(doc[i].get_textpage().get_text_range().strip() for i in range(len(doc)) if i != scan)


def test_long_table_header_repeated_or_not():
    rows = "\n".join(f"{2010000 + i}\t支出科目{i}\t{i * 1000}.00" for i in range(120))
    text = "标题\n\n科目编码\t科目名称\t预算数\n" + rows + "\n"
    for repeat in (True, False):
        out = render_pdf(text, replace(BASE, repeat_header=repeat))
        pages = pages_text(out.data)
        assert len(pages) >= 3 and out.split_tables == 1
        assert all(("科目编码" in p) == (repeat or n == 0) for n, p in enumerate(pages))
        assert all(f"{i * 1000}.00" in "".join(pages) for i in range(120))


def test_same_seed_same_bytes(text):
    layout = draw_layout(random.Random(5))
    assert render_pdf(text, layout).data == render_pdf(text, layout).data
    one = list(synthetic.iter_documents(4, 3, fmt="pdf"))
    assert one == list(synthetic.iter_documents(4, 3, fmt="pdf"))


def test_any_disclosure_text_renders():
    cases = [
        "",
        "| 项目 | 金额 |\n|---|---|\n| 合计 | 1.00 |\n",
        "\t".join("ABCDEFGH") + "\n" + "\t".join(["12.50"] * 8) + "\n\n正文",
        "名称\t内容\n项目\t" + "很长的说明" * 2000 + "\n合计\t3.00\n",
        "\ufeff标题\r\n\r\n" + "正文" * 3000 + "\r\n",
    ]
    for i, case in enumerate(cases):
        out = render_pdf(case, draw_layout(random.Random(i)))
        assert len(pdfium.PdfDocument(out.data)) == out.pages >= 1


def test_formats_share_units_and_keep_text_bytes():
    units, seed = 12, 8
    txt = list(synthetic.iter_documents(units, seed, anomaly_share=0.6))
    assert txt == list(synthetic.iter_documents(units, seed, anomaly_share=0.6, fmt="txt"))
    pdf = list(synthetic.iter_documents(units, seed, anomaly_share=0.6, fmt="pdf"))
    mixed = list(synthetic.iter_documents(units, seed, anomaly_share=0.6, fmt="mixed"))
    assert {lab["format"] for _, _, lab in mixed} >= {"txt", "pdf"}  # the other formats: test_synthetic_formats
    for (rel_t, data_t, lab_t), (rel_p, data_p, lab_p), (rel_m, data_m, lab_m) in zip(txt, pdf, mixed):
        assert lab_t["format"] == "txt" and "pdf" not in lab_t
        assert lab_p["format"] == "pdf" and rel_p == rel_t[: -len(".txt")] + ".pdf" and data_p.startswith(b"%PDF")
        assert lab_p["encoding"] is None and set(lab_p["pdf"]) >= {"ruled", "landscape", "rotated", "footer"}
        for lab in (lab_p, lab_m):
            assert lab["truth"] == lab_t["truth"] and lab["unit_name"] == lab_t["unit_name"]
            where = ("page", "file", "sheet", "row")
            # A copy's detail ends with its source's file, in the corpus's format.
            same = [{k: v for k, v in a.items() if k not in where} for a in lab["anomalies"]]
            assert [{**a, "detail": a["detail"].rsplit(".", 1)[0]} for a in same] == [
                {**a, "detail": a["detail"].rsplit(".", 1)[0]} for a in lab_t["anomalies"]
            ]
        if lab_m["format"] == "txt":
            assert (rel_m, data_m) == (rel_t, data_t)
        elif lab_m["format"] == "pdf":
            assert data_m == data_p
        text = data_t.decode(lab_t["encoding"]).replace("\r\n", "\n").split("\n")
        pages = pages_text(data_p)
        for a in lab_p["anomalies"]:
            if a["line"] is None:
                assert "page" not in a
                continue
            line = text[a["line"] - 1]
            cells = [c.strip() for c in re.split(r"[\t|]", line) if c.strip()]
            needle = cells[0] if "\t" in line or line.startswith("|") else line.strip()[:6]
            assert 1 <= a["page"] <= lab_p["pdf"]["pages"]
            assert re.sub(r"\s", "", needle)[:6] in re.sub(r"\s", "", pages[a["page"] - 1]), a


def test_generate_command_writes_pdfs(tmp_path):
    out = tmp_path / "c"
    result = CliRunner().invoke(main, ["generate", "--units", "3", "--seed", "2", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    labels = json.loads((out / "labels.json").read_text(encoding="utf-8"))
    assert labels["generator"]["format"] == "pdf"
    for d in labels["documents"]:
        assert d["file"].endswith(".pdf") and (out / d["file"]).read_bytes().startswith(b"%PDF")
