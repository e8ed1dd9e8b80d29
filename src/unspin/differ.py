"""What a rewrite changed: token-level differences inside aligned passages, classified.

``diff(copy, source)`` aligns the two texts (``unspin.align``), runs a token-level edit
script inside every passage (Levenshtein opcodes over token keys, ``rapidfuzz``), and labels
every stretch of the copy, plus every stretch of the source the copy left out:

- ``verbatim``: copied unchanged;
- ``synonym``: a swap that keeps the meaning (``subtype``: ``thesaurus``, ``vector``,
  ``inflection``, ``case``, ``format``, ``phrase``, ``function``); capitalisation, inflection
  and repaired number formatting ("4, 000" for "4,000") count here and are not real changes;
- ``reword``: a rephrased stretch with the same facts;
- ``fact`` with ``subtype`` ``entity``, ``number``, ``date``, ``negation``, ``attribution``,
  ``role`` or ``modality``;
- ``omission`` (source text missing from the copy), ``insertion`` (copy text absent from the
  source), ``clutter`` (page furniture).

Offsets: ``copy_start``/``copy_end`` index the copy's ``Article.original`` (the text as the
reader saw it), ``source_start``/``source_end`` the source's ``Article.original``; both are
mapped through ``Article.to_original``. For plain strings ``original == text``. An omission
has an empty copy span at the place the text would have been; an insertion has an empty
source span.

``unspin.diff(copy, source)`` is this module's ``diff`` function (the module is ``unspin.differ``).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import gc
import logging
import re
from collections.abc import Sequence
from types import ModuleType
from typing import Any, Final

from rapidfuzz.distance import Levenshtein

from unspin import meaning, names, vocab
from unspin._records import Change, DiffResult, Summary
from unspin.aligner import Passage, Unit, _alignment, _Doc, _doc
from unspin.models import Article
from unspin.text import STOPWORDS, _fast_function, lower

log = logging.getLogger(__name__)

__all__ = ["Change", "DiffResult", "Summary", "diff", "summarize", "verdict", "FACT_SUBTYPES", "KINDS", "VERDICTS"]

KINDS: Final = ("fact", "omission", "insertion", "reword", "synonym", "verbatim", "clutter")
FACT_SUBTYPES: Final = ("meaning", "entity", "number", "date", "negation", "attribution", "role", "modality")
VERDICTS: Final = ("verbatim", "rewritten", "distorted")


# ---------------------------------------------------------------------------- word classes

_MONTHS: Final = {m.lower() for m in vocab.MONTHS} | {m.lower() for m in vocab.MONTH_ABBREVIATIONS}
_WEEKDAYS: Final = {d.lower() for d in vocab.WEEKDAYS}
_RELDAYS: Final = {d for d in vocab.RELATIVE_DAYS if " " not in d}
_DATE_WORDS: Final = _MONTHS | _WEEKDAYS | _RELDAYS
_ORDINALS: Final = set(vocab.ORDINAL_VALUE) - {"last"}
_NUMBER_WORDS: Final = {k: v for k, v in vocab.NUMBER_WORDS.items() if k not in ("half", "double", "twice", "triple")}
_NEG: Final = set(vocab.NEGATIONS) | set(vocab.NEGATED_CONTRACTIONS)
_POLARITY: Final = vocab.POLARITY_SWAPS
_NAMES: Final = ({w.lower() for w in vocab.COUNTRIES | vocab.DEMONYMS | vocab.CITIES}
          | {w.lower() for w in vocab.GIVEN_NAMES + vocab.SURNAMES}
          | {w.lower() for w in vocab.COUNTRY_DEMONYM})
_NAME_WORDS: Final = {p for w in _NAMES for p in w.split()} - {"the", "of", "de", "new", "south", "north", "city"}
_TITLES: Final = set(vocab.TITLES) | {t for ts in vocab.TITLE_CONFUSIONS.values() for t in ts}
_TITLE_WORDS: Final = {t for t in _TITLES if " " not in t}
_TITLE_PARTS: Final = {w for t in _TITLES if " " in t for w in t.split()} - {"of", "the"}
_TITLE_PAIRS: Final = {(a, b) for a, bs in vocab.TITLE_CONFUSIONS.items() for b in bs}
_REPORTING: Final = set(vocab.REPORTING_VERBS)
_REPORTING_SWAPS: Final = {(a, b) for a, bs in vocab.REPORTING_VERB_SWAPS.items() for b in bs}
#: Certainty and obligation swapped: vocab's list (which synth also draws on) plus modals of
#: obligation ("should" -> "must", "may" -> "must"), kept here so synth's edits do not change.
_OBLIGATION: Final = {("should", "must"), ("must", "should"), ("may", "must"), ("might", "must"), ("could", "must"),
               ("should", "will"), ("ought", "must")}
_MODALITY_PAIRS: Final = set(vocab.MODALITY_SWAPS.items()) | _OBLIGATION
_NUMBER_HEDGES: Final = set(vocab.NUMBER_HEDGES)
# "expected to" and the like stay out: a swap of "expected" is a synonym, not a hedge removed
_HEDGES: Final = (set(vocab.HEDGES) - _NUMBER_HEDGES - {"estimated", "believed to", "thought to", "expected to"}
           | {"alleged", "purported", "suspected", "apparent", "presumed", "maybe", "accused", "liable to",
              "apt to", "prone to", "inclined to", "bound to"})
_PHRASES: Final = {(a, b) for a, bs in vocab.PHRASE_REWORDS.items() for b in bs}
_FURNITURE: Final = re.compile(
    r"^(trending|related|read more|more from|advertisement|share( this)?|follow us|sign up|"
    r"subscribe|most read|popular|recommended|you may also like|see also|comments?)\b", re.I)


def _lexicon() -> ModuleType:
    """``unspin.lexicon``, imported on first use (see ``meaning.lazy_module``)."""
    return meaning.lazy_module("unspin.lexicon")


def _senses() -> ModuleType:
    """``unspin.senses``, imported on first use."""
    return meaning.lazy_module("unspin.senses")


def _is_neg(key: str) -> bool:
    return key in _NEG or key.endswith("n't")


def _lemma(key: str) -> str:
    lex = _lexicon()
    cands: tuple[str, ...] = lex.lemma_forms(key)
    heads: frozenset[str] = lex.thesaurus().heads  # ``c in thesaurus``
    for c in reversed(cands):
        if c in heads:
            return c
    return cands[-1] if len(cands) > 1 and len(key) > 5 else key


@functools.lru_cache(maxsize=65536)
def _lemma_c(key: str) -> str:
    return _lemma(key)


_FAST_ROWS_HIT: Final[Any] = _fast_function("rows_hit")
_FAST_RECORDS: Final[Any] = _fast_function("records")
#: Change's fields as member descriptors, in order (``_fastscan.records`` stores into them)
_CHANGE_SLOTS: Final[tuple[Any, ...]] = tuple(getattr(Change, f.name) for f in dataclasses.fields(Change))


def _changes(values: list[tuple[Any, ...]]) -> list[Change]:
    """``[Change(*v) for v in values]``; in C when built (a diff makes ~250 records, and a frozen
    dataclass's ``__init__`` sets each field with a call to ``object.__setattr__``: ~3 us a
    record, ~4% of a diff). tests/test_fastscan.py checks the records are equal, hash, print,
    pickle and serialise alike."""
    if _FAST_RECORDS is not None:
        out: list[Change] = _FAST_RECORDS(Change, _CHANGE_SLOTS, values)
        return out
    return [Change(*v) for v in values]


def _linked(word: str, targets: frozenset[int]) -> bool:
    """Some thesaurus id in ``targets`` is listed under a base form of ``word``, or lists one
    (the reverse index): the test on the rows themselves, without making (and remembering) the
    set of every id they hold."""
    if not targets:
        return False
    lex = _lexicon()
    th = lex.thesaurus()
    if _FAST_ROWS_HIT is not None:  # the same test in C, on the arrays (no row slices made)
        rows = [i for base in lex.lemma_forms(word) if (i := th.index.get(base)) is not None]
        return bool(_FAST_ROWS_HIT(th.ids, th.indptr, th._rev_heads, th._rev_ptr, rows, targets))
    for base in lex.lemma_forms(word):
        i = th.index.get(base)
        if i is None:
            continue
        if _row_hits(th._rev_heads[th._rev_ptr[i]:th._rev_ptr[i + 1]], targets):
            return True
        if i < len(th.indptr) - 1 and _row_hits(th.ids[th.indptr[i]:th.indptr[i + 1]], targets):
            return True
    return False


def _row_hits(row: Any, targets: frozenset[int]) -> bool:
    """Some id of the thesaurus row (an int array) is in ``targets``. A short row is tested as
    Python ints against the set (one C call, instead of a numpy compare per target: most rows
    are short); a long one with numpy, one compare per target (1-3 of them)."""
    if len(row) <= 256:
        return not targets.isdisjoint(row.tolist())
    return any(bool((row == t).any()) for t in targets)


@functools.lru_cache(maxsize=65536)
def _word_ids(word: str) -> frozenset[int]:
    lex = _lexicon()
    th = lex.thesaurus()
    return frozenset(i for b in lex.lemma_forms(word) if (i := th.index.get(b)) is not None)


@functools.lru_cache(maxsize=65536)
def _relation(a: str, b: str) -> str | None:
    """How two lower-case words relate: "inflection", "thesaurus", "vector" or None."""
    if a == b:
        return "case"
    if _lemma_c(a) == _lemma_c(b) or a.rstrip("s") == b.rstrip("s"):
        return "inflection"
    la, lb = set(_lemma_cands(a)), set(_lemma_cands(b))
    if la & lb:
        return "inflection"
    # one direction suffices: ``_linked(a, ids of b)`` tests every id i of a base of ``a`` and t of
    # ``b`` for "t listed under i, or i listed under t" (the row and the reverse row), which is
    # symmetric, so ``_linked(b, ids of a)`` gives the same answer
    if _linked(a, _word_ids(b)):
        return "thesaurus"
    if _lexicon().vectors().similarity(a, b) >= 0.8:
        return "vector"
    return None


def _lemma_cands(w: str) -> tuple[str, ...]:
    cands: tuple[str, ...] = _lexicon().lemma_forms(w)
    return cands


def _number_value(u: Unit) -> str | None:
    if u.kind == "number":
        return u.key.rstrip("%").lstrip("0") or "0"
    if u.key in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[u.key])
    if u.key in _ORDINALS:
        return "ord" + str(vocab.ORDINAL_VALUE[u.key])
    if vocab.ORDINAL_NUMERIC_RE.fullmatch(u.key):
        return "ord" + u.key[:-2]
    return None


_GROUPING: Final = re.compile(r"[,\s]")


def _regrouped(C: Sequence[Unit], S: Sequence[Unit]) -> bool:
    """Only digit groups split or joined at commas or spaces, every digit and decimal point kept in
    order ("689 ,449" or "689, 449" for "689,449", "201 807" for "201,807"): the damage of
    re-typesetting in a list where number repair rightly does not join the groups. Units other than
    digits and commas, or a moved decimal point ("1.5" for "15"), keep it a number change."""
    if not any(u.kind == "number" for u in C) or not any(u.kind == "number" for u in S):
        return False
    if any(u.kind != "number" and u.text != "," for u in (*C, *S)):
        return False
    return (_GROUPING.sub("", "".join(u.text for u in C if u.kind == "number"))
            == _GROUPING.sub("", "".join(u.text for u in S if u.kind == "number")))


def _is_year(u: Unit) -> bool:
    return u.kind == "number" and len(u.text) == 4 and u.text.isdigit() and 1000 <= int(u.text) <= 2100


class _Ctx:
    """The units of one passage on both sides, with helpers for the classifier."""

    def __init__(self, cu: Sequence[Unit], su: Sequence[Unit], ctext: str, stext: str,
                 titled: dict[str, set[str]] | None = None):
        self.cu, self.su = cu, su
        self.ctext, self.stext = ctext, stext
        self.titled = titled or {}
        self._canon: dict[tuple[bool, int, int, bool], list[str]] = {}

    def canon(self, copy: bool, a: int, b: int, context: bool = False) -> list[str]:
        """``meaning.canon`` of units [a:b] of the copy (or the source), with the units around
        them when ``context`` (three after, one before, as ``_classify`` asks), remembered for the
        passage: the rules ask for the same stretches several times."""
        key = (copy, a, b, context)
        hit = self._canon.get(key)
        if hit is None:
            us = self.cu if copy else self.su
            hit = self._canon[key] = (meaning.canon(us[a:b], us[b:b + 3], us[max(0, a - 1):a]) if context
                                      else meaning.canon(us[a:b]))
        return list(hit)

    @staticmethod
    def initial(us: Sequence[Unit], k: int, text: str) -> bool:
        """True when unit k starts a sentence (or follows an opening quote/bracket)."""
        j = k - 1
        while j >= 0 and us[j].kind == "punct" and us[j].text in "\"'“‘([":
            j -= 1
        if j < 0:
            return True
        prev = us[j]
        if prev.kind == "punct" and prev.text in ".!?:":
            return True
        return "\n" in text[prev.end:us[k].start]

    def name_like(self, us: Sequence[Unit], k: int, text: str) -> bool:
        u = us[k]
        if u.kind != "word" or not u.text[:1].isupper() or u.key == "i":
            return False
        if u.key in _NAME_WORDS:
            return True
        if (k + 1 < len(us) and f"{u.key} {us[k + 1].key}" in _NAMES
                or k > 0 and f"{us[k - 1].key} {u.key}" in _NAMES):
            return True
        if u.key in _MONTHS or u.key in _WEEKDAYS:
            return False
        if not self.initial(us, k, text):
            return True
        if u.key in STOPWORDS:
            return False
        # "North Ardenian ...": a capitalised word that opens a name phrase, unless it is a
        # common word before a known name ("Big US firms", "New EU rules")
        if k + 1 < len(us) and us[k + 1].kind == "word" and us[k + 1].text[:1].isupper():
            return not (u.key not in _COMPASS and names.known(us[k + 1].key) and _word_ids(u.key) != frozenset())
        return _word_ids(u.key) == frozenset()

    def window(self, us: Sequence[Unit], a: int, b: int, n: int = 5) -> list[str]:
        return [u.key for u in us[max(0, a - n):a]] + [u.key for u in us[b:b + n]]


def _phrases(keys: Sequence[str], table: set[str]) -> set[str]:
    out = set()
    n = len(keys)
    for i in range(n):
        for L in (3, 2, 1):
            if i + L <= n and " ".join(keys[i:i + L]) in table:
                out.add(" ".join(keys[i:i + L]))
    return out


def _hedges(us: Sequence[Unit], a: int, b: int) -> set[str]:
    """Hedges among us[a:b]; number hedges count only right before a number."""
    out = set()
    for i in range(a, b):
        for L in (3, 2, 1):
            if i + L > len(us):
                continue
            ph = " ".join(u.key for u in us[i:i + L])
            if ph in _NUMBER_HEDGES:
                nxt = i + L
                while nxt < len(us) and us[nxt].kind == "punct" and us[nxt].text in "$£€¥":
                    nxt += 1
                if nxt < len(us) and (_number_value(us[nxt]) is not None):
                    out.add(ph)
            elif ph in _HEDGES:
                out.add(ph)
    return out


def _quote(s: str, n: int = 70) -> str:
    s = " ".join(s.split())
    return '"' + (s if len(s) <= n else s[: n - 1] + "…") + '"'


def _classify(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> tuple[str, str | None, str]:
    """Label copy units [i0:i1] standing for source units [j0:j1] (one side may be empty)."""
    C, S = ctx.cu[i0:i1], ctx.su[j0:j1]
    ck = [u.key for u in C if u.kind != "punct"]
    sk = [u.key for u in S if u.kind != "punct"]
    ct = ctx.ctext[C[0].start:C[-1].end] if C else ""
    st = ctx.stext[S[0].start:S[-1].end] if S else ""
    both = f"{_quote(ct)} where the source has {_quote(st)}" if C and S else (
        f"adds {_quote(ct)}" if C else f"drops {_quote(st)}")

    if not ck and not sk:
        return "verbatim", None, "punctuation only"
    if C and _timestamp_line(ctx.ctext, C[0].start, C[-1].end) and not any(
            u.key in _MONTHS or u.key in _WEEKDAYS for u in S):
        return "clutter", None, f"page furniture (a dateline or timestamp): {_quote(ct)}"
    cc = ctx.canon(True, i0, i1, context=True)
    sc = ctx.canon(False, j0, j1, context=True)
    if meaning.same_form(cc, sc):
        if ck == sk:
            return "synonym", "case", f"capitalisation or punctuation only: {both}"
        return "synonym", _equivalent_kind(cc), f"same meaning in other words: {both}"
    cw = [u.key for k, u in enumerate(C, i0) if u.kind == "word" and not ctx.name_like(ctx.cu, k, ctx.ctext)]
    sw = [u.key for k, u in enumerate(S, j0) if u.kind == "word" and not ctx.name_like(ctx.su, k, ctx.stext)]
    if any(a in _COMPASS and b in _COMPASS for a in cw for b in sw if a != b):
        return "fact", "entity", f"place changed: {both}"
    flip = _meaning_flip(cw, sw, cc, sc)
    if flip:
        return "fact", "meaning", f"{flip}: {both}"
    if (len(C) == len(S) == 1 and C[0].kind == S[0].kind == "word" and ctx.initial(ctx.cu, i0, ctx.ctext)
            and ctx.initial(ctx.su, j0, ctx.stext) and ck[0] not in _NAME_WORDS and sk[0] not in _NAME_WORDS
            and not names.known(ck[0]) and not names.known(sk[0]) and ck[0] not in _SPECIAL and sk[0] not in _SPECIAL
            and ck[0] not in _COMPASS and sk[0] not in _COMPASS and not meaning.antonyms(ck[0], sk[0])
            and not any(i < len(us) and us[i].kind == "word" and us[i].text[:1].isupper()
                        for us, i in ((ctx.cu, i1), (ctx.su, j1)))
            and _relation(ck[0], sk[0]) in ("thesaurus", "vector", "inflection")):
        return _sense_checked(ctx, i0, j0, ck[0], sk[0], both)  # "Stockholders" for "Shareholders" opening a sentence
    cper = _periods(ctx.cu, i0, i1)
    sper = _periods(ctx.su, j0, j1)
    if cper != sper and cper and sper:
        return "fact", "date", f"time changed: {both}"
    if not C or not S:
        words = [u.key for u in (C or S) if u.kind == "word"]
        nc = ctx.cu[i1] if i1 < len(ctx.cu) else None
        ns = ctx.su[j1] if j1 < len(ctx.su) else None
        if words and any(w in _QUALIFIERS for w in words) and nc is not None and _title_key(nc.key) in _TITLE_WORDS:
            return "fact", "role", f"title qualifier {'added' if C else 'dropped'}: {both}"
        if (words and all(w in _DESCRIPTORS or _title_key(w) in _TITLE_WORDS or names.known(w) for w in words)
                and nc is not None and ns is not None and nc.key == ns.key and nc.text[:1].isupper()):
            return "reword", None, f"title or descriptor {'added' if C else 'dropped'} before the same name: {both}"
    if (len(C) == len(S) == 1 and C[0].kind == S[0].kind == "word" and C[0].text.islower()
            and S[0].text.islower() and ck[0] not in _SPECIAL and sk[0] not in _SPECIAL
            and not _is_neg(ck[0]) and not _is_neg(sk[0]) and not _title_next(ctx, i0, i1, j0, j1)):
        if _speaker_changed(ctx, i0, i1, j0, j1):
            return "fact", "attribution", f"source of the statement changed: {both}"
        return _sense_checked(ctx, i0, j0, ck[0], sk[0], both)
    # a known multi-word expression for one of its equivalents ("more than" -> "over",
    # "chief executive" -> "boss"), possibly with unchanged words of it around the edit
    if _phrase_pair(ctx, i0, i1, j0, j1):
        return "synonym", "phrase", f"expression swapped for an equivalent: {both}"
    # negation
    cn, sn = meaning.negations(cc), meaning.negations(sc)
    if cn != sn:
        # "unknown" for "foreign": a prefixed word counts as a negation only against its own
        # base word or an explicit negation on the other side
        cn -= sum(1 for b in meaning.prefix_bases(C) if b not in sc and not meaning.negations(sc))
        sn -= sum(1 for b in meaning.prefix_bases(S) if b not in cc and not meaning.negations(cc))
    if cn != sn or any(_POLARITY.get(a) == b for a in ck for b in sk):
        return "fact", "negation", f"negation changed: {both}"
    # numbers and dates
    cvals = sorted(v for u in C if (v := _number_value(u)) is not None)
    svals = sorted(v for u in S if (v := _number_value(u)) is not None)
    cdates = sorted(u.key for u in C if u.key in _DATE_WORDS and (u.key != "may" or u.text == "May"))
    sdates = sorted(u.key for u in S if u.key in _DATE_WORDS and (u.key != "may" or u.text == "May"))
    cnum = sorted(t for t in cc if t.startswith(("#", "m:")) or t in _WEEKDAYS or t in _RELDAYS)
    snum = sorted(t for t in sc if t.startswith(("#", "m:")) or t in _WEEKDAYS or t in _RELDAYS)
    if cvals != svals and cnum != snum and _regrouped(C, S):
        return "synonym", "format", f"number formatting only (the same digits, grouped otherwise): {both}"
    if cvals != svals and cnum != snum:
        # a year for a year, a day of the month for a day (next to a month name), or a
        # change that also touches month/weekday words; other numbers are numbers
        nums_c = [u for u in C if u.kind == "number"]
        nums_s = [u for u in S if u.kind == "number"]
        years = bool(nums_c) and bool(nums_s) and all(_is_year(u) for u in (*nums_c, *nums_s))
        days = (bool(nums_c) and bool(nums_s) and all(u.key.isdigit() and 1 <= int(u.key) <= 31
                                                      for u in (*nums_c, *nums_s))
                and any(k in _MONTHS for k in ctx.window(ctx.su, j0, j1, 1) + ctx.window(ctx.cu, i0, i1, 1)))
        near_date = years or days or cdates != sdates
        if near_date:
            return "fact", "date", f"date changed: {both}"
        if cvals and svals:
            return "fact", "number", f"number changed: {both}"
    if cdates != sdates and cnum != snum:
        return "fact", "date", f"date changed: {both}"

    # modality: hedges added or removed, certainty swapped
    ch = _hedges(ctx.cu, i0, i1)
    sh = _hedges(ctx.su, j0, j1)
    ci = _intentions(ck)
    si = _intentions(sk)
    if ci != si and not (ci and si):
        return "fact", "modality", f"{'plan or intention stated as done' if si else 'a fact made a plan'}: {both}"
    hedged_c = sorted(t for t in cc if t[:1] in "~>")
    hedged_s = sorted(t for t in sc if t[:1] in "~>")
    if bool(ch) != bool(sh) and not (hedged_c and hedged_c == hedged_s):
        what = "hedge removed" if sh else "hedge added"
        return "fact", "modality", f"{what}: {both}"
    if any((a, b) in _MODALITY_PAIRS or (b, a) in _MODALITY_PAIRS
           or (b, a) in _REPORTING_SWAPS or (a, b) in _REPORTING_SWAPS for a in ck for b in sk if a != b):
        return "fact", "modality", f"certainty changed: {both}"
    # roles
    # titles, with one unit of context on each side ("finance" -> "foreign" before "minister")
    cx = [u.key for u in ctx.cu[max(0, i0 - 1):i1 + 1] if u.kind == "word"]
    sx = [u.key for u in ctx.su[max(0, j0 - 1):j1 + 1] if u.kind == "word"]
    ctit = _phrases([_title_key(k) for k in cx], _TITLES) - _phrases([_title_key(k) for k in sx], _TITLES)
    stit = _phrases([_title_key(k) for k in sx], _TITLES) - _phrases([_title_key(k) for k in cx], _TITLES)
    ctit = {t for t in ctit if any(w in t.split() for w in (_title_key(k) for k in ck))}
    stit = {t for t in stit if any(w in t.split() for w in (_title_key(k) for k in sk))}
    if ctit != stit and (ctit and stit or (ctit or stit) and (not C or not S)):
        related = (len(ctit) == 1 and len(stit) == 1
                   and (a := next(iter(ctit))) and (b := next(iter(stit)))
                   and " " not in a and " " not in b and _relation(a, b) in ("thesaurus", "inflection")
                   and (a, b) not in _TITLE_PAIRS and (b, a) not in _TITLE_PAIRS)
        phrase = (" ".join(sk), " ".join(ck)) in _PHRASES
        same_office = bool(ctit) and bool(stit) and {_OFFICE.get(t, t) for t in ctit} == {_OFFICE.get(t, t) for t in stit}
        if not related and not phrase and not same_office:
            return "fact", "role", f"title or office changed: {both}"
    # names: entity or attribution
    cnames = {_lemma_c(u.key) for k, u in enumerate(ctx.cu[i0:i1], i0) if ctx.name_like(ctx.cu, k, ctx.ctext)}
    snames = {_lemma_c(u.key) for k, u in enumerate(ctx.su[j0:j1], j0) if ctx.name_like(ctx.su, k, ctx.stext)}
    if cnames != snames and (cnames or snames) and not _same_names(ctx, i0, i1, j0, j1):
        # a name dropped or added next to a name is an entity change ("Kim Jong" / "Kim Jong Un");
        # a whole clause dropped or added is an omission or insertion, names and all
        beside = (len(ck) + len(sk) <= 4 and (i0 > 0 and ctx.name_like(ctx.cu, i0 - 1, ctx.ctext)
                  or i1 < len(ctx.cu) and ctx.name_like(ctx.cu, i1, ctx.ctext)))
        if (cnames and snames or cnames and sk or snames and ck or beside) and _names_moved(ctx, i0, i1, j0, j1):
            return "reword", None, f"names moved within the sentence: {both}"
        if not cnames and _agent_dropped(ctx, i0, i1, j0, j1):
            return "reword", None, f"the agent of a passive left out (a detail omitted, nothing new asserted): {both}"
        if cnames and snames or cnames and sk or snames and ck or beside:
            both = _name_phrases(ctx, i0, i1, j0, j1)
            places = {names.strip_possessive(n) for n in cnames | snames} <= _PLACE_WORDS
            if not places and _attributed(ctx, i0, i1, j0, j1):
                return "fact", "attribution", f"source of the statement changed: {both}"
            if ((cnames | snames) <= _DEMONYM_WORDS and j1 < len(ctx.su)
                    and _title_key(ctx.su[j1].key) in _TITLE_WORDS and ctx.su[j1].text[:1].isupper()):
                return "fact", "role", f"title or office changed: {both}"
            return "fact", "entity", f"name changed: {both}"
    if cnames != snames and (cnames or snames) and C and S:
        # one entity named two ways ("Kyiv" / "Kiev", "Volodymyr Zelensky" / "Zelensky")
        rest_c = [meaning.spelling(u.key) for k, u in enumerate(C, i0)
                  if u.kind != "punct" and not ctx.name_like(ctx.cu, k, ctx.ctext) and u.key not in ("the", "a", "an")]
        rest_s = [meaning.spelling(u.key) for k, u in enumerate(S, j0)
                  if u.kind != "punct" and not ctx.name_like(ctx.su, k, ctx.stext) and u.key not in ("the", "a", "an")]
        if rest_c == rest_s:
            return "synonym", "name", f"the same name written another way: {both}"
    if _according_names(ctx, ctx.cu, i0, ctx.ctext) != _according_names(ctx, ctx.su, j0, ctx.stext):
        return "fact", "attribution", f"source of the statement changed: {both}"
    # insertions and omissions
    if not S:
        if len(ck) <= 2 and all(k in STOPWORDS for k in ck):
            return "reword", None, f"rephrased: {both}"
        return "insertion", None, f"not in the source: {_quote(ct)}"
    if not C:
        if len(sk) <= 2 and all(k in STOPWORDS for k in sk):
            return "reword", None, f"rephrased: {both}"
        return "omission", None, f"left out of the copy: {_quote(st)}"
    # synonyms
    if ck == sk:
        if [u.text for u in C] != [u.text for u in S]:
            return "synonym", "case", f"capitalisation or punctuation only: {both}"
        return "verbatim", None, "copied unchanged"
    if (" ".join(sk), " ".join(ck)) in _PHRASES:
        return "synonym", "phrase", f"phrase swapped for an equivalent: {both}"
    if _speaker_changed(ctx, i0, i1, j0, j1):
        return "fact", "attribution", f"source of the statement changed: {both}"
    if len(ck) == len(sk) == 1 and C[0].kind == S[0].kind == "word":
        return _sense_checked(ctx, i0, j0, ck[0], sk[0], both)
    one = _one_word_each(ctx, i0, i1, j0, j1)
    if one is not None:  # "deserted the" for "denied": an article added or dropped beside a swap
        return _sense_checked(ctx, one[0], one[1], ctx.cu[one[0]].key, ctx.su[one[1]].key, both)
    if len(ck) == len(sk):
        rels = []
        for a, b in zip(ck, sk, strict=True):
            if a == b:
                continue
            if a in STOPWORDS and b in STOPWORDS:
                rels.append("function")
                continue
            rels.append(_relation(a, b) or "")
        if rels and all(rels):
            kinds = sorted(set(rels), key=["inflection", "case", "function", "thesaurus", "vector"].index)
            sub = kinds[-1] if len(kinds) > 1 else kinds[0]
            label = {"inflection": "inflection changed", "case": "capitalisation changed",
                     "function": "function word swapped", "thesaurus": "synonym swap",
                     "vector": "near-synonym swap"}[sub]
            return "synonym", sub, f"{label}: {both}"
        if len(ck) == 1 and C[0].kind == S[0].kind == "word" and ck[0] not in STOPWORDS and sk[0] not in STOPWORDS:
            return "reword", "unrelated", (f"swapped for a word that is not a known synonym, check the "
                                           f"meaning: {both}")
    return "reword", None, f"rephrased: {both}"


# speaker position (shared with synth, which labels a name swapped there ``attribution``)
_ATTR_BEFORE: Final = vocab.SPEAKER_BEFORE
_ATTR_AFTER: Final = vocab.SPEAKER_AFTER
# places and nationalities: swapping one is an entity change even next to "said" (a speaker is
# a person or an organisation)
_PLACE_WORDS: Final = {p for w in vocab.COUNTRIES | vocab.DEMONYMS | vocab.CITIES | set(vocab.COUNTRY_DEMONYM)
                for p in w.lower().split()} - {"the", "of", "de"}
_DEMONYM_WORDS: Final = {p.lower() for d in vocab.DEMONYMS for p in d.split()} | {"north", "south", "east", "west"}


def _name_phrases(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> str:
    """'"X" where the source has "Y"' with both spans widened to the whole name."""
    def widen(us: Sequence[Unit], text: str, a: int, b: int) -> str:
        while a > 0 and ctx.name_like(us, a - 1, text) and a - 1 >= 0:
            a -= 1
        while b < len(us) and ctx.name_like(us, b, text):
            b += 1
        return text[us[a].start:us[b - 1].end] if b > a else ""

    ct = widen(ctx.cu, ctx.ctext, i0, i1)
    st = widen(ctx.su, ctx.stext, j0, j1)
    return f"{_quote(ct)} where the source has {_quote(st)}"


def _attributed(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    """A reporting verb or "according to" right before or after the span, on either side."""
    for us, a, b, text in ((ctx.su, j0, j1, ctx.stext), (ctx.cu, i0, i1, ctx.ctext)):
        while a > 0 and ctx.name_like(us, a - 1, text):
            a -= 1
        while b < len(us) and ctx.name_like(us, b, text):
            b += 1
        before = [u.key for u in us[max(0, a - 2):a] if u.kind == "word"]
        if before and before[-1] == "the":
            before = [u.key for u in us[max(0, a - 3):a - 1] if u.kind == "word"]
        if before and (before[-1] in _ATTR_BEFORE
                       or before[-2:] == ["according", "to"]):
            return True
        if b < len(us) and us[b].key in _ATTR_AFTER:
            return True
        if b > a and us[b - 1].key in _ATTR_AFTER:
            return True
    return False


_TIMESTAMP: Final = re.compile(
    r"^[^\w\n]*(?:(?:last )?(?:updated|published|posted)(?: on)?:?\s+)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?,?\s+\d{4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s?[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?)?[^\w\n]*$", re.I)


def _timestamp_line(text: str, start: int, end: int) -> bool:
    """The text from ``start`` to ``end`` lies on a line that is only a dateline or timestamp
    ("Jun 24, 2023 at 08:50 BST", "Updated: 3 March 2024"): page furniture, whatever the
    aligner paired it with."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    line = text[a:b if b >= 0 else len(text)]
    return len(line) <= 60 and bool(_TIMESTAMP.match(line.strip()))


def _agent_dropped(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    """The source's names in [j0:j1] are only the agent of a passive ("a claim denied by
    Kyiv" -> "the claim was rejected"): the copy leaves out who did it, it does not name
    someone else."""
    ks = [k for k in range(j0, j1) if ctx.name_like(ctx.su, k, ctx.stext)]
    if not ks or any(u.key == "by" for u in ctx.cu[max(0, i0 - 1):i1 + 1]):  # "by soldiers": another agent
        return False
    first = ks[0]
    return (first > 0 and ctx.su[first - 1].key == "by" and ks == list(range(first, first + len(ks)))
            and ks[-1] == j1 - 1)


def _speaker_phrase(us: Sequence[Unit], a: int, b: int) -> bool:
    """us[a:b] lies inside the speaker of a report: the noun phrase after "according to"
    (with "the" and up to three words between) or the subject right before a reporting verb
    ("the defence ministry said", "Police said")."""
    k = a
    steps = 0
    while k > 0 and steps < 4 and us[k - 1].kind == "word" and us[k - 1].key not in ("to",):
        k -= 1
        steps += 1
    if k >= 2 and us[k - 1].key == "to" and us[k - 2].key == "according":
        return True
    k = b
    steps = 0
    while k < len(us) and steps < 3 and us[k].kind == "word" and us[k].key not in _ATTR_AFTER \
            and us[k].key not in STOPWORDS:
        k += 1
        steps += 1
    return k < len(us) and us[k].key in _ATTR_AFTER and (b > a)


#: The portfolio words of offices ("defence" in "defence minister", "foreign" in "foreign secretary").
_PORTFOLIOS: Final = {t.split()[0] for t in _TITLES if " " in t and t.split()[-1] in ("minister", "secretary", "director")} \
    - {"deputy", "vice", "general", "managing", "executive", "press", "chief"}

#: People who speak for no one in particular: swapping one for another does not change the speaker.
_GENERIC_SPEAKERS: Final = {"officials", "official", "authorities", "ministers", "analysts", "analyst", "experts", "expert",
                     "observers", "economists", "economist", "commentators", "sources", "source", "spokesman",
                     "spokeswoman", "spokesperson", "representatives", "aides", "insiders", "executives", "bosses",
                     "leaders", "managers", "staff", "people", "critics", "detractors", "diplomats", "officers"}


def _according_names(ctx: _Ctx, us: Sequence[Unit], k: int, text: str) -> set[str] | None:
    """The names in the phrase after "according to" when unit k starts that phrase (up to the
    next punctuation), else None: "According to reports, North Korea sent" has none, "According
    to North Korea reports, she sent" names North Korea as the source."""
    if k < 2 or us[k - 1].key != "to" or us[k - 2].key != "according":
        return None
    out = set()
    for q in range(k, min(len(us), k + 6)):
        if us[q].kind == "punct":
            break
        if ctx.name_like(us, q, text):
            out.add(names.strip_possessive(us[q].key))
    return out


def _adverb(w: str) -> bool:
    """An "-ly" word that is an adverb ("reportedly"), or unknown to WordNet; not "family"."""
    senses = _senses()
    return bool(senses.only_adverb(w) or not senses.known(w))


def _speaker_changed(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    """A common noun of a report's speaker replaced by one the thesaurus does not link
    ("according to the defence ministry" -> "the foreign ministry", "Police said" -> "The
    family said"): who said it changed. Names are left to the name rules (a surname for a
    title after first mention is the same person), and one kind of unnamed speaker for
    another ("analysts" / "experts") is not a change of speaker."""
    C, S = ctx.cu[i0:i1], ctx.su[j0:j1]
    if any(ctx.name_like(ctx.cu, k, ctx.ctext) for k in range(i0, i1)) or any(
            ctx.name_like(ctx.su, k, ctx.stext) for k in range(j0, j1)):
        return False
    cw = [u.key for u in C if u.kind == "word" and u.key not in STOPWORDS]
    sw = [u.key for u in S if u.kind == "word" and u.key not in STOPWORDS]
    if not cw or not sw or len(cw) > 3 or len(sw) > 3 or set(cw) & set(sw):
        return False
    if any(w.endswith("ly") and _adverb(w) for w in cw + sw) or set(cw + sw) <= _GENERIC_SPEAKERS:
        return False
    # a word before the head noun ("defence" in "the defence ministry said") counts only as the
    # portfolio of an office ("defence", "foreign", "finance"), not as any modifier ("financial
    # analysts" / "monetary analysts")
    head_c = i1 < len(ctx.cu) and ctx.cu[i1].kind == "word" and ctx.cu[i1].key not in _ATTR_AFTER
    if head_c and not all(w in _PORTFOLIOS for w in cw + sw):
        return False
    if not (_speaker_phrase(ctx.su, j0, j1) and _speaker_phrase(ctx.cu, i0, i1)):
        return False  # (tested before the thesaurus: far cheaper, and most swaps stop here)
    return not any(_relation(a, b) is not None for a in cw for b in sw)


#: Keys whose ``_title_key`` is a title word: the words and their plurals.
_TITLE_KEYS: Final = frozenset(_TITLE_WORDS | {w + "s" for w in _TITLE_WORDS})


def _title_key(k: str) -> str:
    if k.endswith("s") and k[:-1] in _TITLE_WORDS:
        return k[:-1]
    return k


_SPECIAL: Final = (_DATE_WORDS | _ORDINALS | set(_NUMBER_WORDS) | _NEG | set(_POLARITY) | _TITLE_WORDS
            | {w for t in _TITLES for w in t.split()} | _REPORTING | set(vocab.MODALITY_SWAPS)
            | set(vocab.MODALITY_SWAPS.values()) | {w for p in _OBLIGATION for w in p}
            | {w for h in vocab.HEDGES for w in h.split()}
            | {w for a, b in _REPORTING_SWAPS for w in (a, b)})


_PHRASE_KEYS: Final = {a for a, _ in _PHRASES}


def _phrase_pair(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    for left in range(3):
        for right in range(3):
            if j0 - left < 0 or i0 - left < 0:
                continue
            sp = " ".join(u.key for u in ctx.su[j0 - left:j1 + right] if u.kind != "punct")
            if sp not in _PHRASE_KEYS:
                continue
            cp = " ".join(u.key for u in ctx.cu[i0 - left:i1 + right] if u.kind != "punct")
            if (sp, cp) in _PHRASES:
                return True
    return False


def _title_next(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    """A title word right before or after the span on either side ("finance minister")."""
    for us, a, b in ((ctx.cu, i0, i1), (ctx.su, j0, j1)):
        if a > 0 and _title_key(us[a - 1].key) in _TITLE_WORDS:
            return True
        if b < len(us) and _title_key(us[b].key) in _TITLE_WORDS:
            return True
    return False


#: GloVe cosine below which a thesaurus swap is "used differently in news text" (wrong-sense
#: evidence needs this and one WordNet signal; fitted on synth and the contrast set, see
#: docs/benchmarks.md, "Diff judgement, session 4")
WRONG_SENSE_GLOVE: Final = 0.4


#: the same bound for a rare copy word (Zipf < 3: GloVe knows it less well), which must be
#: WordNet-far (no fixed-expression evidence): "impeaching" for "reporting", "laterals" for
#: "phones" (docs/benchmarks.md, "Diff judgement, session 6")
RARE_WRONG_SENSE_GLOVE: Final = 0.2


def _sense_checked(ctx: _Ctx, i0: int, j0: int, a: str, b: str, both: str) -> tuple[str, str | None, str]:
    """``_word_swap``, then a thesaurus swap that takes another sense of the source word is a
    ``meaning`` change ("causes" for "forces" in "armed forces", "seasons" for "stations")."""
    out = _word_swap(a, b, both)
    if out[0] == "synonym" and out[1] == "thesaurus":
        why = _wrong_sense(ctx, i0, j0, a, b)
        if why:
            return "fact", "meaning", f"{why}: {both}"
    return out


def _wrong_sense(ctx: _Ctx, i0: int, j0: int, a: str, b: str) -> str | None:
    """Evidence that copy word ``a`` stands for source word ``b`` in a sense ``b`` does not have
    here. Both words must be unhyphenated and in GloVe, and used differently in news text
    (GloVe cosine below ``WRONG_SENSE_GLOVE``, or ``RARE_WRONG_SENSE_GLOVE`` when the copy
    word is rare, Zipf < 3; the thesaurus links them through some sense); then one of:

    - WordNet gives them no sense in common nor a neighbouring one (``unspin.senses.relation``
      is ``far``): "seizure" for "grip", "cupboard" for "cabinet";
    - the source word is the head of a WordNet two-word lemma with the word before it, kept in
      the copy ("armed forces", "power stations", "central bank"), the copy word forms none and
      the copy's two words never occur together in the Web Trillion Word bigram counts
      ("armed causes"): a fixed expression broken (common copy words only).
    """
    senses, lex = _senses(), _lexicon()
    zipf = lex.zipf
    if a in STOPWORDS or b in STOPWORDS or "-" in a + b:
        return None
    sim = _glove_similarity(a, b)
    if sim is None or sim >= max(WRONG_SENSE_GLOVE, RARE_WRONG_SENSE_GLOVE):
        return None  # hyphenated or out-of-vocabulary words: neither resource knows them well
    common = zipf(a) >= 3.0  # (asked only now: a first-time Zipf figure is a Python-level call)
    if sim >= (WRONG_SENSE_GLOVE if common else RARE_WRONG_SENSE_GLOVE):
        return None
    if senses.relation(b, a) == "far":
        return "another sense of the word (no WordNet sense in common)"
    if i0 > 0 and j0 > 0 and common:
        pc, ps = ctx.cu[i0 - 1], ctx.su[j0 - 1]
        if (pc.kind == ps.kind == "word" and pc.key == ps.key and ps.key not in STOPWORDS
                and senses.compound(ps.key, b) and not senses.compound(ps.key, a)
                and lex.ngrams().bigram(ps.key, a) == 0):
            return f"a fixed expression broken ({_quote(ps.key + ' ' + b)})"
    return None


@functools.lru_cache(maxsize=65536)
def _glove_similarity(a: str, b: str) -> float | None:
    """GloVe cosine of two words, None when either is not in GloVe (remembered: a pair of words
    comes back in the copies of one source)."""
    vec = _lexicon().vectors()
    if a not in vec.index or b not in vec.index:  # ``a not in vec``, without its Python-level call
        return None
    return float(vec.similarity(a, b))


_ARTICLES: Final = frozenset({"the", "a", "an"})


def _one_word_each(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> tuple[int, int] | None:
    """The positions of the one lower-case word each side keeps once articles are set aside,
    when an article is all that else differs ("deserted the" for "denied"); else None."""
    ci = [k for k in range(i0, i1) if ctx.cu[k].kind != "punct" and ctx.cu[k].key not in _ARTICLES]
    si = [k for k in range(j0, j1) if ctx.su[k].kind != "punct" and ctx.su[k].key not in _ARTICLES]
    if len(ci) != 1 or len(si) != 1 or (i1 - i0 == 1 and j1 - j0 == 1):
        return None
    c, s = ctx.cu[ci[0]], ctx.su[si[0]]
    if c.kind != "word" or s.kind != "word" or not c.text.islower() or not s.text.islower():
        return None
    return ci[0], si[0]


def _word_swap(a: str, b: str, both: str) -> tuple[str, str | None, str]:
    """One lower-case word swapped for another: a synonym, or a swap to check."""
    if a in STOPWORDS and b in STOPWORDS:
        return "synonym", "function", f"function word swapped: {both}"
    rel = _relation(a, b)
    if rel is None or rel == "case":
        if a in STOPWORDS or b in STOPWORDS:
            return "reword", None, f"rephrased: {both}"
        if meaning.indirect_antonyms(a, b) or meaning.indirect_antonyms(b, a):
            return "fact", "meaning", f"opposite meaning (a synonym of an antonym): {both}"
        return "reword", "unrelated", (f"swapped for a word that is not a known synonym, check the "
                                       f"meaning: {both}")
    label = {"inflection": "inflection changed", "thesaurus": "synonym swap",
             "vector": "near-synonym swap"}[rel]
    return "synonym", rel, f"{label}: {both}"


_PERIOD_WORDS: Final = set(vocab.PERIODS) | {"morning", "afternoon", "evening", "night", "spring", "summer", "autumn",
                                      "winter"}
_PERIOD_SAME: Final = {"previous": "last", "past": "last", "preceding": "last", "coming": "next", "following": "next",
                "upcoming": "next", "current": "this", "present": "this"}
_PERIOD_BEFORE: Final = {"preceding", "upcoming", "current", "present", "last", "next", "this", "previous", "coming", "past", "following", "same", "that"}
_INTENT: Final = {"plan", "plans", "planned", "planning", "intend", "intends", "intended", "aim", "aims", "aimed",
           "hope", "hopes", "hoped", "want", "wants", "wanted", "propose", "proposes", "proposed", "seek",
           "seeks", "sought", "threaten", "threatens", "threatened", "try", "tries", "tried", "expect",
           "expects", "promise", "promises", "promised", "vow", "vows", "vowed", "poised"}
_PREDICTED: Final = {"set", "expected", "likely", "due", "poised", "anticipated", "predicted", "projected", "tipped",
              "forecast", "scheduled", "slated", "unlikely", "bound"}
_BE: Final = {"is", "are", "was", "were", "be", "been", "being", "am", "'s"}


def _periods(us: Sequence[Unit], a: int, b: int) -> list[str]:
    """Relative time spans in us[a:b] ("last week", "next year"), with the word before them."""
    out = []
    for k in range(max(0, a - 1), min(len(us), b + 1)):
        if us[k].key in _PERIOD_WORDS and k > 0 and us[k - 1].key in _PERIOD_BEFORE and (a <= k < b or a <= k - 1 < b):
            out.append(f"{_PERIOD_SAME.get(us[k - 1].key, us[k - 1].key)} {us[k].key}")
    return sorted(out)


def _intentions(keys: Sequence[str]) -> bool:
    """A plan or intention ("plans to", "is set to", "intends to") among the keys."""
    return any(n == "to" and (k in _INTENT or k in _PREDICTED and p in _BE)
               for p, k, n in zip(["", *keys], keys, keys[1:], strict=False))


def _equivalent_kind(cc: Sequence[str]) -> str:
    """Synonym subtype for a stretch whose canonical forms agree: names, formats, or wording."""
    if any(t.isupper() or t.startswith("org:") for t in cc):
        return "name"
    if any(t.startswith(("#", "u:", "m:")) for t in cc):
        return "format"
    return "wording"


#: Titles that name one office ("boss" for "chief executive").
_OFFICE: Final = {"boss": "chief executive", "chief": "chief executive", "head": "chief executive",
           "ceo": "chief executive", "chief executive officer": "chief executive", "premier": "prime minister",
           "spokeswoman": "spokesman", "spokesperson": "spokesman", "chairwoman": "chairman", "chair": "chairman",
           "chairperson": "chairman", "lawmaker": "mp", "legislator": "mp", "congressman": "mp",
           "congresswoman": "mp", "defense minister": "defence minister"}
_QUALIFIERS: Final = {"deputy", "vice", "acting", "former", "ex", "interim", "assistant", "junior", "shadow", "co",
               "outgoing", "incoming", "caretaker", "honorary", "associate"}
_DESCRIPTORS: Final = {h.lower() for h in vocab.HONORIFICS} | {"the", "a", "an", ","}
_COMPASS: Final = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "north-east",
            "north-west", "south-east", "south-west", "northeast", "northwest", "southeast", "southwest",
            "north-eastern", "north-western", "south-eastern", "south-western"}
_COORDINATORS: Final = {"and", "or", "nor", "as", "well", "plus", "both", "either", "neither", "also", "&"}
_DIRECTION: Final = {"from", "to", "into", "than", "against", "over", "beat", "beats", "defeated", "by", "toward",
              "towards", "versus", "vs", "between", "onto", "past"}


def _meaning_flip(ck: Sequence[str], sk: Sequence[str], cc: Sequence[str], sc: Sequence[str]) -> str:
    """Why a change reverses or alters what is asserted while keeping the word class, or ""."""
    cb = {t for t in cc if t.startswith(">")}
    sb = {t for t in sc if t.startswith(">")}
    if cb != sb and {">lower", ">upper"} <= cb | sb and not (cb & sb):
        return "bound reversed"
    conly = [k for k in ck if k not in sk]
    sonly = [k for k in sk if k not in ck]
    if not conly or not sonly or len(conly) > 4 or len(sonly) > 4:
        return ""
    cgrams = conly + [f"{a} {b}" for a, b in zip(ck, ck[1:], strict=False)]
    sgrams = sonly + [f"{a} {b}" for a, b in zip(sk, sk[1:], strict=False)]
    # only grams that can be antonyms at all (``antonyms`` is false for every other pair)
    sgrams = [b for b in sgrams if meaning.antonym_sides(b) & 2]
    for a in cgrams:
        if not meaning.antonym_sides(a) & 1:
            continue
        for b in sgrams:
            if (_POLARITY.get(a) == b or a in _COMPASS or b in _COMPASS or (a, b) in _MODALITY_PAIRS
                    or (b, a) in _MODALITY_PAIRS or (a, b) in _REPORTING_SWAPS or (b, a) in _REPORTING_SWAPS):
                continue
            if meaning.antonyms(a, b):
                what = "comparison reversed" if meaning.degree(a) or meaning.degree(b) else "opposite meaning"
                return f"{what} ({a!r} for {b!r})"
    return ""


def _equivalent(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    """Both sides say the same thing in other words (``meaning.canon`` agrees)."""
    C, S = ctx.cu[i0:i1], ctx.su[j0:j1]
    return (bool(C) and bool(S) and meaning.same_form(ctx.canon(True, i0, i1, context=True),
                                                      ctx.canon(False, j0, j1, context=True)))


def _join_moves(ctx: _Ctx, segs: list[list[Any]]) -> list[list[Any]]:
    """Join change, short equal run, change into one change when the words only moved
    ("March 10" / "10 March", "from Kyiv to Moscow" / "from Moscow to Kyiv")."""
    out: list[list[Any]] = []
    for seg in segs:
        if (seg[0] == "change" and len(out) >= 2 and out[-1][0] == "equal" and out[-2][0] == "change"
                and out[-1][2] - out[-1][1] <= 3):
            a = out[-2]
            cc, sc = ctx.canon(True, a[1], seg[2]), ctx.canon(False, a[3], seg[4])
            if sorted(cc) == sorted(sc) or _heavy(cc) and sorted(_heavy(cc)) == sorted(_heavy(sc)) and (
                    _heavy(ctx.canon(True, a[1], a[2])) != _heavy(ctx.canon(False, a[3], a[4]))):
                out[-2:] = [["change", a[1], seg[2], a[3], seg[4]]]
                continue
        out.append(list(seg))
    return out


def _heavy(tokens: Sequence[str]) -> list[str]:
    """The numbers, dates and known names among canonical tokens."""
    return [t for t in tokens if t.startswith(("#", "m:", "org:")) or t.isupper()]


def _negation_kept(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    """Both sides negate equally ("did not say" / "failed to declare"): splitting the edit
    word by word would pair a negation with a non-negation."""
    cc, sc = ctx.canon(True, i0, i1), ctx.canon(False, j0, j1)
    n = meaning.negations(cc)
    return n > 0 and n == meaning.negations(sc)


def _moved(ctx: _Ctx, pieces: list[list[Any]]) -> set[tuple[int, int, int, int]]:
    """One-sided pieces whose words appear on the other side in another place of the same
    passage ("On Friday, the bank ..." / "The bank ... on Friday")."""
    ins = [p for p in pieces if p[0] == "change" and p[1] < p[2] and p[3] == p[4]]
    dels = [p for p in pieces if p[0] == "change" and p[1] == p[2] and p[3] < p[4]]
    out: set[tuple[int, int, int, int]] = set()
    for a in ins:
        ca = ctx.canon(True, a[1], a[2])
        if not ca:
            continue
        for b in dels:
            if tuple(b[1:]) not in out and ctx.canon(False, b[3], b[4]) == ca:
                out.add(tuple(a[1:]))
                out.add(tuple(b[1:]))
                break
    return out


def _reordered(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> tuple[str, str | None, str] | None:
    """Names or numbers swapped in place ("from Kyiv to Moscow" -> "from Moscow to Kyiv"):
    a change of meaning next to a direction word, a harmless reordering otherwise."""
    C, S = ctx.cu[i0:i1], ctx.su[j0:j1]
    if len(C) < 3 or len(S) < 3:
        return None
    cc, sc = ctx.canon(True, i0, i1), ctx.canon(False, j0, j1)
    if cc == sc or sorted(cc) != sorted(sc):
        return None
    heavy = [k for k, u in enumerate(C, i0) if u.kind == "number" or ctx.name_like(ctx.cu, k, ctx.ctext)]
    if len(heavy) < 2:
        return None
    ct, st = ctx.ctext[C[0].start:C[-1].end], ctx.stext[S[0].start:S[-1].end]
    both = f"{_quote(ct)} where the source has {_quote(st)}"
    around = {u.key for u in ctx.cu[max(0, i0 - 3):i1]} | {u.key for u in ctx.su[max(0, j0 - 3):j1]}
    between = [u for k, u in enumerate(ctx.cu[heavy[0]:heavy[-1]], heavy[0])
               if u.kind == "word" and k not in heavy and not ctx.name_like(ctx.cu, k, ctx.ctext)]
    if (around & _DIRECTION or any(u.key not in _COORDINATORS for u in between)) \
            and not _names_moved(ctx, i0, i1, j0, j1):
        return "fact", "meaning", f"direction or roles swapped: {both}"
    return "reword", None, f"reordered: {both}"


def _names_moved(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    """Every name of the change appears on the other side of the passage with a neighbour word
    it has here (a clause moved: "WPP bought US rival Grey Global" elsewhere in the sentence),
    so no name was swapped ("Smith accused Jones" / "Jones accused Smith" stays a change)."""
    def words(us: Sequence[Unit]) -> list[Unit]:
        return [u for u in us if u.kind != "punct"]

    cw, sw = words(ctx.cu), words(ctx.su)
    cpos = {id(u): n for n, u in enumerate(cw)}
    spos = {id(u): n for n, u in enumerate(sw)}

    def ctx_pairs(ws: list[Unit], n: int) -> set[tuple[str, str]]:
        out = set()
        if n > 0:
            out.add(("<", ws[n - 1].key))
        if n + 1 < len(ws):
            out.add((">", ws[n + 1].key))
        return out

    def moved(mine: Sequence[Unit], pos: dict[int, int], ws: list[Unit], other: list[Unit],
              us: Sequence[Unit], base: int, text: str) -> bool | None:
        found = False
        for k, u in enumerate(mine, base):
            if u.kind != "word" or not ctx.name_like(us, k, text):
                continue
            here = ctx_pairs(ws, pos[id(u)])
            if not any(o.key == u.key and here & ctx_pairs(other, n) for n, o in enumerate(other)):
                return False
            found = True
        return found or None

    a = moved(ctx.cu[i0:i1], cpos, cw, sw, ctx.cu, i0, ctx.ctext)
    b = moved(ctx.su[j0:j1], spos, sw, cw, ctx.su, j0, ctx.stext)
    return a is not False and b is not False and (a or b) is True


def _name_run(ctx: _Ctx, us: Sequence[Unit], text: str, a: int, b: int) -> tuple[list[str], list[str]]:
    """Keys and texts of the name-like units of us[a:b] widened to whole names."""
    def inside(k: int) -> bool:
        return (ctx.name_like(us, k, text) or us[k].key in ("of", "the", "de") and 0 < k < len(us) - 1
                and ctx.name_like(us, k + 1, text) and (ctx.name_like(us, k - 1, text) or us[k - 1].key == "of"))

    while a > 0 and inside(a - 1):
        a -= 1
    while b < len(us) and inside(b):
        b += 1
    run = [u for k, u in enumerate(us[a:b], a) if u.kind == "word" and inside(k)]
    return [u.key for u in run], [u.text for u in run]


def _same_names(ctx: _Ctx, i0: int, i1: int, j0: int, j1: int) -> bool:
    """The names on both sides are one entity (``unspin.names``), or one side refers by title to
    the person the other names ("the president" for "Zelensky" after "President Zelensky")."""
    ck, ct = _name_run(ctx, ctx.cu, ctx.ctext, i0, i1)
    sk, st = _name_run(ctx, ctx.su, ctx.stext, j0, j1)
    if ck and sk:
        return names.same_entity(ck, sk, ct, st)
    named, other = (sk, ctx.cu[i0:i1]) if sk else (ck, ctx.su[j0:j1])
    titles = {_title_key(u.key) for u in other if _title_key(u.key) in _TITLE_WORDS}
    if not named or not titles:
        return False
    return any(n in ctx.titled.get(t, ()) for t in titles for n in named)


def _titled_names(*docs: Sequence[Unit]) -> dict[str, set[str]]:
    """Title word -> name keys written right after it ("President Volodymyr Zelensky") or in
    apposition before it ("Zelensky, the president"), over whole documents."""
    out: dict[str, set[str]] = {}
    for us in docs:
        n = len(us)
        for k, u in enumerate(us):
            if u[4] not in _TITLE_KEYS:  # the key (a title word or its plural)
                continue
            t = _title_key(u.key)
            names_ = out.setdefault(t, set())
            j = k + 1
            while j < n and j <= k + 4 and us[j].kind == "word" and us[j].text[:1].isupper():
                names_.add(names.strip_possessive(us[j].key))
                j += 1
            j = k - 1
            while j >= 0 and j >= k - 4 and us[j].key in ("the", ",", "'s", "of"):
                j -= 1
            while j >= 0 and j >= k - 6 and us[j].kind == "word" and us[j].text[:1].isupper():
                names_.add(names.strip_possessive(us[j].key))
                j -= 1
    return out


def _names_related(a: set[str], b: set[str]) -> bool:
    """Two name sets that differ only by inflection or a demonym/country pairing (Russia/Russian)."""
    norm = {k.lower(): v.lower() for k, v in vocab.COUNTRY_DEMONYM.items()}

    def canon(s: set[str]) -> set[str]:
        return {norm.get(x, x).rstrip("s") for x in s}

    return canon(a) == canon(b)


# ---------------------------------------------------------------------------- the diff

def _as_article(x: str | Article, default_id: str) -> Article:
    if isinstance(x, Article):
        return x
    from unspin.ingest import from_text

    return from_text(x, id=default_id)


class _ToOriginal:
    """``art.to_original`` (``Article.to_original`` and ``OffsetMap.span_to_original``, the same
    answers) for the many spans of one diff: the runs' start offsets are bisected as plain ints
    instead of (offset, inf, 0) tuples against the runs, in Python, at every call."""

    def __init__(self, art: Article):
        m = art.offset_map
        self.runs: list[tuple[int, int, int]] = list(m.runs)
        self.starts = [r[0] for r in self.runs]
        self.identity = not self.runs and art.original == art.text
        self.original_length: int = m.original_length

    def point(self, offset: int) -> int:
        runs = self.runs
        if not runs:
            return min(offset, self.original_length)
        i = bisect.bisect_right(self.starts, offset) - 1  # the last run starting at or before offset
        if i < 0:
            return runs[0][1]
        ds, os_, n = runs[i]
        if offset < ds + n:
            return os_ + (offset - ds)
        return os_ + n

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.identity:
            return start, end
        if end <= start:
            o = self.point(start)
            return o, o
        return self.point(start), self.point(end - 1) + 1


def _segments(cu: Sequence[Unit], su: Sequence[Unit], ids: dict[str, int]) -> list[list[Any]]:
    """Edit script over unit keys; neighbouring small changes are joined into one."""
    a = [ids.setdefault(u.key, len(ids)) for u in cu]
    b = [ids.setdefault(u.key, len(ids)) for u in su]
    segs: list[list[Any]] = []
    for op in Levenshtein.opcodes(a, b):
        tag = "equal" if op.tag == "equal" else "change"
        if (segs and segs[-1][0] == tag == "change" and op.src_end - segs[-1][1] <= 6
                and op.dest_end - segs[-1][3] <= 6):
            segs[-1][2], segs[-1][4] = op.src_end, op.dest_end
        else:
            segs.append([tag, op.src_start, op.src_end, op.dest_start, op.dest_end])
    return segs


def _peel(cu: Sequence[Unit], su: Sequence[Unit], seg: list[Any]) -> list[list[Any]]:
    """Split a lone negation added or dropped at either edge of a change into its own piece."""
    _, i0, i1, j0, j1 = seg
    if i1 - i0 + j1 - j0 < 3:
        return [seg]
    cneg = [k for k in range(i0, i1) if _is_neg(cu[k].key)]
    sneg = [k for k in range(j0, j1) if _is_neg(su[k].key)]
    if len(cneg) == 1 and not sneg and i1 - i0 >= 2:
        k = cneg[0]
        if k == i0:
            return [["change", i0, i0 + 1, j0, j0], ["change", i0 + 1, i1, j0, j1]]
        if k == i1 - 1:
            return [["change", i0, i1 - 1, j0, j1], ["change", i1 - 1, i1, j1, j1]]
    if len(sneg) == 1 and not cneg and j1 - j0 >= 2:
        k = sneg[0]
        if k == j0:
            return [["change", i0, i0, j0, j0 + 1], ["change", i0, i1, j0 + 1, j1]]
        if k == j1 - 1:
            return [["change", i0, i1, j0, j1 - 1], ["change", i1, i1, j1 - 1, j1]]
    return [seg]


def _split_replace(ctx: _Ctx, seg: list[Any]) -> list[list[Any]]:
    """Split an equal-length change into per-token pieces between plain lower-case swaps."""
    _, i0, i1, j0, j1 = seg
    if i1 - i0 != j1 - j0 and min(i1 - i0, j1 - j0) >= 2:
        def plain_pair(a: Unit, b: Unit) -> bool:
            return (a.kind == b.kind == "word" and a.text.islower() and b.text.islower()
                    and a.key not in STOPWORDS and b.key not in STOPWORDS and not _is_neg(a.key) and not _is_neg(b.key))
        if plain_pair(ctx.cu[i1 - 1], ctx.su[j1 - 1]) and not plain_pair(ctx.cu[i1 - 2], ctx.su[j1 - 2]):
            return [*_split_replace(ctx, ["change", i0, i1 - 1, j0, j1 - 1]), ["change", i1 - 1, i1, j1 - 1, j1]]
        if plain_pair(ctx.cu[i0], ctx.su[j0]) and not plain_pair(ctx.cu[i0 + 1], ctx.su[j0 + 1]):
            return [["change", i0, i0 + 1, j0, j0 + 1], *_split_replace(ctx, ["change", i0 + 1, i1, j0 + 1, j1])]
    if i1 - i0 != j1 - j0 and min(i1 - i0, j1 - j0) >= 2:
        # "President Yoshifumi Nishikawa" -> "Chancellor Nihon Keizai Shimbun": the title and
        # the name are two changes (role, and entity or attribution)
        def title_run(us: Sequence[Unit], a: int, b: int) -> int:
            k = a
            while k < b and us[k].kind == "word" and _title_key(us[k].key) in _TITLE_WORDS | _TITLE_PARTS:
                k += 1
            return k - a
        def plain_run(us: Sequence[Unit], a: int, b: int) -> int:  # "new" in "new chief executive"
            k = a
            while k < b and k - a < 2 and us[k].kind == "word" and us[k].text.islower() \
                    and _title_key(us[k].key) not in _TITLE_WORDS | _TITLE_PARTS:
                k += 1
            return k - a
        pc = plain_run(ctx.cu, i0, i1)
        ps = pc if plain_run(ctx.su, j0, j1) == pc else 0
        pc = ps
        tc, ts = title_run(ctx.cu, i0 + pc, i1), title_run(ctx.su, j0 + ps, j1)
        c1, s1 = i0 + pc + tc, j0 + ps + ts
        if 0 < tc and c1 < i1 and 0 < ts and s1 < j1 and all(
                ctx.name_like(ctx.cu, k, ctx.ctext) for k in range(c1, i1)) and all(
                ctx.name_like(ctx.su, k, ctx.stext) for k in range(s1, j1)):
            head = [["change", i0, i0 + pc, j0, j0 + ps]] if pc else []
            return [*head, ["change", i0 + pc, c1, j0 + ps, s1], ["change", c1, i1, s1, j1]]
    if i1 - i0 != j1 - j0 or i1 - i0 <= 1:
        return _peel(ctx.cu, ctx.su, seg)
    # keep name, title and number runs together; split between plain word swaps and
    # wherever the class of the swapped words changes ("Mayor Henrik Dahl": title | name)
    def cls(a: Unit, b: Unit) -> str:
        if a.kind == b.kind == "word" and a.text[:1].islower() and b.text[:1].islower() \
                and not _is_neg(a.key) and not _is_neg(b.key):
            return "plain"
        if _title_key(a.key) in _TITLE_WORDS and _title_key(b.key) in _TITLE_WORDS:
            return "title"
        if a.kind == "number" or b.kind == "number":
            return "number"
        return "name"

    out: list[list[Any]] = []
    for k in range(i1 - i0):
        piece = ["change", i0 + k, i0 + k + 1, j0 + k, j0 + k + 1]
        c = cls(ctx.cu[i0 + k], ctx.su[j0 + k])
        if out and c != "plain" and out[-1][5] == c:
            out[-1][2], out[-1][4] = piece[2], piece[4]
        else:
            out.append([*piece, c])
    return [p[:5] for p in out]


def diff(copy: str | Article, source: str | Article | Sequence[str | Article], *,
         source_id: str | None = None, passages: Sequence[Passage] | None = None,
         contextual: bool = False) -> DiffResult:
    """Classified changes between ``copy`` and ``source`` (texts or ``Article`` objects).

    Returns a ``DiffResult``: ``changes`` in copy order (omissions where the text would have
    been), a ``summary``, and the aligned ``passages`` (PAN-style detections; their offsets
    index ``Article.text`` of each side). The changes' offsets index ``Article.original`` of
    each side. ``passages`` may be given (for example from a trace) to skip the alignment;
    each is then diffed as one block.

    ``contextual``: also ask the contextual encoder (``unspin.meaning.contextual_scores``)
    about swaps of a content word for one with no lexical link (at most ``CONTEXT_BUDGET`` per
    document, in copy order); a low word-in-context similarity makes such a swap a ``meaning``
    fact change. Off by default: on spun text its false alarms outnumber its finds (figures in
    docs/benchmarks.md); off, those swaps stay ``reword/unrelated`` (a swap to check).

    ``source`` may also be a list of articles (the sources a trace found, best first): each
    copy sentence is then explained by the first source that aligns it, every change names
    its ``source_id``, omissions are reported for the first source and, for the others, only
    between the sentences the copy took from them.
    """
    # The cyclic garbage collector is paused for the diff (as long as nobody else paused it):
    # a diff allocates tens of thousands of short-lived tuples, lists and strings, none of
    # them in reference cycles that outlive it, and generation-0 collections walking them were
    # ~4% of a diff's CPU (issue 16). Collection resumes at the end; the process-wide switch is
    # only ever turned back on by the call that turned it off.
    if not gc.isenabled():
        return _diff(copy, source, source_id, passages, contextual)
    gc.disable()
    try:
        return _diff(copy, source, source_id, passages, contextual)
    finally:
        gc.enable()


def _diff(copy: str | Article, source: str | Article | Sequence[str | Article], source_id: str | None,
          passages: Sequence[Passage] | None, contextual: bool) -> DiffResult:
    ca = _as_article(copy, "copy")
    if isinstance(source, (list, tuple)):
        srcs = [_as_article(x, f"source{k}") for k, x in enumerate(source)]
    else:
        srcs = [_as_article(source, "source")]  # type: ignore[arg-type]
    if not srcs:
        raise ValueError("diff needs at least one source")
    sids = [sa.id for sa in srcs]
    if source_id is not None:
        sids[0] = source_id
    cdoc = _doc(ca.text)
    sdocs = [_doc(sa.text) for sa in srcs]
    # blocks: (copy start, copy end, source start, source end, source index), text offsets
    blocks: list[tuple[int, int, int, int, int]] = []
    all_passages: list[Passage] = []
    if passages is not None:
        blocks = [(p.copy_start, p.copy_end, p.source_start, p.source_end,
                   next((k for k, x in enumerate(sids) if x == p.source_id), 0)) for p in passages]
        all_passages = list(passages)
    else:
        taken: list[tuple[int, int]] = []
        for k, sdoc in enumerate(sdocs):
            ps, groups = _alignment(cdoc, sdoc, sids[k])
            for g in groups:
                cs, ce = cdoc.sentences[min(g[0])].start, cdoc.sentences[max(g[0])].end
                if any(cs < te and ts < ce for ts, te in taken):
                    continue
                blocks.append((cs, ce, sdoc.sentences[min(g[1])].start, sdoc.sentences[max(g[1])].end, k))
            for p in ps:
                if not any(p.copy_start < te and ts < p.copy_end for ts, te in taken):
                    all_passages.append(p)
            taken.extend((b[0], b[1]) for b in blocks if b[4] == k)
        all_passages.sort(key=lambda p: (p.copy_start, p.source_start))
    blocks.sort()
    cstarts = [u.start for u in cdoc.units]
    sstarts = [[u.start for u in d.units] for d in sdocs]
    ids: dict[str, int] = {}
    raw: list[tuple[str, str | None, int, int, int, int, str, int]] = []  # text offsets, source index

    def seen(art: Article, u: Unit) -> str:
        """The unit as the reader saw it (before number repair and normalisation)."""
        if art.text is art.original or art.text == art.original:
            return u.text
        a, b = art.to_original(u.start, u.end)
        return art.original[a:b]

    titled = [_titled_names(cdoc.units, d.units) for d in sdocs]
    covered_c: list[tuple[int, int]] = []
    covered_s: list[list[tuple[int, int]]] = [[] for _ in srcs]
    for bcs, bce, bss, bse, k in blocks:
        sa, sdoc = srcs[k], sdocs[k]

        def emit(kind: str, sub: str | None, cs: int, ce: int, ss: int, se: int, expl: str,
                 k: int = k) -> None:
            raw.append((kind, sub, cs, ce, ss, se, expl, k))

        ci0, ci1 = bisect.bisect_left(cstarts, bcs), bisect.bisect_left(cstarts, bce)
        sj0, sj1 = bisect.bisect_left(sstarts[k], bss), bisect.bisect_left(sstarts[k], bse)
        cu, su = cdoc.units[ci0:ci1], sdoc.units[sj0:sj1]
        covered_c.append((bcs, bce))
        covered_s[k].append((bss, bse))
        ctx = _Ctx(cu, su, ca.text, sa.text, titled[k])
        pieces: list[list[Any]] = []
        for seg in _join_moves(ctx, _segments(cu, su, ids)):
            if seg[0] == "change" and _reordered(ctx, *seg[1:]):
                pieces.append(["reordered", *seg[1:]])
                continue
            if seg[0] == "change" and (_equivalent(ctx, *seg[1:]) or _negation_kept(ctx, *seg[1:])):
                pieces.append(seg)
                continue
            pieces.extend(_split_replace(ctx, seg) if seg[0] == "change" else [seg])
        moved = _moved(ctx, pieces)
        for tag, i0, i1, j0, j1 in pieces:
            # an empty side sits right after the unit before it
            cs = cu[i0].start if i0 < i1 else (cu[i0 - 1].end if i0 > 0 else bcs)
            ce = cu[i1 - 1].end if i0 < i1 else cs
            ss = su[j0].start if j0 < j1 else (su[j0 - 1].end if j0 > 0 else bss)
            se = su[j1 - 1].end if j0 < j1 else ss
            if tag == "equal":
                # surface differences inside equal keys: case or number formatting
                run = i0
                for q in range(i1 - i0):
                    a, b = cu[i0 + q], su[j0 + q]
                    if a.text != b.text or a.kind == "number" and seen(ca, a) != seen(sa, b):
                        if run < i0 + q:
                            emit("verbatim", None, cu[run].start, cu[i0 + q - 1].end,
                                 su[j0 + run - i0].start, su[j0 + q - 1].end, "copied unchanged")
                        if a.kind == "number":
                            sub, why = "format", (f"number formatting only ({_quote(seen(ca, a))} = "
                                                  f"{_quote(seen(sa, b))}): not a change")
                        else:
                            sub, why = "case", f"capitalisation only: {_quote(a.text)} for {_quote(b.text)}"
                        emit("synonym", sub, a.start, a.end, b.start, b.end, why)
                        run = i0 + q + 1
                if run < i1:
                    emit("verbatim", None, cu[run].start, ce, su[j0 + run - i0].start, se, "copied unchanged")
                continue
            if tag == "reordered":
                kind, csub, expl = _reordered(ctx, i0, i1, j0, j1) or ("reword", None, "rephrased")
            elif (i0, i1, j0, j1) in moved:
                kind, csub, expl = "reword", None, f"moved within the sentence: {_quote(ctx.ctext[cs:ce] or ctx.stext[ss:se])}"
            else:
                kind, csub, expl = _classify(ctx, i0, i1, j0, j1)
            emit(kind, csub, cs, ce, ss, se, expl)

    if contextual:
        _contextual(raw, ca.text, cdoc, [sa.text for sa in srcs])
    # copy text outside every block: insertions or page furniture
    for s0, e0, why in _uncovered_blocks(ca.text, covered_c):
        kind = "clutter" if why else "insertion"
        anchor = _anchor([b for b in blocks if b[4] == 0], s0, side="copy")
        expl = f"page furniture ({why})" if why else f"not in the source: {_quote(ca.text[s0:e0])}"
        raw.append((kind, None, s0, e0, anchor, anchor, expl, 0))
    # source text outside every block: omissions (other sources: only between used sentences)
    for k, sa in enumerate(srcs):
        mine = [b for b in blocks if b[4] == k]
        if k > 0 and not mine:
            continue
        lo = min(b[2] for b in mine) if k > 0 else 0
        hi = max(b[3] for b in mine) if k > 0 else len(sa.text)
        for s0, e0, _ in _uncovered_blocks(sa.text, covered_s[k], furniture=False):
            if s0 < lo or e0 > hi:
                continue
            anchor = _anchor(mine, s0, side="source")
            raw.append(("omission", None, anchor, anchor, s0, e0,
                        f"left out of the copy: {_quote(sa.text[s0:e0])}", k))

    # rows of (kind, subtype, copy start, copy end, source index, source start, source end,
    # explanation, copy text or None), offsets in the originals; Change records are made once,
    # after verbatim runs are joined (a record costs more to make than a tuple)
    rows: list[tuple[str, str | None, int, int, int, int, int, str, str | None]] = []
    cmap = _ToOriginal(ca)
    smaps = [_ToOriginal(sa) for sa in srcs]
    for kind, rsub, cs, ce, ss, se, expl, k in raw:
        ocs, oce = cmap.span(cs, ce)
        oss, ose = smaps[k].span(ss, se)
        rows.append((kind, rsub, ocs, oce, k, oss, ose, expl, None))
    for cl in ca.clutter:
        rows.append(("clutter", None, cl.start, cl.end, 0, 0, 0, f"page furniture ({cl.reason})", cl.text))
    values = [(kind, rsub, ocs, oce, sids[k], oss, ose, ca.original[ocs:oce] if ctext is None else ctext,
               srcs[k].original[oss:ose] if ctext is None else "", expl)
              for kind, rsub, ocs, oce, k, oss, ose, expl, ctext in _merge_verbatim_rows(rows, sids)]
    values.sort(key=lambda c: (c[2], c[3], c[5]))  # copy start, copy end, source start (stable)
    changes = _changes(values)
    summary = summarize(changes, ca, srcs[0], len(all_passages))
    v, why = verdict(changes)
    return DiffResult(ca.input or ca.id, ca.id, sids[0], tuple(changes), summary, tuple(all_passages), "original", v, why,
                      ca, srcs[0], tuple(srcs))


def verdict(changes: Sequence[Change]) -> tuple[str, str]:
    """Per-document judgement with its evidence: ``distorted`` when at least one fact changed,
    ``verbatim`` when the copy differs only by case, number format or page furniture (what it
    left out aside), ``rewritten`` otherwise (reworded, nothing a fact-checker would flag)."""
    facts = [c for c in changes if c.kind == "fact"]
    if facts:
        by: dict[str, int] = {}
        for c in facts:
            by[c.subtype or "fact"] = by.get(c.subtype or "fact", 0) + 1
        first = "; ".join(f"{_quote(c.copy_text, 40)} for {_quote(c.source_text, 40)} ({c.subtype})"
                          for c in _fact_order(facts)[:3])
        counts = ", ".join(f"{n} {k}" for k, n in sorted(by.items(), key=lambda x: (-x[1], x[0])))
        return "distorted", f"{len(facts)} fact change{'s' if len(facts) != 1 else ''} ({counts}): {first}"
    other = [c for c in changes if c.kind in ("synonym", "reword", "insertion")
             and not (c.kind == "synonym" and c.subtype in ("case", "format"))]
    if not other:
        omitted = sum(1 for c in changes if c.kind == "omission")
        tail = f"; {omitted} stretch{'es' if omitted != 1 else ''} of the source left out" if omitted else ""
        return "verbatim", f"copied word for word (case, number format and page furniture aside){tail}"
    checks = sum(1 for c in other if c.kind == "reword" and c.subtype == "unrelated")
    swaps = sum(1 for c in other if c.kind == "synonym")
    tail = f"; {checks} swap{'s' if checks != 1 else ''} to check" if checks else ""
    return "rewritten", f"reworded ({swaps} equivalent swap{'s' if swaps != 1 else ''}), no fact changed{tail}"


def _fact_order(facts: Sequence[Change]) -> list[Change]:
    """Fact changes, ``meaning`` first (the ones a thesaurus hides), then in subtype order."""
    return sorted(facts, key=lambda c: (FACT_SUBTYPES.index(c.subtype) if c.subtype in FACT_SUBTYPES else 99,
                                        c.copy_start))


#: At most this many swaps per document go to the encoder (bounded time; the rest stay swaps to check).
CONTEXT_BUDGET: Final = 12


def _sentence_of(doc: _Doc, pos: int) -> tuple[int, int]:
    starts = [x.start for x in doc.sentences]
    k = max(0, bisect.bisect_right(starts, pos) - 1)
    if not doc.sentences:
        return 0, len(doc.text)
    sent = doc.sentences[k]
    return sent.start, max(sent.end, pos)


def _contextual(raw: list[tuple[str, str | None, int, int, int, int, str, int]], ctext: str, cdoc: _Doc,
                stexts: Sequence[str]) -> None:
    """Turn swaps to check into ``meaning`` fact changes where the encoder sees the copy word
    mean something else than the source word in their sentences (in place)."""
    todo = [n for n, r in enumerate(raw) if r[0] == "reword" and r[1] == "unrelated"
            and " " not in ctext[r[2]:r[3]].strip() and " " not in stexts[r[7]][r[4]:r[5]].strip()][:CONTEXT_BUDGET]
    if not todo:
        return
    items = []
    for n in todo:
        _, _, cs, ce, ss, se, _, k = raw[n]
        a0, a1 = _sentence_of(cdoc, cs)
        sent = ctext[a0:a1]
        # the source word put back into the copy sentence: both words in the same context, so
        # the other swaps of a spun sentence do not blur the comparison
        word = stexts[k][ss:se]
        patched = sent[:cs - a0] + word + sent[ce - a0:]
        items.append((sent, cs - a0, ce - a0, patched, cs - a0, cs - a0 + len(word)))
    try:
        scores = meaning.contextual_scores(items)
    except (ImportError, RuntimeError) as exc:  # pragma: no cover - the model is a core dependency
        log.warning("contextual check skipped: %s", exc)
        return
    th = meaning.MEANING_THRESHOLDS
    for n, (wic, shift) in zip(todo, scores, strict=True):
        kind, sub, cs, ce, ss, se, expl, k = raw[n]
        if wic < th["wic"] and shift >= th["shift"]:
            both = f"{_quote(ctext[cs:ce])} where the source has {_quote(stexts[k][ss:se])}"
            raw[n] = ("fact", "meaning", cs, ce, ss, se,
                      f"different meaning in context (word-in-context similarity {wic:.2f}): {both}", k)


def _merge_verbatim_rows(rows: list[tuple[str, str | None, int, int, int, int, int, str, str | None]],
                         sids: Sequence[str]) -> list[tuple[str, str | None, int, int, int, int, int, str, str | None]]:
    """Join verbatim rows that only punctuation-only pieces separate, in copy order (rows sorted
    stably by copy offsets), before ``diff`` makes them records. Sources are told apart by id;
    a joined row's text is cut from the last source with that id."""
    last = {sid: k for k, sid in enumerate(sids)}
    out: list[tuple[str, str | None, int, int, int, int, int, str, str | None]] = []
    for r in sorted(rows, key=lambda r: (r[2], r[3])):
        if out:
            p = out[-1]
            if (r[0] == "verbatim" and p[0] == "verbatim" and sids[r[4]] == sids[p[4]]
                    and r[2] >= p[3] and r[5] >= p[6] and r[2] - p[3] <= 2):
                out[-1] = ("verbatim", None, p[2], r[3], last[sids[r[4]]], p[5], r[6], "copied unchanged", None)
                continue
        out.append(r)
    return out


def _anchor(blocks: Sequence[tuple[int, ...]], pos: int, side: str) -> int:
    """Where text at ``pos`` on one side would sit on the other side (end of the block before)."""
    best = 0
    for _cs, ce, _ss, se, *_ in blocks:
        if side == "copy" and ce <= pos:
            best = max(best, se)
        if side == "source" and se <= pos:
            best = max(best, ce)
    return best


def _uncovered_blocks(text: str, covered: list[tuple[int, int]],
                      furniture: bool = True) -> list[tuple[int, int, str]]:
    """Maximal stretches of non-blank text outside ``covered``, split per line, with a furniture reason."""
    cov = sorted(covered)
    out: list[tuple[int, int, str]] = []
    pos = 0
    gaps = []
    for s, e in cov:
        if s > pos:
            gaps.append((pos, s))
        pos = max(pos, e)
    if pos < len(text):
        gaps.append((pos, len(text)))
    seen_lines: dict[str, int] = {}
    for gs, ge in gaps:
        for m in re.finditer(r"[^\n]+", text[gs:ge]):
            s, e = gs + m.start(), gs + m.end()
            line = m.group()
            ls = len(line) - len(line.lstrip())
            s += ls
            e -= len(line) - len(line.rstrip())
            if e <= s or not re.search(r"\w", text[s:e]):
                continue
            why = _furniture(text[s:e], seen_lines) if furniture else ""
            out.append((s, e, why))
    # merge neighbours of the same kind
    merged: list[tuple[int, int, str]] = []
    for s, e, why in out:
        if merged and bool(merged[-1][2]) == bool(why) and not text[merged[-1][1]:s].strip():
            ps, _, pw = merged[-1]
            merged[-1] = (ps, e, pw or why)
        else:
            merged.append((s, e, why))
    return merged


def _furniture(line: str, seen: dict[str, int]) -> str:
    key = " ".join(lower(line).split())  # (not line.lower(): see unspin.text.lower)
    seen[key] = seen.get(key, 0) + 1
    words = re.findall(r"\w+", line)
    if seen[key] > 1:
        return "repeated line"
    if _FURNITURE.match(line.strip()):
        return "site navigation"
    if re.match(r"^\s*([-•*·–]|\d+[.)])\s", line) and not re.search(r"[.!?][\"'”’)]?\s*$", line):
        return "link list"
    if len(words) <= 6 and not re.search(r"[.!?][\"'”’)]?\s*$", line):
        return "short line without a sentence"
    return ""


_WORD: Final = re.compile(r"\w+(?:['’\-]\w+)*")
_FAST_COUNT: Final[Any] = _fast_function("count_words")


def _count_words(text: str) -> int:
    """``len(_WORD.findall(text))`` (in C when ``unspin._fastscan`` is built: no strings made)."""
    if _FAST_COUNT is not None:
        n: int = _FAST_COUNT(text)
        return n
    return len(_WORD.findall(text))


def summarize(changes: Sequence[Change], copy: Article | None = None, source: Article | None = None,
              passages: int = 0) -> Summary:
    """Word shares of the copy by kind and fact counts by subtype."""
    share_kind = {"verbatim": "verbatim", "synonym": "synonym", "reword": "reword", "fact": "fact",
                  "insertion": "inserted", "clutter": "clutter"}
    words = {k: 0 for k in ("verbatim", "synonym", "reword", "fact", "inserted", "clutter")}
    facts = {s: 0 for s in FACT_SUBTYPES}
    counts = {k: 0 for k in KINDS}
    omitted = 0
    for c in changes:
        counts[c.kind] = counts.get(c.kind, 0) + 1
        if c.kind == "fact" and c.subtype:
            facts[c.subtype] = facts.get(c.subtype, 0) + 1
        if c.kind == "omission":
            omitted += _count_words(c.source_text)
            continue
        words[share_kind[c.kind]] += _count_words(c.copy_text)
    total = sum(words.values())
    shares = {k: round(v / total, 4) if total else 0.0 for k, v in words.items()}
    cw = _count_words(copy.original) if copy is not None else total
    sw = _count_words(source.original) if source is not None else 0
    return Summary(cw, sw, omitted, shares, facts, counts, passages)
