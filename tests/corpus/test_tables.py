"""Tables rebuilt from PDF positions keep every value under its column header."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from indexer.models import Block
from indexer.reading.extract import read_document
from indexer.structure.sections import document_blocks

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@cache
def blocks(name: str) -> tuple[Block, ...]:
    return tuple(document_blocks(read_document(CORPUS / name)))


def row(name: str, first_cell: str) -> tuple[dict[str, str], str | None, list[int]]:
    """The row starting with `first_cell`: {header: value}, its note, the table's pages."""
    for block in blocks(name):
        table = block.table
        if table is None:
            continue
        for index in range(table.header_rows, len(table.rows)):
            cells = table.rows[index]
            if cells[0].startswith(first_cell):
                header = [" ".join(h.split()) for h in table.header]
                return dict(zip(header, cells, strict=False)), table.notes.get(index), block.pages
    raise AssertionError(f"no row {first_cell!r} in {name}")


def test_plan_indicator_row_keeps_its_headers() -> None:
    values, _, _ = row(
        "hasselby-vallingby_2021_verksamhetsplan.pdf", "Andel barn som lever i familjer"
    )
    assert values["Årsmål"] == "3,2 %"
    assert values["KF:s årsmål"] == "2,7 %"
    assert values["Periodicitet"] == "Tertial"


def test_follow_up_row_keeps_empty_cells_in_place() -> None:
    values, _, _ = row(
        "hasselby-vallingby_2021_tertialrapport-1.pdf", "Andel barn som lever i familjer"
    )
    assert values["Periodens utfall"] == "2,9 %"
    assert values["Utfall män/ pojkar"] == ""
    assert values["Periodens utfall VB 2020"] == "3,1 %"
    assert values["Prognos helår"] == "2,9 %"
    assert values["Årsmål"] == "3,2 %"
    assert values["KF:s årsmål"] == "2,7 %"
    assert values["Period"] == "Tertial 1 2021"


def test_analysis_row_is_attached_to_its_indicator() -> None:
    _, note, _ = row(
        "hasselby-vallingby_2021_tertialrapport-1.pdf",
        "Andel av personalkostnader inom socialtjänstens myndighetsutövning",
    )
    assert note is not None and note.startswith("Analys Förvaltningen har på grund av vakanser")


def test_row_broken_by_a_page_end_is_joined() -> None:
    values, _, _ = row(
        "hasselby-vallingby_2021_tertialrapport-1.pdf", "Andel kvinnor och män som har fått"
    )
    assert values["Indikator"].endswith("ett personligt erbjudande om samhällsvägledning")
    assert values["Utfall män/ pojkar"] == "100 %"


def test_analysis_note_continues_over_a_page_break() -> None:
    _, note, pages = row(
        "hasselby-vallingby_2021_tertialrapport-1.pdf", "Andel avhysningar som kunnat avvärjas"
    )
    assert note is not None
    assert "Av sju meddelanden om planerad avhysning har en avvärjts." in note
    assert pages[:2] == [20, 21]


def test_small_count_table_has_its_year_columns() -> None:
    values, _, _ = row(
        "kungsholmen_2024_verksamhetsberattelse-socialtjanst.pdf", "Beroende/Missbruk"
    )
    assert values == {"Antal ärenden": "Beroende/Missbruk", "2023": "145", "2024": "160"}
