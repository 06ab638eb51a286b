"""Features and peer normalisation on small hand-built frames."""

from __future__ import annotations

import re

import polars as pl
import pytest

import features
from datasets import frames as F
from features.normalize import long_form
from features.peers import kind_expr


def make_frames(
    units: list[dict],
    claims: list[dict] | None = None,
    cells: list[dict] | None = None,
    marks: list[dict] | None = None,
) -> dict[str, pl.DataFrame]:
    """Frames with the parser's schemas from a few rows (missing columns are null)."""

    def frame(name, rows):
        rows = rows or []
        cols = {k: [r.get(k) for r in rows] for k in F.SCHEMAS[name]}
        return F.from_columns(name, cols) if rows else F.empty(name)

    units = [{"parse_status": "ok", "source_path": f"/c/{u['unit_id']}.txt", **u} for u in units]
    claims = [{"claim_id": i, **c} for i, c in enumerate(claims or [])]
    return {
        "units": frame("units", units),
        "claims": frame("claims", claims),
        "cells": frame("cells", cells),
        "toc": F.empty("toc"),
        "marks": frame("marks", marks),
    }


def unit_rows(
    uid: str,
    name: str,
    total: float,
    auth: int,
    actual: int,
    vehicles: int,
    sangong: float,
    sangong_prior: float,
    reception: float,
    car_run: float,
    car_buy: float = 0.0,
    meeting: float = 20000.0,
    training: float = 10000.0,
    public: float = 50000.0,
    cls: str = "一般公共服务支出",
    personnel: float | None = None,
    project: float | None = None,
):
    u = {
        "unit_id": uid,
        "unit_name": name,
        "total_budget_yuan": total,
        "staff_authorized": auth,
        "staff_actual": actual,
        "vehicles": vehicles,
        "sangong_total_yuan": sangong,
        "sangong_prior_yuan": sangong_prior,
    }
    c = [
        {
            "unit_id": uid,
            "item": "income_total",
            "current_yuan": total,
            "change_yuan": total * 0.1,
            "direction": "increase",
        },
        {"unit_id": uid, "item": "reception", "current_yuan": reception},
        {"unit_id": uid, "item": "vehicle_running", "current_yuan": car_run},
        {"unit_id": uid, "item": "vehicle_purchase", "current_yuan": car_buy},
        {"unit_id": uid, "item": "meeting", "current_yuan": meeting, "pct": 5.0},
        {"unit_id": uid, "item": "training", "current_yuan": training, "pct": 3.0},
        {"unit_id": uid, "item": "public_funds", "current_yuan": public},
    ]
    cells = [
        {
            "unit_id": uid,
            "table_id": "表1",
            "group_index": 1,
            "row": 3,
            "row_label": f"1、{cls}",
            "value_yuan": total * 0.8,
        },
        {
            "unit_id": uid,
            "table_id": "表1",
            "group_index": 1,
            "row": 4,
            "row_label": "2、社会保障和就业支出",
            "value_yuan": total * 0.2,
        },
    ]
    if personnel is not None:
        cells.append(
            {
                "unit_id": uid,
                "table_id": "表1",
                "group_index": 2,
                "row": 4,
                "row_label": "(1)工资福利支出",
                "value_yuan": personnel,
            }
        )
    if project is not None:
        cells.append(
            {
                "unit_id": uid,
                "table_id": "表1",
                "group_index": 2,
                "row": 8,
                "row_label": "2、专项业务经费支出",
                "value_yuan": project,
            }
        )
    return u, c, cells


def build_many(specs):
    us, cs, ce = [], [], []
    for s in specs:
        u, c, cells = unit_rows(**s)
        us.append(u)
        cs += c
        ce += cells
    return make_frames(us, cs, ce)


def test_ratios_on_hand_built_unit():
    fr = build_many(
        [
            dict(
                uid="a",
                name="清河县财政局",
                total=1_000_000,
                auth=20,
                actual=16,
                vehicles=2,
                sangong=50_000,
                sangong_prior=40_000,
                reception=20_000,
                car_run=30_000,
                personnel=640_000,
                project=200_000,
            )
        ]
    )
    w = features.build(fr).row(0, named=True)
    assert w["budget_per_authorized"] == pytest.approx(50_000)
    assert w["budget_per_staff"] == pytest.approx(62_500)
    assert w["personnel_cost_per_staff"] == pytest.approx(40_000)
    assert w["vacancy_rate"] == pytest.approx(0.2)
    assert w["sangong_share"] == pytest.approx(0.05)
    assert w["sangong_per_staff"] == pytest.approx(50_000 / 16)
    assert w["vehicle_cost_per_vehicle"] == pytest.approx(15_000)
    assert w["reception_share"] == pytest.approx(0.4)
    assert w["public_funds_per_staff"] == pytest.approx(50_000 / 16)
    assert w["meeting_per_staff"] == pytest.approx(20_000 / 16)
    assert w["training_per_staff"] == pytest.approx(10_000 / 16)
    assert w["project_share"] == pytest.approx(0.2)
    # +10% stated as a change: prior = current − change.
    assert w["total_yoy"] == pytest.approx(100_000 / 900_000)
    assert w["sangong_yoy"] == pytest.approx(0.25)
    assert w["peer_class"] == "一般公共服务支出" and w["peer_kind"] == "bureau"


def test_car_purchase_is_left_out_of_recurring_sangong():
    fr = build_many(
        [
            dict(
                uid="a",
                name="清河县财政局",
                total=1_000_000,
                auth=20,
                actual=10,
                vehicles=2,
                sangong=250_000,
                sangong_prior=50_000,
                reception=20_000,
                car_run=30_000,
                car_buy=200_000,
            )
        ]
    )
    w = features.build(fr).row(0, named=True)
    assert w["sangong_share"] == pytest.approx(0.05)
    assert w["sangong_yoy"] == pytest.approx(4.0)  # the stated total still shows the jump


def test_missing_figures_give_nulls_not_errors():
    fr = make_frames(
        [
            {
                "unit_id": "x",
                "unit_name": "某镇人民政府",
                "total_budget_yuan": 500_000.0,
                "staff_actual": 0,
                "staff_authorized": None,
                "vehicles": 0,
            }
        ]
    )
    w = features.build(fr).row(0, named=True)
    assert w["budget_per_staff"] is None  # zero staff
    assert w["budget_per_authorized"] is None and w["vacancy_rate"] is None
    assert w["vehicle_cost_per_vehicle"] is None and w["sangong_share"] is None
    assert w["pct_error_rate"] is None and w["arith_error_rate"] is None
    assert w["peer_kind"] == "town"


def test_impossible_share_is_null():
    # 接待费 printed in 元 where 万元 is meant is the checks' business, not a peer outlier.
    fr = build_many(
        [
            dict(
                uid="a",
                name="清河县财政局",
                total=1_000_000,
                auth=20,
                actual=10,
                vehicles=2,
                sangong=50_000,
                sangong_prior=40_000,
                reception=200_000,
                car_run=30_000,
            )
        ]
    )
    assert features.build(fr)["reception_share"].item() is None


def test_error_rates_from_findings_and_coverage():
    fr = build_many(
        [
            dict(
                uid="a",
                name="清河县财政局",
                total=1_000_000,
                auth=20,
                actual=10,
                vehicles=2,
                sangong=50_000,
                sangong_prior=40_000,
                reception=20_000,
                car_run=30_000,
            )
        ]
    )
    findings = pl.DataFrame(
        {"unit_id": ["a", "a"], "rule": ["PCT001", "ARI001"], "family": ["PCT", "ARI"], "severity": ["error", "error"]}
    )
    coverage = pl.DataFrame(
        {
            "unit_id": ["a"] * 5,
            "rule": ["ARI001", "ARI002", "YOY001", "SAN001", "PLH001"],
            "outcome": ["fail", "pass", "pass", "pass", "pass"],
        }
    )
    w = features.build(fr, findings, coverage).row(0, named=True)
    assert w["pct_error_rate"] == pytest.approx(0.5)  # 1 PCT finding, 2 percentages stated
    assert w["arith_error_rate"] == pytest.approx(0.25)  # 1 failed of 4 ARI/YOY/SAN checks


@pytest.mark.parametrize(
    "name,kind",
    [
        ("清河县柳林镇人民政府", "town"),
        ("清河县柳林镇中心小学", "school"),
        ("清河县柳林镇卫生院", "health"),
        ("清河县湾林街道办事处", "subdistrict"),
        ("清河县乡村振兴局", "bureau"),
        ("清河县疾病预防控制中心", "health"),
        ("清河县融媒体中心", "bureau"),
        ("清河县第二中学", "school"),
        ("清河县人民政府办公室(本级)", "bureau"),
        ("清河县档案馆", "other"),
        ("清河县柳林乡", "town"),
    ],
)
def test_kind_from_name(name, kind):
    assert pl.select(kind_expr(pl.lit(name))).item() == kind


def test_robust_z_and_zero_mad():
    wide = pl.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(10)],
            "budget_per_staff": [10.0, 11, 12, 13, 14, 15, 16, 17, 18, 100],
            "sangong_share": [0.0] * 9 + [0.5],  # MAD 0: falls back to the mean absolute deviation
            "project_share": [0.3] * 10,  # all identical: z = 0
            "peer_group": ["g"] * 10,
        }
    )
    long = long_form(wide, min_peers=3)
    z = {(r["unit_id"], r["feature"]): r for r in long.iter_rows(named=True)}
    r = z[("u9", "budget_per_staff")]
    assert r["peer_median"] == pytest.approx(14.5)
    assert r["peer_mad"] == pytest.approx(2.5)
    assert r["robust_z"] == pytest.approx((100 - 14.5) / (1.4826 * 2.5))
    s = z[("u9", "sangong_share")]
    assert s["peer_mad"] == 0 and s["robust_z"] == pytest.approx(0.5 / (1.2533 * 0.05))
    assert z[("u0", "sangong_share")]["robust_z"] == 0
    assert all(z[(f"u{i}", "project_share")]["robust_z"] == 0 for i in range(10))
    assert set(long.columns) >= {"unit_id", "feature", "value", "peer_group", "peer_median", "peer_mad", "robust_z"}


def test_small_groups_fall_back_to_coarser_peers():
    specs = []
    for i in range(12):  # 12 towns (class 201) and 2 schools
        specs.append(
            dict(
                uid=f"t{i:02d}",
                name=f"清河县镇{i}镇人民政府",
                total=1e6 + i * 1e4,
                auth=30,
                actual=25,
                vehicles=2,
                sangong=50_000,
                sangong_prior=45_000,
                reception=20_000,
                car_run=30_000,
            )
        )
    for i in range(2):
        specs.append(
            dict(
                uid=f"s{i}",
                name=f"清河县第{i}中学",
                total=2e6,
                auth=60,
                actual=55,
                vehicles=0,
                sangong=10_000,
                sangong_prior=9_000,
                reception=10_000,
                car_run=0,
                cls="教育支出",
            )
        )
    w = features.build(build_many(specs))
    groups = dict(zip(w["unit_id"], w["peer_group"]))
    assert groups["t00"] == "一般公共服务支出·乡镇"
    assert groups["s0"] == "全部"  # 2 schools, 2 education units: too few, so all units
    long = features.long_form(w)
    assert long.filter(pl.col("unit_id") == "s0")["peer_group"].unique().to_list() == ["全部"]


def _seed_figure(text: str, pattern: str) -> float:
    """One figure of the seed, found by a plain regex (independent of the parser)."""
    m = re.search(pattern, text)
    assert m, pattern
    return float(m.group(1))


def test_seed_features(seed_file, seed_frames):
    # Expected values come from the seed's own text (../shared/seed), read here with
    # plain regexes, so the features are checked against figures the parser did not make.
    text = seed_file.read_text(encoding="utf-8")
    staff = _seed_figure(text, r"实有人员 ?(\d+) ?人")
    total = _seed_figure(text, r"本年收入合计\t([\d.]+)")
    wages = _seed_figure(text, r"\(1\)工资福利支出\t([\d.]+)")  # 表1 部门经济 工资福利支出
    vehicles = _seed_figure(text, r"共有车辆(\d+)辆")
    car_run = _seed_figure(text, r"公务用车运行维护费([\d.]+)万元") * 1e4
    public = _seed_figure(text, r"公用经费预算安排([\d.]+)万元") * 1e4
    projects = _seed_figure(text, r"专项业务经费支出\t([\d.]+)")
    income = _seed_figure(text, r"本单位预算收入 ?([\d.]+) ?万元") * 1e4
    fall = _seed_figure(text, r"预算收入较上年减少 ?([\d.]+) ?万元") * 1e4
    w = features.build(seed_frames).row(0, named=True)
    assert w["budget_per_staff"] == pytest.approx(total / staff)
    assert w["personnel_cost_per_staff"] == pytest.approx(wages / staff)
    assert w["vehicle_cost_per_vehicle"] == pytest.approx(car_run / vehicles)
    assert w["public_funds_per_staff"] == pytest.approx(public / staff)
    assert w["project_share"] == pytest.approx(projects / total)
    assert w["total_yoy"] == pytest.approx(-fall / (income + fall))
    assert w["peer_class"] == "一般公共服务支出"
