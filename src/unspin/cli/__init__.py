"""The ``unspin`` command line: a thin layer over the library.

Each sub-command lives in its own module of this package and exposes ``register(app)``; each
is a thin adapter over :class:`unspin.Pipeline` (options shared by every command that reads
inputs are in :mod:`unspin.cli._inputs`). Library errors (``UnspinError``) become one-line
messages and a non-zero exit; a traceback is shown only with ``--debug``. ``-v``, ``-q`` and
``--debug`` are accepted anywhere on the command line.

Exit status (every command): 0 all inputs processed; 1 some inputs or records skipped (each
reported on stderr); 2 failure (nothing processed, ``--on-error stop``, usage error, index
or options unusable); 3 ``trace --fail-if-none`` when some input has no source.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from unspin import __version__
from unspin.errors import UnspinError

# Sub-command modules, in the order --help lists them.
COMMANDS = ["extract", "check", "index", "trace", "diff", "synth", "scan", "serve"]

app = typer.Typer(
    name="unspin",
    help="Find where a news article came from and what a machine rewrite changed.\n\n"
         "Exit status: 0 all inputs processed; 1 some inputs or records skipped; 2 failure; "
         "3 trace --fail-if-none found no source for some input.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False, "quiet": False}
_GLOBAL_FLAGS = {"-v", "-vv", "-vvv", "--verbose", "-q", "--quiet", "--debug", "--allow-private"}
_CHATTY_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "readability", "charset_normalizer")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"unspin {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print the version and exit."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="More log output (-vv for debug)."),
    quiet_: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr (no warnings, "
                                                             "no progress)."),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    max_input_bytes: int | None = typer.Option(
        None, "--max-input-bytes", min=1, metavar="BYTES",
        help="Cap on the bytes one compressed input, stream or URL may decompress to "
             "(default 8 GiB; inputs past it stop with an error)."),
    max_record_bytes: int | None = typer.Option(
        None, "--max-record-bytes", min=1, metavar="BYTES",
        help="Cap on one corpus record: JSONL line, CSV field, WARC record or its decoded "
             "body (default 8 MiB; larger records are skipped and reported)."),
    max_ratio: int | None = typer.Option(
        None, "--max-ratio", min=1, metavar="N",
        help="Decompression ratio taken for a compression bomb once 64 MiB are out "
             "(default 200; real text compresses 3-20x)."),
    max_article_chars: int | None = typer.Option(
        None, "--max-article-chars", min=1, metavar="N",
        help="Cap on one article's body in characters (default 1,000,000; keeps every "
             "command under ~500 MB)."),
    allow_private: bool = typer.Option(
        False, "--allow-private",
        help="Let URL inputs reach loopback, private and link-local addresses (refused by "
             "default, also on redirects)."),
) -> None:
    _state["debug"] = debug
    _state["quiet"] = quiet_
    from unspin import limits, netpolicy

    netpolicy.set_allow_private_default(allow_private)
    limits.set_default(limits.Limits().with_(max_input_bytes=max_input_bytes,
                                             max_record_bytes=max_record_bytes,
                                             max_ratio=max_ratio,
                                             max_article_chars=max_article_chars))
    level = logging.ERROR if quiet_ and not verbose else logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Extraction libraries log their own complaints about a page ("discarding data: None");
    # unspin reports the outcome in one line, so theirs show only with -vv.
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR if verbose < 2 else logging.DEBUG)


def _register_all() -> None:
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"unspin.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"unspin.cli.{name}":
                continue  # command not part of this build
            raise
        module.register(app)


_register_all()


def quiet() -> bool:
    """True when ``-q`` was given: no progress, no warnings."""
    return bool(_state["quiet"])


def hoist_global_flags(args: list[str]) -> list[str]:
    """Move ``-v``/``-q``/``--debug`` given after the sub-command to the front, so that
    they work anywhere (``unspin check x.txt -v`` = ``unspin -v check x.txt``)."""
    if "--" in args:
        cut = args.index("--")
        head, tail = args[:cut], args[cut:]
    else:
        head, tail = args, []
    flags = [a for a in head if a in _GLOBAL_FLAGS]
    return flags + [a for a in head if a not in _GLOBAL_FLAGS] + tail


def fail(err: UnspinError) -> None:
    """Print one line for a library error to stderr (used by commands that keep going)."""
    typer.secho(f"unspin: {err}", err=True, fg=typer.colors.RED)


def _click_errors() -> tuple[type[Exception], ...]:
    """Click's exception base classes: typer may bundle its own copy of click."""
    import click

    out: list[type[Exception]] = [click.exceptions.ClickException]
    try:
        from typer._click import exceptions as bundled  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        out.append(bundled.ClickException)
    return tuple(out)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (the caps set by its options last for this call only)."""
    from unspin import limits, netpolicy
    from unspin.escape import SafeStream

    before = limits.default(), netpolicy.allow_private_default()
    streams = sys.stdout, sys.stderr
    # nothing from the data reaches the terminal as a control sequence (issue 15)
    sys.stdout = SafeStream(sys.stdout, "colour")  # type: ignore[assignment]
    sys.stderr = SafeStream(sys.stderr, "progress")  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams
        limits.set_default(before[0])
        netpolicy.set_allow_private_default(before[1])


def _main(argv: list[str] | None) -> int:
    args = hoist_global_flags(sys.argv[1:] if argv is None else list(argv))
    debug = "--debug" in args
    try:
        # Without standalone mode click returns the code of a typer.Exit instead of raising.
        rc = app(args=args, standalone_mode=False)
    except UnspinError as err:
        if debug:
            raise
        fail(err)
        return 2
    except KeyboardInterrupt:
        typer.secho("unspin: interrupted", err=True)
        return 130
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        return 1
    except Exception as exc:  # click usage errors and the like
        if isinstance(exc, _click_errors()):
            exc.show()  # type: ignore[attr-defined]
            return int(exc.exit_code)  # type: ignore[attr-defined]
        if debug:
            raise
        typer.secho(f"unspin: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
                    err=True, fg=typer.colors.RED)
        return 1
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
