"""Every command's JSON validates against the shipped schemas in docs/schema/ (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from unspin.cli import main
from unspin.schema import schemas
from unspin.synth import spin

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a dev extra")

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "docs" / "schema"
SAMPLES = ROOT / "samples"


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def _valid(doc: Any, name: str) -> None:
    jsonschema.Draft202012Validator(_schema(name)).validate(doc)


def _lines(out: str) -> list[Any]:
    return [json.loads(x) for x in out.splitlines() if x.strip()]


def test_shipped_schemas_are_up_to_date() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_schemas", ROOT / "scripts" / "gen_schemas.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for name, schema in schemas().items():
        jsonschema.Draft202012Validator.check_schema(schema)
        path = SCHEMA_DIR / name
        assert path.exists() and path.read_text(encoding="utf-8") == mod.render(schema), \
            f"docs/schema/{name} is out of date: run python scripts/gen_schemas.py"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    p = SAMPLES / "articles.jsonl"
    if not p.exists():
        pytest.skip("samples/articles.jsonl is missing")
    recs = [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]
    d = tmp_path_factory.mktemp("schema")
    copy = d / "copy.txt"
    copy.write_text(spin(recs[0]["text"], seed=1, swap_rate=0.3).text, encoding="utf-8")
    src = d / "source.txt"
    src.write_text(recs[0]["text"], encoding="utf-8")
    other = d / "other.txt"
    other.write_text("Quantum computers use qubits instead of bits. Researchers built a chip that "
                     "keeps its state for a full second, the team said on Friday.", encoding="utf-8")
    return {"corpus": p, "copy": copy, "source": src, "other": other, "db": d / "ix.unspin"}


def test_every_command_json_validates(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    def run(*args: str) -> list[Any]:
        code = main(list(args))
        out = capsys.readouterr().out
        assert code == 0, args
        return _lines(out)

    db = str(files["db"])
    (added,) = run("index", "add", "--no-progress", "--json", "--db", db, str(files["corpus"]))
    _valid(added, "index-add.schema.json")
    (stats,) = run("index", "stats", "--json", "--db", db)
    _valid(stats, "index-stats.schema.json")
    (opt,) = run("index", "optimize", "--json", "--db", db)
    _valid(opt, "index-optimize.schema.json")
    (chk,) = run("index", "check", "--json", "--db", db)
    _valid(chk, "index-check.schema.json")
    arts = run("extract", "--json", str(files["copy"]), str(files["corpus"]))
    assert len(arts) == 17
    for a in arts:
        _valid(a, "article.schema.json")
    for doc in run("trace", "--json", "--db", db, str(files["copy"]), str(files["other"])):
        _valid(doc, "trace.schema.json")
    for doc in run("trace", "--json", "--no-changes", "--db", db, str(files["copy"])):
        _valid(doc, "trace.schema.json")
    (d,) = run("diff", "--json", str(files["copy"]), str(files["source"]))
    _valid(d, "diff.schema.json")
    for doc in run("check", "--json", str(files["copy"])):
        _valid(doc, "check.schema.json")
    (scanned,) = run("scan", "--json", "--out", str(files["db"].parent / "scan"), str(files["corpus"]))
    _valid(scanned, "scan.schema.json")


def test_library_records_validate(files: dict[str, Path]) -> None:
    from unspin import ErrorResult, Options, Pipeline
    from unspin.errors import InputError

    _valid(json.loads(Options().to_json()), "options.schema.json")
    _valid(json.loads(ErrorResult.of(InputError("bad", input="x"), "x").to_json()), "error.schema.json")
    nlp = Pipeline()
    al = nlp.align(files["copy"].read_text(), files["source"].read_text())
    _valid(json.loads(al.to_json()), "align.schema.json")
