#!/usr/bin/env python3
"""diff on the contrast set: equivalent rewordings must give no fact change, flips must.

The contrast set (``benchmarks/data/contrast/``) is written by us: short invented news
passages, each as a source and a copy. Half are *equivalent* (the copy says the same thing
in other words: country aliases, demonym or possessive, transliterations, name forms after
the first mention, negation and hedge paraphrases, number, date and unit formats,
passive/active, clause order, phrase paraphrases); half are *flips* (among such harmless
variants, exactly one change flips what is asserted: nationality, place, person, number,
date, negation, role, attribution, modality, or a ``meaning`` change: antonym verbs,
comparatives, direction, bounds, wrong-sense swaps).

``pairs.src`` is the hand-written form (``[[source|copy]]`` a harmless variant,
``{{source|copy}}`` the flip); ``--build`` writes ``pairs.jsonl`` from it with the texts and
the exact offsets of the flipped words on both sides. Each record::

    {"id", "label": "equivalent"|"flip", "kind", "subtype" (flips: the expected fact subtype),
     "source", "copy", "flip": {"copy_start", "copy_end", "copy_text", "source_start",
     "source_end", "source_text"} | null, "variants": [[copy_start, copy_end, source_start,
     source_end], ...]}

Figures (``unspin.differ`` as it is, copy against source, both as plain text):

- ``equivalent_no_fact``: share of equivalent pairs with no ``fact`` change (target >= 0.95);
- ``flip_covered``: share of flips whose flipped words (copy span, or source span) are
  overlapped by a ``fact`` change (target >= 0.9);
- ``flip_subtype_right``: share of flips where such a change has the expected subtype
  (target >= 0.8; over all flips, so a missed flip counts as wrong);
- ``flip_clean``: share of flips with no *other* fact change (the harmless variants around
  the flip left alone);
- per kind: the same, by the kind of variation or flip.

Usage::

    python benchmarks/eval_contrast.py               # table
    python benchmarks/eval_contrast.py --json        # figures as JSON
    python benchmarks/eval_contrast.py --examples 20 # show failures
    python benchmarks/eval_contrast.py --build       # rewrite pairs.jsonl from pairs.src
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import common  # noqa: E402,F401  (puts src/ on the path)

CONTRAST = BENCH / "data" / "contrast"
SRC = CONTRAST / "pairs.src"
PAIRS = CONTRAST / "pairs.jsonl"

EQUIVALENT_KINDS = ("alias", "demonym", "translit", "name_form", "negation_para", "hedge_para",
                    "number_format", "number_word", "date_format", "unit_format", "passive", "reorder",
                    "paraphrase")
#: flip kind -> the fact subtype a fact-checker would give it
FLIP_KINDS = {"nationality": "entity", "place": "entity", "person": "entity", "number": "number",
              "date": "date", "negation": "negation", "role": "role", "attribution": "attribution",
              "modality": "modality", "antonym": "meaning", "comparative": "meaning", "direction": "meaning",
              "bound": "meaning", "wrong_sense": "meaning"}
TARGETS = {"equivalent_no_fact": 0.95, "flip_covered": 0.9, "flip_subtype_right": 0.8}

_MARK = re.compile(r"\[\[([^\[\]|]*)\|([^\[\]|]*)\]\]|\{\{([^{}|]*)\|([^{}|]*)\}\}")


# ---------------------------------------------------------------------------- building

class ContrastError(ValueError):
    """A record of pairs.src or pairs.jsonl is malformed."""


def parse_passage(body: str) -> tuple[str, str, dict[str, Any] | None, list[list[int]], int]:
    """(source, copy, flip span record or None, harmless variant spans, number of flips)."""
    src: list[str] = []
    cpy: list[str] = []
    spos = cpos = 0
    flip: dict[str, Any] | None = None
    variants: list[list[int]] = []
    flips = 0
    last = 0
    for m in _MARK.finditer(body):
        plain = body[last:m.start()]
        src.append(plain)
        cpy.append(plain)
        spos += len(plain)
        cpos += len(plain)
        is_flip = m.group(3) is not None
        a, b = (m.group(3), m.group(4)) if is_flip else (m.group(1), m.group(2))
        span = [cpos, cpos + len(b), spos, spos + len(a)]
        if is_flip:
            flips += 1
            flip = {"copy_start": span[0], "copy_end": span[1], "copy_text": b,
                    "source_start": span[2], "source_end": span[3], "source_text": a}
        else:
            variants.append(span)
        src.append(a)
        cpy.append(b)
        spos += len(a)
        cpos += len(b)
        last = m.end()
    src.append(body[last:])
    cpy.append(body[last:])
    return "".join(src), "".join(cpy), flip, variants, flips


def build(path: Path = SRC) -> list[dict[str, Any]]:
    """The records of ``pairs.src``, validated.

    Raises:
        ContrastError: naming the record and the problem.
    """
    records: list[dict[str, Any]] = []
    head: list[str] | None = None
    lines: list[str] = []

    def close() -> None:
        if head is None:
            return
        rid = head[0]
        body = " ".join(x.strip() for x in lines if x.strip())
        if "[[" in _MARK.sub("", body) or "{{" in _MARK.sub("", body):
            raise ContrastError(f"{path.name}: {rid}: unbalanced or nested markup")
        source, copy, flip, variants, nflips = parse_passage(body)
        label, kind = head[1], head[2]
        subtype = head[3] if len(head) > 3 else None
        rec = {"id": rid, "label": label, "kind": kind, "subtype": subtype, "source": source, "copy": copy,
               "flip": flip, "variants": variants}
        problems = validate_record(rec, nflips)
        if problems:
            raise ContrastError(f"{path.name}: {rid}: {'; '.join(problems)}")
        records.append(rec)

    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#"):
            continue
        if raw.startswith("== "):
            close()
            head = raw[3:].split()
            lines = []
        elif head is not None:
            lines.append(raw)
    close()
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise ContrastError(f"{path.name}: duplicate ids")
    return records


def validate_record(rec: dict[str, Any], nflips: int | None = None) -> list[str]:
    """Problems of one record (empty when it is valid)."""
    out = []
    label, kind = rec.get("label"), rec.get("kind")
    src, cpy = rec.get("source", ""), rec.get("copy", "")
    if src == cpy:
        out.append("copy equals source")
    if label == "equivalent":
        if kind not in EQUIVALENT_KINDS:
            out.append(f"unknown equivalent kind {kind!r}")
        if rec.get("flip") is not None or (nflips or 0) > 0 or rec.get("subtype") is not None:
            out.append("an equivalent pair has a flip or a subtype")
        if not rec.get("variants"):
            out.append("an equivalent pair without a variant")
    elif label == "flip":
        if kind not in FLIP_KINDS:
            out.append(f"unknown flip kind {kind!r}")
        elif rec.get("subtype") != FLIP_KINDS[kind]:
            out.append(f"flip kind {kind} needs subtype {FLIP_KINDS[kind]}, got {rec.get('subtype')!r}")
        f = rec.get("flip")
        if f is None or (nflips is not None and nflips != 1):
            out.append("a flip pair needs exactly one {{source|copy}} change")
        else:
            if cpy[f["copy_start"]:f["copy_end"]] != f["copy_text"]:
                out.append("flip copy offsets do not hold copy_text")
            if src[f["source_start"]:f["source_end"]] != f["source_text"]:
                out.append("flip source offsets do not hold source_text")
            if f["copy_text"] == f["source_text"]:
                out.append("flip changes nothing")
    else:
        out.append(f"unknown label {label!r}")
    for v in rec.get("variants", []):
        c0, c1, s0, s1 = v
        if not (0 <= c0 <= c1 <= len(cpy) and 0 <= s0 <= s1 <= len(src)):
            out.append(f"variant span {v} out of range")
        elif cpy[c0:c1] == src[s0:s1]:
            out.append(f"variant {src[s0:s1]!r} changes nothing")
    if "  " in src or "  " in cpy or src != src.strip() or cpy != cpy.strip():
        out.append("double or edge spaces (an empty variant next to a space?)")
    return out


def load(path: Path = PAIRS) -> list[dict[str, Any]]:
    """The records of pairs.jsonl."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def dumps(records: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)


# ---------------------------------------------------------------------------- scoring

def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    if a0 == a1:  # an empty span: a point, one character of slack
        return b0 <= a0 + 1 and a0 - 1 <= b1
    return a0 < b1 and b0 < a1


def judge(rec: dict[str, Any], changes: Sequence[Any]) -> dict[str, Any]:
    """Outcome of one pair given diff's changes (objects with kind, subtype and spans)."""
    facts = [c for c in changes if c.kind == "fact"]
    if rec["label"] == "equivalent":
        return {"ok": not facts, "facts": len(facts)}
    f = rec["flip"]

    def covers(c: Any) -> bool:
        return (_overlap(f["copy_start"], f["copy_end"], c.copy_start, c.copy_end)
                or (c.source_end > c.source_start
                    and _overlap(f["source_start"], f["source_end"], c.source_start, c.source_end)))

    cov = [c for c in facts if covers(c)]
    return {"covered": bool(cov), "subtype_right": any(c.subtype == rec["subtype"] for c in cov),
            "subtypes": sorted({c.subtype for c in cov}), "other_facts": len(facts) - len(cov)}


def _share(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def evaluate(records: Sequence[dict[str, Any]], differ: Callable[[str, str], Any] | None = None,
             examples: int = 0) -> dict[str, Any]:
    """Run diff over every pair and compute the figures."""
    if differ is None:
        from unspin.differ import diff

        def differ(copy: str, source: str) -> Any:
            return diff(copy, source).changes

    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    eq = eq_ok = fl = cov = sub = clean = 0
    fails: list[str] = []
    for rec in records:
        changes = differ(rec["copy"], rec["source"])
        j = judge(rec, changes)
        k = by_kind[f"{rec['label']}:{rec['kind']}"]
        k["pairs"] += 1
        if rec["label"] == "equivalent":
            eq += 1
            eq_ok += j["ok"]
            k["ok"] += j["ok"]
            if not j["ok"] and len(fails) < examples:
                got = [f"{c.subtype}: {c.source_text!r}->{c.copy_text!r}" for c in changes if c.kind == "fact"]
                fails.append(f"{rec['id']} ({rec['kind']}) false fact: {'; '.join(got)}")
        else:
            fl += 1
            cov += j["covered"]
            sub += j["subtype_right"]
            clean += j["other_facts"] == 0
            k["ok"] += j["covered"]
            k["subtype_right"] += j["subtype_right"]
            if not j["subtype_right"] and len(fails) < examples:
                f = rec["flip"]
                what = f"as {','.join(j['subtypes'])}" if j["covered"] else "missed"
                fails.append(f"{rec['id']} ({rec['kind']}) {f['source_text']!r}->{f['copy_text']!r} {what}")
    kinds = {}
    for name, k in sorted(by_kind.items()):
        row: dict[str, Any] = {"pairs": k["pairs"], "ok": _share(k["ok"], k["pairs"])}
        if name.startswith("flip:"):
            row["subtype_right"] = _share(k["subtype_right"], k["pairs"])
        kinds[name] = row
    out: dict[str, Any] = {
        "pairs": len(records), "equivalent": eq, "flips": fl,
        "equivalent_no_fact": _share(eq_ok, eq),
        "flip_covered": _share(cov, fl),
        "flip_subtype_right": _share(sub, fl),
        "flip_clean": _share(clean, fl),
        "kinds": kinds,
    }
    if examples:
        out["failures"] = fails
    return out


def table(res: dict[str, Any]) -> str:
    lines = [f"contrast set: {res['pairs']} pairs ({res['equivalent']} equivalent, {res['flips']} flips)", ""]
    for key in ("equivalent_no_fact", "flip_covered", "flip_subtype_right", "flip_clean"):
        tgt = TARGETS.get(key)
        lines.append(f"{key:<22} {res[key]!s:>7}" + (f"   target >= {tgt}" if tgt else ""))
    lines += ["", f"{'kind':<26} {'pairs':>5} {'ok':>7} {'subtype':>8}"]
    for name, row in res["kinds"].items():
        lines.append(f"{name:<26} {row['pairs']:>5} {row['ok']!s:>7} {row.get('subtype_right', '')!s:>8}")
    lines.append("(ok: no fact change for an equivalent pair; flipped words covered by a fact change for a flip)")
    for f in res.get("failures", []):
        lines.append("  " + f)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- gate

def gate_metrics() -> dict[str, float]:
    """The contrast-set figures for benchmarks/gate.py (in-repository data, a few seconds)."""
    res = evaluate(load())
    return {f"contrast_{k}": float(res[k]) for k in ("equivalent_no_fact", "flip_covered",
                                                      "flip_subtype_right", "flip_clean")}


#: The set is fixed and diff is deterministic: the three target figures are pinned exactly
#: (a drop of one pair fails); the harmless variants around flips get room for three pairs.
GATE_MARGINS = {"contrast_equivalent_no_fact": 0.0, "contrast_flip_covered": 0.0,
                "contrast_flip_subtype_right": 0.0, "contrast_flip_clean": 0.03}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--build", action="store_true", help="rewrite pairs.jsonl from pairs.src")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--examples", type=int, default=0, help="list this many failures")
    a = ap.parse_args(argv)
    if a.build:
        try:
            recs = build()
        except ContrastError as err:
            print(f"eval_contrast: {err}", file=sys.stderr)
            return 2
        PAIRS.write_text(dumps(recs), encoding="utf-8")
        print(f"wrote {len(recs)} pairs to {PAIRS.relative_to(BENCH.parent)}")
        return 0
    res = evaluate(load(), examples=a.examples)
    print(json.dumps(res, indent=1, ensure_ascii=False) if a.json else table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
