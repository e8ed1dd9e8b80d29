"""End-to-end scan benchmark on a synthetic crawl (``benchmarks/make_crawl.py``): quality
against the crawl's truth, wall clock, CPU, peak memory and the time of each stage.

Usage::

    .venv/bin/python benchmarks/scan_bench.py --crawl CRAWL_DIR --out OUT_DIR
        [--input warc|jsonl] [--extractor fast|accurate] [--jobs 2] [--naive 300]

``--naive N`` also compares the candidate step with the naive approach on the first N
article pages of the scan: verify every pair (N(N-1)/2 trace verifications) and report how
many of the copy links it finds the candidate step also found, and the time of both.
Peak memory is the largest resident set of any one process of the scan (``ru_maxrss`` of
the waited-for children; with ``--jobs 2`` the main process and two workers run at once).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(ROOT / "benchmarks"))

from treemem import PeakTree  # noqa: E402
from unspin.crawlsynth import score_scan  # noqa: E402


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def naive(state: Path, n: int) -> dict[str, float]:
    """Verify every pair of the first ``n`` pages; compare with the candidate step's links."""
    import numpy as np

    from unspin.scan.verify import verify_pair

    db = sqlite3.connect(state)
    rows = db.execute("SELECT id, text, sents FROM pages ORDER BY id LIMIT ?", (n,)).fetchall()
    ids = {r[0] for r in rows}
    pages = [(i, t, tuple(map(tuple, np.frombuffer(s, dtype="<u4").reshape(-1, 2).tolist())))
             for i, t, s in rows]
    found = {(a, b) for a, b in db.execute("SELECT a, b FROM edges WHERE a_in_b = 1 OR b_in_a = 1")
             if a in ids and b in ids}
    cands = {(a, b) for a, b in db.execute("SELECT a, b FROM pairs") if a in ids and b in ids}
    db.close()
    t0 = time.process_time()
    links = set()
    for k, (a, ta, sa) in enumerate(pages):
        for b, tb, sb in pages[k + 1:]:
            if verify_pair(a, ta, sa, b, tb, sb).copy:  # type: ignore[arg-type]
                links.add((a, b))
    cpu = time.process_time() - t0
    pairs = len(pages) * (len(pages) - 1) // 2
    return {"pages": len(pages), "naive_pairs": pairs, "naive_cpu_s": round(cpu, 1),
            "naive_links": len(links), "candidate_pairs": len(cands),
            "candidate_recall_of_naive_links": round(len(links & found) / len(links), 4) if links else 1.0,
            "links_only_candidates_found": len(found - links)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--crawl", type=Path, required=True, nargs="+",
                    help="crawl folder(s): several (e.g. the shards of make_crawl.py --shards) scan as one crawl")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--input", choices=("warc", "jsonl"), default="warc")
    ap.add_argument("--extractor", choices=("fast", "accurate"), default="fast")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--naive", type=int, default=0)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--resume", action="store_true", help="keep OUT's state (continue an interrupted scan)")
    ap.add_argument("--no-quality", action="store_true", help="skip scoring against the truth")
    args = ap.parse_args(argv)
    inputs = [str(p) for c in args.crawl for p in sorted(c.glob("crawl*.warc.gz"))] if args.input == "warc" \
        else [str(c / "crawl.jsonl.gz") for c in args.crawl]
    if not args.resume:
        shutil.rmtree(args.out, ignore_errors=True)
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen([sys.executable, "-m", "unspin", "scan", *inputs, "--out", str(args.out),
                             "--jobs", str(args.jobs), "--extractor", args.extractor, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakTree(proc.pid) as tree:
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(stderr, file=sys.stderr)
        return proc.returncode
    summary = json.loads(stdout.strip().splitlines()[-1])
    quality = {} if args.no_quality else score_scan(
        _rows(args.out / "articles.jsonl"), [t for c in args.crawl for t in _rows(c / "truth.jsonl")])
    result = {"input": args.input, "extractor": args.extractor, "jobs": args.jobs,
              "records": summary["records"], "pages": summary["pages"],
              "candidates": summary["candidates"], "edges": summary["edges"],
              "wall_s": round(wall, 1), "cpu_s": round((after.ru_utime - before.ru_utime)
                                                       + (after.ru_stime - before.ru_stime), 1),
              "peak_rss_mb": round(after.ru_maxrss / 1024, 1), "peak_tree_rss_mb": round(tree.peak / 2**20, 1), "peak_tree_pss_mb": round(tree.peak_pss / 2**20, 1),
              "peak_tree_at_s": [tree.peak_at, tree.peak_pss_at], "stages_s": summary["seconds"],
              "stages_cpu_s": summary.get("cpu", {}),
              "stages_main_cpu_s": summary.get("cpu_main", {}),
              "quality": quality, "cpus": os.cpu_count()}
    if args.naive:
        result["naive"] = naive(args.out / ".scan-state.sqlite", args.naive)
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
