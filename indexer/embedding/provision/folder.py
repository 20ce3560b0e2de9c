"""Writes a complete sentence-transformers folder from the pinned weights and tokenizer."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from indexer.embedding.provision.dequantize import bert_state_dict
from indexer.embedding.provision.e5s1 import E5File, E5Header, parse_e5s1
from indexer.embedding.provision.graphs import write_onnx_graphs
from indexer.embedding.provision.identity import (
    DOCUMENT_PROMPT,
    IDENTITY_FILE,
    MAX_SEQ_LENGTH,
    MODEL_NAME,
    QUERY_PROMPT,
    WEIGHTS_FILE,
    WRITTEN_FILES,
    FileRecord,
    ModelIdentity,
    ModelProvisionError,
    model_id_for,
    sha256_file,
)
from indexer.embedding.provision.sources import (
    SourceFile,
    package_version,
    source_path,
    verify_source,
)

SPECIAL_TOKENS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>", "mask": "<mask>"}


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


def _special_tokens_map() -> dict[str, str]:
    """special_tokens_map.json contents (XLM-R's special tokens by role)."""
    return {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }


def _tokenizer_config() -> dict[str, Any]:
    """tokenizer_config.json for an XLM-R fast tokenizer backed by tokenizer.json."""
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        **_special_tokens_map(),
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": True,
        "model_max_length": MAX_SEQ_LENGTH,
    }


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
        "sentence_transformers": package_version("sentence-transformers"),
        "transformers": package_version("transformers"),
        "pytorch": package_version("torch"),
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


def write_model_folder(folder: Path, weights: SourceFile, tokenizer: SourceFile) -> ModelIdentity:
    """Write the complete model folder into an empty directory, from the two source files."""
    source: dict[str, dict[str, str]] = {}
    with source_path(weights) as weights_path, source_path(tokenizer) as tok_path:
        for src, path in ((weights, weights_path), (tokenizer, tok_path)):
            source[src.distribution] = {
                "version": package_version(src.distribution),
                "file": src.label,
                "sha256": verify_source(src, path),
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
    write_onnx_graphs(folder)

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
