"""A unit's disclosure in two files (说明 + 报表) is screened as one disclosure; a file
that could belong to two disclosures is reported, never joined by guess."""

from __future__ import annotations

import json
import re
import shutil

import polars as pl
import pytest
from click.testing import CliRunner

from anomaly.cli import main
from datasets.bundles import name_keys
from datasets.read import decode
from datasets.synthetic import generate_corpus


def _split(text: str) -> tuple[str, str]:
    """The narrative (parts 一 to 三) and the tables (第四部分 on) of a disclosure."""
    cut = text.index("第四部分", text.index("第四部分") + 1)  # the second: the first is in the 目录
    return text[:cut], text[cut:]


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    generate_corpus(corpus, units=3, seed=9)
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    docs = labels["documents"][::-1]  # the unit with planted mistakes (ARI, CMP, PRF) first
    assert docs[0]["anomalies"]
    folder = tmp_path_factory.mktemp("in")
    # Unit 0 as 说明 + 报表; unit 1 whole; unit 2's tables with two candidate narratives.
    texts = [decode((corpus / d["file"]).read_bytes())[0] for d in docs]  # generated files vary in encoding
    names = [d["unit_name"] for d in docs]
    narrative, tables = _split(texts[0])
    year = [d["year"] for d in docs]
    (folder / f"{names[0]}{year[0]}年单位预算公开说明.txt").write_text(narrative, encoding="utf-8")
    (folder / f"{names[0]}{year[0]}年单位预算公开报表.txt").write_text(tables, encoding="utf-8")
    # Unit 1: the narrative, and its tables in two files (表1-表7, 表8 on).
    narrative1, tables1 = _split(texts[1])
    cut = re.search(r"\n[#*\s]*表\s*8\s*\n", tables1).start()  # the heading of 表8, not its 目录 row
    (folder / f"{names[1]}{year[1]}年预算公开说明.txt").write_text(narrative1, encoding="utf-8")
    (folder / f"{names[1]}{year[1]}年预算公开报表（一）.txt").write_text(tables1[:cut], encoding="utf-8")
    (folder / f"{names[1]}{year[1]}年预算公开报表（二）.txt").write_text(tables1[cut:], encoding="utf-8")
    narrative2, tables2 = _split(texts[2])
    (folder / f"{names[2]}{year[2]}年预算说明.txt").write_text(narrative2, encoding="utf-8")
    (folder / f"{names[2]}{year[2]}年预算说明（修订）.txt").write_text(narrative2, encoding="utf-8")
    (folder / f"{names[2]}{year[2]}年预算报表.txt").write_text(tables2, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["screen", str(folder), "--out", str(out), "--no-cache", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return out, docs, names


def test_narrative_and_tables_of_one_unit_are_one_disclosure(screened):
    out, docs, names = screened
    units = pl.read_parquet(out / "units.parquet")
    joined = units.filter(pl.col("unit_name") == names[0])
    assert joined.height == 1
    row = joined.row(0, named=True)
    year = docs[0]["year"]
    assert [p.rsplit("/", 1)[-1] for p in row["source_files"]] == [
        f"{names[0]}{year}年单位预算公开说明.txt",
        f"{names[0]}{year}年单位预算公开报表.txt",
    ]
    assert row["parse_status"] == "ok", row["parse_error"]
    truth = docs[0]["truth"]
    for field, want in truth.items():
        if want is not None:
            assert row[field] == pytest.approx(want, abs=0.005), field


def test_findings_name_the_file_and_line_their_evidence_is_in(screened):
    out, _, names = screened
    units = pl.read_parquet(out / "units.parquet").filter(pl.col("unit_name") == names[0])
    uid = units["unit_id"][0]
    findings = pl.read_parquet(out / "findings.parquet").filter(pl.col("unit_id") == uid)
    assert set(findings["family"]) >= {"ARI", "CMP", "PRF"}
    assert findings["source_path"].str.ends_with("报表.txt").any()
    located = findings.filter(pl.col("line").is_not_null()).to_dicts()
    quoted = 0
    for r in located:
        lines = open(r["source_path"], encoding="utf-8").read().split("\n")
        assert 1 <= r["line"] <= len(lines)
        window = "".join(lines[max(0, r["line"] - 3) : r["line"] + 3])
        tokens = re.findall(r"表\d+(?:-\d+)?|\d[\d,]*\.\d+", r["evidence"] or "")
        quoted += any(t in window for t in tokens)
    # Summaries (PRF001 names several tables) quote figures from elsewhere; the rest quote their line.
    assert located and quoted >= 0.8 * len(located)


def test_every_input_file_is_accounted_for(screened):
    out, _, _ = screened
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs_seen"] == 8 == len(manifest["files"])
    assert manifest["ok"] + manifest["partial"] + manifest["failed"] == 8
    units = pl.read_parquet(out / "units.parquet")
    assert units["source_files"].list.len().sum() == 8


def test_tables_in_several_files_join_their_narrative(screened):
    out, docs, names = screened
    units = pl.read_parquet(out / "units.parquet").filter(pl.col("unit_name") == names[1])
    assert units.height == 1 and units["source_files"].list.len()[0] == 3
    row = units.row(0, named=True)
    assert row["parse_status"] == "ok", row["parse_error"]
    assert row["total_budget_yuan"] == pytest.approx(docs[1]["truth"]["total_budget_yuan"], abs=0.005)


def test_tables_that_could_belong_to_two_narratives_are_not_joined(screened):
    out, _, names = screened
    units = pl.read_parquet(out / "units.parquet").filter(pl.col("unit_name").str.contains(names[2]))
    tables = units.filter(pl.col("source_path").str.ends_with("报表.txt"))
    assert tables.height == 1 and "无法确定所属说明文件" in tables["parse_error"][0]
    assert units.filter(pl.col("source_files").list.len() > 1).height == 0


def test_name_keys_come_from_the_content_and_the_file_name():
    assert name_keys("华溪县财政局", "x/华溪县财政局2024年单位预算公开报表.xlsx") == {"华溪县财政局"}
    assert name_keys(None, "x/华溪县财政局_2024年度部门预算说明.pdf") == {"华溪县财政局"}
    assert name_keys("表1", "x/3f9a1c2b7d.pdf") == set()


def _bundled(tmp_path, units: int, seed: int):
    """A folder of generated disclosures, each unit's as 说明 + 报表."""
    corpus = tmp_path / "corpus"
    generate_corpus(corpus, units=units, seed=seed)
    folder = tmp_path / "in"
    folder.mkdir()
    for d in json.loads((corpus / "labels.json").read_text(encoding="utf-8"))["documents"]:
        narrative, tables = _split(decode((corpus / d["file"]).read_bytes())[0])
        (folder / f"{d['unit_name']}{d['year']}年单位预算公开说明.txt").write_text(narrative, encoding="utf-8")
        (folder / f"{d['unit_name']}{d['year']}年单位预算公开报表.txt").write_text(tables, encoding="utf-8")
    return folder


def test_joined_disclosures_are_read_again_only_when_their_files_change(tmp_path, monkeypatch):
    import anomaly.per_file

    folder = _bundled(tmp_path, units=2, seed=9)
    real = anomaly.per_file.parse_bundle
    joined: list[list] = []
    monkeypatch.setattr(
        anomaly.per_file, "parse_bundle", lambda paths, known=None: joined.append(paths) or real(paths, known)
    )

    def screen(inputs, out):
        inputs = inputs if isinstance(inputs, list) else [inputs]
        result = CliRunner().invoke(main, ["screen", *map(str, inputs), "--out", str(out), "--workers", "1"])
        assert result.exit_code == 0, result.output
        units = pl.read_parquet(out / "units.parquet")
        return units, pl.read_parquet(out / "findings.parquet").drop("is_new")

    first = screen(folder, tmp_path / "out")
    assert len(joined) == 2 and first[0]["source_files"].list.len().to_list() == [2, 2]
    joined.clear()
    again = screen(folder, tmp_path / "out")  # nothing changed: nothing joined again
    assert joined == [] and again[0].equals(first[0]) and again[1].equals(first[1])
    # One unit's tables changed: that disclosure alone is read again.
    changed = sorted(folder.glob("*报表.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n注：本表无调整。\n", encoding="utf-8")
    assert screen(folder, tmp_path / "out")[0].height == 2 and [p[-1] for p in joined] == [str(changed)]
    # The same files in another folder are other disclosures (their findings name other files).
    joined.clear()
    moved = tmp_path / "moved"
    shutil.copytree(folder, moved)
    screen(moved, tmp_path / "out")
    assert len(joined) == 2
    joined.clear()  # and are kept as such: the next night reads neither place again
    assert screen([folder, moved], tmp_path / "out")[0].height == 4 and joined == []


def test_joined_disclosures_read_by_workers_give_what_one_process_gives(tmp_path, monkeypatch):
    import anomaly.pipeline

    folder = _bundled(tmp_path, units=3, seed=11)
    monkeypatch.setattr(anomaly.pipeline, "IN_PROCESS", 0)  # three bundles: workers read them

    def outputs(workers):
        out = tmp_path / f"out{workers}"
        args = ["screen", str(folder), "--out", str(out), "--no-cache", "--workers", str(workers)]
        assert CliRunner().invoke(main, args).exit_code == 0
        return [pl.read_parquet(out / f"{name}.parquet") for name in ("units", "findings", "coverage", "features")]

    alone, shared = outputs(1), outputs(2)
    assert alone[0]["source_files"].list.len().to_list() == [2, 2, 2]
    assert all(a.equals(b) for a, b in zip(alone, shared))


def test_a_joined_disclosure_reuses_its_files_as_first_read(tmp_path, monkeypatch):
    """Cold, each file is read once: the joined reading takes the documents the run read
    alone (a PDF read twice cost a bundled county most of a second pass); the outputs
    are those of reading the files again."""
    import anomaly.per_file
    import datasets.bundles

    folder = _bundled(tmp_path, units=3, seed=11)
    again: list[str] = []
    real = datasets.bundles.read_document
    monkeypatch.setattr(datasets.bundles, "read_document", lambda data, name: again.append(name) or real(data, name))

    def outputs(out):
        args = ["screen", str(folder), "--out", str(out), "--no-cache", "--workers", "1"]
        assert CliRunner().invoke(main, args).exit_code == 0
        return [pl.read_parquet(out / f"{name}.parquet") for name in ("units", "findings", "coverage", "features")]

    kept = outputs(tmp_path / "kept")
    assert again == [] and kept[0]["source_files"].list.len().to_list() == [2, 2, 2]

    class NoneKept(datasets.bundles.Candidates):
        def frame(self):
            return pl.DataFrame(schema=datasets.bundles.DOCUMENTS)

    monkeypatch.setattr(anomaly.per_file, "Candidates", NoneKept)
    read_twice = outputs(tmp_path / "twice")
    assert len(again) == 6
    assert all(a.equals(b) for a, b in zip(kept, read_twice))


def test_joined_readings_load_their_kept_documents_a_task_at_a_time(tmp_path, monkeypatch):
    """In one process, as in workers, the kept documents are loaded for one task's
    disclosures at a time (a province's joined disclosures loaded at once held every
    file's text), and the outputs are those of one task."""
    import anomaly.per_file
    import anomaly.pipeline

    folder = _bundled(tmp_path, units=3, seed=11)
    loaded: list[int] = []
    real = anomaly.per_file.documents_of
    monkeypatch.setattr(anomaly.per_file, "documents_of", lambda f, ids: loaded.append(len(ids)) or real(f, ids))

    def outputs(out):
        args = ["screen", str(folder), "--out", str(out), "--no-cache", "--workers", "1"]
        assert CliRunner().invoke(main, args).exit_code == 0
        return [pl.read_parquet(out / f"{name}.parquet") for name in ("units", "findings", "coverage", "features")]

    whole = outputs(tmp_path / "whole")
    assert loaded == [6]
    loaded.clear()
    monkeypatch.setattr(anomaly.pipeline, "BUNDLE_TASK", 1)
    one_by_one = outputs(tmp_path / "one")
    assert loaded == [2, 2, 2]
    assert all(a.equals(b) for a, b in zip(whole, one_by_one))


def test_documents_are_kept_for_folders_holding_a_file_of_tables_only():
    from datasets.bundles import Candidates
    from datasets.read import Document

    keep = Candidates()

    def unit(path, claims, tables, sha="x"):
        uid = path.replace("/", "_")
        return {"unit_id": uid, "source_path": path, "n_claims": claims, "n_tables": tables, "content_sha1": sha}

    doc = Document("甲\n乙", "pdf", line_pages=[1, 1], pages=1, line_places=None, problems=[], notes=["n"])
    for u in (
        unit("/a/说明.pdf", 40, 0),
        unit("/a/报表.xlsx", 0, 9),  # a file of tables only: its folder's files are kept
        unit("/b/whole.pdf", 40, 9),  # a whole disclosure alone in its folder
        unit("/c/说明.pdf", 40, 0, sha=None),  # unreadable: no hash to join by
        unit("/c/报表.xlsx", 0, 9),
        unit("/d/2024年说明.pdf", 40, 0),  # a subfolder sorts between a folder's own files
        unit("/d/archive/2023.pdf", 40, 9),
        unit("/d/报表.xlsx", 0, 9),
        unit("/e/whole.pdf", 40, 9),
        unit("2024年说明.pdf", 40, 0),  # `anomaly screen .`: the folder is "."
        unit("archive/2023.pdf", 40, 9),
        unit("报表.xlsx", 0, 9),
    ):
        keep(u, doc)
    frame = keep.frame()
    assert frame["unit_id"].to_list() == [
        "_a_说明.pdf",
        "_a_报表.xlsx",
        "_c_报表.xlsx",
        "_d_2024年说明.pdf",
        "_d_报表.xlsx",
        "2024年说明.pdf",
        "报表.xlsx",
    ]
    assert frame.row(0, named=True)["line_pages"] == [1, 1] and frame.row(0, named=True)["notes"] == ["n"]


def test_a_disclosure_pasted_on_one_line_is_prose_not_a_file_of_tables(tmp_path):
    # Its tables' tabs kept, the one line was a table row of thousands of cells: a file
    # of tables only, joined to the unit's own narrative, whose checks then paired the
    # row's cells (10 GB for a 3 MB file).
    folder = tmp_path / "in"
    generate_corpus(folder, units=1, seed=5)  # tables tab-separated (seed 4: markdown)
    (text,) = [p for p in folder.rglob("*.txt")]
    pasted = text.read_text(encoding="utf-8").replace("\n", " ")
    assert "\t" in pasted
    (text.parent / "pasted.txt").write_text(pasted * 3, encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["screen", str(folder), "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    units = pl.read_parquet(out / "units.parquet")
    assert units.height == 2 and units["source_files"].list.len().to_list() == [1, 1]  # nothing joined
    one_line = units.filter(pl.col("source_path").str.ends_with("pasted.txt")).row(0, named=True)
    assert one_line["n_lines"] == 1 and one_line["n_cells"] == 0 and one_line["n_claims"] > 50
