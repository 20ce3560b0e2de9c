"""Fixtures for the API tests: every test over `one_report` runs against both stores."""

from __future__ import annotations

import pytest

from tests.support.fakes import OneReport, index_one_report

STORES = ["directory", "postgres"]


@pytest.fixture(scope="session", params=STORES)
def one_report(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> OneReport:
    """One bundled report indexed with the fake encoder, built once per store for the API tests:
    in an index folder, and in a PostgreSQL database (`RAPPORTSOK_STORE`)."""
    root = tmp_path_factory.mktemp(f"one-report-{request.param}")
    if request.param == "postgres":
        server = request.getfixturevalue("local_postgres")
        return index_one_report(root, store=server.database("one_report"))
    return index_one_report(root)
