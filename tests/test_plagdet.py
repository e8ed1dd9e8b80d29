"""PAN plagdet (Potthast et al., COLING 2010) on tiny cases computed by hand.

Notation: a case or detection covers [a, b) in the copy and [c, d) in the source; its size
is (b - a) + (d - c) characters. r detects s iff they overlap on both sides.
"""

import math
from typing import NamedTuple

import pytest

from unspin.aligner import (
    detects,
    granularity,
    macro_precision,
    macro_recall,
    plagdet,
    plagdet_score,
)


class A(NamedTuple):
    copy_start: int
    copy_end: int
    source_start: int
    source_end: int
    copy_id: str = "c"
    source_id: str = "s"


def test_perfect_detection():
    s = [A(0, 100, 0, 100)]
    r = plagdet(s, s)
    assert (r.precision, r.recall, r.granularity, r.plagdet) == (1.0, 1.0, 1.0, 1.0)


def test_detects_needs_overlap_on_both_sides():
    s = A(0, 100, 0, 100)
    assert detects(A(50, 60, 50, 60), s)
    assert not detects(A(50, 60, 200, 300), s)  # copy overlaps, source does not
    assert not detects(A(100, 200, 0, 100), s)  # half-open spans: touching is not overlapping
    assert not detects(A(0, 100, 0, 100, copy_id="other"), s)


def test_half_detected_case():
    # case 200 chars (100 + 100); detection covers copy [0,50) and source [0,50): 100 chars
    s = [A(0, 100, 0, 100)]
    r = [A(0, 50, 0, 50)]
    assert macro_recall(s, r) == pytest.approx(100 / 200)
    assert macro_precision(s, r) == pytest.approx(1.0)
    assert granularity(s, r) == 1.0
    f1 = 2 * 0.5 * 1.0 / 1.5
    assert plagdet(s, r).plagdet == pytest.approx(f1)


def test_overlong_detection_lowers_precision():
    # detection copy [0,200) source [0,200): 400 chars, 200 of them inside the case
    s = [A(0, 100, 0, 100)]
    r = [A(0, 200, 0, 200)]
    assert macro_precision(s, r) == pytest.approx(0.5)
    assert macro_recall(s, r) == pytest.approx(1.0)


def test_split_detection_granularity():
    # one case detected by two pieces that together cover it: recall 1, precision 1, gran 2
    s = [A(0, 100, 0, 100)]
    r = [A(0, 50, 0, 50), A(50, 100, 50, 100)]
    res = plagdet(s, r)
    assert res.recall == pytest.approx(1.0)
    assert res.precision == pytest.approx(1.0)
    assert res.granularity == 2.0
    assert res.plagdet == pytest.approx(1 / math.log2(3))  # 0.6309...


def test_macro_average_over_cases_and_detections():
    # two cases; one found exactly, the other missed; plus one false detection
    s = [A(0, 100, 0, 100), A(200, 300, 200, 300)]
    r = [A(0, 100, 0, 100), A(500, 600, 500, 600)]
    assert macro_recall(s, r) == pytest.approx((1 + 0) / 2)
    assert macro_precision(s, r) == pytest.approx((1 + 0) / 2)
    assert granularity(s, r) == 1.0  # only detected cases count
    assert plagdet(s, r).plagdet == pytest.approx(0.5)


def test_union_not_sum_of_overlapping_detections():
    # two detections overlapping each other inside one case: chars counted once
    # case copy [0,100) source [0,100); r1 copy [0,60) src [0,60); r2 copy [40,80) src [40,80)
    s = [A(0, 100, 0, 100)]
    r = [A(0, 60, 0, 60), A(40, 80, 40, 80)]
    assert macro_recall(s, r) == pytest.approx(160 / 200)
    assert macro_precision(s, r) == pytest.approx(1.0)
    assert granularity(s, r) == 2.0


def test_asymmetric_sides():
    # case copy [0,100) source [0,300) = 400 chars; detection copy [0,100) source [0,100)
    s = [A(0, 100, 0, 300)]
    r = [A(0, 100, 0, 100)]
    assert macro_recall(s, r) == pytest.approx(200 / 400)
    assert macro_precision(s, r) == pytest.approx(1.0)


def test_empty_sets():
    assert macro_recall([], []) == 1.0
    assert macro_recall([A(0, 1, 0, 1)], []) == 0.0
    assert macro_precision([], [A(0, 1, 0, 1)]) == 0.0
    assert granularity([], []) == 1.0
    assert plagdet([A(0, 1, 0, 1)], []).plagdet == 0.0


def test_plagdet_score_formula():
    assert plagdet_score(1, 1, 1) == 1.0
    assert plagdet_score(0.5, 1, 1) == pytest.approx(2 / 3)
    assert plagdet_score(1, 1, 2) == pytest.approx(0.63092975)
    assert plagdet_score(0.75, 0.25, 2) == pytest.approx(0.375 / math.log2(3))
    assert plagdet_score(0, 0, 1) == 0.0
