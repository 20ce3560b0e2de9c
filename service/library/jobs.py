"""Index builds started from the library page: one at a time, the rest queued, each followed.

A job is one call of `indexer.pipeline.build_index` on the corpus folder, made after an upload
or a removal changed it. Builds are incremental, so a job after an upload reads and embeds
only the new files. One worker thread runs the jobs in order; the service keeps answering
from the build in use while a job runs and switches to the new build when the job is done.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from indexer.pipeline import BuildProgress, BuildReport

KEEP_FINISHED = 100
"""Finished jobs remembered for GET /api/jobs/{id}; older ones are forgotten."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Job:
    """A queued, running or finished build; its fields change only under its lock."""

    kind: str  # add | remove
    files: list[str]
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    state: str = "queued"
    message: str = "waiting for the build before it"
    queued_at: str = field(default_factory=_now)
    started_at: str | None = None
    finished_at: str | None = None
    progress: BuildProgress = field(default_factory=lambda: BuildProgress("queued"))
    build: str | None = None
    failures: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _started: float | None = None
    _embedding_since: float | None = None
    _reading_seconds: float = 0.0

    def start(self) -> None:
        with self._lock:
            self.state, self.message = "reading", "reading the reports"
            self.started_at, self._started = _now(), time.monotonic()

    def update(self, progress: BuildProgress) -> None:
        """The build's progress callback."""
        with self._lock:
            now = time.monotonic()
            if progress.stage == "embedding" and self._embedding_since is None:
                self._embedding_since = now
                self._reading_seconds = now - (self._started or now)
            self.progress = BuildProgress(**progress.__dict__)
            self.state = progress.stage
            self.message = {
                "reading": f"reading the reports ({progress.files_done} of "
                f"{progress.files_total} files)",
                "embedding": f"embedding passages ({progress.texts_done} of "
                f"{progress.texts_total} texts)",
                "writing": "writing the new build",
            }.get(progress.stage, progress.stage)

    def finish(self, report: BuildReport | None, error: str | None, searchable: bool) -> None:
        with self._lock:
            self.finished_at = _now()
            if report is not None:
                self.build = report.build
                self.failures = [str(f) for f in report.failures]
            if error:
                self.state, self.message = "failed", error
            else:
                self.state = "done"
                self.message = (
                    "done: the new build is being searched"
                    if searchable
                    else "done, but the service could not switch to the new build"
                )

    def snapshot(self) -> dict[str, Any]:
        """The job as the API shows it, with rate and time left estimated from now."""
        with self._lock:
            p = self.progress
            rate, left = self._estimates(p)
            return {
                "id": self.id,
                "kind": self.kind,
                "files": list(self.files),
                "state": self.state,
                "message": self.message,
                "queued_at": self.queued_at,
                "started_at": self.started_at,
                "finished_at": self.finished_at,
                "files_done": p.files_done,
                "files_total": p.files_total,
                "pages_done": p.pages_done,
                "chunks_done": p.texts_done,
                "chunks_total": p.texts_total,
                "pages_per_second": rate,
                "seconds_left": left,
                "build": self.build,
                "failures": list(self.failures),
            }

    def _estimates(self, p: BuildProgress) -> tuple[float | None, float | None]:
        if self._started is None or self.state in ("done", "failed"):
            return None, 0.0 if self.state in ("done", "failed") else None
        now = time.monotonic()
        reading = self._reading_seconds if self._embedding_since else now - self._started
        rate = round(p.pages_done / reading, 2) if reading > 0 and p.pages_done else None
        if self.state == "reading" and p.files_done:
            per_file = reading / p.files_done
            return rate, round(per_file * (p.files_total - p.files_done), 2)
        if self.state == "embedding" and self._embedding_since and p.texts_done:
            per_text = (now - self._embedding_since) / p.texts_done
            return rate, round(per_text * (p.texts_total - p.texts_done), 2)
        return rate, None


BuildRunner = Callable[[Job], tuple[BuildReport | None, str | None, bool]]
"""Runs one job's build: (the build's report, an error message, whether it is searched)."""


class BuildQueue:
    """Jobs run one at a time, in the order they were submitted, by one worker thread."""

    def __init__(self, run: BuildRunner) -> None:
        self._run = run
        self._jobs: dict[str, Job] = {}
        self._order: list[str] = []
        self._pending: queue.Queue[Job] = queue.Queue()
        self._lock = threading.Lock()
        self._worker = threading.Thread(target=self._work, name="library-builds", daemon=True)
        self._worker.start()

    def submit(self, kind: str, files: list[str]) -> Job:
        job = Job(kind=kind, files=files)
        with self._lock:
            self._jobs[job.id] = job
            self._order.append(job.id)
            self._forget_old()
        self._pending.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        with self._lock:
            return [self._jobs[i] for i in self._order]

    def _work(self) -> None:
        while True:
            job = self._pending.get()
            job.start()
            try:
                report, error, searchable = self._run(job)
            except Exception as exc:  # a failed build must not stop the worker
                report, error, searchable = None, f"the build failed: {exc}", False
            job.finish(report, error, searchable)

    def _forget_old(self) -> None:
        finished = [i for i in self._order if self._jobs[i].state in ("done", "failed")]
        for job_id in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            self._order.remove(job_id)
            del self._jobs[job_id]
