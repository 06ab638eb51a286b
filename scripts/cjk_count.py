"""Count tool-written Chinese left in an English run's findings (issue #12, item 7).

A value of ``stated``, ``expected`` or ``message`` counts when it holds a run of CJK
characters that is not a quote of the disclosure, i.e. that does not occur in any
evidence quoted for the same unit (labels such as 公务接待费 or 表1 are quotes and may
stay as printed).

    python scripts/cjk_count.py OUT/            # an `anomaly screen --lang en` output folder
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polars as pl

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’…—]+")


UNITS = {"元", "千元", "万元", "亿元"}


def tool_chinese(value: str | None, quotes: str) -> list[str]:
    """The CJK runs of ``value`` that are not found in ``quotes``."""
    if not value:
        return []
    # A table's name (表5, 表13-1) is the disclosure's own: a quote.
    value = re.sub(r"表[\d一二三四五六七八九十]+(?:-\d+)?", "", value)
    runs = [run for run in CJK.findall(value) if re.search(r"[\u3400-\u9fff]", run)]
    # A money unit is the tool's own convention, never a quote.
    return [r for r in runs if r not in quotes or re.sub(r"[^\u3400-\u9fff]", "", r) in UNITS]


def main(out: Path) -> None:
    findings = pl.read_parquet(out / "findings.parquet")
    quotes = dict(findings.group_by("unit_id").agg(pl.col("evidence").fill_null("").str.join("\n")).iter_rows())
    print(f"{findings.height} findings")
    for col in ("stated", "expected", "message"):
        leaks = [
            runs
            for uid, v in findings.select("unit_id", col).iter_rows()
            if (runs := tool_chinese(v, quotes.get(uid, "")))
        ]
        any_cjk = findings[col].fill_null("").str.contains(r"[\u3400-\u9fff]").sum()
        sample = sorted({r for runs in leaks for r in runs})[:12]
        print(f"{col}: {len(leaks)} of {findings.height} hold tool-written Chinese ({any_cjk} any CJK) {sample}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
