"""Paragraph breaks judged by the page's own line pitch, and list numbers drawn apart."""

from __future__ import annotations

from indexer.models import TextLine
from indexer.reading.layout import line_pitches, page_blocks

SENTENCE = "Förvaltningen arbetar med åtgärdsplan för minskad energiförbrukning samt"


def _lines(texts: list[str], gaps: list[float], size: float = 10.5) -> list[TextLine]:
    """Lines at x=51 going down the page; `gaps[n]` is the distance above line n+1."""
    y = 520.0
    out = [TextLine(text=texts[0], x=51, y=y, size=size)]
    for text, gap in zip(texts[1:], gaps, strict=True):
        y -= gap
        out.append(TextLine(text=text, x=51, y=y, size=size))
    return out


def test_tight_leading_with_small_paragraph_space_gives_paragraphs() -> None:
    """Typst-like: lines 12.7 pt apart, paragraphs 16.4 pt (under 1.6 x the font size)."""
    paragraph = [SENTENCE] * 3 + [SENTENCE + "."]
    texts = [*paragraph, "Stockholm ska bli klimatpositivt", *paragraph]
    gaps = [12.7, 12.6, 12.7, 16.4, 16.3, 12.7, 12.7, 12.7]
    blocks = page_blocks(_lines(texts, gaps), page=15)
    assert [b.text.count("Förvaltningen") for b in blocks] == [4, 0, 4]
    assert blocks[1].text == "Stockholm ska bli klimatpositivt"


def test_even_line_spacing_stays_one_paragraph() -> None:
    blocks = page_blocks(_lines([SENTENCE] * 6, [12.7, 12.8, 12.7, 12.6, 12.7]), page=3)
    assert len(blocks) == 1 and blocks[0].text.count("Förvaltningen") == 6


def test_a_page_with_too_few_lines_keeps_the_size_rule() -> None:
    """Three lines give no pitch: a 16 pt gap at 10.5 pt type still continues the paragraph."""
    lines = _lines([SENTENCE] * 3, [12.7, 16.0])
    assert line_pitches(lines) == {}
    assert len(page_blocks(lines, page=3)) == 1


def test_a_list_number_drawn_apart_from_its_item_heads_the_item() -> None:
    """LibreOffice draws "1." as its own run left of the item's first line, on its baseline."""
    lines = []
    y = 615.9
    for n, (first, second) in enumerate(
        [("Stadsdelsnämnden fastställer verksamhetsplan", "för år 2024."), ("Nämnden ansöker", "")],
        start=1,
    ):
        lines.append(TextLine(text=f"{n}.", x=63.2, y=y, size=10.0))
        lines.append(TextLine(text=first, x=85.9, y=y, size=10.0))
        if second:
            y -= 12.8
            lines.append(TextLine(text=second, x=85.8, y=y, size=10.0))
        y -= 14.8
    blocks = page_blocks(lines, page=1)
    assert [(b.kind, b.text) for b in blocks] == [
        ("list", "1. Stadsdelsnämnden fastställer verksamhetsplan för år 2024."),
        ("list", "2. Nämnden ansöker"),
    ]
