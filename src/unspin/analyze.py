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
import threading
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

from unspin.text import STOPWORDS, TOKEN_RE

# The shared tokenizer's pattern without named groups, for C-speed ``findall`` (same tokens).
KEY_RE = re.compile(re.sub(r"\(\?P<\w+>", "(?:", TOKEN_RE.pattern), re.UNICODE)
# "4, 000" and "12 000" (spinners' damage) read as "4,000" and "12,000"
# (written to start with a digit, so the regex engine skips to digits fast)
MANGLED = re.compile(r"(\d(?<![\d.,]\d)\d{0,2}(?:,\d{3})*),? (?=\d{3}(?![\d%]|[.,:]\d))")  # -> r"\1,"
_DECIMAL = re.compile(r"\d+\.\d+")
_SEP = "\x01"  # between sentences: a punctuation token of its own, never inside a sentence
_JOIN = f" {_SEP} "
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


def _number_term(key: str) -> str:
    key = key.replace(",", "")
    if _DECIMAL.fullmatch(key):
        key = key.rstrip("0").rstrip(".")
    return key


_NOT_TERM = -1
_NUMBER_NEED = 1 << 30  # a number is a term whatever the shortest word length


class _Vocab:
    """What the analysis needs of every token it has seen, memoised for the process.

    ``chunks`` maps each whitespace-separated chunk of (lower-cased, repaired) text to the
    uids of its tokens (``KEY_RE``), so a chunk seen before costs one dict lookup instead of
    a regular-expression match; per uid the arrays hold the token's 32-bit id (``hash_keys``),
    its one-byte code in the stored form (``pack``), whether it is a word or number, and the
    uid of the retrieval term it gives (``-1``: none; numbers map to their canonical form)
    with the shortest ``min_word_len`` it needs. Bounded: past ``limit`` chunks a fresh
    vocabulary replaces it (callers holding the old one finish with it).

    Thread-safe: learning new chunks takes a lock and fills the arrays before the dicts point
    at them; readers only look up entries that were complete when they were added.
    """

    def __init__(self, limit: int = 400_000):
        self.limit = limit
        self.chunks: dict[str, tuple[int, ...]] = {}
        self.uid: dict[str, int] = {}
        self.keys: list[str] = []
        self.ids = np.zeros(0, np.uint32)
        self.codes = np.zeros(0, np.uint8)
        self.alnum = np.zeros(0, bool)
        self.term = np.zeros(0, np.int64)
        self.need = np.zeros(0, np.int64)
        self.lock = threading.Lock()

    def full(self) -> bool:
        return len(self.chunks) >= self.limit

    def learn(self, chunks: set[str]) -> None:
        with self.lock:
            missing = chunks.difference(self.chunks)
            if not missing:
                return
            alpha = [c for c in missing if c.isalpha()]  # one word token: most chunks
            other = {c: KEY_RE.findall(c) for c in missing if not c.isalpha()}
            uid = self.uid
            new = set(alpha).union(*other.values()).difference(uid)
            canon = {_number_term(k) for k in new if k[0].isdigit() and not k.isdigit()}
            while canon := canon.difference(uid, new):  # canonical numbers are keys too
                new.update(canon)
                canon = {_number_term(k) for k in canon if not k.isdigit()}
            if new:
                keys = sorted(new)  # deterministic uids for the same input
                # (``uid`` is read under the lock only; ``chunks``, which readers use, is
                # updated last, once the arrays cover the new uids)
                uid.update(zip(keys, range(len(self.keys), len(self.keys) + len(keys)), strict=True))
                get = uid.__getitem__
                term = [get(k) if k.isdigit() or (k[0].isalpha() and k not in STOPWORDS)
                        else get(_number_term(k)) if k[0].isdigit() else _NOT_TERM for k in keys]
                need = [_NUMBER_NEED if k[0].isdigit() else len(k) for k in keys]
                # NUL joins keys in ``hash_keys`` (analyze replaces it; defensive here)
                h = (hash_keys([k.replace("\x00", "\ufffd") for k in keys]) >> np.uint64(32)).astype(np.uint32)
                pos = np.minimum(np.searchsorted(_COMMON_SORTED, h), len(_COMMON_SORTED) - 1)
                code = np.where(_COMMON_SORTED[pos] == h, _COMMON_ORDER[pos] + 1, 0).astype(np.uint8)
                alnum = np.fromiter((k[0].isalnum() for k in keys), dtype=bool, count=len(keys))
                self.ids = np.concatenate((self.ids, h))
                self.codes = np.concatenate((self.codes, code))
                self.alnum = np.concatenate((self.alnum, alnum))
                self.term = np.concatenate((self.term, np.asarray(term, dtype=np.int64)))
                self.need = np.concatenate((self.need, np.asarray(need, dtype=np.int64)))
                self.keys.extend(keys)
            get = self.uid.__getitem__
            learned: dict[str, tuple[int, ...]] = {c: (get(c),) for c in alpha}
            learned.update({c: tuple(map(get, toks)) for c, toks in other.items()})
            self.chunks.update(learned)

    def uids(self, text: str) -> np.ndarray:
        """The uids of ``text``'s tokens (``KEY_RE.findall(text)``), in order (int64)."""
        chunks = text.split()
        get = self.chunks.__getitem__
        try:
            return np.fromiter(chain.from_iterable(map(get, chunks)), dtype=np.int64)
        except KeyError:
            self.learn(set(chunks))
            return np.fromiter(chain.from_iterable(map(get, chunks)), dtype=np.int64)


_VOCAB = _Vocab()


def _vocab() -> _Vocab:
    global _VOCAB
    v = _VOCAB
    if v.full():
        v = _VOCAB = _Vocab(v.limit)
    return v


class Batch(NamedTuple):
    """``analyze_many`` of several texts: everything flat, with offsets per text.

    ``sent_off[i]:sent_off[i+1]`` are text ``i``'s entries of ``counts`` (and ``words``);
    ``tok_off[i]:tok_off[i+1]`` its entries of ``ids`` and ``codes``; ``pair_off`` likewise
    its entries of ``term_idx``, indexes into ``terms`` (each text's distinct terms, sorted
    by index).
    """

    counts: np.ndarray  # uint32, tokens per sentence
    ids: np.ndarray  # uint32, token ids
    codes: np.ndarray  # uint8, ``pack``'s code of each token (0: not common)
    words: np.ndarray | None  # int64, word and number tokens per sentence (if asked for)
    terms: list[str]
    term_idx: np.ndarray  # int64
    sent_off: np.ndarray
    tok_off: np.ndarray
    pair_off: np.ndarray

    def __len__(self) -> int:
        return len(self.sent_off) - 1

    def packed(self, i: int) -> bytes:
        """Text ``i``'s tokens in ``pack``'s stored form."""
        s0, s1 = int(self.sent_off[i]), int(self.sent_off[i + 1])
        t0, t1 = int(self.tok_off[i]), int(self.tok_off[i + 1])
        codes = self.codes[t0:t1]
        ids = self.ids[t0:t1]
        return (self.counts[s0:s1].astype("<u4").tobytes() + codes.tobytes()
                + b"\0" * (-(t1 - t0) % 4) + ids[codes == 0].astype("<u4").tobytes())

    def article_terms(self, i: int) -> list[str]:
        terms = self.terms
        return [terms[j] for j in self.term_idx[self.pair_off[i]:self.pair_off[i + 1]].tolist()]


def analyze_many(items: Sequence[tuple[str, Sequence[tuple[int, int]]]], min_word_len: int = 2,
                 words: bool = False) -> Batch:
    """``analyze`` of several texts at once: one pass of the string work over all of them and
    vectorised bookkeeping (the index's build path). ``items``: (text, sentence spans) pairs."""
    parts: list[str] = []
    n_sent = np.zeros(len(items) + 1, dtype=np.int64)
    for i, (text, spans) in enumerate(items):
        if _SEP in text or "\x00" in text:
            text = text.replace(_SEP, " ").replace("\x00", " ")
        parts.extend([text[s:e] for s, e in spans])
        n_sent[i + 1] = len(spans)
    sent_off = np.cumsum(n_sent)
    # every sentence ends with a separator token; text i's sentences are sent_off[i]:sent_off[i+1].
    # Spaces around it keep the chunks of sentence ends and starts apart (same tokens: a token
    # never spans a space, the separator is one of its own, and MANGLED needs digits on both
    # sides of its space)
    joined = _JOIN.join(parts).lower().replace("\u2019", "'") + _JOIN if parts else ""
    v = _vocab()
    uids = v.uids(MANGLED.sub(r"\1,", joined))
    sep = np.flatnonzero(uids == v.uid[_SEP]) if len(uids) else np.zeros(0, np.int64)
    counts = (np.diff(sep, prepend=-1) - 1).astype(np.uint32)
    keep = np.ones(len(uids), dtype=bool)
    keep[sep] = False
    tokens = uids[keep]
    csum = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
    tok_off = csum[sent_off]
    nw = None
    if words:
        wsum = np.concatenate(([0], np.cumsum(v.alnum[tokens], dtype=np.int64)))
        nw = wsum[csum[1:]] - wsum[csum[:-1]]
    # distinct (text, term) pairs, sorted by text then term uid
    tu = v.term[tokens]
    is_term = (tu >= 0) & (v.need[tokens] >= min_word_len)
    owner = np.repeat(np.arange(len(items), dtype=np.int64), np.diff(tok_off))
    pairs = _sorted_unique((owner[is_term] << 32) | tu[is_term])
    low = pairs & 0xFFFFFFFF
    uniq = _sorted_unique(low)
    keys = v.keys
    return Batch(counts, v.ids[tokens], v.codes[tokens], nw, [keys[u] for u in uniq.tolist()],
                 np.searchsorted(uniq, low), sent_off, tok_off,
                 np.searchsorted(pairs >> 32, np.arange(len(items) + 1)))


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """``np.unique(x)`` for int64 arrays (numpy 2's hash-based unique is 10x slower here)."""
    x = np.sort(x)
    if len(x) > 1:
        x = x[np.concatenate(([True], x[1:] != x[:-1]))]
    return x


def analyze(text: str, spans: Sequence[tuple[int, int]], min_word_len: int = 2,
            words: bool = False) -> Analysis:
    """Terms, token ids and per-sentence token counts of ``text`` split at ``spans``.

    ``words``: also count the word and number tokens of each sentence (trace's weights).
    """
    b = analyze_many([(text, spans)], min_word_len, words)
    return Analysis(set(b.terms), b.ids, b.counts, b.words)



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
