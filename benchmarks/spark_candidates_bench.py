"""The Spark engine's candidate step alone, on the anchors of a finished local scan.

Usage::

    .venv/bin/python benchmarks/spark_candidates_bench.py --state OUT/.scan-state.sqlite [--master local[2]]
        [--rdd] [--conf KEY=VALUE ...]

Reads every page's anchors and text digest from a local scan's state (no extraction), then
times ``unspin.scan.spark.candidate_pairs_df`` (DataFrame operations in the JVM) until the
pairs are counted, and with ``--rdd`` the same join as Python RDD operations (``groupByKey``
of (anchor, page), pair counts by ``reduceByKey``, the containment rule by two joins: the
engine's candidate step before session 6) in the same session. Both are checked against the
local engine's ``pairs`` table (the same (a, b, shared) set, or the script fails). The
DataFrame's creation from the Python rows is timed apart (``load``).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from typing import Any

import numpy as np

from unspin.scan.candidates import CandidateOptions, pairs_from_bucket


def _rdd_pairs(sc: Any, rows: list[tuple[int, list[int], int]], copts: CandidateOptions) -> set[tuple[int, int, int]]:
    ided = sc.parallelize([(i, hs) for i, hs, _ in rows], max(4, sc.defaultParallelism * 2))
    by_anchor = ided.flatMap(lambda kv: ((h, kv[0]) for h in kv[1])).groupByKey()
    shared = (by_anchor.flatMap(lambda kv: [(p, 1) for p in pairs_from_bucket(list(kv[1]), copts)])
              .reduceByKey(lambda x, y: x + y).filter(lambda kv: kv[1] >= copts.min_shared))
    sizes = ided.mapValues(len)
    pairs = (shared.map(lambda kv: (kv[0][0], (kv[0][1], kv[1]))).join(sizes)
             .map(lambda kv: (kv[1][0][0], (kv[0], kv[1][0][1], kv[1][1]))).join(sizes)
             .filter(lambda kv: kv[1][0][1] >= copts.min_containment * min(kv[1][0][2], kv[1][1]))
             .map(lambda kv: (kv[1][0][0], kv[0], kv[1][0][1])))
    return set(pairs.collect())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--state", required=True, help="a local scan's .scan-state.sqlite")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--rdd", action="store_true", help="also time the Python RDD join (the code before session 6)")
    ap.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args(argv)
    from unspin.scan.spark import candidate_pairs_df, spark_session

    copts = CandidateOptions()
    with sqlite3.connect(args.state) as db:
        rows = [(i, np.frombuffer(hs, dtype="<i8").tolist(), int.from_bytes(dg, "little", signed=True))
                for i, hs, dg in db.execute("SELECT a.page, a.hs, p.digest FROM anchors a JOIN pages p "
                                            "ON p.id = a.page ORDER BY a.page")]
        truth = set(db.execute("SELECT a, b, shared FROM pairs").fetchall())
    spark = spark_session(args.master, app="unspin-candidates-bench", conf=dict(c.split("=", 1) for c in args.conf))
    out: dict[str, Any] = {"pages": len(rows), "anchors": sum(len(hs) for _, hs, _ in rows), "local_pairs": len(truth)}
    try:
        sc = spark.sparkContext
        t0 = time.monotonic()
        pg = spark.createDataFrame(sc.parallelize(rows, max(4, sc.defaultParallelism * 2)),
                                   "id long, hs array<long>, dg long").persist()
        pg.count()
        out["load_s"] = round(time.monotonic() - t0, 2)
        t0 = time.monotonic()
        pairs, ex, dropped = candidate_pairs_df(pg, copts)
        n = pairs.count()
        out["dataframe_s"] = round(time.monotonic() - t0, 2)
        got = {tuple(r) for r in pairs.select("a", "b", "shared").collect()}
        out.update(dataframe_pairs=n, dropped_buckets=dropped, dataframe_same=got == truth)
        ex.unpersist()
        pairs.unpersist()
        if args.rdd:
            t0 = time.monotonic()
            old = _rdd_pairs(sc, rows, copts)
            out["rdd_s"] = round(time.monotonic() - t0, 2)
            out["rdd_same"] = old == truth
    finally:
        spark.stop()
    print(json.dumps(out, sort_keys=True))
    return 0 if out["dataframe_same"] and out.get("rdd_same", True) else 1


if __name__ == "__main__":
    sys.exit(main())
