"""Triage memory: analysts' decisions on findings, remembered across nightly runs.

A decision is keyed by the unit (its name, or its id when the name is unknown), the
budget year, the rule and the finding's fingerprint (a hash of the evidence, stated and
expected figures; never the line number). So a decision survives re-flowed text and a
file moved to another folder, and expires by itself when the evidence changes.

Decisions live in the triage store (anomaly/store.py): one small SQLite file beside the
outputs (OUT/triage.sqlite) by default, or a team's PostgreSQL database.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

import polars as pl

DECISIONS = ("dismissed", "confirmed")
KEY = ["unit_key", "year", "rule", "fingerprint"]
DECISION_COLUMNS = {
    "unit_key": pl.String,
    "year": pl.Int64,
    "rule": pl.String,
    "fingerprint": pl.String,
    "decision": pl.String,
    "note": pl.String,
    "decided_by": pl.String,
    "decided_at": pl.String,
}
AUDIT_SCHEMA = {  # the audit trail as the store (anomaly.store) gives it
    "id": pl.Int64,
    "at": pl.String,
    "actor": pl.String,
    "action": pl.String,
    "unit_key": pl.String,
    "year": pl.Int64,
    "rule": pl.String,
    "fingerprint": pl.String,
    "before": pl.String,
    "after": pl.String,
    "before_note": pl.String,
    "after_note": pl.String,
    "version": pl.Int64,
}


def is_url(db: str | Path) -> bool:
    """Whether the store named is a database URL (postgresql://…), not a SQLite file."""
    return "://" in str(db)


def exists(db: str | Path) -> bool:
    """Whether there is a store to read (a URL always; a file when it is there). Asked
    here, not of anomaly.store: a run with no store need not import SQLAlchemy (0.6 s)."""
    return is_url(db) or Path(db).is_file()


def with_keys(findings: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Findings with unit_key, year and a stable finding_id (what `anomaly triage` takes)."""
    ids = units.select("unit_id", "year", pl.coalesce("unit_name", "unit_id").alias("unit_key"))
    out = findings.drop([c for c in ("unit_key", "year", "finding_id") if c in findings.columns])
    out = out.join(ids, on="unit_id", how="left", maintain_order="left").with_columns(pl.col("year").fill_null(0))
    return out.with_columns(finding_id(pl.col("unit_key"), pl.col("year"), pl.col("rule"), pl.col("fingerprint")))


def finding_id(unit_key: pl.Expr, year: pl.Expr, rule: pl.Expr, fingerprint: pl.Expr) -> pl.Expr:
    """The short stable id of a finding, from its triage key."""
    key = pl.concat_str(
        [unit_key, year.cast(pl.String), rule, fingerprint.fill_null("")],
        separator="\x1f",
    )
    return key.map_batches(
        lambda s: pl.Series(
            [None if k is None else hashlib.sha1(k.encode()).hexdigest()[:10] for k in s], dtype=pl.String
        ),
        return_dtype=pl.String,
    ).alias("finding_id")


def decisions(db: str | Path) -> pl.DataFrame:
    """Every remembered decision in the store at ``db`` (a path or a URL; empty when
    there is no store file yet). Reopened findings are not decisions."""
    if not exists(db):
        return pl.DataFrame(schema=DECISION_COLUMNS)
    from anomaly import store

    return store.decisions(store.engine_for(db)).select(list(DECISION_COLUMNS))


def audit(db: str | Path) -> pl.DataFrame:
    """The audit trail of the store at ``db``, with the finding_id the report shows."""
    if not exists(db):
        return pl.DataFrame(schema=AUDIT_SCHEMA)
    from anomaly import store

    return store.audit(store.engine_for(db))


def record(
    db: str | Path, findings: pl.DataFrame, decision: str | None, note: str | None = None, by: str | None = None
) -> int:
    """Remember `decision` for these findings (rows with unit_key, year, rule, fingerprint);
    None reopens them. Returns the number of decisions written. The command line
    decides over whatever is there (no version check); each write is audited."""
    from anomaly import store

    if decision is not None and decision not in DECISIONS:
        raise ValueError(decision)
    by = by or getpass.getuser()
    engine = store.engine_for(db)
    keys = findings.select(KEY).unique().rows()
    # The same decision again without a note keeps the note it had (another decision's
    # note would explain the wrong thing).
    kept = {
        tuple(r[:4]): r[5] for r in store.decisions(engine).select(*KEY, "decision", "note").rows() if r[4] == decision
    }
    for key in keys:
        store.decide(engine, key, decision, note if note is not None else kept.get(tuple(key)), by, seen_version=None)
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


def export_audit(db: str | Path, path: Path) -> int:
    """Write the audit trail as CSV (UTF-8 with a BOM, for Excel); returns the rows written.
    A cell a spreadsheet would read as a formula (= + - @) is led by ' so it stays text."""
    trail = audit(db)
    trail = trail.with_columns(
        pl.when(pl.col("action") == "decide").then(
            finding_id(pl.col("unit_key"), pl.col("year"), pl.col("rule"), pl.col("fingerprint"))
        )
    ).select(
        "id",
        "at",
        "actor",
        "action",
        "finding_id",
        *[c for c in trail.columns if c not in ("id", "at", "actor", "action")],
    )
    text = [c for c, dtype in trail.schema.items() if dtype == pl.String]
    trail = trail.with_columns(
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]")).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )
    trail.write_csv(path, include_bom=True)
    return trail.height
