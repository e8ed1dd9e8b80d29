#!/usr/bin/env python3
"""How much training text does check's contextual head need? A learning curve.

Trains the head (``scripts/train_check_head.py``'s recipe: L2 logistic regression on the
two-layer MiniLM word states) on the first K articles of one or more sets of training word
data, and measures it on held-out word data: the word ROC AUC (swapped vs other words) and
the document ROC AUC of the mean head probability (originals vs copies), per copy style.

Training data comes from ``train_check_head.py --save-data`` (``--corpus samples``: our
invented articles; ``--corpus bbc``: the BBC development split, research use only, so a head
trained on it is for this comparison and is never shipped). Held-out data comes from
``eval_check_signals.py --save-data`` (held-out BBC split, synth or alt copies; never trained
on). Nothing is written.

Usage::

    python scripts/train_check_head.py --save-data /tmp/samples.npz --out /tmp/h.json
    python scripts/train_check_head.py --corpus bbc --limit 150 --save-data /tmp/bbc.npz --out /tmp/hb.json
    python benchmarks/eval_check_signals.py --limit 80 --save-data /tmp/synth.npz
    python benchmarks/eval_check_signals.py --generator alt --limit 30 --save-data /tmp/alt.npz
    python benchmarks/eval_check_head_curve.py --train samples=/tmp/samples.npz --train bbc=/tmp/bbc.npz \\
        --test synth=/tmp/synth.npz --test alt=/tmp/alt.npz --sizes 4 8 16 40 80 150
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "scripts"))

from eval_check import roc_auc  # noqa: E402


def load(paths: str) -> dict[str, Any]:
    """Word data from one npz, or several joined (``a.npz,b.npz``: articles of ``a`` first)."""
    parts = [dict(np.load(p)) for p in paths.split(",")]
    out = {k: parts[0][k] for k in ("states", "labels", "docs", "article")}
    for d in parts[1:]:
        n_docs, n_arts = len(out["article"]), int(out["article"].max()) + 1
        out = {"states": np.concatenate([out["states"], d["states"]]),
               "labels": np.concatenate([out["labels"], d["labels"]]),
               "docs": np.concatenate([out["docs"], d["docs"] + n_docs]),
               "article": np.concatenate([out["article"], d["article"] + n_arts])}
    return out


def subset(data: dict[str, Any], articles: int) -> dict[str, Any]:
    """The words of the documents of the first ``articles`` articles."""
    keep_docs = data["article"] < articles
    words = keep_docs[data["docs"]]
    return {"states": data["states"][words], "labels": data["labels"][words]}


def measure(w: np.ndarray, b: float, mean: np.ndarray, scale: np.ndarray, test: dict[str, Any]) -> dict[str, Any]:
    z = ((test["states"] - mean) / scale) @ w + b
    p = 1 / (1 + np.exp(-z))
    keys, docs, labels = test["keys"], test["docs"], test["labels"]
    keep = labels != 2
    y = labels[keep] == 1
    s = np.array([p[docs == i].mean() if (docs == i).any() else 0.0 for i in range(len(keys))])
    neg = list(s[keys == "orig"])
    return {"word_auc": round(roc_auc(list(p[keep][~y]), list(p[keep][y])), 4),
            "doc_auc": {str(k): round(roc_auc(neg, list(s[keys == k])), 4)
                        for k in sorted(set(keys.tolist()) - {"orig"})}}


def main(argv: list[str] | None = None) -> int:
    import train_check_head as T

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", action="append", required=True, help="NAME=word data npz (train_check_head.py); a,b joins several")
    ap.add_argument("--test", action="append", required=True, help="NAME=word data npz (eval_check_signals.py)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[4, 8, 16])
    ap.add_argument("--l2", type=float, default=T.L2)
    a = ap.parse_args(argv)
    tests = {n: dict(np.load(p)) for n, p in (t.split("=", 1) for t in a.test)}
    out: list[dict[str, Any]] = []
    for name, path in (t.split("=", 1) for t in a.train):
        data = load(path)
        have = int(data["article"].max()) + 1
        for k in sorted({min(s, have) for s in a.sizes}):
            sub = subset(data, k)
            w, b, mean, scale = T.train(sub, a.l2 * 1e-3)
            row = {"train": name, "articles": k, "words": int((sub["labels"] != 2).sum()),
                   "swapped": int((sub["labels"] == 1).sum())}
            for tn, test in tests.items():
                row[tn] = measure(w, b, mean, scale, test)
            out.append(row)
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
