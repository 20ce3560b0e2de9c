"""Screenshots of the web page's main states, taken in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--base-url URL]

Starts the service on a free port like the browser tests do (unless --base-url is given) and
saves answer.png, timeline.png, filters.png, empty.png and phone.png (the search view) and
compare.png and compare-phone.png (the "Jämför över år" view) and library.png and
library-report.png (the "Rapporter" page). --only search|compare|library takes one view's
screenshots.
Needs Debian's chromium at /usr/bin/chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright  # noqa: E402

from tests.support.chromium import (  # noqa: E402
    CHROMIUM,
    SKIP_REASON,
    TIMEOUT_MS,
    chromium_available,
    launch_chromium,
)
from tests.support.servers import rapportsok_command, running_service  # noqa: E402

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
TIMELINE_Q = "Hur har placeringskostnaderna utvecklats?"
ANSWER_Q = "What tool is used to follow up the climate impact of food purchases?"
FILTER_Q = "Vad skrev Hässelby-Vällingby om hemtjänsten i första tertialet 2021?"
EMPTY_Q = "Varför stängdes fritidsgården Lili?"
COMPARE_Q = "andel barn i familjer med ekonomiskt bistånd"
COMPARE_DISTRICT = "Hässelby-Vällingby"
LIBRARY_DOC = "kungsholmen-2024-verksamhetsberattelse-socialtjanst"


def url(base: str, **params: str) -> str:
    return f"{base}/?{urlencode(params)}" if params else f"{base}/"


def wait_for_results(page: Page) -> None:
    expect(page.locator("#answer")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#passages")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#passages .passages-heading")).to_be_visible()
    page.wait_for_load_state("networkidle")


@contextlib.contextmanager
def new_page(
    browser: Browser, base: str, viewport: ViewportSize, scale: float = 1
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base, viewport=viewport, device_scale_factor=scale, locale="sv-SE"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def wait_for_compare(page: Page) -> None:
    expect(page.locator("#view-compare .compare-results")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#compare-results-heading")).to_be_visible()
    expect(page.locator("#view-compare figure.chart svg.chart-svg").first).to_be_visible()
    page.wait_for_load_state("networkidle")


def take_compare(browser: Browser, base: str, out: Path) -> list[Path]:
    """The compare view: an indicator's table and chart, on a desktop and on a phone."""
    saved: list[Path] = []
    params = {
        "view": "compare",
        "cq": COMPARE_Q,
        "ckind": "indicators",
        "cdistrict": COMPARE_DISTRICT,
    }
    with new_page(browser, base, DESKTOP) as page:
        page.goto(url(base, **params))
        wait_for_compare(page)
        saved.append(shot(page, out / "compare.png", full_page=True))
    with new_page(browser, base, PHONE, scale=2) as page:
        page.goto(url(base, **params))
        wait_for_compare(page)
        saved.append(shot(page, out / "compare-phone.png", full_page=True))
    return saved


def take_library(browser: Browser, base: str, out: Path) -> list[Path]:
    """The "Rapporter" page: every report with what was read, and one report's goal tree."""
    saved: list[Path] = []
    with new_page(browser, base, DESKTOP) as page:
        page.goto(url(base, view="library"))
        expect(page.locator("#library-table tbody tr").first).to_be_visible()
        saved.append(shot(page, out / "library.png", full_page=True))
        page.goto(url(base, view="library", doc=LIBRARY_DOC))
        expect(page.locator("#goal-trees li").first).to_be_visible()
        saved.append(shot(page, out / "library-report.png"))
    return saved


def take(browser: Browser, base: str, out: Path) -> list[Path]:
    saved: list[Path] = []

    # The answer, with the source of a citation shown on hover.
    with new_page(browser, base, DESKTOP) as page:
        page.goto(url(base))
        page.get_by_label("Ställ en fråga").fill(ANSWER_Q)
        page.keyboard.press("Enter")
        wait_for_results(page)
        marker = page.locator("#answer .cite").nth(1)
        marker.hover()
        expect(page.locator("#cite-tooltip")).to_be_visible()
        saved.append(shot(page, out / "answer.png"))

    # A development-over-time question: the year-by-year timeline.
    with new_page(browser, base, DESKTOP) as page:
        page.goto(url(base, q=TIMELINE_Q))
        wait_for_results(page)
        saved.append(shot(page, out / "timeline.png"))

    # Filters: district and year read from the question, a report type that only weighs more,
    # and a goal chosen in the menu.
    with new_page(browser, base, DESKTOP) as page:
        page.goto(url(base, q=FILTER_Q))
        wait_for_results(page)
        page.get_by_label("Mål", exact=True).select_option("1.5")
        wait_for_results(page)
        expect(page.locator("#chips .chip")).to_have_count(4)
        saved.append(shot(page, out / "filters.png"))

    # No passages: filters that exclude everything.
    with new_page(browser, base, DESKTOP) as page:
        page.goto(url(base, q=EMPTY_Q, district="Kungsholmen", year="2021"))
        wait_for_results(page)
        expect(page.get_by_text("Inga träffar", exact=True)).to_be_visible()
        saved.append(shot(page, out / "empty.png"))

    # A phone: the timeline answer at 390 x 844.
    with new_page(browser, base, PHONE, scale=2) as page:
        page.goto(url(base, q=TIMELINE_Q))
        wait_for_results(page)
        saved.append(shot(page, out / "phone.png"))
    return saved


def shot(page: Page, path: Path, full_page: bool = False) -> Path:
    page.wait_for_timeout(150)  # let the last paint (spinner off, fonts) settle
    page.screenshot(path=str(path), animations="disabled", full_page=full_page)
    print(f"saved {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return path


@contextlib.contextmanager
def serving(base_url: str | None) -> Iterator[str]:
    """The given service, or `rapportsok serve` over var/index (indexed first if missing)."""
    if base_url:
        yield base_url.rstrip("/")
        return
    if not (REPO / "var" / "index" / "current").exists():
        subprocess.run([*rapportsok_command(), "index"], cwd=REPO, check=True)
    with running_service() as service:
        yield service.base_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--base-url", help="use a running service instead of starting one")
    parser.add_argument(
        "--only",
        choices=["search", "compare", "library"],
        help="only this view's screenshots (default: all)",
    )
    args = parser.parse_args(argv)
    if not chromium_available():
        print(f"screenshots: {SKIP_REASON}", file=sys.stderr)
        return 1
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with serving(args.base_url) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            if args.only in (None, "search"):
                take(browser, base, out)
            if args.only in (None, "compare"):
                take_compare(browser, base, out)
            if args.only in (None, "library"):
                take_library(browser, base, out)
        finally:
            browser.close()
    print(f"screenshots taken with {CHROMIUM}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
