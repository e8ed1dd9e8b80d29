"""Memory and time of the scan's candidate step (the anchor join) on a scan's state file.

Usage::

    .venv/bin/python benchmarks/bench_candidates.py --state OUT/.scan-state.sqlite [--per-pass N]

Runs, each in a fresh process reading the state read-only, ``candidates.anchor_join`` (passes
of at most ``--per-pass`` anchors, counted pairs spilled to a temporary folder) and the join as
it was before session 8 (the same passes, but every pass's raw pair keys held until one
``np.unique`` over all of them), and reports wall clock, CPU, peak resident memory (the
process's ``ru_maxrss``), the number of pairs and whether they equal the ``pairs`` table the
scan wrote.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.scan.candidates import CandidateOptions, anchor_join, pair_keys  # noqa: E402


def _digest(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> str:
    order = np.lexsort((b, a))
    return hashlib.sha256(np.stack([a[order], b[order], c[order]]).astype("<i8").tobytes()).hexdigest()[:16]


def _all_keys_join(rows, n_anchors: int, copts: CandidateOptions, per_pass: int):  # type: ignore[no-untyped-def]
    """The join before session 8: every pass's raw pair keys kept, one ``np.unique`` at the end."""
    parts = max(1, -(-n_anchors // per_pass))
    sizes: dict[int, int] = {}
    keys = []
    for part in range(parts):
        hs_l, pg_l = [], []
        for page, blob in rows():
            h = np.frombuffer(blob, dtype="<i8")
            if part == 0:
                sizes[page] = len(h)
            if parts > 1:
                h = h[(h.view(np.uint64) % np.uint64(parts)) == part]
            hs_l.append(h)
            pg_l.append(np.full(len(h), page, dtype=np.int64))
        k, _ = pair_keys(np.concatenate(hs_l), np.concatenate(pg_l), copts)
        keys.append(k)
        del hs_l, pg_l
    allk = np.concatenate(keys)
    del keys
    uk, counts = np.unique(allk, return_counts=True)
    del allk
    a, b = uk >> 32, uk & 0xFFFFFFFF
    n_of = np.zeros(max(sizes, default=0) + 1, dtype=np.int64)
    for page, n in sizes.items():
        n_of[page] = n
    keep = (counts >= copts.min_shared) & (counts >= copts.min_containment * np.minimum(n_of[a], n_of[b]))
    return a[keep], b[keep], counts[keep]


def one(state: Path, mode: str, per_pass: int) -> dict[str, object]:
    conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    copts = CandidateOptions()
    n_anchors = int(conn.execute("SELECT COALESCE(SUM(LENGTH(hs)), 0) FROM anchors").fetchone()[0]) // 8

    def rows():  # type: ignore[no-untyped-def]
        return conn.execute("SELECT page, hs FROM anchors ORDER BY page")

    t, c = time.perf_counter(), time.process_time()
    if mode == "new":
        with tempfile.TemporaryDirectory(dir=state.parent) as spill:
            a, b, n, _ = anchor_join(rows, n_anchors, copts, per_pass=per_pass, spill=Path(spill))
    else:
        a, b, n = _all_keys_join(rows, n_anchors, copts, per_pass)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    got = _digest(a, b, n)
    wa, wb, wc = (np.asarray(x, dtype=np.int64) for x in zip(*conn.execute("SELECT a, b, shared FROM pairs"),
                                                                    strict=True)) if conn.execute(
        "SELECT COUNT(*) FROM pairs").fetchone()[0] else (np.zeros(0, np.int64),) * 3
    return {"mode": mode, "anchors": n_anchors, "passes": max(1, -(-n_anchors // per_pass)), "pairs": int(len(a)),
            "same_as_state_pairs": got == _digest(wa, wb, wc), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--state", type=Path, required=True, help="a scan's .scan-state.sqlite (read only)")
    ap.add_argument("--per-pass", type=int, default=20_000_000, help="anchors per pass (the engine's default)")
    ap.add_argument("--modes", default="new,all-keys")
    ap.add_argument("--one", choices=("new", "all-keys"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.state, args.one, args.per_pass)))
        return
    for mode in args.modes.split(","):
        out = subprocess.run([sys.executable, __file__, "--state", str(args.state), "--per-pass", str(args.per_pass),
                              "--one", mode], check=True, capture_output=True, text=True).stdout
        print(out.strip(), flush=True)


if __name__ == "__main__":
    main()
