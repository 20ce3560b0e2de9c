"""Fixtures for the browser tests: the real service on a free port and headless Chromium.

The service serves the session's real index (tests/conftest.py `real_index`). The tests
drive Debian's Chromium (tests/support/chromium.py); without it they are skipped.

Environment:
  RAPPORTSOK_CHROMIUM        another Chromium binary (default /usr/bin/chromium)
  RAPPORTSOK_TEST_BASE_URL   use a service that is already running instead of starting one
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.chromium import SKIP_REASON, TIMEOUT_MS, chromium_available, launch_chromium
from tests.support.real_index import environment
from tests.support.servers import running_service

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from service.settings import Settings


@pytest.fixture(scope="session")
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    existing = os.environ.get("RAPPORTSOK_TEST_BASE_URL")
    if existing:
        yield existing.rstrip("/")
        return
    real_index: Settings = request.getfixturevalue("real_index")
    with running_service(env=environment(real_index)) as service:
        yield service.base_url


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
