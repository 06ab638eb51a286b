"""A nightly run that adds one year: how long, what is re-read, what the cross-document checks cost.

    python scripts/bench_years.py                           # 2,000 units x 2022-2025 with finals, 2 workers
    python scripts/bench_years.py --units 10000 --keep /tmp/y --scale 5

1. `anomaly generate --units N --years Y --finals` (seed 2026; reused from --keep);
2. a folder holding every year but the last, screened cold into OUT;
3. the last year's budgets and 决算 added to the folder, and the same screen again into
   the same OUT: its time, manifest.json's `files_read` (files parsed; the rest came from
   the cache) and `stages_s`, among them `cross_documents` (XYR and EXE over every
   disclosure);
4. XYR and EXE alone on the warm run's per-unit results, and on them repeated --scale
   times as other units (a county x scale: a province's 10,000 units from 2,000).

Not a test: timings vary with the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

CLI = [sys.executable, "-c", "from anomaly.cli import main; main()"]


def _screen(folder: Path, out: Path, workers: int) -> tuple[float, dict]:
    t = time.perf_counter()
    subprocess.run(
        [*CLI, "screen", str(folder), "--out", str(out), "--workers", str(workers)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _link_years(corpus: Path, night: Path, years: list[int]) -> int:
    """Hard-link the corpus files of `years` into `night` (county/year/file): their count."""
    n = 0
    for f in corpus.rglob("*.txt"):
        if int(f.parent.name) in years:
            dest = night / f.relative_to(corpus)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not dest.exists():
                os.link(f, dest)
                n += 1
    return n


def _cross_alone(night: Path, out: Path, scale: int) -> list[tuple[int, int, float]]:
    """(copies, disclosures, seconds) of XYR + EXE on the warm results, repeated as other units."""
    from anomaly.execution import exe_findings
    from anomaly.pipeline import Caches, Options, unit_results
    from anomaly.years import with_identity, xyr_findings

    files = sorted(night.rglob("*.txt"))
    options = Options(cache_dir=out / ".anomaly-cache")
    with tempfile.TemporaryDirectory() as spill:
        per = unit_results(files, options, None, lambda _s, t: t, Path(spill), cache=Caches.of(options).results)
        units, stated = with_identity(per["units"]), per["statements"].collect()
    rows = []
    for k in sorted({1, scale}):
        u = pl.concat([units.with_columns(pl.col("unit_id") + f"#{i}", pl.col("unit_key") + f"#{i}") for i in range(k)])
        s = pl.concat([stated.with_columns(pl.col("unit_id") + f"#{i}") for i in range(k)])
        t = time.perf_counter()
        xyr_findings(u, s)
        exe_findings(u, s)
        rows.append((k, u.height, time.perf_counter() - t))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--years", default="2022-2025")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scale", type=int, default=5, help="also time XYR + EXE on the results repeated this often")
    ap.add_argument("--keep", type=Path, help="work here and keep the corpus for next time")
    args = ap.parse_args(argv)
    first, last = (int(y) for y in args.years.split("-"))
    years = list(range(first, last + 1))
    work = args.keep or Path(tempfile.mkdtemp(prefix="anomaly-years-"))
    corpus, night, out = work / f"corpus-{args.units}", work / "night", work / "out"
    if not (corpus / "labels.json").exists():
        subprocess.run(
            [
                *CLI,
                "generate",
                "--units",
                str(args.units),
                "--years",
                args.years,
                "--finals",
                "--seed",
                "2026",
                "--out",
                str(corpus),
            ],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    shutil.rmtree(night, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    n_old = _link_years(corpus, night, years[:-1])
    cold_s, cold = _screen(night, out, args.workers)
    n_new = _link_years(corpus, night, years[-1:])
    warm_s, warm = _screen(night, out, args.workers)
    print(f"{args.units} units, {len(years)} years with finals: {n_old} disclosures, then {n_new} of {years[-1]} added")
    print(f"cold  {n_old:6} files  {cold_s:6.1f} s  read {cold['files_read']:6}  stages {cold['stages_s']}")
    print(f"+year {n_old + n_new:6} files  {warm_s:6.1f} s  read {warm['files_read']:6}  stages {warm['stages_s']}")
    for k, n, s in _cross_alone(night, out, args.scale):
        print(f"XYR + EXE alone over {n:7} disclosures (x{k}): {s:.2f} s")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
