"""`anomaly serve`: the report of a run, served to a team that triages in it.

The page is the run's own report.html with the current decisions and assignments
injected (and a Content-Security-Policy that lets its script call back here); the
script then shows confirm / dismiss / reopen, a note and an assignee, and posts each
change to /api. Decisions land in the triage store (anomaly/store.py) that the next
`anomaly screen` reads, keyed as the command line keys them.

Who may do what: a signed session cookie (HttpOnly, SameSite=Strict, Secure) made at
login with an account's password, or, behind a reverse proxy that authenticates, the
user name from a header the operator names (--trust-header). Every POST carries the
session's CSRF token. Reviewers read; analysts write. A wrong password is answered
after a delay.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import polars as pl
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from anomaly import store
from reports.html import CSP, safe_json
from reports.i18n import STRINGS, lang_of

COOKIE = "anomaly_session"
SESSION_HOURS = 12
LOGIN_DELAY_S = 1.0
MAX_NOTE = 2000
SERVED_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = {
    "Content-Security-Policy": SERVED_CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_DATA_TAG = '<script type="application/json" id="report-data">'


@dataclass
class Run:
    """What the server knows of the run: its page and the key of every finding."""

    page: str
    lang: str
    keys: dict[str, tuple]  # finding_id -> (unit_key, year, rule, fingerprint)
    findings: pl.DataFrame  # finding_id + KEY
    unit_keys: dict[str, str]  # unit_id -> unit_key

    @classmethod
    def load(cls, out_dir: Path) -> Run:
        page = (out_dir / "report.html").read_text(encoding="utf-8")
        if CSP not in page or _DATA_TAG not in page:
            raise ValueError(f"{out_dir / 'report.html'} was written by another version: run `anomaly screen` again")
        lang = "en" if '<html lang="en">' in page else "zh"
        findings = pl.read_parquet(out_dir / "findings.parquet", columns=["finding_id", *store.KEY]).unique(
            "finding_id", keep="first"
        )
        units = pl.read_parquet(out_dir / "units.parquet", columns=["unit_id", "unit_name"])
        unit_keys = dict(units.select("unit_id", pl.coalesce("unit_name", "unit_id")).rows())
        keys = {r[0]: tuple(r[1:]) for r in findings.rows()}
        return cls(page=page, lang=lang, keys=keys, findings=findings, unit_keys=unit_keys)


class Latest:
    """The run in a folder, loaded again once a new screen has written it there: a team's
    server stays up from night to night. manifest.json is written last, so a run is
    whole once it changes; a run that cannot be read yet (a screen mid-way) leaves the
    one served before in place."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.stamp = self._stamp()
        self.run = Run.load(out_dir)

    def _stamp(self) -> int | None:
        try:
            return (self.out_dir / "manifest.json").stat().st_mtime_ns
        except OSError:
            return None

    def __call__(self) -> Run:
        stamp = self._stamp()
        if stamp != self.stamp:
            try:
                self.run, self.stamp = Run.load(self.out_dir), stamp
            except (OSError, ValueError, pl.exceptions.PolarsError):
                pass
        return self.run


def create_app(
    out_dir: Path,
    db: str | Path | None = None,
    trust_header: str | None = None,
    secret: str | None = None,
    login_delay: float = LOGIN_DELAY_S,
    secure_cookie: bool = True,
) -> Starlette:
    """The web application serving the run in ``out_dir`` with the store ``db``."""
    out_dir = Path(out_dir)
    engine = store.engine_for(db or store.default_db(out_dir))
    latest = Latest(out_dir)
    signer = URLSafeTimedSerializer(secret or secrets.token_hex(32), salt="anomaly-session")
    text = STRINGS[lang_of(latest().lang)]

    # ---- sessions --------------------------------------------------------------
    def session_of(request: Request) -> dict | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            return signer.loads(raw, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return None

    def with_session(response: Response, session: dict) -> Response:
        response.set_cookie(
            COOKIE,
            signer.dumps(session),
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            secure=secure_cookie,
            samesite="strict",
            path="/",
        )
        return response

    def user_of(request: Request) -> tuple[dict | None, str | None]:
        """(session, user name): the proxy's header when trusted, else the session's."""
        session = session_of(request)
        if trust_header:
            return session, request.headers.get(trust_header) or None
        return session, (session or {}).get("u")

    def csrf_ok(session: dict | None, token: str | None) -> bool:
        return bool(session and token and hmac.compare_digest(str(session.get("c", "")), str(token)))

    def secured(response: Response) -> Response:
        response.headers.update(_HEADERS)
        return response

    # ---- the page --------------------------------------------------------------
    def state() -> dict:
        run = latest()
        decided = store.decisions(engine, include_reopened=True)
        rows = run.findings.join(decided, on=list(store.KEY), how="inner").select(
            "finding_id", "decision", "note", "decided_by", "decided_at", "version"
        )
        assigned = store.assignments(engine)
        by_key = {r[0]: [r[1], r[4]] for r in assigned.rows()}
        return {
            "run": latest.stamp,  # which run the state is of: a page of an older one says so
            "decisions": rows.rows(),
            "assignments": {uid: by_key[k] for uid, k in run.unit_keys.items() if k in by_key},
            "users": [u["name"] for u in store.users(engine) if u["role"] == "analyst"],
        }

    async def page(request: Request) -> Response:
        session, user = user_of(request)
        if not user:
            if trust_header:
                return secured(HTMLResponse(html.escape(text["srv_no_header"]), status_code=401))
            return secured(RedirectResponse("/login", status_code=303))
        role = await run_in_threadpool(store.role_of, engine, user)
        if trust_header:
            role = role or "analyst"  # the proxy has let them in
            if not session or session.get("u") != user:
                session = {"u": user, "c": secrets.token_urlsafe(32)}
        elif role is None:  # the account was removed
            return secured(RedirectResponse("/login", status_code=303))
        config = {"user": user, "role": role, "csrf": session["c"], "proxy": bool(trust_header)}
        config |= await run_in_threadpool(state)
        body = (
            latest()
            .page.replace(CSP, SERVED_CSP, 1)
            .replace(
                _DATA_TAG,
                f'<script type="application/json" id="serve-config">{safe_json(config)}</script>\n{_DATA_TAG}',
                1,
            )
        )
        return secured(with_session(HTMLResponse(body), session))

    async def api_state(request: Request) -> Response:
        _, user = user_of(request)
        if not user:
            return secured(JSONResponse({"error": "login"}, status_code=401))
        return secured(JSONResponse(await run_in_threadpool(state)))

    # ---- login -----------------------------------------------------------------
    def login_page(session: dict, error: str | None = None, name: str = "", status: int = 200) -> Response:
        esc = html.escape
        body = f"""<!DOCTYPE html>
<html lang="{"zh-CN" if latest().lang == "zh" else "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(text["srv_login"])}</title>
<style>body{{font:15px system-ui,sans-serif;display:flex;justify-content:center;margin-top:12vh}}
form{{display:grid;gap:10px;min-width:280px}}input,button{{font:inherit;padding:6px}}.err{{color:#c62828}}</style>
</head><body><form method="post" action="/login">
<h1>{esc(text["title"])}</h1>
{f'<p class="err" role="alert">{esc(error)}</p>' if error else ""}
<label>{esc(text["srv_name"])} <input name="name" autocomplete="username" required value="{esc(name)}"></label>
<label>{esc(text["srv_password"])} <input name="password" type="password" autocomplete="current-password" required></label>
<input type="hidden" name="csrf" value="{esc(session["c"])}">
<button type="submit">{esc(text["srv_login"])}</button>
</form></body></html>"""
        return secured(with_session(HTMLResponse(body, status_code=status), session))

    async def login_form(request: Request) -> Response:
        if trust_header:
            return secured(RedirectResponse("/", status_code=303))
        session = session_of(request) or {"u": None, "c": secrets.token_urlsafe(32)}
        return login_page(session)

    async def login(request: Request) -> Response:
        session = session_of(request)
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        if trust_header or not csrf_ok(session, form.get("csrf")):
            return secured(Response("CSRF", status_code=403))
        name, password = form.get("name", "")[:200], form.get("password", "")[:1000]
        role = await run_in_threadpool(store.check_password, engine, name, password)
        if role is None:
            await asyncio.sleep(login_delay)  # slows guessing down
            return login_page(session, text["srv_wrong_password"], name, status=401)
        return with_session(RedirectResponse("/", status_code=303), {"u": name, "c": secrets.token_urlsafe(32)})

    async def logout(request: Request) -> Response:
        session = session_of(request)
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
        if not csrf_ok(session, form.get("csrf")):
            return secured(Response("CSRF", status_code=403))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return secured(response)

    # ---- writes ----------------------------------------------------------------
    async def writer(request: Request) -> tuple[str | None, dict | None, Response | None]:
        """(user, JSON body) of an allowed write, or the response refusing it."""
        session, user = user_of(request)
        if not user:
            return None, None, secured(JSONResponse({"error": "login"}, status_code=401))
        if trust_header and (session or {}).get("u") != user:
            return None, None, secured(JSONResponse({"error": "csrf"}, status_code=403))
        if not csrf_ok(session, request.headers.get("x-csrf-token")):
            return None, None, secured(JSONResponse({"error": "csrf"}, status_code=403))
        role = await run_in_threadpool(store.role_of, engine, user)
        role = role or ("analyst" if trust_header else None)
        if role != "analyst":
            return None, None, secured(JSONResponse({"error": "read-only"}, status_code=403))
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return None, None, secured(JSONResponse({"error": "json"}, status_code=415))
        try:
            body = json.loads(await request.body())
            assert isinstance(body, dict)
        except (ValueError, AssertionError):
            return None, None, secured(JSONResponse({"error": "json"}, status_code=400))
        return user, body, None

    async def decide(request: Request) -> Response:
        user, body, refused = await writer(request)
        if refused:
            return refused
        key = latest().keys.get(str(body.get("finding_id")))
        decision = body.get("decision")
        version = body.get("version")
        note = body.get("note")
        if (
            key is None
            or decision not in (*store.DECISIONS, None)
            or not isinstance(version, int)
            or not (note is None or isinstance(note, str))
        ):
            return secured(JSONResponse({"error": "bad request"}, status_code=400))
        note = (note or "").strip()[:MAX_NOTE] or None
        try:
            row = await run_in_threadpool(store.decide_with_retry, engine, key, decision, note, user, version)
        except store.Conflict as exc:
            return secured(JSONResponse({"conflict": True, "current": _decision_json(exc.current)}, status_code=409))
        return secured(JSONResponse(_decision_json(row)))

    async def assign(request: Request) -> Response:
        user, body, refused = await writer(request)
        if refused:
            return refused
        unit_key = latest().unit_keys.get(str(body.get("unit_id")))
        assignee, version = body.get("assignee"), body.get("version")
        if unit_key is None or not isinstance(version, int) or not (assignee is None or isinstance(assignee, str)):
            return secured(JSONResponse({"error": "bad request"}, status_code=400))
        assignee = (assignee or "").strip()[:200] or None
        if assignee is not None and not trust_header:  # behind a proxy, its names need no account
            analysts = await run_in_threadpool(
                lambda: {u["name"] for u in store.users(engine) if u["role"] == "analyst"}
            )
            if assignee not in analysts:  # a typo, or a reviewer, who cannot decide
                return secured(JSONResponse({"error": "unknown analyst"}, status_code=422))
        try:
            row = await run_in_threadpool(store.assign, engine, unit_key, assignee, user, version)
        except store.Conflict as exc:
            current = exc.current or {}
            return secured(
                JSONResponse(
                    {"conflict": True, "current": [current.get("assignee"), current.get("version", 0)]},
                    status_code=409,
                )
            )
        return secured(JSONResponse([row["assignee"], row["version"]]))

    return Starlette(
        routes=[
            Route("/", page),
            Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
            Route("/api/state", api_state),
            Route("/api/decide", decide, methods=["POST"]),
            Route("/api/assign", assign, methods=["POST"]),
        ]
    )


def _decision_json(row: dict | None) -> dict:
    """A decision as the page holds it (version 0: never decided)."""
    row = row or {}
    return {k: row.get(k) for k in ("decision", "note", "decided_by", "decided_at")} | {
        "version": row.get("version", 0)
    }
