"""Synthetic articles for index/trace scale benchmarks and distractors.

Each article takes the sentence skeleton of a base article (function words, punctuation,
paragraphs) and redraws every content word from English word frequencies (wordfreq, top
100,000 words, Zipf-weighted), every capitalised name from a pool of 300,000 invented
names (Zipf-weighted) and every number at random. Term statistics resemble news text, no
text of the base corpus is kept, and the output is deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

import numpy as np

from unspin.models import Article, Span
from unspin.text import STOPWORDS, split_sentences, tokenize

_SYL = ["ka", "lo", "ven", "dra", "mi", "tor", "sa", "bel", "rin", "gu", "pe", "ost", "mar",
        "li", "zan", "qui", "fer", "no", "hal", "ti", "vor", "en", "da", "rus", "om", "ce"]


class _Vocab:
    def __init__(self, seed: int):
        import wordfreq

        freqs = wordfreq.get_frequency_dict("en")
        words = [w for w in freqs if w.isalpha() and w not in STOPWORDS and len(w) > 1][:100_000]
        p = np.array([freqs[w] for w in words], dtype=np.float64)
        self.words = words
        self.wcdf = np.cumsum(p / p.sum())
        rng = random.Random(seed)
        names = set()
        while len(names) < 300_000:
            names.add("".join(rng.choice(_SYL) for _ in range(rng.randint(2, 4))).capitalize())
        self.names = sorted(names)
        rng.shuffle(self.names)
        r = np.arange(1, len(self.names) + 1, dtype=np.float64)
        self.ncdf = np.cumsum((1 / r) / (1 / r).sum())


_VOCAB: dict[int, _Vocab] = {}


def _skeleton(text: str) -> list[tuple[str, str, int]]:
    """(gap-before, kind, flags) per token: kind is the literal token or #W/#C/#N (word, name,
    number); flags: 1 = first token of a sentence, 2 = last token of a sentence."""
    out = []
    pos = 0
    starts = True
    toks = tokenize(text)
    firsts, lasts = set(), set()
    bounds = split_sentences(text)
    j = 0
    for s, e in bounds:  # token index of each sentence's first and last token
        while j < len(toks) and toks[j].start < s:
            j += 1
        k = j
        while k < len(toks) and toks[k].end <= e:
            k += 1
        if k > j:
            firsts.add(j)
            lasts.add(k - 1)
        j = k
    for i, t in enumerate(toks):
        gap = text[pos:t.start]
        if t.kind == "number":
            kind = "#N"
        elif t.kind == "word" and t.lower not in STOPWORDS and len(t.text) > 1:
            kind = "#C" if (t.text[0].isupper() and not starts) else "#W"
        else:
            kind = t.text
        out.append((gap, kind, (1 if i in firsts else 0) | (2 if i in lasts else 0)))
        starts = t.text in ".!?" or "\n" in gap and kind in ("#W", "#C")
        pos = t.end
    return out


def synthetic_articles(n: int, seed: int = 0, base: Sequence[Article] = (), min_words: int = 0,
                       prefix: str = "syn") -> Iterator[Article]:
    """``n`` synthetic articles built on the skeletons of ``base`` (see module docstring).

    ``min_words``: concatenate skeletons until an article has at least this many tokens.
    """
    if seed not in _VOCAB:
        _VOCAB[seed] = _Vocab(seed)
    v = _VOCAB[seed]
    skels = [_skeleton(a.text) for a in base]
    rng = np.random.default_rng(seed)
    prng = random.Random(seed)
    for i in range(n):
        sk = list(skels[prng.randrange(len(skels))])
        while len(sk) < min_words:
            sk += [("\n", x[1], x[2]) if j == 0 else x
                   for j, x in enumerate(skels[prng.randrange(len(skels))])]
        nw = sum(1 for x in sk if x[1] == "#W")
        nc = sum(1 for x in sk if x[1] == "#C")
        ws = iter(np.minimum(np.searchsorted(v.wcdf, rng.random(nw)), len(v.words) - 1).tolist())
        cs = iter(np.minimum(np.searchsorted(v.ncdf, rng.random(nc)), len(v.names) - 1).tolist())
        nums = iter(rng.integers(1, 99999, size=len(sk)).tolist())
        parts = []
        first = True
        pos = 0
        sents = []
        start = 0
        for gap, kind, flags in sk:
            if kind == "#W":
                w = v.words[next(ws)]
                tok = w.capitalize() if first else w
            elif kind == "#C":
                tok = v.names[next(cs)]
            elif kind == "#N":
                x = next(nums)
                tok = str(x if x < 100 or x % 2 else x // 1000)
            else:
                tok = kind
            parts.append(gap)
            parts.append(tok)
            pos += len(gap)
            if flags & 1:
                start = pos
            pos += len(tok)
            if flags & 2:
                sents.append((start, pos))
            first = kind in (".", "!", "?")
        text = "".join(parts)
        # sentences as ingestion would deliver them (mapped from the skeleton's sentences)
        spans = tuple(Span(a, b, text[a:b]) for a, b in sents)
        yield Article(id=f"{prefix}-{seed}-{i}", text=text, original=text, input=f"synthetic:{i}",
                      sentences=spans,
                      published=f"20{prng.randint(10, 24):02d}-{prng.randint(1, 12):02d}-{prng.randint(1, 28):02d}")
