"""JSON Schemas of unspin's JSON outputs, generated from the Records' type hints.

``schemas()`` maps a file name (``trace.schema.json`` ...) to the JSON Schema (draft
2020-12) of what that output holds; ``scripts/gen_schemas.py`` writes them to docs/schema/
and a test keeps the shipped files up to date and validates every command's JSON against
them. Every field a Record serialises is required (``to_dict`` always writes it) and no
other field is allowed, so a field that changes type or appears unannounced fails the test.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from unspin.models import SCHEMA_VERSION, Record

__all__ = ["schema_of", "schemas"]

_BASE = "https://unspin.invalid/schema/"


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if tp is Any:
        return {}
    if tp is type(None):
        return {"type": "null"}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(a, defs) for a in typing.get_args(tp)]}
    if origin is tuple or origin is list:
        args = typing.get_args(tp)
        if origin is list or (len(args) == 2 and args[1] is Ellipsis):
            return {"type": "array", "items": _type_schema(args[0], defs)}
        return {"type": "array", "prefixItems": [_type_schema(a, defs) for a in args],
                "minItems": len(args), "maxItems": len(args)}
    if origin is dict:
        _, v = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _type_schema(v, defs)}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if isinstance(tp, type) and issubclass(tp, Record):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _record_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    if tp is dict:
        return {"type": "object"}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _record_schema(cls: type[Record], defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.metadata.get("serialize", True):
            props[f.name] = _type_schema(hints[f.name], defs)
    # Fields the JSON output adds beyond the dataclass fields (e.g. a flag's "probability").
    props.update(getattr(cls, "json_extra", {}))
    doc = (cls.__doc__ or "").strip().splitlines()
    out: dict[str, Any] = {"type": "object"}
    if doc:
        out["description"] = doc[0]
    out.update({"properties": props, "required": list(props), "additionalProperties": False})
    return out


def schema_of(cls: type[Record], name: str, *, envelope: bool = True) -> dict[str, Any]:
    """The schema of ``cls.to_json()`` (with ``schema_version`` when ``envelope``)."""
    defs: dict[str, Any] = {}
    body = _record_schema(cls, defs)
    if envelope:
        body["properties"] = {"schema_version": {"const": SCHEMA_VERSION}, **body["properties"]}
        body["required"] = ["schema_version", *body["required"]]
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": _BASE + name,
           "title": cls.__name__, **body}
    if defs:
        out["$defs"] = {k: defs[k] for k in sorted(defs)}
    return out


def _plain(name: str, title: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": _BASE + name,
            "title": title, "type": "object",
            "properties": {"schema_version": {"const": SCHEMA_VERSION}, **props},
            "required": ["schema_version", *props], "additionalProperties": False}


def schemas() -> dict[str, dict[str, Any]]:
    """Every shipped schema by file name."""
    from unspin.checker import CheckResult
    from unspin.differ import DiffResult
    from unspin.index import CheckReport
    from unspin.models import Article
    from unspin.options import Options
    from unspin.pipeline import AlignResult, ErrorResult
    from unspin.tracer import TraceResult

    check = schema_of(CheckResult, "check.schema.json")
    out = {
        "article.schema.json": schema_of(Article, "article.schema.json"),
        "check.schema.json": check,
        "trace.schema.json": schema_of(TraceResult, "trace.schema.json"),
        "diff.schema.json": schema_of(DiffResult, "diff.schema.json"),
        "align.schema.json": schema_of(AlignResult, "align.schema.json"),
        "error.schema.json": schema_of(ErrorResult, "error.schema.json"),
        "options.schema.json": schema_of(Options, "options.schema.json"),
        "index-check.schema.json": schema_of(CheckReport, "index-check.schema.json"),
    }
    try:
        from unspin.scan.engine import ScanSummary
    except ImportError:  # pragma: no cover - the scan is part of the core install
        pass
    else:
        out["scan.schema.json"] = schema_of(ScanSummary, "scan.schema.json")
    count = {"type": "integer", "minimum": 0}
    out["index-add.schema.json"] = _plain("index-add.schema.json", "IndexAdd", {
        "added": count, "skipped": count, "failed": count, "failed_inputs": count, "articles": count})
    out["index-optimize.schema.json"] = _plain("index-optimize.schema.json", "IndexOptimize", {
        "posting_blocks_before": count, "posting_blocks": count})
    opt_str = {"type": ["string", "null"]}
    out["index-stats.schema.json"] = _plain("index-stats.schema.json", "IndexStats", {
        "path": {"type": "string"}, "articles": count, "terms": count, "posting_blocks": count,
        "posting_runs": count,
        "sites": count, "published_min": opt_str, "published_max": opt_str, "bytes": count,
        "format_version": count, "unspin_version": opt_str, "params": {"type": "object"}})
    return out
