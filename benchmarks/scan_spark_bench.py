"""Local vs Spark scan engine on the same crawl: wall clock, peak memory, same answer.

Usage::

    .venv/bin/python benchmarks/scan_spark_bench.py --crawl CRAWL_FILE [--master local[2]] [--jobs 2]

Each engine runs in its own child process (``ru_maxrss`` of the waited-for children is the
peak resident set of the largest process: for Spark that includes the JVM driver and the
Python workers it forks). Spark's session start-up is measured apart from the scan (the
``startup`` line), and the per-stage seconds of both engines are printed. Finally the
output tables of the two runs are compared (identical after sorting, or the script fails).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("articles.jsonl", "clusters.jsonl", "sites.csv")

_CHILD = """
import json, sys
from unspin.scan import ScanOptions, scan
engine, crawl, out, master, jobs = sys.argv[1:6]
if engine == "spark":
    from unspin.scan.spark import scan_spark
    s = scan_spark([crawl], out, master=master)
else:
    s = scan([crawl], out, jobs=int(jobs), restart=True, progress=False)
print(json.dumps({"pages": s.pages, "candidates": s.candidates, "edges": s.edges, "copies": s.copies,
                  "seconds": s.seconds}))
"""


def run(engine: str, crawl: str, out: Path, master: str, jobs: int) -> dict[str, object]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", _CHILD, engine, crawl, str(out), master, str(jobs)],
                         capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    summary.update(engine=engine, wall_s=round(wall, 1), peak_rss_mb=round(max(peak, before) / 1024, 0))
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crawl", required=True, help="one crawl file (WARC.gz or JSONL.gz)")
    ap.add_argument("--out", default=str(ROOT / "out" / "scan-spark-bench"))
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    results = [run(e, args.crawl, out / e, args.master, args.jobs) for e in ("local", "spark")]
    for r in results:
        print(json.dumps(r, sort_keys=True))
    for name in TABLES:
        a = sorted((out / "local" / name).read_text(encoding="utf-8").splitlines())
        b = sorted((out / "spark" / name).read_text(encoding="utf-8").splitlines())
        if a != b:
            print(f"DIFFERENT: {name}")
            return 1
    local, spark = results
    print(f"same tables; spark/local wall clock {float(spark['wall_s']) / float(local['wall_s']):.2f}x, "  # type: ignore[arg-type]
          f"peak memory {float(spark['peak_rss_mb']) / max(1.0, float(local['peak_rss_mb'])):.2f}x")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
