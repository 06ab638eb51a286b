"""The per-file stage on a real Dask cluster (LocalCluster, two worker processes): the
same outputs as a local run, byte for byte, also when a worker dies mid-run; a file
that crashes every worker that reads it is reported failed and the run goes on."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

distributed = pytest.importorskip(
    "distributed", reason="Dask distributed not installed (pip install 'anomaly[cluster]')"
)

from anomaly.pipeline import Options, screen  # noqa: E402
from datasets.read import discover  # noqa: E402

COMPARED = ["units.parquet", "findings.parquet", "findings.csv", "coverage.parquet", "ranking.csv", "features.parquet"]


class DieOnce(distributed.WorkerPlugin):
    """The first task any worker starts kills that worker (once in the whole run)."""

    def __init__(self, marker: str):
        self.marker = marker

    def setup(self, worker):
        import anomaly.per_file as per_file

        real, marker = per_file.results_of, self.marker

        def results_of(files, *args, **kwargs):
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return real(files, *args, **kwargs)
            os._exit(1)

        per_file.results_of = results_of


class CrashOn(distributed.WorkerPlugin):
    """Any task holding a file of this name kills its worker, every time."""

    def __init__(self, name: str):
        self.name = name

    def setup(self, worker):
        import anomaly.per_file as per_file

        real, name = per_file.results_of, self.name

        def results_of(files, *args, **kwargs):
            if any(Path(f).name == name for f in files):
                os._exit(1)
            return real(files, *args, **kwargs)

        per_file.results_of = results_of


REFERENCE = ("cluster", 120, 8)  # the corpus and local screen of conftest's reference


@pytest.fixture
def cluster():
    import dask

    # One retry after a worker death, so the crash test runs in seconds.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
            yield c


def _same_outputs(a: Path, b: Path) -> None:
    for name in COMPARED:
        if (a / name).read_bytes() != (b / name).read_bytes() and name.endswith(".parquet"):
            x, y = pl.read_parquet(a / name), pl.read_parquet(b / name)
            differ = [c for c in x.columns if x.height != y.height or not x[c].equals(y[c])]
            bad = x[differ[0]] != y[differ[0]] if x.height == y.height and differ else None
            rows = [x.filter(bad).head(2).rows(), y.filter(bad).head(2).rows()] if bad is not None else []
            raise AssertionError(f"{name}: columns {differ} differ, e.g. {rows}")
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_cluster_run_equals_local_run(corpus, local_run, cluster, tmp_path):
    out = tmp_path / "cluster"
    run = screen(discover([corpus]), out, Options(cluster=cluster.scheduler_address))
    assert run.manifest["failed"] == 0
    _same_outputs(local_run, out)


def test_a_worker_dying_mid_run_loses_nothing(corpus, local_run, cluster, tmp_path):
    with distributed.Client(cluster.scheduler_address) as client:
        client.register_plugin(DieOnce(str(tmp_path / "died")))
    out = tmp_path / "cluster"
    screen(discover([corpus]), out, Options(cluster=cluster.scheduler_address))
    assert (tmp_path / "died").exists()  # a worker did die
    _same_outputs(local_run, out)


def test_a_file_that_crashes_workers_is_failed_and_the_rest_read(corpus, cluster, tmp_path):
    files = discover([corpus])
    bad = tmp_path / "crash.txt"
    bad.write_bytes(files[0].read_bytes())
    with distributed.Client(cluster.scheduler_address) as client:
        client.register_plugin(CrashOn("crash.txt"))
    run = screen([*files[:20], bad], tmp_path / "out", Options(cluster=cluster.scheduler_address))
    units = run.units
    row = units.filter(units["source_path"] == str(bad)).row(0, named=True)
    assert row["parse_status"] == "failed" and "crashed" in row["parse_error"]
    assert units.height == 21 and run.manifest["failed"] == 1


def test_workers_read_a_url_themselves(corpus, local_run, cluster, tmp_path, monkeypatch):
    """A file:// URL: only the URL strings go to the workers (reading on the client would
    fail the run), and the outputs are the local run's but for source_path."""
    import datasets.parse

    def no_reading_here(source):
        raise AssertionError(f"the client read {source}")

    monkeypatch.setattr(datasets.parse, "read_bytes", no_reading_here)  # the per-file stage's reader
    url = corpus.as_uri()
    out = tmp_path / "cluster"
    run = screen(discover([url]), out, Options(cluster=cluster.scheduler_address))
    assert run.manifest["failed"] == 0
    assert run.units["source_path"].str.starts_with(url + "/").all()
    local = pl.read_parquet(local_run / "units.parquet")
    assert run.units.drop("source_path", "source_files").equals(local.drop("source_path", "source_files"))
    mine = pl.read_csv(out / "ranking.csv").drop("source_path")
    assert mine.equals(pl.read_csv(local_run / "ranking.csv").drop("source_path"))
