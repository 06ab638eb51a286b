"""The input of every report writer, the contract's column lists, and a fake run.

``ReportInput`` bundles the frames a screening run produces. The writers in this
package read only these frames; they never parse or score anything themselves.
``fake_report_input`` builds a deterministic, realistic run for tests and for
``scripts/screenshot_report.py``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from datasets import frames

# Contract columns, in contract order (CONTRACT.md). Extra columns may follow.
UNITS_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = dict(list(frames.UNITS.items())[:13])  # the contract's
# The file's name without its folders (a source_path's last part, / or \\), where the
# reports show a file: a failed file's stand-in name, the file a finding is in.
FILE_NAME = pl.col("source_path").str.replace(r"^.*[/\\]", "")

FINDINGS_COLUMNS = {
    "unit_id": pl.String,
    "source_path": pl.String,
    "rule": pl.String,
    "family": pl.String,
    "severity": pl.String,
    "message": pl.String,
    "evidence": pl.String,
    "line": pl.Int64,
    "page": pl.Int64,
    "stated": pl.String,
    "expected": pl.String,
}
RANKING_COLUMNS = {
    "rank": pl.Int64,
    "unit_id": pl.String,
    "source_path": pl.String,
    "unit_name": pl.String,
    "score": pl.Float64,
    "outlier_score": pl.Float64,
    "errors": pl.Int64,
    "warnings": pl.Int64,
    "reasons": pl.String,
}
COVERAGE_COLUMNS = {"unit_id": pl.String, "rule": pl.String, "outcome": pl.String}
FEATURES_COLUMNS = {
    "unit_id": pl.String,
    "feature": pl.String,
    "value": pl.Float64,
    "peer_group": pl.String,
    "peer_median": pl.Float64,
    "peer_mad": pl.Float64,
    "robust_z": pl.Float64,
}

FAMILIES = ["ARI", "XTB", "NAR", "YOY", "PCT", "UNT", "PLH", "CMP", "STF", "SAN", "PRF", "CPY", "OUT"]
SEVERITIES = ["error", "warning", "info"]
OUTCOMES = ["pass", "fail", "not_applicable", "insufficient_data", "error"]


@dataclass(frozen=True)
class ReportInput:
    """Everything a report is written from (see CONTRACT.md for the columns)."""

    units: pl.DataFrame  # CONTRACT units columns (+ extras)
    findings: pl.DataFrame  # CONTRACT findings columns (+ extras, e.g. title)
    ranking: pl.DataFrame  # CONTRACT ranking columns (+ peer_group)
    coverage: pl.DataFrame  # unit_id, rule, outcome
    features: pl.DataFrame  # long: unit_id, feature, value, peer_group, peer_median, peer_mad, robust_z
    manifest: dict = field(default_factory=dict)
    lang: str = "zh"
    # The scorer's peer levels (unit_id, peer_kind, peer_class, peer_l0..peer_l4), so the
    # report draws a unit among the units its peer median came from; optional.
    peers: pl.DataFrame | None = None
    # The triage store's audit trail (anomaly.triage.AUDIT_SCHEMA): a sheet of the workbook.
    audit: pl.DataFrame | None = None
    # The source lines around findings' evidence, taken by the per-file stage
    # (datasets.excerpts.SCHEMA; lazy: the report reads only its top units'). Findings
    # without one have their sources read again (reports.source_lines).
    excerpts: pl.DataFrame | pl.LazyFrame | None = None
    # Where the report keeps what it read again from the sources, for the next run
    # (reports.source_cache); None: nothing kept.
    source_cache: Path | None = None


def local_time(stamp: str | None) -> str:
    """A UTC time (ISO, or a history folder's name: 20261203T175429.720150Z) as this
    machine's local time, to the minute; what it cannot read, as it is."""
    from datetime import UTC, datetime

    try:
        if stamp and stamp.endswith("Z") and "T" in stamp and "-" not in stamp:
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
        else:
            when = datetime.fromisoformat(stamp)
        return when.astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return stamp or ""


def conform(frame: pl.DataFrame | None, columns: dict) -> pl.DataFrame:
    """``frame`` with the contract ``columns`` first, in order, then its extra columns.

    A missing contract column is added as nulls of its contract type, so that a
    partial run still writes files with the promised layout.
    """
    if frame is None:
        return pl.DataFrame(schema=columns)
    missing = [pl.lit(None, dtype=dtype).alias(name) for name, dtype in columns.items() if name not in frame.columns]
    if missing:
        frame = frame.with_columns(missing)
    extras = [c for c in frame.columns if c not in columns]
    return frame.select([*columns, *extras])


# ---------------------------------------------------------------------------
# A fake run, deterministic for a given (n_units, seed).

_COUNTY = ["清河县", "安平县", "武邑县", "阜城县", "景县", "故城县", "枣强县", "饶阳县"]
_KINDS = [
    # (name pattern, peer group, budget scale in 元)
    ("{c}财政局", "201·局委办", 8e6),
    ("{c}发展和改革局", "201·局委办", 5e6),
    ("{c}审计局", "201·局委办", 3e6),
    ("{c}{t}镇人民政府", "201·镇街道", 2e7),
    ("{c}{t}街道办事处", "201·镇街道", 1.5e7),
    ("{c}第{n}中学", "205·学校", 3e7),
    ("{c}{t}中心小学", "205·学校", 1e7),
    ("{c}人民医院", "210·医院", 9e7),
    ("{c}{t}卫生院", "210·医院", 6e6),
]
_TOWNS = ["城关", "王官庄", "连庄", "坝营", "谢炉", "油坊", "黄金庄", "葛仙庄", "西王庄", "胡家庄"]
_NUMS = "一二三四五六七八九十"

_FINDING_TEMPLATES = {
    # family: (rule, severity, message, evidence, stated, expected)
    "ARI": (
        "ARI001",
        "error",
        "表1支出合计与各功能分类科目之和不符",
        "支出总计\t{a:.2f}\t\t一般公共服务支出\t{b:.2f}",
        "{a:.2f}",
        "{b:.2f}",
    ),
    "XTB": (
        "XTB002",
        "error",
        "表1与表4的财政拨款收入合计不一致",
        "表4 财政拨款收入合计 {a:.2f} 万元",
        "{a:.2f}",
        "{b:.2f}",
    ),
    "NAR": (
        "NAR001",
        "warning",
        "说明中的收入总计与表1的数字不一致",
        "2024年收入预算总计{a:.2f}万元，比上年增加{c:.2f}万元",
        "{a:.2f}万元",
        "{b:.2f}万元",
    ),
    "YOY": (
        "YOY001",
        "error",
        "本年减上年与所述增减额不符",
        "会议费{a:.2f}万元，较上年{b:.2f}万元减少{c:.2f}万元",
        "减少{c:.2f}万元",
        "减少{d:.2f}万元",
    ),
    "PCT": (
        "PCT002",
        "error",
        "所述百分比是本年占上年的比例，而不是增减幅度",
        "“三公”经费预算{a:.2f}万元，较上年预算{b:.2f}万元减少{c:.2f}万元（{p:.0f}%）",
        "{p:.0f}%",
        "{q:.1f}%",
    ),
    "UNT": (
        "UNT001",
        "warning",
        "金额单位疑似错误（元与万元混用）",
        "公务接待费{a:.2f}元，较上年{b:.2f}减少{c:.2f}万元",
        "{a:.2f}元",
        "{a:.2f}万元",
    ),
    "PLH": ("PLH001", "warning", "文中残留占位符或模板文字", "单价超过50万元的专用设备XX套", "XX套", None),
    "CMP": ("CMP002", "warning", "目录声明非空的表格未公开", "表9\t政府性基金预算支出表\t否\t", "表9 非空", "表9 缺失"),
    "STF": (
        "STF001",
        "error",
        "实有人员各项之和与合计不符",
        "实有人员{n}人，其中行政{m}人、事业{k}人",
        "{n}人",
        "{s}人",
    ),
    "SAN": (
        "SAN001",
        "error",
        "“三公”经费合计与各项之和不符",
        "“三公”经费{a:.2f}万元，其中：公务接待费{c:.2f}万元，公务用车运行维护费{d:.2f}万元",
        "{a:.2f}万元",
        "{b:.2f}万元",
    ),
    "PRF": (
        "PRF003",
        "info",
        "整体支出绩效目标表的资金总额与预算总额不一致",
        "整体支出绩效目标表 年度资金总额 {a:.2f} 万元",
        "{a:.2f}万元",
        "{b:.2f}万元",
    ),
    "CPY": (
        "CPY001",
        "warning",
        "与其他单位的段落逐字相同（疑似套用模板未更新）",
        "主要职能：贯彻执行国家有关方针政策和法律法规，负责本系统的日常管理工作。",
        None,
        None,
    ),
    "OUT": (
        "OUT001",
        "info",
        "与同类单位相比明显偏离：“三公”经费人均、公用经费人均",
        "“三公”经费人均 {a:.2f} 万元（同类中位数 {b:.2f} 万元）",
        "{a:.2f}",
        "{b:.2f}",
    ),
}
_FAILURES = [
    "无法识别文本编码（尝试 UTF-8、GB18030、UTF-16 均失败）",
    "文件为空",
    "未找到“公开报表”部分",
    "表1 无法解析：列数不一致",
]
FEATURE_NAMES = [
    "budget_per_staff",
    "personnel_cost_per_staff",
    "vacancy_rate",
    "sangong_share",
    "sangong_per_staff",
    "vehicle_cost_per_vehicle",
    "reception_share",
    "public_funds_per_staff",
    "meeting_training_per_staff",
    "project_share",
    "total_yoy",
    "sangong_yoy",
]


def fake_report_input(
    n_units: int = 40, seed: int = 0, lang: str = "zh", findings_per_unit: float = 5.0
) -> ReportInput:
    """A realistic fake run: ``n_units`` units, ~``findings_per_unit`` findings each.

    Every 25th unit fails to parse and every 17th is partial (with null figures). The
    same arguments always give the same frames.
    """
    rnd = random.Random(seed)
    units, findings, coverage, features = [], [], [], []
    rules = sorted(
        {t[0] for t in _FINDING_TEMPLATES.values()} | {"ARI002", "YOY002", "PCT001", "STF002", "SAN002", "CMP001"}
    )
    for i in range(n_units):
        uid = f"u{i:05d}"
        county = _COUNTY[i % len(_COUNTY)]
        pattern, peer, scale = _KINDS[rnd.randrange(len(_KINDS))]
        name = pattern.format(c=county, t=_TOWNS[rnd.randrange(len(_TOWNS))], n=_NUMS[rnd.randrange(10)])
        path = f"disclosures/{county}/{i:05d}_{name}.txt"
        # A fixed pattern, so that even a small run has failed and partial files.
        status = "failed" if i % 25 == 7 else "partial" if i % 17 == 5 else "ok"
        error = None if status == "ok" else _FAILURES[0 if status == "failed" else rnd.randrange(1, len(_FAILURES))]
        staff = rnd.randint(8, 120)
        budget = scale * rnd.uniform(0.4, 2.5)
        sangong = budget * rnd.uniform(0.002, 0.03)
        row = {
            "unit_id": uid,
            "source_path": path,
            "unit_name": name if status != "failed" else None,
            "year": 2024 if status != "failed" else None,
            "parse_status": status,
            "parse_error": error,
            "total_budget_yuan": round(budget, 2),
            "staff_authorized": staff + rnd.randint(0, 10),
            "staff_actual": staff,
            "retirees": rnd.randint(0, 40),
            "vehicles": rnd.randint(0, 6),
            "sangong_total_yuan": round(sangong, 2),
            "sangong_prior_yuan": round(sangong * rnd.uniform(0.8, 1.2), 2),
            "peer_group": peer,
        }
        if status == "failed":
            for k in list(row)[6:-1]:
                row[k] = None
        elif status == "partial":
            for k in ("sangong_total_yuan", "sangong_prior_yuan", "vehicles"):
                row[k] = None
        units.append(row)
        if status == "failed":
            continue
        # Findings: a skewed count so that the ranking has a head and a long tail.
        n_find = min(int(rnd.expovariate(1 / findings_per_unit)), 40)
        for _ in range(n_find):
            fam = FAMILIES[min(int(rnd.expovariate(1 / 4)), len(FAMILIES) - 1)]
            rule, sev, msg, ev, st, ex = _FINDING_TEMPLATES[fam]
            a = rnd.uniform(1, 500)
            vals = dict(
                a=a,
                b=a * rnd.uniform(0.9, 1.1),
                c=rnd.uniform(0.1, 9),
                d=rnd.uniform(0.1, 9),
                p=rnd.uniform(80, 99),
                q=rnd.uniform(1, 20),
                n=staff,
                m=staff // 2,
                k=staff // 3,
                s=staff // 2 + staff // 3,
            )
            findings.append(
                {
                    "unit_id": uid,
                    "source_path": path,
                    "rule": rule,
                    "family": fam,
                    "severity": sev,
                    "message": msg,
                    "evidence": ev.format(**vals),
                    "line": rnd.randint(3, 400),
                    "stated": st.format(**vals) if st else None,
                    "expected": ex.format(**vals) if ex else None,
                }
            )
        for rule in rules:
            r = rnd.random()
            outcome = (
                "pass" if r < 0.75 else "not_applicable" if r < 0.87 else "insufficient_data" if r < 0.97 else "fail"
            )
            if status == "partial" and r < 0.3:
                outcome = "insufficient_data"
            coverage.append((uid, rule, outcome))
        for f_i, feat in enumerate(FEATURE_NAMES):
            if status == "partial" and f_i % 3 == 0:
                continue
            base = 1.0 + f_i * 0.7
            value = rnd.lognormvariate(0, 0.35) * base
            if rnd.random() < 0.03:
                value *= rnd.choice([0.2, 4.0])  # an outlier
            features.append((uid, feat, value, peer))

    units_df = pl.DataFrame(units, schema={**UNITS_COLUMNS, "peer_group": pl.String}, orient="row")
    findings_df = pl.DataFrame(findings, schema=FINDINGS_COLUMNS, orient="row")
    coverage_df = pl.DataFrame(coverage, schema=COVERAGE_COLUMNS, orient="row")
    # Findings that failed also count as coverage failures.
    coverage_df = pl.concat(
        [
            coverage_df.filter(pl.col("outcome") != "fail"),
            findings_df.select("unit_id", "rule", pl.lit("fail").alias("outcome")).unique(maintain_order=True),
        ]
    )
    features_df = _peer_stats(
        pl.DataFrame(features, schema=["unit_id", "feature", "value", "peer_group"], orient="row")
    )
    ranking_df = _fake_ranking(units_df, findings_df, features_df)
    n_status = units_df["parse_status"].value_counts()
    counts = dict(zip(n_status["parse_status"].to_list(), n_status["count"].to_list()))
    manifest = {
        "inputs_seen": n_units,
        "ok": counts.get("ok", 0),
        "partial": counts.get("partial", 0),
        "failed": counts.get("failed", 0),
        "version": "0.1.0",
        "started_at": "2025-03-01T02:00:00+08:00",
        "elapsed_s": round(n_units / 300, 2),
        "options": {"select": None, "ignore": None, "seed": seed},
        "files": units_df.select("source_path", "unit_id", "parse_status", "parse_error").to_dicts(),
    }
    return ReportInput(units_df, findings_df, ranking_df, coverage_df, features_df, manifest, lang)


def _peer_stats(features: pl.DataFrame) -> pl.DataFrame:
    """Add peer median, MAD and robust z within (peer_group, feature)."""
    over = ["peer_group", "feature"]
    med = pl.col("value").median().over(over)
    features = features.with_columns(peer_median=med)
    features = features.with_columns(peer_mad=(pl.col("value") - pl.col("peer_median")).abs().median().over(over))
    z = (pl.col("value") - pl.col("peer_median")) / (1.4826 * pl.col("peer_mad"))
    return features.with_columns(robust_z=pl.when(pl.col("peer_mad") > 0).then(z).otherwise(None))


def _fake_ranking(units: pl.DataFrame, findings: pl.DataFrame, features: pl.DataFrame) -> pl.DataFrame:
    counts = findings.group_by("unit_id").agg(
        errors=(pl.col("severity") == "error").sum().cast(pl.Int64),
        warnings=(pl.col("severity") == "warning").sum().cast(pl.Int64),
        top_rules=pl.col("rule").unique(maintain_order=True).head(3).str.join("、"),
    )
    outlier = features.group_by("unit_id").agg(
        outlier_score=(pl.col("robust_z").abs().max().fill_null(0) / 10).clip(0, 1),
        top_feature=pl.col("feature").sort_by(pl.col("robust_z").abs(), descending=True, nulls_last=True).first(),
    )
    frame = (
        units.select("unit_id", "source_path", "unit_name", "peer_group")
        .join(counts, on="unit_id", how="left")
        .join(outlier, on="unit_id", how="left")
        .with_columns(pl.col("errors", "warnings").fill_null(0), pl.col("outlier_score").fill_null(0.0))
        .with_columns(score=(pl.col("errors") * 10 + pl.col("warnings") * 3 + pl.col("outlier_score") * 5).round(3))
        .with_columns(
            reasons=pl.concat_str(
                [
                    pl.when(pl.col("errors") > 0).then(pl.format("{} 个错误", pl.col("errors"))),
                    pl.when(pl.col("warnings") > 0).then(pl.format("{} 个警告", pl.col("warnings"))),
                    pl.col("top_rules"),
                    pl.when(pl.col("outlier_score") > 0.3).then(pl.format("偏离同类：{}", pl.col("top_feature"))),
                ],
                separator="；",
                ignore_nulls=True,
            )
        )
        .sort(["score", "unit_id"], descending=[True, False])
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
    )
    return frame.select(*RANKING_COLUMNS, "peer_group")
