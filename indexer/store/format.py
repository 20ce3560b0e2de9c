"""The build folder's format: file names, the manifest, and the errors a store raises.

Layout of an index directory::

    INDEX_DIR/current -> builds/<build-id>     (a symlink, replaced in one rename)
    INDEX_DIR/builds/<build-id>/vectors.faiss           (fp16 codes, see indexer.store.vectors)
    INDEX_DIR/builds/<build-id>/sentence_vectors.faiss  (the same for every chunk's sentences)
    INDEX_DIR/builds/<build-id>/record_vectors.npy
    INDEX_DIR/builds/<build-id>/meta.sqlite
    INDEX_DIR/builds/<build-id>/bm25/           (bm25s's own save, see indexer.lexical.bm25)
    INDEX_DIR/builds/<build-id>/manifest.json  (written last: a build without it is incomplete)
    INDEX_DIR/.lock                            (held while a build runs)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer.commitments.records import Record, RecordSet
from indexer.models import Chunk, DocumentInfo, Goal

FORMAT_VERSION = 6
"""3: BM25 saved with the build, tuned settings recorded in the manifest.
4: pages read by OCR: `documents.ocr_pages` and `chunks.ocr`.
5: reading problems per document: `documents.problems`.
6: chunk and sentence vectors as fp16 FAISS indexes, memory-mapped (HNSW past a size)."""
MANIFEST = "manifest.json"
SENTENCE_VECTORS = "sentence_vectors.faiss"
VECTORS = "vectors.faiss"
METADATA = "meta.sqlite"
RECORD_VECTORS = "record_vectors.npy"
"""Embeddings of indicator names and goal titles, one row per record (zeros for other kinds)."""
LEXICAL = "bm25"
"""Folder of the saved BM25 index and the analyzer's vocabulary."""
KEEP_BUILDS = 2


class IndexLoadError(Exception):
    """An index directory that is missing, incomplete, corrupt or built for another model."""


class IndexLockedError(Exception):
    """Another build holds the index lock."""


class StoreUnavailableError(Exception):
    """The store cannot be reached (a database that is down or refuses connections)."""


@dataclass
class Manifest:
    """What a build holds and how it was made; `tuning` is recorded verbatim from the caller."""

    version: int
    build_id: str
    built_at: str
    model: dict[str, Any]
    chunking: dict[str, Any]
    tuning: dict[str, Any]
    extractor: str
    corpus_dir: str
    documents: dict[str, dict[str, Any]]
    counts: dict[str, int]
    failures: list[dict[str, str]] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        """The manifest file's contents."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2).encode()


@dataclass
class StoredChunk:
    """A chunk as read back from the index, with its row id."""

    id: int
    chunk: Chunk


@dataclass
class BuildDocument:
    """One document's share of a build: its chunks and records, and their vectors once made."""

    info: DocumentInfo
    chunks: list[Chunk]
    records: list[Record] = field(default_factory=list)
    vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None
    """One row per sentence of `chunks`, in order (see `Chunk.sentences`)."""
    record_vectors: np.ndarray | None = None


def checked_parts(
    manifest: Manifest,
    documents: list[DocumentInfo],
    chunks: list[Chunk],
    vectors: np.ndarray,
    records: RecordSet | None,
    sentence_vectors: np.ndarray | None,
    dimension: int,
) -> tuple[RecordSet, np.ndarray]:
    """A build's records and sentence vectors (empty when absent, sentence vectors `dimension`
    wide), refused when they do not agree with its chunks; sets `manifest.counts`."""
    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    sentences = sum(len(c.sentences) for c in chunks)
    if sentence_vectors is None:
        sentence_vectors = np.zeros((0, dimension), np.float32)
    if len(sentence_vectors) != sentences:
        raise ValueError(f"{sentences} sentences but {len(sentence_vectors)} sentence vectors")
    records = records or RecordSet.empty()
    manifest.counts = {
        "documents": len(documents),
        "chunks": len(chunks),
        "records": len(records.items),
        "sentences": sentences,
    }
    return records, sentence_vectors


SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, title TEXT,
    district TEXT, year INTEGER, doc_type TEXT, units TEXT, page_count INTEGER, sources TEXT,
    ocr_pages TEXT, problems TEXT
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    ordinal INTEGER, kind TEXT, text TEXT NOT NULL, embed_text TEXT NOT NULL, pages TEXT,
    first_page INTEGER, section TEXT, goals TEXT, goal_number TEXT, goal_title TEXT,
    unit TEXT, content_hash TEXT, assessment TEXT, table_header TEXT, table_rows TEXT,
    table_note TEXT, sentences TEXT, sentence_start INTEGER, ocr INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chunks_doc ON chunks(doc_id);
CREATE INDEX chunks_hash ON chunks(content_hash);
CREATE TABLE records (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    kind TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX records_doc ON records(doc_id);
CREATE INDEX records_kind ON records(kind);
"""


def read_manifest(build: Path) -> Manifest:
    """The build's manifest, refused with a message naming the file when unusable."""
    path = build / MANIFEST
    if not path.is_file():
        raise IndexLoadError(f"{build}: incomplete index (no {MANIFEST}); run 'rapportsok index'")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexLoadError(
            f"{path}: unreadable manifest ({exc}); run 'rapportsok index'"
        ) from exc
    return manifest_of(data, where=str(path), build=str(build))


def manifest_of(data: Any, where: str, build: str) -> Manifest:
    """A manifest from its JSON value, refused with a message naming `where` it came from."""
    if not isinstance(data, dict):
        raise IndexLoadError(f"{where}: unreadable manifest (not a JSON object)")
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise IndexLoadError(
            f"{build}: index format {version}, this version reads {FORMAT_VERSION}; "
            "run 'rapportsok index' to rebuild"
        )
    try:
        return Manifest(**data)
    except TypeError as exc:
        raise IndexLoadError(
            f"{where}: unreadable manifest ({exc}); run 'rapportsok index'"
        ) from exc


def chunk_as_json(chunk: Chunk) -> dict[str, Any]:
    """A chunk as a JSON object (the PostgreSQL store keeps chunks this way)."""
    return asdict(chunk)


def chunk_of_json(data: dict[str, Any]) -> Chunk:
    """The inverse of `chunk_as_json`."""
    fields = dict(data)
    fields["goals"] = [Goal(**g) for g in fields.get("goals") or []]
    return Chunk(**fields)
