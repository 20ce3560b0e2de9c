"""The index directory: FAISS vectors, SQLite metadata and a manifest, switched atomically.

Layout of an index directory::

    INDEX_DIR/current -> builds/<build-id>     (a symlink, replaced in one rename)
    INDEX_DIR/builds/<build-id>/vectors.faiss
    INDEX_DIR/builds/<build-id>/meta.sqlite
    INDEX_DIR/builds/<build-id>/manifest.json  (written last: a build without it is incomplete)
    INDEX_DIR/.lock                            (held while a build runs)

A build is written into its own folder and only then made current, so a crash at any point
leaves the previous build in place and loadable.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from indexer.commitments.records import Record, RecordSet, record_from_dict
from indexer.models import Chunk, DocumentInfo, Goal

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
SENTENCE_VECTORS = "sentence_vectors.npy"
VECTORS = "vectors.faiss"
METADATA = "meta.sqlite"
KEEP_BUILDS = 2


class IndexLoadError(Exception):
    """An index directory that is missing, incomplete, corrupt or built for another model."""


class IndexLockedError(Exception):
    """Another build holds the index lock."""


@dataclass
class Manifest:
    version: int
    build_id: str
    built_at: str
    model: dict[str, Any]
    chunking: dict[str, Any]
    extractor: str
    corpus_dir: str
    documents: dict[str, dict[str, Any]]
    counts: dict[str, int]
    failures: list[dict[str, str]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    tuning: dict[str, Any] = field(default_factory=dict)
    """The tuned numbers of the command that wrote the build (empty in older builds)."""


@dataclass
class StoredChunk:
    """A chunk as read back from the index, with its row id."""

    id: int
    chunk: Chunk


SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, title TEXT,
    district TEXT, year INTEGER, doc_type TEXT, units TEXT, page_count INTEGER, sources TEXT
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    ordinal INTEGER, kind TEXT, text TEXT NOT NULL, embed_text TEXT NOT NULL, pages TEXT,
    first_page INTEGER, section TEXT, goals TEXT, goal_number TEXT, goal_title TEXT,
    unit TEXT, content_hash TEXT, assessment TEXT, table_header TEXT, table_rows TEXT,
    table_note TEXT, sentences TEXT, sentence_start INTEGER
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
RECORD_VECTORS = "record_vectors.npy"
"""Embeddings of indicator names and goal titles, one row per record (zeros for other kinds)."""


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's build lock, or fail at once if another build holds it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / ".lock"
    handle = path.open("a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise IndexLockedError(
            f"another 'rapportsok index' is building {index_dir} (pid {holder}); "
            "wait for it to finish"
        ) from exc
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def remove_leftovers(index_dir: Path) -> None:
    """Delete what a killed build left behind: staging folders and unswitched links.

    Only call this while holding the build lock: then no other build is writing them.
    """
    for stale in (index_dir / "builds").glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for link in index_dir.glob(".current-*"):
        link.unlink(missing_ok=True)


def current_build(index_dir: Path) -> Path | None:
    """The folder of the build in use, or None if there is none yet."""
    link = index_dir / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


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
    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    sentences = sum(len(c.sentences) for c in chunks)
    if sentence_vectors is None:
        sentence_vectors = np.zeros((0, vectors.shape[1] if len(vectors) else 0), np.float32)
    if len(sentence_vectors) != sentences:
        raise ValueError(f"{sentences} sentences but {len(sentence_vectors)} sentence vectors")
    records = records or RecordSet.empty()
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    staging = builds / f".staging-{manifest.build_id}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    _write_metadata(staging / METADATA, documents, chunks)
    _write_records(staging / METADATA, records.items)
    _write_vectors(staging / VECTORS, vectors, int(manifest.model.get("dimension", 0)))
    _write_file(staging / RECORD_VECTORS, _npy_bytes(records.vectors))
    _write_file(staging / SENTENCE_VECTORS, _npy_bytes(sentence_vectors.astype(np.float32)))
    manifest.counts = {
        "documents": len(documents),
        "chunks": len(chunks),
        "records": len(records.items),
        "sentences": sentences,
    }
    _write_file(
        staging / MANIFEST, json.dumps(asdict(manifest), ensure_ascii=False, indent=2).encode()
    )
    final = builds / manifest.build_id
    os.replace(staging, final)
    _fsync_dir(builds)
    _switch_current(index_dir, final)
    _collect_old_builds(builds, keep=final)
    return final


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_vectors(path: Path, vectors: np.ndarray, dimension: int) -> None:
    dim = vectors.shape[1] if len(vectors) else dimension
    index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(index, str(path))
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _write_metadata(path: Path, documents: list[DocumentInfo], chunks: list[Chunk]) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
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
                )
                for d in documents
            ],
        )
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
    )


def _switch_current(index_dir: Path, build: Path) -> None:
    link = index_dir / "current"
    temp = index_dir / f".current-{os.getpid()}-{time.monotonic_ns()}"
    os.symlink(os.path.relpath(build, index_dir), temp)
    os.replace(temp, link)
    _fsync_dir(index_dir)


def _collect_old_builds(builds: Path, keep: Path) -> None:
    """Remove all but the newest builds (the one in use is always kept)."""
    finished = sorted(
        (p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in finished[KEEP_BUILDS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in builds.glob(".staging-*"):
        if stale.name != f".staging-{keep.name}":
            shutil.rmtree(stale, ignore_errors=True)


# ----------------------------------------------------------------------------- reading


def read_manifest(build: Path) -> Manifest:
    path = build / MANIFEST
    if not path.is_file():
        raise IndexLoadError(f"{build}: incomplete index (no {MANIFEST}); run 'rapportsok index'")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as exc:
        raise IndexLoadError(
            f"{path}: unreadable manifest ({exc}); run 'rapportsok index'"
        ) from exc
    if manifest.version != FORMAT_VERSION:
        raise IndexLoadError(
            f"{build}: index format {manifest.version}, this version reads {FORMAT_VERSION}; "
            "run 'rapportsok index' to rebuild"
        )
    return manifest


def read_vectors(build: Path, manifest: Manifest) -> faiss.Index:
    path = build / VECTORS
    if not path.is_file():
        raise IndexLoadError(f"{path}: missing vector file; run 'rapportsok index'")
    try:
        index = faiss.read_index(str(path))
    except RuntimeError as exc:
        size = path.stat().st_size
        raise IndexLoadError(
            f"{path}: corrupt vector file ({size} bytes, not a readable FAISS index); "
            "run 'rapportsok index' to rebuild"
        ) from exc
    expected = manifest.counts.get("chunks", -1)
    if index.ntotal != expected:
        raise IndexLoadError(
            f"{path}: {index.ntotal} vectors but the manifest lists {expected} chunks; "
            "run 'rapportsok index' to rebuild"
        )
    dimension = int(manifest.model.get("dimension", index.d))
    if index.d != dimension:
        raise IndexLoadError(f"{path}: vectors have {index.d} dimensions, the model {dimension}")
    return index


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
    """The commitment records of a build with their vectors (empty for builds without them)."""
    with _connect(build) as db:
        has_table = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records'"
        ).fetchone()
        rows = db.execute("SELECT data FROM records ORDER BY id").fetchall() if has_table else []
    items = [record_from_dict(json.loads(r["data"])) for r in rows]
    path = build / RECORD_VECTORS
    if not path.is_file():
        return RecordSet(items=items, vectors=np.zeros((len(items), 0), np.float32))
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise IndexLoadError(f"{path}: unreadable record vectors ({exc})") from exc
    if len(vectors) != len(items):
        raise IndexLoadError(f"{path}: {len(vectors)} vectors but {len(items)} records")
    return RecordSet(items=items, vectors=vectors.astype(np.float32, copy=False))


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
    )


def read_sentence_vectors(build: Path, manifest: Manifest) -> np.ndarray:
    """Vectors of every chunk's sentences, in chunk order (see `Chunk.sentences`)."""
    path = build / SENTENCE_VECTORS
    if not path.is_file():
        raise IndexLoadError(f"{path}: missing sentence vectors; run 'rapportsok index'")
    try:
        vectors = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise IndexLoadError(
            f"{path}: corrupt sentence vectors ({exc}); run 'rapportsok index'"
        ) from exc
    expected = manifest.counts.get("sentences", -1)
    dimension = int(manifest.model.get("dimension", 0))
    if (
        vectors.ndim != 2
        or len(vectors) != expected
        or (len(vectors) and vectors.shape[1] != dimension)
    ):
        raise IndexLoadError(
            f"{path}: {vectors.shape} sentence vectors but the manifest lists {expected} "
            f"of {dimension} dimensions; run 'rapportsok index'"
        )
    return vectors.astype(np.float32, copy=False)
