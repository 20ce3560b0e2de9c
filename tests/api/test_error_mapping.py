"""Domain errors become status codes in one place, and the engine knows nothing of HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.errors import install_error_handlers, status_of
from service.errors import InvalidInput, NotFound, NotReady, ServiceError, UnknownValue
from service.settings import Settings

REPO = Path(__file__).resolve().parents[2]

MAPPING: list[tuple[ServiceError, int]] = [
    (InvalidInput("q", "the question is empty"), 422),
    (UnknownValue("district", "unknown value 'Atlantis'; known: Kungsholmen"), 400),
    (NotFound(None, "document 'x' not found"), 404),
    (NotReady(None, "the index is not loaded yet"), 503),
]


@pytest.mark.parametrize(("error", "status"), MAPPING)
def test_each_domain_error_is_answered_with_its_status_in_the_error_shape(
    error: ServiceError, status: int
) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/fails")
    def fails() -> None:
        raise error

    response = TestClient(app).get("/fails")
    assert status_of(error) == status
    assert response.status_code == status
    assert response.json() == {"error": str(error), "status": status}


def test_a_field_names_itself_in_the_message() -> None:
    assert str(InvalidInput("goal", "'x' is not a goal number")) == "goal: 'x' is not a goal number"
    assert str(NotFound(None, "document 'x' not found")) == "document 'x' not found"


def test_an_app_without_a_loaded_engine_answers_503(tmp_path: Path) -> None:
    app = create_app(Settings(index_dir=tmp_path / "index", web_dir=tmp_path / "web"))
    client = TestClient(app)  # not entered: the startup that loads the engine does not run
    response = client.get("/api/facets")
    assert response.status_code == 503
    assert response.json() == {"error": "the index is not loaded yet", "status": 503}
    assert client.get("/health").json()["index_loaded"] is False


def test_the_engine_and_the_cli_import_no_web_framework() -> None:
    code = (
        "import sys, service.engine, service.cli, service.results, service.errors, "
        "service.api.schemas; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
