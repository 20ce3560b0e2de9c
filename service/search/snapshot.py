"""A loaded index build: vectors, chunk metadata and lookup tables, held in memory.

A snapshot never changes once loaded; a new build is a new snapshot, swapped in whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer import store
from indexer.commitments.records import RecordSet
from indexer.models import Chunk, DocumentInfo
from indexer.structure.metadata import fold
from service.search.dense import DenseVectors, FolderVectors, first_sentence_rows


@dataclass(frozen=True)
class Filters:
    """Restrictions on where hits may come from; None means any."""

    district: str | None = None
    year: int | None = None
    doc_type: str | None = None
    goal: str | None = None
    unit: str | None = None

    def active(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Snapshot:
    build: Path
    """A local folder named by the build id (the build itself, or the local copy of a database
    build's BM25 files)."""
    manifest: store.Manifest
    documents: dict[str, DocumentInfo]
    chunks: list[Chunk]
    dense: DenseVectors
    by_hash: dict[str, list[int]] = field(default_factory=dict)
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    records: RecordSet = field(default_factory=RecordSet.empty)
    sentence_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    """Row of each chunk's first sentence in `sentence_vectors`."""

    def sentence_rows(self, row: int) -> range:
        start = int(self.sentence_start[row])
        return range(start, start + len(self.chunks[row].sentences))

    @property
    def model_id(self) -> str:
        return str(self.manifest.model.get("model_id", ""))

    def ids_matching(self, filters: Filters) -> np.ndarray | None:
        """Row ids allowed by the filters (None when nothing is filtered)."""
        active = filters.active()
        if not active:
            return None
        mask = np.ones(len(self.chunks), dtype=bool)
        for name, value in active.items():
            if name == "goal":
                mask &= self._goal_mask(str(value))
            elif name == "year":
                mask &= self.columns["year"] == int(str(value))
            elif name == "doc_type":
                wanted = fold(str(value))
                mask &= np.array([t.startswith(wanted) for t in self.columns["doc_type"]])
            else:
                mask &= self.columns[name] == fold(str(value))
        return np.flatnonzero(mask).astype(np.int64)

    def _goal_mask(self, goal: str) -> np.ndarray:
        """A goal number matches itself and the goals under it: '1.3' covers '1.3.2'."""
        numbers = self.columns["goal_numbers"]
        prefix = goal.rstrip(".") + "."
        return np.array([any(n == goal or n.startswith(prefix) for n in ns) for ns in numbers])


def load_snapshot(index_dir: Path) -> Snapshot:
    """Load the current build of an index directory, checking that its parts agree."""
    build = store.current_build(index_dir)
    if build is None:
        raise store.IndexLoadError(f"no index in {index_dir}; run 'rapportsok index' first")
    manifest = store.read_manifest(build)
    vectors = store.read_vectors(build, manifest)
    documents = {d.doc_id: d for d in store.read_documents(build)}
    chunks = [s.chunk for s in store.read_chunks(build, manifest)]
    counts = np.array([len(c.sentences) for c in chunks], dtype=np.int64)
    dense = FolderVectors(vectors, store.read_sentence_index(build, manifest), counts)
    return assemble(build, manifest, documents, chunks, dense, store.read_records(build))


def assemble(
    build: Path,
    manifest: store.Manifest,
    documents: dict[str, DocumentInfo],
    chunks: list[Chunk],
    dense: DenseVectors,
    records: RecordSet,
) -> Snapshot:
    """A snapshot from a build's parts (any store), checked to agree, with its lookup columns."""
    unknown = {c.doc_id for c in chunks} - set(documents)
    if unknown:
        raise store.IndexLoadError(
            f"{build.name}: chunks refer to unknown documents {sorted(unknown)[:3]}"
        )
    snapshot = Snapshot(
        build=build, manifest=manifest, documents=documents, chunks=chunks, dense=dense
    )
    snapshot.records = records
    counts = [len(c.sentences) for c in chunks]
    snapshot.sentence_start = first_sentence_rows(np.array(counts, dtype=np.int64))
    _index_columns(snapshot)
    return snapshot


def _index_columns(snapshot: Snapshot) -> None:
    by_hash: dict[str, list[int]] = defaultdict(list)
    district, year, doc_type, unit, goals = [], [], [], [], []
    for i, chunk in enumerate(snapshot.chunks):
        doc = snapshot.documents[chunk.doc_id]
        by_hash[chunk.content_hash].append(i)
        district.append(fold(doc.district or ""))
        year.append(doc.year or 0)
        doc_type.append(fold(doc.doc_type or ""))
        unit.append(fold(chunk.unit or ""))
        goals.append(tuple(g.number for g in chunk.goals if g.number))
    snapshot.by_hash = dict(by_hash)
    snapshot.columns = {
        "district": np.array(district, dtype=object),
        "year": np.array(year, dtype=np.int64),
        "doc_type": np.array(doc_type, dtype=object),
        "unit": np.array(unit, dtype=object),
        "goal_numbers": _tuples(goals),
    }


def _tuples(values: list[tuple[str, ...]]) -> np.ndarray:
    """A 1-D object array of tuples (numpy would otherwise make a 2-D array of equal tuples)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
