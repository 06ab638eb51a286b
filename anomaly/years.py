"""Across years: a unit's identity over time (unit_key) and family XYR.

A unit publishes a budget every year; each states last year's figures (上年预算数)
beside this year's. XYR compares every figure a disclosure states for last year with
what the same unit's disclosure of last year states for its own year, with rounding
intervals as everywhere (DESIGN.md §4, §11).

Per file (in the workers), ``statements`` keeps a few compact rows per disclosure: each
figure it states for this year (every statement) and for last year (the first, printed
or implied by the stated change: 比上年增加X), as intervals in 元, with line and quote.
On the client, ``with_identity`` gives each unit its ``unit_key`` (the name normalised
for the usual printed variations) and ``xyr_findings`` pairs each budget with the same
unit_key's budget of the year before.

What is not compared: a figure that the document's own checks dispute (a unit slip, a
narrative figure differing from its table: the clause the finding quotes, not the rest
of its line) on either side, since that finding is the lead and the other document's
figure may be the right one; a key held by two disclosures of one year and kind (an
uncertain match, listed in the manifest, never used). A figure whose stated change is
not current minus prior (YOY001) keeps two readings, as printed and as the other two
figures imply, and is found only when the other document's figure meets neither.
"""

from __future__ import annotations

import hashlib

import polars as pl

from anomaly.engine import FINDING_COLUMNS, file_name
from anomaly.intervals import ABS_TOL, REL_TOL, printed
from anomaly.money import wan

# Items whose last-year figure the narrative prints (XYR001) or implies by the change (XYR002).
PRINTED_ITEMS = (
    "sangong",
    "sangong_abroad",
    "reception",
    "vehicle_running",
    "vehicle_purchase",
    "meeting",
    "training",
    "public_funds",
)
SANGONG_ITEMS = ("sangong", "sangong_abroad", "reception", "vehicle_running", "vehicle_purchase")
TOTAL_ITEMS = (
    "income_total",
    "expenditure_total",
    "fiscal_income",
    "fiscal_expenditure",
    "gpb_income",
    "gpb_expenditure",
)
LABELS = {
    "sangong": ("“三公”经费", "sangong total"),
    "sangong_abroad": ("因公出国（境）费", "travel abroad"),
    "reception": ("公务接待费", "official reception"),
    "vehicle_running": ("公务用车运行维护费", "vehicle running"),
    "vehicle_purchase": ("公务用车购置费", "vehicle purchase"),
    "meeting": ("会议费", "meetings"),
    "training": ("培训费", "training"),
    "public_funds": ("公用经费", "public funds"),
    "income_total": ("预算收入", "total income"),
    "expenditure_total": ("预算支出", "total expenditure"),
    "fiscal_income": ("财政拨款收入", "fiscal income"),
    "fiscal_expenditure": ("财政拨款支出", "fiscal expenditure"),
    "gpb_income": ("一般公共预算拨款收入", "general budget income"),
    "gpb_expenditure": ("一般公共预算拨款支出", "general budget expenditure"),
}
UNIT_FACTOR = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
STATEMENTS = {
    "unit_id": pl.String,
    "key": pl.String,  # an item (meeting, sangong …) or code:2010301 / code:302
    "label": pl.String,
    "kind": pl.String,  # current | prior | budget (a 决算's 年初预算数)
    "implied": pl.Boolean,  # a prior implied by the stated change, not printed
    "lo": pl.Float64,  # the interval the printed figure(s) stand for, in 元
    "hi": pl.Float64,
    "line": pl.Int64,
    "page": pl.Int64,
    "text": pl.String,
    "disputed": pl.Boolean,  # the document's own checks flag this figure
}


def _factor(value: str, unit: str) -> pl.Expr:
    """元 per printed unit of a figure: from its 元 reading, else from its unit."""
    by_unit = pl.col(unit).replace_strict(UNIT_FACTOR, default=None, return_dtype=pl.Float64)
    ratio = pl.col(f"{value}_yuan") / pl.col(value)
    return pl.when(pl.col(value).abs() > 0).then(ratio).otherwise(by_unit).fill_null(1e4)


def statements(frames: dict[str, pl.DataFrame], findings: pl.DataFrame) -> pl.DataFrame:
    """Per disclosure: each figure stated for this year and the first stated for last
    year, as intervals in 元 (STATEMENTS columns)."""
    claims = frames["claims"]
    if claims.height == 0:
        return pl.DataFrame(schema=STATEMENTS)
    # A wrong percentage (PCT) says nothing about the amounts beside it: it disputes none.
    flagged = findings.filter(
        pl.col("severity").is_in(["error", "warning"]) & pl.col("line").is_not_null() & (pl.col("family") != "PCT")
    )
    code = pl.col("code").fill_null("")
    key = (
        pl.when(pl.col("item").is_in([*PRINTED_ITEMS, *TOTAL_ITEMS]))
        .then(pl.col("item"))
        .when(code.str.contains(r"^(?:\d{7}|[35]\d{2})$"))
        .then(pl.format("code:{}", code))
        .otherwise(None)
    )
    c = (
        claims.filter(pl.col("current").is_not_null() & pl.col("current_yuan").is_not_null())
        .with_columns(key=key)
        .filter(pl.col("key").is_not_null())
    )
    c = c.join(_disputes(c, flagged), on=["unit_id", "claim_id"], how="left").with_columns(
        pl.col("_disputed", "_yoy001").fill_null(False),
        label=pl.when(code != "").then(pl.format("{}（{}）", pl.col("label"), code)).otherwise(pl.col("label")),
    )
    # A SAN finding (parts and total disagree) disputes every 三公 figure of the year it
    # names, since it does not say which one is wrong. This year's figures keep two
    # readings (_sangong_readings) where the total and four parts are all stated; the
    # priors a SAN finding disputes are not compared (what the document restates is its
    # own lead).
    san = flagged.filter(pl.col("family") == "SAN").select(
        "unit_id", _san_prior=pl.col("stated").fill_null("").str.contains("上年|last year")
    )
    san_cur = san.filter(~pl.col("_san_prior")).select("unit_id").unique().with_columns(_san_cur=pl.lit(True))
    san_pri = san.filter(pl.col("_san_prior")).select("unit_id").unique().with_columns(_san_pri=pl.lit(True))
    is_sangong = pl.col("key").is_in(SANGONG_ITEMS)
    c = (
        c.join(san_cur, on="unit_id", how="left")
        .join(san_pri, on="unit_id", how="left")
        .with_columns(
            _cur_disputed=pl.col("_disputed") | (pl.col("_san_cur").fill_null(False) & is_sangong),
            # A prior implied by the change is read off the current: disputed with it.
            _pri_disputed=pl.col("_disputed")
            | (pl.col("_san_pri").fill_null(False) & is_sangong)
            | (pl.col("_san_cur").fill_null(False) & is_sangong & pl.col("prior").is_null()),
            _san_cur_only=pl.col("_san_cur").fill_null(False) & is_sangong & ~pl.col("_disputed"),
        )
    )
    cur = printed(pl.col("current"), pl.col("current_dec").fill_null(0), _factor("current", "current_unit"))
    pri = printed(pl.col("prior"), pl.col("prior_dec").fill_null(0), _factor("prior", "prior_unit"))
    chg = printed(pl.col("change"), pl.col("change_dec").fill_null(0), _factor("change", "change_unit"))
    up, down = pl.col("direction") == "increase", pl.col("direction") == "decrease"
    flat = (pl.col("direction") == "flat") & (pl.col("change").is_null() | (pl.col("change") == 0))
    implied_lo = pl.when(up).then(cur.lo - chg.hi).when(down).then(cur.lo + chg.lo).when(flat).then(cur.lo)
    implied_hi = pl.when(up).then(cur.hi - chg.lo).when(down).then(cur.hi + chg.hi).when(flat).then(cur.hi)
    has_change = pl.col("change").is_not_null() & (up | down)
    keep = ["unit_id", "key", "label", "line", "page", "text", "disputed"]
    current = c.select(
        *keep[:-1],
        disputed="_cur_disputed",
        kind=pl.lit("current"),
        implied=pl.lit(False),
        lo=cur.lo,
        hi=cur.hi,
        _san_only="_san_cur_only",
    )
    first_prior = (
        c.with_columns(
            implied=pl.col("prior").is_null(),
            lo=pl.when(pl.col("prior").is_not_null()).then(pri.lo).when(has_change | flat).then(implied_lo),
            hi=pl.when(pl.col("prior").is_not_null()).then(pri.hi).when(has_change | flat).then(implied_hi),
            # A 决算's 年初预算数 (比年初预算…, 年初预算为…) is the year's budget, not last year's.
            kind=pl.when(pl.col("basis").fill_null("").str.contains("年初"))
            .then(pl.lit("budget"))
            .otherwise(pl.lit("prior")),
        )
        .filter(pl.col("lo").is_not_null())
        .sort("unit_id", "claim_id")
        .unique(["unit_id", "key"], keep="first", maintain_order=True)
    )
    prior = first_prior.select(*keep[:-1], disputed="_pri_disputed", kind="kind", implied="implied", lo="lo", hi="hi")
    # A stated change that is not current minus prior (YOY001) leaves two readings of
    # each figure: as printed, and as the other two imply. The other document's figure
    # meeting either is consistent; meeting neither, the finding says which is wrong.
    printed_both = pl.col("_yoy001") & pl.col("prior").is_not_null() & has_change
    alt_current = c.filter(printed_both & ~pl.col("_cur_disputed")).select(
        *keep[:-1],
        disputed=pl.lit(False),
        kind=pl.lit("current"),
        implied=pl.lit(True),
        lo=pl.when(up).then(pri.lo + chg.lo).otherwise(pri.lo - chg.hi),
        hi=pl.when(up).then(pri.hi + chg.hi).otherwise(pri.hi - chg.lo),
    )
    alt_prior = first_prior.filter(printed_both & ~pl.col("_pri_disputed")).select(
        *keep[:-1], disputed=pl.lit(False), kind="kind", implied=pl.lit(True), lo=implied_lo, hi=implied_hi
    )
    return (
        pl.concat([_sangong_readings(current), prior, alt_current, alt_prior], how="diagonal")
        .select(list(STATEMENTS))
        .cast(STATEMENTS)
    )


def _sangong_readings(st: pl.DataFrame) -> pl.DataFrame:
    """This year's statements, with the 三公 figures disputed only by a SAN finding
    (``_san_only``) given two readings where the total and all four parts are stated: as
    printed, and as the others imply (a part: the total less the other parts; the total:
    the parts' sum). The other year's figure meeting either is consistent: a part that
    was misprinted, or a total that does not add up, is then not found again."""
    sg = st.filter(pl.col("key").is_in(SANGONG_ITEMS))
    first = sg.join(sg.filter("_san_only").select("unit_id").unique(), on="unit_id", how="semi").unique(
        ["unit_id", "key"], keep="first", maintain_order=True
    )
    # Every one of the five disputed by SAN alone: a figure another finding disputes (a
    # unit slip) is no base for the others' reading.
    complete = (
        first.group_by("unit_id")
        .agg(n=pl.len(), only=pl.col("_san_only").all())
        .filter((pl.col("n") == len(SANGONG_ITEMS)) & pl.col("only"))
        .select("unit_id")
    )
    first = first.join(complete, on="unit_id", how="semi")
    parts = (
        first.filter(pl.col("key") != "sangong")
        .group_by("unit_id")
        .agg(p_lo=pl.col("lo").sum(), p_hi=pl.col("hi").sum())
    )
    total = first.filter(pl.col("key") == "sangong").select("unit_id", t_lo="lo", t_hi="hi")
    is_total = pl.col("key") == "sangong"
    alt = (
        first.filter("_san_only")
        .join(parts, on="unit_id")
        .join(total, on="unit_id")
        .with_columns(
            lo=pl.when(is_total).then("p_lo").otherwise(pl.col("t_lo") - (pl.col("p_hi") - pl.col("hi"))),
            hi=pl.when(is_total).then("p_hi").otherwise(pl.col("t_hi") - (pl.col("p_lo") - pl.col("lo"))),
            disputed=pl.lit(False),
            implied=pl.lit(True),
        )
        .select(st.columns)
    )
    restored = pl.col("_san_only") & pl.col("unit_id").is_in(complete["unit_id"].implode())
    return pl.concat([st.with_columns(disputed=pl.col("disputed") & ~restored), alt])


def _disputes(claims: pl.DataFrame, flagged: pl.DataFrame) -> pl.DataFrame:
    """unit_id, claim_id, _disputed, _yoy001: the claims a document's own findings are about.

    A finding is about the claims on its line whose clause holds its quote (or is held by
    it); a quote matching none there disputes every claim of the line. A direction word
    contradicting the figures (YOY002) disputes only a prior implied by that word; a
    change differing from current minus prior (YOY001) is marked apart, since the
    figures still have two readings (see statements). SAN is judged by the caller. A
    flagged total whose items do not add up (NAR012) disputes every coded item of its
    section."""
    # Distinct before the join: a line holding a whole text (a converter's one-line
    # output) pairs each of its claims with each of its findings.
    notes = (
        flagged.filter(pl.col("family") != "SAN")
        .select("unit_id", "rule", _l=pl.col("line"), _ev=pl.col("evidence").fill_null(""))
        .unique()
    )
    on_line = (
        pl.concat(
            [
                claims.select("unit_id", "claim_id", "section", "item", "prior", "text", _l=pl.col(col))
                for col in ("line", "current_line", "change_line")
            ]
        )
        .join(notes, on=["unit_id", "_l"])
        .unique(["unit_id", "claim_id", "rule", "_l", "_ev"])
    )
    text = pl.col("text").fill_null("")
    quoted = (pl.col("_ev") != "") & (
        text.str.contains(pl.col("_ev"), literal=True) | pl.col("_ev").str.contains(text, literal=True)
    )
    on_line = on_line.with_columns(_about=quoted | ~quoted.any().over("unit_id", "rule", "_l", "_ev")).filter(
        pl.col("_about")
    )
    on_line = on_line.filter((pl.col("rule") != "YOY002") | pl.col("prior").is_null())
    by_section = (
        on_line.filter(pl.col("item").is_in(TOTAL_ITEMS))
        .select("unit_id", "section")
        .unique()
        .with_columns(_by_section=pl.lit(True))
    )
    coded = (
        claims.filter(pl.col("key").str.starts_with("code:"))
        .join(by_section, on=["unit_id", "section"], nulls_equal=True)
        .select("unit_id", "claim_id", _disputed=pl.lit(True), _yoy001=pl.lit(False))
    )
    per_claim = on_line.group_by("unit_id", "claim_id").agg(
        _disputed=(pl.col("rule") != "YOY001").any(), _yoy001=(pl.col("rule") == "YOY001").any()
    )
    return (
        pl.concat([per_claim, coded])
        .group_by("unit_id", "claim_id")
        .agg(pl.col("_disputed").any(), pl.col("_yoy001").any())
    )


# --- identity ---------------------------------------------------------------------------

# Printed variations of one name (凤县人民政府办公室 / 凤县政府办公室, 人力资源和社会保障局 /
# 人力资源社会保障局, a trailing （本级）), applied in order to the name without spaces.
_NORMALISE = (
    (r"\((?:本级|机关|本部|汇总)\)$", ""),
    (r"中国共产党", "中共"),
    (r"人民政府", "政府"),
    (r"街道办事处$|街道办$", "街道"),
    # The 和 between two nouns of the body's name (发展和改革局), never a place's own
    # (和谷县, 清和县): it follows the place or the name's start by two characters or more.
    (r"(^|[省市县区旗州镇乡])([^和]{2,}?)和([^和]{2,}(?:局|委员会|委|厅|部|中心))$", "${1}${2}${3}"),
)


def unit_key_expr(name: pl.Expr) -> pl.Expr:
    """The unit's name normalised for the usual printed variations."""
    e = name.str.replace_all(r"\s+", "").str.replace_all("（", "(").str.replace_all("）", ")")
    for pattern, repl in _NORMALISE:
        e = e.str.replace(pattern, repl)
    return pl.when(e.str.len_chars() > 0).then(e).otherwise(None)


def with_identity(units: pl.DataFrame) -> pl.DataFrame:
    """units with unit_key (null where no name was read) and doc_kind (budget by default)."""
    kind = pl.col("doc_kind") if "doc_kind" in units.columns else pl.lit(None, dtype=pl.String)
    return units.with_columns(
        unit_key=unit_key_expr(pl.col("unit_name")),
        doc_kind=pl.when(pl.col("parse_status") == "failed").then(kind).otherwise(kind.fill_null("budget")),
    )


def uncertain_keys(units: pl.DataFrame) -> pl.DataFrame:
    """unit_key, year, doc_kind, n, paths: a key held by several disclosures of one year
    and kind (two units of one name, or one disclosure stored twice): not matched."""
    return (
        units.filter(pl.col("unit_key").is_not_null() & pl.col("year").is_not_null())
        .group_by("unit_key", "year", "doc_kind")
        .agg(n=pl.len(), paths=pl.col("source_path").sort())
        .filter(pl.col("n") > 1)
        .sort("unit_key", "year", "doc_kind")
    )


def _previous(units: pl.DataFrame) -> pl.DataFrame:
    """unit_id → the same unit's budget of the year before (unique on both sides)."""
    ok = units.filter(
        (pl.col("parse_status") != "failed") & pl.col("unit_key").is_not_null() & pl.col("year").is_not_null()
    )
    ok = ok.filter(pl.len().over("unit_key", "year", "doc_kind") == 1).filter(pl.col("doc_kind") == "budget")
    prev = ok.select(
        "unit_key",
        year=pl.col("year") + 1,
        prev_id=pl.col("unit_id"),
        prev_path=pl.col("source_path"),
        prev_year=pl.col("year"),
    )
    return ok.select("unit_id", "unit_key", "year").join(prev, on=["unit_key", "year"], how="left")


def _wan(e: pl.Expr, lang: str) -> pl.Expr:
    """An amount in 元 written as people read it (anomaly.money.wan)."""
    return e.map_elements(lambda v: wan(v, lang=lang), return_dtype=pl.String)


CROSS_SCHEMA = {**FINDING_COLUMNS, "other_path": pl.String, "other_line": pl.Int64, "other_year": pl.Int64}


def item_name(lang: str) -> pl.Expr:
    """The compared item's name (LABELS by key, else the label as printed)."""
    labels = {k: v[1 if lang == "en" else 0] for k, v in LABELS.items()}
    return pl.col("key").replace_strict(labels, default=None, return_dtype=pl.String).fill_null(pl.col("label"))


def midpoints() -> tuple[pl.Expr, pl.Expr]:
    """The middles of a statement's interval and of the other document's (lo..hi, o_lo..o_hi)."""
    return (pl.col("lo") + pl.col("hi")) / 2, (pl.col("o_lo") + pl.col("o_hi")) / 2


def judged(said: pl.DataFrame, other: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """One row per (unit_id, key): the figures a document states (lo, hi) against the
    other document's (o_lo, o_hi, o_line), joined ``on``; ``meets`` where the intervals
    meet within rounding tolerance. A document may state an item more than once (its
    text and its summary), or read it two ways: one that agrees is enough; the row kept
    is the first by o_line, a printed figure before an implied one."""
    both = said.join(other, on=on)
    tol = ABS_TOL + REL_TOL * pl.max_horizontal(pl.col("hi").abs(), pl.col("o_hi").abs())
    both = both.with_columns(meets=(pl.col("lo") <= pl.col("o_hi") + tol) & (pl.col("o_lo") <= pl.col("hi") + tol))
    # The row is chosen on a few columns and gathered once: sorting every column within
    # every group cost most of the time over a province's years.
    order = ["o_line", *(["implied"] if "implied" in both.columns else []), "lo", "hi"]
    pick = (
        both.select("unit_id", "key", "meets", *order)
        .with_row_index("_r")
        .group_by("unit_id", "key", maintain_order=True)
        .agg(pl.col("meets").any(), pl.col("_r").sort_by(order).first())
    )
    return both.drop("meets")[pick["_r"]].with_columns(meets=pick["meets"])


def cross_findings(out: pl.DataFrame, key: pl.Expr) -> pl.DataFrame:
    """``out``'s rows in CROSS_SCHEMA, each with a fingerprint of ``key`` (a string expression)."""
    if out.height == 0:
        return pl.DataFrame(schema=CROSS_SCHEMA)
    out = out.with_columns(
        fingerprint=key.map_elements(lambda s: hashlib.sha1(s.encode()).hexdigest()[:16], return_dtype=pl.String)
    )
    return out.select(list(CROSS_SCHEMA)).cast(CROSS_SCHEMA)


def xyr_findings(units: pl.DataFrame, stated: pl.DataFrame, lang: str = "zh") -> tuple[pl.DataFrame, pl.DataFrame]:
    """XYR findings (FINDING_COLUMNS + other_path, other_line, other_year) and their
    coverage (unit_id, rule, outcome) for every budget disclosure."""
    pairs = _previous(units)
    budgets = units.filter(pl.col("doc_kind") == "budget").select("unit_id")
    finals = units.filter(pl.col("doc_kind") != "budget").select("unit_id")
    rule_of = pl.when(pl.col("key").is_in(PRINTED_ITEMS)).then(pl.lit("XYR001")).otherwise(pl.lit("XYR002"))
    st = stated.filter(~pl.col("disputed"))
    priors = st.filter(pl.col("kind") == "prior").join(pairs.filter(pl.col("prev_id").is_not_null()), on="unit_id")
    currents = st.filter(pl.col("kind") == "current").select(
        prev_id="unit_id", key="key", o_lo="lo", o_hi="hi", o_line="line", o_page="page"
    )
    compared = judged(priors, currents, ["prev_id", "key"]).with_columns(rule=rule_of)
    bad = compared.filter(~pl.col("meets")).sort("unit_id", "rule", "line")
    name, mid, o_mid = item_name(lang), *midpoints()
    if lang == "en":
        how = pl.when(pl.col("implied")).then(pl.lit(" (implied by the stated change)")).otherwise(pl.lit(""))
        msg = pl.format(
            "Last year's {} stated as {}{}, but the {} disclosure states {} for its own year{}",
            name,
            _wan(mid, lang),
            how,
            pl.col("prev_year"),
            _wan(o_mid, lang),
            pl.when(pl.col("n") > 1)
            .then(pl.format(" ({} more figures differ)", pl.col("n") - 1))
            .otherwise(pl.lit("")),
        )
        expected = pl.format(
            "{} ({}, line {}, {})", _wan(o_mid, lang), pl.col("prev_path"), pl.col("o_line"), pl.col("prev_year")
        )
    else:
        how = pl.when(pl.col("implied")).then(pl.lit("（由本年数与增减额推得）")).otherwise(pl.lit(""))
        msg = pl.format(
            "所列上年{} {}{}，与{}年公开说明所列本年数 {} 不符{}",
            name,
            _wan(mid, lang),
            how,
            pl.col("prev_year"),
            _wan(o_mid, lang),
            pl.when(pl.col("n") > 1).then(pl.format("（另有 {} 项不符）", pl.col("n") - 1)).otherwise(pl.lit("")),
        )
        expected = pl.format(
            "{}（{}年：{} 第{}行）", _wan(o_mid, lang), pl.col("prev_year"), pl.col("prev_path"), pl.col("o_line")
        )
    src = units.select("unit_id", "source_path")
    out = (
        bad.with_columns(n=pl.len().over("unit_id", "rule"))
        .unique(["unit_id", "rule"], keep="first", maintain_order=True)
        .join(src, on="unit_id")
        .with_columns(
            family=pl.lit("XYR"),
            severity=pl.when(pl.col("rule") == "XYR001").then(pl.lit("error")).otherwise(pl.lit("warning")),
            message=msg,
            evidence=pl.col("text"),
            stated=_wan(mid, lang),
            expected=expected,
            title=pl.col("rule").replace_strict(
                {c: t[1 if lang == "en" else 0] for c, t in TITLES.items()}, return_dtype=pl.String
            ),
            place=pl.lit(None, dtype=pl.String),
            other_path=pl.col("prev_path"),
            other_line=pl.col("o_line"),
            other_year=pl.col("prev_year"),
        )
    )
    findings = cross_findings(
        out, pl.format("{}|{}|{}|{}", "rule", file_name("source_path"), "key", file_name("prev_path"))
    )
    # Coverage: fail / pass where a figure was compared; insufficient_data where the
    # unit has no budget of the year before (or nothing comparable); finals: n/a.
    judged_rules = compared.group_by("unit_id", "rule").agg(fail=(~pl.col("meets")).any())
    rows = []
    for rule in TITLES:
        r = judged_rules.filter(pl.col("rule") == rule).select(
            "unit_id", outcome=pl.when(pl.col("fail")).then(pl.lit("fail")).otherwise(pl.lit("pass"))
        )
        rest = budgets.join(r, on="unit_id", how="anti").with_columns(outcome=pl.lit("insufficient_data"))
        na = finals.with_columns(outcome=pl.lit("not_applicable"))
        rows.append(pl.concat([r, rest, na]).with_columns(rule=pl.lit(rule)))
    coverage = pl.concat(rows).select("unit_id", "rule", "outcome") if rows else None
    return findings, coverage


TITLES = {
    "XYR001": ("所列上年数与上年公开说明不符", "Last year's figure differs from last year's disclosure"),
    "XYR002": (
        "由增减推得的上年数与上年公开说明不符",
        "Last year's figure implied by the change differs from last year's disclosure",
    ),
}
