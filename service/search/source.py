"""Where the engine finds builds: an index folder, or the PostgreSQL store.

`IndexSource.current_id()` names the build in use (cheap: the engine asks every few seconds),
`load()` reads it as a snapshot, and `problem()` says why the store cannot be reached, if so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from indexer import store
from indexer.store.postgres.connection import is_postgres_url
from service.search.snapshot import Snapshot, load_snapshot
from service.settings import Settings


class IndexSource(Protocol):
    name: str

    def current_id(self) -> str | None: ...

    def load(self) -> Snapshot: ...

    def problem(self) -> str | None: ...


class DirectorySource:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.name = str(index_dir)

    def current_id(self) -> str | None:
        build = store.current_build(self.index_dir)
        return build.name if build is not None else None

    def load(self) -> Snapshot:
        return load_snapshot(self.index_dir)

    def problem(self) -> str | None:
        return None


def open_source(settings: Settings) -> IndexSource:
    location = settings.index_location
    if is_postgres_url(location):
        from service.search.postgres import PostgresSource

        database = settings.database
        return PostgresSource(
            str(location),
            settings.index_dir / "database-copies",
            database.pool_min,
            database.pool_max,
            database.timeout_seconds,
        )
    return DirectorySource(Path(location))
