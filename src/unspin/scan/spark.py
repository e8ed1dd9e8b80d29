"""The Spark scan engine: the local engine's stages as Spark jobs, the same output files.

``unspin scan --engine spark [--master URL]`` runs every stage on a Spark cluster (or on
``local[N]``) with the stage functions of the local engine, so both engines give the same
answer (``tests/test_scan_spark.py`` checks that the files are identical):

1. **read**: one task per input file; ``iter_raw`` + ``extract_page_record`` + ``anchors`` in
   ``mapPartitions``. Resources (extractors, lexicons, the encoder) are module-level caches of
   the stage functions, so each Python worker builds them once and keeps them for later tasks
   (``spark.python.worker.reuse``, Spark's default). Page ids are assigned as the local engine
   does, in (input position, record number) order, a later page with an already seen URL
   counted as ``duplicate_url``, without moving the pages: the duplicates (few) go to the
   driver, which gives each read task the first id of its kept pages;
2. **candidates**, as DataFrame operations in the JVM: anchors exploded to (anchor, page), the
   pages of each anchor counted (a window), groups of 2 to ``max_bucket`` pages self-joined on
   the anchor, pairs counted, the same ``min_shared`` and ``min_containment`` rules as
   ``pairs_from_bucket`` and the local engine; pairs with the same two texts (page digests) get
   the first of them in (a, b) order as their representative;
3. **verify**: each representative pair is sent to a partition with the texts it needs (every
   text shuffled once per partition that needs it), ``verify_many`` per chunk (a page tokenised
   once per chunk); the other pairs take their representative's result, turned round if need be;
4. **graph**: connected components of the copy edges by min-label propagation with pointer
   jumping in DataFrames (no edge ever goes to the driver), then ``place`` per component (a
   cluster's id is its source page, so placing one component at a time equals placing the
   whole graph);
5. **judge**: copies sent to a partition by original with the texts they need, judged by
   original, one ``judge_pair`` per (original, copy text) as in the local engine;
6. **write**: the rows are streamed to the driver (``toLocalIterator``, one partition at a
   time) into a state file of the local engine's schema and the same ``write_outputs``
   writes every file. At 100M pages this driver-side writer is the bottleneck; see
   ``docs/spark.md``.

Unlike the local engine a Spark scan is not resumed: Spark recomputes failed tasks itself,
and the state file is rebuilt from scratch by every run.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from unspin import __version__
from unspin.errors import InputError, UnspinError, missing_extra
from unspin.scan import read as rd
from unspin.scan.candidates import CandidateOptions, anchors
from unspin.scan.engine import (
    STATE,
    STATE_FORMAT,
    ScanOptions,
    ScanSummary,
    State,
    _u32,
    checked_options,
    output_dir,
    text_digest,
)
from unspin.scan.graph import Node, place
from unspin.scan.judge import judge_pair
from unspin.scan.read import Page, RawPage, Skip, expand_inputs, extract_page_record, iter_raw
from unspin.scan.verify import Edge, verify_pair
from unspin.tracer import TraceOptions

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_MASTER", "scan_spark", "spark_session"]

DEFAULT_MASTER = "local[2]"
#: shuffle partitions on local masters (Spark's default of 200 is far too many for one machine)
LOCAL_SHUFFLE_PARTITIONS = 4


def _require_spark() -> Any:
    try:
        import pyspark
    except ImportError:
        raise missing_extra("pyspark", "spark") from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise UnspinError("the Spark engine needs Java 17 (no `java` on PATH and JAVA_HOME is not set)",
                          hint="install a Java 17 runtime, e.g. apt-get install openjdk-17-jre-headless")
    return pyspark


def spark_session(master: str = DEFAULT_MASTER, app: str = "unspin-scan", conf: dict[str, str] | None = None) -> Any:
    """A SparkSession for a scan: UI off, few shuffle partitions on local masters, quiet logs;
    ``conf`` (e.g. ``spark.driver.memory``, ``spark.default.parallelism``) set last."""
    _require_spark()
    from pyspark.sql import SparkSession

    b = (SparkSession.builder.master(master).appName(app)
         .config("spark.ui.enabled", "false")
         .config("spark.python.worker.reuse", "true"))
    if master.startswith("local"):
        # the workers run this interpreter (the one unspin is installed in), unless told otherwise
        # (pyspark reads PYSPARK_PYTHON when it creates the context)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        b = (b.config("spark.sql.shuffle.partitions", str(LOCAL_SHUFFLE_PARTITIONS))
             .config("spark.default.parallelism", str(LOCAL_SHUFFLE_PARTITIONS)))
    for k, v in (conf or {}).items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ------------------------------------------------------------------------- inputs

#: (input position, part, input name, local path, start, end; end -1: the whole file)
Task = tuple[int, int, str, str, int, int]
#: schemes whose files unspin's own readers open (in byte ranges for WARC): the file must be
#: visible to every executor, as for Spark itself; other URIs are read by Spark (``binaryFiles``)
RANGED_SCHEMES = ("", "file")
#: bytes of WARC per read task (a record belongs to the range it starts in)
SPLIT_BYTES = 256 << 20


def _scheme(name: str) -> str:
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]+):/", name)
    return m.group(1).lower() if m else ""


def list_inputs(spark: Any, inputs: Iterable[str]) -> list[str]:
    """Input files in order: local paths (folders recursively) and globs, and any URI Spark
    reads (``s3a://``, ``gs://``, ``hdfs://``, ``file://``; globs and folders too) listed
    through Spark's Hadoop file system, which has the cluster's connectors and credentials."""
    out: list[str] = []
    for s in inputs:
        if _scheme(s):
            out.extend(_hadoop_list(spark, s))
        elif glob.has_magic(s):
            found = sorted(glob.glob(s, recursive=True))
            if not found:
                raise InputError("no file matches the pattern", input=s)
            out.extend(expand_inputs(found))
        else:
            out.extend(expand_inputs([s]))
    return out


def _hadoop_list(spark: Any, uri: str) -> list[str]:
    sc = spark.sparkContext
    path = sc._jvm.org.apache.hadoop.fs.Path(uri)
    try:
        fs = path.getFileSystem(sc._jsc.hadoopConfiguration())
        statuses = fs.globStatus(path)
    except Exception as exc:  # py4j: no file system for the scheme, no credentials, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"Spark cannot list it ({first[:200]})", input=uri) from None
    if not statuses:
        raise InputError("no such file or directory", input=uri)
    out: list[str] = []
    for st in statuses:
        if not st.isDirectory():
            out.append(st.getPath().toString())
            continue
        found: list[str] = []
        it = fs.listFiles(st.getPath(), True)
        while it.hasNext():
            found.append(it.next().getPath().toString())
        out.extend(sorted(f for f in found if not f.rsplit("/", 1)[-1].startswith((".", "_"))))
    return out


def plan_inputs(files: list[str], split_bytes: int = SPLIT_BYTES) -> tuple[list[Task], list[tuple[int, str]]]:
    """Read tasks: a task per byte range of a local WARC file (one per other local file), and
    the (position, URI) of the files Spark reads whole."""
    tasks: list[Task] = []
    remote: list[tuple[int, str]] = []
    for pos, name in enumerate(files):
        scheme = _scheme(name)
        if scheme not in RANGED_SCHEMES:
            remote.append((pos, name))
            continue
        path = urlparse(name).path if scheme else name
        ranges = rd.warc_ranges(path, split_bytes)
        if len(ranges) == 1:
            tasks.append((pos, 0, name, path, 0, -1))
        else:
            tasks.extend((pos, k, name, path, a, b) for k, (a, b) in enumerate(ranges))
    return tasks, remote


# ------------------------------------------------------------------------- per-partition functions
# Top-level functions (pickled by reference): their resources are module caches in the worker.

def _records(extractor: str, copts: CandidateOptions, pos: int, part: int, items: Iterable[RawPage | Skip]
             ) -> Iterator[tuple[tuple[int, int], int, str, Any]]:
    """((input position, part), record number in the part, "page"|"skip", payload)."""
    for raw in items:
        if isinstance(raw, Skip):
            yield (pos, part), raw.record, "skip", raw
            continue
        p = extract_page_record(raw, extractor)
        yield (pos, part), raw.record, ("skip" if isinstance(p, Skip) else "page"), \
            (p if isinstance(p, Skip) else (p, anchors(p.text, copts)))


def _read_tasks(extractor: str, copts: CandidateOptions, tasks: Iterable[Task]
                ) -> Iterator[tuple[tuple[int, int], int, str, Any]]:
    """The records of local files and byte ranges of WARC files (one task each)."""
    for pos, part, name, path, start, end in tasks:
        items = rd.iter_warc_range(path, start, end, name) if end >= 0 else iter_raw(path)
        yield from _records(extractor, copts, pos, part, items)


def _read_blob(extractor: str, copts: CandidateOptions, where: dict[str, int], item: tuple[str, bytes]
               ) -> Iterator[tuple[tuple[int, int], int, str, Any]]:
    """The records of a whole file read by Spark (``binaryFiles``: any URI Spark reads),
    parsed from a local temporary copy (the readers need a seekable file)."""
    import tempfile

    uri, data = item
    suffix = "".join(Path(uri.rsplit("/", 1)[-1]).suffixes)
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        tmp.write(data)
        tmp.flush()
        del data
        for key, n, kind, x in _records(extractor, copts, where[uri], 0, iter_raw(tmp.name)):
            yield key, n, kind, _renamed(x, tmp.name, uri)


def _renamed(x: Any, old: str, new: str) -> Any:
    if isinstance(x, Skip):
        return replace(x, input=new)
    p, hs = x
    return rd.page_replace(p, key=p.key.replace(old, new, 1), url=p.url.replace(old, new, 1)), hs


def _numbered(base: dict[tuple[int, int], int], r: tuple[tuple[int, int], int, str, Any]
              ) -> tuple[int, int, str, Any]:
    """(input position, record number in the input, kind, payload as (input, record, reason, detail)
    for a skip and (Page, anchors) for a page), numbers counted over the input's parts."""
    (pos, part), n, kind, x = r
    record = base[(pos, part)] + n
    if kind == "skip":
        return pos, record, kind, (x.input, record, x.reason, x.detail)
    p, hs = x
    name = p.key.rsplit("#", 1)[0]
    key = f"{name}#{record}"
    return pos, record, kind, (rd.page_replace(p, key=key, url=key if p.url == p.key else p.url), hs)


def _page_urls(base: dict[tuple[int, int], int], r: tuple[tuple[int, int], int, str, Any]
               ) -> Iterator[tuple[str, tuple[int, int, str]]]:
    """(url, (input position, record, input name)) of a page record."""
    if r[2] == "page":
        pos, record, _kind, (p, _hs) = _numbered(base, r)
        yield p.url, (pos, record, p.key.rsplit("#", 1)[0])


def _later_urls(kv: tuple[str, Iterable[tuple[int, int, str]]]) -> list[tuple[int, int, str, str]]:
    """The pages of one URL after the first (input position, record): (position, record, input, url)."""
    return [(pos, record, name, kv[0]) for pos, record, name in sorted(kv[1])[1:]]


def _with_ids(base: dict[tuple[int, int], int], start: dict[tuple[int, int], int], dups: Any,
              items: Iterable[tuple[tuple[int, int], int, str, Any]]) -> Iterator[tuple[int, tuple[Page, list[int]]]]:
    """Page ids in (input position, record) order without moving the pages: the records of one
    read task are in one partition, in order, and ``start`` is the first id of each task's
    pages (duplicate URLs, ``dups``, take none)."""
    taken: dict[tuple[int, int], int] = {}
    seen = dups.value
    for r in items:
        if r[2] != "page":
            continue
        pos, record, _kind, payload = _numbered(base, r)
        if (pos, record) in seen:
            continue
        k = taken.get(r[0], 0)
        taken[r[0]] = k + 1
        yield start[r[0]] + k, payload


def _digest(p: Page) -> int:
    """``text_digest`` of a page as a signed 64-bit int (a DataFrame column)."""
    return int.from_bytes(text_digest(p.text, _u32(p.sentences)), "little", signed=True)


def _texts(kv: tuple[int, tuple[Page, list[int]]]) -> tuple[int, tuple[str, Any, int]]:
    p = kv[1][0]
    return kv[0], (p.text, p.sentences, _digest(p))


def _gather(texts: Any, work: Any, ids: Any, n: int) -> Any:
    """``work`` (an RDD of (partition, item)) in ``n`` partitions, each with the texts its items
    need (``ids(item)``): every text is shuffled to the partitions that need it, once each,
    instead of once per pair it is in. Partition items: (0, (id, text)) and (1, item)."""
    need = work.flatMap(lambda qi: ((i, qi[0]) for i in ids(qi[1]))).distinct(n)
    got = texts.join(need, n).map(lambda kv: (kv[1][1], (0, (kv[0], kv[1][0]))))
    return got.union(work.mapValues(lambda x: (1, x))).partitionBy(n, lambda q: q)


def _split(items: Iterable[tuple[int, tuple[int, Any]]]) -> tuple[dict[int, Any], list[Any]]:
    texts: dict[int, Any] = {}
    work: list[Any] = []
    for _q, (kind, x) in items:
        if kind == 0:
            texts[x[0]] = x[1]
        else:
            work.append(x)
    return texts, work


#: pairs verified per ``verify_many`` call (each page of the call tokenised once)
VERIFY_CHUNK = 200


def _verify_part(opts: TraceOptions, items: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """A partition's representative pairs (sorted, so a page's pairs are together), verified
    with ``verify_many`` in chunks; rows of the edge DataFrame."""
    from unspin.scan.verify import verify_many

    texts, pairs = _split(items)
    pairs.sort()
    for k in range(0, len(pairs), VERIFY_CHUNK):
        chunk = pairs[k:k + VERIFY_CHUNK]
        need = {x for ab in chunk for x in ab}
        for e in verify_many({i: texts[i][:2] for i in need}, chunk, opts):
            yield (e.a, e.b, float(e.a_by_b), float(e.b_by_a), float(e.score_a_by_b), float(e.score_b_by_a),
                   bool(e.a_in_b), bool(e.b_in_a))


def _place_component(kv: tuple[int, Iterable[Any]]) -> list[Any]:
    nodes: dict[int, Node] = {}
    edges: list[Edge] = []
    for kind, x in kv[1]:
        if kind == "n":
            nodes[x.id] = x
        else:
            edges.append(x)
    edges.sort(key=lambda e: (e.a, e.b))
    return place(nodes, edges)


def _judge_part(items: Iterable[Any]) -> Iterator[Any]:
    """A partition's copies, by original (one ingest of each original: diff's source cache),
    one judgement per (original, copy text) as the local engine: the copy with the smallest id
    is judged and the others with the same text take its verdict."""
    from unspin.scan.engine import relieve_memory

    texts, copies = _split(items)
    copies.sort(key=lambda cr: (cr[1], texts[cr[0]][2], cr[0]))
    last: tuple[int, int] | None = None
    j: Any = None
    for k, (c, r) in enumerate(copies):
        key = (r, texts[c][2])
        if key != last:
            j = judge_pair(c, texts[c][0], r, texts[r][0])[0]
            last = key
            if k % 50 == 49:
                relieve_memory()
        yield j if j.id == c else replace(j, id=c)


_WARM_SOURCE = ("Officials in Northvale said on Friday that 4,000 troops had moved to the border. "
                "The ministry denied the report. Talks will resume next week, the council said.")
_WARM_COPY = ("Authorities in Northvale stated on Friday that 4,000 soldiers had relocated to the frontier. "
              "The ministry rejected the report. Talks will resume next week, the council said.")


def _warm(extractor: str, opts: TraceOptions, _items: Iterable[int]) -> Iterator[tuple[int, float]]:
    """Build a worker's resources (extractor, anchors, verify's and diff's models) once, on a
    sample of our own, so that the stages' tasks find them built: (worker pid, seconds)."""
    t0 = time.monotonic()
    raw = RawPage("warm-up", 1, "https://example.org/a", None,
                  html=f"<html><body><article><p>{_WARM_SOURCE}</p></article></body></html>".encode())
    extract_page_record(raw, extractor)
    anchors(_WARM_COPY, CandidateOptions())
    verify_pair(1, _WARM_COPY, None, 2, _WARM_SOURCE, None, opts)
    judge_pair(1, _WARM_COPY, 2, _WARM_SOURCE)
    yield os.getpid(), round(time.monotonic() - t0, 3)


# ------------------------------------------------------------------------- connected components

def _keep() -> Any:
    """Cached RDDs spill to disk rather than being dropped and recomputed (re-extracting pages)."""
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK


def components(edges: Any, max_rounds: int = 100) -> Any:
    """DataFrame (node, label = the smallest node id of its component) for every node of
    ``edges`` (a DataFrame of columns ``a``, ``b``), in the JVM.

    Iterative min-label propagation with pointer jumping: each round every node takes the
    smallest label among its own, its neighbours' and its label's label; it stops when no label
    changes (a handful of rounds for copy clusters). Each round's labels are checkpointed
    locally (no growing plan); nothing is collected to the driver but one count per round.
    """
    from pyspark.sql import functions as F

    both = (edges.select(F.col("a").alias("src"), F.col("b").alias("dst"))
            .union(edges.select(F.col("b").alias("src"), F.col("a").alias("dst"))).distinct().persist(_keep()))
    labels = both.groupBy("src").agg(F.least(F.min("dst"), F.first("src")).alias("label")) \
        .withColumnRenamed("src", "node").localCheckpoint()
    for _ in range(max_rounds):
        msgs = both.join(labels, both.src == labels.node).select(F.col("dst").alias("node"), "label")
        jump = labels.alias("x").join(labels.alias("y"), F.col("x.label") == F.col("y.node")) \
            .select(F.col("x.node").alias("node"), F.col("y.label").alias("label"))
        new = labels.union(msgs).union(jump).groupBy("node").agg(F.min("label").alias("label")).localCheckpoint()
        changed = new.alias("n").join(labels.alias("o"), "node").where(F.col("n.label") != F.col("o.label")).count()
        labels = new
        if changed == 0:
            break
    else:  # pragma: no cover - copy clusters have small diameters
        raise UnspinError(f"connected components did not converge in {max_rounds} rounds")
    both.unpersist()
    return labels


# ------------------------------------------------------------------------- entry point

def scan_spark(inputs: Iterable[str], out: str | os.PathLike[str], options: ScanOptions | None = None, *,
               master: str = DEFAULT_MASTER, spark: Any = None, split_bytes: int = SPLIT_BYTES,
               conf: dict[str, str] | None = None) -> ScanSummary:
    """Scan a crawl on Spark; writes the same files as :func:`unspin.scan.scan` into ``out``.

    ``spark`` is an existing SparkSession (else one is started on ``master`` and stopped at the end).

    Raises:
        MissingExtraError: pyspark is not installed (extra ``spark``).
        UnspinError: Java is missing.
        InputError / OutputError: as the local engine.
    """
    from unspin.scan.outputs import write_outputs

    opts = checked_options(options)
    _require_spark()
    inputs = list(inputs)
    for s in inputs:  # local inputs are checked before Spark starts
        if not _scheme(s) and not glob.has_magic(s):
            expand_inputs([s])
    outp = output_dir(out)
    for suffix in ("", "-wal", "-shm"):
        (outp / (STATE + suffix)).unlink(missing_ok=True)
    own = spark is None
    t_start = time.monotonic()
    if own:
        spark = spark_session(master, conf=conf)
    seconds: dict[str, float] = {"startup": round(time.monotonic() - t_start, 3)}
    st = State(outp)
    try:
        _warm_workers(spark, opts, seconds)
        files = list_inputs(spark, inputs)
        _run(spark, files, opts, st, seconds, split_bytes)
        t0 = time.monotonic()
        summary = write_outputs(st.conn, outp, opts)
        seconds["write"] = round(time.monotonic() - t0, 3)
        return ScanSummary(out=str(outp), seconds=seconds, **summary)
    finally:
        st.close()
        if own:
            spark.stop()


#: pages per partition of the verify and judge stages (each partition holds its texts in memory)
PAGES_PER_PART = 2500


def _warm_workers(spark: Any, opts: ScanOptions, seconds: dict[str, float]) -> None:
    """Run the warm-up job (one task per default parallelism slot); its wall clock is added to
    ``resources``, the slowest worker's build kept in ``resources_per_worker``. Run again after
    the candidate step: Spark stops Python workers idle for a minute, and that step runs in the
    JVM, so the workers of verify and judge would otherwise rebuild their resources in a task."""
    t0 = time.monotonic()
    sc = spark.sparkContext
    n = max(1, sc.defaultParallelism)
    built = sc.parallelize(range(n), n).mapPartitions(lambda it: _warm(opts.extractor, opts.verify, it)).collect()
    seconds["resources"] = round(seconds.get("resources", 0.0) + time.monotonic() - t0, 3)  # the jobs' wall clock
    seconds["resources_per_worker"] = max([seconds.get("resources_per_worker", 0.0), *(b for _, b in built)])
    log.info("resources built in %d workers: %s", len({p for p, _ in built}), built)


def candidate_pairs_df(pg: Any, copts: CandidateOptions) -> tuple[Any, Any, int]:
    """The candidate step in the JVM over ``pg`` (a DataFrame of ``id``, ``hs`` (the page's
    anchors, ``array<bigint>``) and ``dg`` (its text digest, ``bigint``)): (the persisted pairs
    ``a, b, shared, ra, rb, swap``, the persisted exploded anchors to unpersist after counting
    the pairs, anchor groups over the cap). ``ra, rb`` is the pair verified for the pair's two
    texts; ``swap``: its texts are the other way round."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keep = _keep()
    ex = pg.select("id", F.explode("hs").alias("h")) \
        .withColumn("n", F.count("*").over(Window.partitionBy("h"))).persist(keep)
    dropped = ex.where(F.col("n") > copts.max_bucket).select("h").distinct().count()
    ok = ex.where((F.col("n") >= 2) & (F.col("n") <= copts.max_bucket)).select("h", "id")
    sizes = pg.select("id", F.size("hs").alias("k"), "dg")
    pairs = (ok.alias("x").join(ok.alias("y"), "h").where(F.col("x.id") < F.col("y.id"))
             .groupBy(F.col("x.id").alias("a"), F.col("y.id").alias("b")).agg(F.count("*").alias("shared"))
             .where(F.col("shared") >= copts.min_shared)
             .join(sizes.toDF("a", "ka", "da"), "a").join(sizes.toDF("b", "kb", "db"), "b")
             .where(F.col("shared") >= F.lit(copts.min_containment) * F.least("ka", "kb")))
    # a repeated text pair (same two digests) is verified once, as the first pair of its
    # digests in (a, b) order, and the others take its result (turned round if need be)
    by_texts = Window.partitionBy(F.least("da", "db"), F.greatest("da", "db")).orderBy("a", "b")
    pairs = pairs.select("a", "b", "shared", F.first("a").over(by_texts).alias("ra"),
                         F.first("b").over(by_texts).alias("rb"),
                         (F.first("da").over(by_texts) != F.col("da")).alias("swap")).persist(keep)
    return pairs, ex, dropped


def _run(spark: Any, files: list[str], opts: ScanOptions, st: State, seconds: dict[str, float],
         split_bytes: int = SPLIT_BYTES) -> None:
    from pyspark.sql import functions as F

    keep = _keep()
    sc = spark.sparkContext
    conn = st.conn
    copts, vopts, extractor = opts.candidates, opts.verify, opts.extractor
    t0 = time.monotonic()

    # 1. read + extract: one task per input file or WARC byte range; files of other URIs read by Spark
    tasks, remote = plan_inputs(files, split_bytes)
    parts = []
    if tasks:
        parts.append(sc.parallelize(tasks, len(tasks)).mapPartitions(lambda it: _read_tasks(extractor, copts, it)))
    if remote:
        where = {uri: pos for pos, uri in remote}
        parts.append(sc.binaryFiles(",".join(uri for _, uri in remote), len(remote))
                     .flatMap(lambda kv: _read_blob(extractor, copts, where, kv)))
    raw = (parts[0] if len(parts) == 1 else sc.union(parts)).persist(keep)
    counts = dict(raw.map(lambda r: ((r[0], r[2] == "page"), 1)).reduceByKey(lambda x, y: x + y).collect())
    records: dict[tuple[int, int], int] = {}
    for (task, _is_page), n in counts.items():
        records[task] = records.get(task, 0) + n
    base: dict[tuple[int, int], int] = {}
    for pos, part in sorted(records):  # records of earlier parts of the same input come first
        base[(pos, part)] = sum(n for (q, k), n in records.items() if q == pos and k < part)
    # the first (input position, record) wins a URL; later ones are duplicates (few: to the driver)
    dups = raw.flatMap(lambda r: _page_urls(base, r)).groupByKey().flatMap(_later_urls).collect()
    dup_keys = {(pos, record) for pos, record, _, _ in dups}
    kept = {task: counts.get((task, True), 0) for task in records}
    for pos, record, _, _ in dups:
        task = max(t for t in records if t[0] == pos and base[t] < record)
        kept[task] -= 1
    start: dict[tuple[int, int], int] = {}
    next_id = 1
    for task in sorted(kept):
        start[task] = next_id
        next_id += kept[task]
    bdups = sc.broadcast(dup_keys)
    ided = raw.mapPartitions(lambda it: _with_ids(base, start, bdups, it)).persist(keep)  # id -> (Page, anchors)
    skips = raw.filter(lambda r: r[2] == "skip").map(lambda r: _numbered(base, r)[3]).persist(keep)
    n_pages = ided.count()
    skips.count()
    raw.unpersist()
    texts = ided.map(_texts)  # id -> (text, sentences, digest), from the cached pages
    n_part = max(sc.defaultParallelism * 2, n_pages // PAGES_PER_PART)
    seconds["read"] = round(time.monotonic() - t0, 3)

    # 2. candidates, in the JVM: explode anchors, group, the same bucket cap, count shared anchors
    t0 = time.monotonic()
    pg = spark.createDataFrame(
        ided.map(lambda kv: (kv[0], kv[1][1], _digest(kv[1][0]))), "id long, hs array<long>, dg long"
    ).persist(keep)
    pairs, ex, dropped = candidate_pairs_df(pg, copts)
    n_pairs = pairs.count()
    ex.unpersist()
    seconds["candidates"] = round(time.monotonic() - t0, 3)
    _warm_workers(spark, opts, seconds)

    # 3. verify the representative pairs, each partition with the texts it needs, then every pair
    t0 = time.monotonic()
    reps = pairs.where((F.col("a") == F.col("ra")) & (F.col("b") == F.col("rb"))).select("a", "b").rdd \
        .map(lambda r: (r[0] % n_part, (r[0], r[1])))
    checked = _gather(texts, reps, lambda ab: ab, n_part).mapPartitions(lambda it: _verify_part(vopts, it))
    cols = ("a_by_b", "b_by_a", "score_a_by_b", "score_b_by_a", "a_in_b", "b_in_a")
    rep_edges = spark.createDataFrame(
        checked, "ra long, rb long, a_by_b double, b_by_a double, score_a_by_b double, score_b_by_a double, "
                 "a_in_b boolean, b_in_a boolean")
    turned = dict(zip(cols, ("b_by_a", "a_by_b", "score_b_by_a", "score_a_by_b", "b_in_a", "a_in_b"), strict=True))
    edges = pairs.join(rep_edges, ["ra", "rb"]).select(
        "a", "b", *(F.when(F.col("swap"), F.col(turned[c])).otherwise(F.col(c)).alias(c) for c in cols)
    ).persist(keep)
    n_edges = edges.count()
    seconds["verify"] = round(time.monotonic() - t0, 3)

    # 4. graph: components in the JVM (no edge goes to the driver), then place() per component
    t0 = time.monotonic()
    copy_edges = edges.where(F.col("a_in_b") | F.col("b_in_a")).persist(keep)
    labels = components(copy_edges)
    nodes = ided.map(lambda kv: (kv[0], _node(kv[0], kv[1][0])))
    comp_nodes = nodes.join(labels.rdd.map(tuple), n_part).map(lambda kv: (kv[1][1], ("n", kv[1][0])))
    comp_edges = copy_edges.join(labels.withColumnRenamed("node", "a"), "a").rdd.map(
        lambda r: (r["label"], ("e", Edge(*(r[c] for c in cols), a=r["a"], b=r["b"]))))
    placements = comp_nodes.union(comp_edges).groupByKey(n_part).flatMap(_place_component).persist(keep)
    n_placed = placements.count()
    seconds["graph"] = round(time.monotonic() - t0, 3)

    # 5. judge each copy against the original at the end of its chain, by original
    t0 = time.monotonic()
    copies = placements.filter(lambda p: p.role == "copy").map(lambda p: (p.root % n_part, (p.id, p.root)))
    judged = _gather(texts, copies, lambda cr: cr, n_part).mapPartitions(_judge_part).persist(keep)
    n_judged = judged.count()
    seconds["judge"] = round(time.monotonic() - t0, 3)
    log.info("spark scan: %d pages, %d pairs, %d edges, %d placed, %d judged",
             n_pages, n_pairs, n_edges, n_placed, n_judged)

    # 6. stream the rows into a state file of the local schema
    t0 = time.monotonic()
    conn.execute("BEGIN")
    st.set("identity", json.dumps({"inputs": [f if _scheme(f) else os.path.abspath(f) for f in files],
                                   "options": opts.identity(),
                                   "format": STATE_FORMAT, "engine": "spark"}, sort_keys=True))
    st.set("unspin_version", __version__)
    st.set("dropped_buckets", str(dropped))
    for pos, inp in enumerate(files):
        conn.execute("INSERT INTO inputs(input, pos, done, finished) VALUES (?, ?, 0, 1)", (inp, pos))
    conn.executemany("INSERT INTO skips(input, record, reason, detail) VALUES (?,?,?,?)", skips.toLocalIterator())
    conn.executemany("INSERT INTO skips(input, record, reason, detail) VALUES (?,?,?,?)",
                     ((name, record, "duplicate_url", url) for _pos, record, name, url in dups))
    conn.executemany(
        "INSERT INTO pages(id, key, url, site, title, published, seen, date_source, text, sents, words) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ((i, p.key, p.url, p.site, p.title, p.published, p.seen, p.date_source, p.text, _u32(p.sentences),
          p.words) for i, (p, _hs) in ided.toLocalIterator()))
    conn.executemany("INSERT INTO pairs(a, b, shared) VALUES (?, ?, ?)",
                     (tuple(r) for r in pairs.select("a", "b", "shared").toLocalIterator()))
    conn.executemany("INSERT OR REPLACE INTO edges VALUES (?,?,?,?,?,?,?,?)",
                     ((r[0], r[1], r[2], r[3], r[4], r[5], int(r[6]), int(r[7]))
                      for r in edges.select("a", "b", *cols).toLocalIterator()))
    conn.executemany("INSERT INTO placements VALUES (?,?,?,?,?,?,?,?)",
                     ((p.id, p.cluster, p.role, p.source, p.copied_from, p.root, p.delay_hours,
                       p.source_delay_hours) for p in placements.toLocalIterator()))
    conn.executemany("INSERT INTO judgements VALUES (?,?,?,?,?,?)",
                     ((j.id, j.against, j.verdict, j.spin_share, j.fact_changes,
                       json.dumps(list(j.facts), ensure_ascii=False)) for j in judged.toLocalIterator()))
    for stage in ("read", "candidates", "verify", "graph", "judge"):
        st.set(f"done:{stage}", "1")
        st.set(f"seconds:{stage}", f"{seconds[stage]:.3f}")
    conn.execute("COMMIT")
    seconds["collect"] = round(time.monotonic() - t0, 3)
    for x in (ided, skips, pg, pairs, edges, copy_edges, placements, judged):
        x.unpersist()
    bdups.unpersist()


def _node(i: int, p: Page) -> Node:
    return Node(i, p.url, p.published if p.date_source == "page" else p.seen, p.date_source, p.words)
