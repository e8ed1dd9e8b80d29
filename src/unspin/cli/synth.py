"""``unspin synth``: write a synthetic data set of spun copies with exact ground truth.

Example::

    unspin synth samples/articles.jsonl --out out/synth --seed 7 --rate 0.35

writes ``out/synth/copies/<copy id>.txt`` (one spun copy each), ``out/synth/sources.jsonl``
(the source articles; spans index their ``text``) and ``out/synth/truth.json`` (every edit
and reuse case of every copy). The same inputs and seed give byte-identical output.

``--generator alt`` writes the same layout with copies made by ``unspin.altspin`` (paraphrase,
machine-translation and AI-style rewrites with exact truth; ``--style``), which uses none of
the resources the detectors use; ``--spinner``, ``--stitch`` and ``--no-clutter`` do not apply to it.

Exit status: 0 when every record was read; 1 when some corpus records were skipped (each
reported on stderr as ``file:line: problem``); 2 when an input could not be read, no article
was long enough, or --out cannot be written.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from unspin.cli._common import ExitStatus
from unspin.errors import InputError, OutputError


class SpinnerChoice(StrEnum):
    thesaurus = "thesaurus"
    embedding = "embedding"
    mixed = "mixed"


GeneratorChoice = StrEnum("GeneratorChoice", ["synth", "alt"])  # the alt generator: unspin.altspin
StyleChoice = StrEnum("StyleChoice", ["paraphrase", "mt", "ai", "mixed"])  # altspin.STYLES


def synth_command(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...", help="Articles: text/HTML files, JSONL/CSV corpora, URLs or '-'."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write the data set into."),
    seed: int = typer.Option(0, "--seed", help="Seed: the same seed gives byte-identical output."),
    rate: list[float] = typer.Option([0.35], "--rate", min=0.0, max=0.9,
                                     help="Synonym swap rate, 0-0.9 (0.1-0.6 typical); repeat for several."),
    spinner: SpinnerChoice = typer.Option(SpinnerChoice.mixed, "--spinner", help="Which spinner to imitate."),
    per_article: int = typer.Option(1, "--per-article", min=1, help="Copies per article and rate."),
    stitch: bool = typer.Option(False, "--stitch", help="Also stitch a block of the next article into each copy."),
    fact_edits: int = typer.Option(2, "--fact-edits", min=0, help="Fact edits per copy."),
    limit: int = typer.Option(0, "--limit", min=0, help="Use only the first N articles (0: all)."),
    min_words: int = typer.Option(60, "--min-words", min=0, help="Skip articles shorter than this."),
    no_clutter: bool = typer.Option(False, "--no-clutter", help="Do not append a Trending list."),
    no_structure: bool = typer.Option(False, "--no-structure",
                                      help="No reorder, split/merge, dropped or inserted sentences."),
    generator: GeneratorChoice = typer.Option(
        GeneratorChoice.synth, "--generator",  # type: ignore[attr-defined]
        help="synth: thesaurus/embedding spinner; alt: the independent generator (unspin.altspin), "
             "which uses none of the detectors' resources."),
    style: StyleChoice = typer.Option(StyleChoice.mixed, "--style",  # type: ignore[attr-defined]
                                      help="Style of the alt generator: paraphrase, mt, ai or mixed."),
) -> None:
    """Spin articles into a data set: copies as .txt, sources as JSONL, truth as JSON."""
    from unspin.ingest import read
    from unspin.synth import SpinConfig, make_dataset, write_dataset

    if out.exists() and not out.is_dir():
        raise OutputError("is a file, not a directory", input=str(out),
                          hint="pass a directory (new or existing) for --out")
    skipped = 0

    def on_record_error(err: InputError) -> None:
        nonlocal skipped
        skipped += 1
        typer.secho(f"unspin: warning: skipped {err}", err=True, fg=typer.colors.YELLOW)

    articles = []
    seen: set[str] = set()
    for item in inputs:
        for art in read(item, on_error=on_record_error):
            if art.id in seen or len(art.text.split()) < min_words:
                continue
            seen.add(art.id)
            articles.append(art)
            if limit and len(articles) >= limit:
                break
        if limit and len(articles) >= limit:
            break
    if not articles:
        raise InputError("no article long enough to spin", input=", ".join(inputs),
                         hint=f"articles need at least {min_words} words (--min-words)")
    if generator.value == "alt":
        from unspin import altspin

        alt = altspin.AltConfig(style=style.value, fact_edits=fact_edits, reorder=not no_structure,
                                clause_reorder=0 if no_structure else 1)
        summary = write_dataset(altspin.make_dataset(articles, rates=tuple(rate), seed=seed,
                                                     per_article=per_article, config=alt), articles, out)
        typer.echo(f"wrote {summary['copies']} copies of {summary['sources']} sources "
                   f"with {summary['edits']} edits to {out}")
        if skipped:
            raise ExitStatus(f"{skipped} record(s) skipped", 1)
        return
    config = SpinConfig(spinner=spinner.value, fact_edits=fact_edits, clutter=not no_clutter)
    if no_structure:
        config = SpinConfig(spinner=spinner.value, fact_edits=fact_edits, clutter=not no_clutter, reorder=False,
                            split_merge=False, drop=0, insert=0)
    copies = make_dataset(articles, rates=tuple(rate), seed=seed, per_article=per_article, stitch=stitch,
                          config=config)
    summary = write_dataset(copies, articles, out)
    typer.echo(f"wrote {summary['copies']} copies of {summary['sources']} sources "
               f"with {summary['edits']} edits to {out}")
    if skipped:
        raise ExitStatus(f"{skipped} record(s) skipped", 1)


def register(app: typer.Typer) -> None:
    app.command("synth")(synth_command)
