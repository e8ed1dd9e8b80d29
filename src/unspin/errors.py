"""Exceptions raised by unspin.

Every error carries a stable ``code`` (shown in CLI messages and HTTP responses), the
``input`` it concerns (a path, URL, ``<stdin>`` or ``file.jsonl:12``) and, where one exists,
a ``hint`` telling the user how to fix it. ``str(err)`` is one line.
"""

from __future__ import annotations

from typing import Any


class UnspinError(Exception):
    """Base class of every error unspin raises on purpose."""

    code = "U000"

    def __init__(self, message: str, *, input: str | None = None, hint: str | None = None):
        self.message = message
        self.input = input
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.input}: " if self.input else ""
        fix = f" ({self.hint})" if self.hint else ""
        return f"[{self.code}] {where}{self.message}{fix}"

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as its parts (a worker process's error re-raised in the parent reads the same)
        return _rebuild, (type(self), self.message, self.input, self.hint)

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "error": type(self).__name__, "input": self.input,
                "message": self.message, "hint": self.hint}


class InputError(UnspinError):
    """The input could not be read, decoded or understood (empty, binary, malformed)."""

    code = "U100"


class ExtractionError(InputError):
    """A page was read but no article body could be found in it."""

    code = "U110"


class FetchError(InputError):
    """A URL could not be fetched (network error, HTTP error, wrong content type, too large)."""

    code = "U120"


class IndexError_(UnspinError):
    """An index file is missing, corrupt, or was built with other parameters."""

    code = "U200"


class OutputError(UnspinError):
    """An output file or directory (a report, a data set) cannot be written."""

    code = "U300"


class MissingExtraError(UnspinError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    code = "U900"


def missing_extra(package: str, extra: str) -> MissingExtraError:
    """Build the error for an optional dependency that is not installed."""
    return MissingExtraError(
        f"this feature needs the optional package {package!r}",
        hint=f"install it with: pip install 'unspin[{extra}]'",
    )


def _rebuild(cls: type[UnspinError], message: str, input: str | None, hint: str | None) -> UnspinError:
    return cls(message, input=input, hint=hint)
