"""Extraction accuracy on a generated corpus: share of documents whose every labelled
figure the parser recovers (target ≥ 99.5%).

    python scripts/extraction_accuracy.py                 # generates 2,000 units (seed 1)
    python scripts/extraction_accuracy.py CORPUS/         # a corpus with labels.json
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datasets.accuracy import extraction_report, format_extraction  # noqa: E402
from datasets.corpus import parse_files  # noqa: E402
from datasets.read import discover  # noqa: E402


def main() -> None:
    if len(sys.argv) > 1:
        corpus = Path(sys.argv[1])
    else:
        from datasets.synthetic import generate_corpus

        corpus = Path(tempfile.mkdtemp(prefix="anomaly-acc-"))
        generate_corpus(corpus, units=2000, seed=1)
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    frames = parse_files(discover([corpus]))
    print(f"parsed {frames['units'].height} files in {time.perf_counter() - t0:.1f}s")
    print(format_extraction(extraction_report(labels, corpus, frames["units"])))


if __name__ == "__main__":
    main()
