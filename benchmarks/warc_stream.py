"""Check that reading a large WARC keeps memory flat.

Usage::

    .venv/bin/python benchmarks/warc_stream.py [--gib 2] [--pages 200] [--keep PATH]

Writes a synthetic ``.warc.gz`` (one gzip member per record, as crawlers write them) with
``--gib`` GiB of uncompressed content: large non-HTML records (which the reader must skip in
chunks) interleaved with ``--pages`` small invented HTML articles, then reads it with
``unspin.ingest.read`` and reports the articles read, the time taken and the peak resident
memory before and after reading.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = """<html><head><title>Council notice {n}</title></head><body><article>
<h1>Council notice {n}</h1>
<p>The district council said on Tuesday that road works on street number {n} would start next
month and last about 3, 000 hours in total, spread over two years of evenings and weekends.</p>
<p>Residents were invited to a meeting at the town hall, where engineers will explain the
plan and answer questions about parking, deliveries and the bus diversion.</p>
</article></body></html>"""


def record(wtype: str, uri: str, block: bytes, ctype: str) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def write_warc(path: Path, gib: float, pages: int) -> int:
    blob_size = 32 << 20
    n_blobs = max(1, int(gib * (1 << 30) / blob_size))
    blob = gzip.compress(record("resource", "https://example.org/blob", b"\0" * blob_size,
                                "application/octet-stream"), compresslevel=1)
    every = max(1, n_blobs // max(1, pages))
    written = 0
    with open(path, "wb") as f:
        for i in range(max(n_blobs, pages)):
            if i < n_blobs:
                f.write(blob)
                written += blob_size
            if i % every == 0 or i >= n_blobs:
                if i // every < pages:
                    html = PAGE.format(n=i).encode()
                    resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
                    f.write(gzip.compress(record("response", f"https://example.org/{i}", resp,
                                                 "application/http; msgtype=response")))
    return written


def _read(path: Path) -> int:
    import trafilatura  # noqa: F401 (count the libraries in the baseline)

    from unspin.ingest import read

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    n = sum(1 for _ in read(str(path)))
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"read {n} articles in {elapsed:.0f} s; peak RSS {before:.0f} MiB after imports, "
          f"{after:.0f} MiB after reading")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gib", type=float, default=2.0)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--keep", type=Path, help="write the WARC here and keep it")
    ap.add_argument("--read", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.read:
        return _read(args.read)

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "big.warc.gz"
        t0 = time.perf_counter()
        raw = write_warc(path, args.gib, args.pages)
        print(f"wrote {path.stat().st_size / 1e6:.1f} MB compressed, {raw / (1 << 30):.2f} GiB "
              f"of record content in {time.perf_counter() - t0:.0f} s")
        # read in a fresh process so that writing the file does not count
        out = subprocess.run([sys.executable, __file__, "--read", str(path)], check=True,
                             capture_output=True, text=True).stdout
        print(out.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
