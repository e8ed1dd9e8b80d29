"""A synthetic web crawl with exact copy truth, for ``unspin scan``.

No public crawl comes with the truth a copy scanner needs (which page copied which, how,
with what changes), so unspin makes one from articles it is given, the way ``unspin.synth``
makes spun copies:

- **outlets** publish the originals (their own reports), spread over ``weeks``;
- **copy sites** with different habits republish some of them after a delay: a verbatim
  mirror, an excerpting aggregator (the first paragraphs and a "read more" line), a
  thesaurus spinner and an embedding spinner (``unspin.synth``, no fact edits), a heavy
  spinner with fact edits, a site that copies the spinners' copies (a copy of a copy), and a
  site that both reports (originals of its own) and copies;
- **independent reports** of the same events: another outlet's own text that shares the
  story's names and numbers but none of its sentences (written from invented templates);
- every page is wrapped in its site's HTML chrome (navigation, a "Trending" sidebar,
  footer), some pages carry no publication date (the crawler's date is then all a reader
  has), and the crawl holds the records a real one does: robots.txt, images, 404 pages,
  section index pages without an article, request records.

``make_crawl`` returns the pages with their truth; ``write_crawl`` writes ``crawl.warc.gz``
(one gzip member per record), ``crawl.jsonl.gz`` (the same pages, one object a line, with
``html``), and ``truth.jsonl``. Deterministic for a seed (``random.Random`` seeded through
``synth.copy_seed``; no set iteration, no ``hash()``).

Truth per page: ``cluster`` (the story's original id; independent reports are their own
cluster), ``role`` (``original`` or ``copy``), ``source_url`` (the cluster's original),
``copied_from_url`` (the page it was copied from: another copy for a copy of a copy),
``verdict`` against the original (``verbatim``: no word changed; ``rewritten``: words
swapped, no fact edit; ``distorted``: at least one fact edit anywhere along the copy chain).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import html
import io
import json
import logging
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from unspin.models import Article, Record
from unspin.synth import SpinConfig, SpunCopy, copy_seed, spin

log = logging.getLogger(__name__)

__all__ = ["CrawlPage", "CrawlRecord", "Habit", "HABITS", "make_crawl", "write_crawl", "read_articles"]

START = dt.datetime(2025, 3, 3, 0, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Habit(Record):
    """How a copy site copies: which stories, with what delay (hours), and how."""

    site: str
    kind: str  # mirror | excerpt | spin | relay | mixed
    share: float  # share of stories it copies
    delay: tuple[float, float]
    spin: SpinConfig | None = None


_QUIET = dict(reorder=False, split_merge=False, drop=0, insert=0, clutter=False)

HABITS: tuple[Habit, ...] = (
    Habit("newsmirror.example", "mirror", 0.45, (0.5, 8.0)),
    Habit("digestnow.example", "excerpt", 0.40, (0.2, 4.0)),
    Habit("contentfarm.example", "spin", 0.35, (6.0, 72.0),
          SpinConfig(swap_rate=0.35, spinner="thesaurus", fact_edits=0, **_QUIET)),  # type: ignore[arg-type]
    Habit("smartwire.example", "spin", 0.30, (3.0, 48.0),
          SpinConfig(swap_rate=0.3, spinner="embedding", fact_edits=0, **_QUIET)),  # type: ignore[arg-type]
    Habit("truthbuzz.example", "spin", 0.45, (12.0, 120.0),
          SpinConfig(swap_rate=0.5, spinner="mixed", fact_edits=2)),
    Habit("buzzrelay.example", "relay", 0.6, (2.0, 24.0)),
    Habit("citybeat.example", "mixed", 0.20, (1.0, 24.0),
          SpinConfig(swap_rate=0.15, spinner="thesaurus", fact_edits=0, **_QUIET)),  # type: ignore[arg-type]
)
#: sites that publish originals (besides the corpus' own sites) and independent reports
OUTLETS = ("wire.example", "dailyledger.example", "northpost.example", "harbourtimes.example")
INDEPENDENT_SITES = ("eastgazette.example", "citybeat.example")


@dataclass(frozen=True, slots=True)
class CrawlPage(Record):
    """One article page of the crawl with its truth."""

    url: str
    site: str
    title: str
    text: str
    published: str  # true publication time (ISO, UTC)
    seen: str  # when the crawler fetched it (WARC-Date)
    dated: bool  # the page states its publication date
    cluster: str
    role: str  # original | copy
    source_url: str
    copied_from_url: str | None = None
    verdict: str | None = None  # for copies
    habit: str = "original"  # original | independent | mirror | excerpt | spin | relay | mixed
    fact_edits: int = 0


@dataclass(frozen=True, slots=True)
class CrawlRecord(Record):
    """A record of the crawl that is not an article (robots.txt, image, error, index page)."""

    url: str
    seen: str
    status: int
    content_type: str
    body: bytes = field(default=b"", metadata={"serialize": False})
    reason: str = ""


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(title: str, n: int = 6) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())[:n]
    return "-".join(words) or "story"


def read_articles(path: str | Path, limit: int | None = None) -> list[Article]:
    """Articles of a JSONL corpus (``id``, ``title``, ``text``; ``.gz`` too), in file order."""
    from unspin.ingest import read

    out = []
    for a in read(str(path)):
        out.append(a)
        if limit is not None and len(out) >= limit:
            break
    return out


# ----------------------------------------------------------------- independent reports

_NAME_RE = re.compile(r"(?<=[a-z0-9,;] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")
_NUM_RE = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")

_WORD_RE = re.compile(r"\b[a-z]{5,14}\b")


def independent_report(article: Article, rng: random.Random) -> tuple[str, str]:
    """Title and text of another outlet's own report of the same event.

    Written as "key points" notes: each line names people and places of the story and quotes
    its numbers among the story's own content words, in an order of its own, so it shares the
    story's names, numbers and vocabulary but no sentence (nor sentence skeleton) with the
    original, and two such reports of different stories share nothing but punctuation.
    """
    from unspin import vocab
    from unspin.text import STOPWORDS

    calendar = set(vocab.MONTHS) | set(vocab.WEEKDAYS)
    names: list[str] = []
    for m in _NAME_RE.finditer(article.text):
        if m.group() not in names and m.group().split()[0] not in calendar:
            names.append(m.group())
    nums: list[str] = []
    for m in _NUM_RE.finditer(article.text):
        if m.group() not in nums and len(m.group()) >= 2:
            nums.append(m.group())
    words = sorted({w for w in _WORD_RE.findall(article.text) if w not in STOPWORDS})
    names = names or ["officials"]
    words = words or ["story", "report", "details"]
    lines: list[str] = []
    for k in range(8):
        ws = rng.sample(words, min(len(words), rng.randint(4, 7)))
        if nums and k % 2 == 1:
            ws.insert(rng.randrange(1, len(ws) + 1), rng.choice(nums[:8]))
        name = rng.choice(names[:8])
        line = f"{name}: {' '.join(ws)}" if k % 3 else f"{' '.join(ws).capitalize()} ({name})"
        lines.append(line + ".")
    lead = names[0] if names[0] != "officials" else "the story"
    return f"{lead}: key points", "\n".join(lines)


# ----------------------------------------------------------------- making the crawl

def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+", text) if p.strip()]


def _excerpt(text: str, rng: random.Random) -> str:
    paras = _paragraphs(text)
    k = max(2, round(len(paras) * rng.uniform(0.3, 0.5)))
    out = paras[:k]
    if sum(len(p.split()) for p in out) < 60 and len(paras) > k:
        out = paras[:k + 1]
    return "\n".join(out)


def _verdict(chain_facts: int, changed_words: bool) -> str:
    if chain_facts:
        return "distorted"
    return "rewritten" if changed_words else "verbatim"


def make_crawl(articles: Sequence[Article], *, seed: int = 0, weeks: int = 4,
               independent_share: float = 0.3, undated_copy_share: float = 0.15,
               undated_original_share: float = 0.05, generator: str = "synth",
               habits: Sequence[Habit] = HABITS) -> tuple[list[CrawlPage], list[CrawlRecord]]:
    """Pages (with truth) and non-article records of a synthetic crawl of ``articles``.

    Originals keep their own ``site`` when they have one (else an outlet is assigned) and
    get a publication time spread over ``weeks``; see the module docstring for the copies.
    ``generator="alt"`` makes the spinners' copies with ``unspin.altspin`` (the independent
    generator, none of the resources diff judges with) instead of ``unspin.synth``.
    """
    rng = random.Random(copy_seed(seed, "crawl"))
    span_h = weeks * 7 * 24
    pages: list[CrawlPage] = []
    used_urls: set[str] = set()

    def url_for(site: str, t: dt.datetime, title: str) -> str:
        return unique_url(used_urls, site, t, title)

    def dated(share: float) -> bool:
        return rng.random() >= share

    for i, a in enumerate(articles):
        pages.extend(story_pages(a, i, seed=seed, span_h=span_h, habits=habits, url_for=url_for, dated=dated,
                                 independent_share=independent_share,
                                 undated_original_share=undated_original_share,
                                 undated_copy_share=undated_copy_share, generator=generator))
    records = _other_records(pages, rng)
    return pages, records


def unique_url(used: set[str], site: str, t: dt.datetime, title: str, tag: str = "") -> str:
    """``https://site/YYYY/MM/title-slug[-tag]``, numbered when already in ``used`` (then added)."""
    base = f"https://{site}/{t:%Y/%m}/{_slug(title)}{tag}"
    u, k = base, 1
    while u in used:
        k += 1
        u = f"{base}-{k}"
    used.add(u)
    return u


def story_time(seed: int, story_id: str, span_h: float) -> dt.datetime:
    """The publication time of a story's original (the first draw of its generator)."""
    return START + dt.timedelta(hours=random.Random(copy_seed(seed, "story", story_id)).uniform(0, span_h))


def story_pages(a: Article, i: int, *, seed: int, span_h: float, habits: Sequence[Habit],
                url_for: Callable[[str, dt.datetime, str], str], dated: Callable[[float], bool],
                independent_share: float, undated_original_share: float, undated_copy_share: float,
                generator: str) -> list[CrawlPage]:
    """The pages of one story: its original, an independent report, the copies (see make_crawl)."""
    city = next((h for h in habits if h.kind == "mixed"), None)
    pages: list[CrawlPage] = []
    r = random.Random(copy_seed(seed, "story", a.id))
    t0 = START + dt.timedelta(hours=r.uniform(0, span_h))  # = story_time(seed, a.id, span_h)
    own = city is not None and r.random() < 0.08
    site = city.site if own and city else (a.site or OUTLETS[i % len(OUTLETS)])
    title = a.title or a.text[:60]
    o_dated = r.random() >= undated_original_share
    # an undated page is only known by the crawler's date: crawled soon after publication
    lag = r.uniform(0.1, 0.5) if not o_dated else r.uniform(0.2, 12.0)
    o_url = url_for(site, t0, title)
    orig = CrawlPage(url=o_url, site=site, title=title, text=a.text, published=_iso(t0),
                     seen=_iso(t0 + dt.timedelta(hours=lag)), dated=o_dated, cluster=a.id,
                     role="original", source_url=o_url)
    pages.append(orig)
    if r.random() < independent_share:
        isite = INDEPENDENT_SITES[i % len(INDEPENDENT_SITES)]
        if isite == site:
            isite = INDEPENDENT_SITES[(i + 1) % len(INDEPENDENT_SITES)]
        it = t0 + dt.timedelta(hours=r.uniform(-6.0, 12.0))
        ititle, itext = independent_report(a, random.Random(copy_seed(seed, "independent", a.id)))
        i_dated = r.random() >= 0.1
        i_url = url_for(isite, it, ititle + " " + a.id)
        pages.append(CrawlPage(url=i_url, site=isite, title=ititle, text=itext, published=_iso(it),
                               seen=_iso(it + dt.timedelta(hours=r.uniform(0.1, 12.0))),
                               dated=i_dated, cluster=f"{a.id}/independent", role="original",
                               source_url=i_url, habit="independent"))
    spun: list[tuple[CrawlPage, dt.datetime]] = []
    for h in habits:
        if h.kind == "relay" or (h.kind == "mixed" and own):
            continue
        if r.random() >= h.share:
            continue
        t = t0 + dt.timedelta(hours=r.uniform(*h.delay))
        facts = 0
        changed = False
        if h.kind == "mirror":
            text = a.text
        elif h.kind == "excerpt":
            text = _excerpt(a.text, r) + f"\nRead the full story at {site}."
        else:
            assert h.spin is not None
            cp = _spin(a, h, seed, generator)
            text = cp.text
            facts = len(cp.edits_of("fact"))
            changed = bool(cp.edits_of("synonym") or cp.edits_of("reword") or facts)
        c_dated = dated(undated_copy_share)
        c = CrawlPage(url=url_for(h.site, t, title), site=h.site, title=title, text=text,
                      published=_iso(t), seen=_iso(t + dt.timedelta(hours=r.uniform(0.2, 12.0))),
                      dated=c_dated, cluster=a.id, role="copy", source_url=o_url,
                      copied_from_url=o_url, verdict=_verdict(facts, changed), habit=h.kind,
                      fact_edits=facts)
        pages.append(c)
        if h.kind == "spin":
            spun.append((c, t))
    relay = next((h for h in habits if h.kind == "relay"), None)
    if relay and spun and r.random() < relay.share:
        parent, tp = spun[r.randrange(len(spun))]
        t = tp + dt.timedelta(hours=r.uniform(*relay.delay))
        pages.append(replace(parent, url=url_for(relay.site, t, title), site=relay.site,
                             published=_iso(t), seen=_iso(t + dt.timedelta(hours=r.uniform(0.2, 12.0))),
                             dated=dated(undated_copy_share), copied_from_url=parent.url,
                             habit="relay"))
    return pages


def _spin(a: Article, h: Habit, seed: int, generator: str) -> SpunCopy:
    """One spinner's copy: ``synth`` with the habit's settings, or ``altspin`` in the style
    closest to it (thesaurus -> paraphrase, embedding -> ai, mixed -> mixed)."""
    assert h.spin is not None
    s = copy_seed(seed, a.id, h.site)
    if generator == "synth":
        return spin(a, seed=s, config=h.spin, copy_id=f"{a.id}@{h.site}")
    from unspin.altspin import AltConfig, spin_alt

    style = {"thesaurus": "paraphrase", "embedding": "ai"}.get(h.spin.spinner, "mixed")
    cfg = AltConfig(style=style, swap_rate=h.spin.swap_rate, fact_edits=h.spin.fact_edits,
                    reorder=h.spin.reorder, clause_reorder=1 if h.spin.reorder else 0)
    return spin_alt(a, seed=s, config=cfg, copy_id=f"{a.id}@{h.site}")


def _other_records(pages: Sequence[CrawlPage], rng: random.Random) -> list[CrawlRecord]:
    """robots.txt per site, some images, 404s and section pages with no article."""
    out: list[CrawlRecord] = []
    sites = sorted({p.site for p in pages})
    first_seen = {s: min(p.seen for p in pages if p.site == s) for s in sites}
    for s in sites:
        out.append(CrawlRecord(f"https://{s}/robots.txt", first_seen[s], 200, "text/plain",
                               b"User-agent: *\nAllow: /\n", "robots"))
        out.append(CrawlRecord(f"https://{s}/news/", first_seen[s], 200, "text/html; charset=utf-8",
                               _section_page(s, [p for p in pages if p.site == s][:8]).encode(),
                               "no_article"))
    for k, p in enumerate(pages):
        if k % 9 == 0:
            out.append(CrawlRecord(p.url.rsplit("/", 1)[0] + f"/img{k}.jpg", p.seen, 200, "image/jpeg",
                                   b"\xff\xd8\xff\xe0" + bytes(rng.randrange(256) for _ in range(64)),
                                   "not_html"))
        if k % 23 == 5:
            out.append(CrawlRecord(p.url + "-old", p.seen, 404, "text/html",
                                   b"<html><body><h1>Page not found</h1></body></html>", "status"))
    return out


# ----------------------------------------------------------------- HTML chrome

_NAV = {
    0: ("World", "Business", "Sport", "Culture", "Science"),
    1: ("Home", "Latest", "Politics", "Money", "Opinion", "Video"),
    2: ("News", "Trending", "Viral", "Entertainment", "Deals"),
}


def _site_style(site: str) -> int:
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % 3


def _section_page(site: str, pages: Sequence[CrawlPage]) -> str:
    links = "".join(f'<li><a href="{html.escape(p.url)}">{html.escape(p.title)}</a></li>' for p in pages)
    return (f"<!DOCTYPE html><html><head><title>{html.escape(site)} - Latest</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news/'>News</a></nav><ul>{links}</ul>"
            f"<footer>&copy; {html.escape(site)}</footer></body></html>")


def render_html(page: CrawlPage, sidebar: Sequence[str] = ()) -> str:
    """The page in its site's chrome; the publication date in metadata only if ``dated``."""
    e = html.escape
    style = _site_style(page.site)
    nav = "".join(f'<a href="/{n.lower()}/">{n}</a> ' for n in _NAV[style])
    meta = ""
    if page.dated:
        meta = (f'<meta property="article:published_time" content="{page.published}">'
                f'<meta name="date" content="{page.published}">')
    body = "".join(f"<p>{e(p)}</p>" for p in _paragraphs(page.text))
    side = "".join(f'<li><a href="/t/{k}">{e(s)}</a></li>' for k, s in enumerate(sidebar))
    byline = f'<p class="byline">By staff, {page.published[:10]}</p>' if page.dated else ""
    head = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{e(page.title)} | {e(page.site)}</title>{meta}"
            f"<meta property='og:site_name' content='{e(page.site)}'></head><body>")
    header = f"<header><div class='logo'>{e(page.site)}</div><nav>{nav}</nav></header>"
    aside = f"<aside><h3>Trending</h3><ul>{side}</ul></aside>" if side else ""
    footer = (f"<footer><p>&copy; 2025 {e(page.site)}. All rights reserved.</p>"
              "<p><a href='/privacy'>Privacy</a> <a href='/contact'>Contact</a></p></footer>")
    article = f"<article><h1>{e(page.title)}</h1>{byline}<div class='body'>{body}</div></article>"
    if style == 0:
        main = f"<main>{article}{aside}</main>"
    elif style == 1:
        main = f"<div class='wrap'>{aside}<div class='content'>{article}</div></div>"
    else:
        cookie = "<div class='cookie'>We use cookies to improve your experience. <button>OK</button></div>"
        main = f"{cookie}<div id='main'>{article}</div>{aside}"
    return f"{head}{header}{main}{footer}</body></html>"


# ----------------------------------------------------------------- writing

def _warc_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    raw = head.encode("utf-8") + block + b"\r\n\r\n"
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def _rid(*parts: str) -> str:
    h = hashlib.sha1("|".join(parts).encode()).hexdigest()
    return f"<urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}>"


def _http(status: int, ctype: str, body: bytes) -> bytes:
    reason = {200: "OK", 404: "Not Found"}.get(status, "Status")
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _items(pages: Sequence[CrawlPage], records: Sequence[CrawlRecord]) -> list[tuple[str, str, object]]:
    items: list[tuple[str, str, object]] = [(p.seen, p.url, p) for p in pages]
    items += [(r.seen, r.url, r) for r in records]
    items.sort(key=lambda x: (x[0], x[1]))
    return items


def iter_warc(pages: Sequence[CrawlPage], records: Sequence[CrawlRecord]) -> Iterator[bytes]:
    """gzip members of the crawl's WARC file, in crawl (seen) order."""
    yield _warc_record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", _rid("warcinfo")),
                        ("WARC-Date", _iso(START)), ("Content-Type", "application/warc-fields")],
                       b"software: unspin crawlsynth\r\nformat: WARC File Format 1.0\r\n")
    titles = [p.title for p in pages]
    for seen, url, item in _items(pages, records):
        if isinstance(item, CrawlPage):
            k = int(hashlib.sha1(url.encode()).hexdigest(), 16)
            side = [titles[(k + j * 7) % len(titles)] for j in range(4)]
            status, ctype, body = 200, "text/html; charset=utf-8", render_html(item, side).encode()
        else:
            assert isinstance(item, CrawlRecord)
            status, ctype, body = item.status, item.content_type, item.body
        yield _warc_record([("WARC-Type", "request"), ("WARC-Record-ID", _rid("req", url)),
                            ("WARC-Date", seen), ("WARC-Target-URI", url),
                            ("Content-Type", "application/http; msgtype=request")],
                           f"GET {url} HTTP/1.1\r\nUser-Agent: crawlsynth\r\n\r\n".encode())
        yield _warc_record([("WARC-Type", "response"), ("WARC-Record-ID", _rid("resp", url)),
                            ("WARC-Date", seen), ("WARC-Target-URI", url),
                            ("Content-Type", "application/http; msgtype=response")],
                           _http(status, ctype, body))


def write_crawl(pages: Sequence[CrawlPage], records: Sequence[CrawlRecord], out: str | Path, *,
                files: int = 1) -> list[Path]:
    """Write ``crawl.warc.gz`` (or ``crawl-NN.warc.gz`` for ``files`` > 1), ``crawl.jsonl.gz``
    (the same article pages with ``html``, ``url``, ``seen``) and ``truth.jsonl``."""
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    names = [d / "crawl.warc.gz"] if files <= 1 else [d / f"crawl-{k:02d}.warc.gz" for k in range(files)]
    handles = [open(n, "wb") for n in names]
    try:
        for k, member in enumerate(iter_warc(pages, records)):
            handles[0 if k == 0 else ((k - 1) // 2) % len(handles)].write(member)
    finally:
        for h in handles:
            h.close()
    titles = [p.title for p in pages]
    with gzip.open(d / "crawl.jsonl.gz", "wt", encoding="utf-8", compresslevel=6) as fh:
        for seen, url, item in _items(pages, records):
            if not isinstance(item, CrawlPage):
                continue
            k = int(hashlib.sha1(url.encode()).hexdigest(), 16)
            side = [titles[(k + j * 7) % len(titles)] for j in range(4)]
            fh.write(json.dumps({"id": url, "url": url, "seen": seen, "html": render_html(item, side)},
                                sort_keys=True, ensure_ascii=False) + "\n")
    with open(d / "truth.jsonl", "w", encoding="utf-8") as fh:
        for p in sorted(pages, key=lambda p: p.url):
            row = p.to_dict()
            del row["text"]  # in the crawl files; the truth is about relations
            fh.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")
    return [*names, d / "crawl.jsonl.gz", d / "truth.jsonl"]


# ----------------------------------------------------------------- scoring a scan

def score_scan(articles: Sequence[dict[str, object]], truth: Sequence[dict[str, object]]) -> dict[str, float]:
    """Quality of a scan's ``articles.jsonl`` rows against the crawl's ``truth.jsonl`` rows.

    - ``cluster_f1``: pairwise F1 of "same copy cluster" over the article pages (a page
      outside every cluster is alone);
    - ``source_accuracy``: share of true copies whose ``source_url`` is the true original;
    - ``distorted_recall`` / ``distorted_precision``: of copies called ``distorted``;
    - ``copy_recall`` / ``copy_precision``: of pages called copies;
    - ``independent_merged``: independent same-event reports put in their story's cluster;
    - ``site_copy_rate_error``: the largest difference between a site's copy rate and the
      truth; ``missing_pages``: true pages the scan did not output.
    """
    from itertools import combinations

    pred = {str(a["url"]): a for a in articles}
    t_by = {str(t["url"]): t for t in truth}
    missing = [u for u in t_by if u not in pred]

    def groups(key: str, rows: dict[str, dict[str, object]]) -> set[tuple[str, str]]:
        by: dict[str, list[str]] = {}
        for u, r in rows.items():
            if u in t_by and r.get(key) is not None:
                by.setdefault(str(r[key]), []).append(u)
        return {tuple(sorted(p)) for g in by.values() for p in combinations(sorted(g), 2)}  # type: ignore[misc]

    tp_pairs = groups("cluster", {u: t for u, t in t_by.items()})
    pp_pairs = groups("cluster", pred)
    inter = len(tp_pairs & pp_pairs)
    p = inter / len(pp_pairs) if pp_pairs else 1.0
    r = inter / len(tp_pairs) if tp_pairs else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    copies = [t for t in truth if t["role"] == "copy"]
    right = sum(1 for t in copies if pred.get(str(t["url"]), {}).get("source_url") == t["source_url"])
    called_copy = {u for u, a in pred.items() if a.get("role") == "copy" and u in t_by}
    true_copy = {str(t["url"]) for t in copies}
    dist_t = {str(t["url"]) for t in copies if t["verdict"] == "distorted"}
    dist_p = {u for u in called_copy if pred[u].get("verdict") == "distorted"}
    merged = 0
    story_clusters: dict[str, set[object]] = {}  # the scan's clusters of each true story's pages
    for x in truth:
        if str(x["url"]) in pred:
            story_clusters.setdefault(str(x["cluster"]), set()).add(pred[str(x["url"])].get("cluster"))
    for t in truth:
        if t["habit"] != "independent":
            continue
        a = pred.get(str(t["url"]))
        if a is None or a.get("cluster") is None:
            continue
        story = str(t["cluster"]).split("/")[0]
        if a["cluster"] in story_clusters.get(story, set()):
            merged += 1
    sites: dict[str, list[int]] = {}
    for u, t in t_by.items():
        s = sites.setdefault(str(t["site"]), [0, 0, 0])
        s[0] += 1
        s[1] += t["role"] == "copy"
        s[2] += u in called_copy
    err = max((abs(c - q) / n for n, c, q in sites.values() if n), default=0.0)

    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    return {"pages": float(len(t_by)), "missing_pages": float(len(missing)),
            "cluster_precision": round(p, 4), "cluster_recall": round(r, 4), "cluster_f1": round(f1, 4),
            "source_accuracy": round(ratio(right, len(copies)), 4),
            "copy_recall": round(ratio(len(called_copy & true_copy), len(true_copy)), 4),
            "copy_precision": round(ratio(len(called_copy & true_copy), len(called_copy)), 4),
            "distorted_recall": round(ratio(len(dist_t & dist_p), len(dist_t)), 4),
            "distorted_precision": round(ratio(len(dist_t & dist_p), len(dist_p)), 4),
            "independent_merged": float(merged), "site_copy_rate_error": round(err, 4)}
