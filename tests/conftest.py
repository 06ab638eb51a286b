from pathlib import Path

import pytest

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
