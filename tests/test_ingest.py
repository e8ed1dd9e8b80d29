from __future__ import annotations

import gzip
import http.server
import io
import socket
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from unspin.errors import ExtractionError, FetchError, InputError
from unspin.ingest import detect_kind, from_html, from_text, read
from unspin.limits import Limits
from unspin.models import Article

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"

HTML_PAGE = (FIX / "article.html").read_text(encoding="utf-8")


def read_all(source, **kw) -> list[Article]:
    return list(read(str(source), **kw))


# --------------------------------------------------------------------------- plain text

def test_plain_text_file():
    [a] = read_all(FIX / "article.txt")
    assert a.input.endswith("article.txt")
    assert a.original == (FIX / "article.txt").read_text(encoding="utf-8")
    assert len(a.id) == 16 and int(a.id, 16) >= 0
    assert "between 8,000 and 9,500 homes" in a.text and "about 2,000 businesses" in a.text
    assert "Related stories" not in a.text
    [c] = a.clutter
    assert c.text.startswith("Related stories") and a.original[c.start:c.end] == c.text
    q = {a.original[q.start:q.end]: q for q in a.quantities}
    assert q["between 8,000 and 9 500"].high == 9500
    assert q["2, 000"].hedge == "about" and q["2, 000"].repaired
    # spans index text; sentences come from the shared splitter
    for span in a.paragraphs + a.sentences:
        assert a.text[span.start:span.end] == span.text
    assert any(s.text == "Residents were sceptical." for s in a.sentences)


def test_from_text_keeps_signature_and_given_fields():
    a = from_text("One line of text.", id="x1", input="mem", title="T", url="http://e.org/a",
                  site="S", published="2024-01-02")
    assert (a.id, a.input, a.title, a.url, a.site, a.published) == (
        "x1", "mem", "T", "http://e.org/a", "S", "2024-01-02")
    assert a.text == a.original == "One line of text."
    assert a.to_original(0, 3) == (0, 3)
    assert Article.from_dict(a.to_dict()) == a


def test_id_is_sha1_of_body_text():
    import hashlib

    a = from_text("Body here.\nTrending\n- one two three four\n- five six seven eight")
    assert a.id == hashlib.sha1(a.text.encode()).hexdigest()[:16]


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""), ("cp1252", b""), ("latin-1", b""),
])
def test_encodings(tmp_path, encoding, bom):
    text = "Caf\u00e9 owners in S\u00e3o Bento said prices rose 5% this year.\n"
    if encoding == "cp1252":
        text = "\u201cQuoted,\u201d she said \u2014 prices rose 5%.\n"
    p = tmp_path / "t.txt"
    p.write_bytes(bom + text.encode(encoding))
    [a] = read_all(p)
    assert a.original == text
    assert a.quantities[0].value == 5


def test_gzip_text_and_kind_detection_by_content(tmp_path):
    p = tmp_path / "story.gz"  # no telling extension: kind from content
    p.write_bytes(gzip.compress(b"A short story about 12 000 bees.\n"))
    [a] = read_all(p)
    assert a.text == "A short story about 12,000 bees."


@pytest.mark.parametrize("name, head, kind", [
    ("a.txt", b"<html>", "text"),
    ("a.HTML.gz", b"", "html"),
    ("x", b"<!DOCTYPE html><html>", "html"),
    ("x", b"<?xml version='1.0'?><rss version='2.0'>", "feed"),
    ("x", b"<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
    ("x", b'{"id": 1, "text": "a"}\n{"id": 2}', "jsonl"),
    ("x", b"[{\"text\": \"a\"}]", "json"),
    ("x", b"WARC/1.0\r\n", "warc"),
    ("c.csv", b"id,text\n", "csv"),
    ("x.warc.gz", b"", "warc"),
    ("x", b"Just words.", "text"),
])
def test_detect_kind(name, head, kind):
    assert detect_kind(name, head) == kind


def test_stdin(monkeypatch):
    data = b"From standard input: about 4, 000 words.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    [a] = read_all("-")
    assert a.input == "<stdin>" and "4,000" in a.text


# --------------------------------------------------------------------------- errors

def test_empty_input(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"  \n\n")
    with pytest.raises(InputError, match="empty"):
        read_all(p)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_all(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read_all(tmp_path)


@pytest.mark.parametrize("data, what", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (bytes(range(256)) * 4, "binary"),
])
def test_binary_input(tmp_path, data, what):
    p = tmp_path / "x.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match=what) as info:
        read_all(p)
    assert str(p) in str(info.value) and "\n" not in str(info.value)


def test_undecodable_text(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes("Some text \u00e9".encode() + b"\x81\x8d\x90 broken")
    with pytest.raises(InputError, match="cannot decode"):
        read_all(p)
    p.write_bytes(b"plain ascii")
    with pytest.raises(InputError, match="cannot decode as ascii-nope|unknown encoding"):
        read_all(p, encoding="ascii-nope")


def test_unknown_kind(tmp_path):
    with pytest.raises(InputError, match="unknown kind"):
        read_all(FIX / "article.txt", kind="pdf")


# --------------------------------------------------------------------------- HTML

def test_html_file_body_and_metadata():
    [a] = read_all(FIX / "article.html")
    assert a.title == "Orchard growers try frost fans"
    assert a.published == "2024-04-18"
    assert a.site == "The Valley Courier"
    assert a.url == "https://courier.example.org/news/frost-fans"
    assert "giant fans to protect blossom" in a.text
    assert "Bridge closed for repairs" not in a.text  # sidebar
    assert "All rights reserved" not in a.text
    assert '"It sounds like a helicopter' in a.text  # curly quotes straightened
    q = {a.original[q.start:q.end]: q for q in a.quantities}
    assert q["3, 000 tonnes"].value == 3000 and q["3, 000 tonnes"].hedge == "about"
    r = q["between 40,000 and 45 000 euros"]
    assert (r.low, r.high, r.unit) == (40000, 45000, "euros")


def test_html_gz(tmp_path):
    p = tmp_path / "page.htm.gz"
    p.write_bytes(gzip.compress(HTML_PAGE.encode()))
    [a] = read_all(p)
    assert a.title == "Orchard growers try frost fans"


def test_from_html_direct():
    a = from_html(HTML_PAGE.encode("utf-8"), url="https://courier.example.org/x")
    assert "Sorrel valley" in a.text


def test_html_without_article(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>x</title></head><body><nav></nav></body></html>")
    with pytest.raises(ExtractionError, match="no article text"):
        read_all(p)


# --------------------------------------------------------------------------- corpora

def test_jsonl_corpus():
    arts = read_all(FIX / "corpus.jsonl")
    assert [a.id for a in arts] == ["c1", "c2", "c3"]
    assert arts[0].input.endswith("corpus.jsonl:1")
    assert (arts[0].title, arts[0].site, arts[0].published, arts[0].url) == (
        "Ferry timetable changes", "Harbour News", "2024-03-01", "https://example.org/ferry")
    assert "about 1,200 passengers" in arts[0].text
    assert "stay open until nine" in arts[1].text  # html field extracted
    assert arts[1].title == "Library extends hours"


def test_jsonl_gz_streams_lazily(tmp_path):
    p = tmp_path / "c.jsonl.gz"
    p.write_bytes(gzip.compress((FIX / "corpus.jsonl").read_bytes()))
    it = read(str(p))
    assert next(it).id == "c1"  # nothing forces the whole file to be parsed first


def test_malformed_jsonl_line_skip_and_stop(tmp_path, caplog):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "a", "text": "Fine."}\n{"id": "b", "text": \n[1, 2]\n'
                 '{"id": "d"}\n{"id": "e", "text": ""}\n{"id": "f", "text": "Also fine."}\n')
    seen: list[InputError] = []
    arts = read_all(p, on_error=seen.append)
    assert [a.id for a in arts] == ["a", "f"]
    assert [e.input for e in seen] == [f"{p}:{n}" for n in (2, 3, 4, 5)]
    assert "malformed JSON" in seen[0].message and "no 'text'" in seen[2].message
    with caplog.at_level("WARNING"):
        assert len(read_all(p)) == 2  # default: skip with a warning
    assert f"{p}:2" in caplog.text
    with pytest.raises(InputError, match=r"bad\.jsonl:2: malformed JSON"):
        read_all(p, on_error="stop")


def test_csv_corpus():
    arts = read_all(FIX / "corpus.csv")
    assert [a.id for a in arts] == ["r1", "r2"]
    assert arts[0].input.endswith("corpus.csv:2") and arts[1].input.endswith("corpus.csv:4")
    assert arts[0].published == "2024-02-10" and arts[1].url is None
    assert "About 150 bakers" in arts[0].text


def test_csv_without_text_column(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("id,body\n1,hello\n")
    with pytest.raises(InputError, match="no 'text' or 'html' column"):
        read_all(p)


def test_json_array(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('[{"id": "j1", "text": "First."}, {"id": "j2", "text": "Second."}]')
    assert [a.id for a in read_all(p)] == ["j1", "j2"]


def test_rss_and_atom(caplog):
    with caplog.at_level("WARNING"):
        arts = read_all(FIX / "feed.xml")
    [a] = arts  # the entry without content is skipped with a warning
    assert "feed.xml#2" in caplog.text
    assert a.title == "Reservoir level rises after storms" and a.site == "Hillside Gazette"
    assert a.published == "2024-05-06" and a.url == "https://gazette.example.org/reservoir"
    assert a.text == ("The Hillside reservoir is back to 85% of capacity after a week of "
                      "storms.\nWater restrictions will end on Friday.")
    [b] = read_all(FIX / "atom.xml")
    assert b.title == "Lifeboat crew rescues kayakers" and b.published == "2024-06-01"
    assert "about 3 km off the point" in b.text


def test_feed_without_entries(tmp_path):
    p = tmp_path / "f.rss"
    p.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
                 "</channel></rss>")
    with pytest.raises(InputError, match="no entries"):
        read_all(p)


# --------------------------------------------------------------------------- WARC

def warc_record(wtype: str, uri: str, block: bytes, content_type: str) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2024-05-01T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri))}>\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def http_response(body: bytes, ctype: str = "text/html; charset=utf-8",
                  status: str = "200 OK") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n\r\n".encode() + body


def make_warc(pages: list[tuple[str, bytes]], extra: list[bytes] = ()) -> list[bytes]:
    recs = [warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields")]
    recs += list(extra)
    for uri, html in pages:
        recs.append(warc_record("request", uri, b"GET / HTTP/1.1\r\n\r\n",
                                "application/http; msgtype=request"))
        recs.append(warc_record("response", uri, http_response(html),
                                "application/http; msgtype=response"))
    return recs


PAGE2 = HTML_PAGE.replace("Orchard growers try frost fans", "Second orchard story").replace(
    "https://courier.example.org/news/frost-fans", "https://courier.example.org/news/second")


@pytest.mark.parametrize("compressed", [False, True])
def test_warc(tmp_path, compressed):
    recs = make_warc([("https://courier.example.org/a", HTML_PAGE.encode()),
                      ("https://courier.example.org/b", PAGE2.encode())],
                     extra=[warc_record("response", "https://x.example/img.png",
                                        http_response(b"\x89PNG....", "image/png"),
                                        "application/http; msgtype=response"),
                            warc_record("response", "https://x.example/gone",
                                        http_response(b"<html>gone</html>", status="404 Not Found"),
                                        "application/http; msgtype=response")])
    p = tmp_path / ("a.warc.gz" if compressed else "a.warc")
    p.write_bytes(b"".join(gzip.compress(r) for r in recs) if compressed else b"".join(recs))
    arts = read_all(p)
    assert [a.title for a in arts] == ["Orchard growers try frost fans", "Second orchard story"]
    assert arts[0].input == f"{p}#5" and "giant fans" in arts[0].text


def test_warc_page_without_article_is_a_record_error(tmp_path):
    recs = make_warc([("https://e.org/empty", b"<html><body><nav></nav></body></html>"),
                      ("https://e.org/a", HTML_PAGE.encode())])
    p = tmp_path / "x.warc"
    p.write_bytes(b"".join(recs))
    seen: list[InputError] = []
    arts = read_all(p, on_error=seen.append)
    assert len(arts) == 1 and isinstance(seen[0], ExtractionError)
    assert seen[0].input == f"{p}#3"


@pytest.mark.parametrize("cut", [60, 400, 2000])
def test_truncated_warc_gz(tmp_path, cut):
    recs = make_warc([("https://e.org/a", HTML_PAGE.encode()), ("https://e.org/b", PAGE2.encode())])
    data = b"".join(gzip.compress(r) for r in recs)
    p = tmp_path / "t.warc.gz"
    p.write_bytes(data[:-cut])
    with pytest.raises(InputError) as info:
        read_all(p)
    msg = str(info.value)
    assert str(p) in msg and "truncated" in msg and "\n" not in msg


def test_truncated_warc_plain(tmp_path):
    recs = make_warc([("https://e.org/a", HTML_PAGE.encode()), ("https://e.org/b", PAGE2.encode())])
    p = tmp_path / "t.warc"
    p.write_bytes(b"".join(recs)[:-700])
    got: list[Article] = []
    with pytest.raises(InputError, match=r"truncated WARC: record 5 has"):
        for a in read(str(p)):
            got.append(a)
    assert len(got) == 1  # the complete page before the damage was still read


def test_not_a_warc(tmp_path):
    p = tmp_path / "x.warc"
    p.write_bytes(b"hello, this is not a WARC file\n")
    with pytest.raises(InputError, match="not a WARC record"):
        read_all(p)


def test_warc_memory_stays_flat(tmp_path):
    """Large records that are not HTML are skipped in chunks, never held in memory."""
    big = warc_record("resource", "https://e.org/blob", b"\0" * (4 << 20), "application/octet-stream")
    p = tmp_path / "big.warc.gz"
    with open(p, "wb") as f:
        for _ in range(25):  # 100 MB uncompressed
            f.write(gzip.compress(big, compresslevel=1))
        for r in make_warc([("https://e.org/a", HTML_PAGE.encode())]):
            f.write(gzip.compress(r))
    tracemalloc.start()
    try:
        # zeros compress ~1000x, which the bomb guard refuses by default (tests/test_limits.py)
        arts = read_all(p, limits=Limits(max_ratio=0))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(arts) == 1
    assert peak < 16 << 20, f"peak {peak / 1e6:.1f} MB"


# --------------------------------------------------------------------------- URLs

class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes]] = {
        "/article": (200, "text/html; charset=utf-8", HTML_PAGE.encode()),
        "/plain": (200, "text/plain; charset=utf-8", b"Plain words about 7 000 geese.\n"),
        "/image": (200, "image/png", b"\x89PNG\r\n\x1a\n"),
        "/big": (200, "text/html", b"<p>" + b"x" * 5000 + b"</p>"),
        "/empty": (200, "text/html", b""),
    }

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/slow":
            time.sleep(1.5)
        status, ctype, body = self.routes.get(self.path, (404, "text/html", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_url_html(server):
    [a] = read_all(f"{server}/article", allow_private=True)
    assert a.input == f"{server}/article"
    assert a.title == "Orchard growers try frost fans" and "giant fans" in a.text


def test_url_plain_text(server):
    [a] = read_all(f"{server}/plain", allow_private=True)
    assert a.text == "Plain words about 7,000 geese." and a.url == f"{server}/plain"


@pytest.mark.parametrize("path, kw, match", [
    ("/missing", {}, "HTTP error 404"),
    ("/image", {}, "unsupported content type 'image/png'"),
    ("/big", {"max_bytes": 1000}, "over the limit"),
    ("/empty", {}, "empty response"),
    ("/slow", {"timeout": 0.3}, "timed out"),
])
def test_url_errors(server, path, kw, match):
    with pytest.raises(FetchError, match=match) as info:
        read_all(f"{server}{path}", allow_private=True, **kw)
    assert f"{server}{path}" in str(info.value)


def test_unreachable_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(FetchError, match="cannot reach"):
        read_all(f"http://127.0.0.1:{port}/x", timeout=2, allow_private=True)


def test_truncated_gzip_text(tmp_path):
    p = tmp_path / "story.txt.gz"
    p.write_bytes(gzip.compress(("A story that goes on. " * 2000).encode())[:-50])
    with pytest.raises(InputError, match="truncated or corrupt gzip") as info:
        read_all(p)
    assert str(p) in str(info.value)


def test_forced_kind_and_keep_clutter(tmp_path):
    p = tmp_path / "page.dat"
    p.write_text(HTML_PAGE, encoding="utf-8")
    [a] = read_all(p, kind="html")
    assert a.title == "Orchard growers try frost fans"
    [t] = read_all(FIX / "article.txt", strip_clutter=False)
    assert t.clutter == () and "Related stories" in t.text
