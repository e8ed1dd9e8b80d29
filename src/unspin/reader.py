"""What trace needs from an index: the :class:`IndexReader` protocol, and an in-memory index.

``trace`` retrieves candidates through five read calls (size, document frequencies,
postings, articles by row, article by id). The SQLite :class:`~unspin.index.Index`
implements them; :class:`MemoryIndex` implements them over a dictionary, for tests, a web
app's cache or a Spark broadcast variable (it pickles). Both give the same terms, because
both use :func:`unspin.index.article_terms` and the same ``IndexParams``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from unspin.index import AddCounts, IndexParams, StoredArticle, article_terms, content_hash
from unspin.models import Article
from unspin.text import split_sentences

__all__ = ["IndexReader", "MemoryIndex"]


@runtime_checkable
class IndexReader(Protocol):
    """Read access to an index of articles, as ``trace`` uses it."""

    @property
    def params(self) -> IndexParams:
        """The parameters the index was built with (term scheme, shortest word)."""
        ...

    def __len__(self) -> int:
        """Number of indexed articles."""
        ...

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequency of each of ``terms`` that occurs in the index."""
        ...

    def postings(self, terms: Sequence[str]) -> dict[str, np.ndarray]:
        """Row ids of the articles containing each term."""
        ...

    def get(self, rowids: Iterable[int]) -> list[StoredArticle]:
        """Stored articles by row id, in the order given (unknown ids left out)."""
        ...

    def get_by_id(self, article_id: str) -> StoredArticle | None:
        """The stored article with this id, if any."""
        ...


class MemoryIndex:
    """An index held in memory; implements :class:`IndexReader` (and pickles).

    Articles are added as ``Index.add`` adds them: an article whose body (content hash) is
    already held is skipped, an id held with another text or an empty body fails.
    """

    def __init__(self, articles: Iterable[Article | StoredArticle] = (),
                 params: IndexParams | None = None):
        self._params = params or IndexParams.default()
        self._rows: dict[int, StoredArticle] = {}
        self._by_id: dict[str, int] = {}
        self._hashes: set[str] = set()
        self._post: dict[str, list[int]] = defaultdict(list)
        self.add(articles)

    @property
    def params(self) -> IndexParams:
        return self._params

    def add(self, articles: Iterable[Article | StoredArticle]) -> AddCounts:
        """Add articles; returns added/skipped/failed counts like ``Index.add``."""
        added = skipped = failed = 0
        for a in articles:
            if not a.text or not a.text.strip():
                failed += 1
                continue
            h = content_hash(a.text)
            if h in self._hashes:
                skipped += 1
                continue
            if a.id in self._by_id:
                failed += 1
                continue
            rid = len(self._rows) + 1
            if isinstance(a, StoredArticle):
                spans = a.sentences or tuple(split_sentences(a.text))
            else:
                spans = tuple((s.start, s.end) for s in a.sentences) or tuple(split_sentences(a.text))
            self._rows[rid] = StoredArticle(rowid=rid, id=a.id, text=a.text, url=a.url, site=a.site,
                                            title=a.title, published=a.published, sentences=spans)
            self._by_id[a.id] = rid
            self._hashes.add(h)
            for term in article_terms(a.text, self._params.min_word_len):
                self._post[term].append(rid)
            added += 1
        return AddCounts(added, skipped, failed)

    def __len__(self) -> int:
        return len(self._rows)

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        post = self._post
        return {t: len(post[t]) for t in terms if t in post}

    def postings(self, terms: Sequence[str]) -> dict[str, np.ndarray]:
        post = self._post
        return {t: np.asarray(post[t], dtype=np.uint32) for t in terms if t in post}

    def get(self, rowids: Iterable[int]) -> list[StoredArticle]:
        rows = self._rows
        return [rows[int(r)] for r in rowids if int(r) in rows]

    def get_by_id(self, article_id: str) -> StoredArticle | None:
        rid = self._by_id.get(article_id)
        return None if rid is None else self._rows[rid]

    def id_for_hash(self, text: str) -> str | None:
        """Id of the held article with the same body as ``text``, if any."""
        h = content_hash(text)
        if h not in self._hashes:
            return None
        return next((a.id for a in self._rows.values() if content_hash(a.text) == h), None)

    def iter_articles(self) -> Iterator[StoredArticle]:
        """Every held article, in insertion order."""
        return iter(list(self._rows.values()))
