"""Output integrity and injection: atomic writes, safe unique file names, --html targets,
control and bidi characters neutralised on the terminal and in reports, CSP everywhere."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
from pathlib import Path

import pytest

from unspin.atomic import write_atomic
from unspin.cli import main
from unspin.errors import OutputError
from unspin.escape import for_report, for_terminal

EVIL = ("The council met on Tuesday \x1b]0;pwned\x07 and \x1b[2J cleared the screen; "
        "the file evil\u202eexe.txt was attached \x9b31m with about 4,000 pounds of costs.")


def test_atomic_write_keeps_the_old_file_on_a_full_disk(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "report.html"
    p.write_text("old report")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="disk is full"):
        write_atomic(p, "new report " * 1000)
    assert p.read_text() == "old report"
    assert [f.name for f in tmp_path.iterdir()] == ["report.html"]  # no temp file left


def test_atomic_write_replaces_whole(tmp_path: Path) -> None:
    p = tmp_path / "out.json"
    write_atomic(p, '{"a": 1}\n')
    write_atomic(p, b'{"b": 2}\n')
    assert json.loads(p.read_text()) == {"b": 2}


def test_synth_ids_get_distinct_safe_file_names(tmp_path: Path) -> None:
    from unspin.ingest import from_text
    from unspin.synth import make_dataset, write_dataset

    src = from_text("The mayor said the new bridge would open in May after two years of work. "
                    "About 1,200 people attended the ceremony on the river bank.", id="s1")
    [base] = make_dataset([src], rates=(0.3,), seed=1)
    ids = ["x/1", "x_1", "x:1", "y" * 300, "../escape"]
    copies = [dataclasses.replace(base, id=i) for i in ids]
    write_dataset(copies, [src], tmp_path / "ds")
    truth = json.loads((tmp_path / "ds" / "truth.json").read_text())
    recs = truth if isinstance(truth, list) else truth.get("copies", truth.get("records", []))
    files = [r["file"] for r in recs]
    assert len(set(files)) == len(ids), files
    for f in files:
        assert (tmp_path / "ds" / f).is_file() and len(Path(f).name) < 120
        assert (tmp_path / "ds" / f).resolve().parent == (tmp_path / "ds" / "copies").resolve()


def test_html_report_refuses_a_json_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The mayor said the bridge would open in May, with 1,200 people there.")
    b.write_text("The mayor stated the bridge would open in May, with 1,200 folks there.")
    code = main(["diff", str(a), str(b), "--html", str(tmp_path / "out.json")])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.strip().splitlines()) == 1 and ".json" in err, err
    assert not (tmp_path / "out.json").exists()


def test_terminal_output_has_no_escape_sequences(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "evil.txt"
    p.write_text(EVIL)
    assert main(["extract", str(p)]) == 0
    out, _ = capsys.readouterr()
    for bad in ("\x1b]", "\x1b[2J", "\u202e", "\x9b", "\x07"):
        assert bad not in out
    assert "\\u202e" in out and "\\u001b" in out
    assert main(["extract", "--json", str(p)]) == 0
    out, _ = capsys.readouterr()
    assert "\u202e" not in out
    assert "\u202e" in json.loads(out)["original"]  # the JSON still carries the text exactly


def test_file_names_in_errors_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = str(tmp_path / "x\x1b[2Jy\u202e.txt")
    assert main(["extract", name]) == 2
    _, err = capsys.readouterr()
    assert "\x1b[2J" not in err and "\u202e" not in err and "no such file" in err


def test_escape_helpers() -> None:
    assert for_terminal("a\x1b[31mb", keep_ours="colour") == "a\x1b[31mb"
    assert for_terminal("a\x1b[2Jb", keep_ours="colour") == "a\\u001b[2Jb"
    assert for_terminal("ok\n\tyes") == "ok\n\tyes"
    assert for_report("evil\u202eexe") == "evil\\u202eexe"


def test_reports_neutralise_bidi_and_carry_a_csp(tmp_path: Path) -> None:
    from unspin.differ import diff
    from unspin.ingest import from_text
    from unspin.report import render_html, render_trace_html
    from unspin.tracer import TraceResult

    # the report of a text with no source in the index
    page = render_trace_html(TraceResult(input="evil\u202eexe.txt <script>", id="evil\u202e<script>"),
                             headline="evil\u202eexe.txt <script>")
    assert "Content-Security-Policy" in page and "\u202e" not in page and "<script>" not in page
    src = from_text(EVIL.replace("Tuesday", "Monday"), id="s")
    copy = from_text(EVIL, id="c")
    html = render_html(diff(copy, src))
    assert "Content-Security-Policy" in html
    assert "\u202e" not in html and "\x1b" not in html
