"""The contrast set (benchmarks/data/contrast/) is well formed and matches its hand-written source."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import bench_module

ec = bench_module("eval_contrast")


def test_jsonl_is_built_from_the_source() -> None:
    built = ec.build()
    assert ec.dumps(built) == ec.PAIRS.read_text(encoding="utf-8"), "run benchmarks/eval_contrast.py --build"


def test_every_record_is_valid() -> None:
    recs = ec.load()
    for r in recs:
        assert ec.validate_record(r) == [], r["id"]


def test_size_balance_and_coverage() -> None:
    recs = ec.load()
    labels = Counter(r["label"] for r in recs)
    assert len(recs) >= 150
    assert labels["equivalent"] == labels["flip"]
    kinds = {r["kind"] for r in recs}
    assert set(ec.EQUIVALENT_KINDS) <= kinds
    assert set(ec.FLIP_KINDS) <= kinds
    assert {r["subtype"] for r in recs if r["label"] == "flip"} == set(ec.FLIP_KINDS.values())
    # varied: no passage repeated, on either side
    assert len({r["source"] for r in recs}) == len(recs)
    assert len({r["copy"] for r in recs}) == len(recs)


def test_flip_offsets_hold_the_flipped_words() -> None:
    for r in ec.load():
        if r["label"] != "flip":
            continue
        f = r["flip"]
        assert r["copy"][f["copy_start"]:f["copy_end"]] == f["copy_text"]
        assert r["source"][f["source_start"]:f["source_end"]] == f["source_text"]
        # outside the flip and the variants, both sides are the same text
        spans = sorted([[f["copy_start"], f["copy_end"], f["source_start"], f["source_end"]], *r["variants"]])
        c = s = 0
        for c0, c1, s0, s1 in spans:
            assert r["copy"][c:c0] == r["source"][s:s0]
            c, s = c1, s1
        assert r["copy"][c:] == r["source"][s:]


def test_parse_passage_and_errors(tmp_path: Path) -> None:
    src, cpy, flip, variants, n = ec.parse_passage("The [[US|United States]] {{rose|fell}} 4%.")
    assert (src, cpy, n) == ("The US rose 4%.", "The United States fell 4%.", 1)
    assert flip == {"copy_start": 18, "copy_end": 22, "copy_text": "fell", "source_start": 7,
                    "source_end": 11, "source_text": "rose"}
    assert variants == [[4, 17, 4, 6]]
    bad = tmp_path / "bad.src"
    bad.write_text("== x1 flip antonym meaning\nPrices {{rose|fell}} and {{won|lost}}.\n", encoding="utf-8")
    with pytest.raises(ec.ContrastError, match="x1: .*exactly one"):
        ec.build(bad)
    bad.write_text("== x2 equivalent alias\nNo variant here.\n", encoding="utf-8")
    with pytest.raises(ec.ContrastError, match="x2"):
        ec.build(bad)


def test_judge_counts_overlap_and_subtype() -> None:
    from types import SimpleNamespace as C

    rec = {"label": "flip", "subtype": "meaning",
           "flip": {"copy_start": 10, "copy_end": 14, "source_start": 10, "source_end": 14}}
    hit = C(kind="fact", subtype="meaning", copy_start=12, copy_end=16, source_start=12, source_end=16)
    other = C(kind="fact", subtype="entity", copy_start=30, copy_end=34, source_start=30, source_end=34)
    j = ec.judge(rec, [hit, other])
    assert j["covered"] and j["subtype_right"] and j["other_facts"] == 1
    assert not ec.judge(rec, [other])["covered"]
    assert ec.judge({"label": "equivalent"}, [C(kind="synonym")])["ok"]
    assert not ec.judge({"label": "equivalent"}, [other])["ok"]
