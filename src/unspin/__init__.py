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

__all__ = ["Article", "Span", "UnspinError", "__version__"]
