"""The workbook's audit sheet: every triage decision and assignment, who, when, before, after.

Kept apart from reports/excel.py so that the workbook's own layout can change freely;
excel.py only appends what ``audit_sheets`` returns.
"""

from __future__ import annotations

import polars as pl

from reports.i18n import lang_of, t
from reports.model import ReportInput


def audit_sheets(run: ReportInput) -> list[tuple[str, pl.DataFrame, str]]:
    """[(sheet name, frame, full file)] for the audit trail; none when there is none."""
    if run.audit is None or run.audit.height == 0:
        return []
    lang = lang_of(run.lang)
    trail = run.audit.sort("id").select(
        pl.col("at").alias("audit_at"),
        pl.col("actor").alias("audit_actor"),
        pl.col("action")
        .replace_strict(
            {"decide": t(lang, "audit_decide"), "assign": t(lang, "audit_assign")}, default=pl.col("action")
        )
        .alias("audit_action"),
        "unit_key",
        "year",
        "rule",
        pl.col("before").alias("audit_before"),
        pl.col("after").alias("audit_after"),
        pl.col("before_note").alias("audit_before_note"),
        pl.col("after_note").alias("audit_after_note"),
        pl.col("version").alias("audit_version"),
    )
    return [(t(lang, "sheet_audit"), trail, "anomaly triage OUT --export decisions.csv")]
