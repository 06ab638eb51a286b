"""What copy detection keeps of a document's prose (marks rows; anomaly.copies compares
them across units, without the text).

- ``paragraph``: a hash of a paragraph with figures, the unit's own name and words of
  self-reference (本单位, 我单位 …) made one token, so a paragraph copied from another
  unit that printed its own name matches once each side's name is taken out;
- ``sentence``: each sentence (up to 。 or ；) of such a paragraph that prints amounts
  (decimals or thousands-grouped, not zero, not years), the same names taken out;
  its key is the sentence's hash, a space and its amounts (``;``-joined), so that
  anomaly.copies can weigh how much a shared sentence tells. Sentences, not whole
  paragraphs: a clerk copies a run of sentences, and the copy and its source seldom
  break it into paragraphs alike;
- ``name``: runs of Chinese characters ending like an organisation's name (…局, …中心,
  …卫生院), where another unit's full name may be printed: a template not updated.

The same wording with other figures typed in leaves no key: a county's units fill one
template and word their paragraphs alike without copying (see anomaly.copies).
"""

from __future__ import annotations

import hashlib
import re

from datasets.text import WIDTH_TABLE, squashed

_SPACES = re.compile(r"\s+")
_SELF = re.compile(r"本单位|本部门|我单位|我部门|本局|我局")
# An amount worth comparing: a decimal (万元) or a thousands-grouped 元 figure; not a
# percentage, which its amounts give.
# (Its first digit outside the alternation: the regex engine then skips to digits.)
_AMOUNT = re.compile(r"\d(?:[\d,]*\.\d+(?![\d%])|\d{0,2}(?:,\d{3})+(?![\d.,%]))")
_SENTENCE = re.compile(r"(?<=[。；;])")
# The end of an organisation's name, four characters or more into a run; runs without
# one are not kept.
_ORG_END = re.compile(r"局|委员会|委|办公室|办事处|人民政府|中心|学校|中学|小学|幼儿园|医院|卫生院|馆|站|所|队|分局|院")
_RUN = re.compile(r"[\u4e00-\u9fff]{5,}")
_PLACE = re.compile(r"[省市县区旗州镇乡]|街道")  # unit names carry their place
MIN_PARAGRAPH = 30  # characters (spaces aside) for a paragraph to be kept
_YEAR = re.compile(r"^(?:19|20)\d\d$")
MIN_SENTENCE = 10  # characters for a sentence to be kept


def _hash(s: str) -> str:
    return hashlib.blake2b(s.encode(), digest_size=8).hexdigest()


def _find(text: str, sentence: str) -> int:
    """About where a compacted sentence starts in its paragraph's text (0 when unsure)."""
    for piece in sentence.split("〇"):
        if len(piece) >= 4 and (at := text.find(piece[:8])) >= 0:
            return at
    return 0


def copy_marks(paras: list[tuple], name: str | None, original: list[str]) -> list[dict]:
    """Marks rows for (normalised paragraph text, Paragraph, 1-based line) given the
    unit's own name as printed (None when unknown) and the original lines (quotes)."""
    own = _SPACES.sub("", name.translate(WIDTH_TABLE)) if name else None
    out = []
    for text, par, line in paras:
        compact = squashed(text)
        if len(compact) < 5:
            continue
        for m in _RUN.finditer(compact) if _PLACE.search(compact) else ():
            if _PLACE.search(m.group()) and _ORG_END.search(compact, m.start() + 4, m.end()):
                # The whole run: the longest name in it is found when compared (…中心小学, not …中心).
                key = m.group()
                at = max(text.find(key[:6]), 0)  # about where it is printed
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
        # Amounts found once in the paragraph, each in the sentence it starts in (an
        # amount never straddles a sentence end); most paragraphs have none to split for.
        maybe = "." in compact or "," in compact  # an amount has a decimal point or a comma
        found = [(m.start(), m.group()) for m in _AMOUNT.finditer(compact)] if maybe else []
        if found or any(map(str.isdigit, compact)):
            out.append({"kind": "paragraph", "key": _hash(compact), "text": par.quote(0, 60, original), "line": line})
        if not found:
            continue
        k, end = 0, 0
        for sentence in _SENTENCE.split(compact):
            end += len(sentence)
            printed = []
            while k < len(found) and found[k][0] < end:
                printed.append(found[k][1])
                k += 1
            if not printed or len(sentence) < MIN_SENTENCE:
                continue
            amounts = sorted(a for a in {a.replace(",", "") for a in printed} if a.strip("0.") and not _YEAR.match(a))
            if amounts:
                key = f"{_hash(sentence)} {';'.join(amounts)}"
                at = _find(text, sentence)
                out.append(
                    {
                        "kind": "sentence",
                        "key": key,
                        "text": par.quote(at, at + 60, original),
                        "line": par.line_at(at) + 1,
                    }
                )
    return out
