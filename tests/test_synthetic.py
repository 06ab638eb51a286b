"""Tests of the synthetic corpus (datasets.synthetic).

The text checks below re-read the written files with simple regexes and integer
interval arithmetic (DESIGN.md §4), independently of the project's parser: every
clean document must pass all of them, and every injected anomaly must make the check
of its family fail (so it is outside rounding tolerance).
"""

from __future__ import annotations

import json
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datasets import synthetic
from datasets.synthetic import generate_corpus
from datasets.synthetic.kinds import KINDS
from datasets.synthetic.model import (
    GRADED_FEATURES,
    STRENGTHS,
    TYPICAL_CAR_RUN,
    TYPICAL_RECEPTION,
    build_unit,
    make_graded_outlier,
)
from datasets.synthetic.render import fixed, pct_text, wan

MILLI = 1000  # amounts below are integers in 0.001 元

# --- reading numbers as intervals ------------------------------------------------------

NUM = r"\d[\d,]*(?:\.\d+)?"


def interval(text: str, unit: str) -> tuple[int, int]:
    """(centre, half width) in 0.001 元 of a printed amount in 元 or 万元."""
    text = text.replace(",", "")
    whole, _, frac = text.partition(".")
    d = len(frac)
    digits = int(whole + frac)
    scale = 10_000 * MILLI if unit == "万元" else MILLI  # 0.001 元 per unit
    return digits * scale // 10**d, scale * 5 // (10 ** (d + 1))


def agree(a: tuple[int, int], b: tuple[int, int], extra: int = 0) -> bool:
    return abs(a[0] - b[0]) <= a[1] + b[1] + extra


def total_of(parts: list[tuple[int, int]]) -> tuple[int, int]:
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


# --- reading a document -----------------------------------------------------------------


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n")
    for a, b in (("（", "("), ("）", ")"), ("％", "%"), ("：", ":")):
        text = text.replace(a, b)
    return text


def tables_of(text: str) -> dict[str, dict]:
    """Table id -> {'unit', 'rows'}; rows are lists of cell strings."""
    tables: dict[str, dict] = {}
    tid, unit, cur = None, "元", None
    for line in text.split("\n"):
        is_row = "\t" in line or line.startswith("|")
        if is_row:
            if re.fullmatch(r"\|(---\|)+", line):
                continue
            cells = line.strip("|").split(" | ") if line.startswith("|") else line.split("\t")
            cells = [c.strip() for c in cells]
            if cur is None:
                key = tid or ("目录" if cells[0] == "序号" else f"?{len(tables)}")
                cur = tables.setdefault(key, {"unit": unit, "rows": []})
            cur["rows"].append(cells)
            continue
        cur = None
        s = line.strip()
        if re.fullmatch(r"表\d+(-\d+)?", s):
            tid, unit = s, "元"
        elif s.endswith("单位整体支出绩效目标表"):
            tid, unit = "表14", "万元"
        elif s in ("目 录", "目录"):
            tid = None
        elif s.startswith("单位:"):
            unit = s[3:]
    return tables


def cell_amount(cell: str, unit: str):
    return interval(cell, unit) if re.fullmatch(NUM, cell) else None


CMPW = r"(?:较上年预算|较上年|比上年|比\d{4}年预算)"
UP, DOWN = "增加|增长|上升", "减少|下降|降低"
CLAUSE = (
    rf"(?P<cur>{NUM}) ?(?P<cu>万元|元)?，{CMPW}(?:(?P<flat>持平|无变动)|(?:(?P<prior>{NUM}) ?(?P<pu>万元)?)?"
    rf"(?P<dir>{UP}|{DOWN})(?P<chg>{NUM}) ?万元(?:\((?P<pct>[\d.]+)%\))?)"
)


def clause_problems(m: re.Match) -> set[str]:
    """Families violated by one `current，较上年[prior]增加 change（pct）` clause."""
    bad = set()
    if m["cu"] != "万元" or (m["prior"] and not m["pu"]):
        bad.add("UNT")
    if m["flat"] or not m["prior"]:
        return bad
    cur, pri, chg = (interval(m[k], "万元") for k in ("cur", "prior", "chg"))
    diff = (cur[0] - pri[0], cur[1] + pri[1])
    if not agree((abs(diff[0]), diff[1]), chg):
        bad.add("YOY")
    if (m["dir"] in UP) != (diff[0] > 0):
        bad.add("YOY")
    if m["pct"] and pri[0] > 0:
        # Interval of |change| / prior * 100 against the printed percentage's interval.
        p, pd = m["pct"], len(m["pct"].partition(".")[2])
        lo_c, hi_c = chg[0] - chg[1], chg[0] + chg[1]
        lo_p, hi_p = pri[0] - pri[1], pri[0] + pri[1]
        lo, hi = lo_c * 100 / hi_p, hi_c * 100 / lo_p
        half = 0.5 * 10**-pd
        if float(p) + half < lo - 1e-9 or float(p) - half > hi + 1e-9:
            bad.add("PCT")
    return bad


# The generator's placeholder forms where they stand (its clean text has no markdown
# emphasis, formulas or zero masks).
_PLH_FORMS = r"XX|××|待填|待定|□□|＿＿|\*\*|0000台|(?<![\dA-Za-z])[X×](?=[个台])|\t[X×]\t|\| [X×] \|"


def problems(raw: str) -> set[str]:
    """Every family whose check fails on this document text (empty for a clean one)."""
    text = normalise(raw)
    bad: set[str] = set()
    split = text.rfind("第四部分 公开报表")
    if split < text.rfind("第一部分 单位概况"):  # published without its tables
        split = len(text)
    narrative = text[:split].replace("\n", "")
    tables = tables_of(text[split:])

    # PLH: template residue.
    if re.search(_PLH_FORMS, text):
        bad.add("PLH")

    # CMP: contents list against the tables present; sections present.
    present = set(tables)
    for row in tables["目录"]["rows"][1:] if "目录" in tables else []:
        tid, empty, reason = row[0], row[2], row[3] if len(row) > 3 else ""
        if empty == "是" and not reason:
            bad.add("CMP")
        if empty == "否":
            found = any(t.startswith("表13-") for t in present) if tid == "表13" else tid in present
            if not found:
                bad.add("CMP")
    for head in ("六、国有资产", "七、政府采购", "八、绩效目标", "九、公用经费"):
        if narrative.count(head) < 2:
            bad.add("CMP")

    # STF.
    m = re.search(
        r"人员编制 ?(\d+) ?人，其中(?:行政编制 ?(\d+) ?人)?、?(?:事业编制 ?(\d+) ?人)?；实有人员 ?(\d+) ?人，"
        r"其中(?:行政 ?(\d+) ?人)?、?(?:事业 ?(\d+) ?人)?",
        narrative,
    )
    a, a1, a2, x, x1, x2 = (int(g or 0) for g in m.groups())
    if a != a1 + a2 or x != x1 + x2 or x > a:
        bad.add("STF")

    # 表1 / 表4 column groups.
    def groups(tid):
        t = tables[tid]
        out = []
        for g in range(4):
            col = [(r[2 * g], cell_amount(r[2 * g + 1], t["unit"])) for r in t["rows"][2:] if len(r) > 2 * g + 1]
            out.append(col)
        return out

    def check_group(col) -> tuple[int, int]:
        head = next(v for lab, v in col if lab.startswith("一、"))
        tops, subs, parent = [], {}, None
        for lab, v in col:
            if re.match(r"\d+、", lab):
                parent = lab
                tops.append(v or (0, 0))
            elif re.match(r"\(\d+\)", lab) and v:
                subs.setdefault(parent, []).append(v)
        sums = [v for lab, v in col if lab in ("本年收入合计", "本年支出合计", "收入总计", "支出总计")]
        if not agree(total_of(tops), head) or any(not agree(s, head) for s in sums):
            bad.add("ARI")
        for lab, v in col:
            if lab in subs and not agree(total_of(subs[lab]), v or (0, 0)):
                bad.add("ARI")
        return head

    g1 = groups("表1") if "表1" in tables else [[], [], []]
    spent = interval(re.search(rf"预算支出({NUM}) ?万元", narrative)[1], "万元")
    total = check_group(g1[0]) if g1[0] else spent
    for col in g1[1:]:
        if col and not agree(check_group(col), total):
            bad.add("ARI")
    income = dict(g1[0])
    all_fiscal = not income.get("3、事业收入") and not income.get("2、上级补助收入")
    if "表4" in tables:
        g4 = groups("表4")
        for col in g4:
            check_group(col)
        if all_fiscal:
            for c1, c4 in zip(g1[1:], g4[1:]):
                d1 = {lab: v for lab, v in c1 if re.match(r"\d+、", lab)}
                for lab, v in c4:
                    if lab in d1 and not agree(v or (0, 0), d1[lab] or (0, 0)):
                        bad.add("XTB")
    if "表2" in tables:
        t2 = tables["表2"]
        if not agree(cell_amount(t2["rows"][1][1], t2["unit"]), total):
            bad.add("XTB")

    # NAR: narrative totals and items against the tables and against each other.
    m = re.search(rf"预算收入({NUM}) ?万元", narrative)
    if not agree(interval(m[1], "万元"), total) or not agree(spent, total):
        bad.add("NAR")
    sources = re.search(
        rf"预算收入{NUM} ?万元，其中一般公共预算拨款收入({NUM}) ?万元、政府性基金拨款收入({NUM}) ?万元、"
        rf"上级补助收入({NUM}) ?万元、事业收入({NUM}) ?万元",
        narrative,
    )
    if not agree(total_of([interval(x, "万元") for x in sources.groups()]), interval(m[1], "万元")):
        bad.add("NAR")
    fis_total = re.search(rf"当年一般公共预算拨款支出{CLAUSE}", narrative)
    bad |= clause_problems(fis_total)
    items = list(re.finditer(rf"\(\d+\) [^。；]+?\((?P<code>\d{{7}})\) ?{CLAUSE}", narrative))
    if "表5" in tables:
        t5 = {r[0]: cell_amount(r[2], tables["表5"]["unit"]) for r in tables["表5"]["rows"][1:]}
        for it in items:
            if it["code"] in t5 and not agree(interval(it["cur"], "万元"), t5[it["code"]]):
                bad.add("NAR")
    if not agree(total_of([interval(it["cur"], "万元") for it in items]), interval(fis_total["cur"], "万元")):
        bad.add("NAR")
    signed = []
    for it in items:
        v, h = interval(it["chg"], "万元") if it["chg"] else (0, 0)
        signed.append((-v if it["dir"] and it["dir"] in DOWN else v, h))
    tc = interval(fis_total["chg"], "万元") if fis_total["chg"] else (0, 0)
    tc = (-tc[0] if fis_total["dir"] and fis_total["dir"] in DOWN else tc[0], tc[1])
    if not agree(total_of(signed), tc):
        bad.add("YOY")
    econ = list(re.finditer(rf"\((?P<code>[35]\d\d)\) ?{CLAUSE}", narrative))
    for prefix in "35":
        part = [interval(e["cur"], "万元") for e in econ if e["code"].startswith(prefix)]
        if not agree(total_of(part), interval(fis_total["cur"], "万元")):
            bad.add("NAR")

    # 三公, meetings, training, 公用经费.
    start = narrative.find("“三公”经费预算支出")
    sg_text = narrative[start : narrative.find("六、国有资产", start)]
    labels = {
        "total": "“三公”经费预算支出",
        "abroad": "因公出国\\(境\\)经费",
        "reception": "公务接待费",
        "car_run": "公务用车运行维护费",
        "car_buy": "公务用车购置费",
        "meeting": "会议费预算支出",
        "training": "培训费预算支出",
    }
    sg = {}
    for k, lab in labels.items():
        m = re.search(lab + CLAUSE, sg_text)
        bad |= clause_problems(m)
        sg[k] = m
    if re.search(rf"{NUM} ?元", sg_text.replace("万元", "")):
        bad.add("UNT")
    parts = ["abroad", "reception", "car_run", "car_buy"]

    def cur_prior(m):
        cur = interval(m["cur"], "万元")
        return cur, (interval(m["prior"], "万元") if m["prior"] else cur)

    if not agree(total_of([cur_prior(sg[p])[0] for p in parts]), cur_prior(sg["total"])[0]) or not agree(
        total_of([cur_prior(sg[p])[1] for p in parts]), cur_prior(sg["total"])[1]
    ):
        bad.add("SAN")
    if "表12" in tables:
        t12 = tables["表12"]
        row = [cell_amount(c, t12["unit"]) for c in t12["rows"][1]]
        if not agree(row[0], total_of([row[1], row[2], row[3]])) or not agree(row[3], total_of(row[4:6])):
            bad.add("SAN")
    pf = re.search(rf"公用经费预算安排{CLAUSE}", narrative)
    bad |= clause_problems(pf)
    if "表8" in tables:
        t8 = {r[0]: cell_amount(r[2], tables["表8"]["unit"]) for r in tables["表8"]["rows"][1:]}
        if not agree(interval(pf["cur"], "万元"), t8.get("302") or (0, 0)):
            bad.add("NAR")

    # PRF: project tables and the whole-unit table against 表1.
    dept = dict(g1[2])
    projects = dept.get("2、专项业务经费支出") or (0, 0) if g1[2] else total_of([])
    amounts = []
    for tid, t in tables.items():
        if tid.startswith("表13-"):
            for r in t["rows"]:
                if r[1].startswith("年度资金总额"):
                    amounts.append(next(cell_amount(c, "万元") for c in r[2:] if cell_amount(c, "万元")))
                if "满意度" in r[2] and float(re.sub(r"[^\d.]", "", r[4].replace("\\", ""))) > 100:
                    bad.add("PRF")
    if not agree(total_of(amounts), projects):
        bad.add("PRF")
    if "表14" in tables:
        for r in tables["表14"]["rows"]:
            if r[0] == "金额合计" and not agree(interval(r[2], "万元"), total):
                bad.add("PRF")
    return bad


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    return out, synthetic.generate_corpus(out, units=60, seed=7, anomaly_share=0.5, counties=2)


def read(out: Path, doc: dict) -> str:
    return (out / doc["file"]).read_bytes().decode(doc["encoding"])


# --- tests ----------------------------------------------------------------------------


def test_deterministic(tmp_path, corpus):
    out, labels = corpus
    again = synthetic.generate_corpus(tmp_path, units=60, seed=7, anomaly_share=0.5, counties=2)
    assert again == labels
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for f in files:
        assert (out / f).read_bytes() == (tmp_path / f).read_bytes(), f


def test_labels_shape(corpus):
    out, labels = corpus
    assert labels == json.loads((out / "labels.json").read_text(encoding="utf-8"))
    assert labels["generator"] == {"seed": 7, "units": 60, "anomaly_share": 0.5, "version": 2}
    docs = labels["documents"]
    assert len(docs) == 60 and len({d["file"] for d in docs}) == 60
    assert len({d["county"] for d in docs}) == 2
    for d in docs:
        assert (out / d["file"]).is_file() and "\\" not in d["file"]
        assert d["clean"] == (not d["anomalies"])
        assert d["kind"] in KINDS and d["year"] in (2024, 2025)
        assert set(d["truth"]) == {
            "total_budget_yuan",
            "staff_authorized",
            "staff_actual",
            "retirees",
            "vehicles",
            "sangong_total_yuan",
            "sangong_prior_yuan",
        }
        for a in d["anomalies"]:
            assert a["family"] in synthetic.FAMILIES + ("OUT", "CPY")
            assert a["kind"] and a["detail"]
    n_anom = sum(1 for d in docs if any(a["family"] not in ("OUT", "CPY") for a in d["anomalies"]))
    assert n_anom == 30


def test_truth_matches_text(corpus):
    out, labels = corpus
    for d in labels["documents"]:
        text = normalise(read(out, d)).replace("\n", "")
        t = d["truth"]
        m = re.search(r"人员编制 ?(\d+) ?人.*?实有人员 ?(\d+) ?人.*?离退休人员 ?(\d+) ?人", text)
        assert (int(m[1]), int(m[2]), int(m[3])) == (t["staff_authorized"], t["staff_actual"], t["retirees"])
        assert f"共有车辆{t['vehicles']}辆" in text
        m = re.search(rf"“三公”经费预算支出({NUM}) ?万元", text)
        assert interval(m[1], "万元")[0] == t["sangong_total_yuan"] * MILLI
        assert text.startswith(d["unit_name"]) or text.lstrip("\ufeff").startswith(d["unit_name"])
        assert f"{d['year']}年单位预算公开说明" in text


def test_clean_documents_are_consistent(corpus):
    out, labels = corpus
    # A partial copy (a table, a paragraph of another unit) disagrees with the unit's own figures.
    clean = [
        d
        for d in labels["documents"]
        if all(a["family"] == "OUT" or a["kind"] in ("figures", "paragraphs") for a in d["anomalies"])
    ]
    assert len(clean) >= 20
    for d in clean:
        assert problems(read(out, d)) == set(), d["file"]


def _labelled_docs(seed: int, units: int = 60):
    for _rel, data, label in synthetic.iter_documents(units, seed, anomaly_share=0.6):
        yield data.decode(label["encoding"]), label


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_injected_anomalies_are_detectable(seed):
    seen = set()
    for text, label in _labelled_docs(seed):
        found = problems(text)
        families = {a["family"] for a in label["anomalies"]} - {"OUT", "CPY"}
        assert families <= found, (label["file"], label["anomalies"], found)
        partial = any(a["family"] == "CPY" and a["kind"] not in ("figures", "paragraphs") for a in label["anomalies"])
        if not families and not partial:  # a partial copy disagrees with the unit's own figures
            assert found == set(), (label["file"], found)
        lines = text.replace("\r\n", "\n").split("\n")
        for a in label["anomalies"]:
            seen.add((a["family"], a["kind"]))
            if a["family"] == "OUT":
                assert a["line"] is None
                continue
            assert 1 <= a["line"] <= len(lines)
            line = lines[a["line"] - 1]
            if a["family"] == "PLH":
                assert re.search(_PLH_FORMS, line), line
            if a["kind"] in ("declared_table_absent", "empty_without_reason"):
                assert "表" in line
            if a["kind"] == "yuan_for_wan":
                assert re.search(r"\d ?元", line.replace("万元", "")), line
    assert {f for f, _ in seen} >= set(synthetic.FAMILIES)


def test_every_family_drawn_evenly():
    counts: dict[str, int] = {}
    for _, label in _labelled_docs(11, units=300):
        for a in label["anomalies"]:
            counts[a["family"]] = counts.get(a["family"], 0) + 1
    fam = [counts.get(f, 0) for f in synthetic.FAMILIES]
    assert min(fam) >= 0.6 * max(fam), counts
    assert counts.get("OUT", 0) >= 5 and counts.get("CPY", 0) >= 3


def test_cpy_repeats_source_figures():
    docs = {label["file"]: (text, label) for text, label in _labelled_docs(5, units=300)}
    n = 0
    for text, label in docs.values():
        for a in label["anomalies"]:
            if a["family"] != "CPY" or a["kind"] not in ("figures", "paragraphs"):
                continue  # a partial copy keeps the unit's own figures
            n += 1
            src = a["detail"].rsplit(" ", 1)[1]
            src_text, src_label = docs[src]
            assert src_label["clean"] and src_label["unit_name"] != label["unit_name"]
            a_t, b_t = dict(src_label["truth"]), dict(label["truth"])
            # The figures variant may print its tables in another unit (万元 rounds the total).
            assert abs(a_t.pop("total_budget_yuan") - b_t.pop("total_budget_yuan")) <= 50
            assert a_t == b_t
            figures = re.findall(NUM + " ?万元", normalise(text).replace("\n", ""))
            assert (
                figures[:40] == re.findall(NUM + " ?万元", normalise(src_text).replace("\n", ""))[:40]
                or a["kind"] == "figures"
            )
    assert n >= 2


def test_model_identities_and_magnitudes():
    rng = random.Random(3)
    for key in KINDS:
        for _ in range(5):
            u = build_unit(rng, "甲县", "甲县某单位", key, 2024)
            total = u.total()
            assert sum(it[2] for it in u.func_items()) == total
            assert sum(u.dept_econ().values()) == total == sum(u.gov_econ().values())
            assert sum(u.func_classes().values()) == total
            assert u.total(True) + u.total(False) == total
            assert sum(u.dept_econ(None, False).values()) == sum(p.total for p in u.projects)
            assert sum(a.prior for a in u.allocs if not a.basic) == sum(p.prior for p in u.projects)
            assert u.act_admin <= u.auth_admin and u.act_inst <= u.auth_inst
            per_staff = sum(u.dept_econ(None, True).get(c, 0) for c in ("301",)) / u.staff_actual
            assert 80_000 <= per_staff <= 210_000, (key, per_staff)
            assert u.sangong_total()[0] < 0.08 * total, (key, u.sangong_total(), total)
            if u.kind.func_class in ("205", "210") and key not in ("education", "health_commission"):
                assert max(u.func_classes(), key=u.func_classes().get) == u.kind.func_class


def test_demo_corpus(tmp_path):
    dest = tmp_path / "demo"
    path = synthetic.demo_corpus(dest)
    labels = json.loads((path / "labels.json").read_text(encoding="utf-8"))
    docs = labels["documents"]
    assert len(docs) == 150 * 3 * 2 and len({d["county"] for d in docs}) == 1
    assert {(d["year"], d["doc_kind"]) for d in docs} == {
        (y, k) for y in (2023, 2024, 2025) for k in ("budget", "final")
    }
    stamp = (path / "labels.json").stat().st_mtime_ns
    assert synthetic.demo_corpus(dest) == path and (path / "labels.json").stat().st_mtime_ns == stamp
    (path / labels["documents"][0]["file"]).unlink()
    synthetic.demo_corpus(dest)
    assert (path / labels["documents"][0]["file"]).is_file()


@given(st.integers(0, 10**12))
def test_wan_rounds_half_up(yuan):
    expected = (Decimal(yuan) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert wan(yuan) == str(expected)
    assert fixed(yuan, 2, True).replace(",", "") == str((Decimal(yuan) / 100).quantize(Decimal("0.01")))


@given(st.integers(0, 10**9), st.integers(1, 10**9), st.sampled_from([1, 2]))
def test_pct_text_rounds_half_up(change, base, dec):
    expected = (Decimal(change) * 100 / Decimal(base)).quantize(Decimal(1).scaleb(-dec), rounding=ROUND_HALF_UP)
    assert pct_text(change, base, dec) == str(expected)


@pytest.mark.parametrize("strength", STRENGTHS)
@pytest.mark.parametrize("feature", GRADED_FEATURES)
def test_graded_outlier_sits_at_its_labelled_strength(feature, strength):
    rng = random.Random(f"graded:{feature}:{strength}")
    u = build_unit(rng, "测试县", "测试县财政局", "finance", 2024)
    total, staff = u.total(), u.act_admin + u.act_inst
    make_graded_outlier(rng, u, (feature,), strength)
    recurring = u.sangong["reception"][0] + u.sangong["car_run"][0] + u.sangong["abroad"][0]
    got = {
        "reception": u.sangong["reception"][0] / (TYPICAL_RECEPTION * (1 + staff / 150)),
        "vehicle_running": u.sangong["car_run"][0] / (TYPICAL_CAR_RUN * u.vehicles),
        "sangong_share": recurring / (TYPICAL_RECEPTION * (1 + staff / 150) + TYPICAL_CAR_RUN * u.vehicles),
        "budget_per_staff": u.total() / total,
    }[feature]
    assert strength * 0.94 <= got <= strength * 1.06
    assert sum(a.cur for a in u.allocs) == u.total()  # still one consistent budget


def test_graded_corpus_labels_strength_and_features(tmp_path):
    labels = generate_corpus(tmp_path, units=120, seed=4, outliers="graded", outlier_share=0.1)
    outs = [a for d in labels["documents"] for a in d["anomalies"] if a["family"] == "OUT"]
    assert len(outs) == 12
    assert all(a["strength"] in STRENGTHS and a["kind"] == "+".join(a["features"]) for a in outs)
    assert labels["generator"]["outliers"] == "graded"
    plain = generate_corpus(tmp_path / "plain", units=120, seed=4)
    assert "outliers" not in plain["generator"]
    assert not any("strength" in a for d in plain["documents"] for a in d["anomalies"])
