"""A build served from the PostgreSQL store: metadata loaded once, vectors searched in the database.

Every replica loads the current build's documents, chunks, records and BM25 files (small next
to the vectors) and asks the database for nearest passages and sentences, with the filters in
the same query so that pgvector's HNSW scan applies them (iterative scan, strict order).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from indexer.store.format import IndexLoadError, StoreUnavailableError
from indexer.store.postgres import reader
from indexer.store.postgres.builds import current_build_id
from indexer.store.postgres.connection import open_pool, redacted, unavailable
from indexer.structure.metadata import fold
from service.search.dense import SENTENCE_FANOUT, LazySentenceScores
from service.search.snapshot import Filters, Snapshot, assemble

T = TypeVar("T")


def filter_sql(filters: Filters) -> tuple[str, list[Any]]:
    """A WHERE clause that means what `Snapshot.ids_matching` means, with its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.district is not None:
        clauses.append("district = %s")
        params.append(fold(filters.district))
    if filters.year is not None:
        clauses.append("year = %s")
        params.append(int(filters.year))
    if filters.doc_type is not None:
        clauses.append("starts_with(doc_type, %s)")
        params.append(fold(filters.doc_type))
    if filters.unit is not None:
        clauses.append("unit = %s")
        params.append(fold(filters.unit))
    if filters.goal is not None:
        clauses.append("EXISTS (SELECT 1 FROM unnest(goals) g WHERE g = %s OR starts_with(g, %s))")
        params += [filters.goal, filters.goal.rstrip(".") + "."]
    return " AND ".join(clauses) or "TRUE", params


class Database:
    """The service's connection pool; every failure to reach the database is one error type."""

    def __init__(self, url: str, min_size: int, max_size: int, timeout: float) -> None:
        self.url = url
        self.pool = open_pool(url, min_size, max_size, timeout)

    @property
    def name(self) -> str:
        return redacted(self.url)

    @contextmanager
    def connection(self) -> Iterator[Any]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self.pool.connection() as connection:
                yield connection
        except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as exc:
            raise unavailable(self.url, exc) from exc

    def run(self, work: Callable[[Any], T]) -> T:
        with self.connection() as connection:
            return work(connection)

    def reachable(self) -> str | None:
        """None when the database answers, else why not."""
        try:
            self.run(lambda c: c.execute("SELECT 1").fetchone())
        except StoreUnavailableError as exc:
            return str(exc)
        return None


class PostgresVectors:
    """Nearest passages and sentences of one build, asked of the database."""

    def __init__(self, database: Database, schema: str, sentences: int) -> None:
        self.database = database
        self.schema = schema
        self.sentences = sentences

    def nearest(
        self, vector: np.ndarray, top: int, filters: Filters, allowed: np.ndarray | None
    ) -> dict[int, float]:
        return dict(self._nearest("chunks", "row_id", vector, top, filters))

    def similarity(self, vectors: Sequence[np.ndarray], rows: np.ndarray) -> np.ndarray:
        out = np.full(len(rows), -1.0, dtype=np.float32)
        if not len(rows):
            return out
        position = {int(r): i for i, r in enumerate(rows)}
        query = (
            f"SELECT row_id, -(embedding <#> %s) FROM {self.schema}.chunks WHERE row_id = ANY(%s)"
        )
        for vector in vectors:
            found = self._fetch(query, (_vector(vector), [int(r) for r in rows]))
            for row, score in found:
                out[position[row]] = max(out[position[row]], score)
        return out

    def best_sentences(
        self,
        vectors: Sequence[np.ndarray],
        top: int,
        filters: Filters,
        allowed: np.ndarray | None,
    ) -> LazySentenceScores | None:
        if self.sentences == 0:
            return None
        best: dict[int, float] = {}
        for vector in vectors:
            for row, score in self._nearest(
                "sentences", "chunk_row", vector, top * SENTENCE_FANOUT, filters
            ):
                best[row] = max(score, best.get(row, -1.0))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:top]
        return LazySentenceScores(self, list(vectors), dict(ranked))

    def sentence_matrix(self, rows: Sequence[int]) -> np.ndarray:
        wanted = [int(r) for r in rows]
        found = self.database.run(
            lambda c: c.execute(
                f"SELECT row_id, embedding FROM {self.schema}.sentences WHERE row_id = ANY(%s)",
                (wanted,),
                binary=True,
            ).fetchall()
        )
        by_row = {row: reader.as_array(v) for row, v in found}
        return np.vstack([by_row[r] for r in wanted]) if wanted else np.zeros((0, 0), np.float32)

    def best_of_rows(self, vectors: Sequence[np.ndarray], rows: list[int]) -> dict[int, float]:
        """Exact best sentence similarity of each of these chunks."""
        best: dict[int, float] = {}
        query = (
            f"SELECT chunk_row, max(-(embedding <#> %s)) FROM {self.schema}.sentences "
            "WHERE chunk_row = ANY(%s) GROUP BY chunk_row"
        )
        for vector in vectors:
            for row, score in self._fetch(query, (_vector(vector), rows)):
                best[row] = max(float(score), best.get(row, -1.0))
        return best

    def _fetch(self, query: str, params: tuple[Any, ...]) -> list[Any]:
        return self.database.run(lambda c: c.execute(query, params).fetchall())

    def _nearest(
        self, table: str, key: str, vector: np.ndarray, top: int, filters: Filters
    ) -> list[tuple[int, float]]:
        where, params = filter_sql(filters)
        query = _vector(vector)
        return self.database.run(
            lambda c: c.execute(
                f"SELECT {key}, -(embedding <#> %s) FROM {self.schema}.{table} WHERE {where} "
                "ORDER BY embedding <#> %s LIMIT %s",
                (query, *params, query, top),
            ).fetchall()
        )


class PostgresSource:
    """Builds of a PostgreSQL store, for the engine: which one is current, and loading it."""

    def __init__(self, url: str, cache_dir: Path, pool_min: int, pool_max: int, timeout: float):
        self.database = Database(url, pool_min, pool_max, timeout)
        self.cache_dir = cache_dir
        self.name = self.database.name

    def current_id(self) -> str | None:
        return self.database.run(current_build_id)

    def load(self) -> Snapshot:
        def read(connection: Any) -> Snapshot:
            build_id = current_build_id(connection)
            if build_id is None:
                raise IndexLoadError(f"no index in {self.name}; run 'rapportsok index' first")
            manifest, schema = reader.read_manifest(connection, build_id)
            dimension = int(manifest.model.get("dimension", 0))
            folder = self.cache_dir / build_id
            shutil.rmtree(folder, ignore_errors=True)
            reader.read_lexical_files(connection, schema, folder / "bm25")
            documents = {d.doc_id: d for d in reader.read_documents(connection, schema)}
            chunks = [s.chunk for s in reader.read_chunks(connection, schema, manifest)]
            records = reader.read_records(connection, schema, dimension)
            dense = PostgresVectors(self.database, schema, manifest.counts.get("sentences", 0))
            return assemble(folder, manifest, documents, chunks, dense, records)

        snapshot = self.database.run(read)
        self._remove_old_copies(keep=snapshot.build.name)
        return snapshot

    def problem(self) -> str | None:
        return self.database.reachable()

    def _remove_old_copies(self, keep: str) -> None:
        """Local BM25 copies of builds no longer served (the one before stays for requests
        that started on it)."""
        if not self.cache_dir.is_dir():
            return
        folders = sorted(
            (p for p in self.cache_dir.iterdir() if p.is_dir() and p.name != keep),
            key=lambda p: p.stat().st_mtime,
        )
        for old in folders[:-1]:
            shutil.rmtree(old, ignore_errors=True)


def _vector(vector: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(vector, dtype=np.float32)
