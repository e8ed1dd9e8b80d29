#!/usr/bin/env python3
"""One-document commands as a user runs them (issue 16): a fresh process each, warm caches.

Times, best of ``--repeat`` runs each, the CPU (user + system, of the child) and the wall
clock of:

- ``python -c pass`` (the interpreter's own start-up: the floor of any command),
- ``python -c "import unspin"`` and ``python -c "import unspin.cli"``,
- ``unspin check samples/suspect.txt`` (all resources and the contextual model),
- ``unspin trace samples/suspect.txt --db <the samples indexed>`` (with the diff of the source).

The derived caches are built by an untimed first run, and Python's bytecode cache is on as
in a default install (``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment;
``--no-bytecode-cache`` keeps it: then every module of unspin is compiled at every start). The
machine is shared: the wall clock counts the time waited for a core; compare CPU figures, and
each with the floor of the same run::

    python benchmarks/bench_startup.py [--repeat 5] [--profile check] [--no-bytecode-cache]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUSPECT = ROOT / "samples" / "suspect.txt"
ARTICLES = ROOT / "samples" / "articles.jsonl"


def _unspin(*args: str) -> list[str]:
    return [sys.executable, "-m", "unspin", *args]


ENV = dict(os.environ)


def timed(cmd: list[str]) -> tuple[float, float]:
    """(CPU seconds of the child, wall seconds) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--profile", choices=("check", "trace"), help="print a cProfile (CPU clock) of one command")
    ap.add_argument("--no-bytecode-cache", action="store_true", help="keep PYTHONDONTWRITEBYTECODE if set")
    a = ap.parse_args(argv)
    if not a.no_bytecode_cache:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as d:
        db = str(Path(d) / "samples.unspin")
        subprocess.run(_unspin("index", "add", "--db", db, str(ARTICLES), "--no-progress"), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import unspin": [sys.executable, "-c", "import unspin"],
            "import unspin.cli": [sys.executable, "-c", "import unspin.cli"],
            "unspin check samples/suspect.txt": _unspin("check", str(SUSPECT)),
            "unspin trace samples/suspect.txt --db samples": _unspin("trace", str(SUSPECT), "--db", db),
        }
        if a.profile:
            key = next(k for k in commands if k.startswith(f"unspin {a.profile}"))
            prof = Path(d) / "prof.out"
            script = ("import cProfile, sys, time; from unspin.cli import main; sys.argv = ['unspin'] + sys.argv[1:]; "
                      f"p = cProfile.Profile(time.process_time); p.enable()\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
                      f"p.disable(); p.dump_stats({str(prof)!r})")
            subprocess.run([sys.executable, "-c", script, *commands[key][3:]], check=True,
                           stdout=subprocess.DEVNULL, cwd=ROOT, env=ENV)
            import pstats

            pstats.Stats(str(prof)).sort_stats("cumulative").print_stats(40)
            return 0
        for cmd in commands.values():  # untimed: builds any missing cache
            timed(cmd)
        out: dict[str, object] = {"loadavg_start": round(os.getloadavg()[0], 2), "repeat": a.repeat,
                                  "bytecode_cache": "PYTHONDONTWRITEBYTECODE" not in ENV}
        floor = 0.0
        for name, cmd in commands.items():
            runs = [timed(cmd) for _ in range(a.repeat)]
            cpu = min(c for c, _ in runs)
            wall = min(w for _, w in runs)
            if name == "python -c pass":
                floor = cpu
            out[name] = {"cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
                         "cpu_over_python": round(cpu / floor, 1) if floor else None}
        out["loadavg_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
