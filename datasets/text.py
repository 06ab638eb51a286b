"""Normalising disclosure text while keeping a map back to the original lines.

Normalisation is length-preserving on every line: full-width characters become their
half-width forms one for one, and residue (LaTeX, HTML tags, markdown emphasis) is
replaced by a symbol padded with spaces. So a column in a normalised line is the same
column in the original line, and evidence can always be quoted from the original text
with its true line number.

Soft line breaks (a sentence wrapped by a PDF conversion, often with a blank line in
between) are merged into paragraphs; each paragraph keeps its segments so that an
offset in it maps back to (line, column).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Full-width ASCII (！ .. ～) to half-width, the ideographic space to a space, and the
# minus-like characters to '-'. One character for one character.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x2212: 0x2D, 0x2014: 0x2D, 0x2013: 0x2D, 0x00A0: 0x20, 0x2267: 0x2265, 0x2266: 0x2264})
# Keep the Chinese comma-like marks distinct from ASCII ones only where it matters:
# nothing here depends on the difference, so ，：；（） all become , : ; ( ).
WIDTH_TABLE = str.maketrans(_WIDTH)

_RESIDUE = re.compile(
    r"\\geq?|\\leq?|\\%|\\times|\$|</?[a-zA-Z][a-zA-Z0-9]*(?:[ \t][^<>\n]*)?/?>|&nbsp;|&lt;|&gt;|&amp;|\*\*|&#?\w+;"
)
_RESIDUE_SYMBOL = {
    "\\geq": "≥",
    "\\ge": "≥",
    "\\leq": "≤",
    "\\le": "≤",
    "\\%": "%",
    "\\times": "×",
    "&lt;": "<",
    "&gt;": ">",
    "&amp;": "&",
}


def _residue(m: re.Match) -> str:
    s = m.group(0)
    sym = _RESIDUE_SYMBOL.get(s, "")
    return sym + " " * (len(s) - len(sym))


# str.translate looks every character up in a dict; a regex finding just the characters
# to replace, then str.replace for each of the few distinct ones found (no Python call
# per character; no target is itself replaced), is many times faster on Chinese text.
_WIDE = re.compile("[" + re.escape("".join(chr(c) for c in _WIDTH)) + "]")
_WIDE_MAP = {chr(k): chr(v) for k, v in _WIDTH.items()}


def normalize(text: str) -> str:
    """The text with half-width characters and residue blanked; every line keeps its
    length (no replacement spans a line end)."""
    for ch in set(_WIDE.findall(text)):  # the few distinct ones, each replaced in one pass
        text = text.replace(ch, _WIDE_MAP[ch])
    if "\\" in text or "$" in text or "<" in text or "&" in text or "**" in text:
        text = _RESIDUE.sub(_residue, text)
    return text


def split_lines(text: str) -> list[str]:
    """Original lines, for any line ending (LF, CRLF, CR). Form feeds stay in the line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# No table row is longer: a whole disclosure pasted on one line, its tables' tabs kept,
# is prose (read as one row it made a table of 70,000 cells, which the checks that pair
# a row's cells took 10 GB to compare).
ROW_CHARS = 5000


def is_table_row(line: str) -> bool:
    s = line.strip()
    if len(s) > ROW_CHARS:
        return False
    return "\t" in line.strip("\n") and len(s) > 0 or (s.startswith("|") and s.count("|") >= 2)


# A line that starts a new item: enumerators, headings, table markers, notes.
_STARTS_ITEM = re.compile(
    r"^\s*(?:[(]\s*\d{1,2}\s*[)]|\d{1,2}(?:[、]|\.(?!\d))|[一二三四五六七八九十]+、|[(][一二三四五六七八九十]+[)]"
    r"|第[一二三四五六七八九十]+部分|表\s*\d|-\s|[*#]|目\s*录|单位\s*[:：]|备注|注\s*[:：]|[①②③④⑤⑥⑦⑧⑨⑩])"
)
_SENTENCE_ENDS = tuple("。;!?:：；！？")  # a line whose last mark (spaces aside) is one of these ends a sentence
_PROSE_MARK = re.compile(r"[,、。;，；]")
# A line that stops on these words stops mid-sentence: 较上年减少 / 3.08万元.
_OPEN_END = (
    "增加",
    "减少",
    "增长",
    "下降",
    "降低",
    "上升",
    "较",
    "比",
    "上年",
    "预算",
    "为",
    "共",
    "其中",
    "万元",
    "元",
    "%",
)
_TABLE_MARKER = re.compile(r"^\s*表\s*\d")
# The contents' heading, spaced out or not (目录, 目　录), as a line's start: a reader may
# run it into the first entry (目录表1).
TOC_HEAD = re.compile(r"^\s*目\s*录\s*")
_DIGIT_RUN = re.compile(r"\d+")


def squashed(s: str) -> str:
    """The text without its whitespace (a converter spaces names out: 内 容, 收 入)."""
    return "".join(s.split())


def running_key(line: str) -> str:
    """A running header's or footer's text as it repeats from page to page: whitespace
    and digits aside (page numbers vary; a converter spaces a line wider on a wider page)."""
    return _DIGIT_RUN.sub("#", squashed(line))


HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_ENUMERATOR = re.compile(
    r"^\s*(?:[-*#]\s*)?(?:[(]\s*\d{1,2}\s*[)]|\d{1,2}[、.]|[一二三四五六七八九十]+、|[(][一二三四五六七八九十]+[)])"
)


def continues(prev: str, nxt: str) -> bool:
    """Whether `nxt` continues the sentence that `prev` broke off (a soft line break)."""
    if (
        prev.rstrip().endswith(_SENTENCE_ENDS)
        or _STARTS_ITEM.match(nxt)
        or _TABLE_MARKER.match(prev)
        or "\f" in prev
        or "\f" in nxt
    ):
        return False
    p = _ENUMERATOR.sub("", prev.rstrip())
    if HEADING.match(prev.lstrip()) and not re.search(r"[,，;；]", p) and len(p) <= 40:
        return False  # a heading such as 五、“三公”经费及会议费、培训费情况说明
    return bool(
        _PROSE_MARK.search(p) or p[-1:].isdigit() or len(p) >= 25 or nxt.lstrip()[:1].isdigit() or p.endswith(_OPEN_END)
    )


@dataclass
class Paragraph:
    """Prose merged across soft line breaks, with the map back to the original lines."""

    text: str  # normalised
    starts: list[int]  # offset in text where each segment starts
    lines: list[int]  # 0-based original line index of each segment
    cols: list[int]  # column in that line where the segment starts

    def line_at(self, offset: int) -> int:
        """0-based original line of a text offset."""
        return self.lines[bisect_right(self.starts, offset) - 1]

    def quote(self, a: int, b: int, original: list[str]) -> str:
        """The original text of [a, b), joined across the segments it spans."""
        starts, n = self.starts, len(self.starts)
        first = max(bisect_right(starts, a) - 1, 0)
        if b <= (starts[first + 1] if first + 1 < n else len(self.text)):  # within one segment, as most are
            lo, start, col = max(a, starts[first]), starts[first], self.cols[first]
            return original[self.lines[first]][col + lo - start : col + b - start].strip() if lo < b else ""
        parts = []
        # From the segment holding a to the last one starting before b: a long
        # paragraph's other segments add nothing.
        for i in range(first, n):
            start = starts[i]
            if start >= b:
                break
            end = starts[i + 1] if i + 1 < n else len(self.text)
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                line, col = self.lines[i], self.cols[i]
                parts.append(original[line][col + lo - start : col + hi - start])
        return "".join(parts).strip()


_SENTENCE_END = re.compile(r"[。.;；:：!?！？]\s*$")


def paragraphs(norm: list[str], prose: list[bool]) -> list[Paragraph]:
    """Merge prose lines into paragraphs across soft breaks (at most two blank lines
    after a finished sentence, eight after an unfinished one)."""
    out: list[Paragraph] = []
    cur: Paragraph | None = None
    last_text = ""
    blanks = 0
    for i, line in enumerate(norm):
        if not prose[i]:
            cur, blanks = None, 0
            continue
        s = line.strip()
        if not s:
            blanks += 1
            # A sentence cut by a page break (its footer blanked) runs over more blank lines.
            if blanks > 8 or (blanks > 2 and _SENTENCE_END.search(last_text)):
                cur = None
            continue
        col = len(line) - len(line.lstrip())
        if cur is not None and continues(last_text, s):
            cur.starts.append(len(cur.text))
            cur.lines.append(i)
            cur.cols.append(col)
            cur.text += s
        else:
            cur = Paragraph(s, [0], [i], [col])
            out.append(cur)
        last_text, blanks = s, 0
    return out
