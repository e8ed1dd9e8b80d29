"""unspin.synth: the ground truth is exact for every edit kind, and spinning is deterministic."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import same_output_across_hash_seeds
from unspin import lexicon
from unspin.errors import UnspinError
from unspin.models import Article
from unspin.synth import (
    EDIT_KINDS,
    FACT_SUBTYPES,
    Case,
    Edit,
    SpinConfig,
    SpunCopy,
    make_dataset,
    read_dataset,
    spin,
    verify,
    write_dataset,
)
from unspin.text import STOPWORDS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import SYNTHETIC_SMALL, build_synthetic_small, load_samples  # noqa: E402

SEEDS = range(6)


@pytest.fixture(scope="module")
def samples() -> list[Article]:
    return load_samples()


@pytest.fixture(scope="module")
def spun(samples: list[Article]) -> list[tuple[SpunCopy, dict[str, Article]]]:
    """Many copies: every sample article, several seeds, every spinner, some stitched."""
    by_id = {a.id: a for a in samples}
    out = []
    spinners = ("mixed", "thesaurus", "embedding")
    for seed in SEEDS:
        for i, a in enumerate(samples):
            second = samples[(i + seed + 1) % len(samples)] if seed % 3 == 2 else None
            c = spin(a, seed=seed, swap_rate=(0.1, 0.35, 0.6)[seed % 3], spinner=spinners[(i + seed) % 3],
                     fact_edits=1 + seed % 4, second_source=second)
            out.append((c, by_id))
    return out


def independent_check(copy: SpunCopy, sources: dict[str, Article]) -> None:
    """Re-derive the exactness claims without ``synth.verify``."""
    text = copy.text
    for e in copy.edits:
        assert e.kind in EDIT_KINDS
        assert text[e.copy_start:e.copy_end] == e.copy_text
        if e.kind in ("insertion", "clutter"):
            assert e.source_start == e.source_end == -1 and e.source_text == ""
        else:
            assert sources[e.source_id].text[e.source_start:e.source_end] == e.source_text
        if e.kind == "omission":
            assert e.copy_start == e.copy_end and e.copy_text == ""
        if e.kind == "fact":
            assert e.subtype in FACT_SUBTYPES
        else:
            assert e.subtype is None
    # inside each case: undo the edits in the copy, and the source passage comes back
    covered = [False] * len(text)
    for c in copy.cases:
        inner = sorted((e for e in copy.edits if e.kind != "omission" and e.source_id == c.source_id
                        and c.copy_start <= e.copy_start and e.copy_end <= c.copy_end),
                       key=lambda e: e.copy_start)
        rebuilt, pos = [], c.copy_start
        for e in inner:
            rebuilt.append(text[pos:e.copy_start])
            rebuilt.append(e.source_text)
            pos = e.copy_end
        rebuilt.append(text[pos:c.copy_end])
        assert "".join(rebuilt) == sources[c.source_id].text[c.source_start:c.source_end]
        for k in range(c.copy_start, c.copy_end):
            covered[k] = True
    # outside the cases: whitespace, inserted sentences and clutter only
    for e in copy.edits:
        if e.kind in ("insertion", "clutter"):
            for k in range(e.copy_start, e.copy_end):
                assert not covered[k]
                covered[k] = True
    assert all(cov or ch.isspace() for ch, cov in zip(text, covered, strict=True))
    if copy.clutter_start is not None:
        assert any(e.kind == "clutter" and e.copy_start == copy.clutter_start for e in copy.edits)


def test_truth_is_exact_for_every_copy(spun):
    for copy, sources in spun:
        assert verify(copy, sources) == [], copy.id
        independent_check(copy, sources)


def test_every_edit_kind_and_fact_subtype_is_made_and_exact(spun):
    kinds: Counter[str] = Counter()
    subtypes: Counter[str] = Counter()
    for copy, sources in spun:
        for e in copy.edits:
            kinds[e.kind] += 1
            if e.subtype:
                subtypes[e.subtype] += 1
            # per kind: the copy span holds the new text, the source span the old
            assert copy.text[e.copy_start:e.copy_end] == e.copy_text
            if e.source_start >= 0:
                assert sources[e.source_id].text[e.source_start:e.source_end] == e.source_text
    assert set(kinds) == set(EDIT_KINDS), kinds
    assert set(subtypes) == set(FACT_SUBTYPES), subtypes
    details = {e.detail for c, _ in spun for e in c.edits}
    for d in ("thesaurus", "embedding", "nationality", "person", "place", "ordinal", "weekday", "month",
              "split", "merge", "comma_space", "space_separator"):
        assert d in details, d


SPEAKER_CASES = [  # (text, name, new name, speaker position?)
    ("The plan will work, said John Smith on Monday.", "John Smith", "Mary Kim", True),
    ("Officials hope the plan will work, John Smith said.", "John Smith", "Mary Kim", True),
    ("Defence Minister Lukas Venner told reporters the talks would go on.", "Lukas Venner", "Ana Duarte", True),
    ("Prices will rise, according to Mr Smith, who runs the shop.", "Smith", "Cooper", True),
    ("The dam is nearly built, said the Daily Herald in a report.", "Daily Herald", "Morning Post", True),
    ("Prices are up, he said. Lord Browne pointed out that costs rose.", "Browne", "Smith", False),
    ("John Smith visited the plant on Monday with two aides.", "John Smith", "Mary Kim", False),
    ("The minister met Irena Solvik and said the talks went well.", "Irena Solvik", "Ana Duarte", False),
]


@pytest.mark.parametrize("text,name,new,speaker", SPEAKER_CASES)
def test_name_swap_in_speaker_position_is_attribution_as_diff_sees_it(text, name, new, speaker):
    """synth labels a name swapped next to "said"/"told"/"according to" attribution, with the
    speaker-position rule diff applies (vocab.SPEAKER_BEFORE/SPEAKER_AFTER), so the truth and
    diff agree on the label."""
    from unspin.differ import diff
    from unspin.synth import _name_subtype

    s = text.index(name)
    label = _name_subtype(text, s, s + len(name), new)
    assert label == ("attribution" if speaker else "entity")
    copy = text[:s] + new + text[s + len(name):]
    facts = [c.subtype for c in diff(copy, text).changes if c.kind == "fact"]
    assert facts == [label]


def test_person_swaps_are_labelled_by_speaker_position(spun):
    from unspin.synth import _name_subtype

    for copy, sources in spun:
        for e in copy.edits:
            if e.kind == "fact" and e.detail == "person":
                text = sources[e.source_id].text
                assert e.subtype == _name_subtype(text, e.source_start, e.source_end, e.copy_text), e


def test_synonym_swaps_spare_proper_nouns_numbers_and_stopwords(spun):
    for copy, sources in spun:
        for e in copy.edits_of("synonym"):
            old = e.source_text
            assert old.lower() not in STOPWORDS and not any(ch.isdigit() for ch in old)
            if old[0].isupper():  # only a sentence's first word may be capitalised
                before = sources[e.source_id].text[:e.source_start].rstrip(" \"'“‘(")
                assert not before or before[-1] in ".!?\n:", (old, before[-30:])
            assert e.copy_text.lower() != old.lower()


def test_swap_rate_is_close_to_requested(samples):
    for rate in (0.1, 0.35, 0.6):
        got = [spin(a, seed=5, swap_rate=rate).swap_rate for a in samples]
        assert abs(sum(got) / len(got) - rate) < 0.05, (rate, got)


def test_number_mangling_keeps_the_value(spun):
    for copy, _ in spun:
        for e in copy.edits_of("number_format"):
            assert e.copy_text.replace(" ", "").replace(",", "") == e.source_text.replace(",", "")
            assert e.copy_text != e.source_text


def test_clutter_repeats_a_line_and_starts_at_clutter_start(spun):
    for copy, _ in spun:
        assert copy.clutter_start is not None
        lines = copy.text[copy.clutter_start:].split("\n")
        assert len(lines) - 1 > len(set(lines[1:]))  # one headline twice
        assert copy.text[copy.clutter_start - 1] == "\n"


def test_stitched_copies_use_both_sources(spun):
    stitched = [c for c, _ in spun if len(c.source_ids) == 2]
    assert stitched
    for c in stitched:
        assert {case.source_id for case in c.cases} == set(c.source_ids)


def test_same_seed_same_copy_other_seed_other_copy(samples):
    a = samples[0]
    one, two = spin(a, seed=7), spin(a, seed=7)
    assert one.to_json() == two.to_json()
    assert spin(a, seed=8).text != one.text


def test_deterministic_across_hash_seeds(samples, tmp_path):
    code = ("import sys, hashlib; sys.path.insert(0, 'benchmarks'); from common import load_samples;"
            "from unspin.synth import spin; a = load_samples();"
            "print(hashlib.sha256(''.join(spin(x, seed=3, second_source=a[0]).to_json() for x in a[:4]).encode()).hexdigest())")
    assert same_output_across_hash_seeds(code)


def test_string_input_and_config_object():
    text = ("South Korean intelligence estimated on Monday that about 4,000 troops had been sent. "
            "The meeting in Seoul was the first of its kind, officials said.\n"
            "President Kim Jong Un did not comment. The peace talks will resume in June, "
            "and the army said 12,000 more soldiers were ready.")
    from unspin.ingest import from_text

    c = spin(text, config=SpinConfig(swap_rate=0.5, fact_edits=3), seed=1)
    assert isinstance(c, SpunCopy) and len(c.source_ids) == 1
    src = {c.source_ids[0]: from_text(text)}
    assert verify(c, src) == []
    assert c.config.swap_rate == 0.5
    assert len(c.edits_of("fact")) == 3


def test_no_edits_config_gives_the_source_back(samples):
    a = samples[3]
    c = spin(a, seed=1, swap_rate=0.0, fact_edits=0, mangle_numbers=False, reorder=False, split_merge=False,
             drop=0, insert=0, clutter=False, reword_rate=0.0)
    assert c.text == a.text.strip() or c.text == a.text
    assert c.edits == ()
    assert len(c.cases) == 1


def test_config_is_validated():
    with pytest.raises(UnspinError):
        SpinConfig(swap_rate=1.5)
    with pytest.raises(UnspinError):
        SpinConfig(spinner="magic")


def test_records_round_trip(samples):
    c = spin(samples[1], seed=2)
    assert SpunCopy.from_dict(json.loads(c.to_json())) == c
    assert isinstance(c.edits[0], Edit) and isinstance(c.cases[0], Case)


def test_verify_catches_a_wrong_span(samples):
    c = spin(samples[2], seed=4)
    sources = {samples[2].id: samples[2]}
    e = c.edits_of("synonym")[0]
    bad = Edit(e.kind, e.subtype, e.detail, e.copy_start + 1, e.copy_end + 1, e.source_id, e.source_start,
               e.source_end, e.copy_text, e.source_text)
    broken = SpunCopy(c.id, c.text, c.source_ids, tuple(bad if x is e else x for x in c.edits), c.cases,
                      c.clutter_start, c.seed, c.config, c.content_words)
    assert verify(broken, sources)
    dropped = SpunCopy(c.id, c.text, c.source_ids, tuple(x for x in c.edits if x is not e), c.cases,
                       c.clutter_start, c.seed, c.config, c.content_words)
    assert any("unrecorded change" in p for p in verify(dropped, sources))


def test_embedding_swaps_are_not_antonyms():
    from unspin.synth import embedding_candidates

    assert "fall" not in embedding_candidates("rise")
    assert "decrease" not in embedding_candidates("increase")
    assert "short" not in embedding_candidates("long")


def test_thesaurus_swaps_reach_the_seed_cases_words():
    from unspin.synth import thesaurus_candidates

    for old, new in (("peace", "serenity"), ("troops", "army"), ("meeting", "appointment")):
        assert new in {lexicon.inflect(c, s) for c, s in thesaurus_candidates(old)}


def test_dataset_round_trip_and_byte_identical(samples, tmp_path):
    copies = make_dataset(samples[:3], rates=(0.3,), seed=9, stitch=True)
    write_dataset(copies, samples, tmp_path / "a")
    write_dataset(make_dataset(samples[:3], rates=(0.3,), seed=9, stitch=True), samples, tmp_path / "b")
    for f in sorted((tmp_path / "a").rglob("*")):
        if f.is_file():
            assert f.read_bytes() == (tmp_path / "b" / f.relative_to(tmp_path / "a")).read_bytes()
    back, sources = read_dataset(tmp_path / "a")
    assert [c.id for c in back] == sorted(c.id for c in copies)
    assert all(verify(c, sources) == [] for c in back)


def test_cli_writes_byte_identical_output_twice(tmp_path):
    from unspin.cli import main

    src = ROOT / "samples" / "articles.jsonl"
    for out in ("one", "two"):
        assert main(["synth", str(src), "--out", str(tmp_path / out), "--seed", "5", "--rate", "0.35",
                     "--limit", "3", "--stitch"]) == 0
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert len(files) == 5  # 3 copies, sources.jsonl, truth.json
    for rel in files:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes()
    truth = json.loads((tmp_path / "one" / "truth.json").read_text())
    assert len(truth["copies"]) == 3


def test_shipped_synthetic_set_regenerates_byte_identical(tmp_path):
    build_synthetic_small(tmp_path)
    shipped = sorted(p.relative_to(SYNTHETIC_SMALL) for p in SYNTHETIC_SMALL.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert shipped == fresh
    for rel in shipped:
        assert (SYNTHETIC_SMALL / rel).read_bytes() == (tmp_path / rel).read_bytes(), (
            f"{rel} differs: regenerate with `.venv/bin/python benchmarks/eval_synth.py --write-small`")


def test_unknown_setting_is_an_error(samples):
    with pytest.raises(UnspinError, match="swaprate"):
        spin(samples[0], seed=1, swaprate=0.3)


def test_spinning_the_real_seed_page_keeps_the_truth_exact(seed_path):
    from unspin.ingest import from_text

    source = from_text(seed_path.read_text(encoding="utf-8"))  # what spin(str) reads: spans index its text
    for seed in range(3):
        c = spin(seed_path.read_text(encoding="utf-8"), seed=seed, fact_edits=4)
        assert c.source_ids == (source.id,)
        assert verify(c, [source]) == []
