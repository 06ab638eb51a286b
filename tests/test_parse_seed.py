"""The parser's acceptance figures on the real disclosure in ../shared/seed."""

import polars as pl
import pytest


def test_identity_and_headline(seed_frames):
    u = seed_frames["units"].row(0, named=True)
    assert u["unit_name"] == "凤县人民政府办公室"
    assert u["year"] == 2024
    assert u["parse_status"] == "ok", u["parse_error"]
    assert u["total_budget_yuan"] == pytest.approx(6106713.00)
    assert (u["staff_authorized"], u["staff_actual"], u["retirees"], u["vehicles"]) == (30, 26, 7, 22)
    assert u["sangong_total_yuan"] == pytest.approx(339600)
    assert u["sangong_prior_yuan"] == pytest.approx(353800)


def test_staff_parts(seed_frames):
    c = seed_frames["claims"]
    got = dict(c.filter(pl.col("section") == "staff").select("item", "current").iter_rows())
    assert got == {
        "staff_authorized": 30,
        "staff_authorized_admin": 21,
        "staff_authorized_inst": 9,
        "staff_actual": 26,
        "staff_actual_admin": 19,
        "staff_actual_inst": 7,
        "retirees": 7,
        "vehicles": 22,
    }


def test_functional_items(seed_frames):
    c = seed_frames["claims"].filter(pl.col("code").str.len_chars() == 7)
    rows = c.select("code", "current", "change", "direction").rows()
    assert rows == [
        ("2010301", 239.14, 127.52, "decrease"),
        ("2010302", 104.80, 104.80, "increase"),
        ("2010303", 95.02, 95.02, "increase"),
        ("2010350", 57.80, 57.80, "increase"),
        ("2080505", 40.51, 9.39, "decrease"),
        ("2080506", 20.26, 4.69, "decrease"),
        ("2101101", 17.64, 2.53, "decrease"),  # the change sits after a soft line break
        ("2101102", 4.77, 7.70, "decrease"),
        ("2210201", 30.73, 8.47, "decrease"),
    ]
    assert c.filter(pl.col("code") == "2101101")["change_line"].item() == 152


def test_economic_items(seed_frames):
    c = seed_frames["claims"].filter(pl.col("code").str.len_chars() == 3)
    rows = c.select("code", "current", "change", "direction").rows()
    assert rows == [
        ("301", 401.49, 95.64, "decrease"),
        ("302", 205.22, 17.99, "increase"),
        ("303", 3.96, None, "flat"),
        ("501", 401.49, 95.64, "decrease"),
        ("502", 200.59, 9.40, "increase"),
        ("504", 4.63, 1.63, "increase"),
        ("509", 3.96, None, "flat"),
    ]


def test_sangong_paragraph(seed_frames):
    c = seed_frames["claims"].filter(pl.col("line") == 190)
    by_item = {r["item"]: r for r in c.iter_rows(named=True)}
    s = by_item["sangong"]
    assert (s["current"], s["prior"], s["change"], s["pct"], s["basis"]) == (33.96, 35.38, 1.41, 96, "较上年预算")
    r = by_item["reception"]
    assert (r["current"], r["current_unit"], r["prior"], r["prior_unit"], r["change"], r["change_unit"]) == (
        2.19,
        "元",
        3.49,
        None,
        1.29,
        "万元",
    )
    assert r["pct"] == 62.84 and r["pct_dec"] == 2
    m = by_item["meeting"]
    assert (m["current"], m["prior"], m["change"], m["pct"]) == (2.68, 2.70, 0.19, 7.3)
    assert by_item["sangong_abroad"]["direction"] == "flat"
    assert "较上年预算35.38万元减少1.41万元（96%）" in s["text"]


def test_totals_and_changes(seed_frames):
    c = seed_frames["claims"]
    income = c.filter(pl.col("item") == "income_total").row(0, named=True)
    assert (income["current"], income["change"], income["direction"], income["line"]) == (
        610.67,
        84.61,
        "decrease",
        118,
    )
    pf = c.filter(pl.col("item") == "public_funds").row(0, named=True)
    assert (pf["current"], pf["prior"], pf["change"]) == (5.40, 7.20, 1.80)
    # A year beside an amount is never money.
    assert c.filter(pl.col("current").is_in([2023.0, 2024.0, 2025.0])).height == 0


def test_table1_groups_add_up(seed_frames):
    t1 = seed_frames["cells"].filter((pl.col("table_id") == "表1") & pl.col("value").is_not_null())
    totals = t1.filter(pl.col("row_label").is_in(["本年收入合计", "本年支出合计"])).sort("group_index")
    assert totals["group_index"].to_list() == [0, 1, 2, 3]
    assert totals["value_yuan"].to_list() == [6106713.00] * 4
    groups = t1["col_group"].unique().sort().to_list()
    assert groups == sorted(
        ["项目", "支出功能科目(按大类)", "部门预算支出经济分类科目(按大类)", "政府预算支出经济分类科目(按大类)"]
    )
    # 功能 classes (numbered items) add up to the total.
    func = t1.filter((pl.col("group_index") == 1) & pl.col("row_label").str.contains(r"^\d+、"))
    assert func["value"].sum() == pytest.approx(6106713.00)


def test_project_tables(seed_frames):
    cells = seed_frames["cells"]
    amounts = (
        cells.filter(
            pl.col("table_id").str.starts_with("表13-")
            & pl.col("row_label").str.contains("年度资金总额")
            & pl.col("value").is_not_null()
        )
        .sort("line")
        .select("table_id", "value", "unit")
        .rows()
    )
    assert amounts == [
        ("表13-1", 95.01, "万元"),
        ("表13-2", 10.00, "万元"),
        ("表13-3", 5.00, "万元"),
        ("表13-4", 45.00, "万元"),
        ("表13-5", 44.80, "万元"),
    ]
    # The 整体支出 table is printed without its 表14 marker; the 目录 names it.
    assert cells.filter(pl.col("table_id") == "表14").height > 0


def test_toc(seed_frames):
    toc = seed_frames["toc"]
    assert toc["table_id"].to_list() == [f"表{i}" for i in range(1, 16)]
    assert toc.filter("declared_empty")["table_id"].to_list() == ["表9", "表11", "表15"]
    assert set(toc.filter("declared_empty")["reason"]) == {"不涉及"}


def test_placeholder_and_sections(seed_frames):
    marks = seed_frames["marks"]
    ph = marks.filter(pl.col("kind") == "placeholder")
    assert ph.select("key", "line").rows() == [("XX", 194)]
    sections = set(marks.filter(pl.col("kind") == "section")["key"])
    assert {"staff", "budget", "sangong", "assets", "procurement", "performance", "public_funds", "tables"} <= sections


def test_evidence_quotes_original_text(seed_file, seed_frames):
    lines = seed_file.read_text(encoding="utf-8").splitlines()
    for row in seed_frames["claims"].iter_rows(named=True):
        first = row["text"].split(" … ")[0]
        # Every quote starts in the original text at or just above the claim's line…
        assert any(first[:6] in lines[k] for k in range(max(0, row["line"] - 3), row["line"])), (row["line"], first)
        # …and the figure it is about is printed on the line the claim gives for it.
        if row["current"] is not None:
            printed = f"{row['current']:.{row['current_dec']}f}"
            assert printed in lines[row["current_line"] - 1].replace(" ", ""), (row["current_line"], printed)
