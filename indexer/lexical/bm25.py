"""BM25 over a build's chunks, made once by the build and saved with bm25s's own format.

The folder holds bm25s's files (scores matrix, vocabulary, params) and the analyzer's
decompounding vocabulary, so a loaded index turns a question into the same terms the chunks
were indexed with.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from indexer.lexical.analysis import Analyzer, build_vocabulary
from indexer.models import Chunk

K1 = 1.2
B = 0.75
NO_TERMS = "\u2400"
"""The one term of a chunk that has none of its own (bm25s needs a term per document)."""
PARAMS_FILE = "params.index.json"
"""Written by bm25s's save; its presence marks a saved index."""
VOCABULARY_FILE = "decompounding.json"
"""The corpus stems the analyzer may split compounds into."""


@dataclass(frozen=True)
class Bm25Index:
    """BM25 over `size` chunks and the analyzer that made their terms (no bm25s when empty)."""

    analyzer: Analyzer
    size: int
    bm25: bm25s.BM25 | None

    def document_frequency(self, term: str) -> int:
        """In how many chunks the term occurs (the column length of the scores matrix)."""
        column = self.bm25.vocab_dict.get(term) if self.bm25 is not None else None
        if self.bm25 is None or column is None:
            return 0
        indptr = self.bm25.scores["indptr"]
        return int(indptr[column + 1] - indptr[column]) if column + 1 < len(indptr) else 0

    def chunks_with(self, term: str) -> np.ndarray:
        """Row numbers of the chunks that contain the term."""
        column = self.bm25.vocab_dict.get(term) if self.bm25 is not None else None
        if self.bm25 is None or column is None:
            return np.zeros(0, dtype=np.int64)
        indptr = self.bm25.scores["indptr"]
        if column + 1 >= len(indptr):
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.bm25.scores["indices"][indptr[column] : indptr[column + 1]])

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of each chunk for already analysed terms (zeros when none is known)."""
        if not terms or self.bm25 is None:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(terms), dtype=np.float32)


def build_bm25(texts: Sequence[str]) -> Bm25Index:
    """Index the texts: the analyzer learns the corpus stems, then BM25 scores every term."""
    analyzer = Analyzer(build_vocabulary(texts))
    if not texts:
        return Bm25Index(analyzer=analyzer, size=0, bm25=None)
    bm25 = bm25s.BM25(k1=K1, b=B)
    bm25.index([analyzer.terms(t) or [NO_TERMS] for t in texts], show_progress=False)
    return Bm25Index(analyzer=analyzer, size=len(texts), bm25=bm25)


def bm25_of_chunks(chunks: Sequence[Chunk]) -> Bm25Index:
    """BM25 over the chunks' embedding texts, in row order: what a build saves."""
    return build_bm25([c.embed_text for c in chunks])


def save_bm25(index: Bm25Index, folder: Path) -> None:
    """Write the index into `folder` (bm25s's files only when there are chunks)."""
    folder.mkdir(parents=True, exist_ok=True)
    if index.bm25 is not None:
        index.bm25.save(str(folder), show_progress=False)
    vocabulary = sorted(index.analyzer.vocabulary)
    (folder / VOCABULARY_FILE).write_text(
        json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8"
    )


def load_bm25(folder: Path, size: int, mmap: bool = True) -> Bm25Index:
    """Read an index saved by `save_bm25` for `size` chunks; the scores are memory-mapped.

    Raises OSError or ValueError when files are missing or unreadable.
    """
    vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
    if not isinstance(vocabulary, list):
        raise ValueError(f"{VOCABULARY_FILE}: not a list of stems")
    analyzer = Analyzer(frozenset(str(s) for s in vocabulary))
    if size == 0:
        return Bm25Index(analyzer=analyzer, size=0, bm25=None)
    bm25 = bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False)
    if bm25.scores.get("num_docs") != size:
        raise ValueError(f"BM25 index of {bm25.scores.get('num_docs')} chunks, expected {size}")
    return Bm25Index(analyzer=analyzer, size=size, bm25=bm25)
