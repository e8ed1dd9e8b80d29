"""Write a synthetic crawl with exact copy truth (``unspin.crawlsynth``).

Usage::

    .venv/bin/python benchmarks/make_crawl.py --articles samples/articles.jsonl --out crawl/ [--seed 1]
        [--limit N] [--weeks 4] [--files 1]

Writes ``crawl.warc.gz`` (or ``crawl-NN.warc.gz``), ``crawl.jsonl.gz`` and ``truth.jsonl``.

At scale, ``--invent N`` makes N invented stories instead (``unspin.sourcegen``: an order-2
word Markov model fitted at run time on ``--articles``, invented names and numbers) and
streams the crawl on ``--jobs`` processes (``unspin.crawlstream``), e.g. for ~100,000 pages::

    .venv/bin/python benchmarks/make_crawl.py --articles ../shared/data/bbc-dev.jsonl.gz \
        --invent 26000 --jobs 2 --files 8 --out /tmp/crawl100k [--check-runs 2000]

``--check-runs K`` reports how many 8-word runs the first K invented stories share with each
other and with the fitted texts (different stories should share none).
With the BBC development corpus (``--articles ../shared/data/bbc-dev.jsonl.gz``) the crawl
is for benchmarks only: it must never be committed.
"""

from __future__ import annotations

import argparse
import json
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
    ap.add_argument("--invent", type=int, default=0, help="N invented stories, streamed (see above)")
    ap.add_argument("--first", type=int, default=0, help="with --invent: the first story's number")
    ap.add_argument("--shards", type=int, default=1,
                    help="with --invent: write SHARDS crawls of N stories each into OUT/shard-NNN "
                         "(stories first + k x N on); a shard with a DONE file is kept, so a rerun "
                         "continues; scan them together as one crawl")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--check-runs", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.invent:
        return invent(args, t0)
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


def invent(args: argparse.Namespace, t0: float) -> int:
    from unspin.crawlstream import write_crawl_stream
    from unspin.sourcegen import fit

    model = fit(a.text for a in read_articles(args.articles))
    print(f"fitted on {model.sentences:,} sentences in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.check_runs:
        print(json.dumps(shared_runs(model, args.seed, args.check_runs, args.articles)), flush=True)

    vocab = sorted({w for w in model.next1 if w.isalpha() and w.islower()})
    prime(vocab, sorted(vocab, key=lambda w: -len(model.next1[w]))[:3000])
    print(f"spinner resources primed for {len(vocab):,} words in {time.perf_counter() - t0:.0f} s", flush=True)
    out = Path(args.out)
    for shard in range(args.shards):
        first = args.first + shard * args.invent
        d = out / f"shard-{shard:03d}" if args.shards > 1 else out
        if (d / "DONE").exists():
            continue

        def progress(done: int, n: int, name: str = d.name) -> None:
            if done % 1000 < 50 or done == n:
                print(f"  {name}: {done:,}/{n:,} stories, {time.perf_counter() - t0:.0f} s", flush=True)

        counts = write_crawl_stream(lambda k: model.story(args.seed, k), lambda k: f"gen{args.seed}-{k:07d}",
                                    args.invent, d, seed=args.seed, weeks=args.weeks, files=args.files,
                                    jobs=args.jobs, generator=args.generator, first=first, progress=progress)
        (d / "DONE").write_text(json.dumps(counts, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{d}: {counts['pages']:,} article pages, {counts['records']:,} WARC records from "
              f"{args.invent:,} invented stories ({first:,} on), {time.perf_counter() - t0:.0f} s; "
              f"{json.dumps(counts, sort_keys=True)}", flush=True)
    return 0


def prime(words: list[str], frequent: list[str]) -> None:
    """Fill the spinners' per-word caches before the workers fork (the same output, computed
    once instead of once per worker): embedding neighbours of every word, thesaurus
    candidates of the most frequent ones."""
    from unspin import synth

    for k in range(0, len(words), 2000):
        synth.prime_embeddings(words[k:k + 2000])
    for w in frequent:
        synth.thesaurus_candidates(w)


def shared_runs(model: object, seed: int, k: int, articles: str, n: int = 8) -> dict[str, int]:
    """8-word runs shared by two of the first ``k`` invented stories, and with the fitted texts."""
    import re

    def runs(text: str) -> set[str]:
        w = re.findall(r"\w+", text.lower())
        return {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}

    owner: dict[str, int] = {}
    shared_pairs: set[tuple[int, int]] = set()
    shared = 0
    for j in range(k):
        for r in runs(model.story(seed, j).text):  # type: ignore[attr-defined]
            o = owner.setdefault(r, j)
            if o != j:
                shared += 1
                shared_pairs.add((o, j))
    fitted: set[str] = set()
    for a in read_articles(articles):
        fitted |= runs(a.text)
    return {"stories": k, "runs": len(owner), "runs_in_two_stories": shared,
            "story_pairs_sharing_a_run": len(shared_pairs), "runs_in_fitted_texts": len(owner.keys() & fitted)}


if __name__ == "__main__":
    sys.exit(main())
