"""Linked commitments as typed views: indicator series, goals side by side, budget lines.

Every entry keeps its record, so each cell of a comparison table can point at where it was read
(report, page, heading path and goal); `service.api.schemas` turns the views into JSON.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from indexer.commitments.records import Record
from indexer.labels import DOC_TYPE_NAMES
from indexer.models import DocumentInfo
from service.commitments.index import CommitmentIndex, Found, Linked, budget_table_type
from service.search.snapshot import Filters

Documents = dict[str, DocumentInfo]


def report_label(record: Record) -> str:
    """'Verksamhetsplan 2021', 'Tertialrapport 1 2021'."""
    name = DOC_TYPE_NAMES.get(record.doc_type or "", record.doc_type or "Rapport")
    return f"{name} {record.year or ''}".strip()


@dataclass(frozen=True)
class Source:
    """A record with where it was read: the report's file name and label."""

    record: Record
    document: str
    report: str

    @classmethod
    def of(cls, record: Record, documents: Documents) -> Source:
        doc = documents.get(record.doc_id)
        return cls(record, doc.name if doc else record.doc_id, report_label(record))

    @property
    def is_pdf(self) -> bool:
        return self.document.lower().endswith(".pdf")


@dataclass(frozen=True)
class Matched:
    """A record in one report, and how well its name matched the group (None when alone)."""

    source: Source
    match_score: float | None


@dataclass(frozen=True)
class Group:
    """Records linked across reports: the group's id, its newest record and its relevance."""

    id: str
    latest: Record
    score: float | None


@dataclass(frozen=True)
class IndicatorPoint(Matched):
    """An indicator's values in one report."""


@dataclass(frozen=True)
class IndicatorSeries(Group):
    """One indicator with its values in every report, oldest first."""

    names: list[str]
    measure: str | None
    series: list[IndicatorPoint]


@dataclass(frozen=True)
class GoalIndicator:
    record: Record
    series_id: str | None


@dataclass(frozen=True)
class GoalYear(Matched):
    """A goal as one report writes it, with what the report puts under it."""

    expected_results: list[Record]
    activities: list[Record]
    indicators: list[GoalIndicator]


@dataclass(frozen=True)
class GoalSeries(Group):
    years: list[GoalYear]


@dataclass(frozen=True)
class BudgetLine(Group):
    table_type: str
    entries: list[Source]


@dataclass(frozen=True)
class Comparison:
    """Groups found for a query in one build, with what is needed to describe them."""

    query: str | None
    filters: Filters
    index: CommitmentIndex
    found: list[Found]
    documents: Documents

    def indicators(self) -> list[IndicatorSeries]:
        return [indicator_series(self.index, f, self.documents) for f in self.found]

    def goals(self) -> list[GoalSeries]:
        return [goal_series(self.index, f, self.documents) for f in self.found]

    def budget(self) -> list[BudgetLine]:
        return [budget_line(self.index, f, self.documents) for f in self.found]


def indicator_series(index: CommitmentIndex, found: Found, documents: Documents) -> IndicatorSeries:
    """One indicator with its series over the reports, oldest first."""
    group = found.group
    series = [
        IndicatorPoint(Source.of(index.records[row], documents), _score(score))
        for row, score in index.rows(group)
    ]
    return IndicatorSeries(
        id=group.id,
        latest=index.latest(group),
        names=list(dict.fromkeys(point.source.record.name for point in series)),
        measure=_measure(group_records(index, group)),
        score=found.score,
        series=series,
    )


def goal_series(index: CommitmentIndex, found: Found, documents: Documents) -> GoalSeries:
    """One goal as written in each report, with what each report put under it, oldest first."""
    group = found.group
    return GoalSeries(
        id=group.id,
        latest=index.latest(group),
        score=found.score,
        years=[_goal_year(index, row, score, documents) for row, score in index.rows(group)],
    )


def _goal_year(
    index: CommitmentIndex, row: int, score: float | None, documents: Documents
) -> GoalYear:
    children = [index.records[r] for r in index.children(row)]
    indicators = []
    for child_row in index.children(row):
        child = index.records[child_row]
        if child.kind == "indicator":
            series = index.indicator_of_row.get(child_row)
            indicators.append(GoalIndicator(child, series.id if series else None))
    return GoalYear(
        source=Source.of(index.records[row], documents),
        match_score=_score(score),
        expected_results=[c for c in children if c.kind == "expected_result"],
        activities=[c for c in children if c.kind == "activity"],
        indicators=indicators,
    )


def budget_line(index: CommitmentIndex, found: Found, documents: Documents) -> BudgetLine:
    """One budget line in each report that has it, oldest first."""
    group = found.group
    latest = index.latest(group)
    return BudgetLine(
        id=group.id,
        latest=latest,
        table_type=budget_table_type(latest),
        score=found.score,
        entries=[Source.of(r, documents) for r in _distinct(group_records(index, group))],
    )


def _distinct(records: list[Record]) -> list[Record]:
    """One entry per report and set of figures (a plan repeats a line in its summary table)."""
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    out = []
    for record in records:
        key = (record.doc_id, tuple(sorted((k, v.text) for k, v in record.values.items())))
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out


def _measure(records: list[Record]) -> str | None:
    """The unit most of the series' figures are given in ('%', 'st'), if any."""
    units = Counter(v.unit for r in records for v in r.values.values() if v.unit)
    return units.most_common(1)[0][0] if units else None


def _score(score: float | None) -> float | None:
    return round(score, 4) if score is not None else None


def group_records(index: CommitmentIndex, group: Linked) -> list[Record]:
    """The group's records, oldest report first."""
    return [index.records[row] for row, _ in index.rows(group)]
