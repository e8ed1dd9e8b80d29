"""Peak memory of a process tree (Linux ``/proc``): the largest sum of the resident sets of a
process and all its descendants (``peak``; pages shared after ``fork`` counted in every
process) and of their proportional set sizes (``peak_pss``: shared pages split between the
processes that share them, so the memory the tree holds), sampled every ``interval`` seconds.

``ru_maxrss`` (and ``/usr/bin/time -v``) gives the largest single process; a scan with
``--jobs 2`` runs a main process and two workers, and Spark a JVM and its Python workers (not
children the JVM waits for), so the benchmarks report both figures.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d.name))
    return kids


def _tree(pid: int) -> list[int]:
    kids = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and its descendants now (a page shared by several processes,
    e.g. after ``fork``, is counted in each)."""
    total, page = 0, os.sysconf("SC_PAGE_SIZE")
    for p in _tree(pid):
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total


def tree_pss(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants now, in bytes: a page shared by k
    processes counts 1/k in each, so the sum is the memory the tree holds."""
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (OSError, IndexError, ValueError):
            pass
    return total


class PeakTree:
    """``with PeakTree(pid) as m: ...``; then ``m.peak`` (bytes)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval, self.peak, self.peak_pss = pid, interval, 0, 0
        self.peak_at = self.peak_pss_at = 0.0  # seconds after the start when each peak was seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss, now = tree_rss(self.pid), tree_pss(self.pid), time.monotonic() - self.t0
            if rss > self.peak:
                self.peak, self.peak_at = rss, round(now, 1)
            if pss > self.peak_pss:
                self.peak_pss, self.peak_pss_at = pss, round(now, 1)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakTree:
        self.t0 = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
