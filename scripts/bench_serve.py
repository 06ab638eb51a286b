"""Benchmark `anomaly serve` under a team: concurrent analysts deciding findings.

A run of --units units (10,000 by default) is synthesised directly as its outputs
(report.html, findings.parquet, units.parquet: screening 10,000 disclosures takes too
long for a benchmark), served by uvicorn in its own process, and --analysts analysts
(20) sign in and decide findings at once, each pausing --think seconds on average
before a decision (0.5 s: far busier than people reading evidence, 40 decisions a second): each its own share of --per-analyst findings,
then all of them racing for the same --contested findings (one may win each; the rest
must get 409 with the winner's decision). Prints the latency percentiles of the
decision requests and checks the store afterwards: no lost and no duplicated decision.

    python scripts/bench_serve.py                      # SQLite (the default store)
    python scripts/bench_serve.py --db postgresql      # a throwaway PostgreSQL server
    python scripts/bench_serve.py --db postgresql://user@host/db

Not a test: timings vary with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import httpx
import polars as pl

from anomaly import store
from anomaly.triage import with_keys
from reports.html import write_html
from reports.model import fake_report_input


def synthesise_run(out: Path, n_units: int) -> pl.DataFrame:
    """Write the outputs `anomaly serve` reads for a fake run; its findings with ids."""
    run = fake_report_input(n_units=n_units, seed=3)
    findings = run.findings.with_row_index("_i").with_columns(fingerprint=pl.col("_i").cast(pl.String)).drop("_i")
    findings = with_keys(findings, run.units)
    out.mkdir(parents=True, exist_ok=True)
    findings.write_parquet(out / "findings.parquet")
    run.units.write_parquet(out / "units.parquet")
    write_html(out / "report.html", type(run)(**{**run.__dict__, "findings": findings}), crop_units=0)
    return findings


SERVER = """
import sys, uvicorn
sys.path.insert(0, {root!r})
from anomaly.server import create_app
# secure_cookie=False: the benchmark's client (httpx) sends Secure cookies over https only
app = create_app({out!r}, db={db!r}, secret="bench", login_delay=0, secure_cookie=False)
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def analyst(
    base: str, name: str, mine: list[str], contested: list[str], lat: list[float], outcome: dict, think: float
):
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        page = (await client.get("/login")).text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        await client.post("/login", data={"name": name, "password": f"{name}-password", "csrf": token})
        page = (await client.get("/")).text
        csrf = re.search(r'"csrf":"([^"]+)"', page).group(1)
        headers = {"X-CSRF-Token": csrf}

        rnd = random.Random(name)

        async def decide(fid: str, decision: str) -> int:
            if think:  # an analyst reads before deciding: exponential pauses of mean `think`
                await asyncio.sleep(rnd.expovariate(1 / think))
            body = {"finding_id": fid, "decision": decision, "note": f"{name}: {fid}", "version": 0}
            t0 = time.perf_counter()
            r = await client.post("/api/decide", json=body, headers=headers)
            lat.append(time.perf_counter() - t0)
            return r.status_code

        for i, fid in enumerate(mine):
            outcome[(fid, name)] = await decide(fid, "dismissed" if i % 2 else "confirmed")
        for fid in contested:
            outcome[(fid, name)] = await decide(fid, "confirmed")


@contextlib.contextmanager
def database(spec: str, tmp: Path):
    if spec == "sqlite":
        yield str(tmp / "triage.sqlite")
    elif spec == "postgresql":
        import pgcluster

        with pgcluster.cluster() as url:
            yield pgcluster.fresh_database(url, "bench")
    else:
        yield spec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--analysts", type=int, default=20)
    ap.add_argument("--per-analyst", type=int, default=50)
    ap.add_argument("--contested", type=int, default=10)
    ap.add_argument(
        "--think",
        type=float,
        default=0.5,
        help="mean seconds an analyst pauses before each decision (0: all as fast as the client can)",
    )
    ap.add_argument("--db", default="sqlite", help="sqlite, postgresql (a throwaway server) or a database URL")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name, database(args.db, Path(tmp_name)) as db:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        findings = synthesise_run(tmp / "out", args.units)
        print(f"run: {args.units} units, {findings.height} findings, synthesised in {time.perf_counter() - t0:.1f}s")
        engine = store.engine_for(db)
        names = [f"analyst{i:02d}" for i in range(args.analysts)]
        for name in names:
            store.set_user(engine, name, f"{name}-password", "analyst")
        ids = findings["finding_id"].unique(maintain_order=True).to_list()
        need = args.analysts * args.per_analyst + args.contested
        assert len(ids) >= need, f"only {len(ids)} findings for {need} decisions"
        contested = ids[: args.contested]
        shares = [
            ids[args.contested + k * args.per_analyst : args.contested + (k + 1) * args.per_analyst]
            for k in range(args.analysts)
        ]
        port = free_port()
        code = SERVER.format(root=str(ROOT), out=str(tmp / "out"), db=str(db), port=port)
        proc = subprocess.Popen([sys.executable, "-c", code])
        base = f"http://127.0.0.1:{port}"
        try:
            t0 = time.perf_counter()
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/login", timeout=1).status_code == 200:
                        break
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
            print(f"server up in {time.perf_counter() - t0:.1f}s (store: {args.db})")
            lat: list[float] = []
            outcome: dict = {}

            async def everyone():
                await asyncio.gather(
                    *[analyst(base, n, shares[k], contested, lat, outcome, args.think) for k, n in enumerate(names)]
                )

            t0 = time.perf_counter()
            asyncio.run(everyone())
            wall = time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        # The store again, after the server: every accepted decision is there once.
        decided = store.decisions(engine)
        trail = store.audit(engine)
    ok = sum(1 for s in outcome.values() if s == 200)
    conflicts = sum(1 for s in outcome.values() if s == 409)
    other = len(outcome) - ok - conflicts
    lat_ms = pl.Series(lat) * 1000
    own_lost = sum(1 for k, share in enumerate(shares) for fid in share if outcome.get((fid, names[k])) != 200)
    winners = {fid: sum(outcome[(fid, n)] == 200 for n in names) for fid in contested}
    dup_versions = trail.group_by("unit_key", "rule", "fingerprint", "version").len().filter(pl.col("len") > 1).height
    print(
        f"{len(lat)} decision requests by {args.analysts} analysts at once (mean pause {args.think}s) in {wall:.1f}s "
        f"({len(lat) / wall:.0f}/s): 200 {ok}, 409 {conflicts}, other {other}"
    )
    print(
        f"latency ms: p50 {lat_ms.quantile(0.5):.1f}  p95 {lat_ms.quantile(0.95):.1f}  "
        f"p99 {lat_ms.quantile(0.99):.1f}  max {lat_ms.max():.1f}"
    )
    print(
        f"store: {decided.height} decisions, {trail.height} audit rows; expected {ok}; "
        f"own decisions not accepted {own_lost}; contested findings with one winner "
        f"{sum(v == 1 for v in winners.values())}/{len(winners)}; duplicated versions {dup_versions}"
    )
    good = (
        decided.height == ok == trail.height
        and own_lost == 0
        and other == 0
        and all(v == 1 for v in winners.values())
        and dup_versions == 0
    )
    print("no lost or duplicated decision" if good else "LOST OR DUPLICATED DECISIONS")
    print(f"p95 under 100 ms: {'yes' if lat_ms.quantile(0.95) < 100 else 'NO'}")


if __name__ == "__main__":
    main()
