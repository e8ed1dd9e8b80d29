"""The local scan engine: stages over a resumable state file in the output folder.

Everything a scan computes is kept in ``DIR/.scan-state.sqlite`` (WAL journal), one
transaction per batch, so Ctrl-C or ``kill -9`` loses at most the batch in flight and a rerun
with the same inputs and options continues where it stopped and writes the same files:

1. ``read``: records of every input, in order; each batch commits its pages, their anchors,
   the skipped records and how far the input was read;
2. ``candidates``: the anchor join (``unspin.scan.candidates``), as one SQL statement;
3. ``verify``: candidate pairs in order, committed in batches;
4. ``graph``: clusters, sources, copied-from (in memory: ids and times only);
5. ``judge``: one diff per copy, committed in batches;
6. ``write``: the output files, from the state, in a deterministic order.

Memory stays bounded: page texts live in the state file and are read per batch; the
parallel map keeps at most ``2 x jobs`` batches in flight.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing as mp
import os
import queue
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from unspin import __version__
from unspin.errors import OutputError, UnspinError
from unspin.models import Record
from unspin.scan.candidates import CandidateOptions, anchor_join, anchors
from unspin.scan.graph import Node, place
from unspin.scan.judge import Judgement, judge_pair
from unspin.scan.read import (
    POSITION,
    SKIP_REASONS,
    RawPage,
    Skip,
    expand_inputs,
    extract_page_record,
    iter_raw,
    iter_warc_range,
    warc_ranges,
)
from unspin.scan.verify import Edge, verify_many
from unspin.tracer import TraceOptions

log = logging.getLogger(__name__)

__all__ = ["ScanOptions", "ScanSummary", "scan"]

STATE = ".scan-state.sqlite"
STATE_FORMAT = 3  # 3: inputs.offset (WARC files read in byte ranges)
#: page texts kept in memory by the verify stage (least recently used evicted)
CACHE_PAGES = 5000
#: anchors held in memory by one pass of the candidate join (8 bytes each, x ~4 while sorting)
ANCHORS_PER_PASS = 20_000_000
#: resident memory (MB) of a judge worker above which it empties diff's memo caches (pure
#: lookups kept by ``functools.lru_cache``, up to 65,536 entries each: they grow with the words
#: the worker has seen, ~370 MB after 1,500 copies of the invented crawl, ~850 MB per worker
#: at 100k pages); the resources themselves (lexicons, models) are kept
JUDGE_WORKER_MB = 600
#: progress lines: None = only when stderr is a terminal
PROGRESS: dict[str, bool | None] = {"on": None}
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ScanOptions(Record):
    """Options of a scan; the ones that change results are stored in the state and checked."""

    extractor: str = "fast"
    candidates: CandidateOptions = field(default_factory=CandidateOptions)
    verify: TraceOptions = field(default_factory=TraceOptions)
    copy_reports: int = 30  # side-by-side reports for the copies of the N largest clusters
    batch: int = 100

    def identity(self) -> dict[str, Any]:
        return {"extractor": self.extractor, "candidates": self.candidates.to_dict(),
                "verify": self.verify.to_dict(), "copy_reports": self.copy_reports}


@dataclass(frozen=True, slots=True)
class ScanSummary(Record):
    """Counts of a finished scan."""

    out: str
    records: int
    pages: int
    skipped: dict[str, int]
    candidates: int
    edges: int
    clusters: int
    copies: int
    verdicts: dict[str, int]
    seconds: dict[str, float]
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage, workers included
    #: CPU seconds of the main process per stage run by this call (a resumed scan: only its stages)
    cpu_main: dict[str, float] = field(default_factory=dict)


# ------------------------------------------------------------------------- progress

class Progress:
    """One line per stage on stderr (only on a terminal): count, rate and ETA."""

    def __init__(self, stage: str, total: int | None = None, enabled: bool | None = None,
                 fraction: Callable[[], float] | None = None):
        self.stage, self.total, self.n = stage, total, 0
        self.fraction = fraction
        self.f0 = fraction() if fraction else 0.0
        self.t0 = self.last = time.monotonic()
        on = PROGRESS["on"]
        self.enabled = (sys.stderr.isatty() if on is None else bool(on)) if enabled is None else enabled

    def add(self, k: int = 1) -> None:
        self.n += k
        now = time.monotonic()
        if self.enabled and now - self.last >= 0.5:
            self.last = now
            self._show(now)

    def _show(self, now: float, end: str = "") -> None:
        dt_ = max(now - self.t0, 1e-9)
        rate = self.n / dt_
        if self.total:
            left = (self.total - self.n) / rate if rate > 0 else float("inf")
            eta = f", ETA {int(left // 60)}:{int(left % 60):02d}" if left != float("inf") else ""
            msg = f"{self.stage}: {self.n:,}/{self.total:,} ({rate:,.1f}/s{eta})"
        else:
            msg = f"{self.stage}: {self.n:,} ({rate:,.1f}/s)"
            if self.fraction is not None:
                f = self.fraction()
                if f > self.f0:
                    left = dt_ * (1.0 - f) / (f - self.f0)
                    msg += f", {100 * f:.0f}% of the input, ETA {int(left // 60)}:{int(left % 60):02d}"
        sys.stderr.write("\r\x1b[K" + msg + end)
        sys.stderr.flush()

    def done(self) -> float:
        now = time.monotonic()
        if self.enabled:
            self._show(now, "\n")
        return now - self.t0


# ------------------------------------------------------------------------- parallel map

def _cpu() -> float:
    """CPU seconds of this process and of its reaped children (the pool workers of a stage)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _cpu_main() -> float:
    """CPU seconds of this process alone (the share of a stage the workers cannot take)."""
    t = os.times()
    return t.user + t.system


def _batches(items: Iterable[T], n: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for x in items:
        batch.append(x)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def bounded_map(fn: Callable[[T], R], items: Iterable[T], jobs: int, *, ordered: bool = True,
                ahead: int = 4) -> Iterator[R]:
    """``map`` over ``jobs`` processes with at most ``ahead x jobs`` items in flight: in input
    order, or (``ordered=False``) as they finish, so that one slow item does not leave the
    other workers idle."""
    if jobs <= 1:
        yield from map(fn, items)
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    limit = max(2, ahead) * jobs
    with ctx.Pool(jobs) as pool:
        if ordered:
            pending: list[Any] = []
            for x in items:
                pending.append(pool.apply_async(fn, (x,)))
                while len(pending) >= limit:
                    yield pending.pop(0).get()
            while pending:
                yield pending.pop(0).get()
            return
        finished: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        n = 0
        for x in items:
            pool.apply_async(fn, (x,), callback=lambda r: finished.put((True, r)),
                             error_callback=lambda e: finished.put((False, e)))
            n += 1
            while n >= limit:
                n -= 1
                yield _result(finished.get())
        while n:
            n -= 1
            yield _result(finished.get())


def _result(item: tuple[bool, Any]) -> Any:
    ok, value = item
    if not ok:
        raise value
    return value


# ------------------------------------------------------------------------- workers

def _judge_batch(items: list[tuple[int, str, int, str]]) -> list[Judgement]:
    return [judge_pair(c, ct, s, st)[0] for c, ct, s, st in items]


# ------------------------------------------------------------------------- state

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (input TEXT PRIMARY KEY, pos INTEGER NOT NULL, done INTEGER NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0, records INTEGER NOT NULL DEFAULT 0, offset INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS skips (input TEXT, record INTEGER, reason TEXT, detail TEXT);
CREATE TABLE IF NOT EXISTS pages (id INTEGER PRIMARY KEY, key TEXT UNIQUE, url TEXT UNIQUE, site TEXT,
    title TEXT, published TEXT, seen TEXT, date_source TEXT, text TEXT, sents BLOB, words INTEGER,
    digest BLOB);
CREATE TABLE IF NOT EXISTS anchors (page INTEGER PRIMARY KEY, hs BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pairs (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, shared INTEGER);
CREATE TABLE IF NOT EXISTS edges (a INTEGER, b INTEGER, a_by_b REAL, b_by_a REAL, score_a_by_b REAL,
    score_b_by_a REAL, a_in_b INTEGER, b_in_a INTEGER, PRIMARY KEY (a, b));
CREATE TABLE IF NOT EXISTS placements (id INTEGER PRIMARY KEY, cluster INTEGER, role TEXT, source INTEGER,
    copied_from INTEGER, root INTEGER, delay_hours REAL, source_delay_hours REAL);
CREATE TABLE IF NOT EXISTS judgements (id INTEGER PRIMARY KEY, against INTEGER, verdict TEXT,
    spin_share REAL, fact_changes INTEGER, facts TEXT);
"""


class State:
    """The scan's state file."""

    def __init__(self, out: Path):
        self.path = out / STATE
        try:
            self.conn = sqlite3.connect(str(self.path))
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"cannot open the scan state ({exc})", input=str(self.path)) from exc
        self.conn.isolation_level = None
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise OutputError(f"the scan state is damaged ({exc})", input=str(self.path),
                              hint="rerun with --restart") from exc

    def get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                          "SET value = excluded.value", (key, value))

    def done(self, stage: str) -> bool:
        return self.get(f"done:{stage}") == "1"

    def mark(self, stage: str, seconds: float, cpu: float | None = None) -> None:
        self.conn.execute("BEGIN")
        self.set(f"done:{stage}", "1")
        self.set(f"seconds:{stage}", f"{seconds:.3f}")
        if cpu is not None:
            self.set(f"cpu:{stage}", f"{cpu:.3f}")
        self.conn.execute("COMMIT")

    def begin(self, stage: str) -> tuple[float, float]:
        """Start (or resume) ``stage``: fold the time an interrupted run recorded into the
        earlier runs' total; returns this run's start (monotonic seconds, CPU seconds)."""
        run = self.get(f"run:{stage}")
        if run is not None:
            w0, c0 = map(float, (self.get(f"runs:{stage}") or "0 0").split())
            w, c = map(float, run.split())
            self.conn.execute("BEGIN")
            self.set(f"runs:{stage}", f"{w0 + w:.3f} {c0 + c:.3f}")
            self.conn.execute("DELETE FROM meta WHERE key = ?", (f"run:{stage}",))
            self.conn.execute("COMMIT")
        return time.monotonic(), _cpu()

    def spent(self, stage: str, t0: float, c0: float) -> None:
        """Record (inside the caller's transaction) the time this run has spent on ``stage``
        so far (CPU: this process and the workers of finished pools), for a resumed run."""
        self.set(f"run:{stage}", f"{time.monotonic() - t0:.3f} {_cpu() - c0:.3f}")

    def total(self, stage: str, seconds: float, cpu: float) -> tuple[float, float]:
        """Seconds and CPU of ``stage`` over every run (earlier runs' recorded time added)."""
        w, c = map(float, (self.get(f"runs:{stage}") or "0 0").split())
        return w + seconds, c + cpu

    def texts(self, ids: Iterable[int]) -> dict[int, tuple[str, tuple[tuple[int, int], ...]]]:
        ids = list(ids)
        out: dict[int, tuple[str, tuple[tuple[int, int], ...]]] = {}
        for k in range(0, len(ids), 500):
            part = ids[k:k + 500]
            q = ",".join("?" * len(part))
            for i, text, sents in self.conn.execute(f"SELECT id, text, sents FROM pages WHERE id IN ({q})", part):
                spans = np.frombuffer(sents, dtype="<u4").reshape(-1, 2).tolist() if sents else []
                out[i] = (text, tuple((int(a), int(b)) for a, b in spans))
        return out

    def close(self) -> None:
        self.conn.close()


def _u32(spans: tuple[tuple[int, int], ...]) -> bytes:
    return np.asarray([x for s in spans for x in s], dtype="<u4").tobytes()


def text_digest(text: str, sents: bytes) -> bytes:
    """What verify and judge see of a page (its text and sentence spans), as 8 bytes: pages
    with the same digest (a mirror and its source, a relay and the copy it relays) give the
    same verification and the same judgement, which are then computed once."""
    h = hashlib.blake2b(digest_size=8)
    h.update(text.encode("utf-8", "surrogatepass"))
    h.update(b"\x00")
    h.update(sents)
    return h.digest()


# ------------------------------------------------------------------------- stages

def _stage_read(st: State, inputs: list[str], opts: ScanOptions, jobs: int) -> None:
    """Read every input in order. A WARC file is read in byte ranges of ``READ_SPLIT``: a
    worker parses the records of its range, extracts the pages and returns them ready to
    store, so the main process only numbers them and writes the state (one transaction per
    range; a rerun continues at the first range not committed). Other inputs are parsed
    here and extracted by the workers, in batches."""
    conn = st.conn
    t_run, c0 = st.begin("read")
    conn.execute("BEGIN")
    for pos, inp in enumerate(inputs):
        conn.execute("INSERT OR IGNORE INTO inputs(input, pos, done) VALUES (?, ?, 0)", (inp, pos))
    conn.execute("COMMIT")
    store = _Store(conn, int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM pages").fetchone()[0]) + 1)
    sizes = {f: max(1, os.path.getsize(f)) for f in inputs}
    total = float(sum(sizes.values()))
    complete = {r[0] for r in conn.execute("SELECT input FROM inputs WHERE finished = 1")}
    at: dict[str, int] = {}  # bytes of an input read by committed ranges

    def fraction() -> float:
        done = sum(sizes[f] if f in complete else min(sizes[f], max(at.get(f, 0), POSITION.get(f, 0)))
                   for f in inputs)
        return done / total

    prog = Progress("read + extract", fraction=fraction)

    def tasks() -> Iterator[tuple[Any, ...]]:
        for inp in inputs:
            done, finished, offset = conn.execute("SELECT done, finished, offset FROM inputs WHERE input = ?",
                                                  (inp,)).fetchone()
            if finished:
                continue
            ranges = warc_ranges(inp, READ_SPLIT)
            if len(ranges) > 1:
                starts = [offset] + [a for a, _ in ranges if a > offset]
                for a, b in zip(starts, [*starts[1:], sizes[inp]], strict=True):
                    if a < b:
                        yield ("range", inp, opts.extractor, opts.candidates, a, b)
            else:
                for batch in _record_batches((x for x in iter_raw(inp) if x.record > done), opts.batch):
                    yield ("batch", inp, opts.extractor, opts.candidates, batch)
            yield ("end", inp)

    base: dict[str, int] = {}  # records of an input read by the committed ranges
    for kind, inp, n, items in bounded_map(_read_task, tasks(), jobs):
        conn.execute("BEGIN")
        if kind == "end":
            conn.execute("UPDATE inputs SET finished = 1 WHERE input = ?", (inp,))
            complete.add(inp)
        elif kind == "range":
            if inp not in base:
                base[inp] = int(conn.execute("SELECT done FROM inputs WHERE input = ?", (inp,)).fetchone()[0])
            store.add(inp, base[inp], items)
            base[inp] += n[1]
            at[inp] = n[0]
            conn.execute("UPDATE inputs SET done = ?, offset = ? WHERE input = ?", (base[inp], n[0], inp))
        else:
            store.add(inp, 0, items)
            conn.execute("UPDATE inputs SET done = ? WHERE input = ?", (n, inp))
        st.spent("read", t_run, c0)
        conn.execute("COMMIT")
        prog.add(len(items))
    st.mark("read", *st.total("read", prog.done(), _cpu() - c0))


#: bytes of a WARC file per read task
READ_SPLIT = 1 << 20

#: a record of an input as a worker returns it: ("s", record, reason, detail) for a skip,
#: ("p", record, row) for a page (``_Store.COLUMNS`` and the anchors blob)
ReadItem = tuple[Any, ...]


def _read_item(x: RawPage | Skip, extractor: str, copts: CandidateOptions) -> ReadItem:
    """One record, extracted, as ready to store (text digest, sentence spans, anchors)."""
    if isinstance(x, Skip):
        return ("s", x.record, x.reason, x.detail)
    p = extract_page_record(x, extractor)
    if isinstance(p, Skip):
        return ("s", x.record, p.reason, p.detail)
    sents = _u32(p.sentences)
    hs = np.asarray(anchors(p.text, copts), dtype="<i8").tobytes()
    return ("p", x.record, (p.url if p.url != p.key else None, p.site, p.title, p.published, p.seen,
                            p.date_source, p.text, sents, p.words, text_digest(p.text, sents), hs))


def _read_task(task: tuple[Any, ...]) -> tuple[str, str, Any, list[ReadItem]]:
    """Worker: a read task as (kind, input, position, items). ``range``: the records of a WARC
    file that start in ``[start, end)``, numbered from 1 in the range, and position (end,
    records in the range); ``batch``: records parsed by the main process, and position the
    number of the last one; ``end``: the input is finished."""
    kind, inp = task[0], task[1]
    if kind == "end":
        return kind, inp, None, []
    extractor, copts = task[2], task[3]
    if kind == "range":
        start, end = task[4], task[5]
        out = [_read_item(x, extractor, copts) for x in iter_warc_range(inp, start, end)]
        return kind, inp, (end, out[-1][1] if out else 0), out
    batch = task[4]
    return kind, inp, batch[-1].record, [_read_item(x, extractor, copts) for x in batch]


def _record_batches(items: Iterator[RawPage | Skip], n: int) -> Iterator[list[RawPage | Skip]]:
    """Batches of ``n`` raw pages (with the skipped records between them)."""
    batch: list[RawPage | Skip] = []
    pages = 0
    for x in items:
        batch.append(x)
        pages += not isinstance(x, Skip)
        if pages >= n or len(batch) >= 10 * n:
            yield batch
            batch, pages = [], 0
    if batch:
        yield batch


class _Store:
    """Writes the pages and skips of an input into the state, numbering pages as they come
    (the first page with a URL keeps it; a later one is a ``duplicate_url`` skip)."""

    COLUMNS = "id, key, url, site, title, published, seen, date_source, text, sents, words, digest"

    def __init__(self, conn: sqlite3.Connection, next_id: int):
        self.conn, self.next_id = conn, next_id

    def add(self, inp: str, base: int, items: list[ReadItem]) -> None:
        """Store ``items`` of ``inp`` whose record numbers start after ``base``."""
        conn = self.conn
        skips: list[tuple[str, int, str, str]] = []
        for item in items:
            record = base + item[1]
            if item[0] == "s":
                skips.append((inp, record, item[2], item[3]))
                continue
            url, *rest, hs = item[2]
            key = f"{inp}#{record}"
            url = url or key
            cur = conn.execute(f"INSERT OR IGNORE INTO pages({self.COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                               (self.next_id, key, url, *rest))
            if cur.rowcount == 0:
                skips.append((inp, record, "duplicate_url", url))
                continue
            conn.execute("INSERT INTO anchors(page, hs) VALUES (?, ?)", (self.next_id, hs))
            self.next_id += 1
        conn.executemany("INSERT INTO skips(input, record, reason, detail) VALUES (?,?,?,?)", skips)


def _stage_candidates(st: State, opts: ScanOptions) -> None:
    """The anchor join in numpy (``candidates.anchor_join``: passes of at most
    ``ANCHORS_PER_PASS`` anchors, counted pairs spilled beside the state file); pairs are
    written in order of their pages' digests, so that verify finds repeated text pairs next
    to each other."""
    t0, c0 = time.monotonic(), _cpu()
    conn = st.conn
    copts = opts.candidates
    n_anchors = int(conn.execute("SELECT COALESCE(SUM(LENGTH(hs)), 0) FROM anchors").fetchone()[0]) // 8
    for stale in st.path.parent.glob(".candidates-*"):  # left by a scan killed in this stage
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=".candidates-", dir=st.path.parent) as spill:
        a, b, counts, big = anchor_join(lambda: conn.execute("SELECT page, hs FROM anchors ORDER BY page"),
                                        n_anchors, copts, per_pass=ANCHORS_PER_PASS, spill=Path(spill))
    conn.execute("BEGIN")
    conn.execute("DELETE FROM pairs")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS cand (a INTEGER, b INTEGER, shared INTEGER)")
    conn.execute("DELETE FROM cand")
    conn.executemany("INSERT INTO cand VALUES (?, ?, ?)", zip(a.tolist(), b.tolist(), counts.tolist(), strict=True))
    conn.execute("INSERT INTO pairs(a, b, shared) SELECT c.a, c.b, c.shared FROM cand c "
                 "JOIN pages x ON x.id = c.a JOIN pages y ON y.id = c.b "
                 "ORDER BY MIN(x.digest, y.digest), MAX(x.digest, y.digest), c.a, c.b")
    conn.execute("DROP TABLE cand")
    st.set("dropped_buckets", str(big))
    conn.execute("COMMIT")
    st.mark("candidates", time.monotonic() - t0, _cpu() - c0)


def _stage_verify(st: State, opts: ScanOptions, jobs: int) -> None:
    """Verify the candidate pairs in order; a pair whose two texts were already verified as
    another pair (same digests: pairs are ordered by digests, so such pairs are neighbours)
    takes that pair's result (turned round when its pages are the other way round)."""
    conn = st.conn
    t_run, c0 = st.begin("verify")
    total = int(conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0])
    upto = int(st.get("verified_upto") or 0)
    prog = Progress("verify", total)
    prog.n = int(conn.execute("SELECT COUNT(*) FROM pairs WHERE id <= ?", (upto,)).fetchone()[0])
    cache: OrderedDict[int, tuple[str, tuple[tuple[int, int], ...]]] = OrderedDict()

    def batches() -> Iterator[tuple[TraceOptions, Any, int, list[tuple[int, int, int, bool]]]]:
        for part in _pair_pages(conn, upto, opts.batch):
            todo = [(a, b) for a, b, rep, _swap in _repeats(part) if rep < 0]
            need = {x for a, b in todo for x in (a, b)}
            have = {x: cache[x] for x in need if x in cache}
            have.update(st.texts(sorted(need - have.keys())))
            for x in sorted(need):  # most recently used last; evict the oldest
                cache[x] = have[x]
                cache.move_to_end(x)
            while len(cache) > CACHE_PAGES:
                cache.popitem(last=False)
            yield opts.verify, (have, todo), part[-1][0], _repeats(part)

    for edges, last, repeats in bounded_map(_verify_job, batches(), jobs):
        done: list[Edge] = []
        it = iter(edges)
        for a, b, rep, swap in repeats:
            if rep < 0:
                done.append(next(it))
            else:
                e = done[rep]
                done.append(Edge(e.b_by_a, e.a_by_b, e.score_b_by_a, e.score_a_by_b, e.b_in_a, e.a_in_b, a=a, b=b)
                            if swap else Edge(e.a_by_b, e.b_by_a, e.score_a_by_b, e.score_b_by_a, e.a_in_b,
                                              e.b_in_a, a=a, b=b))
        conn.execute("BEGIN")
        conn.executemany("INSERT OR REPLACE INTO edges VALUES (?,?,?,?,?,?,?,?)",
                         [(e.a, e.b, e.a_by_b, e.b_by_a, e.score_a_by_b, e.score_b_by_a, int(e.a_in_b),
                           int(e.b_in_a)) for e in done])
        st.set("verified_upto", str(last))
        st.spent("verify", t_run, c0)
        conn.execute("COMMIT")
        prog.add(len(done))
    st.mark("verify", *st.total("verify", prog.done(), _cpu() - c0))


def _repeats(part: list[tuple[int, int, int, bytes, bytes]]) -> list[tuple[int, int, int, bool]]:
    """(a, b, index of the earlier pair of the batch with the same two texts or -1, turned
    round) for each pair of a batch."""
    first: dict[tuple[bytes, bytes], int] = {}
    out: list[tuple[int, int, int, bool]] = []
    for k, (_id, a, b, da, db) in enumerate(part):
        key = (da, db) if da <= db else (db, da)
        rep = first.setdefault(key, k)
        if rep == k:
            out.append((a, b, -1, False))
        else:
            out.append((a, b, rep, part[rep][3] != da))
    return out


def _pair_pages(conn: sqlite3.Connection, after: int, n: int
                ) -> Iterator[list[tuple[int, int, int, bytes, bytes]]]:
    """Candidate pairs after id ``after`` with their pages' digests, in batches of about
    ``n`` (a batch ends where the text pair changes, so repeats stay in one batch)."""
    while True:
        rows = conn.execute("SELECT p.id, p.a, p.b, x.digest, y.digest FROM pairs p JOIN pages x ON x.id = p.a "
                            "JOIN pages y ON y.id = p.b WHERE p.id > ? ORDER BY p.id LIMIT ?",
                            (after, n)).fetchall()
        if not rows:
            return
        while True:  # extend to the end of the last text pair
            last = rows[-1]
            more = conn.execute("SELECT p.id, p.a, p.b, x.digest, y.digest FROM pairs p JOIN pages x ON x.id = p.a "
                                "JOIN pages y ON y.id = p.b WHERE p.id > ? ORDER BY p.id LIMIT 1",
                                (last[0],)).fetchone()
            if more is None or {more[3], more[4]} != {last[3], last[4]}:
                break
            rows.append(more)
        yield rows
        after = rows[-1][0]


def _verify_job(args: tuple[TraceOptions, Any, int, Any]) -> tuple[list[Edge], int, Any]:
    opts, (texts, todo), last, repeats = args
    return verify_many(texts, todo, opts), last, repeats


def _load_edges(conn: sqlite3.Connection) -> list[Edge]:
    return [Edge(x, y, s, t, bool(i), bool(j), a=a, b=b) for a, b, x, y, s, t, i, j in
            conn.execute("SELECT * FROM edges WHERE a_in_b = 1 OR b_in_a = 1 ORDER BY a, b")]


def _stage_graph(st: State) -> None:
    t0, c0 = time.monotonic(), _cpu()
    conn = st.conn
    edges = _load_edges(conn)
    ids = sorted({x for e in edges for x in (e.a, e.b)})
    nodes: dict[int, Node] = {}
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        q = ",".join("?" * len(part))
        for i, url, pub, seen, ds, words in conn.execute(
                f"SELECT id, url, published, seen, date_source, words FROM pages WHERE id IN ({q})", part):
            nodes[i] = Node(i, url, pub if ds == "page" else seen, ds, words)
    placements = place(nodes, edges)
    conn.execute("BEGIN")
    conn.execute("DELETE FROM placements")
    conn.executemany("INSERT INTO placements VALUES (?,?,?,?,?,?,?,?)",
                     [(p.id, p.cluster, p.role, p.source, p.copied_from, p.root, p.delay_hours,
                       p.source_delay_hours) for p in placements])
    conn.execute("COMMIT")
    st.mark("graph", time.monotonic() - t0, _cpu() - c0)


def _stage_judge(st: State, opts: ScanOptions, jobs: int) -> None:
    """One judgement per distinct (copy text, original): copies with the same text and the
    same original (a relay of a spun copy, a mirror of a mirror) take the first one's
    judgement, committed with it."""
    conn = st.conn
    t_run, c0 = st.begin("judge")
    rows = conn.execute("SELECT p.id, p.root, g.digest FROM placements p JOIN pages g ON g.id = p.id "
                        "LEFT JOIN judgements j ON j.id = p.id WHERE p.role = 'copy' AND j.id IS NULL "
                        "ORDER BY p.root, g.digest, p.id").fetchall()
    total = int(conn.execute("SELECT COUNT(*) FROM placements WHERE role = 'copy'").fetchone()[0])
    prog = Progress("judge", total)
    prog.n = total - len(rows)
    groups: list[tuple[int, int, list[int]]] = []  # (copy, root, other copies with its text and root)
    for k, (c, r, d) in enumerate(rows):
        if k and rows[k - 1][1] == r and rows[k - 1][2] == d:
            groups[-1][2].append(c)
        else:
            groups.append((c, r, []))
    del rows
    groups.sort(key=lambda g: (g[1], g[0]))  # by original: a worker ingests each original once per batch

    def batches() -> Iterator[tuple[list[tuple[int, str, int, str]], list[list[int]]]]:
        for part in _batches(groups, max(1, opts.batch // 10)):
            texts = st.texts(sorted({x for c, r, _ in part for x in (c, r)}))
            yield [(c, texts[c][0], r, texts[r][0]) for c, r, _ in part], [same for _, _, same in part]

    for judged, same in bounded_map(_judge_job, batches(), jobs, ordered=False, ahead=8):
        conn.execute("BEGIN")
        conn.executemany("INSERT OR REPLACE INTO judgements VALUES (?,?,?,?,?,?)",
                         [(i, j.against, j.verdict, j.spin_share, j.fact_changes,
                           json.dumps(list(j.facts), ensure_ascii=False))
                          for j, others in zip(judged, same, strict=True) for i in (j.id, *others)])
        st.spent("judge", t_run, c0)
        conn.execute("COMMIT")
        prog.add(len(judged) + sum(map(len, same)))
    st.mark("judge", *st.total("judge", prog.done(), _cpu() - c0))


def _judge_job(args: tuple[list[tuple[int, str, int, str]], list[list[int]]]) -> tuple[list[Judgement], Any]:
    items, same = args
    out = _judge_batch(items)
    relieve_memory()
    return out, same


def relieve_memory(limit_mb: float | None = None) -> bool:
    """Empty the memo caches when this process holds more than ``limit_mb`` (default
    ``JUDGE_WORKER_MB``, read at call time) resident (a judge
    worker's caches grow with every new word and stretch it meets); True when it did. Used by the
    local engine's judge workers and by Spark's judge partitions alike."""
    if _resident_mb() <= (JUDGE_WORKER_MB if limit_mb is None else limit_mb):
        return False
    _clear_memo_caches()
    return True


def _resident_mb() -> float:
    """This process's resident memory now (0 where ``/proc`` is missing)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _clear_memo_caches() -> None:
    """Empty the memo caches (``functools.lru_cache`` with room for more than 1,000 entries) of
    unspin's modules and classes, and give the memory back: results do not change (the cached
    functions are pure); single-entry caches, which hold loaded resources, are kept."""
    import gc

    for mod in [m for name, m in list(sys.modules.items()) if name.startswith("unspin.") and m is not None]:
        for obj in list(vars(mod).values()):
            for f in (obj, *(vars(obj).values() if isinstance(obj, type) else ())):
                info = getattr(f, "cache_info", None)
                if info is not None and callable(getattr(f, "cache_clear", None)) and (info().maxsize or 0) > 1000:
                    f.cache_clear()
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused, not returned
        pass


# ------------------------------------------------------------------------- entry point

def checked_options(options: ScanOptions | None) -> ScanOptions:
    """The scan's options (defaults when None), refused when the extractor is unknown."""
    opts = options or ScanOptions()
    if opts.extractor not in ("fast", "accurate"):
        raise UnspinError(f"unknown extractor {opts.extractor!r}", hint="use fast or accurate")
    return opts


def output_dir(out: str | os.PathLike[str]) -> Path:
    """The scan's output folder, created when missing (both engines write the same files)."""
    outp = Path(out)
    if outp.exists() and not outp.is_dir():
        raise OutputError("exists and is not a directory", input=str(outp))
    try:
        outp.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder ({exc.strerror})", input=str(outp)) from None
    return outp


def scan(inputs: Iterable[str], out: str | os.PathLike[str], options: ScanOptions | None = None, *,
         jobs: int = 1, restart: bool = False, progress: bool | None = None,
         on_stage: Callable[[str], None] | None = None) -> ScanSummary:
    """Scan a crawl: read, find copies, cluster, judge, write the outputs into ``out``.

    Rerunning with the same inputs and options continues an interrupted scan (the state is
    ``out/.scan-state.sqlite``); ``restart`` starts over. ``on_stage`` is called with each
    stage's name as it starts (``read``, ``candidates``, ``verify``, ``graph``, ``judge``,
    ``write``; finished stages of a resumed scan are skipped), e.g. for a progress bar.

    Raises:
        InputError: an input is missing or unreadable as a whole.
        OutputError: ``out`` cannot be written, or holds a scan of other inputs/options.
    """
    from unspin.scan.outputs import write_outputs

    opts = checked_options(options)
    files = expand_inputs(inputs)
    outp = output_dir(out)
    if restart:
        for suffix in ("", "-wal", "-shm"):
            (outp / (STATE + suffix)).unlink(missing_ok=True)
    st = State(outp)
    try:
        ident = json.dumps({"inputs": [os.path.abspath(f) for f in files], "options": opts.identity(),
                            "format": STATE_FORMAT}, sort_keys=True)
        stored = st.get("identity")
        if stored is None:
            st.conn.execute("BEGIN")
            st.set("identity", ident)
            st.set("unspin_version", __version__)
            st.conn.execute("COMMIT")
        elif stored != ident:
            raise OutputError("holds an unfinished or finished scan of other inputs or options",
                              input=str(outp), hint="use another --out folder, or --restart")
        PROGRESS["on"] = progress
        stage = on_stage or (lambda name: None)
        main_cpu: dict[str, float] = {}
        steps: list[tuple[str, Callable[[], None]]] = [
            ("read", lambda: _stage_read(st, files, opts, jobs)),
            ("candidates", lambda: _stage_candidates(st, opts)),
            ("verify", lambda: _stage_verify(st, opts, jobs)),
            ("graph", lambda: _stage_graph(st)),
            ("judge", lambda: _stage_judge(st, opts, jobs)),
        ]
        for name, run in steps:
            if not st.done(name):
                stage(name)
                m0 = _cpu_main()
                run()
                main_cpu[name] = round(_cpu_main() - m0, 3)
        stage("write")
        t0, c0 = time.monotonic(), _cpu()
        summary = write_outputs(st.conn, outp, opts)
        seconds = {s: float(st.get(f"seconds:{s}") or 0.0)
                   for s in ("read", "candidates", "verify", "graph", "judge")}
        seconds["write"] = round(time.monotonic() - t0, 3)
        cpu = {s: float(st.get(f"cpu:{s}") or 0.0) for s in ("read", "candidates", "verify", "graph", "judge")}
        cpu["write"] = round(_cpu() - c0, 3)
        main_cpu["write"] = cpu["write"]
        return ScanSummary(out=str(outp), seconds=seconds, cpu=cpu, cpu_main=main_cpu, **summary)
    except sqlite3.DatabaseError as exc:
        raise OutputError(f"the scan state is damaged ({exc})", input=str(st.path),
                          hint="rerun with --restart") from exc
    finally:
        st.close()


def skip_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = dict.fromkeys(SKIP_REASONS, 0)
    for reason, n in conn.execute("SELECT reason, COUNT(*) FROM skips GROUP BY reason"):
        counts[reason] = int(n)
    return counts

