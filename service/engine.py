"""The search engine as the CLI and the API see it: one loaded build, one model, swappable.

`Engine.reload_if_changed()` loads a new build when `current` points somewhere new; requests
already running keep the loaded build they started with, so a switch never breaks them.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from indexer import store
from indexer.structure.metadata import fold
from service.answers.indicators import answer_from_rows
from service.answers.passages import Answer
from service.api.errors import ApiError
from service.search.highlight import highlight_spans
from service.search.loaded import LoadedBuild, load_build
from service.search.query import Vocabulary, understand
from service.search.retrieval import Hit, Searcher, SearchResult
from service.search.runtime import ensure_model_matches, get_embedder, model_info
from service.search.snapshot import Filters, Snapshot, load_snapshot
from service.settings import Settings

GOAL_NUMBER = re.compile(r"^\d{1,2}(\.\d{1,2}){0,3}$")


class Engine:
    def __init__(self, settings: Settings) -> None:
        # NumPy's BLAS threads keep spinning for a while after each matrix product and then
        # compete with the model's OpenMP threads for the same cores: with both pools at full
        # size a 10 ms query encoding takes up to 110 ms. The products here are small.
        threadpool_limits(limits=1, user_api="blas")
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        self.model = model_info(settings)
        self._lock = threading.Lock()
        self._current: LoadedBuild | None = None
        self.reload()

    @property
    def loaded(self) -> LoadedBuild:
        """The build in use with everything derived from it; read it once per request."""
        assert self._current is not None
        return self._current

    @property
    def searcher(self) -> Searcher:
        return self.loaded.searcher

    @property
    def snapshot(self) -> Snapshot:
        return self.loaded.snapshot

    def reload(self) -> bool:
        """Load the current build if it is not the one in use; True if it changed."""
        with self._lock:
            build = store.current_build(self.index_dir)
            if self._current is not None and build == self._current.build:
                return False
            snapshot = load_snapshot(self.index_dir)
            ensure_model_matches(snapshot.manifest.model, self.model, self.index_dir)
            encoder = get_embedder(self.settings.model, self.settings.precision)
            self._current = load_build(snapshot, encoder, self.settings.tuning)
            return True

    def reload_if_changed(self) -> bool:
        build = store.current_build(self.index_dir)
        current = self._current.build if self._current else None
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

    def search_payload(self, result: SearchResult) -> dict[str, Any]:
        applied: dict[str, Any] = dict(result.filters.active())
        if result.boost_doc_type:
            applied["boost_doc_type"] = result.boost_doc_type
        return {
            "query": result.query,
            "filters": applied,
            "hits": [self.hit_payload(hit, result.query, result.snapshot) for hit in result.hits],
        }

    # ------------------------------------------------------------------ answers

    def ask(
        self,
        question: str,
        filters: Filters | None = None,
        disable: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """An answer of cited report sentences (a timeline for questions about change)."""
        loaded = self.loaded
        searcher, answerer = loaded.searcher, loaded.answerer
        intent = understand(question, filters or Filters(), loaded.vocabulary, disable)
        from_rows = answer_from_rows(question, intent, loaded)
        if from_rows is not None:
            return from_rows
        vector = searcher.encoder.encode_queries([question])[0]
        k = answerer.params.timeline_passages if intent.timeline else answerer.params.passages
        result = searcher.search_vector(question, vector, k, intent.filters, intent.boost_doc_type)
        answer = answerer.answer(question, vector, result.hits, intent.timeline)
        applied: dict[str, Any] = dict(intent.filters.active())
        if intent.boost_doc_type:
            applied["boost_doc_type"] = intent.boost_doc_type
        return self.answer_payload(answer, applied)

    def answer_payload(self, answer: Answer, applied: dict[str, Any]) -> dict[str, Any]:
        citations = []
        for number, hit in enumerate(answer.citations, start=1):
            chunk, doc = hit.chunk, hit.document
            goal = chunk.goal
            citations.append(
                {
                    "id": number,
                    "document": doc.name,
                    "doc_id": doc.doc_id,
                    "title": doc.title,
                    "year": doc.year,
                    "district": doc.district,
                    "doc_type": doc.doc_type,
                    "unit": chunk.unit,
                    "page": chunk.pages[0] if chunk.pages else None,
                    "pages": chunk.pages,
                    "section": chunk.section,
                    "goal": {"number": goal.number, "title": goal.title, "level": goal.level}
                    if goal
                    else None,
                    "quote": chunk.text,
                }
            )
        text = " ".join(
            f"{sentence} " + "".join(f"[{n}]" for n in numbers)
            for sentence, numbers in answer.sentences
        )
        if answer.kind == "timeline":
            text = "\n".join(
                f"{sentence} " + "".join(f"[{n}]" for n in numbers)
                for sentence, numbers in answer.sentences
            )
        return {
            "question": answer.question,
            "answered": answer.answered,
            "answer": text if answer.answered else (answer.message or ""),
            "sentences": [{"text": s, "citations": n} for s, n in answer.sentences],
            "citations": citations,
            "timeline": answer.timeline,
            "filters": applied,
            "kind": answer.kind,
            "message": answer.message,
        }

    @staticmethod
    def format_answer(payload: dict[str, Any]) -> str:
        """The answer for a terminal: text, then the numbered sources."""
        lines = [payload["answer"]]
        for c in payload["citations"]:
            pages = ",".join(str(p) for p in c["pages"]) or "?"
            unit = f", {c['unit']}" if c["unit"] else ""
            lines.append(f"  [{c['id']}] {c['title']}{unit}, s. {pages} — {c['section']}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ input checks

    def check_query(self, text: str) -> str:
        query = " ".join(text.split())
        if not query:
            raise ApiError(422, "q: the question is empty")
        if len(query) > self.settings.max_query_chars:
            limit = self.settings.max_query_chars
            raise ApiError(422, f"q: the question is {len(query)} characters; at most {limit}")
        if not re.search(r"\w", query):
            raise ApiError(422, "q: the question has no words")
        return query

    def check_disabled(self, names: list[str]) -> frozenset[str]:
        """Names of filters the caller does not want read from the question."""
        allowed = {"district", "year", "doc_type", "goal", "unit"}
        cleaned = {n.strip() for n in names if n.strip()}
        unknown = cleaned - allowed
        if unknown:
            raise ApiError(
                422, f"nofilter: unknown filter name(s) {sorted(unknown)}; use {sorted(allowed)}"
            )
        return frozenset(cleaned)

    def check_filters(self, filters: Filters) -> Filters:
        """Unknown filter values are errors (naming the field and the values that exist)."""
        facets = self.facets()
        checks = [
            ("district", filters.district, facets["districts"]),
            ("doc_type", filters.doc_type, facets["doc_types"] + ["tertialrapport"]),
            ("unit", filters.unit, facets["units"]),
        ]
        for name, value, known in checks:
            if value is not None and fold(value) not in {fold(v) for v in known}:
                raise ApiError(
                    400, f"{name}: unknown value {value!r}; known: {', '.join(known) or 'none'}"
                )
        if filters.year is not None and filters.year not in facets["years"]:
            years = ", ".join(str(y) for y in facets["years"])
            raise ApiError(
                400, f"year: no reports from {filters.year} in the index; known: {years}"
            )
        if filters.goal is not None and not GOAL_NUMBER.match(filters.goal.strip()):
            raise ApiError(422, f"goal: {filters.goal!r} is not a goal number like 1.3 or 1.3.2")
        return Filters(
            district=self._canonical(filters.district, facets["districts"]),
            year=filters.year,
            doc_type=filters.doc_type and fold(filters.doc_type).replace(" ", "-"),
            goal=filters.goal and filters.goal.strip().rstrip("."),
            unit=self._canonical(filters.unit, facets["units"]),
        )

    @staticmethod
    def _canonical(value: str | None, known: list[str]) -> str | None:
        if value is None:
            return None
        return next((k for k in known if fold(k) == fold(value)), value)

    # ------------------------------------------------------------------ listings

    def facets(self) -> dict[str, Any]:
        """What the index holds, for filter menus and input checks (computed once per build)."""
        return self.loaded.facets

    # ------------------------------------------------------------------ documents

    def documents(self) -> list[dict[str, Any]]:
        snapshot = self.snapshot
        counts: dict[str, int] = {}
        for chunk in snapshot.chunks:
            counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
        return [
            {
                "id": d.doc_id,
                "name": d.name,
                "title": d.title,
                "district": d.district,
                "year": d.year,
                "doc_type": d.doc_type,
                "units": d.units,
                "pages": d.page_count,
                "chunks": counts.get(d.doc_id, 0),
                "pdf": f"/api/documents/{d.doc_id}/pdf"
                if d.name.lower().endswith(".pdf")
                else None,
            }
            for d in sorted(snapshot.documents.values(), key=lambda d: (d.year or 0, d.name))
        ]

    def document(self, doc_id: str) -> dict[str, Any]:
        for doc in self.documents():
            if doc["id"] == doc_id:
                return doc
        raise ApiError(404, f"document {doc_id[:80]!r} not found")

    def document_file(self, doc_id: str) -> tuple[Path, str]:
        """The file of an indexed document; only names recorded in the index are served."""
        snapshot = self.snapshot
        doc = snapshot.documents.get(doc_id)
        if doc is None:
            raise ApiError(404, f"document {doc_id[:80]!r} not found")
        corpus = Path(snapshot.manifest.corpus_dir).resolve()
        path = (corpus / doc.name).resolve()
        if path.parent != corpus or not path.is_file():
            raise ApiError(404, f"the file of document {doc_id!r} is no longer in the corpus")
        media = "application/pdf" if path.suffix.lower() == ".pdf" else "text/plain; charset=utf-8"
        return path, media

    def health(self) -> dict[str, Any]:
        snapshot = self.snapshot
        return {
            "status": "ok",
            "index_loaded": True,
            "build": snapshot.build.name,
            "built_at": snapshot.manifest.built_at,
            "model": str(snapshot.manifest.model.get("name")),
            "model_id": snapshot.model_id,
            "documents": len(snapshot.documents),
            "chunks": len(snapshot.chunks),
        }

    def hit_payload(self, hit: Hit, query: str, snapshot: Snapshot | None = None) -> dict[str, Any]:
        """A hit as the API shows it; `snapshot` is the one searched (rows refer to it)."""
        chunk, doc = hit.chunk, hit.document
        goal = chunk.goal
        snapshot = snapshot or self.snapshot
        also = []
        for row in hit.also_in:
            other = snapshot.chunks[row]
            also.append(
                {
                    "document": snapshot.documents[other.doc_id].name,
                    "unit": other.unit,
                    "page": other.pages[0] if other.pages else None,
                }
            )
        return {
            "text": chunk.text,
            "score": round(hit.score, 4),
            "document": doc.name,
            "doc_id": doc.doc_id,
            "title": doc.title,
            "district": doc.district,
            "year": doc.year,
            "doc_type": doc.doc_type,
            "unit": chunk.unit,
            "goal": {"number": goal.number, "title": goal.title, "level": goal.level}
            if goal
            else None,
            "goals": [
                {"number": g.number, "title": g.title, "level": g.level} for g in chunk.goals
            ],
            "section": chunk.section,
            "page": chunk.pages[0] if chunk.pages else None,
            "pages": chunk.pages,
            "kind": chunk.kind,
            "assessment": chunk.assessment,
            "highlights": highlight_spans(chunk.text, query, self.searcher.lexical.analyzer),
            "also_in": also,
        }


def open_engine(settings: Settings) -> Engine:
    return Engine(settings)
