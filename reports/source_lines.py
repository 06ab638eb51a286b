"""The source lines around each finding's evidence, read again from the sources: for
the findings whose lines the per-file stage did not keep (datasets.excerpts), such as
cross-unit findings and disclosures joined from several files.

The files are read through the same reader (``datasets.read.read_document``), so that a
finding's line number points into the same lines the checks read: for a text file its
lines, for a PDF the text of its pages. Reading costs: only the top-ranked units' files
are read, files above ``MAX_FILE_BYTES`` never, within a time budget.
"""

from __future__ import annotations

import time

from datasets.excerpts import around
from datasets.read import read_document
from datasets.read.sources import name_of, read_bytes, source_of, stat
from datasets.text import split_lines

EXCERPT_UNITS = 1000  # top-ranked units whose findings get source lines
MAX_FILE_BYTES = 5_000_000
BUDGET_S = 8.0  # seconds for all of a report's excerpts read again; the rest go without


def excerpts(
    rows: list[tuple[str | None, int | None, str | None]], budget_s: float = BUDGET_S
) -> list[tuple[int, list[str]] | None]:
    """For each (source_path, line, stated): (first line number, the lines around
    ``line``: datasets.excerpts.around), or None where there is no line, the file cannot
    be read, or the time budget is spent. Each file is read once."""
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
        out.append(around(lines, line, stated) if lines is not None else None)
    return out


def _lines(path: str) -> list[str] | None:
    """The lines the parser numbered in ``path``, or None where it cannot be read."""
    try:
        source = source_of(path)
        size = stat(source)[0]
        if size is None or size > MAX_FILE_BYTES:
            return None
        return split_lines(read_document(read_bytes(source), name_of(source)).text)
    except Exception:  # a damaged or moved file: the finding keeps its quote, without context
        return None
