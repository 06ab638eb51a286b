"""report.html: one self-contained page (inline CSS, JS and SVG; no network).

The data is embedded once, as JSON in a ``<script type="application/json">``
block, and the page renders the ranked list (paged) and one unit at a time on
demand, so a run of 10,000 units stays a file of a few MB that opens quickly.
``#unit=<unit_id>`` in the address opens that unit directly.

Findings on PDF pages link to the source file at that page (``…pdf#page=N``, relative
to the report's folder), and the top leads' findings carry a small picture of the
evidence on its page (reports.evidence), made here from the source files.

Disclosure text is untrusted: in the JSON ``<``, ``>`` and ``&`` are written as
``\\u003c`` etc. so nothing can close the script block, and the script renders
every data string with ``textContent``.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import polars as pl

from anomaly.engine import describe
from datasets.read.sources import is_url
from features.labels import FEATURE_INFO
from features.labels import label as feature_label
from features.peers import KIND_LABELS, LEVELS, kind_expr
from reports.evidence import report_crops
from reports.files import write_atomic
from reports.i18n import COLUMNS, FAMILIES, STRINGS, in_language, lang_of, t
from reports.model import (
    COVERAGE_COLUMNS,
    FEATURES_COLUMNS,
    FILE_NAME,
    FINDINGS_COLUMNS,
    OUTCOMES,
    RANKING_COLUMNS,
    SEVERITIES,
    UNITS_COLUMNS,
    ReportInput,
    conform,
)
from reports.source_cache import reuse
from reports.source_lines import EXCERPT_UNITS, excerpts

TOP_FEATURES = 4  # charts per unit
# The county (or district) a unit belongs to, read from the start of its name: 清河县财政局.
COUNTY = r"^((?:[^省市县区旗]{1,7}省)?(?:[^省市县区旗]{1,7}市)?[^省市县区旗]{1,7}?(?:自治县|县|区|旗|市))"
# A path in a CPY finding's evidence names the other unit's file.
_OTHER_PATH = r"([^\s「」（）()：:；;，,]+\.(?:txt|md|pdf|xlsx|xls|html|htm|docx))"
DIST_POINTS = 41  # peer values kept per (peer group, feature): all of them, or this many quantiles
FIGURE_COLUMNS = [
    "total_budget_yuan",
    "staff_authorized",
    "staff_actual",
    "retirees",
    "vehicles",
    "sangong_total_yuan",
    "sangong_prior_yuan",
]
# The page reaches nothing outside itself (`anomaly serve` widens this to its own origin).
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
_SEV_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
CROP_UNITS = 20  # the top-ranked units whose findings get a picture of the evidence
CROPS_PER_UNIT = 5  # at most, in the order the unit's findings are shown (errors first)
# In a link, every ASCII character that is not plainly part of a path is %-encoded (so no
# part of a file name reads as a scheme, query or fragment), as are control and space
# characters; other letters (Chinese) stay as they are, which browsers accept.
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9/._~\-\u00a1-\U0010ffff]|[\u2028\u2029\u3000\ufeff]")


def write_html(path: Path, run: ReportInput, crop_units: int = CROP_UNITS) -> None:
    """Write the self-contained report page for ``run`` to ``path`` (atomically), a
    piece at a time: a province's page is a hundred megabytes and more."""
    pieces = page_pieces(run, base=Path(path).parent, crop_units=crop_units)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.writelines(pieces)

    write_atomic(Path(path), write)


def render_html(run: ReportInput, base: Path | None = None, crop_units: int = CROP_UNITS) -> str:
    """The page as a string; links to source files are relative to ``base`` (default: here)."""
    return "".join(page_pieces(run, base=base, crop_units=crop_units))


def page_pieces(run: ReportInput, base: Path | None = None, crop_units: int = CROP_UNITS) -> Iterator[str]:
    """The page in pieces that add up to it: the data a slice of rows at a time."""
    lang = lang_of(run.lang)
    css = _asset("report.css")
    js = _asset("report.js")
    data = payload_frames(run, base=base, crop_units=crop_units)
    meta = run.manifest or {}
    generated = t(
        lang,
        "generated",
        started_at=meta.get("started_at", "—"),
        elapsed_s=meta.get("elapsed_s", "—"),
        version=meta.get("version", "—"),
    )
    # The page shows the start time in the reader's time zone (the script fills it in).
    template = t(
        lang,
        "generated",
        started_at="{started_at}",
        elapsed_s=meta.get("elapsed_s", "—"),
        version=meta.get("version", "—"),
    )
    esc = html.escape
    yield f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{esc(t(lang, "title"))}</title>
<style>
{css}
</style>
</head>
<body>
<header class="top">
<h1>{esc(t(lang, "title"))}</h1>
<span class="meta" id="generated" data-template="{esc(template)}">{esc(generated)}</span>
<nav><a href="#start">{esc(t(lang, "start_here"))}</a><a href="#ranking">{esc(t(lang, "ranking"))}</a><a href="#overview">{esc(t(lang, "overview"))}</a><a href="#failed">{esc(t(lang, "failed_units"))}</a></nav>
</header>
<main id="app"><noscript>{esc(t(lang, "noscript"))}</noscript></main>
<script type="application/json" id="report-data">"""
    yield from json_pieces(data)
    yield f"""</script>
<script>
{js}
</script>
</body>
</html>
"""


def _asset(name: str) -> str:
    text = resources.files("reports").joinpath("assets", name).read_text(encoding="utf-8")
    assert "</script" not in text.lower(), name  # would end the inline block
    return text


def safe_json(data: object) -> str:
    """JSON that is safe inside a <script> block: no <, >, & or line separators in clear."""
    return _script_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


# What a <script> block must not hold in clear, and its JSON escape.
_UNSAFE = {"&": "\\u0026", "<": "\\u003c", ">": "\\u003e", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _script_safe(text: str) -> str:
    for char, escaped in _UNSAFE.items():
        text = text.replace(char, escaped)
    return text


ROWS_AT_ONCE = 2000  # list items serialised together (json_pieces)


def json_pieces(data: object, at_once: int = ROWS_AT_ONCE) -> Iterator[str]:
    """safe_json(data) in pieces that add up to it: dictionaries a key at a time, long
    lists `at_once` items at a time and frames as lists of their rows, `at_once` rows at
    a time, so that no piece holds a province."""
    if isinstance(data, dict):
        yield "{"
        for i, (key, value) in enumerate(data.items()):
            # JSON's keys are strings: json.dumps turns 2024 into "2024", True into "true".
            name = key if isinstance(key, str) else json.dumps(key)
            yield ("," if i else "") + safe_json(name) + ":"
            yield from json_pieces(value, at_once)
        yield "}"
    elif isinstance(data, pl.DataFrame):
        # Escaped and joined by polars: row by row in Python, a province's findings took 0.5 s.
        rows = json_rows(data).str.replace_many(list(_UNSAFE), list(_UNSAFE.values()))
        yield "["
        for k in range(0, len(rows), at_once):
            yield ("," if k else "") + rows.slice(k, at_once).str.join(",").item()
        yield "]"
    elif isinstance(data, list) and len(data) > at_once:
        yield "["
        for k in range(0, len(data), at_once):
            yield ("," if k else "") + safe_json(data[k : k + at_once])[1:-1]
        yield "]"
    else:
        yield safe_json(data)


def json_rows(frame: pl.DataFrame) -> pl.Series:
    """Each row of ``frame`` as a JSON array, written by polars (serde_json; JSON.parse reads
    the values json.dumps writes, though small and large floats are spelled otherwise:
    1e-5, not 1e-05): a province's rows took seconds in Python."""
    cells = [
        pl.struct(pl.col(c).alias("v")).struct.json_encode().str.slice(5).str.strip_suffix("}") for c in frame.columns
    ]
    return frame.select(pl.concat_str([pl.lit("["), pl.concat_str(cells, separator=","), pl.lit("]")]))[:, 0]


def _shown(column: str, digits: int = 6) -> pl.Expr:
    """A float column as the page shows it: NaN/inf as null (JSON has neither), cut to
    ``digits`` significant digits."""
    return pl.when(pl.col(column).is_finite()).then(pl.col(column).round_sig_figs(digits)).otherwise(None)


def _clean_floats(frame: pl.DataFrame, digits: int = 6) -> pl.DataFrame:
    """``frame`` with every float column as shown (_shown)."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    if not floats:
        return frame
    return frame.with_columns(_shown(c, digits).alias(c) for c in floats)


def source_href(path: str | None, base: Path | None = None) -> str | None:
    """A link from the report's folder ``base`` to the source file ``path`` (as found from
    the current folder): relative, so the outputs and the inputs can move together, and
    escaped so that the path stays a path."""
    if not path:
        return None
    if is_url(path):  # in object storage or on the web: the URL itself (a browser opens http(s) ones)
        return path if path.lower().startswith(("http://", "https://")) else None
    target = os.path.abspath(path)
    try:
        rel = os.path.relpath(target, os.path.abspath(base or "."))
    except ValueError:  # on another drive (Windows): only an absolute file: URL reaches it
        return "file:///" + _URL_UNSAFE.sub(_percent, target.replace(os.sep, "/").lstrip("/"))
    return "./" + _URL_UNSAFE.sub(_percent, rel.replace(os.sep, "/"))


def _percent(m: re.Match) -> str:
    return "".join(f"%{b:02X}" for b in m.group().encode("utf-8"))


def _crops(
    f: pl.DataFrame, crop_units: int, cache: Path | None = None, hashes: dict[str, str] | None = None
) -> dict[str, str]:
    """Pictures of the evidence for the findings of the top ``crop_units`` units that sit on
    a PDF page: {row index in ``f``: PNG data URI}. A file that cannot be read gives none.
    ``cache``: where the pictures of earlier runs are kept (reports.source_cache), found by
    the files' ``hashes``."""
    if crop_units <= 0:
        return {}
    chosen = (
        f.with_row_index("_k")
        .filter((pl.col("uidx") < crop_units) & pl.col("page").is_not_null())
        .filter(pl.int_range(pl.len()).over("uidx") < CROPS_PER_UNIT)
    )
    uris = reuse(
        cache, "crops", chosen.select("source_path", "page", "evidence", "stated").rows(), report_crops, hashes
    )
    return {str(k): uri for k, uri in zip(chosen["_k"], uris) if uri}


def build_payload(run: ReportInput, base: Path | None = None, crop_units: int = CROP_UNITS) -> dict:
    """Everything the page shows, as compact JSON-ready lists (rows as arrays)."""
    return _as_lists(payload_frames(run, base=base, crop_units=crop_units))


def _as_lists(data: object) -> object:
    if isinstance(data, dict):
        return {k: _as_lists(v) for k, v in data.items()}
    return data.rows() if isinstance(data, pl.DataFrame) else data


def payload_frames(run: ReportInput, base: Path | None = None, crop_units: int = CROP_UNITS) -> dict:
    """build_payload with the long tables (units, findings, top features) as frames, whose
    rows json_pieces turns into arrays a slice at a time: as Python lists at once, a
    province's rows took a gigabyte."""
    lang = lang_of(run.lang)
    units_in = conform(run.units, UNITS_COLUMNS)
    findings = conform(run.findings, FINDINGS_COLUMNS)
    ranking = conform(run.ranking, RANKING_COLUMNS)
    coverage = conform(run.coverage, COVERAGE_COLUMNS)
    features = conform(run.features, FEATURES_COLUMNS)

    units = _unit_rows(units_in, findings, ranking, coverage, features)
    units = units.with_columns(
        _county(),
        _kind(units, run.peers, lang),
        in_language(pl.col("parse_error"), lang),
    )
    paged = set(findings.filter(pl.col("page").is_not_null())["unit_id"])
    units = units.with_columns(
        source_href=pl.Series(
            [source_href(p, base) if u in paged else None for u, p in units.select("unit_id", "source_path").rows()],
            dtype=pl.String,
        )
    )
    uidx = units.select("unit_id", pl.col("order").alias("uidx"))

    # Findings, grouped by unit in rank order, errors first within a unit.
    has_title = "title" in findings.columns
    f = (
        findings.join(uidx, on="unit_id", how="inner")
        .with_columns(
            sev_order=pl.col("severity").replace_strict(_SEV_ORDER, default=len(_SEV_ORDER), return_dtype=pl.Int64)
        )
        .sort(["uidx", "sev_order", "rule", "line"], nulls_last=True)
    )
    f_cols = ["uidx", "rule", "family", "severity", "message", "evidence", "line", "page", "stated", "expected"]
    if "place" not in f.columns:
        f = f.with_columns(place=pl.lit(None, pl.String))
    f_cols.append("place")
    # Triage and run-history columns, where the pipeline added them.
    extra = [
        pl.col(c) if c in f.columns else pl.lit(None, pl.String).alias(c)
        for c in ("finding_id", "triage", "triage_note", "triage_by", "triage_at")
    ]
    extra.append(pl.col("is_new") if "is_new" in f.columns else pl.lit(None, pl.Boolean).alias("is_new"))
    f = f.select(
        *f_cols, (pl.col("title") if has_title else pl.lit(None, pl.String)).alias("title"), *extra, "source_path"
    )
    f = f.with_columns(pl.col(c).cast(pl.String) for c in ("stated", "expected", "message", "evidence", "title"))
    # The files' hashes the run knows (a unit read from one file): the kept crops and
    # excerpts are found by them without reading the files again.
    hashes = (
        dict(
            units_in.filter(pl.col("source_files").list.len() == 1)
            .join(f.select("source_path").unique(), on="source_path", how="semi")
            .select("source_path", "content_sha1")
            .drop_nulls()
            .iter_rows()
        )
        if {"source_files", "content_sha1"} <= set(units_in.columns)
        else {}
    )
    crops = _crops(f, crop_units, run.source_cache, hashes)
    f = f.with_columns(other=_other_unit(f, units))
    excerpt_rows, f = _excerpts(f, run.excerpts, run.source_cache, hashes)
    # The file a finding's evidence is in, where a disclosure has several (说明 + 报表).
    f = f.with_columns(file=FILE_NAME).drop("source_path")

    feature_rows, feature_names, feature_kinds, dists = _feature_rows(features, uidx, run.peers, lang)
    years = _unit_years(run.units, uidx)

    # Counts leave out what analysts dismissed: the page shows their decisions.
    active = (
        findings.filter(pl.col("triage").is_null() | (pl.col("triage") != "dismissed"))
        if "triage" in findings.columns
        else findings
    )
    fam_counts = active.group_by("family").len().sort(["len", "family"], descending=[True, False])
    sev_counts = active.group_by("severity").len()
    cov_counts = coverage.group_by("outcome").len()
    status_counts = units.group_by("parse_status").len()
    meta = run.manifest or {}

    unit_cols = units.columns
    return {
        "lang": lang,
        "t": STRINGS[lang],
        "cols": COLUMNS[lang],
        "families": FAMILIES[lang],
        "feature_names": feature_names,
        "feature_kinds": feature_kinds,
        "figure_cols": FIGURE_COLUMNS,
        "started_at": meta.get("started_at"),
        "excerpt_units": EXCERPT_UNITS,
        "overview": {
            "units": units.height,
            "status": dict(status_counts.rows()),
            "findings": active.height,
            "dismissed": findings.height - active.height,
            "families": [list(r) for r in fam_counts.rows()],
            "severity": dict(sev_counts.rows()),
            "coverage": dict(cov_counts.rows()),
            "previous_run": (meta.get("changes") or {}).get("previous_run"),
        },
        "units": {"cols": unit_cols, "rows": _clean_floats(units)},
        "findings": {"cols": f.columns, "rows": f},
        "rules": _rule_docs(findings["rule"].unique().to_list(), lang),
        "excerpts": excerpt_rows,
        "crops": crops,
        "features": {"rows": feature_rows},
        "years": years,
        "dists": dists,
    }


def _unit_years(units: pl.DataFrame, uidx: pl.DataFrame) -> dict[int, list]:
    """uidx → the unit's disclosures over the years, budgets and finals, as rows
    [year, doc_kind, total, sangong, staff, uidx]; only for units with more than one."""
    if "unit_key" not in units.columns or "doc_kind" not in units.columns:
        return {}
    rows = (
        units.join(uidx, on="unit_id")
        .filter(pl.col("unit_key").is_not_null() & pl.col("year").is_not_null())
        .filter(pl.len().over("unit_key") > 1)
        .sort("unit_key", "year", "doc_kind")
        .select(
            "unit_key",
            "uidx",
            row=pl.concat_list(
                pl.col("year").cast(pl.Float64),
                pl.lit(None, pl.Float64),
                "total_budget_yuan",
                "sangong_total_yuan",
                pl.col("staff_actual").cast(pl.Float64),
                pl.col("uidx").cast(pl.Float64),
            ),
            kind="doc_kind",
        )
    )
    by_key: dict[str, list] = {}
    members: dict[str, list[int]] = {}
    for key, ix, row, kind in rows.iter_rows():
        row = [int(row[0]), kind, row[2], row[3], None if row[4] is None else int(row[4]), int(row[5])]
        by_key.setdefault(key, []).append(row)
        members.setdefault(key, []).append(ix)
    return {ix: by_key[key] for key, ixs in members.items() for ix in ixs}


def _county() -> pl.Expr:
    """The county or district at the start of the unit's name (清河县财政局 → 清河县)."""
    return pl.col("unit_name").str.extract(COUNTY, 1).alias("county")


def _kind(units: pl.DataFrame, peers: pl.DataFrame | None, lang: str) -> pl.Expr:
    """The kind of department (the peers' kind: 乡镇, 学校, 局委办…), from the scorer's
    peer levels where given, else read from the name the way the scorer reads it."""
    labels = {k: v[1] if lang == "en" else v[0] for k, v in KIND_LABELS.items()}
    kinds = kind_expr(pl.col("unit_name"))
    if peers is not None and "peer_kind" in peers.columns:
        given = dict(peers.select("unit_id", "peer_kind").unique("unit_id").rows())
        kinds = pl.col("unit_id").replace_strict(given, default=kinds, return_dtype=pl.String)
    return (
        pl.when(pl.col("unit_name").is_not_null())
        .then(kinds.replace_strict(labels, default=kinds, return_dtype=pl.String))
        .alias("kind")
    )


def _other_unit(f: pl.DataFrame, units: pl.DataFrame) -> pl.Expr:
    """For a CPY finding, the order (uidx) of the unit it names: by the file its evidence
    names, else by the other unit's name it states. For an XYR finding, last year's
    disclosure (EXE: the year's budget), by the file its expected text names."""
    paths = units.select(pl.col("source_path"), pl.col("order")).filter(pl.col("source_path").is_not_null())
    by_path = dict(paths.unique("source_path").rows())
    names = (
        units.filter(pl.col("unit_name").is_not_null()).group_by("unit_name").agg(pl.col("order").first(), n=pl.len())
    )
    by_name = dict(names.filter(pl.col("n") == 1).select("unit_name", "order").rows())
    cpy = pl.col("family") == "CPY"
    xyr = pl.col("family").is_in(["XYR", "EXE"])  # both name the other document in expected
    path = pl.when(xyr).then(pl.col("expected")).otherwise(pl.col("evidence")).str.extract(_OTHER_PATH, 1)
    found = pl.coalesce(
        path.replace_strict(by_path, default=None, return_dtype=pl.Int64),
        pl.col("stated").replace_strict(by_name, default=None, return_dtype=pl.Int64),
    )
    return pl.when((cpy | xyr) & (found != pl.col("uidx"))).then(found).alias("other")


def _excerpts(
    f: pl.DataFrame,
    kept: pl.DataFrame | pl.LazyFrame | None = None,
    cache: Path | None = None,
    hashes: dict[str, str] | None = None,
) -> tuple[list, pl.DataFrame]:
    """The source lines around the evidence of the top units' findings: (excerpts, ``f``
    with ``ex``, the index of its excerpt). Findings on the same line quoting the same
    figure share one. Taken from ``kept`` (the per-file stage's, datasets.excerpts) where
    it has them; the other findings' sources are read again (reports.source_lines), or
    taken from ``cache`` where an earlier run read them (reports.source_cache)."""
    on = ["source_path", "line", "stated"]
    wanted = (
        f.select(*on, "uidx")
        .filter((pl.col("uidx") < EXCERPT_UNITS) & pl.col("line").is_not_null())
        .unique(on, keep="first", maintain_order=True)
        .select(on)
    )
    keys = wanted.rows()
    held: dict[tuple, tuple[int, list[str]]] = {}
    if kept is not None and keys:
        rows = kept.lazy().join(wanted.lazy(), on=on, how="semi", nulls_equal=True).select(*on, "first", "lines")
        held = {(p, n, s): (first, lines) for p, n, s, first, lines in rows.collect(engine="streaming").iter_rows()}
    missing = [k for k in keys if k not in held]
    read_again = dict(zip(missing, reuse(cache, "excerpts", missing, excerpts, hashes)))
    got = [held.get(k) or read_again.get(k) for k in keys]
    kept_rows = [(k, e) for k, e in zip(keys, got) if e]
    index = pl.DataFrame(
        [(*k, i) for i, (k, _) in enumerate(kept_rows)],
        schema={"source_path": pl.String, "line": pl.Int64, "stated": pl.String, "ex": pl.Int64},
        orient="row",
    )
    f = f.join(index, on=on, how="left", maintain_order="left", nulls_equal=True)
    return [[e[0], list(e[1])] for _, e in kept_rows], f


def _rule_docs(codes: list[str], lang: str) -> dict[str, str]:
    """The catalog's explanation (`anomaly rules CODE`) of each rule in the findings."""
    docs = {}
    for code in sorted(c for c in codes if c):
        try:
            head, _, rest = describe(code, lang).partition("\n")
            docs[code] = head + "\n" + rest.partition("\n")[2].strip("\n")  # without the ==== underline
        except KeyError:  # a rule this version's catalog does not have
            continue
    return docs


def _unit_rows(units, findings, ranking, coverage, features) -> pl.DataFrame:
    """One row per unit (every unit seen anywhere), in rank order, with counts and coverage."""
    ids = pl.concat([units.select("unit_id"), ranking.select("unit_id"), findings.select("unit_id")]).unique(
        maintain_order=True
    )
    rank_cols = ranking.select(
        "unit_id",
        "rank",
        "score",
        "outlier_score",
        "errors",
        "warnings",
        "reasons",
        pl.col("unit_name").alias("_r_name"),
        pl.col("source_path").alias("_r_path"),
        *(["peer_group"] if "peer_group" in ranking.columns else []),
    ).unique("unit_id", keep="first")
    if "peer_group" not in rank_cols.columns:
        rank_cols = rank_cols.with_columns(peer_group=pl.lit(None, pl.String))
    u = units.select(
        *UNITS_COLUMNS,
        pl.col("doc_kind") if "doc_kind" in units.columns else pl.lit(None, pl.String).alias("doc_kind"),
        pl.col("peer_group").alias("_u_peer")
        if "peer_group" in units.columns
        else pl.lit(None, pl.String).alias("_u_peer"),
    ).unique("unit_id", keep="first")
    # Counts by the streaming engine and each unit's first peer group by a set of ids: at
    # 100,000 units (4.5 million coverage rows) the same group-bys in memory took +600 MiB.
    counts = (
        findings.lazy()
        .group_by("unit_id")
        .agg(
            _n_err=(pl.col("severity") == "error").sum().cast(pl.Int64),
            _n_warn=(pl.col("severity") == "warning").sum().cast(pl.Int64),
        )
        .collect(engine="streaming")
    )
    peers = (
        features.filter(pl.col("peer_group").is_not_null())
        .filter(pl.col("unit_id").is_first_distinct())
        .select("unit_id", _f_peer="peer_group")
    )
    cov = (
        coverage.lazy()
        .group_by("unit_id")
        .agg((pl.col("outcome") == o).sum().cast(pl.Int64).alias(f"cov_{o}") for o in OUTCOMES)
        .collect(engine="streaming")
    )
    out = (
        ids.join(u, on="unit_id", how="left")
        .join(rank_cols, on="unit_id", how="left")
        .join(counts, on="unit_id", how="left")
        .join(peers, on="unit_id", how="left")
        .join(cov, on="unit_id", how="left")
        .with_columns(
            unit_name=pl.coalesce("unit_name", "_r_name"),
            source_path=pl.coalesce("source_path", "_r_path"),
            parse_status=pl.col("parse_status").fill_null("ok"),
            errors=pl.coalesce("errors", "_n_err", pl.lit(0)).cast(pl.Int64),
            warnings=pl.coalesce("warnings", "_n_warn", pl.lit(0)).cast(pl.Int64),
            peer_group=pl.coalesce("peer_group", "_u_peer", "_f_peer").cast(pl.String),
            rank=pl.col("rank").cast(pl.Int64),
        )
        .with_columns(pl.col(f"cov_{o}").fill_null(0) for o in OUTCOMES)
        .sort(["rank", "unit_id"], nulls_last=True)
        .with_row_index("order")
        .with_columns(pl.col("order").cast(pl.Int64))
    )
    keep = [
        "order",
        "unit_id",
        "unit_name",
        "source_path",
        "rank",
        "score",
        "outlier_score",
        "errors",
        "warnings",
        "reasons",
        "peer_group",
        "parse_status",
        "parse_error",
        "year",
        "doc_kind",
        *FIGURE_COLUMNS,
        *(f"cov_{o}" for o in OUTCOMES),
    ]
    return out.select(keep)


def _feature_rows(features: pl.DataFrame, uidx: pl.DataFrame, peers: pl.DataFrame | None, lang: str):
    """Each unit's top features (furthest above their peers), and the peer distributions
    they are drawn against.

    Returns (rows, feature labels, feature kinds, dists): rows is a frame whose columns are
    uidx, feature index, value, peer median, peer MAD, robust z, dist index, peer q90,
    peer n and peer group; a dist is [n peers, sorted values] with at most DIST_POINTS
    values (evenly spaced quantiles for large groups). A feature's peer group may be a coarser one than the
    unit's own (too few peers state the figure): its distribution is then that group's,
    every unit in it at any level (``peers``: the scorer's peer levels), so the chart shows
    the units the median came from.
    """
    extra = [c for c in ("peer_q90", "peer_n", "upper_z") if c in features.columns]
    feats = features.select(*FEATURES_COLUMNS, *extra)
    for c in ("peer_q90", "peer_n", "upper_z"):
        if c not in feats.columns:
            feats = feats.with_columns(pl.lit(None, pl.Float64).alias(c))
    if feats.height == 0:
        return [], [], [], []
    # Furthest above the peers first (overspending is the lead), else furthest either way;
    # ties in the order given, on the figures as shown (_shown). Ranked on a narrow
    # frame and the rows then taken by position: a window over a province's features took
    # 450 MiB.
    finite = [_shown(c) for c in ("upper_z", "robust_z", "value")]
    strength = pl.coalesce(finite[0], finite[1].abs())
    pos = pl.int_range(pl.len(), dtype=pl.UInt32)
    first = pl.when(pl.col("unit_id").ne_missing(pl.col("unit_id").shift())).then(pos).fill_null(0).cum_max()
    picked = (
        feats.select("unit_id", _s=strength, _i=pos, _ok=finite[1].is_not_null() & finite[2].is_not_null())
        .filter(pl.col("_ok"))
        .sort("unit_id", "_s", "_i", descending=[False, True, False])
        .select("_i", _r=pos - first + 1)
        .filter(pl.col("_r") <= TOP_FEATURES)
    )
    top = (
        _clean_floats(feats[picked["_i"]])
        .with_columns(_r=picked["_r"])
        .join(uidx, on="unit_id", how="inner")
        .sort(["uidx", "_r"])
    )
    if top.height == 0:  # nothing to chart (every file failed, say)
        return [], [], [], []
    feats = feats.select("unit_id", "feature", "peer_group", value=_shown("value"))
    names = sorted(top["feature"].unique().to_list())
    labels = [feature_label(n, lang) for n in names]
    kinds = [FEATURE_INFO.get(n, ("", "", "count"))[2] for n in names]
    needed = top.select("peer_group", "feature").unique().filter(pl.col("peer_group").is_not_null())
    if peers is not None and all(lvl in peers.columns for lvl in LEVELS):
        members = peers.unpivot(index="unit_id", on=LEVELS, value_name="peer_group").select("unit_id", "peer_group")
    else:
        members = feats.select("unit_id", "peer_group")
    members = members.filter(pl.col("peer_group").is_not_null()).unique()
    # Each needed (group, feature)'s values, sorted and thinned to DIST_POINTS evenly spaced
    # ones (Python's round, half to even, picks the same), from a column per feature. A
    # province's groups hold millions of values: as Python floats, or joined long (a row
    # per unit, group and feature), they took most of the page's memory.
    size = pl.col("values").list.len()
    spaced = (pl.int_ranges(0, DIST_POINTS) * (size - 1) / (DIST_POINTS - 1)).list.eval(
        pl.element().round().cast(pl.Int64)
    )
    values = feats.filter(pl.col("feature").is_in(names)).pivot(
        on="feature", index="unit_id", values="value", aggregate_function="first"
    )
    groups = (
        members.join(needed.select("peer_group").unique(), on="peer_group", how="semi")
        .join(values, on="unit_id", how="inner")
        .group_by("peer_group")
        .agg(pl.col(c).drop_nulls().sort() for c in values.columns if c != "unit_id")
        .unpivot(index="peer_group", variable_name="feature", value_name="values")
        .join(needed, on=["peer_group", "feature"], how="semi")
        .filter(pl.col("values").list.len() > 0)
        .sort("peer_group", "feature")
        .select(
            "peer_group",
            "feature",
            n=size,
            values=pl.when(size > DIST_POINTS).then(pl.col("values").list.gather(spaced)).otherwise(pl.col("values")),
        )
    )
    dists = [[n, [float(f"{v:.4g}") for v in values]] for n, values in groups.select("n", "values").iter_rows()]
    dist_index = groups.select("peer_group", "feature", _d=pl.int_range(pl.len(), dtype=pl.Int64))
    rows = top.join(dist_index, on=["peer_group", "feature"], how="left", maintain_order="left").select(
        "uidx",
        pl.col("feature").replace_strict({n: i for i, n in enumerate(names)}, return_dtype=pl.Int64),
        "value",
        "peer_median",
        "peer_mad",
        "robust_z",
        "_d",
        "peer_q90",
        "peer_n",
        "peer_group",
    )
    return rows, labels, kinds, dists
