"""Request and response shapes of search, answers, documents, facets and health.

Each response model is built from the engine's typed result in one place (its `of`).
"""

from __future__ import annotations

from typing import cast

from pydantic import BaseModel, ConfigDict, Field

from indexer.labels import DOC_TYPE_LABELS
from service.api.schemas.common import AppliedFiltersOut, GoalRefOut, report_url
from service.results import (
    Applied,
    CitedAnswer,
    DocumentSummary,
    Facets,
    Health,
    Passage,
    Passages,
)


def applied_out(applied: Applied) -> AppliedFiltersOut:
    return cast(AppliedFiltersOut, applied.as_dict())


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
    goal: GoalRefOut | None
    goals: list[GoalRefOut] = []
    section: str
    page: int | None = Field(description="First page of the passage")
    pages: list[int]
    kind: str
    assessment: str | None = None
    ocr: bool = Field(False, description="Read by OCR from a scanned page: may hold misread words")
    highlights: list[list[int]] = Field(description="[start, end) spans of query words in text")
    also_in: list[CopyOut] = Field(
        default=[], description="Other reports or units with the same passage word for word"
    )

    @classmethod
    def of(cls, passage: Passage) -> HitOut:
        hit = passage.hit
        chunk, doc = hit.chunk, hit.document
        return cls(
            text=chunk.text,
            score=round(hit.score, 4),
            document=doc.name,
            doc_id=doc.doc_id,
            title=doc.title,
            district=doc.district,
            year=doc.year,
            doc_type=doc.doc_type,
            unit=chunk.unit,
            goal=GoalRefOut.of(chunk.goal),
            goals=GoalRefOut.path(chunk.goals),
            section=chunk.section,
            page=chunk.pages[0] if chunk.pages else None,
            pages=chunk.pages,
            kind=chunk.kind,
            assessment=chunk.assessment,
            ocr=chunk.ocr,
            highlights=passage.highlights,
            also_in=[
                CopyOut(document=c.document, unit=c.unit, page=c.page) for c in passage.also_in
            ],
        )


class SearchOut(BaseModel):
    query: str
    filters: AppliedFiltersOut = Field(description="Filters applied, including those read from q")
    hits: list[HitOut]

    @classmethod
    def of(cls, result: Passages) -> SearchOut:
        return cls(
            query=result.query,
            filters=applied_out(result.applied),
            hits=[HitOut.of(p) for p in result.passages],
        )


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
    goal: GoalRefOut | None
    quote: str = Field(description="The cited passage")
    ocr: bool = Field(False, description="Read by OCR from a scanned page: may hold misread words")


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


class AnswerTableOut(BaseModel):
    header: list[str] = Field(description="The report table's header, then 'År'")
    rows: list[list[str]] = Field(description="The rows the answer rests on, with the year")
    citations: list[int] = Field(description="Citation number of each row")


class AskOut(BaseModel):
    question: str
    answered: bool
    answer: str = Field(description="Sentences from the reports with [n] citation markers")
    sentences: list[SentenceOut]
    citations: list[CitationOut]
    timeline: list[TimelineEntryOut] | None = None
    filters: AppliedFiltersOut = Field(description="Filters applied, including those read from q")
    kind: str = Field(description="'passages', 'timeline', 'indicator' or 'none'")
    message: str | None = Field(
        None, description="For a refusal: what the reports hold on the topic and what they lack"
    )
    related: list[CitationOut] = Field(
        default_factory=list, description="For a refusal: the closest passages, to read"
    )
    tables: list[AnswerTableOut] = Field(
        default_factory=list, description="Table rows of the answer, as tables"
    )

    @classmethod
    def of(cls, answer: CitedAnswer) -> AskOut:
        """Citations, their goals and the timeline are read from the result's attributes."""
        fields = {
            **answer.__dict__,
            "answer": answer.text,
            "sentences": [SentenceOut(text=s, citations=n) for s, n in answer.sentences],
            "filters": applied_out(answer.applied),
        }
        return cls.model_validate(fields, from_attributes=True)


class FacetGoal(BaseModel):
    number: str
    title: str
    year: int | None
    level: str


class DocTypeLabelOut(BaseModel):
    code: str = Field(description="The value of `doc_type` in filters and results")
    name: str = Field(description="Swedish name, e.g. 'Tertialrapport 1'")
    short: str = Field(description="Short name for narrow columns, e.g. 'T1'")
    covers: list[str] = Field(description="Report types a filter on this code matches")


class FacetsOut(BaseModel):
    districts: list[str]
    years: list[int]
    doc_types: list[str]
    units: list[str]
    goals: list[FacetGoal]
    doc_type_labels: list[DocTypeLabelOut] = Field(
        description="Every report type code with its names, in the order of a council year "
        "(plan, tertial reports, annual report)"
    )

    @classmethod
    def of(cls, facets: Facets) -> FacetsOut:
        fields = {**facets.__dict__, "doc_type_labels": DOC_TYPE_LABELS}
        return cls.model_validate(fields, from_attributes=True)


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
    ocr_pages: int = Field(0, description="How many pages had no text layer and were read by OCR")
    goals: int = Field(0, description="Goals found (all levels, every unit)")
    indicators: int = Field(0, description="Indicator rows read from its tables")
    activities: int = Field(0, description="Activities read from its tables")
    budget_lines: int = Field(0, description="Budget lines read from its tables")
    problems: list[str] = Field(
        default_factory=list,
        description="What went wrong while reading it: pages that could not be read, tables "
        "whose columns were not recognised",
    )
    pdf: str | None = Field(description="URL of the report file, if it is a PDF")

    @classmethod
    def of(cls, doc: DocumentSummary) -> DocumentOut:
        pdf = report_url(doc.doc_id) if doc.is_pdf else None
        fields = {**doc.__dict__, "problems": list(doc.problems)}
        return cls.model_validate({**fields, "id": doc.doc_id, "pdf": pdf})


class OcrOut(BaseModel):
    available: bool = Field(description="Whether pages without a text layer are read by OCR")
    message: str = Field(description="The Tesseract version, or what to install")


class EverydayWordsOut(BaseModel):
    available: bool = Field(
        description="Whether question words the reports never use are mapped to report words"
    )
    message: str = Field(description="The thesaurus in use, or what to install")


class StoreOut(BaseModel):
    kind: str = Field(description="directory, or postgresql (the shared database store)")
    location: str = Field(description="The index folder, or the database URL without password")
    reachable: bool = Field(description="Whether the store answered just now")
    problem: str | None = Field(None, description="Why it did not")


class HealthOut(BaseModel):
    status: str
    index_loaded: bool
    build: str | None
    built_at: str | None
    model: str | None
    model_id: str | None
    documents: int
    chunks: int
    precision: str | None = Field(None, description="Query model precision: fp32, bf16 or int8")
    device: str | None = Field(None, description="Where the query model runs: cpu or cuda")
    ocr: OcrOut | None = None
    everyday_words: EverydayWordsOut | None = None
    store: StoreOut | None = None

    @classmethod
    def of(cls, health: Health) -> HealthOut:
        return cls.model_validate(health, from_attributes=True)


class ReloadOut(BaseModel):
    reloaded: bool = Field(description="Whether a newer build was loaded")
    build: str = Field(description="The build in use now")
