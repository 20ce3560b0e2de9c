"""Fixtures for the browser tests: the real service on a free port and headless Chromium.

The tests drive Debian's Chromium (/usr/bin/chromium) with Playwright; Playwright's own
browser downloads are never used. Without that binary the tests are skipped.

Environment:
  RAPPORTSOK_CHROMIUM        another Chromium binary (default /usr/bin/chromium)
  RAPPORTSOK_TEST_BASE_URL   use a service that is already running instead of starting one

The helpers below (running_service, launch_chromium) are also used by scripts/screenshots.py.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("RAPPORTSOK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_REASON = (
    f"no Chromium at {CHROMIUM}; to run the browser tests install Debian's chromium: "
    "apt-get install chromium (or set RAPPORTSOK_CHROMIUM to a Chromium binary)"
)
STARTUP_SECONDS = 240.0
TIMEOUT_MS = 30_000


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("rapportsok")
    if exe.is_file():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from service.cli import main; sys.exit(main())"]


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=2) as response:
            body = response.read().decode("utf-8", "replace")
            return response.status == 200 and '"index_loaded":true' in body.replace(" ", "")
    except (urllib.error.URLError, OSError, ValueError):
        return False


@contextlib.contextmanager
def running_service(startup_seconds: float = STARTUP_SECONDS) -> Iterator[str]:
    """Start `rapportsok serve` on a free port, wait for /health, yield its base URL."""
    existing = os.environ.get("RAPPORTSOK_TEST_BASE_URL")
    if existing:
        yield existing.rstrip("/")
        return
    index_dir = REPO / "var" / "index"
    current = index_dir / "current"
    if not current.exists():
        subprocess.run([*_cli(), "index"], cwd=REPO, check=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the process's lifetime
        prefix="rapportsok-serve-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [*_cli(), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + startup_seconds
        while not _healthy(base_url):
            if process.poll() is not None:
                raise RuntimeError(f"the service exited early:\n{_tail(Path(log.name))}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the service did not answer /health in {startup_seconds:.0f} s:\n"
                    f"{_tail(Path(log.name))}"
                )
            time.sleep(0.25)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()
        with contextlib.suppress(OSError):
            Path(log.name).unlink()


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    with running_service() as url:
        yield url


@pytest.fixture(scope="session")
def browser(base_url: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, locale="sv-SE"
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture()
def page(context: BrowserContext) -> Iterator[Page]:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    pg = context.new_page()
    errors: list[Any] = []
    pg.on("pageerror", lambda error: errors.append(error))
    yield pg
    assert not errors, f"JavaScript errors on the page: {errors}"
