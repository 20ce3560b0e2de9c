"""Swedish search terms, compounds, highlights and sentence splitting."""

from __future__ import annotations

from indexer.chunking.sentences import figures, row_sentence, split_sentences
from indexer.lexical.analysis import Analyzer, build_vocabulary, normalise_numbers
from service.search.highlight import highlight_spans
from service.search.lexical import looks_english

TEXTS = [
    "Kostnaden för placeringar av ungdomar har ökat.",
    "Placeringar på HVB ökar kostnaden.",
    "Placeringskostnaderna har ökat under året.",
]


def test_numbers_lose_thousands_spaces() -> None:
    assert normalise_numbers("2 279,8 mnkr och 9 430 kr") == "2279,8 mnkr och 9430 kr"
    assert Analyzer().terms("2 279,8 mnkr") == Analyzer().terms("2279,8 mnkr")


def test_compounds_split_into_known_parts() -> None:
    analyzer = Analyzer(build_vocabulary(TEXTS, min_count=1))
    terms = analyzer.terms("Hur har placeringskostnaderna utvecklats?")
    assert "placering" in terms and "kostnad" in terms
    assert "hur" not in terms


def test_highlights_cover_stems_and_compound_parts() -> None:
    text = "Placeringskostnaderna ökade; fler vårdplaceringar på HVB och högre kostnader."
    spans = highlight_spans(text, "placeringar")
    assert [text[s:e] for s, e in spans] == ["Placeringskostnaderna", "vårdplaceringar"]
    analyzer = Analyzer(build_vocabulary(TEXTS, min_count=1))
    spans = highlight_spans(text, "placeringskostnaderna", analyzer)
    assert [text[s:e] for s, e in spans] == [
        "Placeringskostnaderna",
        "vårdplaceringar",
        "kostnader",
    ]
    assert highlight_spans(text, "och det") == []


def test_sentences_keep_abbreviations() -> None:
    text = "Förvaltningen arbetar bl.a. med SIP. Målet är 250 st. Nästa år ökar det."
    assert split_sentences(text) == [
        "Förvaltningen arbetar bl.a. med SIP.",
        "Målet är 250 st.",
        "Nästa år ökar det.",
    ]


def test_figures_with_units() -> None:
    found = figures("Överskottet är 9,4 mnkr, dygnspriset ökade med 13,5% och 2 579 barn.")
    assert found == ["9,4 mnkr", "13,5%", "2 579 barn"]


def test_row_sentence_names_the_columns() -> None:
    sentence = row_sentence(
        ["Indikator", "Årsmål", "KF:s årsmål", "Periodicitet"],
        ["Andel barn som lever i familjer som har ekonomiskt bistånd", "3,2 %", "2,7 %", "Tertial"],
        None,
    )
    assert sentence == (
        "Andel barn som lever i familjer som har ekonomiskt bistånd: "
        "Årsmål 3,2 %, KF:s årsmål 2,7 %, Periodicitet Tertial."
    )


def test_english_detection() -> None:
    assert looks_english("What tool does the administration use?")
    assert looks_english("What is Trefas and what is it meant to achieve in Hässelby-Vällingby?")
    assert not looks_english("Vad kostade upprustningen av Brunnsparken?")
    assert not looks_english("Hur har det gått för fritidsgårdarna i Vällingby?")
