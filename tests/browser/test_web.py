"""The web page in headless Chromium against the real service on the bundled corpus.

Run: .venv/bin/python -m pytest tests/browser -q -m browser
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is missing: pip install -e '.[dev]'")

from playwright.sync_api import BrowserContext, Page, Request, Route, expect

from tests.browser.pdf_links import assert_opens_pdf

pytestmark = pytest.mark.browser

TIMELINE_Q = "Hur har placeringskostnaderna utvecklats?"
INDICATOR_Q = (
    "Vilket årsmål hade Hässelby-Vällingby 2021 för andel barn i familjer med ekonomiskt bistånd?"
)
BOOST_Q = "Vad skrev Hässelby-Vällingby om hemtjänsten i första tertialet 2021?"
NO_ANSWER_Q = "xyzzy qwerty plugh"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=2</script>"


def ask(page: Page, question: str) -> dict[str, Any]:
    """Type a question, press Enter, wait for the answer; return the /api/ask JSON."""
    box = page.get_by_label("Ställ en fråga")
    box.fill(question)
    with page.expect_response(lambda r: urlparse(r.url).path == "/api/ask") as info:
        box.press("Enter")
    wait_done(page)
    payload: dict[str, Any] = info.value.json()
    return payload


def wait_done(page: Page) -> None:
    expect(page.locator("#answer")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#passages")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#passages-heading")).to_be_visible()


def passage_rows(page: Page) -> list[str]:
    cards = page.locator("#passages .passage")
    return [
        " | ".join(
            [
                cards.nth(i).locator(".passage-title").inner_text(),
                cards.nth(i).locator(".tag--page").inner_text(),
            ]
        )
        for i in range(cards.count())
    ]


def test_answer_with_citations_from_different_years(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_title(re.compile("Rapportsök"))
    payload = ask(page, TIMELINE_Q)
    assert payload["answered"] is True

    markers = page.locator("#answer .cite")
    expect(markers.first).to_be_visible()
    assert markers.count() >= 2
    years = {markers.nth(i).get_attribute("data-year") for i in range(markers.count())}
    assert len(years - {""}) >= 2, f"citations from one year only: {years}"

    # The development over time as a year-by-year list.
    timeline = page.locator("#answer .timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator(".timeline-year-label")).to_have_text(["2021", "2024"])

    # Hovering a marker shows the source: title, year, district, page.
    first = payload["citations"][0]
    markers.first.hover()
    tooltip = page.locator("#cite-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(first["title"])
    expect(tooltip).to_contain_text(str(first["year"]))
    expect(tooltip).to_contain_text(first["district"])
    expect(tooltip).to_contain_text(f"sidan {first['page']}")
    page.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()

    # The passages below, with the question's words highlighted.
    expect(page.locator("#passages .passage").first).to_be_visible()
    expect(page.locator("#passages .passage mark").first).to_be_visible()


def test_citation_opens_the_pdf_at_the_cited_page(page: Page, context: BrowserContext) -> None:
    page.goto("/")
    payload = ask(page, TIMELINE_Q)
    citation = payload["citations"][1]
    marker = page.locator(f'#answer .cite[data-cite="{citation["id"]}"]').first
    assert_opens_pdf(context, marker, citation["doc_id"], citation["page"])


def test_year_filter_shared_url_and_back_button(page: Page, context: BrowserContext) -> None:
    page.goto("/")
    ask(page, TIMELINE_Q)
    years = page.locator("#passages .passage").evaluate_all("els => els.map(e => e.dataset.year)")
    assert {"2021", "2024"} <= set(years), f"expected both years before filtering: {years}"

    with page.expect_request(lambda r: "/api/search" in r.url and "year=2024" in r.url):
        page.get_by_label("År", exact=True).select_option("2024")
    wait_done(page)
    expect(page.locator("#chips .chip--explicit")).to_contain_text("2024")
    expect(page.locator('#passages .passage:not([data-year="2024"])')).to_have_count(0)
    expect(page.locator('#passages .passage[data-year="2024"]')).not_to_have_count(0)
    query = parse_qs(urlparse(page.url).query)
    assert query["q"] == [TIMELINE_Q]
    assert query["year"] == ["2024"]
    rows = passage_rows(page)
    answer = page.locator("#answer").inner_text()

    # The same URL in a new tab shows the same results.
    shared = context.new_page()
    shared.goto(page.url)
    wait_done(shared)
    expect(shared.get_by_label("Ställ en fråga")).to_have_value(TIMELINE_Q)
    expect(shared.get_by_label("År", exact=True)).to_have_value("2024")
    assert passage_rows(shared) == rows
    assert shared.locator("#answer").inner_text() == answer
    shared.close()

    # Back: the filter is gone again.
    page.go_back()
    wait_done(page)
    assert "year" not in parse_qs(urlparse(page.url).query)
    expect(page.get_by_label("År", exact=True)).to_have_value("")
    expect(page.locator('#passages .passage[data-year="2021"]')).not_to_have_count(0)
    # Forward again.
    page.go_forward()
    wait_done(page)
    expect(page.get_by_label("År", exact=True)).to_have_value("2024")


def test_filters_read_from_the_question_are_chips(page: Page) -> None:
    page.goto("/")
    payload = ask(page, INDICATOR_Q)
    assert payload["filters"].get("district") == "Hässelby-Vällingby"
    inferred = page.locator("#chips .chip--inferred")
    expect(inferred).to_have_count(2)
    expect(inferred.filter(has_text="Hässelby-Vällingby")).to_contain_text("från frågan")
    expect(inferred.filter(has_text="2021")).to_be_visible()
    expect(page.locator('#passages .passage:not([data-year="2021"])')).to_have_count(0)

    # Removing one asks again with that filter explicitly switched off
    # (?nofilter=year on /api/search, "disable": ["year"] in the /api/ask body).
    with (
        page.expect_response(lambda r: urlparse(r.url).path == "/api/ask") as ask_info,
        page.expect_response(lambda r: urlparse(r.url).path == "/api/search") as search_info,
    ):
        page.get_by_role("button", name=re.compile("Ta bort filtret År: 2021")).click()
    assert parse_qs(urlparse(search_info.value.url).query)["nofilter"] == ["year"]
    assert (ask_info.value.request.post_data_json or {}).get("disable") == ["year"]
    assert parse_qs(urlparse(page.url).query)["nofilter"] == ["year"]
    assert ask_info.value.ok, ask_info.value.text()
    assert "year" not in search_info.value.json()["filters"]
    wait_done(page)
    expect(page.locator("#chips .chip--disabled")).to_contain_text("År")
    expect(page.locator("#chips .chip--inferred")).to_have_count(1)
    expect(page.locator('#passages .passage[data-year="2024"]')).not_to_have_count(0)
    expect(page.locator("#results [role=alert]")).to_have_count(0)
    # Keyboard focus stays in the chip row.
    expect(page.locator("#chips button:focus")).to_have_count(1)

    # "Återställ" brings the filter read from the question back.
    page.get_by_role("button", name=re.compile("Använd år ur frågan igen")).click()
    wait_done(page)
    expect(page.locator("#chips .chip--inferred")).to_have_count(2)
    assert "nofilter" not in parse_qs(urlparse(page.url).query)


def test_a_report_type_in_the_question_is_a_boost_not_a_filter(page: Page) -> None:
    page.goto("/")
    payload = ask(page, BOOST_Q)
    assert payload["filters"].get("boost_doc_type") == "tertialrapport-1"
    hint = page.locator("#chips .chip--hint")
    expect(hint).to_contain_text("Väger tyngre")
    expect(hint).to_contain_text("Tertialrapport 1")
    expect(page.locator("#chips-note")).to_contain_text("inget filter")
    expect(page.get_by_label("Rapporttyp")).to_have_value("")
    with page.expect_request(lambda r: urlparse(r.url).path == "/api/search") as info:
        hint.get_by_role("button").click()
    assert parse_qs(urlparse(info.value.url).query)["nofilter"] == ["doc_type"]


def test_markup_in_reports_is_shown_as_text(page: Page) -> None:
    def fake_search(route: Route, request: Request) -> None:
        hit = {
            "text": f"Före {XSS_IMG} mitten {XSS_SCRIPT} efter placering",
            "score": 1.0,
            "document": "x.pdf",
            "doc_id": "x",
            "title": f"Rapport {XSS_IMG}",
            "district": "Kungsholmen",
            "year": 2024,
            "doc_type": "verksamhetsplan",
            "unit": "<b>Enhet</b>",
            "goal": {"number": "1.1", "title": XSS_SCRIPT, "level": "namndmal"},
            "goals": [],
            "section": f"Avsnitt {XSS_IMG}",
            "page": 3,
            "pages": [3],
            "kind": "prose",
            "assessment": None,
            "highlights": [[5, 40], [0, 4]],
            "also_in": [{"document": XSS_IMG, "unit": XSS_SCRIPT, "page": 2}],
        }
        body = {"query": "placering", "filters": {}, "hits": [hit]}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    def fake_ask(route: Route, request: Request) -> None:
        citation = {
            "id": 1,
            "document": "x.pdf",
            "doc_id": "x",
            "title": XSS_SCRIPT,
            "year": 2024,
            "district": XSS_IMG,
            "doc_type": "verksamhetsplan",
            "unit": None,
            "page": 3,
            "pages": [3],
            "section": XSS_IMG,
            "goal": None,
            "quote": XSS_SCRIPT,
        }
        body = {
            "question": "placering",
            "answered": True,
            "answer": "",
            "kind": "passages",
            "sentences": [{"text": f"Svar {XSS_IMG} och {XSS_SCRIPT}", "citations": [1]}],
            "citations": [citation],
            "timeline": None,
            "filters": {},
            "message": None,
        }
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route(lambda url: urlparse(url).path == "/api/search", fake_search)
    page.route(lambda url: urlparse(url).path == "/api/ask", fake_ask)
    page.goto("/?" + urlencode({"q": "placering"}))
    wait_done(page)
    page.locator("#answer .cite").first.hover()
    expect(page.locator("#cite-tooltip")).to_contain_text(XSS_SCRIPT)
    page.locator("#passages details.also-in summary").click()

    expect(page.locator("#answer .answer-text")).to_contain_text(XSS_IMG)
    expect(page.locator("#answer .answer-text")).to_contain_text(XSS_SCRIPT)
    card = page.locator("#passages .passage").first
    expect(card.locator(".passage-text")).to_contain_text(f"Före {XSS_IMG} mitten {XSS_SCRIPT}")
    expect(card.locator(".passage-title")).to_contain_text(XSS_IMG)
    expect(card.locator(".passage-text mark").first).to_have_text("Före")
    expect(page.get_by_text(XSS_SCRIPT).first).to_be_visible()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#results img, #results script, #results b").count() == 0


def test_empty_not_found_and_error_states(page: Page) -> None:
    # Filters that exclude every report: no passages.
    empty = {"q": "fritidsgården Lili", "district": "Kungsholmen", "year": "2021"}
    page.goto("/?" + urlencode(empty))
    wait_done(page)
    expect(page.get_by_text("Inga träffar", exact=True)).to_be_visible()
    expect(page.locator("#chips .chip--explicit")).to_have_count(2)

    # A question the reports do not answer.
    page.goto("/")
    payload = ask(page, NO_ANSWER_Q)
    if payload["answered"]:
        pytest.fail(f"expected no answer for {NO_ANSWER_Q!r}")
    expect(
        page.get_by_text("Rapporterna svarar inte på just den frågan", exact=True)
    ).to_be_visible()
    # What the reports do hold, and the closest passages to read.
    expect(page.locator("#answer .notfound-message")).to_have_text(payload["message"])
    if payload["related"]:
        expect(page.locator("#answer .sources-heading")).to_have_text("Läs vidare")
        expect(page.locator("#answer .source")).to_have_count(len(payload["related"]))

    # The API's own error message, not a blank page.
    page.goto("/?" + urlencode({"q": "budget", "year": "1999"}))
    wait_done(page)
    alert = page.locator("#passages [role=alert]")
    expect(alert).to_contain_text("Något gick fel")
    expect(alert).to_contain_text("no reports from 1999")
    expect(page.locator("#chips .chip--explicit")).to_contain_text("1999")

    page.route(
        lambda url: urlparse(url).path == "/api/ask",
        lambda route: route.fulfill(
            status=500,
            content_type="application/json",
            body=json.dumps({"error": "the test broke the service", "status": 500}),
        ),
    )
    page.goto("/?" + urlencode({"q": "budget"}))
    wait_done(page)
    expect(page.locator("#answer [role=alert]")).to_contain_text("the test broke the service")
    expect(page.locator("#passages .passage").first).to_be_visible()


def test_example_question_and_keyboard_only(page: Page) -> None:
    page.goto("/")
    with page.expect_response(lambda r: urlparse(r.url).path == "/api/ask"):
        page.get_by_role("button", name="Varför stängdes fritidsgården Lili?").click()
    wait_done(page)
    expect(page.get_by_label("Ställ en fråga")).to_have_value("Varför stängdes fritidsgården Lili?")
    expect(page.locator("#answer .answer-text")).to_contain_text("Lili")

    # Keyboard: Tab from the top reaches the box; Enter asks; Tab reaches a citation.
    page.goto("/")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "q":
            break
    expect(page.get_by_label("Ställ en fråga")).to_be_focused()
    page.keyboard.type(TIMELINE_Q)
    page.keyboard.press("Enter")
    wait_done(page)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cite')"):
            break
    focused = page.locator("#answer .cite:focus")
    expect(focused).to_have_count(1)
    expect(page.locator("#cite-tooltip")).to_be_visible()
    outline = focused.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "the focused citation has no visible focus ring"


def test_works_under_the_content_security_policy(page: Page) -> None:
    violations: list[str] = []
    policies: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    def with_csp(route: Route, request: Request) -> None:
        if request.resource_type != "document":
            route.fallback()
            return
        response = route.fetch()
        # The service's own policy when it sends one, else the one it is meant to send.
        headers = {"content-security-policy": CSP, **response.headers}
        policies.append(headers["content-security-policy"])
        route.fulfill(response=response, headers=headers)

    page.route("**/*", with_csp)
    page.goto("/?" + urlencode({"q": TIMELINE_Q}))
    wait_done(page)
    expect(page.locator("#answer .cite").first).to_be_visible()
    page.locator("#answer .cite").first.hover()
    expect(page.locator("#cite-tooltip")).to_be_visible()
    assert policies and "script-src 'self'" in policies[0], policies
    assert "unsafe-inline" not in policies[0], policies
    assert not violations, violations


def test_phone_width(context: BrowserContext) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/?" + urlencode({"q": TIMELINE_Q}))
    wait_done(page)
    expect(page.locator("#answer .timeline")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    toggle = page.get_by_role("button", name=re.compile("Visa filter"))
    expect(toggle).to_be_visible()
    expect(page.get_by_label("År", exact=True)).to_be_hidden()
    toggle.click()
    expect(page.get_by_label("År", exact=True)).to_be_visible()
    page.close()
