"""Tables: blocks of tab-separated or markdown-pipe rows, into long-form cells.

A table's identity comes from the lines just above it (表N, its title, 单位：元); a
table printed without its 表N (the 整体支出绩效目标表 often is) is matched to the 目录
by title. Column groups come from the last header row: in 表1 the label columns
(项目, 支出功能科目, 部门经济分类, 政府经济分类) each head a group whose amounts sit to
their right.
"""

from __future__ import annotations

import re
from itertools import compress, repeat

import polars as pl

from datasets.frames import CELLS
from datasets.numbers import CELL_NUMBER, MONEY_UNITS, parse_cell
from datasets.text import TOC_HEAD

# 表1, 表13-2, 表一 (Chinese numerals), 附表1-1; a title may follow on the same line, after
# a space or, where a PDF reader lost the space, right after the id if it opens with a
# year (表22025年部门收入总表: 表2).
_TABLE_ID = re.compile(
    r"^[#*\s]*((?:附)?表)\s*([\d一二三四五六七八九十]+(?:\s*-\s*\d+)?)"
    r"(?:(?:\s+|(?=(?:19|20)\d{2}\s*年))(.*\S))?\s*$"
)
# 单位：万元, never 编制单位：元林县… (a unit whose name starts with 元).
_UNIT_LINE = re.compile(r"(?<!编制)(?:金额)?单位\s*[:：]\s*(亿元|万元|千元|元)(?![\u4e00-\u9fff])")
_TITLE = re.compile(r"表\s*(?:\(\s*\d+\s*\))?\s*$|表\s*\(|一览表|明细表|总表")
_VALUE_HEADER = re.compile(
    r"^(?:预算数|预算|金额|合计|小计|总计|决算数|本年预算|上年预算|预算金额|数额|总额|"
    r"基本支出|项目支出|人员经费|公用经费|财政拨款|其他资金|\d{4}\s*年.*|.*万元.*|.*\(元\).*)$"
)
_WRAPPED_HEAD = re.compile(r"^(?:19|20)\d{2}\s*年[^。；;:：]{4,58}$")
_TITLE_END = re.compile(r"(?:表|[)）])\s*$")
_YEAR_TITLE = re.compile(r"^(?:19|20)\d{2}\s*年.*表\s*(?:[(（]\s*\d+\s*[)）])?$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
_SPACE = re.compile(r"\s+")
_NUMBER_START = set("0123456789-")
_CODE_HEADER = re.compile(r"编码|代码|编号|序号")
_TITLE_NOISE = re.compile(r"(?:19|20)\d{2}\s*年度?|\s+|[()（）\d]")
_KEEP_TEXT = re.compile(r"[\d%≥≤×]|[Xx]{2}|待|_{2}")


def split_row(line: str) -> list[str]:
    if "|" in line and line.lstrip().startswith("|"):
        s = line.strip()
        if s.endswith("|"):
            s = s[:-1]
        return list(map(str.strip, s[1:].split("|")))
    return list(map(str.strip, line.split("\t")))  # (each cell stripped: a line's \n too)


# A cell of table ids only: one, or two 目录 entries a reader ran together (附表1-7附表1-8).
_IDS_CELL = re.compile(r"^(?:(?:附)?表\s*[\d一二三四五六七八九十]+(?:\s*-\s*\d+)?\s*)+$")
_MAKER = re.compile(r"^(?:编制单位|填报单位|单位名称|部门名称|预算单位)\s*[:：]")


def caption_row(line: str) -> bool:
    """A row of caption cells only (编制单位：某局 | 单位：万元), as a PDF or Word file
    splits the line above a table: the table's context, not one of its rows."""
    # A caption cell's 单位：万元 is in the line too (a cell's neighbours are split off
    # by a tab or a pipe, neither a CJK character nor 编制): most lines stop here.
    if "单位" not in line or not _UNIT_LINE.search(line):
        return False
    cells = [c for c in split_row(line) if c]
    return (
        bool(cells)
        and any(_UNIT_LINE.search(c) for c in cells)
        and all(_UNIT_LINE.search(c) or _MAKER.match(c) for c in cells)
    )


def toc_heading(cells: list[str]) -> bool:
    """Cells that make the 目录 heading and nothing else (目 | 录, 目录 | ''), as a PDF
    reader splits it at its wide space or sets it beside an empty cell."""
    return bool(TOC_HEAD.fullmatch("".join(cells)))


def heading_row(line: str) -> bool:
    """A table's id and title set apart by a wide space (表1 | 2024年部门收支总表), which a
    PDF reader splits into two cells: a heading or a 目录 entry, not a table's row (nor
    are two entries a reader ran together: 附表1-7附表1-8 | title title)."""
    cells = [c for c in split_row(line) if c]
    return len(cells) == 2 and "表" in cells[1] and bool(_IDS_CELL.match(TOC_HEAD.sub("", cells[0])))


def blocks(norm: list[str], is_row: list[bool]) -> list[tuple[int, int]]:
    """(first, last+1) line ranges of table blocks; blank lines inside are allowed (a
    table read from a page keeps its rows' lines, blank lines and page breaks between)."""
    out = []
    i, n = 0, len(norm)
    while i < n:
        if not is_row[i]:
            i += 1
            continue
        j = i + 1
        while j < n:
            if is_row[j]:
                j += 1
                continue
            k = j
            while k < n and not norm[k].strip():
                k += 1
            if k == j or k == n or not is_row[k]:
                break
            j = k
        out.append((i, j))
        i = j
    return out


def context_of(norm: list[str], start: int, stop: int) -> tuple[str | None, str | None, str | None]:
    """(table id, title, unit) from the lines above a block, looking back to `stop`."""
    tid = title = unit = None
    seen = 0
    below: list[str] = []  # lines between the title and the table, neither unit nor title
    wrapped = False  # the title was joined from two lines
    for k in range(start - 1, stop - 1, -1):
        s = norm[k].strip()
        if not s:
            continue
        seen += 1
        # Past five lines only the id right above a title found (a PDF may split a
        # table's first row, a wrapped label around its value, into three lines).
        if seen > 5 and (title is None or seen > 6):
            break
        m = _TABLE_ID.match(s)
        if m:
            tid = printed_id(m)
            if m.group(3) and title is None:
                title = m.group(3)
            break
        u = _UNIT_LINE.search(s)
        if u:
            unit = unit or u.group(1)
            continue
        if title is None and _TITLE.search(s) and len(s) <= 60:
            title = s
            # A title wrapped on the line below it (…明细表（按支出经济 / 分类科目）): its rest.
            if len(below) == 1 and not _TITLE_END.search(s) and _TITLE_END.search(below[0]):
                title, wrapped = title + below[0], True
            continue
        if title is not None and not wrapped and len(title) <= 15 and _WRAPPED_HEAD.match(s):
            # A title's head, its tail on the line below (…及会议 / 费、培训费支出预算表),
            # where the table's id is right above it (else a heading of the page's).
            above = next((norm[j].strip() for j in range(k - 1, stop - 1, -1) if norm[j].strip()), "")
            if not _TITLE_END.search(s) and _TABLE_ID.match(above):
                title, wrapped = s + title, True
                continue
        if title is not None:
            break
        below.append(s)
    return tid, title, unit


def title_row(row: list[str]) -> bool:
    """A row whose one filled cell is a table's title (2024年部门项目支出绩效目标表（1）)."""
    filled = [c for c in row if c]
    return len(filled) == 1 and len(filled[0]) <= 60 and bool(_YEAR_TITLE.match(filled[0]))


def printed_id(m: re.Match) -> str:
    """A table id as printed, spaces removed: 表1, 表13-2, 表一, 附表1-1."""
    return m.group(1) + _SPACE.sub("", m.group(2))


def toc_lines(norm: list[str], prose: list[bool]) -> list[dict]:
    """A 目录 printed as a plain list of tables (表一　2024年部门收支总表, one a line):
    its entries, when at least three such lines follow each other (blank lines between
    them or not). The list says nothing
    about empty tables; the parser learns that from the tables themselves."""
    out: list[dict] = []
    run: list[dict] = []
    for k, line in enumerate(norm + [""]):
        if k < len(norm) and not line.strip():
            continue  # a web page or Word file gives each entry a paragraph: blank lines between
        # (A PDF reader may run the 目录 heading into the first entry: 目录表1 | title.)
        m = _TABLE_ID.match(TOC_HEAD.sub("", line) if not run else line) if k < len(prose) and prose[k] else None
        # A table's heading right under the list (表一　title again) ends it.
        repeated = m and any(d["table_id"] == printed_id(m) for d in run)
        if m and m.group(3) and "表" in m.group(3) and len(line) <= 60 and not repeated:
            run.append(
                {"table_id": printed_id(m), "title": m.group(3), "declared_empty": False, "reason": None, "line": k + 1}
            )
            continue
        if len(run) >= 3:
            out.extend(run)
        run = []
    return out


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PRIOR = re.compile(r"上年|上一年")


def _years(cells: list[str]) -> list[int | None]:
    """Per cell, the budget year it names (上年 as 0), else None."""
    out = []
    for c in cells:
        m = _YEAR.search(c) if "年" in c else None
        out.append(int(m.group(1)) if m else (0 if "上" in c and _PRIOR.search(c) else None))
    return out


def _reorder(row: list[str], order: list[int], width: int) -> list[str]:
    row = row + [""] * (width - len(row))
    return [row[j] for j in order]


def current_first(rows: list[list[str]], raw_rows: list[list[str]], lines: list[int]):
    """The table with this year's figures before last year's: columns headed by an
    earlier year (2023年预算数 beside 2024年预算数, 上年预算数) are moved to the right end,
    and rows labelled by year (the 三公 table's 2023年预算数 / 2024年预算数 rows) are put
    latest first, so that a check reading the first amount reads this year's."""
    if not rows:
        return rows, raw_rows, lines
    # Columns: a header row (among the first three) with a column of an earlier year.
    for cells in rows[:3]:
        joined = "".join(cells)
        if "年" not in joined and "上" not in joined:
            continue  # names no year
        ys = _years(cells)
        latest = max((y for y in ys if y), default=None)
        old = [j for j, y in enumerate(ys) if y == 0 or (y and latest and y < latest)]
        if old and sum(1 for c in cells if c) >= 3:
            width = max(len(x) for x in rows)
            order = [j for j in range(width) if j not in old] + old
            rows = [_reorder(x, order, width) for x in rows]
            raw_rows = [_reorder(x, order, width) for x in raw_rows]
            break
    # Rows: two or more rows whose first cell names a year.
    ys = [_years(cells[:1])[0] if cells and ("年" in cells[0] or "上" in cells[0]) else None for cells in rows]
    at = [r for r, y in enumerate(ys) if y]
    if len(at) >= 2 and ys[at[0]] < max(ys[r] for r in at):
        ordered = sorted(at, key=lambda r: -ys[r])
        order = list(range(len(rows)))
        for slot, r in zip(at, ordered):
            order[slot] = r
        rows, raw_rows, lines = [rows[r] for r in order], [raw_rows[r] for r in order], [lines[r] for r in order]
    return rows, raw_rows, lines


def toc_rows(rows: list[list[str]]) -> list[dict] | None:
    """The 目录's declarations if these rows are a contents table, else None."""
    if sum(1 for cells in rows if cells and cells[0].lstrip("#* ").startswith("表")) < 3:
        return None
    out = []
    for r, cells in enumerate(rows):
        ids = [i for i, c in enumerate(cells) if _TABLE_ID.match(c) and len(c) <= 8]
        flags = [i for i, c in enumerate(cells) if c in ("是", "否")]
        if ids and flags and flags[0] > ids[0]:
            i, f = ids[0], flags[0]
            title = " ".join(c for c in cells[i + 1 : f] if c)
            reason = " ".join(c for c in cells[f + 1 :] if c) or None
            out.append(
                {
                    "row": r,
                    "table_id": printed_id(_TABLE_ID.match(cells[i])),
                    "title": title,
                    "declared_empty": cells[f] == "是",
                    "reason": reason,
                }
            )
    return out if len(out) >= 3 else None


# The tables as read, before the long form (see cells_frame), in document order. One
# entry a row: the document's index in its batch (d), the table's in the document (t),
# the row's in the table, its 1-based line and page, how many cells it has (empty ones
# too) and its first cell.
ROWS = {
    "d": pl.Int64,
    "t": pl.Int64,
    "row": pl.Int64,
    "line": pl.Int64,
    "page": pl.Int64,
    "length": pl.Int64,
    "head": pl.String,
}
# One entry a filled cell: its row's place among the rows (rix), its column, the
# normalised cell and the cell as printed.
FILLED = {"rix": pl.Int64, "col": pl.Int64, "cell": pl.String, "text": pl.String}
# One entry a table: what its cells carry from the table.
TABLES = {
    "d": pl.Int64,
    "t": pl.Int64,
    "table_id": pl.String,
    "table_printed": pl.String,
    "table_title": pl.String,
    "table_unit": pl.String,  # 单位 above the table or in its header, for cells that print none
    "keep_text": pl.Boolean,  # a performance table: its text cells are targets, kept
}


def add_cells(
    read: dict[str, dict[str, list]],
    t: int,
    rows: list[list[str]],
    raw_rows: list[list[str]],
    lines: list[int],
    first_row: int = 0,
) -> None:
    """Append one table, or its rest from row `first_row` on, to read["rows"] (ROWS but d
    and page) and read["filled"] (FILLED); `lines` 0-based. Per row, never per cell
    (compress picks the filled cells): the long form is made by polars, a batch of
    documents at a time."""
    out_rows, filled = read["rows"], read["filled"]
    a_t, a_row, a_line, a_length, a_head = (out_rows[k].append for k in ("t", "row", "line", "length", "head"))
    a_rix, a_col, a_cell, a_text = (filled[k].extend for k in FILLED)
    rix = len(out_rows["t"])
    for r, (cells, raw, line) in enumerate(zip(rows, raw_rows, lines)):
        n = len(cells)
        a_t(t)
        a_row(first_row + r)
        a_line(line + 1)
        a_length(n)
        a_head(cells[0])
        cols = list(compress(range(n), cells))
        a_rix(repeat(rix + r, len(cols)))
        a_col(cols)
        a_cell(compress(cells, cells))
        # The printed cells; a normalised ｜ split the line once more than the printed one.
        a_text(compress(raw[:n] if len(raw) >= n else raw + cells[len(raw) :], cells))


def has_figures(rows: list[list[str]]) -> bool:
    """Whether a table shows any amount (a cell read as a number outside its code
    columns), as cells_frame reads it."""
    parsed = [[bool(c) and c[0] in _NUMBER_START and parse_cell(c) is not None for c in cells] for cells in rows]
    first_numeric = next((r for r, p in enumerate(parsed) if any(p)), len(rows))
    if first_numeric == len(rows):
        return False
    header = next((rows[r] for r in range(first_numeric - 1, -1, -1) if sum(1 for c in rows[r] if c) >= 2), [])
    col_header: list[str] = []
    for c in header:
        col_header.append(c if c else (col_header[-1] if col_header else ""))
    code = {j for j, h in enumerate(col_header) if _CODE_HEADER.search(h)}
    return any(p and j not in code for row in parsed for j, p in enumerate(row))


def cells_frame(read: dict[str, dict[str, list]], tables: dict[str, list], unit_ids: list[str]) -> pl.DataFrame:
    """The long-form cells (d, then datasets.frames.CELLS) of a batch of documents' tables:
    `read` their rows and filled cells (ROWS, FILLED: see add_cells) and `tables` their
    tables (TABLES), as column lists; `unit_ids` by d.

    A table's header is the last row with two filled cells above its first row with a
    number; its label columns (项目, 支出功能科目 …: headed by text that names no
    amount) each head a group of the columns to their right. A cell's row_label is the
    nearest text to its left; its row_head the row's first cell, carried down merged
    rows. Label cells survive as the row_label of their amounts: only text cells that
    carry something a check reads are kept, except in header rows and performance
    tables (their targets are text), where every filled cell is.

    Everything comes in document order: a table's and a row's values reach their cells
    by position (gather), and values carried along a row or down a table by a forward
    fill that a value at each row's or table's start stops (no joins or windows over
    every cell).
    """
    rows = pl.DataFrame({k: read["rows"].get(k) for k in ROWS}, schema=ROWS, strict=False)
    new_table = ((pl.col("d") != pl.col("d").shift(1)) | (pl.col("t") != pl.col("t").shift(1))).fill_null(True)
    rows = rows.with_columns(tix=new_table.cum_sum().cast(pl.Int64) - 1)  # the table's place in the batch
    c = (
        pl.DataFrame(read["filled"], schema=FILLED, strict=False)
        .with_columns(pl.col("cell").str.extract_groups(CELL_NUMBER).alias("_m"))
        .unnest("_m")
        .with_columns(num=pl.col("number").is_not_null())
    )
    runs = c["rix"].rle().struct.unnest()  # the filled cells of each row that has any (c is in row order)
    rows = rows.with_columns(
        filled=pl.zeros(rows.height, pl.Int64, eager=True).scatter(runs["value"], runs["len"]),
        num=pl.int_range(rows.height).is_in(c.filter("num")["rix"].implode()),
    )
    per_table = rows.group_by("tix", maintain_order=True).agg(
        pl.col("d", "t").first(),
        first_numeric=pl.coalesce(pl.col("row").filter("num").min(), pl.col("row").max() + 1),
        width=pl.col("length").max(),
    )
    rows = rows.with_columns(first_numeric=per_table["first_numeric"].gather(rows["tix"]))
    header_row = (
        rows.filter((pl.col("row") < pl.col("first_numeric")) & (pl.col("filled") >= 2))
        .group_by("tix")
        .agg(header_row=pl.col("row").max())
    )
    per_table = per_table.join(header_row, on="tix", how="left", maintain_order="left")
    # A row's first cell carried down the table (afresh from the first row with a number).
    starts = (pl.col("row") == 0) | (pl.col("row") == pl.col("first_numeric"))
    rows = rows.with_columns(
        row_head=pl.when(pl.col("head") != "").then("head").when(starts).then(pl.lit("")).forward_fill()
    )
    at_row = rows.select("d", "tix", "row", "line", "page", "first_numeric", "row_head")[c["rix"]]
    c = pl.concat([c, at_row], how="horizontal")
    headers = rows.with_row_index("rix").filter(pl.col("row") == per_table["header_row"].gather(rows["tix"]))
    head = c.filter(pl.col("rix").is_in(headers["rix"].cast(pl.Int64).implode())).select("tix", "col", h="cell")
    header_width = headers.select("tix", n="length")
    # Per column: its header (merged header cells carried to the right), whether it is
    # a code column (科目编码: labels, not amounts) or a label column, and its group.
    name = pl.col("col_header").str.replace_all(r"\s+", "")
    cols = (
        per_table.select("tix", col=pl.int_ranges(0, "width"))
        .explode("col")
        .join(head, on=["tix", "col"], how="left", maintain_order="left")
        .join(header_width, on="tix", how="left", maintain_order="left")
        .with_columns(
            # Within the header row, its filled cells carried to the right.
            col_header=pl.when(pl.col("col") < pl.col("n")).then(
                pl.when(pl.col("h").is_not_null()).then("h").when(pl.col("col") == 0).then(pl.lit("")).forward_fill()
            )
        )
        .with_columns(
            code=pl.col("col_header").str.contains(_CODE_HEADER.pattern).fill_null(False),
            label=((pl.col("col_header") != "") & ~name.str.contains(_VALUE_HEADER.pattern)).fill_null(False),
            col_header=name,
        )
        .with_columns(group=pl.col("label").cast(pl.Int64).cum_sum().over("tix") - 1)
        .select(
            "code",
            "col_header",
            group_index=pl.when(pl.col("group") >= 0).then("group"),
            col_group=pl.when("label").then("col_header").forward_fill().over("tix"),
        )
    )
    at = per_table["width"].cum_sum() - per_table["width"]  # a table's first column in `cols`
    c = pl.concat([c, cols[at.gather(c["tix"]) + c["col"]]], how="horizontal")
    # What a cell takes from its table: ids, title, unit, whether its text is kept.
    tab = per_table.select("d", "t").join(
        pl.DataFrame({k: tables.get(k) for k in TABLES}, schema=TABLES, strict=False),
        on=["d", "t"],
        how="left",
        maintain_order="left",
    )
    c = c.with_columns(keep_text=tab["keep_text"].gather(c["tix"]))
    num = pl.col("num") & ~pl.col("code")
    # The nearest text to a cell's left: "" at each row's first filled cell stops the fill.
    left = pl.when(~num).then("cell").shift(1)
    row_start = pl.col("rix") != pl.col("rix").shift(1).fill_null(-1)
    c = c.with_columns(num=num, before=pl.when(row_start).then(pl.lit("")).otherwise(left).forward_fill())
    header = pl.col("row") < pl.col("first_numeric")
    keep = pl.col("num") | header | pl.col("keep_text") | pl.col("cell").str.contains(_KEEP_TEXT.pattern)
    out = c.filter(keep)
    number = pl.col("number").str.replace_all(",", "", literal=True)
    value = number.cast(pl.Float64)
    wan = pl.col("row_head").str.contains("万元", literal=True) | pl.col("before").str.contains("万元", literal=True)
    out = out.with_columns(
        tab.drop("d", "t", "keep_text")[out["tix"]],
        header=header,
        row_label=pl.when("num").then("before").when(pl.col("before") != "").then("before").otherwise("cell"),
        value=pl.when("num").then(pl.when(pl.col("neg").is_not_null()).then(-value).otherwise(value)),
        decimals=pl.when("num").then(
            (number.str.len_chars() - number.str.find(".", literal=True) - 1).fill_null(0).cast(pl.Int64)
        ),
        unit_id=pl.Series("unit_id", unit_ids, dtype=pl.String).gather(out["d"]),
    )
    out = out.with_columns(
        unit=pl.when("num").then(pl.coalesce("cell_unit", "table_unit", pl.when(wan).then(pl.lit("万元"))))
    )
    out = out.with_columns(
        value_yuan=pl.col("value") * pl.col("unit").replace_strict(MONEY_UNITS, default=None, return_dtype=pl.Float64)
    )
    return out.select("d", *CELLS)


_TOTALS = {"本年收入合计": 0, "收入总计": 1, "收入合计": 2}  # in this order of preference


def unit_facts(cells: pl.DataFrame) -> pl.DataFrame:
    """Per document (d) with cells: cells_read, and table_total: 本年收入合计 (else 收入总计, 收入合计)
    of 表1's income group (决1 for a 决算), in 元, the first such cell."""
    totals = (
        cells.with_row_index("_i")
        .filter(
            pl.col("table_id").is_in(["表1", "决1"])
            & pl.col("value").is_not_null()
            & (pl.col("group_index").is_null() | (pl.col("group_index") == 0))
        )
        .with_columns(
            _p=pl.col("row_label")
            .str.replace_all(r"\s+", "")
            .replace_strict(_TOTALS, default=None, return_dtype=pl.Int64)
        )
        .filter(pl.col("_p").is_not_null())
        .sort("_p", "_i")
        .group_by("d", maintain_order=True)
        .agg(table_total=pl.coalesce("value_yuan", "value").first())
    )
    return cells.group_by("d").agg(cells_read=pl.len().cast(pl.Int64)).join(totals, on="d", how="left")


def header_unit(rows: list[list[str]], title: str | None) -> str | None:
    """万元 when the title or a header cell says so (表13 资金金额（万元）is per row)."""
    for cells in rows[:3]:
        for c in cells:
            u = _UNIT_LINE.search(c)
            if u:
                return u.group(1)
            if "万元" in c and len(c) <= 12:  # a header such as 预算金额（万元）
                return "万元"
    if title and "万元" in title:
        return "万元"
    return None


def title_key(title: str | None) -> str:
    """A title stripped of year, spaces and punctuation, for matching the 目录."""
    if not title:
        return ""
    t = _TITLE_NOISE.sub("", title)
    return t.replace("单位", "").replace("部门", "")
