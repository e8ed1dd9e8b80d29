"""Should ``diff`` reuse the sentence pairs ``trace`` found instead of aligning again? (issue 11)

Diffs the same synthetic copies twice and scores both with ``eval_diff.score``: once with
diff's own alignment (``unspin.align``: split/merged sentences, gap filling), once with
trace's verification pairs given as passages (each copy sentence whose best token-sequence
similarity to a source sentence reaches ``TraceOptions.sim_threshold``, consecutive pairs
merged). The figures decide whether ``explain`` passes trace's pairs to ``diff``.

    .venv/bin/python benchmarks/eval_reuse_pairs.py [--limit 60] [--generator synth|alt]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_diff  # noqa: E402
from unspin.aligner import Passage  # noqa: E402
from unspin.differ import DiffResult  # noqa: E402
from unspin.differ import diff as own_diff  # noqa: E402
from unspin.ingest import from_text  # noqa: E402
from unspin.models import Article  # noqa: E402
from unspin.options import TraceOptions  # noqa: E402
from unspin.tracer import sentence_alignment, token_sentences  # noqa: E402


def trace_passages(ca: Article, sa: Article, sid: str, o: TraceOptions) -> list[Passage]:
    """Trace's sentence pairs of ``ca`` against ``sa`` as passages (text offsets)."""
    x, y = token_sentences([(ca.text, [(s.start, s.end) for s in ca.sentences] or None),
                            (sa.text, [(s.start, s.end) for s in sa.sentences] or None)], o.min_sentence_tokens)
    best, arg = sentence_alignment(x, y)
    runs: list[list[int]] = []  # [copy start, copy end, source start, source end, last i, last j]
    for i, (b, j) in enumerate(zip(best.tolist(), arg.tolist(), strict=True)):
        if b < o.sim_threshold:
            continue
        (c0, c1), (s0, s1) = x.spans[i], y.spans[j]
        if runs and runs[-1][4] == i - 1 and runs[-1][5] == j - 1:
            runs[-1][1], runs[-1][3], runs[-1][4], runs[-1][5] = c1, s1, i, j
        else:
            runs.append([c0, c1, s0, s1, i, j])
    return [Passage(r[0], r[1], r[2], r[3], sid) for r in runs]


def reuse_diff(copy_text: str, src: Article, source_id: str | None = None) -> DiffResult:
    ca = from_text(copy_text, id="copy")
    sid = source_id or src.id
    return own_diff(ca, src, source_id=sid, passages=trace_passages(ca, src, sid, TraceOptions()))


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--generator", choices=("synth", "alt"), default="synth")
    a = ap.parse_args()
    if not eval_diff.BBC.exists():
        sys.exit(f"needs {eval_diff.BBC}")
    arts = eval_diff.load_jsonl(eval_diff.BBC, a.limit)
    out: dict[str, Any] = {}
    for mode in ("own alignment", "trace pairs"):
        eval_diff.diff = own_diff if mode == "own alignment" else reuse_diff  # type: ignore[assignment]
        res = eval_diff.score(eval_diff.spun_pairs(arts, 0.35, 11, 4, generator=a.generator))
        out[mode] = {k: res[k] for k in ("fact_recall", "synonym_as_fact_rate", "harmless_as_fact_rate",
                                         "plagdet", "precision", "recall", "diff_ms_p50_with_ingest")}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
