"""Goal headings in their several shapes, and the goal path they set."""

from __future__ import annotations

import pytest

from indexer.models import Goal
from indexer.structure.goals import GoalTracker, parse_goal_heading


@pytest.mark.parametrize(
    ("heading", "level", "number", "title"),
    [
        (
            "KF:s mål för verksamhetsområdet: 1.3 Stockholms stad ska ge stöd och omsorg "
            "där behoven är som störst",
            "verksamhetsomradesmal",
            "1.3",
            "Stockholms stad ska ge stöd och omsorg där behoven är som störst",
        ),
        (
            "KF:s mål för verksamhetsområdet: 1.2. Stockholm är en trygg stad",
            "verksamhetsomradesmal",
            "1.2",
            "Stockholm är en trygg stad",
        ),
        (
            "Nämndmål: 1.2.1.Alla barn utvecklas och lär",
            "namndmal",
            "1.2.1",
            "Alla barn utvecklas och lär",
        ),
        (
            "1.2.1 Hässelby-Vällingby är välskött, tillgängligt och tryggt.",
            "namndmal",
            "1.2.1",
            "Hässelby-Vällingby är välskött, tillgängligt och tryggt",
        ),
        (
            "KF:s inriktningsmål: 1. En modern storstad med möjligheter",
            "inriktningsmal",
            "1",
            "En modern storstad med möjligheter",
        ),
        (
            "Enhetsmål: Vuxenenheten ger stöd och omsorg",
            "enhetsmal",
            None,
            "Vuxenenheten ger stöd och omsorg",
        ),
    ],
)
def test_goal_headings(heading: str, level: str, number: str | None, title: str) -> None:
    goal = parse_goal_heading(heading)
    assert goal == Goal(level=level, number=number, title=title)  # type: ignore[arg-type]


def test_table_of_contents_lines_are_not_goals() -> None:
    assert parse_goal_heading("1.1 I Stockholm är människor självförsörjande.....\t6") is None
    assert parse_goal_heading("Beskrivning") is None


def test_tracker_keeps_only_matching_parents() -> None:
    tracker = GoalTracker()
    tracker.enter(Goal("inriktningsmal", "1", "A"), 1)
    tracker.enter(Goal("verksamhetsomradesmal", "1.3", "B"), 2)
    tracker.enter(Goal("namndmal", "1.3.2", "C"), 3)
    assert [g.number for g in tracker.goals] == ["1", "1.3", "1.3.2"]
    tracker.enter(Goal("verksamhetsomradesmal", "1.4", "D"), 2)
    assert [g.number for g in tracker.goals] == ["1", "1.4"]
    tracker.leave_below(1)
    assert tracker.goals == []
