"""report.xlsx: the run for spreadsheet users, in the habits of the analysts who read it.

Sheets, in order: the run's summary (inputs, files read, findings by severity, run
time), the ranking, the findings (in rank order, with the unit's rank), the units, and
the rules' explanations. In every sheet the unit's name comes first and ids and paths
last; headers and coded values (severity, family, status, triage) are in the run's
language; amounts are in 万元 (two decimals, as disclosures print them); booleans and
dates are real spreadsheet booleans and dates; long text wraps; each sheet prints
landscape, fitted to the page width, with its header row repeated on every page.

The workbook is written directly as Office Open XML: each sheet's rows are built as
XML text by polars expressions, a column at a time, so 100,000 units take a second
or two rather than the minutes a cell-by-cell writer needs. Text is written as inline
strings, never as formulas, so disclosure text starting with = + - @ stays text;
characters XML cannot hold are dropped.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import polars as pl

from datasets.read.cells import column_letters
from reports.audit_sheet import audit_sheets
from reports.files import write_atomic
from reports.i18n import FAMILIES, column, lang_of, t
from reports.model import FILE_NAME, FINDINGS_COLUMNS, RANKING_COLUMNS, UNITS_COLUMNS, ReportInput, conform, local_time

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
MIN_WIDTH, MAX_WIDTH, WRAP_WIDTH = 6, 60, 50
# Cell styles, as indexed in STYLES' cellXfs.
HEADER, FLOAT, INT, NOTE, WRAP, DATE, WAN, TITLE = 1, 2, 3, 4, 5, 6, 7, 8
# Days from Excel's day 0 (1899-12-30) to 1970-01-01.
_EXCEL_EPOCH_DAYS = 25569

# The columns of each sheet, in order; a column the run lacks is left out.
RANKING_SHEET = [
    "rank",
    "unit_name",
    "year",
    "doc_kind",
    "errors",
    "warnings",
    "infos",
    "reasons",
    "peer_group",
    "peer_score",
    "score",
    "outlier_score",
    "unit_id",
    "source_path",
]
FINDINGS_SHEET = [
    "rank",
    "unit_name",
    "severity",
    "rule",
    "message",
    "stated",
    "expected",
    "evidence",
    "line",
    "page",
    "is_new",
    "triage",
    "family",
    "title",
    "place",
    "triage_note",
    "triage_by",
    "triage_at",
    "year",
    "finding_id",
    "unit_key",
    "fingerprint",
    "unit_id",
    "source_path",
]
UNITS_SHEET = [
    "unit_name",
    "year",
    "doc_kind",
    "parse_status",
    "parse_error",
    "total_budget_wan",
    "staff_authorized",
    "staff_actual",
    "retirees",
    "vehicles",
    "sangong_total_wan",
    "sangong_prior_wan",
    "format",
    "pages",
    "notes",
    "source_files",
    "unit_key",
    "unit_id",
    "source_path",
]
RULES_SHEET = ["rule", "family", "severity", "title", "explanation"]
# The last column printed: what follows is for filtering and for programs, and would
# shrink the printed page to illegibility.
PRINT_UNTIL = {"ranking": "peer_score", "findings": "triage", "units": "sangong_prior_wan", "rules": "explanation"}
# Columns whose text wraps (the rest are short, or paths better cut than wrapped).
WRAPPED = {"reasons", "message", "stated", "expected", "evidence", "parse_error", "notes", "explanation", "triage_note"}
# Wrapped columns' widths (characters): narrow enough for a printed page, wide enough to read.
WRAP_WIDTHS = {"message": 40, "evidence": 40, "stated": 24, "expected": 28, "explanation": 70}
MAX_LINES = 10  # a row grows to fit its wrapped text, up to this many lines
LINE_HEIGHT = 15
DATES = {"triage_at", "audit_at"}
WAN_COLUMNS = {"total_budget_wan", "sangong_total_wan", "sangong_prior_wan"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def write_xlsx(path: Path, run: ReportInput) -> None:
    """Write report.xlsx (sheets 概况, 排名, 问题清单, 单位数据, 规则说明; English with lang="en")."""
    write_atomic(Path(path), lambda tmp: _write_workbook(tmp, run))


def _pick(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.select([c for c in columns if c in frame.columns])


def _sheets(run: ReportInput) -> list[tuple[str, pl.DataFrame, str, str]]:
    """(sheet name, frame, full file, last printed column) of the data sheets."""
    lang = lang_of(run.lang)
    # A file that could not be read has no unit name: its file's name stands in, as on the page.
    named = pl.coalesce("unit_name", FILE_NAME).alias("unit_name")
    ranking = conform(run.ranking, RANKING_COLUMNS).with_columns(named).sort("rank", nulls_last=True)
    findings = conform(run.findings, FINDINGS_COLUMNS)
    units = conform(run.units, UNITS_COLUMNS).with_columns(named)
    # Amounts in 万元, the unit analysts read budgets in; the 元 columns stay in the Parquet files.
    units = units.with_columns(
        (pl.col(f"{c}_yuan") / 1e4)
        .round(6)
        .alias(f"{c}_wan")  # 元 to the fen, without float's tail (9.530000000000001)
        for c in ("total_budget", "sangong_total", "sangong_prior")
        if f"{c}_yuan" in units.columns
    )
    # A cell holds one value: lists (source_files) as text, one item after another.
    units = units.with_columns(
        pl.col(c).list.join("; ") for c, dtype in units.schema.items() if isinstance(dtype, pl.List)
    ).sort("unit_name", "source_path", nulls_last=True)
    # Findings in rank order, each with its unit's rank and name.
    ranks = ranking.select("unit_id", "rank", *(["unit_name"] if "unit_name" not in findings.columns else []))
    if "unit_name" not in findings.columns and "unit_name" not in ranks.columns:
        ranks = ranks.join(units.select("unit_id", "unit_name").unique("unit_id"), on="unit_id", how="left")
    findings = findings.join(ranks.unique("unit_id"), on="unit_id", how="left")
    findings = findings.with_columns(
        _sev=pl.col("severity").replace_strict(_SEVERITY_ORDER, default=3, return_dtype=pl.Int64)
    ).sort("rank", "_sev", "rule", "line", nulls_last=True)
    return [
        (t(lang, "sheet_ranking"), _pick(ranking, RANKING_SHEET), "ranking.csv", PRINT_UNTIL["ranking"]),
        (t(lang, "sheet_findings"), _pick(findings, FINDINGS_SHEET), "findings.parquet", PRINT_UNTIL["findings"]),
        (t(lang, "sheet_units"), _pick(units, UNITS_SHEET), "units.parquet", PRINT_UNTIL["units"]),
        (t(lang, "sheet_rules"), _rules_frame(lang), "", PRINT_UNTIL["rules"]),
        *((name, frame, full, "") for name, frame, full in audit_sheets(run)),
    ]


def _rules_frame(lang: str) -> pl.DataFrame:
    """One row per rule: code, family, severity, title, what it catches and why."""
    from anomaly.engine import catalog, explanation

    rows = []
    for r in catalog():
        rows.append((r.code, r.family, r.severity, r.title(lang), explanation(r, lang).replace("\n\n", "\n")))
    return pl.DataFrame(rows, schema=RULES_SHEET, orient="row")


def _widths(frame: pl.DataFrame, lang: str) -> list[int]:
    """Column widths in Excel character units; a CJK character counts as two."""
    if frame.height == 0:
        data = {c: 0 for c in frame.columns}
    else:
        sample = frame.head(5000)
        # UTF-8 bytes + chars over 2: ASCII counts 1, CJK (3 bytes) counts 2.
        data = sample.select(
            ((pl.col(c).cast(pl.String).str.len_bytes() + pl.col(c).cast(pl.String).str.len_chars()) / 2)
            .quantile(0.95)
            .fill_null(0)
            .alias(c)
            for c in frame.columns
        ).row(0, named=True)
    widths = []
    for c in frame.columns:
        header = column(lang, c)
        head_w = (len(header.encode()) + len(header)) / 2 + 3  # room for the filter button
        if c in WRAPPED:
            widths.append(WRAP_WIDTHS.get(c, WRAP_WIDTH))
        else:
            widths.append(int(min(MAX_WIDTH, max(MIN_WIDTH, head_w, (data[c] or 0) + 2))))
    return widths


def _write_workbook(path: Path, run: ReportInput) -> None:
    lang = lang_of(run.lang)
    sheets = _sheets(run)
    summary = _summary_sheet(run, lang)
    names = [t(lang, "sheet_summary")] + [name for name, _, _, _ in sheets]
    printed = [
        None,
        *((f, f.columns.index(last) if last in f.columns else len(f.columns) - 1) for _, f, _, last in sheets),
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _content_types(len(names)))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _workbook(names, printed))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/worksheets/sheet1.xml", summary)
        for i, (_, frame, full_file, _) in enumerate(sheets, start=2):
            # Streamed: a province's findings sheet is hundreds of megabytes of XML.
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as sheet:
                for piece in _sheet_pieces(frame, lang, full_file):
                    sheet.write(piece)


def _localize(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Spell out codes for the reader: "PCT" -> "PCT 百分比", "error" -> "错误"."""
    labels = {"family": {k: f"{k} {v}" for k, v in FAMILIES[lang].items()}}
    for col, keys in (
        ("severity", ("error", "warning", "info")),
        ("parse_status", ("ok", "partial", "failed")),
        ("triage", ("dismissed", "confirmed")),
        ("audit_before", ("dismissed", "confirmed")),
        ("audit_after", ("dismissed", "confirmed")),
        ("doc_kind", ("budget", "final")),
    ):
        labels[col] = {k: t(lang, "doc_" + k if col == "doc_kind" else k) for k in keys}
    return frame.with_columns(
        pl.col(col).replace_strict(mapping, default=pl.col(col), return_dtype=pl.String)
        for col, mapping in labels.items()
        if col in frame.columns and frame.schema[col] == pl.String
    )


def _excel_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """ISO timestamps (UTC) as Excel date serials in local time."""
    offset_days = (datetime.now().astimezone().utcoffset().total_seconds()) / 86400
    return frame.with_columns(
        (
            pl.col(c).str.to_datetime(time_zone="UTC", strict=False).dt.epoch("s") / 86400
            + _EXCEL_EPOCH_DAYS
            + offset_days
        ).alias(c)
        for c in DATES
        if c in frame.columns and frame.schema[c] == pl.String
    )


ROWS_AT_ONCE = 5000  # rows of a sheet built into XML together


def _sheet_pieces(frame: pl.DataFrame, lang: str, full_file: str) -> Iterator[bytes]:
    """One worksheet's XML (UTF-8), in pieces (ROWS_AT_ONCE rows each): frozen header row,
    column widths, autofilter, typed cells."""
    widths = _widths(frame, lang)
    frame = _excel_dates(_localize(frame, lang))
    n_rows = min(frame.height, EXCEL_MAX_ROWS - 2)
    cols = frame.columns
    letters = [column_letters(i) for i in range(len(cols))]
    last = f"{letters[-1]}{n_rows + 1}" if cols else "A1"
    header = "".join(
        f'<c r="{letters[i]}1" s="{HEADER}" t="inlineStr"><is><t>{escape(column(lang, c))}</t></is></c>'
        for i, c in enumerate(cols)
    )
    cols_xml = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths))
    head, tail = _worksheet(cols_xml, frozen=True)
    yield (head + f'<sheetData><row r="1">{header}</row>').encode()
    if n_rows and cols:
        cells = [_cell(pl.col(c), frame.schema[c], letters[i], _style(c, frame.schema[c])) for i, c in enumerate(cols)]
        # Rows as tall as their wrapped text (estimated: a CJK character is two wide), since
        # spreadsheets do not all fit row heights on opening a file.
        lines = pl.max_horizontal(
            pl.lit(1),
            *(
                (
                    (pl.col(c).str.len_bytes() + pl.col(c).str.len_chars()) / 2 / max(1, w - 1)
                    + pl.col(c).str.count_matches("\n")
                )
                .ceil()
                .fill_null(1)
                for c, w in zip(cols, widths)
                if c in WRAPPED and frame.schema[c] == pl.String
            ),
        ).clip(upper_bound=MAX_LINES)
        row = pl.format(
            '<row r="{}" ht="{}" customHeight="1">{}</row>',
            pl.col("_r"),
            (lines * LINE_HEIGHT).cast(pl.Int64),
            pl.concat_str(cells),
        )
        for k in range(0, n_rows, ROWS_AT_ONCE):
            rows = frame.slice(k, min(ROWS_AT_ONCE, n_rows - k)).with_row_index("_r", offset=k + 2)
            # As UTF-8 bytes straight from polars: a Python string of each piece, decoded
            # and encoded again, cost a province's workbook 1.8 s of the GIL.
            yield rows.select(row).to_series().str.join("").cast(pl.Binary).item()
    if frame.height > n_rows:
        text = escape(t(lang, "truncated", n=n_rows, file=full_file))
        yield f'<row r="{n_rows + 2}"><c r="A{n_rows + 2}" s="{NOTE}" t="inlineStr"><is><t>{text}</t></is></c></row>'.encode()
    yield ("</sheetData>" + (f'<autoFilter ref="A1:{last}"/>' if cols else "") + tail).encode()


def _worksheet(cols_xml: str, frozen: bool) -> tuple[str, str]:
    """A worksheet's XML before and after its sheetData: landscape A4, fitted to the page width."""
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if frozen
        else ""
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols_xml}</cols>" if cols_xml else "")
    )
    tail = (
        '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "<headerFooter><oddFooter>&amp;A &amp;P / &amp;N</oddFooter></headerFooter>"
        "</worksheet>"
    )
    return head, tail


def _summary_sheet(run: ReportInput, lang: str) -> str:
    """The run at a glance: one label and one value a row."""
    m = run.manifest or {}
    units = conform(run.units, UNITS_COLUMNS)
    findings = conform(run.findings, FINDINGS_COLUMNS)
    status = dict(units.group_by("parse_status").len().rows())
    sev = dict(findings.group_by("severity").len().rows())
    changes = m.get("changes") or {}
    started = None
    if m.get("started_at"):
        try:
            started = datetime.fromisoformat(m["started_at"]).astimezone().replace(tzinfo=None)
        except ValueError:
            started = None
    rows: list[tuple[str, object]] = [
        (t(lang, "title"), None),
        (t(lang, "xl_started"), started),
        (t(lang, "xl_elapsed"), m.get("elapsed_s")),
        (t(lang, "xl_version"), m.get("version")),
        (t(lang, "xl_inputs"), "; ".join(map(str, (m.get("options") or {}).get("inputs") or [])) or None),
        (t(lang, "xl_files"), m.get("inputs_seen", units.height)),
        (t(lang, "ok"), m.get("ok", status.get("ok", 0))),
        (t(lang, "partial"), m.get("partial", status.get("partial", 0))),
        (t(lang, "failed"), m.get("failed", status.get("failed", 0))),
        (t(lang, "findings_total"), findings.height),
        (t(lang, "error"), sev.get("error", 0)),
        (t(lang, "warning"), sev.get("warning", 0)),
        (t(lang, "info"), sev.get("info", 0)),
        (t(lang, "dismissed"), m.get("dismissed", 0)),
    ]
    if changes.get("previous_run"):
        rows += [
            (t(lang, "xl_previous_run"), local_time(changes["previous_run"])),
            (t(lang, "xl_new_findings"), changes.get("new_findings")),
            (t(lang, "xl_gone_findings"), changes.get("gone_findings")),
        ]
    rows += [(t(lang, "xl_money"), t(lang, "xl_money_note"))]
    xml = []
    for i, (label, value) in enumerate(rows, start=1):
        cells = f'<c r="A{i}" s="{TITLE if i == 1 else 0}" t="inlineStr"><is><t>{escape(label)}</t></is></c>'
        if isinstance(value, datetime):
            serial = (value - datetime(1899, 12, 30)).total_seconds() / 86400
            cells += f'<c r="B{i}" s="{DATE}"><v>{serial:.6f}</v></c>'
        elif isinstance(value, bool) or value is None:
            pass
        elif isinstance(value, int | float):
            cells += f'<c r="B{i}" s="{INT if isinstance(value, int) else FLOAT}"><v>{value}</v></c>'
        else:
            cells += f'<c r="B{i}" s="{WRAP}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'
        lines = -(-len(str(value).encode()) // 2 // 68) if isinstance(value, str) else 1  # column B is 70 wide
        xml.append(f'<row r="{i}" ht="{max(1, lines) * LINE_HEIGHT}" customHeight="1">{cells}</row>')
    cols_xml = '<col min="1" max="1" width="28" customWidth="1"/><col min="2" max="2" width="70" customWidth="1"/>'
    head, tail = _worksheet(cols_xml, frozen=False)
    return f"{head}<sheetData>{''.join(xml)}</sheetData>{tail}"


_ILLEGAL_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _style(name: str, dtype: pl.DataType) -> int:
    if name in DATES:
        return DATE
    if name in WAN_COLUMNS:
        return WAN
    if name in WRAPPED:
        return WRAP
    if dtype.is_integer():
        return INT
    return FLOAT if dtype.is_numeric() else 0


def _cell(col: pl.Expr, dtype: pl.DataType, letter: str, style: int = 0) -> pl.Expr:
    """A column's cells as XML text ("" for a null): numbers and booleans typed, the rest inline text."""
    ref = pl.format(letter + "{}", pl.col("_r"))
    if dtype == pl.Boolean:
        return (
            pl.when(col.is_not_null())
            .then(
                pl.format('<c r="{}" t="b"><v>{}</v></c>', ref, col.cast(pl.Int8).cast(pl.String))
            )  # no style: LibreOffice shows a styled boolean as 0/1
            .otherwise(pl.lit(""))
        )
    if dtype.is_numeric():
        value = col.cast(pl.Float64)
        return (
            pl.when(value.is_finite())
            .then(pl.format('<c r="{}" s="' + str(style) + '"><v>{}</v></c>', ref, col.cast(pl.String)))
            .otherwise(pl.lit(""))
        )
    text = (
        col.cast(pl.String)
        .str.slice(0, EXCEL_MAX_CHARS)
        .str.replace_all(_ILLEGAL_XML, "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    return (
        pl.when(col.is_not_null())
        .then(
            pl.format(
                '<c r="{}" s="' + str(style) + '" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>', ref, text
            )
        )
        .otherwise(pl.lit(""))
    )


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="#,##0.00"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><i/><sz val="11"/><color rgb="FFAA3333"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook(names: list[str], printed: list[tuple[pl.DataFrame, int] | None]) -> str:
    """The workbook part: sheet names; for each data sheet its autofilter range (as Excel
    itself records it), its header row printed on every page and its printed columns."""
    sheets = "".join(
        f'<sheet name={quoteattr(name[:31])} sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1)
    )
    defined = []
    for i, (name, spec) in enumerate(zip(names, printed)):
        if spec is None:
            continue
        f, last_printed = spec
        quoted = escape(_quoted(name[:31]))
        last_row = min(f.height, EXCEL_MAX_ROWS - 2) + 1
        last = column_letters(max(len(f.columns), 1) - 1)
        defined += [
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">{quoted}!$A$1:${last}${last_row}</definedName>',
            f'<definedName name="_xlnm.Print_Area" localSheetId="{i}">{quoted}!$A$1:${column_letters(max(last_printed, 0))}${last_row}</definedName>',
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{quoted}!$1:$1</definedName>',
        ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}" xmlns:r="{_NS_R}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{sheets}</sheets><definedNames>{''.join(defined)}</definedNames></workbook>"
    )


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{rels}<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    )
