"""Tables flattened to one cell per line (raw ``pdftotext``, pdfminer) back into tab rows.

Such a converter prints a table row by row, every non-empty cell on a line of its own,
empty cells left out, a long cell wrapped onto the next line at the column's width. The
cells do not say which column they sat in, so each table is rebuilt from what its header
and the accounting say:

* the header (the cells between the 单位 line and the first row) names the columns: a
  label column (项目, 科目编码, 科目名称 …) or an amount column (预算数, 合计, 基本支出 …);
* a label/amount pair table (收支总表: income, function classes, 部门 and 政府 economic
  classes side by side) gives each label to the pair whose vocabulary and numbering
  (一、 1、 (1)) continue it; a row ends where the pairs start again from the left;
* a code/name/amounts table starts a row at a code or at a label after amounts; a row
  with fewer amounts than amount columns is read in every way its amounts fit, and the
  reading kept is the one whose identities hold: 合计 = the parts on the row, and every
  column adding up to the 合计 row;
* the 目录: a row at each 表N, its 是/否 flag and its reason;
* a performance-target table (项目支出 / 整体支出绩效目标表) by what it always holds: the
  项目名称 and 资金金额 rows, the 年度目标, task rows with 总额/财政拨款/其他资金, and
  indicator rows opened by a level-1 or level-2 name, the target last; the project
  tables are read all or none, a doubtful one is kept as printed.

Each table is written back line for line like ``layout.tab_separated`` does: a row on
the line where its first cell sits, its other lines blank, so line numbers stay the
file's. A table that is none of these is left as printed.
"""

from __future__ import annotations

import re
from itertools import combinations
from math import comb
from operator import itemgetter

from datasets.read.identities import NUMBER, numbering, pair_sums_hold, printed_amount
from datasets.read.layout import width_of
from datasets.text import squashed

_AMOUNT = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?$")
_CODE = re.compile(r"^\d{3,9}$")
_TABLE_NO = re.compile(r"^\s*(?:附)?表\s*[\d一二三四五六七八九十]+(?:\s*-\s*\d+)?\s*$")
_STOP = re.compile(
    r"^\s*(?:(?:附)?表\s*[\d一二三四五六七八九十]+(?:\s*-\s*\d+)?(?:\s|　|$)|第[一二三四五六七八九十]+部分|目\s*录\s*$)"
)
# A table's id and title on one line (附表1-1　2024年部门收支总表).
_ID_TITLE = re.compile(
    r"^\s*(?:附)?表\s*[\d一二三四五六七八九十]+(?:\s*-\s*\d+)?[\s　]+\S+表(?:[（(][^）)]*[）)])?\s*$"
)
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(?:亿元|万元|千元|元)")
_TITLE = re.compile(r"表\s*(?:[（(][^）)]*[）)])?\s*$")
_MARK = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d+、|[(（]\d+[)）]|其中|本年|上年|收入总计|支出总计|结转下年|合计|总计)"
)
_LABEL_HEAD = re.compile(r"编码|代码|编号|序号|名称|^项\s*目$|科目$|内\s*容")
_TOTAL_HEAD = re.compile(r"^(?:合计|总计|总额|小计)$")
_YEAR_HEAD = re.compile(r"(?:19|20)\d{2}\s*年|上年")
_TOTAL_ROW = re.compile(r"^(?:合计|总计)$")
_NO_TABLE = re.compile(r"绩效|指标|任务名称|总体目标")

# What each column group of a 收支总表 holds, by the words of a label without its number.
_INCOME = re.compile(r"收入|拨款|^上年结转|结余|收费|列入部门预算")
_ANY = re.compile(r"^(?:部门预算|财政拨款|合计|总计)$")
_FUNCTION = re.compile(
    r"^(?:一般公共服务|外交|国防|公共安全|教育|科学技术|文化旅游体育与传媒|文化体育与传媒|社会保障和就业|"
    r"社会保险基金|卫生健康|医疗卫生|节能环保|城乡社区|农林水|交通运输|资源勘探工业信息等|资源勘探信息等|"
    r"商业服务业等|金融|援助其他地区|自然资源海洋气象等|住房保障|粮油物资储备|国有资本经营预算|"
    r"灾害防治及应急管理|预备费|其他|转移性|债务还本|债务付息|债务发行费用)支出$"
)
_DEPT = re.compile(
    r"^(?:人员经费和公用经费|专项业务经费|上缴上级|事业单位经营|对附属单位补助|工资福利|商品和服务|"
    r"债务利息及费用|资本性支出\(基本建设\)|资本性|其他)支出$|^对个人和家庭的?补助$|^对企业补助(?:\(基本建设\))?$|"
    r"^对社会保障基金补助$|^资本性支出\(基本建设\)$"
)
_GOV = re.compile(
    r"^机关(?:工资福利|商品和服务|资本性)支出|^对事业单位(?:经常性|资本性)补助$|^对企业(?:补助|资本性支出)$|"
    r"^对个人和家庭的?补助$|^对社会保障基金补助$|^债务利息及费用支出$|^其他支出$"
)
_PUNCT = re.compile(r"[，。；,;：:]")
_REASON_HEAD = re.compile(r"^(?:公开)?空表理由$")
_FLAG_AFTER = re.compile(r"^([^\t]*[^\s是否]) ([是否])$")
# Placements of one short row's amounts among the amount columns weighed at most (a
# table's usual 2–8 columns give at most 70; a header misread 40 columns wide, 10^11).
MOST_PLACEMENTS = 5000


def flat_tables(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines with every one-cell-per-line table rewritten as tab rows (see the
    module's doc), lines of any other shape kept; and what could not be read (a table
    no reading of which adds up is left out rather than read wrong)."""
    out = list(lines)
    problems: list[str] = []
    known: dict[str, tuple[float, float]] = {}  # 收支总表 items by name: what other tables repeat
    cap = _wrap_width(lines)
    projects: list[tuple[list, list | None]] = []  # the project performance tables: lines, rows
    n = len(lines)
    i = 0
    while i < n:
        s = lines[i].strip()
        if re.match(r"^目\s*录$", s):
            i = _toc(out, i + 1, cap)
            continue
        if not (
            _TABLE_NO.match(lines[i])
            or _ID_TITLE.match(lines[i])
            or (lines[i].startswith(" ") and _TITLE.search(s) and "年" in s)
        ):
            i += 1
            continue
        start = _header_start(lines, i + 1)
        title = " ".join(lines[k].strip() for k in range(i, start))
        # A performance table's goal cell may end a sentence (…提升服务水平。) mid-table.
        targets = "绩效目标表" in title
        stop = _region_end(lines, start, cap, sentences_end=not targets)
        if start < stop and not any("\t" in lines[k] or "  " in lines[k].strip() for k in range(start, stop)):
            items = [(k, lines[k].strip()) for k in range(start, stop) if lines[k].strip()]
            rows = _performance_rows(items, cap) if targets and len(items) >= 3 else None
            if rows is None:
                # Unread: as any other table, up to its first sentence's end.
                stop = _region_end(lines, start, cap)
            if targets and _PROJECT_TABLE.search(title):
                projects.append((items, rows, (start, s)))
            elif rows is not None:
                _write_rows(out, items, rows)
            else:
                problem = _rebuild(out, start, stop, cap, known, s)
                if problem:
                    problems.append(problem)
        i = max(stop, i + 1)
    # The project tables are summed against 表1: read all of them or none (a sum over
    # the ones read would be a false alarm).
    every = all(rows is not None for _, rows, _ in projects)
    for items, rows, (start, s) in projects:
        if every:
            _write_rows(out, items, rows)
        else:
            _rebuild(out, start, _region_end(lines, start, cap), cap, known, s)
    return out, problems


def printed_flat(lines: list[str]) -> bool:
    """Whether the text prints its tables one cell a line: 20 or more lines are a bare
    amount (a text with its tables in rows has next to none)."""
    return sum(1 for ln in lines if _AMOUNT.match(ln.strip())) >= 20


def _wrap_width(lines: list[str]) -> int | None:
    """The width at which the converter wrapped long cells: in the tables, the width
    (one column less counted with it: a CJK character does not fit in the last one)
    that three or more lines reach whose next line goes on with their text (no amount,
    code or new item); None when none does."""
    counts: dict[int, int] = {}
    for i, ln in enumerate(lines):
        if not _TABLE_NO.match(ln):
            continue
        start = _header_start(lines, i + 1)
        items = [s.strip() for s in lines[start : _region_end(lines, start, None)] if s.strip()]
        for a, b in zip(items, items[1:]):
            if _AMOUNT.match(a) or _AMOUNT.match(b) or _MARK.match(b) or _CODE.match(b):
                continue
            w = width_of(a)
            if w >= 8:
                counts[w] = counts.get(w, 0) + 1
    if not counts:
        return None
    # No cell is wider than the wrap width, so it is the widest that several reach.
    return max((w for w in counts if counts[w] + counts.get(w - 1, 0) >= 3), default=None)


def _full(s: str, cap: int | None) -> bool:
    """Whether a cell line was cut at the wrap width (its text goes on below)."""
    return cap is not None and width_of(s) >= cap - 1


def _continues(prev: str, s: str, cap: int | None) -> bool:
    return _full(prev, cap) and not _AMOUNT.match(s) and not _MARK.match(s) and not _CODE.match(s)


def _header_start(lines: list[str], k: int) -> int:
    """The first line after a table's 表N, title and 单位 lines."""
    n = len(lines)
    seen = 0
    j = k
    while j < n and seen < 4:
        s = lines[j].strip()
        if not s:
            j += 1
            continue
        if _UNIT_LINE.search(s) or (lines[j].startswith(" ") and _TITLE.search(s)) or re.search(r"^编制单位", s):
            seen += 1
            j += 1
            k = j
            continue
        break
    return k


def _region_end(lines: list[str], start: int, cap: int | None, sentences_end: bool = True) -> int:
    """Where the table's lines end: at the next 表N, heading or paragraph (or a line
    ending a sentence, unless the table's cells hold sentences)."""
    limit = max((cap or 32) + 4, 56)  # a paragraph runs the page's width; a cell may be unwrapped
    for j in range(start, len(lines)):
        s = lines[j].strip()
        if not s:
            continue
        if (
            _STOP.match(lines[j])
            or (sentences_end and s.endswith("。"))
            or width_of(s) > limit
            or lines[j].startswith(" ")
        ):
            return j
    return len(lines)


def _cells(items: list[tuple[int, str]], cap: int | None, whole: re.Pattern | None = None) -> list[tuple[int, str]]:
    """Wrapped pieces joined: (line of the first piece, cell text); a piece matching
    `whole` is taken as a cell that ends there."""
    out: list[tuple[int, str]] = []
    last = ""
    for k, s in items:
        if (
            out
            and _continues(last, s, cap)
            and not _AMOUNT.match(out[-1][1])
            and not (whole is not None and whole.search(last))
        ):
            out[-1] = (out[-1][0], out[-1][1] + s)
        else:
            out.append((k, s))
        last = s
    return out


def _split_header(items: list[tuple[int, str]], cap: int | None) -> int:
    """How many of the region's lines are header: those before the first row, which
    ends at the first amount (its label pieces and code belong to the row)."""
    flags = _amount_flags(items)
    first = next((n for n, f in enumerate(flags) if f), None)
    if first is None:
        return len(items)
    n = first - 1
    while n > 0 and _continues(items[n - 1][1], items[n][1], cap):
        n -= 1
    if n > 0 and _CODE.match(items[n - 1][1]):
        n -= 1
    return max(n, 0)


def _rebuild(
    out: list[str], start: int, stop: int, cap: int | None, known: dict[str, tuple[float, float]], title: str
) -> str | None:
    """Rewrite the table on lines start..stop as tab rows when a reading of it is
    certain; else keep only its header (so the table is seen) and say why."""
    items = [(k, out[k].strip()) for k in range(start, stop) if out[k].strip()]
    if len(items) < 3:
        return None
    if any(_NO_TABLE.search(s) for _, s in items):
        _one_cell_rows(out, items)
        return None
    nh = _split_header(items, cap)
    while nh < len(items) and _TOTAL_HEAD.match(items[0][1]) and not _AMOUNT.match(items[nh][1]):
        nh += 1  # no label column (the 三公 table): the lines before the amounts are all header
    if (
        nh == len(items)
        and nh >= 3
        and _TOTAL_ROW.match(items[-1][1])
        and any(s == items[-1][1] for _, s in items[:-1])
    ):
        nh -= 1  # an empty table's skeleton: its 合计 row printed under the header
    head_items, body_items = items[:nh], items[nh:]
    squash = [s for _, s in head_items]
    # A page break before the first row: the header printed twice (its first lines may
    # have gone as a running header); the second copy is not header.
    for p in range((len(squash) + 1) // 2, len(squash) - 1):
        rest = squash[p:]
        if len(rest) >= max(3, (p + 1) // 2) and rest == squash[p - len(rest) : p]:
            head_items, squash = head_items[:p], squash[:p]
            break
    # The header repeated after a page break: dropped from the body.
    body: list[tuple[int, str]] = []
    p = 0
    while p < len(body_items):
        skip = _repeated_header(squash, [s for _, s in body_items[p : p + len(squash)]])
        if skip:
            p += skip
            continue
        body.append(body_items[p])
        p += 1
    if not body:
        return None  # lines without a row (a cover page's 单位名称, 审签 …): not a table
    widest = _widest_run([(0, c) for c in squash] + body)
    first = None
    readings = list(_header_readings(head_items, cap))
    # Certain: one reading where every wrap is read the likely way.
    certain = readings[0][0] == 0 and (len(readings) == 1 or readings[1][0] > 0)
    for _, head in readings:
        heads = [c for _, c in head]
        pairs = _pair_columns(heads)
        if pairs is None and len(heads) - _label_columns(heads) < widest:
            continue  # fewer amount columns than a row has amounts
        if first is None:
            first = head
        if pairs is not None:
            over, cols = head[: len(head) - 2 * pairs], head[len(head) - 2 * pairs :]
            rows = _pair_rows(body, cols, cap)
            if rows is not None and not known:
                known.update(_items_of(rows))
        else:
            over, cols = [], head
            rows = _grid_rows(body, heads, cap, known, certain=certain)
        if rows is None:
            continue
        _write(out, start, stop, over, cols, rows)
        return None
    if len(head_items) < 2 or not body:
        return None
    # No reading whose identities hold: the header alone, so the table is seen but
    # no figure of it is read.
    head = first or _cells(head_items, cap)
    _write(out, start, stop, [], head, [])
    return f"表格未能可靠读取 {title} / table {title} not read: no reading of its one-cell-per-line layout adds up"


def _write(out: list[str], start: int, stop: int, over, cols, rows) -> None:
    for k in range(start, stop):
        if out[k].strip():
            out[k] = ""
    if over:
        out[over[0][0]] = "\t".join(c for _, c in over)
    out[cols[0][0]] = "\t".join(c for _, c in cols)
    for k, cells in rows:
        out[k] = "\t".join(cells)


_HEAD_END = re.compile(r"[费计数额入出]$")


def _header_readings(items: list[tuple[int, str]], cap: int | None):
    """(cost, the header's cells) under every way of joining its wrapped pieces, likeliest
    first: a piece as wide as the wrap width probably goes on below, unless it ends
    like a whole header (…费, …合计, …数) or the next piece is one (预算数)."""
    joins = [
        n
        for n in range(1, len(items))
        if _continues(items[n - 1][1], items[n][1], cap) and not _AMOUNT.match(items[n - 1][1])
    ]
    if not joins:
        yield 0.0, _cells(items, cap)
        return

    def unlikely(n: int) -> float:
        a, b = items[n - 1][1], items[n][1]
        return 1.0 if _HEAD_END.search(a) or _WHOLE_HEAD.match(b) else 0.0

    options = []
    for mask in range(1 << min(len(joins), 10)):
        chosen = {n for b, n in enumerate(joins) if mask >> b & 1} if len(joins) <= 10 else set(joins)
        cost = sum(unlikely(n) if n in chosen else 1.0 - unlikely(n) for n in joins)
        options.append((cost, -len(chosen), mask, chosen))
    options.sort(key=lambda x: x[:3])
    for cost, _, _, chosen in options[:64]:
        cells: list[tuple[int, str]] = []
        for n, (k, s) in enumerate(items):
            if n in chosen:
                cells[-1] = (cells[-1][0], cells[-1][1] + s)
            else:
                cells.append((k, s))
        yield cost, cells


_WHOLE_HEAD = re.compile(
    r"^(?:预算数|金额|合计|小计|总计|基本支出|项目支出|会议费|培训费|公务接待费|科目名称|科目编码)$"
)


def _repeated_header(head: list[str], ahead: list[str]) -> int:
    """How many lines the header printed again after a page break takes here (its first
    lines may have gone as a running header), 0 when it is not here."""
    for x in range(0, len(head) - 1):
        tail = head[x:]
        if ahead[: len(tail)] == tail:
            return len(tail)
    return 0


def _amount_flags(items: list[tuple[int, str]]) -> list[bool]:
    """Per item, whether it is an amount. In a table with a code column (科目编码
    before the first number), a code-shaped number followed by text is a code; in
    any other, every number is an amount (amounts in 元 print as whole numbers)."""
    texts = [s for _, s in items]
    first = next((n for n, s in enumerate(texts) if _AMOUNT.match(s)), len(texts))
    coded = any(re.search(r"编码|代码|编号", s) for s in texts[:first])
    out = []
    for n, s in enumerate(texts):
        nxt = texts[n + 1] if n + 1 < len(texts) else ""
        out.append(bool(_AMOUNT.match(s)) and not (coded and _CODE.match(s) and nxt and not _AMOUNT.match(nxt)))
    return out


def _widest_run(items: list[tuple[int, str]]) -> int:
    """The most amounts printed one after another (a full row's amount columns)."""
    best = run = 0
    for f in _amount_flags(items):
        run = run + 1 if f else 0
        best = max(best, run)
    return best


def _one_cell_rows(out: list[str], items: list[tuple[int, str]]) -> None:
    """A table of text (performance targets): each line a row of one cell, so that the
    table is seen where it is printed; its columns are not rebuilt."""
    for k, s in items:
        out[k] = s + "\t"


# --- performance-target tables ------------------------------------------------

_PROJECT_TABLE = re.compile(r"(?:项目支出|专项业务经费|项目)绩效目标表")
_INDICATOR_NO = re.compile(r"^指标\s*\d")  # 指标1: … opens an indicator of its own


def _write_rows(out: list[str], items: list[tuple[int, str]], rows) -> None:
    """A performance table's lines rewritten as its rows."""
    for k, _ in items:
        out[k] = ""
    for k, cells in rows:
        out[k] = "\t".join(cells)


# Indicator names: a level-1 name (产出指标 …) opens a group, a level-2 name a row.
_LEVEL1 = re.compile(r"^(?:产出|效益|满意度|成本|影响)指标$")
_LEVEL2 = re.compile(
    r"^(?:数量|质量|时效|成本|经济成本|社会成本|生态环境成本|经济效益|社会效益|生态效益|可持续影响|"
    r"服务对象满意度|满意度)指标$"
)
_INDICATOR_HEAD = re.compile(r"^(?:绩效指标|一级指标|二级指标|三级指标|指标内容|指标名称|指标值|目标值)$")
# A target as printed: a bound, a share, a count, a sum, a date, a placeholder.
_TARGET = re.compile(
    r"^(?:[≥≤><=＞＜]=?\s*[\d.]|\$\\[gl]eq)|[%％]\$?$|^\d[\d,.]*\s*\S{0,4}$|^(?:X|×|XX|××|\*\*|＿＿|□□|待填|待定|0000)$"
)
_TASK_HEAD = ("任务名称", "主要内容", "总额", "财政拨款", "其他资金")


def _key(s: str) -> str:
    """A cell's words without spaces, in one width of brackets and colons."""
    return s.replace(" ", "").replace("（", "(").replace("）", ")").replace("：", ":")


def _performance_rows(items: list[tuple[int, str]], cap: int | None) -> list[tuple[int, list[str]]] | None:
    """A performance-target table's rows (line, five cells) as its tab-row shape prints
    them: a project table (项目名称, 资金金额 rows, 年度目标, indicators) or the 整体支出
    table (任务 rows with their amounts, 金额合计, indicators); None when the lines do
    not read as one of them without a guess (the table is then kept as printed)."""
    items = _without_repeated_block(_target_cells(items, cap))
    if not items:
        return None
    first = _key(items[0][1])
    if first == "项目名称":
        return _project_rows(items, cap)
    if first in ("部门(单位)名称", "单位名称", "部门名称", "任务名称"):
        return _overall_rows(items, cap)
    return None


_LABELS = (
    "项目名称",
    "主管部门",
    "资金金额(万元)",
    "年度资金总额:",
    "其中:财政拨款",
    "其他资金",
    "总体目标",
    "年度目标",
    "年度总体目标",
    "部门(单位)名称",
    "任务名称",
    "主要内容",
    "总额",
    "财政拨款",
    "金额合计",
)


def _whole(s: str) -> bool:
    """Whether a piece is a whole cell of these tables by its words (a label, an
    indicator name or header word), so it neither goes on below nor continues above."""
    k = _key(s)
    return bool(k in _LABELS or _INDICATOR_HEAD.match(k) or _LEVEL1.match(k) or _LEVEL2.match(k))


def _label_start(s: str) -> bool:
    """Whether a piece is a label or its first wrapped piece (资金金额（万元 …）)."""
    k = _key(s)
    return _whole(s) or (len(k) >= 3 and any(x.startswith(k) for x in _LABELS))


def _target_cells(items: list[tuple[int, str]], cap: int | None) -> list[tuple[int, str]]:
    """Wrapped pieces joined: a piece as wide as the wrap width goes on with the next,
    unless either is a whole cell, or the next is an amount or a target value."""
    out: list[tuple[int, str]] = []
    last = ""
    for k, s in items:
        if (
            out
            and _full(last, cap)
            and not _whole(last)
            and not _label_start(s)
            and not _AMOUNT.match(s)
            and not _TARGET.search(s)
        ):
            out[-1] = (out[-1][0], out[-1][1] + s)
        else:
            out.append((k, s))
        last = s
    return out


def _without_repeated_block(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The items without the table's opening lines printed again after a page break
    (项目名称 … 主管部门 …, or 部门（单位）名称 … and the task header)."""
    out: list[tuple[int, str]] = []
    p = 0
    while p < len(items):
        if p > 0 and items[p][1] == items[0][1]:
            m = 0
            while p + m < len(items) and m < p and items[p + m][1] == items[m][1]:
                m += 1
            if m >= 2:
                p += m
                continue
        out.append(items[p])
        p += 1
    return out


def _text_run(items, p: int, cap: int | None, stop) -> tuple[str, int] | None:
    """The one cell (or none) from item p up to an item matching `stop`, and where it
    ends; None when more than one cell is there."""
    q = p
    while q < len(items) and not stop(items[q][1]):
        q += 1
    if q == p:
        return "", p
    if q - p > 1 or _AMOUNT.match(items[p][1]):
        return None  # pieces that are not one cell's wraps
    return items[p][1], q


def _project_rows(items, cap: int | None):
    keys = [_key(s) for _, s in items]
    rows: list[tuple[int, list[str]]] = []
    labels = ("项目名称", "主管部门", "资金金额(万元)", "其中:财政拨款", "其他资金", "总体目标")
    p = 0
    for label in ("项目名称", "主管部门"):
        if p >= len(items) or keys[p] != label:
            return None
        got = _text_run(items, p + 1, cap, lambda s: _key(s) in labels)
        if got is None or not got[0]:
            return None
        rows.append((items[p][0], [items[p][1], "", got[0], "", ""]))
        p = got[1]
    # 资金金额: the year's total, then its 财政拨款 and 其他资金, each with an amount or none.
    for label, inner in (("资金金额(万元)", "年度资金总额:"), ("其中:财政拨款", None), ("其他资金", None)):
        if p >= len(items) or keys[p] != label:
            return None
        line, cells = items[p][0], [items[p][1], "", "", "", ""] if inner else ["", items[p][1], "", "", ""]
        p += 1
        if inner:
            if p >= len(items) or keys[p] != inner:
                return None
            cells[1] = items[p][1]
            p += 1
        if p < len(items) and _AMOUNT.match(items[p][1]):
            cells[3] = items[p][1]
            p += 1
        rows.append((line, cells))
    if p + 1 >= len(items) or keys[p] != "总体目标" or keys[p + 1] != "年度目标":
        return None
    rows.append((items[p][0], [items[p][1], items[p + 1][1], "", "", ""]))
    p += 2
    got = _text_run(items, p, cap, lambda s: _INDICATOR_HEAD.match(_key(s)) is not None)
    if got is None:
        return None
    if got[0]:
        rows.append((items[p][0], ["", got[0], "", "", ""]))
    p = got[1]
    return _indicator_rows(items, p, rows, ("绩效指标", "一级指标", "二级指标", "指标内容", "指标值"))


def _overall_rows(items, cap: int | None):
    keys = [_key(s) for _, s in items]
    rows: list[tuple[int, list[str]]] = []
    p = 0
    if keys[0] != "任务名称":
        got = _text_run(items, 1, cap, lambda s: _key(s) == "任务名称")
        if got is None or not got[0]:
            return None
        rows.append((items[0][0], [items[0][1], got[0], "", "", ""]))
        p = got[1]
    if tuple(keys[p : p + 5]) != _TASK_HEAD:
        return None
    rows.append((items[p][0], [s for _, s in items[p : p + 5]]))
    p += 5
    # Task rows: a name, what it covers (wrapped), then 总额 / 财政拨款 / 其他资金.
    while p < len(items) and keys[p] != "年度总体目标":
        line, name = items[p]
        if _AMOUNT.match(name):
            return None
        total_row = keys[p] in ("金额合计", "合计")
        p += 1
        got = (
            ("", p)
            if total_row
            else _text_run(items, p, cap, lambda s: _AMOUNT.match(s) is not None or _key(s) == "年度总体目标")
        )
        if got is None:
            return None
        what, p = got
        amounts = []
        while p < len(items) and _AMOUNT.match(items[p][1]):
            amounts.append(items[p][1])
            p += 1
        if len(amounts) == 2 and printed_amount(amounts[0])[0] != printed_amount(amounts[1])[0]:
            return None  # 总额 and 财政拨款, or 财政拨款 and 其他资金: nothing says which
        if not amounts or len(amounts) > 3:
            return None
        rows.append((line, [name, what, *(amounts + ["", ""])[:3]]))
        if total_row:
            break
    if p >= len(items) or keys[p] != "年度总体目标":
        return None
    got = _text_run(items, p + 1, cap, lambda s: _INDICATOR_HEAD.match(_key(s)) is not None)
    if got is None:
        return None
    rows.append((items[p][0], [items[p][1], got[0], "", "", ""]))
    return _indicator_rows(items, got[1], rows, ("一级指标", "二级指标", "指标内容", "指标值"))


def _indicators(pieces: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
    """(line, 指标内容, 指标值) of the indicators under one level-2 name: a content
    then its target; a content followed by another indicator (指标2: …) has none."""
    out = []
    i = 0
    while i < len(pieces):
        at, a = pieces[i]
        b = pieces[i + 1][1] if i + 1 < len(pieces) else None
        if _TARGET.search(a) and not _INDICATOR_NO.match(a):
            out.append((at, "", a))
            i += 1
        elif b is not None and not _INDICATOR_NO.match(b) and (_TARGET.search(b) or i + 2 == len(pieces)):
            out.append((at, a, b))
            i += 2
        else:
            out.append((at, a, ""))
            i += 1
    return out


def _indicator_rows(items, p: int, rows, head: tuple[str, ...]):
    """The rows after the indicator header `head`: each opened by a level-1 and level-2
    name or a level-2 name alone, then its indicators (see _indicators)."""
    if tuple(_key(s) for _, s in items[p : p + len(head)]) != head:
        return None
    width = 5
    lead = width - 4 if head[0] == "绩效指标" else 0  # the 绩效指标 column stays empty below it
    rows.append((items[p][0], [*(s for _, s in items[p : p + len(head)])] + [""] * (width - len(head))))
    p += len(head)
    groups: list[tuple[int, str, str, list[tuple[int, str]]]] = []  # (line, level 1, level 2, pieces)
    while p < len(items):
        line, s = items[p]
        k, nxt = _key(s), _key(items[p + 1][1]) if p + 1 < len(items) else ""
        if _LEVEL1.match(k) and _LEVEL2.match(nxt):
            groups.append((line, s, items[p + 1][1], []))
            p += 2
            continue
        if _LEVEL2.match(k):
            groups.append((line, "", s, []))
        elif _LEVEL1.match(k) or not groups:
            return None
        else:
            groups[-1][3].append((line, s))
        p += 1
    if not groups:
        return None
    for line, l1, l2, pieces in groups:
        if not pieces:
            return None
        for n, (at, what, target) in enumerate(_indicators(pieces)):
            cells = [""] * lead + ([l1, l2] if n == 0 else ["", ""]) + [what, target]
            rows.append((line if n == 0 else at, cells + [""] * (width - len(cells))))
    return rows


# --- label/amount pair tables ------------------------------------------------


def _pair_columns(heads: list[str]) -> int | None:
    """How many label/amount pairs end the header (two or more), else None."""
    k = 0
    while len(heads) >= 2 * k + 2:
        label, amount = heads[-2 * k - 2], heads[-2 * k - 1]
        if _LABEL_HEAD.search(label.replace(" ", "")) or "科目" in label or "项" in label:
            if re.match(r"^(?:预算数|金额|预算金额|本年预算数?|决算数)$", amount.replace(" ", "")):
                k += 1
                continue
        break
    return k if k >= 2 else None


def _kind_of(head: str, g: int) -> str:
    h = head.replace(" ", "")
    if "功能" in h:
        return "fn"
    if "部门" in h and "经济" in h:
        return "dept"
    if "政府" in h and "经济" in h:
        return "gov"
    return "in" if g == 0 else "out"


def _name(label: str) -> str:
    s = NUMBER.sub("", label).replace("的", "").replace("（", "(").replace("）", ")")
    return re.sub(r"^其中[:：]", "", s)


def _kinds(label: str) -> set[str]:
    """The groups a label's words say it can belong to (empty: any)."""
    name = _name(label)
    out: set[str] = set()
    if _ANY.match(name):
        return out
    if _INCOME.search(name) and not name.endswith("支出"):
        out.add("in")
    if _FUNCTION.match(name):
        out.add("fn")
    if _DEPT.search(name):
        out.add("dept")
    if _GOV.search(name):
        out.add("gov")
    return out


def _pair_rows(body: list[tuple[int, str]], cols: list[tuple[int, str]], cap: int | None):
    """Rows of a pair table: each label given to a pair by a beam search over
    vocabulary and numbering; its amount (the line after it) beside it."""
    npair = len(cols) // 2
    kinds = [_kind_of(cols[2 * g][1], g) for g in range(npair)]
    cells = _cells(body, cap)
    labels: list[tuple[int, str, str | None]] = []  # (line, label, amount)
    for k, s in cells:
        if _AMOUNT.match(s) and labels and labels[-1][2] is None:
            labels[-1] = (labels[-1][0], labels[-1][1], s)
        elif not _AMOUNT.match(s):
            labels.append((k, s, None))
    # Beam state: (cost, previous group, numbering per group, groups chosen). A group's
    # numbering (the last number at each level) is kept as its index in `numberings`,
    # so states hash as a few small ints; the groups chosen are a linked list (group,
    # earlier), not a tuple copied at every step.
    numberings: list[tuple] = [(None, None, None)]
    index = {numberings[0]: 0}
    beam = [(0.0, -1, (0,) * npair, None)]
    for _, label, _amt in labels:
        ks, num = _kinds(label), numbering(label)
        # What a label costs in a group whatever came before it: its vocabulary.
        misfit = [bool(ks) and not (kinds[g] in ks or (kinds[g] == "out" and ks - {"in"})) for g in range(npair)]
        moved: dict[int, tuple[bool, int]] = {}  # a numbering -> (label out of sequence, numbering after it)
        nxt = {}
        for cost, prev, nums, path in beam:
            for g in range(npair):
                c = cost + (0.05 if g <= prev else 0.0)
                if misfit[g]:
                    c += 3.0
                if num is not None:
                    step = moved.get(nums[g])
                    if step is None:
                        counters = list(numberings[nums[g]])
                        level, n = num
                        last = counters[level]
                        skipped = not (n == (last or 0) + 1 or (n == 1 and last is not None and level > 0))
                        counters[level] = n
                        for deeper in range(level + 1, 3):
                            counters[deeper] = None
                        after = tuple(counters)
                        if after not in index:
                            index[after] = len(numberings)
                            numberings.append(after)
                        step = moved[nums[g]] = (skipped, index[after])
                    if step[0]:
                        c += 2.0
                    new_nums = nums[:g] + (step[1],) + nums[g + 1 :]
                else:
                    new_nums = nums  # an unnumbered label leaves the numbering as it is
                key = (g, new_nums)
                if key not in nxt or nxt[key][0] > c:
                    nxt[key] = (c, g, new_nums, (g, path))
        beam = sorted(nxt.values(), key=itemgetter(0))[:48]
    # The likeliest assignment whose groups add up; else the likeliest when nothing in
    # it breaks the vocabulary or numbering (the table's own sums may be wrong).
    for _, _, _, path in beam:  # laid out one by one: the likeliest mostly adds up
        rows = _pair_layout(labels, _groups(path), npair)
        if pair_sums_hold(rows, npair):
            return rows
    if beam and beam[0][0] < 1.0 + 0.05 * len(labels):
        return _pair_layout(labels, _groups(beam[0][3]), npair)
    return None


def _groups(path: tuple | None) -> list[int]:
    """The groups chosen, first label first, from a beam state's linked list."""
    out = []
    while path is not None:
        g, path = path
        out.append(g)
    return out[::-1]


def _pair_layout(labels, groups, npair: int) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    prev = npair
    for (k, label, amt), g in zip(labels, groups):
        if not rows or g <= prev:
            rows.append((k, [""] * (2 * npair)))
        prev = g
        row = rows[-1][1]
        row[2 * g] = label
        row[2 * g + 1] = amt or ""
    return rows


# --- code/name/amount tables -------------------------------------------------


def _grid_rows(
    body: list[tuple[int, str]], heads: list[str], cap: int | None, known: dict | None = None, certain: bool = True
):
    """Rows of a table of label columns then amount columns, the amounts of a short row
    put where the table's identities hold; None when the header is not of that shape."""
    nlab = _label_columns(heads)
    if "是否空表" in "".join(heads):
        return None
    nval = len(heads) - nlab
    if nval < 1:
        return None
    coded = nlab >= 2 and re.search(r"编码|代码|编号", heads[0])
    rows: list[tuple[int, list[str], list[str]]] = []  # (line, labels, amounts)
    last = ""
    flags = _amount_flags([(0, c) for c in heads] + body)[len(heads) :]
    for (k, s), amount in zip(body, flags):
        if amount:
            if not rows or len(rows[-1][2]) >= nval:
                rows.append((k, [], []))
            rows[-1][2].append(s)
        elif coded and _CODE.match(s):
            rows.append((k, [s], []))
        elif rows and not rows[-1][2] and (_continues(last, s, cap) or (coded and len(rows[-1][1]) == 1)):
            labs = rows[-1][1]
            if coded and len(labs) == 1 and _CODE.match(labs[0]):
                labs.append(s)
            elif labs:
                labs[-1] += s
            else:
                labs.append(s)
        else:
            rows.append((k, [s], []))
        last = s
    if any(len(amts) < nval and comb(nval, len(amts)) > MOST_PLACEMENTS for _, _, amts in rows):
        return None  # a header misread wide: more ways to place a short row than to weigh
    total_col, parts = _identity(heads[nlab:])
    choices = [_fits(amts, nval, total_col, parts) for _, _, amts in rows]
    if known and (len(rows) == 1 or _total_row(rows) is not None):
        # The whole unit's row (the only one, or the 合计 row) repeats the 收支总表's items.
        r = 0 if len(rows) == 1 else _total_row(rows)
        names = [_name(h.replace(" ", "")) for h in heads[nlab:]]
        misses = [_disagreements(c, rows[r][2], names, known) for c in choices[r]]
        best = [c for c, m in zip(choices[r], misses) if m == min(misses, default=0)]
        if len(best) == 1:  # the one placement closest to it (the two may differ: an XTB)
            choices[r] = best
    chosen = _by_column_sums(rows, choices, nval, nlab)
    if chosen is None:
        return None  # short rows that no identity places
    if not certain and "因公出国" in "".join(heads) and not _row_sum_holds(rows, chosen, total_col, parts):
        return None  # the 三公 table: its header read so that 合计 = its parts, or not at all
    out = []
    for (k, labs, amts), cols in zip(rows, chosen):
        if coded and labs and not _CODE.match(labs[0]):
            labs = [""] + labs
        cells = (labs + [""] * nlab)[:nlab] if nlab else []
        if nlab and len(labs) > nlab:
            cells[-1] = "".join(labs[nlab - 1 :])
        vals = [""] * nval
        for j, a in zip(cols, amts):
            vals[j] = a
        out.append((k, cells + vals))
    return out


def _label_columns(heads: list[str]) -> int:
    """How many leading columns hold labels (科目编码, 科目名称, 项目 …)."""
    n = 0
    while n < min(len(heads), 3) and _LABEL_HEAD.search(heads[n].replace(" ", "")):
        n += 1
    return n


def _identity(heads: list[str]) -> tuple[int | None, list[int]]:
    """The amount column that is the row's total and the columns that add up to it."""
    h = [x.replace(" ", "") for x in heads]
    t = next((j for j, x in enumerate(h) if _TOTAL_HEAD.match(x)), None)
    if t is None:
        years = [(int(m.group(1)), j) for j, x in enumerate(h) if (m := re.search(r"((?:19|20)\d{2})\s*年", x))]
        if len(years) >= 2:
            t = max(years)[1]
    if t is None:
        return None, []
    # 会议费 and 培训费 sit beside the 三公 parts but are not in its 合计.
    return t, [j for j in range(t + 1, len(h)) if not _YEAR_HEAD.search(h[j]) and not _NOT_PART.search(h[j])]


_NOT_PART = re.compile(r"小计|会议费|培训费")


def _row_sum_holds(rows, chosen, t: int | None, parts: list[int]) -> bool:
    """Whether some row with its 合计 and two or more parts printed has 合计 = parts."""
    if t is None or not parts:
        return False
    for (_, _, amts), cols in zip(rows, chosen):
        at = dict(zip(cols, (printed_amount(a) for a in amts)))
        got = [at[j] for j in parts if j in at]
        if t in at and len(got) >= 2:
            if abs(sum(v for v, _ in got) - at[t][0]) <= at[t][1] + sum(e for _, e in got) + 1e-9:
                return True
    return False


def _total_row(rows) -> int | None:
    return next(
        (r for r, (_, labs, _) in enumerate(rows) if any(_TOTAL_ROW.match(x.replace(" ", "")) for x in labs)), None
    )


def _items_of(rows: list[tuple[int, list[str]]]) -> dict[str, tuple[float, float]]:
    """A 收支总表's items by name (numbering taken off), amount or 0 when left empty."""
    out: dict[str, tuple[float, float]] = {}
    for _, cells in rows:
        for j in range(0, len(cells) - 1, 2):
            if cells[j]:
                out.setdefault(
                    _name(cells[j].replace(" ", "")), printed_amount(cells[j + 1]) if cells[j + 1] else (0.0, 0.0)
                )
    return out


def _disagreements(cols: tuple[int, ...], amts: list[str], names: list[str], known: dict) -> int:
    """In how many columns the 收支总表 names, amounts put in these columns differ from
    it (another amount, or one where it has none, or none where it has one)."""
    at = dict(zip(cols, amts))
    n = 0
    for j, name in enumerate(names):
        if name not in known or _TOTAL_HEAD.match(name):
            continue
        want, e = known[name]
        if j in at:
            v, e2 = printed_amount(at[j])
            n += abs(v - want) > e + e2 + 1e-9
        else:
            n += want != 0
    return n


def _fits(amts: list[str], nval: int, t: int | None, parts: list[int]) -> list[tuple[int, ...]]:
    """The column choices for a row's amounts, best first: all of them when the row is
    full; else the ones where 合计 = the parts (every choice when none does)."""
    m = len(amts)
    if m >= nval:
        return [tuple(range(nval))]
    options = list(combinations(range(nval), m))
    if t is None or not parts:
        return options
    vals = [printed_amount(a) for a in amts]
    good = []
    for cols in options:
        if t not in cols:
            continue
        at = dict(zip(cols, vals))
        part = [at[j] for j in parts if j in at]
        if not part:
            continue
        tot = sum(v for v, _ in part)
        slack = at[t][1] + sum(e for _, e in part) + 1e-9
        if abs(tot - at[t][0]) <= slack:
            good.append(cols)
    return good or options


def _by_column_sums(rows, choices, nval: int, nlab: int) -> list[tuple[int, ...]] | None:
    """One choice per row: each row's only one, or where some rows have several, the
    first reading (depth-first, bounded) whose columns add up to the 合计 row; None
    when there is none."""
    first = [c[0] if c else () for c in choices]
    if all(len(c) <= 1 for c in choices):
        return first
    tot_row = _total_row(rows)
    if tot_row is None:
        return None
    vals = [[printed_amount(a) for a in amts] for _, _, amts in rows]
    others = [r for r in range(len(rows)) if r != tot_row]
    budget = [20000]

    def sums_ok(tc: tuple[int, ...], picks: dict[int, tuple[int, ...]]) -> bool:
        want = [(0.0, 0.0)] * nval
        for j, v in zip(tc, vals[tot_row]):
            want[j] = v
        got = [0.0] * nval
        slack = [w[1] + 1e-9 for w in want]
        for r in others:
            for j, v in zip(picks[r], vals[r]):
                got[j] += v[0]
                slack[j] += v[1]
        return all(abs(got[j] - want[j][0]) <= slack[j] for j in range(nval))

    order = sorted(others, key=lambda r: len(choices[r]))
    for tc in choices[tot_row]:
        picks: dict[int, tuple[int, ...]] = {}

        def dfs(i: int, tc: tuple[int, ...] = tc, picks: dict = picks) -> bool:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            if i == len(order):
                return sums_ok(tc, picks)
            r = order[i]
            # A column the 合计 row leaves empty or 0 holds no amount in any row.
            live = {j for j, v in zip(tc, vals[tot_row]) if v[0]}
            fit = [c for c in choices[r] if all(j in live for j, v in zip(c, vals[r]) if v[0])]
            for c in fit:
                picks[r] = c
                if dfs(i + 1):
                    return True
            return False

        if dfs(0):
            return [tc if r == tot_row else picks[r] for r in range(len(rows))]
    return None


# --- the 目录 -----------------------------------------------------------------


def _toc(out: list[str], start: int, cap: int | None) -> int:
    """The contents table after a 目录 heading as tab rows (表N, title, 是/否, reason);
    where it ends."""
    n = len(out)
    items = []
    j = start
    while j < n:
        s = out[j].strip()
        if not s:
            j += 1
            continue
        flagged = _FLAG_AFTER.match(s)
        if flagged and items and "  " not in s and width_of(flagged.group(1)) <= (cap or 32) + 4:
            # A title's line and its row's 是/否 read as one line (the flag's cell level
            # with the title's line): two cells.
            items += [(j, flagged.group(1)), (j, flagged.group(2))]
            j += 1
            continue
        if "\t" in out[j] or "  " in s or s.endswith("。") or width_of(s) > (cap or 32) + 4:
            break
        if _TABLE_NO.match(s):
            ahead = [out[x].strip() for x in range(j + 1, min(n, j + 12)) if out[x].strip()][:6]
            flag = next((a for a in ahead if a in ("是", "否") or _TABLE_NO.match(a) or _FLAG_AFTER.match(a)), None)
            if flag is None or _TABLE_NO.match(flag):
                break
        elif re.match(r"^第[一二三四五六七八九十]+部分", s):
            break
        items.append((j, s))
        j += 1
    first = next((x for x, (_, s) in enumerate(items) if _TABLE_NO.match(s)), None)
    if first is None or first < 2:
        return j
    head_items = items[:first]
    head = _cells(head_items, cap)
    squash = [s for _, s in head_items]
    rows: list[tuple[int, list[str]]] = []
    settled = 0  # rows whose page's reasons were read
    names = {squashed(s) for s in squash}  # the column names, spaced or not (内 容)
    p = first
    while p < len(items):
        skip = _repeated_header(squash, [s for _, s in items[p : p + len(squash)]])
        if skip:
            p += skip
            continue
        k, s = items[p]
        if _TABLE_NO.match(s):
            rows.append((k, [s, "", "", ""]))
        elif rows and _REASON_HEAD.match(s):
            # pdftotext's reading order prints the reason column after the others: its
            # cells, in order, are the reasons of the tables declared empty. Kept only
            # where they are as many; else none is known (never the heading as a reason).
            q = p + 1
            while q < len(items) and not (
                _TABLE_NO.match(items[q][1])
                or _REASON_HEAD.match(items[q][1])
                or squashed(items[q][1]) in names  # the header again, in pieces among a row's cells
                or items[q][1] in ("是", "否")  # a row's flag, printed after the heading
            ):
                q += 1
            reasons = [s for _, s in items[p + 1 : q]]
            # The rows above this heading's page: a later heading's cells are not theirs.
            empty = [row for _, row in rows[settled:] if row[2] == "是" and not row[3]]
            settled = len(rows)
            if len(reasons) == len(empty):
                for row, reason in zip(empty, reasons):
                    row[3] = reason
            # With no table waiting for its reason, the text is the last row's (the
            # rest of a title cut by the page break, after the column names again).
            cut = len(reasons) == 1 and not _TITLE.search(rows[-1][1][1])
            p = p + 1 if not empty and cut else q
            continue
        elif rows and squashed(s) in names:
            pass  # a piece of the header printed again, its cells and a row's interleaved
        elif rows:
            row = rows[-1][1]
            if s in ("是", "否") and not row[2]:
                row[2] = s
            else:  # after the flag, the reason; or the title's rest, where it is cut short
                row[3 if row[2] and (row[3] or _TITLE.search(row[1])) else 1] += s
        p += 1
    for k, _ in items:
        out[k] = ""
    out[head[0][0]] = "\t".join(c for _, c in head)
    for k, cells in rows:
        out[k] = "\t".join(cells)
    return j
