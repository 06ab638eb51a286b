"""Tables: blocks of tab-separated or markdown-pipe rows, into long-form cells.

A table's identity comes from the lines just above it (表N, its title, 单位：元); a
table printed without its 表N (the 整体支出绩效目标表 often is) is matched to the 目录
by title. Column groups come from the last header row: in 表1 the label columns
(项目, 支出功能科目, 部门经济分类, 政府经济分类) each head a group whose amounts sit to
their right.
"""

from __future__ import annotations

import re

from datasets.numbers import parse_cell, to_yuan

# 表1, 表13-2, 表一 (Chinese numerals), 附表1-1; a title may follow on the same line.
_TABLE_ID = re.compile(r"^[#*\s]*((?:附)?表)\s*([\d一二三四五六七八九十]+(?:\s*-\s*\d+)?)(?:\s+(.*\S))?\s*$")
# 单位：万元, never 编制单位：元林县… (a unit whose name starts with 元).
_UNIT_LINE = re.compile(r"(?<!编制)(?:金额)?单位\s*[:：]\s*(亿元|万元|千元|元)(?![\u4e00-\u9fff])")
_TITLE = re.compile(r"表\s*(?:\(\s*\d+\s*\))?\s*$|表\s*\(|一览表|明细表|总表")
_VALUE_HEADER = re.compile(
    r"^(?:预算数|预算|金额|合计|小计|总计|决算数|本年预算|上年预算|预算金额|数额|总额|"
    r"基本支出|项目支出|人员经费|公用经费|财政拨款|其他资金|\d{4}\s*年.*|.*万元.*|.*\(元\).*)$"
)
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
            continue
        if title is not None:
            break
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
        m = _TABLE_ID.match(line) if k < len(prose) and prose[k] else None
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


CELL_FIELDS = [
    "row",
    "col",
    "header",
    "row_head",
    "row_label",
    "group_index",
    "col_group",
    "col_header",
    "text",
    "value",
    "decimals",
    "unit",
    "value_yuan",
    "line",
]


def cells_of(
    rows: list[list[str]],
    raw_rows: list[list[str]],
    lines: list[int],
    table_unit: str | None,
    out: dict[str, list],
    keep_text: bool = False,
) -> int:
    """Append one table's cells in long form to the column lists `out` (CELL_FIELDS;
    row/col 0-based, lines 1-based) and return how many. `rows` are the normalised
    cells, `raw_rows` the same cells as printed (kept as the cell's text). Label cells of
    amount tables survive as the row_label of their amounts; with keep_text (the
    performance tables, whose targets are text) every cell is kept."""
    # Most cells are labels; only a cell that starts like a number can be one.
    parsed = [[parse_cell(c) if c and (c[0] in _NUMBER_START) else None for c in cells] for cells in rows]
    first_numeric = next((r for r, p in enumerate(parsed) if any(p)), len(rows))
    header = next((rows[r] for r in range(first_numeric - 1, -1, -1) if sum(1 for c in rows[r] if c) >= 2), [])
    # Carry merged header cells to the right, then mark the label columns.
    col_header: list[str] = []
    for c in header:
        col_header.append(c if c else (col_header[-1] if col_header else ""))
    # A code column (科目编码 2050203) holds labels, not amounts.
    for j, h in enumerate(col_header):
        if _CODE_HEADER.search(h):
            for p in parsed:
                if j < len(p):
                    p[j] = None
    label_cols = [j for j, h in enumerate(col_header) if h and not _VALUE_HEADER.match(_SPACE.sub("", h))]
    width = max((len(c) for c in rows), default=0)
    group = [sum(1 for lc in label_cols if lc <= j) - 1 for j in range(width)]
    group_index = [g if g >= 0 else None for g in group]
    group_name = [_SPACE.sub("", col_header[label_cols[g]]) if g >= 0 else None for g in group]
    header_name = [_SPACE.sub("", col_header[j]) if j < len(col_header) else None for j in range(width)]
    # Bound appends: this loop runs for every cell of every table.
    (a_row, a_col, a_header, a_head, a_label, a_gi, a_group, a_colh, a_text, a_value, a_dec, a_unit, a_yuan, a_line) = (
        out[k].append for k in CELL_FIELDS
    )
    n = 0
    row_head = ""
    for r, cells in enumerate(rows):
        if r == first_numeric:
            row_head = ""  # a header's text is not the first data row's label
        if cells and cells[0]:
            row_head = cells[0]
        last_label = ""
        is_header = r < first_numeric
        keep_all = is_header or keep_text
        raw = raw_rows[r]
        line = lines[r] + 1
        for j, (text, p) in enumerate(zip(cells, parsed[r])):
            if not text:
                continue
            if p is None:
                label = last_label or text  # a cell's label is the nearest text to its left
                last_label = text
                # Label cells survive as the row_label of the amounts beside them; keep
                # only the text cells that carry something a check reads.
                if not keep_all and not _KEEP_TEXT.search(text):
                    continue
                value = dec = unit = yuan = None
            else:
                label = last_label
                value, dec, unit = p
                unit = unit or table_unit or ("万元" if "万元" in row_head or "万元" in last_label else None)
                yuan = to_yuan(value, unit)
            a_row(r)
            a_col(j)
            a_header(is_header)
            a_head(row_head)
            a_label(label)
            a_gi(group_index[j])
            a_group(group_name[j])
            a_colh(header_name[j])
            a_text(raw[j] if j < len(raw) else text)
            a_value(value)
            a_dec(dec)
            a_unit(unit)
            a_yuan(yuan)
            a_line(line)
            n += 1
    return n


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
