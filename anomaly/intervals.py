"""Interval arithmetic for printed (rounded) figures — DESIGN.md §4.

A figure printed with ``d`` decimals stands for every value that rounds to it:
``[v - 0.5·10^-d, v + 0.5·10^-d]``. Checks compute with these intervals and flag only
when the interval the figures imply and the interval of the printed figure do not meet.
Sums of ``n`` rounded parts therefore carry ``n`` half units of slack.

Every function here works on plain floats *and* on polars expressions (the bounds of an
:class:`Interval` may be either), so the rules use exactly the arithmetic that the
hypothesis tests exercise, vectorised over all units at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Any

import polars as pl

#: Relative tolerance for float error (not for rounding: rounding is in the bounds).
REL_TOL = 1e-9
#: Absolute floor of the tolerance.
ABS_TOL = 1e-9


def _is_expr(*xs: Any) -> bool:
    return any(isinstance(x, pl.Expr) for x in xs)


def _min(*xs):
    return pl.min_horizontal(*xs) if _is_expr(*xs) else min(xs)


def _max(*xs):
    return pl.max_horizontal(*xs) if _is_expr(*xs) else max(xs)


def _abs(x):
    return x.abs() if isinstance(x, pl.Expr) else abs(x)


def half_unit(decimals) -> Any:
    """Half a unit in the last printed place: 0.5·10^-d (float or expression)."""
    if isinstance(decimals, pl.Expr):
        return 0.5 * pl.lit(10.0).pow(-decimals.cast(pl.Float64))
    return 0.5 * 10.0 ** (-int(decimals))


@dataclass(frozen=True)
class Interval:
    """A closed interval [lo, hi]; bounds are floats or polars expressions."""

    lo: Any
    hi: Any

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def scale(self, k) -> Interval:
        """Multiply by a non-negative factor (a unit conversion such as 万元 → 元)."""
        return Interval(self.lo * k, self.hi * k)

    @property
    def mid(self):
        return (self.lo + self.hi) / 2


def printed(value, decimals, factor=1.0) -> Interval:
    """The interval a figure printed with `decimals` decimals stands for, times `factor`
    (e.g. 1e4 to read a 万元 figure in 元)."""
    h = half_unit(decimals)
    return Interval((value - h) * factor, (value + h) * factor)


def exact(value) -> Interval:
    return Interval(value, value)


def signed(iv: Interval, sign) -> Interval:
    """`iv` times a sign of +1 or -1 (float, or an expression giving ±1)."""
    if _is_expr(sign, iv.lo, iv.hi):
        s = sign if isinstance(sign, pl.Expr) else pl.lit(sign)
        return Interval(pl.when(s >= 0).then(iv.lo).otherwise(-iv.hi), pl.when(s >= 0).then(iv.hi).otherwise(-iv.lo))
    return iv if sign >= 0 else -iv


def total(parts: list[Interval]) -> Interval:
    """Sum of intervals: n rounded parts carry n half units."""
    return reduce(lambda a, b: a + b, parts)


def ratio(num: Interval, den: Interval) -> Interval:
    """num / den for a strictly positive denominator (the caller guarantees den.lo > 0).
    The extremes sit at the corners."""
    a, b, c, d = num.lo / den.lo, num.lo / den.hi, num.hi / den.lo, num.hi / den.hi
    return Interval(_min(a, b, c, d), _max(a, b, c, d))


def pct_change(current: Interval, prior: Interval) -> Interval:
    """|current − prior| / prior × 100, the percentage a change should print."""
    return ratio(magnitude(current - prior), prior).scale(100.0)


def _crosses_zero(iv: Interval):
    """0 when the interval contains 0 (so |x| can be 0), else 1."""
    if _is_expr(iv.lo, iv.hi):
        return pl.when((iv.lo <= 0) & (iv.hi >= 0)).then(0.0).otherwise(1.0)
    return 0.0 if iv.lo <= 0 <= iv.hi else 1.0


def magnitude(iv: Interval) -> Interval:
    """{|x| : x in iv}."""
    lo = _min(_abs(iv.lo), _abs(iv.hi)) * _crosses_zero(iv)
    return Interval(lo, _max(_abs(iv.lo), _abs(iv.hi)))


def tolerance(a: Interval, b: Interval):
    """Float-error slack for comparing a and b."""
    return ABS_TOL + REL_TOL * _max(_abs(a.lo), _abs(a.hi), _abs(b.lo), _abs(b.hi))


def overlaps(a: Interval, b: Interval):
    """Whether the intervals meet (within float tolerance). A bool or a boolean expression."""
    tol = tolerance(a, b)
    if _is_expr(a.lo, a.hi, b.lo, b.hi):
        return (a.lo <= b.hi + tol) & (b.lo <= a.hi + tol)
    return a.lo <= b.hi + tol and b.lo <= a.hi + tol


def contains(a: Interval, x):
    """Whether x lies in a (within tolerance)."""
    return overlaps(a, exact(x))


def gap(a: Interval, b: Interval):
    """How far apart the intervals are (0 when they meet)."""
    return _max(b.lo - a.hi, a.lo - b.hi, 0.0)
