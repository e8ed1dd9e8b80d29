"""unspin: where did this news text come from, and what did the rewrite change?"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from unspin.errors import UnspinError
from unspin.models import Article, Span

try:
    __version__ = version("unspin")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Imported after __version__ (the index stores it).
# ``unspin.align`` and ``unspin.diff`` are callable modules: ``unspin.diff(copy, source)`` and
# ``unspin.diff.diff(copy, source)`` are the same call, and ``unspin.align.plagdet`` stays reachable.
# ``unspin.check`` and ``unspin.trace`` are bound to the functions (the submodules stay in
# sys.modules["unspin.check"] and sys.modules["unspin.trace"]).
from unspin import align, diff  # noqa: E402
from unspin.check import CheckResult, Flag, check  # noqa: E402
from unspin.diff import Change, DiffResult  # noqa: E402
from unspin.index import Index  # noqa: E402
from unspin.trace import TraceResult, trace  # noqa: E402

__all__ = ["Article", "Change", "CheckResult", "DiffResult", "Flag", "Index", "Span", "TraceResult",
           "UnspinError", "__version__", "align", "check", "diff", "trace"]
