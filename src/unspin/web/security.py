"""The guard in front of every request: headers, caps, rate limit, time-out, access log.

A plain ASGI middleware (no framework import), so it sees every response the app sends,
error pages included:

- security headers on every response: a strict Content-Security-Policy (nothing but this
  origin's style sheet; no script at all; forms post only here; no framing), nosniff,
  ``Referrer-Policy: same-origin`` (no address leaves for other sites, and a same-origin
  form post keeps its Origin header, which ``no-referrer`` would turn into "null"),
  ``X-Frame-Options: DENY``;
- writes (POST, PUT, PATCH, DELETE) whose ``Origin`` is another site (or "null") are refused;
- with ``allowed_hosts``, a Host header naming another host is refused (DNS rebinding);
- the request body is capped (``Content-Length`` checked up front, streamed bodies counted);
- a per-client token bucket on POST/DELETE requests (the costly ones);
- a time-out per request (the client gets a 503; work already running in a thread finishes
  in the background, since Python threads cannot be killed);
- one structured (JSON) access-log line per request on the ``unspin.web.access`` logger.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from unspin.errors import UnspinError
from unspin.web.errors import bad_host, csrf_failed, rate_limited, timed_out, too_large

access_log = logging.getLogger("unspin.web.access")

__all__ = ["CSP", "Guard", "RateLimiter"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


def _hostname(host: str) -> str:
    """The name in a Host header, without the port ("[::1]:8000" -> "::1")."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class RateLimiter:
    """Token bucket per client: ``per_minute`` sustained, bursts up to ``burst``; 0 turns it off."""

    def __init__(self, per_minute: float, burst: int | None = None):
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else max(1, int(per_minute // 4)))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when the request may go, else seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                if len(self._buckets) > 10000:  # forget idle clients; bounded memory
                    self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 600}
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate


class Guard:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp, *, max_body: Callable[[str], int], limiter: RateLimiter, timeout: float,
                 error_body: Callable[[UnspinError, str], tuple[int, bytes, bytes]],
                 allowed_hosts: frozenset[str] | None = None):
        self.app = app
        self.allowed_hosts = allowed_hosts  # host names the Host header may carry (DNS rebinding)
        self.max_body = max_body  # path -> byte limit of the request body
        self.limiter = limiter
        self.timeout = timeout
        self.error_body = error_body  # (error, path) -> (status, content type, body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        rid = secrets.token_hex(6)
        client = (scope.get("client") or ("-", 0))[0]
        method = scope["method"]
        path = scope.get("path", "")
        limit = self.max_body(path)
        state: dict[str, Any] = {"status": 0, "bytes": 0, "started": False, "too_large": 0}

        async def send_wrapped(message: Message, own: bool = False) -> None:
            if state["too_large"] and not own:
                # the app answered a body it could not finish reading: send the 413 instead
                if message["type"] == "http.response.start":
                    await refuse(too_large(state["too_large"], limit), [(b"connection", b"close")])
                return
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                # a response may bring its own (stricter) policy, e.g. a sandbox; the rest are ours
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in HEADERS if k not in present)
                headers.append((b"x-request-id", rid.encode()))
                message["headers"] = headers
            elif message["type"] == "http.response.body":
                state["bytes"] += len(message.get("body", b""))
            await send(message)

        async def refuse(err: UnspinError, extra: list[tuple[bytes, bytes]] | None = None) -> None:
            status, ctype, body = self.error_body(err, path)
            await send_wrapped({"type": "http.response.start", "status": status,
                                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                                            *(extra or [])]}, own=True)
            await send_wrapped({"type": "http.response.body", "body": body}, own=True)

        try:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                await refuse(too_large(int(length), limit), [(b"connection", b"close")])
                return
            host = headers.get("host", "")
            if self.allowed_hosts is not None and _hostname(host) not in self.allowed_hosts:
                await refuse(bad_host(host))
                return
            if method in ("POST", "PUT", "DELETE", "PATCH"):
                # a browser names the page a request comes from: refuse writes from other sites
                # (plain forms can post multipart bodies cross-site without a preflight)
                origin = headers.get("origin")
                if origin is not None and origin.split("://", 1)[-1] != host:
                    await refuse(csrf_failed())
                    return
                wait = self.limiter.take(client)
                if wait > 0:
                    await refuse(rate_limited(wait), [(b"retry-after", str(int(wait) + 1).encode())])
                    return
            seen = 0

            async def receive_capped() -> Message:
                nonlocal seen
                if state["too_large"]:
                    return {"type": "http.disconnect"}
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:
                        state["too_large"] = seen
                        return {"type": "http.disconnect"}
                return message

            try:
                await asyncio.wait_for(self.app(scope, receive_capped, send_wrapped), self.timeout)
            except TimeoutError:
                if not state["started"]:
                    await refuse(timed_out(self.timeout))
            except Exception:
                if not state["too_large"]:
                    raise
                if not state["started"]:
                    await refuse(too_large(state["too_large"], limit), [(b"connection", b"close")])
        finally:
            access_log.info(json.dumps({
                "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "id": rid, "client": client,
                "method": method, "path": path, "status": state["status"], "bytes": state["bytes"],
                "ms": round(1000 * (time.perf_counter() - t0), 1)}))
