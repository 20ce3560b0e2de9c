"""A page in two text columns is running text, not a table, wherever its columns start."""

from __future__ import annotations

from indexer.models import TextLine
from indexer.reading.layout import page_blocks

SENTENCE = "Förvaltningen har under året arbetat med föräldrastöd i grupp och"


def _column(x: float, texts: list[str], size: float = 10.5, bold: bool = False) -> list[TextLine]:
    return [
        TextLine(text=t, x=x, y=520.0 - 12.7 * n, size=size, bold=bold) for n, t in enumerate(texts)
    ]


def test_a_left_column_of_one_paragraph_beside_a_heading_is_text() -> None:
    left = _column(51, [SENTENCE] * 8)
    right = [
        *_column(438, ["Förväntat resultat"], bold=True),
        TextLine(text="• Alla föräldrar har möjlighet att få stöd.", x=439, y=495, size=10.5),
    ]
    blocks = page_blocks(left + right, page=63)
    assert [b.kind for b in blocks] == ["paragraph", "paragraph", "list"]
    assert blocks[0].text.count("Förvaltningen") == 8
    assert blocks[1].text == "Förväntat resultat" and blocks[1].bold


def test_two_columns_each_one_paragraph_are_two_paragraphs() -> None:
    blocks = page_blocks(_column(51, [SENTENCE] * 6) + _column(438, [SENTENCE] * 5), page=2)
    assert [b.kind for b in blocks] == ["paragraph", "paragraph"]
    assert blocks[0].left == 51 and blocks[1].left == 438


def test_an_undrawn_table_with_a_long_description_is_still_a_table() -> None:
    header = [("Aktivitet", 441.0), ("Startdatum", 590.0), ("Slutdatum", 658.0)]
    lines = [TextLine(text=t, x=x, y=427, size=8.0, bold=True) for t, x in header]
    lines += [
        TextLine(text="Förvaltningens enheter beskriver", x=441, y=416, size=8.0),
        TextLine(text="2024-01-01", x=591, y=416, size=8.0),
        TextLine(text="2024-04-30", x=658, y=416, size=8.0),
        TextLine(text="sitt arbete i tertialrapporten", x=441, y=406.5, size=8.0),
    ]
    (block,) = page_blocks(lines, page=111)
    assert block.kind == "table" and block.table is not None
    assert block.table.header == ["Aktivitet", "Startdatum", "Slutdatum"]
