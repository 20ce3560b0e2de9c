"""Ranked passages for a question: candidates, fusion, duplicate collapse, highlights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import faiss
import numpy as np

from indexer.models import Chunk, DocumentInfo
from service.snapshot import Filters, Snapshot

CANDIDATES = 100


class QueryEncoder(Protocol):
    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class Hit:
    row: int
    score: float
    chunk: Chunk
    document: DocumentInfo
    also_in: list[int] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    filters: Filters
    hits: list[Hit]
    boost_doc_type: str | None = None


class Searcher:
    """Searches one snapshot; thread-safe because nothing in it changes after creation."""

    def __init__(self, snapshot: Snapshot, encoder: QueryEncoder) -> None:
        self.snapshot = snapshot
        self.encoder = encoder

    def search(
        self, query: str, k: int = 10, filters: Filters | None = None, boost_doc_type: str | None = None
    ) -> SearchResult:
        return self.search_many([query], k, [filters or Filters()], [boost_doc_type])[0]

    def search_many(
        self,
        queries: Sequence[str],
        k: int,
        filters: Sequence[Filters],
        boosts: Sequence[str | None] | None = None,
    ) -> list[SearchResult]:
        vectors = self.encoder.encode_queries(list(queries))
        boosts = boosts or [None] * len(queries)
        return [
            SearchResult(query=q, filters=f, hits=self._rank(vectors[i], k, f, b), boost_doc_type=b)
            for i, (q, f, b) in enumerate(zip(queries, filters, boosts, strict=True))
        ]

    def _rank(self, vector: np.ndarray, k: int, filters: Filters, boost: str | None) -> list[Hit]:
        scores = self._dense(vector, filters)
        return self._collapse(scores, k)

    def _dense(self, vector: np.ndarray, filters: Filters) -> dict[int, float]:
        allowed = self.snapshot.ids_matching(filters)
        if allowed is not None and len(allowed) == 0:
            return {}
        n = len(allowed) if allowed is not None else self.snapshot.vectors.ntotal
        top = min(CANDIDATES, n)
        if top == 0:
            return {}
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
        query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
        distances, ids = self.snapshot.vectors.search(query, top, params=params)
        return {int(i): float(d) for d, i in zip(distances[0], ids[0], strict=True) if i >= 0}

    def _collapse(self, scores: dict[int, float], k: int) -> list[Hit]:
        """Best-first, one hit per distinct passage text; the copies are listed on the hit."""
        hits: list[Hit] = []
        seen: set[str] = set()
        for row, score in sorted(scores.items(), key=lambda kv: -kv[1]):
            chunk = self.snapshot.chunks[row]
            if chunk.content_hash in seen:
                continue
            seen.add(chunk.content_hash)
            copies = [r for r in self.snapshot.by_hash.get(chunk.content_hash, []) if r != row]
            hits.append(
                Hit(
                    row=row,
                    score=score,
                    chunk=chunk,
                    document=self.snapshot.documents[chunk.doc_id],
                    also_in=copies,
                )
            )
            if len(hits) >= k:
                break
        return hits
