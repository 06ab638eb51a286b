"""Inputs named by fsspec URLs (datasets.read.sources): listed, read and cached as local
folders are, with the URL as given in every output."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import fsspec
import polars as pl
import pytest
from click.testing import CliRunner

from anomaly import pipeline
from anomaly.cli import main
from anomaly.pipeline import Options, screen
from datasets import cache
from datasets.read import decode, discover
from datasets.read.sources import name_of
from datasets.synthetic import generate_corpus

COMPARED = ["units", "findings", "coverage", "features"]


REFERENCE = ("sources", 24, 11)  # the corpus and local screen of conftest's reference


@pytest.fixture
def memory():
    """A fresh in-process filesystem, emptied after the test."""
    fs = fsspec.filesystem("memory")
    yield fs
    fs.store.clear()
    fs.pseudo_dirs.clear()
    fs.pseudo_dirs.append("")


def upload(folder: Path, fs, root: str) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            fs.pipe_file(f"{root}/{p.relative_to(folder).as_posix()}", p.read_bytes())


def as_local(frame: pl.DataFrame, url: str, folder: Path) -> pl.DataFrame:
    """The frame with the URL prefix of every path (and of paths quoted in evidence) put
    back to the local folder's, for comparing with a local run."""
    cols = [c for c in ("source_path", "evidence") if c in frame.columns]
    out = frame.with_columns(pl.col(c).str.replace_all(url, str(folder), literal=True) for c in cols)
    if "source_files" in frame.columns:
        out = out.with_columns(
            pl.col("source_files").list.eval(pl.element().str.replace(url, str(folder), literal=True))
        )
    return out


def test_a_url_folder_lists_like_a_local_folder(tmp_path, memory):
    names = ["b/2.txt", "a/1.PDF", "a/.hidden.txt", ".git/x.txt", "notes.csv", "中文/报表.xlsx", "a b/c.md"]
    for n in names:
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / n).write_bytes(b"x")
        memory.pipe_file(f"/corpus/{n}", b"x")
    local = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    urls = discover(["memory://corpus/"])
    assert local == ["a/1.PDF", "a b/c.md", "b/2.txt", "中文/报表.xlsx"]  # by parts: a/ before "a b"/
    assert urls == [f"memory://corpus/{n}" for n in local]
    # A file URL is that file, once; a URL naming nothing is kept (and reported failed).
    assert discover(["memory://corpus", "memory://corpus/b/2.txt", "memory://none.txt"]) == [
        *(f"memory://corpus/{n}" for n in local),
        "memory://none.txt",
    ]
    assert name_of("memory://corpus/中文/报表.xlsx") == "报表.xlsx"


def test_a_folder_lists_in_the_order_of_its_paths(tmp_path):
    """Sorted as Paths compare, part by part: a/y/z before a/y-1/ before a/y.txt."""
    names = [
        "a/y.txt",
        "a/y/z.txt",
        "a/y-1/z.txt",
        "a/x.txt",
        "a.b/x.txt",
        "ab/x.txt",
        "a b/x.txt",
        "Z.txt",
        "a/y/a.txt",
    ]
    for n in names:
        (tmp_path / n).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / n).write_bytes(b"x")
    found = discover([tmp_path])
    assert found == sorted(tmp_path / n for n in names)
    assert [p.relative_to(tmp_path).as_posix() for p in found][1:5] == [
        "a/x.txt",
        "a/y/a.txt",
        "a/y/z.txt",
        "a/y-1/z.txt",
    ]


def test_a_memory_corpus_screens_as_its_folder(corpus, local_run, memory, tmp_path):
    upload(corpus, memory, "memory://county")
    files = discover(["memory://county"])
    assert len(files) == pl.read_parquet(local_run / "units.parquet").height
    run = screen(files, tmp_path / "out", Options(workers=1))
    assert run.units["source_path"].str.starts_with("memory://county/").all()
    assert run.manifest["failed"] == 0
    # Other ids (the URL is the place), so compare per file, not per id.
    key = ["source_path", "rule", "line", "message"]
    found = as_local(run.findings, "memory://county", corpus).select(key).sort(key)
    assert found.equals(pl.read_parquet(local_run / "findings.parquet").select(key).sort(key))


def test_a_file_url_gives_the_local_run_but_for_source_path(corpus, local_run, tmp_path):
    url = corpus.as_uri()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["screen", url, "--out", str(out), "--no-cache", "--workers", "1"])
    assert result.exit_code == 0, result.output
    for name in COMPARED:
        mine = pl.read_parquet(out / f"{name}.parquet")
        if "source_path" in mine.columns:
            assert mine["source_path"].str.starts_with(url + "/").all()
        # CPY quotes the other file's path in its evidence, and fingerprints hash the evidence.
        mine = as_local(mine, url, corpus).drop("fingerprint", "finding_id", strict=False)
        theirs = pl.read_parquet(local_run / f"{name}.parquet").drop("fingerprint", "finding_id", strict=False)
        assert mine.equals(theirs), name
    ranking = pl.read_csv(out / "ranking.csv").drop("source_path")
    assert ranking.equals(pl.read_csv(local_run / "ranking.csv").drop("source_path"))  # same ids, same order


def test_a_missing_url_is_reported_failed(corpus, memory, tmp_path):
    upload(corpus, memory, "memory://county")
    files = [*discover(["memory://county"])[:3], "memory://county/gone.txt"]
    run = screen(files, tmp_path / "out", Options(workers=1))
    row = run.units.filter(pl.col("source_path") == "memory://county/gone.txt").row(0, named=True)
    assert row["parse_status"] == "failed"
    assert "No such file or directory" in row["parse_error"]
    assert run.manifest["failed"] == 1 and run.units.height == 4


def test_a_warm_run_reads_only_changed_objects(corpus, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    generate_corpus(folder, units=6, seed=3)
    url = folder.as_uri()
    options = Options(workers=1, cache_dir=tmp_path / "cache")
    cold = screen(discover([url]), tmp_path / "out", options)
    hashed, computed = [], []
    real_sha1, real_results = cache.sha1, pipeline.results_of
    monkeypatch.setattr(cache, "sha1", lambda f: hashed.append(f) or real_sha1(f))
    monkeypatch.setattr(pipeline, "results_of", lambda files, *a: computed.extend(files) or real_results(files, *a))
    warm = screen(discover([url]), tmp_path / "out", options)
    assert hashed == [] and computed == []  # the stat index (size, mtime from fsspec's info) vouched for all
    assert warm.ranking.equals(cold.ranking)
    target = sorted(folder.rglob("*.txt"))[0]
    target.write_bytes(target.read_bytes() + "\n附注。\n".encode())
    screen(discover([url]), tmp_path / "out", options)
    assert [name_of(f) for f in hashed] == [target.name] == [name_of(f) for f in computed]


def test_an_object_without_a_version_is_hashed_not_reparsed(corpus, memory, tmp_path, monkeypatch):
    upload(corpus, memory, "memory://county")
    options = Options(workers=1, cache_dir=tmp_path / "cache")
    screen(discover(["memory://county"]), tmp_path / "out", options)
    hashed, computed = [], []
    real_sha1, real_results = cache.sha1, pipeline.results_of
    monkeypatch.setattr(cache, "sha1", lambda f: hashed.append(f) or real_sha1(f))
    monkeypatch.setattr(pipeline, "results_of", lambda files, *a: computed.extend(files) or real_results(files, *a))
    screen(discover(["memory://county"]), tmp_path / "out", options)
    assert len(hashed) == len(discover(["memory://county"])) and computed == []


def test_narrative_and_tables_as_urls_are_one_disclosure(tmp_path, memory):
    generate_corpus(tmp_path / "gen", units=2, seed=9)
    docs = json.loads((tmp_path / "gen" / "labels.json").read_text(encoding="utf-8"))["documents"]
    doc = next(d for d in docs if d["anomalies"])
    text = decode((tmp_path / "gen" / doc["file"]).read_bytes())[0]
    cut = text.index("第四部分", text.index("第四部分") + 1)  # the second: the first is in the 目录
    stem = f"{doc['unit_name']}{doc['year']}年单位预算公开"
    memory.pipe_file(f"/pub/{stem}说明.txt", text[:cut].encode())
    memory.pipe_file(f"/pub/{stem}报表.txt", text[cut:].encode())
    other = next(d for d in docs if d is not doc)
    memory.pipe_file(f"/pub/{other['unit_name']}.txt", (tmp_path / "gen" / other["file"]).read_bytes())
    run = screen(discover(["memory://pub/"]), tmp_path / "out", Options(workers=1))
    joined = run.units.filter(pl.col("unit_name") == doc["unit_name"])
    assert joined.height == 1 and joined["parse_status"][0] == "ok", joined["parse_error"][0]
    assert joined["source_files"][0].to_list() == [f"memory://pub/{stem}说明.txt", f"memory://pub/{stem}报表.txt"]
    findings = run.findings.filter(pl.col("unit_id") == joined["unit_id"][0])
    assert findings["source_path"].is_in([f"memory://pub/{stem}说明.txt", f"memory://pub/{stem}报表.txt"]).all()
    assert (findings["source_path"] == f"memory://pub/{stem}报表.txt").any()


def test_a_protocol_without_its_package_names_the_extra(tmp_path, monkeypatch):
    from fsspec.registry import _registry, known_implementations

    # As where s3fs is not installed (it is not a core dependency).
    monkeypatch.setitem(known_implementations, "s3", {"class": "no_such_s3fs.S3FileSystem", "err": "Install s3fs"})
    monkeypatch.delitem(_registry, "s3", raising=False)
    for lang, words in (("zh", "请安装"), ("en", "install it with")):
        result = CliRunner().invoke(main, ["screen", "s3://bucket/2024/", "--out", str(tmp_path), "--lang", lang])
        assert result.exit_code == 2
        assert words in result.output and "pip install 'anomaly[s3]'" in result.output
        assert "Traceback" not in result.output


def test_a_web_folder_screens_as_its_folder(corpus, local_run, tmp_path):
    pytest.importorskip("aiohttp", reason="fsspec's HTTP filesystem needs aiohttp (pip install 'anomaly[http]')")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(corpus)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        files = discover([url + "/"])
        assert [f[len(url) + 1 :] for f in files] == [p.relative_to(corpus).as_posix() for p in discover([corpus])]
        run = screen(files, tmp_path / "out", Options(workers=1))
    finally:
        server.shutdown()
        server.server_close()
    assert run.manifest["failed"] == 0
    key = ["source_path", "rule", "line", "message"]
    found = as_local(run.findings, url, corpus).select(key).sort(key)
    assert found.equals(pl.read_parquet(local_run / "findings.parquet").select(key).sort(key))
