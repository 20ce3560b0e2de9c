"""What the engine answers, as typed values: the API's response models and the CLI read these.

Nothing here knows HTTP or JSON; `service.api.schemas` turns each shape into JSON in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.models import Goal
from indexer.reading.ocr import OcrStatus
from service.language.thesaurus import ThesaurusStatus
from service.search.retrieval import Hit
from service.search.snapshot import Filters


@dataclass(frozen=True)
class Applied:
    """Filters applied to a search or an answer, including those read from the question."""

    filters: Filters
    boost_doc_type: str | None = None

    def as_dict(self) -> dict[str, object]:
        applied = dict(self.filters.active())
        if self.boost_doc_type:
            applied["boost_doc_type"] = self.boost_doc_type
        return applied


@dataclass(frozen=True)
class Copy:
    """Another report or unit holding a passage word for word."""

    document: str
    unit: str | None
    page: int | None


@dataclass(frozen=True)
class Passage:
    """A search hit with its highlights and copies resolved against the build it came from."""

    hit: Hit
    highlights: list[list[int]]
    """[start, end) spans of query words in the passage text."""
    also_in: list[Copy]


@dataclass(frozen=True)
class Passages:
    """Ranked passages for a query."""

    query: str
    applied: Applied
    passages: list[Passage]


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: a passage, or a table row read as a passage."""

    id: int
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
    goal: Goal | None
    quote: str
    ocr: bool = False
    """The passage was read by OCR from a scanned page."""

    @classmethod
    def of_hit(cls, number: int, hit: Hit) -> Citation:
        chunk, doc = hit.chunk, hit.document
        return cls(
            id=number,
            document=doc.name,
            doc_id=doc.doc_id,
            title=doc.title,
            year=doc.year,
            district=doc.district,
            doc_type=doc.doc_type,
            unit=chunk.unit,
            page=chunk.pages[0] if chunk.pages else None,
            pages=chunk.pages,
            section=chunk.section,
            goal=chunk.goal,
            quote=chunk.text,
            ocr=chunk.ocr,
        )


@dataclass(frozen=True)
class TimelineEntry:
    """One report's contribution to an answer about change over time."""

    year: int | None
    doc_type: str | None
    title: str
    label: str
    text: str
    citation: int
    figures: list[str]


@dataclass
class AnswerTable:
    """Table rows an answer rests on, shown as a table: the report's header plus the year."""

    header: list[str]
    rows: list[list[str]]
    citations: list[int] = field(default_factory=list)
    """The citation number of each row."""


@dataclass(frozen=True)
class CitedAnswer:
    """An answer of report sentences, each with the numbers of the citations it comes from."""

    question: str
    answered: bool
    kind: str
    sentences: list[tuple[str, list[int]]]
    citations: list[Citation]
    applied: Applied
    timeline: list[TimelineEntry] | None = None
    message: str | None = None
    related: list[Citation] = field(default_factory=list)
    """For a refusal: the closest passages, as related reading."""
    tables: list[AnswerTable] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The sentences with [n] markers: one paragraph, or one line per report for a timeline."""
        if not self.answered:
            return self.message or ""
        glue = "\n" if self.kind == "timeline" else " "
        return glue.join(
            f"{sentence} " + "".join(f"[{n}]" for n in numbers)
            for sentence, numbers in self.sentences
        )


@dataclass(frozen=True)
class DocumentSummary:
    """One indexed report."""

    doc_id: str
    name: str
    title: str
    district: str | None
    year: int | None
    doc_type: str | None
    units: list[str]
    pages: int
    chunks: int
    ocr_pages: int = 0
    """How many of its pages were read by OCR."""
    goals: int = 0
    indicators: int = 0
    activities: int = 0
    budget_lines: int = 0
    problems: tuple[str, ...] = ()
    """What went wrong while reading it (`DocumentInfo.problems`)."""

    @property
    def is_pdf(self) -> bool:
        return self.name.lower().endswith(".pdf")


@dataclass(frozen=True)
class GoalNode:
    """A goal of one report with the goals under it, and the page it starts on."""

    level: str
    number: str | None
    title: str
    page: int | None
    assessment: str | None
    unit: str | None
    children: list[GoalNode]


@dataclass(frozen=True)
class ReportFile:
    """The file of an indexed report, checked to be inside the corpus."""

    path: Path
    media_type: str


@dataclass(frozen=True)
class StoreStatus:
    """Where builds come from and whether it answers."""

    kind: str
    """directory or postgresql"""
    location: str
    """The folder, or the database URL without its password."""
    reachable: bool
    problem: str | None = None


@dataclass(frozen=True)
class Health:
    """Which build is loaded and how big it is (an engine that has not loaded has none)."""

    status: str
    index_loaded: bool
    build: str | None = None
    built_at: str | None = None
    model: str | None = None
    model_id: str | None = None
    documents: int = 0
    chunks: int = 0
    precision: str | None = None
    """What the query model runs in: fp32, bf16 or int8."""
    device: str | None = None
    ocr: OcrStatus | None = None
    """Whether scanned pages can be read (Tesseract with Swedish installed)."""
    everyday_words: ThesaurusStatus | None = None
    """Whether everyday words are mapped to report words (the Swedish thesaurus is there)."""
    store: StoreStatus | None = None


@dataclass(frozen=True)
class FacetGoal:
    number: str
    title: str
    year: int | None
    level: str


@dataclass(frozen=True)
class Facets:
    """What a build holds, for filter menus and input checks."""

    districts: list[str]
    years: list[int]
    doc_types: list[str]
    units: list[str]
    goals: list[FacetGoal] = field(default_factory=list)
