"""``unspin scan``: a whole crawl in; copy clusters, earliest sources, verdicts and per-site
rates out.

Stages (each a plain function over records, so another engine can run them per partition):
read and extract (:mod:`.read`), candidate pairs from spin-invariant anchors
(:mod:`.candidates`), verification with trace's test (:mod:`.verify`), clusters and sources
(:mod:`.graph`), judgement with diff (:mod:`.judge`), outputs and dashboard (:mod:`.outputs`,
:mod:`.dashboard`). :func:`scan` runs them locally with a resumable state
(:mod:`.engine`).
"""

from __future__ import annotations

from unspin.scan.candidates import CandidateOptions
from unspin.scan.engine import ScanOptions, ScanSummary, scan

__all__ = ["CandidateOptions", "ScanOptions", "ScanSummary", "scan"]
