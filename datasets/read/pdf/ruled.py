"""Ruled tables: the drawn lines make a grid; a grid line missing between two cells
makes them one merged cell, written as text files write it (the text in the first cell
of the span, empty cells after it)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from datasets.read.pdf.page import _TOL, _group_lines


@dataclass
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    hs: list[tuple[float, float, float]]
    vs: list[tuple[float, float, float]]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def _grids(hs, vs) -> list[Grid]:
    """Connected sets of horizontal and vertical lines that make a table (at least 2
    of each)."""
    n_h = len(hs)
    parent = list(range(n_h + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for j, (vx, vy0, vy1) in enumerate(vs):
        for i, (hy, hx0, hx1) in enumerate(hs):
            if hx0 - _TOL <= vx <= hx1 + _TOL and vy0 - _TOL <= hy <= vy1 + _TOL:
                a, b = find(i), find(n_h + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list, list]] = {}
    for i in range(n_h + len(vs)):
        g = groups.setdefault(find(i), ([], []))
        (g[0].append(hs[i]) if i < n_h else g[1].append(vs[i - n_h]))
    out = []
    for g_h, g_v in groups.values():
        xs = _cluster([v[0] for v in g_v])
        ys = _open_ends(_cluster([h[0] for h in g_h]), g_v, len(xs))
        if len(xs) >= 2 and len(ys) >= 2:
            out.append(Grid(xs, ys, g_h, g_v))
    return out


def _open_ends(ys: list[float], vs, n_cols: int) -> list[float]:
    """Row boundaries with a row left open by a page break added: a browser breaks a
    table's row across pages and draws its cells' sides to the page's edge without a
    line under (or above) them. Only where most column rules run on (at least three),
    so that a page frame around a table opens no row."""
    if len(ys) < 2:
        return ys
    need = max(3, (n_cols + 1) // 2)
    below = [b for _, _, b in vs if b > ys[-1] + 2 * _TOL]
    above = [a for _, a, _ in vs if a < ys[0] - 2 * _TOL]
    if len(below) >= need:
        ys = [*ys, min(below)]
    if len(above) >= need:
        ys = [max(above), *ys]
    return ys


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= _TOL:
            continue
        out.append(v)
    return out


def _at(segments, positions: list[float]) -> list[list[tuple[float, float]]]:
    """For each boundary position, the extents (a, b) of the segments lying on it."""
    out: list[list[tuple[float, float]]] = [[] for _ in positions]
    for pos, a, b in segments:
        k = bisect_right(positions, pos + _TOL) - 1
        if k >= 0 and abs(positions[k] - pos) <= _TOL:
            out[k].append((a, b))
    return out


def _crossed(extents: list[tuple[float, float]], mids: list[float]) -> set[int]:
    """Indices of the `mids` that one of the segments' extents covers."""
    out: set[int] = set()
    for a, b in extents:
        out.update(range(bisect_left(mids, a - _TOL), bisect_right(mids, b + _TOL)))
    return out


def _grid_rows(grid: Grid, chars: list) -> list[list[str]]:
    """The grid's rows of cell texts; a merged cell's text sits in its first cell."""
    xs, ys = grid.xs, grid.ys
    n_r, n_c = len(ys) - 1, len(xs) - 1
    # anchor[r][c]: the cell whose text this grid cell shows (itself unless merged).
    anchor = [[(r, c) for c in range(n_c)] for r in range(n_r)]
    # Which cells each grid line separates: the rows a vertical line crosses the middle
    # of, the columns a horizontal one does.
    row_mid = [(ys[r] + ys[r + 1]) / 2 for r in range(n_r)]
    col_mid = [(xs[c] + xs[c + 1]) / 2 for c in range(n_c)]
    v_cut = [_crossed(extents, row_mid) for extents in _at(grid.vs, xs)]
    h_cut = [_crossed(extents, col_mid) for extents in _at(grid.hs, ys)]
    for r in range(n_r):
        for c in range(n_c):
            if c > 0 and r not in v_cut[c]:
                anchor[r][c] = anchor[r][c - 1]
            if r > 0 and c not in h_cut[r] and anchor[r][c] == (r, c):
                anchor[r][c] = anchor[r - 1][c]
    buckets: dict[tuple[int, int], list] = {}
    for ch in chars:
        cx, cy = (ch[1] + ch[3]) / 2, (ch[2] + ch[4]) / 2
        r, c = bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1
        if 0 <= r < n_r and 0 <= c < n_c:
            buckets.setdefault(anchor[r][c], []).append(ch)
    rows = [[""] * n_c for _ in range(n_r)]
    for (r, c), cell in buckets.items():
        rows[r][c] = _cell_text(cell)
    return [row for row in rows if any(row)]


def _cell_text(pieces: list) -> str:
    """The pieces of one cell in reading order (wrapped lines joined)."""
    if len(pieces) == 1:
        return pieces[0][0]
    out = []
    for line in _group_lines(pieces):
        text, x1 = line[0][0], line[0][3]
        for p in line[1:]:
            text += (" " if p[5] or p[1] - x1 > 0.4 * (p[4] - p[2]) else "") + p[0]
            x1 = p[3]
        out.append(text)
    return "".join(out)
