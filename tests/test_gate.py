"""benchmarks/gate.py: a figure below its floor fails the gate; floors only go down with a reason."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GATE = ROOT / "benchmarks" / "gate.py"


def _gate():
    spec = importlib.util.spec_from_file_location("gate_under_test", GATE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gate = _gate()

BASE = {"metrics": {"recall": {"floor": 0.8, "higher_is_better": True},
                    "false_rate": {"floor": 0.1, "higher_is_better": False}}}


def test_compare_passes_at_or_above_floor():
    rows = gate.compare({"recall": 0.8, "false_rate": 0.05}, BASE)
    assert [r.status for r in rows] == ["ok", "ok"]
    assert not gate.failed(rows)


def test_compare_fails_when_a_figure_drops():
    rows = gate.compare({"recall": 0.79, "false_rate": 0.05}, BASE)
    assert {r.name: r.status for r in rows}["recall"] == "DROP"
    assert gate.failed(rows)


def test_compare_fails_when_a_lower_is_better_figure_rises():
    rows = gate.compare({"recall": 0.9, "false_rate": 0.2}, BASE)
    assert {r.name: r.status for r in rows}["false_rate"] == "DROP"
    assert gate.failed(rows)


def test_compare_fails_when_a_floored_figure_is_missing():
    rows = gate.compare({"recall": 0.9}, BASE)
    assert {r.name: r.status for r in rows}["false_rate"] == "MISSING"
    assert gate.failed(rows)


def test_new_figures_do_not_fail():
    rows = gate.compare({"recall": 0.9, "false_rate": 0.0, "extra": 0.1}, BASE)
    assert {r.name: r.status for r in rows}["extra"] == "new"
    assert not gate.failed(rows)


def test_update_raises_but_never_lowers():
    base = json.loads(json.dumps(BASE))
    m = {"recall": gate.Measured(0.5, True, 0.02, "x"), "false_rate": gate.Measured(0.01, False, 0.02, "x")}
    gate.update(base, m)
    assert base["metrics"]["recall"]["floor"] == 0.8  # not lowered
    assert base["metrics"]["false_rate"]["floor"] == 0.03  # ceiling tightened
    gate.update(base, {"recall": gate.Measured(0.95, True, 0.02, "x")})
    assert base["metrics"]["recall"]["floor"] == 0.93


def test_lower_needs_a_reason_and_records_it():
    base = json.loads(json.dumps(BASE))
    with pytest.raises(SystemExit):
        gate.lower(base, "recall", "", gate.Measured(0.5, True, 0.02, "x"))
    gate.lower(base, "recall", "new harder samples", gate.Measured(0.5, True, 0.02, "x"))
    assert base["metrics"]["recall"]["floor"] == 0.48
    assert base["lowered"] == [{"metric": "recall", "from": 0.8, "to": 0.48, "reason": "new harder samples"}]


def test_lower_is_better_is_declared_or_guessed_from_the_name():
    assert gate.lower_is_better("trace_false_source_rate", set())
    assert gate.lower_is_better("anything", {"anything"})
    assert not gate.lower_is_better("diff_plagdet", set())


def _fake_bench(tmp: Path) -> Path:
    bench = tmp / "bench"
    bench.mkdir()
    (bench / "eval_fake.py").write_text(
        "import os\n"
        "GATE_LOWER_IS_BETTER = {'fake_error'}\n"
        "def gate_metrics():\n"
        "    return {'fake_score': float(os.environ['FAKE_SCORE']), 'fake_error': 0.1}\n")
    return bench


def _run(bench: Path, baseline: Path, score: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAKE_SCORE": score}
    return subprocess.run([sys.executable, str(GATE), "--bench-dir", str(bench), "--baseline", str(baseline), *args],
                          env=env, capture_output=True, text=True, cwd=ROOT)


def test_gate_script_fails_on_a_drop(tmp_path):
    bench = _fake_bench(tmp_path)
    baseline = tmp_path / "baseline.json"
    assert _run(bench, baseline, "0.9", "--update").returncode == 0
    floors = json.loads(baseline.read_text())["metrics"]
    assert floors["fake_score"] == {"floor": 0.88, "higher_is_better": True, "module": "eval_fake.py"}
    assert floors["fake_error"]["higher_is_better"] is False
    ok = _run(bench, baseline, "0.9")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "gate: ok" in ok.stdout
    drop = _run(bench, baseline, "0.7")  # the figure drops below its floor
    assert drop.returncode == 1
    assert "DROP" in drop.stdout and "fake_score" in drop.stdout


def test_gate_script_lowers_a_floor_only_with_a_reason(tmp_path):
    bench = _fake_bench(tmp_path)
    baseline = tmp_path / "baseline.json"
    _run(bench, baseline, "0.9", "--update")
    assert _run(bench, baseline, "0.7", "--update").returncode == 1  # --update never lowers: still a drop
    assert json.loads(baseline.read_text())["metrics"]["fake_score"]["floor"] == 0.88
    assert _run(bench, baseline, "0.7", "--lower", "fake_score").returncode == 2  # no reason
    res = _run(bench, baseline, "0.7", "--lower", "fake_score", "--reason", "harder data")
    assert res.returncode == 0, res.stdout + res.stderr
    data = json.loads(baseline.read_text())
    assert data["metrics"]["fake_score"]["floor"] == 0.68
    assert data["lowered"][-1]["reason"] == "harder data"


def test_gate_script_fails_when_an_evaluation_raises(tmp_path):
    bench = _fake_bench(tmp_path)
    (bench / "eval_broken.py").write_text("def gate_metrics():\n    raise RuntimeError('boom')\n")
    res = _run(bench, tmp_path / "baseline.json", "0.9")
    assert res.returncode == 1
    assert "eval_broken.py" in res.stdout


def test_shipped_baseline_is_well_formed():
    data = json.loads((ROOT / "benchmarks" / "baseline.json").read_text())
    assert data["metrics"]
    for name, spec in data["metrics"].items():
        assert isinstance(spec["floor"], (int, float)), name
        assert isinstance(spec["higher_is_better"], bool), name
    for entry in data.get("lowered", []):
        assert entry["reason"].strip()


def test_hand_lowered_floor_is_caught():
    old = json.loads(json.dumps(BASE))
    new = json.loads(json.dumps(BASE))
    new["metrics"]["recall"]["floor"] = 0.5
    new["metrics"]["false_rate"]["floor"] = 0.3  # a ceiling raised is a lowering too
    assert len(gate.unexplained_lowerings(old, new)) == 2
    del new["metrics"]["false_rate"]
    assert any("removed" in p for p in gate.unexplained_lowerings(old, new))


def test_lowering_through_the_flag_is_explained():
    old = json.loads(json.dumps(BASE))
    new = json.loads(json.dumps(BASE))
    gate.lower(new, "recall", "harder data", None, to=0.5)
    assert gate.unexplained_lowerings(old, new) == []
    raised = json.loads(json.dumps(BASE))
    raised["metrics"]["recall"]["floor"] = 0.9
    assert gate.unexplained_lowerings(old, raised) == []


def test_removing_a_floor_needs_a_reason_and_is_explained():
    old = json.loads(json.dumps(BASE))
    new = json.loads(json.dumps(BASE))
    with pytest.raises(SystemExit):
        gate.remove(new, "recall", " ")
    gate.remove(new, "recall", "renamed to recall_at_1")
    assert "recall" not in new["metrics"]
    assert gate.unexplained_lowerings(old, new) == []
