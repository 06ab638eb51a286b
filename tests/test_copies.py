"""CPY003-CPY005 from their catalog examples: texts parsed, keys compared across units."""

from __future__ import annotations

import re

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from anomaly.copies import FIGURE_PATTERN, MAX_HOLDERS, copy_findings, pairable
from datasets.corpus import parse_files

_SANGONG = (
    "2024年{who}当年一般公共预算“三公”经费预算支出12.40万元，较上年13.10万元减少0.70万元（5.34%），"
    "主要原因是严格落实过紧日子要求。其中：公务接待费3.20万元，较上年3.50万元减少0.30万元；"
    "公务用车运行维护费9.20万元，较上年9.60万元减少0.40万元。"
)


def _doc(name: str, body: str) -> str:
    return f"{name}\n2024年单位预算公开说明\n\n一、主要职责\n\n{name}的主要职责是：做好本职工作。\n\n{body}\n"


def _screen(tmp_path, docs: dict[str, str], pages: dict[str, str] | None = None) -> pl.DataFrame:
    """CPY findings of `docs` (unit name: body) as texts and `pages` (file name: HTML)."""
    paths = []
    for i, (name, body) in enumerate(docs.items()):
        p = tmp_path / f"u{i}.txt"
        p.write_text(_doc(name, body), encoding="utf-8")
        paths.append(p)
    for file, html in (pages or {}).items():
        paths.append(tmp_path / file)
        paths[-1].write_text(html, encoding="utf-8")
    frames = parse_files(paths)
    f = copy_findings(frames)
    return f.join(frames["units"].select("unit_id", "unit_name"), on="unit_id")


def test_cpy003_another_units_name(tmp_path):
    docs = {
        "华溪县甲镇卫生院": _SANGONG.format(who="华溪县乙镇卫生院").replace("12.40", "8.10"),
        "华溪县乙镇卫生院": _SANGONG.format(who="本单位"),
        "华溪县丙局": "本单位预算经华溪县财政局审核后报华溪县人民政府批准。",
        "华溪县财政局": "本单位负责全县预算管理。",
    }
    f = _screen(tmp_path, docs)
    got = f.filter(pl.col("rule") == "CPY003")
    assert got["unit_name"].to_list() == ["华溪县甲镇卫生院"]
    row = got.row(0, named=True)
    assert "华溪县乙镇卫生院" in row["message"] and "u1.txt" in row["evidence"]
    # A superior body named after 经 is no residue.
    assert f.filter(pl.col("unit_name") == "华溪县丙局").height == 0


def test_cpy005_paragraph_renamed_and_one_finding_per_pair(tmp_path):
    docs = {
        "华溪县甲局": _SANGONG.format(who="华溪县甲局"),
        "华溪县乙局": _SANGONG.format(who="本单位"),
        "华溪县丙局": "本单位无其他说明事项，2024年预算见报表。",
    }
    f = _screen(tmp_path, docs)
    assert sorted(f["unit_name"].to_list()) == ["华溪县乙局", "华溪县甲局"]
    assert set(f["rule"]) == {"CPY005"}
    # Printed by many units, the same paragraph is template text, not a copy.
    many = {f"华溪县{c}局": _SANGONG.format(who="本单位") for c in "甲乙丙丁戊己庚"}
    assert _screen(tmp_path, many).height == 0


def test_cpy004_table_and_tiny_tables(tmp_path):
    rows = "\n".join(f"20101{i:02d}\t项目{i}\t{100 + 7 * i}.{i}0\t{60 + 3 * i}.00" for i in range(1, 6))
    table = f"表3\n\n2024年单位综合预算支出总表\n\n单位：万元\n\n科目编码\t科目名称\t合计\t基本支出\n{rows}"
    tiny = "表12\n\n2024年“三公”经费支出表\n\n单位：万元\n\n项目\t合计\t公务接待费\n合计\t1.20\t1.20"
    docs = {
        "华溪县甲局": "本单位支出情况见下表。\n\n" + table + "\n\n" + tiny,
        "华溪县乙局": "本单位说明文字不同。\n\n" + table + "\n\n" + tiny,
        "华溪县丙局": "本单位另有其表。\n\n" + tiny,
    }
    f = _screen(tmp_path, docs)
    assert sorted(f["unit_name"].to_list()) == ["华溪县乙局", "华溪县甲局"]
    assert set(f["rule"]) == {"CPY004"} and "表3" in f["message"][0]


def test_cpy005_paragraph_broken_otherwise(tmp_path):
    # The copy ends where the source's paragraph goes on: its sentences still match.
    more = "本单位当年一般公共预算会议费预算支出4.34万元，较上年4.97万元降低0.63万元。"
    docs = {
        "华溪县甲局": _SANGONG.format(who="华溪县甲局"),
        "华溪县乙局": _SANGONG.format(who="本单位") + more,
        "华溪县丙局": "本单位无其他说明事项，2024年预算见报表。",
    }
    f = _screen(tmp_path, docs)
    assert sorted(f["unit_name"].to_list()) == ["华溪县乙局", "华溪县甲局"]
    # One short sentence of small amounts is a coincidence, not a copy.
    one = "其中：公务接待费0.93万元，较上年0.79万元增加0.14万元（17.72%）。"
    assert _screen(tmp_path, {"华溪县甲局": one, "华溪县乙局": one}).height == 0


def test_cpy003_longest_name_and_a_superior_template(tmp_path):
    docs = {
        "华溪县甲镇卫生院": _SANGONG.format(who="华溪县乙镇中心小学"),
        "华溪县乙镇中心小学": _SANGONG.format(who="本单位").replace("12.40", "7.70"),
        "华溪县教育局": "本单位负责全县教育管理。" + _SANGONG.format(who="本单位").replace("12.40", "9.90"),
    }
    # Every school names 教育局 by role; one printing its 主要职责 line copied its template.
    for c in "丙丁戊己":
        docs[f"华溪县{c}镇中心小学"] = "本单位业务上接受华溪县教育局的领导和管理。" + _SANGONG.format(who="本单位")
    docs["华溪县庚镇中心小学"] = "华溪县教育局的主要职责是：做好教育工作。\n\n" + _SANGONG.format(who="本单位")
    f = _screen(tmp_path, docs).filter(pl.col("rule") == "CPY003")  # (the 三公 text is everyone's: no CPY005)
    got = dict(zip(f["unit_name"], f["message"]))
    assert set(got) == {"华溪县甲镇卫生院", "华溪县庚镇中心小学"}
    assert "华溪县乙镇中心小学" in got["华溪县甲镇卫生院"] and "华溪县教育局" in got["华溪县庚镇中心小学"]


def test_cpy003_not_the_site_frame(tmp_path):
    """A county portal prints its host under every page (主办单位, 网站标识码, ICP 备案),
    kept by the web page reader and by a PDF printed from the page: the host's name is the
    site's, not another unit's template left in. Named in the unit's own text, it counts."""
    footer = "主办单位：华溪县人民政府办公室　网站标识码：6100000001\n备案号：ICP备00000001号　网站地图"
    sangong = [_SANGONG.format(who="本单位").replace("12.40", f"{v:.2f}") for v in (7.7, 8.1, 9.9, 11.3)]
    docs = {
        "华溪县人民政府办公室": sangong[0],
        "华溪县甲局": sangong[1] + "\n\n" + footer,  # the page printed to PDF, as text
        "华溪县乙局": "华溪县人民政府办公室的主要职责是：做好工作。\n\n" + sangong[2],
    }
    page = "".join(f"<p>{line}</p>" for line in _doc("华溪县丙局", sangong[3]).splitlines() if line)
    frame = '<div class="footer"><p>主办单位：华溪县人民政府办公室　网站标识码：6100000002</p></div>'
    html = f"<html><body><div class='article'>{page}</div>{frame}</body></html>"
    f = _screen(tmp_path, docs, {"u9.html": html})
    assert f.filter(pl.col("rule") == "CPY003")["unit_name"].to_list() == ["华溪县乙局"]


def test_cpy004_short_table_of_large_amounts(tmp_path):
    rows = "合计\t7,089,546\n301\t工资福利支出\t6,748,982\n302\t商品和服务支出\t326,600"
    table = f"表8\n\n2024年一般公共预算基本支出表\n\n单位：元\n\n科目编码\t科目名称\t合计\n\t{rows}"
    docs = {"华溪县甲局": "本单位说明。\n\n" + table, "华溪县乙局": "本单位另写。\n\n" + table}
    f = _screen(tmp_path, docs)
    assert set(f["rule"]) == {"CPY004"} and f.height == 2


def test_a_figure_too_large_for_a_key_is_no_key(tmp_path):
    # Cells run together by a converter gave a 21-digit amount: it stopped a whole run.
    rows = "\n".join(f"20101{i:02d}\t项目{i}\t{100 + 7 * i}.{i}0\t{60 + 3 * i}.00" for i in range(1, 6))
    rows += "\n2010199\t其他\t102100000000000000000.00\t1.00"
    table = f"表3\n\n2024年单位综合预算支出总表\n\n单位：万元\n\n科目编码\t科目名称\t合计\t基本支出\n{rows}"
    docs = {"华溪县甲局": "说明甲。\n\n" + table, "华溪县乙局": "说明乙。\n\n" + table}
    f = _screen(tmp_path, docs)
    assert sorted(f["unit_name"].to_list()) == ["华溪县乙局", "华溪县甲局"]


def _pairable_by_hand(keys: list[dict], units: list[dict]) -> list[tuple]:
    """pairable's rule spelled out row by row: names always; a paragraph only with a
    figure, and a table, sentence or figure paragraph only where 2..MAX_HOLDERS readable
    units of its year and kind hold its key."""
    readable = {u["unit_id"] for u in units if u["parse_status"] != "failed"}
    cohort = {u["unit_id"]: (u["year"], u["doc_kind"]) for u in units}

    def counted(k):
        return k["kind"] in ("table", "sentence") or (
            k["kind"] == "paragraph" and re.search(FIGURE_PATTERN, k["text"]) is not None
        )

    holders: dict[tuple, set] = {}
    for k in keys:
        if k["kind"] != "name" and counted(k) and k["unit_id"] in readable:
            holders.setdefault((cohort[k["unit_id"]], k["kind"], k["key"]), set()).add(k["unit_id"])
    return [
        (k["unit_id"], k["kind"], k["key"])
        for k in keys
        if k["kind"] == "name"
        or (counted(k) and 2 <= len(holders.get((cohort[k["unit_id"]], k["kind"], k["key"]), ())) <= MAX_HOLDERS)
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 7),  # unit
            st.sampled_from(["name", "paragraph", "sentence", "table"]),
            st.integers(0, 3),  # key
        ),
        max_size=80,
    ),
    # Most units of one year and kind (keys need 6 holders to be too common), some failed.
    st.lists(
        st.tuples(
            st.sampled_from([2024, 2024, 2024, 2023]),
            st.sampled_from(["budget", "budget", "budget", "final"]),
            st.sampled_from([False, False, False, True]),
        ),
        min_size=8,
        max_size=8,
    ),
)
# A key six units hold (one too many) and one two hold, beside a failed unit's.
@example(
    rows=[(u, "sentence", 0) for u in range(6)] + [(6, "table", 1), (7, "table", 1), (0, "table", 1)],
    unit_facts=[(2024, "budget", False)] * 7 + [(2024, "budget", True)],
)
def test_pairable_keeps_what_two_to_five_units_of_a_cohort_hold(rows, unit_facts):
    """The streamed, hashed passes of pairable against the rule counted by hand: the same
    rows, in the same order, whatever the keys and units' years, kinds and failures."""
    units = [
        {"unit_id": f"u{i}", "year": y, "doc_kind": kind, "parse_status": "failed" if bad else "ok"}
        for i, (y, kind, bad) in enumerate(unit_facts)
    ]
    keys = [
        {
            "unit_id": f"u{u}",
            "kind": kind,
            "key": f"k{k}",
            "line": n,
            "page": None,
            # A key is a hash of its text: keys 0 and 1 show a figure, 2 and 3 do not.
            "text": "共12.5万元" if k < 2 else "主要职责",
        }
        for n, (u, kind, k) in enumerate(rows)
    ]
    schema = {
        "unit_id": pl.String,
        "kind": pl.String,
        "key": pl.String,
        "line": pl.Int64,
        "page": pl.Int64,
        "text": pl.String,
    }
    got = pairable(pl.LazyFrame(keys, schema=schema), pl.DataFrame(units))
    assert got.select("unit_id", "kind", "key").rows() == _pairable_by_hand(keys, units)
    assert got.columns == list(schema)


def test_pairable_counts_only_figure_paragraphs_of_keys_without_a_kind():
    """Keys without a kind column are paragraphs as printed, with or without a figure:
    only those that show one are counted (two units here, not six)."""
    keys = pl.LazyFrame(
        {
            "unit_id": [f"u{i}" for i in range(6)],
            "key": ["K"] * 6,
            "line": [3] * 6,
            "page": [None] * 6,
            "text": ["共12.5万元"] * 2 + ["主要职责"] * 4,
        },
        schema_overrides={"page": pl.Int64},
    )
    units = pl.DataFrame({"unit_id": [f"u{i}" for i in range(6)], "parse_status": ["ok"] * 6})
    assert pairable(keys, units)["unit_id"].to_list() == ["u0", "u1"]
