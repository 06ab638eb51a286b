"""English mode (issue #12): what the tool writes is English, quotes stay as printed,
and a finding is the same finding (same fingerprint) in either language."""

from __future__ import annotations

import re

import pytest

from anomaly.engine import catalog, frames_from_text, run_rules
from anomaly.money import amount, decimals_apart, plural, wan

RULES = [r for r in catalog() if r.check is not None and r.bad is not None]
UNIT_WORDS = re.compile(r"\d\s*(?:万元|千元|亿元|元)")


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_english_findings_keep_their_fingerprint(rule):
    frames = frames_from_text(rule.bad.text)
    zh, _ = run_rules(frames, select=[rule.code], lang="zh")
    en, _ = run_rules(frames, select=[rule.code], lang="en")
    assert zh.height == en.height > 0
    assert zh["fingerprint"].to_list() == en["fingerprint"].to_list()
    assert zh["evidence"].to_list() == en["evidence"].to_list()  # quotes stay as printed
    quotes = zh["evidence"].drop_nulls().to_list()
    for col in ("stated", "expected", "message"):
        for value in en[col].drop_nulls():
            for quote in quotes:  # a message may quote the evidence
                value = value.replace(quote, "")
            # Amounts the tool writes use the English money form, never 万元.
            assert not UNIT_WORDS.search(value.replace(" ", "")), (col, value)


def test_money_convention():
    assert wan(4_074_600) == "407.46万元" and wan(4_074_600, lang="en") == "¥407.46 wan"
    assert amount(2.19, "元", 2, "en") == "¥2.19" and amount(-11.15, "万元", 2, "en") == "-¥11.15 wan"
    assert amount(16.04, None, 2, "en") == "16.04"
    # Two amounts that differ are never written alike: 3,959,000 and 3,959,001 元.
    d = decimals_apart(3_959_000, 3_959_001)
    assert wan(3_959_000, d) != wan(3_959_001, d)
    assert decimals_apart(3_959_000, 3_959_000) == 2
    assert plural(1, "table") == "1 table" and plural(2, "table") == "2 tables"
