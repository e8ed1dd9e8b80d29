"""Fetch a URL a user typed, without letting them reach inside our network (SSRF).

Shared by the command line (``unspin extract URL``, through :func:`unspin.ingest.fetch`)
and the web app. The rules (issues 14 and 15):

- only ``http`` and ``https``; no user name or password in the address;
- the host name is resolved once, **every** address it resolves to must be public (not
  loopback, private, link-local, multicast, reserved, unspecified, shared or documentation
  space, IPv4-mapped forms included), and the connection goes to the address that was
  checked (the name is not resolved again, so there is no DNS-rebinding window); TLS still
  verifies the certificate against the host name (SNI);
- redirects are followed by hand, at most ``max_redirects``, each one checked the same way;
- a cap on bytes (``max_bytes``; a ``Content-Length`` over it is refused before reading,
  and a body shorter than its ``Content-Length`` is a truncated transfer, not a page);
- a cap on seconds per read and an overall deadline (``total_timeout``) that holds however
  slowly the server drips bytes (each read returns what one ``recv`` gives, with the socket
  timeout set to the time left);
- ``allow_private`` (the CLI's ``--allow-private``) lifts the address rule only, for
  intranet use and tests; never in the web app.

Tests stub ``resolver`` (name -> addresses) and ``connector`` (address -> socket) to exercise
the policy without a network. Refusals raise :class:`~unspin.errors.FetchError` with a
one-line message naming the address and the rule it broke.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from unspin import __version__
from unspin.errors import FetchError

if TYPE_CHECKING:  # imported when a page is fetched: commands on local files do not pay for them
    import http.client

log = logging.getLogger(__name__)

__all__ = ["ACCEPTED_TYPES", "Fetched", "Resolver", "SafeFetcher", "allow_private_default",
           "check_address", "host_port", "set_allow_private_default"]

#: content types unspin can read, and the kind each is read as
ACCEPTED_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json": "json",
    "text/csv": "csv",
    "application/warc": "warc",
}


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched response body with what its headers said."""

    url: str
    data: bytes
    content_type: str
    charset: str | None
    kind: str


_allow_private = False


def allow_private_default() -> bool:
    """Whether command-line fetches may reach private addresses (``--allow-private``)."""
    return _allow_private


def set_allow_private_default(allow: bool) -> None:
    """Set the process-wide default of ``allow_private`` for :func:`unspin.ingest.fetch`."""
    global _allow_private
    _allow_private = allow

Resolver = Callable[[str, int], Sequence[str]]
Connector = Callable[[str, int, float], socket.socket]

_BLOCKED_V4 = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32")]


def check_address(addr: str) -> str | None:
    """Why ``addr`` (an IP address) must not be fetched from, or None when it is public."""
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return check_address(str(mapped))
        if ip.teredo is not None:
            return "a Teredo tunnel address"
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{name}"):
            return f"a {name.replace('_', '-')} address"
    if isinstance(ip, ipaddress.IPv4Address) and any(ip in n for n in _BLOCKED_V4):
        return "a reserved address"
    if not ip.is_global:
        return "not a public address"
    return None


def host_port(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path+query of an http(s) URL; FetchError for anything else."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"not a valid address ({exc})", input=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"only http:// and https:// addresses can be fetched, not {scheme or 'a bare'}:"
                         if scheme else "only http:// and https:// addresses can be fetched", input=url)
    if parts.username is not None or parts.password is not None:
        raise FetchError("addresses with a user name or password are refused", input=url)
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("the address has no host name", input=url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _system_connector(addr: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((addr, port), timeout=timeout)


@dataclass
class SafeFetcher:
    """GET URLs under the address policy; see the module docstring."""

    timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    resolver: Resolver = _system_resolver
    connector: Connector = _system_connector
    allow_private: bool = False

    def resolve(self, url: str) -> tuple[str, str, int, str, str]:
        """Check ``url`` and resolve its host: (scheme, host, port, path, address to connect to)."""
        scheme, host, port, path = host_port(url)
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
            addrs: Sequence[str] = [str(literal)]
        except ValueError:
            try:
                addrs = self.resolver(host, port)
            except (OSError, UnicodeError) as exc:
                raise FetchError(f"cannot resolve the host name {host!r} ({exc})", input=url) from None
        if not addrs:
            raise FetchError(f"the host name {host!r} has no address", input=url)
        if not self.allow_private:
            for addr in addrs:
                why = check_address(addr)
                if why:
                    where = f"{host} is" if host == addr else f"{host} resolves to {addr},"
                    raise FetchError(f"refused: {where} {why}", input=url,
                                     hint="unspin fetches only public web addresses")
        return scheme, host, port, path, addrs[0]

    def fetch(self, url: str) -> Fetched:
        """GET ``url`` following checked redirects; the body must be a type unspin reads."""
        deadline = time.monotonic() + self.total_timeout
        current = url
        for _ in range(self.max_redirects + 1):
            scheme, host, port, path, addr = self.resolve(current)
            status, headers, body = self._get(current, scheme, host, port, path, addr, deadline)
            if status in (301, 302, 303, 307, 308):
                loc = headers.get("Location")
                if not loc:
                    raise FetchError(f"HTTP {status} redirect without a Location", input=current)
                current = urllib.parse.urljoin(current, loc)
                log.info("redirect %s -> %s", url, current)
                continue
            if status >= 400:
                raise FetchError(f"HTTP error {status}", input=current)
            ctype = headers.get_content_type().lower()
            kind = ACCEPTED_TYPES.get(ctype)
            if kind is None:
                raise FetchError(f"unsupported content type {ctype!r}", input=current,
                                 hint="unspin reads HTML pages, plain text and feeds")
            if not body.strip():
                raise FetchError("the server sent an empty response", input=current)
            return Fetched(current, body, ctype, headers.get_content_charset(), kind)
        raise FetchError(f"more than {self.max_redirects} redirects", input=url)

    def _get(self, url: str, scheme: str, host: str, port: int, path: str, addr: str,
             deadline: float) -> tuple[int, http.client.HTTPMessage, bytes]:
        import http.client
        import ssl

        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"timed out after {self.total_timeout:g} s", input=url)
        timeout = min(self.timeout, left)
        try:
            sock = self.connector(addr, port, timeout)
        except OSError as exc:
            raise FetchError(f"cannot reach the server: {exc}", input=url) from None
        try:
            if scheme == "https":
                ctx = ssl.create_default_context()
                sock = ctx.wrap_socket(sock, server_hostname=host)
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            conn.sock = sock  # already connected to the checked address
            host_header = host if port in (80, 443) else f"{host}:{port}"
            if ":" in host and not host.startswith("["):
                host_header = f"[{host}]" if port in (80, 443) else f"[{host}]:{port}"
            conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host_header)
            conn.putheader("User-Agent", f"unspin/{__version__}")
            conn.putheader("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1")
            conn.putheader("Accept-Encoding", "identity")
            conn.endheaders()
            self._time_left(sock, deadline, url)
            resp = conn.getresponse()
            length = resp.getheader("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            if expected is not None and expected > self.max_bytes:
                raise FetchError(f"response is {expected:,} bytes, over the limit of {self.max_bytes:,}",
                                 input=url)
            chunks: list[bytes] = []
            got = 0
            if resp.status not in (301, 302, 303, 307, 308):
                while True:
                    self._time_left(sock, deadline, url)
                    # read1: what one recv gives, so a server dripping bytes cannot hold a
                    # read open past the deadline (read(n) waits for all n bytes)
                    chunk = resp.read1(65536)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > self.max_bytes:
                        raise FetchError(f"response is over the limit of {self.max_bytes:,} bytes", input=url)
                    chunks.append(chunk)
                if expected is not None and got < expected and \
                        "chunked" not in (resp.getheader("Transfer-Encoding") or "").lower():
                    raise FetchError(f"truncated transfer: {got:,} of the {expected:,} bytes "
                                     "the server announced", input=url)
            return resp.status, resp.msg, b"".join(chunks)
        except FetchError:
            raise
        except TimeoutError:
            left = deadline - time.monotonic()
            spent = f"{self.total_timeout:g} s" if left <= 0.05 else f"{timeout:g} s without data"
            raise FetchError(f"timed out after {spent}", input=url) from None
        except http.client.IncompleteRead as exc:
            raise FetchError(f"truncated transfer: {len(exc.partial):,} bytes, "
                             f"{exc.expected:,} more expected", input=url) from None
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            why = " ".join(str(exc).split()) or type(exc).__name__
            raise FetchError(f"fetch failed: {why}", input=url) from None
        finally:
            sock.close()

    def _time_left(self, sock: socket.socket, deadline: float, url: str) -> None:
        """Set the socket timeout to what is left of the overall deadline (or fail)."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"timed out after {self.total_timeout:g} s", input=url)
        sock.settimeout(min(self.timeout, left))
