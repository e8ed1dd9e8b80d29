"""Tests of unspin.index: idempotence, interruption, parameters, corrupt files (issue 5)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from unspin.analyze import decode_group, hash_keys, term_keys
from unspin.errors import IndexError_
from unspin.index import (
    Index,
    IndexCorruptError,
    IndexMissingError,
    IndexParams,
    IndexParamsError,
    article_terms,
    keyed_tokens,
)
from unspin.ingest import from_text
from unspin.models import Article

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "articles.jsonl"


def _articles(n: int = 12) -> list[Article]:
    """Small invented articles (distinct words so every one has its own terms)."""
    out = []
    for i in range(n):
        text = (f"Officials in Valtoria{i} said on Monday that {100 + i} workers at the Brenmark{i} "
                f"plant had been sent home after a fire. The company, which employs {2000 + i} people, "
                f"said production would resume within {i + 2} weeks. Union leader Ilsa Varn{i} called "
                f"the decision reckless and demanded an inquiry.")
        out.append(from_text(text, id=f"a{i}", title=f"Fire {i}", published=f"2025-01-{i + 1:02d}"))
    return out


def _check_consistent(db: Path) -> int:
    """Postings and articles agree; returns the article count."""
    with Index.open(db) as ix:
        n = len(ix)
        assert ix.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        df: dict[int, int] = {}
        counted: dict[int, int] = {}
        for _grp, chunk, d, data in ix.conn.execute("SELECT grp, chunk, dir, data FROM postings"):
            keys, counts, rowids = decode_group(d, data, chunk)
            assert len(rowids) == int(counts.sum())
            for k, c in zip(keys.tolist(), counts.tolist(), strict=True):
                df[k] = df.get(k, 0) + c
            for k in np.repeat(keys, counts).tolist():
                counted[k] = counted.get(k, 0) + 1
        assert df == counted
        expect: dict[int, int] = {}
        for a in ix.iter_articles():
            for k in term_keys(sorted(article_terms(a.text))):
                expect[k] = expect.get(k, 0) + 1
        assert expect == df
    return n


def test_numbers_keyed_across_spinner_damage() -> None:
    from unspin.ingest import from_text

    # ingestion repairs the damage once ("4, 000" -> "4,000"); keys drop the separators
    text = from_text("about 4, 000 dead, between 10,000 and 12 000, 4000 and 3.50").text
    keys = [k for _, k in keyed_tokens(text)]
    assert keys.count("4000") == 2 and "10000" in keys and "12000" in keys and "3.5" in keys


def test_add_and_idempotent_readd(tmp_path: Path) -> None:
    db = tmp_path / "x.unspin"
    arts = _articles()
    with Index.open(db, create=True) as ix:
        c = ix.add(arts, batch_size=5)
        assert (c.added, c.skipped, c.failed) == (12, 0, 0)
    with Index.open(db) as ix:
        c = ix.add(arts, batch_size=5)
        assert (c.added, c.skipped, c.failed) == (0, 12, 0)
        # same body under another id is the same article; same id with another body fails
        c = ix.add([from_text(arts[0].text, id="other"),
                    from_text("A different body text entirely about tides.", id="a1")])
        assert (c.added, c.skipped, c.failed) == (0, 1, 1)
        st = ix.stats()
        assert st["articles"] == 12 and st["params"]["min_word_len"] == 2
        assert ix.get_by_id("a3") is not None and ix.get_by_id("a3").text == arts[3].text  # type: ignore[union-attr]
    assert _check_consistent(db) == 12


def test_empty_article_fails_without_harm(tmp_path: Path) -> None:
    db = tmp_path / "x.unspin"
    with Index.open(db, create=True) as ix:
        c = ix.add([Article(id="e", text="  "), *_articles(2)])
        assert (c.added, c.failed) == (2, 1)
    assert _check_consistent(db) == 2


def test_interrupted_add_keeps_committed_batches_and_rerun_completes(tmp_path: Path) -> None:
    db = tmp_path / "x.unspin"
    arts = _articles(12)

    def broken() -> Iterator[Article]:
        for i, a in enumerate(arts):
            if i == 9:
                raise KeyboardInterrupt  # Ctrl-C between the 2nd and 3rd batch
            yield a

    with Index.open(db, create=True) as ix, pytest.raises(KeyboardInterrupt):
        ix.add(broken(), batch_size=4)
    assert _check_consistent(db) == 8
    with Index.open(db) as ix:
        c = ix.add(arts, batch_size=4)
        assert (c.added, c.skipped) == (4, 8)
    assert _check_consistent(db) == 12


_SLOW_ADD = """
import sys, time
from unspin.index import Index
from unspin.ingest import from_text
def gen():
    for i in range(400):
        yield from_text(f"Report number {i} from Quarvel{i}: the Strandel{i} council voted {i} to 3.", id=f"k{i}")
        time.sleep(0.005)
with Index.open(sys.argv[1], create=True) as ix:
    ix.add(gen(), batch_size=10, on_batch=lambda c: print(c.added, flush=True))
"""


def test_kill_9_mid_add_leaves_consistent_index(tmp_path: Path) -> None:
    db = tmp_path / "k.unspin"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_ADD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if int(line) >= 30:
                break
        time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    n = _check_consistent(db)
    assert 30 <= n < 400 and n % 10 == 0
    subprocess.run([sys.executable, "-c", _SLOW_ADD.replace("time.sleep(0.005)", "pass"), str(db)],
                   check=True, stdout=subprocess.DEVNULL)
    assert _check_consistent(db) == 400


def test_other_parameters_refused(tmp_path: Path) -> None:
    db = tmp_path / "p.unspin"
    Index.open(db, create=True, params=IndexParams(min_word_len=3, tokenizer=IndexParams.default().tokenizer)).close()
    with pytest.raises(IndexParamsError) as exc:
        Index.open(db, params=IndexParams.default())
    msg = str(exc.value)
    assert str(db) in msg and "min_word_len=3 stored, 2 requested" in msg and "new index" in msg
    with Index.open(db) as ix:  # no parameters asked: the stored ones are used
        assert ix.params.min_word_len == 3


def test_other_tokenizer_or_format_refused(tmp_path: Path) -> None:
    db = tmp_path / "t.unspin"
    Index.open(db, create=True).close()
    conn = sqlite3.connect(db)
    params = json.loads(conn.execute("SELECT value FROM meta WHERE key='params'").fetchone()[0])
    params["tokenizer"] = "000000000000"
    conn.execute("UPDATE meta SET value=? WHERE key='params'", (json.dumps(params),))
    conn.commit()
    with pytest.raises(IndexParamsError, match="another tokenizer.*rebuild"):
        Index.open(db)
    conn.execute("UPDATE meta SET value='99' WHERE key='format_version'")
    conn.commit()
    conn.close()
    with pytest.raises(IndexParamsError, match="format 99"):
        Index.open(db)


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="unspin index add"):
        Index.open(tmp_path / "none.unspin")


@pytest.mark.parametrize("content", [b"not a database at all\n" * 50, b"\x00\xff" * 4096])
def test_non_index_file_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "notes.txt"
    p.write_bytes(content)
    for create in (False, True):
        with pytest.raises(IndexCorruptError, match="not an unspin index"):
            Index.open(p, create=create)
    assert p.read_bytes() == content


def test_foreign_sqlite_refused_and_untouched(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = p.read_bytes()
    with pytest.raises(IndexCorruptError, match="not an unspin index"):
        Index.open(p, create=True)
    assert p.read_bytes() == before


def test_truncated_index_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.unspin"
    with Index.open(db, create=True) as ix:
        ix.add(_articles(12))
        ix.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    with pytest.raises(IndexError_):
        with Index.open(db) as ix:
            ix.stats()
            ix.add(_articles(3))


def test_garbled_pages_refused(tmp_path: Path) -> None:
    db = tmp_path / "g.unspin"
    with Index.open(db, create=True) as ix:
        ix.add(_articles(12))
        ix.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    for i in range(4096, len(data), 7):
        data[i] = 0xA5
    db.write_bytes(bytes(data))
    with pytest.raises(IndexError_):
        with Index.open(db) as ix:
            ix.stats()
            list(ix.iter_articles())


def test_fast_terms_agree_with_shared_tokenizer() -> None:
    from unspin.index import is_term

    texts = [a.text for a in _articles(3)]
    if SAMPLES.exists():
        texts += [json.loads(x)["text"] for x in SAMPLES.read_text(encoding="utf-8").splitlines()]
    from unspin.ingest import from_text

    texts.append(from_text("About 4, 000 dead; 12 000 fled; 3.50 or 2004, 100 people; don’t co-operate, "
                           "7% 12:30.").text)
    for t in texts:
        assert article_terms(t) == {k for tok, k in keyed_tokens(t) if is_term(tok, k)}


def test_prepared_chunks_split_and_join_without_changing_the_index(tmp_path: Path) -> None:
    from unspin.index import Prepared, prepare_many

    arts = [from_text(f"Article {i} about harbours and {i * 7} tides. Another line {i}.", id=f"a{i}")
            for i in range(9)]
    arts.insert(4, from_text("  ", id="blank"))
    whole = prepare_many(arts)
    head, tail = whole.split(4)
    again = Prepared.concat([head, *tail.split(3)])
    for p in (again,):
        assert p.rows == whole.rows
        for i in range(len(arts)):
            got = p.term_hashes[p.pair_off[i]:p.pair_off[i + 1]].tolist()
            want = whole.term_hashes[whole.pair_off[i]:whole.pair_off[i + 1]].tolist()
            assert sorted(got) == sorted(want)
            if not isinstance(whole.rows[i], str):
                assert sorted(got) == sorted(hash_keys(sorted(article_terms(arts[i].text))).tolist())
    assert isinstance(whole.rows[4], str) and "empty" in whole.rows[4]
