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


def test_cached_arrays_are_memory_mapped_rebuilt_and_pruned(cache_root: Path, tmp_path: Path) -> None:
    import numpy as np

    source = tmp_path / "nums.txt"
    source.write_text("1 2 3\n")
    builds: list[int] = []

    def build(p: Path) -> dict[str, np.ndarray]:
        builds.append(1)
        v = np.array([int(x) for x in p.read_text().split()], dtype=np.int64)
        return {"values": v, "squares": v * v}

    first = lexicon._cached_arrays("nums", source, build)
    again = lexicon._cached_arrays("nums", source, build)
    assert len(builds) == 1 and isinstance(again["values"], np.memmap)
    assert again["squares"].tolist() == first["squares"].tolist() == [1, 4, 9]
    source.write_text("1 2 3 4\n")
    assert lexicon._cached_arrays("nums", source, build)["squares"].tolist() == [1, 4, 9, 16]
    d = lexicon.cache_dir()
    assert len(builds) == 2 and len(list(d.glob("nums-*.parts"))) == 1
    assert len(list(d.glob("nums-*.npy"))) == 2  # the older key's files are gone
    one = lexicon._cached_array("single", source, lambda p: np.arange(3))
    assert lexicon._cached_array("single", source, lambda p: np.arange(5)).tolist() == one.tolist() == [0, 1, 2]


def test_count_tables_agree_with_the_count_dicts() -> None:
    """check's hash tables give every sampled unigram and bigram its count (and math.log of
    it), and find nothing for strings that are not in the lists."""
    import math
    import random

    import numpy as np

    from unspin.analyze import hash_keys

    ng = lexicon.ngrams()
    uni, bi = lexicon.count_tables()
    rnd = random.Random(5)
    words = rnd.sample(sorted(ng.unigrams), 3000) + ["qqzxv", "unspinnable-word", "é"]
    found, pos = uni.find(hash_keys(words))
    assert uni.counts is not None
    for w, f, p in zip(words, found.tolist(), pos.tolist(), strict=True):
        c = ng.unigrams.get(w)
        assert f == (c is not None)
        if c is not None:
            assert int(uni.counts[p]) == c and float(uni.logs[p]) == math.log(c)
    pairs = [k.split(" ", 1) for k in rnd.sample(sorted(ng.bigrams), 3000)]
    pairs += [["of", "qqzxv"], ["qqzxv", "the"], ["the", "of"]]
    a = hash_keys([x for x, _ in pairs])
    b = hash_keys([y for _, y in pairs])
    found, pos = bi.find(lexicon.pair_hash(a, b))
    for (x, y), f, p in zip(pairs, found.tolist(), pos.tolist(), strict=True):
        c = ng.bigrams.get(f"{x} {y}")
        assert f == (c is not None)
        if c is not None:
            assert float(bi.logs[p]) == math.log(c)
    # the order of a pair matters
    ab, ba = bi.find(lexicon.pair_hash(hash_keys(["of", "the"]), hash_keys(["the", "of"])))[0].tolist()
    assert (ab, ba) == ("of the" in ng.bigrams, "the of" in ng.bigrams) and ab
    assert np.asarray(uni.keys).dtype == np.uint64


def test_word_lists_answer_like_their_dicts() -> None:
    """``rows``/``word`` (memory-mapped hash table) agree with ``index``/``vocab`` (the dict
    and list built on demand) for the thesaurus and the vectors."""
    import random

    for wl in (lexicon.thesaurus(), lexicon.vectors()):
        rnd = random.Random(11)
        rows = rnd.sample(range(len(wl.vocab)), 2000) + [0, len(wl.vocab) - 1]
        words = [wl.vocab[i] for i in rows] + ["qqzxv-not-a-word", "", "the\x00of", "caf\udce9"]
        assert wl.rows(words).tolist() == [wl.index.get(w, -1) for w in words]
        assert [wl.word(i) for i in rows] == [wl.vocab[i] for i in rows]
        assert wl.hashes.shape == (len(wl.vocab),)


def test_zipf_fast_path_matches_wordfreq() -> None:
    """``lexicon.zipf`` reads plain lower-case words straight from wordfreq's table: the same
    figure as ``wordfreq.zipf_frequency`` (all 289,023 such words agreed when it was written;
    a fixed sample here, common, rare and unseen words included)."""
    import random

    from wordfreq import get_frequency_dict, zipf_frequency

    words = sorted(w for w in get_frequency_dict("en", "best") if lexicon._PLAIN_WORD.fullmatch(w))
    sample = random.Random(5).sample(words, 3000) + ["the", "a", "troops", "xqzzyvw", "zzzzzzzzqk"]
    for w in sample:
        assert lexicon._plain_zipf(w) == float(zipf_frequency(w, "en")), w
    assert lexicon.zipf("Troops") == float(zipf_frequency("Troops", "en"))  # not plain: wordfreq itself
    assert lexicon.zipf("xqzzyvw") == 0.0


def test_thesaurus_membership_is_a_non_empty_entry() -> None:
    """``word in thesaurus`` (one set lookup, ``Thesaurus.heads``) says what the rows say: the
    word has a row and the row lists something; for every word of the index and some that are not."""
    th = lexicon.thesaurus()
    n = len(th.indptr) - 1
    words = list(th.index) + ["", "zzqx", "The", "house\n", "house's"]
    got = [w in th for w in words]
    want = [(i := th.index.get(w)) is not None and i < n and int(th.indptr[i + 1]) > int(th.indptr[i]) for w in words]
    assert got == want and 1000 < sum(got) < len(words)
    assert "house" in th and "zzqx" not in th and None not in th  # type: ignore[operator]
