"""Generated from the rule catalog: every rule's bad example must be flagged by that
rule, and its good example must not be. Adding a rule (with its examples) adds its tests."""

import pytest

from anomaly.engine import FAMILIES, catalog, describe, frames_from_text, run_rules

CHECKS = [r for r in catalog() if r.check is not None]


@pytest.mark.parametrize("rule", CHECKS, ids=[r.code for r in CHECKS])
def test_bad_example_is_flagged(rule):
    findings, coverage = run_rules(frames_from_text(rule.bad.text), select=[rule.code])
    assert findings.filter(findings["rule"] == rule.code).height >= 1, describe(rule.code)
    assert coverage["outcome"].to_list() == ["fail"]


@pytest.mark.parametrize("rule", CHECKS, ids=[r.code for r in CHECKS])
def test_good_example_passes(rule):
    findings, coverage = run_rules(frames_from_text(rule.good.text), select=[rule.code])
    assert findings.height == 0, findings.select("rule", "line", "message").rows()
    assert coverage["outcome"].to_list() == ["pass"]


def test_catalog_shape():
    codes = [r.code for r in catalog()]
    assert len(codes) == len(set(codes))
    assert {c[:3] for c in codes} == set(FAMILIES)
    for r in catalog():
        assert r.severity in ("error", "warning", "info")
        assert r.title_zh and r.title_en and r.doc
        if r.check is not None:
            assert r.bad is not None and r.good is not None, r.code
    assert {"OUT001", "CPY001", "CPY002"} <= {r.code for r in catalog() if r.check is None}


def test_describe_shows_examples():
    text = describe("PCT002")
    assert "PCT002" in text and "96.2%" in text
    assert "Passing example" in describe("PCT002", lang="en")


def test_describe_speaks_one_language():
    # An analyst reading Chinese gets the Chinese explanation, not the English one after it.
    zh, en = describe("PCT002"), describe("PCT002", lang="en")
    assert zh.startswith("PCT002 [错误]") and "会被标记的例子：" in zh
    assert "Catches" not in zh and "Why it matters" not in zh
    assert en.startswith("PCT002 [error]") and "Catches" in en and "增减率应为" not in en
