"""Drawn tables: grids from ruling edges or page images, and tables rebuilt cell by cell."""

from __future__ import annotations

import numpy as np

from indexer.models import TextLine
from indexer.reading.layout import cell_text, grid_table_block
from indexer.reading.rulings import edge, grids_from_edges, image_grids, locate


def _ruled(columns: list[float], rows: list[float]) -> list[dict[str, object]]:
    edges = [edge("h", columns[0], columns[-1], y, y) for y in rows]
    edges += [edge("v", x, x, rows[0], rows[-1]) for x in columns]
    return edges


def test_a_ruled_grid_gives_its_rows_and_columns() -> None:
    grids = grids_from_edges(_ruled([50, 250, 350, 450], [100, 120, 160, 200]))
    assert len(grids) == 1
    grid = grids[0]
    assert (grid.rows, grid.columns) == (3, 3)
    cell = locate(grids, 300, 140)
    assert cell is not None and (cell.row, cell.column) == (1, 1)
    assert locate(grids, 300, 90) is None


def test_a_box_around_a_paragraph_is_not_a_table() -> None:
    assert grids_from_edges(_ruled([50, 450], [100, 200])) == []


def test_rules_printed_in_a_page_image_are_found() -> None:
    dark = np.zeros((400, 600), dtype=bool)
    for y in (50, 100, 200):
        dark[y : y + 2, 40:560] = True  # two-pixel rules, as a scan shows them
    for x in (40, 300, 559):
        dark[50:202, x : x + 2] = True
    dark[120:130, 60:70] = True  # a letter's worth of ink is no rule
    grids = image_grids(dark, points_per_pixel=0.5)
    assert len(grids) == 1
    assert (grids[0].rows, grids[0].columns) == (2, 2)
    assert abs(grids[0].x0 - 20) < 2 and abs(grids[0].bottom - 100) < 2


def _cell_line(text: str, row: int, column: int, y: float, bold: bool = False) -> TextLine:
    x = 60.0 + 100 * column
    return TextLine(text=text, x=x, y=y, size=8.0, bold=bold, cell=(0, row, column))


def test_a_drawn_table_keeps_empty_cells_and_its_header() -> None:
    lines = [
        _cell_line("Indikator", 0, 0, 700, bold=True),
        _cell_line("Årsmål", 0, 1, 700, bold=True),
        _cell_line("Periodicitet", 0, 2, 700, bold=True),
        _cell_line("Andel barnskötare med", 1, 0, 680),
        _cell_line("utbildning", 1, 0, 670),
        _cell_line("År", 1, 2, 680),
        _cell_line("Analys: färre än väntat.", 2, 0, 650),
    ]
    block = grid_table_block(lines, page=4, vocabulary=frozenset())
    table = block.table
    assert table is not None and table.header == ["Indikator", "Årsmål", "Periodicitet"]
    assert table.body == [["Andel barnskötare med utbildning", "", "År"]]
    assert table.notes == {1: "Analys: färre än väntat."}
    assert table.row_pages == [4, 4]


def test_words_a_narrow_column_broke_are_joined_from_the_documents_words() -> None:
    vocabulary = frozenset({"utfall", "kvinnor", "periodens", "för", "skola", "förskola"})
    assert cell_text(["Utfall kvinn or/", "flickor"], vocabulary) == "Utfall kvinnor/ flickor"
    assert cell_text(["Perio", "dens utfall"], vocabulary) == "Periodens utfall"
    assert cell_text(["för skola"], vocabulary) == "för skola"  # two words stay two words


def test_a_drawn_table_without_bold_takes_a_first_row_of_names_for_its_header() -> None:
    # OCR and plain producers give no weight: names make the header, values never do.
    lines = [
        _cell_line("Indikator", 0, 0, 700),
        _cell_line("Periodens utfall VB 2020", 0, 1, 700),
        _cell_line("Årsmål", 0, 2, 700),
        _cell_line("Andel barn", 1, 0, 680),
        _cell_line("2,9 %", 1, 1, 680),
        _cell_line("3,2 %", 1, 2, 680),
    ]
    table = grid_table_block(lines, page=2, vocabulary=frozenset()).table
    assert table is not None and table.header == ["Indikator", "Periodens utfall VB 2020", "Årsmål"]
    assert table.body == [["Andel barn", "2,9 %", "3,2 %"]]

    continued = [
        _cell_line("Antal platser", 0, 0, 700),
        _cell_line("713", 0, 1, 700),
        _cell_line("750 st", 0, 2, 700),
    ]
    table = grid_table_block(continued, page=3, vocabulary=frozenset()).table
    assert table is not None and table.header_rows == 0, "a row of values is a body row"
