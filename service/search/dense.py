"""Dense vectors of a build, as retrieval and answers use them, whichever store holds them.

`InMemoryVectors` serves a directory build (FAISS for passages, a NumPy matrix for sentences);
`service.search.postgres.PostgresVectors` asks the database, filters inside the vector search.
Both score by inner product of normalised vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import faiss
import numpy as np

if TYPE_CHECKING:
    from service.search.snapshot import Filters


class SentenceScores(Protocol):
    """Each chunk's best sentence similarity to the question (the better of its vectors)."""

    top: dict[int, float]
    """The chunks with the best sentences, within the filters, best first."""

    def of(self, rows: np.ndarray) -> np.ndarray:
        """The best sentence similarity of each row (-1 for a chunk without sentences)."""


class DenseVectors(Protocol):
    def nearest(
        self, vector: np.ndarray, top: int, filters: Filters, allowed: np.ndarray | None
    ) -> dict[int, float]:
        """The `top` chunks nearest the vector within the filters (`allowed` is the same
        restriction as row ids), with their similarity."""

    def similarity(self, vectors: Sequence[np.ndarray], rows: np.ndarray) -> np.ndarray:
        """Each row's similarity to the nearest of the vectors."""

    def best_sentences(
        self,
        vectors: Sequence[np.ndarray],
        top: int,
        filters: Filters,
        allowed: np.ndarray | None,
    ) -> SentenceScores | None:
        """Best sentences per chunk; None when the build has no sentence vectors."""

    def sentence_matrix(self, rows: Sequence[int]) -> np.ndarray:
        """The vectors of these sentence rows, in that order."""


@dataclass
class ArraySentenceScores:
    best: np.ndarray
    top: dict[int, float]

    def of(self, rows: np.ndarray) -> np.ndarray:
        return self.best[rows]


class InMemoryVectors:
    """A directory build's vectors: exact search over a FAISS flat index and a matrix."""

    def __init__(
        self, index: faiss.Index, sentence_vectors: np.ndarray, sentence_owner: np.ndarray
    ) -> None:
        self.index = index
        self.matrix = index.reconstruct_n(0, index.ntotal)
        self.sentence_vectors = sentence_vectors
        self.sentence_owner = sentence_owner

    def nearest(
        self, vector: np.ndarray, top: int, filters: Filters, allowed: np.ndarray | None
    ) -> dict[int, float]:
        top = min(top, len(allowed) if allowed is not None else self.index.ntotal)
        if top == 0:
            return {}
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))  # type: ignore[call-arg]
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        distances, ids = self.index.search(query, top, params=params)
        return {int(i): float(d) for d, i in zip(distances[0], ids[0], strict=True) if i >= 0}

    def similarity(self, vectors: Sequence[np.ndarray], rows: np.ndarray) -> np.ndarray:
        block = self.matrix[rows]
        return np.max(np.stack([block @ v.astype(np.float32) for v in vectors]), axis=0)

    def best_sentences(
        self,
        vectors: Sequence[np.ndarray],
        top: int,
        filters: Filters,
        allowed: np.ndarray | None,
    ) -> SentenceScores | None:
        if not len(self.sentence_vectors):
            return None
        best = np.full(self.index.ntotal, -1.0, dtype=np.float32)
        for vector in vectors:
            similarity = self.sentence_vectors @ vector.astype(np.float32)
            np.maximum.at(best, self.sentence_owner, similarity)
        scores = best if allowed is None else np.full_like(best, -1.0)
        if allowed is not None:
            scores[allowed] = best[allowed]
        ranked = np.argsort(-scores)[:top]
        return ArraySentenceScores(
            best=best, top={int(r): float(scores[r]) for r in ranked if scores[r] > -1}
        )

    def sentence_matrix(self, rows: Sequence[int]) -> np.ndarray:
        return self.sentence_vectors[list(rows)]
