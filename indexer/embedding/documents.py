"""Embeds what a build is missing: chunks with their sentences, and record names and titles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from tqdm import tqdm

from indexer.commitments.records import embed_text
from indexer.store.format import BuildDocument


class DocumentEncoder(Protocol):
    """What a build needs of a model: document embeddings, one row per text."""

    def encode_documents(
        self, texts: Sequence[str], batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray: ...


PROGRESS_SLICE = 16
"""Texts encoded between two progress reports when a caller follows the build; small, so that
queries served by the same model (a build inside the service) wait for one slice only."""
BULK_SLICE = 256
"""Texts per encode call otherwise: enough that the model's parallel passes rarely wait."""


@dataclass(frozen=True)
class Embedded:
    """What a build embedded: chunks, and distinct texts (chunks and sentences) encoded."""

    chunks: int = 0
    texts: int = 0
    characters: int = 0
    """Characters of the distinct texts: the model's work, whatever the mix of lengths."""


def embed_missing(
    documents: list[BuildDocument],
    encoder_factory: Callable[[], DocumentEncoder],
    show_progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> Embedded:
    """Fill in the vectors documents lack; returns how many chunks and texts were embedded.

    Chunks and their sentences go to the model together, each distinct text once (in slices,
    each reported to `on_progress(distinct texts done, distinct texts in all)` when it is
    given); the model is only loaded when something needs embedding.
    """
    todo = [d for d in documents if d.vectors is None]
    records_todo = [d for d in documents if d.record_vectors is None]
    if not todo and not records_todo:
        return Embedded()
    chunk_texts = [c.embed_text for d in todo for c in d.chunks]
    sentence_texts = [s for d in todo for c in d.chunks for s in c.sentences]
    encoder = encoder_factory()
    distinct = set(chunk_texts + sentence_texts)
    if chunk_texts:
        vectors = _encode(encoder, chunk_texts + sentence_texts, show_progress, on_progress)
        chunk_at, sentence_at = 0, len(chunk_texts)
        for d in todo:
            count = sum(len(c.sentences) for c in d.chunks)
            d.vectors = vectors[chunk_at : chunk_at + len(d.chunks)]
            d.sentence_vectors = vectors[sentence_at : sentence_at + count]
            chunk_at += len(d.chunks)
            sentence_at += count
    _embed_records(records_todo, encoder)
    characters = sum(len(t) for t in distinct)
    return Embedded(chunks=len(chunk_texts), texts=len(distinct), characters=characters)


def _encode(
    encoder: DocumentEncoder,
    texts: list[str],
    show_progress: bool,
    on_progress: Callable[[int, int], None] | None,
) -> np.ndarray:
    """One vector per text, each distinct text encoded once, in slices of similar lengths.

    Passages repeat word for word across the units of a bundle, and sentences repeat across
    passages and reports, so a text is embedded once however often it occurs. The slices go
    longest first, as one call would batch them; each is reported to `on_progress` and to
    the progress bar (texts per second and the time left).
    """
    distinct = list(dict.fromkeys(texts))
    order = np.argsort([-len(t) for t in distinct], kind="stable")
    report = on_progress or (lambda done, total: None)
    size = PROGRESS_SLICE if on_progress else BULK_SLICE
    parts = []
    report(0, len(distinct))
    with tqdm(total=len(distinct), desc="Embedding", unit="text", disable=not show_progress) as bar:
        for start in range(0, len(distinct), size):
            chosen = [distinct[i] for i in order[start : start + size]]
            parts.append(encoder.encode_documents(chosen))
            bar.update(len(chosen))
            report(min(start + size, len(distinct)), len(distinct))
    vectors = np.empty((len(distinct), parts[0].shape[1]), dtype=np.float32)
    vectors[order] = np.vstack(parts)
    row = {text: i for i, text in enumerate(distinct)}
    return vectors[[row[t] for t in texts]]


def _embed_records(todo: list[BuildDocument], encoder: DocumentEncoder) -> None:
    """Vectors for indicator names and goal titles (each distinct text embedded once)."""
    texts = sorted({t for d in todo for r in d.records if (t := embed_text(r))})
    if not texts:
        return
    encoded = encoder.encode_documents(texts)
    by_text = {t: encoded[i] for i, t in enumerate(texts)}
    for d in todo:
        rows = np.zeros((len(d.records), encoded.shape[1]), np.float32)
        for i, record in enumerate(d.records):
            text = embed_text(record)
            if text:
                rows[i] = by_text[text]
        d.record_vectors = rows
