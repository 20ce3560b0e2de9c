"""Fuzz the HTTP API from its OpenAPI schema with schemathesis and print what it found.

`make fuzz` serves the app (over the configured index and model, rate limit off) on a free
local port and runs the schemathesis command line against it with every check
(`--checks all`): no 5xx; documented status codes, content types, headers and bodies; requests
the schema calls valid are accepted and invalid ones refused; undocumented methods answer 405
with an `Allow` header. GET operations, 25 examples each by default.

    .venv/bin/python scripts/fuzz.py                     # what `make fuzz` runs
    .venv/bin/python scripts/fuzz.py --examples 100      # longer
    .venv/bin/python scripts/fuzz.py --base-url http://127.0.0.1:8000   # a running service

`fuzz()` is the same idea through the Python API, per operation and generation mode, for the
bounded run in tests/api/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import load_all_checks
from schemathesis.core.failures import Failure, FailureGroup

load_all_checks()
CHECKS = [check for check in REGISTRY.get_all() if inspect.isfunction(check)]
"""Every registered check that looks at one response (what `--checks all` runs per case)."""


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


def in_process_app() -> Any:
    """The app over the configured index and model, without rate limit or build watcher."""
    from service.api.app import create_app
    from service.engine import Engine
    from service.settings import get_settings

    config = get_settings().model_copy(update={"rate_limit_per_minute": 0, "watch_seconds": 0})
    return create_app(config, engine=Engine(config))


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """`app` served by uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@dataclass
class CliRun:
    """What `schemathesis run` reported: its exit code and JSON report."""

    exit_code: int
    report: dict[str, Any]

    @property
    def failures(self) -> int:
        return sum(int(f["count"]) for f in self.report.get("failures", []))

    @property
    def errors(self) -> int:
        return sum(int(e["count"]) for e in self.report.get("errors", []))

    def summary(self) -> str:
        cases = self.report.get("test_cases", {})
        operations = (self.report.get("operations") or {}).get("tested", 0)
        return (
            f"fuzz: {operations} operations, {cases.get('generated', 0)} cases, "
            f"{cases.get('unique_failures', 0)} unique failures, {self.errors} errors"
        )


def run_checks_all(
    base_url: str, examples: int, run_seed: int, methods: tuple[str, ...] = ("GET",)
) -> CliRun:
    """`schemathesis run --checks all` against a served API, with its JSON report read back."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            base_url.rstrip("/") + "/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(examples),
            "--seed",
            str(run_seed),
            "--workers",
            "1",
            "--report",
            "json",
            "--report-json-path",
            str(report),
            *(option for method in methods for option in ("--include-method", method)),
        ]
        # In the temporary folder, so that its cache of crashes does not land in the checkout.
        done = subprocess.run(command, check=False, cwd=folder)
        found = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return CliRun(done.returncode, found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="cases per operation")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base-url", help="fuzz a running service instead of the local app")
    args = parser.parse_args(argv)
    if args.base_url:
        run = run_checks_all(args.base_url, args.examples, args.seed)
    else:
        with served(in_process_app()) as url:
            run = run_checks_all(url, args.examples, args.seed)
    print(run.summary())
    return 0 if run.exit_code == 0 and run.failures == 0 and run.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
