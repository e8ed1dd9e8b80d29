"""The options every input-reading command shares, and the exit-code policy (issue 11)."""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from unspin.cli import hoist_global_flags, main
from unspin.cli._inputs import out_name
from unspin.models import Article
from unspin.synth import spin

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture(scope="module")
def records() -> list[dict[str, str]]:
    p = SAMPLES / "articles.jsonl"
    if not p.exists():
        pytest.skip("samples/articles.jsonl is missing")
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def db(records: list[dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ix") / "n.unspin"
    assert main(["index", "add", "--no-progress", "--db", str(path), str(SAMPLES / "articles.jsonl")]) == 0
    return path


@pytest.fixture(scope="module")
def pages(records: list[dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three spun copies as text files, one unrelated text, and an HTML page."""
    d = tmp_path_factory.mktemp("pages")
    for k, r in enumerate(records[:3]):
        (d / f"copy{k}.txt").write_text(spin(r["text"], seed=k, swap_rate=0.3).text, encoding="utf-8")
    (d / "unrelated.txt").write_text(
        "Quantum computers use qubits instead of bits. Researchers in Zurich built a chip "
        "with superconducting loops that keeps its state for a full second. The team plans "
        "a larger machine next year and says it will publish the design.", encoding="utf-8")
    (d / "page.html").write_text(
        "<html><head><title>A page</title></head><body><article><h1>A page</h1>"
        f"<p>{records[4]['text']}</p></article></body></html>", encoding="utf-8")
    return d


@pytest.fixture
def server(pages: Path) -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 serving the pages directory."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **kw: object) -> None:
            super().__init__(*a, directory=str(pages), **kw)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_input_file_lists_paths_and_urls(capsys: pytest.CaptureFixture[str], pages: Path, server: str,
                                         tmp_path: Path) -> None:
    lst = tmp_path / "inputs.txt"
    lst.write_text(f"# a list\n{pages / 'copy0.txt'}\n\n{server}/page.html\n{server}/copy1.txt\n",
                   encoding="utf-8")
    code, out, err = run(capsys, "extract", "--json", "--allow-private", "-i", str(lst))
    assert code == 0, err
    docs = [json.loads(x) for x in out.splitlines()]
    assert [d["input"] for d in docs] == [str(pages / "copy0.txt"), f"{server}/page.html",
                                          f"{server}/copy1.txt"]
    assert docs[1]["title"] == "A page"
    # the same list with one more argument, and a missing entry: skipped, exit 1
    lst.write_text(f"{server}/missing.txt\n", encoding="utf-8")
    code, out, err = run(capsys, "extract", "--json", "--allow-private", str(pages / "copy2.txt"), "-i", str(lst))
    assert code == 1 and len(out.splitlines()) == 1 and "missing.txt" in err


def test_out_dir_names_results_after_inputs(capsys: pytest.CaptureFixture[str], db: Path, pages: Path,
                                            tmp_path: Path, server: str) -> None:
    out = tmp_path / "out"
    code, _, err = run(capsys, "trace", "--allow-private", "--db", str(db), "-o", str(out), str(pages / "copy0.txt"),
                       str(pages / "copy1.txt"), f"{server}/copy2.txt", str(SAMPLES / "articles.jsonl"))
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert "copy0.json" in names and "copy0.html" in names and "copy1.html" in names
    assert "127.0.0.1-" + server.rsplit(":", 1)[1] + "-copy2.json" in names
    assert "articles-1.json" in names and "articles-16.json" in names  # corpus records by line
    doc = json.loads((out / "copy0.json").read_text(encoding="utf-8"))
    assert doc["input"] == str(pages / "copy0.txt") and doc["sources"]


def test_out_name_is_unique_and_safe(tmp_path: Path) -> None:
    assert out_name(Article(id="x", text="t", input="/a/b/Story one.html")) == "Story-one"
    assert out_name(Article(id="x", text="t", input="corpus.jsonl.gz:12")) == "corpus-12"
    assert out_name(Article(id="x", text="t", input="https://news.example/a/b.html?x=1")) == "news.example-a-b"
    assert out_name(Article(id="x", text="t", input="-")) == "stdin"
    from unspin.cli._inputs import OutDir

    d = OutDir(tmp_path / "o")
    a = Article(id="x", text="t", input="/x/same.txt")
    assert [d.name(a), d.name(a), d.name(a)] == ["same", "same-2", "same-3"]


def test_trace_exit_codes(capsys: pytest.CaptureFixture[str], db: Path, pages: Path, tmp_path: Path) -> None:
    copy, unrelated = str(pages / "copy0.txt"), str(pages / "unrelated.txt")
    assert run(capsys, "trace", "--db", str(db), "--json", copy)[0] == 0
    assert run(capsys, "trace", "--db", str(db), "--json", unrelated)[0] == 0  # no source is not an error
    code, out, _ = run(capsys, "trace", "--db", str(db), "--json", "--fail-if-none", unrelated, copy)
    assert code == 3 and len(out.splitlines()) == 2
    assert run(capsys, "trace", "--db", str(db), "--fail-if-none", copy)[0] == 0
    assert run(capsys, "trace", "--db", str(db), copy, str(tmp_path / "gone.txt"))[0] == 1
    assert run(capsys, "trace", "--db", str(db), str(tmp_path / "gone.txt"), str(tmp_path / "b.txt"))[0] == 2
    code, _, err = run(capsys, "trace", "--db", str(tmp_path / "none.unspin"), copy)
    assert code == 2 and "[U230]" in err
    code, _, err = run(capsys, "trace", "--db", str(db), "--on-error", "stop", str(tmp_path / "gone.txt"), copy)
    assert code == 2 and "gone.txt" in err


def test_extract_and_index_exit_codes(capsys: pytest.CaptureFixture[str], pages: Path, tmp_path: Path) -> None:
    good, gone = str(pages / "copy0.txt"), str(tmp_path / "gone.txt")
    assert run(capsys, "extract", "--json", good)[0] == 0
    assert run(capsys, "extract", "--json", good, gone)[0] == 1
    assert run(capsys, "extract", "--json", gone, gone)[0] == 2
    assert run(capsys, "extract", "--json", "--on-error", "stop", gone, good)[0] == 2
    ix = str(tmp_path / "i.unspin")
    assert run(capsys, "index", "add", "--no-progress", "--db", ix, good)[0] == 0
    assert run(capsys, "index", "add", "--no-progress", "--db", ix, good, gone)[0] == 1
    assert run(capsys, "index", "add", "--no-progress", "--db", ix, gone)[0] == 2


def test_check_exit_codes_csv_and_jobs(capsys: pytest.CaptureFixture[str], pages: Path, tmp_path: Path) -> None:
    files = [str(pages / f"copy{k}.txt") for k in range(3)]
    code, out, err = run(capsys, "check", "--format", "csv", *files)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["input"] for r in rows] == files and {r["verdict"] for r in rows} <= {"spun", "unsure", "clean"}
    code, out2, _ = run(capsys, "check", "--format", "csv", "--jobs", "2", *files)
    assert code == 0 and out2 == out  # worker processes give the same results, in order
    assert run(capsys, "check", "--json", files[0], str(tmp_path / "gone.txt"))[0] == 1
    assert run(capsys, "check", "--json", str(tmp_path / "gone.txt"))[0] == 2


def test_trace_csv(capsys: pytest.CaptureFixture[str], db: Path, pages: Path,
                   records: list[dict[str, str]]) -> None:
    code, out, _ = run(capsys, "trace", "--db", str(db), "--format", "csv", "--no-changes",
                       str(pages / "copy1.txt"), str(pages / "unrelated.txt"))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["source_id"] == records[1]["id"] and rows[1]["sources"] == "0"


def test_global_flags_anywhere(capsys: pytest.CaptureFixture[str], pages: Path) -> None:
    assert hoist_global_flags(["extract", "x", "-v", "--debug", "--", "-q"]) == ["-v", "--debug", "extract", "x", "--", "-q"]
    code, out, _ = run(capsys, "extract", "--json", str(pages / "copy0.txt"), "-q")
    assert code == 0 and json.loads(out)["text"]


def test_no_color_and_no_hard_wrap_when_piped(capsys: pytest.CaptureFixture[str], db: Path, pages: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run(capsys, "trace", "--db", str(db), str(pages / "copy0.txt"))
    assert code == 0 and "\x1b[" not in out
    long_lines = [line for line in out.splitlines() if len(line) > 100]
    assert long_lines  # sentences are not wrapped at 80 columns when piped


def test_diff_names_articles_by_input(capsys: pytest.CaptureFixture[str], pages: Path,
                                      records: list[dict[str, str]], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "source.txt"
    src.write_text(records[0]["text"], encoding="utf-8")
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run(capsys, "diff", "--json", str(pages / "copy0.txt"), str(src))
    d = json.loads(out)
    assert code == 0 and d["copy_id"] == str(pages / "copy0.txt") and d["source_id"] == str(src)
    assert d["input"] == str(pages / "copy0.txt")
    # the terminal view lists at most --max-facts fact changes; exit 2 for a missing input
    assert run(capsys, "diff", "--max-facts", "1", str(pages / "copy0.txt"), str(src))[0] == 0
    assert run(capsys, "diff", str(tmp_path / "gone.txt"), str(src))[0] == 2


def test_index_options_reach_the_index(capsys: pytest.CaptureFixture[str], pages: Path, tmp_path: Path) -> None:
    """``[index] min_word_len`` of an options file is stored with a new index; an existing
    index keeps its own, and asking for another one is refused (exit 2, named)."""
    good = str(pages / "copy0.txt")
    cfg = tmp_path / "u.toml"
    cfg.write_text("[index]\nmin_word_len = 3\nbatch_size = 5\n", encoding="utf-8")
    ix = str(tmp_path / "i.unspin")
    assert run(capsys, "index", "add", "--no-progress", "--config", str(cfg), "--db", ix, good)[0] == 0
    code, out, _ = run(capsys, "index", "stats", "--json", "--db", ix)
    assert code == 0 and json.loads(out)["params"]["min_word_len"] == 3
    assert run(capsys, "index", "add", "--no-progress", "--db", ix, str(pages / "copy1.txt"))[0] == 0
    cfg.write_text("[index]\nmin_word_len = 4\n", encoding="utf-8")
    code, _, err = run(capsys, "index", "add", "--no-progress", "--config", str(cfg), "--db", ix, good)
    assert code == 2 and "min_word_len=3 stored, 4 requested" in err


def test_jobs_read_inputs_in_workers_in_order(capsys: pytest.CaptureFixture[str], pages: Path,
                                              tmp_path: Path, server: str) -> None:
    """``--jobs 2`` reads one-article inputs (files, URLs) in worker processes: the same
    articles in the same order, the same reports and exit codes as one process."""
    files = [str(pages / f"copy{k}.txt") for k in range(3)] + [str(pages / "page.html")]
    gone = str(tmp_path / "gone.txt")
    args = [*files[:2], gone, f"{server}/copy2.txt", files[3], str(SAMPLES / "articles.jsonl")]
    code1, out1, err1 = run(capsys, "extract", "--json", "--allow-private", *args)
    code2, out2, err2 = run(capsys, "extract", "--json", "--allow-private", "--jobs", "2", *args)
    assert code1 == code2 == 1 and out1 == out2 and err1 == err2 and "gone.txt" in err2
    inputs = [json.loads(x)["input"] for x in out2.splitlines()]
    assert inputs[:4] == [*files[:2], f"{server}/copy2.txt", files[3]]
    assert len(inputs) > 4 and all(x.startswith(str(SAMPLES / "articles.jsonl")) for x in inputs[4:])
    assert run(capsys, "extract", "--json", "--jobs", "2", "--on-error", "stop", files[0], gone, files[1])[0] == 2
    ix = str(tmp_path / "j.unspin")
    code, out, _ = run(capsys, "index", "add", "--no-progress", "--json", "--jobs", "2", "--db", ix, *files)
    assert code == 0 and json.loads(out)["added"] == 4
