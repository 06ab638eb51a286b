"""Tests of the report writers (reports/)."""

from __future__ import annotations

import csv
import html as html_lib
import json
import re
import shutil
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import polars as pl
import pytest
from conftest import chromium_dom
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.excel import write_xlsx
from reports.files import write_atomic, write_json, write_tables
from reports.html import json_pieces, render_html, safe_json, write_html
from reports.model import (
    COVERAGE_COLUMNS,
    FEATURES_COLUMNS,
    FINDINGS_COLUMNS,
    RANKING_COLUMNS,
    UNITS_COLUMNS,
    ReportInput,
    fake_report_input,
)
from reports.terminal import display_width, summary_lines

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EVIL = "公务接待费<script>alert(1)</script>元 </script><!-- & \u2028"


@pytest.fixture(scope="module")
def run() -> ReportInput:
    return fake_report_input(40)


def with_lang(run: ReportInput, lang: str) -> ReportInput:
    return ReportInput(run.units, run.findings, run.ranking, run.coverage, run.features, run.manifest, lang)


def hostile(run: ReportInput) -> ReportInput:
    """The fake run with disclosure text that tries to break out of the page or the sheet."""
    top = run.ranking["unit_id"][0]
    findings = run.findings.with_columns(
        evidence=pl.when(pl.col("unit_id") == top).then(pl.lit(EVIL)).otherwise(pl.col("evidence")),
        stated=pl.when(pl.col("unit_id") == top).then(pl.lit('=HYPERLINK("http://x","y")')).otherwise(pl.col("stated")),
        expected=pl.when(pl.col("unit_id") == top).then(pl.lit("+1-2")).otherwise(pl.col("expected")),
    )
    units = run.units.with_columns(
        unit_name=pl.when(pl.col("unit_id") == top)
        .then(pl.lit("<img src=x onerror=alert(2)>局"))
        .otherwise(pl.col("unit_name"))
    )
    ranking = run.ranking.with_columns(
        reasons=pl.when(pl.col("unit_id") == top).then(pl.lit("@SUM(A1)</script>")).otherwise(pl.col("reasons"))
    )
    return ReportInput(units, findings, ranking, run.coverage, run.features, run.manifest, run.lang)


def embedded_json(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


# ---------------------------------------------------------------- HTML


def test_html_is_self_contained(run, tmp_path):
    path = tmp_path / "report.html"
    write_html(path, run)
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<link" not in page.lower()
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I)
    assert "default-src 'none'" in page  # the browser itself refuses any network fetch
    assert "innerHTML" not in page


def test_html_language(run):
    zh = render_html(run)
    assert 'lang="zh-CN"' in zh and "单位预算公开说明筛查报告" in zh and "线索排名" in zh
    en = render_html(with_lang(run, "en"))
    assert 'lang="en"' in en and "Budget disclosure screening report" in en and "Ranked leads" in en
    assert "单位预算公开说明筛查报告" not in en
    assert embedded_json(en)["t"]["ranking"] == "Ranked leads"


def test_html_escapes_hostile_text(run, tmp_path):
    path = tmp_path / "report.html"
    write_html(path, hostile(run))
    page = path.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "alert(1)</script>" not in page
    assert "<img src=x" not in page
    assert "<!--" not in page
    assert page.lower().count("</script>") == 2  # the data block and the code block, nothing else
    data = embedded_json(page)  # and the text survives intact
    evidence = {row[data["findings"]["cols"].index("evidence")] for row in data["findings"]["rows"]}
    assert EVIL in evidence
    names = {row[data["units"]["cols"].index("unit_name")] for row in data["units"]["rows"]}
    assert "<img src=x onerror=alert(2)>局" in names


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_safe_json_round_trips_and_hides_markup(text):
    out = safe_json({"s": text})
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(out) == {"s": text}


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=7)
        | st.dictionaries(st.text() | st.integers() | st.booleans() | st.none(), inner, max_size=4)
    ),
    max_leaves=40,
)


@settings(max_examples=200, deadline=None)
@given(_JSON_VALUES, st.integers(min_value=1, max_value=3))
def test_json_pieces_add_up_to_the_page_data(data, at_once):
    # The page is written a piece at a time; the pieces must be exactly the one string.
    assert "".join(json_pieces(data, at_once)) == safe_json(data)


def test_html_contents(run):
    data = embedded_json(render_html(run))
    o = data["overview"]
    assert o["units"] == run.units.height
    assert sum(o["status"].values()) == run.units.height
    assert o["findings"] == run.findings.height
    assert sum(n for _, n in o["families"]) == run.findings.height
    assert sum(o["coverage"].values()) == run.coverage.height
    cols = data["units"]["cols"]
    rows = data["units"]["rows"]
    ranks = [r[cols.index("rank")] for r in rows]
    assert ranks[: run.ranking.height] == sorted(run.ranking["rank"].to_list())  # rank order
    failed = [r for r in rows if r[cols.index("parse_status")] == "failed"]
    assert failed and all(r[cols.index("parse_error")] for r in failed)
    assert data["features"]["rows"] and data["dists"]
    assert all(len(d[1]) <= 41 for d in data["dists"])


def test_html_empty_run(tmp_path):
    empty = ReportInput(
        pl.DataFrame(schema=UNITS_COLUMNS),
        pl.DataFrame(schema=FINDINGS_COLUMNS),
        pl.DataFrame(schema=RANKING_COLUMNS),
        pl.DataFrame(schema=COVERAGE_COLUMNS),
        pl.DataFrame(schema=FEATURES_COLUMNS),
        {},
    )
    write_html(tmp_path / "report.html", empty)
    write_xlsx(tmp_path / "report.xlsx", empty)
    write_tables(tmp_path, empty)
    assert summary_lines(empty, tmp_path)[0] == "筛查完成"


def test_html_10k_units_under_20mb(tmp_path):
    big = fake_report_input(10_000, findings_per_unit=6)
    path = tmp_path / "report.html"
    t0 = time.perf_counter()
    write_html(path, big)
    elapsed = time.perf_counter() - t0
    size = path.stat().st_size
    print(f"\n10k units, {big.findings.height} findings: report.html {size / 1e6:.1f} MB in {elapsed:.1f} s")
    assert big.findings.height >= 50_000
    assert size < 20_000_000


# ---------------------------------------------------------------- Excel


def read_xlsx(path: Path) -> dict[str, list[list[str]]]:
    """Sheet name -> rows of cell texts (enough of an xlsx reader for these tests)."""
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        names = [s.get("name") for s in book.find("m:sheets", NS)]
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            sst = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(x.itertext()) for x in sst.findall("m:si", NS)]
        sheets = {}
        for i, name in enumerate(names, start=1):
            root = ElementTree.fromstring(z.read(f"xl/worksheets/sheet{i}.xml"))
            rows = []
            for row in root.iter(f"{{{NS['m']}}}row"):
                cells = []
                for c in row.findall("m:c", NS):
                    assert c.find("m:f", NS) is None, "no cell may be a formula"
                    if c.get("t") == "s":
                        cells.append(shared[int(c.find("m:v", NS).text)])
                    elif c.get("t") == "inlineStr":
                        cells.append("".join(c.find("m:is", NS).itertext()))
                    else:
                        v = c.find("m:v", NS)
                        cells.append(v.text if v is not None else "")
                rows.append(cells)
            sheets[name] = rows
            sheets[name + "#xml"] = z.read(f"xl/worksheets/sheet{i}.xml").decode()
        return sheets


def test_xlsx_sheets_and_headers(run, tmp_path):
    path = tmp_path / "report.xlsx"
    write_xlsx(path, hostile(run))
    sheets = read_xlsx(path)
    assert [k for k in sheets if "#" not in k] == ["概况", "排名", "问题清单", "单位数据", "规则说明"]
    # The unit's name first (after the rank), ids and paths last.
    assert sheets["排名"][0][:2] == ["排名", "单位名称"]
    assert sheets["排名"][0][-2:] == ["单位编号", "来源文件"]
    assert "原文证据" in sheets["问题清单"][0] and "所述" in sheets["问题清单"][0]
    assert sheets["问题清单"][0][:2] == ["排名", "单位名称"]
    assert sheets["单位数据"][0][0] == "单位名称" and sheets["单位数据"][0][-2:] == ["单位编号", "来源文件"]
    assert "预算总额（万元）" in sheets["单位数据"][0]
    assert len(sheets["排名"]) == run.ranking.height + 1
    assert len(sheets["问题清单"]) == run.findings.height + 1
    for name in ("排名", "问题清单", "单位数据"):
        xml = sheets[name + "#xml"]
        assert 'state="frozen"' in xml and 'ySplit="1"' in xml
        assert "<autoFilter" in xml
        assert "<cols>" in xml
    cells = {c for row in sheets["问题清单"] for c in row}
    assert '=HYPERLINK("http://x","y")' in cells and "+1-2" in cells and EVIL in cells
    assert "@SUM(A1)</script>" in {c for row in sheets["排名"] for c in row}


def test_xlsx_english(run, tmp_path):
    path = tmp_path / "report.xlsx"
    write_xlsx(path, with_lang(run, "en"))
    sheets = read_xlsx(path)
    assert [k for k in sheets if "#" not in k] == ["Summary", "Ranking", "Findings", "Units", "Rules"]
    assert sheets["Ranking"][0][:2] == ["Rank", "Unit name"] and sheets["Ranking"][0][-2:] == ["Unit ID", "Source file"]


# ---------------------------------------------------------------- tables


def test_write_tables_contract_columns(run, tmp_path):
    # A ranking missing a contract column, and with an extra one, still writes the contract layout.
    partial = ReportInput(
        run.units,
        run.findings.with_columns(title=pl.lit("规则")),
        run.ranking.drop("outlier_score"),
        run.coverage,
        run.features,
        run.manifest,
    )
    write_tables(tmp_path, partial)
    expected_files = {
        "findings.parquet",
        "findings.csv",
        "ranking.csv",
        "units.parquet",
        "coverage.parquet",
        "features.parquet",
        "manifest.json",
    }
    assert {p.name for p in tmp_path.iterdir()} == expected_files
    for name, cols in [
        ("findings.parquet", FINDINGS_COLUMNS),
        ("units.parquet", UNITS_COLUMNS),
        ("coverage.parquet", COVERAGE_COLUMNS),
        ("features.parquet", FEATURES_COLUMNS),
    ]:
        assert pl.read_parquet(tmp_path / name).columns[: len(cols)] == list(cols), name
    assert pl.read_parquet(tmp_path / "findings.parquet").columns[-1] == "title"
    raw = (tmp_path / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][: len(FINDINGS_COLUMNS)] == list(FINDINGS_COLUMNS)
    assert len(rows) == run.findings.height + 1
    with open(tmp_path / "ranking.csv", encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[: len(RANKING_COLUMNS)] == list(RANKING_COLUMNS)
    ranking = pl.read_csv(tmp_path / "ranking.csv")
    assert ranking["outlier_score"].null_count() == ranking.height
    text = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    assert "\\u" not in text and "\n  " in text
    assert json.loads(text)["inputs_seen"] == run.manifest["inputs_seen"]


def test_write_atomic_success_leaves_no_temp(tmp_path):
    target = tmp_path / "out.txt"
    write_atomic(target, lambda p: p.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_failure_keeps_target(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def broken(p: Path) -> None:
        p.write_text("half a fi", encoding="utf-8")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_atomic(target, broken)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_writers_are_atomic(run, tmp_path, monkeypatch):
    """A report writer that fails midway leaves the previous report in place."""
    import reports.excel
    import reports.html

    (tmp_path / "report.xlsx").write_bytes(b"previous")
    (tmp_path / "report.html").write_bytes(b"previous")

    def boom(first):  # written a piece at a time: fails after the first
        def pieces(*args, **kwargs):
            yield first
            raise OSError("disk full")

        return pieces

    monkeypatch.setattr(reports.excel, "_sheet_pieces", boom(b"<worksheet>"))
    monkeypatch.setattr(reports.html, "json_pieces", boom("{"))
    with pytest.raises(OSError):
        write_xlsx(tmp_path / "report.xlsx", run)
    with pytest.raises(OSError):
        write_html(tmp_path / "report.html", run)
    assert (tmp_path / "report.xlsx").read_bytes() == b"previous"
    assert (tmp_path / "report.html").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.xlsx"]


# ---------------------------------------------------------------- terminal


def test_summary_lines_zh(run):
    lines = summary_lines(run, Path("out"), width=80)
    text = "\n".join(lines)
    assert "文件：共 40 个" in text and "错误" in text
    assert "out/report.html" in text
    top = [line for line in lines if re.match(r"^\s+\d+\. ", line)]
    assert len(top) == 10
    assert all(display_width(line) <= 80 for line in top)
    first = run.ranking.row(0, named=True)
    assert first["unit_name"] in top[0]


def test_summary_lines_en(run):
    lines = summary_lines(with_lang(run, "en"), Path("out"), top=3, width=60)
    assert lines[0] == "Screening finished"
    assert lines[1].startswith("Files: 40 seen")
    assert sum(1 for line in lines if re.match(r"^\s+\d+\. ", line)) == 3


def test_summary_names_the_files_not_read_in_the_runs_language(run):
    unread = run.units["unit_id"][:7].to_list()
    units = run.units.with_columns(
        parse_status=pl.when(pl.col("unit_id").is_in(unread)).then(pl.lit("failed")).otherwise(pl.col("parse_status")),
        parse_error=pl.when(pl.col("unit_id").is_in(unread))
        .then(pl.lit("不是 PDF 文件（文件头缺少 %PDF）/ not a PDF file (no %PDF header)"))
        .otherwise(pl.col("parse_error")),
    )
    manifest = {**run.manifest, "failed": units.filter(pl.col("parse_status") == "failed").height}
    for lang, reason, other in (("zh", "不是 PDF 文件", "not a PDF"), ("en", "not a PDF", "不是 PDF")):
        some = ReportInput(units, run.findings, run.ranking, run.coverage, run.features, manifest, lang)
        text = "\n".join(summary_lines(some, Path("out"), width=200))
        named = [line for line in text.splitlines() if line.startswith("  - ")]
        assert len(named) == 5 and all(reason in line and other not in line for line in named)
        assert manifest["failed"] > 5 and f"{manifest['failed']}" in text.splitlines()[3]  # all, five named
    # Nothing read: the summary says so, and lists no leads.
    nothing = ReportInput(units, run.findings, run.ranking, run.coverage, run.features, {**manifest, "failed": 40})
    lines = summary_lines(nothing, Path("out"))
    assert lines[0] == "没有一个文件能读取，未做任何检查"
    assert not any(re.match(r"^\s+\d+\. ", line) for line in lines)


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (
            "不是 Word 文件（文件头不对）/ not a Word file (bad header)",
            "不是 Word 文件（文件头不对）",
            "not a Word file (bad header)",
        ),
        ("a.pdf: 第 5 页为扫描图像 / page 5: scanned", "a.pdf: 第 5 页为扫描图像", "a.pdf: page 5: scanned"),
        # An English half naming Chinese items is no plain translation: kept whole.
        (
            "未能读取 / not found: 表1 收支总表",
            "未能读取 / not found: 表1 收支总表",
            "未能读取 / not found: 表1 收支总表",
        ),
        # The parser's own reasons: each half whole.
        (
            "未能读取：表1 收支总表、目录 / not found: table 1, table of contents",
            "未能读取：表1 收支总表、目录",
            "not found: table 1, table of contents",
        ),
        ("空文件 / empty; 删除 3 个空字符 / 3 NULs removed", "空文件; 删除 3 个空字符", "empty; 3 NULs removed"),
    ],
)
def test_one_language_takes_a_bilingual_reason_apart_only_where_it_is_a_translation(text, zh, en):
    from reports.i18n import one_language

    assert one_language(text, "zh") == zh
    assert one_language(text, "en") == en


# ---------------------------------------------------------------- the page's script, in a real browser

BROWSER_PROBE = """<script>
(function () {
  var out = window.__probe;
  function rows() { return document.querySelectorAll("#ranking tbody tr.lead").length; }
  function col(n) {
    return Array.prototype.map.call(document.querySelectorAll("#ranking tbody tr.lead td:nth-child(" + n + ")"),
      function (td) { return td.textContent; });
  }
  try {
    out.first_page = rows();
    out.pager = document.querySelector("#ranking .pager span").textContent;
    document.querySelectorAll("#ranking .pager button")[1].click();
    out.page2_first_rank = col(1)[0];
    var sels = document.querySelectorAll("#ranking select");
    sels[0].value = "PLH"; sels[0].dispatchEvent(new Event("change"));
    out.plh_rows = rows();
    sels[0].value = ""; sels[0].dispatchEvent(new Event("change"));
    var box = document.querySelector("#ranking input");
    box.value = "审计局"; box.dispatchEvent(new Event("input"));
    out.search_names = col(2);
    box.value = ""; box.dispatchEvent(new Event("input"));
    document.querySelectorAll("#ranking th")[5].click();  // errors: descending first
    out.errors_sorted = col(6).map(Number);
    location.hash = "#unit=" + encodeURIComponent(window.__unit);
  } catch (e) { out.errors.push(String(e)); }
  setTimeout(function () {
    out.unit_title = (document.querySelector(".unithead h2") || {}).textContent;
    out.findings = document.querySelectorAll(".finding").length;
    out.charts = document.querySelectorAll(".feature svg").length;
    out.evidence = Array.prototype.map.call(document.querySelectorAll(".finding blockquote"), function (b) { return b.textContent; });
    out.injected = document.querySelectorAll("img").length + Array.prototype.filter.call(
      document.querySelectorAll("script:not([type])"), function (x) { return x.textContent.indexOf("al" + "ert(") >= 0; }).length;
    document.body.setAttribute("data-probe", JSON.stringify(out));
  }, 50);
})();
</script>"""


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium")
def test_page_script_in_chromium(tmp_path):
    bad = hostile(fake_report_input(120))
    top = bad.ranking.row(0, named=True)
    page = render_html(bad)
    page = page.replace(
        '<script type="application/json"',
        "<script>window.__probe = {{errors: []}}; window.__unit = {};"
        "window.onerror = function (m) {{ window.__probe.errors.push(String(m)); }};</script>\n"
        '<script type="application/json"'.format(json.dumps(top["unit_id"])),
        1,
    ).replace("</body>", BROWSER_PROBE + "</body>")
    path = tmp_path / "probe.html"
    path.write_text(page, encoding="utf-8")
    dom = chromium_dom(path.as_uri(), tmp_path / "profile")
    m = re.search(r'data-probe="([^"]*)"', dom)
    assert m, dom[-2000:]
    probe = json.loads(html_lib.unescape(m.group(1)))
    assert probe["errors"] == []
    assert probe["first_page"] == 50 and "120" in probe["pager"]  # pages of 50
    assert probe["page2_first_rank"] == "51"
    plh_units = bad.findings.filter(pl.col("family") == "PLH")["unit_id"].n_unique()
    assert probe["plh_rows"] == plh_units
    hits = bad.units.filter(pl.col("unit_name").str.contains("审计局") | pl.col("source_path").str.contains("审计局"))
    assert sorted(probe["search_names"]) == sorted(hits["unit_name"].to_list())  # name or file name matches
    assert probe["errors_sorted"] == sorted(probe["errors_sorted"], reverse=True)
    assert "<img src=x onerror=alert(2)>局" in probe["unit_title"]
    assert probe["findings"] == bad.findings.filter(pl.col("unit_id") == top["unit_id"]).height
    assert EVIL in probe["evidence"]
    assert probe["charts"] >= 1
    assert probe["injected"] == 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.sampled_from(["\x85", "a\u2028b", "\x1c", "\n\r"])), max_size=5))
def test_a_frame_in_the_manifest_is_written_as_json_objects(tmp_path_factory, texts):
    """The manifest's files (a frame, one object a line) read back as the rows they were,
    whatever the disclosure-derived text in them; the other keys as given."""
    files = pl.DataFrame(
        {"source_path": texts, "n": list(range(len(texts)))}, schema={"source_path": pl.String, "n": pl.Int64}
    )
    data = {"tool": "anomaly", "files": files, "文件": files, "note": '@frame-"files"', "options": {"out": "/tmp/甲"}}
    path = tmp_path_factory.mktemp("json") / "manifest.json"
    write_json(path, data)
    back = json.loads(path.read_text(encoding="utf-8"))
    assert back == {**data, "files": files.to_dicts(), "文件": files.to_dicts()}
