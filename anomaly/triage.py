"""Triage memory: analysts' decisions on findings, remembered across nightly runs.

A decision is keyed by the unit (its name, or its id when the name is unknown), the
budget year, the rule and the finding's fingerprint (a hash of the evidence, stated and
expected figures; never the line number). So a decision survives re-flowed text and a
file moved to another folder, and expires by itself when the evidence changes.

Decisions live in one small SQLite file beside the outputs (OUT/triage.sqlite).
"""

from __future__ import annotations

import getpass
import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

DECISIONS = ("dismissed", "confirmed")
KEY = ["unit_key", "year", "rule", "fingerprint"]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    unit_key TEXT NOT NULL, year INTEGER NOT NULL, rule TEXT NOT NULL, fingerprint TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('dismissed', 'confirmed')),
    note TEXT, decided_by TEXT, decided_at TEXT NOT NULL,
    PRIMARY KEY (unit_key, year, rule, fingerprint)
)"""
_EMPTY = {
    "unit_key": pl.String,
    "year": pl.Int64,
    "rule": pl.String,
    "fingerprint": pl.String,
    "decision": pl.String,
    "note": pl.String,
    "decided_by": pl.String,
    "decided_at": pl.String,
}


def with_keys(findings: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Findings with unit_key, year and a stable finding_id (what `anomaly triage` takes)."""
    ids = units.select("unit_id", "year", pl.coalesce("unit_name", "unit_id").alias("unit_key"))
    out = findings.drop([c for c in ("unit_key", "year", "finding_id") if c in findings.columns])
    out = out.join(ids, on="unit_id", how="left", maintain_order="left").with_columns(pl.col("year").fill_null(0))
    key = pl.concat_str(
        [pl.col("unit_key"), pl.col("year").cast(pl.String), pl.col("rule"), pl.col("fingerprint").fill_null("")],
        separator="\x1f",
    )
    return out.with_columns(
        key.map_batches(
            lambda s: pl.Series([hashlib.sha1(k.encode()).hexdigest()[:10] for k in s]), return_dtype=pl.String
        ).alias("finding_id")
    )


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(_SCHEMA)
    return db


def decisions(path: Path) -> pl.DataFrame:
    """Every remembered decision (empty when there is no database yet)."""
    if not Path(path).is_file():
        return pl.DataFrame(schema=_EMPTY)
    with connect(path) as db:
        rows = db.execute(f"SELECT {', '.join(_EMPTY)} FROM decisions ORDER BY decided_at").fetchall()
    return pl.DataFrame(rows, schema=_EMPTY, orient="row")


def record(
    path: Path, findings: pl.DataFrame, decision: str | None, note: str | None = None, by: str | None = None
) -> int:
    """Remember `decision` for these findings (rows with unit_key, year, rule, fingerprint);
    None forgets them. Returns the number of decisions written."""
    if decision is not None and decision not in DECISIONS:
        raise ValueError(decision)
    by = by or getpass.getuser()
    at = datetime.now(UTC).isoformat(timespec="seconds")
    keys = findings.select(KEY).unique().rows()
    with connect(path) as db:
        if decision is None:
            db.executemany("DELETE FROM decisions WHERE unit_key=? AND year=? AND rule=? AND fingerprint=?", keys)
        else:
            db.executemany(
                "INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(*k, decision, note, by, at) for k in keys],
            )
    return len(keys)


def apply(findings: pl.DataFrame, remembered: pl.DataFrame) -> pl.DataFrame:
    """Findings with triage, triage_note, triage_by, triage_at from remembered decisions."""
    cols = remembered.select(
        *KEY,
        pl.col("decision").alias("triage"),
        pl.col("note").alias("triage_note"),
        pl.col("decided_by").alias("triage_by"),
        pl.col("decided_at").alias("triage_at"),
    )
    return findings.join(cols, on=KEY, how="left", maintain_order="left")
