"""Commitment records from the bundled reports, the table repairs behind them, and linking."""

from __future__ import annotations

import json

import numpy as np
import pytest

from eval.commitments_eval import check_goal, check_indicator, read_records
from indexer.commitments.extract import goal_path
from indexer.commitments.records import Record, record_from_dict
from indexer.commitments.tables import TableContext, table_records
from indexer.models import Goal, Section, Table
from service.commitments.linking import items_of, link
from service.settings import LinkParams
from tests.support.corpora import REPO, T1, VB24, VP21, VP24

CHILDREN = "Andel barn som lever i familjer som har ekonomiskt bistånd"

Records = dict[str, list[Record]]


@pytest.fixture(scope="module")
def records() -> Records:
    return read_records(REPO / "corpus")


def find(records: Records, doc: str, kind: str, name: str, unit: str | None = None) -> Record:
    found = [r for r in records[doc] if r.kind == kind and r.name == name and r.unit == unit]
    assert found, f"no {kind} {name!r} in {doc}"
    return found[0]


def texts(record: Record) -> dict[str, str]:
    return {field: value.text for field, value in record.values.items()}


# ------------------------------------------------------------------ each record type


def test_follow_up_goal_has_number_level_assessment_and_analysis(records: Records) -> None:
    goal = find(
        records,
        T1,
        "goal",
        "I Stockholm får människor i behov av stöd insatser i tid präglade av hög kvalitet, "
        "evidens och rättssäkerhet",
    )
    assert (goal.number, goal.level, goal.year) == ("1.4", "verksamhetsomradesmal", 2021)
    assert goal.district == "Hässelby-Vällingby" and goal.doc_type == "tertialrapport-1"
    assert goal.assessment == "Uppfylls delvis"
    assert goal.analysis and "delvis" in goal.analysis
    assert goal.page == 16


def test_inriktningsmal_assessment_is_read_from_the_judgement(records: Records) -> None:
    goal = find(records, T1, "goal", "En modern storstad med möjligheter och valfrihet för alla")
    assert goal.assessment == "Uppfylls helt"
    assert goal.analysis and goal.analysis.startswith("Bedömningen är att")


def test_unit_goal_in_an_annual_report(records: Records) -> None:
    goal = find(
        records,
        VB24,
        "goal",
        "Vuxenenhetens verksamhet bedrivs inom given budgetram",
        "Vuxenenheten",
    )
    assert goal.level == "enhetsmal" and goal.number is None
    assert goal.assessment == "Uppfylls inte"
    assert [g.number for g in goal.goals[:-1]] == ["3", "3.1", "3.1.1"]


def test_agenda_2030_headings_do_not_break_the_goal_path(records: Records) -> None:
    goal = find(records, VP21, "goal", "Flickor och pojkar utvecklas och lär i en trygg förskola")
    assert [g.number for g in goal.goals] == ["1", "1.3", "1.3.1"]
    assert not [r for r in records[VP21] if r.kind == "goal" and r.number in ("4", "4.2")]


def test_expected_results_under_their_goal(records: Records) -> None:
    result = find(
        records,
        T1,
        "expected_result",
        "Unga vuxna 18-24 år har en egen försörjning genom arbete eller studier",
    )
    assert result.goal is not None and result.goal.number == "1.1.1"
    assert result.page == 9


def test_activity_with_dates_and_analysis(records: Records) -> None:
    activity = find(
        records, VB24, "activity", "Checklisten för anhörigstöd skall revideras", "Vuxenenheten"
    )
    assert (activity.start, activity.end) == ("2024-01-01", "2024-08-31")
    assert activity.analysis and activity.analysis.startswith("Enheten har en jourtelefon")


def test_activity_rows_without_a_header_are_still_activities(records: Records) -> None:
    names = {r.name for r in records[VB24] if r.kind == "activity"}
    assert "Aktivitetsgruppen planerar hälsofrämjande aktiviteter" in names
    assert not any(set(n) <= set("- ") for n in names)


def test_indicator_in_a_plan(records: Records) -> None:
    row = find(records, VP21, "indicator", CHILDREN)
    assert texts(row) == {"target": "3,2 %", "kf_target": "2,7 %"}
    assert row.values["target"].number == 3.2 and row.values["target"].unit == "%"
    assert row.period == "Tertial" and row.page == 10
    assert row.labels["kf_target"] == "KF:s årsmål"


def test_indicator_in_a_follow_up_with_gender_split_and_analysis(records: Records) -> None:
    row = find(records, T1, "indicator", "Antal ungdomar som fått feriejobb i stadens regi")
    assert texts(row) == {
        "outcome": "548 st",
        "outcome_men": "274 st",
        "outcome_women": "274 st",
        "previous": "743 st",
        "forecast": "950",
        "target": "950 st",
        "kf_target": "9 000 st",
    }
    assert row.labels["previous"] == "Periodens utfall VB 2020"
    assert row.period == "Tertial 1 2021"
    assert row.analysis and row.analysis.startswith("Feriejobben har matchas")


def test_row_pushed_right_by_a_status_mark_is_put_back(records: Records) -> None:
    row = find(records, VB24, "indicator", "Sjukfrånvaro dag 1-14", "Vuxenenheten")
    assert texts(row) == {
        "outcome": "1,5 %",
        "outcome_men": "1,2 %",
        "outcome_women": "1,7 %",
        "previous": "1,4 %",
        "target": "2 %",
        "kf_target": "Tas fram av nämnd/styrelse",
    }
    assert row.period == "VB 2024"


def test_budget_lines_with_sub_lines(records: Records) -> None:
    line = next(
        r for r in records[VP24] if r.kind == "budget" and r.name == "Individ- och familjeomsorg"
    )
    numbers = {k: v.number for k, v in line.values.items()}
    assert numbers == {
        "costs": 371.4,
        "income": -28.4,
        "net": 343.0,
        "previous_net": 313.3,
        "forecast": 320.3,
        "outcome": 291.8,
    }
    assert line.labels["net"] == "VP 2024 Netto" and line.table == "Budget 2024 (mnkr)"
    sub = find(records, VP24, "budget", "varav barn och ungdom")
    assert sub.parent == "Individ- och familjeomsorg" and sub.values["net"].number == 219.3


def test_sub_lines_written_inside_the_parent_cell_are_split(records: Records) -> None:
    line = find(records, VP21, "budget", "varav vuxna")
    assert line.parent == "Individ- och familjeomsorg"
    assert {k: v.text for k, v in line.values.items()} == {
        "costs": "56,6",
        "income": "-7,4",
        "net": "49,2",
        "previous_net": "40,7",
        "forecast": "39,7",
    }
    total = find(records, VP21, "budget", "Total drift")
    assert total.values["net"].number == 2013.4


def test_follow_up_budget_columns(records: Records) -> None:
    total = [
        r for r in records[T1] if r.kind == "budget" and r.name == "Totalt" and r.table == "Mnkr"
    ]
    assert total and total[0].values["forecast_after_transfers"].text == "2 017,9"
    assert total[0].values["deviation"].number == 11.0


def test_records_round_trip_through_json(records: Records) -> None:
    for record in records[T1][:50]:
        data = json.loads(json.dumps(record.as_dict(), ensure_ascii=False))
        assert record_from_dict(data) == record


def test_hand_checked_rows_and_goals_are_extracted(records: Records) -> None:
    gold = json.loads((REPO / "eval" / "commitments_gold.json").read_text(encoding="utf-8"))
    assert len(gold["indicators"]) >= 40 and len(gold["goals"]) >= 15
    rows = [check_indicator(g, records) for g in gold["indicators"]]
    goals = [check_goal(g, records) for g in gold["goals"]]
    assert sum(r.right for r in rows) / len(rows) >= 0.95, [r for r in rows if not r.right]
    assert sum(g.right for g in goals) / len(goals) >= 0.95, [g for g in goals if not g.right]


# ------------------------------------------------------------------ table repairs, by hand

FOLLOW_UP = [
    "Indikator",
    "Periodens utfall",
    "Utfall män/ pojkar",
    "Utfall kvinnor/ flickor",
    "Utfall VB 2023",
    "Årsmål",
    "KF:s årsmål",
    "Period",
]


def rows_of(table: Table, context: TableContext | None = None) -> list[Record]:
    section = Section(headings=["Mål"], goals=[], unit=None, blocks=[])

    def make(kind: str, name: str, pages: list[int], **fields: object) -> Record:
        return Record(
            kind=kind,  # type: ignore[arg-type]
            doc_id="d",
            name=name,
            pages=pages,
            section=" > ".join(section.headings),
            goals=[],
            unit=None,
            year=2024,
            district=None,
            doc_type=None,
            **fields,  # type: ignore[arg-type]
        )

    return table_records(table, context or TableContext(year=2024), make)


def test_headers_broken_inside_words_are_understood() -> None:
    header = [
        "Indikator",
        "Perio dens utfall VB 2020",
        "Progno s helår",
        "Arsmål",
        "KF:s årsmål",
        "Period",
    ]
    table = Table(rows=[header, ["X", "1 %", "2 %", "3 %", "4 %", "2021"]], row_pages=[1, 1])
    (row,) = rows_of(table)
    assert texts(row) == {"previous": "1 %", "forecast": "2 %", "target": "3 %", "kf_target": "4 %"}


def test_row_drawn_one_column_right_with_target_and_period_in_one_cell() -> None:
    table = Table(
        rows=[
            FOLLOW_UP,
            [
                "",
                "Andel X",
                "72",
                "70,65 %",
                "73,49 %",
                "83,61",
                "72 %",
                "Tas fram av nämnd VB 2024",
            ],
        ],
        row_pages=[1, 1],
    )
    (row,) = rows_of(table)
    assert row.name == "Andel X" and row.period == "VB 2024"
    assert texts(row)["outcome"] == "72" and texts(row)["kf_target"] == "Tas fram av nämnd"


def test_row_with_only_name_and_outcome_pushed_right() -> None:
    table = Table(
        rows=[FOLLOW_UP, ["", "Andel Y", "66,67", "", "75", "75 %", "75 %", "VB 2024"]],
        row_pages=[1, 1],
    )
    (row,) = rows_of(table)
    assert texts(row) == {
        "outcome": "66,67",
        "previous": "75",
        "target": "75 %",
        "kf_target": "75 %",
    }


def test_bold_indicator_row_taken_for_a_header_continues_the_last_table() -> None:
    context = TableContext(year=2024)
    rows_of(
        Table(rows=[FOLLOW_UP, ["A", "1", "", "", "2", "3", "4", "2024"]], row_pages=[1, 1]),
        context,
    )
    table = Table(
        rows=[
            [
                "Sjukfrånvaro",
                "9,3 %",
                "2,6 %",
                "13,3 %",
                "7,5 %",
                "10 %",
                "Tas fram av nämnd",
                "VB 2024",
            ]
        ],
        header_rows=1,
        row_pages=[2],
        leading=["Analys", "Högre bland kvinnor."],
    )
    (row,) = rows_of(table, context)
    assert row.name == "Sjukfrånvaro" and row.values["outcome"].number == 9.3
    assert row.analysis == "Högre bland kvinnor."


def test_goal_path_follows_the_goal_headings_when_the_tracker_lost_them() -> None:
    one = Goal("inriktningsmal", "1", "Ett")
    stray = Goal("inriktningsmal", "4", "God utbildning för alla")
    section = Section(
        headings=[
            "KF:s inriktningsmål: 1. Ett",
            "KF:s mål för verksamhetsområdet: 1.3 Barn",
            "4 God utbildning för alla",
        ],
        goals=[stray],
        unit=None,
        blocks=[],
    )
    assert [g.number for g in goal_path(section)] == ["1", "1.3"]
    fine = Section(headings=["KF:s inriktningsmål: 1. Ett"], goals=[one], unit=None, blocks=[])
    assert goal_path(fine) == [one]


# ------------------------------------------------------------------ linking, with made-up vectors


def test_linking_joins_equal_names_and_close_vectors_never_two_from_one_report() -> None:
    def record(doc: str, name: str) -> Record:
        return Record("indicator", doc, name, [1], "", [], None, 2021, "D", None)

    records = [
        record("a", "Budgetföljsamhet före"),
        record("a", "Budgetföljsamhet efter"),
        record("b", "Budgetföljsamhet före"),
        record("b", "Budgetföljsamhet efter"),
        record("c", "Köpt energi"),
        record("d", "Totalt köpt energi"),
    ]
    vectors = np.array(
        [[1, 0, 0], [0.99, 0.14, 0], [1, 0, 0], [0.99, 0.14, 0], [0, 1, 0], [0, 0.96, 0.28]]
    )
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    items = items_of(records, range(len(records)), lambda r: r.district)
    groups = link(items, vectors, LinkParams(threshold=0.95))
    names = sorted(sorted(item.name for item in g.items) for g in groups)
    assert names == [
        ["Budgetföljsamhet efter", "Budgetföljsamhet efter"],
        ["Budgetföljsamhet före", "Budgetföljsamhet före"],
        ["Köpt energi", "Totalt köpt energi"],
    ]
    energy = next(g for g in groups if g.items[0].name.endswith("energi"))
    assert all(s is not None and 0.95 <= s < 1.0 for s in energy.scores)
