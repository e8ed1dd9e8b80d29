"""The long fuzzing run: tests/test_fuzz.py with the ``long`` profile (1,500 random examples
per fast property, 60x the CI budget for the slow ones, not derandomised).

    .venv/bin/python benchmarks/fuzz_long.py [--seed N]

Prints pytest's summary and the seconds taken; exit status is pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    a = ap.parse_args()
    env = {**os.environ, "UNSPIN_FUZZ_PROFILE": "long"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           str(ROOT / "tests" / "test_fuzz.py")]
    if a.seed is not None:
        cmd += [f"--hypothesis-seed={a.seed}"]
    t0 = time.monotonic()
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    print(f"fuzz_long: exit {rc} after {time.monotonic() - t0:.0f} s")
    sys.exit(rc)


if __name__ == "__main__":
    main()
