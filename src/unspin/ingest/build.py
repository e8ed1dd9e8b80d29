"""Build an :class:`~unspin.models.Article` from text or HTML already in memory."""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from unspin.clutter import find_clutter, keep_ranges
from unspin.dates import iso_date, site_of
from unspin.errors import InputError
from unspin.ingest.html import extract_page
from unspin.limits import LimitError
from unspin.limits import default as default_limits
from unspin.models import Article, Span
from unspin.normalize import find_quantities, normalize
from unspin.text import split_sentences

__all__ = ["from_html", "from_text"]


def _paragraphs(text: str) -> tuple[Span, ...]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        if text[s:e].strip():
            out.append(Span(s, e, text[s:e]))
    return tuple(out)


def _check_text(value: str | None, field: str, input: str) -> None:
    """Refuse text that is not Unicode proper: a lone surrogate (``"\\ud800"`` in JSON)
    cannot be written as UTF-8, so it would fail later, far from its record."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"the {field} holds a lone surrogate (U+{ord(value[exc.start]):04X} at "
                         f"character {exc.start}), which is not text", input=input or None,
                         hint="a JSON '\\ud8xx' escape without its pair: fix the producer") \
            from None


def _article(original: str, *, id: str | None, input: str, title: str | None, url: str | None,
             site: str | None, published: str | None, mode: Literal["text", "html"],
             strip_clutter: bool, quantities: bool = True) -> Article:
    cap = default_limits().max_article_chars
    if len(original) > cap:
        raise LimitError(f"the article body is {len(original):,} characters, over the cap of "
                         f"{cap:,}", limit="max_article_chars", input=input or None)
    for field, value in (("text", original), ("id", id), ("title", title), ("url", url),
                         ("site", site), ("published", published)):
        _check_text(value, field, input)
    clutter = find_clutter(original, mode=mode) if strip_clutter else []
    keep = keep_ranges(len(original), clutter)
    norm = normalize(original, keep)
    text = norm.text
    aid = id or hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    sentences = tuple(Span(s, e, text[s:e]) for s, e in split_sentences(text))
    return Article(
        id=str(aid), text=text, original=original, input=input, url=url,
        site=site or site_of(url), title=title, published=iso_date(published),
        offset_map=norm.offset_map(),
        paragraphs=_paragraphs(text), sentences=sentences, clutter=tuple(clutter),
        quantities=tuple(find_quantities(norm, original)) if quantities else (),
    )


def from_text(text: str, *, id: str | None = None, input: str = "", title: str | None = None,
              url: str | None = None, site: str | None = None,
              published: str | None = None, strip_clutter: bool = True,
              quantities: bool = True) -> Article:
    """Build an ``Article`` from plain text already in memory.

    ``text`` becomes ``Article.original``; page clutter is separated out (see
    :mod:`unspin.clutter`), the rest is repaired and normalised into ``Article.text``
    (see :mod:`unspin.normalize`) and numbers are read into ``Article.quantities``.

    Args:
        text: the article as the reader saw it.
        id: identifier; default: the first 16 hex digits of the SHA-1 of the body text.
        input: where it came from (path, URL, ``corpus.jsonl:12``).
        title: headline, if known.
        url: address of the page, if known.
        site: site name, if known.
        published: publication date (ISO 8601), if known.
        strip_clutter: separate page clutter from the body (default); False keeps all text.
        quantities: read numbers into ``Article.quantities`` (default); False leaves it
            empty and saves the time (indexing does not need them).

    Returns:
        The article.
    """
    return _article(text, id=id, input=input, title=title, url=url, site=site,
                    published=published, mode="text", strip_clutter=strip_clutter,
                    quantities=quantities)


def from_html(html: str | bytes, *, url: str | None = None, input: str = "",
              id: str | None = None, strip_clutter: bool = True,
              quantities: bool = True) -> Article:
    """Build an ``Article`` from an HTML page: body, title, date, site and URL.

    ``Article.original`` is the body text trafilatura extracted from the page.

    Args:
        html: the page source (bytes are decoded using ``<meta charset>``, else UTF-8).
        url: where the page came from.
        input: where it came from, for ``Article.input`` and messages.
        id: identifier; default: SHA-1 of the body text.
        strip_clutter: separate furniture that survived extraction (heading-led link
            lists, boilerplate and repeated lines; not bare lists, which in extracted
            articles are usually real).
        quantities: read numbers into ``Article.quantities`` (default); False leaves it empty.

    Returns:
        The article.

    Raises:
        ExtractionError: the page holds no article text.
    """
    page = extract_page(html, url=url, input=input)
    if not page.text.strip():
        raise InputError("no article text found in the HTML page", input=input or url)
    return _article(page.text, id=id, input=input, title=page.title, url=page.url,
                    site=page.site, published=page.published, mode="html",
                    strip_clutter=strip_clutter, quantities=quantities)
