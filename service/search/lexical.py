"""BM25 over the chunks of a snapshot, with Swedish stems, stop words and compound parts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_SWEDISH

from indexer.lexical.analysis import ENGLISH_FUNCTION_WORDS, Analyzer, build_vocabulary

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
    """BM25 scores for every chunk of one snapshot."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.analyzer = Analyzer(build_vocabulary(texts))
        self.size = len(texts)
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [self.analyzer.terms(t) or ["\u2400"] for t in texts]
        self._df: Counter[str] = Counter(term for terms in corpus for term in set(terms))
        self._bm25.index(corpus, show_progress=False)

    def document_frequency(self, term: str) -> int:
        """In how many chunks the term occurs."""
        return self._df.get(term, 0)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of each chunk for the query (zeros when no term is known)."""
        terms = self.analyzer.terms(query)
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
