"""Caps on everything an input can expand into: decompressed bytes, record sizes.

Crawl input is hostile: a 10 MB ``.jsonl.gz`` can hold 10 GB of newlines, a WARC record can
carry an 8 GB ``Content-Encoding: gzip`` body, a JSONL line can be 5 GB long. Every reader in
:mod:`unspin.ingest` applies these caps *as it streams*, so memory and time stay bounded,
and a cap that is hit is reported as a :class:`LimitError` naming the cap (and the CLI option
that raises it).

The defaults suit news crawls; change them per call (``read(..., limits=Limits(...))``) or
for the whole process with :func:`set_default` (the CLI's ``--max-input-bytes`` and
``--max-record-bytes`` do that).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

from unspin.errors import InputError

__all__ = ["LimitError", "Limits", "capped_stream", "default", "set_default"]

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

# CLI option that changes each cap, named in the error
_OPTION = {"max_input_bytes": "--max-input-bytes", "max_record_bytes": "--max-record-bytes",
           "max_ratio": "--max-ratio", "max_article_chars": "--max-article-chars"}


class LimitError(InputError):
    """An input or one of its records is over a size cap (a bomb, or just too big)."""

    code = "U130"

    def __init__(self, message: str, *, limit: str, input: str | None = None):
        self.limit = limit
        opt = _OPTION.get(limit)
        hint = f"cap '{limit}'" + (f"; raise it with {opt} if the input is genuine" if opt else "")
        super().__init__(message, input=input, hint=hint)


@dataclass(frozen=True, slots=True)
class Limits:
    """Size caps applied while reading inputs.

    Attributes:
        max_input_bytes: decompressed bytes read from one input that is not a plain file
            (a ``.gz`` file, standard input, a URL body).
        max_record_bytes: one record: a JSONL line, a CSV field, a WARC record block, the
            decoded HTTP body of a WARC response; larger records are skipped and reported.
        max_ratio: decompressed/compressed size ratio that marks a compression bomb, checked
            once ``ratio_after`` bytes have come out (real text compresses 3-20x).
        ratio_after: decompressed bytes before the ratio is checked.
        max_article_chars: the body of one article (text as read, or extracted from HTML):
            the work and memory of every stage grow with it (``check``, resources and model
            included, peaks at ~435 MB on a 500,000-character article: docs/benchmarks.md,
            "Hardening, session 3"), so longer bodies are refused, keeping the peak under
            500 MB. News articles are under 100,000 characters.
    """

    max_input_bytes: int = 8 * GiB
    max_record_bytes: int = 8 * MiB
    max_ratio: int = 200
    ratio_after: int = 64 * MiB
    max_article_chars: int = 500_000

    def with_(self, **changes: Any) -> Limits:
        """A copy with some caps changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_lock = threading.Lock()
_default = Limits()


def default() -> Limits:
    """The process-wide default caps (see :func:`set_default`)."""
    return _default


def set_default(limits: Limits) -> None:
    """Change the process-wide default caps (used when ``read`` gets no ``limits``)."""
    global _default
    with _lock:
        _default = limits


class _Counting(io.RawIOBase):
    """Counts the bytes read through it (the compressed side of a decompressor)."""

    def __init__(self, raw: Any):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.raw.read(len(b))
        n = len(data)
        b[:n] = data
        self.count += n
        return n


class _Capped(io.RawIOBase):
    """Raises :class:`LimitError` once more than the cap has been read through it."""

    def __init__(self, inner: Any, name: str, limits: Limits, compressed: _Counting | None):
        self.inner = inner
        self.name = name
        self.limits = limits
        self.compressed = compressed
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.inner.read(len(b))
        n = len(data)
        b[:n] = data
        self.count += n
        lim = self.limits
        if self.count > lim.max_input_bytes:
            raise LimitError(f"more than {lim.max_input_bytes:,} bytes after decompression; "
                             "stopped reading", limit="max_input_bytes", input=self.name)
        comp = self.compressed
        if comp is not None and lim.max_ratio and self.count > lim.ratio_after and \
                self.count > lim.max_ratio * max(comp.count, 1):
            raise LimitError(f"decompresses more than {lim.max_ratio}x ({comp.count:,} bytes "
                             f"gave {self.count:,}): a compression bomb; stopped reading",
                             limit="max_ratio", input=self.name)
        return n

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()


def capped_stream(raw: Any, name: str, limits: Limits, *, gzip_member: bool) -> BinaryIO:
    """A buffered stream over ``raw`` (decompressing gzip if ``gzip_member``) with the caps.

    Args:
        raw: a binary stream (positioned at the start of the data).
        name: the input's name, for errors.
        limits: caps to apply.
        gzip_member: ``raw`` holds gzip data to decompress as it streams.
    """
    import gzip

    counting: _Counting | None = None
    inner: Any = raw
    if gzip_member:
        counting = _Counting(raw)
        inner = gzip.GzipFile(fileobj=counting, mode="rb")  # type: ignore[arg-type]
    return io.BufferedReader(_Capped(inner, name, limits, counting), buffer_size=1 << 16)  # type: ignore[return-value]


def decompress_capped(data: bytes, wbits: int, cap: int) -> bytes | None:
    """``zlib.decompress(data, wbits)`` that stops past ``cap`` bytes (then returns None).

    Raises:
        zlib.error: the data is not valid compressed data.
    """
    import zlib

    d = zlib.decompressobj(wbits)
    out = d.decompress(data, cap + 1)
    if len(out) > cap or d.unconsumed_tail:
        return None
    return out
