"""The diff's modules compiled with mypyc (setup.py, issue 16) against the pure-Python
reference they are compiled from: the same ``DiffResult`` for the same pairs, and the .py
files loaded whenever the compiled build does not match them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import unspin

ROOT = Path(__file__).resolve().parent.parent
PKG = Path(unspin.__file__).resolve().parent
MODULES = unspin.MYPYC_MODULES

# every pair of the 16 samples spun by both generators (35% swaps, four fact edits), each diffed
# forward then backward, a multi-source diff and plain strings: the hashes of ``to_dict()``
SCRIPT = r"""
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
import unspin
from eval_diff import SAMPLES, load_jsonl, spun_pairs
from unspin.differ import diff

arts = load_jsonl(SAMPLES)
jobs = [(c.text, a) for gen in ("synth", "alt") for c, a in spun_pairs(arts, 0.35, 5, fact_edits=4, generator=gen)]
jobs += [(jobs[0][0], [arts[1], jobs[0][1]]), ("Troops crossed.", "Soldiers did not cross."), ("", "x")]
h = [hashlib.sha256(json.dumps(diff(*j).to_dict(), sort_keys=True).encode()).hexdigest() for j in jobs]
back = [hashlib.sha256(json.dumps(diff(*j).to_dict(), sort_keys=True).encode()).hexdigest()
        for j in reversed(jobs)][::-1]
print(json.dumps({"compiled": list(unspin.COMPILED_MODULES), "differ": unspin.differ.__file__,
                  "hashes": h, "backward": back}))
"""


def _run(pure: bool, path: Path | None = None, code: str = SCRIPT) -> dict[str, object]:
    env = dict(os.environ, UNSPIN_PURE_PYTHON="1" if pure else "0")
    if path is not None:
        env["PYTHONPATH"] = str(path)
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "benchmarks")], env=env, check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.skipif(not unspin.COMPILED_MODULES, reason="the diff's modules are not compiled (no mypyc build)")
def test_compiled_and_pure_python_diff_agree() -> None:
    fast, ref = _run(pure=False), _run(pure=True)
    assert sorted(fast["compiled"]) == sorted(MODULES) and str(fast["differ"]).endswith(".so")
    assert ref["compiled"] == [] and str(ref["differ"]).endswith("differ.py")
    assert len(fast["hashes"]) > 30
    assert fast["hashes"] == ref["hashes"]
    assert fast["hashes"] == fast["backward"] and ref["hashes"] == ref["backward"]


IMPORT = r"""
import json, unspin, unspin.differ, unspin.meaning
print(json.dumps({"compiled": list(unspin.COMPILED_MODULES), "differ": unspin.differ.__file__,
                  "meaning": unspin.meaning.__file__}))
"""


def _package_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "site" / "unspin"
    shutil.copytree(PKG, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def test_stale_or_missing_build_loads_the_sources(tmp_path: Path) -> None:
    """A compiled module whose source was edited since the build (or no ``_compiled.json``)
    must not be used: every listed module then comes from its .py file."""
    dst = _package_copy(tmp_path)
    if unspin.COMPILED_MODULES:  # a build matching these sources
        got = _run(pure=False, path=dst.parent, code=IMPORT)
        assert got["compiled"] and str(got["differ"]).endswith(".so")
        with open(dst / "meaning.py", "a", encoding="utf-8") as f:
            f.write("\n# edited after the build\n")
        got = _run(pure=False, path=dst.parent, code=IMPORT)
        assert got["compiled"] == []
        assert str(got["differ"]).endswith("differ.py") and str(got["meaning"]).endswith("meaning.py")
    (dst / "_compiled.json").unlink(missing_ok=True)
    got = _run(pure=False, path=dst.parent, code=IMPORT)
    assert got["compiled"] == [] and str(got["differ"]).endswith("differ.py")


def test_diff_pauses_the_collector_and_restores_it() -> None:
    """``diff`` turns the cyclic collector off while it runs (no collection starts during a long
    diff) and back on after, also when it fails; a collector someone else turned off stays off."""
    import gc

    from unspin.differ import diff

    src = " ".join(f"The council of town {k} approved plan {k} on Monday, officials said." for k in range(400))
    copy = src.replace("approved", "rejected").replace("officials", "aides")
    starts: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            starts.append(info["generation"])

    assert gc.isenabled()
    gc.callbacks.append(watch)
    try:
        r = diff(copy, src)
    finally:
        gc.callbacks.remove(watch)
    assert len(r.changes) > 400 and starts == [] and gc.isenabled()
    with pytest.raises(ValueError):
        diff("a text", [])
    assert gc.isenabled()
    gc.disable()
    try:
        diff("The council approved the plan.", "The council rejected the plan.")
        assert not gc.isenabled()
    finally:
        gc.enable()
