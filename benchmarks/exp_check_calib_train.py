#!/usr/bin/env python3
"""A document model calibrated on training-rewriter copies instead of synth's (issue 10 experiment).

check's document model is fitted on the BBC development split and its ``unspin.synth`` copies,
so it weighs what synth's spinners leave. Here it is fitted on the same clean articles and
their copies by the training-only rewriter (``scripts/train_rewriter.py``: WordNet swaps,
MT-like rules, phrase paraphrases; neither synth's nor altspin's resources), with check's
lexical document evidence (mean lexical probability, share of flagged words) and, optionally,
the all-words head of ``exp_check_allwords.py`` (mean probability, share above the clean
training words' 90th percentile). Measured on the held-out sets of ``exp_check_allwords.py
--save`` joined (by article and copy) with ``eval_check_signals.py --save-data`` word data.

Usage::

    python benchmarks/exp_check_calib_train.py --wordnet DIR --aw /tmp/aw --limit 100 \\
        --synth /tmp/synth.npz --alt /tmp/alt.npz --real /tmp/real.npz [--cache /tmp/calib-train.npz]
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "scripts"))

from common import load_bbc  # noqa: E402
from eval_check import roc_auc  # noqa: E402
from exp_check_allwords import collect as collect_all  # noqa: E402
from exp_check_docpool import NAMES, lexical, pooled  # noqa: E402


def _check_comb() -> tuple[float, float, float]:
    from unspin import checker as ck

    return (ck.COMBINE_BIAS, ck.COMBINE_WEIGHTS[0], ck.COMBINE_WEIGHTS[1])


def lexical_docs(data: dict[str, Any]) -> np.ndarray:
    """(lexical mean, flag share) per document of content-word data (shipped head and combination)."""
    from unspin.contextual import Head

    f = pooled(data, lexical(data), Head.load().logits(data["states"]), 1.0, _check_comb())
    return f[:, [NAMES.index("lex_mean"), NAMES.index("flag_share")]]


def head_docs(aw: dict[str, Any], head: tuple[np.ndarray, float, np.ndarray, np.ndarray], thr: float) -> np.ndarray:
    w, b, mean, scale = head
    z = ((aw["states"].astype(np.float32) - mean) / scale) @ w + b
    n = len(aw["keys"])
    out = np.zeros((n, 2))
    for i in range(n):
        zi = z[aw["docs"] == i]
        if len(zi):
            out[i] = (np.mean(1 / (1 + np.exp(-zi))), np.mean(zi > thr))
    return out


def main(argv: list[str] | None = None) -> int:
    import train_check_head as T
    import train_rewriter as R

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wordnet", type=Path, required=True)
    ap.add_argument("--aw", type=Path, required=True, help="exp_check_allwords.py --save folder")
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--synth", required=True)
    ap.add_argument("--alt", required=True)
    ap.add_argument("--real", required=True)
    ap.add_argument("--cache", type=Path)
    a = ap.parse_args(argv)
    if a.cache and a.cache.exists():
        cal = dict(np.load(a.cache))
        cal_aw = {k[3:]: v for k, v in cal.items() if k.startswith("aw_")}
        cal_cw = {k[3:]: v for k, v in cal.items() if k.startswith("cw_")}
    else:
        wn = R.WordNet(a.wordnet)
        arts = [x for i, x in enumerate(load_bbc()) if i % 2 == 0][: a.limit]
        make = functools.partial(T.variants, rewriters="train", wordnet=wn)
        cal_cw = T.collect(arts, 1, make)
        docs = [(key, k, text, edits) for k, art in enumerate(arts) for key, text, edits in make(art, 100 * k)]
        cal_aw = collect_all(docs)
        if a.cache:
            np.savez_compressed(a.cache, **{f"aw_{k}": v for k, v in cal_aw.items()},
                                **{f"cw_{k}": v for k, v in cal_cw.items()})
    # the all-words head trained on the training rewriter's copies of samples + docs prose
    tr = dict(np.load(a.aw / "train.npz"))
    ok = np.array([k == "orig" or k.startswith("train-") for k in tr["keys"]])[tr["docs"]]
    w, b, mean, scale = T.train({"states": tr["states"][ok].astype(np.float32), "labels": tr["labels"][ok]}, T.L2 * 1e-3)
    z_tr = ((tr["states"][ok].astype(np.float32) - mean) / scale) @ w + b
    thr = float(np.quantile(z_tr[(tr["keys"][tr["docs"]] == "orig")[ok]], 0.9))
    head = (w, b, mean, scale)

    def features(cw: dict[str, Any], aw: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        lx = lexical_docs(cw)
        hd = head_docs(aw, head, thr)
        pos = {(int(x), str(k)): i for i, (x, k) in enumerate(zip(aw["article"], aw["keys"], strict=True))}
        rows, keys = [], []
        for i, (x, k) in enumerate(zip(cw["article"], cw["keys"], strict=True)):
            j = pos.get((int(x), str(k)))
            if j is not None:
                rows.append([*lx[i], *hd[j]])
                keys.append(str(k))
        return np.array(rows), np.array(keys)

    fx, fk = features(cal_cw, cal_aw)
    y = (fk != "orig").astype(np.float64)
    mu, sd = fx.mean(0), fx.std(0) + 1e-9
    wt = np.where(y == 1, 0.5 / y.sum(), 0.5 / (1 - y).sum())
    tests = {n: features(dict(np.load(p)), dict(np.load(a.aw / f"{n}.npz")))
             for n, p in (("synth", a.synth), ("alt", a.alt), ("real", a.real))}
    models = {"lexical (check's evidence)": [0, 1], "lexical + all-words head": [0, 1, 2, 3], "all-words head": [2, 3]}
    out: dict[str, Any] = {"calibration_docs": int(len(y)), "copies": int(y.sum())}
    for name, cols in models.items():
        dw, db = T.logistic(((fx - mu) / sd)[:, cols], y, wt, 1e-3)
        res: dict[str, Any] = {"weights": [round(float(v), 3) for v in dw]}
        for tn, (x, k) in tests.items():
            s = ((x - mu) / sd)[:, cols] @ dw + db
            res[tn] = {str(c): round(roc_auc(list(s[k == "orig"]), list(s[k == c])), 4)
                       for c in sorted(set(k.tolist()) - {"orig"}) if "0.35" not in c}
        s_cal = ((fx - mu) / sd)[:, cols] @ dw + db
        res["calibration_auc"] = round(roc_auc(list(s_cal[y == 0]), list(s_cal[y == 1])), 4)
        out[name] = res
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
