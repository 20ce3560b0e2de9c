"""HTTP routes for comparing commitments over years: indicators, goals and budget lines.

The routes are thin: input checks, then `service.commitments.index` to find the linked groups and
`service.commitments.views` to shape them. Errors are `ApiError`s, answered as
{"error": ..., "status": ...} like every other route. (No `from __future__ import annotations`:
FastAPI reads the route signatures at runtime, and `EngineDep` is local to the router factory.)
"""

from collections.abc import Callable
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from indexer.commitments.records import RecordKind
from service.api.errors import ApiError
from service.api.schemas import ErrorBody
from service.commitments.index import CommitmentIndex, Found
from service.commitments.views import Documents, budget_json, goal_group_json, indicator_json
from service.engine import Engine
from service.search.snapshot import Filters

ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorBody}, 422: {"model": ErrorBody}}


class ValueOut(BaseModel):
    text: str = Field(description="The cell as written, e.g. '3,2 %' or 'Tas fram av nämnd'")
    value: float | None = Field(description="The number, when the cell is a plain figure")
    unit: str | None = Field(description="'%', 'st', 'GWh', ... when the figure has one")


class GoalRefOut(BaseModel):
    number: str | None
    title: str
    level: str


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


class IndicatorPointOut(SourceOut, IndicatorFiguresOut):
    match_score: float | None = Field(
        description="How well this report's name matched the series (1.0 = same name; "
        "None when the series has one report)"
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


class GoalOut(BaseModel):
    id: str
    title: str = Field(description="The title in the newest report")
    level: str | None
    district: str | None
    unit: str | None
    score: float | None
    years: list[GoalYearOut] = Field(description="The goal in each report, oldest first")


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


class BudgetOut(BaseModel):
    query: str | None
    district: str | None
    lines: list[BudgetLineOut]


Q = Annotated[str | None, Query(description="Words or a question; leave out to list all")]
District = Annotated[str | None, Query(description="Only this district", max_length=100)]
Limit = Annotated[int, Query(ge=1, le=100, description="Most groups to return")]


def commitments_router(get_engine: Callable[[], Engine]) -> APIRouter:
    """The comparison routes, reading the engine through the app's own dependency."""
    router = APIRouter(tags=["compare"])
    EngineDep = Annotated[Engine, Depends(get_engine)]

    @router.get("/api/indicators", response_model=IndicatorsOut, responses=ERRORS)
    def indicators(
        engine: EngineDep, q: Q = None, district: District = None, limit: Limit = 20
    ) -> dict[str, Any]:
        """Indicators matching q, each with its values in every report, oldest first.

        The same indicator is recognised across reports although its wording drifts; each
        report's entry says how well its name matched (`match_score`).
        """
        query, filters = _checked(engine, q, district, None)
        index, found, documents = _search(engine, "indicator", query, filters, limit)
        return {
            "query": query,
            "district": filters.district,
            "link_threshold": index.params.indicator_linking.threshold,
            "indicators": [indicator_json(index, f, documents) for f in found],
        }

    @router.get("/api/goals", response_model=GoalsOut, responses=ERRORS)
    def goals(
        engine: EngineDep,
        q: Q = None,
        district: District = None,
        year: Annotated[
            int | None, Query(ge=1990, le=2100, description="Goals in this year's reports")
        ] = None,
        limit: Limit = 20,
    ) -> dict[str, Any]:
        """Goals matching q, side by side in every report: number, assessment, analysis,
        expected results, activities and indicators.

        Goal numbers change between council periods, so goals are matched by meaning; each
        report's entry keeps its own number. With `year`, only goals that appear in that
        year's reports are returned (still with their other years).
        """
        query, filters = _checked(engine, q, district, year)
        index, found, documents = _search(engine, "goal", query, filters, limit)
        return {
            "query": query,
            "district": filters.district,
            "year": filters.year,
            "link_threshold": index.params.goal_linking.threshold,
            "goals": [goal_group_json(index, f, documents) for f in found],
        }

    @router.get("/api/budget", response_model=BudgetOut, responses=ERRORS)
    def budget(
        engine: EngineDep, q: Q = None, district: District = None, limit: Limit = 20
    ) -> dict[str, Any]:
        """Budget lines (mnkr) matching q, in every report that has them, oldest first."""
        query, filters = _checked(engine, q, district, None)
        index, found, documents = _search(engine, "budget", query, filters, limit)
        return {
            "query": query,
            "district": filters.district,
            "lines": [budget_json(index, f, documents) for f in found],
        }

    return router


def _checked(
    engine: Engine, q: str | None, district: str | None, year: int | None
) -> tuple[str | None, Filters]:
    """The query with whitespace collapsed (None if blank) and the filters checked."""
    query = " ".join((q or "").split()) or None
    limit = engine.settings.max_query_chars
    if query is not None and len(query) > limit:
        raise ApiError(422, f"q: {len(query)} characters; at most {limit}")
    return query, engine.check_filters(Filters(district=district, year=year))


def _search(
    engine: Engine, kind: RecordKind, query: str | None, filters: Filters, limit: int
) -> tuple[CommitmentIndex, list[Found], Documents]:
    """Groups found in the build in use (read once, so a reload midway cannot mix builds)."""
    loaded = engine.loaded
    index = loaded.commitments
    vector: np.ndarray | None = None
    if query:
        vector = loaded.encoder.encode_queries([query])[0]
    found = index.search(kind, query, vector, filters.district, filters.year, limit)
    return index, found, loaded.snapshot.documents
