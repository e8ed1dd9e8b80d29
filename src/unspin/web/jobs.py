"""Background jobs of the web app: one runner thread, the index's only writer.

Jobs run one at a time in submission order. Adding to the index commits every batch, so a
job stopped at shutdown keeps what it committed: it is marked ``interrupted`` (a checkpoint:
the counts so far) and queued again at the next start, where already indexed articles are
skipped. Jobs that were queued or running when the server died are picked up the same way.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from unspin.errors import InputError, UnspinError
from unspin.index import AddCounts
from unspin.models import Article
from unspin.web.engine import Engine
from unspin.web.store import Store

log = logging.getLogger(__name__)

__all__ = ["JobRunner"]

PROGRESS_EVERY = 25  # articles between progress updates while reading
SCAN_STAGES = ("read", "candidates", "verify", "graph", "judge", "write")  # a scan job's progress steps
VERDICTS_MAX = 5000  # articles one "verdicts" job checks at most (another job does the rest)
VERDICTS_BATCH = 25  # articles between stored verdicts and progress updates


class _Stopped(Exception):
    pass


class JobRunner:
    """Runs queued jobs in a worker thread; ``stop()`` checkpoints the running one."""

    def __init__(self, store: Store, engine: Engine):
        self.store = store
        self.engine = engine
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current: str | None = None

    def start(self) -> None:
        for job in reversed(self.store.list_jobs(limit=1000, statuses=("queued", "running", "interrupted"))):
            log.info("resuming job %s (%s)", job["id"], job["status"])
            self.store.update_job(job["id"], status="queued")
            self._queue.put(job["id"])
        self._thread = threading.Thread(target=self._loop, name="unspin-jobs", daemon=True)
        self._thread.start()

    def submit(self, kind: str, spec: dict[str, Any]) -> str:
        jid = self.store.new_job(kind, spec)
        self._queue.put(jid)
        return jid

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the running job to stop at its next article, wait for its last commit."""
        self._stop.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def idle(self) -> bool:
        return self.current is None and self._queue.empty()

    # ------------------------------------------------------------------ worker
    def _loop(self) -> None:
        while not self._stop.is_set():
            jid = self._queue.get()
            if jid is None or self._stop.is_set():
                break
            job = self.store.get_job(jid)
            if job is None or job["status"] not in ("queued",):
                continue
            self.current = jid
            try:
                self._run(job)
            except Exception as exc:  # a job must never kill the runner
                log.exception("job %s failed", jid)
                self.store.update_job(jid, status="failed", message=f"internal error: {type(exc).__name__}: {exc}")
            finally:
                self.current = None

    def _run(self, job: dict[str, Any]) -> None:
        jid = job["id"]
        self.store.update_job(jid, status="running")
        if job["kind"] == "index":
            self._run_index(jid, job["spec"], job["progress"])
        elif job["kind"] == "scan":
            self._run_scan(jid, job["spec"])
        elif job["kind"] == "verdicts":
            self._run_verdicts(jid, job["spec"])
        else:
            self.store.update_job(jid, status="failed", message=f"unknown job kind {job['kind']!r}")
        after = self.store.get_job(jid)
        if after is not None and after["status"] in ("done", "failed"):
            # a finished job needs its uploads no more (an interrupted one resumes from them)
            for f in job["spec"].get("files", []):
                (self.store.data / "uploads" / f["path"]).unlink(missing_ok=True)

    def _run_scan(self, jid: str, spec: dict[str, Any]) -> None:
        """``unspin scan`` over the uploads. A scan keeps its own resumable state in its
        folder: a job cut short by a shutdown is run again at the next start and continues."""
        try:
            from unspin.scan import scan
        except ImportError as exc:
            self.store.update_job(jid, status="failed", message=f"scanning is not available ({exc})")
            return
        inputs = [str(self.store.data / "uploads" / f["path"]) for f in spec.get("files", [])]
        out = scan_folder(self.store.data, jid)
        self.store.update_job(jid, progress={"inputs": len(inputs), "stage": "starting", "done": 0,
                                             "total": len(SCAN_STAGES)})

        def on_stage(stage: str) -> None:
            done = SCAN_STAGES.index(stage) if stage in SCAN_STAGES else 0
            self.store.update_job(jid, progress={"inputs": len(inputs), "stage": stage, "done": done,
                                                 "total": len(SCAN_STAGES)})

        try:
            summary = scan(inputs, out, progress=False, on_stage=on_stage)
        except UnspinError as err:
            self.store.update_job(jid, status="failed", message=str(err))
            return
        verdicts = ", ".join(f"{v} {k}" for k, v in sorted(summary.verdicts.items()))
        self.store.update_job(jid, status="done", progress={"inputs": len(inputs), "inputs_done": len(inputs),
                                                            "stage": "done", "done": len(SCAN_STAGES),
                                                            "total": len(SCAN_STAGES),
                                                            "read": summary.pages, "pages": summary.pages,
                                                            "clusters": summary.clusters, "copies": summary.copies},
                              message=f"{summary.pages} pages, {summary.clusters} clusters, {summary.copies} "
                                      f"copies ({verdicts or 'none'})")

    def _run_verdicts(self, jid: str, spec: dict[str, Any]) -> None:
        """Spin-check the indexed articles without a verdict (at most ``spec["limit"]``), for
        the corpus browser's verdict facet. A job stopped at shutdown keeps the verdicts of
        its finished batches and is resumed (it picks up the articles still unchecked)."""
        def on_batch(c: dict[str, int]) -> None:
            self.store.update_job(jid, progress={**c, "done": c["checked"]})

        try:
            c = self.engine.check_unchecked(int(spec.get("limit") or VERDICTS_MAX), VERDICTS_BATCH, on_batch,
                                            self._stop.is_set)
        except UnspinError as err:
            self.store.update_job(jid, status="failed", message=str(err))
            return
        if self._stop.is_set() and c["checked"] < c["total"]:
            self.store.update_job(jid, status="interrupted", message=f"stopped at shutdown after {c['checked']} "
                                  "articles; the job resumes at the next start")
            return
        got = ", ".join(f"{c[v]} {v}" for v in ("spun", "unsure", "clean", "failed") if c.get(v))
        self.store.update_job(jid, status="done", progress={**c, "done": c["checked"]},
                              message=f"{c['checked']} articles checked ({got or 'none'})")

    def _run_index(self, jid: str, spec: dict[str, Any], before: dict[str, Any]) -> None:
        errors: list[str] = []
        p: dict[str, Any] = {"inputs": len(spec.get("files", [])) + len(spec.get("urls", [])),
                             "inputs_done": 0, "read": 0, "added": 0, "skipped": 0, "failed": 0,
                             "errors": 0, "total": spec.get("estimate")}
        committed = AddCounts()

        def note(err: InputError) -> None:
            p["errors"] += 1
            if len(errors) < 20:
                errors.append(str(err))

        def articles() -> Iterator[Article]:
            for f in spec.get("files", []):
                path = self.store.data / "uploads" / f["path"]
                try:
                    for art in self.engine.read(path, note, kind=f.get("kind")):
                        if self._stop.is_set():
                            raise _Stopped
                        p["read"] += 1
                        if p["read"] % PROGRESS_EVERY == 0:
                            self.store.update_job(jid, progress={**p, "errors_seen": errors[-5:]})
                        yield art
                except UnspinError as err:
                    note(err if isinstance(err, InputError) else InputError(str(err), input=f["name"]))
                p["inputs_done"] += 1
            for url in spec.get("urls", []):
                if self._stop.is_set():
                    raise _Stopped
                try:
                    art = self.engine.read_url(url)
                except UnspinError as err:
                    note(err if isinstance(err, InputError) else InputError(str(err), input=url))
                else:
                    p["read"] += 1
                    yield art
                p["inputs_done"] += 1
                self.store.update_job(jid, progress={**p, "errors_seen": errors[-5:]})

        def on_batch(c: AddCounts) -> None:
            nonlocal committed
            committed = c
            p.update(added=c.added, skipped=c.skipped, failed=c.failed)
            self.store.update_job(jid, progress={**p, "errors_seen": errors[-5:]})

        try:
            self.engine.add_articles(articles(), on_batch)
        except _Stopped:
            # Index.add does not commit a batch cut short by an exception: what is kept is
            # every committed batch; the job reruns from the start at the next launch and
            # skips those.
            p.update(added=committed.added, skipped=committed.skipped, failed=committed.failed)
            self.store.update_job(jid, status="interrupted", progress={**p, "errors_seen": errors[-5:]},
                                  message=f"stopped at shutdown: {committed.added} added in committed "
                                          "batches are kept; the job resumes at the next start")
            return
        except UnspinError as err:
            self.store.update_job(jid, status="failed", progress={**p, "errors_seen": errors[-5:]},
                                  message=str(err))
            return
        self.store.update_job(jid, status="done", progress={**p, "errors_seen": errors[-5:]},
                              message=f"{p['added']} added, {p['skipped']} already indexed, "
                                      f"{p['failed'] + p['errors']} failed")


def scan_folder(data: Path, jid: str) -> Path:
    """Where the scan job ``jid`` writes its output (browsable at ``/scans/job-{jid}``)."""
    return data / "scans" / jid


def estimate_records(path: Path, kind: str | None) -> int | None:
    """Rough number of records in an upload (lines of JSONL/CSV), for the progress bar."""
    if kind not in ("jsonl", "csv"):
        return None
    try:
        with open(path, "rb") as fh:
            if fh.read(2) == b"\x1f\x8b":
                return None
            fh.seek(0)
            n = sum(1 for line in fh if line.strip())
    except OSError:
        return None
    return max(0, n - 1) if kind == "csv" else n
