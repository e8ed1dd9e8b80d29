"""Speed of ``unspin.diff`` on one core: milliseconds per diff of an ~800-word copy (issue 6).

Picks development articles of 700 to 900 words, spins each at a 35% swap rate with
``unspin.synth``, reads copy and source with ``ingest.from_text`` once, then times
``diff(copy, source)`` (alignment, token diff, classification, summary) after a warm-up that
loads the lexical resources. Also reports the time including ``ingest.from_text`` of both
texts. Each copy's figure is the best of ``--repeat`` runs (wall clock, and CPU time of the
process, which is less disturbed by other load on the machine). Falls back to the in-repo samples (two joined) without the development corpus.

    .venv/bin/python benchmarks/bench_diff.py [--articles 30] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import BBC  # noqa: E402
from eval_diff import SAMPLES, load_jsonl  # noqa: E402
from unspin.differ import diff  # noqa: E402
from unspin.ingest import from_text  # noqa: E402
from unspin.synth import spin  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--contextual", action="store_true",
                    help="diff(..., contextual=True): also run the MiniLM check on swaps with no lexical link")
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    if BBC.exists():
        arts = [x for x in load_jsonl(BBC) if 700 <= len(x.text.split()) <= 900][: a.articles]
        corpus = "bbc-dev"
    else:
        s = load_jsonl(SAMPLES)
        arts = [from_text(s[i].text + "\n" + s[i + 1].text, id=f"{s[i].id}+{s[i + 1].id}")
                for i in range(0, len(s) - 1, 2)]
        corpus = "samples (pairs joined)"
    pairs = []
    for k, src in enumerate(arts):
        c = spin(src, seed=k, swap_rate=0.35)
        pairs.append((c.text, src))
    kw = {"contextual": True} if a.contextual else {}
    diff(from_text(pairs[0][0]), pairs[0][1], **kw)  # warm-up: thesaurus, vectors, caches, model
    per: list[float] = []
    cpu: list[float] = []
    with_ingest: list[float] = []
    words = []
    for text, src in pairs:
        ca = from_text(text)
        words.append(len(text.split()))
        best = cpu_best = float("inf")
        for _ in range(a.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            diff(ca, src, **kw)
            best = min(best, time.perf_counter() - t0)
            cpu_best = min(cpu_best, time.process_time() - c0)
        per.append(1000 * best)
        cpu.append(1000 * cpu_best)
        t0 = time.perf_counter()
        diff(from_text(text), from_text(src.text), **kw)
        with_ingest.append(1000 * (time.perf_counter() - t0))
    per.sort()
    out = {
        "corpus": corpus, "contextual": a.contextual, "copies": len(pairs), "copy_words_median": statistics.median(words),
        "diff_ms_median": round(statistics.median(per), 2),
        "diff_ms_p90": round(per[int(0.9 * (len(per) - 1))], 2),
        "diff_cpu_ms_median": round(statistics.median(cpu), 2),
        "diff_with_ingest_ms_median": round(statistics.median(with_ingest), 2),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
