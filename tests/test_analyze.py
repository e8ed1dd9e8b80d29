"""Tests of unspin.analyze: one pass for terms and token ids (issue 16), and the index's use of it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from unspin.analyze import KEY_RE, analyze, hash_keys
from unspin.index import Index, IndexParamsError, keyed_tokens
from unspin.ingest import from_text
from unspin.text import STOPWORDS, split_sentences

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "articles.jsonl"
TEXT = ("About 4, 000 dead; 12 000 fled. In 2004, 100 people met Dr. Varn’s aides at 12:30 "
        "and 3.50 rose 7% in the co-operative's shares.\nA second line, with \x01 a control char.")


def _texts() -> list[str]:
    out = [TEXT]
    if SAMPLES.exists():
        out += [json.loads(x)["text"] for x in SAMPLES.read_text(encoding="utf-8").splitlines()]
    return out


def _reference(text: str, spans: list[tuple[int, int]]) -> list[list[str]]:
    """Keys sentence by sentence with the shared token pattern alone (no fast paths)."""
    text = text.replace("\x01", " ")
    return [KEY_RE.findall(text[s:e].lower().replace("’", "'")) for s, e in spans]


@pytest.mark.parametrize("k", range(4))
def test_tokens_and_counts_match_the_shared_tokenizer(k: int) -> None:
    texts = _texts()
    if k >= len(texts):
        pytest.skip("samples not present")
    text = texts[k]
    spans = split_sentences(text)
    an = analyze(text, spans, words=True)
    ref = _reference(text, spans)
    assert an.counts.tolist() == [len(r) for r in ref]
    flat = [key for r in ref for key in r]
    assert len(an.hashes) == len(flat)
    # equal keys, equal ids; different keys, different ids (on this text)
    ids: dict[str, int] = {}
    for key, h in zip(flat, an.hashes.tolist(), strict=True):
        assert ids.setdefault(key, h) == h
    assert len(set(ids.values())) == len(ids)
    assert an.words is not None
    assert an.words.tolist() == [sum(1 for x in r if x[0].isalnum()) for r in ref]


def test_terms_are_content_words_and_canonical_numbers() -> None:
    from unspin.ingest import from_text

    text = from_text(TEXT, strip_clutter=False).text  # ingestion repairs "4, 000" and "12 000"
    assert "4,000" in text and "12,000" in text
    an = analyze(text, split_sentences(text))
    assert {"4000", "12000", "2004", "100", "12:30", "3.5", "7%", "varn's", "co-operative's",
            "dead", "fled"} <= an.terms
    assert not an.terms & STOPWORDS
    assert "2004100" not in an.terms and "a" not in an.terms
    # the terms agree with keyed_tokens, the slow reference of the index's number keys
    for text in (from_text(t, strip_clutter=False).text for t in _texts()):
        expect = {key for tok, key in keyed_tokens(text)
                  if tok.kind == "number" or (tok.kind == "word" and len(key) >= 2 and key not in STOPWORDS)}
        assert analyze(text, split_sentences(text)).terms == expect


def test_hashes_are_stable_across_processes() -> None:
    keys = ["the", "north", "korean", "4,000", ",", "’", "zelenskyy", "é"]
    here = hash_keys(keys).tolist()
    code = ("import json, sys; from unspin.analyze import hash_keys; "
            f"print(json.dumps(hash_keys({keys!r}).tolist()))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert json.loads(out.stdout) == here
    assert len(set(here)) == len(keys)


def test_empty_and_odd_inputs() -> None:
    an = analyze("", [])
    assert len(an.hashes) == 0 and len(an.counts) == 0 and not an.terms
    an = analyze("... !!", [(0, 6)], words=True)
    assert an.counts.tolist() == [5] and an.words is not None and an.words.tolist() == [0]


def test_index_stores_the_token_ids_trace_reads(tmp_path: Path) -> None:
    arts = [from_text(t, id=f"t{i}") for i, t in enumerate(_texts()[:5])]
    with Index.open(tmp_path / "x.unspin", create=True) as ix:
        ix.add(arts)
        for a in ix.iter_articles():
            counts, ids = a.token_ids()
            an = analyze(a.text, list(a.sentences))
            assert np.array_equal(counts, an.counts) and np.array_equal(ids, an.hashes)


@pytest.mark.parametrize("old", ["1", "2", "3"])  # 2: postings keyed by term text; 3: a row per term
def test_old_index_format_asks_for_a_rebuild(tmp_path: Path, old: str) -> None:
    db = tmp_path / "old.unspin"
    with Index.open(db, create=True) as ix:
        ix.add([from_text(TEXT, id="a")])
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'format_version'", (old,))
    conn.commit()
    conn.close()
    with pytest.raises(IndexParamsError, match=f"format {old}") as exc:
        Index.open(db, readonly=True)
    assert "rebuild" in (exc.value.hint or "")


def test_optimize_merges_blocks_and_keeps_results(tmp_path: Path) -> None:
    from unspin.tracer import trace

    texts = _texts()
    arts = [from_text(t, id=f"t{i}") for i, t in enumerate(texts)]
    db = tmp_path / "x.unspin"
    with Index.open(db, create=True) as ix:
        ix.add(arts, batch_size=2, optimize=False)
        before = ix.stats()["posting_blocks"]
        post_before = ix.postings(sorted(ix.document_frequencies(["dead", "fled", "4000"])))
        res_before = [trace(a, ix) for a in arts[:3]]
        after = ix.optimize()
        assert after < before
        post_after = ix.postings(sorted(post_before))
        assert {t: v.tolist() for t, v in post_before.items()} == {t: v.tolist() for t, v in post_after.items()}
        assert [trace(a, ix) for a in arts[:3]] == res_before
        # a later add keeps working on the merged table
        ix.add([from_text("A brand new article about tides and 77 harbours. It has two sentences.", id="new")])
        assert ix.postings(["harbours"])["harbours"].tolist() == [len(arts) + 1]


def test_jobs_build_the_same_index(tmp_path: Path) -> None:
    arts = [from_text(t, id=f"t{i}") for i, t in enumerate(_texts())]
    arts.append(from_text("   ", id="empty"))
    got = []
    for jobs in (1, 2):
        with Index.open(tmp_path / f"j{jobs}.unspin", create=True) as ix:
            c = ix.add(arts, jobs=jobs, batch_size=3)
            rows = ix.conn.execute("SELECT rowid, id, hash, text, sents, toks FROM articles ORDER BY rowid").fetchall()
            post = ix.conn.execute("SELECT grp, chunk, dir, data FROM postings ORDER BY grp, chunk").fetchall()
            got.append((c, rows, post))
    assert got[0] == got[1]
    assert got[0][0].failed == 1 and got[0][0].added == len(arts) - 1


def test_optimize_gives_the_merged_pages_back(tmp_path: Path) -> None:
    arts = [from_text(f"{t}\nRun {i} of the harbour report, number {i * 7919}.", id=f"t{i}")
            for i, t in enumerate(_texts() * 4)]
    with Index.open(tmp_path / "x.unspin", create=True) as ix:
        ix.add(arts, batch_size=2, optimize=False)
        ix.optimize()
        assert ix.conn.execute("PRAGMA freelist_count").fetchone()[0] == 0


def test_many_texts_at_once_give_each_text_its_own_analysis() -> None:
    from unspin.analyze import analyze_many, pack

    texts = [*_texts(), "", "   ", "Σ ends. 4, 000 and 12 000\x01 at the end 123", "a_b 1_2 ½ ² x-1 co-op 5%% 1.2.3"]
    items = [(t, split_sentences(t)) for t in texts]
    b = analyze_many(items, words=True)
    assert len(b) == len(texts)
    for i, (t, spans) in enumerate(items):
        one = analyze(t, spans, words=True)
        assert set(b.article_terms(i)) == one.terms
        assert b.packed(i) == pack(one.counts, one.hashes)
        s0, s1 = b.sent_off[i], b.sent_off[i + 1]
        assert b.words is not None and one.words is not None
        assert b.words[s0:s1].tolist() == one.words.tolist()


def test_a_nul_character_reads_as_a_space(tmp_path: Path) -> None:
    text = "Troops \x00 moved north. A second sentence here."
    an = analyze(text, split_sentences(text))
    assert an.terms == analyze(text.replace("\x00", " "), split_sentences(text)).terms
    with Index.open(tmp_path / "x.unspin", create=True) as ix:
        assert ix.add([from_text(text, id="nul")]).added == 1
