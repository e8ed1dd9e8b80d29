"""Stage 1 of a scan: crawl records in, extracted article pages out.

``iter_raw(path)`` streams the records of one input (WARC through FastWARC, JSONL/CSV/feeds/
HTML files through :mod:`unspin.ingest`) as :class:`RawPage` items or skip reasons;
``extract_pages(options, raws)`` turns raw pages into :class:`Page` records (article body,
url, registered-domain site, title, date) with the fast (resiliparse) or accurate
(trafilatura) extractor. Both are plain functions over records so that a distributed engine
can run them per partition.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from unspin.errors import InputError, UnspinError
from unspin.models import Record

log = logging.getLogger(__name__)

__all__ = ["Page", "RawPage", "Skip", "expand_inputs", "extract_page_record", "extract_pages",
           "iter_raw", "registered_domain", "SKIP_REASONS"]

#: why a record of the crawl gave no article, in report order
SKIP_REASONS = ("not_response", "robots", "not_html", "status", "truncated", "malformed",
                "duplicate_url", "no_article", "unreadable")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
MIN_WORDS = 40
#: how far each input has been read (bytes of the file on disk), for progress estimates
POSITION: dict[str, int] = {}


@dataclass(frozen=True, slots=True)
class RawPage:
    """A page before extraction: HTML bytes (or text already extracted) and what the crawl
    says about it."""

    input: str  # file
    record: int  # record number (1-based) in the input
    url: str | None
    seen: str | None  # crawl date (WARC-Date), ISO
    html: bytes | None = None
    charset: str | None = None
    text: str | None = None
    title: str | None = None
    published: str | None = None
    site: str | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """A record that gives no article, and why (one of ``SKIP_REASONS``)."""

    input: str
    record: int
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Page(Record):
    """An article page of the crawl, ready for the copy search.

    ``time`` orders pages: the page's own publication date when it states one
    (``date_source`` "page"), else the date the crawler saw it (``date_source`` "seen": the
    page was published at or before then), else ``None``.
    """

    key: str  # input#record, unique in the scan
    url: str
    site: str
    title: str
    published: str | None
    seen: str | None
    date_source: str | None
    text: str
    sentences: tuple[tuple[int, int], ...] = ()
    words: int = 0

    @property
    def time(self) -> str | None:
        return self.published if self.date_source == "page" else self.seen


# ------------------------------------------------------------------------- inputs

_SUFFIX_2LD = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gv", "govt", "nic"}


def registered_domain(url: str | None) -> str:
    """The site of a URL: its registered domain ("news.bbc.co.uk" -> "bbc.co.uk").

    A compact rule instead of the full Public Suffix List: the last two labels, or three
    when the second-to-last is a common second-level suffix (co.uk, com.au, ...).
    """
    if not url:
        return ""
    host = (urlparse(url).hostname or "").lower().rstrip(".")
    if not host:
        return ""
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    parts = host.split(".")
    if len(parts) >= 3 and parts[-2] in _SUFFIX_2LD and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Input paths with directories expanded (recursively, sorted); errors name the input."""
    out: list[str] = []
    for s in inputs:
        p = Path(s)
        if p.is_dir():
            files = sorted(str(f) for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            out.extend(files)
        elif p.exists():
            out.append(str(p))
        else:
            raise InputError("no such file or directory", input=s)
    return out


def _is_warc(path: str) -> bool:
    low = path.lower()
    if low.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as gz:
                head = gz.read(64)
    except (OSError, EOFError):
        return False
    return head.startswith(b"WARC/")


def _is_jsonl(path: str) -> bool:
    low = path.lower().removesuffix(".gz")
    return low.endswith((".jsonl", ".ndjson"))


def iter_raw(path: str) -> Iterator[RawPage | Skip]:
    """The records of one input, as raw pages or skips. Errors of the whole input raise."""
    if _is_warc(path):
        yield from _iter_warc(path)
    elif _is_jsonl(path):
        yield from _iter_jsonl(path)
    else:
        yield from _iter_other(path)


def _warc_date(value: str | None) -> str | None:
    if not value:
        return None
    return value.strip()[:20] or None


def _find(path: str, magic: bytes, start: int) -> int | None:
    """Offset of the next ``magic`` in the file at or after ``start``."""
    with open(path, "rb") as fh:
        fh.seek(start)
        pos, tail = start, b""
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return None
            buf = tail + chunk
            k = buf.find(magic)
            if k >= 0:
                return pos - len(tail) + k
            tail = buf[-(len(magic) - 1):]
            pos += len(chunk)


def _iter_warc(path: str, start: int = 0, end: int | None = None, name: str | None = None
               ) -> Iterator[RawPage | Skip]:
    """WARC through FastWARC, with the damage checks of unspin's own reader.

    FastWARC yields a truncated last record without complaint, so every record's block is
    compared with its ``Content-Length``: a short one is counted as ``truncated`` (with the
    message unspin's reader gives) and the file ends there. A record FastWARC cannot parse is
    counted as ``malformed`` and reading resumes at the next gzip member (or ``WARC/`` line).
    """
    try:
        with open(path, "rb") as fh:
            gz = fh.read(2) == b"\x1f\x8b"
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", input=path) from None
    magic = b"\x1f\x8b\x08" if gz else b"WARC/1."
    number = 0
    pos = start if start == 0 else record_start(path, start, gz)
    if pos is None or (end is not None and pos >= end):
        return
    while True:
        state = {"number": number, "last": pos, "end": False}
        yield from _warc_from(path, pos, state, end, name)
        number = int(state["number"])
        if state["end"]:
            return
        # resynchronise after the record that failed
        fail = _find(path, magic, int(state["last"]) + 1)
        nxt = _find(path, magic, fail + 1) if fail is not None else None
        if nxt is None or nxt <= pos or (end is not None and nxt >= end):
            return
        pos = nxt


def record_start(path: str, offset: int, gz: bool) -> int | None:
    """The offset of the first WARC record that starts at or after ``offset``: a gzip member
    whose first bytes inflate to ``WARC/``, or a ``WARC/1.x`` line after a blank line."""
    import zlib

    magic = b"\x1f\x8b\x08" if gz else b"\r\n\r\nWARC/1."
    at = offset - (0 if gz else 4)
    while True:
        k = _find(path, magic, max(0, at))
        if k is None:
            return None
        if not gz:
            return k + 4
        with open(path, "rb") as fh:
            fh.seek(k)
            head = fh.read(4096)
        try:
            if zlib.decompressobj(31).decompress(head, 16).startswith(b"WARC/"):
                return k
        except zlib.error:
            pass
        at = k + 1


def warc_ranges(path: str, split: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``split`` bytes covering a WARC file; a range's records are those
    that start in it (see ``iter_warc_range``). One range for other inputs."""
    size = os.path.getsize(path)
    if not _is_warc(path) or size <= split or not _splittable(path):
        return [(0, size)]
    return [(a, min(size, a + split)) for a in range(0, size, split)]


#: compressed bytes inflated to find the end of a WARC.gz file's first gzip member
_MEMBER_PROBE = 16 << 20


def _splittable(path: str) -> bool:
    """Whether a WARC file can be read in byte ranges: an uncompressed one, or a WARC.gz with
    a gzip member per record (the usual layout), seen as a first member that ends before the
    file does. A file compressed as one stream is read whole."""
    import zlib

    with open(path, "rb") as fh:
        if fh.read(2) != b"\x1f\x8b":
            return True
        fh.seek(0)
        d = zlib.decompressobj(31)
        read = 0
        try:
            while read < _MEMBER_PROBE and not d.eof:
                chunk = fh.read(1 << 16)
                if not chunk:
                    return False
                read += len(chunk)
                d.decompress(chunk, 1 << 16)
                while d.unconsumed_tail and not d.eof:  # inflate in bounded steps
                    d.decompress(d.unconsumed_tail, 1 << 16)
        except zlib.error:
            return False
        return d.eof and (bool(d.unused_data) or bool(fh.read(1)))


def iter_warc_range(path: str, start: int, end: int, name: str | None = None) -> Iterator[RawPage | Skip]:
    """The records of a WARC file that start in ``[start, end)``, numbered from 1 in the
    range (a caller that reads every range adds the counts of the ranges before); the same
    records, skips and damage checks as reading the whole file, for an undamaged file."""
    yield from _iter_warc(path, start, end, name)


def _warc_from(path: str, start: int, state: dict[str, int | bool], end: int | None = None,
               name: str | None = None) -> Iterator[RawPage | Skip]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    number = int(state["number"])
    with open(path, "rb") as fh:
        fh.seek(start)
        try:
            base: int | None = None
            for rec in ArchiveIterator(fh, parse_http=True, record_types=WarcRecordType.any_type):
                if base is None:  # FastWARC counts from the file's start (a Python file) or from ``start``
                    base = 0 if int(rec.stream_pos) >= start else start
                offset = base + int(rec.stream_pos)
                if end is not None and offset >= end:
                    break  # the next range's first record
                number += 1
                state["number"] = number
                state["last"] = offset
                POSITION[path] = int(state["last"])
                item = _warc_record(name or path, number, rec)
                yield item
                if isinstance(item, Skip) and item.reason == "truncated":
                    state["end"] = True
                    return
        except (OSError, EOFError) as exc:
            if "invalid warc header" not in str(exc).lower():
                state["number"] = number + 1
                yield Skip(name or path, number + 1, "truncated", f"truncated or corrupt data ({exc})")
                state["end"] = True
                return
            state["number"] = number + 1
            yield Skip(name or path, number + 1, "malformed", f"not a WARC record ({exc})")
            return
        except Exception as exc:  # fastwarc may raise other kinds on a malformed record
            state["number"] = number + 1
            yield Skip(name or path, number + 1, "malformed", f"{type(exc).__name__}: {exc}")
            return
    state["end"] = True


def _warc_record(path: str, number: int, rec: Any) -> RawPage | Skip:
    from fastwarc.warc import WarcRecordType

    try:
        rtype = rec.record_type
        url = rec.headers.get("WARC-Target-URI") or None
        seen = _warc_date(rec.headers.get("WARC-Date"))
        if rtype not in (WarcRecordType.response, WarcRecordType.resource):
            rec.reader.consume()
            return Skip(path, number, "not_response")
        body = rec.reader.read()
        want = rec.content_length
        if want is not None and len(body) < want:
            return Skip(path, number, "truncated",
                        f"truncated WARC: record {number} has {len(body):,} of its {want:,} bytes")
        if url and urlparse(url).path.lower().endswith("/robots.txt"):
            return Skip(path, number, "robots")
        if rtype == WarcRecordType.response:
            if rec.http_headers is None:
                return Skip(path, number, "malformed", "unreadable HTTP response")
            status = rec.http_headers.status_code
            ctype = (rec.http_content_type or "").lower()
            charset = rec.http_charset
            if status != 200:
                return Skip(path, number, "status", str(status))
            enc = (rec.http_headers.get("Content-Encoding") or "").lower()
            if enc in ("gzip", "x-gzip", "deflate"):
                import zlib
                try:
                    body = zlib.decompress(body, 47 if "gzip" in enc else 15)
                except zlib.error:
                    pass  # often stored already decoded despite the header
        else:
            ctype = (rec.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            charset = None
        if ctype and ctype not in _HTML_TYPES:
            return Skip(path, number, "not_html", ctype)
        return RawPage(path, number, url, seen, html=body, charset=charset)
    except UnspinError:
        raise
    except Exception as exc:  # a damaged record is counted, never fatal
        return Skip(path, number, "malformed", f"{type(exc).__name__}: {exc}")


def _iter_jsonl(path: str) -> Iterator[RawPage | Skip]:
    """JSONL crawls: objects with ``html`` or ``text``, and ``url``, ``seen`` (or
    ``fetched``/``crawled``), ``published``, ``title``, ``site`` when known."""
    try:
        raw = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", input=path) from None
    import io

    binary: Any = gzip.GzipFile(fileobj=raw, mode="rb") if path.lower().endswith(".gz") else raw
    fh = io.TextIOWrapper(binary, encoding="utf-8", errors="replace")
    number = 0
    try:
        for line in fh:
            number += 1
            POSITION[path] = raw.tell()
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                yield Skip(path, number, "malformed", "not JSON")
                continue
            if not isinstance(rec, dict):
                yield Skip(path, number, "malformed", "not a JSON object")
                continue

            def s(*keys: str, rec: dict[str, Any] = rec) -> str | None:
                for k in keys:
                    v = rec.get(k)
                    if isinstance(v, str) and v.strip():
                        return v.strip()
                return None

            html, text = s("html"), s("text")
            if html is None and text is None:
                yield Skip(path, number, "no_article", "no html or text field")
                continue
            yield RawPage(path, number, s("url"), s("seen", "fetched", "crawled", "warc_date"),
                          html=html.encode("utf-8") if html else None, charset="utf-8",
                          text=None if html else text, title=s("title"), published=s("published", "date"),
                          site=s("site"))
    except (OSError, EOFError) as exc:
        yield Skip(path, number + 1, "truncated", f"truncated or corrupt data ({exc})")
    finally:
        fh.close()
        raw.close()


def _iter_other(path: str) -> Iterator[RawPage | Skip]:
    """CSV, JSON, feeds, HTML and text files through ``unspin.ingest.read`` (already extracted)."""
    from unspin.ingest import read

    errors: list[InputError] = []
    number = 0
    for art in read(path, on_error=errors.append, quantities=False):
        for _err in errors:
            number += 1
            yield Skip(path, number, "no_article", str(_err))
        errors.clear()
        number += 1
        yield RawPage(path, number, art.url, None, text=art.original or art.text, title=art.title,
                      published=art.published, site=art.site)
    for _err in errors:
        number += 1
        yield Skip(path, number, "no_article", str(_err))


# ------------------------------------------------------------------------- extraction

_DATE_SELECTORS = (
    ('meta[property="article:published_time"]', "content"),
    ('meta[name="article:published_time"]', "content"),
    ('meta[itemprop="datePublished"]', "content"),
    ('meta[name="date"]', "content"),
    ('meta[name="pubdate"]', "content"),
    ('meta[name="publishdate"]', "content"),
    ('meta[name="dc.date"]', "content"),
    ('meta[property="og:published_time"]', "content"),
    ("time[datetime]", "datetime"),
)
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")


def normalize_date(value: str | None) -> str | None:
    """An ISO date or date-time as ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SSZ`` (UTC assumed
    when the zone is missing; an offset is applied)."""
    if not value:
        return None
    m = _ISO_RE.search(value)
    if not m:
        return None
    y, mo, d, h, mi, s = m.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    if h is None:
        return f"{y}-{mo}-{d}"
    import datetime as dt

    try:
        t = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
    except ValueError:
        return None
    rest = value[m.end():].strip()
    z = re.match(r"([+-])(\d{2}):?(\d{2})", rest)
    if z:
        sign = 1 if z.group(1) == "+" else -1
        t -= sign * dt.timedelta(hours=int(z.group(2)), minutes=int(z.group(3)))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _page_meta(doc: Any, tree: Any) -> tuple[str | None, str, str | None]:
    """Title, the ``<h1>`` text and the stated publication date of a page."""
    title = None
    og = doc.query_selector('meta[property="og:title"]')
    if og is not None:
        title = og.getattr("content") or None
    h1 = doc.query_selector("h1")
    h1_text = " ".join((h1.text or "").split()) if h1 is not None else ""
    if not title:
        title = h1_text or (tree.title or "").split(" | ")[0].strip() or None
    published = None
    for sel, attr in _DATE_SELECTORS:
        el = doc.query_selector(sel)
        if el is not None:
            published = normalize_date(el.getattr(attr))
            if published:
                break
    if not published:
        for el in doc.query_selector_all('script[type="application/ld+json"]'):
            m = _LD_DATE.search(el.text or "")
            if m:
                published = normalize_date(m.group(1))
                if published:
                    break
    return title, h1_text, published


def _extract(html: str, extractor: str, url: str | None, key: str) -> tuple[str, str | None, str | None]:
    """Body, title and date of a page: resiliparse main-content extraction (``fast``) or
    trafilatura (``accurate``); title and date from the page's metadata first either way.
    A body made of the page's link labels (a section page, a menu) is no article."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(html)
    doc = tree.document
    if doc is None:
        return "", None, None
    title, h1_text, published = _page_meta(doc, tree)
    if extractor == "fast":
        body = extract_plain_text(tree, main_content=True, alt_texts=False, links=False,
                                  list_bullets=False, noscript=False, form_fields=False)
    else:
        from unspin.ingest.html import extract_page

        pt = extract_page(html, url=url, input=key)
        body = pt.text
        title = title or pt.title
        # htmldate's guesses from URLs and text (a year in the path becomes January 1) are
        # not used: the page's own metadata, else the crawl date, orders the copies
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    # the headline and a byline line above the body are not part of it
    if lines and title and " ".join(lines[0].split()) in (title, h1_text):
        lines = lines[1:]
    if lines and re.match(r"(?i)^by [\w .'-]{1,60}(,|$)", lines[0]) and len(lines[0].split()) <= 8:
        lines = lines[1:]
    words = sum(len(ln.split()) for ln in lines)
    if lines and words < 12 * len(lines):  # short lines, as in link lists: are they links?
        links = {" ".join((a.text or "").split()) for a in doc.query_selector_all("a")}
        linked = sum(len(ln.split()) for ln in lines if " ".join(ln.split()) in links)
        if linked >= 0.7 * words:
            return "", title, published
    return "\n".join(lines), title, published


def extract_page_record(raw: RawPage, extractor: str = "fast") -> Page | Skip:
    """One raw page as a :class:`Page`, or a ``no_article`` skip."""
    from unspin.ingest.build import _article
    from unspin.ingest.html import decode_html

    key = f"{raw.input}#{raw.record}"
    title, published = raw.title, normalize_date(raw.published)
    try:
        if raw.html is not None:
            html = decode_html(raw.html, raw.charset)
            body, t2, p2 = _extract(html, extractor, raw.url, key)
            title = title or t2
            published = published or p2
        else:
            body = raw.text or ""
    except UnspinError as err:
        return Skip(raw.input, raw.record, "no_article", str(err))
    except Exception as exc:  # extraction libraries raise many kinds on broken markup
        return Skip(raw.input, raw.record, "unreadable", f"{type(exc).__name__}: {exc}")
    if len(body.split()) < MIN_WORDS:
        return Skip(raw.input, raw.record, "no_article", f"{len(body.split())} words")
    art = _article(body, id=key, input=key, title=title, url=raw.url, site=None, published=published,
                   mode="html" if raw.html is not None else "text", strip_clutter=True, quantities=False)
    if len(art.text.split()) < MIN_WORDS:
        return Skip(raw.input, raw.record, "no_article", "too short after clutter")
    seen = normalize_date(raw.seen)
    date_source = "page" if published else ("seen" if seen else None)
    site = registered_domain(raw.url) or (raw.site or "").lower() or "(unknown)"
    return Page(key=key, url=raw.url or key, site=site, title=(title or "").strip()[:300],
                published=published, seen=seen, date_source=date_source, text=art.text,
                sentences=tuple((s.start, s.end) for s in art.sentences),
                words=len(art.text.split()))


def extract_pages(extractor: str, raws: Iterable[RawPage]) -> Iterator[Page | Skip]:
    """Stage function: raw pages to pages (or skips), in order."""
    for raw in raws:
        yield extract_page_record(raw, extractor)


def page_replace(page: Page, **changes: Any) -> Page:
    return dataclasses.replace(page, **changes)
