"""The `anomaly` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from anomaly import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="anomaly")
def main() -> None:
    """Screen budget disclosures (单位预算公开说明) and rank where to look first.

    \b
    anomaly screen FOLDER --out DIR   parse, check, score and report
    anomaly parse FOLDER --out DIR    write the parsed frames only
    anomaly generate --units N --out DIR   write a synthetic corpus with labels
    anomaly rules [CODE]              list the checks, or show one rule's docs
    anomaly triage DIR ID --dismiss   remember an analyst's decision on a finding
    anomaly serve DIR                 triage in the report, for a team (sign-in, audit)
    anomaly users add NAME            an account for `anomaly serve`
    anomaly show ID --out x.png       picture a finding's evidence on its PDF page
    anomaly evaluate DIR --labels L   recall, false alarms and outlier precision
    """


@main.command()
@click.argument("inputs", nargs=-1, metavar="[INPUTS|URLS]...")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder for the Parquet frames.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Parsing processes (default: all cores).")
def parse(inputs: tuple[str, ...], out_dir: Path, workers: int | None) -> None:
    """Parse disclosures into the frames units, claims, cells, toc, marks and pages (Parquet)."""
    from datasets.corpus import parse_files
    from datasets.read.sources import source_of
    from reports.files import write_atomic

    files = _discovered(tuple(map(source_of, inputs)), "zh")
    if not files:
        raise click.UsageError("no input files found / 未找到输入文件")
    frames = parse_files(files, workers=workers or os.cpu_count() or 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_atomic(out_dir / f"{name}.parquet", frame.write_parquet)
    counts = frames["units"]["parse_status"].value_counts()
    summary = ", ".join(f"{r['parse_status']} {r['count']}" for r in counts.sort("parse_status").iter_rows(named=True))
    click.echo(f"{len(files)} files -> {out_dir} ({summary})")
    if frames["units"].filter(frames["units"]["parse_status"] != "failed").height == 0:
        sys.exit(1)


def _discovered(inputs: tuple, lang: str) -> list:
    """The files the inputs name (datasets.read.discover); a URL whose filesystem is not
    installed is a usage error that names the package to install."""
    from datasets.read import discover
    from datasets.read.sources import MissingFilesystem

    try:
        return discover(inputs)
    except MissingFilesystem as exc:
        raise click.UsageError(exc.message(lang)) from None


def _codes(value: str | None) -> list[str] | None:
    return [c.strip().upper() for c in value.split(",") if c.strip()] if value else None


class _Progress:
    """A one-line progress count on stderr, shown only once parsing takes over a second."""

    def __init__(self, total: int, lang: str):
        import time

        self.total, self.lang, self.t0, self.shown = total, lang, time.perf_counter(), False
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int) -> None:
        import time

        elapsed = time.perf_counter() - self.t0
        if not self.tty or elapsed < 1 or (done % 50 and done != self.total):
            return
        word = "解析" if self.lang == "zh" else "parsing"
        rate = done / elapsed
        bar = "#" * int(30 * done / self.total)
        click.echo(f"\r{word} [{bar:<30}] {done}/{self.total}  {rate:.0f}/s", err=True, nl=done == self.total)
        self.shown = True


@main.command()
@click.argument("inputs", nargs=-1, metavar="[INPUTS|URLS]...")
@click.option(
    "--out",
    "out_dir",
    default="anomaly-out",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for the outputs (units, findings, ranking, report.html, report.xlsx, manifest.json).",
)
@click.option("--select", help="Only these rules: codes or families, comma-separated (PCT,YOY).")
@click.option("--ignore", help="Skip these rules: codes or families, comma-separated (UNT002).")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of messages and the report.",
)
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Parsing processes (default: all cores).")
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Parse cache keyed by file content (default: OUT/.anomaly-cache); a nightly run re-parses only changed files.",
)
@click.option("--no-cache", is_flag=True, help="Parse every file again (the cache is neither read nor written).")
@click.option(
    "--triage-db",
    "--triage",
    "triage_db",
    default=None,
    metavar="PATH|URL",
    help="Analysts' decisions: a SQLite file or a database URL (postgresql://user@host/db) "
    "(default: $ANOMALY_DB, else OUT/triage.sqlite; see `anomaly triage`, `anomaly serve`).",
)
@click.option(
    "--cluster",
    default=None,
    metavar="ADDRESS",
    help="Run the per-file stage on a Dask distributed cluster (e.g. tcp://host:8786; pip install 'anomaly[cluster]'). "
    "Workers read the inputs by absolute path from a filesystem they share with this machine, or by URL.",
)
def screen(
    inputs: tuple[str, ...],
    out_dir: Path,
    select: str | None,
    ignore: str | None,
    lang: str,
    workers: int | None,
    cache_dir: Path | None,
    no_cache: bool,
    triage_db: str | None,
    cluster: str | None,
) -> None:
    """Screen disclosures: parse, check, compare with peers, rank, and write the report.

    INPUTS are files or folders (searched recursively for .pdf, .xlsx, .xls, .html, .htm,
    .docx, .doc, .txt and .md; a unit's 说明 and 报表 files are joined), or URLs of any
    installed fsspec filesystem (s3://bucket/prefix/ with pip install 'anomaly[s3]',
    https://, file://). With no INPUTS, the bundled demo county (150 synthetic units) is
    screened.

    Exit status: 0 when the run completed, whatever it found; 1 when not a single input
    could be read; 2 for usage errors.
    """
    from anomaly.pipeline import Options
    from anomaly.pipeline import screen as run_screen
    from datasets.read.sources import absolute, source_of
    from reports.terminal import summary_lines

    if not inputs:
        from datasets.synthetic import demo_corpus

        # Said before the corpus is made: on first use that takes a minute, with no output.
        click.echo(
            "未指定输入，使用内置演示语料（首次使用时生成，约需一分钟）"
            if lang == "zh"
            else "No input given; screening the bundled demo corpus (made on first use, about a minute)"
        )
        demo = demo_corpus(fmt="mixed")  # as a county folder is: mostly PDFs
        click.echo(("演示语料：" if lang == "zh" else "Demo corpus: ") + str(demo))
        inputs = (demo,)
    inputs = tuple(map(source_of, inputs))
    if cluster:  # workers on other machines find the files by absolute path (or by URL)
        inputs = tuple(map(absolute, inputs))
    files = _discovered(inputs, lang)
    if not files:
        raise click.UsageError("未找到输入文件 / no input files found in: " + ", ".join(map(str, inputs)))
    options = Options(
        select=_codes(select),
        ignore=_codes(ignore),
        lang=lang,
        workers=workers or os.cpu_count() or 1,
        cache_dir=None if no_cache else (cache_dir or out_dir / ".anomaly-cache"),
        triage_db=triage_db,
        cluster=cluster,
        extra={"inputs": [str(p) for p in inputs], "out": str(out_dir), "cluster": cluster},
    )
    run = run_screen(files, out_dir, options, progress=_Progress(len(files), lang))
    for line in summary_lines(run, out_dir):
        click.echo(line)
    if run.manifest["failed"] == run.manifest["inputs_seen"]:
        sys.exit(1)


@main.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("finding_ids", nargs=-1)
@click.option(
    "--dismiss", "decision", flag_value="dismissed", help="Not a problem: drop it from the leads on later runs."
)
@click.option("--confirm", "decision", flag_value="confirmed", help="A real problem: keep it, marked as confirmed.")
@click.option("--reset", "decision", flag_value="reset", help="Forget the decision.")
@click.option("--note", help="Why (shown in the report).")
@click.option("--by", "by", help="Who decided (default: the login name).")
@click.option(
    "--db",
    "db_path",
    metavar="PATH|URL",
    help="The triage store: a SQLite file or a database URL (default: $ANOMALY_DB, else OUT_DIR/triage.sqlite).",
)
@click.option(
    "--list",
    "list_all",
    is_flag=True,
    help="List the remembered decisions, each with its finding's id ('-' when gone).",
)
@click.option(
    "--export",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the audit trail (every decision and assignment: who, when, before, after) as CSV.",
)
def triage(
    out_dir: Path,
    finding_ids: tuple[str, ...],
    decision: str | None,
    note: str | None,
    by: str | None,
    db_path: str | None,
    list_all: bool,
    export_path: Path | None,
) -> None:
    """Remember an analyst's decision on findings (ids from the report, findings.csv or report.xlsx).

    \b
    anomaly triage OUT 3f9a1c2b7d --dismiss --note "已核实，系口径差异"
    anomaly triage OUT --list
    anomaly triage OUT --export decisions.csv

    Decisions are keyed by unit, year, rule and a fingerprint of the evidence, never the
    line number: they survive re-flowed text and expire when the evidence changes. A
    dismissed finding stays in the report, marked, but no longer counts in the ranking.
    """
    import polars as pl

    from anomaly import store
    from anomaly import triage as memory

    db = db_path or store.default_db(out_dir)
    if export_path:
        n = memory.export_audit(db, export_path)
        click.echo(f"已导出 {n} 条审计记录 / {n} audit row(s) -> {export_path}")
        return
    if list_all:
        # Each decision with the id its finding has in the last screen ("-" when the
        # finding is gone: the evidence changed, so the decision no longer applies).
        decided = memory.decisions(db)
        path = out_dir / "findings.parquet"
        if path.exists():
            ids = pl.read_parquet(path, columns=[*memory.KEY, "finding_id"]).unique(memory.KEY)
            decided = decided.join(ids, on=memory.KEY, how="left")
        else:
            decided = decided.with_columns(finding_id=pl.lit(None, dtype=pl.String))
        for r in decided.iter_rows(named=True):
            click.echo(
                f"{r['finding_id'] or '-':<10}  {r['decided_at']}  {r['decision']:<9}  {r['unit_key']} {r['year']} "
                f"{r['rule']}  {r['decided_by'] or ''}  {r['note'] or ''}"
            )
        return
    if not finding_ids or decision is None:
        raise click.UsageError("give finding ids and one of --dismiss, --confirm, --reset (or --list)")
    findings = pl.read_parquet(out_dir / "findings.parquet")
    chosen = findings.filter(pl.col("finding_id").is_in(list(finding_ids)))
    unknown = sorted(set(finding_ids) - set(chosen["finding_id"]))
    if unknown:
        raise click.UsageError("unknown finding ids / 未找到问题编号: " + ", ".join(unknown))
    n = memory.record(db, chosen, None if decision == "reset" else decision, note=note, by=by)
    click.echo(
        f"已保存 {n} 条决定，下次运行 anomaly screen 时生效 / "
        f"{n} decision(s) saved in {db}; they apply from the next `anomaly screen` run."
    )


def _store_option(f):
    return click.option(
        "--db",
        "db",
        metavar="PATH|URL",
        help="The triage store: a SQLite file or a database URL (default: $ANOMALY_DB, else anomaly-out/triage.sqlite).",
    )(f)


@main.group()
def users() -> None:
    """Accounts of `anomaly serve`: analysts decide, reviewers read."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["analyst", "reviewer"]), default="analyst", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@_store_option
def users_add(name: str, role: str, password_stdin: bool, db: str | None) -> None:
    """Create an account (or set its password and role); the password is asked for."""
    from anomaly import store

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password / 密码", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.UsageError("password too short (8 characters at least) / 密码太短（至少 8 个字符）")
    db = db or store.default_db()
    new = store.set_user(store.engine_for(db), name, password, role)
    click.echo(f"{'added' if new else 'updated'} {name} ({role}) in {db}")


@users.command("list")
@_store_option
def users_list(db: str | None) -> None:
    """List the accounts."""
    from anomaly import store

    for u in store.users(store.engine_for(db or store.default_db())):
        click.echo(f"{u['name']}  {u['role']}  {u['created_at']}")


@main.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (this machine only by default)."
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--db", metavar="PATH|URL", help="The triage store (default: $ANOMALY_DB, else OUT_DIR/triage.sqlite).")
@click.option(
    "--trust-header",
    metavar="HEADER",
    default=None,
    help="Take the user name from this request header (e.g. X-Remote-User), set by an authenticating reverse "
    "proxy; only when nothing but the proxy can reach the server.",
)
@click.option(
    "--insecure-cookie",
    is_flag=True,
    help="Send the session cookie over plain HTTP to a non-local address (testing only; use TLS or a proxy).",
)
def serve(out_dir: Path, host: str, port: int, db: str | None, trust_header: str | None, insecure_cookie: bool) -> None:
    """Serve a run's report for triage: confirm, dismiss, reopen, notes and assignments.

    \b
    anomaly users add alice                 # then
    anomaly serve OUT                       # http://127.0.0.1:8000
    anomaly serve OUT --db postgresql://anomaly@dbhost/anomaly --host 0.0.0.0

    Decisions go to the same store the next `anomaly screen --triage-db` reads. The
    session secret is made at start-up ($ANOMALY_SECRET to keep sessions across restarts
    or share them among several servers).
    """
    try:
        import uvicorn

        from anomaly.server import create_app
    except ImportError as exc:
        raise click.UsageError(f"pip install 'anomaly[serve]' ({exc.name} is missing)") from None
    try:
        app = create_app(
            out_dir,
            db=db,
            trust_header=trust_header,
            secret=os.environ.get("ANOMALY_SECRET"),
            secure_cookie=not insecure_cookie,
        )
    except (FileNotFoundError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"serving {out_dir} on http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=bool(trust_header))


@main.command()
@click.argument("finding_id")
@click.option(
    "--out-dir",
    "out_dir",
    default="anomaly-out",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The output folder of `anomaly screen` (holds findings.parquet).",
)
@click.option(
    "--out",
    "png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="PNG to write (default: FINDING_ID.png).",
)
@click.option(
    "--source",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The source PDF, if it has moved since the screen.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def show(finding_id: str, out_dir: Path, png: Path | None, source: Path | None, lang: str) -> None:
    """Picture a finding's evidence: its PDF page region, the stated figure boxed in red.

    \b
    anomaly show 3f9a1c2b7d --out-dir OUT --out 3f9a1c2b7d.png

    Exit status: 0 when the PNG was written (when the evidence is not found on its page,
    the whole page); 1 when it could not be (text input, file moved, changed or
    unreadable); 2 for usage errors (no such finding, no screen output in --out-dir).
    """
    from reports.evidence import ShowError
    from reports.evidence import show as show_finding
    from reports.i18n import t

    png = png or Path(f"{finding_id}.png")
    try:
        row, picture = show_finding(out_dir, finding_id, png, source=source)
    except ShowError as exc:
        message = t(lang, exc.key, **exc.values)
        if exc.code == 2:
            raise click.UsageError(message) from None
        click.echo(message, err=True)
        sys.exit(exc.code)
    path = source or row["source_path"]
    if picture.found is None:
        click.echo(t(lang, "show_not_found", page=row["page"], png=png), err=True)
    else:
        what = t(lang, "show_figure" if picture.found == "figure" else "show_evidence")
        click.echo(t(lang, "show_done", png=png, path=path, page=row["page"], what=what))


@main.command()
@click.argument("code", required=False)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def rules(code: str | None, lang: str) -> None:
    """List the checks, or show one rule's docs with a failing and a passing example."""
    from anomaly.engine import catalog, describe

    if code:
        try:
            click.echo(describe(code.upper(), lang=lang))
        except KeyError:
            raise click.UsageError(f"unknown rule / 未知规则: {code}") from None
        return
    for r in catalog():
        title = r.title_zh if lang == "zh" else r.title_en
        click.echo(f"{r.code}  {r.severity:<7}  {title}")


@main.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--labels",
    "labels_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="labels.json of a labelled corpus (as `anomaly generate` writes).",
)
def evaluate(out_dir: Path, labels_path: Path) -> None:
    """Measure a screen run against labels: recall per family, false alarms, outlier precision."""
    import json

    from anomaly.evaluate import evaluate as run_evaluate
    from anomaly.evaluate import format_report

    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    click.echo(format_report(run_evaluate(labels, out_dir)))


@main.command()
@click.option("--units", "n_units", default=150, show_default=True, help="How many disclosures to write.")
@click.option("--seed", default=0, show_default=True, help="Random seed: the same seed writes the same corpus.")
@click.option("--anomaly-share", default=1 / 3, show_default=True, help="Share of documents with injected anomalies.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["txt", "layout", "raw", "pdftotext", "pdf", "xlsx", "html", "docx", "bundle", "mixed"]),
    default="txt",
    show_default=True,
    help="Text files (txt: tab-separated tables; layout: columns aligned with spaces and page footers, as pdftotext "
    "-layout gives; raw: one table cell per line; pdftotext: layout in poppler's one-character-a-column grid); PDFs laid out as counties publish them; xlsx: a 说明 PDF and a 报表 workbook per unit; "
    "html: web pages; docx: Word files; bundle: a 说明 (Word or PDF) and a 报表 workbook; mixed: about "
    "55% PDF, 15% text, 8% html, 7% docx, 15% bundles.",
)
@click.option(
    "--template",
    type=click.Choice(["county15", "mof", "mixed"]),
    default="county15",
    show_default=True,
    help="Disclosure template: county15, the 15-table 单位预算 template of the seed; mof, the 财政部 "
    "nine-table 部门预算 template (8/9/10 tables, 表一/表1/附表1-1, per-table 单位, 所属单位 rows); "
    "mixed: 30% mof.",
)
@click.option(
    "--outliers",
    type=click.Choice(["blatant", "graded"]),
    default="blatant",
    show_default=True,
    help="Planted peer outliers: blatant (one feature 4-14x its peers'); graded (1.5x, 2x, 3x or 5x the typical "
    "value of one feature or two, each labelled with its strength: the corpus `anomaly evaluate` reports per strength).",
)
@click.option("--outlier-share", default=0.03, show_default=True, help="Share of documents planted as peer outliers.")
@click.option(
    "--years",
    default=None,
    help="Budget years, e.g. 2023,2024,2025 or 2021-2025: each unit's disclosure of every year, the same unit "
    "evolving from year to year (last year's figures stated as 上年 exactly, except planted XYR mistakes).",
)
@click.option(
    "--finals",
    is_flag=True,
    help="With --years: each unit's 决算 disclosure of every year too (年初预算数 as its budget printed them, what "
    "was spent, completion rates; planted EXE mistakes labelled with the budget they concern). Text only.",
)
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path))
def generate(
    n_units: int,
    seed: int,
    anomaly_share: float,
    fmt: str,
    template: str,
    outliers: str,
    outlier_share: float,
    years: str | None,
    finals: bool,
    out_dir: Path,
) -> None:
    """Write a synthetic corpus of disclosures and its ground truth (labels.json)."""
    import time

    from datasets.synthetic import generate_corpus

    t0 = time.perf_counter()
    labels = generate_corpus(
        out_dir,
        units=n_units,
        seed=seed,
        anomaly_share=anomaly_share,
        fmt=fmt,
        template=template,
        outliers=outliers,
        outlier_share=outlier_share,
        years=_years_of(years) if years else None,
        finals=finals,
    )
    dt = time.perf_counter() - t0
    n = len(labels["documents"])
    click.echo(
        f"{n} documents -> {out_dir} in {dt:.1f}s ({n / max(dt, 1e-9):.0f}/s); labels in {out_dir / 'labels.json'}"
    )


def _years_of(text: str) -> list[int]:
    """2023,2024,2025 or 2021-2025 as a list of years."""
    out: list[int] = []
    for part in text.split(","):
        a, _, b = part.strip().partition("-")
        if not a.isdigit() or (b and not b.isdigit()):
            raise click.BadParameter(f"not a year or range of years: {part!r}", param_hint="--years")
        out.extend(range(int(a), int(b or a) + 1))
    return sorted(set(out))


if __name__ == "__main__":  # pragma: no cover
    main()
