"""One pass over an article's text for everything the index and trace need from it.

``analyze(text, spans)`` reads every sentence once with the shared token pattern and returns

- ``terms``: the distinct retrieval terms (content words, lower-cased, and canonical numbers);
- ``hashes``: one stable 32-bit id per token (word, number or punctuation mark, lower-cased,
  numbers re-joined where spinners break them), all sentences concatenated;
- ``counts``: the number of tokens of each sentence;
- ``words``: the number of word and number tokens of each sentence (trace's weights).

The index stores ``counts`` and ``hashes`` with every article (the "compact form" that trace's
sentence comparison reads without re-tokenising the stored text) and posts ``terms``; trace
analyses the suspect with the same function, so both sides agree by construction.

Token ids are a 64-bit polynomial hash of the token's UTF-8 bytes, folded to 32 bits:
stable across processes and machines (unlike ``hash()``), computed for a whole article in a
few numpy calls. Two different tokens share an id with probability 2**-32 per pair; trace
compares a few thousand distinct tokens at a time, so a collision (which can only make two
sentences look one token more alike) is rare and harmless.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from unspin.text import STOPWORDS, TOKEN_RE

# The shared tokenizer's pattern without named groups, for C-speed ``findall`` (same tokens).
KEY_RE = re.compile(re.sub(r"\(\?P<\w+>", "(?:", TOKEN_RE.pattern), re.UNICODE)
# Damaged digit groups ("4, 000", "12 000") are repaired once, in ingestion (Article.text;
# unspin.normalize.repair_numbers): the texts analysed here are ingested ones.
_DECIMAL = re.compile(r"\d+\.\d+")
_SEP = "\x01"  # between sentences: a punctuation token of its own, never inside a sentence
_MULT = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_POW = np.ones(1, dtype=np.uint64)
SCHEME = "poly64-fold32-common-v1"  # part of the index's tokenizer digest


class Analysis(NamedTuple):
    terms: set[str]
    hashes: np.ndarray  # uint32, one per token, sentences concatenated
    counts: np.ndarray  # uint32, tokens per sentence
    words: np.ndarray | None  # int64, word and number tokens per sentence (if asked for)


def _powers(n: int) -> np.ndarray:
    global _POW
    if len(_POW) < n:
        m = max(n, 2 * len(_POW), 256)
        p = np.empty(m, dtype=np.uint64)
        p[0] = 1
        with np.errstate(over="ignore"):
            for i in range(1, m):
                p[i] = p[i - 1] * _MULT
        _POW = p
    return _POW


def hash_keys(keys: Sequence[str]) -> np.ndarray:
    """Stable 64-bit hashes of ``keys`` (uint64), one per key; no key may contain NUL."""
    if not keys:
        return np.zeros(0, dtype=np.uint64)
    b = np.frombuffer(("\x00".join(keys) + "\x00").encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(b == 0)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts + 1
    pos = np.arange(len(b)) - np.repeat(starts, lengths)
    with np.errstate(over="ignore"):
        w = (b.astype(np.uint64) + np.uint64(1)) * _powers(int(lengths.max()))[pos]
        h = np.add.reduceat(w, starts)
        h ^= h >> np.uint64(31)
        h *= _MIX
        h ^= h >> np.uint64(29)
    return h


def _tokens(text: str) -> tuple[list[str], set[str]]:
    """``KEY_RE.findall(text)``, and apart the tokens that are not in an all-letter chunk.

    Tokens never span whitespace, so a whitespace-separated chunk made only of letters is one
    word token; only the other chunks (punctuation, digits) go through the regular expression,
    which costs about twice as much per token.
    """
    keys: list[str] = []
    other: list[str] = []
    add, extend, more = keys.append, keys.extend, other.extend
    findall = KEY_RE.findall
    for c in text.split():
        if c.isalpha():
            add(c)
        else:
            found = findall(c)
            extend(found)
            more(found)
    return keys, set(other)


def _number_term(key: str) -> str:
    key = key.replace(",", "")
    if _DECIMAL.fullmatch(key):
        key = key.rstrip("0").rstrip(".")
    return key


def analyze(text: str, spans: Sequence[tuple[int, int]], min_word_len: int = 2,
            words: bool = False) -> Analysis:
    """Terms, token ids and per-sentence token counts of ``text`` split at ``spans``.

    ``words``: also count the word and number tokens of each sentence (trace's weights).
    """
    if not spans:
        return Analysis(set(), np.zeros(0, np.uint32), np.zeros(0, np.uint32),
                        np.zeros(0, np.int64) if words else None)
    if _SEP in text:
        text = text.replace(_SEP, " ")
    joined = _SEP.join([text[s:e] for s, e in spans]).lower().replace("\u2019", "'")
    keys, other = _tokens(joined)
    terms = set(keys)
    terms -= STOPWORDS
    terms -= other
    if min_word_len > 1:
        terms.difference_update([w for w in terms if len(w) < min_word_len])
    for k in other:
        if k.isdigit():
            terms.add(k)
        elif k[0].isdigit():
            terms.add(_number_term(k))
        elif len(k) >= min_word_len and k[0].isalpha() and k not in STOPWORDS:
            terms.add(k)
    h64 = hash_keys(keys)
    sep = np.flatnonzero(h64 == _SEP_HASH)
    n = len(keys)
    bounds = np.concatenate(([-1], sep, [n])).astype(np.int64)
    counts = (np.diff(bounds) - 1).astype(np.uint32)
    keep = np.ones(n, dtype=bool)
    keep[sep] = False
    h = (h64[keep] >> np.uint64(32)).astype(np.uint32)
    nw = None
    if words:
        alnum = np.fromiter((k[0].isalnum() for k in keys), dtype=np.int64, count=n)
        csum = np.concatenate(([0], np.cumsum(alnum)))
        nw = csum[bounds[1:]] - csum[bounds[:-1] + 1]
    return Analysis(terms, h, counts, nw)


_SEP_HASH = hash_keys([_SEP])[0]

# Stored form: the most frequent tokens (function words, punctuation) take one byte, a code
# into this fixed table; the others are code 0 and their 32-bit id follows in a second array.
COMMON = tuple(sorted(STOPWORDS | set(".,;:!?'\"()[]-–—“”‘/&%$£€*+=#@<>|~^`{}\\") | {"'s", "s", "t"}))
assert len(COMMON) < 256
_COMMON_IDS = (hash_keys(list(COMMON)) >> np.uint64(32)).astype(np.uint32)
_COMMON_ORDER = np.argsort(_COMMON_IDS)
_COMMON_SORTED = _COMMON_IDS[_COMMON_ORDER]
_CODE_TO_ID = np.concatenate(([0], _COMMON_IDS)).astype(np.uint32)


def pack(counts: np.ndarray, ids: np.ndarray) -> bytes:
    """The stored form of one article's tokens: per-sentence counts (uint32), one code
    byte per token (0: not common), padding to 4 bytes, the uncommon ids (uint32)."""
    pos = np.minimum(np.searchsorted(_COMMON_SORTED, ids), len(_COMMON_SORTED) - 1)
    common = _COMMON_SORTED[pos] == ids
    codes = np.where(common, _COMMON_ORDER[pos] + 1, 0).astype(np.uint8)
    pad = b"\0" * (-len(codes) % 4)
    return (counts.astype("<u4").tobytes() + codes.tobytes() + pad
            + ids[~common].astype("<u4").tobytes())


def unpack(blob: bytes, n_sentences: int) -> tuple[np.ndarray, np.ndarray]:
    """``pack``'s inverse: (tokens per sentence, token ids)."""
    counts = np.frombuffer(blob, dtype="<u4", count=n_sentences)
    n = int(counts.sum())
    off = 4 * n_sentences
    codes = np.frombuffer(blob, dtype=np.uint8, count=n, offset=off)
    ids = _CODE_TO_ID[codes]
    rare = codes == 0
    off += n + (-n % 4)
    ids[rare] = np.frombuffer(blob, dtype="<u4", offset=off)
    return counts, ids
