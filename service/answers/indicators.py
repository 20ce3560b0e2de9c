"""Answers about an indicator straight from the extracted table rows, with their citations.

"Vilket årsmål hade Hässelby-Vällingby 2021 för andel barn i familjer med ekonomiskt bistånd?"
is answered "Årsmål 2021 för andel barn som lever i familjer som har ekonomiskt bistånd: 3,2 %
(KF:s årsmål 2,7 %)" citing the plan's row; "Hur har ... utvecklats?" with the
indicator's series, one timeline entry per report. Applies only when the question asks for a
target, an outcome or a development and one indicator matches the question clearly; otherwise
`indicator_answer` returns None and the general answerer takes the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from indexer.commitments.records import INDICATOR_FIELDS, Record
from indexer.commitments.values import Value
from indexer.labels import DOC_TYPE_NAMES
from indexer.models import DocumentInfo
from indexer.structure.metadata import DISTRICTS
from service.commitments.index import CommitmentIndex, Linked
from service.commitments.views import report_label
from service.results import AnswerTable, Applied, Citation, CitedAnswer, TimelineEntry
from service.search.query import DISTRICT_ALIASES, QueryIntent
from service.settings import IndicatorAnswerParams

if TYPE_CHECKING:
    from service.search.loaded import LoadedBuild

TARGET_Q = re.compile(r"\b(årsmål(?:et)?|målvärde(?:t)?|mål(?:et)? för|kf:s årsmål|target)\b", re.I)
KF_Q = re.compile(r"\bkf:?s\b|kommunfullmäktige", re.I)
OUTCOME_Q = re.compile(r"\b(utfall(?:et)?|prognos(?:en)?|outcome|forecast)\b", re.I)
ASK_WORDS = re.compile(
    r"\b(vilket|vilken|vilka|vad|hur|hade|har|var|är|blev|för|i|under|enligt|mellan|och|sedan|"
    r"utvecklats|utvecklades|förändrats|ändrats|årsmål(?:et)?|målvärde(?:t)?|målet|mål|kf:s|"
    r"utfall(?:et)?|prognos(?:en)?|verksamhetsplan(?:en)?|tertialrapport(?:en)?|"
    r"verksamhetsberättelse(?:n)?|stadsdelsnämnd(?:en)?|nämnden|på|inom|hos)\b|\b(19|20)\d{2}\b|[?!.]",
    re.I,
)
FIELD_NAMES = {
    "target": "årsmål",
    "kf_target": "KF:s årsmål",
    "outcome": "utfall",
    "outcome_men": "män/pojkar",
    "outcome_women": "kvinnor/flickor",
    "previous": "föregående år",
    "forecast": "prognos helår",
}

Encode = Callable[[list[str]], np.ndarray]


@dataclass
class Match:
    group: Linked
    records: list[Record]
    score: float


def answer_from_rows(question: str, intent: QueryIntent, loaded: LoadedBuild) -> CitedAnswer | None:
    """`indicator_answer` over a loaded build (what `Engine.ask` calls)."""
    return indicator_answer(
        question,
        intent,
        loaded.commitments,
        loaded.snapshot.documents,
        loaded.encoder.encode_queries,
        loaded.tuning.indicator_answers,
    )


def indicator_answer(
    question: str,
    intent: QueryIntent,
    index: CommitmentIndex,
    documents: dict[str, DocumentInfo],
    encode: Encode,
    params: IndicatorAnswerParams,
) -> CitedAnswer | None:
    """An answer (as from `Engine.ask`) built from an indicator's rows, or None."""
    asks_target, asks_outcome = bool(TARGET_Q.search(question)), bool(OUTCOME_Q.search(question))
    if not (asks_target or asks_outcome or intent.trend):
        return None
    match = best_indicator(question, intent, index, encode, params)
    if match is None:
        return None
    applied = Applied(intent.filters, intent.boost_doc_type)
    if intent.trend and len(match.records) >= 2:
        return _series_answer(question, match, documents, applied)
    if not (asks_target or asks_outcome):
        return None
    year = intent.filters.year
    wanted = ["outcome", "forecast"] if asks_outcome else ["target", "kf_target"]
    if asks_target and KF_Q.search(question):
        wanted = ["kf_target", "target"]
    record = _pick(match.records, year, wanted, intent.boost_doc_type)
    if record is None:
        return None
    return _value_answer(question, record, wanted, documents, applied)


def best_indicator(
    question: str,
    intent: QueryIntent,
    index: CommitmentIndex,
    encode: Encode,
    params: IndicatorAnswerParams,
) -> Match | None:
    """The indicator the question is about, when one stands out (`params.min_match` and
    `min_margin`; scores as in `CommitmentIndex.relevance`)."""
    text = _subject(question, (intent.filters.unit,) if intent.filters.unit else ())
    if len(index.analyzer.terms(text)) < 1:
        return None
    filters = intent.filters
    vector = encode([text])[0]
    found = index.search("indicator", text, vector, filters.district, filters.year, 5, filters.unit)
    if not found or (found[0].score or 0.0) < params.min_match:
        return None
    best = found[0]
    records = [index.records[row] for row, _ in index.rows(best.group)]
    for other in found[1:]:
        other_records = [index.records[row] for row, _ in index.rows(other.group)]
        close = (best.score or 0.0) - (other.score or 0.0) < params.min_margin
        if close and _figures(other_records) != _figures(records):
            return None
    return Match(group=best.group, records=records, score=best.score or 0.0)


def _subject(question: str, units: tuple[str, ...] = ()) -> str:
    """The question without its asking words, district, unit, years and report names."""
    text = question
    for name in [*units, *DISTRICTS, *DISTRICT_ALIASES]:
        text = re.sub(rf"\b{re.escape(name)}s?\b", " ", text, flags=re.I)
    return " ".join(ASK_WORDS.sub(" ", text).split())


def _figures(records: list[Record]) -> list[tuple[str, str]]:
    return [(k, v.text) for r in records for k, v in sorted(r.values.items())]


def _pick(
    records: list[Record], year: int | None, wanted: list[str], doc_type: str | None
) -> Record | None:
    """The report that best answers: the asked year; for targets the plan, for outcomes the
    latest follow-up; a report type named in the question first."""
    candidates = [r for r in records if any(f in r.values for f in wanted)]
    if year is not None:
        candidates = [r for r in candidates if r.year == year]
    if not candidates:
        return None
    if doc_type:
        named = [r for r in candidates if (r.doc_type or "").startswith(doc_type)]
        candidates = named or candidates
    if wanted[0] in ("target", "kf_target"):
        newest = max(r.year or 0 for r in candidates)
        return next(r for r in candidates if (r.year or 0) == newest)
    return candidates[-1]


def _value_answer(
    question: str,
    record: Record,
    wanted: list[str],
    documents: dict[str, DocumentInfo],
    applied: Applied,
) -> CitedAnswer:
    """'Årsmål 2021 för andel barn ...: 3,2 % (KF:s årsmål 2,7 %).'"""
    main = next(f for f in wanted if f in record.values)
    extras = [f for f in wanted if f != main and f in record.values]
    extras += [
        f for f in ("outcome", "forecast", "target") if f not in wanted and f in record.values
    ]
    name = record.name[:1].lower() + record.name[1:] if record.name[1:2].islower() else record.name
    if record.unit:
        name = f"{name} ({record.unit})"
    label = _field_label(main, record)
    sentence = f"{label[:1].upper()}{label[1:]} {_when(record)} för {name}: "
    sentence += record.values[main].text
    if extras:
        sentence += (
            " ("
            + ", ".join(f"{_field_label(f, record)} {record.values[f].text}" for f in extras)
            + ")"
        )
    sentence += "."
    return CitedAnswer(
        question=question,
        answered=True,
        kind="indicator",
        sentences=[(sentence, [1])],
        citations=[_citation(1, record, documents)],
        applied=applied,
        tables=[indicator_table([record])],
    )


def _series_answer(
    question: str, match: Match, documents: dict[str, DocumentInfo], applied: Applied
) -> CitedAnswer:
    sentences: list[tuple[str, list[int]]] = []
    timeline: list[TimelineEntry] = []
    citations: list[Citation] = []
    previous_name = ""
    for number, record in enumerate(match.records, start=1):
        figures = [
            f"{_field_label(f, record)} {v.text}" for f, v in _ordered(record.values) if v.text
        ]
        label = f"{record.year or ''} {DOC_TYPE_NAMES.get(record.doc_type or '', '')}".strip()
        text = ", ".join(figures) or "inga värden"
        if record.name != previous_name:
            text = f"{record.name}: {text}"
            previous_name = record.name
        sentences.append((f"{label}: {text}.", [number]))
        timeline.append(
            TimelineEntry(
                year=record.year,
                doc_type=record.doc_type,
                title=documents[record.doc_id].title if record.doc_id in documents else label,
                label=label,
                text=text,
                citation=number,
                figures=[v.text for _, v in _ordered(record.values)],
            )
        )
        citations.append(_citation(number, record, documents))
    return CitedAnswer(
        question=question,
        answered=True,
        kind="timeline",
        sentences=sentences,
        citations=citations,
        applied=applied,
        timeline=timeline,
        tables=[indicator_table(match.records)],
    )


def indicator_table(records: list[Record]) -> AnswerTable:
    """Indicator rows as a table: name, each figure the rows have (target, outcome, ...), year;
    row n cites source n."""
    fields = [
        f for f in INDICATOR_FIELDS if any(r.values.get(f) and r.values[f].text for r in records)
    ]
    labels = [_field_label(f, records[0]) for f in fields]
    header = ["Indikator", *(label[:1].upper() + label[1:] for label in labels), "År"]
    rows = [
        [
            record.name,
            *(record.values[f].text if f in record.values else "" for f in fields),
            _when(record),
        ]
        for record in records
    ]
    return AnswerTable(header=header, rows=rows, citations=list(range(1, len(records) + 1)))


def _ordered(values: dict[str, Value]) -> list[tuple[str, Value]]:
    return [(f, values[f]) for f in INDICATOR_FIELDS if f in values]


def _field_label(field: str, record: Record) -> str:
    """'årsmål', 'KF:s årsmål', 'utfall VB 2020' (the year the previous-year column names)."""
    year = re.search(r"(?:VB\s*)?(?:19|20)\d{2}", record.labels.get(field, ""))
    if field == "previous" and year:
        return f"utfall {year.group(0)}"
    return FIELD_NAMES.get(field, field)


def _when(record: Record) -> str:
    """'Tertial 1 2021' or 'VB 2024' from the period column, else the report's year."""
    period = record.period or ""
    if re.search(r"\d{4}", period) and not period.isdigit():
        return period
    return str(record.year or "")


def _citation(number: int, record: Record, documents: dict[str, DocumentInfo]) -> Citation:
    doc = documents.get(record.doc_id)
    return Citation(
        id=number,
        document=doc.name if doc else record.doc_id,
        doc_id=record.doc_id,
        title=doc.title if doc else report_label(record),
        year=record.year,
        district=record.district,
        doc_type=record.doc_type,
        unit=record.unit,
        page=record.page,
        pages=record.pages,
        section=record.section,
        goal=record.goal,
        quote=row_quote(record),
        ocr=doc is not None and not set(record.pages).isdisjoint(doc.ocr_pages),
    )


def row_quote(record: Record) -> str:
    """The row as a reader sees it: name, then each column with its header."""
    cells = [f"{record.labels.get(f, f)} {v.text}" for f, v in _ordered(record.values)]
    if record.period:
        cells.append(f"Period {record.period}")
    quote = f"{record.name}: {', '.join(cells)}." if cells else record.name
    return f"{quote} Analys: {record.analysis}" if record.analysis else quote
