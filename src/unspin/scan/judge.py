"""Stage 5 of a scan: what each copy changed, judged with ``unspin.diff``.

Each copy is compared with the original at the end of its copied-from chain (for a copy of
a copy, the original it ultimately came from: a verbatim mirror of a distorted copy spreads
the distortion, and is judged distorted). The verdict:

- ``distorted``: at least one fact or meaning change (``Change.kind == "fact"``);
- ``rewritten``: no fact change, but at least ``min_spin_share`` of the copy's words are
  synonym swaps or rewordings (``spin_share``);
- ``verbatim``: neither (excerpts, clutter and insertions do not count).

``verdict_of`` is the one place that maps a ``DiffResult`` to a verdict.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from unspin.differ import DiffResult
from unspin.models import Record

__all__ = ["Judgement", "judge_pair", "judge_pairs", "verdict_of"]

MIN_SPIN_SHARE = 0.02


@dataclass(frozen=True, slots=True)
class Judgement(Record):
    """The verdict on one copy against the original it came from."""

    id: int
    against: int
    verdict: str
    spin_share: float
    fact_changes: int
    facts: tuple[dict[str, Any], ...] = ()


def verdict_of(result: DiffResult, min_spin_share: float = MIN_SPIN_SHARE) -> tuple[str, float, int]:
    """(verdict, spin_share, fact changes) of a diff result.

    ``distorted`` is diff's own judgement (at least one fact change). Between ``rewritten``
    and ``verbatim`` the scan decides by ``spin_share``, the share of the copy's words in
    synonym swaps (case and number-format changes aside) and rewordings: diff's per-document
    verdict also calls an excerpt with an added "Read the full story" line rewritten, while
    for a crawl that is a verbatim copy.
    """
    facts = sum(1 for c in result.changes if c.kind == "fact")
    words = max(1, result.summary.copy_words)
    spun = sum(len(c.copy_text.split()) for c in result.changes
               if c.kind == "reword" or (c.kind == "synonym" and c.subtype not in ("case", "format")))
    spin = round(min(1.0, spun / words), 4)
    given = getattr(result, "verdict", None)
    if facts or given == "distorted":
        return "distorted", spin, facts
    return ("rewritten" if spin >= min_spin_share else "verbatim"), spin, facts


def diff_texts(copy_text: str, source_text: str, copy_id: str = "copy", source_id: str = "source") -> DiffResult:
    """``Pipeline.diff`` of two page texts (already extracted: no clutter pass, no quantities)."""
    from unspin.ingest import from_text
    from unspin.pipeline import Pipeline

    c = from_text(copy_text, id=copy_id, strip_clutter=False, quantities=False)
    key = (source_id, source_text)
    s = _SOURCES.pop(key, None) or from_text(source_text, id=source_id, strip_clutter=False, quantities=False)
    _SOURCES[key] = s  # most recently used last
    while len(_SOURCES) > SOURCE_CACHE:
        _SOURCES.popitem(last=False)
    return Pipeline().diff(c, s)


#: originals kept ingested (the scan judges the copies of one original one after another)
SOURCE_CACHE = 16
_SOURCES: OrderedDict[tuple[str, str], Any] = OrderedDict()


#: a copy sentence not in the source is a plain insertion (diff: ``insertion``, not counted
#: by ``verdict_of``) when it shares at most this share of its content words (not stopwords)
#: with every source sentence (a spinner's sentence keeps half or more of them)
INSERTION_OVERLAP = 0.34
#: at most this many inserted sentences, holding at most this share of the copy's words
MAX_INSERTED = (2, 0.2)


def _contained(copy_text: str, source_text: str) -> bool:
    """Every sentence of the copy occurs word for word in the source (a mirror, an excerpt),
    except at most two short inserted sentences unlike any sentence of the source (an
    aggregator's "Read the full story at ..." line), which diff calls insertions."""
    from unspin.text import STOPWORDS, split_sentences

    src = [" ".join(source_text[a:b].split()) for a, b in split_sentences(source_text)]
    have = set(src)
    sents = [" ".join(copy_text[a:b].split()) for a, b in split_sentences(copy_text)]
    extra = [x for x in sents if x not in have]
    if not sents or len(extra) == len(sents):
        return False
    if not extra:
        return True
    words = sum(len(x.split()) for x in sents)
    if len(extra) > MAX_INSERTED[0] or sum(len(x.split()) for x in extra) > MAX_INSERTED[1] * words:
        return False
    def content(x: str) -> set[str]:
        return {w for w in re.findall(r"\w+", x.lower()) if w not in STOPWORDS}

    src_words = [content(x) for x in src]
    for x in extra:
        w = content(x)
        if not w or any(len(w & s) > INSERTION_OVERLAP * len(w) for s in src_words):
            return False
    return True


def judge_pair(copy: int, copy_text: str, source: int, source_text: str, *,
               need_diff: bool = False) -> tuple[Judgement, DiffResult | None]:
    """The verdict on one copy; a copy whose every sentence is in the source is ``verbatim``
    without running ``diff`` (unless ``need_diff``, for the side-by-side report)."""
    if not need_diff and _contained(copy_text, source_text):
        return Judgement(copy, source, "verbatim", 0.0, 0), None
    result = diff_texts(copy_text, source_text, str(copy), str(source))
    verdict, spin, nfacts = verdict_of(result)
    facts = tuple({"subtype": c.subtype, "copy": c.copy_text, "source": c.source_text,
                   "explanation": c.explanation} for c in result.changes if c.kind == "fact")
    return Judgement(copy, source, verdict, spin, nfacts, facts[:20]), result


def judge_pairs(_options: Any, pairs: Iterable[tuple[int, str, int, str]]) -> Iterator[Judgement]:
    """Stage function: (copy id, copy text, source id, source text) -> judgements."""
    for c, ct, s, st in pairs:
        yield judge_pair(c, ct, s, st)[0]
