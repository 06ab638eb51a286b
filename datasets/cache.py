"""Caches keyed by file content, so a nightly run redoes only what changed.

What is computed from one file alone (its parsed frames; its findings, coverage and
features) depends only on the file's bytes and on the code, so it is stored under the
SHA-1 of the content. A cache is a folder of segments: each run that computes
something new writes one segment (a Parquet file per frame) in which the unit_id
column holds the content hash. Loading joins the rows back to the current files, so
two files with the same content each get their own rows, and a moved file is a hit.

A segment's "units" frame is renamed into place last: a segment without it is
incomplete (a killed run) and is never read. The folder name carries a hash of the
code the rows came from, so changing that code starts a fresh cache instead of
serving stale rows.

A large run writes several segments and each night adds one. Every run records the
keys it used (remember), and a run that finds more than MAX_SEGMENTS merges them into
one (reading 100,000 files' results from one took half the time of fifty), keeping the
entries some run used in the last KEEP_DAYS (an old version of a republished file goes);
folders of other code or options that no run used for KEEP_DAYS are removed. Merging and
removing happen only when no other run holds the cache (in_use): a run reads segments
lazily until its reports are written.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import polars as pl

try:
    import fcntl
except ImportError:  # Windows: no flock; the cache is neither merged nor pruned there
    fcntl = None

from datasets.read.sources import Source, location, sha1, stat

STAT_INDEX = "stat-index.parquet"  # in the cache root: path, size, mtime_ns (a version), sha1 of the last run
MAX_SEGMENTS = 16  # a night adds one, a large run one per BATCH files; a run finding more merges them
KEEP_DAYS = 30  # entries no run used, and folders of other code, are kept this long
_LOCK, _USED = ".lock", "used"  # in the root: held by runs; in a folder: the keys each run used
_FOLDER = re.compile(r"^(?:results|bundles|report)-[0-9a-f]{12}$")  # ContentCache and report cache folders
_HERE = Path(__file__).parent
PARSER_SOURCES = [
    *(
        _HERE / n
        for n in (
            "frames.py",
            "text.py",
            "numbers.py",
            "vocabulary.py",
            "narrative.py",
            "tables.py",
            "parse.py",
            "copykeys.py",
            "roles.py",
            "placeholders.py",
            "corpus.py",
            "excerpts.py",
        )
    ),
    *sorted((_HERE / "read").rglob("*.py")),
    _HERE / "bundles.py",
]


def code_fingerprint(paths: list[Path], *extra: str) -> str:
    """Hash of source files (and any extra strings such as options)."""
    h = hashlib.sha1()
    for p in sorted(paths):
        h.update(p.read_bytes())
    for e in extra:
        h.update(e.encode())
    return h.hexdigest()[:12]


def path_key(content_sha1: str, paths: list[str]) -> str:
    """The key of results that name their files (ContentCache(keep_paths=True)): their
    content's hash and where the files are."""
    return hashlib.sha1("\n".join([content_sha1, *paths]).encode()).hexdigest()


class ContentCache:
    """Frames keyed by unit_id, stored by content hash. Every stored batch must hold a
    "units" frame (unit_id, content_sha1 …) naming the documents it covers."""

    def __init__(self, root: Path, namespace: str, keep_paths: bool = False):
        self.dir = Path(root) / namespace
        # Rows whose paths are part of what they say (a disclosure joined from several
        # files names the file each finding is in) keep them, and are stored under
        # path_key(content, paths): the same files elsewhere are another entry.
        self.keep_paths = keep_paths
        self._used: list[pl.Series] = []  # keys this run looked up or stored (remember)
        self._run = f"{os.getpid()}-{secrets.token_hex(3)}"  # in its segments' names: which run wrote them

    def _segments(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        return sorted(p.name[: -len(".units.parquet")] for p in self.dir.glob("seg-*.units.parquet"))

    def has_segments(self) -> bool:
        return bool(self._segments())

    def known(self) -> pl.DataFrame:
        """content_sha1 -> the segment that holds it (the oldest, if several do)."""
        segs = self._segments()
        if not segs:
            return pl.DataFrame(schema={"content_sha1": pl.String, "_segment": pl.String})
        return (
            pl.scan_parquet([self.dir / f"{s}.units.parquet" for s in segs])
            .select(pl.col("unit_id").alias("content_sha1"), "_segment")
            .unique("content_sha1", keep="first", maintain_order=True)
            .collect()
        )

    def scan(self, wanted: pl.DataFrame, name: str) -> pl.LazyFrame:
        """The frame `name` for `wanted` (content_sha1, _segment, unit_id, source_path),
        read only when collected, rows grouped by segment (callers put them in file
        order): a stage that needs a few of its rows or columns reads only those. Each
        segment's file is read with a plain filter on the hashes wanted from it, so that
        a streaming collect holds one file's rows at a time, not a province's."""
        self._used.append(wanted.get_column("content_sha1"))
        per_segment = wanted.group_by("_segment", maintain_order=True).agg(pl.col("content_sha1").unique())
        rows = pl.concat(
            [
                pl.scan_parquet(self.dir / f"{segment}.{name}.parquet")
                .filter(pl.col("unit_id").is_in(pl.Series(shas).implode()))
                .drop("_segment")
                for segment, shas in per_segment.iter_rows()
            ],
            how="vertical_relaxed",
        )
        columns = rows.collect_schema().names()
        # Each content's rows go to every file that holds it (a copy of a file: once more).
        ids = wanted.select(
            pl.col("content_sha1").alias("unit_id"),
            pl.col("unit_id").alias("_uid"),
            pl.col("source_path").alias("_path"),
        )
        rows = rows.join(ids.lazy(), on="unit_id", how="inner", maintain_order="left")
        put = {"unit_id": pl.col("_uid")}
        if "source_path" in columns and not self.keep_paths:
            put["source_path"] = pl.col("_path")
        if "source_files" in columns and not self.keep_paths:  # the cache holds one file's results
            put["source_files"] = pl.concat_list("_path")
        return rows.with_columns(**put).select(columns)

    def store(self, batch: dict[str, pl.DataFrame]) -> None:
        """Write a batch (its "units" frame has unit_id and content_sha1) as one segment."""
        units = batch["units"].filter(pl.col("content_sha1").is_not_null())
        if units.height == 0:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        seg = f"seg-{time.time_ns():020d}-{self._run}"
        # One document per key: a copy of a file adds nothing to the cache.
        keys = (
            [path_key(c, f) for c, f in zip(units["content_sha1"], units["source_files"])]
            if self.keep_paths
            else units["content_sha1"]
        )
        to_sha = units.select("unit_id", _sha=pl.Series(keys, dtype=pl.String)).unique(
            "_sha", keep="first", maintain_order=True
        )
        self._used.append(to_sha.get_column("_sha"))
        written = []
        for name in sorted(batch, key=lambda n: n == "units"):  # units last: it marks completion
            frame = batch[name].join(to_sha, on="unit_id", how="inner", maintain_order="left")
            frame = frame.with_columns(unit_id=pl.col("_sha")).drop("_sha")
            if "source_path" in frame.columns and not self.keep_paths:  # where the file is now is not content
                frame = frame.with_columns(source_path=pl.lit(None, pl.String))
            if "source_files" in frame.columns and not self.keep_paths:
                frame = frame.with_columns(source_files=pl.lit(None, pl.List(pl.String)))
            tmp = self.dir / f".{seg}.{name}.parquet.tmp"
            frame.with_columns(_segment=pl.lit(seg)).write_parquet(tmp)
            written.append((tmp, self.dir / f"{seg}.{name}.parquet"))
        for tmp, final in written:
            os.replace(tmp, final)

    def remember(self, run: str) -> None:
        """Record the keys this run used, as `run`'s (one file a run key, replaced each
        time), so that merging by any run keeps them for KEEP_DAYS."""
        if not self._used or not self.dir.is_dir():
            return
        replace_parquet(self.dir / _USED / f"{run}.parquet", pl.concat(self._used).unique().to_frame("key"))

    def compact(self) -> bool:
        """Merge the segments into one when there are more than MAX_SEGMENTS, keeping the
        entries some run used in the last KEEP_DAYS (remember); say if it did. Call it
        only when no other run holds the cache (in_use), after this run's reads and
        remember: the old segments are removed. A crash midway leaves entries twice
        (the oldest is read), never none: the merged one is complete before any goes."""
        segs = self._segments()
        if len(segs) <= MAX_SEGMENTS:
            return False
        lists = [f for f in (self.dir / _USED).glob("*.parquet") if recent(f.stat().st_mtime_ns)]
        used = pl.scan_parquet(lists).select("key").collect().to_series() if lists else pl.Series(dtype=pl.String)
        # One entry a key, from the segment known() reads.
        kept = (
            self.known()
            .filter(pl.col("content_sha1").is_in(used.implode()))
            .select(pl.concat_str("content_sha1", "_segment", separator="\x1f"))
            .to_series()
        )
        seg = f"seg-{time.time_ns():020d}-{self._run}"
        names = {p.name[len(segs[0]) + 1 : -len(".parquet")] for p in self.dir.glob(f"{segs[0]}.*.parquet")}
        written = []
        try:
            for name in sorted(names, key=lambda n: n == "units"):  # units last: it marks completion
                parts = [self.dir / f"{s}.{name}.parquet" for s in segs]
                tmp = self.dir / f".{seg}.{name}.parquet.tmp"
                written.append((tmp, self.dir / f"{seg}.{name}.parquet"))
                # Filters keep each file's row order; a row group at a time (a province's keys).
                pl.concat([pl.scan_parquet(p) for p in parts if p.is_file()], how="diagonal_relaxed").filter(
                    pl.concat_str("unit_id", "_segment", separator="\x1f").is_in(kept.implode())
                ).with_columns(_segment=pl.lit(seg)).sink_parquet(tmp)
        except BaseException:  # an unreadable segment, a full disk: the segments stay as they were
            for tmp, _ in written:
                tmp.unlink(missing_ok=True)
            raise
        for tmp, final in written:
            os.replace(tmp, final)
        for s in segs:  # units first: a segment without it is never read
            for name in sorted(names, key=lambda n: n != "units"):
                (self.dir / f"{s}.{name}.parquet").unlink(missing_ok=True)
        return True

    def tidy(self) -> None:
        """Remove what killed runs left: temporary files, segments without their units
        frame, lists of used keys older than KEEP_DAYS. Only when no other run holds the
        cache (in_use): another run's segment lacks its units until it is complete."""
        complete = set(self._segments())
        stale = [
            f
            for f in (self.dir.glob("*.parquet*") if self.dir.is_dir() else ())
            if f.name.startswith(".") or f.name.split(".", 1)[0] not in complete
        ]
        if (self.dir / _USED).is_dir():
            stale += [
                f for f in (self.dir / _USED).glob("*") if f.name.startswith(".") or not recent(f.stat().st_mtime_ns)
            ]
        for f in stale:
            with suppress(OSError):  # one that cannot be removed keeps none of the others
                f.unlink(missing_ok=True)


def recent(ns: int) -> bool:
    """Whether a time (ns since the epoch) is within the last KEEP_DAYS."""
    return ns >= time.time_ns() - KEEP_DAYS * 86_400 * 10**9


@contextmanager
def in_use(root: Path | None) -> Iterator[Callable[[], bool]]:
    """Hold the cache folder `root` while a run reads it: a shared lock on its .lock, so
    that no other run merges or removes what this one reads (a run waits here while
    another merges). Yields alone(): after the run's reads, it tries to make the lock
    exclusive and says whether no other run holds the folder. Where the lock cannot be
    had (no folder, no flock as on Windows, a file system without locks), the run reads
    the cache unlocked, as it always could, and alone() is False: nothing is merged."""
    fd = None
    if root is not None and fcntl is not None:
        with suppress(OSError):
            Path(root).mkdir(parents=True, exist_ok=True)
            fd = _lock_file(Path(root) / _LOCK)
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)
            except OSError:
                os.close(fd)
                fd = None
    if fd is None:
        yield lambda: False
        return

    def alone() -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another run holds it (our shared lock may be gone: reads are done)
            return False
        return True

    try:
        yield alone
    finally:
        os.close(fd)


def _lock_file(path: Path) -> int:
    """A descriptor to flock `path` by: writable where it may be (NFS emulates flock with
    locks that need it for an exclusive one); read-only where another user's run made
    the file."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        return os.open(path, os.O_RDONLY)


@contextmanager
def one_writer(file: Path) -> Iterator[None]:
    """Hold `file` for one run's read-merge-replace at a time (the stat index, a kind of
    the report's kept items: two runs sharing the cache each keep the other's entries):
    an exclusive lock on `.STEM.lock` beside it, waited for. Where none can be had,
    unlocked, as before: a lost entry costs the next run its time, never its outputs."""
    fd = None
    if fcntl is not None:
        with suppress(OSError):
            file.parent.mkdir(parents=True, exist_ok=True)
            fd = _lock_file(file.with_name(f".{file.stem}.lock"))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                os.close(fd)
                fd = None
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)


def replace_parquet(file: Path, frame: pl.DataFrame) -> None:
    """`file` replaced by `frame` at once (written beside it, then renamed: a reader sees
    the old file or the new one). The temporary file is named for this run, so that
    another's is never overwritten; one a killed run left is removed by upkeep."""
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        frame.write_parquet(tmp)
        os.replace(tmp, file)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def mark_used(caches: list[ContentCache], folders: list[Path], run: str) -> None:
    """After every run, alone or not: the keys its caches used (ContentCache.remember)
    and its folders marked as used now, so that no other run's upkeep drops them.
    Failing, it costs only another run's time: never this one."""
    for cache in caches:
        with suppress(Exception):
            cache.remember(run)
    for folder in folders:
        if folder.is_dir():
            with suppress(OSError):
                (folder / ".used").touch()


def upkeep(root: Path, caches: list[ContentCache], mine: list[Path]) -> None:
    """After a run that has the cache to itself (in_use), after mark_used: tidy and merge
    its caches (ContentCache.tidy, compact), and remove the folders of other code or
    options (results-*, bundles-*, report-*) no run has used in KEEP_DAYS. `mine`: the
    run's own folders. Failing, it costs only time and disk: never the run."""
    for cache in caches:  # each on its own: a leftover that cannot be removed still lets the merge go on
        with suppress(Exception):
            cache.tidy()
        with suppress(Exception):
            cache.compact()
    # What killed runs were writing: the stat index, the report's kept items (each run's
    # temporary file is named for it, so that none is another's while it runs).
    left = [*root.glob(f".{STAT_INDEX}.*.tmp"), *(f for f in root.glob("*/.*.tmp") if _FOLDER.match(f.parent.name))]
    for tmp in left:
        with suppress(OSError):
            tmp.unlink()
    names = {f.name for f in mine}
    with suppress(OSError):
        for folder in root.iterdir():
            if folder.name in names or not _FOLDER.match(folder.name) or not folder.is_dir():
                continue
            mark = folder / ".used"
            if not recent((mark if mark.exists() else folder).stat().st_mtime_ns):
                shutil.rmtree(folder, ignore_errors=True)


def content_hashes(
    files: list[Source], index: Path | None = None, stats: list[tuple] | None = None, where: list[str] | None = None
) -> list[str | None]:
    """SHA-1 of each file's bytes, None where the file cannot be read.

    With `index` (see save_stat_index), a file whose size and version (modification
    time, or a URL's ETag or mtime: sources.stat) are unchanged since the last run keeps
    its hash without being read, as make and rsync decide. Hashing runs in threads:
    hashlib and file reads (and an object store's requests) release the GIL. `stats`:
    file_stats(files), and `where` their locations (sources.location), when the caller
    has taken them already.
    """
    from concurrent.futures import ThreadPoolExecutor

    if not files:
        return []
    paths = [location(f) for f in files] if where is None else where
    known: dict[tuple, str] = {}
    if index is not None and index.is_file():
        try:  # the index holds every run's files (a shared cache): only these are looked up
            asked = pl.DataFrame({"path": paths}, schema={"path": pl.String})
            index_rows = (
                pl.scan_parquet(index)
                .select("path", "size", "mtime_ns", "sha1")
                .join(asked.lazy(), on="path", how="semi")
                .collect()
                .iter_rows()
            )
            known = {(p, n, m): h for p, n, m, h in index_rows}
        except Exception:  # an unreadable index only costs the hashing
            known = {}
    if known and stats is None:
        stats = file_stats(files)
    out = [known.get((p, *st)) for p, st in zip(paths, stats)] if known else [None] * len(files)
    todo = [i for i, h in enumerate(out) if h is None]
    with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 1) * 2)) as pool:
        for i, h in zip(todo, pool.map(sha1, [files[i] for i in todo], chunksize=256)):
            out[i] = h
    return out


def file_stats(files: list[Source]) -> list[tuple[int | None, int | None]]:
    """(size, version) of each file (sources.stat), taken before it is read."""
    return [stat(f) for f in files]


def save_stat_index(
    index: Path, files: list[Source], stats: list[tuple], hashes: list[str | None], where: list[str] | None = None
) -> None:
    """Remember each file's size and version (as taken before the run read it) with its
    content hash, for the next run. A file without a version (a URL whose filesystem
    tells none) is left out: it is hashed on every run. Other runs' files (runs of other
    inputs share the cache) are kept while some run saw them in the last KEEP_DAYS.
    `where`: the files' locations, if taken already."""
    now = time.time_ns()
    schema = {"path": pl.String, "size": pl.Int64, "mtime_ns": pl.Int64, "sha1": pl.String, "used": pl.Int64}
    paths = [location(f) for f in files] if where is None else where
    frame = pl.DataFrame(
        {
            "path": paths,
            "size": [n for n, _ in stats],
            "mtime_ns": [m for _, m in stats],
            "sha1": hashes,
            "used": [now] * len(paths),
        },
        schema=schema,
    ).filter(pl.col("sha1").is_not_null() & pl.col("size").is_not_null() & pl.col("mtime_ns").is_not_null())
    with one_writer(index):
        try:  # read again now: a run sharing the cache may have written since this one began
            kept = pl.read_parquet(index)
            kept = kept.with_columns((pl.col("used") if "used" in kept.columns else pl.lit(now)).cast(pl.Int64))
            others = kept.select(*schema).filter(pl.col("used") >= now - KEEP_DAYS * 86_400 * 10**9)
            frame = pl.concat([frame, others.join(frame, on="path", how="anti")])
        except Exception:  # none yet, or unreadable: this run's files only
            pass
        replace_parquet(index, frame)
