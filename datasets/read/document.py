"""The one document shape every format reader produces and the parser consumes."""

from __future__ import annotations

from dataclasses import dataclass, field


class UnreadableFile(Exception):
    """The file cannot be turned into a document; the message says why (Chinese / English)."""


@dataclass
class Document:
    """A disclosure as lines of text. Tables are tab-separated rows (a merged cell
    spans its columns as empty cells after it), so every format reads into the same
    shape. Paged inputs say which page each line came from."""

    text: str
    format: str  # txt, pdf, ...
    encoding: str | None = None
    line_pages: list[int] | None = None  # 1-based page of each line, for paged inputs
    pages: int | None = None  # page count, for paged inputs
    line_places: list[str | None] | None = None  # where a line sits in a workbook: "sheet!row" (1-based row)
    problems: list[str] = field(default_factory=list)  # what could not be read (makes the parse partial)
    notes: list[str] = field(default_factory=list)  # what was skipped on purpose (hidden rows): said, not partial
