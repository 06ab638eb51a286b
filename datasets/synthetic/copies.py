"""Partial copies across units (the generator's CPY shapes) and the legitimate mentions
of superior bodies that clean disclosures carry.

Everything here edits a document's raw text (Renderer.render(), before finalize()), so
soft breaks and evidence marks are resolved afterwards as for any document. A copy
keeps its own unit's model and style: only the part said to be copied comes from the
source's raw text.

Shapes (label kind):
- ``table``: one table (its 单位 line and rows) is the source's, the rest is the unit's own;
- ``paragraph_renamed``: a narrative paragraph is the source's, figures and all, with
  the source's self-reference replaced by the unit's own name;
- ``paragraph_refigured``: the same, but the unit typed its own figures into the
  source's wording;
- ``name_left``: the source's name is left in the text (the 主要职责 line, or a
  paragraph copied with the unit's own figures).
"""

from __future__ import annotations

import re

from datasets.synthetic.render import BRK, BRK_UNIT, END, MARK

PARTIAL_SHAPES = ("table", "paragraph_renamed", "paragraph_refigured", "name_left")
# Paragraphs a clerk copies, found by words only they carry.
PARAGRAPHS = {
    "三公": "“三公”经费预算支出",
    "公用经费": "公用经费预算安排",
    "政府采购": "政府采购预算",
    "收支总体": "按照综合预算的原则",
}
# Tables with enough figures to be worth copying (表2 prints the unit's name).
TABLES = ("表1", "表3", "表5", "表6", "表7", "表8", "表10", "表12")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?![\d,.]*\s*年)")
_MARK = MARK + "CPY" + END


def _blocks(raw: str) -> list[str]:
    return raw.split("\n\n")


def _paragraph_at(blocks: list[str], needle: str) -> int | None:
    return next((i for i, b in enumerate(blocks) if needle in b and "本单位" in b), None)


def copyable_paragraphs(own: str, src: str) -> list[str]:
    """Names of PARAGRAPHS both texts print where the source's carries figures of its
    own (a non-zero amount) and reads otherwise than the unit's: copying template text
    (本单位无政府采购预算) or a paragraph the unit would print word for word leaves no
    trace of the source, so it is no copy anyone could see."""
    a, b = _blocks(own), _blocks(src)
    out = []
    for k, n in PARAGRAPHS.items():
        i, j = _paragraph_at(a, n), _paragraph_at(b, n)
        if i is not None and j is not None and _figures(b[j]) and _plain(a[i]) != _plain(b[j]):
            out.append(k)
    return out


def _plain(block: str) -> str:
    """A raw block without its break opportunities."""
    return block.replace(BRK, "").replace(BRK_UNIT, "")


def copyable_tables(own: str, src: str) -> list[str]:
    """TABLES both texts print with at least a few figures."""
    a, b = _blocks(own), _blocks(src)
    return [t for t in TABLES if _table_span(a, t) and (span := _table_span(b, t)) and _figures(b[span[1]]) >= 6]


def _figures(block: str) -> int:
    return len({m for m in _NUMBER.findall(block) if m.strip("0.,")})


def _table_span(blocks: list[str], tid: str) -> tuple[int, int] | None:
    """(unit-line block, table block) of table `tid`."""
    for i, b in enumerate(blocks):
        if b == tid:
            for j in range(i + 1, min(i + 5, len(blocks))):
                if "\t" in blocks[j] or blocks[j].startswith("|"):
                    return i + 1, j
            return None
    return None


def copy_table(own: str, src: str, tid: str) -> str:
    """own with table tid's unit line and rows taken from src."""
    a, b = _blocks(own), _blocks(src)
    (a0, a1), (b0, b1) = _table_span(a, tid), _table_span(b, tid)
    a[a0 : a1 + 1] = [_MARK + b[b0], *b[b0 + 1 : b1 + 1]]
    return "\n\n".join(a)


def _with_figures(wording: str, figures_from: str, rng) -> tuple[str, bool]:
    """wording with the figures of figures_from put in order; when the two do not print
    the same number of figures, each figure changed a little instead. (text, in order)."""
    mine = _NUMBER.findall(figures_from)
    slots = list(_NUMBER.finditer(wording))
    if len(mine) == len(slots):
        it = iter(mine)
        return _NUMBER.sub(lambda m: next(it), wording), True

    def changed(m: re.Match) -> str:
        s = m.group().replace(",", "")
        dec = len(s.split(".")[1]) if "." in s else 0
        v = float(s) * rng.uniform(0.6, 0.95)
        return f"{v:.{dec}f}"

    return _NUMBER.sub(changed, wording), False


def copy_paragraph(own: str, src: str, which: str, own_name: str, src_name: str, shape: str, rng) -> tuple[str, str]:
    """own with paragraph `which` replaced by src's, as the shape says. (text, how)."""
    a, b = _blocks(own), _blocks(src)
    i, j = _paragraph_at(a, PARAGRAPHS[which]), _paragraph_at(b, PARAGRAPHS[which])
    text, how = b[j], "figures kept"
    if shape in ("paragraph_refigured", "name_left"):
        text, in_order = _with_figures(text, a[i], rng)
        how = "own figures typed in" if in_order else "figures changed"
    text = text.replace("本单位", src_name if shape == "name_left" else own_name, 1)
    a[i] = _MARK + text
    return "\n\n".join(a), how


def name_in_duties(own: str, own_name: str, src_name: str) -> str | None:
    """own with the source's name left in the 主要职责 line (None if absent)."""
    line = f"{own_name}的主要职责是："
    if line not in own:
        return None
    return own.replace(line, f"{_MARK}{src_name}的主要职责是：", 1)


# Superior bodies every county has, and the kinds of unit that name them.
_SUPERIOR = {
    "education": ("high_school", "middle_school", "primary_school", "kindergarten"),
    "health_commission": ("county_hospital", "tcm_hospital", "cdc", "town_clinic"),
}


def superior_mention(raw: str, county: str, kind: str, roster: dict[str, str], rng) -> str:
    """raw with a sentence naming a superior body of the county (its 财政局, and for
    schools and clinics their 主管部门), as many disclosures print, appended to the
    机构设置 paragraph; raw unchanged for about half the units."""
    if rng.random() < 0.5:
        return raw
    said = []
    finance = roster.get("finance")
    if finance and rng.random() < 0.7:
        said.append(f"本单位预算经{finance}审核后报{county}人民政府批准。")
    for body, kinds in _SUPERIOR.items():
        if kind in kinds and roster.get(body):
            said.append(f"本单位业务上接受{roster[body]}的领导和管理。")
    if not said:
        return raw
    at = raw.find("个内设机构：")
    end = raw.find("\n", at) if at >= 0 else -1
    if end < 0:
        return raw
    return raw[:end] + "".join(said) + raw[end:]


def sangong_printed(raw: str) -> tuple[float, float]:
    """(this year, last year) in 元 of the 三公 paragraph in raw text: its first
    amount, and the next one unless the change is said to be nil."""
    at = raw.find(PARAGRAPHS["三公"])
    amounts = re.finditer(r"(\d[\d,]*\.\d+)[^\d万]{0,2}万元", raw[at:])
    first = next(amounts)
    cur = round(float(first.group(1).replace(",", "")) * 1e4)
    if re.match(r"[，,]?[^，,。]{0,12}(?:持平|无变动)", raw[at + first.end() :]):  # ，比2023年预算无变动
        return float(cur), float(cur)
    return float(cur), float(round(float(next(amounts).group(1).replace(",", "")) * 1e4))
