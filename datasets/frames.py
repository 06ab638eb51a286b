"""Schemas of the frames the parser produces.

Every frame is long and tidy and keyed by ``unit_id``. Downstream code (features,
checks, scoring, reports) reads only these frames; raw text survives only as the
short evidence quotes stored in them.

Amounts are kept as printed (``value`` plus ``decimals`` and ``unit``) and also
converted to 元 (``*_yuan``) for comparison. ``decimals`` is what the rounding
intervals of DESIGN.md §4 are built from.
"""

from __future__ import annotations

import polars as pl

# One row per input file (failed ones included). The contract's columns come first.
UNITS = {
    "unit_id": pl.String,
    "source_path": pl.String,
    "unit_name": pl.String,
    "year": pl.Int64,
    "parse_status": pl.String,  # ok | partial | failed
    "parse_error": pl.String,
    "total_budget_yuan": pl.Float64,
    "staff_authorized": pl.Int64,
    "staff_actual": pl.Int64,
    "retirees": pl.Int64,
    "vehicles": pl.Int64,
    "sangong_total_yuan": pl.Float64,
    "sangong_prior_yuan": pl.Float64,
    # Extra columns (the contract allows additions).
    "encoding": pl.String,
    "content_sha1": pl.String,
    "n_lines": pl.Int64,
    "n_claims": pl.Int64,
    "n_cells": pl.Int64,
    "n_tables": pl.Int64,
    "format": pl.String,  # the input format(s) read: txt, pdf, docx+xlsx
    "source_files": pl.List(pl.String),  # every file joined into this disclosure (one for most)
    "pages": pl.Int64,  # page count, for paged inputs
    "notes": pl.String,  # what the reader skipped on purpose (hidden rows or columns), for any status
    "doc_kind": pl.String,  # budget (预算) or final (决算), from the title
}

# Every numeric statement in the narrative. A claim is one subject with up to three
# figures (current, prior, change) and a percentage, paired within a sentence.
# Counts (staff, vehicles) are claims too, with unit 人/辆.
CLAIMS = {
    "unit_id": pl.String,
    "claim_id": pl.Int64,  # order within the unit
    "section": pl.String,  # the heading the claim sits under, e.g. "四、收支说明"
    "line": pl.Int64,  # 1-based original line where the claim starts
    "text": pl.String,  # the quoted clause(s), from the original text
    "label": pl.String,  # subject as printed, e.g. "行政运行"
    "code": pl.String,  # 功能/经济 code where printed: "2010301", "301", "502"
    "item": pl.String,  # canonical key, see datasets.vocabulary.ITEMS, or null
    "current": pl.Float64,
    "current_dec": pl.Int64,
    "current_unit": pl.String,  # as printed: 元, 万元, 亿元, 人, 辆, or null (none)
    "current_yuan": pl.Float64,
    "prior": pl.Float64,
    "prior_dec": pl.Int64,
    "prior_unit": pl.String,
    "prior_yuan": pl.Float64,
    "change": pl.Float64,  # magnitude as printed (never signed)
    "change_dec": pl.Int64,
    "change_unit": pl.String,
    "change_yuan": pl.Float64,
    "direction": pl.String,  # increase | decrease | flat | null
    "direction_word": pl.String,  # 增加, 减少, 无变动, 持平, ...
    "pct": pl.Float64,  # percentage as printed, e.g. 96 for "96%"
    "pct_dec": pl.Int64,
    "basis": pl.String,  # comparison words as printed: 较上年, 比2023年预算, 比年初预算; 年初预算 for 年初预算为X
    "list_word": pl.String,  # the word after the claim opening a list of its parts: 其中, 主要用于, ...
    "current_line": pl.Int64,
    "change_line": pl.Int64,
    "completion": pl.Float64,  # a 决算's completion rate as printed: 98.5 for 完成年初预算的98.5%
    "completion_dec": pl.Int64,
    "page": pl.Int64,  # 1-based page, for paged inputs
}

# Every non-empty table cell in long form.
CELLS = {
    "unit_id": pl.String,
    "table_id": pl.String,  # the table's role as the seed template numbers it: "表1", "表13-2", "表14"; "表?" + n when unnamed
    "table_printed": pl.String,  # the id as printed: "表一", "附表1-3", "表7" (datasets.roles)
    "table_title": pl.String,
    "row": pl.Int64,  # 0-based row within the table
    "col": pl.Int64,  # 0-based column
    "header": pl.Boolean,  # part of the header block (above the first numeric row)
    "row_head": pl.String,  # first cell of the row (a code such as 2050203 in 表5), carried down over merged cells
    "row_label": pl.String,  # nearest text cell to the left of this cell in the row
    "group_index": pl.Int64,  # column group: number of label columns to the left - 1
    "col_group": pl.String,  # header text of the group's label column
    "col_header": pl.String,  # header text of this column (合计, 基本支出, 公用经费 …)
    "text": pl.String,  # the cell as printed
    "value": pl.Float64,  # numeric value as printed, null for text cells
    "decimals": pl.Int64,
    "unit": pl.String,  # 元 / 万元 from the table's 单位 line or the cell itself
    "value_yuan": pl.Float64,
    "line": pl.Int64,
    "page": pl.Int64,  # 1-based page, for paged inputs
}

# The 目录 of tables: one row per declared table.
TOC = {
    "unit_id": pl.String,
    "table_id": pl.String,
    "title": pl.String,
    "declared_empty": pl.Boolean,
    "reason": pl.String,
    "line": pl.Int64,
    "page": pl.Int64,  # 1-based page, for paged inputs
}

# Things found in the text that are not figures: placeholders and template residue
# (kind "placeholder"), the parts and sections present (kind "section"), and
# fingerprints of substantial paragraphs for copy detection (kind "paragraph").
MARKS = {
    "unit_id": pl.String,
    "kind": pl.String,
    "key": pl.String,  # placeholder token, section key, or paragraph hash
    "text": pl.String,  # quoted evidence
    "line": pl.Int64,
    "page": pl.Int64,  # 1-based page, for paged inputs
}

# Paged inputs: the first line of each page, so a finding's line gives its page.
PAGES = {
    "unit_id": pl.String,
    "page": pl.Int64,
    "first_line": pl.Int64,
}

# Workbooks: the sheet and row of each line read from them ("收支总表!12").
PLACES = {
    "unit_id": pl.String,
    "line": pl.Int64,
    "place": pl.String,
}

SCHEMAS = {
    "units": UNITS,
    "claims": CLAIMS,
    "cells": CELLS,
    "toc": TOC,
    "marks": MARKS,
    "pages": PAGES,
    "places": PLACES,
}


def empty(name: str) -> pl.DataFrame:
    """An empty frame with the named schema."""
    return pl.DataFrame(schema=SCHEMAS[name])


def from_columns(name: str, columns: dict[str, list]) -> pl.DataFrame:
    """Build a frame from column lists; missing columns are filled with nulls."""
    schema = SCHEMAS[name]
    n = max((len(v) for v in columns.values()), default=0)
    data = {k: columns.get(k, [None] * n) for k in schema}
    return pl.DataFrame(data, schema=schema, strict=False)
