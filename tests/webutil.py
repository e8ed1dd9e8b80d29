"""Helpers shared by the web app's tests (test_web_*.py)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SUSPECT = (SAMPLES / "suspect.txt").read_text(encoding="utf-8")
RECORDS = [json.loads(line) for line in (SAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()
           if line.strip()]

PUBLIC_IP = "93.184.216.34"  # a public address: the stubbed resolver gives it to "news.test"
FAKE_DNS = {"news.test": [PUBLIC_IP], "localhost": ["127.0.0.1", "::1"], "intranet.test": ["10.20.30.40"],
            "metadata.test": ["169.254.169.254"], "mixed.test": [PUBLIC_IP, "192.168.1.10"]}


def fake_resolver(host: str, port: int) -> list[str]:
    if host not in FAKE_DNS:
        raise OSError(f"stub resolver: unknown host {host}")
    return FAKE_DNS[host]


def make_app(tmp: Path, *, index: bool = True, fetch_port: int | None = None, **kw: Any) -> Any:
    """An app over tmp/: index tmp/ix.unspin (created by the first job), data in tmp/data.

    Its URL fetcher resolves names with ``fake_resolver``; with ``fetch_port`` every
    connection to the public test address goes to 127.0.0.1:fetch_port (a local server)
    instead, so redirects and pages can be served without a network.
    """
    from unspin.netpolicy import SafeFetcher
    from unspin.web import create_app
    from unspin.web.app import ServeConfig

    def connector(addr: str, port: int, timeout: float) -> socket.socket:
        if fetch_port is not None and addr == PUBLIC_IP:
            return socket.create_connection(("127.0.0.1", fetch_port), timeout=timeout)
        raise OSError(f"test connector: no network (asked for {addr}:{port})")

    fetcher = SafeFetcher(resolver=fake_resolver, connector=connector, timeout=5, total_timeout=10)
    kw.setdefault("rate_per_minute", 0)
    cfg = ServeConfig(db=tmp / "ix.unspin" if index else None, data=tmp / "data", fetcher=fetcher, **kw)
    return create_app(cfg)


def wait_job(client: Any, jid: str, timeout: float = 60.0, headers: dict[str, str] | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/v1/jobs/{jid}", headers=headers or {}).json()
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def index_samples(client: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = client.post("/api/v1/jobs/index", json={"articles": RECORDS}, headers=headers or {})
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], headers=headers)
    assert job["status"] == "done", job
    return job


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802
        status, headers, body = self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def local_site(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[int]:
    """A throwaway HTTP server on 127.0.0.1 serving ``routes`` (path -> status, headers, body)."""
    handler = type("H", (_Handler,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        t.join(5)


def write_scan(folder: Path, hostile: str = "") -> Path:
    """A small scan output folder in the format of issue 12 (articles.jsonl, sites.csv, report.html)."""
    folder.mkdir(parents=True, exist_ok=True)
    arts = [
        {"url": "https://wire.example/a", "site": "wire.example", "title": "Original story", "published": "2025-03-14",
         "cluster": 1, "role": "original"},
        {"url": "https://farm.example/a", "site": "farm.example", "title": "Spun copy" + hostile,
         "published": "2025-03-15", "cluster": 1, "role": "copy", "source_url": "https://wire.example/a",
         "copied_from_url": "https://wire.example/a", "delay_hours": 20.5, "verdict": "distorted",
         "spin_share": 0.31, "fact_changes": 3},
        {"url": "javascript:alert(1)", "site": "mirror.example", "title": "Mirror", "published": "2025-03-14",
         "cluster": 1, "role": "copy", "copied_from_url": "https://wire.example/a", "delay_hours": 2,
         "verdict": "verbatim", "spin_share": 0.0, "fact_changes": 0},
    ]
    (folder / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a in arts), encoding="utf-8")
    (folder / "sites.csv").write_text(
        "site,articles,originals,copies,copy_rate,spun_rate,distortion_rate,median_delay_hours\n"
        "wire.example,1,1,0,0,0,0,\nfarm.example,1,0,1,1,1,1,20.5\nmirror.example,1,0,1,1,0,0,2\n", encoding="utf-8")
    (folder / "report.html").write_text("<!DOCTYPE html><title>scan report</title><h1>Scan report</h1>"
                                        "<script>document.title='pwned'</script>", encoding="utf-8")
    return folder
