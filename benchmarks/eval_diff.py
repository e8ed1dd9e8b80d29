"""Quality of ``unspin.align`` and ``unspin.diff`` on synthetic copies (issue 6).

Spins development articles with ``unspin.synth.spin`` (35% swap rate by default, two fact
edits, mangled numbers, reorder, split/merge, a dropped and an inserted sentence, clutter),
diffs every copy against its source and scores the result against the recorded edits:

- fact recall per subtype: a fact edit counts as found when a ``fact`` change of the same
  subtype overlaps its copy span (for an edit with an empty copy span, its position, with
  one character of slack) or its source span; ``fact_any`` counts a ``fact`` change of any
  subtype; ``name_recall_entity_or_attribution`` accepts either label for a swapped name
  (synth labels a name swapped next to "said" entity or attribution depending on which
  generator made it; diff calls every such swap attribution);
- synonym-as-fact rate: synonym edits whose copy span overlaps a ``fact`` change;
- swapped-words covered: synonym edits at least half covered by non-``verbatim`` changes;
- plagdet (Potthast et al. 2010) of the aligned passages against the copies' cases, pooled
  over all copies (cases and detections keyed by copy id).

    .venv/bin/python benchmarks/eval_diff.py [--limit 400] [--rate 0.35] [--seed 11]
    .venv/bin/python benchmarks/eval_diff.py --generator alt [--style paraphrase|mt|ai|mixed]

``--generator alt`` makes the copies with ``unspin.altspin`` (none of the detectors'
resources); it adds ``meaning`` edits, and its harmless edits (word swaps, rewordings, name
forms, number/date/unit formats) are counted in ``harmless_as_fact_rate`` (per kind in
``harmless_as_fact_by_kind``). ``no_fact_called_distorted`` (copies without a fact edit whose
per-document verdict is "distorted"; needs ``--fact-edits 0`` and a diff with a verdict) and
``no_fact_with_fact_change`` (such copies with any fact change reported).

``gate_metrics()`` gives the quick figures the CI gate (benchmarks/gate.py) checks, on the
in-repo invented samples (samples/articles.jsonl) only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import BBC, add_generator_options, rewrite  # noqa: E402
from unspin.aligner import plagdet  # noqa: E402
from unspin.differ import diff  # noqa: E402
from unspin.ingest import from_text  # noqa: E402
from unspin.models import Article  # noqa: E402

SAMPLES = ROOT / "samples" / "articles.jsonl"
#: ``meaning`` edits are made by the alt generator only (None for synth copies).
SUBTYPES = ("entity", "number", "date", "negation", "attribution", "role", "modality", "meaning")
#: Edit kinds that keep the facts: a fact change over one of them is a false fact.
HARMLESS = ("synonym", "reword", "number_format")


#: Gate margins: the sample set holds 10 to 70 edits per subtype (one edit is 1.5 to 10
#: points), and every change to ``unspin.synth`` re-draws the edits, so recalls get room.
GATE_MARGINS = {f"{p}fact_recall_{s}": 0.06 for s in SUBTYPES for p in ("diff_samples_", "diff_samples_alt_")} | {
    f"{p}{k}": m for p in ("diff_samples_", "diff_samples_alt_") for k, m in (
        ("name_recall_entity_or_attribution", 0.04), ("synonym_as_fact_rate", 0.01),
        ("swapped_words_covered", 0.01), ("plagdet", 0.03), ("harmless_as_fact_rate", 0.01))}


class Ann(NamedTuple):
    copy_id: str
    copy_start: int
    copy_end: int
    source_id: str
    source_start: int
    source_end: int


def load_jsonl(path: Path, limit: int | None = None) -> list[Article]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            out.append(from_text(d["text"], id=str(d["id"]), title=d.get("title")))
            if limit and len(out) >= limit:
                break
    return out


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _hits(e: Any, changes: Sequence[Any], pred: Any, src: Article | None = None) -> bool:
    """A change overlaps the edit's copy span (a point for empty spans, one character of
    slack), or its source span (edits that delete words, such as a dropped hedge)."""
    s, t = e.copy_start, e.copy_end
    if t <= s:
        s, t = s - 1, s + 1
    ss, st = (src.to_original(e.source_start, e.source_end) if src is not None and e.source_start >= 0
              else (-1, -1))
    for c in changes:
        if not pred(c):
            continue
        if _overlap(s, t, c.copy_start, c.copy_end) > 0:
            return True
        if c.copy_start == c.copy_end and s - 1 <= c.copy_start <= t:
            return True
        if st > ss and _overlap(ss, st, c.source_start, c.source_end) > 0:
            return True
    return False


def score(pairs: Iterable[tuple[Any, Article]], examples: int = 0) -> dict[str, Any]:
    """Score diffs of (SpunCopy, source Article) pairs."""
    found: dict[str, int] = defaultdict(int)
    found_any: dict[str, int] = defaultdict(int)
    found_name: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    syn = syn_fact = syn_cov = 0
    harmless: dict[str, int] = defaultdict(int)
    harmless_fact: dict[str, int] = defaultdict(int)
    no_fact = no_fact_distorted = no_fact_flagged = 0
    cases: list[Ann] = []
    dets: list[Ann] = []
    misses: list[str] = []
    false_facts: list[str] = []
    ms: list[float] = []
    n = 0
    for copy, src in pairs:
        n += 1
        t0 = time.perf_counter()
        r = diff(copy.text, src, source_id=src.id)
        ms.append(1000 * (time.perf_counter() - t0))
        ch = r.changes
        facts = [c for c in ch if c.kind == "fact"]
        if not any(e.kind == "fact" for e in copy.edits):
            no_fact += 1
            no_fact_distorted += getattr(r, "verdict", None) == "distorted"
            no_fact_flagged += bool(facts)
        for e in copy.edits:
            if e.kind in HARMLESS:
                key = f"{e.kind}/{e.detail}" if e.kind != "synonym" else "synonym"
                harmless[key] += 1
                if any(_overlap(e.copy_start, e.copy_end, c.copy_start, c.copy_end) for c in facts):
                    harmless_fact[key] += 1
            if e.kind == "fact" and e.source_id == src.id:
                total[e.subtype] += 1
                if _hits(e, facts, lambda c, e=e: c.subtype == e.subtype, src):
                    found[e.subtype] += 1
                elif len(misses) < examples:
                    misses.append(f"{e.subtype}/{e.detail}: {e.source_text!r} -> {e.copy_text!r}")
                if _hits(e, facts, lambda c: True, src):
                    found_any[e.subtype] += 1
                if e.subtype in ("entity", "attribution") and _hits(
                        e, facts, lambda c: c.subtype in ("entity", "attribution"), src):
                    found_name[e.subtype] += 1
            elif e.kind == "synonym":
                syn += 1
                hit = [c for c in facts if _overlap(e.copy_start, e.copy_end, c.copy_start, c.copy_end)]
                if hit:
                    syn_fact += 1
                    if len(false_facts) < examples:
                        false_facts.append(f"{e.source_text!r}->{e.copy_text!r} as {hit[0].subtype}: "
                                           f"{hit[0].source_text!r}->{hit[0].copy_text!r}")
                cov = sum(_overlap(e.copy_start, e.copy_end, c.copy_start, c.copy_end)
                          for c in ch if c.kind not in ("verbatim",))
                if cov * 2 >= (e.copy_end - e.copy_start):
                    syn_cov += 1
        for cs in copy.cases:
            if cs.source_id == src.id:
                s0, s1 = src.to_original(cs.source_start, cs.source_end)
                cases.append(Ann(copy.id, cs.copy_start, cs.copy_end, src.id, s0, s1))
        assert r.copy is not None and r.source is not None
        for p in r.passages:
            c0, c1 = r.copy.to_original(p.copy_start, p.copy_end)
            s0, s1 = r.source.to_original(p.source_start, p.source_end)
            dets.append(Ann(copy.id, c0, c1, src.id, s0, s1))
    pd = plagdet(cases, dets)
    ms.sort()
    out: dict[str, Any] = {
        "copies": n,
        "fact_recall": {s: round(found[s] / total[s], 4) if total[s] else None for s in SUBTYPES},
        "fact_any_recall": {s: round(found_any[s] / total[s], 4) if total[s] else None for s in SUBTYPES},
        "name_recall_entity_or_attribution": {
            s: round(found_name[s] / total[s], 4) if total[s] else None for s in ("entity", "attribution")},
        "fact_edits": dict(total),
        "synonym_edits": syn,
        "synonym_as_fact_rate": round(syn_fact / syn, 4) if syn else 0.0,
        "swapped_words_covered": round(syn_cov / syn, 4) if syn else 0.0,
        "harmless_edits": sum(harmless.values()),
        "harmless_as_fact_rate": round(sum(harmless_fact.values()) / sum(harmless.values()), 4) if harmless else 0.0,
        "harmless_as_fact_by_kind": {k: round(harmless_fact[k] / v, 4) for k, v in sorted(harmless.items())},
        "no_fact_copies": no_fact,
        "no_fact_called_distorted": (round(no_fact_distorted / no_fact, 4)
                                     if no_fact and hasattr(r, "verdict") else None),
        "no_fact_with_fact_change": round(no_fact_flagged / no_fact, 4) if no_fact else None,
        "plagdet": round(pd.plagdet, 4),
        "precision": round(pd.precision, 4),
        "recall": round(pd.recall, 4),
        "granularity": round(pd.granularity, 4),
        "diff_ms_p50_with_ingest": round(ms[len(ms) // 2], 2) if ms else None,
    }
    if examples:
        out["missed_examples"] = misses
        out["synonym_as_fact_examples"] = false_facts
    return out


def spun_pairs(articles: Sequence[Article], rate: float, seed: int, fact_edits: int = 2,
               copies: int = 1, generator: str = "synth", style: str = "mixed") -> Iterable[tuple[Any, Article]]:
    """(copy, source) pairs: each article rewritten ``copies`` times by ``generator``."""
    from unspin.synth import copy_seed

    titles = [a.title for a in articles if a.title]
    for a in articles:
        for k in range(copies):
            others = [t for t in titles if t != a.title][:12] or None
            try:
                c = rewrite(a, generator, seed=copy_seed(seed, a.id, k), rate=rate, style=style,
                            fact_edits=fact_edits, headlines=others)
            except Exception as exc:  # noqa: BLE001 - a source the generator cannot rewrite is skipped
                print(f"skip {a.id}: {exc}", file=sys.stderr)
                continue
            yield c, a


def gate_metrics() -> dict[str, float]:
    """Quick diff figures on the in-repo invented samples, for benchmarks/gate.py.

    Spins each of the 16 sample articles 4 times at 35% with 4 fact edits each and scores
    the diffs; the same with the independent generator (``alt``, mixed style), whose
    figures carry ``diff_samples_alt_``. Runs in a few seconds.
    """
    arts = load_jsonl(SAMPLES)
    out: dict[str, float] = {}
    for gen, prefix in (("synth", "diff_samples_"), ("alt", "diff_samples_alt_")):
        res = score(spun_pairs(arts, 0.35, 3, fact_edits=4, copies=4, generator=gen))
        for s in SUBTYPES:
            v = res["fact_recall"][s]
            if v is not None:
                out[f"{prefix}fact_recall_{s}"] = v
        out[f"{prefix}name_recall_entity_or_attribution"] = res["name_recall_entity_or_attribution"]["entity"]
        out[f"{prefix}synonym_as_fact_rate"] = res["synonym_as_fact_rate"]
        out[f"{prefix}swapped_words_covered"] = res["swapped_words_covered"]
        out[f"{prefix}plagdet"] = res["plagdet"]
        if gen == "alt":
            out[f"{prefix}harmless_as_fact_rate"] = res["harmless_as_fact_rate"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=400, help="development articles to spin")
    ap.add_argument("--rate", type=float, default=0.35)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--fact-edits", type=int, default=4)
    ap.add_argument("--examples", type=int, default=0, help="show this many misses")
    ap.add_argument("--samples", action="store_true", help="use samples/articles.jsonl")
    ap.add_argument("--gate", action="store_true", help="print gate_metrics() and exit")
    add_generator_options(ap)
    a = ap.parse_args()
    if a.gate:
        print(json.dumps(gate_metrics(), indent=1))
        return
    if a.samples:
        arts = load_jsonl(SAMPLES)
    else:
        if not BBC.exists():
            sys.exit(f"needs {BBC}")
        arts = load_jsonl(BBC, a.limit)
    t0 = time.time()
    res = score(spun_pairs(arts, a.rate, a.seed, a.fact_edits, generator=a.generator, style=a.style or "mixed"),
                a.examples)
    res["generator"] = a.generator
    res["style"] = a.style or "mixed"
    res["rate"] = a.rate
    res["seconds"] = round(time.time() - t0, 1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
