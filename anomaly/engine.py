"""The rule engine: a catalog of checks, run over all units at once.

A rule is a function from a :class:`Context` (the parsed frames plus shared derived
frames) to a :class:`Result`: the failing rows (one per finding) and the outcome of every
unit it could judge. The engine turns that into the contract's two frames:

* ``findings``: one row per finding (CONTRACT.md columns first, then ``title``,
  ``fingerprint`` and extras);
* ``coverage``: exactly one row per (unit, selected rule) with outcome ``pass``, ``fail``,
  ``not_applicable``, ``insufficient_data`` or ``error``.

A unit with a finding of the rule is ``fail``; otherwise it takes the outcome the rule
reported for it; a unit the rule did not mention is ``insufficient_data`` (the figures it
needs were not found). A failed parse is always ``insufficient_data``. A rule that raises
gives ``error`` for every unit and the run goes on.

Rules are registered with :func:`rule` in the modules of :mod:`anomaly.rules`; each
carries a bad and a good example (small disclosure texts run through the real parser),
from which ``tests/test_rules_examples.py`` is generated.
"""

from __future__ import annotations

import functools
import hashlib
import re
import textwrap
import traceback
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

FAMILIES = ("ARI", "XTB", "NAR", "YOY", "PCT", "UNT", "PLH", "CMP", "STF", "SAN", "PRF", "CPY", "OUT", "XYR", "EXE")
SEVERITIES = ("error", "warning", "info")
OUTCOMES = ("pass", "fail", "not_applicable", "insufficient_data", "error")

FINDING_COLUMNS = {
    "unit_id": pl.String,
    "source_path": pl.String,
    "rule": pl.String,
    "family": pl.String,
    "severity": pl.String,
    "message": pl.String,
    "evidence": pl.String,
    "line": pl.Int64,
    "page": pl.Int64,
    "stated": pl.String,
    "expected": pl.String,
    "title": pl.String,
    "fingerprint": pl.String,
    "place": pl.String,  # in a workbook: "sheet!row" of the evidence
}
COVERAGE_COLUMNS = {"unit_id": pl.String, "rule": pl.String, "outcome": pl.String}

# What a rule's check returns for its findings (messages in both languages).
HIT_COLUMNS = {
    "unit_id": pl.String,
    "line": pl.Int64,
    "evidence": pl.String,
    "stated": pl.String,
    "expected": pl.String,
    "message_zh": pl.String,
    "message_en": pl.String,
    "stated_en": pl.String,  # stated and expected are Chinese; these English (the same for quotes)
    "expected_en": pl.String,
}
STATUS_COLUMNS = {"unit_id": pl.String, "outcome": pl.String}


@dataclass
class Example:
    """A disclosure snippet the rule must flag (bad) or must not flag (good)."""

    text: str
    note: str = ""


@dataclass
class Rule:
    code: str
    severity: str
    title_zh: str
    title_en: str
    doc: str
    check: Callable[[Context], Result] | None  # None: metadata only (computed elsewhere)
    bad: Example | None = None
    good: Example | None = None

    @property
    def family(self) -> str:
        return self.code[:3]

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh


@dataclass
class Result:
    hits: list[dict] = field(default_factory=list)  # rows with HIT_COLUMNS keys
    status: pl.DataFrame | None = None  # unit_id, outcome for units judged (not failing)


_REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    severity: str,
    title_zh: str,
    title_en: str,
    bad: str | Example | None = None,
    good: str | Example | None = None,
    metadata_only: bool = False,
):
    """Register a check. The decorated function's docstring is the rule's documentation."""
    assert re.fullmatch(r"[A-Z]{3}\d{3}", code) and code[:3] in FAMILIES, code
    assert severity in SEVERITIES, severity

    def wrap(fn: Callable[[Context], Result]):
        # Once per context: rules read each other's results (NAR012 leaves to NAR002 to
        # NAR004 what they flag), and the engine runs those rules too.
        @functools.wraps(fn)
        def check(ctx: Context) -> Result:
            return ctx.cached(f"rule {code}", lambda: fn(ctx))

        doc = textwrap.dedent(fn.__doc__ or "").strip()
        if fn.__doc__ and "\n" in fn.__doc__:
            first, _, rest = fn.__doc__.partition("\n")
            doc = (first.strip() + "\n" + textwrap.dedent(rest)).strip()
        _REGISTRY[code] = Rule(
            code,
            severity,
            title_zh,
            title_en,
            doc,
            None if metadata_only else check,
            Example(bad) if isinstance(bad, str) else bad,
            Example(good) if isinstance(good, str) else good,
        )
        return check

    return wrap


def _load() -> None:
    import anomaly.rules  # noqa: F401  (registers the rules)


def catalog() -> list[Rule]:
    """Every rule, checks and metadata-only entries, sorted by code."""
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get(code: str) -> Rule:
    _load()
    return _REGISTRY[code.upper()]


def selected(select: list[str] | None = None, ignore: list[str] | None = None) -> list[Rule]:
    """Rules matching `select` (codes or family prefixes; all when None) minus `ignore`."""

    def norm(xs):
        return [x.strip().upper() for x in (xs or []) for x in x.split(",") if x.strip()]

    sel, ign = norm(select), norm(ignore)
    out = []
    for r in catalog():
        if sel and not any(r.code.startswith(s) for s in sel):
            continue
        if any(r.code.startswith(s) for s in ign):
            continue
        out.append(r)
    return out


def unknown(codes: list[str] | None) -> list[str]:
    """The codes that name no rule, as code or family prefix (a typo: PTC for PCT)."""
    known = [r.code for r in catalog()]
    return [c for c in codes or [] if not any(k.startswith(c.strip().upper()) for k in known)]


def _chinese(paragraph: str) -> bool:
    """Whether a paragraph is written in Chinese (English ones quote a few Chinese words)."""
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in paragraph)
    return cjk > sum(ch.isascii() and ch.isalpha() for ch in paragraph)


def explanation(rule: Rule, lang: str = "zh") -> str:
    """The rule's documentation in one language: its docstring's Chinese paragraphs (what
    it checks; 查什么, 为什么重要) for zh, its English ones for en."""
    paragraphs = [p.strip() for p in rule.doc.split("\n\n") if p.strip()]
    mine = [p for p in paragraphs if _chinese(p) == (lang == "zh")] or paragraphs
    # A paragraph on one line (the page and the sheet wrap it): Chinese lines join as they are.
    return "\n\n".join(" ".join(p.split()) if lang == "en" else "".join(p.splitlines()) for p in mine)


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def describe(code: str, lang: str = "zh") -> str:
    """The rule's documentation with its bad and good examples, as plain text."""
    r = get(code)
    if lang == "zh":
        head = f"{r.code} [{SEVERITY_ZH[r.severity]}] {r.title_zh}"
    else:
        head = f"{r.code} [{r.severity}] {r.title_en}"
    parts = [head, "=" * min(len(head) * 2, 78), "", explanation(r, lang)]
    if r.check is None and lang == "zh":  # the English paragraphs say so themselves
        parts += ["", "（在所有单位读完后，由同类比较或跨单位比对得出，不是逐份文件的检查）"]
    for ex, zh, en in ((r.bad, "会被标记的例子", "Flagged example"), (r.good, "不会被标记的例子", "Passing example")):
        if ex is None:
            continue
        parts += [
            "",
            (zh if lang == "zh" else en)
            + (f"（{ex.note}）" if ex.note and lang == "zh" else f" ({ex.note})" if ex.note else "")
            + ("：" if lang == "zh" else ":"),
            "",
        ]
        parts += ["    " + line for line in ex.text.strip("\n").splitlines()]
    return "\n".join(parts) + "\n"


class Context:
    """The frames, plus derived frames shared between rules (computed once, on demand)."""

    def __init__(self, frames: dict[str, pl.DataFrame]):
        from datasets import frames as schemas

        self.frames = {
            k: frames.get(k, schemas.empty(k)) if frames.get(k) is not None else schemas.empty(k)
            for k in schemas.SCHEMAS
        }
        units = self.frames["units"]
        self.units = units
        ok = units.filter(pl.col("parse_status") != "failed") if "parse_status" in units.columns else units
        self.unit_ids = ok["unit_id"]
        self._cache: dict[str, object] = {}

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    def cached(self, key: str, build: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def status(self, unit_ids, outcome: str) -> pl.DataFrame:
        ids = unit_ids if isinstance(unit_ids, pl.Series) else pl.Series(list(unit_ids), dtype=pl.String)
        return pl.DataFrame({"unit_id": ids.cast(pl.String).unique(), "outcome": outcome}, schema=STATUS_COLUMNS)


def statuses(*parts: pl.DataFrame | None) -> pl.DataFrame:
    """Concatenate status frames; for a unit listed more than once, pass beats
    not_applicable beats insufficient_data."""
    frames = [p.select(list(STATUS_COLUMNS)).cast(STATUS_COLUMNS) for p in parts if p is not None and p.height]
    if not frames:
        return pl.DataFrame(schema=STATUS_COLUMNS)
    rank = {"pass": 0, "not_applicable": 1, "insufficient_data": 2}
    df = pl.concat(frames).with_columns(
        pl.col("outcome").replace_strict(rank, default=3, return_dtype=pl.Int64).alias("_r")
    )
    return df.sort("_r").unique("unit_id", keep="first").drop("_r")


_WS = re.compile(r"\s+")


def file_name(column: str) -> pl.Expr:
    """A path's last part: what a cross-document finding's fingerprint names a file by, so
    that analysts' decisions hold when the same files are named by another path (relative
    or absolute, a share mounted elsewhere, a cluster's workers)."""
    return pl.col(column).str.replace(r"^.*[/\\]", "")


def fingerprint(code: str, evidence: str | None, stated: str | None, expected: str | None) -> str:
    """Stable across runs and re-flowed text: rule, whitespace-free evidence, stated, expected."""
    key = "\x1f".join([code, _WS.sub("", evidence or ""), stated or "", expected or ""])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def run_rules(
    frames: dict[str, pl.DataFrame], select: list[str] | None = None, ignore: list[str] | None = None, lang: str = "zh"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Run the selected checks over every unit. Returns (findings, coverage)."""
    ctx = Context(frames)
    units = ctx.units
    all_ids = units["unit_id"].cast(pl.String)
    paths = (
        dict(zip(units["unit_id"].to_list(), units["source_path"].to_list())) if "source_path" in units.columns else {}
    )
    # A failed parse with nothing extracted is insufficient data for every rule, even
    # for rules that judge "nothing found" as a pass (placeholders, templates).
    have = pl.concat([ctx[k].select("unit_id") for k in ("claims", "cells", "toc")]).unique()["unit_id"]
    failed = units.filter(pl.col("parse_status") == "failed") if "parse_status" in units.columns else units.clear()
    no_data = failed.filter(~pl.col("unit_id").is_in(have.implode()))["unit_id"].cast(pl.String)
    finding_rows: list[dict] = []
    coverage_parts: list[pl.DataFrame] = []
    page_of = _page_locator(ctx["pages"])
    places = {(u, line): place for u, line, place in ctx["places"].iter_rows()}
    for r in selected(select, ignore):
        if r.check is None:
            continue
        try:
            res = r.check(ctx)
            hits = [h for h in res.hits if h.get("unit_id") is not None]
            status = statuses(res.status)
        except Exception:  # a broken rule must not stop the run
            detail = traceback.format_exc(limit=3)
            coverage_parts.append(
                pl.DataFrame({"unit_id": all_ids, "rule": r.code, "outcome": "error"}, schema=COVERAGE_COLUMNS)
            )
            import warnings

            warnings.warn(f"rule {r.code} raised: {detail}", RuntimeWarning, stacklevel=1)
            continue
        failing = {h["unit_id"] for h in hits}
        for h in hits:
            msg = h.get("message_en") if lang == "en" else h.get("message_zh")
            # The fingerprint is taken from the Chinese texts, so that analysts' decisions
            # hold whatever language a run is in.
            stated, expected = h.get("stated"), h.get("expected")
            if lang == "en":
                stated, expected = h.get("stated_en", stated), h.get("expected_en", expected)
            finding_rows.append(
                {
                    "unit_id": h["unit_id"],
                    "source_path": paths.get(h["unit_id"]),
                    "rule": r.code,
                    "family": r.family,
                    "severity": h.get("severity") or r.severity,
                    "message": msg,
                    "evidence": h.get("evidence"),
                    "line": h.get("line"),
                    "page": page_of(h["unit_id"], h.get("line")),
                    "place": places.get((h["unit_id"], h.get("line"))),
                    "stated": stated,
                    "expected": expected,
                    "title": r.title(lang),
                    "fingerprint": fingerprint(r.code, h.get("evidence"), h.get("stated"), h.get("expected")),
                }
            )
        cov = (
            pl.DataFrame({"unit_id": all_ids}, schema={"unit_id": pl.String})
            .join(status, on="unit_id", how="left")
            .with_columns(
                pl.when(pl.col("unit_id").is_in(pl.Series(sorted(failing), dtype=pl.String).implode()))
                .then(pl.lit("fail"))
                .otherwise(pl.col("outcome").fill_null("insufficient_data"))
                .alias("outcome"),
                pl.lit(r.code).alias("rule"),
            )
        )
        if no_data.len():
            cov = cov.with_columns(
                pl.when(pl.col("unit_id").is_in(no_data.implode()) & (pl.col("outcome") != "fail"))
                .then(pl.lit("insufficient_data"))
                .otherwise(pl.col("outcome"))
                .alias("outcome")
            )
        coverage_parts.append(cov.select(list(COVERAGE_COLUMNS)))
    findings = (
        pl.DataFrame(finding_rows, schema=FINDING_COLUMNS) if finding_rows else pl.DataFrame(schema=FINDING_COLUMNS)
    )
    if findings.height:
        # A total order: a rule's findings on one line (XTB002 names several items) come
        # from joins in an order that varies from run to run and between processes.
        findings = findings.sort(["unit_id", "line", "rule", "fingerprint", "message"], nulls_last=True)
        # The same statement printed again (a paragraph repeated, a text pasted twice) is
        # one lead, not one per copy: its first place is kept. Triage keys by the
        # fingerprint, so the copies could not be told apart anyway.
        findings = findings.unique(["unit_id", "fingerprint"], keep="first", maintain_order=True)
    coverage = pl.concat(coverage_parts) if coverage_parts else pl.DataFrame(schema=COVERAGE_COLUMNS)
    return findings, coverage


def _page_locator(pages: pl.DataFrame) -> Callable[[str, int | None], int | None]:
    """(unit_id, line) -> the page the line is on, for paged inputs; None otherwise."""
    firsts: dict[str, tuple[list[int], list[int]]] = {}
    for uid, group in pages.sort("unit_id", "first_line").group_by("unit_id", maintain_order=True):
        firsts[uid[0]] = (group["first_line"].to_list(), group["page"].to_list())

    def page_of(unit_id: str, line: int | None) -> int | None:
        if line is None or unit_id not in firsts:
            return None
        lines, numbers = firsts[unit_id]
        k = bisect_right(lines, line) - 1
        return numbers[k] if k >= 0 else None

    return page_of


def frames_from_text(text: str, unit_id: str = "example", source_path: str = "<example>") -> dict[str, pl.DataFrame]:
    """Frames for one disclosure text, through the real parser (for examples and tests)."""
    from datasets.corpus import collect
    from datasets.parse import parse_text

    doc = parse_text(text)
    doc["unit"].update(unit_id=unit_id, source_path=source_path, encoding="utf-8")
    return collect([doc])
