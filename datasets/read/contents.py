"""The 目录 of a text conversion of a paged document (``pdftotext -layout``, a PDF's text
copied out): its entries as tab rows, however the converter wrapped them.

A contents table lists each table's id, title, whether it is printed empty (是/否) and
why. A PDF made from a Word file or a web page wraps a long title inside its cell, and
its text conversion prints the rest on lines of their own: below the entry's line where
the cells are top-aligned, around it where a row's one-line cells are centred in its
height (LibreOffice's tables), the entries then set apart by blank lines; a browser may
run a title that fills its cell into the 是/否 beside it. The generic reading of a
space-aligned table (datasets.read.layout) places rows by their figures and numbered
items, which a 目录 has none of: its entries are read here by what each one holds, an
id at the line's start and a flag after the title.
"""

from __future__ import annotations

import re

_HEAD = re.compile(r"^\s*[\u4e00-\u9fff]{0,8}目\s*录\s*$")
_ID = r"附?表\s*[\d一二三四五六七八九十]+(?:\s*-\s*\d+)?"
_ENTRY = re.compile(rf"^\s*({_ID})(?=\s|$|(?:19|20)\d{{2}}|[\u4e00-\u9fff])")
_ALONE = re.compile(rf"^\s*{_ID}\s*$")  # a table's heading: the contents are over
# The flag after the title: alone, or run into a title that ends its cell (…科目）否).
_FLAG = re.compile(r"(?:(?<=\s)|(?<=[表)）]))(是|否)(?=\s|$)")
_COLUMN_NAME = re.compile(r"序\s*号|内\s*容|是否空表|空表理由|表\s*名|名\s*称")
_PIECE = re.compile(r"\S+(?: \S+)*")  # text between runs of two or more spaces
_SPACES = re.compile(r"\s+")
MIN_ENTRIES = 3
MAX_PIECES = 12  # lines of wrapped text in a row at most: more is no contents table


def contents_rows(lines: list[str]) -> dict[int, str]:
    """The lines of every contents table in `lines` (page furniture blanked) rewritten:
    each entry's line as ``id<TAB>title<TAB>是|否<TAB>reason``, the header line as its
    column names tab-separated, every other line of the table blank. Empty where no
    heading (目录) is followed by three entries or more with a flag."""
    out: dict[int, str] = {}
    for h, line in enumerate(lines):
        if _HEAD.match(line) and h not in out:
            out |= _one_table(lines, h + 1)
    return out


def _one_table(lines: list[str], start: int) -> dict[int, str]:
    """The rewritten lines of the contents table right below a 目录 heading (see contents_rows)."""
    entries: list[int] = []
    headers: list[int] = []
    pieces: list[int] = []
    seen: set[str] = set()
    stop, loose = start, 0
    for k in range(start, len(lines)):
        s = lines[k]
        if not s.strip():
            continue
        m = _ENTRY.match(s)
        if m:
            tid = _SPACES.sub("", m.group(1))
            if tid in seen or _ALONE.match(s):
                break  # the first table's heading below the contents
            seen.add(tid)
            entries.append(k)
        elif (len(_COLUMN_NAME.findall(s)) >= 2 and "。" not in s) or (headers and headers[-1] == k - 1):
            headers.append(k)  # the column names, or their wrapped rest right below
        elif s[:1] in " \t" and "。" not in s and loose < MAX_PIECES:
            pieces.append(k)  # a wrapped cell's text, indented under its column
            loose += 1
            stop = k + 1
            continue
        else:
            break
        loose, stop = 0, k + 1
    flagged = [k for k in entries if _FLAG.search(lines[k], _ENTRY.match(lines[k]).end())]
    if len(flagged) < MIN_ENTRIES:
        return {}
    # Per entry: its id, its title's and reason's pieces as (line, text), its flag, and
    # where on its line the flag starts (text at or right of it is the reason's).
    rows: dict[int, tuple] = {}
    for k in entries:
        m = _ENTRY.match(lines[k])
        rest = lines[k][m.end() :]
        flag = _FLAG.search(rest)
        title = rest[: flag.start()] if flag else rest
        reason = rest[flag.end() :] if flag else ""
        at = m.end() + flag.start() if flag else len(lines[k])
        rows[k] = (m.group(1), [(k, title.strip())], flag.group(1) if flag else "", [(k, reason.strip())], at)
    for k, entry in _owners(lines, entries, pieces).items():
        if entry is not None:
            _, title, _, reason, at = rows[entry]
            for p in _PIECE.finditer(lines[k]):
                (reason if p.start() >= at else title).append((k, p.group()))
    out = {k: "" for k in range(start, stop)}
    if headers:  # the column names once (a page break repeats them)
        out[headers[0]] = "\t".join(p.group() for p in _PIECE.finditer(lines[headers[0]]))
    for k, (tid, title, flag, reason, _) in rows.items():
        # Pieces in line order: a centred row's text above its line comes first.
        out[k] = "\t".join(
            [
                tid,
                "".join(t for _, t in sorted(title, key=lambda p: p[0])),
                flag,
                "".join(t for _, t in sorted(reason, key=lambda p: p[0])),
            ]
        )
    return out


def _owners(lines: list[str], entries: list[int], pieces: list[int]) -> dict[int, int | None]:
    """The entry each line of wrapped text belongs to (None: none). Where blank lines
    set the entries apart, each run of lines between blank lines holds one entry and
    its wrapped text, above its line or below (a centred row); else the text wraps
    below its entry's line."""
    is_entry = set(entries)
    runs: list[list[int]] = []
    for k in sorted([*entries, *pieces]):
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    held = [[k for k in r if k in is_entry] for r in runs]
    if sum(len(h) == 1 for h in held) >= MIN_ENTRIES and all(len(h) <= 1 for h in held):
        return {k: (h[0] if h else None) for r, h in zip(runs, held) for k in r if k not in is_entry}
    owner, last = {}, None
    for k in sorted([*entries, *pieces]):
        if k in is_entry:
            last = k
        else:
            owner[k] = last
    return owner
