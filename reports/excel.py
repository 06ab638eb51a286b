"""report.xlsx: the ranking, the findings and the units as sheets, for spreadsheet users.

The workbook is written directly as Office Open XML: each sheet's rows are built as
XML text by polars expressions, a column at a time, so 100,000 units take a second
or two rather than the minutes a cell-by-cell writer needs. Text is written as inline
strings, never as formulas, so disclosure text starting with = + - @ stays text;
characters XML cannot hold are dropped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import polars as pl

from datasets.read.cells import column_letters
from reports.audit_sheet import audit_sheets
from reports.files import write_atomic
from reports.i18n import FAMILIES, column, lang_of, t
from reports.model import FINDINGS_COLUMNS, RANKING_COLUMNS, UNITS_COLUMNS, ReportInput, conform

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
MIN_WIDTH, MAX_WIDTH = 6, 60
# Cell styles, as indexed in STYLES' cellXfs.
HEADER, FLOAT, INT, NOTE = 1, 2, 3, 4


def write_xlsx(path: Path, run: ReportInput) -> None:
    """Write report.xlsx (sheets 排名, 问题清单, 单位数据; English names with lang="en")."""
    write_atomic(Path(path), lambda tmp: _write_workbook(tmp, run))


def _sheets(run: ReportInput) -> list[tuple[str, pl.DataFrame, str]]:
    lang = lang_of(run.lang)
    ranking = conform(run.ranking, RANKING_COLUMNS)
    findings = conform(run.findings, FINDINGS_COLUMNS)
    units = conform(run.units, UNITS_COLUMNS)
    # A cell holds one value: lists (source_files) as text, one item after another.
    units = units.with_columns(
        pl.col(c).list.join("; ") for c, dtype in units.schema.items() if isinstance(dtype, pl.List)
    )
    # The findings sheet gets the unit's name and the family spelled out, for filtering.
    if "unit_name" not in findings.columns:
        names = units.select("unit_id", "unit_name").unique("unit_id", keep="first")
        findings = findings.join(names, on="unit_id", how="left")
    findings = findings.select(
        "unit_id", "unit_name", *[c for c in findings.columns if c not in ("unit_id", "unit_name")]
    )
    return [
        (t(lang, "sheet_ranking"), ranking, "ranking.csv"),
        (t(lang, "sheet_findings"), findings, "findings.parquet"),
        (t(lang, "sheet_units"), units, "units.parquet"),
        *audit_sheets(run),
    ]


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
        widths.append(int(min(MAX_WIDTH, max(MIN_WIDTH, head_w, (data[c] or 0) + 2))))
    return widths


def _write_workbook(path: Path, run: ReportInput) -> None:
    lang = lang_of(run.lang)
    sheets = _sheets(run)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _content_types(len(sheets)))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _workbook(sheets))
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        z.writestr("xl/styles.xml", STYLES)
        for i, (_, frame, full_file) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _write_sheet(frame, lang, full_file))


def _localize(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Spell out codes for the reader: "PCT" -> "PCT 百分比", "error" -> "错误"."""
    labels = {"family": {k: f"{k} {v}" for k, v in FAMILIES[lang].items()}}
    for col, keys in (("severity", ("error", "warning", "info")), ("parse_status", ("ok", "partial", "failed"))):
        labels[col] = {k: t(lang, k) for k in keys}
    return frame.with_columns(
        pl.col(col).replace_strict(mapping, default=pl.col(col), return_dtype=pl.String)
        for col, mapping in labels.items()
        if col in frame.columns and frame.schema[col] == pl.String
    )


def _write_sheet(frame: pl.DataFrame, lang: str, full_file: str) -> str:
    """One worksheet's XML: frozen header row, column widths, autofilter, typed cells."""
    frame = _localize(frame, lang)
    n_rows = min(frame.height, EXCEL_MAX_ROWS - 2)
    cols = frame.columns
    letters = [column_letters(i) for i in range(len(cols))]
    last = f"{letters[-1]}{n_rows + 1}" if cols else "A1"
    header = "".join(
        f'<c r="{letters[i]}1" s="{HEADER}" t="inlineStr"><is><t>{escape(column(lang, c))}</t></is></c>'
        for i, c in enumerate(cols)
    )
    rows = ""
    if n_rows and cols:
        cells = [_cell(pl.col(c), frame.schema[c], letters[i]) for i, c in enumerate(cols)]
        rows = (
            frame.head(n_rows)
            .with_row_index("_r", offset=2)
            .select(pl.format('<row r="{}">{}</row>', pl.col("_r"), pl.concat_str(cells)))
            .to_series()
            .str.join("")
            .item()
        )
    if frame.height > n_rows:
        text = escape(t(lang, "truncated", n=n_rows, file=full_file))
        rows += f'<row r="{n_rows + 2}"><c r="A{n_rows + 2}" s="{NOTE}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    widths = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(_widths(frame, lang))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{widths}</cols>" if widths else "")
        + f'<sheetData><row r="1">{header}</row>{rows}</sheetData>'
        + (f'<autoFilter ref="A1:{last}"/>' if cols else "")
        + "</worksheet>"
    )


_ILLEGAL_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _cell(col: pl.Expr, dtype: pl.DataType, letter: str) -> pl.Expr:
    """A column's cells as XML text ("" for a null): numbers typed, the rest inline text."""
    ref = pl.format(letter + "{}", pl.col("_r"))
    if dtype.is_numeric() and dtype != pl.Boolean:
        value = col.cast(pl.Float64)
        style = INT if dtype.is_integer() else FLOAT
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
        .then(pl.format('<c r="{}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>', ref, text))
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
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><i/><sz val="11"/><color rgb="FFAA3333"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
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


def _workbook(sheets: list[tuple[str, pl.DataFrame, str]]) -> str:
    names = "".join(
        f'<sheet name={quoteattr(name[:31])} sheetId="{i}" r:id="rId{i}"/>' for i, (name, _, _) in enumerate(sheets, 1)
    )
    # The autofilter ranges, as Excel itself records them.
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(_quoted(name[:31]))}!$A$1:${column_letters(max(len(f.columns), 1) - 1)}${min(f.height, EXCEL_MAX_ROWS - 2) + 1}</definedName>"
        for i, (name, f, _) in enumerate(sheets)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}" xmlns:r="{_NS_R}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{names}</sheets><definedNames>{filters}</definedNames></workbook>"
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
