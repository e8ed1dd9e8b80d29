#!/usr/bin/env python3
"""diff and check on real pages nobody here wrote: the real-world development set.

Data: ``../shared/data/realworld-dev/`` (outside the repository; evaluation only, never
copied in): ``pairs.jsonl`` (4 content-farm copies with the report each was made from),
``rewritten.jsonl`` (2 AI paraphrases whose originals were not found) and ``clean.jsonl``
(7 professional wire/newspaper articles). The labels are in the repository:
``benchmarks/data/realworld-labels.json`` holds, per pair, every true fact and meaning change
as a short quote with character offsets in the copy and in the source (and a one-line
rationale), plus the SHA-256 of both texts, so that a changed text is detected instead of
silently mis-scored.

Figures:

- **diff**: fact-change precision (share of reported ``fact`` changes whose copy span
  overlaps a labelled change) and recall (share of labels overlapped by a reported ``fact``
  change; ``recall_subtype`` also needs the labelled subtype), pooled and per pair;
- **check**: ROC AUC of ``spin_score`` with the pair copies and the rewritten pages as
  positives, the clean articles and the pair originals as negatives; verdict of every page.

Usage::

    python benchmarks/eval_realworld.py            # tables
    python benchmarks/eval_realworld.py --json     # figures as JSON
    python benchmarks/eval_realworld.py --examples # list every reported fact change

Skips (exit 0, with a message) when ``../shared`` is not there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from common import REALWORLD  # noqa: E402

LABELS = BENCH / "data" / "realworld-labels.json"


class DriftError(RuntimeError):
    """A real-world text no longer matches the text the labels were made on."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_labels(path: Path = LABELS) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def check_labels(labels: dict[str, Any], pairs: Sequence[dict[str, Any]]) -> list[str]:
    """Problems: texts that drifted, offsets that do not hold their quotes, pairs without labels."""
    by_id = {p["id"]: p for p in pairs}
    out = []
    for rec in labels["pairs"]:
        p = by_id.get(rec["id"])
        if p is None:
            out.append(f"{rec['id']}: not in pairs.jsonl")
            continue
        ct, st = p["copy"]["text"], p["source"]["text"]
        if sha256(ct) != rec["copy_sha256"] or sha256(st) != rec["source_sha256"]:
            out.append(f"{rec['id']}: text changed since it was labelled (sha256 differs): re-label it")
            continue
        for lab in rec["labels"]:
            if ct[lab["copy_start"]:lab["copy_end"]] != lab["copy_quote"]:
                out.append(f"{rec['id']}: copy offsets do not hold {lab['copy_quote']!r}")
            if st[lab["source_start"]:lab["source_end"]] != lab["source_quote"]:
                out.append(f"{rec['id']}: source offsets do not hold {lab['source_quote']!r}")
            if lab["subtype"] not in labels["subtypes"]:
                out.append(f"{rec['id']}: unknown subtype {lab['subtype']!r}")
    missing = sorted(set(by_id) - {r["id"] for r in labels["pairs"]})
    if missing:
        out.append(f"pairs without labels: {', '.join(missing)}")
    return out


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1 if a0 != a1 else b0 <= a0 <= b1


# ---------------------------------------------------------------------------- diff

def score_diff(pairs: Sequence[dict[str, Any]], labels: dict[str, Any], examples: bool = False) -> dict[str, Any]:
    """Fact-change precision and recall of ``unspin.differ`` against the labels."""
    from unspin.differ import diff

    labs = {r["id"]: r["labels"] for r in labels["pairs"]}
    rows = []
    tp_rep = n_rep = found = found_sub = n_lab = 0
    for p in pairs:
        ct, st = p["copy"]["text"], p["source"]["text"]
        res = diff(ct, st, source_id=p["id"])
        facts = [c for c in res.changes if c.kind == "fact"]
        gold = labs.get(p["id"], [])
        good = [c for c in facts if any(_overlap(c.copy_start, c.copy_end, g["copy_start"], g["copy_end"])
                                        for g in gold)]
        hit = [g for g in gold if any(_overlap(c.copy_start, c.copy_end, g["copy_start"], g["copy_end"])
                                      for c in facts)]
        hit_sub = [g for g in gold if any(c.subtype == g["subtype"]
                                          and _overlap(c.copy_start, c.copy_end, g["copy_start"], g["copy_end"])
                                          for c in facts)]
        row: dict[str, Any] = {
            "id": p["id"], "labels": len(gold), "reported": len(facts), "reported_true": len(good),
            "found": len(hit), "found_subtype": len(hit_sub),
            "precision": round(len(good) / len(facts), 4) if facts else None,
            "recall": round(len(hit) / len(gold), 4) if gold else None,
            "verdict": getattr(res, "verdict", None),
        }
        if examples:
            row["reported_changes"] = [
                f"{'TRUE ' if c in good else 'false'} {c.subtype}: {c.source_text[:40]!r} -> {c.copy_text[:40]!r}"
                for c in facts]
            row["missed"] = [f"{g['subtype']}: {g['source_quote']!r} -> {g['copy_quote']!r}"
                             for g in gold if g not in hit]
        rows.append(row)
        tp_rep += len(good)
        n_rep += len(facts)
        found += len(hit)
        found_sub += len(hit_sub)
        n_lab += len(gold)
    return {"pairs": len(rows), "labels": n_lab, "reported": n_rep,
            "precision": round(tp_rep / n_rep, 4) if n_rep else None,
            "recall": round(found / n_lab, 4) if n_lab else None,
            "recall_subtype": round(found_sub / n_lab, 4) if n_lab else None,
            "rows": rows}


# ---------------------------------------------------------------------------- check

def score_check(pairs: Sequence[dict[str, Any]], rewritten: Sequence[dict[str, Any]],
                clean: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """ROC AUC of check's spin score: rewritten pages (pair copies, AI paraphrases) vs clean ones."""
    from eval_check import roc_auc
    from unspin.checker import check
    from unspin.ingest import from_text

    pages: list[tuple[str, str, int]] = []  # (id, text, 1 = rewritten)
    pages += [(f"{p['id']}:copy", p["copy"]["text"], 1) for p in pairs]
    pages += [(r["id"], r["text"], 1) for r in rewritten]
    pages += [(c["id"], c["text"], 0) for c in clean]
    pages += [(f"{p['id']}:source", p["source"]["text"], 0) for p in pairs]
    rows = []
    for pid, text, y in pages:
        res = check(from_text(text, id=pid))
        rows.append({"id": pid, "rewritten": y, "score": round(float(res.spin_score), 4), "verdict": res.verdict,
                     "flags": len(res.flags)})
    pos = [r["score"] for r in rows if r["rewritten"]]
    neg = [r["score"] for r in rows if not r["rewritten"]]
    return {"positives": len(pos), "negatives": len(neg), "auc": round(roc_auc(neg, pos), 4),
            "clean_spun": sum(r["verdict"] == "spun" for r in rows if not r["rewritten"]),
            "rewritten_spun": sum(r["verdict"] == "spun" for r in rows if r["rewritten"]),
            "rows": rows}


# ---------------------------------------------------------------------------- main

def tables(res: dict[str, Any]) -> str:
    d, c = res["diff"], res["check"]
    out = [f"diff on {d['pairs']} real pairs: {d['labels']} labelled fact/meaning changes, {d['reported']} reported",
           f"precision {d['precision']}  recall {d['recall']}  recall (subtype right) {d['recall_subtype']}"
           "   targets >= 0.8", "",
           f"{'pair':<12} {'labels':>6} {'reported':>8} {'true':>5} {'found':>6} {'prec':>6} {'recall':>6}"]
    for r in d["rows"]:
        out.append(f"{r['id']:<12} {r['labels']:>6} {r['reported']:>8} {r['reported_true']:>5} {r['found']:>6} "
                   f"{r['precision']!s:>6} {r['recall']!s:>6}")
        for line in r.get("reported_changes", []) + [f"MISSED {m}" for m in r.get("missed", [])]:
            out.append("    " + line)
    out += ["", f"check on {c['positives']} rewritten and {c['negatives']} clean real pages: ROC AUC {c['auc']} "
                "(target >= 0.8)",
            f"clean pages called spun: {c['clean_spun']}; rewritten pages called spun: {c['rewritten_spun']}", "",
            f"{'page':<34} {'rewritten':>9} {'score':>7}  verdict"]
    for r in c["rows"]:
        out.append(f"{r['id']:<34} {r['rewritten']:>9} {r['score']:>7}  {r['verdict']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--examples", action="store_true", help="list every reported fact change and every miss")
    ap.add_argument("--no-check", action="store_true", help="only the diff figures")
    a = ap.parse_args(argv)
    if not (REALWORLD / "pairs.jsonl").exists():
        print(f"skipped: {REALWORLD} not found (the real-world development set lives in ../shared, "
              "outside the repository)")
        return 0
    pairs = load_jsonl(REALWORLD / "pairs.jsonl")
    labels = load_labels()
    problems = check_labels(labels, pairs)
    if problems:
        for line in problems:
            print(f"eval_realworld: {LABELS.name}: {line}", file=sys.stderr)
        return 2
    res: dict[str, Any] = {"diff": score_diff(pairs, labels, a.examples)}
    if a.no_check:
        res["check"] = {"positives": 0, "negatives": 0, "auc": None, "clean_spun": None, "rewritten_spun": None,
                        "rows": []}
    else:
        res["check"] = score_check(pairs, load_jsonl(REALWORLD / "rewritten.jsonl"),
                                   load_jsonl(REALWORLD / "clean.jsonl"))
    print(json.dumps(res, indent=1, ensure_ascii=False) if a.json else tables(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
