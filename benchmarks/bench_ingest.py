#!/usr/bin/env python3
"""Speed of corpus ingestion (issue 5 target: plain-text JSONL at >= 1,000 articles/s).

Writes the BBC development corpus (``../shared/data/bbc-dev.jsonl.gz``, 1,808 articles) as
an uncompressed plain-text JSONL in a temporary directory, then times ``unspin.ingest.read``
over it in this process: CPU time (``time.process_time``, the machine is shared) per article
and articles per CPU second, with quantities (the default) and with ``quantities=False``
(what ``unspin index add`` needs). Each setting is run ``--repeat`` times; the best run is
reported. ``--profile`` prints the top of a cProfile of one run with quantities.
``--index`` also times ``unspin index add --db <new db> corpus.jsonl`` end to end in a child
process (CPU of the child), as shipped and with ``ingest.read`` given ``quantities=False``.

    python benchmarks/bench_ingest.py [--limit N] [--repeat 3] [--profile] [--index]
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import inspect
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from common import BBC  # noqa: E402
from unspin import ingest  # noqa: E402


def _write_corpus(out: Path, limit: int | None) -> int:
    n = 0
    with gzip.open(BBC, "rt", encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            rec = json.loads(line)
            dst.write(json.dumps({"id": rec["id"], "title": rec.get("title"),
                                  "text": rec["text"]}, ensure_ascii=False) + "\n")
            n += 1
            if limit is not None and n >= limit:
                break
    return n


def _run(path: Path, **kwargs: object) -> tuple[float, int]:
    t0 = time.process_time()
    n = sum(1 for _ in ingest.read(path, on_error="stop", **kwargs))  # type: ignore[arg-type]
    return time.process_time() - t0, n


_INDEX_RUN = """
import functools, sys
import unspin.ingest
if sys.argv[1] == "noq":
    unspin.ingest.read = functools.partial(unspin.ingest.read, quantities=False)
from unspin.cli import main
raise SystemExit(main(["index", "add", "--db", sys.argv[2], sys.argv[3]]))
"""


def _index_cpu(path: Path, db: Path, mode: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", _INDEX_RUN, mode, str(db), str(path)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="first N articles only")
    ap.add_argument("--repeat", type=int, default=3, help="runs per setting (best is shown)")
    ap.add_argument("--profile", action="store_true", help="cProfile one run (quantities on)")
    ap.add_argument("--index", action="store_true",
                    help="also time `unspin index add` end to end (child process CPU)")
    args = ap.parse_args(argv)
    if not BBC.exists():
        print(f"corpus not found: {BBC}", file=sys.stderr)
        return 2
    has_q = "quantities" in inspect.signature(ingest.read).parameters
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bbc.jsonl"
        n = _write_corpus(path, args.limit)
        print(f"{n} articles, {path.stat().st_size / 1e6:.1f} MB plain-text JSONL")
        settings: list[tuple[str, dict[str, object]]] = [("quantities=True (default)", {})]
        if has_q:
            settings.append(("quantities=False", {"quantities": False}))
        _run(path, **settings[0][1])  # warm-up: imports, regex compilation
        for label, kwargs in settings:
            best = min(_run(path, **kwargs)[0] for _ in range(args.repeat))
            print(f"{label:28s} {best:6.2f} s CPU  {1000 * best / n:6.3f} ms/article  "
                  f"{n / best:7.0f} articles/s")
        if args.index:
            for mode, label in (("as-is", "index add (as shipped)"),
                                ("noq", "index add, quantities=False")):
                best = min(_index_cpu(path, Path(tmp) / f"{mode}{r}.db", mode)
                           for r in range(args.repeat))
                print(f"{label:28s} {best:6.2f} s CPU  {1000 * best / n:6.3f} ms/article  "
                      f"{n / best:7.0f} articles/s  (includes start-up)")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            _run(path)
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
