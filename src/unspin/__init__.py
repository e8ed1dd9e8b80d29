"""unspin: where did this news text come from, and what did the rewrite change?

The public API is ``__all__``: the engine (:class:`Pipeline`, :class:`Options`), one
function per stage for one-off use, the index classes and the result records. The stage
functions are thin conveniences: ``unspin.check(x)`` is ``Pipeline().check(x)`` with
default options.
"""

from __future__ import annotations

import logging as _logging
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("unspin")
except _PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

_logging.getLogger(__name__).addHandler(_logging.NullHandler())

# Imported after __version__ (the index stores it).
# ``unspin.align`` and ``unspin.diff`` are callable modules: ``unspin.diff(copy, source)`` and
# ``unspin.diff.diff(copy, source)`` are the same call, and ``unspin.align.plagdet`` stays reachable.
# ``unspin.check`` and ``unspin.trace`` are bound to the functions (the submodules stay in
# sys.modules["unspin.check"] and sys.modules["unspin.trace"]).
from unspin import align, diff  # noqa: E402
from unspin.check import CheckResult, Flag, check  # noqa: E402
from unspin.diff import Change, DiffResult  # noqa: E402
from unspin.errors import UnspinError  # noqa: E402
from unspin.index import Index  # noqa: E402
from unspin.models import Article, Span  # noqa: E402
from unspin.options import Options  # noqa: E402
from unspin.pipeline import ErrorResult, Pipeline  # noqa: E402
from unspin.reader import IndexReader, MemoryIndex  # noqa: E402
from unspin.trace import TraceResult, trace  # noqa: E402

__all__ = ["Article", "Change", "CheckResult", "DiffResult", "ErrorResult", "Flag", "Index",
           "IndexReader", "MemoryIndex", "Options", "Pipeline", "Span", "TraceResult",
           "UnspinError", "__version__", "align", "check", "diff", "trace"]
