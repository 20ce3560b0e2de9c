"""One error shape for the API, {"error": message, "status": code}, and the one place that
maps the service's domain errors to status codes."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from indexer.store.format import StoreUnavailableError
from service.api.schemas import ErrorBody
from service.errors import InvalidInput, NotFound, NotReady, ServiceError, UnknownValue

log = logging.getLogger("rapportsok")

STATUS: dict[type[ServiceError], int] = {
    InvalidInput: 422,
    UnknownValue: 400,
    NotFound: 404,
    NotReady: 503,
}
"""Status code of each domain error: malformed input 422, a value the index does not hold
400, an unknown document 404, no index loaded yet 503."""


class ApiError(Exception):
    """An HTTP-only refusal (a missing token, a closed endpoint) with its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def status_of(error: ServiceError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def error_response(
    status: int, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route of the app answers on the request's path."""
    scope = {**request.scope, "method": "GET"}
    methods: set[str] = set()
    pending = list(app.router.routes)
    while pending:
        route = pending.pop()
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and hasattr(inner, "routes") and not hasattr(route, "methods"):
            pending.extend(inner.routes)  # an included router: look at its own routes
            continue
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] != Match.NONE:
            methods |= set(route_methods)
    return sorted(methods)


def documented(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error statuses a route can answer, all in the ErrorBody shape."""
    return {code: {"model": ErrorBody, "description": DESCRIPTIONS[code]} for code in codes}


DESCRIPTIONS = {
    400: "A filter value the index does not hold (district, unit, report type, year)",
    401: "A required token is missing or wrong",
    403: "The endpoint is switched off",
    404: "No such document, or its file is no longer in the corpus",
    405: "The method is not allowed on this path (see the Allow header)",
    413: "The request body is too large",
    414: "The request URL is too long",
    422: "A parameter or the body is malformed",
    429: "Too many requests from this address (see the Retry-After header)",
    503: "The index is not loaded yet",
}


def validation_message(exc: RequestValidationError) -> str:
    """The first validation problem as one sentence naming the field."""
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    location = [str(p) for p in first.get("loc", ()) if p not in ("query", "body", "path")]
    field = ".".join(location) or "request"
    message = str(first.get("msg", "invalid value"))
    if first.get("type") == "missing":
        return f"{field}: required"
    return f"{field}: {message}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return error_response(status_of(exc), exc.message)

    @app.exception_handler(StoreUnavailableError)
    async def store_down(_: Request, exc: StoreUnavailableError) -> JSONResponse:
        log.warning("%s", exc)
        return error_response(503, f"the index database is unavailable; try again shortly ({exc})")

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "no such resource"
        headers = exc.headers
        if exc.status_code == 405:
            # The router names only the first route on the path; a path with a route per
            # method (GET and POST /api/documents) allows them all (RFC 9110).
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(app, request))}
        return error_response(exc.status_code, message, headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(500, "internal error; the service keeps running")
