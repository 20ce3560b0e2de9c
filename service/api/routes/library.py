"""The reports library: a report's goal tree, adding and removing reports, build jobs.

Uploads and removals need the admin token. The files go into the corpus folder of the build
being served (its manifest names it), and one background build at a time makes them
searchable (`service.library.jobs`).
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile

from indexer import store
from indexer.pipeline import BuildReport
from service.api.deps import AdminDep, EngineDep
from service.api.errors import ApiError, documented
from service.api.schemas.library import GoalNodeOut, JobOut, RefusedFile, RemoveOut, UploadOut
from service.engine import Engine
from service.errors import NotFound
from service.library.corpus import Refused, Upload, add_reports, remove_report
from service.library.jobs import BuildQueue, Job
from service.search.runtime import build_for
from service.settings import Settings

UPLOAD_PATH = "/api/documents"
READ_CHUNK = 1 << 20


def router(settings: Settings) -> APIRouter:
    api = APIRouter(tags=["library"])
    refusal = 401 if settings.admin_token else 403

    @api.get(
        "/api/documents/{doc_id}/goals", response_model=list[GoalNodeOut], responses=documented(404)
    )
    def goals(engine: EngineDep, doc_id: str) -> list[GoalNodeOut]:
        """The report's goal tree (one tree per unit in a bundle), each goal with its page."""
        return [GoalNodeOut.of(node) for node in engine.goal_tree(doc_id)]

    @api.post(
        UPLOAD_PATH,
        status_code=202,
        response_model=UploadOut,
        responses=documented(400, refusal, 413),
    )
    async def upload(
        request: Request,
        engine: EngineDep,
        _: AdminDep,
        files: Annotated[list[UploadFile], File(description="PDF or text files of reports")],
    ) -> UploadOut:
        """Add reports (admin): each file is checked, saved into the corpus and indexed by a
        background build; files refused are named with why, and nothing else changes."""
        if len(files) > settings.max_upload_files:
            raise ApiError(400, f"at most {settings.max_upload_files} files per upload")
        uploads = [await _read(f, settings.max_upload_bytes) for f in files]
        saved, refused = add_reports(corpus_of(engine), uploads, settings.max_upload_bytes)
        if not saved:
            raise ApiError(400, "; ".join(str(r) for r in refused) or "no file in the upload")
        job = queue_of(request, engine).submit("add", saved)
        return UploadOut(
            saved=saved,
            refused=[RefusedFile(file=r.file, problem=r.problem) for r in refused],
            job=JobOut.of(job, engine.snapshot.build.name),
        )

    @api.delete(
        "/api/documents/{doc_id}",
        status_code=202,
        response_model=RemoveOut,
        responses=documented(refusal, 404),
    )
    def remove(request: Request, engine: EngineDep, _: AdminDep, doc_id: str) -> RemoveOut:
        """Remove a report (admin): its file is moved into the corpus's .removed/ folder and it
        is gone from search once the background build is done."""
        doc = engine.snapshot.documents.get(doc_id)
        if doc is None:
            raise NotFound(None, f"document {doc_id[:80]!r} not found")
        try:
            moved = remove_report(corpus_of(engine), doc.name)
        except (FileNotFoundError, Refused) as exc:
            raise NotFound(None, f"{doc.name} is no longer in the corpus folder") from exc
        job = queue_of(request, engine).submit("remove", [doc.name])
        return RemoveOut(
            removed=doc.name,
            moved_to=str(moved.relative_to(moved.parents[1])),
            job=JobOut.of(job, engine.snapshot.build.name),
        )

    @api.get("/api/jobs", response_model=list[JobOut])
    def jobs(request: Request, engine: EngineDep) -> list[JobOut]:
        """Builds started from the library, oldest first (the last 100 finished ones)."""
        current = engine.snapshot.build.name
        return [JobOut.of(job, current) for job in queue_of(request, engine).jobs()]

    @api.get("/api/jobs/{job_id}", response_model=JobOut, responses=documented(404))
    def job(request: Request, engine: EngineDep, job_id: str) -> JobOut:
        """One build's state and progress: files and pages read, texts embedded, time left."""
        found = queue_of(request, engine).get(job_id)
        if found is None:
            raise NotFound(None, f"job {job_id[:40]!r} not found")
        return JobOut.of(found, engine.snapshot.build.name)

    return api


def corpus_of(engine: Engine) -> Path:
    """The corpus folder of the build being served: the one the next build must read."""
    return Path(engine.snapshot.manifest.corpus_dir)


def queue_of(request: Request, engine: Engine) -> BuildQueue:
    """The app's build queue, started on first use."""
    state = request.app.state
    if getattr(state, "builds", None) is None:
        state.builds = BuildQueue(lambda job: run_build(engine, job))
    builds: BuildQueue = state.builds
    return builds


def run_build(engine: Engine, job: Job) -> tuple[BuildReport | None, str | None, bool]:
    """Build the served corpus incrementally, then switch the engine to the new build."""
    try:
        report = build_for(
            engine.settings,
            corpus_of(engine),
            engine.settings.index_location,
            progress=False,
            on_progress=job.update,
        )
    except store.IndexLockedError as exc:
        return None, str(exc), False
    engine.reload_if_changed()
    return report, None, engine.snapshot.build.name == report.build


async def _read(file: UploadFile, limit: int) -> Upload:
    """The file's bytes, read no further than one chunk past the limit."""
    data = bytearray()
    while chunk := await file.read(READ_CHUNK):
        data += chunk
        if len(data) > limit:
            break
    return Upload(name=file.filename or "", data=bytes(data))
