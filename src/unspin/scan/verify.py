"""Stage 3 of a scan: verify candidate pairs with trace's judgement of copying.

The test is the one ``unspin.trace`` applies to its retrieved candidates (sentence
alignment by token-level Levenshtein similarity, ``TraceOptions`` thresholds): page A is
*explained* by page B when the sentences of A that have a match in B of similarity
>= ``sim_threshold`` hold >= ``min_coverage`` of A's words and number at least
``min_sentences``. One similarity matrix gives both directions. A pair is a copy edge when
either page is explained by the other; which one copied is decided later, from dates
(:mod:`unspin.scan.graph`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from unspin.models import Record
from unspin.tracer import TraceOptions, _Sents, token_sentences

__all__ = ["Edge", "verify_pair", "verify_pairs"]


@dataclass(frozen=True, slots=True)
class Edge(Record):
    """A verified candidate pair: how much of each page the other explains.

    ``a_by_b``: share of A's words explained by B; ``score_a_by_b``: the same weighted by
    similarity (0..1); ``a_in_b``: A is explained by B by trace's rule.
    """

    a: int
    b: int
    a_by_b: float
    b_by_a: float
    score_a_by_b: float
    score_b_by_a: float
    a_in_b: bool
    b_in_a: bool

    @property
    def copy(self) -> bool:
        return self.a_in_b or self.b_in_a


def _side(best: np.ndarray, s: _Sents, o: TraceOptions) -> tuple[float, float, bool]:
    w = s.weights
    total = float(w.sum())
    if total <= 0:
        w = np.array([max(1.0, len(x)) for x in s.strings])
        total = float(w.sum())
    if total <= 0:
        return 0.0, 0.0, False
    expl = (best >= o.sim_threshold) & (w > 0)
    cov = float(w[expl].sum() / total)
    score = float((w * best)[expl].sum() / total)
    need = min(o.min_sentences, int((w > 0).sum()) or 1)
    return cov, score, cov >= o.min_coverage and int(expl.sum()) >= need


def verify_pair(a: int, ta: str, sa: tuple[tuple[int, int], ...] | None, b: int, tb: str,
                sb: tuple[tuple[int, int], ...] | None, opts: TraceOptions | None = None) -> Edge:
    """Verify one pair of page texts (with their sentence spans, if known)."""
    o = opts or TraceOptions()
    x, y = token_sentences([(ta, sa or None), (tb, sb or None)], o.min_sentence_tokens)
    if not x.strings or not y.strings:
        return Edge(a, b, 0.0, 0.0, 0.0, 0.0, False, False)
    m = process.cdist(x.strings, y.strings, scorer=Levenshtein.normalized_similarity,
                      dtype=np.float32, workers=1)
    ca, sca, ia = _side(m.max(axis=1).astype(np.float64), x, o)
    cb, scb, ib = _side(m.max(axis=0).astype(np.float64), y, o)
    return Edge(a, b, round(ca, 4), round(cb, 4), round(sca, 4), round(scb, 4), ia, ib)


PairText = tuple[int, str, tuple[tuple[int, int], ...], int, str, tuple[tuple[int, int], ...]]


def verify_pairs(opts: TraceOptions, pairs: Iterable[PairText]) -> Iterator[Edge]:
    """Stage function: (a, text a, sentences a, b, text b, sentences b) -> edges, in order."""
    for a, ta, sa, b, tb, sb in pairs:
        yield verify_pair(a, ta, sa, b, tb, sb, opts)
