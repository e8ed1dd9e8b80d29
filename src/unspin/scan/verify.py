"""Stage 3 of a scan: verify candidate pairs with trace's judgement of copying.

The test is the one ``unspin.trace`` applies to its retrieved candidates, asked through the
engine: ``Pipeline.compare`` (sentence alignment by token-level Levenshtein similarity,
``TraceOptions`` thresholds, both directions from one similarity matrix). Page A is
*explained* by page B when the sentences of A that have a match in B of similarity
>= ``sim_threshold`` hold >= ``min_coverage`` of A's words and number at least
``min_sentences``. A pair is a copy edge when either page is explained by the other; which
one copied is decided later, from dates (:mod:`unspin.scan.graph`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from unspin.index import StoredArticle
from unspin.options import Options
from unspin.pipeline import Pipeline
from unspin.tracer import PairCoverage, TraceOptions

__all__ = ["Edge", "verify_many", "verify_pair", "verify_pairs"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge(PairCoverage):
    """A verified candidate pair: pages ``a`` and ``b`` (crawl row ids) and ``verify``'s
    judgement of them both ways (the fields of :class:`unspin.tracer.PairCoverage`:
    ``a_by_b``, ``score_a_by_b``, ``a_in_b``, and the same the other way)."""

    a: int
    b: int


@functools.lru_cache(maxsize=4)
def _pipeline(opts: TraceOptions) -> Pipeline:
    """The engine of a scan's verify stage (one per options, no index)."""
    return Pipeline(Options(trace=opts))


def verify_pair(a: int, ta: str, sa: tuple[tuple[int, int], ...] | None, b: int, tb: str,
                sb: tuple[tuple[int, int], ...] | None, opts: TraceOptions | None = None) -> Edge:
    """Verify one pair of page texts (with their sentence spans, if known)."""
    pa = StoredArticle(rowid=a, id=str(a), text=ta, sentences=tuple(sa or ()))
    pb = StoredArticle(rowid=b, id=str(b), text=tb, sentences=tuple(sb or ()))
    c = _pipeline(opts or TraceOptions()).compare(pa, pb)
    return Edge(c.a_by_b, c.b_by_a, c.score_a_by_b, c.score_b_by_a, c.a_in_b, c.b_in_a, a=a, b=b)


def verify_many(texts: dict[int, tuple[str, tuple[tuple[int, int], ...] | None]], pairs: list[tuple[int, int]],
                opts: TraceOptions | None = None) -> list[Edge]:
    """``verify_pair`` of many pairs of pages (``texts``: page id -> (text, sentence spans)),
    each page tokenised once per call however many pairs it is in."""
    from unspin.tracer import compare_many

    cs = compare_many(texts, pairs, opts or TraceOptions())  # what Pipeline.compare asks, per pair
    return [Edge(c.a_by_b, c.b_by_a, c.score_a_by_b, c.score_b_by_a, c.a_in_b, c.b_in_a, a=a, b=b)
            for (a, b), c in zip(pairs, cs, strict=True)]


PairText = tuple[int, str, tuple[tuple[int, int], ...], int, str, tuple[tuple[int, int], ...]]


def verify_pairs(opts: TraceOptions, pairs: Iterable[PairText]) -> Iterator[Edge]:
    """Stage function: (a, text a, sentences a, b, text b, sentences b) -> edges, in order."""
    for a, ta, sa, b, tb, sb in pairs:
        yield verify_pair(a, ta, sa, b, tb, sb, opts)
