"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The default model under var/models, installed once (a no-op when already intact)."""
    from indexer.embedding.provision import install_model

    target = REPO / "var" / "models" / "multilingual-e5-small"
    install_model(target)
    return target


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are cached per process; tests that point them elsewhere must not leak."""
    from service.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright keeps an event loop running in the main thread."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
