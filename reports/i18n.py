"""Every user-facing string of the reports, keyed by language ("zh" default, "en").

The HTML page receives the whole table of its language as JSON; Excel and the
terminal summary look strings up with ``t``. Add a key to both languages.
"""

from __future__ import annotations

LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "单位预算公开说明筛查报告",
        "noscript": "请启用 JavaScript 查看本报告（报告为单个离线文件，不联网）。",
        "generated": "生成于 {started_at} · 用时 {elapsed_s} 秒 · 版本 {version}",
        "overview": "概览",
        "units_screened": "筛查单位",
        "parse_outcomes": "解析结果",
        "ok": "成功",
        "partial": "部分解析",
        "failed": "失败",
        "findings": "问题",
        "findings_total": "问题总数",
        "by_family": "按类别",
        "by_severity": "按严重程度",
        "coverage": "检查覆盖",
        "coverage_note": "单位×规则检查共 {total} 项",
        "pass": "通过",
        "fail": "未通过",
        "not_applicable": "不适用",
        "insufficient_data": "数据不足",
        "error_outcome": "检查出错",
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "ranking": "线索排名",
        "ranking_note": "按优先级排序：先看错误，再看警告，最后看与同类单位的偏离。",
        "all_families": "全部类别",
        "all_severities": "全部严重程度",
        "all_peer_groups": "全部同类组",
        "search": "搜索单位名称…",
        "showing": "第 {from}–{to} 条，共 {n} 条",
        "prev": "上一页",
        "next": "下一页",
        "no_rows": "没有符合条件的单位",
        "failed_units": "未能完整解析的文件",
        "failed_units_note": "以下文件解析失败或只解析了一部分，其检查结果不完整。",
        "show_all": "显示全部（{n}）",
        "back": "← 返回排名",
        "prev_unit": "← 上一条线索",
        "next_unit": "下一条线索 →",
        "unit_not_found": "未找到该单位：{id}",
        "source": "来源文件",
        "year": "年度",
        "status": "解析状态",
        "parse_error": "解析问题",
        "peer_group": "同类组",
        "rank": "排名",
        "checked": "已检查 {checked} 项规则，共 {total} 项（未通过 {fail}，不适用 {na}，数据不足 {insufficient}）",
        "unit_findings": "问题与证据",
        "no_findings": "未发现问题。",
        "not_checked": "文件未能解析，没有做任何检查——没有问题不代表没有错误。",
        "line": "第 {line} 行",
        "line_unknown": "行号未知",
        "stated": "所述",
        "expected": "应为",
        "top_features": "与同类单位比较（偏离最大的指标）",
        "no_features": "没有可比较的指标。",
        "peer_median": "同类中位数",
        "this_unit": "本单位",
        "peers": "同类组共 {n} 个单位",
        "colon": "：",
        "figures": "主要数字",
        "none": "—",
        "summary_title": "筛查完成",
        "summary_files": "文件：共 {n} 个，成功 {ok}，部分解析 {partial}，失败 {failed}",
        "summary_findings": "问题：共 {n} 条，错误 {error}，警告 {warning}，提示 {info}",
        "summary_top": "优先查看的 {n} 条线索：",
        "summary_top_row": "{rank:>4}. {name}  错误 {errors} 警告 {warnings}  {reasons}",
        "summary_report": "报告：{html}",
        "summary_tables": "表格：{xlsx}（另有 CSV/Parquet 在 {dir}）",
        "sheet_ranking": "排名",
        "sheet_findings": "问题清单",
        "sheet_units": "单位数据",
        "truncated": "（超出 Excel 行数上限，仅写入前 {n} 行；完整数据见 {file}）",
    },
    "en": {
        "title": "Budget disclosure screening report",
        "noscript": "Please enable JavaScript to view this report (a single offline file; no network access).",
        "generated": "Generated {started_at} · {elapsed_s} s · version {version}",
        "overview": "Overview",
        "units_screened": "Units screened",
        "parse_outcomes": "Parse outcomes",
        "ok": "ok",
        "partial": "partial",
        "failed": "failed",
        "findings": "Findings",
        "findings_total": "Findings",
        "by_family": "By family",
        "by_severity": "By severity",
        "coverage": "Check coverage",
        "coverage_note": "{total} unit × rule checks",
        "pass": "passed",
        "fail": "failed",
        "not_applicable": "not applicable",
        "insufficient_data": "insufficient data",
        "error_outcome": "check error",
        "error": "error",
        "warning": "warning",
        "info": "info",
        "ranking": "Ranked leads",
        "ranking_note": "Ordered by priority: errors first, then warnings, then distance from peer units.",
        "all_families": "All families",
        "all_severities": "All severities",
        "all_peer_groups": "All peer groups",
        "search": "Search unit name…",
        "showing": "{from}–{to} of {n}",
        "prev": "Previous",
        "next": "Next",
        "no_rows": "No unit matches",
        "failed_units": "Files not fully parsed",
        "failed_units_note": "These files failed to parse or parsed only in part; their checks are incomplete.",
        "show_all": "Show all ({n})",
        "back": "← Back to ranking",
        "prev_unit": "← Previous lead",
        "next_unit": "Next lead →",
        "unit_not_found": "Unit not found: {id}",
        "source": "Source file",
        "year": "Year",
        "status": "Parse status",
        "parse_error": "Parse problem",
        "peer_group": "Peer group",
        "rank": "Rank",
        "checked": "Checked {checked} of {total} rules ({fail} failed, {na} not applicable, {insufficient} insufficient data)",
        "unit_findings": "Findings and evidence",
        "no_findings": "No findings.",
        "not_checked": "The file could not be parsed, so nothing was checked: no findings is not a clean bill.",
        "line": "line {line}",
        "line_unknown": "line unknown",
        "stated": "Stated",
        "expected": "Expected",
        "top_features": "Compared with peers (features furthest from the peer median)",
        "no_features": "No comparable features.",
        "peer_median": "peer median",
        "this_unit": "this unit",
        "peers": "peer group of {n} units",
        "colon": ": ",
        "figures": "Headline figures",
        "none": "—",
        "summary_title": "Screening finished",
        "summary_files": "Files: {n} seen, {ok} ok, {partial} partial, {failed} failed",
        "summary_findings": "Findings: {n} ({error} errors, {warning} warnings, {info} info)",
        "summary_top": "Top {n} leads:",
        "summary_top_row": "{rank:>4}. {name}  errors {errors} warnings {warnings}  {reasons}",
        "summary_report": "Report: {html}",
        "summary_tables": "Tables: {xlsx} (CSV/Parquet in {dir})",
        "sheet_ranking": "Ranking",
        "sheet_findings": "Findings",
        "sheet_units": "Units",
        "truncated": "(over Excel's row limit: only the first {n} rows; full data in {file})",
    },
}

# Column headers for tables (Excel sheets, HTML ranked list).
COLUMNS: dict[str, dict[str, str]] = {
    "zh": {
        "rank": "排名", "unit_id": "单位编号", "source_path": "来源文件", "unit_name": "单位名称",
        "score": "优先级得分", "outlier_score": "离群得分", "errors": "错误", "warnings": "警告",
        "reasons": "原因", "peer_group": "同类组", "rule": "规则", "family": "类别", "severity": "严重程度",
        "message": "说明", "evidence": "原文证据", "line": "行号", "stated": "所述", "expected": "应为",
        "title": "规则名称", "year": "年度", "parse_status": "解析状态", "parse_error": "解析问题",
        "total_budget_yuan": "预算总额（元）", "staff_authorized": "编制人数", "staff_actual": "实有人数",
        "retirees": "离退休人数", "vehicles": "车辆数", "sangong_total_yuan": "三公经费（元）",
        "sangong_prior_yuan": "上年三公经费（元）", "outcome": "结果", "feature": "指标", "value": "数值",
    },
    "en": {
        "rank": "Rank", "unit_id": "Unit ID", "source_path": "Source file", "unit_name": "Unit name",
        "score": "Score", "outlier_score": "Outlier score", "errors": "Errors", "warnings": "Warnings",
        "reasons": "Reasons", "peer_group": "Peer group", "rule": "Rule", "family": "Family", "severity": "Severity",
        "message": "Message", "evidence": "Evidence", "line": "Line", "stated": "Stated", "expected": "Expected",
        "title": "Rule title", "year": "Year", "parse_status": "Parse status", "parse_error": "Parse problem",
        "total_budget_yuan": "Total budget (yuan)", "staff_authorized": "Authorized staff", "staff_actual": "Actual staff",
        "retirees": "Retirees", "vehicles": "Vehicles", "sangong_total_yuan": "Sangong (yuan)",
        "sangong_prior_yuan": "Sangong last year (yuan)", "outcome": "Outcome", "feature": "Feature", "value": "Value",
    },
}

FAMILIES: dict[str, dict[str, str]] = {
    "zh": {
        "ARI": "表内合计", "XTB": "表间一致", "NAR": "文表一致", "YOY": "同比增减", "PCT": "百分比",
        "UNT": "计量单位", "PLH": "占位符残留", "CMP": "完整性", "STF": "人员数字", "SAN": "三公经费",
        "PRF": "绩效目标", "CPY": "模板套用", "OUT": "同类偏离",
    },
    "en": {
        "ARI": "table arithmetic", "XTB": "cross-table", "NAR": "text vs table", "YOY": "year-on-year",
        "PCT": "percentages", "UNT": "units", "PLH": "placeholders", "CMP": "completeness", "STF": "staff",
        "SAN": "sangong", "PRF": "performance", "CPY": "copied text", "OUT": "peer outlier",
    },
}

# Known feature keys; an unknown key is shown as is.
FEATURES: dict[str, dict[str, str]] = {
    "zh": {
        "budget_per_staff": "人均预算（按编制）", "budget_per_actual_staff": "人均预算（按实有）",
        "personnel_cost_per_staff": "人均人员经费", "vacancy_rate": "空编率", "sangong_share": "三公经费占比",
        "sangong_per_staff": "人均三公经费", "vehicle_cost_per_vehicle": "每车运行维护费",
        "reception_share": "公务接待占三公比例", "public_funds_per_staff": "人均公用经费",
        "meeting_training_per_staff": "人均会议培训费", "project_share": "项目支出占比",
        "total_yoy": "预算总额同比变化", "sangong_yoy": "三公经费同比变化",
        "pct_error_rate": "百分比错误率", "arith_error_rate": "算术错误率",
    },
    "en": {
        "budget_per_staff": "budget per authorized staff", "budget_per_actual_staff": "budget per actual staff",
        "personnel_cost_per_staff": "personnel cost per staff", "vacancy_rate": "vacancy rate",
        "sangong_share": "sangong share of budget", "sangong_per_staff": "sangong per staff",
        "vehicle_cost_per_vehicle": "running cost per vehicle", "reception_share": "reception share of sangong",
        "public_funds_per_staff": "public funds per staff", "meeting_training_per_staff": "meetings and training per staff",
        "project_share": "project share", "total_yoy": "total budget change", "sangong_yoy": "sangong change",
        "pct_error_rate": "percentage error rate", "arith_error_rate": "arithmetic error rate",
    },
}


def lang_of(lang: str | None) -> str:
    """A supported language code; anything unknown falls back to Chinese."""
    return lang if lang in LANGS else "zh"


def t(lang: str, key: str, **values: object) -> str:
    """The UI string ``key`` in ``lang``, formatted with ``values``."""
    text = STRINGS[lang_of(lang)][key]
    return text.format(**values) if values else text


def column(lang: str, name: str) -> str:
    """A column header; unknown columns keep their name."""
    return COLUMNS[lang_of(lang)].get(name, name)
