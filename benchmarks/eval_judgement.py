"""diff's judgement on synthetic copies from both generators (issue 9, "Done when" synthetic items).

For each generator (``synth``: ``unspin.synth.spin``, Moby/GloVe swaps; ``alt``:
``unspin.altspin.spin_alt``, which uses none of diff's resources) spins development articles at
a 35% swap rate and measures:

- fact recall per subtype: a recorded fact edit counts as found when a ``fact`` change of the
  same subtype overlaps it (the rule of ``eval_diff.py``); ``any`` accepts any fact subtype;
- harmless edits labelled fact: recorded ``synonym``, ``reword`` and ``number_format`` edits
  (word swaps, name forms, hedge/negation paraphrases, number/date/unit formats) whose copy
  span overlaps a ``fact`` change;
- copies with no fact edit called ``distorted``: the same articles spun with ``fact_edits=0``,
  share whose ``DiffResult.verdict`` is ``distorted``.

    .venv/bin/python benchmarks/eval_judgement.py [--limit 150] [--rate 0.35] [--seed 5] [--json]

Uses the BBC development corpus (``../shared``), else the in-repo samples.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import SEED_CASE, MissingData, load_bbc, seed_reconstruction  # noqa: E402
from eval_diff import SAMPLES, _hits, _overlap, load_jsonl  # noqa: E402
from unspin.differ import diff  # noqa: E402
from unspin.models import Article  # noqa: E402

SUBTYPES = ("meaning", "entity", "number", "date", "negation", "attribution", "role", "modality")
HARMLESS = ("synonym", "reword", "number_format")


def _spin(gen: str, art: Article, seed: int, rate: float, fact_edits: int) -> Any:
    from unspin.synth import copy_seed, spin

    s = copy_seed(seed, art.id, 0)
    if gen == "synth":
        return spin(art, seed=s, swap_rate=rate, fact_edits=fact_edits)
    from unspin.altspin import AltConfig, spin_alt

    return spin_alt(art, seed=s, config=AltConfig(swap_rate=rate, fact_edits=fact_edits))


def _around(text: str, a: int, b: int, n: int = 60) -> str:
    """``text[a:b]`` in [brackets] with ``n`` characters either side, on one line."""
    return " ".join(f"{text[max(0, a - n):a]}[{text[a:b]}]{text[b:b + n]}".split())


def evaluate(gen: str, arts: Sequence[Article], rate: float, seed: int, examples: int = 0,
             only: str = "") -> dict[str, Any]:
    found: dict[str, int] = defaultdict(int)
    found_any: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    harmless = harmless_fact = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    false: list[str] = []
    why_distorted: list[str] = []
    distorted = clean_copies = 0
    rates: list[float] = []
    for art in arts:
        try:
            copy = _spin(gen, art, seed, rate, 3)
            plain = _spin(gen, art, seed + 1, rate, 0)
        except Exception as exc:  # noqa: BLE001 - an article a generator cannot spin is skipped
            print(f"skip {art.id}: {exc}", file=sys.stderr)
            continue
        rates.append(copy.swap_rate)
        r = diff(copy.text, art, source_id=art.id)
        facts = [c for c in r.changes if c.kind == "fact"]
        for e in copy.edits:
            if e.kind == "fact":
                total[e.subtype] += 1
                if _hits(e, facts, lambda c, e=e: c.subtype == e.subtype, art):
                    found[e.subtype] += 1
                elif len(misses) < examples and (not only or e.subtype == only):
                    misses.append(f"{e.subtype}/{e.detail}: {e.source_text!r} -> {e.copy_text!r}"
                                  + (f" | {_around(art.text, e.source_start, e.source_end)}"
                                     if only and e.source_start >= 0 else ""))
                if _hits(e, facts, lambda c: True, art):
                    found_any[e.subtype] += 1
            elif e.kind in HARMLESS and e.copy_end > e.copy_start:
                harmless += 1
                by_kind[e.kind][1] += 1
                hit = [c for c in facts if _overlap(e.copy_start, e.copy_end, c.copy_start, c.copy_end)]
                if hit:
                    harmless_fact += 1
                    by_kind[e.kind][0] += 1
                    if len(false) < examples:
                        false.append(f"{e.kind}/{e.detail}: {e.source_text!r}->{e.copy_text!r} as "
                                     f"{hit[0].subtype}: {hit[0].source_text!r}->{hit[0].copy_text!r}")
        if not any(e.kind == "fact" for e in plain.edits):
            clean_copies += 1
            pr = diff(plain.text, art, source_id=art.id)
            if pr.verdict == "distorted":
                distorted += 1
                if len(why_distorted) < examples:
                    why_distorted.append(f"{art.id}: {pr.evidence}")
    out: dict[str, Any] = {
        "generator": gen, "articles": len(arts), "rate": rate,
        "achieved_swap_rate": round(sum(rates) / len(rates), 4) if rates else None,
        "fact_recall": {s: round(found[s] / total[s], 4) if total[s] else None for s in SUBTYPES},
        "fact_any_recall": {s: round(found_any[s] / total[s], 4) if total[s] else None for s in SUBTYPES},
        "fact_edits": dict(total),
        "harmless_edits": harmless,
        "harmless_as_fact_rate": round(harmless_fact / harmless, 4) if harmless else 0.0,
        "harmless_as_fact_by_kind": {k: round(v[0] / v[1], 4) for k, v in by_kind.items() if v[1]},
        "copies_without_fact_edit": clean_copies,
        "distorted_rate_without_fact_edit": round(distorted / clean_copies, 4) if clean_copies else None,
    }
    if examples:
        out["missed"] = misses
        out["harmless_as_fact"] = false
        out["distorted_without_fact_edit"] = why_distorted
    return out


def seed_case() -> dict[str, Any] | None:
    """The real seed copy against a source rebuilt from it (known edits undone): its fact changes."""
    if not SEED_CASE.exists():
        return None
    copy = SEED_CASE.read_text(encoding="utf-8")
    r = diff(copy, seed_reconstruction(copy))
    return {"verdict": r.verdict, "facts": [f"{c.subtype}: {c.copy_text!r} for {c.source_text!r}" for c in r.facts]}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=150)
    ap.add_argument("--rate", type=float, default=0.35)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--generator", choices=("synth", "alt", "both"), default="both")
    ap.add_argument("--examples", type=int, default=0)
    ap.add_argument("--only", default="", help="missed examples of this subtype only, with their source context")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    try:
        arts = load_bbc(a.limit)
        corpus = "bbc-dev"
    except MissingData:
        arts = load_jsonl(SAMPLES)
        corpus = "samples"
    gens = ("synth", "alt") if a.generator == "both" else (a.generator,)
    res = {g: evaluate(g, arts, a.rate, a.seed, a.examples, a.only) for g in gens}
    seed = seed_case()
    if a.json:
        print(json.dumps({"corpus": corpus, **res, "seed": seed}, indent=1))
        return
    if seed is not None:
        print(f"seed case: {seed['verdict']}; " + "; ".join(seed["facts"]))
    print(f"corpus {corpus}, {len(arts)} articles, {a.rate:.0%} swaps, 3 fact edits a copy")
    print(f"{'':36}" + "".join(f"{g:>10}" for g in gens))
    for s in SUBTYPES:
        print(f"{'fact recall ' + s:36}" + "".join(
            f"{'-' if res[g]['fact_recall'][s] is None else res[g]['fact_recall'][s]:>10}" for g in gens))
    for key in ("achieved_swap_rate", "harmless_as_fact_rate", "distorted_rate_without_fact_edit"):
        print(f"{key:36}" + "".join(f"{res[g][key]:>10}" for g in gens))
    for g in gens:
        print(f"{g}: fact edits {res[g]['fact_edits']}; harmless edits {res[g]['harmless_edits']} "
              f"(as fact by kind {res[g]['harmless_as_fact_by_kind']}); copies without fact edit "
              f"{res[g]['copies_without_fact_edit']}")
        for line in res[g].get("missed", []) + res[g].get("harmless_as_fact", []):
            print("   ", line)


if __name__ == "__main__":
    main()
