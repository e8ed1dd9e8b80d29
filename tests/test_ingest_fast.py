"""The fast normalisation path gives exactly the articles of the per-character reference."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

import unspin.ingest.build as build
import unspin.normalize as normalize_module
from unspin.clutter import find_clutter, keep_ranges
from unspin.ingest import from_text
from unspin.models import Article, OffsetMap
from unspin.normalize import _normalize_reference, normalize

BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-dev.jsonl.gz"

# Invented texts covering every repair: quotes, dashes, spaces, line endings, combining
# marks, NFC singletons, damaged numbers, wrapped paragraphs, clutter, odd whitespace.
TEXTS = [
    "The council said on Tuesday that 12 000 homes would be built.\n\nWork starts in May.",
    "Plain ASCII text with one paragraph and no changes needed at all.",
    "  Leading spaces, trailing spaces   \n\n\n\nand  double  spaces\t\there.  ",
    "\u201cQuoted,\u201d she said \u2014 then left\u2026 It\u2019s \u2018fine\u2019.",
    "Scores rose 10\u201312 points; a range 3 \u2013 5; word\u2014word; end \u2015",
    "Cafe\u0301 and re\u0301sume\u0301 with combining marks, and \u212b and \u2000 here.",
    "Line one\r\nLine two\rLine three\u2028Line four\u2029Para five\x85six\x0bseven\x0ceight",
    "Zero\u200bwidth\u200cjoin\u200dand\u2060soft\u00adhyphen\ufeffBOM and \u00a0nbsp\u202fthin.",
    "About 4, 000 people and 3 500 000 euros; 101, 102 and 103; May 5, 200 people; "
    "12\u2009000 and 1,500,000 and 10 737-800 planes.",
    ("This paragraph is hard wrapped at about sixty characters so\n"
     "the lines should be joined back together into one line by\n"
     "the normaliser because most of them do not end sentences\n"
     "and they all have similar lengths.\n\nNext paragraph."),
    "Budget passes.\n\nTrending\nMan bites dog in town centre\nLocal team wins the cup again\n"
    "Weather turns cold for the weekend\n\nAdvertisement\n\nThe end of the story.",
    "Menu\nHome\nNews\nSport\nWeather\n\nA real first paragraph of the article, with a full stop.\n\n"
    "Share this article",
    "\ufeff\ufeffOnly BOMs \u00ab and guillemets \u00bb and prime \u2032 and \u2033 double.",
    "\u0301Leading combining mark after nothing, and \u2019\u0301 after a quote.",
    "\x1cfile\x1dseparators\x1e are\x1f spaces \u1680 ogham \u3000 ideographic.",
    "R\u00e9sum\u00e9 na\u00efve \u00a3100m \u20ac5bn \u00a512 \u4e2d\u6587 \ud55c\uad6d\uc5b4 \u0420\u0443\u0441\u0441\u043a\u0438\u0439.",
    "A repeated line that is long enough.\nA repeated line that is long enough.\nEnd.",
    "Between 10,000 and 12 000 jobs, from 3 to 5 years, about 1.5 million, twenty-five, "
    "a dozen, hundreds, more than 40% and up to $1.13bn (\u00a3600m) in 2004-2005.",
    "x",
    "\n\n\n",
    "   \t  ",
    "Trailing \u2014",
    "\u2014 leading dash and \u2013 en dash at 9\u201310.",
    # texts that only whitespace collapsing changes (the run-based path)
    "  Two  spaces\x1cand\x1f  separators  \n \n\n\n  then   more.  \n\n\n",
    ("A hard wrapped paragraph of plain ASCII text that goes on\n"
     "for several lines without ending any sentence at the break\n"
     "so that the lines are joined with single spaces again by\n"
     "the normaliser.\n\n\n\nSecond  paragraph\nwith a short line.\n - a bullet\n - another"),
    "No change at all.\n\nTwo paragraphs, \u00a3100 and caf\u00e9 \u4e2d\u6587.",
    "\n\n  Starts with blank lines and ends with spaces   ",
    "One\nline\nper\nword\n\n\nend",
]


def _positions_runs(positions: tuple[int, ...], original_length: int) -> OffsetMap:
    """``OffsetMap.from_positions`` as it was: one character at a time."""
    runs: list[tuple[int, int, int]] = []
    for i, p in enumerate(positions):
        if runs:
            ds, os_, n = runs[-1]
            if ds + n == i and os_ + n == p:
                runs[-1] = (ds, os_, n + 1)
                continue
        runs.append((i, p, 1))
    return OffsetMap(tuple(runs), len(positions), original_length)


def _plain_finditer(pattern: re.Pattern[str], text: str,
                    candidates: list[int] | None = None) -> list[re.Match[str]]:
    return list(pattern.finditer(text))


def _reference_article(text: str, monkeypatch: pytest.MonkeyPatch) -> Article:
    """The article built one character at a time, numbers found by a plain ``finditer``."""
    with monkeypatch.context() as m:
        m.setattr(build, "normalize", _normalize_reference)
        m.setattr(normalize_module, "_finditer", _plain_finditer)
        return from_text(text)


def _assert_same(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = from_text(text)
    slow = _reference_article(text, monkeypatch)
    assert fast.text == slow.text
    assert fast.sentences == slow.sentences
    assert fast.paragraphs == slow.paragraphs
    assert fast.clutter == slow.clutter
    assert fast.quantities == slow.quantities
    assert fast.id == slow.id
    assert fast.offset_map == slow.offset_map
    ref_map = _positions_runs(
        _normalize_reference(text, keep_ranges(len(text), list(fast.clutter))).positions, len(text))
    assert fast.offset_map == ref_map
    for i in range(len(fast.text) + 1):
        assert fast.offset_map.to_original(i) == ref_map.to_original(i)
        j = min(i + 3, len(fast.text))
        assert fast.to_original(i, j) == slow.to_original(i, j)
    assert fast == slow
    # normalize itself, with and without keep ranges
    for keep in (None, keep_ranges(len(text), find_clutter(text))):
        assert normalize(text, keep) == _normalize_reference(text, keep)


@pytest.mark.parametrize("text", TEXTS)
def test_fast_path_matches_reference(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same(text, monkeypatch)


def test_run_based_path_is_taken() -> None:
    taken = [t for t in TEXTS if normalize(t).runs is not None]
    assert len(taken) >= 6
    for t in taken:
        norm = normalize(t)
        assert norm.runs == _positions_runs(norm.positions, len(t)).runs


def test_quantities_false_only_drops_quantities() -> None:
    text = TEXTS[-6]
    with_q = from_text(text)
    without = from_text(text, quantities=False)
    assert with_q.quantities and not without.quantities
    assert without == Article(**{**{f: getattr(with_q, f) for f in with_q.__dataclass_fields__},
                                 "quantities": ()})


def test_read_quantities_false(tmp_path: Path) -> None:
    from unspin.ingest import read

    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "a", "text": TEXTS[0]}) + "\n", encoding="utf-8")
    (art,) = read(path)
    (bare,) = read(path, quantities=False)
    assert art.quantities and bare.quantities == ()
    assert art.text == bare.text and art.offset_map == bare.offset_map


@pytest.mark.skipif(not BBC.exists(), reason="BBC development corpus (../shared) not available")
def test_fast_path_matches_reference_on_bbc(monkeypatch: pytest.MonkeyPatch) -> None:
    with gzip.open(BBC, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= 300:
                break
            text = json.loads(line)["text"]
            fast = from_text(text)
            slow = _reference_article(text, monkeypatch)
            assert fast == slow
            ref_map = _positions_runs(
                _normalize_reference(text, keep_ranges(len(text), list(fast.clutter))).positions,
                len(text))
            assert fast.offset_map == ref_map
            for i in range(len(fast.text) + 1):
                assert fast.offset_map.to_original(i) == ref_map.to_original(i)


def _split_sentences_reference(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``split_sentences`` as it was, with a regex search for the word before each stop."""
    import re

    from unspin.text import _ABBREV, _SENT_END

    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        ls, le = start + line.start(), start + line.end()
        cur = ls
        for m in _SENT_END.finditer(text, ls, le):
            cut = m.end()
            word = re.search(r"([\w.]+)\.$", text[cur:m.start() + 1])
            if m.group().startswith(".") and word:
                w = word.group(1).lower()
                if w in _ABBREV or len(w) == 1:
                    continue
            nxt = re.match(r"\s*(\S)", text[cut:le])
            if nxt and nxt.group(1).islower():
                continue
            spans.append((cur, cut))
            cur = cut
        if cur < le:
            spans.append((cur, le))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


SENTENCE_TEXTS = [
    "Mr. Smith met Dr. J. Doe at 3 p.m. on Jan. 5. They talked! Did they? Yes.",
    "The U.S. and the U.K. agreed, e.g. on trade. i.e. nothing. A.B.C. x_y. Done.",
    "He said \"No.\" Then left.) Next (one.) end... and more... Then... Fine.",
    "Caf\u00e9. \u00c9cole. 3.5. v1.2. a.b. St. Ives. no. 5 is. Co. Ltd. Inc.",
    "line one.\nline two. lower case after. Upper after.\n\n  spaced .  Out.",
]


@pytest.mark.parametrize("text", SENTENCE_TEXTS + TEXTS)
def test_split_sentences_matches_reference(text: str) -> None:
    from unspin.text import split_sentences

    assert split_sentences(text) == _split_sentences_reference(text)
    third = len(text) // 3
    assert split_sentences(text, third, 2 * third) == _split_sentences_reference(text, third, 2 * third)


NUMBER_TEXTS = [
    "\u017fix f\u0131ve Five FIVE US$5 A$ C$3 a dozen A-hundred a  thousand between 3 and 4 "
    "From 2 to 3 \u0663\u0664 x5 .5 5.5 a.5 $two \u00a3three \u20ac4 \u00a55 thou\u017fands",
    "Eleven, TWELVE; twenty-one; Ninety-nine hundred; one-off; no one; 1,000,000.5; 10-12; "
    "2004-2005; F-16 and COVID-19; G7; 3,4 and 5; about 40% to 50%; up to 2.5bn; 100m.",
]


@pytest.mark.parametrize("text", NUMBER_TEXTS + TEXTS)
def test_candidate_finditer_matches_finditer(text: str) -> None:
    from unspin.normalize import _NUMBER_RE, _RANGE_RE, _finditer

    for x in (text, normalize(text).text):
        for pattern in (_RANGE_RE, _NUMBER_RE):
            assert [(m.span(), m.group()) for m in _finditer(pattern, x)] == \
                [(m.span(), m.group()) for m in pattern.finditer(x)]


def test_quantities_false_reaches_every_corpus_kind(tmp_path: Path) -> None:
    from unspin.ingest import read

    csv_path = tmp_path / "c.csv"
    csv_path.write_text('id,text\na,"About 4, 000 people came."\n', encoding="utf-8")
    json_path = tmp_path / "c.json"
    json_path.write_text(json.dumps([{"id": "b", "text": TEXTS[0]}]), encoding="utf-8")
    txt_path = tmp_path / "c.txt"
    txt_path.write_text(TEXTS[0], encoding="utf-8")
    for path in (csv_path, json_path, txt_path):
        (art,) = read(path)
        (bare,) = read(path, quantities=False)
        assert art.quantities and bare.quantities == ()
        assert bare.text == art.text and bare.sentences == art.sentences
