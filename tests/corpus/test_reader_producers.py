"""The reader on the producer matrix: the same four reports from other PDF producers.

The PDFs are made at test time by `python -m scripts.producers` (LibreOffice from a DOCX,
Chromium printing HTML, Typst setting two columns on landscape pages); each producer's
reading is compared with the bundled PDFs' and with the hand-checked commitments in
eval/commitments_gold.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.commitments_eval import check_goal, check_indicator
from indexer.commitments.records import Record
from indexer.pipeline import ParsedDocument, parse_document
from indexer.reading.extract import read_document
from indexer.reading.ocr import ocr_status
from indexer.structure.metadata import doc_id_for
from indexer.structure.sections import document_blocks
from scripts.producers import tools
from tests.support.corpora import image_only

ROOT = Path(__file__).resolve().parents[2]
TXT = ROOT.parent / "shared" / "corpus" / "txt"
GOLD = ROOT / "eval" / "commitments_gold.json"
PRODUCERS = ("libreoffice", "chromium", "typst")
BUNDLE = "kungsholmen_2024_verksamhetsberattelse-socialtjanst.pdf"


def _missing_tools() -> str | None:
    if not TXT.is_dir():
        return f"no text versions at {TXT}"
    try:
        tools.require(list(PRODUCERS))
    except Exception as exc:  # ToolMissing names the Debian packages
        return str(exc)
    return None


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    reason = _missing_tools()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("producers")
    args = [sys.executable, "-m", "scripts.producers", "--txt", str(TXT), "--out", str(out)]
    for producer in PRODUCERS:
        args += ["--producer", producer]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    yield out


def _parsed(folder: Path) -> dict[str, ParsedDocument]:
    return {path.name: parse_document(path) for path in sorted(folder.glob("*.pdf"))}


@pytest.fixture(scope="session")
def bundled() -> dict[str, ParsedDocument]:
    return _parsed(ROOT / "corpus")


@pytest.fixture(scope="session")
def produced(matrix: Path) -> dict[str, dict[str, ParsedDocument]]:
    return {producer: _parsed(matrix / producer) for producer in PRODUCERS}


def _records(parsed: dict[str, ParsedDocument]) -> dict[str, list[Record]]:
    return {doc_id_for(name): doc.records for name, doc in parsed.items()}


def _goals(parsed: ParsedDocument) -> set[tuple[str, str]]:
    return {(g.level, g.number) for c in parsed.chunks for g in c.goals if g.number}


def _indicator_rows(parsed: ParsedDocument) -> int:
    return sum(1 for record in parsed.records if record.kind == "indicator")


@pytest.mark.parametrize("producer", PRODUCERS)
def test_goals_units_and_indicator_rows_match_the_bundled_pdfs(
    producer: str,
    produced: dict[str, dict[str, ParsedDocument]],
    bundled: dict[str, ParsedDocument],
) -> None:
    theirs_all = produced[producer]
    assert sorted(theirs_all) == sorted(bundled)
    for name, reference in bundled.items():
        theirs = theirs_all[name]
        found = _goals(theirs) & _goals(reference)
        assert len(found) >= 0.95 * len(_goals(reference)), (name, _goals(reference) - found)
        assert _indicator_rows(theirs) >= 0.95 * _indicator_rows(reference), name
        assert theirs.info.district == reference.info.district
        assert theirs.info.year == reference.info.year
        assert theirs.info.doc_type == reference.info.doc_type
    assert theirs_all[BUNDLE].info.units == bundled[BUNDLE].info.units
    assert len(theirs_all[BUNDLE].info.units) == 6


@pytest.mark.parametrize("producer", PRODUCERS)
def test_commitments_eval_within_two_points_of_the_bundled_pdfs(
    producer: str,
    produced: dict[str, dict[str, ParsedDocument]],
    bundled: dict[str, ParsedDocument],
) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    scores = {}
    for name, parsed in (("bundled", bundled), (producer, produced[producer])):
        records = _records(parsed)
        rows = [check_indicator(g, records).right for g in gold["indicators"]]
        goals = [check_goal(g, records).right for g in gold["goals"]]
        scores[name] = (sum(rows) / len(rows), sum(goals) / len(goals))
    assert scores[producer][0] >= scores["bundled"][0] - 0.02, scores
    assert scores[producer][1] >= scores["bundled"][1] - 0.02, scores


@pytest.mark.parametrize("producer", PRODUCERS)
def test_tables_keep_their_columns_and_running_headers_are_gone(
    producer: str, produced: dict[str, dict[str, ParsedDocument]]
) -> None:
    parsed = produced[producer]["hasselby-vallingby_2024_verksamhetsplan.pdf"]
    indicator_tables = [
        c for c in parsed.chunks if c.table_header and c.table_header[0] == "Indikator"
    ]
    assert indicator_tables
    for chunk in indicator_tables:
        assert chunk.table_rows
        assert all(len(row) == len(chunk.table_header) for row in chunk.table_rows)
    running = "Hässelby-Vällingbys stadsdelsförvaltning"
    assert not any(c.text.startswith(running) for c in parsed.chunks)


@pytest.mark.skipif(not ocr_status().available, reason=ocr_status().message)
def test_a_scanned_table_is_read_cell_by_cell(
    matrix: Path, tmp_path: Path, produced: dict[str, dict[str, ParsedDocument]]
) -> None:
    """Two pages of the LibreOffice plan printed as images: OCR, the rules found in the picture."""
    source = matrix / "libreoffice" / "hasselby-vallingby_2024_verksamhetsplan.pdf"
    scan = tmp_path / "skannad-plan-2024.pdf"
    image_only(source, scan, [8, 9], dpi=200)
    raw = read_document(scan)
    assert all(page.ocr for page in raw.pages)
    tables = [b.table for b in document_blocks(raw) if b.kind == "table" and b.table]
    text_layer = [
        row
        for chunk in produced["libreoffice"]["hasselby-vallingby_2024_verksamhetsplan.pdf"].chunks
        if chunk.kind == "table" and chunk.table_rows and set(chunk.pages) <= {9, 10}
        for row in chunk.table_rows
    ]
    by_name = {row[0]: row for row in text_layer}
    scanned_rows = [row for table in tables for row in table.body]
    found = [row for row in scanned_rows if row[0] in by_name]
    assert len(found) >= 0.8 * len(by_name), (sorted(by_name), scanned_rows)
    for row in found:  # every column where the text layer has it: the last one is Period
        assert len(row) == len(by_name[row[0]]) and row[-1] == by_name[row[0]][-1], row


@pytest.mark.skipif(not ocr_status().available, reason=ocr_status().message)
def test_scanned_pages_keep_goal_headings_indicator_tables_and_bullets(
    matrix: Path, tmp_path: Path, produced: dict[str, dict[str, ParsedDocument]]
) -> None:
    """Pages 4-7 of the LibreOffice T1 2021 as images: a goal heading over three lines, a
    nämndmål, an indicator table whose header OCR gives without bold, and bullet lists."""
    name = "hasselby-vallingby_2021_tertialrapport-1.pdf"
    scan = tmp_path / name
    image_only(matrix / "libreoffice" / name, scan, [3, 4, 5, 6], dpi=200)
    scanned = parse_document(scan)
    text_layer = produced["libreoffice"][name]
    pages = {4, 5, 6, 7}
    in_pages = [c for c in text_layer.chunks if set(c.pages) <= pages]
    headed_here = ("verksamhetsomradesmal", "namndmal")  # the inriktningsmål is on page 3
    wanted = {
        (g.level, g.number)
        for c in in_pages
        for g in c.goals
        if g.number and g.level in headed_here
    }
    assert {("verksamhetsomradesmal", "1.1"), ("namndmal", "1.1.1")} <= wanted
    assert wanted <= _goals(scanned)
    names = {r.name for r in text_layer.records if r.kind == "indicator" and set(r.pages) <= pages}
    read = {r.name for r in scanned.records if r.kind == "indicator"}
    assert names and len(names & read) >= 0.8 * len(names), (sorted(names), sorted(read))
    assert any(c.kind == "list" for c in scanned.chunks), "bullets read as bullets"
