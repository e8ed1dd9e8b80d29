#!/usr/bin/env python3
"""Which head, and which document pooling of its word evidence, separates rewritten from clean?

An experiment for issue 10 (nothing is written). For each training set of word data
(``scripts/train_check_head.py --save-data``; several joined with ``a.npz,b.npz``) the head is
trained with the shipped recipe, then on each held-out set (``eval_check_signals.py
--save-data``: held-out BBC split with synth or alt copies, or the real pages) a document gets
these scores from its checked words:

- ``lex_mean``: mean lexical probability (check's main document evidence today);
- ``ctx_mean``: mean head probability; ``ctx_top``: mean of the top 20% head log-odds;
  ``ctx_share``: share of words whose head log-odds exceed the 90th percentile of the clean
  training originals' words (a threshold from clean text only);
- ``flag_share``: share of words whose combined (lexical + head) probability reaches 0.5;
- ``doc:...``: logistic document models over named features, fitted on the *training*
  documents (originals vs copies) or on ``--fit-on`` (e.g. the BBC development split and its
  synth copies, as check's calibration), never on a held-out set.

Prints the document ROC AUC (originals vs each copy key; real: clean vs rewritten) per score.

Usage::

    python benchmarks/exp_check_docpool.py --train samples=/tmp/s.npz --train mix=/tmp/s.npz,/tmp/t.npz \\
        --test synth=/tmp/synth.npz --test alt=/tmp/alt.npz --test real=/tmp/real.npz
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "scripts"))

from eval_check import roc_auc  # noqa: E402

TOP = 0.2


def load(paths: str) -> dict[str, Any]:
    """Word data from one npz, or several joined (documents renumbered)."""
    keys = ("states", "feats", "labels", "docs", "article", "keys")
    parts = [dict(np.load(p)) for p in paths.split(",")]
    out = {k: parts[0][k] for k in keys}
    for d in parts[1:]:
        n_docs, n_arts = len(out["article"]), int(out["article"].max()) + 1
        out = {"states": np.concatenate([out["states"], d["states"]]),
               "feats": np.concatenate([out["feats"], d["feats"]]),
               "labels": np.concatenate([out["labels"], d["labels"]]),
               "docs": np.concatenate([out["docs"], d["docs"] + n_docs]),
               "article": np.concatenate([out["article"], d["article"] + n_arts]),
               "keys": np.concatenate([out["keys"], d["keys"]])}
    return out


def lexical(data: dict[str, Any]) -> np.ndarray:
    ck = importlib.import_module("unspin.checker")
    z = data["feats"].astype(np.float64) @ np.array(ck.WORD_WEIGHTS) + ck.WORD_BIAS
    return np.asarray(z)


NAMES = ("lex_mean", "lex_top", "ctx_mean", "ctx_top", "ctx_share", "flag_share")


def pooled(data: dict[str, Any], z_lex: np.ndarray, z_ctx: np.ndarray, thr: float,
           combine: tuple[float, float, float] = (0.0, 1.0, 0.0)) -> np.ndarray:
    """Per document: ``NAMES`` (flag share: combined word probability >= 0.5, as check flags)."""
    docs = data["docs"]
    n = len(data["keys"])
    order = np.argsort(docs, kind="stable")
    bounds = np.searchsorted(docs[order], np.arange(n + 1))
    out = np.zeros((n, 6))
    flag = (combine[0] + combine[1] * z_lex + combine[2] * z_ctx) >= 0
    for i in range(n):
        idx = order[bounds[i]:bounds[i + 1]]
        if not len(idx):
            continue
        zl, zc = z_lex[idx], z_ctx[idx]
        k = max(1, int(round(TOP * len(idx))))
        out[i] = (np.mean(1 / (1 + np.exp(-zl))), np.mean(np.sort(zl)[-k:]),
                  np.mean(1 / (1 + np.exp(-zc))), np.mean(np.sort(zc)[-k:]), np.mean(zc > thr),
                  np.mean(flag[idx]))
    return out


def aucs(score: np.ndarray, keys: np.ndarray) -> dict[str, float]:
    neg_key = "orig"
    neg = list(score[keys == neg_key])
    return {str(k): round(roc_auc(neg, list(score[keys == k])), 4) for k in sorted(set(keys.tolist()) - {neg_key})}


def main(argv: list[str] | None = None) -> int:
    import train_check_head as T

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", action="append", required=True, help="NAME=npz[,npz...]")
    ap.add_argument("--test", action="append", required=True, help="NAME=npz")
    ap.add_argument("--l2", type=float, default=T.L2)
    ap.add_argument("--fit-on", help="NAME=npz: fit the document models on this set's documents "
                    "(e.g. the BBC development split and its synth copies, as check's calibration) "
                    "instead of the training documents")
    ap.add_argument("--models", nargs="+", default=["flag_share,lex_mean", "flag_share,lex_mean,ctx_top",
                                                    "flag_share,lex_mean,lex_top,ctx_top", ",".join(NAMES)],
                    help="document models: comma-separated feature names")
    a = ap.parse_args(argv)
    tests = {n: dict(np.load(p)) for n, p in (t.split("=", 1) for t in a.test)}
    for td in tests.values():
        td["z_lex"] = lexical(td)
    for name, path in (t.split("=", 1) for t in a.train):
        data = load(path)
        w, b, mean, scale = T.train(data, a.l2 * 1e-3)

        def head(d: dict[str, Any], w: np.ndarray = w, b: float = b, mean: np.ndarray = mean,
                 scale: np.ndarray = scale) -> np.ndarray:
            return np.asarray(((d["states"] - mean) / scale) @ w + b, dtype=np.float64)

        z_train = head(data)
        clean_words = data["keys"][data["docs"]] == "orig"
        thr = float(np.quantile(z_train[clean_words], 0.9))
        # per-word combination of lexical and head log-odds (as check's COMBINE_WEIGHTS; in-sample)
        keep = data["labels"] != 2
        zl_train = lexical(data)
        cw, cb = T.logistic(np.c_[zl_train, z_train][keep], (data["labels"][keep] == 1).astype(np.float64),
                            np.ones(int(keep.sum())), 1e-6)
        comb = (cb, float(cw[0]), float(cw[1]))
        fit = load(a.fit_on.split("=", 1)[1]) if a.fit_on else data
        f_train = pooled(fit, lexical(fit), head(fit), thr, comb)
        y = (fit["keys"] != "orig").astype(np.float64)
        mu, sd = f_train.mean(0), f_train.std(0) + 1e-9
        wt = np.where(y == 1, 0.5 / y.sum(), 0.5 / (1 - y).sum())
        models = {}
        for m in a.models:
            cols = [NAMES.index(c) for c in m.split(",")]
            dw, db = T.logistic(((f_train - mu) / sd)[:, cols], y, wt, 1e-3)
            models[m] = (cols, dw, db)
        row: dict[str, Any] = {"train": name, "docs": int(len(y)), "words": int((data["labels"] != 2).sum()),
                               "combine": [round(v, 3) for v in comb],
                               "doc_weights": {m: [round(float(v), 3) for v in dw] for m, (_, dw, _) in models.items()}}
        for tn, td in tests.items():
            f = pooled(td, td["z_lex"], head(td), thr, comb)
            keep = td["labels"] != 2
            yy = td["labels"][keep] == 1
            zc = head(td)[keep]
            res: dict[str, Any] = {}
            if yy.any():
                res["word_auc_ctx"] = round(roc_auc(list(zc[~yy]), list(zc[yy])), 4)
            for j, nm in enumerate(NAMES):
                res[nm] = aucs(f[:, j], td["keys"])
            for m, (cols, dw, db) in models.items():
                res["doc:" + m] = aucs(((f - mu) / sd)[:, cols] @ dw + db, td["keys"])
            row[tn] = res
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
