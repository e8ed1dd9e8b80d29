"""Synthetic spinning: rewrite an article the way article spinners do, and record every edit.

No public data set pairs news articles with their spun copies, so unspin makes its own, the
way the PAN text-reuse corpora were made: real text obfuscated with known edits. ``spin``
returns the copy together with the exact ground truth:

- ``Edit``: one change, with its character span in the copy and in the source
  (``copy.text[copy_start:copy_end] == copy_text``, ``source.text[source_start:source_end]
  == source_text``);
- ``Case``: one reused passage (PAN style), a copy span and the source span it came from.

Invariant (checked by ``verify``): inside each case, the copy text outside the recorded
edits is the source text outside them, in the same order; outside the cases the copy holds
only whitespace, inserted sentences and clutter (each an ``Edit``).

Everything is deterministic for a seed: one ``random.Random(seed)``, no iteration over sets,
no hash-dependent order.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import logging
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from unspin import lexicon, senses, vocab
from unspin.errors import InputError, UnspinError
from unspin.models import Article, Record
from unspin.text import STOPWORDS, TOKEN_RE, Token, is_content, split_sentences, tokenize

log = logging.getLogger(__name__)

__all__ = [
    "Case", "Edit", "SpinConfig", "SpunCopy", "EDIT_KINDS", "FACT_SUBTYPES", "SPINNERS",
    "spin", "verify", "make_dataset", "write_dataset", "copy_seed",
]

EDIT_KINDS = ("synonym", "reword", "fact", "number_format", "insertion", "omission", "clutter")
FACT_SUBTYPES = ("entity", "number", "date", "negation", "attribution", "role", "modality", "meaning")
#: Fact subtypes a data set's truth may carry: ``synth`` makes ``FACT_SUBTYPES`` (its ``meaning``
#: edits are wrong-sense thesaurus swaps); the independent generator (``unspin.altspin``) makes
#: ``meaning`` edits of more kinds (antonyms, comparatives, direction, bounds, wrong senses).
TRUTH_SUBTYPES = FACT_SUBTYPES
SPINNERS = ("thesaurus", "embedding", "mixed")


# ============================================================================ records

@dataclass(frozen=True, slots=True)
class Edit(Record):
    """One recorded change.

    Attributes:
        kind: one of ``EDIT_KINDS``.
        subtype: for ``kind == "fact"`` one of ``FACT_SUBTYPES``, else ``None``.
        detail: finer label ("thesaurus", "embedding", "nationality", "ordinal", "split", ...).
        copy_start, copy_end: span in the copy; equal for an omission (where the text would be).
        source_id: id of the source article ("" for inserted sentences and clutter).
        source_start, source_end: span in the source's ``Article.text``; -1 when there is none.
        copy_text, source_text: the text of both spans.
    """

    kind: str
    subtype: str | None
    detail: str
    copy_start: int
    copy_end: int
    source_id: str
    source_start: int
    source_end: int
    copy_text: str
    source_text: str


@dataclass(frozen=True, slots=True)
class Case(Record):
    """A reused passage: ``copy[copy_start:copy_end]`` came from ``source[source_start:source_end]``."""

    copy_start: int
    copy_end: int
    source_id: str
    source_start: int
    source_end: int


@dataclass(frozen=True, slots=True)
class SpinConfig(Record):
    """What a spin does. ``spin(**kwargs)`` builds one; the CLI builds the same.

    Attributes:
        swap_rate: share of content words (not proper nouns, numbers or stopwords) swapped
            for a synonym, 0.0 to 0.9 (commercial spinners: 0.1 to 0.6).
        spinner: "thesaurus" (Moby synonyms, uniform: often rare or odd), "embedding" (GloVe
            neighbours that Moby also relates: common words, often wrong in context) or "mixed".
        fact_edits: number of fact edits (entity, number, date, negation, attribution, role,
            modality, meaning: a wrong-sense thesaurus swap), spread over kinds.
        mangle_numbers: break the formatting of numbers that have a thousands separator.
        mangle_rate: share of such numbers mangled.
        reword_rate: share of known multi-word expressions reworded.
        break_inflection: share of swaps whose inflection is broken clumsily.
        reorder: swap one pair of neighbouring sentences.
        split_merge: split one long sentence and merge one pair of short ones.
        drop: sentences dropped.
        insert: unrelated sentences inserted.
        clutter: append a "Trending"-style list of headlines with one line repeated.
    """

    swap_rate: float = 0.35
    spinner: str = "mixed"
    fact_edits: int = 2
    mangle_numbers: bool = True
    mangle_rate: float = 0.6
    reword_rate: float = 0.5
    break_inflection: float = 0.1
    reorder: bool = True
    split_merge: bool = True
    drop: int = 1
    insert: int = 1
    clutter: bool = True

    def __post_init__(self) -> None:
        if not 0.0 <= self.swap_rate <= 0.9:
            raise UnspinError(f"swap_rate must be between 0.0 and 0.9, got {self.swap_rate}")
        if self.spinner not in SPINNERS:
            raise UnspinError(f"spinner must be one of {', '.join(SPINNERS)}, got {self.spinner!r}")
        for name in ("fact_edits", "drop", "insert"):
            if getattr(self, name) < 0:
                raise UnspinError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("mangle_rate", "reword_rate", "break_inflection"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise UnspinError(f"{name} must be between 0 and 1, got {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class SpunCopy(Record):
    """A spun copy and its ground truth.

    Attributes:
        id: copy id ("<source id>~<seed>", "+"-joined for two sources).
        text: the copy: body, then clutter if any.
        source_ids: the sources, the main one first.
        edits: every change, sorted by copy offset.
        cases: reused passages, in copy order.
        clutter_start: offset where appended clutter starts, else ``None``.
        seed: the seed it was made with.
        config: the settings it was made with.
        content_words: content words (swap candidates or not) in the copied source text: the
            denominator of the achieved swap rate.
    """

    id: str
    text: str
    source_ids: tuple[str, ...]
    edits: tuple[Edit, ...]
    cases: tuple[Case, ...]
    clutter_start: int | None = None
    seed: int = 0
    config: SpinConfig = field(default_factory=SpinConfig)
    content_words: int = 0

    def edits_of(self, kind: str) -> list[Edit]:
        return [e for e in self.edits if e.kind == kind]

    @property
    def swap_rate(self) -> float:
        """Achieved synonym swap rate: synonym edits / content words."""
        return len(self.edits_of("synonym")) / self.content_words if self.content_words else 0.0


# ============================================================================ invented filler

#: Invented sentences, unrelated to any article, for the "insertion" edit.
FILLER_SENTENCES: tuple[str, ...] = (
    "The city's annual flower show drew thousands of visitors over the weekend.",
    "Many readers have written in to ask about the new opening hours of the library.",
    "Experts say regular exercise remains one of the best ways to stay healthy.",
    "The local bakery on the high street has won a regional award for its bread.",
    "Tickets for the summer concert series go on sale next week.",
    "The weather is expected to stay mild for the rest of the month.",
    "A new cycle path along the river is due to open in the spring.",
    "Shoppers are being reminded to bring their own bags to the market.",
    "The museum will extend its opening hours during the school holidays.",
    "Volunteers planted more than two hundred trees in the park on Sunday.",
    "Travel experts recommend booking early to get the best prices.",
    "The popular cooking programme returns for a new series in the autumn.",
    "Residents have complained about the number of potholes on local roads.",
    "The zoo welcomed a pair of rare red pandas earlier this season.",
    "Smartphone sales have grown steadily over the past decade.",
    "The marathon route will close several streets in the city centre.",
    "Doctors advise drinking plenty of water during hot weather.",
    "The film festival will screen more than forty titles this year.",
    "A new survey suggests most people check their phones within minutes of waking.",
    "The town council has approved plans for a new playground.",
    "Coffee prices in cafes have risen again, according to a consumer group.",
    "The band announced a farewell tour to mark its thirtieth anniversary.",
    "Gardeners are being urged to leave wild corners for bees and butterflies.",
    "The ferry timetable changes at the end of the month.",
)

#: Invented headlines for appended clutter.
CLUTTER_HEADLINES: tuple[str, ...] = (
    "Ten simple tricks to cut your energy bill this winter",
    "Celebrity chef reveals the one ingredient he never cooks without",
    "Stocks to watch as markets brace for a volatile week",
    "Why experts say you should never skip breakfast",
    "Local council votes to keep free parking on Sundays",
    "The surprising history of the humble paperclip",
    "Fans queue overnight for concert tickets",
    "How one small town became a hub for electric bikes",
    "Five destinations that are cheaper than you think",
    "Scientists puzzled by unusual bird migration",
    "Mayor defends budget plan at heated meeting",
    "New study links gardening to better sleep",
    "Tech giant unveils foldable laptop at trade show",
    "Retired teacher celebrates 100th birthday with former pupils",
    "What the latest jobs figures really mean for you",
    "Police appeal for witnesses after late-night break-in",
    "The quiet revolution in home-grown vegetables",
    "Star striker signs new three-year contract",
    "Airline apologises after baggage chaos at holiday peak",
    "Is remote work here to stay? Managers are divided",
    "Neighbours rally round to rebuild flooded cafe",
    "Five signs your car needs a service",
    "Opinion: the high street is not dead yet",
    "Watch: rare white deer spotted in forest",
)

CLUTTER_HEADERS: tuple[str, ...] = ("Trending", "Related Posts", "You may also like", "Most Read",
                                    "Popular Now")


# ============================================================================ swap candidates

_ALPHA = re.compile(r"^[a-z][a-z'\-]*[a-z]$")
_PROTECTED_LOWER = (
    frozenset(w.lower() for w in vocab.DEMONYMS) | frozenset(w.lower() for w in vocab.COUNTRIES)
    | frozenset(w.lower() for w in vocab.MONTHS) | frozenset(w.lower() for w in vocab.WEEKDAYS)
    | frozenset(vocab.ORDINALS) | frozenset(vocab.NUMBER_WORDS) | vocab.NEGATIONS
    | frozenset(t for t in vocab.TITLES if " " not in t) | vocab.REPORTING_VERBS
    | frozenset(h for h in vocab.HEDGES if " " not in h) | frozenset(vocab.MODALITY_SWAPS)
    | frozenset(vocab.RELATIVE_DAYS) | frozenset(vocab.POLARITY_SWAPS) | vocab.PERIODS
    | frozenset(w for h in vocab.NUMBER_HEDGES for w in h.split())
    | frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western"})
)


@functools.lru_cache(maxsize=200_000)
def _lemmas(word: str) -> tuple[str, ...]:
    return tuple(lexicon.lemma_candidates(word))


def _same_lemma(a: str, b: str) -> bool:
    return bool(set(_lemmas(a)) & set(_lemmas(b)))


def _antonyms(word: str) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for base in _lemmas(word):
        out |= vocab.ANTONYMS.get(base, frozenset())
    return out


def _ending(word: str) -> str:
    """A crude inflection class: the suffix a word appears to carry ("ing", "ed", "s", "ly" or "")."""
    for suf in ("ing", "ed", "ly", "s"):
        if word.endswith(suf) and not word.endswith("ss") and len(word) > len(suf) + 2:
            return suf
    return ""


def _ok_candidate(c: str, word: str, min_zipf: float) -> bool:
    return (bool(_ALPHA.match(c)) and c not in STOPWORDS and c not in _PROTECTED_LOWER
            and not _same_lemma(c, word) and lexicon.zipf(c) >= min_zipf
            and not (set(_lemmas(c)) & _antonyms(word)))


@functools.lru_cache(maxsize=200_000)
def in_sense_candidates(word: str) -> tuple[tuple[str, str], ...]:
    """``thesaurus_candidates`` that keep one of the word's two most frequent WordNet senses
    (``unspin.senses.in_sense``): the swaps synth labels harmless. A Moby synonym of another
    sense ("glasses" for "readers", "shore" for "bank") changes what is asserted, so synth makes
    it only as a labelled ``meaning`` edit (``_Facts.wrong_sense``)."""
    return tuple((c, suf) for c, suf in thesaurus_candidates(word) if _in_sense(word, c))


@functools.lru_cache(maxsize=200_000)
def _in_sense(word: str, cand: str) -> bool:
    """The swap synth calls harmless: WordNet puts ``cand`` in (or next to) one of the two most
    frequent senses of ``word`` (``unspin.senses.in_sense``), and the two words are used alike
    in news text (GloVe cosine >= 0.4: "steadfast" is a WordNet sense of "firm", but not of the
    business a report means). Context-free, so still wrong now and then; see docs/benchmarks.md."""
    return senses.in_sense(word, cand, top=1) and lexicon.vectors().similarity(word, cand) >= 0.45


@functools.lru_cache(maxsize=200_000)
def _far_candidates(word: str) -> tuple[tuple[str, str], ...]:
    """``thesaurus_candidates`` of another sense: common words (Zipf >= 3) that WordNet puts far
    from the word's first two base forms (the pool of ``_Facts.wrong_sense``)."""
    return tuple((c, suf) for c, suf in thesaurus_candidates(word) if lexicon.zipf(c) >= 3.0
                 and all(senses.relation(b, c) == "far" for b in _lemmas(word)[:2]))


@functools.lru_cache(maxsize=200_000)
def thesaurus_candidates(word: str) -> tuple[tuple[str, str], ...]:
    """(base candidate, inflection suffix) pairs for a lower-case word, from Moby, in Moby order.

    Picked without regard to sense, as commercial spinners do; only antonyms (``vocab.ANTONYMS``),
    stopwords and very rare words (Zipf < 2) are left out. The harmless swaps draw from
    ``in_sense_candidates``.
    """
    th = lexicon.thesaurus()
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for base in _lemmas(word):
        if base not in th or lexicon.zipf(base) <= 0:
            continue
        suffix = lexicon.inflection(word, base)
        if base != word and not suffix:
            continue
        for c in th.synonyms(base):
            if c in seen or not _ok_candidate(c, word, 2.0):
                continue
            seen.add(c)
            if suffix and (_ending(c) or "-" in c):
                continue  # already inflected ("damages" + "ed") or a compound
            if suffix and lexicon.zipf(lexicon.inflect(c, suffix)) < 1.0:
                continue  # no such word: "classical" + "ed"
            out.append((c, suffix))
    return tuple(out)


@functools.lru_cache(maxsize=200_000)
def _moby_set(word: str) -> frozenset[str]:
    return frozenset(lexicon.thesaurus().synonyms(word))


def _moby_linked(a: str, b: str) -> bool:
    la, lb = _lemmas(a)[:3], _lemmas(b)[:3]
    return any(y in _moby_set(x) or x in _moby_set(y) for x in la for y in lb)


_EMBEDDING: dict[str, tuple[str, ...]] = {}


@functools.lru_cache(maxsize=1)
def _matrix64() -> np.ndarray:
    """The 50,000 most frequent GloVe vectors (unit length) as float64."""
    return np.asarray(lexicon.vectors().matrix[:50_000], dtype=np.float64)


def prime_embeddings(words: Iterable[str]) -> None:
    """Compute ``embedding_candidates`` for many lower-case words in one matrix product."""
    vec = lexicon.vectors()
    todo = sorted({w for w in words if w not in _EMBEDDING})
    known = [w for w in todo if w in vec]
    for w in todo:
        if w not in vec:
            _EMBEDDING[w] = ()
    if not known:
        return
    k = 21
    # float64 products, and candidates kept in GloVe frequency order rather than by
    # similarity, so that BLAS rounding differences between machines cannot reorder them
    m64 = _matrix64()
    sims = m64 @ np.stack([vec.matrix[vec.index[w]].astype(np.float64) for w in known], axis=1)
    top = np.argpartition(-sims, k, axis=0)[:k]
    for j, w in enumerate(known):
        idx = np.sort(top[:, j])
        end = _ending(w)
        out = []
        for i in idx:
            c = vec.vocab[int(i)]
            if c == w:
                continue
            ce = _ending(c)
            if _ok_candidate(c, w, 3.0) and (ce == end or (end == "ing" and not ce)) and _moby_linked(w, c):
                out.append(c)
        _EMBEDDING[w] = tuple(out)


def embedding_candidates(word: str) -> tuple[str, ...]:
    """GloVe nearest neighbours of a lower-case word that are plausibly synonyms.

    Of the 20 nearest neighbours among the 50,000 most frequent GloVe words (listed in
    frequency order), kept: common
    words (Zipf >= 3) that Moby links to the word directly (either direction, base forms),
    that carry the same inflection ending, and that are not listed antonyms. They are often
    still wrong in context ("meeting" -> "summit", "troops" -> "army").
    """
    if word not in _EMBEDDING:
        prime_embeddings([word])
    return _EMBEDDING[word]


# ============================================================================ planning

@dataclass
class _Op:
    start: int
    end: int
    new: str
    kind: str
    subtype: str | None
    detail: str


@dataclass
class _Unit:
    si: int | None  # source index, None for an inserted sentence
    start: int = 0
    end: int = 0
    text: str = ""
    uid: int = 0


class _Plan:
    """Edits planned over the sources, with a claim mask so that no two edits overlap."""

    def __init__(self, sources: Sequence[Article], rng: random.Random, config: SpinConfig):
        self.sources = sources
        self.rng = rng
        self.config = config
        self.tokens = [tokenize(a.text) for a in sources]
        self._starts = [[t.start for t in toks] for toks in self.tokens]
        self._ends = [[t.end for t in toks] for toks in self.tokens]
        self.claimed = [bytearray(len(a.text)) for a in sources]
        self.ops: list[list[_Op]] = [[] for _ in sources]

    def free(self, si: int, start: int, end: int) -> bool:
        return not any(self.claimed[si][start:end])

    def add(self, si: int, op: _Op) -> bool:
        if op.end < op.start or not self.free(si, op.start, op.end):
            return False
        if self.sources[si].text[op.start:op.end] == op.new:
            return False
        self.claimed[si][op.start:op.end] = b"\x01" * (op.end - op.start)
        self.ops[si].append(op)
        return True

    def unit_tokens(self, u: _Unit) -> list[Token]:
        assert u.si is not None
        # tokens are sorted and do not overlap: those inside the unit are one slice
        lo = bisect.bisect_left(self._starts[u.si], u.start)
        hi = bisect.bisect_right(self._ends[u.si], u.end)
        return self.tokens[u.si][lo:max(lo, hi)]


def _sentences(a: Article) -> list[tuple[int, int]]:
    # always the shared splitter over ``text`` (not ``a.sentences``), so that output depends
    # only on the text and the seed, whoever built the Article
    return split_sentences(a.text)


def _gap(text: str, a: int, b: int) -> str | None:
    """The text between ``a`` and ``b`` if it is whitespace only, else ``None``."""
    g = text[a:b]
    return g if a <= b and not g.strip() else None


_MERGE_CONJ = {"but": ", but ", "and": ", and ", "so": ", so ", "yet": ", yet "}
_SPLIT_NEXT = frozenset({"he", "she", "it", "they", "we", "the", "this", "these", "those", "its",
                         "his", "her", "their", "there", "i", "a", "an", "many", "some", "most"})
_SPLIT_RE = re.compile(r"(,\s+(?:and|but)|;)\s+(?=([a-z][\w']*))")


def _plan_merge(plan: _Plan, units: list[_Unit]) -> list[_Unit]:
    """Merge one pair of neighbouring sentences ("A. The B." -> "A, and the B.")."""
    text = plan.sources[0].text
    options = []
    for i in range(len(units) - 1):
        a, b = units[i], units[i + 1]
        if a.si != 0 or b.si != 0 or _gap(text, a.end, b.start) != " ":
            continue
        if text[a.end - 1] != "." or not text[b.start].isupper():
            continue
        m = re.match(r"[A-Za-z]+", text[b.start:b.end])
        if not m:
            continue
        first = m.group().lower()
        if first not in STOPWORDS and first != "however":
            continue
        if len(text[a.start:b.end].split()) > 45:
            continue
        options.append(i)
    if not options:
        return units
    i = plan.rng.choice(options)
    a, b = units[i], units[i + 1]
    first = re.match(r"[A-Za-z]+", text[b.start:b.end]).group()  # type: ignore[union-attr]
    low = first.lower()
    if low in _MERGE_CONJ:
        new = _MERGE_CONJ[low].rstrip()
    elif low == "however":
        new = "; however"
    else:
        new = ", and " + (first if first == "I" else low)
    if not plan.add(0, _Op(a.end - 1, b.start + len(first), new, "reword", None, "merge")):
        return units
    merged = _Unit(0, a.start, b.end, uid=a.uid)
    return units[:i] + [merged] + units[i + 2:]


def _plan_split(plan: _Plan, units: list[_Unit], protected: set[int], new_uid: int) -> list[_Unit]:
    """Split one long sentence at ", and he ..." / "; the ..." into two sentences."""
    text = plan.sources[0].text
    options = []
    for i, u in enumerate(units):
        if u.si != 0 or u.uid in protected:
            continue
        for m in _SPLIT_RE.finditer(text, u.start, u.end):
            nxt = m.group(2)
            if nxt not in _SPLIT_NEXT:
                continue
            left = text[u.start:m.start()].split()
            right = text[m.end():u.end].split()
            if len(left) >= 5 and len(right) >= 5 and '"' not in text[u.start:u.end]:
                options.append((i, m.start(1), m.end(1), m.end(), len(nxt)))
    if not options:
        return units
    i, s1, e1, s2, n2 = plan.rng.choice(options)
    u = units[i]
    if not (plan.free(0, s1, e1) and plan.free(0, s2, s2 + n2)):
        return units
    plan.add(0, _Op(s1, e1, ".", "reword", None, "split"))
    word = text[s2:s2 + n2]
    plan.add(0, _Op(s2, s2 + n2, word[:1].upper() + word[1:], "reword", None, "split"))
    return units[:i] + [_Unit(0, u.start, e1, uid=u.uid), _Unit(0, s2, u.end, uid=new_uid)] + units[i + 1:]


# ---------------------------------------------------------------------------- fact edits

_CAP_SEQ = re.compile(r"\b[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)*\b")
_COMPASS = {"South": "North", "North": "South", "East": "West", "West": "East"}


@functools.lru_cache(maxsize=64)
def _alternation(phrases: tuple[str, ...], flags: int = 0) -> re.Pattern[str]:
    alts = "|".join(re.escape(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))
    return re.compile(r"(?<![\w\-])(?:" + alts + r")(?![\w\-])", flags)


def _find_all(text: str, phrases: Sequence[str], start: int, end: int,
              flags: int = 0) -> list[tuple[int, int, str]]:
    """Non-overlapping whole-word matches of any of ``phrases`` (longest first) in ``text[start:end]``."""
    if not phrases:
        return []
    pat = _alternation(tuple(sorted(phrases)), flags)
    return [(m.start(), m.end(), m.group()) for m in pat.finditer(text, start, end)]


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?\n:"


_ORG_WORDS = frozenset({
    "Rovers", "United", "City", "Town", "Group", "Bank", "Observatory", "Institute", "Instituto",
    "University", "College", "School", "Council", "Court", "Ministry", "Agency", "Company",
    "Corporation", "Shipping", "Airlines", "Airways", "Nations", "Union", "Party", "Museum",
    "Society", "Association", "Foundation", "Square", "Street", "Road", "Park", "Stadium", "Times",
    "News", "Post", "Holdings", "Industries", "Motors", "Systems", "Energy", "Capital", "Partners",
    "Hospital", "Centre", "Center", "Office", "Department", "Commission", "Committee", "Assembly",
    "Parliament", "Senate", "Congress", "Police", "Army", "Navy", "Force", "Forces", "Republic",
    "Kingdom", "Empire", "Federation", "River", "Valley", "Mountains", "Sea", "Ocean", "Island",
    "Islands", "Bay", "Lake", "Cup", "League", "Championship", "Festival", "Award", "Awards",
    "Prize", "Microdevices", "Technologies", "Electronics", "Media", "Records", "Studios", "Games",
    "High", "Eastern", "Western", "Northern", "Southern", "Central", "National", "International",
    "Royal", "Federal", "State", "General", "Global", "Mr", "Mrs", "Ms", "Dr",
})
_SPEECH_NEAR = re.compile(r"^,?\s+(?:said|says|told|added|stated|claimed|confirmed|denied|wrote)\b")


@functools.lru_cache(maxsize=4096)
def _person_name_cached(text: str, start: int, seq: str) -> str | None:
    words = seq.split()
    titles = [i for i, w in enumerate(words) if w.lower() in vocab.TITLES]
    cut = titles[-1] + 1 if titles else 0
    titled = cut > 0
    words = words[cut:]
    # drop leading titles, demonyms, honorifics and sentence-initial function words
    lead = 0
    while lead < len(words) and (words[lead].lower() in vocab.TITLES or words[lead] in vocab.DEMONYMS
                                 or words[lead] in vocab.HONORIFICS or words[lead].lower() in STOPWORDS
                                 or words[lead] in vocab.COUNTRIES or words[lead] in _COMPASS
                                 or words[lead] in vocab.MONTHS or words[lead] in vocab.WEEKDAYS):
        lead += 1
    titled = titled or lead > 0
    words = words[lead:]
    if not 2 <= len(words) <= 3:
        return None
    if any(w in _ORG_WORDS or w in vocab.COUNTRIES or w in vocab.CITIES or w in vocab.DEMONYMS
           or w.lower() in vocab.TITLES or len(w) < 2 or w in vocab.MONTHS or w in vocab.WEEKDAYS for w in words):
        return None
    if any(lexicon.zipf(w.lower()) >= 4.5 and w not in vocab.GIVEN_NAMES for w in words):
        return None
    name = " ".join(words)
    end = text.find(name, start) + len(name)
    last = re.escape(words[-1])
    recurs = len(re.findall(r"\b" + last + r"\b", text)) > len(re.findall(r"\b" + re.escape(name) + r"\b", text))
    speaking = bool(_SPEECH_NEAR.match(text[end:end + 12]))
    return name if (titled or recurs or speaking or words[0] in vocab.GIVEN_NAMES) else None


_DATE_NAMES = frozenset(m.lower() for m in vocab.MONTHS) | frozenset(d.lower() for d in vocab.WEEKDAYS)
_PLACE_NAME_WORDS = frozenset(p for w in vocab.COUNTRIES | vocab.DEMONYMS | vocab.CITIES | set(vocab.COUNTRY_DEMONYM)
                              for p in w.lower().split()) - {"the", "of", "de"}


def _speaker_position(text: str, start: int, end: int) -> bool:
    """True when the name at ``text[start:end]`` is in speaker position: widened over the
    capitalised words around it, it comes right after a word of ``vocab.SPEAKER_BEFORE``
    (one "the" may come between: "told the BBC") or "according to" in the same sentence, or
    right before a word of ``vocab.SPEAKER_AFTER``. The rule ``diff`` applies
    (``diff._attributed``) to label a name change ``attribution``: a name swapped there
    changes who said it."""
    lo, hi = max(0, start - 160), min(len(text), end + 160)
    toks = [Token(m.start(), m.end(), m.group(), m.lastgroup or "punct") for m in TOKEN_RE.finditer(text, lo, hi)]

    def name_like(k: int) -> bool:
        t = toks[k]
        if t.kind != "word" or not t.text[:1].isupper() or t.lower == "i" or t.lower in _DATE_NAMES:
            return False
        return not (t.lower in STOPWORDS and _sentence_initial(text, t.start))

    a = next((k for k, t in enumerate(toks) if t.start >= start), len(toks))
    b = a
    while b < len(toks) and toks[b].end <= end:
        b += 1
    while a > 0 and name_like(a - 1):
        a -= 1
    while b < len(toks) and name_like(b):
        b += 1
    # within the sentence: "he said. Lord Browne pointed out" is no speaker position
    opens = a == len(toks) or _sentence_initial(text, toks[a].start)
    before = [] if opens else [t.lower for t in toks[max(0, a - 2):a] if t.kind == "word"]
    if before and before[-1] == "the":
        the = next(t for t in reversed(toks[max(0, a - 2):a]) if t.kind == "word")
        before = [] if _sentence_initial(text, the.start) else \
            [t.lower for t in toks[max(0, a - 3):a - 1] if t.kind == "word"]
    if before and (before[-1] in vocab.SPEAKER_BEFORE or before[-2:] == ["according", "to"]):
        return True
    return b < len(toks) and toks[b].lower in vocab.SPEAKER_AFTER


def _name_subtype(text: str, start: int, end: int, new: str) -> str:
    """The fact subtype of a name swap: ``attribution`` in speaker position (who said it
    changed), else ``entity``; as in ``diff``, a name made only of place words stays an
    entity (a speaker is a person or an organisation)."""
    words = set(text[start:end].lower().split()) | set(new.lower().split())
    if words <= _PLACE_NAME_WORDS or not _speaker_position(text, start, end):
        return "entity"
    return "attribution"


def _person_name(text: str, start: int, seq: str) -> str | None:
    """The person name in a capitalised sequence ("Defence Minister Lukas Venner" -> "Lukas Venner")."""
    return _person_name_cached(text, start, seq)


@functools.lru_cache(maxsize=64)
def _derived_demonyms(text: str) -> tuple[str, ...]:
    """Demonyms of places named in ``text`` that no list knows ("Kestrian" when "Kestria" is there)."""
    caps = set(re.findall(r"\b[A-Z][a-z]{3,}\b", text))
    out = set()
    for w in caps:
        for suf in ("n", "i", "ian", "ese", "an"):
            if w.endswith(suf) and w[:-len(suf)] in caps and lexicon.zipf(w.lower()) < 3.0:
                out.add(w)
    return tuple(sorted(out - vocab.DEMONYMS))


_PARTICIPLES = frozenset({
    "been", "done", "made", "said", "taken", "seen", "given", "got", "gotten", "gone", "left", "won",
    "lost", "become", "come", "run", "put", "set", "cut", "hit", "let", "paid", "sold", "told",
    "brought", "bought", "built", "kept", "held", "found", "led", "met", "begun", "shown", "known",
    "grown", "written", "spoken", "chosen", "broken", "fallen", "risen", "thought", "felt",
})


def _glued(text: str, t: Token) -> bool:
    """True when a number token touches a letter ("G8", "A380", "3D")."""
    return (t.start > 0 and text[t.start - 1].isalpha()) or (t.end < len(text) and text[t.end].isalpha()
                                                              and text[t.end:t.end + 2] not in ("st", "nd", "rd", "th"))


class _Facts:
    """Finds fact-edit candidates in the kept units and applies a chosen number of them."""

    def __init__(self, plan: _Plan, units: list[_Unit]):
        self.plan = plan
        self.units = [u for u in units if u.si is not None]
        self.rng = plan.rng
        self.names = self._names()

    # candidates are (si, start, end, new, subtype, detail)
    def _names(self) -> list[str]:
        """Person names (2-3 capitalised words) in the kept units, in order of appearance."""
        names: list[str] = []
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            for m in _CAP_SEQ.finditer(text, u.start, u.end):
                name = _person_name(text, m.start(), m.group())
                if name and name not in names:
                    names.append(name)
        return names

    def nationality(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            taken: list[tuple[int, int]] = []
            for s, e, d in _find_all(text, sorted(vocab.DEMONYMS), u.start, u.end):
                taken.append((s, e))
                conf = vocab.DEMONYM_CONFUSIONS.get(d)
                new = self.rng.choice(conf) if conf else self.rng.choice(sorted(vocab.DEMONYM_CONFUSIONS))
                out.append((u.si, s, e, new, "entity", "nationality"))
            # compass-qualified and invented demonyms ("South Ardenian", "Kestrian" next to "Kestria")
            derived = _derived_demonyms(text)
            for m in re.finditer(r"\b(?:(South|North|East|West) )?([A-Z][a-z]+)\b", text[u.start:u.end]):
                s, e = u.start + m.start(), u.start + m.end()
                word = m.group(2)
                if any(s < te and ts < e for ts, te in taken):
                    continue
                if word not in derived and not (m.group(1) and word in vocab.DEMONYMS):
                    continue
                taken.append((s, e))
                others = [x for x in derived if x != word]
                if m.group(1) and (not others or self.rng.random() < 0.7):
                    new = _COMPASS[m.group(1)] + " " + word
                elif others:
                    new = self.rng.choice(others)
                else:
                    continue
                out.append((u.si, s, e, new, "entity", "nationality"))
        return out

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def _places(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
        """Countries (known, and invented ones inferred from demonyms: "Kestria" from
        "Kestrian") and cities, each with the ones present in ``text``."""
        caps = set(re.findall(r"\b[A-Z][a-z]{3,}\b", text))
        derived = sorted(w for w in caps
                         if any(w + suf in caps for suf in ("n", "i", "ian", "ese"))
                         and w not in vocab.COUNTRY_DEMONYM and lexicon.zipf(w.lower()) < 3.0)
        countries = sorted(vocab.COUNTRY_DEMONYM) + derived
        cities = sorted(vocab.CITIES)
        present_c = sorted({m[2] for m in _find_all(text, countries, 0, len(text))})
        present_t = sorted({m[2] for m in _find_all(text, cities, 0, len(text))})
        return countries, present_c, cities, present_t

    def place(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            countries, present_c, cities, present_t = self._places(text)
            for pool, present in ((countries, present_c), (cities, present_t)):
                for s, e, p in _find_all(text, pool, u.start, u.end):
                    near = [q for q in present if q != p]
                    new = self.rng.choice(near) if near and self.rng.random() < 0.6 else \
                        self.rng.choice([q for q in pool if q != p])
                    out.append((u.si, s, e, new, "entity", "place"))
        return out

    def person(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            for s, e, name in _find_all(text, self.names, u.start, u.end):
                others = [n for n in self.names if n != name and not set(n.split()) & set(name.split())]
                new = self.rng.choice(others) if others and self.rng.random() < 0.5 else \
                    f"{self.rng.choice(vocab.GIVEN_NAMES)} {self.rng.choice(vocab.SURNAMES)}"
                out.append((u.si, s, e, new, _name_subtype(text, s, e, new), "person"))
            for m in re.finditer(r"\b(" + "|".join(sorted(vocab.HONORIFICS)) + r")\.? ([A-Z][a-z]+)\b",
                                 text[u.start:u.end]):
                s, e = u.start + m.start(2), u.start + m.end(2)
                surnames = sorted({n.split()[-1] for n in self.names} - {m.group(2)})
                new = self.rng.choice(surnames) if surnames and self.rng.random() < 0.5 else \
                    self.rng.choice(vocab.SURNAMES)
                out.append((u.si, s, e, new, _name_subtype(text, s, e, new), "person"))
        return out

    def number(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            for t in self.plan.unit_tokens(u):
                if t.kind == "number":
                    if _glued(text, t):
                        continue  # part of a code or name ("G8", "A380")
                    if re.fullmatch(r"(19|20)\d\d", t.text):
                        new = str(int(t.text) + self.rng.choice((-2, -1, 1, 2)))
                        out.append((u.si, t.start, t.end, new, "date", "year"))
                        continue
                    if text[t.end:t.end + 2] in ("st", "nd", "rd", "th"):
                        continue
                    digits = [i for i, ch in enumerate(t.text) if ch.isdigit()]
                    i = digits[0]
                    old = int(t.text[i])
                    choices = [d for d in range(1, 10) if d != old] if i == digits[-1] or len(digits) > 1 \
                        else [d for d in range(10) if d != old]
                    new = t.text[:i] + str(self.rng.choice(choices)) + t.text[i + 1:]
                    out.append((u.si, t.start, t.end, new, "number", "number"))
                elif t.kind == "word" and t.lower in vocab.NUMBER_WORDS and 2 <= vocab.NUMBER_WORDS[t.lower] <= 20 \
                        and t.lower not in ("double", "twice", "triple", "dozen", "dozens"):
                    pool = sorted((w for w, v in vocab.NUMBER_WORDS.items() if 2 <= v <= 20 and w != t.lower
                                   and w not in ("double", "twice", "triple", "dozen", "dozens")))
                    out.append((u.si, t.start, t.end, lexicon.match_case(self.rng.choice(pool), t.text),
                                "number", "number_word"))
        return out

    def ordinal(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        for u in self.units:
            assert u.si is not None
            for t in self.plan.unit_tokens(u):
                if t.kind == "word" and t.lower in vocab.ORDINALS:
                    i = vocab.ORDINALS.index(t.lower)
                    j = i + 1 if i == 0 or self.rng.random() < 0.5 else i - 1
                    if j >= len(vocab.ORDINALS):
                        j = i - 1
                    out.append((u.si, t.start, t.end, lexicon.match_case(vocab.ORDINALS[j], t.text),
                                "number", "ordinal"))
        return out

    def date(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            for t in self.plan.unit_tokens(u):
                if t.text in vocab.WEEKDAYS:
                    new = self.rng.choice([d for d in vocab.WEEKDAYS if d != t.text])
                    out.append((u.si, t.start, t.end, new, "date", "weekday"))
                elif t.text in vocab.MONTHS or t.text in vocab.MONTH_ABBREVIATIONS:
                    if t.text in ("May", "March") and not re.match(r"\s+\d", text[t.end:t.end + 3]) \
                            and not re.search(r"\b(in|of|since|until|last|next|early|late|mid|by)\s+$",
                                              text[max(0, t.start - 8):t.start]):
                        continue
                    full = vocab.MONTH_ABBREVIATIONS.get(t.text, t.text)
                    i = vocab.MONTHS.index(full)
                    j = (i + self.rng.choice((-1, 1, 2))) % 12
                    new = vocab.MONTHS[j]
                    if t.text in vocab.MONTH_ABBREVIATIONS:
                        new = next((a for a, f in vocab.MONTH_ABBREVIATIONS.items() if f == new), new)
                    out.append((u.si, t.start, t.end, new, "date", "month"))
                elif t.lower in ("yesterday", "today", "tomorrow"):
                    new = self.rng.choice([d for d in ("yesterday", "today", "tomorrow") if d != t.lower])
                    out.append((u.si, t.start, t.end, lexicon.match_case(new, t.text), "date", "relative_day"))
        return out

    def negation(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        aux = ("is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should")
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            toks = self.plan.unit_tokens(u)
            for k, t in enumerate(toks):
                nxt = toks[k + 1] if k + 1 < len(toks) else None
                if t.kind != "word":
                    continue
                low = t.lower
                if low in aux and nxt is not None and nxt.kind == "word" and k > 0 \
                        and nxt.lower not in ("not", "n't", "never", "to", "no") and text[t.end:nxt.start] == " " \
                        and (low not in ("has", "have", "had") or nxt.lower in _PARTICIPLES
                             or (nxt.lower.endswith("ed") and len(nxt.lower) > 4)):
                    new = vocab.NEGATABLE_AUXILIARIES[low]
                    out.append((u.si, t.start, t.end, lexicon.match_case(new, t.text), "negation", "inserted"))
                elif low in vocab.NEGATED_CONTRACTIONS:
                    out.append((u.si, t.start, t.end, lexicon.match_case(vocab.NEGATED_CONTRACTIONS[low], t.text),
                                "negation", "removed"))
                elif low == "not" and k > 0 and toks[k - 1].lower in vocab.NEGATABLE_AUXILIARIES \
                        and text[toks[k - 1].end:t.start] == " ":
                    prev = toks[k - 1]
                    out.append((u.si, prev.start, t.end, prev.text, "negation", "removed"))
                elif low == "never" and k > 0:
                    out.append((u.si, t.start, t.end, lexicon.match_case("always", t.text), "negation", "removed"))
        return out

    def attribution(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        pats = (
            r"\b(?:according to|said|told|quoted|citing)\s+(?:the\s+)?(?P<n>[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2})",
            r"(?P<n>\b[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2})\s+(?:said|says|told|claimed|added|stated|confirmed)\b",
        )
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            for pat in pats:
                for m in re.finditer(pat, text[u.start:u.end]):
                    raw = m.group("n")
                    s0 = u.start + m.start("n")
                    full = next((n for n in self.names if raw.endswith(n)), None)
                    if full is not None:
                        s, e = s0 + len(raw) - len(full), s0 + len(raw)
                        others = [n for n in self.names if n != full]
                        new = self.rng.choice(others) if others and self.rng.random() < 0.7 else \
                            f"{self.rng.choice(vocab.GIVEN_NAMES)} {self.rng.choice(vocab.SURNAMES)}"
                    else:
                        last = raw.split()[-1]
                        surnames = [n.split()[-1] for n in self.names]
                        if last not in surnames:
                            continue
                        s, e = s0 + len(raw) - len(last), s0 + len(raw)
                        others = [x for x in surnames if x != last]
                        new = self.rng.choice(others) if others and self.rng.random() < 0.7 else \
                            self.rng.choice(vocab.SURNAMES)
                    out.append((u.si, s, e, new, "attribution", "speaker"))
        return out

    def role(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        titles = sorted(vocab.TITLE_CONFUSIONS)
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            for s, e, old in _find_all(text, titles, u.start, u.end, re.IGNORECASE):
                title = old.lower()
                dem = re.search(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?) $", text[max(u.start, s - 30):s])
                if dem and old[0].isupper() and dem.group(1) in vocab.DEMONYM_CONFUSIONS \
                        and self.rng.random() < 0.5:
                    ds = s - len(dem.group(1)) - 1
                    title_text = old
                    if self.rng.random() < 2 * self.plan.config.break_inflection:
                        title_text = lexicon.inflect(old, "s")  # clumsily: "US Presidents Zelenskyy"
                    new = self.rng.choice(vocab.DEMONYM_CONFUSIONS[dem.group(1)]) + " " + title_text
                    out.append((u.si, ds, e, new, "role", "nationality_title"))
                    continue
                new = self.rng.choice(vocab.TITLE_CONFUSIONS[title])
                olds = old.split()
                new = " ".join(lexicon.match_case(w, olds[min(i, len(olds) - 1)])
                               for i, w in enumerate(new.split()))
                out.append((u.si, s, e, new, "role", "title"))
        return out

    def modality(self) -> list[tuple[int, int, int, str, str, str]]:
        out = []
        hedges = sorted(vocab.NUMBER_HEDGES, key=lambda h: (-len(h), h))
        for u in self.units:
            assert u.si is not None
            text = self.plan.sources[u.si].text
            for h in hedges:
                for m in re.finditer(r"(?<![\w\-])" + re.escape(h) + r" ([$£€]?\d[\d,.]*)", text[u.start:u.end]):
                    s, e = u.start + m.start(), u.start + m.end()
                    out.append((u.si, s, e, m.group(1), "modality", "hedge_removed"))
            for t in self.plan.unit_tokens(u):
                if t.kind == "word" and t.lower in vocab.REPORTING_VERB_SWAPS and t.lower not in ("said", "says"):
                    new = self.rng.choice(vocab.REPORTING_VERB_SWAPS[t.lower])
                    out.append((u.si, t.start, t.end, lexicon.match_case(new, t.text), "modality", "reporting_verb"))
                elif t.kind == "word" and t.lower in ("may", "might", "could", "probably", "possibly", "likely",
                                                      "reportedly", "allegedly", "apparently") \
                        and not (t.text == "May" and not _sentence_initial(text, t.start)):
                    new = vocab.MODALITY_SWAPS[t.lower]
                    out.append((u.si, t.start, t.end, lexicon.match_case(new, t.text), "modality", "modal"))
                elif t.kind == "number" and self.rng.random() < 0.3 and not re.fullmatch(r"(19|20)\d\d", t.text) \
                        and not _glued(text, t) and not re.search(r"(?:about|around|nearly|some|than|least|to|over) [$£€]?$",
                                                                 text[max(0, t.start - 9):t.start]):
                    hedge = self.rng.choice(("about", "around", "nearly", "more than"))
                    s0 = t.start - 1 if t.start > 0 and text[t.start - 1] in "$£€" else t.start
                    out.append((u.si, s0, t.end, f"{hedge} {text[s0:t.end]}", "modality", "hedge_added"))
        return out

    def wrong_sense(self) -> list[tuple[int, int, int, str, str, str]]:
        """A Moby synonym of another sense of the word ("shore" for "bank", "interviews" for
        "talks"): WordNet gives the two words no sense in common nor a neighbouring one. At most
        one candidate a word, for up to 40 words drawn at random."""
        toks = [(u.si, t) for u in self.units for t in self.plan.unit_tokens(u)
                if u.si is not None and t.kind == "word" and t.text[:1].islower()
                and _is_swappable_word(t, self.plan.sources[u.si].text)]
        out = []
        for si, t in self.rng.sample(toks, min(40, len(toks))):
            far = _far_candidates(t.lower)
            if far:
                base, suffix = self.rng.choice(far)
                out.append((si, t.start, t.end, lexicon.inflect(base, suffix), "meaning", "wrong_sense"))
        return out

    def apply(self, n: int) -> int:
        if n <= 0:
            return 0
        gens = {
            "nationality": self.nationality, "place": self.place, "person": self.person,
            "number": self.number, "ordinal": self.ordinal, "date": self.date,
            "negation": self.negation, "attribution": self.attribution, "role": self.role,
            "modality": self.modality, "wrong_sense": self.wrong_sense,
        }
        pools = {k: g() for k, g in gens.items()}
        kinds = [k for k in gens if pools[k]]
        self.rng.shuffle(kinds)
        done = 0
        rounds = 0
        while done < n and kinds and rounds < 10 * n + 20:
            rounds += 1
            k = kinds[rounds % len(kinds)]
            pool = pools[k]
            if not pool:
                kinds.remove(k)
                continue
            si, s, e, new, subtype, detail = pool.pop(self.rng.randrange(len(pool)))
            if self.plan.add(si, _Op(s, e, new, "fact", subtype, detail)):
                done += 1
        return done


# ---------------------------------------------------------------------------- word-level

def _mangle_numbers(plan: _Plan, units: list[_Unit]) -> None:
    for u in units:
        if u.si is None:
            continue
        for t in plan.unit_tokens(u):
            if t.kind != "number" or not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t.text):
                continue
            if plan.rng.random() >= plan.config.mangle_rate:
                continue
            how = plan.rng.choice(("comma_space", "space_separator", "comma_space", "space_separator",
                                   "space_comma"))
            new = {"comma_space": t.text.replace(",", ", "), "space_separator": t.text.replace(",", " "),
                   "space_comma": t.text.replace(",", " ,")}[how]
            plan.add(u.si, _Op(t.start, t.end, new, "number_format", None, how))


@functools.lru_cache(maxsize=1)
def _phrase_table() -> dict[str, tuple[str, ...]]:
    """Multi-word expressions -> rewordings: the curated list plus Moby's phrase heads."""
    th = lexicon.thesaurus()
    table: dict[str, tuple[str, ...]] = dict(vocab.PHRASE_REWORDS)
    n = len(th.indptr) - 1
    for i in range(n):
        head = th.vocab[i]
        if " " not in head or head in table or th.indptr[i + 1] == th.indptr[i]:
            continue
        words = head.split()
        if len(words) > 3 or all(w in STOPWORDS for w in words) or not all(w.isalpha() for w in words):
            continue
        if min(lexicon.zipf(w) for w in words) < 3.0:
            continue
        # a hedge, negation, date or other closed-class word rewritten is a fact edit, and so
        # is an antonym ("push down" -> "pull up"): such phrase rewrites are not made
        if any(w in _PROTECTED_LOWER for w in words):
            continue
        opposite = frozenset().union(*(_antonyms(w) for w in words))
        subs = tuple(s for s in th.synonyms(head, phrases=True)
                     if s != head and all(_ALPHA.match(w) or w.isalpha() for w in s.split())
                     and min(lexicon.zipf(w) for w in s.split()) >= 2.5 and len(s.split()) <= 3
                     and not any(w in _PROTECTED_LOWER or w in opposite for w in s.split()))
        if subs:
            table[head] = subs
    return table


def _reword_phrases(plan: _Plan, units: list[_Unit]) -> None:
    table = _phrase_table()
    for u in units:
        if u.si is None:
            continue
        text = plan.sources[u.si].text
        toks = [t for t in plan.unit_tokens(u) if t.kind == "word"]
        lows = [t.lower for t in toks]
        k = 0
        while k < len(toks):
            hit = None
            for n in (4, 3, 2):
                seq = toks[k:k + n]
                if len(seq) < n or any(text[a.end:b.start] != " " for a, b in zip(seq, seq[1:], strict=False)):
                    continue
                phrase = " ".join(lows[k:k + n])
                if phrase in table and not any(t.text[0].isupper() and not _sentence_initial(text, t.start)
                                               for t in seq):
                    hit = (n, phrase)
                    break
            if hit is None:
                k += 1
                continue
            n, phrase = hit
            seq = toks[k:k + n]
            if plan.rng.random() < plan.config.reword_rate:
                new = plan.rng.choice(table[phrase])
                new = lexicon.match_case(new, seq[0].text) if seq[0].text[:1].isupper() else new
                plan.add(u.si, _Op(seq[0].start, seq[-1].end, new, "reword", None,
                                   "curated" if phrase in vocab.PHRASE_REWORDS else "thesaurus"))
            k += n


_TITLE_WORDS = frozenset(t for t in vocab.TITLES if " " not in t) | frozenset(
    t + "s" for t in vocab.TITLES if " " not in t)


@functools.lru_cache(maxsize=200_000)
def _surface_far(word: str, new: str) -> bool:
    return (new in lexicon.vectors() and lexicon.vectors().similarity(word, new) < 0.4
            and senses.relation(word, new) == "far")


def _swap_candidates(plan: _Plan, t: Token, text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """In-sense candidates only: a swap synth labels harmless keeps the word's sense, and does
    not break a fixed expression with the word before it ("interest rates" -> "interest
    ranges": a WordNet two-word lemma whose new form never occurs in the bigram counts)."""
    word = t.lower
    nxt = re.match(r" ([a-z]+)", text[t.end:t.end + 30])
    if nxt and (nxt.group(1) in _TITLE_WORDS or word in _TITLE_WORDS):
        return [], []  # "finance" in "finance minister", "directors": a role, not a wording
    prev = re.search(r"([a-z]+) $", text[max(0, t.start - 30):t.start])
    p = prev.group(1) if prev and senses.compound(prev.group(1), word) else None
    th, em = _candidates_after(plan.config.spinner, word, p)
    return list(th), list(em)


@functools.lru_cache(maxsize=200_000)
def _candidates_after(spinner: str, word: str, compound_prev: str | None
                      ) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """``_swap_candidates`` of ``word`` after ``compound_prev`` (the word before it when the two
    make a WordNet compound, else None): depends on nothing else, so remembered per process."""
    th = in_sense_candidates(word) if spinner in ("thesaurus", "mixed") else ()
    em = embedding_candidates(word) if spinner in ("embedding", "mixed") else ()
    em = tuple(c for c in em if _in_sense(word, c))
    # the inflected form must not look like another sense either (diff's test: WordNet far and
    # GloVe < 0.4 on the words as written), so an inflection cannot turn an in-sense base into
    # a wrong-sense word ("lays" for "lines")
    th = tuple(x for x in th if not _surface_far(word, lexicon.inflect(x[0], x[1])))
    em = tuple(c for c in em if not _surface_far(word, c))
    if compound_prev is not None:
        p = compound_prev
        ng = lexicon.ngrams()

        def keeps(c: str) -> bool:
            return senses.compound(p, c) or ng.bigram(p, c) > 0

        th = tuple(x for x in th if keeps(lexicon.inflect(x[0], x[1])))
        em = tuple(c for c in em if keeps(c))
    return th, em


def _is_swappable_word(t: Token, text: str) -> bool:
    if not is_content(t) or t.lower in _PROTECTED_LOWER:
        return False
    if t.text[0].isupper():
        if t.text.isupper() or not _sentence_initial(text, t.start):
            return False
        if lexicon.zipf(t.lower) < 3.5 or re.match(r"[ \-][A-Z]", text[t.end:t.end + 2]):
            return False  # rare, or the first word of a name ("North Korea", "White House")
    return True


def _break(plan: _Plan, base: str, suffix: str) -> str:
    """Inflect ``base`` clumsily: drop the suffix, or add a plural where none belongs."""
    if suffix:
        return base
    return lexicon.inflect(base, "s")


def _swap_synonyms(plan: _Plan, units: list[_Unit]) -> int:
    """Swap the configured share of content words; returns the number of content words."""
    rng = plan.rng
    eligible: list[tuple[int, Token]] = []
    content = 0
    if plan.config.spinner != "thesaurus":
        prime_embeddings(t.lower for u in units if u.si is not None for t in plan.unit_tokens(u)
                         if _is_swappable_word(t, plan.sources[u.si].text))
    for u in units:
        if u.si is None:
            continue
        text = plan.sources[u.si].text
        for t in plan.unit_tokens(u):
            if not _is_swappable_word(t, text):
                continue
            content += 1
            if not plan.free(u.si, t.start, t.end):
                continue
            th, em = _swap_candidates(plan, t, text)
            if th or em:
                eligible.append((u.si, t))
    target = min(len(eligible), round(plan.config.swap_rate * content))
    chosen = sorted(rng.sample(range(len(eligible)), target)) if target else []
    for idx in chosen:
        si, t = eligible[idx]
        text = plan.sources[si].text
        th, em = _swap_candidates(plan, t, text)
        use_em = bool(em) and (not th or (plan.config.spinner == "embedding")
                               or (plan.config.spinner == "mixed" and rng.random() < 0.5))
        if use_em:
            new = rng.choice(em)
            detail = "embedding"
            if rng.random() < plan.config.break_inflection:
                bases = [b for b in lexicon.lemma_candidates(new)[1:] if lexicon.zipf(b) >= 3.0]
                new = bases[0] if bases else lexicon.inflect(new, "s")
        else:
            base, suffix = rng.choice(th)
            detail = "thesaurus"
            if rng.random() < plan.config.break_inflection:
                new = _break(plan, base, suffix)
            else:
                new = lexicon.inflect(base, suffix)
        if not (t.text[:1].isupper() and rng.random() < plan.config.break_inflection):
            new = lexicon.match_case(new, t.text)  # else: capitalisation clumsily lost
        plan.add(si, _Op(t.start, t.end, new, "synonym", None, detail))
    return content


# ============================================================================ spin

def copy_seed(seed: int, *parts: object) -> int:
    """A seed derived from ``seed`` and labels, stable across runs and Python versions."""
    h = hashlib.sha256(":".join([str(seed), *map(str, parts)]).encode()).hexdigest()
    return int(h[:12], 16)


def _as_article(source: Article | str) -> Article:
    if isinstance(source, Article):
        return source
    if isinstance(source, str):
        from unspin.ingest import from_text

        return from_text(source)
    raise InputError(f"spin needs an Article or a str, got {type(source).__name__}")


def spin(source: Article | str, *, seed: int = 0, config: SpinConfig | None = None,
         second_source: Article | str | None = None, headlines: Sequence[str] | None = None,
         fillers: Sequence[str] | None = None, copy_id: str | None = None,
         **kwargs: Any) -> SpunCopy:
    """Spin ``source`` into a copy and record every edit.

    Args:
        source: the article; spans index its ``text``. A ``str`` is read with
            ``ingest.from_text``, which may repair it and strip clutter: spans then index that
            article's ``text`` (its id is ``copy.source_ids[0]``), not the string.
        seed: the seed; the same seed and inputs give the same copy.
        config: settings; keyword arguments (``swap_rate=0.35``, ``spinner="mixed"``, ...)
            override its fields.
        second_source: a second article; a block of its sentences is stitched into the copy.
        headlines: headlines for the clutter list (default: invented ones).
        fillers: unrelated sentences to insert (default: invented ones).
        copy_id: id of the copy (default ``"<source id>~<seed>"``).

    Returns:
        The ``SpunCopy``; ``verify(copy, sources)`` holds for it.
    """
    unknown = sorted(set(kwargs) - {f.name for f in fields(SpinConfig)})
    if unknown:
        raise UnspinError(f"unknown spin setting(s): {', '.join(unknown)}",
                          hint=f"SpinConfig has {', '.join(f.name for f in fields(SpinConfig))}")
    cfg = replace(config or SpinConfig(), **kwargs) if kwargs else (config or SpinConfig())
    sources = [_as_article(source)]
    if second_source is not None:
        sources.append(_as_article(second_source))
    if not sources[0].text.strip():
        raise InputError("cannot spin an empty article", input=sources[0].input or sources[0].id)
    rng = random.Random(copy_seed(seed, *(a.id for a in sources)))
    plan = _Plan(sources, rng, cfg)

    uid = 0
    units: list[_Unit] = []
    for s, e in _sentences(sources[0]):
        units.append(_Unit(0, s, e, uid=uid))
        uid += 1

    # structure: merge and split (source 0 only), before word-level edits claim characters
    def touched() -> set[int]:
        return {u.uid for u in units if u.si == 0 and any(u.start <= o.start < u.end for o in plan.ops[0])}

    protected: set[int] = set()
    if cfg.split_merge and len(units) > 2:
        units = _plan_merge(plan, units)
        units = _plan_split(plan, units, touched(), uid)
        uid += 1
        protected = touched()

    # drop sentences (never the first, never two neighbours, never merged or split ones)
    dropped: list[tuple[int, _Unit]] = []  # (anchor uid, dropped unit)
    if cfg.drop and len(units) > 3:
        options = [i for i in range(1, len(units)) if units[i].uid not in protected]
        rng.shuffle(options)
        picked: list[int] = []
        for i in options:
            if len(picked) >= cfg.drop or len(units) - len(picked) <= 2:
                break
            if all(abs(i - j) > 1 for j in picked):
                picked.append(i)
        for i in sorted(picked, reverse=True):
            dropped.append((units[i - 1].uid, units[i]))
            del units[i]

    # stitch: a block of the second source's sentences, at a paragraph boundary
    if len(sources) > 1:
        sents_b = _sentences(sources[1])
        n = max(1, min(len(sents_b), round(len(sents_b) * rng.uniform(0.3, 0.5))))
        tb = sources[1].text
        starts = [i for i, (bs, _be) in enumerate(sents_b) if i + n <= len(sents_b)
                  and (i == 0 or "\n" in tb[sents_b[i - 1][1]:bs])]
        k = rng.choice(starts) if starts else 0
        block = []
        for s, e in sents_b[k:k + n]:
            block.append(_Unit(1, s, e, uid=uid))
            uid += 1
        text = sources[0].text
        bounds = [i for i in range(1, len(units)) if units[i].si == 0 and "\n" in text[units[i - 1].end:units[i].start]]
        at = rng.choice(bounds) if bounds else max(1, len(units) // 2)
        units = units[:at] + block + units[at:]

    # reorder: swap one pair of neighbouring sentences (not the first)
    if cfg.reorder and len(units) > 3:
        i = rng.randrange(1, len(units) - 1)
        units[i], units[i + 1] = units[i + 1], units[i]

    # insert unrelated sentences
    pool = list(fillers) if fillers else list(FILLER_SENTENCES)
    for _ in range(cfg.insert):
        if not pool:
            break
        sent = pool.pop(rng.randrange(len(pool)))
        at = rng.randrange(1, len(units) + 1) if len(units) > 1 else len(units)
        units.insert(at, _Unit(None, text=sent, uid=uid))
        uid += 1

    # word-level edits, in order of precedence
    facts = _Facts(plan, units).apply(cfg.fact_edits)
    if facts < cfg.fact_edits:
        log.info("%s: only %d of %d fact edits found a place", sources[0].id, facts, cfg.fact_edits)
    if cfg.mangle_numbers:
        _mangle_numbers(plan, units)
    _reword_phrases(plan, units)
    content = _swap_synonyms(plan, units)

    clutter_lines: list[str] | None = None
    if cfg.clutter:
        pool_h = list(headlines) if headlines else list(CLUTTER_HEADLINES)
        pool_h = [h for h in pool_h if h and "\n" not in h]
        count = min(len(pool_h), rng.randint(5, 8))
        picked_h = [pool_h.pop(rng.randrange(len(pool_h))) for _ in range(count)]
        if picked_h:
            dup = rng.randrange(len(picked_h))
            picked_h.insert(dup + 1, picked_h[dup])
            clutter_lines = [rng.choice(CLUTTER_HEADERS)] + [f"- {h}" for h in picked_h]

    cid = copy_id or "+".join(a.id for a in sources) + f"~{seed}"
    return _assemble(plan, units, dropped, clutter_lines, cid, seed, cfg, content)


def _assemble(plan: _Plan, units: list[_Unit], dropped: list[tuple[int, _Unit]],
              clutter_lines: list[str] | None, cid: str, seed: int, cfg: SpinConfig,
              content: int) -> SpunCopy:
    sources = plan.sources
    out: list[str] = []
    pos = 0
    edits: list[Edit] = []
    cases: list[Case] = []
    case: list[Any] | None = None  # [copy_start, si, source_start, source_end]
    ops = [sorted(o, key=lambda x: (x.start, x.end)) for o in plan.ops]
    omissions: dict[int, list[_Unit]] = {}
    for anchor, u in dropped:
        omissions.setdefault(anchor, []).append(u)

    def emit(s: str) -> None:
        nonlocal pos
        out.append(s)
        pos += len(s)

    def close(end: int) -> None:
        nonlocal case
        if case is not None:
            cases.append(Case(case[0], end, sources[case[1]].id, case[2], case[3]))
            case = None

    prev: _Unit | None = None
    prev_end = 0
    for u in units:
        if prev is not None:
            sep: str | None = None
            if u.si is not None and prev.si == u.si and case is not None:
                sep = _gap(sources[u.si].text, prev.end, u.start)
            if sep is None:
                close(prev_end)
                nl = False
                if prev.si is not None:
                    t = sources[prev.si].text
                    m = re.match(r"\s*", t[prev.end:])
                    nl = "\n" in (m.group() if m else "") or prev.end >= len(t.rstrip())
                if u.si is not None:
                    t = sources[u.si].text
                    nl = nl or "\n" in t[:u.start][len(t[:u.start].rstrip()):]
                sep = "\n" if nl else " "
            emit(sep)
        if u.si is None:
            close(pos)
            edits.append(Edit("insertion", None, "unrelated_sentence", pos, pos + len(u.text), "", -1, -1, u.text, ""))
            emit(u.text)
        else:
            a = sources[u.si]
            if case is None:
                case = [pos, u.si, u.start, u.end]
            case[3] = u.end
            cur = u.start
            for o in ops[u.si]:
                if o.start < u.start or o.end > u.end:
                    continue
                emit(a.text[cur:o.start])
                edits.append(Edit(o.kind, o.subtype, o.detail, pos, pos + len(o.new), a.id, o.start, o.end,
                                  o.new, a.text[o.start:o.end]))
                emit(o.new)
                cur = o.end
            emit(a.text[cur:u.end])
        prev_end = pos
        for d in omissions.get(u.uid, []):
            assert d.si is not None
            a = sources[d.si]
            edits.append(Edit("omission", None, "sentence", pos, pos, a.id, d.start, d.end, "", a.text[d.start:d.end]))
        prev = u
    close(prev_end)
    clutter_start = None
    if clutter_lines:
        emit("\n")
        clutter_start = pos
        block = "\n".join(clutter_lines)
        edits.append(Edit("clutter", None, "trending", pos, pos + len(block), "", -1, -1, block, ""))
        emit(block)
    text = "".join(out)
    order = {k: i for i, k in enumerate(EDIT_KINDS)}
    edits.sort(key=lambda e: (e.copy_start, e.copy_end, order[e.kind], e.source_start))
    return SpunCopy(cid, text, tuple(a.id for a in sources), tuple(edits), tuple(cases), clutter_start,
                    seed, cfg, content)


# ============================================================================ verification

def verify(copy: SpunCopy, sources: Sequence[Article] | dict[str, Article]) -> list[str]:
    """Check that the ground truth of ``copy`` is exact; returns the problems found (empty if none).

    Checks: every edit's copy span holds its ``copy_text`` and source span its
    ``source_text``; inside each case the copy outside edits equals the source outside them,
    in order; outside the cases the copy holds only whitespace, insertions and clutter.
    """
    by_id = sources if isinstance(sources, dict) else {a.id: a for a in sources}
    problems: list[str] = []
    text = copy.text
    for e in copy.edits:
        if e.kind not in EDIT_KINDS:
            problems.append(f"unknown edit kind {e.kind!r}")
        if (e.kind == "fact") != (e.subtype is not None) or (e.subtype and e.subtype not in TRUTH_SUBTYPES):
            problems.append(f"bad subtype {e.subtype!r} for {e.kind}")
        if text[e.copy_start:e.copy_end] != e.copy_text:
            problems.append(f"{e.kind} copy span {e.copy_start}:{e.copy_end} does not hold {e.copy_text!r}")
        if e.kind == "omission" and e.copy_start != e.copy_end:
            problems.append(f"omission with a copy span {e.copy_start}:{e.copy_end}")
        if e.source_start >= 0:
            src = by_id.get(e.source_id)
            if src is None:
                problems.append(f"unknown source {e.source_id!r}")
            elif src.text[e.source_start:e.source_end] != e.source_text:
                problems.append(f"{e.kind} source span {e.source_start}:{e.source_end} does not hold {e.source_text!r}")
        elif e.kind not in ("insertion", "clutter") or e.source_text:
            problems.append(f"{e.kind} edit without a source span")
    covered = bytearray(len(text))
    for c in copy.cases:
        src = by_id.get(c.source_id)
        if src is None:
            problems.append(f"case from unknown source {c.source_id!r}")
            continue
        covered[c.copy_start:c.copy_end] = b"\x01" * (c.copy_end - c.copy_start)
        inner = sorted((e for e in copy.edits if e.source_id == c.source_id and e.kind != "omission"
                        and c.copy_start <= e.copy_start and e.copy_end <= c.copy_end
                        and c.source_start <= e.source_start and e.source_end <= c.source_end),
                       key=lambda e: (e.copy_start, e.copy_end))
        cpos, spos = c.copy_start, c.source_start
        for e in inner:
            if e.source_start < spos:
                problems.append(f"case {c.copy_start}:{c.copy_end}: edits out of source order")
                break
            if text[cpos:e.copy_start] != src.text[spos:e.source_start]:
                problems.append(f"case {c.copy_start}:{c.copy_end}: unrecorded change in copy {cpos}:{e.copy_start}")
            cpos, spos = e.copy_end, e.source_end
        if text[cpos:c.copy_end] != src.text[spos:c.source_end]:
            problems.append(f"case {c.copy_start}:{c.copy_end}: unrecorded change in copy {cpos}:{c.copy_end}")
    for e in copy.edits:
        if e.kind in ("insertion", "clutter"):
            if any(covered[e.copy_start:e.copy_end]):
                problems.append(f"{e.kind} inside a case at {e.copy_start}")
            covered[e.copy_start:e.copy_end] = b"\x01" * (e.copy_end - e.copy_start)
        elif e.kind != "omission" and not any(c.source_id == e.source_id and c.copy_start <= e.copy_start
                                              and e.copy_end <= c.copy_end for c in copy.cases):
            problems.append(f"{e.kind} edit at {e.copy_start} outside every case")
    stray = "".join(ch for ch, cov in zip(text, covered, strict=True) if not cov)
    if stray.strip():
        problems.append(f"copy text outside cases and edits: {stray.strip()[:60]!r}")
    if copy.clutter_start is not None and not text[copy.clutter_start:].strip():
        problems.append("clutter_start points at no clutter")
    return problems


# ============================================================================ data sets

def make_dataset(articles: Sequence[Article], *, rates: Sequence[float] = (0.2, 0.35, 0.5), seed: int = 0,
                 per_article: int = 1, stitch: bool | float = False, config: SpinConfig | None = None,
                 **kwargs: Any) -> list[SpunCopy]:
    """Spin every article ``per_article`` times per rate; deterministic for ``seed``.

    Copy ``k`` of an article uses the seed ``copy_seed(seed, article.id, rate, k)``; clutter
    headlines are the titles of the other articles (else invented ones). With ``stitch``
    (``True``, or the share of copies as a float), a copy also takes a block of sentences from
    the next article in the list.
    """
    base = config or SpinConfig()
    titles = [a.title for a in articles if a.title]
    out: list[SpunCopy] = []
    for i, a in enumerate(articles):
        others = [t for t in titles if t != a.title]
        for rate in rates:
            for k in range(per_article):
                s = copy_seed(seed, a.id, f"{rate:.3f}", k)
                share = 1.0 if stitch is True else float(stitch)
                pick = copy_seed(s, "stitch") % 10_000 < share * 10_000
                second = articles[(i + 1) % len(articles)] if pick and len(articles) > 1 else None
                cid = f"{a.id}~r{round(rate * 100):02d}~{k}" + (f"+{second.id}" if second else "")
                heads = [t for t in others if not second or t != second.title]
                out.append(spin(a, seed=s, config=replace(base, swap_rate=rate, **kwargs),
                                second_source=second, headlines=heads or None, copy_id=cid))
    return out


def _safe(name: str) -> str:
    """A file name for an id: safe characters only, at most ~100 of them; an id that had to
    be changed gets a hash of the original so that distinct ids never share a file."""
    safe = re.sub(r"[^A-Za-z0-9._+~\-]", "_", name).lstrip(".") or "_"
    if safe == name and len(name) <= 100:
        return name
    digest = hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{safe[:90]}~{digest}"


def write_dataset(copies: Sequence[SpunCopy], sources: Iterable[Article], out: Path) -> dict[str, Any]:
    """Write ``copies/<id>.txt``, ``sources.jsonl`` and ``truth.json`` under ``out``; byte-stable.

    ``sources.jsonl`` holds ``id``, ``title``, ``text`` (the exact text spans index), ``url``,
    ``site`` and ``published`` of every source used. ``truth.json`` holds every copy's record
    without its text (the text is the .txt file). Returns a small summary.
    """
    out = Path(out)
    try:
        (out / "copies").mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # --out is a file, or a directory that cannot be made
        from unspin.errors import OutputError

        raise OutputError(f"cannot write the data set here: {exc.strerror}", input=str(out),
                          hint="pass a directory (new or existing) for --out") from None
    used = {sid for c in copies for sid in c.source_ids}
    srcs = sorted((a for a in sources if a.id in used), key=lambda a: a.id)
    seen: set[str] = set()
    lines = []
    for a in srcs:
        if a.id in seen:
            continue
        seen.add(a.id)
        lines.append(json.dumps({"id": a.id, "title": a.title, "text": a.text, "url": a.url, "site": a.site,
                                 "published": a.published}, ensure_ascii=False, sort_keys=True))
    from unspin.atomic import write_atomic

    write_atomic(out / "sources.jsonl", "\n".join(lines) + "\n")
    records = []
    for c in sorted(copies, key=lambda c: c.id):
        fname = f"copies/{_safe(c.id)}.txt"
        write_atomic(out / fname, c.text)
        d = c.to_dict()
        del d["text"]
        d["file"] = fname
        records.append(d)
    write_atomic(out / "truth.json", _dump_truth(records))
    return {"copies": len(records), "sources": len(lines), "edits": sum(len(c.edits) for c in copies)}


def _dump_truth(records: list[dict[str, Any]]) -> str:
    """truth.json: sorted keys, one line per copy header, case and edit (diffable, compact)."""
    def dumps(x: Any) -> str:
        return json.dumps(x, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))

    lines = ["{", f' "schema_version": {SpunCopy.schema_version},', ' "copies": [']
    for i, r in enumerate(records):
        head = {k: v for k, v in r.items() if k not in ("cases", "edits")}
        lines.append("  {")
        lines.append("   " + dumps(head)[1:-1] + ",")
        for key in ("cases", "edits"):
            items = r[key]
            lines.append(f'   "{key}": [')
            lines.extend("    " + dumps(x) + ("," if j < len(items) - 1 else "") for j, x in enumerate(items))
            lines.append("   ]" + ("," if key == "cases" else ""))
        lines.append("  }" + ("," if i < len(records) - 1 else ""))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def read_dataset(path: Path) -> tuple[list[SpunCopy], dict[str, Article]]:
    """Read a data set written by ``write_dataset``: the copies (with text; ``SpunCopy``, or
    ``altspin.AltCopy`` for copies the independent generator made) and the sources by id."""
    path = Path(path)
    sources: dict[str, Article] = {}
    for line in (path / "sources.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            sources[d["id"]] = Article(id=d["id"], text=d["text"], original=d["text"], title=d.get("title"),
                                       url=d.get("url"), site=d.get("site"), published=d.get("published"))
    truth = json.loads((path / "truth.json").read_text(encoding="utf-8"))
    copies: list[SpunCopy] = []
    for d in truth["copies"]:
        d = dict(d)
        d["text"] = (path / d.pop("file")).read_bytes().decode("utf-8")
        if (d.get("config") or {}).get("generator") == "alt":  # made by unspin.altspin
            from unspin.altspin import AltCopy

            copies.append(AltCopy.from_dict(d))
        else:
            copies.append(SpunCopy.from_dict(d))
    return copies, sources
