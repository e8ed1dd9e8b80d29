"""Time is linear in input size: each stage on pathological texts of n, 2n, 4n units.

Times (CPU seconds, best of ``--repeat``) of ``from_text`` (extract: clutter, normalise,
quantities), ``check``, ``diff`` (the text against itself with every fifth word changed) and
``trace`` (that changed text against an in-memory index holding the text: retrieval and
verification)
on texts made of ``n`` repeated units: bare numbers (the issue-15 probe: 40,000 numbers took
53 s), prose with damaged numbers and ranges, one very long line, and hedged numbers. The
figure that matters is the growth per doubling of the input: ~2.0 is linear, ~4.0 quadratic.

    .venv/bin/python benchmarks/bench_linear.py [--units 5000] [--steps 3] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from common import best_cpu  # noqa: E402
from unspin.ingest import from_text  # noqa: E402
from unspin.reader import MemoryIndex  # noqa: E402

INPUTS: dict[str, Callable[[int], str]] = {
    "numbers": lambda n: " ".join(str(i) for i in range(n)),
    "prose": lambda n: "".join(f"Officials in district {i} said about 1,200 people, roughly "
                               f"4 000 of them children, left between 2019 and 2021; some "
                               f"{i % 90}% returned.\n" for i in range(n)),
    "one-line": lambda n: "word and 12 more, " * (2 * n),
    "hedged": lambda n: " ".join(f"nearly {i} or about {i + 1}" for i in range(n)),
}


def _changed(text: str) -> str:
    words = text.split(" ")
    return " ".join("altered" if i % 5 == 4 else w for i, w in enumerate(words))


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--units", type=int, default=5000, help="units in the smallest text")
    ap.add_argument("--steps", type=int, default=3, help="sizes: units * 1, 2, 4, ...")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--stages", default="extract,check,diff,trace")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    import unspin

    stages = a.stages.split(",")
    unspin.check("Warm up the lexical resources: 12 people.")
    from unspin.limits import Limits, set_default

    set_default(Limits(max_article_chars=10**9))  # the largest sizes are over the default cap
    rows = []
    for name, make in INPUTS.items():
        for stage in stages:
            times = []
            sizes = []
            for k in range(a.steps):
                text = make(a.units * 2 ** k)
                sizes.append(len(text))
                if stage == "extract":
                    times.append(best_cpu(lambda t=text: from_text(t), a.repeat))
                elif stage == "check":
                    times.append(best_cpu(lambda t=text: unspin.check(t), a.repeat))
                elif stage == "trace":
                    ix = MemoryIndex([from_text(text, id="source")])
                    copy = from_text(_changed(text))
                    times.append(best_cpu(lambda c=copy, i=ix: unspin.trace(c, i), a.repeat))
                else:
                    src, copy = from_text(text), from_text(_changed(text))
                    times.append(best_cpu(lambda c=copy, s=src: unspin.diff(c, s), a.repeat))
            growth = [round(b / a_, 2) if a_ > 0 else None for a_, b in zip(times, times[1:], strict=False)]
            rows.append({"input": name, "stage": stage, "chars": sizes,
                         "cpu_s": [round(t, 3) for t in times], "growth_per_doubling": growth})
            if not a.json:
                print(f"{name:9} {stage:8} chars {sizes}  cpu s {rows[-1]['cpu_s']}  "
                      f"x per doubling {growth}", flush=True)
    if a.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
