"""Shapes shared by several responses: the error body, goal references, figures, filters."""

from __future__ import annotations

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from indexer.commitments.values import Value
from indexer.models import Goal, GoalLevel


class ErrorBody(BaseModel):
    error: str = Field(description="What was wrong, naming the field or resource")
    status: int = Field(description="The HTTP status code, repeated")


class GoalRefOut(BaseModel):
    """A goal a passage or a record stands under."""

    number: str | None = Field(description="'1.3.2'; None for a unit's own goals (enhetsmål)")
    title: str
    level: GoalLevel

    @classmethod
    def of(cls, goal: Goal | None) -> GoalRefOut | None:
        return None if goal is None else cls(number=goal.number, title=goal.title, level=goal.level)

    @classmethod
    def path(cls, goals: list[Goal]) -> list[GoalRefOut]:
        return [cls(number=g.number, title=g.title, level=g.level) for g in goals]


class ValueOut(BaseModel):
    text: str = Field(description="The cell as written, e.g. '3,2 %' or 'Tas fram av nämnd'")
    value: float | None = Field(description="The number, when the cell is a plain figure")
    unit: str | None = Field(description="'%', 'st', 'GWh', ... when the figure has one")

    @classmethod
    def of(cls, value: Value) -> ValueOut:
        return cls(text=value.text, value=value.number, unit=value.unit)

    @classmethod
    def maybe(cls, value: Value | None) -> ValueOut | None:
        return None if value is None else cls.of(value)


class AppliedFiltersOut(TypedDict, total=False):
    """Filters applied, given or read from the question; only those in effect are present."""

    district: str
    year: int
    doc_type: str
    goal: str
    unit: str
    boost_doc_type: str


def report_url(doc_id: str, page: int | None = None) -> str:
    """Where the API serves a report file; `#page=N` opens it at a page."""
    return f"/api/documents/{doc_id}/pdf" + (f"#page={page}" if page else "")
