"""Short, seeded schemathesis runs over the app: no 5xx, every response as documented.

`make fuzz` runs the same fuzzer (scripts/fuzz.py) longer, over the real index and model.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI

from service.api.app import create_app
from service.engine import Engine
from tests.support.fakes import FakeEncoder, OneReport, use_fake_encoder

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = 25


@functools.cache
def load_fuzzer() -> ModuleType:
    """scripts/fuzz.py, the runner behind `make fuzz`."""
    spec = importlib.util.spec_from_file_location("fuzz_script", REPO / "scripts" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app(one_report: OneReport) -> Iterator[FastAPI]:
    settings = one_report.settings
    with pytest.MonkeyPatch.context() as patch:
        use_fake_encoder(patch, FakeEncoder())
        yield create_app(settings, engine=Engine(settings))


@pytest.fixture(scope="module")
def schema(app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_fuzzing_finds_no_server_error_and_no_schema_violation(schema: Any) -> None:
    fuzzer = load_fuzzer()
    report = fuzzer.fuzz(schema, examples=EXAMPLES, run_seed=20240501)
    problems = [
        f"{f.operation} -> {f.status}: {f.title} (x{f.count}): {f.reproduce[:200]}"
        for f in report.found.values()
    ]
    assert problems == []
    assert not any(status >= 500 for status in report.statuses)
    operations = {f"{m.upper()} {p}" for p, ops in schema.raw_schema["paths"].items() for m in ops}
    assert set(report.cases) == operations
    assert sum(report.cases.values()) >= EXAMPLES * len(operations)


def test_a_report_file_is_documented_as_what_it_is(schema: Any) -> None:
    operation = schema["/api/documents/{doc_id}/pdf"]["GET"]
    case = operation.Case(path_parameters={"doc_id": "hasselby-vallingby-2021-verksamhetsplan"})
    response = case.call()
    assert response.status_code == 200
    case.validate_response(response, checks=load_fuzzer().CHECKS)


@pytest.mark.parametrize(
    ("path", "method", "kwargs"),
    [
        ("/api/search", "GET", {"query": {"q": "a" * 9_000}}),
        ("/api/ask", "POST", {"body": {"question": "x" * 70_000}}),
    ],
)
def test_limit_answers_are_documented(
    schema: Any, path: str, method: str, kwargs: dict[str, Any]
) -> None:
    case = schema[path][method].Case(**kwargs)
    response = case.call()
    assert response.status_code in (413, 414)
    case.validate_response(response, checks=load_fuzzer().CHECKS)


def test_the_schemathesis_command_with_every_check_finds_nothing(app: FastAPI) -> None:
    """What `make fuzz` runs (coverage, fuzzing and stateful phases, `--checks all`), shorter."""
    fuzzer = load_fuzzer()
    with fuzzer.served(app) as url:
        run = fuzzer.run_checks_all(url, examples=5, run_seed=20240501, methods=("GET", "POST"))
    assert run.report["failures"] == [], run.report["failures"]
    assert run.errors == 0 and run.exit_code == 0
    # every GET and POST operation: search, ask, documents, the library's goals, jobs, uploads
    assert run.report["operations"]["tested"] == 15
    assert run.report["test_cases"]["generated"] >= 5 * 15
