import json

from unspin.cli import main

SRC = ("Defence Minister Lukas Venner said on Thursday that about 4,000 soldiers had moved to the border. "
       "He said the troops would not cross into Kestrian territory. "
       "Peace talks in Lisbon broke up without an agreement, officials said.")
COPY = SRC.replace("Thursday", "Friday").replace("soldiers", "troopers").replace("4,000", "4, 000")


def _files(tmp_path):
    c, s = tmp_path / "copy.txt", tmp_path / "source.txt"
    c.write_text(COPY, encoding="utf-8")
    s.write_text(SRC, encoding="utf-8")
    return str(c), str(s)


def test_diff_terminal(tmp_path, capsys):
    c, s = _files(tmp_path)
    assert main(["diff", c, s]) == 0
    out = capsys.readouterr().out
    assert "1 fact change (date 1)" in out and "Friday" in out


def test_diff_json_and_html(tmp_path, capsys):
    c, s = _files(tmp_path)
    out_html = tmp_path / "r.html"
    assert main(["diff", c, s, "--json", "--html", str(out_html)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["summary"]["facts"]["date"] == 1
    kinds = {ch["kind"] for ch in d["changes"]}
    assert "fact" in kinds and "synonym" in kinds
    page = out_html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Friday" in page
    twin = json.loads(out_html.with_suffix(".json").read_text(encoding="utf-8"))
    assert twin["changes"] == d["changes"] and twin["summary"] == d["summary"]


def test_diff_missing_file(tmp_path, capsys):
    c, _ = _files(tmp_path)
    assert main(["diff", c, str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err
