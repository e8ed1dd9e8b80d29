"""Find the indexed articles a (possibly spun) text was copied from.

Two stages (see docs/design.md, "Index and trace"):

1. **Retrieval** with terms that survive synonym swaps. The suspect's distinct terms (content
   words and canonical numbers, the same ones the index stores) are looked up; terms absent
   from the index (often the spinner's own synonyms) or too common are dropped, names and
   numbers get a bonus, and the rarest ``query_terms`` are kept. Every indexed article is
   scored by the summed IDF of the query terms it contains; the best ``candidates`` go on.
2. **Verification** (``sentence_alignment``): each suspect sentence is compared with every
   sentence of a candidate as a sequence of tokens (one symbol per word, number or
   punctuation mark), by normalised Levenshtein similarity. A spinner replaces words but keeps
   the sentence's skeleton (function words, punctuation, names, numbers, unswapped words in
   order), so a spun sentence stays close to its original; an independent report of the same
   event shares names and numbers but not the word sequence. A suspect sentence is
   *explained* by a candidate when the best similarity reaches ``sim_threshold``; coverage is
   the share of the suspect's body (in word tokens) explained.

A candidate is a source when it explains at least ``min_coverage`` of the suspect and at least
``min_sentences`` sentences, or, for texts stitched from several sources, when it explains at
least ``min_new_coverage`` that no better source explains.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from unspin.analyze import Analysis, analyze
from unspin.diff import Change, DiffResult, Summary
from unspin.index import Index, StoredArticle
from unspin.models import Article, Record, Span
from unspin.text import split_sentences

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TraceOptions(Record):
    """Tuning of ``trace``; the defaults are calibrated in benchmarks/eval_trace.py."""

    query_terms: int = 48
    candidates: int = 12
    max_df_ratio: float = 0.05
    robust_bonus: float = 1.5
    sim_threshold: float = 0.5
    min_sentence_tokens: int = 4
    min_coverage: float = 0.2
    min_sentences: int = 2
    min_new_coverage: float = 0.05
    max_sources: int = 10


@dataclass(frozen=True, slots=True)
class SourceMatch(Record):
    """One indexed article the suspect text was copied from.

    Attributes:
        id, title, url, published: of the indexed article.
        score: mean sentence similarity weighted by coverage (0..1); ranks the sources.
        coverage: share of the suspect's body (word tokens) explained by this article.
        sentences: the suspect's sentences it explains (offsets into the suspect's ``text``).
        source_sentences: for each of ``sentences``, the best matching sentence of the
            source (offsets into the stored ``text`` of the indexed article).
        published_after_suspect: the source was published after the suspect (so the copy
            may go the other way); ``None`` when either date is unknown.
    """

    id: str
    score: float
    coverage: float
    published: str | None = None
    title: str | None = None
    url: str | None = None
    sentences: tuple[Span, ...] = ()
    source_sentences: tuple[Span, ...] = ()
    published_after_suspect: bool | None = None


@dataclass(frozen=True, slots=True)
class TraceResult(Record):
    """Where a text came from: its sources, most likely first (empty when none).

    ``changes`` and ``summary`` (what the rewrite changed, from ``unspin.diff`` against the
    sources) are filled by ``explain`` or ``trace(..., changes=True)``; their copy offsets
    index the suspect's ``Article.original`` and their source offsets the stored ``text``.
    """

    input: str
    id: str
    sources: tuple[SourceMatch, ...] = ()
    published: str | None = None
    changes: tuple[Change, ...] = ()
    summary: Summary | None = None
    candidates: tuple[dict[str, Any], ...] = field(default=(), metadata={"serialize": False})
    diff: DiffResult | None = field(default=None, compare=False, repr=False, metadata={"serialize": False})


# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Sents:
    spans: list[tuple[int, int]]
    strings: list[str]
    weights: np.ndarray


def _symbol_strings(counts: list[np.ndarray], ids: list[np.ndarray]) -> list[list[str]]:
    """Token ids (``unspin.analyze``) as strings of one character per token, per sentence.

    The ids of every text compared in one trace are renumbered together (equal ids, equal
    characters), so rapidfuzz compares token sequences as strings.
    """
    allids = np.concatenate(ids) if ids else np.zeros(0, np.uint32)
    _, inv = np.unique(allids, return_inverse=True)
    cp = inv.astype(np.uint32) + 0x100
    cp[cp >= 0xD800] += 0x800  # skip the surrogates
    text = cp.astype("<u4").tobytes().decode("utf-32-le")
    out, pos = [], 0
    for c in counts:
        ends = (np.cumsum(c) + pos).tolist()
        starts = [pos, *ends[:-1]]
        out.append([text[a:b] for a, b in zip(starts, ends, strict=True)])
        pos = ends[-1] if ends else pos
    return out


def sentence_alignment(suspect: _Sents, source: _Sents) -> tuple[np.ndarray, np.ndarray]:
    """Best similarity (0..1) and best source sentence for every suspect sentence.

    The fast verification score of trace (the full passage alignment is ``unspin.align``).
    """
    if not suspect.strings or not source.strings:
        n = len(suspect.strings)
        return np.zeros(n), np.full(n, -1)
    m = process.cdist(suspect.strings, source.strings, scorer=Levenshtein.normalized_similarity,
                      dtype=np.float32, workers=1)
    return m.max(axis=1).astype(np.float64), m.argmax(axis=1)


def _date(s: str | None) -> str | None:
    return s[:10] if s and len(s) >= 10 and s[4] == "-" else (s or None)


# capitalised words inside a sentence (after a lower-case word, digit or comma): names
_NAME_RE = re.compile(r"(?<=[a-z0-9,;] )[A-Z][^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")


def _analysis(article: Article, index: Index) -> Analysis:
    spans = [(s.start, s.end) for s in article.sentences] or split_sentences(article.text)
    return analyze(article.text, spans, index.params.min_word_len, words=True)


def retrieve(article: Article, index: Index, opts: TraceOptions,
             analysis: Analysis | None = None) -> list[tuple[int, float]]:
    """Candidate (rowid, retrieval score) pairs, best first.

    ``analysis``: ``unspin.analyze`` of the article (made here when not given).
    """
    terms = (analysis or _analysis(article, index)).terms
    robust = {w.lower() for w in _NAME_RE.findall(article.text)}
    robust.update(t for t in terms if t[:1].isdigit())
    if not terms:
        return []
    n = max(len(index), 1)
    df = index.document_frequencies(terms)
    max_df = max(20, int(opts.max_df_ratio * n))
    scored = []
    for t, d in df.items():
        if d <= 0 or d > max_df:
            continue
        idf = math.log((n - d + 0.5) / (d + 0.5) + 1.0)
        scored.append((idf + (opts.robust_bonus if t in robust else 0.0), idf, t))
    scored.sort(reverse=True)
    chosen = scored[: opts.query_terms]
    if not chosen:
        return []
    post = index.postings([t for _, _, t in chosen])
    ids, wts = [], []
    for prio, _idf, t in chosen:
        arr = post.get(t)
        if arr is None:
            continue
        ids.append(arr)
        wts.append(np.full(len(arr), prio, dtype=np.float64))
    if not ids:
        return []
    all_ids = np.concatenate(ids)
    uniq, inv = np.unique(all_ids, return_inverse=True)
    sums = np.bincount(inv, weights=np.concatenate(wts))
    k = min(opts.candidates, len(uniq))
    top = np.argpartition(-sums, k - 1)[:k]
    top = top[np.lexsort((uniq[top], -sums[top]))]
    return [(int(uniq[i]), float(sums[i])) for i in top]


def stored_article(stored: StoredArticle) -> Article:
    """An indexed article as an ``Article`` whose ``original`` is the stored ``text``."""
    from unspin.ingest import from_text

    return from_text(stored.text, id=stored.id, input=stored.id, title=stored.title, url=stored.url,
                     site=stored.site, published=stored.published, strip_clutter=False,
                     quantities=False)


def explain(article: Article, result: TraceResult, index: Index) -> TraceResult:
    """Add what the rewrite changed (``unspin.diff`` against the sources, best first).

    Returns ``result`` with ``changes``, ``summary`` and the full ``diff`` filled in; unchanged
    when the trace found no source.
    """
    if not result.sources:
        return result
    from unspin.diff import diff

    sources = []
    for match in result.sources:
        stored = index.get_by_id(match.id)
        if stored is not None:
            sources.append(stored_article(stored))
    if not sources:
        return result
    d = diff(article, sources)
    return dataclasses.replace(result, changes=d.changes, summary=d.summary, diff=d)


def trace(article: Article, index: Index, options: TraceOptions | None = None, *,
          changes: bool = False, **opts: Any) -> TraceResult:
    """Find the indexed articles ``article`` was copied from.

    Args:
        article: the suspect text (its ``text`` body is used; clutter is ignored).
        index: an open ``Index``.
        options: a ``TraceOptions``; keyword arguments override single fields.
        changes: also classify what the rewrite changed (see ``explain``).

    Returns:
        A ``TraceResult`` whose ``sources`` lists the asserted sources, most likely first;
        empty when nothing in the index is a source of the text.
    """
    result = _trace(article, index, options, **opts)
    return explain(article, result, index) if changes else result


def _trace(article: Article, index: Index, options: TraceOptions | None = None, **opts: Any) -> TraceResult:
    o = options or TraceOptions()
    if opts:
        o = TraceOptions(**{**o.to_dict(), **opts})
    an = _analysis(article, index)
    cands = retrieve(article, index, o, an)
    inp = article.input or article.id
    if not cands:
        return TraceResult(input=inp, id=article.id, published=article.published)
    spans = [(s.start, s.end) for s in article.sentences] or split_sentences(article.text)
    stored = {a.rowid: a for a in index.get([r for r, _ in cands])}
    srcs = [(stored[r], rscore) for r, rscore in cands if r in stored]
    src_ids = [s.token_ids() for s, _ in srcs]
    strings = _symbol_strings([an.counts] + [c for c, _ in src_ids], [an.hashes] + [i for _, i in src_ids])
    assert an.words is not None
    weights = np.where(an.words >= o.min_sentence_tokens, an.words, 0).astype(np.float64)
    sus = _Sents(spans, strings[0], weights)
    total_w = float(sus.weights.sum())
    if total_w <= 0:  # only very short sentences: weigh them all
        sus.weights = np.array([max(1.0, len(s)) for s in sus.strings])
        total_w = float(sus.weights.sum())
    evaluated: list[tuple[float, float, StoredArticle, np.ndarray, np.ndarray, _Sents, float]] = []
    for (src, rscore), strs in zip(srcs, strings[1:], strict=True):
        ss = _Sents(list(src.sentences), strs, np.zeros(0))
        best, arg = sentence_alignment(sus, ss)
        expl = (best >= o.sim_threshold) & (sus.weights > 0)
        cov = float(sus.weights[expl].sum() / total_w)
        score = float((sus.weights * best)[expl].sum() / total_w)
        evaluated.append((score, cov, src, best, arg, ss, rscore))
    evaluated.sort(key=lambda e: (-e[0], e[2].rowid))
    sources: list[SourceMatch] = []
    explained = np.zeros(len(sus.strings), dtype=bool)
    susp_date = _date(article.published)
    for score, cov, src, best, arg, ss, _ in evaluated:
        expl = (best >= o.sim_threshold) & (sus.weights > 0)
        n_expl = int(expl.sum())
        new = expl & ~explained
        new_cov = float(sus.weights[new].sum() / total_w)
        need = min(o.min_sentences, int((sus.weights > 0).sum()) or 1)
        is_source = (cov >= o.min_coverage and n_expl >= need) or (
            bool(sources) and new_cov >= o.min_new_coverage and int(new.sum()) >= need)
        if not is_source or len(sources) >= o.max_sources:
            continue
        explained |= expl
        idx = np.flatnonzero(expl)
        sp = tuple(Span(sus.spans[i][0], sus.spans[i][1], article.text[sus.spans[i][0]:sus.spans[i][1]])
                   for i in idx)
        srcsp = tuple(Span(ss.spans[int(arg[i])][0], ss.spans[int(arg[i])][1],
                           src.text[ss.spans[int(arg[i])][0]:ss.spans[int(arg[i])][1]]) for i in idx)
        pub = _date(src.published)
        after = (pub > susp_date) if (pub and susp_date) else None
        sources.append(SourceMatch(id=src.id, score=round(score, 4), coverage=round(cov, 4),
                                   published=src.published, title=src.title, url=src.url,
                                   sentences=sp, source_sentences=srcsp, published_after_suspect=after))
    diag = tuple({"id": e[2].id, "score": round(e[0], 4), "coverage": round(e[1], 4),
                  "retrieval": round(e[6], 3)} for e in evaluated)
    return TraceResult(input=inp, id=article.id, published=article.published, sources=tuple(sources),
                       candidates=diag)
