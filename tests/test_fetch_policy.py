"""URL fetching from the command line: address policy, redirects, deadline, truncation.

A local ``http.server`` on 127.0.0.1 plays the hostile server (reached with
``allow_private``, which only lifts the address rule); a stubbed resolver plays DNS.
"""

from __future__ import annotations

import gzip
import http.server
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from unspin.cli import main
from unspin.errors import FetchError
from unspin.ingest import fetch, read
from unspin.limits import LimitError
from unspin.netpolicy import SafeFetcher, check_address

PAGE = (b"<html><head><title>Harbour</title></head><body><article><p>The harbour board said "
        b"about 1,200 ships called last year, up from 900 the year before, and that the new "
        b"quay would open in May after two years of building work.</p></article></body></html>")


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        p = self.path
        if p == "/page":
            return self._send(200, {"Content-Type": "text/html"}, PAGE)
        if p == "/to-ftp":
            return self._send(302, {"Location": "ftp://example.org/secret"}, b"")
        if p == "/to-file":
            return self._send(302, {"Location": "file:///etc/passwd"}, b"")
        if p.startswith("/loop"):
            return self._send(302, {"Location": "/loop"}, b"")
        if p == "/short":  # announces more than it sends, then closes
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE) + 5000))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(PAGE)
            self.wfile.flush()
            self.close_connection = True
            return None
        if p == "/drip":  # one byte a second, for ever
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(120):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(1.0)
            except OSError:
                pass
            return None
        if p == "/gzip-bomb":
            body = gzip.compress(b'{"text": "a"}\n' + b"\n" * (256 * 1024 * 1024), compresslevel=9)
            return self._send(200, {"Content-Type": "application/x-ndjson",
                                    "Content-Encoding": "gzip"}, body)
        return self._send(404, {"Content-Type": "text/html"}, b"no")

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


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_loopback_is_refused_by_default(server: str) -> None:
    with pytest.raises(FetchError, match="loopback") as exc:
        fetch(f"{server}/page")
    assert "\n" not in str(exc.value)
    assert fetch(f"{server}/page", allow_private=True).kind == "html"


@pytest.mark.parametrize("addr", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.5",
                                  "169.254.169.254", "224.0.0.1", "0.0.0.0", "::1", "fe80::1",
                                  "::ffff:127.0.0.1", "100.64.0.1", "240.0.0.1"])
def test_non_public_addresses(addr: str) -> None:
    assert check_address(addr) is not None


def test_cli_refuses_then_allows(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["extract", "--json", f"{server}/page"])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "loopback" in err
    code = main(["--allow-private", "extract", "--json", f"{server}/page"])
    out, err = capsys.readouterr()
    assert code == 0 and "harbour board" in out, err


@pytest.mark.parametrize("path, why", [("/to-ftp", "only http:// and https://"),
                                       ("/to-file", "only http:// and https://"),
                                       ("/loop", "more than 5 redirects")])
def test_redirects_are_checked_and_errors_are_one_line(server: str, path: str, why: str) -> None:
    with pytest.raises(FetchError) as exc:
        fetch(f"{server}{path}", allow_private=True)
    assert why in str(exc.value) and "\n" not in str(exc.value)


def test_short_body_is_a_truncated_transfer(server: str) -> None:
    with pytest.raises(FetchError, match="truncated transfer"):
        fetch(f"{server}/short", allow_private=True)


def test_overall_deadline_holds_against_a_dripping_server(server: str) -> None:
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="timed out after 2 s"):
        fetch(f"{server}/drip", timeout=2, allow_private=True)
    assert time.monotonic() - t0 < 6  # was: per-read timeout, 93 s past --timeout 5


def test_gzip_http_response_is_capped(server: str) -> None:
    with pytest.raises(LimitError, match="compression bomb"):
        list(read(f"{server}/gzip-bomb", allow_private=True))


def test_stubbed_dns_private_answer_is_refused_and_checked_address_is_used() -> None:
    """A name resolving to a private address is refused; a public answer is the one
    connected to (no second lookup that a rebinding DNS could answer differently)."""
    answers = iter([["10.0.0.7"]])
    f = SafeFetcher(resolver=lambda host, port: next(answers), allow_private=False)
    with pytest.raises(FetchError, match="news.test resolves to 10.0.0.7, a private address"):
        f.fetch("http://news.test/a")
    lookups: list[str] = []
    connected: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["93.184.216.34"] if len(lookups) == 1 else ["127.0.0.1"]

    def connector(addr: str, port: int, timeout: float) -> socket.socket:
        connected.append(addr)
        raise OSError("no network in tests")

    f = SafeFetcher(resolver=resolver, connector=connector)
    with pytest.raises(FetchError, match="cannot reach"):
        f.fetch("http://news.test/a")
    assert lookups == ["news.test"] and connected == ["93.184.216.34"]
