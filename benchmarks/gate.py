#!/usr/bin/env python3
"""The quality gate: quick figures from every ``benchmarks/eval_*.py`` against pinned floors.

Each ``benchmarks/eval_*.py`` that defines ``gate_metrics() -> dict[str, float]`` is imported
and run (in-repository data only; the whole gate should take under ~3 minutes on 2 cores).
Its figures are compared with the floors in ``benchmarks/baseline.json``::

    {"metrics": {"name": {"floor": 0.9, "higher_is_better": true, "module": "eval_x.py"}, ...},
     "inputs_digest": "<sha256 of the in-repository evaluation inputs>",
     "lowered": [{"metric": ..., "from": ..., "to": ..., "reason": ...}, ...]}

The gate fails (exit 1) when a figure is below its floor (above it, for a lower-is-better
figure), when a floored figure is missing, or when an evaluation script raises.

Usage::

    python benchmarks/gate.py                 # check; exit 1 on a drop
    python benchmarks/gate.py --only synth    # only eval_synth.py
    python benchmarks/gate.py --update        # add new figures; raise floors (never lowers)
    python benchmarks/gate.py --lower NAME --reason "why"   # lower one floor, reason recorded
    python benchmarks/gate.py --remove NAME --reason "why"  # retire a floor, reason recorded

Floors are set ``margin`` below the measured figure (default 0.02; 0 for figures that must be
exact). A module may declare ``GATE_LOWER_IS_BETTER`` (names whose floor is a ceiling) and
``GATE_MARGINS`` (name -> margin); without a declaration, names containing "error",
"false", "_as_fact" or "seconds" are taken as lower-is-better. A floor only goes down with
``--lower NAME --reason "..."``, which records the reason in baseline.json, so the commit
that lowers it carries the reason; the gate also compares baseline.json with its version in
the parent commit (``git show HEAD^:...``) and fails on a floor lowered or removed without
such a record.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BASELINE = BENCH / "baseline.json"
DEFAULT_MARGIN = 0.02
LOWER_HINTS = ("error", "false", "_as_fact", "seconds")
#: In-repository inputs whose digest is pinned with the floors.
INPUTS = ("samples/articles.jsonl", "benchmarks/data")


@dataclass
class Measured:
    value: float
    higher_is_better: bool
    margin: float
    module: str


@dataclass
class Row:
    name: str
    value: float | None
    floor: float | None
    higher_is_better: bool
    status: str  # "ok" | "DROP" | "MISSING" | "new"


# ---------------------------------------------------------------------------- running

def discover(bench: Path = BENCH, only: list[str] | None = None) -> list[Path]:
    paths = sorted(bench.glob("eval_*.py"))
    if only:
        paths = [p for p in paths if p.stem.removeprefix("eval_") in only or p.stem in only]
    return paths


def load(path: Path) -> ModuleType:
    for p in (str(path.parent), str(ROOT / "src")):
        if p not in sys.path:
            sys.path.insert(0, p)
    spec = importlib.util.spec_from_file_location(f"_gate_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def lower_is_better(name: str, declared: set[str]) -> bool:
    return name in declared or any(h in name for h in LOWER_HINTS)


def collect(paths: list[Path], log: Any = print) -> tuple[dict[str, Measured], dict[str, str]]:
    """Run every module's ``gate_metrics``; returns (figures by name, errors by module)."""
    measured: dict[str, Measured] = {}
    errors: dict[str, str] = {}
    for path in paths:
        t0 = time.perf_counter()
        try:
            module = load(path)
            fn = getattr(module, "gate_metrics", None)
            if fn is None:
                continue
            figures = fn()
        except Exception:  # noqa: BLE001 - a failing evaluation fails the gate, with its traceback
            errors[path.name] = traceback.format_exc()
            log(f"{path.name}: ERROR\n{errors[path.name]}")
            continue
        declared = set(getattr(module, "GATE_LOWER_IS_BETTER", ()))
        margins = dict(getattr(module, "GATE_MARGINS", {}))
        for name, value in sorted(figures.items()):
            if name in measured:
                errors[path.name] = f"figure {name!r} also produced by {measured[name].module}"
                continue
            measured[name] = Measured(float(value), not lower_is_better(name, declared),
                                      float(margins.get(name, DEFAULT_MARGIN)), path.name)
        log(f"{path.name}: {len(figures)} figures in {time.perf_counter() - t0:.1f}s")
    return measured, errors


# ---------------------------------------------------------------------------- comparing

def compare(measured: dict[str, float], baseline: dict[str, Any],
            directions: dict[str, bool] | None = None) -> list[Row]:
    """Compare figures with the floors; a row per floored or measured figure, by name.

    ``directions`` (name -> higher is better) only labels figures that have no floor yet.
    """
    floors = baseline.get("metrics", {})
    rows = []
    for name in sorted(set(floors) | set(measured)):
        value = measured.get(name)
        spec = floors.get(name)
        if spec is None:
            rows.append(Row(name, value, None, (directions or {}).get(name, True), "new"))
            continue
        floor, hib = float(spec["floor"]), bool(spec.get("higher_is_better", True))
        if value is None:
            status = "MISSING"
        elif (value < floor - 1e-9) if hib else (value > floor + 1e-9):
            status = "DROP"
        else:
            status = "ok"
        rows.append(Row(name, value, floor, hib, status))
    return rows


def failed(rows: list[Row]) -> bool:
    return any(r.status in ("DROP", "MISSING") for r in rows)


def table(rows: list[Row]) -> str:
    w = max([len(r.name) for r in rows] + [6])
    lines = [f"{'figure':<{w}}  {'value':>9}  {'floor':>9}  dir  status"]
    for r in rows:
        v = "-" if r.value is None else f"{r.value:.4f}"
        f = "-" if r.floor is None else f"{r.floor:.4f}"
        lines.append(f"{r.name:<{w}}  {v:>9}  {f:>9}  {'>=' if r.higher_is_better else '<='}   {r.status}")
    return "\n".join(lines)


def _round(x: float) -> float:
    return round(x, 4)


def update(baseline: dict[str, Any], measured: dict[str, Measured]) -> list[str]:
    """Add floors for new figures and raise existing ones; never lowers. Returns what changed."""
    floors = baseline.setdefault("metrics", {})
    changes = []
    for name, m in sorted(measured.items()):
        target = _round(m.value - m.margin if m.higher_is_better else m.value + m.margin)
        spec = floors.get(name)
        if spec is None:
            floors[name] = {"floor": target, "higher_is_better": m.higher_is_better, "module": m.module}
            changes.append(f"{name}: new floor {target}")
            continue
        spec["module"] = m.module
        old = float(spec["floor"])
        better = target > old if spec.get("higher_is_better", True) else target < old
        if better:
            spec["floor"] = target
            changes.append(f"{name}: floor {old} -> {target}")
    return changes


def lower(baseline: dict[str, Any], name: str, reason: str, measured: Measured | None,
          to: float | None = None) -> str:
    """Lower one floor to ``to`` (else measured - margin); the reason is recorded."""
    if not reason or not reason.strip():
        raise SystemExit("gate: --lower needs --reason \"...\" (it is recorded in baseline.json)")
    spec = baseline.get("metrics", {}).get(name)
    if spec is None:
        raise SystemExit(f"gate: no floor named {name!r}")
    hib = bool(spec.get("higher_is_better", True))
    if to is None:
        if measured is None:
            raise SystemExit(f"gate: {name!r} was not measured; give the new floor with --to")
        to = _round(measured.value - measured.margin if hib else measured.value + measured.margin)
    old = float(spec["floor"])
    spec["floor"] = float(to)
    baseline.setdefault("lowered", []).append({"metric": name, "from": old, "to": float(to),
                                                "reason": reason.strip()})
    return f"{name}: floor {old} -> {to} ({reason.strip()})"


def unexplained_lowerings(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Floors that ``new`` lowers (or drops) relative to ``old`` without a recorded reason.

    A lowering is explained by an entry in ``new["lowered"]`` that ``old`` does not have, for
    that metric, ending at the new floor (what ``--lower NAME --reason`` writes).
    """
    fresh = [e for e in new.get("lowered", []) if e not in old.get("lowered", [])]
    problems = []
    for name, spec in sorted(old.get("metrics", {}).items()):
        now = new.get("metrics", {}).get(name)
        if now is None:
            if not any(e.get("metric") == name for e in fresh):
                problems.append(f"{name}: floor removed without a recorded reason")
            continue
        hib = bool(spec.get("higher_is_better", True))
        was, floor = float(spec["floor"]), float(now["floor"])
        if bool(now.get("higher_is_better", True)) != hib:
            problems.append(f"{name}: direction changed")
        elif (floor < was - 1e-12) if hib else (floor > was + 1e-12):
            if not any(e.get("metric") == name and abs(float(e.get("to", float("nan"))) - floor) < 1e-9
                       and str(e.get("reason", "")).strip() for e in fresh):
                problems.append(f"{name}: floor {was} -> {floor} without --lower and a reason")
    return problems


def baseline_at(rev: str, path: Path) -> dict[str, Any] | None:
    """baseline.json as of git revision ``rev`` (None when git or the file is not there)."""
    import subprocess

    try:
        rel = path.resolve().relative_to(ROOT).as_posix()
        out = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=ROOT, capture_output=True, text=True,
                             timeout=20)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    try:
        data: dict[str, Any] = json.loads(out.stdout)
    except json.JSONDecodeError:
        return None
    return data


def remove(baseline: dict[str, Any], name: str, reason: str) -> str:
    """Remove one floor (a figure renamed or retired); the reason is recorded."""
    if not reason or not reason.strip():
        raise SystemExit("gate: --remove needs --reason \"...\" (it is recorded in baseline.json)")
    spec = baseline.get("metrics", {}).pop(name, None)
    if spec is None:
        raise SystemExit(f"gate: no floor named {name!r}")
    baseline.setdefault("lowered", []).append({"metric": name, "from": float(spec["floor"]), "to": None,
                                                "reason": reason.strip()})
    return f"{name}: floor removed ({reason.strip()})"


def inputs_digest(root: Path = ROOT) -> str:
    h = hashlib.sha256()
    for rel in INPUTS:
        p = root / rel
        files = sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p] if p.exists() else []
        for f in files:
            h.update(f.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def read_baseline(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"metrics": {}}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_baseline(path: Path, baseline: dict[str, Any]) -> None:
    path.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--baseline", type=Path, default=BASELINE)
    ap.add_argument("--bench-dir", type=Path, default=BENCH, help=argparse.SUPPRESS)
    ap.add_argument("--only", action="append", help="run only these modules (synth, check, ...)")
    ap.add_argument("--update", action="store_true", help="add new floors and raise floors (never lowers)")
    ap.add_argument("--lower", metavar="NAME", help="lower the floor of NAME (needs --reason)")
    ap.add_argument("--remove", metavar="NAME", help="remove the floor of NAME, e.g. renamed (needs --reason)")
    ap.add_argument("--reason", help="why a floor is lowered or removed (recorded in baseline.json)")
    ap.add_argument("--to", type=float, help="new floor for --lower (default: measured - margin)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    a = ap.parse_args(argv)
    if (a.lower or a.remove) and not (a.reason and a.reason.strip()):
        print("gate: --lower and --remove need --reason \"...\" (it is recorded in baseline.json)",
              file=sys.stderr)
        return 2

    baseline = read_baseline(a.baseline)
    paths = discover(a.bench_dir, a.only)
    measured, errors = collect(paths)
    values = {k: m.value for k, m in measured.items()}
    if a.json:
        print(json.dumps(values, indent=1, sort_keys=True))

    if a.lower:
        print(lower(baseline, a.lower, a.reason, measured.get(a.lower), a.to))
        write_baseline(a.baseline, baseline)
    if a.remove:
        print(remove(baseline, a.remove, a.reason))
        write_baseline(a.baseline, baseline)
    if a.update:
        if errors:
            print("gate: not updating floors while an evaluation fails", file=sys.stderr)
            return 1
        for line in update(baseline, measured) or ["floors unchanged"]:
            print(line)
        baseline["inputs_digest"] = inputs_digest()
        write_baseline(a.baseline, baseline)

    floors = baseline.get("metrics", {})
    if a.only:
        # checking some modules: only their figures can be missing
        mods = {p.name for p in paths}
        floors = {k: v for k, v in floors.items() if k in values or v.get("module") in mods}
    rows = compare(values, {"metrics": floors}, {k: m.higher_is_better for k, m in measured.items()})
    print(table(rows))
    digest = baseline.get("inputs_digest")
    if digest and digest != inputs_digest():
        print("gate: note: the evaluation inputs changed since the floors were set "
              "(re-check the floors; --update raises them)")
    for name, err in sorted(errors.items()):
        print(f"gate: {name} failed: {err.strip().splitlines()[-1]}")
    # floors only go down through --lower with a reason: check the last commit's change
    history: list[str] = []
    if not (a.lower or a.update or a.remove):
        previous = baseline_at("HEAD^", a.baseline)
        if previous is not None:
            history = unexplained_lowerings(previous, read_baseline(a.baseline))
    for line in history:
        print(f"gate: {line}")
    bad = failed(rows) or bool(errors) or bool(history)
    drops = [r.name for r in rows if r.status in ("DROP", "MISSING")] + (["baseline history"] if history else [])
    print(f"gate: FAILED ({', '.join(drops + sorted(errors))})" if bad else "gate: ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
