"""An embedded, single-file article index for ``unspin.trace``.

The index is one SQLite file (WAL journal). It is the single source of truth: articles with
their metadata and body ``text`` (the offsets that ``trace`` reports index into it), a small
inverted index of *spin-robust terms* (names, numbers, content words), and a ``meta`` table
with the index format, its parameters and the unspin version that wrote it. Everything an
``add`` batch writes lands in one transaction, so an interrupted run (Ctrl-C, ``kill -9``)
leaves the last committed batch and a rerun completes the rest (articles are keyed by a
content hash, so re-adding is a no-op).

Inverted index layout (formats 4 and 5): terms are keyed by the top 47 bits of their 64-bit
hash (``unspin.analyze.term_keys``) and hashed into *groups* by the key's top bits.
``postings(grp, chunk, dir, data)`` holds one row per group and *run*: a directory of the
group's terms in that run (key, number of articles, byte end) and their rowids as delta-coded
varints (``unspin.analyze.posting_groups``); ``grp`` carries its number of bits (its top set
bit). A committed batch is a run of its own (``chunk`` = its first rowid, ``IndexParams.group_bits``
bits, 4,096 groups): a batch of 5,000 articles writes a few thousand rows instead of one per
distinct term (~90,000), which was half the CPU of a build. A term's document frequency is the
sum of its counts.

Runs are merged (format 5) so that a lookup, which reads a term's row in every run, reads few
rows however the index was built: consecutive runs become one run (``chunk`` = the first one's,
grouped by more bits as it grows, so a row holds a few KB: ``_merged_bits``). ``runs(chunk,
bits, articles, bytes)`` records every run, read by a lookup in the same transaction as the
rows (a concurrent merge is never half seen). After each batch ``add`` applies a tiered policy
(``_next_merge``: size classes a factor 4 apart; a run larger than the runs before it absorbs
them; four runs of one class become one of a larger class), and at its end, when more than
three runs remain, merges the newest runs holding at most twice what it wrote
(``_tail_merge``): O(log N) runs at any time, each byte rewritten O(log N) times. Each merge
is one transaction. ``optimize`` merges every run into one.

Format 2 also stores with every article what trace's verification compares (``toks``: its
token ids, sentence by sentence, from ``unspin.analyze``), so candidates are not tokenised
again at query time. Format 3 keys the postings by term hash instead of term text (the build
never makes the term strings; six bytes a key). Format 4 groups the postings (above), with one
merged level (``chunk`` 0, its bits in ``meta``) and the batches after it; format 5 records
the runs. A format-4 index is read as it is and gets its ``runs`` table (becoming format 5) at
its first write. An index of an older format is refused with a request to rebuild it.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import itertools
import json
import logging
import operator
import os
import re
import sqlite3
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from unspin import __version__
from unspin.analyze import (
    DIR_ENTRY,
    KEY_SHIFT,
    SCHEME,
    analyze,
    analyze_many,
    decode_group,
    group_ids,
    group_lookup,
    hash_keys,
    posting_groups,
    term_keys,
    unpack,
)
from unspin.errors import IndexError_
from unspin.models import Article, Record
from unspin.text import STOPWORDS, TOKEN_RE, Token, split_sentences, tokenize

log = logging.getLogger(__name__)

FORMAT = "unspin-index"
# 2: token ids per sentence stored (``toks``), terms from ``unspin.analyze``;
# 3: postings keyed by the term's hash (an INTEGER, ``analyze.term_keys``), not its text;
# 4: one posting row per term group and batch (``analyze.posting_groups``)
FORMAT_VERSION = 5
# Format 4 (one merged level and the batches after it, ``merged_bits`` in ``meta``) is read as it
# is; the first write into it records its runs (``runs`` table) and makes it format 5.
_LEGACY_VERSION = 4
_SQLITE_MAGIC = b"SQLite format 3\x00"


class IndexParamsError(IndexError_):
    """The index was built with other parameters (or another tokenizer) than requested."""

    code = "U210"


class IndexCorruptError(IndexError_):
    """The file is not an unspin index, or its contents are damaged."""

    code = "U220"


class IndexMissingError(IndexError_):
    """No index exists at the given path."""

    code = "U230"


class IndexReadOnlyError(IndexError_):
    """The index (or its directory) cannot be written: nothing was changed."""

    code = "U240"


class IndexFullError(IndexError_):
    """The disk (or the file system's quota) is full: the batch in progress was not added."""

    code = "U250"


_BUSY_MS = 60_000  # wait this long for another process's write lock (concurrent add/trace)


def _header_problem(p: Path) -> str | None:
    """Cheap check of the SQLite header: a file shorter than the pages its header counts
    was truncated (a copy cut off, a disk that filled up under another program)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(100)
        size = p.stat().st_size
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    if len(head) < 100:
        return "the file is shorter than an SQLite header"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"the header's page size ({page_size}) is invalid"
    pages = int.from_bytes(head[28:32], "big")
    valid_for = int.from_bytes(head[92:96], "big")
    change = int.from_bytes(head[24:28], "big")
    wal = Path(f"{p}-wal")
    if pages and valid_for == change and size < pages * page_size and \
            not (wal.exists() and wal.stat().st_size > 0):
        return (f"the file is truncated ({size:,} bytes, its header counts {pages:,} pages of "
                f"{page_size:,})")
    return None


def _is_full(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "disk is full" in msg or "database or disk is full" in msg or \
        getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL"


@dataclass(frozen=True, slots=True)
class CheckReport(Record):
    """What ``Index.check`` found: ``ok`` and one line per problem (at most ``limit``)."""

    path: str
    ok: bool
    articles: int = 0
    terms: int = 0
    problems: tuple[str, ...] = ()
    full: bool = True


def _tokenizer_digest() -> str:
    h = hashlib.sha1(TOKEN_RE.pattern.encode())
    h.update(" ".join(sorted(STOPWORDS)).encode())
    h.update(b"terms-v2")
    h.update(SCHEME.encode())
    return h.hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class IndexParams(Record):
    """Parameters fixed when an index is created; stored in it and checked on every open.

    Attributes:
        terms: name of the term-extraction scheme (``content+numbers``).
        min_word_len: shortest word indexed as a term.
        tokenizer: digest of the shared tokenizer and stopword list; an index built with
            another tokenizer gives wrong terms, so a change refuses the index.
        group_bits: a batch's posting rows group terms by this many top bits of their key
            (``2 ** group_bits`` rows at most a batch; 4 to 20).
    """

    terms: str = "content+numbers"
    min_word_len: int = 2
    tokenizer: str = ""
    group_bits: int = 12

    @classmethod
    def default(cls) -> IndexParams:
        return cls(tokenizer=_tokenizer_digest())


@dataclass(frozen=True, slots=True)
class AddCounts(Record):
    """What one ``Index.add`` call did."""

    added: int = 0
    skipped: int = 0
    failed: int = 0

    def __add__(self, other: AddCounts) -> AddCounts:
        return AddCounts(self.added + other.added, self.skipped + other.skipped,
                         self.failed + other.failed)


@dataclass(frozen=True, slots=True)
class StoredArticle(Record):
    """An article as kept in the index (offsets in trace output index ``text``)."""

    rowid: int
    id: str
    text: str
    url: str | None = None
    site: str | None = None
    title: str | None = None
    published: str | None = None
    sentences: tuple[tuple[int, int], ...] = ()
    tokens: bytes = field(default=b"", compare=False, repr=False, metadata={"serialize": False})

    def token_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """Tokens per sentence and the token ids (``unspin.analyze``), as stored."""
        return unpack(self.tokens, len(self.sentences))


def _stored(row: tuple[Any, ...]) -> StoredArticle:
    spans = np.frombuffer(row[7], dtype="<u4").reshape(-1, 2).tolist() if row[7] else []
    return StoredArticle(rowid=row[0], id=row[1], text=row[2], url=row[3], site=row[4], title=row[5],
                         published=row[6], sentences=tuple(map(tuple, spans)),
                         tokens=row[8])


_COLS = "rowid, id, text, url, site, title, published, sents, toks"


# ---------------------------------------------------------------------------------------
# Tokens shared by indexing and trace: lower-cased words, canonical numbers.

def keyed_tokens(text: str) -> list[tuple[Token, str]]:
    """Tokens of ``text`` with a comparison key: lower-cased words, canonical numbers.

    Numbers lose thousands separators ("4,000" and "4000" share the key ``4000``). The forms
    spinners break them into ("4, 000", "12 000") are repaired once, in ingestion
    (``Article.text``), so indexed and traced texts have them whole. The slow reference of
    ``unspin.analyze`` (tests compare the two).
    """
    out: list[tuple[Token, str]] = []
    for t in tokenize(text):
        if t.kind == "number":
            key = t.text.replace(",", "")
            if "." in key and not key.endswith("%"):
                key = key.rstrip("0").rstrip(".") if re.fullmatch(r"\d+\.\d+", key) else key
            out.append((t, key))
            continue
        out.append((t, t.lower.replace("’", "'") if t.kind == "word" else t.text))
    return out


def is_term(tok: Token, key: str, min_word_len: int = 2) -> bool:
    """True for tokens indexed as retrieval terms: numbers and content words."""
    if tok.kind == "number":
        return True
    return tok.kind == "word" and len(key) >= min_word_len and key not in STOPWORDS


def article_terms(text: str, min_word_len: int = 2,
                  spans: Sequence[tuple[int, int]] | None = None) -> set[str]:
    """The distinct retrieval terms of ``text``: content words (lower-cased) and numbers.

    ``spans``: its sentences (default ``split_sentences``); the index uses the stored ones.
    """
    return analyze(text, split_sentences(text) if spans is None else spans, min_word_len).terms


def _u32(values: Iterable[int]) -> bytes:
    """Little-endian uint32 bytes of ``values`` (the on-disk form of rowid and offset lists)."""
    arr = array("I", values)
    if sys.byteorder != "little":
        arr.byteswap()
    return arr.tobytes()


_PAGE_SIZE = 65536
# A timed commit waits for this many articles: on a slow or busy machine, tiny batches would
# multiply posting blocks (one per term per batch) and slow the whole build down.
_MIN_TIMED_BATCH = 1000

# What ``add`` stores for one article: id, hash, url, site, title, published, input, text,
# sentence spans (uint32 pairs), token ids (``unspin.analyze``: tokens per sentence, then the ids).
_Row = tuple[str, str, str | None, str | None, str | None, str | None, str | None, str, bytes, bytes]
_CHUNK = 1024  # articles analysed together (``analyze_many``); ``--jobs`` hands out chunks this size
_AHEAD_ARTICLES = 8192  # ``--jobs``: articles analysed ahead while a batch is written


class Prepared(NamedTuple):
    """What ``add`` stores for a run of articles (one chunk, analysed together).

    ``rows[i]``: the columns of article ``i``, or why it cannot be indexed (a warning to
    log). Its distinct terms, by their 64-bit hashes (``analyze.hash_keys``), are
    ``term_hashes[pair_off[i]:pair_off[i + 1]]`` (uint64). Plain arrays: cheap to send back
    from a worker process.
    """

    rows: list[_Row | str]
    term_hashes: np.ndarray
    pair_off: np.ndarray

    def split(self, k: int) -> tuple[Prepared, Prepared]:
        """The first ``k`` articles and the rest."""
        cut = int(self.pair_off[k])
        return (Prepared(self.rows[:k], self.term_hashes[:cut], self.pair_off[:k + 1]),
                Prepared(self.rows[k:], self.term_hashes[cut:], self.pair_off[k:] - cut))

    @staticmethod
    def concat(parts: Sequence[Prepared]) -> Prepared:
        """One ``Prepared`` of several."""
        if len(parts) == 1:
            return parts[0]
        offs = [np.zeros(1, np.int64)]
        base = 0
        for p in parts:
            offs.append(p.pair_off[1:] - p.pair_off[0] + base)
            base += int(p.pair_off[-1] - p.pair_off[0])
        return Prepared([r for p in parts for r in p.rows],
                        np.concatenate([p.term_hashes for p in parts]), np.concatenate(offs))


# An article as ``prepare`` needs it, in plain values (cheap to send to a worker process):
# id, text, url, site, title, published, input, sentence spans ((start, end), ...).
_Plain = tuple[str, str, str | None, str | None, str | None, str | None, str | None,
               list[tuple[int, int]]]
_SPAN = operator.attrgetter("start", "end")


def _plain(a: Article) -> _Plain:
    return (a.id, a.text, a.url, a.site, a.title, a.published, a.input, list(map(_SPAN, a.sentences)))


def prepare_many(articles: Sequence[Article], min_word_len: int = 2) -> Prepared:
    """What ``add`` stores for ``articles``: a pure function (``add --jobs N`` runs it in
    worker processes). One article that cannot be indexed fails alone, not its chunk."""
    return _prepare([_plain(a) for a in articles], min_word_len)


def _prepare(articles: Sequence[_Plain], min_word_len: int = 2) -> Prepared:
    """``prepare_many`` of plain articles."""
    rows: list[_Row | str] = []
    items: list[tuple[str, list[tuple[int, int]]]] = []
    where: list[int] = []
    for aid, text, url, site, title, published, inp, spans in articles:
        name = inp or aid
        if not text or not text.strip():
            rows.append(f"{name}: empty article body, not indexed")
            continue
        try:
            h = content_hash(text)
        except UnicodeEncodeError:
            rows.append(f"{name}: the text is not valid Unicode (lone surrogate), not indexed")
            continue
        try:
            spans = spans or split_sentences(text)
        except (ValueError, OverflowError, RecursionError, UnicodeError) as exc:
            rows.append(f"{name}: not indexed ({type(exc).__name__}: {exc})")
            continue
        sents = _u32(chain.from_iterable(spans))
        rows.append((aid, h, url, site, title, published, inp, text, sents, b""))
        items.append((text, spans))
        where.append(len(rows) - 1)
    try:
        an = analyze_many(items, min_word_len, strings=False)
    except (ValueError, OverflowError, RecursionError, UnicodeError) as exc:
        if len(articles) > 1:  # find the article at fault: the others are indexed
            return Prepared.concat([_prepare([a], min_word_len) for a in articles])
        return Prepared([f"{articles[0][6] or articles[0][0]}: not indexed ({type(exc).__name__}: {exc})"],
                        np.zeros(0, np.uint64), np.zeros(2, np.int64))
    npairs = np.zeros(len(rows), dtype=np.int64)
    for i, toks in zip(where, an.packed_all(), strict=True):
        rows[i] = (*rows[i][:9], toks)
    npairs[where] = np.diff(an.pair_off)
    return Prepared(rows, an.pair_hashes(), np.concatenate(([0], np.cumsum(npairs))))


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while part := list(islice(it, size)):
        yield part


def _posting_rows(batch: Prepared, rid: np.ndarray, chunk: int, bits: int) -> Iterator[tuple[int, int, bytes, bytes]]:
    """One posting row per term group of the batch: (group id, chunk, directory, data) of
    its added articles (``analyze.posting_groups``), in group order (local B-tree inserts)."""
    owner = np.repeat(rid, np.diff(batch.pair_off))  # 0: not added (left out)
    grps, dirs, datas = posting_groups(batch.term_hashes, owner, chunk, bits, int(KEY_SHIFT))
    return zip(grps, itertools.repeat(chunk), dirs, datas)


# A merged row holds about this many bytes (``optimize`` picks its group bits by the total):
# a lookup reads a whole row, and fewer, larger rows are cheaper to write.
_MERGED_ROW_BYTES = 4096
_MERGE_BLOCK_BYTES = 4 << 20  # ``optimize`` decodes about this many stored bytes at a time


def _merged_bits(total_bytes: int, batch_bits: int) -> int:
    """Group bits of merged rows: a row holds ~``_MERGED_ROW_BYTES``, never fewer groups than a batch."""
    want = max(1, total_bytes // _MERGED_ROW_BYTES).bit_length()
    return min(max(batch_bits, want), 32)


# The merge policy (tiered, like Lucene's): runs (a batch's rows, or a merged run of
# consecutive batches) fall in size classes a factor ``_MERGE_FACTOR`` apart, the smallest
# class below ``_MERGE_FACTOR * _MERGE_UNIT`` bytes of postings; at the end of an add that
# leaves more than ``_MERGE_TAIL_RUNS`` runs, the newest runs holding at most ``_MERGE_TAIL``
# times the bytes it wrote become one.
_MERGE_FACTOR = 4
_MERGE_UNIT = 1 << 20
_MERGE_TAIL = 2
_MERGE_TAIL_RUNS = 3


def _size_class(nbytes: int) -> int:
    """The size class of a run of ``nbytes`` posting bytes (0: below ``F * U``)."""
    c, top = 0, _MERGE_FACTOR * _MERGE_UNIT
    while nbytes >= top:
        c += 1
        top *= _MERGE_FACTOR
    return c


def _next_merge(sizes: Sequence[int]) -> tuple[int, int] | None:
    """The runs ``[i, j)`` (oldest first, by their posting bytes) the policy merges next, if any.

    Classes never grow from an older run to a newer one: a run of a larger class than the
    runs before it (a big batch after small ones, or a merge's result) is merged with those
    smaller runs. Then ``_MERGE_FACTOR`` runs of one class are merged into one of a larger
    class. So at most ``F - 1`` runs of each class remain, O(log N) in all, and every merge
    but the first rewrite of a new run moves each byte it rewrites into a larger class: a
    byte is rewritten O(log N) times (amortised O(N log N) merge bytes for N bytes added).
    """
    cls = [_size_class(s) for s in sizes]
    for k in range(1, len(cls)):
        if cls[k] > cls[k - 1]:
            i = k - 1
            while i > 0 and cls[i - 1] < cls[k]:
                i -= 1
            return i, k + 1
    i = 0
    for k in range(1, len(cls) + 1):
        if k == len(cls) or cls[k] != cls[i]:
            if k - i >= _MERGE_FACTOR:
                return i, k
            i = k
    return None


def _tail_merge(sizes: Sequence[int], added: int) -> tuple[int, int] | None:
    """At the end of an add that wrote ``added`` posting bytes and left more than
    ``_MERGE_TAIL_RUNS`` runs: the newest runs whose bytes together are at most ``_MERGE_TAIL
    * added`` (two runs at least), merged into one. Costs at most ``_MERGE_TAIL`` times what
    the add wrote, and leaves a large add's batches in one run instead of up to ``F - 1`` runs
    of each class they reached (an index of a few batches is left as it is: one pass over
    them would cost more than it saves)."""
    if len(sizes) <= _MERGE_TAIL_RUNS:
        return None
    i, acc = len(sizes), 0
    while i > 0 and acc + sizes[i - 1] <= _MERGE_TAIL * added:
        i -= 1
        acc += sizes[i]
    return (i, len(sizes)) if len(sizes) - i >= 2 else None


def _insert_rows(conn: sqlite3.Connection, into: str, width: int, rows: Iterable[tuple[Any, ...]],
                 per: int) -> None:
    """``INSERT INTO {into} VALUES ...`` of every row, ``per`` rows a statement: one SQLite step
    for ``per`` rows instead of ``executemany``'s step a row (a third less CPU a posting row,
    and with ``--jobs`` far fewer hand-offs of the GIL between the writer and the threads)."""
    one = "(" + ",".join("?" * width) + ")"
    many = f"INSERT INTO {into} VALUES " + ",".join([one] * per)
    it = iter(rows)
    while len(part := list(islice(it, per))) == per:
        conn.execute(many, list(chain.from_iterable(part)))
    if part:
        conn.executemany(f"INSERT INTO {into} VALUES {one}", part)


def content_hash(text: str) -> str:
    """Content hash that makes ``add`` idempotent (sha1 of the stripped body, 20 hex)."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:20]


# ---------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE,
    url TEXT, site TEXT, title TEXT, published TEXT, input TEXT,
    text TEXT NOT NULL,
    sents BLOB NOT NULL,
    toks BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS postings (
    grp INTEGER NOT NULL, chunk INTEGER NOT NULL, dir BLOB NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (grp, chunk)
) WITHOUT ROWID;
"""
# One row per run of posting rows (a batch's, or merged consecutive batches'): its first
# rowid (``chunk``), group bits, articles and posting bytes (format 5).
_SCHEMA_RUNS = ("CREATE TABLE IF NOT EXISTS runs (chunk INTEGER PRIMARY KEY, bits INTEGER NOT NULL, "
                "articles INTEGER NOT NULL, bytes INTEGER NOT NULL)")
_POSTINGS = ("(grp INTEGER NOT NULL, chunk INTEGER NOT NULL, dir BLOB NOT NULL, data BLOB NOT NULL, "
             "PRIMARY KEY (grp, chunk)) WITHOUT ROWID")


class _DocFreqs:
    """Every term's document frequency in memory: sorted 47-bit term keys and counts, read
    from the posting rows' directories (not their rowids)."""

    def __init__(self, conn: sqlite3.Connection):
        ks, cs = [], []
        cur = conn.execute("SELECT dir FROM postings")
        while rows := cur.fetchmany(10_000):
            if any(len(r[0]) % 16 for r in rows):
                raise sqlite3.DatabaseError("a posting row's directory is damaged")
            rec = np.frombuffer(b"".join(r[0] for r in rows), dtype=DIR_ENTRY)
            ks.append(rec["key"])
            cs.append(rec["count"])
        k = np.concatenate(ks) if ks else np.zeros(0, np.uint64)
        c = np.concatenate(cs) if cs else np.zeros(0, np.uint32)
        order = np.argsort(k, kind="stable")
        k, c = k[order], c[order]
        starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1]))) if len(k) else np.zeros(0, np.int64)
        self.keys = k[starts]
        self.dfs = (np.add.reduceat(c.astype(np.int64), starts) if len(k) else np.zeros(0, np.int64)).astype(np.uint32)

    def lookup(self, terms: list[str]) -> dict[str, int]:
        if not terms or not len(self.keys):
            return {}
        q = hash_keys(terms) >> KEY_SHIFT
        pos = np.minimum(np.searchsorted(self.keys, q), len(self.keys) - 1)
        hit = (self.keys[pos] == q).tolist()
        return {t: d for t, d, h in zip(terms, self.dfs[pos].tolist(), hit, strict=True) if h}


class Index:
    """An unspin article index in one SQLite file. Open with ``Index.open``."""

    def __init__(self, path: Path, conn: sqlite3.Connection, params: IndexParams, meta: dict[str, str]):
        self.path = path
        self.conn = conn
        self.params = params
        self.meta = meta
        self._n_cache: int | None = None
        self._df: _DocFreqs | None = None
        self._df_calls = 0
        self._batch_bytes = 0  # posting bytes the last batch wrote

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, create: bool = False, params: IndexParams | None = None,
             readonly: bool = False) -> Index:
        """Open the index at ``path``, creating it when ``create`` is true and it is absent.

        Args:
            path: the index file.
            create: create a new index if ``path`` does not exist (or is empty).
            params: parameters the caller needs; an existing index built with other ones
                is refused. ``None`` accepts the stored parameters.
            readonly: open without write access (for tracing).

        Raises:
            IndexMissingError: no file and ``create`` is false.
            IndexCorruptError: the file is not an unspin index or is damaged.
            IndexParamsError: the index was built with other parameters or tokenizer.
        """
        p = Path(path)
        src = str(p)
        wal = Path(f"{p}-wal")
        # a new index in WAL mode may hold everything in its -wal until a checkpoint
        in_wal = p.exists() and p.stat().st_size == 0 and wal.exists() and wal.stat().st_size > 0
        exists = p.exists() and (p.stat().st_size > 0 or in_wal)
        if p.exists() and p.is_dir():
            raise IndexCorruptError("is a directory, not an unspin index file", input=src,
                                    hint="pass the index file, e.g. --db news.unspin")
        if not exists and not create:
            raise IndexMissingError("no index here", input=src,
                                    hint=f"create one with: unspin index add --db {src} INPUT...")
        if not exists and create and not p.parent.is_dir():
            where = "does not exist" if not p.parent.exists() else "is not a directory"
            raise IndexMissingError(f"cannot create the index: {str(p.parent)!r} {where}", input=src,
                                    hint="create the directory first, or pass another --db path")
        if exists and not in_wal:
            try:
                with open(p, "rb") as fh:
                    head = fh.read(16)
            except OSError as exc:
                raise IndexCorruptError(f"cannot open index ({exc.strerror})", input=src,
                                        hint="check the file's permissions") from None
            if head != _SQLITE_MAGIC:
                raise IndexCorruptError("not an unspin index (not an SQLite database)", input=src,
                                        hint="pass an index made by 'unspin index add', or a new path")
            why = _header_problem(p)
            if why:
                raise IndexCorruptError(f"damaged index: {why}", input=src,
                                        hint="restore a copy, or rebuild it with 'unspin index add'")
        try:
            if readonly and exists:
                conn = cls._connect_readonly(p, src)
            else:
                conn = sqlite3.connect(str(p), check_same_thread=False, timeout=_BUSY_MS / 1000)
            conn.isolation_level = None  # explicit BEGIN/COMMIT
            conn.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            meta = {}
            if exists:
                try:
                    meta = cls._read_meta(conn, src)
                except IndexMissingError:
                    if not create or readonly:
                        conn.close()
                        raise
                    exists = False  # an empty database (another `add` creating it): create
        except sqlite3.DatabaseError as exc:
            if "unable to open" in str(exc) and p.parent.is_dir() and not os.access(p.parent, os.W_OK):
                raise IndexReadOnlyError(f"cannot open the index: its directory {str(p.parent)!r} is "
                                         "read-only", input=src,
                                         hint="copy the index to a writable directory") from exc
            if "malformed" in str(exc):  # an SQLite file (header checked above) with broken pages
                what = "damaged index" if readonly else "damaged index, refused for writing"
                raise IndexCorruptError(f"{what} ({exc})", input=src,
                                        hint=f"see 'unspin index check --db {src}'; restore a copy "
                                             "or rebuild it with 'unspin index add'") from exc
            raise IndexCorruptError(f"cannot read index ({exc})", input=src,
                                    hint="the file is damaged or not an index; rebuild it") from exc
        want = params or IndexParams.default()
        if not exists and not 4 <= want.group_bits <= 20:
            conn.close()
            raise IndexParamsError(f"posting group bits must be 4 to 20, not {want.group_bits}", input=src)
        if not exists:
            try:
                # 64 KiB pages hold many articles each (with 4 KiB ones, an article of 3.4 KB
                # takes a page of its own); set before anything is written
                conn.execute(f"PRAGMA page_size={_PAGE_SIZE}")
                conn.execute("PRAGMA auto_vacuum=INCREMENTAL")  # optimize gives merged pages back
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA cache_size=-131072")
                # another process may be creating the same index right now: the write lock
                # orders the two, IF NOT EXISTS / OR IGNORE make the second a no-op, and the
                # meta re-read below checks whatever the first one wrote
                conn.execute("BEGIN IMMEDIATE")
                for stmt in _SCHEMA.strip().split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute(_SCHEMA_RUNS)
                meta = {"format": FORMAT, "format_version": str(FORMAT_VERSION),
                        "params": json.dumps(want.to_dict(), sort_keys=True),
                        "unspin_version": __version__, "created_by": __version__}
                conn.executemany("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
                                 meta.items())
                conn.execute("COMMIT")
                meta = cls._read_meta(conn, src)
            except sqlite3.DatabaseError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.close()
                if _is_full(exc):
                    raise IndexFullError("cannot create the index: the disk is full", input=src,
                                         hint="free some space and rerun") from exc
                if "readonly" in str(exc) or "unable to open" in str(exc):
                    raise IndexReadOnlyError(f"cannot create the index ({exc})", input=src,
                                             hint="pass a path in a writable directory") from exc
                raise IndexCorruptError(f"cannot create index ({exc})", input=src) from exc
            log.info("opened new index %s", src)
            exists = True
        stored = IndexParams.from_dict(json.loads(meta["params"]))
        if not 4 <= stored.group_bits <= 20:
            conn.close()
            raise IndexCorruptError(f"damaged index: its posting group bits ({stored.group_bits}) are out of range",
                                    input=src, hint="rebuild it with 'unspin index add'")
        if meta.get("format_version") not in (str(FORMAT_VERSION), str(_LEGACY_VERSION)):
            conn.close()
            raise IndexParamsError(
                f"index format {meta.get('format_version')} was written by unspin "
                f"{meta.get('unspin_version')}; this unspin ({__version__}) reads formats {_LEGACY_VERSION} and {FORMAT_VERSION}",
                input=src, hint="rebuild it: unspin index add --db NEW.unspin INPUT..." + (
                    f" (or use unspin {meta.get('unspin_version')})"
                    if meta.get("unspin_version") != __version__ else ""))
        default = IndexParams.default()
        if stored.tokenizer != default.tokenizer:
            conn.close()
            raise IndexParamsError(
                f"index was built with another tokenizer (digest {stored.tokenizer}, this unspin "
                f"{__version__} uses {default.tokenizer}; index written by unspin {meta.get('unspin_version')})",
                input=src, hint="rebuild the index with this version: unspin index add --db NEW.unspin INPUT...")
        if params is not None and params != stored:
            diff = {k: (v, getattr(params, k)) for k, v in asdict(stored).items() if getattr(params, k) != v}
            desc = ", ".join(f"{k}={a!r} stored, {b!r} requested" for k, (a, b) in diff.items())
            conn.close()
            raise IndexParamsError(
                f"index was built with other parameters ({desc})", input=src,
                hint="open it with its stored parameters, or build a new index at another path")
        if meta.get("unspin_version") != __version__:
            log.warning("%s: index written by unspin %s, reading with %s (same format)", src,
                        meta.get("unspin_version"), __version__)
        conn.execute("PRAGMA cache_size=-131072")  # 128 MiB page cache
        if not readonly:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")  # WAL: consistent after a crash
                # a no-op write, rolled back: a read-only file fails here, not mid-batch
                conn.execute("BEGIN")
                conn.execute("UPDATE meta SET value = value WHERE key = 'format'")
                conn.execute("ROLLBACK")
            except sqlite3.DatabaseError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.close()
                if "readonly" in str(exc):
                    raise IndexReadOnlyError("the index is read-only: nothing was added", input=src,
                                             hint="make the file writable, or add to a copy; "
                                                  "trace and stats can still read it") from exc
                if _is_full(exc):
                    raise IndexFullError("the disk is full: nothing was added", input=src,
                                         hint="free some space and rerun") from exc
                raise IndexCorruptError(f"damaged index, refused for writing ({exc})", input=src,
                                        hint=f"see 'unspin index check --db {src}'; restore a "
                                             "copy or rebuild it") from exc
            # never write into a damaged file: SQLite's own check of every page's structure
            bad = cls._quick_check(conn)
            if bad:
                conn.close()
                raise IndexCorruptError(f"damaged index, refused for writing: {bad}", input=src,
                                        hint="see 'unspin index check --db "
                                             f"{src}'; restore a copy or rebuild it")
        return cls(p, conn, stored, meta)

    @staticmethod
    def _quick_check(conn: sqlite3.Connection) -> str | None:
        try:
            rows = conn.execute("PRAGMA quick_check(5)").fetchall()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        msgs = [str(r[0]) for r in rows]
        return None if msgs == ["ok"] else "; ".join(msgs)

    @staticmethod
    def _connect_readonly(p: Path, src: str) -> sqlite3.Connection:
        """Open read-only; in a read-only directory (no room for the WAL's -shm file) read
        the file as immutable, which is exact once the WAL is checkpointed (empty)."""
        try:
            conn = sqlite3.connect(f"file:{p.resolve()}?mode=ro", uri=True, check_same_thread=False,
                                   timeout=_BUSY_MS / 1000)
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchall()
            return conn
        except sqlite3.OperationalError as exc:
            if "readonly database" in str(exc) and os.access(p, os.W_OK) and os.access(p.parent, os.W_OK):
                # A writer killed mid-transaction left a WAL whose index must be rebuilt, which
                # a read-only connection cannot do: a writable one recovers it, then only reads.
                conn = sqlite3.connect(str(p), check_same_thread=False, timeout=_BUSY_MS / 1000)
                conn.execute("PRAGMA query_only=1")
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchall()
                return conn
            if "unable to open" not in str(exc):
                raise
            wal = p.with_name(p.name + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise IndexReadOnlyError(
                    "cannot read the index: its directory is read-only and it has uncheckpointed "
                    f"changes in {wal.name}", input=src,
                    hint="copy the index and its -wal file to a writable directory") from exc
            return sqlite3.connect(f"file:{p.resolve()}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)

    @staticmethod
    def _read_meta(conn: sqlite3.Connection, src: str) -> dict[str, str]:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            raise IndexMissingError("no index here yet (an empty database: being created by "
                                    "another process, or left empty)", input=src,
                                    hint=f"add articles with: unspin index add --db {src} INPUT...")
        if "meta" not in tables:
            raise IndexCorruptError("not an unspin index (SQLite file without an index 'meta' table)",
                                    input=src, hint="pass an index made by 'unspin index add', or a new path")
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT or "params" not in meta:
            raise IndexCorruptError("not an unspin index (its meta table is not unspin's)", input=src,
                                    hint="pass an index made by 'unspin index add', or a new path")
        missing = {"articles", "postings"} - tables
        if meta.get("format_version") == str(FORMAT_VERSION) and "runs" not in tables:
            missing.add("runs")
        if missing:
            raise IndexCorruptError(f"damaged index: missing tables {sorted(missing)}", input=src,
                                    hint="rebuild it with 'unspin index add'")
        return meta

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _db_error(self, exc: sqlite3.DatabaseError) -> IndexError_:
        if "readonly" in str(exc):
            return IndexReadOnlyError("the index became read-only: the current batch was not added",
                                      input=str(self.path), hint="make the file writable and rerun")
        if _is_full(exc):
            return IndexFullError("the disk is full: the current batch was not added (the "
                                  "batches committed before it are kept)", input=str(self.path),
                                  hint="free some space and rerun the same command")
        if "locked" in str(exc) or "busy" in str(exc):
            return IndexError_(f"the index is busy: another process held it for over "
                               f"{_BUSY_MS // 1000} s ({exc})", input=str(self.path),
                               hint="rerun when the other 'unspin index add' has finished")
        return IndexCorruptError(f"index read/write failed ({exc})", input=str(self.path),
                                 hint="the file may be damaged; rebuild it with 'unspin index add'")

    # -- writing -----------------------------------------------------------------------
    def add(self, articles: Iterable[Article], batch_size: int = 10_000,
            on_batch: Callable[[AddCounts], None] | None = None, *, commit_seconds: float = 3.0,
            jobs: int = 1, optimize: bool | None = None) -> AddCounts:
        """Add articles, committing every ``batch_size`` articles, or every ``commit_seconds``
        once a batch holds ``_MIN_TIMED_BATCH`` (1,000) articles.

        An article whose body (content hash) or id is already stored is skipped; an empty
        body fails. Each batch is one transaction, so an interruption loses at most the
        batch in progress (a few seconds of work) and re-running the same input completes
        the index. ``on_batch`` is called with the running counts after each commit.

        ``jobs``: analyse articles in this many threads while this one writes.
        ``optimize``: ``None`` merges posting runs after each batch as the merge policy asks
        (``_next_merge``: a lookup reads O(log N) rows per term however the index was
        built); ``True`` also merges everything into one run at the end (``optimize``);
        ``False`` merges nothing.
        """
        total = AddCounts()
        pending: list[Prepared] = []
        n_pending = 0
        merges = added = 0
        deadline = time.monotonic() + commit_seconds
        pool = None
        before_commit: Callable[[int], None] | None = None
        size = max(1, min(_CHUNK, batch_size))
        mwl = self.params.min_word_len
        if jobs > 1:
            # Threads, not processes: the C loops of the analysis and SQLite's own work run
            # without the GIL, and nothing is copied between processes (sending the texts to
            # worker processes cost the writer as much as analysing them).
            from concurrent.futures import Future, ThreadPoolExecutor

            size = max(1, min(_CHUNK // 2, batch_size))
            pool = ThreadPoolExecutor(jobs, thread_name_prefix="unspin-index")

            flight: collections.deque[Future[Prepared]] = collections.deque()
            src = _chunks(articles, size)

            def top_up(limit: int) -> None:
                while len(flight) < limit and (part := next(src, None)) is not None:
                    flight.append(pool.submit(prepare_many, part, mwl))

            def ahead() -> Iterator[Prepared]:  # 2 chunks per thread in flight
                while True:
                    top_up(2 * jobs)
                    if not flight:
                        return
                    yield flight.popleft().result()

            def before_commit(n: int) -> None:
                # While this thread writes a batch, the threads analyse up to as many articles
                # again (at most _AHEAD_ARTICLES more held in memory): the write and the
                # analysis overlap instead of taking turns.
                top_up(2 * jobs + -(-min(n, _AHEAD_ARTICLES) // size))

            prepared: Iterable[Prepared] = ahead()
        else:
            prepared = (prepare_many(part, mwl) for part in _chunks(articles, size))
        try:
            for done in prepared:
                part: Prepared | None = done
                while part is not None:
                    room = batch_size - n_pending
                    head, part = part.split(room) if len(part.rows) > room else (part, None)
                    pending.append(head)
                    n_pending += len(head.rows)
                    if n_pending >= batch_size or (n_pending >= _MIN_TIMED_BATCH
                                                   and time.monotonic() >= deadline):
                        if before_commit is not None:
                            before_commit(n_pending)
                        total = total + self._add_batch(Prepared.concat(pending))
                        added += self._batch_bytes
                        if optimize is None:
                            merges += self._merge_by_policy()
                        pending, n_pending = [], 0
                        deadline = time.monotonic() + commit_seconds
                        if on_batch:
                            on_batch(total)
            if pending:
                total = total + self._add_batch(Prepared.concat(pending))
                added += self._batch_bytes
                if optimize is None:
                    merges += self._merge_by_policy()
                if on_batch:
                    on_batch(total)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        if optimize:
            self.optimize()
            return total
        if optimize is None and self._merge(lambda sizes: _tail_merge(sizes, added)):
            merges += 1 + self._merge_by_policy()
        if merges:
            self._vacuum()
        return total

    def _merge_by_policy(self) -> int:
        """Run the merges the policy asks for now (``_next_merge``), each in its own
        transaction; returns how many."""
        n = 0
        while self._merge(_next_merge):
            n += 1
        return n

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed at the end, rolled back on any error."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._db_error(exc) from exc
            raise

    def optimize(self) -> int:
        """Merge every run of posting rows into one (a lookup then reads one row per term).

        The merged rows group terms by more bits than a batch's (a row holds a few KB, see
        ``_merged_bits``). Runs in one transaction: an interruption leaves the index as it
        was. Returns the number of posting rows after.
        """
        self._merge(lambda sizes: (0, len(sizes)) if sizes else None, whole=True)
        self._vacuum()
        self._df = None
        try:
            return int(self.conn.execute("SELECT COUNT(*) FROM postings").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from exc

    def _vacuum(self) -> None:
        """Give the pages merges freed back to the file system."""
        try:
            # executescript steps the pragma to the end (execute would free one page per call)
            self.conn.executescript("PRAGMA incremental_vacuum;")
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from exc

    def _merge(self, plan: Callable[[list[int]], tuple[int, int] | None], whole: bool = False) -> bool:
        """One merge in one transaction: the runs ``[i, j)`` that ``plan`` picks from the runs'
        posting bytes (oldest first), if any; ``whole``: they are all the runs. Returns whether
        anything was merged.

        The runs' rows are read, decoded and written again as one run (``chunk`` = the
        first run's, group bits by its size: ``_merged_bits``) a block of groups at a time,
        so memory stays bounded; the ``runs`` table is updated in the same transaction.
        """
        bb = self.params.group_bits
        with self._transaction() as conn:
            runs = self._writable_runs(conn)
            picked = plan([r[3] for r in runs])
            if picked is None:
                return False
            i, j = picked
            whole = whole and (i, j) == (0, len(runs))
            part = runs[i:j]
            first, last = part[0][0], part[-1][0]
            total = sum(r[3] for r in part)
            bm = _merged_bits(total, bb)
            levels = sorted({r[1] for r in part})
            swap = whole  # everything: write a new table and drop the old one (no deletes)
            into = "postings"
            if swap:
                conn.execute("DROP TABLE IF EXISTS postings_merged")
                conn.execute(f"CREATE TABLE postings_merged {_POSTINGS}")
                into = "postings_merged"
            # stream: a block of the batch level's groups at a time (every run's groups nest
            # in them: a run has at least the batch level's bits)
            blocks = 1 << min(bb, max(0, (total // _MERGE_BLOCK_BYTES).bit_length()))
            span = (1 << bb) // blocks
            written = 0
            for blk in range(blocks):
                rows: list[tuple[int, bytes, bytes]] = []
                for b in levels:
                    lo = (1 << b) + ((blk * span) << (b - bb))
                    hi = (1 << b) + (((blk + 1) * span) << (b - bb)) - 1
                    where = "grp BETWEEN ? AND ? AND chunk BETWEEN ? AND ?"
                    rows += conn.execute(f"SELECT chunk, dir, data FROM postings WHERE {where}",
                                         (lo, hi, first, last)).fetchall()
                    if not swap:
                        conn.execute(f"DELETE FROM postings WHERE {where}", (lo, hi, first, last))
                if not rows:
                    continue
                rows.sort(key=operator.itemgetter(0))  # runs in rowid order
                keys, rowids = [], []
                for chunk, d, data in rows:
                    try:
                        k, c, r = decode_group(d, data, chunk)
                    except ValueError as exc:
                        raise IndexCorruptError(f"damaged index: a posting row of batch {chunk}: {exc}",
                                                input=str(self.path),
                                                hint=f"see 'unspin index check --db {self.path}'") from None
                    keys.append(np.repeat(k, c))
                    rowids.append(r.astype(np.int64))
                grps, dirs, datas = posting_groups(np.concatenate(keys), np.concatenate(rowids), first, bm)
                written += sum(map(len, dirs)) + sum(map(len, datas))
                _insert_rows(conn, f"{into}(grp, chunk, dir, data)", 4,
                             zip(grps, itertools.repeat(first), dirs, datas), 64)
            if swap:
                conn.execute("DROP TABLE postings")
                conn.execute("ALTER TABLE postings_merged RENAME TO postings")
            conn.execute("DELETE FROM runs WHERE chunk BETWEEN ? AND ?", (first, last))
            conn.execute("INSERT INTO runs(chunk, bits, articles, bytes) VALUES (?, ?, ?, ?)",
                         (first, bm, sum(r[2] for r in part), written))
        self._df = None
        return True

    @staticmethod
    def _format_of(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone()
        return int(row[0]) if row and str(row[0]).isdigit() else 0

    @staticmethod
    def _runs_of(conn: sqlite3.Connection) -> list[tuple[int, int, int, int]]:
        """The runs of posting rows, oldest first: (chunk, group bits, articles, bytes)."""
        return [tuple(r) for r in conn.execute("SELECT chunk, bits, articles, bytes FROM runs ORDER BY chunk")]

    def _writable_runs(self, conn: sqlite3.Connection) -> list[tuple[int, int, int, int]]:
        """``_runs_of`` inside a write transaction; a format-4 index gets its ``runs`` table
        first (its merged level and each batch after it, from its rows) and becomes format 5."""
        if self._format_of(conn) == _LEGACY_VERSION:
            conn.execute(_SCHEMA_RUNS)
            sizes = conn.execute("SELECT chunk, MAX(grp), SUM(length(dir) + length(data)) FROM postings "
                                 "GROUP BY chunk ORDER BY chunk").fetchall()
            top = conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM articles").fetchone()[0]
            ends = [c for c, _, _ in sizes[1:]] + [top + 1]
            for (chunk, g, nbytes), end in zip(sizes, ends, strict=True):
                n = conn.execute("SELECT COUNT(*) FROM articles WHERE rowid >= ? AND rowid < ?",
                                 (chunk, end)).fetchone()[0]
                conn.execute("INSERT INTO runs(chunk, bits, articles, bytes) VALUES (?, ?, ?, ?)",
                             (chunk, int(g).bit_length() - 1, n, nbytes))
            conn.execute("DELETE FROM meta WHERE key IN ('unmerged', 'merged_upto', 'merged_bits')")
            conn.execute("UPDATE meta SET value = ? WHERE key = 'format_version'", (str(FORMAT_VERSION),))
            self.meta["format_version"] = str(FORMAT_VERSION)
            log.info("%s: index format %d upgraded to %d (runs recorded)", self.path, _LEGACY_VERSION,
                     FORMAT_VERSION)
        return self._runs_of(conn)

    @classmethod
    def _run_bits(cls, conn: sqlite3.Connection, batch_bits: int) -> list[int]:
        """The group bits of the runs a lookup reads (format 4: the merged level's and the batches')."""
        if cls._format_of(conn) == _LEGACY_VERSION:
            row = conn.execute("SELECT value FROM meta WHERE key = 'merged_bits'").fetchone()
            return sorted({batch_bits} | ({int(row[0])} if row and int(row[0]) else set()))
        return [int(r[0]) for r in conn.execute("SELECT DISTINCT bits FROM runs ORDER BY bits")]

    def _add_batch(self, batch: Prepared) -> AddCounts:
        failed = 0
        kept: list[int] = []
        for i, r in enumerate(batch.rows):
            if isinstance(r, str):
                log.warning("%s", r)
                failed += 1
            else:
                kept.append(i)
        rows: list[_Row] = [batch.rows[i] for i in kept]  # type: ignore[misc]
        with self._transaction() as conn:
            self._writable_runs(conn)  # a format-4 index: its runs recorded first
            seen_h: set[str] = set()
            seen_i: set[str] = set()
            for k in range(0, len(rows), 500):
                part = rows[k:k + 500]
                q = ",".join("?" * len(part))
                seen_h.update(r[0] for r in conn.execute(f"SELECT hash FROM articles WHERE hash IN ({q})",
                                                         [r[1] for r in part]))
                seen_i.update(r[0] for r in conn.execute(f"SELECT id FROM articles WHERE id IN ({q})",
                                                         [r[0] for r in part]))
            nxt = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM articles").fetchone()[0]
            chunk = nxt
            rid = np.zeros(len(batch.rows), dtype=np.int64)  # 0: not added
            inserts = []
            skipped = 0
            for i, r in zip(kept, rows, strict=True):
                aid, h = r[0], r[1]
                if h in seen_h:
                    skipped += 1
                    continue
                if aid in seen_i:
                    log.warning("%s: id %s already indexed with a different text; not added",
                                r[6] or aid, aid)
                    failed += 1
                    continue
                seen_h.add(h)
                seen_i.add(aid)
                rid[i] = nxt
                inserts.append((nxt, *r))
                nxt += 1
            _insert_rows(conn, "articles(rowid, id, hash, url, site, title, published, input, text, sents, toks)",
                         11, inserts, 64)
            nbytes = 0

            def counted(rows: Iterable[tuple[int, int, bytes, bytes]]) -> Iterator[tuple[int, int, bytes, bytes]]:
                nonlocal nbytes
                for r in rows:
                    nbytes += len(r[2]) + len(r[3])
                    yield r

            _insert_rows(conn, "postings(grp, chunk, dir, data)", 4,
                         counted(_posting_rows(batch, rid, chunk, self.params.group_bits)), 64)
            if inserts:
                conn.execute("INSERT INTO meta(key, value) VALUES ('unspin_version', ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (__version__,))
                conn.execute("INSERT INTO runs(chunk, bits, articles, bytes) VALUES (?, ?, ?, ?)",
                             (chunk, self.params.group_bits, len(inserts), nbytes))
        self._batch_bytes = nbytes
        self._n_cache = None
        self._df = None
        return AddCounts(len(inserts), skipped, failed)

    # -- reading -----------------------------------------------------------------------
    def __len__(self) -> int:
        if self._n_cache is None:
            try:
                self._n_cache = int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            except sqlite3.DatabaseError as exc:
                raise self._db_error(exc) from exc
        return self._n_cache

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequency of each of ``terms`` that occurs in the index.

        The first call asks SQLite; from the second on (a process that traces more than
        once) every term's frequency is kept in memory, 12 bytes a term.
        """
        terms = list(terms)
        self._df_calls += 1
        if self._df is None and self._df_calls >= 2:
            try:
                self._df = _DocFreqs(self.conn)
            except sqlite3.DatabaseError as exc:
                raise self._db_error(exc) from exc
        if self._df is not None:
            return self._df.lookup(terms)
        of = dict(zip(term_keys(terms), terms, strict=True))
        offs, _ = self._lookup(list(of), rowids=False)
        counts = np.diff(offs).tolist()
        return {t: c for t, c in zip(of.values(), counts, strict=True) if c > 0}

    def postings(self, terms: Sequence[str]) -> dict[str, np.ndarray]:
        """Rowids of the articles containing each term (uint32 arrays, ascending)."""
        of = dict(zip(term_keys(list(terms)), terms, strict=True))
        offs, rows = self._lookup(list(of), rowids=True)
        assert rows is not None
        o = offs.tolist()
        return {t: rows[a:b] for t, a, b in zip(of.values(), o[:-1], o[1:], strict=True) if b > a}

    def _lookup(self, keys: list[int], rowids: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """``analyze.group_lookup`` of term keys in the posting rows of their groups in every
        run, oldest first, read in one transaction with the runs' group bits (a concurrent
        merge is never half seen).

        A run is a level of the lookup; runs may share group bits (their rows then share
        group ids), so each row's id is made ``grp * L + level`` (and each key's wanted ids
        alike): a key meets the rows of exactly its own run at each level, and its rowids
        come out ascending, run after run."""
        if not keys:
            return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint32)
        k = np.array(keys, dtype=np.int64).view(np.uint64)
        conn = self.conn
        cols = "grp, chunk, dir, data" if rowids else "grp, chunk, dir"
        found: list[tuple[Any, ...]] = []
        try:
            own = not conn.in_transaction
            if own:
                conn.execute("BEGIN")
            try:
                want = sorted(set(np.concatenate([group_ids(k, b) for b in
                                                  self._run_bits(conn, self.params.group_bits)] or
                                                 [np.zeros(0, np.int64)]).tolist()))
                for s in range(0, len(want), 500):
                    part = want[s:s + 500]
                    q = ",".join("?" * len(part))
                    found += conn.execute(f"SELECT {cols} FROM postings WHERE grp IN ({q}) ORDER BY grp, chunk",
                                          part).fetchall()
            finally:
                if own:
                    conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from exc
        if not found:
            return np.zeros(len(k) + 1, dtype=np.int64), np.zeros(0, dtype=np.uint32) if rowids else None
        grp = np.fromiter((r[0] for r in found), dtype=np.int64, count=len(found))
        chunk = np.fromiter((r[1] for r in found), dtype=np.int64, count=len(found))
        runs, first = np.unique(chunk, return_index=True)  # a run is its first rowid
        level = np.searchsorted(runs, chunk)
        nl = len(runs)
        bits = [int(g).bit_length() - 1 for g in grp[first].tolist()]
        gids = np.stack([group_ids(k, b) * nl + lev for lev, b in enumerate(bits)])
        try:
            return group_lookup(k, gids, grp * nl + level, [r[2] for r in found],
                                [r[3] for r in found] if rowids else None, chunk)
        except ValueError as exc:
            raise IndexCorruptError(f"damaged index: a posting row: {exc}", input=str(self.path),
                                    hint=f"see 'unspin index check --db {self.path}'; rebuild it with "
                                         "'unspin index add'") from None

    def get(self, rowids: Iterable[int]) -> list[StoredArticle]:
        """Stored articles by rowid (in the order given; unknown rowids are left out)."""
        rowids = [int(r) for r in rowids]
        if not rowids:
            return []
        q = ",".join("?" * len(rowids))
        try:
            rows = self.conn.execute(f"SELECT {_COLS} FROM articles WHERE rowid IN ({q})", rowids).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from exc
        by = {r[0]: _stored(r) for r in rows}
        return [by[r] for r in rowids if r in by]

    def get_by_id(self, article_id: str) -> StoredArticle | None:
        """The stored article with this id, if any."""
        try:
            row = self.conn.execute(f"SELECT {_COLS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from exc
        return _stored(row) if row else None

    def id_for_hash(self, text: str) -> str | None:
        """Id of the stored article with the same body as ``text`` (content hash), if any."""
        try:
            row = self.conn.execute("SELECT id FROM articles WHERE hash = ?", (content_hash(text),)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from exc
        return row[0] if row else None

    def iter_articles(self) -> Iterator[StoredArticle]:
        """Every stored article, in insertion order."""
        try:
            cur = self.conn.execute(f"SELECT {_COLS} FROM articles ORDER BY rowid")
            for r in cur:
                yield _stored(r)
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from exc

    def check(self, full: bool = True, limit: int = 20) -> CheckReport:
        """Check the index: SQLite's integrity check, then (``full``) every stored content
        hash against its text, every posting row against the articles (a sound row of a
        known group, existing rowids). Reads the whole file; ``index add`` runs the quick form of the
        SQLite check by itself before writing.

        Returns:
            A :class:`CheckReport` (``ok`` false with the problems found, at most ``limit``).
        """
        problems: list[str] = []
        src = str(self.path)

        def add(msg: str) -> bool:
            problems.append(msg)
            return len(problems) >= limit

        n = terms = 0
        try:
            for (msg,) in self.conn.execute(f"PRAGMA integrity_check({limit})"):
                if msg != "ok" and add(f"sqlite: {msg}"):
                    break
            if full and not problems:
                seen: set[int] = set()
                for rowid, h, text in self.conn.execute(
                        "SELECT rowid, hash, text FROM articles ORDER BY rowid"):
                    n += 1
                    seen.add(int(rowid))
                    try:
                        good = content_hash(text) == h
                    except (UnicodeError, AttributeError, TypeError):
                        good = False
                    if not good and add(f"article rowid {rowid}: its text does not match its "
                                        "stored hash"):
                        break
                if len(problems) < limit:
                    terms = self._check_postings(np.array(sorted(seen), dtype=np.int64), add)
        except sqlite3.DatabaseError as exc:
            if _is_full(exc) or "readonly" in str(exc):
                raise self._db_error(exc) from exc
            problems.append(f"sqlite: {exc}")
        log.info("%s: check found %d problem(s)", src, len(problems))
        return CheckReport(path=src, ok=not problems, articles=n, terms=terms,
                           problems=tuple(problems[:limit]), full=full)

    def _check_runs(self, seen: np.ndarray, add: Callable[[str], bool]) -> dict[int, tuple[int, int]] | None:
        """``check``'s look at the ``runs`` table (format 5): sound values, each run's count of
        articles (those from its first rowid to the next run's), no article outside a run.
        Returns each run's (group bits, end rowid) by first rowid, None after ``limit`` problems."""
        bb = self.params.group_bits
        runs = self.conn.execute("SELECT chunk, bits, articles, bytes FROM runs ORDER BY chunk").fetchall()
        out: dict[int, tuple[int, int]] = {}
        for q, (chunk, bits, arts, nbytes) in enumerate(runs):
            if not all(isinstance(v, int) for v in (chunk, bits, arts, nbytes)) or chunk < 0 or \
                    not bb <= bits <= 32 or arts < 0 or nbytes < 0:
                if add(f"run {chunk}: damaged bookkeeping (bits {bits!r}, articles {arts!r}, bytes {nbytes!r})"):
                    return None
                continue
            end = int(runs[q + 1][0]) if q + 1 < len(runs) and isinstance(runs[q + 1][0], int) else 1 << 32
            held = int(np.searchsorted(seen, end) - np.searchsorted(seen, chunk))
            if held != arts and add(f"run {chunk}: the runs table says {arts} articles, it holds {held}"):
                return None
            out[chunk] = (bits, end)
        outside = int(np.searchsorted(seen, runs[0][0])) if runs and isinstance(runs[0][0], int) else len(seen)
        if outside and add(f"{outside} article(s) before the first run of posting rows (rowid {int(seen[0])})"):
            return None
        return out

    def _check_postings(self, seen: np.ndarray, add: Callable[[str], bool]) -> int:
        """``check``'s look at every posting row: a sound row (``analyze.decode_group``) of a
        recorded run (its group bits, its rowids, the run's byte count), its keys in its group,
        rowids of existing articles; no term in more articles than the index holds. Returns
        the number of distinct terms."""
        bb = self.params.group_bits
        legacy = self._format_of(self.conn) == _LEGACY_VERSION
        if legacy:  # format 4: the merged level (chunk 0) and the batches
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'merged_bits'").fetchone()
            bm = int(row[0]) if row else 0
            run_of: dict[int, tuple[int, int]] = {}
        else:
            got = self._check_runs(seen, add)
            if got is None:
                return 0
            run_of = got
        held: dict[int, int] = collections.defaultdict(int)
        n = len(seen)
        keys, counts = [], []
        for grp, chunk, d, data in self.conn.execute("SELECT grp, chunk, dir, data FROM postings"):
            where = f"posting group {grp} (batch {chunk})"
            bits = int(grp).bit_length() - 1 if isinstance(grp, int) and grp > 0 else -1
            chunk_ok = isinstance(chunk, int)
            if legacy:
                if not (chunk_ok and bits == bb and chunk > 0) and not (chunk_ok and bits == bm and chunk == 0):
                    if add(f"{where}: not a group of this index's batches or of its merged rows"):
                        return 0
                    continue
            elif not chunk_ok or chunk not in run_of or run_of[chunk][0] != bits:
                why = "of no recorded run" if not chunk_ok or chunk not in run_of else \
                    f"of {bits} bits, its run's rows have {run_of[chunk][0]}"
                if add(f"{where}: a row {why}"):
                    return 0
                continue
            if not isinstance(d, bytes) or not isinstance(data, bytes):
                if add(f"{where}: not a posting row"):
                    return 0
                continue
            held[chunk] += len(d) + len(data)
            try:
                k, c, r = decode_group(d, data, chunk)
            except ValueError as exc:
                if add(f"{where}: damaged ({exc})"):
                    return 0
                continue
            bad = np.flatnonzero(group_ids(k, bits) != grp)
            if len(bad) and add(f"postings of term key {int(k[bad[0]])} (batch {chunk}): in group {grp}, "
                                "not its own"):
                return 0
            if not legacy and len(r) and int(r.max()) >= run_of[chunk][1] and \
                    add(f"{where}: rowid {int(r.max())} beyond its run (next run at {run_of[chunk][1]})"):
                return 0
            pos = np.minimum(np.searchsorted(seen, r), max(n - 1, 0))
            missing = r[seen[pos] != r] if n else r
            if len(missing):
                owner = np.repeat(k, c)[seen[pos] != r] if n else np.repeat(k, c)
                if add(f"postings of term key {int(owner[0])} (batch {chunk}) point to {len(missing)} "
                       f"missing article(s), e.g. rowid {int(missing[0])}"):
                    return 0
            keys.append(k)
            counts.append(c)
        if not legacy:
            for chunk, nbytes in self.conn.execute("SELECT chunk, bytes FROM runs").fetchall():
                if held.get(chunk, 0) != nbytes and \
                        add(f"run {chunk}: the runs table says {nbytes} posting bytes, its rows hold "
                            f"{held.get(chunk, 0)}"):
                    return 0
        # The index keeps no vocabulary table: a term's document frequency is the sum of its
        # counts, so it cannot disagree with them; a term in more articles than the index
        # holds means duplicated postings.
        k = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
        c = np.concatenate(counts) if counts else np.zeros(0, np.int64)
        order = np.argsort(k, kind="stable")
        k, c = k[order], c[order]
        if not len(k):
            return 0
        starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
        df = np.add.reduceat(c, starts)
        for j in np.flatnonzero(df > n).tolist():
            if add(f"term key {int(k[starts[j]])}: postings name {int(df[j])} articles, the index holds {n}"):
                break
        return len(starts)

    def stats(self) -> dict[str, Any]:
        """Counts, parameters, version and size on disk."""
        try:
            n = len(self)
            terms = len(_DocFreqs(self.conn).keys)
            chunks = self.conn.execute("SELECT COUNT(*) FROM postings").fetchone()[0]
            runs = self.conn.execute("SELECT COUNT(DISTINCT chunk) FROM postings" if self._format_of(self.conn)
                                     == _LEGACY_VERSION else "SELECT COUNT(*) FROM runs").fetchone()[0]
            dates = self.conn.execute("SELECT MIN(published), MAX(published) FROM articles").fetchone()
            sites = self.conn.execute("SELECT COUNT(DISTINCT site) FROM articles").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise self._db_error(exc) from exc
        size = sum(f.stat().st_size for f in (self.path, Path(f"{self.path}-wal")) if f.exists())
        return {"path": str(self.path), "articles": n, "terms": int(terms), "posting_blocks": int(chunks),
                "posting_runs": int(runs),
                "sites": int(sites), "published_min": dates[0], "published_max": dates[1],
                "bytes": size, "format_version": int(self.meta.get("format_version", 0)),
                "unspin_version": self.meta.get("unspin_version"), "params": self.params.to_dict()}
