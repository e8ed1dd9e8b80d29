"""Invented source articles in any number, for crawls at scale (benchmark input only).

A synthetic crawl of 100,000 pages needs about 28,000 distinct stories; the BBC development
set has 1,585 usable ones. :class:`SourceModel` is an order-2 word Markov model fitted at run
time on texts it is given (e.g. the BBC development set in ``../shared``; nothing of it is
stored in the repository), over *slots*: every name (a capitalised word inside a sentence,
or at its start when the corpus never writes it in lower case) becomes ``<N>`` and every
number ``<D>``. A generated story gets its own invented cast (people, places, organisations
made from random syllables) and its own numbers in those slots, so two stories share
neither names nor numbers.

**No long shared runs.** An order-2 chain fitted on a few thousand articles follows a
training sentence word for word wherever its contexts are rare, and two stories would then
share that sentence. While generating, whenever the last ``novelty`` slots form a run that
occurs in the training texts, the next word is drawn from the order-1 model instead (a
back-off), so a story reproduces no run of more than about ``novelty`` words of the training
text, and different stories share only short, common runs (measured by
``benchmarks/make_crawl.py --check-runs``).

Deterministic: story ``k`` of seed ``s`` depends only on the fitted texts, ``s`` and ``k``
(``random.Random`` seeded through :func:`unspin.synth.copy_seed`).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from unspin.models import Article

__all__ = ["SourceModel", "fit", "invent_name"]

_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*\d%?|\d%?|[.,;:!?$£€%]")
_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_NO_SPACE_BEFORE = frozenset(".,;:!?%")
_NO_SPACE_AFTER = frozenset("$£€")
_KEEP_CAPS = frozenset({
    "I", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
})
_S, _E, _N, _D = "<s>", "</s>", "<N>", "<D>"

_ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p",
           "pr", "r", "s", "st", "t", "tr", "v", "w", "z", "sh", "ch", "th")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y")
_CODAS = ("", "", "n", "r", "l", "s", "th", "nd", "rk", "ck", "m", "x", "v")
_PLACE_ENDS = ("ton", "ford", "burg", "vale", "mouth", "stad", "ia", "ova", "port", "field")
_ORG_ENDS = ("Group", "Holdings", "Institute", "Council", "Partners", "Bank", "Union", "Agency")


def invent_name(rng: random.Random, syllables: tuple[int, int] = (2, 3)) -> str:
    """A pronounceable invented word, capitalised (e.g. "Trelovan")."""
    n = rng.randint(*syllables)
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(n)]
    return ("".join(parts) + rng.choice(_CODAS)).capitalize()


@dataclass(slots=True)
class _Cast:
    """The names and numbers of one story."""

    people: list[tuple[str, str]]
    places: list[str]
    orgs: list[str]
    used: list[str] = field(default_factory=list)

    def name(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.55:
            first, last = self.people[min(int(rng.expovariate(1.0)), len(self.people) - 1)]
            return f"{first} {last}" if rng.random() < 0.35 else last
        if r < 0.85:
            return self.places[min(int(rng.expovariate(1.2)), len(self.places) - 1)]
        return self.orgs[min(int(rng.expovariate(1.5)), len(self.orgs) - 1)]


def _number(rng: random.Random, after: str) -> str:
    if after in ("$", "£", "€"):
        return f"{rng.randint(2, 950)}{rng.choice(('m', 'bn', '', ''))}"
    r = rng.random()
    if r < 0.3:
        return str(rng.randint(2, 99))
    if r < 0.45:
        return str(rng.randint(1990, 2025))
    if r < 0.6:
        return f"{rng.randint(2, 99)}%"
    if r < 0.8:
        return f"{rng.randint(1, 999)},{rng.randint(0, 999):03d}"
    return f"{rng.randint(1, 99)}.{rng.randint(1, 9)}"


def _slots(sentence: str, lower_words: set[str]) -> list[str]:
    toks = _TOKEN_RE.findall(sentence)
    out: list[str] = []
    for k, t in enumerate(toks):
        c = t[0]
        if c.isdigit():
            slot = _D
        elif c.isupper() and t not in _KEEP_CAPS and (k > 0 or t.lower() not in lower_words):
            slot = _N
        elif k == 0 and c.isupper() and t not in _KEEP_CAPS:
            slot = t.lower()
        else:
            slot = t
        if slot == _N and out and out[-1] == _N:
            continue  # a multi-word name is one slot
        out.append(slot)
    return out


def _h(run: tuple[str, ...]) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(run).encode(), digest_size=8).digest(), "little")


class SourceModel:
    """An order-2 slot Markov model with a novelty back-off (see the module docstring)."""

    def __init__(self, novelty: int = 6) -> None:
        self.novelty = novelty
        self.next2: dict[tuple[str, str], list[str]] = {}
        self.next1: dict[str, list[str]] = {}
        self.runs: set[int] = set()
        self.sentences = 0

    def add(self, texts: Iterable[str]) -> SourceModel:
        """Fit on ``texts`` (paragraphs separated by newlines)."""
        texts = list(texts)
        lower_words = {w for t in texts for w in re.findall(r"\b[a-z][a-z'\-]*\b", t)}
        for text in texts:
            for para in text.split("\n"):
                for sent in _SENT_RE.split(para.strip()):
                    toks = _slots(sent, lower_words)
                    if len(toks) < 4:
                        continue
                    self.sentences += 1
                    seq = [_S, _S, *toks, _E]
                    for i in range(2, len(seq)):
                        self.next2.setdefault((seq[i - 2], seq[i - 1]), []).append(seq[i])
                        self.next1.setdefault(seq[i - 1], []).append(seq[i])
                    n = self.novelty
                    for i in range(len(toks) - n + 1):
                        self.runs.add(_h(tuple(toks[i:i + n])))
        return self

    def _sentence(self, rng: random.Random) -> list[str]:
        n = self.novelty
        for _ in range(20):
            out: list[str] = []
            w1, w2 = _S, _S
            while len(out) < 60:
                if len(out) >= n and _h(tuple(out[-n:])) in self.runs:
                    choices = self.next1.get(w2) or self.next2[(w1, w2)]
                else:
                    choices = self.next2.get((w1, w2)) or self.next1[w2]
                w = rng.choice(choices)
                if w == _S:
                    continue
                if w == _E:
                    break
                out.append(w)
                w1, w2 = w2, w
            if 6 <= len(out) < 60 and out[-1] in (".", "!", "?"):
                return out
        return out if out else [_N, "said", "."]

    def _render(self, slots: list[str], cast: _Cast, rng: random.Random) -> str:
        words: list[str] = []
        for k, s in enumerate(slots):
            if s == _N:
                w = cast.name(rng)
            elif s == _D:
                w = _number(rng, slots[k - 1] if k else "")
            else:
                w = s
            if words and (w in _NO_SPACE_BEFORE or words[-1] in _NO_SPACE_AFTER):
                words[-1] += w
            else:
                words.append(w)
        text = " ".join(words)
        return text[:1].upper() + text[1:]

    def story(self, seed: int, k: int, paragraphs: tuple[int, int] = (6, 12)) -> Article:
        """Story ``k``: an invented title and 6-12 paragraphs of 1-3 sentences."""
        from unspin.synth import copy_seed

        rng = random.Random(copy_seed(seed, "source", k))
        people = [(invent_name(rng, (1, 2)), invent_name(rng)) for _ in range(rng.randint(3, 6))]
        places = [invent_name(rng, (1, 2)) + rng.choice(_PLACE_ENDS) for _ in range(rng.randint(1, 3))]
        orgs = [f"{invent_name(rng)} {rng.choice(_ORG_ENDS)}" for _ in range(rng.randint(1, 2))]
        cast = _Cast(people, places, orgs)
        paras = []
        for _ in range(rng.randint(*paragraphs)):
            paras.append(" ".join(self._render(self._sentence(rng), cast, rng)
                                  for _ in range(rng.choice((1, 1, 2, 2, 3)))))
        head = self._render(self._sentence(rng), cast, rng).rstrip(".!?").split()[:9]
        title = " ".join(head)
        return Article(id=f"gen{seed}-{k:07d}", text="\n".join(paras), title=title)


def fit(texts: Iterable[str], novelty: int = 6) -> SourceModel:
    """A :class:`SourceModel` fitted on ``texts``."""
    return SourceModel(novelty).add(texts)
