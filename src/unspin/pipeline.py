"""One engine under every front end: :class:`Pipeline`.

A ``Pipeline`` is built once per process from one :class:`~unspin.options.Options` record
(the counterpart of spaCy's ``Language`` or sqlite-utils' ``Database``). It owns the lexical
resources (loaded lazily, or now with :meth:`Pipeline.warm_up`) and, optionally, an index
reader, and offers one method per stage for one input, plus :meth:`Pipeline.pipe` for many::

    from unspin import Options, Pipeline

    nlp = Pipeline(Options.from_toml("unspin.toml"), index="news.unspin")
    nlp.warm_up()
    art = nlp.extract("suspect.html")          # path | URL | text | bytes -> Article
    nlp.check(art)                             # -> CheckResult
    nlp.trace(art, published_before="2025-03-14")  # -> TraceResult
    for res in nlp.pipe(articles, task="trace", jobs=2):   # ordered; an ErrorResult per failure
        ...

The CLI, the crawl scan, the web app and a Spark job are each a few lines over these calls
(see docs/design.md, "One engine"). Every method returns a ``Record``.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from unspin.aligner import Passage
from unspin.errors import InputError, UnspinError
from unspin.models import Article, Record
from unspin.options import Options, OptionsError, TraceOptions

if TYPE_CHECKING:
    from unspin.checker import CheckResult
    from unspin.differ import DiffResult
    from unspin.index import Index, StoredArticle
    from unspin.reader import IndexReader
    from unspin.tracer import Candidate, PairCoverage, TraceResult

log = logging.getLogger(__name__)

__all__ = ["AlignResult", "ErrorResult", "Pipeline", "TASKS"]

Task = Literal["extract", "check", "trace", "diff", "align"]
TASKS: tuple[str, ...] = ("extract", "check", "trace", "diff", "align")


@dataclass(frozen=True, slots=True)
class ErrorResult(Record):
    """The result of an input that failed in ``Pipeline.pipe``: the batch goes on.

    ``code`` is the stable error code (``U100`` ...; ``U999`` for an unexpected error),
    ``error`` the exception's class name, ``message`` and ``hint`` as in the CLI's message.
    """

    input: str
    code: str
    error: str
    message: str
    hint: str | None = None
    index: int = 0

    @classmethod
    def of(cls, exc: BaseException, input: str, index: int = 0) -> ErrorResult:
        """The record of ``exc`` raised while processing ``input`` (the ``index``-th input)."""
        if isinstance(exc, UnspinError):
            return cls(input=exc.input or input, code=exc.code, error=type(exc).__name__,
                       message=exc.message, hint=exc.hint, index=index)
        return cls(input=input, code="U999", error=type(exc).__name__, message=str(exc) or repr(exc),
                   index=index)


@dataclass(frozen=True, slots=True)
class AlignResult(Record):
    """Passages of a copy aligned with a source (``Pipeline.align``)."""

    input: str
    source_id: str
    passages: tuple[Passage, ...] = ()


def _label(x: Any) -> str:
    if isinstance(x, Article):
        return x.input or x.id
    if isinstance(x, tuple) and x:
        return _label(x[0])
    if isinstance(x, (str, os.PathLike)):
        s = str(x)
        return s if len(s) <= 80 and "\n" not in s else "<text>"
    return type(x).__name__


class Pipeline:
    """Every stage of unspin behind one object built from one ``Options``.

    Args:
        options: the settings (default ``Options()``); see :mod:`unspin.options`.
        index: an index to trace against: an ``IndexReader`` (an open ``Index``, a
            ``MemoryIndex``) or the path of an index file (opened read-only on first use).
    """

    def __init__(self, options: Options | None = None, *,
                 index: IndexReader | str | os.PathLike[str] | None = None):
        if options is not None and not isinstance(options, Options):
            raise OptionsError(f"Pipeline needs an Options record, not {type(options).__name__}")
        self.options: Options = options or Options()
        self._index_spec = index
        self._index: IndexReader | None = None if isinstance(index, (str, os.PathLike)) else index
        self._opened: Index | None = None

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str], **kwargs: Any) -> Pipeline:
        """A pipeline built from an options file."""
        return cls(Options.from_toml(path), **kwargs)

    def __repr__(self) -> str:
        where = self._index_spec if isinstance(self._index_spec, (str, os.PathLike)) else \
            type(self._index_spec).__name__ if self._index_spec is not None else None
        return f"Pipeline(index={where!r})"

    # -- resources --------------------------------------------------------------------
    def warm_up(self, *, check: bool = True, diff: bool = True) -> Pipeline:
        """Load the lexical resources now instead of on first use (builds the caches on
        the very first run; logs a notice when it does). Returns the pipeline."""
        from unspin import lexicon

        if diff or check:
            lexicon.thesaurus()
            lexicon.vectors()
        if check:
            from unspin.checker import load_resources

            load_resources()
        return self

    @property
    def index(self) -> IndexReader | None:
        """The index reader (opened read-only on first use when given as a path)."""
        if self._index is None and isinstance(self._index_spec, (str, os.PathLike)):
            from unspin.index import Index

            self._opened = Index.open(Path(self._index_spec), readonly=True)
            self._index = self._opened
        return self._index

    def open_index(self, path: str | os.PathLike[str], *, create: bool = True) -> Index:
        """The index at ``path`` opened for adding (the caller closes it).

        A new index is created with ``options.index.min_word_len`` (stored with it, as
        ``IndexParams``); an existing one keeps its stored parameters, and is refused
        (``IndexParamsError``) when the options ask for another ``min_word_len`` than the
        default and the stored one.
        """
        import dataclasses as dc

        from unspin.index import Index, IndexParams

        want = self.options.index.min_word_len
        params = dc.replace(IndexParams.default(), min_word_len=want)
        p = Path(path)
        exists = p.exists() and p.stat().st_size > 0
        explicit = want != type(self.options.index)().min_word_len
        return Index.open(p, create=create, params=params if (explicit or not exists) else None)

    def close(self) -> None:
        """Close the index this pipeline opened (not one it was given)."""
        if self._opened is not None:
            self._opened.close()
            self._opened = None
            self._index = None

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        spec = self._index_spec
        if spec is not None and not isinstance(spec, (str, os.PathLike)):
            from unspin.index import Index

            if isinstance(spec, Index):
                spec = spec.path  # a worker opens its own connection
        return {"options": self.options, "index": spec}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["options"], index=state["index"])  # type: ignore[misc]

    # -- one input --------------------------------------------------------------------
    def read(self, source: str | os.PathLike[str]) -> Iterator[Article]:
        """Every article of ``source`` (a path, URL, corpus or "-"), read with ``options.ingest``."""
        from unspin.ingest import read

        o = self.options.ingest
        return read(source, kind=o.kind or None, on_error=o.on_error,  # type: ignore[arg-type]
                    encoding=o.encoding or None, timeout=o.timeout, max_bytes=o.max_bytes,
                    strip_clutter=o.strip_clutter, quantities=o.quantities)

    def extract(self, source: str | bytes | os.PathLike[str] | Article) -> Article:
        """One article from a path, an http(s) URL, text or HTML bytes.

        A string that is a URL or an existing file's path is read; any other string is the
        article's text. A source holding several articles (a corpus) is refused: use ``read``.
        """
        from unspin.ingest import from_html, from_text, is_url

        if isinstance(source, Article):
            return source
        o = self.options.ingest
        if isinstance(source, bytes):
            return from_html(source, input="<bytes>", strip_clutter=o.strip_clutter,
                             quantities=o.quantities)
        if isinstance(source, str) and not _names_a_file(source) and not is_url(source):
            return from_text(source, input="<text>", strip_clutter=o.strip_clutter,
                             quantities=o.quantities)
        it = self.read(source)
        first = next(it, None)
        if first is None:
            raise InputError("no article in this input", input=str(source))
        if next(it, None) is not None:
            raise InputError("holds several articles", input=str(source),
                             hint="use Pipeline.read() or pipe() for a corpus")
        return first

    def _article(self, x: Article | str) -> Article:
        if isinstance(x, Article):
            return x
        if isinstance(x, str):
            from unspin.ingest import from_text

            o = self.options.ingest
            return from_text(x, input="<text>", strip_clutter=o.strip_clutter, quantities=o.quantities)
        raise TypeError(f"expected an Article or a string, got {type(x).__name__}")

    def check(self, article: Article | str) -> CheckResult:
        """Does the text read like machine-spun text? (``unspin.check``)"""
        from unspin.checker import check

        return check(self._article(article), threshold=self.options.check.threshold)

    def _trace_options(self, overrides: dict[str, Any]) -> TraceOptions:
        o = self.options.trace
        given = {k: v for k, v in overrides.items() if v is not None}
        return TraceOptions.from_mapping({**o.to_dict(), **given}, "trace") if given else o

    def _reader(self, index: IndexReader | None) -> IndexReader:
        reader = index if index is not None else self.index
        if reader is None:
            raise OptionsError("no index to trace against",
                               hint="give Pipeline(index=...) or pass index= to trace")
        return reader

    def retrieve(self, article: Article | str, index: IndexReader | None = None, **overrides: Any
                 ) -> list[Candidate]:
        """Candidates for the article from the index (first half of ``trace``)."""
        from unspin.tracer import retrieve

        return retrieve(self._reader(index), self._article(article), self._trace_options(overrides))

    def verify(self, article: Article | str, candidates: Sequence[Any], **overrides: Any) -> TraceResult:
        """Which candidates is the article copied from? (second half of ``trace``; pure)"""
        from unspin.tracer import verify

        return verify(self._article(article), candidates, self._trace_options(overrides))

    def compare(self, a: Article | StoredArticle | str, b: Article | StoredArticle | str,
                **overrides: Any) -> PairCoverage:
        """How much of each text the other explains, by ``verify``'s test, both ways at once
        (no index; what the crawl scan asks of each candidate pair)."""
        from unspin.tracer import compare

        return compare(a, b, self._trace_options(overrides))

    def trace(self, article: Article | str, index: IndexReader | None = None, *,
              exclude_ids: Sequence[str] | None = None, published_before: str | None = None,
              changes: bool | None = None, **overrides: Any) -> TraceResult:
        """Where was the text copied from? (``retrieve`` then ``verify``; ``changes`` adds the diff.)"""
        from unspin.tracer import explain, retrieve, verify

        o = self._trace_options({"exclude_ids": exclude_ids, "published_before": published_before,
                                 "changes": changes, **overrides})
        reader = self._reader(index)
        art = self._article(article)
        result = verify(art, retrieve(reader, art, o), o)
        if not o.changes:
            return result
        if len(result.sources) > self.options.diff.max_sources:
            result = dataclasses.replace(result, sources=result.sources[:self.options.diff.max_sources])
        return explain(art, result, reader)

    def diff(self, copy: Article | str, source: Article | str | Sequence[Article | str]) -> DiffResult:
        """What did the rewrite change? (``unspin.diff``; several sources: best first)"""
        from unspin.differ import diff

        if isinstance(source, (list, tuple)):
            srcs: Any = [self._article(s) for s in source[:self.options.diff.max_sources]]
        else:
            srcs = self._article(source)  # type: ignore[arg-type]
        return diff(self._article(copy), srcs)

    def align(self, copy: Article | str, source: Article | str, *, source_id: str | None = None
              ) -> AlignResult:
        """Passages of the copy taken from the source (``unspin.align``)."""
        from unspin.aligner import align

        a = self.options.align
        c, s = self._article(copy), self._article(source)
        sid = source_id if source_id is not None else s.id
        ps = align(c, s, source_id=sid, max_gap=a.max_gap, min_containment=a.min_containment,
                   min_dice=a.min_dice)
        return AlignResult(input=c.input or c.id, source_id=sid, passages=tuple(ps))

    def run(self, task: str, item: Any) -> Record:
        """Run one ``task`` on one input (pairs ``(copy, source)`` for diff and align)."""
        if task == "extract":
            return self.extract(item)
        if task == "check":
            return self.check(item)
        if task == "trace":
            return self.trace(item)
        if task in ("diff", "align"):
            if not (isinstance(item, tuple) and len(item) == 2):
                raise TypeError(f"{task} needs (copy, source) pairs")
            return self.diff(*item) if task == "diff" else self.align(*item)
        raise OptionsError(f"unknown task {task!r}", hint=f"one of {', '.join(TASKS)}")

    # -- many inputs ------------------------------------------------------------------
    def pipe(self, inputs: Iterable[Any], task: str = "check", *, jobs: int = 1,
             window: int | None = None) -> Iterator[Record]:
        """Run ``task`` on every input; results in input order, one per input.

        An input that fails gives an :class:`ErrorResult` (with its position ``index``) and the
        batch goes on. With ``jobs > 1`` the inputs are processed in that many worker
        processes (each builds its own pipeline from these options and opens the index
        read-only); at most ``window`` inputs (default ``4 * jobs``) are in flight, so memory
        stays bounded on endless streams.

        Args:
            inputs: Articles or texts (``extract``: paths, URLs, texts); ``(copy, source)``
                pairs for ``diff`` and ``align``.
            task: one of ``extract``, ``check``, ``trace``, ``diff``, ``align``.
            jobs: worker processes (1: in this process).
        """
        if task not in TASKS:
            raise OptionsError(f"unknown task {task!r}", hint=f"one of {', '.join(TASKS)}")
        if jobs < 1:
            raise OptionsError(f"jobs must be at least 1, not {jobs}")
        if jobs == 1:
            for k, item in enumerate(inputs):
                yield _run_safely(self, task, k, item)
            return
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else "spawn")
        limit = window or 4 * jobs
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(self.__getstate__(),)) as pool:
            pending: collections.deque[tuple[int, Any, Future[Record]]] = collections.deque()
            for k, item in enumerate(inputs):
                pending.append((k, item, pool.submit(_work, task, k, item)))
                if len(pending) >= limit:
                    yield _collect(*pending.popleft())
            while pending:
                yield _collect(*pending.popleft())


def _names_a_file(s: str) -> bool:
    if "\n" in s or len(s) > 4096 or not s.strip():
        return False
    if s == "-":
        return True
    try:
        return Path(s).is_file()
    except OSError:
        return False


def _run_safely(pipe: Pipeline, task: str, k: int, item: Any) -> Record:
    try:
        return pipe.run(task, item)
    except (UnspinError, ValueError, TypeError, OSError, RuntimeError, KeyError, IndexError) as exc:
        log.debug("input %d failed", k, exc_info=True)
        return ErrorResult.of(exc, _label(item), k)


_WORKER: Pipeline | None = None


def _init_worker(state: dict[str, Any]) -> None:
    global _WORKER
    p = Pipeline.__new__(Pipeline)
    p.__setstate__(state)
    _WORKER = p


def _work(task: str, k: int, item: Any) -> Record:
    assert _WORKER is not None
    return _run_safely(_WORKER, task, k, item)


def _collect(k: int, item: Any, fut: Future[Record]) -> Record:
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 - a worker crash or an unpicklable result
        return ErrorResult.of(exc, _label(item), k)
