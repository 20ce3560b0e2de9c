"""Tesseract's words into lines: grouping, PDF coordinates, font size, noise; and the status."""

from __future__ import annotations

from typing import Any

import pytesseract
import pytest

from indexer.reading import ocr
from indexer.reading.ocr import words_to_lines
from indexer.reading.rulings import edge, grids_from_edges

DPI = 200
FRAME = (0.0, 0.0, 842.0)
"""An A4 page: left edge, bottom edge and height in points."""


def tsv(*words: tuple[int, int, int, str, float, float, float, float, float]) -> dict[str, Any]:
    """image_to_data's dict for words given as (block, par, line, text, conf, l, t, w, h) px."""
    keys = ("block_num", "par_num", "line_num", "text", "conf", "left", "top", "width", "height")
    return {key: [w[i] for w in words] for i, key in enumerate(keys)}


def pt(points: float) -> float:
    """Points as pixels at DPI."""
    return points * DPI / 72


def test_words_of_one_line_are_joined_left_to_right_in_points_from_the_bottom() -> None:
    # 10 pt text: a capital+ascender word is 0.74 em tall, "egg" (x-height + descender) 0.74.
    data = tsv(
        (1, 1, 1, "Samverkan", 96, pt(100), pt(100), pt(50), pt(7.4)),
        (1, 1, 1, "Vi", 95, pt(60), pt(100), pt(10), pt(7.4)),
        (1, 1, 2, "egg", 90, pt(60), pt(114.8), pt(20), pt(7.4)),
    )
    first, second = words_to_lines(data, FRAME, DPI)
    assert first.text == "Vi Samverkan"
    assert first.x == pytest.approx(60, abs=0.1)
    assert first.y == pytest.approx(842 - 107.4, abs=0.1), "baseline: the bottom of the box"
    assert first.size == 10.0 and second.size == 10.0
    assert second.y == pytest.approx(842 - 114.8 - 7.4 + 2.2, abs=0.2), "descender below"
    assert not first.bold and first.block is None


def test_low_confidence_and_empty_words_are_dropped_and_text_is_cleaned() -> None:
    data = tsv(
        (1, 1, 1, "", -1, 0, 0, 100, 100),
        (1, 1, 1, "Budget\u00ad", 91, pt(72), pt(72), pt(40), pt(7.4)),
        (1, 1, 1, "~", 5, pt(120), pt(72), pt(5), pt(2)),
        (2, 1, 1, "|", 3, pt(300), pt(300), pt(2), pt(40)),
    )
    (line,) = words_to_lines(data, FRAME, DPI)
    assert line.text == "Budget"


def test_a_heading_is_larger_than_the_body_and_body_lines_share_one_size() -> None:
    words = [(1, 1, 1, "Ekonomiska", 95, pt(72), pt(80), pt(90), pt(10.4))]
    words += [
        (1, 2, n, "Kostnaden", 95, pt(72), pt(100 + 14 * n), pt(50), pt(7.4 + 0.3 * (n % 2)))
        for n in range(1, 5)
    ]
    lines = words_to_lines(tsv(*words), FRAME, DPI)
    assert lines[0].size == 14.0
    (body,) = {ln.size for ln in lines[1:]}
    assert body in (10.0, 10.5)


def test_status_without_the_binary_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "tesseract-not-installed")
    ocr.ocr_status.cache_clear()
    try:
        status = ocr.ocr_status()
    finally:
        ocr.ocr_status.cache_clear()
    assert not status.available
    assert "install tesseract-ocr and tesseract-ocr-swe" in status.message


def test_the_lines_of_one_heading_get_one_size_though_measured_apart() -> None:
    # A 13 pt heading over three lines, measured 13.0, 13.5 and 13.0 pt, then 10 pt body.
    words = [
        (8, 1, 1, "KF:s", 95, pt(64), pt(100), pt(30), pt(13 * 0.74)),
        (8, 1, 2, "människor", 95, pt(64), pt(116.5), pt(70), pt(13.5 * 0.74)),
        (8, 1, 3, "svenskkunskaper", 95, pt(64), pt(133), pt(90), pt(13 * 0.96)),
    ]
    words += [(9, 1, n, "Arbetet", 95, pt(64), pt(160 + 13 * n), pt(50), pt(7.4)) for n in range(4)]
    lines = words_to_lines(tsv(*words), FRAME, DPI)
    assert len({ln.size for ln in lines[:3]}) == 1, [ln.size for ln in lines[:3]]
    assert lines[0].size is not None and lines[0].size >= 12.5
    assert lines[3].size == 10.0


def test_a_short_word_ending_a_heading_takes_the_heading_size() -> None:
    # "förskola" is a paragraph of its own to Tesseract, measured half a point larger.
    words = [
        (4, 1, 1, "Nämndmål:", 95, pt(64), pt(300), pt(60), pt(11.5 * 0.74)),
        (5, 1, 1, "förskola", 95, pt(63), pt(315), pt(40), pt(12.0 * 0.74)),
        (6, 1, 1, "Beskrivning", 95, pt(64), pt(337), pt(60), pt(10.5 * 0.96)),
    ]
    heading, end, next_heading = words_to_lines(tsv(*words), FRAME, DPI)
    assert end.size == heading.size
    assert next_heading.size != heading.size, "further down: a heading of its own"


def test_a_bullet_read_as_a_letter_or_unsure_is_a_bullet_again() -> None:
    data = tsv(
        (3, 1, 1, "e", 80, pt(62), pt(200), pt(3), pt(4)),
        (3, 1, 1, "Kvinnor", 95, pt(72), pt(200), pt(40), pt(7.4)),
        (3, 1, 2, "«", 7, pt(62), pt(213), pt(3), pt(4)),
        (3, 1, 2, "Frisknärvaron", 7, pt(72), pt(213), pt(60), pt(7.4)),
        (3, 1, 2, "ligger", 95, pt(140), pt(213), pt(30), pt(7.4)),
        (3, 1, 3, "e", 90, pt(62), pt(226), pt(3), pt(4)),
        (3, 1, 3, "och", 95, pt(72), pt(226), pt(20), pt(7.4)),
    )
    first, second, third = words_to_lines(data, FRAME, DPI)
    assert first.text == "• Kvinnor"
    assert second.text == "• Frisknärvaron ligger", "an unsure word that reads as one is kept"
    assert third.text == "e och", "no bullet before a lowercase word"


def test_a_percent_sign_misread_in_a_table_cell_is_a_percent_sign() -> None:
    columns, rows = [50.0, 250.0, 350.0], [100.0, 120.0, 140.0]
    edges = [edge("h", columns[0], columns[-1], y, y) for y in rows]
    edges += [edge("v", x, x, rows[0], rows[-1]) for x in columns]
    grids = grids_from_edges(edges)
    data = tsv(
        (1, 1, 1, "2,9", 95, pt(260), pt(105), pt(15), pt(7.4)),
        (1, 1, 1, "NY", 60, pt(280), pt(105), pt(10), pt(7.4)),
        (2, 1, 1, "Utfall", 95, pt(60), pt(125), pt(30), pt(7.4)),
        (2, 1, 1, "2024", 95, pt(95), pt(125), pt(20), pt(7.4)),
        (2, 1, 1, "Ho", 95, pt(120), pt(125), pt(10), pt(7.4)),
        (3, 1, 1, "3", 95, pt(60), pt(400), pt(5), pt(7.4)),
        (3, 1, 1, "NY", 95, pt(70), pt(400), pt(10), pt(7.4)),
    )
    texts = {ln.text for ln in words_to_lines(data, FRAME, DPI, grids)}
    assert "2,9 %" in texts and "Utfall 2024 %" in texts
    assert "3 NY" in texts, "running text outside a table is left as read"
