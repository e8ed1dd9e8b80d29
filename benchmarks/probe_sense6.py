#!/usr/bin/env python3
"""Session-6 evidence on thesaurus swaps: one sense per discourse, and a trained word-in-context head.

Collects the same development swaps as ``probe_wic.py`` (every single-word swap diff accepts as
a thesaurus synonym, on the contrast set, the meaning dev set, and synth / alt copies of the
first ``--limit`` BBC development articles at 35%, seed ``--seed``; never the real pairs) and
scores, per swap:

- ``old``: diff's shipped wrong-sense evidence (``differ._wrong_sense``);
- ``disc``: ``discourse_sense`` below (the source's own WordNet two-word lemmas fix the word's
  sense: a copy word that can name none of them), and ``disc2`` (only compounds that are a
  kind of the word count, and the copy word may stand for that sense), with the GloVe cosine
  of the two words, so a bound can be chosen offline;
- ``wic``: the word-in-context head trained by ``scripts/train_wic.py`` (with ``--wic``);
- ``xwic``: the fine-tuned MiniLM cross-encoder of ``scripts/train_xwic.py`` (with ``--xwic
  FILE``, the file its ``--out`` wrote; needs torch), over the source sentence and the same
  sentence with the copy word put in place of the source word (session 7).

``--report`` prints, per population, how many swaps each rule flags (positives: wrong-sense
flips / recorded ``meaning`` edits; negatives: swaps in equivalent pairs / harmless edits) and
how many copies without a fact edit would get at least one flag (the ``distorted`` limit is 5%).

    .venv/bin/python benchmarks/probe_sense6.py --limit 40 --seed 5 --wic --out /tmp/s6.jsonl
    .venv/bin/python benchmarks/probe_sense6.py --report /tmp/s6.jsonl
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import probe_wic  # noqa: E402
from probe_wic import collect  # noqa: E402
from unspin import senses  # noqa: E402
from unspin.text import STOPWORDS  # noqa: E402

# ----------------------------------------------------------------------------- compounds' senses


def _build_compound_senses(folder: Path) -> dict[str, Any]:
    """Two-word lemma ("power plant") -> its synsets; synset -> hypernyms (``@``, ``@i``)."""
    comp: dict[str, list[int]] = defaultdict(list)
    up: dict[int, tuple[int, ...]] = {}
    for p, name in senses._POS.items():
        with (folder / f"index.{name}").open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(" ") or not line.strip():
                    continue
                f = line.split()
                if f[0].count("_") == 1 and "-" not in f[0] and "." not in f[0]:
                    pc = int(f[3])
                    comp[f[0].replace("_", " ")].extend(senses._PNUM[p] * 10**9 + int(o) for o in f[4 + pc + 2:])
        with (folder / f"data.{name}").open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(" ") or not line.strip():
                    continue
                f = line.partition("|")[0].split()
                k = 4 + 2 * int(f[3], 16)
                out = []
                for _ in range(int(f[k])):
                    if f[k + 1] in ("@", "@i"):
                        out.append(senses._PNUM[f[k + 3]] * 10**9 + int(f[k + 2]))
                    k += 4
                if out:
                    up[senses._PNUM[p] * 10**9 + int(f[0])] = tuple(out)
    return {"compounds": {k: tuple(v) for k, v in comp.items()}, "up": up}


@functools.lru_cache(maxsize=1)
def _compound_tables() -> dict[str, Any]:
    from unspin.lexicon import _cached

    folder = senses._folder()
    return dict(_cached("wordnet30cs", folder / "index.noun", lambda _p: _build_compound_senses(folder)))


@functools.lru_cache(maxsize=65536)
def compound_senses(first: str, second: str) -> frozenset[int]:
    """Synsets of the WordNet two-word lemma ``first second`` (the last word in any inflection):
    "power plants" -> {power station}; empty when it is not a lemma."""
    table = _compound_tables()["compounds"]
    return frozenset(s for b in dict.fromkeys((second, *senses.wordnet().bases(second)))
                     for s in table.get(f"{first} {b}", ()))


@functools.lru_cache(maxsize=65536)
def ancestors(s: int, depth: int = 3) -> frozenset[int]:
    """Hypernyms of synset ``s`` up to ``depth`` steps (not ``s`` itself)."""
    up = _compound_tables()["up"]
    out: set[int] = set()
    frontier = {s}
    for _ in range(depth):
        frontier = {h for x in frontier for h in up.get(x, ())} - out
        out |= frontier
    return frozenset(out)


@functools.lru_cache(maxsize=65536)
def fits_compound(first: str, second: str, w: str, depth: int = 3) -> bool:
    """Lower-case ``w`` can name what the two-word lemma ``first second`` names: ``w`` is
    compatible with one of its senses (a synonym, a direct hypernym or hyponym: "station" in
    no sense, "facility" yes for "power plant"), a more general word up to ``depth`` steps
    up, or ``first w`` is a lemma of the same sense ("power station"). False also when
    ``first second`` is no lemma (ask ``compound_senses`` first)."""
    cs = compound_senses(first, second)
    if not cs:
        return False
    sw = senses.wordnet().senses(w)
    if not sw:
        return False
    if cs & compound_senses(first, w):
        return True
    return any(senses.compatible(s, w) or bool(sw & ancestors(s, depth)) for s in cs)


@functools.lru_cache(maxsize=65536)
def head_senses(first: str, second: str, w: str, depth: int = 2) -> frozenset[int]:
    """The senses of ``w`` that the two-word lemma ``first second`` is a kind of (up to
    ``depth`` hypernym steps): the sense of the bare word in a text that uses the compound.
    Empty for names and idioms ("United Nations" is an organisation, not a kind of nation)."""
    sw = senses.wordnet().senses(w)
    return frozenset(h for c in compound_senses(first, second) for h in ancestors(c, depth) if h in sw)


# ----------------------------------------------------------------------------- one sense per discourse

_ALPHA_WORD = re.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=16)
def text_compounds(text: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """The WordNet two-word lemmas a text uses, by the base forms of their last word: "power
    plants" gives ``{"plants": (("power", "plants"),), "plant": ...}`` (words joined by one
    space only, lower-cased)."""
    out: dict[str, dict[tuple[str, str], None]] = {}
    prev: re.Match[str] | None = None
    for m in _ALPHA_WORD.finditer(text):
        if prev is not None and m.start() == prev.end() + 1 and text[prev.end()] == " ":
            f, w = prev.group().lower(), m.group().lower()
            if f not in STOPWORDS and senses.compound(f, w):
                for k in (w, *senses.wordnet().bases(w)):
                    out.setdefault(k, {})[(f, w)] = None
        prev = m
    return {k: tuple(v) for k, v in out.items()}


def discourse_sense(stext: str, a: str, b: str, heads: bool = False) -> str | None:
    """One sense per discourse: the source uses ``b`` in WordNet two-word lemmas ("power
    plants", "central bank"), which fix the sense it has throughout; a copy word ``a`` that can
    name none of them ("factories", a different kind of plant; "shore") is evidence of another
    sense. ``heads``: only compounds that are a kind of ``b`` count (``head_senses``: not
    names nor idioms), and ``a`` may also stand for that sense of ``b``."""
    uses = text_compounds(stext).get(b, ())
    if not uses or not senses.known(a) or a in STOPWORDS or b in STOPWORDS:
        return None
    told = None
    for f, w in uses:
        hs = head_senses(f, w, b) if heads else frozenset()
        if heads and not hs:
            continue
        if fits_compound(f, w, a) or any(senses.compatible(h, a) for h in hs):
            return None
        told = told or f"{f} {w}"
    return f"another sense than the source's {told!r}" if told else None


def gather(limit: int, seed: int, wic: bool, xwic: Path | None = None) -> list[dict[str, Any]]:
    from unspin.lexicon import vectors

    vec = vectors()
    probe_wic.EXTRA["disc"] = lambda ctx, i0, j0, a, b: discourse_sense(ctx.stext, a, b)
    probe_wic.EXTRA["disc2"] = lambda ctx, i0, j0, a, b: discourse_sense(ctx.stext, a, b, heads=True)
    try:
        rows = list(collect(limit, seed))
    finally:
        probe_wic.EXTRA.clear()
    for r in rows:
        r["glove"] = round(vec.similarity(r["a"], r["b"]), 3) if r["a"] in vec and r["b"] in vec else None
    if wic:
        sys.path.insert(0, str(ROOT / "scripts"))
        from train_wic import HEAD, wic_scores

        items = [(r["ctx"], *r["sspan"], r["cctx"], *r["cspan"], r["b"], r["a"]) for r in rows]
        for r, p in zip(rows, wic_scores(items, HEAD), strict=True):
            r["wic"] = round(p, 4)
    if xwic:
        for r, q in zip(rows, xwic_scores(rows, xwic), strict=True):
            r["xwic"] = None if q is None else round(q, 4)
    return rows


def xwic_scores(rows: list[dict[str, Any]], path: Path) -> list[float | None]:
    """The cross-encoder's probability of another sense for each swap: the source sentence
    against itself with the copy's word (as the copy spells it) in the source word's place."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_xwic import scorer

    items = []
    for r in rows:
        s0, s1 = r["sspan"]
        word = r["cctx"][r["cspan"][0]:r["cspan"][1]]
        items.append((r["ctx"], s0, s1, r["ctx"][:s0] + word + r["ctx"][s1:], s0, s0 + len(word)))
    return scorer(path)(items)


def rules() -> list[tuple[str, Callable[[dict[str, Any]], bool]]]:
    out: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [("old", lambda r: r["old"])]
    for key in ("disc", "disc2"):
        for g in (0.5, 0.6, 0.7, 1.01):
            out.append((f"old + {key} glove<{g}", lambda r, g=g, key=key: r["old"] or bool(r[key])
                        and r["glove"] is not None and r["glove"] < g))
    for t in (0.5, 0.7, 0.8, 0.9, 0.95, 0.98):
        out.append((f"old + wic>={t}", lambda r, t=t: r["old"] or r.get("wic", 0.0) >= t))
    for t in (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99):
        out.append((f"old + xwic>={t}", lambda r, t=t: r["old"] or (r.get("xwic") or 0.0) >= t))
    return out


def report(rows: list[dict[str, Any]], where: str = "") -> None:
    if where:
        rows = [r for r in rows if eval(where, {}, {"r": r})]  # noqa: S307 - a filter typed by the user of this probe
    pops = sorted({r["pop"] for r in rows})
    for name, rule in rules():
        parts = []
        for p in pops:
            rs = [r for r in rows if r["pop"] == p]
            pos = [r for r in rs if r["y"] == 1]
            neg = [r for r in rs if r["y"] == 0]
            docs: dict[str, bool] = defaultdict(bool)
            for r in rs:
                if r.get("clean"):
                    docs[r["doc"]] |= rule(r)
            parts.append(f"{p} {sum(map(rule, pos))}/{len(pos)} fp {sum(map(rule, neg))}/{len(neg)}"
                         + (f" clean {sum(docs.values())}/{len(docs)}" if docs else ""))
        print(f"{name:24} " + "; ".join(parts))


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--wic", action="store_true", help="score with the trained word-in-context head")
    ap.add_argument("--xwic", type=Path, help="score with the cross-encoder train_xwic.py --out wrote")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--report", type=Path)
    ap.add_argument("--where", default="", help="python filter over a row r")
    a = ap.parse_args()
    if a.report:
        report([json.loads(x) for x in a.report.read_text().splitlines() if x.strip()], a.where)
        return
    rows = gather(a.limit, a.seed, a.wic, a.xwic)
    if a.out:
        a.out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report(rows, a.where)


if __name__ == "__main__":
    main()
