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


def test_runs_of_other_inputs_sharing_a_cache_keep_each_others_file_hashes(folder, monkeypatch):
    """Two counties screened nightly into one cache: neither run's stat index entries
    push out the other's, so unchanged files are not read to be hashed again."""
    from datasets import cache

    files = discover([folder / "in"])
    first, second = files[:12], files[12:]
    cached = Options(cache_dir=folder / "cache")
    screen(first, folder / "out1", cached)
    screen(second, folder / "out2", cached)
    hashed = []
    real = cache.sha1
    monkeypatch.setattr(cache, "sha1", lambda f: hashed.append(f) or real(f))
    screen(first, folder / "out1", cached)
    screen(second, folder / "out2", cached)
    assert hashed == []


def _segments(cache_root):
    return sorted(p.name for p in cache_root.rglob("results-*/seg-*.units.parquet"))


def _republish(path, night):
    text, encoding = decode(path.read_bytes())
    path.write_bytes((text + f"\n第{night}次更新。\n").encode(encoding))


def test_nightly_segments_are_merged_and_outputs_stay_the_same(folder, monkeypatch):
    """Past MAX_SEGMENTS a run merges the segments: the next nights read only what
    changed, the outputs are a full run's, and an old content no run uses goes."""
    from datasets import cache as cache_module

    files = discover([folder / "in"])
    cached = Options(cache_dir=folder / "cache")
    monkeypatch.setattr(pipeline, "BATCH", 7)
    monkeypatch.setattr(pipeline, "TASK", 3)
    monkeypatch.setattr(cache_module, "MAX_SEGMENTS", 2)
    screen(files, folder / "out", cached)  # three segments of 9 files or fewer, merged
    assert len(_segments(folder / "cache")) == 1
    counts, stale = [], []
    for night in range(1, 4):
        _republish(files[-night], night)
        seen = computed(monkeypatch)
        warm = screen(files, folder / "out", cached)
        assert seen == [files[-night].name]
        same(warm, screen(files, folder / f"plain{night}", Options()))
        counts.append(len(_segments(folder / "cache")))
        kept = pipeline.Caches.of(cached).results.known()
        stale.append(kept.height - warm.units["content_sha1"].drop_nulls().n_unique())
    assert counts == [2, 1, 2]  # a segment a night; a third is one too many
    assert stale == [1, 0, 1]  # a republished file's old content, until the next merge


def test_a_run_holding_the_cache_keeps_others_from_merging_it(folder, monkeypatch):
    from datasets import cache as cache_module

    files = discover([folder / "in"])
    cached = Options(cache_dir=folder / "cache")
    monkeypatch.setattr(pipeline, "BATCH", 7)
    monkeypatch.setattr(pipeline, "TASK", 3)
    monkeypatch.setattr(cache_module, "MAX_SEGMENTS", 1)
    with cache_module.in_use(folder / "cache"):  # another run, still reading
        screen(files, folder / "out", cached)
        assert len(_segments(folder / "cache")) == 3
    screen(files, folder / "out", cached)
    assert len(_segments(folder / "cache")) == 1


def test_a_leftover_that_cannot_be_removed_does_not_stop_the_merge(folder, monkeypatch):
    """Tidying fails on a folder where a killed run's temporary file would be; the
    segments are merged all the same."""
    from datasets import cache as cache_module

    files = discover([folder / "in"])
    cached = Options(cache_dir=folder / "cache")
    monkeypatch.setattr(pipeline, "BATCH", 7)
    monkeypatch.setattr(pipeline, "TASK", 3)
    with cache_module.in_use(folder / "cache"):  # another run holds it: nothing merged yet
        first = screen(files, folder / "out", cached)
    results = next((folder / "cache").glob("results-*"))
    (results / ".seg-0.units.parquet.tmp").mkdir()  # unlink() raises IsADirectoryError
    (results / ".seg-1.units.parquet.tmp").write_bytes(b"killed")
    monkeypatch.setattr(cache_module, "MAX_SEGMENTS", 1)
    same(first, screen(files, folder / "out", cached))
    assert len(_segments(folder / "cache")) == 1
    assert not (results / ".seg-1.units.parquet.tmp").exists()  # the others are removed


def test_what_killed_runs_were_writing_is_removed(folder):
    """A run killed while writing the stat index or the report's kept items leaves a
    temporary file; the next run that has the cache to itself removes it."""
    cached = Options(cache_dir=folder / "cache")
    screen(discover([folder / "in"]), folder / "out", cached)
    left = [
        folder / "cache" / ".stat-index.parquet.4242.0a1b2c3d.tmp",
        folder / "cache" / "report-0123456789ab" / ".crops.parquet.4242.0a1b2c3d.tmp",
    ]
    others = [folder / "cache" / ".other-tool.tmp", folder / "cache" / "shared" / ".upload.tmp"]  # not the cache's
    for f in left + others:
        f.parent.mkdir(exist_ok=True)
        f.write_bytes(b"killed")
    screen(discover([folder / "in"]), folder / "out", cached)
    assert not any(f.exists() for f in left) and all(f.exists() for f in others)
    assert (folder / "cache" / "stat-index.parquet").is_file()


def test_a_cache_without_locks_is_used_unmerged(folder, monkeypatch):
    """A file system without locks (flock fails: NFS without lockd) costs the merging,
    not the run."""
    import errno

    from datasets import cache as cache_module

    def no_locks(fd, how):
        raise OSError(errno.ENOLCK, "No locks available")

    files = discover([folder / "in"])
    cached = Options(cache_dir=folder / "cache")
    monkeypatch.setattr(pipeline, "BATCH", 7)
    monkeypatch.setattr(pipeline, "TASK", 3)
    monkeypatch.setattr(cache_module, "MAX_SEGMENTS", 1)
    monkeypatch.setattr(cache_module.fcntl, "flock", no_locks)
    first = screen(files, folder / "out", cached)
    seen = computed(monkeypatch)
    same(first, screen(files, folder / "out", cached))
    assert seen == [] and len(_segments(folder / "cache")) == 3


def test_folders_of_other_code_unused_for_a_month_are_removed(folder):
    import os
    import time

    from datasets import cache as cache_module

    root = folder / "cache"
    old, recent, other = root / "results-0123456789ab", root / "report-ba9876543210", root / "notes"
    for d in (old, recent, other):
        d.mkdir(parents=True)
        (d / "seg-1.units.parquet").write_bytes(b"")
    month_ago = time.time() - 31 * 86_400
    for d in (old, other):
        os.utime(d, (month_ago, month_ago))
    os.utime(recent, (month_ago, month_ago))
    (recent / ".used").touch()  # used by a run of that code this week
    files = discover([folder / "in"])
    with cache_module.in_use(root):  # a run that is not alone marks what it used all the same
        screen(files, folder / "out", Options(cache_dir=root))
    mine = [d for d in root.iterdir() if d.name.startswith(("results-", "report-"))]
    assert {d.name.split("-")[0] for d in mine if d != recent and (d / ".used").exists()} == {"results", "report"}
    assert old.exists()  # not removed while another run held the cache
    screen(files, folder / "out", Options(cache_dir=root))
    assert not old.exists() and recent.exists() and other.exists()


def test_merging_keeps_what_another_folder_used_this_month(folder, monkeypatch):
    """Two input folders share a cache: merging by one run keeps what the other used in
    the last KEEP_DAYS, so neither parses again; a month on, the other's entries go."""
    import os
    import time

    from datasets import cache as cache_module

    files = discover([folder / "in"])
    half = len(files) // 2
    cached = Options(cache_dir=folder / "cache")
    monkeypatch.setattr(cache_module, "MAX_SEGMENTS", 1)
    screen(files[:half], folder / "a", cached)
    screen(files[half:], folder / "b", cached)  # merges the two runs' segments
    assert len(_segments(folder / "cache")) == 1
    seen = computed(monkeypatch)
    screen(files[:half], folder / "a", cached)
    assert seen == []
    month_ago = time.time() - 31 * 86_400
    for used in (folder / "cache").rglob("used/*.parquet"):  # no run used anything since
        os.utime(used, (month_ago, month_ago))
    _republish(files[-1], 1)
    screen(files[half:], folder / "b", cached)  # merges again: b used its own this night
    seen.clear()
    screen(files[:half], folder / "a", cached)
    assert sorted(seen) == sorted(f.name for f in files[:half])
