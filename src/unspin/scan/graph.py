"""Stage 4 of a scan: copy clusters, earliest sources, who copied whom.

Clusters are the connected components of the verified copy edges (union-find). Inside a
cluster pages are ordered by ``order_key``:

1. the page's time: its own publication date, else the date the crawler saw it (an upper
   bound: the page existed by then), pages with neither last;
2. at equal times a stated publication date before a crawl date;
3. then the longer page first (a source contains its excerpts; a mirror is as long as its
   source, and then)
4. the URL, so that the order is total and the result deterministic.

A page is a **copy** when some earlier page of the cluster explains it (trace's rule,
:mod:`unspin.scan.verify`); it was **copied from** the earlier page that explains it best
(highest similarity-weighted coverage, rounded to 0.001; ties to the earliest), which for a
copy of a copy is the intermediate copy. Every other page is an **original**; the
cluster's **source** is its earliest original. Delays are differences of the ordering times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from unspin.models import Record
from unspin.scan.verify import Edge

__all__ = ["Node", "Placement", "hours_between", "order_key", "place"]


@dataclass(frozen=True, slots=True)
class Node(Record):
    """What the graph stage needs of a page."""

    id: int
    url: str
    time: str | None
    date_source: str | None
    words: int


@dataclass(frozen=True, slots=True)
class Placement(Record):
    """A page's place in its cluster."""

    id: int
    cluster: int  # id of the cluster's source page
    role: str  # original | copy
    source: int
    copied_from: int | None = None
    root: int | None = None  # the original at the end of the copied_from chain
    delay_hours: float | None = None
    source_delay_hours: float | None = None


def order_key(n: Node) -> tuple[str, int, int, str]:
    return (n.time or "9999", 0 if n.date_source == "page" else 1, -n.words, n.url)


def parse_time(t: str | None) -> dt.datetime | None:
    """An ISO date or date-time (UTC when no zone is given), or None."""
    if not t:
        return None
    try:
        if len(t) == 10:
            return dt.datetime.fromisoformat(t).replace(tzinfo=dt.UTC)
        return dt.datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        return None


def hours_between(later: str | None, earlier: str | None) -> float | None:
    a, b = parse_time(later), parse_time(earlier)
    if a is None or b is None:
        return None
    return round((a - b).total_seconds() / 3600.0, 2)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        p = self.parent.setdefault(x, x)
        while p != self.parent[p]:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        root = p
        while x != root:
            x, self.parent[x] = self.parent[x], root
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(edges: Iterable[Edge]) -> dict[int, list[int]]:
    """Connected components of the copy edges: smallest id -> sorted member ids."""
    uf = _UnionFind()
    for e in edges:
        if e.copy:
            uf.union(e.a, e.b)
    out: dict[int, list[int]] = {}
    for x in sorted(uf.parent):
        out.setdefault(uf.find(x), []).append(x)
    return out


def place(nodes: dict[int, Node], edges: Sequence[Edge]) -> list[Placement]:
    """Placements of every page that takes part in a copy edge (see the module docstring)."""
    copy_edges = [e for e in edges if e.copy]
    comps = components(copy_edges)
    by_node: dict[int, list[Edge]] = {}
    for e in copy_edges:
        by_node.setdefault(e.a, []).append(e)
        by_node.setdefault(e.b, []).append(e)
    out: list[Placement] = []
    for members in comps.values():
        keys = {m: order_key(nodes[m]) for m in members}
        parent: dict[int, int | None] = {}
        for m in members:
            best: tuple[float, tuple[str, int, int, str], int] | None = None
            for e in by_node.get(m, ()):
                other, explained, score = ((e.b, e.a_in_b, e.score_a_by_b) if e.a == m
                                           else (e.a, e.b_in_a, e.score_b_by_a))
                if not explained or keys[other] >= keys[m]:
                    continue
                cand = (-round(score, 3), keys[other], other)
                if best is None or cand < best:
                    best = cand
            parent[m] = best[2] if best else None
        originals = sorted((m for m in members if parent[m] is None), key=lambda m: keys[m])
        source = originals[0]
        for m in members:
            root = m
            while parent[root] is not None:
                root = parent[root]  # type: ignore[assignment]
            p = parent[m]
            t = nodes[m].time
            out.append(Placement(
                id=m, cluster=source, role="copy" if p is not None else "original", source=source,
                copied_from=p, root=root if p is not None else None,
                delay_hours=hours_between(t, nodes[p].time) if p is not None else None,
                source_delay_hours=hours_between(t, nodes[source].time) if m != source else None))
    out.sort(key=lambda p: p.id)
    return out
