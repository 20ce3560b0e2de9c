"""Response shapes of the comparisons over years: indicators, goals and budget lines.

Built from the typed views of `service.commitments.views`, one `of` per shape.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from indexer.commitments.records import INDICATOR_FIELDS, Record
from service.api.schemas.common import GoalRefOut, ValueOut, report_url
from service.commitments.views import (
    BudgetLine,
    GoalIndicator,
    GoalSeries,
    GoalYear,
    Group,
    IndicatorPoint,
    IndicatorSeries,
    Source,
)


def _group(group: Group, *latest: str) -> dict[str, Any]:
    """A linked group's own fields (id, score, ...) and the named ones of its newest record."""
    return {**group.__dict__, **{name: getattr(group.latest, name) for name in latest}}


class SourceOut(BaseModel):
    year: int | None
    document: str = Field(description="File name of the report")
    doc_id: str
    doc_type: str | None
    report: str = Field(description="'Verksamhetsplan 2021', 'Tertialrapport 1 2021', ...")
    unit: str | None = Field(description="The unit (enhet) the record belongs to, if any")
    page: int | None
    pages: list[int]
    url: str | None = Field(description="Opens the report at the page (PDFs only)")
    section: str = Field(description="Heading path")
    goal: GoalRefOut | None = Field(description="The goal the record stands under")

    @staticmethod
    def source_fields(source: Source) -> dict[str, Any]:
        record = source.record
        return {
            "year": record.year,
            "document": source.document,
            "doc_id": record.doc_id,
            "doc_type": record.doc_type,
            "report": source.report,
            "unit": record.unit,
            "page": record.page,
            "pages": record.pages,
            "url": report_url(record.doc_id, record.page) if source.is_pdf else None,
            "section": record.section,
            "goal": GoalRefOut.of(record.goal),
        }


class IndicatorFiguresOut(BaseModel):
    name: str = Field(description="The indicator's name in this report")
    period: str | None = Field(description="Period or periodicity column ('Tertial 1 2021', 'År')")
    outcome: ValueOut | None = Field(description="Periodens utfall")
    outcome_men: ValueOut | None = Field(description="Utfall män/pojkar")
    outcome_women: ValueOut | None = Field(description="Utfall kvinnor/flickor")
    previous: ValueOut | None = Field(description="Utfall of the previous year (VB YYYY)")
    forecast: ValueOut | None = Field(description="Prognos helår")
    target: ValueOut | None = Field(description="Årsmål (the council's own target)")
    kf_target: ValueOut | None = Field(description="KF:s årsmål (the city council's target)")
    previous_label: str | None = Field(description="Header of the previous-year column")
    labels: dict[str, str] = Field(description="Field -> column header as printed")
    analysis: str | None = Field(description="The 'Analys' text under the row")

    @staticmethod
    def figure_fields(record: Record) -> dict[str, Any]:
        return {
            "name": record.name,
            "period": record.period,
            **{field: ValueOut.maybe(record.values.get(field)) for field in INDICATOR_FIELDS},
            "previous_label": record.labels.get("previous"),
            "labels": record.labels,
            "analysis": record.analysis,
        }


class IndicatorPointOut(SourceOut, IndicatorFiguresOut):
    match_score: float | None = Field(
        description="How well this report's name matched the series (1.0 = same name; "
        "None when the series has one report)"
    )

    @classmethod
    def of(cls, point: IndicatorPoint) -> IndicatorPointOut:
        return cls(
            **SourceOut.source_fields(point.source),
            **IndicatorFiguresOut.figure_fields(point.source.record),
            match_score=point.match_score,
        )


class IndicatorOut(BaseModel):
    id: str
    name: str = Field(description="The name in the newest report")
    names: list[str] = Field(description="Every wording used, oldest first")
    district: str | None
    unit: str | None
    measure: str | None = Field(description="Unit most figures are given in, e.g. '%'")
    score: float | None = Field(description="Relevance to q (None without q)")
    series: list[IndicatorPointOut] = Field(description="One entry per report, oldest first")

    @classmethod
    def of(cls, series: IndicatorSeries) -> IndicatorOut:
        points = [IndicatorPointOut.of(p) for p in series.series]
        return cls.model_validate({**_group(series, "name", "district", "unit"), "series": points})


class IndicatorsOut(BaseModel):
    query: str | None
    district: str | None
    link_threshold: float = Field(description="Match score from which names are linked")
    indicators: list[IndicatorOut]


class ExpectedResultOut(BaseModel):
    text: str
    page: int | None


class ActivityOut(BaseModel):
    name: str
    start: str | None
    end: str | None
    deviation: str | None = Field(description="Avvikelse column, in follow-ups")
    analysis: str | None
    page: int | None


class GoalIndicatorOut(IndicatorFiguresOut):
    page: int | None
    series_id: str | None = Field(description="id of the indicator's series in /api/indicators")

    @classmethod
    def of(cls, indicator: GoalIndicator) -> GoalIndicatorOut:
        record = indicator.record
        return cls(
            **IndicatorFiguresOut.figure_fields(record),
            page=record.page,
            series_id=indicator.series_id,
        )


class GoalYearOut(SourceOut):
    number: str | None = Field(description="The goal's number in this report (it changes)")
    title: str
    level: str | None
    path: list[GoalRefOut] = Field(description="The goal and the goals above it")
    match_score: float | None
    assessment: str | None = Field(
        description="'Uppfylls helt', 'Uppfylls delvis', 'Uppfylls inte'"
    )
    analysis: str | None = Field(description="The report's analysis of the goal")
    expected_results: list[ExpectedResultOut]
    activities: list[ActivityOut]
    indicators: list[GoalIndicatorOut]

    @classmethod
    def of(cls, year: GoalYear) -> GoalYearOut:
        record = year.source.record
        return cls(
            **SourceOut.source_fields(year.source),
            number=record.number,
            title=record.name,
            level=record.level,
            path=GoalRefOut.path(record.goals),
            match_score=year.match_score,
            assessment=record.assessment,
            analysis=record.analysis,
            expected_results=[
                ExpectedResultOut(text=r.name, page=r.page) for r in year.expected_results
            ],
            activities=[
                ActivityOut.model_validate(a, from_attributes=True) for a in year.activities
            ],
            indicators=[GoalIndicatorOut.of(i) for i in year.indicators],
        )


class GoalOut(BaseModel):
    id: str
    title: str = Field(description="The title in the newest report")
    level: str | None
    district: str | None
    unit: str | None
    score: float | None
    years: list[GoalYearOut] = Field(description="The goal in each report, oldest first")

    @classmethod
    def of(cls, series: GoalSeries) -> GoalOut:
        fields = _group(series, "level", "district", "unit")
        years = [GoalYearOut.of(y) for y in series.years]
        return cls.model_validate({**fields, "title": series.latest.name, "years": years})


class GoalsOut(BaseModel):
    query: str | None
    district: str | None
    year: int | None
    link_threshold: float
    goals: list[GoalOut]


class BudgetEntryOut(SourceOut):
    name: str
    table: str | None = Field(description="The table's first header, e.g. 'Budget 2024 (mnkr)'")
    parent: str | None = Field(description="The line a 'varav' line belongs to")
    values: dict[str, ValueOut] = Field(
        description="mnkr by field: budget, costs, income, net, previous_net, adjustments, "
        "volume_changes, forecast, forecast_after_transfers, outcome, deviation, amount"
    )
    labels: dict[str, str] = Field(description="Field -> column header as printed")

    @classmethod
    def of(cls, source: Source) -> BudgetEntryOut:
        record = source.record
        values = {field: ValueOut.of(v) for field, v in record.values.items()}
        return cls(
            **SourceOut.source_fields(source),
            name=record.name,
            table=record.table,
            parent=record.parent,
            values=values,
            labels=record.labels,
        )


class BudgetLineOut(BaseModel):
    id: str
    name: str
    parent: str | None
    table_type: str = Field(
        description="'drift' (budget, net, forecast, outcome), 'omslutning' (volume changes) "
        "or 'budgetjustering' (requested adjustments)"
    )
    district: str | None
    score: float | None
    entries: list[BudgetEntryOut]

    @classmethod
    def of(cls, line: BudgetLine) -> BudgetLineOut:
        fields = _group(line, "name", "parent", "district")
        entries = [BudgetEntryOut.of(e) for e in line.entries]
        return cls.model_validate({**fields, "entries": entries})


class BudgetOut(BaseModel):
    query: str | None
    district: str | None
    lines: list[BudgetLineOut]
