"""The folder store's vector files: fp16 codes, memory-mapped, exact scan or HNSW, filters."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from indexer.store import vectors
from service.search.dense import FolderVectors
from service.search.snapshot import Filters

DIM = 32


def _unit_rows(count: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(count, DIM)).astype(np.float32)
    return data / np.linalg.norm(data, axis=1, keepdims=True)


def _exact(data: np.ndarray, query: np.ndarray, top: int, rows: np.ndarray | None = None) -> list:
    rows = np.arange(len(data)) if rows is None else rows
    scores = data[rows] @ query
    return [int(rows[i]) for i in np.argsort(-scores)[:top]]


def test_a_written_file_is_read_memory_mapped_with_half_precision_values(tmp_path: Path) -> None:
    data = _unit_rows(500)
    path = tmp_path / "vectors.faiss"
    vectors.write_vector_file(path, data, DIM)
    assert path.stat().st_size < data.nbytes * 0.6  # two bytes a component, not four
    index = vectors.read_vector_file(path, 500, DIM, "vector", "chunks")
    assert isinstance(index, faiss.IndexScalarQuantizer)
    np.testing.assert_allclose(vectors.all_vectors(index), data, atol=1e-3)
    np.testing.assert_allclose(vectors.rows_of(index, np.array([7, 3])), data[[7, 3]], atol=1e-3)


def test_the_scan_ranks_as_float32_does_within_and_without_filters(tmp_path: Path) -> None:
    """Same hits up to half-precision ties: each hit's float32 score is within 1e-3 of the
    float32 ranking's score at its place."""
    data, queries = _unit_rows(2000), _unit_rows(20, seed=1)
    index = vectors.vector_index(data, DIM)
    allowed = np.arange(0, 2000, 3)
    for query in queries:
        for rows in (None, allowed):
            found = list(vectors.search(index, query, 10, rows))
            expected = _exact(data, query, 10, rows)
            assert rows is None or set(found) <= set(rows.tolist())
            np.testing.assert_allclose(data[found] @ query, data[expected] @ query, atol=1e-3)


def test_past_the_threshold_an_hnsw_graph_finds_the_nearest_and_keeps_filters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(vectors, "ANN_FROM", 1000)
    monkeypatch.setattr(vectors, "EXACT_SUBSET", 100)
    data, queries = _unit_rows(3000), _unit_rows(30, seed=2)
    index = vectors.vector_index(data, DIM)
    assert isinstance(index, faiss.IndexHNSW)
    wide, narrow = np.arange(0, 3000, 2), np.arange(0, 3000, 50)
    recall = []
    for query in queries:
        recall.append(
            len(set(vectors.search(index, query, 10, None)) & set(_exact(data, query, 10)))
        )
        assert set(vectors.search(index, query, 10, wide)) <= set(wide.tolist())
        assert list(vectors.search(index, query, 10, narrow)) == _exact(data, query, 10, narrow)
    assert np.mean(recall) >= 9.0


def test_a_damaged_or_short_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sentence_vectors.faiss"
    vectors.write_vector_file(path, _unit_rows(10), DIM)
    with pytest.raises(
        vectors.VectorFileError, match="10 sentence vectors but the manifest lists 12"
    ):
        vectors.read_vector_file(path, 12, DIM, "sentence vector", "sentences")
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(vectors.VectorFileError, match=r"sentence_vectors\.faiss: corrupt"):
        vectors.read_vector_file(path, 10, DIM, "sentence vector", "sentences")


def test_best_sentences_rank_chunks_by_their_best_sentence_within_filters() -> None:
    """Chunk 1's second sentence is the query itself; chunk 2 has no sentences."""
    sentences = _unit_rows(7, seed=3)
    counts = np.array([3, 4, 0])
    chunks = _unit_rows(3, seed=4)
    dense = FolderVectors(
        vectors.vector_index(chunks, DIM), vectors.vector_index(sentences, DIM), counts
    )
    query = sentences[4]
    scores = dense.best_sentences([query], 2, Filters(), None)
    assert scores is not None and next(iter(scores.top)) == 1
    best = scores.of(np.array([0, 1, 2]))
    assert best[1] == pytest.approx(1.0, abs=1e-3)
    assert best[0] == pytest.approx(float(np.max(sentences[:3] @ query)), abs=1e-3)
    assert best[2] == -1.0
    only_first = dense.best_sentences([query], 2, Filters(), np.array([0]))
    assert only_first is not None and list(only_first.top) == [0]
