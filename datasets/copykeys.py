"""What copy detection keeps of a document's prose (marks rows; anomaly.copies compares
them across units, without the text).

- ``paragraph``: a hash of a paragraph with figures, the unit's own name and words of
  self-reference (本单位, 我单位 …) made one token, so a paragraph copied from another
  unit that printed its own name matches once each side's name is taken out;
- ``figured``: the same key, for paragraphs with MIN_FIGURES distinct figures or more;
- ``wording``: the same with every figure masked too: the source's wording with the
  copier's own figures typed in;
- ``name``: runs of Chinese characters ending like an organisation's name (…局, …中心,
  …卫生院), where another unit's full name may be printed: a template not updated.
"""

from __future__ import annotations

import hashlib
import re

from datasets.text import WIDTH_TABLE

_SPACES = re.compile(r"\s+")
_SELF = re.compile(r"本单位|本部门|我单位|我部门|本局|我局")
_FIGURE = re.compile(r"\d[\d,.]*")
# The end of an organisation's name; runs without one are not kept.
_ORG = re.compile(
    r"[\u4e00-\u9fff]{4,60}?(?:局|委员会|委|办公室|办事处|人民政府|中心|学校|中学|小学|幼儿园|医院|卫生院|馆|站|所|队|分局|院)"
)
_RUN = re.compile(r"[\u4e00-\u9fff]{5,}")
_PLACE = re.compile(r"[省市县区旗州镇乡]|街道")  # unit names carry their place
MIN_PARAGRAPH = 30  # characters (spaces aside) for a paragraph to be kept
MIN_FIGURES = 4  # distinct figures (not years, not zero) for a "figured" paragraph
_YEAR = re.compile(r"^(?:19|20)\d\d$")
MIN_WORDING = 40  # characters of words (figures aside) for a masked paragraph to be kept


def _hash(s: str) -> str:
    return hashlib.blake2b(s.encode(), digest_size=8).hexdigest()


def copy_marks(paras: list[tuple], name: str | None, original: list[str]) -> list[dict]:
    """Marks rows for (normalised paragraph text, Paragraph, 1-based line) given the
    unit's own name as printed (None when unknown) and the original lines (quotes)."""
    own = _SPACES.sub("", name.translate(WIDTH_TABLE)) if name else None
    out = []
    for text, par, line in paras:
        compact = _SPACES.sub("", text)
        if len(compact) < 5:
            continue
        quote = par.quote(0, 60, original)
        for m in _RUN.finditer(compact):
            ends = [x.end() for x in _ORG.finditer(compact, m.start(), m.end())]
            if ends and _PLACE.search(m.group()):  # the run up to its last organisation ending
                key = compact[m.start() : max(ends)]
                at = max(text.find(key[-6:]) - len(key), 0)  # about where it is printed
                out.append(
                    {
                        "kind": "name",
                        "key": key,
                        "text": par.quote(at, at + len(key) + 30, original),
                        "line": par.line_at(at) + 1,
                    }
                )
        if len(compact) < MIN_PARAGRAPH:
            continue
        if own:
            compact = compact.replace(own, "〇")
        compact = _SELF.sub("〇", compact)
        has_figures = any(ch.isdigit() for ch in compact)
        if has_figures:
            key = _hash(compact)
            out.append({"kind": "paragraph", "key": key, "text": quote, "line": line})
            figures = {f for f in _FIGURE.findall(compact) if f.strip("0.,") and not _YEAR.match(f)}
            if len(figures) >= MIN_FIGURES:  # evidence on its own when another unit prints it
                out.append({"kind": "figured", "key": key, "text": quote, "line": line})
        masked = _FIGURE.sub("#", compact)
        if len(masked) - masked.count("#") >= MIN_WORDING:
            out.append({"kind": "wording", "key": _hash(masked), "text": quote, "line": line})
    return out
