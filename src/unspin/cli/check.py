"""``unspin check``: does a page read like machine-spun text? Which phrases look spun?

``--json`` prints one JSON object per input article, one per line; otherwise a readable view
with the flagged phrases highlighted in context and the likely original wording beside them.

Exit status: 0 when every input was checked; 1 when some corpus records were skipped (each
reported on stderr as ``file:line: problem``); 2 when an input could not be read.
"""

from __future__ import annotations

import json
import sys

import typer

from unspin.cli._common import ExitStatus
from unspin.errors import UnspinError


def _render(result: object, original: str, console: object) -> None:
    from rich.console import Console
    from rich.text import Text

    from unspin.checker import CheckResult

    assert isinstance(console, Console) and isinstance(result, CheckResult)
    colour = {"spun": "bold red", "unsure": "bold yellow", "clean": "bold green"}[result.verdict]
    head = Text()
    head.append(result.input or result.id or "(input)", style="bold")
    head.append("  verdict: ")
    head.append(result.verdict, style=colour)
    head.append(f"  spin score {result.spin_score:.2f}  "
                f"({result.words_flagged} of {result.words_checked} words look swapped, "
                f"{len(result.flags)} flagged phrases)", style="dim")
    console.print(head)
    console.rule(style="dim")
    body = Text()
    pos = 0
    clutter = [(c.start, c.end) for c in result.clutter]
    end_body = min((s for s, _ in clutter), default=len(original))
    for f in result.flags:
        if f.start < pos or f.start >= end_body:
            continue
        body.append(original[pos:f.start])
        body.append(original[f.start:f.end], style="bold red underline")
        if f.suggestion:
            body.append(f" [{f.suggestion}]", style="green")
        pos = f.end
    body.append(original[pos:end_body])
    console.print(body)
    if clutter:
        console.print(Text(f"({len(clutter)} block(s) of page clutter not checked)", style="dim"))
    if result.flags:
        console.rule("flags", style="dim")
        for n, f in enumerate(result.flags, 1):
            line = Text(f"{n:>3}. ")
            line.append(f.text, style="bold red")
            if f.suggestion:
                line.append(" -> ")
                line.append(f.suggestion, style="green")
            line.append(f"  {f.reason}", style="dim")
            console.print(line)
    console.print()


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_cmd(
        inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                           help="Files, URLs, corpora, or '-' for standard input."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per article, one per line."),
        threshold: float = typer.Option(None, "--threshold", min=0.0, max=1.0,
                                        help="Word probability at which a word is flagged."),
    ) -> None:
        """Does a page read like machine-spun text? Flags the phrases that look swapped."""
        from rich.console import Console

        from unspin.checker import SHORT_TEXT_WORDS, check, to_json_dict
        from unspin.errors import InputError
        from unspin.ingest import read

        console = Console(highlight=False)
        failed = skipped = 0

        def on_record_error(err: InputError) -> None:
            nonlocal skipped
            skipped += 1
            typer.secho(f"unspin: warning: skipped {err}", err=True, fg=typer.colors.YELLOW)
        for source in inputs:
            try:
                for article in read(source, on_error=on_record_error):
                    result = check(article, threshold=threshold)
                    if result.words_checked < SHORT_TEXT_WORDS:
                        typer.secho(f"unspin: warning: {article.input or article.id}: only "
                                    f"{result.words_checked} word(s) to check: too short for a "
                                    "reliable verdict", err=True, fg=typer.colors.YELLOW)
                    if as_json:
                        sys.stdout.write(json.dumps(to_json_dict(result), ensure_ascii=False) + "\n")
                        sys.stdout.flush()
                    else:
                        _render(result, article.original or article.text, console)
            except UnspinError as err:
                if len(inputs) == 1:
                    raise  # one input: its own one-line error is the whole story
                from unspin.cli import fail

                fail(err)
                failed += 1
        if failed:
            raise ExitStatus(f"{failed} of {len(inputs)} inputs could not be checked", 2, as_error=True)
        if skipped:
            raise ExitStatus(f"{skipped} record(s) skipped", 1)
