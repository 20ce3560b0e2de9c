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
from indexer.models import Block

COLUMN_WORDS = ("arsmal", "periodicitet", "startdatum", "slutdatum")
"""Header words (folded) that only commitment tables use ("Utfall" heads key-figure tables
too, which are not commitments)."""
ARTICLE = {"indicator": "an", "activity": "an", "budget": "a"}


def table_problem(block: Block, records: list[Record]) -> str | None:
    """A sentence naming the table's first page when its columns were not recognised, given
    the records the extraction read from it; None for a table read well (or with no rows)."""
    table = block.table
    if table is None or len(table.rows) <= table.header_rows:
        return None
    problem = _problem(table.header, records)
    if problem is None:
        return None
    page = table.row_pages[0] if table.row_pages else min(block.pages, default=0)
    return f"page {page}: {problem}"


def _problem(header: list[str], records: list[Record]) -> str | None:
    shown = " | ".join(h for h in header if h)[:120]
    kind = table_kind(header)
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
