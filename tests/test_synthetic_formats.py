"""The synthetic corpus as workbooks, Word files, web pages and split 说明 + 报表 bundles.

Each format is opened with its natural reader (python-calamine for workbooks, python-docx,
Python's html.parser) and checked against the text version of the same document: the
same truth and anomalies, every table figure present (in a workbook as a number whose
format prints it as the text does, or as text where the document stores amounts so),
merged header cells, and the same bytes for the same seed.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections import Counter
from html.parser import HTMLParser
from xml.etree import ElementTree

import docx
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from anomaly.cli import main
from datasets import synthetic
from datasets.synthetic.blocks import AMOUNT, blocks, report_start, table_figures, tables
from datasets.synthetic.generate import FORMATS, MIXED_SHARES, _format_of
from datasets.synthetic.word import draw_word_style, render_docx
from datasets.synthetic.workbook import BookStyle, draw_book_style, render_workbook

UNITS, SEED = 8, 31
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXTRA = ("page", "file", "sheet", "row")  # where an anomaly's evidence landed, per format


@pytest.fixture(scope="module")
def corpora() -> dict[str, list]:
    return {fmt: list(synthetic.iter_documents(UNITS, SEED, anomaly_share=0.6, fmt=fmt)) for fmt in FORMATS}


def text_of(data: bytes, label: dict) -> str:
    return data.decode(label["encoding"]).replace("\r\n", "\n")


# --- workbook helpers -----------------------------------------------------------------


def number_formats(book: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """sheet name -> (row, col) -> number format code of every cell with one (0-based)."""
    z = zipfile.ZipFile(io.BytesIO(book))
    styles = ElementTree.fromstring(z.read("xl/styles.xml"))
    codes = {"0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00"}
    codes |= {f.get("numFmtId"): f.get("formatCode") for f in styles.iterfind("m:numFmts/m:numFmt", NS)}
    xfs = [codes.get(x.get("numFmtId"), "?") for x in styles.iterfind("m:cellXfs/m:xf", NS)]
    names = [s.get("name") for s in ElementTree.fromstring(z.read("xl/workbook.xml")).iterfind("m:sheets/m:sheet", NS)]
    out = {}
    for k, name in enumerate(names, 1):
        sheet = ElementTree.fromstring(z.read(f"xl/worksheets/sheet{k}.xml"))
        cells = {}
        for c in sheet.iterfind("m:sheetData/m:row/m:c", NS):
            ref = re.fullmatch(r"([A-Z]+)(\d+)", c.get("r"))
            col = 0
            for ch in ref[1]:
                col = col * 26 + ord(ch) - 64
            cells[(int(ref[2]) - 1, col - 1)] = xfs[int(c.get("s", "0"))]
        out[name] = cells
    return out


def shown(value, fmt: str) -> str:
    """A number cell as Excel prints it in its format."""
    decimals = len(fmt.split(".", 1)[1]) if "." in fmt else 0
    return f"{value:,.{decimals}f}" if fmt.startswith("#,##0") else f"{value:.{decimals}f}"


def workbook_cells(book: bytes) -> tuple[dict[str, list[list]], Counter, dict]:
    """Sheets as rows of values, the Counter of every cell as displayed, and merges."""
    wb = CalamineWorkbook.from_filelike(io.BytesIO(book))
    formats = number_formats(book)
    sheets, displayed, merges = {}, Counter(), {}
    for name in wb.sheet_names:
        ws = wb.get_sheet_by_name(name)
        rows = ws.to_python(skip_empty_area=False)
        sheets[name] = rows
        merges[name] = ws.merged_cell_ranges or []
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, float):
                    displayed[shown(v, formats[name][(r, c)])] += 1
                elif v != "":
                    displayed[str(v)] += 1
    return sheets, displayed, merges


# --- tests ----------------------------------------------------------------------------


def test_every_format_keeps_the_units_truth_and_anomalies(corpora):
    txt = corpora["txt"]
    for fmt in FORMATS[1:]:
        assert len(corpora[fmt]) == UNITS, fmt
        for (rel_t, data_t, lab_t), (rel, data, lab) in zip(txt, corpora[fmt]):
            assert lab["unit_name"] == lab_t["unit_name"] and lab["truth"] == lab_t["truth"]
            # A text conversion (layout, raw, pdftotext) wraps lines and adds page furniture: its lines move.
            moved = set(EXTRA) | ({"line"} if fmt in ("layout", "raw", "pdftotext") else set())
            assert [{k: v for k, v in a.items() if k not in moved} for a in lab["anomalies"]] == [
                {k: v for k, v in a.items() if k not in moved} for a in lab_t["anomalies"]
            ]
            assert rel == lab["file"] == lab["files"][0] and "files" not in lab_t
            if isinstance(data, dict):  # a split disclosure: every file listed, the 说明 first
                assert list(data) == lab["files"] and len(lab["files"]) == 2
            else:
                assert lab["files"] == [rel]
            if fmt == "mixed" and lab["format"] == "txt":
                assert (rel, data) == (rel_t, data_t)
    assert {lab["format"] for _, _, lab in corpora["xlsx"]} == {"pdf+xlsx"}
    assert {lab["format"] for _, _, lab in corpora["bundle"]} == {"pdf+xlsx", "docx+xlsx"}
    for (_, data_p, _), (_, data_m, lab_m) in zip(corpora["pdf"], corpora["mixed"]):
        if lab_m["format"] == "pdf":
            assert data_m == data_p


def test_mixed_shares():
    counts = Counter(_format_of("mixed", 4, i) for i in range(4000))
    for fmt, share in MIXED_SHARES:
        assert abs(counts[fmt] / 4000 - share) < 0.02, (fmt, counts)


def test_bundles_split_narrative_and_tables(corpora):
    for (_, data_t, lab_t), (_, data, lab) in zip(corpora["txt"], corpora["bundle"]):
        text = text_of(data_t, lab_t)
        note, book = lab["files"]
        assert note.endswith((".pdf", ".docx")) and book.endswith(".xlsx")
        assert lab["unit_name"] in note + book and "说明" in note and "报表" in book
        assert lab["format"] == note.rsplit(".", 1)[1] + "+xlsx"
        assert data[note][:4] in (b"%PDF", b"PK\x03\x04") and data[book][:4] == b"PK\x03\x04"
        start = report_start(text)
        for a in lab["anomalies"]:
            if a["line"] is None:
                assert set(a) & set(EXTRA) == set()
                continue
            assert a["file"] == (note if a["line"] < start else book)
            if a["file"] == book:  # the row the evidence line became holds its figure or word
                rows = workbook_cells(data[book])[0][a["sheet"]]
                cells = [c.strip() for c in re.split(r"[\t|]", text.split("\n")[a["line"] - 1]) if c.strip()]
                got = {str(v) for v in rows[a["row"] - 1] if v != ""}
                assert any(c in got or AMOUNT.match(c) for c in cells), (a, rows[a["row"] - 1])
        if note.endswith(".docx"):  # the 说明 stops where the 报表 starts
            d = docx.Document(io.BytesIO(data[note]))
            assert not d.tables and "公开报表" not in d.paragraphs[-1].text


def test_workbook_holds_every_table_figure_with_its_format(corpora):
    seen_text = seen_number = 0
    for (_, data_t, lab_t), (_, data, lab) in zip(corpora["txt"], corpora["xlsx"]):
        text = text_of(data_t, lab_t)
        book = data[lab["files"][1]]
        sheets, displayed, merges = workbook_cells(book)
        assert list(sheets) == lab["xlsx"]["sheets"] and list(sheets)[0] == "目录"
        assert len(sheets) == len(tables(text))
        figures = Counter(table_figures(text))
        assert figures and not figures - displayed, (lab["file"], figures - displayed)
        numbers = [v for rows in sheets.values() for r in rows for v in r if isinstance(v, float)]
        if lab["xlsx"]["amounts"] == "text":
            seen_text += 1
            assert all(v == int(v) for v in numbers)  # only the hidden helper's row numbers
        else:
            seen_number += 1
            assert len(numbers) > 50
        t1 = next(n for n in sheets if n in ("表1", "附表1", "收支总表"))
        width = len(tables(text)[1][0])
        spans = {(a[1] - b[1], a[0] == b[0]) for b, a in [(r[0], r[1]) for r in merges[t1]]}
        assert (width - 1, True) in spans or lab["xlsx"]["hidden_column"], merges[t1]  # the title row
        assert (1, True) in spans and (5, True) in spans  # 收 入 over two columns, 支 出 over six
    assert seen_text and seen_number


def test_workbook_styles():
    text = text_of(*next((d, lab) for _, d, lab in synthetic.iter_documents(1, 3)))
    base = draw_book_style(random.Random(0), 2024)
    kinds = {}
    for names in ("table_no", "appendix", "title"):
        for hidden in (None, "first", "last"):
            style = BookStyle(**{**base.__dict__, "sheet_names": names, "hidden_column": hidden, "amounts": "number"})
            out = render_workbook(text, style, "某单位")
            kinds[names] = out.sheets
            sheet2 = zipfile.ZipFile(io.BytesIO(out.data)).read("xl/worksheets/sheet2.xml").decode()
            assert ('hidden="1"' in sheet2) == (hidden is not None)
            again = render_workbook(text, style, "某单位")
            assert again.data == out.data
    assert kinds["table_no"][:3] == ["目录", "表1", "表2"] and "表14" in kinds["table_no"]
    assert kinds["appendix"][:3] == ["目录", "附表1", "附表2"]
    assert kinds["title"][:3] == ["目录", "收支总表", "收入总表"]
    draws = [draw_book_style(random.Random(k), 2024) for k in range(600)]
    share = Counter(s.amounts for s in draws)["text"] / 600
    assert 0.14 < share < 0.26
    assert {s.sheet_names for s in draws} == {"table_no", "appendix", "title"}


def test_word_files(corpora):
    for (_, data_t, lab_t), (_, data, lab) in zip(corpora["txt"], corpora["docx"]):
        text = text_of(data_t, lab_t)
        assert lab["format"] == "docx" and lab["docx"]["tables"]
        assert {z.date_time for z in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(1980, 1, 1, 0, 0, 0)}
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert "<w:br/>" not in xml and "gridSpan" in xml  # no hard breaks; merged header cells
        d = docx.Document(io.BytesIO(data))
        styles = Counter(p.style.name for p in d.paragraphs)
        assert styles["Title"] == 2 and styles["Heading 1"] >= 5 and styles["Heading 2"] >= 8
        assert all("\n" not in p.text for p in d.paragraphs)
        assert len(d.tables) == len(tables(text))
        cells = Counter(c.text for t in d.tables for r in t.rows for c in dict.fromkeys(r.cells))
        figures = Counter(table_figures(text))
        assert not figures - cells
        flat = "".join(p.text for p in d.paragraphs).replace(" ", "")
        for b in blocks(text)[:60]:  # the narrative, paragraph by paragraph
            if b.kind == "text":
                assert "".join(line for _, line in b.items).replace(" ", "") in flat
        assert d.core_properties.created.year == lab["year"]


def test_word_file_same_bytes():
    text = text_of(*next((d, lab) for _, d, lab in synthetic.iter_documents(1, 5)))
    style = draw_word_style(random.Random(2), 2024, tables=False)
    assert render_docx(text, style) == render_docx(text, style)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.classes: set[str] = set()
        self.tables = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.classes |= {v for k, v in attrs if k == "class"}
        if tag == "table":
            self.tables += 1
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_web_pages(corpora):
    charsets, sites = Counter(), Counter()
    mixed = [(d, t) for d, t in zip(corpora["mixed"], corpora["txt"]) if d[2]["format"] == "html"]
    pages = [(d, text_of(t[1], t[2])) for d, t in list(zip(corpora["html"], corpora["txt"])) + mixed]
    more = zip(synthetic.iter_documents(24, 77, fmt="html"), synthetic.iter_documents(24, 77))
    pages += [(d, text_of(t[1], t[2])) for d, t in more]
    for (rel, data, lab), text in pages:
        assert rel.endswith((".html", ".htm")) and lab["encoding"] == lab["html"]["charset"]
        head = data[:300].decode("ascii", errors="replace")
        assert re.search(rf'charset="?{lab["encoding"]}"?>', head), head
        page = Page()
        page.feed(data.decode(lab["encoding"]))
        assert page.tables == len(tables(text))
        assert not Counter(table_figures(text)) - Counter(page.cells)
        assert ("footer" in page.classes) == lab["html"]["site"]
        charsets[lab["encoding"]] += 1
        sites[lab["html"]["site"]] += 1
    assert set(charsets) >= {"utf-8", "gbk"} and len(sites) == 2


def test_same_seed_same_output_and_generate_command(tmp_path):
    for fmt in ("bundle", "mixed"):
        assert list(synthetic.iter_documents(5, 9, fmt=fmt)) == list(synthetic.iter_documents(5, 9, fmt=fmt))
    out = tmp_path / "c"
    result = CliRunner().invoke(
        main, ["generate", "--units", "3", "--seed", "4", "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    labels = synthetic.generate_corpus(tmp_path / "d", units=3, seed=4, fmt="xlsx")
    assert labels["generator"]["format"] == "xlsx"
    for d in labels["documents"]:
        for f in d["files"]:
            assert (out / f).read_bytes() == (tmp_path / "d" / f).read_bytes()
    help_text = CliRunner().invoke(main, ["generate", "--help"]).output
    assert all(fmt in help_text for fmt in FORMATS)
