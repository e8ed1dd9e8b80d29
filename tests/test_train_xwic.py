"""scripts/train_xwic.py (issue 9, session 7): the inputs of the word-in-context cross-encoder,
the dequantised weights of the pinned MiniLM, and (with torch, the training-only ``[train]``
extra) the torch port against onnxruntime."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import train_xwic as X  # noqa: E402


def _pieces(ids: list[int], at: list[int]) -> str:
    tok = X._tokenizer()
    return "".join(tok.id_to_token(ids[k]).removeprefix("##") for k in at)


def test_pair_input_marks_the_source_and_the_copy_word() -> None:
    src = "Talks between the two sides resumed on Monday."
    cp = "Interviews between the two sides resumed on Monday."
    enc = X.encode_items([(src, 0, 5, cp, 0, 10)], 30)[0]
    assert enc is not None
    ids, first, s, c = enc
    assert ids[0] == X.CLS and ids[first - 1] == X.SEP and ids[-1] == X.SEP
    assert _pieces(ids, s) == "talks" and _pieces(ids, c) == "interviews"
    assert all(k < first for k in s) and all(k >= first for k in c)


def test_long_sentences_are_cut_around_the_word() -> None:
    words = [f"w{k}" for k in range(120)]
    words[90] = "bank"
    src = " ".join(words)
    start = src.index("bank")
    cp = src[:start] + "shore" + src[start + 4:]
    enc = X.encode_items([(src, start, start + 4, cp, start, start + 5)], 10)[0]
    assert enc is not None
    ids, first, s, c = enc
    assert first <= 12 and len(ids) <= 23
    assert _pieces(ids, s) == "bank" and _pieces(ids, c) == "shore"


def test_a_word_without_pieces_gives_none() -> None:
    assert X.encode_items([("A b.", 10, 12, "A b.", 0, 1)], 30) == [None]


def test_dequantised_weights_have_the_model_shapes() -> None:
    w = X.dequantise()
    assert w["embeddings.word_embeddings.weight"].shape == (30522, X.HIDDEN)
    for i in range(X.LAYERS):
        assert w[f"encoder.layer.{i}.intermediate.dense.weight"].shape == (X.INTER, X.HIDDEN)
        assert w[f"encoder.layer.{i}.attention.self.query.weight"].shape == (X.HIDDEN, X.HIDDEN)
    assert all(v.dtype == np.float32 for v in w.values())


def test_torch_port_reproduces_the_pinned_model() -> None:
    pytest.importorskip("torch", reason="torch is the training-only [train] extra")
    assert X.check_port(X.build_model(X.dequantise())) < 1e-3
