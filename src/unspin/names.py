"""When two names mean the same entity: country names, official names, codes and demonyms,
organisation abbreviations, transliteration variants, and people named by surname.

``diff`` uses it so that "U.S." / "United States" / "American", "Russia's" / "Russian",
"Belarus" / "Belarusian", "Kyiv" / "Kiev" and "Zelensky" / "Zelenskyy" are not reported as
fact changes, while "North Korean" / "South Korean" and "Russian" / "Soviet" still are.

Data: country names, official names, common names and ISO codes come from ``pycountry``
(pinned; LGPL-2.1, the ISO 3166 data of Debian's iso-codes); demonyms and the common short
forms news copy uses ("Britain", "Russia", "South Korea") from ``unspin.vocab`` and the small
tables below (written by us). Every name maps to a canonical id: the ISO alpha-3 code for a
country ("RUS"), ``org:...`` for an organisation, the lower-cased name otherwise.

All functions take and return lower-case token keys as ``unspin.align`` makes them
(possessive "'s" kept on the token; "U.S." arrives as "u", "s").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Final

from rapidfuzz.distance import Levenshtein

from unspin import vocab
from unspin.text import lower

__all__ = ["canonical_names", "same_entity", "skeleton", "transliteration_variant", "strip_possessive"]

#: Short forms and aliases news copy uses for countries -> ISO alpha-3 (ours, reviewed).
COUNTRY_ALIASES: Final[dict[str, str]] = {
    "us": "USA", "usa": "USA", "america": "USA", "united states": "USA", "united states of america": "USA",
    "the states": "USA", "american": "USA", "americans": "USA",
    "uk": "GBR", "gb": "GBR", "britain": "GBR", "great britain": "GBR", "united kingdom": "GBR",
    "british": "GBR", "briton": "GBR", "britons": "GBR",
    "russia": "RUS", "russian federation": "RUS", "russian": "RUS", "russians": "RUS",
    "south korea": "KOR", "republic of korea": "KOR", "rok": "KOR", "south korean": "KOR",
    "north korea": "PRK", "dprk": "PRK", "north korean": "PRK",
    "democratic people's republic of korea": "PRK", "north koreans": "PRK", "south koreans": "KOR",
    "soviet union": "SUN", "soviet": "SUN", "ussr": "SUN", "soviets": "SUN",
    "holland": "NLD", "the netherlands": "NLD", "iran": "IRN", "syria": "SYR", "vietnam": "VNM",
    "czechia": "CZE", "czech republic": "CZE", "turkey": "TUR", "turkiye": "TUR", "türkiye": "TUR",
    "ivory coast": "CIV", "uae": "ARE", "united arab emirates": "ARE", "emirati": "ARE",
    "drc": "COD", "dr congo": "COD", "democratic republic of congo": "COD", "congo-kinshasa": "COD", "prc": "CHN", "mainland china": "CHN",
    "taiwan": "TWN", "palestine": "PSE", "laos": "LAO", "bolivia": "BOL", "venezuela": "VEN",
    "tanzania": "TZA", "moldova": "MDA", "kosovo": "XKX", "vatican": "VAT", "vatican city": "VAT",
    "burma": "MMR", "myanmar": "MMR", "burmese": "MMR", "cape verde": "CPV", "eswatini": "SWZ",
    "swaziland": "SWZ", "macedonia": "MKD", "north macedonia": "MKD", "brunei": "BRN",
    "ukrainians": "UKR", "israelis": "ISR", "palestinians": "PSE", "europe": "europe",
    "european": "europe", "europeans": "europe", "korea": "korea", "korean": "korea",
    "koreans": "korea", "kyivan": "UKR",
}

#: Organisations: every name and abbreviation -> one id (ours, reviewed).
ORGANISATIONS: Final[dict[str, tuple[str, ...]]] = {
    "un": ("un", "united nations", "u n"),
    "eu": ("eu", "european union", "e u"),
    "nato": ("nato", "north atlantic treaty organization", "north atlantic treaty organisation",
             "north atlantic alliance"),
    "who": ("who", "world health organization", "world health organisation"),
    "imf": ("imf", "international monetary fund"),
    "ap": ("ap", "associated press", "the associated press", "a p"),
    "afp": ("afp", "agence france-presse", "agence france presse"),
    "bbc": ("bbc", "british broadcasting corporation"),
    "fbi": ("fbi", "federal bureau of investigation"),
    "cia": ("cia", "central intelligence agency"),
    "icc": ("icc", "international criminal court"),
    "iaea": ("iaea", "international atomic energy agency"),
    "opec": ("opec", "organization of the petroleum exporting countries"),
    "wto": ("wto", "world trade organization", "world trade organisation"),
    "ecb": ("ecb", "european central bank"),
    "fed": ("fed", "federal reserve", "us federal reserve", "the federal reserve"),
    "nhs": ("nhs", "national health service"),
    "kcna": ("kcna", "korean central news agency"),
    "unicef": ("unicef", "united nations children's fund"),
    "pentagon": ("pentagon", "us department of defense", "department of defense"),
    "kremlin": ("kremlin",),
    "white house": ("white house",),
}

_POSSESSIVE: Final = re.compile(r"(?:'s|’s|'|’)$")


def strip_possessive(key: str) -> str:
    """'russia's' -> 'russia' (and "states'" -> 'states')."""
    # the pattern can only match at an apostrophe at the end (or before a final newline, as "$" allows)
    return _POSSESSIVE.sub("", key) if len(key) > 2 and key.endswith(("'", "’", "s", "\n")) else key


@functools.lru_cache(maxsize=65536)
def _fold(s: str) -> str:
    if s.isascii():  # NFKD leaves ASCII as it is and it has no combining marks
        return s.lower()
    s = unicodedata.normalize("NFKD", s)
    return lower("".join(ch for ch in s if not unicodedata.combining(ch)))  # (see unspin.text.lower)


@functools.lru_cache(maxsize=1)
def _table() -> dict[tuple[str, ...], str]:
    """Name (as a tuple of lower-case tokens) -> canonical id."""
    import pycountry

    out: dict[tuple[str, ...], str] = {}

    def add(name: str, cid: str) -> None:
        name = _fold(name).replace(".", " ").replace(",", " ")
        toks = tuple(t for t in re.split(r"[\s]+", name) if t and t != "the")
        if toks and toks not in out:
            out[toks] = cid

    for alias, cid in COUNTRY_ALIASES.items():
        add(alias, cid)
    for oid, forms in ORGANISATIONS.items():
        for f in forms:
            add(f, "org:" + oid)
    for c in list(pycountry.countries) + list(pycountry.historic_countries):
        cid = c.alpha_3
        for attr in ("common_name", "official_name", "name"):
            v = getattr(c, attr, None)
            if not v:
                continue
            if "," in v:  # "Korea, Republic of" -> "Republic of Korea"
                head, _, tail = v.partition(",")
                v = f"{tail.strip()} {head.strip()}"
            add(v, cid)
    # our country list with its demonyms (Belarus / Belarusian, Netherlands / Dutch)
    for country, dem in vocab.COUNTRY_DEMONYM.items():
        cid = out.get(tuple(_fold(country).split())) or _fold(country)
        add(country, cid)
        add(dem, cid)
        if not dem.endswith("s") and dem not in ("Swiss", "Chinese", "Japanese"):
            add(dem + "s", cid)
    return out


@functools.lru_cache(maxsize=1)
def _max_len() -> int:
    return max(len(k) for k in _table())


def canonical_names(keys: Sequence[str], texts: Sequence[str] | None = None) -> list[str]:
    """Canonical ids of a run of name tokens: known names matched greedily (longest first),
    "the" and possessives dropped, runs of single letters joined ("u", "s" -> "us"), other
    tokens kept as they are. With ``texts`` (the tokens as written), a short abbreviation
    matches only when written in capitals ("UN", not the "Un" of "Kim Jong Un").

    ``canonical_names(["u", "s"]) == canonical_names(["united", "states"]) == ["USA"]``.
    """
    return list(_canonical_names(tuple(keys), tuple(texts) if texts is not None else None))


@functools.lru_cache(maxsize=1)
def _first_tokens() -> frozenset[str]:
    return frozenset(k[0] for k in _table())


@functools.lru_cache(maxsize=65536)
def may_start_name(key: str) -> bool:
    """False when no known name starts with this token (so ``canonical_names`` of a run that
    starts with it returns the run as it is): a fast test before the full lookup."""
    k = strip_possessive(_fold(key))
    return k in _first_tokens() or len(k) == 1


def clear_cache() -> None:
    """Forget remembered name runs (see ``unspin.meaning.clear_cache``)."""
    _canonical_names.cache_clear()
    _fold.cache_clear()
    may_start_name.cache_clear()


@functools.lru_cache(maxsize=65536)
def _canonical_names(keys: tuple[str, ...], texts: tuple[str, ...] | None) -> tuple[str, ...]:
    t = _table()
    pairs = [(strip_possessive(_fold(k)), (texts[i] if texts is not None else k.upper()))
             for i, k in enumerate(keys) if k not in ("the", ".", ",")]
    toks: list[str] = []
    caps: list[bool] = []
    letters: list[bool] = []  # the token is a run of capital initials ("U.S." -> "us")
    for k, txt in pairs:
        initial = len(k) == 1 and k.isalpha() and txt.isupper()
        if initial and toks and letters[-1]:
            toks[-1] += k
            continue
        toks.append(k)
        bare = strip_possessive(txt)
        caps.append(bare.isupper() or not bare.isalpha())
        letters.append(initial)
    out: list[str] = []
    i = 0
    while i < len(toks):
        for L in range(min(_max_len(), len(toks) - i), 0, -1):
            hit = t.get(tuple(toks[i:i + L]))
            if hit is not None and L == 1 and len(toks[i]) <= 4 and toks[i] in _ABBREVIATIONS \
                    and not caps[i]:
                continue
            if hit is not None:
                out.append(hit)
                i += L
                break
        else:
            out.append(toks[i])
            i += 1
    return tuple(out)


_ABBREVIATIONS: Final = {"us", "usa", "uk", "gb", "un", "eu", "ap", "afp", "rok", "dprk", "drc", "prc",
                  "uae", "bbc", "fbi", "cia", "icc", "imf", "wto", "ecb", "nhs", "nato", "who",
                  "opec", "fed", "ussr"}


def known(key: str) -> bool:
    """True when one token alone is a known country, demonym or organisation name."""
    return (strip_possessive(_fold(key)),) in _table()


_SKEL_MAP: Final = (("ph", "f"), ("kh", "h"), ("dh", "d"), ("zh", "j"), ("ck", "k"), ("q", "k"),
             ("c", "k"), ("w", "v"), ("y", "i"), ("x", "ks"))


def skeleton(name: str) -> str:
    """Consonant skeleton of a name for transliteration variants: 'Kyiv' and 'Kiev' -> 'kv',
    'Zelensky' and 'Zelenskyy' -> 'zlnsk' (first letter kept, vowels dropped, doubles merged)."""
    s = _fold(strip_possessive(name))
    s = re.sub(r"[^a-z]", "", s)
    for a, b in _SKEL_MAP:
        s = s.replace(a, b)
    if not s:
        return ""
    body = re.sub(r"[aeiou]", "", s[1:])
    out = s[0]
    for ch in body:
        if ch != out[-1]:
            out += ch
    return out


def transliteration_variant(a: str, b: str) -> bool:
    """Two spellings of one foreign name ("Kyiv"/"Kiev", "Zelensky"/"Zelenskyy",
    "Gaddafi"/"Qaddafi"): same consonant skeleton, or skeletons one edit apart when both are
    at least five consonants long, with the first letters agreeing; never two different
    known countries or demonyms ("Austrian"/"Australian")."""
    a, b = strip_possessive(_fold(a)), strip_possessive(_fold(b))
    if a == b:
        return True
    if known(a) or known(b) or len(a) < 4 or len(b) < 4:
        return False
    sa, sb = skeleton(a), skeleton(b)
    if sa[:1] != sb[:1]:
        return {sa[:1], sb[:1]} == {"k", "g"} and sa[1:] == sb[1:] and len(sa) >= 3
    if sa == sb:
        return Levenshtein.distance(a, b) <= max(2, len(a) // 3)
    return min(len(sa), len(sb)) >= 5 and Levenshtein.distance(sa[1:], sb[1:]) <= 1 \
        and Levenshtein.distance(a, b) <= 2


def same_entity(a: Sequence[str], b: Sequence[str], a_texts: Sequence[str] | None = None,
                b_texts: Sequence[str] | None = None) -> bool:
    """Do two runs of name tokens name the same entity?

    True for equal canonical ids ("US" / "United States", "Russia's" / "Russian"), for
    transliteration variants token by token, and for one person named in full on one side and
    by part of the name on the other ("Volodymyr Zelensky" / "Zelensky"; titles and honorifics
    ignored). Countries and demonyms never match a different country ("South Korean" /
    "Korean" / "North Korean" stay apart).
    """
    ra, rb = canonical_names(a, a_texts), canonical_names(b, b_texts)
    ta, tb = {x for x in ra if x in _TITLE_TOKENS}, {x for x in rb if x in _TITLE_TOKENS}
    if ta and tb and ta != tb:  # "Prime Minister X" / "Justice Minister X": the office changed
        return False
    ca, cb = _drop_titles(ra), _drop_titles(rb)
    if ca == cb:
        return True
    if not ca or not cb:
        return False
    ids = {x for x in ca + cb if x.isupper() or x.startswith("org:") or x in ("europe", "korea")}
    if ids and sorted(x for x in ca if x in ids) != sorted(x for x in cb if x in ids):
        return False
    ra = [x for x in ca if x not in ids]
    rb = [x for x in cb if x not in ids]
    if not ra or not rb:
        return not ra and not rb
    short, long_ = (ra, rb) if len(ra) <= len(rb) else (rb, ra)
    # every token of the shorter name is (a variant of) a token of the longer one
    return all(any(transliteration_variant(x, y) for y in long_) for x in short)


_TITLE_TOKENS: Final = {w for t in vocab.TITLES for w in t.split()} | {h.lower() for h in vocab.HONORIFICS}


def _drop_titles(ids: list[str]) -> list[str]:
    return [x for x in ids if x not in _TITLE_TOKENS]
