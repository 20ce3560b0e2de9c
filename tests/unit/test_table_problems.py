"""Tables whose columns were not read are named, with their page, for the library page."""

from __future__ import annotations

from indexer.commitments.problems import table_problem
from indexer.commitments.records import Record
from indexer.models import Block, Table


def _block(header: list[str], page: int = 7) -> Block:
    rows = [header, ["Andel nöjda brukare", "90 %", "År"]]
    return Block(
        kind="table", text="", pages=[page], table=Table(rows=rows, row_pages=[page, page])
    )


def _record() -> Record:
    return Record(
        kind="indicator",
        doc_id="d",
        name="Andel nöjda brukare",
        pages=[7],
        section="",
        goals=[],
        unit=None,
        year=2025,
        district=None,
        doc_type=None,
    )


def test_a_table_with_commitment_columns_under_an_unknown_first_column_is_named() -> None:
    problem = table_problem(_block(["Mått", "Årsmål 2025", "Periodicitet"]), [])
    assert problem == (
        "page 7: a table headed 'Mått | Årsmål 2025 | Periodicitet' whose columns were not "
        "recognised"
    )


def test_an_indicator_table_without_a_target_or_outcome_column_is_named() -> None:
    problem = table_problem(_block(["Indikator", "Kommentar", "Ansvar"]), [])
    assert problem is not None and "no target or outcome column" in problem


def test_a_table_read_into_records_or_without_commitment_words_is_not_a_problem() -> None:
    read = _block(["Indikator", "Årsmål", "Periodicitet"])
    assert table_problem(read, [_record()]) is None
    assert table_problem(_block(["Antal inskrivna barn", "Utfall 2021", "Utfall 2020"]), []) is None
    header_only = Block(
        kind="table", text="", pages=[3], table=Table(rows=[["Indikator", "Årsmål"]])
    )
    assert table_problem(header_only, []) is None
