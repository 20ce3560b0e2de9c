"""Reads a build's parts back, naming the file when one is missing or does not agree."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np

from indexer.commitments.records import RecordSet, record_from_dict
from indexer.lexical.bm25 import Bm25Index, load_bm25
from indexer.models import Chunk, DocumentInfo, Goal
from indexer.store.format import (
    LEXICAL,
    METADATA,
    RECORD_VECTORS,
    SENTENCE_VECTORS,
    VECTORS,
    IndexLoadError,
    Manifest,
    StoredChunk,
)
from indexer.store.vectors import VectorFileError, all_vectors, read_vector_file


def read_vectors(build: Path, manifest: Manifest) -> faiss.Index:
    """The chunk vectors' index, memory-mapped, checked against the manifest."""
    return _vector_file(build / VECTORS, manifest, "vector", "chunks")


def read_sentence_index(build: Path, manifest: Manifest) -> faiss.Index:
    """The index of every chunk's sentence vectors, in chunk order (see `Chunk.sentences`)."""
    return _vector_file(build / SENTENCE_VECTORS, manifest, "sentence vector", "sentences")


def _vector_file(path: Path, manifest: Manifest, what: str, counted: str) -> faiss.Index:
    dimension = int(manifest.model.get("dimension", 0))
    try:
        return read_vector_file(path, manifest.counts.get(counted, -1), dimension, what, counted)
    except VectorFileError as exc:
        raise IndexLoadError(str(exc)) from exc


def read_documents(build: Path) -> list[DocumentInfo]:
    with _connect(build) as db:
        rows = db.execute("SELECT * FROM documents ORDER BY year, name").fetchall()
    return [
        DocumentInfo(
            doc_id=r["doc_id"],
            name=r["name"],
            sha256=r["sha256"],
            title=r["title"],
            district=r["district"],
            year=r["year"],
            doc_type=r["doc_type"],
            units=json.loads(r["units"] or "[]"),
            page_count=r["page_count"] or 0,
            sources=json.loads(r["sources"] or "{}"),
            ocr_pages=json.loads(r["ocr_pages"] or "[]"),
            problems=json.loads(r["problems"] or "[]"),
        )
        for r in rows
    ]


def read_chunks(build: Path, manifest: Manifest | None = None) -> list[StoredChunk]:
    with _connect(build) as db:
        rows = db.execute("SELECT * FROM chunks ORDER BY id").fetchall()
    out = [StoredChunk(id=r["id"], chunk=_chunk_from_row(r)) for r in rows]
    if manifest is not None and len(out) != manifest.counts.get("chunks", -1):
        raise IndexLoadError(
            f"{build / METADATA}: {len(out)} chunks but the manifest lists "
            f"{manifest.counts.get('chunks')}"
        )
    if any(s.id != i for i, s in enumerate(out)):
        raise IndexLoadError(f"{build / METADATA}: chunk ids are not contiguous")
    return out


def read_records(build: Path) -> RecordSet:
    """The commitment records of a build with their vectors."""
    with _connect(build) as db:
        rows = db.execute("SELECT data FROM records ORDER BY id").fetchall()
    items = [record_from_dict(json.loads(r["data"])) for r in rows]
    path = build / RECORD_VECTORS
    vectors = _load_vectors(path, "record vectors")
    if len(vectors) != len(items):
        raise IndexLoadError(f"{path}: {len(vectors)} vectors but {len(items)} records")
    return RecordSet(items=items, vectors=vectors.astype(np.float32, copy=False))


def read_lexical(build: Path, manifest: Manifest) -> Bm25Index:
    """The BM25 index saved with the build (memory-mapped), checked against its chunk count."""
    folder = build / LEXICAL
    if not folder.is_dir():
        raise IndexLoadError(f"{folder}: missing BM25 index; run 'rapportsok index'")
    try:
        return load_bm25(folder, size=manifest.counts.get("chunks", -1))
    except (OSError, ValueError, KeyError) as exc:
        raise IndexLoadError(
            f"{folder}: unreadable BM25 index ({exc}); run 'rapportsok index'"
        ) from exc


@contextlib.contextmanager
def _connect(build: Path) -> Iterator[sqlite3.Connection]:
    path = build / METADATA
    if not path.is_file():
        raise IndexLoadError(f"{path}: missing metadata store; run 'rapportsok index'")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        db.execute("SELECT count(*) FROM chunks").fetchone()
    except sqlite3.DatabaseError as exc:
        raise IndexLoadError(f"{path}: corrupt metadata store ({exc})") from exc
    try:
        yield db
    except sqlite3.DatabaseError as exc:
        raise IndexLoadError(f"{path}: corrupt metadata store ({exc})") from exc
    finally:
        db.close()


def _chunk_from_row(r: sqlite3.Row) -> Chunk:
    return Chunk(
        doc_id=r["doc_id"],
        text=r["text"],
        embed_text=r["embed_text"],
        kind=r["kind"],
        pages=json.loads(r["pages"] or "[]"),
        section=r["section"] or "",
        goals=[Goal(**g) for g in json.loads(r["goals"] or "[]")],
        unit=r["unit"],
        content_hash=r["content_hash"] or "",
        ordinal=r["ordinal"] or 0,
        assessment=r["assessment"],
        table_header=json.loads(r["table_header"]) if r["table_header"] else None,
        table_rows=json.loads(r["table_rows"]) if r["table_rows"] else None,
        table_note=r["table_note"],
        sentences=json.loads(r["sentences"] or "[]"),
        ocr=bool(r["ocr"]),
    )


def read_sentence_vectors(build: Path, manifest: Manifest) -> np.ndarray:
    """Every sentence vector of the build as float32 rows (to copy into a new build)."""
    return all_vectors(read_sentence_index(build, manifest))


def _load_vectors(path: Path, what: str) -> np.ndarray:
    """A saved .npy matrix, refused with a message naming the file when missing or corrupt."""
    if not path.is_file():
        raise IndexLoadError(f"{path}: missing {what}; run 'rapportsok index'")
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise IndexLoadError(f"{path}: corrupt {what} ({exc}); run 'rapportsok index'") from exc
