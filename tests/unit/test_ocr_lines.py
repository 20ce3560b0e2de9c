"""Tesseract's words into lines: grouping, PDF coordinates, font size, noise; and the status."""

from __future__ import annotations

from typing import Any

import pytesseract
import pytest

from indexer.reading import ocr
from indexer.reading.ocr import words_to_lines

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
