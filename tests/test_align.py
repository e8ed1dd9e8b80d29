import re

import pytest

import unspin.aligner as align_mod
from unspin.aligner import align, units

SRC = (
    "The council approved the new budget on Monday after a long debate. "
    "Spending on roads will rise by 4,000 pounds next year. "
    "Critics said the plan ignores the needs of rural villages. "
    "The mayor promised a review of the decision in the spring. "
    "Local businesses welcomed the extra money for the town centre."
)


def _sent(text, needle):
    i = text.index(needle)
    return i


def test_units_of_ingested_text_have_damaged_thousands_whole():
    from unspin.ingest import from_text

    for damaged in ("4, 000", "4 000", "4 ,000"):
        art = from_text(f"about {damaged} people")  # ingestion repairs the number, once
        nums = [u for u in units(art.text) if u.kind == "number"]
        assert len(nums) == 1 and nums[0].key == "4000" and nums[0].text == "4,000"
        assert art.original[slice(*art.to_original(nums[0].start, nums[0].end))] == damaged
    art = from_text("in 2004 300 people")
    assert [u.key for u in units(art.text) if u.kind == "number"] == ["2004", "300"]


def test_identical_texts_one_passage():
    ps = align(SRC, SRC)
    assert len(ps) == 1
    p = ps[0]
    assert (p.copy_start, p.copy_end, p.source_start, p.source_end) == (0, len(SRC), 0, len(SRC))


def test_synonym_swaps_still_align():
    copy = (SRC.replace("approved", "endorsed").replace("debate", "discussion")
            .replace("Critics", "Opponents").replace("promised", "pledged").replace("welcomed", "greeted"))
    ps = align(copy, SRC)
    assert len(ps) == 1 and ps[0].copy_end == len(copy)


def test_reordered_sentences_give_separate_passages():
    sents = re.findall(r"[^.]+\.\s*", SRC)
    copy = "".join([sents[0], sents[2], sents[1], sents[3], sents[4]]).strip()
    ps = align(copy, SRC)
    # sentence 3 of the copy comes from sentence 2 of the source and vice versa
    assert len(ps) >= 3
    for p in ps:
        ct = copy[p.copy_start:p.copy_end]
        st = SRC[p.source_start:p.source_end]
        assert ct.split()[0] == st.split()[0]


def test_insertion_and_deletion_break_passages():
    sents = re.findall(r"[^.]+\.\s*", SRC)
    filler = "Unrelated weather news: heavy snow closed three airports in the north. "
    copy = "".join([sents[0], filler, sents[1], sents[3], sents[4]]).strip()
    ps = align(copy, SRC)
    spans = [(copy[p.copy_start:p.copy_end], SRC[p.source_start:p.source_end]) for p in ps]
    assert not any("snow" in c for c, _ in spans)
    assert not any("rural villages" in s for _, s in spans)
    assert len(ps) == 3


def test_split_and_merged_sentences():
    copy = ("The council approved the new budget on Monday. It came after a long debate. "
            "Spending on roads will rise by 4, 000 pounds next year, and critics said the plan ignores "
            "the needs of rural villages. The mayor promised a review of the decision in the spring. "
            "Local businesses welcomed the extra money for the town centre.")
    ps = align(copy, SRC)
    assert len(ps) == 1
    assert ps[0].copy_start == 0 and ps[0].copy_end == len(copy)
    assert ps[0].source_start == 0 and ps[0].source_end == len(SRC)


def test_unrelated_text_no_passages():
    other = "Quantum computers use qubits. Researchers in Zurich built a new chip with superconducting loops."
    assert align(other, SRC) == []


def test_top_level_function_and_module_are_distinct():
    import unspin

    assert not callable(align_mod) and unspin.align(SRC, SRC) == align(SRC, SRC)
    assert align_mod.plagdet is not None


@pytest.mark.parametrize("text", ["", "   ", "Hello."])
def test_degenerate_inputs(text):
    assert isinstance(align(text, SRC), list)


def test_pair_sums_equal_the_loop_for_long_texts(monkeypatch):
    """The sentence-pair scores from one bincount (short texts) and from the per-sentence loop
    (texts with very many sentences) are the same floats, in any order."""
    import json
    from pathlib import Path

    from unspin.ingest import from_text
    from unspin.synth import spin

    rows = [json.loads(x) for x in (Path(__file__).resolve().parent.parent / "samples" / "articles.jsonl")
            .read_text(encoding="utf-8").splitlines()[:4]]
    src = from_text(" ".join(r["text"] for r in rows))
    copy = from_text(spin(src, seed=3, swap_rate=0.35).text)
    cdoc, sdoc = align_mod._Doc(copy.text), align_mod._Doc(src.text)
    fast = sorted(align_mod._pair_scores(cdoc, sdoc))
    monkeypatch.setattr(align_mod, "_CELLS_MAX", 0)
    loop = sorted(align_mod._pair_scores(cdoc, sdoc))
    assert fast and fast == loop
    assert [type(x) for x in fast[0]] == [int, int, float, float, float]


@pytest.mark.parametrize("text", [
    "Don’t SAY “Yes”: 4,000 CO-OPERATE naïve Café.",
    "İstanbul and ΟΔΟΣ.Β ΣΑΣ’s words",  # a letter lower-cased to two; a capital sigma
    "ǅemal ﬁne STRASSE straße ΣΊΣΥΦΟΣ",
])
def test_unit_keys_are_each_word_lower_cased(text):
    """Word keys are the word lower-cased on its own (with ’ as '), whichever way units() reads them."""
    got = units(text)
    assert [u.key for u in got if u.kind == "word"] == [
        u.text.lower().replace("’", "'") for u in got if u.kind == "word"]
    assert all(u.key == u.text.replace(",", "") for u in got if u.kind == "number")
