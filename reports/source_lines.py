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
from pathlib import Path

from datasets.excerpts import around
from datasets.read import TEXT_SUFFIXES, read_document
from datasets.read.sources import name_of, read_bytes, source_of, stat
from datasets.text import split_lines
from reports.parallel import spread

EXCERPT_UNITS = 1000  # top-ranked units whose findings get source lines
MAX_FILE_BYTES = 5_000_000
BUDGET_S = 8.0  # seconds for all of a report's excerpts read again; the rest go without


def excerpts(
    rows: list[tuple[str | None, int | None, str | None]], budget_s: float = BUDGET_S
) -> list[tuple[int, list[str]] | None]:
    """For each (source_path, line, stated): (first line number, the lines around
    ``line``: datasets.excerpts.around), or None where there is no line, the file cannot
    be read, or the time budget is spent. Each file is read once; files other than text
    in worker processes when there are several (reports.parallel)."""
    deadline = time.time() + budget_s  # wall clock: the worker processes share it
    paths = list(dict.fromkeys(p for p, line, _ in rows if p and line is not None and line >= 1))
    # Text files are read again in a millisecond or two: never worth a process.
    light = [p for p in paths if Path(p).suffix.lower() in TEXT_SUFFIXES]
    heavy = [p for p in paths if Path(p).suffix.lower() not in TEXT_SUFFIXES]
    docs = dict(zip(light, map(_lines_by, [(p, deadline) for p in light])))
    docs |= dict(zip(heavy, spread(_lines_by, [(p, deadline) for p in heavy], failed=lambda job: None)))
    return [
        around(docs[path], line, stated) if path in docs and docs[path] is not None else None
        for path, line, stated in rows
    ]


def _lines_by(job: tuple[str, float]) -> list[str] | None:
    """_lines(path), or None once the deadline (time.time()) has passed."""
    path, deadline = job
    return None if time.time() > deadline else _lines(path)


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
