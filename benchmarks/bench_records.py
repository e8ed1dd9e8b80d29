"""Memory per stored record (issue 11): bytes per ``Span`` and per ``Article``'s spans.

Builds N spans and measures the traced memory (tracemalloc) they take, so the effect of real
``__slots__`` on ``Record`` subclasses can be compared before/after in one command::

    python benchmarks/bench_records.py --n 200000
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tracemalloc

from unspin.models import Span


def bytes_per_span(n: int) -> float:
    """Traced bytes per ``Span`` (the text of each span is shared, so only the object counts)."""
    text = "word"
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    spans = [Span(i, i + 4, text) for i in range(n)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    list_bytes = sys.getsizeof(spans)
    ints = sum(sys.getsizeof(i) for i in range(256, n + 4)) if n > 256 else 0  # ints above the small-int cache
    del spans
    return (after - before - list_bytes - ints) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    args = ap.parse_args()
    per = bytes_per_span(args.n)
    has_dict = hasattr(Span(0, 1, "x"), "__dict__")
    print(json.dumps({"n": args.n, "bytes_per_span": round(per, 1), "span_has___dict__": has_dict,
                      "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
