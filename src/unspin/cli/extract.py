"""``unspin extract``: read inputs and show each article's body, clutter and numbers.

Exit status: 0 when every input and record was read; 1 when some corpus records were
skipped (``--on-error skip``, the default; each skip is reported on stderr as
``file:line: problem``); 2 when an input could not be read at all, or on the first bad
record with ``--on-error stop``.
"""

from __future__ import annotations

import sys
from enum import StrEnum

import typer

from unspin.cli._common import ExitStatus, warn
from unspin.errors import InputError, UnspinError
from unspin.models import Article


class OnErrorChoice(StrEnum):
    skip = "skip"
    stop = "stop"


class KindChoice(StrEnum):
    text = "text"
    html = "html"
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    feed = "feed"
    warc = "warc"




def article_json(article: Article) -> str:
    """One line of JSON: the article with its clutter and quantities (original offsets)."""
    return article.to_json()


def _render(article: Article, console: object) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    assert isinstance(console, Console)
    head = Text()
    head.append(article.title or "(no title)", style="bold")
    meta = [f"{k}: {v}" for k, v in (("input", article.input), ("id", article.id),
                                      ("url", article.url), ("site", article.site),
                                      ("published", article.published)) if v]
    head.append("\n" + "  ".join(meta), style="dim")
    console.print(head)
    console.rule(style="dim")
    # the text as the reader saw it: clutter struck through, numbers highlighted
    original = article.original
    body = Text()
    pos = 0
    marks = sorted([(c.start, c.end, "clutter", c.reason) for c in article.clutter] +
                   [(q.start, q.end, "number", "") for q in article.quantities])
    for start, end, what, reason in marks:
        if start < pos:
            continue
        body.append(original[pos:start])
        if what == "clutter":
            if not body.plain.endswith("\n") and body.plain:
                body.append("\n")
            body.append(f"[clutter: {reason}]\n", style="bold yellow")
            for line in original[start:end].splitlines():
                body.append("  \u2702 ", style="yellow")
                body.append(line + "\n", style="strike dim")
        else:
            body.append(original[start:end], style="bold cyan underline")
        pos = end
    body.append(original[pos:])
    console.print(body)
    if article.quantities:
        table = Table(title="numbers", title_justify="left", show_edge=False)
        for col in ("as written", "read as", "hedge", "unit", "repaired", "offsets"):
            table.add_column(col)
        for q in article.quantities:
            fmt = "{:g}" if q.unit == "year" else "{:,g}"
            val = fmt.format(q.low) if q.low == q.high else \
                f"{fmt.format(q.low)} - {fmt.format(q.high)}"
            table.add_row(q.text, val, q.hedge or "", q.unit or "", "yes" if q.repaired else "",
                          f"{q.start}-{q.end}")
        console.print(table)
    n_par, n_sent = len(article.paragraphs), len(article.sentences)
    console.print(Text(f"{n_par} paragraphs, {n_sent} sentences, {len(article.clutter)} clutter "
                       f"block(s) separated", style="dim"))
    console.print()


def register(app: typer.Typer) -> None:
    """Add the ``extract`` command to ``app``."""

    @app.command("extract")
    def extract(
        inputs: list[str] = typer.Argument(..., metavar="INPUT",
                                           help="Paths, http(s) URLs, or - for stdin. Text, HTML, "
                                                "JSONL, CSV, RSS/Atom, WARC; .gz too."),
        as_json: bool = typer.Option(False, "--json",
                                     help="One JSON object per article per line (Article with "
                                          "clutter and quantities; offsets into 'original')."),
        kind: KindChoice | None = typer.Option(None, "--kind",
                                               help="Read every input as this kind instead of "
                                                    "guessing from name and content."),
        on_error: OnErrorChoice = typer.Option(
            OnErrorChoice.skip, "--on-error",
            help="Bad corpus records (malformed JSONL line, row without text, WARC page "
                 "without an article): skip them with a warning naming file:line and exit 1 "
                 "at the end, or stop at the first with exit 2."),
        encoding: str | None = typer.Option(None, "--encoding",
                                            help="Force the encoding of plain-text input."),
        timeout: float = typer.Option(20.0, "--timeout", help="Seconds to wait for a URL."),
        keep_clutter: bool = typer.Option(False, "--keep-clutter",
                                          help="Keep page clutter in the body."),
    ) -> None:
        """Read articles and show body, metadata, page clutter and the numbers found."""
        from rich.console import Console

        from unspin.ingest import read

        console = Console(highlight=False, soft_wrap=True)
        skipped = 0
        failed = 0

        def on_record_error(err: InputError) -> None:
            nonlocal skipped
            if on_error is OnErrorChoice.stop:
                raise err
            skipped += 1
            warn(f"skipped {err}")

        for source in inputs:
            try:
                for article in read(source, kind=kind.value if kind else None,
                                    on_error=on_record_error, encoding=encoding,
                                    timeout=timeout, strip_clutter=not keep_clutter):
                    if as_json:
                        sys.stdout.write(article_json(article) + "\n")
                        sys.stdout.flush()
                    else:
                        _render(article, console)
            except UnspinError as err:
                if on_error is OnErrorChoice.stop or len(inputs) == 1:
                    raise
                failed += 1
                typer.secho(f"unspin: {err}", err=True, fg=typer.colors.RED)
        if failed or skipped:
            parts = []
            if failed:
                parts.append(f"{failed} input(s) could not be read")
            if skipped:
                parts.append(f"{skipped} record(s) skipped")
            raise ExitStatus("; ".join(parts), 2 if failed else 1)


__all__ = ["article_json", "register"]

