"""Page clutter in plain text: link lists, headline lists and repeated lines glued to an article.

Text copied from a web page often carries the page's furniture along with the article: a
"Trending" or "Related" heading followed by a list of headlines, bare runs of short headline
lines, bullet lists of links, "Advertisement" lines, a line repeated by a broken widget.
:func:`find_clutter` finds such blocks and reports each as a
:class:`~unspin.models.Clutter` with offsets into the text and the reason, so nothing is
dropped silently. The rules are deliberately conservative; a short real paragraph ends with
sentence punctuation and is never taken for a headline:

1. **Heading-led block**: a line that is a known furniture heading ("Trending", "Related
   stories", "Most read", "Read more", "You may also like", ...) together with the run of
   list-like lines after it (bullets, or short lines that do not end a sentence). A heading
   alone is reported as a single line.
2. **Headline list**: a run of at least three short headline-like lines (3-25 words, no
   sentence-final punctuation) or at least two bullet lines of that shape, that is not
   followed by prose, i.e. at the end of the text or before another clutter block, and
   whose lines do not share a data-like shape (most lines with " v ", " - ", a leading
   number, parentheses, semicolons: results, winners, fixtures and rankings are real lists).
   Also in text mode: a menu of four or more short labels (1-3 words each: "Home", "News",
   "Share", "Print") at the very start or end of the text.
3. **Boilerplate line**: "Advertisement", "Share this article", "Sign up for our
   newsletter", "Click here to ...", and (text mode) copyright lines; and inline link lines
   such as "READ MORE: Council approves budget" (a link label, a colon, a headline).
4. **Repeated lines**: a line (at least 15 characters) that repeats the line just before
   it; a run of three or more lines that repeat earlier lines (a duplicated block of prose,
   lines of 60 characters on average: short repeated lines are lists and tables).
   Other repeats are kept: recipes, interviews, tables and fixture lists repeat real lines.

In ``mode="html"`` (text already extracted from a page by trafilatura, which removes most
furniture itself) rule 2 is off and rule 3 is narrower, as noted: lists in extracted
articles are usually real (checked on the extraction benchmark, see docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from unspin.models import Clutter

__all__ = ["find_clutter", "keep_ranges"]

_HEADINGS = re.compile(
    r"^(?:trending(?: now| stories| news| articles)?|related(?: stories| articles| posts| news|"
    r" content| topics| coverage| links| reading)?|most (?:read|popular|viewed|shared|watched)"
    r"(?: stories| articles)?|popular(?: now| stories| articles| posts)?|read more|read also|"
    r"also read|see also|more (?:stories|news|articles|from [\w .'-]{1,40}|on this story|"
    r"on this topic|like this)|you (?:may|might) also (?:like|be interested in|enjoy)|"
    r"recommended(?: for you| stories| articles| reading)?|top stories|latest(?: news| stories|"
    r" articles| headlines)?|editor'?s? picks?|don'?t miss|what to read next|read next|"
    r"trending on [\w .'-]{1,40}|in other news|further reading|sponsored(?: content| stories)?|"
    r"around the web|from (?:the|our) (?:web|partners)|tags?|topics|share this(?: article| story)?)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored|share(?: this)?(?: article| story| page)?|"
    r"share on (?:facebook|twitter|x|whatsapp|linkedin)|sign up (?:for|to) (?:our|the) .{0,60}|"
    r"subscribe(?: now| to .{0,60})?|click here .{0,80}|follow us on .{0,60}|"
    r"skip to (?:main )?content|"
    r"scroll to continue(?: with content)?|continue reading(?: below)?|story continues below"
    r"(?: advertisement)?|loading\.{0,3})\s*$",
    re.IGNORECASE,
)
_INLINE_LINK = re.compile(
    r"^(?P<label>read more|read also|also read|related|see also|recommended|watch|listen|"
    r"read|trending|most read)\s*[:|\u00bb>]\s*\S.{2,200}$", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:(?:copyright|\u00a9|\(c\))\s.{0,120}|all rights reserved\.?)\s*$",
                        re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25cf\u2013\u2014>\u00bb]|\d{1,2}[.)])\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*\s*$|[\"\u201d]\s*$")


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def bullet(self) -> bool:
        return bool(_BULLET.match(self.text))

    @property
    def n_words(self) -> int:
        return len(self.text.split())

    @property
    def headline_like(self) -> bool:
        """Short, not a sentence: a headline or link text."""
        s = self.stripped
        body = _BULLET.sub("", s, count=1) if self.bullet else s
        n = len(body.split())
        if not 3 <= n <= 25 or len(body) > 180:
            return False
        return not _SENTENCE_END.search(body)

    @property
    def listish(self) -> bool:
        """A line that may belong to a link list after a furniture heading."""
        if self.bullet:
            body = _BULLET.sub("", self.stripped, count=1)
            return len(body.split()) <= 30 and len(body) <= 220
        return self.headline_like or (1 <= self.n_words <= 3 and not _SENTENCE_END.search(self.text))


_SHAPES = (
    re.compile(r"\s(?:v|vs\.?)\s"),  # fixtures: "Arsenal v Chelsea"
    re.compile(r"\s[-\u2013\u2014]\s"),  # "Best actor - Name"
    re.compile(r"^\(?\d"),  # rankings, numbered results
    re.compile(r"\([^)]*\)"),  # "Name (Country)", "Show (Channel)"
    re.compile(r";"),
    re.compile(r",.*,"),  # several commas: data rows
)


def _structured(members: list[_Line]) -> bool:
    """True when most lines share a data-like shape: a real list (results, winners,
    fixtures, rankings) rather than a list of unrelated headlines."""
    bodies = [_BULLET.sub("", m.stripped, count=1) for m in members]
    return any(sum(bool(shape.search(b)) for b in bodies) >= 0.6 * len(bodies)
               for shape in _SHAPES)


def _run(order: list[int], pred: Callable[[int], bool]) -> list[int]:
    """The leading items of ``order`` for which ``pred`` holds."""
    out = []
    for x in order:
        if not pred(x):
            break
        out.append(x)
    return out


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append(_Line(pos, pos + len(body), body))
        pos += len(raw)
    return out


def _block(lines: list[_Line], i: int, j: int, text: str, reason: str) -> Clutter:
    start, end = lines[i].start, lines[j].end
    # trim leading whitespace of the first line so the block starts at its first character
    while start < end and text[start].isspace():
        start += 1
    return Clutter(start, end, text[start:end], reason)


def find_clutter(text: str, *, mode: Literal["text", "html"] = "text") -> list[Clutter]:
    """Find page furniture in ``text``.

    Args:
        text: the article text as the reader saw it (``Article.original``).
        mode: ``"text"`` for text copied from a page (all rules), ``"html"`` for text that
            an extractor already cleaned (no bare headline-list rule).

    Returns:
        Non-overlapping clutter blocks in text order, offsets into ``text``.
    """
    lines = _lines(text)
    n = len(lines)
    flagged: list[tuple[int, int, str]] = []  # line index ranges (inclusive) and reason
    used = [False] * n
    i = 0
    # rule 1: heading-led blocks; rule 3: boilerplate lines
    while i < n:
        ln = lines[i]
        s = ln.stripped
        if s and _HEADINGS.match(s):
            j = i
            k = i + 1
            while k < n:
                if lines[k].blank:
                    if k + 1 < n and not lines[k + 1].blank and lines[k + 1].listish:
                        k += 1
                        continue
                    break
                if not lines[k].listish:
                    break
                j = k
                k += 1
            count = j - i
            label = s.rstrip(":").strip()
            reason = (f"link list under the heading {label!r} ({count} line{'s' * (count != 1)})"
                      if count else f"page furniture heading {label!r}")
            flagged.append((i, j, reason))
            for x in range(i, j + 1):
                used[x] = True
            i = j + 1
            continue
        if s and (_BOILERPLATE.match(s) or (mode == "text" and _COPYRIGHT.match(s))):
            flagged.append((i, i, "boilerplate line"))
            used[i] = True
        elif s and (m := _INLINE_LINK.match(s)) and not _SENTENCE_END.search(s):
            flagged.append((i, i, f"inline link line {m.group('label')!r}"))
            used[i] = True
        i += 1
    # rule 2: bare headline lists not followed by prose
    if mode == "text":
        i = 0
        while i < n:
            if used[i] or not (lines[i].headline_like or
                               (lines[i].bullet and lines[i].listish)):
                i += 1
                continue
            j = i
            k = i + 1
            while k < n and not used[k]:
                if lines[k].blank:
                    k += 1
                    continue
                if lines[k].headline_like or (lines[k].bullet and lines[k].listish):
                    j = k
                    k += 1
                    continue
                break
            members = [x for x in range(i, j + 1) if not lines[x].blank]
            bullets = sum(lines[x].bullet for x in members)
            rest = [x for x in range(j + 1, n) if not lines[x].blank and not used[x]]
            at_end = not rest
            if at_end and (len(members) >= 3 or (len(members) >= 2 and bullets == len(members))) \
                    and not _structured([lines[x] for x in members]):
                reason = (f"list of {len(members)} "
                          f"{'bullet' if bullets == len(members) else 'short headline'} lines")
                flagged.append((i, j, reason))
                for x in range(i, j + 1):
                    used[x] = True
            i = j + 1
        # rule 2b: menus of short labels ("Home", "News", "Share", "Print") at either end
        single = {a for a, b, _ in flagged if a == b}  # boilerplate lines may be menu items

        def is_label(x: int) -> bool:
            ln = lines[x]
            return (x in single or not used[x]) and 1 <= ln.n_words <= 3 and \
                len(ln.stripped) <= 30 and not _SENTENCE_END.search(ln.text) and \
                not re.search(r"[\d()]", ln.text)

        body = [x for x in range(n) if not lines[x].blank and (x in single or not used[x])]
        for run in (_run(body, is_label), _run(body[::-1], is_label)):
            if 4 <= len(run) < len(body) and any(not used[x] for x in run):
                a, b = min(run), max(run)
                flagged[:] = [f for f in flagged if not a <= f[0] <= b]
                flagged.append((a, b, f"menu of {len(run)} short labels"))
                for x in range(a, b + 1):
                    used[x] = True
    # rule 4: repeated lines. A line repeating the line just before it, and a run of three
    # or more prose lines repeating earlier ones (a duplicated block). Repeated lines
    # elsewhere are kept: recipes, interviews, tables and fixture lists repeat real lines.
    seen: set[str] = set()
    keys = [" ".join(ln.stripped.split()).lower() for ln in lines]
    repeat = [False] * n
    prev_key = ""
    for x, key in enumerate(keys):
        if not key:
            continue
        repeat[x] = key in seen and len(key) >= 15
        if repeat[x] and not used[x] and key == prev_key:
            flagged.append((x, x, "repeated line"))
            used[x] = True
        seen.add(key)
        prev_key = key
    x = 0
    while x < n:
        if not repeat[x] or used[x]:
            x += 1
            continue
        y = x
        members = [x]
        while y + 1 < n and (not keys[y + 1] or (repeat[y + 1] and not used[y + 1])):
            y += 1
            if keys[y]:
                members.append(y)
        while y > x and not keys[y]:
            y -= 1
        mean_len = sum(len(keys[m]) for m in members) / len(members)
        if len(members) >= 3 and mean_len >= 60:
            flagged.append((x, y, f"repeated block of {len(members)} lines"))
            for z in range(x, y + 1):
                used[z] = True
        x = y + 1
    flagged.sort()
    return [_block(lines, a, b, text, reason) for a, b, reason in flagged]


def keep_ranges(length: int, clutter: list[Clutter]) -> list[tuple[int, int]]:
    """The ranges of a text of ``length`` characters that are not clutter, in order."""
    out = []
    pos = 0
    for c in sorted(clutter, key=lambda c: c.start):
        if c.start > pos:
            out.append((pos, c.start))
        pos = max(pos, c.end)
    if pos < length:
        out.append((pos, length))
    return out
