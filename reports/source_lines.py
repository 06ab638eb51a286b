"""The source lines around each finding's evidence, for the report's expanded findings.

The parser keeps no raw text (only short evidence quotes), so the report reads the
source files again, through the same reader (``datasets.read.read_document``), so that
a finding's line number points into the same lines the checks read: for a text file
its lines, for a PDF the text of its pages. Reading costs: only the top-ranked units'
files are read, files above ``MAX_FILE_BYTES`` never, within a time budget, and each
line is cut to ``LINE_CHARS`` characters around the figure it is quoted for.
"""

from __future__ import annotations

import re
import time

from datasets.read import read_document
from datasets.read.sources import name_of, read_bytes, source_of, stat

RADIUS = 3  # lines shown above and below the evidence's line
EXCERPT_UNITS = 1000  # top-ranked units whose findings get source lines
MAX_FILE_BYTES = 5_000_000
LINE_CHARS = 160  # a line around the evidence's
HIT_CHARS = 400  # the evidence's own line, around its figure (a whole paragraph is often one line)
BUDGET_S = 8.0  # seconds for all of a report's excerpts; the rest go without (PDFs: about the top 150)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def excerpts(
    rows: list[tuple[str | None, int | None, str | None]], budget_s: float = BUDGET_S
) -> list[tuple[int, list[str]] | None]:
    """For each (source_path, line, stated): (first line number, the lines from ``line -
    RADIUS`` to ``line + RADIUS``), or None where there is no line, the file cannot be
    read, or the time budget is spent. Each file is read once."""
    docs: dict[str, list[str] | None] = {}
    start = time.perf_counter()
    out: list[tuple[int, list[str]] | None] = []
    for path, line, stated in rows:
        if not path or line is None or line < 1:
            out.append(None)
            continue
        if path not in docs:
            docs[path] = None if time.perf_counter() - start > budget_s else _lines(path)
        lines = docs[path]
        if lines is None or line > len(lines):
            out.append(None)
            continue
        first = max(1, line - RADIUS)
        last = min(len(lines), line + RADIUS)
        out.append((first, [cut(lines[k - 1], (stated or "") if k == line else None) for k in range(first, last + 1)]))
    return out


def _lines(path: str) -> list[str] | None:
    """The lines the parser numbered in ``path``, or None where it cannot be read."""
    try:
        source = source_of(path)
        size = stat(source)[0]
        if size is None or size > MAX_FILE_BYTES:
            return None
        return read_document(read_bytes(source), name_of(source)).text.split("\n")
    except Exception:  # a damaged or moved file: the finding keeps its quote, without context
        return None


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
