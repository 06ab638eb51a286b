"""Synthetic county corpus with ground truth.

``generate_corpus`` writes one disclosure per unit for a fictional province (several
invented counties, about 35 kinds of unit) plus ``labels.json`` with the printed
headline figures and every injected anomaly with its line (format: docs/labels.md).
The same text is rendered in the format counties publish (``fmt``): a PDF
(datasets.synthetic.pdf), a web page (html), a Word file (word), or split into a 说明
(PDF or Word, the narrative) and a 报表 workbook (workbook, the tables); ``"mixed"``
draws the format per document (MIXED_SHARES). The label adds each format's layout, the
files of a split disclosure, and where each anomaly's evidence landed (page, file, sheet).

How it is built: datasets.synthetic.model draws an exact, fully consistent budget
model per unit (integers in 元); datasets.synthetic.render prints it with a per-document
style. Anomalies are instructions to the renderer that change what one figure or
word prints, so a clean document is consistent by construction and an anomalous
one differs from it only where the label says.

Everything is drawn from ``random.Random`` instances seeded from (seed, document
index), so the same arguments give byte-identical files.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import random
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from datasets.synthetic import copies as cpy
from datasets.synthetic.kinds import FUNC_CLASS_NAME, county_names, county_roster
from datasets.synthetic.model import (
    FUND,
    GPB,
    GRADED_FEATURES,
    GRADED_PAIRS,
    OUTLIER_FEATURES,
    STRENGTHS,
    Unit,
    build_unit,
    make_graded_outlier,
    make_outlier,
)
from datasets.synthetic.render import END, MARK, Renderer, Style, draw_style, finalize, pct_text, round_div, wan

VERSION = 2  # 2: fund income, the 财政部 template, partial copies, new placeholders (a cached demo is made again)
FAMILIES = ("ARI", "XTB", "NAR", "YOY", "PCT", "UNT", "PLH", "CMP", "STF", "SAN", "PRF")
OUT_SHARE = 0.03
# Outliers: blatant (one feature 4-14x its peers') or graded (STRENGTHS times the typical
# value of one feature or two, labelled with the strength: the subtle-outlier corpus).
OUTLIER_MODES = ("blatant", "graded")
PAIR_SHARE = 0.25  # graded outliers with two features pushed at once
CPY_SHARE = 0.06
UNITS_PER_COUNTY = 110
FORMATS = ("txt", "layout", "raw", "pdftotext", "pdf", "xlsx", "html", "docx", "bundle", "mixed")
# Template families: the seed's 15-table 单位预算 template, the 财政部 nine-table 部门预算
# template (datasets.synthetic.ministry), or a mix (MOF_SHARE of the documents the latter).
TEMPLATES = ("county15", "mof", "mixed")
MOF_SHARE = 0.3
# Formats of a "mixed" corpus, drawn per document in this order from one uniform draw:
# a document below 0.55 is a PDF and one from 0.85 text, as in the corpora of before.
MIXED_SHARES = (("pdf", 0.55), ("bundle", 0.15), ("html", 0.08), ("docx", 0.07), ("txt", 0.15))
SPOT = "\x1d"  # follows an evidence mark through finalize(), to find its column


def _r100(x: float) -> int:
    return int(round(x / 100.0)) * 100


# --- anomaly injection ----------------------------------------------------------
# Each injector returns (kind, detail) after writing its instruction into `an`, or
# None when it does not apply to this unit. `taken` holds the narrative slots already
# used by another anomaly of the same document, so two never overlap.

SG_SLOTS = ("sg_total", "abroad", "reception", "car_run", "car_buy")


def _slot_figures(u: Unit, st: Style) -> dict[str, tuple[int, int, bool]]:
    """slot -> (current, prior, percentage printed) for the clauses that print a prior."""
    tot = u.sangong_total()
    out = {"sg_total": (tot[0], tot[1], True)}
    for k in SG_SLOTS[1:]:
        out[k] = (u.sangong[k][0], u.sangong[k][1], True)
    out["meeting"] = (*u.meeting, st.meeting_pct)
    out["training"] = (*u.training, st.meeting_pct)
    out["gongyong"] = (*u.public_funds(), False)
    return out


def _free(rng, candidates, taken) -> str | None:
    c = [s for s in candidates if s not in taken]
    if not c:
        return None
    s = rng.choice(c)
    taken.add(s)
    return s


def inject_ari(u, st, an, rng, taken):
    total = u.total()
    delta = _r100(max(total * rng.uniform(0.02, 0.06), 30000)) * rng.choice((1, -1))
    if st.template is not None:  # the 财政部 表一 has one 支出 column (by 功能 class) and no sub-rows
        an["ari_total"] = {"group": 1, "delta": delta, "key": "ARI"}
        return "table1_group_total", (
            f"表一 支出 column: 本年支出合计 printed {wan(total + delta)}万元 but its classes sum to {wan(total)}万元"
        )
    if rng.random() < 0.5:
        group = rng.randint(1, 3)
        an["ari_total"] = {"group": group, "delta": delta, "key": "ARI"}
        names = {1: "支出功能分类", 2: "部门预算经济分类", 3: "政府预算经济分类"}
        return "table1_group_total", (
            f"表1 {names[group]} column: 本年支出合计 printed {wan(total + delta)}万元 "
            f"but its parts sum to {wan(total)}万元"
        )
    basic = sum(u.dept_econ(None, True).values())
    if basic + delta <= 0:
        delta = abs(delta)
    an["ari_subtotal"] = {"delta": delta, "also_t4": u.total(False) == 0, "key": "ARI"}
    return "table1_subtotal", (
        f"表1 人员经费和公用经费支出 printed {wan(basic + delta)}万元 but its sub-rows sum to "
        f"{wan(basic)}万元" + (" (same in 表4)" if u.total(False) == 0 else "")
    )


def inject_xtb(u, st, an, rng, taken):
    classes = u.func_classes(True)
    main = u.kind.func_class
    others = [c for c, v in classes.items() if c != main and v > 60000]
    if u.total(False) == 0 and others and rng.random() < 0.6:
        b = rng.choice(others)
        delta = _r100(min(classes[b] * 0.5, max(classes[b] * 0.2, 30000)))
        an["xtb_t4"] = {"a": main, "b": b, "delta": delta, "key": "XTB"}
        return "table4_vs_table1", (
            f"表4 {FUNC_CLASS_NAME[main]} is {wan(delta)}万元 higher and {FUNC_CLASS_NAME[b]} "
            f"{wan(delta)}万元 lower than in 表1 (all income is 财政拨款)"
        )
    if "absent:表2" in taken:
        return None
    taken.add("uses:表2")
    delta = _r100(max(u.total() * rng.uniform(0.03, 0.1), 30000))
    an["xtb_t2"] = {"delta": delta, "key": "XTB"}
    return "table2_vs_table1", f"表2 合计 and 一般公共预算拨款 exceed 表1's income by {wan(delta)}万元"


def inject_nar(u, st, an, rng, taken):
    # A third are published without their tables (honoured by the renderer only when
    # every anomaly of the document is in the narrative): the text must check itself.
    if rng.random() < 0.3:
        an["no_tables"] = True
    r = rng.random()
    if r < 0.3 and "total" not in taken:
        taken.add("total")
        total = u.total()
        delta = _r100(max(total * rng.uniform(0.03, 0.1), 50000)) * rng.choice((1, -1))
        if rng.random() < 0.5:
            an["nar_source"] = {"delta": delta, "key": "NAR"}
            return "income_sources", (
                f"narrative 其中一般公共预算拨款收入 {wan(u.total(GPB) + delta)}万元: the sources no longer "
                f"add up to 预算收入 {wan(total)}万元"
            )
        an["nar_expend"] = {"delta": delta, "key": "NAR"}
        return "expenditure_total", f"narrative 预算支出 {wan(total + delta)}万元 but 预算收入 is {wan(total)}万元"
    r = rng.random()
    if r < 0.35 and "total" not in taken:
        taken.add("total")
        total = u.total()
        delta = _r100(max(total * rng.uniform(0.03, 0.1), 50000)) * rng.choice((1, -1))
        an["nar_total"] = {"delta": delta, "key": "NAR"}
        return "total_income", f"narrative 预算收入 {wan(total + delta)}万元 but 表1 收入总计 is {wan(total)}万元"
    if r < 0.7:
        items = [it for it in u.func_items(GPB) if "item:" + it[0] not in taken]
        if items:
            code, name, cur = rng.choice(items)[:3]
            taken.add("item:" + code)
            delta = _r100(max(cur * rng.uniform(0.1, 0.3), 20000))
            an["nar_func"] = {"code": code, "delta": delta, "key": "NAR"}
            return "function_item", f"narrative {name}({code}) {wan(cur + delta)}万元 but 表5 shows {wan(cur)}万元"
    if "gongyong" in taken or "absent:表8" in taken:
        an.pop("no_tables", None)
        return None
    taken |= {"gongyong", "uses:表8"}
    pf = u.public_funds()[0]
    delta = _r100(max(pf * rng.uniform(0.2, 0.5), 10000))
    an["nar_gongyong"] = {"delta": delta, "key": "NAR"}
    return "public_funds", f"narrative 公用经费 {wan(pf + delta)}万元 but 表8 商品和服务支出 (basic) is {wan(pf)}万元"


def inject_yoy(u, st, an, rng, taken):
    figs = _slot_figures(u, st)
    r = rng.random()
    if r < 0.35:
        slot = _free(rng, [s for s in ("meeting", "training", "gongyong") if figs[s][0] != figs[s][1]], taken)
        if slot:
            cur, pri, _ = figs[slot]
            delta = _r100(max(abs(cur - pri) * rng.uniform(0.5, 2.0), 5000))
            an["yoy_change"] = {"slot": slot, "delta": delta, "key": "YOY"}
            return "change_arithmetic", (
                f"{slot}: current {wan(cur)} and prior {wan(pri)} differ by "
                f"{wan(abs(cur - pri))}万元 but the stated change is {wan(abs(cur - pri) + delta)}万元"
            )
    if r < 0.7:
        slot = _free(rng, [s for s, (c, p, _) in figs.items() if c != p and p > 0], taken)
        if slot:
            cur, pri, _ = figs[slot]
            an["yoy_dir"] = {"slot": slot, "key": "YOY"}
            right = "increase" if cur > pri else "decrease"
            return (
                "direction_word",
                f"{slot}: {wan(cur)} vs prior {wan(pri)} is an {right} but the word says the opposite",
            )
    items = [it for it in u.func_items(GPB) if "item:" + it[0] not in taken]
    fis, fis_p = u.total(GPB), u.total(GPB, prior=True)
    code, name, cur, pri = rng.choice(items)[:4]
    taken.add("item:" + code)
    delta = _r100(max(abs(fis - fis_p) * rng.uniform(0.3, 0.8), 50000))
    an["yoy_items"] = {"code": code, "delta": delta, "key": "YOY"}
    return "items_vs_total_change", (
        f"{name}({code}) stated change {wan(abs(cur - pri) + delta)}万元 instead of "
        f"{wan(abs(cur - pri))}万元, so the itemised changes no longer add up to the total change"
    )


def inject_pct(u, st, an, rng, taken):
    figs = _slot_figures(u, st)
    cands = [s for s, (c, p, shown) in figs.items() if shown and p > 0 and c != p and s not in taken]
    rng.shuffle(cands)
    d = st.pct_dec
    for slot in cands:
        cur, pri, _ = figs[slot]
        diff = abs(cur - pri)
        true = diff * 100 / pri
        kinds = ["wrong_value", "ratio_as_change", "wrong_base"]
        rng.shuffle(kinds)
        for kind in kinds:
            if kind == "ratio_as_change":
                if cur > pri:
                    continue
                text = pct_text(cur, pri, d)
            elif kind == "wrong_base":
                text = pct_text(diff, cur, d) if cur else None
            else:
                text = pct_text(diff * rng.choice((2, 3, 5)) + pri // 20, pri, d)
            if text is None or abs(float(text) - true) < 2.0:
                continue
            taken.add(slot)
            an["pct"] = {"slot": slot, "text": text, "key": "PCT"}
            return kind, f"{slot}: change {wan(diff)} / prior {wan(pri)} is {true:.2f}% but the text says {text}%"
    return None


def inject_unt(u, st, an, rng, taken):
    figs = _slot_figures(u, st)
    if rng.random() < 0.5:
        slot = _free(rng, [s for s, (c, p, _) in figs.items() if c >= 10000 and s != "gongyong"], taken)
        if slot:
            an["unt_yuan"] = {"slot": slot, "key": "UNT"}
            return "yuan_for_wan", f"{slot}: {wan(figs[slot][0])}元 printed among 万元 figures (means 万元)"
    slot = _free(rng, [s for s, (c, p, _) in figs.items() if c != p and p > 0], taken)
    if slot:
        an["unt_missing"] = {"slot": slot, "key": "UNT"}
        return "missing_unit", f"{slot}: prior figure {wan(figs[slot][1])} printed without a unit"
    return None


# The forms clerks leave where a figure or a target should be (as published, not as the
# parser reads them): the template's XX/××, a single X or ×, asterisks, blanks to fill
# (＿＿ full-width), boxes, a zero mask, and words such as 待填/待定.
PLH_TOKENS = {
    "xx_equipment": ("XX", "XX", "X", "×", "**", "＿＿", "□□", "0000"),
    "cross_marks": ("××", "××", "X", "×", "**", "□□", "＿＿"),
    "to_fill": ("待填", "待填", "待定", "××", "**", "□□", "X"),
    "amount_xxx": ("XXX", "XXX", "XX", "××", "**", "＿＿"),
}


def inject_plh(u, st, an, rng, taken):
    kind = rng.choice(("xx_equipment", "cross_marks", "to_fill", "amount_xxx"))
    if kind == "amount_xxx" and (not u.procurement or an.get("cmp", {}).get("kind") == "section_missing"):
        kind = "xx_equipment"
    token = rng.choice(PLH_TOKENS[kind])
    an["plh"] = {"kind": kind, "index": rng.randint(1, len(u.projects)), "token": token, "key": "PLH"}
    return kind, {
        "xx_equipment": f"equipment count left as {token} in the 国有资产 section",
        "cross_marks": f"内设机构 count printed as {token}",
        "to_fill": f"performance target value {token} in a 表13 project table",
        "amount_xxx": f"政府采购预算 printed as {token}万元",
    }[kind]


def inject_cmp(u, st, an, rng, taken):
    empty = ([] if u.total(FUND) else ["表9"]) + ["表15"] + ([] if u.procurement else ["表11"])
    r = rng.random()
    if r < 0.45:
        table = rng.choice(
            [t for t in ("表2", "表3", "表5", "表6", "表7", "表8", "表10", "表12") if "uses:" + t not in taken]
        )
        taken.add("absent:" + table)
        an["cmp"] = {"kind": "declared_table_absent", "table": table, "key": "CMP"}
        return "declared_table_absent", f"目录 declares {table} non-empty but the table is not in the document"
    if r < 0.8:
        table = rng.choice(empty)
        an["cmp"] = {"kind": "empty_without_reason", "table": table, "key": "CMP"}
        return "empty_without_reason", f"目录 declares {table} empty (是) without a 公开空表理由"
    if an.get("plh", {}).get("kind") == "amount_xxx":  # that section holds the placeholder
        return None
    an["cmp"] = {"kind": "section_missing", "table": None, "key": "CMP"}
    return "section_missing", "section 七、政府采购情况说明 is listed in the contents but missing"


def inject_stf(u, st, an, rng, taken):
    if rng.random() < 0.25:
        which = rng.choice(("authorized", "actual"))
        delta = rng.choice((1, 2, 3))
        an["stf"] = {"kind": "single_part", "which": which, "delta": delta, "key": "STF"}
        total = u.staff_authorized if which == "authorized" else u.staff_actual
        return "single_part_above_total", (
            f"{'编制' if which == 'authorized' else '实有'} {total} but the only category printed is {total + delta}"
        )
    r = rng.random()
    delta = rng.choice((1, 2, 3, 5, -1, -2, -3))
    if r < 0.35:
        an["stf"] = {"kind": "authorized_parts", "delta": delta, "key": "STF"}
        return (
            "authorized_parts",
            f"编制 total printed {u.staff_authorized + delta} but 行政 {u.auth_admin} + 事业 {u.auth_inst}",
        )
    if r < 0.7 and u.staff_actual + delta > 0:
        an["stf"] = {"kind": "actual_parts", "delta": delta, "key": "STF"}
        return "actual_parts", f"实有 total printed {u.staff_actual + delta} but 行政 {u.act_admin} + 事业 {u.act_inst}"
    extra = rng.randint(2, 6) + (u.staff_authorized - u.staff_actual)
    if u.auth_inst:
        u.act_inst += extra
    else:
        u.act_admin += extra
    an["stf"] = {"kind": "actual_above_authorized", "key": "STF"}
    return "actual_above_authorized", f"实有 {u.staff_actual} exceeds 编制 {u.staff_authorized}"


def inject_san(u, st, an, rng, taken):
    parts = [p for p in ("abroad", "car_buy") if u.sangong[p][0] == u.sangong[p][1] and p not in taken]
    if not parts:
        return None
    part = rng.choice(parts)
    taken.add(part)
    delta = _r100(rng.uniform(10000, 60000))
    an["san"] = {"part": part, "delta": delta, "key": "SAN"}
    tot = u.sangong_total()[0]
    return "total_vs_parts", (
        f"三公 total {wan(tot)}万元 but the four parts sum to {wan(tot + delta)}万元 "
        f"({part} printed {wan(u.sangong[part][0] + delta)}万元 in text and 表12)"
    )


def inject_prf(u, st, an, rng, taken):
    r = rng.random()
    if r < 0.4:
        i = rng.randint(1, len(u.projects))
        p = u.projects[i - 1]
        delta = _r100(max(p.total * rng.uniform(0.1, 0.5), 20000))
        an["prf_proj"] = {"index": i, "delta": delta, "key": "PRF"}
        return "project_sum", (
            f"表13-{i} 年度资金总额 {wan(p.total + delta)}万元: the project tables sum to "
            f"{wan(sum(q.total for q in u.projects) + delta)}万元, not 专项业务经费支出 "
            f"{wan(sum(q.total for q in u.projects))}万元"
        )
    if r < 0.7:
        total = u.total()
        delta = _r100(max(total * rng.uniform(0.1, 0.3), 50000))
        an["prf_overall"] = {"delta": delta, "key": "PRF"}
        return (
            "overall_total",
            f"整体支出绩效目标表 金额合计 {wan(total + delta)}万元 but the unit total is {wan(total)}万元",
        )
    value = rng.choice((110, 120, 150, 200))
    an["prf_target"] = {"index": rng.randint(1, len(u.projects)), "value": value, "key": "PRF"}
    return "impossible_target", f"满意度 target ≥{value}% in a 表13 project table"


INJECTORS = {
    "ARI": inject_ari,
    "XTB": inject_xtb,
    "NAR": inject_nar,
    "YOY": inject_yoy,
    "PCT": inject_pct,
    "UNT": inject_unt,
    "PLH": inject_plh,
    "CMP": inject_cmp,
    "STF": inject_stf,
    "SAN": inject_san,
    "PRF": inject_prf,
}


class FamilyDeck:
    """Hands out families in shuffled rounds so every family is drawn about equally."""

    def __init__(self, rng):
        self.rng, self.cards = rng, []

    def draw(self, exclude: set[str]) -> list[str]:
        """Families in the order to try (the next card first, then the rest)."""
        if not self.cards:
            self.cards = list(FAMILIES)
            self.rng.shuffle(self.cards)
        for i, f in enumerate(self.cards):
            if f not in exclude:
                first = self.cards.pop(i)
                rest = [x for x in FAMILIES if x != first and x not in exclude]
                self.rng.shuffle(rest)
                return [first] + rest
        return [f for f in FAMILIES if f not in exclude]


# --- documents -----------------------------------------------------------------------


def render_document(
    u: Unit, st: Style, an: dict, render_seed: str, edit=None
) -> tuple[str, dict[str, int], Renderer, dict[str, tuple[int, int]]]:
    """Final text (with soft breaks placed), evidence lines by key, the renderer, and the
    evidence spots by key: (1-based line, 0-based column) in the final text.

    SPOT rides behind each mark through finalize(), which neither draws random numbers
    for it nor moves it, so the text and lines are exactly those without it. edit: a
    function of the raw text (before finalize) giving the text to print.
    """
    rng = random.Random(render_seed)
    if st.template is not None:
        from datasets.synthetic.ministry import MinistryRenderer

        r = MinistryRenderer(u, st, an, rng, st.template)
    else:
        r = Renderer(u, st, an, rng)
    raw = r.render()
    if edit is not None:
        raw = edit(raw)
    r.printed = raw  # the raw text as printed: what a later copy takes parts of
    keys = re.findall(MARK + "(.*?)" + END, raw)
    text, lines = finalize(raw.replace(END, END + SPOT), st, rng)
    pieces = text.split(SPOT)
    text = "".join(pieces)
    spots, at = {}, 0
    for key, piece in zip(keys, pieces):
        at += len(piece)
        spots[key] = (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at) - 1)
    return text, lines, r, spots


def truth_of(u: Unit, st: Style, r: Renderer) -> dict:
    total = u.total()
    # In 万元 with two decimals where the tables print 万元 or the document has none.
    printed_total = round_div(total, 100) * 100 if st.table_unit == "wan" or not r.tables else total
    if st.template is not None and r.tables:  # 表一 in its own 单位
        step = {"元": 1, "千元": 10, "万元": 100}[st.template.units["summary"]]
        printed_total = round_div(total, step) * step
    sg, sg_p = r.printed_sangong
    return {
        "total_budget_yuan": float(printed_total),
        "staff_authorized": r.printed_staff[0],
        "staff_actual": r.printed_staff[1],
        "retirees": u.retirees,
        "vehicles": u.vehicles,
        "sangong_total_yuan": float(sg),
        "sangong_prior_yuan": float(sg_p),
    }


def _encode(text: str, rng) -> tuple[bytes, str]:
    x = rng.random()
    enc = "utf-8" if x < 0.7 else "utf-8-sig" if x < 0.85 else "gb18030"
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    return text.encode(enc), enc


def _plan(units: int, seed: int, anomaly_share: float, out_share: float = OUT_SHARE) -> dict[int, str]:
    """Document index -> 'anomaly' | 'out' | 'cpy' (absent: clean)."""
    rng = random.Random(f"{seed}:plan")
    order = list(range(units))
    rng.shuffle(order)
    n_an = round(units * anomaly_share)
    n_out = round(units * out_share) if anomaly_share > 0 else 0
    n_cpy = round(units * CPY_SHARE) if anomaly_share > 0 else 0
    plan = {}
    for i in order[:n_an]:
        plan[i] = "anomaly"
    for i in order[n_an : n_an + n_out]:
        plan[i] = "out"
    for i in order[n_an + n_out : n_an + n_out + n_cpy]:
        plan[i] = "cpy"
    return plan


def iter_documents(
    units: int,
    seed: int,
    anomaly_share: float = 1 / 3,
    counties: int | None = None,
    fmt: str = "txt",
    template: str = "county15",
    outliers: str = "blatant",
    outlier_share: float = OUT_SHARE,
):
    """Yield (relative path, data, label) for every document, in order.

    fmt: "txt" (text files), "pdf" (PDFs), "html" (web pages), "docx" (Word files with
    narrative and tables), "xlsx" (说明 PDF + 报表 workbook), "bundle" (说明 Word or
    PDF + 报表 workbook) or "mixed" (a draw per document, MIXED_SHARES). data is the
    file's bytes; for a disclosure of several files (xlsx, bundle) the path is its
    primary file (the 说明) and data a dict of every file's relative path to its bytes,
    the primary first. The units, their anomalies and the text are the same in every
    format; text files and PDFs are byte-identical to those of the txt and pdf corpora.

    template: "county15" (the seed's template), "mof" (the 财政部 template, drawn per
    document from its own random stream, so the units, anomalies and other draws are
    those of the county15 corpus) or "mixed" (MOF_SHARE of the documents "mof").

    outliers: "blatant" (one feature far out, as before) or "graded" (one feature or
    two at 1.5, 2, 3 or 5 times its typical value; the label gives strength and
    features); outlier_share: the share of documents planted as outliers.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    if template not in TEMPLATES:
        raise ValueError(f"template must be one of {TEMPLATES}, not {template!r}")
    if outliers not in OUTLIER_MODES:
        raise ValueError(f"outliers must be one of {OUTLIER_MODES}, not {outliers!r}")
    if counties is None:
        counties = max(1, round(units / UNITS_PER_COUNTY))
    master = random.Random(f"{seed}:corpus")
    names = county_names(counties, master)
    sizes = [units // counties + (1 if c < units % counties else 0) for c in range(counties)]
    plan = _plan(units, seed, anomaly_share, outlier_share)
    deck = FamilyDeck(random.Random(f"{seed}:deck"))
    index = 0
    for county, size in zip(names, sizes):
        roster = county_roster(county, size, random.Random(f"{seed}:roster:{county}"))
        random.Random(f"{seed}:order:{county}").shuffle(roster)
        sources: list[tuple[Unit, Style, str, str, str]] = []  # clean documents a CPY may copy, raw text last
        totals: dict[str, float] = {}  # their printed total: a copied 表1 prints it
        bodies = {k: n for n, k in reversed(roster)}  # kind -> the county's unit of that kind
        for name, kind in roster:
            i = index
            index += 1
            rng = random.Random(f"{seed}:{i}")
            year = 2025 if rng.random() < 0.15 else 2024
            role = plan.get(i)
            render_seed = f"{seed}:{i}:render"
            anomalies: list[dict] = []
            an: dict = {}
            edit, said = None, {}
            same_year = [s for s in sources if s[0].year == year]
            shape = _cpy_shape(rng) if role == "cpy" and sources else None
            if shape in cpy.PARTIAL_SHAPES and not same_year:
                shape = "figures"  # a part is copied from a unit of the same year only
            if shape in cpy.PARTIAL_SHAPES:
                src = rng.choice(same_year)
                u = build_unit(rng, county, name, kind, year)
                st = draw_style(rng, year)
                st.template = _template_of(template, seed, i, name)
                edit = _partial_copy(shape, u, src, rng, said)
            elif shape is not None:
                src_u, src_st, src_seed, src_file, _ = rng.choice(sources)
                u = copy.deepcopy(src_u)
                u.name, u.county = name, county
                if shape == "paragraphs":
                    st, render_seed = src_st, src_seed
                    detail = f"收支说明 paragraphs and all figures repeated verbatim from {src_file}"
                else:
                    st = draw_style(rng, u.year)
                    st.template = _template_of(template, seed, i, name)
                    detail = f"whole figure set repeated from {src_file}"
                anomalies.append({"family": "CPY", "kind": shape, "line": None, "detail": detail, "_key": "CPY"})
                an = {"cpy": {"key": "CPY"}}
            else:
                u = build_unit(rng, county, name, kind, year)
                st = draw_style(rng, year)
                st.template = _template_of(template, seed, i, name)
                if role == "out" and outliers == "graded":
                    # Its own stream, so the document's other draws are a clean one's.
                    grng = random.Random(f"{seed}:{i}:graded")
                    pushed = (
                        grng.choice(GRADED_PAIRS) if grng.random() < PAIR_SHARE else (grng.choice(GRADED_FEATURES),)
                    )
                    strength = grng.choice(STRENGTHS)
                    make_graded_outlier(grng, u, pushed, strength)
                    anomalies.append(
                        {
                            "family": "OUT",
                            "kind": "+".join(pushed),
                            "line": None,
                            "detail": f"consistent document with {' and '.join(f.replace('_', ' ') for f in pushed)} "
                            f"at {strength:g}x the typical value",
                            "strength": strength,
                            "features": list(pushed),
                            "_key": None,
                        }
                    )
                elif role == "out":
                    feature = rng.choice(OUTLIER_FEATURES)
                    make_outlier(rng, u, feature)
                    anomalies.append(
                        {
                            "family": "OUT",
                            "kind": feature,
                            "line": None,
                            "detail": f"consistent document with an extreme {feature.replace('_', ' ')}",
                            "_key": None,
                        }
                    )
                elif role == "anomaly":
                    want = rng.choice((1, 1, 1, 2, 2, 3))
                    used: set[str] = set()
                    taken: set[str] = set()
                    while len(used) < want:
                        for fam in deck.draw(used):
                            got = INJECTORS[fam](u, st, an, rng, taken)
                            used.add(fam)
                            if got:
                                anomalies.append(
                                    {"family": fam, "kind": got[0], "line": None, "detail": got[1], "_key": fam}
                                )
                                break
                        else:
                            break
            if edit is None:  # superior bodies named as many disclosures do (not in copies)
                ctx = random.Random(f"{seed}:{i}:superior")
                edit = functools.partial(cpy.superior_mention, county=county, kind=kind, roster=bodies, rng=ctx)
            text, lines, r, spots = render_document(u, st, an, render_seed, edit)
            if role == "cpy" and said.get("detail"):
                anomalies.append(
                    {"family": "CPY", "kind": shape, "line": None, "detail": said["detail"], "_key": "CPY"}
                )
            if an.get("cpy"):
                spots["CPY"] = _position(text, "收支预算总体情况")
                lines["CPY"] = spots["CPY"][0]
            keys = [a.pop("_key") for a in anomalies]
            for a, key in zip(anomalies, keys):
                if key:
                    a["line"] = lines[key]
            printed = {}  # headline figures a partial copy prints instead of the unit's own
            if said.get("sangong"):
                printed = dict(zip(("sangong_total_yuan", "sangong_prior_yuan"), said["sangong"]))
            if said.get("table") == "表1":
                printed["total_budget_yuan"] = totals[said["source"]]
            data, enc = _encode(text, rng)
            stem = name if rng.random() < 0.5 else hashlib.sha1(f"{seed}:{i}".encode()).hexdigest()[:16]
            shape = _format_of(fmt, seed, i)
            label = {
                "file": f"{county}/{stem}.txt",
                "unit_name": name,
                "year": u.year,
                "county": county,
                "kind": u.kind.key,
                "format": "txt",
                "encoding": enc,
                "clean": not anomalies,
                "truth": {**truth_of(u, st, r), **printed},
                "anomalies": anomalies,
            }
            if st.template is not None:
                label["template"] = st.template.describe()
            if shape != "txt":
                data = _render(shape, text, spots, keys, label, stem, f"{seed}:{i}")
            if fmt != "txt":
                files = list(data) if isinstance(data, dict) else [label["file"]]
                label = {"file": label["file"], "files": files, **{k: v for k, v in label.items() if k != "file"}}
            rel = label["file"]
            if role is None:
                sources.append((u, st, render_seed, rel, r.printed))
                totals[rel] = label["truth"]["total_budget_yuan"]
            yield rel, data, label


def _template_of(template: str, seed: int, i: int, name: str):
    """Document i's 财政部 template layout, or None for the seed's template."""
    rng = random.Random(f"{seed}:{i}:template")
    if template == "county15" or (template == "mixed" and rng.random() >= MOF_SHARE):
        return None
    from datasets.synthetic.ministry import draw_template

    return draw_template(rng, name)


def _cpy_shape(rng) -> str:
    """A copy's shape: the whole disclosure (figures, paragraphs) or a part of it."""
    return rng.choice(("figures", "paragraphs", *cpy.PARTIAL_SHAPES, "name_left"))


def _partial_copy(shape: str, u: Unit, src: tuple, rng, said: dict):
    """An edit of the unit's raw text copying a part of src, as the shape says; it puts
    the label's detail into `said`, and leaves the text as it is (saying nothing) when
    the two documents have no such part in common."""
    src_u, src_file, src_raw = src[0], src[3], src[4]

    def edit(raw: str) -> str:
        if shape == "table":
            tables = cpy.copyable_tables(raw, src_raw)
            if tables:
                tid = rng.choice(tables)
                said["detail"] = f"{tid} copied from {src_u.name} into its own narrative; from {src_file}"
                said["table"], said["source"] = tid, src_file
                return cpy.copy_table(raw, src_raw, tid)
            return raw
        if shape == "name_left" and rng.random() < 0.5:
            said["detail"] = f"the 主要职责 line names {src_u.name}, whose template it is; from {src_file}"
            return cpy.name_in_duties(raw, u.name, src_u.name)
        paras = cpy.copyable_paragraphs(raw, src_raw)
        if not paras:
            return raw
        which = rng.choice(paras)
        text, how = cpy.copy_paragraph(raw, src_raw, which, u.name, src_u.name, shape, rng)
        if which == "三公":  # the headline 三公 figures printed are the copied ones
            said["sangong"] = cpy.sangong_printed(text)
        what = "its name left in" if shape == "name_left" else "its name replaced by the unit's"
        said["detail"] = f"the {which} paragraph copied from {src_u.name}, {what}, {how}; from {src_file}"
        return text

    return edit


def _format_of(fmt: str, seed: int, i: int) -> str:
    """The format of document i: fmt itself, or for "mixed" a draw (MIXED_SHARES)."""
    if fmt != "mixed":
        return fmt
    x = random.Random(f"{seed}:{i}:format").random()
    return MIXED_SHARES[_pick(x, [share for _, share in MIXED_SHARES])][0]


def _pick(x: float, shares: list[float]) -> int:
    """Index of the share that x in [0, 1) falls in, the shares cumulated in order."""
    for k, share in enumerate(shares):
        if x < share:
            return k
        x -= share
    return len(shares) - 1


def _render(
    shape: str, text: str, spots: dict, keys: list, label: dict, stem: str, key: str
) -> bytes | dict[str, bytes]:
    """The document's text in its format; updates label (file, format, encoding, the
    format's layout, and the page, file or sheet of each anomaly's evidence).

    spots: evidence key -> (line, column) in the text; keys: the evidence key of each
    anomaly (None for none). Each format draws its choices from its own
    random.Random(f"{key}:<format>"), so formats never shift each other's draws.
    """
    county, year, name = label["county"], label["year"], label["unit_name"]
    evidence = {k: spots[k] for k in keys if k}
    if shape == "pdf":
        from datasets.synthetic.pdf import draw_layout, render_pdf  # reportlab only when needed

        layout = draw_layout(random.Random(f"{key}:pdf"))
        shown = render_pdf(text, layout, evidence)
        _pages(label["anomalies"], keys, shown.anchor_pages)
        label.update(file=f"{county}/{stem}.pdf", format="pdf", encoding=None, pdf=_pdf_label(layout, shown))
        return shown.data
    if shape in ("layout", "raw", "pdftotext"):
        from datasets.synthetic.layout import draw_text_layout, render_text_layout

        rng = random.Random(f"{key}:{shape}")
        lay = draw_text_layout(rng, shape)
        out, moved = render_text_layout(text, lay, rng, name, year)
        for a in label["anomalies"]:
            if a["line"] is not None:
                a["line"] = moved.get(a["line"], a["line"])
        data, enc = _encode(out, rng)
        label.update(format="txt", encoding=enc, text_layout=lay.describe())
        return data
    if shape == "html":
        from datasets.synthetic.html import draw_page_style, render_page

        rng = random.Random(f"{key}:html")
        style = draw_page_style(rng, county, name, year)
        ext = "htm" if rng.random() < 0.2 else "html"
        label.update(file=f"{county}/{stem}.{ext}", format="html", encoding=style.charset, html=style.describe())
        return render_page(text, style)
    if shape == "docx":
        from datasets.synthetic.word import draw_word_style, render_docx

        style = draw_word_style(random.Random(f"{key}:docx"), year, tables=True)
        label.update(file=f"{county}/{stem}.docx", format="docx", encoding=None, docx=style.describe())
        return render_docx(text, style)
    return _bundle(shape, text, evidence, keys, label, key)


def _pages(anomalies: list[dict], keys: list, pages: dict[str, int]) -> None:
    """Give each anomaly whose evidence was drawn in a PDF its page."""
    for a, k in zip(anomalies, keys):
        if k in pages:
            a["page"] = pages[k]


def _pdf_label(layout, shown) -> dict:
    return {
        **layout.describe(),
        "pages": shown.pages,
        "landscape_pages": shown.landscape_pages,
        "split_tables": shown.split_tables,
    }


BUNDLE_NAMES = (  # (share, 说明 name, 报表 name) as counties name the two files
    (0.40, "{name}{y}年单位预算公开说明", "{name}{y}年单位预算公开报表"),
    (0.15, "{name}{y}年部门预算公开说明", "{name}{y}年部门预算公开报表"),
    (0.15, "{y}年{name}预算公开说明", "{y}年{name}预算公开报表"),
    (0.10, "{name}-说明-{y}", "{name}-报表-{y}"),
    (0.10, "{name}（{y}年度）说明", "{name}（{y}年度）报表"),
    (0.10, "{name}{yy}年预算说明", "{name}{yy}年预算报表"),
)


def _bundle_names(rng, county: str, name: str, year: int, final: bool = False) -> tuple[str, str]:
    """Relative paths, without extension, of a unit's 说明 and 报表: side by side in the
    county folder, or (a quarter) in a folder of the unit's own. A 决算's names say 决算
    where a budget's say 预算 (or before 说明/报表), so the two never share a name."""
    _, note, book = BUNDLE_NAMES[_pick(rng.random(), [row[0] for row in BUNDLE_NAMES])]
    if final:
        note, book = (
            x.replace("预算", "决算") if "预算" in x else x.replace("说明", "决算说明").replace("报表", "决算报表")
            for x in (note, book)
        )
    fields = {"name": name, "y": year, "yy": str(year)[2:]}
    folder = county
    if rng.random() < 0.25:
        folder += "/" + (name if rng.random() < 0.5 else f"{year}年{name}预算公开")
    return f"{folder}/{note.format(**fields)}", f"{folder}/{book.format(**fields)}"


def _bundle(shape: str, text: str, evidence: dict, keys: list, label: dict, key: str) -> dict[str, bytes]:
    """A 说明 (the narrative, PDF or Word) and a 报表 workbook (the tables)."""
    from datasets.synthetic.blocks import report_start
    from datasets.synthetic.workbook import draw_book_style, render_workbook

    county, year, name = label["county"], label["year"], label["unit_name"]
    rng = random.Random(f"{key}:files")
    note_kind = "pdf" if shape == "xlsx" or rng.random() < 0.5 else "docx"
    note, book = _bundle_names(rng, county, name, year, label.get("doc_kind") == "final")
    note, book = f"{note}.{note_kind}", f"{book}.xlsx"
    start = report_start(text) or len(text.split("\n")) + 1
    if note_kind == "pdf":
        from datasets.synthetic.pdf import draw_layout, render_pdf

        layout = draw_layout(random.Random(f"{key}:pdf"))
        narrative = "\n".join(text.split("\n")[: start - 1]) + "\n"
        shown = render_pdf(narrative, layout, {k: v for k, v in evidence.items() if v[0] < start})
        _pages(label["anomalies"], keys, shown.anchor_pages)
        label["pdf"] = _pdf_label(layout, shown)
        note_data = shown.data
    else:
        from datasets.synthetic.word import draw_word_style, render_docx

        style = draw_word_style(random.Random(f"{key}:docx"), year, tables=False)
        label["docx"] = style.describe()
        note_data = render_docx(text, style)
    book_style = draw_book_style(random.Random(f"{key}:xlsx"), year)
    shown_book = render_workbook(text, book_style, name)
    label["xlsx"] = {**book_style.describe(), "sheets": shown_book.sheets}
    for a in label["anomalies"]:
        if a["line"] is None:
            continue
        if a["line"] < start:
            a["file"] = note
        else:
            a["file"] = book
            if a["line"] in shown_book.rows:
                a["sheet"], a["row"] = shown_book.rows[a["line"]]
    label.update(file=note, format=f"{note_kind}+xlsx", encoding=None)
    return {note: note_data, book: shown_book.data}


def _position(text: str, needle: str) -> tuple[int, int]:
    """(1-based line, 0-based column) of needle's first occurrence; (1, 0) if absent."""
    pos = text.find(needle)
    if pos < 0:
        return 1, 0
    return text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos) - 1


def generate_corpus(
    out_dir: Path,
    units: int,
    seed: int,
    anomaly_share: float = 1 / 3,
    counties: int | None = None,
    fmt: str = "txt",
    template: str = "county15",
    outliers: str = "blatant",
    outlier_share: float = OUT_SHARE,
    years: list[int] | None = None,
    finals: bool = False,
) -> dict:
    """Write `units` disclosures and out_dir/labels.json; return the labels dict.

    counties: how many counties to spread the units over (default: about one per
    110 units). fmt: one of FORMATS (see iter_documents). years: each unit's budget
    disclosure of every year given (datasets.synthetic.years), in place of one
    disclosure per unit; finals: with years, each unit's 决算 of every year too
    (datasets.synthetic.finals, text only). Same arguments, byte-identical output (Word files included:
    their zip entries carry a fixed date).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = []
    made: set[Path] = set()
    if years:
        from datasets.synthetic.years import iter_year_documents

        documents = iter_year_documents(
            units, seed, years, anomaly_share, counties, fmt, template, outliers, outlier_share, finals
        )
    else:
        documents = iter_documents(units, seed, anomaly_share, counties, fmt, template, outliers, outlier_share)
    for rel, data, label in documents:
        for path, blob in (data if isinstance(data, dict) else {rel: data}).items():
            folder = (out_dir / path).parent
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            with open(out_dir / path, "wb") as f:
                f.write(blob)
        docs.append(label)
    generator = {"seed": seed, "units": units, "anomaly_share": anomaly_share, "version": VERSION}
    if years:
        generator["years"] = sorted(years)
    if finals:
        generator["finals"] = True
    if fmt != "txt":  # text corpora keep the labels of before PDFs existed
        generator["format"] = fmt
    if fmt == "mixed":
        generator["shares"] = dict(MIXED_SHARES)
    if template != "county15":  # corpora of the seed's template keep the labels of before
        generator["template"] = template
    if outliers != "blatant" or outlier_share != OUT_SHARE:  # likewise
        generator["outliers"] = outliers
        generator["outlier_share"] = outlier_share
    labels = {"generator": generator, "documents": docs}
    tmp = out_dir / "labels.json.tmp"
    tmp.write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out_dir / "labels.json")
    return labels


# --- bundled demo ---------------------------------------------------------------------

DEMO_UNITS = 150
DEMO_SEED = 2024
DEMO_YEARS = [2023, 2024, 2025]  # each unit's budgets and 决算 of three years, as a county publishes them


def demo_corpus(dest: Path | None = None, fmt: str = "txt", making: Callable[[], None] | None = None) -> Path:
    """Path of the demo corpus (one county, 150 units, seed 2024: budgets and 决算 of
    DEMO_YEARS), generating it if needed.

    fmt: one of FORMATS (see iter_documents). Without dest it lives in
    $XDG_CACHE_HOME/anomaly/demo-<version> (default ~/.cache; "-<fmt>" appended for
    formats other than txt). It is written to a temporary folder and renamed, so an
    interrupted run never leaves a half corpus; an incomplete folder is regenerated.
    `making` is called first when it is (a caller's notice: it takes a minute).
    """
    if dest is None:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        dest = base / "anomaly" / (f"demo-{VERSION}" + ("" if fmt == "txt" else f"-{fmt}"))
    dest = Path(dest)
    if _demo_complete(dest, fmt):
        return dest
    if making is not None:
        making()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".demo-", dir=dest.parent))
    try:
        generate_corpus(tmp, units=DEMO_UNITS, seed=DEMO_SEED, counties=1, fmt=fmt, years=DEMO_YEARS, finals=True)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _demo_complete(dest: Path, fmt: str) -> bool:
    try:
        labels = json.loads((dest / "labels.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    g = labels.get("generator", {})
    if g.get("version") != VERSION or g.get("units") != DEMO_UNITS or g.get("seed") != DEMO_SEED:
        return False
    if g.get("years") != DEMO_YEARS or not g.get("finals"):  # a one-year demo of before
        return False
    if g.get("format", "txt") != fmt:
        return False
    if fmt == "mixed" and g.get("shares") != dict(MIXED_SHARES):  # a mix of before (PDF and text only)
        return False
    return all((dest / f).is_file() for d in labels.get("documents", []) for f in d.get("files", [d["file"]]))
