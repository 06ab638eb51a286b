"""XYR: across years. A figure a disclosure states for last year against what the same
unit's disclosure of last year states for its own year.

Cross-document, so computed on the client by anomaly/years.py from each disclosure's
compact statements (not by run_rules); listed here for the catalog and its examples.
Each example is two disclosures, last year's first, split by EXAMPLE_SPLIT.
"""

from __future__ import annotations

from anomaly.engine import Context, Result, rule

EXAMPLE_SPLIT = "\n=====\n"
_YEAR = "{name}\n{y}年单位预算公开说明\n\n{body}\n"
_MEETING_2023 = "2023年本单位会议费预算支出2.70万元，比2022年预算2.50万元增加0.20万元。"
_MEETING_2024 = "2024年本单位会议费预算支出2.68万元，比2023年预算{pri}万元减少{chg}万元。"
_ITEM_2023 = "2023年本单位当年一般公共预算支出：行政运行（2010301）120.40万元，比2022年预算增加5.00万元。"
_ITEM_2024 = "2024年本单位当年一般公共预算支出：行政运行（2010301）126.10万元，比2023年预算增加{chg}万元。"


def _pair(first: str, second: str, name2: str = "凤县人民政府办公室") -> str:
    return (
        _YEAR.format(name="凤县人民政府办公室", y=2023, body=first)
        + EXAMPLE_SPLIT
        + _YEAR.format(name=name2, y=2024, body=second)
    )


@rule(
    "XYR001",
    "error",
    "所列上年数与上年公开说明不符",
    "Last year's figure differs from last year's disclosure",
    bad=_pair(_MEETING_2023, _MEETING_2024.format(pri="3.20", chg="0.52")),
    good=_pair(_MEETING_2023, _MEETING_2024.format(pri="2.70", chg="0.02"), name2="凤县政府办公室"),
    metadata_only=True,
)
def xyr001(ctx: Context) -> Result:
    """说明中写明的上年数（“三公”经费及各项、会议费、培训费、公用经费）应等于同一单位上年公开说明所列的本年数。

    查什么：说明中写明的上年数（“三公”经费及各项、会议费、培训费、公用经费），
    与同一单位上年公开说明所列的本年数不符；单位名称在不同年度印法略有差异（如“凤县人民政府办公室”与
    “凤县政府办公室”）仍视为同一单位。按舍入区间比较，舍入差异不报；
    任一年度文件自身核对已有疑问的数字不参与比较，所述增减额有误（YOY001）的，
    按所印数和由另两个数推得的数分别比较。为什么重要：上年数的表述与当时公开的不同，会使本年增减看起来与实际不符，
    而单看任何一份文件都发现不了。

    Catches: a figure for last year in this year's budget disclosure (三公 — the three official
    expenses: travel abroad, official vehicles, official receptions — and its parts, meeting and
    training costs, running costs, 公用经费) that differs from what the same unit's disclosure of last
    year published for its own year. Found by comparing the unit's disclosures of successive years once
    all files are read, not by checking one file. A budget is paired with the budget of the year before
    of the same unit, the name matched allowing for printed variations (凤县人民政府办公室 and
    凤县政府办公室 are one unit); where two disclosures of one year carry the same name, neither is
    paired. Figures are compared within rounding. A figure that its own document's checks dispute, in
    either year, is left out, since that finding is the lead: the clause the finding quotes, not the
    rest of its line, and every 三公 figure of a year whose 三公 total SAN001 flags. A figure whose
    stated change disagrees with its other two figures (YOY001) is still compared, under both readings:
    as printed, and as its other two figures imply; it is reported only when the other year's figure
    meets neither, which then tells which is wrong. The finding quotes this year's sentence and gives
    last year's file and line. Why it matters: last year's budget figure (上年预算数) restated
    differently from what was published makes the year's change look other than it is, and no single
    document shows it.

    Fails: 2024: 会议费2.68万元，比2023年预算3.20万元减少0.52万元 — the 2023 disclosure said 2.70万元.
    Passes: the same with 比2023年预算2.70万元减少0.02万元 (printed as 凤县政府办公室 in 2024).
    """
    return Result()


@rule(
    "XYR002",
    "warning",
    "由增减推得的上年数与上年公开说明不符",
    "Last year's figure implied by the change differs from last year's disclosure",
    bad=_pair(_ITEM_2023, _ITEM_2024.format(chg="15.70")),
    good=_pair(_ITEM_2023, _ITEM_2024.format(chg="5.70")),
    metadata_only=True,
)
def xyr002(ctx: Context) -> Result:
    """由本年数与增减额推得的上年数（收支总额、财政拨款、一般公共预算、功能和经济科目各项）应等于上年公开说明所列的本年数。

    查什么：由本年数和增减额推得的上年数（收支总额、财政拨款、一般公共预算、功能和经济科目各项），
    与同一单位上年公开说明所列的本年数不符，如“行政运行（2010301）126.10万元，
    比2023年预算增加15.70万元”推得2023年为110.40万元；按两个印刷数字的舍入区间比较，舍入差异不报。
    推得的上年数依赖所述增减额（增减额另由YOY规则核对），故定为警告而非错误。为什么重要：
    分项说明的基数若不是上年已公开的预算，就掩盖了资金的实际流向。

    Catches: a figure for last year that a disclosure does not print but implies by the stated change,
    and that differs from what the same unit's disclosure of last year published:
    行政运行（2010301）126.10万元，比2023年预算增加15.70万元 (126.10, up 15.70 on the 2023 budget) says
    2023 was 110.40万元. The items are the income and expenditure totals, fiscal appropriations, the
    general public budget, and the functional and economic items. Found, as for XYR001, by comparing the
    unit's disclosures of successive years once all files are read. Compared within the rounding of both
    printed figures. A warning, not an error: the implied figure depends on the stated change, which the
    YOY checks verify on their own. Why it matters: an itemisation whose base is not last year's
    published budget hides where the money moved.

    Fails: 2024 行政运行 126.10万元，比2023年预算增加15.70万元 — the 2023 disclosure said 120.40万元.
    Passes: the same with 增加5.70万元.
    """
    return Result()
