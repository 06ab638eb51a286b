"""Display labels of the per-unit features (Chinese, English) and how to print values.

``FEATURES`` is the single list of feature names, in the order they appear in the
wide frame and in the scorer's matrix. ``fmt`` says how a value is printed:

- ``yuan``: an amount in 元, printed in 万元: 0.66万元 (zh), ¥0.66 wan (en); see anomaly/money.py
- ``ratio``: a share, printed as a percentage
- ``change``: a signed relative change, printed as a signed percentage
- ``count``: a plain number
"""

from __future__ import annotations

# name: (Chinese label, English label, fmt)
FEATURE_INFO: dict[str, tuple[str, str, str]] = {
    "budget_per_authorized": ("预算总额/编制人数", "budget per authorised post", "yuan"),
    "budget_per_staff": ("预算总额/实有人数", "budget per actual staff", "yuan"),
    "personnel_cost_per_staff": ("工资福利支出/实有人数", "personnel cost per actual staff", "yuan"),
    "vacancy_rate": ("空编率(1-实有/编制)", "vacancy (1 - actual/authorised)", "ratio"),
    "sangong_share": ("三公经费(不含购车)占预算比例", "sangong (excl. car purchase) share of budget", "ratio"),
    "sangong_per_staff": ("三公经费(不含购车)/实有人数", "sangong (excl. car purchase) per actual staff", "yuan"),
    "vehicle_cost_per_vehicle": ("公务用车运行维护费/车辆", "vehicle running cost per vehicle", "yuan"),
    "reception_share": ("公务接待费占三公比例", "reception share of sangong", "ratio"),
    "reception_per_staff": ("公务接待费/实有人数", "reception cost per actual staff", "yuan"),
    "public_funds_per_staff": ("公用经费/实有人数", "public funds per actual staff", "yuan"),
    "meeting_per_staff": ("会议费/实有人数", "meeting cost per actual staff", "yuan"),
    "training_per_staff": ("培训费/实有人数", "training cost per actual staff", "yuan"),
    "project_share": ("专项业务经费占预算比例", "project share of budget", "ratio"),
    "total_yoy": ("预算总额较上年变动", "year-over-year change of the total", "change"),
    "sangong_yoy": ("三公经费较上年变动", "year-over-year change of sangong", "change"),
    "pct_error_rate": ("百分比错误率", "percentage errors per percentage stated", "ratio"),
    "arith_error_rate": ("算术错误率", "arithmetic errors per check", "ratio"),
}

FEATURES: list[str] = list(FEATURE_INFO)
# Features over time (features.over_time): from a unit's other disclosures, not its own.
FEATURE_INFO |= {
    "exec_total": ("预算执行率(决算/预算)", "budget execution (final/budget)", "ratio"),
    "exec_sangong": ("三公经费执行率(决算/预算)", "sangong execution (final/budget)", "ratio"),
    "exec_public_funds": ("公用经费执行率(决算/预算)", "public funds execution (final/budget)", "ratio"),
    "staff_yoy": ("实有人数较上年变动", "year-over-year change of actual staff", "change"),
    "sangong_recurring_yoy": (
        "三公经费(不含公务用车购置)较上年变动",
        "year-over-year change of sangong less vehicle purchase",
        "change",
    ),
}
# How the scorer names a feature over time in OUT001 and the explanations: execution is
# scored on both sides (anomaly.scoring.TIMED_SCORING), so the name says which.
SCORED_NAMES: dict[str, tuple[str, str]] = {
    "exec_total": ("预算执行率偏高(决算/预算)", "budget execution high (final/budget)"),
    "exec_total_under": ("预算执行率偏低(决算/预算)", "budget execution low (final/budget)"),
    "exec_sangong": ("三公经费执行率偏高(决算/预算)", "sangong execution high (final/budget)"),
    "exec_public_funds": ("公用经费执行率偏高(决算/预算)", "public funds execution high (final/budget)"),
    "total_yoy": ("总预算增幅偏高", "budget growth far above peers"),
    "sangong_recurring_yoy": (
        "三公经费增幅偏高(不含公务用车购置)",
        "sangong growth far above peers (less vehicle purchase)",
    ),
}
# Not a feature: the unit's size (实有人数), carried in the wide frame so that the scorer
# can compare costs that do not grow in proportion to staff on the scale they grow with.
SIZE = "staff_actual"
# Not a feature either: the features (comma-separated) whose figures the unit's own
# checks found inconsistent (features.build.DISPUTES); the scorer leaves them out.
DISPUTED = "disputed"

# Shorthand the report can use: {"sangong_share": ("三公经费占预算比例", "三公 share of budget")}.
LABELS: dict[str, tuple[str, str]] = {k: (v[0], v[1]) for k, v in FEATURE_INFO.items()}


def label(feature: str, lang: str = "zh") -> str:
    """Display label of a feature (the name itself when unknown)."""
    info = FEATURE_INFO.get(feature)
    if info is None:
        return feature
    return info[1] if lang == "en" else info[0]


def format_value(value: float | None, feature: str, lang: str = "zh") -> str:
    """A value as an analyst reads it: 7.9万元, 12.3%, +4.0% (one value, Python side)."""
    if value is None:
        return "—"
    fmt = FEATURE_INFO.get(feature, ("", "", "count"))[2]
    if fmt == "yuan":
        return f"¥{value / 1e4:,.2f} wan" if lang == "en" else f"{value / 1e4:,.2f}万元"
    if fmt == "ratio":
        return f"{value * 100:.1f}%"
    if fmt == "change":
        return f"{value * 100:+.1f}%"
    return f"{value:.3g}"


def format_expr(value, feature, lang: str = "zh"):
    """Polars expression: ``format_value`` for a whole column (value expr, feature-name expr)."""
    import polars as pl

    fmt = feature.replace_strict({k: v[2] for k, v in FEATURE_INFO.items()}, default="count", return_dtype=pl.String)
    # Two decimals always (0.60, not 0.6), as disclosures print 万元.
    wan = (value / 1e4).round(2).cast(pl.Decimal(38, 2)).cast(pl.String)
    yuan = pl.format("¥{} wan", wan) if lang == "en" else pl.format("{}万元", wan)
    pct = (value * 100).round(1)
    return (
        pl.when(value.is_null())
        .then(pl.lit("—"))
        .when(fmt == "yuan")
        .then(yuan)
        .when(fmt == "ratio")
        .then(pl.format("{}%", pct))
        .when(fmt == "change")
        .then(pl.when(value >= 0).then(pl.format("+{}%", pct)).otherwise(pl.format("{}%", pct)))
        .otherwise(value.round(3).cast(pl.String))
    )
