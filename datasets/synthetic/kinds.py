"""Catalogue of unit kinds and invented place names for the synthetic corpus.

Every figure range here is per unit and per year, amounts in 元. The ranges are
meant to be plausible for a county, not exact: what matters for testing is that
peers of one kind look alike and that outliers can be planted against them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    suffix: str  # appended to the county (or town) name
    func_class: str  # dominant 功能 class (类), e.g. "201"
    run: tuple[str, str]  # 7-digit item for running costs
    proj: tuple[str, str]  # 7-digit item for projects (专项)
    staff: tuple[int, int]  # authorised staff range
    admin: bool  # 行政单位 (else 事业单位)
    vehicles: tuple[int, int]
    income_share: tuple[float, float] = (0.0, 0.0)  # 事业收入 relative to 财政拨款
    income_prob: float = 0.0  # chance that a unit of this kind has 事业收入
    projects: tuple[int, int] = (1, 4)
    equipment: tuple[int, int] = (0, 2)  # devices over 20万
    cost: tuple[float, float] = (11.0, 17.0)  # personnel cost, 万元 per actual staff
    town_level: bool = False  # named after a town rather than the county


def _k(key, suffix, cls, run, proj, staff, admin=True, vehicles=(0, 4), **kw) -> Kind:
    return Kind(key, suffix, cls, run, proj, staff, admin, vehicles, **kw)


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        _k(
            "gov_office",
            "人民政府办公室",
            "201",
            ("2010301", "行政运行"),
            ("2010302", "一般行政管理事务"),
            (22, 45),
            vehicles=(2, 8),
        ),
        _k(
            "finance",
            "财政局",
            "201",
            ("2010601", "行政运行"),
            ("2010602", "一般行政管理事务"),
            (25, 60),
            vehicles=(1, 4),
        ),
        _k(
            "development",
            "发展和改革局",
            "201",
            ("2010401", "行政运行"),
            ("2010499", "其他发展与改革事务支出"),
            (15, 35),
        ),
        _k(
            "statistics",
            "统计局",
            "201",
            ("2010501", "行政运行"),
            ("2010507", "专项普查活动"),
            (8, 20),
            vehicles=(0, 2),
        ),
        _k("audit", "审计局", "201", ("2010801", "行政运行"), ("2010804", "审计业务"), (12, 28), vehicles=(0, 2)),
        _k(
            "market",
            "市场监督管理局",
            "201",
            ("2013801", "行政运行"),
            ("2013816", "食品安全监管"),
            (40, 90),
            vehicles=(2, 6),
        ),
        _k(
            "archives",
            "档案馆",
            "201",
            ("2012650", "事业运行"),
            ("2012604", "档案馆"),
            (6, 15),
            admin=False,
            vehicles=(0, 1),
            projects=(1, 2),
        ),
        _k(
            "public_security",
            "公安局",
            "204",
            ("2040201", "行政运行"),
            ("2040220", "执法办案"),
            (120, 260),
            vehicles=(10, 30),
            equipment=(1, 6),
        ),
        _k(
            "judicial", "司法局", "204", ("2040601", "行政运行"), ("2040604", "基层司法业务"), (18, 40), vehicles=(1, 3)
        ),
        _k(
            "education",
            "教育局",
            "205",
            ("2050101", "行政运行"),
            ("2050102", "一般行政管理事务"),
            (20, 45),
            vehicles=(1, 3),
        ),
        _k(
            "high_school",
            "高级中学",
            "205",
            ("2050204", "高中教育"),
            ("2050204", "高中教育"),
            (90, 200),
            admin=False,
            vehicles=(0, 2),
            income_share=(0.03, 0.15),
            income_prob=0.6,
            cost=(12.0, 17.0),
            equipment=(0, 4),
        ),
        _k(
            "middle_school",
            "中学",
            "205",
            ("2050203", "初中教育"),
            ("2050203", "初中教育"),
            (40, 120),
            admin=False,
            vehicles=(0, 1),
            income_share=(0.02, 0.10),
            income_prob=0.4,
            cost=(11.0, 16.0),
            equipment=(0, 2),
        ),
        _k(
            "primary_school",
            "小学",
            "205",
            ("2050202", "小学教育"),
            ("2050202", "小学教育"),
            (20, 90),
            admin=False,
            vehicles=(0, 0),
            income_share=(0.02, 0.08),
            income_prob=0.2,
            cost=(10.0, 15.0),
            projects=(1, 2),
            equipment=(0, 1),
        ),
        _k(
            "kindergarten",
            "幼儿园",
            "205",
            ("2050201", "学前教育"),
            ("2050201", "学前教育"),
            (12, 40),
            admin=False,
            vehicles=(0, 0),
            income_share=(0.1, 0.4),
            income_prob=0.8,
            cost=(9.0, 13.0),
            projects=(1, 2),
            equipment=(0, 0),
        ),
        _k(
            "science",
            "科学技术局",
            "206",
            ("2060101", "行政运行"),
            ("2060199", "其他科学技术管理事务支出"),
            (8, 20),
            vehicles=(0, 2),
        ),
        _k(
            "culture_tourism",
            "文化和旅游局",
            "207",
            ("2070101", "行政运行"),
            ("2070199", "其他文化和旅游支出"),
            (20, 45),
            vehicles=(1, 3),
        ),
        _k(
            "media_center",
            "融媒体中心",
            "207",
            ("2070850", "事业运行"),
            ("2070899", "其他广播电视支出"),
            (30, 70),
            admin=False,
            vehicles=(1, 4),
            income_share=(0.05, 0.3),
            income_prob=0.5,
            equipment=(1, 5),
        ),
        _k(
            "hr",
            "人力资源和社会保障局",
            "208",
            ("2080101", "行政运行"),
            ("2080109", "社会保险经办机构"),
            (30, 70),
            vehicles=(1, 3),
        ),
        _k(
            "civil",
            "民政局",
            "208",
            ("2080201", "行政运行"),
            ("2080208", "基层政权建设和社区治理"),
            (18, 40),
            vehicles=(1, 3),
        ),
        _k(
            "veterans",
            "退役军人事务局",
            "208",
            ("2082801", "行政运行"),
            ("2082850", "事业运行"),
            (10, 25),
            vehicles=(0, 2),
        ),
        _k(
            "health_commission",
            "卫生健康局",
            "210",
            ("2100101", "行政运行"),
            ("2100199", "其他卫生健康管理事务支出"),
            (25, 55),
            vehicles=(1, 4),
        ),
        _k(
            "county_hospital",
            "人民医院",
            "210",
            ("2100201", "综合医院"),
            ("2100201", "综合医院"),
            (250, 600),
            admin=False,
            vehicles=(4, 12),
            income_share=(1.5, 4.0),
            income_prob=1.0,
            equipment=(15, 60),
            cost=(13.0, 20.0),
            projects=(2, 5),
        ),
        _k(
            "tcm_hospital",
            "中医医院",
            "210",
            ("2100202", "中医（民族）医院"),
            ("2100202", "中医（民族）医院"),
            (120, 300),
            admin=False,
            vehicles=(2, 6),
            income_share=(1.2, 3.5),
            income_prob=1.0,
            equipment=(6, 25),
            cost=(12.0, 19.0),
            projects=(1, 4),
        ),
        _k(
            "cdc",
            "疾病预防控制中心",
            "210",
            ("2100401", "疾病预防控制机构"),
            ("2100409", "重大公共卫生服务"),
            (30, 70),
            admin=False,
            vehicles=(2, 5),
            income_share=(0.02, 0.1),
            income_prob=0.3,
            equipment=(2, 8),
        ),
        _k(
            "town_clinic",
            "卫生院",
            "210",
            ("2100302", "乡镇卫生院"),
            ("2100302", "乡镇卫生院"),
            (15, 50),
            admin=False,
            vehicles=(0, 2),
            income_share=(0.3, 1.2),
            income_prob=0.8,
            equipment=(0, 3),
            cost=(10.0, 15.0),
            projects=(1, 2),
            town_level=True,
        ),
        _k("ecology", "生态环境分局", "211", ("2110101", "行政运行"), ("2110302", "水体"), (15, 35), vehicles=(1, 4)),
        _k(
            "housing",
            "住房和城乡建设局",
            "212",
            ("2120101", "行政运行"),
            ("2120104", "城管执法"),
            (25, 60),
            vehicles=(1, 5),
        ),
        _k(
            "agriculture",
            "农业农村局",
            "213",
            ("2130101", "行政运行"),
            ("2130108", "病虫害控制"),
            (40, 100),
            vehicles=(1, 5),
        ),
        _k(
            "forestry",
            "林业局",
            "213",
            ("2130201", "行政运行"),
            ("2130234", "林业草原防灾减灾"),
            (30, 80),
            vehicles=(2, 6),
        ),
        _k("water", "水利局", "213", ("2130301", "行政运行"), ("2130314", "防汛"), (25, 60), vehicles=(1, 5)),
        _k(
            "transport",
            "交通运输局",
            "214",
            ("2140101", "行政运行"),
            ("2140106", "公路养护"),
            (30, 80),
            vehicles=(2, 6),
        ),
        _k(
            "natural_resources",
            "自然资源局",
            "220",
            ("2200101", "行政运行"),
            ("2200106", "自然资源利用与保护"),
            (30, 70),
            vehicles=(1, 5),
        ),
        _k(
            "emergency",
            "应急管理局",
            "224",
            ("2240101", "行政运行"),
            ("2240106", "安全监管"),
            (15, 35),
            vehicles=(1, 4),
        ),
        _k(
            "town",
            "镇人民政府",
            "201",
            ("2010301", "行政运行"),
            ("2130705", "对村民委员会和村党支部的补助"),
            (30, 80),
            vehicles=(1, 4),
            town_level=True,
            projects=(1, 3),
        ),
        _k(
            "subdistrict",
            "街道办事处",
            "201",
            ("2010301", "行政运行"),
            ("2010302", "一般行政管理事务"),
            (20, 50),
            vehicles=(0, 3),
            town_level=True,
            projects=(1, 3),
        ),
    ]
}

# One of each county-level unit, in the order a roster lists them.
COUNTY_CORE = [
    "gov_office",
    "finance",
    "development",
    "statistics",
    "audit",
    "market",
    "archives",
    "public_security",
    "judicial",
    "education",
    "high_school",
    "middle_school",
    "primary_school",
    "kindergarten",
    "science",
    "culture_tourism",
    "media_center",
    "hr",
    "civil",
    "veterans",
    "health_commission",
    "county_hospital",
    "tcm_hospital",
    "cdc",
    "ecology",
    "housing",
    "agriculture",
    "forestry",
    "water",
    "transport",
    "natural_resources",
    "emergency",
]

# 功能 classes in the order of 表1 (the standard list of 类).
FUNC_CLASSES = [
    ("201", "一般公共服务支出"),
    ("202", "外交支出"),
    ("203", "国防支出"),
    ("204", "公共安全支出"),
    ("205", "教育支出"),
    ("206", "科学技术支出"),
    ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"),
    ("209", "社会保险基金支出"),
    ("210", "卫生健康支出"),
    ("211", "节能环保支出"),
    ("212", "城乡社区支出"),
    ("213", "农林水支出"),
    ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"),
    ("216", "商业服务业等支出"),
    ("217", "金融支出"),
    ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"),
    ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"),
    ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"),
    ("229", "其他支出"),
]
FUNC_CLASS_NAME = dict(FUNC_CLASSES)

# Items every unit carries for its staff (share of personnel cost).
PENSION = ("2080505", "机关事业单位基本养老保险缴费支出")
ANNUITY = ("2080506", "机关事业单位职业年金缴费支出")
MED_ADMIN = ("2101101", "行政单位医疗")
MED_INST = ("2101102", "事业单位医疗")
HOUSING_FUND = ("2210201", "住房公积金")

DEPT_ECON = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出"}
GOV_ECON = {
    "501": "机关工资福利支出",
    "502": "机关商品和服务支出",
    "503": "机关资本性支出（一）",
    "505": "对事业单位经常性补助",
    "506": "对事业单位资本性补助",
    "509": "对个人和家庭的补助",
}


def gov_econ(dept: str, admin: bool) -> str:
    """政府预算经济分类 class of a 部门 class: 行政单位 use 50x, 事业单位 receive 505/506."""
    if dept == "303":
        return "509"
    if admin:
        return {"301": "501", "302": "502", "310": "503"}[dept]
    return "506" if dept == "310" else "505"


_FIRST = "清安永丰宁长云临泰和兴白青石明东南西北新乐德昌平隆华广元惠嘉春金秀"
_SECOND = "河平阳川源山水溪丰宁城江原台林州湖谷泉岭乡安和兴"
_TOWN_FIRST = "柳杨桃李松梅竹桥龙凤马牛鹿鹤枫槐杏荷菱芦溪沙岗坪塘湾铺集庄"
_TOWN_SECOND = "林坪桥湾口渡庄铺岗集店园沟坝台山河溪"
_SEED_PLACES = ("凤县",)  # the seed's county: never reused


def county_names(n: int, rng) -> list[str]:
    """n distinct invented county names like 清河县."""
    pool = [a + b + "县" for a in _FIRST for b in _SECOND if a != b]
    pool = [p for p in pool if p not in _SEED_PLACES]
    rng.shuffle(pool)
    if n > len(pool):  # very large corpora: number the rest
        pool += [f"{p[:-1]}{i}县" for i, p in enumerate(pool * (n // len(pool)))]
    return pool[:n]


def town_names(n: int, rng) -> list[str]:
    """n distinct invented town names (without 镇)."""
    pool = [a + b for a in _TOWN_FIRST for b in _TOWN_SECOND if a != b]
    rng.shuffle(pool)
    while len(pool) < n:
        pool += [p + "新" for p in pool]
    return pool[:n]


_CN_NUM = "一二三四五六七八九十"


def cn_ordinal(i: int) -> str:
    """1 -> 一, 12 -> 十二 (for 第N中学)."""
    if i <= 10:
        return _CN_NUM[i - 1]
    if i < 20:
        return "十" + _CN_NUM[i - 11]
    t, u = divmod(i, 10)
    return _CN_NUM[t - 1] + "十" + (_CN_NUM[u - 1] if u else "")


def county_roster(county: str, n: int, rng) -> list[tuple[str, str]]:
    """(unit name, kind key) for n distinct units of one county.

    The county-level bodies come first, then towns with their school and clinic,
    with a 街道 every few towns and numbered middle schools in between.
    """
    roster = []
    for key in COUNTY_CORE:
        k = KINDS[key]
        name = county + ("第一中学" if key == "middle_school" else "实验小学" if key == "primary_school" else k.suffix)
        roster.append((name, key))
    towns = town_names(max(8, n // 3), rng)
    school_no = 2
    for t, town in enumerate(towns):
        if len(roster) >= n:
            break
        if t % 6 == 5:
            roster.append((f"{county}{town}街道办事处", "subdistrict"))
            continue
        roster.append((f"{county}{town}镇人民政府", "town"))
        roster.append((f"{county}{town}镇中心小学", "primary_school"))
        roster.append((f"{county}{town}镇卫生院", "town_clinic"))
        if t % 2 == 0:
            roster.append((f"{county}第{cn_ordinal(school_no)}中学", "middle_school"))
            school_no += 1
    return roster[:n]
