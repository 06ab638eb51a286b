"""Extraction, recall per family and clean documents alarmed, per template family.

    python scripts/template_metrics.py CORPUS/             # a corpus with labels.json
    python scripts/template_metrics.py --template mof --units 2000 --seed 1

Parses the corpus once and prints the three acceptance numbers of issue #15 for it:
documents with every labelled figure extracted, recall by unit per family, and the share
of clean documents with any error or warning finding (with the rules behind them).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datasets.accuracy import extraction_report, format_extraction  # noqa: E402
from datasets.corpus import parse_files  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rule_metrics import rule_metrics  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, nargs="?")
    ap.add_argument("--template", default="mof")
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=2)
    args = ap.parse_args(argv)
    folder = args.folder
    if folder is None:
        from datasets.synthetic import generate_corpus

        folder = Path(tempfile.mkdtemp(prefix=f"anomaly-{args.template}-"))
        generate_corpus(folder, units=args.units, seed=args.seed, template=args.template)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    frames = parse_files([folder / d["file"] for d in labels["documents"]])
    print(f"{folder}: parsed {frames['units'].height} files in {time.perf_counter() - t0:.1f}s")
    print(format_extraction(extraction_report(labels, folder, frames["units"])))
    m = rule_metrics(folder, frames=frames, show=args.show)
    n_lab, hit = m["labels"], m["unit_hits"]
    print(f"{'family':8}{'labels':>8}{'unit recall':>14}")
    for fam in sorted(n_lab):
        print(f"{fam:8}{n_lab[fam]:>8}{hit[fam] / n_lab[fam]:>14.1%}")
    n_clean = m["clean"]
    print(
        f"clean documents with an error/warning: {m['clean_alarmed']}/{n_clean} ({m['clean_alarmed'] / max(n_clean, 1):.1%})"
    )
    for rule, n in m["clean_alarms_by_rule"].most_common():
        print(f"  {rule}: {n}")
        for e in m["alarm_examples"][rule]:
            print(f"      {e}")
    for fam, xs in sorted(m["missed"].items()):
        for e in xs:
            print(f"  missed {fam}  {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
