#!/usr/bin/env python3
"""Sense-in-context evidence on thesaurus swaps: does it separate wrong senses from harmless ones?

Collects every single-word swap that ``unspin.differ`` accepts as a thesaurus synonym (the
calls of ``differ._wrong_sense``), with the source sentence, from development data only:

- the contrast set (``benchmarks/data/contrast``): swaps inside ``wrong_sense`` flips are
  positives, swaps inside equivalent pairs negatives;
- the meaning dev set (``benchmarks/data/meaning-dev``): its ``flip`` / ``same`` pairs;
- synth and alt copies of the first ``--limit`` BBC development articles (35% swaps, seed
  ``--seed``, 3 fact edits a copy and the same article spun without one): a swap over a
  recorded ``meaning`` edit is a positive, over a harmless edit a negative.

For each swap it computes ``unspin.meaning.sense_margin`` (the source sentence against the
WordNet glosses of the source word's senses) and writes one JSON line per swap to ``--out``;
``--report`` reads such a file and prints, per population, how many swaps each margin
threshold flags and how many copies without a fact edit would get at least one flag.

    .venv/bin/python benchmarks/probe_wic.py --limit 40 --seed 5 --out /tmp/wic.jsonl
    .venv/bin/python benchmarks/probe_wic.py --report /tmp/wic.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import load_bbc  # noqa: E402
from unspin import differ, meaning  # noqa: E402

BENCH = Path(__file__).resolve().parent


def _sentence_span(us: Any, k: int, text: str, reach: int = 40) -> tuple[int, int]:
    """(start, end) in ``text`` of the sentence of unit ``k`` among ``us`` (at most ``reach``
    units either side)."""
    def stop(q: int) -> bool:  # a sentence ends after unit q
        return us[q].kind == "punct" and us[q].text in ".!?" or "\n" in text[us[q].end:us[q + 1].start]

    a = k
    while a > 0 and k - a < reach and not stop(a - 1):
        a -= 1
    b = k
    while b + 1 < len(us) and b - k < reach and not stop(b):
        b += 1
    return us[a].start, us[b].end


#: more evidence to record per swap: name -> f(ctx, i0, j0, copy word, source word) (probe_sense6.py)
EXTRA: dict[str, Any] = {}


def _record(sink: list[dict[str, Any]]) -> Any:
    real = differ._wrong_sense

    def spy(ctx: Any, i0: int, j0: int, a: str, b: str) -> str | None:
        why = real(ctx, i0, j0, a, b)
        s0, s1 = _sentence_span(ctx.su, j0, ctx.stext)
        c0, c1 = _sentence_span(ctx.cu, i0, ctx.ctext)
        cu, su = ctx.cu[i0], ctx.su[j0]
        sink.append({"a": a, "b": b, "cs": cu.start, "ce": cu.end,
                     "ctx": ctx.stext[s0:s1], "old": bool(why), "why": why,
                     "sspan": [su.start - s0, su.end - s0], "cctx": ctx.ctext[c0:c1],
                     "cspan": [cu.start - c0, cu.end - c0],
                     **{k: f(ctx, i0, j0, a, b) for k, f in EXTRA.items()}})
        return why

    return spy


def _swaps(copy: str, source: str) -> list[dict[str, Any]]:
    sink: list[dict[str, Any]] = []
    real = differ._wrong_sense
    differ._wrong_sense = _record(sink)
    try:
        differ.diff(copy, source)
    finally:
        differ._wrong_sense = real
    return sink


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return max(a0, b0) < min(a1, b1)


def collect(limit: int, seed: int) -> Iterator[dict[str, Any]]:
    for line in (BENCH / "data" / "contrast" / "pairs.jsonl").read_text().splitlines():
        rec = json.loads(line)
        for s in _swaps(rec["copy"], rec["source"]):
            f = rec["flip"]
            if rec["label"] == "flip" and rec["kind"] == "wrong_sense" and _overlap(s["cs"], s["ce"], f["copy_start"], f["copy_end"]):
                yield {**s, "pop": "contrast", "y": 1, "doc": rec["id"]}
            elif rec["label"] == "equivalent":
                yield {**s, "pop": "contrast", "y": 0, "doc": rec["id"]}
    for line in (BENCH / "data" / "meaning-dev" / "pairs.jsonl").read_text().splitlines():
        rec = json.loads(line)
        for s in _swaps(rec["copy"], rec["source"]):
            if s["a"] == rec["copy_word"].lower() and s["b"] == rec["source_word"].lower():
                yield {**s, "pop": "meaning-dev", "y": int(rec["label"] != "same"), "doc": rec["id"]}
    from eval_judgement import HARMLESS, _spin

    for gen in ("synth", "alt"):
        for art in load_bbc(limit):
            for fact_edits, sd in ((3, seed), (0, seed + 1)):
                try:
                    cp = _spin(gen, art, sd, 0.35, fact_edits)
                except Exception:  # noqa: BLE001 - as eval_judgement: skip what a generator cannot spin
                    continue
                clean = not any(e.kind == "fact" for e in cp.edits)
                for s in _swaps(cp.text, art.text):
                    hit = [e for e in cp.edits if _overlap(s["cs"], s["ce"], e.copy_start, max(e.copy_end, e.copy_start + 1))]
                    if any(e.kind == "fact" and e.subtype == "meaning" for e in hit):
                        y = 1
                    elif hit and all(e.kind in HARMLESS for e in hit):
                        y = 0
                    else:
                        continue
                    yield {**s, "pop": gen, "y": y, "doc": f"{art.id}/{fact_edits}", "clean": clean}


def glove_margin(context: str, b: str, a: str) -> float | None:
    """The same margin with bag-of-GloVe vectors (context words vs gloss words): a cheap stage?"""
    import re

    import numpy as np

    from unspin import senses
    from unspin.lexicon import vectors
    from unspin.text import STOPWORDS

    vec = vectors()
    skip = {b, *senses.wordnet().bases(b)}

    def bag(text: str) -> Any:
        vs = [vec.vector(t) for t in re.findall(r"[a-z]+", text.lower()) if t not in STOPWORDS and t not in skip]
        vs = [v for v in vs if v is not None]
        if not vs:
            return None
        m = np.mean(vs, axis=0)
        return m / (np.linalg.norm(m) or 1.0)

    cv = bag(context)
    if cv is None:
        return None
    comp, other = [], []
    for syn in senses.ordered(b):
        lem, d, ex = senses.gloss(syn)
        sv = bag(" ".join(lem) + " " + d + " " + " ".join(ex))
        if sv is None:
            continue
        (comp if senses.compatible(syn, a) else other).append(float(sv @ cv))
    if not comp or not other:
        return None
    return max(other) - max(comp)


_EXAMPLE_VECS: dict[int, Any] = {}


def _word_span(text: str, word: str) -> tuple[int, int] | None:
    """The first token of ``text`` that is ``word`` or shares a WordNet base form with it."""
    import re

    from unspin import senses

    wn = senses.wordnet()
    forms = {word, *wn.bases(word)}
    for m in re.finditer(r"[A-Za-z]+", text):
        t = m.group().lower()
        if t in forms or forms & set(wn.bases(t)):
            return m.start(), m.end()
    return None


def example_margin(context: str, b: str, a: str) -> float | None:
    """Sense selection from usage examples: the source word's contextual vector (MiniLM token
    states) against the mean vector of the same word in each sense's WordNet usage examples;
    margin of the best incompatible sense over the best compatible one (senses with no usage
    example holding the word are left out)."""
    import numpy as np

    from unspin import senses
    from unspin.encoder import cosine, get_encoder

    span = _word_span(context, b)
    if span is None:
        return None
    enc = get_encoder()
    todo = []
    for syn in senses.ordered(b):
        if syn in _EXAMPLE_VECS:
            continue
        items = [(e, sp) for e in senses.gloss(syn)[2] if (sp := _word_span(e, b)) is not None]
        if not items:
            _EXAMPLE_VECS[syn] = None
            continue
        todo.append((syn, items))
    flat = [it for _, items in todo for it in items]
    encs = enc.encode([t for t, _ in flat]) if flat else []
    k = 0
    for syn, items in todo:
        vs = [encs[k + q].span_vector(*items[q][1]) for q in range(len(items))]
        k += len(items)
        vs = [v for v in vs if v is not None]
        _EXAMPLE_VECS[syn] = np.mean(vs, axis=0) if vs else None
    cv = enc.encode([context])[0].span_vector(*span)
    if cv is None:
        return None
    comp, other = [], []
    for syn in senses.ordered(b):
        v = _EXAMPLE_VECS.get(syn)
        if v is None:
            continue
        (comp if senses.compatible(syn, a) else other).append(cosine(cv, v))
    if not comp or not other:
        return None
    return max(other) - max(comp)


def features(s: dict[str, Any]) -> dict[str, Any]:
    from unspin import senses
    from unspin.lexicon import vectors, zipf

    m = meaning.sense_margin(s["ctx"], s["b"], s["a"])
    vec = vectors()
    g = glove_margin(s["ctx"], s["b"], s["a"])
    fm = meaning.fit_margin(s["ctx"], s["b"], s["a"])
    xm = example_margin(s["ctx"], s["b"], s["a"])
    out = {**s, "margin": None if m is None else round(m[0], 4), "gmargin": None if g is None else round(g, 4),
           "fit": None if fm is None else round(fm, 4), "xmargin": None if xm is None else round(xm, 4), "anycomp": any(senses.compatible(x, s["a"]) for x in senses.ordered(s["b"])),
           "glove": round(vec.similarity(s["a"], s["b"]), 3) if s["a"] in vec and s["b"] in vec else None,
           "zipf_a": round(zipf(s["a"]), 2), "zipf_b": round(zipf(s["b"]), 2),
           "nsenses": len(senses.ordered(s["b"])), "rel": senses.relation(s["b"], s["a"]),
           "first_comp": bool(senses.ordered(s["b"])) and senses.compatible(senses.ordered(s["b"])[0], s["a"]),
           "comp_rank": next((k for k, x in enumerate(senses.ordered(s["b"])) if senses.compatible(x, s["a"])), -1)}
    if m is not None:
        out["other"] = senses.gloss(m[1])[1][:60]
        out["comp"] = senses.gloss(m[2])[1][:60]
    return out


def report(path: Path, feature: str = "margin", where: str = "") -> None:
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    if where:
        rows = [r for r in rows if eval(where, {}, {"r": r})]  # noqa: S307 - a filter typed by the user of this probe
    pops = sorted({r["pop"] for r in rows})
    for th in (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15):
        parts = []
        for p in pops:
            rs = [r for r in rows if r["pop"] == p]
            pos = [r for r in rs if r["y"] == 1]
            neg = [r for r in rs if r["y"] == 0]
            fp = sum(1 for r in neg if r[feature] is not None and r[feature] >= th)
            tp = sum(1 for r in pos if r[feature] is not None and r[feature] >= th)
            docs = defaultdict(bool)
            for r in rs:
                if r.get("clean"):
                    docs[r["doc"]] |= r[feature] is not None and r[feature] >= th
            parts.append(f"{p} {tp}/{len(pos)} fp {fp}/{len(neg)}" + (f" clean-docs {sum(docs.values())}/{len(docs)}" if docs else ""))
        print(f"margin >= {th:.2f}: " + "; ".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--report", type=Path)
    ap.add_argument("--feature", default="margin")
    ap.add_argument("--where", default="", help="python filter over a row r")
    a = ap.parse_args()
    if a.report:
        report(a.report, a.feature, a.where)
        return
    assert a.out is not None, "--out or --report"
    with a.out.open("w") as fh:
        for s in collect(a.limit, a.seed):
            fh.write(json.dumps(features(s)) + "\n")
            fh.flush()
    report(a.out)


if __name__ == "__main__":
    main()
