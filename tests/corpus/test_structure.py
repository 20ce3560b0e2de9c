"""Documents become sections with goal paths, units and pages; chunks respect them."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

from indexer.models import Chunk, DocumentInfo, Section
from indexer.pipeline import parse_document
from indexer.structure.metadata import unit_from_title

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
KUNGSHOLMEN = "kungsholmen_2024_verksamhetsberattelse-socialtjanst.pdf"
UNITS = [
    "Vuxenenheten",
    "Familjeenheten",
    "Biståndsbedömning, funktionsnedsättning",
    "Enheten för prevention och familjebehandling",
    "Enheten för stöd och service i hemmet",
    "Kungsholmens dagliga verksamhet",
]


@cache
def parsed(name: str) -> tuple[DocumentInfo, tuple[Section, ...], tuple[Chunk, ...]]:
    document = parse_document(CORPUS / name)
    return document.info, tuple(document.sections), tuple(document.chunks)


def test_metadata_from_title_blocks() -> None:
    expected = {
        "hasselby-vallingby_2021_verksamhetsplan.pdf": (
            "Hässelby-Vällingby",
            2021,
            "verksamhetsplan",
        ),
        "hasselby-vallingby_2021_tertialrapport-1.pdf": (
            "Hässelby-Vällingby",
            2021,
            "tertialrapport-1",
        ),
        "hasselby-vallingby_2024_verksamhetsplan.pdf": (
            "Hässelby-Vällingby",
            2024,
            "verksamhetsplan",
        ),
        KUNGSHOLMEN: ("Kungsholmen", 2024, "verksamhetsberattelse"),
    }
    for name, (district, year, doc_type) in expected.items():
        info = parsed(name)[0]
        assert (info.district, info.year, info.doc_type) == (district, year, doc_type), name
        assert info.sources["district"] == "title"


def test_unit_reports_are_split_by_their_title_blocks() -> None:
    info, sections, _ = parsed(KUNGSHOLMEN)
    assert info.units == UNITS
    assert unit_from_title("Verksamhetsberättelse VB 2024 för Familjeenheten") == "Familjeenheten"
    assert unit_from_title("Verksamhetsplan 2024 för Hässelby-Vällingby stadsdelsnämnd") is None
    first_pages = {u: min(p for s in sections if s.unit == u for p in s.pages) for u in UNITS}
    assert list(first_pages.values()) == sorted(first_pages.values())


def test_goal_paths_of_the_2021_plan() -> None:
    _, sections, _ = parsed("hasselby-vallingby_2021_verksamhetsplan.pdf")
    namndmal = {g.number for s in sections for g in s.goals if g.level == "namndmal"}
    assert {"1.1.1", "1.2.1", "1.2.2", "1.3.1", "1.4.1", "1.5.1", "2.5.2", "3.2.4"} <= namndmal
    preschool = [s for s in sections if s.goals and s.goals[-1].number == "1.3.1"]
    assert preschool and preschool[0].goals[1].number == "1.3"
    assert "förskola" in preschool[0].goals[-1].title.lower()


def test_goal_numbers_mean_other_things_in_2024() -> None:
    _, sections, _ = parsed("hasselby-vallingby_2024_verksamhetsplan.pdf")
    titles = {g.title for s in sections for g in s.goals if g.number == "1.3"}
    assert titles == {"Stockholms stad ska ge stöd och omsorg där behoven är som störst"}


def test_follow_up_goals_carry_their_assessment() -> None:
    _, sections, _ = parsed("hasselby-vallingby_2021_tertialrapport-1.pdf")
    assessed = {s.goals[-1].number: s.assessment for s in sections if s.goals and s.assessment}
    assert assessed["1.4"] == "Uppfylls delvis"
    assert assessed["1.1.1"] == "Uppfylls helt"


def test_chunks_never_straddle_goals_and_keep_pages() -> None:
    _, sections, chunks = parsed("hasselby-vallingby_2024_verksamhetsplan.pdf")
    goal_paths = {tuple(s.goals) for s in sections}
    assert all(tuple(c.goals) in goal_paths for c in chunks)
    spanning = [
        c for c in chunks if "Maltesholmstorget och Hässelby torg är prioriterade" in c.text
    ]
    assert spanning and spanning[0].pages == [41, 42]


def test_indicator_row_chunk_reads_with_its_headers() -> None:
    _, _, chunks = parsed("hasselby-vallingby_2021_verksamhetsplan.pdf")
    row = next(
        c
        for c in chunks
        if c.table_rows and c.text.splitlines()[1].startswith("Andel barn som lever")
    )
    assert row.text == (
        "Indikator Årsmål KF:s årsmål Periodicitet\n"
        "Andel barn som lever i familjer som har ekonomiskt bistånd 3,2 % 2,7 % Tertial"
    )
    assert "Årsmål: 3,2 %; KF:s årsmål: 2,7 %" in row.embed_text
    assert row.kind == "table"


def test_boilerplate_shared_by_units_shares_a_hash() -> None:
    _, _, chunks = parsed(KUNGSHOLMEN)
    by_hash: dict[str, set[str | None]] = {}
    for chunk in chunks:
        by_hash.setdefault(chunk.content_hash, set()).add(chunk.unit)
    widest = Counter(len(units) for units in by_hash.values())
    assert widest[6] >= 5
    assert not any(c.text.strip() == "— Inga data" for c in chunks)
