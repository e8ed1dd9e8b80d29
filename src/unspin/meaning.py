"""Equivalent wording and changed meaning: the evidence a thesaurus cannot give.

Three parts, used by ``unspin.diff``:

1. ``canon(units)``: a canonical form of a stretch of text in which equivalent wordings
   coincide, so that a copy that only rewords is not reported as changing a fact: names
   (``unspin.names``: "U.S." = "United States" = "American", "Russia's" = "Russian"),
   numbers ("4,000" = "4000" = "four thousand", "$5bn" = "5 billion dollars"), dates
   ("March 10" = "10 March" = "10th of March"), units ("km" = "kilometres", "%" = "per cent"),
   negation paraphrases ("failed to act" = "did not act", "unnecessary" = "not necessary",
   "didn't" = "did not"), hedges of one strength ("perhaps" = "maybe"; "more than" = "over"
   before a number), British/American spelling and hyphenation ("defence"/"defense",
   "cease-fire"/"ceasefire").
2. Lists for changes of meaning that keep the word class: antonyms and comparatives
   (``vocab.ANTONYMS`` plus the pairs below, with comparative/superlative forms), bounds
   ("at least" vs "at most"), direction words ("from"/"to").
3. ``contextual_scores``: the contextual encoder (``unspin.encoder``, all-MiniLM-L6-v2)
   compares a swapped word in the copy sentence with the word it replaced in the source
   sentence (word-in-context cosine) and the two sentences (sentence cosine). Thresholds are
   fitted by ``benchmarks/fit_meaning.py`` on an invented development set
   (``benchmarks/data/meaning-dev/``) that no evaluation uses, and stored in
   ``MEANING_THRESHOLDS``.
4. ``sense_scores`` / ``sense_margin`` / ``fit_margin``: the source sentence against the
   WordNet glosses of each sense of a word (through the same encoder): which sense the context
   selects, and whether a copy word can stand for it. Measured in session 5
   (``benchmarks/probe_wic.py``, docs/benchmarks.md "Diff judgement, session 5"): on
   development data it does not separate wrong-sense swaps from harmless ones, so ``diff``
   does not use it.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from unspin import names, vocab

if TYPE_CHECKING:
    from unspin.aligner import Unit

__all__ = ["canon", "negations", "antonyms", "bound_class", "MEANING_THRESHOLDS", "contextual_scores",
           "sense_scores", "sense_margin", "fit_margin"]

_LAZY: Final[dict[str, ModuleType]] = {}


def lazy_module(name: str) -> ModuleType:
    """The module ``name`` (``unspin.lexicon``, ``unspin.senses``), imported on first use: importing
    unspin does not load numpy or WordNet. In the compiled modules a ``from ... import`` inside a
    function runs the import machinery at every call (~4% of a diff's time, session 8), hence
    this one dict lookup."""
    m = _LAZY.get(name)
    if m is None:
        m = _LAZY[name] = importlib.import_module(name)
    return m

# ----------------------------------------------------------------------------- numbers

_SCALES: Final = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12,
           "m": 10**6, "mn": 10**6, "bn": 10**9, "b": 10**9, "k": 1000, "tn": 10**12, "tr": 10**12}
_SMALL: Final = {k: v for k, v in vocab.NUMBER_WORDS.items()
          if k not in ("half", "double", "twice", "triple", "dozens", "hundreds", "thousands", "millions",
                       "hundred", "thousand", "million", "billion", "trillion")}
_ORD: Final = {k: v for k, v in vocab.ORDINAL_VALUE.items() if v > 0}
_ORD_SUFFIX: Final = {"st", "nd", "rd", "th"}
_MONTH: Final = {m.lower(): m.lower() for m in vocab.MONTHS} | {a.lower(): f.lower() for a, f in vocab.MONTH_ABBREVIATIONS.items()}
_CURRENCY: Final = {"$": "usd", "£": "gbp", "€": "eur", "¥": "jpy", "dollars": "usd", "dollar": "usd", "usd": "usd",
             "pounds": "gbp", "pound": "gbp", "gbp": "gbp", "euros": "eur", "euro": "eur", "eur": "eur",
             "yen": "jpy"}
_UNITS: Final = {"km": "km", "kms": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
          "mile": "mi", "miles": "mi", "mi": "mi", "kg": "kg", "kgs": "kg", "kilogram": "kg", "kilograms": "kg",
          "kilogramme": "kg", "kilogrammes": "kg", "cm": "cm", "centimetre": "cm", "centimetres": "cm",
          "centimeter": "cm", "centimeters": "cm", "mm": "mm", "millimetre": "mm", "millimetres": "mm",
          "metre": "m", "metres": "m", "meter": "m", "meters": "m", "sq": "sq", "square": "sq",
          "ft": "ft", "feet": "ft", "foot": "ft", "lb": "lb", "lbs": "lb", "tonne": "t", "tonnes": "t",
          "ton": "t", "tons": "t", "mph": "mph", "kmh": "kmh", "km/h": "kmh", "hectares": "ha", "hectare": "ha",
          "ha": "ha", "percent": "%", "%": "%", "pc": "%", "yr": "year", "yrs": "year", "years": "year",
          "hrs": "hour", "hr": "hour", "c": "degc", "celsius": "degc", "centigrade": "degc",
          "f": "degf", "fahrenheit": "degf", "hours": "hour", "mins": "minute", "min": "minute", "minutes": "minute"}


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.6g}"


# ----------------------------------------------------------------------------- hedges and bounds

#: Hedges of one strength map to one class; bounds before a number: lower ("more than"), upper
#: ("at most"), approximate ("about").
_HEDGE_CLASS: Final[dict[str, str]] = {
    "perhaps": "maybe", "maybe": "maybe", "possibly": "maybe", "conceivably": "maybe",
    "probably": "likely", "likely": "likely", "presumably": "likely",
    "reportedly": "reportedly", "allegedly": "reportedly", "purportedly": "reportedly",
    "apparently": "apparently", "seemingly": "apparently",
}
_BOUNDS: Final[dict[str, str]] = {
    "more than": "lower", "over": "lower", "above": "lower", "at least": "lower", "upwards of": "lower",
    "in excess of": "lower", "no fewer than": "lower", "no less than": "lower", "greater than": "lower",
    "a minimum of": "lower", "at minimum": "lower", "not less than": "lower", "not fewer than": "lower",
    "less than": "upper", "fewer than": "upper", "under": "upper", "below": "upper", "at most": "upper",
    "up to": "upper", "no more than": "upper", "a maximum of": "upper", "not more than": "upper",
    "as many as": "upper", "as much as": "upper", "at the most": "upper",
    "about": "approx", "around": "approx", "approximately": "approx", "roughly": "approx", "some": "approx",
    "an estimated": "approx", "estimated": "approx", "circa": "approx", "or so": "approx",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "exactly": "exact", "precisely": "exact", "just over": "lower", "well over": "lower",
    "exceeding": "lower", "exceeds": "lower", "surpassing": "lower", "beyond": "lower", "topping": "lower",
}
_BOUND_MAX: Final = max(len(k.split()) for k in _BOUNDS)
#: The first word of every bound: a token that is none of them starts no bound (a fast test).
_BOUND_FIRST: Final = frozenset(k.split()[0] for k in _BOUNDS)


def bound_class(phrase: str) -> str | None:
    """'lower', 'upper', 'approx', 'nearly' or 'exact' for a bound before a number."""
    return _BOUNDS.get(phrase)


# ----------------------------------------------------------------------------- negation

_NEGATORS: Final = {"not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "nowhere", "without",
             "hardly", "barely", "scarcely"}
_DO: Final = {"do", "does", "did", "would"}
_FAIL: Final = {"failed", "fail", "fails", "failing", "declined", "declines", "decline", "refused", "refuses", "refuse"}
_CAN: Final = {"can", "could"}
_UN_EXCEPT: Final = {"unless", "under", "union", "unions", "unique", "unit", "units", "unite", "united", "unity",
              "universe", "universal", "university", "universities", "until", "unto", "uncle", "understand",
              "understood", "undertake", "undertaken", "underway", "unveil", "unveiled", "unleash",
              "unleashed", "unravel", "unrest", "undo", "unload", "unloaded", "unpack", "unlock"}


@functools.lru_cache(maxsize=65536)
def _negated_word(w: str) -> str | None:
    """'unnecessary' -> 'necessary', 'non-binding' -> 'binding', 'unable' -> 'able'; else None."""
    if w in _UN_EXCEPT:
        return None
    for pre in ("non-", "non", "un"):
        if w.startswith(pre) and len(w) - len(pre) >= 4:
            base = w[len(pre):]
            if _is_word(base) and base not in _UN_EXCEPT:
                return base
    return None


@functools.lru_cache(maxsize=65536)
def _is_word(w: str) -> bool:
    return bool(lazy_module("unspin.lexicon").zipf(w) >= 2.5)  # wordfreq's figure (plain words read from its table)


# ----------------------------------------------------------------------------- spelling

_SPELLING_WORDS: Final = {"programme": "program", "programmes": "programs", "adviser": "advisor", "advisers": "advisors",
                   "towards": "toward", "judgement": "judgment", "grey": "gray", "ageing": "aging",
                   "whilst": "while", "amongst": "among", "cheque": "check", "tyre": "tire", "tyres": "tires",
                   "aluminium": "aluminum", "mum": "mom", "per cent": "percent", "kerb": "curb",
                   "pyjamas": "pajamas", "plough": "plow", "sceptical": "skeptical", "storey": "story",
                   "jewellery": "jewelry", "manoeuvre": "maneuver", "manoeuvres": "maneuvers"}
_OUR_EXCEPT: Final = {"four", "hour", "hours", "your", "yours", "pour", "tour", "tours", "flour", "sour", "detour",
               "devour", "our", "ours", "journey", "course", "source", "court", "courts", "pours", "fours"}


@functools.lru_cache(maxsize=65536)
def spelling(w: str) -> str:
    """One spelling for British/American variants and hyphenation ('defence' -> 'defense',
    'colour' -> 'color', 'organise' -> 'organize', 'cease-fire' -> 'ceasefire')."""
    w = w.replace("’", "'")
    if "-" in w and all(p.isalpha() for p in w.split("-")):
        w = w.replace("-", "")
    if w in _SPELLING_WORDS:
        return _SPELLING_WORDS[w]
    # each pattern runs only when the letters it needs are there (the same result, fewer scans)
    if len(w) >= 6:
        if "is" in w:
            w = _ISE.sub(r"iz\1", w)
        if "yse" in w:
            w = _YSE.sub(lambda m: "yze" + (m.group(1) or ""), w)
    if len(w) >= 5 and w not in _OUR_EXCEPT and "our" in w:
        w = _OUR.sub(lambda m: "or" + (m.group(1) or ""), w)
    if "ence" in w and w.startswith(_ENCE_FIRST):
        w = _ENCE.sub(r"\1ense\2", w)
    if "re" in w and w.startswith(_TRE_FIRST):
        w = _TRE.sub(r"\1er\2", w)
    if len(w) >= 7 and "ll" in w:
        w = _LL.sub(r"l\1", w)
    return w


_ISE: Final = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$")
_YSE: Final = re.compile(r"(?<=[a-z]{2})yse(d|s)?$")
_OUR: Final = re.compile(r"(?<=[a-z]{2})our(s|ed|ing|able|ite|ites)?$")
_ENCE: Final = re.compile(r"^(def|off|lic|pret)ence(s)?$")
_ENCE_FIRST: Final = ("def", "off", "lic", "pret")  # the only starts _ENCE matches (it is anchored)
_TRE: Final = re.compile(r"^(cent|theat|met|lit|fib|somb|spect)re(s)?$")
_TRE_FIRST: Final = ("cent", "theat", "met", "lit", "fib", "somb", "spect")
_LL: Final = re.compile(r"(?<=[aeiou][a-z])ll(ed|ing|er|ers)$")


# ----------------------------------------------------------------------------- canonical form

def canon(units: Sequence[Unit], after: Sequence[Unit] = (), before: Sequence[Unit] = ()) -> list[str]:
    """Canonical tokens of a stretch of text (see the module docstring).

    Numbers become ``#value`` (``#ord10`` for ordinals and days of the month), negations
    ``not``, names their ``unspin.names`` id, hedges ``~class``, bounds before a number
    ``>lower``/``>upper``/..., units ``u:km``; "the"/"a"/"an" and punctuation other than
    currency signs are dropped; a day and its month come out in one order. ``after``: the
    units right after the stretch, looked at (not canonicalised) to see whether a bound at its
    end qualifies a number ("at least" before "200"); ``before``: the units right before it (a
    number there makes a unit at its start a unit: "30" + "C" / "degrees Celsius").
    """
    # Most stretches a diff asks about are plain lower-case words with no rule of ``_canon`` but
    # the plain-word one (or the dropped article) to apply, whatever their neighbours: their
    # form is the words' plain forms in order, read per key (see ``_simple_token``).
    fast: list[str] = []
    for u in units:
        kind = u[3]
        if kind == "word":
            t = _SIMPLE.get(u[4])
            if t is None:
                if len(_SIMPLE) >= _SIMPLE_MAX:
                    _SIMPLE.clear()
                t = _SIMPLE[u[4]] = _simple_token(u[4])
            if t == _NOT_SIMPLE:
                break
            if t:
                fast.append(t)
        elif kind != "punct" or u[2] in "$£€¥%":
            break
    else:
        return fast
    return _canon_full(units, after, before)


def _canon_full(units: Sequence[Unit], after: Sequence[Unit] = (), before: Sequence[Unit] = ()) -> list[str]:
    """``canon`` without its plain-word shortcut."""
    toks = [u for u in units if u[3] != "punct" or u[2] in "$£€¥%"]  # (start, end, text, kind, key)
    aft = [u for u in after if u[3] != "punct" or u[2] in "$£€¥"][:3]
    after_number = bool(before) and before[-1].kind == "number"
    # The result depends on each unit's text, kind and key and on whether it touches the one
    # before it (positions only matter for "5th", "3bn"), on a number right before, and on the
    # units after the stretch only through one question: does a number start there (a bound
    # at the end qualifies it)? diff asks for the same stretches many times, with and without
    # their neighbours, and the same short stretches recur from one pair to the next, so the
    # results are kept by that signature for the process (bounded).
    starts_after = _starts_number(aft, [u.key.replace("’", "'") for u in aft], 0) if aft else False
    prev_end = -1
    parts = []
    for u in toks:
        parts.append((u[2], u[3], u[4], u[0] == prev_end))  # touches the unit before it
        prev_end = u[1]
    sig = (tuple(parts), after_number, starts_after)
    hit = _CANON_CACHE.get(sig)
    if hit is None:
        if len(_CANON_CACHE) >= _CANON_CACHE_MAX:
            _CANON_CACHE.clear()
        hit = _CANON_CACHE[sig] = tuple(_canon(toks, toks + aft, after_number))
    return list(hit)


_CANON_CACHE: Final[dict[tuple[Any, ...], tuple[str, ...]]] = {}
#: Remembered canonical forms (about 0.5 KB each); the table is emptied when full.
_CANON_CACHE_MAX: Final = 20_000


_SIMPLE: Final[dict[str, str]] = {}
#: Remembered ``_simple_token`` answers by unit key; the table is emptied when full.
_SIMPLE_MAX: Final = 100_000
_NOT_SIMPLE: Final = "\x00"


def _simple_token(key: str) -> str:
    """The canonical token of a word unit with this key when ``_canon`` can only give it its
    plain form (or drop it: "" for "the", "a", "an"), in any stretch, next to any units and in
    any case; ``_NOT_SIMPLE`` when another rule may apply (bounds, numbers, months, negations,
    hedges, units, currencies, names, hyphenated words) or the form could start the
    "the president of Ukraine" reordering (an upper-case or ``org:`` token). Every rule of
    ``_canon`` that looks at a unit's neighbours, case or position starts at a key listed
    here, so a stretch of such units has the form of its units' tokens in order
    (``tests/test_meaning.py`` compares the two on every stretch of the sample texts)."""
    k = key.replace("’", "'")
    if (k in _BOUND_FIRST or k in _SMALL or k in _ORD or "-" in k or k in _MONTH or k in _FAIL or k in _DO
            or k in _CAN or k in _SCALES or k in _HEDGE_CLASS or k in _UNITS or k in _CURRENCY
            or k in ("unable", "able", "degrees", "per", "cannot") or k.endswith("n't")
            or _negated_word(k) is not None or names.may_start_name(k)):
        return _NOT_SIMPLE
    if k in ("the", "a", "an"):
        return ""
    t = _plain_form(k)
    if not t or t.isupper() or t.startswith("org:"):
        return _NOT_SIMPLE
    return t


def clear_cache() -> None:
    """Forget remembered canonical forms and name runs (a benchmark's cold start; the results
    do not depend on what is remembered)."""
    _CANON_CACHE.clear()
    _SIMPLE.clear()
    _plain_form.cache_clear()
    names.clear_cache()


def _canon(toks: list[Unit], look: list[Unit], after_number: bool) -> list[str]:
    n = len(toks)
    keys = [u.key.replace("’", "'") for u in toks]
    lkeys = [u.key.replace("’", "'") for u in look]
    out: list[str] = []
    i = 0
    while i < n:
        u, k = toks[i], keys[i]
        num_before = bool(out and out[-1].startswith("#")) or (not out and after_number)
        # bounds and hedges before a number
        hit = False
        for L in range(min(_BOUND_MAX, n - i) if k in _BOUND_FIRST else 0, 0, -1):
            ph = " ".join(keys[i:i + L])
            if ph in _BOUNDS and _starts_number(look, lkeys, i + L):
                out.append(">" + _BOUNDS[ph])
                i += L
                hit = True
                break
        if hit:
            continue
        # numbers with scales, currencies and units
        if _starts_number(toks, keys, i):
            j, val, ordinal, cur = _read_number(toks, keys, i)
            if val is not None and j > i:
                day = (ordinal or (val.is_integer() and 1 <= val <= 31 and u.kind == "number")) and (
                    (j < n and keys[j] in _MONTH) or (j + 1 < n and keys[j] == "of" and keys[j + 1] in _MONTH)
                    or (out and out[-1].startswith("m:")))
                tok = f"#ord{_fmt(val)}" if ordinal or day else f"#{_fmt(val)}"
                if day and out and out[-1].startswith("m:"):
                    out.insert(len(out) - 1, tok)  # "March 10" -> day, month
                else:
                    out.append(tok)
                if cur:
                    out.append("u:" + cur)
                if day and j < n and keys[j] == "of" and j + 1 < n and keys[j + 1] in _MONTH:
                    j += 1
                i = j
                continue
        if k in _MONTH and (u.text[:1].isupper() or k != "may"):
            out.append("m:" + _MONTH[k])
            i += 1
            continue
        if u.kind == "punct":
            if u.text == "%":
                out.append("u:%")
            elif u.text in "$£€¥" and not (i + 1 < n and _starts_number(toks, keys, i + 1)):
                out.append("u:" + _CURRENCY[u.text])
            i += 1
            continue
        # negation paraphrases
        if k in _FAIL and i + 1 < n and keys[i + 1] == "to":
            out.append("not")
            i += 2
            continue
        if k in _DO and i + 1 < n and keys[i + 1] in ("not", "n't"):
            i += 1
            continue
        if k in _CAN and i + 1 < n and keys[i + 1] in ("not", "n't"):  # "could not" = "unable to"
            out.extend(("not", "able"))
            i += 2
            continue
        if k == "unable" and i + 1 < n and keys[i + 1] == "to" or k == "able" and out and out[-1] == "not" \
                and i + 1 < n and keys[i + 1] == "to":
            if out and out[-1] in ("is", "are", "was", "were", "be", "been", "being", "am"):
                out.pop()
            if k == "unable":
                out.append("not")
            out.append("able")
            i += 2
            continue
        if k in _SCALES and num_before and len(k) > 1 and u.kind == "word" and k not in ("hundred",):
            out.append(f"x{_SCALES[k]}")
            i += 1
            continue
        if k == "degrees" and num_before and i + 1 < n and keys[i + 1] in _UNITS:
            i += 1
            continue
        if k.endswith("n't"):
            aux = vocab.NEGATED_CONTRACTIONS.get(k)
            if aux in _CAN:
                out.extend(("not", "able"))
                i += 1
                continue
            if aux and aux not in _DO:
                out.append(aux)
            out.append("not")
            i += 1
            continue
        if k == "cannot":
            out.extend(("not", "able"))
            i += 1
            continue
        if k == "n't":
            out.append("not")
            i += 1
            continue
        base = _negated_word(k) if u.text[:1].islower() else None
        if base:
            out.extend(("not", "~" + _HEDGE_CLASS[base] if base in _HEDGE_CLASS else spelling(base)))
            i += 1
            continue
        if k in _HEDGE_CLASS:
            out.append("~" + _HEDGE_CLASS[k])
            i += 1
            continue
        if k in ("the", "a", "an"):
            i += 1
            continue
        if k in _UNITS and (num_before or out and out[-1].startswith("u:")) and u.kind == "word":
            out.append("u:" + _UNITS[k])
            i += 1
            continue
        if k == "per" and i + 1 < n and keys[i + 1] == "cent" and out and out[-1].startswith("#"):
            out.append("u:%")
            i += 2
            continue
        if k in _CURRENCY and out and out[-1].startswith("#"):
            out.append("u:" + _CURRENCY[k])
            i += 1
            continue
        # names: the longest known name starting here (case decides for abbreviations)
        j = i
        while j < n and toks[j].kind == "word" and j - i < 6:
            j += 1
        if j > i and names.may_start_name(k):
            ids = names.canonical_names(keys[i:j], [t.text for t in toks[i:j]])
            first = ids[0] if ids else ""
            if first and (first.isupper() or first.startswith("org:") or first in ("europe", "korea")):
                consumed = _consumed(keys[i:j], [t.text for t in toks[i:j]])
                out.append(first)
                i += max(1, consumed)
                continue
        parts = k.split("-")
        if len(parts) > 1 and all(parts) and any(p in _SMALL or p in _ORD or names.known(p) for p in parts):
            # "three-Series" = "3-Series", "fourth-largest", "Japan-largest": a number or a name inside
            for p in parts:
                if p in _SMALL:
                    out.append(f"#{_SMALL[p]}")
                elif p in _ORD:
                    out.append(f"#ord{_ORD[p]}")
                else:
                    ids = names.canonical_names([p])
                    out.append(ids[0] if ids and names.known(p) else spelling(p))
            i += 1
            continue
        out.append(_plain_form(k))
        i += 1
    # "the president of Ukraine" = "Ukraine's president"
    for q in range(len(out) - 2):
        if out[q + 1] == "of" and (out[q + 2].isupper() or out[q + 2].startswith("org:")) \
                and (out[q][:1].isalpha() and out[q].islower() or out[q].startswith("#ord")):
            out[q:q + 3] = [out[q + 2], out[q]]
            break
    return out


@functools.lru_cache(maxsize=65536)
def _plain_form(k: str) -> str:
    """The canonical form of a plain word: possessive dropped, one spelling."""
    return spelling(names.strip_possessive(k))


def _consumed(keys: list[str], texts: list[str]) -> int:
    """How many tokens the first canonical name of ``keys`` covers."""
    first = names.canonical_names(keys[:1], texts[:1])
    for L in range(len(keys), 0, -1):
        ids = names.canonical_names(keys[:L], texts[:L])
        if len(ids) == 1:
            return L
    return 1 if first else 0


def _starts_number(toks: Sequence[Unit], keys: Sequence[str], i: int) -> bool:
    if i >= len(toks):
        return False
    if toks[i].kind == "punct" and toks[i].text in "$£€¥":
        return i + 1 < len(toks) and _starts_number(toks, keys, i + 1)
    k = keys[i]
    return (toks[i].kind == "number" or k in _SMALL or k in _ORD
            or "-" in k and all(p in _SMALL for p in k.split("-")))


def _read_number(toks: Sequence[Unit], keys: Sequence[str], i: int) -> tuple[int, float | None, bool, str]:
    """Read one number phrase at ``i``: returns (end, value, is ordinal, currency)."""
    n = len(toks)
    cur = ""
    if toks[i].kind == "punct":
        cur = _CURRENCY.get(toks[i].text, "")
        i += 1
    total = 0.0
    current = 0.0
    seen = False
    ordinal = False
    j = i
    while j < n:
        u, k = toks[j], keys[j]
        if u.kind == "number" and not seen:
            try:
                current = float(k.rstrip("%"))
            except ValueError:
                return j, None, False, cur
            seen = True
            j += 1
            if k.endswith("%"):
                cur = cur or "%"
                break
            continue
        if k in _SMALL and (not seen or current % 100 and current < 100 and _SMALL[k] < 10 or current == 0):
            current += _SMALL[k]
            seen = True
            j += 1
            continue
        if "-" in k and all(p in _SMALL for p in k.split("-")) and not seen:
            current = float(sum(_SMALL[p] for p in k.split("-")))
            seen = True
            j += 1
            continue
        if k in _ORD and not seen:
            current = float(_ORD[k])
            ordinal = seen = True
            j += 1
            break
        if seen and k in _ORD_SUFFIX and u.kind == "word" and j > 0 and toks[j - 1].end == u.start:
            ordinal = True
            j += 1
            break
        if seen and k in _SCALES and (len(k) > 2 or j > 0 and toks[j - 1].end == u.start or k in ("bn", "tn", "mn")):
            scale = _SCALES[k]
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0.0
            j += 1
            continue
        if seen and k == "and" and j + 1 < n and keys[j + 1] in _SMALL and current >= 100:
            j += 1
            continue
        break
    if not seen:
        return i, None, False, cur
    if cur == "%":
        return j, total + current, ordinal, "%"
    return j, total + current, ordinal, cur


def prefix_bases(units: Sequence[Unit]) -> list[str]:
    """Base words of the prefix-negated words among ``units`` ('unnecessary' -> 'necessary')."""
    out = []
    for u in units:
        if u.kind == "word" and u.text[:1].islower():
            b = _negated_word(u.key)
            if b:
                out.append("~" + _HEDGE_CLASS[b] if b in _HEDGE_CLASS else spelling(b))
    return out


def same_form(a: Sequence[str], b: Sequence[str]) -> bool:
    """Canonical forms equal, or equal once written without spaces ("fourth largest" /
    "fourth-largest", "cease fire" / "ceasefire")."""
    return list(a) == list(b) or "".join(a) == "".join(b)


def negations(tokens: Sequence[str]) -> int:
    """How many negations a canonical token list holds."""
    return sum(1 for t in tokens if t in _NEGATORS)


# ----------------------------------------------------------------------------- antonyms

@functools.lru_cache(maxsize=1)
def _antonym_table() -> dict[str, frozenset[str]]:
    return dict(vocab.ANTONYMS)


_IRREGULAR: Final = {"lost": "lose", "won": "win", "fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise",
              "sold": "sell", "bought": "buy", "left": "leave", "began": "begin", "begun": "begin",
              "took": "take", "taken": "take", "gave": "give", "given": "give", "sent": "send", "led": "lead",
              "held": "hold", "grew": "grow", "grown": "grow", "shrank": "shrink", "shrunk": "shrink",
              "withdrew": "withdraw", "withdrawn": "withdraw", "came": "come", "went": "go", "gone": "go",
              "brought": "bring", "lent": "lend", "shut": "shut", "froze": "freeze", "frozen": "freeze",
              "struck": "strike", "forbade": "forbid", "forbidden": "forbid", "better": "good", "best": "good",
              "worse": "bad", "worst": "bad", "more": "much", "most": "much", "less": "little", "least": "little"}


@functools.lru_cache(maxsize=65536)
def _bases(w: str) -> tuple[str, ...]:
    """The word, its base forms, and its positive degree ('highest' -> 'high', 'bigger' -> 'big')."""
    out = list(lazy_module("unspin.lexicon").lemma_forms(w))
    if w in _IRREGULAR and w not in ("better", "best", "worse", "worst", "more", "most", "less", "least"):
        out.append(_IRREGULAR[w])
    for suf in ("est", "er"):
        if w.endswith(suf) and len(w) > len(suf) + 2:
            stem = w[: -len(suf)]
            out.append(stem)
            if len(stem) > 2 and stem[-1] == stem[-2]:
                out.append(stem[:-1])
            if stem.endswith("i"):
                out.append(stem[:-1] + "y")
            out.append(stem + "e")
    if w.endswith("ied"):
        out.append(w[:-3] + "y")
    if w.endswith("ing") and len(w) > 5:
        out.append(w[:-3])
        out.append(w[:-3] + "e")
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=65536)
def antonyms(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` (lower-case words or short phrases) are listed antonyms, in
    any inflection or degree ('rose'/'fell', 'highest'/'lowest', 'acquitted'/'convicted')."""
    if a == b:
        return False
    t = _antonym_table()
    ba, bb = _bases(a) if " " not in a else (a,), _bases(b) if " " not in b else (b,)
    if set(ba) & set(bb):
        return False
    return any(y in t.get(x, ()) for x in ba for y in bb)


@functools.lru_cache(maxsize=65536)
def antonym_sides(w: str) -> int:
    """What ``antonyms`` can say of ``w`` (a word or short phrase) with any other word: bit 1,
    some base form of ``w`` has listed antonyms (``antonyms(w, x)`` can be true); bit 2, some
    base form is listed as an antonym (``antonyms(x, w)`` can be true). Both zero for most
    words, so a caller asks ``antonyms`` only about pairs that can be antonyms."""
    t = _antonym_table()
    bs = _bases(w) if " " not in w else (w,)
    return (1 if any(x in t for x in bs) else 0) | (2 if any(x in _antonym_values() for x in bs) else 0)


@functools.lru_cache(maxsize=1)
def _antonym_values() -> frozenset[str]:
    return frozenset(y for ys in _antonym_table().values() for y in ys)


def indirect_antonyms(a: str, b: str) -> bool:
    """``b`` is a mutual thesaurus synonym of a listed antonym of ``a`` ('conquer' for 'liberate':
    'conquer' and 'occupy' list each other in Moby, and 'occupy' is an antonym of 'liberate').
    Callers ask only about words with no direct lexical link."""
    th = lazy_module("unspin.lexicon").thesaurus()
    t = _antonym_table()
    opposites = {y for x in _bases(a) for y in t.get(x, ())}
    if not opposites:
        return False
    for bb in _bases(b):
        syn_b = th.synonyms(bb)
        # a hop through a word with many senses ("come", "fall", "set") proves nothing
        if not syn_b or len(syn_b) > _MAX_SENSES:
            continue
        for o in opposites:
            if o in syn_b and bb in (syn_o := th.synonyms(o)) and len(syn_o) <= _MAX_SENSES:
                return True
    return False


#: Words with more Moby synonyms than this are too polysemous for a synonym-of-antonym hop.
_MAX_SENSES: Final = 150


def degree(w: str) -> str:
    """'comparative', 'superlative' or '' for an adjective-like word ('higher', 'lowest')."""
    if w in ("more", "less", "fewer", "better", "worse", "greater"):
        return "comparative"
    if w in ("most", "least", "fewest", "best", "worst"):
        return "superlative"
    if w.endswith("est") and len(w) > 5 and any(x in _antonym_table() for x in _bases(w)[1:]):
        return "superlative"
    if w.endswith("er") and len(w) > 4 and any(x in _antonym_table() for x in _bases(w)[1:]):
        return "comparative"
    return ""


# ----------------------------------------------------------------------------- contextual encoder

#: Fitted by ``benchmarks/fit_meaning.py`` on ``benchmarks/data/meaning-dev/pairs.jsonl``
#: (invented; no evaluation data): a swap of two words with no lexical link is a change of
#: meaning when the word-in-context cosine is below ``wic`` and the sentence shift (see
#: ``contextual_scores``) at least ``shift``. Regenerate with
#: ``python benchmarks/fit_meaning.py --write``. The ``linked_*`` pair is the same fit on swaps the
#: thesaurus links (wrong senses it accepts): it catches 2 of 13 such flips at zero false
#: positives, too little to pay for encoding every synonym swap, so ``diff`` does not use it.
MEANING_THRESHOLDS: Final[dict[str, float]] = {"wic": 0.3, "shift": 0.08, "linked_wic": 0.2, "linked_shift": 0.22}


_WORDS: Final = re.compile(r"\w+")


def contextual_scores(items: Sequence[tuple[str, int, int, str, int, int]]) -> list[tuple[float, float]]:
    """(word-in-context cosine, sentence shift) for each (copy sentence, copy word start, end,
    source sentence, source word start, end), encoding every distinct sentence once, batched.
    The sentence shift is one minus the sentence cosine, times the source sentence's words / 10
    (a one-word change moves a long sentence's mean vector less)."""
    if not items:
        return []
    from unspin.encoder import cosine, get_encoder

    texts = list(dict.fromkeys(t for it in items for t in (it[0], it[3])))
    pos = {t: k for k, t in enumerate(texts)}
    enc = get_encoder().encode(texts)
    out: list[tuple[float, float]] = []
    for ct, cs, ce, st, ss, se in items:
        ec, es = enc[pos[ct]], enc[pos[st]]
        vc, vs = ec.span_vector(cs, ce), es.span_vector(ss, se)
        wic = cosine(vc, vs) if vc is not None and vs is not None else 0.0
        sent = cosine(ec.states.mean(axis=0), es.states.mean(axis=0))
        # one word moves a long sentence less: scale the change to a 10-word sentence
        words = max(1, len(_WORDS.findall(st)))
        out.append((wic, (1.0 - sent) * words / 10.0))
    return out


# ----------------------------------------------------------------------------- sense in context

#: Bounded caches of encoder outputs: gloss vectors per WordNet synset, context vectors per text.
_GLOSS_VECS: Final[dict[int, Any]] = {}
_CONTEXT_VECS: Final[dict[str, Any]] = {}
_VEC_CACHE_MAX: Final = 20_000


def _vectors(texts: Sequence[str], cache: dict[Any, Any], keys: Sequence[Any]) -> list[Any]:
    """Sentence vectors of ``texts`` through the shared encoder, remembered under ``keys``."""
    todo = [k for k, key in enumerate(keys) if key not in cache]
    if todo:
        from unspin.encoder import get_encoder

        vecs = get_encoder().sentence_vectors([texts[k] for k in todo])
        if len(cache) + len(todo) > _VEC_CACHE_MAX:
            cache.clear()
        for k, v in zip(todo, vecs, strict=True):
            cache[keys[k]] = v
    return [cache[key] for key in keys]


def sense_scores(context: str, word: str) -> list[tuple[int, float]]:
    """(synset, cosine of the context with the synset's gloss) for every WordNet sense of
    lower-case ``word``, in WordNet's order: which sense the context selects."""
    from unspin import senses

    syn = senses.ordered(word)
    if not syn:
        return []
    gl = _vectors([senses.gloss_text(s) for s in syn], _GLOSS_VECS, syn)
    cv = _vectors([context], _CONTEXT_VECS, [context])[0]
    return [(s, float(v @ cv)) for s, v in zip(syn, gl, strict=True)]


def sense_margin(context: str, source_word: str, copy_word: str) -> tuple[float, int, int] | None:
    """How much better the context fits a sense of ``source_word`` that ``copy_word`` cannot
    stand for than any sense it can (``unspin.senses.compatible``): (margin, the best
    incompatible sense, the best compatible one); None when the senses do not split that way
    (the copy word fits all of them, or none)."""
    from unspin import senses

    scores = sense_scores(context, source_word)
    comp = [(c, s) for s, c in scores if senses.compatible(s, copy_word)]
    other = [(c, s) for s, c in scores if not senses.compatible(s, copy_word)]
    if not comp or not other:
        return None
    bo, bc = max(other), max(comp)
    return bo[0] - bc[0], bo[1], bc[1]


def fit_margin(context: str, source_word: str, copy_word: str) -> float | None:
    """How much better the context fits the best WordNet sense of ``source_word`` than the best
    sense of ``copy_word`` (gloss cosines): a copy word none of whose senses suits the sentence
    scores high. None when WordNet lacks either word."""
    sb = sense_scores(context, source_word)
    sa = sense_scores(context, copy_word)
    if not sb or not sa:
        return None
    return max(c for _, c in sb) - max(c for _, c in sa)
