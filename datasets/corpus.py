"""Many files into the five frames, one row in `units` for every file."""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Iterable
from itertools import repeat
from operator import add

import polars as pl

from datasets import frames, tables
from datasets.bundles import Joined, Read, read_bundle
from datasets.cache import STAT_INDEX, ContentCache, content_hashes
from datasets.parse import parse_bytes, parse_document, parse_path
from datasets.read import Document
from datasets.read.sources import Source, location


def unit_id_of(path: Source) -> str:
    """Stable id: the same file at the same place gets the same id on every run.
    (The absolute path, without resolving links: that costs a system call per folder;
    a URL's own text, a file:// URL's path: see sources.location.)"""
    return unit_id_at(location(path))


def unit_id_at(where: str) -> str:
    """unit_id_of a source at this location (sources.location)."""
    return hashlib.sha1(where.encode()).hexdigest()[:16]


def document_frames(doc: dict, unit_id: str = "doc", source_path: str = "<doc>") -> dict[str, pl.DataFrame]:
    """One parsed document's frames (its units row complete: n_cells and
    total_budget_yuan come with the tables' long-form cells)."""
    doc["unit"].update(unit_id=unit_id, source_path=source_path)
    return collect([doc])


def parsed_frames(data: bytes, name: str = "") -> dict[str, pl.DataFrame]:
    """A file's frames from its bytes (see document_frames)."""
    return document_frames(parse_bytes(data, name), source_path=name or "<doc>")


def failed_doc(path: Source, reason: str) -> dict:
    """The document of a file that could not be read, with the reason."""
    return {
        "unit": {
            "parse_status": "failed",
            "parse_error": reason,
            "unit_id": unit_id_of(path),
            "source_path": str(path),
            "source_files": [str(path)],
            "content_sha1": None,
        },
        "claims": [],
        "cells": {},
        "toc": [],
        "marks": [],
        "pages": [],
        "places": [],
    }


def parse_one(path: Source) -> dict:
    """A parsed document with unit_id and source_path set; never raises."""
    try:
        doc = parse_path(path)
    except Exception as exc:  # a parser bug must not stop the run: report it on the file
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return failed_doc(path, f"解析出错 / parser error: {detail}")
    uid = unit_id_of(path)
    doc["unit"].update(unit_id=uid, source_path=str(path), source_files=[str(path)], content_sha1=doc.pop("sha1", None))
    return doc


def parse_bundle(paths: list[Source], known: list[Read | None] | None = None) -> tuple[dict, Joined | None]:
    """A disclosure in several files parsed as one (see datasets.bundles), with where
    each line came from; its unit is the first file's (the narrative). `known`: the
    files' documents as read already, where kept (see read_bundle). Never raises."""
    joined = None
    try:
        joined = read_bundle(paths, known)
        doc = parse_document(joined.document)
    except Exception as exc:  # as parse_one: a broken file must not stop the run
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        doc = {
            "unit": {"parse_status": "failed", "parse_error": f"合并读取出错 / joined reading failed: {detail}"},
            **{k: ([] if k != "cells" else {}) for k in ("claims", "cells", "toc", "marks", "pages", "places")},
        }
    doc["unit"].update(
        unit_id=unit_id_of(paths[0]),
        source_path=str(paths[0]),
        source_files=[str(p) for p in paths],
        content_sha1=joined.sha1 if joined else None,
    )
    return doc, joined


CHUNK = 256  # documents per batch of rows turned into frames; keeps Python objects few


def collect(
    docs: Iterable[dict],
    texts: dict[str, list[str]] | None = None,
    keep: Callable[[dict, Document], None] | None = None,
) -> dict[str, pl.DataFrame]:
    """Frames from parsed documents, streamed: rows become columnar frames every CHUNK
    documents, so memory holds frames, not millions of Python dicts. With `texts`, each
    document's lines are kept there by unit_id (for the report's excerpts); `keep` is
    given each document's units row and its Document as read (datasets.bundles.Candidates);
    else both are dropped."""
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in frames.SCHEMAS}
    chunk = _Chunk()
    for doc in docs:
        uid = doc["unit"]["unit_id"]
        lines = doc.pop("lines", None)
        if texts is not None and lines is not None:
            texts[uid] = lines
        document = doc.pop("document", None)
        if keep is not None and document is not None:
            keep(doc["unit"], document)
        chunk.add(doc)
        if len(chunk.ids) == CHUNK:
            for name, frame in chunk.frames().items():
                parts[name].append(frame)
            chunk = _Chunk()
    for name, frame in chunk.frames().items():
        parts[name].append(frame)
    return {name: pl.concat(p, rechunk=True) for name, p in parts.items()}


class _Chunk:
    """Documents' rows as column lists, until they become frames."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.narrative_totals: list[float | None] = []  # where 表1 gives no total
        self.cols = {name: {k: [] for k in schema} for name, schema in frames.SCHEMAS.items() if name != "cells"}
        self.read: dict[str, dict[str, list]] = {
            "rows": {k: [] for k in tables.ROWS},
            "filled": {k: [] for k in tables.FILLED},
        }
        self.tables: dict[str, list] = {k: [] for k in tables.TABLES}

    def add(self, doc: dict) -> None:
        uid, d = doc["unit"]["unit_id"], len(self.ids)
        self.ids.append(uid)
        self.narrative_totals.append(doc["unit"].get("narrative_total"))
        _append(self.cols["units"], [doc["unit"]])
        read = doc.get("cells")
        if read and read["rows"]["t"]:
            # Rows and tables get the document's place in the chunk; cells, their row's.
            filled, at = self.read["filled"], len(self.read["rows"]["t"])
            filled["rix"].extend(map(add, read["filled"]["rix"], repeat(at)))
            for k in ("col", "cell", "text"):
                filled[k].extend(read["filled"][k])
            self._extend(self.read["rows"], read["rows"], d)
            self._extend(self.tables, doc["tables"], d)
        for name in ("claims", "toc", "marks", "pages", "places"):
            rows = doc[name]
            if not rows:
                continue
            if name == "claims":
                for i, r in enumerate(rows):
                    r["claim_id"] = i
            for r in rows:
                r["unit_id"] = uid
            _append(self.cols[name], rows)

    @staticmethod
    def _extend(into: dict[str, list], columns: dict[str, list], d: int) -> None:
        n = len(columns["t"])
        for k, values in into.items():
            values.extend(repeat(d, n) if k == "d" else columns[k] if k in columns else repeat(None, n))

    def frames(self) -> dict[str, pl.DataFrame]:
        out = {name: frames.from_columns(name, c) for name, c in self.cols.items()}
        cells = tables.cells_frame(self.read, self.tables, self.ids)
        # What a document's cells say of it: how many (for every document parsed), and
        # 表1's total, else the one its narrative confirms.
        facts = tables.unit_facts(cells)
        units = out["units"]
        out["units"] = (
            units.with_row_index("d")
            .with_columns(pl.col("d").cast(pl.Int64), narrative=pl.Series(self.narrative_totals, dtype=pl.Float64))
            .join(facts, on="d", how="left", maintain_order="left")
            .with_columns(
                n_cells=pl.when(pl.col("n_lines").is_not_null()).then(pl.col("cells_read").fill_null(0)),
                total_budget_yuan=pl.coalesce("table_total", "narrative"),
            )
            .select(units.columns)
        )
        out["cells"] = cells.drop("d")
        return {name: out[name] for name in frames.SCHEMAS}


def _append(columns: dict[str, list], rows: list[dict]) -> None:
    for k, values in columns.items():
        values.extend(map(dict.get, rows, repeat(k)))  # r.get(k) for r in rows, without a Python loop


BATCH = 64  # files a worker parses before handing back frames


def _parse_batch(files: list[Source]) -> dict[str, pl.DataFrame]:
    return collect(parse_one(f) for f in files)


def parse_files(
    files: list[Source],
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    texts: dict[str, list[str]] | None = None,
    keep: Callable[[dict, Document], None] | None = None,
) -> dict[str, pl.DataFrame]:
    """Parse files into frames, in file order; with workers > 1 in batches by worker
    processes that hand back compact frames, not Python rows. `texts`, `keep`: see
    collect (in one process only)."""
    files = list(files)
    if workers <= 1 or len(files) <= BATCH:

        def docs():
            for i, f in enumerate(files):
                yield parse_one(f)
                if progress:
                    progress(i + 1)

        return collect(docs(), texts, keep)

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    batches = [files[i : i + BATCH] for i in range(0, len(files), BATCH)]
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in frames.SCHEMAS}
    done = 0
    # Not fork: polars keeps a thread pool, and forking a threaded process can deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch, result in zip(batches, pool.map(_parse_batch, batches)):
            for name, frame in result.items():
                parts[name].append(frame)
            done += len(batch)
            if progress:
                progress(done)
    return {name: pl.concat(p, rechunk=True) for name, p in parts.items()}


def cache_split(
    files: list[Source],
    ids: list[str],
    cache: ContentCache,
    stats: list[tuple] | None = None,
    where: list[str] | None = None,
) -> tuple[pl.DataFrame, list[Source]]:
    """(what the cache holds: content_sha1, _segment, unit_id, source_path; the files it
    lacks). `ids` are the files' unit ids; `stats` their file_stats and `where` their
    locations, if taken already."""
    mapping = pl.DataFrame(
        {
            "unit_id": ids,
            "source_path": [str(f) for f in files],
            "content_sha1": content_hashes(files, index=cache.dir.parent / STAT_INDEX, stats=stats, where=where),
        },
        schema={"unit_id": pl.String, "source_path": pl.String, "content_sha1": pl.String},
    )
    hits = mapping.join(cache.known(), on="content_sha1", how="inner", maintain_order="left")
    cached = set(hits["unit_id"])
    return hits, [f for f, uid in zip(files, ids) if uid not in cached]


def in_file_order(ids: list[str], parts: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Frames sorted by the order of their unit's id in `ids` (stable within a unit)."""
    order = pl.DataFrame({"unit_id": ids}, schema={"unit_id": pl.String}).with_row_index("_order")
    return {
        name: frame.join(order, on="unit_id", how="left").sort("_order", maintain_order=True).drop("_order")
        for name, frame in parts.items()
    }
