"""Damaged text files are salvaged, not dropped: corrupt bytes, stray NULs, a cut-off
end and mojibake read as partial with the headline figures the damage did not touch."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasets.corpus import parsed_frames
from datasets.parse import parse_bytes
from datasets.read import UnreadableFile, read_document
from datasets.synthetic.damage import KINDS, Damaged, damage, salvaged
from tests.test_reading import DISCLOSURE


@pytest.fixture(scope="module")
def seed_bytes(seed_file):
    return seed_file.read_bytes()


@pytest.fixture(scope="module")
def seed_parse(seed_bytes):
    return parsed_frames(seed_bytes, "seed.txt")


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), seed=st.integers(0, 2**32 - 1))
def test_damaged_seed_keeps_its_surviving_headline_figures(seed_bytes, seed_parse, kind, seed):
    d = damage(seed_bytes, kind, random.Random(seed))
    ok, why, _ = salvaged(seed_parse, d)
    assert ok, f"{d.detail}: {why}"


def test_damage_is_said_in_parse_error(seed_bytes):
    data = bytearray(seed_bytes)
    data[5000:5000] = b"\x00\x00"
    data[20001] = 0xFF
    unit = parse_bytes(bytes(data), "seed.txt")["unit"]
    assert unit["parse_status"] == "partial"
    # 0xFF inside a three-byte character: it and the two orphaned bytes after it
    assert "已删除 2 个空字符" in unit["parse_error"] and "3 处字节无法解码" in unit["parse_error"]
    assert unit["staff_authorized"] == 30 and unit["sangong_total_yuan"] == pytest.approx(339600)


@pytest.mark.parametrize("codec", ["gbk", "latin-1", "sloppy-windows-1252"])
def test_mojibake_is_repaired(seed_bytes, seed_parse, codec):
    import ftfy.bad_codecs  # noqa: F401

    moji = seed_bytes.decode(codec, "replace").encode("utf-8")
    doc = read_document(moji, "seed.txt")
    assert any("乱码" in p for p in doc.problems)
    unit = parse_bytes(moji, "seed.txt")["unit"]
    assert unit["parse_status"] == "partial"
    if codec != "gbk":  # lossless: the whole disclosure comes back
        assert doc.text == seed_bytes.decode("utf-8")
        total = parsed_frames(moji, "seed.txt")["units"]["total_budget_yuan"].item()
        assert total == seed_parse["units"]["total_budget_yuan"].item()


def test_damaged_gbk_stays_gbk():
    data = bytearray((DISCLOSURE * 3).encode("gb18030"))
    rng = random.Random(7)
    for at in rng.sample(range(len(data)), 8):
        data[at] = rng.randrange(128, 256)
    doc = read_document(bytes(data[:-1]), "x.txt")  # and the last character cut off
    assert doc.encoding == "gb18030"
    assert doc.text.count("人员编制") >= 2 and any("无法解码" in p for p in doc.problems)


def test_gbk_read_as_latin1_is_repaired():
    moji = DISCLOSURE.encode("gb18030").decode("latin-1").encode("utf-8")
    doc = read_document(moji, "x.txt")
    assert doc.text == DISCLOSURE and any("乱码" in p for p in doc.problems)


def test_damaged_generated_disclosures(tmp_path):
    from datasets.synthetic.generate import generate_corpus

    labels = generate_corpus(tmp_path, units=4, seed=3)
    rng = random.Random(3)
    for doc in labels["documents"]:
        data = (tmp_path / doc["file"]).read_bytes()
        reference = parsed_frames(data, doc["file"])
        for kind in KINDS:
            d = damage(data, kind, rng)
            ok, why, _ = salvaged(reference, d)
            assert ok, f"{doc['file']} {d.detail}: {why}"


@pytest.mark.parametrize(
    "data",
    [
        random.Random(1).randbytes(4000),  # noise
        b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(4000),
    ],
)
def test_binary_is_still_unreadable(data):
    with pytest.raises(UnreadableFile):
        read_document(data, "x.txt")


def test_a_cut_that_leaves_nothing_is_failed(seed_bytes, seed_parse):
    d = Damaged(seed_bytes[:40], "truncate", "cut at 40", set(), 1)
    assert parse_bytes(d.data, "x.txt")["unit"]["parse_status"] == "failed"
    assert salvaged(seed_parse, d)[0]
