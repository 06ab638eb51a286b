"""The second template family: the 财政部 部门预算公开 template (表一 … 表九).

Written from how the template is published (the 财政部's nine tables for 部门预算公开,
as provinces and counties adapt it), not from what the parser reads:

- 表一 部门收支总表 (收入 by source 一、…九、, 支出 by 功能 class), 表二 部门收入总表
  (one row per 所属单位 when the 部门 consolidates several), 表三 部门支出总表 (by 功能
  科目: 基本支出, 项目支出), 表四 财政拨款收支总表, 表五 一般公共预算支出表 (with last
  year's figure beside this year's), 表六 一般公共预算基本支出表 (by 经济 class: 人员经费,
  公用经费), 表七 一般公共预算“三公”经费支出表 (上年 and 本年 rows), 表八 政府性基金预算
  支出表, 表九 国有资本经营预算支出表; an 8-table variant without 表九 and a 10-table one
  with a 项目支出表; the performance tables follow as 附表.
- Numbering 表一 / 表1 / 附表1-1; every table has its own 单位 line (元, 万元 or 千元);
  the 目录 is a plain list of the tables; an empty table is printed with a 注 saying why.
- Narrative headings worded as 部门 disclosures word them.

The narrative itself is the seed template's (datasets.synthetic.render): the same
figures, the same anomaly hooks. Only the tables, their numbering and the headings differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datasets.synthetic.kinds import DEPT_ECON, FUNC_CLASSES
from datasets.synthetic.render import Renderer, fixed, round_div

CN_NUMERALS = "一二三四五六七八九十"

# (role, title) of the nine tables, in the template's order.
NINE = [
    ("summary", "收支总表"),
    ("income", "收入总表"),
    ("spending", "支出总表"),
    ("fiscal_summary", "财政拨款收支总表"),
    ("gpb_func", "一般公共预算支出表"),
    ("basic_econ", "一般公共预算基本支出表"),
    ("sangong", "一般公共预算“三公”经费支出表"),
    ("fund", "政府性基金预算支出表"),
    ("soe", "国有资本经营预算支出表"),
]
PROJECTS = ("projects", "项目支出表")

# Where an anomaly the injectors aimed at a seed table (表2 … 表15) lands in this template.
SEED_TO_ROLE = {
    "表2": "income",
    "表3": "spending",
    "表5": "gpb_func",
    "表6": "spending",
    "表7": "spending",
    "表8": "basic_econ",
    "表10": "projects",
    "表12": "sangong",
    "表9": "fund",
    "表11": "fund",
    "表15": "soe",
}

INCOME_SOURCES = [
    ("一般公共预算拨款收入", "fiscal"),
    ("政府性基金预算拨款收入", None),
    ("国有资本经营预算拨款收入", None),
    ("财政专户管理资金收入", None),
    ("事业收入", "business"),
    ("上级补助收入", None),
    ("附属单位上缴收入", None),
    ("事业单位经营收入", None),
    ("其他收入", None),
]

# Heading wordings (seed wording -> this document's), one set drawn per document.
HEADINGS = [
    {
        "第一部分 单位概况": "第一部分 部门概况",
        "一、主要职责及机构设置": "一、部门职责及机构设置",
        "三、人员情况说明": "三、人员构成情况",
        "第二部分 收支情况": "第二部分 部门预算情况说明",
        "四、收支说明": "四、部门收支预算情况说明",
        "五、“三公”经费及会议费、培训费等预算情况说明": "五、关于一般公共预算“三公”经费预算情况的说明",
        "五、“三公”经费及会议费、培训费情况说明": "五、关于一般公共预算“三公”经费预算情况的说明",
        "六、国有资产占有使用及资产购置情况说明": "六、国有资产占用情况",
        "七、政府采购情况说明": "七、政府采购预算情况",
        "八、绩效目标情况说明": "八、预算绩效目标设置情况",
        "八、绩效目标说明": "八、预算绩效目标设置情况",
        "九、公用经费情况说明": "九、机关运行经费安排情况",
        "十、专业名词解释": "十、名词解释",
        "第四部分 公开报表": "第四部分 部门预算公开表",
    },
    {
        "第一部分 单位概况": "第一部分 部门基本情况",
        "一、主要职责及机构设置": "一、主要职能",
        "三、人员情况说明": "三、部门人员情况",
        "第二部分 收支情况": "第二部分 部门预算安排情况",
        "四、收支说明": "四、收支预算情况的总体说明",
        "五、“三公”经费及会议费、培训费等预算情况说明": "五、“三公”经费预算安排情况说明",
        "五、“三公”经费及会议费、培训费情况说明": "五、“三公”经费预算安排情况说明",
        "六、国有资产占有使用及资产购置情况说明": "六、国有资产占有使用情况",
        "七、政府采购情况说明": "七、政府采购情况",
        "八、绩效目标情况说明": "八、绩效目标情况",
        "八、绩效目标说明": "八、绩效目标情况",
        "九、公用经费情况说明": "九、机关运行经费情况",
        "十、专业名词解释": "十、专业性名词解释",
        "第四部分 公开报表": "第四部分 部门预算报表",
    },
    {},  # the seed's own wording
]

SUBUNIT_SUFFIXES = ["机关", "事务中心", "服务中心", "综合执法大队", "信息中心", "培训中心", "服务站"]


@dataclass
class Template:
    """How one document of the 财政部 family is laid out (drawn per document)."""

    family: str = "mof"
    tables: int = 9  # 8, 9 or 10
    numerals: str = "cn"  # cn 表一 | arabic 表1 | appendix 附表1-1
    units: dict[str, str] = field(default_factory=dict)  # role -> 元 | 万元 | 千元
    prior_first: bool = True  # 上年 before 本年 where a table prints both
    subunits: list[str] = field(default_factory=list)  # 所属单位 of a consolidated 部门
    headings: int = 0  # index into HEADINGS
    inline_title: bool = False  # 表一 and the title on one line
    maker_line: bool = False  # 编制单位：… 单位：万元 on one line
    prefix: str = "部门"  # 部门 or 单位 in the titles

    def roles(self) -> list[str]:
        r = [role for role, _ in NINE]
        if self.tables == 8:
            r.remove("soe")
        if self.tables == 10:
            r.insert(6, PROJECTS[0])
        return r

    def describe(self) -> dict:
        return {
            "family": self.family,
            "tables": self.tables,
            "numerals": self.numerals,
            "units": dict(self.units),
            "prior_first": self.prior_first,
            "subunits": len(self.subunits),
            "headings": self.headings,
        }


def draw_template(rng, name: str) -> Template:
    tables = rng.choice((8, 9, 9, 9, 10))
    base = rng.choice(("元", "万元", "万元", "千元"))
    t = Template(
        tables=tables,
        numerals=rng.choice(("cn", "cn", "arabic", "appendix")),
        prior_first=rng.random() < 0.6,
        headings=rng.randrange(len(HEADINGS)),
        inline_title=rng.random() < 0.4,
        maker_line=rng.random() < 0.3,
    )
    for role in t.roles():
        t.units[role] = base if rng.random() < 0.8 else rng.choice(("元", "万元", "千元"))
    if rng.random() < 0.3:
        n = rng.randint(2, 4)
        t.subunits = [f"{name}本级"] + [f"{name}{s}" for s in rng.sample(SUBUNIT_SUFFIXES[1:], n - 1)]
    t.prefix = "部门" if t.subunits or rng.random() < 0.7 else "单位"
    return t


def money(yuan: int, unit: str, thousands: bool = False) -> str:
    """An amount in 元 printed in `unit`: 元 and 万元 with 2 decimals, 千元 with 2."""
    if unit == "万元":
        return fixed(round_div(yuan, 100), 2, thousands)
    if unit == "千元":
        return fixed(round_div(yuan, 10), 2, thousands)
    return fixed(yuan * 100, 2, thousands)


def split(total: int, weights: list[int]) -> list[int]:
    """total in integer parts proportional to weights, exactly summing to total."""
    s = sum(weights)
    parts = [total * w // s for w in weights]
    parts[0] += total - sum(parts)
    return parts


class MinistryRenderer(Renderer):
    """The seed renderer's narrative with the 财政部 template's headings and tables."""

    def __init__(self, u, st, an, rng, tpl: Template):
        super().__init__(u, st, an, rng)
        self.tpl = tpl
        self.ids: dict[str, str] = {}

    def render(self) -> str:
        text = super().render()
        for seed_heading, own in HEADINGS[self.tpl.headings].items():
            text = text.replace(seed_heading, own)
        return text

    # --- helpers ----------------------------------------------------------
    def number(self, k: int) -> str:
        n = self.tpl.numerals
        if n == "cn":
            return "表" + (CN_NUMERALS[k - 1] if k <= 10 else f"十{CN_NUMERALS[k - 11]}")
        if n == "appendix":
            return f"附表1-{k}"
        return f"表{k}"

    def c(self, yuan: int, role: str, blank_zero: bool = True) -> str:
        if yuan == 0 and blank_zero:
            return ""
        return money(yuan, self.tpl.units[role], self.st.thousands)

    def heading(self, role: str, title: str) -> None:
        tid, y, t = self.empty_mark(role) + self.ids[role], self.y, self.tpl
        full = f"{y}年{t.prefix}{title}"
        unit = f"单位：{t.units[role]}"
        if t.maker_line:
            unit = f"编制单位：{self.u.name}　　　　{unit}"
        if t.inline_title:
            self.p(f"{tid}　{full}\n\n{unit}")
        else:
            self.p(f"{tid}\n\n{full}\n\n{unit}")

    def empty_note(self, role: str, what: str) -> None:
        """The 注 under an empty table (left out by an empty_without_reason anomaly)."""
        cmp = self.an.get("cmp", {})
        if cmp.get("kind") == "empty_without_reason" and self.target(cmp["table"]) == role:
            return
        self.p(f"注：本{self.tpl.prefix}{self.y}年没有使用{what}安排的支出，故本表无数据。")

    def target(self, seed_table: str | None) -> str | None:
        """The role of this template that an anomaly aimed at a seed table lands in."""
        role = SEED_TO_ROLE.get(seed_table or "")
        roles = self.tpl.roles()
        if role not in roles:
            role = "fund" if seed_table in ("表9", "表11", "表15") else "spending"
        return role

    # --- part four ----------------------------------------------------------
    def part_four(self) -> None:
        u, an, y, t = self.u, self.an, self.y, self.tpl
        roles = t.roles()
        titles = dict(NINE + [PROJECTS])
        self.ids = {role: self.number(k) for k, role in enumerate(roles, 1)}
        self.p(f"第四部分 公开报表\n\n{y}年{t.prefix}预算公开表\n\n单位名称：{u.name}")
        cmp = an.get("cmp", {})
        absent = self.target(cmp["table"]) if cmp.get("kind") == "declared_table_absent" else None
        lines = []
        for role in roles:
            mk = self.mark(cmp["key"]) if role == absent else ""
            lines.append(f"{mk}{self.ids[role]}　{y}年{t.prefix}{titles[role]}")
        self.p("目　录\n\n" + "\n".join(lines))
        builders = {
            "summary": self.t_summary,
            "income": self.t_income,
            "spending": self.t_spending,
            "fiscal_summary": self.t_fiscal,
            "gpb_func": self.t_gpb_func,
            "basic_econ": self.t_basic_econ,
            "projects": self.t_projects,
            "sangong": self.t_sangong,
            "fund": self.t_fund,
            "soe": self.t_soe,
        }
        for role in roles:
            if role != absent:
                builders[role]()
        # Performance tables follow as 附表, as the seed renderer prints them.
        self.perf_tables()

    def perf_tables(self) -> None:
        """The seed renderer's 表13-i and 整体支出 tables, renumbered as this template's 附表."""
        first = 2 if self.tpl.numerals == "appendix" else 1
        saved, self.out = self.out, []  # collect, then renumber
        try:
            self.table13()
            self.table14()
        finally:
            out, self.out = self.out, saved
        for piece in out:
            head, _, rest = piece.partition("\n")
            if head.startswith("表13-"):
                rest = rest.replace("单位专项业务经费绩效目标表", f"{self.tpl.prefix}项目支出绩效目标表")
                piece = f"附表{first}-{head.removeprefix('表13-')}\n{rest}"
            elif "整体支出绩效目标表" in head:
                piece = f"附表{first + 1}\n\n" + piece.replace("单位整体支出", f"{self.tpl.prefix}整体支出")
            self.p(piece)

    # --- the nine (eight, ten) tables -------------------------------------------------
    def _two_sided(
        self, role: str, income: list[tuple[str, int]], spend: list[tuple[str, int]], total: int, fiscal_only: bool
    ) -> list[list[str]]:
        c = lambda v: self.c(v, role)  # noqa: E731
        an = self.an
        rows = [["收 入", "", "支 出", ""], ["项 目", "预算数", "项 目", "预算数"]]
        for i in range(max(len(income), len(spend))):
            row = []
            for col in (income, spend):
                row += [col[i][0], c(col[i][1])] if i < len(col) else ["", ""]
            rows.append(row)
        spent = c(total)
        at = an.get("ari_total")
        if at and not fiscal_only:
            spent = self.mark(at["key"]) + c(total + at["delta"])
        rows.append(["本年收入合计", c(total), "本年支出合计", spent])
        rows.append(["上年结转结余", "", "结转下年", ""])
        rows.append(["收入总计", c(total), "支出总计", c(total)])
        return rows

    def _classes(self, fis: bool | None, xtb: dict | None = None) -> list[tuple[str, int]]:
        cls = dict(self.u.func_classes(fis))
        mk = {}
        if xtb:
            cls[xtb["a"]] += xtb["delta"]
            cls[xtb["b"]] -= xtb["delta"]
            mk[xtb["a"]] = self.mark(xtb["key"])
        return [
            (f"{CN_NUMERALS[i] if i < 10 else '十' + CN_NUMERALS[i - 10]}、{mk.get(code, '')}{name}", cls[code])
            for i, (code, name) in enumerate((k, n) for k, n in FUNC_CLASSES if cls.get(k))
        ]

    def t_summary(self) -> None:
        u = self.u
        vals = {"fiscal": u.total(True), "business": u.total(False)}
        income = [(f"{CN_NUMERALS[i]}、{lab}", vals[k] if k else 0) for i, (lab, k) in enumerate(INCOME_SOURCES)]
        self.heading("summary", "收支总表")
        self.table(self._two_sided("summary", income, self._classes(None), u.total(), False))

    def t_fiscal(self) -> None:
        u = self.u
        fis = u.total(True)
        income = [
            ("一、本年收入", fis),
            ("（一）一般公共预算拨款", fis),
            ("（二）政府性基金预算拨款", 0),
            ("（三）国有资本经营预算拨款", 0),
        ]
        self.heading("fiscal_summary", "财政拨款收支总表")
        self.table(self._two_sided("fiscal_summary", income, self._classes(True, self.an.get("xtb_t4")), fis, True))

    def t_income(self) -> None:
        u, t = self.u, self.tpl
        c = lambda v, z=True: self.c(v, "income", z)  # noqa: E731
        total, fis = u.total(), u.total(True)
        mk = ""
        x = self.an.get("xtb_t2")
        delta = 0
        if x:
            delta, mk = x["delta"], self.mark(x["key"])
        head = ["单位编码", "单位名称", "合计", "上年结转结余"] + [lab for lab, _ in INCOME_SOURCES]

        def row(code: str, name: str, tot: int, f: int) -> list[str]:
            vals = {"fiscal": f, "business": tot - f}
            return [code, name, c(tot, False), ""] + [c(vals[k]) if k else "" for _, k in INCOME_SOURCES]

        rows = [head, row("", mk + "合计", total + delta, fis + delta)]
        if t.subunits:
            weights = [self.rng.randint(2, 9) for _ in t.subunits]
            weights[0] += sum(weights)  # the 本级 holds the larger share
            fs, bs = split(fis, weights), split(total - fis, weights)
            fs[0] += delta  # the 合计 row's excess is in its first unit, so only the cross-table check sees it
            for k, (sub, f, b) in enumerate(zip(t.subunits, fs, bs), 1):
                rows.append(row(f"{k:03d}", sub, f + b, f))
        else:
            rows.append(row("001", u.name, total + delta, fis + delta))
        self.heading("income", "收入总表")
        self.table(rows)

    def _code_rows(self, role: str, items, cols: list[str]) -> list[list[str]]:
        c = self.c
        rows = [["科目编码", "科目名称"] + cols]
        tot = [sum(it[k] for it in items) for k in range(2, 2 + len(cols))]
        rows.append(["", "合计"] + [c(v, role, False) for v in tot])
        for it in items:
            rows.append([it[0], it[1]] + [c(v, role) for v in it[2 : 2 + len(cols)]])
        return rows

    def t_spending(self) -> None:
        items = [(code, nm, cur, b, p, 0, 0, 0) for code, nm, cur, _, b, p in self.u.func_items()]
        cols = ["合计", "基本支出", "项目支出", "上缴上级支出", "事业单位经营支出", "对附属单位补助支出"]
        self.heading("spending", "支出总表")
        self.table(self._code_rows("spending", items, cols))

    def t_gpb_func(self) -> None:
        y, t = self.y, self.tpl
        items = self.u.func_items(True)
        prior_col = f"{y - 1}年预算数"
        if t.prior_first:
            cols = [prior_col, f"{y}年预算数", "基本支出", "项目支出"]
            rows_items = [(code, nm, pri, cur, b, p) for code, nm, cur, pri, b, p in items]
        else:
            cols = ["合计", "基本支出", "项目支出", prior_col]
            rows_items = [(code, nm, cur, b, p, pri) for code, nm, cur, pri, b, p in items]
        self.heading("gpb_func", "一般公共预算支出表")
        self.table(self._code_rows("gpb_func", rows_items, cols))

    def t_basic_econ(self) -> None:
        u = self.u
        acc: dict[str, list[int]] = {}
        for a in u.allocs:
            if a.fiscal and a.basic:
                r = acc.setdefault(a.econ, [0, 0])
                r[1 if a.econ == "302" else 0] += a.cur
        items = [(code, DEPT_ECON[code], r[0] + r[1], r[0], r[1]) for code, r in sorted(acc.items())]
        self.heading("basic_econ", "一般公共预算基本支出表")
        self.table(self._code_rows("basic_econ", items, ["合计", "人员经费", "公用经费"]))

    def t_projects(self) -> None:
        c = lambda v, z=True: self.c(v, "projects", z)  # noqa: E731
        ps = self.u.projects
        rows = [["项目名称", "合计", "财政拨款", "其他资金"]]
        rows.append(
            [
                "合计",
                c(sum(p.total for p in ps), False),
                c(sum(p.fiscal for p in ps), False),
                c(sum(p.other for p in ps)),
            ]
        )
        rows += [[p.name, c(p.total, False), c(p.fiscal), c(p.other)] for p in ps]
        self.heading("projects", "项目支出表")
        self.table(rows)

    def t_sangong(self) -> None:
        y, t = self.y, self.tpl
        c = lambda v: self.c(v, "sangong", False)  # noqa: E731
        sg = self.sangong_values()
        tot, tot_p = self.u.sangong_total()

        def row(label: str, k: int, total: int) -> list[str]:
            buy, run = sg["car_buy"][k], sg["car_run"][k]
            return [label, c(total), c(sg["abroad"][k]), c(buy + run), c(buy), c(run), c(sg["reception"][k])]

        head = [
            "项目",
            "合计",
            "因公出国（境）费",
            "公务用车购置及运行费小计",
            "公务用车购置费",
            "公务用车运行费",
            "公务接待费",
        ]
        cur, pri = row(f"{y}年预算数", 0, tot), row(f"{y - 1}年预算数", 1, tot_p)
        self.heading("sangong", "一般公共预算“三公”经费支出表")
        self.table([head, pri, cur] if t.prior_first else [head, cur, pri])

    def empty_mark(self, role: str) -> str:
        cmp = self.an.get("cmp", {})
        if cmp.get("kind") == "empty_without_reason" and self.target(cmp["table"]) == role:
            return self.mark(cmp["key"])
        return ""

    def t_fund(self) -> None:
        self.heading("fund", "政府性基金预算支出表")
        self.table([["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["", "合计", "", "", ""]])
        self.empty_note("fund", "政府性基金预算拨款")

    def t_soe(self) -> None:
        self.heading("soe", "国有资本经营预算支出表")
        self.table([["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["", "合计", "", "", ""]])
        self.empty_note("soe", "国有资本经营预算拨款")
