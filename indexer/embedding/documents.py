"""Embeds what a build is missing: chunks with their sentences, and record names and titles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from indexer.commitments.records import embed_text
from indexer.store.format import BuildDocument


class DocumentEncoder(Protocol):
    """What a build needs of a model: document embeddings, one row per text."""

    def encode_documents(
        self, texts: Sequence[str], batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray: ...


PROGRESS_SLICE = 16
"""Texts encoded between two progress reports when a caller follows the embedding; small, so
that queries served by the same model (a build inside the service) wait for one slice only."""


def embed_missing(
    documents: list[BuildDocument],
    encoder_factory: Callable[[], DocumentEncoder],
    show_progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Fill in the vectors documents lack; returns how many chunks were embedded.

    Chunks and their sentences go to the model in one batch (in slices, each reported to
    `on_progress(texts done, texts in all)`, when it is given); the model is only loaded when
    something needs embedding.
    """
    todo = [d for d in documents if d.vectors is None]
    records_todo = [d for d in documents if d.record_vectors is None]
    if not todo and not records_todo:
        return 0
    chunk_texts = [c.embed_text for d in todo for c in d.chunks]
    sentence_texts = [s for d in todo for c in d.chunks for s in c.sentences]
    encoder = encoder_factory()
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
    return len(chunk_texts)


def _encode(
    encoder: DocumentEncoder,
    texts: list[str],
    show_progress: bool,
    on_progress: Callable[[int, int], None] | None,
) -> np.ndarray:
    if on_progress is None:
        return encoder.encode_documents(texts, show_progress=show_progress)
    # Slices of similar lengths, longest first, as one call would batch them.
    order = np.argsort([-len(t) for t in texts], kind="stable")
    parts = []
    on_progress(0, len(texts))
    for start in range(0, len(texts), PROGRESS_SLICE):
        chosen = [texts[i] for i in order[start : start + PROGRESS_SLICE]]
        parts.append(encoder.encode_documents(chosen))
        on_progress(min(start + PROGRESS_SLICE, len(texts)), len(texts))
    vectors = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
    vectors[order] = np.vstack(parts)
    return vectors


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
