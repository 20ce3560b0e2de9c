"""Recognise the goal hierarchy in headings and keep track of where in it the text is.

Headings come in several shapes ("KF:s mål för verksamhetsområdet: 1.3 Stockholms stad ska ...",
"Nämndmål: 1.2.1.Alla barn ...", or a bare "1.2.1 Hässelby-Vällingby är ..."), so the number
and title are read with patterns; the goal level follows from the prefix or the number's depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.models import Goal, GoalLevel

_NUM = r"(\d{1,2}(?:\.\d{1,2}){0,2})"
PREFIXED: list[tuple[re.Pattern[str], GoalLevel]] = [
    (re.compile(rf"^KF:s\s+inriktningsmål\s*:?\s*{_NUM}\.?\s*(.*)$", re.I), "inriktningsmal"),
    (
        re.compile(rf"^KF:s\s+mål\s+för\s+verksamhetsområdet\s*:?\s*{_NUM}\.?\s*(.*)$", re.I),
        "verksamhetsomradesmal",
    ),
    (re.compile(rf"^Nämndmål\s*:?\s*{_NUM}\.?\s*(.*)$", re.I), "namndmal"),
]
ENHETSMAL = re.compile(r"^Enhetsmål\s*:?\s*(?:(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s*)?(.+)$", re.I)
BARE = re.compile(r"^(\d)(?:\.(\d{1,2}))?(?:\.(\d{1,2}))?\.?\s+([A-ZÅÄÖ].{8,})$")
LEVEL_BY_DEPTH: dict[int, GoalLevel] = {
    1: "inriktningsmal",
    2: "verksamhetsomradesmal",
    3: "namndmal",
}
ORDER: dict[GoalLevel, int] = {
    "inriktningsmal": 1,
    "verksamhetsomradesmal": 2,
    "namndmal": 3,
    "enhetsmal": 4,
}


def parse_goal_heading(text: str, allow_bare: bool = True) -> Goal | None:
    """The goal a heading announces, or None if it is not a goal heading."""
    text = re.sub(r"\s+", " ", text).strip()
    if "....." in text:
        return None
    for pattern, level in PREFIXED:
        match = pattern.match(text)
        if match:
            number = match.group(1).rstrip(".")
            depth = number.count(".") + 1
            level_for_depth = LEVEL_BY_DEPTH.get(depth, level)
            return Goal(level=level_for_depth, number=number, title=_title(match.group(2)))
    match = ENHETSMAL.match(text)
    if match:
        return Goal(level="enhetsmal", number=match.group(1), title=_title(match.group(2)))
    if allow_bare:
        match = BARE.match(text)
        if match:
            parts = [p for p in match.groups()[:3] if p]
            return Goal(
                level=LEVEL_BY_DEPTH[len(parts)],
                number=".".join(parts),
                title=_title(match.group(4)),
            )
    return None


def _title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip()


@dataclass
class GoalTracker:
    """The goal path in force at the current point of a document."""

    path: list[tuple[Goal, int]] = field(default_factory=list)

    @property
    def goals(self) -> list[Goal]:
        return [goal for goal, _ in self.path]

    def enter(self, goal: Goal, heading_level: int) -> None:
        """A goal heading: keep only the parents this goal can belong to."""
        kept: list[tuple[Goal, int]] = []
        for parent, level in self.path:
            if ORDER[parent.level] >= ORDER[goal.level]:
                break
            unrelated = (
                goal.number and parent.number and not goal.number.startswith(parent.number + ".")
            )
            if unrelated and goal.level != "enhetsmal":
                break
            kept.append((parent, level))
        self.path = [*kept, (goal, heading_level)]

    def accepts_bare(self, goal: Goal, heading_level: int) -> bool:
        """Whether a heading numbered without a prefix ("1.3.1 ...") fits the goals in force.

        Other numbered headings (Agenda 2030 targets such as "4.2 Lika tillgång ...") do not.
        """
        if goal.number is None:
            return False
        if "." not in goal.number:
            return heading_level <= 2
        parent = goal.number.rsplit(".", 1)[0]
        return any(g.number == parent for g in self.goals)

    def leave_below(self, heading_level: int) -> None:
        """A non-goal heading at this level closes goals announced at this level or deeper."""
        self.path = [(g, lvl) for g, lvl in self.path if lvl < heading_level]

    def reset(self) -> None:
        self.path = []
