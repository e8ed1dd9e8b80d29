"""``unspin check``: JSON lines and the readable view."""

from __future__ import annotations

import json
import re
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
        assert 0.0 <= f["probability"] <= 1.0 and f["probability"] == f["score"]
    assert docs[0]["clutter"] and docs[0]["quantities"]


def test_readable_view(capsys):
    code = main(["check", str(SUSPECT)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "verdict" in out and "spun" in out
    # a suggestion is a possibility listed with the flag, never written into the text
    assert "serenity" in out and "may have been: peace" in out
    assert "[peace]" not in out
    assert re.search(r"serenity.*p=0\.\d\d", out)


def test_clean_verdict_is_not_marked_in_red(tmp_path):
    import io

    from rich.console import Console

    from unspin.checker import CheckResult, Flag
    from unspin.cli.check import _render

    text = "The council approved the budget on Tuesday after a long debate."
    at = text.index("budget")
    flag = Flag(at, at + 6, "budget", "plan", "test flag", "swap", 0.41)
    for verdict, red in (("clean", False), ("spun", True)):
        buf = io.StringIO()
        console = Console(file=buf, force_terminal=True, color_system="standard", width=200)
        _render(CheckResult(input="t", spin_score=0.1, verdict=verdict, flags=(flag,)), text, console)
        shown = buf.getvalue()
        assert ("\x1b[1;4;31mbudget" in shown) is red, shown  # bold red underline
        assert "the budget on" not in shown  # marked, not left plain
        assert "p=0.41" in shown and "may have been: " in shown


def test_missing_input(capsys, tmp_path):
    code = main(["check", str(tmp_path / "nope.txt")])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "nope.txt" in err
