"""The `anomaly` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from anomaly import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="anomaly")
def main() -> None:
    """Screen budget disclosures (单位预算公开说明) and rank where to look first.

    \b
    anomaly screen FOLDER --out DIR   parse, check, score and report
    anomaly parse FOLDER --out DIR    write the parsed frames only
    anomaly generate --units N --out DIR   write a synthetic corpus with labels
    anomaly rules [CODE]              list the checks, or show one rule's docs
    """


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder for the Parquet frames.")
def parse(inputs: tuple[Path, ...], out_dir: Path) -> None:
    """Parse disclosures into the frames units, claims, cells, toc and marks (Parquet)."""
    from datasets.reading import discover
    from datasets.corpus import parse_files
    from anomaly.outputs import write_parquet

    files = discover(inputs)
    if not files:
        raise click.UsageError("no input files found / 未找到输入文件")
    frames = parse_files(files)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_parquet(frame, out_dir / f"{name}.parquet")
    counts = frames["units"]["parse_status"].value_counts()
    summary = ", ".join(f"{r['parse_status']} {r['count']}" for r in counts.sort("parse_status").iter_rows(named=True))
    click.echo(f"{len(files)} files -> {out_dir} ({summary})")
    if frames["units"].filter(frames["units"]["parse_status"] != "failed").height == 0:
        sys.exit(1)


@main.command()
@click.option("--units", "n_units", default=150, show_default=True, help="How many disclosures to write.")
@click.option("--seed", default=0, show_default=True, help="Random seed: the same seed writes the same corpus.")
@click.option("--anomaly-share", default=1 / 3, show_default=True, help="Share of documents with injected anomalies.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path))
def generate(n_units: int, seed: int, anomaly_share: float, out_dir: Path) -> None:
    """Write a synthetic corpus of disclosures and its ground truth (labels.json)."""
    import time

    from datasets.synthetic import generate_corpus

    t0 = time.perf_counter()
    labels = generate_corpus(out_dir, units=n_units, seed=seed, anomaly_share=anomaly_share)
    dt = time.perf_counter() - t0
    n = len(labels["documents"])
    click.echo(f"{n} documents -> {out_dir} in {dt:.1f}s ({n / max(dt, 1e-9):.0f}/s); labels in {out_dir / 'labels.json'}")


if __name__ == "__main__":  # pragma: no cover
    main()
