"""Canonical names for the narrative items the checks and features rely on.

A claim's label is kept as printed; `item_of(label)` maps it to a key. Order matters:
specific items (三公 and its parts, 会议费 …) come before the broad totals, because
their labels often contain the totals' words (一般公共预算“三公”经费预算支出).
"""

from __future__ import annotations

import re
from functools import lru_cache

ITEMS: list[tuple[str, re.Pattern]] = [
    (key, re.compile(pattern))
    for key, pattern in [
        ("sangong_abroad", r"因公出国|出国\(境\)"),
        ("reception", r"公务接待"),
        ("vehicle_purchase", r"公务用车购置|车辆购置"),
        ("vehicle_running", r"公务用车运行|车辆运行"),
        ("sangong", r"三公"),
        ("meeting", r"会议费"),
        ("training", r"培训费"),
        ("public_funds", r"公用经费"),
        ("fiscal_income", r"(?<!一般公共预算)财政拨款收入"),
        ("fiscal_expenditure", r"(?<!一般公共预算)财政拨款支出"),
        ("gov_fund_income", r"政府性基金.{0,4}收入"),
        ("gov_fund_expenditure", r"政府性基金.{0,4}支出"),
        ("gpb_income", r"一般公共预算.{0,4}收入"),
        ("gpb_expenditure", r"一般公共预算.{0,4}支出"),
        (
            "income_total",
            r"^(?:本单位|本部门|单位|部门)?(?:当年)?(?:预算)?收入(?:预算|总计|合计)?(?:总额|总计)?$|^(?:本单位|本部门)?(?:收入总计|本年收入合(?:计|$))",
        ),
        (
            "expenditure_total",
            r"^(?:本单位|本部门|单位|部门)?(?:当年)?(?:预算)?支出(?:预算|总计|合计)?(?:总额|总计)?$|^(?:本单位|本部门)?(?:支出总计|本年支出合(?:计|$))",
        ),
        ("carryover", r"上年结转"),
    ]
]

# Parts of a total that a narrative lists after 其中; not totals themselves.
_QUALIFIED = re.compile(r"拨款|事业|经营|上级|附属|其他|结转|余额|基金")


@lru_cache(maxsize=1 << 16)  # labels repeat across documents
def item_of(label: str) -> str | None:
    """Canonical item key of a printed label, or None."""
    if not label:
        return None
    for key, pattern in ITEMS:
        if pattern.search(label):
            if key in ("income_total", "expenditure_total") and _QUALIFIED.search(label):
                continue
            return key
    return None


# Sources a 预算收入 (支出, 财政拨款收入 …) is listed by after 其中: 一般公共预算拨款收入,
# 事业收入, 上级补助收入, 上年结转, 事业收入安排支出 … (the labels as cleaned).
SOURCE_LABEL = re.compile(
    r"(?:拨款收入|拨款支出|补助收入|事业收入|经营收入|上缴收入|其他收入|结转|余额|安排支出|拨款|弥补收支差额)$"
)
# Totals a narrative breaks down into sources or coded items.
TOTAL_ITEMS = ("income_total", "expenditure_total", "fiscal_income", "fiscal_expenditure")


# Headings of the parts of a disclosure, for completeness checks (CMP).
SECTIONS: list[tuple[str, re.Pattern]] = [
    (key, re.compile(pattern))
    for key, pattern in [
        ("overview", r"单位概况|部门概况|主要职责"),
        ("staff", r"人员情况|人员构成|机构人员"),
        ("budget", r"收支(?:预算)?(?:情况|说明)|收支总体情况"),
        ("sangong", r"三公"),
        ("assets", r"国有资产"),
        ("procurement", r"政府采购"),
        ("performance", r"绩效目标|绩效管理|绩效评价|绩效自评"),
        ("public_funds", r"公用经费"),
        ("glossary", r"名词解释"),
        ("tables", r"公开报表|预算报表|公开表格"),
    ]
]
