"""Read articles from anything: plain text, HTML, URLs, stdin, JSONL/CSV corpora, feeds, WARC.

``read(source)`` is the one entry point; ``from_text`` and ``from_html`` build an article
from content already in memory. Every article comes out cleaned the same way: page clutter
separated (:mod:`unspin.clutter`), text repaired and normalised with an offset map back to
what the reader saw, numbers read as quantities (:mod:`unspin.normalize`).
"""

from __future__ import annotations

from unspin.ingest.build import from_html, from_text
from unspin.ingest.decode import decode_bytes
from unspin.ingest.fetch import fetch, is_url
from unspin.ingest.sources import KINDS, OnError, detect_kind, read

__all__ = ["KINDS", "OnError", "decode_bytes", "detect_kind", "fetch", "from_html", "from_text",
           "is_url", "read"]
