"""POST /api/ask: an answer quoted from the reports, with citations."""

from fastapi import APIRouter

from service.api.deps import EngineDep
from service.api.errors import documented
from service.api.schemas import AskIn, AskOut
from service.search.snapshot import Filters


def router() -> APIRouter:
    api = APIRouter(tags=["answers"])

    @api.post("/api/ask", response_model=AskOut, responses=documented(400, 413, 422))
    def ask(engine: EngineDep, body: AskIn) -> AskOut:
        """An answer composed of sentences quoted from the reports, each with citations."""
        question = engine.check_query(body.question)
        f = body.filters
        filters = engine.check_filters(Filters(f.district, f.year, f.doc_type, f.goal, f.unit))
        disabled = engine.check_disabled(body.disable)
        return AskOut.of(engine.ask(question, filters=filters, disable=disabled))

    return api
