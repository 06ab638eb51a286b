"""Bad input gets a clear reason and never stops a run; every file keeps its row."""

import codecs

import polars as pl
import pytest

from datasets.corpus import parse_files
from datasets.read import UnreadableFile, decode, discover

DISCLOSURE = (
    "清河县示例局\n2024年单位预算公开说明\n"
    "三、人员情况说明\n本单位人员编制 10 人，其中行政编制 8 人、事业编制 2 人；实有人员 9 人，其中行政 7 人、事业 2 人。单位管理的离退休人员 3 人。\n"
    "四、收支说明\n2024年本单位预算收入 100.00 万元，较上年增加 5.00 万元，主要原因是业务增加。\n"
    "五、“三公”经费情况说明\n“三公”经费预算支出3.00万元，较上年4.00万元减少1.00万元（25%）。\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le"])
def test_encodings_decode_to_the_same_text(encoding):
    data = DISCLOSURE.encode(encoding)
    text, _ = decode(data)
    assert text == DISCLOSURE


def test_crlf_and_cr_line_endings_keep_line_numbers(tmp_path):
    for name, sep in (("crlf.txt", "\r\n"), ("cr.txt", "\r")):
        (tmp_path / name).write_bytes(DISCLOSURE.replace("\n", sep).encode("utf-8"))
    frames = parse_files(sorted(tmp_path.iterdir()))
    lines = frames["claims"].filter(pl.col("item") == "sangong")["line"].to_list()
    assert lines == [8, 8]


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"%PDF-1.7\x00\x01\x02\x03binary\x00\x00", "binary"),
        (b"plain \x80 then \xff\xff text", "undecodable"),
    ],
)
def test_unreadable_bytes_raise_with_reason(data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        decode(data)


def test_bad_files_each_get_a_row_and_the_run_goes_on(tmp_path):
    (tmp_path / "a_good.txt").write_text(DISCLOSURE, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "d_bytes.txt").write_bytes(codecs.BOM_UTF8 + b"\xff\xfe\xfa")
    (tmp_path / "e_truncated.txt").write_text(DISCLOSURE[:120], encoding="utf-8")
    (tmp_path / "f_not_a_disclosure.md").write_text(
        "# 会议纪要\n今天天气很好，大家讨论了食堂菜单。\n", encoding="utf-8"
    )
    files = discover([tmp_path, tmp_path / "missing.txt"])
    frames = parse_files(files)
    units = frames["units"].sort("source_path")
    assert units.height == 7
    status = dict(zip([p.rsplit("/", 1)[-1] for p in units["source_path"]], units["parse_status"]))
    assert status == {
        "a_good.txt": "partial",  # no tables: parsed, but 表1 and the 目录 are missing
        "b_empty.txt": "failed",
        "c_binary.txt": "failed",
        "d_bytes.txt": "failed",
        "e_truncated.txt": "partial",
        "f_not_a_disclosure.md": "failed",
        "missing.txt": "failed",
    }
    assert units.filter(pl.col("parse_status") != "ok")["parse_error"].null_count() == 0
    good = units.filter(pl.col("source_path").str.ends_with("a_good.txt")).row(0, named=True)
    assert (good["unit_name"], good["year"], good["staff_authorized"], good["sangong_total_yuan"]) == (
        "清河县示例局",
        2024,
        10,
        30000.0,
    )
    assert "表1" in good["parse_error"]


def test_unit_ids_are_stable_and_distinct(tmp_path):
    (tmp_path / "a.txt").write_text(DISCLOSURE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DISCLOSURE, encoding="utf-8")  # a verbatim copy is a different unit
    one = parse_files(discover([tmp_path]))["units"]["unit_id"].to_list()
    two = parse_files(discover([tmp_path]))["units"]["unit_id"].to_list()
    assert one == two and len(set(one)) == 2


def test_hostile_text_is_data(tmp_path):
    hostile = DISCLOSURE.replace("清河县示例局", "<script>alert(1)</script>../../etc/passwd")
    (tmp_path / "x.txt").write_text(hostile, encoding="utf-8")
    units = parse_files([tmp_path / "x.txt"])["units"]
    assert units["unit_name"].item() == "<script>alert(1)</script>../../etc/passwd"


def test_discover_finds_each_readable_file_once_in_a_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "links").mkdir()
    for name in ("b/two.PDF", "a.txt", ".hidden/three.txt", ".four.txt", "b/notes.rst"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "links" / "a.txt").symlink_to(tmp_path / "a.txt")  # the same file again
    (tmp_path / "links" / "b").symlink_to(tmp_path / "b")  # a link to a folder: not followed
    (tmp_path / "links" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    found = discover([tmp_path])
    assert found == [tmp_path / "a.txt", tmp_path / "b" / "two.PDF"]
    # A file named directly comes first; the folder's copy of it is not read again; a
    # missing file is kept, to be reported as failed.
    named = discover([tmp_path / "links" / "a.txt", tmp_path, tmp_path / "missing.txt"])
    assert named == [tmp_path / "links" / "a.txt", tmp_path / "b" / "two.PDF", tmp_path / "missing.txt"]


def test_a_folder_that_cannot_be_listed_is_passed_over(tmp_path, monkeypatch):
    import os

    (tmp_path / "open").mkdir()
    (tmp_path / "closed").mkdir()
    (tmp_path / "open" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "closed" / "b.txt").write_text("x", encoding="utf-8")
    real = os.scandir

    def scandir(path):
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert discover([tmp_path]) == [tmp_path / "open" / "a.txt"]
