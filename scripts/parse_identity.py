"""Prove a change to the readers or parser leaves what is read unchanged.

    python scripts/parse_identity.py CORPUS... --out SNAP/               # frames + findings as Parquet
    python scripts/parse_identity.py CORPUS... --out NEW/ --against SNAP/  # and compare with a snapshot

For each corpus folder, writes every parsed frame (units, claims, cells, toc, marks,
pages, places) and the findings of all checks to OUT/<folder name>/, then, with
--against, says for each whether it is identical (same columns, types, rows and order)
to the snapshot's (findings as a set of rows: the checks order findings on the same
unit, line and rule as polars' joins give them, which varies from run to run). Exits 1
when any differs. Take the snapshot before the change, from
the same files at the same paths (unit ids come from the paths).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anomaly.engine import run_rules  # noqa: E402
from datasets.corpus import parse_files  # noqa: E402
from datasets.read import discover  # noqa: E402


def outputs_of(folder: Path) -> dict[str, pl.DataFrame]:
    """The parsed frames and the findings of every check for the files under folder."""
    frames = parse_files(discover([folder]))
    findings, _ = run_rules(frames)
    return {**frames, "findings": findings}


def differences(new: pl.DataFrame, old: pl.DataFrame) -> str | None:
    """None when identical, else what differs first."""
    if new.schema != old.schema:
        return f"schema {dict(old.schema)} -> {dict(new.schema)}"
    if new.height != old.height:
        return f"{old.height:,} rows -> {new.height:,}"
    for name in new.columns:
        if not new[name].equals(old[name]):
            at = (new[name].ne_missing(old[name])).arg_max()
            return f"column {name} differs first at row {at}: {old[name][at]!r} -> {new[name][at]!r}"
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--against", type=Path, help="a snapshot written by an earlier run")
    args = ap.parse_args()
    same = True
    for folder in args.corpora:
        target = args.out / folder.name
        target.mkdir(parents=True, exist_ok=True)
        for name, frame in outputs_of(folder).items():
            frame.write_parquet(target / f"{name}.parquet")
            if args.against is None:
                continue
            old = pl.read_parquet(args.against / folder.name / f"{name}.parquet")
            if name == "findings":  # findings tied on unit, line and rule come in no fixed order
                frame, old = frame.sort(pl.all()), old.sort(pl.all())
            diff = differences(frame, old)
            same &= diff is None
            print(f"{folder.name}/{name}: {frame.height:,} rows, {'identical' if diff is None else diff}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
