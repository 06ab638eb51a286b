"""Placeholders clerks leave where a figure or a text should be, told apart from markup.

Two kinds of token:

- unmistakable anywhere: XX, ××, ○○, □□ (two or more), 待填, 待定, 待补充, 请填写, ___;
- ambiguous alone: a single X or ×, ** (or more stars), __, 0000. These count only where
  a figure stands: right before a measure word or unit (设×个内设机构, 设备**台,
  政府采购预算XXX万元, 0000台) and not after a digit or a letter (3×4, 5**个 closing a
  bold 5), or as a whole table cell. So markdown bold (**公用经费**), a formula's ×
  (人数 × 标准, $\\times$ residue) and table pipes never count.

Lines are read with full-width forms narrowed (＿＿ is __, ＊＊ is **) but before the
residue normaliser, which blanks ** as markdown.
"""

from __future__ import annotations

import re

# Words that follow a count or an amount.
_MEASURE = r"(?:万元|千元|亿元|元|个|台|套|辆|人|名|项|次|家|处|间|张|件|平方米|%)"
_STRONG = re.compile(r"(?<![A-Za-z])(?:[Xx]{2,}|×{2,}|○{2,})(?![A-Za-z])|□{2,}|待填|待定|待补充|请填写|_{3,}")
# An ambiguous token in a figure slot: not after a digit, letter or dot, and followed
# (at most one space between) by a measure word; a × not after a formula's operand
# (人数×人均定额).
_SLOT = re.compile(r"(?<![0-9A-Za-z.])(?:[Xx]|(?<![数额量价率准积])×|\*{2,}|_{2}|0{4})(?= ?" + _MEASURE + ")")
_EMPHASIS = re.compile(r"^[^\s*_，。；,;][^，。；,;*_]{0,28}(?<=[^\s*_，。；,;])$")
_CELL = re.compile(r"^(?:[Xx×]|\*{2,}|_{2,}|0{4}|□+)$")
_RULE_LINE = re.compile(r"^\s*(?:([-*_])\s*)(?:\1\s*){2,}$")  # markdown ---, ***, ___
_CELL_SPLIT = re.compile(r"\t|\|")
# Substrings of the original text that a line must hold to be worth the regex (full-width
# forms included: lines are narrowed only once hinted).
PLACEHOLDER_HINTS = (
    "X",
    "x",
    "×",
    "○○",
    "□",
    "待填",
    "待定",
    "待补充",
    "请填写",
    "__",
    "**",
    "0000",
    "＿",
    "＊＊",
    "Ｘ",
    "ｘ",
    "０００",
)
# Any of them: one pass over the text (alternatives of plain strings let the regex
# engine skip to their first characters).
PLACEHOLDER_HINT = re.compile("|".join(re.escape(t) for t in PLACEHOLDER_HINTS))


def placeholders_of(line: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of each placeholder in a line (full-width forms narrowed)."""
    if _RULE_LINE.match(line):
        return []
    found = [(m.start(), m.end(), m.group()) for m in _STRONG.finditer(line)]
    for m in _SLOT.finditer(line):
        if not any(lo <= m.start() < hi for lo, hi, _ in found) and not _is_markup(line, m):
            found.append((m.start(), m.end(), m.group()))
    if "\t" in line or line.lstrip().startswith("|"):
        at = 0
        for cell in _CELL_SPLIT.split(line):
            s = cell.strip()
            if _CELL.match(s) and not any(lo <= at + cell.index(s) < hi for lo, hi, _ in found):
                lo = at + cell.index(s)
                found.append((lo, lo + len(s), s))
            at += len(cell) + 1
    return sorted(found)


def _is_markup(line: str, m: re.Match) -> bool:
    """A ** or __ that pairs with another around a short phrase (**个人**所得税, **5**个):
    emphasis, not a placeholder. Two blanks a clause apart (设备**台，车辆**辆) are not a pair."""
    token = m.group()
    if token[0] not in "*_":
        return False
    at = line.find(token)
    while at >= 0:
        lo, hi = sorted((at, m.start()))
        inner = line[lo + len(token) : hi]
        if at != m.start() and _EMPHASIS.match(inner):
            return True
        at = line.find(token, at + len(token))
    return False
