"""What every command that reads inputs shares: options, reading, exit status, output files.

Shared options (the same names, meanings and defaults on ``extract``, ``check``, ``trace``
and ``index add``): ``-i/--input-file`` (one path or URL a line), ``--kind``,
``--encoding``, ``--on-error skip|stop``, ``--timeout``, ``--jobs N``, ``-o/--out DIR``,
``--config FILE`` (an options TOML file, see ``unspin.Options``). Where a command has
``--limit N`` it means "use only the first N inputs or articles" (``synth``); how much a
view shows is a ``--max-...`` option (``diff --max-facts``).

Exit status, for every command (documented in ``unspin --help``):

- 0: every input was processed;
- 1: some inputs or corpus records were skipped (each reported on stderr, one line naming
  ``file:line``); the others were processed;
- 2: failure: no input could be read, a bad input with ``--on-error stop``, a usage
  error, or the index could not be opened;
- 3: ``trace --fail-if-none`` only: some input had no source in the index (like ``grep``,
  which exits 1 when nothing matched; 1 is taken by "skipped").
"""

from __future__ import annotations

import collections
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer

from unspin.cli._common import ExitStatus, error, warn
from unspin.errors import InputError, OutputError, UnspinError
from unspin.models import Article

EXIT_OK, EXIT_SKIPPED, EXIT_FAILED, EXIT_NO_SOURCE = 0, 1, 2, 3
PROGRESS_MIN_INPUTS = 5  # show progress (on a terminal) from this many inputs


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


class FormatChoice(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


# Shared typer options: the same objects in every command's signature.
INPUTS = typer.Argument(None, metavar="INPUT...", show_default=False,
                        help="Paths, http(s) URLs, or - for stdin: text, HTML, JSONL, CSV, RSS/Atom, "
                             "WARC; .gz too.")
INPUT_FILE = typer.Option(None, "--input-file", "-i", metavar="FILE",
                          help="Read the inputs from FILE: one path or URL a line (blank lines "
                               "and # comments ignored; - for stdin).")
KIND = typer.Option(None, "--kind", help="Read every input as this kind instead of guessing.")
ENCODING = typer.Option(None, "--encoding", help="Force the encoding of plain-text input.")
ON_ERROR = typer.Option(OnErrorChoice.skip, "--on-error",
                        help="A bad input or corpus record: skip it (reported; exit 1 at the end) "
                             "or stop at the first (exit 2).")
TIMEOUT = typer.Option(20.0, "--timeout", min=0.0, help="Seconds to wait for a URL.")
JOBS = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes (results keep input order).")
OUT = typer.Option(None, "--out", "-o", metavar="DIR",
                   help="Write one result file per input article into DIR, named after the input.")
CONFIG = typer.Option(None, "--config", metavar="FILE", help="Options file (TOML; see unspin.Options).")


@dataclass
class Run:
    """Counts of one command run and the exit status they give (see module docstring)."""

    on_error: str = "skip"
    done: int = 0
    skipped_inputs: int = 0
    skipped_records: int = 0
    no_source: int = 0
    inputs: int = 0

    def record_error(self, err: InputError) -> None:
        """A bad corpus record: reported, then skipped or raised (``--on-error stop``)."""
        if self.on_error == "stop":
            raise err
        self.skipped_records += 1
        warn(f"skipped {err}")

    def input_error(self, err: UnspinError) -> None:
        """A whole input could not be read: reported, then skipped or raised."""
        if self.on_error == "stop":
            raise err
        self.skipped_inputs += 1
        error(str(err))

    def item_error(self, res: Any) -> None:
        """An input that failed in processing (an ``ErrorResult``): reported, then skipped
        or the run stops (``--on-error stop``)."""
        line = f"{res.input}: [{res.code}] {res.message}" + (f" ({res.hint})" if res.hint else "")
        if self.on_error == "stop":
            raise ExitStatus(line, EXIT_FAILED, as_error=True)
        self.skipped_records += 1
        error(line)

    def finish(self, *, fail_if_none: bool = False) -> None:
        """Exit with the documented status (nothing to do when all went well)."""
        skipped = self.skipped_inputs + self.skipped_records
        parts = []
        if self.skipped_inputs:
            of = f" of {self.inputs}" if self.inputs else ""
            parts.append(f"{self.skipped_inputs}{of} inputs could not be read")
        if self.skipped_records:
            parts.append(f"{self.skipped_records} record(s) skipped")
        if self.skipped_inputs and not self.done:
            raise ExitStatus("; ".join(parts) + "; nothing was processed", EXIT_FAILED, as_error=True)
        if skipped:
            raise ExitStatus("; ".join(parts), EXIT_SKIPPED)
        if fail_if_none and self.no_source:
            raise ExitStatus(f"{self.no_source} input(s) without a source in the index", EXIT_NO_SOURCE)


def sources_of(inputs: list[str] | None, input_file: Path | None) -> list[str]:
    """The inputs given as arguments, then those listed in ``--input-file``."""
    out = list(inputs or [])
    if input_file is not None:
        name = str(input_file)
        try:
            text = sys.stdin.read() if name == "-" else Path(input_file).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("no such input list", input=name) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the input list ({exc})", input=name) from None
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
    if not out:
        raise InputError("no input given", hint="pass INPUT... or -i FILE with one path or URL a line")
    return out


def pipeline(config: Path | None, *, kind: KindChoice | None = None, encoding: str | None = None,
             on_error: OnErrorChoice = OnErrorChoice.skip, timeout: float = 20.0,
             index: Any = None, **sections: dict[str, Any]) -> Any:
    """The ``Pipeline`` of a command: the options file, then the command-line options."""
    from unspin.options import Options
    from unspin.pipeline import Pipeline

    opts = Options.from_toml(config) if config is not None else Options()
    ingest: dict[str, Any] = {**sections.pop("ingest", {}), "on_error": on_error.value,
                              "timeout": float(timeout)}
    if kind is not None:
        ingest["kind"] = kind.value
    if encoding:
        ingest["encoding"] = encoding
    opts = opts.replace(ingest=ingest, **sections)
    return Pipeline(opts, index=index)


def read_all(nlp: Any, sources: Iterable[str], run: Run, *, progress: Any = None,
             jobs: int = 1) -> Iterator[Article]:
    """Every article of every source, in input order, with bad inputs and records handled
    per ``run``.

    With ``jobs > 1`` the sources that hold one article (a URL, or a file no larger than
    ``ingest.max_bytes`` without a corpus extension) are read ahead in ``jobs`` worker
    processes (HTML extraction is the costly part of reading); corpora (JSONL, CSV, WARC,
    feeds, stdin) stream in this process, so memory stays bounded.
    """
    sources = list(sources)
    single = len(sources) == 1
    run.inputs = len(sources)
    o = nlp.options.ingest
    if jobs <= 1 or single:
        for source in sources:
            yield from _read_here(o, source, run, single)
            if progress is not None:
                progress()
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    ahead = [_one_article(src, o.max_bytes) for src in sources]
    window = 4 * jobs
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures: dict[int, Future[tuple[list[Article], list[InputError], UnspinError | None]]] = {}
        nxt = 0
        for k, source in enumerate(sources):
            while nxt < len(sources) and nxt < k + window:
                if ahead[nxt]:
                    futures[nxt] = pool.submit(_read_there, o, sources[nxt])
                nxt += 1
            fut = futures.pop(k, None)
            if fut is None:
                yield from _read_here(o, source, run, single)
            else:
                articles, bad, err = fut.result()
                for e in bad:
                    run.record_error(e)
                if err is not None:
                    run.input_error(err)
                yield from articles
            if progress is not None:
                progress()


_CORPUS_EXT = re.compile(r"\.(?:jsonl|ndjson|json|csv|tsv|warc|arc|xml|rss|atom)(?:\.gz)?$", re.IGNORECASE)


def _one_article(source: str, max_bytes: int) -> bool:
    """Is ``source`` worth reading in a worker: most likely one article, of bounded size?"""
    from unspin.ingest import is_url

    if source == "-":
        return False
    if is_url(source):
        return True
    if _CORPUS_EXT.search(source):
        return False
    try:
        st = os.stat(source)
    except OSError:
        return True  # the worker reports the problem
    import stat

    return stat.S_ISREG(st.st_mode) and st.st_size <= max_bytes


def _read_here(o: Any, source: str, run: Run, single: bool) -> Iterator[Article]:
    from unspin.ingest import read

    try:
        yield from read(source, kind=o.kind or None, on_error=run.record_error,
                        encoding=o.encoding or None, timeout=o.timeout, max_bytes=o.max_bytes,
                        strip_clutter=o.strip_clutter, quantities=o.quantities)
    except UnspinError as err:
        if single:
            raise  # one input: its own one-line error is the whole story (exit 2)
        run.input_error(err)


def _read_there(o: Any, source: str) -> tuple[list[Article], list[InputError], UnspinError | None]:
    """A worker's read of one source: its articles, its bad records, or the error that made
    the whole input unreadable (reported by the main process, which applies ``--on-error``)."""
    from unspin.ingest import read

    bad: list[InputError] = []

    def note(err: InputError) -> None:
        bad.append(err)
        if o.on_error == "stop":
            raise err

    articles: list[Article] = []
    try:
        articles.extend(read(source, kind=o.kind or None, on_error=note, encoding=o.encoding or None,
                             timeout=o.timeout, max_bytes=o.max_bytes, strip_clutter=o.strip_clutter,
                             quantities=o.quantities))
    except UnspinError as err:
        if bad and err is bad[-1]:
            return articles, bad, None
        return articles, bad, err
    return articles, bad, None


def paired(nlp: Any, articles: Iterable[Article], task: str, jobs: int) -> Iterator[tuple[Article, Any]]:
    """``(article, result)`` for every article, in order, through ``Pipeline.pipe``."""
    held: collections.deque[Article] = collections.deque()

    def feed() -> Iterator[Article]:
        for a in articles:
            held.append(a)
            yield a

    for result in nlp.pipe(feed(), task=task, jobs=jobs):
        yield held.popleft(), result


def drive(nlp: Any, sources: list[str], run: Run, task: str, jobs: int, label: str
          ) -> Iterator[tuple[Article, Any]]:
    """Read every source and run ``task`` on each article: ``(article, result)`` in input
    order; failed inputs and records are reported and counted in ``run``."""
    from unspin.pipeline import ErrorResult

    with Progress(len(sources), label) as prog:
        for art, res in paired(nlp, read_all(nlp, sources, run, progress=prog, jobs=jobs), task, jobs):
            if isinstance(res, ErrorResult):
                run.item_error(res)
                continue
            run.done += 1
            yield art, res


def csv_writer(columns: list[str]) -> Any:
    """A CSV writer on stdout that has written the header row."""
    import csv

    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(columns)
    return w


# ----------------------------------------------------------------------------- outputs

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSIONS = re.compile(r"(?:\.(?:html?|php|aspx?|txt|jsonl|json|csv|xml|warc|rss|atom))?(?:\.gz)?$",
                         re.IGNORECASE)


def out_name(article: Article) -> str:
    """A file name (no extension) for ``article``, from its input: the file's stem, the
    URL's host and path, plus the record (``corpus.jsonl:12`` -> ``corpus-12``)."""
    inp = article.input or article.id
    record = ""
    is_url = inp.startswith(("http://", "https://"))
    m = None if is_url else re.match(r"^(.*):(\d+)$", inp)
    if m:
        inp, record = m.group(1), m.group(2)
    if inp.startswith(("http://", "https://")):
        u = urlsplit(inp)
        base = (u.netloc + u.path).rstrip("/")
    elif inp in ("-", "<stdin>"):
        base = "stdin"
    else:
        base = Path(inp).name
    base = _EXTENSIONS.sub("", base)
    name = _UNSAFE.sub("-", base).strip("-.") or article.id
    if record:
        name += f"-{record}"
    return name[:120]


class OutDir:
    """One result file per input article in a directory, named after the input (unique)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output directory ({exc.strerror})",
                              input=str(path)) from None
        self.used: set[str] = set()

    def name(self, article: Article) -> str:
        base = out_name(article)
        name, k = base, 2
        while name in self.used:
            name, k = f"{base}-{k}", k + 1
        self.used.add(name)
        return name

    def write(self, name: str, suffix: str, text: str) -> Path:
        from unspin.report import write_text_file

        p = self.path / f"{name}{suffix}"
        write_text_file(p, text)
        return p


# ----------------------------------------------------------------------------- terminal

def color_enabled(stream: Any = None) -> bool:
    """Colour only on a terminal and when ``NO_COLOR`` is not set (https://no-color.org)."""
    s = stream or sys.stdout
    return bool(getattr(s, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def console(stderr: bool = False) -> Any:
    """A rich console that never hard-wraps (soft wrap) and honours NO_COLOR."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, stderr=stderr,
                   no_color=bool(os.environ.get("NO_COLOR")))


class Progress:
    """A progress line on stderr, only on a terminal, not with ``-q``, and only for more than
    a handful of inputs."""

    def __init__(self, total: int, label: str):
        from unspin.cli import quiet

        self.bar: Any = None
        if total >= PROGRESS_MIN_INPUTS and sys.stderr.isatty() and not quiet():
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                                    TimeElapsedColumn(), console=console(stderr=True), transient=True)
            self.task = self.bar.add_task(label, total=total)

    def __enter__(self) -> Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)


__all__ = ["CONFIG", "ENCODING", "EXIT_FAILED", "EXIT_NO_SOURCE", "EXIT_OK", "EXIT_SKIPPED",
           "INPUTS", "INPUT_FILE", "csv_writer", "drive", "JOBS", "KIND", "ON_ERROR", "OUT", "TIMEOUT", "FormatChoice",
           "KindChoice", "OnErrorChoice", "OutDir", "Progress", "Run", "color_enabled", "console",
           "out_name", "paired", "pipeline", "read_all", "sources_of"]
