"""The index directory: FAISS vectors, SQLite metadata, BM25 and a manifest, switched atomically.

`format` names the files and holds the manifest, `writer` writes a build, `reader` reads it
back, `lock` keeps builds one at a time and makes a finished build current. See
`indexer.store.format` for the folder layout.
"""

from __future__ import annotations

from indexer.store.format import (
    FORMAT_VERSION,
    KEEP_BUILDS,
    LEXICAL,
    MANIFEST,
    METADATA,
    RECORD_VECTORS,
    SENTENCE_VECTORS,
    VECTORS,
    IndexLoadError,
    IndexLockedError,
    Manifest,
    StoredChunk,
    read_manifest,
)
from indexer.store.lock import build_lock, current_build, remove_leftovers
from indexer.store.reader import (
    read_chunks,
    read_documents,
    read_lexical,
    read_records,
    read_sentence_index,
    read_sentence_vectors,
    read_vectors,
)
from indexer.store.writer import write_build

__all__ = [
    "FORMAT_VERSION",
    "KEEP_BUILDS",
    "LEXICAL",
    "MANIFEST",
    "METADATA",
    "RECORD_VECTORS",
    "SENTENCE_VECTORS",
    "VECTORS",
    "IndexLoadError",
    "IndexLockedError",
    "Manifest",
    "StoredChunk",
    "build_lock",
    "current_build",
    "read_chunks",
    "read_documents",
    "read_lexical",
    "read_manifest",
    "read_records",
    "read_sentence_index",
    "read_sentence_vectors",
    "read_vectors",
    "remove_leftovers",
    "write_build",
]
