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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from unspin.analyze import KEY_RE
from unspin.models import Record
from unspin.text import STOPWORDS

__all__ = ["CandidateOptions", "anchors", "skeleton", "pair_keys", "pairs_from_bucket"]


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
