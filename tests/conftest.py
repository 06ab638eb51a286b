import os
from pathlib import Path

import pytest

# The command line's language comes from the environment when anomaly.cli is imported:
# the tests expect its default, Chinese.
os.environ.pop("ANOMALY_LANG", None)

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"


@pytest.fixture(scope="session")
def seed_file() -> Path:
    """The real disclosure in ../shared/seed; tests that need it skip where it is absent."""
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip("../shared/seed is not present (a user's fresh clone)")
    return files[0]


@pytest.fixture(scope="session")
def seed_frames(seed_file):
    from datasets.corpus import parse_files

    return parse_files([seed_file])


# ---- anomaly serve (issue #17): a screened run, and the triage store on each backend ----


@pytest.fixture(scope="session")
def served_run(tmp_path_factory) -> Path:
    """The outputs of screening a small synthetic corpus (shared: tests copy what they change)."""
    from click.testing import CliRunner

    from anomaly.cli import main

    root = tmp_path_factory.mktemp("served")
    CliRunner().invoke(main, ["generate", "--units", "24", "--seed", "3", "--out", str(root / "corpus")])
    r = CliRunner().invoke(main, ["screen", str(root / "corpus"), "--out", str(root / "out"), "--workers", "1"])
    assert r.exit_code == 0, r.output
    return root / "out"


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a throwaway PostgreSQL server; skips where PostgreSQL is not installed."""
    import pgcluster

    if pgcluster.binaries() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    with pgcluster.cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request, tmp_path) -> str:
    """An empty triage store on each backend: a SQLite file, a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "triage.sqlite")
    import uuid

    import pgcluster

    server = request.getfixturevalue("postgres_server")
    return pgcluster.fresh_database(server, f"anomaly_test_{uuid.uuid4().hex[:12]}")


def cross_inputs(text: str, split: str, prefix: str):
    """(units with identity, statements) of a catalog example holding several documents
    separated by `split`, each read and checked on its own as the per-file stage does:
    what the cross-document checks (XYR, EXE) take."""
    import polars as pl

    from anomaly.engine import frames_from_text, run_rules
    from anomaly.years import statements, with_identity

    units, stated = [], []
    for k, part in enumerate(text.split(split)):
        frames = frames_from_text(part, unit_id=f"u{k}", source_path=f"{prefix}{k}.txt")
        findings, _ = run_rules(frames)
        units.append(frames["units"])
        stated.append(statements(frames, findings))
    return with_identity(pl.concat(units, how="diagonal_relaxed")), pl.concat(stated)


@pytest.fixture(scope="module")
def reference(request, tmp_path_factory) -> tuple[Path, Path]:
    """A generated corpus and its local one-worker screen, as the module's REFERENCE =
    (name, units, seed) says: what other runs of the same files (on a cluster, through
    URLs) are compared with."""
    from anomaly.pipeline import Options, screen
    from datasets.read import discover
    from datasets.synthetic import generate_corpus

    name, units, seed = request.module.REFERENCE
    folder = tmp_path_factory.mktemp(name) / "in"
    generate_corpus(folder, units=units, seed=seed)
    out = tmp_path_factory.mktemp(name) / "local"
    screen(discover([folder]), out, Options(workers=1))
    return folder, out


@pytest.fixture(scope="module")
def corpus(reference) -> Path:
    return reference[0]


@pytest.fixture(scope="module")
def local_run(reference) -> Path:
    return reference[1]


def chromium_dom(url: str, profile, binary: str = "chromium") -> str:
    """The DOM headless Chromium makes of ``url`` once its scripts ran (3 s of virtual time),
    with its own profile folder."""
    import subprocess

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    args += ["--disable-component-update", "--disable-sync", f"--user-data-dir={profile}"]
    args += ["--virtual-time-budget=3000", "--dump-dom", url]
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=120).stdout
