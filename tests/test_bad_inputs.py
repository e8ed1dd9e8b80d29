"""Black-box bad-input tests of every command: one readable line naming the input, a
non-zero exit (or the documented partial-success code), no traceback, index left intact."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from unspin.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BODY = ("The council approved the new budget on Tuesday after a long debate about schools, "
        "roads and the library. Members said the plan would cost about 4,000 pounds more than "
        "last year. The mayor, Ann Lee, said the vote was a relief for the town.")
UNREACHABLE = "http://127.0.0.1:9/"  # nothing listens there: refused at once


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str, name: str) -> str:
    """The single stderr line, which must name ``name``; no traceback."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert name in lines[0], err
    assert lines[0].startswith("unspin: "), err
    return lines[0]


@pytest.fixture
def bad(tmp_path: Path) -> dict[str, Path]:
    """A directory of bad inputs, by case name."""
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "random.bin": bytes(range(256)) * 16,
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "undecodable.txt": b"Hello \xff\xfe\xfa world \x80\x81\x82 " * 50,
        "zero.gz": b"",
        "corrupt.gz": b"\x1f\x8b\x08\x00garbage" + bytes(range(100)),
        "truncated.txt.gz": gzip.compress(("word " * 5000).encode())[:40],
        "menu.html": b"<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav>"
                     b"<script>var a=1;</script></body></html>",
        "shell.html": b"<html><body></body></html>",
        "notext.csv": b"id,title,body\n1,hello,world\n",
        "header.csv": b"id,title,text\n",
        "truncated.warc": b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nHTTP/1.1 200 OK\r\n",
        "info.warc": b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n",
        "notsqlite.db": b"this is not sqlite at all\n" * 100,
        "one.txt": b"Hello",
        "copy.txt": BODY.encode(),
        # hostile inputs (issue 15): 70 MiB of newlines and of one letter in ~70 KB of gzip
        # (the bomb ratio cap itself: tests/test_limits.py), JSON nested 100,000 deep
        "newlines.jsonl.gz": gzip.compress(b"\n" * (1 << 20), 9) * 70,
        "bomb.txt.gz": gzip.compress(b"x" * (1 << 20), 9) * 70,
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
    }
    out = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    (tmp_path / "adir").mkdir()
    out["adir"] = tmp_path / "adir"
    out["missing.txt"] = tmp_path / "missing.txt"
    return out


# --------------------------------------------------------------------------- whole inputs

WHOLE_INPUT_CASES = [
    ("missing.txt", "no such file"),
    ("adir", "is a directory"),
    ("empty.txt", "input is empty"),
    ("random.bin", "binary data"),
    ("image.txt", "PNG image"),
    ("undecodable.txt", "cannot decode"),
    ("zero.gz", "input is empty"),
    ("corrupt.gz", "corrupt gzip"),
    ("truncated.txt.gz", "corrupt gzip"),
    ("menu.html", "no article text"),
    ("shell.html", "no article text"),
    ("notext.csv", "no 'text' or 'html' column"),
    ("header.csv", "no rows"),
    ("truncated.warc", "truncated WARC"),
    ("info.warc", "no HTML page"),
    ("newlines.jsonl.gz", "input is empty"),
    ("bomb.txt.gz", "too big for a single article"),
    ("deep.json", "nested too deeply"),
]


@pytest.mark.parametrize(("case", "problem"), WHOLE_INPUT_CASES)
@pytest.mark.parametrize("command", ["extract", "check", "trace", "diff-copy", "diff-source", "synth"])
def test_unreadable_input(capsys, tmp_path, bad, case, problem, command):
    path = str(bad[case])
    if command == "trace":
        assert main(["index", "add", "--no-progress", "--db", str(tmp_path / "ix.unspin"),
                     str(bad["copy.txt"])]) == 0
        capsys.readouterr()
        args = ["trace", "--db", str(tmp_path / "ix.unspin"), path]
    elif command == "diff-copy":
        args = ["diff", path, str(bad["copy.txt"])]
    elif command == "diff-source":
        args = ["diff", str(bad["copy.txt"]), path]
    elif command == "synth":
        args = ["synth", path, "--out", str(tmp_path / "synth")]
    else:
        args = [command, path]
    code, _, err = run(capsys, *args)
    assert code == 2, err
    line = one_line(err, path)
    assert problem in line


@pytest.mark.parametrize("command", ["extract", "check", "diff", "trace"])
def test_unreachable_url(capsys, tmp_path, bad, command):
    if command == "trace":
        main(["index", "add", "--no-progress", "--db", str(tmp_path / "ix.unspin"), str(bad["copy.txt"])])
        capsys.readouterr()
        args = ["trace", "--db", str(tmp_path / "ix.unspin"), UNREACHABLE]
    elif command == "diff":
        args = ["diff", str(bad["copy.txt"]), UNREACHABLE]
    else:
        args = [command, "--timeout", "5", UNREACHABLE] if command == "extract" else [command, UNREACHABLE]
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "[U120]" in one_line(err, UNREACHABLE)


def test_extraction_library_noise_is_silenced(bad):
    """trafilatura's own log lines ("discarding data: None") must not add stderr lines."""
    proc = subprocess.run([sys.executable, "-m", "unspin", "extract", str(bad["shell.html"])],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 2
    one_line(proc.stderr, str(bad["shell.html"]))


# --------------------------------------------------------------------------- corpus records

def mixed_corpus(tmp_path: Path) -> Path:
    lines = [json.dumps({"id": "good1", "title": "One", "text": BODY}),
             "{bad json",
             json.dumps([1, 2, 3]),
             json.dumps({"id": "notext", "title": "no text"}),
             json.dumps({"id": "good2", "title": "Two", "text": BODY.replace("council", "board")}),
             json.dumps({"id": "numtext", "text": 42})]
    p = tmp_path / "mixed.jsonl"
    p.write_text("\n".join(lines) + "\n")
    return p


BAD_LINES = {2: "malformed JSON line", 3: "expected a JSON object", 4: "no 'text' or 'html' field",
             6: "is a JSON int, not a string"}


def assert_bad_lines(err: str, corpus: Path) -> None:
    assert "Traceback" not in err
    for n, problem in BAD_LINES.items():
        hits = [line for line in err.splitlines() if f"{corpus}:{n}:" in line]
        assert len(hits) == 1 and problem in hits[0], err


def test_extract_corpus_with_bad_lines(capsys, tmp_path):
    corpus = mixed_corpus(tmp_path)
    code, out, err = run(capsys, "extract", "--json", str(corpus))
    assert code == 1
    assert [json.loads(x)["id"] for x in out.splitlines()] == ["good1", "good2"]
    assert_bad_lines(err, corpus)


def test_index_add_corpus_with_bad_lines_keeps_index_consistent(capsys, tmp_path):
    corpus, db = mixed_corpus(tmp_path), str(tmp_path / "ix.unspin")
    code, out, err = run(capsys, "index", "add", "--no-progress", "--json", "--db", db, str(corpus))
    assert code == 1
    assert_bad_lines(err, corpus)
    counts = json.loads(out)
    assert counts["added"] == 2 and counts["failed"] == 4 and counts["articles"] == 2
    code, out, err = run(capsys, "index", "stats", "--json", "--db", db)
    assert code == 0 and json.loads(out)["articles"] == 2, err
    # a rerun skips what is already in
    code, out, err = run(capsys, "index", "add", "--no-progress", "--json", "--db", db, str(corpus))
    assert code == 1
    counts = json.loads(out)
    assert counts["added"] == 0 and counts["skipped"] == 2 and counts["articles"] == 2


def test_trace_corpus_with_bad_lines(capsys, tmp_path):
    corpus, db = mixed_corpus(tmp_path), str(tmp_path / "ix.unspin")
    main(["index", "add", "--no-progress", "--db", db, str(corpus)])
    capsys.readouterr()
    code, out, err = run(capsys, "trace", "--json", "--no-changes", "--db", db, str(corpus))
    assert code == 1
    assert len(out.splitlines()) == 2
    assert_bad_lines(err, corpus)


def test_csv_unclosed_quote_is_a_bad_row(capsys, tmp_path):
    p = tmp_path / "q.csv"
    p.write_text(f'id,text\n1,"{BODY}\n2,unclosed quote above swallows this row\n')
    code, out, err = run(capsys, "extract", "--json", str(p))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert "Traceback" not in err and len(lines) == 2
    assert f"{p}:2: malformed CSV row" in lines[0] and "1 record(s) skipped" in lines[1]


def test_check_corpus_with_bad_lines(capsys, tmp_path):
    corpus = mixed_corpus(tmp_path)
    code, out, err = run(capsys, "check", "--json", str(corpus))
    assert code == 1
    assert [json.loads(x)["id"] for x in out.splitlines()] == ["good1", "good2"]
    assert_bad_lines(err, corpus)
    assert "4 record(s) skipped" in err


def test_synth_corpus_with_bad_lines(capsys, tmp_path):
    corpus = mixed_corpus(tmp_path)
    code, out, err = run(capsys, "synth", str(corpus), "--out", str(tmp_path / "s"), "--min-words", "5")
    assert code == 1, err
    assert_bad_lines(err, corpus)
    assert (tmp_path / "s" / "truth.json").exists()


# --------------------------------------------------------------------------- --db

@pytest.mark.parametrize("command", ["trace", "stats", "add"])
@pytest.mark.parametrize(("case", "problem"), [
    ("adir", "is a directory"),
    ("notsqlite.db", "not an SQLite database"),
    ("truncated", "damaged index: the file is truncated"),
    ("other-sqlite", "not an unspin index"),
    ("no-parent", "does not exist"),
])
def test_bad_db(capsys, tmp_path, bad, command, case, problem):
    if case == "truncated":
        good = tmp_path / "good.unspin"
        main(["index", "add", "--no-progress", "--db", str(good), str(SAMPLES / "articles.jsonl")])
        capsys.readouterr()
        db = tmp_path / "truncated.unspin"
        db.write_bytes(good.read_bytes()[:3000])
    elif case == "other-sqlite":
        db = tmp_path / "other.db"
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE t(x)")
        conn.close()
    elif case == "no-parent":
        if command != "add":
            pytest.skip("only 'index add' creates an index")
        db = tmp_path / "nodir" / "ix.unspin"
    else:
        db = bad[case]
    before = db.read_bytes() if db.is_file() else None
    args = {"trace": ["trace", "--db", str(db), str(bad["copy.txt"])],
            "stats": ["index", "stats", "--db", str(db)],
            "add": ["index", "add", "--no-progress", "--db", str(db), str(bad["copy.txt"])]}[command]
    code, _, err = run(capsys, *args)
    assert code == 2
    assert problem in one_line(err, str(db))
    if before is not None:
        assert db.read_bytes() == before  # a file that is not our index is never touched


@pytest.mark.parametrize("command", ["trace", "stats"])
def test_missing_db_says_how_to_make_one(capsys, tmp_path, bad, command):
    db = tmp_path / "none.unspin"
    args = ["trace", "--db", str(db), str(bad["copy.txt"])] if command == "trace" else \
        ["index", "stats", "--db", str(db)]
    code, _, err = run(capsys, *args)
    assert code == 2
    line = one_line(err, str(db))
    assert "no index here" in line and "unspin index add --db" in line
    assert not db.exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="file permissions are not enforced for root")
def test_readonly_index(capsys, tmp_path, bad):
    db = tmp_path / "ix.unspin"
    main(["index", "add", "--no-progress", "--db", str(db), str(bad["copy.txt"])])
    capsys.readouterr()
    db.chmod(0o444)
    try:
        code, _, err = run(capsys, "index", "add", "--no-progress", "--db", str(db),
                           str(SAMPLES / "articles.jsonl"))
        assert code == 2
        assert "[U240]" in one_line(err, str(db))
        code, out, err = run(capsys, "index", "stats", "--json", "--db", str(db))
        assert code == 0 and json.loads(out)["articles"] == 1, err
    finally:
        db.chmod(0o644)


def test_immutable_index_is_refused_for_writing_and_still_read(capsys, tmp_path, bad):
    """Read-only even for root: the immutable attribute (where chattr works)."""
    import shutil

    if shutil.which("chattr") is None:
        pytest.skip("no chattr")
    db = tmp_path / "ix.unspin"
    main(["index", "add", "--no-progress", "--db", str(db), str(bad["copy.txt"])])
    capsys.readouterr()
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode:
        pytest.skip("cannot set the immutable attribute here")
    try:
        code, _, err = run(capsys, "index", "add", "--no-progress", "--db", str(db),
                           str(SAMPLES / "articles.jsonl"))
        assert code == 2
        line = one_line(err, str(db))
        assert "[U240]" in line and "read-only" in line
        code, out, err = run(capsys, "index", "stats", "--json", "--db", str(db))
        assert code == 0 and json.loads(out)["articles"] == 1, err
        code, out, err = run(capsys, "trace", "--json", "--no-changes", "--db", str(db), str(bad["copy.txt"]))
        # read fine; the only indexed article is the input itself, which is never its own source
        assert code == 0 and json.loads(out)["sources"] == [], err
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=False)


# --------------------------------------------------------------------------- outputs

@pytest.mark.parametrize("command", ["trace", "diff"])
@pytest.mark.parametrize("where", ["nodir", "adir", "under-file"])
def test_unwritable_html(capsys, tmp_path, bad, command, where):
    out = {"nodir": tmp_path / "nodir" / "r.html", "adir": bad["adir"],
           "under-file": bad["copy.txt"] / "r.html"}[where]
    if command == "trace":
        db = str(tmp_path / "ix.unspin")
        main(["index", "add", "--no-progress", "--db", db, str(bad["copy.txt"])])
        capsys.readouterr()
        args = ["trace", "--db", db, str(bad["copy.txt"]), "--html", str(out)]
    else:
        args = ["diff", str(bad["copy.txt"]), str(bad["copy.txt"]), "--html", str(out)]
    code, stdout, err = run(capsys, *args)
    assert code == 2
    assert "[U300]" in one_line(err, str(out))
    assert stdout == ""  # refused before any work


def test_synth_out_is_a_file(capsys, tmp_path, bad):
    code, _, err = run(capsys, "synth", str(SAMPLES / "articles.jsonl"), "--out", str(bad["copy.txt"]))
    assert code == 2
    assert "[U300]" in one_line(err, str(bad["copy.txt"]))


def test_synth_write_dataset_to_a_file_raises_output_error(tmp_path, bad):
    from unspin.errors import OutputError
    from unspin.synth import write_dataset

    with pytest.raises(OutputError, match="copy.txt"):
        write_dataset([], [], bad["copy.txt"] / "sub")


@pytest.mark.parametrize(("option", "value"), [("--rate", "2.0"), ("--rate", "-1"), ("--per-article", "0"),
                                               ("--spinner", "bogus"), ("--fact-edits", "-3")])
def test_synth_bad_options_are_usage_errors(capsys, tmp_path, option, value):
    code, _, err = run(capsys, "synth", str(SAMPLES / "articles.jsonl"), "--out", str(tmp_path / "s"),
                       option, value)
    assert code == 2
    assert "Traceback" not in err and f"Invalid value for '{option}'" in err
    assert not (tmp_path / "s").exists()


# --------------------------------------------------------------------------- odd but valid

@pytest.mark.parametrize("repeated", [False, True])
def test_diff_same_file_twice(capsys, tmp_path, bad, repeated):
    path = bad["copy.txt"]
    if repeated:  # the same sentence eight times: each must pair with its own repetition
        path = tmp_path / "repeated.txt"
        path.write_text(" ".join(["The council approved the new budget on Tuesday after a long "
                                  "debate about schools and roads."] * 8))
    code, out, err = run(capsys, "diff", "--json", str(path), str(path))
    assert code == 0 and err == ""
    summary = json.loads(out)["summary"]
    assert summary["counts"]["fact"] == 0 and summary["shares"]["verbatim"] == 1.0


def test_diff_with_empty_source(capsys, bad):
    code, _, err = run(capsys, "diff", str(bad["copy.txt"]), str(bad["empty.txt"]))
    assert code == 2
    assert "input is empty" in one_line(err, str(bad["empty.txt"]))


def test_check_one_word_warns_too_short(capsys, bad):
    code, out, err = run(capsys, "check", "--json", str(bad["one.txt"]))
    assert code == 0
    assert json.loads(out)["words_checked"] <= 1
    assert "too short" in one_line(err, str(bad["one.txt"]))


def test_check_several_inputs_one_bad(capsys, bad):
    code, out, err = run(capsys, "check", "--json", str(bad["missing.txt"]), str(SAMPLES / "suspect.txt"))
    assert code == 1  # exit-code policy: one input skipped, the other checked
    assert len(out.splitlines()) == 1
    lines = err.strip().splitlines()
    assert "Traceback" not in err and len(lines) == 2
    assert str(bad["missing.txt"]) in lines[0] and "1 of 2 inputs" in lines[1]


# --------------------------------------------------------------------------- hostile records

def hostile_corpus(tmp_path: Path) -> Path:
    """Good records around the hostile ones of issue 15: a lone surrogate, nesting
    9,000 deep, a record over the cap (--max-record-bytes 20000 below)."""
    lines = [json.dumps({"id": "good1", "text": BODY}),
             '{"id": "sur", "text": "lone \\ud800 surrogate in the text of this record"}',
             '{"id": "deep", "text": "x", "n": ' + "[" * 9_000 + "]" * 9_000 + "}",
             json.dumps({"id": "long", "text": "word " * 10_000}),
             json.dumps({"id": "good2", "text": BODY.replace("council", "board")})]
    p = tmp_path / "hostile.jsonl"
    p.write_text("\n".join(lines) + "\n")
    return p


HOSTILE_LINES = {2: "surrogate", 3: "nested too deeply", 4: "longer than 20,000 bytes"}


@pytest.mark.parametrize("command", ["extract", "check", "trace", "index-add", "synth"])
def test_hostile_records_every_command(capsys, tmp_path, command):
    corpus, db = hostile_corpus(tmp_path), str(tmp_path / "ix.unspin")
    if command == "trace":
        main(["index", "add", "--no-progress", "--db", db, str(corpus)])
        capsys.readouterr()
    args = {"extract": ["extract", "--json", str(corpus)],
            "check": ["check", "--json", str(corpus)],
            "trace": ["trace", "--json", "--no-changes", "--db", db, str(corpus)],
            "index-add": ["index", "add", "--no-progress", "--db", db, str(corpus)],
            "synth": ["synth", str(corpus), "--out", str(tmp_path / "s"), "--min-words", "5"]}[command]
    code, _, err = run(capsys, "--max-record-bytes", "20000", *args)
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    for n, problem in HOSTILE_LINES.items():
        hits = [line for line in err.splitlines() if f"{corpus}:{n}:" in line]
        assert len(hits) == 1 and problem in hits[0], err
    if command == "index-add":
        code, out, _ = run(capsys, "index", "check", "--json", "--db", db)
        assert code == 0 and json.loads(out)["articles"] == 2
