"""What the report reads again from the source files (the lines around a finding's
evidence, pictures of its PDF page), kept between runs under the file's content hash.

A nightly run's top units and their findings change little, and reading a PDF again
or rendering its page costs tens of milliseconds a file (seconds a report, spent in
processes started for it). Kept here, a run reads again only the files that changed
or newly rose to the top. A kept item is found by the SHA-1 of its file's bytes and
the rest of what asked for it (the line and stated figure; the page, evidence and
scale), so a changed file is read afresh and a moved one is not. Only items found are
kept: "nothing found" may be a spent time budget, to be tried again. Each kind is one
Parquet file, rewritten by each run with its items and those another run (another
--out sharing the cache) used in the last KEEP_DAYS, so it stays about a report's
size; the folder's name carries the code's fingerprint (see anomaly.pipeline).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import polars as pl

from datasets import cache
from datasets.read.sources import source_of

# value: JSON; used: when a run last used the item (ns since the epoch)
SCHEMA = {"sha1": pl.String, "key": pl.String, "value": pl.String, "used": pl.Int64}


def reuse(
    folder: Path | None,
    kind: str,
    rows: list[tuple],
    compute: Callable[[list[tuple]], list],
    known: dict[str, str] | None = None,
) -> list:
    """compute(rows), where each row is (source path, *rest) and compute gives one
    JSON-able value or None per row, computed only for the rows not kept in `folder`;
    the values found are kept for the next run. Without a folder, compute(rows).
    `known`: the SHA-1 of files the run has hashed already, by path."""
    if folder is None or not rows:
        return compute(rows)
    known = known or {}
    paths = sorted({str(r[0]) for r in rows if r[0]} - known.keys())
    # The others (a joined disclosure's files): the folder sits in the cache root, whose
    # stat index knows the hash of every input file unchanged since it was read.
    digests = known | dict(
        zip(paths, cache.content_hashes([source_of(p) for p in paths], index=Path(folder).parent / cache.STAT_INDEX))
    )
    keys = [(digests.get(str(r[0])) if r[0] else None, json.dumps(list(r[1:]), ensure_ascii=False)) for r in rows]
    file = Path(folder) / f"{kind}.parquet"
    kept = _read(file)
    out = [json.loads(kept[k][0]) if k in kept else None for k in keys]
    todo = [i for i, v in enumerate(out) if v is None]
    for i, value in zip(todo, compute([rows[i] for i in todo]) if todo else []):
        out[i] = value
    now = time.time_ns()
    _write(file, {k: (json.dumps(v, ensure_ascii=False), now) for k, v in zip(keys, out) if k[0] and v is not None})
    return out


def _read(file: Path) -> dict[tuple[str, str], tuple[str, int]]:
    """The kept items, {(sha1, key): (value as JSON, last used)}; {} when there are none
    or the file cannot be read (it only costs reading)."""
    try:
        frame = pl.read_parquet(file)
    except Exception:
        return {}
    if "used" not in frame.columns:  # kept before items were dated: read afresh
        return {}
    return {(s, k): (v, used) for s, k, v, used in frame.select(*SCHEMA).iter_rows()}


def _write(file: Path, items: dict[tuple[str, str], tuple[str, int]]) -> None:
    """Keep this run's `items` and the items of `file` some run used in the last
    KEEP_DAYS (read again now: another run sharing the folder may have written since);
    a folder that cannot be written loses nothing but the next run's time."""
    with cache.one_writer(file):
        items = {k: item for k, item in _read(file).items() if cache.recent(item[1])} | items
        frame = pl.DataFrame([(s, k, v, used) for (s, k), (v, used) in items.items()], schema=SCHEMA, orient="row")
        with suppress(OSError):
            cache.replace_parquet(file, frame)
