"""Tests of unspin.options (issue 11): one validated, serialisable settings record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin.options import Options, OptionsError, TraceOptions


def _custom() -> Options:
    return Options().replace(trace={"min_coverage": 0.3, "exclude_ids": ["a", "b"],
                                    "published_before": "2025-03-14"},
                             check={"threshold": 0.4}, ingest={"kind": "html", "timeout": 5},
                             align={"max_gap": 2}, diff={"max_sources": 3})


def test_defaults_are_the_calibrated_values() -> None:
    o = Options()
    assert o.trace == TraceOptions() and o.trace.min_coverage == 0.2 and o.trace.exclude_self
    assert o.check.threshold is None  # the model's own calibrated threshold
    assert o.align.min_containment == 0.45 and o.index.min_word_len == 2


def test_round_trip_json() -> None:
    o = _custom()
    text = o.to_json()
    assert json.loads(text)["schema_version"] == o.schema_version
    back = Options.from_json(text)
    assert back == o and back.trace.exclude_ids == ("a", "b")
    assert Options.from_json(Options().to_json()) == Options()


def test_round_trip_toml(tmp_path: Path) -> None:
    o = _custom()
    path = tmp_path / "unspin.toml"
    path.write_text(o.to_toml(), encoding="utf-8")
    assert Options.from_toml(path) == o
    assert Options.from_toml(Options().to_toml()) == Options()  # None values left out, restored
    assert isinstance(Options.from_toml(path).ingest.timeout, float)


def test_partial_file_keeps_defaults(tmp_path: Path) -> None:
    path = tmp_path / "u.toml"
    path.write_text("[trace]\nmin_coverage = 0.25\n", encoding="utf-8")
    o = Options.from_toml(path)
    assert o.trace.min_coverage == 0.25 and o.trace.candidates == 12 and o.check == Options().check


@pytest.mark.parametrize(("text", "needle"), [
    ("[trace]\nmin_coverag = 0.3\n", "trace.min_coverag"),
    ("[tracing]\nx = 1\n", "[tracing]"),
    ("[trace]\nmin_coverage = 'high'\n", "trace.min_coverage must be a number"),
    ("[trace]\nmin_coverage = 3.0\n", "out of range"),
    ("[trace]\ncandidates = 2.5\n", "trace.candidates must be an integer"),
    ("[ingest]\non_error = 'ignore'\n", "ingest.on_error"),
    ("[trace]\npublished_before = 'someday soon'\n", "not a date"),
    ("[trace\n", "not a valid TOML"),
])
def test_bad_options_name_the_key(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OptionsError) as exc:
        Options.from_toml(path)
    assert needle in str(exc.value) and str(path) in str(exc.value)
    assert exc.value.code == "U400"


def test_replace_refuses_unknown_and_records_are_frozen() -> None:
    with pytest.raises(OptionsError, match="trace.nope"):
        Options().replace(trace={"nope": 1})
    with pytest.raises(OptionsError, match="bogus"):
        Options.from_dict({"bogus": {}})
    o = Options()
    with pytest.raises(AttributeError):
        o.trace.min_coverage = 0.9  # type: ignore[misc]


def test_missing_file() -> None:
    with pytest.raises(OptionsError, match="no such options file"):
        Options.from_toml("/nonexistent/unspin.toml")
