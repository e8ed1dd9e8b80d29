"""A small streaming WARC reader: HTML responses out, truncation reported.

Written by hand rather than on fastwarc because the reader must *notice* damage: fastwarc
2.0 silently yields a truncated last record and skips garbage, while here a record whose
block is shorter than its ``Content-Length``, a header block that ends early, a missing
``WARC/`` version line or a cut-off gzip member each raise an :class:`InputError` naming the
record. Memory stays flat: records are read one at a time from the (possibly gzip-
decompressed) stream, and record blocks over ``max_record_bytes`` or of no interest are
skipped in chunks without being held.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from unspin.errors import InputError
from unspin.limits import LimitError, decompress_capped
from unspin.limits import default as default_limits

log = logging.getLogger(__name__)

__all__ = ["WarcPage", "iter_warc_pages"]

_CHUNK = 1 << 16
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class WarcPage:
    """An HTML page from a WARC ``response`` (or ``resource``) record."""

    number: int  # 1-based record number in the file
    url: str | None
    date: str | None
    html: bytes
    charset: str | None


class _Reader:
    """Line and block reads over a binary stream, counting bytes, mapping gzip errors."""

    def __init__(self, stream: BinaryIO, name: str):
        self.stream = stream
        self.name = name
        self.offset = 0

    def _fail(self, exc: BaseException) -> InputError:
        return InputError(f"truncated or corrupt compressed data near byte {self.offset:,} "
                          f"({exc})", input=self.name)

    def readline(self) -> bytes:
        try:
            line = self.stream.readline(1 << 16)
        except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
            raise self._fail(exc) from None
        self.offset += len(line)
        return line

    def read(self, n: int) -> bytes:
        parts = []
        left = n
        while left > 0:
            try:
                chunk = self.stream.read(min(left, _CHUNK))
            except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
                raise self._fail(exc) from None
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
        data = b"".join(parts)
        self.offset += len(data)
        return data

    def skip(self, n: int) -> int:
        got = 0
        while got < n:
            chunk = self.read(min(n - got, _CHUNK))
            if not chunk:
                break
            got += len(chunk)
        return got


def _parse_headers(lines: list[bytes]) -> dict[str, str]:
    out: dict[str, str] = {}
    last = None
    for raw in lines:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if line[:1] in (" ", "\t") and last:
            out[last] += " " + line.strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        last = key.strip().lower()
        out[last] = value.strip()
    return out


def _content_type(value: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip("\"'") or None
    return parts[0].lower(), charset


def _dechunk(body: bytes) -> bytes:
    out = []
    pos = 0
    while pos < len(body):
        nl = body.find(b"\r\n", pos)
        if nl < 0:
            break
        try:
            size = int(body[pos:nl].split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return body
        if size == 0:
            break
        out.append(body[nl + 2:nl + 2 + size])
        pos = nl + 2 + size + 2
    return b"".join(out)


def _http_payload(block: bytes, max_body: int) -> tuple[int, dict[str, str], bytes | None] | None:
    """Status, headers and decoded body of an HTTP response; body None when it decodes
    (``Content-Encoding``) to more than ``max_body`` bytes."""
    end = block.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end = block.find(b"\n\n")
        sep = 2
    if end < 0:
        return None
    head = block[:end].split(b"\n")
    try:
        status = int(head[0].split()[1])
    except (IndexError, ValueError):
        return None
    headers = _parse_headers(head[1:])
    body = block[end + sep:]
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    enc = headers.get("content-encoding", "").lower()
    if enc in ("gzip", "x-gzip", "deflate"):
        try:
            return status, headers, decompress_capped(body, 47 if "gzip" in enc else 15, max_body)
        except zlib.error:
            pass  # often stored already decoded despite the header
    return status, headers, body


def iter_warc_pages(stream: BinaryIO, *, name: str, max_record_bytes: int | None = None,
                    errors: bool = False) -> Iterator[WarcPage | InputError]:
    """Yield the HTML pages of a WARC file, one record at a time.

    Args:
        stream: the (already decompressed) binary stream.
        name: the input's name for error messages.
        max_record_bytes: records with a larger block, and HTTP bodies that decode
            (``Content-Encoding: gzip``) to more, are skipped without being held; default
            :attr:`unspin.limits.Limits.max_record_bytes`.
        errors: yield a :class:`~unspin.limits.LimitError` (naming the record number) for
            each record skipped for its size, instead of only logging it.

    Yields:
        :class:`WarcPage` for every ``response`` record with HTTP status 200 and an HTML
        payload, and every ``resource`` record with an HTML content type (and, with
        ``errors``, the errors of records skipped for their size).

    Raises:
        InputError: the file is not WARC, or is truncated or corrupt.
    """
    cap = default_limits().max_record_bytes if max_record_bytes is None else max_record_bytes
    r = _Reader(stream, name)
    number = 0
    while True:
        line = r.readline()
        while line in (b"\r\n", b"\n"):
            line = r.readline()
        if not line:
            break
        rec_start = r.offset - len(line)
        if not line.startswith(b"WARC/"):
            raise InputError(f"not a WARC record at byte {rec_start:,} (expected 'WARC/1.x', "
                             f"got {line[:20]!r})", input=name)
        number += 1
        head: list[bytes] = []
        while True:
            hl = r.readline()
            if not hl:
                raise InputError(f"truncated WARC: record {number} ends inside its headers",
                                 input=name)
            if hl in (b"\r\n", b"\n"):
                break
            head.append(hl)
        headers = _parse_headers(head)
        try:
            length = int(headers.get("content-length", ""))
        except ValueError:
            raise InputError(f"WARC record {number} at byte {rec_start:,} has no valid "
                             "Content-Length", input=name) from None
        wtype = headers.get("warc-type", "").lower()
        ctype, charset = _content_type(headers.get("content-type", ""))
        wanted = (wtype == "response" and ctype.startswith("application/http")) or \
                 (wtype == "resource" and ctype in _HTML_TYPES)
        too_big = None
        if not wanted or length > cap:
            if wanted:
                too_big = LimitError(f"record {number} is {length:,} bytes, over the cap of "
                                     f"{cap:,}; skipped", limit="max_record_bytes",
                                     input=f"{name}#{number}")
            got = r.skip(length)
            block = None
        else:
            block = r.read(length)
            got = len(block)
        if got < length:
            raise InputError(f"truncated WARC: record {number} has {got:,} of its {length:,} "
                             "bytes", input=name)
        if too_big is not None:
            if errors:
                yield too_big
            else:
                log.warning("%s", too_big)
        if block is None:
            continue
        url = headers.get("warc-target-uri") or None
        date = headers.get("warc-date") or None
        if wtype == "resource":
            yield WarcPage(number, url, date, block, charset)
            continue
        parsed = _http_payload(block, cap)
        if parsed is None:
            log.debug("%s: record %d: unreadable HTTP response", name, number)
            continue
        status, http_headers, body = parsed
        if body is None:
            err = LimitError(f"record {number}: the HTTP body decompresses to more than "
                             f"{cap:,} bytes; skipped", limit="max_record_bytes",
                             input=f"{name}#{number}")
            if errors:
                yield err
            else:
                log.warning("%s", err)
            continue
        htype, hcharset = _content_type(http_headers.get("content-type", "text/html"))
        if status != 200 or htype not in _HTML_TYPES or not body.strip():
            continue
        yield WarcPage(number, url, date, body, hcharset)
