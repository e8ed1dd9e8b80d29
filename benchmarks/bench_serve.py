"""Load benchmark of `unspin serve`: N concurrent clients posting checks for S seconds.

Starts `unspin serve` on 127.0.0.1 (a free port, a temporary --data, rate limit off, no
access log) as a child process, warms it up with one request, then runs ``--clients``
threads that each POST ``/api/v1/check`` with an article of ``--words`` words (made from the
bundled invented samples) in a loop until ``--seconds`` have passed. Reports errors, p50/p95/
max latency, throughput, and the server's resident memory sampled every 2 s, next to the
floor measured in the same run (before and after the load; the mean): the engine's own
`check` of the same text, in process, one at a time (so the ratio shows what the HTTP
layer and the server's threads cost or gain). Loopback only; stops by itself
(the child is killed at the end or after a hard deadline).

    python benchmarks/bench_serve.py --clients 50 --seconds 60 --json out/bench_serve.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def article(words: int) -> str:
    recs = [json.loads(line) for line in (ROOT / "samples" / "articles.jsonl").read_text().splitlines() if line.strip()]
    suspect = (ROOT / "samples" / "suspect.txt").read_text().split("\nTrending")[0]
    parts = [suspect] + [r["text"] for r in recs]
    out: list[str] = []
    for p in parts:
        out.extend(p.split())
        if len(out) >= words:
            break
    return " ".join(out[:words])


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def floor(text: str, n: int) -> float:
    """Checks per second of the engine itself, in process, sequential (same text)."""
    from unspin.checker import check
    from unspin.ingest import from_text

    check(from_text(text))  # warm
    t0 = time.perf_counter()
    for _ in range(n):
        check(from_text(text))
    return n / (time.perf_counter() - t0)


def browse_bench(n: int) -> dict[str, float]:
    """Milliseconds of the corpus page's queries on an index of ``n`` invented articles
    (the bundled samples with a unique sentence, site and date each)."""
    from unspin.index import Index
    from unspin.ingest import from_text
    from unspin.web.engine import Engine

    recs = [json.loads(line) for line in (ROOT / "samples" / "articles.jsonl").read_text().splitlines() if line.strip()]
    db = Path(tempfile.mkdtemp(prefix="unspin-bench-browse-")) / "ix.unspin"

    def arts():  # type: ignore[no-untyped-def]
        for k in range(n):
            r = recs[k % len(recs)]
            yield from_text(f"{r['text']}\nFiled as item {k} by desk {k % 97}.", id=f"a{k}",
                            title=f"{r['title']} ({k})", site=f"site{k % 40}.example",
                            published=f"2025-{1 + k % 12:02d}-{1 + k % 28:02d}", quantities=False)

    t0 = time.perf_counter()
    with Index.open(db, create=True) as ix:
        ix.add(arts(), batch_size=2000)
    out = {"articles": n, "index_s": round(time.perf_counter() - t0, 1)}
    eng = Engine(db, catalog=db.parent / "catalog.sqlite")
    t0 = time.perf_counter()
    eng.browse()  # the first browse copies the article list into the catalog
    out["catalog_build_s"] = round(time.perf_counter() - t0, 1)
    for name, call in (("size", eng.index_size), ("stats", eng.index_stats), ("browse", eng.browse),
                       ("browse_title", lambda: eng.browse(q="border")),
                       ("browse_site", lambda: eng.browse(site="site7.example")),
                       ("browse_month", lambda: eng.browse(month="2025-03"))):
        call()  # warm the page cache
        t = time.perf_counter()
        for _ in range(3):
            call()
        out[f"{name}_ms"] = round(1000 * (time.perf_counter() - t) / 3, 1)
    shutil.rmtree(db.parent, ignore_errors=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--words", type=int, default=800)
    ap.add_argument("--floor-n", type=int, default=20, help="sequential in-process checks for the floor")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--browse-articles", type=int, default=0,
                    help="instead: time the corpus page's queries on an index of this many articles")
    args = ap.parse_args()
    if args.browse_articles:
        print(json.dumps(browse_bench(args.browse_articles), indent=1))
        return 0
    import httpx

    text = article(args.words)
    floor_rps = floor_before = floor(text, args.floor_n)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    data = Path(tempfile.mkdtemp(prefix="unspin-bench-serve-"))
    env = {**os.environ, "UNSPIN_TOKEN": ""}
    server_log = open(data / "server.log", "wb")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen([sys.executable, "-m", "unspin", "serve", "--port", str(port), "--data", str(data),
                             "--rate-limit", "0", "--no-access-log", "--timeout", "300"],
                            env=env, stdout=subprocess.DEVNULL, stderr=server_log)
    base = f"http://127.0.0.1:{port}"
    results: list[tuple[float, float, int]] = []  # (start offset, latency, status)
    mem: list[tuple[float, int]] = []
    lock = threading.Lock()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/health", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("server did not start: " + (data / "server.log").read_text()[-2000:]) from None
                time.sleep(0.2)
        r = httpx.post(base + "/api/v1/check", json={"text": text}, timeout=120)  # warm-up (loads resources)
        r.raise_for_status()
        mem.append((0.0, rss_kib(proc.pid)))
        t0 = time.monotonic()
        stop_at = t0 + args.seconds

        def client() -> None:
            with httpx.Client(timeout=300) as c:
                while time.monotonic() < stop_at:
                    s = time.monotonic()
                    try:
                        status = c.post(base + "/api/v1/check", json={"text": text}).status_code
                    except httpx.HTTPError:
                        status = -1
                    with lock:
                        results.append((s - t0, time.monotonic() - s, status))

        threads = [threading.Thread(target=client, daemon=True) for _ in range(args.clients)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            time.sleep(2)
            mem.append((time.monotonic() - t0, rss_kib(proc.pid)))
            if time.monotonic() > stop_at + 300:
                break  # hard stop: report what finished
        wall = time.monotonic() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        server_log.close()
    log_tail = (data / "server.log").read_text(errors="replace").splitlines()[-5:]
    shutil.rmtree(data, ignore_errors=True)
    # the machine is shared: measure the floor again after the load and use the mean of both
    floor_after = floor(text, args.floor_n)
    floor_rps = (floor_rps + floor_after) / 2
    ok = [lat for _, lat, st in results if st == 200]
    errors = sum(1 for _, _, st in results if st != 200)
    half = [m for t, m in mem if t >= args.seconds / 2]
    out = {
        "clients": args.clients, "seconds": args.seconds, "words": len(text.split()),
        "requests": len(results), "errors": errors, "wall_s": round(wall, 1),
        "throughput_rps": round(len(ok) / wall, 2),
        "p50_s": round(pct(ok, 0.5), 3), "p95_s": round(pct(ok, 0.95), 3), "max_s": round(max(ok, default=0), 3),
        "floor_inprocess_rps": round(floor_rps, 2), "floor_before_after_rps": [round(floor_before, 2), round(floor_after, 2)],
        "throughput_vs_floor": round(len(ok) / wall / floor_rps, 3),
        "rss_mib_after_warmup": round(mem[0][1] / 1024, 1),
        "rss_mib_second_half_min_max": [round(min(half) / 1024, 1), round(max(half) / 1024, 1)] if half else None,
        "rss_mib_max": round(max(m for _, m in mem) / 1024, 1),
        "rss_mib_samples": [[round(t, 1), round(m / 1024, 1)] for t, m in mem],
        "cpu_count": os.cpu_count(), "loadavg_1min_at_end": round(os.getloadavg()[0], 2),
        "server_log_tail": log_tail,
    }
    print(json.dumps({k: v for k, v in out.items() if k != "rss_mib_samples"}, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1) + "\n")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
