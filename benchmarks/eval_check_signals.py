#!/usr/bin/env python3
"""Which evidence separates spun from clean documents? check's two word signals, one at a time.

For held-out BBC articles (odd lines; research use only, never copied into the repository)
and their copies (``unspin.synth`` spinners, or the independent ``unspin.altspin`` styles),
every word ``check`` scores gets its lexical probability (``WORD_WEIGHTS``) and its
contextual probability (the head in ``--head``, default the shipped one); a document's score
is the mean over its words. Prints the document ROC AUC (originals vs copies) of each signal
per spinner and rate, the word ROC AUC (swapped vs other words), and the AUC of check's own
document logit on the word evidence (its ``word_score``: artefacts left out, since synth adds
damaged numbers to most copies). This isolates what each signal sees, and needs one model
pass per text instead of a full ``check``.

Usage::

    python benchmarks/eval_check_signals.py --limit 80                    # synth spinners
    python benchmarks/eval_check_signals.py --limit 40 --generator alt --rate 0.2
    python benchmarks/eval_check_signals.py --head /tmp/head-bbc.json     # a BBC-trained head
    python benchmarks/eval_check_signals.py --real     # real pages: rewritten vs clean (no word truth)

``--real`` uses the real-world development set in ``../shared`` (evaluation only): the
rewritten pages (pair copies and AI paraphrases, key "rewritten") against the clean ones (the
7 articles and the pairs' originals, key "orig"), as ``eval_realworld.py`` does; there is no
word-level truth there, so only document AUCs are given.
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
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "scripts"))

from common import REALWORLD, MissingData, article, load_bbc, rewrite  # noqa: E402
from eval_check import roc_auc  # noqa: E402


def collect(arts: list[Any], generator: str, rates: tuple[float, ...]) -> dict[str, Any]:
    """Word data as ``scripts/train_check_head.py`` collects it (seed ``100 k``)."""
    import train_check_head as T

    if generator == "synth":
        return T.collect(arts, 1)
    styles = ("paraphrase", "mt", "ai")
    saved = T.variants

    def alt_variants(art: Any, seed: int) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
        out: list[tuple[str, str, list[tuple[int, int, str]]]] = [("orig", art.text, [])]
        for st in styles:
            for rate in rates:
                c = rewrite(art, "alt", seed=seed, rate=rate, style=st)
                out.append((f"{st}@{rate}", c.text, [(e.copy_start, e.copy_end, e.kind) for e in c.edits]))
        return out

    T.variants = alt_variants
    try:
        return T.collect(arts, 1)
    finally:
        T.variants = saved


def collect_real() -> dict[str, Any]:
    """Word data of the real pages: clean ones as "orig", rewritten ones as "rewritten"."""
    import train_check_head as T

    def load(name: str) -> list[dict[str, Any]]:
        lines = (REALWORLD / name).read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    pairs = load("pairs.jsonl")
    pages = ([(p["copy"]["text"], "rewritten") for p in pairs]
             + [(r["text"], "rewritten") for r in load("rewritten.jsonl")]
             + [(c["text"], "orig") for c in load("clean.jsonl")]
             + [(p["source"]["text"], "orig") for p in pairs])
    saved = T.variants
    by_id = {f"real{k}": page for k, page in enumerate(pages)}
    T.variants = lambda art, seed: [(by_id[art.id][1], by_id[art.id][0], [])]  # type: ignore[assignment]
    try:
        return T.collect([article({"id": i, "text": t}) for i, (t, _) in by_id.items()], 1)
    finally:
        T.variants = saved


def signals(data: dict[str, Any], head: Any) -> dict[str, Any]:
    ck = importlib.import_module("unspin.checker")
    lex = 1 / (1 + np.exp(-(data["feats"].astype(np.float64) @ np.array(ck.WORD_WEIGHTS) + ck.WORD_BIAS)))
    ctx = 1 / (1 + np.exp(-head.logits(data["states"])))
    keys, docs = data["keys"], data["docs"]
    keep = data["labels"] != 2
    y = data["labels"][keep] == 1
    out: dict[str, Any] = {"documents": int(len(keys)), "words": int(keep.sum())}
    # check's own document logit from the word evidence (artefacts left out: ``word_score``)
    a, b = ck.COMBINE_WEIGHTS
    lz = np.log(np.clip(lex, 1e-6, 1 - 1e-6) / (1 - np.clip(lex, 1e-6, 1 - 1e-6)))
    comb = 1 / (1 + np.exp(-(ck.COMBINE_BIAS + a * lz + b * head.logits(data["states"]))))
    z = np.array([ck.doc_logit(ck._doc_features(int((docs == i).sum()), list(lex[docs == i]),
                                                list(ctx[docs == i]),
                                                int((comb[docs == i] >= ck.FLAG_THRESHOLD).sum()), 0))
                  for i in range(len(keys))])
    out["doc_auc_check_words"] = {str(k): round(roc_auc(list(z[keys == "orig"]), list(z[keys == k])), 4)
                                  for k in sorted(set(keys.tolist()) - {"orig"})}
    out["originals_unsure_or_spun_words"] = round(float((z[keys == "orig"] >= ck.Z_UNSURE).mean()), 4)
    for name, p in (("lexical", lex), ("contextual", ctx)):
        out[f"word_auc_{name}"] = round(roc_auc(list(p[keep][~y]), list(p[keep][y])), 4)
        s = np.array([p[docs == i].mean() if (docs == i).any() else 0.0 for i in range(len(keys))])
        neg = list(s[keys == "orig"])
        out[f"doc_auc_{name}"] = {str(k): round(roc_auc(neg, list(s[keys == k])), 4)
                                  for k in sorted(set(keys.tolist()) - {"orig"})}
    return out


def main(argv: list[str] | None = None) -> int:
    from unspin.contextual import HEAD_PATH, Head

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=80)
    ap.add_argument("--generator", choices=("synth", "alt"), default="synth")
    ap.add_argument("--real", action="store_true", help="the real pages of ../shared instead of BBC copies")
    ap.add_argument("--rate", type=float, action="append", help="alt swap rates (default 0.2)")
    ap.add_argument("--head", type=Path, default=HEAD_PATH)
    ap.add_argument("--data", type=Path, help="word data saved earlier (npz) instead of collecting")
    ap.add_argument("--save-data", type=Path)
    a = ap.parse_args(argv)
    if a.data:
        data = dict(np.load(a.data))
    elif a.real:
        if not (REALWORLD / "pairs.jsonl").exists():
            print(f"skipped: {REALWORLD} not found")
            return 0
        data = collect_real()
    else:
        try:
            arts = [x for i, x in enumerate(load_bbc()) if i % 2 == 1][: a.limit]
        except MissingData as err:
            print(f"skipped: {err}")
            return 0
        data = collect(arts, a.generator, tuple(a.rate or (0.2,)))
    if a.save_data and not a.data:
        np.savez_compressed(a.save_data, **data)
    print(json.dumps({"head": str(a.head), **signals(data, Head.load(a.head))}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
