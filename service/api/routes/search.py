"""GET /api/search: ranked passages with citations."""

from typing import Annotated

from fastapi import APIRouter, Query

from service.api.deps import EngineDep
from service.api.errors import documented
from service.api.params import District, DocType, Goal, NoFilter, Unit, Year
from service.api.schemas import SearchOut
from service.search.snapshot import Filters
from service.settings import Settings


def router(settings: Settings) -> APIRouter:
    api = APIRouter(tags=["search"])

    @api.get("/api/search", response_model=SearchOut, responses=documented(400, 422))
    def search(
        engine: EngineDep,
        q: Annotated[str, Query(description="The question or search words")],
        k: Annotated[int, Query(ge=1, le=settings.max_k, description="Number of hits")] = 10,
        district: District = None,
        year: Year = None,
        doc_type: DocType = None,
        goal: Goal = None,
        unit: Unit = None,
        nofilter: NoFilter = None,
    ) -> SearchOut:
        """Ranked passages with citations; filters read from the question are applied and listed."""
        query = engine.check_query(q)
        filters = engine.check_filters(Filters(district, year, doc_type, goal, unit))
        disabled = engine.check_disabled((nofilter or "").split(","))
        result = engine.search(query, k=k, filters=filters, disable=disabled)
        return SearchOut.of(engine.passages(result))

    return api
