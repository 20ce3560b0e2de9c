"""GET /health: whether an index is loaded (open without a token, outside the rate limit)."""

from fastapi import APIRouter, Request

from indexer.reading.ocr import ocr_status
from service.api.errors import documented
from service.api.schemas import HealthOut
from service.results import Health


def router() -> APIRouter:
    api = APIRouter(tags=["health"])

    @api.get("/health", response_model=HealthOut, responses=documented(414))
    def health(request: Request) -> HealthOut:
        """Whether an index is loaded, which model and build, how big it is, and whether
        scanned pages can be read (OCR) and everyday words mapped (thesaurus)."""
        engine = request.app.state.engine
        return HealthOut.of(
            engine.health() if engine else Health("starting", False, ocr=ocr_status())
        )

    return api
