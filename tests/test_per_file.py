"""The per-file stage: a file whose checks raise is kept as failed, never stops a run; the
work runs on a polars pool thread."""

from __future__ import annotations

import threading

import pytest

import anomaly.per_file as per_file
from anomaly.pipeline import Options, screen
from datasets.read import discover
from reports.html import render_html
from tests.test_reading import DISCLOSURE


def test_a_file_whose_checks_raise_is_failed_and_the_others_are_read(tmp_path, monkeypatch):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(DISCLOSURE, encoding="utf-8")
    bad.write_text(DISCLOSURE.replace("清河县", "乐江县"), encoding="utf-8")
    checks = per_file.run_rules

    def raising(frames, **kw):
        read = frames["units"].filter(frames["units"]["parse_status"] != "failed")
        if read["source_path"].str.contains("bad").any():
            raise ValueError("boom")
        return checks(frames, **kw)

    monkeypatch.setattr(per_file, "run_rules", raising)
    units = per_file.results_of([good, bad], None, None, "zh")["units"]
    assert units["source_path"].to_list() == [str(good), str(bad)]
    status = dict(zip(units["source_path"], units["parse_status"]))
    assert status[str(good)] != "failed" and status[str(bad)] == "failed"
    error = units.filter(units["source_path"] == str(bad))["parse_error"][0]
    assert "ValueError" in error and "boom" in error


def test_excerpts_are_taken_while_the_text_is_at_hand(tmp_path):
    # The report shows the lines around each finding's evidence; the per-file stage
    # keeps them, so the report need not read the sources again.
    text = DISCLOSURE.replace("（25%）", "（75%）")  # the ratio, stated as the change
    src = tmp_path / "unit.txt"
    src.write_text(text, encoding="utf-8")
    results = per_file.results_of([src], None, None, "zh")
    findings, excerpts = results["findings"], results["excerpts"]
    pct = findings.filter(findings["rule"].str.starts_with("PCT")).row(0, named=True)
    kept = excerpts.filter((excerpts["line"] == pct["line"]) & (excerpts["stated"] == pct["stated"])).row(0, named=True)
    lines = text.split("\n")
    assert kept["source_path"] == str(src) and kept["first"] == pct["line"] - 3
    assert kept["lines"][3] == lines[pct["line"] - 1]  # the evidence's line, three above it
    assert kept["lines"] == lines[pct["line"] - 4 : pct["line"] + 3]


def test_a_run_returned_by_screen_renders_again(tmp_path):
    # Its excerpts were read from the run's spill folder, gone once screen returns: a
    # page rendered again reads the sources instead, never the removed folder.
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "unit.txt").write_text(DISCLOSURE.replace("（25%）", "（75%）"), encoding="utf-8")
    run = screen(discover([tmp_path / "in"]), tmp_path / "out", Options(workers=1))
    page = render_html(run)
    assert "PCT" in page and '"excerpts":[[' in page


def test_work_on_a_polars_thread_runs_once_there_and_gives_its_value_or_error():
    calls = []

    def where(x):
        calls.append(x)
        return x, threading.get_ident()

    value, thread = per_file.on_polars_thread(where, 7)
    assert value == 7 and calls == [7]
    # The point of it: polars' own thread, where polars calls run without a hand-over.
    assert thread != threading.get_ident()

    def raising():
        raise KeyError("lost")

    with pytest.raises(KeyError, match="lost"):
        per_file.on_polars_thread(raising)
    run = per_file.on_polars_threads(divmod)
    assert run(7, 2) == (3, 1)
