"""Extraction accuracy against a labelled corpus: does the parser recover every labelled figure?"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

TRUTH_FIELDS = [
    "total_budget_yuan",
    "staff_authorized",
    "staff_actual",
    "retirees",
    "vehicles",
    "sangong_total_yuan",
    "sangong_prior_yuan",
]


def extraction_report(labels: dict, corpus_dir: Path, units: pl.DataFrame) -> dict:
    """Per document, whether every labelled figure was recovered; per field, the misses.

    Documents are matched to units by path relative to the corpus folder. Money is
    compared to within half a 分 (the labels hold the printed figure in 元).
    """
    root = Path(corpus_dir).resolve()
    by_path = {
        str(Path(p).resolve().relative_to(root)).replace("\\", "/"): row
        for p, row in zip(units["source_path"], units.iter_rows(named=True))
    }
    misses: dict[str, list[str]] = {f: [] for f in TRUTH_FIELDS + ["unit_name", "year", "parsed"]}
    perfect = 0
    for doc in labels["documents"]:
        row = by_path.get(doc["file"])
        if row is None or row["parse_status"] == "failed":
            misses["parsed"].append(doc["file"])
            continue
        ok = True
        for field in ("unit_name", "year"):
            if doc.get(field) is not None and row[field] != doc[field]:
                misses[field].append(doc["file"])
                ok = False
        for field in TRUTH_FIELDS:
            want, got = doc["truth"].get(field), row[field]
            if want is None:
                continue
            if got is None or not math.isclose(float(got), float(want), abs_tol=0.005):
                misses[field].append(doc["file"])
                ok = False
        perfect += ok
    n = len(labels["documents"])
    return {
        "documents": n,
        "all_figures_recovered": perfect,
        "share": perfect / n if n else 0.0,
        "misses": {k: v for k, v in misses.items() if v},
    }


def format_extraction(report: dict) -> str:
    lines = [
        f"documents: {report['documents']}",
        f"every labelled figure recovered: {report['all_figures_recovered']} ({report['share']:.2%})",
    ]
    for field, files in report["misses"].items():
        lines.append(f"  missed {field}: {len(files)}  e.g. {', '.join(files[:3])}")
    return "\n".join(lines)
