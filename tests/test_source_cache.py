"""What the report reads again from the sources, kept between runs (reports.source_cache)."""

from __future__ import annotations

import polars as pl

from reports.source_cache import reuse


def counting(answer):
    """A compute function that records the rows it was asked for."""
    asked: list[tuple] = []

    def compute(rows):
        asked.extend(rows)
        return [answer(r) for r in rows]

    return compute, asked


def test_kept_values_are_not_computed_again(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲")
    b.write_text("乙")
    rows = [(str(a), 1, "x"), (str(b), 2, None), (str(a), 3, "y")]
    compute, asked = counting(lambda r: [r[1], [r[0][-5:]]])
    first = reuse(tmp_path / "kept", "excerpts", rows, compute)
    assert asked == rows
    asked.clear()
    again = reuse(tmp_path / "kept", "excerpts", rows, compute)
    assert asked == [] and again == first == [[1, ["a.txt"]], [2, ["b.txt"]], [3, ["a.txt"]]]


def test_a_changed_file_a_new_row_and_nothing_found_are_computed_again(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲")
    b.write_text("乙")
    compute, asked = counting(lambda r: None if r[1] == 9 else f"{r[0][-5:]}:{r[1]}")
    reuse(tmp_path / "kept", "crops", [(str(a), 1), (str(b), 1), (str(b), 9)], compute)
    a.write_text("甲改")  # same path, other content
    asked.clear()
    out = reuse(tmp_path / "kept", "crops", [(str(a), 1), (str(b), 1), (str(b), 9), (str(b), 2)], compute)
    # b's first row is kept; a changed; nothing was found for 9 (a budget spent, say); 2 is new
    assert asked == [(str(a), 1), (str(b), 9), (str(b), 2)]
    assert out == ["a.txt:1", "b.txt:1", None, "b.txt:2"]


def test_missing_files_damaged_cache_and_no_folder_only_cost_the_reading(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("甲")
    rows = [(str(a), 1), (str(tmp_path / "gone.pdf"), 1), (None, 1)]
    compute, asked = counting(lambda r: "v")
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "crops.parquet").write_bytes(b"not parquet")
    assert reuse(tmp_path / "kept", "crops", rows, compute) == ["v", "v", "v"]
    asked.clear()
    assert reuse(tmp_path / "kept", "crops", rows, compute) == ["v", "v", "v"]
    assert asked == rows[1:]  # a file that cannot be read has no hash to be kept under
    asked.clear()
    assert reuse(None, "crops", rows, compute) == ["v", "v", "v"] and asked == rows


def test_another_runs_recent_items_stay_and_old_ones_go(tmp_path, monkeypatch):
    """Two --out folders sharing a cache keep each other's items for KEEP_DAYS."""
    from datasets import cache

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲")
    b.write_text("乙")
    compute, asked = counting(lambda r: f"{r[0][-5:]}:{r[1]}")
    reuse(tmp_path / "kept", "crops", [(str(a), 1)], compute)  # one report's
    reuse(tmp_path / "kept", "crops", [(str(b), 1)], compute)  # the other's
    asked.clear()
    assert reuse(tmp_path / "kept", "crops", [(str(a), 1)], compute) == ["a.txt:1"] and asked == []
    monkeypatch.setattr(cache, "KEEP_DAYS", 0)  # a month on: what this run does not use goes
    reuse(tmp_path / "kept", "crops", [(str(a), 1)], compute)
    assert reuse(tmp_path / "kept", "crops", [(str(b), 1)], compute) == ["b.txt:1"] and asked == [(str(b), 1)]


def test_two_runs_writing_at_once_keep_each_others_items(tmp_path, monkeypatch):
    """The second of two runs writing the kept items at once waits for the first, and
    reads its items before replacing the file: neither run's are lost."""
    import threading
    import time

    from reports import source_cache

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲")
    b.write_text("乙")
    real, first, reads = source_cache._read, threading.Event(), []

    def slow_read(file):  # the first run pauses between reading the file again and replacing it
        items = real(file)
        if threading.current_thread().name == "one":
            reads.append(file)
            if len(reads) == 2:  # its second read: the one before it writes
                first.set()
                time.sleep(0.5)
        return items

    monkeypatch.setattr(source_cache, "_read", slow_read)
    compute, _ = counting(lambda r: f"{r[0][-5:]}:{r[1]}")
    one = threading.Thread(name="one", target=reuse, args=(tmp_path / "kept", "crops", [(str(a), 1)], compute))
    one.start()
    assert first.wait(10)
    reuse(tmp_path / "kept", "crops", [(str(b), 1)], compute)
    one.join()
    kept = pl.read_parquet(tmp_path / "kept" / "crops.parquet")
    assert sorted(kept["value"].to_list()) == ['"a.txt:1"', '"b.txt:1"']
