"""``unspin check``: JSON lines and the readable view."""

from __future__ import annotations

import json
from pathlib import Path

from unspin.cli import main

ROOT = Path(__file__).resolve().parent.parent
SUSPECT = ROOT / "samples" / "suspect.txt"


def test_json_lines(capsys, tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text(json.loads((ROOT / "samples" / "articles.jsonl").read_text().splitlines()[2])["text"],
                     encoding="utf-8")
    code = main(["check", "--json", str(SUSPECT), str(clean)])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    docs = [json.loads(line) for line in lines]
    assert docs[0]["input"].endswith("suspect.txt")
    assert docs[0]["verdict"] == "spun"
    assert docs[1]["verdict"] == "clean"
    original = SUSPECT.read_text(encoding="utf-8")
    for d in docs:
        assert d["schema_version"] == 1
        assert 0.0 <= d["spin_score"] <= 1.0
        for key in ("flags", "clutter", "quantities"):
            assert isinstance(d[key], list)
    for f in docs[0]["flags"]:
        assert original[f["start"]:f["end"]] == f["text"]
        assert "suggestion" in f and f["reason"]
    assert docs[0]["clutter"] and docs[0]["quantities"]


def test_readable_view(capsys):
    code = main(["check", str(SUSPECT)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "verdict" in out and "spun" in out
    assert "serenity" in out and "[peace]" in out


def test_missing_input(capsys, tmp_path):
    code = main(["check", str(tmp_path / "nope.txt")])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "nope.txt" in err
