"""Writes a complete build into a staging folder, then makes it current."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from indexer.commitments.records import Record, RecordSet
from indexer.lexical.bm25 import Bm25Index, bm25_of_chunks, save_bm25
from indexer.models import Chunk, DocumentInfo
from indexer.store.format import (
    LEXICAL,
    MANIFEST,
    METADATA,
    RECORD_VECTORS,
    SCHEMA,
    SENTENCE_VECTORS,
    VECTORS,
    Manifest,
    checked_parts,
)
from indexer.store.lock import collect_old_builds, fsync_dir, switch_current
from indexer.store.vectors import write_vector_file


def write_build(
    index_dir: Path,
    manifest: Manifest,
    documents: list[DocumentInfo],
    chunks: list[Chunk],
    vectors: np.ndarray,
    records: RecordSet | None = None,
    sentence_vectors: np.ndarray | None = None,
) -> Path:
    """Write a complete build next to the current one and switch `current` to it."""
    records, sentence_vectors = checked_parts(
        manifest,
        documents,
        chunks,
        vectors,
        records,
        sentence_vectors,
        vectors.shape[1] if len(vectors) else 0,
    )
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    staging = builds / f".staging-{manifest.build_id}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    _write_metadata(staging / METADATA, documents, chunks)
    _write_records(staging / METADATA, records.items)
    dimension = int(manifest.model.get("dimension", 0))
    write_vector_file(staging / VECTORS, vectors, dimension)
    _write_file(staging / RECORD_VECTORS, _npy_bytes(records.vectors))
    write_vector_file(staging / SENTENCE_VECTORS, sentence_vectors, dimension)
    _write_lexical(staging / LEXICAL, bm25_of_chunks(chunks))
    _write_file(staging / MANIFEST, manifest.to_bytes())
    final = builds / manifest.build_id
    os.replace(staging, final)
    fsync_dir(builds)
    switch_current(index_dir, final)
    collect_old_builds(builds, keep=final)
    return final


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_lexical(folder: Path, index: Bm25Index) -> None:
    """BM25 with bm25s's own save, flushed to disk like the other files."""
    save_bm25(index, folder)
    for path in sorted(folder.iterdir()):
        with path.open("rb+") as handle:
            os.fsync(handle.fileno())
    fsync_dir(folder)


def _write_metadata(path: Path, documents: list[DocumentInfo], chunks: list[Chunk]) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    d.doc_id,
                    d.name,
                    d.sha256,
                    d.title,
                    d.district,
                    d.year,
                    d.doc_type,
                    json.dumps(d.units, ensure_ascii=False),
                    d.page_count,
                    json.dumps(d.sources, ensure_ascii=False),
                    json.dumps(d.ocr_pages),
                    json.dumps(d.problems, ensure_ascii=False),
                )
                for d in documents
            ],
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                _chunk_row(i, c, start)
                for i, (c, start) in enumerate(zip(chunks, _starts(chunks), strict=True))
            ],
        )
        db.commit()
    finally:
        db.close()


def _write_records(path: Path, records: list[Record]) -> None:
    db = sqlite3.connect(path)
    try:
        db.executemany(
            "INSERT INTO records VALUES (?,?,?,?,?,?)",
            [
                (i, r.doc_id, r.kind, r.key, r.name, json.dumps(r.as_dict(), ensure_ascii=False))
                for i, r in enumerate(records)
            ],
        )
        db.commit()
    finally:
        db.close()


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
    return buffer.getvalue()


def _starts(chunks: list[Chunk]) -> list[int]:
    """Offset of each chunk's first sentence in the sentence vector file."""
    starts, total = [], 0
    for chunk in chunks:
        starts.append(total)
        total += len(chunk.sentences)
    return starts


def _chunk_row(row_id: int, c: Chunk, sentence_start: int) -> tuple[Any, ...]:
    goal = c.goal
    return (
        row_id,
        c.doc_id,
        c.ordinal,
        c.kind,
        c.text,
        c.embed_text,
        json.dumps(c.pages),
        c.pages[0] if c.pages else None,
        c.section,
        json.dumps([asdict(g) for g in c.goals], ensure_ascii=False),
        goal.number if goal else None,
        goal.title if goal else None,
        c.unit,
        c.content_hash,
        c.assessment,
        json.dumps(c.table_header, ensure_ascii=False) if c.table_header else None,
        json.dumps(c.table_rows, ensure_ascii=False) if c.table_rows else None,
        c.table_note,
        json.dumps(c.sentences, ensure_ascii=False),
        sentence_start,
        int(c.ocr),
    )
