"""Issue 15's probes, each run as the real CLI in a subprocess: exit status, message, wall
time and peak memory (the child's ``ru_maxrss``), against the 500 MB ceiling. The first
probe (one short text) is the floor: start-up and imports, paid by every other probe.

Inputs are made on the fly in a temporary directory (bombs are small on disk: gzip members
repeated); a local HTTP server on 127.0.0.1 plays the hostile web server.

    .venv/bin/python benchmarks/probes.py [--only NAME,...] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MiB = 1 << 20
BODY = ("The harbour board said about 1,200 ships called last year, up from 900 the year "
        "before, and that the new quay would open in May after two years of building work.")
RU = "Северная Корея направила войска в Россию, сообщили южнокорейские официальные лица. " * 3


def rec(i: int) -> bytes:
    return json.dumps({"id": f"r{i}", "text": f"{BODY} Record {i}."}).encode() + b"\n"


def members(chunk: bytes, times: int) -> bytes:
    return gzip.compress(chunk, 9) * times


@dataclass
class Probe:
    name: str
    make: Callable[[Path, str], list[str]]  # (dir, server url) -> CLI arguments
    codes: tuple[int, ...]
    expect: str = ""  # in stderr (or stdout when it starts with "out:")
    result: dict[str, object] = field(default_factory=dict)


def _w(d: Path, name: str, data: bytes) -> str:
    (d / name).write_bytes(data)
    return str(d / name)


def _warc_gzip_body(d: Path) -> str:
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    body = c.compress(b"<p>") + b"".join(c.compress(b" " * MiB) for _ in range(1024)) + c.flush()
    http_ = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + body
    rec_ = (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\n"
            b"Content-Length: " + str(len(http_)).encode() + b"\r\n\r\n" + http_ + b"\r\n\r\n")
    return _w(d, "bomb.warc.gz", gzip.compress(rec_, 1))


def _long_text(d: Path, chars: int, name: str) -> str:
    unit = "Officials in district {i} said about 1,200 people left; some {j}% returned.\n"
    parts, n, i = [], 0, 0
    while n < chars:
        s = unit.format(i=i, j=i % 90)
        parts.append(s)
        n += len(s)
        i += 1
    return _w(d, name, "".join(parts)[:chars].encode())


def _damaged_index(d: Path) -> str:
    corpus = d / "c.jsonl"
    corpus.write_bytes(b"".join(rec(i) for i in range(300)))
    db = d / "bad.unspin"
    subprocess.run([sys.executable, "-m", "unspin", "index", "add", "--no-progress", "--db", str(db),
                    str(corpus)], capture_output=True, check=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    page = 65536 if page == 1 else page  # SQLite stores a 64 KiB page size as 1
    for off in range(2 * page, len(data) - page, 3 * page):
        data[off:off + 64] = b"\xa5" * 64
    db.write_bytes(bytes(data))
    return str(db)


def _fifo(d: Path) -> str:
    p = d / "pipe.txt"
    os.mkfifo(p)
    return str(p)


PROBES = [
    Probe("floor: extract one short text", lambda d, u: ["extract", "--json", _w(
        d, "short.txt", BODY.encode())], (0,), "out:harbour board"),
    Probe("jsonl.gz: 10 GiB of newlines", lambda d, u: ["extract", "--json", _w(
        d, "nl.jsonl.gz", gzip.compress(rec(1)) + members(b"\n" * MiB, 10 * 1024))], (2,),
        "compression bomb"),
    Probe("jsonl.gz: one 1 GiB line", lambda d, u: ["extract", "--json", _w(
        d, "line.jsonl.gz", gzip.compress(rec(1)) + gzip.compress(b'{"text": "')
        + members(b"a" * MiB, 1024) + gzip.compress(b'"}\n') + gzip.compress(rec(3)))], (2,),
        "compression bomb"),
    Probe("csv.gz: one 1 GiB line", lambda d, u: ["extract", "--json", _w(
        d, "line.csv.gz", gzip.compress(b"id,text\n1,first row\n2,") + members(b"a" * MiB, 1024)
        + gzip.compress(b"\n3,third row\n"))], (2,), "compression bomb"),
    Probe("warc: 1 GiB Content-Encoding gzip body", lambda d, u: ["extract", "--json",
                                                                  _warc_gzip_body(d)],
          (1, 2), "decompresses to more than"),
    Probe("jsonl: one 50 MB record", lambda d, u: ["index", "add", "--no-progress", "--db",
                                                   str(d / "ix.unspin"), _w(
        d, "big.jsonl", rec(1) + b'{"text": "' + b"word " * (10 * MiB) + b'"}\n' + rec(3))],
          (1,), "longer than"),
    Probe("text: 40,000 numbers", lambda d, u: ["extract", "--json", _w(
        d, "nums.txt", " ".join(str(i) for i in range(40000)).encode())], (0,)),
    Probe("text: 19 MB", lambda d, u: ["extract", "--json", _long_text(d, 19 * 10**6, "19mb.txt")],
          (2,), "max_article_chars"),
    Probe("check: 500,000-character article (the cap)", lambda d, u: [
        "check", "--json", _long_text(d, 499_000, "500k.txt")], (0,)),
    Probe("jsonl: lone surrogate and deep nesting", lambda d, u: [
        "index", "add", "--no-progress", "--db", str(d / "iso.unspin"), _w(
            d, "iso.jsonl", rec(1) + b'{"text": "a \\ud800 b"}\n'
            + b'{"text": "x", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n" + rec(4))],
          (1,), "surrogate"),
    Probe("url: loopback without --allow-private", lambda d, u: ["extract", f"{u}/page"], (2,),
          "loopback"),
    Probe("url: redirect to ftp://", lambda d, u: ["--allow-private", "extract", f"{u}/to-ftp"],
          (2,), "only http"),
    Probe("url: 1 byte/s with --timeout 5", lambda d, u: ["--allow-private", "extract",
                                                          "--timeout", "5", f"{u}/drip"],
          (2,), "timed out after 5 s"),
    Probe("url: body shorter than Content-Length", lambda d, u: ["--allow-private", "extract",
                                                                 f"{u}/short"], (2,),
          "truncated transfer"),
    Probe("url: gzip response bomb", lambda d, u: ["--allow-private", "extract", f"{u}/gzip-bomb"],
          (2,), "compression bomb"),
    Probe("text: cp1251 Russian", lambda d, u: ["extract", "--json", _w(
        d, "ru1251.txt", RU.encode("cp1251"))], (0,), "out:Северная"),
    Probe("text: KOI8-R Russian", lambda d, u: ["extract", "--json", _w(
        d, "rukoi.txt", RU.encode("koi8-r"))], (0,), "out:Северная"),
    Probe("text: UTF-16 Russian, no BOM", lambda d, u: ["extract", "--json", _w(
        d, "ru16.txt", RU.encode("utf-16-le"))], (0,), "out:Северная"),
    Probe("text: GBK Chinese", lambda d, u: ["extract", "--json", _w(
        d, "zh.txt", ("朝鲜向俄罗斯派遣了军队，韩国官员周一表示。" * 3).encode("gbk"))], (0,),
          "out:朝鲜"),
    Probe("index: damaged, check", lambda d, u: ["index", "check", "--db", _damaged_index(d)],
          (1,), "damaged index"),
    Probe("index: damaged, add", lambda d, u: ["index", "add", "--no-progress", "--db",
                                               _damaged_index(d), _w(d, "one.txt", BODY.encode())],
          (2,), "refused for writing"),
    Probe("fifo without writer (--timeout 2)", lambda d, u: ["extract", "--timeout", "2", _fifo(d)],
          (2,), "no writer"),
    Probe("html: article in 100k nested divs", lambda d, u: ["extract", "--json", _w(
        d, "deep.html", ("<html><body>" + "<div>" * 100_000 + f"<article><p>{BODY}</p></article>"
                         + "</div>" * 100_000 + "</body></html>").encode())], (0,),
          "out:harbour board"),
    Probe("terminal: escape sequences in text", lambda d, u: ["extract", _w(
        d, "evil.txt", f"{BODY} \x1b]0;pwned\x07 \x1b[2J evil\u202eexe.txt".encode())], (0,),
          "out:\\u001b]0;pwned"),
    Probe("diff --html out.json", lambda d, u: ["diff", _w(d, "a.txt", BODY.encode()),
                                                _w(d, "b.txt", BODY.replace("May", "June").encode()),
                                                "--html", str(d / "out.json")], (2,),
          "cannot be written to a .json"),
]


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/to-ftp":
            return self._send(302, {"Location": "ftp://example.org/x"}, b"")
        if self.path == "/short":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(f"<html><body><p>{BODY}</p>".encode())
            self.close_connection = True
            return None
        if self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            return None
        if self.path == "/gzip-bomb":
            return self._send(200, {"Content-Type": "application/x-ndjson",
                                    "Content-Encoding": "gzip"},
                              gzip.compress(rec(1)) + members(b"\n" * MiB, 1024))
        return self._send(200, {"Content-Type": "text/html"}, f"<p>{BODY}</p>".encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


def run(probe: Probe, d: Path, url: str) -> dict[str, object]:
    args = probe.make(d, url)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out_p, err_p = d / "stdout", d / "stderr"
    t0 = time.monotonic()
    with open(out_p, "wb") as out, open(err_p, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "unspin", *args], stdout=out, stderr=err,
                                env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    secs = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    out_s = out_p.read_text("utf-8", "replace")
    err_s = err_p.read_text("utf-8", "replace")
    where = out_s if probe.expect.startswith("out:") else err_s
    want = probe.expect.removeprefix("out:")
    peak = usage.ru_maxrss / 1024
    ok = code in probe.codes and want in where and peak <= 500 and "Traceback" not in err_s
    last = (err_s.strip().splitlines() or [""])[-1][:160]
    return {"probe": probe.name, "ok": ok, "exit": code, "seconds": round(secs, 1),
            "peak_mb": round(peak), "stderr": last}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated substrings of probe names")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    rows = []
    try:
        for probe in PROBES:
            if a.only and not any(s in probe.name for s in a.only.split(",")):
                continue
            with tempfile.TemporaryDirectory(prefix="unspin-probe-") as tmp:
                row = run(probe, Path(tmp), url)
            rows.append(row)
            if not a.json:
                print(f"{'ok ' if row['ok'] else 'BAD'} {row['probe']:42} exit {row['exit']}  "
                      f"{row['seconds']:>6} s  {row['peak_mb']:>4} MB  {row['stderr']}", flush=True)
    finally:
        httpd.shutdown()
    if a.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
    sys.exit(0 if all(r["ok"] for r in rows) else 1)


if __name__ == "__main__":
    main()
