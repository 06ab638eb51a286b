"""Run history: each run's findings and ranking kept by run time, and what changed since the last run.

OUT/history/<UTC time>/ holds findings.parquet and ranking.csv of one run, the files it
read (inputs.parquet: unit_id, content_sha1) and the run it was compared with (base.txt).
A finding is the same finding in two runs when its finding_id (unit, year, rule,
evidence fingerprint) is the same, so re-flowed text does not make it "new". A run of
the very files the last one read (run again the same day, to apply analysts' decisions)
is compared with what that one was compared with: "new since last night" stays so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from anomaly.engine import file_name

KEEP = 60  # runs kept; older ones are removed


def previous(out_dir: Path) -> Path | None:
    """The most recent archived run, if any."""
    root = Path(out_dir) / "history"
    runs = (
        sorted(p for p in root.glob("*") if p.is_dir() and (p / "findings.parquet").is_file()) if root.is_dir() else []
    )
    return runs[-1] if runs else None


def _inputs(units: pl.DataFrame) -> pl.DataFrame:
    return units.select("unit_id", "content_sha1").sort("unit_id", "content_sha1", nulls_last=True)


def base(out_dir: Path, units: pl.DataFrame) -> tuple[Path | None, str | None]:
    """(the run to compare with, the last run's name where it read the same files): the
    last run, or, where it read exactly these files, the run that one was compared with."""
    prev = previous(out_dir)
    if prev is None or not (prev / "inputs.parquet").is_file():
        return prev, None
    if not pl.read_parquet(prev / "inputs.parquet").equals(_inputs(units)):
        return prev, None
    name = (prev / "base.txt").read_text(encoding="utf-8").strip() if (prev / "base.txt").is_file() else ""
    run = prev.parent / name if name else None
    return (run if run is not None and (run / "findings.parquet").is_file() else None), prev.name


def compare(findings: pl.DataFrame, units: pl.DataFrame, prev: Path | None) -> tuple[pl.DataFrame, dict]:
    """Findings with is_new, and a summary of the changes since the previous run."""
    if prev is None:
        return findings.with_columns(is_new=pl.lit(None, pl.Boolean)), {"previous_run": None}
    old = pl.read_parquet(prev / "findings.parquet", columns=["finding_id", "unit_id"])
    old_units = pl.read_csv(
        prev / "ranking.csv", columns=["unit_id", "unit_name", "source_path"], schema_overrides={"unit_id": pl.String}
    )
    out = findings.with_columns(is_new=~pl.col("finding_id").is_in(old["finding_id"].implode()))
    gone = old.filter(~pl.col("finding_id").is_in(findings["finding_id"].implode()))
    # A file that could not be read is no new unit: the summary names it among those not read.
    read = units.filter(pl.col("parse_status") != "failed") if "parse_status" in units.columns else units
    new_units = read.filter(~pl.col("unit_id").is_in(old_units["unit_id"].implode()))
    gone_units = old_units.filter(~pl.col("unit_id").is_in(units["unit_id"].implode()))
    return out, {
        "previous_run": prev.name,
        "new_units": new_units.height,
        "new_findings": int(out["is_new"].sum()),
        "gone_findings": gone.height,
        "gone_units": gone_units.height,
        # Which ones, by name (else file), the first NAMED of each: what an analyst asks next.
        "new_unit_names": _names(new_units),
        "gone_unit_names": _names(gone_units),
    }


NAMED = 10


def _names(units: pl.DataFrame) -> list[str]:
    return units.head(NAMED).select(pl.coalesce("unit_name", file_name("source_path")))["unit_name"].to_list()


def archive(out_dir: Path, stamp: str, units: pl.DataFrame, compared_with: Path | None) -> None:
    """Copy this run's findings and ranking into the history, with the files it read and
    the run it was compared with, then prune old runs."""
    root = Path(out_dir) / "history"
    dest = root / stamp
    tmp = root / f".{stamp}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in ("ranking.csv", "findings.parquet"):
        shutil.copy2(Path(out_dir) / name, tmp / name)
    _inputs(units).write_parquet(tmp / "inputs.parquet")
    (tmp / "base.txt").write_text(compared_with.name if compared_with else "", encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    runs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in runs[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
