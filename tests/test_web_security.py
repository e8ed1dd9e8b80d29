"""Security of `unspin serve`: URL fetching policy (SSRF), hostile text, tokens, CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the [web] extra")
pytest.importorskip("multipart", reason="needs the [web] extra")

from fastapi.testclient import TestClient  # noqa: E402

from unspin.errors import FetchError  # noqa: E402
from unspin.netpolicy import SafeFetcher, check_address  # noqa: E402
from webutil import (  # noqa: E402
    PUBLIC_IP,
    RECORDS,
    fake_resolver,
    index_samples,
    local_site,
    make_app,
    write_scan,
)

REFUSED_URLS = [
    ("http://127.0.0.1/", "loopback"),
    ("http://127.1.2.3:8080/admin", "loopback"),
    ("http://localhost/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://10.0.0.7/", "private"),
    ("http://192.168.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://metadata.test/", "link-local"),
    ("http://intranet.test/", "private"),
    ("http://mixed.test/", "private"),
    ("http://0.0.0.0/", "address"),
    ("http://100.64.1.1/", "address"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[fc00::1]/", "private"),
    ("http://224.0.0.1/", "multicast"),
    ("file:///etc/passwd", "only http"),
    ("gopher://example.com:70/_payload", "only http"),
    ("ftp://example.com/x", "only http"),
    ("javascript:alert(1)", "only http"),
    ("http://user:pw@news.test/", "user name"),
    ("http:///nohost", "no host"),
]


@pytest.mark.parametrize("url, why", REFUSED_URLS)
def test_fetcher_refuses_private_and_odd_addresses(url: str, why: str) -> None:
    f = SafeFetcher(resolver=fake_resolver, connector=_no_network)
    with pytest.raises(FetchError, match=why):
        f.fetch(url)


def _no_network(addr: str, port: int, timeout: float) -> Any:
    raise AssertionError(f"the policy let a connection to {addr}:{port} through")


def test_public_addresses_pass_the_policy() -> None:
    for addr in (PUBLIC_IP, "8.8.8.8", "2606:4700:4700::1111"):
        assert check_address(addr) is None, addr
    for addr in ("127.0.0.1", "::1", "10.1.1.1", "169.254.169.254", "::ffff:10.0.0.1", "2002:7f00:1::1", "fd00::1"):
        assert check_address(addr) is not None, addr


@pytest.fixture()
def site() -> Iterator[int]:
    page = (b"<html><head><title>Harbour story</title></head><body><article><h1>Harbour story</h1>"
            + b"<p>The harbour city council voted on Tuesday to ban cruise ships from the old port by 2027.</p>" * 4
            + b"</article></body></html>")
    routes = {
        "/article.html": (200, {"Content-Type": "text/html; charset=utf-8"}, page),
        "/to-private": (302, {"Location": "http://10.1.2.3/secret"}, b""),
        "/to-loopback": (301, {"Location": "http://127.0.0.1:9/admin"}, b""),
        "/to-intranet": (307, {"Location": "http://intranet.test/"}, b""),
        "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/to-article": (302, {"Location": "/article.html"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG...."),
    }
    with local_site(routes) as port:
        yield port


def test_fetcher_follows_public_redirects_and_connects_to_the_checked_address(site: int) -> None:
    seen: list[str] = []

    def connector(addr: str, port: int, timeout: float) -> Any:
        import socket

        seen.append(addr)
        assert addr == PUBLIC_IP
        return socket.create_connection(("127.0.0.1", site), timeout=timeout)

    f = SafeFetcher(resolver=fake_resolver, connector=connector)
    got = f.fetch("http://news.test/to-article")
    assert got.kind == "html" and b"Harbour story" in got.data and got.url == "http://news.test/article.html"
    assert seen == [PUBLIC_IP, PUBLIC_IP]


@pytest.mark.parametrize("path, why", [("/to-private", "10.1.2.3"), ("/to-loopback", "127.0.0.1"),
                                       ("/to-intranet", "intranet.test resolves to 10.20.30.40"),
                                       ("/to-file", "only http"), ("/loop", "more than 5 redirects"),
                                       ("/image", "unsupported content type")])
def test_redirects_are_checked_too(site: int, path: str, why: str, tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, fetch_port=site)) as c:
        r = c.post("/api/extract", json={"url": f"http://news.test{path}"})
        assert r.status_code == 422, r.text
        e = r.json()["error"]
        assert e["code"] == "U120" and why in e["message"], e


def test_api_refuses_private_urls_with_a_clear_4xx(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path)) as c:
        for url, why in REFUSED_URLS:
            for endpoint in ("/api/extract", "/api/check"):
                r = c.post(endpoint, json={"url": url})
                assert r.status_code == 422, (url, r.text)
                body = r.json()
                assert body["error"]["code"] == "U120" and why in body["error"]["message"], body
                assert "Traceback" not in r.text


def test_a_public_page_is_fetched_through_the_api(site: int, tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, fetch_port=site)) as c:
        r = c.post("/api/extract", json={"url": "http://news.test/article.html"})
        assert r.status_code == 200, r.text
        assert r.json()["title"] == "Harbour story" and "cruise ships" in r.json()["text"]


# ------------------------------------------------------------------------------ hostile text

HOSTILE = ('Breaking <script>alert("x")</script> news. <img src=x onerror="alert(1)"> The council '
           'met </style><style>body{display:none}</style> on Tuesday. <a href="javascript:alert(2)">click</a> '
           '"><svg onload=alert(3)> The mayor said the harbour would stay open. ' * 3)


def _inert(page: str) -> None:
    """No markup from the article survives as markup: only its escaped text."""
    low = page.lower()
    for tag in ("<script", "<img", "<svg onload", "<style", "</style"):
        assert tag not in low, tag
    assert 'href="javascript:' not in low and "&lt;script&gt;" in low and "&lt;img src=x onerror" in low


@pytest.fixture()
def hostile_client(tmp_path: Path) -> Iterator[TestClient]:
    scan = write_scan(tmp_path / "scan", hostile='<script>alert("scan")</script>')
    with TestClient(make_app(tmp_path, scans=[scan])) as c:
        yield c


def test_hostile_article_text_renders_inert(hostile_client: TestClient) -> None:
    c = hostile_client
    r = c.post("/api/check", json={"text": HOSTILE, "title": "<b>t</b><script>x()</script>",
                                   "url": "javascript:alert(4)"})
    assert r.status_code == 200, r.text
    page = c.get(f"/r/{r.headers['x-unspin-result']}").text
    _inert(page)
    assert "&lt;b&gt;t&lt;/b&gt;" in page
    r = c.post("/api/diff", json={"copy": {"text": HOSTILE}, "source": {"text": HOSTILE.replace("Tuesday", "Monday")}})
    assert r.status_code == 200
    page = c.get(f"/r/{r.headers['x-unspin-result']}").text
    _inert(page)
    assert "fact" in page
    # the CSV of a hostile change is not a spreadsheet formula
    r = c.post("/api/diff", json={"copy": {"text": "=HYPERLINK(\"http://x\") The council met on Tuesday in the hall."},
                                  "source": {"text": "The council met on Monday in the hall."}})
    rows = c.get(f"/r/{r.headers['x-unspin-result']}.csv").text
    assert "\n=HYPERLINK" not in rows and ",=HYPERLINK" not in rows


def test_hostile_scan_output_renders_inert(hostile_client: TestClient) -> None:
    page = hostile_client.get("/scans/0").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page  # shown as text, not a link


# ------------------------------------------------------------------------------ tokens and CSRF

TOKEN = "s3cret-token-for-tests"


@pytest.fixture()
def locked(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(make_app(tmp_path, token=TOKEN)) as c:
        yield c


def test_write_endpoints_need_the_token(locked: TestClient) -> None:
    c = locked
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    for r in (c.post("/api/v1/jobs/index", json={"articles": RECORDS[:2]}),
              c.post("/api/v1/jobs/index", json={"articles": RECORDS[:2]}, headers={"Authorization": "Bearer wrong"}),
              c.post("/api/v1/jobs/index/upload", files={"file": ("a.jsonl", b'{"text": "x"}\n')}),
              c.delete("/api/v1/results/abcdefgh")):
        assert r.status_code == 401 and r.json()["error"]["code"] == "U804", r.text
    assert c.get("/api/health").json()["index"]["articles"] == 0  # nothing was added
    index_samples(c, headers=bearer)
    rid = c.post("/api/check", json={"text": "The council met on Tuesday in the hall."}).headers["x-unspin-result"]
    assert c.delete(f"/api/v1/results/{rid}").status_code == 401
    assert c.delete(f"/api/v1/results/{rid}", headers=bearer).json() == {"deleted": rid}
    assert c.get(f"/api/results/{rid}").status_code == 404


def test_corpus_form_needs_sign_in_and_csrf(locked: TestClient) -> None:
    c = locked
    page = c.get("/corpus").text
    assert "/login" in page and 'action="/corpus/add"' not in page
    csrf = c.cookies.get("unspin_csrf")
    files = {"files": ("a.jsonl", b'{"id": "z1", "title": "t", "text": "The council met on Tuesday in the hall."}\n')}
    r = c.post("/corpus/add", data={"csrf": csrf}, files=files)
    assert r.status_code == 401
    assert c.post("/login", data={"csrf": csrf, "token": "wrong"}).status_code == 401
    r = c.post("/login", data={"csrf": csrf, "token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303 and c.cookies.get("unspin_token") == TOKEN
    assert 'action="/corpus/add"' in c.get("/corpus").text
    assert c.post("/corpus/add", data={"csrf": "forged"}, files=files).status_code == 403
    r = c.post("/corpus/add", data={"csrf": csrf}, files=files, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")


def test_form_posts_need_the_csrf_token(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path)) as c:
        assert c.post("/analyze", data={"text": "hello"}).status_code == 403
        c.get("/")
        csrf = c.cookies.get("unspin_csrf")
        assert c.post("/analyze", data={"csrf": "other", "text": "hello"}).status_code == 403
        r = c.post("/analyze", data={"csrf": csrf, "text": "The council met on Tuesday in the hall."},
                   headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and "CSRF" in r.text
        r = c.post("/analyze", data={"csrf": csrf, "text": "The council met on Tuesday in the hall."},
                   follow_redirects=False)
        assert r.status_code == 303
        # the cookie is not readable by script and is not sent cross-site
        r = c.get("/compare")
        cookie = next((v for k, v in r.headers.multi_items() if k == "set-cookie" and "unspin_csrf" in v), "")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_uploads_are_capped(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, max_upload_mb=0.05)) as c:
        big = b'{"text": "' + b"x" * 100_000 + b'"}\n'
        r = c.post("/api/v1/jobs/index/upload", files={"file": ("big.jsonl", big)})
        assert r.status_code == 413 and r.json()["error"]["code"] == "U802"


def test_cross_site_writes_are_refused_even_without_a_token(tmp_path: Path) -> None:
    """A page on another site can post a multipart form to a loopback server without a preflight."""
    with TestClient(make_app(tmp_path)) as c:
        files = {"file": ("a.jsonl", b'{"id": "z", "text": "The council met on Tuesday in the hall."}\n')}
        for origin in ("https://evil.example", "null"):
            r = c.post("/api/v1/jobs/index/upload", files=files, headers={"Origin": origin})
            assert r.status_code == 403 and r.json()["error"]["code"] == "U805", r.text
            r = c.post("/api/check", json={"text": "The council met."}, headers={"Origin": origin})
            assert r.status_code == 403
        r = c.post("/api/v1/jobs/index/upload", files=files, headers={"Origin": "http://testserver"})
        assert r.status_code == 202


def test_dns_rebinding_is_refused_on_loopback(tmp_path: Path) -> None:
    app = make_app(tmp_path, allowed_hosts=frozenset({"127.0.0.1", "localhost", "::1"}))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200
        assert c.get("/api/health", headers={"Host": "[::1]:8000"}).status_code == 200
        r = c.get("/api/health", headers={"Host": "rebind.evil.example:8000"})
        assert r.status_code == 421 and r.json()["error"]["code"] == "U811"


def test_the_start_page_refuses_a_private_url_with_a_readable_page(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path)) as c:
        c.get("/")
        r = c.post("/analyze", data={"csrf": c.cookies.get("unspin_csrf"), "url": "http://169.254.169.254/latest/"})
        assert r.status_code == 422 and "text/html" in r.headers["content-type"]
        assert "link-local" in r.text and "U120" in r.text and "Traceback" not in r.text
