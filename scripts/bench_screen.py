"""Where a screen's time goes: per stage, text and PDF, cold and warm, against the read-and-scan floor.

    python scripts/bench_screen.py                                 # 3,000 text documents, 2 workers
    python scripts/bench_screen.py --format txt,pdf                # text, then the same units as PDFs
    python scripts/bench_screen.py --units 100000 --keep /tmp/b    # province scale; the corpus is kept for next time
    python scripts/bench_screen.py --units 300 --sample 100        # a quick look
    python scripts/bench_screen.py --profile 25                    # also profile a warm run: its top 25 functions

For each format: generate a synthetic corpus (`anomaly generate`, seed 2026; reused
from --keep), then
1. on one core, in one worker process set up as a screen's workers are (one polars
   thread, the work on it), on a sample of the files: the floor (read the file, decode it, one regex
   scan for numbers: the least any parser must do; for a PDF, pdfium's text of every
   page), then parse, checks, and the per-unit features and copy keys, one after the
   other; and the seed disclosure (../shared/seed) parsed 200 times, if it is there;
2. `anomaly screen CORPUS --out OUT --workers N` in a fresh process, cold (empty OUT);
3. 1% of the files changed (a sentence appended to a text; a comment after a PDF's
   end), and the same screen again, warm, into the same OUT;
4. with --profile, 1% more changed and a third screen under cProfile (which sees only
   the main thread: the files parsed in-process, on a polars thread, are one call to
   on_polars_thread; scripts/bench_parse.py profiles the parser).

Prints per stage (from the run's manifest.json: stages_s, stages_cpu_s, peak_rss_mib)
wall time, CPU ms per document and peak memory; the parse and checks inside the workers
are apportioned by their shares on one core. Also documents/s end to end, the warm
speed-up, the peak memory of all the run's processes together (sampled every 0.2 s),
the ratios to the floor, and issue #13's targets. Files are in the OS page cache
(they were just written). Not a test: CI must not run it; timings vary with the machine
and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEEDS = [ROOT.parent / "shared" / "seed", Path("/work/shared/seed")]
SCAN = re.compile(r"\d[\d,]*(?:\.\d+)?")  # every number: the one pass any parser makes
MIB = 2**20


# -- one core: the floor and the per-file stages ------------------------------------


def _pdf_text(data: bytes) -> str:
    """Every page's text from pdfium: the least a PDF reader must do (with the reader's
    pdfium set-up: one tiny font for fonts not embedded, no search of the system's)."""
    import pypdfium2 as pdfium

    from datasets.read.pdf import last_resort_fonts

    last_resort_fonts()
    pdf = pdfium.PdfDocument(data)
    try:
        parts = []
        for page in pdf:
            tp = page.get_textpage()
            parts.append(tp.get_text_range())
            tp.close()
            page.close()
        return "\n".join(parts)
    finally:
        pdf.close()


def one_core_costs(files: list[str], seed: str | None) -> dict[str, float]:
    """CPU seconds of each per-file stage over `files`, one after the other (runs in a
    worker process); and of parsing the seed disclosure, per document."""

    from anomaly.copies import copy_keys, figure_vectors
    from anomaly.engine import run_rules
    from anomaly.years import statements
    from datasets.corpus import collect, parse_files
    from datasets.parse import parse_bytes
    from datasets.read import decode
    from features import unit_features

    cpu = time.process_time
    read = decode_s = scan = 0.0
    numbers = 0
    for f in files:
        c0 = cpu()
        data = Path(f).read_bytes()
        c1 = cpu()
        text = _pdf_text(data) if data[:5] == b"%PDF-" else decode(data)[0]
        c2 = cpu()
        numbers += sum(1 for _ in SCAN.finditer(text))
        read, decode_s, scan = read + c1 - c0, decode_s + c2 - c1, scan + cpu() - c2
    c0 = cpu()
    frames = parse_files([Path(f) for f in files])
    c1 = cpu()
    findings, coverage = run_rules(frames)
    c2 = cpu()
    unit_features(frames, findings, coverage), figure_vectors(frames), copy_keys(frames), statements(frames, findings)
    c3 = cpu()
    out = {
        "read": read,
        "decode": decode_s,
        "scan": scan,
        "numbers": numbers,
        "parse": c1 - c0,
        "checks": c2 - c1,
        "features": c3 - c2,
        "pages": int(frames["units"]["pages"].fill_null(0).sum()),
        "bytes": sum(Path(f).stat().st_size for f in files),
    }
    if seed:
        data, n = Path(seed).read_bytes(), 200
        c0 = cpu()
        docs = []
        for i in range(n):
            doc = parse_bytes(data)
            doc["unit"].update(unit_id=str(i), source_path=str(i))
            docs.append(doc)
        collect(docs)
        out["seed_parse_ms"] = (cpu() - c0) / n * 1000
        out["seed_kib"] = len(data) / 1024
    return out


def measure_one_core(files: list[Path], seed: Path | None) -> dict[str, float]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from anomaly.per_file import on_polars_thread, one_thread_each

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=one_thread_each) as pool:
        args = [str(f) for f in files], str(seed) if seed else None
        return pool.submit(on_polars_thread, one_core_costs, *args).result()


# -- the screen, in a fresh process --------------------------------------------------


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _sample_rss(pid: int, peak: list[float], stop: threading.Event) -> None:
    """The largest sum of resident memory of a process and its descendants seen."""
    import psutil

    try:
        root = psutil.Process(pid)
        while not stop.is_set():
            total = 0
            for p in [root, *root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
            stop.wait(0.2)
    except psutil.Error:
        pass


def screen(corpus: Path, out: Path, workers: int, profile: Path | None = None) -> dict:
    """Run `anomaly screen` in a fresh process; its manifest with wall, CPU and memory."""
    cmd = [sys.executable]
    if profile:
        cmd += ["-m", "cProfile", "-o", str(profile)]
    cmd += ["-m", "anomaly.cli", "screen", str(corpus), "--out", str(out), "--workers", str(workers)]
    peak, stop = [0.0], threading.Event()
    c0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    sampler = threading.Thread(target=_sample_rss, args=(proc.pid, peak, stop), daemon=True)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if code:
        raise SystemExit(f"anomaly screen exited {code}")
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    m["bench"] = {"wall": wall, "cpu": _children_cpu() - c0, "tree_peak_mib": peak[0] / MIB}
    return m


def change_one_percent(files: list[Path], seed: int) -> int:
    """Change 1% of the files as a re-published disclosure would: a sentence appended to
    a text, a comment after a PDF's end (its content, size and time change)."""
    from datasets.read import decode

    chosen = random.Random(seed).sample(files, max(1, len(files) // 100))
    for p in chosen:
        data = p.read_bytes()
        if data[:5] == b"%PDF-":
            p.write_bytes(data + b"\n% republished\n")
        else:
            text, encoding = decode(data)
            p.write_bytes((text + "\n本说明于公开后更新。\n").encode(encoding))
    return len(chosen)


# -- the tables ----------------------------------------------------------------------

STAGES = [
    ("read", "read: each file's size and time, cached results looked up"),
    ("parse_check", "parse + checks + per-unit features (workers)"),
    ("scoring", "features and scoring: peers, isolation forest, copies, years, ranking"),
    ("reports", "reports: HTML, Excel"),
]
SPLIT = [("parse", "parse"), ("checks", "checks"), ("features", "per-unit features, copy keys")]


def run_rows(m: dict, n: int, one: dict) -> list[tuple[str, float, float, float | None]]:
    """(stage, wall s, CPU s, peak MiB so far) for one run, with the parse and checks
    inside the workers apportioned by their one-core shares, and the rest (start-up,
    imports, discovery, the CSV and Parquet tables, history) as `other`."""
    rows = []
    split_total = sum(one[k] for k, _ in SPLIT)
    for key, label in STAGES:
        wall, cpu = m["stages_s"].get(key, 0.0), m.get("stages_cpu_s", {}).get(key, 0.0)
        rows.append((label, wall, cpu, m["peak_rss_mib"].get(key)))
        if key == "parse_check" and split_total:
            for k, sub in SPLIT:
                share = one[k] / split_total
                rows.append((f"  ≈ {sub}", wall * share, cpu * share, None))
    b = m["bench"]
    staged_wall = sum(m["stages_s"].values())
    staged_cpu = sum(m.get("stages_cpu_s", {}).values())
    rows.append(
        ("other: start-up, imports, discovery, tables, history", b["wall"] - staged_wall, b["cpu"] - staged_cpu, None)
    )
    rows.append(("end to end", b["wall"], b["cpu"], b["tree_peak_mib"]))
    return rows


def print_run(title: str, m: dict, n: int, one: dict) -> None:
    b = m["bench"]
    print(f"\n{title}: {n:,} documents in {b['wall']:,.1f} s = {n / b['wall']:,.0f} documents/s end to end")
    print("| stage | wall s | CPU ms/document | peak memory so far, MiB |")
    print("|---|---:|---:|---:|")
    for label, wall, cpu, peak in run_rows(m, n, one):
        mem = "" if peak is None else f"{peak:,.0f}"
        if label == "end to end":
            mem += " (all processes together)"
        print(f"| {label} | {wall:,.2f} | {cpu / n * 1000:,.2f} | {mem} |")


def report(fmt: str, n: int, one: dict, sample: int, cold: dict, warm: dict, changed: int) -> dict:
    per = {k: one[k] / sample * 1000 for k in ("read", "decode", "scan", "parse", "checks", "features")}
    floor = per["read"] + per["decode"] + per["scan"]
    kib = one["bytes"] / sample / 1024
    pages = one["pages"] / sample
    print(f"\n## {fmt}, {n:,} documents ({kib:.1f} KiB{f', {pages:.1f} pages' if pages else ''} each on average)")
    print(f"\nOne core, {sample:,} of the files, CPU ms per document:")
    print("| stage | ms/document | × floor |")
    print("|---|---:|---:|")
    for label, v in [
        ("read the bytes", per["read"]),
        ("decode" + (" (pdfium: every page's text)" if fmt == "pdf" else ""), per["decode"]),
        (f"one regex scan ({one['numbers'] / sample:,.0f} numbers a document)", per["scan"]),
        ("**floor**: read + decode + scan", floor),
        ("parse: read, decode, extract, frames", per["parse"]),
        ("checks", per["checks"]),
        ("per-unit features, copy keys", per["features"]),
        ("the per-file stage", per["parse"] + per["checks"] + per["features"]),
    ]:
        print(f"| {label} | {v:,.2f} | {v / floor:,.1f} |")
    if "seed_parse_ms" in one:
        print(f"the seed disclosure ({one['seed_kib']:.0f} KiB): parse {one['seed_parse_ms']:.2f} ms of CPU")
    print_run("cold", cold, n, one)
    print_run(f"warm ({changed:,} files changed, the same --out)", warm, n, one)
    cw, ww = cold["bench"]["wall"], warm["bench"]["wall"]
    speed = cw / ww
    cold_rate = n / cw
    print(f"\nwarm {speed:.1f}x faster than cold")
    print(
        f"end to end, cold: {cold['bench']['cpu'] / n * 1000:.2f} ms of CPU a document = "
        f"{cold['bench']['cpu'] / n * 1000 / floor:.0f}x the floor"
    )
    peak = max(cold["bench"]["tree_peak_mib"], warm["bench"]["tree_peak_mib"])
    largest = max(max(m["peak_rss_mib"].values()) for m in (cold, warm))
    targets = []
    if fmt == "pdf":
        targets.append((f"≥ 50 PDFs/s end to end, cold: {cold_rate:,.0f}", cold_rate >= 50))
    else:
        want = 1000 if n >= 100_000 else 700
        targets.append((f"≥ {want:,} documents/s end to end, cold: {cold_rate:,.0f}", cold_rate >= want))
        if "seed_parse_ms" in one:
            targets.append(
                (
                    f"parser CPU ≤ 1.5 ms per seed-sized document: {one['seed_parse_ms']:.2f}",
                    one["seed_parse_ms"] <= 1.5,
                )
            )
    targets.append((f"warm ≥ 20x faster than cold: {speed:.1f}x", speed >= 20))
    # The processes' sum is sampled (it can miss a short peak); the largest's is exact.
    targets.append(
        (
            f"peak memory < 2 GiB: {peak:,.0f} MiB all processes, {largest:,.0f} MiB the largest",
            max(peak, largest) < 2048,
        )
    )
    print("issue #13's targets:")
    for text, ok in targets:
        print(f"  {'holds' if ok else 'MISSED'}: {text}")
    return {
        "format": fmt,
        "documents": n,
        "one_core_ms": per,
        "floor_ms": floor,
        "one_core": one,
        "cold": cold,
        "warm": warm,
        "changed": changed,
        "targets": targets,
    }


def print_profile(path: Path, top: int) -> None:
    """The run's time in imports; the project's functions by cumulative time; every
    function by its own time."""
    import pstats

    stats = pstats.Stats(str(path)).stats
    rows = [(ct, tt, nc, file, line, fn) for (file, line, fn), (_, nc, tt, ct, _) in stats.items()]
    total = max(ct for ct, *_ in rows)
    imports = sum(ct for ct, _, _, file, _, fn in rows if fn == "_find_and_load" and "importlib" in file)
    print(f"{total:.2f} s in all (cProfile inflates Python-heavy code); imports {imports:.2f} s")

    def name(file: str, line: int, fn: str) -> str:
        for prefix in (str(ROOT) + "/", str(Path(sys.prefix)) + "/"):
            file = file.removeprefix(prefix)
        return f"{file}:{line}({fn})" if line else fn

    print("imports of the largest modules, cumulative:")
    modules = sorted((r for r in rows if r[5] == "<module>" and "/__init__.py" in r[3]), reverse=True)
    for ct, _, _, file, line, fn in modules[: min(top, 8)]:
        print(f"  {ct:7.2f} s  {name(file, line, fn)}")
    print(f"the project's functions, by cumulative time (top {top}):")
    own = sorted((r for r in rows if r[3].startswith(str(ROOT))), reverse=True)
    for ct, tt, nc, file, line, fn in own[:top]:
        print(f"  {ct:7.2f} s cumulative {tt:6.2f} s own {nc:8,} calls  {name(file, line, fn)}")
    print(f"every function, by its own time (top {top}):")
    for ct, tt, nc, file, line, fn in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        print(f"  {tt:7.2f} s own {ct:6.2f} s cumulative {nc:8,} calls  {name(file, line, fn)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=3000)
    ap.add_argument("--format", default="txt", help="txt, pdf, or both: txt,pdf")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sample", type=int, default=1000, help="files measured on one core (floor, parse, checks)")
    ap.add_argument("--keep", type=Path, help="folder to keep (and reuse) the corpora in")
    ap.add_argument("--profile", type=int, metavar="TOP", help="profile a third, warm run; print its TOP functions")
    ap.add_argument("--json", type=Path, help="write every figure here too")
    args = ap.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="anomaly-bench-screen-"))
    seed = next((f for d in SEEDS for f in sorted(d.glob("*.txt"))), None)
    results = []
    try:
        for fmt in args.format.split(","):
            corpus, out = base / f"corpus-{fmt}-{args.units}", base / f"out-{fmt}-{args.units}"
            if not (corpus / "labels.json").is_file():
                from datasets.synthetic import generate_corpus

                t0 = time.perf_counter()
                generate_corpus(corpus, units=args.units, seed=2026, fmt=fmt)
                print(f"generated {args.units:,} {fmt} documents in {time.perf_counter() - t0:,.1f} s")
            from datasets.read import discover

            files = discover([corpus])
            sample = random.Random(0).sample(files, min(args.sample, len(files)))
            one = measure_one_core(sample, seed)
            shutil.rmtree(out, ignore_errors=True)
            cold = screen(corpus, out, args.workers)
            changed = change_one_percent(files, seed=1)
            warm = screen(corpus, out, args.workers)
            results.append(report(fmt, len(files), one, len(sample), cold, warm, changed))
            if args.profile:
                prof = base / f"warm-{fmt}.prof"
                change_one_percent(files, seed=2)
                screen(corpus, out, args.workers, profile=prof)
                print(f"\nwarm run under cProfile ({prof}):")
                print_profile(prof, args.profile)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"\n{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
