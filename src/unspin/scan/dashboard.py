"""The scan dashboard: one self-contained HTML page built from ``report.json``.

No network: a Content-Security-Policy allows only the page's own inline style and one small
inline script (column sorting of the site table; the page is complete without it). Charts are
inline SVG. Every piece of crawl text (titles, URLs, site names) goes through
``html.escape``; links to copies' reports are relative paths the scan wrote itself, and page
URLs are shown as text, never as links, so a hostile ``javascript:`` URL stays inert.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["render_dashboard"]

_CSS = """
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9d9de;--copy:#1a73e8;--spun:#f9ab00;--dist:#c5221f;--orig:#34a853}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
main{max-width:1100px;margin:0 auto;padding:12px}
h1{font-size:1.35em;margin:.3em 0}h2{font-size:1.1em;margin:1.4em 0 .4em;border-bottom:1px solid var(--line)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:8px}
.card{border:1px solid var(--line);border-radius:6px;padding:6px 10px}.card b{display:block;font-size:1.3em}
.muted{color:var(--muted);font-size:.9em}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
th{cursor:pointer;user-select:none;background:#f6f6f8;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
svg{max-width:100%;height:auto;display:block}
.chart svg{max-width:760px}
td:last-child{text-align:left;white-space:normal;min-width:12em}
.legend span{display:inline-block;margin-right:1em;font-size:.85em}
.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:-.05em}
.cluster{border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:10px 0}
.cluster h3{font-size:1em;margin:0 0 .3em;overflow-wrap:anywhere}
.tl{list-style:none;padding:0;margin:.4em 0 0}
.tl li{padding:3px 0 3px 14px;border-left:3px solid var(--line);overflow-wrap:anywhere}
.tl li.original{border-left-color:var(--orig)}.tl li.verbatim{border-left-color:var(--copy)}
.tl li.rewritten{border-left-color:var(--spun)}.tl li.distorted{border-left-color:var(--dist)}
.v{font-size:.75em;font-weight:600;text-transform:uppercase;border-radius:3px;padding:0 .35em;color:#fff}
.v.original{background:var(--orig)}.v.verbatim{background:var(--copy)}.v.rewritten{background:#b06000}
.v.distorted{background:var(--dist)}
a{color:var(--copy)}
"""

_SCRIPT = """
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
  var asc=th.getAttribute('aria-sort')!=='ascending';
  t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort')});
  th.setAttribute('aria-sort',asc?'ascending':'descending');
  var rows=Array.prototype.slice.call(t.tBodies[0].rows);
  rows.sort(function(a,b){var x=a.cells[i].getAttribute('data-v'),y=b.cells[i].getAttribute('data-v');
   var nx=parseFloat(x),ny=parseFloat(y);var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);
   return asc?c:-c});
  rows.forEach(function(r){t.tBodies[0].appendChild(r)});});});});
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.1f}%"


def _rates_chart(sites: list[dict[str, Any]], limit: int = 25) -> str:
    """Horizontal grouped bars: copy, spun and distortion rate of the largest sites."""
    rows = sorted(sites, key=lambda s: (-s["articles"], s["site"]))[:limit]
    if not rows:
        return "<p class='muted'>No articles.</p>"
    lw, bw, rh = 170, 360, 30
    h = rh * len(rows) + 24
    parts = [f"<svg viewBox='0 0 {lw + bw + 60} {h}' role='img' aria-label='copy, spin and distortion "
             "rate per site'>"]
    for k in range(0, 11, 2):
        x = lw + bw * k / 10
        parts.append(f"<line x1='{x:.1f}' y1='0' x2='{x:.1f}' y2='{h - 18}' stroke='#eee'/>"
                     f"<text x='{x:.1f}' y='{h - 4}' font-size='10' text-anchor='middle' fill='#5f6368'>{k * 10}%</text>")
    for i, s in enumerate(rows):
        y = i * rh
        name = s["site"] if len(s["site"]) <= 26 else s["site"][:25] + "…"
        parts.append(f"<text x='{lw - 6}' y='{y + 17}' font-size='12' text-anchor='end'>{_e(name)}</text>")
        for j, (key, color) in enumerate((("copy_rate", "#1a73e8"), ("spun_rate", "#f9ab00"),
                                          ("distortion_rate", "#c5221f"))):
            v = float(s.get(key) or 0.0)
            parts.append(f"<rect x='{lw}' y='{y + 4 + j * 8}' width='{bw * v:.1f}' height='7' fill='{color}'>"
                         f"<title>{_e(s['site'])}: {key.replace('_', ' ')} {_pct(v)}</title></rect>")
        parts.append(f"<text x='{lw + bw + 4}' y='{y + 17}' font-size='10' fill='#5f6368'>{s['articles']}</text>")
    parts.append("</svg>")
    legend = ("<div class='legend'><span><i style='background:#1a73e8'></i>copy rate</span>"
              "<span><i style='background:#f9ab00'></i>spun rate</span>"
              "<span><i style='background:#c5221f'></i>distortion rate</span>"
              "<span class='muted'>number: articles</span></div>")
    return legend + "<div class='chart'>" + "".join(parts) + "</div>"


def _timeline(members: list[dict[str, Any]]) -> str:
    """An SVG strip: the original and each copy at its delay (hours) behind the source."""
    pts = [(0.0 if m["role"] != "copy" else float(m.get("source_delay_hours") or 0.0), m) for m in members]
    top = max([p for p, _ in pts] + [1.0])
    w, h = 600, 34
    colors = {"original": "#34a853", "verbatim": "#1a73e8", "rewritten": "#f9ab00", "distorted": "#c5221f"}
    out = [f"<svg viewBox='0 0 {w} {h}' role='img' aria-label='timeline of the cluster'>",
           f"<line x1='10' y1='14' x2='{w - 10}' y2='14' stroke='#bbb'/>",
           "<text x='10' y='31' font-size='10' fill='#5f6368'>0 h</text>",
           f"<text x='{w - 10}' y='31' font-size='10' text-anchor='end' fill='#5f6368'>{top:.0f} h</text>"]
    for p, m in pts:
        kind = (m.get("verdict") or "copy") if m["role"] == "copy" else "original"
        x = 10 + (w - 20) * p / top
        out.append(f"<circle cx='{x:.1f}' cy='14' r='5' fill='{colors.get(kind, '#888')}' fill-opacity='.8'>"
                   f"<title>{_e(m['site'])}: {_e(kind)}, {p:.1f} h</title></circle>")
    out.append("</svg>")
    return "".join(out)


def _cluster(c: dict[str, Any]) -> str:
    members = sorted(c.get("members", []), key=lambda m: (m["role"] == "copy",
                                                          m.get("source_delay_hours") or 0.0, m["url"]))
    items = []
    for m in members:
        kind = (m.get("verdict") or "copy") if m["role"] == "copy" else "original"
        if m["role"] == "copy":
            delay = m.get("source_delay_hours")
            when = f"+{delay:.1f} h" if isinstance(delay, (int, float)) else "date unknown"
            extra = []
            if m.get("spin_share"):
                extra.append(f"{_pct(m['spin_share'])} of words swapped")
            if m.get("fact_changes"):
                extra.append(f"{m['fact_changes']} fact change{'s' if m['fact_changes'] != 1 else ''}")
            if m.get("copied_from_url"):
                extra.append(f"copied from {_e(m['copied_from_url'])}")
            link = f" <a href='{_e(m['report'])}'>side by side</a>" if m.get("report") else ""
            items.append(f"<li class='{_e(kind)}'><span class='v {_e(kind)}'>{_e(kind)}</span> "
                         f"<b>{_e(m['site'])}</b> {when}{link}<br><span class='muted'>{_e(m['url'])}"
                         f"{'; ' + '; '.join(extra) if extra else ''}</span></li>")
        else:
            items.append(f"<li class='original'><span class='v original'>original</span> <b>{_e(m['site'])}</b> "
                         f"{_e(m.get('published') or m.get('seen') or 'date unknown')}<br>"
                         f"<span class='muted'>{_e(m['url'])}</span></li>")
    return (f"<div class='cluster'><h3>{_e(c.get('title') or c.get('source_url'))}</h3>"
            f"<div class='muted'>cluster {_e(c['cluster'])}: {c['size']} pages on {c['sites']} sites; "
            f"{c['verbatim']} verbatim, {c['rewritten']} rewritten, {c['distorted']} distorted</div>"
            f"{_timeline(members)}<ul class='tl'>{''.join(items)}</ul></div>")


def render_dashboard(data: dict[str, Any]) -> str:
    """The dashboard HTML of a scan's ``report.json`` data."""
    s = data["summary"]
    skipped = sum(s["skipped"].values())
    cards = [("records", s["records"]), ("articles", s["pages"]), ("skipped", skipped),
             ("copy clusters", s["clusters"]), ("copies", s["copies"]),
             ("rewritten", s["verdicts"].get("rewritten", 0)), ("distorted", s["verdicts"].get("distorted", 0))]
    cards_html = "".join(f"<div class='card'><b>{v:,}</b>{_e(k)}</div>" for k, v in cards)
    reasons = ", ".join(f"{_e(k.replace('_', ' '))} {v}" for k, v in s["skipped"].items() if v) or "none"
    head = ("<tr>" + "".join(f"<th scope='col'>{_e(h.replace('_', ' '))}</th>" for h in
                             ("site", "articles", "originals", "copies", "copy_rate", "spun_rate",
                              "distortion_rate", "median_delay_hours", "copies most from")) + "</tr>")
    most: dict[str, list[str]] = {}
    for r in data.get("site_sources", []):
        most.setdefault(r["site"], []).append(f"{r['copies_from']} ({r['copies']})")
    rows = []
    for r in sorted(data["sites"], key=lambda r: (-r["copy_rate"], -r["articles"], r["site"])):
        cells = [(r["site"], _e(r["site"]))]
        cells += [(r[k], str(r[k])) for k in ("articles", "originals", "copies")]
        cells += [(r[k], _pct(r[k])) for k in ("copy_rate", "spun_rate", "distortion_rate")]
        d = r["median_delay_hours"]
        cells.append((d if d is not None else -1, "" if d is None else f"{d:.1f}"))
        m = ", ".join(most.get(r["site"], [])[:3])
        cells.append((m, _e(m)))
        rows.append("<tr>" + "".join(f"<td data-v='{_e(v)}'>{t}</td>" for v, t in cells) + "</tr>")
    clusters = "".join(_cluster(c) for c in data.get("clusters", [])) or "<p class='muted'>No copies found.</p>"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        "<title>unspin scan</title>"
        f"<style>{_CSS}</style></head><body><main>"
        "<h1>unspin scan: who copied whom</h1>"
        f"<div class='cards'>{cards_html}</div>"
        f"<p class='muted'>Skipped records: {reasons}. Candidate pairs verified: {s['candidates']:,}; "
        f"copy links: {s['edges']:,}. Same data: report.json, articles.jsonl, sites.csv, scan.sqlite.</p>"
        "<h2>Copy, spin and distortion rate per site</h2>"
        f"{_rates_chart(data['sites'])}"
        "<h2>Sites</h2><p class='muted'>Tap a column to sort. Rates are shares of the site's articles.</p>"
        f"<div class='scroll'><table class='sortable' id='sites'><thead>{head}</thead><tbody>{''.join(rows)}"
        "</tbody></table></div>"
        "<h2>Largest copy clusters</h2>"
        f"{clusters}"
        f"</main><script>{_SCRIPT}</script></body></html>"
    )
