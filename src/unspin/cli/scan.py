"""``unspin scan``: a whole crawl in; copy clusters, sources, verdicts and site rates out.

Exit status: 0 when the scan finished (skipped records are counted in the outputs and
summarised on stderr, they are not failures), 2 when an input could not be read as a
whole or the output folder could not be used.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer


class ExtractorChoice(StrEnum):
    fast = "fast"
    accurate = "accurate"


class EngineChoice(StrEnum):
    local = "local"
    spark = "spark"


def scan_command(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                       help="WARC/WARC.gz files, JSONL crawls (html or text, url, seen), "
                                            "CSV/JSON corpora, feeds, HTML files or folders of them."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (also holds the resumable state)."),
    extractor: ExtractorChoice = typer.Option(ExtractorChoice.fast, "--extractor",
                                              help="fast: resiliparse (about 10x faster); accurate: trafilatura."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes."),
    restart: bool = typer.Option(False, "--restart", help="Discard the state of an earlier run in --out."),
    copy_reports: int = typer.Option(30, "--copy-reports", min=0,
                                     help="Side-by-side reports for the copies of the N largest clusters."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    engine: EngineChoice = typer.Option(EngineChoice.local, "--engine",
                                        help="local: this machine, resumable; spark: Apache Spark "
                                             "(pip install unspin\\[spark], Java 17), same output files."),
    master: str = typer.Option("local[2]", "--master", help="Spark master URL (with --engine spark)."),
    split_mb: int = typer.Option(256, "--split-mb", min=1,
                                 help="With --engine spark: MB of a local WARC file per read task."),
    conf: list[str] = typer.Option([], "--conf", metavar="KEY=VALUE",
                                   help="With --engine spark: a Spark setting, e.g. spark.driver.memory=4g "
                                        "(repeatable)."),
) -> None:
    """Find who copied whom in a crawl: clusters, earliest sources, verdicts, per-site rates.

    Writes articles.jsonl, clusters.jsonl, sites.csv, the same as Parquet, scan.sqlite and
    report.html (with report.json) into --out. Rerun the same command to resume.
    """
    from unspin.scan import ScanOptions, scan

    opts = ScanOptions(extractor=extractor.value, copy_reports=copy_reports)
    if engine is EngineChoice.spark:
        from unspin.scan.spark import scan_spark

        settings = dict(c.split("=", 1) for c in conf if "=" in c)
        bad = [c for c in conf if "=" not in c]
        if bad:
            raise typer.BadParameter(f"{bad[0]!r} is not KEY=VALUE", param_hint="--conf")
        summary = scan_spark(inputs, out, opts, master=master, split_bytes=split_mb << 20, conf=settings)
    else:
        summary = scan(inputs, out, opts, jobs=jobs, restart=restart)
    if as_json:
        typer.echo(summary.to_json(sort_keys=True))
        return
    skipped = {k: v for k, v in summary.skipped.items() if v}
    typer.echo(f"{summary.pages:,} articles from {summary.records:,} records; "
               f"{summary.clusters:,} copy clusters, {summary.copies:,} copies "
               f"({', '.join(f'{v:,} {k}' for k, v in summary.verdicts.items())})")
    if skipped:
        typer.echo("skipped records: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in skipped.items()),
                   err=True)
    typer.echo(f"dashboard: {Path(summary.out) / 'report.html'}")


def register(app: typer.Typer) -> None:
    app.command("scan")(scan_command)
