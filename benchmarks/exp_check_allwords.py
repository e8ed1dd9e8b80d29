#!/usr/bin/env python3
"""Does a contextual head over *every* word (function words included) see MT and paraphrase rewrites?

An experiment for issue 10 (nothing is written but ``--save`` data). check's head scores only
the content words its lexical model scores, but machine-translation and paraphrase rewrites
change function words too ("the", "of", "on", "which"). Here every word of a text (letter runs)
gets its pooled two-layer MiniLM state; a word is positive when a rewrite touched it. A head
(the shipped recipe: L2 logistic regression) is trained on the training documents and a
document scores the mean head probability, the mean of its top 20% log-odds, or the share of
words above the 90th percentile of the clean training words. Document ROC AUC per copy style.

Training: the invented samples and the project's documentation prose (``train_check_head.py``
``--corpus samples+docs``) with ``unspin.synth`` copies and the training rewriter
(``scripts/train_rewriter.py``). Held out: the odd BBC development lines with synth or alt
copies, and the real pages (``../shared``, evaluation only).

Usage::

    python benchmarks/exp_check_allwords.py --wordnet DIR --save /tmp/aw   # collect + measure
    python benchmarks/exp_check_allwords.py --load /tmp/aw                   # measure again
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "scripts"))

from common import load_bbc, load_samples, rewrite  # noqa: E402
from eval_check import roc_auc  # noqa: E402

_LETTERS = re.compile(r"[A-Za-z]+")
POSITIVE = ("synonym", "reword", "train")


def collect(docs: list[tuple[str, int, str, list[tuple[int, int, str]]]]) -> dict[str, Any]:
    """(key, article number, text, edits) -> every word's state (float16), label, document."""
    from unspin.contextual import get_encoder, word_states

    enc = get_encoder()
    states, labels, doc_of, keys, arts = [], [], [], [], []
    for d, (key, art, text, edits) in enumerate(docs):
        spans = [(m.start(), m.end()) for m in _LETTERS.finditer(text)]
        st = word_states(enc, text, spans)
        for (s, e), h in zip(spans, st, strict=True):
            lab = 0
            for cs, ce, kind in edits:
                if s < ce and cs < e:
                    lab = 1 if kind in POSITIVE else 2
                    break
            states.append(h.astype(np.float16))
            labels.append(lab)
            doc_of.append(d)
        keys.append(key)
        arts.append(art)
    return {"states": np.asarray(states), "labels": np.asarray(labels, dtype=np.int8),
            "docs": np.asarray(doc_of, dtype=np.int32), "keys": np.asarray(keys), "article": np.asarray(arts)}


def training_docs(wordnet_dir: Path, seeds: int) -> list[tuple[str, int, str, list[tuple[int, int, str]]]]:
    import train_check_head as T
    import train_rewriter as R

    wn = R.WordNet(wordnet_dir)
    make = functools.partial(T.variants, rewriters="synth+train", wordnet=wn)
    out = []
    for k, art in enumerate(load_samples() + T.load_docs()):
        for s in range(seeds):
            for key, text, edits in make(art, k * 100 + s):
                if key == "orig" and s > 0:
                    continue
                out.append((key, k, text, edits))
    return out


def held_out_docs(generator: str, limit: int) -> list[tuple[str, int, str, list[tuple[int, int, str]]]]:
    styles = ("thesaurus", "embedding", "mixed") if generator == "synth" else ("paraphrase", "mt", "ai")
    out = []
    for k, art in enumerate([a for i, a in enumerate(load_bbc()) if i % 2 == 1][:limit]):
        out.append(("orig", k, art.text, []))
        for st in styles:
            c = rewrite(art, generator, seed=100 * k, rate=0.2, style=st)
            out.append((f"{st}@0.2", k, c.text, [(e.copy_start, e.copy_end, e.kind) for e in c.edits]))
    return out


def real_docs() -> list[tuple[str, int, str, list[tuple[int, int, str]]]]:
    from common import REALWORLD

    def load(name: str) -> list[dict[str, Any]]:
        return [json.loads(x) for x in (REALWORLD / name).read_text(encoding="utf-8").splitlines() if x.strip()]

    pairs = load("pairs.jsonl")
    pages = ([("rewritten", p["copy"]["text"]) for p in pairs] + [("rewritten", r["text"]) for r in load("rewritten.jsonl")]
             + [("orig", c["text"]) for c in load("clean.jsonl")] + [("orig", p["source"]["text"]) for p in pairs])
    return [(k, i, t, []) for i, (k, t) in enumerate(pages)]


def doc_scores(z: np.ndarray, data: dict[str, Any], thr: float) -> dict[str, np.ndarray]:
    docs, n = data["docs"], len(data["keys"])
    out = {"mean": np.zeros(n), "top": np.zeros(n), "share": np.zeros(n)}
    for i in range(n):
        zi = z[docs == i]
        if not len(zi):
            continue
        k = max(1, int(round(0.2 * len(zi))))
        out["mean"][i] = np.mean(1 / (1 + np.exp(-zi)))
        out["top"][i] = np.mean(np.sort(zi)[-k:])
        out["share"][i] = np.mean(zi > thr)
    return out


def main(argv: list[str] | None = None) -> int:
    import train_check_head as T

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wordnet", type=Path)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--save", type=Path)
    ap.add_argument("--load", type=Path)
    ap.add_argument("--train-keys", default="", help="only training copies whose key starts with one of these (comma-separated)")
    a = ap.parse_args(argv)
    names = ("train", "synth", "alt", "real")
    if a.load:
        sets = {n: dict(np.load(a.load / f"{n}.npz")) for n in names}
    else:
        if a.wordnet is None:
            ap.error("--wordnet DIR is needed to collect")
        sets = {"train": collect(training_docs(a.wordnet, a.seeds)),
                "synth": collect(held_out_docs("synth", a.limit)),
                "alt": collect(held_out_docs("alt", a.limit)), "real": collect(real_docs())}
        if a.save:
            a.save.mkdir(parents=True, exist_ok=True)
            for n, d in sets.items():
                np.savez_compressed(a.save / f"{n}.npz", **d)
    tr = sets["train"]
    if a.train_keys:
        ok_doc = np.array([k == "orig" or k.startswith(tuple(a.train_keys.split(","))) for k in tr["keys"]])
        m = ok_doc[tr["docs"]]
        tr = {"states": tr["states"][m], "labels": tr["labels"][m], "docs": tr["docs"][m], "keys": tr["keys"]}
    w, b, mean, scale = T.train({"states": tr["states"].astype(np.float32), "labels": tr["labels"]}, T.L2 * 1e-3)
    z_tr = ((tr["states"].astype(np.float32) - mean) / scale) @ w + b
    thr = float(np.quantile(z_tr[tr["keys"][tr["docs"]] == "orig"], 0.9))
    row: dict[str, Any] = {"train_words": int((tr["labels"] != 2).sum()), "train_positive": int((tr["labels"] == 1).sum())}
    for n in names[1:]:
        d = sets[n]
        z = ((d["states"].astype(np.float32) - mean) / scale) @ w + b
        keep = d["labels"] != 2
        y = d["labels"][keep] == 1
        res: dict[str, Any] = {}
        if y.any():
            res["word_auc"] = round(roc_auc(list(z[keep][~y]), list(z[keep][y])), 4)
        for sn, s in doc_scores(z, d, thr).items():
            neg = list(s[d["keys"] == "orig"])
            res[sn] = {str(k): round(roc_auc(neg, list(s[d["keys"] == k])), 4)
                       for k in sorted(set(d["keys"].tolist()) - {"orig"})}
        row[n] = res
    print(json.dumps(row, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
