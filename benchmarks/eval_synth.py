#!/usr/bin/env python3
"""Quality of the synthetic spinner ``unspin.synth`` (issue 3).

Two questions: is the ground truth exact, and does the spinner behave like real ones?

- exactness: share of copies whose truth verifies (``synth.verify``: every edit's spans hold
  its texts; inside each case the copy outside the edits is the source outside them; outside
  the cases only whitespace, insertions and clutter), share of edits whose spans verify;
- control: achieved synonym swap rate against the requested one; share of requested fact
  edits that found a place; coverage of edit kinds and fact subtypes;
- faithfulness: the word swaps of the real seed case ("peace" -> "serenity", "troops" ->
  "army", ...) that the thesaurus or embedding spinner can produce; Zipf frequency of the
  words swapped in and their GloVe similarity to the words they replace, per spinner;
- determinism: regenerating the shipped set gives byte-identical files.

Run the development-corpus benchmark (needs ../shared)::

    .venv/bin/python benchmarks/eval_synth.py [--limit 300] [--seed 11] [--json out.json]
    .venv/bin/python benchmarks/eval_synth.py --write-small   # regenerate benchmarks/data/synthetic-small

``gate_metrics()`` gives the quick figures the gate (benchmarks/gate.py) checks, on in-repo
data only: the shipped set ``benchmarks/data/synthetic-small`` and the sample articles.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    SYNTHETIC_SMALL,
    MissingData,
    build_synthetic_small,
    load_bbc,
    load_synthetic_small,
)
from unspin.models import Article  # noqa: E402
from unspin.synth import EDIT_KINDS, FACT_SUBTYPES, SpunCopy, copy_seed, spin, verify  # noqa: E402

#: Word swaps a real spinner made in the seed case (../shared/seed), source -> copy.
SEED_SWAPS = (("peace", "serenity"), ("troops", "army"), ("meeting", "appointment"),
              ("presence", "appearance"), ("forces", "causes"), ("liberate", "conquer"))

GATE_LOWER_IS_BETTER = {"synth_small_swap_rate_error"}
GATE_MARGINS = {"synth_small_truth_exact": 0.0, "synth_small_edit_spans_exact": 0.0,
                "synth_small_regenerates_identical": 0.0, "synth_small_kind_coverage": 0.0,
                "synth_seed_swaps_reachable": 0.0}


# ---------------------------------------------------------------------------- figures

def edit_spans_ok(copy: SpunCopy, sources: dict[str, Article]) -> tuple[int, int]:
    """(edits whose own spans hold their texts, edits)."""
    ok = 0
    for e in copy.edits:
        good = copy.text[e.copy_start:e.copy_end] == e.copy_text
        if e.source_start >= 0:
            src = sources.get(e.source_id)
            good = good and src is not None and src.text[e.source_start:e.source_end] == e.source_text
        ok += good
    return ok, len(copy.edits)


def control_figures(copies: Sequence[SpunCopy], sources: dict[str, Article]) -> dict[str, float]:
    exact = sum(not verify(c, sources) for c in copies)
    spans = [edit_spans_ok(c, sources) for c in copies]
    kinds = {e.kind for c in copies for e in c.edits}
    subtypes = {e.subtype for c in copies for e in c.edits if e.subtype}
    req_facts = sum(c.config.fact_edits for c in copies)
    facts = sum(len(c.edits_of("fact")) for c in copies)
    return {
        "truth_exact": exact / max(len(copies), 1),
        "edit_spans_exact": sum(a for a, _ in spans) / max(sum(b for _, b in spans), 1),
        "swap_rate_error": statistics.fmean(abs(c.swap_rate - c.config.swap_rate) for c in copies),
        "fact_fill": min(1.0, facts / max(req_facts, 1)),
        "kind_coverage": (len(kinds & set(EDIT_KINDS)) + len(subtypes & set(FACT_SUBTYPES)))
        / (len(EDIT_KINDS) + len(FACT_SUBTYPES)),
    }


def seed_swaps_reachable() -> tuple[float, list[str]]:
    """Share of the seed case's real swaps that the spinner's candidate lists contain."""
    from unspin import lexicon
    from unspin.synth import embedding_candidates, thesaurus_candidates

    found = []
    for old, new in SEED_SWAPS:
        th = {lexicon.inflect(c, s) for c, s in thesaurus_candidates(old)}
        if new in th or new in embedding_candidates(old):
            found.append(f"{old}->{new}")
    return len(found) / len(SEED_SWAPS), found


def regenerates_identical() -> bool:
    """True when rebuilding the shipped set gives byte-identical files."""
    with tempfile.TemporaryDirectory() as tmp:
        build_synthetic_small(Path(tmp))
        cmp = filecmp.dircmp(tmp, SYNTHETIC_SMALL)
        return _same_tree(cmp)


def _same_tree(cmp: filecmp.dircmp[str]) -> bool:
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _match, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_same_tree(sub) for sub in cmp.subdirs.values())


def gate_metrics() -> dict[str, float]:
    """Quick figures on in-repo data: the shipped synthetic set and the seed's swap words."""
    copies, sources = load_synthetic_small()
    f = control_figures(copies, sources)
    reach, _ = seed_swaps_reachable()
    return {
        "synth_small_truth_exact": f["truth_exact"],
        "synth_small_edit_spans_exact": f["edit_spans_exact"],
        "synth_small_swap_rate_error": round(f["swap_rate_error"], 4),
        "synth_small_fact_fill": round(f["fact_fill"], 4),
        "synth_small_kind_coverage": round(f["kind_coverage"], 4),
        "synth_small_regenerates_identical": float(regenerates_identical()),
        "synth_seed_swaps_reachable": round(reach, 4),
    }


# ---------------------------------------------------------------------------- benchmark

def swap_profile(copies: Sequence[SpunCopy]) -> dict[str, dict[str, float]]:
    """Per swap source (thesaurus/embedding): mean Zipf of the new word, mean GloVe similarity."""
    from unspin import lexicon

    vec = lexicon.vectors()
    out: dict[str, dict[str, float]] = {}
    by: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in copies:
        for e in c.edits_of("synonym"):
            by[e.detail].append((e.source_text.lower(), e.copy_text.lower()))
    for detail, pairs in sorted(by.items()):
        sims = [vec.similarity(a, b) for a, b in pairs if a in vec and b in vec]
        out[detail] = {"swaps": len(pairs), "zipf_new": statistics.fmean(lexicon.zipf(b) for _, b in pairs),
                       "zipf_old": statistics.fmean(lexicon.zipf(a) for a, _ in pairs),
                       "glove_similarity": statistics.fmean(sims) if sims else 0.0,
                       "unknown_to_glove": 1 - len(sims) / len(pairs)}
    return out


def seed_profile() -> dict[str, float]:
    from unspin import lexicon

    vec = lexicon.vectors()
    return {"swaps": len(SEED_SWAPS),
            "zipf_new": statistics.fmean(lexicon.zipf(b) for _, b in SEED_SWAPS),
            "zipf_old": statistics.fmean(lexicon.zipf(a) for a, _ in SEED_SWAPS),
            "glove_similarity": statistics.fmean(vec.similarity(a, b) for a, b in SEED_SWAPS)}


def run_bbc(limit: int, seed: int, rates: Sequence[float], spinners: Sequence[str]) -> dict[str, Any]:
    arts = load_bbc(limit=limit, min_words=80)
    sources = {a.id: a for a in arts}
    result: dict[str, Any] = {"articles": len(arts), "seed": seed, "runs": {}}
    all_copies: list[SpunCopy] = []
    for spinner in spinners:
        for rate in rates:
            t0 = time.perf_counter()
            copies = []
            for i, a in enumerate(arts):
                second = arts[(i + 1) % len(arts)] if i % 4 == 3 else None
                copies.append(spin(a, seed=copy_seed(seed, a.id, spinner, rate), swap_rate=rate, spinner=spinner,
                                   second_source=second))
            dt = time.perf_counter() - t0
            f = control_figures(copies, sources)
            kinds = Counter(e.kind for c in copies for e in c.edits)
            facts = Counter(f"{e.subtype}/{e.detail}" for c in copies for e in c.edits_of("fact"))
            result["runs"][f"{spinner}@{rate}"] = {
                **{k: round(v, 4) for k, v in f.items()},
                "achieved_swap_rate": round(statistics.fmean(c.swap_rate for c in copies), 4),
                "edits_per_copy": {k: round(kinds[k] / len(copies), 2) for k in EDIT_KINDS},
                "fact_details": dict(sorted(facts.items())),
                "seconds_per_copy": round(dt / len(copies), 4),
            }
            all_copies.extend(copies)
            print(f"{spinner}@{rate}: {json.dumps(result['runs'][f'{spinner}@{rate}'], sort_keys=True)}", flush=True)
    result["swap_profile"] = swap_profile(all_copies)
    result["seed_case_profile"] = seed_profile()
    reach, found = seed_swaps_reachable()
    result["seed_swaps_reachable"] = {"share": reach, "found": found}
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description="Evaluate unspin.synth on the BBC development corpus.")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--rates", type=float, nargs="+", default=[0.2, 0.35, 0.5])
    ap.add_argument("--spinners", nargs="+", default=["mixed", "thesaurus", "embedding"])
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--gate", action="store_true", help="print gate_metrics() and exit")
    ap.add_argument("--write-small", action="store_true", help="regenerate benchmarks/data/synthetic-small")
    a = ap.parse_args()
    if a.gate:
        print(json.dumps(gate_metrics(), indent=1, sort_keys=True))
        return 0
    if a.write_small:
        print(json.dumps(build_synthetic_small(), sort_keys=True))
        return 0
    try:
        res = run_bbc(a.limit, a.seed, a.rates, a.spinners)
    except MissingData as exc:
        print(f"eval_synth: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(res, indent=1, sort_keys=True)
    print(json.dumps({k: res[k] for k in ("swap_profile", "seed_case_profile", "seed_swaps_reachable")},
                     indent=1, sort_keys=True))
    if a.json:
        a.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
