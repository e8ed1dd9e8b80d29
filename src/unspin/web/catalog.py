"""A narrow copy of the index's article list for the corpus browser (``DATA/catalog.sqlite``).

The index keeps each article's text in the same row as its title, site and date, so every
filter or facet over the index reads the whole corpus (3.2 s per corpus page at 100,000
articles, `benchmarks/bench_serve.py --browse-articles`). The catalog holds only id, title,
site, url, date and length, with SQL indexes on site and date; it is brought up to date
incrementally (articles past the last rowid it holds) before each browse, and rebuilt when
the index was replaced (the article at its last rowid differs). The catalog is the web
app's own file: the index is only read.

It also holds each article's **verdict**, the spin check's ("spun", "unsure", "clean"),
filled by a "verdicts" job (``JobRunner``) that checks the articles not checked yet; until
then an article's verdict is "unchecked". The corpus browser facets by site, month and verdict.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from unspin.index import Index

__all__ = ["Catalog"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS catalog (rowid INTEGER PRIMARY KEY, id TEXT, title TEXT, site TEXT, url TEXT,
                                    published TEXT, chars INTEGER, verdict TEXT);
CREATE INDEX IF NOT EXISTS catalog_site ON catalog(site);
CREATE INDEX IF NOT EXISTS catalog_published ON catalog(published);
"""
UNCHECKED = "unchecked"  # the verdict facet's value for articles not checked yet
BATCH = 5000


class Catalog:
    """Thread-safe: one connection, one lock (syncs are serialised)."""

    def __init__(self, path: Path | None):
        """``path`` None: an in-memory catalog (rebuilt by each process)."""
        self.conn = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(_SCHEMA)
        cols = {r[1] for r in self.conn.execute("PRAGMA table_info(catalog)")}
        if "verdict" not in cols:  # a catalog written before verdicts existed
            self.conn.execute("ALTER TABLE catalog ADD COLUMN verdict TEXT")
        self.conn.execute("CREATE INDEX IF NOT EXISTS catalog_verdict ON catalog(verdict)")
        self.conn.commit()
        self.lock = threading.Lock()

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def sync(self, ix: Index) -> None:
        """Copy the articles added to ``ix`` since the last sync (all of them after a rebuild)."""
        with self.lock:
            last = self.conn.execute("SELECT rowid, id FROM catalog ORDER BY rowid DESC LIMIT 1").fetchone()
            if last is not None:
                row = ix.conn.execute("SELECT id FROM articles WHERE rowid = ?", (last[0],)).fetchone()
                if row is None or row[0] != last[1]:  # the index was rebuilt or replaced
                    with self.conn:
                        self.conn.execute("DELETE FROM catalog")
                    last = None
            start = last[0] if last else 0
            cur = ix.conn.execute("SELECT rowid, id, title, site, url, published, length(text) FROM articles "
                                  "WHERE rowid > ? ORDER BY rowid", (start,))
            while True:
                rows = cur.fetchmany(BATCH)
                if not rows:
                    break
                with self.conn:
                    self.conn.executemany("INSERT OR REPLACE INTO catalog(rowid, id, title, site, url, published, "
                                          "chars) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def unchecked(self, limit: int) -> list[int]:
        """Rowids of up to ``limit`` articles without a verdict (oldest first)."""
        with self.lock:
            return [r[0] for r in self.conn.execute(
                "SELECT rowid FROM catalog WHERE verdict IS NULL ORDER BY rowid LIMIT ?", (limit,))]

    def count_unchecked(self) -> int:
        with self.lock:
            return int(self.conn.execute("SELECT COUNT(*) FROM catalog WHERE verdict IS NULL").fetchone()[0])

    def set_verdicts(self, verdicts: list[tuple[str, int]]) -> None:
        """Store ``(verdict, rowid)`` pairs."""
        with self.lock, self.conn:
            self.conn.executemany("UPDATE catalog SET verdict = ? WHERE rowid = ?", verdicts)

    def summary(self) -> dict[str, Any]:
        """Articles, sites and the range of publication dates."""
        with self.lock:
            n, lo, hi = self.conn.execute("SELECT COUNT(*), MIN(published), MAX(published) FROM catalog").fetchone()
            sites = self.conn.execute("SELECT COUNT(DISTINCT site) FROM catalog").fetchone()[0]
            unchecked = self.conn.execute("SELECT COUNT(*) FROM catalog WHERE verdict IS NULL").fetchone()[0]
        return {"articles": int(n), "sites": int(sites), "published_min": lo, "published_max": hi,
                "unchecked": int(unchecked)}

    def browse(self, *, q: str = "", site: str = "", month: str = "", verdict: str = "", offset: int = 0,
               limit: int = 50) -> dict[str, Any]:
        """A page of articles (newest first) with site, month and verdict facets under the
        same filters."""
        where, args = [], []
        if q:
            where.append("title LIKE ? ESCAPE '\\'")
            args.append("%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if site:
            where.append("site IS NULL" if site == "(none)" else "site = ?")
            if site != "(none)":
                args.append(site)
        if month:
            where.append("published >= ? AND published < ?")
            args.extend([month, month + "\uffff"])
        if verdict:
            where.append("verdict IS NULL" if verdict == UNCHECKED else "verdict = ?")
            if verdict != UNCHECKED:
                args.append(verdict)
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        also = " AND " if cond else " WHERE "
        with self.lock:
            c = self.conn
            total = c.execute(f"SELECT COUNT(*) FROM catalog{cond}", args).fetchone()[0]
            rows = c.execute(f"SELECT id, title, site, url, published, chars, verdict FROM catalog{cond} "
                             "ORDER BY published DESC, rowid DESC LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
            sites = c.execute(f"SELECT COALESCE(site, '(none)'), COUNT(*) FROM catalog{cond} "
                              "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30", args).fetchall()
            months = c.execute(f"SELECT substr(published, 1, 7), COUNT(*) FROM catalog{cond}{also}"
                               "published IS NOT NULL GROUP BY 1 ORDER BY 1 DESC LIMIT 36", args).fetchall()
            verdicts = c.execute(f"SELECT COALESCE(verdict, ?), COUNT(*) FROM catalog{cond} GROUP BY 1 "
                                 "ORDER BY 2 DESC, 1", [UNCHECKED, *args]).fetchall()
        return {"total": int(total), "offset": offset, "limit": limit,
                "articles": [{"id": r[0], "title": r[1], "site": r[2], "url": r[3], "published": r[4],
                              "chars": r[5], "verdict": r[6] or UNCHECKED} for r in rows],
                "facets": {"site": [{"value": s, "count": n} for s, n in sites],
                           "month": [{"value": m, "count": n} for m, n in months if m],
                           "verdict": [{"value": v, "count": n} for v, n in verdicts]}}
