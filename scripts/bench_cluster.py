"""Documents per second on a Dask cluster of this machine (issue #13 item 1), against a local run.

    python scripts/bench_cluster.py CORPUS                 # 1 and 2 worker processes, and local --workers 2
    python scripts/bench_cluster.py CORPUS --workers 1,2,4

For each count N: a LocalCluster of N worker processes, one thread each (POLARS_MAX_THREADS=1,
as the README starts them), then `anomaly screen CORPUS --out OUT --cluster ADDRESS
--no-cache` in a fresh process, cold; then the same screen run locally with --workers 2.
Prints wall time and documents/s end to end, and whether the cluster run's ranking and
findings are byte for byte the local run's. Needs `pip install 'anomaly[cluster]'`. Not a
test: timings vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from datasets.read import discover  # noqa: E402

COMPARED = ("ranking.csv", "findings.csv", "findings.parquet", "units.parquet", "coverage.parquet")


def screen(corpus: Path, out: Path, *extra: str) -> float:
    """Wall seconds of one cold screen in a fresh process."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "anomaly.cli", "screen", str(corpus), "--out", str(out), "--no-cache", *extra],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--workers", default="1,2", help="worker process counts, comma-separated")
    args = ap.parse_args()
    os.environ["POLARS_MAX_THREADS"] = "1"  # the workers' (inherited by the LocalCluster's processes)
    import distributed

    n = len(discover([args.corpus]))
    tmp = Path(tempfile.mkdtemp(prefix="anomaly-cluster-bench-"))
    local = tmp / "local"
    print(f"{n:,} documents under {args.corpus}")
    for count in [int(c) for c in args.workers.split(",")]:
        with distributed.LocalCluster(
            n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            out = tmp / f"cluster-{count}"
            dt = screen(args.corpus, out, "--cluster", cluster.scheduler_address)
        print(f"cluster, {count} worker process(es): {dt:.1f} s, {n / dt:,.0f} documents/s")
    os.environ.pop("POLARS_MAX_THREADS")
    dt = screen(args.corpus, local, "--workers", "2")
    print(f"local, --workers 2: {dt:.1f} s, {n / dt:,.0f} documents/s")
    for count in [int(c) for c in args.workers.split(",")]:
        same = all((tmp / f"cluster-{count}" / f).read_bytes() == (local / f).read_bytes() for f in COMPARED)
        print(f"cluster ({count}) outputs byte for byte the local run's ({', '.join(COMPARED)}): {same}")


if __name__ == "__main__":
    main()
