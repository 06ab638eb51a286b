"""What a table is, by its title and columns rather than its number.

Templates number their tables differently (the seed's 15-table 单位预算 template puts the
三公 table at 表12, the 财政部 nine-table 部门预算 template at 表七, some provinces at
附表1-7), so a table's role comes from its title, and, for a table printed without a
usable title, from its columns. ``CANONICAL`` gives each role the id the seed template
uses for it; checks read tables by that canonical id (the ``role`` column of ``cells``),
while findings quote the id as printed (``table_id``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from datasets.text import squashed

# (role, canonical id, title pattern), tried in order: the first match wins.
ROLES: list[tuple[str, str, re.Pattern]] = [
    (role, cid, re.compile(pattern))
    for role, cid, pattern in [
        # A 决算's tables (the 财政部 决算 template's numbering, 决1-决9): their own roles, so
        # that no budget check reads a 决算 table as the budget table of a like name.
        ("final_fiscal_summary", "决4", r"财政拨款收入支出决算总表"),
        ("final_summary", "决1", r"收入支出决算总表|收支决算总表"),
        ("final_sangong", "决7", r"三公.*决算"),
        ("final_fund", "决8", r"政府性基金.*决算"),
        ("final_soe", "决9", r"国有资本.*决算"),
        ("final_basic", "决6", r"基本支出决算"),
        ("final_gpb", "决5", r"一般公共预算.*支出决算"),
        ("final_income", "决2", r"收入决算"),
        ("final_spending", "决3", r"支出决算"),
        ("fund_perf", "表15", r"专项资金.*绩效"),
        ("overall_perf", "表14", r"整体支出绩效"),
        ("project_perf", "表13", r"绩效目标"),
        ("fiscal_summary", "表4", r"财政拨款收支总表"),
        ("summary", "表1", r"收支总表|收支预算总表"),
        ("income", "表2", r"收入总表|收入预算总表"),
        ("spending", "表3", r"支出总表|支出预算总表"),
        ("sangong", "表12", r"三公"),
        ("fund", "表9", r"政府性基金"),
        ("soe", "表16", r"国有资本经营"),
        ("procurement", "表11", r"政府采购"),
        ("basic_func", "表7", r"基本支出.*功能"),
        ("basic_econ", "表8", r"基本支出"),
        ("gpb_econ", "表6", r"一般公共预算.*经济分类"),
        ("gpb_func", "表5", r"一般公共预算.*支出"),
        ("projects", "表10", r"专项业务经费|项目支出"),
    ]
]
CANONICAL = {role: cid for role, cid, _ in ROLES}


@lru_cache(maxsize=4096)  # a corpus prints few distinct titles
def role_of(title: str | None) -> str | None:
    """The role of a table from its title (None when the title names none)."""
    if not title:
        return None
    t = squashed(title)
    for role, _, pattern in ROLES:
        if pattern.search(t):
            return role
    return None


def canonical(printed: str, title: str | None) -> str:
    """The seed template's id for the table's role (a project's performance table keeps
    its part number: 附表1-2 项目支出绩效目标表 is 表13-2); the printed id when the title
    names no role."""
    role = role_of(title)
    if role is None:
        return printed
    cid = CANONICAL[role]
    if role == "project_perf":
        part = re.search(r"-(\d+)$", printed) or re.search(r"[(（]\s*(\d+)\s*[)）]\s*$", title or "")
        return f"{cid}-{part.group(1)}" if part else cid
    return cid
