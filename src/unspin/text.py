"""Tokens, sentences and word classes shared by every stage.

One tokenizer for the whole project, so that offsets agree between check, trace, align and
diff. Tokens carry character offsets into the string they were read from.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

# Words may hold inner apostrophes and hyphens ("don't", "co-operate"); numbers may hold
# inner separators ("4,000", "3.5", "12 000" is two tokens here: repair happens earlier).
TOKEN_RE = re.compile(
    r"(?P<number>\d+(?:[.,:]\d+)*%?)"
    r"|(?P<word>[^\W\d_]+(?:['’\-][^\W\d_]+)*)"
    r"|(?P<punct>[^\w\s])",
    re.UNICODE,
)


class Token(NamedTuple):
    start: int
    end: int
    text: str
    kind: str  # "word" | "number" | "punct"

    @property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")


def lower(s: str) -> str:
    """``s.lower()``, for the modules setup.py compiles with mypyc: there ``s.lower()`` becomes
    mypyc's own primitive, which lower-cases each character alone and so misses the final
    sigma ("ΟΔΟΣ" -> "οδοσ", not Python's "οδος"). This module is not compiled."""
    return s.lower()


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into word, number and punctuation tokens with offsets."""
    out = []
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup or "punct"
        out.append(Token(m.start(), m.end(), m.group(), kind))
    return out


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens of ``text`` (no punctuation)."""
    return [t.lower for t in tokenize(text) if t.kind != "punct"]


_ABBREV = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "mt", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "rev", "jr", "sr", "inc", "ltd", "co", "corp", "no", "vs", "etc", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s",
    "u.k", "e.g", "i.e", "a.m", "p.m",
})
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)")
_LINE_RE = re.compile(r"[^\n]+")
_NEXT_CHAR = re.compile(r"\s*(\S)")


def _fast_function(name: str) -> Any:
    """The function ``name`` of ``unspin._fastscan`` (C, built at install when a compiler is
    there; tests/test_fastscan*.py check each gives what the Python code it replaces gives), else
    None (not built, an older build without it, or ``UNSPIN_PURE_PYTHON=1``): the Python code runs."""
    import importlib
    import os

    if os.environ.get("UNSPIN_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        fs = importlib.import_module("unspin._fastscan")
    except ImportError:
        return None
    return getattr(fs, name, None)


_FAST_SENTENCES: Any = _fast_function("sentences")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence boundaries in ``text[start:end]`` as (start, end) offsets, whitespace trimmed.

    A rule-based splitter tuned for news prose: splits after ., ! or ? followed by space,
    except after common abbreviations and single initials; line breaks always split.
    (``start`` and ``end`` are clipped to the text as ``re.Pattern.finditer``'s pos and
    endpos are, not counted from the end when negative.)
    """
    end = len(text) if end is None else end
    if _FAST_SENTENCES is not None:  # the same spans from unspin._fastscan (C), when it was built
        spans: list[tuple[int, int]] = _FAST_SENTENCES(text, start, end, _ABBREV)
        return spans
    return _split_sentences_py(text, start, end)


def _split_sentences_py(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``split_sentences`` in Python: the reference of ``unspin._fastscan.sentences``."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in _LINE_RE.finditer(text, start, end):
        ls, le = line.start(), line.end()
        cur = ls
        for m in _SENT_END.finditer(text, ls, le):
            cut = m.end()
            dot = m.start()
            if text[dot] == ".":
                # the word before the full stop: the run of word characters and dots
                # before it, within the sentence (``[\w.]+`` ending at the stop)
                k = dot
                while k > cur and (text[k - 1].isalnum() or text[k - 1] in "._"):
                    k -= 1
                if k < dot:
                    w = text[k:dot].lower()
                    if w in _ABBREV or len(w) == 1:
                        continue
            nxt = _NEXT_CHAR.match(text, cut, le)
            if nxt and nxt.group(1).islower():
                continue
            spans.append((cur, cut))
            cur = cut
        if cur < le:
            spans.append((cur, le))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves also said says say may
might must shall would could its it's than upon per via yet ever every either neither
""".split())


def is_content(token: Token) -> bool:
    """True for word tokens that carry meaning (not stopwords, not punctuation or numbers)."""
    return token.kind == "word" and token.lower not in STOPWORDS and len(token.text) > 1
