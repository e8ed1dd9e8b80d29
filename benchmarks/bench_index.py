"""Index build speed against tantivy on the same documents, in the same run (issue 16).

    .venv/bin/python benchmarks/bench_index.py --docs 20000 [--jobs 2] [--repeat 2] [--profile] [--no-c]

Synthetic articles (``benchmarks/trace_synthetic.py``, built on the BBC development corpus when
present, else on the invented samples) are generated into memory first (not timed). Then,
best of ``--repeat`` rounds (interleaved), CPU time of this process (``time.process_time``; with ``--jobs``
the workers' CPU is added from ``RUSAGE_CHILDREN``) and wall time for:

- ``unspin``: ``Index.add`` of all articles into a new index (defaults: batch, commits,
  automatic merge of posting blocks at the end);
- ``tantivy``: one ``IndexWriter`` (one indexing thread, 256 MB heap) adding the same
  articles with id and text stored and text indexed (``en_stem`` off: the default
  tokenizer), one commit, merges waited for;
- ``fts5``: SQLite's full-text index (``fts5(id UNINDEXED, text)``, default tokenizer), the
  same articles inserted with ``executemany`` in one transaction (WAL, ``synchronous=NORMAL``).

``--no-c`` runs unspin without its C extension (``unspin._fastscan``): the numpy reference
code, which builds a byte-identical index.

Reported as articles per CPU second, the ratio unspin/tantivy, and bytes per article on disk;
with ``--jobs`` also the writer's own CPU (the calling thread alone, ``time.thread_time``; the
analysis runs in the pool's threads): what bounds the wall throughput when the threads have
cores of their own.
``tantivy`` is in the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# ``--src DIR``: time another checkout's code (e.g. ``git archive`` of main with its built
# extension copied in) with this script, in the same interpreter
SRC = Path(sys.argv[sys.argv.index("--src") + 1]) if "--src" in sys.argv[:-1] else ROOT / "src"
sys.path.insert(0, str(SRC))
import unspin  # noqa: E402,F401  (bound from SRC first: eval_trace puts this checkout's src ahead)

sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_trace import BBC, SAMPLES, load_bbc, load_jsonl  # noqa: E402
from trace_synthetic import synthetic_articles  # noqa: E402
from unspin.index import Index  # noqa: E402
from unspin.models import Article  # noqa: E402


def corpus(n: int, seed: int = 1000) -> list[Article]:
    base = load_bbc() if BBC.exists() else load_jsonl(SAMPLES)
    return list(synthetic_articles(n, seed=seed, base=base, prefix=f"b{seed}"))


def _cpu(children: bool) -> float:
    t = time.process_time()
    if children:
        ch = resource.getrusage(resource.RUSAGE_CHILDREN)
        t += ch.ru_utime + ch.ru_stime
    return t


def _size(path: Path) -> int:
    if path.is_file():
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_unspin(arts: list[Article], tmp: Path, jobs: int = 1, **kw: Any) -> tuple[float, float, int]:
    db = tmp / "u.unspin"
    for p in tmp.glob("u.unspin*"):
        p.unlink()
    t, c, w = time.perf_counter(), _cpu(jobs > 1), time.thread_time()
    with Index.open(db, create=True) as ix:
        ix.add(arts, jobs=jobs, **kw)
        ix.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _WRITER.append(time.thread_time() - w)
    return time.perf_counter() - t, _cpu(jobs > 1) - c, _size(db)


_WRITER: list[float] = []  # CPU of the calling thread in each unspin run (with --jobs: the writer)


def run_fts5(arts: list[Article], tmp: Path) -> tuple[float, float, int]:
    import sqlite3

    db = tmp / "f.sqlite"
    for p in tmp.glob("f.sqlite*"):
        p.unlink()
    t, c = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, text)")
    with conn:
        conn.executemany("INSERT INTO docs(id, text) VALUES (?, ?)", ((a.id, a.text) for a in arts))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - t, time.process_time() - c, _size(db)


def run_tantivy(arts: list[Article], tmp: Path) -> tuple[float, float, int]:
    import tantivy

    d = tmp / "tantivy"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("text", stored=True)
    schema = sb.build()
    t, c = time.perf_counter(), time.process_time()
    ix = tantivy.Index(schema, path=str(d))
    w = ix.writer(heap_size=256_000_000, num_threads=1)
    for a in arts:
        w.add_document(tantivy.Document(id=a.id, text=a.text))
    w.commit()
    w.wait_merging_threads()
    return time.perf_counter() - t, time.process_time() - c, _size(d)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--jobs", type=int, default=0, help="also time Index.add(jobs=N)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--profile", action="store_true", help="cProfile one unspin run")
    ap.add_argument("--no-tantivy", action="store_true")
    ap.add_argument("--no-fts5", action="store_true")
    ap.add_argument("--no-c", action="store_true", help="unspin without its C extension")
    ap.add_argument("--src", default=None, help="the unspin source tree to time (default: this checkout's src)")
    ap.add_argument("--batch", type=int, default=0,
                    help="fixed batches of this many articles (no timed commits, no merge): sizes "
                         "comparable whatever the load")
    a = ap.parse_args()
    import unspin.analyze

    if a.no_c:
        unspin.analyze._fast = None
    arts = corpus(a.docs)
    words = sum(len(x.text.split()) for x in arts) / len(arts)
    out: dict[str, Any] = {"docs": a.docs, "src": str(SRC), "mean_words": round(words),
                           "loadavg_1min": round(os.getloadavg()[0], 2),
                           "c_extension": getattr(unspin.analyze, "_fast", None) is not None}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if a.profile:
            prof = cProfile.Profile()
            prof.enable()
            run_unspin(arts, tmp)
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(20)
        kw: dict[str, Any] = {"batch_size": a.batch, "commit_seconds": 1e9, "optimize": False} if a.batch else {}
        runs = {"unspin": lambda: run_unspin(arts, tmp, **kw)}
        if a.jobs > 1:
            runs[f"unspin_jobs{a.jobs}"] = lambda: run_unspin(arts, tmp, jobs=a.jobs, **kw)
        if not a.no_tantivy:
            runs["tantivy"] = lambda: run_tantivy(arts, tmp)
        if not a.no_fts5:
            runs["fts5"] = lambda: run_fts5(arts, tmp)
        got: dict[str, list[tuple[float, float, int]]] = {name: [] for name in runs}
        writer: list[float] = []
        for _ in range(a.repeat):  # rounds interleaved: the machine's load hits every peer alike
            for name, fn in runs.items():
                got[name].append(fn())
                if name.startswith("unspin_jobs"):
                    writer.append(_WRITER[-1])
        if writer:
            out[f"unspin_jobs{a.jobs}_writer_articles_per_s_cpu"] = round(a.docs / min(writer))
        for name in runs:
            wall, cpu, size = min(got[name], key=lambda r: r[1])
            out[f"{name}_articles_per_s_cpu"] = round(a.docs / cpu)
            out[f"{name}_articles_per_s_wall"] = round(a.docs / wall)
            out[f"{name}_bytes_per_article"] = round(size / a.docs)
    for peer in ("tantivy", "fts5"):
        if f"{peer}_articles_per_s_cpu" in out:
            out[f"cpu_ratio_{peer}_over_unspin"] = round(out[f"{peer}_articles_per_s_cpu"]
                                                         / out["unspin_articles_per_s_cpu"], 2)
    out["loadavg_1min_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
