"""Debian's Chromium (/usr/bin/chromium) driven by Playwright; Playwright's own downloads are
never used. Shared by the browser tests and scripts/screenshots.py, so it imports no pytest.

Environment: RAPPORTSOK_CHROMIUM names another Chromium binary.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

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
TIMEOUT_MS = 30_000


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
