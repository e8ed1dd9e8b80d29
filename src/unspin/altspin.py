"""An independent rewrite generator for evaluation: rewrites that unspin's detectors did not make.

``unspin.synth`` swaps words from the Moby thesaurus and GloVe neighbours, the very resources
``diff`` and ``check`` judge with, so figures measured on its copies are partly circular.
``altspin`` makes copies with **none** of those resources: no Moby, no GloVe, no word
frequencies, no wordsegment counts, no MiniLM, nothing from ``unspin.lexicon`` or
``unspin.vocab``. Its word lists are in ``unspin.altspin_lexicon``, written for the project.
It shares with ``synth`` only the record types, the sentence splitter and the assembly of
the copy from planned edits, so the data-set layout and the truth format are the same
(``synth.write_dataset`` / ``synth.read_dataset`` / ``synth.verify`` work on its copies).

Styles (``AltConfig.style``):

- ``paraphrase``: meaning-preserving word and phrase swaps, function-word changes, clause
  reordering ("On Friday, the bank raised rates." -> "The bank raised rates on Friday.");
- ``mt``: machine-translation round-trip artefacts: lower-cased names ("kyiv"), "the economy
  of Russia" for "Russia's economy", an inserted article ("the Russian forces"), "said on
  Wednesday", literal word choices ("declaration" for "statement");
- ``ai``: common but not synonymous words, as LLM paraphrasers and embedding spinners choose
  them ("summit" for "meeting", "crucial" for "important");
- ``mixed`` (default): each edit picks among the three.

Every style also makes harmless variants that must not count as facts (``variant_rate`` of
the places that allow one): name forms and transliterations ("U.S." / "United States",
"Kyiv" / "Kiev", "Russia's President" / "Russian President", surname after the first
mention), number, date and unit formats ("4,000" / "4000" / "four thousand", "March 10" /
"10 March", "200km" / "200 kilometres"), hedge and negation paraphrases ("about" /
"around", "did not" / "failed to").

Fact edits (``fact_edits`` per copy; ``kind="fact"``): ``entity`` (nationality, place,
person), ``number``, ``date``, ``negation``, ``attribution``, ``role``, ``modality`` and
``meaning`` (antonym verbs "rose" / "fell", comparatives "highest" / "lowest", direction
"from X to Y" swapped, bounds "at least" / "at most", wrong-sense swaps "talks" ->
"interviews", "plants" -> "factories").

Edit kinds in the truth: word swaps are ``synonym`` (detail: the style), lower-cased names, phrase and
function-word rewrites, name forms, hedge/negation paraphrases and clause reordering are
``reword``, number/date/unit reformatting is ``number_format``, flips are ``fact``.
Deterministic for a seed (one ``random.Random``; no set iteration, no hash order).
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from unspin import altspin_lexicon as L
from unspin.errors import InputError, UnspinError
from unspin.models import Article, Record
from unspin.synth import SpinConfig, SpunCopy, _assemble, _Op, _Plan, _Unit, copy_seed
from unspin.synth import verify as _verify_truth
from unspin.text import split_sentences

log = logging.getLogger(__name__)

__all__ = ["AltConfig", "AltCopy", "STYLES", "FACT_SUBTYPES", "spin_alt", "make_dataset", "verify"]

STYLES = ("paraphrase", "mt", "ai", "mixed")
FACT_SUBTYPES = ("entity", "number", "date", "negation", "attribution", "role", "modality", "meaning")


@dataclass(frozen=True, slots=True)
class AltConfig(Record):
    """What an alt rewrite does.

    Attributes:
        generator: always "alt" (tells a data set's truth which generator made it).
        style: one of ``STYLES``.
        swap_rate: share of content words swapped by a word swap, 0.0 to 0.9; the lexicon
            is small, so the achieved rate (``AltCopy.swap_rate``) can fall short.
        fact_edits: fact and meaning edits per copy.
        variant_rate: share of the places that allow a harmless variant (name form, number,
            date or unit format, hedge or negation paraphrase, phrase, function word) that get one.
        reorder: swap one pair of neighbouring sentences.
        clause_reorder: sentences whose clauses are reordered (at most).
    """

    generator: str = "alt"
    style: str = "mixed"
    swap_rate: float = 0.35
    fact_edits: int = 2
    variant_rate: float = 0.6
    reorder: bool = True
    clause_reorder: int = 1

    def __post_init__(self) -> None:
        if self.generator != "alt":
            raise UnspinError(f"AltConfig.generator must be 'alt', got {self.generator!r}")
        if self.style not in STYLES:
            raise UnspinError(f"style must be one of {', '.join(STYLES)}, got {self.style!r}")
        if not 0.0 <= self.swap_rate <= 0.9:
            raise UnspinError(f"swap_rate must be between 0.0 and 0.9, got {self.swap_rate}")
        if not 0.0 <= self.variant_rate <= 1.0:
            raise UnspinError(f"variant_rate must be between 0 and 1, got {self.variant_rate}")
        if self.fact_edits < 0 or self.clause_reorder < 0:
            raise UnspinError("fact_edits and clause_reorder must be >= 0")


@dataclass(frozen=True, slots=True)
class AltCopy(SpunCopy):
    """An alt rewrite and its ground truth: a ``synth.SpunCopy`` whose ``config`` is an ``AltConfig``."""

    config: AltConfig = field(default_factory=AltConfig)  # type: ignore[assignment]


def verify(copy: AltCopy, sources: Sequence[Article] | dict[str, Article]) -> list[str]:
    """The truth invariant of ``synth.verify`` (spans hold their texts, the copy outside the
    edits is the source), with ``meaning`` as a fact subtype."""
    return _verify_truth(copy, sources)


# ============================================================================ matching

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_NUM_AHEAD = re.compile(r"\s*(?:\$|£|€)?(?:\d|" + "|".join(L.NUMBER_WORDS[2:]) + r"\b)")
_CACHE: dict[tuple[tuple[str, ...], bool], re.Pattern[str]] = {}


def _pattern(keys: Iterable[str], case: bool) -> re.Pattern[str]:
    ks = tuple(sorted(set(keys), key=lambda k: (-len(k), k)))
    pat = _CACHE.get((ks, case))
    if pat is None:
        alts = "|".join(re.escape(k) for k in ks)
        pat = re.compile(r"(?<![\w\-’'])(?:" + alts + r")(?![\w\-])", 0 if case else re.IGNORECASE)
        _CACHE[(ks, case)] = pat
    return pat


def _sentence_start(text: str, pos: int, lo: int) -> bool:
    before = text[lo:pos].strip(" \"'“‘(")
    return not before


_CAP_NEXT = re.compile(r"[\s\-]+(?:of |de |du |da |di |del |der |den |van |von |la |le |the )?[A-Z0-9]")
_CAP_PREV = re.compile(r"[A-Z][\w.&’'\-]*[\s\-]+$")


def _in_name(text: str, start: int, end: int, lo: int) -> bool:
    """True when the word(s) at ``text[start:end]`` belong to a multi-word proper name or a
    code ("New York", "Ask Jeeves", "UK Coal", "P-3 Orion", "Mittal Steel"): a capitalised
    word or a digit right after, or a capitalised word right before (not at a sentence
    start). Swapping inside such a name changes which entity is meant, so harmless
    variants and word swaps never touch one."""
    if _CAP_NEXT.match(text, end):
        return True
    if text[max(lo, start - 1):start] == "-" or text[end:end + 1] == "-" and text[end + 1:end + 2].isupper():
        return True
    before = text[max(lo, start - 40):start]
    m = _CAP_PREV.search(before)
    return m is not None and not _sentence_start(text, start - len(m.group()), lo)


def _find(text: str, table: Mapping[str, tuple[str, ...]], lo: int, hi: int,
          case: bool = False) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Whole-word matches of ``table``'s keys in ``text[lo:hi]``: (start, end, matched, options).

    Lower-case keys also match with a capital first letter (at a sentence start); options
    are then capitalised the same way.
    """
    out = []
    for m in _pattern(table, case).finditer(text, lo, hi):
        got = m.group()
        key = got if got in table else got[:1].lower() + got[1:]
        if key not in table:
            continue
        opts = table[key]
        if got != key:
            opts = tuple(o[:1].upper() + o[1:] for o in opts)
        out.append((m.start(), m.end(), got, opts))
    return out


def _an_ok(text: str, start: int, old: str, new: str) -> bool:
    """False when the word before is "a"/"an" and the new word needs the other article."""
    m = re.search(r"\b(a|an|A|An)\s+$", text[max(0, start - 4):start])
    if not m:
        return True
    return (old[:1].lower() in "aeiou") == (new[:1].lower() in "aeiou")


def _number_ahead(text: str, end: int) -> bool:
    return bool(_NUM_AHEAD.match(text, end))


# ============================================================================ the rewriter

_Cand = tuple[int, int, int, str, str, "str | None", str]  # si, start, end, new, kind, subtype, detail

_INVENTED_NAMES = ("Marta Keller", "Jonas Brandt", "Elena Ruiz", "Tomas Varga", "Leila Haddad", "Paul Grant",
                   "Irene Walsh", "Omar Sorel", "Anna Lind", "Victor Osei", "Clara Mertens", "Hugo Novak")
_INSTITUTIONS = ("the ministry", "the police", "the army", "the government", "the Kremlin", "the White House",
                 "officials", "the company", "the agency", "the UN", "Reuters", "the BBC")
# right before the reporting verb; "The firm, led by X, said" is the firm speaking, not X
_SPEAKER_AFTER = re.compile(r"^\s+(?:said|says|told|added|claimed|stated|confirmed|announced|wrote)\b")
_TITLE_BEFORE = (r"(?:Minister|President|Mr|Ms|Mrs|Dr|General|Secretary|Chancellor|Governor|Senator|Mayor|"
                 r"chief|coach|spokesman|spokeswoman|leader|director|executive|Judge|captain|analyst|"
                 r"economist|professor|Professor|manager|chairman|chairwoman|founder|boss|head|Sir|Lord|Lady)")
_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?) ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_NOT_NAME = frozenset(
    {w for grp in L.PLACES for p in grp for w in p.split()} | {w for d in L.DEMONYM_SWAPS for w in d.split()}
    | {w for grp in L.TITLES for t in grp for w in t.split()} | set(L.MONTHS) | set(L.WEEKDAYS)
    | set(L.COUNTRY_DEMONYM) | set(L.COUNTRY_DEMONYM.values()) | {w for n in L.NAME_FORMS for w in n.split()}
    | {"The", "A", "An", "In", "On", "At", "But", "And", "He", "She", "It", "They", "We", "His", "Her", "Its",
       "Their", "This", "That", "After", "Before", "When", "While", "As", "If", "For", "From", "With", "By",
       "Minister", "Ministry", "Mr", "Mrs", "Ms", "Dr", "Sir", "General", "State", "House", "White", "Council",
       "Union", "United", "Nations", "Republic", "Party", "Court", "Bank", "News", "Wire", "Sea", "River",
       "Street", "City", "North", "South", "East", "West", "New", "Office", "Department", "Secretary"})


class _Rewriter:
    def __init__(self, source: Article, seed: int, cfg: AltConfig):
        self.a = source
        self.text = source.text
        self.cfg = cfg
        self.rng = random.Random(copy_seed(seed, source.id, "alt"))
        # synth's planner only stores edits and the claim mask; its config is not read here
        self.plan = _Plan([source], self.rng, SpinConfig())
        self.units = [_Unit(0, s, e, uid=i) for i, (s, e) in enumerate(split_sentences(self.text))]

    # ------------------------------------------------------------------ helpers

    def style(self) -> str:
        return self.rng.choice(("paraphrase", "mt", "ai")) if self.cfg.style == "mixed" else self.cfg.style

    def spans(self) -> Iterable[tuple[int, int]]:
        for u in self.units:
            yield u.start, u.end

    def add(self, c: _Cand) -> bool:
        si, s, e, new, kind, sub, detail = c
        return self.plan.add(si, _Op(s, e, new, kind, sub, detail))

    def free(self, s: int, e: int) -> bool:
        return self.plan.free(0, s, e)

    # ------------------------------------------------------------------ structure

    def reorder(self) -> None:
        if self.cfg.reorder and len(self.units) > 3:
            i = self.rng.randrange(1, len(self.units) - 1)
            self.units[i], self.units[i + 1] = self.units[i + 1], self.units[i]

    # a short fronted adverbial followed by its comma: "On Friday, ...", "Last year, ..." (never
    # "Last year Brannock tried to buy X, one of ...", where the first comma ends something else)
    _FRONT = re.compile(r"^(On|In|After|Before|During|Despite|Since|Earlier|Later) ((?:[^\s,\"“”]+ ){0,4}[^\s,\"“”]+), "
                        r"([^\"“”]{12,}?)([.!?])$|"
                        r"^(Last|Next|Earlier|Later) (year|month|week|weekend|summer|autumn|winter|spring|night), "
                        r"([^\"“”]{12,}?)([.!?])$")
    _TIME = re.compile(r"\b(?:\d{4}|" + "|".join(L.MONTHS + L.WEEKDAYS) + r"|year|years|month|months|week|weeks|"
                       r"weekend|quarter|morning|afternoon|evening|night|spring|summer|autumn|winter|time|days?)\b")
    _BACK = re.compile(r"^([^\"“”]{12,}?), (according to [^,\"“”]{3,40}?)([.!?])$")
    _LOWER_OK = frozenset({"The", "A", "An", "It", "This", "These", "Those", "There", "Its", "Their", "His",
                           "Her", "He", "She", "They", "We", "Some", "Many", "Most", "Both", "All"})

    def clause_reorder(self) -> None:
        """Move a fronted adverbial to the end, or a trailing "according to X" to the front."""
        opts = []
        for s, e in self.spans():
            sent = self.text[s:e]
            m = self._FRONT.match(sent)
            if m:
                g = m.groups()
                head, what, rest, stop = g[0:4] if g[0] else g[4:8]
                if head in ("On", "In", "Since") and not self._TIME.search(what):
                    continue  # "In fact,", "On top of that,", "In the end,": discourse markers stay in front
                new = rest[:1].upper() + rest[1:] + " " + head[:1].lower() + head[1:] + " " + what + stop
                opts.append((s, e, new))
                continue
            m = self._BACK.match(sent)
            if m:
                rest, acc = m.group(1), m.group(2)
                first = rest.split(" ", 1)[0]
                if first in self._LOWER_OK or first.isalpha() and not re.search(
                        r"[a-z,] " + re.escape(first) + r"\b", self.text):  # not a name used mid-sentence
                    rest = rest[:1].lower() + rest[1:]
                opts.append((s, e, acc[:1].upper() + acc[1:] + ", " + rest + m.group(3)))
        self.rng.shuffle(opts)
        for s, e, new in opts[: self.cfg.clause_reorder]:
            self.add((0, s, e, new, "reword", None, "clause_order"))

    # ------------------------------------------------------------------ fact edits

    def _names(self) -> list[tuple[int, int, str]]:
        """Person names: two capitalised words, not part of a longer name, that the text
        shows to be a person: a title or honorific right before ("Finance Minister Clara
        Vidal", "Mr John Varley"), or the surname used with an honorific elsewhere ("Mr
        Varley"). A company, a committee or a product ("Goldman Sachs", "Affairs Committee",
        "Range Rovers") has neither, so it is never "swapped for another person"."""
        out = []
        t = self.text
        honoured = set(re.findall(r"\b(?:Mr|Ms|Mrs|Miss|Dr|Sir|Dame|Lord|Lady)\.? ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b", t))
        for lo, hi in self.spans():
            for m in _NAME.finditer(t, lo, hi):
                first, last = m.group(1), m.group(2)
                if first in _NOT_NAME or last in _NOT_NAME or first.lower() in L.FUNCTION_WORDS:
                    continue
                if _CAP_NEXT.match(t, m.end()) or t[m.end():m.end() + 2] in ("'s", "’s") and \
                        _CAP_NEXT.match(t, m.end() + 2):
                    continue  # part of a longer name ("Nick Van Dyke", "Time Warner Cable")
                before = t[max(lo, m.start() - 25):m.start()]
                prev = re.search(r"[A-Z][\w.&\-]*\s+$", before)
                if prev and not _sentence_start(t, m.start() - len(prev.group()), lo) and not \
                        re.search(_TITLE_BEFORE + r"\s+$", before):
                    continue  # "Food and Agriculture Organisation", "UK Coal Board"
                titled = bool(re.search(_TITLE_BEFORE + r"\.? $", before))
                if titled or last in honoured:
                    out.append((m.start(), m.end(), m.group()))
        return out

    def _speaker(self, s: int, e: int) -> bool:
        before = self.text[max(0, s - 14):s].lower()
        return bool(_SPEAKER_AFTER.match(self.text[e:e + 14])) or before.endswith("according to ")

    def fact_candidates(self) -> dict[str, list[_Cand]]:
        t = self.text
        rng = self.rng
        c: dict[str, list[_Cand]] = {k: [] for k in FACT_SUBTYPES}
        names = self._names()
        distinct = sorted({n for _, _, n in names})
        for lo, hi in self.spans():
            for s, e, _got, opts in _find(t, L.DEMONYM_SWAPS, lo, hi, case=True):
                c["entity"].append((0, s, e, rng.choice(opts), "fact", "entity", "nationality"))
            for grp in L.PLACES:
                for s, e, got, _ in _find(t, {p: () for p in grp}, lo, hi, case=True):
                    if t[e:e + 1] == "-" or t[max(0, s - 1):s] == "-":
                        continue
                    new = rng.choice([p for p in grp if p != got])
                    c["entity"].append((0, s, e, new, "fact", "entity", "place"))
            for m in re.finditer(r"(?<![\d,.])" + _NUM + r"(?![\d,])", t[lo:hi]):
                s, e, num = lo + m.start(), lo + m.end(), m.group()
                if re.fullmatch(r"(19|20)\d\d", num):
                    yr = int(num) + rng.choice((-3, -2, -1, 1, 2, 3))
                    c["date"].append((0, s, e, str(yr), "fact", "date", "year"))
                    continue
                if (s > 0 and t[s - 1].isalpha()) or (e < len(t) and t[e:e + 1].isalpha() and t[e:e + 2] not in
                                                      ("st", "nd", "rd", "th", "km", "bn", "kg", "m ")):
                    continue
                digits = [i for i, ch in enumerate(num) if ch.isdigit()]
                i = digits[0]
                d = int(num[i])
                nd = rng.choice([x for x in range(1, 10) if x != d])
                months = "|".join(L.MONTHS)
                if re.match(r"\s+(?:" + months + r")\b", t[e:e + 12]) or re.search(r"\b(?:" + months + r")\s+$",
                                                                                   t[max(0, s - 12):s]):
                    # the day of a date ("9 February", "March 10"): a date change
                    c["date"].append((0, s, e, num[:i] + str(nd) + num[i + 1:], "fact", "date", "day"))
                    continue
                c["number"].append((0, s, e, num[:i] + str(nd) + num[i + 1:], "fact", "number", "digit"))
            words = {w: (w2,) for w, w2 in zip(L.NUMBER_WORDS[2:13], L.NUMBER_WORDS[3:14], strict=True)}
            for s, e, _got, opts in _find(t, words, lo, hi):
                c["number"].append((0, s, e, opts[0], "fact", "number", "number_word"))
            ords = {w: (w2,) for w, w2 in zip(L.ORDINALS[:-1], L.ORDINALS[1:], strict=True)}
            for s, e, _got, opts in _find(t, ords, lo, hi):
                c["number"].append((0, s, e, opts[0], "fact", "number", "ordinal"))
            for s, e, got, _ in _find(t, {d: () for d in L.WEEKDAYS}, lo, hi, case=True):
                c["date"].append((0, s, e, rng.choice([d for d in L.WEEKDAYS if d != got]), "fact", "date", "weekday"))
            for s, e, got, _ in _find(t, {m: () for m in L.MONTHS}, lo, hi, case=True):
                if got == "May" and not re.match(r"\s+\d", t[e:e + 3]) and not re.search(r"\b(in|since|until|of)\s+$",
                                                                                         t[max(0, s - 7):s]):
                    continue
                c["date"].append((0, s, e, rng.choice([m for m in L.MONTHS if m != got]), "fact", "date", "month"))
            for m in re.finditer(r"\b(is|was|were|are|has|have|had|did|does|do|will|would|could|can|should) not\b",
                                 t[lo:hi]):
                c["negation"].append((0, lo + m.start(), lo + m.end(), m.group(1), "fact", "negation", "removed"))
            for m in re.finditer(r"\b(was|were|is|are)\b(?= (?!not\b)[a-z]{3,})", t[lo:hi]):
                c["negation"].append((0, lo + m.start(), lo + m.end(), m.group(1) + " not", "fact", "negation",
                                      "inserted"))
            for m in re.finditer(r"\bnever\b", t[lo:hi]):
                c["negation"].append((0, lo + m.start(), lo + m.end(), "always", "fact", "negation", "removed"))
            for grp in L.TITLES:
                for s, e, got, _ in _find(t, {x: () for x in grp}, lo, hi, case=True):
                    c["role"].append((0, s, e, rng.choice([x for x in grp if x != got]), "fact", "role", "title"))
            for table, detail in ((L.MODAL_SWAPS, "modal"), (L.REPORTING_SWAPS, "reporting")):
                for s, e, _got, opts in _find(t, table, lo, hi, case=True):
                    c["modality"].append((0, s, e, rng.choice(opts), "fact", "modality", detail))
            for m in re.finditer(r"\b(?:about|around|roughly|approximately|nearly|almost|an estimated) (?=\d)",
                                 t[lo:hi]):
                n = re.match(_NUM, t[lo + m.end():])
                if n:
                    s, e = lo + m.start(), lo + m.end() + n.end()
                    c["modality"].append((0, s, e, n.group(), "fact", "modality", "hedge_removed"))
            for table, detail in ((L.ANTONYMS, "antonym"), (L.COMPARATIVES, "comparative"),
                                  (L.WRONG_SENSE, "wrong_sense")):
                for s, e, _got, opts in _find(t, table, lo, hi, case=True):
                    c["meaning"].append((0, s, e, rng.choice(opts), "fact", "meaning", detail))
            for s, e, _got, opts in _find(t, L.BOUNDS, lo, hi, case=True):
                if _number_ahead(t, e):
                    c["meaning"].append((0, s, e, rng.choice(opts), "fact", "meaning", "bound"))
            for m in re.finditer(r"\bfrom ((?:[A-Z][a-z]+ ?){1,2}) (to|into|towards) ((?:[A-Z][a-z]+ ?){1,2})\b",
                                 t[lo:hi]):
                x, y = m.group(1).strip(), m.group(3).strip()
                if x == y:
                    continue
                s = lo + m.start(1)
                e = s + len(f"{x} {m.group(2)} {y}")
                c["meaning"].append((0, s, e, f"{y} {m.group(2)} {x}", "fact", "meaning", "direction"))
            m2 = re.search(r"\baccording to (" + "|".join(re.escape(i) for i in _INSTITUTIONS) + r")\b", t[lo:hi])
            if m2:
                s, e = lo + m2.start(1), lo + m2.end(1)
                new = rng.choice([i for i in _INSTITUTIONS if i != m2.group(1)])
                c["attribution"].append((0, s, e, new, "fact", "attribution", "source"))
        for s, e, name in names:
            pool = [n for n in distinct if n != name] or [n for n in _INVENTED_NAMES if n != name]
            new = rng.choice(pool)
            if self._speaker(s, e):
                c["attribution"].append((0, s, e, new, "fact", "attribution", "speaker"))
            else:
                c["entity"].append((0, s, e, new, "fact", "entity", "person"))
        return c

    def facts(self) -> int:
        cands = self.fact_candidates()
        order = [k for k in FACT_SUBTYPES if cands[k]]
        self.rng.shuffle(order)
        if self.cfg.style == "mt" and "meaning" in order:  # literal sense swaps are the MT flip
            order.remove("meaning")
            order.insert(0, "meaning")
        done = 0
        tries = 0
        while done < self.cfg.fact_edits and order and tries < 200:
            tries += 1
            sub = order[done % len(order)] if tries <= len(order) * 4 else self.rng.choice(order)
            pool = cands[sub]
            if self.cfg.style == "mt" and sub == "meaning":
                pool = [x for x in pool if x[6] == "wrong_sense"] or pool
            if not pool:
                order.remove(sub)
                continue
            cand = pool.pop(self.rng.randrange(len(pool)))
            if self.add(cand):
                done += 1
        return done

    # ------------------------------------------------------------------ harmless variants

    def _maybe(self, cands: list[_Cand]) -> None:
        for c in cands:
            if self.rng.random() < self.cfg.variant_rate:
                self.add(c)

    def variants(self) -> None:
        t = self.text
        rng = self.rng
        out: list[_Cand] = []
        names = self._names()
        seen: set[str] = set()
        for s, e, name in names:  # a person named by surname after the first mention
            if name in seen:
                if not _CAP_NEXT.match(t, e):
                    out.append((0, s, e, name.split(" ", 1)[1], "reword", None, "surname"))
            elif name not in seen:  # ... or by full name where the source used the surname alone
                surname = name.split(" ", 1)[1]
                for m in re.finditer(r"(?<![A-Z][a-z]\s)(?<![A-Za-z])" + re.escape(surname) + r"\b", t[e:]):
                    a0 = e + m.start()
                    if not re.search(r"[A-Z][a-z]+\s$", t[max(0, a0 - 20):a0]) \
                            and not _CAP_NEXT.match(t, a0 + len(surname)):
                        out.append((0, a0, a0 + len(surname), name, "reword", None, "surname"))
            seen.add(name)
        for lo, hi in self.spans():
            style = self.style()
            for s, e, got, opts in _find(t, L.NAME_FORMS, lo, hi, case=True):
                if _in_name(t, s, e, lo):
                    continue
                new = rng.choice(opts)
                if got == "Britain" and re.search(r"(Great|the)\s+$", t[max(0, s - 6):s]):
                    continue
                if new.startswith("the ") and re.search(r"\b(the|The)\s+$", t[max(0, s - 4):s]):
                    continue
                if new.startswith("the ") and _sentence_start(t, s, lo):
                    new = "The" + new[3:]
                out.append((0, s, e, new, "reword", None, "name_form"))
            for m in re.finditer(r"\b(" + "|".join(L.COUNTRY_DEMONYM) + r")'s ([A-Z][a-z]+)\b", t[lo:hi]):
                s, e = lo + m.start(), lo + m.end(1) + 2
                out.append((0, s, e, L.COUNTRY_DEMONYM[m.group(1)], "reword", None, "demonym"))
            rev = {d: c for c, d in L.COUNTRY_DEMONYM.items()}
            for m in re.finditer(r"\b(" + "|".join(rev) + r") (President|Prime Minister|Foreign Minister|leader)\b",
                                 t[lo:hi]):
                s, e = lo + m.start(1), lo + m.end(1)
                if not re.search(r"\b(the|a|an|The|A|An)\s+$", t[max(0, s - 4):s]):
                    out.append((0, s, e, rev[m.group(1)] + "'s", "reword", None, "demonym"))
            out += self._number_variants(lo, hi)
            for table, detail in ((L.HEDGES, "hedge"), (L.NEGATION_PARAPHRASES, "negation")):
                for s, e, got, opts in _find(t, table, lo, hi):
                    if got[:1].isupper() and (not _sentence_start(t, s, lo) or _in_name(t, s, e, lo)):
                        continue
                    if detail == "hedge" and got.lower() in ("about", "around", "some", "roughly",
                                                             "approximately") and not _number_ahead(t, e):
                        continue
                    out.append((0, s, e, rng.choice(opts), "reword", None, detail))
            if style in ("paraphrase", "ai"):
                for s, e, got, opts in _find(t, L.PHRASES, lo, hi):
                    if got[:1].isupper() and (not _sentence_start(t, s, lo) or _in_name(t, s, e, lo)):
                        continue
                    if got.lower() in ("more than", "at least") and not _number_ahead(t, e):
                        continue
                    out.append((0, s, e, rng.choice(opts), "reword", None, "phrase"))
            if style == "paraphrase":
                for s, e, got, opts in _find(t, L.FUNCTION, lo, hi):
                    if got[:1].isupper() and (not _sentence_start(t, s, lo) or _in_name(t, s, e, lo)):
                        continue
                    out.append((0, s, e, rng.choice(opts), "reword", None, "function"))
            if style == "mt":
                out += self._mt_variants(lo, hi)
        rng.shuffle(out)
        self._maybe(out)

    def _number_variants(self, lo: int, hi: int) -> list[_Cand]:
        t = self.text
        out: list[_Cand] = []
        for m in re.finditer(r"(?<![\d,.])(\d{1,3}),(\d{3})(?![\d,])", t[lo:hi]):
            s, e = lo + m.start(), lo + m.end()
            val = int(m.group(1) + m.group(2))
            forms = [m.group(1) + m.group(2)]
            if val % 1000 == 0 and 2 <= val // 1000 <= 20 and not t[e:e + 1].isalpha():
                forms.append(L.NUMBER_WORDS[val // 1000] + " thousand")
            out.append((0, s, e, self.rng.choice(forms), "number_format", None, "number"))
        for m in re.finditer(r"(?<![\d,.$£€])\b([2-9]|1[0-2])\b(?![\d,.%:])", t[lo:hi]):
            s, e = lo + m.start(), lo + m.end()
            if _in_name(t, s, e, lo):
                continue
            if re.match(r"\s*(?:" + "|".join(L.MONTHS) + r"|am|pm|a\.m|p\.m)\b", t[e:e + 12]) or \
                    re.search(r"(?:" + "|".join(L.MONTHS) + r")\s+$", t[max(0, s - 12):s]):
                continue
            out.append((0, s, e, L.NUMBER_WORDS[int(m.group(1))], "number_format", None, "number_word"))
        words = {w: (str(i),) for i, w in enumerate(L.NUMBER_WORDS) if 2 <= i <= 12}
        for s, e, _got, opts in _find(self.text, words, lo, hi):
            if not _sentence_start(t, s, lo):
                out.append((0, s, e, opts[0], "number_format", None, "number_word"))
        months = "|".join(L.MONTHS)
        for m in re.finditer(r"\b(" + months + r") (\d{1,2})(?:, (\d{4}))?\b(?!,\d)", t[lo:hi]):
            s, e = lo + m.start(), lo + m.end()
            new = f"{m.group(2)} {m.group(1)}" + (f" {m.group(3)}" if m.group(3) else "")
            out.append((0, s, e, new, "number_format", None, "date_format"))
        for m in re.finditer(r"\b(\d{1,2}) (" + months + r")\b(?: (\d{4}))?", t[lo:hi]):
            s, e = lo + m.start(), lo + m.end()
            new = f"{m.group(2)} {m.group(1)}" + (f", {m.group(3)}" if m.group(3) else "")
            out.append((0, s, e, new, "number_format", None, "date_format"))
        for m in re.finditer(r"(?<=\d)(\s?)(km|kg|kilometres|kilometers|kilograms|percent|per cent|%|bn|billion)(?!\w)",
                             t[lo:hi]):
            unit = m.group(2)
            opts = L.UNITS.get(unit, ())
            if not opts:
                continue
            new = self.rng.choice(opts)
            new = new if new.startswith(" ") or new in ("%", "bn") else " " + new
            s, e = lo + m.start(), lo + m.end()
            out.append((0, s, e, new.lstrip(" ") if new in ("%", "bn") else new, "number_format", None, "unit"))
        return out

    def _mt_variants(self, lo: int, hi: int) -> list[_Cand]:
        t = self.text
        out: list[_Cand] = []
        places = {p for grp in L.PLACES for p in grp}
        for s, e, got, _ in _find(t, {p: () for p in places}, lo, hi, case=True):
            if self.rng.random() < 0.5 and not _in_name(t, s, e, lo):
                out.append((0, s, e, got.lower(), "reword", None, "mt_case"))
        for m in re.finditer(r"\b(" + "|".join(L.COUNTRY_DEMONYM) + r")'s ([a-z]+)\b(?![\-’'])(?: ([a-z]+)\b(?![\-’']))?",
                             t[lo:hi]):
            s = lo + m.start()
            the = "The" if _sentence_start(t, s, lo) else "the"
            if re.search(r"\b(the|The)\s+$", t[max(0, s - 4):s]):
                continue
            # only "<country>'s [adjective] <noun>" ending its noun phrase: "Japan's economy grew"
            # -> "the economy of Japan grew", "Morvath's foreign ministry said" -> "the foreign
            # ministry of Morvath said"; never "Japan's fourth-largest bank" or "Russia's
            # government bonds" (an adjective alone, or a noun that modifies the next word)
            if m.group(3) and m.group(3) in L.MT_POSSESSIVE_NOUNS:
                phrase, e = f"{m.group(2)} {m.group(3)}", lo + m.end(3)
            elif m.group(2) in L.MT_POSSESSIVE_NOUNS:
                phrase, e = m.group(2), lo + m.end(2)
            else:
                continue
            nxt = re.match(r"\s*([A-Za-z]+|[^\sA-Za-z])", t[e:e + 30])
            if nxt is None or nxt.group(1) == "of":
                continue
            w2 = nxt.group(1).lower()
            if w2.isalpha() and w2 not in L.FUNCTION_WORDS and w2 not in L.COMMON_VERBS and not w2.endswith("ed"):
                continue
            out.append((0, s, e, f"{the} {phrase} of {m.group(1)}", "reword", None, "mt_possessive"))
        dem = "|".join(sorted(set(L.COUNTRY_DEMONYM.values())))
        for m in re.finditer(r"(?<!\bthe )(?<!\bThe )(?<!\ba )(?<!\ban )(?<!\bhis )(?<!\bits )\b(" + dem +
                             r") (forces|troops|government|officials|army|soldiers|authorities|military)\b",
                             t[lo:hi]):
            s = lo + m.start(1)
            if _sentence_start(t, s, lo):
                continue
            out.append((0, s, lo + m.end(1), "the " + m.group(1), "reword", None, "mt_article"))
        days = "|".join(L.WEEKDAYS)
        for m in re.finditer(r"\b(said|told reporters|announced|added) (" + days + r")\b", t[lo:hi]):
            s = lo + m.start(2)
            out.append((0, s, lo + m.end(2), "on " + m.group(2), "reword", None, "mt_preposition"))
        return out

    # ------------------------------------------------------------------ word swaps

    def content_words(self) -> list[tuple[int, int, str]]:
        out = []
        for lo, hi in self.spans():
            for m in _WORD.finditer(self.text, lo, hi):
                w = m.group()
                low = w.lower()
                if len(w) < 3 or low in L.FUNCTION_WORDS:
                    continue
                if w[0].isupper() and (not _sentence_start(self.text, m.start(), lo)
                                       or _in_name(self.text, m.start(), m.end(), lo)):
                    continue  # a name, or the first word of one
                out.append((m.start(), m.end(), w))
        return out

    def swaps(self) -> int:
        words = self.content_words()
        tables = {"paraphrase": L.PARAPHRASE, "ai": L.AI, "mt": {**L.PARAPHRASE, **L.MT}}
        allowed = list(tables) if self.cfg.style == "mixed" else [self.cfg.style]
        eligible = []
        for s, e, w in words:
            low = w[:1].lower() + w[1:]
            if low != w.lower() or not self.free(s, e):
                continue
            styles = [st for st in allowed if low in tables[st]]
            if styles:
                eligible.append((s, e, w, low, styles))
        target = min(len(eligible), round(self.cfg.swap_rate * len(words)))
        order = list(range(len(eligible)))
        self.rng.shuffle(order)
        done = 0
        for idx in order:  # a word that cannot take its swap ("a" before a vowel) gives way to the next
            if done >= target:
                break
            s, e, w, low, styles = eligible[idx]
            style = self.rng.choice(styles)
            new = self.rng.choice(tables[style][low])
            if w[:1].isupper():
                new = new[:1].upper() + new[1:]
            if _an_ok(self.text, s, w, new) and self.add((0, s, e, new, "synonym", None, style)):
                done += 1
        return len(words)


# ============================================================================ API

def spin_alt(source: Article | str, *, seed: int = 0, config: AltConfig | None = None,
             copy_id: str | None = None, **kwargs: Any) -> AltCopy:
    """Rewrite ``source`` with the independent generator and record every edit.

    Args:
        source: the article; spans index its ``text`` (a ``str`` is read with ``ingest.from_text``).
        seed: the same seed and inputs give the same copy.
        config: settings; keyword arguments (``style="mt"``, ``swap_rate=0.2``, ...) override it.
        copy_id: id of the copy (default ``"<source id>~alt~<seed>"``).

    Returns:
        The ``AltCopy``; ``verify(copy, [source])`` holds for it.
    """
    unknown = sorted(set(kwargs) - {f.name for f in fields(AltConfig)})
    if unknown:
        raise UnspinError(f"unknown alt setting(s): {', '.join(unknown)}",
                          hint=f"AltConfig has {', '.join(f.name for f in fields(AltConfig))}")
    cfg = replace(config or AltConfig(), **kwargs)
    if isinstance(source, str):
        from unspin.ingest import from_text

        source = from_text(source)
    if not isinstance(source, Article):
        raise InputError(f"spin_alt needs an Article or a str, got {type(source).__name__}")
    if not source.text.strip():
        raise InputError("cannot rewrite an empty article", input=source.input or source.id)
    rw = _Rewriter(source, seed, cfg)
    rw.reorder()
    rw.clause_reorder()
    made = rw.facts()
    if made < cfg.fact_edits:
        log.info("%s: only %d of %d fact edits found a place", source.id, made, cfg.fact_edits)
    rw.variants()
    content = rw.swaps()
    cid = copy_id or f"{source.id}~alt~{seed}"
    sc = _assemble(rw.plan, rw.units, [], None, cid, seed, SpinConfig(), content)
    return AltCopy(sc.id, sc.text, sc.source_ids, sc.edits, sc.cases, sc.clutter_start, seed, cfg, content)


def make_dataset(articles: Sequence[Article], *, rates: Sequence[float] = (0.2, 0.35), seed: int = 0,
                 per_article: int = 1, config: AltConfig | None = None, **kwargs: Any) -> list[AltCopy]:
    """Rewrite every article ``per_article`` times per rate; deterministic for ``seed``.

    Copy ids are ``<article id>~alt~r<rate>~<k>``; the layout written by
    ``synth.write_dataset`` is the same as for ``synth`` copies.
    """
    base = config or AltConfig()
    out = []
    for a in articles:
        for rate in rates:
            for k in range(per_article):
                s = copy_seed(seed, a.id, f"{rate:.3f}", k, "alt")
                cid = f"{a.id}~alt~r{round(rate * 100):02d}~{k}"
                out.append(spin_alt(a, seed=s, config=replace(base, swap_rate=rate, **kwargs), copy_id=cid))
    return out
