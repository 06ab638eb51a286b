"""Nightly-run benchmark: a cold screen, then a warm one after 1% of the files changed.

    python scripts/bench_nightly.py --units 100000      # the province-scale figure
    python scripts/bench_nightly.py --units 5000 --keep /tmp/bench

Generates a synthetic corpus (reused from --keep if it is there), runs `anomaly screen`
in a fresh process cold (empty cache and history) and warm (same output folder, 1% of
the files edited), and prints documents per second, wall time, and time and peak
memory per stage (read+parse, checks, features and scoring, reports). Not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def run(corpus: Path, out: Path, workers: int | None) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "anomaly.cli", "screen", str(corpus), "--out", str(out)]
    if workers:
        cmd += ["--workers", str(workers)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def touch_one_percent(corpus: Path, seed: int = 0) -> int:
    """Append a sentence to 1% of the files (as a re-published disclosure would change)."""
    from datasets.read import decode

    files = sorted(p for p in corpus.rglob("*.txt"))
    chosen = random.Random(seed).sample(files, max(1, len(files) // 100))
    for p in chosen:
        text, encoding = decode(p.read_bytes())
        p.write_bytes((text + "\n本说明于公开后更新。\n").encode(encoding))
    return len(chosen)


def show(label: str, wall: float, m: dict) -> None:
    n = m["inputs_seen"]
    print(f"{label}: {n:,} documents in {wall:,.1f}s wall = {n / wall:,.0f} documents/s end to end")
    for stage, secs in m["stages_s"].items():
        print(f"  {stage:<8} {secs:8.1f}s   peak memory so far {m['peak_rss_mib'].get(stage, 0):8,.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="folder to keep (and reuse) the corpus in")
    ap.add_argument("--workers", type=int)
    args = ap.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="anomaly-nightly-"))
    corpus, out = base / f"corpus-{args.units}", base / f"out-{args.units}"
    if not (corpus / "labels.json").is_file():
        from datasets.synthetic import generate_corpus

        t0 = time.perf_counter()
        generate_corpus(corpus, units=args.units, seed=2026)
        print(f"generated {args.units:,} documents in {time.perf_counter() - t0:,.1f}s")
    shutil.rmtree(out, ignore_errors=True)

    cold_wall, cold = run(corpus, out, args.workers)
    show("cold", cold_wall, cold)
    changed = touch_one_percent(corpus)
    warm_wall, warm = run(corpus, out, args.workers)
    show(f"warm ({changed:,} files changed)", warm_wall, warm)
    print(f"warm run {cold_wall / warm_wall:.1f}x faster than cold")


if __name__ == "__main__":
    main()
