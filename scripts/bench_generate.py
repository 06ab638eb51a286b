"""Benchmark the synthetic corpus generator: documents per second and peak memory.

    python scripts/bench_generate.py [--units 3000] [--seed 1]

Runs on one core (the generator is single-threaded) and writes into a temporary
folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datasets.synthetic import generate_corpus  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    try:
        t0 = time.perf_counter()
        labels = generate_corpus(out, units=args.units, seed=args.seed)
        dt = time.perf_counter() - t0
        files = [p for p in out.rglob("*.txt")]
        size = sum(p.stat().st_size for p in files)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    n = len(labels["documents"])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"{n} documents in {dt:.2f}s: {n / dt:.0f} docs/s, {size / n / 1024:.1f} KiB/doc, "
        f"{size / dt / 2**20:.1f} MiB/s, peak RSS {peak_mb:.0f} MiB"
    )


if __name__ == "__main__":
    main()
