"""Fixtures for the API tests."""

from __future__ import annotations

import pytest

from tests.support.fakes import OneReport, index_one_report


@pytest.fixture(scope="session")
def one_report(tmp_path_factory: pytest.TempPathFactory) -> OneReport:
    """One bundled report indexed with the fake encoder, built once for all API tests."""
    return index_one_report(tmp_path_factory.mktemp("one-report"))
