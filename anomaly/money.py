"""One money convention for everything the tool writes for people (issue #12).

Amounts are shown in 万元, the unit disclosures print them in, with two decimals (what
they print), or more where two figures set side by side would otherwise look the same.
Chinese: ``407.46万元``; English: ``¥407.46 wan`` (wan = 万 = 10,000 yuan), keeping the
disclosure's own digits so that a figure is found in the source at a glance. A figure
quoted in the unit it was printed in keeps that unit and its printed decimals
(``2.19元`` → ``¥2.19``, ``3.49万元`` → ``¥3.49 wan``). Ratios are percentages. The
contract's ``*_yuan`` columns stay in 元: this is only how figures are written.
"""

from __future__ import annotations

import polars as pl

# English for a printed unit, after the number.
UNIT_EN = {"元": "", "千元": " thousand", "万元": " wan", "亿元": " yi"}
MAX_DECIMALS = 6  # 万元 to 0.01 元


def number(v: float, d: int | None = 2) -> str:
    """``v`` with ``d`` decimals, thousands separated from 100,000 up."""
    d = 0 if d is None else max(0, int(d))
    return f"{v:,.{d}f}" if abs(v) >= 1e5 else f"{v:.{d}f}"


def amount(v: float | None, unit: str | None, d: int | None = 2, lang: str = "zh") -> str:
    """A figure in the unit it was printed in: 2.19元 / ¥2.19, 3.49万元 / ¥3.49 wan."""
    if v is None:
        return "—"
    unit = unit or ""
    if lang != "en":
        return f"{number(v, d)}{unit}"
    if unit not in UNIT_EN:  # no unit printed: a bare number
        return number(v, d)
    sign = "-" if v < 0 else ""
    return f"{sign}¥{number(abs(v), d)}{UNIT_EN[unit]}"


def wan(yuan: float | None, d: int = 2, lang: str = "zh") -> str:
    """An amount in 元, written in 万元 with thousands separated: 1,415.07万元 / ¥1,415.07 wan.

    (The Chinese text is part of a finding's fingerprint: its form must not change.)"""
    if yuan is None:
        return "—"
    v = yuan / 1e4
    if lang != "en":
        return f"{v:,.{d}f}万元"
    return f"{'-' if v < 0 else ''}¥{abs(v):,.{d}f} wan"


def wan_en(yuan: float | None, d: int = 2) -> str:
    return wan(yuan, d, "en")


def decimals_apart(*yuan: float | None, d: int = 2) -> int:
    """The fewest decimals (from ``d``) at which amounts that differ also read differently
    in 万元: 3,959,000 and 3,959,001 元 are 395.9000 and 395.9001, not twice 395.90."""
    values = [v for v in yuan if v is not None]
    while d < MAX_DECIMALS and len({f"{v / 1e4:.{d}f}" for v in values}) < len({round(v, 2) for v in values}):
        d += 1
    return d


def wan_expr(yuan: pl.Expr, d: int = 2, lang: str = "zh") -> pl.Expr:
    """``wan`` as a polars expression (null stays null)."""
    text = (yuan / 1e4).round(d).cast(pl.Decimal(38, d)).cast(pl.String)
    if lang == "en":
        return pl.when(yuan < 0).then(pl.lit("-¥") + text.str.strip_prefix("-")).otherwise(pl.lit("¥") + text) + " wan"
    return text + "万元"


def pct(ratio: float | None, d: int = 1) -> str:
    """A ratio (0.0887) as a percentage (8.9%)."""
    return "—" if ratio is None else f"{100 * ratio:.{d}f}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    """English count with its noun: 1 table, 2 tables (``many`` for irregular plurals)."""
    return f"{n} {word if n == 1 else many or word + 's'}"
