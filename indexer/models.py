"""The shared vocabulary of the indexer: what a report becomes on its way to the index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "heading", "list", "table"]
ChunkKind = Literal["prose", "list", "table"]
GoalLevel = Literal["inriktningsmal", "verksamhetsomradesmal", "namndmal", "enhetsmal"]


@dataclass(frozen=True)
class TextLine:
    """One line of text on a page, with what the PDF says about its look and place.

    `block` is the drawing origin shared by all lines of one paragraph or one table cell
    (PDF producers such as ReportLab draw each flowable under its own transform); it is None
    for plain text input and for text drawn without a transform. `cell` is (table, row,
    column) when the line sits in a cell of a table the page draws with ruling lines.
    """

    text: str
    x: float | None = None
    y: float | None = None
    size: float | None = None
    bold: bool = False
    italic: bool = False
    block: tuple[float, float] | None = None
    cell: tuple[int, int, int] | None = None


@dataclass
class Page:
    """A page's body lines; running headers and footers are kept apart in `margin`.

    `ocr` marks a page read from its image by OCR (it had no text layer).
    """

    number: int
    lines: list[TextLine]
    margin: list[str] = field(default_factory=list)
    ocr: bool = False


@dataclass
class RawDocument:
    """A file as read from disk, before structure is known."""

    path: str
    name: str
    sha256: str
    kind: Literal["pdf", "text"]
    pages: list[Page]
    info_title: str | None = None
    info_subject: str | None = None
    problems: list[str] = field(default_factory=list)
    """Pages that could not be read, each as a sentence naming the page."""


@dataclass
class Table:
    """A table as rows of cells, the first `header_rows` rows being column headers.

    `notes` maps a row index to the analysis text ("Analys ...") that follows that row;
    `leading` holds text found before the first body row of a part that continues a table
    from the previous page. `row_pages` is the page each row starts on; `row_ends` the last
    page of a row whose cells or note run onto later pages.
    """

    rows: list[list[str]]
    header_rows: int = 1
    notes: dict[int, str] = field(default_factory=dict)
    row_pages: list[int] = field(default_factory=list)
    leading: list[str] = field(default_factory=list)
    row_ends: dict[int, int] = field(default_factory=dict)

    def pages_of(self, index: int) -> list[int]:
        """Every page row `index` (with its note) is printed on."""
        if index >= len(self.row_pages):
            return []
        first = self.row_pages[index]
        return list(range(first, max(first, self.row_ends.get(index, first)) + 1))

    def reaches(self, index: int, page: int) -> None:
        """Record that row `index` continues on `page`."""
        if index < len(self.row_pages) and page > self.row_pages[index]:
            self.row_ends[index] = max(page, self.row_ends.get(index, page))

    @property
    def header(self) -> list[str]:
        if not self.header_rows:
            return []
        width = max(len(r) for r in self.rows[: self.header_rows])
        merged = [""] * width
        for row in self.rows[: self.header_rows]:
            for i, cell in enumerate(row):
                merged[i] = f"{merged[i]} {cell}".strip()
        return merged

    @property
    def body(self) -> list[list[str]]:
        return self.rows[self.header_rows :]


@dataclass
class Block:
    """A unit of layout: a heading, a paragraph, a list item or a table."""

    kind: BlockKind
    text: str
    pages: list[int]
    level: int = 0
    size: float | None = None
    bold: bool = False
    italic: bool = False
    table: Table | None = None
    top: float | None = None
    left: float | None = None
    """Where its first line is on the page, when known: the baseline's height above the page's
    bottom edge and the left edge, in PDF points (PDF space: y grows upwards)."""


@dataclass(frozen=True)
class Goal:
    """One goal in the hierarchy: a level, a number (None for enhetsmål) and a title."""

    level: GoalLevel
    number: str | None
    title: str

    @property
    def label(self) -> str:
        names = {
            "inriktningsmal": "KF:s inriktningsmål",
            "verksamhetsomradesmal": "KF:s mål för verksamhetsområdet",
            "namndmal": "Nämndmål",
            "enhetsmal": "Enhetsmål",
        }
        number = f" {self.number}" if self.number else ""
        return f"{names[self.level]}:{number} {self.title}".strip()


@dataclass
class Section:
    """Consecutive blocks under one heading path, inside one goal and one unit."""

    headings: list[str]
    goals: list[Goal]
    unit: str | None
    blocks: list[Block]
    assessment: str | None = None

    @property
    def pages(self) -> list[int]:
        return sorted({p for b in self.blocks for p in b.pages})


@dataclass
class DocumentInfo:
    """What a report is: who wrote it, for which year, of which kind."""

    doc_id: str
    name: str
    sha256: str
    title: str
    district: str | None
    year: int | None
    doc_type: str | None
    units: list[str] = field(default_factory=list)
    page_count: int = 0
    sources: dict[str, str] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)
    """Numbers of the pages read by OCR."""
    problems: list[str] = field(default_factory=list)
    """What went wrong while reading it: unreadable pages, tables whose columns were not
    recognised (`indexer.structure.problems`)."""


@dataclass
class Chunk:
    """A passage to index: its text as in the report, the text the model sees, and where it is."""

    doc_id: str
    text: str
    embed_text: str
    kind: ChunkKind
    pages: list[int]
    section: str
    goals: list[Goal]
    unit: str | None
    content_hash: str
    ordinal: int = 0
    assessment: str | None = None
    table_header: list[str] | None = None
    table_rows: list[list[str]] | None = None
    table_note: str | None = None
    sentences: list[str] = field(default_factory=list)
    ocr: bool = False
    """Whether any of its pages was read by OCR (the text may hold misread words)."""

    @property
    def goal(self) -> Goal | None:
        """The most specific numbered goal (nämndmål before verksamhetsområdesmål)."""
        numbered = [g for g in self.goals if g.number]
        return numbered[-1] if numbered else None
