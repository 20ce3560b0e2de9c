"""Fixtures for the slow tests: the app in-process over the session's real index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.settings import Settings


@pytest.fixture(scope="module")
def client(real_index: Settings) -> Iterator[TestClient]:
    """A test client of the app over the real index; one per module, as the rate limit counts."""
    from service.api.app import create_app
    from service.engine import Engine

    with TestClient(create_app(real_index, engine=Engine(real_index))) as test_client:
        yield test_client
