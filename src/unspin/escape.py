"""Neutralise what article text must not do on a terminal or in a report.

Crawled text and index metadata can carry terminal escape sequences (``ESC]0;title``,
``ESC[2J``) and bidirectional overrides (U+202E makes "evil\u202eexe.txt" read
"eviltxt.exe"). They are shown as visible ``\\uXXXX`` escapes instead: in JSON output the
same six characters decode back to the original character, so nothing is lost.
"""

from __future__ import annotations

import re

__all__ = ["BIDI_AND_CONTROLS", "SafeStream", "for_report", "for_terminal"]

#: C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates and marks
BIDI_AND_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# sequences unspin's own output uses: colours (kept with ``keep_ours="colour"``) and, on
# stderr, the progress bar's cursor moves and line erase (``keep_ours="progress"``)
_COLOUR = r"\x1b\[[0-9;]*m|\r"
_PROGRESS = _COLOUR + r"|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[[0-9]*[AG]"
_TERMINAL = {"colour": re.compile(_COLOUR + "|" + BIDI_AND_CONTROLS.pattern),
             "progress": re.compile(_PROGRESS + "|" + BIDI_AND_CONTROLS.pattern)}


def _visible(ch: str) -> str:
    return f"\\u{ord(ch):04x}"


def for_terminal(text: str, *, keep_ours: str | None = None) -> str:
    """``text`` with control characters and bidi controls as visible ``\\uXXXX``.

    Args:
        text: what is about to be written to a terminal.
        keep_ours: ``"colour"`` keeps colour sequences, ``"progress"`` also the cursor and
            line-erase sequences of a progress bar (for a whole rendered stream that unspin
            wrote); an OSC, a screen clear or a bare ESC from the data is still escaped.
    """
    if keep_ours:
        return _TERMINAL[keep_ours].sub(lambda m: m.group() if len(m.group()) > 1 or m.group() == "\r"
                             else _visible(m.group()), text)
    return BIDI_AND_CONTROLS.sub(lambda m: _visible(m.group()), text)


def for_report(text: str) -> str:
    """``text`` for an HTML report (before HTML escaping): the same visible escapes."""
    return BIDI_AND_CONTROLS.sub(lambda m: _visible(m.group()), text)


class SafeStream:
    """A text stream that writes through :func:`for_terminal` (the CLI wraps stdout and
    stderr in it, so no command can forward an escape sequence from the data)."""

    def __init__(self, inner: object, keep_ours: str):
        self._inner = inner
        self._keep = keep_ours

    def write(self, s: str) -> int:
        self._inner.write(for_terminal(s, keep_ours=self._keep) if isinstance(s, str) else s)  # type: ignore[attr-defined]
        return len(s)

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)
