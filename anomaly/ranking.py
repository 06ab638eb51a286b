"""One ordered list of units: where an analyst should look first (DESIGN.md §7).

Order (every unit of ``units`` exactly once):

1. tier 3: units with errors; tier 2: with warnings (no errors); tier 1: the rest,
   i.e. pure outliers ordered by peer_score; tier 0: failed files without
   findings (nothing to compare), at the end.
2. within a tier: more errors, then more warnings, then higher peer_score (how far
   above its peers the unit spends, anomaly.scoring), then outlier_score;
3. ties: unit_name, source_path, unit_id (ascending; missing names last).

``score`` = tier·10000 + min(errors, 99)·100 + min(warnings, 99) + 0.99·peer_score,
rounded to 4 decimals: it never increases down the list, so sorting by it (descending)
reproduces the order up to the tie-breaks.
"""

from __future__ import annotations

import polars as pl

from reports.i18n import in_language

RANKING_COLUMNS = [
    "rank",
    "unit_id",
    "source_path",
    "unit_name",
    "score",
    "outlier_score",
    "errors",
    "warnings",
    "reasons",
    "peer_score",
    "peer_group",
    "infos",
    "year",  # a unit's disclosures of several years and kinds are rows apart: which one this is
    "doc_kind",
]
TOP_RULES = 3
# A pure outlier's reasons name its features from this peer score up (0.5 is the OUT001
# alarm; 0.3 a feature about twice its peers' spread above the median); below it the
# unit reads "nothing found".
OUTLIER_REASON_MIN = 0.3

_TEXT = {
    "zh": {
        "errors": "{}个错误",
        "warnings": "{}个警告",
        "error": "{}个错误",
        "warning": "{}个警告",
        "outlier": "偏离同类：{}",
        "failed": "解析失败：{}",
        "partial": "部分内容未能读取：{}",
        "nothing": "未发现问题",
        "sep": "；",
        "count": "×{}",
        "unknown": "原因不明",
    },
    "en": {
        "errors": "{} errors",
        "warnings": "{} warnings",
        "error": "{} error",
        "warning": "{} warning",
        "outlier": "unlike peers: {}",
        "failed": "could not be parsed: {}",
        "partial": "partly unreadable: {}",
        "nothing": "nothing found",
        "sep": "; ",
        "count": " ×{}",
        "unknown": "reason unknown",
    },
}


def _counts(findings: pl.DataFrame) -> pl.DataFrame:
    sev = pl.col("severity")
    return findings.group_by("unit_id").agg(
        errors=(sev == "error").sum().cast(pl.Int64),
        warnings=(sev == "warning").sum().cast(pl.Int64),
        infos=(sev == "info").sum().cast(pl.Int64),
    )


def _top_rules(findings: pl.DataFrame, lang: str) -> pl.DataFrame:
    """unit_id, rules_text: the top rules by severity then count, as 'title(RULE)×n'."""
    t = _TEXT[lang]
    title = pl.col("title") if "title" in findings.columns else pl.lit(None, dtype=pl.String)
    sev_rank = pl.col("severity").replace_strict(
        {"error": 0, "warning": 1, "info": 2}, default=3, return_dtype=pl.Int64
    )
    per_rule = (
        findings.with_columns(title_=title, sev_rank=sev_rank)
        .group_by("unit_id", "rule")
        .agg(n=pl.len(), sev=pl.col("sev_rank").min(), title=pl.col("title_").drop_nulls().first())
        .filter(pl.col("sev") <= 1)
        .sort(["unit_id", "sev", "n", "rule"], descending=[False, False, True, False])
        .with_columns(
            text=pl.format(
                "{} ({})" if lang == "en" else "{}({})", pl.col("title").fill_null(pl.col("rule")), pl.col("rule")
            )
            + pl.when(pl.col("n") > 1)
            .then(pl.format(t["count"].replace("{}", "{}"), pl.col("n")))
            .otherwise(pl.lit(""))
        )
        .group_by("unit_id", maintain_order=True)
        .agg(rules_text=pl.col("text").head(TOP_RULES).str.join(t["sep"] if lang == "en" else "、"))
    )
    return per_rule


def rank(
    units: pl.DataFrame, findings: pl.DataFrame | None, scores: pl.DataFrame | None, lang: str = "zh"
) -> pl.DataFrame:
    """The ranking frame: rank, unit_id, source_path, unit_name, score, outlier_score,
    peer_score, errors, warnings, reasons, peer_group, infos (one row per unit of ``units``)."""
    lang = "en" if lang == "en" else "zh"
    t = _TEXT[lang]
    if findings is None:
        findings = pl.DataFrame(schema={"unit_id": pl.String, "rule": pl.String, "severity": pl.String})
    if scores is None:
        scores = pl.DataFrame(
            schema={
                "unit_id": pl.String,
                "outlier_score": pl.Float64,
                "peer_score": pl.Float64,
                "peer_group": pl.String,
                "explanation": pl.String,
            }
        )
    sc = scores.select(
        "unit_id",
        "outlier_score",
        pl.col("peer_score") if "peer_score" in scores.columns else pl.col("outlier_score").alias("peer_score"),
        pl.col("peer_group") if "peer_group" in scores.columns else pl.lit(None, dtype=pl.String).alias("peer_group"),
        pl.col("explanation")
        if "explanation" in scores.columns
        else pl.lit(None, dtype=pl.String).alias("explanation"),
    )
    frame = (
        units.select(
            "unit_id",
            "source_path",
            "unit_name",
            "parse_status",
            "parse_error",
            pl.col("year") if "year" in units.columns else pl.lit(None, pl.Int64).alias("year"),
            pl.col("doc_kind") if "doc_kind" in units.columns else pl.lit(None, pl.String).alias("doc_kind"),
        )
        .join(_counts(findings), on="unit_id", how="left")
        .join(_top_rules(findings, lang), on="unit_id", how="left")
        .join(sc, on="unit_id", how="left")
        .with_columns(pl.col("errors", "warnings", "infos").fill_null(0))
    )
    osc = pl.col("peer_score").fill_null(0.0)
    tier = (
        pl.when(pl.col("errors") > 0)
        .then(3)
        .when(pl.col("warnings") > 0)
        .then(2)
        .when(pl.col("parse_status") == "failed")
        .then(0)
        .otherwise(1)
    )
    frame = frame.with_columns(tier=tier).with_columns(
        score=(
            pl.col("tier") * 10000
            + pl.col("errors").clip(upper_bound=99) * 100
            + pl.col("warnings").clip(upper_bound=99)
            + 0.99 * osc
        )
        .round(4)
        .cast(pl.Float64),
    )

    error = in_language(pl.col("parse_error"), lang)
    status = (
        pl.when(pl.col("parse_status") == "failed")
        .then(pl.format(t["failed"], error.fill_null(t["unknown"])))
        .when(pl.col("parse_status") == "partial")
        .then(pl.format(t["partial"], error.fill_null(t["unknown"])))
    )
    counts = pl.concat_str(
        [
            pl.when(pl.col(n) == 1)
            .then(pl.format(t[n[:-1]], pl.col(n)))
            .when(pl.col(n) > 0)
            .then(pl.format(t[n], pl.col(n)))
            for n in ("errors", "warnings")
        ],
        separator=", " if lang == "en" else "、",
        ignore_nulls=True,
    )
    counts = pl.when(counts != "").then(counts)
    findings_text = pl.when(counts.is_not_null()).then(
        pl.when(pl.col("rules_text").is_not_null())
        .then(pl.format("{}: {}" if lang == "en" else "{}：{}", counts, pl.col("rules_text")))
        .otherwise(counts)
    )
    has_expl = pl.col("explanation").fill_null("") != ""
    outlier_text = pl.when(has_expl & (pl.col("tier") == 1) & (osc >= OUTLIER_REASON_MIN)).then(
        pl.format(t["outlier"], pl.col("explanation"))
    )
    reasons = pl.concat_str([status, findings_text, outlier_text], separator=t["sep"], ignore_nulls=True)
    frame = frame.with_columns(reasons=pl.when(reasons != "").then(reasons).otherwise(pl.lit(t["nothing"])))

    frame = (
        frame.sort(
            ["tier", "errors", "warnings", "peer_score", "outlier_score", "unit_name", "source_path", "unit_id"],
            descending=[True, True, True, True, True, False, False, False],
            nulls_last=True,
        )
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
    )
    return frame.select(RANKING_COLUMNS)
