"""Tests of unspin.Pipeline and the two halves of trace (issue 11)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import unspin
from unspin import MemoryIndex, Options, Pipeline
from unspin.index import Index
from unspin.ingest import from_text
from unspin.models import Article
from unspin.pipeline import ErrorResult
from unspin.reader import IndexReader
from unspin.synth import spin
from unspin.tracer import Candidate, retrieve, trace, verify

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def arts() -> list[Article]:
    path = SAMPLES / "articles.jsonl"
    if not path.exists():
        pytest.skip("samples/articles.jsonl is missing")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.append(from_text(r["text"], id=r["id"], title=r["title"], url=r["url"], site=r["site"],
                             published=r["published"]))
    return out


@pytest.fixture(scope="module")
def db(arts: list[Article], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ix") / "s.unspin"
    with Index.open(path, create=True) as ix:
        ix.add(arts)
    return path


def _suspect(a: Article, seed: int = 1, published: str | None = None) -> Article:
    copy = spin(a, seed=seed, swap_rate=0.3)
    return from_text(copy.text, id=f"sus-{a.id}-{seed}", input=f"spun:{a.id}", published=published)


def test_readers_implement_the_protocol(arts: list[Article], db: Path) -> None:
    with Index.open(db, readonly=True) as ix:
        assert isinstance(ix, IndexReader)
    assert isinstance(MemoryIndex(arts), IndexReader)


def test_memory_index_traces_like_the_sqlite_index(arts: list[Article], db: Path) -> None:
    mem = pickle.loads(pickle.dumps(MemoryIndex(arts)))  # it pickles (broadcast, cache)
    assert len(mem) == len(arts)
    with Index.open(db, readonly=True) as ix:
        for k, a in enumerate(arts[:6]):
            sus = _suspect(a, k)
            r1, r2 = trace(sus, ix), trace(sus, mem)
            assert [s.id for s in r1.sources] == [s.id for s in r2.sources] and r1.sources
            assert r1.sources == r2.sources


def test_retrieve_then_verify_is_trace(arts: list[Article], db: Path) -> None:
    sus = _suspect(arts[3])
    with Index.open(db, readonly=True) as ix:
        cands = retrieve(ix, sus)
        assert cands and all(isinstance(c, Candidate) and c.article is not None for c in cands)
        assert verify(sus, cands).sources == trace(sus, ix).sources
        # verify is pure: the candidate texts alone (as a join or a cache supplies them) suffice
        by_id = {a.id: a for a in arts}
        plain = verify(sus, [by_id[c.id] for c in cands])
        assert [s.id for s in plain.sources] == [s.id for s in trace(sus, ix).sources]


def test_an_indexed_article_is_not_its_own_source(arts: list[Article], db: Path) -> None:
    with Index.open(db, readonly=True) as ix:
        for a in arts[:5]:
            r = trace(a, ix)
            assert a.id not in [s.id for s in r.sources]
            # same body under another id (content hash) is the article itself too
            same = from_text(a.original, id="other-id", published=a.published)
            assert a.id not in [s.id for s in trace(same, ix).sources]
            # ... unless asked for
            assert trace(a, ix, exclude_self=False).sources[0].id == a.id


def test_exclude_ids_and_published_before(arts: list[Article], db: Path) -> None:
    a = next(x for x in arts if x.published)
    sus = _suspect(a)
    with Index.open(db, readonly=True) as ix:
        assert trace(sus, ix).sources[0].id == a.id
        assert a.id not in [s.id for s in trace(sus, ix, exclude_ids=[a.id]).sources]
        day = a.published[:10] if a.published else ""
        assert trace(sus, ix, published_before=day).sources[0].id == a.id  # same day is allowed
        assert a.id not in [s.id for s in trace(sus, ix, published_before="1990-01-01").sources]
        assert a.id not in [c.id for c in retrieve(ix, sus, unspin.options.TraceOptions(
            published_before="1990-01-01"))]


def test_dates_compared_as_dates(arts: list[Article], db: Path) -> None:
    a = next(x for x in arts if x.published)
    day = (a.published or "")[:10]
    year, month, dd = day.split("-")
    month_name = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"][int(month) - 1]
    later = f"{month_name} {int(dd)}, {int(year) + 1}"  # a later date, written out
    with Index.open(db, readonly=True) as ix:
        r = trace(_suspect(a, published=later), ix)
    assert r.sources[0].id == a.id and r.sources[0].published_after_suspect is False


def test_pipeline_methods_return_records(arts: list[Article], db: Path) -> None:
    nlp = Pipeline(Options(), index=db)
    sus = _suspect(arts[1])
    r = nlp.trace(sus.text)  # a string is the text
    assert isinstance(r, unspin.TraceResult) and r.sources[0].id == arts[1].id
    d = nlp.diff(sus, arts[1])
    assert isinstance(d, unspin.DiffResult) and d.changes
    al = nlp.align(sus, arts[1])
    assert al.passages and al.source_id == arts[1].id
    assert nlp.extract(sus.text).text == sus.text
    nlp.close()


def test_pipeline_trace_with_changes_reuses_the_traced_texts(arts: list[Article], db: Path) -> None:
    with Pipeline(Options().replace(trace={"changes": True}), index=db) as nlp:
        r = nlp.trace(_suspect(arts[2]))
    assert r.summary is not None and r.changes and r.diff is not None


def test_pipe_jobs2_equals_one_at_a_time(arts: list[Article], db: Path) -> None:
    items: list[object] = [_suspect(a, k) for k, a in enumerate(arts[:5])]
    items.insert(2, 12345)  # a bad input: an error record, the batch goes on
    nlp = Pipeline(index=db)
    one = list(nlp.pipe(items, task="trace"))
    two = list(nlp.pipe(items, task="trace", jobs=2))
    assert len(one) == len(two) == len(items)
    assert one == two
    assert isinstance(one[2], ErrorResult) and one[2].index == 2 and one[2].error == "TypeError"
    assert [r.sources[0].id for r in one if isinstance(r, unspin.TraceResult)] == [a.id for a in arts[:5]]
    nlp.close()


def test_pipe_refuses_unknown_task() -> None:
    with pytest.raises(unspin.UnspinError, match="unknown task"):
        list(Pipeline().pipe(["x"], task="nope"))


def test_trace_report_is_evidence(arts: list[Article], db: Path) -> None:
    from unspin.report import render_trace_html

    a = next(x for x in arts if x.published and x.url)
    sus = from_text(spin(a, seed=4, swap_rate=0.3).text, id="sus", input="spun.txt",
                    published="2031-01-02", title="A different headline")
    with Pipeline(Options().replace(trace={"changes": True}), index=db) as nlp:
        r = nlp.trace(sus)
        page = render_trace_html(r, headline=sus.title)
        assert a.url and a.url in page and (a.title or "") in page and (a.published or "")[:10] in page
        assert "the source, by" in page and f"{r.sources[0].score:.2f}" in page
        assert "A different headline" in page and unspin.__version__ in page and "Made by unspin" in page
        assert r._repr_html_().startswith("<!DOCTYPE html>")
        assert r.diff is not None and "Fact changes" in r.diff._repr_html_()
        # no source: the report still shows the source-free check
        other = from_text("Quantum computers use qubits instead of bits. Researchers built a chip "
                          "that keeps its state for a full second, the team said on Friday.")
        none = nlp.trace(other)
        chk = nlp.check(other)
        page = render_trace_html(none, check=chk)
        assert "No source in the index" in page and "Does it read like spun text?" in page
        assert chk.verdict in chk._repr_html_()


def test_compare_is_verify_both_ways(arts: list[Article]) -> None:
    """``Pipeline.compare`` (the scan's verification) agrees with ``verify`` in each direction."""
    nlp = Pipeline()
    src, other = arts[0], arts[5]
    copy = from_text(spin(src.text, seed=3, swap_rate=0.3).text)
    c = nlp.compare(copy, src)
    one = nlp.verify(copy, [src], exclude_self=False)
    back = nlp.verify(src, [copy], exclude_self=False)
    assert c.a_in_b and c.copy and one.sources and c.a_by_b == one.sources[0].coverage
    assert c.b_in_a and back.sources and c.b_by_a == back.sources[0].coverage
    assert not nlp.compare(copy, other).copy
