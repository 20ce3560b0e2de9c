"""Comparing commitments over years: indicators, goals and budget lines.

The routes are thin: input checks and the search in `Engine.compare`, the shapes in
`service.api.schemas.compare`.
"""

from typing import Annotated

from fastapi import APIRouter, Query

from indexer.commitments.records import RecordKind
from service.api.deps import EngineDep
from service.api.errors import documented
from service.api.params import CompareDistrict, Limit, Words
from service.api.schemas import BudgetOut, GoalsOut, IndicatorsOut
from service.api.schemas.compare import BudgetLineOut, GoalOut, IndicatorOut
from service.commitments.views import Comparison
from service.engine import Engine
from service.search.snapshot import Filters

ERRORS = documented(400, 422)


def router() -> APIRouter:
    api = APIRouter(tags=["compare"])

    @api.get("/api/indicators", response_model=IndicatorsOut, responses=ERRORS)
    def indicators(
        engine: EngineDep, q: Words = None, district: CompareDistrict = None, limit: Limit = 20
    ) -> IndicatorsOut:
        """Indicators matching q, each with its values in every report, oldest first.

        The same indicator is recognised across reports although its wording drifts; each
        report's entry says how well its name matched (`match_score`).
        """
        found = _compare(engine, "indicator", q, Filters(district=district), limit)
        return IndicatorsOut(
            query=found.query,
            district=found.filters.district,
            link_threshold=found.index.params.indicator_linking.threshold,
            indicators=[IndicatorOut.of(s) for s in found.indicators()],
        )

    @api.get("/api/goals", response_model=GoalsOut, responses=ERRORS)
    def goals(
        engine: EngineDep,
        q: Words = None,
        district: CompareDistrict = None,
        year: Annotated[
            int | None, Query(ge=1990, le=2100, description="Goals in this year's reports")
        ] = None,
        limit: Limit = 20,
    ) -> GoalsOut:
        """Goals matching q, side by side in every report: number, assessment, analysis,
        expected results, activities and indicators.

        Goal numbers change between council periods, so goals are matched by meaning; each
        report's entry keeps its own number. With `year`, only goals that appear in that
        year's reports are returned (still with their other years).
        """
        found = _compare(engine, "goal", q, Filters(district=district, year=year), limit)
        return GoalsOut(
            query=found.query,
            district=found.filters.district,
            year=found.filters.year,
            link_threshold=found.index.params.goal_linking.threshold,
            goals=[GoalOut.of(s) for s in found.goals()],
        )

    @api.get("/api/budget", response_model=BudgetOut, responses=ERRORS)
    def budget(
        engine: EngineDep, q: Words = None, district: CompareDistrict = None, limit: Limit = 20
    ) -> BudgetOut:
        """Budget lines (mnkr) matching q, in every report that has them, oldest first."""
        found = _compare(engine, "budget", q, Filters(district=district), limit)
        return BudgetOut(
            query=found.query,
            district=found.filters.district,
            lines=[BudgetLineOut.of(line) for line in found.budget()],
        )

    return api


def _compare(
    engine: Engine, kind: RecordKind, q: str | None, filters: Filters, limit: int
) -> Comparison:
    """The checked query and filters, and what the build in use links for them."""
    query = engine.check_optional_query(q)
    return engine.compare(kind, query, engine.check_filters(filters), limit)
