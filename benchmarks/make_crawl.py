"""Write a synthetic crawl with exact copy truth (``unspin.crawlsynth``).

Usage::

    .venv/bin/python benchmarks/make_crawl.py --articles samples/articles.jsonl --out crawl/ [--seed 1]
        [--limit N] [--weeks 4] [--files 1]

Writes ``crawl.warc.gz`` (or ``crawl-NN.warc.gz``), ``crawl.jsonl.gz`` and ``truth.jsonl``.
With the BBC development corpus (``--articles ../shared/data/bbc-dev.jsonl.gz``) the crawl
is for benchmarks only: it must never be committed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.crawlsynth import make_crawl, read_articles, write_crawl  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", default=str(ROOT / "samples" / "articles.jsonl"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--weeks", type=int, default=4)
    ap.add_argument("--files", type=int, default=1)
    ap.add_argument("--generator", choices=("synth", "alt"), default="synth",
                    help="spinners' copies from unspin.synth or from the independent unspin.altspin")
    ap.add_argument("--keep-twins", action="store_true",
                    help="keep articles that reuse text of an earlier one (the BBC set has some: "
                         "follow-ups and duplicates, which a scan rightly links although the truth "
                         "would call them independent originals)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    arts = [a for a in read_articles(args.articles, args.limit) if len(a.text.split()) >= 60]
    if not args.keep_twins:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from eval_trace import twins  # the tool-independent text-reuse relation (8-word runs)

        tw = twins(arts)
        kept: list = []
        seen: set[str] = set()
        for a in arts:
            if not (tw.get(a.id, set()) & seen):
                kept.append(a)
            seen.add(a.id)
        if len(kept) < len(arts):
            print(f"left out {len(arts) - len(kept)} articles that reuse text of an earlier one")
        arts = kept
    pages, records = make_crawl(arts, seed=args.seed, weeks=args.weeks, generator=args.generator)
    files = write_crawl(pages, records, args.out, files=args.files)
    habits = Counter(p.habit for p in pages)
    verdicts = Counter(p.verdict for p in pages if p.verdict)
    print(f"{len(pages)} article pages, {len(records)} other records from {len(arts)} articles "
          f"in {time.perf_counter() - t0:.0f} s; habits {dict(sorted(habits.items()))}; "
          f"verdicts {dict(sorted(verdicts.items()))}")
    for f in files:
        print(f"  {f} ({f.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
