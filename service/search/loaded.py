"""One index build as the service serves it: the snapshot and everything derived from it.

`load_build` makes it once per build, when the build is loaded (at start and at each reload,
never inside a request): the searcher with its BM25 index, the answerer, the facets for
filter menus and input checks, the vocabulary that query understanding reads, and the
commitment index (indicators and goals linked across reports). The engine swaps a loaded build
whole, so a request keeps every part of the build it started with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from service.answers.passages import Answerer
from service.commitments.index import CommitmentIndex, build_commitment_index
from service.language.expansion import Expander
from service.language.thesaurus import Thesaurus
from service.results import FacetGoal, Facets
from service.search.lexical import LexicalIndex
from service.search.query import Vocabulary
from service.search.retrieval import QueryEncoder, Searcher
from service.search.snapshot import Snapshot
from service.settings import Tuning


@dataclass(frozen=True)
class LoadedBuild:
    """A snapshot with its derived parts, made with one set of tuned numbers."""

    snapshot: Snapshot
    searcher: Searcher
    answerer: Answerer
    commitments: CommitmentIndex
    facets: Facets
    vocabulary: Vocabulary
    tuning: Tuning

    @property
    def build(self) -> Path:
        return self.snapshot.build

    @property
    def lexical(self) -> LexicalIndex:
        return self.searcher.lexical

    @property
    def encoder(self) -> QueryEncoder:
        return self.searcher.encoder


def load_build(
    snapshot: Snapshot,
    encoder: QueryEncoder,
    tuning: Tuning,
    thesaurus: Thesaurus | None = None,
) -> LoadedBuild:
    """Everything the service derives from a snapshot, made once."""
    lexical = LexicalIndex.load(snapshot.build, snapshot.manifest)
    expander = Expander(thesaurus, lexical) if thesaurus is not None else None
    searcher = Searcher(snapshot, encoder, tuning.fusion, lexical, expander)
    facets = build_facets(snapshot)
    return LoadedBuild(
        snapshot=snapshot,
        searcher=searcher,
        answerer=Answerer(snapshot, lexical, tuning.answers, expander),
        commitments=build_commitment_index(snapshot, tuning.commitments),
        facets=facets,
        vocabulary=Vocabulary(
            districts=frozenset(facets.districts),
            years=frozenset(facets.years),
            units=tuple(facets.units),
        ),
        tuning=tuning,
    )


def build_facets(snapshot: Snapshot) -> Facets:
    """Districts, years, report types, units and goals (number and title per year) of a build."""
    docs = list(snapshot.documents.values())
    goals: dict[tuple[str, int | None], FacetGoal] = {}
    for chunk in snapshot.chunks:
        year = snapshot.documents[chunk.doc_id].year
        for goal in chunk.goals:
            if goal.number:
                goals.setdefault(
                    (goal.number, year), FacetGoal(goal.number, goal.title, year, goal.level)
                )
    ordered = sorted(goals.values(), key=lambda g: (g.year or 0, _number_key(g.number)))
    return Facets(
        districts=sorted({d.district for d in docs if d.district}),
        years=sorted({d.year for d in docs if d.year}),
        doc_types=sorted({d.doc_type for d in docs if d.doc_type}),
        units=sorted({u for d in docs for u in d.units}),
        goals=ordered,
    )


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split(".") if p.isdigit())
