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
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from unspin.analyze import Analysis, analyze, sorted_unique
from unspin.dates import date_key, iso_date
from unspin.differ import Change, DiffResult, Summary, summarize
from unspin.index import StoredArticle, content_hash
from unspin.models import Article, Record, Span
from unspin.options import TraceOptions
from unspin.reader import IndexReader
from unspin.text import split_sentences

__all__ = ["Candidate", "PairCoverage", "SourceMatch", "TraceOptions", "TraceResult", "compare", "compare_many",
           "explain",
           "retrieve", "sentence_alignment", "stored_article", "trace", "verify"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceMatch(Record):
    """One indexed article the suspect text was copied from.

    Attributes:
        id, title, url, published: of the indexed article.
        score: mean sentence similarity weighted by coverage (0..1); ranks the sources.
        coverage: share of the suspect's body (word tokens) explained by this article.
        sentences: the suspect's sentences it explains (offsets into the suspect's ``original``).
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
    sources) are filled by ``explain`` or ``trace(..., changes=True)``; ``summary`` is always
    a ``Summary`` (all zeros when there is no source or changes were not asked for).

    Offsets: every suspect offset (``sources[].sentences``, ``changes[].copy_start``) indexes
    the suspect's ``Article.original``, the text as the reader saw it; every source offset
    (``sources[].source_sentences``, ``changes[].source_start``) indexes the source's stored
    text (its ``original`` as indexed).
    """

    input: str
    id: str
    sources: tuple[SourceMatch, ...] = ()
    published: str | None = None
    changes: tuple[Change, ...] = ()
    summary: Summary = field(default_factory=lambda: summarize(()))
    candidates: tuple[dict[str, Any], ...] = field(default=(), metadata={"serialize": False})
    diff: DiffResult | None = field(default=None, compare=False, repr=False, metadata={"serialize": False})
    source_articles: tuple[StoredArticle | Article, ...] = field(
        default=(), compare=False, repr=False, metadata={"serialize": False})

    def _repr_html_(self) -> str:
        """The HTML report (Jupyter shows it for a result on the last line of a cell)."""
        from unspin.report import render_trace_html

        return render_trace_html(self)


# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Sents:
    spans: list[tuple[int, int]]
    strings: list[str]
    weights: np.ndarray


_LAST: list[tuple[Article, int, Analysis, list[tuple[int, int]]]] = []  # the last suspect analysed


_DEFAULT: list[TraceOptions] = []


def _default_options() -> TraceOptions:
    """``TraceOptions()``, made (and validated) once: it is frozen."""
    if not _DEFAULT:
        _DEFAULT.append(TraceOptions())
    return _DEFAULT[0]


def _analysis(article: Article, min_word_len: int = 2) -> Analysis:
    return _suspect(article, min_word_len)[0]


def _suspect(article: Article, min_word_len: int = 2) -> tuple[Analysis, list[tuple[int, int]]]:
    """``unspin.analyze`` of a suspect: its terms, token ids and words per sentence.

    ``trace`` runs ``retrieve`` then ``verify`` on the same article: the second call reuses
    the first one's analysis (one entry, matched by identity), so the suspect is read once.
    """
    last = _LAST[0] if _LAST else None
    if last is not None and last[0] is article and last[1] == min_word_len:
        return last[2], last[3]
    spans = [(s.start, s.end) for s in article.sentences] or split_sentences(article.text)
    an = analyze(article.text, spans, min_word_len, words=True)
    _LAST[:] = [(article, min_word_len, an, spans)]
    return an, spans


def _token_ids(a: StoredArticle | Article) -> tuple[np.ndarray, np.ndarray]:
    """Tokens per sentence and token ids of a candidate: as stored in the index (since format 2),
    else analysed now (articles from a join, a cache or a ``MemoryIndex`` without them)."""
    if isinstance(a, StoredArticle) and a.tokens:
        return a.token_ids()
    spans = _spans_of(a) or split_sentences(a.text)
    an = analyze(a.text, spans)
    return an.counts, an.hashes


def _symbol_strings(counts: list[np.ndarray], ids: list[np.ndarray], first_only: bool = False) -> list[list[str]]:
    """Token ids (``unspin.analyze``) as strings of one character per token, per sentence.

    The ids of every text compared in one trace are renumbered together (equal ids, equal
    characters), so rapidfuzz compares token sequences as strings. With ``first_only`` (every
    comparison is between the first text and another one) only the first text's distinct
    ids get characters of their own and every other token one shared character that the
    first text does not hold: which tokens of another text are equal to each other never
    matters to an edit distance from the first text, so the similarities are the same, for
    less work.
    """
    allids = np.concatenate(ids) if ids else np.zeros(0, np.uint32)
    if first_only and len(ids[0]):
        inv = _codes_of(sorted_unique(ids[0]), allids.astype(np.uint32, copy=False))
    else:
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


_SLOTS = 1 << 16
_TABLES = threading.local()  # per thread: (keys, codes) of _codes_of, empty between calls


def _codes_of(own: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """For each of ``ids`` (uint32), its position in the sorted distinct ``own``, or
    ``len(own)`` when it is not there: a direct-mapped table on the low 16 bits (one gather
    a token, where a binary search makes nine), and a binary search only for ids whose slot
    two of ``own`` share. The table is kept per thread and emptied after each call."""
    n = len(own)
    tables = getattr(_TABLES, "t", None)
    if tables is None:
        tables = _TABLES.t = (np.zeros(_SLOTS, np.uint32), np.full(_SLOTS, -1, np.int64))
    keys, codes = tables
    mask = np.uint32(_SLOTS - 1)
    slot_own = own & mask
    ordered = np.sort(slot_own)
    shared = ordered[1:][ordered[1:] == ordered[:-1]]
    keys[slot_own] = own
    codes[slot_own] = np.arange(n)
    try:
        slot = ids & mask
        code = codes[slot]
        out = np.where((keys[slot] == ids) & (code >= 0), code, n)
    finally:
        keys[slot_own] = 0
        codes[slot_own] = -1
    if len(shared):
        hit = slot == shared[0]
        for v in shared[1:]:
            hit |= slot == v
        amb = np.flatnonzero(hit)
        if len(amb):
            q = ids[amb]
            pos = np.minimum(np.searchsorted(own, q), n - 1)
            out[amb] = np.where(own[pos] == q, pos, n)
    return out


def token_sentences(texts: Sequence[tuple[str, Sequence[tuple[int, int]] | None]],
                    min_tokens: int = 4) -> list[_Sents]:
    """Sentences of several texts as token-symbol strings in one shared code, with weights
    (word and number tokens of each sentence, 0 below ``min_tokens``), for comparing them."""
    spans, counts, ids, words = [], [], [], []
    for text, sp in texts:
        sp = list(sp) if sp else split_sentences(text)
        an = analyze(text, sp, words=True)
        assert an.words is not None
        spans.append(sp)
        counts.append(an.counts)
        ids.append(an.hashes)
        words.append(an.words)
    strings = _symbol_strings(counts, ids)
    return [_Sents(sp, st, np.where(w >= min_tokens, w, 0).astype(np.float64))
            for sp, st, w in zip(spans, strings, words, strict=True)]


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


# capitalised words inside a sentence (after a lower-case word, digit or comma): names
_NAME_RE = re.compile(r"(?<=[a-z0-9,;] )[A-Z][^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Candidate(Record):
    """An indexed article retrieval proposes for verification.

    ``retrieval`` is the summed IDF of the query terms it contains; ``article`` is the stored
    article (not serialised: ``verify`` reads its text).
    """

    id: str
    retrieval: float
    article: StoredArticle | None = field(default=None, compare=False, repr=False,
                                          metadata={"serialize": False})


class _Filter:
    """Which indexed articles may be sources of ``article`` (exclusions and date limit)."""

    def __init__(self, article: Article, opts: TraceOptions):
        self.ids = set(opts.exclude_ids)
        self.hash = None
        self.length = -1
        if opts.exclude_self:
            self.ids.add(article.id)
            body = article.text.strip()
            if body:
                self.hash, self.length = content_hash(body), len(body)
        self.before = date_key(opts.published_before) if opts.published_before else None

    def __call__(self, cand: StoredArticle | Article) -> bool:
        if cand.id in self.ids:
            return False
        if self.hash is not None and len(cand.text.strip()) == self.length \
                and content_hash(cand.text) == self.hash:  # hash only texts of the same length
            return False
        if self.before is not None:
            day = date_key(cand.published)
            if day is not None and day > self.before:
                return False
        return True


_MAX_FETCH_ROUNDS = 4  # retrieval batches fetched to replace excluded candidates


def retrieve(reader: IndexReader, article: Article | str, opts: TraceOptions | None = None) -> list[Candidate]:
    """Candidates for ``article``: the indexed articles sharing its rarest robust terms.

    The suspect's distinct terms absent from the index or in more than ``max_df_ratio`` of
    it are dropped; names and numbers get ``robust_bonus``; the best ``query_terms`` are
    looked up, and articles are ranked by the summed priority of the terms they contain.
    Excluded articles (the suspect itself, ``exclude_ids``, published after
    ``published_before``) are skipped and replaced by the next best.

    Returns:
        Up to ``candidates`` candidates, best first, each with its stored article.
    """
    o = opts or _default_options()
    art = _as_article(article)
    min_len = reader.params.min_word_len
    terms = _analysis(art, min_len).terms
    if not terms:
        return []
    names = {w.lower() for w in _NAME_RE.findall(art.text)}
    n = max(len(reader), 1)
    df = reader.document_frequencies(terms)
    max_df = max(20, int(o.max_df_ratio * n))
    scored = []
    idf_of: dict[int, float] = {}
    bonus = o.robust_bonus
    for t, d in df.items():
        if d <= 0 or d > max_df:
            continue
        idf = idf_of.get(d)
        if idf is None:
            idf = idf_of[d] = math.log((n - d + 0.5) / (d + 0.5) + 1.0)
        # robust terms (names and numbers) get the bonus
        scored.append((idf + (bonus if t in names or t[:1].isdigit() else 0.0), idf, t))
    scored.sort(reverse=True)
    chosen = scored[: o.query_terms]
    if not chosen:
        return []
    post = reader.postings([t for _, _, t in chosen])
    ids, wts = [], []
    for prio, _idf, t in chosen:
        arr = post.get(t)
        if arr is None:
            continue
        ids.append(arr)
        wts.append(np.full(len(arr), prio, dtype=np.float64))
    if not ids:
        return []
    uniq, inv = np.unique(np.concatenate(ids), return_inverse=True)
    sums = np.bincount(inv, weights=np.concatenate(wts))
    k = o.candidates
    pool = min(len(uniq), k * _MAX_FETCH_ROUNDS)
    top = np.argpartition(-sums, pool - 1)[:pool] if pool < len(uniq) else np.arange(len(uniq))
    top = top[np.lexsort((uniq[top], -sums[top]))]
    allowed = _Filter(art, o)
    out: list[Candidate] = []
    for r in range(0, len(top), k):
        batch = top[r:r + k]
        stored = {a.rowid: a for a in reader.get(int(uniq[i]) for i in batch)}
        for i in batch:
            a = stored.get(int(uniq[i]))
            if a is not None and allowed(a):
                out.append(Candidate(id=a.id, retrieval=float(sums[i]), article=a))
                if len(out) >= k:
                    return out
    return out


def _as_article(x: Article | str) -> Article:
    if isinstance(x, Article):
        return x
    if isinstance(x, str):
        from unspin.ingest import from_text

        return from_text(x, input="<text>")
    raise TypeError(f"expected an Article or a string, got {type(x).__name__}")


def _spans_of(a: StoredArticle | Article) -> list[tuple[int, int]] | None:
    if isinstance(a, StoredArticle):
        return list(a.sentences) or None
    return [(s.start, s.end) for s in a.sentences] or None


def verify(article: Article | str, candidates: Sequence[Candidate | StoredArticle | Article],
           opts: TraceOptions | None = None) -> TraceResult:
    """Which of ``candidates`` is ``article`` copied from? (Pure: needs only the texts.)

    Each suspect sentence is compared with every sentence of a candidate (token-sequence
    similarity); a candidate is a source when it explains ``min_coverage`` of the suspect
    in ``min_sentences`` sentences, or, after a better source, ``min_new_coverage`` that no
    better source explains. Candidates may come from ``retrieve``, from a join or a cache;
    the same exclusions as ``retrieve`` apply.

    Returns:
        A ``TraceResult``; its ``sources`` hold the sentence pairs (suspect offsets index
        the suspect's ``text``, source offsets the candidate's ``text``).
    """
    o = opts or _default_options()
    art = _as_article(article)
    inp = art.input or art.id
    allowed = _Filter(art, o)
    cands: list[tuple[StoredArticle | Article, float, int]] = []
    for pos, c in enumerate(candidates):
        if isinstance(c, Candidate):
            if c.article is None:
                continue
            a: StoredArticle | Article = c.article
            rscore = c.retrieval
        else:
            a, rscore = c, 0.0
        if allowed(a):
            cands.append((a, rscore, a.rowid if isinstance(a, StoredArticle) else pos))
    if not cands:
        return TraceResult(input=inp, id=art.id, published=art.published)
    an, spans = _suspect(art)
    src_ids = [_token_ids(src) for src, _, _ in cands]
    strings = _symbol_strings([an.counts] + [c for c, _ in src_ids], [an.hashes] + [i for _, i in src_ids],
                              first_only=True)
    assert an.words is not None
    sus = _Sents(spans, strings[0],
                 np.where(an.words >= o.min_sentence_tokens, an.words, 0).astype(np.float64))
    total_w = float(sus.weights.sum())
    if total_w <= 0:  # only very short sentences: weigh them all
        sus.weights = np.array([max(1.0, len(s)) for s in sus.strings])
        total_w = float(sus.weights.sum())
    if total_w <= 0:
        return TraceResult(input=inp, id=art.id, published=art.published)
    evaluated: list[tuple[float, float, StoredArticle | Article, np.ndarray, np.ndarray, _Sents, float, int]] = []
    for (src, rscore, order), strs in zip(cands, strings[1:], strict=True):
        ss = _Sents(_spans_of(src) or split_sentences(src.text), strs, np.zeros(0))
        best, arg = sentence_alignment(sus, ss)
        expl = (best >= o.sim_threshold) & (sus.weights > 0)
        cov = float(sus.weights[expl].sum() / total_w)
        score = float((sus.weights * best)[expl].sum() / total_w)
        evaluated.append((score, cov, src, best, arg, ss, rscore, order))
    evaluated.sort(key=lambda e: (-e[0], e[7]))
    sources: list[SourceMatch] = []
    explained = np.zeros(len(sus.strings), dtype=bool)
    susp_day = date_key(art.published)
    for score, cov, src, best, arg, ss, _, _ in evaluated:
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
        sp = tuple(_original_span(art, *sus.spans[i]) for i in idx)
        srcsp = tuple(Span(ss.spans[int(arg[i])][0], ss.spans[int(arg[i])][1],
                           src.text[ss.spans[int(arg[i])][0]:ss.spans[int(arg[i])][1]]) for i in idx)
        day = date_key(src.published)
        after = (day > susp_day) if (day and susp_day) else None
        sources.append(SourceMatch(id=src.id, score=round(score, 4), coverage=round(cov, 4),
                                   published=iso_date(src.published) or src.published, title=src.title,
                                   url=src.url, sentences=sp, source_sentences=srcsp,
                                   published_after_suspect=after))
    diag = tuple({"id": e[2].id, "score": round(e[0], 4), "coverage": round(e[1], 4),
                  "retrieval": round(e[6], 3)} for e in evaluated)
    return TraceResult(input=inp, id=art.id, published=art.published, sources=tuple(sources),
                       candidates=diag, source_articles=tuple(e[2] for e in evaluated
                                                              if e[2].id in {s.id for s in sources}))


@dataclass(frozen=True, slots=True)
class PairCoverage(Record):
    """``verify``'s judgement of two texts, both ways (``compare``).

    ``a_by_b``: share of A's body (word tokens) explained by B; ``score_a_by_b``: the same
    weighted by sentence similarity (0..1); ``a_in_b``: B would be reported as a source of A
    (``min_coverage`` in ``min_sentences`` sentences); and the same the other way.
    """

    a_by_b: float
    b_by_a: float
    score_a_by_b: float
    score_b_by_a: float
    a_in_b: bool
    b_in_a: bool

    @property
    def copy(self) -> bool:
        """Either text is explained by the other."""
        return self.a_in_b or self.b_in_a


def _explained(best: np.ndarray, s: _Sents, o: TraceOptions) -> tuple[float, float, bool]:
    """(coverage, score, is a source) of a text whose sentences' best similarities are ``best``."""
    w = s.weights
    total = float(w.sum())
    if total <= 0:  # only very short sentences: weigh them all
        w = np.array([max(1.0, len(x)) for x in s.strings])
        total = float(w.sum())
    if total <= 0:
        return 0.0, 0.0, False
    expl = (best >= o.sim_threshold) & (w > 0)
    cov = float(w[expl].sum() / total)
    score = float((w * best)[expl].sum() / total)
    need = min(o.min_sentences, int((w > 0).sum()) or 1)
    return cov, score, cov >= o.min_coverage and int(expl.sum()) >= need


def _text_spans(x: Article | StoredArticle | str) -> tuple[str, list[tuple[int, int]] | None]:
    if isinstance(x, str):
        return x, None
    return x.text, _spans_of(x)


def compare(a: Article | StoredArticle | str, b: Article | StoredArticle | str,
            opts: TraceOptions | None = None) -> PairCoverage:
    """How much of each text the other explains, by ``verify``'s test, from one similarity
    matrix (the crawl scan's verification of a candidate pair; no index, no exclusions)."""
    o = opts or _default_options()
    x, y = token_sentences([_text_spans(a), _text_spans(b)], o.min_sentence_tokens)
    return _coverage(x, y, o)


def compare_many(texts: Mapping[int, tuple[str, Sequence[tuple[int, int]] | None]],
                 pairs: Sequence[tuple[int, int]], opts: TraceOptions | None = None) -> list[PairCoverage]:
    """``compare`` of many pairs of texts (``texts``: id -> (text, sentence spans or None)),
    each text tokenised once however many pairs it is in (the crawl scan's verify stage).
    The same results as ``compare`` pair by pair."""
    from unspin.analyze import analyze_many

    o = opts or _default_options()
    ids = sorted({x for pair in pairs for x in pair})
    spans = {i: list(texts[i][1] or ()) or split_sentences(texts[i][0]) for i in ids}
    b = analyze_many([(texts[i][0], spans[i]) for i in ids], words=True)
    assert b.words is not None
    parts: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for k, i in enumerate(ids):
        s0, s1 = int(b.sent_off[k]), int(b.sent_off[k + 1])
        t0, t1 = int(b.tok_off[k]), int(b.tok_off[k + 1])
        parts[i] = (b.counts[s0:s1], b.ids[t0:t1], b.words[s0:s1])
    out = []
    for a, c in pairs:
        (ca, ia, wa), (cc, ic, wc) = parts[a], parts[c]
        sa, sc = _symbol_strings([ca, cc], [ia, ic])
        x = _Sents(spans[a], sa, np.where(wa >= o.min_sentence_tokens, wa, 0).astype(np.float64))
        y = _Sents(spans[c], sc, np.where(wc >= o.min_sentence_tokens, wc, 0).astype(np.float64))
        out.append(_coverage(x, y, o))
    return out


def _coverage(x: _Sents, y: _Sents, o: TraceOptions) -> PairCoverage:
    if not x.strings or not y.strings:
        return PairCoverage(0.0, 0.0, 0.0, 0.0, False, False)
    m = process.cdist(x.strings, y.strings, scorer=Levenshtein.normalized_similarity,
                      dtype=np.float32, workers=1)
    ca, sca, ia = _explained(m.max(axis=1).astype(np.float64), x, o)
    cb, scb, ib = _explained(m.max(axis=0).astype(np.float64), y, o)
    return PairCoverage(round(ca, 4), round(cb, 4), round(sca, 4), round(scb, 4), ia, ib)


def _original_span(art: Article, start: int, end: int) -> Span:
    """A span of ``art.text`` as the covering span of ``art.original`` (the reader's text)."""
    if not art.original:
        return Span(start, end, art.text[start:end])
    s, e = art.to_original(start, end)
    return Span(s, e, art.original[s:e])


def stored_article(stored: StoredArticle | Article) -> Article:
    """An indexed article as an ``Article`` whose ``original`` is the stored ``text``."""
    if isinstance(stored, Article):
        return stored
    from unspin.ingest import from_text

    return from_text(stored.text, id=stored.id, input=stored.id, title=stored.title, url=stored.url,
                     site=stored.site, published=stored.published, strip_clutter=False,
                     quantities=False)


def explain(article: Article | str, result: TraceResult,
            sources: IndexReader | Sequence[StoredArticle | Article] | None = None) -> TraceResult:
    """Add what the rewrite changed (``unspin.diff`` against the sources, best first).

    The source texts are those ``verify`` kept with the result; ``sources`` (an index or
    the articles) is read only for a result that does not carry them (e.g. read from JSON).

    Returns ``result`` with ``changes``, ``summary`` and the full ``diff`` filled in; unchanged
    when the trace found no source.
    """
    if not result.sources:
        return result
    from unspin.differ import diff

    art = _as_article(article)
    held = {a.id: a for a in result.source_articles}
    if isinstance(sources, IndexReader):
        for match in result.sources:
            if match.id not in held:
                got = sources.get_by_id(match.id)
                if got is not None:
                    held[match.id] = got
    elif sources is not None:
        held.update((a.id, a) for a in sources if a.id not in held)
    picked = [stored_article(held[m.id]) for m in result.sources if m.id in held]
    if not picked:
        return result
    d = diff(art, picked)
    return dataclasses.replace(result, changes=d.changes, summary=d.summary, diff=d)


def trace(article: Article | str, index: IndexReader, options: TraceOptions | None = None, *,
          changes: bool | None = None, **opts: Any) -> TraceResult:
    """Find the indexed articles ``article`` was copied from (``retrieve`` then ``verify``).

    Args:
        article: the suspect: an ``Article`` (its ``text`` body is used; clutter is ignored)
            or plain text.
        index: an open ``Index`` or any ``IndexReader`` (e.g. a ``MemoryIndex``).
        options: a ``TraceOptions``; keyword arguments override single fields
            (``exclude_ids=...``, ``published_before="2025-03-14"``, ``max_sources=3``).
        changes: also classify what the rewrite changed (see ``explain``); default
            ``options.changes``.

    Returns:
        A ``TraceResult`` whose ``sources`` lists the asserted sources, most likely first;
        empty when nothing in the index is a source of the text. The suspect itself, when
        indexed (same id or same body), is never its own source.
    """
    o = options or _default_options()
    if opts:
        o = TraceOptions.from_mapping({**o.to_dict(), **opts}, "trace")
    art = _as_article(article)
    result = verify(art, retrieve(index, art, o), o)
    want = o.changes if changes is None else changes
    return explain(art, result, index) if want else result
