"""Fit the contextual thresholds of ``unspin.meaning`` on the invented development set.

``benchmarks/data/meaning-dev/pairs.jsonl`` holds sentence pairs written by the unspin
authors (no evaluation data, no third-party text): one word of a news sentence swapped for
another that keeps its meaning (``same``: clumsy spinner synonyms such as "peace" ->
"serenity") or changes it (``flip``: wrong senses such as "cabinet" -> "cupboard", reversals
such as "hired" -> "fired"). For each pair the encoder gives the word-in-context cosine of the
two words and the sentence shift (one minus the sentence cosine, scaled to a 10-word
sentence); a swap is called a change of meaning when the first is below its threshold and the
second at least its threshold. Only pairs whose two words have no lexical link (``unspin.diff`` asks the
encoder about those swaps only) are used. The grid search picks the pair of thresholds that catches the most flips
while calling at most ``--max-fpr`` of the ``same`` pairs a change (ties: the lowest
thresholds, i.e. the most cautious). Deterministic.

    .venv/bin/python benchmarks/fit_meaning.py            # print the fit
    .venv/bin/python benchmarks/fit_meaning.py --write    # also store it in src/unspin/meaning.py
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from unspin.meaning import contextual_scores  # noqa: E402

DEV = ROOT / "benchmarks" / "data" / "meaning-dev" / "pairs.jsonl"
TARGET = ROOT / "src" / "unspin" / "meaning.py"


def scores(path: Path = DEV, linked: bool = False) -> list[tuple[str, float, float, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = []
    for r in rows:
        a = r["source"].index(r["source_word"])
        b = r["copy"].index(r["copy_word"])
        items.append((r["copy"], b, b + len(r["copy_word"]), r["source"], a, a + len(r["source_word"])))
    from unspin.differ import _relation

    sc = contextual_scores(items)
    out = [(r["label"], w, s, f'{r["source_word"]}->{r["copy_word"]}') for r, (w, s) in zip(rows, sc, strict=True)
           if (_relation(r["copy_word"].lower(), r["source_word"].lower()) is None) != linked]
    return out


def fit(res: list[tuple[str, float, float, str]], max_fpr: float) -> dict[str, float]:
    same = [(w, s) for lab, w, s, _ in res if lab == "same"]
    flip = [(w, s) for lab, w, s, _ in res if lab == "flip"]
    grid_w = [round(0.05 * k, 2) for k in range(2, 19)]
    grid_s = [0.0] + [round(0.02 * k, 2) for k in range(1, 40)]
    best: tuple[float, float, float, float] | None = None
    for tw in grid_w:
        for ts in grid_s:
            fp = sum(1 for w, s in same if w < tw and s >= ts) / len(same)
            if fp > max_fpr:
                continue
            rec = sum(1 for w, s in flip if w < tw and s >= ts) / len(flip)
            key = (rec, -tw + ts)
            if best is None or key > (best[0], -best[1] + best[2]):
                best = (rec, tw, ts, fp)
    assert best is not None
    return {"wic": best[1], "shift": best[2], "recall": round(best[0], 3), "fpr": round(best[3], 3),
            "same": len(same), "flip": len(flip)}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--max-fpr", type=float, default=0.0)
    ap.add_argument("--write", action="store_true", help="store the thresholds in src/unspin/meaning.py")
    a = ap.parse_args()
    out = fit(scores(), a.max_fpr)
    linked = fit(scores(linked=True), a.max_fpr)
    print(json.dumps({"unlinked": out, "linked": linked}, indent=1))
    if a.write:
        text = TARGET.read_text(encoding="utf-8")
        new = re.sub(r"MEANING_THRESHOLDS: dict\[str, float\] = \{[^}]*\}",
                     f'MEANING_THRESHOLDS: dict[str, float] = {{"wic": {out["wic"]}, "shift": {out["shift"]}, '
                     f'"linked_wic": {linked["wic"]}, "linked_shift": {linked["shift"]}}}',
                     text)
        TARGET.write_text(new, encoding="utf-8")
        print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
