"""The JSON API and the HTML pages of `unspin serve`, driven with FastAPI's TestClient."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the [web] extra")
pytest.importorskip("multipart", reason="needs the [web] extra")

from fastapi.testclient import TestClient  # noqa: E402

from webutil import RECORDS, SUSPECT, index_samples, make_app, wait_job, write_scan  # noqa: E402

SOURCE = RECORDS[0]["text"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("web")
    scan = write_scan(tmp / "scan")
    with TestClient(make_app(tmp, scans=[scan])) as c:
        index_samples(c)
        yield c


@pytest.fixture(scope="module")
def traced(client: TestClient) -> tuple[str, dict[str, Any]]:
    r = client.post("/api/trace", json={"text": SUSPECT})
    assert r.status_code == 200, r.text
    return r.headers["x-unspin-result"], r.json()


def csrf_of(client: TestClient, page: str = "/") -> str:
    r = client.get(page)
    assert r.status_code == 200
    token = client.cookies.get("unspin_csrf")
    assert token and f'value="{token}"' in r.text
    return token


# ------------------------------------------------------------------------------ JSON API

def test_health_reports_version_and_index_size(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    from unspin import __version__

    assert body["unspin_version"] == __version__ and body["api_version"] == "1"
    assert body["index"]["articles"] == len(RECORDS) and body["index"]["bytes"] > 0
    assert client.get("/api/v1/health").json()["index"] == body["index"]


def test_check_returns_the_cli_json_and_a_permanent_result(client: TestClient) -> None:
    r = client.post("/api/v1/check", json={"text": SUSPECT})
    assert r.status_code == 200
    body = r.json()
    assert body["schema_version"] == 1 and body["verdict"] == "spun"
    assert any(f["text"] == "serenity" and f["suggestion"] == "peace" for f in body["flags"])
    rid = r.headers["x-unspin-result"]
    assert r.headers["location"] == f"/api/v1/results/{rid}"
    stored = client.get(f"/api/results/{rid}").json()
    assert stored["check"] == body and stored["kind"] == "analysis" and stored["trace"] is None
    # same object as `unspin check --json`
    from unspin.checker import check, to_json_dict
    from unspin.ingest import from_text

    cli = to_json_dict(check(from_text(SUSPECT, input="body")))
    assert json.loads(json.dumps(cli)) == body


def test_trace_finds_the_source_and_the_fact_changes(traced: tuple[str, dict[str, Any]]) -> None:
    _, body = traced
    assert body["schema_version"] == 1
    assert [s["id"] for s in body["sources"]][:1] == ["wire-001"]
    facts = [c for c in body["changes"] if c["kind"] == "fact"]
    assert any(c["copy_text"].startswith("North") and c["source_text"].startswith("South") for c in facts), facts
    assert body["summary"]["facts"]["entity"] >= 1


def test_extract_text_and_html(client: TestClient) -> None:
    r = client.post("/api/extract", json={"text": SOURCE, "title": "T", "published": "2025-03-14"})
    assert r.status_code == 200
    art = r.json()
    assert art["schema_version"] == 1 and art["title"] == "T" and art["published"] == "2025-03-14"
    assert art["text"].startswith("LISBON")
    page = ("<html><head><title>Headline here</title></head><body><article><h1>Headline here</h1>"
            + "".join(f"<p>{p}</p>" for p in SOURCE.split("\n")) + "</article></body></html>")
    r = client.post("/api/extract", json={"html": page, "url": "https://wire.example/x"})
    assert r.status_code == 200, r.text
    assert "Lisbon" in r.json()["text"] and r.json()["url"] == "https://wire.example/x"


def test_diff_of_two_texts(client: TestClient) -> None:
    r = client.post("/api/diff", json={"copy": {"text": SUSPECT}, "source": {"text": SOURCE}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["schema_version"] == 1 and body["summary"]["copy_words"] > 100
    assert any(c["kind"] == "fact" for c in body["changes"])
    assert client.get(r.headers["location"]).json()["diff"] == body
    # same object as `unspin diff --json`
    from unspin import diff
    from unspin.ingest import from_text

    cli = diff(from_text(SUSPECT, input="copy"), from_text(SOURCE, input="source"))
    assert json.loads(cli.to_json()) == body


def test_index_jobs_from_records_and_upload(client: TestClient, tmp_path: Path) -> None:
    rec = {"id": "extra-1", "title": "Harbour city votes on cruise ships", "site": "extra.example",
           "published": "2025-05-02", "text": "The harbour city council voted on Tuesday to ban cruise ships "
           "from the old port by 2027. " * 3}
    r = client.post("/api/v1/jobs/index/upload",
                    files={"file": ("more.jsonl", json.dumps(rec) + "\n", "application/octet-stream")})
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"])
    assert job["status"] == "done" and job["progress"]["added"] == 1
    again = client.post("/api/v1/jobs/index", json={"articles": [rec]})
    job = wait_job(client, again.json()["id"])
    assert job["progress"]["added"] == 0 and job["progress"]["skipped"] == 1
    jobs = client.get("/api/jobs").json()["jobs"]
    assert {job["id"], r.json()["id"]} <= {j["id"] for j in jobs}


def test_index_browse_with_facets_and_title_search(client: TestClient) -> None:
    body = client.get("/api/v1/index", params={"q": "Morvath"}).json()
    assert body["browse"]["total"] >= 1
    assert all("morvath" in a["title"].lower() for a in body["browse"]["articles"])
    sites = {f["value"]: f["count"] for f in client.get("/api/index").json()["browse"]["facets"]["site"]}
    assert sites and sum(sites.values()) >= len(RECORDS)
    site = next(iter(sites))
    only = client.get("/api/index", params={"site": site}).json()["browse"]
    assert only["total"] == sites[site] and all(a["site"] == site for a in only["articles"])


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    want = {("/api/v1/health", "get"), ("/api/v1/check", "post"), ("/api/v1/trace", "post"),
            ("/api/v1/extract", "post"), ("/api/v1/diff", "post"), ("/api/v1/results/{rid}", "get"),
            ("/api/v1/results/{rid}", "delete"), ("/api/v1/jobs/index", "post"),
            ("/api/v1/jobs/index/upload", "post"), ("/api/v1/jobs/{jid}", "get"), ("/api/v1/jobs", "get"),
            ("/api/v1/index", "get")}
    want |= {("/api/v1/jobs/scan/upload", "post"), ("/api/v1/jobs/verdicts", "post")}
    have = {(p, m) for p, ops in paths.items() for m in ops}
    assert want <= have, want - have
    # every route of the versioned API is in the document, none left out
    routes = {("/api/v1" + r.path, m.lower()) for r in client.app.state.api.routes  # type: ignore[attr-defined]
              for m in r.methods if m != "HEAD"}
    assert routes == have, routes ^ have
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/v1/check" in docs.text and "<script" not in docs.text


# ------------------------------------------------------------------------------ API errors

def err(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert body["status"] == status and body["error"]["code"] == code, body
    assert "Traceback" not in r.text
    return body["error"]


@pytest.mark.parametrize("payload, code, status", [
    ({}, "U100", 400),
    ({"text": "a", "html": "<p>b</p>"}, "U100", 400),
    ({"text": "   "}, "U100", 400),
    ({"text": 5}, "U808", 422),
    ({"text": "x", "colour": "red"}, "U808", 422),
])
def test_bad_bodies_are_4xx_with_the_engine_code(client: TestClient, payload: dict[str, Any], code: str,
                                                 status: int) -> None:
    err(client.post("/api/check", json=payload), status, code)


def test_not_json_is_415(client: TestClient) -> None:
    err(client.post("/api/check", content=b'{"text": "hello there"}', headers={"Content-Type": "text/plain"}),
        415, "U806")


def test_unknown_ids_are_404(client: TestClient) -> None:
    err(client.get("/api/results/nope-nope-nope"), 404, "U801")
    err(client.get("/api/jobs/nope-nope-nope"), 404, "U801")
    err(client.get("/api/v1/no/such/endpoint"), 404, "U801")
    r = client.get("/r/nope-nope-nope")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"] and "no result" in r.text


def test_trace_without_index_is_409(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, index=False)) as c:
        e = err(c.post("/api/trace", json={"text": SUSPECT}), 409, "U230")
        assert "no index" in e["message"]
        err(c.post("/api/v1/jobs/index", json={"articles": RECORDS}), 409, "U810")


def test_body_over_the_cap_is_413(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, max_body_mb=0.01)) as c:
        err(c.post("/api/check", json={"text": "word " * 5000}), 413, "U802")


def test_rate_limit_is_429(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, rate_per_minute=4)) as c:
        codes = [c.post("/api/extract", json={"text": "A short text about a harbour."}).status_code for _ in range(3)]
        assert codes[0] == 200 and codes[-1] == 429
        r = c.post("/api/extract", json={"text": "x"})
        err(r, 429, "U803")
        assert int(r.headers["retry-after"]) >= 1


def test_slow_request_times_out_with_503(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from unspin.web.engine import Engine

    monkeypatch.setattr(Engine, "check", lambda self, art: time.sleep(1.5) or {})
    with TestClient(make_app(tmp_path, timeout=0.3)) as c:
        err(c.post("/api/check", json={"text": "A short text."}), 503, "U807")


def test_internal_error_is_json_without_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin.web.engine import Engine

    def boom(self: Any, art: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Engine, "check", boom)
    with TestClient(make_app(tmp_path), raise_server_exceptions=False) as c:
        e = err(c.post("/api/check", json={"text": "A short text."}), 500, "U500")
        assert "secret internals" not in e["message"]


# ------------------------------------------------------------------------------ HTML pages and twins

def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/health", "/r/nope-nope-nope", "/static/app.css", "/corpus"):
        h = client.get(path).headers
        assert "default-src 'none'" in h["content-security-policy"] and "script-src" not in h["content-security-policy"]
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff" and h["referrer-policy"] == "same-origin"
        assert h["x-frame-options"] == "DENY"


def test_home_form_to_result_page_with_twins(client: TestClient) -> None:
    token = csrf_of(client)
    r = client.post("/analyze", data={"csrf": token, "text": SUSPECT, "published": "2025-03-20"},
                    follow_redirects=False)
    assert r.status_code == 303
    loc = r.headers["location"]
    rid = loc.rsplit("/", 1)[1]
    page = client.get(loc).text
    assert page.index("Fact changes") < page.index("Evidence") < page.index("side by side")
    assert "wire.example" in page and "South" in page
    assert "the source (the copy came later)" in page and "2025-03-20" in page
    twin = client.get(loc + ".json").json()
    assert twin["id"] == rid and twin["check"]["verdict"] == "spun" and twin["trace"]["sources"][0]["id"] == "wire-001"
    assert client.get(loc, headers={"Accept": "application/json"}).json() == twin
    assert client.get(f"/api/results/{rid}").json() == twin
    rows = list(csv.DictReader(io.StringIO(client.get(loc + ".csv").text)))
    assert rows and {r["kind"] for r in rows} >= {"fact", "synonym"}
    facts_only = client.get(loc, params={"show": "facts"}).text
    marked = 'class="k-synonym" title='  # a marked stretch of text (the legend has no title)
    assert marked not in facts_only.split('id="sbs"')[1] and 'class="k-fact" title=' in facts_only
    assert marked in page.split('id="sbs"')[1]


def test_home_form_rejects_a_bad_date(client: TestClient) -> None:
    r = client.post("/analyze", data={"csrf": csrf_of(client), "text": SUSPECT, "published": "March"})
    assert r.status_code == 400 and "2025-03-14" in r.text


def test_upload_a_file_on_the_home_page(client: TestClient) -> None:
    token = csrf_of(client)
    r = client.post("/analyze", data={"csrf": token}, files={"file": ("suspect.txt", SUSPECT.encode(), "text/plain")})
    assert r.status_code == 200 and "Fact changes" in r.text


def test_compare_page(client: TestClient) -> None:
    token = csrf_of(client, "/compare")
    r = client.post("/compare", data={"csrf": token, "copy": SUSPECT, "source": SOURCE})
    assert r.status_code == 200 and "Fact changes" in r.text and "Evidence" not in r.text
    assert client.get("/compare.json").json()["post"] == "/api/v1/diff"


def test_corpus_jobs_and_scan_pages_have_json_twins(client: TestClient) -> None:
    assert "Morvath" in client.get("/corpus", params={"q": "Morvath"}).text
    assert client.get("/corpus.json").json()["index"]["articles"] >= len(RECORDS)
    jobs = client.get("/jobs.json").json()["jobs"]
    assert jobs and client.get(f"/jobs/{jobs[0]['id']}.json").json()["id"] == jobs[0]["id"]
    assert "Status" in client.get(f"/jobs/{jobs[0]['id']}").text
    assert client.get("/index.json").json()["index"]["articles"] >= len(RECORDS)
    scans = client.get("/scans.json").json()["scans"]
    assert len(scans) == 1
    dash = client.get("/scans/0")
    assert dash.status_code == 200 and "farm.example" in dash.text and "distorted" in dash.text
    data = client.get("/scans/0.json").json()
    assert data["copies_by_verdict"] == {"distorted": 1, "verbatim": 1} and len(data["sites"]) == 3
    rep = client.get("/scans/0/report.html")
    assert rep.status_code == 200 and rep.headers["content-security-policy"].startswith("sandbox")
    err(client.get("/scans/7.json"), 404, "U801")


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from unspin.errors import MissingExtraError
    from unspin.web import require_web

    monkeypatch.setitem(sys.modules, "fastapi", None)
    with pytest.raises(MissingExtraError, match=r"unspin\[web\]"):
        require_web()


def test_cli_refuses_to_bind_beyond_loopback_without_a_token(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from unspin.cli import main

    monkeypatch.delenv("UNSPIN_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "without a token" in capsys.readouterr().err


def test_api_answers_validate_against_the_shipped_schemas(client: TestClient,
                                                          traced: tuple[str, dict[str, Any]]) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a dev extra")
    schema_dir = Path(__file__).resolve().parent.parent / "docs" / "schema"

    def valid(doc: Any, name: str) -> None:
        schema = json.loads((schema_dir / name).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(doc)

    valid(client.post("/api/check", json={"text": SUSPECT}).json(), "check.schema.json")
    valid(traced[1], "trace.schema.json")
    valid(client.post("/api/extract", json={"text": SOURCE}).json(), "article.schema.json")
    valid(client.post("/api/diff", json={"copy": {"text": SUSPECT}, "source": {"text": SOURCE}}).json(),
          "diff.schema.json")
