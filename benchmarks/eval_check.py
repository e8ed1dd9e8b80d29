#!/usr/bin/env python3
"""Evaluate ``unspin.check`` (issue 4): spun copies versus their originals, without the source.

Data: the BBC development corpus (``../shared/data/bbc-dev.jsonl.gz``, research use only,
never copied into the repository), split by line number: even lines are the development
split (the verdict thresholds were set there, ``--calibrate``), odd lines the held-out split
that the reported figures come from. The model weights themselves are fitted on the invented
sample articles in the repository and their synthetic copies (``--fit``), so the shipped
coefficients owe nothing to the BBC text. Each article is checked as it is and as
copies spun by ``unspin.synth`` (thesaurus, embedding and mixed spinners; 20% and 35% swap
rates; default settings otherwise: fact edits, mangled numbers, clutter, ...). Every text
goes through ``unspin.ingest.from_text`` first, as ``unspin check`` does.

Figures:

- document-level ROC AUC of ``spin_score`` (originals vs copies), per spinner and rate;
- share of originals whose verdict is "spun" (and "unsure");
- flagged-phrase precision at 35%: share of flags (body text only) that overlap an edit the
  spinner made (synonym, reword, fact or number edit);
- recall of swapped words at 35%: share of synonym swaps overlapped by a flag;
- the seed case: verdict, which of the eight issue phrases are flagged, suggestions.

Usage::

    python benchmarks/eval_check.py                  # held-out split, 300 articles, 2 jobs
    python benchmarks/eval_check.py --limit 0 --jobs 2 --json out.json   # whole held-out split
    python benchmarks/eval_check.py --fit            # refit the weights (invented samples only)
    python benchmarks/eval_check.py --calibrate --limit 0   # clean-score quantiles, dev split
    python benchmarks/eval_check.py --generator alt [--style mt]   # copies by unspin.altspin

``gate_metrics()`` computes quick figures on in-repository data only (the invented sample
articles and their synthetic copies) for ``benchmarks/gate.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from multiprocessing import Pool
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from common import (  # noqa: E402
    GENERATOR_STYLES,
    SEED_CASE,
    MissingData,
    add_generator_options,
    load_bbc,
    load_samples,
    rewrite,
)
from unspin.models import Article  # noqa: E402

SPINNERS = ("thesaurus", "embedding", "mixed")
RATES = (0.2, 0.35)
TRUE_KINDS = ("synonym", "reword", "fact", "number_format")
SEED_PHRASES = ("Soviet military causes", "facilitating serenity", "US Presidents Zelenskyy",
                "maintaining our appearance", "12 000 army", "appointment in Vatican City",
                "members of the motherland", "second significant issue")


# ---------------------------------------------------------------------------- one article

def _ingest(text: str, id: str) -> Article:
    from unspin.ingest import from_text

    return from_text(text, id=id)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def evaluate_article(art: Article, k: int, spinners: Sequence[str] = SPINNERS,
                     rates: Sequence[float] = RATES, generator: str = "synth") -> dict[str, Any]:
    """Check one article and its rewritten copies (``spinners``: the synth spinners, or the
    alt styles with ``generator="alt"``); return scores and flag counts."""
    from unspin.checker import check

    orig = check(_ingest(art.text, art.id))
    out: dict[str, Any] = {"id": art.id, "orig": {"score": orig.spin_score, "verdict": orig.verdict,
                                                   "flags": len(orig.flags), "word_score": orig.word_score}}
    for sp in spinners:
        for rate in rates:
            copy = rewrite(art, generator, seed=k, rate=rate, style=sp)
            res = check(_ingest(copy.text, copy.id))
            body_end = copy.clutter_start if copy.clutter_start is not None else len(copy.text)
            edits = [(e.copy_start, e.copy_end) for e in copy.edits if e.kind in TRUE_KINDS]
            swaps = [(e.copy_start, e.copy_end) for e in copy.edits if e.kind == "synonym"]
            flags = [(f.start, f.end) for f in res.flags if f.start < body_end]
            good = sum(any(_overlaps(f0, f1, e0, e1) for e0, e1 in edits) for f0, f1 in flags)
            found = sum(any(_overlaps(f0, f1, e0, e1) for f0, f1 in flags) for e0, e1 in swaps)
            out[f"{sp}@{rate}"] = {"score": res.spin_score, "word_score": res.word_score,
                                   "verdict": res.verdict, "flags": len(flags),
                                   "good_flags": good, "swaps": len(swaps), "found": found}
    return out


def _work(args: tuple[Article, int, Sequence[str], Sequence[float], str]) -> dict[str, Any]:
    return evaluate_article(*args)


# ---------------------------------------------------------------------------- figures

def roc_auc(neg: Sequence[float], pos: Sequence[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not neg or not pos:
        return float("nan")
    allv = sorted([(v, 0) for v in neg] + [(v, 1) for v in pos])
    ranks: list[float] = [0.0] * len(allv)
    i = 0
    while i < len(allv):
        j = i
        while j + 1 < len(allv) and allv[j + 1][0] == allv[i][0]:
            j += 1
        for m in range(i, j + 1):
            ranks[m] = (i + j) / 2 + 1
        i = j + 1
    rpos = sum(r for r, (_, y) in zip(ranks, allv, strict=True) if y == 1)
    n1, n0 = len(pos), len(neg)
    return (rpos - n1 * (n1 + 1) / 2) / (n1 * n0)


def summarise(rows: Sequence[dict[str, Any]], spinners: Sequence[str] = SPINNERS,
              rates: Sequence[float] = RATES) -> dict[str, Any]:
    neg = [r["orig"]["score"] for r in rows]
    out: dict[str, Any] = {
        "articles": len(rows),
        "originals_spun": sum(r["orig"]["verdict"] == "spun" for r in rows) / max(len(rows), 1),
        "originals_unsure": sum(r["orig"]["verdict"] == "unsure" for r in rows) / max(len(rows), 1),
        "auc": {}, "auc_words_only": {}, "copies_spun": {}, "precision": {}, "recall": {},
    }
    neg_w = [r["orig"]["word_score"] for r in rows]
    for sp in spinners:
        for rate in rates:
            key = f"{sp}@{rate}"
            cs = [r[key] for r in rows]
            out["auc"][key] = round(roc_auc(neg, [c["score"] for c in cs]), 4)
            out["auc_words_only"][key] = round(roc_auc(neg_w, [c["word_score"] for c in cs]), 4)
            out["copies_spun"][key] = round(sum(c["verdict"] == "spun" for c in cs) / max(len(cs), 1), 4)
            nf = sum(c["flags"] for c in cs)
            ns = sum(c["swaps"] for c in cs)
            out["precision"][key] = round(sum(c["good_flags"] for c in cs) / nf, 4) if nf else float("nan")
            out["recall"][key] = round(sum(c["found"] for c in cs) / ns, 4) if ns else float("nan")
    return out


def run(articles: Sequence[Article], jobs: int = 2, spinners: Sequence[str] = SPINNERS,
        rates: Sequence[float] = RATES, generator: str = "synth") -> list[dict[str, Any]]:
    tasks = [(a, k, spinners, rates, generator) for k, a in enumerate(articles)]
    if jobs <= 1:
        return [_work(t) for t in tasks]
    with Pool(jobs) as pool:
        return pool.map(_work, tasks, chunksize=4)


# The seed's spinner artefacts, repaired: what check says on its words alone.
SEED_REPAIRS = (("12 000", "12,000"), ("4, 000", "4,000"), ("3, 000", "3,000"),
                ("US Presidents Zelenskyy", "US President Zelenskyy"))


def seed_check(path: Path = SEED_CASE) -> dict[str, Any]:
    """The real-world seed: verdict, which issue phrases are flagged, suggestions; and the
    verdict on the same page with its damaged numbers and plural title repaired."""
    from unspin.checker import check
    from unspin.ingest import from_text, read

    art = next(read(str(path)))
    res = check(art)
    orig = art.original
    hits: dict[str, list[str]] = {}
    for phrase in SEED_PHRASES:
        at = orig.find(phrase)
        if at < 0:
            continue
        over = [f for f in res.flags if _overlaps(f.start, f.end, at, at + len(phrase))]
        if over:
            hits[phrase] = [f"{f.text} -> {f.suggestion} (p={f.score:.2f})" for f in over]
    fixed = path.read_text(encoding="utf-8")
    for old, new in SEED_REPAIRS:
        fixed = fixed.replace(old, new)
    rep = check(from_text(fixed, input="seed, repaired"))
    return {"verdict": res.verdict, "spin_score": res.spin_score, "word_score": res.word_score,
            "phrases_flagged": len(hits), "flagged": hits,
            "suggestions": sum(any(" -> None" not in s for s in v) for v in hits.values()),
            "repaired": {"verdict": rep.verdict, "spin_score": rep.spin_score,
                         "artefacts": sum(f.kind in ("number", "agreement") for f in rep.flags),
                         "words_flagged": rep.words_flagged, "words_checked": rep.words_checked}}


# ---------------------------------------------------------------------------- gate

def gate_metrics() -> dict[str, float]:
    """Quick figures on in-repository data: the invented samples and their synth copies,
    and their copies by the independent generator (``alt``, mixed style)."""
    arts = load_samples()
    rows = run(arts, jobs=2, spinners=("mixed",), rates=(0.2, 0.35))
    s = summarise(rows, spinners=("mixed",), rates=(0.2, 0.35))
    alt = summarise(run(arts, jobs=2, spinners=("mixed",), rates=(0.2, 0.35), generator="alt"),
                    spinners=("mixed",), rates=(0.2, 0.35))
    return {
        "check_samples_auc_mixed_20": s["auc"]["mixed@0.2"],
        "check_samples_auc_mixed_35": s["auc"]["mixed@0.35"],
        "check_samples_false_spun": round(s["originals_spun"], 4),
        "check_samples_precision_35": s["precision"]["mixed@0.35"],
        "check_samples_recall_35": s["recall"]["mixed@0.35"],
        "check_samples_alt_auc_mixed_20": alt["auc"]["mixed@0.2"],
        "check_samples_alt_auc_mixed_35": alt["auc"]["mixed@0.35"],
    }


GATE_LOWER_IS_BETTER = ("check_samples_false_spun",)
GATE_MARGINS = {"check_samples_false_spun": 0.0, "check_samples_alt_auc_mixed_20": 0.03,
                "check_samples_alt_auc_mixed_35": 0.03}


# ---------------------------------------------------------------------------- fitting

def _features(art: Article, k: int, context: bool = True
              ) -> list[tuple[str, list[tuple[tuple[float, ...], float, float, int]], int, int]]:
    """Per variant (original and synthetic copies): per word (lexical features, lexical
    probability, contextual log-odds, label: 1 = swapped, 0 = untouched, 2 = other edit),
    the number of artefacts and of checked words."""
    from unspin.checker import _artefacts, score_words
    from unspin.synth import spin

    out = []
    variants: list[tuple[str, str, list[tuple[int, int, str]]]] = [("orig", art.text, [])]
    for sp in SPINNERS:
        for rate in RATES:
            c = spin(art, seed=k, swap_rate=rate, spinner=sp)
            variants.append((f"{sp}@{rate}", c.text, [(e.copy_start, e.copy_end, e.kind) for e in c.edits]))
    for key, text, edits in variants:
        a = _ingest(text, art.id)
        rows = []
        for w in score_words(a, context=context):
            s, e = a.to_original(w.start, w.end)
            lab = 0
            for cs, ce, kind in edits:
                if _overlaps(s, e, cs, ce):
                    lab = 1 if kind in ("synonym", "reword") else 2
                    break
            rows.append((w.features, w.lexical, w.context, lab))
        out.append((key, rows, len(_artefacts(a)), len(rows)))
    return out


def _fwork(args: tuple[Article, int]) -> Any:
    return _features(*args)


def _fwork_lexical(args: tuple[Article, int]) -> Any:
    return _features(*args, context=False)


def _logistic(x: Any, y: Any, l2: float = 1e-4, weight: Any = None, offset: Any = None
              ) -> tuple[list[float], float]:
    """L2-regularised (weighted) logistic regression by Newton's method, numpy only.

    Features are standardised for the fit; the returned weights and bias apply to raw features.
    """
    import numpy as np

    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.c_[(x - mu) / sd, np.ones(len(y))]
    wt = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=float)
    wt = wt / wt.sum()
    off = np.zeros(len(y)) if offset is None else offset
    reg = np.full(z.shape[1], 2 * l2)
    reg[-1] = 0.0
    theta = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(z @ theta + off)))
        grad = z.T @ ((p - y) * wt) + reg * theta
        hess = (z * (wt * p * (1 - p))[:, None]).T @ z + np.diag(reg + 1e-12)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    w = theta[:-1] / sd
    b = theta[-1] - float((theta[:-1] * mu / sd).sum())
    return [round(float(v), 4) for v in w], round(float(b), 4)


def fit(articles: Sequence[Article], seeds: int = 4, jobs: int = 2) -> dict[str, Any]:
    """Fit the lexical per-word model (``WORD_WEIGHTS``, ``WORD_BIAS``) on ``articles`` and
    their synthetic copies (``seeds`` seeds each; thesaurus, embedding and mixed spinners).
    The contextual head and the combination are fitted by ``scripts/train_check_head.py``,
    the document model by ``--calibrate``."""
    import numpy as np

    tasks = [(a, k * 100 + s) for k, a in enumerate(articles) for s in range(seeds)]
    with Pool(jobs) as pool:
        per = pool.map(_fwork_lexical, tasks, chunksize=2)
    x, y = [], []
    for variants in per:
        for key, rows, _, _ in variants:
            if key in ("orig", "thesaurus@0.35", "embedding@0.35", "mixed@0.2"):
                for f, _p, _z, lab in rows:
                    if lab != 2:
                        x.append(f)
                        y.append(lab)
    ww, wb = _logistic(np.array(x), np.array(y, dtype=float))
    return {"WORD_WEIGHTS": ww, "WORD_BIAS": wb, "articles": len(articles), "seeds": seeds, "words": len(y)}


def _doc_rows(per: Sequence[Any], ck: Any) -> tuple[Any, Any, Any, list[str]]:
    """Document features as ``check`` computes them (without the artefact term), the
    artefact offset, the labels (0 original, 1 copy) and the variant keys."""
    import numpy as np

    a, b = ck.COMBINE_WEIGHTS
    dx, off, dy, keys = [], [], [], []
    for variants in per:
        for key, rows, n_art, nw in variants:
            lex = np.array([r[1] for r in rows], dtype=float)
            zc = np.array([r[2] for r in rows], dtype=float)
            lz = np.log(np.clip(lex, 1e-6, 1 - 1e-6) / (1 - np.clip(lex, 1e-6, 1 - 1e-6)))
            p = 1 / (1 + np.exp(-(ck.COMBINE_BIAS + a * lz + b * zc)))
            feats = ck._doc_features(nw, list(lex), list(1 / (1 + np.exp(-zc))),
                                     int((p >= ck.FLAG_THRESHOLD).sum()), n_art)
            dx.append(feats[:3])
            off.append(ck.DOC_WEIGHTS[3] * feats[3])
            dy.append(0.0 if key == "orig" else 1.0)
            keys.append(key)
    return np.array(dx), np.array(off), np.array(dy), keys


def calibrate(articles: Sequence[Article], copies_of: int = 150, jobs: int = 2,
              cache: Path | None = None) -> dict[str, Any]:
    """Fit the document model (three weights and a bias, on the word evidence; artefacts add
    their fixed weight on top) on the first ``copies_of`` development articles and their
    synthetic copies (seed ``100 k``, as ``scripts/train_check_head.py`` makes them), then
    set the verdict thresholds from the scores of every clean development article and of
    the 7 real clean articles in ``../shared`` (``clean.jsonl``): "spun" just above the
    highest, "unsure" above the 95th percentile of the development articles.

    ``cache``: a pickle of the word evidence, written after scoring and read instead of
    scoring when it exists (to try document settings without scoring again; delete it after
    changing the word models)."""
    import importlib
    import pickle

    import numpy as np

    ck = importlib.import_module("unspin.checker")
    if cache is not None and cache.exists():
        per, rest, real = pickle.loads(cache.read_bytes())
    else:
        with Pool(jobs) as pool:
            per = pool.map(_fwork, [(a, 100 * k) for k, a in enumerate(articles[:copies_of])], chunksize=4)
            rest = pool.map(_fwork_orig, articles[copies_of:], chunksize=8)
            real = pool.map(_fwork_orig, load_realworld_clean(), chunksize=1)
        if cache is not None:
            cache.write_bytes(pickle.dumps((per, rest, real)))
    dx, _off, dy, _ = _doc_rows(per, ck)
    wt = np.where(dy == 0, 6.0, 1.0)
    # The mean contextual probability gets a negative weight when fitted with the other two
    # (it is collinear with the flag share, which already carries the contextual evidence
    # word by word): it is left out of the document model (weight 0).
    dw2, db = _logistic(dx[:, :2], dy, l2=1e-3, weight=wt)
    dw = [*dw2, 0.0]
    rx, roff, ry, _ = _doc_rows([*per, *rest], ck)
    clean = ry == 0
    z = rx[clean] @ np.array(dw) + db + roff[clean]
    zs = np.sort(z)
    n = len(zs)
    qx, qoff, _, _ = _doc_rows(real, ck)
    z_real = qx @ np.array(dw) + db + qoff
    z_unsure = float(zs[int(0.95 * (n - 1))])
    z_spun = max(float(zs[-1]), float(z_real.max()) if len(z_real) else -1e9) + 0.25
    return {"DOC_WEIGHTS": [*dw, ck.DOC_WEIGHTS[3]], "DOC_BIAS": db, "clean_articles": n,
            "Z_UNSURE": round(z_unsure, 3), "Z_SPUN": round(z_spun, 3),
            "clean_logit_quantiles": {q: round(float(zs[int(q * (n - 1))]), 3)
                                      for q in (0.5, 0.9, 0.95, 0.99, 0.995, 1.0)},
            "real_clean_logits": [round(float(v), 3) for v in z_real],
            "copies_logit_median": round(float(np.median(dx[dy == 1] @ np.array(dw) + db)), 3)}


def load_realworld_clean() -> list[Article]:
    """The 7 real clean wire/newspaper articles of ``../shared`` (empty when absent)."""
    from common import REALWORLD, article

    path = REALWORLD / "clean.jsonl"
    if not path.exists():
        return []
    return [article(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fwork_orig(a: Article) -> Any:
    from unspin.checker import _artefacts, score_words

    art = _ingest(a.text, a.id)
    rows = [(w.features, w.lexical, w.context, 0) for w in score_words(art)]
    return [("orig", rows, len(_artefacts(art)), len(rows))]


# ---------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=300, help="articles of the split (0: all)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--fit", action="store_true",
                    help="fit the model weights on the invented samples and their synthetic copies")
    ap.add_argument("--calibrate", action="store_true",
                    help="clean-score quantiles on the development split (for the verdict thresholds)")
    ap.add_argument("--json", type=Path, help="write all figures here")
    ap.add_argument("--cache", type=Path, help="--calibrate: word evidence pickle (written, or read when present)")
    add_generator_options(ap)
    args = ap.parse_args(argv)
    if args.fit:
        print(json.dumps(fit(load_samples(), jobs=args.jobs), indent=1))
        return 0
    try:
        bbc = load_bbc()
    except MissingData as err:
        print(f"skipped: {err}")
        return 0
    split = 0 if args.calibrate else 1
    arts = [a for i, a in enumerate(bbc) if i % 2 == split]
    if args.limit:
        arts = arts[: args.limit]
    t0 = time.time()
    if args.calibrate:
        print(json.dumps(calibrate(arts, jobs=args.jobs, cache=args.cache), indent=1))
        return 0
    styles = (args.style,) if args.style else (SPINNERS if args.generator == "synth"
                                                else GENERATOR_STYLES["alt"])
    rows = run(arts, args.jobs, spinners=styles, generator=args.generator)
    summary = summarise(rows, spinners=styles)
    summary["generator"] = args.generator
    summary["seed"] = seed_check() if SEED_CASE.exists() else None
    summary["seconds"] = round(time.time() - t0, 1)
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1, ensure_ascii=False))
    bad = [k for k, v in summary["auc"].items() if isinstance(v, float) and math.isnan(v)]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
