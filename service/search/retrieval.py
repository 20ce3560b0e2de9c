"""Ranked passages for a question: candidates, fusion, duplicate collapse, highlights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from indexer.models import Chunk, DocumentInfo
from indexer.structure.metadata import fold
from service.language.expansion import Expander, Expansion
from service.search.dense import SentenceScores
from service.search.lexical import LexicalIndex, looks_english
from service.search.snapshot import Filters, Snapshot
from service.settings import FusionParams


class QueryEncoder(Protocol):
    def encode_queries(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class PreparedQuery:
    """A question with its vector and, when it uses words the reports don't, their mapping
    to report words with a second vector for the question so reworded."""

    text: str
    vector: np.ndarray
    expansion: Expansion = field(default_factory=Expansion)
    rewritten_vector: np.ndarray | None = None

    @property
    def vectors(self) -> list[np.ndarray]:
        extra = [self.rewritten_vector] if self.rewritten_vector is not None else []
        return [self.vector, *extra]


@dataclass
class Hit:
    row: int
    score: float
    chunk: Chunk
    document: DocumentInfo
    also_in: list[int] = field(default_factory=list)
    dense: float = 0.0


@dataclass
class SearchResult:
    query: str
    filters: Filters
    hits: list[Hit]
    boost_doc_type: str | None = None
    snapshot: Snapshot | None = None
    """The snapshot the hits' row numbers refer to (a reload may have replaced it since)."""


class Searcher:
    """Searches one snapshot; thread-safe because nothing in it changes after creation."""

    def __init__(
        self,
        snapshot: Snapshot,
        encoder: QueryEncoder,
        params: FusionParams | None = None,
        lexical: LexicalIndex | None = None,
        expander: Expander | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.encoder = encoder
        self.params = params or FusionParams()
        self.lexical = lexical or LexicalIndex.load(snapshot.build, snapshot.manifest)
        self.expander = expander if self.params.expansion else None
        self.dense = snapshot.dense
        self._doc_types = np.array(
            [fold(snapshot.documents[c.doc_id].doc_type or "") for c in snapshot.chunks],
            dtype=object,
        )

    def search(
        self,
        query: str,
        k: int = 10,
        filters: Filters | None = None,
        boost_doc_type: str | None = None,
    ) -> SearchResult:
        return self.search_many([query], k, [filters or Filters()], [boost_doc_type])[0]

    def search_many(
        self,
        queries: Sequence[str],
        k: int,
        filters: Sequence[Filters],
        boosts: Sequence[str | None] | None = None,
    ) -> list[SearchResult]:
        prepared = self.prepare_many(queries)
        boosts = boosts or [None] * len(queries)
        return [
            self.search_prepared(p, k, f, b)
            for p, f, b in zip(prepared, filters, boosts, strict=True)
        ]

    def prepare(self, query: str) -> PreparedQuery:
        return self.prepare_many([query])[0]

    def prepare_many(self, queries: Sequence[str]) -> list[PreparedQuery]:
        """Encode each question, expand it in the context of its nearest passages, and encode
        the rewordings (one more batch, only when a question has one)."""
        vectors = self.encoder.encode_queries(list(queries))
        expansions = [self.expand(q, v) for q, v in zip(queries, vectors, strict=True)]
        rewritten = [e.rewritten for e in expansions if e.rewritten]
        extra = iter(self.encoder.encode_queries(rewritten) if rewritten else [])
        return [
            PreparedQuery(q, vectors[i], e, next(extra) if e.rewritten else None)
            for i, (q, e) in enumerate(zip(queries, expansions, strict=True))
        ]

    def expand(self, query: str, vector: np.ndarray | None = None) -> Expansion:
        """Everyday words mapped to report words (nothing when expansion is off); with the
        question's vector, only to words its nearest passages use."""
        if self.expander is None or looks_english(query):
            return Expansion()
        if not self.expander.has_everyday_words(query):
            return Expansion()  # no dense search for the context of a question in report words
        context = None
        if vector is not None:
            context = set(self.dense.nearest(vector, self.params.candidates, Filters(), None))
        return self.expander.expand(query, context)

    def search_prepared(
        self, query: PreparedQuery, k: int, filters: Filters, boost: str | None = None
    ) -> SearchResult:
        """Search with the question's vectors already computed (the answerer reuses them)."""
        hits = self._rank(query, k, filters, boost)
        return SearchResult(
            query=query.text,
            filters=filters,
            hits=hits,
            boost_doc_type=boost,
            snapshot=self.snapshot,
        )

    def scores(
        self, query: PreparedQuery, filters: Filters, boost: str | None = None
    ) -> dict[int, float]:
        """Fused scores of the candidate chunks (dense top-N plus BM25 top-N, within filters).

        With a reworded question, each chunk's dense score is the better of the two."""
        allowed = self.snapshot.ids_matching(filters)
        if allowed is not None and len(allowed) == 0:
            return {}
        p = self.params
        dense: dict[int, float] = {}
        sentences: SentenceScores | None = None
        if p.method != "bm25":
            for vector in query.vectors:
                for row, score in self.dense.nearest(
                    vector, p.candidates, filters, allowed
                ).items():
                    dense[row] = max(score, dense.get(row, -1.0))
            if p.sentence_level:
                sentences = self.dense.best_sentences(query.vectors, p.candidates, filters, allowed)
        if sentences is not None:
            best = sentences.of(np.array(list(dense), dtype=np.int64))
            dense = {r: max(s, float(b)) for (r, s), b in zip(dense.items(), best, strict=True)}
            dense.update({r: max(s, dense.get(r, -1.0)) for r, s in sentences.top.items()})
        if p.method == "dense":
            return dense
        bm25 = self.lexical.scores(query.text)
        if query.expansion.terms and p.expansion_weight > 0:
            bm25 = bm25 + p.expansion_weight * self.lexical.term_scores(list(query.expansion.terms))
        if allowed is not None:
            masked = np.zeros_like(bm25)
            masked[allowed] = bm25[allowed]
            bm25 = masked
        top_lex = [int(i) for i in np.argsort(-bm25)[: p.candidates] if bm25[i] > 0]
        if p.method == "bm25":
            return {i: float(bm25[i]) for i in top_lex}
        rows = np.array(sorted(set(dense) | set(top_lex)), dtype=np.int64)
        if len(rows) == 0:
            return {}
        d = self.dense.similarity(query.vectors, rows)
        if sentences is not None:
            d = np.maximum(d, sentences.of(rows))
        b = bm25[rows]
        if p.method == "rrf":
            fused = _rrf(d, p.rrf_k) + _rrf(b, p.rrf_k) * (0 if looks_english(query.text) else 1)
        else:
            weight = p.english_dense_weight if looks_english(query.text) else p.dense_weight
            fused = weight * _minmax(d) + (1 - weight) * _max_scaled(b)
        if boost:
            wanted = fold(boost)
            fused = fused + p.doc_type_boost * np.array(
                [str(t).startswith(wanted) for t in self._doc_types[rows]], dtype=np.float32
            )
        return {int(r): float(s) for r, s in zip(rows, fused, strict=True)}

    def _rank(self, query: PreparedQuery, k: int, filters: Filters, boost: str | None) -> list[Hit]:
        return self._collapse(self.scores(query, filters, boost), k)

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


def _minmax(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values)
    return (values - low) / (high - low)


def _max_scaled(values: np.ndarray) -> np.ndarray:
    high = float(values.max())
    return values / high if high > 0 else np.zeros_like(values)


def _rrf(values: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(values), dtype=np.float32)
    ranks[np.argsort(-values)] = np.arange(1, len(values) + 1)
    return 1.0 / (k + ranks)
