"""Embedder without the model: precision rules, CPU flags, normalization, a missing folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from indexer.embedding.encoder import (
    Embedder,
    cpu_flags,
    l2_normalize,
    resolve_device,
    resolve_precision,
)


def test_resolve_precision_rules() -> None:
    assert resolve_precision("fp32", frozenset({"amx_bf16"})) == "fp32"
    assert resolve_precision("bf16", frozenset()) == "bf16"
    assert resolve_precision("auto", frozenset({"avx2", "avx512_bf16"})) == "bf16"
    assert resolve_precision("auto", frozenset({"avx2", "amx_bf16", "amx_tile"})) == "bf16"
    assert resolve_precision("auto", frozenset({"avx2", "avx512f"})) == "fp32"
    with pytest.raises(ValueError):
        resolve_precision("fp16", frozenset())


def test_int8_only_when_asked_for_and_the_graph_is_there() -> None:
    no_bf16 = frozenset({"avx2", "avx512f"})
    assert resolve_precision("auto", no_bf16, int8_available=True) == "fp32"
    assert resolve_precision("auto", frozenset({"avx512_bf16"}), int8_available=True) == "bf16"
    assert resolve_precision("auto", no_bf16, int8_available=True, device="cuda") == "fp32"
    assert resolve_precision("int8", no_bf16, int8_available=True) == "int8"
    with pytest.raises(ValueError, match="int8 graph"):
        resolve_precision("int8", no_bf16, int8_available=False)


def test_the_cpu_runs_a_precision_with_a_graph_on_onnx_runtime(tmp_path: Path) -> None:
    from indexer.embedding.encoder import planned_run
    from indexer.embedding.provision.graphs import FP32_GRAPH, INT8_GRAPH

    (tmp_path / "onnx").mkdir()
    assert planned_run(tmp_path, "fp32", "cpu") == ("cpu", "fp32", "torch")
    with pytest.raises(ValueError, match="fp32 graph"):
        planned_run(tmp_path, "fp32", "cpu", runtime="onnx")
    (tmp_path / FP32_GRAPH).write_bytes(b"")
    (tmp_path / INT8_GRAPH).write_bytes(b"")
    assert planned_run(tmp_path, "fp32", "cpu") == ("cpu", "fp32", "onnx")
    assert planned_run(tmp_path, "int8", "cpu") == ("cpu", "int8", "onnx")
    assert planned_run(tmp_path, "bf16", "cpu") == ("cpu", "bf16", "torch")
    assert planned_run(tmp_path, "fp32", "cpu", runtime="torch") == ("cpu", "fp32", "torch")
    with pytest.raises(ValueError, match="runtime"):
        planned_run(tmp_path, "fp32", "cpu", runtime="tensorrt")


def test_the_int8_graph_keeps_only_the_feed_forward_outputs_in_fp32() -> None:
    from indexer.embedding.provision.graphs import kept_in_fp32

    layer = "/model/encoder/layer.3"
    names = [
        f"{layer}/attention/self/query/MatMul",
        f"{layer}/attention/self/MatMul",
        f"{layer}/attention/output/dense/MatMul",
        f"{layer}/intermediate/dense/MatMul",
        f"{layer}/output/dense/MatMul",
    ]
    assert kept_in_fp32(names) == [f"{layer}/output/dense/MatMul"]


def test_resolve_device_rules() -> None:
    import torch

    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match="device"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            resolve_device("cuda")


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


class CountingEncoder:
    """Vectors from text lengths; remembers every text it was asked to encode."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode_documents(
        self, texts: Sequence[str], batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_each_distinct_text_is_embedded_once_and_every_row_gets_its_vector() -> None:
    from indexer.embedding.documents import PROGRESS_SLICE, _encode

    texts = ["a" * (i % 7 + 1) for i in range(3 * PROGRESS_SLICE)] + ["a", "bb", "a"]
    encoder = CountingEncoder()
    reports: list[tuple[int, int]] = []
    vectors = _encode(encoder, texts, False, lambda done, total: reports.append((done, total)))
    assert sorted(encoder.seen) == sorted(set(texts)) != []
    assert len(encoder.seen) == len(set(encoder.seen))
    np.testing.assert_array_equal(vectors[:, 0], [len(t) for t in texts])
    assert reports[0] == (0, len(set(texts))) and reports[-1] == (len(set(texts)),) * 2


def test_a_build_counts_the_distinct_texts_and_characters_it_embedded() -> None:
    from indexer.embedding.documents import embed_missing
    from indexer.models import Chunk, DocumentInfo
    from indexer.store.format import BuildDocument

    def chunk(text: str, sentences: list[str]) -> Chunk:
        return Chunk("d", text, text, "prose", [1], "", [], None, text, sentences=sentences)

    info = DocumentInfo("d", "d.pdf", "0", "Rapport", "Hässelby-Vällingby", 2024, "verksamhetsplan")
    one = BuildDocument(
        info, [chunk("Ett två.", ["Ett två."]), chunk("Tre. Fyra.", ["Tre.", "Fyra."])]
    )
    encoder = CountingEncoder()
    counts = embed_missing([one], lambda: encoder)
    distinct = {"Ett två.", "Tre. Fyra.", "Tre.", "Fyra."}
    assert (counts.chunks, counts.texts) == (2, len(distinct))
    assert counts.characters == sum(len(t) for t in distinct)
    assert one.vectors is not None and one.sentence_vectors is not None
    assert (len(one.vectors), len(one.sentence_vectors)) == (2, 3)
