"""A unit's final accounts (单位决算公开说明) after each budget year (``--years … --finals``).

Written from how counties publish their 决算: a 说明 whose second part reports, item by
item, the 年初预算数 beside the 决算数 and the share of the budget spent (一般公共预算财政
拨款支出年初预算为X万元，支出决算为Y万元，完成年初预算的Z%; “三公”经费财政拨款支出决算为…，
完成年初预算的…，比年初预算减少…，主要原因是…), then the 决算 tables: 收入支出决算总表, the
一般公共预算财政拨款支出决算表 with 年初预算数 / 调整预算数 / 决算数 columns, the 基本支出
and “三公” tables, and the 政府性基金 and 国有资本经营 tables (empty, with the reason, for
most units).

The 年初预算数 are the unit's budget of the year exactly as its budget disclosure
printed them; what was spent is drawn per allocation around a rate per unit (most
units spend 85-108% of their budget, some much less), 三公, meetings and training
usually less. Planted mistakes, each labelled with the budget disclosure it concerns:
EXE (a 年初预算数 printed differently from the budget as published, the document
consistent with the figure it prints; a completion rate printed wrong; the change
against the budget printed where the completion rate belongs), PCT (the completion
ratio printed as the change: 比年初预算减少X万元（85%）) and YOY (the stated difference
from the budget not the figures' difference), and in the 决算 tables ARI (a class row of the
一般公共预算财政拨款支出决算表 that is not the sum of its items; the 基本支出决算表's 合计 not the
sum of its classes; the “三公”经费支出决算表's 合计 not the sum of its four parts) and XTB (the 一般公共预算财政拨款支出决算表 consistent within itself, one
item, its class and the 合计 all off by the same amount, so that its 合计 differs from the
收入支出决算总表's 一般公共预算财政拨款收入).
"""

from __future__ import annotations

import copy
import random

from datasets.synthetic.kinds import DEPT_ECON, FUNC_CLASSES
from datasets.synthetic.model import FUND, GPB, Unit
from datasets.synthetic.render import (
    BRK,
    DUTIES,
    EMPTY_REASONS,
    GLOSSARY,
    OFFICES,
    Renderer,
    Style,
    draw_style,
    fixed,
    pct_text,
    round_div,
    wan,
)

EXE_SHARE = 0.12  # of the finals: one EXE mistake
OTHER_SHARE = 0.08  # of the finals: one PCT or YOY mistake
TABLE_SHARE = 0.06  # of the finals: one ARI or XTB mistake in the 决算 tables
SANGONG_LABELS = (
    ("abroad", "因公出国（境）费"),
    ("car_buy", "公务用车购置费"),
    ("car_run", "公务用车运行维护费"),
    ("reception", "公务接待费"),
)
REASON_UNDER = [
    "主要原因是严格执行中央八项规定精神，厉行节约，压减一般性支出",
    "主要原因是部分项目按实际进度支付，结余资金按规定收回",
    "主要原因是人员变动，相关支出相应减少",
    "主要原因是部分工作任务调整，支出相应减少",
]
REASON_OVER = [
    "主要原因是年中追加专项工作经费",
    "主要原因是年中人员增加及调资，相关支出相应增加",
    "主要原因是年中追加预算用于保障重点工作",
]
REASON_EQUAL = "决算数与年初预算数持平"


def _r100(x: float) -> int:
    return int(round(x / 100.0)) * 100


class Spent:
    """What a unit spent in its budget year: per allocation, 三公 parts, meetings, training."""

    def __init__(self, rng, u: Unit, outlier: float | None = None):
        low = rng.random() < 0.15  # some units spend well under budget
        rate = rng.uniform(0.5, 0.85) if low else rng.uniform(0.88, 1.06)
        if outlier is not None:  # an execution outlier: the whole budget, salaries and 三公 too
            rate = outlier
        self.allocs = []
        for a in u.allocs:
            if a.project >= 0:
                r = rate * rng.uniform(0.8, 1.15)
            elif a.econ == "301":
                # Salaries are paid whatever the rate, unless the budget itself was far off.
                r = rng.uniform(0.97, 1.05) * (1.0 if outlier is None else outlier)
            else:
                r = rate * rng.uniform(0.92, 1.08)
            self.allocs.append(max(_r100(a.cur * r), 0) if a.econ == "302" else max(int(a.cur * r), 0))
        sg = (0.45, 1.0) if outlier is None else (0.8 * outlier, outlier)
        self.sangong = {p: _r100(v[0] * rng.uniform(*sg)) if v[0] else 0 for p, v in u.sangong.items()}
        self.meeting = _r100(u.meeting[0] * rng.uniform(0.4, 1.02))
        self.training = _r100(u.training[0] * rng.uniform(0.4, 1.02))

    def total(self, u: Unit, which=None) -> int:
        return sum(s for a, s in zip(u.allocs, self.allocs) if which is None or a.source == which)

    def func_items(self, u: Unit, which: str) -> dict[str, int]:
        acc: dict[str, int] = {}
        for a, s in zip(u.allocs, self.allocs):
            if a.source == which:
                acc[a.code] = acc.get(a.code, 0) + s
        return acc

    def basic_econ(self, u: Unit) -> dict[str, int]:
        acc: dict[str, int] = {}
        for a, s in zip(u.allocs, self.allocs):
            if a.source == GPB and a.basic:
                acc[a.econ] = acc.get(a.econ, 0) + s
        return acc

    def public_funds(self, u: Unit) -> int:
        return sum(s for a, s in zip(u.allocs, self.allocs) if a.source == GPB and a.basic and a.econ == "302")


# --- planted mistakes -----------------------------------------------------------------


def plant(rng, u: Unit, sp: Spent, kind: str) -> dict | None:
    """An anomaly for the renderer: {family, kind, item, ...}; None when the unit has no
    figure it fits (a 三公 part of 0, a rate of exactly 100%)."""
    if kind in TABLE_KINDS:
        return plant_table(rng, u, sp, kind)
    items = {
        "sangong": (u.sangong_total()[0], sum(sp.sangong.values())),
        "reception": (u.sangong["reception"][0], sp.sangong["reception"]),
        "car_run": (u.sangong["car_run"][0], sp.sangong["car_run"]),
        "meeting": (u.meeting[0], sp.meeting),
        "training": (u.training[0], sp.training),
        "public_funds": (u.public_funds()[0], sp.public_funds(u)),
        "gpb": (u.total(GPB), sp.total(u, GPB)),
    }
    usable = [k for k, (b, a) in items.items() if b >= 20000 and abs(a - b) >= 0.03 * b]
    if not usable:
        return None
    item = rng.choice(usable)
    if kind == "budget_differs" and item == "sangong":  # a part, so that the parts still add up
        item = max(("reception", "car_run"), key=lambda p: items[p][0])
    b, a = items[item]
    if kind == "budget_differs":
        if item == "gpb":  # the total and one of its items, so the table still adds up
            codes = [(c, cur) for c, _, cur, *_ in u.func_items(GPB) if cur > 20000]
            if not codes:
                return None
            code, cur = rng.choice(codes)
            # Sized on the item, so that its 年初预算数 stays a budget (never below zero).
            delta = _r100(max(cur * rng.uniform(0.05, 0.3), 20000)) * rng.choice((1, -1))
            if cur + delta <= 0:
                delta = abs(delta)
            return {"family": "EXE", "kind": kind, "item": item, "code": code, "delta": delta}
        delta = _r100(max(b * rng.uniform(0.1, 0.4), 3000)) * rng.choice((1, -1))
        if b + delta <= 0:
            delta = abs(delta)
        return {"family": "EXE", "kind": kind, "item": item, "delta": delta}
    if kind == "completion_wrong":
        true = round_div(a * 10000, b)  # hundredths of a percent
        off = rng.randint(300, 2500) * rng.choice((1, -1))
        if true + off <= 0:
            off = abs(off)
        return {"family": "EXE", "kind": kind, "item": item, "text": fixed(true + off, 2, False)}
    if kind == "change_as_completion":  # the change against the budget printed as the rate
        ratio = a / b
        if 0.4 < ratio < 0.6:
            return None
        return {"family": "EXE", "kind": kind, "item": item, "text": pct_text(abs(a - b), b, 2)}
    if kind == "ratio_as_change":  # PCT: 比年初预算减少X万元（85%）
        return {"family": "PCT", "kind": kind, "item": item, "text": pct_text(a, b, 2)}
    if kind == "change_wrong":  # YOY: the difference from the budget misstated
        delta = _r100(max(abs(a - b) * rng.uniform(0.2, 0.6), 2000))
        return {"family": "YOY", "kind": kind, "item": item, "delta": delta}
    return None


TABLE_KINDS = {
    "final_class_total": "ARI",
    "final_basic_total": "ARI",
    "final_sangong_total": "ARI",
    "final_gpb_vs_summary": "XTB",
}


def plant_table(rng, u: Unit, sp: Spent, kind: str) -> dict | None:
    """A 决算 table mistake: the 决算数 of a class row of 表2 (final_class_total), of 表3's
    合计 (final_basic_total), of 表4's 三公 合计 (final_sangong_total), or of one 表2 item
    with its class and 合计 (final_gpb_vs_summary), printed off by delta."""
    spent_items = {c: a for c, a in sp.func_items(u, GPB).items() if a >= 20000}
    if kind == "final_basic_total":
        base = sum(sp.basic_econ(u).values())
        code = None
    elif kind == "final_sangong_total":
        total = sum(sp.sangong.values())
        if total < 5000:
            return None
        delta = _r100(max(total * rng.uniform(0.1, 0.5), 1000)) * rng.choice((1, -1))
        return {"family": "ARI", "kind": kind, "item": "table", "code": None, "delta": delta}
    elif not spent_items:
        return None
    else:
        code = rng.choice(sorted(spent_items))
        base = spent_items[code]
        if kind == "final_class_total":
            code = code[:3]
    if base < 20000:
        return None
    delta = _r100(max(base * rng.uniform(0.03, 0.3), 2000)) * rng.choice((1, -1))
    return {"family": TABLE_KINDS[kind], "kind": kind, "item": "table", "code": code, "delta": delta}


# --- the document ---------------------------------------------------------------------


class FinalRenderer(Renderer):
    """The text of a unit's 决算 disclosure for its budget year."""

    def __init__(self, u: Unit, sp: Spent, st: Style, mistake: dict | None, rng):
        super().__init__(u, st, {}, rng)
        self.sp, self.mistake = sp, mistake or {}
        self.line_key = None

    # The 年初预算数 as printed: the budget, unless an EXE mistake changes one.
    def budget(self, item: str, true: int, code: str | None = None) -> int:
        m = self.mistake
        if m.get("kind") != "budget_differs":
            return true
        if m["item"] == "gpb" and item == "gpb":  # the total and the one item, not every item
            on = code is None or code == m["code"] or code == m["code"][:3]
            return true + m["delta"] if on else true
        if m["item"] == item or (item == "sangong" and m["item"] in ("reception", "car_run")):
            return true + m["delta"]
        return true

    def table_slip(self, kind: str, code: str | None, value: int, mk: str = "") -> tuple[str, int]:
        """(mark, value) of a 决算 table cell: the value off by the planted delta where a
        table mistake of this kind is on this row (code, or 合计 for the whole column of a
        cross-table slip); the first marked cell gives the label's line."""
        m = self.mistake
        if m.get("kind") != kind:
            return mk, value
        on_row = code == m["code"] or (
            kind == "final_gpb_vs_summary" and code is not None and (code == "合计" or code == m["code"][:3])
        )
        if not on_row:
            return mk, value
        return (mk or self.mark("final")), value + m["delta"]

    def title(self, tid: str, name: str, unit: bool = True) -> None:
        self.p(f"{tid}\n\n{self.y}年度{name}" + (f"\n\n{self.unit_line()}" if unit else ""))

    def pct(self, num: int, den: int) -> str:
        return pct_text(num, den, 2)

    def compared(self, item: str, label: str, budget: int, spent: int, style: int) -> str:
        """One item's 年初预算数 beside its 决算数, with the completion rate, in one of the
        ways 决算 说明 write it; a planted mistake on this item marked."""
        m = self.mistake if self.mistake.get("item") == item else {}
        mk = self.mark("final") if m else ""
        rate = self.pct(spent, budget) if budget else None
        if m.get("kind") in ("completion_wrong", "change_as_completion"):
            rate = m["text"]
        done = (
            f"，{mk if m.get('kind') in ('completion_wrong', 'change_as_completion') else ''}完成年初预算的{rate}％"
            if rate
            else ""
        )
        if m.get("kind") in ("ratio_as_change", "change_wrong"):
            style = 1  # the mistake is in the comparison with the budget
        if style == 0 or budget == spent or budget == 0:
            label += "支出" if label.endswith("财政拨款") else ""
            head = f"{label}年初预算为{mk if m.get('kind') == 'budget_differs' else ''}{self.amt(budget)}，{BRK}支出决算为{self.amt(spent)}{done}"
            return head
        word = self.st.inc if spent > budget else self.st.dec
        diff = abs(spent - budget)
        diff_text = self.amt(diff)
        if m.get("kind") == "change_wrong":
            diff_text = mk + self.amt(diff + m["delta"])
        extra = ""
        if m.get("kind") == "ratio_as_change":
            extra = f"（{mk}{m['text']}％）"
        elif self.rng.random() < 0.3:
            extra = f"（{self.pct(diff, budget)}％）"
        b_mk = mk if m.get("kind") == "budget_differs" else ""
        return (
            f"{label}支出决算为{self.amt(spent)}{done}，{BRK}比年初预算{b_mk}{self.amt(budget)}{word}{diff_text}{extra}"
        )

    def why(self, budget: int, spent: int) -> str:
        if budget == spent:
            return REASON_EQUAL
        return self.rng.choice(REASON_OVER if spent > budget else REASON_UNDER)

    def render(self) -> str:
        u, y, sp, st = self.u, self.y, self.sp, self.st
        rng = self.rng
        self.p(f"{u.name}\n{y}年度单位决算公开说明")
        self.p(
            "目录\n\n第一部分 单位概况\n\n- 一、主要职责及机构设置\n- 二、人员情况说明\n\n"
            f"第二部分 {y}年度单位决算情况说明\n\n- 三、收入支出决算总体情况说明\n- 四、一般公共预算财政拨款支出决算情况说明\n"
            "- 五、一般公共预算财政拨款基本支出决算情况说明\n- 六、“三公”经费及会议费、培训费支出决算情况说明\n"
            "- 七、公用经费支出决算情况说明\n- 八、政府采购支出情况说明\n- 九、国有资产占用情况说明\n"
            "- 十、预算绩效管理情况说明\n\n第三部分 名词解释\n\n第四部分 决算公开报表"
        )
        # Part one: duties and staff, as at the end of the year.
        d = u.kind.suffix.rstrip("局院馆所").replace("人民政府", "政务").replace("办公室", "") or "政务"
        self.p("第一部分 单位概况\n\n一、主要职责及机构设置")
        self.p(f"{u.name}的主要职责是：")
        for i, line in enumerate(rng.sample(DUTIES[:4], rng.randint(2, 4)) + DUTIES[4:], 1):
            self.p(f"{i}、{line.format(d=d)}")
        offices = rng.sample(OFFICES, min(u.offices, len(OFFICES)))
        self.p(f"本单位设{len(offices)}个内设机构：{'、'.join(offices)}。")
        s = st.space
        self.p("二、人员情况说明")
        self.p(
            f"截至{y}年底，本单位人员编制{s}{u.staff_authorized}{s}人，其中行政编制{s}{u.auth_admin}{s}人、"
            f"事业编制{s}{u.auth_inst}{s}人；{BRK}实有人员{s}{u.staff_actual}{s}人，其中行政{s}{u.act_admin}{s}人、"
            f"事业{s}{u.act_inst}{s}人。{BRK}单位管理的离退休人员{s}{u.retirees}{s}人。"
        )
        self.printed_staff = (u.staff_authorized, u.staff_actual)

        # Part two: the year's accounts against the budget.
        total, spent = u.total(), sp.total(u)
        gpb, gpb_spent = self.budget("gpb", u.total(GPB)), sp.total(u, GPB)
        fund_spent = sp.total(u, FUND)
        other = spent - gpb_spent - fund_spent
        self.p(f"第二部分 {y}年度单位决算情况说明\n\n三、收入支出决算总体情况说明")
        self.p(
            f"{y}年度本单位收入、支出决算总计{self.amt(spent)}。其中：本年收入合计{self.amt(spent)}，"
            f"包括一般公共预算财政拨款收入{self.amt(gpb_spent)}、政府性基金预算财政拨款收入{self.amt(fund_spent)}、"
            f"{BRK}其他各项收入{self.amt(other)}；"
            f"本年支出合计{self.amt(spent)}，{BRK}年初预算为{self.amt(total)}，"
            f"完成年初预算的{self.pct(spent, total)}％，{self.why(total, spent)}。"
        )
        self.p("四、一般公共预算财政拨款支出决算情况说明")
        self.p(
            f"（一）总体情况。{y}年度本单位"
            + self.compared("gpb", "一般公共预算财政拨款", gpb, gpb_spent, 0)
            + f"。{self.why(gpb, gpb_spent)}。"
        )
        self.p("（二）具体情况。")
        lp, rp = ("(", ")") if st.half_parens else ("（", "）")
        spent_items = sp.func_items(u, GPB)
        for i, (code, name, cur, *_rest) in enumerate(u.func_items(GPB), 1):
            b, a = self.budget("gpb", cur, code), spent_items.get(code, 0)
            self.p(
                f"{i}、{name}{lp}{code}{rp}：年初预算为{self.amt(b)}，{BRK}支出决算为{self.amt(a)}"
                + (f"，完成年初预算的{self.pct(a, b)}％" if b else "")
                + f"。{self.why(b, a)}。"
            )
        econ = sp.basic_econ(u)
        basic = sum(econ.values())
        pf_spent = sp.public_funds(u)
        self.p("五、一般公共预算财政拨款基本支出决算情况说明")
        self.p(
            f"{y}年度本单位一般公共预算财政拨款基本支出决算{self.amt(basic)}，其中：{BRK}"
            f"人员经费{self.amt(basic - pf_spent)}，主要包括工资福利支出、对个人和家庭的补助；"
            f"日常公用经费{self.amt(pf_spent)}，主要包括办公费、印刷费、邮电费、差旅费等。"
        )
        self.p("六、“三公”经费及会议费、培训费支出决算情况说明")
        sg_b = {p: self.budget(p, v[0]) for p, v in u.sangong.items()}
        sg_total_b = sum(sg_b.values())
        sg_total_a = sum(sp.sangong.values())
        self.printed_sangong = (sg_total_a, sg_total_b)
        style = rng.randint(0, 1)
        head = f"{y}年度本单位" + self.compared("sangong", "“三公”经费财政拨款", sg_total_b, sg_total_a, style)
        parts = [self.compared(p, lab, sg_b[p], sp.sangong[p], style) for p, lab in SANGONG_LABELS]
        self.p(f"{head}，{self.why(sg_total_b, sg_total_a)}。其中：{'；'.join(parts)}。")
        mt = self.compared("meeting", "会议费", self.budget("meeting", u.meeting[0]), sp.meeting, style)
        tr = self.compared("training", "培训费", self.budget("training", u.training[0]), sp.training, style)
        self.p(f"{y}年度本单位{mt}；{BRK}{tr}。")
        self.p("七、公用经费支出决算情况说明")
        pf_b = self.budget("public_funds", u.public_funds()[0])
        self.p(
            f"{y}年度本单位"
            + self.compared("public_funds", "公用经费", pf_b, pf_spent, style)
            + f"，{self.why(pf_b, pf_spent)}。"
        )
        self.p("八、政府采购支出情况说明")
        if u.procurement:
            self.p(
                f"{y}年度本单位政府采购支出总额{self.amt(_r100(u.procurement * rng.uniform(0.7, 1.0)))}，主要用于货物和服务采购。"
            )
        else:
            self.p(f"{y}年度本单位无政府采购支出。")
        self.p("九、国有资产占用情况说明")
        self.p(f"截至{y}年12月31日，本单位共有车辆{u.vehicles}辆，单价20万元以上的设备{u.equipment}台（套）。")
        self.p("十、预算绩效管理情况说明")
        self.p(f"{y}年度本单位对一般公共预算项目支出开展了绩效自评，自评结果已随本决算一并公开。")
        self.p("第三部分 名词解释\n\n" + GLOSSARY)
        self.tables = True
        self.part_four_final(gpb, sg_b)
        return "\n\n".join(self.out) + "\n"

    # --- tables ---------------------------------------------------------------------------
    def part_four_final(self, gpb_budget: int, sg_b: dict[str, int]) -> None:
        u, y, sp, c = self.u, self.y, self.sp, self.cell
        fund = u.total(FUND)
        reasons = {"表5": None if fund else self.rng.choice(EMPTY_REASONS), "表6": self.rng.choice(EMPTY_REASONS)}
        titles = [
            ("表1", "收入支出决算总表"),
            ("表2", "一般公共预算财政拨款支出决算表"),
            ("表3", "一般公共预算财政拨款基本支出决算表"),
            ("表4", "一般公共预算财政拨款“三公”经费支出决算表"),
            ("表5", "政府性基金预算财政拨款收入支出决算表"),
            ("表6", "国有资本经营预算财政拨款支出决算表"),
        ]
        self.p(f"第四部分 决算公开报表\n\n{y}年度单位决算公开报表\n\n单位名称：{u.name}")
        rows = [["序号", "内 容", "是否空表", "公开空表理由"]]
        for tid, title in titles:
            r = reasons.get(tid)
            rows.append([tid, f"{y}年度{title}", "是" if r else "否", r or ""])
        self.p("目 录")
        self.table(rows)

        spent = sp.total(u)
        srcs = [
            ("一、一般公共预算财政拨款收入", sp.total(u, GPB)),
            ("二、政府性基金预算财政拨款收入", sp.total(u, FUND)),
            ("三、上级补助收入", sp.total(u, "上级补助收入")),
            ("四、事业收入", sp.total(u, "事业收入")),
            ("五、其他收入", 0),
        ]
        by_class: dict[str, int] = {}
        for a, s in zip(u.allocs, sp.allocs):
            by_class[a.code[:3]] = by_class.get(a.code[:3], 0) + s
        outs = [(f"{name}", by_class[code]) for code, name in FUNC_CLASSES if by_class.get(code)]
        self.title("表1", "收入支出决算总表")
        body = [["收入项目", "决算数", "支出项目", "决算数"]]
        for k in range(max(len(srcs), len(outs))):
            left = srcs[k] if k < len(srcs) else ("", None)
            right = outs[k] if k < len(outs) else ("", None)
            body.append(
                [
                    left[0],
                    c(left[1]) if left[1] is not None else "",
                    right[0],
                    c(right[1]) if right[1] is not None else "",
                ]
            )
        body.append(["本年收入合计", c(spent), "本年支出合计", c(spent)])
        self.table(body)

        self.title("表2", "一般公共预算财政拨款支出决算表")
        items = u.func_items(GPB)
        spent_items = sp.func_items(u, GPB)
        body = [["科目编码", "科目名称", "年初预算数", "调整预算数", "决算数"]]
        adj_total = 0
        lines = []
        for code, name in FUNC_CLASSES:
            members = [(cd, nm, cur) for cd, nm, cur, *_ in items if cd[:3] == code]
            if not members:
                continue
            cls_b = sum(self.budget("gpb", cur, cd) for cd, _, cur in members)
            cls_a = sum(spent_items.get(cd, 0) for cd, _, _ in members)
            cls_adj = sum(max(self.budget("gpb", cur, cd), _r100(spent_items.get(cd, 0))) for cd, _, cur in members)
            adj_total += cls_adj
            cls_mk, cls_a = self.table_slip("final_class_total", code, cls_a)
            cls_mk, cls_a = self.table_slip("final_gpb_vs_summary", code[:3], cls_a, cls_mk)
            lines.append([code, name, c(cls_b, False), c(cls_adj, False), cls_mk + c(cls_a, False)])
            for cd, nm, cur in members:
                b = self.budget("gpb", cur, cd)
                a = spent_items.get(cd, 0)
                mk, shown = self.table_slip("final_gpb_vs_summary", cd, a)
                lines.append([cd, nm, c(b, False), c(max(b, _r100(a)), False), mk + c(shown, False)])
        t_mk, t_a = self.table_slip("final_gpb_vs_summary", "合计", sp.total(u, GPB))
        body.append(["", "合计", c(gpb_budget, False), c(adj_total, False), t_mk + c(t_a, False)])
        self.table(body + lines)

        self.title("表3", "一般公共预算财政拨款基本支出决算表")
        econ = sp.basic_econ(u)
        mk, basic = self.table_slip("final_basic_total", None, sum(econ.values()))
        body = [["科目编码", "科目名称", "决算数"], ["", "合计", mk + c(basic, False)]]
        for code in sorted(econ):
            body.append([code, DEPT_ECON.get(code, "其他支出"), c(econ[code], False)])
        self.table(body)

        self.title("表4", "一般公共预算财政拨款“三公”经费支出决算表")
        head = ["项目", "合计"] + [lab for _, lab in SANGONG_LABELS]
        sg_mk, sg_total = self.table_slip("final_sangong_total", None, sum(sp.sangong.values()))
        keys = [p for p, _ in SANGONG_LABELS]
        self.table(
            [
                head,
                ["年初预算数", c(sum(sg_b.values()), False)] + [c(sg_b[k], False) for k in keys],
                ["决算数", sg_mk + c(sg_total, False)] + [c(sp.sangong[k], False) for k in keys],
            ]
        )
        for tid, title in titles[4:]:
            self.title(tid, title)
            if reasons.get(tid):
                self.table([["科目编码", "科目名称", "年初预算数", "决算数"], ["", "合计", "", ""]])
                self.p(f"注：{reasons[tid]}，故本表无数据。")
            else:
                rows = [["科目编码", "科目名称", "年初预算数", "决算数"]]
                f_items = u.func_items(FUND)
                f_spent = sp.func_items(u, FUND)
                rows.append(["", "合计", c(fund, False), c(sum(f_spent.values()), False)])
                for cd, nm, cur, *_ in f_items:
                    rows.append([cd, nm, c(cur, False), c(f_spent.get(cd, 0), False)])
                self.table(rows)


def final_style(rng, year: int) -> Style:
    """The style of a 决算 document (one of the budget's text shapes, a year later)."""
    st = draw_style(rng, year)
    st.template = None
    return st


def execution_of(seed, i: int, year: int, u: Unit) -> Spent:
    return Spent(random.Random(f"{seed}:{i}:{year}:spent"), u)


EXEC_OUTLIER_SHARE = 0.02  # of the units with finals: an execution outlier


def draw_execution_outlier(rng, years: list[int]) -> dict[int, float]:
    """year → the rate at which an execution outlier spends its budget ({} for most
    units): far under (20-45%) or far over (130-170%) what any normal unit spends,
    in every year or in one year only."""
    if rng.random() >= EXEC_OUTLIER_SHARE:
        return {}
    under = rng.random() < 0.5
    hit = years if rng.random() < 0.5 else [rng.choice(years)]
    return {y: round(rng.uniform(0.2, 0.45) if under else rng.uniform(1.3, 1.7), 3) for y in hit}


def execution_label(rate: float, persistent: bool) -> dict:
    """The OUT label of an execution outlier, on the budget disclosure of its year."""
    side = "under" if rate < 1 else "over"
    return {
        "family": "OUT",
        "kind": "execution",
        "line": None,
        "detail": f"决算 spends {rate:.0%} of the budget ({side}-execution, {'every year' if persistent else 'one year'})",
        "features": ["exec_total"],
    }


def render_final(u: Unit, sp: Spent, st: Style, mistake: dict | None, render_seed: str):
    """(text, line of the planted mistake or None, renderer)."""
    from datasets.synthetic.render import finalize

    rng = random.Random(render_seed)
    r = FinalRenderer(copy.deepcopy(u), sp, st, mistake, rng)
    raw = r.render()
    text, lines = finalize(raw, st, rng)
    return text, lines.get("final"), r


def draw_mistake(rng, u: Unit, sp: Spent) -> dict | None:
    """The mistake planted in one 决算 (None for most)."""
    x = rng.random()
    if x < EXE_SHARE:
        kinds = ["budget_differs", "budget_differs", "completion_wrong", "change_as_completion"]
    elif x < EXE_SHARE + OTHER_SHARE:
        kinds = ["ratio_as_change", "change_wrong"]
    elif x < EXE_SHARE + OTHER_SHARE + TABLE_SHARE:
        kinds = list(TABLE_KINDS)
    else:
        return None
    rng.shuffle(kinds)
    for kind in kinds:
        got = plant(rng, u, sp, kind)
        if got:
            return got
    return None


def describe(m: dict, u: Unit, sp: Spent) -> str:
    """The label's detail of a planted mistake."""
    if m["kind"] in TABLE_KINDS:
        where = {
            "final_class_total": f"表2 class {m['code']} 决算数 not the sum of its items",
            "final_basic_total": "表3 合计 决算数 not the sum of its classes",
            "final_sangong_total": "表4 三公 合计 决算数 not the sum of its four parts",
            "final_gpb_vs_summary": f"表2 {m['code']}, its class and 合计 决算数 all off, 合计 differing from 表1's 一般公共预算财政拨款收入",
        }[m["kind"]]
        return f"{where} by {wan(m['delta'])}万元"
    if m["kind"] == "budget_differs":
        return f"年初预算数 of {m['item']}{' (' + m['code'] + ')' if m.get('code') else ''} printed {wan(abs(m['delta']))}万元 off the budget as published"
    if m["kind"] == "completion_wrong":
        return f"completion rate of {m['item']} printed {m['text']}%"
    if m["kind"] == "change_as_completion":
        return f"completion rate of {m['item']} printed as the change against the budget ({m['text']}%)"
    if m["kind"] == "ratio_as_change":
        return f"change of {m['item']} against the budget given as the completion ratio ({m['text']}%)"
    return f"difference of {m['item']} from the budget misstated by {wan(m['delta'])}万元"
