"""A parse cache keyed by file content, so a nightly run re-parses only what changed.

A parsed document depends only on its bytes (and on the parser's code), so its rows are
stored under the SHA-1 of its content. The cache is a folder of segments: each run
that parses new content writes one segment (five Parquet files, one per frame) in
which the unit_id column holds the content hash. Loading joins the rows back to the
current files, so two files with the same content each get their own rows.

A segment is written under temporary names and its units file is renamed into place
last: a segment without a units file is incomplete (a killed run) and is never read.
The cache folder carries a hash of the parser's source, so changing the parser starts
a fresh cache instead of serving stale rows.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import polars as pl

from datasets import frames

FRAMES = ("claims", "cells", "toc", "marks", "units")  # units last: it marks completion


def parser_fingerprint() -> str:
    """Hash of the source files the parse depends on."""
    here = Path(__file__).parent
    h = hashlib.sha1()
    for name in ("frames.py", "reading.py", "text.py", "numbers.py", "vocabulary.py", "narrative.py", "tables.py", "parse.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:12]


class ParseCache:
    def __init__(self, root: Path):
        self.dir = Path(root) / f"parser-{parser_fingerprint()}"

    def _segments(self) -> list[Path]:
        """Complete segments (those whose units file exists), oldest first."""
        if not self.dir.is_dir():
            return []
        return sorted(p for p in self.dir.glob("seg-*.units.parquet"))

    def known(self) -> pl.DataFrame:
        """content_sha1 -> segment that holds it (the first one, if several do)."""
        segs = self._segments()
        if not segs:
            return pl.DataFrame(schema={"content_sha1": pl.String, "_segment": pl.String})
        return (
            pl.scan_parquet(segs).select(pl.col("unit_id").alias("content_sha1"), "_segment")
            .unique("content_sha1", keep="first", maintain_order=True)
            .collect()
        )

    def load(self, wanted: pl.DataFrame) -> dict[str, pl.DataFrame]:
        """Rows for `wanted` (columns content_sha1, _segment, unit_id, source_path)."""
        out = {}
        key = wanted.select("content_sha1", "_segment").unique()
        for name in FRAMES:
            files = [self.dir / f"{p.name.split('.')[0]}.{name}.parquet" for p in self._segments()]
            lf = pl.scan_parquet(files)
            if name == "units":
                lf = lf.drop("content_sha1", "source_path")
            lf = lf.rename({"unit_id": "content_sha1"})
            rows = lf.join(key.lazy(), on=["content_sha1", "_segment"], how="semi", maintain_order="left").collect()
            ids = wanted.select("content_sha1", "unit_id", *(["source_path"] if name == "units" else []))
            rows = rows.join(ids, on="content_sha1", how="inner", maintain_order="left")
            if name != "units":
                rows = rows.drop("content_sha1")
            out[name] = rows.drop("_segment").select(list(frames.SCHEMAS[name]))
        return out

    def store(self, parsed: dict[str, pl.DataFrame]) -> None:
        """Write newly parsed documents (those with a content hash) as one segment."""
        units = parsed["units"].filter(pl.col("content_sha1").is_not_null())
        if units.height == 0:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        seg = f"seg-{time.time_ns():020d}-{os.getpid()}"
        # One document per content: a copy of a file adds nothing to the cache.
        to_sha = units.unique("content_sha1", keep="first", maintain_order=True).select("unit_id", "content_sha1")
        tmp_paths = []
        for name in FRAMES:
            frame = parsed[name].join(to_sha, on="unit_id", how="inner", maintain_order="left")
            if name != "units":
                frame = frame.drop("unit_id").rename({"content_sha1": "unit_id"})
            else:
                frame = frame.with_columns(pl.col("content_sha1").alias("unit_id"))
            frame = frame.with_columns(pl.lit(seg).alias("_segment"))
            tmp = self.dir / f".{seg}.{name}.parquet.tmp"
            frame.write_parquet(tmp)
            tmp_paths.append((tmp, self.dir / f"{seg}.{name}.parquet"))
        for tmp, final in tmp_paths:  # units last
            os.replace(tmp, final)


def content_hashes(files: list[Path]) -> list[str | None]:
    """SHA-1 of each file's bytes, None where the file cannot be read."""
    out = []
    for f in files:
        try:
            out.append(hashlib.sha1(Path(f).read_bytes()).hexdigest())
        except OSError:
            out.append(None)
    return out
