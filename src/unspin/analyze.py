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

``analyze_many`` does the same for many texts at once (the index's build path): their
sentences are joined into one string and lower-cased once, and ``_scan`` finds the
shared pattern's tokens with array operations over the code points (character classes from
the regular expression engine itself, so the tokens are exactly ``KEY_RE.findall``'s), hashes
them from the UTF-8 bytes and picks the terms; only numbers with separators and words with
non-ASCII letters go through Python string code. Stopwords are recognised by their 64-bit
hash (a collision would need two strings to share all 64 bits).

Token ids are a 64-bit polynomial hash of the token's UTF-8 bytes, folded to 32 bits:
stable across processes and machines (unlike ``hash()``), computed for a whole article in a
few numpy calls. Two different tokens share an id with probability 2**-32 per pair; trace
compares a few thousand distinct tokens at a time, so a collision (which can only make two
sentences look one token more alike) is rare and harmless.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from unspin.text import STOPWORDS, TOKEN_RE

try:  # the hot loops in C, built at install when a compiler is there (``_fastscan.c``)
    from unspin import _fastscan as _fast_mod

    _fast: Any = _fast_mod if getattr(_fast_mod, "VERSION", 0) == 1 else None
except ImportError:  # pragma: no cover - depends on the install
    _fast = None

# The shared tokenizer's pattern without named groups, for C-speed ``findall`` (same tokens).
KEY_RE = re.compile(re.sub(r"\(\?P<\w+>", "(?:", TOKEN_RE.pattern), re.UNICODE)
# Damaged digit groups ("4, 000", "12 000") are repaired once, in ingestion (Article.text;
# unspin.normalize.repair_numbers): the texts analysed here are ingested ones.
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


def mix_pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each pair of 64-bit hashes ``(a[i], b[i])`` (order matters)."""
    with np.errstate(over="ignore"):
        h = a.astype(np.uint64) * _MULT + b.astype(np.uint64)
        h ^= h >> np.uint64(31)
        h *= _MIX
        h ^= h >> np.uint64(29)
    return h


def _number_term(key: str) -> str:
    key = key.replace(",", "")
    if _DECIMAL.fullmatch(key):
        key = key.rstrip("0").rstrip(".")
    return key


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
    terms: list[str]  # empty when ``analyze_many(strings=False)``
    term_idx: np.ndarray  # int64
    sent_off: np.ndarray
    tok_off: np.ndarray
    pair_off: np.ndarray
    term_hashes: np.ndarray  # uint64, ``hash_keys`` of each of ``terms``

    def pair_hashes(self) -> np.ndarray:
        """The term hash of every (text, distinct term) pair, text by text (``pair_off``)."""
        return self.term_hashes[self.term_idx]

    def __len__(self) -> int:
        return len(self.sent_off) - 1

    def packed_all(self) -> list[bytes]:
        """Every text's ``packed`` form (one pass in C when the extension is built)."""
        if _fast is None:
            return [self.packed(i) for i in range(len(self))]
        blob, offs = _fast.pack(np.ascontiguousarray(self.counts, dtype=np.uint32),
                                np.ascontiguousarray(self.sent_off, dtype=np.int64),
                                np.ascontiguousarray(self.codes, dtype=np.uint8),
                                np.ascontiguousarray(self.ids, dtype=np.uint32),
                                np.ascontiguousarray(self.tok_off, dtype=np.int64))
        o = np.frombuffer(offs, dtype=np.int64).tolist()
        return [blob[a:b] for a, b in zip(o[:-1], o[1:], strict=True)]

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
                 words: bool = False, strings: bool = True) -> Batch:
    """``analyze`` of several texts at once: one pass of the string work over all of them and
    array operations for the rest (the index's build path). ``items``: (text, sentence spans).
    ``strings=False``: terms by their hashes only (``Batch.terms`` left empty)."""
    parts: list[str] = []
    n_sent = np.zeros(len(items) + 1, dtype=np.int64)
    for i, (text, spans) in enumerate(items):
        if _SEP in text or "\x00" in text:
            text = text.replace(_SEP, " ").replace("\x00", " ")
        parts.extend([text[s:e] for s, e in spans])
        n_sent[i + 1] = len(spans)
    sent_off = np.cumsum(n_sent)
    # every sentence ends with a separator token; text i's sentences are sent_off[i]:sent_off[i+1]
    joined = _JOIN.join(parts) + _JOIN if parts else ""
    if _fast is not None:
        return _analyze_fast(joined, sent_off, min_word_len, words, strings)
    joined = joined.lower().replace("\u2019", "'")
    t = _scan(joined, min_word_len, strings)
    sep = np.flatnonzero(t.sep)
    counts = (np.diff(sep, prepend=-1) - 1).astype(np.uint32)
    keep = ~t.sep
    csum = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
    tok_off = csum[sent_off]
    nw = None
    if words:
        wsum = np.concatenate(([0], np.cumsum(t.alnum[keep], dtype=np.int64)))
        nw = wsum[csum[1:]] - wsum[csum[:-1]]
    # distinct (text, term) pairs, sorted by text then term
    owner = np.repeat(np.arange(len(items), dtype=np.int64), np.diff(tok_off))
    is_term = t.term[keep]
    pairs = sorted_unique((owner[is_term] << 32) | t.term_idx[keep][is_term])
    low = pairs & 0xFFFFFFFF
    ids = t.ids[keep]
    codes = _CODE_TABLE.value(ids)
    return Batch(counts, ids, codes, nw, t.terms, low, sent_off, tok_off,
                 np.searchsorted(pairs >> 32, np.arange(len(items) + 1)), t.term_hashes)


# ``_fastscan.scan``'s flags of a token
_F_LETTER, _F_DIGIT, _F_SEP, _F_SLOW, _F_TERM = 1, 2, 8, 16, 32


def _analyze_fast(joined: str, sent_off: np.ndarray, min_word_len: int, words: bool,
                  strings: bool) -> Batch:
    """``analyze_many``'s work after joining, with the C loops: the same tokens, ids, codes,
    counts and (per text) the same set of terms; each text's terms in order of first
    occurrence instead of sorted (nothing stored depends on that order).

    ``joined`` is not lower-cased yet: without ``strings``, the scan folds case itself when
    only ASCII letters (and the apostrophe ’) would change (``None`` otherwise)."""
    got: Any = None if strings else _fast.scan(joined, min_word_len, _STOP_TABLE.keys, int(_STOP_TABLE.shift),
                                                True)
    fold = got is not None
    if not fold:
        joined = joined.lower().replace("\u2019", "'")
        got = _fast.scan(joined, min_word_len, _STOP_TABLE.keys, int(_STOP_TABLE.shift))
    hb, fb, sb, eb = got
    h = np.frombuffer(hb, dtype=np.uint64)
    flags = np.frombuffer(fb, dtype=np.uint8)
    starts = np.frombuffer(sb, dtype=np.int64)
    ends = np.frombuffer(eb, dtype=np.int64)
    is_sep = (flags & _F_SEP) != 0
    sep = np.flatnonzero(is_sep)
    counts = (np.diff(sep, prepend=-1) - 1).astype(np.uint32)
    term = (flags & _F_TERM).astype(bool)
    th = h
    slow_terms: dict[int, str] = {}
    where = np.flatnonzero(flags & _F_SLOW)
    if len(where):
        th = h.copy()
        slow_terms = _slow_terms(joined, starts, ends, where, min_word_len, th, term, fold)
    full_off = np.concatenate(([0], sep + 1))[sent_off]
    fo, pt, po = _fast.dedupe(th, term.view(np.uint8), full_off.astype(np.int64))
    firsts = np.frombuffer(fo, dtype=np.int64)
    terms = [joined[s:e] for s, e in zip(starts[firsts].tolist(), ends[firsts].tolist(), strict=True)] \
        if strings else []
    if slow_terms and strings:
        for j, k in enumerate(firsts.tolist()):
            if k in slow_terms:
                terms[j] = slow_terms[k]
    keep = ~is_sep
    ids = (h[keep] >> np.uint64(32)).astype(np.uint32)
    csum = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
    nw = None
    if words:
        alnum = (flags[keep] & (_F_LETTER | _F_DIGIT)) != 0
        wsum = np.concatenate(([0], np.cumsum(alnum, dtype=np.int64)))
        nw = wsum[csum[1:]] - wsum[csum[:-1]]
    return Batch(counts, ids, _CODE_TABLE.value(ids), nw, terms, np.frombuffer(pt, dtype=np.int64),
                 sent_off, csum[sent_off], np.frombuffer(po, dtype=np.int64), th[firsts])


def _slow_terms(text: str, starts: np.ndarray, ends: np.ndarray, where: np.ndarray, min_word_len: int,
                th: np.ndarray, term: np.ndarray, fold: bool = False) -> dict[int, str]:
    """The terms of the tokens at ``where`` by the reference rule (``_term_of``): sets their
    ``th`` (term hash) and ``term`` flag in place; returns {token index: term string}.
    ``fold``: ``text`` is not lower-cased yet (and lower-casing changes ASCII letters only)."""
    spans = zip(starts[where].tolist(), ends[where].tolist(), strict=True)
    toks = [text[s:e].lower().replace("\u2019", "'") for s, e in spans] if fold else \
        [text[s:e] for s, e in spans]
    got = [_term_of(k, min_word_len) for k in toks]
    yes = [i for i, g in enumerate(got) if g is not None]
    if not yes:
        return {}
    keys = [g for g in got if g is not None]
    th[where[yes]] = hash_keys(keys)
    term[where[yes]] = True
    return dict(zip(where[yes].tolist(), keys, strict=True))


class _Tokens(NamedTuple):
    ids: np.ndarray  # uint32 token ids, separators included
    sep: np.ndarray  # bool: the sentence separator
    alnum: np.ndarray  # bool: a word or number
    term: np.ndarray  # bool: a retrieval term (given min_word_len)
    term_idx: np.ndarray  # int64: index into ``terms`` (where ``term``)
    terms: list[str]
    term_hashes: np.ndarray  # uint64: hash of each of ``terms``


# Character classes of the shared token pattern, as the regular expression engine sees them.
_SPACE, _LETTER, _DIGIT, _UNDERSCORE, _PUNCT = 0, 1, 2, 3, 4
_CLASS_RES = ((_SPACE, re.compile(r"\s")), (_DIGIT, re.compile(r"\d")),
              (_LETTER, re.compile(r"[^\W\d_]")), (_UNDERSCORE, re.compile(r"\w")))
# ``_scan`` implements this pattern with array operations: a change to it must change ``_scan``
_SCANNED = r"(?P<number>\d+(?:[.,:]\d+)*%?)|(?P<word>[^\W\d_]+(?:['’\-][^\W\d_]+)*)|(?P<punct>[^\w\s])"
if TOKEN_RE.pattern != _SCANNED:  # pragma: no cover - a guard for whoever edits TOKEN_RE
    raise RuntimeError("unspin.text.TOKEN_RE changed: update unspin.analyze._scan to match it")


def _char_class(c: str) -> int:
    for cls, rx in _CLASS_RES:
        if rx.match(c):
            return cls
    return _PUNCT


_ASCII_CLASS = np.array([_char_class(chr(i)) for i in range(128)], dtype=np.uint8)
_OTHER_CLASS: dict[int, int] = {}


class _Table:
    """Membership of a few hundred hash values in one array gather: a direct-mapped table
    on 16 bits of the hash, chosen at import so that the members do not collide."""

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        for shift in range(0, 8 * keys.dtype.itemsize - 15):
            slot = (keys >> keys.dtype.type(shift)) & keys.dtype.type(0xFFFF)
            if len(set(slot.tolist())) == len(keys):
                break
        else:  # pragma: no cover - 16 bits always separate a few hundred hashes
            raise RuntimeError("no collision-free table")
        self.shift = keys.dtype.type(shift)
        self.mask = keys.dtype.type(0xFFFF)
        self.keys = np.zeros(1 << 16, dtype=keys.dtype)
        self.keys[slot] = keys
        self.keys[0 if slot[0] else 1] = ~keys[0]  # no empty slot matches a hash of 0
        self.values = np.zeros(1 << 16, dtype=values.dtype)
        self.values[slot] = values

    def has(self, h: np.ndarray) -> np.ndarray:
        return self.keys[(h >> self.shift) & self.mask] == h

    def value(self, h: np.ndarray) -> np.ndarray:
        slot = (h >> self.shift) & self.mask
        return np.where(self.keys[slot] == h, self.values[slot], 0).astype(self.values.dtype)


_STOP_H = hash_keys(sorted(STOPWORDS))
_STOP_TABLE = _Table(_STOP_H, np.ones(len(_STOP_H), dtype=np.uint8))


def _classes(cp: np.ndarray) -> np.ndarray:
    cls = _ASCII_CLASS[np.minimum(cp, 127)]
    wide = cp >= 128
    if wide.any():
        other = sorted_unique(cp[wide].astype(np.int64)).tolist()
        table = _OTHER_CLASS  # shared by ``index add --jobs`` threads: read each entry once
        got = []
        for c in other:
            v = table.get(c)
            if v is None:
                v = _char_class(chr(c))
                if len(table) > 100_000:
                    table.clear()
                table[c] = v
            got.append(v)
        cls[wide] = np.array(got, dtype=np.uint8)[np.searchsorted(other, cp[wide])]
    return cls


def _shift_right(x: np.ndarray) -> np.ndarray:
    """``x[i - 1]`` at ``i`` (False at 0)."""
    out = np.zeros_like(x)
    out[1:] = x[:-1]
    return out


def _shift_left(x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    out[:-1] = x[1:]
    return out


def _term_of(key: str, min_word_len: int) -> str | None:
    """The retrieval term a token gives (the reference rule): numbers in canonical form,
    content words of ``min_word_len`` characters or more."""
    if key.isdigit():
        return key
    if key[0].isdigit():
        return _number_term(key)
    if len(key) >= min_word_len and key[0].isalpha() and key not in STOPWORDS:
        return key
    return None


def _scan(text: str, min_word_len: int, strings: bool = True) -> _Tokens:
    """``KEY_RE.findall(text)`` as arrays: token ids, kinds and terms, with no Python work
    per token except for numbers with separators and words with non-ASCII letters (where
    ``_term_of`` decides)."""
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    n = len(cp)
    cls = _classes(cp)
    letter, digit = cls == _LETTER, cls == _DIGIT
    prev_l, prev_d = _shift_right(letter), _shift_right(digit)
    jw = ((cp == 39) | (cp == 0x2019) | (cp == 45)) & prev_l & _shift_left(letter)  # ' ’ -
    jn = ((cp == 46) | (cp == 44) | (cp == 58)) & prev_d & _shift_left(digit)  # . , :
    joined = (letter & (prev_l | _shift_right(jw))) | jw | (digit & (prev_d | _shift_right(jn))) | jn \
        | ((cp == 37) & prev_d)  # "%"
    member = (cls != _SPACE) & (cls != _UNDERSCORE)
    first = member & ~joined
    bounds = np.append(np.flatnonzero(first | ~member), n)  # a token ends at the next bound
    at = np.flatnonzero(first[bounds[:-1]])
    starts, ends = bounds[at], bounds[at + 1]
    kind = cls[starts]
    # ids: the 64-bit hash of each token's UTF-8 bytes (as ``hash_keys``), folded to 32 bits
    if text.isascii():
        data = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        bs, be = starts, ends
    else:
        data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        blen = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
        boff = np.concatenate(([0], np.cumsum(blen)))
        bs, be = boff[starts], boff[ends]
    h = _hash_spans(data, bs, be)
    # terms: ASCII words by their hash, the rest by the reference rule on the string
    length = ends - starts
    ext = np.concatenate(([0], np.cumsum((cp >= 128) | (cp == 44) | (cp == 46), dtype=np.int64)))
    slow = ((kind == _LETTER) | (kind == _DIGIT)) & (ext[ends] > ext[starts])
    fast_word = (kind == _LETTER) & ~slow & (length >= min_word_len)
    stop = _STOP_TABLE.has(h)
    term = (fast_word & ~stop) | ((kind == _DIGIT) & ~slow)
    th = h.copy()
    where = np.flatnonzero(slow)
    # token index: its term (the reference rule's string)
    slow_terms = _slow_terms(text, starts, ends, where, min_word_len, th, term) if len(where) else {}
    # batch-local term indexes (by hash) and each term's string (its first token's text)
    ti = np.flatnonzero(term)
    tsort = ti[np.argsort(th[ti], kind="stable")]
    hs = th[tsort]
    new = np.concatenate(([True], hs[1:] != hs[:-1])) if len(hs) else np.zeros(0, bool)
    term_idx = np.zeros(len(starts), dtype=np.int64)
    term_idx[tsort] = np.cumsum(new) - 1
    firsts = tsort[new]
    terms = []
    if strings:
        terms = [text[s:e] for s, e in zip(starts[firsts].tolist(), ends[firsts].tolist(), strict=True)]
        for j in np.flatnonzero(slow[firsts]).tolist():
            terms[j] = slow_terms[int(firsts[j])]
    ids = (h >> np.uint64(32)).astype(np.uint32)
    return _Tokens(ids, cp[starts] == 1, (kind == _LETTER) | (kind == _DIGIT), term, term_idx, terms,
                   hs[new])


def _hash_spans(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``hash_keys`` of the byte spans ``data[starts[i]:ends[i]]`` (each non-empty)."""
    if not len(starts):
        return np.zeros(0, dtype=np.uint64)
    tl = ends - starts
    total = int(tl.sum())
    cstart = np.concatenate(([0], np.cumsum(tl)[:-1]))
    k = np.arange(total)
    pos = k - np.repeat(cstart, tl)
    powers = _powers(int(tl.max()) + 1)
    with np.errstate(over="ignore"):
        w = (data[np.repeat(starts, tl) + pos].astype(np.uint64) + np.uint64(1)) * powers[pos]
        h = np.add.reduceat(w, cstart) + powers[tl]  # the key's terminating NUL: (0 + 1) * P**len
        h ^= h >> np.uint64(31)
        h *= _MIX
        h ^= h >> np.uint64(29)
    return h


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """``np.unique(x)`` for integer arrays (numpy 2's hash-based unique is 10x slower here,
    and its first call imports ``numpy.ma``: 20 ms of a one-document command)."""
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
_CODE_TABLE = _Table(_COMMON_IDS, np.arange(1, len(COMMON) + 1, dtype=np.uint8))


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


# The index keys a term by the top 47 bits of its 64-bit hash: a non-negative integer that
# SQLite stores in 6 bytes (a full 64-bit key took 8, more than the average term's text).
# Two terms share a key with probability 2**-47 a pair (about one pair in an index of 10
# million distinct terms): they would share postings, which costs a candidate, not a result.
KEY_SHIFT = np.uint64(17)


KEY_BITS = 47  # 64 - KEY_SHIFT

# Index format 4 stores postings by *term group*: a term belongs to group ``key >> (47 - bits)``
# and one row holds a group's terms for one batch (or, after a merge, for the whole index):
# a directory of 16 bytes a term (``DIR_ENTRY``: key, number of rowids, byte end of its rowids in
# the row's data, ascending keys) and the data (per term, LEB128 varints: its first rowid -
# the row's base, then each gap - 1). A row's id is ``(1 << bits) | group``: rows of
# different ``bits`` never share an id.
DIR_ENTRY = np.dtype([("key", "<u8"), ("count", "<u4"), ("end", "<u4")])


def group_ids(keys: np.ndarray, bits: int) -> np.ndarray:
    """The row id (int64) of each 47-bit term key's group at ``bits`` bits."""
    k = np.asarray(keys, dtype=np.uint64)
    return ((k >> np.uint64(KEY_BITS - bits)) | np.uint64(1 << bits)).astype(np.int64)


def _fast_has(name: str) -> bool:
    return _fast is not None and hasattr(_fast, name)


def posting_groups(pair_hashes: np.ndarray, pair_rowids: np.ndarray, base: int, bits: int,
                   shift: int = 0) -> tuple[list[int], list[bytes], list[bytes]]:
    """Posting rows of (term key, rowid) pairs: one per non-empty group of ``bits`` bits
    (at most 32), ascending: the row ids, directories and data (see ``DIR_ENTRY``).

    A pair's key is ``pair_hashes >> shift`` (47 bits at most); its rowid (int64) 0 leaves
    the pair out (an article not added). Each key's rowids must come in ascending order in
    the input (a batch lists its articles in rowid order) and be ``>= base``.
    """
    ph = np.ascontiguousarray(pair_hashes, dtype=np.uint64)
    pr = np.ascontiguousarray(pair_rowids, dtype=np.int64)
    if len(ph) != len(pr) or not 1 <= bits <= 32 or base < 0 or not 0 <= shift <= 63:
        raise ValueError("posting_groups: arrays of mismatched sizes or bad bits/base/shift")
    if _fast_has("groups"):
        gb, dirs, datas = _fast.groups(ph, pr, int(base), int(bits), int(shift))
        return np.frombuffer(gb, dtype=np.int64).tolist(), dirs, datas
    keep = pr != 0
    pk, pr = ph[keep] >> np.uint64(shift), pr[keep]
    if len(pk) and int(pk.max()) >> KEY_BITS:
        raise ValueError("posting_groups: a key wider than 47 bits")
    if len(pr) and (int(pr.min()) < 0 or int(pr.max()) > 0xFFFFFFFF):
        raise ValueError("posting_groups: a rowid out of range")
    if not len(pk):
        return [], [], []
    order = np.argsort(pk, kind="stable")
    k, r = pk[order], pr[order]
    new = np.concatenate(([True], k[1:] != k[:-1]))
    gaps = np.empty(len(r), dtype=np.int64)
    gaps[new] = r[new] - base
    gaps[~new] = r[~new] - np.concatenate(([0], r[:-1]))[~new] - 1
    if int(gaps.min()) < 0:
        raise ValueError("posting_groups: a key's rowids are not ascending (or below base)")
    data, nb = _varints(gaps.astype(np.uint64))
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(k))
    byte_end = np.cumsum(nb)[ends - 1]  # each term's end in the whole data
    keys = k[starts]
    grp = keys >> np.uint64(KEY_BITS - bits)
    gnew = np.flatnonzero(np.concatenate(([True], grp[1:] != grp[:-1])))
    gstart_byte = np.concatenate(([0], byte_end))[gnew]  # data start of each group
    rec = np.empty(len(keys), dtype=DIR_ENTRY)
    rec["key"] = keys
    rec["count"] = ends - starts
    rec["end"] = byte_end - np.repeat(gstart_byte, np.diff(np.append(gnew, len(keys))))
    dbuf = rec.tobytes()
    tb = np.append(gnew, len(keys)).tolist()
    db = np.append(gstart_byte, len(data)).tolist()
    dirs = [dbuf[16 * a:16 * b] for a, b in zip(tb[:-1], tb[1:], strict=True)]
    raw = data.tobytes()
    datas = [raw[a:b] for a, b in zip(db[:-1], db[1:], strict=True)]
    return group_ids(keys[gnew], bits).tolist(), dirs, datas


def _varints(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 bytes of each of ``v`` (uint64 < 2**32), concatenated, and each one's length."""
    nb = np.ones(len(v), dtype=np.int64)
    for s in (7, 14, 21, 28):
        nb += v >= np.uint64(1 << s)
    off = np.cumsum(nb) - nb
    out = np.empty(int(nb.sum()), dtype=np.uint8)
    for j in range(5):
        m = nb > j
        byte = (v[m] >> np.uint64(7 * j)) & np.uint64(127)
        byte |= np.where(nb[m] > j + 1, np.uint64(128), np.uint64(0))
        out[off[m] + j] = byte.astype(np.uint8)
    return out, nb


def _dir_problem(rec: np.ndarray, datalen: int) -> str | None:
    """``_fastscan``'s ``dir_problem`` (the same conditions)."""
    keys, cnt, end = rec["key"], rec["count"].astype(np.int64), rec["end"].astype(np.int64)
    if len(keys) > 1 and bool((keys[1:] <= keys[:-1]).any()):
        return "its keys are not ascending"
    if len(keys) and int(keys.max()) >> KEY_BITS:
        return "a key is wider than 47 bits"
    if len(cnt) and int(cnt.min()) == 0:
        return "a term without rowids"
    lo = np.concatenate(([0], end[:-1]))
    if bool(((end < lo) | (end - lo < cnt)).any()):
        return "a term's rowids do not fit its bytes"
    if (int(end[-1]) if len(end) else 0) != datalen:
        return "its directory does not end where its data ends"
    return None


def decode_group(dir_: bytes, data: bytes, base: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One posting row: its keys (uint64), each key's number of rowids (int64) and the rowids
    (uint32, key after key). Raises ``ValueError`` naming what is wrong with a damaged row."""
    if _fast_has("decode"):
        kb, cb, rb = _fast.decode(dir_, data, int(base))
        return (np.frombuffer(kb, dtype=np.uint64), np.frombuffer(cb, dtype=np.int64),
                np.frombuffer(rb, dtype=np.uint32))
    why = "a negative base" if base < 0 else (
        "its directory is not a whole number of entries" if len(dir_) % 16 else None)
    rec = np.frombuffer(dir_, dtype=DIR_ENTRY) if why is None else None
    if rec is not None:
        why = _dir_problem(rec, len(data))
    if why is not None or rec is None:
        raise ValueError(why)
    counts = rec["count"].astype(np.int64)
    lo = np.concatenate(([0], rec["end"][:-1].astype(np.int64)))
    rows = _term_rowids(np.frombuffer(data, dtype=np.uint8), lo, rec["end"].astype(np.int64), counts,
                        np.full(len(counts), base, dtype=np.int64))
    return rec["key"].copy(), counts, rows


def _term_rowids(b: np.ndarray, lo: np.ndarray, hi: np.ndarray, counts: np.ndarray,
                 bases: np.ndarray) -> np.ndarray:
    """The rowids of terms whose varints are ``b[lo[i]:hi[i]]`` (``counts[i]`` values each,
    the first relative to ``bases[i]``), as ``_fastscan``'s ``term_rowids`` reads them."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.uint32)
    if len(lo) == 1 or (int(lo[0]) == 0 and np.array_equal(lo[1:], hi[:-1])):
        sel = b[int(lo[0]):int(hi[-1])]  # a whole row's terms: one run of bytes
    else:
        sel = np.concatenate([b[a:z] for a, z in zip(lo.tolist(), hi.tolist(), strict=True)])
    lens = hi - lo
    stop = sel < 128
    ends = np.flatnonzero(stop)
    starts = np.concatenate(([0], ends[:-1] + 1))
    # every term's bytes end with a varint's last byte and hold exactly its count of varints
    tend = np.cumsum(lens)
    nstop = np.concatenate(([0], np.cumsum(stop)))
    if bool((lens <= 0).any()) or bool((~stop[tend - 1]).any()) or \
            not np.array_equal(nstop[tend] - nstop[tend - lens], counts):
        raise ValueError("a term's rowids run past its bytes" if bool((lens <= 0).any() or (~stop[tend - 1]).any())
                         else "a term's bytes hold more than its rowids")
    vlen = ends - starts + 1
    if int(vlen.max()) > 5:
        raise ValueError("a rowid's varint is longer than 5 bytes")
    pos = np.arange(len(sel)) - np.repeat(starts, vlen)
    vals = np.add.reduceat((sel & 127).astype(np.uint64) << (7 * pos).astype(np.uint64), starts).astype(np.int64)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    step = vals + 1
    step[first] = vals[first] + bases
    csum = np.cumsum(step)
    rows = csum - np.repeat(csum[first] - step[first], counts)
    if int(rows.max()) > 0xFFFFFFFF:
        raise ValueError("a rowid out of range")
    return rows.astype(np.uint32)


def group_lookup(keys: np.ndarray, gids: np.ndarray, row_grps: Sequence[int] | np.ndarray, dirs: list[bytes],
                 datas: list[bytes] | None, bases: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Each of ``keys``'s rowids from posting rows sorted by (group id, chunk): key ``i`` is
    looked up in the rows of its group at each level in turn (``gids[l, i]``: its group id at
    level ``l``). Returns the cumulative counts (int64, ``len(keys) + 1``) and, unless
    ``datas`` is None, the rowids (uint32, key after key)."""
    k = np.ascontiguousarray(keys, dtype=np.uint64)
    g = np.ascontiguousarray(gids, dtype=np.int64).reshape(-1, len(k)) if len(k) else np.zeros((0, 0), np.int64)
    rg = np.asarray(row_grps, dtype=np.int64)
    bs = np.asarray(bases, dtype=np.int64)
    if _fast_has("lookup"):
        ob, rb = _fast.lookup(k, g, rg, dirs, datas, bs)
        return np.frombuffer(ob, dtype=np.int64), None if rb is None else np.frombuffer(rb, dtype=np.uint32)
    if len(rg) > 1 and bool((rg[1:] < rg[:-1]).any()):
        raise ValueError("lookup: rows not in group order")
    lo_of = np.searchsorted(rg, g, side="left")
    hi_of = np.searchsorted(rg, g, side="right")
    recs: dict[int, np.ndarray] = {}
    counts = np.zeros(len(k), dtype=np.int64)
    parts: list[np.ndarray] = []
    for i in range(len(k)):
        for lev in range(g.shape[0]):
            for q in range(int(lo_of[lev, i]), int(hi_of[lev, i])):
                rec = recs.get(q)
                if rec is None:
                    if len(dirs[q]) % 16:
                        raise ValueError("lookup: a directory is not a whole number of entries")
                    rec = recs[q] = np.frombuffer(dirs[q], dtype=DIR_ENTRY)
                e = int(np.searchsorted(rec["key"], k[i]))
                if e >= len(rec) or rec["key"][e] != k[i]:
                    continue
                n = int(rec["count"][e])
                counts[i] += n
                if datas is not None:
                    lo, hi = (int(rec["end"][e - 1]) if e else 0), int(rec["end"][e])
                    if lo > hi or hi > len(datas[q]):
                        raise ValueError("a term's bytes lie outside its row")
                    parts.append(_term_rowids(np.frombuffer(datas[q], dtype=np.uint8), np.array([lo]),
                                              np.array([hi]), np.array([n]), np.array([bs[q]])))
    offs = np.concatenate(([0], np.cumsum(counts)))
    if datas is None:
        return offs, None
    return offs, np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)


def term_keys(terms: Sequence[str]) -> list[int]:
    """The index's key of each term: the top 47 bits of its ``hash_keys`` hash."""
    return (hash_keys(terms) >> KEY_SHIFT).view(np.int64).tolist()
