"""Dense vectors of a build, as retrieval and answers use them, whichever store holds them.

`FolderVectors` serves a directory build (memory-mapped fp16 FAISS indexes);
`service.search.postgres.PostgresVectors` asks the database, filters inside the vector search.
Both score by inner product of normalised vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import faiss
import numpy as np

from indexer.store import vectors

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


SENTENCE_FANOUT = 4
"""Sentences fetched per chunk wanted: a chunk has several, and the best ones cluster."""


class BestOfRows(Protocol):
    def best_of_rows(self, vectors: Sequence[np.ndarray], rows: list[int]) -> dict[int, float]:
        """Exact best sentence similarity of each of these chunks (absent: no sentences)."""


class LazySentenceScores:
    """The best sentences an index search found, and exact scores for any other chunk asked
    for (computed once per chunk)."""

    def __init__(self, source: BestOfRows, query: list[np.ndarray], top: dict[int, float]) -> None:
        self.top = top
        self._source = source
        self._query = query
        self._known: dict[int, float] = {}

    def of(self, rows: np.ndarray) -> np.ndarray:
        missing = sorted({int(r) for r in rows} - set(self._known))
        if missing:
            found = self._source.best_of_rows(self._query, missing)
            self._known.update({r: found.get(r, -1.0) for r in missing})
        return np.array([self._known[int(r)] for r in rows], dtype=np.float32)


def first_sentence_rows(counts: np.ndarray) -> np.ndarray:
    """Row of each chunk's first sentence among all sentence vectors, from sentences per chunk."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


class FolderVectors:
    """A directory build's vectors: the memory-mapped fp16 indexes of `indexer.store.vectors`
    (an exact scan, or HNSW past its size), searched with the filters as allowed rows."""

    def __init__(
        self, chunks: faiss.Index, sentences: faiss.Index, sentence_counts: np.ndarray
    ) -> None:
        self.chunks = chunks
        self.sentences = sentences
        self.sentence_counts = sentence_counts.astype(np.int64)
        self.sentence_start = first_sentence_rows(self.sentence_counts)
        self.sentence_owner = np.repeat(
            np.arange(len(sentence_counts), dtype=np.int64), self.sentence_counts
        )

    def nearest(
        self, vector: np.ndarray, top: int, filters: Filters, allowed: np.ndarray | None
    ) -> dict[int, float]:
        return vectors.search(self.chunks, vector, top, allowed)

    def similarity(self, query: Sequence[np.ndarray], rows: np.ndarray) -> np.ndarray:
        block = vectors.rows_of(self.chunks, rows)
        return np.max(np.stack([block @ v.astype(np.float32) for v in query]), axis=0)

    def best_sentences(
        self,
        query: Sequence[np.ndarray],
        top: int,
        filters: Filters,
        allowed: np.ndarray | None,
    ) -> SentenceScores | None:
        if self.sentences.ntotal == 0:
            return None
        rows = None
        if allowed is not None:
            wanted = np.zeros(len(self.sentence_counts), dtype=bool)
            wanted[allowed] = True
            rows = np.flatnonzero(wanted[self.sentence_owner]).astype(np.int64)
        best: dict[int, float] = {}
        for vector in query:
            for row, score in vectors.search(
                self.sentences, vector, top * SENTENCE_FANOUT, rows
            ).items():
                chunk = int(self.sentence_owner[row])
                best[chunk] = max(score, best.get(chunk, -1.0))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:top]
        return LazySentenceScores(self, list(query), dict(ranked))

    def best_of_rows(self, query: Sequence[np.ndarray], rows: list[int]) -> dict[int, float]:
        chunks = np.asarray(rows, dtype=np.int64)
        counts = self.sentence_counts[chunks]
        if not counts.sum():
            return {}
        starts = self.sentence_start[chunks]
        spans = [np.arange(s, s + c) for s, c in zip(starts, counts, strict=True)]
        matrix = vectors.rows_of(self.sentences, np.concatenate(spans))
        similarity = np.max(np.stack([matrix @ v.astype(np.float32) for v in query]), axis=0)
        owner = np.repeat(np.arange(len(chunks)), counts)
        best = np.full(len(chunks), -1.0, dtype=np.float32)
        np.maximum.at(best, owner, similarity)
        return {int(r): float(b) for r, b, c in zip(chunks, best, counts, strict=True) if c}

    def sentence_matrix(self, rows: Sequence[int]) -> np.ndarray:
        return vectors.rows_of(self.sentences, np.asarray(list(rows), dtype=np.int64))
