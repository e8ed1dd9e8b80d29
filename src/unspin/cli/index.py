"""``unspin index add``, ``optimize`` and ``stats``: build and inspect an article index.

``add`` reads every input kind that ``unspin extract`` reads (text, HTML, JSONL/CSV corpora,
feeds, WARC, URLs, ``-``), commits every ``--batch`` articles, skips articles already
indexed (same body), and ends with the counts. Interrupting it (Ctrl-C, kill) keeps every
committed batch; rerunning the same command completes the index.

Exit status: see ``unspin --help`` (0 every input read and added or already present; 1
some inputs, records or articles skipped; 2 no input could be read, or the index could not be
opened). ``--json`` objects carry a ``schema_version``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import typer

from unspin.cli._common import ExitStatus, warn
from unspin.cli._inputs import (
    CONFIG,
    ENCODING,
    INPUT_FILE,
    INPUTS,
    KIND,
    ON_ERROR,
    TIMEOUT,
    KindChoice,
    OnErrorChoice,
    Run,
    pipeline,
    read_all,
    sources_of,
)
from unspin.models import SCHEMA_VERSION, Article

index_app = typer.Typer(help="Build and inspect an article index (one SQLite file).",
                        no_args_is_help=True)




@index_app.command("add")
def add(
    inputs: list[str] | None = INPUTS,
    db: str = typer.Option(..., "--db", help="Index file (created if absent)."),
    input_file: Path | None = INPUT_FILE,
    kind: KindChoice | None = KIND,
    encoding: str | None = ENCODING,
    on_error: OnErrorChoice = ON_ERROR,
    timeout: float = TIMEOUT,
    config: Path | None = CONFIG,
    batch: int | None = typer.Option(None, "--batch", min=1, show_default=False,
                              help="Most articles per committed batch (default: the options' "
                                   "index.batch_size, 10,000) (a commit also happens at "
                                   "least every 3 seconds once 1,000 are waiting)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1,
                             help="Worker processes reading (one-article inputs), and threads analysing "
                                  "articles; this process writes the index (the one writer)."),
    progress: bool = typer.Option(True, "--progress/--no-progress",
                                  help="Show a progress bar (on a terminal only, not with -q)."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as one JSON object."),
) -> None:
    """Add articles to the index at --db; already indexed articles are skipped.

    Example: unspin index add --db news.unspin corpus.jsonl.gz pages/*.html
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from unspin.cli import quiet
    from unspin.index import AddCounts

    sources = sources_of(inputs, input_file)
    nlp = pipeline(config, kind=kind, encoding=encoding, on_error=on_error, timeout=timeout,
                   ingest={"quantities": False})  # the index does not store quantities
    run = Run(on_error=on_error.value)

    def articles() -> Iterator[Article]:
        for art in read_all(nlp, sources, run, jobs=jobs):
            run.done += 1
            yield art

    counts = AddCounts()
    with nlp.open_index(db) as ix:
        with Progress(SpinnerColumn(), TextColumn("[bold]indexing"), BarColumn(),
                      TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
                      transient=False, console=Console(stderr=True),
                      disable=not progress or quiet() or not sys.stderr.isatty()) as bar:
            task = bar.add_task("add", total=None, counts="")

            committed = AddCounts()

            def on_batch(c: AddCounts) -> None:
                nonlocal committed
                committed = c
                bar.update(task, completed=c.added + c.skipped + c.failed,
                           counts=f"{c.added} added, {c.skipped} skipped, {c.failed} failed")

            try:
                counts = ix.add(articles(), batch_size=batch or nlp.options.index.batch_size,
                                 on_batch=on_batch, jobs=jobs)
            except KeyboardInterrupt:
                bar.stop()
                warn(f"interrupted: {committed.added} added in committed batches are kept; "
                      "rerun the same command to complete the index")
                raise
        total = len(ix)
    failed = counts.failed + run.skipped_records
    failed_inputs = run.skipped_inputs
    if as_json:
        sys.stdout.write(json.dumps({"schema_version": SCHEMA_VERSION, "added": counts.added,
                                     "skipped": counts.skipped, "failed": failed,
                                     "failed_inputs": failed_inputs, "articles": total}) + "\n")
    else:
        typer.echo(f"{counts.added} added, {counts.skipped} skipped (already indexed), {failed} failed; "
                   f"{total} articles in {db}")
    if failed_inputs and not (counts.added or counts.skipped):
        raise ExitStatus(f"{failed_inputs} input(s) could not be read", 2)
    if failed or failed_inputs:
        parts = [f"{failed_inputs} input(s) could not be read"] if failed_inputs else []
        parts += [f"{failed} article(s) or record(s) failed"] if failed else []
        raise ExitStatus(", ".join(parts), 1)


@index_app.command("optimize")
def optimize(
    db: str = typer.Option(..., "--db", help="Index file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Merge all the index's runs of posting blocks into one, so lookups read one block per term.

    ``index add`` merges runs by itself as it goes (a few runs remain, O(log N)).
    Example: unspin index optimize --db news.unspin
    """
    from unspin.index import Index

    with Index.open(db) as ix:
        before = ix.stats()["posting_blocks"]
        after = ix.optimize()
    if as_json:
        sys.stdout.write(json.dumps({"schema_version": SCHEMA_VERSION, "posting_blocks_before": before,
                                     "posting_blocks": after}) + "\n")
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
        sys.stdout.write(json.dumps({"schema_version": SCHEMA_VERSION, **st}) + "\n")
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


@index_app.command("check")
def check(
    db: str = typer.Option(..., "--db", help="Index file."),
    quick: bool = typer.Option(False, "--quick",
                               help="Only SQLite's integrity check, not hashes and postings."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Check an index for damage: SQLite integrity, stored hashes against the texts,
    postings against the articles and the vocabulary. Exit 0: sound; 1: damaged.

    Example: unspin index check --db news.unspin
    """
    from unspin.index import CheckReport, Index, IndexCorruptError

    try:
        with Index.open(db, readonly=True) as ix:
            report = ix.check(full=not quick)
    except IndexCorruptError as err:
        report = CheckReport(path=db, ok=False, problems=(err.message,), full=not quick)
    if as_json:
        sys.stdout.write(report.to_json() + "\n")
    elif report.ok:
        what = "SQLite integrity" if quick else \
            f"SQLite integrity, {report.articles:,} article hashes, {report.terms:,} terms' postings"
        typer.echo(f"{db}: ok ({what})")
    else:
        for problem in report.problems:
            typer.echo(f"{db}: {problem}")
    if not report.ok:
        raise ExitStatus(f"{db}: damaged index ({len(report.problems)} problem(s) shown); "
                         "restore a copy or rebuild it with 'unspin index add'", 1, as_error=True)


def register(app: typer.Typer) -> None:
    """Add the ``index`` command group to ``app``."""
    app.add_typer(index_app, name="index")


__all__ = ["register"]
