#!/usr/bin/env python3
"""unspin quick start: `python3 run.py demo`, `python3 run.py test` and `python3 run.py serve`.

Each creates (or reuses) a virtual environment in .venv, installs unspin and what it needs
into it (again only when pyproject.toml changed), then runs. Nothing outside .venv and
out/ is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def sh(*cmd: str | os.PathLike[str], check: bool = True) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, check=check).returncode


def _mypyc_modules() -> tuple[str, ...]:
    """The modules setup.py compiles (``MYPYC_MODULES`` of src/unspin/__init__.py, read without importing it)."""
    import ast

    for node in ast.parse((ROOT / "src" / "unspin" / "__init__.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "MYPYC_MODULES" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


def ensure_env(extras: str) -> None:
    """Create .venv and install unspin[extras] unless the stamp says it is current."""
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # the C extension (setup.py, src/unspin/_fastscan.c) is compiled at install: a change to it
    # reinstalls too; so does a change to a module setup.py compiles with mypyc (else the stale
    # build is set aside and the tests, speed gate included, run the pure-Python modules)
    built = [ROOT / "pyproject.toml", ROOT / "setup.py", ROOT / "src" / "unspin" / "_fastscan.c",
             *(ROOT / "src" / "unspin" / f"{m}.py" for m in _mypyc_modules())]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in built if p.exists())).hexdigest()
    wanted = set(filter(None, extras.split(",")))
    stamp = VENV / ".unspin-installed"
    try:  # {"digest": ..., "extras": [...]}: the same sources with at least these extras installed
        done = json.loads(stamp.read_text())
        if done["digest"] == digest and wanted <= set(done["extras"]):
            return
        wanted |= set(done["extras"])  # keep what is installed in the stamp
    except (OSError, ValueError, KeyError, TypeError):
        pass
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip")
    target = f".[{','.join(sorted(wanted))}]" if wanted else "."
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)
    stamp.write_text(json.dumps({"digest": digest, "extras": sorted(wanted)}))


def demo() -> int:
    ensure_env("dev,bench")
    return sh(BIN / "python", ROOT / "scripts" / "demo.py", check=False)


def serve() -> int:
    """Index the bundled samples (once) and start the web app on http://127.0.0.1:8000/."""
    ensure_env("web")
    db = ROOT / "out" / "serve.db"
    (ROOT / "out").mkdir(exist_ok=True)
    if not db.exists():
        sh(BIN / "unspin", "index", "add", "--db", db, ROOT / "samples" / "articles.jsonl", "--no-progress")
    return sh(BIN / "unspin", "serve", "--db", db, "--data", ROOT / "out" / "web", check=False)


def test() -> int:
    ensure_env("dev,bench,web,browser,spark")
    rc = 0
    rc |= sh(BIN / "ruff", "check", "src", "tests", "benchmarks", "scripts", check=False)
    rc |= sh(BIN / "mypy", check=False)
    rc |= sh(BIN / "python", "-m", "pytest", check=False)
    rc |= sh(BIN / "python", ROOT / "benchmarks" / "gate.py", check=False)
    rc |= sh(BIN / "python", ROOT / "benchmarks" / "speed_gate.py", check=False)
    print("all checks passed" if rc == 0 else "SOME CHECKS FAILED", flush=True)
    return rc


def main() -> int:
    jobs = {"demo": demo, "test": test, "serve": serve}
    if len(sys.argv) != 2 or sys.argv[1] not in jobs:
        print("usage: python3 run.py demo | test | serve", file=sys.stderr)
        return 2
    return jobs[sys.argv[1]]()


if __name__ == "__main__":
    sys.exit(main())
