"""The records of the modules setup.py compiles with mypyc (``unspin.aligner``,
``unspin.differ``), defined here, in a module that is never compiled: mypyc keeps only erased
annotations ("tuple", "type") on the classes of a module it compiles, and the records' JSON
round trip (``Record.from_dict``) and schemas (``unspin.schema``) read the declared ones.
Import them from ``unspin.differ`` and ``unspin.aligner`` (or ``unspin``), as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from unspin.models import Article, Record

__all__ = ["Change", "DiffResult", "Passage", "PlagdetScore", "Summary"]


@dataclass(frozen=True, slots=True)
class Passage(Record):
    """An aligned passage: ``copy[copy_start:copy_end]`` was taken from ``source[source_start:source_end]``."""

    copy_start: int
    copy_end: int
    source_start: int
    source_end: int
    source_id: str = ""
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Change(Record):
    """One classified stretch of the copy (or of the source, for omissions)."""

    kind: str
    subtype: str | None
    copy_start: int
    copy_end: int
    source_id: str
    source_start: int
    source_end: int
    copy_text: str
    source_text: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Summary(Record):
    """Shares of the copy's words by kind, and fact changes by subtype.

    ``shares`` maps ``verbatim``, ``synonym``, ``reword``, ``fact``, ``inserted`` and
    ``clutter`` to the share of the copy's words (numbers included) they cover; the shares
    sum to 1 when the copy has words. ``facts`` counts fact changes by subtype (every subtype
    present, zero included); ``counts`` counts changes by kind.
    """

    copy_words: int
    source_words: int
    omitted_words: int
    shares: dict[str, float]
    facts: dict[str, int]
    counts: dict[str, int]
    passages: int = 0


@dataclass(frozen=True, slots=True)
class DiffResult(Record):
    """The changes between a copy and its source; iterates over ``changes`` like a list.

    ``input`` names the copy as it was given (its path or URL; its id for text), like the
    ``input`` of every other result; ``copy_id``/``source_id`` are the articles' ids.
    """

    input: str
    copy_id: str
    source_id: str
    changes: tuple[Change, ...]
    summary: Summary
    passages: tuple[Passage, ...] = ()
    offsets: str = "original"
    verdict: str = ""
    evidence: str = ""
    copy: Article | None = field(default=None, compare=False, repr=False, metadata={"serialize": False})
    source: Article | None = field(default=None, compare=False, repr=False, metadata={"serialize": False})
    sources: tuple[Article, ...] = field(default=(), compare=False, repr=False, metadata={"serialize": False})

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def _repr_html_(self) -> str:
        """The HTML report (Jupyter shows it for a result on the last line of a cell)."""
        from unspin.report import render_html

        return render_html(self)

    def __len__(self) -> int:
        return len(self.changes)

    def __getitem__(self, i: int) -> Change:
        return self.changes[i]

    @property
    def facts(self) -> list[Change]:
        """Fact changes, in copy order."""
        return [c for c in self.changes if c.kind == "fact"]


@dataclass(frozen=True, slots=True)
class PlagdetScore(Record):
    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int = 0
    detections: int = 0
