"""The optional C extension of the index build (``unspin._fastscan``, issue 16) against the
numpy reference in ``unspin.analyze``: the same tokens, ids, terms and stored bytes, and an
index with byte-identical contents."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import unspin.analyze as analyze_mod
from unspin.analyze import KEY_RE, analyze_many
from unspin.index import Index
from unspin.ingest import from_text
from unspin.text import split_sentences

fast = analyze_mod._fast
pytestmark = pytest.mark.skipif(fast is None, reason="unspin._fastscan is not built (no C compiler at install)")

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "articles.jsonl"
# letters, digits of other scripts, superscripts and fractions (\w but not \d), combining marks,
# joiners, separators, odd spaces, control characters, wide characters, case changes that
# change length when lower-cased (İ), an astral emoji
HOSTILE = ("aZé ßİΣς ١٢٣ ²½ⅻ \u0301\u0308 '’-‐ ,.:%% _ \u00a0\u2028\u3000\t\n \x00\x01\x02 "
           "中文 😀 𝟘 ǅ ﬁ 12 3.50 4,000 12:30 co-op don't")


def _texts(n: int = 300, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randint(0, 120)
        out.append("".join(rng.choice(HOSTILE) for _ in range(k)))
    out += ["", " ", "\x01", "5%", "a", "1.", ".1", "1.2.3", "9,9,9,", "x-", "-x", "a'", "'a",
            "About 4, 000 dead; 12 000 fled. In 2004, 100 people met Dr. Varn’s aides at 12:30.",
            "Don’t STOP the Co-Op’s 4,000 MEN — CAFÉ café ½ Ⅻ 3.50%", "’Tis O’Neill’s ’90s ’"]
    if SAMPLES.exists():
        out += [json.loads(x)["text"] for x in SAMPLES.read_text(encoding="utf-8").splitlines()]
    return out


def _without_c(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyze_mod, "_fast", None)


def test_character_classes_match_the_regex_engine() -> None:
    every = "".join(map(chr, range(0x110000)))
    want = np.full(len(every), analyze_mod._PUNCT, dtype=np.uint8)
    for cls, rx in reversed(analyze_mod._CLASS_RES):  # the first matching class wins
        want[[m.start() for m in rx.finditer(every)]] = cls
    got = np.frombuffer(fast.classes(every), dtype=np.uint8)
    bad = np.flatnonzero(got != want)
    assert not len(bad), [hex(int(c)) for c in bad[:10]]


def test_tokens_match_findall() -> None:
    for t in _texts():
        low = t.lower().replace("\x00", " ")  # as analyze_many reads it (hash_keys splits at NUL)
        hs, _, starts, ends = fast.scan(low, 2, analyze_mod._STOP_TABLE.keys, int(analyze_mod._STOP_TABLE.shift))
        s, e = np.frombuffer(starts, np.int64).tolist(), np.frombuffer(ends, np.int64).tolist()
        assert [low[a:b] for a, b in zip(s, e, strict=True)] == KEY_RE.findall(low), t
        keys = [low[a:b] for a, b in zip(s, e, strict=True)]
        if keys:
            assert np.frombuffer(hs, np.uint64).tolist() == analyze_mod.hash_keys(keys).tolist()


def test_case_folding_in_the_scan_only_where_lower_touches_ascii_alone() -> None:
    stop, shift = analyze_mod._STOP_TABLE.keys, int(analyze_mod._STOP_TABLE.shift)
    for c in range(128, 0x110000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        if fast.scan(chr(c), 2, stop, shift, True) is not None and c != 0x2019:
            assert chr(c).lower() == chr(c), hex(c)
    assert fast.scan("Straße", 2, stop, shift, True) is not None
    assert fast.scan("CAFÉ", 2, stop, shift, True) is None  # É lower-cases: Python does it


@pytest.mark.parametrize("mwl, strings", [(1, True), (2, True), (4, True), (2, False), (3, False)])
def test_batches_equal_the_numpy_reference(monkeypatch: pytest.MonkeyPatch, mwl: int, strings: bool) -> None:
    texts = _texts()
    # one text at a time too: a batch with one upper-case non-ASCII letter is folded by Python
    chunks = [list(range(len(texts)))] + [[i] for i in range(len(texts))]
    items = [(t, split_sentences(t) if t.strip() else [(0, len(t))]) for t in texts]
    if not strings:
        for idx in chunks:
            part = [items[i] for i in idx]
            got = analyze_many(part, mwl, words=True, strings=False)
            with monkeypatch.context() as m:
                _without_c(m)
                ref = analyze_many(part, mwl, words=True, strings=False)
            assert got.terms == [] == ref.terms
            for name in ("counts", "ids", "codes", "words"):
                assert np.array_equal(getattr(got, name), getattr(ref, name)), name
            gp, rp = got.pair_hashes(), ref.pair_hashes()
            for i in range(len(part)):
                assert sorted(gp[got.pair_off[i]:got.pair_off[i + 1]].tolist()) == \
                    sorted(rp[ref.pair_off[i]:ref.pair_off[i + 1]].tolist())
            assert got.packed_all() == ref.packed_all()
        return
    got = analyze_many(items, mwl, words=True)
    packed = got.packed_all()
    _without_c(monkeypatch)
    ref = analyze_many(items, mwl, words=True)
    for name in ("counts", "ids", "codes", "words", "sent_off", "tok_off"):
        assert np.array_equal(getattr(got, name), getattr(ref, name)), name
    assert packed == ref.packed_all() == [ref.packed(i) for i in range(len(items))]
    for i in range(len(items)):
        assert sorted(got.article_terms(i)) == sorted(ref.article_terms(i)), texts[i]
        assert len(set(got.article_terms(i))) == len(got.article_terms(i))


def test_a_lone_surrogate_fails_as_in_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [("bad \ud800 text", [(0, 10)])]
    with pytest.raises(UnicodeError):
        analyze_many(items)
    _without_c(monkeypatch)
    with pytest.raises(UnicodeError):
        analyze_many(items)


def _dump(db: Path) -> list[list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return [conn.execute(q).fetchall() for q in (
            "SELECT rowid, id, hash, url, site, title, published, input, text, sents, toks FROM articles ORDER BY rowid",
            "SELECT * FROM postings ORDER BY 1, 2",
            "SELECT key, value FROM meta WHERE key NOT IN ('unspin_version', 'created_by') ORDER BY key")]
    finally:
        conn.close()


def test_index_contents_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arts = [from_text(t, id=f"t{i}") for i, t in enumerate(_texts()) if t.strip() and "\x00" not in t]
    with Index.open(tmp_path / "c.unspin", create=True) as ix:
        ix.add(arts, batch_size=64)
    with Index.open(tmp_path / "c2.unspin", create=True) as ix:
        ix.add(arts, batch_size=64, jobs=2)
    _without_c(monkeypatch)
    with Index.open(tmp_path / "py.unspin", create=True) as ix:
        ix.add(arts, batch_size=64, jobs=2)  # the numpy code in threads
    assert _dump(tmp_path / "c.unspin") == _dump(tmp_path / "py.unspin") == _dump(tmp_path / "c2.unspin")


def test_bad_buffers_are_refused() -> None:
    with pytest.raises(ValueError):
        fast.scan("x", 2, b"\0" * 8, 0)
    with pytest.raises(ValueError):
        fast.dedupe(np.zeros(3, np.uint64), np.zeros(2, np.uint8), np.array([0, 3], np.int64))
    with pytest.raises(ValueError):
        fast.dedupe(np.zeros(3, np.uint64), np.zeros(3, np.uint8), np.array([0, 4], np.int64))
    with pytest.raises(ValueError):
        fast.pack(np.zeros(1, np.uint32), np.array([0, 2], np.int64), np.zeros(0, np.uint8),
                  np.zeros(0, np.uint32), np.array([0, 0], np.int64))
    assert re.fullmatch(r"\d+", str(fast.VERSION))


# -- index format 4: posting groups ---------------------------------------------------------

def _pairs(seed: int, terms: int = 400, articles: int = 300, base: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(term key, rowid) pairs as a batch lists them: article by article, rowids ascending,
    each article's distinct keys in no particular order; keys include both 47-bit extremes."""
    rng = np.random.default_rng(seed)
    vocab = np.concatenate(([0, (1 << 47) - 1], rng.integers(0, 1 << 47, terms))).astype(np.uint64)
    zipf = 1.0 / np.arange(1, len(vocab) + 1)
    keys, rows = [], []
    rowid = base
    for _ in range(articles):
        k = rng.choice(vocab, size=int(rng.integers(0, 40)), replace=False, p=zipf / zipf.sum())
        keys.append(k)
        rows.append(np.full(len(k), rowid, dtype=np.uint32))
        rowid += int(rng.choice([1, 1, 1, 7, 300, 70_000]))  # gaps of 1 to 3-byte varints
    return np.concatenate(keys), np.concatenate(rows)


def _both(monkeypatch: pytest.MonkeyPatch, fn: object, *args: object) -> tuple[object, object]:
    """``fn(*args)`` with the C extension, then with the numpy reference; each a result or
    the ValueError raised."""
    out = []
    for use_c in (True, False):
        with monkeypatch.context() as m:
            if not use_c:
                _without_c(m)
            try:
                out.append(fn(*args))  # type: ignore[operator]
            except ValueError as exc:
                out.append(exc)
    return out[0], out[1]


def _same(a: object, b: object) -> bool:
    if isinstance(a, ValueError) or isinstance(b, ValueError):
        return isinstance(a, ValueError) and isinstance(b, ValueError)
    if isinstance(a, tuple | list):
        return isinstance(b, tuple | list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return a == b


@pytest.mark.parametrize("bits", [1, 4, 12, 17, 32])
def test_posting_groups_equal_the_numpy_reference(monkeypatch: pytest.MonkeyPatch, bits: int) -> None:
    for seed, base in ((1, 1), (2, 5000), (3, 0)):
        keys, rows = _pairs(seed, base=max(base, 1))
        got, ref = _both(monkeypatch, analyze_mod.posting_groups, keys, rows.astype(np.int64), base, bits)
        assert _same(got, ref)
        grps, dirs, datas = got  # type: ignore[misc]
        assert grps == sorted(set(grps)) and len(grps) == len(dirs) == len(datas)
        # every row decodes (C and numpy alike) to its groups' pairs; together, the input
        back_k, back_r = [], []
        for g, d, b in zip(grps, dirs, datas, strict=True):
            dec, dref = _both(monkeypatch, analyze_mod.decode_group, d, b, base)
            assert _same(dec, dref)
            k, c, r = dec  # type: ignore[misc]
            assert (analyze_mod.group_ids(k, bits) == g).all()
            back_k.append(np.repeat(k, c))
            back_r.append(r)
        order = np.argsort(keys, kind="stable")
        assert np.array_equal(np.concatenate(back_k), keys[order])
        assert np.array_equal(np.concatenate(back_r), rows[order])


def test_posting_groups_refuse_what_they_cannot_store(monkeypatch: pytest.MonkeyPatch) -> None:
    k = np.array([5, 5], dtype=np.uint64)
    # not ascending; below base; out of uint32
    for rows, base in (([3, 3], 0), ([4, 3], 0), ([3, 4], 4), ([1, -1], 0), ([1, 1 << 32], 0)):
        got, ref = _both(monkeypatch, analyze_mod.posting_groups, k, np.array(rows, np.int64), base, 12)
        assert isinstance(got, ValueError) and isinstance(ref, ValueError)
    got, ref = _both(monkeypatch, analyze_mod.posting_groups, np.array([1 << 47], np.uint64),
                     np.array([1], np.int64), 0, 12)
    assert isinstance(got, ValueError) and isinstance(ref, ValueError)
    # a key of a wide hash: left out with its rowid 0, or shifted to 47 bits
    got, ref = _both(monkeypatch, analyze_mod.posting_groups, np.array([1 << 63, 1 << 63], np.uint64),
                     np.array([0, 9], np.int64), 0, 12, 17)
    assert _same(got, ref) and got[0] == [(1 << 12) | (1 << 11)]  # type: ignore[index]
    got, ref = _both(monkeypatch, analyze_mod.posting_groups, np.array([7], np.uint64),
                     np.array([0xFFFFFFFF], np.int64), 0, 12)  # the largest rowid: a 5-byte varint
    assert _same(got, ref) and got[2][0][-5:] == b"\xff\xff\xff\xff\x0f"  # type: ignore[index]


def test_damaged_posting_rows_fail_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    keys, rows = _pairs(7, terms=60, articles=80)
    grps, dirs, datas = analyze_mod.posting_groups(keys, rows.astype(np.int64), 1, 4)
    rng = random.Random(3)
    bad = 0
    for trial in range(600):
        q = rng.randrange(len(dirs))
        d, b = bytearray(dirs[q]), bytearray(datas[q])
        what = trial % 6
        if what == 0 and b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        elif what == 1:
            d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
        elif what == 2:
            b = b[:rng.randrange(len(b) + 1)]
        elif what == 3:
            d = d[:rng.randrange(len(d) + 1)]
        elif what == 4:
            b += bytes([rng.choice([0x80, 0xFF, 0x05])]) * rng.randint(1, 7)
        else:
            b = b"\xff" * 5 + b"\x7f" + b[6:]
        got, ref = _both(monkeypatch, analyze_mod.decode_group, bytes(d), bytes(b), 1)
        assert _same(got, ref), (trial, got, ref)
        bad += isinstance(got, ValueError)
    assert bad > 300  # most damage is caught (a flipped low bit of a gap stays a valid row)


def test_group_lookup_equals_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    k1, r1 = _pairs(11, base=1)
    k2, r2 = _pairs(12, base=int(r1.max()) + 1)
    rows = []
    for k, r, base in ((k1, r1, 0), (k2, r2, int(r1.max()) + 1)):  # a merged level, then a batch
        rows.append(analyze_mod.posting_groups(k, r.astype(np.int64), base, 6) + ([base],))
    dirs = rows[0][1] + rows[1][1]
    datas = rows[0][2] + rows[1][2]
    bases = [0] * len(rows[0][0]) + [rows[1][3][0]] * len(rows[1][0])
    # rows sorted by (group, chunk), as the index reads them
    grps = rows[0][0] + rows[1][0]
    order = sorted(range(len(grps)), key=lambda i: (grps[i], bases[i]))
    grps, dirs, datas, bases = ([x[i] for i in order] for x in (grps, dirs, datas, bases))
    want = np.concatenate((np.unique(np.concatenate((k1, k2)))[::7], [3, 1 << 46])).astype(np.uint64)
    gids = analyze_mod.group_ids(want, 6)[None, :]
    for data in (datas, None):
        got, ref = _both(monkeypatch, analyze_mod.group_lookup, want, gids, grps, dirs, data, bases)
        assert _same(got, ref)
    offs, ids = got  # type: ignore[misc]
    assert ids is None
    offs, ids = analyze_mod.group_lookup(want, gids, grps, dirs, datas, bases)
    allk, allr = np.concatenate((k1, k2)), np.concatenate((r1, r2))
    for i, key in enumerate(want.tolist()):
        assert ids[offs[i]:offs[i + 1]].tolist() == allr[allk == key].tolist()


# ---------------------------------------------------------------------------- the diff's tokens

def _units_reference(text: str) -> list[tuple[int, int, str, str, str]]:
    """``unspin.aligner.units``' Python loop (its branch for texts whose lower-casing keeps the length)."""
    from unspin.text import TOKEN_RE

    low = text.lower().replace("’", "'")
    out = []
    for m in TOKEN_RE.finditer(text):
        kind, t = m.lastgroup or "punct", m.group()
        key = low[m.start():m.end()] if kind == "word" else t.replace(",", "") if kind == "number" else t
        out.append((m.start(), m.end(), t, kind, key))
    return out


def test_diff_units_and_features_equal_the_python_code() -> None:
    from unspin.aligner import Unit, _features
    from unspin.text import STOPWORDS

    n = 0
    for t in _texts():
        low = t.lower()
        if len(low) != len(t) or "Σ" in t:
            continue  # aligner.units keys such texts word by word, in Python
        got = fast.units(t, low.replace("’", "'"), Unit)
        assert got == _units_reference(t), t
        assert all(type(u) is Unit for u in got)
        for a in range(0, len(got) + 1, 7):
            for b in (a, a + 3, a + 40, len(got) + 5):
                want = _features(got[a:b])
                have = fast.features(got, a, b, STOPWORDS)
                assert have == want and list(have[0]) == list(want[0]), (t, a, b)  # the same order too
        n += 1
    assert n > 100  # (most hostile texts hold a letter that lower-cases to two, or a capital sigma)
    with pytest.raises(ValueError, match="as long as"):
        fast.units("abc", "ab", Unit)
    with pytest.raises(TypeError):
        fast.units("abc", "abc", dict)
    with pytest.raises(TypeError):
        fast.features([(1, 2)], 0, 1, STOPWORDS)


def test_aligner_units_equal_the_reference() -> None:
    from unspin.aligner import units

    for t in _texts():
        if len(t.lower()) == len(t) and "Σ" not in t:
            assert units(t) == _units_reference(t), t


def test_word_counts_equal_findall() -> None:
    import re

    word = re.compile(r"\w+(?:['’\-]\w+)*")  # unspin.differ's summary counts these
    for t in [*_texts(), "a-b-c -a- a--b a'’b _x_ x_y 3-4 ’’", "don’t co-op’s -- 'x' é-", "a" * 5 + "-"]:
        assert fast.count_words(t) == len(word.findall(t)), t


def _sample_pairs() -> list[tuple[str, str]]:
    """Copy/source-like pairs from the samples and the hostile texts: a text against itself,
    against a shuffled and a truncated version of itself, and against its neighbour."""
    texts = [t for t in _texts() if t]
    rng = random.Random(9)
    out = []
    for k, t in enumerate(texts):
        words = t.split(" ")
        rng.shuffle(words)
        out += [(t, t), (" ".join(words), t), (t[: len(t) // 2], t), (t, texts[(k + 1) % len(texts)])]
    return out


def test_pair_scores_equal_the_python_code() -> None:
    """``aligner._pair_scores`` in C: the same tuples and floats as the Python reference (which
    itself equals its dict loop, see test_aligner), or None where Python takes another path."""
    from unspin.aligner import _CELLS_MAX, _DF_CAP, _doc, _pair_scores, _pair_scores_py

    n = 0
    for c, s in _sample_pairs():
        cd, sd = _doc(c), _doc(s)
        want = _pair_scores_py(cd, sd)
        have = fast.pair_scores([x.feats for x in cd.sentences], [x.feats for x in sd.sentences], _CELLS_MAX, _DF_CAP)
        assert have == want, (c[:80], s[:80])
        assert _pair_scores(cd, sd) == want
        n += len(want)
    assert n > 1000
    # a feature in more sentences than the cap, or more cells than the limit: the Python paths
    many = [{"w:stone": 1.0, "s:_ of _": 0.5}] * 300
    assert fast.pair_scores(many, many[:3], _CELLS_MAX, _DF_CAP) is None
    assert fast.pair_scores([{"w:a": 1.0}] * 3, [{"w:a": 1.0}] * 3, 8, _DF_CAP) is None
    assert fast.pair_scores([{"w:a": 1.0}] * 3, [{"w:a": 1.0}] * 3, 9, _DF_CAP) is not None
    assert fast.pair_scores([], [], _CELLS_MAX, _DF_CAP) == []
    with pytest.raises(TypeError):
        fast.pair_scores([{"w:a": "x"}], [{"w:a": 1.0}], _CELLS_MAX, _DF_CAP)
    with pytest.raises(TypeError):
        fast.pair_scores([{1: 1.0}], [{"w:a": 1.0}], _CELLS_MAX, _DF_CAP)
    with pytest.raises(TypeError):
        fast.pair_scores([("w:a", 1.0)], [], _CELLS_MAX, _DF_CAP)


def test_thesaurus_row_test_equals_the_python_code() -> None:
    """``differ._linked``'s row test in C (``rows_hit``) against the numpy rows it replaces,
    over real thesaurus rows and targets, and its refusals."""
    from unspin import lexicon

    th = lexicon.thesaurus()
    rng = random.Random(3)
    n_ids, n_rows = int(th._rev_ptr[-1]), len(th._rev_ptr) - 1

    def reference(rows: list[int], targets: frozenset[int]) -> bool:
        for i in rows:
            if not targets.isdisjoint(th._rev_heads[th._rev_ptr[i]:th._rev_ptr[i + 1]].tolist()):
                return True
            if i < len(th.indptr) - 1 and not targets.isdisjoint(th.ids[th.indptr[i]:th.indptr[i + 1]].tolist()):
                return True
        return False

    hits = 0
    for _ in range(3000):
        rows = [rng.randrange(n_rows) for _ in range(rng.randint(0, 3))]
        if rows and rng.random() < 0.5:  # a target taken from one of the rows: some hits
            i = rows[0]
            row = th.ids[th.indptr[i]:th.indptr[i + 1]].tolist() if i < len(th.indptr) - 1 else []
            targets = frozenset([rng.choice(row)] if row else [rng.randrange(n_ids)])
        else:
            targets = frozenset(rng.randrange(n_rows) for _ in range(rng.randint(0, 3)))
        want = reference(rows, targets)
        assert fast.rows_hit(th.ids, th.indptr, th._rev_heads, th._rev_ptr, rows, targets) is want
        hits += want
    assert 300 < hits < 2700
    with pytest.raises(IndexError):
        fast.rows_hit(th.ids, th.indptr, th._rev_heads, th._rev_ptr, [n_rows + 5], frozenset({1}))
    with pytest.raises(TypeError):
        fast.rows_hit(th.indptr, th.indptr, th._rev_heads, th._rev_ptr, [1], frozenset({1}))
    with pytest.raises(TypeError):
        fast.rows_hit(th.ids, th.indptr, th._rev_heads, th._rev_ptr, [1], frozenset({"x"}))
    with pytest.raises(TypeError):
        fast.rows_hit(th.ids, th.indptr, th._rev_heads, th._rev_ptr, [1], [1])


def test_records_equal_the_class_own() -> None:
    """``records`` (``differ._changes``' C path) makes Change records equal to ``Change(*row)``:
    same fields, equality, hash, repr, pickle and dict; it refuses what is not a slot of the
    class or a row of the wrong size."""
    import dataclasses
    import pickle

    from unspin._records import Change, Passage
    from unspin.differ import _CHANGE_SLOTS, _changes

    rows = [("fact", "number", 3, 9, "src", 4, 10, "4,000", "5,000", "number changed"),
            ("synonym", None, 0, 2, "", 0, 0, "ab", "", "x" * 50), ("clutter", None, 10, 20, "s", 0, 0, "t", "", "")]
    got = fast.records(Change, _CHANGE_SLOTS, rows)
    want = [Change(*r) for r in rows]
    assert got == want and _changes(list(rows)) == want and fast.records(Change, _CHANGE_SLOTS, []) == []
    for g, w in zip(got, want, strict=True):
        assert type(g) is Change and hash(g) == hash(w) and repr(g) == repr(w) and g.to_dict() == w.to_dict()
        assert pickle.loads(pickle.dumps(g)) == w and dataclasses.astuple(g) == dataclasses.astuple(w)
        with pytest.raises(dataclasses.FrozenInstanceError):
            g.kind = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        fast.records(Change, _CHANGE_SLOTS, [rows[0][:-1]])
    with pytest.raises(ValueError):
        fast.records(Change, _CHANGE_SLOTS, [list(rows[0])])
    with pytest.raises(TypeError):
        fast.records(Passage, _CHANGE_SLOTS, [rows[0]])  # not slots of Passage
    with pytest.raises(TypeError):
        fast.records(Change, (Change.__init__,), [("x",)])
