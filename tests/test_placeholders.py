"""Placeholders in every form clerks leave, and the markup that must not be taken for one."""

import pytest

from anomaly.engine import frames_from_text, run_rules
from datasets.placeholders import placeholders_of
from datasets.text import WIDTH_TABLE


@pytest.mark.parametrize(
    "line, token",
    [
        ("单价20万元以上的设备XX台（套）", "XX"),
        ("本单位设××个内设机构", "××"),
        ("本单位设X个内设机构", "X"),
        ("本单位设×个内设机构", "×"),
        ("单价20万元以上的设备**台（套）", "**"),
        ("政府采购预算＿＿万元", "__"),
        ("政府采购预算＿＿ 万元", "__"),
        ("单价20万元以上的设备□□台（套）", "□□"),
        ("政府采购预算XXX万元", "XXX"),
        ("单价20万元以上的设备0000台（套）", "0000"),
        ("质量指标\t验收合格率\t待定", "待定"),
        ("质量指标\t验收合格率\t待填", "待填"),
        ("| 质量指标 | 验收合格率 | ** |", "**"),
        ("质量指标\t验收合格率\tX", "X"),
        ("车辆＊＊辆", "**"),
    ],
)
def test_placeholder_forms_are_found(line, token):
    assert token in [t for _, _, t in placeholders_of(line.translate(WIDTH_TABLE))]


@pytest.mark.parametrize(
    "line",
    [
        "2. **“三公”经费**：是指用财政拨款安排的因公出国（境）费",  # markdown bold (the seed's glossary)
        "**个人**所得税按规定代扣代缴",  # bold before a measure-like character
        "其中**5**个项目已完工",  # a bold figure
        "__项目支出__：指单位为完成特定任务发生的支出",
        "公用经费按在编人数×人均定额标准核定",  # a formula
        "面积 \\times 单价",  # LaTeX residue, as printed
        "3×4米的展板2块",
        "| 项目 | 金额 |",
        "***",  # a markdown rule
        "___",
        "购置X光机1台，预算10000元，0.0000元的零星支出",
        "单价20万元以上的设备0台（套）",
    ],
)
def test_markup_and_figures_are_not_placeholders(line):
    assert placeholders_of(line.translate(WIDTH_TABLE)) == []


DOC = (
    "华溪县示例局\n2024年单位预算公开说明\n"
    "**一、主要职责**\n本单位设{n}个内设机构。\n"
    "**公用经费**：按在编人数 $\\times$ 定额标准核定。\n"
    "| 一级指标 | 二级指标 | 指标值 |\n|---|---|---|\n| 产出指标 | 质量指标 | {v} |\n"
)


def test_placeholders_reach_the_rule_and_markdown_does_not():
    findings, _ = run_rules(frames_from_text(DOC.format(n="4", v="≥95%")), select=["PLH001"])
    assert findings.height == 0, findings["evidence"].to_list()
    findings, _ = run_rules(frames_from_text(DOC.format(n="×", v="**")), select=["PLH001"])
    assert sorted(findings["stated"].to_list()) == ["**", "×"]
    assert sorted(findings["line"].to_list()) == [4, 8]
