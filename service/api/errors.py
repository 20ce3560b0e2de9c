"""One error shape for the API: {"error": message, "status": code}."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class ApiError(Exception):
    """An error to answer with a status code and a message naming the field or resource."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


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
