"""`rapportsok serve` as a subprocess on a free port: started, waited for, and stopped cleanly.

Shared by the tests (browser, re-index while serving) and by the scripts that measure a
running service (scripts/load.py, scripts/bench_api.py, scripts/screenshots.py), so it
imports nothing from pytest.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 300.0
STOP_SECONDS = 20.0


class ServiceError(RuntimeError):
    """The service exited early or did not answer /health in time; the message has its log."""


@dataclass(frozen=True)
class Service:
    """A running service: where to reach it and, when started here, its process id."""

    base_url: str
    pid: int | None


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rapportsok_command() -> list[str]:
    """The console script next to this Python, else the CLI module run by this Python."""
    script = Path(sys.executable).with_name("rapportsok")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "service.cli"]


def index_loaded(base_url: str) -> bool:
    """Whether /health answers 200 with an index loaded."""
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=5) as response:
            return response.status == 200 and json.load(response).get("index_loaded") is True
    except (urllib.error.URLError, OSError, ValueError):
        return False


@contextlib.contextmanager
def running_service(
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
    startup_seconds: float = STARTUP_SECONDS,
) -> Iterator[Service]:
    """Start `rapportsok serve` on a free loopback port and yield it once /health has an index.

    `env` is added to this process's environment (for example RAPPORTSOK_INDEX_DIR) and `args`
    to the command line. On leaving, the service gets SIGTERM, then SIGKILL if it lingers.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [*rapportsok_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with tempfile.TemporaryFile("w+", prefix="rapportsok-serve-", suffix=".log") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + startup_seconds
            while not index_loaded(base_url):
                if process.poll() is not None:
                    raise ServiceError(f"the service exited early:\n{_tail(log)}")
                if time.monotonic() > deadline:
                    raise ServiceError(
                        f"the service did not answer /health with an index loaded in "
                        f"{startup_seconds:.0f} s:\n{_tail(log)}"
                    )
                time.sleep(0.25)
            yield Service(base_url, process.pid)
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL when the process has not exited within STOP_SECONDS."""
    process.terminate()
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_SECONDS)


def _tail(log: IO[str], lines: int = 40) -> str:
    log.flush()
    log.seek(0)
    return "\n".join(log.read().splitlines()[-lines:]) or "(no output)"
