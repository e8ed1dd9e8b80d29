"""Bytes to text: BOMs, UTF-8/UTF-16/Latin-1, binary and empty input."""

from __future__ import annotations

import codecs
import logging
import re

from unspin.errors import InputError

log = logging.getLogger(__name__)

__all__ = ["decode_bytes", "detect_encoding", "looks_binary"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# magic numbers of common binary formats people pass by mistake
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an MS Office document"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"RIFF", "a RIFF media file"),
    (b"SQLite format 3", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
)
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _utf16_without_bom(head: bytes) -> str | None:
    """Guess UTF-16 from the pattern of zero bytes in mostly-ASCII text."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _utf16_script(head: bytes) -> str | None:
    """UTF-16 without a BOM in one non-Latin script (Russian, Greek, Arabic...): the high
    byte of nearly every code unit is one of a few values (the script's block, and 0 for
    spaces and digits), which random binary data never shows."""
    n = len(head) - len(head) % 2
    if n < 16:
        return None
    for enc, high in (("utf-16-le", head[1:n:2]), ("utf-16-be", head[0:n:2])):
        counts = sorted(((high.count(b), b) for b in set(high)), reverse=True)[:3]
        # script blocks below U+2000 have high bytes under 0x20; ASCII bytes there mean
        # 8-bit text read two bytes at a time ("[[[[" is not U+5B5B U+5B5B)
        if sum(c for c, _ in counts) < 0.97 * len(high) or any(b >= 0x20 for _, b in counts):
            continue
        try:
            text = head[:n].decode(enc)
        except UnicodeDecodeError:
            continue
        ok = sum(c.isprintable() or c in "\n\r\t" for c in text)
        if ok >= 0.97 * len(text) and sum(c.isalpha() for c in text) >= 0.4 * len(text):
            return enc
    return None


def looks_binary(head: bytes) -> str | None:
    """A description of the binary format of ``head`` (first bytes of a file), or None."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if any(head.startswith(b) for b, _ in _BOMS) or _utf16_without_bom(head[:4096]) \
            or _utf16_script(head[:4096]):
        return None
    sample = head[:8192]
    if b"\x00" in sample:
        return "binary data"
    if sample and len(_CONTROL.findall(sample)) > 0.1 * len(sample):
        return "binary data"
    return None


def decode_bytes(data: bytes, *, input: str, encoding: str | None = None) -> str:
    """Decode file contents to text.

    Honours a byte-order mark (UTF-8, UTF-16, UTF-32), recognises UTF-16 without one, then
    tries strict UTF-8 and falls back to Windows-1252/Latin-1 for legacy 8-bit text.

    Args:
        data: the raw bytes.
        input: name of the input, for error messages.
        encoding: force this encoding (errors are then reported, not guessed around).

    Returns:
        The decoded text without the byte-order mark.

    Raises:
        InputError: the input is empty, binary, or cannot be decoded.
    """
    if not data.strip():
        raise InputError("input is empty", input=input)
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}", input=input,
                             hint="check the --encoding option") from None
    what = looks_binary(data[:8192])
    if what:
        raise InputError(f"this is {what}, not text", input=input,
                         hint="give a text, HTML, JSONL, CSV, feed or WARC file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {enc} byte-order mark but is not valid {enc} "
                                 f"(byte {exc.start + len(bom)})", input=input) from None
    guess = _utf16_without_bom(data[:4096]) or _utf16_script(data[:4096])
    if guess:
        try:
            return data.decode(guess)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # legacy 8-bit text: cp1252 covers Latin-1 plus curly quotes; bytes it leaves
    # undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) mean the text is neither
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if (not text or _not_latin(text)) and not _damaged_utf8(data):
        # Cyrillic, Greek, Chinese... in a legacy encoding read as cp1252 is mojibake:
        # ask charset_normalizer, and say so when it is not sure
        detected = detect_encoding(data, input=input)
        if detected is not None:
            return detected
    if not text:
        raise InputError(
            f"cannot decode: not UTF-8 (invalid byte 0x{data[utf8_error.start]:02x} at "
            f"offset {utf8_error.start}) and not Latin-1/Windows-1252 text", input=input,
            hint="convert it to UTF-8 or pass --encoding")
    # many mis-decoded UTF-8 sequences suggest damaged UTF-8 rather than Latin-1
    if len(re.findall("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u20ac\u0152-\u0178]", text)) > 3:
        raise InputError(f"cannot decode: damaged UTF-8 (invalid byte at offset {utf8_error.start})",
                         input=input, hint="repair the file or pass --encoding") from None
    log.info("%s: not UTF-8, read as Windows-1252", input)
    return text


def _damaged_utf8(data: bytes) -> bool:
    """UTF-8 with some bad bytes ("café" then junk): its valid multi-byte sequences are
    not a legacy encoding's bytes, so no legacy encoding should be guessed for it."""
    t = data[:65536].decode("utf-8", "replace")
    bad = t.count("\ufffd")
    good = sum(1 for c in t if ord(c) > 127) - bad
    return good > 0 and 3 * good >= bad


def _not_latin(text: str) -> bool:
    """True when most letters of a cp1252 reading are non-ASCII: a Latin-script language
    has a few accented letters, mojibake of another script has little else."""
    letters = [c for c in text[:20000] if c.isalpha()]
    if not letters:
        return False
    return sum(not c.isascii() for c in letters) > 0.4 * len(letters)


def detect_encoding(data: bytes, *, input: str) -> str | None:
    """Decode non-UTF-8 ``data`` with the encoding charset_normalizer finds (None when it
    finds none). Logs which encoding was used, as a warning when the guess is unsure.

    Raises:
        InputError: the detected encoding does not decode the whole input.
    """
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # a dependency of requests/trafilatura, but be safe
        return None
    results = from_bytes(data[:65536])
    best = results.best()
    if best is None or best.chaos >= 0.3:  # no reading of it looks like language
        return None
    if best.encoding.startswith(("utf_16", "utf_32")):
        return None  # UTF-16 is recognised above from its byte pattern; this is a wild guess
    enc = best.encoding
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        raise InputError(f"cannot decode: not UTF-8, and not {enc} throughout (its best guess)",
                         input=input, hint="pass --encoding with the right encoding") from None
    foreign = [c for c in text[:20000] if not c.isascii() and not c.isspace()]
    if foreign and sum(c.isalpha() for c in foreign) < 0.8 * len(foreign):
        return None  # non-ASCII bytes that read as symbols, not words: not this encoding
    others = {r.encoding for r in results if r.encoding != enc and r.chaos <= best.chaos + 0.02}
    if best.chaos > 0.1 or (others and best.coherence < 0.1):
        log.warning("%s: encoding not sure: read as %s%s; pass --encoding if the text looks "
                    "wrong", input, enc, f" (or {', '.join(sorted(others)[:3])})" if others else "")
    else:
        log.info("%s: not UTF-8, read as %s", input, enc)
    return text.lstrip("\ufeff")
