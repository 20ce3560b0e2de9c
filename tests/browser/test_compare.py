"""The "Jämför över år" view (web/js/compare-view.js) in headless Chromium, real service.

Run: .venv/bin/python -m pytest tests/browser -q -m browser
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is missing: pip install -e '.[dev]'")

from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from tests.browser.pdf_links import assert_opens_pdf

pytestmark = pytest.mark.browser

INDICATOR_Q = "andel barn i familjer med ekonomiskt bistånd"
GOAL_Q = "stöd och omsorg"
DISTRICT = "Hässelby-Vällingby"
EXPECTED_REPORTS = ["Verksamhetsplan 2021", "Tertialrapport 1 2021", "Verksamhetsplan 2024"]
EXPECTED_TARGETS = ["3,2 %", "3,2 %", "2,7 %"]
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=2</script>"


# ----------------------------------------------------------------------------- helpers


def compare_url(**params: str) -> str:
    return "/?" + urlencode({"view": "compare", **params})


def results(page: Page) -> Locator:
    return page.locator("#view-compare .compare-results")


def wait_compare(page: Page) -> None:
    expect(results(page)).to_have_attribute("aria-busy", "false")
    expect(page.locator("#compare-results-heading")).to_be_visible()


def compare(page: Page, query: str, *, kind: str = "Indikatorer", district: str = DISTRICT) -> Any:
    """On the compare view: choose kind and district, type the query, press Enter.

    Returns the JSON of the API call the page made.
    """
    expect(page.get_by_role("heading", name="Jämför över år", level=1)).to_be_visible()
    page.locator("#view-compare").get_by_label(kind, exact=True).check()
    page.locator("#cdistrict").select_option(district)
    box = page.locator("#cq")
    box.fill(query)
    path = {"Indikatorer": "/api/indicators", "Mål": "/api/goals", "Budget": "/api/budget"}[kind]
    with page.expect_response(lambda r: urlparse(r.url).path == path) as info:
        box.press("Enter")
    wait_compare(page)
    assert info.value.ok, info.value.text()
    return info.value.json()


def first_table(page: Page) -> Locator:
    return page.locator("#view-compare .compare-item").first.locator("table.compare-table")


def column_labels(table: Locator) -> list[str]:
    return [t.strip() for t in table.locator("thead th.col-head .col-label").all_inner_texts()]


def row_texts(table: Locator, row: str) -> list[str]:
    cells = table.locator(f'tbody tr[data-row="{row}"] td')
    return [
        " ".join(cells.nth(i).locator(".cell-text, .cell-empty").all_inner_texts()).strip()
        for i in range(cells.count())
    ]


def table_snapshot(table: Locator) -> list[list[str]]:
    rows = table.locator("tbody tr")
    return [
        [" ".join(c.split()) for c in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


# ----------------------------------------------------------------------------- tests


def test_indicator_table_chart_and_source_link(page: Page, context: BrowserContext) -> None:
    page.goto("/?view=compare")
    expect(page.locator('#views-list a[data-view="compare"]')).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("#view-search")).to_be_hidden()
    payload = compare(page, INDICATOR_Q)

    indicator = payload["indicators"][0]
    assert "ekonomiskt bistånd" in indicator["name"]
    assert indicator["district"] == DISTRICT
    series = indicator["series"]
    assert [e["report"] for e in series] == EXPECTED_REPORTS
    assert [e["target"]["text"] for e in series] == EXPECTED_TARGETS

    # The best match is open; its table has one column per report, oldest first.
    item = page.locator("#view-compare .compare-item").first
    expect(item).to_have_attribute("open", "")
    expect(item.locator(".compare-item-title")).to_have_text(indicator["name"])
    table = first_table(page)
    expect(table).to_be_visible()
    assert column_labels(table) == EXPECTED_REPORTS
    expect(table.locator("tbody th[scope=row]").first).to_have_text("Årsmål")
    assert row_texts(table, "target") == EXPECTED_TARGETS
    outcome = [e["outcome"]["text"] if e["outcome"] else "–" for e in series]
    assert row_texts(table, "outcome") == outcome
    # The previous year's outcome carries the report's own label.
    previous = table.locator('tr[data-row="previous"] td[data-col="1"]')
    expect(previous).to_contain_text(series[1]["previous"]["text"])
    expect(previous).to_contain_text(series[1]["previous_label"])

    # The chart: an SVG with target and outcome points and a text alternative.
    chart = item.locator("figure.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("figcaption")).to_contain_text("Årsmål och utfall")
    svg = chart.locator("svg.chart-svg")
    expect(svg).to_have_attribute("role", "img")
    expect(svg).to_have_attribute("aria-label", re.compile("Årsmål: VP 2021 3,2 %"))
    points = svg.locator(".chart-point")
    assert points.count() >= 3
    expect(svg.locator(".chart-point--target")).to_have_count(3)
    expect(svg.locator(".chart-point--outcome")).to_have_count(
        sum(1 for e in series if e["outcome"] and e["outcome"]["value"] is not None)
    )
    expect(chart.locator(".chart-legend li")).to_have_count(2)

    # Every value links to its source page; the T1 2021 target opens that report's PDF.
    entry = series[1]
    link = table.locator('tr[data-row="target"] td[data-col="1"] a')
    expected = f"/api/documents/{entry['doc_id']}/pdf#page={entry['page']}"
    expect(link).to_have_attribute("href", expected)
    assert entry["url"] == expected
    expect(link).to_have_attribute("target", "_blank")
    assert_opens_pdf(context, link, entry["doc_id"], entry["page"])

    # No empty link anywhere: every link in the table goes to a report page.
    hrefs = table.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(re.fullmatch(r"/api/documents/[^/]+/pdf#page=\d+", h) for h in hrefs)


def test_csv_export(page: Page) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/?view=compare")
    compare(page, INDICATOR_Q)
    button = page.get_by_role("button", name="Exportera CSV")
    expect(button).to_be_enabled()
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark for Excel"
    text = raw.decode("utf-8-sig")
    header = ";".join(["Rapport", *EXPECTED_REPORTS])
    assert header in text, text[:500]
    assert "Årsmål;3,2 %;3,2 %;2,7 %" in text
    assert "\r\n" in text

    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    target = next(r for r in rows if r and r[0] == "Årsmål")
    assert target[1:] == EXPECTED_TARGETS
    sources = next(r for r in rows if r and r[0] == "Källa")
    assert all(re.search(r"/api/documents/[^/]+/pdf#page=\d+$", s) for s in sources[1:])
    # Only the open table is exported: one header row.
    assert sum(1 for r in rows if r and r[0] == "Rapport") == 1
    assert not violations, violations


def test_goal_assessment_has_text_and_colour(page: Page) -> None:
    page.goto("/?view=compare")
    payload = compare(page, GOAL_Q, kind="Mål")
    assert parse_qs(urlparse(page.url).query)["ckind"] == ["goals"]
    goals = payload["goals"]
    index, col, entry = next(
        (gi, yi, y)
        for gi, goal in enumerate(goals)
        for yi, y in enumerate(goal["years"])
        if y["assessment"]
    )
    item = page.locator("#view-compare .compare-item").nth(index)
    if item.get_attribute("open") is None:
        item.locator("summary.compare-summary").click()
    table = item.locator("table.compare-table")
    labels = column_labels(table)
    # Each column names the report and the goal's number in that report.
    assert labels == [
        f"{y['report']} · {y['number']}" if y["number"] else y["report"]
        for y in goals[index]["years"]
    ]
    cell = table.locator(f'tr[data-row="assessment"] td[data-col="{col}"] .assessment')
    expect(cell).to_have_text(re.compile(re.escape(entry["assessment"])))
    wanted = {"helt": "assessment--yes", "delvis": "assessment--partly", "inte": "assessment--no"}
    colour_class = next(c for word, c in wanted.items() if word in entry["assessment"])
    expect(cell).to_have_class(re.compile(colour_class))
    background = cell.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), background
    expect(cell).to_have_attribute("href", entry["url"])
    # The goal row shows number and title, linking to the report page.
    goal_cell = table.locator(f'tr[data-row="goal"] td[data-col="{col}"] a')
    expect(goal_cell).to_contain_text(entry["title"])
    expect(goal_cell).to_have_attribute("href", entry["url"])


def test_url_round_trip_and_back_button(page: Page, context: BrowserContext) -> None:
    page.goto("/?view=compare")
    compare(page, INDICATOR_Q)
    query = parse_qs(urlparse(page.url).query)
    assert query["view"] == ["compare"]
    assert query["cq"] == [INDICATOR_Q]
    assert query["ckind"] == ["indicators"]
    assert query["cdistrict"] == [DISTRICT]
    snapshot = table_snapshot(first_table(page))
    assert snapshot

    # The same URL in a new tab shows the same table.
    shared = context.new_page()
    shared.goto(page.url)
    wait_compare(shared)
    expect(shared.locator("#cq")).to_have_value(INDICATOR_Q)
    expect(shared.locator("#cdistrict")).to_have_value(DISTRICT)
    expect(shared.locator("#view-compare").get_by_label("Indikatorer", exact=True)).to_be_checked()
    assert table_snapshot(first_table(shared)) == snapshot
    shared.close()

    # Switching to goals searches again; back returns to the indicator table.
    with page.expect_response(lambda r: urlparse(r.url).path == "/api/goals"):
        page.locator("#view-compare").get_by_label("Mål", exact=True).check()
    wait_compare(page)
    assert parse_qs(urlparse(page.url).query)["ckind"] == ["goals"]
    expect(page.locator("#view-compare table.compare-table--goals").first).to_be_visible()
    page.go_back()
    wait_compare(page)
    assert parse_qs(urlparse(page.url).query)["ckind"] == ["indicators"]
    expect(page.locator("#view-compare").get_by_label("Indikatorer", exact=True)).to_be_checked()
    expect(page.locator("#view-compare table.compare-table--indicators").first).to_be_visible()
    assert table_snapshot(first_table(page)) == snapshot

    # The search tab and back to the compare tab: the comparison is still there.
    page.locator('#views-list a[data-view="search"]').click()
    expect(page.locator("#view-search")).to_be_visible()
    expect(page.locator("#view-compare")).to_be_hidden()
    page.locator('#views-list a[data-view="compare"]').click()
    wait_compare(page)
    assert parse_qs(urlparse(page.url).query).get("cq") == [INDICATOR_Q]
    assert table_snapshot(first_table(page)) == snapshot


def test_budget_lines_in_mnkr(page: Page) -> None:
    page.goto("/?view=compare")
    payload = compare(page, "äldreomsorg", kind="Budget", district="")
    lines = payload["lines"]
    assert lines
    table = page.locator("#view-compare table.compare-table--budget")
    expect(table).to_be_visible()
    expect(table.locator("thead th.corner")).to_have_text("Mnkr")
    expect(table.locator(".group-row")).to_have_count(len(lines))
    first = lines[0]["entries"][0]
    value = first["values"].get("net") or first["values"].get("budget")
    if value:
        col = column_labels(table).index(first["report"])
        cell = table.locator(f'tr[data-row="net_budget"] td[data-col="{col}"]').first
        expect(cell.locator("a").first).to_have_text(re.compile(re.escape(value["text"])))
        expect(cell.locator("a").first).to_have_attribute("href", first["url"])


def test_empty_error_and_loading_states(page: Page) -> None:
    # No match.
    page.goto(compare_url(cq="xyzzy qwerty plugh", ckind="indicators", cdistrict="Kungsholmen"))
    wait_compare(page)
    expect(page.locator("#view-compare").get_by_text("Inga träffar", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Exportera CSV")).to_be_hidden()

    # The API's own error message.
    page.goto(compare_url(cq="budget", cdistrict="Atlantis"))
    wait_compare(page)
    alert = page.locator("#view-compare [role=alert]")
    expect(alert).to_contain_text("Något gick fel")
    expect(alert).to_contain_text("district")

    # Loading: the results are marked busy until the answer comes.
    pending: list[Route] = []
    page.route(lambda url: urlparse(url).path == "/api/goals", lambda route: pending.append(route))
    page.goto(compare_url(cq="trygghet", ckind="goals"))
    expect(page.locator("#view-compare .loading-text")).to_be_visible()
    expect(results(page)).to_have_attribute("aria-busy", "true")
    for _ in range(100):
        if pending:
            break
        page.wait_for_timeout(100)
    assert pending, "the page did not ask /api/goals"
    pending[0].fulfill(
        status=500,
        content_type="application/json",
        body=json.dumps({"error": "the test broke the service", "status": 500}),
    )
    wait_compare(page)
    expect(page.locator("#view-compare [role=alert]")).to_contain_text("the test broke the service")
    expect(page.locator("#view-compare").get_by_role("button", name="Försök igen")).to_be_visible()


def test_report_text_is_shown_as_text(page: Page) -> None:
    figure = {"text": XSS_IMG, "value": None, "unit": None}
    entry = {
        "year": 2024,
        "document": "x.pdf",
        "doc_id": "x",
        "doc_type": "verksamhetsplan",
        "report": f"Rapport {XSS_SCRIPT}",
        "unit": None,
        "page": 3,
        "pages": [3],
        "url": "/api/documents/x/pdf#page=3",
        "section": XSS_IMG,
        "goal": {"number": "1.1", "title": XSS_SCRIPT, "level": "namndmal"},
        "name": XSS_IMG,
        "period": XSS_SCRIPT,
        "outcome": figure,
        "outcome_men": None,
        "outcome_women": None,
        "previous": None,
        "forecast": None,
        "target": figure,
        "kf_target": None,
        "previous_label": None,
        "labels": {},
        "analysis": XSS_SCRIPT,
        "match_score": 0.97,
    }
    body = {
        "query": "x",
        "district": None,
        "link_threshold": 0.95,
        "indicators": [
            {
                "id": "ind-x",
                "name": f"Indikator {XSS_IMG}",
                "names": [XSS_IMG, XSS_SCRIPT],
                "district": XSS_SCRIPT,
                "unit": None,
                "measure": None,
                "score": 1.0,
                "series": [entry, {**entry, "year": 2021}],
            }
        ],
    }
    page.route(
        lambda url: urlparse(url).path == "/api/indicators",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(body)
        ),
    )
    page.goto(compare_url(cq="x", ckind="indicators"))
    wait_compare(page)
    item = page.locator("#view-compare .compare-item").first
    expect(item.locator(".compare-item-title")).to_have_text(f"Indikator {XSS_IMG}")
    expect(item.locator(".names-list")).to_contain_text(XSS_SCRIPT)
    expect(item.locator(".col-score").first).to_have_text("likhet 0,97")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#view-compare img, #view-compare script").count() == 0


def test_compare_at_phone_width(context: BrowserContext) -> None:
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(compare_url(cq=INDICATOR_Q, ckind="indicators", cdistrict=DISTRICT))
    wait_compare(page)
    expect(first_table(page)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    # The table scrolls inside its own box instead.
    scroller = page.locator("#view-compare .table-scroll").first
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    chart = page.locator("#view-compare figure.chart svg.chart-svg").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    page.close()
