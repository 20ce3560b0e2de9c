"""Sections to chunks: prose split inside its section, table rows kept with their headers.

Prose is split with langchain-text-splitters at paragraph, then sentence, then word
boundaries, never across a section (so never across two goals). An indicator or activity table
gives one chunk per row, with the column headers and the row's analysis note, because a
question about one indicator should find that row and not its neighbours. Other tables are
cut into groups of rows, each group repeating the header.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from indexer.chunking.sentences import sentences_of
from indexer.labels import DOC_TYPE_NAMES
from indexer.models import Block, Chunk, DocumentInfo, Section, Table

SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]
MIN_WORDS = 4
"""Shorter prose ("— Inga data" under an empty heading) says nothing worth finding."""
ROW_TABLE_HEADS = ("indikator", "aktivitet")


@dataclass(frozen=True)
class ChunkParams:
    """Chunking settings; recorded in the index manifest."""

    size: int = 1400
    overlap: int = 233
    context: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"size": self.size, "overlap": self.overlap, "context": self.context}


def content_hash(text: str) -> str:
    """Hash of the text with case and whitespace ignored: equal passages share it."""
    normal = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha1(normal.encode("utf-8")).hexdigest()[:16]


def chunk_sections(info: DocumentInfo, sections: list[Section], params: ChunkParams) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=params.size,
        chunk_overlap=params.overlap,
        separators=SEPARATORS,
        keep_separator="end",
        add_start_index=True,
        strip_whitespace=True,
    )
    chunks: list[Chunk] = []
    for section in sections:
        chunks.extend(_prose_chunks(info, section, splitter, params))
        for block in section.blocks:
            if block.kind == "table" and block.table is not None:
                chunks.extend(_table_chunks(info, section, block, block.table, params))
    for ordinal, chunk in enumerate(chunks):
        chunk.ordinal = ordinal
        chunk.sentences = sentences_of(chunk)
    return chunks


def _prose_chunks(
    info: DocumentInfo,
    section: Section,
    splitter: RecursiveCharacterTextSplitter,
    params: ChunkParams,
) -> list[Chunk]:
    blocks = [b for b in section.blocks if b.kind in ("paragraph", "list")]
    if not blocks:
        return []
    text, spans = _join_blocks(blocks)
    out: list[Chunk] = []
    for piece in splitter.create_documents([text]):
        if len(re.findall(r"\w+", piece.page_content)) < MIN_WORDS:
            continue
        start = int(piece.metadata["start_index"])
        end = start + len(piece.page_content)
        covered = [b for (s, e, b) in spans if s < end and e > start]
        pages = sorted({p for b in covered for p in b.pages})
        list_chars = sum(len(b.text) for b in covered if b.kind == "list")
        kind = "list" if list_chars * 2 >= sum(len(b.text) for b in covered) else "prose"
        body = piece.page_content.strip()
        out.append(_chunk(info, section, body, _context(info, section, params) + body, kind, pages))
    return out


def _join_blocks(blocks: list[Block]) -> tuple[str, list[tuple[int, int, Block]]]:
    """Paragraphs joined by blank lines, list items by line breaks; with each block's span."""
    text = ""
    spans: list[tuple[int, int, Block]] = []
    for i, block in enumerate(blocks):
        if i:
            both_lists = block.kind == "list" and blocks[i - 1].kind == "list"
            text += "\n" if both_lists else "\n\n"
        spans.append((len(text), len(text) + len(block.text), block))
        text += block.text
    return text, spans


def _table_chunks(
    info: DocumentInfo, section: Section, block: Block, table: Table, params: ChunkParams
) -> list[Chunk]:
    header = table.header
    per_row = bool(header) and header[0].strip().lower().startswith(ROW_TABLE_HEADS)
    body_start = table.header_rows
    if per_row:
        return [
            _row_chunk(info, section, table, index, params)
            for index in range(body_start, len(table.rows))
            if any(table.rows[index])
        ]
    return _row_group_chunks(info, section, block, table, params)


def _row_line(row: list[str]) -> str:
    return " ".join(cell for cell in row if cell)


def _row_chunk(
    info: DocumentInfo, section: Section, table: Table, index: int, params: ChunkParams
) -> Chunk:
    header = table.header
    row = table.rows[index]
    note = table.notes.get(index)
    lines = [_row_line(header), _row_line(row)] + ([note] if note else [])
    text = "\n".join(lines)
    labelled = "; ".join(
        f"{name}: {value}" for name, value in zip(header, row, strict=False) if value and name
    )
    embed = _context(info, section, params) + labelled + (f"\n{note}" if note else "")
    chunk = _chunk(info, section, text, embed, "table", table.pages_of(index))
    chunk.table_header = header
    chunk.table_rows = [row]
    chunk.table_note = note
    return chunk


def _row_group_chunks(
    info: DocumentInfo, section: Section, block: Block, table: Table, params: ChunkParams
) -> list[Chunk]:
    header_line = _row_line(table.header) if table.header_rows else ""
    out: list[Chunk] = []
    group: list[int] = []

    def flush() -> None:
        if not group:
            return
        lines = [header_line] if header_line else []
        for index in group:
            lines.append(_row_line(table.rows[index]))
            if index in table.notes:
                lines.append(table.notes[index])
        text = "\n".join(line for line in lines if line)
        pages = sorted({page for i in group for page in table.pages_of(i)})
        chunk = _chunk(
            info,
            section,
            text,
            _context(info, section, params) + text,
            "table",
            pages or block.pages,
        )
        chunk.table_header = table.header or None
        chunk.table_rows = [table.rows[i] for i in group]
        out.append(chunk)
        group.clear()

    size = len(header_line)
    for index in range(table.header_rows, len(table.rows)):
        line = _row_line(table.rows[index])
        if group and size + len(line) > params.size:
            flush()
            size = len(header_line)
        group.append(index)
        size += len(line) + 1
    flush()
    return out


def _context(info: DocumentInfo, section: Section, params: ChunkParams) -> str:
    """A short line of where the passage sits, prepended to what the model embeds."""
    if not params.context:
        return ""
    parts = [DOC_TYPE_NAMES.get(info.doc_type or "", info.title)]
    if info.year:
        parts[0] += f" {info.year}"
    if info.district:
        parts.append(info.district)
    if section.unit:
        parts.append(section.unit)
    goal = next((g for g in reversed(section.goals) if g.number or g.level == "enhetsmal"), None)
    if goal is not None:
        parts.append(goal.label)
    if section.headings and (goal is None or section.headings[-1] != goal.label):
        last = section.headings[-1]
        if not goal or last not in goal.label:
            parts.append(last)
    return " | ".join(parts) + "\n"


def _chunk(
    info: DocumentInfo,
    section: Section,
    text: str,
    embed_text: str,
    kind: str,
    pages: list[int],
) -> Chunk:
    pages = pages or section.pages
    return Chunk(
        doc_id=info.doc_id,
        text=text,
        embed_text=embed_text,
        kind=kind,  # type: ignore[arg-type]
        pages=pages,
        section=" > ".join(section.headings),
        goals=list(section.goals),
        unit=section.unit,
        content_hash=content_hash(text),
        assessment=section.assessment,
        ocr=not set(pages).isdisjoint(info.ocr_pages),
    )
