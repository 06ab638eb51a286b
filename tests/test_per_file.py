"""The per-file stage: a file whose checks raise is kept as failed, never stops a run."""

from __future__ import annotations

import anomaly.per_file as per_file
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
