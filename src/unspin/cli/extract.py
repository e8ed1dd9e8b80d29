"""``unspin extract``: read inputs and show each article's body, clutter and numbers.

Exit status: see ``unspin --help`` (0 every input and record read; 1 some inputs or corpus
records skipped, each reported on stderr as ``file:line: problem``; 2 nothing could be read,
or the first bad input or record with ``--on-error stop``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from unspin.cli._inputs import (
    CONFIG,
    ENCODING,
    INPUT_FILE,
    INPUTS,
    JOBS,
    KIND,
    ON_ERROR,
    OUT,
    TIMEOUT,
    KindChoice,
    OnErrorChoice,
    OutDir,
    Progress,
    Run,
    console,
    pipeline,
    read_all,
    sources_of,
)
from unspin.models import Article


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
        inputs: list[str] | None = INPUTS,
        input_file: Path | None = INPUT_FILE,
        as_json: bool = typer.Option(False, "--json",
                                     help="One JSON object per article per line (Article with "
                                          "clutter and quantities; offsets into 'original')."),
        keep_clutter: bool = typer.Option(False, "--keep-clutter",
                                          help="Keep page clutter in the body."),
        kind: KindChoice | None = KIND,
        encoding: str | None = ENCODING,
        on_error: OnErrorChoice = ON_ERROR,
        timeout: float = TIMEOUT,
        out: Path | None = OUT,
        jobs: int = JOBS,
        config: Path | None = CONFIG,
    ) -> None:
        """Read articles and show body, metadata, page clutter and the numbers found.

        Example: unspin extract page.html --json
        """
        sources = sources_of(inputs, input_file)
        nlp = pipeline(config, kind=kind, encoding=encoding, on_error=on_error, timeout=timeout,
                       ingest={"strip_clutter": not keep_clutter} if keep_clutter else {})
        outdir = OutDir(out) if out is not None else None
        run = Run(on_error=on_error.value)
        con = console()
        with Progress(len(sources), "reading") as prog:
            for article in read_all(nlp, sources, run, progress=prog, jobs=jobs):
                run.done += 1
                if outdir is not None:
                    outdir.write(outdir.name(article), ".json", article_json(article) + "\n")
                elif as_json:
                    sys.stdout.write(article_json(article) + "\n")
                    sys.stdout.flush()
                else:
                    _render(article, con)
        run.finish()


__all__ = ["article_json", "register"]

