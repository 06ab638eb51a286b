"""Tables without rules, from the positions of the words: runs of text apart by wide
gaps (or by a few points without a space between them) are cells; columns come from the
fullest rows; lines closer than the row pitch are one row whose cells wrapped."""

from __future__ import annotations

import re

from datasets.read.pdf.page import _NUMERIC, _STARTS_BLOCK, Line
from datasets.text import TOC_HEAD

_SENTENCE = re.compile(r"[。，,；;：:]")
_CAPTION_RUN = re.compile(
    r"^\s*(?:(?:金额)?单位\s*[:：]\s*(?:人民币)?\s*(?:亿元|万元|千元|元)\s*$|(?:编制单位|填报单位|单位名称|部门名称|预算单位)\s*[:：])"
)


def _micro_runs(line: Line, explode) -> list[tuple[float, float, str]]:
    """The line's runs split wherever characters stand apart without a space between
    them: cells of a table without rules may be printed only a few points apart
    (表10 | 2024年…), closer than the gap that separates runs of prose."""
    chars = sorted((c for p in line.pieces for c in explode(p)), key=lambda c: c[1])
    h = line.height
    runs: list[list] = []
    for c in chars:
        if runs:
            gap = c[1] - runs[-1][1]
            if gap <= 0.9 * h and (c[5] or gap <= 0.3 * h):
                runs[-1][2] += (" " if c[5] or gap > 0.4 * h else "") + c[0]
                runs[-1][1] = max(runs[-1][1], c[3])
                continue
        runs.append([c[1], c[3], c[0]])
    return [tuple(r) for r in runs]


def _unruled_rows(lines: list[Line], explode, prior: list | None = None) -> tuple[list[list[str]], list]:
    """Rows of a table without rules, and its columns. Columns come from the fullest
    lines' runs (a run that spans several columns, a merged header, goes to the first),
    or from the part of the table on the page before (`prior`) where its rows fit them:
    a continuation may have whole columns empty. Lines closer together than the table's
    usual row pitch are one row whose cells wrapped."""
    runs = [_micro_runs(ln, explode) for ln in lines]
    full = max(len(r) for r in runs)
    spans = sorted([a, b] for r in runs if len(r) == full for a, b, _ in r)
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1] + 1:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    cols = _alternatives_merged(_gap_columns(_widened(cols, runs), runs, lines), runs)
    if prior and len(prior) > len(cols) and _fits(prior, runs):
        cols = prior
    step = _row_break(lines)
    rows: list[list[str]] = []
    last_top = None
    for ln, line_runs in zip(lines, runs):
        if last_top is None or ln.top - last_top >= step:
            rows.append([""] * len(cols))
        last_top = ln.top
        row = rows[-1]
        for a, b, text in line_runs:
            c = _column_of(cols, a, b)
            row[c] = (row[c] + text) if row[c] else text
    return rows, cols


def _widened(cols: list[list[float]], runs: list[list]) -> list[list[float]]:
    """Columns widened to the runs that overlap only them, as far as the next column:
    found from a header row, a column is as wide as its centred heading, and a short
    label (行政运行) that starts left of its heading must still fall in it, not in the
    code column on its left."""
    for line_runs in runs:
        for a, b, _ in line_runs:
            hit = [k for k, (ca, cb) in enumerate(cols) if a <= cb + 1 and b >= ca - 1]
            if len(hit) != 1:
                continue
            k = hit[0]
            lo = cols[k - 1][1] + 1 if k else float("-inf")
            hi = cols[k + 1][0] - 1 if k + 1 < len(cols) else float("inf")
            cols[k] = [max(min(cols[k][0], a), lo), min(max(cols[k][1], b), hi)]
    return cols


def _gap_columns(cols: list[list[float]], runs: list[list], lines: list[Line]) -> list[list[float]]:
    """The columns with one added wherever a cell's run stands in no column: a header
    whose cells wrap over several lines has no line holding every column (单位编码,
    单位名称 and 合计 on the middle line, 上年结转 / 结余 above and below), so the fullest
    line misses some. Cells are the runs of a line with figures, or of a line of such a
    wrapped header (closer to the next or last line than a line's height); a run on a
    header line of its own in no column heads several (收 入 | 支 出) and makes none."""
    extra = [
        [a, b]
        for k, line_runs in enumerate(runs)
        if any(_NUMERIC.match(t) for _, _, t in line_runs) or _wrapped(lines, k)
        for a, b, _ in line_runs
        if not any(a <= cb + 1 and b >= ca - 1 for ca, cb in cols)
    ]
    if not extra:
        return cols
    out: list[list[float]] = []
    for a, b in sorted(cols + extra):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _wrapped(lines: list[Line], k: int) -> bool:
    """Whether line k is one of a row's lines printed at less than a line's height apart
    (the cells of a header wrapped at different heights)."""
    h = lines[k].height
    return any(0 <= j < len(lines) and abs(lines[j].top - lines[k].top) < 0.8 * h for j in (k - 1, k + 1))


def _fits(cols: list, runs: list[list]) -> bool:
    """Whether every run of the lines with figures overlaps one of the columns, no two
    runs of a line the same one (headers, centred, may not)."""
    for line_runs in runs:
        if not any(_NUMERIC.match(t) for _, _, t in line_runs):
            continue
        seen = set()
        for a, b, _ in line_runs:
            c = next((k for k, (ca, cb) in enumerate(cols) if a <= cb + 1 and b >= ca - 1), None)
            if c is None or c in seen:
                return False
            seen.add(c)
    return True


def _column_of(cols: list[list[float]], a: float, b: float) -> int:
    """The first column a run [a, b] overlaps, else the nearest on its left."""
    c = next((k for k, (ca, cb) in enumerate(cols) if a <= cb + 1 and b >= ca - 1), None)
    if c is None:
        c = max((k for k, (ca, _) in enumerate(cols) if ca <= a), default=0)
    return c


def _alternatives_merged(cols: list[list[float]], runs: list[list]) -> list[list[float]]:
    """Neighbouring columns that no line fills both of are one column printed at two
    places (a centred header over left-aligned labels)."""
    # Two columns each with a heading of their own are two columns, though no row fills
    # both (合计 and an empty 上年结转结余 in a header that wraps over three lines).
    head = next((i for i, r in enumerate(runs) if any(_NUMERIC.match(t) for _, _, t in r)), 0)
    k = 0
    while k + 1 < len(cols):
        used = [{_column_of(cols, a, b) for a, b, _ in r} for r in runs]
        headed = set().union(*used[:head])
        if not any(k in u and k + 1 in u for u in used) and not (k in headed and k + 1 in headed):
            cols[k : k + 2] = [[cols[k][0], max(cols[k][1], cols[k + 1][1])]]
        else:
            k += 1
    return cols


def _table_spans(lines: list[Line]) -> list[tuple[int, int]]:
    """Line ranges that are tables without rules: lines of several runs; between, before
    and after them, lines of a single cell (a row whose other cells are empty) that keep
    the row pitch and line up with a column; and the lines of a first or last row whose
    cells wrapped (closer together than the row pitch)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not _is_row(lines[i]):
            i += 1
            continue
        j, last_row = i + 1, i
        edges = _edges(lines[i])
        while j < len(lines):
            ln = lines[j]
            # A row apart at most (a header of wrapped cells has a shorter pitch than the body).
            pitch = _pitch(lines[i : last_row + 1]) if last_row > i else 0.0
            if ln.top - lines[j - 1].top > max(1.3 * pitch, 2.6 * ln.height):
                break
            if _is_row(ln):
                last_row = j
                edges |= _edges(ln)
            elif not (_one_cell(ln, edges) or _wrapped_piece(lines, i, last_row, j)) or j - last_row > 40:
                break
            j += 1
        j = last_row + 1
        if j - i >= 2:
            pitch, step = _pitch(lines[i:j]), _row_break(lines[i:j])
            lo = spans[-1][1] if spans else 0
            while i > lo and (
                lines[i].top - lines[i - 1].top < step
                or (lines[i].top - lines[i - 1].top < 1.3 * pitch and _one_cell(lines[i - 1], edges))
            ):
                i -= 1
            first_col = min(ln.x0 for ln in lines[i:j])
            # The first column's cells end by here (a label, not a line of prose).
            label_end = max((ln.runs[0][1] for ln in lines[i:j] if len(ln.runs) >= 2), default=first_col)
            while j < len(lines) and (
                lines[j].top - lines[j - 1].top < step
                or (  # single cells of the last rows: in an inner column (prose starts at the first)
                    lines[j].top - lines[j - 1].top < 1.3 * pitch
                    and (lines[j].x0 > first_col + 1 or _label_only(lines[j], first_col, label_end))
                    and _one_cell(lines[j], edges)
                )
            ):
                j += 1
            spans.append((i, j))
        i = j
    return spans


def _wrapped_piece(lines: list[Line], i: int, last_row: int, j: int) -> bool:
    """Whether line j, of one run, is the last line of a cell wrapped in the row above:
    closer to it than rows are to each other (its run need not line up with a column:
    a right-aligned amount and the next column's label run together into one run)."""
    return (
        len(lines[j].runs) == 1
        and last_row > i
        and lines[j].top - lines[j - 1].top < _row_break(lines[i : last_row + 1])
    )


def _label_only(line: Line, first_col: float, label_end: float) -> bool:
    """A last row with only its label filled (六、上级补助收入 under the income column of a
    收支总表 whose 支出 side has ended): where the labels are, no wider than they are,
    and no sentence."""
    a, b, text = line.runs[0]
    return abs(a - first_col) <= 1 and b <= label_end + 1 and not _SENTENCE.search(text)


def _edges(line: Line) -> set[int]:
    """Where the line's runs start and end (to the point): the columns' alignment."""
    return {round(x) for a, b, _ in line.runs for x in (a, b)}


def _one_cell(line: Line, edges: set[int]) -> bool:
    """A line of one run that starts or ends where the table's cells do (a centred
    title or a paragraph does not)."""
    if len(line.runs) != 1 or _STARTS_BLOCK.match(line.text):
        return False
    a, b, _ = line.runs[0]
    return any(round(x) + d in edges for x in (a, b) for d in (-1, 0, 1))


def _pitch(lines: list[Line]) -> float:
    """The usual distance from one line's top to the next's (the lines of a header whose
    cells wrapped, centred at half steps, do not count where there are others)."""
    h = min((ln.height for ln in lines), default=0.0)
    steps = sorted(b.top - a.top for a, b in zip(lines, lines[1:]))
    steps = [x for x in steps if x >= 0.8 * h] or steps
    return steps[len(steps) // 2] if steps else 0.0


def _row_break(lines: list[Line]) -> float:
    """The step from one line to the next at which a new row starts. Lines of a wrapped
    cell follow each other at the leading; rows add the cells' padding. Where both
    steps recur, the break lies between them; else rows are single lines, and a
    shorter step than three quarters of the usual one is a wrapped line."""
    h = min((ln.height for ln in lines), default=0.0)
    steps = [round(b.top - a.top, 1) for a, b in zip(lines, lines[1:])]
    common = sorted({x for x in steps if x >= 0.8 * h and steps.count(x) >= 2})
    if common:
        rows = [x for x in common if x >= 1.15 * common[0]]
        if rows:
            return (common[0] + rows[0]) / 2
    return 0.75 * _pitch(lines)


def _is_row(line: Line) -> bool:
    """A line of several runs, other than a table's caption line (编制单位：某局 … 单位：万元,
    printed farther apart than the rows: taken as a row, it makes the rows below look
    like the wrapped lines of one) or the contents' heading spaced out (目　录: taken as
    a row, its step to the first entry sets the table's row pitch)."""
    return (
        len(line.runs) >= 2
        and not all(_CAPTION_RUN.match(t) for _, _, t in line.runs)
        and not TOC_HEAD.fullmatch(line.text)
    )
