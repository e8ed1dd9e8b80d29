from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from unspin.cli import main
from unspin.models import Article

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["extract", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines(capsys):
    code, out, err = run(capsys, "--json", str(FIX / "corpus.jsonl"), str(FIX / "article.txt"))
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 4
    docs = [json.loads(line) for line in lines]
    assert [d["id"] for d in docs[:3]] == ["c1", "c2", "c3"]
    art = Article.from_dict(docs[3])
    assert docs[3]["schema_version"] == 1
    assert art.clutter and art.clutter[0].text.startswith("Related stories")
    for q in art.quantities:
        assert art.original[q.start:q.end] == q.text


def test_text_view(capsys):
    code, out, _ = run(capsys, str(FIX / "article.txt"))
    assert code == 0
    assert "[clutter: link list under the heading 'Related stories' (4 lines)]" in out
    assert "\u2702 - Town hall clock restored after 40 years" in out
    assert "numbers" in out and "8,000 - 9,500" in out and "about" in out


def test_stdin(capsys, monkeypatch):
    data = b"Read from a pipe: nearly 12 000 people came.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    code, out, _ = run(capsys, "--json", "-")
    assert code == 0
    doc = json.loads(out)
    assert doc["input"] == "<stdin>" and "12,000" in doc["text"]


def test_bad_records_skip_then_exit_1(capsys, tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text('{"id": "a", "text": "Fine."}\nnot json\n{"id": "c", "text": "Fine too."}\n')
    code, out, err = run(capsys, "--json", str(p))
    assert code == 1
    assert [json.loads(x)["id"] for x in out.splitlines()] == ["a", "c"]
    assert f"{p}:2: malformed JSON line" in err and "1 record(s) skipped" in err
    assert "Traceback" not in err


def test_bad_records_stop(capsys, tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text('{"id": "a", "text": "Fine."}\nnot json\n{"id": "c", "text": "Fine too."}\n')
    code, out, err = run(capsys, "--json", "--on-error", "stop", str(p))
    assert code == 2
    assert [json.loads(x)["id"] for x in out.splitlines()] == ["a"]
    assert err.strip().splitlines() == [f"unspin: [U100] {p}:2: malformed JSON line "
                                        "(Expecting value: line 1 column 1 (char 0))"]


@pytest.mark.parametrize("content, match", [
    (b"", "input is empty"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "PNG image, not text"),
    (b"caf\xc3\xa9 \x81\x8d\x90", "cannot decode"),
])
def test_input_errors_are_one_line(capsys, tmp_path, content, match):
    p = tmp_path / "in.txt"
    p.write_bytes(content)
    code, out, err = run(capsys, str(p))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(p) in err and match in err and "Traceback" not in err


def test_truncated_warc_gz_clean_error(capsys, tmp_path):
    rec = (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response"
           b"\r\nContent-Length: 500\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
           + b"<p>" + b"word " * 200)
    p = tmp_path / "cut.warc.gz"
    p.write_bytes(gzip.compress(rec)[:-30])
    code, out, err = run(capsys, str(p))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "truncated" in err and str(p) in err


def test_debug_shows_traceback(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    from unspin.errors import InputError

    with pytest.raises(InputError):
        main(["--debug", "extract", str(p)])


def test_several_inputs_one_missing(capsys, tmp_path):
    code, out, err = run(capsys, "--json", str(tmp_path / "gone.txt"), str(FIX / "article.txt"))
    assert code == 1  # the exit-code policy: some inputs skipped, the others processed
    assert len(out.splitlines()) == 1
    assert "gone.txt: no such file" in err and "1 of 2 inputs could not be read" in err


def test_seed_json(capsys, seed_path):
    code, out, err = run(capsys, "--json", str(seed_path))
    assert code == 0, err
    doc = json.loads(out)
    art = Article.from_dict(doc)
    original = seed_path.read_text(encoding="utf-8")
    assert art.original == original
    # the body has no Trending block; the block is clutter, 9 lines
    assert "Trending" not in art.text and "Blue Suit" not in art.text
    [c] = art.clutter
    assert c.text.split("\n")[0] == "Trending" and len(c.text.split("\n")) == 9
    assert original[c.start:c.end] == c.text
    # numbers repaired in the body, read with offsets into the original file
    assert "between 10,000 and 12,000 army" in art.text
    assert "about 4,000 reported" in art.text and "about 3,000 more" in art.text
    by_text = {original[q.start:q.end]: q for q in art.quantities}
    r = by_text["between 10,000 and 12 000"]
    assert (r.low, r.high) == (10000, 12000) and r.repaired
    assert by_text["4, 000"].value == 4000 and by_text["4, 000"].hedge == "about"
    assert by_text["3, 000"].value == 3000 and by_text["3, 000"].hedge == "about"
    # spans over text map back onto the same words in the original
    for s in art.sentences:
        os_, oe = art.to_original(s.start, s.end)
        assert original[os_:oe].split()[0].strip("\u201c\u201d\"") == s.text.split()[0].strip('"')


def test_html_text_view_and_kind_option(capsys, tmp_path):
    p = tmp_path / "page.bin"
    p.write_text((FIX / "article.html").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run(capsys, "--kind", "html", str(p))
    assert code == 0
    assert out.startswith("Orchard growers try frost fans")
    assert "site: The Valley Courier" in out and "published: 2024-04-18" in out
    code, out, _ = run(capsys, "--json", "--keep-clutter", str(FIX / "article.txt"))
    assert json.loads(out)["clutter"] == []
