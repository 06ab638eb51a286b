"""Extracting numeric claims from the narrative.

A claim is a subject with up to three figures and a percentage, as disclosures write
them: ``<label> <current>，较上年[<prior>]<增加|减少><change>（<pct>）``. Figures are
paired within a sentence, carrying the subject across commas; a clause that opens with
较上年/比上年 continues the previous subject rather than starting a base figure. A number
directly followed by 年 is a year, never money; a number followed by 人/辆/项/… is a
count, never money.
"""

from __future__ import annotations

import re
from functools import lru_cache

from datasets.numbers import parse_number, to_yuan
from datasets.text import Paragraph
from datasets.vocabulary import item_of

# The tokens of a claim, leftmost first. Plainly it reads
#   (?P<basis>(?:较|比|同比|与)\s*(?:上年|…)…) | (?P<year>(?<![\d.])(?:19|20)\d{2}\s*年度?)
#   | (?P<code>\(\s*(?:\d{3}|\d{5}|\d{7})\s*\)) | (?P<pct>(?<![\d.,])NUMBER\s*%)
#   | (?P<num>(?<![\d.,])NUMBER)(?P<unit>\s*(?:亿元|万元|千元|元))? | (?P<dir>增加|…) | (?P<stop>[;。!?])
# (tests/test_narrative_token.py keeps that spelling and checks this one against it).
# Written so that every alternative starts with a plain character or class, with the
# group that names it empty at its end, and look-behinds after that first character:
# the regex engine then skips, at each position, the alternatives that cannot start
# there instead of entering each, which halves the time spent finding claims.
_NUMBER_REST = r"(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)"  # NUMBER after its first digit
TOKEN = re.compile(
    r"[较比同与](?:(?<=同)比|(?<!同))\s*(?:上年|上一年|去年|(?:19|20)\d{2}\s*年|(?=年初))度?(?:年初)?"
    r"(?:预算数|决算数|预算|决算|执行数|同期)?(?:相比|比较)?(?P<basis>)"
    r"|[12](?<![\d.][12])[09](?<=19|20)\d{2}\s*年度?(?P<year>)"
    r"|\((?P<code>)\s*(?:\d{3}|\d{5}|\d{7})\s*\)"
    rf"|\d(?<![\d.,]\d){_NUMBER_REST}\s*%(?P<pct>)"
    rf"|\d(?<![\d.,]\d){_NUMBER_REST}(?P<num>)(?P<unit>\s*(?:亿元|万元|千元|元))?"
    r"|[增上提减下降持无没未保](?:(?<=增)加|(?<=增)长|(?<=上)升|(?<=提)高|(?<=减)少|(?<=下)降|(?<=降)低|(?<=持)平"
    r"|(?<=无)变动|(?<=无)变化|(?<=没)有变化|(?<=未)发生变化|(?<=无)增减|(?<=保)持不变)(?P<dir>)"
    r"|[;。!?](?P<stop>)"
    r"|年初(?P<budget>)(?:预算数?|调整预算数?)\s*(?:为|是)?(?=\s*\d)"
    r"|完成(?P<done>)(?:年初|调整)?预算(?:数)?的?(?=\s*\d)"
)
DIRECTION = {
    "增加": "increase",
    "增长": "increase",
    "上升": "increase",
    "提高": "increase",
    "减少": "decrease",
    "下降": "decrease",
    "降低": "decrease",
}  # everything else in the dir group means no change
# A unit-less number followed by one of these is a count, an ordinal or a threshold.
_COUNT_AFTER = re.compile(
    r"\s*(?:[人名辆台套个项条次家所户间天月日年号期级层亩吨部本份场批届岁倍MGKkm\.、)]|以上|以下|及以上)"
)
_MONEY_THRESHOLD = re.compile(r"\s*(?:以上|以下|及以上|以内)")
_LEADS_TO_CHANGE = re.compile(r"\s*,?\s*(?:较|比|同比|增加|增长|上升|减少|下降|降低|持平|无变动)")
_LABEL_NOISE = re.compile(
    r"^(?:[-*#\s]*)(?:\(\s*\d{1,2}\s*\)|\d{1,2}[、.]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))?"
    r"|\(\s*\d{3,7}\s*\)|(?:19|20)\d{2}\s*年度?|^\s*其中\s*[:：]?|\s+|^[:、,]+|[:、,为是共计达]+$"
)


_DIGIT = re.compile(r"\d")
_MONEYISH = re.compile(r"[元较比增减降升持变]")
_LAST_COMMA = re.compile(r".*[,:、]", re.S)


def _clause_start(text: str, a: int, b: int) -> int:
    """Start of the clause that ends at b: after the last comma-like mark in [a, b)."""
    m = _LAST_COMMA.match(text, a, b)
    return m.end() if m else a


_NON_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # labels repeat across documents
def clean_label(raw: str) -> str:
    label = _LABEL_NOISE.sub("", raw)
    if label.startswith("其中"):
        label = label[2:]
    return label.strip(":,、 ")


def _new_claim(label_raw: str, start: int) -> dict:
    return {
        "label_raw": label_raw,
        "start": start,
        "end": start,
        "code": None,
        "basis": None,
        "current": None,
        "prior": None,
        "change": None,
        "direction_word": None,
        "pct": None,
        "completion": None,
    }


def claims_of(par: Paragraph, section: str | None) -> list[dict]:
    """The claims in one paragraph, as dicts with figures as (value, decimals, unit, offset)."""
    text = par.text
    if not _DIGIT.search(text) or not _MONEYISH.search(text):
        return []  # no figure, or nothing a claim could be made of (元, 较/比, 增/减 …)
    claims: list[dict] = []
    open_: dict | None = None
    expect: str | None = None
    label_start = code_at = 0
    code: str | None = None
    for m in TOKEN.finditer(text):
        kind = m.lastgroup if m.lastgroup != "unit" else "num"
        if kind == "stop":
            open_, expect, label_start, code = None, None, m.end(), None
        elif kind == "year":
            continue
        elif kind == "code":
            code, code_at = _NON_DIGIT.sub("", m.group()), m.start()
        elif kind == "basis":
            a = _clause_start(text, label_start, m.start())
            named = clean_label(text[a : m.start()])  # a new subject named before 较上年
            if open_ is None or open_["basis"] or open_["direction_word"] or open_["change"] or named:
                open_ = _new_claim(text[a : m.start()], a)
                open_["code"] = code if code_at >= a else None
                claims.append(open_)
            open_["basis"] = _SPACES.sub("", m.group())
            open_["end"] = m.end()
            expect = "prior"
        elif kind == "budget":  # a 决算's 年初预算为X: the figure it is measured against
            a = _clause_start(text, label_start, m.start())
            if a > label_start and text[a - 1] == ":" and not text[a : m.start()].strip():
                a = _clause_start(text, label_start, a - 1)  # 行政运行(2010301)：年初预算为…
            named = clean_label(text[a : m.start()])
            if open_ is None or open_["basis"] or open_["direction_word"] or open_["change"] or named:
                open_ = _new_claim(text[a : m.start()], a)
                open_["code"] = code if code_at >= a else None
                claims.append(open_)
            open_["basis"], open_["end"], expect = "年初预算", m.end(), "prior"
        elif kind == "done":  # 完成年初预算的Z%: a completion rate, not a change
            expect = "done" if open_ is not None and open_["completion"] is None else None
        elif kind == "dir":
            word = m.group()
            if open_ is not None and open_["direction_word"] is None and (open_["current"] or open_["basis"]):
                open_["direction_word"] = word
                open_["end"] = m.end()
                open_["dir_at"] = m.start()
                expect = "change" if word in DIRECTION else None
            elif open_ is not None and open_["change"] is not None and open_["pct"] is None:
                expect = "pct"  # 增加X万元，增长Y%
            else:
                expect = None
        elif kind == "pct":
            if expect == "done":
                value, dec = parse_number(m.group().rstrip("% \t"))
                open_["completion"] = (value, dec, "%", m.start())
                open_["end"] = m.end()
            elif open_ is not None and open_["pct"] is None and (open_["direction_word"] or expect == "pct"):
                value, dec = parse_number(m.group().rstrip("% \t"))
                open_["pct"] = (value, dec, "%", m.start())
                open_["end"] = m.end() + (text[m.end() : m.end() + 1] == ")")
            expect = None
        else:  # a number, with or without a money unit
            unit = (m.group("unit") or "").strip() or None
            after = text[m.end() : m.end() + 4]
            if unit is None and _COUNT_AFTER.match(after):
                expect = None
                continue
            if unit is not None and _MONEY_THRESHOLD.match(after):
                continue
            value, dec = parse_number(text[m.start() : m.end("num")])
            figure = (value, dec, unit, m.start())
            if expect == "prior" and open_ is not None:
                open_["prior"], expect = figure, None
                open_["end"] = m.end()
            elif (
                unit is not None
                and open_ is not None
                and open_["basis"] == "年初预算"
                and open_["prior"] is not None
                and open_["current"] is None
                and open_["change"] is None
            ):  # 年初预算为X万元，支出决算为Y万元: Y is what was spent
                open_["current"], expect = figure, None
                open_["end"] = m.end()
                label_start = m.end()
            elif expect == "change" and open_ is not None:
                open_["change"], expect = figure, "pct"
                open_["end"] = m.end()
            elif unit is not None or _LEADS_TO_CHANGE.match(text, m.end()):
                a = _clause_start(text, label_start, m.start())
                open_ = _new_claim(text[a : m.start()], a)
                open_["code"], open_["current"], open_["end"] = (code if code_at >= a else None), figure, m.end()
                claims.append(open_)
                expect, code = None, None
                label_start = m.end()
    return _merge_changes([c for c in claims if c["current"] or c["change"] or c["direction_word"]], section)


def _merge_changes(claims: list[dict], section: str | None) -> list[dict]:
    """Attach a change-only claim (本单位预算收入较上年减少…) to the earlier claim of the
    same subject in the paragraph that states the figure but no change."""
    out: list[dict] = []
    for c in claims:
        c["label"] = clean_label(c["label_raw"])
        c["item"] = item_of(c["label"])
        c["section"] = section
        if c["current"] is None and c["label"]:
            base = next(
                (
                    b
                    for b in reversed(out)
                    if b["label"] == c["label"] and b["current"] and not b["direction_word"] and not b["basis"]
                ),
                None,
            )
            if base is not None:
                for k in ("basis", "prior", "change", "direction_word", "pct", "dir_at", "completion"):
                    if k in c:
                        base[k] = c[k]
                base["change_span"] = (c["start"], c["end"])
                continue
        out.append(c)
    return out


STAFF_PATTERNS = [
    ("staff_authorized", re.compile(r"(?<![政业勤])编制(?:人数|总数|数)?\s*(?:为|共|共计)?\s*(\d+)\s*[人名]")),
    ("staff_actual", re.compile(r"实有(?:人员|人数)?\s*(?:为|共|共计)?\s*(\d+)\s*[人名]")),
    ("retirees", re.compile(r"离退休(?:人员)?\s*(?:为|共|共计)?\s*(\d+)\s*[人名]")),
    ("vehicles", re.compile(r"(?<!购置)(?<!购买)(?<!更新)车辆(?:共|总数|数|合计)?\s*(?:为|共|共计)?\s*(\d+)\s*辆")),
]
# The parts listed after a total, up to the next total or the end of the sentence:
# "编制 42 人，其中行政编制 31 人、事业编制 11 人；实有人员 38 人，其中行政 29 人、事业 9 人".
_PART = re.compile(r"([\u4e00-\u9fff]{1,8}?)\s*(\d+)\s*[人名]")
_PART_KIND = (("行政", "admin"), ("事业", "inst"), ("工勤", "worker"))
_PARTS_END = re.compile(r"[;。]|实有|离退休")
_SENTENCE_END = re.compile(r"[;。]")


def counts_of(par: Paragraph) -> list[dict]:
    """Staff and vehicle counts in a paragraph, as claims with unit 人 / 辆.

    Parts (行政, 事业, 工勤) are items such as staff_authorized_admin; each count quotes
    its whole sentence, so an analyst sees the total and its parts together.
    """
    out = []
    text = par.text
    for item, pattern in STAFF_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        out.append(_count_claim(item, m, "辆" if item == "vehicles" else "人", text))
        if item in ("staff_authorized", "staff_actual"):
            stop = _PARTS_END.search(text, m.end())
            region_end = stop.start() if stop else len(text)
            other = None
            for pm in _PART.finditer(text, m.end(), region_end):
                part = next((k for word, k in _PART_KIND if word in pm.group(1)), "other")
                claim = _count_claim(f"{item}_{part}", pm, "人", text, group=2)
                if part != "other":
                    out.append(claim)
                elif other is None:  # parts of no known kind are summed into one
                    other = claim
                    out.append(other)
                else:
                    other["current"] = (other["current"][0] + float(pm.group(2)),) + other["current"][1:]
    return out


def _count_claim(item: str, m: re.Match, unit: str, text: str, group: int = 1) -> dict:
    c = _new_claim("", m.start(group))
    c.update(label=item, item=item, section="staff", end=m.end())
    c["current"] = (float(m.group(group)), 0, unit, m.start(group))
    begin = max(text.rfind("。", 0, m.start()), text.rfind(";", 0, m.start())) + 1
    stop = _SENTENCE_END.search(text, m.end())
    c["quote_span"] = (begin, stop.end() if stop else len(text))
    return c


# Words after a total that open the list of what it is made of: 其中 (or nothing, before
# an enumerated list of coded items) breaks the whole down; the others name only its main
# uses, so their list need not add up to the total.
_LIST_WORD = re.compile(r"其中|主要用于|主要包括|包括|用于|主要有|重点")
PARTIAL_LIST_WORDS = ("主要用于", "主要包括", "包括", "用于", "主要有", "重点")


def _list_word(text: str, end: int) -> str | None:
    """The list word in the words after a claim, before the next figure."""
    tail = text[end : end + 40]
    d = _DIGIT.search(tail)
    m = _LIST_WORD.search(tail, 0, d.start() if d else len(tail))
    return m.group() if m else None


_FIGURE_COLUMNS = [(k, f"{k}_dec", f"{k}_unit", f"{k}_yuan") for k in ("current", "prior", "change")]


def claim_row(c: dict, par: Paragraph, original: list[str]) -> dict:
    """A claims-frame row (without unit_id and claim_id) for a claim dict."""
    # The unit printed on the change (or current) is the context for unit-less figures.
    figures = [c.get(k) for k in ("change", "current", "prior")]
    context = next((f[2] for f in figures if f and f[2]), None)
    start = c["start"] + len(c["label_raw"]) - len(c["label_raw"].lstrip(" ,:、"))
    text = par.quote(*c["quote_span"], original) if "quote_span" in c else par.quote(start, c["end"], original)
    if "change_span" in c:
        text = (
            par.quote(start, _figure_end(par.text, c["current"]), original)
            + " … "
            + par.quote(*c["change_span"], original)
        )
    row = {
        "section": c["section"],
        "line": par.line_at(start) + 1,
        "text": text,
        "label": c["label"],
        "code": c["code"],
        "item": c["item"],
        "basis": c["basis"],
        "list_word": _list_word(par.text, c["end"]),
        "direction_word": c["direction_word"],
        "direction": DIRECTION.get(c["direction_word"], "flat") if c["direction_word"] else None,
    }
    for k, dec, unit, yuan in _FIGURE_COLUMNS:
        f = c[k]
        if f is None:
            row[k] = row[dec] = row[unit] = row[yuan] = None
        else:
            row[k], row[dec], row[unit], row[yuan] = f[0], f[1], f[2], to_yuan(f[0], f[2] or context)
    row["pct"], row["pct_dec"] = (c["pct"][0], c["pct"][1]) if c["pct"] else (None, None)
    done = c.get("completion")
    row["completion"], row["completion_dec"] = (done[0], done[1]) if done else (None, None)
    row["current_line"] = par.line_at(c["current"][3]) + 1 if c["current"] else None
    anchor = c["change"] or c["pct"]
    row["change_line"] = (
        par.line_at(anchor[3]) + 1 if anchor else (par.line_at(c["dir_at"]) + 1 if "dir_at" in c else None)
    )
    return row


def _figure_end(text: str, figure: tuple | None) -> int:
    if figure is None:
        return 0
    m = TOKEN.match(text, figure[3])
    return m.end() if m else figure[3] + 1
