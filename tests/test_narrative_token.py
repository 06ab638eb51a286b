"""datasets.narrative.TOKEN is written for speed (every alternative opens with a plain
character); it must find exactly what its plain spelling finds."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from datasets.narrative import TOKEN
from datasets.numbers import NUMBER

PLAIN = re.compile(
    r"(?P<basis>(?:较|比|同比|与)\s*(?:上年|上一年|去年|(?:19|20)\d{2}\s*年|(?=年初))度?(?:年初)?"
    r"(?:预算数|决算数|预算|决算|执行数|同期)?(?:相比|比较)?)"
    r"|(?P<year>(?<![\d.])(?:19|20)\d{2}\s*年度?)"
    r"|(?P<code>\(\s*(?:\d{3}|\d{5}|\d{7})\s*\))"
    rf"|(?P<pct>(?<![\d.,])(?:{NUMBER})\s*%)"
    rf"|(?P<num>(?<![\d.,])(?:{NUMBER}))(?P<unit>\s*(?:亿元|万元|千元|元))?"
    r"|(?P<dir>增加|增长|上升|提高|减少|下降|降低|持平|无变动|无变化|没有变化|未发生变化|无增减|保持不变)"
    r"|(?P<stop>[;。!?])"
    r"|(?P<budget>年初(?:预算数?|调整预算数?)\s*(?:为|是)?(?=\s*\d))"
    r"|(?P<done>完成(?:年初|调整)?预算(?:数)?的?(?=\s*\d))"
)

# Characters the alternatives are made of, and a few others around them.
PIECES = list("0123456789,.%()年度 \t;。!?的人元万亿千上下增减降持无没未保提长加少低平升高变动化有发生较比同与去一")
PIECES += ["上年", "2024年", "2023", "19", "20", "万元", "元", "较上年", "同比", "1,234.5", "12,34", "(2010301)"]
PIECES += ["年初", "预算", "为", "是", "数", "完成", "调整", "年初预算为", "完成年初预算的"]


def tokens(pattern: re.Pattern, text: str) -> list[tuple]:
    out = []
    for m in pattern.finditer(text):
        kind = m.lastgroup if m.lastgroup != "unit" else "num"
        number = text[m.start() : m.end("num")] if kind == "num" else None
        out.append((m.start(), m.end(), kind, m.group("unit"), number))
    return out


def matches_at(pattern: re.Pattern, text: str) -> list[int | None]:
    return [(m.end() if (m := pattern.match(text, i)) else None) for i in range(len(text) + 1)]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24).map("".join))
def test_token_finds_what_the_plain_spelling_finds(text):
    assert tokens(TOKEN, text) == tokens(PLAIN, text)
    assert matches_at(TOKEN, text) == matches_at(PLAIN, text)


def test_token_on_a_sentence():
    text = "一般公共预算财政拨款支出1,234.56万元，较上年增加12.3万元（增长1.0%），(2010301)行政运行2024年度。"
    assert tokens(TOKEN, text) == tokens(PLAIN, text)
    assert [t[2] for t in tokens(TOKEN, text)] == ["num", "basis", "dir", "num", "dir", "pct", "code", "year", "stop"]
