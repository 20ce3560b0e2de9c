"""The same indicator or goal in several reports, found although its wording drifts.

Two records from different reports are candidates when they belong to the same district and
unit (and, for goals, the same level). Their match score is 1.0 when the names are equal once
case, accents and punctuation are ignored; otherwise a mix of the cosine of their name
embeddings and the overlap of their (stemmed, decompounded) words. Candidates at or above the
threshold are joined best first, and a group never takes two records from one report, so
"budgetföljsamhet före" and "budgetföljsamhet efter" (cosine 0.99) each keep their own series.
Thresholds (`Settings.tuning.commitments`) are measured on the bundled corpus: see
eval/results/linking.md.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from indexer.commitments.records import Record
from indexer.lexical.analysis import Analyzer
from indexer.structure.metadata import fold
from service.settings import LinkParams


def name_key(text: str) -> str:
    """Names compared without case, accents, punctuation or spacing differences."""
    return fold(text)


@dataclass
class Item:
    """One distinct name in one report (a name repeated in a report is one item)."""

    rows: list[int]
    doc_id: str
    partition: Hashable
    key: str
    name: str


@dataclass
class Group:
    """Linked items, with each item's best match score to another item of the group."""

    items: list[Item]
    scores: list[float | None]


def items_of(
    records: Sequence[Record], rows: Sequence[int], partition: Callable[[Record], Hashable]
) -> list[Item]:
    """Distinct (report, partition, name) items of the given record rows, in row order."""
    items: dict[tuple[str, Hashable, str], Item] = {}
    for row in rows:
        record = records[row]
        part = partition(record)
        key = name_key(record.name)
        found = items.get((record.doc_id, part, key))
        if found is None:
            items[(record.doc_id, part, key)] = Item([row], record.doc_id, part, key, record.name)
        else:
            found.rows.append(row)
    return list(items.values())


def link(
    items: list[Item], vectors: np.ndarray, params: LinkParams, analyzer: Analyzer | None = None
) -> list[Group]:
    """Groups of items that are the same thing in different reports.

    `vectors` has one row per record row (the items' `rows` index it).
    """
    pairs = _scored_pairs(items, vectors, params, analyzer)
    parent = list(range(len(items)))
    docs = [{item.doc_id} for item in items]
    best: list[float | None] = [None] * len(items)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for score, i, j in sorted(pairs, reverse=True):
        ri, rj = root(i), root(j)
        if ri == rj or docs[ri] & docs[rj]:
            continue
        parent[rj] = ri
        docs[ri] |= docs[rj]
        best[i] = max(best[i] or 0.0, score)
        best[j] = max(best[j] or 0.0, score)
    members: dict[int, list[int]] = {}
    for i in range(len(items)):
        members.setdefault(root(i), []).append(i)
    return [
        Group(items=[items[i] for i in group], scores=[best[i] for i in group])
        for group in members.values()
    ]


def _scored_pairs(
    items: list[Item], vectors: np.ndarray, params: LinkParams, analyzer: Analyzer | None
) -> list[tuple[float, int, int]]:
    """(score, i, j) for candidate pairs at or above the threshold."""
    by_part: dict[Hashable, list[int]] = {}
    for index, item in enumerate(items):
        by_part.setdefault(item.partition, []).append(index)
    terms = _term_sets(items, analyzer) if params.lexical_weight else None
    out: list[tuple[float, int, int]] = []
    for members in by_part.values():
        if len({items[i].doc_id for i in members}) < 2:
            continue
        block = vectors[[items[i].rows[0] for i in members]]
        cosine = block @ block.T
        for a, i in enumerate(members):
            for b in range(a + 1, len(members)):
                j = members[b]
                if items[i].doc_id == items[j].doc_id:
                    continue
                score = pair_score(items[i], items[j], float(cosine[a, b]), params, terms, (i, j))
                if score >= params.threshold:
                    out.append((score, i, j))
    return out


def pair_score(
    a: Item,
    b: Item,
    cosine: float,
    params: LinkParams,
    terms: list[frozenset[str]] | None = None,
    index: tuple[int, int] = (0, 0),
) -> float:
    """1.0 for equal names, else cosine mixed with word overlap (Dice) by `lexical_weight`."""
    if a.key == b.key:
        return 1.0
    if not terms or not params.lexical_weight:
        return cosine
    left, right = terms[index[0]], terms[index[1]]
    dice = 2 * len(left & right) / (len(left) + len(right)) if left or right else 0.0
    return (1 - params.lexical_weight) * cosine + params.lexical_weight * dice


def _term_sets(items: list[Item], analyzer: Analyzer | None) -> list[frozenset[str]]:
    analyzer = analyzer or Analyzer()
    return [frozenset(analyzer.terms(item.name)) for item in items]
