"""Stage 6 of a scan: the output files, written from the state in a fixed order.

``articles.jsonl``, ``clusters.jsonl``, ``sites.csv`` (and ``site_sources.csv``), the same
tables as Parquet (the articles also as ``articles_by_site/site=<site>/part-0.parquet``, a
Hive-partitioned dataset that pyarrow, DuckDB and Spark read with the ``site`` column restored),
one SQLite file ``scan.sqlite`` (open it with datasette or sqlite-utils),
``report.html`` (the dashboard) with its JSON twin ``report.json``, and side-by-side reports
of the copies in the largest clusters under ``copies/``. Every file is written to a
temporary name and renamed, so a crash never leaves a half-written table behind.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from unspin.errors import OutputError

__all__ = ["ARTICLE_FIELDS", "SITE_FIELDS", "write_outputs"]

ARTICLE_FIELDS = ("url", "site", "title", "published", "seen", "date_source", "cluster", "role",
                  "source_url", "copied_from_url", "delay_hours", "source_delay_hours", "verdict",
                  "spin_share", "fact_changes", "report")
SITE_FIELDS = ("site", "articles", "originals", "copies", "copy_rate", "spun_rate",
               "distortion_rate", "median_delay_hours")
CLUSTER_FIELDS = ("cluster", "size", "copies", "sites", "source_url", "source_site", "title",
                  "published", "verbatim", "rewritten", "distorted", "max_delay_hours")


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def _commit(path: Path) -> None:
    os.replace(_tmp(path), path)


def _by_site(out: Path) -> None:
    """``articles.parquet`` (still under its temporary name) again as a Hive-partitioned dataset
    ``articles_by_site/site=<site>/part-N.parquet``, as Spark's ``partitionBy("site")`` lays it out.
    Streamed batch by batch on one thread (bounded memory, rows in file order); the folder is
    swapped in whole, so a crash leaves the old one or the new one."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    final, tmp, old = out / "articles_by_site", _tmp(out / "articles_by_site"), out / "articles_by_site.old"
    for d in (tmp, old):
        shutil.rmtree(d, ignore_errors=True)
    ds.write_dataset(ds.dataset(str(_tmp(out / "articles.parquet")), format="parquet"), str(tmp),
                     format="parquet", partitioning=ds.partitioning(pa.schema([("site", pa.string())]), flavor="hive"),
                     basename_template="part-{i}.parquet", use_threads=False, existing_data_behavior="error")
    tmp.mkdir(exist_ok=True)  # no rows, no folder: an empty crawl gets an empty dataset
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


def _article_rows(conn: sqlite3.Connection, cluster_no: dict[int, int],
                  reports: dict[int, str]) -> Iterator[dict[str, Any]]:
    q = """SELECT p.id, p.url, p.site, p.title, p.published, p.seen, p.date_source, pl.cluster, pl.role,
                  src.url, cf.url, pl.delay_hours, pl.source_delay_hours, j.verdict, j.spin_share,
                  j.fact_changes, cf.site
           FROM pages p LEFT JOIN placements pl ON pl.id = p.id LEFT JOIN judgements j ON j.id = p.id
           LEFT JOIN pages src ON src.id = pl.source LEFT JOIN pages cf ON cf.id = pl.copied_from
           ORDER BY p.id"""
    for (pid, url, site, title, pub, seen, ds, cl, role, src, cf, delay, sdelay, verdict, spin,
         facts, cf_site) in conn.execute(q):
        yield {"id": pid, "url": url, "site": site, "title": title, "published": pub, "seen": seen,
               "date_source": ds, "cluster": cluster_no.get(cl) if cl is not None else None,
               "role": role or "original", "source_url": src if role == "copy" else (src if cl else None),
               "copied_from_url": cf, "delay_hours": delay, "source_delay_hours": sdelay,
               "verdict": verdict, "spin_share": spin, "fact_changes": facts,
               "report": reports.get(pid), "copied_from_site": cf_site}


def _rate(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def write_outputs(conn: sqlite3.Connection, out: Path, opts: Any) -> dict[str, Any]:
    """Write every output file; returns the counts for the scan summary."""
    from unspin.scan.dashboard import render_dashboard
    from unspin.scan.engine import skip_counts

    try:
        return _write(conn, out, opts, render_dashboard, skip_counts(conn))
    except OSError as exc:
        raise OutputError(f"cannot write the scan outputs ({exc.strerror or exc})", input=str(out)) from None


def _write(conn: sqlite3.Connection, out: Path, opts: Any, render: Any, skips: dict[str, int]) -> dict[str, Any]:
    # clusters, numbered 1.. in the order of their source page
    sizes: dict[int, int] = {}
    for cl, n in conn.execute("SELECT cluster, COUNT(*) FROM placements GROUP BY cluster ORDER BY cluster"):
        sizes[cl] = n
    cluster_no = {cl: k + 1 for k, cl in enumerate(sorted(sizes))}
    largest = sorted(sizes, key=lambda c: (-sizes[c], c))[: max(0, int(opts.copy_reports))]
    reports = _copy_reports(conn, out, largest)

    sites: dict[str, dict[str, Any]] = defaultdict(lambda: {"articles": 0, "originals": 0, "copies": 0,
                                                            "rewritten": 0, "distorted": 0, "delays": []})
    sources: Counter[tuple[str, str]] = Counter()
    clusters: dict[int, dict[str, Any]] = {}
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    shown = {cluster_no[c] for c in largest}
    verdicts: Counter[str] = Counter()
    n_pages = 0
    import pyarrow as pa
    import pyarrow.parquet as pq

    art_schema = pa.schema([("url", pa.string()), ("site", pa.string()), ("title", pa.string()),
                            ("published", pa.string()), ("seen", pa.string()), ("date_source", pa.string()),
                            ("cluster", pa.int64()), ("role", pa.string()), ("source_url", pa.string()),
                            ("copied_from_url", pa.string()), ("delay_hours", pa.float64()),
                            ("source_delay_hours", pa.float64()), ("verdict", pa.string()),
                            ("spin_share", pa.float64()), ("fact_changes", pa.int64()), ("report", pa.string())])
    db_path = out / "scan.sqlite"
    _tmp(db_path).unlink(missing_ok=True)
    db = sqlite3.connect(str(_tmp(db_path)))
    db.execute(f"CREATE TABLE articles ({', '.join(ARTICLE_FIELDS)})")
    writer = pq.ParquetWriter(str(_tmp(out / "articles.parquet")), art_schema)
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=art_schema))
            db.executemany(f"INSERT INTO articles VALUES ({','.join('?' * len(ARTICLE_FIELDS))})",
                           [tuple(r[k] for k in ARTICLE_FIELDS) for r in batch])
            batch.clear()

    with open(_tmp(out / "articles.jsonl"), "w", encoding="utf-8") as fh:
        for row in _article_rows(conn, cluster_no, reports):
            n_pages += 1
            rec = {k: row[k] for k in ARTICLE_FIELDS}
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
            batch.append(rec)
            if len(batch) >= 5000:
                flush()
            s = sites[row["site"]]
            s["articles"] += 1
            if row["role"] == "copy":
                s["copies"] += 1
                verdicts[row["verdict"] or "unjudged"] += 1
                if row["verdict"] in ("rewritten", "distorted"):
                    s[row["verdict"]] += 1
                if row["source_delay_hours"] is not None:
                    s["delays"].append(row["source_delay_hours"])
                if row["copied_from_site"]:
                    sources[(row["site"], row["copied_from_site"])] += 1
            else:
                s["originals"] += 1
            cl = row["cluster"]
            if cl is not None:
                c = clusters.setdefault(cl, {"cluster": cl, "size": 0, "copies": 0, "sites": set(),
                                             "verbatim": 0, "rewritten": 0, "distorted": 0,
                                             "max_delay_hours": None})
                c["size"] += 1
                c["sites"].add(row["site"])
                if row["role"] == "copy":
                    c["copies"] += 1
                    if row["verdict"] in ("verbatim", "rewritten", "distorted"):
                        c[row["verdict"]] += 1
                    d = row["source_delay_hours"]
                    if d is not None and (c["max_delay_hours"] is None or d > c["max_delay_hours"]):
                        c["max_delay_hours"] = d
                elif row["url"] == row["source_url"]:
                    c.update(source_url=row["url"], source_site=row["site"], title=row["title"],
                             published=row["published"] or row["seen"])
                if cl in shown:
                    members[cl].append({k: row[k] for k in ("url", "site", "title", "published", "seen",
                                                            "role", "copied_from_url", "delay_hours",
                                                            "source_delay_hours", "verdict", "spin_share",
                                                            "fact_changes", "report")})
        flush()
    writer.close()
    _by_site(out)
    _commit(out / "articles.jsonl")
    _commit(out / "articles.parquet")

    cluster_rows = []
    for cl in sorted(clusters):
        c = clusters[cl]
        c["sites"] = len(c["sites"])
        cluster_rows.append({k: c.get(k) for k in CLUSTER_FIELDS})
    site_rows = []
    for site in sorted(sites):
        s = sites[site]
        site_rows.append({"site": site, "articles": s["articles"], "originals": s["originals"],
                          "copies": s["copies"], "copy_rate": _rate(s["copies"], s["articles"]),
                          "spun_rate": _rate(s["rewritten"] + s["distorted"], s["articles"]),
                          "distortion_rate": _rate(s["distorted"], s["articles"]),
                          "median_delay_hours": round(statistics.median(s["delays"]), 2) if s["delays"] else None})
    source_rows = [{"site": a, "copies_from": b, "copies": n}
                   for (a, b), n in sorted(sources.items(), key=lambda x: (x[0][0], -x[1], x[0][1]))]

    with open(_tmp(out / "clusters.jsonl"), "w", encoding="utf-8") as fh:
        for row in cluster_rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    _commit(out / "clusters.jsonl")
    for name, fields, rows in (("sites", SITE_FIELDS, site_rows),
                               ("site_sources", ("site", "copies_from", "copies"), source_rows)):
        with open(_tmp(out / f"{name}.csv"), "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(fields), lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r[k] is None else r[k]) for k in fields})
        _commit(out / f"{name}.csv")
    tables: list[tuple[str, tuple[str, ...], list[dict[str, Any]]]] = [
        ("clusters", CLUSTER_FIELDS, cluster_rows), ("sites", SITE_FIELDS, site_rows),
        ("site_sources", ("site", "copies_from", "copies"), source_rows)]
    for tname, tfields, trows in tables:
        table = (pa.Table.from_pylist(trows) if trows
                 else pa.table({k: pa.array([], pa.string()) for k in tfields}))
        pq.write_table(table, str(_tmp(out / f"{tname}.parquet")))
        _commit(out / f"{tname}.parquet")
        db.execute(f"CREATE TABLE {tname} ({', '.join(tfields)})")
        db.executemany(f"INSERT INTO {tname} VALUES ({','.join('?' * len(tfields))})",
                       [tuple(r[k] for k in tfields) for r in trows])
    db.execute("CREATE TABLE skipped (reason, records)")
    db.executemany("INSERT INTO skipped VALUES (?, ?)", sorted(skips.items()))
    db.execute("CREATE INDEX articles_site ON articles(site)")
    db.execute("CREATE INDEX articles_cluster ON articles(cluster)")
    db.commit()
    db.close()
    _commit(db_path)

    copies = sum(verdicts.values())
    n_records = int(conn.execute("SELECT COUNT(*) FROM skips").fetchone()[0]) + n_pages
    candidates = int(conn.execute("SELECT COUNT(*) FROM pairs").fetchone()[0])
    edges = int(conn.execute("SELECT COUNT(*) FROM edges WHERE a_in_b = 1 OR b_in_a = 1").fetchone()[0])
    summary = {"records": n_records, "pages": n_pages, "skipped": skips, "candidates": candidates,
               "edges": edges, "clusters": len(cluster_rows), "copies": copies,
               "verdicts": {k: verdicts.get(k, 0) for k in ("verbatim", "rewritten", "distorted")}}
    top = []
    for cl in largest:
        no = cluster_no[cl]
        top.append({**{k: clusters[no].get(k) for k in CLUSTER_FIELDS}, "members": members[no]})
    data = {"schema_version": 1, "summary": summary, "sites": site_rows, "site_sources": source_rows,
            "clusters": top}
    with open(_tmp(out / "report.json"), "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
    _commit(out / "report.json")
    with open(_tmp(out / "report.html"), "w", encoding="utf-8") as fh:
        fh.write(render(data))
    _commit(out / "report.html")
    return summary


def _copy_reports(conn: sqlite3.Connection, out: Path, clusters: list[int]) -> dict[int, str]:
    """Side-by-side diff reports (HTML + JSON twin) of the copies in ``clusters``."""
    from unspin.report import render_html
    from unspin.scan.judge import diff_texts

    if not clusters:
        return {}
    d = out / "copies"
    d.mkdir(exist_ok=True)
    q = ",".join("?" * len(clusters))
    rows = conn.execute(f"""SELECT p.id, p.url, p.text, r.id, r.url, r.text FROM placements pl
        JOIN pages p ON p.id = pl.id JOIN pages r ON r.id = pl.root
        WHERE pl.role = 'copy' AND pl.cluster IN ({q}) ORDER BY p.id""", clusters).fetchall()
    out_map: dict[int, str] = {}
    for cid, curl, ctext, _sid, surl, stext in rows:
        name = f"copies/{cid}.html"
        path = out / name
        if not path.exists():
            result = diff_texts(ctext, stext, curl, surl)
            with open(_tmp(path), "w", encoding="utf-8") as fh:
                fh.write(render_html(result, title=f"{curl} copied from {surl}"))
            twin = path.with_suffix(".json")
            with open(_tmp(twin), "w", encoding="utf-8") as fh:
                fh.write(result.to_json(sort_keys=True))
            _commit(twin)
            _commit(path)
        out_map[cid] = name
    return out_map
