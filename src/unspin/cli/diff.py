"""``unspin diff COPY SOURCE``: what a rewrite changed, for two files without an index.

Both inputs are read with ``unspin.ingest.read`` (a path, an http(s) URL or ``-``; the first
article of each is used). The terminal view shows the summary and the fact changes;
``--json`` prints the whole result (changes and summary) as one JSON object; ``--html OUT``
writes a self-contained HTML report. Exit status 0, or 2 when an input cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from unspin.errors import InputError
from unspin.models import Article


def _first(path: str) -> Article:
    from unspin.ingest import read

    for article in read(path):
        return article
    raise InputError("no article found", input=path)


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def diff_cmd(
        copy: str = typer.Argument(..., help="The copy: a file, an http(s) URL, or - for standard input."),
        source: str = typer.Argument(..., help="The source it was taken from (file or URL)."),
        json_out: bool = typer.Option(False, "--json", help="Print the result (changes, summary) as JSON."),
        html_out: Path | None = typer.Option(None, "--html", metavar="OUT",
                                             help="Write a self-contained HTML report to OUT and its "
                                                  "JSON twin next to it (OUT with .json)."),
        limit: int = typer.Option(50, "--limit", help="Fact changes shown in the terminal view."),
    ) -> None:
        """Show which words a rewrite merely swapped and which edits changed the facts."""
        from unspin.differ import diff
        from unspin.report import check_writable, render_html, render_terminal, write_text_file

        if copy == "-" and source == "-":
            raise InputError("only one of COPY and SOURCE can be standard input", input="-")
        if html_out is not None:
            check_writable(html_out)
        ca, sa = _first(copy), _first(source)
        result = diff(ca, sa)
        if html_out is not None:
            write_text_file(html_out, render_html(result))
            write_text_file(html_out.with_suffix(".json"), result.to_json(indent=1) + "\n")
        if json_out:
            typer.echo(result.to_json())
        else:
            typer.echo(render_terminal(result, color=sys.stdout.isatty(), limit=limit))
            if html_out is not None:
                typer.echo(f"report written to {html_out} (JSON: {html_out.with_suffix('.json')})")
