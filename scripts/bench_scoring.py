"""Time features + scoring + copies + ranking on many synthetic units.

    python scripts/bench_scoring.py [--units 100000] [--seed 0]

The frames are built directly with numpy/polars (no text, no parsing), shaped like
the parser's output: per unit ~11 claims, 4 表1 cells, 10 paragraph marks, 5
coverage rows and a few findings. Prints seconds per stage and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datasets import frames as F  # noqa: E402

KINDS = [
    ("财政局", "一般公共服务支出"),
    ("镇人民政府", "一般公共服务支出"),
    ("中心小学", "教育支出"),
    ("卫生院", "卫生健康支出"),
    ("街道办事处", "一般公共服务支出"),
    ("农业农村局", "农林水支出"),
]


def _frame(name: str, data: dict) -> pl.DataFrame:
    schema = F.SCHEMAS[name]
    df = pl.DataFrame(data)
    n = df.height
    return (
        df.with_columns([pl.lit(None, dtype=t).alias(k) for k, t in schema.items() if k not in df.columns]).select(
            [pl.col(k).cast(t) for k, t in schema.items()]
        )
        if n
        else F.empty(name)
    )


def synthetic_frames(n: int, seed: int = 0) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"{i:016x}" for i in range(n)])
    kind = rng.integers(0, len(KINDS), n)
    names = np.array([f"县{i // 100}单位{i}{KINDS[k][0]}" for i, k in enumerate(kind)])
    actual = rng.integers(8, 120, n)
    auth = actual + rng.integers(0, 10, n)
    vehicles = rng.integers(0, 6, n)
    total = actual * rng.uniform(1.2e5, 2.5e5, n)
    reception = rng.uniform(3e3, 3e4, n).round(-2)
    car_run = (vehicles * rng.uniform(8e3, 2.5e4, n)).round(-2)
    car_buy = np.where(rng.random(n) < 0.05, 2e5, 0.0)
    sangong = reception + car_run + car_buy
    out = rng.random(n) < 0.03
    car_run = np.where(out & (vehicles > 0), vehicles * 1.1e5, car_run)
    status = np.where(rng.random(n) < 0.01, "failed", "ok")
    units = _frame(
        "units",
        {
            "unit_id": ids,
            "source_path": [f"/corpus/{i}.txt" for i in ids],
            "unit_name": names,
            "year": np.full(n, 2024),
            "parse_status": status,
            "total_budget_yuan": total.round(-2),
            "staff_authorized": auth,
            "staff_actual": actual,
            "retirees": rng.integers(0, 40, n),
            "vehicles": vehicles,
            "sangong_total_yuan": sangong,
            "sangong_prior_yuan": (sangong * rng.uniform(0.85, 1.15, n)).round(-2),
        },
    )
    # Copies: every 50th unit repeats the previous unit's figures under its own name.
    cp = np.arange(1, n, 50)
    for arr in (total, reception, car_run, car_buy, actual, auth, vehicles):
        arr[cp] = arr[cp - 1]

    items = {
        "income_total": total,
        "reception": reception,
        "vehicle_running": car_run,
        "vehicle_purchase": car_buy,
        "meeting": rng.uniform(5e3, 5e4, n).round(-2),
        "training": rng.uniform(3e3, 5e4, n).round(-2),
        "public_funds": (actual * rng.uniform(4e3, 1.4e4, n)).round(-2),
        "sangong": sangong,
    }
    parts = []
    for j, (item, values) in enumerate(items.items()):
        parts.append(
            pl.DataFrame(
                {
                    "unit_id": ids,
                    "claim_id": np.full(n, j),
                    "item": np.full(n, item),
                    "current_yuan": values,
                    "pct": np.where(rng.random(n) < 0.5, 5.0, None),
                }
            )
        )
    for j, code in enumerate(["2010301", "2080505", "2210201"]):
        parts.append(
            pl.DataFrame(
                {
                    "unit_id": ids,
                    "claim_id": np.full(n, 10 + j),
                    "code": np.full(n, code),
                    "current_yuan": (total * (0.6, 0.1, 0.07)[j]).round(-2),
                }
            )
        )
    claims = _frame("claims", pl.concat(parts, how="diagonal_relaxed").to_dict(as_series=False))
    cls = np.array([KINDS[k][1] for k in kind])
    cells = _frame(
        "cells",
        pl.concat(
            [
                pl.DataFrame(
                    {
                        "unit_id": ids,
                        "table_id": "表1",
                        "group_index": 1,
                        "row": 3,
                        "row_label": np.char.add("1、", cls),
                        "value_yuan": total * 0.8,
                    }
                ),
                pl.DataFrame(
                    {
                        "unit_id": ids,
                        "table_id": "表1",
                        "group_index": 1,
                        "row": 4,
                        "row_label": "2、社会保障和就业支出",
                        "value_yuan": total * 0.2,
                    }
                ),
                pl.DataFrame(
                    {
                        "unit_id": ids,
                        "table_id": "表1",
                        "group_index": 2,
                        "row": 4,
                        "row_label": "(1)工资福利支出",
                        "value_yuan": total * 0.6,
                    }
                ),
                pl.DataFrame(
                    {
                        "unit_id": ids,
                        "table_id": "表1",
                        "group_index": 2,
                        "row": 8,
                        "row_label": "2、专项业务经费支出",
                        "value_yuan": total * rng.uniform(0.05, 0.4, n),
                    }
                ),
            ]
        ).to_dict(as_series=False),
    )
    # Paragraphs: 10 per unit, 3 of them shared by everyone (boilerplate), copies share the rest.
    owner = np.repeat(np.arange(n), 10)
    slot = np.tile(np.arange(10), n)
    src = np.where(np.isin(owner, cp), owner - 1, owner)
    key = np.where(
        slot < 3,
        np.char.add("boiler", slot.astype(str)),
        np.char.add(np.char.add(src.astype(str), ":"), slot.astype(str)),
    )
    marks = _frame(
        "marks",
        {
            "unit_id": ids[owner],
            "kind": np.full(owner.size, "paragraph"),
            "key": key,
            "text": np.full(owner.size, "本年度公用经费安排6.30万元，比上年8.15万元减少1.85万元。"),
            "line": slot * 5 + 10,
        },
    )
    frames = {"units": units, "claims": claims, "cells": cells, "toc": F.empty("toc"), "marks": marks}
    m = max(1, n // 3)
    who = rng.integers(0, n, m)
    fam = rng.choice(["ARI", "PCT", "YOY", "UNT"], m)
    findings = pl.DataFrame(
        {
            "unit_id": ids[who],
            "source_path": [f"/corpus/{i}.txt" for i in ids[who]],
            "rule": np.char.add(fam, "001"),
            "family": fam,
            "severity": rng.choice(["error", "warning"], m),
            "message": "m",
            "evidence": "e",
            "line": rng.integers(1, 300, m),
            "stated": None,
            "expected": None,
        },
        schema_overrides={"stated": pl.String, "expected": pl.String},
    )
    cov_rules = ["ARI001", "YOY001", "SAN001", "PCT001", "XTB001"]
    coverage = pl.DataFrame(
        {
            "unit_id": np.repeat(ids, len(cov_rules)),
            "rule": np.tile(cov_rules, n),
            "outcome": np.where(rng.random(n * len(cov_rules)) < 0.95, "pass", "fail"),
        }
    )
    return frames, findings, coverage


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from anomaly.copies import copy_findings
    from anomaly.ranking import rank
    from anomaly.scoring import score_units

    t0 = time.perf_counter()
    frames, findings, coverage = synthetic_frames(args.units, args.seed)
    t1 = time.perf_counter()
    rows = {k: v.height for k, v in frames.items()}
    print(f"built {args.units:,} units of frames in {t1 - t0:.1f}s: {rows}")

    scores, long, out = score_units(frames, findings, coverage)
    t2 = time.perf_counter()
    cpy = copy_findings(frames)
    t3 = time.perf_counter()
    all_findings = pl.concat([findings, out, cpy], how="diagonal_relaxed")
    ranking = rank(frames["units"], all_findings, scores)
    t4 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"features + scoring: {t2 - t1:6.2f}s  ({long.height:,} feature rows, {out.height:,} OUT001)")
    print(f"copies:             {t3 - t2:6.2f}s  ({cpy.height:,} CPY findings)")
    print(f"ranking:            {t4 - t3:6.2f}s  ({ranking.height:,} rows)")
    print(f"total:              {t4 - t1:6.2f}s  for {args.units:,} units; peak memory {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
