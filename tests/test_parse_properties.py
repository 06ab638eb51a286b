"""Property tests: figures written in any of the formats disclosures use parse back exactly."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from datasets.parse import _SITE_FRAME, parse_text

FULL = str.maketrans("0123456789.,%()", "０１２３４５６７８９．，％（）")


@st.composite
def printed_amounts(draw):
    """(printed text, value, decimals) of an amount as a disclosure may print it."""
    decimals = draw(st.integers(0, 2))
    cents = draw(st.integers(0, 10**9))
    value = cents / 100 if decimals else float(cents // 100)
    digits = f"{value:,.{decimals}f}" if draw(st.booleans()) else f"{value:.{decimals}f}"
    space = draw(st.sampled_from(["", " ", "\u3000"]))
    unit = draw(st.sampled_from(["万元", "元"]))
    text = digits + space + unit
    if draw(st.booleans()):
        text = text.translate(FULL)
    return text, round(value, decimals), decimals, unit


def claims_of(text: str):
    return parse_text(text)["claims"]


@settings(max_examples=200, deadline=None)
@given(printed_amounts(), printed_amounts(), st.sampled_from(["减少", "下降", "降低", "增加", "增长"]))
def test_amounts_parse_back(cur, chg, word):
    text = f"本单位当年公用经费预算安排{cur[0]}，较上年{word}{chg[0]}。"
    (claim,) = claims_of(text)
    assert (claim["current"], claim["current_dec"], claim["current_unit"]) == (cur[1], cur[2], cur[3])
    assert (claim["change"], claim["change_dec"], claim["change_unit"]) == (chg[1], chg[2], chg[3])
    assert claim["direction"] == ("decrease" if word in "减少下降降低" else "increase")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100000), st.integers(0, 3), st.booleans(), st.booleans())
def test_percentages_parse_back(n, decimals, fullwidth, parens):
    value = n / 10**decimals
    pct = f"{value:.{decimals}f}%"
    pct = f"({pct})" if parens else pct
    if fullwidth:
        pct = pct.translate(FULL)
    (claim,) = claims_of(f"会议费3.15万元，较上年3.42万元减少0.27万元{pct}。")
    assert claim["pct"] == round(value, decimals) and claim["pct_dec"] == decimals


@settings(max_examples=100, deadline=None)
@given(st.integers(2000, 2099), st.sampled_from(["", " ", "\n\n"]), printed_amounts())
def test_a_year_is_never_money(year, gap, amount):
    text = f"{year}{gap}年本单位预算收入{amount[0]}，较上年增加1.00万元。"
    claims = claims_of(text)
    assert [c["current"] for c in claims] == [amount[1]]


SENTENCE = "本年度一般公共预算三公经费安排47.20万元，比上年预算49.05万元下降1.85万元（3.77%），下降原因是严控公务接待。"


@settings(max_examples=300, deadline=None)
@given(st.integers(25, len(SENTENCE) - 1), st.sampled_from(["\n", "\n\n", "\r\n\r\n", "\n \n"]))
def test_soft_line_break_never_splits_a_number(cut, brk):
    text = SENTENCE[:cut] + brk + SENTENCE[cut:]
    (claim,) = claims_of(text)
    assert (claim["current"], claim["prior"], claim["change"], claim["pct"]) == (47.20, 49.05, 1.85, 3.77)
    assert claim["item"] == "sangong"


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["$\\geq 90\\%$", "<p>≥90%</p>", "≥９０％", "**≥90%**"]))
def test_residue_is_blanked_and_quotes_stay_original(residue):
    text = f"满意度指标{residue}。公务接待费2.00万元，较上年3.00万元减少1.00万元（33.3%）。"
    (claim,) = claims_of(text)
    assert claim["current"] == 2.0 and claim["pct"] == 33.3
    assert claim["text"] in text


def _plain_quote(par, a: int, b: int, original: list[str]) -> str:
    """Paragraph.quote spelled plainly: every segment's overlap with [a, b)."""
    parts = []
    for i, start in enumerate(par.starts):
        end = par.starts[i + 1] if i + 1 < len(par.starts) else len(par.text)
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            parts.append(original[par.lines[i]][par.cols[i] + lo - start : par.cols[i] + hi - start])
    return "".join(parts).strip()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="收入万元，较上年 12.", min_size=1, max_size=12), min_size=1, max_size=6),
    st.integers(-2, 80),
    st.integers(0, 90),
)
def test_quote_spans_the_segments_it_covers(pieces, a, length):
    from datasets.text import paragraphs

    original = ["  " + p + "，增加" for p in pieces]  # indented lines that go on (no sentence end)
    for par in paragraphs(original, [True] * len(original)):
        assert par.quote(a, a + length, original) == _plain_quote(par, a, a + length, original)


SITE_FRAME_PLAIN = re.compile(r"网站标识码|ICP\s*备|公网安备|版权所有|(?:主办|承办)单位\s*:|技术支持\s*:")
SITE_PIECES = ["网站标识码", "网站", "标识码", "ICP", "备", "公网安备", "版权所有", "主办单位", "承办单位", "技术支持"]
SITE_PIECES += list("网站I公版主承技办单位术支持: \t本年")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SITE_PIECES), max_size=12).map("".join))
def test_site_frame_finds_what_its_plain_spelling_finds(text):
    # datasets.parse._SITE_FRAME is written for speed; it must match where the plain one does.
    assert [m.span() for m in _SITE_FRAME.finditer(text)] == [m.span() for m in SITE_FRAME_PLAIN.finditer(text)]
