"""The real model on the bundled corpus: index, search, answer, inspect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eval.metrics import QuestionResult, gold_ranks, summarise
from eval.run import load_questions

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_dev_questions_find_their_gold_passages(client: TestClient) -> None:
    questions = [q for q in load_questions(REPO / "eval" / "dev.jsonl") if q["gold"]]
    results = []
    for q in questions:
        body = client.get("/api/search", params={"q": q["question"], "k": 10}).json()
        ranks = gold_ranks([h["text"] for h in body["hits"]], [g["quote"] for g in q["gold"]])
        results.append(QuestionResult(q["id"], q["kind"], ranks))
    summary = summarise(results)
    assert summary.recall >= 0.85
    assert summary.mrr >= 0.70


def test_placement_costs_are_found_by_meaning(client: TestClient) -> None:
    body = client.get(
        "/api/search", params={"q": "hur har placeringskostnaderna utvecklats?"}
    ).json()
    texts = " ".join(h["text"] for h in body["hits"])
    assert "Kostnaden för placeringar av ungdomar har ökat främst med SIS-placeringar" in texts
    first = body["hits"][0]
    assert first["page"] and first["document"].endswith(".pdf") and first["section"]
    assert any(first["text"][s:e].lower().startswith("placering") for s, e in first["highlights"])


def test_filters_read_from_the_question(client: TestClient) -> None:
    body = client.get(
        "/api/search",
        params={
            "q": "Vilket nytt team införs under mål 3.3 i Hässelby-Vällingbys verksamhetsplan 2024?"
        },
    ).json()
    assert body["filters"]["district"] == "Hässelby-Vällingby"
    assert body["filters"]["year"] == 2024 and body["filters"]["goal"] == "3.3"
    assert all(h["year"] == 2024 and h["goal"]["number"].startswith("3.3") for h in body["hits"])
    assert any(team in body["hits"][0]["text"].lower() for team in ("boendeteam", "boteam"))


def test_duplicates_across_units_are_collapsed(client: TestClient) -> None:
    body = client.get(
        "/api/search", params={"q": "Stocket förstahandsalternativ vid inköp av möbler", "k": 10}
    ).json()
    texts = [" ".join(h["text"].split()).lower() for h in body["hits"]]
    assert len(texts) == len(set(texts))
    assert any(len(h["also_in"]) >= 5 for h in body["hits"])


def test_trend_question_gets_a_timeline(client: TestClient) -> None:
    body = client.post(
        "/api/ask", json={"question": "Hur har placeringskostnaderna utvecklats?"}
    ).json()
    assert body["answered"] and body["kind"] == "timeline"
    years = [entry["year"] for entry in body["timeline"]]
    assert years == sorted(years) and len(set(years)) >= 2
    assert all(f"[{entry['citation']}]" in body["answer"] for entry in body["timeline"])
    assert {c["year"] for c in body["citations"]} >= {2021, 2024}


def test_answer_sentences_are_quoted_from_cited_passages(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": "Varför stängdes fritidsgården Lili?"}).json()
    assert body["answered"]
    citations = {c["id"]: c for c in body["citations"]}
    for sentence in body["sentences"]:
        quotes = " ".join(" ".join(citations[n]["quote"].split()) for n in sentence["citations"])
        assert " ".join(sentence["text"].split()) in quotes
    assert "låg beläggning" in body["answer"]


def test_unanswerable_question_says_so(client: TestClient) -> None:
    body = client.post(
        "/api/ask", json={"question": "Vad kostade upprustningen av Brunnsparken?"}
    ).json()
    assert body["answered"] is False
    assert body["answer"] == "Hittade inget svar i rapporterna."


@pytest.mark.usefixtures("real_index_env")
def test_inspect_lists_the_four_reports(
    capsys: pytest.CaptureFixture[str], client: TestClient
) -> None:
    from service.cli import main

    assert main(["inspect", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    kinds = {(d["district"], d["year"], d["doc_type"]) for d in summary["documents"]}
    assert kinds == {
        ("Hässelby-Vällingby", 2021, "verksamhetsplan"),
        ("Hässelby-Vällingby", 2021, "tertialrapport-1"),
        ("Hässelby-Vällingby", 2024, "verksamhetsplan"),
        ("Kungsholmen", 2024, "verksamhetsberattelse"),
    }
    kungsholmen = next(d for d in summary["documents"] if d["district"] == "Kungsholmen")
    assert len(kungsholmen["units"]) == 6
    assert all(len(d["goals"]) >= 10 for d in summary["documents"])


@pytest.mark.usefixtures("real_index_env")
def test_cli_search_json(capsys: pytest.CaptureFixture[str], client: TestClient) -> None:
    from service.cli import main

    assert main(["search", "Insluss", "--k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert len(hits) == 3 and "nsluss" in hits[0]["text"]
