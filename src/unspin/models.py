"""Small frozen data classes shared by every stage, with JSON round-trips.

Offsets: ``Article.original`` is the text exactly as the reader saw it (the decoded file for
plain text, the extracted body text for HTML). ``Article.text`` is the repaired, normalised
article body that the analysis stages work on. ``Span`` offsets index ``Article.text``;
``Article.to_original(start, end)`` maps them back to ``Article.original`` so reports can
highlight what the reader actually saw. Clutter and quantities carry offsets into
``original`` directly.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import json
import operator
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

SCHEMA_VERSION = 1

T = TypeVar("T", bound="Record")


def _to_jsonable(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_jsonable(v) for k, v in value.items()}
    return value


def _from_jsonable(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            return _from_jsonable(arg, value)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_jsonable(args[0], v) for v in value)
        return tuple(_from_jsonable(a, v) for a, v in zip(args, value, strict=False))
    if isinstance(tp, type) and issubclass(tp, Record):
        return tp.from_dict(value)
    return value


class Record:
    """Mixin for frozen dataclasses: ``to_dict``/``from_dict``/``to_json`` with a schema version.

    It has empty ``__slots__`` so that subclasses declared ``slots=True`` carry no
    per-instance ``__dict__`` (memory at crawl scale: see benchmarks/bench_records.py).
    """

    __slots__ = ()
    schema_version: ClassVar[int] = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.metadata.get("serialize", True):
                out[f.name] = _to_jsonable(getattr(self, f.name))
        return out

    def to_json(self, **kwargs: Any) -> str:
        d = {"schema_version": self.schema_version, **self.to_dict()}
        return json.dumps(d, ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                kwargs[f.name] = _from_jsonable(hints[f.name], data[f.name])
        return cls(**kwargs)


@dataclass(frozen=True, slots=True)
class Span(Record):
    """A stretch of text: ``text == owner_text[start:end]``."""

    start: int
    end: int
    text: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Clutter(Record):
    """Page furniture separated from the article body; offsets index ``Article.original``."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Quantity(Record):
    """A number read from the text; offsets index ``Article.original``.

    ``low``/``high`` differ for ranges ("between 10,000 and 12 000"); ``hedge`` holds a
    qualifier such as "about"; ``repaired`` is true when the written form was damaged
    ("4, 000", "12 000") and was read as the value it stands for.
    """

    start: int
    end: int
    text: str
    value: float
    low: float
    high: float
    hedge: str | None = None
    unit: str | None = None
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class OffsetMap(Record):
    """Maps offsets in a derived text back to offsets in the text it was derived from.

    Stored as runs ``(derived_start, original_start, length)`` in which characters map one
    to one; a derived offset outside any run maps to the original offset of the run before it
    (its end), so replaced or inserted characters map to the nearest original position.
    """

    runs: tuple[tuple[int, int, int], ...] = ()
    derived_length: int = 0
    original_length: int = 0

    @classmethod
    def identity(cls, n: int, shift: int = 0, original_length: int | None = None) -> OffsetMap:
        return cls(((0, shift, n),) if n else (), n, n + shift if original_length is None else original_length)

    @classmethod
    def from_positions(cls, positions: Sequence[int], original_length: int) -> OffsetMap:
        """Build from a per-character list: ``positions[i]`` is the original offset of char i."""
        # a run is a maximal stretch of characters with the same ``positions[i] - i``
        runs: list[tuple[int, int, int]] = []
        i = 0
        for key, group in itertools.groupby(map(operator.sub, positions, itertools.count())):
            n = len(list(group))
            runs.append((i, i + key, n))
            i += n
        return cls(tuple(runs), len(positions), original_length)

    def to_original(self, offset: int) -> int:
        """Original offset of derived ``offset`` (0 <= offset <= derived_length)."""
        if not self.runs:
            return min(offset, self.original_length)
        i = bisect.bisect_right(self.runs, (offset, float("inf"), 0)) - 1
        if i < 0:
            return self.runs[0][1]
        ds, os_, n = self.runs[i]
        if offset < ds + n:
            return os_ + (offset - ds)
        return os_ + n

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a derived half-open span to the smallest original span that covers it."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1


@dataclass(frozen=True, slots=True)
class Article(Record):
    """One article, as read by ``unspin.ingest``.

    Attributes:
        id: stable identifier (given by the corpus, else ``sha1`` of the body text, 16 hex).
        input: where it came from: a path, URL, ``<stdin>``, or ``corpus.jsonl:12``.
        original: the text the reader saw (decoded file, or the body extracted from HTML).
        text: the normalised, repaired body that analysis works on.
        offset_map: maps ``text`` offsets to ``original`` offsets.
        paragraphs, sentences: spans over ``text``.
        clutter: blocks of ``original`` judged to be page furniture, with the reason.
        quantities: numbers read from ``original``.
    """

    id: str
    text: str
    original: str = ""
    input: str = ""
    url: str | None = None
    site: str | None = None
    title: str | None = None
    published: str | None = None
    offset_map: OffsetMap = field(default_factory=OffsetMap)
    paragraphs: tuple[Span, ...] = ()
    sentences: tuple[Span, ...] = ()
    clutter: tuple[Clutter, ...] = ()
    quantities: tuple[Quantity, ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the covering span of ``original``."""
        if not self.offset_map.runs and self.original == self.text:
            return start, end
        return self.offset_map.span_to_original(start, end)
