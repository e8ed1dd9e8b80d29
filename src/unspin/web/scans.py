"""Browse the output of ``unspin scan`` (a folder given with ``unspin serve --scans DIR``).

A scan folder holds ``articles.jsonl`` (one object per article: url, site, title, published,
cluster, role, source_url, copied_from_url, delay_hours, verdict, spin_share, fact_changes),
``sites.csv`` (site, articles, originals, copies, copy_rate, spun_rate, distortion_rate,
median_delay_hours), ``clusters.jsonl`` and ``report.html`` (issue 12). This page shows the
per-site table with a chart of the rates, the largest clusters as timelines, and serves the
scan's own ``report.html`` in a sandbox (no script, no network, its own origin).
Reading is bounded (``MAX_ARTICLES``, ``MAX_SITES``); missing files give empty tables.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from unspin.web import pages
from unspin.web.errors import not_found

__all__ = ["load_scan", "register"]

MAX_ARTICLES = 20000
MAX_SITES = 2000
TOP_CLUSTERS = 20
_REPORT = re.compile(r"^copies/[A-Za-z0-9_-]{1,64}\.(html|json)$")
SANDBOX_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _float(v: Any) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def load_scan(folder: Path) -> dict[str, Any]:
    """The tables of one scan folder (bounded), as the page's JSON twin returns them."""
    problems: list[str] = []
    sites: list[dict[str, Any]] = []
    p = folder / "sites.csv"
    if p.exists():
        try:
            with open(p, newline="", encoding="utf-8") as fh:
                for k, row in enumerate(csv.DictReader(fh)):
                    if k >= MAX_SITES:
                        problems.append(f"sites.csv: only the first {MAX_SITES} sites are shown")
                        break
                    sites.append({key: (_float(v) if key != "site" and _float(v) is not None else v)
                                  for key, v in row.items() if key is not None})
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(f"sites.csv: {exc}")
    else:
        problems.append("sites.csv: missing")
    articles: list[dict[str, Any]] = []
    p = folder / "articles.jsonl"
    if p.exists():
        try:
            with open(p, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if len(articles) >= MAX_ARTICLES:
                        problems.append(f"articles.jsonl: only the first {MAX_ARTICLES} articles are read")
                        break
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except ValueError:
                        problems.append(f"articles.jsonl:{n}: not JSON")
                        continue
                    if isinstance(obj, dict):
                        articles.append(obj)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"articles.jsonl: {exc}")
    else:
        problems.append("articles.jsonl: missing")
    clusters: dict[str, list[dict[str, Any]]] = {}
    for a in articles:
        c = a.get("cluster")
        if c is not None:
            clusters.setdefault(str(c), []).append(a)
    biggest = sorted(clusters.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOP_CLUSTERS]
    out_clusters = []
    for cid, members in biggest:
        members = sorted(members, key=lambda a: (a.get("role") != "original", str(a.get("published") or "~")))
        out_clusters.append({"cluster": cid, "size": len(members), "members": [
            {k: m.get(k) for k in ("url", "site", "title", "published", "role", "copied_from_url",
                                   "delay_hours", "verdict", "spin_share", "fact_changes", "report")}
            for m in members]})
    verdicts: dict[str, int] = {}
    for a in articles:
        if a.get("role") == "copy":
            v = str(a.get("verdict"))
            verdicts[v] = verdicts.get(v, 0) + 1
    return {"folder": folder.name, "articles": len(articles), "clusters_total": len(clusters),
            "copies_by_verdict": verdicts, "sites": sites, "clusters": out_clusters,
            "has_report": (folder / "report.html").exists(), "problems": problems}


def _rate_chart(sites: list[dict[str, Any]]) -> str:
    top = sorted(sites, key=lambda s: -(s.get("articles") or 0))[:15]
    if not top:
        return ""
    rows = []
    h = 22
    for k, s in enumerate(top):
        y = k * h
        rows.append(f'<text x="0" y="{y + 15}" font-size="12">{pages._e(str(s.get("site"))[:28])}</text>')
        for j, (key, colour) in enumerate((("copy_rate", "#1a73e8"), ("spun_rate", "#f9ab00"),
                                            ("distortion_rate", "#c5221f"))):
            v = max(0.0, min(1.0, float(s.get(key) or 0.0)))
            rows.append(f'<rect x="{180 + 0}" y="{y + 2 + 6 * j}" width="{300 * v:.1f}" height="5" fill="{colour}">'
                        f'<title>{key.replace("_", " ")} {100 * v:.0f}%</title></rect>')
    height = h * len(top)
    legend = ('<p class="legend"><span class="sw-copy">&#9632; copy rate</span> <span class="sw-spun">&#9632; spun rate</span>'
              ' <span class="sw-dist">&#9632; distortion rate</span></p>')
    return (f'{legend}<svg viewBox="0 0 500 {height}" width="100%" role="img" aria-label="rates per site">'
            f'{"".join(rows)}</svg>')


def render(key: str, data: dict[str, Any]) -> str:
    e = pages._e
    base = f"/scans/{quote(key)}"
    parts = [f"<h1>Scan: <code>{e(key if key.startswith('job-') else Path(data['folder']).name)}</code></h1>",
             f"<p>{data['articles']:,} articles in {data['clusters_total']:,} copy clusters; copies by verdict: "
             + (", ".join(f"{e(k)} {v}" for k, v in sorted(data["copies_by_verdict"].items())) or "none") + ".</p>",
             f'<p class="twin"><a href="{base}.json">JSON</a>'
             + (f' <a href="{base}/report.html">the scan\'s own report</a>' if data["has_report"] else "") + "</p>"]
    if data["problems"]:
        parts.append('<ul class="hint">' + "".join(f"<li>{e(p)}</li>" for p in data["problems"]) + "</ul>")
    cols = ["site", "articles", "originals", "copies", "copy_rate", "spun_rate", "distortion_rate", "median_delay_hours"]

    def cell(k: str, v: Any) -> str:
        if isinstance(v, float) and k.endswith("_rate"):
            return f"{100 * v:.0f}%"
        if isinstance(v, float):
            return f"{v:g}"
        return e(v)
    rows = "".join("<tr>" + "".join(f"<td>{cell(k, s.get(k))}</td>" for k in cols) + "</tr>" for s in data["sites"])
    parts.append(f'<h2>Sites</h2>{_rate_chart(data["sites"])}<div class="table"><table><thead><tr>'
                 + "".join(f"<th>{e(c.replace('_', ' '))}</th>" for c in cols)
                 + f'</tr></thead><tbody>{rows or "<tr><td colspan=8>no sites</td></tr>"}</tbody></table></div>')
    parts.append("<h2>Largest clusters</h2>")
    for c in data["clusters"]:
        items = []
        for m in c["members"]:
            role = m.get("role") or "?"
            extra = ""
            if role == "copy":
                extra = (f' &middot; {e(m.get("verdict"))}'
                         + (f' &middot; {m["delay_hours"]:g} h later' if isinstance(m.get("delay_hours"), (int, float)) else "")
                         + (f' &middot; {e(m.get("fact_changes"))} fact changes' if m.get("fact_changes") else "")
                         + (f' &middot; <a href="{base}/{e(m["report"])}">side by side</a>'
                            if isinstance(m.get("report"), str) and _REPORT.match(m["report"]) else ""))
            items.append(f'<li><b>{e(role)}</b> {e((m.get("published") or "date unknown")[:16])} &middot; '
                         f'{e(m.get("site"))} &middot; {e(m.get("title") or "")} {pages.outside_link(m.get("url"))}{extra}</li>')
        parts.append(f'<section><h3>Cluster {e(c["cluster"])} ({c["size"]} articles)</h3><ol>{"".join(items)}</ol></section>')
    return pages.page(f"scan {Path(data['folder']).name}", "".join(parts), twin=f"{base}.json")


def scan_folders(configured: list[Path], data: Path) -> dict[str, Path]:
    """Browsable scans: ``--scans`` folders as "0", "1", ...; finished scan jobs as "job-ID"."""
    out = {str(k): f for k, f in enumerate(configured)}
    jobs = data / "scans"
    if jobs.is_dir():
        for f in sorted(jobs.iterdir(), key=lambda f: f.stat().st_mtime):
            if (f / "articles.jsonl").exists():
                out[f"job-{f.name}"] = f
    return out


def register(app: FastAPI, cfg: Any, data: Path, wants_json: Callable[[Request], bool],
             html: Callable[..., Response], upload_form: Callable[[Request, str], str],
             csrf: Callable[[Request], str]) -> None:
    """Add ``/scans`` (list, and a form to run a scan as a job), ``/scans/{key}`` (dashboard +
    JSON twin), ``/scans/{key}/report.html``."""

    def folder(name: str) -> Path:
        f = scan_folders(list(cfg.scans), data).get(name)
        if f is None:
            raise not_found("scan", name)
        return f

    @app.get("/scans", include_in_schema=False)
    @app.get("/scans.json", include_in_schema=False)
    def scans_list(request: Request) -> Response:
        items = [{"id": k, "folder": f.name, "name": f.name if not k.startswith("job-") else k,
                  "link": f"/scans/{k}"} for k, f in scan_folders(list(cfg.scans), data).items()]
        if wants_json(request):
            return JSONResponse({"scans": items})
        tok = csrf(request)
        lis = "".join(f'<li><a href="/scans/{pages._e(i["id"])}">{pages._e(i["name"])}</a> '
                      f'<span class="hint">{pages._e(i["folder"])}</span></li>' for i in items)
        body = ("<h1>Scans</h1>" + (f"<ul>{lis}</ul>" if lis else
                "<p>No scans yet. Run one below, or run <code>unspin scan INPUT... --out DIR</code> and start "
                "the server with <code>--scans DIR</code>.</p>") + upload_form(request, tok)
                + '<p class="twin"><a href="/scans.json">JSON</a></p>')
        return html(request, pages.page("scans", body, twin="/scans.json"), tok)

    @app.get("/scans/{name}", include_in_schema=False)
    def scan_page(name: str, request: Request) -> Response:
        as_json = name.endswith(".json")
        key = name[:-5] if as_json else name
        tables = load_scan(folder(key))
        if as_json or wants_json(request):
            return JSONResponse(tables)
        return html(request, render(key, tables))

    @app.get("/scans/{name}/copies/{report}", include_in_schema=False)
    def copy_report(name: str, report: str) -> Response:
        """A copy's side-by-side report (or its JSON twin) written by the scan."""
        if not _REPORT.match(f"copies/{report}"):
            raise not_found("copy report", quote(report))
        p = folder(name) / "copies" / report
        if not p.is_file():
            raise not_found("copy report", quote(report))
        if report.endswith(".json"):
            return Response(p.read_bytes(), media_type="application/json")
        return Response(p.read_bytes(), media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": SANDBOX_CSP})

    @app.get("/scans/{name}/report.html", include_in_schema=False)
    def scan_report(name: str) -> Response:
        p = folder(name) / "report.html"
        if not p.is_file():
            raise not_found("scan report", quote(name))
        return Response(p.read_bytes(), media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": SANDBOX_CSP})
