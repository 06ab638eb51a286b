"""A labelled PDF corpus converted to text by poppler's pdftotext (a converter the
generator did not write): the text shapes as users really get them.

    python scripts/pdftotext_corpus.py PDF_CORPUS OUT [--mode layout|raw|plain] [--limit N]
    python scripts/format_parity.py OUT      # then screen it like any labelled corpus

Modes: layout (`-layout`, columns aligned by spaces), raw (`-raw`, content-stream
order) and plain (no flag: pdftotext's default reading order, which prints a table's
cells one or a few to a line, column blocks interleaved).
Needs the pdftotext command (Debian: poppler-utils); not a dependency of the package.
Labels are copied with each file renamed to its .txt and page numbers dropped.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, help="a folder made by `anomaly generate --format pdf`")
    ap.add_argument("out", type=Path)
    ap.add_argument("--mode", choices=["layout", "raw", "plain"], default="layout")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = ap.parse_args()
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext not found (Debian: apt install poppler-utils)")
    labels = json.loads((args.corpus / "labels.json").read_text(encoding="utf-8"))
    docs = []
    for d in labels["documents"][: args.limit]:
        if not d["file"].endswith(".pdf") or len(d.get("files", [d["file"]])) != 1:
            continue  # a 说明 + 报表 bundle has no single PDF to convert
        txt = d["file"][:-4] + ".txt"
        (args.out / txt).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftotext",
                *([f"-{args.mode}"] if args.mode != "plain" else []),
                "-enc",
                "UTF-8",
                str(args.corpus / d["file"]),
                str(args.out / txt),
            ],
            check=True,
        )
        anomalies = [{k: v for k, v in a.items() if k != "page"} for a in d["anomalies"]]
        docs.append({**d, "file": txt, "files": [txt], "format": "txt", "anomalies": anomalies})
    (args.out / "labels.json").write_text(
        json.dumps({"generator": labels["generator"], "documents": docs}, ensure_ascii=False), encoding="utf-8"
    )
    print(f"{len(docs)} documents -> {args.out} (pdftotext {args.mode})")


if __name__ == "__main__":
    main()
