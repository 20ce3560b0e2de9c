"""Commitments as data: goals, expected results, activities, indicators and budget lines.

A record is one thing a report commits to or reports on, with where it stands: the document,
page(s), heading path, goal path and unit. Records are stored as JSON in the index, so they
round-trip through `as_dict` / `record_from_dict`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from indexer.commitments.values import Value
from indexer.models import Goal, GoalLevel

RecordKind = Literal["goal", "expected_result", "activity", "indicator", "budget"]
RECORD_KINDS: tuple[RecordKind, ...] = (
    "goal",
    "expected_result",
    "activity",
    "indicator",
    "budget",
)

INDICATOR_FIELDS = (
    "outcome",
    "outcome_men",
    "outcome_women",
    "previous",
    "forecast",
    "target",
    "kf_target",
)
"""Figures an indicator row can carry, in the order the follow-up reports print them."""

EMBEDDED_KINDS: tuple[RecordKind, ...] = ("indicator", "goal", "budget")
"""Kinds whose names are embedded at build time: indicators and goals are linked across years
by meaning, and all three are searched by meaning."""

BUDGET_FIELDS = (
    "budget",
    "costs",
    "income",
    "net",
    "previous_net",
    "adjustments",
    "volume_changes",
    "forecast",
    "forecast_after_transfers",
    "outcome",
    "deviation",
    "amount",
)
"""Figures of a budget line (mnkr); which ones a line has depends on its table."""


@dataclass
class Record:
    """One goal, expected result, activity, indicator row or budget line, with its source.

    `name` is the goal title, the expected result, the activity, the indicator or the budget
    line as written. `values` holds the figures by field (see INDICATOR_FIELDS and
    BUDGET_FIELDS) and `labels` the column header each came from ("Periodens utfall VB 2020").
    """

    kind: RecordKind
    doc_id: str
    name: str
    pages: list[int]
    section: str
    goals: list[Goal]
    unit: str | None
    year: int | None
    district: str | None
    doc_type: str | None
    ordinal: int = 0
    number: str | None = None
    level: GoalLevel | None = None
    assessment: str | None = None
    analysis: str | None = None
    values: dict[str, Value] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    period: str | None = None
    start: str | None = None
    end: str | None = None
    deviation: str | None = None
    table: str | None = None
    parent: str | None = None

    @property
    def page(self) -> int | None:
        return self.pages[0] if self.pages else None

    @property
    def goal(self) -> Goal | None:
        """The goal the record belongs to (for a goal record, the goal itself)."""
        return self.goals[-1] if self.goals else None

    @property
    def key(self) -> str:
        """A stable id: same document, kind, place and name give the same key."""
        path = "/".join(f"{g.number or ''}:{g.title}" for g in self.goals)
        raw = f"{self.doc_id}|{self.kind}|{self.unit or ''}|{path}|{self.name}|{self.ordinal}"
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "doc_id": self.doc_id,
            "name": self.name,
            "pages": self.pages,
            "section": self.section,
            "goals": [{"level": g.level, "number": g.number, "title": g.title} for g in self.goals],
            "unit": self.unit,
            "year": self.year,
            "district": self.district,
            "doc_type": self.doc_type,
            "ordinal": self.ordinal,
            "number": self.number,
            "level": self.level,
            "assessment": self.assessment,
            "analysis": self.analysis,
            "values": {k: v.as_dict() for k, v in self.values.items()},
            "labels": self.labels,
            "period": self.period,
            "start": self.start,
            "end": self.end,
            "deviation": self.deviation,
            "table": self.table,
            "parent": self.parent,
        }


def record_from_dict(data: dict[str, Any]) -> Record:
    """The inverse of `Record.as_dict`."""
    return Record(
        kind=data["kind"],
        doc_id=data["doc_id"],
        name=data["name"],
        pages=list(data.get("pages") or []),
        section=data.get("section") or "",
        goals=[Goal(**g) for g in data.get("goals") or []],
        unit=data.get("unit"),
        year=data.get("year"),
        district=data.get("district"),
        doc_type=data.get("doc_type"),
        ordinal=int(data.get("ordinal") or 0),
        number=data.get("number"),
        level=data.get("level"),
        assessment=data.get("assessment"),
        analysis=data.get("analysis"),
        values={k: Value.from_dict(v) for k, v in (data.get("values") or {}).items()},
        labels=dict(data.get("labels") or {}),
        period=data.get("period"),
        start=data.get("start"),
        end=data.get("end"),
        deviation=data.get("deviation"),
        table=data.get("table"),
        parent=data.get("parent"),
    )


def embed_text(record: Record) -> str | None:
    """What the model sees of a record, for the kinds linked by meaning (else None)."""
    return record.name if record.kind in EMBEDDED_KINDS else None


@dataclass
class RecordSet:
    """Records with one vector row each (zeros for kinds that are not embedded)."""

    items: list[Record]
    vectors: np.ndarray

    @staticmethod
    def empty(dimension: int = 0) -> RecordSet:
        return RecordSet(items=[], vectors=np.zeros((0, dimension), np.float32))
