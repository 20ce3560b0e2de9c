"""Shapes of the reports library endpoints: a report's goal tree, uploads and build jobs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from indexer.models import GoalLevel
from service.library.jobs import Job
from service.results import GoalNode

JobState = Literal["queued", "reading", "embedding", "writing", "done", "failed"]


class GoalNodeOut(BaseModel):
    level: GoalLevel
    number: str | None = Field(description="'1.3.2'; None for a unit's own goals (enhetsmål)")
    title: str
    page: int | None = Field(description="The page the goal starts on")
    assessment: str | None = Field(description="'Uppfylls helt', 'Uppfylls delvis', ...")
    unit: str | None = Field(description="The unit whose part of the report holds the goal")
    children: list[GoalNodeOut]

    @classmethod
    def of(cls, node: GoalNode) -> GoalNodeOut:
        return cls(
            level=node.level,
            number=node.number,
            title=node.title,
            page=node.page,
            assessment=node.assessment,
            unit=node.unit,
            children=[cls.of(c) for c in node.children],
        )


class JobOut(BaseModel):
    """A build of the index started from the library page, and how far it has come."""

    id: str
    kind: Literal["add", "remove"]
    files: list[str] = Field(description="The files added or removed")
    state: JobState
    message: str = Field(description="What the job is doing or how it ended, in a sentence")
    queued_at: str
    started_at: str | None
    finished_at: str | None
    files_done: int = Field(description="Reports read so far")
    files_total: int
    pages_done: int = Field(description="Pages of new or changed reports read so far")
    chunks_done: int = Field(description="Passages and their sentences embedded so far")
    chunks_total: int = Field(
        description="Passages and their sentences to embed (known once reading is done)"
    )
    pages_per_second: float | None
    seconds_left: float | None = Field(description="An estimate; None until one can be made")
    build: str | None = Field(description="The build it made, once done")
    searchable: bool = Field(description="Whether its build is the one being searched")
    failures: list[str] = Field(description="Files the build could not index, with why")

    @classmethod
    def of(cls, job: Job, current_build: str | None) -> JobOut:
        snap = job.snapshot()
        return cls(**snap, searchable=bool(snap["build"]) and snap["build"] == current_build)


class RefusedFile(BaseModel):
    file: str
    problem: str


class UploadOut(BaseModel):
    """What an upload saved into the corpus, what it refused, and the build job it queued."""

    saved: list[str]
    refused: list[RefusedFile]
    job: JobOut | None = Field(description="The build that will index the saved files")


class RemoveOut(BaseModel):
    removed: str = Field(description="The file moved out of the corpus")
    moved_to: str = Field(description="Where it was moved (inside the corpus's .removed/)")
    job: JobOut
