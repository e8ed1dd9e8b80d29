"""unspin scan --engine spark on local[2]: the same files as the local engine.

One Spark session for the module (start-up is several seconds). Skipped with the reason when
pyspark (extra ``spark``) or Java is missing.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from unspin.scan import scan

ROOT = Path(__file__).resolve().parent.parent
CRAWL = ROOT / "samples" / "crawl"
#: every table a user reads, and the dashboard's JSON twin
OUTPUTS = ("articles.jsonl", "clusters.jsonl", "sites.csv", "site_sources.csv", "report.json")

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                       reason="pyspark not installed (pip install 'unspin[spark]')"),
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime (Spark needs Java 17)"),
]


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    from unspin.scan.spark import spark_session

    session = spark_session("local[2]", app="unspin-test")
    yield session
    session.stop()


def _lines(path: Path) -> list[str]:
    return sorted(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.jsonl.gz"])
def test_spark_engine_writes_the_same_files_as_the_local_engine(name: str, spark: object, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The WARC as a file:// glob listed by Spark's file system and read in 40 kB byte ranges
    (4 tasks); the JSONL as a file:// URI read whole by Spark (binaryFiles), as s3a:// or
    gs:// inputs are."""
    from unspin.scan import spark as mod

    local = scan([str(CRAWL / name)], tmp_path / "local", progress=False)
    if name.endswith(".warc.gz"):
        uri = (CRAWL / name).as_uri().replace(".warc.gz", ".warc.g*")
        assert len(mod.plan_inputs([str(CRAWL / name)], 40_000)[0]) == 4
    else:
        uri = (CRAWL / name).as_uri()
        monkeypatch.setattr(mod, "RANGED_SCHEMES", ("",))
    dist = mod.scan_spark([uri], tmp_path / "spark", spark=spark, split_bytes=40_000)
    assert dist.pages == local.pages > 40
    assert dist.clusters == local.clusters > 3
    assert dist.copies == local.copies
    assert dist.verdicts == local.verdicts
    assert dist.skipped == local.skipped
    assert dist.candidates == local.candidates and dist.edges == local.edges
    for out in OUTPUTS:
        a, b = tmp_path / "local" / out, tmp_path / "spark" / out
        assert _lines(a) == _lines(b), out
        assert a.read_bytes() == b.read_bytes(), f"{out}: same rows in another order"
    by_site = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local" / "articles_by_site").rglob("*.parquet"))
    assert by_site and by_site == sorted(p.relative_to(tmp_path / "spark")
                                         for p in (tmp_path / "spark" / "articles_by_site").rglob("*.parquet"))
    for rel in by_site:
        assert (tmp_path / "local" / rel).read_bytes() == (tmp_path / "spark" / rel).read_bytes(), rel
    # the state was rebuilt with the local schema, so the SQLite tables match too
    import sqlite3

    def table(p: Path, q: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(p / "scan.sqlite") as c:
            return sorted(c.execute(q).fetchall())

    assert table(tmp_path / "local", "SELECT * FROM articles") == table(tmp_path / "spark", "SELECT * FROM articles")
    # and the intermediate stages agree: the same candidate pairs, edges and placements
    for q in ("SELECT a, b, shared FROM pairs", "SELECT * FROM edges", "SELECT * FROM placements"):
        with sqlite3.connect(tmp_path / "local" / ".scan-state.sqlite") as c1, \
                sqlite3.connect(tmp_path / "spark" / ".scan-state.sqlite") as c2:
            assert sorted(c1.execute(q).fetchall()) == sorted(c2.execute(q).fetchall()), q


def test_spark_engine_counts_duplicate_urls_as_the_local_engine(spark: object, tmp_path: Path) -> None:
    """A second copy of the crawl: each of its pages repeats a URL of the first input, so it
    is a ``duplicate_url`` skip and takes no page id (the Spark engine numbers pages where
    they were read, from the kept pages of every earlier byte range)."""
    import shutil as sh

    from unspin.scan import spark as mod

    again = tmp_path / "again.warc.gz"
    sh.copy(CRAWL / "crawl.warc.gz", again)
    inputs = [str(CRAWL / "crawl.warc.gz"), str(again)]
    local = scan(inputs, tmp_path / "local", progress=False)
    dist = mod.scan_spark(inputs, tmp_path / "spark", spark=spark, split_bytes=40_000)
    assert local.skipped["duplicate_url"] == local.pages > 40
    assert dist.skipped == local.skipped and dist.pages == local.pages
    for out in ("articles.jsonl", "sites.csv"):
        assert (tmp_path / "local" / out).read_bytes() == (tmp_path / "spark" / out).read_bytes(), out


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from unspin.errors import MissingExtraError
    from unspin.scan import spark as mod

    real = builtins.__import__

    def fake(name: str, *args: object, **kwargs: object) -> object:
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(MissingExtraError, match="pyspark") as err:
        mod._require_spark()
    assert "unspin[spark]" in (err.value.hint or "")


def test_missing_java_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from unspin.errors import UnspinError
    from unspin.scan import spark as mod

    monkeypatch.setattr(mod.shutil, "which", lambda _name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(UnspinError, match="Java 17"):
        mod._require_spark()
