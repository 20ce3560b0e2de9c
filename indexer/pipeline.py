"""Report files -> an index build: `parse_document` for one file, `build_index` for a folder.

`parse_document` runs the offline stages for one file (reading, structure, chunking,
commitments); the build, the eval and the tests all use it. `build_index` is incremental:
each file's content hash decides: an unchanged file keeps its chunks and vectors from the
current build; a new or changed file is read, structured, chunked and embedded; a file that is
gone takes its chunks with it. The model is only loaded when something needs embedding.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from indexer import store
from indexer.chunking.chunks import ChunkParams, chunk_sections
from indexer.commitments.extract import extract_commitments
from indexer.commitments.records import Record, RecordSet
from indexer.embedding.documents import DocumentEncoder, embed_missing
from indexer.models import Chunk, DocumentInfo, Section
from indexer.reading.extract import SUPPORTED_SUFFIXES, ExtractionError, file_sha256, read_document
from indexer.store.format import BuildDocument
from indexer.store.reuse import PreviousBuild
from indexer.store.target import BuildTarget, IndexLocation, open_target
from indexer.structure.metadata import (
    MANIFEST_NAMES,
    ManifestError,
    describe,
    doc_id_for,
    load_manifest,
)
from indexer.structure.sections import sections_of

EXTRACTOR_VERSION = "8"


@dataclass(frozen=True)
class ParsedDocument:
    """One report file read and structured: metadata, sections, chunks and records."""

    info: DocumentInfo
    sections: list[Section]
    chunks: list[Chunk]
    """Chunks with their sentences (see `Chunk.sentences`)."""
    records: list[Record]


def parse_document(
    path: Path, params: ChunkParams | None = None, override: Mapping[str, object] | None = None
) -> ParsedDocument:
    """Read one report file and turn it into everything a build stores for it.

    Reading -> sections (goals, units) -> metadata (with the corpus manifest's `override`)
    -> chunks with sentences -> commitment records. Raises ExtractionError naming the file
    (and page) when it cannot be read or holds no indexable text, OSError if unreadable.
    """
    raw = read_document(path)
    sections = sections_of(raw)
    units = list(dict.fromkeys(s.unit for s in sections if s.unit))
    info = describe(raw, units, dict(override) if override else None)
    chunks = chunk_sections(info, sections, params or ChunkParams())
    if not chunks:
        raise ExtractionError(path, "no indexable text found")
    commitments = extract_commitments(info, sections)
    info.problems = raw.problems + commitments.table_problems
    return ParsedDocument(info, sections, chunks, commitments.records)


@dataclass(frozen=True)
class ModelInfo:
    """What the index records about the model that embedded it."""

    name: str
    model_id: str
    dimension: int

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "model_id": self.model_id, "dimension": self.dimension}


@dataclass
class BuildProgress:
    """How far a build has come, for a caller that follows it (`build_index(on_progress=)`)."""

    stage: str  # reading | embedding | writing
    files_done: int = 0
    files_total: int = 0
    pages_done: int = 0
    """Pages of new or changed files read so far (unchanged files are not read again)."""
    texts_done: int = 0
    texts_total: int = 0
    """Passages and their sentences embedded so far, and in all."""


ProgressCallback = Callable[[BuildProgress], None]


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
    embedded_texts: int = 0
    """Distinct passage and sentence texts encoded (each once, however often it occurs)."""
    embedded_characters: int = 0
    """Their length in characters."""
    seconds: float = 0.0
    build: str | None = None
    up_to_date: bool = False


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
    index_dir: IndexLocation,
    model: ModelInfo,
    encoder_factory: Callable[[], DocumentEncoder],
    params: ChunkParams | None = None,
    force: bool = False,
    progress: bool | None = None,
    tuning: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
) -> BuildReport:
    """Build or update the index for `corpus`; see the module docstring.

    `tuning` (the service's tuned settings, JSON-serialisable) is recorded verbatim in the
    manifest next to the chunking parameters; a change in it alone makes a new build that
    reuses every vector.
    """
    started = time.perf_counter()
    params = params or ChunkParams()
    recorded = json.loads(json.dumps(dict(tuning or {}), ensure_ascii=False))
    show = _interactive() if progress is None else progress
    report = BuildReport()
    target = open_target(index_dir)
    with target.session():
        fingerprint = {
            "model_id": model.model_id,
            "chunking": params.as_dict(),
            "extractor": EXTRACTOR_VERSION,
        }
        previous = target.previous(fingerprint, force)
        files, failures = list_corpus(corpus)
        report.failures.extend(failures)
        try:
            overrides = load_manifest(corpus)
        except ManifestError as exc:
            report.failures.append(Failure("manifest.json", str(exc)))
            overrides = {}
        state = BuildProgress("reading", files_total=len(files))
        tell = on_progress or (lambda _: None)
        tell(state)
        prepared = _prepare_all(files, previous, overrides, params, report, show, state, tell)
        report.removed = sorted(set(previous.documents) - {p.info.name for p in prepared})
        unchanged = not (report.new or report.changed or report.removed)
        if unchanged and previous.build_id and previous.tuning == recorded:
            report.up_to_date = True
            report.build = previous.build_id
        else:
            state.stage = "embedding"
            tell(state)

            def embedded(done: int, total: int) -> None:
                state.texts_done, state.texts_total = done, total
                tell(state)

            counts = embed_missing(
                prepared, encoder_factory, show, embedded if on_progress else None
            )
            report.embedded_chunks, report.embedded_texts = counts.chunks, counts.texts
            report.embedded_characters = counts.characters
            state.stage = "writing"
            tell(state)
            report.build = _write(target, corpus, model, params, recorded, prepared, report)
        report.documents = len(prepared)
        report.chunks = sum(len(p.chunks) for p in prepared)
        report.pages = sum(p.info.page_count for p in prepared)
    report.seconds = time.perf_counter() - started
    return report


def _prepare_all(
    files: list[Path],
    previous: PreviousBuild,
    overrides: dict[str, dict[str, object]],
    params: ChunkParams,
    report: BuildReport,
    show: bool,
    state: BuildProgress,
    tell: ProgressCallback,
) -> list[BuildDocument]:
    """Each usable file as a build document: taken over when unchanged, else parsed."""
    prepared: list[BuildDocument] = []
    seen: dict[str, str] = {}
    ids: dict[str, str] = {}
    for path in tqdm(files, desc="Reading reports", unit="file", disable=not show):
        name, override = path.name, overrides.get(path.name)
        try:
            sha = file_sha256(path)
        except OSError as exc:
            report.failures.append(Failure(name, f"cannot read file ({exc.strerror})"))
            continue
        doc_id = doc_id_for(name)
        problem: str | None = None
        if sha in seen:
            problem = f"duplicate of {seen[sha]} (same content); skipped"
        elif doc_id in ids:
            problem = f"same document id {doc_id!r} as {ids[doc_id]}; rename one of them"
        elif previous.can_reuse(name, sha) and not override:
            prepared.append(previous.document(name))
            report.unchanged.append(name)
        else:
            document, problem = _parse(path, params, override)
            if document is not None:
                state.pages_done += document.info.page_count
                prepared.append(document)
                (report.changed if name in previous.documents else report.new).append(name)
        if problem:
            report.failures.append(Failure(name, problem))
        else:
            seen[sha], ids[doc_id] = name, name
        state.files_done += 1
        tell(state)
    return prepared


def _parse(
    path: Path, params: ChunkParams, override: dict[str, object] | None
) -> tuple[BuildDocument | None, str | None]:
    """A changed or new file's build document (no vectors yet), or None and why not."""
    try:
        parsed = parse_document(path, params, override)
    except ExtractionError as exc:
        return None, exc.problem + (f" (page {exc.page})" if exc.page else "")
    except OSError as exc:
        return None, f"cannot read file ({exc.strerror or exc})"
    return BuildDocument(info=parsed.info, chunks=parsed.chunks, records=parsed.records), None


def _write(
    target: BuildTarget,
    corpus: Path,
    model: ModelInfo,
    params: ChunkParams,
    tuning: dict[str, Any],
    prepared: list[BuildDocument],
    report: BuildReport,
) -> str:
    """Write the prepared documents as a new build and make it current; its id."""
    documents = [p.info for p in prepared]
    now = datetime.now(UTC)
    manifest = store.Manifest(
        version=store.FORMAT_VERSION,
        build_id=now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6],
        built_at=now.isoformat(timespec="seconds"),
        model=model.as_dict(),
        chunking=params.as_dict(),
        tuning=tuning,
        extractor=EXTRACTOR_VERSION,
        corpus_dir=os.path.abspath(corpus),
        documents={d.name: {"sha256": d.sha256, "doc_id": d.doc_id} for d in documents},
        counts={},
        failures=[{"file": f.file, "problem": f.problem} for f in report.failures],
    )
    dimension = model.dimension
    record_vectors = [
        p.record_vectors
        if p.record_vectors is not None
        else np.zeros((len(p.records), dimension), np.float32)
        for p in prepared
    ]
    records = RecordSet(
        items=[r for p in prepared for r in p.records], vectors=_stack(record_vectors, dimension)
    )
    return target.write(
        manifest,
        documents,
        [c for p in prepared for c in p.chunks],
        _stack([p.vectors for p in prepared], dimension),
        records,
        _stack([p.sentence_vectors for p in prepared], dimension),
    )


def _stack(parts: Sequence[np.ndarray | None], dimension: int) -> np.ndarray:
    """Rows of all parts as one float32 matrix (n, dimension); empty parts are skipped."""
    rows = [p for p in parts if p is not None and len(p)]
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, dimension), np.float32)
