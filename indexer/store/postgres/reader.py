"""Reads a build back from its schema: manifest, documents, chunks, records, BM25 files, vectors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from indexer.commitments.records import RecordSet, record_from_dict
from indexer.models import DocumentInfo
from indexer.store.format import (
    IndexLoadError,
    Manifest,
    StoredChunk,
    chunk_of_json,
    manifest_of,
)
from indexer.store.postgres.builds import Connection


def read_manifest(connection: Connection, build_id: str) -> tuple[Manifest, str]:
    """A complete build's manifest and schema, refused with a message naming the build."""
    row = connection.execute(
        "SELECT manifest, schema_name, state FROM rapportsok.builds WHERE build_id = %s",
        (build_id,),
    ).fetchone()
    if row is None or row[2] != "complete":
        raise IndexLoadError(f"build {build_id}: not a complete build in the database")
    return manifest_of(row[0], where=f"build {build_id}", build=f"build {build_id}"), row[1]


def read_documents(connection: Connection, schema: str) -> list[DocumentInfo]:
    rows = connection.execute(f"SELECT data FROM {schema}.documents").fetchall()
    documents = [DocumentInfo(**r[0]) for r in rows]
    return sorted(documents, key=lambda d: (d.year or 0, d.name))


def read_chunks(connection: Connection, schema: str, manifest: Manifest) -> list[StoredChunk]:
    rows = connection.execute(
        f"SELECT row_id, data FROM {schema}.chunks ORDER BY row_id"
    ).fetchall()
    out = [StoredChunk(id=r[0], chunk=chunk_of_json(r[1])) for r in rows]
    expected = manifest.counts.get("chunks", -1)
    if len(out) != expected or any(s.id != i for i, s in enumerate(out)):
        raise IndexLoadError(
            f"{schema}.chunks: {len(out)} rows but the manifest lists {expected} chunks"
        )
    return out


def read_records(connection: Connection, schema: str, dimension: int) -> RecordSet:
    rows = connection.execute(
        f"SELECT data, embedding FROM {schema}.records ORDER BY row_id", binary=True
    ).fetchall()
    items = [record_from_dict(r[0]) for r in rows]
    vectors = _matrix([r[1] for r in rows], dimension)
    return RecordSet(items=items, vectors=vectors)


def read_vectors(connection: Connection, schema: str, table: str, dimension: int) -> np.ndarray:
    """All vectors of `chunks` or `sentences`, in row order (for reuse by the next build)."""
    rows = connection.execute(
        f"SELECT embedding FROM {schema}.{table} ORDER BY row_id", binary=True
    ).fetchall()
    return _matrix([r[0] for r in rows], dimension)


def read_lexical_files(connection: Connection, schema: str, folder: Path) -> Path:
    """Write the build's BM25 files into `folder` (loaded from there, memory-mapped)."""
    rows = connection.execute(f"SELECT name, data FROM {schema}.lexical").fetchall()
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in rows:
        (folder / Path(name).name).write_bytes(bytes(data))
    return folder


def _matrix(rows: list[Any], dimension: int) -> np.ndarray:
    if not rows:
        return np.zeros((0, dimension), np.float32)
    return np.vstack([as_array(v) for v in rows])


def as_array(value: Any) -> np.ndarray:
    """A vector column's value as float32 (pgvector's binary loader gives a `Vector`)."""
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return np.asarray(value, dtype=np.float32)
