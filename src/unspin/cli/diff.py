"""``unspin diff COPY SOURCE``: what a rewrite changed, for two files without an index.

Both inputs are read with ``unspin.ingest.read`` (a path, an http(s) URL or ``-``; the first
article of each is used). The terminal view shows the summary and the fact changes;
``--json`` prints the whole result (changes and summary) as one JSON object; ``--html OUT``
writes a self-contained HTML report. Articles read from a file or URL are named by their
input (not by a content hash). Exit status: 0, or 2 when an input cannot be read (see
``unspin --help``).
"""

from __future__ import annotations

from pathlib import Path

import typer

from unspin.cli._inputs import CONFIG, ENCODING, KIND, TIMEOUT, KindChoice, color_enabled, pipeline
from unspin.errors import InputError
from unspin.models import Article


def _first(nlp: object, path: str) -> Article:
    """The first article of ``path``, named by its input when its id is only a content hash."""
    import dataclasses
    import hashlib

    for article in nlp.read(path):  # type: ignore[attr-defined]
        if article.id == hashlib.sha1(article.text.encode("utf-8")).hexdigest()[:16] and article.input:
            article = dataclasses.replace(article, id=article.input)
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
        max_facts: int = typer.Option(50, "--max-facts", min=0,
                                      help="Fact changes listed in the terminal view (--json and "
                                           "--html hold all)."),
        kind: KindChoice | None = KIND,
        encoding: str | None = ENCODING,
        timeout: float = TIMEOUT,
        config: Path | None = CONFIG,
    ) -> None:
        """Show which words a rewrite merely swapped and which edits changed the facts."""
        from unspin.report import check_html_target, render_html, render_terminal, write_text_file

        if copy == "-" and source == "-":
            raise InputError("only one of COPY and SOURCE can be standard input", input="-")
        if html_out is not None:
            check_html_target(html_out)
        nlp = pipeline(config, kind=kind, encoding=encoding, timeout=timeout)
        ca, sa = _first(nlp, copy), _first(nlp, source)
        result = nlp.diff(ca, sa)
        if html_out is not None:
            write_text_file(html_out, render_html(result))
            write_text_file(html_out.with_suffix(".json"), result.to_json(indent=1) + "\n")
        if json_out:
            typer.echo(result.to_json())
        else:
            typer.echo(render_terminal(result, color=color_enabled(), limit=max_facts))
            if html_out is not None:
                typer.echo(f"report written to {html_out} (JSON: {html_out.with_suffix('.json')})")
