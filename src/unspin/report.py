"""Reports of a diff: one self-contained HTML page, and a terminal view.

``render_html(result)`` returns a complete HTML document built from the same ``DiffResult``
the JSON comes from: the summary on top, fact changes listed first with both wordings, then
copy and source side by side (stacked on narrow screens) with every change colour-coded and
clutter struck through. The page has no script, loads nothing (a Content-Security-Policy
forbids it) and every piece of article text is escaped with ``html.escape``; the only links
are fragment links inside the page.

``render_terminal(result)`` returns plain text (the CLI prints it): summary and fact changes.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from unspin.differ import FACT_SUBTYPES, Change, DiffResult
from unspin.errors import OutputError

__all__ = ["CSP_META", "check_html", "check_html_target", "check_writable", "render_html", "render_terminal",
           "render_trace_html", "trace_evidence_html",
           "write_text_file"]

_KIND_LABEL = {
    "verbatim": "verbatim", "synonym": "synonym swap", "reword": "reworded", "fact": "fact change",
    "insertion": "inserted", "omission": "left out", "clutter": "page clutter",
}

_CSS = """
table.evidence{border-collapse:collapse;width:100%;font-size:.9em}table.evidence td,table.evidence th{border-bottom:1px solid var(--line);padding:.3em;text-align:left;vertical-align:top}
:root{--fg:#1d1d1f;--muted:#5f6368;--bg:#fff;--line:#d9d9de;--fact:#c5221f;--factbg:#fde7e6;
--syn:#e6f4ea;--synline:#34a853;--rew:#fef7e0;--rewline:#f9ab00;--ins:#f3e8fd;--insline:#9334e6;
--omi:#fce8e6;--clut:#9aa0a6}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:12px}
h1{font-size:1.3em;margin:.3em 0}
h2{font-size:1.1em;margin:1.2em 0 .4em;border-bottom:1px solid var(--line);padding-bottom:.2em}
.meta{color:var(--muted);font-size:.9em;overflow-wrap:anywhere}
.bar{display:flex;height:14px;border-radius:7px;overflow:hidden;border:1px solid var(--line);margin:.5em 0}
.bar span{display:block;height:100%}
.b-verbatim{background:#dadce0}.b-synonym{background:var(--synline)}.b-reword{background:var(--rewline)}
.b-fact{background:var(--fact)}.b-inserted{background:var(--insline)}.b-clutter{background:#bdc1c6}
.shares{display:flex;flex-wrap:wrap;gap:.3em 1em;font-size:.9em;padding:0;margin:0;list-style:none}
.shares i{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-.05em}
.facts{padding-left:1.4em}
.facts li{margin:.5em 0}
.badge{display:inline-block;font-size:.75em;font-weight:600;text-transform:uppercase;letter-spacing:.03em;
color:#fff;background:var(--fact);border-radius:3px;padding:0 .4em;margin-right:.4em}
.pair{display:block;margin:.15em 0 0 .2em;overflow-wrap:anywhere}
.pair b{font-weight:600;color:var(--muted);font-size:.85em;display:inline-block;min-width:4.2em}
.why{display:block;color:var(--muted);font-size:.9em}
.ctx{display:block;font-size:.9em;font-style:italic;overflow-wrap:anywhere}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}
@media (max-width:760px){.cols{grid-template-columns:1fr}body{font-size:15px}}
.col{border:1px solid var(--line);border-radius:6px;padding:10px 12px;min-width:0;margin-bottom:12px}
.col h2{margin-top:0}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.k-synonym{background:var(--syn);border-bottom:2px solid var(--synline)}
.k-reword{background:var(--rew);border-bottom:2px solid var(--rewline)}
.k-fact{background:var(--factbg);border-bottom:3px solid var(--fact);font-weight:600}
.k-insertion{background:var(--ins);border-bottom:2px dotted var(--insline)}
.k-omission{background:var(--omi);text-decoration:line-through;text-decoration-color:var(--fact)}
.k-clutter{color:var(--clut);text-decoration:line-through}
.legend{display:flex;flex-wrap:wrap;gap:.4em .8em;font-size:.85em;margin:.4em 0}
.legend span{padding:0 .3em}
.none{color:var(--muted)}
a{color:inherit}
"""


def check_writable(path: str | os.PathLike[str]) -> Path:
    """Refuse an output path that cannot be written, before any work is done.

    Raises:
        OutputError: ``path`` is a directory, or its directory is missing or read-only.
    """
    p = Path(path)
    if p.is_dir():
        raise OutputError("is a directory", input=str(p), hint="pass a file name, e.g. report.html")
    parent = p.parent
    if not parent.is_dir():
        what = "does not exist" if not parent.exists() else "is not a directory"
        raise OutputError(f"cannot write here: {str(parent)!r} {what}", input=str(p),
                          hint="create the directory first, or pass another path")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise OutputError("cannot write here: permission denied", input=str(p),
                          hint="pass a path you can write to")
    return p


def check_html_target(path: str | os.PathLike[str]) -> Path:
    """:func:`check_writable` for an ``--html`` report, whose JSON twin is written next to
    it (same name, ``.json``): a ``.json`` target would be overwritten by the twin."""
    p = check_writable(path)
    if p.suffix.lower() == ".json":
        raise OutputError("an HTML report cannot be written to a .json file: its JSON twin "
                          "would overwrite it", input=str(p),
                          hint=f"pass {p.with_suffix('.html').name}; the JSON is written next to it")
    return p


def write_text_file(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8) atomically; an OS error becomes an ``OutputError``."""
    from unspin.atomic import write_atomic

    write_atomic(path, text)


#: the Content-Security-Policy of every report page: no script, nothing loaded
CSP_META = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; form-action 'none'\">")


def _e(text: Any) -> str:
    from unspin.escape import for_report

    return html.escape(for_report(str(text)), quote=True)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _spans(text: str, marks: Sequence[tuple[int, int, str, str, str]]) -> str:
    """``text`` escaped, with (start, end, css class, tooltip, id) marks as elements; overlaps are clipped."""
    out: list[str] = []
    pos = 0
    for s, e, cls, tip, ident in sorted(marks, key=lambda m: (m[0], m[1])):
        s = max(s, pos)
        if e <= s or s >= len(text):
            continue
        e = min(e, len(text))
        out.append(_e(text[pos:s]))
        tag = "del" if cls in ("k-clutter", "k-omission") else "span"
        idattr = f' id="{_e(ident)}"' if ident else ""
        out.append(f'<{tag} class="{cls}" title="{_e(tip)}"{idattr}>{_e(text[s:e])}</{tag}>')
        pos = e
    out.append(_e(text[pos:]))
    return "".join(out)


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    """The copy around a change, the change itself in bold, escaped; "" without text."""
    if not text or end < start or start > len(text):
        return ""
    a = max(0, start - width)
    b = min(len(text), end + width)
    if a > 0 and text.find(" ", a, start) >= 0:
        a = text.find(" ", a, start) + 1  # start at a word boundary
    before = " ".join(text[a:start].split())
    after = " ".join(text[end:b].split())
    mid = " ".join(text[start:end].split())
    return (f'<span class="ctx">{"&hellip;" if a > 0 else ""}{_e(before)} <b>{_e(mid)}</b> '
            f'{_e(after)}{"&hellip;" if b < len(text) else ""}</span>')


def _fact_ids(changes: Sequence[Change]) -> dict[int, str]:
    return {i: f"f{n + 1}" for n, i in enumerate(i for i, c in enumerate(changes) if c.kind == "fact")}


def render_html(result: DiffResult, *, title: str | None = None, copy_text: str | None = None,
                source_text: str | None = None, preface: str = "", footer: str = "") -> str:
    """A self-contained HTML report of ``result`` (no script, no external resources).

    The copy and source texts come from ``result.copy.original``/``result.source.original``;
    pass ``copy_text``/``source_text`` when the result was loaded from JSON without them.
    ``preface`` (HTML) goes after the heading (``render_trace_html`` puts the evidence
    there); ``footer`` replaces the closing line.
    """
    ctext = copy_text if copy_text is not None else (result.copy.original if result.copy else "")
    stext = source_text if source_text is not None else (result.source.original if result.source else "")
    changes = list(result.changes)
    fids = _fact_ids(changes)
    sm = result.summary
    heading = title or "What the rewrite changed"

    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        CSP_META,
        '<meta name="referrer" content="no-referrer">',
        f"<title>unspin: {_e(heading)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="meta">copy <code>{_e(result.copy_id)}</code> &middot; source '
        f"<code>{_e(result.source_id)}</code> &middot; {sm.copy_words} words in the copy, "
        f"{sm.source_words} in the source</p>",
        preface,
    ]
    if result.verdict:
        parts.append(f'<p class="verdict"><b>Verdict: {_e(result.verdict)}</b> &middot; {_e(result.evidence)}</p>')
    # summary
    order = ("verbatim", "synonym", "reword", "fact", "inserted", "clutter")
    names = {"verbatim": "verbatim", "synonym": "synonym-swapped", "reword": "reworded",
             "fact": "fact changes", "inserted": "inserted", "clutter": "clutter"}
    parts.append('<section aria-label="summary"><div class="bar" role="img" aria-label="shares of the copy">')
    for k in order:
        v = sm.shares.get(k, 0.0)
        if v > 0:
            parts.append(f'<span class="b-{k}" style="width:{100 * v:.2f}%" title="{_e(names[k])} {_pct(v)}"></span>')
    parts.append('</div><ul class="shares">')
    for k in order:
        parts.append(f'<li><i class="b-{k}"></i>{_e(names[k])} <b>{_pct(sm.shares.get(k, 0.0))}</b></li>')
    parts.append("</ul>")
    nfacts = sum(sm.facts.values())
    by = ", ".join(f"{_e(k)} {v}" for k, v in sm.facts.items() if v)
    parts.append(f'<p><b>{nfacts} fact change{"" if nfacts == 1 else "s"}</b>'
                 f"{' (' + by + ')' if by else ''}; {_n(sm.counts.get('synonym', 0), 'synonym swap')}, "
                 f"{_n(sm.counts.get('reword', 0), 'rewording')}, {_n(sm.counts.get('insertion', 0), 'insertion')}, "
                 f"{_n(sm.omitted_words, 'source word')} left out.</p></section>")
    # facts first
    parts.append("<section><h2>Fact changes</h2>")
    if fids:
        parts.append('<ol class="facts">')
        facts = [(i, c) for i, c in enumerate(changes) if c.kind == "fact"]
        facts.sort(key=lambda x: (FACT_SUBTYPES.index(x[1].subtype) if x[1].subtype in FACT_SUBTYPES
                                  else len(FACT_SUBTYPES), x[1].copy_start))
        for i, c in facts:
            fid = fids[i]
            parts.append(
                f'<li><span class="badge">{_e(c.subtype or "fact")}</span>'
                f'<a href="#c-{fid}">copy</a> / <a href="#s-{fid}">source</a>'
                f'<span class="pair"><b>copy</b> &ldquo;{_e(c.copy_text) or "&mdash;"}&rdquo;</span>'
                f'<span class="pair"><b>source</b> &ldquo;{_e(c.source_text) or "&mdash;"}&rdquo;</span>'
                f'<span class="why">{_e(c.explanation)}</span>'
                f'{_context(ctext, c.copy_start, c.copy_end)}</li>')
        parts.append("</ol>")
    else:
        parts.append('<p class="none">No fact changes found.</p>')
    parts.append("</section>")
    # swaps of ordinary words for unrelated ones: possible meaning changes
    odd = [c for c in changes if c.kind == "reword" and c.subtype == "unrelated"]
    if odd:
        parts.append("<section><h2>Swaps to check</h2><p class=\"meta\">Words replaced by words that are "
                     "not known synonyms; some change the meaning.</p><ul class=\"facts\">")
        for c in odd:
            parts.append(f'<li>&ldquo;{_e(c.copy_text)}&rdquo; for &ldquo;{_e(c.source_text)}&rdquo;</li>')
        parts.append("</ul></section>")
    # side by side
    srcs: list[tuple[str, str]] = []
    if source_text is not None or not result.sources:
        srcs.append((result.source_id, stext))
    else:
        srcs.extend((sid, a.original) for sid, a in zip(
            [result.source_id] + [a.id for a in result.sources[1:]], result.sources, strict=True))
    cmarks: list[tuple[int, int, str, str, str]] = []
    smarks: dict[str, list[tuple[int, int, str, str, str]]] = {sid: [] for sid, _ in srcs}
    for i, c in enumerate(changes):
        if c.kind == "verbatim":
            continue
        tip = f"{_KIND_LABEL.get(c.kind, c.kind)}{': ' + c.subtype if c.subtype else ''} - {c.explanation}"
        fid = fids.get(i, "")
        if c.copy_end > c.copy_start:
            cmarks.append((c.copy_start, c.copy_end, f"k-{c.kind}", tip, f"c-{fid}" if fid else ""))
        if c.source_end > c.source_start and c.kind != "clutter" and c.source_id in smarks:
            smarks[c.source_id].append((c.source_start, c.source_end, f"k-{c.kind}", tip, f"s-{fid}" if fid else ""))
    parts.append('<h2>Copy and source</h2><div class="legend">'
                 + "".join(f'<span class="k-{k}">{_e(v)}</span>' for k, v in _KIND_LABEL.items()
                           if k != "verbatim") + "</div>")
    parts.append('<div class="cols">')
    parts.append(f'<section class="col"><h2>Copy</h2><div class="text">{_spans(ctext, cmarks)}</div></section>')
    parts.append('<div>')
    for n, (sid, text) in enumerate(srcs):
        label = "Source" if len(srcs) == 1 else f"Source {n + 1}: <code>{_e(sid)}</code>"
        parts.append(f'<section class="col"><h2>{label}</h2><div class="text">{_spans(text, smarks[sid])}</div></section>')
    parts.append("</div></div>")
    parts.append(footer or '<p class="meta">Made by unspin. Offsets in the JSON index the texts shown here.</p>')
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


# ----------------------------------------------------------------------------- trace reports

def _made_by() -> str:
    import datetime as dt

    from unspin import __version__

    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return (f'<p class="meta">Made by unspin {_e(__version__)} on {_e(now)}. Offsets in the JSON twin '
            "index the texts shown here.</p>")


def _first(suspect_day: str | None, source_day: str | None) -> str:
    if not suspect_day or not source_day:
        return "unknown (a date is missing)"
    if source_day < suspect_day:
        return "the source, by " + _n(_days(source_day, suspect_day), "day")
    if source_day > suspect_day:
        return ("the suspect, by " + _n(_days(suspect_day, source_day), "day")
                + ": the copy may go the other way")
    return "same day"


def _days(a: str, b: str) -> int:
    import datetime as dt

    return (dt.date.fromisoformat(b[:10]) - dt.date.fromisoformat(a[:10])).days


def _headline(suspect: str | None, source: str | None) -> str:
    if not suspect or not source:
        return "not compared (a headline is missing)"
    from rapidfuzz import fuzz

    if " ".join(suspect.lower().split()) == " ".join(source.lower().split()):
        return "the same"
    sim = fuzz.token_sort_ratio(suspect.lower(), source.lower()) / 100
    return (f"different: &ldquo;{_e(suspect)}&rdquo; vs &ldquo;{_e(source)}&rdquo; "
            f"(word overlap {_pct(sim)})")


def trace_evidence_html(result: Any, title: str | None = None) -> str:
    """The evidence block of a trace report: each source by URL, title and date, both
    publication dates and who was first, score and coverage, the headlines compared."""
    from unspin.dates import date_key

    rows = []
    sus_day = date_key(result.published)
    for k, s in enumerate(result.sources, 1):
        name = _e(s.title or s.id)
        link = f'<a href="{_e(s.url)}" rel="noreferrer">{name}</a>' if s.url and s.url.startswith(("http://", "https://")) else name
        rows.append(
            f"<tr><td>{k}</td><td>{link}<br><code>{_e(s.id)}</code>{'<br>' + _e(s.url) if s.url else ''}</td>"
            f"<td>{_e(s.published or 'unknown')}</td><td>{_first(sus_day, date_key(s.published))}</td>"
            f"<td>{s.score:.2f}</td><td>{_pct(s.coverage)}</td><td>{len(s.sentences)}</td>"
            f"<td>{_headline(title, s.title)}</td></tr>")
    return ('<section aria-label="evidence"><h2>Where it came from</h2>'
            f'<p class="meta">suspect <code>{_e(result.input)}</code> &middot; published '
            f"{_e(result.published or 'unknown')}</p>"
            '<table class="evidence"><thead><tr><th>#</th><th>source</th><th>published</th>'
            "<th>published first</th><th>score</th><th>coverage</th><th>sentences</th>"
            "<th>headline</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>")


def check_html(check: Any) -> str:
    """The source-free check of a text as an HTML section (verdict, score, flagged phrases)."""
    if check is None:
        return ""
    def prob(f: Any) -> str:
        return "artefact" if f.kind in ("number", "agreement") else f"p={f.score:.2f}"

    # a suggestion is a possibility ("may have been"), not a correction
    flags = "".join(f"<li>&ldquo;{_e(f.text)}&rdquo; <b>{prob(f)}</b>"
                    + (f" &middot; may have been: {_e(f.suggestion)}" if f.suggestion else "")
                    + f' <span class="why">{_e(f.reason)}</span></li>' for f in check.flags[:50])
    return (f'<section aria-label="check"><h2>Does it read like spun text?</h2><p><b>Verdict: '
            f"{_e(check.verdict)}</b> &middot; spin score {check.spin_score:.2f} &middot; "
            f"{check.words_flagged} of {check.words_checked} words look swapped</p>"
            + (f'<ol class="facts">{flags}</ol>' if flags else '<p class="none">No phrase looks swapped.</p>')
            + "</section>")


def render_trace_html(result: Any, *, title: str | None = None, headline: str | None = None,
                      check: Any = None) -> str:
    """A self-contained HTML report of a ``TraceResult``: the evidence (sources, dates, who
    was first, score, coverage, headlines), then what the rewrite changed. Without a
    source it still shows the source-free analysis ``check`` (a ``CheckResult``) when given.
    """
    heading = title or f"{result.input}: where it came from and what changed"
    evidence = trace_evidence_html(result, headline)
    if result.sources and result.diff is not None:
        return render_html(result.diff, title=heading, preface=evidence + check_html(check),
                           footer=_made_by())
    body = ("<p>No source in the index: nothing indexed explains this text.</p>" if not result.sources
            else "<p>Sources found; run with changes to compare the texts.</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; form-action 'none'\">"
            f"<title>unspin: {_e(heading)}</title><style>{_CSS}</style></head><body><main>"
            f"<h1>{_e(heading)}</h1>{body}" + (evidence if result.sources else "")
            + check_html(check) + _made_by() + "</main></body></html>\n")


def render_terminal(result: DiffResult, *, color: bool = False, limit: int = 50) -> str:
    """Plain-text view: the summary, then the fact changes (at most ``limit``)."""
    import click

    def st(s: str, **kw: Any) -> str:
        return click.style(s, **kw) if color else s

    sm = result.summary
    lines = [st(f"copy {result.copy_id} vs source {result.source_id}", bold=True),
             f"{sm.copy_words} words in the copy: " + ", ".join(
                 f"{k} {_pct(v)}" for k, v in sm.shares.items() if v or k == "verbatim"),
             f"{_n(sm.omitted_words, 'source word')} left out; {_n(sm.counts.get('insertion', 0), 'insertion')}; "
             f"{_n(sm.counts.get('synonym', 0), 'synonym swap')}; {_n(sm.counts.get('reword', 0), 'rewording')}"]
    if result.verdict:
        lines.append(st(f"verdict: {result.verdict}", bold=True,
                        fg="red" if result.verdict == "distorted" else None) + f" ({result.evidence})")
    facts = result.facts
    by = ", ".join(f"{k} {v}" for k, v in sm.facts.items() if v)
    lines.append(st(f"{len(facts)} fact change{'' if len(facts) == 1 else 's'}" + (f" ({by})" if by else ""),
                    bold=True, fg="red" if facts else None))
    for n, c in enumerate(facts[:limit], 1):
        lines.append(f"{n:3d}. [{c.subtype}] {c.explanation}")
    if len(facts) > limit:
        lines.append(f"     ... and {len(facts) - limit} more")
    odd = [c for c in result.changes if c.kind == "reword" and c.subtype == "unrelated"]
    if odd:
        shown = ", ".join(f'"{c.copy_text}" for "{c.source_text}"' for c in odd[:limit])
        lines.append(f"{len(odd)} swap{'' if len(odd) == 1 else 's'} to check (not known synonyms): {shown}")
    return "\n".join(lines)
