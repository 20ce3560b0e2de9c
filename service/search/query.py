"""Read filters out of a question: district, year, report type, goal number and unit.

District, a single year, a goal number and a unit become filters when the index holds them;
a report type becomes a boost, because questions like "how did the first tertial go with the
goal" want the plan's target beside the follow-up. Two or more years, or words such as
"utvecklats" and "jämfört med", mark a question about change over time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.structure.metadata import DISTRICTS, fold
from service.search.snapshot import Filters

DISTRICT_ALIASES = {
    "hasselby": "Hässelby-Vällingby",
    "vallingby": "Hässelby-Vällingby",
    "hasselby vallingby": "Hässelby-Vällingby",
    "kungsholmen": "Kungsholmen",
    "kungsholmens": "Kungsholmen",
}
DOC_TYPE_WORDS = [
    (
        r"\b(tertialrapport(en)?\s*2|t2|andra tertial(et)?|second (tertial|four.month))\b",
        "tertialrapport-2",
    ),
    (
        r"\b(tertialrapport(en)?\s*1|t1|första tertial(et)?|first (tertial|four.month))\b",
        "tertialrapport-1",
    ),
    (r"\b(tertialrapport(en|er|erna)?|tertial(et)?|four.month(ly)? report)\b", "tertialrapport"),
    (
        r"\b(verksamhetsberättelse(n)?|vb|årsberättelse(n)?|annual report)\b",
        "verksamhetsberattelse",
    ),
    (
        r"\b(verksamhetsplan(en)?|planen|vp|operational plan|business plan|plan for)\b",
        "verksamhetsplan",
    ),
]
GOAL = re.compile(
    r"\b(?:mål(?:et)?|goal|nämndmål(?:et)?|målnummer)\s*(\d(?:\.\d{1,2}){1,2})\b", re.I
)
YEAR = re.compile(r"\b(20[0-4]\d)\b")
TREND = re.compile(
    r"\b(utveckla(t|ts|des)|förändra(t|ts|des)|jämfört|jämförelse|över tid|mellan \d{4} och \d{4}"
    r"|sedan \d{4}|respektive|trend|ökat|minskat|how (has|did|have)\b.*\b(change|develop|evolve)"
    r"|over time|compared)\b",
    re.I,
)


@dataclass
class QueryIntent:
    filters: Filters
    boost_doc_type: str | None = None
    trend: bool = False
    timeline: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """What the index holds, so only real values become filters."""

    districts: frozenset[str]
    years: frozenset[int]
    units: tuple[str, ...]


def understand(
    question: str, given: Filters, vocab: Vocabulary, disable: frozenset[str] = frozenset()
) -> QueryIntent:
    """Combine explicit filters with those read from the question (explicit ones win).

    Names in `disable` are never read from the question (a user removed that chip).
    """
    folded = f" {fold(question)} "
    lower = question.lower()
    vocab = Vocabulary(
        districts=frozenset() if "district" in disable else vocab.districts,
        years=frozenset() if "year" in disable else vocab.years,
        units=() if "unit" in disable else vocab.units,
    )

    district = given.district or _district(folded, vocab)
    years = sorted({int(y) for y in YEAR.findall(question)})
    known_years = [y for y in years if y in vocab.years]
    trend = bool(TREND.search(question)) or len(years) >= 2
    year = given.year
    if year is None and len(known_years) == 1 and not trend:
        year = known_years[0]
    goal = given.goal
    goal_match = None if "goal" in disable else GOAL.search(question)
    if goal is None and goal_match:
        goal = goal_match.group(1)
    unit = given.unit or _unit(folded, vocab)
    doc_type = given.doc_type
    boost = None
    if doc_type is None and "doc_type" not in disable:
        boost = _doc_type(lower)
    filters = Filters(district=district, year=year, doc_type=doc_type, goal=goal, unit=unit)
    # A comparison with a year the index does not hold ("2024 jämfört med 2023") is answered
    # from the one report that makes it, not as a timeline across reports.
    timeline = trend and (len(known_years) >= 2 or not years)
    return QueryIntent(
        filters=filters,
        boost_doc_type=boost,
        trend=trend,
        timeline=timeline,
    )


def _district(folded: str, vocab: Vocabulary) -> str | None:
    for district in DISTRICTS:
        if f" {fold(district)} " in folded and district in vocab.districts:
            return district
    for alias, district in DISTRICT_ALIASES.items():
        if re.search(rf" {alias}s? ", folded) and district in vocab.districts:
            return district
    return None


def _unit(folded: str, vocab: Vocabulary) -> str | None:
    """A unit whose significant words all occur in the question."""
    best: tuple[int, str] | None = None
    for unit in vocab.units:
        words = [w for w in fold(unit).split() if len(w) > 3 and w not in {"enheten", "for"}]
        if not words:
            continue
        if all(re.search(rf" {w}\w* ", folded) for w in words):
            score = len(words)
            if best is None or score > best[0]:
                best = (score, unit)
    return best[1] if best else None


def _doc_type(lower: str) -> str | None:
    for pattern, doc_type in DOC_TYPE_WORDS:
        if re.search(pattern, lower):
            return doc_type
    return None
