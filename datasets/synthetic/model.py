"""The exact budget model of one synthetic unit.

All amounts are integers in 元. The unit's spending is a list of allocations
(功能 item × 部门经济 class × basic/project × source); every table and every
narrative figure is an aggregate of that list, so all identities hold exactly
before printing. Printing only rounds, which the checks' rounding intervals absorb.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from datasets.synthetic.kinds import (
    ANNUITY,
    HOUSING_FUND,
    KINDS,
    MED_ADMIN,
    MED_INST,
    PENSION,
    Kind,
    gov_econ,
)

SANGONG_PARTS = ("abroad", "reception", "car_buy", "car_run")
# Sources of money. 财政拨款 is GPB + FUND; the 一般公共预算 tables and the narrative's
# 一般公共预算 section cover GPB only, 表1-表3 every source.
GPB, FUND, BUSINESS, UPPER = "一般公共预算拨款", "政府性基金拨款", "事业收入", "上级补助收入"


def _keep(a: Alloc, which: bool | str | None) -> bool:
    """which: None (every source), True/False (财政拨款 or not), or one source."""
    if which is None:
        return True
    if isinstance(which, str):
        return a.source == which
    return a.fiscal == which


@dataclass
class Alloc:
    code: str  # 7-digit 功能 item
    name: str
    econ: str  # 部门经济 class: 301 302 303 310
    basic: bool  # 基本支出 (else 专项/项目)
    fiscal: bool  # 财政拨款 (else 事业收入 or 上级补助收入)
    cur: int
    prior: int
    fund: str = ""  # GPB, FUND, BUSINESS or UPPER; "" is GPB when fiscal, else BUSINESS
    project: int = -1  # index in Unit.projects of the project this allocation pays for (-1: none)

    @property
    def source(self) -> str:
        return self.fund or (GPB if self.fiscal else BUSINESS)


@dataclass
class Project:
    name: str
    code: str
    fiscal: int
    other: int
    prior: int

    @property
    def total(self) -> int:
        return self.fiscal + self.other


@dataclass
class Unit:
    county: str
    name: str
    kind: Kind
    year: int
    auth_admin: int
    auth_inst: int
    act_admin: int
    act_inst: int
    retirees: int
    vehicles: int
    equipment: int
    buy_vehicles: int
    buy_equipment: int
    allocs: list[Alloc]
    projects: list[Project]
    sangong: dict[str, tuple[int, int]]  # part -> (current, prior)
    meeting: tuple[int, int]
    training: tuple[int, int]
    procurement: int
    offices: int  # 内设机构
    extra: dict = field(default_factory=dict)

    # --- aggregates -------------------------------------------------------
    @property
    def staff_authorized(self) -> int:
        return self.auth_admin + self.auth_inst

    @property
    def staff_actual(self) -> int:
        return self.act_admin + self.act_inst

    def total(self, fiscal: bool | str | None = None, prior: bool = False) -> int:
        return sum(a.prior if prior else a.cur for a in self.allocs if _keep(a, fiscal))

    def func_items(self, fiscal: bool | str | None = None) -> list[tuple[str, str, int, int, int, int]]:
        """(code, name, current, prior, basic, project) per 7-digit item, in code order."""
        acc: dict[str, list] = {}
        for a in self.allocs:
            if not _keep(a, fiscal):
                continue
            r = acc.setdefault(a.code, [a.name, 0, 0, 0, 0])
            r[1] += a.cur
            r[2] += a.prior
            r[3 if a.basic else 4] += a.cur
        return [(c, r[0], r[1], r[2], r[3], r[4]) for c, r in sorted(acc.items())]

    def func_classes(self, fiscal: bool | str | None = None) -> dict[str, int]:
        acc: dict[str, int] = {}
        for a in self.allocs:
            if _keep(a, fiscal):
                acc[a.code[:3]] = acc.get(a.code[:3], 0) + a.cur
        return acc

    def dept_econ(
        self, fiscal: bool | str | None = None, basic: bool | None = None, prior: bool = False
    ) -> dict[str, int]:
        acc: dict[str, int] = {}
        for a in self.allocs:
            if _keep(a, fiscal) and (basic is None or a.basic == basic):
                acc[a.econ] = acc.get(a.econ, 0) + (a.prior if prior else a.cur)
        return acc

    def gov_econ(self, fiscal: bool | str | None = None, prior: bool = False) -> dict[str, int]:
        acc: dict[str, int] = {}
        for a in self.allocs:
            if _keep(a, fiscal):
                g = gov_econ(a.econ, self.kind.admin)
                acc[g] = acc.get(g, 0) + (a.prior if prior else a.cur)
        return acc

    def public_funds(self) -> tuple[int, int]:
        """公用经费: 一般公共预算 basic 302, current and prior."""
        cur = sum(a.cur for a in self.allocs if a.source == GPB and a.basic and a.econ == "302")
        pri = sum(a.prior for a in self.allocs if a.source == GPB and a.basic and a.econ == "302")
        return cur, pri

    def sangong_total(self) -> tuple[int, int]:
        return sum(v[0] for v in self.sangong.values()), sum(v[1] for v in self.sangong.values())


def _r100(x: float) -> int:
    """Round to whole hundreds of 元 (exact at 万元 with 2 decimals)."""
    return int(round(x / 100.0)) * 100


def _prior(rng, cur: int, round100: bool = False, flat: float = 0.15) -> int:
    """Last year's figure: mostly within ±15%, sometimes identical."""
    u = rng.random()
    if u < flat:
        return cur
    p = cur * rng.uniform(0.82, 1.18)
    return _r100(p) if round100 else int(p)


PROJECT_WORDS = [
    "专项工作经费",
    "业务运行经费",
    "信息化运维经费",
    "专项整治经费",
    "能力提升项目",
    "宣传培训经费",
    "设备购置项目",
    "日常监管经费",
    "应急保障经费",
    "普查调查经费",
    "督查考核经费",
    "服务保障经费",
]


def build_unit(rng, county: str, name: str, kind_key: str, year: int) -> Unit:
    """A fully consistent unit of the given kind, drawn from rng."""
    k = KINDS[kind_key]
    auth = rng.randint(*k.staff)
    if k.admin:
        auth_admin = max(1, int(auth * rng.uniform(0.6, 0.95)))
    else:
        auth_admin = 0
    auth_inst = auth - auth_admin
    act_admin = auth_admin - int(auth_admin * rng.uniform(0.0, 0.2))
    act_inst = auth_inst - int(auth_inst * rng.uniform(0.0, 0.25))
    if act_admin + act_inst == 0:
        act_inst = auth_inst or 1
        auth_inst = max(auth_inst, act_inst)
    actual = act_admin + act_inst
    retirees = int(actual * rng.uniform(0.05, 0.6))

    has_income = rng.random() < k.income_prob
    income_share = rng.uniform(*k.income_share) if has_income else 0.0

    # Personnel cost, split over the staff-related 功能 items.
    personnel = int(actual * rng.uniform(*k.cost) * 10000)
    fiscal_personnel = personnel if income_share < 1.0 else int(personnel * rng.uniform(0.3, 0.6))
    run_code, run_name = k.run
    med = MED_ADMIN if k.admin else MED_INST
    allocs: list[Alloc] = []

    def add(code, nm, econ, basic, fiscal, cur, round100=False, flat=0.15):
        if cur > 0:
            allocs.append(Alloc(code, nm, econ, basic, fiscal, cur, _prior(rng, cur, round100, flat)))

    shares = [(PENSION, 0.12), (ANNUITY, 0.06), (med, 0.05), (HOUSING_FUND, 0.07)]
    rest = fiscal_personnel
    for (code, nm), s in shares:
        v = int(fiscal_personnel * s * rng.uniform(0.9, 1.1))
        add(code, nm, "301", True, True, v)
        rest -= v
    add(run_code, run_name, "301", True, True, rest)
    add(run_code, run_name, "303", True, True, int(retirees * rng.uniform(300, 3000)), flat=0.4)
    public = _r100(actual * rng.uniform(4000, 14000))
    add(run_code, run_name, "302", True, True, public, round100=True)

    basic_fiscal = sum(a.cur for a in allocs)
    # Projects: a share of the basic budget, amounts in whole hundreds of 元.
    n_proj = rng.randint(*k.projects)
    proj_total = basic_fiscal * rng.uniform(0.08, 0.6)
    weights = [rng.uniform(0.3, 1.0) for _ in range(n_proj)]
    words = rng.sample(PROJECT_WORDS, n_proj)
    short = k.suffix.replace("人民政府", "").replace("办公室", "") if rng.random() < 0.5 else ""
    projects: list[Project] = []
    for w, word in zip(weights, words):
        amount = max(_r100(proj_total * w / sum(weights)), 10000)
        pcode, pname = k.proj if rng.random() < 0.75 else k.run
        other = 0
        if income_share > 0 and rng.random() < 0.4:
            other = _r100(amount * rng.uniform(0.1, 0.5))
        fiscal_part = amount - other
        capital = _r100(fiscal_part * rng.uniform(0.1, 0.4)) if rng.random() < 0.2 else 0
        prior_total = 0 if rng.random() < 0.12 else _prior(rng, amount, round100=True)
        # Split the prior over the allocations in proportion (so sums stay exact).
        parts = [(True, "302", fiscal_part - capital), (True, "310", capital), (False, "302", other)]
        left = prior_total
        nonzero = [p for p in parts if p[2] > 0]
        for j, (fis, econ, v) in enumerate(nonzero):
            pv = left if j == len(nonzero) - 1 else int(prior_total * v / amount)
            left -= pv
            allocs.append(Alloc(pcode, pname, econ, False, fis, v, pv, project=len(projects)))
        projects.append(Project(f"{short}{word}", pcode, fiscal_part, other, prior_total))

    # 事业收入 pays part of running costs (and, for hospitals, part of salaries).
    if income_share > 0:
        fiscal_total = sum(a.cur for a in allocs if a.fiscal)
        income = int(fiscal_total * income_share) - sum(p.other for p in projects)
        if income > 0:
            if income_share >= 1.0:
                sal = personnel - fiscal_personnel
                add(run_code, run_name, "301", True, False, min(sal, income))
                income -= min(sal, income)
            add(run_code, run_name, "302", True, False, income)

    # 三公, meetings, training (whole hundreds of 元, like most disclosures).
    vehicles = rng.randint(*k.vehicles)
    car_run = _r100(vehicles * rng.uniform(8000, 25000))
    # A car purchase only in larger units, so it never dwarfs the budget.
    big = sum(a.cur for a in allocs) > 5_000_000
    car_buy = _r100(rng.uniform(150000, 250000)) if vehicles >= 2 and big and rng.random() < 0.08 else 0
    reception = _r100(rng.uniform(3000, 30000) * (1 + actual / 150))
    abroad = _r100(rng.uniform(20000, 60000)) if rng.random() < 0.08 else 0
    sangong = {
        "abroad": (abroad, abroad if abroad == 0 or rng.random() < 0.3 else _prior(rng, abroad, True, 0)),
        "reception": (reception, _prior(rng, reception, True)),
        "car_buy": (car_buy, 0),
        "car_run": (car_run, _prior(rng, car_run, True) if car_run else 0),
    }
    meeting = _r100(rng.uniform(5000, 50000))
    training = _r100(rng.uniform(3000, 50000))
    equipment = rng.randint(*k.equipment)
    procurement = _r100(sum(p.total for p in projects) * rng.uniform(0.1, 0.6)) if rng.random() < 0.5 else 0
    # Other sources from a generator of their own, so the draws above (and every corpus
    # made before) stay as they were.
    _other_sources(random.Random(hash(rng.getstate()[1])), k, allocs, projects)
    return Unit(
        county=county,
        name=name,
        kind=k,
        year=year,
        auth_admin=auth_admin,
        auth_inst=auth_inst,
        act_admin=act_admin,
        act_inst=act_inst,
        retirees=retirees,
        vehicles=vehicles,
        equipment=equipment,
        buy_vehicles=1 if car_buy else 0,
        buy_equipment=rng.randint(0, 2) if equipment else 0,
        allocs=allocs,
        projects=projects,
        sangong=sangong,
        meeting=(meeting, _prior(rng, meeting, True)),
        training=(training, _prior(rng, training, True)),
        procurement=procurement,
        offices=rng.randint(3, 9),
    )


# 政府性基金 spending by kind of unit, as county budgets place it: 国有土地使用权出让收入
# (212 城乡社区) for construction and land, 彩票公益金 (229) for welfare and sport.
FUND_ITEMS = {
    "housing": (0.7, "2120803", "城市建设支出", "城市基础设施建设项目"),
    "natural_resources": (0.6, "2120802", "土地开发支出", "土地开发整理项目"),
    "town": (0.25, "2120899", "其他国有土地使用权出让收入安排的支出", "集镇建设项目"),
    "subdistrict": (0.2, "2120899", "其他国有土地使用权出让收入安排的支出", "社区基础设施改造项目"),
    "civil": (0.5, "2296002", "用于社会福利的彩票公益金支出", "福利彩票公益金项目"),
    "culture_tourism": (0.4, "2296003", "用于体育事业的彩票公益金支出", "体育彩票公益金项目"),
}


def _other_sources(rng, k: Kind, allocs: list[Alloc], projects: list[Project]) -> None:
    """政府性基金拨款 (a project of the kinds in FUND_ITEMS) and 上级补助收入 (事业单位: part
    of the running costs), added to a unit built from 一般公共预算 and 事业收入."""
    fund = FUND_ITEMS.get(k.key)
    if fund and rng.random() < fund[0]:
        _, code, name, project = fund
        main = sum(a.cur for a in allocs if a.code[:3] == k.func_class)
        amount = _r100(sum(a.cur for a in allocs) * rng.uniform(0.15, 0.9))
        if code[:3] != k.func_class:  # the unit's own class stays its largest
            amount = min(amount, _r100(main * 0.7))
        if amount >= 10000:
            prior = 0 if rng.random() < 0.25 else _prior(rng, amount, round100=True)
            capital = _r100(amount * rng.uniform(0.3, 0.8)) if code.startswith("212") else 0
            left = prior
            parts = [(e, v) for e, v in (("302", amount - capital), ("310", capital)) if v > 0]
            for j, (econ, v) in enumerate(parts):
                pv = left if j == len(parts) - 1 else int(prior * v / amount)
                left -= pv
                allocs.append(Alloc(code, name, econ, False, True, v, pv, FUND, project=len(projects)))
            projects.append(Project(project, code, amount, 0, prior))
    if not k.admin and rng.random() < 0.15:
        run_code, run_name = k.run
        amount = _r100(sum(a.cur for a in allocs) * rng.uniform(0.03, 0.15))
        if amount >= 10000:
            allocs.append(Alloc(run_code, run_name, "302", True, False, amount, _prior(rng, amount, True), UPPER))


def make_outlier(rng, u: Unit, feature: str) -> None:
    """Push one peer feature far out while keeping the document consistent."""
    if feature == "car_run_per_vehicle":
        if u.vehicles == 0:
            u.vehicles = 1
        cur = _r100(u.vehicles * rng.uniform(90000, 120000))
        u.sangong["car_run"] = (cur, _r100(cur * rng.uniform(0.9, 1.1)))
    elif feature == "sangong_share":
        total = u.total()
        rec = _r100(total * rng.uniform(0.10, 0.14))
        u.sangong["reception"] = (rec, _r100(rec * rng.uniform(0.9, 1.1)))
    elif feature == "budget_per_staff":
        # A very large project on a small staff: budget per staff about four times the peers'.
        extra = _r100(u.total() * rng.uniform(3.0, 3.5))
        p = u.projects[0]
        p.fiscal += extra
        u.allocs.append(Alloc(p.code, _proj_item_name(u, p.code), "302", False, True, extra, extra, project=0))
        p.prior += extra
    elif feature == "reception_share":
        rec = _r100(rng.uniform(150000, 250000))
        u.sangong["reception"] = (rec, _r100(rec * rng.uniform(0.9, 1.1)))
        u.sangong["car_run"] = (min(u.sangong["car_run"][0], 5000), min(u.sangong["car_run"][1], 5000))
        u.sangong["abroad"] = (0, 0)
        u.sangong["car_buy"] = (0, 0)
    else:  # pragma: no cover
        raise ValueError(feature)


def _proj_item_name(u: Unit, code: str) -> str:
    return u.kind.proj[1] if code == u.kind.proj[0] else u.kind.run[1]


OUTLIER_FEATURES = ("car_run_per_vehicle", "sangong_share", "budget_per_staff", "reception_share")

# Graded outliers (``anomaly generate --outliers graded``): one feature, or two at once,
# pushed to a stated multiple of its typical value for a unit of that size, the rest of
# the document left as drawn. The typical values are the medians of build_unit's draws.
GRADED_FEATURES = ("reception", "vehicle_running", "sangong_share", "budget_per_staff")
GRADED_PAIRS = (
    ("reception", "budget_per_staff"),
    ("vehicle_running", "budget_per_staff"),
    ("reception", "vehicle_running"),
)
STRENGTHS = (1.5, 2.0, 3.0, 5.0)
TYPICAL_RECEPTION = 16500.0  # median of uniform(3000, 30000), times (1 + actual / 150)
TYPICAL_CAR_RUN = 16500.0  # per vehicle: median of uniform(8000, 25000)


def _typical_reception(u: Unit) -> float:
    return TYPICAL_RECEPTION * (1 + (u.act_admin + u.act_inst) / 150)


def make_graded_outlier(rng, u: Unit, features: tuple[str, ...], strength: float) -> None:
    """Push each of ``features`` to ``strength`` times its typical value (±5%), prior
    year alike (a persistent habit, not a one-off), keeping the document consistent."""
    for feature in features:
        s = strength * rng.uniform(0.95, 1.05)
        if feature == "reception":
            rec = _r100(s * _typical_reception(u))
            u.sangong["reception"] = (rec, _r100(rec * rng.uniform(0.9, 1.1)))
        elif feature == "vehicle_running":
            u.vehicles = max(u.vehicles, 1)
            cur = _r100(s * TYPICAL_CAR_RUN * u.vehicles)
            u.sangong["car_run"] = (cur, _r100(cur * rng.uniform(0.9, 1.1)))
        elif feature == "sangong_share":
            # Recurring 三公 at s times typical, its parts in their drawn proportions.
            typical = _typical_reception(u) + TYPICAL_CAR_RUN * u.vehicles
            rec, run = u.sangong["reception"][0], u.sangong["car_run"][0]
            f = max(s * typical - u.sangong["abroad"][0], 0) / max(rec + run, 1)
            for part in ("reception", "car_run"):
                cur = _r100(u.sangong[part][0] * f)
                u.sangong[part] = (cur, _r100(cur * rng.uniform(0.9, 1.1)) if cur else 0)
        elif feature == "budget_per_staff":
            # A large project on the same staff: the total becomes s times what was drawn.
            extra = _r100(u.total() * (s - 1))
            p = u.projects[0]
            p.fiscal += extra
            u.allocs.append(Alloc(p.code, _proj_item_name(u, p.code), "302", False, True, extra, extra, project=0))
            p.prior += extra
        else:  # pragma: no cover
            raise ValueError(feature)
