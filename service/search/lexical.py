"""BM25 over the chunks of a snapshot (saved with its build), and English-question detection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from bm25s.stopwords import STOPWORDS_SWEDISH

from indexer import store
from indexer.lexical.analysis import ENGLISH_FUNCTION_WORDS
from indexer.lexical.bm25 import Bm25Index

ENGLISH_MARKERS = ENGLISH_FUNCTION_WORDS | {
    "who",
    "where",
    "have",
    "has",
    "been",
    "will",
    "would",
    "should",
    "could",
    "their",
    "its",
}


def looks_english(query: str) -> bool:
    """Whether a question is in English (BM25 over Swedish text can't help it)."""
    words = [w.strip("?.,!:;\"'()").lower() for w in query.split()]
    words = [w for w in words if w]
    if not words:
        return False
    english = sum(w in ENGLISH_MARKERS for w in words)
    swedish = sum(w in SWEDISH_MARKERS for w in words)
    return english / len(words) >= 0.2 and english > swedish


SWEDISH_MARKERS = frozenset(STOPWORDS_SWEDISH) - {"what", "i", "a"}


class LexicalIndex:
    """BM25 scores for every chunk of one snapshot, from the index saved with its build."""

    def __init__(self, index: Bm25Index) -> None:
        self._index = index
        self.analyzer = index.analyzer
        self.size = index.size

    @classmethod
    def load(cls, build: Path, manifest: store.Manifest) -> LexicalIndex:
        """The build's saved BM25 (memory-mapped); a build without one is refused."""
        return cls(store.read_lexical(build, manifest))

    def document_frequency(self, term: str) -> int:
        """In how many chunks the term occurs."""
        return self._index.document_frequency(term)

    def chunks_with(self, term: str) -> np.ndarray:
        """Row numbers of the chunks that contain the term."""
        return self._index.chunks_with(term)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of each chunk for the query (zeros when no term is known)."""
        return self._index.scores(self.analyzer.terms(query))

    def term_scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of each chunk for terms already analysed (an expansion's)."""
        return self._index.scores(terms)
