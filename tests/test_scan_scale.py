"""Scan at scale: the numpy anchor join, repeated text pairs verified once, the judge's
insertion shortcut, the invented-story generator and the streamed crawl writer."""

from __future__ import annotations

import filecmp
import gzip
import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

from unspin.crawlsynth import read_articles, score_scan
from unspin.scan import engine, scan
from unspin.scan.candidates import CandidateOptions, anchor_join, candidate_pairs, pair_keys
from unspin.scan.judge import _contained, judge_pair
from unspin.sourcegen import fit

ROOT = Path(__file__).resolve().parent.parent
CRAWL = ROOT / "samples" / "crawl"
OUTPUTS = ("articles.jsonl", "clusters.jsonl", "sites.csv", "site_sources.csv")


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_vectorised_anchor_join_equals_the_reference() -> None:
    rng = random.Random(3)
    opts = CandidateOptions(max_bucket=5, min_shared=2, min_containment=0.1)
    pages = [(p, sorted({rng.randrange(40) for _ in range(rng.randint(0, 12))})) for p in range(1, 30)]
    want = candidate_pairs(opts, pages)
    hs = np.asarray([h for _, x in pages for h in x], dtype=np.int64)
    ps = np.asarray([p for p, x in pages for _ in x], dtype=np.int64)
    keys, dropped = pair_keys(hs, ps, opts)
    uk, counts = np.unique(keys, return_counts=True)
    sizes = dict(pages)
    got = sorted((int(k >> 32), int(k & 0xFFFFFFFF), int(c)) for k, c in zip(uk, counts, strict=True)
                 if c >= opts.min_shared
                 and c >= opts.min_containment * min(len(sizes[int(k >> 32)]), len(sizes[int(k & 0xFFFFFFFF)])))
    assert got == want and want
    big = sum(1 for h in set(hs.tolist()) if (hs == h).sum() > opts.max_bucket)
    assert dropped == big > 0


@pytest.mark.parametrize("per_pass", [10_000, 150, 37])
def test_spilled_multi_pass_join_equals_the_reference(tmp_path: Path, per_pass: int) -> None:
    rng = random.Random(11)
    opts = CandidateOptions(max_bucket=6, min_shared=2, min_containment=0.1)
    pages = [(p, sorted({rng.randrange(150) * 7919 - 200 for _ in range(rng.randint(0, 15))})) for p in range(1, 80)]
    want = candidate_pairs(opts, pages)
    blobs = [(p, np.asarray(x, dtype="<i8").tobytes()) for p, x in pages]
    n = sum(len(x) for _, x in pages)
    a, b, c, dropped = anchor_join(lambda: iter(blobs), n, opts, per_pass=per_pass, spill=tmp_path)
    got = list(zip(a.tolist(), b.tolist(), c.tolist(), strict=True))
    assert got == want and len(want) > 20  # same pairs, ascending by (a, b), in one pass or many
    hs = [h for _, x in pages for h in x]
    assert dropped == sum(1 for h in set(hs) if hs.count(h) > opts.max_bucket) > 0
    if per_pass < n:
        assert any(tmp_path.iterdir()), "several passes spill their counted pairs"
        with pytest.raises(ValueError, match="spill"):
            anchor_join(lambda: iter(blobs), n, opts, per_pass=per_pass)


def test_join_in_several_passes_and_pair_repeats_give_the_same_scan(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    one = tmp_path / "one"
    s1 = scan([str(CRAWL / "crawl.warc.gz")], one, progress=False)
    monkeypatch.setattr(engine, "ANCHORS_PER_PASS", 500)  # the bundled crawl's anchors in many passes
    many = tmp_path / "many"
    s2 = scan([str(CRAWL / "crawl.warc.gz")], many, progress=False)
    assert s1.candidates == s2.candidates and s1.edges == s2.edges and s1.edges > 0
    for name in OUTPUTS:
        assert filecmp.cmp(one / name, many / name, shallow=False), name
    # the bundled crawl has mirrors: some candidate pairs repeat a text pair and were not re-verified
    import sqlite3

    db = sqlite3.connect(one / engine.STATE)
    rows = db.execute("SELECT x.digest, y.digest FROM pairs p JOIN pages x ON x.id = p.a "
                      "JOIN pages y ON y.id = p.b").fetchall()
    assert len({tuple(sorted(r)) for r in rows}) < len(rows)
    assert s1.cpu["judge"] > 0


def test_insertion_shortcut_agrees_with_diff_on_the_bundled_crawl(tmp_path: Path) -> None:
    out = tmp_path / "scan"
    scan([str(CRAWL / "crawl.warc.gz")], out, progress=False)
    import sqlite3

    db = sqlite3.connect(out / engine.STATE)
    rows = db.execute("SELECT p.id, a.text, p.root, b.text FROM placements p JOIN pages a ON a.id = p.id "
                      "JOIN pages b ON b.id = p.root WHERE p.role = 'copy'").fetchall()
    short = [r for r in rows if _contained(r[1], r[3])]
    with_line = [r for r in short if r[1] not in r[3]]
    assert with_line, "the aggregator's copies (excerpt + 'Read the full story' line) take the shortcut"
    for c, ct, s, stext in short:
        j, _ = judge_pair(c, ct, s, stext, need_diff=True)
        assert (j.verdict, j.spin_share, j.fact_changes) == ("verbatim", 0.0, 0), c
    # a spun sentence is not an insertion
    src = "Officials said the troops moved north on Friday. The army denied it. Talks resume today."
    spun = "Officials said the troops moved north on Friday. The military rejected it. Talks resume today."
    assert not _contained(spun, src)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_invented_stories_are_deterministic_and_share_no_long_run() -> None:
    model = fit(a.text for a in read_articles(ROOT / "samples" / "articles.jsonl"))
    a, b = model.story(7, 1), model.story(7, 2)
    assert a == model.story(7, 1) and a.text != b.text
    assert 6 <= len(a.text.split("\n")) <= 12 and a.title
    runs = [{" ".join(w[i:i + 8]) for i in range(len(w) - 7)} for w in (_words(a.text), _words(b.text))]
    assert not runs[0] & runs[1]
    fitted = set()
    for art in read_articles(ROOT / "samples" / "articles.jsonl"):
        w = _words(art.text)
        fitted |= {" ".join(w[i:i + 12]) for i in range(len(w) - 11)}
    w = _words(a.text)
    assert not {" ".join(w[i:i + 12]) for i in range(len(w) - 11)} & fitted


def test_streamed_crawl_is_the_same_with_jobs_and_scans_right(tmp_path: Path) -> None:
    from unspin.crawlstream import write_crawl_stream

    model = fit(a.text for a in read_articles(ROOT / "samples" / "articles.jsonl"))
    outs = []
    for jobs in (1, 2):
        d = tmp_path / f"j{jobs}"
        counts = write_crawl_stream(lambda k: model.story(3, k), lambda k: f"gen3-{k:07d}", 12, d,
                                    seed=3, files=2, jobs=jobs, chunk=5)
        outs.append(d)
        assert counts["pages"] == len(_rows(d / "truth.jsonl")) > 12
    for name in ("crawl-00.warc.gz", "crawl-01.warc.gz", "truth.jsonl"):
        assert filecmp.cmp(outs[0] / name, outs[1] / name, shallow=False), name
    with gzip.open(outs[0] / "crawl.jsonl.gz", "rt") as fh:
        assert sum(1 for _ in fh) == counts["pages"]
    out = tmp_path / "scan"
    scan([str(outs[0] / "crawl-00.warc.gz"), str(outs[0] / "crawl-01.warc.gz")], out, progress=False)
    q = score_scan(_rows(out / "articles.jsonl"), _rows(outs[0] / "truth.jsonl"))
    assert q["missing_pages"] == 0 and q["cluster_f1"] >= 0.95 and q["source_accuracy"] >= 0.95
    assert q["independent_merged"] == 0


def test_a_resumed_stage_reports_the_time_of_every_run(tmp_path: Path) -> None:
    st = engine.State(tmp_path)
    t0, c0 = st.begin("judge")
    st.conn.execute("BEGIN")
    st.spent("judge", t0 - 30.0, c0 - 20.0)  # an interrupted run had spent 30 s (20 s CPU)
    st.conn.execute("COMMIT")
    st.close()
    st = engine.State(tmp_path)  # the rerun
    st.begin("judge")
    seconds, cpu = st.total("judge", 5.0, 4.0)
    assert 35.0 <= seconds < 36.0 and 24.0 <= cpu < 25.0
    st.close()
