"""The FastAPI application: routers per capability over one engine, one JSON error shape."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Mount
from starlette.types import Scope

from service.api.deps import Reader
from service.api.errors import documented, install_error_handlers
from service.api.openapi import install_openapi
from service.api.routes import admin, answers, commitments, documents, health, library, search
from service.api.routes.library import UPLOAD_PATH
from service.api.security import RateLimit, RequestLimits, SecurityHeaders
from service.engine import Engine
from service.results import Facets
from service.settings import Settings

log = logging.getLogger("rapportsok")


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The app over `engine` (or one loaded at startup from `settings`)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.engine is None:
            app.state.engine = Engine(settings)
        watcher = asyncio.create_task(_watch(app, settings.watch_seconds))
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
    app.state.settings = settings
    app.state.engine = engine
    install_error_handlers(app)
    _install_middleware(app, settings)

    guards = documented(414, 422, 429, 503, *([401] if settings.read_token else []))
    api = APIRouter(dependencies=[Reader], responses=guards)
    api.include_router(search.router(settings))
    api.include_router(answers.router())
    api.include_router(documents.router())
    api.include_router(commitments.router())
    api.include_router(admin.router(settings))
    api.include_router(library.router(settings))
    app.include_router(api)
    app.include_router(health.router())
    _install_docs(app)
    install_openapi(app, settings, lambda: _facets(app))

    web_dir = Path(settings.web_dir)
    if web_dir.is_dir():
        app.router.routes.append(
            WebPage("/", StaticFiles(directory=web_dir, html=True), name="web")
        )
    return app


class WebPage(Mount):
    """The web page's files at '/', never answering for the API's own paths.

    A mount at '/' matches every path, so without this a method a route does not allow
    (OPTIONS /api/ask) would reach the file server and get its 405 and `Allow: GET, HEAD`
    instead of the route's own `Allow: POST`.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = str(scope.get("path", ""))
        if path == "/api" or path.startswith("/api/") or path in API_PAGES:
            return Match.NONE, {}
        return super().matches(scope)


API_PAGES = ("/health", "/openapi.json", "/docs")


def _facets(app: FastAPI) -> Facets | None:
    engine: Engine | None = app.state.engine
    return engine.facets() if engine is not None else None


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
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(
        RequestLimits,
        max_body=settings.max_body_bytes,
        max_url=settings.max_url_bytes,
        large_bodies={
            UPLOAD_PATH: settings.max_upload_bytes * settings.max_upload_files + 1024 * 1024
        },
    )
    app.add_middleware(SecurityHeaders)


async def _watch(app: FastAPI, seconds: float) -> None:
    """Pick up a new index build (written by 'rapportsok index') without a restart."""
    if seconds <= 0:
        return
    while True:
        await asyncio.sleep(seconds)
        engine: Engine | None = app.state.engine
        if engine is None:
            continue
        try:
            if await asyncio.to_thread(engine.reload_if_changed):
                log.info("loaded index build %s", engine.snapshot.build.name)
        except Exception as exc:
            log.error("new index build not loaded: %s", exc)
