"""The PostgreSQL store: builds in a database that several service replicas share.

Layout in the database (the `rapportsok` schema is the catalogue, each build its own schema)::

    rapportsok.builds (build_id, schema_name, state, manifest, created_at, completed_at)
    rapportsok.current (one row: the build_id in use; a build becomes current by updating it)
    build_<id>.documents / chunks / sentences / records / lexical

Chunks and sentences carry their vector (pgvector, HNSW index for inner product) and the
filter columns (folded district, year, report type, unit, goal numbers), so filters are applied
inside the vector search. A build is written step by step, one transaction each, and marked
complete last; one that was killed is dropped by the next build, as are builds older than the
newest `KEEP_BUILDS`.
"""

from __future__ import annotations

from indexer.store.postgres.connection import (
    connect,
    is_postgres_url,
    open_pool,
    redacted,
)

__all__ = ["connect", "is_postgres_url", "open_pool", "redacted"]
