"""The `anomaly` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from anomaly import __version__
from anomaly.cli_language import LANG, click_in, text

click_in(LANG)  # before the options below are made: click names their types as they are
LANGS = click.Choice(["zh", "en"])
LANG_HELP = text(
    "报告与提示的语言（默认取 $ANOMALY_LANG，否则中文）。",
    "Language of messages and the report (default: $ANOMALY_LANG, else Chinese).",
)


def _lang_option(f):
    """--lang for a command whose words are only its help and messages: read from the
    command line before click parses it (anomaly.cli_language), taken here so that it is
    a valid option."""
    return click.option(
        "--lang",
        type=LANGS,
        expose_value=False,
        help=text("帮助与提示的语言（默认取 $ANOMALY_LANG，否则中文）。", "Language of the help and messages."),
    )(f)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    help=text(
        """筛查单位预算公开说明，排出优先查看的线索。

    \b
    anomaly screen 文件夹 --out 输出       解析、检查、同类比较、排序并出报告
    anomaly parse 文件夹 --out 输出        只写出解析结果（Parquet）
    anomaly generate --units N --out 输出  生成带标注的合成语料
    anomaly rules [规则代码]               列出检查规则，或显示一条规则的说明
    anomaly triage 输出 编号 --dismiss     记下分析人员对问题的决定
    anomaly serve 输出                     团队在浏览器中核查（登录、审计记录）
    anomaly users add 用户名               为 anomaly serve 建账户
    anomaly show 编号 --out x.png          在 PDF 页面上圈出问题的证据
    anomaly evaluate 输出 --labels 标注    召回率、误报与同类离群精度

    英文帮助与提示：在命令后加 --lang en，或设 ANOMALY_LANG=en。""",
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

    Chinese is the default language: --lang en after a command, or ANOMALY_LANG=en,
    for English.""",
    ),
)
@click.version_option(__version__, prog_name="anomaly")
@_lang_option
def main() -> None:
    pass


WORKERS_HELP = text("解析进程数（默认：全部 CPU 核）。", "Parsing processes (default: all cores).")


@main.command(
    short_help=text("只写出解析结果（Parquet）。", "Parse disclosures into frames (Parquet) only."),
    help=text(
        "把公开说明解析为 units、claims、cells、toc、marks、pages 数据表（Parquet）。",
        "Parse disclosures into the frames units, claims, cells, toc, marks and pages (Parquet).",
    ),
)
@click.argument("inputs", nargs=-1, metavar=text("[输入|网址]...", "[INPUTS|URLS]..."))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help=text("写出 Parquet 数据表的文件夹。", "Folder for the Parquet frames."),
)
@click.option("--workers", type=click.IntRange(min=1), default=None, help=WORKERS_HELP)
@_lang_option
def parse(inputs: tuple[str, ...], out_dir: Path, workers: int | None) -> None:
    from datasets.corpus import parse_files
    from datasets.read.sources import source_of
    from reports.files import write_atomic

    files = _discovered(tuple(map(source_of, inputs)), LANG)
    if not files:
        raise click.UsageError(text("未找到输入文件", "no input files found"))
    frames = parse_files(files, workers=workers or os.cpu_count() or 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        write_atomic(out_dir / f"{name}.parquet", frame.write_parquet)
    counts = frames["units"]["parse_status"].value_counts()
    summary = ", ".join(f"{r['parse_status']} {r['count']}" for r in counts.sort("parse_status").iter_rows(named=True))
    click.echo(text(f"{len(files)} 个文件 -> {out_dir}（{summary}）", f"{len(files)} files -> {out_dir} ({summary})"))
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


def _known_codes(select: list[str] | None, ignore: list[str] | None, lang: str) -> None:
    """A --select or --ignore code that names no rule is a usage error: a typo must not
    run no checks and report a clean county."""
    from anomaly.engine import unknown

    bad = unknown(select) + unknown(ignore)
    if bad:
        raise click.UsageError(
            f"未知的规则代码或类别：{', '.join(bad)}（全部规则见 anomaly rules）"
            if lang == "zh"
            else f"unknown rule codes or families: {', '.join(bad)} (see `anomaly rules` for all of them)"
        )


def _missing(inputs: tuple) -> list:
    """The local inputs that do not exist (a share not mounted, a mistyped folder)."""
    from datasets.read.sources import is_url

    return [p for p in inputs if not is_url(p) and not os.path.exists(p)]


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


@main.command(
    short_help=text("解析、检查、同类比较、排序并写出报告。", "Parse, check, compare with peers, rank, report."),
    help=text(
        """筛查公开说明：解析、检查、与同类单位比较、排序，并写出报告。

    输入为文件或文件夹（递归查找 .pdf、.xlsx、.xls、.html、.htm、.docx、.doc、.txt、.md；
    同一单位的说明与报表文件合并读取），或任一已安装 fsspec 文件系统的网址（s3://桶/前缀/
    需 pip install 'anomaly[s3]'；https://、file://）。不给输入时，筛查内置演示县（150 个合成单位）。

    退出码：运行完成为 0（无论发现什么）；一个输入都读不了为 1；用法错误为 2。""",
        """Screen disclosures: parse, check, compare with peers, rank, and write the report.

    INPUTS are files or folders (searched recursively for .pdf, .xlsx, .xls, .html, .htm,
    .docx, .doc, .txt and .md; a unit's 说明 and 报表 files are joined), or URLs of any
    installed fsspec filesystem (s3://bucket/prefix/ with pip install 'anomaly[s3]',
    https://, file://). With no INPUTS, the bundled demo county (150 synthetic units) is
    screened.

    Exit status: 0 when the run completed, whatever it found; 1 when not a single input
    could be read; 2 for usage errors.""",
    ),
)
@click.argument("inputs", nargs=-1, metavar=text("[输入|网址]...", "[INPUTS|URLS]..."))
@click.option(
    "--out",
    "out_dir",
    default="anomaly-out",
    show_default=True,
    type=click.Path(path_type=Path),
    help=text(
        "输出文件夹（units、findings、ranking、report.html、report.xlsx、manifest.json）。",
        "Folder for the outputs (units, findings, ranking, report.html, report.xlsx, manifest.json).",
    ),
)
@click.option(
    "--select",
    help=text(
        "只运行这些规则：规则代码或类别，逗号分隔（PCT,YOY）。",
        "Only these rules: codes or families, comma-separated (PCT,YOY).",
    ),
)
@click.option(
    "--ignore",
    help=text(
        "跳过这些规则：规则代码或类别，逗号分隔（UNT002）。",
        "Skip these rules: codes or families, comma-separated (UNT002).",
    ),
)
@click.option("--lang", type=LANGS, default=LANG, show_default=True, help=LANG_HELP)
@click.option("--workers", type=click.IntRange(min=1), default=None, help=WORKERS_HELP)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=text(
        "按文件内容缓存解析结果（默认：输出/.anomaly-cache）；每晚运行只重新解析改动过的文件。",
        "Parse cache keyed by file content (default: OUT/.anomaly-cache); a nightly run re-parses only changed files.",
    ),
)
@click.option(
    "--no-cache",
    is_flag=True,
    help=text(
        "每个文件都重新解析（不读也不写缓存）。", "Parse every file again (the cache is neither read nor written)."
    ),
)
@click.option(
    "--triage-db",
    "--triage",
    "triage_db",
    default=None,
    metavar=text("路径|网址", "PATH|URL"),
    help=text(
        "分析人员的决定：SQLite 文件或数据库网址（postgresql://用户@主机/库）"
        "（默认：$ANOMALY_DB，否则 输出/triage.sqlite；见 anomaly triage、anomaly serve）。",
        "Analysts' decisions: a SQLite file or a database URL (postgresql://user@host/db) "
        "(default: $ANOMALY_DB, else OUT/triage.sqlite; see `anomaly triage`, `anomaly serve`).",
    ),
)
@click.option(
    "--cluster",
    default=None,
    metavar=text("地址", "ADDRESS"),
    help=text(
        "在 Dask distributed 集群上运行逐文件的解析与检查（如 tcp://主机:8786；pip install 'anomaly[cluster]'）。"
        "各节点按绝对路径从与本机共享的文件系统读取输入，或按网址读取。",
        "Run the per-file stage on a Dask distributed cluster (e.g. tcp://host:8786; pip install 'anomaly[cluster]'). "
        "Workers read the inputs by absolute path from a filesystem they share with this machine, or by URL.",
    ),
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
    from anomaly.pipeline import Options
    from anomaly.pipeline import screen as run_screen
    from datasets.read.sources import absolute, source_of
    from reports.terminal import summary_lines

    _known_codes(_codes(select), _codes(ignore), lang)
    if not inputs:
        from datasets.synthetic import demo_corpus

        click.echo(
            "未指定输入，使用内置演示语料" if lang == "zh" else "No input given; screening the bundled demo corpus"
        )

        def making() -> None:  # on first use it takes a minute, with no other output
            click.echo(
                "正在生成演示语料（仅首次使用时，约需一分钟）……"
                if lang == "zh"
                else "Making the demo corpus (on first use only, about a minute)..."
            )

        demo = demo_corpus(fmt="mixed", making=making)  # as a county folder is: mostly PDFs
        click.echo(("演示语料：" if lang == "zh" else "Demo corpus: ") + str(demo))
        inputs = (demo,)
    inputs = tuple(map(source_of, inputs))
    if cluster:  # workers on other machines find the files by absolute path (or by URL)
        inputs = tuple(map(absolute, inputs))
    files = _discovered(inputs, lang)
    for missing in _missing(inputs):  # kept as a failed file (every input is accounted for), but said now
        click.echo(
            f"警告：输入路径不存在：{missing}（计为未能读取的文件）"
            if lang == "zh"
            else f"warning: no such input path: {missing} (counted as a file not read)",
            err=True,
        )
    if not files:
        where = ", ".join(map(str, inputs))
        raise click.UsageError(f"未找到输入文件：{where}" if lang == "zh" else f"no input files found in: {where}")
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


STORE_HELP = text(
    "核查记录库：SQLite 文件或数据库网址（默认：$ANOMALY_DB，否则 输出/triage.sqlite）。",
    "The triage store: a SQLite file or a database URL (default: $ANOMALY_DB, else OUT_DIR/triage.sqlite).",
)


@main.command(
    short_help=text("记下分析人员对问题的决定。", "Remember an analyst's decision on findings."),
    help=text(
        """记下分析人员对问题的决定（问题编号见报告、findings.csv 或 report.xlsx）。

    \b
    anomaly triage 输出 3f9a1c2b7d --dismiss --note "已核实，系口径差异"
    anomaly triage 输出 --list
    anomaly triage 输出 --export decisions.csv

    决定按单位、年度、规则与证据指纹记下，不按行号：文本重排后仍然有效，证据改变即失效。
    已排除的问题仍留在报告中并加标记，但不再计入排序。""",
        """Remember an analyst's decision on findings (ids from the report, findings.csv or report.xlsx).

    \b
    anomaly triage OUT 3f9a1c2b7d --dismiss --note "已核实，系口径差异"
    anomaly triage OUT --list
    anomaly triage OUT --export decisions.csv

    Decisions are keyed by unit, year, rule and a fingerprint of the evidence, never the
    line number: they survive re-flowed text and expire when the evidence changes. A
    dismissed finding stays in the report, marked, but no longer counts in the ranking.""",
    ),
)
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("finding_ids", nargs=-1)
@click.option(
    "--dismiss",
    is_flag=True,
    help=text("不是问题：以后的运行不再列为线索。", "Not a problem: drop it from the leads on later runs."),
)
@click.option(
    "--confirm",
    is_flag=True,
    help=text("确有问题：保留，并标为已确认。", "A real problem: keep it, marked as confirmed."),
)
@click.option("--reset", is_flag=True, help=text("撤销决定。", "Forget the decision."))
@click.option("--note", help=text("理由（显示在报告中）。", "Why (shown in the report)."))
@click.option("--by", "by", help=text("决定人（默认：登录名）。", "Who decided (default: the login name)."))
@click.option("--db", "db_path", metavar=text("路径|网址", "PATH|URL"), help=STORE_HELP)
@click.option(
    "--list",
    "list_all",
    is_flag=True,
    help=text(
        "列出已记下的决定及其问题编号（问题已不存在时为 '-'）。",
        "List the remembered decisions, each with its finding's id ('-' when gone).",
    ),
)
@click.option(
    "--export",
    "export_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=text(
        "把审计记录（每一次决定与分派：谁、何时、之前、之后）写成 CSV。",
        "Write the audit trail (every decision and assignment: who, when, before, after) as CSV.",
    ),
)
@_lang_option
def triage(
    out_dir: Path,
    finding_ids: tuple[str, ...],
    dismiss: bool,
    confirm: bool,
    reset: bool,
    note: str | None,
    by: str | None,
    db_path: str | None,
    list_all: bool,
    export_path: Path | None,
) -> None:
    import polars as pl

    from anomaly import store
    from anomaly import triage as memory
    from reports.model import local_time

    db = db_path or store.default_db(out_dir)
    chosen_flags = [d for d, on in (("dismissed", dismiss), ("confirmed", confirm), ("reset", reset)) if on]
    if len(chosen_flags) > 1:
        raise click.UsageError(
            text("--dismiss、--confirm、--reset 只能选一个", "choose one of --dismiss, --confirm, --reset, not several")
        )
    decision = chosen_flags[0] if chosen_flags else None
    if export_path:
        n = memory.export_audit(db, export_path)
        click.echo(text(f"已导出 {n} 条审计记录 -> {export_path}", f"{n} audit row(s) -> {export_path}"))
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
        words = {"dismissed": text("已排除", "dismissed"), "confirmed": text("已确认", "confirmed")}
        click.echo(
            text(
                "问题编号    决定时间（本地）  决定    单位 年度 规则  决定人  理由",
                "finding     decided (local)   decision   unit year rule  by  note",
            )
        )
        for r in decided.iter_rows(named=True):
            click.echo(
                f"{r['finding_id'] or '-':<10}  {local_time(r['decided_at'])}  {words.get(r['decision'], r['decision'])}  "
                f"{r['unit_key']} {r['year']} {r['rule']}  {r['decided_by'] or ''}  {r['note'] or ''}"
            )
        return
    if not finding_ids or decision is None:
        raise click.UsageError(
            text(
                "请给出问题编号，并选 --dismiss、--confirm、--reset 之一（或用 --list）",
                "give finding ids and one of --dismiss, --confirm, --reset (or --list)",
            )
        )
    if not (out_dir / "findings.parquet").exists():
        raise click.UsageError(
            text(
                f"{out_dir} 中没有 findings.parquet：请给出 anomaly screen 的输出文件夹",
                f"no findings.parquet in {out_dir}: give the output folder of `anomaly screen`",
            )
        )
    findings = pl.read_parquet(out_dir / "findings.parquet")
    chosen = findings.filter(pl.col("finding_id").is_in(list(finding_ids)))
    unknown = sorted(set(finding_ids) - set(chosen["finding_id"]))
    if unknown:
        raise click.UsageError(text("未找到问题编号：", "unknown finding ids: ") + ", ".join(unknown))
    n = memory.record(db, chosen, None if decision == "reset" else decision, note=note, by=by)
    click.echo(
        text(
            f"已保存 {n} 条决定（{db}），下次运行 anomaly screen 时生效",
            f"{n} decision(s) saved in {db}; they apply from the next `anomaly screen` run.",
        )
    )


def _accounts_db(db: str | None, out_dir: Path | None) -> str:
    """The store the accounts are in: --db, $ANOMALY_DB, else OUT/triage.sqlite as `serve
    OUT` reads it (OUT: anomaly-out). A folder that is not there is a usage error, said
    plainly, not a database error."""
    from anomaly import store

    db = db or store.default_db(out_dir)
    if "://" not in db and not Path(db).parent.is_dir():
        raise click.UsageError(
            text(
                f"报告文件夹 {Path(db).parent} 不存在：请给出 anomaly serve 所用的报告文件夹，或用 --db 指定核查记录库",
                f"no folder {Path(db).parent}: name the report folder anomaly serve is given, or the store with --db",
            )
        )
    return db


def _store_option(f):
    return click.option(
        "--db",
        "db",
        metavar=text("路径|网址", "PATH|URL"),
        help=text(
            "核查记录库：SQLite 文件或数据库网址（默认：$ANOMALY_DB，否则 输出/triage.sqlite，输出默认 anomaly-out）。",
            "The triage store: a SQLite file or a database URL (default: $ANOMALY_DB, else OUT/triage.sqlite; OUT: anomaly-out).",
        ),
    )(f)


@main.group(
    short_help=text("anomaly serve 的账户。", "Accounts of anomaly serve."),
    help=text(
        "anomaly serve 的账户：分析人员（analyst）作决定，审阅人员（reviewer）只读。",
        "Accounts of `anomaly serve`: analysts decide, reviewers read.",
    ),
)
def users() -> None:
    pass


@users.command(
    "add",
    short_help=text("建立账户或重设密码。", "Create an account or set its password."),
    help=text(
        "建立账户（或重设其密码与角色）；会提示输入密码。",
        "Create an account (or set its password and role); the password is asked for.",
    ),
)
@click.argument("name")
@click.argument("out_dir", required=False, type=click.Path(path_type=Path), metavar=text("[输出]", "[OUT]"))
@click.option(
    "--role",
    type=click.Choice(["analyst", "reviewer"]),
    default="analyst",
    show_default=True,
    help=text("analyst：可作决定；reviewer：只读。", "analyst: decides; reviewer: reads."),
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help=text("从标准输入读密码（第一行）。", "Read the password from standard input (first line)."),
)
@_store_option
@_lang_option
def users_add(name: str, out_dir: Path | None, role: str, password_stdin: bool, db: str | None) -> None:
    from anomaly import store

    db = _accounts_db(db, out_dir)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(text("密码", "Password"), hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.UsageError(text("密码太短（至少 8 个字符）", "password too short (8 characters at least)"))
    new = store.set_user(store.engine_for(db), name, password, role)
    if LANG == "zh":
        click.echo(f"已{'添加' if new else '更新'}账户 {name}（{role}），记录库 {db}")
    else:
        click.echo(f"{'added' if new else 'updated'} {name} ({role}) in {db}")


@users.command("list", help=text("列出账户。", "List the accounts."))
@click.argument("out_dir", required=False, type=click.Path(path_type=Path), metavar=text("[输出]", "[OUT]"))
@_store_option
@_lang_option
def users_list(out_dir: Path | None, db: str | None) -> None:
    from anomaly import store

    for u in store.users(store.engine_for(_accounts_db(db, out_dir))):
        click.echo(f"{u['name']}  {u['role']}  {u['created_at']}")


@main.command(
    short_help=text("团队在浏览器中核查报告。", "Triage a run's report in the browser, as a team."),
    help=text(
        """在浏览器中核查一次运行的报告：确认、排除、重新打开、备注与分派。

    \b
    anomaly users add alice 输出            # 然后
    anomaly serve 输出                      # http://127.0.0.1:8000
    anomaly serve 输出 --db postgresql://anomaly@dbhost/anomaly --host 0.0.0.0

    决定写入下一次 anomaly screen --triage-db 读取的同一记录库；之后写入该输出文件夹的新一次筛查无需重启即可看到。会话密钥在启动时生成
    （设 $ANOMALY_SECRET 可在重启后保留会话，或在多台服务器间共用）。""",
        """Serve a run's report for triage: confirm, dismiss, reopen, notes and assignments.

    \b
    anomaly users add alice OUT             # then
    anomaly serve OUT                       # http://127.0.0.1:8000
    anomaly serve OUT --db postgresql://anomaly@dbhost/anomaly --host 0.0.0.0

    Decisions go to the same store the next `anomaly screen --triage-db` reads, and a
    new screen into OUT is served without a restart. The session secret is made at start-up ($ANOMALY_SECRET to keep sessions across restarts
    or share them among several servers).""",
    ),
)
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=text("监听地址（默认只允许本机访问）。", "Address to listen on (this machine only by default)."),
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=text("端口。", "Port."))
@click.option("--db", metavar=text("路径|网址", "PATH|URL"), help=STORE_HELP)
@click.option(
    "--trust-header",
    metavar=text("请求头", "HEADER"),
    default=None,
    help=text(
        "从此请求头（如 X-Remote-User）取用户名，由做身份认证的反向代理设置；仅当只有代理能访问本服务时使用。",
        "Take the user name from this request header (e.g. X-Remote-User), set by an authenticating reverse "
        "proxy; only when nothing but the proxy can reach the server.",
    ),
)
@click.option(
    "--insecure-cookie",
    is_flag=True,
    help=text(
        "经明文 HTTP 向非本机地址发送会话 Cookie（仅供测试；请用 TLS 或代理）。",
        "Send the session cookie over plain HTTP to a non-local address (testing only; use TLS or a proxy).",
    ),
)
@_lang_option
def serve(out_dir: Path, host: str, port: int, db: str | None, trust_header: str | None, insecure_cookie: bool) -> None:
    try:
        import uvicorn

        from anomaly.server import create_app
    except ImportError as exc:
        raise click.UsageError(
            text(
                f"请安装：pip install 'anomaly[serve]'（缺少 {exc.name}）",
                f"pip install 'anomaly[serve]' ({exc.name} is missing)",
            )
        ) from None
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
    click.echo(
        text(
            f"正在提供 {out_dir}：http://{host}:{port}/（Ctrl+C 停止）",
            f"serving {out_dir} on http://{host}:{port}/ (Ctrl+C stops)",
        )
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=bool(trust_header))


@main.command(
    short_help=text("在 PDF 页面上圈出问题的证据。", "Picture a finding's evidence on its PDF page."),
    help=text(
        """把问题的证据画出来：所在 PDF 页面的区域，所述数字用红框圈出。

    \b
    anomaly show 3f9a1c2b7d --out-dir 输出 --out 3f9a1c2b7d.png

    退出码：写出 PNG 为 0（证据在该页找不到时画整页）；画不出为 1（文本输入，文件已移动、
    改动或无法读取）；用法错误为 2（没有该问题，--out-dir 中没有筛查结果）。""",
        """Picture a finding's evidence: its PDF page region, the stated figure boxed in red.

    \b
    anomaly show 3f9a1c2b7d --out-dir OUT --out 3f9a1c2b7d.png

    Exit status: 0 when the PNG was written (when the evidence is not found on its page,
    the whole page); 1 when it could not be (text input, file moved, changed or
    unreadable); 2 for usage errors (no such finding, no screen output in --out-dir).""",
    ),
)
@click.argument("finding_id")
@click.option(
    "--out-dir",
    "out_dir",
    default="anomaly-out",
    show_default=True,
    type=click.Path(path_type=Path),
    help=text(
        "anomaly screen 的输出文件夹（含 findings.parquet）。",
        "The output folder of `anomaly screen` (holds findings.parquet).",
    ),
)
@click.option(
    "--out",
    "png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=text("写出的 PNG（默认：问题编号.png）。", "PNG to write (default: FINDING_ID.png)."),
)
@click.option(
    "--source",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=text("源 PDF（筛查后移动过时给出）。", "The source PDF, if it has moved since the screen."),
)
@click.option("--lang", type=LANGS, default=LANG, show_default=True, help=LANG_HELP)
def show(finding_id: str, out_dir: Path, png: Path | None, source: Path | None, lang: str) -> None:
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


@main.command(
    short_help=text("列出检查规则，或显示一条的说明。", "List the checks, or show one rule's docs."),
    help=text(
        "列出检查规则，或显示一条规则的说明及不通过与通过的示例。",
        "List the checks, or show one rule's docs with a failing and a passing example.",
    ),
)
@click.argument("code", required=False)
@click.option("--lang", type=LANGS, default=LANG, show_default=True, help=LANG_HELP)
def rules(code: str | None, lang: str) -> None:
    from anomaly.engine import catalog, describe

    if code:
        try:
            click.echo(describe(code.upper(), lang=lang))
        except KeyError:
            raise click.UsageError(f"未知规则：{code}" if lang == "zh" else f"unknown rule: {code}") from None
        return
    for r in catalog():
        title = r.title_zh if lang == "zh" else r.title_en
        click.echo(f"{r.code}  {r.severity:<7}  {title}")


@main.command(
    short_help=text("对照标注衡量召回与误报（开发用）。", "Measure recall and false alarms against labels."),
    help=text(
        "对照标注衡量一次筛查：各类规则的召回率、误报、同类离群精度（报告为英文，供开发者）。",
        "Measure a screen run against labels: recall per family, false alarms, outlier precision.",
    ),
)
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--labels",
    "labels_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=text(
        "带标注语料的 labels.json（anomaly generate 所写）。",
        "labels.json of a labelled corpus (as `anomaly generate` writes).",
    ),
)
@_lang_option
def evaluate(out_dir: Path, labels_path: Path) -> None:
    import json

    from anomaly.evaluate import evaluate as run_evaluate
    from anomaly.evaluate import format_report

    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    click.echo(format_report(run_evaluate(labels, out_dir)))


@main.command(
    short_help=text("生成带标注的合成语料（开发用）。", "Write a synthetic corpus with labels."),
    help=text(
        "生成合成的公开说明语料及其标注（labels.json；供测试与衡量，选项说明为英文）。",
        "Write a synthetic corpus of disclosures and its ground truth (labels.json).",
    ),
)
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
@_lang_option
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


def _years_of(value: str) -> list[int]:
    """2023,2024,2025 or 2021-2025 as a list of years."""
    out: list[int] = []
    for part in value.split(","):
        a, _, b = part.strip().partition("-")
        if not a.isdigit() or (b and not b.isdigit()):
            raise click.BadParameter(
                text(f"不是年份或年份范围：{part!r}", f"not a year or range of years: {part!r}"), param_hint="--years"
            )
        out.extend(range(int(a), int(b or a) + 1))
    return sorted(set(out))


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="anomaly")
