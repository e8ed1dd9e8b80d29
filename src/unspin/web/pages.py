"""Server-rendered HTML pages of the web app.

Every page is built from the same dictionary its JSON twin returns. All text that comes
from outside (articles, titles, URLs, error messages, file names) goes through ``_e``
(``html.escape``); links to outside pages are emitted only for ``http(s)`` URLs and open
with ``rel="noopener noreferrer nofollow"``. The pages have no script at all; the style sheet
is served from this origin (``/static/app.css``), so the Content-Security-Policy can forbid
everything else. Job pages refresh themselves with ``<meta http-equiv="refresh">``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from unspin.differ import FACT_SUBTYPES
from unspin.report import _CSS as REPORT_CSS
from unspin.report import _KIND_LABEL, _context, _spans

__all__ = ["APP_CSS", "page"]

CUR = ' aria-current="true"'

APP_CSS = REPORT_CSS + """
header.top{background:#1d1d1f;color:#fff}
header.top nav{max-width:1200px;margin:0 auto;padding:8px 12px;display:flex;flex-wrap:wrap;gap:.2em 1.2em;align-items:center}
header.top a{color:#fff;text-decoration:none;padding:.3em 0}
header.top a:hover,header.top a:focus{text-decoration:underline}
header.top .brand{font-weight:700;letter-spacing:.02em}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;color:#000;padding:.4em;z-index:9}
:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
form.box{display:grid;gap:.8em;margin:1em 0}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.6em .8em;min-width:0}
legend{font-weight:600;padding:0 .3em}
label{display:block;font-weight:600;margin:.2em 0}
textarea,input[type=text],input[type=url],input[type=password],input[type=search],input[type=date]{width:100%;font:inherit;padding:.5em;border:1px solid #9aa0a6;border-radius:4px}
textarea{min-height:12em;resize:vertical}textarea.short{min-height:5em}
input[type=file]{font:inherit;max-width:100%}
button,.button{font:inherit;font-weight:600;background:#1a73e8;color:#fff;border:0;border-radius:4px;padding:.55em 1.2em;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#5f6368}
.hint{color:var(--muted);font-size:.9em;margin:.2em 0}
.verdict{display:inline-block;font-weight:700;border-radius:4px;padding:.1em .6em;color:#fff}
.v-spun{background:#c5221f}.v-unsure{background:#b06000}.v-clean{background:#188038}
.twin{font-size:.9em;display:flex;flex-wrap:wrap;gap:.3em 1em;margin:.4em 0}
.evidence{border:1px solid var(--line);border-radius:6px;padding:.4em .8em;margin:.6em 0;overflow-x:auto}
.evidence dl{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.3em 0}
.evidence dt{color:var(--muted)}.evidence dd{margin:0;overflow-wrap:anywhere}
.filter{display:flex;gap:.6em;align-items:center;flex-wrap:wrap;margin:.4em 0}
.filter a[aria-current]{font-weight:700;text-decoration:none;border-bottom:3px solid #1a73e8}
.err{border:2px solid #c5221f;background:#fde7e6;border-radius:6px;padding:.6em .8em}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
th{white-space:nowrap}
.table{overflow-x:auto}
.facets{display:flex;flex-wrap:wrap;gap:1em}.facets ul{list-style:none;padding:0;margin:.2em 0}
.facets section{min-width:12em}
progress{width:100%;height:1.2em}
.flags li{margin:.3em 0}
.k-flag{background:#fde7e6;border-bottom:2px solid var(--fact)}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media (max-width:760px){.grid2{grid-template-columns:1fr}}
footer{color:var(--muted);font-size:.85em;margin:2em 0 1em}
main p,main li,main h1,main h3,main dd{overflow-wrap:anywhere}
svg{max-width:100%}
.sw-copy{color:#1a73e8}.sw-spun{color:#f9ab00}.sw-dist{color:#c5221f}
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) address, else None (javascript:, data: ... are dropped)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def outside_link(url: str | None) -> str:
    href = safe_href(url)
    if href is None:
        return _e(url) if url else "&mdash;"
    return f'<a href="{_e(href)}" rel="noopener noreferrer nofollow" target="_blank">{_e(url)}</a>'


def page(title: str, body: str, *, csrf: str = "", refresh: int | None = None, twin: str | None = None,
         signed_in: bool | None = None) -> str:
    """A whole HTML document around ``body``."""
    extra = f'<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    alt = f'<link rel="alternate" type="application/json" href="{_e(twin)}">' if twin else ""
    auth = ""
    if signed_in is False:
        auth = '<a href="/login">Sign in</a>'
    elif signed_in:
        auth = (f'<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" '
                f'value="{_e(csrf)}"><button class="secondary">Sign out</button></form>')
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="referrer" content="same-origin"><link rel="icon" href="data:,">{extra}{alt}'
        f'<title>{_e(title)} · unspin</title><link rel="stylesheet" href="/static/app.css"></head><body>'
        '<a class="skip" href="#main">Skip to content</a>'
        '<header class="top"><nav aria-label="main"><a class="brand" href="/">unspin</a>'
        '<a href="/">Check a text</a><a href="/compare">Compare two texts</a><a href="/corpus">Corpus</a>'
        f'<a href="/jobs">Jobs</a><a href="/scans">Scans</a><a href="/api/docs">API</a>{auth}</nav></header>'
        f'<main id="main">{body}</main></body></html>\n')


def _twin_links(base: str, csv: bool = False) -> str:
    out = [f'<a href="{_e(base)}.json">JSON</a>']
    if csv:
        out.append(f'<a href="{_e(base)}.csv">CSV of the changes</a>')
    return '<p class="twin">' + "".join(out) + "</p>"


def error_page(status: int, err: dict[str, Any]) -> str:
    body = (f'<h1>Error {status}</h1><div class="err" role="alert"><p><b>{_e(err.get("message"))}</b></p>'
            + (f'<p>Input: <code>{_e(err.get("input"))}</code></p>' if err.get("input") else "")
            + (f'<p>{_e(err.get("hint"))}</p>' if err.get("hint") else "")
            + f'<p class="hint">code {_e(err.get("code"))}</p></div><p><a href="/">Back to the start page</a></p>')
    return page(f"error {status}", body)


# ---------------------------------------------------------------------------------- home

def home(data: dict[str, Any], csrf: str) -> str:
    ix = data.get("index") or {}
    n = ix.get("articles", 0) if ix else 0
    where = (f"{n:,} articles in the index: the text is checked for spinning and traced to its sources."
             if n else "No index yet: the text is checked for spinning only. Add articles on the "
                       "<a href=\"/corpus\">corpus page</a> to trace copies to their sources.")
    body = f"""<h1>Where did this text come from, and what did the rewrite change?</h1>
<p class="hint">{where}</p>
<form class="box" method="post" action="/analyze" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{_e(csrf)}">
<fieldset><legend>Paste the article</legend>
<label for="text">Text or HTML</label>
<textarea id="text" name="text" placeholder="Paste the article here" spellcheck="false"></textarea></fieldset>
<fieldset><legend>or give its address</legend>
<label for="url">Web address (http or https)</label>
<input type="url" id="url" name="url" placeholder="https://example.com/news/article.html" inputmode="url"></fieldset>
<fieldset><legend>or upload a file</legend>
<label for="file">Text or HTML file</label>
<input type="file" id="file" name="file" accept=".txt,.html,.htm,.md,text/plain,text/html"></fieldset>
<fieldset><legend>About the text (optional)</legend>
<label for="title">Headline</label><input type="text" id="title" name="title">
<label for="published">Published on</label><input type="date" id="published" name="published">
<p class="hint">With a date, the evidence panel tells whether the copy or the source came first.</p></fieldset>
<div><button type="submit">Check</button></div>
</form>
<p class="hint">unspin {_e(data.get("version"))} &middot; results get a permanent link; anyone with the link can open it.</p>
{_twin_links("/index")}"""
    return page("check a text", body, twin="/index.json", signed_in=data.get("signed_in"), csrf=csrf)


# ---------------------------------------------------------------------------------- results

def _verdict(check: dict[str, Any]) -> str:
    v = check.get("verdict", "")
    return (f'<span class="verdict v-{_e(v)}">{_e(v)}</span> spin score {check.get("spin_score", 0):.2f} '
            f'({check.get("words_flagged", 0)} of {check.get("words_checked", 0)} words look swapped)')


def _bar(shares: dict[str, float]) -> str:
    order = ("verbatim", "synonym", "reword", "fact", "inserted", "clutter")
    names = {"verbatim": "verbatim", "synonym": "synonym-swapped", "reword": "reworded",
             "fact": "fact changes", "inserted": "inserted", "clutter": "clutter"}
    colours = {"verbatim": "#dadce0", "synonym": "#34a853", "reword": "#f9ab00", "fact": "#c5221f",
               "inserted": "#9334e6", "clutter": "#bdc1c6"}
    x = 0.0
    rects = []
    for k in order:
        v = float(shares.get(k, 0.0))
        if v > 0:
            rects.append(f'<rect x="{100 * x:.3f}" y="0" width="{100 * v:.3f}" height="10" fill="{colours[k]}">'
                         f'<title>{names[k]} {100 * v:.1f}%</title></rect>')
            x += v
    svg = ('<svg class="sharebar" viewBox="0 0 100 10" preserveAspectRatio="none" width="100%" height="14" '
           f'role="img" aria-label="shares of the copy">{"".join(rects)}</svg>')
    items = "".join(f'<li><i class="b-{k}"></i>{_e(names[k])} <b>{100 * float(shares.get(k, 0.0)):.1f}%</b></li>'
                    for k in order)
    return f'{svg}<ul class="shares">{items}</ul>'


def _facts_list(changes: Sequence[dict[str, Any]], copy_text: str) -> str:
    facts = [(i, c) for i, c in enumerate(changes) if c["kind"] == "fact"]
    if not facts:
        return '<p class="none">No fact changes found.</p>'
    facts.sort(key=lambda x: (FACT_SUBTYPES.index(x[1]["subtype"]) if x[1]["subtype"] in FACT_SUBTYPES
                              else len(FACT_SUBTYPES), x[1]["copy_start"]))
    out = ['<ol class="facts" id="facts">']
    for i, c in facts:
        out.append(
            f'<li><span class="badge">{_e(c.get("subtype") or "fact")}</span>'
            f'<a href="#c-{i}">in the copy</a>'
            f'<span class="pair"><b>copy</b> &ldquo;{_e(c["copy_text"]) or "&mdash;"}&rdquo;</span>'
            f'<span class="pair"><b>source</b> &ldquo;{_e(c["source_text"]) or "&mdash;"}&rdquo;</span>'
            f'<span class="why">{_e(c.get("explanation"))}</span>{_context(copy_text, c["copy_start"], c["copy_end"])}</li>')
    out.append("</ol>")
    return "".join(out)


def _legend() -> str:
    return ('<div class="legend" aria-label="legend">' + "".join(
        f'<span class="k-{k}">{_e(v)}</span>' for k, v in _KIND_LABEL.items() if k != "verbatim")
        + '<span class="k-flag">flagged by the spin check</span></div>')


def _evidence(res: dict[str, Any]) -> str:
    tr = res.get("trace") or {}
    srcs = tr.get("sources") or []
    texts = (res.get("texts") or {}).get("sources") or {}
    inp = res.get("input") or {}
    rows = [f"<dt>unspin</dt><dd>version {_e(res.get('unspin_version'))}, {_e(res.get('created'))}</dd>"]
    if not srcs:
        body = ('<p>No source in the index explains this text.</p>' if res.get("trace") is not None
                else '<p>Not traced: the server has no index yet.</p>')
        return f'<section class="evidence" aria-labelledby="ev"><h2 id="ev">Evidence</h2>{body}<dl>{"".join(rows)}</dl></section>'
    out = ['<section class="evidence" aria-labelledby="ev"><h2 id="ev">Evidence</h2>']
    for n, s in enumerate(srcs, 1):
        meta = texts.get(s["id"], {})
        cp, sp = inp.get("published"), s.get("published")
        if cp and sp:
            first = ("the source (the copy came later)" if sp[:10] < cp[:10] else
                     "the copy (published before this source: the copying may go the other way)"
                     if sp[:10] > cp[:10] else "same day")
        else:
            first = "unknown (a date is missing)"
        out.append(f'<h3>Source {n}: {_e(s.get("title") or s["id"])}</h3><dl>'
                   f'<dt>address</dt><dd>{outside_link(s.get("url"))}</dd>'
                   f'<dt>outlet</dt><dd>{_e(meta.get("site") or "unknown")}</dd>'
                   f'<dt>source published</dt><dd>{_e(sp or "unknown")}</dd>'
                   f'<dt>copy published</dt><dd>{_e(cp or "unknown")}</dd>'
                   f'<dt>first</dt><dd>{_e(first)}</dd>'
                   f'<dt>score</dt><dd>{float(s.get("score", 0)):.2f}</dd>'
                   f'<dt>coverage</dt><dd>{100 * float(s.get("coverage", 0)):.0f}% of the copy</dd>'
                   f'<dt>index id</dt><dd><code>{_e(s["id"])}</code></dd></dl>')
    out.append(f"<dl>{''.join(rows)}</dl></section>")
    return "".join(out)


def _side_by_side(changes: Sequence[dict[str, Any]], copy_text: str, sources: dict[str, dict[str, Any]],
                  order: Sequence[str], show: str, flags: Sequence[dict[str, Any]] = ()) -> str:
    cmarks: list[tuple[int, int, str, str, str]] = []
    smarks: dict[str, list[tuple[int, int, str, str, str]]] = {sid: [] for sid in order}
    for i, c in enumerate(changes):
        if c["kind"] == "verbatim" or (show == "facts" and c["kind"] != "fact"):
            continue
        tip = f"{_KIND_LABEL.get(c['kind'], c['kind'])}{': ' + c['subtype'] if c.get('subtype') else ''} - {c.get('explanation', '')}"
        if c["copy_end"] > c["copy_start"]:
            cmarks.append((c["copy_start"], c["copy_end"], f"k-{c['kind']}", tip, f"c-{i}"))
        if c["source_end"] > c["source_start"] and c["kind"] != "clutter" and c["source_id"] in smarks:
            smarks[c["source_id"]].append((c["source_start"], c["source_end"], f"k-{c['kind']}", tip, f"s-{i}"))
    if not changes:
        cmarks = [(f["start"], f["end"], "k-flag", f"{f.get('reason', '')}" + (f" - may have been: {f['suggestion']}"
                   if f.get("suggestion") else ""), "") for f in flags]
    out = ['<div class="cols">',
           f'<section class="col" aria-label="copy"><h2>Copy</h2><div class="text">{_spans(copy_text, cmarks)}</div></section><div>']
    for n, sid in enumerate(order):
        text = (sources.get(sid) or {}).get("text", "")
        label = "Source" if len(order) == 1 else f"Source {n + 1}"
        out.append(f'<section class="col" aria-label="{_e(label)}"><h2>{label}: <code>{_e(sid)}</code></h2>'
                   f'<div class="text">{_spans(text, smarks[sid])}</div></section>')
    out.append("</div></div>")
    return "".join(out)


def _flags(check: dict[str, Any], limit: int = 40) -> str:
    flags = check.get("flags") or []
    if not flags:
        return '<p class="none">No phrase looks swapped.</p>'
    items = []
    for f in flags[:limit]:
        # the probability, and a suggestion as a possibility (not a correction)
        prob = "artefact" if f.get("kind") in ("number", "agreement") else f'p={float(f.get("score", 0.0)):.2f}'
        sug = f' &middot; may have been: <b>{_e(f["suggestion"])}</b>' if f.get("suggestion") else ""
        items.append(f'<li>&ldquo;{_e(f["text"])}&rdquo; {prob}{sug} <span class="why">{_e(f.get("reason"))}</span></li>')
    more = f'<p class="hint">and {len(flags) - limit} more (see the JSON).</p>' if len(flags) > limit else ""
    return f'<ul class="flags">{"".join(items)}</ul>{more}'


def result(res: dict[str, Any], show: str, csrf: str = "") -> str:
    """The result page: check, sources, changes side by side (fact changes first)."""
    rid = res["id"]
    base = f"/r/{quote(rid)}"
    inp = res.get("input") or {}
    texts = res.get("texts") or {}
    copy_text = texts.get("copy", "")
    kind = res["kind"]
    changes: list[dict[str, Any]] = []
    summary: dict[str, Any] | None = None
    order: list[str] = []
    if kind == "diff" and res.get("diff"):
        changes = res["diff"].get("changes") or []
        summary = res["diff"].get("summary")
        order = [res["diff"].get("source_id", "source")]
    elif res.get("trace"):
        changes = res["trace"].get("changes") or []
        summary = res["trace"].get("summary")
        order = [s["id"] for s in res["trace"].get("sources") or []]
    title = inp.get("title") or inp.get("name") or "result"
    if not inp.get("title") and copy_text.strip():
        first = copy_text.strip().splitlines()[0].strip()
        title = f"{title}: {first[:90]}{'…' if len(first) > 90 else ''}"
    parts = [f"<h1>{_e(title)}</h1>",
             f'<p class="meta">{_e(inp.get("kind"))} input{" &middot; " + outside_link(inp.get("url")) if inp.get("url") else ""}'
             f' &middot; permanent link <a href="{_e(base)}">{_e(base)}</a></p>',
             _twin_links(base, csv=bool(changes))]
    check = res.get("check")
    if check:
        parts.append(f'<section aria-labelledby="chk"><h2 id="chk">Spin check</h2><p>{_verdict(check)}</p></section>')
    if summary:  # fact changes first, then the evidence for the source, then the texts
        nf = sum((summary.get("facts") or {}).values())
        parts.append(f'<section aria-labelledby="fc"><h2 id="fc">Fact changes ({nf})</h2>{_facts_list(changes, copy_text)}</section>')
        parts.append(f'<section aria-labelledby="sum"><h2 id="sum">What the rewrite changed</h2>{_bar(summary.get("shares") or {})}'
                     f'<p><b>{nf} fact change{"" if nf == 1 else "s"}</b>, {summary.get("omitted_words", 0)} source words left out.</p></section>')
    if kind != "diff":
        parts.append(_evidence(res))
    if summary:
        filt = "".join(
            f'<a href="{_e(base)}?{urlencode({"show": v})}#sbs"{CUR if show == v else ""}>{lab}</a>'
            for v, lab in (("all", "all changes"), ("facts", "fact changes only")))
        parts.append(f'<h2 id="sbs">Copy and source side by side</h2><nav class="filter" aria-label="filter">Show: {filt}</nav>')
        parts.append(_legend())
        parts.append(_side_by_side(changes, copy_text, texts.get("sources") or {}, order, show))
    if check:
        parts.append(f'<section aria-labelledby="fl"><h2 id="fl">Phrases that look swapped</h2>{_flags(check)}</section>')
        if not summary:
            parts.append('<h2>The text</h2>' + _legend())
            parts.append(_side_by_side([], copy_text, {}, [], show, check.get("flags") or []))
    if kind == "extract" and res.get("article"):
        a = res["article"]
        parts.append(f'<section><h2>Extracted article</h2><dl class="evidence"><dt>title</dt><dd>{_e(a.get("title"))}</dd>'
                     f'<dt>published</dt><dd>{_e(a.get("published"))}</dd><dt>site</dt><dd>{_e(a.get("site"))}</dd></dl>'
                     f'<div class="text col">{_e(a.get("text"))}</div></section>')
    parts.append(f'<footer>unspin {_e(res.get("unspin_version"))} &middot; {_e(res.get("created"))}</footer>')
    return page(title, "".join(parts), twin=f"{base}.json", csrf=csrf)


# ---------------------------------------------------------------------------------- compare

def compare_form(csrf: str) -> str:
    body = f"""<h1>Compare two texts</h1>
<p class="hint">Paste a suspected copy and the text it may come from: unspin shows which words were merely swapped and which edits changed the facts. No index needed.</p>
<form class="box" method="post" action="/compare">
<input type="hidden" name="csrf" value="{_e(csrf)}">
<div class="grid2"><div><label for="copy">The copy</label><textarea id="copy" name="copy" required></textarea></div>
<div><label for="source">The source</label><textarea id="source" name="source" required></textarea></div></div>
<div><button type="submit">Compare</button></div></form>{_twin_links("/compare")}"""
    return page("compare two texts", body, twin="/compare.json", csrf=csrf)


# ---------------------------------------------------------------------------------- corpus

def corpus(data: dict[str, Any], csrf: str, can_write: bool) -> str:
    st = data.get("index")
    b = data["browse"]
    q = data.get("query") or {}
    parts = ["<h1>Corpus</h1>"]
    if st:
        parts.append(f'<p>{st["articles"]:,} articles from {st["sites"]:,} sites in <code>{_e(st["path"])}</code>'
                     f' (published {_e(st.get("published_min") or "?")} to {_e(st.get("published_max") or "?")}).</p>')
    else:
        parts.append('<p>No index yet.</p>' if data.get("db") else
                     '<p>The server was started without <code>--db</code>: there is no index to add to.</p>')
    if data.get("db"):
        if can_write:
            parts.append(f"""<section aria-labelledby="add"><h2 id="add">Add articles</h2>
<form class="box" method="post" action="/corpus/add" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{_e(csrf)}">
<label for="files">Files: JSONL, CSV, WARC, RSS/Atom feeds, HTML or text (.gz too)</label>
<input type="file" id="files" name="files" multiple>
<label for="urls">or article addresses, one per line</label>
<textarea id="urls" name="urls" rows="4" class="short" placeholder="https://example.com/news/1.html"></textarea>
<div><button type="submit">Add to the index</button></div></form>
<p class="hint">Runs as a background job; the job page shows its progress.</p></section>""")
            if st and st.get("unchecked"):
                parts.append(f"""<form method="post" action="/corpus/check" class="filter">
<input type="hidden" name="csrf" value="{_e(csrf)}">
<button type="submit">Spin-check {min(int(st["unchecked"]), 5000):,} unchecked articles</button>
<span class="hint">fills the verdict facet; a background job</span></form>""")
        else:
            parts.append('<p class="hint">Adding to the index needs the server\'s token: <a href="/login">sign in</a>.</p>')
    parts.append(f"""<section aria-labelledby="br"><h2 id="br">Browse</h2>
<form method="get" action="/corpus" class="filter" role="search"><label for="q">Title contains</label>
<input type="search" id="q" name="q" value="{_e(q.get("q", ""))}">
<input type="hidden" name="site" value="{_e(q.get("site", ""))}"><input type="hidden" name="month" value="{_e(q.get("month", ""))}">
<input type="hidden" name="verdict" value="{_e(q.get("verdict", ""))}">
<button type="submit">Search</button></form>""")
    facets = ['<div class="facets">']
    for name, label in (("site", "Site"), ("month", "Published"), ("verdict", "Verdict (spin check)")):
        items = []
        for f in b["facets"].get(name, []):
            args = {k: v for k, v in q.items() if v and k != "offset"}
            cur = args.get(name) == f["value"]
            if cur:
                args.pop(name)
            else:
                args[name] = f["value"]
            items.append(f'<li><a href="/corpus?{_e(urlencode(args))}"{CUR if cur else ""}>'
                         f'{"&#10003; " if cur else ""}{_e(f["value"])}</a> ({f["count"]})</li>')
        facets.append(f'<section><h3>{label}</h3><ul>{"".join(items) or "<li>none</li>"}</ul></section>')
    facets.append("</div>")
    parts.append("".join(facets))
    rows = "".join(f'<tr><td>{_e(a["title"] or "(no title)")}</td><td>{_e(a["site"] or "")}</td>'
                   f'<td>{_e((a["published"] or "")[:10])}</td><td>{_e(a.get("verdict") or "")}</td>'
                   f'<td>{outside_link(a["url"]) if a["url"] else ""}</td>'
                   f'<td><code>{_e(a["id"])}</code></td></tr>' for a in b["articles"])
    parts.append(f'<p>{b["total"]:,} matching articles.</p><div class="table"><table><thead><tr><th>title</th><th>site</th>'
                 f'<th>published</th><th>verdict</th><th>address</th><th>id</th></tr></thead><tbody>{rows}</tbody>'
                 '</table></div>')
    off, lim = b.get("offset", 0), b.get("limit", 50)
    nav = []
    if off > 0:
        nav.append(f'<a href="/corpus?{_e(urlencode({**{k: v for k, v in q.items() if v}, "offset": max(0, off - lim)}))}">previous</a>')
    if off + lim < b["total"]:
        nav.append(f'<a href="/corpus?{_e(urlencode({**{k: v for k, v in q.items() if v}, "offset": off + lim}))}">next</a>')
    parts.append(f'<p class="filter">{" ".join(nav)}</p></section>')
    parts.append(_twin_links("/corpus"))
    return page("corpus", "".join(parts), twin="/corpus.json", csrf=csrf)


def scan_form(csrf: str) -> str:
    return f"""<section aria-labelledby="run"><h2 id="run">Run a scan</h2>
<form class="box" method="post" action="/scans/run" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{_e(csrf)}">
<label for="crawl">A crawl: WARC, JSONL, CSV or a feed (.gz too)</label>
<input type="file" id="crawl" name="files" multiple required>
<div><button type="submit">Scan</button></div></form>
<p class="hint">Finds the copies across the crawl, their earliest sources and what each copy changed;
runs as a background job.</p></section>"""


# ---------------------------------------------------------------------------------- jobs

def job(j: dict[str, Any]) -> str:
    p = j.get("progress") or {}
    running = j["status"] in ("queued", "running")
    done, total, unit = job_progress(j["kind"], p)
    if total:
        bar = (f'<progress max="{int(total)}" value="{min(int(done), int(total))}" aria-label="progress">'
               f'{done} of {total}</progress><p id="progress">{min(int(done), int(total)):,} of {int(total):,} {unit}'
               + (f' (now: {_e(p["stage"])})' if j["kind"] == "scan" and p.get("stage") and running else "") + "</p>")
    elif running:
        bar = '<progress aria-label="progress">working</progress>'
    elif j["status"] != "done":
        bar = '<progress max="1" value="0" aria-label="progress">stopped</progress>'
    else:
        bar = '<progress max="1" value="1" aria-label="progress">done</progress>'
    errs = "".join(f"<li>{_e(x)}</li>" for x in p.get("errors_seen") or [])
    body = (f'<h1>Job <code>{_e(j["id"])}</code>: {_e(j["kind"])}</h1>'
            f'<p>Status: <b id="status">{_e(j["status"])}</b>{" (this page refreshes every 2 s)" if running else ""}</p>{bar}'
            + (f'<p>{p.get("read", 0)} articles read, {p.get("added", 0)} added, {p.get("skipped", 0)} already indexed, '
               f'{p.get("failed", 0) + p.get("errors", 0)} failed; inputs {p.get("inputs_done", 0)} of {p.get("inputs", 0)}.</p>'
               if j["kind"] == "index" else "")
            + (f'<p>{_e(j["message"])}</p>' if j.get("message") else "")
            + (f'<h2>Problems</h2><ul>{errs}</ul>' if errs else "")
            + f'<p class="hint">started {_e(j["created"])}, updated {_e(j["updated"])}</p>'
            + (f'<p><a href="{_e(j["links"]["result"])}">Open the result</a></p>' if (j.get("links") or {}).get("result") else "")
            + ('<p><a href="/corpus">Browse the corpus</a></p>' if j["kind"] == "index" and not running else "")
            + _twin_links(f"/jobs/{quote(j['id'])}"))
    return page(f"job {j['id']}", body, refresh=2 if running else None, twin=f"/jobs/{quote(j['id'])}.json")


def job_progress(kind: str, p: dict[str, Any]) -> tuple[int, int, str]:
    """(done, total, unit) of a job's progress bar; total 0 when not known yet.

    An index job counts records read against the records its uploads hold (lines of JSONL
    and CSV) and fetched addresses, else inputs done; a scan counts its six stages; a
    verdicts job counts articles checked."""
    if kind == "index":
        if p.get("total"):
            return int(p.get("read", 0)), int(p["total"]), "articles"
        return int(p.get("inputs_done", 0)), int(p.get("inputs") or 0), "inputs"
    if kind == "scan":
        return int(p.get("done", 0)), int(p.get("total") or 0), "stages"
    return int(p.get("done", 0)), int(p.get("total") or 0), "articles"


def jobs(items: list[dict[str, Any]]) -> str:
    rows = "".join(f'<tr><td><a href="/jobs/{_e(quote(j["id"]))}">{_e(j["id"])}</a></td><td>{_e(j["kind"])}</td>'
                   f'<td>{_e(j["status"])}</td><td>{_e(j["created"])}</td><td>{_e(j.get("message") or "")}</td></tr>'
                   for j in items)
    body = (f'<h1>Jobs</h1><div class="table"><table><thead><tr><th>id</th><th>kind</th><th>status</th><th>started</th>'
            f'<th>outcome</th></tr></thead><tbody>{rows or "<tr><td colspan=5>no jobs yet</td></tr>"}</tbody></table></div>'
            + _twin_links("/jobs"))
    return page("jobs", body, twin="/jobs.json")


# ---------------------------------------------------------------------------------- misc

def login(csrf: str, failed: bool = False) -> str:
    msg = '<p class="err" role="alert">Wrong token.</p>' if failed else ""
    body = f"""<h1>Sign in</h1>{msg}<p class="hint">Adding to the index and running scans need the token the server was started with (<code>--token</code> or <code>UNSPIN_TOKEN</code>).</p>
<form class="box" method="post" action="/login"><input type="hidden" name="csrf" value="{_e(csrf)}">
<label for="token">Token</label><input type="password" id="token" name="token" autocomplete="current-password" required>
<div><button type="submit">Sign in</button></div></form>"""
    return page("sign in", body, csrf=csrf)


def api_docs(spec: dict[str, Any]) -> str:
    rows = []
    for path, methods in sorted(spec.get("paths", {}).items()):
        for method, op in methods.items():
            rows.append(f'<tr><td><code>{_e(method.upper())}</code></td><td><code>{_e(path)}</code></td>'
                        f'<td>{_e(op.get("summary", ""))}</td><td>{_e(", ".join(sorted(op.get("responses", {}))))}</td></tr>')
    info = spec.get("info", {})
    body = (f'<h1>{_e(info.get("title"))} {_e(info.get("version"))}</h1><p>{_e(info.get("description"))}</p>'
            '<p class="twin"><a href="/api/openapi.json">OpenAPI document (JSON)</a></p>'
            '<div class="table"><table><thead><tr><th>method</th><th>path</th><th>what</th><th>statuses</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')
    return page("API", body, twin="/api/openapi.json")
