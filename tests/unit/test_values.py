"""Figures as the reports write them, parsed into numbers and units."""

from __future__ import annotations

import pytest

from indexer.commitments.values import (
    Value,
    clean_cell,
    is_mark,
    parse_value,
    split_trailing_numbers,
)


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("3,2 %", 3.2, "%"),
        ("99%", 99.0, "%"),
        ("2 279,8", 2279.8, None),
        ("2028,9", 2028.9, None),
        ("-28,4", -28.4, None),
        ("−5,0", -5.0, None),
        ("750 st", 750.0, "st"),
        ("9 000 st", 9000.0, "st"),
        ("1 735 GWh", 1735.0, "GWh"),
        ("1,8 kg CO2 per kg livsmedel", 1.8, "kg CO2 per kg livsmedel"),
        ("0", 0.0, None),
        ("66,07", 66.07, None),
    ],
)
def test_figures_become_numbers_with_units(text: str, number: float, unit: str | None) -> None:
    value = parse_value(text)
    assert value == Value(text=text, number=number, unit=unit)


@pytest.mark.parametrize(
    "text",
    [
        "Tas fram av nämnd",
        "öka",
        "Fastställs 2024",
        "Ökning",
        "Max 10 personer",
        "+/- 1 %",
        "Tertial",
    ],
)
def test_words_stay_text_without_a_guessed_number(text: str) -> None:
    value = parse_value(text)
    assert value is not None
    assert value.text == text and value.number is None and value.unit is None


@pytest.mark.parametrize("text", ["", "   ", "-", "—", "♀"])
def test_empty_cells_have_no_value(text: str) -> None:
    assert parse_value(text) is None


def test_cells_lose_marks_and_get_broken_words_back() -> None:
    assert clean_cell("● Sjukfrånvaro dag 1-14 ♀") == "Sjukfrånvaro dag 1-14"
    assert clean_cell("Tas fram av nämnd/s tyrelse") == "Tas fram av nämnd/styrelse"
    assert clean_cell("Tas fram av nämnd/styrel se") == "Tas fram av nämnd/styrelse"
    assert is_mark("♀") and is_mark("") and not is_mark("VB 2024")


def test_budget_sub_lines_give_up_their_figures() -> None:
    assert split_trailing_numbers("varav vuxna 56,6 -7,4 49,2 40,7 39,7") == (
        "varav vuxna",
        ["56,6", "-7,4", "49,2", "40,7", "39,7"],
    )
    assert split_trailing_numbers("varav omslutningsförändring 2,3 -2,3 0,0") == (
        "varav omslutningsförändring",
        ["2,3", "-2,3", "0,0"],
    )
    assert split_trailing_numbers("varav x 2 279,8 -1,0") == ("varav x", ["2 279,8", "-1,0"])
    assert split_trailing_numbers("varav inventarier och maskiner") == (
        "varav inventarier och maskiner",
        [],
    )


def test_values_round_trip_through_json_shape() -> None:
    value = Value(text="3,2 %", number=3.2, unit="%")
    assert value.as_dict() == {"text": "3,2 %", "value": 3.2, "unit": "%"}
    assert Value.from_dict(value.as_dict()) == value
