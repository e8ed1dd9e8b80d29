#!/usr/bin/env python3
"""Train a word-in-context head (``wic_scores`` below): does a thesaurus synonym
take another sense of the word it replaces, in this sentence?

Training data, built here from resources the project may use (no evaluation data):
WordNet 3.0's own usage examples (``unspin.senses.gloss``). For a synset S with a usage
example that holds one of its single-word lemmas w (in any inflection), and w has more than
one sense, each Moby synonym a of w, either direction (``unspin.lexicon.thesaurus``: the links
diff accepts as synonyms; common words, in GloVe) is substituted for w in the example (same inflection):

- label 0 (same sense) when a can stand for S (``unspin.senses.compatible``: a synonym, a
  direct hypernym or hyponym of S);
- label 1 (another sense) when a cannot stand for S but can for another sense of w;
- left out otherwise (WordNet does not relate them: no label).

At most ``--per`` substitutions of each label per example, drawn with ``--seed``. Features:
``wic_features`` below (MiniLM int8 token states, GloVe, WordNet relations). Model:
L2 logistic regression by Newton's method (``scripts/train_check_head.logistic``),
standardised features, both labels weighted equally. Validation: 5 folds by source word (no
word on both sides), printed; the stored head (``benchmarks/data/wic-head.json``, read by
``benchmarks/probe_sense6.py --wic``; diff does not use it) is fitted on all rows.

    .venv/bin/python scripts/train_wic.py                 # prints validation, writes the head
    .venv/bin/python scripts/train_wic.py --no-vectors    # the 12 scalar features only
    .venv/bin/python scripts/train_wic.py --dry-run       # validation only
    .venv/bin/python scripts/train_wic.py --cache /tmp/wic.npz   # keep the features for re-fits
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from train_check_head import logistic  # noqa: E402

from unspin import lexicon, senses  # noqa: E402

_WORD = re.compile(r"[A-Za-z]+")


#: where the trained head is written (evaluation data of the probe, not used by diff:
#: docs/benchmarks.md, "Diff judgement, session 6")
HEAD = ROOT / "benchmarks" / "data" / "wic-head.json"
N_SCALARS = 12
_REL = ("share", "near", "near2", "far")

Item = tuple[str, int, int, str, int, int, str, str]


def wic_features(items: list[Item], batch_size: int = 4) -> np.ndarray:
    """Features of each swap (source sentence, source word start, end, copy sentence, copy word
    start, end, lower-case source word, copy word): ``N_SCALARS`` scalars (the cosine of the
    MiniLM int8 token states of the two words, the sentence cosine, GloVe cosine, the WordNet
    relation one-hot, whether the copy word is in the source word's first / first two senses,
    both words' Zipf frequency, the source word's number of senses), then the element-wise
    product and absolute difference of the two words' unit state vectors (2 x 384)."""
    from unspin.encoder import cosine, get_encoder

    texts = list(dict.fromkeys(t for it in items for t in (it[0], it[3])))
    pos = {t: k for k, t in enumerate(texts)}
    enc = get_encoder().encode(texts, batch_size=batch_size) if texts else []
    means = [e.states.mean(axis=0) for e in enc]
    gv = lexicon.vectors()
    rows = []
    for st, s0, s1, ct, c0, c1, b, a in items:
        vs, vc = enc[pos[st]].span_vector(s0, s1), enc[pos[ct]].span_vector(c0, c1)
        if vs is None or vc is None:
            vs = vc = np.zeros(384, dtype=np.float32)
        us = vs / (np.linalg.norm(vs) or 1.0)
        uc = vc / (np.linalg.norm(vc) or 1.0)
        rel = senses.relation(b, a)
        scal = [cosine(vs, vc), cosine(means[pos[st]], means[pos[ct]]),
                gv.similarity(a, b) if a in gv and b in gv else 0.0,
                *(float(rel == r) for r in _REL), float(senses.in_sense(b, a, top=1)),
                float(senses.in_sense(b, a, top=2)), lexicon.zipf(a) / 7.0, lexicon.zipf(b) / 7.0,
                float(np.log1p(len(senses.ordered(b)))) / 3.0]
        rows.append(np.concatenate([np.asarray(scal, dtype=np.float32), us * uc, np.abs(us - uc)]))
    return np.stack(rows) if rows else np.zeros((0, N_SCALARS + 768), dtype=np.float32)


def wic_scores(items: list[Item], head: Path = HEAD) -> list[float]:
    """Probability that each swap takes another sense of the source word, by a trained head."""
    if not items:
        return []
    h = json.loads(head.read_text())
    x = wic_features(items).astype(np.float64)[:, :len(h["w"])]
    z = ((x - np.asarray(h["mean"])) / np.asarray(h["scale"])) @ np.asarray(h["w"]) + h["b"]
    return [float(v) for v in 1.0 / (1.0 + np.exp(-z))]


def _span(text: str, w: str) -> tuple[int, int, str] | None:
    """The first token of ``text`` that is ``w`` or an inflection of it: (start, end, suffix)."""
    wn = senses.wordnet()
    for m in _WORD.finditer(text):
        t = m.group().lower()
        if t == w or w in wn.bases(t):
            suf = lexicon.inflection(t, w)
            if lexicon.inflect(w, suf) != t:
                return None  # an irregular form: the candidate could not be inflected alike
            return m.start(), m.end(), suf
    return None


def build(seed: int, per: int, limit: int) -> list[dict[str, Any]]:
    """The labelled substitutions (see the module doc), in a fixed order."""
    rng = random.Random(seed)
    th = lexicon.thesaurus()
    gv = lexicon.vectors()
    wn = senses.wordnet()
    rows: list[dict[str, Any]] = []
    synsets = sorted({s for ss in wn.index.values() for s in ss})
    for s in synsets:
        lemmas, _, examples = senses.gloss(s)
        for w in lemmas:
            if not w.isalpha() or len(senses.ordered(w)) < 2 or w not in gv:
                continue
            cands = [c for c in sorted(th.related(w)) if c.isalpha() and c != w and c in gv
                     and lexicon.zipf(c) >= 3.0 and senses.known(c)]
            if not cands:
                continue
            for ex in examples:
                sp = _span(ex, w)
                if sp is None:
                    continue
                same = [c for c in cands if senses.compatible(s, c)]
                other = [c for c in cands if not senses.compatible(s, c)
                         and any(senses.compatible(o, c) for o in senses.ordered(w) if o != s)]
                for label, pool in ((0, same), (1, other)):
                    for c in rng.sample(pool, min(per, len(pool))):
                        new = lexicon.inflect(c, sp[2])
                        copy = ex[:sp[0]] + new + ex[sp[1]:]
                        rows.append({"source": ex, "s0": sp[0], "s1": sp[1], "copy": copy, "c0": sp[0],
                                     "c1": sp[0] + len(new), "b": w, "a": c, "y": label, "synset": s})
    rng.shuffle(rows)
    return rows[:limit] if limit else rows


def _fit(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    mean = x.mean(0)
    scale = x.std(0) + 1e-6
    wt = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1))
    w, b = logistic((x - mean) / scale, y, wt, l2)
    return w, b, mean, scale


def _auc(p: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(p)
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    pos = y == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / max(n1 * n0, 1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--per", type=int, default=2, help="substitutions of each label per example")
    ap.add_argument("--limit", type=int, default=12000, help="rows kept (after a seeded shuffle)")
    ap.add_argument("--l2", type=float, default=1e-2)
    ap.add_argument("--no-vectors", action="store_true", help="scalar features only")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--out", type=Path, default=HEAD)
    ap.add_argument("--cache", type=Path, help="features saved here (.npz) on the first run, read on later ones")
    a = ap.parse_args(argv)
    t0 = time.process_time()
    if a.cache and a.cache.exists():
        z = np.load(a.cache)
        x, y, words = z["x"], z["y"], [str(w) for w in z["words"]]
    else:
        rows = build(a.seed, a.per, a.limit)
        y = np.asarray([r["y"] for r in rows], dtype=np.float64)
        words = [r["b"] for r in rows]
        print(f"{len(rows)} substitutions ({int(y.sum())} another sense), {len(set(words))} words, "
              f"{time.process_time() - t0:.0f} CPU-s", file=sys.stderr)
        x = wic_features([(r["source"], r["s0"], r["s1"], r["copy"], r["c0"], r["c1"], r["b"], r["a"])
                          for r in rows], batch_size=32)
        print(f"features {x.shape}, {time.process_time() - t0:.0f} CPU-s", file=sys.stderr)
        if a.cache:
            np.savez_compressed(a.cache, x=x, y=y, words=np.asarray(words))
    x = np.asarray(x, dtype=np.float64)[:, :N_SCALARS] if a.no_vectors else np.asarray(x, dtype=np.float64)
    fold = np.asarray([int(hashlib.sha1(w.encode()).hexdigest(), 16) % 5 for w in words])
    oof = np.zeros(len(y))
    for k in range(5):
        w, b, mean, scale = _fit(x[fold != k], y[fold != k], a.l2)
        oof[fold == k] = 1.0 / (1.0 + np.exp(-(((x[fold == k] - mean) / scale) @ w + b)))
    print(f"out-of-fold (by word) AUC {_auc(oof, y):.3f}, accuracy at 0.5 {float(((oof >= 0.5) == (y == 1)).mean()):.3f}")
    if a.dry_run:
        return 0
    w, b, mean, scale = _fit(x, y, a.l2)
    head = {"mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale], "w": [round(float(v), 6) for v in w],
            "b": round(b, 6), "train": {"command": "scripts/train_wic.py" + (" --no-vectors" if a.no_vectors else ""),
                                        "seed": a.seed, "per": a.per, "limit": a.limit, "l2": a.l2,
                                        "rows": len(y), "another_sense": int(y.sum()),
                                        "oof_auc": round(_auc(oof, y), 4)}}
    a.out.write_text(json.dumps(head) + "\n")
    print(f"wrote {a.out} ({a.out.stat().st_size} bytes, sha256 "
          f"{hashlib.sha256(a.out.read_bytes()).hexdigest()[:16]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
