"""Tests of ``unspin index add|stats`` and ``unspin trace`` (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin.cli import main
from unspin.synth import spin

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def corpus() -> Path:
    p = SAMPLES / "articles.jsonl"
    if not p.exists():
        pytest.skip("samples/articles.jsonl is missing")
    return p


def test_index_add_stats_trace(tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "n.unspin"
    assert main(["index", "add", "--db", str(db), str(corpus), "--batch", "5", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "16 added, 0 skipped" in out
    assert main(["index", "add", "--db", str(db), str(corpus), "--json", "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out) == {"schema_version": 1, "added": 0, "skipped": 16, "failed": 0,
                                                   "failed_inputs": 0, "articles": 16}
    assert main(["index", "stats", "--db", str(db), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["articles"] == 16 and st["format_version"] == 5 and st["posting_runs"] >= 1
    assert main(["index", "stats", "--db", str(db)]) == 0
    assert "articles" in capsys.readouterr().out

    first = json.loads(corpus.read_text().splitlines()[3])
    spun = tmp_path / "spun.txt"
    spun.write_text(spin(first["text"], seed=2, swap_rate=0.35).text, encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("The village fete raised money for a new roof on the church hall this summer. "
                     "Volunteers baked cakes and ran a tombola.\n", encoding="utf-8")
    assert main(["trace", "--db", str(db), str(spun), str(SAMPLES / "suspect.txt"), str(other),
                 "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["input"] for x in lines] == [str(spun), str(SAMPLES / "suspect.txt"), str(other)]
    assert lines[0]["sources"][0]["id"] == first["id"]
    assert lines[1]["sources"][0]["id"] == "wire-001"
    assert lines[2]["sources"] == []
    for s in lines[0]["sources"]:
        assert {"id", "score", "coverage", "published"} <= set(s)

    assert main(["trace", "--db", str(db), str(SAMPLES / "suspect.txt")]) == 0
    out = capsys.readouterr().out
    assert "wire-001" in out and "covers" in out


def test_cli_refuses_non_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.unspin"
    bad.write_text("hello\n")
    assert main(["trace", "--db", str(bad), str(SAMPLES / "suspect.txt")]) == 2
    err = capsys.readouterr().err
    assert "U220" in err and "not an unspin index" in err and str(bad) in err
    assert main(["index", "stats", "--db", str(tmp_path / "missing.unspin")]) == 2
    assert "unspin index add" in capsys.readouterr().err
    assert bad.read_text() == "hello\n"


def test_index_add_unreadable_input(tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "n.unspin"
    code = main(["index", "add", "--db", str(db), str(tmp_path / "nope.jsonl"), str(corpus), "--no-progress"])
    assert code == 1
    captured = capsys.readouterr()
    assert "16 added" in captured.out and "nope.jsonl" in captured.err


def test_index_add_ctrl_c_then_rerun(tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import unspin.cli.index as cli_index

    real = cli_index.read_all

    def interrupted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        for k, a in enumerate(real(*args, **kwargs)):  # type: ignore[arg-type]
            if k == 7:
                raise KeyboardInterrupt
            yield a

    db = tmp_path / "n.unspin"
    monkeypatch.setattr(cli_index, "read_all", interrupted)
    assert main(["index", "add", "--db", str(db), str(corpus), "--batch", "3", "--no-progress"]) == 130
    assert "6 added in committed batches" in capsys.readouterr().err
    monkeypatch.setattr(cli_index, "read_all", real)
    assert main(["index", "add", "--db", str(db), str(corpus), "--no-progress"]) == 0
    assert "10 added, 6 skipped" in capsys.readouterr().out
