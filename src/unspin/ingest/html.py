"""HTML pages to article body and metadata (trafilatura, htmldate)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from unspin.errors import ExtractionError
from unspin.ingest.decode import _not_latin, detect_encoding

log = logging.getLogger(__name__)

__all__ = ["PageText", "decode_html", "extract_page", "fragment_to_text"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def decode_html(data: bytes, charset: str | None = None, input: str = "") -> str:
    """Decode HTML bytes: the given charset, else a ``<meta charset>``, else UTF-8/cp1252."""
    candidates: list[str] = []
    if charset:
        candidates.append(charset)
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "replace"))
    if data.startswith(b"\xef\xbb\xbf"):
        candidates.insert(0, "utf-8-sig")
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates.insert(0, "utf-16")
    for enc in [*candidates, "utf-8"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    text = data.decode("cp1252", errors="replace")
    if "\ufffd" in text or _not_latin(text):  # another script in a legacy encoding
        detected = detect_encoding(data, input=input)
        if detected is not None:
            return detected
    return text


@dataclass(frozen=True, slots=True)
class PageText:
    """Body text and metadata of one page."""

    text: str
    title: str | None = None
    published: str | None = None
    site: str | None = None
    url: str | None = None


def extract_page(html: str | bytes, *, url: str | None = None, input: str = "") -> PageText:
    """Extract the article body and metadata of an HTML page.

    The body comes from ``trafilatura`` with the settings the extraction benchmark uses
    (comments excluded, tables included); if that finds nothing, once more favouring
    recall. The date comes from trafilatura's metadata, else from ``htmldate``.

    Args:
        html: the page (text, or bytes to be decoded).
        url: where the page came from (helps metadata and relative links).
        input: name of the input, for error messages.

    Returns:
        A :class:`PageText`.

    Raises:
        ExtractionError: the page holds no article text.
    """

    if isinstance(html, bytes):
        html = decode_html(html)
    if not html.strip():
        raise ExtractionError("the page is empty", input=input or url)
    doc = _extract(html, url, input)
    if doc is not None and _only_link_text(doc.text, html):
        doc = None
    depth = 0
    if doc is None and html.count("<div") + html.count("<span") > _MAX_DEPTH:
        # libxml2 stops building the tree past 256 levels, so an article inside 100,000
        # nested divs came out as "no text": layout tags carry no text, drop them and retry
        depth = _nesting_depth(html)
        if depth > _MAX_DEPTH:
            log.info("%s: markup nested %d levels deep; reading it without div/span tags",
                     input or url, depth)
            doc = _extract(_LAYOUT_TAG.sub(" ", html), url, input)
    if doc is None:
        if depth > _MAX_DEPTH:
            raise ExtractionError(f"no article text found: the markup is nested {depth:,} levels "
                                  "deep", input=input or url)
        raise ExtractionError("no article text found in the HTML page", input=input or url,
                              hint="is this an article page? index pages and empty shells "
                                   "have no body")
    text: str = doc.text or ""
    title = doc.title or None
    published = doc.date or None
    if not published:
        try:
            from htmldate import find_date

            published = find_date(html, url=url, extensive_search=False) or None
        except Exception as exc:  # htmldate is best effort
            log.debug("htmldate failed on %s: %s", input or url, exc)
    site = doc.sitename or doc.hostname or None
    page_url = doc.url or url
    if not site and page_url:
        site = urlparse(page_url).hostname
    return PageText(text=text, title=title, published=published, site=site, url=page_url)


_MAX_DEPTH = 255
_LAYOUT_TAG = re.compile(r"</?(?:div|span)\b[^>]*>", re.IGNORECASE)
_DEPTH_TAG = re.compile(r"<(/?)(?:div|span)\b", re.IGNORECASE)


def _nesting_depth(html: str) -> int:
    """Deepest nesting of div/span tags (a cheap upper bound of the tree's depth)."""
    depth = best = 0
    for m in _DEPTH_TAG.finditer(html):
        depth = max(depth - 1, 0) if m.group(1) else depth + 1
        best = max(best, depth)
    return best


def _extract(html: str, url: str | None, input: str) -> Any:
    """trafilatura's document, favouring precision and then recall; None without text."""
    import trafilatura

    for recall in (False, True):
        try:
            doc = trafilatura.bare_extraction(html, url=url, include_comments=False,
                                              with_metadata=True, favor_recall=recall)
        except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
            log.debug("trafilatura failed on %s: %s", input or url, exc)
            doc = None
        if doc is not None and (getattr(doc, "text", None) or "").strip():
            return doc
    return None


def _only_link_text(text: str, html: str) -> bool:
    """True when a short extracted "body" is nothing but the page's link labels (a menu)."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if not lines or sum(len(line.split()) for line in lines) >= 20:
        return False
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:  # lxml raises ParserError and ValueError on odd input
        return False
    labels = {" ".join(a.text_content().split()) for a in root.iter("a")}
    return all(line in labels for line in lines)


_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "tr", "section", "article", "pre", "ul", "ol", "table", "figure", "header"}


def fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), one block a line."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises ParserError and ValueError on odd input
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK_TAGS:
            parts.append("\n")

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
