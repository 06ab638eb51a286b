"""Measure a screening run against a labelled (synthetic) corpus.

``evaluate(labels, out_dir)`` reads out_dir/units.parquet, findings.parquet and
ranking.csv, matches labels.json's documents to units (a unit's source_path ends
with the document's ``file``, a path relative to the corpus folder) and returns:

- ``recall``: per family, labelled anomalies found / labelled (found = the unit has
  at least one finding of that family), plus the kinds missed;
- ``clean``: clean documents with any error or warning (count, share, rules behind);
- ``out``: average precision of the ranking's peer score (``peer_score``; the forest's
  ``outlier_score`` in runs that have none) against the OUT label, and precision@k
  for k = number of OUT-labelled units, 10 and 50; ``out.detail``: per strength and
  planted feature, next to baselines, and the OUT001 alarm (anomaly.outlier_eval);
- ``matched`` / ``unmatched_labels``: how many labelled documents were found in units.

``format_report(metrics)`` prints it as a small text table.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from anomaly.outlier_eval import format_outliers, outlier_metrics


def _load_labels(labels: dict | str | Path) -> dict:
    if isinstance(labels, (str, Path)):
        return json.loads(Path(labels).read_text(encoding="utf-8"))
    return labels


def _match(units: pl.DataFrame, docs: pl.DataFrame) -> pl.DataFrame:
    """doc_index, unit_id: a unit matches a document when its path ends with the file."""
    paths = units.select("unit_id", path=pl.col("source_path").str.replace_all(r"\\", "/"))
    docs = docs.with_columns(
        file=pl.col("file").str.replace_all(r"\\", "/").str.strip_prefix("./"),
        depth=pl.col("file").str.replace_all(r"\\", "/").str.strip_prefix("./").str.count_matches("/") + 1,
    )
    out = []
    for depth in sorted(docs["depth"].unique().to_list()):
        tail = paths.with_columns(file=pl.col("path").str.split("/").list.slice(-depth, depth).list.join("/"))
        out.append(
            docs.filter(pl.col("depth") == depth)
            .select("doc_index", "file")
            .join(tail.select("unit_id", "file"), on="file")
        )
    matched = (
        pl.concat(out) if out else pl.DataFrame(schema={"doc_index": pl.Int64, "file": pl.String, "unit_id": pl.String})
    )
    return matched.unique("doc_index", keep="first", maintain_order=True).select("doc_index", "unit_id")


def _precision_at(frame: pl.DataFrame, k: int) -> float | None:
    if k <= 0 or frame.height == 0:
        return None
    top = frame.sort(["outlier_score", "unit_id"], descending=[True, False], nulls_last=True).head(k)
    return float(top["is_out"].cast(pl.Float64).sum() / k)


def evaluate(labels: dict | str | Path, out_dir: Path) -> dict:
    """Metrics of the run in ``out_dir`` against ``labels`` (labels.json content or path)."""
    from sklearn.metrics import average_precision_score

    labels = _load_labels(labels)
    out_dir = Path(out_dir)
    units = pl.read_parquet(out_dir / "units.parquet")
    findings = pl.read_parquet(out_dir / "findings.parquet")
    ranking = pl.read_csv(
        out_dir / "ranking.csv",
        schema_overrides={"unit_id": pl.String, "outlier_score": pl.Float64, "peer_score": pl.Float64},
    )
    features_path = out_dir / "features.parquet"
    features = pl.read_parquet(features_path) if features_path.exists() else None
    if "family" not in findings.columns:
        findings = findings.with_columns(family=pl.col("rule").str.slice(0, 3))

    docs_list = labels.get("documents", [])
    docs = pl.DataFrame(
        {
            "doc_index": list(range(len(docs_list))),
            "file": [d["file"] for d in docs_list],
            "clean": [bool(d.get("clean", not d.get("anomalies"))) for d in docs_list],
        },
        schema={"doc_index": pl.Int64, "file": pl.String, "clean": pl.Boolean},
    )
    anomalies = pl.DataFrame(
        [
            {"doc_index": i, "family": a.get("family"), "kind": a.get("kind"), "strength": a.get("strength")}
            for i, d in enumerate(docs_list)
            for a in d.get("anomalies", [])
        ],
        schema={"doc_index": pl.Int64, "family": pl.String, "kind": pl.String, "strength": pl.Float64},
    )
    match = _match(units, docs)
    docs = docs.join(match, on="doc_index", how="left")
    matched = docs.filter(pl.col("unit_id").is_not_null())

    # Recall per family.
    fams_found = findings.select("unit_id", "family").unique()
    an = (
        anomalies.join(docs.select("doc_index", "unit_id"), on="doc_index", how="left")
        .join(fams_found.with_columns(found=pl.lit(True)), on=["unit_id", "family"], how="left")
        .with_columns(pl.col("found").fill_null(False))
    )
    recall = {}
    for row in (
        an.group_by("family")
        .agg(
            n=pl.len(),
            found=pl.col("found").sum(),
            missed=pl.col("kind").filter(~pl.col("found")).value_counts(sort=True),
        )
        .sort("family")
        .iter_rows(named=True)
    ):
        recall[row["family"]] = {
            "labelled": int(row["n"]),
            "found": int(row["found"]),
            "recall": row["found"] / row["n"] if row["n"] else None,
            "missed_kinds": {m["kind"]: int(m["count"]) for m in row["missed"]},
        }

    # Clean documents with errors or warnings.
    serious = findings.filter(pl.col("severity").is_in(["error", "warning"]))
    clean = matched.filter("clean")
    clean_hits = serious.join(clean.select("unit_id"), on="unit_id", how="semi")
    # A copy pair shares its figures: the CPY finding on the original (labelled clean,
    # named at the end of the copy's CPY detail) is the other side of a true lead, not
    # a false alarm. Counted apart.
    sources = {
        a.get("detail", "").rsplit(" ", 1)[-1]
        for d in docs_list
        for a in d.get("anomalies", [])
        if a.get("family") == "CPY"
    }
    source_units = docs.filter(pl.col("file").is_in(list(sources)) & pl.col("unit_id").is_not_null()).select("unit_id")
    pair_side = clean_hits.filter(
        (pl.col("family") == "CPY") & pl.col("unit_id").is_in(source_units["unit_id"].implode())
    )
    clean_hits = clean_hits.join(pair_side.select("unit_id", "rule").unique(), on=["unit_id", "rule"], how="anti")
    flagged = clean_hits["unit_id"].n_unique()
    rules = (
        clean_hits.group_by("rule")
        .agg(n=pl.len(), units=pl.col("unit_id").n_unique())
        .sort(["units", "rule"], descending=[True, False])
    )
    clean_metrics = {
        "documents": clean.height,
        "flagged": flagged,
        "share": flagged / clean.height if clean.height else None,
        "rules": {r["rule"]: int(r["units"]) for r in rules.iter_rows(named=True)},
        "copy_sources_flagged": pair_side["unit_id"].n_unique(),
    }

    # OUT: average precision and precision@k of the score that orders outliers.
    outs = an.filter(pl.col("family") == "OUT").select("unit_id", "strength", "kind").drop_nulls("unit_id")
    outs = outs.unique("unit_id", keep="first", maintain_order=True)
    lead = "peer_score" if "peer_score" in ranking.columns else "outlier_score"
    scored = (
        matched.select("unit_id")
        .join(ranking.select("unit_id", pl.col(lead).alias("outlier_score")), on="unit_id", how="left")
        .with_columns(pl.col("outlier_score").fill_null(0.0), is_out=pl.col("unit_id").is_in(outs["unit_id"].implode()))
    )
    n_out = int(scored["is_out"].sum())
    out_metrics: dict = {"labelled": n_out, "scored": scored.height}
    if 0 < n_out < scored.height:
        out_metrics["average_precision"] = float(
            average_precision_score(scored["is_out"].to_numpy(), scored["outlier_score"].to_numpy())
        )
    else:
        out_metrics["average_precision"] = None
    out_metrics["precision_at"] = {str(k): _precision_at(scored, k) for k in (n_out, 10, 50) if k > 0}
    out_metrics["score"] = lead
    if n_out:
        out_metrics["detail"] = outlier_metrics(matched, outs, ranking, features, findings)

    return {
        "documents": len(docs_list),
        "matched": matched.height,
        "unmatched_labels": docs.filter(pl.col("unit_id").is_null())["file"].head(20).to_list(),
        "units": units.height,
        "findings": findings.height,
        "recall": recall,
        "clean": clean_metrics,
        "out": out_metrics,
    }


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:5.1f}%"


def format_report(metrics: dict) -> str:
    """A printable text table of ``evaluate``'s metrics."""
    lines = [
        f"documents {metrics['documents']}, matched to units {metrics['matched']}, "
        f"units {metrics['units']}, findings {metrics['findings']}",
        "",
    ]
    lines.append(f"{'family':<8}{'labelled':>9}{'found':>7}{'recall':>8}  missed kinds")
    for fam, r in metrics["recall"].items():
        missed = ", ".join(f"{k}×{v}" for k, v in list(r["missed_kinds"].items())[:4])
        lines.append(f"{fam:<8}{r['labelled']:>9}{r['found']:>7}{_pct(r['recall']):>8}  {missed}")
    c = metrics["clean"]
    lines += [
        "",
        f"clean documents with an error or warning: {c['flagged']} of {c['documents']} ({_pct(c['share']).strip()})",
    ]
    if c["rules"]:
        lines.append("  rules behind them: " + ", ".join(f"{k} {v}" for k, v in list(c["rules"].items())[:10]))
    if c.get("copy_sources_flagged"):
        lines.append(
            f"  (not counted: {c['copy_sources_flagged']} originals of copied units, flagged CPY as the other side of the pair)"
        )
    o = metrics["out"]
    ap = "—" if o["average_precision"] is None else f"{o['average_precision']:.3f}"
    lines += [
        "",
        f"OUT: {o['labelled']} labelled of {o['scored']} scored; average precision of {o.get('score', 'outlier_score')} {ap}",
    ]
    for k, p in o["precision_at"].items():
        lines.append(f"  precision@{k}: {_pct(p).strip()}")
    if o.get("detail"):
        lines += ["", *format_outliers(o["detail"])]
    if metrics["unmatched_labels"]:
        lines += [
            "",
            "labelled documents not found in units (first ones): " + ", ".join(metrics["unmatched_labels"][:5]),
        ]
    return "\n".join(lines)
