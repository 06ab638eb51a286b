"""The 财政部 nine-table template (datasets.synthetic.ministry): tables known by their
title whatever their number or 单位, and the checks finding every planted mistake in it."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from anomaly.engine import frames_from_text, run_rules
from datasets import roles
from datasets.corpus import parse_files
from datasets.parse import parse_text
from datasets.synthetic import generate_corpus


@pytest.mark.parametrize(
    ("title", "cid"),
    [
        ("2024年单位综合预算收支总表", "表1"),
        ("2024年部门收支总表", "表1"),
        ("2024年部门财政拨款收支总表", "表4"),
        ("2024年部门一般公共预算支出表", "表5"),
        ("2024年单位综合预算一般公共预算支出明细表（按支出经济分类科目）", "表6"),
        ("2024年单位综合预算一般公共预算基本支出明细表（按支出功能分类科目）", "表7"),
        ("2024年部门一般公共预算基本支出表", "表8"),
        ("2024年部门一般公共预算“三公”经费支出表", "表12"),
        ("2024年单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表", "表12"),
        ("2024年专项资金整体绩效目标表", "表15"),
        ("2024年部门整体支出绩效目标表", "表14"),
    ],
)
def test_role_by_title(title, cid):
    assert roles.canonical("表七", title) == cid


def test_project_tables_keep_their_part():
    assert roles.canonical("附表1-2", "2024年部门项目支出绩效目标表（2）") == "表13-2"
    assert roles.canonical("表?1", "2024年单位专项业务经费绩效目标表（3）") == "表13-3"
    assert roles.canonical("表?1", "无名表") == "表?1"


_DOC = """某县某局
2024年部门预算公开说明

目　录

表一　2024年部门收支总表
表二　2024年部门一般公共预算“三公”经费支出表
表三　2024年部门政府性基金预算支出表

表一　2024年部门收支总表

单位：千元

项 目\t预算数\t项 目\t预算数
一、一般公共预算拨款收入\t1234.50\t一、一般公共服务支出\t1234.50
本年收入合计\t1234.50\t本年支出合计\t1234.50

表二

2024年部门一般公共预算“三公”经费支出表

编制单位：某县某局　　　单位：万元

项目\t合计\t因公出国（境）费\t公务接待费
2023年预算数\t5.00\t1.00\t4.00
2024年预算数\t6.00\t2.00\t4.00

表三

2024年部门政府性基金预算支出表

单位：元

科目编码\t科目名称\t合计
\t合计\t

注：本部门2024年没有使用政府性基金预算拨款安排的支出，故本表无数据。
"""


def test_parse_other_template():
    out = parse_text(_DOC)
    frames = frames_from_text(_DOC)
    cells = frames["cells"]
    t1 = cells.filter(pl.col("table_printed") == "表一")
    assert set(t1["table_id"]) == {"表1"}
    assert t1.filter(pl.col("row_label") == "本年收入合计")["value_yuan"].to_list() == [1234500.0]  # 千元
    sg = cells.filter((pl.col("table_id") == "表12") & pl.col("value").is_not_null())
    first = sg.filter(pl.col("row") == sg["row"].min())
    assert first["text"].to_list()[:1] == ["6.00"]  # this year's row first
    assert frames["units"]["total_budget_yuan"].item() == 1234500.0
    toc = {d["table_id"]: d for d in out["toc"]}
    assert set(toc) == {"表一", "表二", "表三"}
    assert toc["表三"]["declared_empty"] and toc["表三"]["reason"].startswith("注")
    assert not toc["表一"]["declared_empty"]


def test_prior_year_column_moves_right():
    doc = _DOC.replace(
        "项目\t合计\t因公出国（境）费\t公务接待费\n2023年预算数\t5.00\t1.00\t4.00\n2024年预算数\t6.00\t2.00\t4.00",
        "科目编码\t科目名称\t2023年预算数\t2024年预算数\n2010301\t行政运行\t5.00\t6.00",
    )
    cells = frames_from_text(doc)["cells"]
    row = cells.filter((pl.col("table_printed") == "表二") & pl.col("value").is_not_null()).sort("col")
    assert row["text"].to_list() == ["6.00", "5.00"]
    assert row["col_header"].to_list() == ["2024年预算数", "2023年预算数"]


@pytest.fixture(scope="module")
def mof_corpus(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("mof")
    labels = generate_corpus(folder, units=120, seed=5, template="mof")
    return folder, labels


def test_generator_labels_the_template(mof_corpus):
    _, labels = mof_corpus
    assert labels["generator"]["template"] == "mof"
    tpl = [d["template"] for d in labels["documents"]]
    assert all(t["family"] == "mof" for t in tpl)
    assert {t["tables"] for t in tpl} == {8, 9, 10}
    assert {t["numerals"] for t in tpl} == {"cn", "arabic", "appendix"}
    assert any(t["subunits"] for t in tpl)


def test_checks_on_the_other_template(mof_corpus):
    folder, labels = mof_corpus
    docs = labels["documents"]
    frames = parse_files([folder / d["file"] for d in docs])
    findings, _ = run_rules(frames)
    units = frames["units"].with_columns(pl.col("source_path").str.replace(r".*/([^/]+/[^/]+)$", "$1").alias("rel"))
    fams = findings.join(units.select("unit_id", "rel"), on="unit_id")
    alarms = fams.filter(pl.col("severity").is_in(["error", "warning"]))
    clean = {d["file"] for d in docs if d["clean"]}
    assert not set(alarms["rel"]) & clean
    found = set(zip(fams["rel"], fams["family"]))
    planted = [(d["file"], a["family"]) for d in docs for a in d["anomalies"] if a["family"] not in ("CPY", "OUT")]
    missed = [p for p in planted if p not in found]
    assert len(missed) <= len(planted) // 20, missed
    # Every labelled headline total is read from 表一 in its own 单位.
    by_rel = dict(zip(units["rel"], units["total_budget_yuan"]))
    assert [by_rel[d["file"]] for d in docs] == pytest.approx([d["truth"]["total_budget_yuan"] for d in docs], abs=0.01)
