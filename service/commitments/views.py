"""Linked commitments as JSON: indicator series, goals side by side, budget lines over reports.

Every entry carries its source (report, page, a link that opens the PDF at that page, heading
path and goal) so each cell of a comparison table can point at where it was read.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from indexer.commitments.records import INDICATOR_FIELDS, Record
from indexer.commitments.values import Value
from indexer.models import DocumentInfo, Goal
from service.answers.passages import DOC_TYPE_NAMES
from service.commitments.index import CommitmentIndex, Found, Linked, budget_table_type

Documents = dict[str, DocumentInfo]


def value_json(value: Value | None) -> dict[str, Any] | None:
    return value.as_dict() if value is not None else None


def goal_json(goal: Goal | None) -> dict[str, Any] | None:
    return {"number": goal.number, "title": goal.title, "level": goal.level} if goal else None


def report_label(record: Record) -> str:
    """'Verksamhetsplan 2021', 'Tertialrapport 1 2021'."""
    name = DOC_TYPE_NAMES.get(record.doc_type or "", record.doc_type or "Rapport")
    return f"{name} {record.year or ''}".strip()


def source_json(record: Record, documents: Documents) -> dict[str, Any]:
    """Where a record was read: report, page(s), a link to the page, headings and goal."""
    doc = documents.get(record.doc_id)
    name = doc.name if doc else record.doc_id
    pdf = name.lower().endswith(".pdf")
    return {
        "year": record.year,
        "document": name,
        "doc_id": record.doc_id,
        "doc_type": record.doc_type,
        "report": report_label(record),
        "unit": record.unit,
        "page": record.page,
        "pages": record.pages,
        "url": f"/api/documents/{record.doc_id}/pdf"
        + (f"#page={record.page}" if record.page else "")
        if pdf
        else None,
        "section": record.section,
        "goal": goal_json(record.goal),
    }


def indicator_figures(record: Record) -> dict[str, Any]:
    """An indicator row's figures, period, column labels and analysis."""
    return {
        "name": record.name,
        "period": record.period,
        **{field: value_json(record.values.get(field)) for field in INDICATOR_FIELDS},
        "previous_label": record.labels.get("previous"),
        "labels": record.labels,
        "analysis": record.analysis,
    }


def indicator_json(index: CommitmentIndex, found: Found, documents: Documents) -> dict[str, Any]:
    """One indicator with its series over the reports, oldest first."""
    group = found.group
    series = [
        {
            **source_json(index.records[row], documents),
            **indicator_figures(index.records[row]),
            "match_score": _score(score),
        }
        for row, score in index.rows(group)
    ]
    latest = index.latest(group)
    return {
        "id": group.id,
        "name": latest.name,
        "names": list(dict.fromkeys(entry["name"] for entry in series)),
        "district": latest.district,
        "unit": latest.unit,
        "measure": _measure([index.records[row] for row, _ in index.rows(group)]),
        "score": found.score,
        "series": series,
    }


def goal_group_json(index: CommitmentIndex, found: Found, documents: Documents) -> dict[str, Any]:
    """One goal as written in each report, with what each report put under it, oldest first."""
    group = found.group
    latest = index.latest(group)
    return {
        "id": group.id,
        "title": latest.name,
        "level": latest.level,
        "district": latest.district,
        "unit": latest.unit,
        "score": found.score,
        "years": [_goal_entry(index, row, score, documents) for row, score in index.rows(group)],
    }


def _goal_entry(
    index: CommitmentIndex, row: int, score: float | None, documents: Documents
) -> dict[str, Any]:
    record = index.records[row]
    children = [index.records[r] for r in index.children(row)]
    indicators = []
    for child_row in index.children(row):
        child = index.records[child_row]
        if child.kind == "indicator":
            series = index.indicator_of_row.get(child_row)
            indicators.append(
                {
                    **indicator_figures(child),
                    "page": child.page,
                    "series_id": series.id if series else None,
                }
            )
    return {
        **source_json(record, documents),
        "number": record.number,
        "title": record.name,
        "level": record.level,
        "path": [goal_json(g) for g in record.goals],
        "match_score": _score(score),
        "assessment": record.assessment,
        "analysis": record.analysis,
        "expected_results": [
            {"text": c.name, "page": c.page} for c in children if c.kind == "expected_result"
        ],
        "activities": [
            {
                "name": c.name,
                "start": c.start,
                "end": c.end,
                "deviation": c.deviation,
                "analysis": c.analysis,
                "page": c.page,
            }
            for c in children
            if c.kind == "activity"
        ],
        "indicators": indicators,
    }


def budget_json(index: CommitmentIndex, found: Found, documents: Documents) -> dict[str, Any]:
    """One budget line in each report that has it, oldest first."""
    group = found.group
    latest = index.latest(group)
    return {
        "id": group.id,
        "name": latest.name,
        "parent": latest.parent,
        "table_type": budget_table_type(latest),
        "district": latest.district,
        "score": found.score,
        "entries": [_budget_entry(r, documents) for r in _distinct(group_records(index, group))],
    }


def _budget_entry(record: Record, documents: Documents) -> dict[str, Any]:
    return {
        **source_json(record, documents),
        "name": record.name,
        "table": record.table,
        "parent": record.parent,
        "values": {field: value.as_dict() for field, value in record.values.items()},
        "labels": record.labels,
    }


def _distinct(records: list[Record]) -> list[Record]:
    """One entry per report and set of figures (a plan repeats a line in its summary table)."""
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    out = []
    for record in records:
        key = (record.doc_id, tuple(sorted((k, v.text) for k, v in record.values.items())))
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out


def _measure(records: list[Record]) -> str | None:
    """The unit most of the series' figures are given in ('%', 'st'), if any."""
    units = Counter(v.unit for r in records for v in r.values.values() if v.unit)
    return units.most_common(1)[0][0] if units else None


def _score(score: float | None) -> float | None:
    return round(score, 4) if score is not None else None


def group_records(index: CommitmentIndex, group: Linked) -> list[Record]:
    """The group's records, oldest report first."""
    return [index.records[row] for row, _ in index.rows(group)]
