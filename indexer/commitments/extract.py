"""What a report commits to and reports on, as records: the entry point is `extract_commitments`.

Goals come from the goal path of the sections (with the assessment "Uppfylls helt/delvis/inte"
and the analysis written under them), expected results from the "Förväntat resultat" lists,
and indicators, activities and budget lines from the tables (`indexer.commitments.tables`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from indexer.commitments.problems import table_problem
from indexer.commitments.records import Record, RecordKind
from indexer.commitments.tables import TableContext, table_records
from indexer.commitments.values import clean_cell
from indexer.models import DocumentInfo, Goal, Section
from indexer.structure.goals import parse_goal_heading
from indexer.structure.metadata import fold

ASSESSMENT = re.compile(r"uppfylls\s+(helt|delvis|inte|ej)", re.I)
JUDGEMENT = re.compile(
    r"^(Bedömningen|Enhetens bedömning|Förvaltningens bedömning|Förvaltningen bedömer|"
    r"Nämnden bedömer|Nämndens bedömning)",
    re.I,
)
JUDGED = [
    re.compile(r"\b(?:uppfylls|uppfyllas|uppnås|nås)\s+(helt|delvis|inte|ej)\b", re.I),
    re.compile(
        r"\b(helt|delvis|inte)\s+(?:kommer\s+att\s+)?(?:vara\s+)?"
        r"(?:uppfylls|uppfyllas|uppnås|uppnått|uppnåtts|nås|nått)\b",
        re.I,
    ),
]
BULLET = re.compile(r"^\s*(?:[•●▪◦·\-–*✓✔◆]|\d{1,2}[.)])\s*")
MAX_ANALYSIS = 4000


@dataclass(frozen=True)
class Commitments:
    """A report's records, and its tables whose columns were not read (`table_problem`)."""

    records: list[Record]
    table_problems: list[str]


def extract_commitments(info: DocumentInfo, sections: list[Section]) -> Commitments:
    """Goals, expected results, activities, indicators and budget lines of one report."""
    collector = _Collector(info)
    context = TableContext(year=info.year)
    problems: list[str] = []
    for section in sections:
        section = replace(section, goals=goal_path(section))
        collector.add_goals(section)
        if _last_heading(section) == "forvantat resultat":
            collector.add_expected_results(section)
        for block in section.blocks:
            if block.kind == "table" and block.table is not None:
                found = table_records(block.table, context, collector.maker(section))
                collector.records.extend(found)
                problem = table_problem(block, found)
                if problem:
                    problems.append(problem)
    records = collector.finish()
    for ordinal, record in enumerate(records):
        record.ordinal = ordinal
    return Commitments(records, list(dict.fromkeys(problems)))


def goal_path(section: Section) -> list[Goal]:
    """The section's goal path, checked against its headings.

    A numbered heading that is not a goal ("4.2 Lika tillgång till förskola", an Agenda 2030
    target) can end the real goal path in the tracker; the goal headings still in the heading
    path say which goals the section is under, so they win when the two disagree.
    """
    chain = _heading_chain(section.headings)
    goals = section.goals
    if not chain or (goals and goals[0] == chain[0]):
        return goals
    out = list(chain)
    for goal in goals:
        if goal not in out and _extends(out[-1], goal):
            out.append(goal)
    return out


def _heading_chain(headings: list[str]) -> list[Goal]:
    """Goals announced in the heading path, each one under the one before."""
    chain: list[Goal] = []
    for heading in headings:
        goal = parse_goal_heading(heading)
        if goal is not None and (not chain or _extends(chain[-1], goal)):
            chain.append(goal)
    return chain


def _extends(parent: Goal, child: Goal) -> bool:
    if child.level == "enhetsmal":
        return True
    return bool(parent.number and child.number and child.number.startswith(parent.number + "."))


def _last_heading(section: Section) -> str:
    return fold(section.headings[-1]) if section.headings else ""


def _goal_key(unit: str | None, goals: list[Goal]) -> tuple[Any, ...]:
    return (unit, *((g.level, g.number, g.title) for g in goals))


@dataclass
class _GoalParts:
    record: Record
    own_pages: list[int] = field(default_factory=list)
    analysis: list[str] = field(default_factory=list)
    judgements: list[str] = field(default_factory=list)


@dataclass
class _Collector:
    info: DocumentInfo
    records: list[Record] = field(default_factory=list)
    goals: dict[tuple[Any, ...], _GoalParts] = field(default_factory=dict)

    def maker(self, section: Section) -> Any:
        """A function making records placed in `section`."""

        def make(kind: RecordKind, name: str, pages: list[int], **fields: Any) -> Record:
            return Record(
                kind=kind,
                doc_id=self.info.doc_id,
                name=name,
                pages=pages or section.pages,
                section=" > ".join(section.headings),
                goals=list(section.goals),
                unit=section.unit,
                year=self.info.year,
                district=self.info.district,
                doc_type=self.info.doc_type,
                **fields,
            )

        return make

    def add_goals(self, section: Section) -> None:
        for depth in range(1, len(section.goals) + 1):
            path = section.goals[:depth]
            key = _goal_key(section.unit, path)
            parts = self.goals.get(key)
            if parts is None:
                parts = self._new_goal(section, path)
                self.goals[key] = parts
            if depth == len(section.goals):
                self._add_own_section(parts, section)

    def _new_goal(self, section: Section, path: list[Goal]) -> _GoalParts:
        goal = path[-1]
        record = self.maker(section)("goal", goal.title, [], number=goal.number, level=goal.level)
        record.goals = list(path)
        record.section = " > ".join(section.headings[: len(path)])
        self.records.append(record)
        return _GoalParts(record=record)

    def _add_own_section(self, parts: _GoalParts, section: Section) -> None:
        """A section directly under the goal: its pages, assessment and analysis."""
        record = parts.record
        if not parts.own_pages:
            parts.own_pages = section.pages
            record.pages = section.pages
        if record.assessment is None and section.assessment:
            record.assessment = _assessment(section.assessment)
        texts = [b.text for b in section.blocks if b.kind in ("paragraph", "list")]
        if _last_heading(section) == "analys":
            parts.analysis.extend(texts)
        else:
            parts.judgements.extend(t for t in texts if JUDGEMENT.match(t))

    def add_expected_results(self, section: Section) -> None:
        make = self.maker(section)
        for block in section.blocks:
            if block.kind not in ("paragraph", "list"):
                continue
            text = clean_cell(BULLET.sub("", block.text))
            if len(text) > 3:
                self.records.append(make("expected_result", text, block.pages))

    def finish(self) -> list[Record]:
        for parts in self.goals.values():
            texts = parts.analysis or parts.judgements
            if texts:
                parts.record.analysis = "\n".join(texts)[:MAX_ANALYSIS]
            if parts.record.assessment is None and texts:
                parts.record.assessment = _judged(texts)
        return self.records


def _assessment(text: str) -> str | None:
    """'● Uppfylls helt' -> 'Uppfylls helt'; 'Uppfylls ej' -> 'Uppfylls inte'."""
    match = ASSESSMENT.search(text)
    if not match:
        return None
    degree = match.group(1).lower()
    return f"Uppfylls {'inte' if degree == 'ej' else degree}"


def _judged(texts: list[str]) -> str | None:
    """The assessment a "Bedömningen är att ..." sentence states, when it states one."""
    for text in texts[:2]:
        first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        for pattern in JUDGED:
            match = pattern.search(first)
            if match:
                degree = match.group(1).lower()
                return f"Uppfylls {'inte' if degree == 'ej' else degree}"
    return None
