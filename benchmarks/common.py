"""Shared helpers for the evaluation and benchmark scripts in ``benchmarks/``.

- ``load_samples()``: the invented sample articles shipped in ``samples/articles.jsonl``;
- ``load_bbc(limit)``: the BBC development corpus at ``../shared/data/bbc-dev.jsonl.gz``
  (outside the repository; raises ``MissingData`` when absent, so callers can skip);
- ``load_synthetic_small()``: the shipped synthetic set ``benchmarks/data/synthetic-small``;
- ``build_synthetic_small(out)``: regenerate that set (byte-identical for unchanged code).

Articles are built directly from their records (``text`` as stored), not through
``ingest``, so that the evaluation data does not change when ingestion changes.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from unspin.models import Article, Span  # noqa: E402
from unspin.text import split_sentences  # noqa: E402


def best_cpu(fn: Callable[[], Any], repeat: int) -> float:
    """Smallest CPU time (``time.process_time``, seconds) of ``repeat`` calls of ``fn``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _find_shared() -> Path:
    """``../shared`` from the project root; from a git worktree nested one level deeper
    (``/work/wt/NAME``), the first ``shared`` found going up; ``UNSPIN_SHARED`` overrides."""
    env = os.environ.get("UNSPIN_SHARED")
    if env:
        return Path(env)
    for up in (ROOT.parent, ROOT.parent.parent):
        if (up / "shared").is_dir():
            return up / "shared"
    return ROOT.parent / "shared"


SHARED = _find_shared()
BBC = SHARED / "data" / "bbc-dev.jsonl.gz"
SEED_CASE = SHARED / "seed" / "000_30202366f37494a7.txt"
#: The seed's known edits, (as spun, as the original report had it): undone on the seed text at
#: run time to rebuild a source for it (the seed text itself is never stored here).
SEED_FIXES = [("Soviet military causes", "Russian armed forces"), ("facilitating serenity", "facilitating peace"),
              ("12 000 army", "12,000 troops"), ("4, 000", "4,000"), ("3, 000", "3,000"),
              ("conquer the Kursk", "liberate the Kursk"),
              ("US Presidents Zelenskyy", "Ukrainian President Zelenskyy"),
              ("North Korean intelligence previously", "South Korean intelligence previously")]


def seed_reconstruction(seed_text: str) -> str:
    """The seed's body (its "Trending" list cut off) with its known edits undone."""
    src = seed_text.split("\nTrending\n")[0] + "\n"
    for spun, orig in SEED_FIXES:
        src = src.replace(spun, orig)
    return src
SAMPLES = ROOT / "samples" / "articles.jsonl"
SYNTHETIC_SMALL = ROOT / "benchmarks" / "data" / "synthetic-small"
REALWORLD = SHARED / "data" / "realworld-dev"

#: How the shipped synthetic set is made (``build_synthetic_small``): swap rates, seed, and
#: the share of copies stitched from two sources.
SMALL_RATES = (0.2, 0.5)
SMALL_SEED = 3
SMALL_STITCH = 0.25


class MissingData(RuntimeError):
    """A data file outside the repository (``../shared``) is not there."""


def article(rec: dict[str, Any], input: str = "") -> Article:
    """An ``Article`` from a corpus record (``id``, ``text``, optional ``title``, ``url``, ...)."""
    text = rec["text"]
    return Article(id=str(rec["id"]), text=text, original=text, input=input, title=rec.get("title"),
                   url=rec.get("url"), site=rec.get("site"), published=rec.get("published"),
                   sentences=tuple(Span(s, e, text[s:e]) for s, e in split_sentences(text)))


def load_samples(path: Path = SAMPLES) -> list[Article]:
    """The invented sample articles shipped with the repository."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if line.strip():
                out.append(article(json.loads(line), input=f"{path.name}:{i}"))
    return out


def load_bbc(limit: int | None = None, min_words: int = 0) -> list[Article]:
    """The BBC development corpus (research use only; never copied into the repository).

    Raises:
        MissingData: when ``../shared/data/bbc-dev.jsonl.gz`` is not there.
    """
    if not BBC.exists():
        raise MissingData(f"{BBC} not found: the BBC development corpus lives in ../shared, outside the repository")
    out: list[Article] = []
    with gzip.open(BBC, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if len(rec["text"].split()) < min_words:
                continue
            out.append(article(rec, input=f"bbc-dev.jsonl.gz:{i}"))
            if limit is not None and len(out) >= limit:
                break
    return out


def build_synthetic_small(out: Path = SYNTHETIC_SMALL) -> dict[str, Any]:
    """(Re)write the shipped synthetic set from the sample articles."""
    from unspin.synth import make_dataset, write_dataset

    arts = load_samples()
    copies = make_dataset(arts, rates=SMALL_RATES, seed=SMALL_SEED, stitch=SMALL_STITCH)
    return write_dataset(copies, arts, out)


def load_synthetic_small(path: Path = SYNTHETIC_SMALL) -> tuple[list[Any], dict[str, Article]]:
    """The shipped synthetic set: (copies as ``SpunCopy``, sources by id)."""
    from unspin.synth import read_dataset

    return read_dataset(path)


#: The rewrite generators every quality figure is reported on, and the styles of each:
#: ``synth`` (unspin.synth: thesaurus and GloVe-neighbour spinners, the detectors' own
#: resources) and ``alt`` (unspin.altspin: paraphrase, machine-translation and AI-style
#: rewrites from word lists written for the project, none of the detectors' resources).
GENERATORS = ("synth", "alt")
GENERATOR_STYLES = {"synth": ("thesaurus", "embedding", "mixed"), "alt": ("paraphrase", "mt", "ai", "mixed")}


def rewrite(article: Article, generator: str = "synth", *, seed: int, rate: float, style: str = "mixed",
            fact_edits: int = 2, headlines: list[str] | None = None) -> Any:
    """A rewritten copy of ``article`` with its truth (``SpunCopy``; ``AltCopy`` for ``alt``).

    ``style`` is the synth spinner (thesaurus/embedding/mixed) or the alt style
    (paraphrase/mt/ai/mixed); synth's other settings are its defaults (number mangling,
    structure edits, clutter with ``headlines``), alt's are its own (no clutter, no dropped
    or inserted sentences).
    """
    if generator not in GENERATORS:
        raise ValueError(f"generator must be one of {', '.join(GENERATORS)}, got {generator!r}")
    if style not in GENERATOR_STYLES[generator]:
        raise ValueError(f"{generator} styles are {', '.join(GENERATOR_STYLES[generator])}, got {style!r}")
    if generator == "alt":
        from unspin.altspin import spin_alt

        return spin_alt(article, seed=seed, swap_rate=rate, style=style, fact_edits=fact_edits)
    from unspin.synth import spin

    return spin(article, seed=seed, swap_rate=rate, spinner=style, fact_edits=fact_edits, headlines=headlines)


def add_generator_options(ap: Any) -> None:
    """``--generator synth|alt`` and ``--style`` for an evaluation script's argparse parser."""
    ap.add_argument("--generator", choices=GENERATORS, default="synth",
                    help="which rewrite generator makes the copies (alt: unspin.altspin, independent)")
    ap.add_argument("--style", default=None,
                    help="synth: thesaurus|embedding|mixed; alt: paraphrase|mt|ai|mixed (default: all/mixed)")
