"""The parser recovers the labelled figures of a generated corpus (issue: ≥ 99.5% of documents)."""

import json

from datasets.accuracy import extraction_report
from datasets.corpus import parse_files
from datasets.read import discover
from datasets.synthetic import generate_corpus


def test_labelled_figures_are_recovered(tmp_path):
    generate_corpus(tmp_path, units=240, seed=11)
    labels = json.loads((tmp_path / "labels.json").read_text(encoding="utf-8"))
    units = parse_files(discover([tmp_path]))["units"]
    assert units.height == 240
    report = extraction_report(labels, tmp_path, units)
    assert report["share"] >= 0.995, report["misses"]
