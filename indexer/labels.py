"""Report types: their codes, Swedish names and short names, in the order of a council year.

A year's reports come in this order: the plan, the two tertial follow-ups, the annual report.
The service, the web page (through `/api/facets`) and the chunk context lines all read them here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocTypeLabel:
    code: str
    name: str
    short: str
    covers: tuple[str, ...]
    """The report types a filter on `code` matches (itself, or both tertial reports)."""


DOC_TYPE_LABELS: tuple[DocTypeLabel, ...] = (
    DocTypeLabel("verksamhetsplan", "Verksamhetsplan", "VP", ("verksamhetsplan",)),
    DocTypeLabel("tertialrapport-1", "Tertialrapport 1", "T1", ("tertialrapport-1",)),
    DocTypeLabel("tertialrapport-2", "Tertialrapport 2", "T2", ("tertialrapport-2",)),
    DocTypeLabel("tertialrapport", "Tertialrapport", "T", ("tertialrapport-1", "tertialrapport-2")),
    DocTypeLabel(
        "verksamhetsberattelse", "Verksamhetsberättelse", "VB", ("verksamhetsberattelse",)
    ),
)
"""Every report type code in the canonical order, with the filter-only 'tertialrapport'."""

DOC_TYPES: tuple[str, ...] = tuple(t.code for t in DOC_TYPE_LABELS if t.covers == (t.code,))
"""The types a report can have (the plain 'tertialrapport' is a filter value only)."""
DOC_TYPE_FILTERS: tuple[str, ...] = tuple(t.code for t in DOC_TYPE_LABELS if t.covers != (t.code,))
"""Filter values that cover several report types."""
DOC_TYPE_ORDER: dict[str, int] = {code: place for place, code in enumerate(DOC_TYPES)}
"""Place of a report type in its year: plan 0, T1 1, T2 2, annual report 3."""
DOC_TYPE_NAMES: dict[str, str] = {t.code: t.name for t in DOC_TYPE_LABELS if t.code in DOC_TYPES}
"""Swedish name of each report type ('tertialrapport-1' -> 'Tertialrapport 1')."""
