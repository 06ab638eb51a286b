"""The same labelled corpus read from different formats: extraction, recall per rule
family and clean documents alarmed, side by side (issue: PDF within 1 point of text).

    python scripts/format_parity.py TXT_CORPUS PDF_CORPUS [LIBREOFFICE_CORPUS ...]
    python scripts/format_parity.py --generate 500 --seed 11    # txt and pdf corpora made here

Every corpus is a folder with labels.json (as `anomaly generate` writes it, any
--format); the first is the reference. Each is screened end to end on one core (files
of one disclosure joined); prints documents/s (screening, checks and reports included)
and pages/s.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import polars as pl  # noqa: E402
from rule_metrics import metrics_of  # noqa: E402

from anomaly.pipeline import Options, screen  # noqa: E402
from datasets.accuracy import extraction_report  # noqa: E402
from datasets.read import discover  # noqa: E402


def measure(folder: Path) -> dict:
    """The corpus screened as a user would (every file found, 说明 + 报表 joined), on one
    core, without the cache; extraction and recall measured on the outputs."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    files = discover([folder])
    out = Path(tempfile.mkdtemp(prefix="anomaly-parity-out-"))
    t0, c0 = time.perf_counter(), time.process_time()
    screen(files, out, Options(workers=1))
    cpu = time.process_time() - c0
    wall = time.perf_counter() - t0
    units = pl.read_parquet(out / "units.parquet")
    findings = pl.read_parquet(out / "findings.parquet")
    coverage = pl.read_parquet(out / "coverage.parquet")
    pages = int(units["pages"].fill_null(0).sum()) if "pages" in units.columns else 0
    m = metrics_of(labels, folder, findings, coverage)
    m["extraction"] = extraction_report(labels, folder, units)
    m["status"] = dict(units["parse_status"].value_counts().iter_rows())
    # Files of one disclosure read as one: each document's files are exactly one unit's.
    read_as = {tuple(sorted(Path(f).resolve() for f in files)) for files in units["source_files"].to_list()}
    m["joined"] = sum(
        tuple(sorted((folder / f).resolve() for f in d.get("files", [d["file"]]))) in read_as
        for d in labels["documents"]
    )
    n = len(labels["documents"])
    m["speed"] = (n / cpu, pages / cpu if pages else None, wall)
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="*", type=Path)
    ap.add_argument("--generate", type=int, help="generate this many units as txt and as pdf")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--format", default="pdf", help="with --generate: the format to compare with text")
    args = ap.parse_args()
    corpora = list(args.corpora)
    if args.generate:
        from datasets.synthetic import generate_corpus

        root = Path(tempfile.mkdtemp(prefix="anomaly-parity-"))
        for fmt in ("txt", args.format):
            generate_corpus(root / fmt, units=args.generate, seed=args.seed, fmt=fmt)
            corpora.append(root / fmt)
    if not corpora:
        ap.error("give corpora or --generate N")
    results = [(c.name, measure(c)) for c in corpora]

    width = 12
    print(f"{'':24}" + "".join(f"{name:>{width}}" for name, _ in results))

    def row(label: str, values) -> None:
        print(f"{label:24}" + "".join(f"{v:>{width}}" for v in values))

    row("documents", [m["documents"] for _, m in results])
    row(
        "ok / partial / failed",
        ["/".join(str(m["status"].get(s, 0)) for s in ("ok", "partial", "failed")) for _, m in results],
    )
    row("all figures extracted", [f"{m['extraction']['share']:.2%}" for _, m in results])
    row("files read as labelled", [f"{m['joined'] / m['documents']:.2%}" for _, m in results])
    families = sorted(set().union(*(m["labels"] for _, m in results)))
    for fam in families:
        row(
            f"recall {fam}",
            [f"{m['unit_hits'][fam] / m['labels'][fam]:.1%}" if m["labels"][fam] else "-" for _, m in results],
        )
    total = [(sum(m["unit_hits"].values()), sum(m["labels"].values())) for _, m in results]
    row("recall, all families", [f"{h / n:.1%}" if n else "-" for h, n in total])
    row("clean docs alarmed", [f"{m['clean_alarmed'] / max(m['clean'], 1):.2%}" for _, m in results])
    row("documents/s, one core", [f"{m['speed'][0]:.1f}" for _, m in results])
    row("pages/s, one core", [f"{m['speed'][1]:.0f}" if m["speed"][1] else "-" for _, m in results])
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    for name, m in results:
        misses = m["extraction"]["misses"]
        if misses:
            print(
                f"\n{name}: extraction misses: " + "; ".join(f"{k} {len(v)} (e.g. {v[0]})" for k, v in misses.items())
            )
        for fam, xs in sorted(m["missed"].items()):
            for x in xs:
                print(f"{name}: missed {fam}: {x}")
        for rule, n in m["clean_alarms_by_rule"].most_common(5):
            print(f"{name}: clean alarms {rule}: {n}, e.g. {m['alarm_examples'][rule][0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
