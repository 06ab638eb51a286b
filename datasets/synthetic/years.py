"""A unit's budget disclosures over several years (``anomaly generate --years``).

Each unit is drawn once for the first year (datasets.synthetic.model.build_unit) and
carried forward a year at a time by ``next_year``: every figure it states for last year
is exactly last year's own figure for the year (so a clean corpus agrees with itself
across years), staff and spending drift as budgets do (a few people more or fewer,
salaries and projects growing or shrinking by some percent). The name printed varies as
counties print it (凤县人民政府办公室 one year, 凤县政府办公室 the next), and a few units
are renamed outright (文化和旅游局 → 文化广电和旅游局), which the tool must not match.

Planted cross-year mistakes (family XYR) change one figure a document states for last
year, so it no longer equals what last year's document states for its own year; the
document stays consistent with itself (its changes and percentages are computed from
the figure printed). The label names both documents. The other families are planted
as in a single-year corpus, and peer outliers persist over a unit's years (a habit,
not a one-off), so the chain stays consistent.
"""

from __future__ import annotations

import copy
import functools
import random

from datasets.synthetic import copies as cpy
from datasets.synthetic.kinds import county_names, county_roster
from datasets.synthetic.model import (
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
from datasets.synthetic.render import draw_style, wan

XYR_SHARE = 0.08  # of the documents after a unit's first year
RENAME_SHARE = 0.15  # units of a kind in RENAMES renamed outright from some year on (about 3% of all)
VARIANT_SHARE = 0.3  # documents printing the unit's name in a usual variant
# Renames as counties' reorganisations made them (a new name, not a variant of the old).
RENAMES = {
    "文化和旅游局": "文化广电和旅游局",
    "卫生健康局": "卫生健康委员会",
    "科学技术局": "科学技术和工业信息化局",
    "融媒体中心": "广播电视台",
    "应急管理局": "应急管理和综合执法局",
    "档案馆": "档案史志馆",
    "市场监督管理局": "市场监督管理和知识产权局",
}


def _r100(x: float) -> int:
    return int(round(x / 100.0)) * 100


def name_variants(name: str) -> list[str]:
    """The usual printed variants of a unit's name (the name itself excluded)."""
    out = []
    if "人民政府" in name:
        out.append(name.replace("人民政府", "政府"))
    for full, short in (
        ("人力资源和社会保障局", "人力资源社会保障局"),
        ("文化和旅游局", "文化旅游局"),
        ("发展和改革局", "发展改革局"),
        ("住房和城乡建设局", "住房城乡建设局"),
        ("街道办事处", "街道办"),
    ):
        if full in name:
            out.append(name.replace(full, short))
    out.append(name + "（本级）")
    return out


def printed_names(rng, name: str, n: int) -> tuple[list[str], int | None]:
    """The name each of n years' documents prints, and the year index from which the
    unit is renamed (None: never)."""
    renamed = None
    suffix = next((s for s in RENAMES if name.endswith(s)), None)
    if suffix and n > 1 and rng.random() < RENAME_SHARE:
        renamed = rng.randint(1, n - 1)
    out = []
    for k in range(n):
        base = name[: -len(suffix)] + RENAMES[suffix] if renamed is not None and k >= renamed else name
        variants = name_variants(base)
        out.append(rng.choice(variants) if variants and rng.random() < VARIANT_SHARE else base)
    return out, renamed


def next_year(rng, u: Unit) -> Unit:
    """The unit a year later: last year's figures become this year's priors, exactly."""
    v = copy.deepcopy(u)
    v.year = u.year + 1
    # Staff: a few people come and go, within the establishment.
    v.act_admin = min(v.auth_admin, max(0, v.act_admin + rng.choice((-2, -1, 0, 0, 0, 1, 2))))
    v.act_inst = min(v.auth_inst, max(0, v.act_inst + rng.choice((-2, -1, 0, 0, 0, 1, 2))))
    if v.act_admin + v.act_inst == 0:
        v.act_admin, v.act_inst = u.act_admin, u.act_inst
    v.retirees = max(0, v.retirees + rng.choice((-1, 0, 0, 1, 2)))
    heads = (v.act_admin + v.act_inst) / max(u.act_admin + u.act_inst, 1)
    wage = rng.uniform(0.98, 1.08)
    proj_factor = [rng.uniform(0.75, 1.3) for _ in v.projects]
    for a in v.allocs:
        a.prior = a.cur
        if a.project >= 0:
            a.cur = max(_r100(a.cur * proj_factor[a.project]), 100)
        elif a.econ == "301":
            a.cur = max(int(a.cur * wage * heads), 1)
        elif a.econ == "302" and a.source == GPB:  # 公用经费: whole hundreds, as drawn
            a.cur = max(_r100(a.cur * heads * rng.uniform(0.95, 1.08)), 100)
        else:
            a.cur = max(int(a.cur * rng.uniform(0.9, 1.12)), 1)
    for k, p in enumerate(v.projects):
        p.prior = p.total
        p.fiscal = sum(a.cur for a in v.allocs if a.project == k and a.fiscal)
        p.other = sum(a.cur for a in v.allocs if a.project == k and not a.fiscal)
    for part, (cur, _) in v.sangong.items():
        if part == "car_buy":
            new = 0
        elif part == "abroad":
            new = cur if rng.random() < 0.7 else 0
        else:
            new = _r100(cur * rng.uniform(0.85, 1.12)) if cur else 0
        v.sangong[part] = (new, cur)
    v.meeting = (_r100(u.meeting[0] * rng.uniform(0.8, 1.15)), u.meeting[0])
    v.training = (_r100(u.training[0] * rng.uniform(0.8, 1.15)), u.training[0])
    if v.procurement:
        v.procurement = _r100(sum(p.total for p in v.projects) * rng.uniform(0.1, 0.6))
    return v


# --- growth breaks (OUT kind "growth") -----------------------------------------------------

GROWTH_BREAK_SHARE = 0.02  # of the units with two years or more: one year breaks from its history


def draw_growth_break(rng, years: list[int]) -> tuple[int, str, float] | None:
    """(year, feature, factor) of a unit's growth break, or None for most units: in one
    year after the first, its total budget grows 2.5-4x (total_yoy) or its 三公 3-5x
    (sangong_yoy) while its staff stay as they were."""
    if len(years) < 2 or rng.random() >= GROWTH_BREAK_SHARE:
        return None
    year = rng.choice(years[1:])
    if rng.random() < 0.5:
        return year, "total_yoy", round(rng.uniform(2.5, 4.0), 2)
    return year, "sangong_yoy", round(rng.uniform(3.0, 5.0), 2)


def break_growth(u: Unit, feature: str, factor: float) -> None:
    """Scale u's year by factor, priors untouched: every allocation (the total, factor x
    its own trend), or the 三公 parts to factor x last year's 三公; a new programme or a
    one-off spending, stated as such the next year (its priors)."""
    if feature == "total_yoy":
        for a in u.allocs:
            a.cur = max(_r100(a.cur * factor), 100)
        for k, p in enumerate(u.projects):
            p.fiscal = sum(a.cur for a in u.allocs if a.project == k and a.fiscal)
            p.other = sum(a.cur for a in u.allocs if a.project == k and not a.fiscal)
        if u.procurement:
            u.procurement = _r100(u.procurement * factor)
    else:
        # factor x last year's 三公 in all (a part next_year dropped to 0 stays 0)
        cur, pri = u.sangong_total()
        f = factor * pri / cur if cur else 1.0
        u.sangong = {part: (_r100(c * f), p) for part, (c, p) in u.sangong.items()}


def growth_label(feature: str, factor: float) -> dict:
    """The OUT label of a growth break, on the budget disclosure of its year."""
    what = "total budget {:g}x its trend" if feature == "total_yoy" else "三公 {:g}x last year's"
    return {
        "family": "OUT",
        "kind": "growth",
        "line": None,
        "detail": f"{what.format(factor)} while staff stay flat",
        "features": [feature],
    }


# --- planted cross-year mistakes (XYR) ---------------------------------------------------

XYR_KINDS = ("sangong_part", "meeting", "training", "public_funds", "function_item")


def plant_xyr(rng, u: Unit) -> tuple[str, str, str] | None:
    """Change one figure u states for last year; (kind, needle, detail), needle being
    text on the line that states it. None when the unit has no such figure."""
    kinds = list(XYR_KINDS)
    rng.shuffle(kinds)
    for kind in kinds:
        if kind == "sangong_part":
            parts = [p for p in ("reception", "car_run") if u.sangong[p][1] > 0]
            if not parts:
                continue
            part = rng.choice(parts)
            cur, pri = u.sangong[part]
            delta = _r100(max(pri * rng.uniform(0.1, 0.4), 3000)) * rng.choice((1, -1))
            if pri + delta <= 0:
                delta = abs(delta)
            u.sangong[part] = (cur, pri + delta)
            word = "公务接待费" if part == "reception" else "公务用车运行维护费"
            return (
                kind,
                "三公",
                f"{word} 上年 printed {wan(pri + delta)}万元; last year's own disclosure {wan(pri)}万元",
            )
        if kind in ("meeting", "training"):
            cur, pri = getattr(u, kind)
            delta = _r100(max(pri * rng.uniform(0.15, 0.5), 3000)) * rng.choice((1, -1))
            if pri + delta <= 0:
                delta = abs(delta)
            setattr(u, kind, (cur, pri + delta))
            word = "会议费" if kind == "meeting" else "培训费"
            return kind, word, f"{word} 上年 printed {wan(pri + delta)}万元; last year's own disclosure {wan(pri)}万元"
        if kind == "public_funds":
            rows = [a for a in u.allocs if a.source == GPB and a.basic and a.econ == "302" and a.prior > 0]
            if not rows:
                continue
            a = rows[0]
            pri = sum(r.prior for r in rows)
            delta = _r100(max(pri * rng.uniform(0.1, 0.3), 5000)) * rng.choice((1, -1))
            if a.prior + delta <= 0:
                delta = abs(delta)
            a.prior += delta
            return (
                kind,
                "公用经费",
                f"公用经费 上年 printed {wan(pri + delta)}万元; last year's own disclosure {wan(pri)}万元",
            )
        rows = [a for a in u.allocs if a.source == GPB and a.prior > 20000]
        if not rows:
            continue
        a = rng.choice(rows)
        delta = _r100(max(a.prior * rng.uniform(0.1, 0.3), 20000)) * rng.choice((1, -1))
        if a.prior + delta <= 0:
            delta = abs(delta)
        a.prior += delta
        return kind, a.code, f"{a.name}({a.code}) 上年 implied {wan(delta)}万元 off last year's own disclosure"
    return None


def _line_of(text: str, needle: str, after: str = "") -> int | None:
    """1-based line of the first line holding needle (and a comparison), after `after`."""
    start = text.find(after) if after else 0
    lines = text[max(start, 0) :].split("\n")
    offset = text.count("\n", 0, max(start, 0))
    for k, line in enumerate(lines):
        if needle in line and ("上年" in line or "比" in line or "较" in line):
            return offset + k + 1
    return None


# --- the corpus ---------------------------------------------------------------------------


def iter_year_documents(
    units: int,
    seed: int,
    years: list[int],
    anomaly_share: float = 1 / 3,
    counties: int | None = None,
    fmt: str = "txt",
    template: str = "county15",
    outliers: str = "blatant",
    outlier_share: float = 0.03,
    finals: bool = False,
):
    """Yield (relative path, data, label) for each unit's disclosure of each year.

    The label adds unit_key (the unit's true identity: county/name as first drawn),
    doc_kind ("budget") and, for an XYR mistake, other_file (last year's document).
    finals: after each budget, the unit's 决算 of that year (datasets.synthetic.finals),
    doc_kind "final", its EXE mistakes naming the budget as other_file; a few units
    (finals.EXEC_OUTLIER_SHARE) spend far under or over their budget, labelled OUT
    (kind "execution") on the budget of each year concerned.
    """
    from datasets.synthetic import finals as fin
    from datasets.synthetic import generate as g

    years = sorted(years)
    n_years = len(years)
    if counties is None:
        counties = max(1, round(units / g.UNITS_PER_COUNTY))
    master = random.Random(f"{seed}:corpus")
    cnames = county_names(counties, master)
    sizes = [units // counties + (1 if c < units % counties else 0) for c in range(counties)]
    deck = g.FamilyDeck(random.Random(f"{seed}:deck"))
    index = 0
    for county, size in zip(cnames, sizes):
        roster = county_roster(county, size, random.Random(f"{seed}:roster:{county}"))
        random.Random(f"{seed}:order:{county}").shuffle(roster)
        bodies = {k: n for n, k in reversed(roster)}
        for name, kind in roster:
            i = index
            index += 1
            rng = random.Random(f"{seed}:{i}")
            urng = random.Random(f"{seed}:{i}:unit")
            first = build_unit(rng, county, name, kind, years[0])
            out_label = None
            if urng.random() < outlier_share:  # a peer outlier in every year
                if outliers == "graded":
                    pushed = (
                        urng.choice(GRADED_PAIRS) if urng.random() < g.PAIR_SHARE else (urng.choice(GRADED_FEATURES),)
                    )
                    strength = urng.choice(STRENGTHS)
                    make_graded_outlier(urng, first, pushed, strength)
                    out_label = {
                        "family": "OUT",
                        "kind": "+".join(pushed),
                        "line": None,
                        "detail": f"{' and '.join(f.replace('_', ' ') for f in pushed)} at {strength:g}x the typical value",
                        "strength": strength,
                        "features": list(pushed),
                    }
                else:
                    feature = urng.choice(OUTLIER_FEATURES)
                    make_outlier(urng, first, feature)
                    out_label = {
                        "family": "OUT",
                        "kind": feature,
                        "line": None,
                        "detail": f"consistent document with an extreme {feature.replace('_', ' ')}",
                    }
            # Drawn apart, so that the other draws of every unit stay as they were.
            executed = fin.draw_execution_outlier(random.Random(f"{seed}:{i}:execution"), years) if finals else {}
            broken = draw_growth_break(random.Random(f"{seed}:{i}:growth"), years)
            chain = [first]
            for y in years[1:]:
                chain.append(next_year(random.Random(f"{seed}:{i}:{y}:evolve"), chain[-1]))
                if broken and broken[0] == y:
                    break_growth(chain[-1], broken[1], broken[2])
                elif broken and broken[0] == y - 1:  # a one-off: back to its own level
                    break_growth(chain[-1], broken[1], 1 / broken[2])
            shown, renamed = printed_names(random.Random(f"{seed}:{i}:names"), name, n_years)
            tpl = g._template_of(template, seed, i, name)
            prev_file = None
            for k, (year, true_u) in enumerate(zip(years, chain)):
                drng = random.Random(f"{seed}:{i}:{year}")
                u = copy.deepcopy(true_u)
                u.name = shown[k]
                st = draw_style(drng, year)
                st.template = tpl
                an: dict = {}
                anomalies: list[dict] = [dict(out_label)] if out_label else []
                if year in executed:
                    anomalies.append(fin.execution_label(executed[year], len(executed) > 1))
                if broken and broken[0] == year:
                    anomalies.append(growth_label(broken[1], broken[2]))
                xyr = None
                r = drng.random()
                if r < anomaly_share and not out_label:
                    want = drng.choice((1, 1, 1, 2, 2, 3))
                    used: set[str] = set()
                    taken: set[str] = set()
                    while len(used) < want:
                        for fam in deck.draw(used):
                            got = g.INJECTORS[fam](u, st, an, drng, taken)
                            used.add(fam)
                            if got:
                                anomalies.append(
                                    {"family": fam, "kind": got[0], "line": None, "detail": got[1], "_key": fam}
                                )
                                break
                        else:
                            break
                elif k > 0 and r < anomaly_share + XYR_SHARE and not out_label:
                    xyr = plant_xyr(drng, u)
                ctx = random.Random(f"{seed}:{i}:{year}:superior")
                edit = functools.partial(cpy.superior_mention, county=county, kind=kind, roster=bodies, rng=ctx)
                text, lines, rend, spots = g.render_document(u, st, an, f"{seed}:{i}:{year}:render", edit)
                keys = [a.pop("_key", None) for a in anomalies]
                for a, key in zip(anomalies, keys):
                    if key:
                        a["line"] = lines[key]
                if xyr:
                    kind_, needle, detail = xyr
                    after = "四、" if kind_ == "function_item" else "五、"
                    anomalies.append(
                        {
                            "family": "XYR",
                            "kind": kind_,
                            "line": _line_of(text, needle, after) or _line_of(text, needle),
                            "detail": detail,
                            "other_file": prev_file,
                            "other_year": years[k - 1],
                        }
                    )
                    keys.append(None)
                data, enc = g._encode(text, drng)
                stem = f"{shown[k]}{year}年单位预算公开说明" if drng.random() < 0.5 else f"{year}-{i:05d}"
                label = {
                    "file": f"{county}/{year}/{stem}.txt",
                    "unit_name": shown[k],
                    "year": year,
                    "county": county,
                    "kind": u.kind.key,
                    "format": "txt",
                    "encoding": enc,
                    "clean": not anomalies,
                    "truth": g.truth_of(u, st, rend),
                    "anomalies": anomalies,
                    "unit_key": f"{county}/{name}",
                    "doc_kind": "budget",
                    "renamed": renamed is not None and k >= renamed,
                }
                if st.template is not None:
                    label["template"] = st.template.describe()
                shape = g._format_of(fmt, seed, i * 100 + k)
                if shape != "txt":
                    data = g._render(shape, text, spots, keys, label, stem, f"{seed}:{i}:{year}")
                if fmt != "txt":
                    files = list(data) if isinstance(data, dict) else [label["file"]]
                    label = {"file": label["file"], "files": files, **{x: v for x, v in label.items() if x != "file"}}
                prev_file = label["file"]
                yield label["file"], data, label
                if finals:
                    yield final_document(seed, i, year, true_u, shown[k], label, shape, executed.get(year))


def final_document(
    seed: int,
    i: int,
    year: int,
    u: Unit,
    shown: str,
    budget: dict,
    shape: str = "txt",
    outlier: float | None = None,
) -> tuple[str, bytes | dict[str, bytes], dict]:
    """(relative path, data, label) of the unit's 决算 for the year of `budget` (its
    label), published in the same shape as that budget (a unit's office prints both
    the same way); outlier: the rate at which an execution outlier spends its budget."""
    from datasets.synthetic import finals as fin
    from datasets.synthetic import generate as g

    rng = random.Random(f"{seed}:{i}:{year}:final")
    u = copy.deepcopy(u)
    u.name = shown
    sp = fin.Spent(random.Random(f"{seed}:{i}:{year}:spent"), u, outlier)
    st = fin.final_style(rng, year)
    mistake = fin.draw_mistake(rng, u, sp)
    text, line, r = fin.render_final(u, sp, st, mistake, f"{seed}:{i}:{year}:final:render")
    anomalies = []
    if mistake:
        a = {"family": mistake["family"], "kind": mistake["kind"], "line": line, "detail": fin.describe(mistake, u, sp)}
        if mistake["family"] == "EXE":
            a |= {"other_file": budget["file"], "other_year": year}
        anomalies.append(a)
    data, enc = g._encode(text, rng)
    stem = f"{shown}{year}年度单位决算公开说明" if rng.random() < 0.5 else f"{year}-{i:05d}-js"
    key = "m" if mistake and line else None
    label = {
        "file": f"{budget['county']}/{year}/{stem}.txt",
        "unit_name": shown,
        "year": year,
        "county": budget["county"],
        "kind": u.kind.key,
        "format": "txt",
        "encoding": enc,
        "clean": not anomalies,
        "truth": {
            "total_budget_yuan": float(sp.total(u)),
            "staff_authorized": u.staff_authorized,
            "staff_actual": u.staff_actual,
            "retirees": u.retirees,
            "vehicles": u.vehicles,
            "sangong_total_yuan": float(r.printed_sangong[0]),
        },
        "anomalies": anomalies,
        "unit_key": budget["unit_key"],
        "doc_kind": "final",
        "renamed": budget["renamed"],
        "budget_file": budget["file"],
    }
    if shape != "txt":
        spots = {key: (line, 0)} if key else {}
        data = g._render(shape, text, spots, [key for _ in anomalies], label, stem, f"{seed}:{i}:{year}:final")
        files = list(data) if isinstance(data, dict) else [label["file"]]
        label = {"file": label["file"], "files": files, **{x: v for x, v in label.items() if x != "file"}}
    return label["file"], data, label
