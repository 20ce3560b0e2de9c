"""Corpus folder -> index directory, re-embedding only what changed.

Each file's content hash decides: an unchanged file keeps its chunks and vectors from the
current build; a new or changed file is read, structured, chunked and embedded; a file that is
gone takes its chunks with it. The model is only loaded when something needs embedding.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tqdm import tqdm

from indexer import store
from indexer.chunking.chunks import ChunkParams, chunk_sections
from indexer.commitments.extract import extract_records
from indexer.commitments.records import Record, RecordSet, embed_text
from indexer.models import Chunk, DocumentInfo
from indexer.reading.extract import SUPPORTED_SUFFIXES, ExtractionError, file_sha256, read_document
from indexer.structure.metadata import (
    MANIFEST_NAMES,
    ManifestError,
    describe,
    doc_id_for,
    load_manifest,
)
from indexer.structure.sections import sections_of

EXTRACTOR_VERSION = "5"


class DocumentEncoder(Protocol):
    def encode_documents(
        self, texts: Sequence[str], batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray: ...


@dataclass(frozen=True)
class ModelInfo:
    """What the index records about the model that embedded it."""

    name: str
    model_id: str
    dimension: int

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "model_id": self.model_id, "dimension": self.dimension}


@dataclass
class Failure:
    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


@dataclass
class BuildReport:
    documents: int = 0
    pages: int = 0
    chunks: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    embedded_chunks: int = 0
    seconds: float = 0.0
    build: str | None = None
    up_to_date: bool = False


@dataclass
class _Prepared:
    info: DocumentInfo
    chunks: list[Chunk]
    vectors: np.ndarray | None
    records: list[Record] = field(default_factory=list)
    record_vectors: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None
    """One row per sentence of `chunks`, in order (see `Chunk.sentences`)."""


def _interactive() -> bool:
    return sys.stderr.isatty()


def list_corpus(corpus: Path) -> tuple[list[Path], list[Failure]]:
    """Report files in the corpus folder (not recursive), with files that can't be used."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    root = corpus.resolve()
    files: list[Path] = []
    failures: list[Failure] = []
    for path in sorted(corpus.iterdir()):
        if path.name.startswith(".") or path.name in MANIFEST_NAMES or path.name == "README.md":
            continue
        if path.is_symlink():
            target = path.resolve()
            if root not in target.parents:
                failures.append(Failure(path.name, "symlink points outside the corpus; skipped"))
                continue
        if path.is_dir():
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            failures.append(Failure(path.name, f"unsupported file type {path.suffix or '(none)'}"))
            continue
        files.append(path)
    return files, failures


def build_index(
    corpus: Path,
    index_dir: Path,
    model: ModelInfo,
    encoder_factory: Callable[[], DocumentEncoder],
    params: ChunkParams | None = None,
    force: bool = False,
    progress: bool | None = None,
    tuning: Mapping[str, Any] | None = None,
) -> BuildReport:
    """Build or update the index for `corpus`; see the module docstring.

    `tuning` (the service's tuned numbers) is recorded in a new build's manifest as given.
    """
    started = time.perf_counter()
    params = params or ChunkParams()
    show = _interactive() if progress is None else progress
    report = BuildReport()
    with store.build_lock(index_dir):
        store.remove_leftovers(index_dir)
        previous = _previous_build(index_dir, model, params, force)
        files, failures = list_corpus(corpus)
        report.failures.extend(failures)
        try:
            overrides = load_manifest(corpus)
        except ManifestError as exc:
            report.failures.append(Failure("manifest.json", str(exc)))
            overrides = {}
        prepared = _prepare_all(files, previous, overrides, params, report, show)
        report.removed = sorted(set(previous.names) - {p.info.name for p in prepared})
        if not report.new and not report.changed and not report.removed and previous.build:
            report.up_to_date = True
            report.build = previous.build.name
        else:
            _embed_missing(prepared, encoder_factory, report, show)
            report.build = _write(index_dir, corpus, model, params, prepared, report, tuning).name
        report.documents = len(prepared)
        report.chunks = sum(len(p.chunks) for p in prepared)
        report.pages = sum(p.info.page_count for p in prepared)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Previous:
    build: Path | None = None
    names: dict[str, str] = field(default_factory=dict)
    documents: dict[str, DocumentInfo] = field(default_factory=dict)
    chunks: dict[str, list[tuple[int, Chunk]]] = field(default_factory=dict)
    vectors: np.ndarray | None = None
    records: dict[str, list[int]] = field(default_factory=dict)
    record_set: RecordSet = field(default_factory=RecordSet.empty)
    sentence_vectors: np.ndarray | None = None
    sentence_starts: list[int] = field(default_factory=list)


def _previous_build(
    index_dir: Path, model: ModelInfo, params: ChunkParams, force: bool
) -> _Previous:
    """The current build's contents when they can be reused, else nothing."""
    build = store.current_build(index_dir)
    if build is None or force:
        return _Previous()
    try:
        manifest = store.read_manifest(build)
        same = (
            manifest.model.get("model_id") == model.model_id
            and manifest.chunking == params.as_dict()
            and manifest.extractor == EXTRACTOR_VERSION
        )
        if not same:
            return _Previous(build=build)
        vectors_index = store.read_vectors(build, manifest)
        vectors = (
            vectors_index.reconstruct_n(0, vectors_index.ntotal) if vectors_index.ntotal else None
        )
        documents = {d.name: d for d in store.read_documents(build)}
        chunks: dict[str, list[tuple[int, Chunk]]] = {}
        by_id = {d.doc_id: d.name for d in documents.values()}
        starts: list[int] = []
        total = 0
        for stored in store.read_chunks(build, manifest):
            chunks.setdefault(by_id[stored.chunk.doc_id], []).append((stored.id, stored.chunk))
            starts.append(total)
            total += len(stored.chunk.sentences)
        sentence_vectors = store.read_sentence_vectors(build, manifest)
        record_set = store.read_records(build)
        records: dict[str, list[int]] = {}
        for row, record in enumerate(record_set.items):
            records.setdefault(by_id[record.doc_id], []).append(row)
    except (store.IndexLoadError, KeyError):
        return _Previous()
    names = {name: doc.sha256 for name, doc in documents.items()}
    return _Previous(
        build=build,
        names=names,
        documents=documents,
        chunks=chunks,
        vectors=vectors,
        records=records,
        record_set=record_set,
        sentence_vectors=sentence_vectors,
        sentence_starts=starts,
    )


def _prepare_all(
    files: list[Path],
    previous: _Previous,
    overrides: dict[str, dict[str, object]],
    params: ChunkParams,
    report: BuildReport,
    show: bool,
) -> list[_Prepared]:
    prepared: list[_Prepared] = []
    seen: dict[str, str] = {}
    ids: dict[str, str] = {}
    for path in tqdm(files, desc="Reading reports", unit="file", disable=not show):
        try:
            sha = file_sha256(path)
        except OSError as exc:
            report.failures.append(Failure(path.name, f"cannot read file ({exc.strerror})"))
            continue
        if sha in seen:
            report.failures.append(
                Failure(path.name, f"duplicate of {seen[sha]} (same content); skipped")
            )
            continue
        doc_id = doc_id_for(path.name)
        if doc_id in ids:
            clash = f"same document id {doc_id!r} as {ids[doc_id]}; rename one of them"
            report.failures.append(Failure(path.name, clash))
            continue
        override = overrides.get(path.name)
        if previous.names.get(path.name) == sha and previous.vectors is not None and not override:
            prepared.append(_reuse(path.name, previous))
            report.unchanged.append(path.name)
        else:
            try:
                prepared.append(_read(path, params, override))
            except ExtractionError as exc:
                where = f" (page {exc.page})" if exc.page else ""
                report.failures.append(Failure(path.name, exc.problem + where))
                continue
            except OSError as exc:
                problem = f"cannot read file ({exc.strerror or exc})"
                report.failures.append(Failure(path.name, problem))
                continue
            (report.changed if path.name in previous.names else report.new).append(path.name)
        seen[sha] = path.name
        ids[doc_id] = path.name
    return prepared


def _reuse(name: str, previous: _Previous) -> _Prepared:
    rows = previous.chunks.get(name, [])
    assert previous.vectors is not None
    ids = [row_id for row_id, _ in rows]
    vectors = previous.vectors[ids] if ids else np.zeros((0, previous.vectors.shape[1]), np.float32)
    record_rows = previous.records.get(name, [])
    record_set = previous.record_set
    assert previous.sentence_vectors is not None
    sentence_rows = [
        previous.sentence_starts[row_id] + i
        for row_id, chunk in rows
        for i in range(len(chunk.sentences))
    ]
    return _Prepared(
        info=previous.documents[name],
        chunks=[c for _, c in rows],
        vectors=vectors,
        records=[record_set.items[i] for i in record_rows],
        record_vectors=record_set.vectors[record_rows] if record_set.vectors.shape[1] else None,
        sentence_vectors=previous.sentence_vectors[sentence_rows],
    )


def _read(path: Path, params: ChunkParams, override: dict[str, object] | None) -> _Prepared:
    raw = read_document(path)
    sections = sections_of(raw)
    units = list(dict.fromkeys(s.unit for s in sections if s.unit))
    info = describe(raw, units, override)
    chunks = chunk_sections(info, sections, params)
    if not chunks:
        raise ExtractionError(path, "no indexable text found")
    records = extract_records(info, sections)
    return _Prepared(info=info, chunks=chunks, vectors=None, records=records)


def _embed_missing(
    prepared: list[_Prepared],
    encoder_factory: Callable[[], DocumentEncoder],
    report: BuildReport,
    show: bool,
) -> None:
    todo = [p for p in prepared if p.vectors is None]
    records_todo = [p for p in prepared if p.record_vectors is None]
    if not todo and not records_todo:
        return
    chunk_texts = [c.embed_text for p in todo for c in p.chunks]
    sentence_texts = [s for p in todo for c in p.chunks for s in c.sentences]
    encoder = encoder_factory()
    if chunk_texts:
        vectors = encoder.encode_documents(chunk_texts + sentence_texts, show_progress=show)
        report.embedded_chunks = len(chunk_texts)
        chunk_at, sentence_at = 0, len(chunk_texts)
        for p in todo:
            count = sum(len(c.sentences) for c in p.chunks)
            p.vectors = vectors[chunk_at : chunk_at + len(p.chunks)]
            p.sentence_vectors = vectors[sentence_at : sentence_at + count]
            chunk_at += len(p.chunks)
            sentence_at += count
    _embed_records(records_todo, encoder)


def _embed_records(todo: list[_Prepared], encoder: DocumentEncoder) -> None:
    """Vectors for indicator names and goal titles (each distinct text embedded once)."""
    texts = sorted({t for p in todo for r in p.records if (t := embed_text(r))})
    if not texts:
        return
    encoded = encoder.encode_documents(texts)
    by_text = {t: encoded[i] for i, t in enumerate(texts)}
    for p in todo:
        rows = np.zeros((len(p.records), encoded.shape[1]), np.float32)
        for i, record in enumerate(p.records):
            text = embed_text(record)
            if text:
                rows[i] = by_text[text]
        p.record_vectors = rows


def _write(
    index_dir: Path,
    corpus: Path,
    model: ModelInfo,
    params: ChunkParams,
    prepared: list[_Prepared],
    report: BuildReport,
    tuning: Mapping[str, Any] | None,
) -> Path:
    documents = [p.info for p in prepared]
    chunks = [c for p in prepared for c in p.chunks]
    parts = [p.vectors for p in prepared if p.vectors is not None and len(p.vectors)]
    vectors = (
        np.vstack(parts).astype(np.float32) if parts else np.zeros((0, model.dimension), np.float32)
    )
    now = datetime.now(UTC)
    manifest = store.Manifest(
        version=store.FORMAT_VERSION,
        build_id=now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6],
        built_at=now.isoformat(timespec="seconds"),
        model=model.as_dict(),
        chunking=params.as_dict(),
        extractor=EXTRACTOR_VERSION,
        corpus_dir=os.path.abspath(corpus),
        documents={d.name: {"sha256": d.sha256, "doc_id": d.doc_id} for d in documents},
        counts={},
        failures=[{"file": f.file, "problem": f.problem} for f in report.failures],
        tuning=dict(tuning or {}),
    )
    records = _record_set(prepared, model.dimension)
    sentence_parts = [p.sentence_vectors for p in prepared if p.sentence_vectors is not None]
    sentence_vectors = (
        np.vstack(sentence_parts).astype(np.float32)
        if sentence_parts
        else np.zeros((0, model.dimension), np.float32)
    )
    return store.write_build(
        index_dir,
        manifest,
        documents,
        chunks,
        vectors,
        records=records,
        sentence_vectors=sentence_vectors,
    )


def _record_set(prepared: list[_Prepared], dimension: int) -> RecordSet:
    """All documents' records with their vectors (zeros where nothing was embedded)."""
    parts = [
        p.record_vectors
        if p.record_vectors is not None
        else np.zeros((len(p.records), dimension), np.float32)
        for p in prepared
    ]
    vectors = np.vstack(parts).astype(np.float32) if parts else np.zeros((0, dimension), np.float32)
    return RecordSet(items=[r for p in prepared for r in p.records], vectors=vectors)
