"""The triage store: decisions, assignments, the audit trail and accounts, in SQL.

One analyst keeps it in a SQLite file (OUT/triage.sqlite, the default); a team points
every analyst's server and the nightly run at one PostgreSQL database
(``postgresql://…``). The schema is created and upgraded by Alembic (anomaly/migrations)
each time a store is opened.

Writes are optimistic: a decision or assignment carries the version its writer saw,
and a write against a newer version is refused with the current row (a `Conflict`),
so two analysts deciding the same finding never silently overwrite each other. Every
write adds a row to the audit trail (who, when, before, after) in the same transaction.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from anomaly.triage import AUDIT_SCHEMA, DECISION_COLUMNS

DECISIONS = ("dismissed", "confirmed")
ROLES = ("analyst", "reviewer")
KEY = ("unit_key", "year", "rule", "fingerprint")
ENV = "ANOMALY_DB"  # the store every command uses when --db is not given

METADATA = sa.MetaData()
DECISION_TABLE = sa.Table(
    "decisions",
    METADATA,
    sa.Column("unit_key", sa.String, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("rule", sa.String, primary_key=True),
    sa.Column("fingerprint", sa.String, primary_key=True),
    sa.Column("decision", sa.String),
    sa.Column("note", sa.Text),
    sa.Column("decided_by", sa.String),
    sa.Column("decided_at", sa.String, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
)
ASSIGNMENTS = sa.Table(
    "assignments",
    METADATA,
    sa.Column("unit_key", sa.String, primary_key=True),
    sa.Column("assignee", sa.String),
    sa.Column("assigned_by", sa.String),
    sa.Column("assigned_at", sa.String, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
)
AUDIT = sa.Table(
    "audit",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String, nullable=False),
    sa.Column("actor", sa.String, nullable=False),
    sa.Column("action", sa.String, nullable=False),  # decide | assign
    sa.Column("unit_key", sa.String, nullable=False),
    sa.Column("year", sa.Integer),
    sa.Column("rule", sa.String),
    sa.Column("fingerprint", sa.String),
    sa.Column("before", sa.String),
    sa.Column("after", sa.String),
    sa.Column("before_note", sa.Text),
    sa.Column("after_note", sa.Text),
    sa.Column("version", sa.Integer, nullable=False),
)
USERS = sa.Table(
    "users",
    METADATA,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("password_hash", sa.String),
    sa.Column("role", sa.String, nullable=False),
    sa.Column("created_at", sa.String, nullable=False),
)
AUDIT_COLUMNS = [c.name for c in AUDIT.columns]
DECISION_SCHEMA = {**DECISION_COLUMNS, "version": pl.Int64}  # the decisions a run reads, and their version


@dataclass
class Conflict(Exception):
    """A write against a version someone else has already replaced; `current` is theirs."""

    current: dict | None


def url_of(db: str | Path) -> str:
    """A SQLAlchemy URL for a path or URL (`postgresql://…` uses psycopg 3)."""
    text = str(db)
    if "://" not in text:
        return f"sqlite:///{Path(text).resolve()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_MIGRATED: set[str] = set()
_LOCK = threading.Lock()


def engine_for(db: str | Path) -> sa.Engine:
    """An engine on the store at ``db`` (path or URL), its schema brought up to date."""
    url = url_of(db)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    with _LOCK:
        if url not in _MIGRATED:
            migrate(engine)
            _MIGRATED.add(url)
    return engine


_WRITERS: dict[str, threading.Lock] = {}


def writing(engine: sa.Engine):
    """A lock around one write on SQLite: its writers take turns anyway, and waiting
    here is quicker than SQLite's busy handler, which sleeps in steps of up to 100 ms.
    PostgreSQL writes at once (its row locks and the version check keep them apart)."""
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    with _LOCK:
        return _WRITERS.setdefault(str(engine.url), threading.Lock())


def _sqlite_pragmas(conn, _record) -> None:
    # WAL lets readers go on while one analyst writes; a writer waits for the lock.
    cur = conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def migrate(engine: sa.Engine) -> None:
    """Run Alembic's upgrade to head on ``engine`` (PostgreSQL: under an advisory lock,
    so servers starting together do not race)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("anomaly").joinpath("migrations")))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(172017)"))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def default_db(out_dir: Path | None = None) -> str:
    """$ANOMALY_DB, else OUT/triage.sqlite."""
    return os.environ.get(ENV) or str(Path(out_dir or "anomaly-out") / "triage.sqlite")


# ---- decisions --------------------------------------------------------------------


def decisions(engine: sa.Engine, include_reopened: bool = False) -> pl.DataFrame:
    """The remembered decisions (reopened ones, whose decision is null, on request)."""
    query = sa.select(DECISION_TABLE).order_by(DECISION_TABLE.c.decided_at)
    if not include_reopened:
        query = query.where(DECISION_TABLE.c.decision.is_not(None))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=DECISION_SCHEMA, orient="row")


def _key_clause(table: sa.Table, key: tuple) -> sa.ColumnElement:
    return sa.and_(*[table.c[k] == v for k, v in zip(KEY, key)])


def decide(
    engine: sa.Engine,
    key: tuple,
    decision: str | None,
    note: str | None,
    by: str,
    seen_version: int | None,
) -> dict:
    """Record ``decision`` (None: reopen) on the finding ``key`` (unit_key, year, rule,
    fingerprint) as written by ``by``, who saw ``seen_version`` (0: no decision yet; None:
    whatever is there, as the command line does). Returns the new row; raises Conflict."""
    if decision is not None and decision not in DECISIONS:
        raise ValueError(decision)
    t = DECISION_TABLE
    with writing(engine), engine.begin() as conn:
        before = conn.execute(sa.select(t).where(_key_clause(t, key))).mappings().first()
        before = dict(before) if before else None
        version = before["version"] if before else 0
        if seen_version is not None and seen_version != version:
            raise Conflict(before)
        values = {"decision": decision, "note": note, "decided_by": by, "decided_at": now()}
        try:
            if before is None:
                conn.execute(sa.insert(t).values(**dict(zip(KEY, key)), **values, version=1))
            else:
                done = conn.execute(
                    sa.update(t)
                    .where(_key_clause(t, key), t.c.version == version)
                    .values(**values, version=version + 1)
                )
                if done.rowcount != 1:
                    raise Conflict(None)
        except sa.exc.IntegrityError:  # another writer inserted it first
            raise Conflict(None) from None
        conn.execute(
            sa.insert(AUDIT).values(
                at=values["decided_at"],
                actor=by,
                action="decide",
                **dict(zip(KEY, key)),
                before=before and before["decision"],
                after=decision,
                before_note=before and before["note"],
                after_note=note,
                version=version + 1,
            )
        )
    return {**dict(zip(KEY, key)), **values, "version": version + 1}


def decide_with_retry(engine: sa.Engine, key: tuple, decision, note, by, seen_version) -> dict:
    """decide(); a Conflict without the current row is read again and raised with it."""
    try:
        return decide(engine, key, decision, note, by, seen_version)
    except Conflict as exc:
        if exc.current is None:
            exc.current = current_decision(engine, key)
        raise


def current_decision(engine: sa.Engine, key: tuple) -> dict | None:
    t = DECISION_TABLE
    with engine.connect() as conn:
        row = conn.execute(sa.select(t).where(_key_clause(t, key))).mappings().first()
    return dict(row) if row else None


# ---- assignments ------------------------------------------------------------------


def assignments(engine: sa.Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(ASSIGNMENTS)).all()
    schema = {"unit_key": pl.String, "assignee": pl.String, "assigned_by": pl.String}
    schema |= {"assigned_at": pl.String, "version": pl.Int64}
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def assign(engine: sa.Engine, unit_key: str, assignee: str | None, by: str, seen_version: int | None) -> dict:
    """Assign the unit to ``assignee`` (None: nobody); optimistic like decide()."""
    t = ASSIGNMENTS
    at = now()
    with writing(engine), engine.begin() as conn:
        before = conn.execute(sa.select(t).where(t.c.unit_key == unit_key)).mappings().first()
        before = dict(before) if before else None
        version = before["version"] if before else 0
        if seen_version is not None and seen_version != version:
            raise Conflict(before)
        values = {"assignee": assignee, "assigned_by": by, "assigned_at": at}
        try:
            if before is None:
                conn.execute(sa.insert(t).values(unit_key=unit_key, **values, version=1))
            elif (
                conn.execute(
                    sa.update(t)
                    .where(t.c.unit_key == unit_key, t.c.version == version)
                    .values(**values, version=version + 1)
                ).rowcount
                != 1
            ):
                raise Conflict(None)
        except sa.exc.IntegrityError:
            raise Conflict(None) from None
        conn.execute(
            sa.insert(AUDIT).values(
                at=at,
                actor=by,
                action="assign",
                unit_key=unit_key,
                before=before and before["assignee"],
                after=assignee,
                version=version + 1,
            )
        )
    return {"unit_key": unit_key, **values, "version": version + 1}


# ---- audit trail ------------------------------------------------------------------


def audit(engine: sa.Engine) -> pl.DataFrame:
    """Every write, oldest first: who, when, what, before and after."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(AUDIT).order_by(AUDIT.c.id)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=AUDIT_SCHEMA, orient="row")


# ---- accounts ---------------------------------------------------------------------


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def set_user(engine: sa.Engine, name: str, password: str | None, role: str) -> bool:
    """Create the account, or replace its password and role; True when it is new."""
    if role not in ROLES:
        raise ValueError(role)
    hashed = _hasher().hash(password) if password else None
    t = USERS
    with engine.begin() as conn:
        new = conn.execute(sa.select(t.c.name).where(t.c.name == name)).first() is None
        if new:
            conn.execute(sa.insert(t).values(name=name, password_hash=hashed, role=role, created_at=now()))
        else:
            conn.execute(sa.update(t).where(t.c.name == name).values(password_hash=hashed, role=role))
    return new


def users(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(USERS.c.name, USERS.c.role, USERS.c.created_at).order_by(USERS.c.name))
        return [dict(r) for r in rows.mappings()]


def role_of(engine: sa.Engine, name: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(USERS.c.role).where(USERS.c.name == name)).scalar()


# A hash to verify against when the name is unknown, so that a missing account and a
# wrong password take the same time.
_DUMMY: list[str] = []


def check_password(engine: sa.Engine, name: str, password: str) -> str | None:
    """The account's role when ``password`` is right, else None."""
    from argon2.exceptions import InvalidHashError, VerificationError

    with engine.connect() as conn:
        row = conn.execute(sa.select(USERS.c.password_hash, USERS.c.role).where(USERS.c.name == name)).first()
    hasher = _hasher()
    if not _DUMMY:
        _DUMMY.append(hasher.hash("not a password"))
    try:
        hasher.verify(row[0] if row and row[0] else _DUMMY[0], password)
    except (VerificationError, InvalidHashError):
        return None
    return row[1] if row and row[0] else None
