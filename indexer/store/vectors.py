"""The vector files of a folder build: fp16 codes in a FAISS index, memory-mapped when read.

Chunk and sentence vectors are stored as half-precision codes (`IndexScalarQuantizer`, fp16),
half the size of float32 with no measurable loss for normalised embeddings, and read with
`IO_FLAG_MMAP_IFC`, so a loaded build costs page cache rather than heap and a service start
does not copy them. Up to `ANN_FROM` vectors the index is an exact scan; past it, an HNSW graph
over the same fp16 codes (`scripts/bench_ann.py` measures where the scan gets slower than the
graph on this machine).
"""

from __future__ import annotations

import os
from pathlib import Path

import faiss
import numpy as np

ANN_FROM = 100_000
"""Vectors from which a build writes an HNSW graph instead of an exact scan. Measured with
`python scripts/bench_ann.py` on a 2-core Intel Xeon: the scan takes 0.8 ms per query vector at
25,000 vectors, 5.9 ms at 100,000, 15.6 ms at 200,000 and 31.8 ms at 400,000; the graph 0.4 ms
at each size with recall@40 0.99, and 9.4 s per 100,000 vectors to build. Below this size the
scan is fast enough and exact."""
HNSW_LINKS = 32
HNSW_BUILD_DEPTH = 80
HNSW_SEARCH_DEPTH = 128
"""efSearch at query time (at least twice the number of hits asked for)."""
EXACT_SUBSET = 20_000
"""A filter that leaves at most this many vectors is searched exactly over those vectors, also
in an HNSW index (a graph search that skips most nodes finds too few)."""


class VectorFileError(Exception):
    """A vector file that is missing, unreadable or does not match the build."""


def vector_index(vectors: np.ndarray, dimension: int) -> faiss.Index:
    """An inner-product index over fp16 codes of these (normalised) vectors."""
    dim = vectors.shape[1] if len(vectors) else dimension
    if len(vectors) >= ANN_FROM:
        graph = faiss.IndexHNSWSQ(
            dim,
            faiss.ScalarQuantizer.QT_fp16,  # type: ignore[arg-type]
            HNSW_LINKS,
            faiss.METRIC_INNER_PRODUCT,
        )
        graph.hnsw.efConstruction = HNSW_BUILD_DEPTH
        index: faiss.Index = graph
    else:
        index = faiss.IndexScalarQuantizer(
            dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
        )
    if len(vectors):
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        index.train(data)
        index.add(data)
    return index


def write_vector_file(path: Path, vectors: np.ndarray, dimension: int) -> None:
    """Write the index of these vectors to `path` and flush it to disk."""
    faiss.write_index(vector_index(vectors, dimension), str(path))
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def read_vector_file(
    path: Path, count: int, dimension: int, what: str, counted: str
) -> faiss.Index:
    """The index in `path`, memory-mapped, checked to hold `count` vectors of `dimension`
    (one per `counted` item of the manifest)."""
    if not path.is_file():
        raise VectorFileError(f"{path}: missing {what} file; run 'rapportsok index'")
    try:
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
    except RuntimeError as exc:
        size = path.stat().st_size
        raise VectorFileError(
            f"{path}: corrupt {what} file ({size} bytes, not a readable FAISS index); "
            "run 'rapportsok index' to rebuild"
        ) from exc
    if index.ntotal != count:
        raise VectorFileError(
            f"{path}: {index.ntotal} {what}s but the manifest lists {count} {counted}; "
            "run 'rapportsok index' to rebuild"
        )
    if count and index.d != dimension:
        raise VectorFileError(f"{path}: {what}s have {index.d} dimensions, the model {dimension}")
    return index


def all_vectors(index: faiss.Index) -> np.ndarray:
    """Every vector of the index as float32 rows (decoded from fp16)."""
    if index.ntotal == 0:
        return np.zeros((0, index.d), np.float32)
    return np.asarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)


def rows_of(index: faiss.Index, rows: np.ndarray) -> np.ndarray:
    """The vectors of these rows, in that order."""
    if len(rows) == 0:
        return np.zeros((0, index.d), np.float32)
    return np.asarray(index.reconstruct_batch(np.asarray(rows, dtype=np.int64)), np.float32)


def search(
    index: faiss.Index, vector: np.ndarray, top: int, allowed: np.ndarray | None
) -> dict[int, float]:
    """The `top` rows nearest the vector by inner product, among `allowed` rows if given."""
    limit = index.ntotal if allowed is None else len(allowed)
    top = min(top, limit)
    if top <= 0:
        return {}
    query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
    if allowed is not None and len(allowed) <= EXACT_SUBSET:
        scores = rows_of(index, allowed) @ query[0]
        best = np.argsort(-scores, kind="stable")[:top]
        return {int(allowed[i]): float(scores[i]) for i in best}
    params: faiss.SearchParameters | None = None
    selector = faiss.IDSelectorBatch(allowed) if allowed is not None else None
    if isinstance(index, faiss.IndexHNSW):
        params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
            efSearch=max(HNSW_SEARCH_DEPTH, 2 * top)
        )
        if selector is not None:
            params.sel = selector
    elif selector is not None:
        params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
    distances, ids = index.search(query, top, params=params)
    return {int(i): float(d) for d, i in zip(distances[0], ids[0], strict=True) if i >= 0}
