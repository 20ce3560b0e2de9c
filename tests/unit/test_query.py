"""Filters and boosts read from questions."""

from __future__ import annotations

from service.search.query import Vocabulary, understand
from service.search.snapshot import Filters

VOCAB = Vocabulary(
    districts=frozenset({"Hässelby-Vällingby", "Kungsholmen"}),
    years=frozenset({2021, 2024}),
    units=("Biståndsbedömning, funktionsnedsättning", "Familjeenheten", "Vuxenenheten"),
)


def test_district_year_goal_and_report_type() -> None:
    intent = understand(
        "Vilket nytt team införs under mål 3.3 i Hässelby-Vällingbys verksamhetsplan 2024?",
        Filters(),
        VOCAB,
    )
    # Nothing was given: district, year and goal are all read from the question.
    assert intent.filters == Filters(district="Hässelby-Vällingby", year=2024, goal="3.3")
    assert intent.boost_doc_type == "verksamhetsplan"


def test_short_district_names_and_units() -> None:
    intent = understand(
        "Hur bedömde Biståndsbedömning funktionsnedsättning målet?", Filters(), VOCAB
    )
    assert intent.filters.unit == "Biståndsbedömning, funktionsnedsättning"
    assert (
        understand("Fritidsgårdar i Hässelby", Filters(), VOCAB).filters.district
        == "Hässelby-Vällingby"
    )


def test_two_years_mean_a_timeline_without_year_filter() -> None:
    intent = understand("Hur har kostnaden förändrats mellan 2021 och 2024?", Filters(), VOCAB)
    assert intent.filters.year is None and intent.trend and intent.timeline


def test_a_year_outside_the_index_is_not_a_timeline() -> None:
    intent = understand("Hur många SIP gjordes 2024 jämfört med 2023?", Filters(), VOCAB)
    assert intent.trend and not intent.timeline


def test_explicit_filters_win_and_disabled_ones_are_not_read() -> None:
    intent = understand(
        "Placeringar i Kungsholmen 2021", Filters(year=2024), VOCAB, frozenset({"district"})
    )
    assert intent.filters == Filters(year=2024)
