"""The real-world labels (benchmarks/data/realworld-labels.json): well formed, short quotes only,
and, when ../shared is there, true to the texts they were made on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import bench_module

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "data" / "realworld-labels.json"


def test_labels_are_short_quotes_with_offsets_and_reasons() -> None:
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    assert data["pairs"]
    for rec in data["pairs"]:
        assert len(rec["copy_sha256"]) == 64 and len(rec["source_sha256"]) == 64
        assert "copy" not in rec and "source" not in rec and "text" not in rec  # never the texts
        for lab in rec["labels"]:
            assert lab["subtype"] in data["subtypes"]
            assert 1 <= len(lab["copy_quote"].split()) <= 8 and 1 <= len(lab["source_quote"].split()) <= 8
            assert lab["copy_end"] - lab["copy_start"] == len(lab["copy_quote"])
            assert lab["source_end"] - lab["source_start"] == len(lab["source_quote"])
            assert lab["rationale"].strip() and "\n" not in lab["rationale"]


def test_labels_match_the_shared_texts() -> None:
    ev = bench_module("eval_realworld")
    pairs_path = ev.REALWORLD / "pairs.jsonl"
    if not pairs_path.exists():
        pytest.skip("needs ../shared/data/realworld-dev (real pages are not in the repository)")
    assert ev.check_labels(ev.load_labels(), ev.load_jsonl(pairs_path)) == []


def test_drift_is_detected() -> None:
    ev = bench_module("eval_realworld")
    labels = {"subtypes": ["meaning"], "pairs": [{"id": "p", "copy_sha256": ev.sha256("a b"),
                                                  "source_sha256": ev.sha256("a c"), "labels": []}]}
    pairs = [{"id": "p", "copy": {"text": "a b!"}, "source": {"text": "a c"}}]
    assert "sha256 differs" in ev.check_labels(labels, pairs)[0]
