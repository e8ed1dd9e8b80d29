"""Jobs of `unspin serve`: checkpoint at shutdown, resume at the next start; access log."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the [web] extra")
pytest.importorskip("multipart", reason="needs the [web] extra")

from unspin.index import Index  # noqa: E402
from unspin.web.engine import Engine  # noqa: E402
from unspin.web.jobs import JobRunner  # noqa: E402
from unspin.web.store import Store  # noqa: E402


def _records(n: int) -> list[dict[str, Any]]:
    return [{"id": f"r{k}", "title": f"Council report {k}", "site": "council.example",
             "text": f"The harbour council met for session {k} and voted on item {k * 7}. "
                     f"Members discussed the budget of {k * 1000} euros for the old port."} for k in range(n)]


def _wait(store: Store, jid: str, states: tuple[str, ...], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = store.get_job(jid)
        assert job is not None
        if job["status"] in states or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_a_stopped_job_keeps_its_batches_and_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recs = _records(250)
    store = Store(tmp_path / "data")
    (store.data / "uploads" / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    db = tmp_path / "ix.unspin"
    engine = Engine(db)
    runner = JobRunner(store, engine)
    real_read = Engine.read

    def read_then_stop(path: Path, on_error: Any, kind: str | None = None) -> Iterator[Any]:
        for k, art in enumerate(real_read(path, on_error, kind)):
            if k == 230:  # shutdown arrives after the first batch of 200 was committed
                runner._stop.set()
            yield art

    monkeypatch.setattr(Engine, "read", staticmethod(read_then_stop))
    runner.start()
    jid = runner.submit("index", {"files": [{"path": "c.jsonl", "name": "c.jsonl", "kind": "jsonl"}], "urls": []})
    job = _wait(store, jid, ("interrupted", "done", "failed"))
    runner.stop()
    assert job["status"] == "interrupted", job
    assert job["progress"]["added"] == 200 and "resumes" in job["message"]
    assert (store.data / "uploads" / "c.jsonl").exists()
    with Index.open(db, readonly=True) as ix:
        assert len(ix) == 200
    # next start: the job is picked up again and completes the index
    monkeypatch.setattr(Engine, "read", staticmethod(real_read))
    runner2 = JobRunner(store, engine)
    runner2.start()
    job = _wait(store, jid, ("done", "failed"))
    runner2.stop()
    assert job["status"] == "done" and job["progress"]["added"] == 50 and job["progress"]["skipped"] == 200, job
    assert not (store.data / "uploads" / "c.jsonl").exists()  # kept while the job could resume, then removed
    with Index.open(db, readonly=True) as ix:
        assert len(ix) == 250
    store.close()


def test_a_bad_upload_fails_the_job_with_a_message(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    (store.data / "uploads" / "bad.jsonl").write_text('{"id": "a", "text": "ok text here"}\n{not json\n')
    runner = JobRunner(store, Engine(tmp_path / "ix.unspin"))
    runner.start()
    jid = runner.submit("index", {"files": [{"path": "bad.jsonl", "name": "bad.jsonl", "kind": "jsonl"}],
                                  "urls": ["http://127.0.0.1/private"]})
    job = _wait(store, jid, ("done", "failed"))
    runner.stop()
    assert job["status"] == "done" and job["progress"]["added"] == 1
    assert job["progress"]["errors"] == 2
    msgs = " ".join(job["progress"]["errors_seen"])
    assert "bad.jsonl:2" in msgs and "127.0.0.1" in msgs and "loopback" in msgs
    store.close()


def test_access_log_is_one_json_line_per_request(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    from webutil import make_app

    with TestClient(make_app(tmp_path)) as c, caplog.at_level(logging.INFO, logger="unspin.web.access"):
        r = c.get("/api/health?x=1")
    lines = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "unspin.web.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET" and line["path"] == "/api/health" and line["status"] == 200
    assert line["id"] == r.headers["x-request-id"] and line["bytes"] == len(r.content) and line["ms"] >= 0


def test_a_crawl_scanned_as_a_job_opens_as_a_dashboard(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from webutil import ROOT, make_app, wait_job

    crawl = ROOT / "samples" / "crawl" / "crawl.jsonl.gz"
    if not crawl.exists():
        pytest.skip("the bundled sample crawl is not in this tree")
    with TestClient(make_app(tmp_path, index=False)) as c:
        r = c.post("/api/v1/jobs/scan/upload", files={"file": ("crawl.jsonl.gz", crawl.read_bytes())})
        assert r.status_code == 202, r.text
        job = wait_job(c, r.json()["id"], timeout=300)
        assert job["status"] == "done", job
        assert job["progress"]["clusters"] >= 1 and job["progress"]["copies"] >= 1
        assert job["progress"]["done"] == job["progress"]["total"] == 6  # six stages, a determinate bar
        assert 'max="6" value="6"' in c.get(f"/jobs/{job['id']}").text
        key = f"job-{job['id']}"
        assert job["links"]["result"] == f"/scans/{key}"
        assert key in {s["id"] for s in c.get("/scans.json").json()["scans"]}
        tables = c.get(f"/scans/{key}.json").json()
        assert tables["sites"] and tables["clusters"] and not [p for p in tables["problems"] if "missing" in p]
        page = c.get(f"/scans/{key}").text
        assert "Largest clusters" in page and tables["sites"][0]["site"] in page
        assert c.get(f"/jobs/{job['id']}").text.count(f"/scans/{key}") >= 1
        reports = [m["report"] for cl in tables["clusters"] for m in cl["members"] if m.get("report")]
        assert reports and f'/scans/{key}/{reports[0]}' in page
        rep = c.get(f"/scans/{key}/{reports[0]}")
        assert rep.status_code == 200 and rep.headers["content-security-policy"].startswith("sandbox")
        twin = c.get(f"/scans/{key}/{reports[0][:-5]}.json")
        assert twin.status_code == 200 and "changes" in twin.json()
        assert c.get(f"/scans/{key}/copies/..%2Fsites.csv").status_code == 404


def test_unspin_serve_starts_logs_and_stops_gracefully(tmp_path: Path) -> None:
    import signal
    import socket
    import subprocess
    import sys

    import httpx

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "unspin", "serve", "--port", str(port), "--data",
                             str(tmp_path / "data"), "--db", str(tmp_path / "ix.unspin")],
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["index"]["articles"] == 0
        # loopback binding answers loopback names only
        assert httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": "evil.example"}).status_code == 421
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    out = (tmp_path / "server.log").read_text()
    access = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [a["path"] for a in access][-2:] == ["/api/health", "/"] and access[-1]["status"] == 421
    assert "shutting down" in out and "Traceback" not in out


def test_catalog_follows_the_index_incrementally_and_after_a_rebuild(tmp_path: Path) -> None:
    from unspin.ingest import from_text
    from unspin.web.engine import Engine

    def arts(ids: range, site: str) -> Iterator[Any]:
        for k in ids:
            yield from_text(f"The harbour council met for session {k} and voted on item {k}.", id=f"a{k}",
                            title=f"Council session {k}", site=site, published=f"2025-0{1 + k % 3}-10")

    db = tmp_path / "ix.unspin"
    with Index.open(db, create=True) as ix:
        ix.add(arts(range(10), "one.example"))
    eng = Engine(db, catalog=tmp_path / "catalog.sqlite")
    page = eng.browse()
    assert page["total"] == 10 and {f["value"] for f in page["facets"]["site"]} == {"one.example"}
    assert eng.browse(q="session 7")["total"] == 1 and eng.browse(q="%")["total"] == 0
    assert eng.browse(month="2025-02")["total"] == 3
    with Index.open(db) as ix:  # more articles: the catalog picks up the new ones
        ix.add(arts(range(10, 15), "two.example"))
    assert eng.browse()["total"] == 15 and eng.browse(site="two.example")["total"] == 5
    assert eng.index_stats()["sites"] == 2  # type: ignore[index]
    for suffix in ("", "-wal", "-shm"):  # the index is replaced by another one
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with Index.open(db, create=True) as ix:
        ix.add(arts(range(100, 103), "three.example"))
    eng2 = Engine(db, catalog=tmp_path / "catalog.sqlite")
    page = eng2.browse()
    assert page["total"] == 3 and [f["value"] for f in page["facets"]["site"]] == ["three.example"]


def test_verdict_facet_filled_by_a_check_job(tmp_path: Path) -> None:
    """The corpus browser's verdict facet: "unchecked" until a verdicts job spin-checks the
    articles (token-guarded write), then spun/unsure/clean, each a filter; a determinate bar."""
    from fastapi.testclient import TestClient

    from webutil import index_samples, make_app, wait_job

    auth = {"Authorization": "Bearer s3cret"}
    with TestClient(make_app(tmp_path, token="s3cret")) as c:
        index_samples(c, headers=auth)
        b = c.get("/api/v1/index").json()["browse"]
        n = b["total"]
        assert b["facets"]["verdict"] == [{"value": "unchecked", "count": n}]
        assert c.post("/api/v1/jobs/verdicts", json={}).status_code == 401
        r = c.post("/api/v1/jobs/verdicts", json={"limit": 5}, headers=auth)
        assert r.status_code == 202, r.text
        job = wait_job(c, r.json()["id"], timeout=240)
        assert job["status"] == "done" and job["progress"]["done"] == job["progress"]["total"] == 5, job
        page = c.get(f"/jobs/{job['id']}").text
        assert 'max="5" value="5"' in page and "5 of 5 articles" in page
        facet = {f["value"]: f["count"] for f in c.get("/api/v1/index").json()["browse"]["facets"]["verdict"]}
        assert facet["unchecked"] == n - 5 and sum(facet.values()) == n
        assert set(facet) - {"unchecked"} <= {"spun", "unsure", "clean"} and len(facet) >= 2
        for v, k in facet.items():
            arts = c.get("/api/v1/index", params={"verdict": v, "limit": 200}).json()["browse"]
            assert arts["total"] == k and all(a["verdict"] == v for a in arts["articles"])
        html = c.get("/corpus", headers=auth).text
        assert "Verdict (spin check)" in html and "verdict=unchecked" in html and "/corpus/check" in html


def test_retention_prunes_old_and_surplus_results_and_old_jobs(tmp_path: Path) -> None:
    """Stored results and finished jobs are bounded: older than keep_days, or beyond
    max_results (oldest first), they are deleted, with a scan job's output folder."""
    store = Store(tmp_path / "data", keep_days=30, max_results=3)
    day = 86400.0
    now = time.time()
    ids = [store.put_result("check", {"k": k}) for k in range(5)]
    with store.conn:
        store.conn.execute("UPDATE results SET created = ? WHERE id = ?", (now - 40 * day, ids[0]))
        for k, rid in enumerate(ids[1:], 1):
            store.conn.execute("UPDATE results SET created = ? WHERE id = ?", (now - k, rid))
    old_job, new_job, running = (store.new_job("scan", {}) for _ in range(3))
    for jid, status, age in ((old_job, "done", 40), (new_job, "done", 1), (running, "running", 40)):
        store.update_job(jid, status=status)
        with store.conn:
            store.conn.execute("UPDATE jobs SET updated = ? WHERE id = ?", (now - age * day, jid))
        (tmp_path / "data" / "scans" / jid).mkdir(parents=True)
    gone = store.prune(now)
    assert gone == {"results": 2, "jobs": 1}
    # the one past 30 days, then the oldest beyond 3
    assert store.get_result(ids[0]) is None and store.get_result(ids[4]) is None
    assert [store.get_result(r) for r in ids[1:4]] == [{"k": 1}, {"k": 2}, {"k": 3}]
    assert store.get_job(old_job) is None and not (tmp_path / "data" / "scans" / old_job).exists()
    assert store.get_job(new_job) is not None and store.get_job(running) is not None  # never a running job
    assert (tmp_path / "data" / "scans" / new_job).is_dir()
    assert Store(tmp_path / "data2").prune() == {"results": 0, "jobs": 0}  # 0: no limits


def test_request_handlers_read_the_index_read_only(tmp_path: Path) -> None:
    """Request threads get a read-only connection: a write through it fails; only the job
    runner writes (through ``Engine.add_articles``)."""
    import sqlite3
    import threading

    from unspin.ingest import from_text

    db = tmp_path / "ix.unspin"
    eng = Engine(db, catalog=None)
    assert eng.reader() is None  # no index yet: nothing to read, nothing created
    eng.add_articles(iter([from_text("The harbour council met and voted on the budget of the old port.",
                                     id="a1")]), lambda c: None)
    seen: list[BaseException | None] = []

    def handler() -> None:
        ix = eng.reader()
        assert ix is not None and len(ix) == 1
        try:
            ix.conn.execute("DELETE FROM articles")
            seen.append(None)
        except sqlite3.OperationalError as exc:
            seen.append(exc)

    t = threading.Thread(target=handler)
    t.start()
    t.join()
    assert seen and isinstance(seen[0], sqlite3.OperationalError) and "readonly" in str(seen[0]).replace("-", "")
    with Index.open(db, readonly=True) as ix:
        assert len(ix) == 1
