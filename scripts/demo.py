"""The README's first command: run unspin end to end on the bundled sample data.

Called by ``python3 run.py demo`` inside the project's virtual environment. Every step is a
plain ``unspin`` command, printed before it runs, so a reader can repeat any of them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out"
UNSPIN = Path(sys.executable).parent / "unspin"


def step(title: str, *args: str) -> None:
    print(f"\n=== {title}", flush=True)
    print("$ unspin " + " ".join(args), flush=True)
    rc = subprocess.run([str(UNSPIN), *args], cwd=ROOT).returncode
    if rc != 0:
        raise SystemExit(f"demo step failed with exit code {rc}: unspin {' '.join(args)}")


def main() -> int:
    OUT.mkdir(exist_ok=True)
    db = OUT / "demo.db"
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        p.unlink(missing_ok=True)
    suspect = "samples/suspect.txt"
    step("1. Check: does the suspect page read as machine-spun? (no source needed)",
         "check", suspect)
    step("2. Index the bundled articles (invented wire reports)",
         "index", "add", "--db", str(db.relative_to(ROOT)), "samples/articles.jsonl")
    step("3. Trace the suspect to its source and list what the rewrite changed",
         "trace", "--db", str(db.relative_to(ROOT)), suspect,
         "--html", "out/report.html")
    scan_out = OUT / "scan"
    step("4. Scan a small crawl (bundled, invented): who copied whom, how, with what changes",
         "scan", "samples/crawl/crawl.warc.gz", "--out", str(scan_out.relative_to(ROOT)), "--restart")
    print(f"\nTrace report: {OUT / 'report.html'} (open it in a browser); JSON twin: {OUT / 'report.json'}")
    print(f"Scan dashboard: {scan_out / 'report.html'}; JSON twin: {scan_out / 'report.json'}; "
          f"tables: {scan_out / 'articles.jsonl'}, {scan_out / 'sites.csv'}, {scan_out / 'scan.sqlite'}")
    if shutil.which("xdg-open") is None:
        print("(this machine has no desktop; copy the file to one to view it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
