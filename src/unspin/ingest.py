"""Read articles. (Minimal first version: plain text only; the ingest work extends it.)"""

from __future__ import annotations

import hashlib

from unspin.models import Article, OffsetMap, Span
from unspin.text import split_sentences


def from_text(text: str, *, id: str | None = None, input: str = "", title: str | None = None,
              url: str | None = None, site: str | None = None,
              published: str | None = None) -> Article:
    """Build an ``Article`` from plain text already in memory."""
    aid = id or hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    paragraphs = []
    pos = 0
    for block in text.split("\n"):
        s = pos
        pos += len(block) + 1
        if block.strip():
            paragraphs.append(Span(s, s + len(block), block))
    sentences = tuple(Span(s, e, text[s:e]) for s, e in split_sentences(text))
    return Article(id=aid, text=text, original=text, input=input, url=url, site=site,
                   title=title, published=published, offset_map=OffsetMap.identity(len(text)),
                   paragraphs=tuple(paragraphs), sentences=sentences)
