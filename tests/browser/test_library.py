"""The "Rapporter" page in real Chromium: listing, a goal tree, upload with progress, a broken
upload's message, and removal.

The page gets its own service over its own small corpus (the first 12 pages of the 2024 plan,
indexed with the real model), because uploads and removals change the corpus folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.chromium import SKIP_REASON, TIMEOUT_MS, chromium_available
from tests.support.corpora import CORPUS, FILES, VP24, excerpt
from tests.support.fakes import report_text
from tests.support.servers import running_service

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

TOKEN = "library-browser-5e1d"
BUILD_TIMEOUT_MS = 240_000
EXCERPT = "hasselby-vallingby_2024_verksamhetsplan.pdf"


@pytest.fixture(scope="module")
def library_url(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    from service.search.runtime import build_for
    from service.settings import Settings

    root = tmp_path_factory.mktemp("library")
    corpus = root / "corpus"
    corpus.mkdir()
    excerpt(CORPUS / FILES[VP24], corpus / EXCERPT, pages=12)
    settings = Settings(model=str(model_dir), index_dir=root / "index", corpus_dir=corpus)
    report = build_for(settings, corpus, progress=False)
    assert report.documents == 1 and not report.failures
    env = {
        "RAPPORTSOK_INDEX_DIR": str(settings.index_dir),
        "RAPPORTSOK_MODEL": str(model_dir),
        "RAPPORTSOK_CORPUS_DIR": str(corpus),
        "RAPPORTSOK_ADMIN_TOKEN": TOKEN,
    }
    with running_service(env=env) as service:
        yield service.base_url


@pytest.fixture()
def library(browser: Browser, library_url: str) -> Iterator[Page]:
    """A page of the session's Chromium (one Playwright per process) on the library's service."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=library_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[object] = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _log_in(page: Page) -> None:
    page.goto("/?view=library")
    page.fill("#admin-token", TOKEN)
    page.click("#token-form button[type=submit]")
    page.wait_for_selector("#upload-form")


def test_the_header_links_to_the_reports_and_each_shows_what_was_read(library: Page) -> None:
    from playwright.sync_api import expect

    library.goto("/")
    library.get_by_role("link", name="Rapporter", exact=True).click()
    expect(library).to_have_url(re.compile(r"view=library"))
    row = library.locator("#library-table tbody tr").first
    expect(row).to_contain_text("Hässelby-Vällingby")
    expect(row).to_contain_text("2024")
    cells = row.locator("td")
    assert int(cells.nth(4).inner_text().split()[0]) == 12  # pages
    assert int(cells.nth(6).inner_text()) > 0  # goals
    expect(library.locator("#upload-form")).to_have_count(0)  # no token yet
    expect(library.locator("button.library-remove")).to_have_count(0)


def test_a_report_page_lists_its_goal_tree_with_links_to_the_pdf_pages(library: Page) -> None:
    from playwright.sync_api import expect

    library.goto("/?view=library")
    library.locator("a.library-open").first.click()
    expect(library).to_have_url(re.compile(r"doc=hasselby-vallingby-2024-verksamhetsplan"))
    top = library.locator("#goal-trees .goal-list > li[data-level=inriktningsmal]").first
    expect(top).to_contain_text("Inriktningsmål 1:")
    nested = top.locator("li[data-level=verksamhetsomradesmal]").first
    expect(nested).to_be_visible()
    link = top.locator("a.goal-page").first
    href = link.get_attribute("href") or ""
    assert re.search(r"/api/documents/hasselby-vallingby-2024-verksamhetsplan/pdf#page=\d+$", href)
    library.click("#library-back")
    expect(library.locator("#library-table")).to_be_visible()


def test_an_upload_shows_its_progress_and_becomes_searchable_then_it_is_removed(
    library: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    name = "skarpnack_2025_verksamhetsplan.txt"
    text = report_text("Verksamhetsplan 2025 för Skarpnäcks stadsdelsnämnd", "Koloniträdgårdarna")
    (tmp_path / name).write_text(text, encoding="utf-8")
    _log_in(library)
    library.set_input_files("#upload-files", str(tmp_path / name))
    library.click("#upload-button")
    expect(library.locator("#library-message")).to_contain_text(f"Sparade {name}")
    job = library.locator(".job").first
    expect(job).to_contain_text(name)
    expect(job.locator("progress")).to_be_visible()
    expect(job).to_have_attribute("data-state", "done", timeout=BUILD_TIMEOUT_MS)
    expect(job).to_contain_text("sökbara")
    row = library.locator("#library-table tbody tr", has_text=name)
    expect(row).to_have_count(1)
    found = library.request.get("/api/search", params={"q": "koloniträdgårdarna"}).json()
    assert found["hits"][0]["doc_id"] == "skarpnack-2025-verksamhetsplan"

    library.once("dialog", lambda dialog: dialog.accept())
    row.locator("button.library-remove").click()
    expect(library.locator("#library-message")).to_contain_text(".removed/")
    expect(library.locator(".job").first).to_have_attribute(
        "data-state", "done", timeout=BUILD_TIMEOUT_MS
    )
    expect(library.locator("#library-table tbody tr", has_text=name)).to_have_count(0)
    names = [d["name"] for d in library.request.get("/api/documents").json()]
    assert names == [EXCERPT]


def test_a_broken_upload_is_refused_with_a_message_naming_the_file(
    library: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    broken = tmp_path / "trasig-rapport.pdf"
    broken.write_bytes(b"%PDF-1.7\n% nothing else: the file was cut off\n")
    _log_in(library)
    library.set_input_files("#upload-files", str(broken))
    library.click("#upload-button")
    message = library.locator("#library-message .notice-error")
    expect(message).to_contain_text("trasig-rapport.pdf")
    expect(message).to_contain_text("corrupt")
    expect(library.locator(".job")).to_have_count(0)
    names = [d["name"] for d in library.request.get("/api/documents").json()]
    assert names == [EXCERPT]


def test_a_wrong_token_is_refused_and_forgotten(library: Page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    library.goto("/?view=library")
    library.fill("#admin-token", "not-the-token")
    library.click("#token-form button[type=submit]")
    (tmp_path / "a.txt").write_text(report_text("Verksamhetsplan 2025", "Parkerna"), "utf-8")
    library.set_input_files("#upload-files", str(tmp_path / "a.txt"))
    library.click("#upload-button")
    expect(library.locator("#library-message .notice-error")).to_contain_text("admin token")
    assert library.evaluate("sessionStorage.getItem('rapportsok-admin-token')") is None
