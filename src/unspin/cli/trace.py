"""``unspin trace``: find the indexed articles each input was copied from.

A thin adapter over ``Pipeline.trace``. Exit status: see ``unspin --help`` (0 every input
traced, whether or not a source was found; 1 some inputs or records skipped; 2 failure,
e.g. the index cannot be opened; 3 with ``--fail-if-none`` when some input has no source).
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
    FormatChoice,
    KindChoice,
    OnErrorChoice,
    OutDir,
    Run,
    color_enabled,
    console,
    csv_writer,
    drive,
    pipeline,
    sources_of,
)


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


def _write_report(result: object, out: Path, n: int, article: object, nlp: object) -> None:
    """Write the HTML report of one traced input and its JSON twin (same result).

    Without a source the report still shows the source-free check of the input."""
    from unspin.models import Article
    from unspin.report import render_trace_html, write_text_file
    from unspin.tracer import TraceResult

    assert isinstance(result, TraceResult) and isinstance(article, Article)
    path = _report_path(out, n)
    check = nlp.check(article) if not result.sources else None  # type: ignore[attr-defined]
    write_text_file(path, render_trace_html(result, headline=article.title, check=check))
    write_text_file(path.with_suffix(".json"), result.to_json(indent=1) + "\n")


CSV_COLUMNS = ["input", "id", "published", "sources", "source_id", "score", "coverage",
               "source_published", "published_after_suspect", "source_url"]


def _csv_row(result: object) -> list[object]:
    from unspin.tracer import TraceResult

    assert isinstance(result, TraceResult)
    top = result.sources[0] if result.sources else None
    return [result.input, result.id, result.published or "", len(result.sources),
            top.id if top else "", top.score if top else "", top.coverage if top else "",
            (top.published or "") if top else "",
            "" if top is None or top.published_after_suspect is None else str(top.published_after_suspect).lower(),
            (top.url or "") if top else ""]


def register(app: typer.Typer) -> None:
    """Add the ``trace`` command to ``app``."""

    @app.command("trace")
    def trace_cmd(
        inputs: list[str] | None = INPUTS,
        db: str = typer.Option(..., "--db", help="Index file made by 'unspin index add'."),
        input_file: Path | None = INPUT_FILE,
        as_json: bool = typer.Option(False, "--json",
                                     help="Same as --format json: one JSON object per input article "
                                          "per line (input, id, published, sources, changes, summary)."),
        fmt: FormatChoice = typer.Option(FormatChoice.text, "--format",
                                         help="text, json (one object per article per line) or csv "
                                              "(one summary row per article: the best source)."),
        top: int = typer.Option(10, "--top", min=1, help="Report at most this many sources."),
        changes: bool = typer.Option(True, "--changes/--no-changes",
                                     help="Also classify what the rewrite changed against the sources "
                                          "(adds 'changes' and 'summary' to the JSON)."),
        published_before: str | None = typer.Option(
            None, "--published-before", metavar="DATE",
            help="Only sources published on or before DATE (ISO 8601; undated sources are kept)."),
        exclude_id: list[str] | None = typer.Option(None, "--exclude-id", metavar="ID",
                                                    help="Never report this indexed id (repeatable)."),
        include_self: bool = typer.Option(False, "--include-self",
                                          help="Allow the input itself (same id or same text, when "
                                               "indexed) as a source; by default it is excluded."),
        fail_if_none: bool = typer.Option(False, "--fail-if-none",
                                          help="Exit 3 when some input has no source in the index."),
        html: Path | None = typer.Option(None, "--html", metavar="OUT",
                                         help="Write a self-contained HTML report to OUT and its JSON "
                                              "twin next to it (OUT with .json); with several inputs, "
                                              "OUT-2.html, OUT-3.html, ... (see --out for one per input)."),
        kind: KindChoice | None = KIND,
        encoding: str | None = ENCODING,
        on_error: OnErrorChoice = ON_ERROR,
        timeout: float = TIMEOUT,
        jobs: int = JOBS,
        out: Path | None = OUT,
        config: Path | None = CONFIG,
    ) -> None:
        """Find the indexed articles each input was copied from (spun copies included).

        With -o DIR, each input article gets DIR/NAME.json and the HTML report DIR/NAME.html.

        Example: unspin trace --db news.unspin suspect.html --json
        """
        from unspin.report import check_html_target, render_terminal

        if html is not None:
            check_html_target(html)
        fmt = FormatChoice.json if as_json else fmt
        sources = sources_of(inputs, input_file)
        want_changes = changes or html is not None or out is not None
        trace_opts: dict[str, object] = {"max_sources": top, "changes": want_changes,
                                         "exclude_self": not include_self}
        if published_before:
            trace_opts["published_before"] = published_before
        if exclude_id:
            trace_opts["exclude_ids"] = list(exclude_id)
        nlp = pipeline(config, kind=kind, encoding=encoding, on_error=on_error, timeout=timeout,
                       index=db, trace=trace_opts)
        outdir = OutDir(out) if out is not None else None
        run = Run(on_error=on_error.value)
        con = console()
        writer = csv_writer(CSV_COLUMNS) if fmt is FormatChoice.csv else None
        with nlp:
            _ = nlp.index  # open it now: an unusable index fails before any input is read
            for article, result in drive(nlp, sources, run, "trace", jobs, "tracing"):
                if not result.sources:
                    run.no_source += 1
                if html is not None:
                    _write_report(result, html, run.done, article, nlp)
                if outdir is not None:
                    name = outdir.name(article)
                    _write_report(result, outdir.path / f"{name}.html", 1, article, nlp)
                if writer is not None:
                    writer.writerow(_csv_row(result))
                elif fmt is FormatChoice.json:
                    sys.stdout.write(result.to_json() + "\n")
                    sys.stdout.flush()
                elif outdir is None:
                    _render(result, con)
                    if result.diff is not None and changes:
                        typer.echo(render_terminal(result.diff, color=color_enabled(), limit=20))
                    if html is not None:
                        typer.echo(f"report written to {_report_path(html, run.done)}"
                                   f" (JSON: {_report_path(html, run.done).with_suffix('.json')})")
        if outdir is not None and fmt is FormatChoice.text:
            typer.echo(f"{run.done} report(s) written to {outdir.path} (NAME.html and NAME.json)")
        run.finish(fail_if_none=fail_if_none)


__all__ = ["register"]
