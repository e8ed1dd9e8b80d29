"""Article metadata in one form: dates as ISO 8601 strings (so they compare correctly), and
the site of a URL as its registered domain.

Dates arrive in every form ("March 10, 2025", "10/03/2025", "2025-03-14T09:00:00Z");
``iso_date`` turns each into ``YYYY-MM-DD`` (or ``YYYY-MM-DDTHH:MM:SS[+HH:MM]`` when a time
is given) with ``datetime.fromisoformat`` for ISO input and ``dateparser`` (a dependency of
htmldate, no network) for the rest. ``date_key`` gives the day, for before/after questions.
"""

from __future__ import annotations

import datetime as _dt
import functools
import logging
import re

log = logging.getLogger(__name__)

__all__ = ["date_key", "iso_date", "site_of"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")


@functools.lru_cache(maxsize=4096)
def iso_date(value: str | None) -> str | None:
    """``value`` as an ISO 8601 date or date-time string; None when it is not a date."""
    if value is None:
        return None
    s = value.strip()
    if not s:
        return None
    if _ISO_DAY.match(s):
        try:
            return _dt.date.fromisoformat(s).isoformat()
        except ValueError:
            return None
    try:
        d = _dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
        return d.isoformat()
    except ValueError:
        pass
    try:
        import dateparser
    except ImportError:  # pragma: no cover - installed with htmldate
        return None
    parsed = dateparser.parse(s, languages=["en"], settings={
        "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["absolute-time", "custom-formats", "timestamp"], "STRICT_PARSING": False})
    if parsed is None or not 1000 <= parsed.year <= 9999:
        log.debug("not a date: %r", value)
        return None
    has_time = bool(re.search(r"\d:\d\d", s))
    out: str = parsed.isoformat() if has_time else parsed.date().isoformat()
    return out


def date_key(value: str | None) -> str | None:
    """The day (``YYYY-MM-DD``) of a date in any form, or None."""
    iso = iso_date(value)
    return iso[:10] if iso else None


@functools.lru_cache(maxsize=4096)
def site_of(url: str | None) -> str | None:
    """The registered domain of ``url`` (``https://www.bbc.co.uk/news`` -> ``bbc.co.uk``),
    from courlan's bundled public-suffix data (no network); None for an IP address, a bare
    host name or no URL."""
    if not url:
        return None
    try:
        from courlan import extract_domain
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    try:
        return extract_domain(url, fast=True) or None
    except (ValueError, TypeError):
        return None
