"""``unspin serve``: a web app and JSON API over the engine (extra ``[web]``).

- ``/``: one input box (paste text or HTML, give a URL, upload a file) -> a result page at a
  permanent link ``/r/{id}`` with the spin check, the sources found in the index (evidence
  panel) and the changes side by side, fact changes first; ``/r/{id}.json`` is its JSON twin,
  ``/r/{id}.csv`` the changes as CSV.
- ``/compare``: two texts, no index. ``/corpus``: add to the index (background job) and
  browse it. ``/jobs/{id}``: progress. ``/scans``: browse ``unspin scan`` output.
- ``/api/v1/...`` (also ``/api/...``): the JSON API, OpenAPI at ``/api/openapi.json``, listed
  at ``/api/docs``.

FastAPI and uvicorn are imported only here (lazily): ``create_app`` raises the engine's
``MissingExtraError`` naming the extra when they are absent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from unspin.errors import missing_extra

if TYPE_CHECKING:
    from unspin.web.app import ServeConfig

__all__ = ["create_app", "require_web"]


def require_web() -> None:
    """Raise ``MissingExtraError`` (naming the ``web`` extra) unless FastAPI and uvicorn import."""
    for package in ("fastapi", "uvicorn", "multipart"):
        try:
            __import__(package)
        except ImportError:
            raise missing_extra("python-multipart" if package == "multipart" else package, "web") from None


def create_app(cfg: ServeConfig) -> Any:
    """The FastAPI app for ``cfg`` (see :mod:`unspin.web.app`)."""
    require_web()
    from unspin.web.app import create_app as _create

    return _create(cfg)
