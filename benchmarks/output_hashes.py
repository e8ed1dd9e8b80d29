#!/usr/bin/env python3
"""Hashes of what check and trace answer on a fixed sample: run before and after a change to
a hot path, with the same arguments, and compare (issue 16: speed work keeps outputs identical).

    python benchmarks/output_hashes.py check                      # 40 BBC 800-word articles (else the samples), spun copies, edge cases
    python benchmarks/output_hashes.py trace DB SUSPECTS.jsonl    # e.g. the index and suspects of bench_trace.py --keep

``check``: sha256 of every ``WordScore`` of ``score_words(context=False)`` (offsets, probability,
suggestion, features, reason) and, separately, of ``check().to_dict()`` for the first 30 texts.
``trace``: sha256 of ``trace().to_dict()`` and the candidates' diagnostics of every suspect, and
of ``compare()`` of 20 pairs of suspects. To hash another checkout's code, put its ``src`` first
on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))


def check_hashes() -> dict[str, object]:
    from bench_check import articles_800
    from common import load_samples
    from eval_trace import local_spin
    from unspin.checker import check, score_words
    from unspin.ingest import from_text

    texts = articles_800(40)
    texts += [local_spin(t, 0.35, 7 + k) for k, t in enumerate(texts[:20])]
    texts += [a.text for a in load_samples()]
    texts += ["", "The", "Hello wörld İstanbul naïve café — don't co-operate 12,000 reps. A\nnew line begins here today."]
    lexical = hashlib.sha256()
    words = 0
    for t in texts:
        for w in score_words(from_text(t), context=False):
            words += 1
            lexical.update(repr((w.start, w.end, w.text, w.prob, w.suggestion, w.features, w.reason)).encode())
    full = hashlib.sha256()
    for t in texts[:30]:
        full.update(json.dumps(check(from_text(t)).to_dict(), sort_keys=True).encode())
    return {"texts": len(texts), "words": words, "score_words": lexical.hexdigest(), "check": full.hexdigest()}


def trace_hashes(db: Path, suspects: Path) -> dict[str, object]:
    from unspin.index import Index
    from unspin.models import Article
    from unspin.tracer import compare, trace

    rows = [json.loads(x) for x in suspects.read_text(encoding="utf-8").splitlines()]
    sus = [Article(id=r["id"], text=r["text"]) for r in rows]
    h = hashlib.sha256()
    with Index.open(db, readonly=True) as ix:
        for a in sus:
            r = trace(a, ix)
            h.update(json.dumps(r.to_dict(), sort_keys=True).encode())
            h.update(json.dumps(r.candidates, sort_keys=True).encode())
    for a, b in zip(sus[:20], sus[20:40], strict=False):
        h.update(json.dumps(compare(a, b).to_dict(), sort_keys=True).encode())
    return {"suspects": len(sus), "trace": h.hexdigest()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    sub.add_parser("check")
    tp = sub.add_parser("trace")
    tp.add_argument("db", type=Path)
    tp.add_argument("suspects", type=Path)
    a = ap.parse_args(argv)
    import unspin

    out = check_hashes() if a.what == "check" else trace_hashes(a.db, a.suspects)
    print(json.dumps({"code": str(Path(unspin.__file__).parent), **out}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
