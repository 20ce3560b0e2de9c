"""Tables a report's reader could not make sense of, for the reports library page.

A table is a problem when its header names commitment columns (targets, outcomes, dates) but
not in a way the column reader knows, or when it is an indicator, activity or budget table
and no row of it became a record. Either way the figures in it are searchable as text but
missing from indicator answers and from the comparison across years.
"""

from __future__ import annotations

from indexer.commitments.columns import (
    activity_columns,
    header_key,
    indicator_columns,
    table_kind,
)
from indexer.commitments.records import Record
from indexer.commitments.tables import TableContext, table_records
from indexer.models import Section, Table

COLUMN_WORDS = ("arsmal", "periodicitet", "startdatum", "slutdatum")
"""Header words (folded) that only commitment tables use ("Utfall" heads key-figure tables
too, which are not commitments)."""
ARTICLE = {"indicator": "an", "activity": "an", "budget": "a"}


def table_problems(sections: list[Section], year: int | None) -> list[str]:
    """One sentence per table whose columns were not recognised, naming its first page."""
    problems: list[str] = []
    context = TableContext(year=year)
    for section in sections:
        for block in section.blocks:
            table = block.table
            if block.kind != "table" or table is None or len(table.rows) <= table.header_rows:
                continue
            problem = _problem(table, context)
            if problem:
                page = table.row_pages[0] if table.row_pages else min(block.pages, default=0)
                problems.append(f"page {page}: {problem}")
    return list(dict.fromkeys(problems))


def _problem(table: Table, context: TableContext) -> str | None:
    header = table.header
    shown = " | ".join(h for h in header if h)[:120]
    kind = table_kind(header)
    records = table_records(table, context, _make)
    if kind is None:
        if records or not any(w in header_key(h) for h in header for w in COLUMN_WORDS):
            return None
        return f"a table headed '{shown}' whose columns were not recognised"
    if kind == "indicator" and len(indicator_columns(header)) < 2:
        return f"an indicator table headed '{shown}' with no target or outcome column recognised"
    if kind == "activity" and len(activity_columns(header)) < 2:
        return f"an activity table headed '{shown}' with no date column recognised"
    if not records:
        return f"{ARTICLE[kind]} {kind} table headed '{shown}' from which no row was read"
    return None


def _make(kind: str, name: str, pages: list[int], **fields: object) -> Record:
    return Record(
        kind=kind,  # type: ignore[arg-type]
        doc_id="",
        name=name,
        pages=pages,
        section="",
        goals=[],
        unit=None,
        year=None,
        district=None,
        doc_type=None,
    )
