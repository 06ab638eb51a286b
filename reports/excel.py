"""report.xlsx: the ranking, the findings and the units as sheets, for spreadsheet users.

Cells are written by type: numbers as numbers, everything else with
``write_string``, so disclosure text starting with = + - @ never becomes a formula.
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import xlsxwriter

from reports.files import write_atomic
from reports.i18n import FAMILIES, column, lang_of, t
from reports.model import FINDINGS_COLUMNS, RANKING_COLUMNS, UNITS_COLUMNS, ReportInput, conform

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
MIN_WIDTH, MAX_WIDTH = 6, 60


def write_xlsx(path: Path, run: ReportInput) -> None:
    """Write report.xlsx (sheets 排名, 问题清单, 单位数据; English names with lang="en")."""
    write_atomic(Path(path), lambda tmp: _write_workbook(tmp, run))


def _sheets(run: ReportInput) -> list[tuple[str, pl.DataFrame, str]]:
    lang = lang_of(run.lang)
    ranking = conform(run.ranking, RANKING_COLUMNS)
    findings = conform(run.findings, FINDINGS_COLUMNS)
    units = conform(run.units, UNITS_COLUMNS)
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
    options = {
        "constant_memory": True,  # rows are streamed: memory stays flat for large runs
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "nan_inf_to_errors": False,
    }
    with xlsxwriter.Workbook(str(path), options) as book:
        header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"})
        note = book.add_format({"italic": True, "font_color": "#A33"})
        formats = {"float": book.add_format({"num_format": "#,##0.00"}), "int": book.add_format({"num_format": "0"})}
        for name, frame, full_file in _sheets(run):
            sheet = book.add_worksheet(name)
            _write_sheet(sheet, frame, lang, header, formats, note, full_file)


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


def _write_sheet(sheet, frame: pl.DataFrame, lang: str, header, formats, note, full_file: str) -> None:
    frame = _localize(frame, lang)
    for col, width in enumerate(_widths(frame, lang)):
        sheet.set_column(col, col, width)
    kinds = []
    for dtype in frame.schema.values():
        kinds.append("float" if dtype.is_float() else "int" if dtype.is_integer() else "text")
    n_rows = min(frame.height, EXCEL_MAX_ROWS - 2)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(n_rows, 1), max(len(frame.columns) - 1, 0))
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, column(lang, name), header)
    for r, row in enumerate(frame.head(n_rows).iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            kind = kinds[c]
            if kind != "text" and isinstance(value, (int, float)) and math.isfinite(value):
                sheet.write_number(r, c, value, formats[kind])
            else:
                text = value if isinstance(value, str) else str(value)
                sheet.write_string(r, c, text[:EXCEL_MAX_CHARS])
    if frame.height > n_rows:
        sheet.write_string(n_rows + 1, 0, t(lang, "truncated", n=n_rows, file=full_file), note)
