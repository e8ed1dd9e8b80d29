"""``unspin check``: does a page read like machine-spun text? Which phrases look spun?

A thin adapter over ``Pipeline.check``. ``--json`` (or ``--format json``) prints one JSON
object per input article, one per line; ``--format csv`` one summary row per article;
otherwise a readable view with the flagged phrases highlighted in context and the likely
original wording beside them. ``-o DIR`` writes one JSON result per article into DIR, named
after the input.
Flagged phrases are marked and numbered in the text (in red only when the verdict is not
"clean"), then listed one per line with their probability and, as a possibility, the wording
they may have replaced ("may have been: peace"); the text itself is never rewritten.

Exit status: see ``unspin --help`` (0 all checked, 1 some inputs or records skipped,
2 failure).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from unspin.cli._common import warn
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
    console,
    csv_writer,
    drive,
    pipeline,
    sources_of,
)

CSV_COLUMNS = ["input", "id", "verdict", "spin_score", "word_score", "words_checked",
               "words_flagged", "flags"]

# How flagged phrases are marked in the text, by verdict: a "clean" verdict does not mark its
# few flags in red (they are the ordinary rate of odd words in clean news).
_MARK = {"spun": "bold red underline", "unsure": "yellow underline", "clean": "yellow"}


def _probability(f: object) -> str:
    from unspin.checker import Flag

    assert isinstance(f, Flag)
    if f.kind in ("number", "agreement"):
        return "artefact"
    return f"p={f.score:.2f}"


def _render(result: object, original: str, con: object) -> None:
    from rich.console import Console
    from rich.text import Text

    from unspin.checker import CheckResult

    assert isinstance(con, Console) and isinstance(result, CheckResult)
    colour = {"spun": "bold red", "unsure": "bold yellow", "clean": "bold green"}[result.verdict]
    head = Text()
    head.append(result.input or result.id or "(input)", style="bold")
    head.append("  verdict: ")
    head.append(result.verdict, style=colour)
    head.append(f"  spin score {result.spin_score:.2f}  "
                f"({result.words_flagged} of {result.words_checked} words look swapped, "
                f"{len(result.flags)} flagged phrases)", style="dim")
    con.print(head)
    con.rule(style="dim")
    body = Text()
    pos = 0
    clutter = [(c.start, c.end) for c in result.clutter]
    end_body = min((s for s, _ in clutter), default=len(original))
    mark = _MARK[result.verdict]
    numbered = {id(f): n for n, f in enumerate(result.flags, 1)}
    for f in result.flags:
        if f.start < pos or f.start >= end_body:
            continue
        body.append(original[pos:f.start])
        body.append(original[f.start:f.end], style=mark)
        body.append(f"[{numbered[id(f)]}]", style="dim")
        pos = f.end
    body.append(original[pos:end_body])
    con.print(body)
    if clutter:
        con.print(Text(f"({len(clutter)} block(s) of page clutter not checked)", style="dim"))
    if result.flags:
        title = "flags" if result.verdict != "clean" else "odd words (the text as a whole reads clean)"
        con.rule(title, style="dim")
        for n, f in enumerate(result.flags, 1):
            line = Text(f"{n:>3}. ")
            line.append(f.text, style="bold red" if result.verdict == "spun" else "yellow")
            line.append(f"  {_probability(f)}", style="bold")
            if f.suggestion:
                line.append("  may have been: " if f.kind not in ("number", "agreement") else "  probably: ")
                line.append(f.suggestion, style="green")
            line.append(f"  ({f.reason})", style="dim")
            con.print(line)
    con.print()


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_cmd(
        inputs: list[str] | None = INPUTS,
        input_file: Path | None = INPUT_FILE,
        as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
        fmt: FormatChoice = typer.Option(FormatChoice.text, "--format",
                                         help="text (readable view), json (one object per article "
                                              "per line) or csv (one summary row per article)."),
        threshold: float = typer.Option(None, "--threshold", min=0.0, max=1.0,
                                        help="Word probability at which a word is flagged."),
        kind: KindChoice | None = KIND,
        encoding: str | None = ENCODING,
        on_error: OnErrorChoice = ON_ERROR,
        timeout: float = TIMEOUT,
        jobs: int = JOBS,
        out: Path | None = OUT,
        config: Path | None = CONFIG,
    ) -> None:
        """Does a page read like machine-spun text? Flags the phrases that look swapped.

        Example: unspin check page.html --json
        """
        from unspin.checker import SHORT_TEXT_WORDS, to_json_dict

        fmt = FormatChoice.json if as_json else fmt
        sources = sources_of(inputs, input_file)
        check_opts = {"threshold": threshold} if threshold is not None else {}
        nlp = pipeline(config, kind=kind, encoding=encoding, on_error=on_error, timeout=timeout,
                       check=check_opts)
        outdir = OutDir(out) if out is not None else None
        run = Run(on_error=on_error.value)
        con = console()
        writer = csv_writer(CSV_COLUMNS) if fmt is FormatChoice.csv else None
        import json

        for article, result in drive(nlp, sources, run, "check", jobs, "checking"):
            if result.words_checked < SHORT_TEXT_WORDS:
                warn(f"{article.input or article.id}: only {result.words_checked} word(s) to check: "
                     "too short for a reliable verdict")
            doc = json.dumps(to_json_dict(result), ensure_ascii=False)
            if outdir is not None:
                outdir.write(outdir.name(article), ".json", doc + "\n")
            if writer is not None:
                writer.writerow([result.input, result.id, result.verdict, result.spin_score,
                                 result.word_score, result.words_checked, result.words_flagged,
                                 len(result.flags)])
            elif fmt is FormatChoice.json:
                sys.stdout.write(doc + "\n")
                sys.stdout.flush()
            elif outdir is None:
                _render(result, article.original or article.text, con)
        if outdir is not None and fmt is FormatChoice.text:
            typer.echo(f"{run.done} result(s) written to {outdir.path}")
        run.finish()
