"""The comparison endpoints and indicator answers on the real index of the bundled corpus."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow
CHILDREN_Q = "andel barn i familjer med ekonomiskt bistånd"
HV = "Hässelby-Vällingby"


def get(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_indicator_series_oldest_first_with_sources(client: TestClient) -> None:
    body = get(client, "/api/indicators", q=CHILDREN_Q, district=HV)
    assert body["district"] == HV and body["link_threshold"] > 0.9
    first = body["indicators"][0]
    assert first["name"] == "Andel barn som lever i familjer som har ekonomiskt bistånd"
    series = first["series"]
    assert [(s["year"], s["report"]) for s in series] == [
        (2021, "Verksamhetsplan 2021"),
        (2021, "Tertialrapport 1 2021"),
        (2024, "Verksamhetsplan 2024"),
    ]
    assert series[0]["target"] == {"text": "3,2 %", "value": 3.2, "unit": "%"}
    assert series[0]["kf_target"]["value"] == 2.7
    assert series[1]["outcome"]["value"] == 2.9 and series[1]["forecast"]["value"] == 2.9
    assert series[1]["previous_label"] == "Periodens utfall VB 2020"
    assert series[2]["target"]["text"] == "2,7 %"
    assert all(s["match_score"] == 1.0 for s in series)
    assert series[0]["url"] == "/api/documents/hasselby-vallingby-2021-verksamhetsplan/pdf#page=10"
    assert first["measure"] == "%"


def test_reworded_indicator_is_linked_with_its_match_score(client: TestClient) -> None:
    body = get(client, "/api/indicators", q="köpt energi", district=HV)
    energy = next(
        i for i in body["indicators"] if "Köpt energi i stadens organisation" in i["names"]
    )
    assert energy["names"] == [
        "Totalt köpt energi i stadens verksamheter",
        "Köpt energi i stadens organisation",
    ]
    scores = [s["match_score"] for s in energy["series"]]
    assert scores[:2] == [1.0, 1.0]
    assert body["link_threshold"] <= scores[2] < 1.0


def test_listing_without_query_and_unit_series(client: TestClient) -> None:
    body = get(client, "/api/indicators", district="Kungsholmen", limit=100)
    assert body["query"] is None and len(body["indicators"]) > 20
    units = {i["unit"] for i in body["indicators"] if i["name"] == "Sjukfrånvaro"}
    assert {"Vuxenenheten", "Familjeenheten"} <= units


def test_goals_side_by_side_keep_each_reports_number(client: TestClient) -> None:
    body = get(
        client,
        "/api/goals",
        q="flickor och pojkar utvecklas och lär i en trygg förskola",
        district=HV,
    )
    goal = body["goals"][0]
    numbers = [(y["year"], y["report"], y["number"]) for y in goal["years"]]
    assert numbers == [
        (2021, "Verksamhetsplan 2021", "1.3.1"),
        (2021, "Tertialrapport 1 2021", "1.3.1"),
        (2024, "Verksamhetsplan 2024", "1.2.1"),
    ]
    follow_up = goal["years"][1]
    assert follow_up["assessment"] == "Uppfylls helt"
    assert follow_up["expected_results"] and follow_up["activities"] and follow_up["indicators"]
    assert all(i["series_id"] for i in follow_up["indicators"])
    assert goal["years"][2]["match_score"] >= body["link_threshold"]


def test_goals_of_a_year(client: TestClient) -> None:
    body = get(client, "/api/goals", district="Kungsholmen", year=2024, limit=100)
    assert body["year"] == 2024 and body["goals"]
    assert all(any(y["year"] == 2024 for y in g["years"]) for g in body["goals"])
    assessed = [y for g in body["goals"] for y in g["years"] if y["assessment"]]
    assert {"Uppfylls helt", "Uppfylls delvis", "Uppfylls inte"} <= {
        y["assessment"] for y in assessed
    }


def test_budget_lines_across_reports(client: TestClient) -> None:
    body = get(client, "/api/budget", q="äldreomsorg", district=HV)
    line = next(x for x in body["lines"] if x["name"] == "Äldreomsorg" and len(x["entries"]) >= 2)
    nets = {
        (e["year"], e["values"]["net"]["value"]) for e in line["entries"] if "net" in e["values"]
    }
    assert (2021, 645.4) in nets and (2024, 735.8) in nets


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/indicators", {"district": "Narnia"}, 400),
        ("/api/goals", {"year": 1999}, 400),
        ("/api/budget", {"q": "x" * 501}, 422),
        ("/api/indicators", {"limit": 0}, 422),
    ],
)
def test_bad_input_gets_the_error_shape(
    client: TestClient, path: str, params: dict[str, Any], status: int
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "status"} and body["status"] == status


def test_nonsense_finds_nothing(client: TestClient) -> None:
    assert get(client, "/api/indicators", q="xyzzy qwerty")["indicators"] == []


def test_answer_gives_the_target_with_its_citation(client: TestClient) -> None:
    question = (
        "Vilket årsmål hade Hässelby-Vällingby 2021 för andel barn i familjer "
        "med ekonomiskt bistånd?"
    )
    body = client.post("/api/ask", json={"question": question}).json()
    assert body["answered"] and body["kind"] == "indicator"
    assert "3,2 %" in body["answer"] and "[1]" in body["answer"]
    citation = body["citations"][0]
    assert (
        citation["doc_id"] == "hasselby-vallingby-2021-verksamhetsplan" and citation["page"] == 10
    )
    assert "3,2 %" in citation["quote"]


def test_answer_about_development_gives_the_series(client: TestClient) -> None:
    body = client.post(
        "/api/ask",
        json={"question": "Hur har andelen barn i familjer med ekonomiskt bistånd utvecklats?"},
    ).json()
    assert body["kind"] == "timeline" and len(body["timeline"]) == 3
    assert [t["year"] for t in body["timeline"]] == [2021, 2021, 2024]
    assert "2,9 %" in body["timeline"][1]["figures"]
    assert len(body["citations"]) == 3
