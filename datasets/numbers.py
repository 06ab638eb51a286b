"""Numbers as printed: value, decimals and unit, and their conversion to 元."""

from __future__ import annotations

import re
from functools import lru_cache

# A number as printed: thousands separators allowed, optional decimals. Spaces may sit
# between a number and its unit, never inside the number. ASCII digits: the text is
# normalised (full-width digits are ASCII already).
NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
MONEY_UNITS = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "千元": 1e3}

# A table cell that is a number, (-) NUMBER (unit), as Python's re and polars (Rust's
# regex, datasets.tables.cells_frame) both read it.
CELL_NUMBER = rf"^\s*(?P<neg>-)?\s*(?P<number>{NUMBER})\s*(?P<cell_unit>亿元|万元|千元|元)?\s*$"
_CELL_NUMBER = re.compile(CELL_NUMBER)


def parse_number(s: str) -> tuple[float, int]:
    """(value, decimals) of a printed number such as '6,106,713.00'."""
    s = s.replace(",", "")
    dot = s.find(".")
    return float(s), (0 if dot < 0 else len(s) - dot - 1)


def to_yuan(value: float | None, unit: str | None) -> float | None:
    if value is None or unit not in MONEY_UNITS:
        return None
    return value * MONEY_UNITS[unit]


@lru_cache(maxsize=1 << 14)  # codes (2080505), numbered labels (1、财政拨款) and amounts recur
def parse_cell(text: str) -> tuple[float, int, str | None] | None:
    """(value, decimals, unit) for a cell that is a number (optionally with a money
    unit), or None for a text cell. A label is text, never 0."""
    m = _CELL_NUMBER.match(text)
    if not m:
        return None
    value, dec = parse_number(m.group(2))
    return (-value if m.group(1) else value), dec, m.group(3)
