"""Cross-unit copy detection (family CPY): a template copied without being updated.

CPY001 — the unit's main figures repeat another unit's exactly. The figure vector
is: total budget, 编制, 实有, 离退休, vehicles, 三公 this year and last, the 三公
parts, 会议费, 培训费, 公用经费 and every 7-digit 功能 item (code=amount). Amounts
are rounded to 100 元 (what a figure printed in 万元 with 2 decimals keeps), so the
same figures printed in 元 in one document and in 万元 in another still match.
Vectors with fewer than ``MIN_FIGURES`` non-zero figures are skipped: two empty or
nearly empty templates look alike without anyone copying anything.

CPY002 — the unit shares at least ``MIN_SHARED_PARAGRAPHS`` substantial paragraphs
that carry figures (marks kind "paragraph": a hash of the whole paragraph; its quote
must show an amount, a count or a percentage) with one other unit of a different
name, and those paragraphs show at least ``MIN_SHARED_FIGURES`` distinct figures
(years and zeros aside): one total that happens to round to the same 万元 in two
units repeats in three short sentences, which is a coincidence, not a copy. A paragraph printed verbatim by more than ``MAX_HOLDERS`` units is common
template text (a glossary entry, a table note), not a copy of one unit, and is ignored.

A pair is one finding per unit of it, each naming the other and saying which parts
match (one_per_pair merges the pair's rules into it): findings, ranking and triage are
per unit; a shared table or sentence does not tell which unit copied, and a finding
on one side only would leave the other's copied part looking like its own budget.
Directional evidence is the exception: only the unit printing another's name (CPY003)
gets that finding. A unit sharing a part with several units gets one finding for
each (at most MAX_HOLDERS - 1), so the analyst sees every holder. Units with the same name
(the same disclosure stored twice) are not copies of each other.

Near-linear: figure vectors are grouped by their text key; paragraphs are grouped by
hash and only hashes held by 2..MAX_HOLDERS units form pairs (at most
MAX_HOLDERS² per hash). No all-pairs comparison.
"""

from __future__ import annotations

import hashlib

import polars as pl

from anomaly.engine import FINDING_COLUMNS, file_name
from anomaly.money import wan_expr

MIN_FIGURES = 8
MIN_SHARED_PARAGRAPHS = 3
MAX_HOLDERS = 5
MIN_SHARED_FIGURES = 3  # distinct figures (not years, not zero) across the shared paragraphs
MIN_SENTENCE_DIGITS = (
    9  # significant digits of the amounts shared sentences print (two units' 0.93 and 0.79 万 agree by chance)
)
MIN_SENTENCES_DIGITS = 7  # the same, for two sentences or more
MIN_TABLE_FIGURES = 3  # distinct non-zero amounts for a table to be evidence (tiny and empty tables are alike)
MIN_TABLE_DIGITS = 12  # and their significant digits (in 100 元): 1.20 and 0.60 万 agree by chance
MAX_NAME_HOLDERS = 3  # units printing another's name: more and it is a body they all name
# Words before a name that say the unit names a body it deals with, not itself.
NAMED_BY_ROLE = r"经|由|根据|按照|接受|向|报|会同|配合|协助|主管|上级|指导|委托|拨付|下达"
PRIORITY = ("CPY003", "CPY001", "CPY004", "CPY002", "CPY005")
# A quote that shows a figure: an amount with its unit, a count, a percentage or a decimal.
FIGURE_PATTERN = r"\d\s*(?:万元|亿元|元|人|辆|台|%|％)|\d\.\d"

TITLES = {
    "CPY001": {"zh": "主要数字与其他单位完全相同", "en": "Figures repeat another unit's"},
    "CPY002": {"zh": "多段含数字的文字与其他单位相同", "en": "Paragraphs repeat another unit's"},
    "CPY003": {"zh": "印有另一单位的名称", "en": "Another unit's name printed"},
    "CPY004": {"zh": "整张表与其他单位相同", "en": "A whole table repeats another unit's"},
    "CPY005": {"zh": "段落去掉单位名称后与其他单位相同", "en": "A paragraph repeats another unit's, names aside"},
}
_HEADLINE = [
    "total_budget_yuan",
    "staff_authorized",
    "staff_actual",
    "retirees",
    "vehicles",
    "sangong_total_yuan",
    "sangong_prior_yuan",
]
_ITEMS = ["reception", "vehicle_running", "vehicle_purchase", "sangong_abroad", "meeting", "training", "public_funds"]
_AMOUNTS = {"total_budget_yuan", "sangong_total_yuan", "sangong_prior_yuan", *_ITEMS}


def _sha(expr: pl.Expr) -> pl.Expr:
    return expr.map_elements(lambda s: hashlib.sha1(s.encode()).hexdigest()[:16], return_dtype=pl.String)


def figure_vectors(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """unit_id, vector (text key of the normalised figures), n_figures (non-zero ones)."""
    units = frames["units"].lazy()
    claims = frames["claims"].lazy()
    items = (
        claims.filter(pl.col("item").is_in(_ITEMS) & pl.col("current_yuan").is_not_null())
        .sort("unit_id", "claim_id")
        .group_by("unit_id")
        .agg([pl.col("current_yuan").filter(pl.col("item") == it).first().alias(it) for it in _ITEMS])
    )
    func = (
        claims.filter(pl.col("code").str.contains(r"^\d{7}$") & pl.col("current_yuan").is_not_null())
        .group_by("unit_id", "code")
        .agg(pl.col("current_yuan").first())
        .with_columns(v=(pl.col("current_yuan") / 100).round(0).cast(pl.Int64, strict=False))
        .sort("unit_id", "code")
        .group_by("unit_id", maintain_order=True)
        .agg(func_key=pl.format("{}={}", pl.col("code"), pl.col("v")).str.join(";"), n_func=(pl.col("v") != 0).sum())
    )
    cols = _HEADLINE + _ITEMS
    # strict=False: a figure too large for the key (digits run together in the text) is none.
    norm = [
        ((pl.col(c) / 100).round(0) if c in _AMOUNTS else pl.col(c)).cast(pl.Int64, strict=False).alias(c) for c in cols
    ]
    frame = (
        units.select("unit_id", *_HEADLINE)
        .join(items, on="unit_id", how="left")
        .join(func, on="unit_id", how="left")
        .with_columns(norm)
        .with_columns(
            vector=pl.concat_str(
                [pl.format(f"{c}={{}}", pl.col(c).cast(pl.String).fill_null("-")) for c in cols]
                + [pl.col("func_key").fill_null("")],
                separator="|",
            ),
            n_figures=pl.sum_horizontal([(pl.col(c).fill_null(0) != 0).cast(pl.Int64) for c in cols])
            + pl.col("n_func").fill_null(0),
        )
    )
    return frame.select("unit_id", "vector", "n_figures").collect()


_PAIR = {"other_path": pl.String, "part": pl.String}


def _plural(n: pl.Expr, word: str) -> pl.Expr:
    """English count with its noun, as an expression: 1 table, 2 tables."""
    return pl.format("{} {}", n, pl.when(n == 1).then(pl.lit(word)).otherwise(pl.lit(word + "s")))


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={**FINDING_COLUMNS, **_PAIR})


def _finish(frame: pl.DataFrame, rule: str, lang: str) -> pl.DataFrame:
    if "part" not in frame.columns:
        frame = frame.with_columns(part=pl.col("stated"))
    return (
        frame.with_columns(pl.col("source_path").cast(pl.String), pl.col("other_path").cast(pl.String))
        .with_columns(
            rule=pl.lit(rule),
            family=pl.lit("CPY"),
            severity=pl.lit("warning"),
            title=pl.lit(TITLES[rule].get(lang, TITLES[rule]["zh"])),
            fingerprint=_sha(
                pl.format("{}|{}|{}", pl.lit(rule), file_name("source_path"), file_name("other_path").fill_null(""))
            ),
            place=pl.lit(None, dtype=pl.String),
        )
        .select([*FINDING_COLUMNS, *_PAIR])
        .sort("unit_id")
    )


def _other(frame: pl.DataFrame, group: str) -> pl.DataFrame:
    """For each unit of a group (sorted by name, path): the first member with another name."""
    frame = frame.sort(group, "unit_name", "source_path", "unit_id", nulls_last=True)
    name0 = pl.col("unit_name").first().over(group)
    differs = pl.col("unit_name") != name0
    alt_name = pl.col("unit_name").filter(differs).first().over(group)
    alt_path = pl.col("source_path").filter(differs).first().over(group)
    return frame.with_columns(
        other_name=pl.when(differs).then(name0).otherwise(alt_name),
        other_path=pl.when(differs).then(pl.col("source_path").first().over(group)).otherwise(alt_path),
        n_others=(pl.col("unit_name").n_unique().over(group) - 1),
    ).filter(pl.col("other_name").is_not_null())


def cpy001(units: pl.DataFrame, vectors: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """Units whose figure vector equals another unit's (of a different name)."""
    units = units.filter(pl.col("parse_status") != "failed")
    vec = vectors.join(units.select("unit_id"), on="unit_id", how="semi").filter(pl.col("n_figures") >= MIN_FIGURES)
    dup = (
        vec.join(
            units.select(
                "unit_id", "unit_name", "source_path", "total_budget_yuan", "staff_actual", "sangong_total_yuan"
            ),
            on="unit_id",
        )
        .filter(pl.len().over("vector") > 1)
        .with_columns(pl.col("unit_name").fill_null(""))
    )
    if dup.height == 0:
        return _empty()
    dup = _other(dup, "vector")
    if dup.height == 0:
        return _empty()
    wan = lambda c: wan_expr(pl.col(c), lang=lang)  # noqa: E731
    if lang == "en":
        summary = pl.format(
            "total {}, {} staff, sangong {}",
            wan("total_budget_yuan"),
            pl.col("staff_actual"),
            wan("sangong_total_yuan"),
        )
        msg = pl.format(
            "Its {} main figures are identical to those of {}{}: a template not updated?",
            pl.col("n_figures"),
            pl.col("other_name"),
            pl.when(pl.col("n_others") > 1)
            .then(pl.format(" (and {} more units)", pl.col("n_others") - 1))
            .otherwise(pl.lit("")),
        )
        ev = pl.format("same figures as 「{}」 ({}): {}", pl.col("other_name"), pl.col("other_path"), summary)
    else:
        summary = pl.format(
            "预算总额 {}、实有 {} 人、三公 {}",
            wan("total_budget_yuan"),
            pl.col("staff_actual"),
            wan("sangong_total_yuan"),
        )
        msg = pl.format(
            "{} 项主要数字与「{}」{}完全相同，疑为套用模板未更新",
            pl.col("n_figures"),
            pl.col("other_name"),
            pl.when(pl.col("n_others") > 1).then(pl.format("等 {} 个单位", pl.col("n_others"))).otherwise(pl.lit("")),
        )
        ev = pl.format("与「{}」（{}）数字相同：{}", pl.col("other_name"), pl.col("other_path"), summary)
    out = dup.with_columns(
        message=msg,
        evidence=ev,
        line=pl.lit(None, dtype=pl.Int64),
        page=pl.lit(None, dtype=pl.Int64),
        stated=summary,
        expected=pl.lit("other units' own figures" if lang == "en" else "本单位自己的数字"),
        part=pl.lit("main figures" if lang == "en" else "主要数字"),
    )
    return _finish(out, "CPY001", lang)


def paragraph_keys(marks: pl.DataFrame) -> pl.DataFrame:
    """unit_id, kind, key, line, page, text of the marks copy detection compares: the
    paragraphs whose quote shows a figure (kind paragraph; CPY002 compares no others),
    their sentences with amounts (kind sentence) and the organisation names printed
    (kind name); datasets.copykeys makes them."""
    if "page" not in marks.columns:
        marks = marks.with_columns(page=pl.lit(None, dtype=pl.Int64))
    kind = pl.col("kind")
    wanted = kind.is_in(["sentence", "name"]) | ((kind == "paragraph") & pl.col("text").str.contains(FIGURE_PATTERN))
    return marks.filter(wanted & pl.col("key").is_not_null()).select("unit_id", "kind", "key", "line", "page", "text")


def table_keys(cells: pl.DataFrame) -> pl.DataFrame:
    """unit_id, kind ("table"), key, line, page, text: one row per table with at least
    MIN_TABLE_FIGURES distinct non-zero amounts of MIN_TABLE_DIGITS significant digits
    together, keyed by its amounts in order (rounded to 100 元, so a table printed in 元
    matches the same one in 万元)."""
    if "page" not in cells.columns:
        cells = cells.with_columns(page=pl.lit(None, dtype=pl.Int64))
    v = pl.col("v")
    return (
        cells.lazy()
        # A figure beyond any budget (cells run together by a converter) is no key, and
        # would not fit the integer key.
        .filter(~pl.col("header").fill_null(False) & (pl.col("value_yuan").abs() < 1e15))
        .with_columns(v=(pl.col("value_yuan") / 100).round(0).cast(pl.Int64))
        .sort("unit_id", "table_id", "row", "col")
        .group_by("unit_id", "table_id", maintain_order=True)
        .agg(
            key=v.cast(pl.String).str.join(","),
            n=v.filter(v != 0).n_unique(),
            digits=v.filter(v != 0).unique().abs().cast(pl.String).str.strip_chars_end("0").str.len_chars().sum(),
            line=pl.col("line").min(),
            page=pl.col("page").first(),
            text=pl.format("{} {}", pl.col("table_id").first(), pl.col("table_title").first().fill_null("")),
        )
        .filter((pl.col("n") >= MIN_TABLE_FIGURES) & (pl.col("digits") >= MIN_TABLE_DIGITS))
        .collect()
        .with_columns(kind=pl.lit("table"), key=_sha(pl.col("key")))
        .select("unit_id", "kind", "key", "line", "page", "text")
    )


def copy_keys(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every key copy detection compares, per unit (kept by a batched run instead of
    the frames): paragraph_keys of the marks and table_keys of the cells."""
    return pl.concat([paragraph_keys(frames["marks"]), table_keys(frames["cells"])], how="vertical_relaxed")


def cpy002(units: pl.DataFrame, paragraphs: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """Units sharing at least MIN_SHARED_PARAGRAPHS figure paragraphs with another unit."""
    units = units.select("unit_id", "unit_name", "source_path")
    if "kind" in paragraphs.columns:
        paragraphs = paragraphs.filter(pl.col("kind") == "paragraph")
    paragraphs = paragraphs.filter(pl.col("text").str.contains(FIGURE_PATTERN))
    paras = (
        paragraphs.lazy()
        .group_by("unit_id", "key")
        .agg(pl.col("page").sort_by("line").first(), pl.col("line").min(), pl.col("text").first())
        .join(units.lazy(), on="unit_id")
        .with_columns(holders=pl.len().over("key"))
        .filter((pl.col("holders") >= 2) & (pl.col("holders") <= MAX_HOLDERS))
        .collect()
    )
    if paras.height == 0:
        return _empty()
    # Pairs are formed without the paragraphs' text, whose figures are read only for the
    # pairs sharing enough paragraphs: carried through the pairing, text and figures took
    # 600 MiB at 100,000 units.
    right = paras.select("key", other_id="unit_id", other_name="unit_name", other_path="source_path")
    pairs = (
        paras.select("unit_id", "key", "line", "page", "unit_name", "source_path")
        .join(right, on="key")
        .filter(
            (pl.col("unit_id") != pl.col("other_id"))
            & (pl.col("unit_name").fill_null("\x00a") != pl.col("other_name").fill_null("\x00b"))
        )
        .sort("unit_id", "other_id", "line", "key")
        .group_by("unit_id", "other_id", maintain_order=True)
        .agg(
            shared=pl.len(),
            keys=pl.col("key"),
            line=pl.col("line").first(),
            page=pl.col("page").first(),
            other_name=pl.col("other_name").first(),
            other_path=pl.col("other_path").first(),
            source_path=pl.col("source_path").first(),
        )
        .filter(pl.col("shared") >= MIN_SHARED_PARAGRAPHS)
    )
    figures = (
        pairs.select("unit_id", "other_id", key=pl.col("keys"))
        .explode("key")
        .join(paras.select("unit_id", "key", "text"), on=["unit_id", "key"])
        .select(
            "unit_id",
            "other_id",
            figs=pl.col("text")
            .str.extract_all(r"\d+(?:\.\d+)?")
            .list.eval(
                pl.element().filter(
                    ~pl.element().str.contains(r"^(?:19|20)\d\d$") & ~pl.element().str.contains(r"^0+(?:\.0+)?$")
                )
            ),
        )
        .group_by("unit_id", "other_id")
        .agg(n_figs=pl.col("figs").list.explode(keep_nulls=False, empty_as_null=False).drop_nulls().n_unique())
    )
    # The quote is the unit's first shared paragraph (its keys are in line order).
    first = paras.select("unit_id", "text", _first="key")
    pairs = (
        pairs.join(figures, on=["unit_id", "other_id"], how="left", maintain_order="left")
        .filter(pl.col("n_figs") >= MIN_SHARED_FIGURES)
        .with_columns(_first=pl.col("keys").list.first())
        .join(first, on=["unit_id", "_first"], how="left", maintain_order="left")
        .drop("keys", "_first")
    )
    if pairs.height == 0:
        return _empty()
    best = (
        pairs.sort(
            ["unit_id", "shared", "other_name", "other_path"], descending=[False, True, False, False], nulls_last=True
        )
        .group_by("unit_id", maintain_order=True)
        .agg(pl.all().first(), n_others=pl.len())
    )
    more = pl.col("n_others") > 1
    if lang == "en":
        msg = pl.format(
            "{} with figures are word for word the same as in {}{}: a template not updated?",
            _plural(pl.col("shared"), "paragraph"),
            pl.col("other_name").fill_null("?"),
            pl.when(more).then(pl.format(" (and {} more units)", pl.col("n_others") - 1)).otherwise(pl.lit("")),
        )
        ev = pl.format(
            "same as 「{}」 ({}), e.g. line {}: 「{}」",
            pl.col("other_name").fill_null("?"),
            pl.col("other_path"),
            pl.col("line"),
            pl.col("text"),
        )
        stated = _plural(pl.col("shared"), "identical paragraph")
        expected = pl.lit("the unit's own text")
        best = best.with_columns(part=stated)
    else:
        msg = pl.format(
            "有 {} 段含数字的文字与「{}」{}逐字相同，疑为套用模板未更新",
            pl.col("shared"),
            pl.col("other_name").fill_null("?"),
            pl.when(more).then(pl.format("等 {} 个单位", pl.col("n_others"))).otherwise(pl.lit("")),
        )
        ev = pl.format(
            "与「{}」（{}）相同，如第 {} 行：「{}」",
            pl.col("other_name").fill_null("?"),
            pl.col("other_path"),
            pl.col("line"),
            pl.col("text"),
        )
        stated = pl.format("{} 段相同", pl.col("shared"))
        expected = pl.lit("本单位自己的文字")
    best = best.with_columns(part=pl.format("{} 段含数字的文字", pl.col("shared")) if lang != "en" else stated)
    out = best.with_columns(message=msg, evidence=ev, stated=stated, expected=expected)
    return _finish(out, "CPY002", lang)


def _pairs(units: pl.DataFrame, keys: pl.DataFrame, max_holders: int) -> pl.DataFrame:
    """unit_id, other_id, key, line, page, text (the unit's), other_name, other_path,
    unit_name, source_path: every pair of units of different names holding a key that
    2..max_holders units hold (rarer is evidence, commoner is template text)."""
    keyed = (
        keys.unique(["unit_id", "key"], keep="first", maintain_order=True)
        .join(units.select("unit_id", "unit_name", "source_path"), on="unit_id")
        .filter(pl.len().over("key").is_between(2, max_holders))
    )
    right = keyed.select("key", other_id="unit_id", other_name="unit_name", other_path="source_path")
    return keyed.join(right, on="key").filter(
        (pl.col("unit_id") != pl.col("other_id"))
        & (pl.col("unit_name").fill_null("\x00a") != pl.col("other_name").fill_null("\x00b"))
    )


def cpy003(units: pl.DataFrame, keys: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """Units printing another unit's full name where few others print it (a superior
    body that many units name, 县财政局, is not residue)."""
    names = units.filter(pl.col("unit_name").str.len_chars() >= 5).select(
        other_id="unit_id",
        other="unit_name",
        other_path="source_path",
        head=pl.col("unit_name").str.slice(0, 5),
    )
    runs = keys.filter(pl.col("kind") == "name")
    if runs.height == 0 or names.height == 0:
        return _empty()
    # Where a name's first five characters are printed (pos, in bytes), found by one
    # Aho-Corasick pass over the runs: a row per run and character took 500 MiB at
    # 100,000 units.
    as_bytes = pl.col("key").cast(pl.Binary)
    found = (
        runs.with_columns(pos=pl.col("key").str.find_many(names["head"].unique().to_list(), overlapping=True))
        .explode("pos")
        .drop_nulls("pos")
        .with_columns(rest=as_bytes.bin.slice(pl.col("pos")).cast(pl.String))
        .with_columns(head=pl.col("rest").str.slice(0, 5))
        .join(names, on="head")
        .filter(pl.col("rest").str.starts_with(pl.col("other")))
        # the longest name printed at a place (教育局机关幼儿园, not 教育局)
        .sort(pl.col("other").str.len_chars(), "other_id", descending=[True, False])
        .unique(["unit_id", "key", "pos"], keep="first", maintain_order=True)
        .join(units.select("unit_id", "unit_name", "source_path"), on="unit_id")
        .with_columns(before=as_bytes.bin.head(pl.col("pos")).cast(pl.String).str.tail(4))
        .filter(
            (pl.col("unit_id") != pl.col("other_id"))
            & ~pl.col("unit_name").fill_null("").str.contains(pl.col("other"), literal=True)
            & ~pl.col("other").str.contains(pl.col("unit_name").fill_null("\x00"), literal=True)
        )
    )
    # How many units print the name (itself aside): a body many name is a superior one.
    # Mentions by role (经…审核, 接受…领导) aside, as they say nothing of the template.
    found = found.filter(~pl.col("before").str.contains(NAMED_BY_ROLE))
    found = found.with_columns(holders=pl.col("unit_id").n_unique().over("other_id")).filter(
        pl.col("holders") <= MAX_NAME_HOLDERS
    )
    if found.height == 0:
        return _empty()
    # Ties broken by the run and place, so that the same files give the same quote every run.
    best = found.sort("unit_id", "other", "line", "key", "pos").unique(
        ["unit_id", "other_id"], keep="first", maintain_order=True
    )
    if lang == "en":
        msg = pl.format(
            "Prints the name of another unit, 「{}」 (line {}): its template copied and not updated?",
            pl.col("other"),
            pl.col("line"),
        )
        ev = pl.format(
            "「{}」; 「{}」 has its own disclosure: {}", pl.col("text"), pl.col("other"), pl.col("other_path")
        )
        part = pl.format("the name 「{}」", pl.col("other"))
        expected = pl.lit("the unit's own name")
    else:
        msg = pl.format(
            "说明中印有另一单位「{}」的名称（第 {} 行），疑为套用其模板未更新", pl.col("other"), pl.col("line")
        )
        ev = pl.format("「{}」；「{}」另有公开说明：{}", pl.col("text"), pl.col("other"), pl.col("other_path"))
        part = pl.format("印有「{}」的名称", pl.col("other"))
        expected = pl.lit("本单位名称")
    out = best.with_columns(message=msg, evidence=ev, stated=pl.col("other"), expected=expected, part=part)
    return _finish(out, "CPY003", lang)


def cpy004(units: pl.DataFrame, keys: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """Units with a whole table (MIN_TABLE_FIGURES amounts or more) identical to another
    unit's."""
    pairs = _pairs(units, keys.filter(pl.col("kind") == "table"), MAX_HOLDERS)
    if pairs.height == 0:
        return _empty()
    best = (
        pairs.sort("unit_id", "other_name", "other_path", "line", nulls_last=True)
        .group_by("unit_id", "other_id", maintain_order=True)
        .agg(
            pl.all().first(),
            tables=pl.col("text").str.split(" ").list.first(),
            n_tables=pl.len(),
        )
        .with_columns(tables=pl.col("tables").list.unique(maintain_order=True).list.join("、"))
    )
    if lang == "en":
        msg = pl.format(
            "{} ({}) {} those of 「{}」 figure for figure: its tables copied?",
            _plural(pl.col("n_tables"), "table"),
            pl.col("tables").str.replace_all("、", ", "),
            pl.when(pl.col("n_tables") == 1).then(pl.lit("repeats")).otherwise(pl.lit("repeat")),
            pl.col("other_name").fill_null("?"),
        )
        ev = pl.format(
            "same amounts as in 「{}」 ({}), e.g. line {}: {}",
            pl.col("other_name").fill_null("?"),
            pl.col("other_path"),
            pl.col("line"),
            pl.col("text"),
        )
        part = pl.format(
            "{} {}",
            pl.when(pl.col("n_tables") == 1).then(pl.lit("table")).otherwise(pl.lit("tables")),
            pl.col("tables").str.replace_all("、", ", "),
        )
        expected = pl.lit("the unit's own figures")
    else:
        msg = pl.format(
            "{} 张表（{}）的数字与「{}」的报表逐项相同，疑为复制其报表",
            pl.col("n_tables"),
            pl.col("tables"),
            pl.col("other_name").fill_null("?"),
        )
        ev = pl.format(
            "与「{}」（{}）数字相同，如第 {} 行：{}",
            pl.col("other_name").fill_null("?"),
            pl.col("other_path"),
            pl.col("line"),
            pl.col("text"),
        )
        part = pl.format("{}", pl.col("tables"))
        expected = pl.lit("本单位自己的数字")
    out = best.with_columns(
        message=msg,
        evidence=ev,
        stated=pl.col("tables").str.replace_all("、", ", ") if lang == "en" else pl.col("tables"),
        expected=expected,
        part=part,
    )
    return _finish(out, "CPY004", lang)


def cpy005(units: pl.DataFrame, keys: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """Units sharing with one other unit sentences that few units print, the same once
    each unit's own name is taken out, figures and all, whose amounts together carry
    MIN_SENTENCE_DIGITS significant digits or more (datasets.copykeys, kind sentence)."""
    # The same wording with other figures typed in is not evidence: measured on a
    # generated corpus, units filling one county template share rare wording as often
    # as a copy and its source do.
    pairs = _pairs(units, keys.filter(pl.col("kind") == "sentence"), MAX_HOLDERS)
    if pairs.height == 0:
        return _empty()
    amounts = pl.col("key").str.split(" ").list.last().str.split(";")
    amount = pl.col("amount").unique()
    digits = amount.str.replace_all(r"\.", "").str.strip_chars("0").str.len_chars().sum()
    best = (
        pairs.with_columns(amount=amounts)
        .explode("amount")
        .sort("unit_id", "other_id", "line", "key", "amount")
        .group_by("unit_id", "other_id", maintain_order=True)
        .agg(pl.all().exclude("amount").first(), n=pl.col("key").n_unique(), digits=digits)
        # Several sentences alike, wording and all, need fewer digits than one.
        .filter(
            (pl.col("digits") >= MIN_SENTENCE_DIGITS)
            | ((pl.col("n") >= 2) & (pl.col("digits") >= MIN_SENTENCES_DIGITS))
        )
    )
    if best.height == 0:
        return _empty()
    if lang == "en":
        msg = pl.format(
            "{} with amounts {} word for word as in 「{}」 once the units' names are taken out: its text copied?",
            _plural(pl.col("n"), "sentence"),
            pl.when(pl.col("n") == 1).then(pl.lit("reads")).otherwise(pl.lit("read")),
            pl.col("other_name").fill_null("?"),
        )
        ev = pl.format(
            "as in 「{}」 ({}), line {}: 「{}」",
            pl.col("other_name").fill_null("?"),
            pl.col("other_path"),
            pl.col("line"),
            pl.col("text"),
        )
        part = pl.format("{} with amounts", _plural(pl.col("n"), "sentence"))
        expected = pl.lit("the unit's own text")
    else:
        msg = pl.format(
            "有 {} 句含金额的文字去掉单位名称后与「{}」的说明逐字相同，疑为复制其文字",
            pl.col("n"),
            pl.col("other_name").fill_null("?"),
        )
        ev = pl.format(
            "与「{}」（{}）相同，如第 {} 行：「{}」",
            pl.col("other_name").fill_null("?"),
            pl.col("other_path"),
            pl.col("line"),
            pl.col("text"),
        )
        part = pl.format("{} 句含金额的文字", pl.col("n"))
        expected = pl.lit("本单位自己的文字")
    out = best.with_columns(message=msg, evidence=ev, stated=part, expected=expected, part=part)
    return _finish(out, "CPY005", lang)


def one_per_pair(findings: pl.DataFrame, lang: str = "zh") -> pl.DataFrame:
    """One finding per unit and other unit: the strongest rule's (PRIORITY), its message
    naming the other parts that match too."""
    if findings.height == 0:
        return findings.select(list(FINDING_COLUMNS))
    order = {r: i for i, r in enumerate(PRIORITY)}
    also = "; also the same: " if lang == "en" else "；相同的还有："
    sep = ", " if lang == "en" else "、"
    merged = (
        findings.with_columns(prio=pl.col("rule").replace_strict(order, default=len(order)))
        .sort("unit_id", "other_path", "prio", nulls_last=True)
        .group_by("unit_id", "other_path", maintain_order=True)
        .agg(pl.all().exclude("part").first(), parts=pl.col("part").slice(1))
        .with_columns(
            message=pl.when(pl.col("parts").list.len() > 0)
            .then(pl.concat_str([pl.col("message"), pl.lit(also), pl.col("parts").list.join(sep)]))
            .otherwise(pl.col("message"))
        )
    )
    return merged.select(list(FINDING_COLUMNS))


def copy_findings(frames: dict[str, pl.DataFrame], lang: str = "zh") -> pl.DataFrame:
    """CPY findings (findings columns + title, fingerprint)."""
    return copies_from_keys(frames["units"], figure_vectors(frames), copy_keys(frames), lang)


def _compacted(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its string columns copied into buffers of their own. A filter keeps
    views into every buffer its input was read into: the few rows kept of a large Parquet
    read would hold all of its text (copy keys at 100,000 units: 155 MiB kept, 640 held)."""
    strings = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(pl.concat_str(pl.col(c), pl.lit("")).alias(c) for c in strings)


def _cohorts(units: pl.DataFrame) -> pl.DataFrame:
    """unit_id, cohort: each unit's year and kind (预算/决算). Paragraphs, tables and
    sentences pair only units of one year and kind. Across years and kinds the same short
    sentence and its figures recur by chance (10,000 units x 4 years with 决算: 308 clean
    决算 paired with other years' 决算 by one 培训费 sentence), and a unit's other years
    are XYR's, not copies. A frame to join, not a mapping to replace by: replace_strict
    with a province's units, in a streaming query, builds its table again for every batch."""
    year = pl.col("year").cast(pl.String) if "year" in units.columns else pl.lit(None, pl.String)
    kind = pl.col("doc_kind") if "doc_kind" in units.columns else pl.lit(None, pl.String)
    return units.select("unit_id", cohort=pl.concat_str(year.fill_null("?"), pl.lit("|"), kind.fill_null("budget")))


def pairable(keys: pl.LazyFrame, units: pl.DataFrame) -> pl.DataFrame:
    """The rows of the per-unit keys (copy_keys) that copies_from_keys can use: every run
    of names (CPY003 matches them against the units' names) and the figure paragraphs,
    tables and sentences whose key 2..MAX_HOLDERS readable units hold, as CPY002, CPY004
    and CPY005 count them. A key one unit alone holds, or a template's that hundreds
    print, pairs no one: at 20,000 units three rows in four, read from disk and dropped.
    Every pass filters as it reads (streaming): a province's keys would take gigabytes.
    Paragraphs are counted as paragraph_keys keeps them, those that show a figure."""
    if "kind" not in keys.collect_schema().names():  # paragraphs, not yet kept to those with figures
        keys = keys.with_columns(kind=pl.lit("paragraph")).filter(pl.col("text").str.contains(FIGURE_PATTERN))
    readable = units.filter(pl.col("parse_status") != "failed") if "parse_status" in units.columns else units
    counted = pl.col("kind").is_in(["table", "sentence"]) | (
        (pl.col("kind") == "paragraph") & pl.col("text").str.contains(FIGURE_PATTERN)
    )
    # Counted on 64-bit hashes of (cohort, kind, key) and unit_id: strings would take three
    # times the memory. Two keys or two units alike by chance (one in a million at 100,000
    # units) would only miscount one key. The per-unit keys (paragraph_keys) hold figure
    # paragraphs only, so keys are counted without reading the text.
    pair = pl.concat_str("cohort", "kind", "key", separator="\x1f").hash()
    rows = (
        keys.filter(pl.col("kind") != "name")
        .join(_cohorts(readable).lazy(), on="unit_id")
        .select(pair.alias("pair"), unit=pl.col("unit_id").hash())
        .collect(engine="streaming")
        .sort("pair", "unit")
    )
    # Sorted, a key's distinct units are counted as runs, with no hash table (the distinct
    # (key, unit) of every row took 700 MiB at 100,000 units, and a second read of the keys).
    first = (pl.col("pair") != pl.col("pair").shift()) | (pl.col("unit") != pl.col("unit").shift())
    runs = rows.filter(first.fill_null(True))["pair"].rle().struct.unnest()
    del rows
    held = runs.filter(pl.col("len").is_between(2, MAX_HOLDERS))["value"]
    kept = (
        keys.join(_cohorts(units).lazy(), on="unit_id", how="left", maintain_order="left")
        .filter((pl.col("kind") == "name") | pair.is_in(held.implode()))
        .drop("cohort")
        .collect(engine="streaming")
    )
    # Whether a paragraph shows a figure, asked of the rows kept only (one in seven).
    return _compacted(kept).filter((pl.col("kind") == "name") | counted)


def copies_from_keys(
    units: pl.DataFrame, vectors: pl.DataFrame, paragraphs: pl.DataFrame, lang: str = "zh"
) -> pl.DataFrame:
    """CPY findings from the per-unit keys (figure_vectors, copy_keys), which a
    batched run keeps instead of every unit's frames: one per unit and other unit."""
    units = units.filter(pl.col("parse_status") != "failed") if "parse_status" in units.columns else units
    units = units.with_columns(pl.col("unit_name").str.replace_all(r"\s+", ""))
    if "kind" not in paragraphs.columns:
        paragraphs = paragraphs.with_columns(kind=pl.lit("paragraph"))
    # A cohort ahead of the key (CPY005 reads the amounts at its end; names stay as they are).
    paragraphs = (
        paragraphs.join(_cohorts(units), on="unit_id", how="left", maintain_order="left")
        .with_columns(
            key=pl.when(pl.col("kind") == "name")
            .then(pl.col("key"))
            .otherwise(pl.concat_str(pl.col("cohort").fill_null("?|budget"), pl.col("key"), separator="\x1f"))
        )
        .drop("cohort")
    )
    found = pl.concat(
        [
            cpy001(units, vectors, lang),
            cpy002(units, paragraphs, lang),
            cpy003(units, paragraphs, lang),
            cpy004(units, paragraphs, lang),
            cpy005(units, paragraphs, lang),
        ]
    )
    return one_per_pair(found, lang).sort("unit_id", "rule")
