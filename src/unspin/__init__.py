"""unspin: where did this news text come from, and what did the rewrite change?

The public API is ``__all__``: the engine (:class:`Pipeline`, built from :class:`Options`),
one function per stage for one-off use (``check``, ``trace``, ``diff``, ``align``,
``extract``), the index readers and the result records.

Each stage function is defined in a module named after what it is, not after the function,
so that no module is shadowed by a function: ``unspin.check`` is the function and
``unspin.checker`` its module (``unspin.trace``/``unspin.tracer``,
``unspin.diff``/``unspin.differ``, ``unspin.align``/``unspin.aligner``).
"""

import importlib as _importlib
import logging as _logging
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from unspin._version import __version__
from unspin.errors import UnspinError
from unspin.models import Article, Record, Span

_logging.getLogger(__name__).addHandler(_logging.NullHandler())


#: The modules setup.py compiles with mypyc (setup.py and run.py read this line; keep it a literal tuple).
MYPYC_MODULES = ("aligner", "differ", "meaning", "names")


def _compiled_modules() -> tuple[str, ...]:
    """The modules setup.py compiled with mypyc that may be used: all of them when the build
    wrote ``_compiled.json`` and every module's source is still the one compiled, else none
    (a stale build beside edited sources, or ``UNSPIN_PURE_PYTHON=1``, loads the .py files).
    Compiled modules call each other directly, so one stale source disables them all."""
    import hashlib
    import json
    import os

    here = os.path.dirname(__file__)
    try:
        with open(os.path.join(here, "_compiled.json"), encoding="utf-8") as f:
            mods: dict[str, str] = json.load(f)["modules"]
        if os.environ.get("UNSPIN_PURE_PYTHON", "") not in ("", "0"):
            return ()
        from importlib.machinery import EXTENSION_SUFFIXES

        built = set(os.listdir(here))
        for m, digest in mods.items():
            if not any(m + suffix in built for suffix in EXTENSION_SUFFIXES):
                return ()
            with open(os.path.join(here, f"{m}.py"), "rb") as g:
                if hashlib.sha256(g.read()).hexdigest() != digest:
                    return ()
    except (OSError, ValueError, KeyError, TypeError):
        return ()
    return tuple(mods)


class _SourceFirst:
    """Meta-path finder that loads ``unspin/<name>.py`` for the modules setup.py compiles
    whenever the compiled build is not to be used (see ``_compiled_modules``)."""

    def __init__(self, names: frozenset[str]):
        self.names = names

    def find_spec(self, fullname: str, path: _Any = None, target: _Any = None) -> _Any:
        if fullname not in self.names:
            return None
        import importlib.util
        import os

        return importlib.util.spec_from_file_location(
            fullname, os.path.join(os.path.dirname(__file__), fullname.rsplit(".", 1)[1] + ".py"))


def _install_source_first(compiled: tuple[str, ...]) -> None:
    import sys

    names = frozenset(f"unspin.{m}" for m in MYPYC_MODULES if m not in compiled)
    if names and not any(isinstance(f, _SourceFirst) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFirst(names))


#: The diff's modules that run compiled (mypyc); empty for the pure-Python reference.
COMPILED_MODULES = _compiled_modules()
_install_source_first(COMPILED_MODULES)

if _TYPE_CHECKING:
    from unspin.aligner import Passage, align
    from unspin.checker import CheckResult, Flag, check
    from unspin.differ import Change, DiffResult, Summary, diff
    from unspin.index import Index, IndexParams, StoredArticle
    from unspin.options import Options, OptionsError
    from unspin.pipeline import AlignResult, ErrorResult, Pipeline
    from unspin.reader import IndexReader, MemoryIndex
    from unspin.tracer import Candidate, SourceMatch, TraceResult, retrieve, trace, verify

# Everything else is imported on first use, so ``import unspin`` stays cheap and a command
# loads only the stages it runs.
_LAZY = {
    "aligner": ("Passage", "align"),
    "checker": ("CheckResult", "Flag", "check"),
    "differ": ("Change", "DiffResult", "Summary", "diff"),
    "index": ("Index", "IndexParams", "StoredArticle"),
    "options": ("Options", "OptionsError"),
    "pipeline": ("AlignResult", "ErrorResult", "Pipeline"),
    "reader": ("IndexReader", "MemoryIndex"),
    "tracer": ("Candidate", "SourceMatch", "TraceResult", "retrieve", "trace", "verify"),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> _Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'unspin' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f"unspin.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


def extract(source: str | bytes, options: "Options | None" = None) -> Article:
    """One article from a path, an http(s) URL, text or HTML bytes (``Pipeline.extract``)."""
    from unspin.pipeline import Pipeline

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
