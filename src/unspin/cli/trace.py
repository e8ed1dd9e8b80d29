"""``unspin trace``: find the indexed articles each input was copied from.

Exit status: 0 when every input was read (whether or not sources were found), 1 when some
inputs or records could not be read, 2 when no input could be read or the index could not
be opened.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from unspin.cli._common import ExitStatus, warn
from unspin.errors import InputError, UnspinError


def _render(result: object, console: object) -> None:
    from rich.console import Console
    from rich.text import Text

    from unspin.tracer import TraceResult

    assert isinstance(console, Console) and isinstance(result, TraceResult)
    head = Text()
    head.append(result.input, style="bold")
    if not result.sources:
        head.append("  no source in the index", style="dim")
        console.print(head)
        return
    head.append(f"  {len(result.sources)} source(s)", style="dim")
    console.print(head)
    for k, s in enumerate(result.sources, 1):
        line = Text(f"  {k}. ")
        line.append(s.id, style="bold cyan")
        line.append(f"  score {s.score:.2f}  covers {s.coverage:.0%} of the text, "
                    f"{len(s.sentences)} sentence(s)")
        if s.published:
            line.append(f"  published {s.published}")
        if s.published_after_suspect:
            line.append("  (published AFTER the suspect: the copy may go the other way)",
                        style="bold yellow")
        console.print(line)
        if s.title or s.url:
            console.print(Text("     " + "  ".join(x for x in (s.title, s.url) if x), style="dim"))
        for cs, ss in list(zip(s.sentences, s.source_sentences, strict=False))[:3]:
            console.print(Text(f"     copy:   {cs.text[:110]}", style="green"))
            console.print(Text(f"     source: {ss.text[:110]}", style="dim"))
        if len(s.sentences) > 3:
            console.print(Text(f"     ... {len(s.sentences) - 3} more", style="dim"))


def _report_path(out: Path, n: int) -> Path:
    return out if n <= 1 else out.with_name(f"{out.stem}-{n}{out.suffix or '.html'}")


def _write_report(result: object, out: Path, n: int) -> None:
    """Write the HTML report of one traced input and its JSON twin (same result)."""
    from unspin.report import render_html, write_text_file
    from unspin.tracer import TraceResult

    assert isinstance(result, TraceResult)
    path = _report_path(out, n)
    if result.diff is not None:
        page = render_html(result.diff, title=f"{result.input}: where it came from and what changed")
    else:
        page = render_no_source(result.input)
    write_text_file(path, page)
    write_text_file(path.with_suffix(".json"), result.to_json(indent=1) + "\n")


def render_no_source(name: str) -> str:
    """A minimal self-contained page for an input with no source in the index."""
    import html as _html

    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>unspin: {_html.escape(name)}</title></head><body><main><h1>{_html.escape(name)}</h1>"
            "<p>No source in the index: nothing indexed explains this text.</p></main></body></html>\n")


def register(app: typer.Typer) -> None:
    """Add the ``trace`` command to ``app``."""

    @app.command("trace")
    def trace_cmd(
        inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                           help="Suspect texts: paths, http(s) URLs, or - for stdin "
                                                "(text, HTML, JSONL, CSV, RSS/Atom, WARC; .gz too)."),
        db: str = typer.Option(..., "--db", help="Index file made by 'unspin index add'."),
        as_json: bool = typer.Option(False, "--json",
                                     help="One JSON object per input article per line: input, id, "
                                          "published and sources (id, score, coverage, published, "
                                          "sentences, ...)."),
        top: int = typer.Option(10, "--top", min=1, help="Report at most this many sources."),
        changes: bool = typer.Option(True, "--changes/--no-changes",
                                     help="Also classify what the rewrite changed against the sources "
                                          "(adds 'changes' and 'summary' to the JSON)."),
        html: Path | None = typer.Option(None, "--html", metavar="OUT",
                                         help="Write a self-contained HTML report to OUT and its JSON "
                                              "twin next to it (OUT with .json); with several inputs, "
                                              "OUT-2.html, OUT-3.html, ..."),
    ) -> None:
        """Find the indexed articles each input was copied from (spun copies included).

        Example: unspin trace --db news.unspin suspect.html --json
        """
        from rich.console import Console

        from unspin.index import Index
        from unspin.ingest import read
        from unspin.report import check_writable, render_terminal
        from unspin.tracer import trace

        if html is not None:
            check_writable(html)
        console = Console(highlight=False, soft_wrap=True)
        failed = read_ok = 0

        def on_record_error(err: InputError) -> None:
            nonlocal failed
            failed += 1
            warn(f"skipped {err}")

        with Index.open(db, readonly=True) as ix:
            for source in inputs:
                try:
                    for article in read(source, on_error=on_record_error):
                        read_ok += 1
                        result = trace(article, ix, max_sources=top, changes=changes or html is not None)
                        if html is not None:
                            _write_report(result, html, read_ok)
                        if as_json:
                            sys.stdout.write(result.to_json() + "\n")
                            sys.stdout.flush()
                        else:
                            _render(result, console)
                            if result.diff is not None and changes:
                                typer.echo(render_terminal(result.diff, color=sys.stdout.isatty(), limit=20))
                            if html is not None:
                                typer.echo(f"report written to {_report_path(html, read_ok)}"
                                           f" (JSON: {_report_path(html, read_ok).with_suffix('.json')})")
                except UnspinError as err:
                    if isinstance(err, InputError) and len(inputs) > 1:
                        failed += 1
                        typer.secho(f"unspin: {err}", err=True, fg=typer.colors.RED)
                    else:
                        raise
        if failed and not read_ok:
            raise ExitStatus(f"{failed} input(s) or record(s) could not be read", 2)
        if failed:
            raise ExitStatus(f"{failed} input(s) or record(s) could not be read", 1)


__all__ = ["register"]
