"""Synthetic crawls at scale: :mod:`unspin.crawlsynth`'s stories, written as a stream.

``crawlsynth.make_crawl`` keeps the whole crawl in memory and writes it in crawl order, which
is right for a few thousand pages. :func:`write_crawl_stream` makes the same kind of crawl
(the same habits, per-story truth and HTML chrome: :func:`unspin.crawlsynth.story_pages`) for
any number of stories, in chunks on ``jobs`` processes, and streams the chunks to
``crawl-NN.warc.gz``, ``crawl.jsonl.gz`` and ``truth.jsonl``:

- stories are taken in order of their original's publication time and cut into chunks; a
  chunk's records (pages, their request records, images, 404s) are written in crawl-date
  order, so the files are in crawl order up to a chunk's span (a few hours);
- a page goes to WARC file ``sha1(url) mod files``, so a story's copies are spread over the
  files as in a real crawl;
- URLs carry the story id (unique without a crawl-wide registry); robots.txt and a section
  page per site come first; the random draws of a story depend on the seed and the story only
  (``dated`` draws come from the story's own generator), so the output does not depend on
  ``jobs``. Memory: a chunk in flight per process.

The stories come from a callable ``story(k) -> Article`` (e.g. :class:`unspin.sourcegen.SourceModel`),
set before the worker processes fork.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import multiprocessing as mp
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from unspin.crawlsynth import (
    HABITS,
    INDEPENDENT_SITES,
    OUTLETS,
    START,
    CrawlPage,
    _http,
    _iso,
    _rid,
    _section_page,
    _warc_record,
    render_html,
    story_pages,
    story_time,
    unique_url,
)
from unspin.models import Article
from unspin.synth import copy_seed

__all__ = ["write_crawl_stream"]

_G: dict[str, Any] = {}


def _members(url: str, seen: str, status: int, ctype: str, body: bytes) -> bytes:
    req = _warc_record([("WARC-Type", "request"), ("WARC-Record-ID", _rid("req", url)),
                        ("WARC-Date", seen), ("WARC-Target-URI", url),
                        ("Content-Type", "application/http; msgtype=request")],
                       f"GET {url} HTTP/1.1\r\nUser-Agent: crawlsynth\r\n\r\n".encode())
    resp = _warc_record([("WARC-Type", "response"), ("WARC-Record-ID", _rid("resp", url)),
                         ("WARC-Date", seen), ("WARC-Target-URI", url),
                         ("Content-Type", "application/http; msgtype=response")],
                        _http(status, ctype, body))
    return req + resp


def _chunk(ks: list[int]) -> list[tuple[str, str, bytes, str | None, str | None]]:
    """(seen, url, WARC members, JSONL line, truth line) of the chunk's records, crawl order."""
    seed, span_h, generator = _G["seed"], _G["span_h"], _G["generator"]
    story: Callable[[int], Article] = _G["story"]
    out: list[tuple[str, str, bytes, str | None, str | None]] = []
    pages: list[CrawlPage] = []
    for k in ks:
        a = story(k)
        rng = random.Random(copy_seed(seed, "dated", a.id))
        used: set[str] = set()
        tag = hashlib.sha1(a.id.encode()).hexdigest()[:8]

        def url_for(site: str, t: dt.datetime, title: str, used: set[str] = used, tag: str = tag) -> str:
            return unique_url(used, site, t, title, f"-{tag}")

        def dated(share: float, rng: random.Random = rng) -> bool:
            return rng.random() >= share

        pages.extend(story_pages(a, k, seed=seed, span_h=span_h, habits=HABITS, url_for=url_for, dated=dated,
                                 independent_share=0.3, undated_original_share=0.05,
                                 undated_copy_share=0.15, generator=generator))
    titles = [p.title for p in pages]
    rng = random.Random(copy_seed(seed, "records", ks[0] if ks else 0))
    for p in pages:
        h = int(hashlib.sha1(p.url.encode()).hexdigest(), 16)
        side = [titles[(h + j * 7) % len(titles)] for j in range(4)]
        page_html = render_html(p, side)
        row = p.to_dict()
        del row["text"]
        out.append((p.seen, p.url, _members(p.url, p.seen, 200, "text/html; charset=utf-8", page_html.encode()),
                    json.dumps({"id": p.url, "url": p.url, "seen": p.seen, "html": page_html},
                               sort_keys=True, ensure_ascii=False),
                    json.dumps(row, sort_keys=True, ensure_ascii=False)))
        if h % 9 == 0:
            u = p.url.rsplit("/", 1)[0] + f"/img{h % 100000}.jpg"
            body = b"\xff\xd8\xff\xe0" + bytes(rng.randrange(256) for _ in range(64))
            out.append((p.seen, u, _members(u, p.seen, 200, "image/jpeg", body), None, None))
        if h % 23 == 5:
            u = p.url + "-old"
            out.append((p.seen, u, _members(u, p.seen, 404, "text/html",
                                            b"<html><body><h1>Page not found</h1></body></html>"), None, None))
    out.sort(key=lambda x: (x[0], x[1]))
    return out


def _ordered_chunks(first: int, n: int, chunk: int) -> Iterator[list[int]]:
    seed, span_h = _G["seed"], _G["span_h"]
    order = sorted(range(first, first + n), key=lambda k: story_time(seed, _G["story_id"](k), span_h))
    for i in range(0, n, chunk):
        yield order[i:i + chunk]


def write_crawl_stream(story: Callable[[int], Article], story_id: Callable[[int], str], n: int,
                       out: str | Path, *, seed: int = 1, weeks: int = 8, files: int = 4, jobs: int = 1,
                       generator: str = "synth", chunk: int = 50, first: int = 0,
                       progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write a crawl of stories ``story(first..first+n-1)`` (``story_id(k)`` must be
    ``story(k).id``, cheap) into ``out``; returns counts (pages, records, per habit).

    Crawls of consecutive story ranges (shards) can be scanned together as one crawl."""
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    _G.update(seed=seed, span_h=weeks * 7 * 24, generator=generator, story=story, story_id=story_id)
    names = [d / f"crawl-{k:02d}.warc.gz" for k in range(files)]
    warcs = [open(x, "wb") for x in names]
    counts: dict[str, int] = {"pages": 0, "records": 0}
    try:
        warcs[0].write(_warc_record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", _rid("warcinfo")),
                                     ("WARC-Date", _iso(START)), ("Content-Type", "application/warc-fields")],
                                    b"software: unspin crawlstream\r\nformat: WARC File Format 1.0\r\n"))
        sites = sorted({h.site for h in HABITS} | set(OUTLETS) | set(INDEPENDENT_SITES))
        for k, s in enumerate(sites):
            fh = warcs[k % files]
            fh.write(_members(f"https://{s}/robots.txt", _iso(START), 200, "text/plain", b"User-agent: *\nAllow: /\n"))
            fh.write(_members(f"https://{s}/news/", _iso(START), 200, "text/html; charset=utf-8",
                              _section_page(s, []).encode()))
            counts["records"] += 4
        with gzip.open(d / "crawl.jsonl.gz", "wt", encoding="utf-8", compresslevel=6) as jl, \
                open(d / "truth.jsonl", "w", encoding="utf-8") as tr:
            done = 0
            for rows in _map(_chunk, _ordered_chunks(first, n, chunk), jobs):
                for _seen, url, members, line, truth in rows:
                    warcs[int(hashlib.sha1(url.encode()).hexdigest(), 16) % files].write(members)
                    counts["records"] += 2
                    if line is not None and truth is not None:
                        jl.write(line + "\n")
                        tr.write(truth + "\n")
                        counts["pages"] += 1
                        habit = json.loads(truth)["habit"]
                        counts[habit] = counts.get(habit, 0) + 1
                done += chunk
                if progress:
                    progress(min(done, n), n)
    finally:
        for fh in warcs:
            fh.close()
    return counts


def _map(fn: Callable[[list[int]], Any], items: Iterator[list[int]], jobs: int) -> Iterator[Any]:
    if jobs <= 1:
        yield from map(fn, items)
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(fn, items, chunksize=1)
