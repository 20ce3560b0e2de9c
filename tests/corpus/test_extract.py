"""Reading files: text cleaning, running headers, encodings and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.reading.extract import ExtractionError, clean_text, read_document
from indexer.reading.layout import reflow

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_clean_text_drops_markup_and_normalises() -> None:
    assert clean_text("<p>Budget\u00a0i  balans</p>") == "Budget i balans"
    assert clean_text("A\u0308lvsjo\u0308") == "Älvsjö"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["stads-", "delen växer"], "stadsdelen växer"),
        (["hälso-", "och sjukvård"], "hälso- och sjukvård"),
        (["åren 2019-", "2022"], "åren 2019-2022"),
        (["Hässelby-", "Vällingby"], "Hässelby-Vällingby"),
        (["FREDA-", "frågor"], "FREDA-frågor"),
        (["en rad", "till"], "en rad till"),
    ],
)
def test_reflow_joins_wrapped_lines(lines: list[str], expected: str) -> None:
    assert reflow(lines) == expected


def test_pdf_pages_lose_running_headers_and_page_numbers() -> None:
    doc = read_document(CORPUS / "hasselby-vallingby_2021_verksamhetsplan.pdf")
    assert len(doc.pages) == 55
    page = doc.pages[9]
    body = [line.text for line in page.lines]
    assert "Sida 10 (55)" in page.margin
    assert not any(text.startswith("Sida ") for text in body)
    assert "Tjänsteutlåtande" not in body
    assert doc.info_title == "Verksamhetsplan 2021 för Hässelby-Vällingby stadsdelsnämnd"


def test_unit_name_in_running_header_is_margin() -> None:
    doc = read_document(CORPUS / "kungsholmen_2024_verksamhetsberattelse-socialtjanst.pdf")
    assert "Familjeenheten" in doc.pages[30].margin


def test_text_files_in_utf8_bom_and_utf16(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeffBudget för förskolan\n\nÅr 2024".encode())
    (tmp_path / "b.txt").write_text("Hemtjänst i Vällingby", encoding="utf-16")
    a = read_document(tmp_path / "a.txt")
    b = read_document(tmp_path / "b.txt")
    assert a.pages[0].lines[0].text == "Budget för förskolan"
    assert b.pages[0].lines[0].text == "Hemtjänst i Vällingby"


def test_latin1_text_is_refused_with_the_file_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "gammal.txt"
    path.write_bytes("Förskola".encode("latin-1"))
    with pytest.raises(ExtractionError) as err:
        read_document(path)
    assert "gammal.txt" in str(err.value)
    assert "not UTF-8" in str(err.value) and "offset 1" in str(err.value)


def test_empty_and_fake_pdfs_are_refused(tmp_path: Path) -> None:
    (tmp_path / "tom.pdf").write_bytes(b"")
    (tmp_path / "brus.pdf").write_bytes(b"\x00\x01 not a pdf at all" * 10)
    with pytest.raises(ExtractionError, match=r"tom\.pdf: empty file"):
        read_document(tmp_path / "tom.pdf")
    with pytest.raises(ExtractionError, match=r"brus\.pdf: not a PDF"):
        read_document(tmp_path / "brus.pdf")
