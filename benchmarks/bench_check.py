#!/usr/bin/env python3
"""Speed of ``unspin.check`` (issue 4): ms per 800-word article on one core, and start-up.

- start-up: a fresh interpreter that imports ``unspin.check`` and loads its resources
  (thesaurus, vectors, n-gram counts, candidate table), with the derived caches in place
  ("warm") and, with ``--first-run``, in an empty cache directory ("first ever run": the
  caches are built);
- the same run's peers: the lexical scoring alone (``score_words(context=False)``) and one
  pass of the contextual model over the article, CPU time;
- per article: 800-word articles (BBC articles of 700 to 900 words when the corpus is
  there, else the invented samples joined to about 800 words), each checked once in a process that has
  loaded the resources but never seen these articles (per-word caches cold), then again
  (caches warm). The article is ingested beforehand; ingestion is timed separately.

Run it on one core (the script pins BLAS to one thread and, on Linux, itself to one CPU)::

    python benchmarks/bench_check.py [--articles 40] [--first-run] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from common import MissingData, load_bbc, load_samples  # noqa: E402

STARTUP = ("import time; t=time.perf_counter(); c=time.process_time(); from unspin.checker import load_resources; "
           "load_resources(); print(time.perf_counter()-t, time.process_time()-c)")


def startup_seconds(env: dict[str, str] | None = None, cpu: bool = False) -> float:
    """Wall-clock (or, with ``cpu``, CPU) seconds of a fresh interpreter's start-up."""
    cmd = [sys.executable, "-c", STARTUP]
    if sys.platform.startswith("linux"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    wall, cpu_s = out.stdout.strip().splitlines()[-1].split()
    return float(cpu_s if cpu else wall)


def articles_800(n: int) -> list[str]:
    """BBC articles of 700 to 900 words (the corpus's both splits; no model was fitted on
    them), else the invented samples joined to about 800 words."""
    try:
        texts = [a.text for a in load_bbc() if 700 <= len(a.text.split()) <= 900]
        if texts:
            return texts[:n]
    except MissingData:
        pass
    samples = [a.text for a in load_samples()]
    out: list[str] = []
    cur: list[str] = []
    k = 0
    while len(out) < n:
        cur.append(samples[k % len(samples)])
        k += 1
        if sum(len(t.split()) for t in cur) >= 800:
            out.append("\n".join(cur))
            cur = []
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--first-run", action="store_true", help="also time start-up with empty caches")
    ap.add_argument("--repeat", type=int, default=1,
                    help="the peers (lexical, model): each article's least CPU time over N rounds")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    res: dict[str, object] = {}
    res["startup_warm_s"] = round(min(startup_seconds() for _ in range(3)), 3)
    res["startup_warm_cpu_s"] = round(min(startup_seconds(cpu=True) for _ in range(2)), 3)
    if args.first_run:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, UNSPIN_CACHE=tmp)
            res["startup_first_run_s"] = round(startup_seconds(env), 1)
            res["startup_after_first_run_s"] = round(startup_seconds(env), 3)

    from unspin.checker import check, load_resources
    from unspin.ingest import from_text

    texts = articles_800(args.articles)
    t0 = time.perf_counter()
    load_resources()
    res["load_in_process_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    arts = [from_text(t) for t in texts]
    res["ingest_ms_per_article"] = round(1000 * (time.perf_counter() - t0) / len(arts), 1)
    for label in ("cold", "warm"):
        times, cpu = [], []
        for a in arts:
            t, c = time.perf_counter(), time.process_time()
            check(a)
            times.append(1000 * (time.perf_counter() - t))
            cpu.append(1000 * (time.process_time() - c))
        res[f"check_ms_mean_{label}"] = round(statistics.fmean(times), 1)
        res[f"check_ms_p95_{label}"] = round(sorted(times)[int(0.95 * (len(times) - 1))], 1)
        res[f"check_cpu_ms_mean_{label}"] = round(statistics.fmean(cpu), 1)
    # the same run's peer: the lexical evidence alone, and the contextual model alone
    from unspin.checker import _resources, score_words

    for label, fn in (("lexical", lambda a: score_words(a, context=False)),
                      ("model", lambda a: _resources().context.logits(a.text, [(0, 1)]))):
        cpu = [1e12] * len(arts)
        for _ in range(max(1, args.repeat)):
            for k, a in enumerate(arts):
                c = time.process_time()
                fn(a)
                cpu[k] = min(cpu[k], 1000 * (time.process_time() - c))
        res[f"{label}_cpu_ms_mean"] = round(statistics.fmean(cpu), 1)
    res["articles"] = len(arts)
    res["words_per_article"] = round(statistics.fmean(len(t.split()) for t in texts))
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
