#!/usr/bin/env python3
"""Hashes of what check and trace answer on a fixed sample: run before and after a change to
a hot path, with the same arguments, and compare (issue 16: speed work keeps outputs identical).

    python benchmarks/output_hashes.py check                      # 40 BBC 800-word articles (else the samples), spun copies, edge cases
    python benchmarks/output_hashes.py trace DB SUSPECTS.jsonl    # e.g. the index and suspects of bench_trace.py --keep
    python benchmarks/output_hashes.py diff [--pairs PAIRS.jsonl]  # 40 synth + 40 alt copies of BBC articles (else the samples)

``check``: sha256 of every ``WordScore`` of ``score_words(context=False)`` (offsets, probability,
suggestion, features, reason) and, separately, of ``check().to_dict()`` for the first 30 texts.
``trace``: sha256 of ``trace().to_dict()`` and the candidates' diagnostics of every suspect, and
of ``compare()`` of 20 pairs of suspects.
``diff``: sha256 of ``diff(copy, source).to_dict()`` over 40 synth and 40 alt copies (35% swaps,
four fact edits; seed 11) of the first 40 BBC development articles (else the samples), plus
multi-source diffs (each copy against a wrong source and its own) and diffs of plain strings;
the whole set is diffed twice in one process, forward then backward, and both hashes are
printed (``forward`` must equal ``backward``: what a diff remembers from the pairs before it
must not change its answer). ``--pairs FILE`` saves the generated pairs there on the first
run and reads them on later runs, so two checkouts diff the same texts even when their
generators differ. To hash another checkout's code, put its ``src`` first
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


def _diff_pairs(pairs_file: Path | None) -> list[tuple[str, str, str, str, str]]:
    """(copy id, copy text, source id, source text, source title) of the hashed diffs."""
    if pairs_file is not None and pairs_file.exists():
        return [tuple(json.loads(x)) for x in pairs_file.read_text(encoding="utf-8").splitlines()]  # type: ignore[misc]
    from common import BBC
    from eval_diff import SAMPLES, load_jsonl, spun_pairs

    arts = load_jsonl(BBC, 40) if BBC.exists() else load_jsonl(SAMPLES)
    out = []
    for gen in ("synth", "alt"):
        for c, a in spun_pairs(arts, 0.35, 11, fact_edits=4, generator=gen):
            out.append((f"{gen}:{a.id}", c.text, a.id, a.text, a.title or ""))
    if pairs_file is not None:
        pairs_file.write_text("".join(json.dumps(p) + "\n" for p in out), encoding="utf-8")
    return out


def diff_hashes(pairs_file: Path | None) -> dict[str, object]:
    from unspin.differ import diff
    from unspin.ingest import from_text

    rows = _diff_pairs(pairs_file)
    copies = [from_text(r[1], id=r[0]) for r in rows]
    sources = [from_text(r[3], id=r[2], title=r[4] or None) for r in rows]
    n = len(rows)
    # (copy, source or sources): every pair; each of the first 10 copies against a wrong
    # source and its own (multi-source); 5 copies as plain strings
    jobs: list[tuple[object, object]] = [(copies[k], sources[k]) for k in range(n)]
    jobs += [(copies[k], [sources[(k + 1) % n], sources[k]]) for k in range(min(10, n))]
    jobs += [(rows[k][1], rows[k][3]) for k in range(min(5, n))]

    def one(job: tuple[object, object]) -> str:
        return hashlib.sha256(json.dumps(diff(*job).to_dict(), sort_keys=True).encode()).hexdigest()  # type: ignore[arg-type]

    forward = [one(j) for j in jobs]
    backward = [one(j) for j in reversed(jobs)][::-1]
    digest = hashlib.sha256("".join(forward).encode()).hexdigest()
    out: dict[str, object] = {"pairs": n, "diffs": len(jobs), "diff": digest,
                              "backward": hashlib.sha256("".join(backward).encode()).hexdigest()}
    if backward != forward:
        out["order_dependent"] = [k for k, (a, b) in enumerate(zip(forward, backward, strict=True)) if a != b]
    out["per_diff"] = [h[:12] for h in forward]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    sub.add_parser("check")
    tp = sub.add_parser("trace")
    tp.add_argument("db", type=Path)
    tp.add_argument("suspects", type=Path)
    dp = sub.add_parser("diff")
    dp.add_argument("--pairs", type=Path, default=None, help="save the generated pairs here, or read them")
    a = ap.parse_args(argv)
    import unspin

    if a.what == "check":
        out = check_hashes()
    elif a.what == "trace":
        out = trace_hashes(a.db, a.suspects)
    else:
        out = diff_hashes(a.pairs)
    print(json.dumps({"code": str(Path(unspin.__file__).parent), **out}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
