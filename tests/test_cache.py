"""The parse cache: same frames as a full parse, re-parses only changed content, survives a killed run."""

import shutil

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from datasets import corpus
from datasets.cache import parse_cache
from datasets.corpus import parse_files
from datasets.reading import discover
from datasets.synthetic import generate_corpus


@pytest.fixture()
def folder(tmp_path):
    generate_corpus(tmp_path / "in", units=24, seed=9)
    shutil.copy(sorted((tmp_path / "in").rglob("*.txt"))[0], tmp_path / "in" / "copy-of-first.txt")
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x00\x01binary")
    return tmp_path


def parsed_paths(monkeypatch):
    seen = []
    real = corpus.parse_one

    def spy(path):
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(corpus, "parse_one", spy)
    return seen


def test_cached_frames_equal_a_full_parse(folder):
    files = discover([folder / "in"])
    plain = parse_files(files)
    cache = parse_cache(folder / "cache")
    cold = parse_files(files, cache=cache)
    warm = parse_files(files, cache=cache)
    for name in plain:
        assert_frame_equal(plain[name], cold[name])
        assert_frame_equal(plain[name], warm[name])
    assert warm["units"]["unit_id"].n_unique() == len(files)  # the copy keeps its own id


def test_only_changed_content_is_parsed(folder, monkeypatch):
    files = discover([folder / "in"])
    cache = parse_cache(folder / "cache")
    parse_files(files, cache=cache)
    changed = files[3]
    changed.write_text(changed.read_text(encoding="utf-8", errors="replace") + "\n补充说明。\n", encoding="utf-8")
    seen = parsed_paths(monkeypatch)
    again = parse_files(files, cache=cache)
    assert seen == [changed.name]
    assert again["units"].height == len(files)


def test_an_incomplete_segment_is_ignored(folder, monkeypatch):
    files = discover([folder / "in"])
    cache = parse_cache(folder / "cache")
    parse_files(files, cache=cache)
    # A killed run leaves segment files without the units file that completes them.
    for p in cache.dir.glob("seg-*.units.parquet"):
        p.unlink()
    seen = parsed_paths(monkeypatch)
    frames = parse_files(files, cache=cache)
    assert len(seen) == len(files)
    assert frames["units"].filter(pl.col("parse_status") != "failed").height == len(files) - 1


def test_screen_is_the_same_cold_warm_and_in_small_batches(folder, monkeypatch):
    """Batching and the results cache change nothing in the outputs."""
    from anomaly import pipeline
    from anomaly.pipeline import Options, screen

    files = discover([folder / "in"])
    plain = screen(files, folder / "plain", Options(lang="zh"))
    monkeypatch.setattr(pipeline, "BATCH", 7)
    cached = Options(lang="zh", cache_dir=folder / "cache")
    screen(files, folder / "cached", cached)  # cold, in batches of 7
    warm = screen(files, folder / "cached", cached)  # warm: every unit from the cache
    for a, b in ((plain.ranking, warm.ranking), (plain.units, warm.units), (plain.coverage, warm.coverage)):
        assert_frame_equal(a, b)
    cols = ["unit_id", "rule", "message", "evidence", "line", "stated", "expected", "finding_id"]
    assert_frame_equal(plain.findings.select(cols), warm.findings.select(cols))
    assert (folder / "plain" / "ranking.csv").read_bytes() == (folder / "cached" / "ranking.csv").read_bytes()
