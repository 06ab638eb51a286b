"""The results cache: the same outputs as a full run, recomputes only changed content,
survives a killed run; and batching changes nothing."""

import shutil

import pytest
from polars.testing import assert_frame_equal

from anomaly import pipeline
from anomaly.pipeline import Options, screen
from datasets.read import decode, discover
from datasets.synthetic import generate_corpus


@pytest.fixture()
def folder(tmp_path):
    generate_corpus(tmp_path / "in", units=24, seed=9)
    shutil.copy(sorted((tmp_path / "in").rglob("*.txt"))[0], tmp_path / "in" / "copy-of-first.txt")
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x00\x01binary")
    return tmp_path


def computed(monkeypatch):
    """Names of the files whose results are computed (not loaded from the cache)."""
    seen = []
    real = pipeline.results_of

    def spy(files, *args):
        seen.extend(f.name for f in files)
        return real(files, *args)

    monkeypatch.setattr(pipeline, "results_of", spy)
    return seen


def same(a, b):
    for x, y in ((a.ranking, b.ranking), (a.units, b.units), (a.coverage, b.coverage)):
        assert_frame_equal(x, y)
    cols = ["unit_id", "rule", "message", "evidence", "line", "stated", "expected", "finding_id"]
    assert_frame_equal(a.findings.select(cols), b.findings.select(cols))


def test_cold_warm_and_small_batches_give_the_same_outputs(folder, monkeypatch):
    files = discover([folder / "in"])
    plain = screen(files, folder / "plain", Options())
    monkeypatch.setattr(pipeline, "BATCH", 7)
    monkeypatch.setattr(pipeline, "TASK", 3)
    cached = Options(cache_dir=folder / "cache")
    cold = screen(files, folder / "cached", cached)  # in tasks of 3, cached in segments of 9
    seen = computed(monkeypatch)
    warm = screen(files, folder / "cached", cached)
    assert seen == []  # every unit came from the cache
    same(plain, cold)
    same(plain, warm)
    assert warm.units["unit_id"].n_unique() == len(files)  # the copy keeps its own id
    assert (folder / "plain" / "ranking.csv").read_bytes() == (folder / "cached" / "ranking.csv").read_bytes()


def test_only_changed_content_is_recomputed(folder, monkeypatch):
    files = discover([folder / "in"])
    cached = Options(cache_dir=folder / "cache")
    screen(files, folder / "out", cached)
    changed = files[3]
    text, encoding = decode(changed.read_bytes())
    changed.write_bytes((text + "\n补充说明。\n").encode(encoding))
    seen = computed(monkeypatch)
    again = screen(files, folder / "out", cached)
    assert seen == [changed.name]
    assert again.manifest["files_read"] == 1 and "cross_documents" in again.manifest["stages_s"]
    same(again, screen(files, folder / "plain", Options()))


def test_an_incomplete_segment_is_ignored(folder, monkeypatch):
    files = discover([folder / "in"])
    cached = Options(cache_dir=folder / "cache")
    first = screen(files, folder / "out", cached)
    # A killed run leaves segment files without the units file that completes them.
    for p in (folder / "cache").rglob("seg-*.units.parquet"):
        p.unlink()
    seen = computed(monkeypatch)
    again = screen(files, folder / "out", cached)
    assert len(seen) == len(files)
    same(first, again)


def test_a_changed_option_does_not_reuse_results(folder, monkeypatch):
    files = discover([folder / "in"])
    screen(files, folder / "out", Options(cache_dir=folder / "cache"))
    seen = computed(monkeypatch)
    en = screen(files, folder / "out", Options(cache_dir=folder / "cache", lang="en"))
    assert len(seen) == len(files)
    assert not en.findings["message"].str.contains("与上年").any()


def test_worker_processes_give_the_same_outputs(folder, monkeypatch):
    files = discover([folder / "in"])
    plain = screen(files, folder / "plain", Options())
    monkeypatch.setattr(pipeline, "TASK", 5)
    parallel = screen(files, folder / "par", Options(workers=2))
    same(plain, parallel)


def test_a_same_size_edit_with_a_new_mtime_is_seen(folder, monkeypatch):
    """The stat index skips hashing only where size and modification time are unchanged."""
    import os

    files = discover([folder / "in"])
    cached = Options(cache_dir=folder / "cache")
    screen(files, folder / "out", cached)
    target = files[5]
    data = bytearray(target.read_bytes())
    data[-2:] = b"\n\n" if data[-2:] != b"\n\n" else b" \n"  # same size, new content
    stat = os.stat(target)
    target.write_bytes(bytes(data))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    seen = computed(monkeypatch)
    screen(files, folder / "out", cached)
    assert seen == [target.name]
