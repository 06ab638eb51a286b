"""The tables' long form made by polars for a batch of documents (tables.cells_frame)
is the one a plain reading cell by cell gives (`reference` below: the parser's former
loop), whatever the tables and however documents are batched."""

import re

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from datasets import tables
from datasets.frames import CELLS
from datasets.numbers import MONEY_UNITS

# Cells of the kinds tables hold: labels, codes, amounts with and without units,
# headers that name an amount or a year, template residue, empty cells.
CELL = st.sampled_from(
    [
        "",
        "",
        "项目",
        "项 目",
        "合计",
        "科目编码",
        "科目名称",
        "2010301",
        "行政运行",
        "1,234.50",
        "-5",
        "0.00",
        "12.3万元",
        "7元",
        "XX",
        "待定",
        "基本支出",
        "2024年预算数",
        "预算金额（万元）",
        "收入合计",
        "本年收入合计",
        "(1)工资",
        "≥95%",
    ]
)
TABLE = st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=6)
_NUMBER = re.compile(r"^(-)?\s*([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)\s*(亿元|万元|千元|元)?$")


def _parse(c: str):
    m = _NUMBER.match(c) if c and c[0] in "0123456789-" else None
    if not m:
        return None
    s = m.group(2).replace(",", "")
    value = float(s)
    return (-value if m.group(1) else value), (len(s) - s.find(".") - 1 if "." in s else 0), m.group(3)


def reference(rows: list[list[str]], table_unit: str | None, keep_text: bool) -> list[dict]:
    """One table's long-form cells, read one cell at a time."""
    parsed = [[_parse(c) for c in cells] for cells in rows]
    first_numeric = next((r for r, p in enumerate(parsed) if any(p)), len(rows))
    header = next((rows[r] for r in range(first_numeric - 1, -1, -1) if sum(1 for c in rows[r] if c) >= 2), [])
    col_header: list[str] = []
    for c in header:
        col_header.append(c if c else (col_header[-1] if col_header else ""))
    for j, h in enumerate(col_header):
        if tables._CODE_HEADER.search(h):
            for p in parsed:
                if j < len(p):
                    p[j] = None
    label_cols = [j for j, h in enumerate(col_header) if h and not tables._VALUE_HEADER.match(re.sub(r"\s+", "", h))]
    width = max(len(c) for c in rows)
    group = [sum(1 for lc in label_cols if lc <= j) - 1 for j in range(width)]
    out, row_head = [], ""
    for r, cells in enumerate(rows):
        if r == first_numeric:
            row_head = ""
        if cells[0]:
            row_head = cells[0]
        last_label = ""
        for j, (text, p) in enumerate(zip(cells, parsed[r])):
            if not text:
                continue
            value = dec = unit = yuan = None
            if p is None:
                label, last_label = last_label or text, text
                if not (r < first_numeric or keep_text or tables._KEEP_TEXT.search(text)):
                    continue
            else:
                label = last_label
                value, dec, unit = p
                unit = unit or table_unit or ("万元" if "万元" in row_head or "万元" in last_label else None)
                yuan = value * MONEY_UNITS[unit] if unit else None
            out.append(
                {
                    "row": r,
                    "col": j,
                    "header": r < first_numeric,
                    "row_head": row_head,
                    "row_label": label,
                    "group_index": group[j] if group[j] >= 0 else None,
                    "col_group": re.sub(r"\s+", "", col_header[label_cols[group[j]]]) if group[j] >= 0 else None,
                    "col_header": re.sub(r"\s+", "", col_header[j]) if j < len(col_header) else None,
                    "text": text,
                    "value": value,
                    "decimals": dec,
                    "unit": unit,
                    "value_yuan": yuan,
                }
            )
    return out


def _batch(docs: list[list[tuple[list[list[str]], str | None, bool]]]) -> pl.DataFrame:
    read = {"rows": {k: [] for k in tables.ROWS}, "filled": {k: [] for k in tables.FILLED}}
    about = {k: [] for k in tables.TABLES}
    for d, doc in enumerate(docs):
        one = {
            "rows": {k: [] for k in ("t", "row", "line", "length", "head")},
            "filled": {k: [] for k in tables.FILLED},
        }
        for t, (rows, unit, keep) in enumerate(doc):
            tables.add_cells(one, t, rows, rows, list(range(len(rows))))
            for k, v in zip(tables.TABLES, (d, t, f"表{t + 1}", f"表{t + 1}", "title", unit, keep)):
                about[k].append(v)
        at = len(read["rows"]["t"])
        read["filled"]["rix"] += [r + at for r in one["filled"]["rix"]]
        for k in ("col", "cell", "text"):
            read["filled"][k] += one["filled"][k]
        n = len(one["rows"]["t"])
        for k in tables.ROWS:
            read["rows"][k] += [d] * n if k == "d" else one["rows"].get(k, [None] * n)
    return tables.cells_frame(read, about, [f"u{d}" for d in range(len(docs))])


DOCS = st.lists(
    st.lists(st.tuples(TABLE, st.sampled_from([None, "元", "万元"]), st.booleans()), min_size=1, max_size=3),
    min_size=1,
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(DOCS)
def test_the_long_form_is_the_per_cell_reading(docs):
    got = _batch(docs)
    assert got.columns == ["d", *CELLS]
    want = [
        {"d": d, "table_id": f"表{t + 1}", **cell}
        for d, doc in enumerate(docs)
        for t, (rows, unit, keep) in enumerate(doc)
        for cell in reference(rows, unit, keep)
    ]
    columns = ["d", "table_id", *reference([["x"]], None, True)[0]]
    assert got.select(columns).to_dicts() == want


@settings(max_examples=100, deadline=None)
@given(DOCS)
def test_a_documents_cells_do_not_depend_on_its_batch(docs):
    together = _batch(docs).drop("d", "unit_id")
    alone = pl.concat([_batch([doc]).drop("d", "unit_id") for doc in docs])
    assert together.equals(alone)
