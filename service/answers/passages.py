"""Answers built from the reports' own sentences, each with citations; timelines for change.

The passages found by search are cut into sentences (a table row becomes one sentence that
names its columns). Each sentence is scored against the question with the embedding model and
by the question's rare words it contains; the best few that fit what the question asks
(`service.answers.fit`) form the answer. Nothing is written that is not in a report. When the
best sentence is too weak or none fits, the answer says so, with what the reports do hold and
the closest passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from indexer.chunking.sentences import figures
from indexer.labels import DOC_TYPE_NAMES, DOC_TYPE_ORDER
from indexer.models import DocumentInfo
from service.answers.fit import Fit, FitChecker, refusal_message
from service.answers.question import Frequencies, QuestionAnalysis, analyse
from service.language.expansion import Expander
from service.results import AnswerTable, TimelineEntry
from service.search.lexical import LexicalIndex, looks_english
from service.search.retrieval import Hit, PreparedQuery
from service.search.snapshot import Snapshot
from service.settings import AnswerParams

NOT_FOUND = "Hittade inget svar i rapporterna."
RELATED = 3
"""Closest passages shown beside a refusal, as related reading."""
SAME_FACT = 0.7
"""Sentences sharing this share of their terms say the same thing: the answer keeps one."""


@dataclass
class Candidate:
    hit_rank: int
    hit: Hit
    text: str
    row: int = 0
    """Row of the sentence's vector in the snapshot."""
    position: int = 0
    """The sentence's place in its chunk (for a table chunk: which row)."""
    score: float = 0.0
    similarity: float = 0.0
    rare: float = 0.0
    fit: Fit | None = None


@dataclass
class Answer:
    question: str
    answered: bool
    kind: str
    sentences: list[tuple[str, list[int]]] = field(default_factory=list)
    citations: list[Hit] = field(default_factory=list)
    timeline: list[TimelineEntry] | None = None
    message: str | None = None
    related: list[Hit] = field(default_factory=list)
    """For a refusal: the closest passages, to read for oneself."""
    tables: list[AnswerTable] = field(default_factory=list)
    """Table rows of the answer, as tables (one per table header)."""

    @classmethod
    def found(
        cls,
        question: str,
        kind: str,
        sentences: list[tuple[str, list[int]]],
        citations: list[Hit],
        timeline: list[TimelineEntry] | None = None,
        tables: list[AnswerTable] | None = None,
    ) -> Answer:
        return cls(question, True, kind, sentences, citations, timeline, tables=tables or [])

    @classmethod
    def not_found(
        cls, question: str, message: str = NOT_FOUND, related: list[Hit] | None = None
    ) -> Answer:
        return cls(question, False, "none", message=message, related=related or [])


class Answerer:
    def __init__(
        self,
        snapshot: Snapshot,
        lexical: LexicalIndex,
        params: AnswerParams | None = None,
        expander: Expander | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.lexical = lexical
        self.params = params or AnswerParams()
        self.expander = expander
        self.frequencies = Frequencies(lexical.analyzer, lexical.document_frequency, lexical.size)
        self.fits = FitChecker(self.frequencies)
        self.districts = frozenset(d.district for d in snapshot.documents.values() if d.district)

    def analyse(self, question: str, query: PreparedQuery) -> QuestionAnalysis:
        synonyms = self.expander.synonyms if self.expander is not None else None
        return analyse(question, query.expansion, self.frequencies, synonyms)

    def answer(self, question: str, query: PreparedQuery, hits: list[Hit], trend: bool) -> Answer:
        analysis = self.analyse(question, query)
        related = hits[:RELATED]
        if any(d not in self.districts for d in analysis.districts):
            return self._refuse(analysis, [], related)
        if analysis.unknown and not analysis.key_terms and not looks_english(question):
            return self._refuse(analysis, [], related)  # about nothing the reports mention
        candidates = self._candidates(
            hits[: self.params.timeline_passages if trend else self.params.passages]
        )
        if not candidates:
            return self._refuse(analysis, [], related)
        self._score(question, query, candidates)
        english = looks_english(question)
        floor = self.params.min_score_english if english else self.params.min_score
        coverage = self.params.min_coverage_english if english else self.params.min_coverage
        for c in candidates:
            c.fit = self.fits.fit(analysis, c.text, c.hit.chunk, c.hit.document)
        best = max(candidates, key=lambda c: c.score)
        if best.score < floor:
            return self._refuse(analysis, candidates, related)
        if trend:
            timeline = self._timeline(question, candidates, best.score, floor, coverage)
            if timeline is not None:
                return timeline
        chosen = self._choose(candidates, floor, coverage)
        if not chosen:
            return self._refuse(analysis, candidates, related)
        return self._passage_answer(question, chosen)

    def _refuse(
        self, analysis: QuestionAnalysis, candidates: list[Candidate], related: list[Hit]
    ) -> Answer:
        ranked = sorted(candidates, key=lambda c: -c.score)[: self.params.max_candidates // 4]
        closest = [(c.fit, c.hit.document) for c in ranked if c.fit is not None]
        message = refusal_message(analysis, closest, self.districts)
        return Answer.not_found(analysis.text, message, related)

    # ------------------------------------------------------------------ candidates

    def _candidates(self, hits: list[Hit]) -> list[Candidate]:
        out: list[Candidate] = []
        for rank, hit in enumerate(hits):
            rows = self.snapshot.sentence_rows(hit.row)
            for position, (row, sentence) in enumerate(zip(rows, hit.chunk.sentences, strict=True)):
                out.append(
                    Candidate(hit_rank=rank, hit=hit, text=sentence, row=row, position=position)
                )
                if len(out) >= self.params.max_candidates:
                    return out
        return out

    def _score(self, question: str, query: PreparedQuery, candidates: list[Candidate]) -> None:
        """Similarity to the question (or to its rewording, whichever is closer) plus the
        share of its rare words held; an everyday word counts as held through its mapping."""
        rows = [c.row for c in candidates]
        vectors = self.snapshot.dense.sentence_matrix(rows)
        similarity = np.max(
            np.stack([vectors @ v.astype(np.float32) for v in query.vectors]), axis=0
        )
        weights = self._rare_term_weights(question)
        total = sum(weights.values()) or 1.0
        aliases = self._aliases(query)
        for c, sim in zip(candidates, similarity, strict=True):
            terms = set(self.lexical.analyzer.terms(c.text))
            c.similarity = float(sim)
            c.rare = (
                sum(w for t, w in weights.items() if t in terms or aliases.get(t, set()) & terms)
                / total
            )
            c.score = (
                c.similarity
                + self.params.rare_weight * c.rare
                - self.params.rank_penalty * c.hit_rank
            )

    def _aliases(self, query: PreparedQuery) -> dict[str, set[str]]:
        """Each mapped everyday word's terms -> the terms of the report words it maps to."""
        analyzer = self.lexical.analyzer
        out: dict[str, set[str]] = {}
        for mapping in query.expansion.mappings:
            mapped = set(analyzer.terms(" ".join(mapping.report_words)))
            for term in analyzer.terms(mapping.word):
                out.setdefault(term, set()).update(mapped)
        return out

    def _rare_term_weights(self, question: str) -> dict[str, float]:
        """Question terms weighted by how rare they are in the corpus (unknown terms count most)."""
        terms = set(self.lexical.analyzer.terms(question))
        return {term: self.frequencies.idf(term) for term in terms}

    def _choose(
        self, candidates: list[Candidate], floor: float, coverage: float
    ) -> list[Candidate]:
        """The best fitting sentences near the top score, one per fact."""
        fitting = [
            c
            for c in sorted(candidates, key=lambda c: -c.score)
            if c.score >= floor
            and c.fit is not None
            and c.fit.ok(coverage)
            and _says_something(c.text)
        ]
        if not fitting:
            return []
        top = fitting[0].score
        chosen: list[Candidate] = []
        for c in fitting:
            if c.score < top - self.params.keep_within:
                break
            if any(self._same_fact(c, other) for other in chosen):
                continue
            chosen.append(c)
            if len(chosen) >= self.params.max_sentences:
                break
        return sorted(chosen, key=lambda c: (c.hit_rank, candidates.index(c)))

    def _same_fact(self, a: Candidate, b: Candidate) -> bool:
        """Two sentences that say the same thing (equal, or mostly the same words)."""
        if " ".join(a.text.lower().split()) == " ".join(b.text.lower().split()):
            return True
        terms_a = set(self.lexical.analyzer.terms(a.text))
        terms_b = set(self.lexical.analyzer.terms(b.text))
        if not terms_a or not terms_b:
            return False
        return len(terms_a & terms_b) / min(len(terms_a), len(terms_b)) >= SAME_FACT

    def _passage_answer(self, question: str, chosen: list[Candidate]) -> Answer:
        citations: list[Hit] = []
        sentences: list[tuple[str, list[int]]] = []
        for c in chosen:
            if c.hit not in citations:
                citations.append(c.hit)
            sentences.append((c.text, [citations.index(c.hit) + 1]))
        kind = "indicator" if chosen[0].hit.chunk.table_rows else "passages"
        return Answer.found(question, kind, sentences, citations, tables=_tables(chosen, citations))

    # ------------------------------------------------------------------ timeline

    def _timeline(
        self,
        question: str,
        candidates: list[Candidate],
        top: float,
        min_score: float,
        coverage: float,
    ) -> Answer | None:
        """One entry per report (oldest first) with its best sentence, if two or more fit."""
        best_per_doc: dict[str, Candidate] = {}
        for c in candidates:
            if c.score < min_score or c.fit is None or c.fit.coverage < coverage:
                continue
            if not _says_something(c.text):
                continue
            doc_id = c.hit.document.doc_id
            if doc_id not in best_per_doc or c.score > best_per_doc[doc_id].score:
                best_per_doc[doc_id] = c
        floor = top - (1 - self.params.timeline_min_share) * (top - min_score)
        close = top - self.params.timeline_keep_within
        entries = [c for c in best_per_doc.values() if c.score >= floor or c.score >= close]
        if len({_period(c.hit.document) for c in entries}) < 2:
            return None
        entries.sort(key=lambda c: _period(c.hit.document))
        citations: list[Hit] = []
        timeline = []
        sentences: list[tuple[str, list[int]]] = []
        for c in entries:
            citations.append(c.hit)
            number = len(citations)
            doc = c.hit.document
            label = f"{doc.year or ''} {DOC_TYPE_NAMES.get(doc.doc_type or '', doc.title)}".strip()
            timeline.append(
                TimelineEntry(
                    year=doc.year,
                    doc_type=doc.doc_type,
                    title=doc.title,
                    label=label,
                    text=c.text,
                    citation=number,
                    figures=figures(c.text),
                )
            )
            sentences.append((f"{label}: {c.text}", [number]))
        return Answer.found(question, "timeline", sentences, citations, timeline)


def _period(doc: DocumentInfo) -> tuple[int, int]:
    return (doc.year or 0, DOC_TYPE_ORDER.get(doc.doc_type or "", 9))


CONTACT = re.compile(r"\S+@\S+|\b(tel|telefon)\.?\s*[\d-]", re.I)
MIN_WORDS = 4


def _says_something(sentence: str) -> bool:
    """Not an e-mail address, a phone number or a heading-sized fragment."""
    return not CONTACT.search(sentence) and len(sentence.split()) >= MIN_WORDS


def _tables(chosen: list[Candidate], citations: list[Hit]) -> list[AnswerTable]:
    """The chosen table rows as small tables: one per header, a year column, in answer order."""
    tables: dict[tuple[str, ...], AnswerTable] = {}
    for c in chosen:
        chunk = c.hit.chunk
        if not chunk.table_rows:
            continue
        rows = [r for r in chunk.table_rows if any(r)]
        if c.position >= len(rows):
            continue
        header = tuple(" ".join(h.split()) for h in chunk.table_header or [])
        row = rows[c.position]
        width = max(len(header), len(row))
        header = header + ("",) * (width - len(header))
        table = tables.setdefault(header, AnswerTable(header=[*header, "År"], rows=[]))
        year = str(c.hit.document.year or "")
        cells = [" ".join(v.split()) for v in row] + [""] * (width - len(row))
        table.rows.append([*cells, year])
        table.citations.append(citations.index(c.hit) + 1)
    return [_without_empty_columns(t) for t in tables.values()]


def _without_empty_columns(table: AnswerTable) -> AnswerTable:
    keep = [i for i in range(len(table.header)) if i == 0 or any(r[i] for r in table.rows)]
    return AnswerTable(
        header=[table.header[i] for i in keep],
        rows=[[row[i] for i in keep] for row in table.rows],
        citations=table.citations,
    )
