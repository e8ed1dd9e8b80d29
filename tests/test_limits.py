"""Caps on decompression and record sizes: bombs are made on the fly, small on disk."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from unspin.cli import main
from unspin.ingest import read
from unspin.limits import LimitError, Limits, MiB

BODY = ("The council approved the new budget on Tuesday after a long debate about schools, "
        "roads and the library. Members said the plan would cost about 4,000 pounds more.")


def gzip_repeat(chunk: bytes, times: int) -> bytes:
    """gzip data that decompresses to ``chunk * times`` (concatenated members: ~1 KB per MiB)."""
    member = gzip.compress(chunk, compresslevel=9)
    return member * times


def record(i: int, text: str = BODY) -> bytes:
    return json.dumps({"id": f"r{i}", "text": f"{text} Item {i}."}).encode() + b"\n"


def test_newline_bomb_stops_at_ratio_cap(tmp_path: Path) -> None:
    """10 GiB of newlines in a ~10 MB .jsonl.gz: stopped by the ratio cap after 64 MiB."""
    p = tmp_path / "newlines.jsonl.gz"
    p.write_bytes(gzip.compress(record(1)) + gzip_repeat(b"\n" * MiB, 10 * 1024))
    assert p.stat().st_size < 12 * MiB
    got: list[str] = []
    t0 = time.process_time()
    with pytest.raises(LimitError) as exc:
        for art in read(str(p)):
            got.append(art.id)
    assert time.process_time() - t0 < 60  # bounded: ~64 MiB decompressed, not 10 GiB
    assert got == ["r1"]  # the record before the bomb was read
    assert exc.value.limit == "max_ratio"
    assert "compression bomb" in str(exc.value) and str(p) in str(exc.value)


def test_input_cap_counts_decompressed_bytes(tmp_path: Path) -> None:
    p = tmp_path / "big.jsonl.gz"
    p.write_bytes(gzip.compress(b"".join(record(i) for i in range(2000))))
    lim = Limits(max_input_bytes=50_000)
    with pytest.raises(LimitError) as exc:
        list(read(str(p), limits=lim))
    assert exc.value.limit == "max_input_bytes"
    assert "--max-input-bytes" in str(exc.value)
    # an uncompressed file on disk is not capped: its size is known
    q = tmp_path / "big.jsonl"
    q.write_bytes(gzip.decompress(p.read_bytes()))
    assert len(list(read(str(q), limits=lim))) == 2000


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".csv.gz"])
def test_huge_record_is_skipped_without_holding_it(tmp_path: Path, suffix: str) -> None:
    """A 64 MiB line between good records: reported as file:line, the rest read."""
    huge = b"a" * (64 * MiB)
    if suffix == ".csv.gz":
        head = b"id,text\n1,first good row\n"
        data = head + b"2," + huge + b"\n3,third good row\n"
    else:
        data = record(1) + b'{"id": "x", "text": "' + huge + b'"}\n' + record(3)
    p = tmp_path / f"huge{suffix}"
    p.write_bytes(gzip.compress(data, compresslevel=1))
    errors: list[Exception] = []
    # 'a' * 64 MiB compresses ~230x: past the bomb ratio, so that cap is lifted here
    lim = Limits(max_record_bytes=MiB, max_ratio=10_000)
    arts = list(read(str(p), on_error=errors.append, limits=lim))
    assert len(arts) == 2
    assert len(errors) == 1 and isinstance(errors[0], LimitError)
    assert errors[0].input == f"{p}:2" or errors[0].input == f"{p}:3"
    assert "longer than 1,048,576 bytes" in str(errors[0])


def _warc(records: list[tuple[str, bytes]]) -> bytes:
    out = b""
    for wtype, block in records:
        ctype = b"application/http; msgtype=response" if wtype == "response" else b"text/html"
        out += (b"WARC/1.0\r\nWARC-Type: " + wtype.encode() + b"\r\nWARC-Target-URI: http://x.test/\r\n"
                b"Content-Type: " + ctype + b"\r\nContent-Length: " + str(len(block)).encode()
                + b"\r\n\r\n" + block + b"\r\n\r\n")
    return out


def _page(body: str) -> bytes:
    return f"<html><head><title>t</title></head><body><article><p>{body}</p></article></body></html>".encode()


def test_warc_gzip_body_bomb_is_a_bad_record(tmp_path: Path) -> None:
    """A response whose Content-Encoding: gzip body inflates to 128 MiB (16x the cap)."""
    bomb = zlib.compressobj(1, zlib.DEFLATED, 31)
    body = bomb.compress(b"<p>") + b"".join(bomb.compress(b" " * MiB) for _ in range(128))
    body += bomb.flush()
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + body)
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + _page(BODY)
    p = tmp_path / "bomb.warc.gz"
    p.write_bytes(gzip.compress(_warc([("response", http), ("response", ok)])))
    errors: list[Exception] = []
    arts = list(read(str(p), on_error=errors.append))
    assert len(arts) == 1 and "council" in arts[0].text
    assert len(errors) == 1 and isinstance(errors[0], LimitError)
    assert errors[0].input == f"{p}#1"
    assert "decompresses to more than" in str(errors[0])


def test_warc_record_over_cap_is_reported(tmp_path: Path) -> None:
    big = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + _page("x " * 600_000)
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + _page(BODY)
    p = tmp_path / "big.warc"
    p.write_bytes(_warc([("response", big), ("response", ok)]))
    errors: list[Exception] = []
    arts = list(read(str(p), on_error=errors.append, limits=Limits(max_record_bytes=MiB)))
    assert len(arts) == 1
    assert [e.input for e in errors] == [f"{p}#1"]  # type: ignore[attr-defined]


def test_cli_names_the_cap_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.jsonl.gz"
    p.write_bytes(gzip.compress(b"".join(record(i) for i in range(2000))))
    code = main(["--max-input-bytes", "200000", "extract", "--json", str(p)])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert "U130" in lines[0] and str(p) in lines[0] and "max_input_bytes" in lines[0]
    assert out.count("\n") >= 1  # the records before the cap were printed


def test_cli_record_cap_skips_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.jsonl"
    p.write_bytes(record(1) + record(2, "long " * 5000) + record(3))
    code = main(["--max-record-bytes", "4096", "extract", "--json", str(p)])
    out, err = capsys.readouterr()
    assert code == 1
    assert len(out.strip().splitlines()) == 2
    assert f"{p}:2" in err and "max_record_bytes" in err


def test_bomb_peak_memory_in_a_subprocess(tmp_path: Path) -> None:
    """The whole CLI on a ratio bomb and on a 64 MiB line stays far under 500 MB.

    The child reports its own VmHWM (peak RSS of its address space) at exit: ``ru_maxrss``
    would also count the pages of the forking test process before ``exec``.
    """
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc/self/status for the child's peak memory")
    p = tmp_path / "mix.jsonl.gz"
    p.write_bytes(gzip.compress(record(1) + b'{"text": "' + b"b" * (64 * MiB) + b'"}\n' + record(3),
                                compresslevel=1)
                  + gzip_repeat(b"\n" * MiB, 1024))
    hwm = tmp_path / "hwm.txt"
    launcher = (
        "import atexit, re, sys\n"
        "from pathlib import Path\n"
        "def hwm():\n"
        "    kb = re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)\n"
        f"    Path({str(hwm)!r}).write_text(kb)\n"
        "atexit.register(hwm)\n"
        "from unspin.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    # 'b' * 64 MiB compresses past the bomb ratio: the input cap stops this one instead
    proc = subprocess.run([sys.executable, "-c", launcher, "--max-ratio", "100000",
                           "--max-input-bytes", str(256 * MiB), "extract", "--json", str(p)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "max_input_bytes" in err and "mix.jsonl.gz:2" in err
    peak_mb = int(hwm.read_text()) / 1024  # kilobytes
    assert peak_mb < 500, peak_mb
    print(f"peak {peak_mb:.0f} MB")


def test_article_body_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Work and memory grow with one article's length: past the cap it is refused, named."""
    from unspin.ingest import from_text
    from unspin.limits import set_default

    with pytest.raises(LimitError, match="over the cap of 500,000") as exc:
        from_text("word " * 125_000, input="big.txt")
    assert exc.value.limit == "max_article_chars" and "--max-article-chars" in str(exc.value)
    p = tmp_path / "long.txt"
    p.write_text(BODY + " More words follow here." * 100)
    assert main(["--max-article-chars", "1000", "extract", str(p)]) == 2
    _, err = capsys.readouterr()
    assert "max_article_chars" in err and len(err.strip().splitlines()) == 1
    set_default(Limits())
