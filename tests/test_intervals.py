"""Rounding never raises an alarm; real inconsistencies do (DESIGN.md §4)."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from anomaly.intervals import Interval, magnitude, overlaps, pct_change, printed, ratio, total

amounts = st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1.0, max_value=1e7, allow_nan=False, allow_infinity=False)
decimals = st.integers(min_value=0, max_value=2)


def rnd(v: float, d: int) -> float:
    return round(v, d)


@settings(max_examples=300, deadline=None)
@given(cur=amounts, pri=amounts, d=decimals, dc=decimals)
def test_rounded_change_is_consistent(cur, pri, d, dc):
    change = abs(cur - pri)
    c, p, ch = printed(rnd(cur, d), d), printed(rnd(pri, d), d), printed(rnd(change, dc), dc)
    assert overlaps(magnitude(c - p), ch)


@settings(max_examples=300, deadline=None)
@given(cur=amounts, pri=positive, d=decimals, dp=decimals)
def test_rounded_percentage_is_consistent(cur, pri, d, dp):
    pct = abs(cur - pri) / pri * 100
    c, p = printed(rnd(cur, d), d), printed(rnd(pri, d), d)
    if p.lo <= 0:
        return
    assert overlaps(pct_change(c, p), printed(rnd(pct, dp), dp))
    # ... and with the printed change as the numerator.
    ch = printed(rnd(abs(cur - pri), d), d)
    assert overlaps(ratio(ch, p).scale(100), printed(rnd(pct, dp), dp))


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(amounts, min_size=1, max_size=12), d=decimals)
def test_rounded_parts_add_up(parts, d):
    s = sum(parts)
    assert overlaps(total([printed(rnd(x, d), d) for x in parts]), printed(rnd(s, d), d))


@settings(max_examples=200, deadline=None)
@given(wan=st.floats(min_value=0.0, max_value=1e5, allow_nan=False), d=decimals)
def test_unit_conversion(wan, d):
    # A 万元 figure with d decimals against the same amount printed in 元 with 2 decimals.
    yuan = round(wan * 1e4, 2)
    assert overlaps(printed(rnd(wan, d), d, 1e4), printed(yuan, 2))


@settings(max_examples=200, deadline=None)
@given(
    cur=st.floats(min_value=1.0, max_value=1e5),
    pri=st.floats(min_value=1.0, max_value=1e5),
    off=st.floats(min_value=0.05, max_value=100.0),
    d=decimals,
)
def test_wrong_change_is_flagged(cur, pri, off, d):
    # A stated change off by well over the rounding slack (3 half units) never overlaps.
    wrong = abs(cur - pri) + off + 3 * 10.0**-d
    c, p, ch = printed(rnd(cur, d), d), printed(rnd(pri, d), d), printed(rnd(wrong, d), d)
    assert not overlaps(magnitude(c - p), ch)


def test_worked_cases():
    # The kinds of case the seed shows (DESIGN.md §4), with invented figures.
    c, p = printed(47.20, 2), printed(49.05, 2)
    assert overlaps(p - c, printed(1.84, 2))  # 1.85 printed as 1.84: consistent within rounding
    assert not overlaps(pct_change(c, p), printed(96, 0))  # ratio stated as change
    assert overlaps(ratio(c, p).scale(100), printed(96, 0))
    assert not overlaps(printed(3.42, 2) - printed(3.15, 2), printed(0.72, 2))
    assert overlaps(printed(587.34, 2, 1e4), printed(5873362.00, 2))
    # Five amounts rounded to 0.01 add up to 173.31, 0.0086 from the exact 173.3186:
    # more than one half unit, within five.
    assert overlaps(total([printed(v, 2) for v in (62.40, 18.75, 7.30, 51.20, 33.66)]), printed(173.3186, 4))
    assert not overlaps(printed(173.31, 2), printed(173.3186, 4))


def test_expressions_match_floats():
    df = pl.DataFrame({"c": [47.20, 3.15], "p": [49.05, 3.42], "ch": [1.84, 0.72], "d": [2, 2]})
    iv = lambda col: printed(pl.col(col), pl.col("d"))  # noqa: E731
    got = df.select(overlaps(magnitude(iv("c") - iv("p")), iv("ch")).alias("ok"))["ok"].to_list()
    assert got == [True, False]
    assert Interval(1, 2).mid == 1.5
