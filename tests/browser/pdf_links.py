"""A check the browser tests share: a link on the page opens a report's PDF at a page."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import BrowserContext, Locator


def assert_opens_pdf(context: BrowserContext, link: Locator, doc_id: str, page: int) -> None:
    """Clicking `link` opens /api/documents/<doc_id>/pdf#page=<page> in a new tab, a PDF."""
    expected_path = f"/api/documents/{doc_id}/pdf"
    with (
        context.expect_event(
            "response", predicate=lambda r: urlparse(r.url).path == expected_path
        ) as response_info,
        context.expect_page() as popup_info,
    ):
        link.click()
    popup = popup_info.value
    url = urlparse(popup.url)
    assert url.path == expected_path
    assert url.fragment == f"page={page}"
    response = response_info.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    popup.close()
