from __future__ import annotations

import pytest

from unspin.normalize import find_quantities, normalize


def quantities(text: str):
    return find_quantities(normalize(text), text)


def one(text: str):
    qs = quantities(text)
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.parametrize("raw, fixed", [
    ("12 000 troops", "12,000 troops"),
    ("about 4, 000 dead", "about 4,000 dead"),
    ("3, 000 more", "3,000 more"),
    ("nearly 3 500 000 people", "nearly 3,500,000 people"),
    ("12\u2009000 and 7\u00a0500", "12,000 and 7,500"),
    ("12\u202f000", "12,000"),
    ("1, 000, 000 signatures", "1,000,000 signatures"),
])
def test_damaged_numbers_are_repaired(raw, fixed):
    assert normalize(raw).text == fixed


@pytest.mark.parametrize("raw", [
    "1, 2 and 3",
    "in 2004, 300 people came",
    "rooms 101, 102 and 103",
    "rooms 101, 102, 103",
    "On May 5, 200 people marched",
    "call 0800 123 456",
    "the years 1999 000",
    "10,000 people",
    "the sale of 10 737-800 planes",
])
def test_ordinary_commas_and_lists_are_left_alone(raw):
    assert normalize(raw).text == raw


def test_known_limit_of_the_repair_rule():
    # "25, 100" has exactly the damaged shape and is read as 25,100: documented limit
    assert normalize("He was 25, 100 metres away").text == "He was 25,100 metres away"


def test_offsets_map_back_to_original():
    raw = "Say \u201chi\u201d \u2014 12 000\u2026  done\r\nnext  line"
    norm = normalize(raw)
    assert norm.text == 'Say "hi" - 12,000... done\nnext line'
    assert len(norm.positions) == len(norm.text)
    om = norm.offset_map()
    s = norm.text.index("12,000")
    assert raw[slice(*om.span_to_original(s, s + 6))] == "12 000"
    s = norm.text.index("next")
    assert raw[slice(*om.span_to_original(s, s + 9))] == "next  line"
    assert all(0 <= p < len(raw) for p in norm.positions)
    assert norm.positions == tuple(sorted(norm.positions))


def test_nfc_and_zero_width():
    raw = "cafe\u0301 co\u00adoperate a\u200bb"
    norm = normalize(raw)
    assert norm.text == "caf\u00e9 cooperate ab"
    i = norm.text.index("\u00e9")
    assert raw[norm.positions[i]] == "e"


def test_blank_lines_and_hard_wrap():
    raw = ("The council met on Monday to discuss the plan for a\nnew bridge over the river "
           "at the north end of the\ntown, officials said.\n\n\n\nSecond paragraph.\n")
    norm = normalize(raw)
    assert norm.text == ("The council met on Monday to discuss the plan for a new bridge over "
                         "the river at the north end of the town, officials said.\n\n"
                         "Second paragraph.")
    # one paragraph per line is kept as it is
    assert normalize("First line.\nSecond line.").text == "First line.\nSecond line."


def test_range_with_damaged_end():
    raw = "Pyongyang sent between 10,000 and 12 000 soldiers"
    q = one(raw)
    assert raw[q.start:q.end] == "between 10,000 and 12 000"
    assert (q.low, q.high, q.value) == (10000, 12000, 10000)
    assert q.repaired


def test_hedged_damaged_number():
    raw = "with about 4, 000 reported dead"
    q = one(raw)
    assert raw[q.start:q.end] == "4, 000"
    assert q.value == 4000 and q.hedge == "about" and q.repaired


@pytest.mark.parametrize("text, value, low, high, hedge, unit", [
    ("nearly 30% more", 30, 30, 30, "nearly", "%"),
    ("rose 2 per cent", 2, 2, 2, None, "%"),
    ("more than 120 fans", 120, 120, 120, "more than", None),
    ("at least 7 dead", 7, 7, 7, "at least", None),
    ("up to 30% of it", 30, 30, 30, "up to", "%"),
    ("profit of $1.13bn", 1.13e9, 1.13e9, 1.13e9, None, "$"),
    ("a fee of £600m", 6e8, 6e8, 6e8, None, "£"),
    ("1.5 million people", 1.5e6, 1.5e6, 1.5e6, None, None),
    ("it fell 3 km short", 3, 3, 3, None, "km"),
    ("two men", 2, 2, 2, None, None),
    ("only one soldier", 1, 1, 1, "only", None),
    ("twenty-five cats", 25, 25, 25, None, None),
    ("a dozen eggs", 12, 12, 12, None, None),
    ("dozens of homes", 24, 24, 99, None, None),
    ("from 3 to 5 km", 3, 3, 5, None, "km"),
    ("for 10-12 days", 10, 10, 12, None, "days"),
    ("1.5 to 2 million", 1.5e6, 1.5e6, 2e6, None, None),
    ("in 2019 it", 2019, 2019, 2019, None, "year"),
    ("from 2003 to 2005", 2003, 2003, 2005, None, "year"),
    ("the 100m sprint", 100, 100, 100, None, "m"),
    ("aid of 70m euros", 7e7, 7e7, 7e7, None, "euros"),
])
def test_quantity_forms(text, value, low, high, hedge, unit):
    q = one(text)
    assert q.value == pytest.approx(value)
    assert (q.low, q.high) == (pytest.approx(low), pytest.approx(high))
    assert (q.hedge, q.unit) == (hedge, unit)
    assert not q.repaired


@pytest.mark.parametrize("text", ["COVID-19 cases", "an F-16 jet", "the G7 summit", "no one came",
                                  "someone said", "one of the best", "the one who left",
                                  "one day it rained", "a one-off payment"])
def test_not_quantities(text):
    assert quantities(text) == []


def test_quantity_offsets_index_original_after_cleanup():
    raw = "\u201cWe lost\u2009\u2014\u2009about 3, 000  homes,\u201d she said; 40\u201350 left."
    qs = quantities(raw)
    assert [raw[q.start:q.end] for q in qs] == ["3, 000", "40\u201350"]
    assert qs[1].low == 40 and qs[1].high == 50
