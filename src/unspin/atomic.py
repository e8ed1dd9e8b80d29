"""Write output files atomically: a temporary file in the same directory, flushed and
fsynced, then renamed over the target. A crash, a kill or a full disk leaves either the old
file or the complete new one, never a truncated report or an empty ``sources.jsonl``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from unspin.errors import OutputError

__all__ = ["atomic_open", "write_atomic"]


def _error(path: Path, exc: OSError) -> OutputError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError("the disk is full: nothing written (any previous file is kept)",
                           input=str(path), hint="free some space and rerun")
    return OutputError(f"cannot write: {exc.strerror or exc}", input=str(path))


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", **kw: Any) -> Iterator[IO[Any]]:
    """``open(path, mode)`` that only replaces ``path`` when the block completes.

    Raises:
        OutputError: the file cannot be written (the target is left as it was).
    """
    p = Path(path)
    if "w" not in mode:
        raise ValueError("atomic_open writes whole files: mode must contain 'w'")
    if "b" not in mode:
        kw.setdefault("encoding", "utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    except OSError as exc:
        raise _error(p, exc) from None
    done = False
    try:
        with os.fdopen(fd, mode, **kw) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, 0o666 & ~_umask())
        except OSError:
            pass
        os.replace(tmp, p)
        done = True
        with contextlib.suppress(OSError):  # make the rename itself durable
            dfd = os.open(p.parent or ".", os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
    except OSError as exc:
        raise _error(p, exc) from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; see :func:`atomic_open`."""
    with atomic_open(path, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
