"""The real disclosure in ../shared/seed rendered to PDF by the generator: the same
headline figures and the same findings as its text, in ruled layouts of every kind
(wide tables landscape, rotated or shrunk; headers repeated or not; running headers)."""

import re

import polars as pl
import pytest

from anomaly.engine import run_rules
from datasets.accuracy import TRUTH_FIELDS
from datasets.corpus import collect
from datasets.parse import parse_bytes
from datasets.synthetic.pdf import Layout, render_pdf

HEADLINE = ["unit_name", "year", *TRUTH_FIELDS]  # the nine headline figures
LAYOUTS = {
    "landscape": Layout("grid", "landscape", True, "dash", True, True, 12.0, 1.5, True, None),
    "rotated": Layout("grid", "rotated", False, "total", False, False, 10.5, 1.75, False, None),
    "shrunk": Layout("grid", "shrink", False, "dash", True, True, 12.0, 1.5, False, "last"),
}


def _frames(data: bytes, name: str):
    doc = parse_bytes(data, name)
    doc["unit"].update(unit_id=name, source_path=name)
    return collect([doc])


def _findings(frames) -> set:
    findings, _ = run_rules(frames)
    return {
        (r["rule"], re.sub(r"第[\d–]+行", "", r["stated"] or ""), re.sub(r"第[\d–]+行", "", r["expected"] or ""))
        for r in findings.iter_rows(named=True)
    }


@pytest.fixture(scope="module")
def text_result(seed_file):
    frames = _frames(seed_file.read_bytes(), "seed.txt")
    return frames["units"].select(HEADLINE).row(0), _findings(frames)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_seed_as_pdf_reads_like_its_text(seed_file, text_result, layout):
    pdf = render_pdf(seed_file.read_text(encoding="utf-8"), LAYOUTS[layout])
    frames = _frames(pdf.data, "seed.pdf")
    headline, findings = text_result
    assert frames["units"].select(HEADLINE).row(0) == headline
    assert _findings(frames) == findings
    units = frames["units"]
    assert units["format"][0] == "pdf" and units["pages"][0] == pdf.pages
    assert units["parse_status"][0] == ("partial" if LAYOUTS[layout].scanned_page else "ok")
    located = run_rules(frames)[0].filter(pl.col("line").is_not_null())
    assert located["page"].null_count() == 0
