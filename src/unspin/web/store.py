"""Results and jobs of the web app, kept in one SQLite file under ``--data``.

A result (a check, a trace, a diff, an extraction) gets a random id and stays reachable at
``/r/{id}`` (permanent links). A job (adding to the index, a scan) has a row with its status
and progress; the uploaded input it works on sits in ``DATA/uploads/``.

Retention (``prune``): results older than ``keep_days`` are deleted, and beyond
``max_results`` the oldest go first; finished jobs older than ``keep_days`` are deleted with
their scan output. The server prunes at start and then after every ``PRUNE_EVERY`` results
stored, so the file stays bounded whatever the traffic.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from unspin.errors import OutputError

__all__ = ["Store"]

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, created REAL NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, created REAL NOT NULL,
  updated REAL NOT NULL, spec TEXT NOT NULL, progress TEXT NOT NULL, message TEXT);
CREATE INDEX IF NOT EXISTS results_created ON results(created);
"""
PRUNE_EVERY = 500  # results stored between two prunes

JOB_STATES = ("queued", "running", "done", "failed", "interrupted")


def new_id(nbytes: int = 9) -> str:
    """A random URL-safe id (72 bits: not guessable, so links can be shared selectively)."""
    return secrets.token_urlsafe(nbytes)


class Store:
    """Thread-safe access to ``results.sqlite`` (one connection, a lock around it)."""

    def __init__(self, data: Path, keep_days: float = 0.0, max_results: int = 0):
        """``keep_days``/``max_results``: the retention policy (0: no limit)."""
        self.data = data
        self.keep_days, self.max_results = keep_days, max_results
        self._since_prune = 0
        try:
            data.mkdir(parents=True, exist_ok=True)
            (data / "uploads").mkdir(exist_ok=True)
            self.conn = sqlite3.connect(str(data / "results.sqlite"), check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(_SCHEMA)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise OutputError(f"cannot use the data directory ({exc})", input=str(data),
                              hint="pass a writable directory with --data") from None
        self.lock = threading.Lock()

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # ------------------------------------------------------------------ results
    def put_result(self, kind: str, body: dict[str, Any]) -> str:
        rid = new_id()
        with self.lock, self.conn:
            self.conn.execute("INSERT INTO results(id, kind, created, body) VALUES (?, ?, ?, ?)",
                              (rid, kind, time.time(), json.dumps(body, ensure_ascii=False)))
            self._since_prune += 1
            due = self._since_prune >= PRUNE_EVERY
        if due:
            self.prune()
        return rid

    def prune(self, now: float | None = None) -> dict[str, int]:
        """Apply the retention policy; returns how many results and jobs were deleted."""
        now = time.time() if now is None else now
        gone = {"results": 0, "jobs": 0}
        old_jobs: list[str] = []
        with self.lock, self.conn:
            self._since_prune = 0
            if self.keep_days > 0:
                cutoff = now - self.keep_days * 86400
                gone["results"] += self.conn.execute("DELETE FROM results WHERE created < ?", (cutoff,)).rowcount
                old_jobs = [r[0] for r in self.conn.execute(
                    "SELECT id FROM jobs WHERE updated < ? AND status IN ('done', 'failed')", (cutoff,))]
                self.conn.executemany("DELETE FROM jobs WHERE id = ?", [(j,) for j in old_jobs])
                gone["jobs"] = len(old_jobs)
            if self.max_results > 0:
                gone["results"] += self.conn.execute(
                    "DELETE FROM results WHERE id IN (SELECT id FROM results ORDER BY created DESC, id "
                    "LIMIT -1 OFFSET ?)", (self.max_results,)).rowcount
        for jid in old_jobs:  # a scan job's output folder goes with it
            folder = self.data / "scans" / jid
            if folder.is_dir():
                import shutil

                shutil.rmtree(folder, ignore_errors=True)
        if gone["results"] or gone["jobs"]:
            log.info("retention: deleted %d results and %d jobs", gone["results"], gone["jobs"])
        return gone

    def get_result(self, rid: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.conn.execute("SELECT body FROM results WHERE id = ?", (rid,)).fetchone()
        return json.loads(row[0]) if row else None

    def delete_result(self, rid: str) -> bool:
        with self.lock, self.conn:
            cur = self.conn.execute("DELETE FROM results WHERE id = ?", (rid,))
        return cur.rowcount > 0

    def count_results(self) -> int:
        with self.lock:
            return int(self.conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    # ------------------------------------------------------------------ jobs
    def new_job(self, kind: str, spec: dict[str, Any]) -> str:
        jid = new_id()
        now = time.time()
        with self.lock, self.conn:
            self.conn.execute("INSERT INTO jobs(id, kind, status, created, updated, spec, progress, message) "
                              "VALUES (?, ?, 'queued', ?, ?, ?, '{}', NULL)",
                              (jid, kind, now, now, json.dumps(spec)))
        return jid

    def update_job(self, jid: str, *, status: str | None = None, progress: dict[str, Any] | None = None,
                   message: str | None = None) -> None:
        sets: list[str] = ["updated = ?"]
        args: list[Any] = [time.time()]
        if status is not None:
            sets.append("status = ?")
            args.append(status)
        if progress is not None:
            sets.append("progress = ?")
            args.append(json.dumps(progress))
        if message is not None:
            sets.append("message = ?")
            args.append(message)
        with self.lock, self.conn:
            self.conn.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", (*args, jid))

    def get_job(self, jid: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.conn.execute("SELECT id, kind, status, created, updated, spec, progress, message "
                                    "FROM jobs WHERE id = ?", (jid,)).fetchone()
        return _job(row) if row else None

    def list_jobs(self, limit: int = 50, statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        q = "SELECT id, kind, status, created, updated, spec, progress, message FROM jobs"
        args: list[Any] = []
        if statuses:
            q += f" WHERE status IN ({','.join('?' * len(statuses))})"
            args.extend(statuses)
        q += " ORDER BY created DESC LIMIT ?"
        args.append(limit)
        with self.lock:
            rows = self.conn.execute(q, args).fetchall()
        return [_job(r) for r in rows]


def _job(row: tuple[Any, ...]) -> dict[str, Any]:
    return {"id": row[0], "kind": row[1], "status": row[2], "created": _iso(row[3]),
            "updated": _iso(row[4]), "spec": json.loads(row[5]), "progress": json.loads(row[6]),
            "message": row[7]}


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
