"""Resource caches: keyed by version, under one directory, pruned, announced (issue 11)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from unspin import __version__, lexicon


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("UNSPIN_CACHE", str(tmp_path / "cache"))
    lexicon.cache_dir.cache_clear()
    yield tmp_path / "cache"
    lexicon.cache_dir.cache_clear()


def test_cache_is_versioned_pruned_and_announced(cache_root: Path, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    old = cache_root / "v0.0.1"
    old.mkdir(parents=True)
    (old / "moby-0123456789ab.pkl").write_bytes(b"x" * 100)
    (cache_root / "moby-aaaaaaaaaaaa.pkl").write_bytes(b"old unversioned cache")
    (cache_root / "notes.txt").write_text("not ours to delete")
    source = tmp_path / "words.txt"
    source.write_text("alpha beta\n")
    builds: list[Path] = []

    def build(p: Path) -> list[str]:
        builds.append(p)
        return p.read_text().split()

    with caplog.at_level(logging.WARNING, logger="unspin.lexicon"):
        assert lexicon._cached("words", source, build) == ["alpha", "beta"]
    assert len(builds) == 1 and any("building the words cache" in r.message for r in caplog.records)
    d = lexicon.cache_dir()
    assert d == cache_root / f"v{__version__}" and len(list(d.glob("words-*.pkl"))) == 1
    assert not old.exists() and not (cache_root / "moby-aaaaaaaaaaaa.pkl").exists()
    assert (cache_root / "notes.txt").exists()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="unspin.lexicon"):
        assert lexicon._cached("words", source, build) == ["alpha", "beta"]
    assert len(builds) == 1 and not caplog.records  # loaded, silently
    # a changed source rebuilds and replaces the older file of the same name
    source.write_text("alpha beta gamma\n")
    assert lexicon._cached("words", source, build) == ["alpha", "beta", "gamma"]
    assert len(builds) == 2 and len(list(d.glob("words-*.pkl"))) == 1
