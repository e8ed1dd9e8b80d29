#!/usr/bin/env python3
"""Experiment (issue 10): does a head trained on *fluent* swaps see other rewriters better?

A third training spinner, neither ``unspin.synth`` nor ``unspin.altspin`` (kept independent
for evaluation): each chosen content word (``rate`` of the eligible ones) is replaced by the
word that best fits its two neighbours by the bigram counts, ``log c(p x) + log c(x n) -
log c(x)``, among frequent words with the same ending (-ing, -ed, -ly, -s, other). Locally
fluent, not synonymous ("after the meeting" -> "after the meaning"), as a language-model
rewriter's slips are. Writes word data in ``scripts/train_check_head.py``'s format for
``eval_check_head_curve.py``. Text: the invented samples only.

Usage::

    python benchmarks/exp_fluent_spinner.py --seeds 3 --out /tmp/fluent.npz
    python benchmarks/eval_check_head_curve.py --train fluent=/tmp/fluent.npz \\
        --train samples+fluent=/tmp/samples.npz,/tmp/fluent.npz --test synth=/tmp/synth.npz \\
        --test alt=/tmp/alt.npz --sizes 32
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "scripts"))

from common import load_samples  # noqa: E402

_ENDINGS = ("ing", "ed", "ly", "s")


def _ending(w: str) -> str:
    return next((e for e in _ENDINGS if w.endswith(e)), "")


class Fluent:
    def __init__(self) -> None:
        from unspin.checker import _resources
        from unspin.text import STOPWORDS

        self.r = _resources()
        self.left: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for key, c in self.r.bi.items():
            a, _, b = key.partition(" ")
            if b.isalpha() and b not in STOPWORDS and len(b) >= 3 and self.r.uni.get(b, 0) >= 1_000_000:
                self.left[a].append((b, c))

    def spin(self, text: str, seed: int, rate: float) -> tuple[str, list[tuple[int, int, str]]]:
        from unspin.checker import _eligible
        from unspin.text import tokenize

        rng = random.Random(seed)
        toks = tokenize(text)
        swaps: list[tuple[int, int, str]] = []
        for i, t in enumerate(toks):
            if t.kind != "word" or i == 0 or i + 1 >= len(toks) or not _eligible(t, False) or rng.random() > rate:
                continue
            p, n = toks[i - 1].lower, toks[i + 1].lower
            best, best_s = None, -1e9
            for x, c in self.left.get(p, ()):
                c2 = self.r.bi.get(x + " " + n)
                if x == t.lower or _ending(x) != _ending(t.lower) or c2 is None:
                    continue
                s = math.log(c) + math.log(c2) - math.log(self.r.uni.get(x, 1e6))
                if s > best_s:
                    best, best_s = x, s
            if best:
                swaps.append((t.start, t.end, best))
        parts: list[str] = []
        edits: list[tuple[int, int, str]] = []
        last = at = 0
        for s, e, w in swaps:
            parts.append(text[last:s])
            at += s - last
            parts.append(w)
            edits.append((at, at + len(w), "synonym"))
            at += len(w)
            last = e
        parts.append(text[last:])
        return "".join(parts), edits


def main(argv: list[str] | None = None) -> int:
    import train_check_head as T

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    fl = Fluent()

    def variants(art: Any, seed: int) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
        out: list[tuple[str, str, list[tuple[int, int, str]]]] = [("orig", art.text, [])]
        for rate in (0.2, 0.35):
            text, edits = fl.spin(art.text, seed * 7 + int(rate * 100), rate)
            out.append((f"fluent@{rate}", text, edits))
        return out

    T.variants = variants
    data = T.collect(load_samples(), a.seeds)
    np.savez_compressed(a.out, **data)
    print(f"{len(data['labels'])} words, {int((data['labels'] == 1).sum())} swapped -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
