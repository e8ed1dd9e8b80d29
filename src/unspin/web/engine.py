"""The one place the web app calls the engine: one ``unspin.Pipeline`` per server.

Everything the app needs from unspin goes through this module (extract, check, trace, diff,
index add/browse). Results come back as the same JSON objects the CLI prints (``--json``),
each with its ``schema_version``. Request threads trace against their own read-only
connection to the index; only the job runner's thread writes to it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unspin import __version__
from unspin.errors import InputError, UnspinError
from unspin.index import AddCounts, Index, IndexMissingError
from unspin.models import Article
from unspin.netpolicy import SafeFetcher
from unspin.options import Options
from unspin.pipeline import Pipeline
from unspin.web.catalog import Catalog

__all__ = ["Engine", "Payload"]

MAX_TEXT_CHARS = 400_000


@dataclass(frozen=True)
class Payload:
    """One article as a web request gives it: exactly one of text, html or url."""

    text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    name: str = ""

    @classmethod
    def from_json(cls, data: Any, name: str = "body") -> Payload:
        if not isinstance(data, dict):
            raise InputError("expected a JSON object with one of 'text', 'html' or 'url'", input=name)
        for k in ("text", "html", "url", "title", "published"):
            if data.get(k) is not None and not isinstance(data[k], str):
                raise InputError(f"'{k}' must be a string", input=name)
        given = [k for k in ("text", "html") if data.get(k) not in (None, "")]
        if len(given) > 1:
            raise InputError("give one of 'text' or 'html', not both", input=name)
        if not given and not data.get("url"):
            raise InputError("give one of 'text', 'html' or 'url'", input=name)
        # next to text or html, 'url' is the page's address (metadata), not something to fetch
        return cls(text=data.get("text") or None, html=data.get("html") or None, url=data.get("url") or None,
                   title=data.get("title"), published=data.get("published"), name=name)

    @property
    def kind(self) -> str:
        return "text" if self.text is not None else "html" if self.html is not None else "url"


class Engine:
    """The engine behind the web app: one per server.

    ``db`` is the index; request handlers read it through per-thread read-only connections
    (``reader()``); only the job runner writes (``add_articles``).
    """

    def __init__(self, db: Path | None, fetcher: SafeFetcher | None = None, options: Options | None = None,
                 catalog: Path | None = None):
        self.db = db
        self.catalog = Catalog(catalog)  # the corpus browser's narrow copy of the article list
        self.fetcher = fetcher or SafeFetcher()
        self.pipeline = Pipeline(options)  # no index: each call passes this thread's reader
        self._local = threading.local()

    def warm_up(self) -> None:
        """Load the lexical resources (a few seconds; the first request would pay it)."""
        self.pipeline.warm_up()

    # ------------------------------------------------------------------ reading input
    def extract(self, p: Payload) -> Article:
        """The article a payload stands for (a URL is fetched under the address policy)."""
        from unspin.ingest import from_html, from_text
        from unspin.ingest.decode import decode_bytes

        name = p.name or p.kind
        if p.kind == "url":
            assert p.url is not None
            got = self.fetcher.fetch(p.url)
            if got.kind == "html":
                art = from_html(got.data, url=got.url, input=got.url)
            elif got.kind == "text":
                art = from_text(decode_bytes(got.data, input=got.url, encoding=got.charset), url=got.url,
                                input=got.url)
            else:
                raise InputError(f"the address serves {got.content_type}, not an article page",
                                 input=got.url, hint="give the address of one article (HTML or text)")
        elif p.kind == "html":
            assert p.html is not None
            self._cap(p.html, name)
            art = from_html(p.html, url=p.url, input=name)
        else:
            assert p.text is not None
            self._cap(p.text, name)
            if not p.text.strip():
                raise InputError("the text is empty", input=name)
            art = from_text(p.text, url=p.url, input=name, title=p.title, published=p.published)
        if p.title or p.published:
            import dataclasses

            art = dataclasses.replace(art, title=p.title or art.title, published=p.published or art.published)
        if not art.text.strip():
            raise InputError("no article text found", input=name)
        return art

    @staticmethod
    def _cap(s: str, name: str) -> None:
        if len(s) > MAX_TEXT_CHARS:
            raise InputError(f"text is {len(s):,} characters, over the limit of {MAX_TEXT_CHARS:,}",
                             input=name)

    # ------------------------------------------------------------------ analyses
    def check(self, art: Article) -> dict[str, Any]:
        """The object ``unspin check --json`` prints."""
        from unspin.checker import to_json_dict

        return to_json_dict(self.pipeline.check(art))

    def trace(self, art: Article) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """The object ``unspin trace --json`` prints, and the sources' stored text and metadata."""
        ix = self.reader()
        if ix is None:
            raise IndexMissingError("no index to trace against", input=str(self.db) if self.db else "--db",
                                    hint="start the server with --db INDEX, or add articles on the corpus page")
        result = self.pipeline.trace(art, ix, changes=True)
        sources: dict[str, dict[str, Any]] = {}
        for s in result.sources:
            stored = ix.get_by_id(s.id)
            if stored is not None:
                sources[s.id] = {"text": stored.text, "site": stored.site, "url": stored.url,
                                 "title": stored.title, "published": stored.published}
        return json.loads(result.to_json()), sources

    def diff(self, copy: Article, source: Article) -> dict[str, Any]:
        """The object ``unspin diff --json`` prints."""
        return json.loads(self.pipeline.diff(copy, source).to_json())

    @staticmethod
    def article_json(art: Article) -> dict[str, Any]:
        """The object ``unspin extract --json`` prints."""
        return json.loads(art.to_json())

    # ------------------------------------------------------------------ the index
    def reader(self) -> Index | None:
        """This thread's read-only view of the index (None when there is none yet)."""
        if self.db is None:
            return None
        ix: Index | None = getattr(self._local, "index", None)
        if ix is None:
            try:
                ix = Index.open(self.db, readonly=True)
            except IndexMissingError:
                return None
            self._local.index = ix
        return ix

    def index_size(self) -> dict[str, int]:
        """Articles and bytes on disk, cheaply (for every analysis and the health check)."""
        ix = self.reader()
        if ix is None or self.db is None:
            return {"articles": 0, "bytes": 0}
        try:
            ix._n_cache = None  # the writer may have added since
            n = len(ix)
        except UnspinError:
            return {"articles": 0, "bytes": 0}
        size = sum(f.stat().st_size for f in (self.db, Path(f"{self.db}-wal")) if f.exists())
        return {"articles": n, "bytes": size}

    def index_stats(self) -> dict[str, Any] | None:
        """What the corpus page says about the index (from the catalog: no full scan)."""
        ix = self.reader()
        if ix is None or self.db is None:
            return None
        self.catalog.sync(ix)
        return {"path": self.db.name, **self.catalog.summary(), **self.index_size()}

    def browse(self, *, q: str = "", site: str = "", month: str = "", verdict: str = "", offset: int = 0,
               limit: int = 50) -> dict[str, Any]:
        """A page of indexed articles (newest first) with site, month and verdict facets."""
        ix = self.reader()
        if ix is None:
            return {"total": 0, "articles": [], "facets": {"site": [], "month": [], "verdict": []}}
        try:
            self.catalog.sync(ix)
        except sqlite3.DatabaseError as exc:
            raise ix._db_error(exc) from exc
        return self.catalog.browse(q=q, site=site, month=month, verdict=verdict, offset=offset, limit=limit)

    def check_unchecked(self, limit: int, batch: int, on_batch: Callable[[dict[str, int]], None],
                        stop: Callable[[], bool]) -> dict[str, int]:
        """Spin-check up to ``limit`` indexed articles that have no verdict yet, storing the
        verdicts in the catalog every ``batch`` articles (the "verdicts" job)."""
        ix = self.reader()
        counts: dict[str, int] = {"total": 0, "checked": 0, "failed": 0}
        if ix is None:
            return counts
        self.catalog.sync(ix)
        todo = self.catalog.unchecked(limit)
        counts["total"] = len(todo)
        on_batch(counts)
        for k in range(0, len(todo), batch):
            if stop():
                break
            found: list[tuple[str, int]] = []
            for stored in ix.get(todo[k:k + batch]):
                try:
                    verdict = self.pipeline.check(stored.text).verdict
                except UnspinError:
                    verdict = "failed"
                    counts["failed"] += 1
                found.append((verdict, stored.rowid))
                counts[verdict] = counts.get(verdict, 0) + 1
            self.catalog.set_verdicts(found)
            counts["checked"] += len(found)
            on_batch(counts)
        return counts

    def add_articles(self, articles: Iterator[Article], on_batch: Callable[[AddCounts], None],
                     batch_size: int = 200) -> AddCounts:
        """Add to the index (the job runner's thread only: the one writer)."""
        if self.db is None:
            raise InputError("the server has no index", input="--db", hint="restart with --db INDEX")
        with self.pipeline.open_index(self.db) as ix:
            return ix.add(articles, batch_size=batch_size, on_batch=on_batch)

    @staticmethod
    def read(path: Path, on_error: Callable[[InputError], None], kind: str | None = None) -> Iterator[Article]:
        """Articles of an uploaded file (any kind ``unspin index add`` reads; numbers are not
        read, as the index does not store them)."""
        from unspin.ingest import read

        return read(str(path), kind=kind, on_error=on_error, quantities=False)

    def read_url(self, url: str) -> Article:
        """One article fetched under the address policy, for the index."""
        return self.extract(Payload(url=url, name=url))

    @staticmethod
    def version() -> str:
        return __version__
