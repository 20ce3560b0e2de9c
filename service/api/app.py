"""The FastAPI application: thin routes over the engine, one JSON error shape for every failure."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api.errors import ApiError, error_response, validation_message
from service.api.routes.commitments import commitments_router
from service.api.schemas import (
    AskIn,
    AskOut,
    DocumentOut,
    ErrorBody,
    FacetsOut,
    HealthOut,
    SearchOut,
)
from service.api.security import RateLimit, RequestLimits, SecurityHeaders, bearer, token_matches
from service.engine import Engine
from service.search.snapshot import Filters
from service.settings import Settings

log = logging.getLogger("rapportsok")
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody},
    404: {"model": ErrorBody},
    422: {"model": ErrorBody},
}
GUARDS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "A required token is missing or wrong"},
    414: {"model": ErrorBody, "description": "The request URL is too long"},
    422: {"model": ErrorBody, "description": "A parameter or header is invalid"},
    429: {"model": ErrorBody, "description": "Too many requests from this address"},
}
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorBody, "description": "The request body is too large"},
}
REPORT_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report file",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    },
}


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    state: dict[str, Any] = {"engine": engine}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state["engine"] is None:
            state["engine"] = Engine(settings)
        watcher = asyncio.create_task(_watch(state, settings.watch_seconds))
        try:
            yield
        finally:
            watcher.cancel()

    app = FastAPI(
        title="Rapportsök",
        description="Search and cited answers over Stockholm district council reports",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    _install_error_handlers(app)
    _install_middleware(app, settings)

    def get_engine() -> Engine:
        current = state["engine"]
        if current is None:
            raise ApiError(503, "the index is not loaded yet")
        return current

    def require_reader(authorization: Annotated[str | None, Header()] = None) -> None:
        expected = settings.read_token.get_secret_value() if settings.read_token else None
        if expected and not token_matches(bearer(authorization), expected):
            raise ApiError(
                401, "this service needs a read token: send 'Authorization: Bearer <token>'"
            )

    def require_admin(authorization: Annotated[str | None, Header()] = None) -> None:
        expected = settings.admin_token.get_secret_value() if settings.admin_token else None
        if not expected:
            raise ApiError(
                403, "admin endpoints are disabled; set RAPPORTSOK_ADMIN_TOKEN to enable them"
            )
        if not token_matches(bearer(authorization), expected):
            raise ApiError(
                401, "admin token missing or wrong: send 'Authorization: Bearer <token>'"
            )

    EngineDep = Annotated[Engine, Depends(get_engine)]
    api = APIRouter(dependencies=[Depends(require_reader)], responses=GUARDS)

    @api.get("/api/search", response_model=SearchOut, responses=ERRORS)
    def search(
        engine: EngineDep,
        q: Annotated[str, Query(description="The question or search words")],
        k: Annotated[int, Query(ge=1, le=settings.max_k, description="Number of hits")] = 10,
        district: Annotated[str | None, Query()] = None,
        year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
        doc_type: Annotated[str | None, Query()] = None,
        goal: Annotated[str | None, Query(max_length=20)] = None,
        unit: Annotated[str | None, Query(max_length=200)] = None,
        nofilter: Annotated[
            str | None,
            Query(max_length=100, description="Comma-separated filters not to read from q"),
        ] = None,
    ) -> dict[str, Any]:
        """Ranked passages with citations; filters read from the question are applied and listed."""
        query = engine.check_query(q)
        filters = engine.check_filters(Filters(district, year, doc_type, goal, unit))
        disabled = engine.check_disabled((nofilter or "").split(","))
        return engine.search_payload(engine.search(query, k=k, filters=filters, disable=disabled))

    @api.post("/api/ask", response_model=AskOut, responses={**ERRORS, **TOO_LARGE})
    def ask(engine: EngineDep, body: AskIn) -> dict[str, Any]:
        """An answer composed of sentences quoted from the reports, each with citations."""
        question = engine.check_query(body.question)
        f = body.filters
        filters = engine.check_filters(Filters(f.district, f.year, f.doc_type, f.goal, f.unit))
        disabled = engine.check_disabled(body.disable)
        return engine.ask(question, filters=filters, disable=disabled)

    @api.get("/api/facets", response_model=FacetsOut)
    def facets(engine: EngineDep) -> dict[str, Any]:
        """Districts, years, report types, units and goals in the index, for filter menus."""
        return engine.facets()

    @api.get("/api/documents", response_model=list[DocumentOut])
    def documents(engine: EngineDep) -> list[dict[str, Any]]:
        """All indexed reports."""
        return engine.documents()

    @api.get("/api/documents/{doc_id}", response_model=DocumentOut, responses=ERRORS)
    def document(engine: EngineDep, doc_id: str) -> dict[str, Any]:
        """One report's metadata."""
        return engine.document(doc_id)

    @api.get(
        "/api/documents/{doc_id}/pdf",
        response_class=FileResponse,
        responses={**ERRORS, **REPORT_FILE},
    )
    def document_file(engine: EngineDep, doc_id: str) -> FileResponse:
        """The report file itself; add #page=N to open a cited page."""
        path, media_type = engine.document_file(doc_id)
        return FileResponse(
            path, media_type=media_type, filename=path.name, content_disposition_type="inline"
        )

    @api.post("/api/admin/reload", responses={403: {"model": ErrorBody}, **TOO_LARGE})
    def reload(engine: EngineDep, _: Annotated[None, Depends(require_admin)]) -> dict[str, Any]:
        """Load the newest index build now (needs the admin token)."""
        changed = engine.reload_if_changed()
        return {"reloaded": changed, "build": engine.snapshot.build.name}

    api.include_router(commitments_router(get_engine))
    app.include_router(api)
    _install_docs(app)

    @app.get("/health", response_model=HealthOut, responses={414: GUARDS[414]})
    def health() -> dict[str, Any]:
        """Whether an index is loaded, which model and build, and how big it is."""
        current = state["engine"]
        return (
            current.health()
            if current
            else {
                "status": "starting",
                "index_loaded": False,
                "build": None,
                "built_at": None,
                "model": None,
                "model_id": None,
                "documents": 0,
                "chunks": 0,
            }
        )

    web_dir = Path(settings.web_dir)
    if web_dir.is_dir():
        app.mount("/", StaticFiles(directory=web_dir, html=True), name="web")
    return app


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rapportsök API</title>
<link rel="stylesheet" href="/_docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/_docs/swagger-ui-bundle.js"></script>
<script src="/_docs/init.js"></script></body></html>"""
DOCS_INIT = "SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui'});\n"


def _install_docs(app: FastAPI) -> None:
    """OpenAPI docs served from the installed swagger-ui-bundle, not a CDN."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    @app.get("/_docs/init.js", include_in_schema=False)
    def docs_init() -> HTMLResponse:
        return HTMLResponse(DOCS_INIT, media_type="application/javascript")

    app.mount("/_docs", StaticFiles(directory=swagger_ui_path), name="docs-assets")


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    """Outermost first: headers on every answer, then size limits, rate limit, CORS."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(
        RequestLimits, max_body=settings.max_body_bytes, max_url=settings.max_url_bytes
    )
    app.add_middleware(SecurityHeaders)


async def _watch(state: dict[str, Any], seconds: float) -> None:
    """Pick up a new index build (written by 'rapportsok index') without a restart."""
    if seconds <= 0:
        return
    while True:
        await asyncio.sleep(seconds)
        engine = state.get("engine")
        if engine is None:
            continue
        try:
            if await asyncio.to_thread(engine.reload_if_changed):
                log.info("loaded index build %s", engine.snapshot.build.name)
        except Exception as exc:
            log.error("new index build not loaded: %s", exc)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "no such resource"
        return error_response(exc.status_code, message)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(500, "internal error; the service keeps running")
