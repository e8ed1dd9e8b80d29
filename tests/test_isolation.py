"""One bad record never loses the batch: it is reported as file:line and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin.cli import main
from unspin.errors import InputError
from unspin.index import Index
from unspin.ingest import from_text, read

BODY = ("The council approved the new budget on Tuesday after a long debate about schools, "
        "roads and the library. Members said the plan would cost about 4,000 pounds more.")


def good(i: int) -> str:
    return json.dumps({"id": f"g{i}", "text": f"{BODY} Record number {i} of the test."})


SURROGATE = '{"id": "s", "text": "A lone surrogate \\ud800 in the middle of the text."}'
DEEP = '{"id": "d", "text": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
DEEP_OPEN = "[" * 200_000  # never closed


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    p = tmp_path / "mixed.jsonl"
    p.write_text("\n".join([good(1), SURROGATE, good(2), DEEP, DEEP_OPEN, good(3)]) + "\n")
    return p


def test_bad_records_are_errors_naming_file_and_line(corpus: Path) -> None:
    errors: list[InputError] = []
    arts = list(read(str(corpus), on_error=errors.append))
    assert [a.id for a in arts] == ["g1", "g2", "g3"]
    assert [e.input for e in errors] == [f"{corpus}:2", f"{corpus}:4", f"{corpus}:5"]
    assert "surrogate" in str(errors[0])
    assert "nested too deeply" in str(errors[1]) and "nested too deeply" in str(errors[2])


def test_surrogates_are_refused_wherever_text_comes_from() -> None:
    with pytest.raises(InputError, match="surrogate"):
        from_text("x \udc80 y", input="mem")


def test_json_array_with_deep_nesting_is_one_bad_input(tmp_path: Path) -> None:
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="nested too deeply"):
        list(read(str(p)))


def test_index_add_keeps_the_good_records(corpus: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ix.unspin"
    code = main(["index", "add", "--db", str(db), "--no-progress", "--batch", "1", str(corpus)])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    for line in (2, 4, 5):
        assert f"{corpus}:{line}" in err
    with Index.open(db, readonly=True) as ix:
        assert sorted(a.id for a in ix.iter_articles()) == ["g1", "g2", "g3"]


@pytest.mark.parametrize("command", [["extract", "--json"], ["check", "--json"]])
def test_commands_go_on_past_bad_records(corpus: Path, command: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*command, str(corpus)])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert f"{corpus}:2" in err and f"{corpus}:4" in err
    assert len([line for line in out.splitlines() if line.strip()]) == 3


def test_an_unexpected_failure_in_one_record_is_isolated(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug that raises on one record (here: an injected one) skips that record only."""
    import unspin.ingest.sources as sources

    real = sources.from_text

    def flaky(text: str, **kw: object) -> object:
        if "number 2 " in text:
            raise KeyError("injected")
        return real(text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(sources, "from_text", flaky)
    p = tmp_path / "c.jsonl"
    p.write_text("\n".join(good(i) for i in range(1, 4)) + "\n")
    errors: list[InputError] = []
    arts = list(read(str(p), on_error=errors.append))
    assert [a.id for a in arts] == ["g1", "g3"]
    assert errors[0].input == f"{p}:2" and "KeyError" in str(errors[0])
