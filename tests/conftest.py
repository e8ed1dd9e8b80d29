from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

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


def bench_module(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` (the evaluation scripts are not a package), with the
    gate's loader."""
    spec = importlib.util.spec_from_file_location("_bench_gate", ROOT / "benchmarks" / "gate.py")
    assert spec is not None and spec.loader is not None
    gate = sys.modules.setdefault(spec.name, importlib.util.module_from_spec(spec))
    spec.loader.exec_module(gate)
    module: ModuleType = gate.load(ROOT / "benchmarks" / f"{name}.py")
    return module


def same_output_across_hash_seeds(code: str, seeds: tuple[str, ...] = ("1", "4242")) -> bool:
    """True when ``python -c code`` (run in the repository root) prints the same under each
    ``PYTHONHASHSEED``: output that does not depend on set or dict hash order."""
    outs = set()
    for hs in seeds:
        env = {**os.environ, "PYTHONHASHSEED": hs}
        outs.add(subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                                check=True).stdout)
    return len(outs) == 1


def scan_killed_at(record: int, call: str, prelude: str = "") -> None:
    """Run ``prelude`` then ``call`` (a scan) in a child process that kills itself with SIGKILL
    while extracting its ``record``-th page record, and check that it died that way."""
    code = ("import os, signal\n"
            "import unspin.scan.engine as e\n"
            f"{prelude}"
            "real = e.extract_page_record\n"
            "n = [0]\n"
            "def f(*a, **k):\n"
            "    n[0] += 1\n"
            f"    if n[0] == {record}: os.kill(os.getpid(), signal.SIGKILL)\n"
            "    return real(*a, **k)\n"
            "e.extract_page_record = f\n"
            f"{call}\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=600)
    assert proc.returncode == -9
