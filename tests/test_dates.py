"""Dates as ISO 8601 and sites from URLs (issue 11)."""

from __future__ import annotations

import pytest

from unspin.dates import date_key, iso_date, site_of
from unspin.ingest import from_text


@pytest.mark.parametrize(("raw", "iso"), [
    ("2025-03-14", "2025-03-14"),
    ("2025-03-14T09:30:00Z", "2025-03-14T09:30:00+00:00"),
    ("March 10, 2025", "2025-03-10"),
    ("10 March 2025", "2025-03-10"),
    ("Mon, 10 Mar 2025 08:00:00 GMT", None),  # parsed; only the day is compared below
    ("not a date", None),
    ("", None),
])
def test_iso_date(raw: str, iso: str | None) -> None:
    got = iso_date(raw)
    if raw.startswith("Mon,"):
        assert got is not None and got.startswith("2025-03-10")
    else:
        assert got == iso


def test_dates_compare_as_days() -> None:
    assert date_key("March 10, 2025") is not None and date_key("March 10, 2025") < "2025-03-14"  # type: ignore[operator]


def test_site_from_the_registered_domain() -> None:
    assert site_of("https://www.bbc.co.uk/news/world-123") == "bbc.co.uk"
    assert site_of("https://sub.blog.example.com.au/p") == "example.com.au"
    assert site_of("http://127.0.0.1:8000/x") is None and site_of(None) is None


def test_ingestion_normalises_date_and_derives_site() -> None:
    a = from_text("Some text. More text here.", url="https://www.bbc.co.uk/news/x",
                  published="March 10, 2025")
    assert a.published == "2025-03-10" and a.site == "bbc.co.uk"
    b = from_text("Some text.", url="https://www.bbc.co.uk/x", site="BBC News")
    assert b.site == "BBC News"  # a given site name is kept
