"""Scanned pages read by OCR: words, sizes, the mark on pages, chunks, the store and the API.

The scanned report is made at test time: two pages of the 2021 plan rendered to pictures and
saved as a PDF with no text layer. OCR runs once per module (a few seconds a page); the
chunking, the build (fake encoder) and the API reuse what it read.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader, PdfWriter

from indexer import pipeline
from indexer.models import RawDocument, TextLine
from indexer.pipeline import ParsedDocument, parse_document
from indexer.reading.extract import read_document
from indexer.reading.ocr import ocr_status
from service.api.app import create_app
from service.engine import Engine
from service.search.snapshot import load_snapshot
from tests.support.corpora import CORPUS, FILES, VP21, image_only
from tests.support.fakes import FakeEncoder, build_fake_index, fake_settings, use_fake_encoder

pytestmark = pytest.mark.skipif(
    not ocr_status().available, reason=f"OCR unavailable: {ocr_status().message}"
)

SOURCE = CORPUS / FILES[VP21]
PAGES = [2, 4]
"""0-based pages of the plan: page 3 has headings in a larger size, page 5 is running text."""
SCANNED = "hasselby-vallingby_2021_verksamhetsplan-skannad.pdf"
LONG_WORD = re.compile(r"[^\W\d_]{6,}")


def long_words(text: str) -> set[str]:
    return {w.casefold() for w in LONG_WORD.findall(text)}


@dataclass(frozen=True)
class Scanned:
    path: Path
    raw: RawDocument
    parsed: ParsedDocument


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scanned]:
    """The image-only excerpt, read once; parse_document reuses that reading."""
    path = tmp_path_factory.mktemp("scanned") / SCANNED
    image_only(SOURCE, path, PAGES)
    assert not any((p.extract_text() or "").strip() for p in PdfReader(path).pages)
    raw = read_document(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "read_document", lambda p: raw if p == path else read_document(p))
        yield Scanned(path, raw, parse_document(path))


def test_every_page_is_read_by_ocr_with_the_words_of_the_text_layer(scanned: Scanned) -> None:
    reader = PdfReader(SOURCE)
    assert [p.number for p in scanned.raw.pages] == [1, 2]
    for page, index in zip(scanned.raw.pages, PAGES, strict=True):
        assert page.ocr and page.lines
        wanted = long_words(reader.pages[index].extract_text())
        found = long_words(" ".join([*(ln.text for ln in page.lines), *page.margin]))
        assert len(wanted) > 50
        assert len(wanted & found) >= 0.8 * len(wanted), sorted(wanted - found)[:30]


def test_lines_are_in_pdf_points_measured_from_the_bottom(scanned: Scanned) -> None:
    lines = scanned.raw.pages[1].lines
    ys = [ln.y for ln in lines if ln.y is not None]
    assert all(0 < (ln.x or 0) < 595 for ln in lines) and all(0 < y < 842 for y in ys)
    assert ys == sorted(ys, reverse=True), "reading order runs down the page"
    text_layer = {ln.text: ln for ln in text_layer_lines(PAGES[1])}
    matched = [(ln, text_layer[ln.text]) for ln in lines if ln.text in text_layer]
    assert len(matched) >= 10
    for ocr_line, pdf_line in matched:
        assert abs((ocr_line.y or 0) - (pdf_line.y or 0)) < 3, ocr_line.text
        assert abs((ocr_line.x or 0) - (pdf_line.x or 0)) < 3, ocr_line.text
    assert all(not ln.bold and ln.block is None for ln in lines)


def text_layer_lines(index: int) -> list[TextLine]:
    """The lines the text-layer reader gives for page `index` (0-based) of the source PDF."""
    return read_document(SOURCE).pages[index].lines


def body_size(lines: list[TextLine]) -> float:
    return Counter(ln.size for ln in lines if ln.size).most_common(1)[0][0] or 0.0


def test_headings_are_larger_than_body_text(scanned: Scanned) -> None:
    text_layer = text_layer_lines(PAGES[0])
    body = body_size(text_layer)
    headings = {ln.text for ln in text_layer if (ln.size or 0) >= body + 2}
    assert "Konsekvenser av covid-19-pandemin" in headings
    lines = scanned.raw.pages[0].lines
    ocr_body = body_size(lines)
    assert abs(ocr_body - body) <= 1.0
    read_headings = [ln for ln in lines if ln.text in headings]
    assert read_headings
    assert all((ln.size or 0) >= ocr_body + 1.5 for ln in read_headings)


def test_chunks_and_sections_carry_the_ocr_mark(scanned: Scanned) -> None:
    parsed = scanned.parsed
    assert parsed.info.ocr_pages == [1, 2] and parsed.info.page_count == 2
    assert parsed.chunks and all(c.ocr for c in parsed.chunks)
    assert any("Konsekvenser av covid-19-pandemin" in s.headings for s in parsed.sections)
    assert any("kohortvård" in c.text for c in parsed.chunks)


def test_a_scanned_page_in_a_text_pdf_is_the_only_one_read_by_ocr(
    scanned: Scanned, tmp_path: Path
) -> None:
    writer = PdfWriter()
    writer.add_page(PdfReader(SOURCE).pages[4])
    writer.add_page(PdfReader(scanned.path).pages[0])
    mixed = tmp_path / "blandad.pdf"
    with mixed.open("wb") as handle:
        writer.write(handle)
    parsed = parse_document(mixed)
    assert parsed.info.ocr_pages == [2]
    assert {c.ocr for c in parsed.chunks if c.pages == [1]} == {False}
    assert {c.ocr for c in parsed.chunks if 2 in c.pages} == {True}


@pytest.fixture(scope="module")
def ocr_build(scanned: Scanned, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scanned excerpt and a text report indexed with the fake encoder."""
    root = tmp_path_factory.mktemp("ocr-build")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copyfile(scanned.path, corpus / SCANNED)
    shutil.copyfile(CORPUS / FILES[VP21], corpus / FILES[VP21])
    report = build_fake_index(corpus, root / "index")
    assert report.documents == 2 and not report.failures
    return root


def test_the_build_stores_the_ocr_mark(ocr_build: Path) -> None:
    snapshot = load_snapshot(ocr_build / "index")
    by_name = {d.name: d for d in snapshot.documents.values()}
    assert by_name[SCANNED].ocr_pages == [1, 2]
    assert by_name[FILES[VP21]].ocr_pages == []
    marks = {(c.doc_id, c.ocr) for c in snapshot.chunks}
    assert marks == {(by_name[SCANNED].doc_id, True), (by_name[FILES[VP21]].doc_id, False)}


def test_the_api_shows_ocr_on_passages_documents_and_health(ocr_build: Path) -> None:
    settings = fake_settings(ocr_build, corpus_dir=ocr_build / "corpus")
    with pytest.MonkeyPatch.context() as patch:
        use_fake_encoder(patch, FakeEncoder())
        app = create_app(settings, engine=Engine(settings))
        with TestClient(app) as client:
            hits = client.get("/api/search", params={"q": "kohortvård hemtjänst", "k": 20})
            documents = client.get("/api/documents").json()
            health = client.get("/health").json()
    marks = {(h["document"], h["ocr"]) for h in hits.json()["hits"]}
    assert (SCANNED, True) in marks and (FILES[VP21], True) not in marks
    assert {d["name"]: d["ocr_pages"] for d in documents} == {SCANNED: 2, FILES[VP21]: 0}
    assert health["ocr"]["available"] is True and "swe" in health["ocr"]["message"]
