"""Index integrity: `index check`, damage refused for writing, read-only and disk-full told
apart from damage, two processes creating one index, kill -9 and concurrent add/trace."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from unspin.analyze import group_ids, term_keys
from unspin.cli import main
from unspin.index import Index, IndexCorruptError, IndexFullError
from unspin.ingest import from_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from index_crash import concurrent_add_trace, kill_cycles, make_corpus  # noqa: E402

_HARBOUR = int(group_ids(np.array(term_keys(["harbour"]), dtype=np.uint64), 12)[0])  # its batch group


def build(db: Path, n: int = 30) -> None:
    recs = make_corpus(db.with_suffix(".jsonl"), n)
    with Index.open(db, create=True) as ix:
        ix.add((from_text(r["text"], id=r["id"]) for r in recs), batch_size=10)


def check(capsys: pytest.CaptureFixture[str], db: Path) -> tuple[int, str, str]:
    code = main(["index", "check", "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def test_sound_index_checks_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ix.unspin"
    build(db)
    code, out, err = check(capsys, db)
    assert code == 0 and "ok" in out and "30 article hashes" in out, err


@pytest.mark.parametrize("damage, expect", [
    ("UPDATE articles SET text = text || ' tampered' WHERE rowid = 7", "rowid 7: its text does not match"),
    (f"UPDATE postings SET data = data || X'05' WHERE grp = {_HARBOUR}", f"posting group {_HARBOUR} (batch"),
    (f"UPDATE postings SET dir = substr(dir, 1, length(dir) - 16) WHERE grp = {_HARBOUR}",
     f"posting group {_HARBOUR} (batch"),
    ("DELETE FROM articles WHERE rowid = 3", "missing article"),
])
def test_logical_damage_is_found(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 damage: str, expect: str) -> None:
    db = tmp_path / "ix.unspin"
    build(db)
    conn = sqlite3.connect(db)
    conn.execute(damage)
    conn.commit()
    conn.close()
    code, out, err = check(capsys, db)
    assert code == 1 and expect in out, out
    assert "damaged index" in err and len(err.strip().splitlines()) == 1


def _smash_pages(db: Path) -> None:
    """Overwrite the middle of the file with garbage (page structure destroyed)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    page = 65536 if page == 1 else page  # SQLite stores a 64 KiB page size as 1
    for off in range(2 * page, len(data) - page, 3 * page):
        data[off:off + 64] = b"\xa5" * 64
    db.write_bytes(bytes(data))


def test_page_damage_is_found_and_refused_for_writing(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ix.unspin"
    build(db, 200)
    _smash_pages(db)
    code, out, err = check(capsys, db)
    assert code == 1 and ("sqlite" in out.lower() or "malformed" in out), out
    before = db.read_bytes()
    extra = tmp_path / "more.txt"
    extra.write_text("A new story about the harbour and the ferry, with 300 people on board.")
    code = main(["index", "add", "--db", str(db), "--no-progress", str(extra)])
    _, err = capsys.readouterr()
    assert code == 2 and ("refused for writing" in err or "damaged" in err) and "U220" in err, err
    assert db.read_bytes() == before  # nothing written into the damaged file


def test_truncated_file_is_damaged_on_open(tmp_path: Path) -> None:
    db = tmp_path / "ix.unspin"
    build(db, 200)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match="truncated"):
        Index.open(db, readonly=True)


def test_disk_full_is_not_called_damage(tmp_path: Path) -> None:
    db = tmp_path / "ix.unspin"
    build(db, 10)
    recs = make_corpus(tmp_path / "more.jsonl", 400, seed=99)
    with Index.open(db) as ix:
        pages = ix.conn.execute("PRAGMA page_count").fetchone()[0]
        ix.conn.execute(f"PRAGMA max_page_count={pages + 8}")  # a disk with 8 pages left
        with pytest.raises(IndexFullError, match="disk is full") as exc:
            ix.add((from_text(r["text"], id=f"m{r['id']}") for r in recs), batch_size=50)
        assert "damaged" not in str(exc.value)
    with Index.open(db) as ix:
        assert ix.check().ok and len(ix) >= 10


def test_two_processes_creating_one_index(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    make_corpus(corpus, 20)
    for round_ in range(3):
        db = tmp_path / f"race{round_}.unspin"
        procs = [subprocess.Popen([sys.executable, "-m", "unspin", "index", "add", "--db", str(db),
                                   "--no-progress", "--json", str(corpus)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        results = [p.communicate(timeout=300) for p in procs]
        for p, (_out, err) in zip(procs, results, strict=True):
            assert p.returncode == 0, err
        added = sorted(json.loads(out)["added"] for out, _ in results)
        assert sum(added) == 20, added  # each article added once, by one of the two
        with Index.open(db, readonly=True) as ix:
            assert len(ix) == 20 and ix.check().ok


def test_kill_dash_nine_short(tmp_path: Path) -> None:
    """Three SIGKILLs during `index add` (the long form: benchmarks/index_crash.py, 20)."""
    corpus = tmp_path / "c.jsonl"
    make_corpus(corpus, 600)
    res = kill_cycles(tmp_path / "k.unspin", corpus, 600, cycles=3, delay=(0.0, 1.0))
    assert res["monotonic"] and not res["problems"] and res["complete"], res


def test_concurrent_add_and_trace_short(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    recs = make_corpus(corpus, 300)
    res = concurrent_add_trace(tmp_path / "c.unspin", corpus, recs, seconds=8)
    assert res["traces"] >= 5 and not res["errors"], res
