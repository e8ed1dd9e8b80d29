"""Scan at scale, session 5: WARC files read by the workers in byte ranges, verification with
each page tokenised once per batch, judgements as they finish, the same files every way."""

from __future__ import annotations

import filecmp
import gzip
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import scan_killed_at
from unspin.scan import engine, scan
from unspin.scan.read import iter_raw, iter_warc_range, warc_ranges

ROOT = Path(__file__).resolve().parent.parent
CRAWL = ROOT / "samples" / "crawl"
WARC = CRAWL / "crawl.warc.gz"
OUTPUTS = ("articles.jsonl", "clusters.jsonl", "sites.csv", "site_sources.csv", "report.json")
SPLIT = 20_000  # the bundled crawl (~150 KB) in about 8 ranges


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled crawl scanned the way a small file is: parsed here, extracted in batches."""
    out = tmp_path_factory.mktemp("whole")
    scan([str(WARC)], out, progress=False)
    return out


def _same(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert filecmp.cmp(a / name, b / name, shallow=False), name


@pytest.mark.parametrize("jobs", [1, 2])
def test_warc_byte_ranges_give_the_same_scan(whole: Path, tmp_path: Path, jobs: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(warc_ranges(str(WARC), SPLIT)) > 4
    monkeypatch.setattr(engine, "READ_SPLIT", SPLIT)
    s = scan([str(WARC)], tmp_path / "s", jobs=jobs, progress=False)
    _same(whole, tmp_path / "s")
    assert s.pages > 0 and set(s.cpu_main) >= {"read", "verify", "judge"}
    db = sqlite3.connect(tmp_path / "s" / engine.STATE)
    (offset, finished), = db.execute("SELECT offset, finished FROM inputs").fetchall()
    db.close()
    assert finished == 1 and offset == WARC.stat().st_size


def test_ranges_hold_every_record_once() -> None:
    whole = [(type(x).__name__, getattr(x, "url", None)) for x in iter_raw(str(WARC))]
    parts = [(type(x).__name__, getattr(x, "url", None))
             for a, b in warc_ranges(str(WARC), SPLIT) for x in iter_warc_range(str(WARC), a, b)]
    assert parts == whole and len(whole) > 60


def test_a_warc_compressed_as_one_stream_is_read_whole(tmp_path: Path) -> None:
    one = tmp_path / "one-stream.warc.gz"
    with gzip.open(WARC, "rb") as fh:
        one.write_bytes(gzip.compress(fh.read(), mtime=0))
    assert warc_ranges(str(one), SPLIT) == [(0, one.stat().st_size)]
    assert len(warc_ranges(str(WARC), SPLIT)) > 1


def test_killed_while_reading_ranges_resumes_to_the_same_result(whole: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan"
    scan_killed_at(40, "from unspin.scan import scan\n"
                   f"scan([{str(WARC)!r}], {str(out)!r}, progress=False)", prelude=f"e.READ_SPLIT = {SPLIT}\n")
    db = sqlite3.connect(out / engine.STATE)
    pages = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    offset = db.execute("SELECT offset FROM inputs").fetchone()[0]
    db.close()
    assert 0 < pages < 61 and 0 < offset < WARC.stat().st_size
    rerun = ("import unspin.scan.engine as e\n"
             f"e.READ_SPLIT = {SPLIT}\n"
             "from unspin.scan import scan\n"
             f"scan([{str(WARC)!r}], {str(out)!r}, progress=False)\n")
    subprocess.run([sys.executable, "-c", rerun], check=True, capture_output=True, timeout=600)
    _same(whole, out)


def test_an_old_state_is_refused_with_a_hint(whole: Path, tmp_path: Path) -> None:
    import json
    import shutil

    from unspin.errors import OutputError

    out = tmp_path / "old"
    shutil.copytree(whole, out)
    db = sqlite3.connect(out / engine.STATE)
    ident = json.loads(db.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()[0])
    ident["format"] = 2
    db.execute("UPDATE meta SET value = ? WHERE key = 'identity'", (json.dumps(ident, sort_keys=True),))
    db.commit()
    db.close()
    with pytest.raises(OutputError, match="--restart"):
        scan([str(WARC)], out, progress=False)


def test_compare_many_equals_compare_pair_by_pair(whole: Path) -> None:
    import numpy as np

    from unspin.tracer import compare, compare_many

    db = sqlite3.connect(whole / engine.STATE)
    rows = db.execute("SELECT id, text, sents FROM pages ORDER BY id LIMIT 25").fetchall()
    pairs = [(a, b) for a, b in db.execute("SELECT a, b FROM pairs ORDER BY id LIMIT 40")]
    db.close()
    texts = {i: (t, tuple(map(tuple, np.frombuffer(s, dtype="<u4").reshape(-1, 2).tolist())) if k % 2 else None)
             for k, (i, t, s) in enumerate(rows)}
    pairs += [(a, b) for a in list(texts)[:5] for b in list(texts)[5:10]]
    pairs = [(a, b) for a, b in pairs if a in texts and b in texts]
    assert len(pairs) > 25
    got = compare_many(texts, pairs)
    want = [compare(_stored(a, texts[a]), _stored(b, texts[b])) for a, b in pairs]
    assert got == want and any(c.copy for c in got)


def _stored(i: int, ts: tuple[str, object]) -> object:
    from unspin.index import StoredArticle

    return StoredArticle(rowid=i, id=str(i), text=ts[0], sentences=tuple(ts[1] or ()))  # type: ignore[arg-type]


def _square(x: int) -> int:
    if x == 7:
        raise ValueError("seven")
    return x * x


def test_unordered_map_returns_every_result_and_raises_errors() -> None:
    got = list(engine.bounded_map(_square, range(7), 2, ordered=False, ahead=1))
    assert sorted(got) == [x * x for x in range(7)]
    with pytest.raises(ValueError, match="seven"):
        list(engine.bounded_map(_square, range(20), 2, ordered=False))


def test_judge_workers_empty_their_memo_caches_without_changing_verdicts(whole: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin import lexicon

    lexicon.zipf("border")
    thesaurus = lexicon.thesaurus()
    assert lexicon.zipf.cache_info().currsize > 0
    engine._clear_memo_caches()
    assert lexicon.zipf.cache_info().currsize == 0  # a memo cache is emptied
    assert lexicon.thesaurus() is thesaurus  # a loaded resource is kept
    lexicon.zipf("border")
    assert not engine.relieve_memory(limit_mb=1e9)  # under the limit: kept
    assert lexicon.zipf.cache_info().currsize > 0
    assert engine.relieve_memory(limit_mb=-1)  # over it: emptied
    assert lexicon.zipf.cache_info().currsize == 0
    monkeypatch.setattr(engine, "JUDGE_WORKER_MB", 0)  # empty them after every judge batch
    scan([str(WARC)], tmp_path / "s", progress=False)
    _same(whole, tmp_path / "s")
