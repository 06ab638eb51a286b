"""The closing summary the CLI prints after a run: plain lines, no colour codes."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import polars as pl

from reports.i18n import lang_of, one_language, t
from reports.model import FILE_NAME, FINDINGS_COLUMNS, RANKING_COLUMNS, UNITS_COLUMNS, ReportInput, conform, local_time


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` terminal columns, with an ellipsis if cut."""
    if display_width(text) <= width:
        return text
    out, used, room = [], 0, max(0, width - display_width(ellipsis))
    for ch in text:
        w = display_width(ch)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis if width > 0 else ""


UNREAD_SHOWN = 5  # failed files named in the summary; the report lists them all


def summary_lines(run: ReportInput, report_dir: Path, top: int = 10, width: int | None = None) -> list[str]:
    """Files by outcome, findings by severity, the top leads and where the report is.

    ``width`` is the terminal width used to cut long lines (default: the current
    terminal's, or 100 when there is none).
    """
    lang = lang_of(run.lang)
    width = width or shutil.get_terminal_size((100, 24)).columns
    units = conform(run.units, UNITS_COLUMNS)
    findings = conform(run.findings, FINDINGS_COLUMNS)
    ranking = conform(run.ranking, RANKING_COLUMNS)

    status = dict(units.group_by("parse_status").len().rows())
    manifest = run.manifest or {}
    n_files = manifest.get("inputs_seen", units.height)
    # Dismissed findings are counted apart (summary_dismissed), as the report counts them.
    if "triage" in findings.columns:
        findings = findings.filter(pl.col("triage").is_null() | (pl.col("triage") != "dismissed"))
    sev = dict(findings.group_by("severity").len().rows())
    report_dir = Path(report_dir)

    failed = manifest.get("failed", status.get("failed", 0))
    partial = manifest.get("partial", status.get("partial", 0))  # files, as manifest.json counts them
    none_read = n_files > 0 and failed == n_files
    lines = [
        t(lang, "summary_none_read" if none_read else "summary_title"),
        t(
            lang,
            "summary_files",
            n=n_files,
            ok=manifest.get("ok", status.get("ok", 0)),
            partial=partial,
            failed=failed,
        ),
        t(
            lang,
            "summary_findings",
            n=findings.height,
            error=sev.get("error", 0),
            warning=sev.get("warning", 0),
            info=sev.get("info", 0),
        ),
    ]
    # The files not read, by name and why (the leads below are units that were read).
    unread = units.filter(pl.col("parse_status") == "failed").select(FILE_NAME, pl.col("parse_error").fill_null(""))
    if unread.height:
        more = t(lang, "summary_unread_more", k=UNREAD_SHOWN) if failed > UNREAD_SHOWN else ""
        lines.append(t(lang, "summary_unread", n=failed, more=more))
        for name, reason in unread.head(UNREAD_SHOWN).rows():
            lines.append(truncate(f"  - {name}: {one_language(reason, lang)}", width - 1))
    if status.get("partial"):  # the report lists disclosures (a 说明 and its 报表 are one)
        lines.append(t(lang, "summary_partial", n=status.get("partial", 0), files=partial))
    changes = manifest.get("changes") or {}
    if changes.get("previous_run"):
        lines.append(
            t(
                lang,
                "summary_changes",
                prev=local_time(changes["previous_run"]),
                new_units=changes["new_units"],
                new_findings=changes["new_findings"],
                gone_findings=changes["gone_findings"],
            )
        )
        sep = "、" if lang == "zh" else ", "
        for key, count, names in (
            ("summary_new_units", "new_units", "new_unit_names"),
            ("summary_gone_units", "gone_units", "gone_unit_names"),
        ):
            if changes.get(names):
                n = changes[count]
                more = t(lang, "summary_and_more") if n > len(changes[names]) else ""
                lines.append(truncate(t(lang, key, n=n) + sep.join(changes[names]) + more, width - 1))
    for group in (manifest.get("duplicate_files") or [])[:UNREAD_SHOWN]:
        names = [Path(p).name for p in group]
        lines.append(
            truncate(t(lang, "summary_duplicates", files=("、" if lang == "zh" else ", ").join(names)), width - 1)
        )
    if changes.get("same_files_as"):
        lines.append(t(lang, "summary_same_files", prev=local_time(changes["same_files_as"])))
    if changes.get("not_recorded"):
        lines.append(t(lang, "summary_not_recorded"))
    if manifest.get("dismissed"):
        lines.append(t(lang, "summary_dismissed", n=manifest["dismissed"]))
    name = pl.coalesce("unit_name", FILE_NAME)
    if {"year", "doc_kind"} <= set(ranking.columns) and ranking.select("year", "doc_kind").n_unique() > 1:
        # Several years or kinds: a unit's disclosures are told apart by theirs (2024 预算).
        kind = pl.col("doc_kind").replace_strict(
            {k: t(lang, f"doc_{k}") for k in ("budget", "final")}, default=None, return_dtype=pl.String
        )
        period = pl.concat_str([pl.col("year").cast(pl.String), kind], separator=" ", ignore_nulls=True)
        name = pl.concat_str([name, period], separator=" ", ignore_nulls=True)
    leads = (
        ranking.sort("rank", nulls_last=True)
        .head(top)
        .select(
            "rank",
            name.alias("name"),
            pl.col("errors").fill_null(0),
            pl.col("warnings").fill_null(0),
            pl.col("reasons").fill_null(""),
        )
    )
    if top > 0 and leads.height and not none_read:
        lines.append(t(lang, "summary_top", n=leads.height))
        rows = [(r, truncate(n, 40), e, w, why) for r, n, e, w, why in leads.rows()]
        name_w = max(display_width(r[1]) for r in rows)
        for rank, name, errors, warnings, reasons in rows:
            name = name + " " * (name_w - display_width(name))  # align the counts
            head = t(
                lang,
                "summary_top_row",
                rank="-" if rank is None else rank,
                name=name,
                errors=errors,
                warnings=warnings,
                reasons="",
            )
            lines.append(head + truncate(reasons.replace("\n", " "), max(0, width - display_width(head) - 1)))
    lines.append(t(lang, "summary_report", html=report_dir / "report.html"))
    lines.append(t(lang, "summary_tables", xlsx=report_dir / "report.xlsx", dir=report_dir))
    return lines
