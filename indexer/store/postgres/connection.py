"""Connections to the PostgreSQL store: one for a build, a pool for the service."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from indexer.store.format import StoreUnavailableError

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

URL_PREFIXES = ("postgresql://", "postgres://")
EF_SEARCH = 400
"""HNSW candidate list per search: above the 100 candidates each stage takes, with room for
filters (the iterative scan goes on past it when filters remove rows)."""
CATALOG = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA IF NOT EXISTS rapportsok;
CREATE TABLE IF NOT EXISTS rapportsok.builds (
    build_id TEXT PRIMARY KEY,
    schema_name TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('writing', 'complete')),
    manifest JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS rapportsok.current (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    build_id TEXT NOT NULL REFERENCES rapportsok.builds(build_id)
);
"""
LOCK_KEY = 7_411_020_431
"""The advisory lock a build holds (any number; the same in every process)."""


def is_postgres_url(location: object) -> bool:
    """Whether an index location names a PostgreSQL database rather than a folder."""
    return isinstance(location, str) and location.startswith(URL_PREFIXES)


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def _prepare(connection: psycopg.Connection[Any]) -> None:
    """Vectors as numpy arrays, and HNSW scans that keep going when filters remove rows."""
    from pgvector.psycopg import register_vector

    register_vector(connection)
    connection.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
    connection.execute("SET hnsw.iterative_scan = strict_order")
    connection.commit()


def connect(url: str) -> psycopg.Connection[Any]:
    """One connection with the catalogue in place (for builds and tools)."""
    import psycopg

    try:
        connection = psycopg.connect(url, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise unavailable(url, exc) from exc
    try:
        with connection.transaction():
            # one catalogue creation at a time: CREATE ... IF NOT EXISTS can race itself
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY + 1,))
            connection.execute(CATALOG)
        _prepare(connection)
    except Exception:
        connection.close()
        raise
    return connection


def open_pool(url: str, min_size: int, max_size: int, timeout: float) -> ConnectionPool:
    """A pool that checks each connection before lending it and reconnects by itself."""
    from psycopg_pool import ConnectionPool

    pool = ConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout,
        open=False,
        configure=_prepare,
        check=ConnectionPool.check_connection,
        reconnect_timeout=0,
        kwargs={"connect_timeout": max(2, int(timeout))},
    )
    pool.open(wait=False)
    return pool


def _first(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def unavailable(url: str, exc: BaseException) -> StoreUnavailableError:
    """The error a caller sees when the database is down, naming it (without the password)."""
    return StoreUnavailableError(f"database {redacted(url)} unreachable: {_first(exc)}")
