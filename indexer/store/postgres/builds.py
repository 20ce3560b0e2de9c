"""Builds in the database: one at a time under an advisory lock, made current by one update."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from indexer.store.format import KEEP_BUILDS, IndexLockedError
from indexer.store.postgres.connection import LOCK_KEY

Connection = Any
"""A psycopg connection (typed loosely: psycopg is an optional dependency)."""


def schema_for(build_id: str) -> str:
    """The schema a build's tables live in (a safe identifier made from its id)."""
    return "build_" + re.sub(r"[^a-z0-9]", "_", build_id.lower())


@contextlib.contextmanager
def build_lock(connection: Connection, where: str) -> Iterator[None]:
    """Hold the database's build lock for as long as the connection lives, or fail at once.

    A build that is killed loses its connection, and with it the lock."""
    held = connection.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]
    connection.commit()
    if not held:
        raise IndexLockedError(
            f"another 'rapportsok index' is building {where}; wait for it to finish"
        )
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            connection.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
            connection.commit()


def current_build_id(connection: Connection) -> str | None:
    """The build in use; None before the first build has made the catalogue."""
    if connection.execute("SELECT to_regclass('rapportsok.current')").fetchone()[0] is None:
        return None
    row = connection.execute("SELECT build_id FROM rapportsok.current").fetchone()
    return str(row[0]) if row else None


def remove_leftovers(connection: Connection) -> None:
    """Drop builds a killed build left unfinished (call it while holding the build lock)."""
    rows = connection.execute(
        "SELECT build_id, schema_name FROM rapportsok.builds WHERE state = 'writing'"
    ).fetchall()
    for build_id, schema in rows:
        _drop(connection, build_id, schema)


def switch_current(connection: Connection, build_id: str) -> None:
    """Mark the build complete and make it current, in one transaction."""
    with connection.transaction():
        connection.execute(
            "UPDATE rapportsok.builds SET state = 'complete', completed_at = now() "
            "WHERE build_id = %s",
            (build_id,),
        )
        connection.execute(
            "INSERT INTO rapportsok.current (one, build_id) VALUES (TRUE, %s) "
            "ON CONFLICT (one) DO UPDATE SET build_id = EXCLUDED.build_id",
            (build_id,),
        )


def collect_old_builds(connection: Connection, keep: str) -> list[str]:
    """Drop all but the newest complete builds (the current one is always kept)."""
    rows = connection.execute(
        "SELECT build_id, schema_name FROM rapportsok.builds WHERE state = 'complete' "
        "ORDER BY completed_at DESC, build_id DESC"
    ).fetchall()
    dropped = []
    for build_id, schema in rows[KEEP_BUILDS:]:
        if build_id != keep:
            _drop(connection, build_id, schema)
            dropped.append(str(build_id))
    return dropped


def _drop(connection: Connection, build_id: str, schema: str) -> None:
    from psycopg import sql

    with connection.transaction():
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )
        connection.execute("DELETE FROM rapportsok.builds WHERE build_id = %s", (build_id,))
