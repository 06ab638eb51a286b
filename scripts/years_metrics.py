"""Across years on a generated multi-year corpus (`anomaly generate --years … [--finals]`):
unit_key matching, XYR and EXE, from a screen's outputs.

    python scripts/years_metrics.py CORPUS/ RESULTS/

Prints the matching of disclosures to units across years (a unit is matched right when
all its documents share one unit_key and no other unit's document has it; renamed units
must not be matched across the rename), the uncertain keys the manifest lists, and
recall per family with clean documents alarmed (anomaly evaluate), and, with finals,
each 决算 paired with its own budget of the year (right / none / wrong), recall per
family on the 决算 alone and clean 决算 alarmed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from anomaly.evaluate import evaluate, format_report  # noqa: E402


def matching(labels: dict, out: Path) -> dict:
    """right / wrong / split counts of units (true identities) by their documents' unit_key."""
    units = pl.read_parquet(out / "units.parquet").with_columns(pl.col("source_path").str.replace_all(r"\\", "/"))
    files = {d["file"] for d in labels["documents"]}
    by_path = {}
    for p, k in units.select("source_path", "unit_key").iter_rows():
        parts = p.split("/")
        f = next(("/".join(parts[-n:]) for n in (3, 2, 1) if "/".join(parts[-n:]) in files), None)
        if f is not None:
            by_path[f] = k
    truth: dict[str, list[dict]] = defaultdict(list)
    for d in labels["documents"]:
        truth[d["unit_key"]].append(d)
    holders: dict[str, set[str]] = defaultdict(set)
    for t, docs in truth.items():
        for d in docs:
            holders[by_path.get(d["file"])].add(t)
    right = wrong = split = renamed_split = 0
    for docs in truth.values():
        keys = [by_path.get(d["file"]) for d in docs]
        if any(len(holders[k]) > 1 or k is None for k in keys):
            wrong += 1
            continue
        if any(d.get("renamed") for d in docs):
            # Before and after the rename are two keys: right is two keys, one for each name.
            before = {by_path[d["file"]] for d in docs if not d.get("renamed")}
            after = {by_path[d["file"]] for d in docs if d.get("renamed")}
            if len(before) == 1 and len(after) == 1 and before != after:
                renamed_split += 1
            else:
                wrong += 1
            continue
        if len(set(keys)) == 1:
            right += 1
        else:
            split += 1
    return {"units": len(truth), "right": right, "wrong": wrong, "split": split, "renamed_kept_apart": renamed_split}


def _path_map(labels: dict, out: Path) -> dict[str, str]:
    """labelled file → unit_id of the screen."""
    units = pl.read_parquet(out / "units.parquet").with_columns(pl.col("source_path").str.replace_all(r"\\", "/"))
    files = {d["file"] for d in labels["documents"]}
    out_map = {}
    for p, i in units.select("source_path", "unit_id").iter_rows():
        parts = p.split("/")
        f = next(("/".join(parts[-n:]) for n in (3, 2, 1) if "/".join(parts[-n:]) in files), None)
        if f is not None:
            out_map[f] = i
    return out_map


def finals_report(labels: dict, out: Path) -> list[str]:
    """Budget-vs-final pairing, recall per family on the 决算 and clean 决算 alarmed."""
    from anomaly.execution import budget_pairs

    finals = [d for d in labels["documents"] if d.get("doc_kind") == "final"]
    if not finals:
        return []
    ids = _path_map(labels, out)
    units = pl.read_parquet(out / "units.parquet")
    paired = dict(budget_pairs(units).select("unit_id", "budget_id").iter_rows())
    right = sum(paired.get(ids.get(d["file"])) == ids.get(d["budget_file"]) for d in finals)
    none = sum(paired.get(ids.get(d["file"])) is None for d in finals)
    findings = pl.read_parquet(out / "findings.parquet").filter(pl.col("severity").is_in(["error", "warning"]))
    fams: dict[str, set] = defaultdict(set)
    for u, f in findings.select("unit_id", "family").unique().iter_rows():
        fams[u].add(f)
    planted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    clean = alarmed = 0
    for d in finals:
        got = fams.get(ids.get(d["file"]), set())
        if d["clean"]:
            clean += 1
            alarmed += bool(got)
        for a in d["anomalies"]:
            planted[a["family"]][0] += 1
            planted[a["family"]][1] += a["family"] in got
    lines = [
        f"决算 {len(finals)}: paired with their own budget {right}, with none {none}, "
        f"with another {len(finals) - right - none}",
        "family on 决算  labelled  found  recall",
    ]
    for fam, (n, k) in sorted(planted.items()):
        lines.append(f"{fam:14} {n:9} {k:6} {100 * k / n:6.1f}%")
    lines.append(f"clean 决算 with an error or warning: {alarmed} of {clean} ({100 * alarmed / max(clean, 1):.1f}%)")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("results", type=Path)
    args = ap.parse_args(argv)
    labels = json.loads((args.corpus / "labels.json").read_text(encoding="utf-8"))
    m = matching(labels, args.results)
    manifest = json.loads((args.results / "manifest.json").read_text(encoding="utf-8"))
    print(
        f"units {m['units']}: matched right {m['right']}, renamed and kept apart {m['renamed_kept_apart']}, "
        f"split over several keys {m['split']}, matched wrongly {m['wrong']}; "
        f"uncertain keys listed {len(manifest.get('unit_keys', {}).get('uncertain', []))}"
    )
    print(format_report(evaluate(labels, args.results)))
    for line in finals_report(labels, args.results):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
