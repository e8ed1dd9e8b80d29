"""Does any tracked file of the repository hold a run of third-party text?

The repository must never contain the BBC texts, the seed page or the real-world pages in
``../shared`` (they are for development and evaluation only). This script collects every run of
``--words`` consecutive words (default 12; lower-cased, punctuation dropped) of those texts and
looks for them in every file ``git ls-files`` lists. It prints one line per hit (file, line, the
run) and exits 1 when there is any, 0 when there is none, 2 when ``../shared`` is missing.

    .venv/bin/python scripts/third_party_runs.py [--shared ../shared] [--words 12] [--repo .]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def third_party_texts(shared: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every third-party text in ``shared``."""
    for p in sorted((shared / "seed").glob("*.txt")):
        yield p.name, p.read_text(encoding="utf-8", errors="replace")
    rw = shared / "data" / "realworld-dev"
    for name in ("pairs", "clean", "rewritten"):
        path = rw / f"{name}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if "text" in rec:
                yield f"{name}:{rec['id']}", rec["text"]
            for side in ("copy", "source"):
                if isinstance(rec.get(side), dict):
                    yield f"{name}:{rec['id']}:{side}", rec[side]["text"]
    bbc = shared / "data" / "bbc-dev.jsonl.gz"
    if bbc.exists():
        with gzip.open(bbc, "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                yield f"bbc:{rec['id']}", f"{rec.get('title', '')}\n{rec['text']}"


def runs(words: list[str], n: int) -> Iterator[tuple[int, tuple[str, ...]]]:
    for i in range(len(words) - n + 1):
        yield i, tuple(words[i:i + n])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--words", type=int, default=12)
    ap.add_argument("--repo", type=Path, default=ROOT, help="the git work tree to check (default: this one)")
    a = ap.parse_args(argv)
    if not a.shared.is_dir():
        print(f"{a.shared}: no such folder (the third-party texts to look for live there)", file=sys.stderr)
        return 2
    seen: dict[tuple[str, ...], str] = {}
    for name, text in third_party_texts(a.shared):
        for _, run in runs(_words(text), a.words):
            seen.setdefault(run, name)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=a.repo, capture_output=True, check=True).stdout
    hits = 0
    checked = 0
    for rel in files.decode().split("\0"):
        path = a.repo / rel
        if not rel or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary
        checked += 1
        text = data.decode("utf-8", errors="replace")
        found = [(m.start(), m.group().lower().replace("’", "'")) for m in _WORD.finditer(text)]
        words = [w for _, w in found]
        last_line = 0
        for i, run in runs(words, a.words):  # runs may cross line breaks (wrapped prose)
            if run in seen:
                lineno = text.count("\n", 0, found[i][0]) + 1
                if lineno != last_line:
                    hits += 1
                    last_line = lineno
                    print(f"{rel}:{lineno}: {' '.join(run)!r} (from {seen[run]})")
    print(f"{checked} tracked text files, {len(seen):,} third-party runs of {a.words} words: "
          f"{hits} hit(s)", file=sys.stderr)
    return 1 if hits else 0


if __name__ == "__main__":
    raise SystemExit(main())
