"""One entry point for every input: files, URLs, stdin; text, HTML, corpora, feeds, WARC."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import logging
import os
import re
import select
import stat
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal

from unspin.errors import InputError
from unspin.ingest.build import from_html, from_text
from unspin.ingest.decode import decode_bytes, looks_binary
from unspin.ingest.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, fetch, is_url
from unspin.ingest.html import decode_html, fragment_to_text
from unspin.ingest.warc import iter_warc_pages
from unspin.limits import LimitError, Limits, capped_stream
from unspin.limits import default as default_limits
from unspin.models import Article

log = logging.getLogger(__name__)

__all__ = ["KINDS", "OnError", "detect_kind", "read"]

KINDS = ("text", "html", "jsonl", "json", "csv", "feed", "warc")
OnError = Literal["skip", "stop"] | Callable[[InputError], None]

_EXT_KINDS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "csv",
    ".rss": "feed", ".atom": "feed", ".xml": "feed", ".rdf": "feed",
    ".warc": "warc", ".arc": "warc",
}
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF = 8192


def _strip_gz(name: str) -> str:
    low = name.lower()
    for suffix in (".gz", ".gzip"):
        if low.endswith(suffix):
            return name[: -len(suffix)]
    return name


def detect_kind(name: str, head: bytes) -> str:
    """The kind of an input from its name (extension, ``.gz`` ignored) and first bytes.

    Args:
        name: file name or URL path (may be empty).
        head: the first few kilobytes of the (decompressed) content.

    Returns:
        One of :data:`KINDS`.
    """
    ext = os.path.splitext(_strip_gz(name).lower())[1]
    if ext in _EXT_KINDS:
        kind = _EXT_KINDS[ext]
        if kind != "feed" or b"<rss" in head[:2048].lower() or b"<feed" in head[:2048].lower() \
                or b"<rdf" in head[:2048].lower() or ext != ".xml":
            return kind
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    low = stripped[:2048].lower()
    if low.startswith(b"<?xml") or low.startswith(b"<rss") or low.startswith(b"<feed"):
        if b"<rss" in low or b"<feed" in low or b"<rdf:rdf" in low:
            return "feed"
        if b"<html" in low:
            return "html"
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or \
            (low.startswith(b"<") and (b"<html" in low or b"<body" in low or b"<p>" in low or
                                       b"<div" in low)):
        return "html"
    if stripped.startswith(b"{"):
        first = stripped.split(b"\n", 1)[0].strip()
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except ValueError:
            return "json"
    if stripped.startswith(b"["):
        return "json"
    return "text"


# --------------------------------------------------------------------------- streams

class _Source:
    """An opened input: a peekable binary stream plus its name and what we know of it."""

    def __init__(self, stream: BinaryIO, name: str, *, url: str | None = None,
                 kind: str | None = None, charset: str | None = None,
                 closer: Callable[[], None] | None = None, limits: Limits | None = None):
        self.stream = stream
        self.limits = limits or default_limits()
        self.name = name
        self.url = url
        self.kind = kind
        self.charset = charset
        self.strip_clutter = True
        self.quantities = True
        self._closer = closer

    def close(self) -> None:
        if self._closer:
            self._closer()


def _gz_error(name: str, exc: BaseException) -> InputError:
    return InputError(f"truncated or corrupt gzip data ({exc})", input=name)


def _peek(stream: BinaryIO, n: int, name: str) -> bytes:
    try:
        if hasattr(stream, "peek"):
            return stream.peek(n)[:n]
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise _gz_error(name, exc) from None
    return b""


def _decompressing(raw: Any, name: str, limits: Limits, *, plain_file: bool = False) -> BinaryIO:
    """``raw``, gunzipped as it streams if it starts with the gzip magic, with the caps on
    decompressed bytes (a plain file on disk is read as it is: its size is known)."""
    head = _peek(raw, 2, name)
    gz = head.startswith(_GZIP_MAGIC)
    if plain_file and not gz:
        return raw  # type: ignore[no-any-return]
    return capped_stream(raw, name, limits, gzip_member=gz)


def _open(source: str | os.PathLike[str], *, timeout: float, max_bytes: int,
          limits: Limits, allow_private: bool | None = None) -> _Source:
    if isinstance(source, str) and source == "-":
        raw = sys.stdin.buffer
        if not isinstance(raw, io.BufferedReader):
            raw = io.BufferedReader(raw)  # type: ignore[arg-type]
        return _Source(_decompressing(raw, "<stdin>", limits), "<stdin>", limits=limits)
    if isinstance(source, str) and is_url(source):
        got = fetch(source, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
        buf = io.BufferedReader(io.BytesIO(got.data))  # type: ignore[arg-type]
        kind = None if got.kind == "text" and got.data.lstrip()[:1] == b"<" else got.kind
        return _Source(_decompressing(buf, source, limits), source, url=got.url, kind=kind,
                       charset=got.charset, limits=limits)
    path = Path(source)
    name = str(source)
    if not path.exists():
        raise InputError("no such file", input=name)
    if path.is_dir():
        raise InputError("is a directory, not a file", input=name,
                         hint="pass the files inside it, e.g. dir/*.html")
    try:
        if stat.S_ISFIFO(path.stat().st_mode):
            fh = _open_fifo(path, name, timeout)
        else:
            fh = open(path, "rb")  # noqa: SIM115 (closed by _Source.close)
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", input=name) from None
    return _Source(_decompressing(fh, name, limits, plain_file=True), name, closer=fh.close,
                   limits=limits)


def _open_fifo(path: Path, name: str, timeout: float) -> BinaryIO:
    """Open a named pipe without hanging: a plain open waits for a writer for ever; this
    waits ``timeout`` seconds for the first bytes, then reads it like a file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # returns at once, writer or not
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise InputError(f"a named pipe with no writer: nothing arrived in {timeout:g} s",
                             input=name, hint="start the program that writes to it first, "
                                              "or raise --timeout")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_all(src: _Source, max_bytes: int) -> bytes:
    try:
        data = src.stream.read(max_bytes + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise _gz_error(src.name, exc) from None
    if len(data) > max_bytes:
        raise InputError(f"larger than {max_bytes:,} bytes: too big for a single article",
                         input=src.name, hint="split it, or use a corpus format (JSONL, WARC)")
    return data


# --------------------------------------------------------------------------- records

def _record_article(rec: Any, where: str, *, strip_clutter: bool = True,
                    quantities: bool = True) -> Article:
    """One corpus record (JSONL/JSON/CSV row) as an article."""
    if not isinstance(rec, dict):
        raise InputError(f"expected a JSON object, got {type(rec).__name__}", input=where)
    text = rec.get("text")
    html = rec.get("html")
    rid = rec.get("id")
    rid = str(rid) if rid not in (None, "") else None
    meta = {k: (str(rec[k]) if rec.get(k) not in (None, "") else None)
            for k in ("title", "url", "published", "site")}
    if isinstance(text, str) and text.strip():
        return from_text(text, id=rid, input=where, title=meta["title"], url=meta["url"],
                         site=meta["site"], published=meta["published"],
                         strip_clutter=strip_clutter, quantities=quantities)
    if isinstance(html, str) and html.strip():
        art = from_html(html, url=meta["url"], input=where, id=rid, strip_clutter=strip_clutter,
                        quantities=quantities)
        return dataclasses.replace(art, title=meta["title"] or art.title,
                                   published=meta["published"] or art.published,
                                   site=meta["site"] or art.site)
    for field, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"the record's {field!r} is a JSON {type(value).__name__}, not a string",
                             input=where)
    if "text" in rec or "html" in rec:
        raise InputError("the record's text is empty", input=where)
    raise InputError("the record has no 'text' or 'html' field", input=where,
                     hint=f"fields found: {', '.join(sorted(map(str, rec))) or 'none'}")


def _too_long(where: str, cap: int) -> LimitError:
    return LimitError(f"record longer than {cap:,} bytes; skipped", limit="max_record_bytes",
                      input=where)


_BLANK = b" \t\r\n"


_MAX_JSON_DEPTH = 500
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _json_depth(text: str) -> int:
    """Deepest nesting of a JSON text (strings skipped): asked only when parsing failed, to
    tell "nested too deeply" from other malformed JSON (the C parser reports both oddly)."""
    depth = best = 0
    for m in _JSON_TOKENS.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            best = max(best, depth)
        elif tok in "]}":
            depth -= 1
    return best


def _too_deep(where: str) -> InputError:
    return InputError("JSON nested too deeply to read", input=where,
                      hint="records are flat objects with 'text' or 'html'")


def _isolated(where: str, build: Callable[..., Article], *args: Any,
              **kwargs: Any) -> Article | InputError:
    """``build(*args, **kwargs)``, with any failure turned into a bad-record error naming
    ``where``: one record that trips a bug (or runs out of stack or memory) never ends the run."""
    try:
        return build(*args, **kwargs)
    except InputError as err:
        return err
    except RecursionError:
        return InputError("the record is nested too deeply to process", input=where)
    except MemoryError:
        return InputError("out of memory on this record; skipped", input=where,
                          hint="lower --max-record-bytes")
    except Exception as exc:
        log.debug("%s: unexpected failure", where, exc_info=True)
        return InputError(f"this record could not be processed ({type(exc).__name__}: {exc})",
                          input=where, hint="please report it; rerun with --debug -vv for details")


def _lines(src: _Source) -> Iterator[tuple[int, bytes | LimitError]]:
    """Numbered non-blank lines. Runs of blank lines are skipped a buffer at a time (a
    gigabyte of newlines costs what reading it costs); a line over the record cap is skipped
    as it streams (never held whole) and comes out as a :class:`LimitError` in its place."""
    n = 0
    cap = src.limits.max_record_bytes
    stream = src.stream
    while True:
        try:
            if hasattr(stream, "peek"):
                while True:
                    buf = stream.peek(1 << 16)
                    blank = len(buf) - len(buf.lstrip(_BLANK))
                    if not blank:
                        break
                    n += buf.count(b"\n", 0, blank)
                    stream.read(blank)
            line = stream.readline(cap + 1)
            if len(line) > cap and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):
                    line = stream.readline(1 << 20)
                n += 1
                yield n, _too_long(f"{src.name}:{n}", cap)
                continue
        except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
            raise _gz_error(f"{src.name}:{n + 1}", exc) from None
        if not line:
            return
        n += 1
        yield n, line


def _iter_jsonl(src: _Source) -> Iterator[Article | InputError]:
    seen = False
    for n, line in _lines(src):
        if isinstance(line, LimitError):
            seen = True
            yield line
            continue
        if not line.strip():
            continue
        seen = True
        where = f"{src.name}:{n}"
        try:
            rec = json.loads(line.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield InputError("line is not valid UTF-8", input=where)
            continue
        except RecursionError:
            yield _too_deep(where)
            continue
        except ValueError as exc:
            if _json_depth(line.decode("utf-8", "replace")) > _MAX_JSON_DEPTH:
                yield _too_deep(where)
            else:
                yield InputError(f"malformed JSON line ({exc.args[0] if exc.args else exc})",
                                 input=where)
            continue
        yield _isolated(where, _record_article, rec, where, strip_clutter=src.strip_clutter,
                        quantities=src.quantities)
    if not seen:
        raise InputError("input is empty", input=src.name)


def _iter_json(src: _Source, max_bytes: int) -> Iterator[Article | InputError]:
    data = _read_all(src, max_bytes)
    text = decode_bytes(data, input=src.name)
    try:
        doc = json.loads(text)
    except RecursionError:
        raise _too_deep(src.name) from None
    except ValueError as exc:
        if _json_depth(text) > _MAX_JSON_DEPTH:
            raise _too_deep(src.name) from None
        raise InputError(f"malformed JSON ({exc})", input=src.name) from None
    records = doc if isinstance(doc, list) else [doc]
    for i, rec in enumerate(records, 1):
        where = f"{src.name}[{i}]" if isinstance(doc, list) else src.name
        yield _isolated(where, _record_article, rec, where, strip_clutter=src.strip_clutter,
                        quantities=src.quantities)


class _LongLine(Exception):
    """A CSV line over the record cap (raised by the line iterator, caught per row)."""


class _CsvLines:
    """Lines of a text stream for the csv reader, none held longer than ``cap`` characters:
    an overlong line is skipped as it streams and raises :class:`_LongLine` in its place
    (the csv reader drops the row it was in and goes on with the next line)."""

    def __init__(self, text: io.TextIOWrapper, cap: int):
        self.text = text
        self.cap = cap
        self.line = 0

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.cap + 1)
        if not line:
            raise StopIteration
        self.line += 1
        if len(line) > self.cap and not line.endswith(("\n", "\r")):
            while line and not line.endswith(("\n", "\r")):
                line = self.text.readline(1 << 20)
            raise _LongLine()
        return line


def _iter_csv(src: _Source) -> Iterator[Article | InputError]:
    cap = src.limits.max_record_bytes
    csv.field_size_limit(cap)
    text = io.TextIOWrapper(src.stream, encoding="utf-8-sig", newline="")  # type: ignore[type-var]
    delimiter = "\t" if _strip_gz(src.name).lower().endswith(".tsv") else ","
    lines = _CsvLines(text, cap)
    reader = csv.DictReader(lines, delimiter=delimiter, strict=True)
    try:
        fields = reader.fieldnames
    except UnicodeDecodeError:
        raise InputError("CSV is not UTF-8", input=src.name) from None
    except (_LongLine, csv.Error):
        raise _too_long(f"{src.name}:1", cap) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise _gz_error(src.name, exc) from None
    if not fields:
        raise InputError("input is empty", input=src.name)
    if "text" not in fields and "html" not in fields:
        raise InputError("CSV has no 'text' or 'html' column", input=src.name,
                         hint=f"columns found: {', '.join(fields)}")
    rows = 0
    while True:
        first_line = lines.line + 1
        try:
            row = next(reader)
        except StopIteration:
            if not rows:
                raise InputError("CSV has a header but no rows", input=src.name) from None
            return
        except UnicodeDecodeError:
            raise InputError("CSV is not UTF-8", input=f"{src.name}:{lines.line}") from None
        except _LongLine:
            rows += 1
            yield _too_long(f"{src.name}:{first_line}", cap)
            continue
        except csv.Error as exc:
            rows += 1
            if "field limit" in str(exc):
                yield _too_long(f"{src.name}:{first_line}", cap)
            else:
                yield InputError(f"malformed CSV row ({exc})", input=f"{src.name}:{first_line}")
            continue
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise _gz_error(src.name, exc) from None
        rows += 1
        where = f"{src.name}:{first_line}"
        if None in row:
            yield InputError("malformed CSV row: more fields than columns", input=where)
            continue
        yield _isolated(where, _record_article, row, where, strip_clutter=src.strip_clutter,
                        quantities=src.quantities)


def _iter_feed(src: _Source, max_bytes: int) -> Iterator[Article | InputError]:
    import feedparser

    data = _read_all(src, max_bytes)
    if not data.strip():
        raise InputError("input is empty", input=src.name)
    feed = feedparser.parse(data)
    entries = feed.get("entries") or []
    if not entries:
        why = f" ({feed.get('bozo_exception')})" if feed.get("bozo") else ""
        raise InputError(f"no entries found in the feed{why}", input=src.name)
    site = (feed.get("feed") or {}).get("title") or None
    for i, entry in enumerate(entries, 1):
        where = f"{src.name}#{i}"
        content = ""
        for c in entry.get("content") or []:
            if c.get("value", "").strip():
                content = c["value"]
                break
        if not content:
            content = entry.get("summary", "") or entry.get("description", "")
        body = fragment_to_text(content)
        if not body.strip():
            yield InputError("feed entry has no content or summary", input=where)
            continue
        published = None
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        if parsed:
            published = f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
        yield _isolated(where, from_text, body, id=entry.get("id") or None, input=where,
                        title=entry.get("title") or None, url=entry.get("link") or None,
                        site=site, published=published, strip_clutter=src.strip_clutter,
                        quantities=src.quantities)


def _page_article(page: Any, where: str, strip_clutter: bool, quantities: bool) -> Article:
    return from_html(decode_html(page.html, page.charset), url=page.url, input=where,
                     strip_clutter=strip_clutter, quantities=quantities)


def _iter_warc(src: _Source) -> Iterator[Article | InputError]:
    any_page = False
    for page in iter_warc_pages(src.stream, name=src.name,
                                max_record_bytes=src.limits.max_record_bytes, errors=True):
        any_page = True
        if isinstance(page, InputError):
            yield page
            continue
        where = f"{src.name}#{page.number}"
        art = _isolated(where, _page_article, page, where, src.strip_clutter, src.quantities)
        if isinstance(art, InputError):
            yield art
            continue
        if not art.published and page.date:
            art = dataclasses.replace(art, published=page.date[:10])
        yield art
    if not any_page:
        raise InputError("no HTML page in the WARC file", input=src.name,
                         hint="only 'response' records with an HTML body are read")


# --------------------------------------------------------------------------- entry point

def _handle(err: InputError, on_error: OnError) -> None:
    if callable(on_error):
        on_error(err)
    elif on_error == "stop":
        raise err
    else:
        log.warning("skipped: %s", err)


def read(source: str | os.PathLike[str], *, kind: str | None = None, on_error: OnError = "skip",
         encoding: str | None = None, timeout: float = DEFAULT_TIMEOUT,
         max_bytes: int = DEFAULT_MAX_BYTES, strip_clutter: bool = True,
         quantities: bool = True, limits: Limits | None = None,
         allow_private: bool | None = None) -> Iterator[Article]:
    """Read articles from a path, an http(s) URL, or ``"-"`` (standard input).

    The kind is recognised from the extension (``.gz`` ignored) and, failing that, from
    the content: plain text, HTML, JSONL/JSON/CSV corpora (fields ``id``, ``title``,
    ``text`` or ``html``, optional ``url``, ``published``, ``site``), RSS/Atom feeds, and WARC
    archives. Gzip compression is recognised by its magic bytes for every kind. Corpora and
    WARC files are streamed: one record in memory at a time.

    Args:
        source: path, URL or ``"-"``.
        kind: force a kind (one of :data:`KINDS`) instead of guessing.
        on_error: what to do with a bad *record* of a corpus (malformed JSON line, row
            without text, WARC page without an article): ``"skip"`` (log a warning and
            go on; the default), ``"stop"`` (raise it) or a callable that receives the
            error (and may raise it). Errors of the whole input always raise.
        encoding: force the text encoding of plain-text input.
        timeout: overall deadline in seconds for fetching a URL (redirects included).
        max_bytes: size cap for a URL's body and for single-article files.
        strip_clutter: separate page clutter from the body (default True).
        quantities: read numbers into ``Article.quantities`` (default True). False leaves
            them empty and makes corpus ingestion much faster; for callers that only need
            the text, such as the index.
        limits: caps on decompressed bytes per input and on each record's size
            (:class:`unspin.limits.Limits`); default :func:`unspin.limits.default`. A
            record over its cap is a bad record (``on_error``); an input over its cap
            raises :class:`unspin.limits.LimitError` after the records before it.
        allow_private: let a URL reach loopback/private/link-local addresses (refused by
            default, see :mod:`unspin.netpolicy`; the CLI's ``--allow-private``).

    Yields:
        Articles, in input order.

    Raises:
        InputError: the input is missing, empty, binary, undecodable, truncated or has no
            article (``ExtractionError``), or could not be fetched (``FetchError``).
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}", input=str(source),
                         hint=f"one of {', '.join(KINDS)}")
    src = _open(source, timeout=timeout, max_bytes=max_bytes, limits=limits or default_limits(),
                allow_private=allow_private)
    src.strip_clutter = strip_clutter
    src.quantities = quantities
    try:
        head = _peek(src.stream, _SNIFF, src.name)
        if not head.strip() and not kind:
            raise InputError("input is empty", input=src.name)
        what = looks_binary(head)
        if what and (kind or src.kind) not in ("warc",) and not head.startswith(b"WARC/"):
            raise InputError(f"this is {what}, not text", input=src.name,
                             hint="give a text, HTML, JSONL, CSV, feed or WARC file")
        url_path = src.url.split("?")[0] if src.url else ""
        k = kind or src.kind or detect_kind(url_path or src.name, head)
        log.debug("%s: reading as %s", src.name, k)
        if k in ("text", "html"):
            data = _read_all(src, max_bytes)
            if k == "html":
                html = decode_html(data, src.charset)
                if not html.strip():
                    raise InputError("input is empty", input=src.name)
                art = _isolated(src.name, from_html, html, url=src.url, input=src.name,
                                strip_clutter=strip_clutter, quantities=quantities)
            else:
                text = decode_bytes(data, input=src.name, encoding=encoding or src.charset)
                art = _isolated(src.name, from_text, text, input=src.name, url=src.url,
                                strip_clutter=strip_clutter, quantities=quantities)
            if isinstance(art, InputError):
                raise art
            yield art
            return
        if k == "jsonl":
            records: Iterator[Article | InputError] = _iter_jsonl(src)
        elif k == "json":
            records = _iter_json(src, max_bytes)
        elif k == "csv":
            records = _iter_csv(src)
        elif k == "feed":
            records = _iter_feed(src, max_bytes)
        else:
            records = _iter_warc(src)
        for item in records:
            if isinstance(item, InputError):
                _handle(item, on_error)
            else:
                yield item
    finally:
        src.close()
