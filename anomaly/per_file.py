"""The per-file stage of a screen: what each file decides on its own (parse, checks,
features and copy keys), run in worker processes.

Workers import this module and what it needs, not the rest of the pipeline: the
scorer (scikit-learn) and the report writers are the client's, and importing them in
every worker cost each one most of a second at start-up.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import polars as pl

from anomaly.copies import copy_keys, figure_vectors
from anomaly.engine import run_rules
from anomaly.years import statements
from datasets.bundles import DOCUMENTS, Candidates, documents_of
from datasets.corpus import collect, failed_doc, parse_bundle, parse_files
from datasets.excerpts import excerpts_of
from features import unit_features

RESULTS = ["units", "findings", "coverage", "wide", "vectors", "paragraphs", "statements", "excerpts"]
CHECK_FAILED = "检查此文件时程序出错，未检查 / checking this file failed, not checked ({}: {})"


def one_thread_each() -> None:
    """Worker set-up: one polars thread per worker process (the processes already use
    every core; more threads only contend). Runs before the worker imports polars."""
    os.environ.setdefault("POLARS_MAX_THREADS", "1")


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Processes for the per-file work (results_of, bundle_results), set up one_thread_each.
    Spawned, not forked: polars keeps a thread pool, and forking a threaded process can
    deadlock."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=one_thread_each
    )


def on_polars_thread(fn: Callable, *args, **kwargs):
    """fn(*args, **kwargs), run on one of polars' own pool threads. Every polars
    operation called from another thread is handed to the pool and waited for, two
    thread switches that cost about 0.1 ms an operation on this project's machine, and
    a task's checks make some 1,400 of them (run_rules on 10 documents: 0.30 s → 0.15 s
    on one polars thread). Called from a pool thread, polars runs them on that thread.
    Polars runs an aggregation's function on its pool: a one-row group-by runs fn once.
    While fn runs, no other thread may call polars where polars has one thread (as in
    the workers): that thread is busy with fn, and a polars call that waits for it
    holding the GIL, which fn needs, never returns. Hence only where this process's
    other threads leave polars alone: a worker process, or the main one while it
    parses (a Dask worker's event loop serialises results with polars meanwhile)."""
    box: dict = {}

    def run(s: pl.Series, *_, **__) -> pl.Series:
        if not box:  # once, whatever polars tries
            try:
                box["value"] = fn(*args, **kwargs)
            except BaseException as exc:  # raised again on the caller's thread
                box["error"] = exc
        return s

    one = pl.LazyFrame({"k": [0]})
    one.group_by("k").agg(pl.col("k").map_batches(run, return_dtype=pl.Int64).alias("v")).collect(engine="in-memory")
    if "error" in box:
        raise box["error"]
    return box["value"]


def on_polars_threads(fn: Callable) -> Callable:
    """fn made to run on_polars_thread (a picklable function, for worker processes)."""
    return partial(on_polars_thread, fn)


def results_of(
    files: list[Path], select: list[str] | None, ignore: list[str] | None, lang: str
) -> dict[str, pl.DataFrame]:
    """Parse and check files, keeping only the per-unit results (runs in a worker), and
    "documents": the documents as read of files that may be joined with others
    (datasets.bundles.Candidates), so that they are not read twice. A task that raises
    is done again one file at a time, and a file that still raises is kept as `failed`
    with the error: one odd disclosure must not stop a night's run."""
    try:
        texts: dict[str, list[str]] = {}
        keep = Candidates()
        results = frame_results(parse_files(files, texts=texts, keep=keep), select, ignore, lang, texts=texts)
    except Exception as exc:
        if len(files) > 1:
            each = [results_of([f], select, ignore, lang) for f in files]
            return {
                name: pl.concat([r[name] for r in each], how="vertical_relaxed") for name in [*RESULTS, "documents"]
            }
        reason = CHECK_FAILED.format(type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "")
        return failed_results(files[0], reason, select, ignore, lang)
    try:
        documents = keep.frame()
    except Exception:  # only saves reading the files again
        documents = pl.DataFrame(schema=DOCUMENTS)
    return results | {"documents": documents}


def bundle_results(
    bundles: list[list[str]],
    select: list[str] | None,
    ignore: list[str] | None,
    lang: str,
    ids: list[list[str]] | None = None,
    documents: list[Path] | None = None,
) -> dict[str, pl.DataFrame]:
    """The per-unit results of disclosures read from several files each (their paths,
    the narrative first: datasets.bundles), each read as one document whose findings
    name the file, line and page their evidence is in (runs in a worker, or in-process).
    `ids`: each bundle's files' unit ids; `documents`: Parquet files of the documents
    the run read alone (Candidates), which are not read again."""
    try:
        read = documents_of(documents or [], [uid for b in ids or [] for uid in b])
    except Exception:  # they only save reading the files again
        read = {}
    docs, maps = [], []
    for k, paths in enumerate(bundles):
        doc, joined = parse_bundle(paths, [read.get(uid) for uid in ids[k]] if ids else None)
        docs.append(doc)
        if joined is not None:
            maps.append(
                pl.DataFrame(
                    {
                        "unit_id": doc["unit"]["unit_id"],
                        "line": range(1, len(joined.line_file) + 1),
                        "_file": [joined.files[k] for k in joined.line_file],
                        "_line": joined.line_in_file,
                        "_page": joined.line_page,
                        "_place": joined.line_place,
                    },
                    schema_overrides={"line": pl.Int64, "_line": pl.Int64, "_page": pl.Int64, "_place": pl.String},
                )
            )
    return frame_results(collect(docs), select, ignore, lang, pl.concat(maps) if maps else None)


def failed_results(
    path: Path, reason: str, select: list[str] | None, ignore: list[str] | None, lang: str
) -> dict[str, pl.DataFrame]:
    """The per-unit results of a file no worker could read (it crashed them)."""
    results = frame_results(collect([failed_doc(path, reason)]), select, ignore, lang)
    return results | {"documents": pl.DataFrame(schema=DOCUMENTS)}


def frame_results(
    frames: dict[str, pl.DataFrame],
    select: list[str] | None,
    ignore: list[str] | None,
    lang: str,
    lines: pl.DataFrame | None = None,
    texts: dict[str, list[str]] | None = None,
) -> dict[str, pl.DataFrame]:
    """The per-unit results of parsed frames. `lines`: for documents read from several
    files, where each line came from (unit_id, line, _file, _line, _page, _place); their
    findings then name that file, line, page and place. `texts`: the documents' lines
    (unit_id -> lines), from which the report's excerpts are taken here, while at hand."""
    findings, coverage = run_rules(frames, select=select, ignore=ignore, lang=lang)
    excerpts = excerpts_of(findings, texts or {})
    if lines is not None and findings.height:
        located = findings.join(lines, on=["unit_id", "line"], how="left")
        joined = pl.col("_file").is_not_null()
        findings = located.with_columns(
            pl.col("_file").fill_null(pl.col("source_path")).alias("source_path"),
            pl.col("_line").fill_null(pl.col("line")).alias("line"),
            pl.when(joined).then(pl.col("_page")).otherwise(pl.col("page")).alias("page"),
            pl.when(joined).then(pl.col("_place")).otherwise(pl.col("place")).alias("place"),
        ).drop("_file", "_line", "_page", "_place")
    return {
        "units": frames["units"],
        "findings": findings,
        "coverage": coverage,
        "wide": unit_features(frames, findings, coverage),
        "vectors": figure_vectors(frames),
        "paragraphs": copy_keys(frames),
        "statements": statements(frames, findings),
        "excerpts": excerpts,
    }
