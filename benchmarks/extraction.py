"""Score HTML article extraction through ``unspin.ingest`` on the article-extraction benchmark.

Usage::

    .venv/bin/python benchmarks/extraction.py [--data ../shared/data/extraction-benchmark]
        [--body text|original|trafilatura] [--worst 5] [--json out.json]

The data set (181 gzipped pages and ``ground-truth.json`` with each page's ``articleBody``)
is the public article-extraction benchmark (scrapinghub/article-extraction-benchmark). The
score is a re-implementation of that benchmark's metric: each text is split into ``\\w+``
tokens, the multiset of token 4-grams ("shingles") of the prediction is compared with the
truth's, true/false positives and false negatives are counted from the overlaps and scaled
to sum to one per document, precision and recall are averaged over documents (documents
where the quantity is undefined are left out of that average), and F1 is computed from the
two averages. Bootstrap confidence intervals (1,000 resamples, fixed seed) are reported too.

``--body text`` (default) scores what ``unspin extract`` yields as the body
(``Article.text``: clutter separated, text normalised); ``original`` scores the extracted text
before unspin's clutter and repair step; ``trafilatura`` calls ``trafilatura.extract`` directly
(the benchmark's own trafilatura runner) for comparison; ``scan-fast`` and ``scan-accurate``
score the body ``unspin scan`` keeps with its two extractors (resiliparse, trafilatura).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction-benchmark"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of token n-grams; a text shorter than n tokens is one (short) shingle."""
    tokens = _TOKEN.findall(text or "")
    grams = [tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(g for g in grams if g)


def tp_fp_fn(truth: str, pred: str) -> tuple[float, float, float]:
    """Shingle overlap counts of one document, scaled to sum to one."""
    t, p = shingles(truth), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def metrics(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Document-averaged precision and recall, and their F1."""
    p = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def bootstrap(counts: list[tuple[float, float, float]], n: int = 1000,
              seed: int = 0) -> dict[str, float]:
    """95% half-widths (1.96 standard deviations) of the metrics over resamples."""
    rng = random.Random(seed)
    values: dict[str, list[float]] = {}
    for _ in range(n):
        sample = [counts[rng.randrange(len(counts))] for _ in counts]
        for k, v in metrics(sample).items():
            values.setdefault(k, []).append(v)
    return {f"{k}_ci": 1.96 * statistics.stdev(v) for k, v in values.items()}


def predict(path: Path, body: str) -> str:
    """The body text for one benchmark page."""
    if body == "trafilatura":
        import trafilatura

        with gzip.open(path, "rt", encoding="utf-8") as f:
            return trafilatura.extract(f.read(), include_comments=False) or ""
    if body.startswith("scan-"):
        from unspin.scan.read import RawPage, Skip, extract_page_record

        with gzip.open(path, "rb") as fb:
            page = extract_page_record(RawPage(str(path), 1, None, None, html=fb.read()), body[5:])
        return "" if isinstance(page, Skip) else page.text
    from unspin.errors import InputError
    from unspin.ingest import read

    try:
        articles = list(read(str(path), kind="html"))
    except InputError as err:
        print(f"  {path.name}: {err}", file=sys.stderr)
        return ""
    art = articles[0]
    return art.text if body == "text" else art.original


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--body", choices=("text", "original", "trafilatura", "scan-fast", "scan-accurate"),
                    default="text", help="scan-fast/scan-accurate: the body unspin scan extracts "
                                         "(resiliparse / trafilatura)")
    ap.add_argument("--worst", type=int, default=0, help="list the N lowest-F1 pages")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = ap.parse_args(argv)
    truth_path = args.data / "ground-truth.json"
    if not truth_path.exists():
        print(f"benchmark data not found: {truth_path}", file=sys.stderr)
        return 2
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    keys = sorted(truth)
    if args.limit:
        keys = keys[: args.limit]
    counts = []
    per_doc = []
    t0 = time.perf_counter()
    c0 = time.process_time()
    for key in keys:
        pred = predict(args.data / "html" / f"{key}.html.gz", args.body)
        c = tp_fp_fn(truth[key].get("articleBody", ""), pred)
        counts.append(c)
        tp, fp, fn = c
        per_doc.append((2 * tp / (2 * tp + fp + fn) if tp else 0.0, key))
    elapsed = time.perf_counter() - t0
    cpu_ms = 1000 * (time.process_time() - c0) / max(1, len(keys))
    result = {**metrics(counts), **bootstrap(counts), "documents": len(keys),
              "body": args.body, "seconds": round(elapsed, 1), "cpu_ms_per_page": round(cpu_ms, 1)}
    print(f"{args.body:<12} documents={len(keys)}  precision={result['precision']:.3f} "
          f"± {result['precision_ci']:.3f}  recall={result['recall']:.3f} "
          f"± {result['recall_ci']:.3f}  F1={result['f1']:.3f} ± {result['f1_ci']:.3f}  "
          f"({elapsed:.0f} s, {cpu_ms:.1f} ms CPU per page)")
    for f1, key in sorted(per_doc)[: args.worst]:
        print(f"  F1={f1:.3f}  {key}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
