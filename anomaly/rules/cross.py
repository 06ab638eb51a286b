"""OUT and CPY: cross-unit findings, listed in the catalog for their documentation.

They compare a unit with its peers or with other units, so they are computed by the
scoring module (anomaly/scoring.py) and the copy module (anomaly/copies.py), not by run_rules.
"""

from __future__ import annotations

from anomaly.engine import Context, Result, rule


@rule("OUT001", "warning", "与同类单位相比明显异常", "Unit far from its peers on named features", metadata_only=True)
def out001(ctx: Context) -> Result:
    """单位在若干特征（人均预算、“三公”占比、车均运行费等）上远离同类单位。

    Computed by the scoring module (features/, anomaly/scoring.py), not by run_rules:
    each unit is compared with its peers (same dominant 功能 class and kind of unit) on
    robust (median/MAD) scales and scored with an isolation forest; the message names
    the features furthest from the peers. Why it matters: a figure can be internally
    consistent and still implausible — a car running cost five times the peers'.
    """
    return Result()


@rule("CPY001", "warning", "数字向量与其他单位雷同", "Figure vector repeats another unit's", metadata_only=True)
def cpy001(ctx: Context) -> Result:
    """单位的主要数字（收支、人员、“三公”等）与另一单位完全相同。

    Computed by the cross-unit copy module, not by run_rules. Catches a disclosure that
    repeats another unit's figures: a template copied without updating. Why it matters:
    a unit's budget that is another unit's cannot be its own.
    """
    return Result()


@rule(
    "CPY002",
    "warning",
    "含数字的段落与其他单位逐字相同",
    "Paragraphs with figures repeat another unit's verbatim",
    metadata_only=True,
)
def cpy002(ctx: Context) -> Result:
    """单位说明中含数字的段落与另一单位逐字相同（仅单位名称不同）。

    Computed by the cross-unit copy module from the paragraph fingerprints in marks, not
    by run_rules. Why it matters: verbatim figures and reasons across units mean the text
    was copied, and its figures are likely not this unit's.
    """
    return Result()
