"""A named pipe without a writer does not hang; an article inside 100,000 nested divs is read."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from unspin.cli import main
from unspin.errors import InputError
from unspin.ingest import from_html, read

BODY = ("The harbour board said about 1,200 ships called last year, up from 900 the year "
        "before, and that the new quay would open in May after two years of building work.")

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


@fifo_only
def test_fifo_without_writer_times_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "pipe.txt"
    os.mkfifo(p)
    t0 = time.monotonic()
    with pytest.raises(InputError, match="named pipe with no writer"):
        list(read(str(p), timeout=1))
    assert time.monotonic() - t0 < 10
    assert main(["extract", "--timeout", "1", str(p)]) == 2
    _, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and "no writer" in err


@fifo_only
def test_fifo_with_a_writer_is_read(tmp_path: Path) -> None:
    p = tmp_path / "pipe.txt"
    os.mkfifo(p)

    def write() -> None:
        with open(p, "w") as fh:
            fh.write(BODY)

    t = threading.Thread(target=write)
    t.start()
    [art] = read(str(p), timeout=10)
    t.join()
    assert "harbour board" in art.text


def test_article_inside_100k_nested_divs() -> None:
    page = ("<html><head><title>Deep</title></head><body>" + "<div>" * 100_000 +
            f"<article><p>{BODY}</p><p>{BODY.replace('May', 'June')}</p></article>" +
            "</div>" * 100_000 + "</body></html>")
    art = from_html(page)
    assert "harbour board" in art.text
