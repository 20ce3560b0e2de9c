"""The search engine as the CLI and the API see it: one snapshot, one model, swappable.

`Engine.reload_if_changed()` loads a new build when `current` points somewhere new; requests
already running keep the snapshot they started with, so a switch never breaks them. The engine
checks input and answers with typed results (`service.results`); it knows nothing of HTTP.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from indexer.commitments.records import RecordKind
from indexer.labels import DOC_TYPE_FILTERS
from indexer.reading.ocr import ocr_status
from indexer.store.format import StoreUnavailableError
from indexer.store.postgres.connection import is_postgres_url
from indexer.structure.metadata import fold
from service.answers.indicators import answer_from_rows
from service.commitments.views import Comparison
from service.errors import InvalidInput, NotFound, NotReady, UnknownValue
from service.language.lemmas import warm_up
from service.language.thesaurus import load_thesaurus
from service.library.goals import goal_tree
from service.results import (
    Applied,
    Citation,
    CitedAnswer,
    Copy,
    DocumentSummary,
    Facets,
    GoalNode,
    Health,
    Passage,
    Passages,
    ReportFile,
    StoreStatus,
)
from service.search.highlight import highlight_spans
from service.search.loaded import LoadedBuild, load_build
from service.search.query import Vocabulary, understand
from service.search.retrieval import Hit, Searcher, SearchResult
from service.search.runtime import ensure_model_matches, get_embedder, model_info
from service.search.snapshot import Filters, Snapshot
from service.search.source import IndexSource, open_source
from service.settings import Settings

GOAL_NUMBER = re.compile(r"^\d{1,2}(\.\d{1,2}){0,3}$")
FILTER_NAMES = ("district", "year", "doc_type", "goal", "unit")
"""Filters a caller may ask not to be read from the question."""


WORD_CHARACTER = "[0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0370-\u04ff]"
"""A letter or digit of the Latin, Greek or Cyrillic scripts, spelled out as ranges so that the
OpenAPI schema's pattern (ECMA-262, where \\w is ASCII only) means what this check means."""


class Engine:
    def __init__(self, settings: Settings) -> None:
        # NumPy's BLAS threads keep spinning for a while after each matrix product and then
        # compete with the model's OpenMP threads for the same cores: with both pools at full
        # size a 10 ms query encoding takes up to 110 ms. The products here are small.
        threadpool_limits(limits=1, user_api="blas")
        self.settings = settings
        self.source: IndexSource = open_source(settings)
        self.model = model_info(settings)
        self.thesaurus, self.thesaurus_status = load_thesaurus(settings.thesaurus)
        if self.thesaurus is not None:
            warm_up()
        self._lock = threading.Lock()
        self._current: LoadedBuild | None = None
        try:
            self.reload()
        except StoreUnavailableError:
            if not is_postgres_url(settings.index_location):
                raise
            # a database that is down at start: serve 503s, and load when it is back

    @property
    def loaded(self) -> LoadedBuild:
        """The build in use with everything derived from it; read it once per request."""
        current = self._current
        if current is None:
            problem = self.source.problem()
            raise NotReady(None, f"no index loaded yet{'; ' + problem if problem else ''}")
        return current

    @property
    def has_build(self) -> bool:
        return self._current is not None

    @property
    def searcher(self) -> Searcher:
        return self.loaded.searcher

    @property
    def snapshot(self) -> Snapshot:
        return self.loaded.snapshot

    def reload(self) -> bool:
        """Load the current build if it is not the one in use; True if it changed."""
        with self._lock:
            build = self.source.current_id()
            if self._current is not None and build == self._current.build.name:
                return False
            snapshot = self.source.load()
            ensure_model_matches(snapshot.manifest.model, self.model, self.source.name)
            encoder = get_embedder(
                self.settings.model,
                self.settings.precision,
                self.settings.device,
                self.settings.runtime,
            )
            self._current = load_build(snapshot, encoder, self.settings.tuning, self.thesaurus)
            return True

    def reload_if_changed(self) -> bool:
        build = self.source.current_id()
        current = self._current.build.name if self._current else None
        return self.reload() if build is not None and build != current else False

    # ------------------------------------------------------------------ search

    def vocabulary(self) -> Vocabulary:
        return self.loaded.vocabulary

    def search(
        self,
        query: str,
        k: int = 10,
        filters: Filters | None = None,
        disable: frozenset[str] = frozenset(),
    ) -> SearchResult:
        """Search with the filters given plus those read from the question."""
        loaded = self.loaded
        intent = understand(query, filters or Filters(), loaded.vocabulary, disable)
        return loaded.searcher.search(
            query, k=k, filters=intent.filters, boost_doc_type=intent.boost_doc_type
        )

    def passages(self, result: SearchResult) -> Passages:
        """A search result with highlights and copies resolved (rows refer to its snapshot)."""
        snapshot = result.snapshot or self.snapshot
        return Passages(
            query=result.query,
            applied=Applied(result.filters, result.boost_doc_type),
            passages=[self._passage(hit, result.query, snapshot) for hit in result.hits],
        )

    def _passage(self, hit: Hit, query: str, snapshot: Snapshot) -> Passage:
        copies = []
        for row in hit.also_in:
            other = snapshot.chunks[row]
            page = other.pages[0] if other.pages else None
            copies.append(Copy(snapshot.documents[other.doc_id].name, other.unit, page))
        analyzer = self.searcher.lexical.analyzer
        return Passage(hit, highlight_spans(hit.chunk.text, query, analyzer), copies)

    # ------------------------------------------------------------------ answers

    def ask(
        self,
        question: str,
        filters: Filters | None = None,
        disable: frozenset[str] = frozenset(),
    ) -> CitedAnswer:
        """An answer of cited report sentences (a timeline for questions about change)."""
        loaded = self.loaded
        searcher, answerer = loaded.searcher, loaded.answerer
        intent = understand(question, filters or Filters(), loaded.vocabulary, disable)
        from_rows = answer_from_rows(question, intent, loaded)
        if from_rows is not None:
            return from_rows
        prepared = searcher.prepare(question)
        k = answerer.params.timeline_passages if intent.timeline else answerer.params.passages
        result = searcher.search_prepared(prepared, k, intent.filters, intent.boost_doc_type)
        answer = answerer.answer(question, prepared, result.hits, intent.timeline)
        return CitedAnswer(
            question=answer.question,
            answered=answer.answered,
            kind=answer.kind,
            sentences=answer.sentences,
            citations=[Citation.of_hit(n, hit) for n, hit in enumerate(answer.citations, 1)],
            applied=Applied(intent.filters, intent.boost_doc_type),
            timeline=answer.timeline,
            message=answer.message,
            related=[Citation.of_hit(n, hit) for n, hit in enumerate(answer.related, 1)],
            tables=answer.tables,
        )

    # ------------------------------------------------------------------ comparisons

    def compare(
        self, kind: RecordKind, query: str | None, filters: Filters, limit: int
    ) -> Comparison:
        """Linked indicators, goals or budget lines matching the query, in the build in use
        (read once, so a reload midway cannot mix builds)."""
        loaded = self.loaded
        index = loaded.commitments
        vector: np.ndarray | None = None
        if query:
            vector = loaded.encoder.encode_queries([query])[0]
        found = index.search(kind, query, vector, filters.district, filters.year, limit)
        return Comparison(query, filters, index, found, loaded.snapshot.documents)

    # ------------------------------------------------------------------ input checks

    def check_query(self, text: str) -> str:
        """The question with whitespace collapsed; empty, over-long or wordless is an error."""
        query = " ".join(text.split())
        if not query:
            raise InvalidInput("q", "the question is empty")
        limit = self.settings.max_query_chars
        if len(text) > limit:
            raise InvalidInput("q", f"the question is {len(text)} characters; at most {limit}")
        if not re.search(WORD_CHARACTER, query):
            raise InvalidInput("q", "the question has no words")
        return query

    def check_optional_query(self, text: str | None) -> str | None:
        """Words to match, whitespace collapsed; None when there are none (list everything)."""
        limit = self.settings.max_query_chars
        if text is not None and len(text) > limit:
            raise InvalidInput("q", f"{len(text)} characters; at most {limit}")
        return " ".join((text or "").split()) or None

    def check_disabled(self, names: list[str]) -> frozenset[str]:
        """Names of filters the caller does not want read from the question."""
        cleaned = {n.strip() for n in names if n.strip()}
        unknown = cleaned - set(FILTER_NAMES)
        if unknown:
            raise InvalidInput(
                "nofilter",
                f"unknown filter name(s) {sorted(unknown)}; use {sorted(FILTER_NAMES)}",
            )
        return frozenset(cleaned)

    def check_filters(self, filters: Filters) -> Filters:
        """Unknown filter values are errors (naming the field and the values that exist)."""
        facets = self.facets()
        checks = [
            ("district", filters.district, facets.districts),
            ("doc_type", filters.doc_type, facets.doc_types + list(DOC_TYPE_FILTERS)),
            ("unit", filters.unit, facets.units),
        ]
        for name, value, known in checks:
            if value is not None and fold(value) not in {fold(v) for v in known}:
                raise UnknownValue(
                    name, f"unknown value {value!r}; known: {', '.join(known) or 'none'}"
                )
        if filters.year is not None and filters.year not in facets.years:
            years = ", ".join(str(y) for y in facets.years)
            raise UnknownValue(
                "year", f"no reports from {filters.year} in the index; known: {years}"
            )
        if filters.goal is not None and not GOAL_NUMBER.match(filters.goal.strip()):
            raise InvalidInput("goal", f"{filters.goal!r} is not a goal number like 1.3 or 1.3.2")
        return Filters(
            district=_canonical(filters.district, facets.districts),
            year=filters.year,
            doc_type=filters.doc_type and fold(filters.doc_type).replace(" ", "-"),
            goal=filters.goal and filters.goal.strip().rstrip("."),
            unit=_canonical(filters.unit, facets.units),
        )

    # ------------------------------------------------------------------ listings

    def facets(self) -> Facets:
        """What the index holds, for filter menus and input checks (computed once per build)."""
        return self.loaded.facets

    def documents(self) -> list[DocumentSummary]:
        snapshot = self.snapshot
        counts: dict[str, int] = {}
        for chunk in snapshot.chunks:
            counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
        kinds = Counter((record.doc_id, record.kind) for record in snapshot.records.items)
        return [
            DocumentSummary(
                doc_id=d.doc_id,
                name=d.name,
                title=d.title,
                district=d.district,
                year=d.year,
                doc_type=d.doc_type,
                units=d.units,
                pages=d.page_count,
                chunks=counts.get(d.doc_id, 0),
                ocr_pages=len(d.ocr_pages),
                goals=kinds.get((d.doc_id, "goal"), 0),
                indicators=kinds.get((d.doc_id, "indicator"), 0),
                activities=kinds.get((d.doc_id, "activity"), 0),
                budget_lines=kinds.get((d.doc_id, "budget"), 0),
                problems=tuple(d.problems),
            )
            for d in sorted(snapshot.documents.values(), key=lambda d: (d.year or 0, d.name))
        ]

    def document(self, doc_id: str) -> DocumentSummary:
        for doc in self.documents():
            if doc.doc_id == doc_id:
                return doc
        raise NotFound(None, f"document {doc_id[:80]!r} not found")

    def goal_tree(self, doc_id: str) -> list[GoalNode]:
        """The report's goals as a tree, in report order (`service.library.goals`)."""
        snapshot = self.snapshot
        if doc_id not in snapshot.documents:
            raise NotFound(None, f"document {doc_id[:80]!r} not found")
        return goal_tree([r for r in snapshot.records.items if r.doc_id == doc_id])

    def document_file(self, doc_id: str) -> ReportFile:
        """The file of an indexed document; only names recorded in the index are served."""
        snapshot = self.snapshot
        doc = snapshot.documents.get(doc_id)
        if doc is None:
            raise NotFound(None, f"document {doc_id[:80]!r} not found")
        corpus = Path(snapshot.manifest.corpus_dir).resolve()
        path = (corpus / doc.name).resolve()
        if path.parent != corpus or not path.is_file():
            raise NotFound(None, f"the file of document {doc_id!r} is no longer in the corpus")
        media = "application/pdf" if path.suffix.lower() == ".pdf" else "text/plain; charset=utf-8"
        return ReportFile(path, media)

    def store_status(self) -> StoreStatus:
        problem = self.source.problem()
        kind = "postgresql" if is_postgres_url(self.settings.index_location) else "directory"
        return StoreStatus(kind, self.source.name, problem is None, problem)

    def health(self) -> Health:
        store_status = self.store_status()
        if self._current is None:
            return Health(
                "unavailable",
                False,
                ocr=ocr_status(),
                everyday_words=self.thesaurus_status,
                store=store_status,
            )
        snapshot = self.snapshot
        return Health(
            status="ok" if store_status.reachable else "unavailable",
            index_loaded=True,
            build=snapshot.build.name,
            built_at=snapshot.manifest.built_at,
            model=str(snapshot.manifest.model.get("name")),
            model_id=snapshot.model_id,
            documents=len(snapshot.documents),
            chunks=len(snapshot.chunks),
            precision=getattr(self.loaded.encoder, "precision", None),
            device=getattr(self.loaded.encoder, "device", None),
            ocr=ocr_status(),
            everyday_words=self.thesaurus_status,
            store=store_status,
        )


def _canonical(value: str | None, known: list[str]) -> str | None:
    if value is None:
        return None
    return next((k for k in known if fold(k) == fold(value)), value)


def open_engine(settings: Settings) -> Engine:
    return Engine(settings)
