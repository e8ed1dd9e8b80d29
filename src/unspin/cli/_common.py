"""Helpers shared by the CLI commands: warnings and a summary-then-exit status."""

from __future__ import annotations

import click
import typer


def warn(message: str) -> None:
    """One yellow ``unspin: warning: ...`` line on stderr (none with ``-q``)."""
    from unspin.cli import quiet

    if quiet():
        return
    typer.secho(f"unspin: warning: {message}", err=True, fg=typer.colors.YELLOW)


def error(message: str) -> None:
    """One red ``unspin: ...`` line on stderr."""
    typer.secho(f"unspin: {message}", err=True, fg=typer.colors.RED)


class ExitStatus(click.ClickException):
    """Finish a command that kept going past failures: one summary line, then ``code``.

    Each failure was reported as it happened; this prints the count (as a warning, or as an
    error with ``as_error``) and sets the exit status (1: some records skipped, 2: inputs
    failed).
    """

    def __init__(self, message: str, code: int, *, as_error: bool = False):
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]
        self.as_error = as_error

    def show(self, file: object = None) -> None:
        if self.message:
            (error if self.as_error else warn)(self.message)
