"""A report's goal records as a tree: inriktningsmål > verksamhetsområdesmål > nämndmål > enhetsmål.

Goal records carry their whole goal path, so the tree is rebuilt from the paths alone: each
record hangs under the record whose path is its own minus the last step. A bundle repeats the
city's goals in every unit, so the path starts with the unit and each unit gets its own tree.
"""

from __future__ import annotations

from indexer.commitments.records import Record
from service.results import GoalNode

PathKey = tuple[object, ...]


def goal_tree(records: list[Record]) -> list[GoalNode]:
    """The roots (one per unit and top goal), children in report order."""
    nodes: dict[PathKey, GoalNode] = {}
    roots: list[GoalNode] = []
    for record in sorted((r for r in records if r.kind == "goal"), key=lambda r: r.ordinal):
        path = [(g.level, g.number, g.title if g.number is None else "") for g in record.goals]
        key: PathKey = (record.unit, *path)
        if not path or key in nodes:
            continue
        node = GoalNode(
            level=record.level or record.goals[-1].level,
            number=record.number,
            title=record.name,
            page=min(record.pages) if record.pages else None,
            assessment=record.assessment,
            unit=record.unit,
            children=[],
        )
        nodes[key] = node
        parent = nodes.get(key[:-1])
        (parent.children if parent is not None else roots).append(node)
    return roots
