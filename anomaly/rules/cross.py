"""OUT and CPY: cross-unit findings, listed in the catalog for their documentation.

They compare a unit with its peers or with other units, so they are computed by the
scoring module (anomaly/scoring.py) and the copy module (anomaly/copies.py), not by run_rules.
"""

from __future__ import annotations

from anomaly.engine import Context, Result, rule


@rule("OUT001", "warning", "与同类单位相比明显偏高", "Unit far above its peers on named features", metadata_only=True)
def out001(ctx: Context) -> Result:
    """单位在若干特征（人均预算、人均接待费、车均运行费等）上明显高于同类单位。

    查什么：单位在人均预算、人均接待费、车均运行费等特征上显著高于同类单位。各项成本以同类单位（如
    “教育支出·小学”）的倍数衡量，同类不足12家时改用更粗的分组，接待费和人均“三公”经费先按单位规模修正
    （其中含固定部分）；最大偏离度结合全部特征的综合异常评分达到阈值时报告，阈值按正常文件误报率不超过0.5%设定，
    低于同类则不报。为什么重要：一个数字可能在文件内部完全自洽，却仍不合常理。

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

    查什么：本单位的主要数字（收支、人员、“三公”经费等）与另一单位完全相同，即套用他单位模板后未更新数字。
    为什么重要：与其他单位完全相同的预算，不可能是本单位自己的预算。

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

    查什么：单位说明中含数字的段落，与同一年度、同一类型（预算对预算、决算对决算）另一单位的段落逐字相同，
    仅单位名称不同。不跨年度比较，因为短句及其数字跨年偶然重复很常见，本单位各年之间的比较由上年数核对规则（XYR）
    负责。为什么重要：不同单位之间数字和理由逐字相同，说明文字系抄录而来，其中的数字很可能并非本单位的。

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

    查什么：说明中印有本次筛查中另一单位的全称，且印出该名称的单位很少，即套用该单位模板后未改名。出现在“经、由、
    根据、接受、主管”等词之后的名称指与本单位有业务往来的机关，不作为证据；多数单位都提到的机关（如县财政局）
    以及网页或PDF页脚中门户网站的主办单位信息也不计。为什么重要：这是套用模板未更新的最有力迹象，
    其中的数字很可能也是那家单位的；只有印出他单位名称的一方被标记。

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

    查什么：一张表的全部金额按顺序与另一单位某张表逐项相同（折算到百元比较）。非零金额过少或有效位数过少的表
    （空表、小表之间不抄也会相似）不比较，被多家单位共同持有的金额也不计；与每个相同的单位各报一条。为什么重要：
    表格抄自其他单位而说明是本单位自己写的，两者必然矛盾，该表也不是本单位的预算。

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

    查什么：若干含金额的句子，去掉各自的单位名称（及“本单位”等自称）后，与同一年度、
    同一类型另一单位的句子逐字相同。相同的句子须印有足够有效位数的金额（百分比不计；只有0.93万元、
    0.79万元这类小额时可能偶然相同）；措辞相同而数字不同不算证据（多为按同一县级模板填写），
    被多数单位印出的文字视为通用表述。为什么重要：改了单位名称的他单位“三公”或收支段落，保留的是那家单位的数字，
    并非本单位的预算。

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
