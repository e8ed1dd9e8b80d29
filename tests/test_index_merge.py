"""The posting merge policy of unspin.index (issue 16): the runs a lookup reads stay few however
the index was built, merges keep every posting, an interrupted merge changes nothing, and
``index check`` validates the runs table."""

from __future__ import annotations

import itertools
import random
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest

import unspin.analyze as analyze_mod
import unspin.index as index_mod
from unspin.analyze import decode_group, posting_groups
from unspin.cli import main
from unspin.index import Index, article_terms
from unspin.ingest import from_text
from unspin.models import Article

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from index_crash import make_corpus  # noqa: E402


def _simulate(adds: list[list[int]]) -> tuple[list[int], int, int]:
    """The policy on posting sizes alone: the runs after all the adds, the most runs seen
    after any add, and the bytes the merges wrote."""
    runs: list[int] = []
    most = written = 0

    def apply(plan: tuple[int, int] | None) -> bool:
        nonlocal written
        if plan is None:
            return False
        i, j = plan
        written += sum(runs[i:j])
        runs[i:j] = [sum(runs[i:j])]
        return True

    for add in adds:
        for b in add:
            runs.append(b)
            while apply(index_mod._next_merge(runs)):
                pass
        if apply(index_mod._tail_merge(runs, sum(add))):
            while apply(index_mod._next_merge(runs)):
                pass
        most = max(most, len(runs))
    return runs, most, written


@pytest.mark.parametrize("seed", range(6))
def test_policy_keeps_runs_logarithmic_and_merge_bytes_n_log_n(seed: int) -> None:
    rng = random.Random(seed)
    mb = 1 << 20
    # adds of 1 to 40 batches of 1 KB to 8 MB, some of single tiny batches
    adds = [[rng.choice((1 << 10, rng.randint(1, 8 * mb))) for _ in range(rng.choice((1, 1, rng.randint(1, 40))))]
            for _ in range(400)]
    runs, most, written = _simulate(adds)
    total = sum(map(sum, adds))
    classes = index_mod._size_class(total) + 1
    f = index_mod._MERGE_FACTOR
    assert most <= (f - 1) * classes + 1, (most, classes)
    cls = [index_mod._size_class(s) for s in runs]
    assert cls == sorted(cls, reverse=True)  # never a larger class after a smaller one
    # each byte is rewritten O(log N) times: once by the tail rule, once per class, once more
    assert written <= (index_mod._MERGE_TAIL + 2 + classes) * total, (written / total, classes)
    assert sum(runs) == total


def test_policy_on_the_benchmark_build_leaves_a_few_runs() -> None:
    # bench_trace.py: adds of 10 batches of 5,000 articles (~2.2 MB of postings each)
    batch = 2_200_000
    for adds, most in ((20, 6), (6, 5), (2, 3)):
        runs, seen, _ = _simulate([[batch] * 10] * adds + [[40_000]])
        assert len(runs) <= most and seen <= most, (adds, runs)
    # one add of 200 batches ends in one run
    assert len(_simulate([[batch] * 200])[0]) == 1


def _arts(n: int, tmp: Path, prefix: str = "a") -> list[Article]:
    recs = make_corpus(tmp / f"{prefix}.jsonl", n)
    return [from_text(r["text"], id=f"{prefix}{r['id']}") for r in recs]


def _all_postings(ix: Index, arts: list[Article]) -> dict[str, list[int]]:
    terms = sorted(set(itertools.chain.from_iterable(article_terms(a.text) for a in arts)))
    return {t: v.tolist() for t, v in ix.postings(terms).items()}


def _tables(ix: Index) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (ix.conn.execute("SELECT * FROM postings ORDER BY grp, chunk").fetchall(),
            ix.conn.execute("SELECT * FROM runs ORDER BY chunk").fetchall())


@pytest.fixture()
def small_classes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Size classes of a few KB, so a test corpus of some hundred articles merges often."""
    monkeypatch.setattr(index_mod, "_MERGE_UNIT", 1500)
    monkeypatch.setattr(index_mod, "_MERGE_BLOCK_BYTES", 2048)  # merges stream several blocks


def test_many_small_adds_keep_runs_bounded_and_postings_equal(tmp_path: Path, small_classes: None) -> None:
    arts = _arts(300, tmp_path)
    db = tmp_path / "policy.unspin"
    most = 0
    with Index.open(db, create=True) as ix:
        for k in range(0, len(arts), 5):
            ix.add(arts[k:k + 5], batch_size=2)
            runs = ix._runs_of(ix.conn)
            most = max(most, len(runs))
            sizes = [r[3] for r in runs]
            assert index_mod._next_merge(sizes) is None  # nothing left to merge
        total = sum(r[3] for r in ix._runs_of(ix.conn))
        bound = (index_mod._MERGE_FACTOR - 1) * (index_mod._size_class(total) + 1) + 1
        assert 1 < most <= bound, (most, bound)
        assert ix.check().ok
        got = _all_postings(ix, arts)
        assert all(v == sorted(v) for v in got.values())
        with pytest.MonkeyPatch.context() as m:  # the numpy reference reads the runs alike
            m.setattr(analyze_mod, "_fast", None)
            some = sorted(got)[::25]
            assert {t: v.tolist() for t, v in ix.postings(some).items()} == {t: got[t] for t in some}
    with Index.open(tmp_path / "flat.unspin", create=True) as ref:
        for k in range(0, len(arts), 5):
            ref.add(arts[k:k + 5], batch_size=2, optimize=False)
        assert len(ref._runs_of(ref.conn)) == 3 * len(arts) // 5  # a run a batch: what the policy avoids
        assert _all_postings(ref, arts) == got
        ref.optimize()
        assert len(ref._runs_of(ref.conn)) == 1 and ref.check().ok
        assert _all_postings(ref, arts) == got
        assert ref.document_frequencies(list(got)) == {t: len(v) for t, v in got.items()}
    # the same adds give the same bytes
    with Index.open(tmp_path / "again.unspin", create=True) as again, Index.open(db, readonly=True) as ix:
        for k in range(0, len(arts), 5):
            again.add(arts[k:k + 5], batch_size=2)
        assert _tables(again) == _tables(ix)


def test_an_interrupted_merge_leaves_the_index_as_it_was(tmp_path: Path, small_classes: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    arts = _arts(120, tmp_path)
    db = tmp_path / "x.unspin"
    with Index.open(db, create=True) as ix:
        ix.add(arts, batch_size=4, optimize=False)
        before = _tables(ix)
        want = _all_postings(ix, arts)
        calls = 0
        real = index_mod.posting_groups

        def dies_on_the_third_block(*args: object) -> object:
            nonlocal calls
            calls += 1
            if calls == 3:
                raise KeyboardInterrupt
            return real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(index_mod, "posting_groups", dies_on_the_third_block)
        with pytest.raises(KeyboardInterrupt):
            ix.optimize()
        with pytest.raises(KeyboardInterrupt):
            calls = 0
            ix._merge_by_policy()
        assert calls == 3
        monkeypatch.setattr(index_mod, "posting_groups", real)
        assert _tables(ix) == before
        assert _all_postings(ix, arts) == want
    with Index.open(db, readonly=True) as ro:
        assert ro.check().ok and _all_postings(ro, arts) == want
    with Index.open(db) as ix:  # and the merges still work afterwards
        ix._merge_by_policy()
        assert len(ix._runs_of(ix.conn)) < len(before[1]) and ix.check().ok
        assert _all_postings(ix, arts) == want


@pytest.mark.parametrize("damage, expect", [
    ("UPDATE runs SET bits = bits + 1 WHERE chunk = (SELECT MAX(chunk) FROM runs)", "its run's rows have"),
    ("DELETE FROM runs WHERE chunk = (SELECT MAX(chunk) FROM runs)", "of no recorded run"),
    ("UPDATE runs SET articles = articles + 1 WHERE chunk = (SELECT MIN(chunk) FROM runs)", "articles, it holds"),
    ("UPDATE runs SET bytes = bytes - 1 WHERE chunk = (SELECT MIN(chunk) FROM runs)", "posting bytes, its rows hold"),
    ("UPDATE runs SET bits = 99 WHERE chunk = (SELECT MIN(chunk) FROM runs)", "damaged bookkeeping"),
    ("UPDATE runs SET chunk = chunk + 1 WHERE chunk = (SELECT MIN(chunk) FROM runs)", "before the first run"),
])
def test_check_finds_damaged_run_bookkeeping(tmp_path: Path, small_classes: None, capsys: pytest.CaptureFixture[str],
                                             damage: str, expect: str) -> None:
    arts = _arts(60, tmp_path)
    db = tmp_path / "x.unspin"
    with Index.open(db, create=True) as ix:
        ix.add(arts[:40], batch_size=4)
        ix.add(arts[40:], batch_size=4, optimize=False)
        assert len(ix._runs_of(ix.conn)) >= 2 and len({r[1] for r in ix._runs_of(ix.conn)}) >= 1
        assert ix.check().ok
    conn = sqlite3.connect(db)
    conn.execute(damage)
    conn.commit()
    conn.close()
    code = main(["index", "check", "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 1 and expect in out, out
    assert "damaged index" in err and len(err.strip().splitlines()) == 1


def _to_format4(db: Path, merged_runs: int) -> None:
    """Rewrite a format-5 index as format 4 wrote it: its first ``merged_runs`` runs merged
    into one level at ``chunk`` 0 (``merged_bits`` in ``meta``), the later batches as they are."""
    conn = sqlite3.connect(db)
    runs = conn.execute("SELECT chunk, bits FROM runs ORDER BY chunk").fetchall()
    assert all(b == 12 for _, b in runs) and len(runs) > merged_runs
    upto = runs[merged_runs][0]
    rows = conn.execute("SELECT chunk, dir, data FROM postings WHERE chunk < ? ORDER BY chunk", (upto,)).fetchall()
    keys, rowids = [], []
    for chunk, d, data in rows:
        k, c, r = decode_group(d, data, chunk)
        keys.append(np.repeat(k, c))
        rowids.append(r.astype(np.int64))
    bm = 13
    grps, dirs, datas = posting_groups(np.concatenate(keys), np.concatenate(rowids), 0, bm)
    conn.execute("DELETE FROM postings WHERE chunk < ?", (upto,))
    conn.executemany("INSERT INTO postings VALUES (?, 0, ?, ?)", zip(grps, dirs, datas, strict=True))
    conn.execute("DROP TABLE runs")
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     [("format_version", "4"), ("merged_bits", str(bm)), ("merged_upto", str(upto - 1)),
                      ("unmerged", str(len(runs) - merged_runs))])
    conn.commit()
    conn.close()


def test_a_format_4_index_is_read_as_it_is_and_upgraded_by_its_first_write(tmp_path: Path) -> None:
    arts = _arts(80, tmp_path)
    db = tmp_path / "old.unspin"
    with Index.open(db, create=True) as ix:
        ix.add(arts[:60], batch_size=10, optimize=False)
        want = _all_postings(ix, arts)
    _to_format4(db, 3)
    with Index.open(db, readonly=True) as ro:
        assert ro.meta["format_version"] == "4" and ro.stats()["posting_runs"] == 4
        assert _all_postings(ro, arts) == want and ro.check().ok
    with Index.open(db) as ix:
        ix.add(arts[60:70], batch_size=10, optimize=False)
        assert ix.meta["format_version"] == "5" and ix.check().ok
        runs = ix._runs_of(ix.conn)
        assert runs[0][:3] == (0, 13, 30) and len(runs) == 5  # the old merged level is the first run
        ix.add(arts[70:], batch_size=5)  # the policy merges the old level with the rest
        assert len(ix._runs_of(ix.conn)) < 6 and ix.check().ok
        with Index.open(tmp_path / "ref.unspin", create=True) as ref:
            ref.add(arts, batch_size=10, optimize=False)
            everything = _all_postings(ref, arts)
        assert _all_postings(ix, arts) == everything
        ix.optimize()
        assert len(ix._runs_of(ix.conn)) == 1 and ix.check().ok
        assert _all_postings(ix, arts) == everything
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM meta WHERE key IN ('merged_bits', 'unmerged')").fetchone()[0] == 0
    conn.close()
