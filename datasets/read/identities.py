"""What a 收支总表's own sums say of a reading of it: the identities that choose between
candidate readings of a table (datasets.read.flat, datasets.read.layout)."""

from __future__ import annotations

import re

# An item's numbering: 一、 (level 0), 1、 (level 1), (1) (level 2).
NUMBER = re.compile(r"^(?:([一二三四五六七八九十]+)、|(\d+)、|[(（](\d+)[)）])")
_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_GROUP_TOTAL = re.compile(r"^本年(?:收入|支出)合计$")
_AMOUNT = re.compile(r"^[-−]?\d[\d,]*(?:\.\d*)?$")


def numbering(label: str) -> tuple[int, int] | None:
    """(level, number) of a label's numbering: 一、 level 0, 1、 level 1, (1) level 2."""
    m = NUMBER.match(label)
    if not m:
        return None
    if m.group(1):
        return 0, sum(_CN.get(c, 0) for c in m.group(1)) if len(m.group(1)) == 1 else 10 + _CN.get(m.group(1)[-1], 0)
    if m.group(2):
        return 1, int(m.group(2))
    return 2, int(m.group(3))


def printed_amount(s: str) -> tuple[float, float]:
    """An amount and its rounding half-unit."""
    s = s.replace(",", "").replace("−", "-")
    d = len(s.split(".")[1]) if "." in s else 0
    return float(s), 0.5 * 10**-d


def pair_sums_hold(rows: list[tuple[int, list[str]]], npair: int) -> bool:
    """Whether, in a table of npair label/amount column pairs (a 收支总表's income,
    function, 部门 and 政府 economic classes side by side), every group adds up (see
    groups_adding_up) and the groups' 本年收入/支出合计 agree."""
    totals = _group_totals(rows, npair)
    return (
        None not in totals
        and all(_adds_up(_pairs(rows, g), tot) is not False for g, tot in enumerate(totals))
        and all(abs(t[0] - totals[0][0]) <= t[1] + totals[0][1] + 1e-9 for t in totals)
    )


def is_pair_table(rows: list[tuple[int, list[str]]], npair: int) -> bool:
    """Whether every one of npair label/amount column pairs has its 本年收入/支出合计."""
    return None not in _group_totals(rows, npair)


def groups_adding_up(rows: list[tuple[int, list[str]]], npair: int) -> int:
    """How many of a pair table's groups add up to their 本年收入/支出合计: the
    top-numbered items (一、 …), and the next level's under a single top item
    (一、部门预算 = 1、 + 2、 + …); a group without numbered items counts for none. A
    reading that gets more groups right is the likelier where a mistyped figure leaves
    one group that adds up in no reading."""
    totals = _group_totals(rows, npair)
    return sum(_adds_up(_pairs(rows, g), tot) is True for g, tot in enumerate(totals) if tot is not None)


def _pairs(rows: list[tuple[int, list[str]]], g: int) -> list[tuple[str, str]]:
    """Group g's (label, amount) cells; rows with text where the amount goes (the header)
    are not items."""
    return [
        (r[2 * g], r[2 * g + 1])
        for _, r in rows
        if len(r) > 2 * g + 1 and r[2 * g] and (not r[2 * g + 1] or _AMOUNT.match(r[2 * g + 1]))
    ]


def _group_totals(rows: list[tuple[int, list[str]]], npair: int) -> list[tuple[float, float] | None]:
    return [
        next((printed_amount(a) for lab, a in _pairs(rows, g) if _GROUP_TOTAL.match(lab.replace(" ", "")) and a), None)
        for g in range(npair)
    ]


def _adds_up(pairs: list[tuple[str, str]], tot: tuple[float, float]) -> bool | None:
    """Whether a group's numbered items add up to its total (None: it has none)."""
    by_level: dict[int, list[tuple[float, float]]] = {}
    for lab, a in pairs:
        num = numbering(lab)
        if num is not None:
            by_level.setdefault(num[0], []).append(printed_amount(a) if a else (0.0, 0.0))
    levels = sorted(by_level)
    if not levels:
        return None
    checks = [by_level[levels[0]]]
    if len(by_level[levels[0]]) == 1 and len(levels) > 1:
        checks.append(by_level[levels[1]])
    return all(abs(sum(v for v, _ in parts) - tot[0]) <= tot[1] + sum(e for _, e in parts) + 1e-9 for parts in checks)
