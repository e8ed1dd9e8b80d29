"""Fetch one URL the user asked for: timeout, size cap, content-type check, clear errors."""

from __future__ import annotations

import logging

from unspin.errors import FetchError
from unspin.netpolicy import ACCEPTED_TYPES, Fetched, SafeFetcher, allow_private_default

log = logging.getLogger(__name__)

__all__ = ["ACCEPTED_TYPES", "Fetched", "fetch", "is_url"]

DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def is_url(source: str) -> bool:
    """True for ``http://`` and ``https://`` addresses."""
    low = source[:8].lower()
    return low.startswith("http://") or low.startswith("https://")


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
          allow_private: bool | None = None) -> Fetched:
    """GET ``url`` under the address policy of :mod:`unspin.netpolicy` and return its body.

    Args:
        url: an http(s) address.
        timeout: overall deadline in seconds for the whole fetch, redirects included
            (also the longest wait for any one read).
        max_bytes: refuse bodies larger than this.
        allow_private: allow loopback, private and other non-public addresses (the CLI's
            ``--allow-private``); default :func:`unspin.netpolicy.allow_private_default`.

    Returns:
        A :class:`Fetched`.

    Raises:
        FetchError: refused address or scheme (also on a redirect), network failure, HTTP
            error status, time-out, truncated body, unsupported content type, or a body
            over ``max_bytes``.
    """
    if not is_url(url):
        raise FetchError("only http:// and https:// addresses can be fetched", input=url)
    allow = allow_private_default() if allow_private is None else allow_private
    log.info("fetching %s", url)
    fetcher = SafeFetcher(timeout=timeout, total_timeout=timeout, max_bytes=max_bytes,
                          allow_private=allow)
    return fetcher.fetch(url)
