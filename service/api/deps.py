"""Dependencies of the routes: the engine in use, the settings, and the token checks.

The app keeps its settings and engine on `app.state`; routes ask for them with the aliases
below (`engine: EngineDep`). No `from __future__ import annotations` here or in the route
modules: FastAPI reads these annotations at runtime.
"""

from typing import Annotated

from fastapi import Depends, Header, Request

from service.api.errors import ApiError
from service.api.security import bearer, token_matches
from service.engine import Engine
from service.errors import NotReady
from service.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_engine(request: Request) -> Engine:
    engine: Engine | None = request.app.state.engine
    if engine is None:
        raise NotReady(None, "the index is not loaded yet")
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def require_reader(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """With RAPPORTSOK_READ_TOKEN set, every read needs 'Authorization: Bearer <token>'."""
    expected = settings.read_token.get_secret_value() if settings.read_token else None
    if expected and not token_matches(bearer(authorization), expected):
        raise ApiError(401, "this service needs a read token: send 'Authorization: Bearer <token>'")


def require_admin(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Admin endpoints are off without RAPPORTSOK_ADMIN_TOKEN, and need it when it is set."""
    expected = settings.admin_token.get_secret_value() if settings.admin_token else None
    if not expected:
        raise ApiError(
            403, "admin endpoints are disabled; set RAPPORTSOK_ADMIN_TOKEN to enable them"
        )
    if not token_matches(bearer(authorization), expected):
        raise ApiError(401, "admin token missing or wrong: send 'Authorization: Bearer <token>'")


Reader = Depends(require_reader)
AdminDep = Annotated[None, Depends(require_admin)]
