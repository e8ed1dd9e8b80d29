"""Instructions per steady ``diff`` and per word-diff floor, counted by valgrind's callgrind (issue 16).

CPU time on this shared 2-core machine moves by 20-40% from run to run; an instruction count
does not (the same binary, inputs and hash seed give the same count whatever else runs), so it
shows what a code change does to the work of a diff. It is not a time: a diff's first-time word
lookups in the large lexical tables miss the CPU caches, so its time per instruction is worse
than the floor's, and ``bench_diff.py``'s CPU figures remain the ones the targets are read
against. Both are reported.

    .venv/bin/python benchmarks/bench_diff_instr.py [--n 30] [--warm 25] [--src SRC] [--pairs FILE]

Each figure is the difference of two runs under ``valgrind --tool=callgrind`` with
``PYTHONHASHSEED=0``: one reads and ingests all pairs, diffs the ``--warm`` warm-up pairs (the
lexical resources load, GloVe's word index is built) and then diffs nothing, the other then
diffs the first ``--n`` pairs once each (``bench_diff``'s "steady"). The floor
(``bench_diff.floor_diff``: one regular expression, token ids, rapidfuzz's word edit script)
is counted the same way on the same pairs. ``--src`` counts another checkout's ``src`` (e.g.
``git archive`` of main with its built modules copied in), for a before/after in one run.
Each valgrind run takes 1-2 minutes (the two runs of a figure go in parallel).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, sys
sys.path.insert(0, {bench!r})
mode, pairs_file, n, warm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
pairs = [json.loads(x) for x in open(pairs_file, encoding="utf-8")]
measured, warmup = pairs[:-warm] if warm else pairs, pairs[-warm:] if warm else []
if mode == "diff":
    from unspin.differ import diff
    from unspin.ingest import from_text
    from unspin import lexicon
    arts = [(from_text(c), from_text(s, id=sid)) for c, s, sid in pairs]
    for ca, sa in arts[len(measured):]:
        diff(ca, sa)
    lexicon.vectors().index  # built on the first GloVe lookup, which the warm-up may not make
    for ca, sa in arts[:n]:
        diff(ca, sa)
else:
    from bench_diff import floor_diff
    for c, s, _ in warmup:
        floor_diff(c, s)
    for c, s, _ in measured[:n]:
        floor_diff(c, s)
"""


def _count(mode: str, pairs: Path, n: int, warm: int, src: str, tmp: Path) -> int:
    """Instructions of ``n`` diffs (or floors): the run with n minus the run with 0."""
    script = tmp / "child.py"
    script.write_text(_CHILD.format(bench=str(ROOT / "benchmarks")), encoding="utf-8")
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=src, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    procs = []
    for k in (0, n):
        out = tmp / f"{mode}-{k}.out"
        procs.append(subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, str(script), mode,
             str(pairs), str(k), str(warm)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    counts = []
    for p in procs:
        _, err = p.communicate()
        m = re.search(r"Collected : (\d+)", err)
        if p.returncode != 0 or not m:
            raise SystemExit(f"valgrind run failed ({p.returncode}):\n{err[-2000:]}")
        counts.append(int(m.group(1)))
    return counts[1] - counts[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--n", type=int, default=30, help="pairs diffed once each (bench_diff's steady)")
    ap.add_argument("--warm", type=int, default=25, help="warm-up pairs diffed before them")
    ap.add_argument("--src", default=str(ROOT / "src"), help="the unspin package's src folder to count")
    ap.add_argument("--pairs", type=Path, default=None, help="read the pairs from this JSONL, or write them there")
    a = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        pairs = a.pairs or tmp / "pairs.jsonl"
        if not pairs.exists():
            sys.path.insert(0, str(ROOT / "benchmarks"))
            sys.path.insert(0, str(ROOT / "src"))
            from bench_diff import make_pairs

            made = make_pairs(a.n + a.warm)  # the last one is bench_diff's warm-up: among ours too
            pairs.write_text("".join(json.dumps(p) + "\n" for p in made), encoding="utf-8")
        total = sum(1 for _ in pairs.open(encoding="utf-8"))
        if total < a.n + a.warm:
            raise SystemExit(f"{pairs}: {total} pairs, fewer than --n {a.n} + --warm {a.warm}")
        diff_ir = _count("diff", pairs, a.n, a.warm, a.src, tmp)
        floor_ir = _count("floor", pairs, a.n, a.warm, a.src, tmp)
    print(json.dumps({"src": a.src, "pairs": str(pairs), "n": a.n, "warm": a.warm,
                      "diff_minstr_per_pair": round(diff_ir / a.n / 1e6, 2),
                      "floor_minstr_per_pair": round(floor_ir / a.n / 1e6, 2),
                      "diff_to_floor": round(diff_ir / floor_ir, 2)}, indent=1))


if __name__ == "__main__":
    main()
