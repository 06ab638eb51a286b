"""Damaged copies of a disclosure file, and whether its headline figures survived.

The ways text files get damaged in the wild: a few bytes corrupted (a bad sector, a
broken transfer), stray NULs (a converter's padding), the file cut off at any byte, and
mojibake (UTF-8 read as GBK, Latin-1 or Windows-1252 and saved again as UTF-8). Each
damage says which lines it touched, so that a figure is excused only where the damage
reached it (``survivors``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import polars as pl

from datasets.corpus import parsed_frames

KINDS = ("bytes", "nuls", "truncate", "mojibake")
# The headline figures checked, with the claim items they are read from.
HEADLINE = {
    "total_budget_yuan": None,  # 表1's 本年收入合计, else the narrative's total
    "staff_authorized": "staff_authorized",
    "staff_actual": "staff_actual",
    "sangong_total_yuan": "sangong",
    "sangong_prior_yuan": "sangong",
}
_CONTEXT = 0  # lines above a figure whose damage may change how it is read


@dataclass
class Damaged:
    data: bytes
    kind: str
    detail: str
    touched: set[int]  # 1-based lines of the original that the damage changed
    cut_line: int | None = None  # truncation: every line from here on is touched


def damage(data: bytes, kind: str, rng: random.Random) -> Damaged:
    """One damaged copy of a file's bytes."""
    if kind == "bytes":
        n = rng.randint(1, 200)
        out = bytearray(data)
        touched = set()
        for at in rng.sample(range(len(data)), min(n, len(data))):
            out[at] = rng.randrange(256)
            line = _line_of(data, at)
            touched |= {line, line + 1}  # a changed line end joins the next line
        return Damaged(bytes(out), kind, f"{n} bytes changed", touched)
    if kind == "nuls":
        n = rng.randint(1, 200)
        out = bytearray(data)
        for at in sorted((rng.randrange(len(data) + 1) for _ in range(n)), reverse=True):
            out[at:at] = b"\x00"
        return Damaged(bytes(out), kind, f"{n} NULs inserted", set())
    if kind == "truncate":
        at = rng.randrange(1, len(data))
        return Damaged(data[:at], kind, f"cut at byte {at} of {len(data)}", set(), _line_of(data, at))
    if kind == "mojibake":
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        try:
            body.decode("utf-8")
            codecs = ("gbk", "latin-1", "sloppy-windows-1252")
        except UnicodeDecodeError:  # a GB18030 file
            codecs = ("latin-1", "sloppy-windows-1252")
        return _mojibake(body, rng.choice(codecs))
    raise ValueError(kind)


def _mojibake(body: bytes, codec: str) -> Damaged:
    """Text read as `codec` (undecodable bytes replaced, as editors do) and saved as
    UTF-8. A line is touched where reading it as `codec` lost bytes."""
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    touched = set()
    for i, line in enumerate(body.split(b"\n"), 1):
        if line.decode(codec, "replace").encode(codec, "replace") != line:
            touched.add(i)
    return Damaged(body.decode(codec, "replace").encode("utf-8"), "mojibake", f"read as {codec}", touched)


def _line_of(data: bytes, at: int) -> int:
    return data.count(b"\n", 0, at) + 1


def headline_lines(parsed: dict[str, pl.DataFrame]) -> dict[str, list[int]]:
    """For each headline figure of an undamaged parse (its frames), the lines it is read from."""
    claims, cells = parsed["claims"], parsed["cells"]
    out: dict[str, list[int]] = {}
    for field, item in HEADLINE.items():
        if item is not None:
            lines = claims.filter((pl.col("item") == item) & pl.col("current").is_not_null())["line"]
            out[field] = lines.head(1).to_list()
    t1 = cells.filter(pl.col("table_id") == "表1")
    row = t1.filter(pl.col("row_label").str.replace_all(r"\s", "").is_in(["本年收入合计", "收入总计", "收入合计"]))
    total = claims.filter(pl.col("item").is_in(["income_total", "expenditure_total"]))["line"].head(1).to_list()
    # 表1's heading, unit line and column header, and the row of its total.
    first = t1["line"].min()
    out["total_budget_yuan"] = list(range(first - 8, first + 2)) + row["line"].head(1).to_list() if t1.height else total
    return out


def survivors(reference: dict, lines: dict[str, list[int]], d: Damaged) -> dict:
    """The headline figures of the undamaged file that this damage did not touch."""
    keep = {}
    for field, at in lines.items():
        span = {k for line in at for k in range(line - _CONTEXT, line + 1)}
        if d.cut_line is not None and max(at, default=0) >= d.cut_line:
            continue
        if span & d.touched or reference.get(field) is None:
            continue
        keep[field] = reference[field]
    return keep


def salvaged(reference_parse: dict[str, pl.DataFrame], d: Damaged) -> tuple[bool, str, int]:
    """Whether the damaged file reads as ok/partial with every surviving headline figure
    (`reference_parse`: the undamaged file's parsed_frames), what it read (or why not),
    and how many figures survived the damage."""
    lines = headline_lines(reference_parse)
    expect = survivors(reference_parse["units"].row(0, named=True), lines, d)
    got = parsed_frames(d.data, "damaged.txt")["units"].row(0, named=True)
    if got["parse_status"] == "failed":
        return (not expect), f"failed: {got['parse_error']}", len(expect)
    wrong = {f: (v, got.get(f)) for f, v in expect.items() if got.get(f) is None or abs(got[f] - v) > 0.005}
    why = f"{got['parse_status']}; wrong or lost: {wrong}" if wrong else got["parse_status"]
    return (not wrong), why, len(expect)
