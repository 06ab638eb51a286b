"""OUT and CPY: cross-unit findings, listed in the catalog for their documentation.

They compare a unit with its peers or with other units, so they are computed by the
scoring module (anomaly/scoring.py) and the copy module (anomaly/copies.py), not by run_rules.
"""

from __future__ import annotations

from anomaly.engine import Context, Result, rule


@rule("OUT001", "warning", "与同类单位相比明显偏高", "Unit far above its peers on named features", metadata_only=True)
def out001(ctx: Context) -> Result:
    """单位在若干特征（人均预算、人均接待费、车均运行费等）上明显高于同类单位。

    Computed by the scoring module (features/, anomaly/scoring.py), not by run_rules:
    each cost is compared, as a multiple, with the units of the same sort (e.g. 教育支出·小学),
    falling back to coarser groups where fewer than 12 units state it; reception and 三公
    per head are first corrected for size (they have a fixed part). It fires where the
    largest deviation, plus the isolation forest's view of all features together,
    reaches a threshold chosen on generated corpora for at most 0.5% of clean documents
    alarmed. Why it matters: a figure can be internally consistent and still implausible.

    Bad: 公务接待费/实有人数 0.60万元, 为同类中位数 0.20万元 的 3.0 倍 (乡镇, 60 个单位).
    Good: 公务接待费/实有人数 0.05万元 (below its peers: spending little is not a lead).
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

    CPY002, CPY004 and CPY005 compare a disclosure with the other units' of the same
    year and kind (预算 with 预算, 决算 with 决算): across years a short sentence and its
    figures recur by chance, and a unit's own other years are XYR's to compare.

    Computed by the cross-unit copy module from the paragraph fingerprints in marks, not
    by run_rules. Why it matters: verbatim figures and reasons across units mean the text
    was copied, and its figures are likely not this unit's.
    """
    return Result()


@rule("CPY003", "warning", "印有另一单位的名称", "Another unit's name printed", metadata_only=True)
def cpy003(ctx: Context) -> Result:
    """说明中印有本次筛查中另一单位的全称，且很少有单位印它：套用该单位的模板未改名。

    Computed by the cross-unit copy module from the organisation names each document
    prints (marks kind "name"). A name after words such as 经, 由, 根据, 接受, 主管 names a
    body the unit deals with, not itself, and is not evidence; a name printed otherwise
    by more than MAX_NAME_HOLDERS units is a body they all name (县财政局). A school
    printing 县教育局的主要职责是 is caught although every school names 教育局 after 接受.
    A county portal's footer printed with a web page or its PDF (主办单位：县人民政府办公室
    网站标识码…) is the site's, not the unit's text, and gives no name.
    Why it matters: the strongest sign of a template copied without updating; its
    figures are likely the other unit's too. Only the unit that prints the name gets it.

    Fails (甲镇卫生院's disclosure): 「2024年华溪县乙镇卫生院当年一般公共预算“三公”经费预算支出6.54万元…」
    Passes: 「本单位预算经华溪县财政局审核后报华溪县人民政府批准。」 (a superior body)
    """
    return Result()


@rule("CPY004", "warning", "整张表与其他单位相同", "A whole table repeats another unit's", metadata_only=True)
def cpy004(ctx: Context) -> Result:
    """一张表的全部金额与另一单位的某张表逐项相同（按顺序，折算到百元）。

    Computed by the cross-unit copy module from a key of each table's amounts. Tables
    with fewer than MIN_TABLE_FIGURES distinct non-zero amounts, or whose amounts carry
    fewer than MIN_TABLE_DIGITS significant digits together, are skipped (empty and
    tiny tables look alike without anyone copying; a 表8 of three 7-digit amounts does
    not), and so are amounts held by more than MAX_HOLDERS units. Every other holder is
    named (one finding per unit and other unit). Why it matters: a table copied from
    another unit while the narrative is the unit's own disagrees with it, and is not the
    unit's budget.

    Fails: 表7 of two units with the same eight amounts (3,120,000.00, 2,480,000.00, …).
    Passes: two units whose 表12 holds only 0.00 and 1.20 (too few figures to tell).
    """
    return Result()


@rule(
    "CPY005",
    "warning",
    "段落去掉单位名称后与其他单位相同",
    "A paragraph repeats another unit's, names aside",
    metadata_only=True,
)
def cpy005(ctx: Context) -> Result:
    """若干句含金额的文字，把各自的单位名称（及“本单位”等自称）去掉后与另一单位的逐字相同。

    Computed by the cross-unit copy module from sentence keys (marks kind "sentence":
    sentences, not paragraphs, since a copy and its source break a paragraph
    differently). The pair's shared sentences must print amounts (not percentages,
    which the amounts give) of MIN_SENTENCE_DIGITS significant digits together: two
    units' 公务接待费 0.93 and 0.79 万元 agree by chance. The same wording with other
    figures typed in is not evidence: units filling one county template word alike
    without copying. Text printed by more than MAX_HOLDERS units is boilerplate. Why it
    matters: the 三公 or 收支 paragraph of another unit, renamed, keeps that unit's
    figures, which are not the unit's budget.

    Fails: 「2024年华溪县甲局当年一般公共预算“三公”经费预算支出12.40万元，较上年13.10万元减少0.70万元…」
    when 乙局 printed 「2024年本单位当年一般公共预算“三公”经费预算支出12.40万元，较上年13.10万元减少0.70万元…」.
    Passes: the glossary's 「“三公”经费：指用财政拨款安排的因公出国（境）费…」, printed by every unit.
    """
    return Result()
