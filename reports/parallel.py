"""The reports stage's slow reading, spread over processes: PDFs read again for their
source lines and their pages rendered for crops take tens of milliseconds a file, on
one core each; the other core would idle. pdfium is not thread-safe: processes, not
threads."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
MIN_JOBS = 8  # fewer jobs than this are done here: a process takes about 0.4 s to start
WORKERS = 2


def spread(fn: Callable[[T], R], jobs: list[T], failed: Callable[[T], R]) -> list[R]:
    """[fn(job) for job in jobs], in spawned processes when there are jobs enough and
    cores to share them (fn and the jobs must pickle). A process that dies (a file that
    crashes the PDF library) breaks the pool: the jobs not done by then give
    failed(job), and the report goes without them rather than stopping the run."""
    workers = min(WORKERS, os.cpu_count() or 1)
    # (A daemonic process, such as a pool's worker, may not start processes.)
    if workers < 2 or len(jobs) < MIN_JOBS or multiprocessing.current_process().daemon:
        return [fn(job) for job in jobs]
    # Not fork: polars keeps a thread pool, and forking a threaded process can deadlock.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(fn, job) for job in jobs]
        out = []
        for job, future in zip(jobs, futures):
            try:
                out.append(future.result())
            except Exception:
                out.append(failed(job))
        return out
