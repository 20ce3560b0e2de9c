"""The BM25 index a build saves scores exactly like the one made in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.lexical.bm25 import build_bm25, load_bm25, save_bm25

TEXTS = [
    "Kostnaden för placeringar av ungdomar har ökat.",
    "Placeringar på HVB ökar kostnaden.",
    "Placeringskostnaderna har ökat under året.",
    "Nämndens budget uppgår till 2 279,8 mnkr.",
    "och i på",
]
QUERIES = ["Hur har placeringskostnaderna utvecklats?", "budget 2279,8 mnkr", "okänt ord", ""]


def test_saved_index_scores_like_the_one_in_memory(tmp_path: Path) -> None:
    made = build_bm25(TEXTS)
    save_bm25(made, tmp_path)
    loaded = load_bm25(tmp_path, size=len(TEXTS))
    assert loaded.analyzer.vocabulary == made.analyzer.vocabulary
    for query in QUERIES:
        expected = made.scores(made.analyzer.terms(query))
        np.testing.assert_array_equal(loaded.scores(loaded.analyzer.terms(query)), expected)
    for term in {t for text in TEXTS for t in made.analyzer.terms(text)}:
        assert loaded.document_frequency(term) == made.document_frequency(term)
    assert loaded.document_frequency("placering") == 3  # twice alone, once in a compound
    assert loaded.document_frequency("finns-inte") == 0


def test_document_frequency_counts_chunks_not_occurrences() -> None:
    index = build_bm25(["kostnad kostnad kostnad", "kostnad", "budget"])
    (cost,) = index.analyzer.terms("kostnad")
    (budget,) = index.analyzer.terms("budget")
    assert index.document_frequency(cost) == 2
    assert index.document_frequency(budget) == 1


def test_empty_index_round_trips(tmp_path: Path) -> None:
    save_bm25(build_bm25([]), tmp_path)
    loaded = load_bm25(tmp_path, size=0)
    assert loaded.scores(["kostnad"]).shape == (0,)


def test_a_saved_index_for_other_chunks_is_refused(tmp_path: Path) -> None:
    save_bm25(build_bm25(TEXTS), tmp_path)
    with pytest.raises(ValueError, match="expected 4"):
        load_bm25(tmp_path, size=4)
