"""Parse throughput and peak memory, on one core.

    python scripts/bench_parse.py                 # the seed disclosure, 2,000 times
    python scripts/bench_parse.py FOLDER          # every disclosure under FOLDER (text, PDF, ...)
    python scripts/bench_parse.py --generate 2000 [--format pdf]  # a fresh synthetic corpus
    python scripts/bench_parse.py --pdf SEED.pdf  # one PDF (e.g. the seed rendered), 200 times

Prints documents (and pages) per second: read + decode + parse + frames, then with the
checks; and the process's peak resident memory. Not a test: timings vary with the machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anomaly.engine import run_rules  # noqa: E402
from datasets.corpus import collect, parse_files, parse_one  # noqa: E402
from datasets.parse import parse_bytes  # noqa: E402
from datasets.read import discover  # noqa: E402

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path)
    ap.add_argument("--repeat", type=int, default=2000, help="copies of the seed to parse (no folder given)")
    ap.add_argument("--generate", type=int, help="generate a synthetic corpus of this many units and parse it")
    ap.add_argument("--format", default="txt", help="with --generate: txt, pdf or mixed")
    ap.add_argument("--pdf", type=Path, help="one PDF to parse --repeat times (default 200)")
    args = ap.parse_args()

    if args.generate:
        from datasets.synthetic import generate_corpus

        tmp = Path(tempfile.mkdtemp(prefix="anomaly-bench-"))
        generate_corpus(tmp, units=args.generate, seed=7, fmt=args.format)
        args.folder = tmp
    if args.pdf:
        tmp = Path(tempfile.mkdtemp(prefix="anomaly-bench-"))
        data = args.pdf.read_bytes()
        for i in range(args.repeat if args.repeat != 2000 else 200):
            (tmp / f"{i:04d}.pdf").write_bytes(data)
        args.folder = tmp

    if args.folder:
        files = discover([args.folder])
        size = sum(f.stat().st_size for f in files)
        t0, c0 = time.perf_counter(), time.process_time()
        frames = parse_files(files)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        n = len(files)
        print(f"{n} files, {size / n / 1024:.1f} KiB each on average")
        print(
            f"parse (read + decode + extract + frames): {n / dt:,.0f} documents/s wall, {n / cpu:,.0f}/s per CPU second"
        )
        pages = int(frames["units"]["pages"].fill_null(0).sum())
        if pages:
            print(f"pages: {pages / n:.1f} per document, {pages / cpu:,.0f} pages per CPU second")
        c1 = time.process_time()
        run_rules(frames)
        checks = time.process_time() - c1
        print(
            f"parse + checks: {n / (cpu + checks):,.1f} documents per CPU second (checks {checks / n * 1000:.1f} ms each)"
        )
        print(f"rows: {', '.join(f'{k} {v.height:,}' for k, v in frames.items())}")
    else:
        seed = sorted(SEED.glob("*.txt"))
        if not seed:
            sys.exit("no ../shared/seed here: give a FOLDER or --generate N")
        data = seed[0].read_bytes()

        def docs():
            for i in range(args.repeat):
                doc = parse_bytes(data)
                doc["unit"].update(unit_id=str(i), source_path=str(i))
                yield doc

        t0, c0 = time.perf_counter(), time.process_time()
        frames = collect(docs())
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"seed disclosure ({len(data) / 1024:.1f} KiB) x {args.repeat}")
        print(
            f"parse (decode + extract + frames): {args.repeat / dt:,.0f} documents/s wall, {args.repeat / cpu:,.0f}/s per CPU second"
        )
        print(
            f"rows: {', '.join(f'{k} {v.height:,}' for k, v in frames.items())}; "
            f"frames {sum(v.estimated_size() for v in frames.values()) / 2**20:,.0f} MiB"
        )
        t0 = time.perf_counter()
        for _ in range(200):
            parse_one(seed[0])
        print(f"parse_one from disk: {200 / (time.perf_counter() - t0):,.0f} documents/s")
    print(f"peak memory: {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
