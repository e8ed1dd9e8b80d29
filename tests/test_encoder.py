"""The shared MiniLM encoder: pinned files, offsets, and meaning-sensitive vectors."""

from __future__ import annotations

import numpy as np

from unspin.encoder import HIDDEN, cosine, get_encoder


def test_sentence_vectors_are_normalised_and_meaningful() -> None:
    enc = get_encoder()
    v = enc.sentence_vectors([
        "The central bank raised interest rates on Tuesday.",
        "On Tuesday the central bank increased interest rates.",
        "The striker scored twice in the second half.",
    ])
    assert v.shape == (3, HIDDEN)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


def test_span_vectors_follow_character_offsets() -> None:
    enc = get_encoder()
    text = "Talks between the two leaders resumed."
    (e,) = enc.encode([text])
    assert e.tokens[0] == "[CLS]" and e.tokens[-1] == "[SEP]"
    start = text.index("leaders")
    vec = e.span_vector(start, start + len("leaders"))
    assert vec is not None and vec.shape == (HIDDEN,)
    assert e.span_vector(len(text) + 5, len(text) + 9) is None
    same = enc.span_vectors(text, [(start, start + 7)])[0]
    assert same is not None and cosine(vec, same) > 0.999


def test_long_text_is_truncated_not_failed() -> None:
    (e,) = get_encoder().encode(["word " * 2000])
    assert len(e.tokens) == 256
