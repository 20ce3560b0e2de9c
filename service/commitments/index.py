"""Commitments across reports: indicator series, goals side by side and budget lines over years.

A `CommitmentIndex` is built once per index build, when the build is loaded
(`service.search.loaded`), from its records (see `indexer.commitments.extract`): indicators and
goals are linked across reports (`service.commitments.linking`), budget lines are grouped by
name. Searching it ranks the linked groups by how well their names meet the query, by meaning
(the query embedding against the name embeddings) and by words (stems and compound parts shared
with the name).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from indexer.commitments.records import Record, RecordKind
from indexer.labels import DOC_TYPE_ORDER
from indexer.lexical.analysis import Analyzer, build_vocabulary
from indexer.models import Goal
from indexer.structure.metadata import fold
from service.commitments.linking import Group, Item, items_of, link
from service.search.snapshot import Snapshot
from service.settings import CommitmentParams, LinkParams

GENERIC_BUDGET_NAMES = {"summa", "totalt", "ovrigt", "administration", "netto"}

GoalId = tuple[str, str | None, str]


@dataclass
class Linked:
    """Records that are one indicator, goal or budget line in several reports."""

    id: str
    kind: RecordKind
    items: list[Item]
    scores: list[float | None]


@dataclass
class Found:
    """A group that meets a query, with its relevance (None when listing without a query)."""

    group: Linked
    score: float | None


class CommitmentIndex:
    """Linked indicators, goals and budget lines of one index build."""

    def __init__(
        self,
        records: list[Record],
        vectors: np.ndarray,
        order: dict[str, tuple[int, int]],
        params: CommitmentParams | None = None,
    ) -> None:
        self.records = records
        self.order = order
        self.params = params or CommitmentParams()
        self.vectors = vectors if vectors.shape[0] == len(records) else np.zeros((len(records), 0))
        self.analyzer = Analyzer(build_vocabulary(r.name for r in records))
        self.terms = [frozenset(self.analyzer.terms(r.name)) for r in records]
        self.goal_vectors = goal_vectors(records, self.vectors, self.params.goal_context)
        self.indicators = self._linked(
            "indicator", unit_partition, self.vectors, self.params.indicator_linking
        )
        self.goals = self._linked(
            "goal", goal_partition, self.goal_vectors, self.params.goal_linking
        )
        self.budget = self._budget_groups()
        self.indicator_of_row = {
            row: group for group in self.indicators for item in group.items for row in item.rows
        }
        self._children = _children_by_goal(records)

    def _linked(
        self,
        kind: RecordKind,
        partition: Callable[[Record], Hashable],
        vectors: np.ndarray,
        params: LinkParams,
    ) -> list[Linked]:
        rows = [i for i, r in enumerate(self.records) if r.kind == kind]
        if not vectors.shape[1]:
            params = LinkParams(threshold=1.0)
        groups = link(items_of(self.records, rows, partition), vectors, params, self.analyzer)
        return [_named(kind, group) for group in groups]

    def _budget_groups(self) -> list[Linked]:
        groups: dict[Hashable, list[int]] = {}
        for row, record in enumerate(self.records):
            if record.kind == "budget":
                groups.setdefault(budget_key(record), []).append(row)
        out = []
        for key, rows in groups.items():
            items = [
                Item([r], self.records[r].doc_id, key, str(key), self.records[r].name) for r in rows
            ]
            out.append(_named("budget", Group(items=items, scores=[None] * len(items))))
        return out

    # ------------------------------------------------------------------ reading groups

    def rows(self, group: Linked) -> list[tuple[int, float | None]]:
        """(first record row, match score) per report in the group, oldest report first."""
        pairs = [
            (item.rows[0], score) for item, score in zip(group.items, group.scores, strict=True)
        ]
        return sorted(pairs, key=lambda pair: self.period(self.records[pair[0]]))

    def period(self, record: Record) -> tuple[int, int]:
        return self.order.get(record.doc_id, (record.year or 0, 9))

    def children(self, goal_row: int) -> list[int]:
        """Rows of the expected results, activities and indicators directly under a goal."""
        goal = self.records[goal_row]
        return self._children.get((goal.doc_id, goal.unit, _path_id(goal.goals)), [])

    # ------------------------------------------------------------------ search

    def search(
        self,
        kind: RecordKind,
        query: str | None,
        query_vector: np.ndarray | None,
        district: str | None = None,
        year: int | None = None,
        limit: int = 20,
        unit: str | None = None,
    ) -> list[Found]:
        """Groups of one kind ranked by relevance to the query (listed by name without one)."""
        groups = {"indicator": self.indicators, "goal": self.goals}.get(kind, self.budget)
        kept = [g for g in groups if self._within(g, district, year, unit)]
        if not query:
            kept.sort(key=lambda g: fold(self.latest(g).name))
            return [Found(g, None) for g in kept[:limit]]
        matrices = [self.vectors, self.goal_vectors] if kind == "goal" else [self.vectors]
        terms = frozenset(self.analyzer.terms(query))
        scored = [Found(g, self.relevance(g, terms, query_vector, matrices)) for g in kept]
        floor: float = getattr(self.params.min_relevance, kind)
        scored = [f for f in scored if (f.score or 0.0) >= floor]
        scored.sort(key=lambda f: -(f.score or 0.0))
        if scored:
            top = scored[0].score or 0.0
            scored = [f for f in scored if (f.score or 0.0) >= top - self.params.keep_within]
        return [Found(f.group, round(f.score or 0.0, 4)) for f in scored[:limit]]

    def relevance(
        self,
        group: Linked,
        terms: frozenset[str],
        query_vector: np.ndarray | None,
        matrices: Sequence[np.ndarray],
    ) -> float:
        """Best over the group's names of cosine to the query and share of its words found,
        weighted 1 : `word_weight` and scaled to 0..1."""
        weight = self.params.word_weight
        best = 0.0
        for item in group.items:
            row = item.rows[0]
            dense = 0.0
            if query_vector is not None:
                dense = max(float(m[row] @ query_vector) for m in matrices if m.shape[1])
            words = len(terms & self.terms[row]) / len(terms) if terms else 0.0
            best = max(best, (dense + weight * words) / (1 + weight))
        return best

    def latest(self, group: Linked) -> Record:
        """The group's record from the newest report."""
        return self.records[self.rows(group)[-1][0]]

    def _within(
        self, group: Linked, district: str | None, year: int | None, unit: str | None
    ) -> bool:
        records = [self.records[item.rows[0]] for item in group.items]
        if district and not any(fold(r.district or "") == fold(district) for r in records):
            return False
        if unit and not any(fold(r.unit or "") == fold(unit) for r in records):
            return False
        return year is None or any(r.year == year for r in records)


def _named(kind: RecordKind, group: Group) -> Linked:
    """A group with an id that stays the same while its members do."""
    keys = sorted(f"{item.doc_id}/{item.key}/{item.partition}" for item in group.items)
    digest = hashlib.sha1("|".join(keys).encode("utf-8")).hexdigest()[:12]
    return Linked(id=f"{kind[:3]}-{digest}", kind=kind, items=group.items, scores=group.scores)


def unit_partition(record: Record) -> Hashable:
    """Indicators link within a district and unit."""
    return (fold(record.district or ""), fold(record.unit or ""))


def goal_partition(record: Record) -> Hashable:
    """Goals link within a district, unit and goal level."""
    return (fold(record.district or ""), fold(record.unit or ""), record.level)


def _goal_id(goal: Goal) -> GoalId:
    return (goal.level, goal.number, goal.title)


def _path_id(goals: list[Goal]) -> tuple[GoalId, ...]:
    return tuple(_goal_id(g) for g in goals)


def _children_by_goal(
    records: list[Record],
) -> dict[tuple[str, str | None, tuple[GoalId, ...]], list[int]]:
    out: dict[tuple[str, str | None, tuple[GoalId, ...]], list[int]] = {}
    for row, record in enumerate(records):
        if record.kind in ("expected_result", "activity", "indicator") and record.goals:
            out.setdefault((record.doc_id, record.unit, _path_id(record.goals)), []).append(row)
    return out


def budget_table_type(record: Record) -> str:
    """'omslutning' (volume changes), 'budgetjustering' (requested adjustments) or 'drift'
    (budget, net, forecast and outcome of operations), from the table's first header."""
    table = fold(record.table or "")
    if "omslutning" in table or "okade kostnader" in table:
        return "omslutning"
    if "justering" in table:
        return "budgetjustering"
    return "drift"


def budget_key(record: Record) -> Hashable:
    """Budget lines are one line when district, kind of table, parent line and name agree.

    Generic names ("Summa", "Totalt", "Övrigt") also need the heading and table they stand in.
    """
    name = fold(record.name)
    key: tuple[str, ...] = (
        fold(record.district or ""),
        budget_table_type(record),
        fold(record.parent or ""),
        name,
    )
    if name.split(" ")[0] in GENERIC_BUDGET_NAMES:
        heading = record.section.split(" > ")[-1] if record.section else ""
        key = (*key, fold(heading), fold(record.table or ""))
    return key


def goal_vectors(records: list[Record], vectors: np.ndarray, context: float) -> np.ndarray:
    """Goal rows get their title's vector plus `context` times the mean vector of the indicators
    under the goal (what a goal is measured by says what it is about); other rows stay as they are.
    """
    out = np.array(vectors, dtype=np.float32, copy=True)
    if not context or not vectors.shape[1]:
        return out
    under: dict[tuple[str, str | None, tuple[GoalId, ...]], list[int]] = {}
    for row, record in enumerate(records):
        if record.kind == "indicator":
            for depth in range(1, len(record.goals) + 1):
                key = (record.doc_id, record.unit, _path_id(record.goals[:depth]))
                under.setdefault(key, []).append(row)
    for row, record in enumerate(records):
        rows = under.get((record.doc_id, record.unit, _path_id(record.goals)))
        if record.kind == "goal" and rows:
            mixed = vectors[row] + context * vectors[rows].mean(axis=0)
            out[row] = mixed / max(float(np.linalg.norm(mixed)), 1e-12)
    return out


def report_order(snapshot: Snapshot) -> dict[str, tuple[int, int]]:
    """doc_id -> (year, place of the report type in the year): plan, T1, T2, annual report."""
    return {
        doc.doc_id: (doc.year or 0, DOC_TYPE_ORDER.get(doc.doc_type or "", 9))
        for doc in snapshot.documents.values()
    }


def build_commitment_index(snapshot: Snapshot, params: CommitmentParams) -> CommitmentIndex:
    """The commitment index of a loaded build (made once per build, at load)."""
    records = snapshot.records
    return CommitmentIndex(records.items, records.vectors, report_order(snapshot), params)
