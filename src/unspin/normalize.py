"""Text repair and quantities.

``normalize()`` turns the text a reader saw (``Article.original``) into the repaired body the
analysis stages work on (``Article.text``), keeping for every output character the offset
of the original character it came from, so that spans can be mapped back with an
``OffsetMap``. Repairs, in order:

* line endings to ``\\n``; zero-width characters, soft hyphens and stray BOMs dropped;
* Unicode NFC (per base character and its combining marks, so offsets stay exact);
* curly quotes and primes to straight quotes, the dash family to ``-`` (an em dash between
  words becomes `` - ``), the ellipsis character to ``...``, every kind of space to ``' '``;
* damaged numbers: ``"12 000"``, ``"4, 000"``, ``"3 500 000"``, ``"12\\u2009000"`` become
  ``"12,000"`` etc. The rule: a group of 1-3 digits (not itself preceded by a digit group)
  followed by one or more ``<separator><exactly three digits>`` groups, where the separator
  is a space, a no-break/thin space, or comma-space. Comma-space is *not* repaired when the
  numbers look like a list (``"101, 102 and 103"``), a date (``"May 5, 200 people"``), or
  when the first group starts with 0;
* whitespace: runs of spaces collapse to one, lines are stripped, two or more line breaks
  collapse to one blank line; lines of a hard-wrapped paragraph are joined.

``find_quantities()`` reads numbers from the repaired text (digits with separators and
decimals, "1.5 million", "$1.13bn", words "two" to "twelve", "twenty-five", "a dozen",
"dozens", "hundreds", "thousands"), with ranges ("between 10,000 and 12,000", "from 3 to 5",
"10-12"), hedges ("about", "nearly", "more than", "at least", "up to", ...) and obvious units
(``%``, currency symbols, a short list of unit words), and returns them as
:class:`~unspin.models.Quantity` values with offsets in the original text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from unspin.models import OffsetMap, Quantity

__all__ = ["Normalized", "find_quantities", "normalize", "repair_numbers"]


@dataclass(frozen=True, slots=True)
class Normalized:
    """Result of :func:`normalize`.

    Attributes:
        text: the repaired text.
        positions: for every character of ``text``, the offset in the original it came from.
        original_length: length of the original text.
        repaired: spans of the *original* (start, end) holding a damaged number that was
            rewritten (``"4, 000"``).
    """

    text: str
    positions: tuple[int, ...]
    original_length: int
    repaired: tuple[tuple[int, int], ...] = ()
    #: the runs of :class:`OffsetMap` when already known (same as from ``positions``)
    runs: tuple[tuple[int, int, int], ...] | None = field(default=None, compare=False, repr=False)

    def offset_map(self) -> OffsetMap:
        """The :class:`OffsetMap` from ``text`` back to the original."""
        if self.runs is not None:
            return OffsetMap(self.runs, len(self.text), self.original_length)
        return OffsetMap.from_positions(self.positions, self.original_length)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Smallest original span covering ``text[start:end]``."""
        if not self.positions:
            return 0, 0
        if end <= start:
            p = self.positions[start] if start < len(self.positions) else self.original_length
            return p, p
        return self.positions[start], self.positions[end - 1] + 1


# --------------------------------------------------------------------------- char mapping

_DROP = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2043": "-",
    "\u2026": "...",
    "\t": " ", "\u00a0": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u205f": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ",
    "\u2005": " ", "\u2006": " ", "\u000b": "\n", "\u000c": "\n", "\u2028": "\n", "\u2029": "\n\n",
    "\u0085": "\n",
}
_LONG_DASHES = {"\u2013", "\u2014", "\u2015"}


class _Buf:
    """Characters with the original offset of each."""

    __slots__ = ("chars", "pos")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.pos: list[int] = []

    def add(self, s: str, p: int) -> None:
        for ch in s:
            self.chars.append(ch)
            self.pos.append(p)

    def text(self) -> str:
        return "".join(self.chars)


def _map_chars_reference(original: str, ranges: Sequence[tuple[int, int]]) -> _Buf:
    """Character repairs one character at a time (the reference for :func:`_map_chars`)."""
    buf = _Buf()
    for n, (rs, re_) in enumerate(ranges):
        if n and buf.chars and buf.chars[-1] != "\n":
            buf.add("\n\n", rs)  # separate kept regions as paragraphs
        elif n:
            buf.add("\n", rs)
        i = rs
        while i < re_:
            ch = original[i]
            if ch == "\r":
                buf.add("\n", i)
                i += 2 if i + 1 < re_ and original[i + 1] == "\n" else 1
                continue
            if ch in _DROP:
                i += 1
                continue
            if ch in _LONG_DASHES:
                prev = original[i - 1] if i > rs else " "
                nxt = original[i + 1] if i + 1 < re_ else " "
                if ch == "\u2013" and prev.isdigit() and nxt.isdigit():
                    buf.add("-", i)
                elif prev.isspace() or nxt.isspace():
                    buf.add("-", i)
                else:
                    buf.add(" - ", i)
                i += 1
                continue
            mapped = _CHAR_MAP.get(ch)
            if mapped is not None:
                buf.add(mapped, i)
                i += 1
                continue
            # a base character and the combining marks after it, composed together
            j = i + 1
            while j < re_ and unicodedata.combining(original[j]):
                j += 1
            chunk = original[i:j]
            if j - i > 1 or not chunk.isascii():
                chunk = unicodedata.normalize("NFC", chunk)
            buf.add(chunk, i)
            i = j
    return buf


# Characters the character repairs may change: ASCII controls mapped to spaces/line breaks,
# and every non-ASCII run (checked against _PLAIN, a cache of characters known to map to
# themselves: not special, not a combining mark, NFC-stable on their own).
_EVENT_RE = re.compile(r"[\t\x0b\x0c\r]|[^\x00-\x7f]+")
_SPECIAL = frozenset(_DROP | set(_CHAR_MAP) | _LONG_DASHES | {"\r"})
_PLAIN: set[str] = set()
_PLAIN_MAX = 50_000


def _is_plain(ch: str) -> bool:
    if ch in _PLAIN:
        return True
    if ch in _SPECIAL or unicodedata.combining(ch) or not unicodedata.is_normalized("NFC", ch):
        return False
    if len(_PLAIN) < _PLAIN_MAX:
        _PLAIN.add(ch)
    return True


def _map_chars(original: str, ranges: Sequence[tuple[int, int]]) -> tuple[str, list[int]] | None:
    """The character repairs of :func:`_map_chars_reference`, copying unchanged runs whole.

    Returns the text and the original offset of each of its characters, or None when the
    text holds combining marks (composed per base character by the reference).
    """
    parts: list[str] = []
    pos: list[int] = []
    last = ""  # last character output so far
    for n, (rs, re_) in enumerate(ranges):
        if n:
            if last and last != "\n":
                parts.append("\n\n")
                pos += (rs, rs)
            else:
                parts.append("\n")
                pos.append(rs)
            last = "\n"
        start = rs  # start of the pending unchanged run
        for m in _EVENT_RE.finditer(original, rs, re_):
            run = m.group()
            if len(run) > 1 or run[0] >= "\x80":
                if _PLAIN.issuperset(run) or all(_is_plain(c) for c in run):
                    continue
            k0 = m.start()
            for k in range(k0, m.end()):
                if k < start:
                    continue  # the "\n" of a "\r\n"
                ch = original[k]
                if ch in _PLAIN:
                    continue
                if ch == "\r":
                    rep, nxt_start = "\n", k + 2 if k + 1 < re_ and original[k + 1] == "\n" else k + 1
                elif ch in _DROP:
                    rep, nxt_start = "", k + 1
                elif ch in _LONG_DASHES:
                    prev = original[k - 1] if k > rs else " "
                    nxt = original[k + 1] if k + 1 < re_ else " "
                    if ch == "\u2013" and prev.isdigit() and nxt.isdigit() \
                            or prev.isspace() or nxt.isspace():
                        rep = "-"
                    else:
                        rep = " - "
                    nxt_start = k + 1
                elif ch in _CHAR_MAP:
                    rep, nxt_start = _CHAR_MAP[ch], k + 1
                elif unicodedata.combining(ch):
                    return None
                elif _is_plain(ch):
                    continue
                else:
                    rep, nxt_start = unicodedata.normalize("NFC", ch), k + 1
                if k > start:
                    parts.append(original[start:k])
                    pos.extend(range(start, k))
                    last = original[k - 1]
                if rep:
                    parts.append(rep)
                    pos.extend([k] * len(rep))
                    last = rep[-1]
                start = nxt_start
        if start < re_:
            parts.append(original[start:re_])
            pos.extend(range(start, re_))
            last = original[re_ - 1]
    return "".join(parts), pos


# --------------------------------------------------------------------------- number repair

_MONTHS = ("january february march april may june july august september october november "
           "december jan feb mar apr jun jul aug sep sept oct nov dec").split()
_DAMAGED_RE = re.compile(
    r"(?<![\d.,])(?<!\d[ ,])(?<!\d, )"  # not part of a longer number or a digit sequence
    r"(?P<head>\d{1,3})"
    r"(?P<groups>(?:(?:, ?| ,| )\d{3}(?!\d))+)"
    r"(?![\d]|,\d|\.\d{3})",
)
_GROUP_RE = re.compile(r"(, ?| ,| )(\d{3})")
_DAMAGED_HINT = re.compile(r"\d(?:,? | ,)\d\d\d")  # necessary for a damaged number (one sep not ",")
_LIST_AFTER = re.compile(r"\s*(?:,\s*\d|(?:and|or|to|&)\s+\d)")
_LIST_BEFORE = re.compile(r"\d\s*(?:,|and|or|&)\s*$")


def _is_damaged(text: str, m: re.Match[str]) -> bool:
    head, groups = m.group("head"), m.group("groups")
    seps = [g.group(1) for g in _GROUP_RE.finditer(groups)]
    if all(s == "," for s in seps):
        return False  # already well formed
    if len(head) > 1 and head.startswith("0"):
        return False
    comma = any("," in s for s in seps)
    if comma and all(g.group(2) == "000" for g in _GROUP_RE.finditer(groups)):
        return True  # "10, 000 and 12, 000", "296, 000 to 28.5 million": no list has items "000"
    if sum(s == ", " for s in seps) > 1 and any(
            g.group(2) != "000" for g in _GROUP_RE.finditer(groups)):
        return False  # "101, 102, 103" is a list; "1, 000, 000" is a damaged million
    if comma:
        before = text[max(0, m.start() - 30):m.start()]
        after = text[m.end():m.end() + 12]
        if _LIST_AFTER.match(after) or _LIST_BEFORE.search(before):
            return False
        prev_word = re.search(r"([A-Za-z]+)\.?\s+$", before)
        if prev_word and prev_word.group(1).lower() in _MONTHS:
            return False
    else:
        before = text[max(0, m.start() - 12):m.start()]
        after = text[m.end():m.end() + 12]
        if re.search(r"\d\s*$", before) or re.match(r"\s*\d|[-/.]\w", after):
            return False  # digit sequences, model numbers ("10 737-800 planes")
    return True


def repair_numbers(buf_text: str, positions: Sequence[int]) -> tuple[str, list[int], list[tuple[int, int]]]:
    """Rewrite damaged digit groups (``"12 000"``, ``"4, 000"``) as ``"12,000"``.

    Args:
        buf_text: text whose characters are mapped by ``positions``.
        positions: original offset of each character of ``buf_text``.

    Returns:
        The repaired text, its positions, and the repaired spans (offsets in the new text).
    """
    out: list[str] = []
    pos: list[int] = []
    spans: list[tuple[int, int]] = []
    last = 0
    if not _DAMAGED_HINT.search(buf_text):
        return buf_text, list(positions), spans
    for m in _DAMAGED_RE.finditer(buf_text):
        if not _is_damaged(buf_text, m):
            continue
        out.append(buf_text[last:m.start()])
        pos.extend(positions[last:m.start()])
        start_new = len(pos)
        hs, he = m.span("head")
        out.append(buf_text[hs:he])
        pos.extend(positions[hs:he])
        gs = m.start("groups")
        for g in _GROUP_RE.finditer(m.group("groups")):
            sep_pos = positions[gs + g.start(1)] if g.group(1) else positions[gs + g.start(2)]
            out.append(",")
            pos.append(sep_pos)
            out.append(g.group(2))
            pos.extend(positions[gs + g.start(2):gs + g.end(2)])
        spans.append((start_new, len(pos)))
        last = m.end()
    out.append(buf_text[last:])
    pos.extend(positions[last:])
    return "".join(out), pos, spans


# --------------------------------------------------------------------------- whitespace

_BULLET_RE = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25cf>]|\d+[.)])\s")

_Line = tuple[str, list[int], int]  # text, positions, position of the line break after it
_L = TypeVar("_L", bound=tuple[Any, ...])  # a line record whose first field is its text


def _collapse_reference(text: str, positions: Sequence[int], end_pos: int) -> tuple[str, list[int]]:
    """Collapse spaces, strip lines, squeeze blank lines, unwrap hard-wrapped paragraphs.

    One character at a time: the reference for :func:`_collapse`.
    """
    lines: list[_Line] = []
    chars: list[str] = []
    cp: list[int] = []
    for ch, p in zip(text, positions, strict=True):
        if ch == "\n":
            if chars and chars[-1] == " ":
                chars.pop()
                cp.pop()
            lines.append(("".join(chars), cp, p))
            chars, cp = [], []
        elif ch.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                cp.append(p)
        else:
            chars.append(ch)
            cp.append(p)
    if chars and chars[-1] == " ":
        chars.pop()
        cp.pop()
    lines.append(("".join(chars), cp, end_pos))
    return _join_blocks(lines)


_ODD_SPACE = re.compile(r"[^\S ]")  # whitespace other than a plain space
_SPACE_RUN = re.compile(r"\s+")


def _collapse(text: str, positions: Sequence[int], end_pos: int) -> tuple[str, list[int]]:
    """Collapse spaces, strip lines, squeeze blank lines, unwrap hard-wrapped paragraphs.

    Same result as :func:`_collapse_reference`, a line at a time.
    """
    lines: list[_Line] = []
    n = len(text)
    start = 0
    while True:
        k = text.find("\n", start)
        e = n if k < 0 else k
        seg = text[start:e]
        if not seg or not (seg[0].isspace() or seg[-1].isspace() or "  " in seg
                           or _ODD_SPACE.search(seg)):
            line, lp = seg, list(positions[start:e])
        else:
            parts: list[str] = []
            lp = []
            last = 0
            for m in _SPACE_RUN.finditer(seg):
                s, se = m.span()
                parts.append(seg[last:s])
                lp.extend(positions[start + last:start + s])
                if s and se < len(seg):
                    parts.append(" ")
                    lp.append(positions[start + s])
                last = se
            parts.append(seg[last:])
            lp.extend(positions[start + last:e])
            line = "".join(parts)
        lines.append((line, lp, end_pos if k < 0 else positions[k]))
        if k < 0:
            break
        start = k + 1
    return _join_blocks(lines)


_EVENT_CHAR_RE = re.compile(r"[^\x00-\x08\n\x0e-\x7f]")  # one character of an _EVENT_RE match


def _unchanged_chars(original: str) -> bool:
    """True when :func:`_map_chars` leaves ``original`` as it is."""
    if original.isascii():
        return not ("\t" in original or "\r" in original or "\x0b" in original
                    or "\x0c" in original)
    search = _EVENT_CHAR_RE.search
    m = search(original)
    while m is not None:
        ch = m.group()
        if ch not in _PLAIN and (ch < "\x80" or not _is_plain(ch)):
            return False
        m = search(original, m.end())
    return True


def _normalize_unchanged_chars(original: str) -> Normalized:
    """:func:`normalize` of a text that character and number repairs leave as it is.

    Only whitespace collapsing applies; the characters kept map to themselves, so lines
    are handled as runs of offsets ``(start, length)`` and the offset map is built from
    those runs rather than from one position per character.
    """
    n = len(original)
    # lines as (text, pieces, offset of the line break after it); a piece is a run of
    # original offsets (start, length) that the line's characters map to in order
    lines: list[tuple[str, list[tuple[int, int]], int]] = []
    start = 0
    while True:
        k = original.find("\n", start)
        e = n if k < 0 else k
        seg = original[start:e]
        if not seg or not (seg[0].isspace() or seg[-1].isspace() or "  " in seg
                           or _ODD_SPACE.search(seg)):
            lines.append((seg, [(start, e - start)], e))
        else:
            parts: list[str] = []
            pieces: list[tuple[int, int]] = []
            last = 0
            for m in _SPACE_RUN.finditer(seg):
                ws, we = m.span()
                parts.append(seg[last:ws])
                pieces.append((start + last, ws - last))
                if ws and we < len(seg):
                    parts.append(" ")
                    pieces.append((start + ws, 1))
                last = we
            parts.append(seg[last:])
            pieces.append((start + last, len(seg) - last))
            lines.append(("".join(parts), pieces, e))
        if k < 0:
            break
        start = k + 1
    blocks = _group_blocks(lines)
    out: list[str] = []
    runs: list[tuple[int, int, int]] = []
    ds = 0

    def put(os_: int, length: int) -> None:
        nonlocal ds
        if not length:
            return
        if runs:
            rd, ro, rn = runs[-1]
            if ro + rn == os_:
                runs[-1] = (rd, ro, rn + length)
                ds += length
                return
        runs.append((ds, os_, length))
        ds += length

    for b, blk in enumerate(blocks):
        if b:
            nlp = blocks[b - 1][-1][2]
            out.append("\n\n")
            put(nlp, 1)
            put(nlp, 1)
        wrapped = _is_hard_wrapped([(line, [], nl) for line, _, nl in blk])
        for i, (line, pieces, _nl) in enumerate(blk):
            if i:
                out.append(" " if wrapped else "\n")
                put(blk[i - 1][2], 1)
            out.append(line)
            for os_, length in pieces:
                put(os_, length)
    positions: list[int] = []
    for _, os_, length in runs:
        positions.extend(range(os_, os_ + length))
    return Normalized("".join(out), tuple(positions), n, (), tuple(runs))


def _group_blocks(lines: Sequence[_L]) -> list[list[_L]]:
    """Runs of non-empty lines (``line[0]`` is the text), split at empty lines."""
    blocks: list[list[_L]] = []
    block: list[_L] = []
    for item in lines:
        if item[0]:
            block.append(item)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return blocks


def _join_blocks(lines: list[_Line]) -> tuple[str, list[int]]:
    blocks = _group_blocks(lines)
    out: list[str] = []
    pos: list[int] = []
    for b, blk in enumerate(blocks):
        if b:
            nlp = blocks[b - 1][-1][2]
            out.extend("\n\n")
            pos.extend((nlp, nlp))
        wrapped = _is_hard_wrapped(blk)
        for i, (line, lp, _nl) in enumerate(blk):
            if i:
                out.append(" " if wrapped else "\n")
                pos.append(blk[i - 1][2])
            out.append(line)
            pos.extend(lp)
    return "".join(out), pos


def _is_hard_wrapped(block: Sequence[_Line]) -> bool:
    if len(block) < 2:
        return False
    if any(_BULLET_RE.match(line) for line, _, _ in block):
        return False
    lengths = [len(line) for line, _, _ in block[:-1]]
    if not all(30 <= n <= 100 for n in lengths):
        return False
    # wrapped text breaks lines mid-sentence: most lines do not end a sentence
    open_ends = sum(1 for line, _, _ in block[:-1] if not re.search(r"[.!?:\"')\]]$", line))
    return open_ends * 2 >= len(lengths)


def normalize(original: str, keep: Sequence[tuple[int, int]] | None = None) -> Normalized:
    """Repair and normalise ``original`` (or only its ``keep`` ranges), tracking offsets.

    Args:
        original: the text as the reader saw it.
        keep: (start, end) ranges of ``original`` to keep, in order; the rest (clutter) is
            left out. Default: the whole text.

    Returns:
        A :class:`Normalized` with the text and the original offset of every character.
    """
    ranges = [(0, len(original))] if keep is None else list(keep)
    if ranges == [(0, len(original))] and original and not _DAMAGED_HINT.search(original) \
            and _unchanged_chars(original):
        return _normalize_unchanged_chars(original)
    mapped = _map_chars(original, ranges)
    if mapped is None:  # combining marks: compose them one base character at a time
        buf = _map_chars_reference(original, ranges)
        mapped = buf.text(), buf.pos
    text, positions, spans = repair_numbers(*mapped)
    repaired = tuple((positions[s], positions[e - 1] + 1) for s, e in spans)
    text, positions = _collapse(text, positions, len(original))
    return Normalized(text, tuple(positions), len(original), repaired)


def _normalize_reference(original: str, keep: Sequence[tuple[int, int]] | None = None) -> Normalized:
    """:func:`normalize` one character at a time (slow; kept to test the fast path against)."""
    ranges = [(0, len(original))] if keep is None else list(keep)
    buf = _map_chars_reference(original, ranges)
    text, positions, spans = repair_numbers(buf.text(), buf.pos)
    repaired = tuple((positions[s], positions[e - 1] + 1) for s, e in spans)
    text, positions = _collapse_reference(text, positions, len(original))
    return Normalized(text, tuple(positions), len(original), repaired)


# --------------------------------------------------------------------------- quantities

_WORD_NUMS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_MULT = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "bn": 1e9, "m": 1e6, "k": 1e3, "tn": 1e12, "mn": 1e6,
}
_VAGUE = {"dozens": (24, 99), "hundreds": (200, 999), "thousands": (2000, 9999),
          "millions": (2e6, 9.99e8), "billions": (2e9, 9.99e11)}
_UNIT_WORDS = (
    "per cent|percent|percentage points|km|kilometres|kilometers|miles|metres|meters|"
    "kg|kilograms|tonnes|tons|pounds|dollars|euros|yen|rupees|yuan|francs|years|months|weeks|"
    "days|hours|minutes|"
    "seconds|percentage point"
)
_WORD_ALT = (f"(?:{'|'.join(_TENS)})-(?:{'|'.join(_UNITS_WORDS)})|"
             + "|".join(sorted(_WORD_NUMS, key=len, reverse=True)))
_NUM = (
    r"(?:[$£€¥]|US\$|A\$|C\$)?"
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|(?i:a|one|{_WORD_ALT})(?=[\s-]+(?i:hundred|thousand|million|billion|trillion)\b)"
    rf"|(?i:{_WORD_ALT}|one)\b|(?i:a dozen|dozens|hundreds|thousands|millions|billions)\b)"
    r"(?:(?:bn|mn|tn|m|k)\b|\s(?:bn|mn)\b|[\s-]+(?i:hundred|thousand|million|billion|trillion)\b)?"
    r"(?:\s?%|\s(?:" + _UNIT_WORDS + r")\b)?"
)
_FIRST = r"(?<![\w.])(?=[\d$£€¥abdefhmnostuABDEFHMNOSTUC])"  # fail fast off number starts
_NUMBER_RE = re.compile(_FIRST + r"(?<![\w],)" + _NUM + r"(?![\w]|\.\d|,\d)", re.UNICODE)
_HEDGES = (
    "approximately|about|around|roughly|some|nearly|almost|close to|more than|over|"
    "less than|fewer than|under|at least|at most|up to|as many as|as few as|an estimated|"
    "estimated|just over|just under|well over|well under|only|below|above|upwards of|"
    "in excess of|no more than|no fewer than|no less than"
)
_RANGE_RE = re.compile(
    rf"{_FIRST}(?i:(?P<kw>between|from)\s+)?(?P<a>{_NUM})"
    rf"(?:\s*(?P<sep>-|to|and|or)\s*)(?P<b>{_NUM})(?![\w]|\.\d|,\d)", re.UNICODE)
# "one" as a pronoun or in set phrases is not a count
_NOT_ONE = re.compile(
    r"(?i:\b(?:no|any|every|some|the|this|that|which|each|another|either|neither)\s+one\b"
    r"|\bone\s+(?:of|another|day|way|thing|hand|another's|or two|by one|another)\b"
    r"|\bone(?:'s|-off|-time)\b)")
_HEDGE_RE = re.compile(rf"(?i:\b(?P<hedge>{_HEDGES}))\s+$")

# Where _NUMBER_RE and _RANGE_RE can start: the _FIRST conditions (a character of its class
# not after a word character or a dot) and then a digit, a currency, or the start of a number
# word, "between" or "from" (case-insensitive). Trying the big patterns only there gives the
# matches of ``finditer`` at a fraction of the cost.
_CANDIDATE_RE = re.compile(r"[\d$£€¥abdefhmnostuABDEFHMNOSTUC](?<![\w.].)", re.UNICODE)
_HEAD_RE = re.compile(r"[\d$£€¥]|US\$|A\$|C\$|(?i:a[\s-]|one|two|twe|three|thirt|four|fort|five|fif|"
                      r"six|seven|eight|nine|ten|eleven|dozens|hundreds|thousands|millions|"
                      r"billions|between|from)", re.UNICODE)
_HEAD_WORDS = ("one", "two", "twe", "three", "thirt", "four", "fort", "five", "fif", "six",
               "seven", "eight", "nine", "ten", "eleven", "dozens", "hundreds", "thousands",
               "millions", "billions", "between", "from", "us$", "a$", "c$")
_A_RE = re.compile(r"[aA][\s-]")
_DIGITS_RE = re.compile(r"[\d$£€¥]+")
_CURRENCY = frozenset("$£€¥")
_FIRST_CHARS = frozenset("$£€¥abdefhmnostuABDEFHMNOSTUC")
# the only non-ASCII characters that case-insensitive matching takes for ASCII letters
_FOLDS_RE = re.compile("[\u0130\u0131\u017f\u212a]")


def _candidates(text: str) -> list[int]:
    """Offsets where _NUMBER_RE or _RANGE_RE may match, in order (a superset)."""
    low = text.lower()
    if len(low) != len(text) or not text.isascii() and _FOLDS_RE.search(text):
        return [c.start() for c in _CANDIDATE_RE.finditer(text) if _HEAD_RE.match(text, c.start())]
    found: list[int] = []
    for head in _HEAD_WORDS:
        i = low.find(head)
        while i >= 0:
            found.append(i)
            i = low.find(head, i + 1)
    found.extend(m.start() for m in _A_RE.finditer(text))
    for m in _DIGITS_RE.finditer(text):
        found.append(m.start())
        run = m.group()
        for k in range(1, len(run)):
            if run[k - 1] in _CURRENCY:
                found.append(m.start() + k)
    out = []
    for p in sorted(set(found)):
        ch = text[p]
        if ch not in _FIRST_CHARS and not ch.isdecimal():
            continue
        if p:
            prev = text[p - 1]
            if prev.isalnum() or prev == "_" or prev == ".":
                continue
        out.append(p)
    return out


def _finditer(pattern: re.Pattern[str], text: str,
              candidates: list[int] | None = None) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for _NUMBER_RE and _RANGE_RE, trying only candidate starts."""
    out: list[re.Match[str]] = []
    end = 0
    match = pattern.match
    for p in _candidates(text) if candidates is None else candidates:
        if p < end:
            continue
        m = match(text, p)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


_CURRENCY_PREFIX_RE = re.compile(r"^(US\$|A\$|C\$|[$£€¥])")
_CURRENCY_WORD_RE = re.compile(r"\s(?:pounds|dollars|euros|yen|rupees|yuan|francs)$")
_PERCENT_RE = re.compile(r"\s?(%|per ?cent|percentage points?)$")
_UNIT_RE = re.compile(r"\s(" + _UNIT_WORDS + r")$")
_MULT_RE = re.compile(r"(?:\s?(bn|mn|tn|m|k)|[\s-]+(hundred|thousand|million|billion|trillion))$")
_PLAIN_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_YEAR_RE = re.compile(r"(1[89]|20)\d\d")
# "[A-Za-z]-$" can only match in the last three characters (``$`` allows a final "\n")
_LETTER_HYPHEN_END = re.compile(r"[A-Za-z]-$")


@dataclass(frozen=True, slots=True)
class _Num:
    value: float
    low: float
    high: float
    unit: str | None
    mult: float


def _parse_number(s: str) -> _Num | None:
    """Value, range and unit of one number expression, or None."""
    raw = s.strip()
    if raw.isascii() and raw.isdigit():  # the common case, without the unit searches
        v = float(raw)
        return _Num(v, v, v, None, 1.0)
    unit: str | None = None
    m = _CURRENCY_PREFIX_RE.match(raw)
    if m:
        unit = m.group(1)
        raw = raw[m.end():]
    currency = unit is not None or bool(
        _CURRENCY_WORD_RE.search(raw.lower()))
    low_raw = raw.lower()
    um = _PERCENT_RE.search(low_raw)
    if um:
        unit = "%"
        low_raw = low_raw[:um.start()]
    else:
        um = _UNIT_RE.search(low_raw)
        if um:
            unit = unit or um.group(1)
            low_raw = low_raw[:um.start()]
    low_raw = low_raw.strip()
    if low_raw in _VAGUE:
        lo, hi = _VAGUE[low_raw]
        return _Num(float(lo), float(lo), float(hi), unit, 1.0)
    if low_raw == "a dozen":
        return _Num(12.0, 12.0, 12.0, unit, 1.0)
    mult = 1.0
    mm = _MULT_RE.search(low_raw)
    if mm:
        word = mm.group(1) or mm.group(2)
        if word in ("m", "k") and not currency:
            unit = unit or word  # "100m" without a currency: metres, not millions
        else:
            mult = _MULT[word]
        low_raw = low_raw[:mm.start()].strip()
    if _PLAIN_NUMBER_RE.fullmatch(low_raw):
        v = float(low_raw.replace(",", ""))
    elif low_raw in ("a", "one"):
        v = 1.0
    elif low_raw in _WORD_NUMS:
        v = float(_WORD_NUMS[low_raw])
    elif "-" in low_raw and low_raw.split("-")[0] in _WORD_NUMS:
        t, u = low_raw.split("-", 1)
        v = float(_WORD_NUMS[t] + (_UNITS_WORDS.index(u) + 1 if u in _UNITS_WORDS else 0))
    else:
        return None
    v *= mult
    return _Num(v, v, v, unit, mult)


def _year_like(s: str) -> bool:
    return bool(_YEAR_RE.fullmatch(s))


def find_quantities(norm: Normalized, original: str) -> list[Quantity]:
    """Numbers in ``norm.text`` as quantities with offsets in ``original``.

    Args:
        norm: the result of :func:`normalize` on ``original``.
        original: the text as the reader saw it.

    Returns:
        Quantities in text order; ranges are one quantity with ``low``/``high``; a
        hedge word before the number is kept in ``hedge`` but not in the span.
    """
    text = norm.text
    found: list[tuple[int, int, float, float, float, str | None]] = []
    # ranges taken, in text order and disjoint (``_finditer`` matches do not overlap), so
    # whether a span is free is one binary search: linear time overall, not quadratic
    range_starts: list[int] = []
    range_ends: list[int] = []

    candidates = _candidates(text)

    def free(s: int, e: int) -> bool:
        k = bisect.bisect_left(range_starts, e) - 1  # last range starting before e
        return k < 0 or range_ends[k] <= s

    for m in _finditer(_RANGE_RE, text, candidates):
        a, b = _parse_number(m.group("a")), _parse_number(m.group("b"))
        if a is None or b is None:
            continue
        sep, kw = m.group("sep").lower(), (m.group("kw") or "").lower()
        if sep == "and" and kw != "between" or sep == "to" and kw not in ("from", "") \
                or sep == "or":
            continue
        if sep == "-" and (_year_like(m.group("a")) or _LETTER_HYPHEN_END.search(text[max(0, m.start() - 3):m.start()])):
            continue
        if kw == "from" and sep != "to":
            continue
        lo, hi = a.low, b.high
        if a.mult == 1.0 and b.mult > 1.0 and lo * b.mult <= hi:
            lo *= b.mult  # "1.5 to 2 million": the multiplier applies to both ends
        if lo > hi:
            continue
        unit = b.unit or a.unit
        if unit is None and _year_like(m.group("a")) and _year_like(m.group("b")):
            unit = "year"
        found.append((m.start(), m.end(), lo, lo, hi, unit))
        range_starts.append(m.start())
        range_ends.append(m.end())
    for m in _finditer(_NUMBER_RE, text, candidates):
        s, e = m.start(), m.end()
        if not free(s, e):
            continue
        # skip things like "COVID-19", "F-16", "G7"
        if s and _LETTER_HYPHEN_END.search(text[max(0, s - 2):s]):
            continue
        if m.group().lower() == "one" and _NOT_ONE.search(text, max(0, s - 12), min(len(text), e + 12)):
            continue
        parsed = _parse_number(m.group())
        if parsed is None:
            continue
        v, lo, hi, unit = parsed.value, parsed.low, parsed.high, parsed.unit
        if unit is None and _year_like(m.group()):
            unit = "year"
        found.append((s, e, v, lo, hi, unit))
    found.sort()
    # repaired spans by start, with the running maximum of their ends: whether a quantity
    # overlaps one is a binary search (a scan of all of them made long texts quadratic)
    rep = sorted(norm.repaired)
    rep_starts = [rs for rs, _ in rep]
    rep_max_end: list[int] = []
    for _, re_ in rep:
        rep_max_end.append(max(re_, rep_max_end[-1]) if rep_max_end else re_)
    out: list[Quantity] = []
    for s, e, v, lo, hi, unit in found:
        hedge = None
        # a hedge word ends in a letter followed by spaces right before the number
        before = text[max(0, s - 30):s]
        hm = _HEDGE_RE.search(text, max(0, s - 30), s) \
            if before[-1:].isspace() and before.rstrip()[-1:].isalpha() else None
        if hm and (unit != "year"):
            hedge = hm.group("hedge").lower()
        os_, oe = norm.to_original(s, e)
        seg = original[os_:oe]
        k = bisect.bisect_left(rep_starts, oe)  # repaired spans starting before oe
        repaired = k > 0 and rep_max_end[k - 1] > os_
        out.append(Quantity(os_, oe, seg, v, lo, hi, hedge=hedge, unit=unit, repaired=repaired))
    return out
