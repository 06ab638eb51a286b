"""Text conversions with space-aligned tables and page furniture (pdftotext -layout)
read into the one document shape, line for line (datasets.read.layout)."""

import random
from pathlib import Path

import polars as pl
import pytest

from anomaly.engine import run_rules
from datasets.corpus import parse_files, parsed_frames
from datasets.parse import parse_text
from datasets.read.identities import groups_adding_up
from datasets.read.layout import tab_separated
from datasets.synthetic.generate import iter_documents
from datasets.synthetic.layout import TextLayout, render_text_layout


def _w(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _row(*cells: tuple[str, int, str]) -> str:
    """A line of cells (text, column start, "l" or "r" aligned in 10 columns), as a
    converter lays out a page; a cell never starts before the last one ends + 1."""
    line = ""
    for text, start, align in cells:
        at = start if align == "l" else start + 10 - _w(text)
        line += " " * max(at - _w(line), 1 if line else 0) + text
    return line


# 表1 in four columns: label at 0, amount ending at 30, label at 31, amount ending at 60.
# One space between an amount and the next label; a label wrapped; empty amounts.
TABLE = "\n".join(
    [
        "表1",
        "",
        "                 2024年单位综合预算收支总表",
        "单位：万元",
        "",
        _row(("收 入", 8, "l"), ("支 出", 38, "l")),
        _row(("项 目", 4, "l"), ("预算数", 22, "l"), ("支出功能分类科目", 31, "l"), ("预算数", 52, "l")),
        "",
        _row(("一、部门预算", 0, "l"), ("100.00", 20, "r"), ("一、部门预算", 31, "l"), ("100.00", 50, "r")),
        _row(("1、财政拨款", 0, "l"), ("80.00", 20, "r"), ("1、一般公共服务支", 31, "l"), ("60.00", 50, "r")),
        _row(("出", 31, "l")),
        _row(("2、事业收入", 0, "l"), ("20.00", 20, "r"), ("2、教育支出", 31, "l"), ("40.00", 50, "r")),
        _row(("3、科学技术支出", 31, "l")),
        _row(("本年收入合计", 0, "l"), ("100.00", 20, "r"), ("本年支出合计", 31, "l"), ("100.00", 50, "r")),
        "",
    ]
)


def rows(text: str) -> list[list[str]]:
    return [ln.split("\t") for ln in text.split("\n") if "\t" in ln]


def test_space_aligned_table_becomes_tab_rows_line_for_line():
    out = tab_separated(TABLE)
    assert len(out.split("\n")) == len(TABLE.split("\n"))
    got = rows(out)
    assert got[0][:2] == ["收 入", ""] and got[1] == ["项 目", "预算数", "支出功能分类科目", "预算数"]
    # one space between an amount and the next label; the wrapped label joined; an
    # empty amount stays empty.
    assert ["1、财政拨款", "80.00", "1、一般公共服务支出", "60.00"] in got
    assert ["", "", "3、科学技术支出", ""] in got
    assert got[-1] == ["本年收入合计", "100.00", "本年支出合计", "100.00"]


def test_page_footer_and_running_header_inside_a_sentence_are_blanked():
    text = (
        "封面标题\n\n"
        "    2024年本单位“三公”经费预算支出3.00万元，较上年4.00万元减少\n\n\n"
        "                 - 3 -\n"
        "\f        某县某局2024年单位预算公开说明\n\n"
        "1.00万元（25%）。\n\n\n"
        "               第 4 页 共 9 页\n"
        "\f        某县某局2024年单位预算公开说明\n\n"
        "    四、其他\n"
    )
    out = tab_separated(text)
    assert "- 3 -" not in out and "第 4 页" not in out and "公开说明" not in out and "\f" not in out
    assert len(out.split("\n")) == len(text.split("\n"))
    claims = parse_text(out)["claims"]
    sg = [c for c in claims if c["item"] == "sangong"]
    assert sg and sg[0]["current"] == 3.0 and sg[0]["prior"] == 4.0 and sg[0]["change"] == 1.0 and sg[0]["pct"] == 25


def test_a_browsers_date_and_title_and_its_address_and_page_number_are_blanked():
    # A page printed by a browser, then converted by pdftotext -layout: the date and the
    # title apart by a wide gap above each page (spaced wider on a wider page), the
    # address and n/m below; on one page a table's header row opens the page.
    def page(n: int, body: str, gap: int = 40) -> str:
        top = "12/2/26, 7:07 AM" + " " * gap + "某县某局 2024年单位预算公开说明\n"
        return top + body + f"file:///tmp/in/000018.html{' ' * 30}{n}/3\n"

    text = (
        page(1, "    2024年本单位“三公”经费预算支出3.00万元，较上年4.00万元减少\n")
        + "\f"
        + page(2, "1.00万元（25%）。\n    四、其他\n", gap=44)
        + "\f"
        + page(3, "       项 目           预算数\n  一、人员经费          100.00\n  二、公用经费           20.00\n")
    )
    out = tab_separated(text)
    assert "7:07" not in out and "公开说明" not in out and "file:" not in out and "/3" not in out
    assert len(out.split("\n")) == len(text.split("\n"))
    sg = [c for c in parse_text(out)["claims"] if c["item"] == "sangong"]
    assert sg and sg[0]["current"] == 3.0 and sg[0]["change"] == 1.0 and sg[0]["pct"] == 25
    assert ["一、人员经费", "100.00"] in rows(out)


# A browser centres a cell in its row's height: an item's label wraps and its figure,
# with the next columns' cells, lands on the label's second line, or under a label's
# first line standing alone (pdftotext -layout).
_STAGGERED_HEAD = """\
               收入                                                         支出
                                  支出功能分类科                         部门预算支出经               政府预算支出经
       项目             预算数          目（按大类）             预算数         济分类科目（按    预算数        济分类科目（按    预算数
                                                                     大类）                   大类）
"""
STAGGERED = [
    _STAGGERED_HEAD
    + """\
  一、财政拨款                5,888,608 一、财政拨款               5,888,608 一、财政拨款       5,888,608 一、财政拨款      5,888,608
  1、财政拨款                5,888,608 1、一般公共服
                                  务支出                  4,477,088 1、人员经费和
                                                                 公用经费支出       5,018,408 1、机关工资福
                                                                                        利支出         4,776,440
  (1)一般公共预算             5,888,608 2、外交支出                         (1)工资福利支出    4,776,440 2、机关商品和       981,400
  拨款                                                                                    服务支出
""",
    _STAGGERED_HEAD
    + """\
  一、部门预算                5,888,608 一、部门预算               5,888,608 一、部门预算       5,888,608 一、部门预算      5,888,608
  1、财政拨款                5,888,608 1、一般公共服
                                  务支出
                                                                 1、人员经费和
                                                       4,477,088 公用经费支出       5,018,408 1、机关工资福
                                                                                        利支出         4,776,440
  (1)一般公共预算             5,888,608 2、外交支出                         (1)工资福利支出    4,776,440 2、机关商品和      981,400
  拨款                                                                                    服务支出
""",
]


@pytest.mark.parametrize("text", STAGGERED)
def test_cells_centred_in_a_rows_height_stay_in_their_row(text):
    got = rows(tab_separated(text))
    first = ["1、财政拨款", "5,888,608", "1、一般公共服务支出", "4,477,088", "1、人员经费和公用经费支出", "5,018,408"]
    assert [r for r in got if r[0] == "1、财政拨款"] == [[*first, "1、机关工资福利支出", "4,776,440"]]
    assert [r for r in got if r[0].startswith("(1)")] == [
        [
            "(1)一般公共预算拨款",
            "5,888,608",
            "2、外交支出",
            "",
            "(1)工资福利支出",
            "4,776,440",
            "2、机关商品和服务支出",
            "981,400",
        ]
    ]


def test_whole_yuan_figures_centred_in_a_rows_height_stay_in_their_row():
    # A web page's 表1 prints whole 元 ungrouped (5888608): still a figure beside its item.
    text = STAGGERED[0]
    for grouped in ("5,888,608", "4,477,088", "5,018,408", "4,776,440", "981,400"):
        text = text.replace(grouped, grouped.replace(",", ""))
    got = rows(tab_separated(text))
    assert [r for r in got if r[0] == "1、财政拨款"] == [
        ["1、财政拨款", "5888608", "1、一般公共服务支出", "4477088"]
        + ["1、人员经费和公用经费支出", "5018408", "1、机关工资福利支出", "4776440"]
    ]
    # Where the table prints decimals, a bare whole number is a figure cut, no row's own.
    cut = rows(tab_separated(text.replace("981400", "981400.50")))
    assert [r for r in cut if r[0] == "1、财政拨款"] == [["1、财政拨款", "5888608", "1、一般公共服"] + [""] * 5]


# A narrower page: every label wraps, and a group's three-line label, centred, starts a
# line above its row's other cells; no one line starts the row. Each group is read on
# its own, and its sums say the reading is right.
CENTRED_ABOVE = """\
表1
                          2024年单位综合预算收支总表
                                                                                      单位：元
               收入                                                   支出
                                支出功能分                  部门预算支                 政府预算支
      项目            预算数    类科目(按大       预算数    出经济分类     预算数      出经济分类    预算数
                                类)                         科目(按大类)               科目(按大类)
  一、部门预           900,000.00 一、部门预     900,000.00 一、部门预     900,000.00 一、部门预     900,000.00
  算                              算                        算                         算
                                                            1、人员经费
  1、财政拨款          600,000.00 1、一般公共
                                  服务支出                  和公用经费     700,000.00 1、机关工资
                                                                                       福利支出
                                                            支出
  2、事业收入          300,000.00 2、教育支出    900,000.00 2、专项业务                2、机关商
                                                            经费支出       200,000.00 品和服务支
                                                                                       出
                                                                                       3、机关资本   900,000.00
                                                                                       性支出
  本年收入合计         900,000.00 本年支出合计   900,000.00 本年支出合计   900,000.00 本年支出合计   900,000.00
"""


def test_a_group_whose_rows_step_out_of_line_is_read_on_its_own_where_its_sums_hold():
    text = CENTRED_ABOVE
    got = rows(tab_separated(text))
    # The header's wrapped names as one row, under the group names.
    assert got[1] == ["项目", "预算数", "支出功能分类科目(按大类)", "预算数"] + [
        "部门预算支出经济分类科目(按大类)",
        "预算数",
        "政府预算支出经济分类科目(按大类)",
        "预算数",
    ]
    groups = [{r[2 * g]: r[2 * g + 1] for r in got[2:] if r[2 * g]} for g in range(4)]
    assert groups[0] == {"一、部门预算": "900,000.00", "1、财政拨款": "600,000.00", "2、事业收入": "300,000.00"} | {
        "本年收入合计": "900,000.00"
    }
    assert groups[1]["1、一般公共服务支出"] == "" and groups[1]["2、教育支出"] == "900,000.00"
    assert groups[2]["1、人员经费和公用经费支出"] == "700,000.00"
    assert groups[2]["2、专项业务经费支出"] == "200,000.00"
    assert groups[3]["2、机关商品和服务支出"] == "" and groups[3]["3、机关资本性支出"] == "900,000.00"
    assert len(tab_separated(text).split("\n")) == len(text.split("\n"))  # line for line
    # A mistyped figure leaves its group adding up in no reading: the reading in which the
    # other groups add up is still taken, and the checks find the one that does not.
    wrong = text.replace("300,000.00", "300,100.00")  # 2、事业收入: the income group
    assert ["1、人员经费和公用经费支出", "700,000.00"] in [r[4:6] for r in rows(tab_separated(wrong))]
    # Two groups off, one of them the group the rows split: no reading is likelier.
    wrong = wrong.replace("和公用经费     700,000.00", "和公用经费     700,100.00")
    assert "1、人员经费" in [r[4] for r in rows(tab_separated(wrong))]


def test_a_browsers_rows_are_read_in_the_reading_whose_groups_add_up():
    # Pages 3-6 of a generated disclosure printed by Chromium and converted by pdftotext
    # -layout: 表1 and 表4, whose first rows step down a line a column group, their
    # header printed again, wrapped otherwise, after a page break. By distance the
    # display-width reading wins and cuts the steps into rows; poppler's grid, read in
    # order, makes every group add up.
    text = (Path(__file__).parent / "fixtures" / "chromium_pdftotext_tables.txt").read_text(encoding="utf-8")
    whole = ["1、财政拨款", "6439654", "1、一般公共服务支出", "3539448", "1、人员经费和公用经费支出", "4936454"] + [
        "1、机关工资福利支出",
        "4590289",
    ]
    assert [r for r in rows(tab_separated(text)) if r[0] == "1、财政拨款"] == [whole, whole]


def test_a_table_continued_after_a_page_break_keeps_its_rows_and_drops_the_repeated_header():
    head = TABLE.split("\n")[6] + "\n"
    text = (
        TABLE.replace(TABLE.split("\n")[13] + "\n", "")
        + "\n\n                 - 5 -\n\f"
        + head
        + TABLE.split("\n")[13]
        + "\n"
    )
    got = rows(tab_separated(text))
    assert sum(1 for r in got if r[0] == "项 目") == 1
    assert got[-1] == ["本年收入合计", "100.00", "本年支出合计", "100.00"]


def test_a_text_with_tab_tables_is_left_as_it_is():
    text = "表1\n项目\t预算数\t基本\n合计\t1.00\t1.00\n一、部门预算\t1.00\t1.00\n其中\t0.50\t0.50\n"
    assert tab_separated(text) is text


def test_prose_wrapped_after_a_figure_is_not_a_table():
    text = "    (3) 机关事业单位职业年金缴费支出（2080506） 33.07\n万元，较上年持平，主要原因是支出标准未作调整。\n"
    assert tab_separated(text) == text


@pytest.mark.parametrize("template", ["county15", "mof"])
def test_generated_layout_documents_read_the_same_figures_as_their_text(template):
    for (_, data_t, lab_t), (_, data_l, lab_l) in zip(
        iter_documents(12, 5, anomaly_share=0.0, fmt="txt", template=template),
        iter_documents(12, 5, anomaly_share=0.0, fmt="layout", template=template),
    ):
        ut, ul = (parsed_frames(d)["units"].row(0, named=True) for d in (data_t, data_l))
        for k in ("total_budget_yuan", "staff_authorized", "staff_actual", "sangong_total_yuan"):
            assert ul[k] == pytest.approx(ut[k]) and ut[k] == pytest.approx(lab_t["truth"][k]), (lab_l["file"], k)


def test_seed_in_the_layout_shape_keeps_its_findings_and_adds_none(seed_file, tmp_path):
    """The seed (a real disclosure) laid out by spaces with page footers and a running
    header: the same findings and the same headline total."""
    text = seed_file.read_text(encoding="utf-8")
    lay = TextLayout("layout", 84, 48, 1, 18, True, "of", "unit", True, 4, True)
    shaped, _ = render_text_layout(text, lay, random.Random(1), "某单位", 2024)
    (tmp_path / "layout.txt").write_text(shaped, encoding="utf-8")
    seed, layout = (parse_files([p]) for p in (seed_file, tmp_path / "layout.txt"))
    # The seed's 表13-2 prints its 成本指标 rows with cells in other columns than the
    # rows above: read as a part of its own, its three empty 指标值 are seen (PRF004).
    expected = sorted(run_rules(seed)[0]["rule"].to_list())
    assert sorted(run_rules(layout)[0]["rule"].to_list()) == expected
    assert layout["units"]["total_budget_yuan"].item() == seed["units"]["total_budget_yuan"].item()


def test_layout_shapes_do_not_alarm_on_clean_documents(tmp_path):
    for rel, data, _ in iter_documents(20, 9, anomaly_share=0.0, fmt="layout"):
        (tmp_path / rel.replace("/", "_")).write_bytes(data)
    findings = run_rules(parse_files(sorted(tmp_path.iterdir())))[0]
    assert findings.filter(pl.col("severity").is_in(["error", "warning"]) & (pl.col("family") != "CPY")).height == 0


def test_an_empty_table_printed_as_a_skeleton_keeps_its_columns():
    text = (
        "附表1-8　2024年部门政府性基金预算支出表\n\n单位：万元\n\n"
        "科目编码 科目名称 合计 基本支出 项目支出\n"
        "         合计\n\n"
        "    注：本部门2024年没有使用政府性基金预算拨款安排的支出，故本表无数据。\n"
    )
    got = rows(tab_separated(text))
    assert got == [["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["", "合计", "", "", ""]]


def test_a_group_header_over_two_columns_adds_no_column():
    text = "\n".join(
        [
            _row(("收 入", 8, "l"), ("支 出", 38, "l")),
            _row(("项 目", 4, "l"), ("预算数", 20, "r"), ("项 目", 35, "l"), ("预算数", 50, "r")),
            _row(("一、本年收入", 0, "l"), ("1376.80", 20, "r"), ("一、一般公共服务", 31, "l"), ("730.78", 50, "r")),
            _row(("支出", 31, "l")),
            _row(
                ("(一)一般公共预算拨款", 0, "l"), ("1376.80", 20, "r"), ("二、教育支出", 31, "l"), ("646.02", 50, "r")
            ),
            _row(("本年收入合计", 0, "l"), ("1376.80", 20, "r"), ("本年支出合计", 31, "l"), ("1376.80", 50, "r")),
        ]
    )
    got = rows(tab_separated(text))
    assert {len(r) for r in got} == {4}
    assert got[2] == ["一、本年收入", "1376.80", "一、一般公共服务支出", "730.78"]


def test_pdftotext_grid_and_figures_wrapped_in_narrow_cells():
    # pdftotext's grid: one character a column, so 一、部门预算 (6) and 1、财政拨款 (6)
    # line up by characters; a figure too wide for its cell goes on on the next line.
    text = "\n".join(
        [
            "    项目         预算数    支出功能分类科目     预算数",
            "一、部门预算     14,764,51 一、部门预算        14,764,51",
            "                 0                             0",
            "1、财政拨款      14,237,51 1、一般公共服务支出  9,932,110",
            "                 0",
            "本年收入合计     14,764,51 本年支出合计        14,764,51",
            "                 0                             0",
        ]
    )
    got = rows(tab_separated(text))
    assert got[1] == ["一、部门预算", "14,764,510", "一、部门预算", "14,764,510"]
    assert got[2] == ["1、财政拨款", "14,237,510", "1、一般公共服务支出", "9,932,110"]


def test_generated_pdftotext_documents_read_the_same_figures_as_their_text():
    for (_, data_t, _), (_, data_p, lab_p) in zip(
        iter_documents(8, 5, anomaly_share=0.0, fmt="txt"), iter_documents(8, 5, anomaly_share=0.0, fmt="pdftotext")
    ):
        ut, up = (parsed_frames(d)["units"].row(0, named=True) for d in (data_t, data_p))
        for k in ("total_budget_yuan", "staff_actual", "sangong_total_yuan"):
            assert up[k] == pytest.approx(ut[k]), (lab_p["file"], k)


# pdftotext -layout as poppler prints a PDF's 表1: each piece of text at its printed x
# over the grid pitch, one character a column, so figures overrun and push the next
# cell a space past them (一、部门预算 starts at 24 after a figure, 3、国防支出 at 20
# where no figure pushes it); the header's one-line cells on a line of their own
# between the pieces of the wrapped ones; a wrapped label's last piece (目) and a cut
# figure's rest (00) on the next line. Fixtures written for these tests.
POPPLER_TABLE1 = "\n".join(
    [
        "表1",
        "",
        "                        2024年单位综合预算收支总表",
        "                                                                   单位：元",
        "        收入                                       支出",
        "                                            部门预算支出经济分类科目(按大",
        "     项目      预算数    支出功能分类科目(按大类)   预算数                    预算数",
        "                                                   类)",
        "一、部门预算      2,081,445. 一、部门预算    2,081,445.00 一、部门预算    2,081,445.00",
        "                  00",
        "1、财政拨款      1,981,445. 1、一般公共服务支出 1,701,347.00 1、人员经费和公用经费支出 1,407,645.00",
        "                  00",
        "(1)一般公共预算拨款 1,981,445.00 2、外交支出               (1)工资福利支出    1,314,310.00",
        "其中：专项资金列入部门预算的项      3、国防支出               (2)商品和服务支出     93,335.00",
        "目",
        "2、事业单位经营收入及附属单位 100,000. 4、公共安全支出 380,098.00 2、专项业务经费支出  673,800.00",
        "上缴                00",
        "本年收入合计      2,081,445.00 本年支出合计   2,081,445.00 本年支出合计    2,081,445.00",
    ]
)


def test_poppler_grid_reads_cells_in_order_with_interleaved_wrap_pieces():
    got = rows(tab_separated(POPPLER_TABLE1))
    assert "".join(got[0]) == "收入支出"  # group names, over their columns
    assert got[1] == [
        "项目",
        "预算数",
        "支出功能分类科目(按大类)",
        "预算数",
        "部门预算支出经济分类科目(按大类)",
        "预算数",
    ]
    body = got[2:]
    assert body[0] == ["一、部门预算", "2,081,445.00", "一、部门预算", "2,081,445.00", "一、部门预算", "2,081,445.00"]
    assert body[1][1] == "1,981,445.00" and body[1][4] == "1、人员经费和公用经费支出"
    assert body[2] == ["(1)一般公共预算拨款", "1,981,445.00", "2、外交支出", "", "(1)工资福利支出", "1,314,310.00"]
    assert body[3] == ["其中：专项资金列入部门预算的项目", "", "3、国防支出", "", "(2)商品和服务支出", "93,335.00"]
    # The rest of a cut figure and a wrapped label's last piece share a line.
    assert body[4] == [
        "2、事业单位经营收入及附属单位上缴",
        "100,000.00",
        "4、公共安全支出",
        "380,098.00",
        "2、专项业务经费支出",
        "673,800.00",
    ]
    assert body[5][0] == "本年收入合计"


def test_poppler_grid_one_row_table_takes_its_columns_from_the_header():
    # 表2: one unit's row, figures only in some columns; the header's CJK names take one
    # column a character, so they sit left of the figures below them.
    text = "\n".join(
        [
            "表2",
            "",
            "                2024年单位综合预算收入总表",
            "                                                  单位：万元",
            "     单位名称            合计           一般公共预算拨款               政府性基金拨款        上级补助收入            事业收入          其他收入",
            "某某县卫生院院               1282.83               315.86                                          9663.25",
        ]
    )
    got = rows(tab_separated(text))
    assert got[1] == ["某某县卫生院院", "1282.83", "315.86", "", "", "9663.25", ""]


def test_poppler_grid_a_narrow_names_last_character_beside_the_line_above_is_no_column():
    # 公务用 / 车购置 / 费 printed as "车购置 费": nine names over eight figures, unless the
    # lone 费 ends the name beside it. (Two one-row tables before it: a document in
    # poppler's grid, whose every table is read so.)
    one_row = "\n".join(
        [
            "表2",
            "                2024年单位综合预算收入总表",
            "                                                  单位：万元",
            "     单位名称            合计           一般公共预算拨款               政府性基金拨款"
            "        上级补助收入            事业收入          其他收入",
            "某某县卫生院院               1282.83               315.86                                          9663.25",
        ]
    )
    sangong = "\n".join(
        [
            "  表12",
            "             2025年单位综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表",
            "                                                   单位：元",
            "         合计          因公出国         公务接待费          公务用车购置及运 公务用    公务用车运行维护",
            "                     （境）费                         行维护费小计 车购置 费      费"
            "              会议费             培训费",
            "              21,500     0                12,400       9,100   0       9,100             40,200          15,600",
        ]
    )
    got = rows(tab_separated("\n".join([one_row, one_row.replace("表2", "表3"), sangong])))
    assert got[-1] == ["21,500", "0", "12,400", "9,100", "0", "9,100", "40,200", "15,600"]
    assert got[-2][4] == "车购置费"  # under 公务用 (公务用车购置费), over its 0


def test_poppler_grid_rows_on_the_next_page_are_laid_out_on_their_own():
    # Poppler places each page's text on its own grid: the rows after the page break
    # start ten columns further left.
    text = "\n".join(
        [
            "        项目     预算数  项目                 预算数",
            "一、部门预算      805.00 一、部门预算           805.00",
            "1、财政拨款       805.00 1、一般公共服务支出     700.00",
            "                         2、外交支出",
            "",
            "                       - 5 -",
            "\f               3、国防支出           105.00",
            "               4、公共安全支出",
            "本年收入合计 805.00 本年支出合计  805.00",
        ]
    )
    got = rows(tab_separated(text))
    assert got[-3] == ["", "", "3、国防支出", "105.00"]
    assert got[-1] == ["本年收入合计", "805.00", "本年支出合计", "805.00"]


def test_poppler_grid_whole_figures_cut_without_a_point_join_their_rests_and_the_sums_choose_columns():
    # 元 printed as whole numbers in narrow cells: 1331791|4 gives no sign of a cut but
    # the digits printed under it; which of 基本支出 and 项目支出 a pushed figure is in,
    # only the table's sums tell (each row's 合计 is the sum of its parts, each column
    # adds up to the 合计 row).
    text = "\n".join(
        [
            "科目编码      科目名称       合计 基本支出 项目支出",
            "    合计               133179 9286714 4031200",
            "                    14",
            "2010301 行政运行         664565 6645659",
            "                    9",
            "2080505 机关事业单位基本养老保险缴费支出 113074 1130746",
            "                    6",
            "2101101 行政单位医疗        151030 1510309",
            "                    9",
            "2130705 对村民委员会和村党支部的补助 403120 4031200",
            "                     0",
        ]
    )
    got = rows(tab_separated(text))
    assert got[1][2:] == ["13317914", "9286714", "4031200"]
    assert got[2] == ["2010301", "行政运行", "6645659", "6645659", ""]
    assert got[3][2:] == ["1130746", "1130746", ""]
    assert got[4][2:] == ["1510309", "1510309", ""]
    assert got[5][2:] == ["4031200", "", "4031200"]


@pytest.mark.parametrize("template", ["county15", "mof"])
def test_pdftotext_grid_does_not_alarm_on_clean_documents(tmp_path, template):
    # Poppler's grid: tables continued over page breaks, rows whose first columns are
    # empty, figures wrapped in narrow cells, headers of centred wrapped names. Before
    # the grid's tables were read by their numbering, figure rests and identities, 11%
    # of clean county15 and 17% of clean mof documents alarmed (2,000 each, seed 16).
    for rel, data, _ in iter_documents(40, 3, anomaly_share=0.0, fmt="pdftotext", template=template):
        (tmp_path / rel.replace("/", "_")).write_bytes(data)
    findings = run_rules(parse_files(sorted(tmp_path.iterdir())))[0]
    alarms = findings.filter(pl.col("severity").is_in(["error", "warning"]) & (pl.col("family") != "CPY"))
    assert alarms.height == 0, alarms.select("source_path", "rule", "message").rows()[:3]


# LibreOffice's print of a narrow 收支总表, through pdftotext -layout: every cell wraps
# in its narrow column and is centred in its row's height, so a row's first line may be
# another column's label piece and its figures sit beside the labels' middle lines; the
# rows are set apart by blank lines; a page break cuts a row, the header printed again
# between its pieces; rows of one narrow column (功能 classes alone) follow each other.
GAPPED = """\
表1
                    2024年单位综合预算收支总表
                                                  单位：元
      收入                                支出
 项目         预算数        支出功能科    预算数
                            目（按大类）


一、部门预               一、部门预
          900000.00                900000.00
算                       算


                         1、一般公
1、财政拨
          900000.00      共服务支出    600000.00
款


                         2、教育支                 \n其中：专项
          0.00                         300000.00
资金                     出
      收入                                支出
 项目         预算数        支出功能科    预算数
                            目（按大类）


补助


                         3、科学技
                         术支出


                         4、文化旅
                         游体育与传
                         媒支出


                         5、社会保
                         障和就业支
                         出


                         6、卫生健
                         康支出


                         7、节能环
                         保支出


本年收入合               本年支出合
          900000.00                900000.00
计                       计
"""


def test_cells_centred_in_rows_set_apart_by_blank_lines():
    got = rows(tab_separated(GAPPED))
    assert ["一、部门预算", "900000.00", "一、部门预算", "900000.00"] in got  # its first line is no header line
    assert ["1、财政拨款", "900000.00", "1、一般公共服务支出", "600000.00"] in got
    # cut by the page break: its last piece below the header printed again
    assert ["其中：专项资金补助", "0.00", "2、教育支出", "300000.00"] in got
    assert ["", "", "5、社会保障和就业支出", ""] in got  # narrow rows of one column stay in the table
    assert got[-1] == ["本年收入合计", "900000.00", "本年支出合计", "900000.00"]


def test_a_narrow_label_column_run_into_its_amounts_is_read_in_the_grid():
    """表4 of a generated disclosure as LibreOffice prints it, through pdftotext -layout:
    its first label column, two characters wide, one space from the amounts beside it.
    Display widths run the two into one column (seven in all); poppler's grid keeps the
    label/amount pairs, whose sums hold."""
    text = (Path(__file__).parent / "fixtures" / "libreoffice_pdftotext_table4.txt").read_text(encoding="utf-8")
    got = rows(tab_separated(text))
    assert {len(r) for r in got} == {8}
    assert ["1、财政拨款", "10749061", "1、一般公共服务支出", "", "1、人员经费和公用经费支出", "7364861"] == got[3][:6]
    assert got[-1] == ["收入总计", "10749061", "支出总计", "10749061", "支出总计", "10749061", "支出总计", "10749061"]


def test_a_narrow_pages_sentence_listing_figures_is_prose_not_a_row():
    # A Word file's narrow page wraps a sentence of 、-separated figures: two amounts
    # one space from words on a line, but each with its unit and a mark after it.
    text = "\n".join(
        [
            "  2024 年本单位预算收入 120.00 万元、其中一般",
            "公共预算拨款收入 100.00 万元、政府性基金拨款收入 0.00",
            "万元、上级补助收入 20.00 万元、事业收入 0.00 万元、事业",
            "单位经营收入 0.00 万元，较上年减少 5.00 万元。",
        ]
    )
    assert tab_separated(text) == text
    claims = parsed_frames(text.encode(), "t.txt")["claims"]
    assert claims.filter(pl.col("label") == "上级补助收入")["current"].to_list() == [20.0]


# A Word file's narrow 收支总表 through pdftotext: a figure too wide for its cell wraps
# after its whole part, the decimals whole on the next line beside the label's rest.
WRAPPED_FIGURES = """\
  收入                    支出
项目          预算数     项目          预算数
一、财政      600000      一、一般公    600000
拨款         00.00       共服务支出    00.00
二、事业     9.50         二、教育支    9.50
收入                     出
本年收入     600000     本年支出     600000
合计         09.50      合计         09.50
"""

# … and a 科目编码 column, whole numbers beside decimals, is no figure cut.
CODES = """\
科目编码    科目名称          合计
2010301     行政运行          1,200.00
2080505     机关事业单位
            基本养老保险      35.67
2101101     行政单位医疗      50.00
"""


def test_a_figure_wrapped_after_its_whole_part_is_joined_to_its_decimals():
    got = rows(tab_separated(WRAPPED_FIGURES))
    assert ["一、财政拨款", "60000000.00", "一、一般公共服务支出", "60000000.00"] in got
    assert ["二、事业收入", "9.50", "二、教育支出", "9.50"] in got
    assert got[-1] == ["本年收入合计", "60000009.50", "本年支出合计", "60000009.50"]
    codes = rows(tab_separated(CODES))
    assert "35.67" in [c for r in codes for c in r] and ["2010301", "行政运行", "1,200.00"] in codes


def test_tables_with_a_few_blank_lines_are_not_read_as_rows_set_apart():
    # A few blank lines in a 科目 table (a converter's spacing) do not make its lines
    # one row each: a label without figures is a row of its own.
    table = "\n".join(
        [
            "科目名称                     合计          基本支出        项目支出",
            "一般公共服务支出             100.00        60.00           40.00",
            "    行政运行                 30.00         30.00",
            "",
            "    一般行政管理事务         20.00                         20.00",
            "  政府办公厅事务             50.00         30.00           20.00",
            "    其他政府办公厅事务支出",
            "",
            "教育支出                     10.00         10.00",
            "  普通教育                   10.00         10.00",
            "",
            "    小学教育                 10.00         10.00",
            "  其他教育支出",
            "社会保障和就业支出           5.00          5.00",
        ]
    )
    got = [r[0] for r in rows(tab_separated(table))]
    assert "其他政府办公厅事务支出" in got and "其他教育支出" in got


def test_a_row_after_a_page_break_is_its_own_when_it_brings_figures():
    table = "\n".join(
        [
            " 项目         预算数        项目          预算数",
            "",
            "",
            "一、财政拨     900000.00    一、一般公     900000.00",
            "款                          共服务支出",
            "",
            "",
            "1、一般公      900000.00    1、人员经      600000.00",
            "共预算                      费",
            "",
            "",
            "                            2、公用经      300000.00",
            "                            费",
            " 项目         预算数        项目          预算数",
            "",
            "",
            "上级补助       0.00",
            "收入",
            "",
            "",
            "本年收入合     900000.00    本年支出合     900000.00",
            "计                          计",
        ]
    )
    got = rows(tab_separated(table))
    assert ["", "", "2、公用经费", "300000.00"] in got and ["上级补助收入", "0.00", "", ""] in got


def test_a_short_whole_number_above_a_decimal_figure_is_no_figure_cut():
    table = "项目              预算数\n办公费            1000\n印刷费            12.50\n差旅费            300.00\n"
    assert rows(tab_separated(table))[1:] == [["办公费", "1000"], ["印刷费", "12.50"], ["差旅费", "300.00"]]


def test_a_header_of_years_after_a_blank_line_stays_the_header():
    table = "\n".join(
        [
            "项目                    预算数",
            "",
            "                        2024年        2023年        增减",
            "一般公共服务支出        100.00        90.00         10.00",
            "教育支出                50.00         40.00         10.00",
            "\f项目                    预算数",
            "",
            "                        2024年        2023年        增减",
            "科学技术支出            5.00          5.00          0.00",
            "卫生健康支出            5.00          5.00          0.00",
        ]
    )
    got = rows(tab_separated(table))
    assert [r[0] for r in got] == ["项目", "", "一般公共服务支出", "教育支出", "科学技术支出", "卫生健康支出"]


# A browser prints a 绩效目标表 with its cells centred in the row's height: an indicator
# wrapped over three lines has its target beside its middle line.
INDICATORS = "\n".join(
    [
        "  绩效 指标                    一级指标          二级指标                         指标内容          指标值",
        "                           产出 指标         数量指标                         指标1: 完成年度重点工作        ≥20项",
        "                                                                      任务的数量。",
        "                                                      质量指标            指标1: 公文办理的事项按        ≥95%",
        "                                                                      期办结的比率。",
        "                                                                      指标2: 全年督查事项按期",
        "                                                                      办结的比率达到规定要求          ≥90%",
        "                                                                      的标准",
        "                                                      时效指标            指标1: 全年工作任务按时        ≥90%",
        "                                                                      完成率。",
    ]
)


def test_a_target_beside_its_indicators_middle_line_stays_in_its_row():
    got = rows(tab_separated(INDICATORS))
    assert ["", "", "", "", "指标2: 全年督查事项按期办结的比率达到规定要求的标准", "≥90%"] in got
    assert not any(r[4].startswith("指标2") and not r[5] for r in got)


def test_a_total_wrapped_before_its_last_word_in_rows_set_apart_stays_one_row():
    # LibreOffice wraps 本年支出合计 as 本年支出 / 合计: the 合计 ends the name, it opens no row.
    text = GAPPED.replace("本年收入合               本年支出合", "本年收入合               本年支出").replace(
        "计                       计", "计                       合计"
    )
    assert rows(tab_separated(text))[-1] == ["本年收入合计", "900000.00", "本年支出合计", "900000.00"]


def _fixture_rows(name: str) -> list[list[str]]:
    """The rows tab_separated reads from a pdftotext -layout fixture."""
    return rows(tab_separated((Path(__file__).parent / "fixtures" / name).read_text(encoding="utf-8")))


def test_a_page_printed_narrower_is_read_by_the_first_pages_columns():
    """表1 of a generated disclosure as LibreOffice prints it from a web page, through
    pdftotext -layout: the next page prints the table narrower, its header again at
    other positions, and its figures under the first page's columns of another group."""
    got = _fixture_rows("libreoffice_pdftotext_narrower_page.txt")
    assert [
        "4、事业单位经营收入",
        "",
        "9、社会保险基金支出",
        "",
        "(3)对个人和家庭补助",
        "",
        "9、对个人和家庭的补助",
        "13627",
    ] in got
    assert groups_adding_up(list(enumerate(got)), 4) == 4


def test_a_pair_table_whose_display_widths_mislead_is_read_by_the_grids_columns():
    """表1 of a generated disclosure as Chromium prints it from a web page, through
    pdftotext -layout: wrapped names run cells together in display widths, and a row's
    figure, centred in its height, sits a line below its label (1、机关工资福利 / 支出
    6933556). Read in order, the figure went to the wrong column group; pdftotext's
    grid by its columns puts every figure where its group adds up."""
    got = _fixture_rows("chromium_pdftotext_centred_cells.txt")
    assert ["", "", "", "", "1、人员经费和公用经费支出", "7364861", "1、机关工资福利支出", "6933556"] in got
    assert groups_adding_up(list(enumerate(got)), 4) == 4


def test_of_readings_that_add_up_alike_the_one_that_leaves_no_piece_of_a_name_alone_is_taken():
    """表4 of a generated disclosure as Chromium prints it, through pdftotext -layout:
    by display widths and by pdftotext's grid, both read in order, every group adds up;
    by display widths the last line of 5、对事业单位经常性 / 补助 went to the column
    before, left alone under (4)资本性支出 and then joined to 2、专项业务经费支出."""
    got = _fixture_rows("chromium_pdftotext_wrapped_names.txt")
    assert ["", "", "6、科学技术支出", "", "2、专项业务经费支出", "158.90", "6、对事业单位资本性补助", ""] in got
    assert "5、对事业单位经常性补助" in [c for r in got for c in r]
    assert groups_adding_up(list(enumerate(got)), 4) == 4


def test_a_one_row_tables_cells_go_under_the_names_set_apart_from_them():
    # 表2 of a generated disclosure as Chromium prints it, through pdftotext -layout: the
    # unit's name flush left under 单位名称 centred over a wide column, a figure flush
    # right beside 合计; display widths set each apart as a column of its own.
    text = "\n".join(
        [
            "  表2",
            "                                              2024年单位综合预算收入总表",
            "                                                                                                                   单位:元",
            "                   单位名称                               合计                一般公共预算拨款 政府性基金   拨款",
            "                                                                                            上级补助收 事业收入 其他收入",
            "                                                                                              入",
            "  西川县第二中学                                             12,265,699.00        12,265,699.00",
            "  表3",
        ]
    )
    got = rows(tab_separated(text))
    header = next(r for r in got if "合计" in r)
    body = next(r for r in got if "西川县第二中学" in r)
    assert header[:3] == ["单位名称", "合计", "一般公共预算拨款"]
    assert body[:3] == ["西川县第二中学", "12,265,699.00", "12,265,699.00"]


def test_a_rows_rests_below_the_header_printed_again_join_it_a_bare_number_too():
    """表1 of a generated disclosure as LibreOffice prints it from a web page, through
    pdftotext -layout: a page break cuts the row of 3、机关资本性支出（一）; the next page
    prints the header again, then the rests 目 and （一）. （一） opens no item: it is the
    end of a name, and XTB002 compared a 机关资本性支出 表4 does not have."""
    got = _fixture_rows("libreoffice_pdftotext_row_cut_by_page.txt")
    assert "3、机关资本性支出（一）" in [c for r in got for c in r]
    assert not any(r[6] == "（一）" for r in got if len(r) == 8)
    assert groups_adding_up(list(enumerate(got)), 4) == 4


def test_a_label_centred_around_the_first_figure_row_is_that_rows_not_the_headers():
    # LibreOffice centres a wrapped label in its row's height (表13-1 of a generated
    # disclosure through pdftotext -layout): 年度资金总 above the line of the row's
    # figure, 额： below it, the rows set apart by blank lines.
    text = "\n".join(
        [
            "表 13-1",
            "",
            "                           2024 年单位专项业务经费绩效目标表(1)",
            "",
            "         项目名称                                          督查考核经费",
            "",
            "",
            "         主管部门                                     西川县牛口镇卫生院",
            "",
            "",
            "               年度资金总",
            "资金金额(万元)                                                    112.21",
            "               额：",
            "",
            "",
            "               其中：财政拨",
            "                                                             66.47",
            "               款",
            "",
            "",
            "               其他资金                                          45.74",
            "",
            "",
            "总体目标           年度目标",
            "",
            "",
            "               目标 1：保障督",
            "               查考核经费顺",
            "               利实施。目标",
            "               2：按期完成年",
            "               度工作任务，",
            "               提升服务水",
            "               平。",
            "",
            "",
            "绩效指标           一级指标        二级指标                 指标内容                 指标值",
            "",
            "",
            "               产出指标        数量指标                 完成年度重点工作任务数          ≥5 项",
            "",
            "",
            "                           质量指标                 工作任务完成合格率            ≥95%",
            "",
            "",
            "                           时效指标                 本年度完成支出              112.21 万元",
            "",
            "",
            "                           成本指标                 项目支出控制在预算范围内         ≤112.21 万元",
            "",
            "",
            "               效益指标        社会效益指标               服务保障能力提升             ≥90%",
            "",
            "",
            "                           可持续影响指标              工作机制长效运行             ≥85%",
            "\x0c         项目名称                          督查考核经费",
            "",
            "",
            "         主管部门                        西川县牛口镇卫生院",
            "",
            "",
            "           满意度指标    服务对象满意度指标      服务对象满意度        ≥90%",
            "",
        ]
    )
    got = rows(tab_separated(text))
    assert any(r[0] == "资金金额(万元)" and "年度资金总额：" in r and "112.21" in r for r in got)
    assert not any("年度资金总" in r for r in got)


def test_a_table_of_cells_too_narrow_to_read_is_left_unread_and_said_so():
    """表4 of a generated disclosure written as a Word file (eight columns on a portrait
    page), printed to PDF by LibreOffice, through pdftotext -layout: names wrap after two
    characters and amounts over three lines (45,9 / 14,0 / 66), so which line belongs to
    which row is a guess. The table keeps its header and no figure, the document says
    which table was not read, and 表6 below it, whose amounts wrap once, is read."""
    from datasets.parse import parse_bytes

    data = (Path(__file__).parent / "fixtures" / "libreoffice_word_pdftotext_narrow_cells.txt").read_bytes()
    got = _fixture_rows("libreoffice_word_pdftotext_narrow_cells.txt")
    assert ["收入", "支出"] in got
    assert not any("45,9" in c or "45,914,066" in c for r in got[:2] for c in r)
    assert ["302", "商品和服务支出", "14,923,400", "1,781,000", "13,142,400"] in got
    parsed = parse_bytes(data, "narrow.txt")
    assert parsed["unit"]["parse_status"] == "partial"
    assert "表4 2024 年单位综合预算财政拨款收支总表" in parsed["unit"]["parse_error"]
    assert "表6" not in parsed["unit"]["parse_error"]


def test_a_table_of_short_numbered_items_is_read():
    """Short numbered names one under the other (一、水 / 二、电) are rows, not names
    cut after two characters (the mark of cells too narrow to read)."""
    table = "\n".join(
        [
            _row(("项 目", 0, "l"), ("金额", 20, "r")),
            _row(("一、水", 0, "l"), ("1,200.00", 20, "r")),
            _row(("二、电", 0, "l"), ("3,400.00", 20, "r")),
            _row(("三、气", 0, "l"), ("560.00", 20, "r")),
            _row(("四、暖", 0, "l"), ("78.00", 20, "r")),
        ]
    )
    assert rows(tab_separated(table))[1:] == [
        ["一、水", "1,200.00"],
        ["二、电", "3,400.00"],
        ["三、气", "560.00"],
        ["四、暖", "78.00"],
    ]


def test_a_sentence_wrapped_between_an_amount_and_its_unit_stays_prose():
    """A narrow page's paragraph (a Word PDF through pdftotext): lines that end on an
    amount whose 万 is cut from its 元 are a sentence's, not rows of a table."""
    text = "\n".join(
        [
            "（三）一般公共预算拨款支出明细情况。",
            "(1) 机关事业单位基本养老保险缴费支出（2080505） 120.50 万",
            "元，比 2023 年预算增加 3.20 万元，主要原因是人员增加，",
            "相应经费增加。",
            "(2) 机关事业单位职业年金缴费支出（2080506） 88.10 万",
            "元，比 2023 年预算减少 1.05 万元，主要原因是人员变动，",
            "相应经费减少。",
            "(3) 其他社会保障和就业支出（2089999） 16.00 万",
            "元，与上年持平。",
        ]
    )
    assert tab_separated(text) == text
    claims = parse_text(tab_separated(text))["claims"]
    assert [(c["code"], c["current"]) for c in claims] == [("2080505", 120.5), ("2080506", 88.1), ("2089999", 16.0)]


def test_a_reading_that_joins_two_amounts_leaves_the_table_unread():
    """表4 of a generated disclosure written as a Word file, printed to PDF by
    LibreOffice, through pdftotext in its default order: each amount's pieces one space
    from a name's pieces, lines apart. A reading that runs two amounts' pieces into one
    cell (6077653.653.) told no rows apart: no figure of the table is kept, and the
    document says which table was not read."""
    from datasets.read.layout import tab_separated_lines

    text = (Path(__file__).parent / "fixtures" / "libreoffice_word_pdftotext_default_order_table.txt").read_text(
        encoding="utf-8"
    )
    unread: list[str] = []
    lines = tab_separated_lines(text, None, unread)
    assert not any(c.count(".") >= 2 for ln in lines for c in ln.split("\t"))
    assert len(unread) == 1 and "财政拨款收支总表" in unread[0]


def test_names_cut_beside_whole_amounts_are_read():
    """A narrow 万元 收支总表 whose names wrap after two characters but whose amounts,
    short as they are, are whole: its rows are told apart by them, and it is read."""
    table = "\n".join(
        [
            "表1",
            "2024年单位综合预算收支总表",
            "单位：万元",
            _row(("项目", 0, "l"), ("预算数", 6, "r"), ("项目", 18, "l"), ("预算数", 24, "r")),
            _row(("1、财", 0, "l"), ("45.91", 6, "r"), ("1、一", 18, "l"), ("20.00", 24, "r")),
            _row(("政拨", 0, "l"), ("般公", 18, "l")),
            _row(("款", 0, "l"), ("共服", 18, "l")),
            _row(("2、事", 0, "l"), ("5.00", 6, "r"), ("2、教", 18, "l"), ("30.91", 24, "r")),
            _row(("业收", 0, "l"), ("育支", 18, "l")),
            _row(("入", 0, "l"), ("出", 18, "l")),
            _row(("合计", 0, "l"), ("50.91", 6, "r"), ("合计", 18, "l"), ("50.91", 24, "r")),
        ]
    )
    got = rows(tab_separated(table))
    assert ["合计", "50.91", "合计", "50.91"] in got
    assert any("45.91" in r and "20.00" in r for r in got)


def test_a_header_centred_over_the_next_column_in_display_widths_is_read_in_the_grid():
    """表6 of a generated disclosure as LibreOffice prints it from a Word file, through
    pdftotext -layout: in display widths its centred 合计 sits over 基本支出's figures and
    leaves the first column of figures unnamed; pdftotext's grid, read in order, names
    each (before: 基本支出 项目支出 one name over the last column, and the narrative's
    figures compared with the wrong column: NAR009)."""
    got = _fixture_rows("libreoffice_word_pdftotext_centred_header.txt")
    assert ["科目编码", "科目名称", "合计", "基本支出", "项目支出"] in got
    assert ["302", "商品和服务支出", "14,923,400", "1,781,000", "13,142,400"] in got


def test_a_table_printed_a_cell_a_line_with_its_amounts_cut_is_left_unread_and_said_so():
    """表4 of a generated disclosure written as a Word file, printed to PDF by
    LibreOffice, through pdftotext -raw: a cell a line, and the amounts wrapped in their
    narrow cells, their last digits alone on the next line (105272 / 22). Which piece
    ends which figure, and which row it is, the text does not tell: the table keeps its
    header and no figure, and says so (before: 1609591 read for 8、社会保障和就业支出,
    and ARI002 alarmed)."""
    from datasets.read.layout import tab_separated_lines

    text = (Path(__file__).parent / "fixtures" / "libreoffice_word_pdftotext_raw_narrow_cells.txt").read_text(
        encoding="utf-8"
    )
    unread: list[str] = []
    got = rows("\n".join(tab_separated_lines(text, None, unread)))
    assert not any(c[:1].isdigit() for r in got for c in r)
    assert len(unread) == 1 and unread[0].startswith(
        "表格未能可靠读取 表 4 2024 年单位综合预算财政拨款收支总表：单元格过窄"
    )


@pytest.mark.parametrize(
    "line, below, cut",
    [
        ("105272", "22", True),
        ("17810", "00", True),
        ("32,239,1", "66", True),
        ("1,781,00", "0", True),
        ("1,781,000", "0", False),  # whole: the next cell
        ("32,239,1", "6", False),  # a group of two digits is no amount's rest
        ("105272", "0", False),  # a whole amount, then a 0 cell
        ("105272", "                                17", False),  # a page number, centred
        ("112615", "81.00", True),  # 元 cut before its last digits and decimals: 11261581.00
        ("112615", "0.00", False),  # a whole amount, then a 0.00 cell
        ("1126.16", "81.00", False),  # two amounts
        ("5074000", ".00", True),  # cut at its decimal point
        ("467200.", "00", True),
        ("467200.", "000", False),  # three digits: no 元 amount's decimals
    ],
)
def test_an_amounts_rest_alone_below_it(line, below, cut):
    from datasets.read.layout import _cut_below

    assert _cut_below(line, below) is cut


def test_figures_stepping_into_columns_of_their_own_in_display_widths_are_read_in_the_grid():
    """表13-1's funds of a generated web page printed to PDF by Chromium, through
    pdftotext -layout: one column of figures, each after a label of another length, so
    that in display widths each figure is a column of its own and 其他资金's row, finding
    its figure's column empty above, joined 其中：财政拨款's (before: one row of both
    labels and 28.25 as 财政拨款's figure, and ARI003 alarmed). pdftotext's grid holds
    them in one column."""
    got = _fixture_rows("chromium_pdftotext_stepped_figures.txt")
    assert ["资金金额（万元）", "年度资金总额：", "88.40"] in got
    assert ["", "其中：财政拨款", "60.15"] in got
    assert ["", "其他资金", "28.25"] in got


def test_a_year_before_the_quote_marks_pdftotext_raw_set_apart_starts_no_table():
    """A Word file printed to PDF by LibreOffice, through pdftotext -raw: 三公's quote
    marks leave their line with the year before them (2024 “ ”), and the sentence goes
    on below, its figures a space from their words. The year is no amount: the
    paragraph stays prose, and the heading below it a heading (before: read as a table
    down to the next section, whose heading was then missing: CMP003)."""
    text = "\n".join(
        [
            "“ ”",
            "五、 三公 经费及会议费、培训费等预算情况说明",
            "2024 “ ”",
            "年本单位当年一般公共预算 三公 经费预算支出 5.10 万元，较上年预",
            "算 4.80 万元上升",
            "0.30 万元（6.3%），主要原因是业务工作量增加。其中：因",
            "公出国（境）经费 0.00 万元，",
            "较上年预算无变动；公务接待费 2.40 万元，较上年预算 2.10 万元上升 0.30",
            "万元（14.3%）。",
            "六、国有资产占有使用及资产购置情况说明",
            "截止上年底，本单位共有车辆 2 辆，单价 20 万元以上的设备 1 台（套）。",
        ]
    )
    assert "\t" not in tab_separated(text)


def _raw_table(cells: list[str]) -> tuple[list[list[str]], list[str]]:
    """The rows and unread tables tab_separated_lines reads from a table printed one
    cell a line (pdftotext -raw)."""
    from datasets.read.layout import tab_separated_lines

    unread: list[str] = []
    return rows("\n".join(tab_separated_lines("\n".join(cells), None, unread))), unread


def test_amounts_cut_before_their_decimals_a_cell_a_line_leave_the_table_unread():
    """元 amounts wrapped in narrow cells, their last digits and decimals, or only the
    decimals, on the next line (112615 / 81.00, 5074000 / .00): which piece ends which
    figure the text does not tell."""
    cells = ["表 7", "单位：元", "科目编码 科目名称 合计 人员经费 公用经费", "合计", "5074000", ".00", "4606800"]
    cells += [".00", "467200.", "00", "2080505 机关事业", "单位基本", "112615", "81.00", "112615", "81.00"]
    got, unread = _raw_table(cells)
    assert len(unread) == 1 and "单元格过窄" in unread[0]
    assert not any(c[:1].isdigit() for r in got for c in r)


def test_whole_amounts_beside_a_column_of_rates_a_cell_a_line_are_no_cut():
    """A 元 table of whole amounts with a column of shares: the decimals or digits below
    an amount are the next cell (5074000 / 45.20, 3000000 / 26), not its rest."""
    cells = ["表 6", "单位：元", "科目编码 科目名称 合计 占比（%）", "2080505 机关事业", "单位基本", "5074000"]
    cells += ["45.20", "2080506 机关事业", "单位职业", "3000000", "26", "2101102 事业单位", "医疗", "3150000"]
    cells += ["28"]
    got, unread = _raw_table(cells)
    assert unread == []
    assert any("5074000" in c for r in got for c in r)


def test_a_target_centred_on_a_line_of_its_own_joins_its_row():
    """表13-1 of a generated disclosure as LibreOffice prints it from a Word file, through
    pdftotext -layout: a row's cells wrapped over several lines, its target (≥110%)
    centred on a line of its own between them. It joins the row above, whose target cell
    is empty, so the indicator's words and its target are read together (before: a row
    of the target alone, and PRF003 could not see that a 满意度 target exceeds 100%)."""
    from anomaly.engine import frames_from_text, run_rules

    text = (Path(__file__).parent / "fixtures" / "libreoffice_word_pdftotext_centred_target.txt").read_text(
        encoding="utf-8"
    )
    read = tab_separated(text)
    assert ["满意度指", "服务对象", "≥110%", "服务对象"] in rows(read)
    findings, _ = run_rules(frames_from_text(read), select=["PRF003"])
    assert findings["stated"].to_list() == ["≥110%"]
