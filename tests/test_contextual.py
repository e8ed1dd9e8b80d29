"""The contextual signal of ``check``: the two-layer model cut from MiniLM and the token head."""

from __future__ import annotations

import hashlib
import importlib

import numpy as np
import pytest

from unspin import contextual
from unspin.contextual import DERIVED_SHA256, Head, derived_model_path, get_encoder, word_states

ck = importlib.import_module("unspin.checker")


def test_cut_is_deterministic_and_pinned():
    data = contextual.derive_model()
    assert hashlib.sha256(data).hexdigest() == DERIVED_SHA256
    assert contextual.derive_model() == data


def test_cached_model_is_verified_and_recut(tmp_path, monkeypatch):
    import unspin.lexicon

    monkeypatch.setattr(unspin.lexicon, "cache_dir", lambda: tmp_path)
    path = derived_model_path()
    assert path.parent == tmp_path and path.exists()
    assert derived_model_path() == path and path.with_suffix(".verified").exists()  # verified once, stamped
    path.write_bytes(b"damaged")  # a damaged cache file is cut again, never used (the stamp no longer fits)
    again = derived_model_path()
    assert hashlib.sha256(again.read_bytes()).hexdigest() == DERIVED_SHA256


def test_two_layer_model_gives_states_for_every_word_of_a_long_text():
    sentence = "The council approved the new budget for schools and roads on Tuesday evening. "
    text = sentence * 60  # about 900 word pieces: several chunks
    spans = [(m, m + 6) for m in range(len(text)) if text.startswith("budget", m)]
    states = word_states(get_encoder(), text, spans)
    assert states.shape == (60, 384)
    assert np.all(np.abs(states).sum(axis=1) > 0)
    # the same word in the same sentence: close states in every chunk (positions differ)
    unit = states / np.linalg.norm(states, axis=1, keepdims=True)
    assert float((unit @ unit.T).min()) > 0.8


def test_head_round_trip(tmp_path):
    head = Head.load()
    p = tmp_path / "head.json"
    p.write_text(head.to_json(), encoding="utf-8")
    again = Head.load(p)
    x = np.random.default_rng(0).normal(size=(5, 384)).astype(np.float32)
    assert np.allclose(head.logits(x), again.logits(x), atol=1e-3)
    assert head.meta["model_sha256"] == DERIVED_SHA256


def test_checker_uses_the_head_files_combination():
    meta = Head.load().meta
    assert list(ck.COMBINE_WEIGHTS) == pytest.approx(meta["combine_weights"], abs=1e-4)
    assert ck.COMBINE_BIAS == pytest.approx(meta["combine_bias"], abs=1e-4)
    assert ck._PRIOR_CONTEXT == pytest.approx(meta["prior_context"], abs=1e-3)


def test_words_carry_both_signals():
    text = ("The minister said the talks would resume next week. Officials from both sides "
            "met in the capital and agreed to exchange prisoners before the winter.")
    words = ck.score_words(text)
    assert words
    for w in words:
        assert 0.0 <= w.prob <= 1.0 and 0.0 <= w.lexical <= 1.0
        assert w.context != 0.0
    lexical_only = ck.score_words(text, context=False)
    assert [w.lexical for w in lexical_only] == [w.lexical for w in words]


def test_derived_model_runs_integer_products_close_to_the_plain_cut(tmp_path):
    import onnx

    from unspin.encoder import Encoder

    derived = onnx.load(str(derived_model_path()))
    ops = {n.op_type for n in derived.graph.node}
    assert "IsNaN" not in ops  # the softmax NaN guards are dropped
    assert ops & {"DynamicQuantizeMatMul", "MatMulInteger"}  # integer products
    plain = tmp_path / "plain.onnx"
    onnx.save(contextual.cut_model(), str(plain))
    ref = Encoder(model=plain, verify=False)
    text = "The minister said the talks on the new trade deal would resume in Geneva next week."
    a = get_encoder().encode([text])[0].states
    b = ref.encode([text])[0].states
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    assert cos.mean() > 0.98
