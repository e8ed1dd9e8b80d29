"""The FastAPI application: JSON API under ``/api/v1`` (also ``/api``), HTML pages, jobs.

Built by :func:`create_app` from a :class:`ServeConfig`. See ``unspin.web`` for the overview.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import logging
import re
import secrets
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from unspin import __version__
from unspin.errors import InputError, UnspinError
from unspin.netpolicy import SafeFetcher
from unspin.options import Options
from unspin.web import pages
from unspin.web.engine import Engine, Payload
from unspin.web.errors import (
    WebError,
    bad_request,
    csrf_failed,
    not_found,
    status_of,
    unauthorized,
    unsupported_media,
)
from unspin.web.jobs import JobRunner, estimate_records
from unspin.web.security import Guard, RateLimiter
from unspin.web.store import Store

log = logging.getLogger(__name__)

__all__ = ["ServeConfig", "create_app"]

API_VERSION = "1"
UPLOAD_PATHS = frozenset({"/corpus/add", "/scans/run", "/api/v1/jobs/index", "/api/jobs/index",
                          "/api/v1/jobs/index/upload", "/api/jobs/index/upload", "/api/v1/jobs/scan/upload",
                          "/api/jobs/scan/upload"})
LOOPBACK = ("127.0.0.1", "::1", "localhost")
_ID = re.compile(r"^[A-Za-z0-9_-]{4,40}$")
_UPLOAD_EXT = re.compile(r"(\.(jsonl|ndjson|json|csv|tsv|txt|md|html?|xhtml|xml|rss|atom|rdf|warc|arc))(\.gz)?$", re.I)


@dataclass
class ServeConfig:
    """Settings of one server (``unspin serve`` options)."""

    db: Path | None = None
    data: Path = Path("unspin-data")
    host: str = "127.0.0.1"
    token: str | None = None
    max_body_mb: float = 2.0
    max_upload_mb: float = 100.0
    rate_per_minute: float = 60.0
    timeout: float = 60.0
    scans: list[Path] = field(default_factory=list)
    fetcher: SafeFetcher | None = None
    options: Options | None = None  # the engine's settings (unspin.Options)
    allowed_hosts: frozenset[str] | None = None  # Host header names answered (None: any)
    warm_up: bool = False  # load the lexical resources at start, in the background
    keep_days: float = 30.0  # stored results (and finished jobs) older than this are deleted; 0: kept
    max_results: int = 20_000  # at most this many stored results, the oldest deleted first; 0: no cap

    @property
    def needs_token(self) -> bool:
        return bool(self.token)


# ---------------------------------------------------------------------------------- API models

class ArticleIn(BaseModel):
    """One article: exactly one of ``text``, ``html`` or ``url``."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, description="The article as plain text.")
    html: str | None = Field(None, description="The page as HTML.")
    url: str | None = Field(None, description="An http(s) address to fetch (public addresses only); "
                                              "with text or html, just the page's address.")
    title: str | None = None
    published: str | None = Field(None, description="Publication date, ISO 8601.")


class DiffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    copy_: ArticleIn = Field(..., alias="copy")
    source: ArticleIn


class IndexJobIn(BaseModel):
    """Articles to add: corpus records (like JSONL lines) and/or addresses to fetch."""

    model_config = ConfigDict(extra="forbid")
    articles: list[dict[str, Any]] = Field(default_factory=list, description="Records with id, title, text "
                                           "or html, optional url, published, site.")
    urls: list[str] = Field(default_factory=list, description="Article addresses to fetch.")


class VerdictsJobIn(BaseModel):
    """Spin-check indexed articles that have no verdict yet (the corpus browser's facet)."""

    model_config = ConfigDict(extra="forbid")
    limit: int = Field(5000, ge=1, le=5000, description="Check at most this many articles (oldest first).")


class ErrorOut(BaseModel):
    error: dict[str, Any]
    status: int


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorOut, "description": d} for s, d in (
        (400, "Bad input (engine error code U1xx)"), (409, "No index"), (413, "Body too large"),
        (415, "Not JSON"), (422, "Invalid request or URL refused/unreachable"), (429, "Rate limited"),
        (503, "Timed out"))}
WRITE_ERRORS = {**ERRORS, 401: {"model": ErrorOut, "description": "Token required"}}


def _err_json(err: UnspinError) -> dict[str, Any]:
    return {"error": err.to_dict(), "status": status_of(err)}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _iso(t: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if t is None else t))


def _split_name(name: str) -> tuple[str, str]:
    for ext in (".json", ".csv"):
        if name.endswith(ext):
            return name[: -len(ext)], ext[1:]
    return name, ""


_CSV_COLUMNS = ["kind", "subtype", "copy_start", "copy_end", "copy_text", "source_id", "source_start",
                "source_end", "source_text", "explanation"]


def changes_csv(res: dict[str, Any]) -> str:
    """The changes of a result as CSV; cells that a spreadsheet would run as a formula are quoted."""
    body = res.get("diff") or res.get("trace") or {}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(_CSV_COLUMNS)
    for c in body.get("changes") or []:
        row = []
        for k in _CSV_COLUMNS:
            v = c.get(k)
            s = "" if v is None else str(v)
            if s[:1] in ("=", "+", "-", "@", "\t", "\r"):
                s = "'" + s
            row.append(s)
        w.writerow(row)
    return buf.getvalue()


def create_app(cfg: ServeConfig) -> FastAPI:
    """The web app for ``cfg`` (the store and the job runner start with the app's lifespan)."""
    store = Store(cfg.data, keep_days=cfg.keep_days, max_results=cfg.max_results)
    engine = Engine(cfg.db, cfg.fetcher, cfg.options, catalog=store.data / "catalog.sqlite")
    runner = JobRunner(store, engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        store.prune()
        runner.start()
        warm: threading.Thread | None = None
        if cfg.warm_up:
            warm = threading.Thread(target=engine.warm_up, name="unspin-warm-up", daemon=True)
            warm.start()
        log.info("unspin serve: data in %s, index %s", cfg.data, cfg.db)
        yield
        log.info("shutting down: stopping the job runner (the running job is checkpointed)")
        runner.stop()
        if warm is not None:
            # Let a warm-up still loading the models finish: exiting while onnxruntime builds
            # its session aborts the process ("terminate called without an active exception").
            warm.join(timeout=120)
        engine.catalog.close()
        store.close()

    app = FastAPI(title="unspin API", version=f"{API_VERSION} (unspin {__version__})",
                  description="Where did a news text come from, and what did the rewrite change? "
                              "Results are the JSON objects the unspin command line prints.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.store, app.state.engine, app.state.runner, app.state.cfg = store, engine, runner, cfg

    # ------------------------------------------------------------------ errors
    def error_response(request: Request, err: UnspinError) -> Response:
        status = status_of(err)
        if _wants_json(request):
            return JSONResponse(_err_json(err), status_code=status)
        return HTMLResponse(pages.error_page(status, err.to_dict()), status_code=status)

    @app.exception_handler(UnspinError)
    async def _unspin_error(request: Request, exc: UnspinError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        return error_response(request, bad_request(f"{first.get('msg', 'invalid request')}", input=where or None))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_response(request, WebError("no such page", status=404, code="U801", input=request.url.path))
        if exc.status_code == 405:
            return error_response(request, WebError("method not allowed here", status=405, code="U809",
                                                    input=request.url.path))
        return error_response(request, WebError(str(exc.detail), status=exc.status_code, code="U800"))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        err = WebError(f"internal error ({type(exc).__name__}); the server log has the details", status=500,
                       code="U500")
        return error_response(request, err)

    # ------------------------------------------------------------------ auth and CSRF
    def token_ok(request: Request) -> bool:
        if not cfg.token:
            return True
        auth = request.headers.get("authorization", "")
        given = auth[7:].strip() if auth.lower().startswith("bearer ") else request.cookies.get("unspin_token", "")
        return bool(given) and hmac.compare_digest(given.encode(), cfg.token.encode())

    def require_token(request: Request) -> None:
        if not token_ok(request):
            raise unauthorized()

    def require_json(request: Request) -> None:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise unsupported_media(ctype)

    def csrf_token(request: Request) -> str:
        return request.cookies.get("unspin_csrf") or secrets.token_urlsafe(18)

    def with_csrf(resp: Response, tok: str) -> Response:
        resp.set_cookie("unspin_csrf", tok, httponly=True, samesite="strict", path="/")
        return resp

    def check_csrf(request: Request, given: str) -> None:
        cookie = request.cookies.get("unspin_csrf", "")
        if not cookie or not given or not hmac.compare_digest(cookie.encode(), given.encode()):
            raise csrf_failed()
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if origin.split("://", 1)[-1] != host:
                raise csrf_failed()

    # ------------------------------------------------------------------ work
    def envelope(kind: str, payload: Payload, art: Any | None) -> dict[str, Any]:
        return {"schema_version": 1, "kind": kind, "created": _iso(), "unspin_version": __version__,
                "input": {"name": payload.name, "kind": payload.kind, "url": getattr(art, "url", None) or payload.url,
                          "title": getattr(art, "title", None), "published": getattr(art, "published", None),
                          "site": getattr(art, "site", None), "id": getattr(art, "id", None)}}

    def save(res: dict[str, Any]) -> str:
        rid = store.put_result(res["kind"], res)
        res["id"] = rid
        return rid

    def analyze(payload: Payload, *, do_check: bool = True, do_trace: bool | None = None) -> dict[str, Any]:
        art = engine.extract(payload)
        res = envelope("analysis", payload, art)
        res["texts"] = {"copy": art.original or art.text, "sources": {}}
        if do_check:
            res["check"] = engine.check(art)
        if do_trace or (do_trace is None and engine.index_size()["articles"]):
            res["trace"], res["texts"]["sources"] = engine.trace(art)
        else:
            res["trace"] = None
        return res

    def stored(rid: str) -> dict[str, Any]:
        if not _ID.match(rid):
            raise not_found("result", rid)
        res = store.get_result(rid)
        if res is None:
            raise not_found("result", rid)
        res["id"] = rid
        return res

    def job_view(jid: str) -> dict[str, Any]:
        j = store.get_job(jid) if _ID.match(jid) else None
        if j is None:
            raise not_found("job", jid)
        j.pop("spec", None)
        j["links"] = {"self": f"/api/v1/jobs/{jid}", "page": f"/jobs/{jid}"}
        if j["kind"] == "scan" and j["status"] == "done":
            j["links"]["result"] = f"/scans/job-{jid}"
        return j

    def created(body: Any, rid: str) -> JSONResponse:
        return JSONResponse(body, headers={"Location": f"/api/v1/results/{rid}", "X-Unspin-Result": rid,
                                           "Link": f'</r/{rid}>; rel="alternate"; type="text/html"'})

    def save_upload(up: UploadFile, limit: int) -> dict[str, Any]:
        name = Path(up.filename or "upload").name
        m = _UPLOAD_EXT.search(name)
        ext = m.group(0).lower() if m else ".txt"
        stored_name = f"{secrets.token_hex(8)}{ext}"
        dest = store.data / "uploads" / stored_name
        size = 0
        with open(dest, "wb") as fh:
            while True:
                chunk = up.file.read(1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    fh.close()
                    dest.unlink(missing_ok=True)
                    from unspin.web.errors import too_large

                    raise too_large(size, limit)
                fh.write(chunk)
        if size == 0:
            dest.unlink(missing_ok=True)
            raise InputError("the uploaded file is empty", input=name)
        kind = None
        from unspin.ingest import detect_kind

        with open(dest, "rb") as fh:
            kind = detect_kind(stored_name, fh.read(8192))
        return {"path": stored_name, "name": name, "kind": kind, "bytes": size,
                "estimate": estimate_records(dest, kind)}

    def index_job(files: list[dict[str, Any]], urls: list[str]) -> str:
        if cfg.db is None:
            raise WebError("the server was started without --db: there is no index to add to", status=409,
                           code="U810", hint="restart with --db INDEX")
        for u in urls:
            from unspin.netpolicy import host_port

            host_port(u)  # refuse non-http(s) at once; addresses are checked when fetched
        if not files and not urls:
            raise InputError("nothing to add: upload a file or give addresses", input="request")
        # records to read, when every upload's count is known (else the bar counts inputs)
        known = all(f["estimate"] is not None for f in files)
        est = sum(f["estimate"] or 0 for f in files) + len(urls) if known else 0
        return runner.submit("index", {"files": files, "urls": urls, "estimate": est or None})

    # ------------------------------------------------------------------ JSON API
    api = APIRouter()

    @api.get("/health", summary="Version, index size, jobs", responses=ERRORS)
    def health() -> dict[str, Any]:
        return {"status": "ok", "api_version": API_VERSION, "unspin_version": __version__,
                "index": {"name": cfg.db.name if cfg.db else None, **engine.index_size()},
                "results": store.count_results(), "jobs_running": not runner.idle(),
                "token_required_for_writes": cfg.needs_token}

    @api.post("/check", summary="Spin check of one article (unspin check --json)", dependencies=[Depends(require_json)], responses=ERRORS)
    def api_check(body: ArticleIn, request: Request) -> JSONResponse:
        res = analyze(Payload.from_json(body.model_dump(), "body"), do_trace=False)
        rid = save(res)
        return created(res["check"], rid)

    @api.post("/trace", summary="Sources in the index and what changed (unspin trace --json)", dependencies=[Depends(require_json)], responses=ERRORS)
    def api_trace(body: ArticleIn, request: Request) -> JSONResponse:
        res = analyze(Payload.from_json(body.model_dump(), "body"), do_check=False, do_trace=True)
        res["kind"] = "trace"
        rid = save(res)
        return created(res["trace"], rid)

    @api.post("/extract", summary="The article read from text, HTML or a URL (unspin extract --json)",
              dependencies=[Depends(require_json)], responses=ERRORS)
    def api_extract(body: ArticleIn, request: Request) -> JSONResponse:
        p = Payload.from_json(body.model_dump(), "body")
        art = engine.extract(p)
        res = envelope("extract", p, art)
        res["article"] = engine.article_json(art)
        res["texts"] = {"copy": art.original or art.text, "sources": {}}
        rid = save(res)
        return created(res["article"], rid)

    @api.post("/diff", summary="What changed between a copy and its source (unspin diff --json)",
              dependencies=[Depends(require_json)], responses=ERRORS)
    def api_diff(body: DiffIn, request: Request) -> JSONResponse:
        res = do_diff(Payload.from_json(body.copy_.model_dump(), "copy"),
                      Payload.from_json(body.source.model_dump(), "source"))
        return created(res["diff"], res["id"])

    def do_diff(cp: Payload, sp: Payload) -> dict[str, Any]:
        ca, sa = engine.extract(cp), engine.extract(sp)
        res = envelope("diff", cp, ca)
        res["diff"] = engine.diff(ca, sa)
        res["source"] = {"name": sp.name, "kind": sp.kind, "url": sa.url, "title": sa.title,
                         "published": sa.published, "site": sa.site, "id": sa.id}
        res["texts"] = {"copy": ca.original or ca.text,
                        "sources": {res["diff"]["source_id"]: {"text": sa.original or sa.text, "site": sa.site,
                                                               "url": sa.url, "title": sa.title,
                                                               "published": sa.published}}}
        save(res)
        return res

    @api.get("/results/{rid}", summary="A stored result (permanent link)", responses=ERRORS)
    def api_result(rid: str) -> dict[str, Any]:
        return stored(rid)

    @api.delete("/results/{rid}", summary="Delete a stored result (token)", responses=WRITE_ERRORS)
    def api_delete_result(rid: str, request: Request) -> dict[str, Any]:
        require_token(request)
        if not _ID.match(rid) or not store.delete_result(rid):
            raise not_found("result", rid)
        return {"deleted": rid}

    @api.post("/jobs/index", summary="Add records or URLs to the index as a job (token)", status_code=202,
              dependencies=[Depends(require_json)], responses=WRITE_ERRORS)
    def api_index_job(body: IndexJobIn, request: Request) -> JSONResponse:
        require_token(request)
        files = []
        if body.articles:
            name = f"{secrets.token_hex(8)}.jsonl"
            with open(store.data / "uploads" / name, "w", encoding="utf-8") as fh:
                for rec in body.articles:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            files.append({"path": name, "name": "request.articles", "kind": "jsonl",
                          "estimate": len(body.articles)})
        jid = index_job(files, body.urls)
        return JSONResponse(job_view(jid), status_code=202, headers={"Location": f"/api/v1/jobs/{jid}"})

    @api.post("/jobs/index/upload", summary="Upload a corpus file (JSONL/CSV/WARC/feed) to index (token)",
              status_code=202, responses=WRITE_ERRORS)
    def api_index_upload(request: Request, file: UploadFile = File(...)) -> JSONResponse:
        require_token(request)
        jid = index_job([save_upload(file, int(cfg.max_upload_mb * 2**20))], [])
        return JSONResponse(job_view(jid), status_code=202, headers={"Location": f"/api/v1/jobs/{jid}"})

    def verdicts_job(limit: int) -> str:
        if cfg.db is None:
            raise WebError("the server was started without --db: there is no index to check", status=409,
                           code="U810", hint="restart with --db INDEX")
        return runner.submit("verdicts", {"limit": limit})

    @api.post("/jobs/verdicts", summary="Spin-check the indexed articles without a verdict, as a job (token)",
              status_code=202, dependencies=[Depends(require_json)], responses=WRITE_ERRORS)
    def api_verdicts_job(body: VerdictsJobIn, request: Request) -> JSONResponse:
        require_token(request)
        jid = verdicts_job(body.limit)
        return JSONResponse(job_view(jid), status_code=202, headers={"Location": f"/api/v1/jobs/{jid}"})

    @api.get("/jobs/{jid}", summary="A job's status and progress", responses=ERRORS)
    def api_job(jid: str) -> dict[str, Any]:
        return job_view(jid)

    @api.get("/jobs", summary="Recent jobs", responses=ERRORS)
    def api_jobs() -> dict[str, Any]:
        return {"jobs": [job_view(j["id"]) for j in store.list_jobs()]}

    @api.get("/index", summary="Browse the index: facets by site, month and verdict, search by title",
             responses=ERRORS)
    def api_index(q: str = "", site: str = "", month: str = "", verdict: str = "", offset: int = 0,
                  limit: int = 50) -> dict[str, Any]:
        return corpus_data(q, site, month, verdict, offset, limit)

    def corpus_data(q: str, site: str, month: str, verdict: str, offset: int, limit: int) -> dict[str, Any]:
        limit = max(1, min(limit, 200))
        offset = max(0, offset)
        return {"db": cfg.db.name if cfg.db else None, "index": engine.index_stats(),
                "query": {"q": q, "site": site, "month": month, "verdict": verdict, "offset": offset},
                "browse": engine.browse(q=q[:200], site=site[:200], month=month[:7], verdict=verdict[:20],
                                        offset=offset, limit=limit)}

    # ------------------------------------------------------------------ HTML pages
    def html(request: Request, body: str, tok: str | None = None, status: int = 200) -> Response:
        resp = HTMLResponse(body, status_code=status)
        return with_csrf(resp, tok) if tok else resp

    @app.get("/static/app.css", include_in_schema=False)
    def css() -> Response:
        return Response(pages.APP_CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> Response:
        return HTMLResponse(pages.api_docs(app.openapi()))

    @app.get("/", include_in_schema=False)
    @app.get("/index.json", include_in_schema=False)
    def home(request: Request) -> Response:
        data = {"version": __version__, "index": engine.index_size(), "db": cfg.db.name if cfg.db else None,
                "signed_in": token_ok(request) if cfg.token else None,
                "links": {"check": "/analyze", "compare": "/compare", "corpus": "/corpus", "api": "/api/docs"}}
        if _wants_json(request):
            return JSONResponse(data)
        tok = csrf_token(request)
        return html(request, pages.home(data, tok), tok)

    @app.post("/analyze", include_in_schema=False)
    def analyze_form(request: Request, csrf: str = Form(""), text: str = Form(""), url: str = Form(""),
                     title: str = Form(""), published: str = Form(""),
                     file: UploadFile | None = File(None)) -> Response:
        check_csrf(request, csrf)
        if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published.strip()):
            raise InputError("the publication date must look like 2025-03-14", input="published")
        meta = {"title": title.strip()[:500] or None, "published": published.strip() or None}
        if file is not None and file.filename:
            cap = int(cfg.max_body_mb * 2**20)
            raw = file.file.read(cap + 1)
            if len(raw) > cap:
                from unspin.web.errors import too_large

                raise too_large(len(raw), cap)
            from unspin.ingest.decode import decode_bytes

            content = decode_bytes(raw, input=Path(file.filename).name)
            name = Path(file.filename).name
            is_html = bool(re.search(r"\.x?html?$", name, re.I)) or content.lstrip()[:1] == "<"
            payload = (Payload(html=content, name=name, **meta) if is_html
                       else Payload(text=content, name=name, **meta))
        elif text.strip():
            t = text.strip()
            looks_html = t[:1] == "<" and bool(re.search(r"<(html|body|p|div|article)\b", t[:4000], re.I))
            payload = (Payload(html=text, name="pasted HTML", **meta) if looks_html
                       else Payload(text=text, name="pasted text", **meta))
        elif url.strip():
            payload = Payload(url=url.strip(), name=url.strip(), **meta)
        else:
            raise InputError("paste a text, give an address or choose a file", input="form")
        res = analyze(payload)
        rid = save(res)
        return RedirectResponse(f"/r/{rid}", status_code=303)

    @app.get("/r/{name}", include_in_schema=False)
    def result_page(name: str, request: Request, show: str = "all") -> Response:
        rid, ext = _split_name(name)
        res = stored(rid)
        if ext == "csv":
            return Response(changes_csv(res), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="unspin-{rid}.csv"'})
        if ext == "json" or _wants_json(request):
            return JSONResponse(res)
        return html(request, pages.result(res, "facts" if show == "facts" else "all"))

    @app.get("/compare", include_in_schema=False)
    @app.get("/compare.json", include_in_schema=False)
    def compare_page(request: Request) -> Response:
        if _wants_json(request):
            return JSONResponse({"post": "/api/v1/diff", "fields": ["copy", "source"]})
        tok = csrf_token(request)
        return html(request, pages.compare_form(tok), tok)

    @app.post("/compare", include_in_schema=False)
    def compare_post(request: Request, csrf: str = Form(""), copy_text: str = Form("", alias="copy"),
                     source: str = Form("")) -> Response:
        check_csrf(request, csrf)
        if not copy_text.strip() or not source.strip():
            raise InputError("paste both the copy and the source", input="form")
        res = do_diff(Payload(text=copy_text, name="copy"), Payload(text=source, name="source"))
        return RedirectResponse(f"/r/{res['id']}", status_code=303)

    @app.get("/corpus", include_in_schema=False)
    @app.get("/corpus.json", include_in_schema=False)
    def corpus_page(request: Request, q: str = "", site: str = "", month: str = "", verdict: str = "",
                    offset: int = 0) -> Response:
        data = corpus_data(q, site, month, verdict, offset, 50)
        if _wants_json(request):
            return JSONResponse(data)
        tok = csrf_token(request)
        return html(request, pages.corpus(data, tok, token_ok(request)), tok)

    @app.post("/corpus/add", include_in_schema=False)
    def corpus_add(request: Request, csrf: str = Form(""), urls: str = Form(""),
                   files: list[UploadFile] = File(default_factory=list)) -> Response:
        check_csrf(request, csrf)
        require_token(request)
        saved = [save_upload(f, int(cfg.max_upload_mb * 2**20)) for f in files if f.filename]
        url_list = [u.strip() for u in urls.splitlines() if u.strip()]
        jid = index_job(saved, url_list)
        return RedirectResponse(f"/jobs/{jid}", status_code=303)

    @app.post("/corpus/check", include_in_schema=False)
    def corpus_check(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        require_token(request)
        return RedirectResponse(f"/jobs/{verdicts_job(5000)}", status_code=303)

    @app.get("/jobs", include_in_schema=False)
    @app.get("/jobs.json", include_in_schema=False)
    def jobs_page(request: Request) -> Response:
        items = [job_view(j["id"]) for j in store.list_jobs()]
        if _wants_json(request):
            return JSONResponse({"jobs": items})
        return html(request, pages.jobs(items))

    @app.get("/jobs/{name}", include_in_schema=False)
    def job_page(name: str, request: Request) -> Response:
        jid, ext = _split_name(name)
        j = job_view(jid)
        if ext == "json" or _wants_json(request):
            return JSONResponse(j)
        return html(request, pages.job(j))

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> Response:
        tok = csrf_token(request)
        return html(request, pages.login(tok), tok)

    @app.post("/login", include_in_schema=False)
    def login_post(request: Request, csrf: str = Form(""), token: str = Form("")) -> Response:
        check_csrf(request, csrf)
        if not cfg.token or not hmac.compare_digest(token.encode(), cfg.token.encode()):
            return html(request, pages.login(csrf, failed=True), status=401)
        resp = RedirectResponse("/corpus", status_code=303)
        resp.set_cookie("unspin_token", token, httponly=True, samesite="strict", path="/")
        return resp

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> Response:
        check_csrf(request, csrf)
        resp = RedirectResponse("/", status_code=303)
        resp.delete_cookie("unspin_token", path="/")
        return resp

    # ------------------------------------------------------------------ scans
    from unspin.web import scans as scan_pages

    def scan_form(request: Request, tok: str) -> str:
        if not token_ok(request):
            return '<p class="hint">Running a scan needs the server\'s token: <a href="/login">sign in</a>.</p>'
        return pages.scan_form(tok)

    def scan_job(files: list[dict[str, Any]]) -> str:
        if not files:
            raise InputError("nothing to scan: upload a crawl (WARC, JSONL, CSV, feed)", input="request")
        return runner.submit("scan", {"files": files})

    @api.post("/jobs/scan/upload", summary="Upload a crawl (WARC/JSONL/CSV/feed) and scan it as a job (token)",
              status_code=202, responses=WRITE_ERRORS)
    def api_scan_upload(request: Request, file: UploadFile = File(...)) -> JSONResponse:
        require_token(request)
        jid = scan_job([save_upload(file, int(cfg.max_upload_mb * 2**20))])
        return JSONResponse(job_view(jid), status_code=202, headers={"Location": f"/api/v1/jobs/{jid}"})

    @app.post("/scans/run", include_in_schema=False)
    def scan_run(request: Request, csrf: str = Form(""), files: list[UploadFile] = File(default_factory=list)) -> Response:
        check_csrf(request, csrf)
        require_token(request)
        jid = scan_job([save_upload(f, int(cfg.max_upload_mb * 2**20)) for f in files if f.filename])
        return RedirectResponse(f"/jobs/{jid}", status_code=303)

    app.include_router(api, prefix="/api/v1", tags=["v1"])
    app.state.api = api  # the JSON API's routes (a test checks the OpenAPI document lists each)
    app.include_router(api, prefix="/api", include_in_schema=False)
    scan_pages.register(app, cfg, store.data, _wants_json, html, scan_form, csrf_token)

    def guard_error(err: UnspinError, path: str) -> tuple[int, bytes, bytes]:
        status = status_of(err)
        if path.startswith("/api/") or path.endswith(".json"):
            return status, b"application/json", json.dumps(_err_json(err)).encode()
        return status, b"text/html; charset=utf-8", pages.error_page(status, err.to_dict()).encode()

    body_limit = int(cfg.max_body_mb * 2**20)
    upload_limit = int(cfg.max_upload_mb * 2**20) + 64 * 1024  # multipart framing

    def limit_for(path: str) -> int:
        return upload_limit if path in UPLOAD_PATHS else body_limit

    app.add_middleware(Guard, max_body=limit_for,  # type: ignore[arg-type]
                       limiter=RateLimiter(cfg.rate_per_minute), timeout=cfg.timeout, error_body=guard_error,
                       allowed_hosts=cfg.allowed_hosts)
    return app
