"""The per-file stage on a Dask distributed cluster (``anomaly screen --cluster ADDRESS``).

The client (this process) sends each task, a list of files, to the cluster's workers,
which read the files from a filesystem they share with the client (paths are made
absolute before they are sent) or by URL (datasets.read.sources) and hand back the per-unit results; scoring, copies,
ranking and reports stay here. A worker that dies mid-task loses nothing: the
scheduler runs its tasks again on another worker (``distributed.scheduler.
allowed-failures`` times, 3 by default). A task that still fails is run again file by
file (a file that fails then is tried once more on its own, in case it was only queued
on a worker another file killed), and a file that kills its workers every time is
reported ``failed`` with the reason, so the run goes on.

Needs the optional extra: ``pip install 'anomaly[cluster]'``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from anomaly.per_file import failed_results, results_of

CRASHED = "工作进程读取此文件时多次崩溃，未读取 / the cluster's workers crashed reading this file, not read ({})"


def connect(address: str):
    """A distributed Client of the scheduler at ``address`` (a clear error without the extra)."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "--cluster needs Dask distributed: pip install 'anomaly[cluster]' / 需要安装 anomaly[cluster]"
        ) from exc
    return Client(address, set_as_default=False)


def cluster_threads(client) -> int:
    """Worker threads the cluster has now (at least 1)."""
    return max(1, sum(client.nthreads().values()))


def results_on_cluster(
    client, tasks: list[list[Path]], select: list[str] | None, ignore: list[str] | None, lang: str
) -> Iterator[dict[str, pl.DataFrame]]:
    """results_of(task) for every task, computed on the cluster, yielded in task order.
    Not on a polars thread (per_file.on_polars_thread): a worker's event loop serialises
    finished results with polars while the next task runs, and with one polars thread
    it waited, holding the GIL, for the thread the task held (a deadlock, seen)."""
    futures = client.map(results_of, tasks, select=select, ignore=ignore, lang=lang, pure=False)
    for task, future in zip(tasks, futures):
        try:
            yield future.result()
        except Exception:  # a worker died on it too often, or the task raised: file by file
            yield _one_by_one(client, task, select, ignore, lang)
        finally:
            future.release()


def _one_by_one(
    client, task: list[Path], select: list[str] | None, ignore: list[str] | None, lang: str
) -> dict[str, pl.DataFrame]:
    futures = client.map(results_of, [[f] for f in task], select=select, ignore=ignore, lang=lang, pure=False)
    parts = []
    for path, future in zip(task, futures):
        try:
            parts.append(future.result())
        except Exception:
            # Perhaps only queued on a worker that another file killed: once more, alone.
            parts.append(_alone(client, path, select, ignore, lang))
        finally:
            future.release()
    return {name: pl.concat([p[name] for p in parts], how="vertical_relaxed") for name in parts[0]}


def _alone(
    client, path: Path, select: list[str] | None, ignore: list[str] | None, lang: str
) -> dict[str, pl.DataFrame]:
    future = client.submit(results_of, [path], select=select, ignore=ignore, lang=lang, pure=False)
    try:
        return future.result()
    except Exception as exc:
        return failed_results(path, CRASHED.format(type(exc).__name__), select, ignore, lang)
    finally:
        future.release()
