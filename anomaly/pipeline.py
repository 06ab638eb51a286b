"""`anomaly screen` from end to end: datasets → frames → checks and features → scores → reports."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from anomaly import __version__
from anomaly.copies import copy_findings
from anomaly import history
from anomaly.engine import run_rules, selected
from anomaly.triage import apply as apply_triage
from anomaly.triage import decisions, with_keys
from anomaly.ranking import rank
from anomaly.scoring import score_units
from datasets.cache import parse_cache
from datasets.corpus import parse_files
from reports.excel import write_xlsx
from reports.files import write_tables
from reports.html import write_html
from reports.model import ReportInput


@dataclass
class Options:
    select: list[str] | None = None
    ignore: list[str] | None = None
    lang: str = "zh"
    workers: int = 1
    cache_dir: Path | None = None
    triage_db: Path | None = None  # default OUT/triage.sqlite
    extra: dict = field(default_factory=dict)  # recorded in the manifest as given


def screen(files: list[Path], out_dir: Path, options: Options, progress: Callable[[int], None] | None = None) -> ReportInput:
    """Parse, check, score and rank `files`; write every output into `out_dir`."""
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    stages: dict[str, float] = {}

    peaks: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        stages[name] = round(now - since, 3)
        # Peak resident memory so far (MiB), of this process and of its worker processes.
        peaks[name] = round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024, 1)
        return now

    cache = parse_cache(options.cache_dir) if options.cache_dir else None
    frames = parse_files(files, progress, workers=options.workers, cache=cache)
    t = lap("parse", t0)
    findings, coverage = run_rules(frames, select=options.select, ignore=options.ignore, lang=options.lang)
    t = lap("checks", t)
    scores, features, out_findings = score_units(frames, findings, coverage, lang=options.lang)
    # Cross-unit findings (OUT, CPY) obey --select/--ignore like the catalog's checks.
    wanted = [r.code for r in selected(options.select, options.ignore)]
    cross = [f.filter(pl.col("rule").is_in(wanted)) for f in (out_findings, copy_findings(frames, lang=options.lang))]
    findings = pl.concat([findings, *cross], how="diagonal_relaxed")

    # Remembered decisions and the previous run: dismissed findings stay in the outputs,
    # marked, but no longer count towards a unit's rank.
    findings = with_keys(findings, frames["units"])
    findings = apply_triage(findings, decisions(options.triage_db or out_dir / "triage.sqlite"))
    findings, changes = history.compare(findings, frames["units"], history.previous(out_dir))
    active = findings.filter(pl.col("triage").is_null() | (pl.col("triage") != "dismissed"))
    ranking = rank(frames["units"], active, scores, lang=options.lang)
    t = lap("scoring", t)

    units = frames["units"]
    counts = dict(units["parse_status"].value_counts().iter_rows())
    manifest = {
        "tool": "anomaly",
        "version": __version__,
        "started_at": started.isoformat(timespec="seconds"),
        "inputs_seen": len(files),
        "ok": counts.get("ok", 0),
        "partial": counts.get("partial", 0),
        "failed": counts.get("failed", 0),
        "findings": findings.height,
        "dismissed": findings.height - active.height,
        "changes": changes,
        "options": {"select": options.select, "ignore": options.ignore, "lang": options.lang, "workers": options.workers,
                    "cache": str(options.cache_dir) if options.cache_dir else None, **options.extra},
        "files": units.select("source_path", "unit_id", "parse_status", "parse_error").to_dicts(),
    }
    run = ReportInput(units=units, findings=findings, ranking=ranking, coverage=coverage, features=features,
                      manifest=manifest, lang=options.lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest["stages_s"] = stages
    manifest["peak_rss_mib"] = peaks
    manifest["elapsed_s"] = round(time.perf_counter() - t0, 3)
    write_html(out_dir / "report.html", run)
    write_xlsx(out_dir / "report.xlsx", run)
    lap("reports", t)
    manifest["elapsed_s"] = round(time.perf_counter() - t0, 3)
    write_tables(out_dir, run)
    history.archive(out_dir, started.strftime("%Y%m%dT%H%M%S.%fZ"))
    return run
