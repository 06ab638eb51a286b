"""Recall and false alarms of the rules on a generated corpus with labels.json.

    python scripts/rule_metrics.py /tmp/gen300 [--select PCT,YOY] [--show 5]

Prints, per family: labelled anomalies, recall by unit (the unit has a finding of that
family) and recall by line (a finding of that family within ±2 lines of the label's
line); then the share of clean documents with any error/warning finding, and the rules
behind those false alarms (with a few examples to read).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from anomaly.engine import run_rules  # noqa: E402
from datasets.corpus import parse_files, unit_id_of  # noqa: E402


def rule_metrics(folder: Path, select=None, ignore=None, show: int = 3, frames=None) -> dict:
    """Per family: labels, unit and line hits; clean documents alarmed, by rule; examples."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    frames = frames or parse_files([folder / d["file"] for d in labels["documents"]])
    findings, coverage = run_rules(frames, select=select, ignore=ignore)
    return metrics_of(labels, folder, findings, coverage, show)


def metrics_of(labels: dict, folder: Path, findings: pl.DataFrame, coverage: pl.DataFrame, show: int = 3) -> dict:
    """rule_metrics from findings already made (a screen's findings.parquet): documents
    are matched to units by their primary file."""
    docs = labels["documents"]
    files = [folder / d["file"] for d in docs]
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for r in findings.iter_rows(named=True):
        by_unit[r["unit_id"]].append(r)

    n_lab, hit_unit, hit_line = Counter(), Counter(), Counter()
    missed: dict[str, list[str]] = defaultdict(list)
    clean_fa, n_clean, any_fa = Counter(), 0, 0
    fa_examples: dict[str, list[str]] = defaultdict(list)
    for d, f in zip(docs, files):
        fs = by_unit.get(unit_id_of(f), [])
        if d["clean"]:
            n_clean += 1
            # The rule catalog's false alarms: a cross-unit lead (OUT, CPY; the original of a
            # copied unit is the other side of its pair) is judged by `anomaly evaluate`.
            bad = [x for x in fs if x["severity"] in ("error", "warning") and x["family"] not in ("OUT", "CPY")]
            any_fa += bool(bad)
            for rule in {x["rule"] for x in bad}:
                clean_fa[rule] += 1
                if len(fa_examples[rule]) < show:
                    x = next(x for x in bad if x["rule"] == rule)
                    fa_examples[rule].append(f"{d['file']}:{x['line']}  {x['message']}")
            continue
        for a in d["anomalies"]:
            fam = a["family"]
            n_lab[fam] += 1
            same = [x for x in fs if x["family"] == fam]
            hit_unit[fam] += bool(same)
            if a.get("line") is not None and any(
                x["line"] is not None and abs(x["line"] - a["line"]) <= 2 for x in same
            ):
                hit_line[fam] += 1
            if not same and len(missed[fam]) < show:
                missed[fam].append(f"{d['file']}:{a.get('line')}  {a['kind']}: {a.get('detail')}")
    return {
        "documents": len(docs),
        "clean": n_clean,
        "findings": findings.height,
        "labels": n_lab,
        "unit_hits": hit_unit,
        "line_hits": hit_line,
        "clean_alarmed": any_fa,
        "clean_alarms_by_rule": clean_fa,
        "alarm_examples": fa_examples,
        "missed": missed,
        "coverage": coverage,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--select", default=None)
    ap.add_argument("--ignore", default=None)
    ap.add_argument("--show", type=int, default=3, help="examples per false-alarm rule / missed family")
    args = ap.parse_args(argv)
    m = rule_metrics(
        args.folder,
        select=args.select.split(",") if args.select else None,
        ignore=args.ignore.split(",") if args.ignore else None,
        show=args.show,
    )
    n_lab, hit_unit, hit_line = m["labels"], m["unit_hits"], m["line_hits"]
    print(f"{m['documents']} documents, {m['clean']} clean, {m['findings']} findings")
    print(f"{'family':8}{'labels':>8}{'unit recall':>14}{'line recall':>14}")
    for fam in sorted(n_lab):
        n = n_lab[fam]
        print(f"{fam:8}{n:>8}{hit_unit[fam] / n:>14.1%}{hit_line[fam] / n:>14.1%}")
    tot = sum(n_lab.values())
    if tot:
        print(f"{'all':8}{tot:>8}{sum(hit_unit.values()) / tot:>14.1%}{sum(hit_line.values()) / tot:>14.1%}")
    n_clean = m["clean"]
    print(
        f"\nclean documents with an error/warning finding: {m['clean_alarmed']}/{n_clean} ({m['clean_alarmed'] / max(n_clean, 1):.1%})"
    )
    for rule, n in m["clean_alarms_by_rule"].most_common():
        print(f"  {rule}: {n}")
        for e in m["alarm_examples"][rule]:
            print(f"      {e}")
    if m["missed"]:
        print("\nmissed (examples):")
        for fam, xs in sorted(m["missed"].items()):
            for e in xs:
                print(f"  {fam}  {e}")
    cov = (
        m["coverage"]
        .group_by("rule", "outcome")
        .len()
        .pivot(on="outcome", index="rule", values="len")
        .sort("rule")
        .fill_null(0)
    )
    with pl.Config(tbl_rows=100, tbl_width_chars=200):
        print("\ncoverage:")
        print(cov)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
