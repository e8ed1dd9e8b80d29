"""unspin: where did this news text come from, and what did the rewrite change?"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import TYPE_CHECKING, Any

from unspin._version import __version__
from unspin.errors import UnspinError
from unspin.models import Article, Span

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from unspin import align, diff
    from unspin.check import CheckResult, Flag, check
    from unspin.diff import Change, DiffResult
    from unspin.index import Index
    from unspin.trace import TraceResult, trace

# Everything else is imported on first use (``import unspin`` stays cheap, so a command
# loads only what it runs). ``unspin.align`` and ``unspin.diff`` are callable modules:
# ``unspin.diff(copy, source)`` and ``unspin.diff.diff(copy, source)`` are the same call, and
# ``unspin.align.plagdet`` stays reachable. ``unspin.check`` and ``unspin.trace`` are the
# functions (the submodules stay in sys.modules["unspin.check"] and sys.modules["unspin.trace"]).
_LAZY = {
    "align": ("unspin.align", None), "diff": ("unspin.diff", None),
    "check": ("unspin.check", "check"), "CheckResult": ("unspin.check", "CheckResult"),
    "Flag": ("unspin.check", "Flag"), "Change": ("unspin.diff", "Change"),
    "DiffResult": ("unspin.diff", "DiffResult"), "Index": ("unspin.index", "Index"),
    "trace": ("unspin.trace", "trace"), "TraceResult": ("unspin.trace", "TraceResult"),
}
_FUNCTIONS = {name for name, (_, attr) in _LAZY.items() if attr == name}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'unspin' has no attribute {name!r}")
    module, attr = _LAZY[name]
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """Keeps ``unspin.check`` and ``unspin.trace`` bound to the functions when the import
    system sets the submodules as attributes of the package."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTIONS and isinstance(value, types.ModuleType):
            self.__dict__.pop(name, None)  # resolved again (to the function) by __getattr__
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = ["Article", "Change", "CheckResult", "DiffResult", "Flag", "Index", "Span", "TraceResult",
           "UnspinError", "__version__", "align", "check", "diff", "trace"]
