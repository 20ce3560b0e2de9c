"""Answers built from the reports' own sentences, each with citations; timelines for change.

The passages found by search are cut into sentences (a table row becomes one sentence that
names its columns). Each sentence is scored against the question with the embedding model and
by the question's rare words it contains; the best few form the answer. Nothing is written
that is not in a report. When the best sentence is too weak, or the question asks for a kind
of fact (an amount, a number, a time) that no good sentence contains, the answer says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from indexer.chunking.sentences import figures
from indexer.labels import DOC_TYPE_NAMES, DOC_TYPE_ORDER
from indexer.models import DocumentInfo
from service.results import TimelineEntry
from service.search.lexical import LexicalIndex, looks_english
from service.search.retrieval import Hit
from service.search.snapshot import Snapshot
from service.settings import AnswerParams

NOT_FOUND = "Hittade inget svar i rapporterna."
AMOUNT_Q = re.compile(
    r"\b(vad kostade|vad kostar|vad kostade|hur mycket (pengar|kostade|kostar|söktes|fick)|"
    r"kostnaden för|how much (money|did|does|was)|what did .* cost)\b",
    re.I,
)
AMOUNT = re.compile(r"\d[\d ,.]*\s*(mnkr|tkr|kr\b|kronor|miljon|miljoner|miljard)|\bmnkr\b", re.I)
COUNT_Q = re.compile(r"\b(hur många|how many)\b", re.I)
COUNT = re.compile(r"\d|\b(en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|hälften)\b", re.I)
WHEN_Q = re.compile(r"^\s*(när|when)\b", re.I)
WHEN = re.compile(
    r"\b(19|20)\d{2}\b|\b(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|"
    r"november|december|våren|hösten|sommaren|vintern|under året|tertial|kvartal|vecka)\b",
    re.I,
)
SHARE_Q = re.compile(
    r"\b(hur stor andel|vilken andel|hur stor del|what share|what proportion)\b", re.I
)
SHARE = re.compile(r"%|\bprocent\b|\bandel\b|\bhälften\b", re.I)


@dataclass
class Candidate:
    hit_rank: int
    hit: Hit
    text: str
    row: int = 0
    """Row of the sentence's vector in the snapshot."""
    score: float = 0.0
    similarity: float = 0.0
    rare: float = 0.0


@dataclass
class Answer:
    question: str
    answered: bool
    kind: str
    sentences: list[tuple[str, list[int]]] = field(default_factory=list)
    citations: list[Hit] = field(default_factory=list)
    timeline: list[TimelineEntry] | None = None
    message: str | None = None

    @classmethod
    def found(
        cls,
        question: str,
        kind: str,
        sentences: list[tuple[str, list[int]]],
        citations: list[Hit],
        timeline: list[TimelineEntry] | None = None,
    ) -> Answer:
        return cls(question, True, kind, sentences, citations, timeline)

    @classmethod
    def not_found(cls, question: str) -> Answer:
        return cls(question, False, "none", message=NOT_FOUND)


class Answerer:
    def __init__(
        self,
        snapshot: Snapshot,
        lexical: LexicalIndex,
        params: AnswerParams | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.lexical = lexical
        self.params = params or AnswerParams()

    def answer(
        self, question: str, query_vector: np.ndarray, hits: list[Hit], trend: bool
    ) -> Answer:
        candidates = self._candidates(
            hits[: self.params.timeline_passages if trend else self.params.passages]
        )
        if not candidates:
            return Answer.not_found(question)
        self._score(question, query_vector, candidates)
        best = max(candidates, key=lambda c: c.score)
        floor = self.params.min_score_english if looks_english(question) else self.params.min_score
        if best.score < floor:
            return Answer.not_found(question)
        if trend:
            timeline = self._timeline(question, candidates, best.score, floor)
            if timeline is not None:
                return timeline
        chosen = self._choose(question, candidates, floor)
        if not chosen:
            return Answer.not_found(question)
        return self._passage_answer(question, chosen)

    # ------------------------------------------------------------------ candidates

    def _candidates(self, hits: list[Hit]) -> list[Candidate]:
        out: list[Candidate] = []
        for rank, hit in enumerate(hits):
            rows = self.snapshot.sentence_rows(hit.row)
            for row, sentence in zip(rows, hit.chunk.sentences, strict=True):
                out.append(Candidate(hit_rank=rank, hit=hit, text=sentence, row=row))
                if len(out) >= self.params.max_candidates:
                    return out
        return out

    def _score(self, question: str, vector: np.ndarray, candidates: list[Candidate]) -> None:
        rows = [c.row for c in candidates]
        similarity = self.snapshot.sentence_vectors[rows] @ vector.astype(np.float32)
        weights = self._rare_term_weights(question)
        total = sum(weights.values()) or 1.0
        for c, sim in zip(candidates, similarity, strict=True):
            terms = set(self.lexical.analyzer.terms(c.text))
            c.similarity = float(sim)
            c.rare = sum(w for t, w in weights.items() if t in terms) / total
            c.score = (
                c.similarity
                + self.params.rare_weight * c.rare
                - self.params.rank_penalty * c.hit_rank
            )

    def _rare_term_weights(self, question: str) -> dict[str, float]:
        """Question terms weighted by how rare they are in the corpus (unknown terms count most)."""
        index = self.lexical
        weights: dict[str, float] = {}
        for term in set(index.analyzer.terms(question)):
            df = index.document_frequency(term)
            weights[term] = math.log((index.size + 1) / (df + 1))
        return weights

    def _choose(self, question: str, candidates: list[Candidate], floor: float) -> list[Candidate]:
        """The best sentences near the top score that hold what the question asks for."""
        ranked = sorted(candidates, key=lambda c: -c.score)
        top = ranked[0].score
        near = [c for c in ranked if c.score >= top - self.params.keep_within]
        needed = _needed_pattern(question)
        if needed is not None:
            fitting = [c for c in ranked if c.score >= floor and needed.search(c.text)]
            if not fitting:
                return []
            if fitting[0] not in near:
                near = [fitting[0], *near]
        chosen: list[Candidate] = []
        seen: set[str] = set()
        for c in near:
            key = " ".join(c.text.lower().split())
            if key in seen:
                continue
            seen.add(key)
            chosen.append(c)
            if len(chosen) >= self.params.max_sentences:
                break
        return sorted(chosen, key=lambda c: (c.hit_rank, candidates.index(c)))

    def _passage_answer(self, question: str, chosen: list[Candidate]) -> Answer:
        citations: list[Hit] = []
        sentences: list[tuple[str, list[int]]] = []
        for c in chosen:
            if c.hit not in citations:
                citations.append(c.hit)
            sentences.append((c.text, [citations.index(c.hit) + 1]))
        kind = "indicator" if chosen[0].hit.chunk.table_rows else "passages"
        return Answer.found(question, kind, sentences, citations)

    # ------------------------------------------------------------------ timeline

    def _timeline(
        self, question: str, candidates: list[Candidate], top: float, min_score: float
    ) -> Answer | None:
        """One entry per report (oldest first) with its best sentence, if two or more fit."""
        best_per_doc: dict[str, Candidate] = {}
        for c in candidates:
            if c.score < min_score:
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


def _needed_pattern(question: str) -> re.Pattern[str] | None:
    if AMOUNT_Q.search(question):
        return AMOUNT
    if SHARE_Q.search(question):
        return SHARE
    if COUNT_Q.search(question):
        return COUNT
    if WHEN_Q.search(question):
        return WHEN
    return None
