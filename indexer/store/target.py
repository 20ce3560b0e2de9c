"""Where a build is written: an index folder, or a PostgreSQL database named by its URL.

The pipeline sees one interface, `BuildTarget`: take the build lock, clear what a killed build
left, read what the current build can lend the new one, write the new build and make it
current. `open_target` picks the store from the location.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from indexer.commitments.records import RecordSet
from indexer.models import Chunk, DocumentInfo
from indexer.store import lock, reuse, writer
from indexer.store.format import Manifest
from indexer.store.postgres.connection import is_postgres_url, redacted

IndexLocation = Path | str
"""An index folder, or a `postgresql://` URL."""


class BuildTarget(Protocol):
    def session(self) -> contextlib.AbstractContextManager[None]:
        """Hold the build lock (and whatever connection the store needs) for one build."""

    def previous(self, fingerprint: dict[str, Any], force: bool) -> reuse.PreviousBuild: ...

    def write(
        self,
        manifest: Manifest,
        documents: list[DocumentInfo],
        chunks: list[Chunk],
        vectors: np.ndarray,
        records: RecordSet,
        sentence_vectors: np.ndarray,
    ) -> str:
        """Write the build, make it current, drop old ones; the new build's id."""


class DirectoryTarget:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        with lock.build_lock(self.index_dir):
            lock.remove_leftovers(self.index_dir)
            yield

    def previous(self, fingerprint: dict[str, Any], force: bool) -> reuse.PreviousBuild:
        return reuse.previous_build(self.index_dir, fingerprint, force)

    def write(
        self,
        manifest: Manifest,
        documents: list[DocumentInfo],
        chunks: list[Chunk],
        vectors: np.ndarray,
        records: RecordSet,
        sentence_vectors: np.ndarray,
    ) -> str:
        build = writer.write_build(
            self.index_dir, manifest, documents, chunks, vectors, records, sentence_vectors
        )
        return build.name


class PostgresTarget:
    """A build written by one connection that holds the database's build lock throughout."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._connection: Any = None

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        from indexer.store.postgres.builds import build_lock, remove_leftovers
        from indexer.store.postgres.connection import connect

        connection = connect(self.url)
        try:
            with build_lock(connection, redacted(self.url)):
                remove_leftovers(connection)
                self._connection = connection
                yield
        finally:
            self._connection = None
            connection.close()

    def previous(self, fingerprint: dict[str, Any], force: bool) -> reuse.PreviousBuild:
        from indexer.store.postgres.reuse import previous_build

        return previous_build(self._connection, fingerprint, force)

    def write(
        self,
        manifest: Manifest,
        documents: list[DocumentInfo],
        chunks: list[Chunk],
        vectors: np.ndarray,
        records: RecordSet,
        sentence_vectors: np.ndarray,
    ) -> str:
        from indexer.store.postgres.writer import write_build

        return write_build(
            self._connection, manifest, documents, chunks, vectors, records, sentence_vectors
        )


def open_target(location: IndexLocation) -> BuildTarget:
    if is_postgres_url(location):
        return PostgresTarget(str(location))
    return DirectoryTarget(Path(location))
