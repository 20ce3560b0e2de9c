"""Request and response shapes of the HTTP API (they become the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    error: str = Field(description="What was wrong, naming the field or resource")
    status: int = Field(description="The HTTP status code, repeated")


class GoalOut(BaseModel):
    number: str | None
    title: str
    level: str | None = None


class CopyOut(BaseModel):
    document: str
    unit: str | None
    page: int | None


class HitOut(BaseModel):
    text: str = Field(description="The passage as it appears in the report")
    score: float
    document: str = Field(description="File name of the report")
    doc_id: str
    title: str
    district: str | None
    year: int | None
    doc_type: str | None
    unit: str | None
    goal: GoalOut | None
    goals: list[GoalOut] = []
    section: str
    page: int | None = Field(description="First page of the passage")
    pages: list[int]
    kind: str
    assessment: str | None = None
    highlights: list[list[int]] = Field(description="[start, end) spans of query words in text")
    also_in: list[CopyOut] = Field(
        default=[], description="Other reports or units with the same passage word for word"
    )


class SearchOut(BaseModel):
    query: str
    filters: dict[str, Any] = Field(description="Filters applied, including those read from q")
    hits: list[HitOut]


class AskFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    district: str | None = None
    year: int | None = Field(None, ge=1990, le=2100)
    doc_type: str | None = None
    goal: str | None = None
    unit: str | None = None


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, description="The question, in Swedish or English")
    filters: AskFilters = AskFilters()
    disable: list[str] = Field(
        default=[], max_length=6, description="Filters not to read from the question"
    )


class CitationOut(BaseModel):
    id: int = Field(description="The number used in the answer's [n] markers")
    document: str
    doc_id: str
    title: str
    year: int | None
    district: str | None
    doc_type: str | None
    unit: str | None
    page: int | None
    pages: list[int]
    section: str
    goal: GoalOut | None
    quote: str = Field(description="The cited passage")


class SentenceOut(BaseModel):
    text: str
    citations: list[int]


class TimelineEntryOut(BaseModel):
    year: int | None
    doc_type: str | None
    title: str
    label: str = Field(description="Year and report type, e.g. '2021 Tertialrapport 1'")
    text: str
    citation: int
    figures: list[str]


class AskOut(BaseModel):
    question: str
    answered: bool
    answer: str = Field(description="Sentences from the reports with [n] citation markers")
    sentences: list[SentenceOut]
    citations: list[CitationOut]
    timeline: list[TimelineEntryOut] | None = None
    filters: dict[str, Any]
    kind: str = Field(description="'passages', 'timeline', 'indicator' or 'none'")
    message: str | None = None


class FacetGoal(BaseModel):
    number: str
    title: str
    year: int | None
    level: str


class FacetsOut(BaseModel):
    districts: list[str]
    years: list[int]
    doc_types: list[str]
    units: list[str]
    goals: list[FacetGoal]


class DocumentOut(BaseModel):
    id: str
    name: str
    title: str
    district: str | None
    year: int | None
    doc_type: str | None
    units: list[str]
    pages: int
    chunks: int
    pdf: str | None = Field(description="URL of the report file, if it is a PDF")


class HealthOut(BaseModel):
    status: str
    index_loaded: bool
    build: str | None
    built_at: str | None
    model: str | None
    model_id: str | None
    documents: int
    chunks: int
