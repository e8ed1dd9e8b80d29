"""The index survives ``kill -9`` during ``index add`` and serves trace while being written.

Two drills on an invented corpus (``--articles`` records, seeded):

- *kill cycles*: ``unspin index add --batch B`` is started and killed with SIGKILL a random
  (seeded) delay after it first commits a batch, ``--cycles`` times; after every kill ``unspin index check`` must say
  ok and the article count may only grow; a last uninterrupted run must complete the corpus.
  Once an index is complete the next cycles start a new one (``-1`` in the counts), so
  every kill lands in an ``add`` that is writing.
- *concurrent add/trace*: one process adds the corpus while this one opens the index
  read-only and traces articles in a loop; every trace must succeed (no "locked", no
  "damaged") and find its source once it is committed.

The test suite runs the short form (tests/test_index_crash.py); the long form is

    .venv/bin/python benchmarks/index_crash.py [--cycles 20] [--articles 3000] [--seconds 20]
        [--delay 0 1.5] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

_WORDS = ("harbour council budget school road river bridge farmer market police hospital "
          "station museum festival ferry mayor report storm flood village factory train "
          "airport library teacher nurse doctor court judge minister election").split()


def make_corpus(path: Path, n: int, seed: int = 7) -> list[dict[str, str]]:
    """``n`` invented articles of ~120 words as JSONL at ``path``."""
    rng = random.Random(seed)
    recs = []
    for i in range(n):
        words = [rng.choice(_WORDS) for _ in range(120)]
        for k in range(0, 120, 12):
            words[k] = words[k].capitalize()
            words[k + 11] += "."
        recs.append({"id": f"a{i}", "title": f"Story {i}",
                     "text": f"Story {i} with {rng.randint(2, 9999):,} people. " + " ".join(words)})
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return recs


def _unspin(*args: str) -> list[str]:
    return [sys.executable, "-m", "unspin", *args]


def _count(db: Path) -> int:
    from unspin.index import Index

    with Index.open(db, readonly=True) as ix:
        return len(ix)


def _count_or_zero(db: Path) -> int:
    from unspin.errors import UnspinError

    try:
        return _count(db)
    except UnspinError:
        return 0


def kill_cycles(db: Path, corpus: Path, n_articles: int, cycles: int, seed: int = 1,
                batch: int = 20, delay: tuple[float, float] = (0.0, 1.5), jobs: int = 1) -> dict[str, Any]:
    """SIGKILL ``index add`` ``cycles`` times; check after each kill; finish the corpus."""
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    counts: list[int] = []
    problems = []
    monotonic = True
    base = db
    for c in range(cycles):
        if counts and counts[-1] == n_articles:  # complete: kill the next add on a new index
            db = base.with_name(f"{base.stem}-{c}{base.suffix}")
            counts.append(-1)  # marks the restart in the list
        proc = subprocess.Popen(_unspin("index", "add", "--db", str(db), "--no-progress",
                                        "--batch", str(batch), "--jobs", str(jobs), str(corpus)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        # kill once this run has committed something (a rerun first re-reads what is
        # indexed, which takes long on a loaded machine), after a random extra delay
        before = counts[-1] if counts and counts[-1] >= 0 else 0
        t_end = time.monotonic() + 120
        while time.monotonic() < t_end and proc.poll() is None:
            if db.exists() and _count_or_zero(db) > before:
                break
            time.sleep(0.2)
        time.sleep(rng.uniform(*delay))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
        if not db.exists():
            counts.append(0)
            continue
        chk = subprocess.run(_unspin("index", "check", "--db", str(db), "--json"),
                             capture_output=True, text=True, env=env)
        report = json.loads(chk.stdout) if chk.stdout.strip() else {"ok": False,
                                                                    "problems": [chk.stderr]}
        if chk.returncode != 0 or not report["ok"]:
            problems.append(f"cycle {c}: {report['problems']}")
        n = _count(db)
        if counts and counts[-1] > n:
            monotonic = False
        counts.append(n)
    done = subprocess.run(_unspin("index", "add", "--db", str(db), "--no-progress", "--json",
                                  str(corpus)), capture_output=True, text=True, env=env)
    final = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr}
    return {"cycles": cycles, "counts_after_kills": counts, "monotonic": monotonic,
            "problems": problems, "final": final,
            "complete": final.get("articles") == n_articles}


def concurrent_add_trace(db: Path, corpus: Path, recs: list[dict[str, str]], seconds: float,
                         batch: int = 20) -> dict[str, Any]:
    """Trace in a loop while another process adds the corpus."""
    import unspin
    from unspin.index import Index, IndexMissingError

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(_unspin("index", "add", "--db", str(db), "--no-progress",
                                    "--batch", str(batch), str(corpus)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    traces = found = 0
    errors: list[str] = []
    t_end = time.monotonic() + seconds
    rng = random.Random(3)
    try:
        while time.monotonic() < t_end and (proc.poll() is None or traces < 5):
            if not db.exists() or db.stat().st_size == 0:
                time.sleep(0.05)
                continue
            rec = recs[rng.randrange(len(recs))]
            words = rec["text"].split(" ")
            copy = " ".join("changed" if k % 9 == 8 else w for k, w in enumerate(words))
            try:
                with Index.open(db, readonly=True) as ix:
                    known = ix.get_by_id(rec["id"]) is not None
                    res = unspin.trace(copy, ix)
                traces += 1
                if known and res.sources and res.sources[0].id == rec["id"]:
                    found += 1
                elif known:
                    errors.append(f"{rec['id']} indexed but not found")
            except IndexMissingError:
                if traces:  # before the creating transaction commits there is no index yet
                    errors.append("index vanished after it was read")
            except unspin.UnspinError as err:
                errors.append(str(err))
    finally:
        proc.wait(timeout=600)
    err_text = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        errors.append(f"index add exited {proc.returncode}: {err_text.strip()[-300:]}")
    return {"traces": traces, "found_when_indexed": found, "errors": errors[:10],
            "add_exit": proc.returncode}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--delay", type=float, nargs=2, default=(0.0, 1.5), metavar=("MIN", "MAX"),
                    help="seconds between a run's first new commit and its kill")
    ap.add_argument("--out", type=Path, default=Path("/tmp/unspin-index-crash"))
    ap.add_argument("--jobs", type=int, default=1, help="index add --jobs N in the kill cycles")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    corpus = a.out / "corpus.jsonl"
    recs = make_corpus(corpus, a.articles)
    for f in a.out.glob("*.unspin*"):
        f.unlink()
    t0 = time.monotonic()
    kill = kill_cycles(a.out / "kill.unspin", corpus, a.articles, a.cycles,
                       delay=(a.delay[0], a.delay[1]), jobs=a.jobs)
    kill["seconds"] = round(time.monotonic() - t0, 1)
    t0 = time.monotonic()
    conc = concurrent_add_trace(a.out / "conc.unspin", corpus, recs, a.seconds)
    conc["seconds"] = round(time.monotonic() - t0, 1)
    print(json.dumps({"kill_cycles": kill, "concurrent_add_trace": conc}, indent=1))
    ok = kill["monotonic"] and not kill["problems"] and kill["complete"] and not conc["errors"]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
