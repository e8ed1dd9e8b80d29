#!/usr/bin/env python3
"""CPU of ``unspin.text.split_sentences`` on the BBC development texts: the Python reference
(``_split_sentences_py``) against ``unspin._fastscan.sentences`` (C, issue 16), same process.

    .venv/bin/python benchmarks/bench_sentences.py [--limit 2000] [--rounds 7]

Each round splits every text once with each implementation (alternating which goes first);
the figure is the best round (``time.process_time``). Also checks both give the same spans.
Falls back to the in-repo samples without the development corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import MissingData, load_bbc, load_samples  # noqa: E402
from unspin.text import _ABBREV, _FAST_SENTENCES, _split_sentences_py  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=2000, help="BBC texts to read (default 2000)")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    try:
        texts = [a.text for a in load_bbc(args.limit)]
        corpus = "bbc-dev"
    except MissingData:
        texts = [a.text for a in load_samples()]
        corpus = "samples"
    fast = _FAST_SENTENCES
    if fast is None:
        print("unspin._fastscan.sentences is not available (not built, or UNSPIN_PURE_PYTHON=1)", file=sys.stderr)
        return 1
    spans = 0
    for t in texts:
        want = _split_sentences_py(t)
        if fast(t, 0, len(t), _ABBREV) != want:
            print(f"MISMATCH on {t[:80]!r}", file=sys.stderr)
            return 1
        spans += len(want)

    def run_py() -> None:
        for t in texts:
            _split_sentences_py(t)

    def run_c() -> None:
        for t in texts:
            fast(t, 0, len(t), _ABBREV)

    best = {"python": float("inf"), "c": float("inf")}
    for r in range(args.rounds):
        order = [("python", run_py), ("c", run_c)]
        for name, fn in order if r % 2 == 0 else order[::-1]:
            t0 = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t0)
    out = {"corpus": corpus, "texts": len(texts), "chars": sum(map(len, texts)), "spans": spans,
           "rounds": args.rounds, "python_ms": round(best["python"] * 1e3, 2), "c_ms": round(best["c"] * 1e3, 2),
           "python_us_per_text": round(best["python"] * 1e6 / len(texts), 2),
           "c_us_per_text": round(best["c"] * 1e6 / len(texts), 2),
           "ratio_python_over_c": round(best["python"] / best["c"], 2), "identical": True}
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
