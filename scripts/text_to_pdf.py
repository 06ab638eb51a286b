"""Render a disclosure text file as a PDF, laid out as a county would publish it.

    python scripts/text_to_pdf.py IN.txt OUT.pdf [--seed N]

The layout (ruled or unruled tables, landscape or rotated pages for wide tables, footers,
a scanned page...) is drawn from --seed, as the generator draws it per document; the
chosen layout is printed. The input may be UTF-8 (with or without BOM), UTF-16 with a
BOM, or GB18030.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datasets.synthetic.pdf import draw_layout, render_pdf  # noqa: E402


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path, help="disclosure text file")
    ap.add_argument("out", type=Path, help="PDF to write")
    ap.add_argument("--seed", type=int, default=0, help="layout seed (default 0)")
    args = ap.parse_args()
    layout = draw_layout(random.Random(args.seed))
    result = render_pdf(decode(args.src.read_bytes()), layout)
    args.out.write_bytes(result.data)
    info = {**layout.describe(), "pages": result.pages, "landscape_pages": result.landscape_pages}
    print(f"{args.out}: {json.dumps(info, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
