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

    Catches: a unit whose costs are far above those of comparable units, for example its budget per
    head, reception spending per head or vehicle running cost per vehicle. Found by comparing the units
    with one another once all documents are read, not by checking each file. Each cost is compared, as a
    multiple, with the units of the same sort (e.g. 教育支出·小学, primary schools under education
    spending), falling back to broader groups where fewer than 12 units of that sort state the figure.
    Reception and 三公 (the three official expenses: travel abroad, official vehicles, official
    receptions) per head are first corrected for the unit's size, since part of them is fixed however
    many staff a unit has. A figure that the unit's own checks dispute is left out. The check fires
    where the largest deviation, plus a statistical outlier score (an isolation forest) of all the costs
    together, reaches a threshold set, on test collections of simulated disclosures, so that at most
    0.5% of error-free documents are flagged. Only costs above the peers count. Why it matters: a figure
    can be internally consistent and still implausible.

    Bad: 公务接待费/实有人数 0.60万元, 为同类中位数 0.20万元 的 3.0 倍 (乡镇, 60 个单位).
    Good: 公务接待费/实有人数 0.05万元 (below its peers: spending little is not a lead).
    """
    return Result()


@rule("CPY001", "warning", "数字向量与其他单位雷同", "Figure vector repeats another unit's", metadata_only=True)
def cpy001(ctx: Context) -> Result:
    """单位的主要数字（收支、人员、“三公”等）与另一单位完全相同。

    查什么：本单位的主要数字（收支、人员、“三公”经费等）与另一单位完全相同，即套用他单位模板后未更新数字。
    为什么重要：与其他单位完全相同的预算，不可能是本单位自己的预算。

    Catches: a disclosure whose main figures repeat another unit's exactly: a template copied without
    updating. Found by comparing the units with one another once all documents are read, not by checking
    each file. The figures compared are the total budget, authorised and actual staff, retirees,
    vehicles, the 三公 total (the three official expenses: travel abroad, official vehicles, official
    receptions) of this year and last year and its parts, meeting and training costs, running costs
    (公用经费) and every functional item with a 7-digit code. Amounts are rounded to 100 yuan, so the
    same figures printed in 元 (yuan) in one document and in 万元 (10,000 yuan) in another still match.
    Units with fewer than 8 non-zero figures are not compared: two empty or nearly empty templates look
    alike without anyone copying. Why it matters: a unit's budget that is another unit's cannot be its
    own.
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

    CPY002, CPY004 and CPY005 compare a disclosure only with other units' disclosures of the same year
    and kind (budgets, 预算, with budgets; final accounts, 决算, with final accounts): across years a
    short sentence and its figures recur by chance, and comparing a unit with its own other years is the
    job of the XYR checks. Both units of a pair are reported, each naming the other, since a shared text
    or table does not tell which unit copied; two disclosures under the same unit name (one document
    stored twice) are not compared.

    Catches: paragraphs with figures that are word for word the same as another unit's. Found by
    comparing the units with one another once all documents are read, not by checking each file. A pair
    of units is reported when they share at least 3 substantial paragraphs that show an amount, a count
    or a percentage, and those paragraphs hold at least 3 distinct figures (years and zeros aside): one
    total that happens to round to the same 万元 (10,000 yuan) in two units, repeated in three short
    sentences, is a coincidence, not a copy. A paragraph printed word for word by more than 5 units is
    common template text (a glossary entry, a table note) and is ignored. Why it matters: verbatim
    figures and reasons across units mean the text was copied, and its figures are likely not this
    unit's.
    """
    return Result()


@rule("CPY003", "warning", "印有另一单位的名称", "Another unit's name printed", metadata_only=True)
def cpy003(ctx: Context) -> Result:
    """说明中印有本次筛查中另一单位的全称，且很少有单位印它：套用该单位的模板未改名。

    查什么：说明中印有本次筛查中另一单位的全称，且印出该名称的单位很少，即套用该单位模板后未改名。出现在“经、由、
    根据、接受、主管”等词之后的名称指与本单位有业务往来的机关，不作为证据；多数单位都提到的机关（如县财政局）
    以及网页或PDF页脚中门户网站的主办单位信息也不计。为什么重要：这是套用模板未更新的最有力迹象，
    其中的数字很可能也是那家单位的；只有印出他单位名称的一方被标记。

    Catches: a disclosure that prints the full name of another unit in the same screening, a name that
    few units print: that unit's template, copied without changing the name. Found by comparing the
    units with one another once all documents are read, not by checking each file. A name after words
    such as 经 (through), 由 (by), 根据 (according to), 接受 (under) or 主管 (in charge of) names a body
    the unit deals with, not itself, and is not evidence; a name printed otherwise by more than 3 units
    is a body they all name (县财政局, the county finance bureau). A school printing
    县教育局的主要职责是 ("the main duties of the county education bureau are") is caught although every
    school names 教育局 after 接受. A county portal's footer printed with a web page or its PDF
    (主办单位：县人民政府办公室 网站标识码…, the site's operator and site code) belongs to the site, not
    to the unit's text, and gives no name. Why it matters: the strongest sign of a template copied
    without updating; its figures are likely the other unit's too. Only the unit that prints the name is
    reported.

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

    Catches: a table whose amounts, in order, are the same as those of a table of another unit. Found by
    comparing the units with one another once all documents are read, not by checking each file. Amounts
    are rounded to 100 yuan, so a table printed in 元 (yuan) matches the same table printed in 万元
    (10,000 yuan). Tables with fewer than 3 distinct non-zero amounts, or whose amounts carry fewer than
    12 significant digits together, are skipped: empty and tiny tables look alike without anyone
    copying, while a 表8 of three 7-digit amounts does not. Tables that more than 5 units print alike
    are skipped too (common template content). Every other unit holding the table is named, in one
    finding per pair of units. Why it matters: a table copied from another unit while the narrative is
    the unit's own disagrees with the narrative, and is not the unit's budget.

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

    Catches: sentences with amounts that read word for word like another unit's once each unit's own
    name (and self-references such as 本单位, "this unit") is taken out. Found by comparing the units
    with one another once all documents are read, not by checking each file. Sentences are compared, not
    paragraphs, since a copy and its source break paragraphs differently. The shared sentences must
    print amounts (percentages do not count, as they follow from the amounts) with at least 9
    significant digits together, or 7 when two sentences or more match: two units' reception costs
    (公务接待费) of 0.93 and 0.79 万元 (10,000 yuan) can agree by chance. The same wording with other
    figures typed in is not evidence: units filling in one county template word alike without copying.
    Text printed by more than 5 units is boilerplate and is ignored. Why it matters: the 三公 paragraph
    (the three official expenses: travel abroad, official vehicles, official receptions) or the income
    and expenditure (收支) paragraph of another unit, renamed, keeps that unit's figures, which are not
    this unit's budget.

    Fails: 「2024年华溪县甲局当年一般公共预算“三公”经费预算支出12.40万元，较上年13.10万元减少0.70万元…」
    when 乙局 printed 「2024年本单位当年一般公共预算“三公”经费预算支出12.40万元，较上年13.10万元减少0.70万元…」.
    Passes: the glossary's 「“三公”经费：指用财政拨款安排的因公出国（境）费…」, printed by every unit.
    """
    return Result()
