"""Errors of the web layer, with stable codes and the HTTP status each maps to.

Engine errors (``unspin.errors``) keep their own codes; ``status_of`` gives their status.
"""

from __future__ import annotations

from unspin.errors import (
    ExtractionError,
    FetchError,
    IndexError_,
    InputError,
    MissingExtraError,
    OutputError,
    UnspinError,
)

__all__ = ["WebError", "status_of"]


class WebError(UnspinError):
    """A request the server refuses (not found, too large, unauthorised, ...)."""

    code = "U800"
    status = 400

    def __init__(self, message: str, *, status: int, code: str, input: str | None = None,
                 hint: str | None = None):
        self.code = code  # type: ignore[misc]
        self.status = status
        super().__init__(message, input=input, hint=hint)


def not_found(what: str, ident: str) -> WebError:
    return WebError(f"no {what} with this id", status=404, code="U801", input=ident)


def too_large(size: int, limit: int) -> WebError:
    return WebError(f"request body of {size:,} bytes is over the limit of {limit:,}", status=413, code="U802",
                    hint="send a smaller text or file, or start the server with a larger --max-upload-mb")


def rate_limited(retry: float) -> WebError:
    return WebError(f"too many requests from this client; retry in {retry:.0f} s", status=429, code="U803")


def unauthorized() -> WebError:
    return WebError("this action needs the server's token", status=401, code="U804",
                    hint="send 'Authorization: Bearer TOKEN', or sign in on /login")


def csrf_failed() -> WebError:
    return WebError("form submission refused: missing or wrong form token (CSRF check)", status=403, code="U805",
                    hint="reload the page and submit the form again")


def unsupported_media(ctype: str) -> WebError:
    return WebError(f"send the body as application/json, not {ctype or 'no content type'}", status=415, code="U806")


def timed_out(seconds: float) -> WebError:
    return WebError(f"the request took longer than {seconds:g} s and was abandoned", status=503, code="U807",
                    hint="try a shorter text, or add large corpora as a job on the corpus page")


def bad_host(host: str) -> WebError:
    return WebError(f"this server does not answer to the host name {host!r}", status=421, code="U811",
                    hint="open it by its own address (127.0.0.1 or localhost)")


def bad_request(message: str, input: str | None = None) -> WebError:
    return WebError(message, status=422, code="U808", input=input)


def status_of(err: UnspinError) -> int:
    """The HTTP status for an error the engine or the web layer raised."""
    if isinstance(err, WebError):
        return err.status
    if isinstance(err, (FetchError, ExtractionError)):
        return 422
    if isinstance(err, InputError):
        return 400
    if isinstance(err, IndexError_):
        from unspin.index import IndexMissingError

        return 409 if isinstance(err, IndexMissingError) else 503
    if isinstance(err, MissingExtraError):
        return 501
    if isinstance(err, OutputError):
        return 500
    return 400
