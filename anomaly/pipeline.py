"""`anomaly screen` from end to end: datasets → frames → checks and features → scores → reports."""

from __future__ import annotations

import hashlib
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

import polars as pl

from anomaly import __version__, history
from anomaly.copies import copies_from_keys, pairable
from anomaly.engine import selected
from anomaly.execution import exe_findings
from anomaly.per_file import RESULTS, bundle_results, on_polars_threads, results_of, worker_pool
from anomaly.ranking import rank
from anomaly.scoring import score_wide
from anomaly.triage import apply as apply_triage
from anomaly.triage import audit, decisions, with_keys
from anomaly.years import uncertain_keys, with_identity, xyr_findings
from datasets.bundles import find_bundles, joined_sha1
from datasets.cache import (
    PARSER_SOURCES,
    STAT_INDEX,
    ContentCache,
    code_fingerprint,
    file_stats,
    in_use,
    mark_used,
    path_key,
    save_stat_index,
    upkeep,
)
from datasets.corpus import cache_split, in_file_order, unit_id_at, unit_id_of
from datasets.read.sources import location
from features import assign_peers
from features.over_time import OVER_TIME, over_time
from features.peers import LEVELS, within_year
from reports.excel import write_xlsx
from reports.files import write_tables
from reports.html import write_html
from reports.model import ReportInput


@dataclass
class Options:
    select: list[str] | None = None
    ignore: list[str] | None = None
    lang: str = "zh"
    workers: int = 1
    cache_dir: Path | None = None
    triage_db: Path | str | None = None  # a path or a URL; default $ANOMALY_DB, else OUT/triage.sqlite
    cluster: str | None = None  # a Dask scheduler's address: the per-file stage runs there
    extra: dict = field(default_factory=dict)  # recorded in the manifest as given


def screen(
    files: list[Path], out_dir: Path, options: Options, progress: Callable[[int], None] | None = None
) -> ReportInput:
    """Parse, check, score and rank `files`; write every output into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    caches = Caches.of(options)
    # The per-file results kept in Parquet (ON_DISK) live here until the reports are
    # written; the cache is held as long: its segments are read lazily as well.
    with in_use(options.cache_dir) as alone:
        with tempfile.TemporaryDirectory(prefix=".spill-", dir=out_dir) as spill:
            run = _screen(files, out_dir, options, progress, Path(spill), caches)
        # Every run marks what it used, so that no other run's upkeep drops it; upkeep
        # itself runs only when no other run holds the cache.
        mark_used(caches.contents(), caches.folders(), run=hashlib.sha1(location(out_dir).encode()).hexdigest()[:16])
        if alone():
            upkeep(options.cache_dir, caches.contents(), caches.folders())
    return run


@dataclass
class Caches:
    """A run's caches (all None without a cache folder): per-file results, joined
    disclosures' results and the report's evidence, each in a folder named by the code
    (and options) its entries come from."""

    results: ContentCache | None = None
    bundles: ContentCache | None = None
    report: Path | None = None

    @classmethod
    def of(cls, options: Options) -> Caches:
        if not options.cache_dir:
            return cls()
        return cls(
            results_cache(options, "results"),
            results_cache(options, "bundles", keep_paths=True),
            options.cache_dir / f"report-{code_fingerprint(REPORT_SOURCES, version('pypdfium2'), version('pillow'))}",
        )

    def contents(self) -> list[ContentCache]:
        return [c for c in (self.results, self.bundles) if c is not None]

    def folders(self) -> list[Path]:
        return [c.dir for c in self.contents()] + ([self.report] if self.report else [])


def _screen(
    files: list[Path],
    out_dir: Path,
    options: Options,
    progress: Callable[[int], None] | None,
    spill: Path,
    caches: Caches,
) -> ReportInput:
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    stages: dict[str, float] = {"read": 0.0, "parse_check": 0.0}
    cpu: dict[str, float] = {"read": 0.0, "parse_check": 0.0}
    peaks: dict[str, float] = {}
    cpu_since = [_cpu_s()]

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        stages[name] = round(stages.get(name, 0.0) + now - since, 3)
        # CPU since the previous lap, of this process and its finished workers (a worker's
        # time counts once the pool is shut down, still within parse_check).
        cpu_now = _cpu_s()
        cpu[name] = round(cpu.get(name, 0.0) + cpu_now - cpu_since[0], 3)
        cpu_since[0] = cpu_now
        # Peak resident memory so far (MiB), of this process and of its worker processes.
        peaks[name] = round(
            max(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            )
            / 1024,
            1,
        )
        return now

    read: dict[str, int] = {}
    # Each file's size and time (to find its cached results by), before the thread below:
    # a stat lets go of the GIL, and an importing thread holding it then cost 100,000
    # files 2.2 s instead of 0.5.
    stats = file_stats(files) if caches.results is not None else None
    # The forest's libraries take a second or more to import: on a warm night, half the
    # run. Imported on a thread, that second passes while files are hashed and parsed.
    threading.Thread(target=import_module, args=("anomaly.forest",), daemon=True).start()
    lap("read", t0)
    per_unit = unit_results(files, options, progress, lap, spill, read, caches.results, stats)
    t = time.perf_counter()
    per_unit = joined_results(per_unit, options, caches.bundles)  # 说明 + 报表 read as one
    t = lap("parse_check", t)
    # Each per-unit frame is taken out of per_unit at its last use, so that it is freed
    # there, not held through the reports (hundreds of MiB at 100,000 units).
    units = with_identity(per_unit.pop("units"))
    # Of the frames kept on disk, only the rows a cross-unit stage can use.
    per_unit |= in_file_order(
        units["unit_id"].to_list(),
        {
            "statements": partnered(per_unit["statements"], units),
            "paragraphs": pairable(per_unit["paragraphs"], units),
        },
    )

    # Peers are budgets: a 决算's figures are what was spent, not what was planned.
    budgets = units.filter(pl.col("doc_kind") != "final").select("unit_id")
    wide = assign_peers(within_year(per_unit.pop("wide").join(budgets, on="unit_id", how="semi"), units))
    # Execution and growth from the unit's other disclosures, compared with its peers'
    # and scored (anomaly.scoring.TIMED_SCORING) when the run has any: a unit without a
    # 决算 is scored on what it has; a run without any, exactly as before.
    timed = over_time(units, per_unit["statements"])
    if timed.height and timed.select(pl.exclude("unit_id").is_not_null().any()).row(0).count(True):
        wide = wide.join(timed, on="unit_id", how="left")
    scores, features, out_findings = score_wide(wide, units, lang=options.lang)
    peers = wide.select("unit_id", *[c for c in ("peer_kind", "peer_class", *LEVELS) if c in wide.columns])
    del wide
    features = features.filter(~pl.col("feature").is_in(OVER_TIME) | pl.col("value").is_not_null())
    copies = copies_from_keys(units, per_unit.pop("vectors"), per_unit.pop("paragraphs"), lang=options.lang)
    t = lap("scoring", t)
    years, years_coverage = xyr_findings(units, per_unit["statements"], lang=options.lang)
    executed, executed_coverage = exe_findings(units, per_unit.pop("statements"), lang=options.lang)
    t = lap("cross_documents", t)  # XYR and EXE over every disclosure: timed apart for nightly runs
    # Cross-unit findings (OUT, CPY, XYR, EXE001) obey --select/--ignore like the catalog's checks.
    wanted = [r.code for r in selected(options.select, options.ignore)]
    cross = [f.filter(pl.col("rule").is_in(wanted)) for f in (out_findings, copies, years, executed)]
    findings = pl.concat([per_unit.pop("findings"), *cross], how="diagonal_relaxed")
    coverage = pl.concat(
        [
            per_unit.pop("coverage"),
            # Cross-document outcomes come from joins and group-bys: sorted, so runs agree byte for byte.
            *(
                c.filter(pl.col("rule").is_in(wanted)).sort("unit_id", "rule")
                for c in (years_coverage, executed_coverage)
            ),
        ],
        how="vertical_relaxed",
    )
    uncertain = uncertain_keys(units)

    # Remembered decisions and the previous run: dismissed findings stay in the outputs,
    # marked, but no longer count towards a unit's rank.
    findings = with_keys(findings, units)
    triage_db = options.triage_db or os.environ.get("ANOMALY_DB") or out_dir / "triage.sqlite"
    findings = apply_triage(findings, decisions(triage_db))
    # A night on which not a single input could be read (a share not mounted) is no
    # night of the history: compared with it, the next run would call every finding new.
    none_read = units.height > 0 and units.filter(pl.col("parse_status") != "failed").height == 0
    compared_with, same_files_as = (None, None) if none_read else history.base(out_dir, units)
    findings, changes = history.compare(findings, units, compared_with)
    if none_read:
        changes["not_recorded"] = True
    if same_files_as:
        changes["same_files_as"] = same_files_as
    active = findings.filter(pl.col("triage").is_null() | (pl.col("triage") != "dismissed"))
    ranking = rank(units, active, scores, lang=options.lang)
    t = lap("scoring", t)

    # Every input file, with the disclosure it was read into (说明 + 报表 are one).
    inputs = (
        units.select("source_files", "unit_id", "parse_status", "parse_error")
        .explode("source_files")
        .rename({"source_files": "source_path"})
        .select("source_path", "unit_id", "parse_status", "parse_error")
    )
    counts = dict(inputs["parse_status"].value_counts().iter_rows())
    manifest = {
        "tool": "anomaly",
        "version": __version__,
        "started_at": started.isoformat(timespec="seconds"),
        "inputs_seen": len(files),
        "files_read": read.get("files", len(files)),  # parsed and checked this run; the rest came from the cache
        "ok": counts.get("ok", 0),
        "partial": counts.get("partial", 0),
        "failed": counts.get("failed", 0),
        "findings": findings.height,
        "dismissed": findings.height - active.height,
        "changes": changes,
        # The same file under two names (a copy in the folder, a re-upload): read and
        # ranked twice, and a peer counted twice.
        "duplicate_files": units.filter(pl.col("content_sha1").is_not_null())
        .group_by("content_sha1")
        .agg(pl.col("source_path").sort())
        .filter(pl.col("source_path").list.len() > 1)
        .sort("source_path")["source_path"]
        .to_list(),
        "unit_keys": {  # the same unit across years and kinds (unit_key); uncertain ones are not matched
            "keys": units["unit_key"].drop_nulls().n_unique(),
            "across_years": units.filter(pl.col("unit_key").is_not_null())
            .group_by("unit_key")
            .agg(pl.col("year").n_unique())
            .filter(pl.col("year") > 1)
            .height,
            "uncertain": uncertain.with_columns(pl.col("paths")).to_dicts(),
        },
        "options": {
            "select": options.select,
            "ignore": options.ignore,
            "lang": options.lang,
            "workers": options.workers,
            "cache": str(options.cache_dir) if options.cache_dir else None,
            **options.extra,
        },
        "files": inputs,  # one row a file: written by polars (reports.files.write_json)
    }
    run = ReportInput(
        units=units,
        findings=findings,
        ranking=ranking,
        coverage=coverage,
        features=features,
        manifest=manifest,
        lang=options.lang,
        audit=audit(triage_db),
        peers=peers,
        excerpts=per_unit.pop("excerpts"),
        source_cache=caches.report,
    )
    manifest["stages_s"] = stages
    manifest["stages_cpu_s"] = cpu
    manifest["peak_rss_mib"] = peaks
    manifest["elapsed_s"] = round(time.perf_counter() - t0, 3)
    # The page and the workbook side by side: both are mostly polars and zlib, which let
    # go of the GIL (100,000 units: 7.2 -> 5.6 s).
    with ThreadPoolExecutor(max_workers=1) as pool:
        workbook = pool.submit(write_xlsx, out_dir / "report.xlsx", run)
        write_html(out_dir / "report.html", run)
        workbook.result()
    lap("reports", t)
    manifest["elapsed_s"] = round(time.perf_counter() - t0, 3)
    write_tables(out_dir, run)
    if not none_read:
        history.archive(out_dir, started.strftime("%Y%m%dT%H%M%S.%fZ"), units, compared_with)
    return replace(run, excerpts=None)  # they are read from the spill folder, removed on return


def _cpu_s() -> float:
    """CPU seconds so far, user and system, of this process and its finished children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


BATCH = 2000  # files whose results are gathered into one cache segment
ON_DISK = ("paragraphs", "statements", "excerpts")  # per-file results of tens of rows a unit: kept in Parquet
# Files a worker parses and checks at a time at most; its frames are dropped after. A
# worker's peak grows with it (1,000 files: 580 MiB, 750: 480) and its CPU hardly (+1%):
# at 100,000 files two workers beside the main process's 800 MiB stay well under 2 GiB.
TASK = 750
BUNDLE_TASK = 250  # disclosures of several files a task reads at a time at most
IN_PROCESS = 64  # this many files to parse or fewer: no worker processes
MIN_TASK = 100  # files a worker task holds at least (the checks' fixed cost per call)
_HERE = Path(__file__).resolve().parent
# The code a unit's results come from: a change to any of it recomputes them.
RESULT_SOURCES = [
    *PARSER_SOURCES,
    _HERE / "engine.py",
    _HERE / "per_file.py",
    _HERE / "intervals.py",
    _HERE / "copies.py",
    _HERE / "years.py",
    _HERE / "execution.py",
    *(_HERE / "rules").glob("*.py"),
    *(_HERE.parent / "features").glob("*.py"),
]
# The code the report's re-read lines and page pictures come from (reports.source_cache).
REPORT_SOURCES = [*PARSER_SOURCES, *(_HERE.parent / "reports" / n for n in ("evidence.py", "source_lines.py"))]


def unit_results(
    files: list[Path],
    options: Options,
    progress: Callable[[int], None] | None,
    lap: Callable[[str, float], float],
    spill: Path,
    read: dict[str, int] | None = None,
    cache: ContentCache | None = None,
    stats: list[tuple[int | None, int | None]] | None = None,
) -> dict[str, pl.DataFrame | pl.LazyFrame | list[Path]]:
    """What each file decides on its own, for every file: its units row, findings and
    coverage, features and peer levels in file order; the keys copy detection needs and
    the compact statements (ON_DISK) as lazy frames over Parquet, in no set order; and
    "documents": the Parquet files in `spill` of the documents as read of the files
    that may be joined with others (datasets.bundles.Candidates), for joined_results.

    Files are processed in batches whose frames are dropped once their results are
    taken (worker processes parse and check them and hand back only the results), and
    the results are cached by content: a nightly run computes only what changed. The
    ON_DISK frames, tens of rows a unit, are written to `spill` (or read from the
    cache) rather than held: a province's would take gigabytes of memory.
    `lap(stage, since)` adds the time since `since` to a stage and returns now;
    `read["files"]` is set to the number of files parsed (not found in the cache).
    `cache`: the per-file results cache (Caches.results), None for none; `stats`:
    file_stats(files), when the caller has taken them.
    """
    t = time.perf_counter()  # the read stage includes taking every file's size and time
    parts: dict[str, list[pl.DataFrame | pl.LazyFrame]] = {name: [] for name in RESULTS}
    where = [location(f) for f in files]  # taken once: 100,000 files take 0.4 s a pass
    ids = list(map(unit_id_at, where))
    if stats is None:
        stats = file_stats(files) if cache is not None else []
    todo = files
    if cache is not None and cache.has_segments():  # an empty cache needs no hashing
        hits, todo = cache_split(files, ids, cache, stats, where)
        if hits.height:
            for name in RESULTS:
                parts[name].append(cache.scan(hits, name) if name in ON_DISK else cache.scan(hits, name).collect())
    t = lap("read", t)
    done = len(files) - len(todo)
    if read is not None:
        read["files"] = len(todo)
    # A worker costs about half a second to start: a few files are parsed here sooner,
    # in one task (the checks cost a fixed part per call). With workers, two tasks
    # each at least, so that no core idles while another finishes a long one.
    client = None
    workers = options.workers
    if options.cluster and todo:
        from anomaly.cluster import cluster_threads, connect

        client = connect(options.cluster)
        workers = cluster_threads(client)
    parallel = client is not None or (workers > 1 and len(todo) > IN_PROCESS)
    size = max(MIN_TASK, -(-len(todo) // (2 * workers))) if parallel else TASK
    size = min(TASK, size)
    tasks = [todo[k : k + size] for k in range(0, len(todo), size)]
    args = [[a] * len(tasks) for a in (options.select, options.ignore, options.lang)]
    pool = worker_pool(options.workers) if client is None and parallel and len(tasks) > 1 else None
    documents: list[Path] = []
    try:
        pending: list[dict[str, pl.DataFrame]] = []
        if client is not None:
            from anomaly.cluster import results_on_cluster

            results = results_on_cluster(client, tasks, options.select, options.ignore, options.lang)
        else:
            run = on_polars_threads(results_of)
            results = pool.map(run, tasks, *args) if pool else map(run, tasks, *args)
        for n, (task, result) in enumerate(zip(tasks, results), 1):
            read_alone = result.pop("documents", None)
            if read_alone is not None and read_alone.height:
                path = spill / f"{len(documents):05d}.documents.parquet"
                with suppress(OSError):  # they only save reading the files again
                    read_alone.write_parquet(path)
                    documents.append(path)
            pending.append(result)
            done += len(task)
            if progress:
                progress(done)
            if sum(r["units"].height for r in pending) >= BATCH or n == len(tasks):
                batch = {name: pl.concat([r[name] for r in pending], how="vertical_relaxed") for name in RESULTS}
                if cache is not None:
                    with suppress(OSError):  # a cache folder the run may not write costs tomorrow's time
                        cache.store(batch)
                for name, frame in batch.items():
                    if name in ON_DISK:
                        path = spill / f"{len(parts[name]):05d}.{name}.parquet"
                        frame.write_parquet(path)
                        frame = pl.scan_parquet(path)
                    parts[name].append(frame)
                pending, batch = [], {}
            t = lap("parse_check", t)
    finally:
        if pool is not None:
            pool.shutdown()
        if client is not None:
            client.close()
    out = {name: pl.concat(p, how="vertical_relaxed") for name, p in parts.items()}
    out |= in_file_order(ids, {name: out[name] for name in RESULTS if name not in ON_DISK})
    out["documents"] = documents
    if cache is not None:  # so that tomorrow's run reads only the files that changed
        with suppress(OSError):
            save_stat_index(cache.dir.parent / STAT_INDEX, files, stats, out["units"]["content_sha1"].to_list(), where)
    return out


def results_cache(options: Options, kind: str, **how) -> ContentCache | None:
    """The cache of per-unit results of `kind` for this code and these options (None
    without a cache folder): changing either starts a fresh one."""
    if not options.cache_dir:
        return None
    fp = code_fingerprint(
        RESULT_SOURCES, repr(sorted(options.select or [])), repr(sorted(options.ignore or [])), options.lang
    )
    return ContentCache(options.cache_dir, f"{kind}-{fp}", **how)


def bundle_hits(bundles: list, units: pl.DataFrame, cache: ContentCache | None) -> pl.DataFrame:
    """The bundles whose joined results the cache holds for the same files at the same
    paths: content_sha1 (the cache's key), _segment, unit_id, source_path, as
    ContentCache.scan wants them. A bundle's content is known by the hash read_bundle
    gives it (bundles.joined_sha1), from its files' hashes."""
    wanted = {"content_sha1": pl.String, "unit_id": pl.String, "source_path": pl.String}
    if cache is None or not bundles or not cache.has_segments():
        return pl.DataFrame(schema={**wanted, "_segment": pl.String})
    sha = dict(zip(units["unit_id"], units["content_sha1"]))
    rows = []
    for b in bundles:
        digests = [sha.get(uid) for uid in b.unit_ids]
        if all(digests):
            rows.append((path_key(joined_sha1(digests), b.paths), unit_id_of(b.paths[0]), b.paths[0]))
    return pl.DataFrame(rows, schema=wanted, orient="row").join(cache.known(), on="content_sha1")


def joined_results(
    per_unit: dict[str, pl.DataFrame], options: Options, cache: ContentCache | None = None
) -> dict[str, pl.DataFrame]:
    """The files of one disclosure (说明 + 报表) read as one: their results alone are
    replaced by the joined reading's, which takes the place of the narrative file.
    Findings name the file, line and page their evidence is in. Files that could
    belong to two disclosures stay apart, with the reason in parse_error. Joined
    results are cached as a file's are, by their files' content and paths (`cache`:
    Caches.bundles)."""
    documents = per_unit.pop("documents", None)
    units = per_unit["units"]
    bundles, notes = find_bundles(units)
    if notes:
        note = pl.col("unit_id").replace_strict(notes, default=None, return_dtype=pl.String)
        units = units.with_columns(
            pl.when(note.is_not_null())
            .then(pl.concat_str([pl.col("parse_error"), note], separator="; ", ignore_nulls=True))
            .otherwise(pl.col("parse_error"))
            .alias("parse_error")
        )
    if not bundles:
        return {**per_unit, "units": units}
    hits = bundle_hits(bundles, units, cache)
    known = set(hits["unit_id"])
    found = []
    todo = [b for b in bundles if unit_id_of(b.paths[0]) not in known]
    if todo:
        # The files as this run read them alone (those it parsed, not the cache's) are not read again.
        found.append(_bundle_results([b.paths for b in todo], options, [b.unit_ids for b in todo], documents))
        if cache is not None:
            with suppress(OSError):
                cache.store(found[-1])
    if hits.height:
        found.append({name: cache.scan(hits, name).collect() for name in RESULTS})
    new = {name: pl.concat([f[name] for f in found], how="diagonal_relaxed") for name in RESULTS}
    order = units["unit_id"].to_list()
    members = pl.Series([uid for b in bundles for uid in b.unit_ids], dtype=pl.String).implode()
    parts = {name: {**per_unit, "units": units}[name].filter(~pl.col("unit_id").is_in(members)) for name in RESULTS}
    merged = {
        name: pl.concat([parts[name], new[name].lazy() if name in ON_DISK else new[name]], how="diagonal_relaxed")
        for name in RESULTS
    }
    return merged | in_file_order(order, {name: merged[name] for name in RESULTS if name not in ON_DISK})


def _bundle_results(
    todo: list[list[str]], options: Options, ids: list[list[str]], documents: list[Path] | None
) -> dict[str, pl.DataFrame]:
    """per_file.bundle_results for these bundles (`ids`, `documents`: see there), a task
    of at most BUNDLE_TASK at a time (a task holds its files' documents until its checks):
    in worker processes when there are more than a few and cores to share them (a file
    not kept is read again: a PDF and a workbook take tens of milliseconds), else here."""
    workers = options.workers if options.cluster is None else 1
    pooled = workers > 1 and len(todo) > IN_PROCESS
    size = min(BUNDLE_TASK, -(-len(todo) // (2 * workers))) if pooled else BUNDLE_TASK  # two tasks a worker
    tasks = [todo[k : k + size] for k in range(0, len(todo), size)]
    args = [[a] * len(tasks) for a in (options.select, options.ignore, options.lang)]
    args += [[ids[k : k + size] for k in range(0, len(todo), size)], [documents] * len(tasks)]
    run = on_polars_threads(bundle_results)
    if not pooled:
        parts = list(map(run, tasks, *args))
    else:
        with worker_pool(workers) as pool:
            parts = list(pool.map(run, tasks, *args))
    return {name: pl.concat([p[name] for p in parts], how="diagonal_relaxed") for name in RESULTS}


def partnered(statements: pl.LazyFrame, units: pl.DataFrame) -> pl.DataFrame:
    """The statements of disclosures whose unit_key another disclosure shares: only
    those are compared across years (XYR) and with the budget (EXE) or followed over
    time; a single year's budgets need none of them."""
    if "unit_key" not in units.columns:
        return statements.collect()
    shared = units.filter(pl.col("unit_key").is_not_null() & (pl.len().over("unit_key") > 1))["unit_id"]
    if shared.is_empty():  # not read at all: a filter that keeps nothing still reads every row
        return pl.DataFrame(schema=statements.collect_schema())
    return statements.filter(pl.col("unit_id").is_in(shared.implode())).collect(engine="streaming")
