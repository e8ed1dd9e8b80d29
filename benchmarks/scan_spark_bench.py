"""Local vs Spark scan engine on the same crawl: wall clock, peak memory, same answer.

Usage::

    .venv/bin/python benchmarks/scan_spark_bench.py --crawl CRAWL_FILE... [--master local[2]] [--jobs 2]
        [--engines local,spark] [--local-out DIR]

``--engines spark --local-out DIR`` runs Spark alone and compares it with a local scan of the
same inputs already in DIR (e.g. the timed run of ``scan_bench.py``).

Each engine runs in its own child process (``ru_maxrss`` of the waited-for children is the
peak resident set of the largest process: for Spark that includes the JVM driver and the
Python workers it forks). Spark's session start-up is measured apart from the scan (the
``startup`` line), and the per-stage seconds of both engines are printed. Finally the
output tables of the two runs are compared (identical after sorting, or the script fails),
with the recall of Spark's candidate step against the local engine's candidate pairs.
Peak memory is also sampled over the whole process tree (``treemem``: the JVM and its Python
workers for Spark, the main process and its workers for the local engine).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from treemem import PeakTree  # noqa: E402

TABLES = ("articles.jsonl", "clusters.jsonl", "sites.csv")

_CHILD = """
import json, sys
from unspin.scan import ScanOptions, scan
engine, out, master, jobs, conf = sys.argv[1:6]
crawl = sys.argv[6:]
if engine == "spark":
    from unspin.scan.spark import scan_spark
    s = scan_spark(crawl, out, master=master, conf=json.loads(conf))
else:
    s = scan(crawl, out, jobs=int(jobs), restart=True, progress=False)
print(json.dumps({"pages": s.pages, "candidates": s.candidates, "edges": s.edges, "copies": s.copies,
                  "seconds": s.seconds}))
"""


def run(engine: str, crawl: list[str], out: Path, master: str, jobs: int, conf: dict[str, str]) -> dict[str, object]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, engine, str(out), master, str(jobs), json.dumps(conf), *crawl],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakTree(proc.pid) as tree:
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{engine} failed:\n{stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads(stdout.strip().splitlines()[-1])
    summary.update(engine=engine, wall_s=round(wall, 1), peak_rss_mb=round(after.ru_maxrss / 1024, 0),
                   peak_tree_rss_mb=round(tree.peak / 2**20, 0),
                   cpu_s=round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1))
    return summary


def candidate_recall(local: Path, spark: Path) -> dict[str, float]:
    """Spark's candidate pairs against the local engine's (page ids are the same in both)."""
    def pairs(d: Path) -> set[tuple[int, int]]:
        with sqlite3.connect(d / ".scan-state.sqlite") as db:
            return set(db.execute("SELECT a, b FROM pairs").fetchall())

    a, b = pairs(local), pairs(spark)
    return {"local_pairs": len(a), "spark_pairs": len(b),
            "recall_vs_local": round(len(a & b) / len(a), 4) if a else 1.0, "spark_only": len(b - a)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crawl", required=True, nargs="+", help="crawl files (WARC.gz or JSONL.gz), in order")
    ap.add_argument("--out", default=str(ROOT / "out" / "scan-spark-bench"))
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--engines", default="local,spark")
    ap.add_argument("--local-out", type=Path, help="with --engines spark: a local scan of the same inputs")
    ap.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting")
    args = ap.parse_args(argv)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    conf = dict(c.split("=", 1) for c in args.conf)
    results = [run(e, args.crawl, out / e, args.master, args.jobs, conf) for e in args.engines.split(",")]
    for r in results:
        print(json.dumps(r, sort_keys=True), flush=True)
    local_dir = args.local_out or out / "local"
    for name in TABLES:
        a = sorted((local_dir / name).read_text(encoding="utf-8").splitlines())
        b = sorted((out / "spark" / name).read_text(encoding="utf-8").splitlines())
        if a != b:
            print(f"DIFFERENT: {name}")
            return 1
    print("same tables; candidate step " + json.dumps(candidate_recall(local_dir, out / "spark")))
    if len(results) == 2:
        local, spark = results
        print(f"spark/local wall clock {float(spark['wall_s']) / float(local['wall_s']):.2f}x, "  # type: ignore[arg-type]
              f"peak tree memory {float(spark['peak_tree_rss_mb']) / max(1.0, float(local['peak_tree_rss_mb'])):.2f}x")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
