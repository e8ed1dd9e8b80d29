from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_30202366f37494a7.txt"
BBC = SHARED / "data" / "bbc-dev.jsonl.gz"
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip("needs ../shared/seed (the real-world seed case is not in the repository)")
    return SEED


@pytest.fixture
def bbc_path() -> Path:
    if not BBC.exists():
        pytest.skip("needs ../shared/data/bbc-dev.jsonl.gz (development corpus, not in the repository)")
    return BBC
