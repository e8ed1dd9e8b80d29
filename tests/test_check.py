"""unspin.check: source-free spin detection (issue 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin import check as check_fn
from unspin.checker import CheckResult, Flag, check, to_json_dict
from unspin.ingest import from_text, read

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "articles.jsonl"
SEED_PHRASES = ("Soviet military causes", "facilitating serenity", "US Presidents Zelenskyy",
                "maintaining our appearance", "12 000 army", "appointment in Vatican City",
                "members of the motherland", "second significant issue")


def samples() -> list[dict]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_exported_from_package():
    import unspin

    assert unspin.check is check_fn is check
    assert "check" in unspin.__all__


def test_seed_case(seed_path):
    art = next(read(str(seed_path)))
    res = check(art)
    assert res.verdict == "spun", res.spin_score
    flagged = []
    suggested = 0
    for phrase in SEED_PHRASES:
        at = art.original.find(phrase)
        assert at >= 0, phrase
        over = [f for f in res.flags if f.start < at + len(phrase) and at < f.end]
        if over:
            flagged.append(phrase)
            suggested += any(f.suggestion for f in over)
    assert len(flagged) >= 5, flagged
    assert suggested >= 3
    # the Trending list is page clutter: never flagged
    clutter_start = min(c.start for c in res.clutter)
    assert all(f.start < clutter_start for f in res.flags)


def test_flags_index_the_original_text():
    # damaged numbers and curly quotes: Article.text differs from Article.original
    text = ("Kestrian Presidents Irena Solvik said on Monday that about 4, 000 troopers had gone to "
            "the boundary, and that the serenity talks in Lisbon had split up without a contract.\n"
            "“We came to talk about serenity,” she stated, “and we were responded with armoured pillars.”\n")
    art = from_text(text)
    assert art.text != art.original
    res = check(art)
    assert res.flags
    for f in res.flags:
        assert text[f.start:f.end] == f.text
        assert f.reason
    kinds = {f.kind for f in res.flags}
    assert "agreement" in kinds
    num = [f for f in res.flags if "4, 000" in f.text]
    assert num and num[0].suggestion is not None and "4,000" in num[0].suggestion
    assert any(q.repaired for q in res.quantities)


def test_clean_invented_articles_are_not_spun():
    verdicts = [check(from_text(rec["text"], id=rec["id"])).verdict for rec in samples()]
    assert "spun" not in verdicts
    assert verdicts.count("clean") >= len(verdicts) - 2


def test_plain_string_input():
    rec = samples()[2]
    res = check(rec["text"])
    assert isinstance(res, CheckResult)
    assert 0.0 <= res.spin_score <= 1.0
    assert res.verdict in ("spun", "unsure", "clean")


def test_spun_invented_text_is_flagged():
    synth = pytest.importorskip("unspin.synth")
    recs = samples()
    scores_clean, scores_spun, verdicts = [], [], []
    for k, rec in enumerate(recs[:6]):
        src = from_text(rec["text"], id=rec["id"])
        copy = synth.spin(src, seed=k, swap_rate=0.35, spinner="mixed")
        res = check(from_text(copy.text))
        scores_spun.append(res.spin_score)
        scores_clean.append(check(src).spin_score)
        verdicts.append(res.verdict)
        assert res.verdict != "clean", (rec["id"], res.spin_score)
        swaps = [e for e in copy.edits if e.kind == "synonym"]
        found = sum(any(f.start < e.copy_end and e.copy_start < f.end for f in res.flags) for e in swaps)
        assert found >= 0.4 * len(swaps)
    # synth's swaps keep the word's sense since issue 9, session 4 (no more "glasses" for
    # "readers"): subtler copies, 2 of these 6 called "spun", the others "unsure", none "clean"
    assert verdicts.count("spun") >= 2, verdicts
    assert min(scores_spun) > max(scores_clean)


def test_suspect_sample_is_spun():
    art = next(read(str(ROOT / "samples" / "suspect.txt")))
    res = check(art)
    assert res.verdict == "spun"
    texts = " | ".join(f.text for f in res.flags)
    assert "serenity" in texts and "12 000" in texts


def test_json_fields_and_round_trip():
    res = check(from_text("The serenity talks split up without a contract after the appointment.\n",
                          id="x"))
    d = to_json_dict(res)
    for key in ("input", "spin_score", "verdict", "flags", "clutter", "quantities"):
        assert key in d
    for f in d["flags"]:
        assert {"start", "end", "text", "suggestion", "reason"} <= set(f)
    json.dumps(d)
    again = CheckResult.from_dict(json.loads(res.to_json()))
    assert again == res
    assert all(isinstance(f, Flag) for f in again.flags)


def test_deterministic():
    rec = samples()[0]
    a = check(from_text(rec["text"]))
    b = check(from_text(rec["text"]))
    assert a == b


def test_empty_text():
    res = check(from_text("   \n"))
    assert res.verdict == "clean" and res.flags == ()
