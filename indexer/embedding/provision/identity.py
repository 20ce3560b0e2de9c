"""What a model folder is: its identity file, the check that it is intact, and identities
derived for folders that install_model did not write."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODEL_NAME = "multilingual-e5-small"
IDENTITY_FILE = "rapportsok_model.json"
WEIGHTS_FILE = "model.safetensors"
FORMAT_VERSION = 3
"""2: the int8 ONNX graph (``onnx/model_int8.onnx``) is part of the folder; 3: the fp32 graph
(``onnx/model_fp32.onnx``) too, and the int8 graph keeps the feed-forward outputs in fp32."""
MAX_SEQ_LENGTH = 512
QUERY_PROMPT = "query: "
DOCUMENT_PROMPT = "passage: "


class ModelProvisionError(RuntimeError):
    """The model could not be installed or verified; the message names the file."""


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
    "onnx/model_fp32.onnx",
    "onnx/model_int8.onnx",
    IDENTITY_FILE,
)
"""Every file install_model writes; anything else in a target marks it as someone else's."""


def read_identity_file(folder: Path) -> tuple[ModelIdentity, int] | None:
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
    parsed = read_identity_file(folder)
    if parsed is None:
        return None, f"{IDENTITY_FILE}: missing or unreadable"
    problem = _identity_problem(folder, *parsed)
    return (None, problem) if problem else (parsed[0], "ok")


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
    parsed = read_identity_file(path)
    return parsed[0] if parsed else _derived_identity(path)
