"""Speed of ``unspin.diff`` on one core: CPU milliseconds per diff of an ~800-word copy (issues 6, 16).

Picks development articles of 700 to 900 words, spins each at a 35% swap rate with
``unspin.synth``, reads copy and source with ``ingest.from_text`` once, then times
``diff(copy, source)`` (alignment, token diff, classification, summary). Falls back to the
in-repo samples (two joined) without the development corpus. Three figures, CPU time of the
process (``time.process_time``, less disturbed by other load than the wall clock):

- ``first``: the first diff of a fresh process (a pair not among the timed ones), resource
  loading included: what a one-document command pays;
- ``steady``: every pair diffed once, in order, after the first: what remembered word-level
  decisions give across different pairs, without this pair's own (the figure a scan of many
  different pages sees);
- ``repeat``: the same pair again, best of ``--repeat`` (until session 4 the only figure: this
  pair's own remembered decisions help; a scan judging many copies of one source sees some of this).

Also the time including ``ingest.from_text`` of both texts (once per pair, after ``repeat``).

    .venv/bin/python benchmarks/bench_diff.py [--articles 30] [--repeat 5]
    .venv/bin/python benchmarks/bench_diff.py --compare /tmp/main-src --rounds 5   # ratios to other code, same run
    .venv/bin/python benchmarks/bench_diff.py --compare pure --rounds 5            # mypyc build vs its .py files
    .venv/bin/python benchmarks/bench_diff.py --compare A --compare B --rounds 6   # three codes, order rotated

``--compare SRC`` runs ``--rounds`` fresh processes of this code and of the code in ``SRC`` (a
``src`` folder, e.g. from ``git archive main``) alternately on the same pairs (written once to
``--pairs``) and reports per-pair minima over the rounds, medians over the pairs, and the ratios.
``--src SRC`` times the code in ``SRC`` in this process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup_path(src: str | None) -> None:
    """``src`` (else this checkout's) first on the path; this checkout's ``src`` also last, so
    that ``benchmarks/common.py`` does not put it first."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, src or str(ROOT / "src"))
    sys.path.append(str(ROOT / "src"))


def make_pairs(n: int) -> list[tuple[str, str, str]]:
    """(copy text, source text, source id) for ``n`` ~800-word pairs (plus one warm-up pair last)."""
    from common import BBC
    from eval_diff import SAMPLES, load_jsonl
    from unspin.ingest import from_text
    from unspin.synth import spin

    if BBC.exists():
        arts = [x for x in load_jsonl(BBC) if 700 <= len(x.text.split()) <= 900][: n + 1]
    else:
        s = load_jsonl(SAMPLES)
        arts = [from_text(s[i].text + "\n" + s[i + 1].text, id=f"{s[i].id}+{s[i + 1].id}")
                for i in range(0, len(s) - 1, 2)][: n + 1]
    out = []
    for k, src in enumerate(arts):
        c = spin(src, seed=k, swap_rate=0.35)
        out.append((c.text, src.text, src.id))
    return out[1:] + out[:1]  # the first article warms up, as before session 5


_FLOOR_TOKEN = re.compile(r"\w+(?:[-'\u2019.,]\w+)*|[^\w\s]")


def floor_diff(ctext: str, stext: str) -> list[tuple[str, str, str]]:
    """The floor of a word diff, for the ratio ``steady / floor`` (issue 16 puts it at ~2 ms an
    800-word pair on its machine): tokenise both texts with one regular expression, map the
    lower-cased tokens to ids, take rapidfuzz's C word-level edit script (``Indel.opcodes``)
    and cut each changed stretch out of both texts. No sentences, no alignment, no judgement."""
    from rapidfuzz.distance import Indel

    ids: dict[str, int] = {}
    ct = [(m.start(), m.end(), ids.setdefault(m.group().lower(), len(ids))) for m in _FLOOR_TOKEN.finditer(ctext)]
    st = [(m.start(), m.end(), ids.setdefault(m.group().lower(), len(ids))) for m in _FLOOR_TOKEN.finditer(stext)]
    out = []
    for tag, i0, i1, j0, j1 in Indel.opcodes([t[2] for t in ct], [t[2] for t in st]):
        if tag != "equal":
            out.append((tag, ctext[ct[i0][0]:ct[i1 - 1][1]] if i1 > i0 else "",
                        stext[st[j0][0]:st[j1 - 1][1]] if j1 > j0 else ""))
    return out


def run(pairs: list[tuple[str, str, str]], repeat: int, contextual: bool) -> dict[str, Any]:
    """Time this process's ``unspin`` on ``pairs`` (the last one is the warm-up)."""
    try:
        from unspin.differ import diff
    except ImportError:  # code from before the stage modules were renamed (e.g. 2413414, issue 16's start)
        import importlib

        diff = importlib.import_module("unspin.diff").diff  # (a name only that code has)
    from unspin.ingest import from_text

    kw = {"contextual": True} if contextual else {}
    arts = [(from_text(c), from_text(s, id=sid)) for c, s, sid in pairs]
    c0 = time.process_time()
    diff(*arts[-1], **kw)  # the first diff of the process: loads thesaurus, vectors, WordNet
    first = time.process_time() - c0
    steady, rep, with_ingest, floor = [], [], [], []
    for (ctext, stext, _), (ca, sa) in zip(pairs, arts[:-1], strict=False):
        c0 = time.process_time()
        floor_diff(ctext, stext)
        floor.append(time.process_time() - c0)
        c0 = time.process_time()
        diff(ca, sa, **kw)
        steady.append(time.process_time() - c0)
    for (ctext, stext, sid), (ca, sa) in zip(pairs, arts[:-1], strict=False):
        best = float("inf")
        for _ in range(repeat):
            c0 = time.process_time()
            diff(ca, sa, **kw)
            best = min(best, time.process_time() - c0)
        rep.append(best)
        c0 = time.process_time()
        diff(from_text(ctext), from_text(stext, id=sid), **kw)
        with_ingest.append(time.process_time() - c0)
    import unspin

    return {"code": str(Path(unspin.__file__).parent), "compiled": list(getattr(unspin, "COMPILED_MODULES", ())),
            "first": first, "steady": steady, "repeat": rep, "floor": floor,
            "with_ingest": with_ingest, "words": [len(p[0].split()) for p in pairs[:-1]]}


def _ms(xs: list[float]) -> dict[str, float]:
    s = sorted(xs)
    return {"median": round(1000 * statistics.median(s), 2), "p90": round(1000 * s[int(0.9 * (len(s) - 1))], 2)}


def summary(res: dict[str, Any], corpus: str, contextual: bool) -> dict[str, Any]:
    return {"corpus": corpus, "contextual": contextual, "copies": len(res["steady"]),
            "copy_words_median": statistics.median(res["words"]), "code": res["code"], "compiled": res["compiled"],
            "first_diff_cpu_ms": round(1000 * res["first"], 1),
            "steady_cpu_ms": _ms(res["steady"]), "repeat_cpu_ms": _ms(res["repeat"]),
            "with_ingest_cpu_ms": _ms(res["with_ingest"]), "floor_cpu_ms": _ms(res["floor"]),
            "steady_to_floor": round(statistics.median(res["steady"]) / statistics.median(res["floor"]), 2)}


def compare(a: argparse.Namespace, pairs_file: Path) -> dict[str, Any]:
    """Fresh processes of this code and of each ``--compare`` code in turn (the order rotated
    every round); per-pair minima over the rounds. With one other code its report is ``other``
    (as before), with more ``other1``, ``other2``, ..."""
    others = a.compare
    names = ["other"] if len(others) == 1 else [f"other{k + 1}" for k in range(len(others))]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    codes, envs = {"this": str(ROOT / "src")}, {"this": env}
    for name, src in zip(names, others, strict=True):
        pure = src == "pure"  # this code with its mypyc-compiled modules set aside
        codes[name] = str(ROOT / "src") if pure else src
        envs[name] = dict(env, UNSPIN_PURE_PYTHON="1") if pure else env
    order = ["this", *names]
    got: dict[str, list[dict[str, Any]]] = {name: [] for name in order}
    for r in range(a.rounds):
        for name in order[r % len(order):] + order[:r % len(order)]:
            out = subprocess.run([sys.executable, __file__, "--child", "--pairs", str(pairs_file),
                                  "--repeat", str(a.repeat), "--src", codes[name]]
                                 + (["--contextual"] if a.contextual else []),
                                 check=True, capture_output=True, text=True, env=envs[name]).stdout
            got[name].append(json.loads(out))
    report: dict[str, Any] = {"rounds": a.rounds, "repeat": a.repeat, "load": round(os.getloadavg()[0], 1)}
    for name, runs in got.items():
        per = {k: [min(r[k][i] for r in runs) for i in range(len(runs[0][k]))]
               for k in ("steady", "repeat", "with_ingest", "floor")}
        report[name] = {"code": runs[0]["code"], "compiled": runs[0]["compiled"], "first_diff_cpu_ms": round(1000 * min(r["first"] for r in runs), 1),
                        **{f"{k}_cpu_ms": _ms(v) for k, v in per.items()},
                        "steady_to_floor": round(statistics.median(per["steady"]) / statistics.median(per["floor"]), 2),
                        "repeat_to_floor": round(statistics.median(per["repeat"]) / statistics.median(per["floor"]), 2)}
    for name in names:
        ratio = {k: round(report["this"][k]["median"] / report[name][k]["median"], 3)
                 for k in ("steady_cpu_ms", "repeat_cpu_ms", "with_ingest_cpu_ms")}
        ratio["first_diff_cpu_ms"] = round(report["this"]["first_diff_cpu_ms"] / report[name]["first_diff_cpu_ms"], 3)
        report["ratio_this_to_" + name] = ratio
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--contextual", action="store_true",
                    help="diff(..., contextual=True): also run the MiniLM check on swaps with no lexical link")
    ap.add_argument("--pairs", type=Path, default=None, help="read the pairs from this JSONL, or write them there")
    ap.add_argument("--src", default=None, help="time the unspin package in this src folder")
    ap.add_argument("--compare", action="append", default=None,
                    help="also time the code in this src folder, alternately ('pure': this code's pure-Python "
                    "modules, UNSPIN_PURE_PYTHON=1); may be given more than once")
    ap.add_argument("--rounds", type=int, default=5, help="fresh processes per code with --compare")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    _setup_path(a.src)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    from common import BBC

    corpus = "bbc-dev" if BBC.exists() else "samples (pairs joined)"
    if a.src and not (a.pairs is not None and a.pairs.exists()):
        ap.error("--src needs an existing --pairs file (the pairs are made by this checkout's code)")
    if a.pairs is not None and a.pairs.exists():
        pairs = [tuple(json.loads(x)) for x in a.pairs.read_text(encoding="utf-8").splitlines()]
    else:
        pairs = make_pairs(a.articles)
        if a.pairs is not None:
            a.pairs.write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    if a.child:
        print(json.dumps(run(pairs, a.repeat, a.contextual)))  # type: ignore[arg-type]
        return
    if a.compare:
        with tempfile.TemporaryDirectory() as d:
            pf = a.pairs or Path(d) / "pairs.jsonl"
            if not pf.exists():
                pf.write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
            print(json.dumps({"corpus": corpus, "copies": len(pairs) - 1, **compare(a, pf)}, indent=1))
        return
    print(json.dumps(summary(run(pairs, a.repeat, a.contextual), corpus, a.contextual), indent=1))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
