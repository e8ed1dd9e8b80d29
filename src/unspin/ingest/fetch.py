"""Fetch one URL the user asked for: timeout, size cap, content-type check, clear errors."""

from __future__ import annotations

import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from unspin import __version__
from unspin.errors import FetchError

log = logging.getLogger(__name__)

__all__ = ["ACCEPTED_TYPES", "Fetched", "fetch", "is_url"]

#: content types unspin can read, and the kind each is read as
ACCEPTED_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json": "json",
    "text/csv": "csv",
    "application/warc": "warc",
}
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched response body with what its headers said."""

    url: str
    data: bytes
    content_type: str
    charset: str | None
    kind: str


def is_url(source: str) -> bool:
    """True for ``http://`` and ``https://`` addresses."""
    low = source[:8].lower()
    return low.startswith("http://") or low.startswith("https://")


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT,
          max_bytes: int = DEFAULT_MAX_BYTES) -> Fetched:
    """GET ``url`` and return its body.

    Args:
        url: an http(s) address.
        timeout: seconds to wait for the connection and for each read.
        max_bytes: refuse bodies larger than this.

    Returns:
        A :class:`Fetched`.

    Raises:
        FetchError: network failure, HTTP error status, time-out, unsupported content
            type, or a body over ``max_bytes``.
    """
    if not is_url(url):
        raise FetchError("only http:// and https:// addresses can be fetched", input=url)
    req = urllib.request.Request(url, headers={
        "User-Agent": f"unspin/{__version__} (+https://github.com/unspin)",
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,application/rss+xml;q=0.8,"
                  "application/atom+xml;q=0.8,*/*;q=0.1",
    })
    log.info("fetching %s", url)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (scheme checked)
            headers: Message = resp.headers
            ctype = (headers.get_content_type() or "").lower()
            charset = headers.get_content_charset()
            final_url = resp.geturl() or url
            length = headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"response is {int(length):,} bytes, over the limit of "
                                 f"{max_bytes:,}", input=url)
            kind = ACCEPTED_TYPES.get(ctype)
            if kind is None:
                raise FetchError(f"unsupported content type {ctype or 'unknown'!r}", input=url,
                                 hint="unspin reads HTML pages, plain text and feeds")
            data = resp.read(max_bytes + 1)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP error {exc.code} {exc.reason}", input=url) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"timed out after {timeout:g} s", input=url) from None
        raise FetchError(f"cannot reach the server: {reason}", input=url) from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s", input=url) from None
    except (OSError, ValueError) as exc:
        raise FetchError(f"fetch failed: {exc}", input=url) from None
    if len(data) > max_bytes:
        raise FetchError(f"response is over the limit of {max_bytes:,} bytes", input=url)
    if not data.strip():
        raise FetchError("the server sent an empty response", input=url)
    return Fetched(final_url, data, ctype, charset, kind)
