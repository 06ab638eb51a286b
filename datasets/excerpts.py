"""The source lines around a finding's evidence, as the report shows them.

Taken where the text is at hand (the per-file stage, anomaly.per_file) so that the
report need not read the sources again; reports.source_lines reads them again only for
findings made without the text (cross-unit findings, disclosures joined from several
files). Each line is cut to LINE_CHARS characters, the evidence's own line to
HIT_CHARS around the figure it is quoted for.
"""

from __future__ import annotations

import re

import polars as pl

RADIUS = 3  # lines shown above and below the evidence's line
LINE_CHARS = 160  # a line around the evidence's
HIT_CHARS = 400  # the evidence's own line, around its figure (a whole paragraph is often one line)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")

SCHEMA = {
    "unit_id": pl.String,
    "source_path": pl.String,
    "line": pl.Int64,
    "stated": pl.String,
    "first": pl.Int64,
    "lines": pl.List(pl.String),
}


def around(lines: list[str], line: int | None, stated: str | None) -> tuple[int, list[str]] | None:
    """(first line number, the lines from ``line - RADIUS`` to ``line + RADIUS``, cut),
    or None where the line is not in ``lines``."""
    if line is None or line < 1 or line > len(lines):
        return None
    first = max(1, line - RADIUS)
    last = min(len(lines), line + RADIUS)
    return first, [cut(lines[k - 1], (stated or "") if k == line else None) for k in range(first, last + 1)]


def cut(line: str, stated: str | None = None) -> str:
    """``line`` cut to LINE_CHARS characters, or HIT_CHARS around the stated figure
    where it is the evidence's line (``stated`` given)."""
    line = line.rstrip()
    size = LINE_CHARS if stated is None else HIT_CHARS
    if len(line) <= size:
        return line
    at = 0
    figure = _NUMBER.search(stated or "")
    if figure and figure.group() in line:
        at = max(0, line.index(figure.group()) - size // 2)
    at = min(at, len(line) - size)
    return ("…" if at else "") + line[at : at + size] + ("…" if at + size < len(line) else "")


def excerpts_of(findings: pl.DataFrame, texts: dict[str, list[str]]) -> pl.DataFrame:
    """One row (SCHEMA) for each distinct (unit_id, source_path, line, stated) of the
    findings whose unit's lines are in ``texts`` (unit_id -> its lines as numbered)."""
    rows = []
    if findings.height and texts:
        wanted = findings.select("unit_id", "source_path", "line", "stated").unique(maintain_order=True)
        for uid, path, line, stated in wanted.iter_rows():
            lines = texts.get(uid)
            got = around(lines, line, stated) if lines is not None else None
            if got is not None:
                rows.append((uid, path, line, stated, *got))
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
