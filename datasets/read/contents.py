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

from datasets.text import TOC_HEAD, squashed

_ID = r"附?表\s*(?:\d+(?:\s*-\s*\d+)?|[一二三四五六七八九十]+)"
_ENTRY = re.compile(rf"^\s*({_ID})(?=\s|$|(?:19|20)\d{{2}}|[\u4e00-\u9fff])")
_ALONE = re.compile(rf"^\s*{_ID}\s*$")  # a table's heading: the contents are over
# The flag after the title: alone, or run into a title that ends its cell (…科目）否).
_FLAG = re.compile(r"(?:(?<=\s)|(?<=[表)）]))(是|否)(?=\s|$)")
_COLUMN_NAME = re.compile(r"序\s*号|内\s*容|是否空表|空表理由|表\s*名|名\s*称")
# Text no title's or reason's wrapped rest holds: a sentence, a numbered heading, a unit line.
_NOT_A_PIECE = re.compile(
    r"。|^\s*(?:[一二三四五六七八九十]+、|\d+[、.]|[(（][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十]+部分)|单位\s*[:：]"
)
_PIECE = re.compile(r"\S+(?: \S+)*")  # text between runs of two or more spaces
MIN_ENTRIES = 3  # entries with a flag for a contents table
MAX_PIECES = 12  # lines of wrapped text between two entries at most


def contents_rows(lines: list[str]) -> dict[int, str]:
    """The lines of every contents table in `lines` (page furniture blanked) rewritten:
    each entry's line as ``id<TAB>title<TAB>是|否<TAB>reason``, the header line as its
    column names tab-separated, the other lines of its entries and header blank. Lines
    the table does not own are not in it. Empty where no heading (目录) is followed by
    three entries or more with a flag."""
    out: dict[int, str] = {}
    for h, line in enumerate(lines):
        if h not in out and TOC_HEAD.fullmatch(line.rstrip()):
            out |= _one_table(lines, h + 1)
    return out


def _one_table(lines: list[str], start: int) -> dict[int, str]:
    """The rewritten lines of the contents table right below a 目录 heading (see contents_rows)."""
    found: dict[int, re.Match] = {}  # each entry's line and its id matched there
    headers: list[int] = []
    pieces: list[int] = []
    seen: set[str] = set()
    loose = names_wrapped = 0  # wrapped lines since the last entry; header lines' rests in a row
    for k in range(start, len(lines)):
        s = lines[k]
        if not s.strip():
            continue
        m = _ENTRY.match(s)
        if m:
            tid = squashed(m.group(1))
            if tid in seen or _ALONE.match(s):
                break  # the first table's heading below the contents
            seen.add(tid)
            found[k] = m
            loose = 0
        elif len(_COLUMN_NAME.findall(s)) >= 2 and "。" not in s:
            headers.append(k)  # the column names (again after a page break)
            names_wrapped = 0
        elif headers and headers[-1] == k - 1 and names_wrapped < 2:
            headers.append(k)  # their wrapped rest, right below them
            names_wrapped += 1
        elif s[:1] in " \t" and not _NOT_A_PIECE.search(s) and loose < MAX_PIECES:
            pieces.append(k)  # a wrapped cell's text, indented under its column
            loose += 1
        else:
            break
    # Per entry: its id, its title's and reason's pieces as (line, text), its flag, and
    # where on its line the flag starts (text at or right of it is the reason's).
    rows: dict[int, tuple] = {}
    for k, m in found.items():
        rest = lines[k][m.end() :]
        flag = _FLAG.search(rest)
        title = rest[: flag.start()] if flag else rest
        reason = rest[flag.end() :] if flag else ""
        at = m.end() + flag.start() if flag else len(lines[k])
        rows[k] = (m.group(1), [(k, title.strip())], flag.group(1) if flag else "", [(k, reason.strip())], at)
    if sum(1 for r in rows.values() if r[2]) < MIN_ENTRIES:
        return {}
    entries = list(found)
    out = {k: "" for k in headers}
    for k, entry in _owners(lines, entries, pieces, set(headers)).items():
        if entry is None:
            if k < entries[-1]:
                out[k] = ""  # within the table (a header's wrapped piece above it, a page's title)
            continue  # below it, not the table's: left as printed
        _, title, _, reason, at = rows[entry]
        for p in _PIECE.finditer(lines[k]):
            (reason if p.start() >= at else title).append((k, p.group()))
        out[k] = ""
    if headers:  # the column names once
        out[headers[0]] = "\t".join(p.group() for p in _PIECE.finditer(lines[headers[0]]))
    for k, (tid, title, flag, reason, *_) in rows.items():
        # Pieces in line order: a centred row's text above its line comes first.
        out[k] = "\t".join([tid, _joined(title), flag, _joined(reason)])
    return out


def _joined(pieces: list[tuple[int, str]]) -> str:
    """A cell's text from its pieces, in the order of their lines (wrapped, so no space)."""
    return "".join(t for _, t in sorted(pieces, key=lambda p: p[0]))


def _owners(lines: list[str], entries: list[int], pieces: list[int], headers: set[int]) -> dict[int, int | None]:
    """The entry each line of wrapped text belongs to (None: none, not the table's).
    Where blank lines set the entries apart, each run of lines between blank lines holds
    one entry and its wrapped text, above its line or below (a centred row), and a run
    without an entry right below the column names printed again after a page break is
    the rest of the entry before them (…支出明 | page break | 细表（按支出经济分类科目）);
    else the text wraps below its entry's line, and the table ends at the first blank
    line after its last entry."""
    is_entry = set(entries)
    runs: list[list[int]] = []
    for k in sorted([*entries, *pieces]):
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    held = [[k for k in r if k in is_entry] for r in runs]
    if sum(len(h) == 1 for h in held) >= MIN_ENTRIES and all(len(h) <= 1 for h in held):
        out: dict[int, int | None] = {}
        before = None  # the last entry above
        for r, h in zip(runs, held):
            above = next((j for j in range(r[0] - 1, -1, -1) if lines[j].strip()), None)
            owner = h[0] if h else (before if above in headers else None)
            out |= {k: owner for k in r if k not in is_entry}
            before = h[0] if h else before
        return out
    owner: dict[int, int | None] = {}
    last = None
    for r in runs:
        for k in r:
            if k in is_entry:
                last = k
            else:
                # After the last entry, only the run it ends holds its wrapped text.
                owner[k] = last if (last is not None and (k < entries[-1] or entries[-1] in r)) else None
    return owner
