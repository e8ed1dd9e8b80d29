"""``unspin._fastscan.sentences`` (C, issue 16) against ``unspin.text._split_sentences_py``, the
Python reference it replaces in ``split_sentences``: the same spans for every input."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

import unspin.text as text_mod
from unspin.text import _ABBREV, _split_sentences_py, split_sentences

try:
    from unspin import _fastscan
except ImportError:  # pragma: no cover - no C compiler at install
    _fastscan = None  # type: ignore[assignment]

fast = getattr(_fastscan, "sentences", None)
needs_c = pytest.mark.skipif(fast is None, reason="unspin._fastscan.sentences is not built")

ROOT = Path(__file__).resolve().parent.parent

# sentence ends, closers, abbreviations and initials, spaces of every kind (\s but not "\n",
# and "\n"), letters whose case tests or lower-casing are unusual (İ lower-cases to two
# characters, Σ by context, ǅ is title-case), digits of other scripts, astral characters
ALPHABET = (list(".!?\"'”’)]") + list(" \t\n\r\x0b\x0c\x1c\x1f\x85\u00a0\u1680\u2003\u2028\u2029\u3000\u200b")
            + list("aZmMrsSuUeEgijJkKx_1305") + ["İ", "Σ", "ς", "ǅ", "é", "É", "ß", "١", "²", "½", "Ⅻ", "中",
                                                 "😀", "𝟘", "\u0301", "\x00", "\ud800", "«", "»", "(", "[", "-"]
            + ["Mr", "Dr", "U.S", "e.g", "i.e", "No", "St", "Jan", "a.m", " the", " The", "...", "?!"])

HOSTILE = [
    "", " ", "  \t ", "\n", "\n\n", "\n \n", ".", "..", "...", "!", "?", "?!", "!?.", ". ", " . ", "a.", "A.",
    "\u2003", "\u00a0", "\u2028", "a.\u2003B", "a.\u00a0B", "a.\u2028B", "a.\u200bB", "a.\x85B", "a.\x1cB",
    "He went to the U.S. on Monday. Then he left.", "See e.g. the note. It helps.", "i.e. this. And that.",
    "Mr. Smith met Dr. Jones. They spoke.", "J. K. Rowling wrote it. She did.", "By J.K. Rowling. Yes.",
    "Wait... What? Really?! Yes.", "He said: \"Go.\" Then he went.", "(It rained.) We stayed.",
    "It was ‘fine.’ We left.", "It was “fine.” We left.", "[Sic.] Next.", "Price rose 3.5 percent. Good.",
    "No. 10 said so. Fine.", "Version 2.0. Next one.", "x_y. Z.", "İ. Next.", "İstanbul. Next.", "ΣΑΣ. Next.",
    "ΟΔΟΣ. Next.", "Σ. Next.", "Straße. Next.", "ǅ. Next", "É. Next.", "ÉTÉ. Next.", "café. next.",
    "a. b. c. D. E.", "end. lower case follows. Upper Follows.", "Hi!  \u2003 there. OK.", "😀. Next. 😀",
    "Hi 😀! Bye.", "𝟘. Next.", "١٢٣. Next.", "½. Next.", "Ⅻ. Next.", "中文。 中文. 中文.", "a.\nb.\n\nC. D.",
    "trailing space.   ", "   leading space. Yes.", "a .b. C", "Etc. Etc.", "U.S.A. Next.", "u.s. next.",
    "\x00. \x00.", "a\ud800. B.", "\ud800. B.", "Mr.\tSmith. Mrs.\u00a0Jones.", "e.g.) Next.", "a.) B.",
    "a.\") B.", "x.’ Y", "x?’ Y", "x!” Y", "x.”’) Y", "x.\"z Y. Z.", "x.\".Y. Z", "a...b... C", "a?.b. C.",
]


def _texts() -> list[str]:
    out = list(HOSTILE)
    for path in sorted((ROOT / "samples").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                t = json.loads(line).get("text")
                if isinstance(t, str):
                    out.append(t)
    return out


# sentence ends and spaces drawn more often, so that most texts hold several candidate ends
COMMON = list(". . . ! ? \" ’ ) \n") + [" ", " ", " ", "a", "b", "Mr", "J", "The", "e.g", "U.S", "\u2003"]


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET if rng.random() < 0.5 else COMMON) for _ in range(rng.randint(0, 48)))
            for _ in range(n)]


@needs_c
def test_samples_and_hostile_texts_equal_the_python_code() -> None:
    texts = _texts()
    assert len(texts) > len(HOSTILE)  # the samples were read
    for t in texts:
        assert fast(t, 0, len(t), _ABBREV) == _split_sentences_py(t), t
        assert split_sentences(t) == _split_sentences_py(t), t


@needs_c
def test_random_texts_equal_the_python_code() -> None:
    for t in _random_texts(6000, 16):
        assert fast(t, 0, len(t), _ABBREV) == _split_sentences_py(t), ascii(t)


@needs_c
def test_start_and_end_equal_the_python_code() -> None:
    texts = [t for t in HOSTILE if len(t) < 30] + _random_texts(150, 17)
    for t in texts:
        n = len(t)
        for start in (-5, -1, 0, 1, 2, n // 2, n - 1, n, n + 3):
            for end in (None, -3, -1, 0, 1, 3, n // 2, n - 2, n - 1, n, n + 7, sys.maxsize):
                want = _split_sentences_py(t, start, end)
                assert split_sentences(t, start, end) == want, (ascii(t), start, end)
    t = "Aa. Bb. Cc.\nDd? Ee! Ff."
    for start in range(len(t) + 1):
        for end in range(len(t) + 1):
            assert fast(t, start, end, _ABBREV) == _split_sentences_py(t, start, end), (start, end)


@needs_c
def test_every_string_kind_and_a_str_subclass() -> None:
    class S(str):
        pass

    base = "Mr. A met Dr. B. They spoke! Then? e.g. this. J. K. Done."
    for extra in ("", "é\u00a0", "\u2003Σ", "😀\u2028"):  # 1-, 1-, 2- and 4-byte strings
        for t in (base + extra + base, extra + base, S(extra + base)):
            assert fast(t, 0, len(t), _ABBREV) == _split_sentences_py(t), ascii(t)


@needs_c
def test_another_abbreviation_set_with_words_lower_casing_longer(monkeypatch: pytest.MonkeyPatch) -> None:
    abbrev = frozenset({"i̇st", "straße", "οδος", "ab", "x.y", "e.g"})
    monkeypatch.setattr(text_mod, "_ABBREV", abbrev)
    for t in ["İst. Next. STRASSE. Straße. Next", "ΟΔΟΣ. Next. AB. Cd. X.Y. Z", "İ. Next. e.G. F"]:
        assert fast(t, 0, len(t), abbrev) == _split_sentences_py(t) == split_sentences(t), t
    for t in _random_texts(500, 18):
        assert fast(t, 0, len(t), abbrev) == _split_sentences_py(t), ascii(t)


@needs_c
def test_any_set_of_abbreviations_and_switching_between_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The C code keeps the last frozenset's ASCII words in a table: other sets (a mutable set,
    one with a non-str member, words longer than the table holds, none) give the Python answer
    too, also when calls alternate between them."""
    long_word = "abcdefghijklmnopqrstu"  # longer than the C table's words
    sets: list[frozenset[object] | set[object]] = [
        _ABBREV, set(_ABBREV), frozenset(), frozenset({long_word, "abcdefghijklmno", "x"}),
        frozenset({*_ABBREV, 7}), set(_ABBREV) - {"mr"}, frozenset(_ABBREV - {"u.s"})]
    texts = [f"{long_word}. Next. Abcdefghijklmno. Next. Mr. A. U.S. B.", *_random_texts(300, 19)]
    for rnd in range(2):
        for k, abbrev in enumerate(sets if rnd == 0 else sets[::-1]):
            monkeypatch.setattr(text_mod, "_ABBREV", abbrev)
            for t in texts:
                assert fast(t, 0, len(t), abbrev) == _split_sentences_py(t), (k, ascii(t))


@needs_c
def test_a_finalizer_splitting_with_another_set_meanwhile() -> None:
    """The collector may run a finalizer inside a call (the C code makes tuples); one that splits
    with another set replaces the C table of abbreviations: the outer call must not use it."""
    import gc

    others = [frozenset({"word"}), frozenset(), set(_ABBREV)]
    calls = []

    class Bomb:
        def __init__(self, k: int) -> None:
            self.k, self.me = k, self  # a cycle: freed by the collector

        def __del__(self) -> None:
            calls.append(fast("word. Next. Mr. X.", 0, 18, others[self.k % 3]))

    t = ("Mr. Smith met Dr. Jones. word. They spoke. " * 100 + "\n") * 4
    want = _split_sentences_py(t)
    old = gc.get_threshold()
    gc.set_threshold(5, 1, 1)
    try:
        for _ in range(40):
            for k in range(20):
                Bomb(k)
            assert fast(t, 0, len(t), _ABBREV) == want
    finally:
        gc.set_threshold(*old)
        gc.collect()
    assert len(calls) > 100


@needs_c
def test_bad_arguments_are_refused() -> None:
    assert fast is not None
    with pytest.raises(TypeError):
        fast("a. B", 0, 4, ["a"])
    with pytest.raises(TypeError):
        fast(b"a. B", 0, 4, _ABBREV)
    with pytest.raises(TypeError):
        fast("a. B", 0.0, 4, _ABBREV)
    with pytest.raises(OverflowError):
        fast("a. B", 0, 1 << 70, _ABBREV)


@needs_c
def test_every_short_string_of_a_small_alphabet() -> None:
    small = [".", "!", "\"", " ", "\n", "a", "B", "Mr", "\u2003"]
    for n in range(6):
        for chars in itertools.product(small, repeat=n):
            t = "".join(chars)
            assert fast(t, 0, len(t), _ABBREV) == _split_sentences_py(t), ascii(t)


@needs_c
@pytest.mark.parametrize("pattern", ["a.{c}B", "a.{c}", "Xy. {c}", "{c}. B", "{c}a{c}", "a. {c}{c}b"])
def test_character_classes_equal_the_python_code(pattern: str) -> None:
    """Each code point where whitespace, a word character, a lower-case letter or a letter
    lower-casing to two counts, one per line (lines split alone): every code point below
    U+3100, those where str.isspace or len(str.lower()) != 1, and every 61st of the rest.
    (All 1,114,111 pass too; that takes the Python code half a minute.)"""
    cps = [chr(c) for c in range(0x110000) if c != 10 and (
        c < 0x3100 or c % 61 == 0 or chr(c).isspace() or len(chr(c).lower()) != 1)]
    t = "\n".join(pattern.format(c=c) for c in cps)
    assert fast(t, 0, len(t), _ABBREV) == _split_sentences_py(t)


def test_bbc_texts_equal_the_python_code() -> None:
    if fast is None:
        pytest.skip("unspin._fastscan.sentences is not built")
    # ../shared from the project root, or from a worktree one level deeper (as benchmarks/common.py)
    bbc = next((p / "shared" / "data" / "bbc-dev.jsonl.gz" for p in (ROOT.parent, ROOT.parent.parent)
                if (p / "shared" / "data" / "bbc-dev.jsonl.gz").exists()), None)
    if bbc is None:
        pytest.skip("needs ../shared/data/bbc-dev.jsonl.gz (development corpus, not in the repository)")
    with gzip.open(bbc, "rt", encoding="utf-8") as f:
        for k, line in enumerate(f):
            if k >= 300:
                break
            t = json.loads(line)["text"]
            assert fast(t, 0, len(t), _ABBREV) == _split_sentences_py(t)


def test_pure_python_switch_uses_the_python_code() -> None:
    code = ("import unspin.text as t; assert t._FAST_SENTENCES is None; "
            "assert t.split_sentences('Mr. A. B c. D') == t._split_sentences_py('Mr. A. B c. D'); print('ok')")
    env = dict(os.environ, UNSPIN_PURE_PYTHON="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
    if fast is not None:
        env["UNSPIN_PURE_PYTHON"] = "0"
        code = "import unspin.text as t; print(t._FAST_SENTENCES is not None)"
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "True"
