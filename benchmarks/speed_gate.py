#!/usr/bin/env python3
"""The speed gate: index build, trace and start-up as ratios to a reference timed in the same run.

The machine running the tests is shared and its speed varies several-fold from minute to
minute, so absolute times cannot be gated. Each figure here is the CPU time of unspin's
work divided by the CPU time of a fixed reference workload measured in the same process
right before it (best of ``--repeat`` runs each), and the gate fails when a ratio grows by
more than ``MARGIN`` (75%) over the value pinned in ``benchmarks/speed_baseline.json``:

- ``index_per_article``: ``Index.add`` of a fixed synthetic corpus (1,500 articles built on
  the skeletons of ``samples/articles.jsonl`` with words drawn at random from their
  vocabulary, invented names and numbers; seed fixed), per article / the calibration loop;
- ``trace_p50``: median CPU time of ``trace`` for 40 spun copies (a third of the content
  words replaced, numbers mangled) of long articles of that index / the calibration loop;
- ``diff_p50``: median CPU time of ``diff`` for 12 spun copies of long articles of that index,
  each diffed once per round with copies spun afresh every round (so most of what a diff
  remembers from the pairs before it is of no use: the steady state of a scan, not a repeat),
  the best round / the calibration loop;
- ``startup``: CPU time of a fresh ``python -c "import unspin.cli"`` / ``python -c pass``;
- ``index_vs_tantivy``: the same ``Index.add`` CPU / tantivy's (``bench`` extra) on the same
  documents, best of ``--repeat`` each, rounds interleaved (skipped, with a line saying so,
  when tantivy is not installed).

The calibration loop is pure Python and numpy work of the same kind as unspin's (regular
expression tokenising, dict counting, sorting), so it slows down with the machine as
unspin does.

    python benchmarks/speed_gate.py            # check; exit 1 on a regression
    python benchmarks/speed_gate.py --update   # pin the current ratios (after a real speed-up)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "src"))

from common import best_cpu  # noqa: E402
from unspin.models import Article, Span  # noqa: E402
from unspin.text import STOPWORDS, split_sentences, tokenize  # noqa: E402

BASELINE = BENCH / "speed_baseline.json"
SAMPLES = ROOT / "samples" / "articles.jsonl"
MARGIN = 1.75  # a ratio may grow by 75% before the gate fails (noisy, shared machine)
_WORD = re.compile(r"\w+|[^\w\s]")


def corpus(n: int = 1500, seed: int = 7) -> tuple[list[Article], list[str]]:
    """``n`` synthetic articles on the samples' skeletons, and their vocabulary."""
    rng = random.Random(seed)
    texts = [json.loads(x)["text"] for x in SAMPLES.read_text(encoding="utf-8").splitlines()]
    vocab = sorted({t.lower for x in texts for t in tokenize(x)
                    if t.kind == "word" and t.lower not in STOPWORDS and len(t.text) > 2})
    syl = ["ka", "lo", "ven", "dra", "mi", "tor", "sa", "bel", "rin", "gu", "pe", "ost", "mar"]
    names = sorted({"".join(rng.choice(syl) for _ in range(rng.randint(2, 4))).capitalize()
                    for _ in range(20_000)})
    arts = []
    for i in range(n):
        base = texts[rng.randrange(len(texts))]
        if i % 10 == 0:  # every tenth article is long (the trace suspects' sources)
            base = "\n".join(texts[rng.randrange(len(texts))] for _ in range(2))
        out, pos = [], 0
        for t in tokenize(base):
            out.append(base[pos:t.start])
            if t.kind == "number":
                out.append(str(rng.randint(1, 99999)))
            elif t.kind == "word" and t.lower not in STOPWORDS and len(t.text) > 2:
                out.append(rng.choice(names) if t.text[0].isupper() else rng.choice(vocab))
            else:
                out.append(t.text)
            pos = t.end
        text = "".join(out) + base[pos:]
        arts.append(Article(id=f"g{i}", text=text, original=text, input=f"gate:{i}",
                            sentences=tuple(Span(s, e, text[s:e]) for s, e in split_sentences(text))))
    return arts, vocab


def spin(text: str, vocab: list[str], seed: int) -> Article:
    rng = random.Random(seed)
    out, pos = [], 0
    for t in tokenize(text):
        out.append(text[pos:t.start])
        if t.kind == "word" and t.lower not in STOPWORDS and t.text.islower() and rng.random() < 0.33:
            out.append(rng.choice(vocab))
        elif t.kind == "number" and len(t.text) >= 4 and rng.random() < 0.5:
            out.append(f"{t.text[:-3]} {t.text[-3:]}")
        else:
            out.append(t.text)
        pos = t.end
    spun = "".join(out) + text[pos:]
    return Article(id=f"spun-{seed}", text=spun, original=spun,
                   sentences=tuple(Span(s, e, spun[s:e]) for s, e in split_sentences(spun)))


def calibration(texts: list[str]) -> None:
    """The fixed reference workload (about the cost of indexing a few hundred articles)."""
    import numpy as np

    counts: dict[str, int] = {}
    for t in texts:
        for w in _WORD.findall(t.lower()):
            counts[w] = counts.get(w, 0) + 1
    keys = sorted(counts)
    arr = np.array([counts[k] for k in keys])
    np.sort(arr * 7919 % 104729)


def _child_cpu(code: str) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _diff_p50(arts: list[Article], vocab: list[str], repeat: int) -> float:
    """Median CPU seconds of ``diff(copy, source)`` over 12 long articles, best of ``repeat``
    rounds, each round with copies spun with other seeds."""
    from unspin.differ import diff

    sources = [a for i, a in enumerate(arts) if i % 10 == 0][:12]
    diff(spin(sources[-1].text, vocab, 99), sources[-1])  # warm: the lexical resources
    best = []
    for r in range(repeat):
        cpu = []
        for k, a in enumerate(sources):
            copy = spin(a.text, vocab, 1000 + 100 * r + k)
            c = time.process_time()
            diff(copy, a)
            cpu.append(time.process_time() - c)
        best.append(statistics.median(cpu))
    return min(best)


def measure(repeat: int = 3) -> dict[str, float]:
    from unspin.index import Index
    from unspin.tracer import trace

    arts, vocab = corpus()
    texts = [a.text for a in arts[:400]]
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        k = [0]

        def build() -> None:
            k[0] += 1
            with Index.open(Path(d) / f"g{k[0]}.unspin", create=True) as ix:
                ix.add(arts)

        calib = best_cpu(lambda: calibration(texts), repeat)
        try:
            import tantivy  # noqa: F401

            sys.path.insert(0, str(BENCH))
            from bench_index import run_tantivy

            ours, tan = [], []
            for _ in range(repeat):  # interleaved: a busy spell slows both
                ours.append(best_cpu(build, 1))
                tan.append(run_tantivy(arts, Path(d))[1])
            out["index_vs_tantivy"] = min(ours) / min(tan)
            out["index_per_article"] = min(ours) / len(arts) / calib
        except ImportError:
            out["index_per_article"] = best_cpu(build, repeat) / len(arts) / calib
        suspects = [spin(a.text, vocab, i) for i, a in enumerate(arts) if i % 10 == 0][:40]
        with Index.open(Path(d) / "g1.unspin", readonly=True) as ix:
            for s in suspects[:3]:
                trace(s, ix)  # warm: page cache, first-call lookups
            best: list[float] = []
            for _ in range(repeat):
                cpu = []
                for s in suspects:
                    c = time.process_time()
                    trace(s, ix)
                    cpu.append(time.process_time() - c)
                best.append(statistics.median(cpu))
            calib = best_cpu(lambda: calibration(texts), repeat)
            out["trace_p50"] = min(best) / calib
        out["diff_p50"] = _diff_p50(arts, vocab, repeat) / calib
    py = min(_child_cpu("pass") for _ in range(repeat))
    out["startup"] = min(_child_cpu("import unspin.cli") for _ in range(repeat)) / py
    return {k: round(v, 4) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="pin the measured ratios")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    got = measure(a.repeat)
    base = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    if a.update:
        BASELINE.write_text(json.dumps({"margin": MARGIN, "ratios": {k: v for k, v in got.items()
                                                                     if not k.startswith("info_")}},
                                       indent=1, sort_keys=True) + "\n")
        print(f"speed gate: pinned {got} in {BASELINE.name}")
        return 0
    failed = []
    for name, v in sorted(got.items()):
        ref = base.get("ratios", {}).get(name)
        status = ""
        if ref is not None:
            limit = ref * base.get("margin", MARGIN)
            status = f"(pinned {ref}, limit {limit:.3f})"
            if v > limit:
                failed.append(name)
                status += "  SLOWER"
        print(f"speed gate: {name:24s} {v:8.4f} {status}")
    missing = sorted(set(base.get("ratios", {})) - set(got))
    if "index_vs_tantivy" in missing and importlib.util.find_spec("tantivy") is None:
        missing.remove("index_vs_tantivy")
        print("speed gate: index_vs_tantivy not measured: tantivy is not installed (bench extra)")
    for name in missing:
        print(f"speed gate: {name} not measured")
    print(f"speed gate: {time.perf_counter() - t0:.0f} s wall, load {os.getloadavg()[0]:.1f}; "
          + ("FAILED: " + ", ".join(failed + missing) if failed or missing else "passed"))
    return 1 if failed or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
