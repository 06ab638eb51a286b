"""Render a synthetic unit (datasets.synthetic.model.Unit) as disclosure text.

The text follows the seed's structure (parts 一 to 四, 目录, 表1 … 表15) in the
generator's own words. Formatting varies per document through a ``Style``.
Injected anomalies are passed as a dict of instructions (see datasets.synthetic)
and change only what is printed, never the model.

Two control characters are left in the rendered text and resolved by ``finalize``:
``BRK`` marks a place where a PDF conversion may break a sentence (never inside a
number or a table row), and ``MARK + key + END`` records where an anomaly's evidence
sits, so its line number can be reported after the breaks are placed.
"""

from __future__ import annotations

from dataclasses import dataclass

from datasets.synthetic.kinds import DEPT_ECON, FUNC_CLASSES, GOV_ECON
from datasets.synthetic.model import BUSINESS, FUND, GPB, UPPER, Unit

BRK = "\x03"  # possible soft line break inside a sentence
BRK_UNIT = "\x04"  # possible soft line break between a number and its unit
MARK = "\x1e"
END = "\x1f"


@dataclass
class Style:
    pipes: bool  # markdown pipe tables (else tab-separated)
    table_unit: str  # "yuan2" | "yuan0" | "wan"
    thousands: bool
    space: str  # "" or " " before units
    half_parens: bool
    half_pct: bool
    half_colon: bool
    brk: float  # probability that a break opportunity becomes a line break
    inc: str
    dec: str
    flat: str
    cmp: str  # 较上年 / 比上年 / 比2023年预算 / 较上年预算
    pct_dec: int
    latex: bool
    html: bool
    meeting_pct: bool  # print a percentage with 会议费/培训费
    total_pct: bool  # print a percentage with the total change
    show_empty_tables: bool  # print empty tables (declared 是) as blank skeletons
    template: object = None  # a datasets.synthetic.ministry.Template, or None for the seed's 15 tables


def draw_style(rng, year: int) -> Style:
    return Style(
        pipes=rng.random() < 0.35,
        table_unit=rng.choice(("yuan2", "yuan2", "yuan0", "wan")),
        thousands=rng.random() < 0.35,
        space=rng.choice(("", " ")),
        half_parens=rng.random() < 0.35,
        half_pct=rng.random() < 0.6,
        half_colon=rng.random() < 0.25,
        brk=rng.choice((0.0, 0.03, 0.08, 0.15)),
        inc=rng.choice(("增加", "增加", "增长", "上升")),
        dec=rng.choice(("减少", "减少", "下降", "降低")),
        flat=rng.choice(("持平", "无变动")),
        cmp=rng.choice(("较上年", "较上年", "比上年", f"比{year - 1}年预算", "较上年预算")),
        pct_dec=rng.choice((1, 2, 2)),
        latex=rng.random() < 0.4,
        html=rng.random() < 0.25,
        meeting_pct=rng.random() < 0.6,
        total_pct=rng.random() < 0.3,
        show_empty_tables=rng.random() < 0.5,
    )


# --- number formatting (integer arithmetic, half-up) -------------------------


def fixed(units: int, decimals: int, thousands: bool) -> str:
    """An integer count of 10^-decimals units as a decimal string."""
    if decimals:
        q, r = divmod(units, 10**decimals)
        head = f"{q:,}" if thousands else str(q)
        return f"{head}.{r:0{decimals}d}"
    return f"{units:,}" if thousands else str(units)


def round_div(num: int, den: int) -> int:
    """num/den rounded half-up (num, den >= 0)."""
    return (2 * num + den) // (2 * den)


def wan(yuan: int, thousands: bool = False) -> str:
    """元 -> 万元 with 2 decimals."""
    return fixed(round_div(yuan, 100), 2, thousands)


def pct_text(change: int, base: int, decimals: int) -> str:
    """change/base as a percentage with the given decimals."""
    return fixed(round_div(change * 100 * 10**decimals, base), decimals, False)


# --- text pools ---------------------------------------------------------------

REASON_UP = [
    "主要原因是人员工资标准调整及社保缴费基数提高",
    "主要原因是新增专项业务经费",
    "主要原因是业务工作量增加，相应经费增加",
    "主要原因是新进人员，人员经费相应增加",
]
REASON_DOWN = [
    "主要原因是人员变动，相应业务经费减少",
    "主要原因是严格落实过紧日子要求，压减一般性支出",
    "主要原因是部分专项项目完成，本年不再安排",
    "主要原因是退休人员增加，在职人员经费减少",
]
REASON_NEW = "原因是上年度无此项预算，根据工作需要本年度新增"
REASON_FLAT = "主要原因是支出标准未作调整"

DUTIES = [
    "贯彻执行党和国家关于{d}工作的方针政策和法律法规，拟订全县{d}工作规划并组织实施。",
    "负责全县{d}领域的统筹协调、指导和监督管理工作。",
    "负责{d}方面的公共服务和信息统计，按规定做好信息公开。",
    "组织开展{d}相关的宣传教育和业务培训。",
    "负责本单位财务管理、国有资产管理和内部控制工作。",
    "完成县委、县政府交办的其他工作任务。",
]
TASKS = [
    "围绕县委、县政府中心工作，全面完成年度{d}工作目标任务。",
    "加强内部管理，严格执行财务制度，提高资金使用效益。",
    "持续推进作风建设，落实党风廉政建设责任制。",
    "做好预算绩效管理，确保项目资金按期支出、发挥效益。",
    "强化安全生产和应急值守，保障各项工作平稳运行。",
    "深化“放管服”改革，优化服务流程，提升群众满意度。",
]
OFFICES = ["办公室", "财务股", "综合股", "业务股", "法规股", "监督股", "信息股", "规划股", "人事股", "后勤服务中心"]
GLOSSARY = (
    "1. 财政拨款收入：指本级财政当年拨付的资金。\n\n"
    "2. 基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。\n\n"
    "3. 项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。\n\n"
    "4. 公用经费：指单位日常运转所需的办公费、印刷费、邮电费、差旅费、会议费、培训费、"
    "维修费、水电费、物业管理费、公务用车运行维护费等支出。\n\n"
    "5. “三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。"
)
TARGET_TEXT = [
    ("产出指标", "数量指标", "完成年度重点工作任务数", "≥{n}项"),
    ("产出指标", "质量指标", "工作任务完成合格率", "≥95%"),
    ("产出指标", "时效指标", "本年度完成支出", "{amt}万元"),
    ("产出指标", "成本指标", "项目支出控制在预算范围内", "≤{amt}万元"),
    ("效益指标", "社会效益指标", "服务保障能力提升", "≥90%"),
    ("效益指标", "可持续影响指标", "工作机制长效运行", "≥85%"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥{sat}%"),
]

CATALOGUE = [
    ("表1", "单位综合预算收支总表"),
    ("表2", "单位综合预算收入总表"),
    ("表3", "单位综合预算支出总表"),
    ("表4", "单位综合预算财政拨款收支总表"),
    ("表5", "单位综合预算一般公共预算支出明细表（按支出功能分类科目）"),
    ("表6", "单位综合预算一般公共预算支出明细表（按支出经济分类科目）"),
    ("表7", "单位综合预算一般公共预算基本支出明细表（按支出功能分类科目）"),
    ("表8", "单位综合预算一般公共预算基本支出明细表（按支出经济分类科目）"),
    ("表9", "单位综合预算政府性基金收支表"),
    ("表10", "单位综合预算专项业务经费支出表"),
    ("表11", "单位综合预算政府采购（资产配置、购买服务）预算表"),
    ("表12", "单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表"),
    ("表13", "单位专项业务经费绩效目标表"),
    ("表14", "单位整体支出绩效目标表"),
    ("表15", "专项资金整体绩效目标表"),
]
EMPTY_REASONS = ["不涉及", "本单位无此项收支", "本单位无政府性基金预算收支", "无此项预算"]

TABLE1_INCOME = [
    ("1、财政拨款", "fiscal"),
    ("(1)一般公共预算拨款", "gpb"),
    ("其中：专项资金列入部门预算的项目", None),
    ("(2)政府性基金拨款", "fund"),
    ("(3)国有资本经营预算收入", None),
    ("2、上级补助收入", "upper"),
    ("3、事业收入", "business"),
    ("其中：纳入财政专户管理的收费", None),
    ("4、事业单位经营收入", None),
    ("5、附属单位上缴收入", None),
    ("6、其他收入", None),
]
TABLE1_DEPT = (
    [("1、人员经费和公用经费支出", "basic")]
    + [
        (f"({i})" + n, ("basic", c))
        for i, (c, n) in enumerate(
            [("301", "工资福利支出"), ("302", "商品和服务支出"), ("303", "对个人和家庭的补助"), ("310", "资本性支出")],
            1,
        )
    ]
    + [("2、专项业务经费支出", "project")]
    + [
        (f"({i})" + n, ("project", c))
        for i, (c, n) in enumerate(
            [
                ("301", "工资福利支出"),
                ("302", "商品和服务支出"),
                ("303", "对个人和家庭补助"),
                ("307", "债务利息及费用支出"),
                ("309", "资本性支出（基本建设）"),
                ("310", "资本性支出"),
                ("311", "对企业补助（基本建设）"),
                ("312", "对企业补助"),
                ("313", "对社会保障基金补助"),
                ("399", "其他支出"),
            ],
            1,
        )
    ]
    + [("3、上缴上级支出", None), ("4、事业单位经营支出", None), ("5、对附属单位补助支出", None)]
)
TABLE1_GOV = [
    ("501", "机关工资福利支出"),
    ("502", "机关商品和服务支出"),
    ("503", "机关资本性支出（一）"),
    ("504", "机关资本性支出（二）"),
    ("505", "对事业单位经常性补助"),
    ("506", "对事业单位资本性补助"),
    ("507", "对企业补助"),
    ("508", "对企业资本性支出"),
    ("509", "对个人和家庭的补助"),
    ("510", "对社会保障基金补助"),
    ("511", "债务利息及费用支出"),
    ("599", "其他支出"),
]


# Anomalies whose evidence is all in the narrative: a document holding only these may be
# published without its tables (the 报表 lost or never attached: "no_tables").
NARRATIVE_ONLY = {"nar_total", "nar_source", "nar_expend", "nar_func", "yoy_change", "yoy_dir", "yoy_items", "stf"}
NARRATIVE_ONLY |= {"pct", "unt_yuan", "unt_missing", "no_tables"}


class Renderer:
    """Builds the text of one document; one instance per document."""

    def __init__(self, u: Unit, st: Style, an: dict, rng):
        self.u, self.st, self.an, self.rng = u, st, an, rng
        self.out: list[str] = []
        y = u.year
        self.y = y

    # --- small helpers ----------------------------------------------------
    def amt(self, yuan: int, unit: str = "万元") -> str:
        """A narrative amount in 万元 with a possible break before the unit."""
        return f"{wan(yuan, self.st.thousands)}{BRK_UNIT}{self.st.space}{unit}"

    def cell(self, yuan: int, blank_zero: bool = True) -> str:
        """A table amount in the document's table unit."""
        if yuan == 0 and blank_zero:
            return ""
        t = self.st.table_unit
        if t == "wan":
            return wan(yuan, self.st.thousands)
        return fixed(yuan * 100 if t == "yuan2" else yuan, 2 if t == "yuan2" else 0, self.st.thousands)

    def unit_line(self) -> str:
        return "单位：万元" if self.st.table_unit == "wan" else "单位：元"

    def mark(self, key: str) -> str:
        return f"{MARK}{key}{END}"

    def change(self, cur: int, prior: int, slot: str | None = None, show_prior: bool = False, pct: bool = False) -> str:
        """The comparison phrase: 较上年[prior]增加 X 万元（p%）, honouring anomalies on slot."""
        st, an = self.st, self.an
        if cur == prior:
            return f"{st.cmp}{st.flat}"
        up = cur > prior
        word = st.inc if up else st.dec
        if slot and an.get("yoy_dir", {}).get("slot") == slot:
            word = st.dec if up else st.inc
            word = self.mark(an["yoy_dir"]["key"]) + word
        diff = abs(cur - prior)
        diff_text = self.amt(diff)
        yc = an.get("yoy_change")
        if slot and yc and yc["slot"] == slot:
            diff_text = self.mark(yc["key"]) + self.amt(diff + yc["delta"])
            pct = False
        prior_text = ""
        if show_prior:
            um = an.get("unt_missing")
            if slot and um and um["slot"] == slot:
                prior_text = self.mark(um["key"]) + wan(prior, st.thousands)
            else:
                prior_text = self.amt(prior)
        s = f"{st.cmp}{prior_text}{word}{BRK}{diff_text}"
        if pct and prior:
            p = an.get("pct")
            if slot and p and p["slot"] == slot:
                s += f"（{self.mark(p['key'])}{p['text']}％）"
            else:
                s += f"（{pct_text(diff, prior, st.pct_dec)}％）"
        return s

    def source(self, yuan: int) -> str:
        """The 一般公共预算 source of 预算收入, as printed (a NAR anomaly may change it)."""
        ns = self.an.get("nar_source")
        return self.mark(ns["key"]) + self.amt(yuan + ns["delta"]) if ns else self.amt(yuan)

    def spent(self, yuan: int) -> str:
        """预算支出 as printed (a NAR anomaly may make it differ from 预算收入)."""
        ne = self.an.get("nar_expend")
        return self.mark(ne["key"]) + self.amt(yuan + ne["delta"]) if ne else self.amt(yuan)

    def reason(self, cur: int, prior: int) -> str:
        if prior == 0 and cur:
            return REASON_NEW
        if cur == prior:
            return REASON_FLAT
        return self.rng.choice(REASON_UP if cur > prior else REASON_DOWN)

    def table(self, rows: list[list[str]]) -> None:
        """Append a table; pipe tables get a separator row after the first row."""
        if self.st.pipes:
            width = max(len(r) for r in rows)
            lines = []
            for i, r in enumerate(rows):
                lines.append("| " + " | ".join(r + [""] * (width - len(r))) + " |")
                if i == 0:
                    lines.append("|" + "---|" * width)
            self.out.append("\n".join(lines))
        else:
            self.out.append("\n".join("\t".join(r) for r in rows))

    def p(self, text: str) -> None:
        self.out.append(text)

    # --- sections -----------------------------------------------------------
    def render(self) -> str:
        u, y = self.u, self.y
        self.p(f"{u.name}\n{y}年单位预算公开说明")
        cmp = self.an.get("cmp", {})
        mk = self.mark(cmp["key"]) if cmp.get("kind") == "section_missing" else ""
        self.p(
            "目录\n\n第一部分 单位概况\n\n- 一、主要职责及机构设置\n- 二、工作任务\n- 三、人员情况说明\n\n"
            "第二部分 收支情况\n\n- 四、收支说明\n\n第三部分 其他情况\n\n"
            "- 五、“三公”经费及会议费、培训费情况说明\n- 六、国有资产占有使用及资产购置情况说明\n"
            f"- {mk}七、政府采购情况说明\n- 八、绩效目标说明\n- 九、公用经费情况说明\n- 十、专业名词解释\n\n"
            "第四部分 公开报表"
        )
        self.part_one()
        self.part_two()
        self.part_three()
        self.tables = not (self.an.get("no_tables") and set(self.an) <= NARRATIVE_ONLY)
        if self.tables:
            self.part_four()
        return "\n\n".join(self.out) + "\n"

    def part_one(self) -> None:
        u, rng = self.u, self.rng
        d = u.kind.suffix.rstrip("局院馆所").replace("人民政府", "政务").replace("办公室", "") or "政务"
        self.p("第一部分 单位概况\n\n一、主要职责及机构设置\n\n（一）主要职责")
        self.p(f"{u.name}的主要职责是：")
        for i, line in enumerate(rng.sample(DUTIES[:4], rng.randint(2, 4)) + DUTIES[4:], 1):
            self.p(f"{i}、{line.format(d=d)}")
        offices = rng.sample(OFFICES, min(u.offices, len(OFFICES)))
        n_off = str(len(offices))
        if self.an.get("plh", {}).get("kind") == "cross_marks":
            n_off = self.mark(self.an["plh"]["key"]) + self.an["plh"].get("token", "××")
        self.p(f"（二）机构设置\n\n本单位设{n_off}个内设机构：{'、'.join(offices)}。")
        self.p("二、工作任务")
        for i, line in enumerate(rng.sample(TASKS, rng.randint(3, 5)), 1):
            self.p(f"{i}、{line.format(d=d)}")
        # Staff: printed totals may be altered by an STF anomaly.
        a_tot, x_tot = u.staff_authorized, u.staff_actual
        stf = self.an.get("stf")
        mk_a = mk_x = ""
        if stf and stf["kind"] == "authorized_parts":
            a_tot += stf["delta"]
            mk_a = self.mark(stf["key"])
        elif stf and stf["kind"] == "actual_parts":
            x_tot += stf["delta"]
            mk_x = self.mark(stf["key"])
        elif stf and stf["kind"] != "single_part":
            mk_x = self.mark(stf["key"])
        sp = self.st.space
        auth = [["行政编制", u.auth_admin, ""], ["事业编制", u.auth_inst, ""]]
        act = [["行政", u.act_admin, ""], ["事业", u.act_inst, ""]]
        # Many disclosures name only the category a unit has (其中行政编制 12 人).
        one = (0 in (u.auth_admin, u.auth_inst)) and self.rng.random() < 0.5
        if stf and stf["kind"] == "single_part":  # one category printed, larger than its total
            parts, tot = (auth, a_tot) if stf["which"] == "authorized" else (act, x_tot)
            big = max(parts, key=lambda p: p[1])
            big[1], big[2] = tot + stf["delta"], self.mark(stf["key"])
            parts.remove(next(p for p in parts if p is not big))
            one = False

        def listed(parts: list) -> str:
            shown = [p for p in parts if p[1] or not one] or parts[:1]
            return "、".join(f"{p[0]}{sp}{p[2]}{p[1]}{sp}人" for p in shown)

        self.p("三、人员情况说明")
        self.p(
            f"截止上年底，本单位人员编制{sp}{mk_a}{a_tot}{sp}人，其中{listed(auth)}；{BRK}"
            f"实有人员{sp}{mk_x}{x_tot}{sp}人，其中{listed(act)}。{BRK}单位管理的离退休人员{sp}{u.retirees}{sp}人。"
        )
        self.printed_staff = (a_tot, x_tot)

    def part_two(self) -> None:
        u, st, an, y = self.u, self.st, self.an, self.y
        total, total_p = u.total(), u.total(prior=True)
        fis, fis_p = u.total(True), u.total(True, prior=True)  # 财政拨款: 一般公共预算 + 政府性基金
        gpb, gpb_p = u.total(GPB), u.total(GPB, prior=True)
        fund, fund_p = u.total(FUND), u.total(FUND, prior=True)
        bus, upper = u.total(BUSINESS), u.total(UPPER)
        self.p("第二部分 收支情况\n\n四、收支说明\n\n（一）收支预算总体情况。")
        shown_total = self.amt(total)
        if "nar_total" in an:
            shown_total = self.mark(an["nar_total"]["key"]) + self.amt(total + an["nar_total"]["delta"])
        tot_pct = st.total_pct and total_p and total != total_p
        inc = (
            f"按照综合预算的原则，本单位所有收入和支出均纳入部门预算管理。{y}年本单位预算收入{BRK}{shown_total}，"
            f"其中一般公共预算拨款收入{self.source(gpb)}、政府性基金拨款收入{self.amt(fund)}、{BRK}"
            f"上级补助收入{self.amt(upper)}、事业收入{self.amt(bus)}、其他收入{self.amt(0)}、上年结转{self.amt(0)}；"
            f"{y}年本单位预算收入{self.change(total, total_p, pct=tot_pct)}，{self.reason(total, total_p)}。"
        )
        out = (
            f"{y}年本单位预算支出{self.spent(total)}，其中一般公共预算拨款支出{self.amt(gpb)}、{BRK}"
            f"政府性基金拨款支出{self.amt(fund)}、"
            + (f"上级补助收入安排支出{self.amt(upper)}、" if upper else "")
            + f"事业收入安排支出{self.amt(bus)}，{y}年本单位预算支出{self.change(total, total_p, pct=tot_pct)}，"
            f"{self.reason(total, total_p)}。"
        )
        self.p(inc + BRK + out if self.rng.random() < 0.5 else inc + "\n\n" + out)
        self.p("（二）财政拨款收支情况。")
        self.p(
            f"{y}年本单位财政拨款收入{self.amt(fis)}，其中一般公共预算拨款收入{self.amt(gpb)}、"
            f"政府性基金拨款收入{self.amt(fund)}，{BRK}{y}年本单位财政拨款收入{self.change(fis, fis_p)}，{self.reason(fis, fis_p)}；"
            f"{y}年本单位财政拨款支出{self.amt(fis)}，{BRK}{self.change(fis, fis_p)}，{self.reason(fis, fis_p)}。"
        )
        self.p("（三）一般公共预算拨款支出明细情况。\n\n1、一般公共预算当年拨款规模变化情况。")
        self.p(
            f"{y}年本单位当年一般公共预算拨款支出{self.amt(gpb)}，{BRK}{self.change(gpb, gpb_p)}，{self.reason(gpb, gpb_p)}。"
        )
        self.p(f"2、支出按功能科目分类的明细情况。\n\n{y}年本单位当年一般公共预算支出{self.amt(gpb)}，其中：")
        nf, yi = an.get("nar_func"), an.get("yoy_items")
        lp, rp = ("(", ")") if st.half_parens else ("（", "）")
        for i, (code, name, cur, pri, _, _) in enumerate(u.func_items(GPB), 1):
            shown = self.amt(cur)
            if nf and nf["code"] == code:
                shown = self.mark(nf["key"]) + self.amt(cur + nf["delta"])
            if yi and yi["code"] == code:
                d = abs(cur - pri) + yi["delta"]
                word = st.inc if cur >= pri else st.dec
                ch = f"{st.cmp}{word}{BRK}{self.mark(yi['key'])}{self.amt(d)}"
            else:
                ch = self.change(cur, pri)
            self.p(f"({i}) {name}{lp}{code}{rp}{st.space}{shown}，{BRK}{ch}，{self.reason(cur, pri)}。")
        self.p("3、支出按经济科目分类的明细情况。\n\n(1) 按照部门预算支出经济分类的类级科目说明。")
        cur_e, pri_e = u.dept_econ(GPB), u.dept_econ(GPB, prior=True)
        parts = [f"{y}年本单位当年一般公共预算支出{self.amt(gpb)}。其中："]
        for c in sorted(set(cur_e) | set(pri_e)):
            cv, pv = cur_e.get(c, 0), pri_e.get(c, 0)
            if cv:
                parts.append(
                    f"{DEPT_ECON[c]}{lp}{c}{rp}{st.space}{self.amt(cv)}，{BRK}{self.change(cv, pv)}，{self.reason(cv, pv)}。"
                )
        self.p("\n\n".join(parts))
        self.p("(2) 按照政府预算支出经济分类的类级科目说明。")
        cur_g, pri_g = u.gov_econ(GPB), u.gov_econ(GPB, prior=True)
        parts = [f"{y}年本单位当年一般公共预算支出{self.amt(gpb)}。其中："]
        for c in sorted(cur_g):
            cv, pv = cur_g[c], pri_g.get(c, 0)
            if cv:
                parts.append(
                    f"{GOV_ECON[c]}{lp}{c}{rp}{st.space}{self.amt(cv)}，{BRK}{self.change(cv, pv)}，{self.reason(cv, pv)}。"
                )
        self.p("\n\n".join(parts))
        if fund:
            head = (
                f"(四) 政府性基金预算支出情况。\n\n{y}年本单位当年政府性基金预算拨款支出{self.amt(fund)}，{BRK}"
                f"{self.change(fund, fund_p)}，{self.reason(fund, fund_p)}。其中："
            )
            items = [
                f"{name}{lp}{code}{rp}{st.space}{self.amt(cur)}，{BRK}{self.change(cur, pri)}，{self.reason(cur, pri)}。"
                for code, name, cur, pri, _, _ in u.func_items(FUND)
            ]
            self.p(head + "".join(items))
        else:
            self.p("(四) 政府性基金预算支出情况。\n\n本单位无当年政府性基金预算收支，并已公开空表。")
        self.p("（五）国有资本经营预算拨款收支情况。\n\n本单位无当年国有资本经营预算拨款收支。")

    def sangong_values(self) -> dict[str, tuple[int, int]]:
        """三公 parts as printed (a SAN anomaly prints a flat part that the total leaves out)."""
        vals = dict(self.u.sangong)
        san = self.an.get("san")
        if san:
            v = vals[san["part"]][0] + san["delta"]
            vals[san["part"]] = (v, v)
        return vals

    def clause(self, label: str, cur: int, prior: int, slot: str, pct: bool = True) -> str:
        """`label X万元，较上年Y万元减少Z万元（p%）` with slot-specific anomalies."""
        an = self.an
        shown = self.amt(cur)
        uy = an.get("unt_yuan")
        if uy and uy["slot"] == slot:
            shown = self.mark(uy["key"]) + f"{wan(cur, self.st.thousands)}{self.st.space}元"
        san = an.get("san")
        if san and san["part"] == slot:
            shown = self.mark(san["key"]) + shown
        return f"{label}{shown}，{BRK}{self.change(cur, prior, slot, show_prior=cur != prior, pct=pct)}"

    def part_three(self) -> None:
        u, st, an, y = self.u, self.st, self.an, self.y
        sg = self.sangong_values()
        tot, tot_p = u.sangong_total()
        self.printed_sangong = (tot, tot_p)
        self.p("第三部分 其他情况\n\n五、“三公”经费及会议费、培训费等预算情况说明")
        head = (
            f"{y}年本单位当年一般公共预算“三公”经费预算支出{BRK}{self.clause('', tot, tot_p, 'sg_total').lstrip('，')}"
        )
        if tot != tot_p:
            head += f"，{self.reason(tot, tot_p)}"
        labels = [
            ("abroad", "因公出国（境）经费"),
            ("reception", "公务接待费"),
            ("car_run", "公务用车运行维护费"),
            ("car_buy", "公务用车购置费"),
        ]
        parts = [self.clause(lab, *sg[k], k) for k, lab in labels]
        m = self.clause("本单位当年一般公共预算会议费预算支出", *u.meeting, "meeting", st.meeting_pct)
        t = self.clause("本单位当年一般公共预算培训费预算支出", *u.training, "training", st.meeting_pct)
        self.p(f"{head}。其中：{'；'.join(parts)}。{BRK}{m}；{t}。")

        self.p("六、国有资产占有使用及资产购置情况说明")
        eq = str(u.equipment)
        if an.get("plh", {}).get("kind") == "xx_equipment":
            eq = self.mark(an["plh"]["key"]) + an["plh"].get("token", "XX")
        self.p(
            f"截止上年底，本单位共有车辆{u.vehicles}辆，{BRK}单价20万元以上的设备{eq}台（套）。"
            f"当年部门预算安排购置车辆{u.buy_vehicles}辆；安排购置单价20万元以上的设备{u.buy_equipment}台（套）。"
        )
        if not (an.get("cmp", {}).get("kind") == "section_missing"):
            self.p("七、政府采购情况说明")
            if u.procurement:
                amount = self.amt(u.procurement)
                if an.get("plh", {}).get("kind") == "amount_xxx":
                    amount = f"{self.mark(an['plh']['key'])}{an['plh']['token']}{self.st.space}万元"
                self.p(f"{y}年本单位政府采购预算{amount}，{BRK}主要用于专项业务所需货物和服务采购。")
            else:
                self.p(f"本单位{y}年无政府采购预算，并已公开空表。")
        self.p("八、绩效目标情况说明")
        self.p(
            f"{y}年本单位绩效目标管理全覆盖，涉及当年一般公共预算拨款{self.amt(u.total(GPB))}，{BRK}"
            f"当年政府性基金预算拨款{self.amt(u.total(FUND))}，当年国有资本经营预算拨款{self.amt(0)}（详见公开报表中的绩效目标表）。"
        )
        pf, pf_p = u.public_funds()
        shown_cur = pf
        ng = an.get("nar_gongyong")
        mk = ""
        if ng:
            shown_cur = pf + ng["delta"]
            mk = self.mark(ng["key"])
        self.p("九、公用经费情况说明")
        ch = self.change(shown_cur, pf_p, "gongyong", show_prior=shown_cur != pf_p)
        self.p(
            f"本单位当年公用经费预算安排{mk}{self.amt(shown_cur)}，{BRK}{ch}，主要用于保障办公费、印刷费、"
            f"邮电费、差旅费等日常运转支出。"
        )
        self.p("十、专业名词解释\n\n" + GLOSSARY)

    # --- part four: tables --------------------------------------------------
    def part_four(self) -> None:
        u, an, y = self.u, self.an, self.y
        self.p(
            f"第四部分 公开报表\n\n{y}年单位综合预算公开报表\n\n单位名称：{u.name}\n\n保密审查情况：已审查\n\n"
            "单位主要负责人审签情况：已审签"
        )
        empty = {"表9": self.rng.choice(EMPTY_REASONS), "表15": self.rng.choice(EMPTY_REASONS)}
        if u.total(FUND):
            del empty["表9"]
        if not u.procurement:
            empty["表11"] = self.rng.choice(EMPTY_REASONS)
        cmp = an.get("cmp", {})
        rows = [["序号", "内 容", "是否空表", "公开空表理由"]]
        for tid, title in CATALOGUE:
            if tid in empty:
                reason = empty[tid]
                mk = ""
                if cmp.get("kind") == "empty_without_reason" and cmp["table"] == tid:
                    reason, mk = "", self.mark(cmp["key"])
                rows.append([mk + tid, f"{y}年{title}", "是", reason])
            else:
                mk = self.mark(cmp["key"]) if cmp.get("kind") == "declared_table_absent" and cmp["table"] == tid else ""
                rows.append([mk + tid, f"{y}年{title}", "否", ""])
        self.p("目 录")
        self.table(rows)
        absent = cmp.get("table") if cmp.get("kind") == "declared_table_absent" else None
        builders = [
            ("表1", self.table1),
            ("表2", self.table2),
            ("表3", self.table3),
            ("表4", self.table4),
            ("表5", self.table5),
            ("表6", self.table6),
            ("表7", self.table7),
            ("表8", self.table8),
            ("表9", self.table9),
            ("表10", self.table10),
            ("表11", self.table11),
            ("表12", self.table12),
            ("表13", self.table13),
            ("表14", self.table14),
            ("表15", self.table15),
        ]
        for tid, build in builders:
            if tid == absent:
                continue
            if tid in empty and not self.st.show_empty_tables:
                continue
            build()

    def title(self, tid: str, name: str, unit: bool = True) -> None:
        self.p(f"{tid}\n\n{self.y}年{name}" + (f"\n\n{self.unit_line()}" if unit else ""))

    def _table1_rows(self, fiscal_only: bool) -> list[list[str]]:
        u, an, c = self.u, self.an, self.cell
        fis = True if fiscal_only else None
        total = u.total(fis)
        inc_vals = {
            "fiscal": u.total(True),
            "gpb": u.total(GPB),
            "fund": u.total(FUND),
            "upper": u.total(UPPER),
            "business": u.total(BUSINESS),
        }
        cls = u.func_classes(fis)
        xtb = an.get("xtb_t4") if fiscal_only else None
        if xtb:
            cls = dict(cls)
            cls[xtb["a"]] += xtb["delta"]
            cls[xtb["b"]] -= xtb["delta"]
        basic, proj = u.dept_econ(fis, True), u.dept_econ(fis, False)
        gov = u.gov_econ(fis)
        income = [
            (lab, inc_vals[k] if k else 0)
            for lab, k in TABLE1_INCOME
            if not (fiscal_only and k in ("business", "upper"))
        ]
        if fiscal_only:
            income = income[:5]
        sub_delta = 0
        ari = an.get("ari_subtotal")
        if ari and (not fiscal_only or ari.get("also_t4")):
            sub_delta = ari["delta"]
        dept = []
        for lab, k in TABLE1_DEPT:
            if k == "basic":
                v = sum(basic.values()) + sub_delta
                if sub_delta and not fiscal_only:
                    lab = self.mark(ari["key"]) + lab
            elif k == "project":
                v = sum(proj.values())
            elif k:
                v = (basic if k[0] == "basic" else proj).get(k[1], 0)
            else:
                v = 0
            dept.append((lab, v))
        func = []
        for code, name in FUNC_CLASSES:
            v = cls.get(code, 0)
            mk = self.mark(xtb["key"]) if xtb and code == xtb["a"] else ""
            func.append((mk + name, v))
        govs = [(f"{i}、{n}", gov.get(code, 0)) for i, (code, n) in enumerate(TABLE1_GOV, 1)]
        func = [(f"{i}、{n}", v) for i, (n, v) in enumerate(func, 1)]
        head0 = "一、财政拨款" if fiscal_only else "一、部门预算"
        rows = [
            ["收 入", "", "支 出", "", "", "", "", ""],
            [
                "项 目",
                "预算数",
                "支出功能分类科目（按大类）",
                "预算数",
                "部门预算支出经济分类科目（按大类）",
                "预算数",
                "政府预算支出经济分类科目（按大类）",
                "预算数",
            ],
            [head0, c(total), head0, c(total), head0, c(total), head0, c(total)],
        ]
        n = max(len(income), len(func), len(dept), len(govs))
        for i in range(n):
            row = []
            for col in (income, func, dept, govs):
                if i < len(col):
                    row += [col[i][0], c(col[i][1])]
                else:
                    row += ["", ""]
            rows.append(row)
        sums = [c(total)] * 4
        at = an.get("ari_total")
        if at and not fiscal_only:
            sums[at["group"]] = self.mark(at["key"]) + c(total + at["delta"])
        rows.append(
            ["本年收入合计", sums[0], "本年支出合计", sums[1], "本年支出合计", sums[2], "本年支出合计", sums[3]]
        )
        rows.append(["上年结转", "", "结转下年", "", "结转下年", "", "结转下年", ""])
        rows.append(["收入总计", c(total), "支出总计", c(total), "支出总计", c(total), "支出总计", c(total)])
        return rows

    def table1(self) -> None:
        self.title("表1", "单位综合预算收支总表")
        self.table(self._table1_rows(False))

    def table4(self) -> None:
        self.title("表4", "单位综合预算财政拨款收支总表")
        self.table(self._table1_rows(True))

    def table2(self) -> None:
        u, c = self.u, self.cell
        total, gpb = u.total(), u.total(GPB)
        mk = ""
        x = self.an.get("xtb_t2")
        if x:
            total, gpb, mk = total + x["delta"], gpb + x["delta"], self.mark(x["key"])
        self.title("表2", "单位综合预算收入总表")
        self.table(
            [
                ["单位名称", "合计", "一般公共预算拨款", "政府性基金拨款", "上级补助收入", "事业收入", "其他收入"],
                [mk + u.name, c(total), c(gpb), c(u.total(FUND)), c(u.total(UPPER)), c(u.total(BUSINESS)), ""],
            ]
        )

    def _func_table(self, items, cols) -> list[list[str]]:
        c = self.cell
        rows = [["科目编码", "科目名称"] + cols]
        tot = [sum(it[k] for it in items) for k in range(2, 2 + len(cols))]
        rows.append(["", "合计"] + [c(v, False) for v in tot])
        for it in items:
            rows.append([it[0], it[1]] + [c(v) for v in it[2 : 2 + len(cols)]])
        return rows

    def table3(self) -> None:
        items = [(code, nm, cur, b, p) for code, nm, cur, _, b, p in self.u.func_items()]
        self.title("表3", "单位综合预算支出总表")
        self.table(self._func_table(items, ["合计", "基本支出", "项目支出"]))

    def table5(self) -> None:
        items = [(code, nm, cur, b, p) for code, nm, cur, _, b, p in self.u.func_items(GPB)]
        self.title("表5", "单位综合预算一般公共预算支出明细表（按支出功能分类科目）")
        self.table(self._func_table(items, ["合计", "基本支出", "项目支出"]))

    def table6(self) -> None:
        b, p = self.u.dept_econ(GPB, True), self.u.dept_econ(GPB, False)
        items = [
            (code, DEPT_ECON[code], b.get(code, 0) + p.get(code, 0), b.get(code, 0), p.get(code, 0))
            for code in sorted(set(b) | set(p))
        ]
        self.title("表6", "单位综合预算一般公共预算支出明细表（按支出经济分类科目）")
        self.table(self._func_table(items, ["合计", "基本支出", "项目支出"]))

    def table7(self) -> None:
        acc: dict[str, list] = {}
        for a in self.u.allocs:
            if a.source == GPB and a.basic:
                r = acc.setdefault(a.code, [a.name, 0, 0])
                r[2 if a.econ == "302" else 1] += a.cur
        items = [(code, r[0], r[1] + r[2], r[1], r[2]) for code, r in sorted(acc.items())]
        self.title("表7", "单位综合预算一般公共预算基本支出明细表（按支出功能分类科目）")
        self.table(self._func_table(items, ["合计", "人员经费", "公用经费"]))

    def table8(self) -> None:
        b = self.u.dept_econ(GPB, True)
        items = [(code, DEPT_ECON[code], b[code]) for code in sorted(b)]
        self.title("表8", "单位综合预算一般公共预算基本支出明细表（按支出经济分类科目）")
        self.table(self._func_table(items, ["合计"]))

    def table9(self) -> None:
        self.title("表9", "单位综合预算政府性基金收支表")
        if self.u.total(FUND):
            self.table(self._table9_rows())
            return
        self.table(
            [
                ["收 入", "", "支 出", ""],
                ["项 目", "预算数", "项 目", "预算数"],
                ["一、政府性基金拨款", "", "", ""],
                ["本年收入合计", "", "本年支出合计", ""],
            ]
        )

    def _table9_rows(self) -> list[list[str]]:
        """The 政府性基金 table as the template prints it: income and the three views of
        spending (功能 class, 部门 and 政府 economic class), each with its total."""
        u, c = self.u, self.cell
        total = u.total(FUND)
        cls = u.func_classes(FUND)
        func = [(f"{_cn(i)}、{dict(FUNC_CLASSES)[k]}", v) for i, (k, v) in enumerate(sorted(cls.items()), 1)]
        basic, proj = u.dept_econ(FUND, True), u.dept_econ(FUND, False)
        dept = [("一、人员经费和公用经费支出", sum(basic.values()))]
        dept += [(DEPT_ECON[k], v) for k, v in sorted(basic.items())]
        dept += [("二、专项业务经费支出", sum(proj.values()))]
        dept += [(DEPT_ECON[k], v) for k, v in sorted(proj.items())]
        gov = [(f"{_cn(i)}、{GOV_ECON[k]}", v) for i, (k, v) in enumerate(sorted(u.gov_econ(FUND).items()), 1)]
        income = [("一、政府性基金拨款", total)]
        rows = [
            ["收 入", "", "支 出", "", "", "", "", ""],
            [
                "项 目",
                "预算数",
                "支出功能分类科目（按大类）",
                "预算数",
                "部门预算支出经济分类科目（按大类）",
                "预算数",
                "政府预算支出经济分类科目（按大类）",
                "预算数",
            ],
        ]
        for i in range(max(len(func), len(dept), len(gov))):
            row = []
            for col in (income, func, dept, gov):
                row += [col[i][0], c(col[i][1])] if i < len(col) else ["", ""]
            rows.append(row)
        rows.append(["本年收入合计", c(total)] + ["本年支出合计", c(total)] * 3)
        return rows

    def table10(self) -> None:
        c = self.cell
        rows = [["项目名称", "合计", "财政拨款", "其他资金"]]
        ps = self.u.projects
        rows.append(
            [
                "合计",
                c(sum(p.total for p in ps), False),
                c(sum(p.fiscal for p in ps), False),
                c(sum(p.other for p in ps)),
            ]
        )
        rows += [[p.name, c(p.total, False), c(p.fiscal), c(p.other)] for p in ps]
        self.title("表10", "单位综合预算专项业务经费支出表")
        self.table(rows)

    def table11(self) -> None:
        c = self.cell
        self.title("表11", "单位综合预算政府采购（资产配置、购买服务）预算表")
        rows = [["项目名称", "采购品目", "采购金额"]]
        if self.u.procurement:
            rows.append(["合计", "", c(self.u.procurement)])
            rows.append([self.u.projects[0].name, "货物及服务", c(self.u.procurement)])
        self.table(rows)

    def table12(self) -> None:
        c = self.cell
        sg = self.sangong_values()
        tot, _ = self.u.sangong_total()
        car = sg["car_buy"][0] + sg["car_run"][0]
        self.title("表12", "单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表")
        self.table(
            [
                [
                    "合计",
                    "因公出国（境）费",
                    "公务接待费",
                    "公务用车购置及运行维护费小计",
                    "公务用车购置费",
                    "公务用车运行维护费",
                    "会议费",
                    "培训费",
                ],
                [
                    c(tot, False),
                    c(sg["abroad"][0], False),
                    c(sg["reception"][0], False),
                    c(car, False),
                    c(sg["car_buy"][0], False),
                    c(sg["car_run"][0], False),
                    c(self.u.meeting[0], False),
                    c(self.u.training[0], False),
                ],
            ]
        )

    def value(self, text: str) -> str:
        """A performance target value, with LaTeX residue in some documents."""
        if self.st.latex and text.startswith(("≥", "≤")):
            op = "\\geq" if text[0] == "≥" else "\\leq"
            return f"${op} {text[1:].replace('%', chr(92) + '%')}$"
        return text

    def table13(self) -> None:
        u, an, rng = self.u, self.an, self.rng
        pp, pt = an.get("prf_proj"), an.get("prf_target")
        for i, p in enumerate(u.projects, 1):
            tot, fis = p.total, p.fiscal
            mk = ""
            if pp and pp["index"] == i:
                tot, fis, mk = tot + pp["delta"], fis + pp["delta"], self.mark(pp["key"])
            goal = f"目标1：保障{p.name}顺利实施。目标2：按期完成年度工作任务，提升服务水平。"
            if self.st.html:
                goal = f"<p>{goal}</p>"
            other = wan(p.other) if p.other else ""
            rows = [
                ["项目名称", "", p.name, "", ""],
                ["主管部门", "", u.name, "", ""],
                ["资金金额（万元）", "年度资金总额：", "", mk + wan(tot), ""],
                ["", "其中：财政拨款", "", wan(fis), ""],
                ["", "其他资金", "", other, ""],
                ["总体目标", "年度目标", "", "", ""],
                ["", goal, "", "", ""],
                ["绩效指标", "一级指标", "二级指标", "指标内容", "指标值"],
            ]
            last = None
            for _j, (l1, l2, txt, val) in enumerate(TARGET_TEXT):
                v = val.format(n=rng.randint(2, 30), amt=wan(p.total), sat=rng.choice((85, 90, 95)))
                lead = ""
                if pt and pt["index"] == i and l1 == "满意度指标":
                    v, lead = f"≥{pt['value']}%", self.mark(pt["key"])
                if an.get("plh", {}).get("kind") == "to_fill" and an["plh"]["index"] == i and l2 == "质量指标":
                    v, lead = an["plh"].get("token", "待填"), self.mark(an["plh"]["key"])
                rows.append([lead, "" if l1 == last else l1, l2, txt, self.value(v)])
                last = l1
            self.p(f"表13-{i}\n\n{self.y}年单位专项业务经费绩效目标表（{i}）")
            self.table(rows)

    def table14(self) -> None:
        u, an = self.u, self.an
        basic = u.dept_econ(None, True)
        people = basic.get("301", 0) + basic.get("303", 0)
        public = basic.get("302", 0) + basic.get("310", 0)
        pf = sum(p.fiscal for p in u.projects)
        po = sum(p.other for p in u.projects)
        fis_basic = sum(u.dept_econ(True, True).values())
        pe_f = u.dept_econ(True, True)
        people_f = pe_f.get("301", 0) + pe_f.get("303", 0)
        public_f = fis_basic - people_f
        ov = an.get("prf_overall")
        d, mk = (ov["delta"], self.mark(ov["key"])) if ov else (0, "")
        w = wan
        rows = [
            ["部门（单位）名称", u.name, "", "", ""],
            ["任务名称", "主要内容", "总额", "财政拨款", "其他资金"],
            [
                "人员经费",
                "保障在职人员工资福利及社会保障缴费",
                w(people),
                w(people_f),
                w(people - people_f) if people != people_f else "",
            ],
            [
                "公用经费",
                "保障机构日常运转",
                w(public),
                w(public_f),
                w(public - public_f) if public != public_f else "",
            ],
            ["专项业务经费", "完成年度专项工作任务", w(pf + po + d), w(pf + d), w(po) if po else ""],
            [mk + "金额合计", "", w(u.total() + d), w(u.total(True) + d), w(u.total(False)) if u.total(False) else ""],
            ["年度总体目标", "保障单位正常运转，完成年度各项工作任务。", "", "", ""],
            ["一级指标", "二级指标", "指标内容", "指标值", ""],
            ["产出指标", "数量指标", "按时发放在职人员工资", self.value("≥100%"), ""],
            ["", "时效指标", "本年度完成支出", self.value("≥95%"), ""],
            ["效益指标", "社会效益指标", "单位履职能力提升", self.value("≥90%"), ""],
            ["满意度指标", "服务对象满意度指标", "服务对象满意度", self.value("≥90%"), ""],
        ]
        self.p(f"{self.y}年单位整体支出绩效目标表\n\n单位：万元")
        self.table(rows)

    def table15(self) -> None:
        self.title("表15", "专项资金整体绩效目标表", unit=False)
        self.table(
            [
                ["项目名称", "", "", ""],
                ["主管部门", "", "实施期限", ""],
                ["资金金额（万元）", "年度资金总额：", "", ""],
                ["总体目标", "年度目标", "", ""],
                ["绩效指标", "一级指标", "二级指标", "指标值"],
                ["", "产出指标", "数量指标", ""],
            ]
        )


def _cn(i: int) -> str:
    return "一二三四五六七八九十"[i - 1]


def punctuation_pairs(st: Style) -> list[tuple[str, str]]:
    """Full-width -> half-width replacements chosen by the style."""
    pairs = [("（", "("), ("）", ")")] if st.half_parens else []
    if st.half_pct:
        pairs.append(("％", "%"))
    if st.half_colon:
        pairs.append(("：", ":"))
    return pairs


def finalize(text: str, st: Style, rng) -> tuple[str, dict[str, int]]:
    """Resolve break opportunities and evidence marks: (final text, key -> 1-based line)."""
    for a, b in punctuation_pairs(st):  # str.replace is much faster than str.translate
        text = text.replace(a, b)
    if st.brk > 0:
        pieces = text.split(BRK)
        out = [pieces[0]]
        r = rng.random
        for piece in pieces[1:]:
            x = r()
            if x < st.brk:
                out.append("\n\n" if x < st.brk / 3 else "\n")
            out.append(piece)
        text = "".join(out)
        pieces = text.split(BRK_UNIT)
        out = [pieces[0]]
        for piece in pieces[1:]:
            if r() < st.brk / 4:
                out.append("\n")
            out.append(piece)
        text = "".join(out)
    else:
        text = text.replace(BRK, "").replace(BRK_UNIT, "")
    lines: dict[str, int] = {}
    if MARK in text:
        parts = text.split(MARK)
        out = [parts[0]]
        nl = parts[0].count("\n")
        for part in parts[1:]:
            key, rest = part.split(END, 1)
            lines[key] = nl + 1
            nl += rest.count("\n")
            out.append(rest)
        text = "".join(out)
    return text, lines
