"""``unspin serve``: the web app and JSON API (needs the ``[web]`` extra).

Binding beyond loopback (anything but 127.0.0.1, ::1, localhost) needs a token
(``--token`` or ``UNSPIN_TOKEN``): write endpoints (adding to the index, deleting results)
then ask for it. Ctrl-C stops gracefully: the running job is checkpointed and resumes at the
next start.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path

import typer

from unspin.errors import InputError

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        db: Path | None = typer.Option(None, "--db", help="Index file to trace against and add to "
                                                          "(created by the first corpus upload)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; beyond loopback a token is required."),
        port: int = typer.Option(8000, "--port", min=0, max=65535),
        data: Path = typer.Option(Path("unspin-data"), "--data",
                                  help="Directory for stored results (permanent links), jobs and uploads."),
        token: str | None = typer.Option(None, "--token", envvar="UNSPIN_TOKEN",
                                         help="Token required by write endpoints (env UNSPIN_TOKEN)."),
        scans: list[Path] = typer.Option([], "--scans", help="An 'unspin scan' output folder to browse (repeatable)."),
        max_upload_mb: float = typer.Option(100.0, "--max-upload-mb", min=0.01, help="Cap on corpus uploads."),
        max_body_mb: float = typer.Option(2.0, "--max-body-mb", min=0.01, help="Cap on other request bodies."),
        rate_limit: float = typer.Option(60.0, "--rate-limit", min=0.0,
                                         help="POST requests per minute per client (0: no limit)."),
        timeout: float = typer.Option(60.0, "--timeout", min=1.0, help="Seconds before a request is abandoned."),
        access_log: bool = typer.Option(True, "--access-log/--no-access-log",
                                        help="One JSON line per request on stderr."),
        keep_days: float = typer.Option(30.0, "--keep-days", min=0.0,
                                        help="Delete stored results and finished jobs older than this "
                                             "(0: keep them)."),
        max_results: int = typer.Option(20_000, "--max-results", min=0,
                                        help="Keep at most this many stored results, deleting the oldest "
                                             "(0: no cap)."),
    ) -> None:
        """Start the web app: paste a text, get where it came from and what changed.

        Example: unspin serve --db news.unspin   (then open http://127.0.0.1:8000/)
        """
        from unspin.web import create_app, require_web
        from unspin.web.app import ServeConfig

        require_web()
        if not is_loopback(host) and not token:
            raise InputError(f"refusing to listen on {host} without a token", input="--host",
                             hint="set --token or UNSPIN_TOKEN (write endpoints will require it), "
                                  "or bind to 127.0.0.1")
        for s in scans:
            if not s.is_dir():
                raise InputError("not a directory (expected an 'unspin scan --out' folder)", input=str(s))
        import uvicorn

        alog = logging.getLogger("unspin.web.access")
        alog.propagate = False
        if access_log:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(message)s"))
            alog.addHandler(handler)
            alog.setLevel(logging.INFO)
        else:
            alog.disabled = True
        logging.getLogger("unspin.web").setLevel(logging.INFO)
        cfg = ServeConfig(db=db, data=data, host=host, token=token or None, max_body_mb=max_body_mb,
                          max_upload_mb=max_upload_mb, rate_per_minute=rate_limit, timeout=timeout,
                          scans=list(scans), warm_up=True, keep_days=keep_days, max_results=max_results,
                          # on loopback, answer only to loopback names: a web page cannot reach
                          # the server through a name it controls (DNS rebinding)
                          allowed_hosts=LOOPBACK_NAMES if is_loopback(host) else None)
        web = create_app(cfg)
        typer.echo(f"unspin serve: http://{host if ':' not in host else f'[{host}]'}:{port}/ "
                   f"(data in {data}{', index ' + str(db) if db else ', no index'}; Ctrl-C stops)", err=True)
        uvicorn.run(web, host=host, port=port, access_log=False, log_level="warning",
                    timeout_graceful_shutdown=30, server_header=False)
