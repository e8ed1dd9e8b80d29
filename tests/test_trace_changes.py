"""``unspin trace`` reports what the rewrite changed (issue 6 inside trace) and writes reports."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from unspin.cli import main
from unspin.index import Index
from unspin.ingest import from_text, read
from unspin.tracer import explain, trace

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    corpus = SAMPLES / "articles.jsonl"
    if not corpus.exists():
        pytest.skip("samples/articles.jsonl is missing")
    path = tmp_path / "n.unspin"
    assert main(["index", "add", "--db", str(path), str(corpus), "--no-progress"]) == 0
    return path


def test_trace_with_changes_finds_the_hand_made_fact_changes(db: Path) -> None:
    suspect = next(read(str(SAMPLES / "suspect.txt")))
    with Index.open(db, readonly=True) as ix:
        plain = trace(suspect, ix)
        assert plain.changes == () and sum(plain.summary.counts.values()) == 0
        result = trace(suspect, ix, changes=True)
        assert explain(suspect, plain, ix).changes == result.changes
    assert result.sources[0].id == "wire-001"
    facts = {(c.copy_text, c.source_text) for c in result.changes if c.kind == "fact"}
    # samples/suspect-truth.md: the nationality flip and the changed death toll
    assert any("North" in c and "South" in s for c, s in facts)
    assert any("73" in c and "37" in s for c, s in facts)
    for c in result.changes:  # copy offsets index what the reader saw
        assert suspect.original[c.copy_start:c.copy_end] == c.copy_text
    d = json.loads(result.to_json())
    assert d["summary"]["facts"]["entity"] >= 1 and d["changes"]


def test_trace_no_source_has_no_changes(db: Path) -> None:
    other = from_text("The village fete raised money for a new roof on the church hall this summer. "
                      "Volunteers baked cakes and ran a tombola.")
    with Index.open(db, readonly=True) as ix:
        result = trace(other, ix, changes=True)
    assert result.sources == () and result.changes == ()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_trace_cli_html_report_and_json_twin(db: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["trace", "--db", str(db), str(SAMPLES / "suspect.txt"), "--html", str(out)]) == 0
    text = capsys.readouterr().out
    assert "fact change" in text and "report written to" in text
    page = out.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags and "North Ardenian" in page
    twin = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert twin["sources"][0]["id"] == "wire-001"
    assert any(c["kind"] == "fact" for c in twin["changes"])
    # --json carries the same changes
    assert main(["trace", "--db", str(db), str(SAMPLES / "suspect.txt"), "--json"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["changes"] == twin["changes"] and line["summary"] == twin["summary"]


def test_trace_cli_no_changes_flag(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "--db", str(db), str(SAMPLES / "suspect.txt"), "--json", "--no-changes"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["changes"] == [] and sum(line["summary"]["counts"].values()) == 0  # never null
