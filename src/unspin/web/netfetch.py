"""The web app's URL fetching: the address policy lives in :mod:`unspin.netpolicy`, shared
with the command line (``unspin extract URL``); this module re-exports it."""

from __future__ import annotations

from unspin.netpolicy import Resolver, SafeFetcher, check_address, host_port

__all__ = ["Resolver", "SafeFetcher", "check_address", "host_port"]
