"""Commitment records of the real index over the bundled corpus, linked across years."""

from __future__ import annotations

import pytest

from indexer.commitments.records import Record
from service.settings import Settings
from tests.support.corpora import T1, VP21, VP24

CHILDREN = "Andel barn som lever i familjer som har ekonomiskt bistånd"


def texts(record: Record) -> dict[str, str]:
    return {field: value.text for field, value in record.values.items()}


@pytest.mark.slow
def test_children_in_welfare_families_is_one_series_with_each_years_targets(
    real_index: Settings,
) -> None:
    from service.commitments.index import build_commitment_index
    from service.search.snapshot import load_snapshot

    snapshot = load_snapshot(real_index.index_dir)
    index = build_commitment_index(snapshot, real_index.tuning.commitments)
    group = next(
        g
        for g in index.indicators
        if any(index.records[i.rows[0]].name == CHILDREN for i in g.items)
        and index.records[g.items[0].rows[0]].district == "Hässelby-Vällingby"
    )
    series = [index.records[row] for row, _ in index.rows(group)]
    assert [(r.doc_id, r.year) for r in series] == [(VP21, 2021), (T1, 2021), (VP24, 2024)]
    assert texts(series[0]) == {"target": "3,2 %", "kf_target": "2,7 %"}
    assert texts(series[1])["outcome"] == "2,9 %"
    assert texts(series[1])["target"] == "3,2 %" and texts(series[1])["forecast"] == "2,9 %"
    assert texts(series[2]) == {"target": "2,7 %", "kf_target": "2,7 %"}
