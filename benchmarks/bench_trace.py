"""Speed of the index and of ``unspin.tracer`` (issue 5), on one core.

    .venv/bin/python benchmarks/bench_trace.py --docs 100000
    .venv/bin/python benchmarks/bench_trace.py --docs 1000000 --jsonl-docs 0

1. Indexing plain-text JSONL: writes ``--jsonl-docs`` synthetic articles as JSONL and times
   ``unspin index add`` end to end (reading through ``unspin.ingest.read``), and separately
   ``Index.add`` alone on articles already in memory.
2. Builds an index of ``--docs`` synthetic articles (benchmarks/trace_synthetic.py: BBC sentence
   skeletons with redrawn words, names and numbers) plus ``--suspects`` long (~800-word) ones.
3. In a fresh process (warm index: a few untimed traces first), traces a spun copy of each long
   article and reports p50/p95 latency, recall@1, the process's peak memory and the index size.

Suspects are spun with the benchmark's local spinner (eval_trace.local_spin) because
``unspin.synth`` takes about 2 s per 800-word synthetic article; latency does not depend on
which spinner made the copy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# ``--src DIR``: time another checkout's code with this script (the trace process gets it too)
SRC = Path(sys.argv[sys.argv.index("--src") + 1]) if "--src" in sys.argv[:-1] else ROOT / "src"
sys.path.insert(0, str(SRC))
import unspin  # noqa: E402,F401  (bound from SRC first: eval_trace puts this checkout's src ahead)

sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_trace import BBC, SAMPLES, load_bbc, load_jsonl, local_spin  # noqa: E402
from trace_synthetic import synthetic_articles  # noqa: E402
from unspin.index import Index  # noqa: E402
from unspin.models import Article  # noqa: E402


def _base() -> list[Article]:
    return load_bbc() if BBC.exists() else load_jsonl(SAMPLES)


def bench_jsonl(n: int, base: list[Article], tmp: Path) -> dict[str, Any]:
    src = tmp / "corpus.jsonl"
    arts = list(synthetic_articles(n, seed=11, base=base, prefix="j"))
    with open(src, "w", encoding="utf-8") as fh:
        for a in arts:
            fh.write(json.dumps({"id": a.id, "title": a.id, "text": a.text}) + "\n")
    words = sum(len(a.text.split()) for a in arts) / n
    t, c = time.perf_counter(), time.process_time()
    with Index.open(tmp / "core.unspin", create=True) as ix:
        ix.add(arts)
    core, core_cpu = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter()
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([sys.executable, "-m", "unspin", "index", "add", "--db", str(tmp / "cli.unspin"),
                        str(src), "--no-progress", "--json"], capture_output=True, text=True, check=True)
    cli = time.perf_counter() - t
    ch2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli_cpu = (ch2.ru_utime + ch2.ru_stime) - (ch.ru_utime + ch.ru_stime)
    counts = json.loads(r.stdout)
    return {"jsonl_articles": n, "jsonl_mean_words": round(words),
            "index_add_core_articles_per_s_wall": round(n / core),
            "index_add_core_articles_per_s_cpu": round(n / core_cpu),
            "index_add_cli_jsonl_articles_per_s_wall": round(counts["added"] / cli),
            "index_add_cli_jsonl_articles_per_s_cpu": round(counts["added"] / cli_cpu),
            "cli_added": counts["added"]}


def build(db: Path, docs: int, suspects: int, base: list[Article]) -> tuple[dict[str, Any], list[Article]]:
    longs = [_trim(a, 800) for a in synthetic_articles(suspects, seed=21, base=base, min_words=1200,
                                                        prefix="long")]
    t, cpu = time.perf_counter(), time.process_time()
    gen_s = gen_cpu = 0.0
    with Index.open(db, create=True) as ix:
        done = 0
        step = 50_000
        while done < docs:
            k = min(step, docs - done)
            g, gc = time.perf_counter(), time.process_time()
            chunk = list(synthetic_articles(k, seed=1000 + done // step, base=base, prefix=f"s{done // step}"))
            gen_s += time.perf_counter() - g
            gen_cpu += time.process_time() - gc
            ix.add(chunk, batch_size=5000)
            done += k
        ix.add(longs, batch_size=5000)
        ix.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        n = len(ix)
        total, total_cpu = time.perf_counter() - t, time.process_time() - cpu
        # runs of posting rows a term lookup reads (format 5's runs table; format 4: its levels)
        tables = {r[0] for r in ix.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        runs = ix.conn.execute("SELECT COUNT(*) FROM runs" if "runs" in tables else
                               "SELECT COUNT(DISTINCT chunk) FROM postings").fetchone()[0]
        rows = ix.conn.execute("SELECT COUNT(*) FROM postings").fetchone()[0]
    return {"indexed": n, "build_s": round(total, 1), "generate_s": round(gen_s, 1),
            "index_add_articles_per_s_at_scale_wall": round(n / max(total - gen_s, 1e-9)),
            "index_add_articles_per_s_at_scale_cpu": round(n / max(total_cpu - gen_cpu, 1e-9)),
            "index_bytes": db.stat().st_size, "bytes_per_article": round(db.stat().st_size / max(n, 1)),
            "posting_runs": int(runs), "posting_rows": int(rows)}, longs


def _trim(a: Article, words: int) -> Article:
    """Cut ``a`` after the first sentence that brings it to ``words`` words."""
    count = 0
    for k, sp in enumerate(a.sentences):
        count += len(sp.text.split())
        if count >= words:
            end = sp.end
            return Article(id=a.id, text=a.text[:end], original=a.text[:end], input=a.input,
                           published=a.published, sentences=a.sentences[:k + 1])
    return a


def run_traces(db: Path, suspects_file: Path, repeat: int = 1) -> dict[str, Any]:
    """Runs in a fresh process: warm up, then time one trace per suspect (with ``repeat``,
    each suspect's CPU time, and its floor's, is the least of ``repeat`` rounds: on a shared
    machine the noise of single runs is larger than the differences measured)."""
    from unspin.tracer import trace

    rows = [json.loads(x) for x in suspects_file.read_text(encoding="utf-8").splitlines()]
    sus = [(Article(id=r["id"], text=r["text"]), r["source"]) for r in rows]
    ix = Index.open(db, readonly=True)
    for a, _ in sus[:5]:
        trace(a, ix)
    lat, cpu, floor, reads = [1e9] * len(sus), [1e9] * len(sus), [1e9] * len(sus), [1e9] * len(sus)
    hits = 0
    for rnd in range(max(1, repeat)):
        for k, (a, src) in enumerate(sus):
            t, c = time.perf_counter(), time.process_time()
            r = trace(a, ix)
            lat[k] = min(lat[k], time.perf_counter() - t)
            cpu[k] = min(cpu[k], time.process_time() - c)
            hits += rnd == 0 and bool(r.sources) and r.sources[0].id == src
        for k, (a, _) in enumerate(sus):
            f, p = _floor(a, ix)
            floor[k] = min(floor[k], f)
            reads[k] = min(reads[k], p)
    lat.sort()
    cpu.sort()
    floor.sort()
    reads.sort()
    words = sum(len(a.text.split()) for a, _ in sus) / len(sus)
    return {"suspects": len(sus), "suspect_mean_words": round(words), "repeat": max(1, repeat),
            "trace_p50_ms": round(1000 * lat[len(lat) // 2], 1),
            "trace_p95_ms": round(1000 * lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1),
            "trace_mean_ms": round(1000 * sum(lat) / len(lat), 1),
            "trace_cpu_p50_ms": round(1000 * cpu[len(cpu) // 2], 1),
            "trace_cpu_p95_ms": round(1000 * cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))], 1),
            "floor_cpu_p50_ms": round(1000 * floor[len(floor) // 2], 2),
            "trace_over_floor": round(cpu[len(cpu) // 2] / floor[len(floor) // 2], 2),
            "postings_read_cpu_p50_ms": round(1000 * reads[len(reads) // 2], 3),
            "recall@1": round(hits / len(sus), 4), "loadavg_1min": round(os.getloadavg()[0], 2),
            "trace_peak_rss_mib": _peak_rss_mib()}


def _floor(article: Article, ix: Index) -> tuple[float, float]:
    """CPU time of the irreducible parts of one trace (the floor of issue 16): one regex pass
    over the suspect, reading the 48 chosen posting lists, fetching the 12 candidates, and
    comparing pre-made token strings of the suspect's and the candidates' sentences; and of
    the posting reads alone."""
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    import unspin.tracer as tmod
    from unspin.analyze import KEY_RE

    chosen: list[str] = []
    real = ix.postings

    def spy(terms: Any) -> Any:
        chosen.extend(terms)
        return real(terms)

    ix.postings = spy  # type: ignore[method-assign]
    try:
        an = tmod._analysis(article, ix.params.min_word_len)
        cands = tmod.retrieve(ix, article, tmod.TraceOptions())
    finally:
        del ix.postings
    rows = [c.article.rowid for c in cands if c.article is not None]
    ids = [c.article.token_ids() for c in cands if c.article is not None]
    strings = tmod._symbol_strings([an.counts] + [c for c, _ in ids], [an.hashes] + [i for _, i in ids])
    c = time.process_time()
    KEY_RE.findall(article.text.lower())
    p = time.process_time()
    ix.postings(chosen)
    p = time.process_time() - p
    ix.get(rows)
    for ss in strings[1:]:
        np.asarray(process.cdist(strings[0], ss, scorer=Levenshtein.normalized_similarity,
                                 dtype=np.float32, workers=1)).max(axis=1)
    return time.process_time() - c, p


def _peak_rss_mib() -> int:
    """Peak resident memory of this process (VmHWM; ru_maxrss would include the parent's
    peak, which Linux carries across fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--suspects", type=int, default=300)
    ap.add_argument("--jsonl-docs", type=int, default=5000)
    ap.add_argument("--rate", type=float, default=0.35)
    ap.add_argument("--dir", default=None, help="working directory (default: a temporary one)")
    ap.add_argument("--keep", default=None, help="build the scale index at this path and keep it")
    ap.add_argument("--repeat", type=int, default=1, help="best of N rounds per suspect (trace and floor)")
    ap.add_argument("--src", default=None, help="the unspin source tree to time (default: this checkout's src)")
    ap.add_argument("--trace-only", nargs=2, metavar=("DB", "SUSPECTS"),
                    help="only time the traces of SUSPECTS (JSONL written by --keep) against DB")
    a = ap.parse_args()
    if a.trace_only:
        print(json.dumps(run_traces(Path(a.trace_only[0]), Path(a.trace_only[1]), a.repeat)))
        return
    base = _base()
    out: dict[str, Any] = {"docs": a.docs, "src": str(SRC), "cpu": os.cpu_count(),
                           "loadavg_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(dir=a.dir) as d:
        tmp = Path(d)
        if a.jsonl_docs:
            out.update(bench_jsonl(a.jsonl_docs, base, tmp))
            print(json.dumps(out), file=sys.stderr)
        db = Path(a.keep) if a.keep else tmp / "scale.unspin"
        info, longs = build(db, a.docs, a.suspects, base)
        out.update(info)
        print(json.dumps(out), file=sys.stderr)
        sf = Path(f"{a.keep}.suspects.jsonl") if a.keep else tmp / "suspects.jsonl"
        with open(sf, "w", encoding="utf-8") as fh:
            for k, src in enumerate(longs):
                fh.write(json.dumps({"id": f"sus-{k}", "source": src.id,
                                     "text": local_spin(src.text, a.rate, 900 + k)}) + "\n")
        r = subprocess.run([sys.executable, __file__, "--trace-only", str(db), str(sf), "--repeat", str(a.repeat),
                            "--src", str(SRC)],
                           capture_output=True, text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": "1",
                                                                           "OPENBLAS_NUM_THREADS": "1"})
        out.update(json.loads(r.stdout.splitlines()[-1]))
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
