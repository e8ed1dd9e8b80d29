"""unspin scan: quality gate on the bundled crawl, resumption, damaged WARC, empty crawl,
outputs, dashboard."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import scan_killed_at
from unspin.crawlsynth import CrawlPage, _warc_record, render_html, score_scan
from unspin.scan import ScanOptions, scan
from unspin.scan.candidates import CandidateOptions, anchors, candidate_pairs, skeleton
from unspin.scan.graph import Node, place
from unspin.scan.outputs import ARTICLE_FIELDS, SITE_FIELDS
from unspin.scan.read import normalize_date, registered_domain
from unspin.scan.verify import Edge

ROOT = Path(__file__).resolve().parent.parent
CRAWL = ROOT / "samples" / "crawl"
OUTPUTS = ("articles.jsonl", "clusters.jsonl", "sites.csv", "site_sources.csv", "report.json")


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def warc_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scan-warc")
    scan([str(CRAWL / "crawl.warc.gz")], out, progress=False)
    return out


@pytest.fixture(scope="module")
def jsonl_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scan-jsonl")
    scan([str(CRAWL / "crawl.jsonl.gz")], out, progress=False)
    return out


# --------------------------------------------------------------------- quality gate

@pytest.mark.parametrize("which", ["warc_scan", "jsonl_scan"])
def test_quality_on_bundled_crawl(which: str, request: pytest.FixtureRequest) -> None:
    out = request.getfixturevalue(which)
    s = score_scan(_rows(out / "articles.jsonl"), _rows(CRAWL / "truth.jsonl"))
    assert s["missing_pages"] == 0
    assert s["cluster_f1"] >= 0.98, s
    assert s["source_accuracy"] >= 0.98, s
    assert s["distorted_recall"] >= 0.9, s
    # 2 of the 10 copies called distorted are "rewritten" in the truth: the embedding spinner
    # swapped "year" for "month" and "likely" for "disposed", which diff rightly reads as
    # date and modality changes but synth records as synonym swaps (see docs/benchmarks.md)
    assert s["distorted_precision"] >= 0.8, s
    assert s["independent_merged"] == 0, s
    assert s["site_copy_rate_error"] <= 0.02, s


def test_warc_and_jsonl_give_the_same_tables(warc_scan: Path, jsonl_scan: Path) -> None:
    for name in ("sites.csv", "site_sources.csv", "clusters.jsonl"):
        assert (warc_scan / name).read_text() == (jsonl_scan / name).read_text(), name
    a = {r["url"]: r for r in _rows(warc_scan / "articles.jsonl")}
    b = {r["url"]: r for r in _rows(jsonl_scan / "articles.jsonl")}
    assert a.keys() == b.keys()
    for u in a:
        for k in ("cluster", "role", "source_url", "copied_from_url", "verdict", "fact_changes"):
            assert a[u][k] == b[u][k], (u, k)


def test_outputs_have_the_documented_fields(warc_scan: Path) -> None:
    rows = _rows(warc_scan / "articles.jsonl")
    assert rows and all(tuple(r) == ARTICLE_FIELDS for r in rows)
    copies = [r for r in rows if r["role"] == "copy"]
    assert copies and all(r["verdict"] in ("verbatim", "rewritten", "distorted") for r in copies)
    assert all(r["source_url"] and r["copied_from_url"] for r in copies)
    with open(warc_scan / "sites.csv", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == SITE_FIELDS
        sites = list(reader)
    assert sum(int(s["articles"]) for s in sites) == len(rows)
    import pyarrow.parquet as pq

    assert pq.read_table(warc_scan / "articles.parquet").num_rows == len(rows)
    # the same rows as a Hive-partitioned dataset, one folder per site
    import pyarrow.dataset as pds

    parts = pds.dataset(warc_scan / "articles_by_site", format="parquet", partitioning="hive").to_table()
    key = lambda r: r["url"]  # noqa: E731
    assert sorted(parts.to_pylist(), key=key) == sorted(({k: r[k] for k in parts.column_names} for r in rows), key=key)
    assert {p.name for p in (warc_scan / "articles_by_site").iterdir()} == {f"site={r['site']}" for r in rows}
    assert pq.read_table(warc_scan / "sites.parquet").num_rows == len(sites)
    db = sqlite3.connect(warc_scan / "scan.sqlite")
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(rows)
    assert db.execute("SELECT COUNT(*) FROM sites").fetchone()[0] == len(sites)
    skipped = dict(db.execute("SELECT reason, records FROM skipped").fetchall())
    db.close()
    # the crawl holds robots.txt, images, 404s and section pages: each counted
    assert skipped["robots"] > 0 and skipped["not_html"] > 0 and skipped["status"] > 0
    assert skipped["no_article"] > 0
    report = json.loads((warc_scan / "report.json").read_text())
    assert report["summary"]["pages"] == len(rows)
    linked = [m["report"] for c in report["clusters"] for m in c["members"] if m.get("report")]
    assert linked and all((warc_scan / r).exists() and (warc_scan / r).with_suffix(".json").exists()
                          for r in linked)


# --------------------------------------------------------------------- resumption

def _same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_interrupted_scan_resumes_to_the_same_result(warc_scan: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import unspin.scan.engine as engine

    out = tmp_path / "scan"
    calls = {"n": 0}
    real = engine.judge_pair

    def flaky(*args: object) -> object:
        calls["n"] += 1
        if calls["n"] == 12:
            raise KeyboardInterrupt
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "judge_pair", flaky)
    opts = ScanOptions(batch=20)
    with pytest.raises(KeyboardInterrupt):
        scan([str(CRAWL / "crawl.warc.gz")], out, opts, progress=False)
    assert not (out / "articles.jsonl").exists()
    monkeypatch.setattr(engine, "judge_pair", real)
    scan([str(CRAWL / "crawl.warc.gz")], out, opts, progress=False)
    _same_outputs(out, warc_scan)


def test_killed_scan_resumes_to_the_same_result(warc_scan: Path, tmp_path: Path) -> None:
    """kill -9 in the middle of reading, then rerun: the same files."""
    out = tmp_path / "scan"
    scan_killed_at(45, "from unspin.scan import scan, ScanOptions\n"
                   f"scan([{str(CRAWL / 'crawl.warc.gz')!r}], {str(out)!r}, ScanOptions(batch=10), progress=False)")
    db = sqlite3.connect(out / ".scan-state.sqlite")
    assert 0 < db.execute("SELECT COUNT(*) FROM pages").fetchone()[0] < 61
    db.close()
    scan([str(CRAWL / "crawl.warc.gz")], out, ScanOptions(batch=10), progress=False)
    _same_outputs(out, warc_scan)


def test_a_tiny_text_cache_gives_the_same_result(warc_scan: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import unspin.scan.engine as engine

    monkeypatch.setattr(engine, "CACHE_PAGES", 3)
    scan([str(CRAWL / "crawl.warc.gz")], tmp_path / "s", ScanOptions(batch=7), progress=False)
    _same_outputs(tmp_path / "s", warc_scan)


def test_a_finished_scan_is_not_redone_and_other_inputs_are_refused(warc_scan: Path, tmp_path: Path) -> None:
    from unspin.errors import OutputError

    out = tmp_path / "s"
    shutil.copytree(warc_scan, out)
    scan([str(CRAWL / "crawl.warc.gz")], out, progress=False)
    _same_outputs(out, warc_scan)
    with pytest.raises(OutputError, match="other inputs"):
        scan([str(CRAWL / "crawl.jsonl.gz")], out, progress=False)


# --------------------------------------------------------------------- damaged and empty crawls

def _page(n: int, text: str, title: str = "A title") -> bytes:
    p = CrawlPage(url=f"https://site{n % 3}.example/a/{n}", site=f"site{n % 3}.example", title=title,
                  text=text, published=f"2025-03-0{1 + n % 8}T10:00:00Z", seen="2025-03-09T00:00:00Z",
                  dated=True, cluster="x", role="original", source_url="")
    body = render_html(p).encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    return _warc_record([("WARC-Type", "response"), ("WARC-Date", "2025-03-09T00:00:00Z"),
                         ("WARC-Target-URI", p.url), ("Content-Type", "application/http; msgtype=response")], http)


TEXT = ("The harbour authority in Port Alden said on Tuesday that 1,240 containers had been delayed "
        "by the strike. Union leader Maren Holt told reporters the walkout would continue until "
        "Friday. Shipping firms warned that the backlog could take three weeks to clear. ")


def test_truncated_and_malformed_records_are_counted_not_fatal(tmp_path: Path) -> None:
    good = [_page(k, TEXT * 2 + f"Item {k}.") for k in range(3)]
    garbage = gzip.compress(b"this is not a WARC record at all\r\n\r\n", mtime=0)
    last = _page(9, TEXT * 3)
    cut = gzip.decompress(last)
    truncated = gzip.compress(cut[: len(cut) - 200], mtime=0)
    warc = tmp_path / "damaged.warc.gz"
    warc.write_bytes(b"".join(good) + garbage + good[0] + truncated)
    s = scan([str(warc)], tmp_path / "out", progress=False)
    assert s.pages >= 3
    assert s.skipped["truncated"] == 1
    assert s.skipped["malformed"] == 1
    assert s.skipped["duplicate_url"] == 1  # read on after the garbage
    summary = json.loads((tmp_path / "out" / "report.json").read_text())["summary"]
    assert summary["skipped"]["truncated"] == 1


def test_empty_crawl_gives_empty_tables(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    s = scan([str(empty)], tmp_path / "out", progress=False)
    assert (s.pages, s.clusters, s.copies) == (0, 0, 0)
    out = tmp_path / "out"
    assert (out / "articles.jsonl").read_text() == ""
    assert (out / "sites.csv").read_text().strip() == ",".join(SITE_FIELDS)
    assert "No copies found" in (out / "report.html").read_text()
    assert (out / "articles_by_site").is_dir() and not any((out / "articles_by_site").iterdir())


def test_cli_scan_reports_and_exits_cleanly(tmp_path: Path) -> None:
    from unspin.cli import main

    assert main(["scan", str(tmp_path / "missing.warc.gz"), "--out", str(tmp_path / "o")]) == 2
    empty = tmp_path / "e.jsonl"
    empty.write_text("")
    assert main(["scan", str(empty), "--out", str(tmp_path / "o2"), "--json"]) == 0


# --------------------------------------------------------------------- stage functions

def test_skeleton_survives_synonym_swaps_and_mangled_numbers() -> None:
    a = "Officials said on Friday that 4,000 troops had moved to the border with Kestria."
    from unspin.ingest import from_text

    # page texts are ingested, which repairs "4, 000" once
    b = from_text("Authorities said on Friday that 4, 000 soldiers had relocated to the frontier "
                  "with Kestria.").text
    assert skeleton(a) == skeleton(b)
    opts = CandidateOptions(sample=1)
    assert anchors(a, opts) == anchors(b, opts)


def test_candidate_pairs_count_shared_anchors_and_cap_buckets() -> None:
    opts = CandidateOptions(max_bucket=3, min_shared=2, min_containment=0.0)
    pages = [(1, [10, 11, 12, 99]), (2, [10, 11, 99]), (3, [12, 99]), (4, [99])]
    assert candidate_pairs(opts, pages) == [(1, 2, 2)]
    # two shared anchors of 100 on each side: too few to be worth verifying
    big = [(1, [10, 11, *range(100, 198)]), (2, [10, 11, *range(200, 298)]), (3, [10, 11, 12])]
    assert candidate_pairs(CandidateOptions(), big) == [(1, 3, 2), (2, 3, 2)]


def test_graph_picks_the_earliest_original_and_copies_of_copies() -> None:
    nodes = {1: Node(1, "https://a/1", "2025-03-01T10:00:00Z", "page", 300),
             2: Node(2, "https://b/2", "2025-03-01T12:00:00Z", "page", 300),
             3: Node(3, "https://c/3", None, None, 300),
             4: Node(4, "https://d/4", "2025-03-02T10:00:00Z", "seen", 120)}
    edges = [Edge(.7, .7, .6, .6, True, True, a=1, b=2),   # 2 spun from 1
             Edge(1., 1., 1., 1., True, True, a=2, b=3),   # 3 mirrors 2 (no date: last)
             Edge(.7, .7, .6, .6, True, True, a=1, b=3),
             Edge(.4, 1., .4, .95, True, True, a=1, b=4)]  # 4 excerpts 1
    placed = {p.id: p for p in place(nodes, edges)}
    assert placed[1].role == "original" and placed[1].source == 1
    assert placed[2].copied_from == 1 and placed[2].delay_hours == 2.0
    assert placed[3].copied_from == 2 and placed[3].root == 1 and placed[3].delay_hours is None
    assert placed[4].copied_from == 1 and placed[4].source_delay_hours == 24.0


def test_registered_domain_and_dates() -> None:
    assert registered_domain("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert registered_domain("https://www.example.com/a") == "example.com"
    assert registered_domain(None) == ""
    assert normalize_date("2025-03-01T12:00:00+02:00") == "2025-03-01T10:00:00Z"
    assert normalize_date("2025-03-01") == "2025-03-01"
    assert normalize_date("yesterday") is None


# --------------------------------------------------------------------- dashboard

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def _hostile_crawl(tmp_path: Path) -> Path:
    base = TEXT * 3
    recs = [_page(0, base, title=HOSTILE), _page(1, base, title=HOSTILE)]  # a mirror on another site
    warc = tmp_path / "hostile.warc.gz"
    warc.write_bytes(b"".join(recs))
    out = tmp_path / "out"
    scan([str(warc)], out, progress=False)
    return out


def test_dashboard_escapes_page_text_and_loads_nothing(tmp_path: Path) -> None:
    out = _hostile_crawl(tmp_path)
    page = (out / "report.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert "default-src 'none'" in page
    assert page.count("<script>") == 1  # the sorting script only
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["copies"] == 1


def test_dashboard_renders_in_headless_chromium(warc_scan: Path, tmp_path: Path) -> None:
    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                    if shutil.which(b)), None)
    if browser is None:
        pytest.skip("needs chromium (apt-get install chromium) for the screenshot test")
    shot = tmp_path / "shot.png"
    proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=390,2400",
                           f"--screenshot={shot}", (warc_scan / "report.html").as_uri()],
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-500:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a blank page of this size compresses to a few kB


def test_quality_on_a_crawl_spun_by_the_independent_generator(tmp_path: Path) -> None:
    """The same gate on copies made by unspin.altspin (none of the resources diff uses)."""
    from unspin.crawlsynth import make_crawl, read_articles, write_crawl

    pages, records = make_crawl(read_articles(ROOT / "samples" / "articles.jsonl"), seed=1, generator="alt")
    write_crawl(pages, records, tmp_path / "crawl")
    scan([str(tmp_path / "crawl" / "crawl.warc.gz")], tmp_path / "out", progress=False)
    s = score_scan(_rows(tmp_path / "out" / "articles.jsonl"), _rows(tmp_path / "crawl" / "truth.jsonl"))
    assert s["cluster_f1"] >= 0.98 and s["source_accuracy"] >= 0.98, s
    assert s["distorted_recall"] >= 0.9 and s["distorted_precision"] >= 0.9, s
    assert s["independent_merged"] == 0 and s["site_copy_rate_error"] <= 0.02, s
