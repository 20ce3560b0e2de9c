"""What a new build may take over from the current one: unchanged files keep their vectors.

The current build is reusable when it was made with the same model, chunking and extractor;
then each document's chunks, records and vectors can be copied instead of recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer.commitments.records import RecordSet
from indexer.models import Chunk, DocumentInfo
from indexer.store.format import (
    BuildDocument,
    IndexLoadError,
    Manifest,
    StoredChunk,
    read_manifest,
)
from indexer.store.lock import current_build
from indexer.store.reader import (
    read_chunks,
    read_documents,
    read_records,
    read_sentence_vectors,
    read_vectors,
)
from indexer.store.vectors import all_vectors


@dataclass
class PreviousBuild:
    """The current build's contents by document name (empty when nothing can be reused)."""

    build_id: str | None = None
    tuning: dict[str, Any] | None = None
    documents: dict[str, DocumentInfo] = field(default_factory=dict)
    chunks: dict[str, list[tuple[int, Chunk]]] = field(default_factory=dict)
    vectors: np.ndarray | None = None
    records: dict[str, list[int]] = field(default_factory=dict)
    record_set: RecordSet = field(default_factory=RecordSet.empty)
    sentence_vectors: np.ndarray | None = None
    sentence_starts: list[int] = field(default_factory=list)

    @property
    def names(self) -> dict[str, str]:
        """Document name -> content sha256 of every reusable document."""
        return {name: doc.sha256 for name, doc in self.documents.items()}

    def can_reuse(self, name: str, sha256: str) -> bool:
        """Whether the file with this name and content is in the build with its vectors."""
        known = self.documents.get(name)
        return known is not None and known.sha256 == sha256 and self.vectors is not None

    def document(self, name: str) -> BuildDocument:
        """One document's chunks, records and all their vectors, copied from the build."""
        assert self.vectors is not None and self.sentence_vectors is not None
        rows = self.chunks.get(name, [])
        ids = [row_id for row_id, _ in rows]
        vectors = self.vectors[ids] if ids else np.zeros((0, self.vectors.shape[1]), np.float32)
        record_rows = self.records.get(name, [])
        record_vectors = self.record_set.vectors
        sentence_rows = [
            self.sentence_starts[row_id] + i
            for row_id, chunk in rows
            for i in range(len(chunk.sentences))
        ]
        return BuildDocument(
            info=self.documents[name],
            chunks=[c for _, c in rows],
            records=[self.record_set.items[i] for i in record_rows],
            vectors=vectors,
            sentence_vectors=self.sentence_vectors[sentence_rows],
            record_vectors=record_vectors[record_rows] if record_vectors.shape[1] else None,
        )


def previous_build(index_dir: Path, fingerprint: dict[str, Any], force: bool) -> PreviousBuild:
    """The current build's contents when they can be reused, else nothing.

    `fingerprint` holds the manifest's model id, chunking and extractor as the new build
    would record them; a build that differs in any of them is not reused.
    """
    build = current_build(index_dir)
    if build is None or force:
        return PreviousBuild()
    try:
        manifest = read_manifest(build)
        previous = PreviousBuild(build_id=build.name, tuning=manifest.tuning)
        if made_as(manifest) != fingerprint:
            return previous
        vectors_index = read_vectors(build, manifest)
        vectors = all_vectors(vectors_index) if vectors_index.ntotal else None
        fill_previous(
            previous,
            read_documents(build),
            read_chunks(build, manifest),
            vectors,
            read_sentence_vectors(build, manifest),
            read_records(build),
        )
    except (IndexLoadError, KeyError):
        return PreviousBuild()
    return previous


def made_as(manifest: Manifest) -> dict[str, Any]:
    """What a build's vectors depend on, as `previous_build`'s fingerprint names it."""
    return {
        "model_id": manifest.model.get("model_id"),
        "chunking": manifest.chunking,
        "extractor": manifest.extractor,
    }


def fill_previous(
    previous: PreviousBuild,
    documents: list[DocumentInfo],
    chunks: list[StoredChunk],
    vectors: np.ndarray | None,
    sentence_vectors: np.ndarray,
    record_set: RecordSet,
) -> None:
    """Fill `previous` with a build's documents, chunks, records and vectors (any store)."""
    previous.vectors = vectors
    previous.documents = {d.name: d for d in documents}
    by_id = {d.doc_id: d.name for d in previous.documents.values()}
    total = 0
    for stored in chunks:
        previous.chunks.setdefault(by_id[stored.chunk.doc_id], []).append((stored.id, stored.chunk))
        previous.sentence_starts.append(total)
        total += len(stored.chunk.sentences)
    previous.sentence_vectors = sentence_vectors
    previous.record_set = record_set
    for row, record in enumerate(record_set.items):
        previous.records.setdefault(by_id[record.doc_id], []).append(row)
