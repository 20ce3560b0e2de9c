"""Writes a complete build into its own schema, one transaction per step, then makes it current."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from indexer.commitments.records import RecordSet
from indexer.lexical.bm25 import bm25_of_chunks, save_bm25
from indexer.models import Chunk, DocumentInfo
from indexer.store.format import Manifest, checked_parts, chunk_as_json
from indexer.store.postgres.builds import (
    Connection,
    collect_old_builds,
    schema_for,
    switch_current,
)
from indexer.store.postgres.tables import build_tables, vector_indexes
from indexer.structure.metadata import fold

FILTER_NAMES = "district, year, doc_type, unit, goals"


def write_build(
    connection: Connection,
    manifest: Manifest,
    documents: list[DocumentInfo],
    chunks: list[Chunk],
    vectors: np.ndarray,
    records: RecordSet | None = None,
    sentence_vectors: np.ndarray | None = None,
) -> str:
    """Write a build under its own id and switch `rapportsok.current` to it; its id."""
    dimension = int(manifest.model.get("dimension", 0)) or (vectors.shape[1] if len(vectors) else 0)
    records, sentence_vectors = checked_parts(
        manifest, documents, chunks, vectors, records, sentence_vectors, dimension
    )
    schema = schema_for(manifest.build_id)
    with connection.transaction():
        connection.execute(
            "INSERT INTO rapportsok.builds (build_id, schema_name, state, manifest) "
            "VALUES (%s, %s, 'writing', %s)",
            (manifest.build_id, schema, manifest.to_bytes().decode()),
        )
        connection.execute(build_tables(schema, dimension))
    by_doc = {d.doc_id: d for d in documents}
    filters = [_filter_values(by_doc[c.doc_id], c) for c in chunks]
    with connection.transaction():
        _copy(
            connection,
            f"{schema}.documents (doc_id, name, sha256, data)",
            ["text", "text", "text", "jsonb"],
            ([d.doc_id, d.name, d.sha256, asdict(d)] for d in documents),
        )
        _copy(
            connection,
            f"{schema}.chunks (row_id, doc_id, content_hash, data, embedding, {FILTER_NAMES})",
            ["int4", "text", "text", "jsonb", "vector", "text", "int4", "text", "text", "text[]"],
            (
                [i, c.doc_id, c.content_hash, chunk_as_json(c), v, *f]
                for i, (c, v, f) in enumerate(zip(chunks, _rows(vectors), filters, strict=True))
            ),
        )
    owners = [(row, filters[row]) for row, c in enumerate(chunks) for _ in c.sentences]
    with connection.transaction():
        _copy(
            connection,
            f"{schema}.sentences (row_id, chunk_row, embedding, {FILTER_NAMES})",
            ["int4", "int4", "vector", "text", "int4", "text", "text", "text[]"],
            (
                [i, row, v, *f]
                for i, ((row, f), v) in enumerate(zip(owners, _rows(sentence_vectors), strict=True))
            ),
        )
    record_vectors = _record_vectors(records, dimension)
    with connection.transaction():
        _copy(
            connection,
            f"{schema}.records (row_id, doc_id, kind, data, embedding)",
            ["int4", "text", "text", "jsonb", "vector"],
            (
                [i, r.doc_id, r.kind, r.as_dict(), v]
                for i, (r, v) in enumerate(zip(records.items, record_vectors, strict=True))
            ),
        )
    with connection.transaction():
        _write_lexical(connection, schema, chunks)
    with connection.transaction():
        connection.execute(vector_indexes(schema))
    switch_current(connection, manifest.build_id)
    collect_old_builds(connection, keep=manifest.build_id)
    return manifest.build_id


def _filter_values(doc: DocumentInfo, chunk: Chunk) -> list[Any]:
    """District, year, report type, unit and goal numbers, folded as the filters compare them."""
    return [
        fold(doc.district or ""),
        doc.year or 0,
        fold(doc.doc_type or ""),
        fold(chunk.unit or ""),
        [g.number for g in chunk.goals if g.number],
    ]


def _record_vectors(records: RecordSet, dimension: int) -> list[np.ndarray]:
    if records.vectors.ndim == 2 and records.vectors.shape == (len(records.items), dimension):
        return list(_rows(records.vectors))
    return [np.zeros(dimension, np.float32) for _ in records.items]


def _write_lexical(connection: Connection, schema: str, chunks: list[Chunk]) -> None:
    """The build's BM25 (bm25s's own files), one row per file."""
    with tempfile.TemporaryDirectory(prefix="rapportsok-bm25-") as folder:
        save_bm25(bm25_of_chunks(chunks), Path(folder))
        files = sorted(p for p in Path(folder).iterdir() if p.is_file())
        _copy(
            connection,
            f"{schema}.lexical (name, data)",
            ["text", "bytea"],
            ([p.name, p.read_bytes()] for p in files),
        )


def _copy(
    connection: Connection, target: str, types: Sequence[str], rows: Iterable[list[Any]]
) -> None:
    """Rows into a table with binary COPY (vectors as numpy arrays, see pgvector.psycopg)."""
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {target} FROM STDIN WITH (FORMAT BINARY)") as copy,
    ):
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)


def _rows(matrix: np.ndarray) -> Iterable[np.ndarray]:
    return iter(np.ascontiguousarray(matrix, dtype=np.float32))
