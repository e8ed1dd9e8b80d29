"""unspin: where did this news text come from, and what did the rewrite change?

The public API is ``__all__``: the engine (:class:`Pipeline`, built from :class:`Options`),
one function per stage for one-off use (``check``, ``trace``, ``diff``, ``align``,
``extract``), the index readers and the result records.

Each stage function is defined in a module named after what it is, not after the function,
so that no module is shadowed by a function: ``unspin.check`` is the function and
``unspin.checker`` its module (``unspin.trace``/``unspin.tracer``,
``unspin.diff``/``unspin.differ``, ``unspin.align``/``unspin.aligner``).
"""

import logging as _logging
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("unspin")
except _PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

_logging.getLogger(__name__).addHandler(_logging.NullHandler())

# Imported after __version__ (the index stores it).
from unspin.aligner import Passage, align  # noqa: E402
from unspin.checker import CheckResult, Flag, check  # noqa: E402
from unspin.differ import Change, DiffResult, Summary, diff  # noqa: E402
from unspin.errors import UnspinError  # noqa: E402
from unspin.index import Index, IndexParams, StoredArticle  # noqa: E402
from unspin.models import Article, Record, Span  # noqa: E402
from unspin.options import Options, OptionsError  # noqa: E402
from unspin.pipeline import AlignResult, ErrorResult, Pipeline  # noqa: E402
from unspin.reader import IndexReader, MemoryIndex  # noqa: E402
from unspin.tracer import Candidate, SourceMatch, TraceResult, retrieve, trace, verify  # noqa: E402


def extract(source: str | bytes, options: Options | None = None) -> Article:
    """One article from a path, an http(s) URL, text or HTML bytes (``Pipeline.extract``)."""
    return Pipeline(options).extract(source)


__all__ = [
    # engine
    "Options", "Pipeline",
    # one-off functions
    "align", "check", "diff", "extract", "retrieve", "trace", "verify",
    # indexes
    "Index", "IndexParams", "IndexReader", "MemoryIndex", "StoredArticle",
    # records
    "AlignResult", "Article", "Candidate", "Change", "CheckResult", "DiffResult", "ErrorResult",
    "Flag", "Passage", "Record", "SourceMatch", "Span", "Summary", "TraceResult",
    # errors
    "OptionsError", "UnspinError",
    "__version__",
]
