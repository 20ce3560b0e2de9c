"""Fuzz the HTTP API from its OpenAPI schema with schemathesis and print what it found.

Every operation gets `--examples` generated requests that fit the schema and as many that
break it (wrong types, missing fields, odd strings). Each response is checked: no 5xx, a
documented status code and content type, and a body that matches the documented schema.

By default the app runs in-process (ASGI) over the configured index and model, with the rate
limit off; `--base-url` fuzzes a running service instead.

    .venv/bin/python scripts/fuzz.py                 # 200 + 200 requests per operation
    .venv/bin/python scripts/fuzz.py --examples 20   # a quick run
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class Found:
    """One distinct problem: operation, status and check, with a way to reproduce it."""

    operation: str
    status: int
    title: str
    reproduce: str
    count: int = 1


@dataclass
class FuzzReport:
    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    found: dict[tuple[str, int, str], Found] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        return sum(f.count for f in self.found.values())

    def record(self, label: str, status: int, problems: list[Failure], reproduce: str) -> None:
        self.cases[label] += 1
        self.statuses[status] += 1
        for problem in problems:
            key = (label, status, problem.title)
            if key in self.found:
                self.found[key].count += 1
            else:
                self.found[key] = Found(label, status, problem.title, reproduce)

    def summary(self) -> str:
        return f"fuzz: {sum(self.cases.values())} cases, {self.failures} failures"


def fuzz(schema: Any, examples: int, run_seed: int = 0, base_url: str | None = None) -> FuzzReport:
    """Run positive and negative cases against every operation of `schema`."""
    report = FuzzReport()
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, examples, run_seed, base_url, report)
    report.seconds = time.perf_counter() - started
    return report


def _fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    examples: int,
    run_seed: int,
    base_url: str | None,
    report: FuzzReport,
) -> None:
    label = operation.label

    @seed(run_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        try:
            response = case.call(base_url=base_url) if base_url else case.call()
        except Exception as exc:  # in-process, what a server would answer 500 to is raised
            title = f"Server error: {type(exc).__name__}: {str(exc)[:120]}"
            problem = Failure(operation=label, title=title, message=str(exc))
            report.record(label, 500, [problem], _reproduce(case, base_url))
            return
        problems: list[Failure] = []
        try:
            case.validate_response(response, checks=CHECKS)
        except Failure as failure:
            problems = [failure]
        except FailureGroup as group:
            problems = list(group.exceptions)
        report.record(label, response.status_code, problems, _reproduce(case, base_url))

    with contextlib.suppress(Unsatisfiable):
        run()


def _reproduce(case: Any, base_url: str | None) -> str:
    try:
        return str(case.as_curl_command(base_url=base_url or "http://127.0.0.1:8000"))
    except Exception:  # the reproduction line is a courtesy
        return f"{case.method} {case.formatted_path}"


def _in_process_schema() -> Any:
    from service.api.app import create_app
    from service.engine import Engine
    from service.settings import get_settings

    config = get_settings().model_copy(update={"rate_limit_per_minute": 0, "watch_seconds": 0})
    app = create_app(config, engine=Engine(config))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def print_report(report: FuzzReport) -> None:
    for label, count in sorted(report.cases.items()):
        print(f"  {label:34s} {count:6d} cases")
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(report.statuses.items()))
    print(f"  statuses: {statuses}")
    for found in report.found.values():
        print(f"  FAIL {found.operation} -> {found.status}: {found.title} (x{found.count})")
        print(f"       {found.reproduce[:300]}")
    print(f"{report.summary()} in {report.seconds:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="cases per operation and mode")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base-url", help="fuzz a running service instead of the in-process app")
    args = parser.parse_args(argv)
    if args.base_url:
        schema = schemathesis.openapi.from_url(args.base_url.rstrip("/") + "/openapi.json")
        print(f"fuzzing {args.base_url} ({args.examples} cases per operation and mode)")
    else:
        schema = _in_process_schema()
        print(f"fuzzing the in-process app ({args.examples} cases per operation and mode)")
    report = fuzz(schema, args.examples, args.seed, args.base_url)
    print_report(report)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
