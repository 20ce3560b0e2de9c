"""The reports in the index: listing, metadata, the files themselves, and filter facets."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from service.api.deps import EngineDep
from service.api.errors import documented
from service.api.schemas import DocumentOut, FacetsOut

REPORT_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report file",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    },
}


def router() -> APIRouter:
    api = APIRouter(tags=["documents"])

    @api.get("/api/facets", response_model=FacetsOut)
    def facets(engine: EngineDep) -> FacetsOut:
        """Districts, years, report types (with their names), units and goals in the index."""
        return FacetsOut.of(engine.facets())

    @api.get("/api/documents", response_model=list[DocumentOut])
    def documents(engine: EngineDep) -> list[DocumentOut]:
        """All indexed reports."""
        return [DocumentOut.of(d) for d in engine.documents()]

    @api.get("/api/documents/{doc_id}", response_model=DocumentOut, responses=documented(404))
    def document(engine: EngineDep, doc_id: str) -> DocumentOut:
        """One report's metadata."""
        return DocumentOut.of(engine.document(doc_id))

    @api.get(
        "/api/documents/{doc_id}/pdf",
        response_class=FileResponse,
        responses={**documented(404), **REPORT_FILE},
    )
    def document_file(engine: EngineDep, doc_id: str) -> FileResponse:
        """The report file itself; add #page=N to open a cited page."""
        found = engine.document_file(doc_id)
        return FileResponse(
            found.path,
            media_type=found.media_type,
            filename=found.path.name,
            content_disposition_type="inline",
        )

    return api
