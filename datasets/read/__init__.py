"""Reading inputs: finding files and turning each format into one Document shape."""

from __future__ import annotations

from pathlib import Path

from datasets.read.document import Document, UnreadableFile
from datasets.read.text import decode

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES

__all__ = ["Document", "UnreadableFile", "decode", "discover", "read_document", "SUFFIXES"]


def discover(inputs: tuple[Path, ...] | list[Path]) -> list[Path]:
    """Files named directly, plus every readable format found recursively under named folders.

    Sorted within each folder so that a run's order (and so its ids and outputs) does not
    depend on the file system. A missing path is kept, so that it is reported as failed.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        item = Path(item)
        if item.is_dir():
            batch = sorted(
                p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not _hidden(p, item)
            )
        else:
            batch = [item]
        for p in batch:
            key = p.resolve() if p.exists() else p
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_document(data: bytes, name: str = "") -> Document:
    """The Document for a file's bytes, chosen by content first (a PDF named .txt is
    still a PDF), then by the name's suffix. Raises UnreadableFile with the reason."""
    if data[:1024].lstrip().startswith(b"%PDF") or Path(name).suffix.lower() in PDF_SUFFIXES:
        from datasets.read.pdf import read_pdf  # pdfium loads only when a PDF comes

        return read_pdf(data)
    text, encoding = decode(data)
    return Document(text=text, format="txt", encoding=encoding)
