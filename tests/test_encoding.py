"""Legacy encodings of non-Latin text are decoded right (or refused), never read as cp1252
mojibake; UTF-16 Russian without a BOM is text, not "binary"; --encoding overrides."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from unspin.cli import main
from unspin.errors import InputError
from unspin.ingest import decode_bytes, read

RU = ("Северная Корея направила войска в Россию, сообщили в понедельник южнокорейские "
      "официальные лица. По их словам, около 1 500 военнослужащих уже прибыли на место.\n")
ZH = "朝鲜向俄罗斯派遣了军队，韩国官员周一表示。据他们说，大约一千五百名士兵已经抵达。\n"


@pytest.mark.parametrize("text, enc", [(RU, "cp1251"), (RU, "koi8-r"), (RU, "utf-16-le"),
                                       (RU, "utf-16-be"), (ZH, "gbk")])
def test_legacy_encodings_are_decoded_right(tmp_path: Path, text: str, enc: str,
                                            caplog: pytest.LogCaptureFixture) -> None:
    p = tmp_path / f"{enc}.txt"
    p.write_bytes(text.encode(enc))
    with caplog.at_level(logging.INFO, logger="unspin"):
        [art] = read(str(p))
    assert art.original == text
    if not enc.startswith("utf-16"):
        assert "read as" in caplog.text  # which encoding was used is said


def test_html_without_charset_in_cp1251(tmp_path: Path) -> None:
    page = ("<html><head><title>Новости</title></head><body><article><p>" + RU * 3 +
            "</p></article></body></html>")
    p = tmp_path / "ru.html"
    p.write_bytes(page.encode("cp1251"))
    [art] = read(str(p))
    assert "Северная Корея" in art.text


def test_western_text_still_reads_as_cp1252() -> None:
    text = "Café crème brûlée at the naïve façade, said the “chef” in Paris today."
    assert decode_bytes(text.encode("cp1252"), input="x") == text


def test_garbage_is_an_error_not_a_guess() -> None:
    with pytest.raises(InputError, match="cannot decode"):
        decode_bytes(b"Hello \xff\xfe\xfa world \x80\x81\x82 " * 50, input="x")


def test_encoding_option_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "ru.txt"
    p.write_bytes(RU.encode("koi8-r"))
    assert main(["extract", "--json", "--encoding", "koi8-r", str(p)]) == 0
    out, _ = capsys.readouterr()
    assert "Северная" in out.encode().decode("unicode_escape", "ignore") or "Северная" in out
    assert main(["extract", "--json", "--encoding", "ascii", str(p)]) == 2
    _, err = capsys.readouterr()
    assert "cannot decode as ascii" in err and len(err.strip().splitlines()) == 1
