"""Everyday words to report words: the thesaurus reader and the expander, on small inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.lexical.analysis import Analyzer, stem
from service.language.expansion import Expander
from service.language.thesaurus import ThesaurusError, load_thesaurus, read_thesaurus

MYTHES = """ISO-8859-1
dagis|1
|förskola
klubb|1
|sällskap|förening
unge|1
|knodd|barn
plugga|1
|öva in|inöva|studerar|studera
"""


class Counts:
    """Chunk counts of stems, as a BM25 index would give them."""

    def __init__(self, text: str) -> None:
        self.analyzer = Analyzer()
        self.frequency: dict[str, int] = {}
        for term in self.analyzer.terms(text):
            self.frequency[term] = self.frequency.get(term, 0) + 1

    def document_frequency(self, term: str) -> int:
        return self.frequency.get(term, 0)

    def chunks_with(self, term: str) -> np.ndarray:
        """Chunk 0 holds every word here (so every known word is in a context of {0})."""
        return np.arange(1) if term in self.frequency else np.zeros(0, dtype=np.int64)


REPORTS = "förskola förskola barn barn barn förening förening plats plats studera sällskap arbeta"


@pytest.fixture()
def thesaurus_file(tmp_path: Path) -> Path:
    path = tmp_path / "th_sv.dat"
    path.write_bytes(MYTHES.encode("iso-8859-1"))
    return path


def test_reads_mythes_in_its_declared_encoding(thesaurus_file: Path) -> None:
    thesaurus = read_thesaurus(thesaurus_file)
    assert thesaurus.synonyms("Dagis") == ("förskola",)
    assert thesaurus.synonyms("plugga") == ("öva in", "inöva", "studerar", "studera")
    assert "okänt" not in thesaurus


def test_a_missing_or_foreign_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ThesaurusError, match=r"nothing\.dat"):
        read_thesaurus(tmp_path / "nothing.dat")
    other = tmp_path / "other.dat"
    other.write_text("UTF-8\njust text\n", encoding="utf-8")
    with pytest.raises(ThesaurusError, match="no thesaurus entries"):
        read_thesaurus(other)
    thesaurus, status = load_thesaurus(tmp_path / "nothing.dat")
    assert thesaurus is None and not status.available and "mythes-sv" in status.message


def test_words_the_reports_never_use_map_to_words_they_do(thesaurus_file: Path) -> None:
    expander = Expander(read_thesaurus(thesaurus_file), Counts(REPORTS))
    expansion = expander.expand("Hur många ungar går på dagis?")
    mapped = {m.word: m.report_words for m in expansion.mappings}
    assert mapped == {"ungar": ("barn",), "dagis": ("förskola",)}
    assert expansion.rewritten == "Hur många barn går på förskola?"
    assert stem("förskola") in expansion.terms and stem("barn") in expansion.terms


def test_inflected_forms_go_through_their_lemma(thesaurus_file: Path) -> None:
    expander = Expander(read_thesaurus(thesaurus_file), Counts(REPORTS))
    assert expander.report_words("pluggar") == ("studera",)
    assert expander.report_words("klubbarna") == ("förening", "sällskap")


def test_a_compound_is_split_and_its_parts_mapped(thesaurus_file: Path) -> None:
    expander = Expander(read_thesaurus(thesaurus_file), Counts(REPORTS))
    assert expander.report_words("dagisplatser") == ("förskola plats",)


def test_words_the_reports_use_are_left_alone(thesaurus_file: Path) -> None:
    expander = Expander(read_thesaurus(thesaurus_file), Counts(REPORTS + " dagis"))
    assert not expander.expand("Hur många barn går på dagis?")
    assert not Expander(read_thesaurus(thesaurus_file), Counts(REPORTS)).expand("Vad är blorf?")


class TwoSenses(Counts):
    """Chunk 0 is about preschool, chunk 1 about sailing: 'klubb' has a synonym in each."""

    def __init__(self) -> None:
        super().__init__("förening förening sällskap")
        self.rows = {stem("förening"): [0], stem("sällskap"): [1]}

    def chunks_with(self, term: str) -> np.ndarray:
        return np.array(self.rows.get(term, []), dtype=np.int64)


def test_the_questions_nearest_passages_pick_the_sense(thesaurus_file: Path) -> None:
    expander = Expander(read_thesaurus(thesaurus_file), TwoSenses())
    assert expander.expand("Vilka klubbar finns?").mappings[0].report_words == (
        "förening",
        "sällskap",
    )
    near_sailing = expander.expand("Vilka klubbar finns?", context={1})
    assert near_sailing.mappings[0].report_words == ("sällskap",)
    assert not expander.expand("Vilka klubbar finns?", context={7})
