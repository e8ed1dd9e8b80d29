"""One validated, serialisable record of every tunable setting: :class:`Options`.

``Options`` has one section per stage (``ingest``, ``check``, ``index``, ``trace``,
``align``, ``diff``); each section is a small frozen record whose defaults are the
calibrated values the stages use (defaults live here and nowhere else: the stages read them
from these records). A :class:`~unspin.pipeline.Pipeline` is built from one ``Options``; the
CLI, the web app and a Spark job build theirs the same way, from keyword arguments, a TOML
file or a JSON document::

    opts = Options.from_toml("unspin.toml")          # [trace] min_coverage = 0.3 ...
    opts = Options().replace(trace={"min_coverage": 0.3})
    Options.from_json(opts.to_json()) == opts         # round-trips

Unknown sections or keys and values of the wrong type are refused with an
:class:`OptionsError` that names the key, so a typo never silently keeps a default.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from unspin.errors import UnspinError
from unspin.models import Record

__all__ = ["AlignOptions", "CheckOptions", "DiffOptions", "IndexOptions", "IngestOptions",
           "Options", "OptionsError", "TraceOptions"]

S = TypeVar("S", bound="_Section")


class OptionsError(UnspinError):
    """An options file or value is invalid (unknown key, wrong type, out of range)."""

    code = "U400"


_HINTS: dict[str, dict[str, Any]] = {}


def _type_hints(cls: type) -> dict[str, Any]:
    """``typing.get_type_hints``, once per class (it costs ~0.1 ms a call, and every
    ``trace`` builds default options)."""
    key = f"{cls.__module__}.{cls.__qualname__}"
    hints = _HINTS.get(key)
    if hints is None:
        hints = _HINTS[key] = typing.get_type_hints(cls)
    return hints


class _Section(Record):
    """A section of ``Options``: frozen fields with validated values."""

    __slots__ = ()

    # (field, minimum, maximum) bounds checked on construction; None: unbounded
    _bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {}
    # allowed string values per field
    _choices: ClassVar[dict[str, tuple[str, ...]]] = {}

    def _validate(self) -> None:
        name = _SECTION_NAMES.get(type(self), type(self).__name__)
        hints = _type_hints(type(self))
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            converted = _check_type(hints[f.name], value, f"{name}.{f.name}")
            if converted is not value:
                object.__setattr__(self, f.name, converted)
                value = converted
            lo, hi = self._bounds.get(f.name, (None, None))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if (lo is not None and value < lo) or (hi is not None and value > hi):
                    raise OptionsError(f"{name}.{f.name} = {value!r} is out of range "
                                       f"[{'' if lo is None else lo}, {'' if hi is None else hi}]")
            choices = self._choices.get(f.name)
            if choices and value is not None and value not in choices:
                raise OptionsError(f"{name}.{f.name} = {value!r} is not one of {', '.join(choices)}")

    @classmethod
    def from_mapping(cls: type[S], data: Any, where: str = "") -> S:
        """Build the section from a mapping, refusing unknown keys (named in the error)."""
        name = where or _SECTION_NAMES.get(cls, cls.__name__)
        if not isinstance(data, dict):
            raise OptionsError(f"[{name}] must be a table of settings, not {type(data).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - known)
        if unknown:
            raise OptionsError(f"unknown option {name}.{unknown[0]}",
                               hint=f"known options of [{name}]: {', '.join(sorted(known))}")
        try:
            return cls(**data)
        except TypeError as exc:  # pragma: no cover - keys were checked above
            raise OptionsError(f"[{name}]: {exc}") from None


def _check_type(tp: Any, value: Any, key: str) -> Any:
    """``value`` converted to ``tp`` where lossless (int -> float, list -> tuple), else an error."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _check_type(arg, value, key)
            except OptionsError as exc:
                errors.append(exc)
        raise errors[0]
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise OptionsError(f"{key} must be a list, not {type(value).__name__}")
        (item,) = typing.get_args(tp)[:1]
        out = tuple(_check_type(item, v, key) for v in value)
        return value if isinstance(value, tuple) and all(a is b for a, b in zip(out, value, strict=True)) else out
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise OptionsError(f"{key} must be a number, not {value!r}")
        if not math.isfinite(value):
            raise OptionsError(f"{key} must be a finite number, not {value!r}")
        return float(value) if isinstance(value, int) else value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionsError(f"{key} must be an integer, not {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise OptionsError(f"{key} must be true or false, not {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise OptionsError(f"{key} must be a string, not {value!r}")
        return value
    return value  # pragma: no cover - every field type is handled above


# ----------------------------------------------------------------------------- sections

@dataclass(frozen=True, slots=True)
class IngestOptions(_Section):
    """How inputs are read (``unspin.ingest.read``).

    Attributes:
        kind: force an input kind (text, html, jsonl, json, csv, feed, warc); "" guesses.
        encoding: force the text encoding of plain-text input; "" detects it.
        on_error: a bad corpus record is "skip"ped (reported) or "stop"s the run.
        timeout: seconds for fetching a URL.
        max_bytes: size cap for a URL's body and a single-article file.
        strip_clutter: separate page clutter (menus, share links) from the body.
        quantities: read numbers into ``Article.quantities``.
    """

    kind: str = ""
    encoding: str = ""
    on_error: str = "skip"
    timeout: float = 20.0
    max_bytes: int = 20 * 1024 * 1024
    strip_clutter: bool = True
    quantities: bool = True

    _bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "timeout": (0.0, None), "max_bytes": (1, None)}
    _choices: ClassVar[dict[str, tuple[str, ...]]] = {
        "kind": ("", "text", "html", "jsonl", "json", "csv", "feed", "warc"),
        "on_error": ("skip", "stop")}

    def __post_init__(self) -> None:
        self._validate()


@dataclass(frozen=True, slots=True)
class CheckOptions(_Section):
    """Source-free spin detection (``unspin.check``).

    Attributes:
        threshold: word probability at which a word is flagged; unset (the default) uses
            the model's calibrated threshold (``unspin.checker.FLAG_THRESHOLD``), which is
            fitted with the model and so lives beside it.
    """

    threshold: float | None = None

    _bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {"threshold": (0.0, 1.0)}

    def __post_init__(self) -> None:
        self._validate()


@dataclass(frozen=True, slots=True)
class IndexOptions(_Section):
    """Index building; ``min_word_len`` is stored with an index (``IndexParams``).

    Attributes:
        min_word_len: shortest word indexed as a retrieval term.
        batch_size: articles per transaction when adding.
    """

    min_word_len: int = 2
    batch_size: int = 10_000

    _bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "min_word_len": (1, None), "batch_size": (1, None)}

    def __post_init__(self) -> None:
        self._validate()


@dataclass(frozen=True, slots=True)
class TraceOptions(_Section):
    """Tuning of ``trace``; the defaults are calibrated in benchmarks/eval_trace.py.

    Attributes:
        query_terms: retrieval terms kept per suspect (the rarest).
        candidates: indexed articles verified per suspect.
        max_df_ratio: terms in more than this share of the index are not queried.
        robust_bonus: retrieval bonus of names and numbers (they survive spinning).
        sim_threshold: sentence similarity at which a suspect sentence is explained.
        min_sentence_tokens: shorter sentences carry no weight.
        min_coverage, min_sentences: a candidate explaining this much is a source.
        min_new_coverage: a further source must explain this much not yet explained.
        max_sources: report at most this many sources.
        exclude_self: never report the suspect itself (same id or same content hash).
        exclude_ids: ids never reported as sources.
        published_before: only candidates published on or before this date (ISO 8601);
            "" for no limit; undated candidates are kept.
        changes: also classify what the rewrite changed (``diff`` against the sources).
    """

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
    exclude_self: bool = True
    exclude_ids: tuple[str, ...] = ()
    published_before: str = ""
    changes: bool = False

    _bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "query_terms": (1, None), "candidates": (1, None), "max_df_ratio": (0.0, 1.0),
        "sim_threshold": (0.0, 1.0), "min_sentence_tokens": (0, None), "min_coverage": (0.0, 1.0),
        "min_sentences": (0, None), "min_new_coverage": (0.0, 1.0), "max_sources": (1, None)}

    def __post_init__(self) -> None:
        self._validate()
        if self.published_before:
            from unspin.dates import iso_date

            if iso_date(self.published_before) is None:
                raise OptionsError(f"trace.published_before = {self.published_before!r} is not a date",
                                   hint="give an ISO 8601 date such as 2025-03-14")


@dataclass(frozen=True, slots=True)
class AlignOptions(_Section):
    """Passage alignment (``unspin.align``), also used by ``diff``.

    Attributes:
        max_gap: unmatched sentences a passage may bridge (0: PAN-style passages).
        min_containment, min_dice: thresholds on the sentence-pair score.
    """

    max_gap: int = 0
    min_containment: float = 0.45
    min_dice: float = 0.2

    _bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {
        "max_gap": (0, None), "min_containment": (0.0, 1.0), "min_dice": (0.0, 1.0)}

    def __post_init__(self) -> None:
        self._validate()


@dataclass(frozen=True, slots=True)
class DiffOptions(_Section):
    """What ``diff`` reports.

    Attributes:
        max_sources: diff a copy against at most this many of the sources a trace found.
    """

    max_sources: int = 10

    _bounds: ClassVar[dict[str, tuple[float | None, float | None]]] = {"max_sources": (1, None)}

    def __post_init__(self) -> None:
        self._validate()


_SECTIONS: dict[str, type[_Section]] = {
    "ingest": IngestOptions, "check": CheckOptions, "index": IndexOptions, "trace": TraceOptions,
    "align": AlignOptions, "diff": DiffOptions}
_SECTION_NAMES: dict[type, str] = {v: k for k, v in _SECTIONS.items()}


@dataclass(frozen=True, slots=True)
class Options(Record):
    """Every setting of a pipeline, one section per stage (see the module docstring)."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    check: CheckOptions = field(default_factory=CheckOptions)
    index: IndexOptions = field(default_factory=IndexOptions)
    trace: TraceOptions = field(default_factory=TraceOptions)
    align: AlignOptions = field(default_factory=AlignOptions)
    diff: DiffOptions = field(default_factory=DiffOptions)

    def __post_init__(self) -> None:
        for name, cls in _SECTIONS.items():
            value = getattr(self, name)
            if isinstance(value, dict):
                object.__setattr__(self, name, cls.from_mapping(value, name))
            elif not isinstance(value, cls):
                raise OptionsError(f"[{name}] must be a {cls.__name__} or a table, not {type(value).__name__}")

    # -- building ---------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Options:
        """Build from nested mappings (``{"trace": {"min_coverage": 0.3}}``); missing
        sections and keys keep their defaults, unknown ones are refused."""
        if not isinstance(data, dict):
            raise OptionsError(f"options must be a table of sections, not {type(data).__name__}")
        data = {k: v for k, v in data.items() if k != "schema_version"}
        unknown = sorted(set(data) - set(_SECTIONS))
        if unknown:
            raise OptionsError(f"unknown options section [{unknown[0]}]",
                               hint=f"known sections: {', '.join(_SECTIONS)}")
        sections: dict[str, Any] = {k: _SECTIONS[k].from_mapping(v, k) for k, v in data.items()}
        return cls(**sections)

    @classmethod
    def from_json(cls, text: str) -> Options:
        """Build from a JSON document (as written by ``to_json``)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise OptionsError(f"options are not valid JSON ({exc})") from None
        return cls.from_dict(data)

    @classmethod
    def from_toml(cls, source: str | os.PathLike[str]) -> Options:
        """Read an options file (TOML, one table per section); a path, or TOML text when
        ``source`` contains a newline or "=" and is not an existing file."""
        text, where = _toml_text(source)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise OptionsError(f"not a valid TOML options file ({exc})", input=where) from None
        try:
            return cls.from_dict(data)
        except OptionsError as exc:
            raise OptionsError(exc.message, input=where, hint=exc.hint) from None

    def replace(self, **sections: dict[str, Any] | _Section) -> Options:
        """A copy with some settings changed: ``opts.replace(trace={"min_coverage": 0.3})``."""
        unknown = sorted(set(sections) - set(_SECTIONS))
        if unknown:
            raise OptionsError(f"unknown options section [{unknown[0]}]",
                               hint=f"known sections: {', '.join(_SECTIONS)}")
        changes: dict[str, Any] = {}
        for name, value in sections.items():
            if isinstance(value, _Section):
                changes[name] = value
            else:
                current = getattr(self, name).to_dict()
                changes[name] = _SECTIONS[name].from_mapping({**current, **value}, name)
        return dataclasses.replace(self, **changes)

    # -- writing ----------------------------------------------------------------------
    def to_toml(self) -> str:
        """The options as a TOML document (every key, so it documents the defaults)."""
        lines = [f"# unspin options (schema_version {self.schema_version})"]
        for name in _SECTIONS:
            lines.append(f"\n[{name}]")
            for key, value in getattr(self, name).to_dict().items():
                if value is None:  # TOML has no null: an unset option is left out
                    lines.append(f"# {key} = (unset: the calibrated default)")
                else:
                    lines.append(f"{key} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")  # pragma: no cover - no such field


def _toml_text(source: str | os.PathLike[str]) -> tuple[str, str]:
    if isinstance(source, str) and ("\n" in source or ("=" in source and not Path(source).is_file())):
        return source, "<options>"
    p = Path(source)
    try:
        return p.read_text(encoding="utf-8"), str(p)
    except FileNotFoundError:
        raise OptionsError("no such options file", input=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionsError(f"cannot read the options file ({exc})", input=str(p)) from None
