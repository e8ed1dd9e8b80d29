"""Passage alignment between a copy and its source, and PAN's plagdet measure.

``align(copy, source)`` finds the passages of ``copy`` that were taken from ``source``, with
character spans on both sides, in the style of the PAN text-alignment task:

1. *Seeding*: every copy sentence is compared with every source sentence on features that
   survive a synonym spinner: content-word stems, numbers, and the stopword skeleton (word
   trigrams in which content words are wildcards). Features are weighted by their rarity in
   the two documents; a pair scores by weighted containment and Dice.
2. *Selection*: a pair is kept when it is the best match of its copy sentence or of its
   source sentence and clears the thresholds, so split sentences (two copy sentences from
   one source sentence) and merged sentences (one from two) both align.
3. *Extension*: kept pairs that are monotone neighbours on both sides (allowing a gap of
   ``max_gap`` unmatched sentences, i.e. insertions and deletions) merge into passages;
   reordered material yields separate passages.

Offsets index the strings given (``Article.text`` when an ``Article`` is passed).

``plagdet(cases, detections)`` implements the measures of Potthast, Stein, Barrón-Cedeño and
Rosso, "An Evaluation Framework for Plagiarism Detection" (COLING 2010): macro-averaged
precision and recall over character sets that span both the suspicious (copy) and the
source side, granularity over detected cases, and ``plagdet = F1 / log2(1 + granularity)``.

``units(text)`` is the token view used by align and diff: ``unspin.text.tokenize`` with
keys (a number's key drops its separators). Damaged thousands ("4, 000", "12 000") are
repaired in ingestion, so ``Article.text`` holds them as one number token.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple, Protocol

from unspin._records import Passage, PlagdetScore
from unspin.models import Article
from unspin.text import STOPWORDS, TOKEN_RE, _fast_function, lower, split_sentences

__all__ = [
    "Passage", "PlagdetScore", "Unit", "align", "plagdet", "units", "granularity",
    "macro_precision", "macro_recall", "plagdet_score",
]


# ---------------------------------------------------------------------------- units

_FAST_UNITS: Final[Any] = _fast_function("units")
_FAST_FEATURES: Final[Any] = _fast_function("features")
_FAST_PAIRS: Final[Any] = _fast_function("pair_scores")

class Unit(NamedTuple):
    """A token with a comparison key: lower-cased words, numbers without separators."""

    start: int
    end: int
    text: str
    kind: str  # "word" | "number" | "punct"
    key: str


def units(text: str) -> list[Unit]:
    """Tokens of ``text`` (``unspin.text.tokenize``'s pattern, same tokens) with keys: words
    lower-cased, a number's key without its separators ("4,000" -> "4000"; a number token has
    no spaces).

    Damaged digit groups ("4, 000", "12 000", "9 ,480") are repaired once, in ingestion
    (``Article.text``, see ``unspin.normalize.repair_numbers``), not here: align and diff
    ingested articles (plain strings given to ``diff`` are ingested by it).
    """
    new = tuple.__new__
    out: list[Unit] = []
    append = out.append
    low = text.lower()  # (mypyc's lower differs from Python's only at a capital sigma: not used then)
    if len(low) != len(text) or "Σ" in text:
        # a letter that lower-cases to two ("İ"), or a capital sigma (lower-cased by its
        # context): each word on its own, as the keys are defined
        for m in TOKEN_RE.finditer(text):
            kind = m.lastgroup or "punct"
            t = m.group()
            if kind == "word":
                key = lower(t).replace("’", "'")  # (not t.lower(): see unspin.text.lower)
            elif kind == "number":
                key = t.replace(",", "")
            else:
                key = t
            append(new(Unit, (m.start(), m.end(), t, kind, key)))
        return out
    # else every character lower-cases to one, whatever its neighbours: a word's key is the
    # slice of the lower-cased text (one pass over the text instead of one per word)
    low = low.replace("’", "'")
    if _FAST_UNITS is not None:  # the same units from unspin._fastscan (C), when it was built
        fast: list[Unit] = _FAST_UNITS(text, low, Unit)
        return fast
    for m in TOKEN_RE.finditer(text):
        group = m.lastgroup
        s, e = m.span()
        t = m.group()
        if group == "word":
            append(new(Unit, (s, e, t, "word", low[s:e])))
        elif group == "number":
            append(new(Unit, (s, e, t, "number", t.replace(",", ""))))
        else:
            append(new(Unit, (s, e, t, group or "punct", t)))
    return out


# ---------------------------------------------------------------------------- passages

@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    u0: int  # first unit index
    u1: int  # one past the last unit index
    feats: dict[str, float]
    n_content: int


class _Doc:
    def __init__(self, text: str):
        self.text = text
        self.units = units(text)
        starts = [u.start for u in self.units]
        self.sentences: list[_Sentence] = []
        self._sentence_keys: list[tuple[str, ...]] | None = None

        for s, e in split_sentences(text):
            u0 = bisect.bisect_left(starts, s)
            u1 = bisect.bisect_left(starts, e)
            if u1 <= u0:
                continue
            if _FAST_FEATURES is not None:
                feats, nc = _FAST_FEATURES(self.units, u0, u1, STOPWORDS)
            else:
                feats, nc = _features(self.units[u0:u1])
            self.sentences.append(_Sentence(s, e, u0, u1, feats, nc))

    @property
    def sentence_keys(self) -> list[tuple[str, ...]]:
        """Each sentence's unit keys (made once: a remembered document serves many diffs; a
        plain attribute, not ``functools.cached_property``, which needs an instance ``__dict__``
        that the mypyc-compiled class does not have)."""
        keys = self._sentence_keys
        if keys is None:
            us = self.units
            keys = self._sentence_keys = [tuple(u[4] for u in us[st.u0:st.u1]) for st in self.sentences]
        return keys


#: The last few documents' units and sentence features, by text: a scan diffs many copies
#: against one source, the web app a copy against the sources a trace found. Read-only once made.
_DOC_CACHE: Final[dict[str, _Doc]] = {}
_DOC_CACHE_MAX: Final = 16
_DOC_CACHE_TEXT_MAX: Final = 200_000  # characters; longer texts are not remembered
_DOC_LOCK: Final = threading.Lock()


def _doc(text: str) -> _Doc:
    """``_Doc(text)``, remembered for the last ``_DOC_CACHE_MAX`` texts (least recently used out)."""
    if len(text) > _DOC_CACHE_TEXT_MAX:
        return _Doc(text)
    with _DOC_LOCK:
        d = _DOC_CACHE.pop(text, None)
        if d is not None:
            _DOC_CACHE[text] = d  # now the most recent
            return d
    d = _Doc(text)
    with _DOC_LOCK:
        _DOC_CACHE[text] = d
        while len(_DOC_CACHE) > _DOC_CACHE_MAX:
            del _DOC_CACHE[next(iter(_DOC_CACHE))]
    return d


def _features(us: Sequence[Unit]) -> tuple[dict[str, float], int]:
    """Raw (unweighted) features of a sentence: content stems, numbers, stopword skeleton
    (``unspin._fastscan.features`` does the same in C: same keys, values and order)."""
    feats: dict[str, float] = {}
    skeleton: list[str] = []
    n_content = 0
    add = skeleton.append
    for _s, _e, _t, kind, key in us:
        if kind == "number":
            feats["n:" + key] = 1.5
            add("#")
        elif kind == "word":
            if key in STOPWORDS:
                add(key)
            else:
                n_content += 1
                feats["w:" + key[:5]] = 1.0  # the stem: the first five letters
                add("_")
    for a, b, c in zip(skeleton, skeleton[1:], skeleton[2:], strict=False):
        if a not in _WILD or b not in _WILD or c not in _WILD:  # at least one stopword
            feats[f"s:{a} {b} {c}"] = 0.5
    return feats, n_content


_WILD: Final = frozenset(("_", "#"))


def _as_text(x: str | Article) -> str:
    return x.text if isinstance(x, Article) else x


def _pair_scores(cdoc: _Doc, sdoc: _Doc) -> list[tuple[int, int, float, float, float]]:
    """(copy sentence, source sentence, containment, dice, shared content weight) for overlapping pairs."""
    if _FAST_PAIRS is not None:  # the common case (no capped feature, cells in memory) in C
        got: list[tuple[int, int, float, float, float]] | None = _FAST_PAIRS(
            [s.feats for s in cdoc.sentences], [s.feats for s in sdoc.sentences], _CELLS_MAX, _DF_CAP)
        if got is not None:
            return got
    return _pair_scores_py(cdoc, sdoc)


def _pair_scores_py(cdoc: _Doc, sdoc: _Doc) -> list[tuple[int, int, float, float, float]]:
    """``_pair_scores`` in Python (the reference of ``unspin._fastscan.pair_scores``)."""
    n = len(cdoc.sentences) + len(sdoc.sentences)
    df: dict[str, int] = {}
    for sent in (*cdoc.sentences, *sdoc.sentences):
        for f in sent.feats:
            df[f] = df.get(f, 0) + 1

    # a feature has one base weight whatever the sentence ("n:" 1.5, "w:" 1.0, "s:" 0.5), so
    # one weight per feature for both documents, and a shared feature adds that weight
    wt: dict[str, float] = {}
    for sent in (*cdoc.sentences, *sdoc.sentences):
        for f, b in sent.feats.items():
            if f not in wt:
                wt[f] = b * math.log(1.0 + n / df[f])
    sw = [{f: wt[f] for f in s.feats} for s in sdoc.sentences]
    cw = [{f: wt[f] for f in s.feats} for s in cdoc.sentences]
    stot = [sum(d.values()) for d in sw]
    inv: dict[str, list[int]] = {}
    for j, d in enumerate(sw):
        for f in d:
            inv.setdefault(f, []).append(j)
    if max(df.values(), default=0) > _DF_CAP:
        return _pair_scores_capped(cw, sw, stot, inv, df)
    if len(cw) * len(sw) <= _CELLS_MAX:
        return _pair_sums(cw, stot, inv, len(sw))
    out = []  # very many sentences: a dict per copy sentence, memory by the pairs that share features
    for i, d in enumerate(cw):
        ctot = sum(d.values())
        shared: dict[int, float] = {}
        shared_content: dict[int, float] = {}
        get, cget = shared.get, shared_content.get
        for f, w in d.items():
            js = inv.get(f)
            if js is None:
                continue
            for j in js:
                shared[j] = get(j, 0.0) + w
            if f[0] != "s":
                for j in js:
                    shared_content[j] = cget(j, 0.0) + 1.0
        for j, sh in shared.items():
            lo = min(ctot, stot[j])
            if lo <= 0:
                continue
            out.append((i, j, sh / lo, 2 * sh / (ctot + stot[j]), shared_content.get(j, 0.0)))
    return out


#: ``_pair_sums`` holds two arrays of (copy sentences x source sentences) cells: at most this many
#: (32 MB); longer texts take the loop.
_CELLS_MAX: Final = 1 << 21


def _pair_sums(cw: list[dict[str, float]], stot: list[float], inv: dict[str, list[int]],
               ns: int) -> list[tuple[int, int, float, float, float]]:
    """``_pair_scores``'s sums over (copy sentence, source sentence) cells in one ``np.bincount``.

    The same floats as adding, for each copy sentence, each shared feature's weight in the
    sentence's feature order: the postings are laid out in that order, and bincount adds its
    weights one by one in input order. Weights are positive, so a cell above zero is a pair
    that shares a feature. Pairs come in (copy, source) order (callers sort them or look them up).
    """
    import numpy as np  # here: importing unspin does not load numpy

    # the source postings in one array: feature k's sentences are flat[ptr[k]:ptr[k + 1]]
    fid: dict[str, int] = {}
    flat: list[int] = []
    ptr = [0]
    for f, js in inv.items():
        fid[f] = len(ptr) - 1
        flat.extend(js)
        ptr.append(len(flat))
    rows: list[int] = []
    feats: list[int] = []
    ws: list[float] = []
    content: list[bool] = []
    for i, d in enumerate(cw):
        for f, w in d.items():
            k = fid.get(f)
            if k is None:
                continue
            rows.append(i)
            feats.append(k)
            ws.append(w)
            content.append(f[0] != "s")
    if not rows:
        return []
    pt = np.array(ptr, dtype=np.int64)
    fk = np.array(feats, dtype=np.int64)
    starts = pt[fk]
    lens = pt[fk + 1] - starts
    ends = np.cumsum(lens)
    # every (copy feature, source sentence) posting, copy features in order
    pos = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(starts - (ends - lens), lens)
    cells = np.repeat(np.array(rows, dtype=np.int64) * ns, lens) + np.array(flat, dtype=np.int64)[pos]
    size = len(cw) * ns
    shared = np.bincount(cells, np.repeat(np.array(ws, dtype=np.float64), lens), minlength=size)
    counts = np.bincount(cells[np.repeat(np.array(content, dtype=bool), lens)], minlength=size)
    hit = np.flatnonzero(shared > 0)
    ii, jj = np.divmod(hit, ns)
    ctot = np.array([sum(d.values()) for d in cw], dtype=np.float64)[ii]
    st = np.array(stot, dtype=np.float64)[jj]
    sh = shared[hit]
    lo = np.minimum(ctot, st)
    keep = lo > 0
    ii, jj, sh, lo, ctot, st = ii[keep], jj[keep], sh[keep], lo[keep], ctot[keep], st[keep]
    return list(zip(ii.tolist(), jj.tolist(), (sh / lo).tolist(), (2 * sh / (ctot + st)).tolist(),
                    counts[hit][keep].astype(np.float64).tolist(), strict=True))


# A feature in more sentences than this (only in very long or repetitive texts: an 800-word
# article has ~40) no longer proposes pairs, or every sentence would meet every other one
# (quadratic time); pairs found through rarer features still count it in their score.
_DF_CAP: Final = 256


def _pair_scores_capped(cw: list[dict[str, float]], sw: list[dict[str, float]], stot: list[float],
                        inv: dict[str, list[int]],
                        df: dict[str, int]) -> list[tuple[int, int, float, float, float]]:
    """``_pair_scores`` for long texts: candidate pairs come from features in at most _DF_CAP
    sentences (a sentence made only of common features looks at its rarest feature's
    _DF_CAP sentences nearest its position); scores are then exact over all shared features."""
    out = []
    ratio = len(sw) / max(1, len(cw))
    for i, d in enumerate(cw):
        ctot = sum(d.values())
        cands: set[int] = set()
        for f in d:
            if df[f] <= _DF_CAP:
                cands.update(inv.get(f, ()))
        if not cands:
            post = inv.get(min(d, key=lambda f: df[f]), []) if d else []
            if post:
                k = bisect.bisect_left(post, int(i * ratio))
                cands.update(post[max(0, k - _DF_CAP // 2):k + _DF_CAP // 2])
        for j in sorted(cands):
            small, big = (d, sw[j]) if len(d) <= len(sw[j]) else (sw[j], d)
            sh = sc = 0.0
            for f, w in small.items():
                other = big.get(f)
                if other is None:
                    continue
                sh += min(w, other)
                if f[0] != "s":
                    sc += 1.0
            lo = min(ctot, stot[j])
            if sh <= 0 or lo <= 0:
                continue
            out.append((i, j, sh / lo, 2 * sh / (ctot + stot[j]), sc))
    return out


def _select(pairs: list[tuple[int, int, float, float, float]], cdoc: _Doc, sdoc: _Doc,
            min_containment: float, min_dice: float) -> list[tuple[int, int, float]]:
    best_c: dict[int, float] = {}
    best_s: dict[int, float] = {}
    ok = []
    for i, j, cont, dice, sc in pairs:
        small = min(cdoc.sentences[i].n_content, sdoc.sentences[j].n_content)
        # shared content words or numbers: one suffices for short sentences or a strong skeleton
        need = 1.0 if small <= 3 or cont >= 0.4 else 2.0
        if cont < min_containment or dice < min_dice or sc < need:
            continue
        ok.append((i, j, cont, dice))
        best_c[i] = max(best_c.get(i, 0.0), dice)
        best_s[j] = max(best_s.get(j, 0.0), dice)
    kept = []
    for i, j, _cont, dice in ok:
        if dice >= best_c[i] - 1e-9 or dice >= best_s[j] - 1e-9:
            kept.append((i, j, dice))
    return kept


def align(copy: str | Article, source: str | Article, *, source_id: str | None = None,
          max_gap: int = 0, min_containment: float = 0.45, min_dice: float = 0.2) -> list[Passage]:
    """Passages of ``copy`` taken from ``source``, in copy order.

    Args:
        copy, source: texts or ``Article`` objects (their ``text`` is aligned).
        source_id: stored on each passage (default: the source article's id, else "").
        max_gap: how many unmatched sentences (inserted in the copy or left out of the
            source) a passage may bridge; 0 (the default) starts a new passage at every
            insertion, omission or reordering, as PAN cases do.
        min_containment, min_dice: thresholds on the sentence-pair score.

    Offsets index ``copy``/``source`` text (``Article.text`` for articles). Numbers a
    spinner damaged ("4, 000") match their source only in ingested articles, whose ``text``
    has them repaired.
    """
    sid = source_id if source_id is not None else (source.id if isinstance(source, Article) else "")
    cdoc, sdoc = _doc(_as_text(copy)), _doc(_as_text(source))
    return _alignment(cdoc, sdoc, sid, max_gap, min_containment, min_dice)[0]


def _fill_gaps(final: list[tuple[Passage, list[tuple[int, int, float]]]], cdoc: _Doc, sdoc: _Doc, sid: str,
               scores: dict[tuple[int, int], float], min_dice: float = 0.12,
               ) -> list[tuple[Passage, list[tuple[int, int, float]]]]:
    """Pair a lone unmatched copy sentence with a lone unmatched source sentence between the
    same two aligned neighbours (a heavily rewritten sentence in place), and join it to them."""
    if len(final) < 1:
        return final
    used_c = {q[0] for _, ch in final for q in ch}
    used_s = {q[1] for _, ch in final for q in ch}
    out = list(final)
    for k in range(len(out) + 1):
        prev = out[k - 1][1] if k > 0 else None
        nxt = out[k][1] if k < len(out) else None
        ci_lo = max(q[0] for q in prev) + 1 if prev else 0
        ci_hi = min(q[0] for q in nxt) - 1 if nxt else len(cdoc.sentences) - 1
        sj_lo = max(q[1] for q in prev) + 1 if prev else 0
        sj_hi = min(q[1] for q in nxt) - 1 if nxt else len(sdoc.sentences) - 1
        if ci_hi != ci_lo or not 0 <= sj_hi - sj_lo <= 2 or (prev is None and nxt is None):
            continue
        if prev is not None and nxt is not None and not (
                min(q[1] for q in nxt) > max(q[1] for q in prev)):
            continue
        cands = [(scores.get((ci_lo, j), 0.0), j) for j in range(sj_lo, sj_hi + 1) if j not in used_s]
        if ci_lo in used_c or not cands:
            continue
        best, sj = max(cands)
        if best < min_dice or sum(1 for d, _ in cands if d >= best - 0.05) > 1:
            continue
        pair = (ci_lo, sj, best)
        sj_lo = sj
        # join the neighbour it continues on both sides; else it is a passage of its own
        if prev is not None and sj == max(q[1] for q in prev) + 1:
            target = k - 1
        elif nxt is not None and sj == min(q[1] for q in nxt) - 1:
            target = k
        else:
            sent_c, sent_s = cdoc.sentences[ci_lo], sdoc.sentences[sj]
            out.insert(k, (Passage(sent_c.start, sent_c.end, sent_s.start, sent_s.end, sid, round(best, 4)),
                           [pair]))
            used_c.add(ci_lo)
            used_s.add(sj)
            continue
        p, ch = out[target]
        ch = sorted([*ch, pair])
        lo_i, hi_i = min(q[0] for q in ch), max(q[0] for q in ch)
        lo_j, hi_j = min(q[1] for q in ch), max(q[1] for q in ch)
        out[target] = (Passage(cdoc.sentences[lo_i].start, cdoc.sentences[hi_i].end,
                               sdoc.sentences[lo_j].start, sdoc.sentences[hi_j].end, sid, p.score), ch)
        used_c.add(ci_lo)
        used_s.add(sj_lo)
    return out


def _ordinal_duplicates(pairs: list[tuple[int, int, float]], cdoc: _Doc, sdoc: _Doc
                        ) -> list[tuple[int, int, float]]:
    """Pair a sentence repeated word for word with its same occurrence on the other side.

    Without this, the first copy of a repeated sentence pairs with every repetition in the
    source (a chain that reads as one sentence merged from many) and the other copies go
    unmatched: a file diffed against itself showed mostly insertions.
    """
    kc, ks = cdoc.sentence_keys, sdoc.sentence_keys
    count_c: dict[tuple[str, ...], int] = {}
    count_s: dict[tuple[str, ...], int] = {}
    ord_c = []
    for k in kc:
        ord_c.append(count_c.get(k, 0))
        count_c[k] = ord_c[-1] + 1
    ord_s = []
    for k in ks:
        ord_s.append(count_s.get(k, 0))
        count_s[k] = ord_s[-1] + 1
    if all(n == 1 for n in count_c.values()) and all(n == 1 for n in count_s.values()):
        return pairs
    out = []
    for i, j, score in pairs:
        k = kc[i]
        if k == ks[j] and (count_c[k] > 1 or count_s[k] > 1) and ord_c[i] != ord_s[j]:
            continue
        out.append((i, j, score))
    return out


def _alignment(cdoc: _Doc, sdoc: _Doc, sid: str, max_gap: int = 0, min_containment: float = 0.45,
               min_dice: float = 0.2) -> tuple[list[Passage], list[tuple[list[int], list[int]]]]:
    """Passages, and the groups of sentences aligned to each other (copy indices, source indices).

    A group is a connected set of sentence pairs: one pair, or a split/merged sentence.
    """
    raw_pairs = _pair_scores(cdoc, sdoc)
    pairs = _select(raw_pairs, cdoc, sdoc, min_containment, min_dice)
    pairs = _ordinal_duplicates(pairs, cdoc, sdoc)
    # identical sentences too short for features ("Yes.", a one-word line) still align
    have_c = {p[0] for p in pairs}
    have_s = {p[1] for p in pairs}
    by_keys: dict[tuple[str, ...], list[int]] = {}
    for j, sent in enumerate(sdoc.sentences):
        if not sent.feats and j not in have_s:
            by_keys.setdefault(sdoc.sentence_keys[j], []).append(j)
    for i, sent in enumerate(cdoc.sentences):
        if not sent.feats and i not in have_c:
            js = by_keys.get(cdoc.sentence_keys[i])
            if js:
                pairs.append((i, js.pop(0), 1.0))
    pairs.sort()
    matched_c = {p[0] for p in pairs}
    matched_s = {p[1] for p in pairs}

    def free(lo: int, hi: int, matched: set[int]) -> bool:
        return all(k not in matched for k in range(lo + 1, hi))

    chains: list[list[tuple[int, int, float]]] = []
    top_j: list[int] = []  # the largest source index in each chain
    # pairs come sorted by copy index, so a chain whose last copy sentence is more than
    # 1 + max_gap behind can take no more pairs: only the others are looked at (the same
    # choice as scanning every chain, newest first; linear time on repetitive texts)
    active: list[int] = []
    last_i = -1
    for p in pairs:
        i, j, _ = p
        if i != last_i:
            active = [k for k in active if i - chains[k][-1][0] <= 1 + max_gap]
            last_i = i
        target = None
        for k in reversed(active):
            ch = chains[k]
            li = ch[-1][0]
            lj = top_j[k]
            if (0 <= i - li <= 1 + max_gap and 0 <= j - lj <= 1 + max_gap
                    and free(li, i, matched_c) and free(lj, j, matched_s)):
                target = k
                break
        if target is None:
            chains.append([p])
            top_j.append(j)
            active.append(len(chains) - 1)
        else:
            chains[target].append(p)
            top_j[target] = max(top_j[target], j)
    # resolve overlaps: keep the chains with the larger total score
    chains.sort(key=lambda ch: -sum(q[2] for q in ch))
    taken_c: set[int] = set()
    taken_s: set[int] = set()
    final: list[tuple[Passage, list[tuple[int, int, float]]]] = []
    for ch in chains:
        # drop the pairs a better chain already took; what is left may split into pieces
        pieces: list[list[tuple[int, int, float]]] = []
        for q in ch:
            if q[0] in taken_c or q[1] in taken_s:
                continue
            if pieces:
                prev = pieces[-1][-1]
                gap_c = range(min(prev[0], q[0]), max(prev[0], q[0]) + 1)
                gap_s = range(min(prev[1], q[1]), max(prev[1], q[1]) + 1)
                if not any(k in taken_c for k in gap_c) and not any(k in taken_s for k in gap_s):
                    pieces[-1].append(q)
                    continue
            pieces.append([q])
        for piece in pieces:
            lo_i, hi_i = min(q[0] for q in piece), max(q[0] for q in piece)
            lo_j, hi_j = min(q[1] for q in piece), max(q[1] for q in piece)
            if (any(k in taken_c for k in range(lo_i, hi_i + 1))
                    or any(k in taken_s for k in range(lo_j, hi_j + 1))):
                continue
            taken_c.update(range(lo_i, hi_i + 1))
            taken_s.update(range(lo_j, hi_j + 1))
            cs, ce = cdoc.sentences[lo_i].start, cdoc.sentences[hi_i].end
            ss, se = sdoc.sentences[lo_j].start, sdoc.sentences[hi_j].end
            score = sum(q[2] for q in piece) / len(piece)
            final.append((Passage(cs, ce, ss, se, sid, round(score, 4)), piece))
    final.sort(key=lambda x: (x[0].copy_start, x[0].source_start))
    final = _fill_gaps(final, cdoc, sdoc, sid, scores={(i, j): d for i, j, _c, d, _s in raw_pairs})
    groups: list[tuple[list[int], list[int]]] = []
    for _, ch in final:
        for i, j, _s in ch:
            if groups and (i in groups[-1][0] or j in groups[-1][1]):
                if i not in groups[-1][0]:
                    groups[-1][0].append(i)
                if j not in groups[-1][1]:
                    groups[-1][1].append(j)
            else:
                groups.append(([i], [j]))
    return [p for p, _ in final], groups


# ---------------------------------------------------------------------------- plagdet

class _Ann(Protocol):
    @property
    def copy_start(self) -> int: ...
    @property
    def copy_end(self) -> int: ...
    @property
    def source_start(self) -> int: ...
    @property
    def source_end(self) -> int: ...


def _span(a: Any, side: str) -> tuple[Any, int, int]:
    """(document, start, end) of an annotation on one side ("copy" or "source")."""
    if side == "copy":
        doc = getattr(a, "copy_id", "")
        return doc, int(a.copy_start), int(a.copy_end)
    return getattr(a, "source_id", ""), int(a.source_start), int(a.source_end)


def _overlaps(x: tuple[Any, int, int], y: tuple[Any, int, int]) -> bool:
    return x[0] == y[0] and x[1] < y[2] and y[1] < x[2]


def detects(r: Any, s: Any) -> bool:
    """PAN's "r detects s": the two overlap on the copy side and on the source side."""
    return _overlaps(_span(r, "copy"), _span(s, "copy")) and _overlaps(_span(r, "source"), _span(s, "source"))


def _union_len(spans: Iterable[tuple[int, int]]) -> int:
    total, cur_s, cur_e = 0, None, None
    for s, e in sorted(spans):
        if e <= s:
            continue
        if cur_e is None or s > cur_e:
            if cur_e is not None and cur_s is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None and cur_s is not None:
        total += cur_e - cur_s
    return total


def _covered(s: Any, others: Sequence[Any]) -> float:
    """|union over r detecting s of (s ∩ r)| / |s|, characters of both sides counted."""
    size = 0
    got = 0
    for side in ("copy", "source"):
        doc, a, b = _span(s, side)
        size += max(0, b - a)
        parts = []
        for r in others:
            if detects(r, s):
                _, c, d = _span(r, side)
                lo, hi = max(a, c), min(b, d)
                if hi > lo:
                    parts.append((lo, hi))
        got += _union_len(parts)
    return got / size if size else 0.0


def macro_recall(cases: Sequence[Any], detections: Sequence[Any]) -> float:
    """rec(S, R) = 1/|S| * sum over s of |union of (s ⊓ r)| / |s|."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    return sum(_covered(s, detections) for s in cases) / len(cases)


def macro_precision(cases: Sequence[Any], detections: Sequence[Any]) -> float:
    """prec(S, R) = 1/|R| * sum over r of |union of (s ⊓ r)| / |r| (recall with roles swapped)."""
    return macro_recall(detections, cases)


def granularity(cases: Sequence[Any], detections: Sequence[Any]) -> float:
    """gran(S, R) = 1/|S_R| * sum over detected cases s of |R_s|; 1 when nothing is detected."""
    counts = [sum(1 for r in detections if detects(r, s)) for s in cases]
    hit = [c for c in counts if c > 0]
    return sum(hit) / len(hit) if hit else 1.0


def plagdet_score(precision: float, recall: float, gran: float) -> float:
    """F1 of precision and recall divided by log2(1 + granularity)."""
    if precision <= 0 and recall <= 0 or precision < 0 or recall < 0 or gran < 1:
        return 0.0
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / math.log2(1 + gran)


def plagdet(cases: Sequence[Any], detections: Sequence[Any]) -> PlagdetScore:
    """PAN plagdet of ``detections`` against the true ``cases``.

    Both are sequences of objects with ``copy_start``, ``copy_end``, ``source_start``,
    ``source_end`` and optionally ``copy_id``/``source_id`` naming the documents (absent
    means "the same document"). Passages from ``align`` and ``unspin.synth`` cases qualify.
    """
    p = macro_precision(cases, detections)
    r = macro_recall(cases, detections)
    g = granularity(cases, detections)
    return PlagdetScore(p, r, g, plagdet_score(p, r, g), len(cases), len(detections))
