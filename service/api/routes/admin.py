"""POST /api/admin/reload: load the newest build now (needs the admin token)."""

from fastapi import APIRouter

from service.api.deps import AdminDep, EngineDep
from service.api.errors import documented
from service.api.schemas import ReloadOut
from service.settings import Settings


def router(settings: Settings) -> APIRouter:
    api = APIRouter(tags=["admin"])
    # Without an admin token the endpoint is closed (403); with one, a wrong token is a 401.
    refusal = 401 if settings.admin_token else 403

    @api.post("/api/admin/reload", response_model=ReloadOut, responses=documented(refusal, 413))
    def reload(engine: EngineDep, _: AdminDep) -> ReloadOut:
        """Load the newest index build now (needs the admin token)."""
        changed = engine.reload_if_changed()
        return ReloadOut(reloaded=changed, build=engine.snapshot.build.name)

    return api
