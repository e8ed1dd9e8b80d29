"""Stage 2 of a scan: candidate pairs that may be copies, without comparing every pair.

**Spin-invariant skeleton.** A spinner swaps content words but keeps what holds a sentence
together: function words, punctuation, names and numbers, in order. Every token of a page
becomes a skeleton symbol: a stopword or punctuation mark stays itself, a number becomes its
canonical digits (so "4, 000" and "4,000" agree), a capitalised word inside a sentence (a
name) stays itself, and every other word becomes ``_``. "Officials said on Friday that 4,000
troops had moved" and its spun copy "Authorities stated on Friday that 4, 000 soldiers had
relocated" have the same skeleton ``_ _ on friday that 4000 _ had _``.

**Anchors.** Windows of ``shingle`` skeleton symbols are hashed (BLAKE2b, 64 bits); a window
that is nothing but ``_`` and punctuation is dropped, and of the rest only those whose hash is
0 modulo ``sample`` are kept (Broder's mod-p sampling: the same window is kept in every page
that has it, so the sample of an excerpt is a subset of the sample of its source). An
independent report of the same event shares names and numbers but not their skeleton
context, so it shares few anchors.

**Pairs.** Pages are grouped by anchor; each group of 2 to ``max_bucket`` pages emits its
pairs (bigger groups are boilerplate and are dropped, counted), and a pair that shares at
least ``min_shared`` anchors, and at least ``min_containment`` of the anchors of the page
with fewer (so a short excerpt needs few, two long unrelated pages need more), is a
candidate. This is a join on the anchor column and a count:
it runs as a streaming sort in SQLite here and as a shuffle in Spark.

Cost: anchors are linear in the crawl's words (about one per ``sample`` tokens). Pair
emission is the sum over groups of size^2; with the group cap that is at most
``max_bucket`` x anchors, and in practice a few pairs per copy. Only candidates are verified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from unspin.analyze import KEY_RE
from unspin.models import Record
from unspin.text import STOPWORDS

__all__ = ["CandidateOptions", "anchors", "anchor_join", "skeleton", "pair_keys", "pairs_from_bucket"]


@dataclass(frozen=True, slots=True)
class CandidateOptions(Record):
    """Tuning of the candidate step (measured in benchmarks/scan_quality.py)."""

    shingle: int = 6
    sample: int = 4
    max_bucket: int = 60
    min_shared: int = 2
    min_containment: float = 0.04


_SENT_END = frozenset(".!?")
_OPEN = frozenset("\"'“‘([")
_PUNCT_KEEP = frozenset(".,;:!?")


def skeleton(text: str) -> list[str]:
    """The spin-invariant skeleton of ``text`` (see the module docstring)."""
    out: list[str] = []
    start = True  # at the start of a sentence
    for tok in KEY_RE.findall(text):  # page texts are ingested: damaged numbers already repaired
        c = tok[0]
        if c.isdigit():
            out.append(tok.replace(",", ""))
            start = False
        elif c.isalpha() or c == "_":
            low = tok.lower()
            if low in STOPWORDS:
                out.append(low)
            elif c.isupper() and not start:
                out.append(low)
            else:
                out.append("_")
            start = False
        else:
            if tok in _PUNCT_KEEP:
                out.append(tok)
            if tok in _SENT_END:
                start = True
            elif tok not in _OPEN:
                start = False
    return out


def anchors(text: str, opts: CandidateOptions) -> list[int]:
    """The sampled anchor hashes of a page (sorted, distinct; signed 64-bit ints)."""
    sk = skeleton(text)
    n = opts.shingle
    out: set[int] = set()
    for i in range(len(sk) - n + 1):
        win = sk[i:i + n]
        if all(w == "_" or w in _PUNCT_KEEP for w in win):
            continue
        h = int.from_bytes(hashlib.blake2b("\x1f".join(win).encode(), digest_size=8).digest(),
                           "little", signed=True)
        if h % opts.sample == 0:
            out.add(h)
    return sorted(out)


def pairs_from_bucket(pages: list[int], opts: CandidateOptions) -> Iterator[tuple[int, int]]:
    """The pairs (a < b) of one anchor group, or nothing for a group over the cap."""
    if len(pages) < 2 or len(pages) > opts.max_bucket:
        return
    ps = sorted(set(pages))
    for i, a in enumerate(ps):
        for b in ps[i + 1:]:
            yield a, b


def candidate_pairs(opts: CandidateOptions, page_anchors: Iterable[tuple[int, list[int]]]
                    ) -> list[tuple[int, int, int]]:
    """In-memory reference: (a, b, shared anchors) for every candidate pair (for tests and
    small inputs; the engine does the same join on disk)."""
    buckets: dict[int, list[int]] = {}
    sizes: dict[int, int] = {}
    for page, hs in page_anchors:
        sizes[page] = len(set(hs))
        for h in set(hs):
            buckets.setdefault(h, []).append(page)
    counts: dict[tuple[int, int], int] = {}
    for h in sorted(buckets):
        for pair in pairs_from_bucket(buckets[h], opts):
            counts[pair] = counts.get(pair, 0) + 1
    return sorted((a, b, c) for (a, b), c in counts.items()
                  if c >= opts.min_shared and c >= opts.min_containment * min(sizes[a], sizes[b]))


def pair_keys(hs: np.ndarray, pages: np.ndarray, copts: CandidateOptions) -> tuple[np.ndarray, int]:
    """``pairs_from_bucket`` over every anchor group, vectorised: one key ``a << 32 | b`` per
    (group, pair) (a pair is repeated once per anchor it shares), and the number of groups
    over the cap."""
    if len(hs) == 0:
        return np.zeros(0, np.int64), 0
    order = np.lexsort((pages, hs))
    hs, pages = hs[order], pages[order]
    starts = np.flatnonzero(np.r_[True, hs[1:] != hs[:-1]])
    lens = np.diff(np.r_[starts, len(hs)])
    out: list[np.ndarray] = []
    for size in np.unique(lens):
        if size < 2 or size > copts.max_bucket:
            continue
        groups = pages[starts[lens == size][:, None] + np.arange(size)[None, :]]  # (groups, size), sorted rows
        i, j = np.triu_indices(int(size), k=1)
        out.append(((groups[:, i] << 32) | groups[:, j]).ravel())
    return (np.concatenate(out) if out else np.zeros(0, np.int64)), int((lens > copts.max_bucket).sum())


#: ranges of the first page id a multi-pass join's counted pairs are spilled in (one file each)
JOIN_SLICES = 64


def anchor_join(rows: Callable[[], Iterable[tuple[int, bytes]]], n_anchors: int, copts: CandidateOptions, *,
                per_pass: int, spill: Path | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The candidate pairs of a crawl's anchors: ``(a, b, shared)`` arrays (``a < b``, ascending
    by ``(a, b)``) and the number of anchor groups over the cap.

    ``rows()`` yields ``(page, anchors)`` (little-endian int64 hashes) in page order and is
    called once per pass. Memory is bounded by ``per_pass``: with more anchors than that, each
    pass keeps the anchors whose hash falls in its residue class, emits its pairs
    (``pair_keys``) and counts them; the counted pairs go to ``spill`` (a directory) in
    ``JOIN_SLICES`` ranges of the first page, and each range is summed over the passes and
    filtered alone. So no step holds the whole crawl's anchors or pair keys (1M pages: 84M
    anchors, 5 passes); the pairs are the same as in one pass.
    """
    parts = max(1, -(-n_anchors // max(1, per_pass)))
    if parts > 1 and spill is None:
        raise ValueError("a join in several passes needs a spill directory")
    page_l: list[int] = []
    size_l: list[int] = []
    spilled: list[list[tuple[Path, Path]]] = [[] for _ in range(JOIN_SLICES)]
    held: list[tuple[np.ndarray, np.ndarray]] = []
    bounds: np.ndarray | None = None
    big = 0
    for part in range(parts):
        hs_l: list[np.ndarray] = []
        ids: list[int] = []
        lens: list[int] = []
        for page, blob in rows():
            h = np.frombuffer(blob, dtype="<i8")
            if part == 0:
                page_l.append(page)
                size_l.append(len(h))
            if parts > 1:
                h = h[(h.view(np.uint64) % np.uint64(parts)) == part]
            if len(h):
                hs_l.append(h)
                ids.append(page)
                lens.append(len(h))
        hs = np.concatenate(hs_l) if hs_l else np.zeros(0, np.int64)
        del hs_l
        pages = np.repeat(np.asarray(ids, dtype=np.int64), np.asarray(lens, dtype=np.int64))
        keys, dropped = pair_keys(hs, pages, copts)
        del hs, pages
        big += dropped
        uk, cnt = np.unique(keys, return_counts=True)
        del keys
        if parts == 1:
            held.append((uk, cnt))
            continue
        assert spill is not None
        if bounds is None:
            top = max(page_l, default=0) + 1
            bounds = np.linspace(0, top, JOIN_SLICES + 1).astype(np.int64) << 32
        cut = np.searchsorted(uk, bounds).tolist()
        for r in range(JOIN_SLICES):
            if cut[r + 1] > cut[r]:
                fk, fc = spill / f"pairs-{part}-{r}.npy", spill / f"counts-{part}-{r}.npy"
                np.save(fk, uk[cut[r]:cut[r + 1]])
                np.save(fc, cnt[cut[r]:cut[r + 1]])
                spilled[r].append((fk, fc))
        del uk, cnt
    n_of = np.zeros(max(page_l, default=0) + 1, dtype=np.int64)
    n_of[np.asarray(page_l, dtype=np.int64)] = np.asarray(size_l, dtype=np.int64)
    del page_l, size_l
    out_a: list[np.ndarray] = []
    out_b: list[np.ndarray] = []
    out_c: list[np.ndarray] = []
    chunks: Iterable[list[tuple[np.ndarray, np.ndarray]]] = (
        [held] if parts == 1 else ([(np.load(fk), np.load(fc)) for fk, fc in files] for files in spilled))
    for chunk in chunks:
        if not chunk:
            continue
        if len(chunk) == 1:
            uk, counts = chunk[0]
        else:
            uk, inv = np.unique(np.concatenate([k for k, _ in chunk]), return_inverse=True)
            counts = np.bincount(inv.ravel(), weights=np.concatenate([c for _, c in chunk]),
                                 minlength=len(uk)).astype(np.int64)
        a, b = uk >> 32, uk & 0xFFFFFFFF
        keep = (counts >= copts.min_shared) & (counts >= copts.min_containment * np.minimum(n_of[a], n_of[b]))
        out_a.append(a[keep])
        out_b.append(b[keep])
        out_c.append(counts[keep])
    if not out_a:
        z = np.zeros(0, np.int64)
        return z, z, z, big
    return np.concatenate(out_a), np.concatenate(out_b), np.concatenate(out_c), big
