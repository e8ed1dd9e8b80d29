"""``unspin index add``, ``optimize`` and ``stats``: build and inspect an article index.

``add`` reads every input kind that ``unspin extract`` reads (text, HTML, JSONL/CSV corpora,
feeds, WARC, URLs, ``-``), commits every ``--batch`` articles, skips articles already
indexed (same body), and ends with the counts. Interrupting it (Ctrl-C, kill) keeps every
committed batch; rerunning the same command completes the index.

Exit status: 0 when every input was read, 1 when some records or articles failed, 2 when an
input could not be read or the index could not be opened.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import typer

from unspin.cli._common import ExitStatus, warn
from unspin.errors import InputError, UnspinError
from unspin.models import Article

index_app = typer.Typer(help="Build and inspect an article index (one SQLite file).",
                        no_args_is_help=True)




def read_inputs(inputs: list[str], on_error: object) -> Iterator[Article]:
    """Articles of every input, read by ``unspin.ingest.read``.

    The index stores text, metadata and sentences, not the numbers read from the text, so
    quantities are not extracted here (a third of the reading time).
    """
    from unspin.ingest import read

    for source in inputs:
        yield from read(source, on_error=on_error, quantities=False)  # type: ignore[arg-type]


@index_app.command("add")
def add(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                       help="Paths, http(s) URLs, or - for stdin: text, HTML, JSONL, "
                                            "CSV, RSS/Atom, WARC; .gz too."),
    db: str = typer.Option(..., "--db", help="Index file (created if absent)."),
    batch: int = typer.Option(10_000, "--batch", min=1,
                              help="Most articles per committed batch (a commit also happens at "
                                   "least every 3 seconds)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1,
                             help="Worker processes analysing articles (this process reads and writes)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as one JSON object."),
) -> None:
    """Add articles to the index at --db; already indexed articles are skipped.

    Example: unspin index add --db news.unspin corpus.jsonl.gz pages/*.html
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from unspin.index import AddCounts, Index

    record_errors = 0

    def on_record_error(err: InputError) -> None:
        nonlocal record_errors
        record_errors += 1
        warn(f"skipped {err}")

    failed_inputs = 0

    def articles() -> Iterator[Article]:
        nonlocal failed_inputs
        for source in inputs:
            try:
                yield from read_inputs([source], on_record_error)
            except UnspinError as err:
                failed_inputs += 1
                typer.secho(f"unspin: {err}", err=True, fg=typer.colors.RED)

    counts = AddCounts()
    with Index.open(db, create=True) as ix:
        with Progress(SpinnerColumn(), TextColumn("[bold]indexing"), BarColumn(),
                      TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
                      transient=False, disable=not progress, console=Console(stderr=True)) as bar:
            task = bar.add_task("add", total=None, counts="")

            committed = AddCounts()

            def on_batch(c: AddCounts) -> None:
                nonlocal committed
                committed = c
                bar.update(task, completed=c.added + c.skipped + c.failed,
                           counts=f"{c.added} added, {c.skipped} skipped, {c.failed} failed")

            try:
                counts = ix.add(articles(), batch_size=batch, on_batch=on_batch, jobs=jobs)
            except KeyboardInterrupt:
                bar.stop()
                warn(f"interrupted: {committed.added} added in committed batches are kept; "
                      "rerun the same command to complete the index")
                raise
        total = len(ix)
    failed = counts.failed + record_errors
    if as_json:
        sys.stdout.write(json.dumps({"added": counts.added, "skipped": counts.skipped,
                                     "failed": failed, "failed_inputs": failed_inputs,
                                     "articles": total}) + "\n")
    else:
        typer.echo(f"{counts.added} added, {counts.skipped} skipped (already indexed), {failed} failed; "
                   f"{total} articles in {db}")
    if failed_inputs and not (counts.added or counts.skipped):
        raise ExitStatus(f"{failed_inputs} input(s) could not be read", 2)
    if failed or failed_inputs:
        raise ExitStatus(f"{failed_inputs} input(s) could not be read, {failed} article(s) failed", 1)


@index_app.command("optimize")
def optimize(
    db: str = typer.Option(..., "--db", help="Index file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Merge the index's posting blocks (one per committed batch) so lookups read one per term.

    ``index add`` does this by itself at the end of a large add.
    Example: unspin index optimize --db news.unspin
    """
    from unspin.index import Index

    with Index.open(db) as ix:
        before = ix.stats()["posting_blocks"]
        after = ix.optimize()
    if as_json:
        sys.stdout.write(json.dumps({"posting_blocks_before": before, "posting_blocks": after}) + "\n")
    else:
        typer.echo(f"{before:,} posting blocks merged into {after:,} in {db}")


@index_app.command("stats")
def stats(
    db: str = typer.Option(..., "--db", help="Index file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Show what an index holds: articles, terms, dates, size, parameters, version.

    Example: unspin index stats --db news.unspin
    """
    from unspin.index import Index

    with Index.open(db, readonly=True) as ix:
        st = ix.stats()
    if as_json:
        sys.stdout.write(json.dumps(st) + "\n")
        return
    width = max(len(k) for k in st)
    for k, v in st.items():
        if k == "bytes":
            v = f"{v:,} ({v / 2**20:.1f} MiB)"
        elif isinstance(v, dict):
            v = ", ".join(f"{a}={b}" for a, b in v.items())
        elif isinstance(v, int):
            v = f"{v:,}"
        typer.echo(f"{k:<{width}}  {v}")


def register(app: typer.Typer) -> None:
    """Add the ``index`` command group to ``app``."""
    app.add_typer(index_app, name="index")


__all__ = ["read_inputs", "register"]
