"""Scan a tiny "crawl" of real pages: the 4 real copy/original pairs, 7 clean articles and 2
AI-rewritten articles of ``../shared/data/realworld-dev`` (evaluation only: the texts stay
there; a temporary JSONL is written outside the repository).

Usage::

    .venv/bin/python benchmarks/eval_scan_realworld.py [--data ../shared/data/realworld-dev]

The pages carry no dates, so which page of a pair is the original is decided by the
scan's tie rules (the longer page first): what is measured is whether each real pair is
linked (one cluster), whether anything else is linked, and each copy's verdict next to the
labels of ``benchmarks/data/realworld-labels.json`` (every pair there has fact changes:
``distorted``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DEFAULT = ROOT.parent / "shared" / "data" / "realworld-dev"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args(argv)
    if not (args.data / "pairs.jsonl").exists():
        print(f"real-world data not found: {args.data}", file=sys.stderr)
        return 2
    from unspin.scan import scan

    rows, pairs = [], []
    for line in (args.data / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        pairs.append((d["copy"]["url"], d["source"]["url"]))
        rows += [{"url": d["copy"]["url"], "text": d["copy"]["text"]},
                 {"url": d["source"]["url"], "text": d["source"]["text"]}]
    for name in ("clean.jsonl", "rewritten.jsonl"):
        for line in (args.data / name).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            rows.append({"url": d["url"], "text": d["text"]})
    with tempfile.TemporaryDirectory() as tmp:
        crawl = Path(tmp) / "real.jsonl"
        crawl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        scan([str(crawl)], Path(tmp) / "out", progress=False)
        out = {r["url"]: r for r in map(json.loads, (Path(tmp) / "out" / "articles.jsonl").open())}
    linked = sum(1 for c, s in pairs if out[c]["cluster"] is not None and out[c]["cluster"] == out[s]["cluster"])
    in_pairs = {u for p in pairs for u in p}
    false_links = sum(1 for u, r in out.items() if u not in in_pairs and r["cluster"] is not None)
    verdicts = []
    for c, s in pairs:
        copy = out[c] if out[c]["role"] == "copy" else out[s]
        verdicts.append({"pair": c, "copy_is_the_spun_page": out[c]["role"] == "copy",
                         "verdict": copy["verdict"], "fact_changes": copy["fact_changes"]})
    result = {"pages": len(out), "pairs": len(pairs), "pairs_linked": linked,
              "other_pages_linked": false_links, "copies": verdicts}
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
