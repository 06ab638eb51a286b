"""Atomic writes and the tabular outputs of a run (CONTRACT.md).

Every file is written under a temporary name in the target folder and moved into
place with ``os.replace``, so a killed run leaves either the old file or the new
one, never half a file.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import polars as pl

from reports.model import (
    COVERAGE_COLUMNS,
    FEATURES_COLUMNS,
    FINDINGS_COLUMNS,
    RANKING_COLUMNS,
    UNITS_COLUMNS,
    ReportInput,
    conform,
)


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary path next to ``path``, then move it into place.

    If ``write`` raises, the temporary file is removed, ``path`` is left as it was,
    and the exception propagates.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its 0600 mode would survive the rename; O_EXCL with 0666 honours the umask.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        write(tmp)
        with open(tmp, "rb") as fh:  # the data is on disk before the rename makes it visible
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(path: Path, data: object) -> None:
    """Write ``data`` as indented UTF-8 JSON (Chinese kept readable), atomically. A
    polars DataFrame among a dict's values (the manifest's files) becomes an array of
    one object a line, written by polars: Python's indenting encoder took a second for a
    province's 100,000 files."""
    if isinstance(data, dict):
        items = [
            f"  {json.dumps(k, ensure_ascii=False)}: " + (_rows_json(v) if isinstance(v, pl.DataFrame) else _json(v))
            for k, v in data.items()
        ]
        text = "{\n" + ",\n".join(items) + "\n}\n" if items else "{}\n"
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _json(value: object) -> str:
    """A value as json.dumps(indent=2) writes it one level in (JSON text holds no raw newline)."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).replace("\n", "\n  ")


def _rows_json(frame: pl.DataFrame) -> str:
    """A frame's rows as a JSON array one level in, an object a line."""
    rows = frame.write_ndjson().rstrip("\n").split("\n") if frame.height else []  # not splitlines: \x85 is text
    return "[\n    " + ",\n    ".join(rows) + "\n  ]" if rows else "[]"


def _csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (lists, structs) cannot go to CSV: write them as JSON text."""
    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    if not nested:
        return frame
    return frame.with_columns(
        pl.col(name).map_elements(
            lambda v: json.dumps(v.to_list() if hasattr(v, "to_list") else v, ensure_ascii=False, default=str),
            return_dtype=pl.String,
        )
        for name in nested
    )


def write_tables(out_dir: Path, run: ReportInput) -> None:
    """Write findings.parquet/.csv, ranking.csv, units/coverage/features.parquet and manifest.json.

    Each table has exactly the contract columns first, in contract order (missing
    ones as nulls), then any extra columns. CSVs are UTF-8 with a BOM so that
    Excel opens the Chinese text correctly.
    """
    out_dir = Path(out_dir)
    units = conform(run.units, UNITS_COLUMNS)
    findings = conform(run.findings, FINDINGS_COLUMNS)
    ranking = conform(run.ranking, RANKING_COLUMNS)
    coverage = conform(run.coverage, COVERAGE_COLUMNS)
    features = conform(run.features, FEATURES_COLUMNS)
    # One chunk each: Parquet's row groups follow the chunks, which vary with threads,
    # so that the same run writes the same bytes.
    units, findings, coverage, features = (f.rechunk() for f in (units, findings, coverage, features))

    write_atomic(out_dir / "findings.parquet", findings.write_parquet)
    write_atomic(out_dir / "findings.csv", lambda p: _csv_ready(findings).write_csv(p, include_bom=True))
    write_atomic(out_dir / "ranking.csv", lambda p: _csv_ready(ranking).write_csv(p, include_bom=True))
    write_atomic(out_dir / "units.parquet", units.write_parquet)
    write_atomic(out_dir / "coverage.parquet", coverage.write_parquet)
    write_atomic(out_dir / "features.parquet", features.write_parquet)
    write_json(out_dir / "manifest.json", run.manifest)
