"""Work grows linearly with the input: counted in function calls, not timed.

A profile hook counts every Python and C function call (and generator resume) while an
article of ``n`` and of ``4 n`` units is processed; linear work gives a ratio near 4, the
quadratic quantity parsing this replaced gave ~16 (issue 15: 40,000 numbers took 53 s).
The wall-clock version is ``benchmarks/bench_linear.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from unspin.ingest import from_text
from unspin.normalize import find_quantities, normalize


def calls(fn: Callable[[], Any]) -> int:
    """Number of function calls (Python and C, generator resumes included) made by ``fn()``."""
    count = 0

    def hook(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(hook)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def numbers(n: int) -> str:
    return " ".join(str(i) for i in range(n))


def prose(n: int) -> str:
    unit = ("Officials said about 1,200 people, roughly 4 000 of them children, left between "
            "2019 and 2021; some 35% returned. ")
    return (unit * n).strip()


def hedged(n: int) -> str:
    return " ".join(f"nearly {i}" for i in range(n))


@pytest.mark.parametrize("make", [numbers, prose, hedged])
def test_quantity_parsing_is_linear(make: Callable[[int], str]) -> None:
    small, big = make(500), make(2000)
    ns, nb = normalize(small), normalize(big)
    ratio = calls(lambda: find_quantities(nb, big)) / calls(lambda: find_quantities(ns, small))
    assert ratio < 4.6, ratio  # quadratic: ~16


@pytest.mark.parametrize("make", [numbers, prose])
def test_article_building_is_linear(make: Callable[[int], str]) -> None:
    small, big = make(500), make(2000)
    ratio = calls(lambda: from_text(big)) / calls(lambda: from_text(small))
    assert ratio < 4.6, ratio


def test_forty_thousand_numbers_are_all_read() -> None:
    text = numbers(40000)
    qs = find_quantities(normalize(text), text)
    assert len(qs) == 40000 and qs[-1].value == 39999.0


def test_check_is_linear_on_damaged_numbers() -> None:
    """Each damaged number was checked against every repaired one: quadratic check."""
    import unspin

    unit = "Officials in district {i} said roughly 4 000 of them left; some 3 500 stayed.\n"
    small = "".join(unit.format(i=i) for i in range(100))
    big = "".join(unit.format(i=i) for i in range(400))
    unspin.check(small)  # load the resources outside the count
    ratio = calls(lambda: unspin.check(big)) / calls(lambda: unspin.check(small))
    assert ratio < 4.6, ratio
