"""GET /health: whether an index is loaded (open without a token, outside the rate limit)."""

from fastapi import APIRouter, Request

from service.api.errors import documented
from service.api.schemas import HealthOut
from service.results import Health


def router() -> APIRouter:
    api = APIRouter(tags=["health"])

    @api.get("/health", response_model=HealthOut, responses=documented(414))
    def health(request: Request) -> HealthOut:
        """Whether an index is loaded, which model and build, and how big it is."""
        engine = request.app.state.engine
        return HealthOut.of(engine.health() if engine else Health("starting", False))

    return api
