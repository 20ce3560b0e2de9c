"""Embedder without the model: precision rules, CPU flags, normalization, a missing folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.embedding.encoder import Embedder, cpu_flags, l2_normalize, resolve_precision


def test_resolve_precision_rules() -> None:
    assert resolve_precision("fp32", frozenset({"amx_bf16"})) == "fp32"
    assert resolve_precision("bf16", frozenset()) == "bf16"
    assert resolve_precision("auto", frozenset({"avx2", "avx512_bf16"})) == "bf16"
    assert resolve_precision("auto", frozenset({"avx2", "amx_bf16", "amx_tile"})) == "bf16"
    assert resolve_precision("auto", frozenset({"avx2", "avx512f"})) == "fp32"
    with pytest.raises(ValueError):
        resolve_precision("fp16", frozenset())


def test_cpu_flags_parsing(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 avx512_bf16\n\n")
    assert cpu_flags(info) == frozenset({"fpu", "avx2", "avx512_bf16"})
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_l2_normalize_keeps_zero_rows() -> None:
    out = l2_normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="model folder not found"):
        Embedder(tmp_path / "nowhere")


def test_a_waiting_query_gets_the_model_before_waiting_documents() -> None:
    import threading
    import time

    embedder = Embedder.__new__(Embedder)  # only the turn-taking, no model
    embedder._turn = threading.Condition()
    embedder._busy = False
    embedder._queries_waiting = 0
    served: list[str] = []

    def use(name: str, query: bool) -> None:
        with embedder._model_turn(query=query):
            served.append(name)

    with embedder._model_turn(query=False):  # a build's slice holds the model
        documents = threading.Thread(target=use, args=("documents", False))
        documents.start()
        time.sleep(0.05)
        query = threading.Thread(target=use, args=("query", True))
        query.start()
        time.sleep(0.05)
        assert served == []
    documents.join(2)
    query.join(2)
    assert served == ["query", "documents"]
