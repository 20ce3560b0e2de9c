"""Structure on pages read by OCR: no bold, sizes measured from the image, not read from it."""

from __future__ import annotations

from indexer.models import Page, RawDocument, TextLine
from indexer.structure.metadata import unit_from_title
from indexer.structure.sections import sections_of

BODY = [
    "Förvaltningen har under perioden arbetat vidare med de insatser som planerades för året",
    "och följer upp dem varje månad tillsammans med verksamheterna och de boende i området.",
]


def _page(rows: list[tuple[str, float]]) -> Page:
    """Lines top down, each (text, size), at the left margin with their size's line spacing;
    a paragraph's or heading's first line (a change of size, a bullet, a short line) sits
    half a line further down, as on the scanned reports."""
    lines, y = [], 780.0
    previous = ""
    for text, size in rows:
        if previous and (text.startswith("•") or len(text) < 30 or len(previous) < 30):
            y -= size * 0.6
        lines.append(TextLine(text=text, x=63.0, y=y, size=size))
        y -= size * 1.28
        previous = text
    return Page(number=3, lines=lines, ocr=True)


def _document(rows: list[tuple[str, float]]) -> RawDocument:
    """A page of body text (the document's body size), then the page under test."""
    body = [(text, 10.0) for text in BODY * 6]
    return RawDocument(
        path="scan.pdf",
        name="scan.pdf",
        sha256="0",
        kind="pdf",
        pages=[_page(body), _page(rows)],
    )


def test_a_goal_heading_keeps_its_goal_under_smaller_headings_and_analys_ends_a_list() -> None:
    rows = [
        ("KF:s mål för verksamhetsområdet: 1.1 Alla barn och ungdomar", 13.0),
        ("ska ges möjlighet till jämlika uppväxtvillkor", 13.0),
        ("Jämlika uppväxtvillkor", 12.5),
        (BODY[0], 10.0),
        (BODY[1], 10.0),
        ("Förväntat resultat", 11.0),
        ("• Barn har en trygg och meningsfull fritid", 10.0),
        ("Analys", 10.0),
        (BODY[0], 10.0),
    ]
    sections = sections_of(_document(rows))
    by_heading = {s.headings[-1] if s.headings else "": s for s in sections}
    smaller = by_heading["Jämlika uppväxtvillkor"]
    assert [g.number for g in smaller.goals] == ["1.1"], "a smaller heading is the goal's child"
    assert smaller.headings[0].startswith("KF:s mål för verksamhetsområdet: 1.1 Alla barn")
    assert "Analys" in by_heading, "a section's name alone on a line is its heading"
    analysis = by_heading["Analys"]
    assert [g.number for g in analysis.goals] == ["1.1"]
    assert all("Analys" not in b.text for s in sections for b in s.blocks if b.kind == "list")


def test_a_title_cut_at_a_hyphen_names_no_unit() -> None:
    assert unit_from_title("Tertialrapport Tertial 1 2021 för Hässelby-") is None
    assert unit_from_title("Verksamhetsberättelse 2024 för Vuxenenheten") == "Vuxenenheten"
